/* test-local-fds.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsLocalSocket's extras beyond Qt: descriptors passed with the byte
 * stream (SCM_RIGHTS), each set handed over with its byte, none leaked,
 * and the peer's credentials (SO_PEERCRED). The two-process cases run this program a second time as the peer
 * ("--peer MODE PATH"), a real qsock program in its own process.
 */

#define _GNU_SOURCE /* memfd_create */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 10000
/* The kernel's SCM_MAX_FD: the most descriptors one call sends. */
#define QS_FD_LIMIT 253

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

/* A memfd holding @text. (transfer full) */
static int
memfd_with (const char *text)
{
  int fd = memfd_create ("qsock-test", MFD_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, text, strlen (text)), ==, (gssize) strlen (text));
  return fd;
}

/* The first bytes of the file behind @fd, as a string. */
static char *
file_text (int fd)
{
  char text[64];
  gssize n = pread (fd, text, sizeof text - 1, 0);

  g_assert_cmpint (n, >=, 0);
  return g_strndup (text, n);
}

static guint
count_open_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint count = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

/* Sends @text with @fds riding its first byte, then closes @fds (the
 * socket sends duplicates). */
static void
send_with (QsLocalSocket *socket,
           const char    *text,
           const int     *fds,
           guint          n_fds)
{
  g_autoptr(GUnixFDList) list = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_fds; i++)
    {
      g_unix_fd_list_append (list, fds[i], &error);
      g_assert_no_error (error);
      g_close (fds[i], NULL);
    }
  g_assert_cmpint (qs_local_socket_send_fds (socket, list, (const guint8 *) text, strlen (text), &error),
                   ==, (gint64) strlen (text));
  g_assert_no_error (error);
}

static void
read_exactly (QsLocalSocket *socket,
              guint8        *data,
              gsize          size)
{
  QsIODevice *device = QS_IO_DEVICE (socket);

  qs_test_run_until (qs_io_device_bytes_available (device) >= (gint64) size, TIMEOUT_MS);
  g_assert_cmpint (qs_io_device_read (device, data, size), ==, (gint64) size);
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

/* Descriptors arrive with their byte: not before it is read, and then
 * in order, 64 in one message. */
static void
test_many (void)
{
  g_autoptr(QsLocalSocket) a = NULL;
  g_autoptr(QsLocalSocket) b = NULL;
  g_autoptr(GUnixFDList) received = NULL;
  int fds[64];
  guint8 byte[2];

  socket_pair_new (&a, &b);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      g_autofree char *text = g_strdup_printf ("descriptor %u", i);

      fds[i] = memfd_with (text);
    }
  send_with (a, "M", fds, G_N_ELEMENTS (fds));
  g_assert_null (qs_local_socket_receive_fds (b));
  qs_test_run_until (qs_io_device_bytes_available (QS_IO_DEVICE (b)) == 1, TIMEOUT_MS);
  g_assert_null (qs_local_socket_receive_fds (b));

  read_exactly (b, byte, 1);
  g_assert_cmpint (byte[0], ==, 'M');
  received = qs_local_socket_receive_fds (b);
  g_assert_nonnull (received);
  g_assert_cmpint (g_unix_fd_list_get_length (received), ==, G_N_ELEMENTS (fds));
  for (int i = 0; i < (int) G_N_ELEMENTS (fds); i++)
    {
      const int *peeked = g_unix_fd_list_peek_fds (received, NULL);
      g_autofree char *expected = g_strdup_printf ("descriptor %d", i);
      g_autofree char *text = file_text (peeked[i]);

      g_assert_cmpstr (text, ==, expected);
      g_assert_cmpint (fcntl (peeked[i], F_GETFD), ==, FD_CLOEXEC);
    }
  g_assert_null (qs_local_socket_receive_fds (b));
}

/* Marks in a 6 MiB stream: at the start, back to back, on and off chunk
 * boundaries, the last byte. The receiver reads at random sizes but
 * stops at each marked byte: before it is read, no descriptor is due;
 * once it is, exactly its own. */
static const gsize interleave_marks[] = {
  0, 1, 2, 65535, 65536, 1048583, 3145728, 3145729, 5000000, 6291455,
};
#define INTERLEAVE_TOTAL 6291456

