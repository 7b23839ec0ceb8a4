/* test-local-fds.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsLocalSocket's extras beyond Qt: the peer's credentials (SO_PEERCRED).
 * The two-process cases run this program a second time as the peer
 * ("--peer MODE PATH"), a real qsock program in its own process.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 10000

/* Two connected local sockets, one on each end of a socketpair(). */
static void
socket_pair_new (QsLocalSocket **a,
                 QsLocalSocket **b)
{
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  *a = qs_local_socket_new ();
  *b = qs_local_socket_new ();
  g_assert_true (qs_local_socket_set_socket_descriptor (*a, fds[0], QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                                        QS_OPEN_MODE_READ_WRITE));
  g_assert_true (qs_local_socket_set_socket_descriptor (*b, fds[1], QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                                        QS_OPEN_MODE_READ_WRITE));
}

/* A child process running this program as the peer: connects to @path
 * and does what @mode says. */
typedef struct
{
  GPid     pid;
  gboolean exited;
  int      status;
} Child;

static void
on_child_exited (GPid     pid,
                 int      status,
                 gpointer user_data)
{
  Child *child = user_data;

  child->exited = TRUE;
  child->status = status;
  g_spawn_close_pid (pid);
}

static void
child_spawn (Child      *child,
             const char *mode,
             const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSource) source = NULL;
  const char *argv[] = { "/proc/self/exe", "--peer", mode, path, NULL };

  child->exited = FALSE;
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &child->pid, &error);
  g_assert_no_error (error);
  source = g_child_watch_source_new (child->pid);
  g_source_set_callback (source, (GSourceFunc) G_CALLBACK (on_child_exited), child, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
}

static void
child_wait (Child *child)
{
  g_autoptr(GError) error = NULL;

  qs_test_run_until (child->exited, TIMEOUT_MS);
  g_spawn_check_wait_status (child->status, &error);
  g_assert_no_error (error);
}

/* A server listening on a fresh path in a temporary directory. */
typedef struct
{
  QsLocalServer *server; /* (owned) */
  char          *dir;    /* (owned) */
  char          *path;   /* (owned) */
} Server;

static void
server_start (Server *server)
{
  g_autoptr(GError) error = NULL;

  server->dir = g_dir_make_tmp ("qsock-fds-XXXXXX", &error);
  g_assert_no_error (error);
  server->path = g_build_filename (server->dir, "srv", NULL);
  server->server = qs_local_server_new ();
  g_assert_true (qs_local_server_listen (server->server, server->path));
}

static QsLocalSocket *
server_accept (Server *server)
{
  qs_test_run_until (qs_local_server_has_pending_connections (server->server), TIMEOUT_MS);
  return qs_local_server_next_pending_connection (server->server);
}

static void
server_stop (Server *server)
{
  g_clear_object (&server->server);
  g_unlink (server->path);
  g_rmdir (server->dir);
  g_free (server->path);
  g_free (server->dir);
}

static void
test_credentials_pair (void)
{
  g_autoptr(QsLocalSocket) a = NULL;
  g_autoptr(QsLocalSocket) b = NULL;
  g_autoptr(GCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  socket_pair_new (&a, &b);
  credentials = qs_local_socket_get_peer_credentials (a, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_credentials_get_unix_pid (credentials, NULL), ==, getpid ());
  g_assert_cmpuint (g_credentials_get_unix_user (credentials, NULL), ==, getuid ());
}

static void
test_credentials_not_connected (void)
{
  g_autoptr(QsLocalSocket) a = NULL;
  g_autoptr(QsLocalSocket) b = NULL;
  g_autoptr(GError) error = NULL;
  GCredentials *credentials;

  a = qs_local_socket_new ();
  credentials = qs_local_socket_get_peer_credentials (a, &error);
  g_assert_null (credentials);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_object (&a);
  g_clear_error (&error);

  socket_pair_new (&a, &b);
  qs_local_socket_abort (a);
  credentials = qs_local_socket_get_peer_credentials (a, &error);
  g_assert_null (credentials);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
}

/* The peer of a connection accepted from another process is that
 * process, seen from the accepted socket. */
static void
test_credentials_child (void)
{
  Server server;
  Child child;
  g_autoptr(QsLocalSocket) socket = NULL;
  g_autoptr(GCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  server_start (&server);
  child_spawn (&child, "credentials", server.path);
  socket = server_accept (&server);
  credentials = qs_local_socket_get_peer_credentials (socket, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_credentials_get_unix_pid (credentials, NULL), ==, child.pid);
  g_assert_cmpint (child.pid, !=, getpid ());
  g_assert_cmpuint (g_credentials_get_unix_user (credentials, NULL), ==, getuid ());
  qs_local_socket_abort (socket);
  child_wait (&child);
  server_stop (&server);
}

/* The peer side: connect to @path, then per @mode. Exits 0 on success. */
static int
run_peer (const char *mode,
          const char *path)
{
  g_autoptr(QsLocalSocket) socket = qs_local_socket_new ();

  qs_local_socket_connect_to_server (socket, path, QS_OPEN_MODE_READ_WRITE);
  if (qs_local_socket_get_state (socket) != QS_LOCAL_SOCKET_STATE_CONNECTED_STATE)
    return 2;
  if (g_str_equal (mode, "credentials"))
    return qs_local_socket_wait_for_disconnected (socket, TIMEOUT_MS) ? 0 : 3;
  return 4;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--peer"))
    return run_peer (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/local-fds/credentials/pair", test_credentials_pair);
  g_test_add_func ("/local-fds/credentials/not-connected", test_credentials_not_connected);
  g_test_add_func ("/local-fds/credentials/child", test_credentials_child);

  return g_test_run ();
}
