/* test-listen-faults.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A listen() that fails after its bind() succeeded, which no loopback
 * setup produces on demand (a port bound and listened on by another
 * socket already fails the bind): this program defines listen() itself,
 * failing with a chosen errno, and calls the system's otherwise. The
 * library is linked statically into the program, so its calls come here.
 * Qt's outcome is read from its source (QNativeSocketEngine's
 * nativeListen(), QLocalServerPrivate::listen() and closeServer()).
 */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "qs-test-utils.h"

/* The errno the next listen() fails with; 0 lets it through. */
static int listen_errno;
static guint listen_calls;

int listen (int fd, int backlog);

int
listen (int fd,
        int backlog)
{
  listen_calls++;
  if (listen_errno != 0)
    {
      errno = listen_errno;
      listen_errno = 0;
      return -1;
    }
  return (int) syscall (SYS_listen, fd, backlog);
}

static void
test_tcp_server_address_in_use (void)
{
  g_autoptr(QsTcpServer) server = qs_tcp_server_new ();
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

  g_test_summary ("QsTcpServer: a listen() failing with EADDRINUSE after the "
                  "bind gives Qt's nativeListen() error, AddressInUseError, "
                  "\"Another socket is already listening on the same port\"; "
                  "the server is not listening and can listen again");

  listen_errno = EADDRINUSE;
  listen_calls = 0;
  g_assert_false (qs_tcp_server_listen (server, loopback, 0));
  g_assert_cmpuint (listen_calls, ==, 1);
  g_assert_cmpint (qs_tcp_server_get_server_error (server), ==, QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR);
  g_assert_cmpstr (qs_tcp_server_get_error_string (server), ==,
                   "Another socket is already listening on the same port");
  g_assert_false (qs_tcp_server_is_listening (server));
  g_assert_cmpuint (qs_tcp_server_get_server_port (server), ==, 0);

  g_assert_true (qs_tcp_server_listen (server, loopback, 0));
  g_assert_cmpuint (listen_calls, ==, 2);
  g_assert_cmpuint (qs_tcp_server_get_server_port (server), !=, 0);
}

static void
test_tcp_server_other_error (void)
{
  g_autoptr(QsTcpServer) server = qs_tcp_server_new ();
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

  g_test_summary ("QsTcpServer: any other listen() errno is left unmapped, "
                  "as Qt's nativeListen() does: UnknownSocketError");

  listen_errno = ENOBUFS;
  g_assert_false (qs_tcp_server_listen (server, loopback, 0));
  g_assert_cmpint (qs_tcp_server_get_server_error (server), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_tcp_server_get_error_string (server), ==, "Unknown error");
  g_assert_false (qs_tcp_server_is_listening (server));
}

static void
test_local_server_removes_file (void)
{
  g_autoptr(QsLocalServer) server = qs_local_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("qsock-listen-faults-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_test_summary ("QsLocalServer: a listen() failing after the bind removes "
                  "the socket file the bind made (Qt's closeServer()), with "
                  "\"QLocalServer::listen: Address in use\" for EADDRINUSE; "
                  "the name can be listened on again");

  g_assert_no_error (error);
  path = g_build_filename (dir, "server", NULL);
  listen_errno = EADDRINUSE;
  listen_calls = 0;
  g_assert_false (qs_local_server_listen (server, path));
  g_assert_cmpuint (listen_calls, ==, 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (qs_local_server_get_server_error (server), ==, QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR);
  g_assert_cmpstr (qs_local_server_get_error_string (server), ==, "QLocalServer::listen: Address in use");
  g_assert_false (qs_local_server_is_listening (server));
  g_assert_null (qs_local_server_get_full_server_name (server));

  g_assert_true (qs_local_server_listen (server, path));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  qs_local_server_close (server);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpint (rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/listen-faults/tcp-server/address-in-use", test_tcp_server_address_in_use);
  g_test_add_func ("/listen-faults/tcp-server/other-error", test_tcp_server_other_error);
  g_test_add_func ("/listen-faults/local-server/removes-file", test_local_server_removes_file);

  return g_test_run ();
}