static void
test_interleaved (void)
{
  g_autoptr(QsLocalSocket) a = NULL;
  g_autoptr(QsLocalSocket) b = NULL;
  g_autofree guint8 *pattern = qs_test_pattern_new (0, INTERLEAVE_TOTAL);
  g_autofree guint8 *got = g_malloc (INTERLEAVE_TOTAL);
  gsize position = 0;
  guint next = 0;
  guint reads = 0;

  socket_pair_new (&a, &b);
  for (guint i = 0; i < G_N_ELEMENTS (interleave_marks); i++)
    {
      gsize mark = interleave_marks[i];
      gsize end = i + 1 < G_N_ELEMENTS (interleave_marks) ? interleave_marks[i + 1] : INTERLEAVE_TOTAL;
      gsize with = MIN (end - mark, 4096);
      g_autofree char *text = g_strdup_printf ("%" G_GSIZE_FORMAT, mark);
      g_autoptr(GUnixFDList) list = g_unix_fd_list_new ();
      g_autoptr(GError) error = NULL;
      int fd = memfd_with (text);

      if (position < mark)
        g_assert_cmpint (qs_io_device_write (QS_IO_DEVICE (a), pattern + position, mark - position),
                         ==, (gint64) (mark - position));
      g_unix_fd_list_append (list, fd, &error);
      g_close (fd, NULL);
      g_assert_cmpint (qs_local_socket_send_fds (a, list, pattern + mark, with, &error), ==, (gint64) with);
      g_assert_no_error (error);
      position = mark + with;
    }
  if (position < INTERLEAVE_TOTAL)
    qs_io_device_write (QS_IO_DEVICE (a), pattern + position, INTERLEAVE_TOTAL - position);

  position = 0;
  while (position < INTERLEAVE_TOTAL)
    {
      gsize limit = next < G_N_ELEMENTS (interleave_marks) ? interleave_marks[next] : INTERLEAVE_TOTAL;
      gsize want;

      g_assert_cmpuint (++reads, <, 100000);
      if (position == limit)
        {
          g_autoptr(GUnixFDList) received = NULL;
          g_autofree char *expected = g_strdup_printf ("%" G_GSIZE_FORMAT, position);
          g_autofree char *text = NULL;

          g_assert_null (qs_local_socket_receive_fds (b));
          read_exactly (b, got + position, 1);
          received = qs_local_socket_receive_fds (b);
          g_assert_nonnull (received);
          g_assert_cmpint (g_unix_fd_list_get_length (received), ==, 1);
          text = file_text (g_unix_fd_list_peek_fds (received, NULL)[0]);
          g_assert_cmpstr (text, ==, expected);
          position++;
          next++;
          continue;
        }
      want = g_test_rand_int_range (1, 300000);
      want = MIN (want, limit - position);
      qs_test_run_until (qs_io_device_bytes_available (QS_IO_DEVICE (b)) > 0, TIMEOUT_MS);
      want = MIN (want, (gsize) qs_io_device_bytes_available (QS_IO_DEVICE (b)));
      read_exactly (b, got + position, want);
      position += want;
      g_assert_null (qs_local_socket_receive_fds (b));
    }
  g_assert_cmpmem (got, INTERLEAVE_TOTAL, pattern, INTERLEAVE_TOTAL);
  g_assert_cmpuint (next, ==, G_N_ELEMENTS (interleave_marks));
}

/* Nothing leaks: descriptors received but never read out are closed
 * with the device or the socket, those queued but never sent with the
 * socket. */
static void
test_unread_closed (void)
{
  guint before = count_open_fds ();
  QsLocalSocket *a;
  QsLocalSocket *b;
  int fds[3];

  socket_pair_new (&a, &b);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = memfd_with ("unread");
  send_with (a, "xyz", fds, G_N_ELEMENTS (fds));
  fds[0] = memfd_with ("unread");
  send_with (a, "w", fds, 1);
  qs_test_run_until (qs_io_device_bytes_available (QS_IO_DEVICE (b)) == 4, TIMEOUT_MS);
  g_assert_cmpuint (count_open_fds (), >, before + 2);
  g_object_unref (b);
  g_object_unref (a);
  g_assert_cmpuint (count_open_fds (), ==, before);

  /* Received and read, but the device closed before they were taken. */
  socket_pair_new (&a, &b);
  fds[0] = memfd_with ("closed");
  send_with (a, "c", fds, 1);
  qs_test_run_until (qs_io_device_bytes_available (QS_IO_DEVICE (b)) == 1, TIMEOUT_MS);
  qs_io_device_close (QS_IO_DEVICE (b));
  g_assert_null (qs_local_socket_receive_fds (b));
  g_object_unref (b);

  /* Queued, never sent: the sender goes first. */
  fds[0] = memfd_with ("queued");
  send_with (a, "q", fds, 1);
  g_object_unref (a);
  qs_test_drain_context ();
  g_assert_cmpuint (count_open_fds (), ==, before);
}

