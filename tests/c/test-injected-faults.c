/* test-injected-faults.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * System calls that fail in ways no loopback setup produces on demand:
 * a listen() after a successful bind() (a port another socket listens on
 * already fails the bind), and a UDP send that finds the send buffer full
 * (EAGAIN, which loopback delivery makes a matter of timing). This
 * program defines listen() and sendmsg() itself, failing the next call
 * with a chosen errno, and calls the system's otherwise; the library is
 * linked statically into it, so its calls come here. Qt's outcomes are
 * read from its source (QNativeSocketEngine's nativeListen(),
 * QLocalServerPrivate::listen() and closeServer(),
 * QUdpSocket::writeDatagram()).
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

/* The errno the next sendmsg() fails with; 0 lets it through. */
static int sendmsg_errno;

int listen (int fd, int backlog);
ssize_t sendmsg (int fd, const struct msghdr *msg, int flags);

ssize_t
sendmsg (int                  fd,
         const struct msghdr *msg,
         int                  flags)
{
  if (sendmsg_errno != 0)
    {
      errno = sendmsg_errno;
      sendmsg_errno = 0;
      return -1;
    }
  return syscall (SYS_sendmsg, fd, msg, flags);
}


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
  g_autofree char *dir = g_dir_make_tmp ("qsock-injected-faults-XXXXXX", &error);
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

static void
test_udp_send_eagain (void)
{
  g_autoptr(QsUdpSocket) peer = qs_udp_socket_new ();
  g_autoptr(QsUdpSocket) udp = qs_udp_socket_new ();
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  g_autoptr(GString) trace = g_string_new (NULL);
  guint16 port;

  g_test_summary ("write_datagram whose send finds the buffer full (EAGAIN): "
                  "-1 and QUdpSocket::writeDatagram()'s TemporaryError, "
                  "\"Unable to send a datagram\", emitted; the next send goes out");

  qs_test_udp_bind (peer, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  port = qs_test_udp_local_port (peer);
  qs_test_udp_bind (udp, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_test_trace_socket (udp, trace);

  sendmsg_errno = EAGAIN;
  g_assert_cmpint (qs_udp_socket_write_datagram (udp, (const guint8 *) "abc", 3, loopback, port), ==, -1);
  g_assert_cmpstr (trace->str, ==, "error-occurred(temporary-error) ");
  g_assert_cmpint (qs_abstract_socket_get_error (QS_ABSTRACT_SOCKET (udp)), ==,
                   QS_SOCKET_ERROR_TEMPORARY_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (QS_IO_DEVICE (udp)), ==, "Unable to send a datagram");
  g_assert_cmpint (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (udp)), ==, QS_SOCKET_STATE_BOUND_STATE);

  g_assert_cmpint (qs_udp_socket_write_datagram (udp, (const guint8 *) "abc", 3, loopback, port), ==, 3);
  g_assert_cmpstr (trace->str, ==, "error-occurred(temporary-error) bytes-written(3) ");
  qs_test_udp_wait_readable (peer);
  g_assert_cmpint (qs_udp_socket_pending_datagram_size (peer), ==, 3);
  g_signal_handlers_disconnect_by_data (udp, trace);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/injected-faults/tcp-server/listen-address-in-use", test_tcp_server_address_in_use);
  g_test_add_func ("/injected-faults/tcp-server/listen-other-error", test_tcp_server_other_error);
  g_test_add_func ("/injected-faults/local-server/listen-removes-file", test_local_server_removes_file);
  g_test_add_func ("/injected-faults/udp-socket/send-eagain", test_udp_send_eagain);

  return g_test_run ();
}