static void
test_send_errors (void)
{
  g_autoptr(QsLocalSocket) a = qs_local_socket_new ();
  g_autoptr(QsLocalSocket) b = NULL;
  g_autoptr(GUnixFDList) list = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  guint before;

  g_assert_cmpint (qs_local_socket_send_fds (a, list, (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_clear_object (&a);

  socket_pair_new (&a, &b);
  for (guint i = 0; i <= QS_FD_LIMIT; i++)
    {
      g_unix_fd_list_append (list, 0, &error);
      g_assert_no_error (error);
    }
  before = count_open_fds ();
  g_assert_cmpint (qs_local_socket_send_fds (a, list, (const guint8 *) "x", 1, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (qs_io_device_bytes_to_write (QS_IO_DEVICE (a)), ==, 0);
  g_assert_cmpuint (count_open_fds (), ==, before);
}

/* A pipe's write end and a memfd to another process, which uses both:
 * writes into the pipe, sends the memfd's text back and overwrites its
 * start. */
static void
test_child_uses_fds (void)
{
  Server server;
  Child child;
  g_autoptr(QsLocalSocket) socket = NULL;
  g_autofree char *changed = NULL;
  guint8 reply[17];
  char from_pipe[32];
  gsize piped = 0;
  int pipe_fds[2];
  int fds[2];
  int memfd;

  server_start (&server);
  child_spawn (&child, "use", server.path);
  socket = server_accept (&server);

  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  memfd = memfd_with ("memfd from parent");
  fds[0] = pipe_fds[1];
  fds[1] = dup (memfd);
  send_with (socket, "F", fds, 2);

  read_exactly (socket, reply, sizeof reply);
  g_assert_cmpmem (reply, sizeof reply, "memfd from parent", 17);
  for (guint i = 0; i < 100; i++)
    {
      gssize n = read (pipe_fds[0], from_pipe + piped, sizeof from_pipe - 1 - piped);

      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        break;
      piped += n;
    }
  from_pipe[piped] = '\0';
  g_assert_cmpstr (from_pipe, ==, "pipe from child");
  g_close (pipe_fds[0], NULL);

  qs_local_socket_abort (socket);
  child_wait (&child);
  changed = file_text (memfd);
  g_assert_cmpstr (changed, ==, "CHILD from parent");
  g_close (memfd, NULL);
  server_stop (&server);
}

/* The "use" peer: takes a pipe and a memfd with the byte "F". */
static int
use_fds (QsLocalSocket *socket)
{
  QsIODevice *device = QS_IO_DEVICE (socket);
  g_autoptr(GUnixFDList) received = NULL;
  const int *fds;
  char text[17];
  guint8 byte;

  while (qs_io_device_bytes_available (device) < 1)
    if (!qs_io_device_wait_for_ready_read (device, TIMEOUT_MS))
      return 5;
  if (qs_local_socket_receive_fds (socket) != NULL ||
      qs_io_device_read (device, &byte, 1) != 1 || byte != 'F')
    return 6;
  received = qs_local_socket_receive_fds (socket);
  if (received == NULL || g_unix_fd_list_get_length (received) != 2)
    return 7;
  fds = g_unix_fd_list_peek_fds (received, NULL);
  if (write (fds[0], "pipe from child", 15) != 15 ||
      pread (fds[1], text, sizeof text, 0) != sizeof text ||
      pwrite (fds[1], "CHILD", 5, 0) != 5)
    return 8;
  g_clear_object (&received);
  qs_io_device_write (device, (const guint8 *) text, sizeof text);
  if (!qs_io_device_wait_for_bytes_written (device, TIMEOUT_MS))
    return 9;
  return qs_local_socket_wait_for_disconnected (socket, TIMEOUT_MS) ? 0 : 10;
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
  if (g_str_equal (mode, "use"))
    return use_fds (socket);
  return 4;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], "--peer"))
    return run_peer (argv[2], argv[3]);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/local-fds/many", test_many);
  g_test_add_func ("/local-fds/interleaved", test_interleaved);
  g_test_add_func ("/local-fds/unread-closed", test_unread_closed);
  g_test_add_func ("/local-fds/send-errors", test_send_errors);
  g_test_add_func ("/local-fds/child-uses-fds", test_child_uses_fds);
  g_test_add_func ("/local-fds/credentials/pair", test_credentials_pair);
  g_test_add_func ("/local-fds/credentials/not-connected", test_credentials_not_connected);
  g_test_add_func ("/local-fds/credentials/child", test_credentials_child);

  return g_test_run ();
}
