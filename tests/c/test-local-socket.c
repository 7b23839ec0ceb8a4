/* test-local-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsLocalSocket as Qt's QLocalSocket behaves (Qt 6.4, observed through
 * PyQt6): the synchronous connect, its errors before the state, the peer
 * closing, close and abort and their different signal orders, buffers,
 * descriptors and re-entrancy. The server end is a plain Unix-domain
 * GSocket in a temporary directory that is $TMPDIR for the test.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <gio/gunixsocketaddress.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 5000

typedef struct
{
  QsLocalSocket *socket;    /* (owned) (nullable) */
  GString       *trace;     /* (owned) */
  char          *dir;       /* (owned) the test's $TMPDIR */
  char          *path;      /* (owned) dir/srv */
  GSocket       *listener;  /* (owned) listening on path */
  GSocket       *peer;      /* (owned) (nullable) the accepted end */
  guint          count;
  guint          wait_kind; /* which wait_for_* a handler calls */
  gboolean       waited;
  gboolean       wait_result;
  QsLocalSocketState wait_state; /* the state when that wait returned */
  gint64         wait_usecs;
} Fixture;

#define DEV(f) QS_IO_DEVICE ((f)->socket)

#define assert_trace(f, expected) g_assert_cmpstr ((f)->trace->str, ==, (expected))

static const char *const CONNECT_TRACE =
  "state-changed(connecting-state) state-changed(connected-state) connected ";

static const char *const PEER_CLOSED_TRACE =
  "error-occurred(peer-closed-error) state-changed(closing-state) "
  "state-changed(unconnected-state) read-channel-finished disconnected ";

static GSocket *
unix_listener_new (const char            *name,
                   GUnixSocketAddressType type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) address =
    g_unix_socket_address_new_with_type (name, -1, type);
  GSocket *listener = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                    G_SOCKET_PROTOCOL_DEFAULT, &error);

  g_assert_no_error (error);
  g_socket_set_blocking (listener, FALSE);
  g_socket_bind (listener, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_set_listen_backlog (listener, 16);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  return listener;
}

static void
setup (Fixture      *f,
       gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("qsock-local-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("TMPDIR", f->dir, TRUE);
  f->path = g_build_filename (f->dir, "srv", NULL);
  f->listener = unix_listener_new (f->path, G_UNIX_SOCKET_ADDRESS_PATH);
  f->trace = g_string_new (NULL);
  f->socket = qs_local_socket_new ();
  qs_test_trace_socket (f->socket, f->trace);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  qs_test_release (&f->socket, f->trace, f);
  g_clear_object (&f->peer);
  g_clear_object (&f->listener);
  qs_test_drain_context ();
  remove_dir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  g_string_free (f->trace, TRUE);
}

static QsLocalSocketState
state_of (Fixture *f)
{
  return qs_local_socket_get_state (f->socket);
}

/* Connects f->socket to "srv", accepts f->peer, clears the trace. */
static void
connect_socket (Fixture *f)
{
  qs_local_socket_connect_to_server (f->socket, "srv", QS_OPEN_MODE_READ_WRITE);
  assert_trace (f, CONNECT_TRACE);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  g_string_truncate (f->trace, 0);
}

static void
assert_error (Fixture            *f,
              QsLocalSocketError  error,
              const char         *message)
{
  g_assert_cmpint (qs_local_socket_get_error (f->socket), ==, error);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, message);
}

/* After any return to Unconnected a local socket has forgotten its
 * server and its descriptor. */
static void
assert_forgotten (Fixture *f)
{
  g_assert_cmpint (state_of (f), ==, QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_null (qs_local_socket_get_server_name (f->socket));
  g_assert_null (qs_local_socket_get_full_server_name (f->socket));
  g_assert_cmpint (qs_local_socket_get_socket_descriptor (f->socket), ==, -1);
}

static void
test_fresh (Fixture      *f,
            gconstpointer data)
{
  g_test_summary ("A new socket: unconnected, not open, no names, no error yet");

  assert_forgotten (f);
  assert_error (f, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, "Unknown error");
  g_assert_cmpint (qs_local_socket_get_socket_options (f->socket), ==, QS_LOCAL_SOCKET_OPTIONS_NO_OPTIONS);
  g_assert_cmpint (qs_local_socket_get_read_buffer_size (f->socket), ==, 0);
  g_assert_false (qs_local_socket_is_valid (f->socket));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_false (qs_local_socket_flush (f->socket));
}

static void
test_connect_by_name (Fixture      *f,
                      gconstpointer data)
{
  g_test_summary ("connect_to_server(name): CONNECTING, CONNECTED, connected before "
                  "it returns; the name resolves in $TMPDIR; each property notifies once");

  qs_test_trace_notify (f->socket, "state", f->trace);
  qs_test_trace_notify (f->socket, "server-name", f->trace);
  qs_test_trace_notify (f->socket, "full-server-name", f->trace);
  qs_local_socket_connect_to_server (f->socket, "srv", QS_OPEN_MODE_READ_WRITE);
  assert_trace (f, "notify::server-name notify::state state-changed(connecting-state) "
                   "notify::full-server-name notify::state state-changed(connected-state) "
                   "connected ");
  g_assert_cmpstr (qs_local_socket_get_server_name (f->socket), ==, "srv");
  g_assert_cmpstr (qs_local_socket_get_full_server_name (f->socket), ==, f->path);
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_WRITE);
  g_assert_true (qs_local_socket_is_valid (f->socket));
  g_assert_cmpint (qs_local_socket_get_socket_descriptor (f->socket), >=, 0);
  assert_error (f, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, "Unknown error");
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
}

static void
test_connect_by_path_and_open (Fixture      *f,
                               gconstpointer data)
{
  g_test_summary ("A full path names the server as it is; qs_io_device_open() "
                  "connects to server-name (Qt's open())");

  qs_local_socket_set_server_name (f->socket, f->path);
  g_assert_true (qs_io_device_open (DEV (f), QS_OPEN_MODE_READ_ONLY));
  assert_trace (f, CONNECT_TRACE);
  g_assert_cmpstr (qs_local_socket_get_full_server_name (f->socket), ==, f->path);
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_ONLY);
}

typedef struct
{
  const char         *name;
  QsLocalSocketError  error;
  const char         *message;
} ConnectFailure;

static const ConnectFailure not_found = {
  "nosuch", QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR, "QLocalSocket::connectToServer: Invalid name",
};
static const ConnectFailure empty_name = {
  "", QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR, "QLocalSocket::connectToServer: Invalid name",
};
static const ConnectFailure stale_file = {
  "stale", QS_LOCAL_SOCKET_ERROR_CONNECTION_REFUSED_ERROR, "QLocalSocket::connectToServer: Connection refused",
};
static const ConnectFailure too_long = {
  NULL, QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR, "QLocalSocket::connectToServer: Invalid name",
};

static void
test_connect_fails (Fixture      *f,
                    gconstpointer data)
{
  const ConnectFailure *failure = data;
  g_autofree char *long_name = g_strnfill (200, 'n');
  g_autofree char *expected = NULL;

  g_test_summary ("A failed connect: CONNECTING, then the error, then UNCONNECTED "
                  "(the error before the state, unlike TCP); the device stays closed "
                  "and the names are forgotten");

  if (failure == &stale_file)
    {
      g_autofree char *stale_path = g_build_filename (f->dir, "stale", NULL);

      g_clear_object (&f->listener);
      g_object_unref (unix_listener_new (stale_path, G_UNIX_SOCKET_ADDRESS_PATH));
      g_assert_true (g_file_test (stale_path, G_FILE_TEST_EXISTS));
    }

  qs_local_socket_connect_to_server (f->socket, failure->name ? failure->name : long_name,
                                     QS_OPEN_MODE_READ_WRITE);
  expected = g_strdup_printf ("state-changed(connecting-state) error-occurred(%s) "
                              "state-changed(unconnected-state) ",
                              failure->error == QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR
                              ? "server-not-found-error" : "connection-refused-error");
  assert_trace (f, expected);
  assert_error (f, failure->error, failure->message);
  assert_forgotten (f);
  g_assert_false (qs_io_device_is_open (DEV (f)));
  g_assert_false (qs_local_socket_is_valid (f->socket));
}

static void
test_connect_while_connected (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("connect_to_server while connected: set_server_name warns, then "
                  "error-occurred(OperationError) with Qt's message while the error "
                  "code stays as it was (Qt 6.4); still connected to the first server");

  connect_socket (f);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING,
                         "*set_server_name() called while not in unconnected state");
  qs_local_socket_connect_to_server (f->socket, "other", QS_OPEN_MODE_READ_WRITE);
  g_test_assert_expected_messages ();
  assert_trace (f, "error-occurred(operation-error) ");
  assert_error (f, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR,
                "QLocalSocket::connectToserver: Operation not permitted when socket is in this state");
  g_assert_cmpstr (qs_local_socket_get_server_name (f->socket), ==, "srv");
  g_assert_cmpint (state_of (f), ==, QS_LOCAL_SOCKET_STATE_CONNECTED_STATE);
}

static void
test_exchange (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GBytes) received = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GBytes) rest = NULL;

  g_test_summary ("Bytes both ways: one bytes-written with the count, one ready-read "
                  "per arrival, lines read across the buffer");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "hello", 5), ==, 5);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 5);
  received = qs_test_peer_read (f->peer, 5, TIMEOUT_MS);
  qs_test_assert_bytes (received, "hello");
  qs_test_run_until (f->trace->len > 0, TIMEOUT_MS);
  assert_trace (f, "bytes-written(5) ");
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);

  qs_test_peer_send (f->peer, "one\ntwo", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 7, TIMEOUT_MS);
  assert_trace (f, "bytes-written(5) ready-read ");
  g_assert_true (qs_io_device_can_read_line (DEV (f)));
  line = qs_io_device_read_line_bytes (DEV (f), 0);
  qs_test_assert_bytes (line, "one\n");
  rest = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (rest, "two");
}

static void
test_peer_closes (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GBytes) left = NULL;

  g_test_summary ("The peer writes and closes: ready-read, PeerClosedError \"QLocalSocket: "
                  "Remote closed\", CLOSING, UNCONNECTED, read-channel-finished, "
                  "disconnected; the bytes stay readable and the device open; a write "
                  "then fails and resets only the error code");

  connect_socket (f);
  qs_test_peer_send (f->peer, "bye", 3);
  g_socket_close (f->peer, NULL);
  qs_test_run_until (state_of (f) == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, "ready-read error-occurred(peer-closed-error) "
                                      "state-changed(closing-state) state-changed(unconnected-state) "
                                      "read-channel-finished disconnected ");
  assert_error (f, QS_LOCAL_SOCKET_ERROR_PEER_CLOSED_ERROR, "QLocalSocket: Remote closed");
  assert_forgotten (f);
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_true (qs_local_socket_is_valid (f->socket));
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 3);
  left = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (left, "bye");
  g_assert_true (qs_io_device_at_end (DEV (f)));

  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "x", 1), ==, -1);
  assert_error (f, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, "QLocalSocket: Remote closed");

  g_string_truncate (f->trace, 0);
  qs_io_device_close (DEV (f));
  assert_trace (f, "about-to-close ");
}

static void
test_close (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GBytes) received = NULL;

  g_test_summary ("close(): about-to-close, CLOSING; the queued bytes still go out, "
                  "then UNCONNECTED, read-channel-finished, disconnected; the names "
                  "are forgotten at once");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "last words", 10), ==, 10);
  qs_io_device_close (DEV (f));
  assert_trace (f, "about-to-close state-changed(closing-state) ");
  g_assert_null (qs_local_socket_get_server_name (f->socket));
  g_assert_null (qs_local_socket_get_full_server_name (f->socket));
  qs_test_run_until (state_of (f) == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  assert_trace (f, "about-to-close state-changed(closing-state) bytes-written(10) "
                   "state-changed(unconnected-state) read-channel-finished disconnected ");
  received = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  qs_test_assert_bytes (received, "last words");
}

static void
test_abort (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GBytes) received = NULL;

  g_test_summary ("abort(): UNCONNECTED, read-channel-finished, disconnected and "
                  "about-to-close last, before it returns; queued and unread bytes "
                  "are dropped; the peer sees the end of the stream");

  connect_socket (f);
  qs_test_peer_send (f->peer, "unread", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 6, TIMEOUT_MS);
  g_string_truncate (f->trace, 0);
  qs_io_device_write (DEV (f), (const guint8 *) "unsent", 6);
  qs_local_socket_abort (f->socket);
  assert_trace (f, "state-changed(unconnected-state) read-channel-finished disconnected "
                   "about-to-close ");
  assert_forgotten (f);
  g_assert_false (qs_io_device_is_open (DEV (f)));
  g_assert_false (qs_local_socket_is_valid (f->socket));
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  assert_error (f, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, "Unknown error");
  received = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (received), ==, 0);
}

static void
test_disconnect_with_queued_data (Fixture      *f,
                                  gconstpointer data)
{
  gsize size = 4 * 1024 * 1024;
  g_autofree guint8 *payload = g_malloc (size);
  g_autoptr(GBytes) received = NULL;

  g_test_summary ("disconnect_from_server with 4 MiB queued: CLOSING at once, every "
                  "byte delivered, then UNCONNECTED, read-channel-finished, disconnected");

  for (gsize i = 0; i < size; i++)
    payload[i] = (guint8) (i * 7);
  connect_socket (f);
  g_signal_handlers_disconnect_by_data (f->socket, f->trace);
  qs_test_count_signal (f->socket, "disconnected", &f->count);
  g_assert_cmpint (qs_io_device_write (DEV (f), payload, size), ==, (gint64) size);
  qs_local_socket_disconnect_from_server (f->socket);
  g_assert_cmpint (state_of (f), ==, QS_LOCAL_SOCKET_STATE_CLOSING_STATE);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, (gint64) size);

  received = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (received), ==, size);
  g_assert_cmpmem (g_bytes_get_data (received, NULL), size, payload, size);
  qs_test_run_until (state_of (f) == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  g_assert_cmpuint (f->count, ==, 1);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
}

static void
test_read_buffer_size (Fixture      *f,
                       gconstpointer data)
{
  guint8 buffer[10];
  GString *received = g_string_new (NULL);

  g_test_summary ("set_read_buffer_size(10): never more than 10 bytes buffered; the "
                  "rest waits in the kernel until the application reads");

  connect_socket (f);
  qs_local_socket_set_read_buffer_size (f->socket, 10);
  g_assert_cmpint (qs_local_socket_get_read_buffer_size (f->socket), ==, 10);
  qs_test_peer_send (f->peer, "0123456789abcdefghijklmnopqrstuvwxyz", -1);
  while (received->len < 36)
    {
      gint64 n;

      qs_test_run_until (qs_io_device_bytes_available (DEV (f)) >= MIN (10, 36 - (gint64) received->len),
                         TIMEOUT_MS);
      qs_test_drain_context ();
      g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), <=, 10);
      n = qs_io_device_read (DEV (f), buffer, sizeof buffer);
      g_string_append_len (received, (const char *) buffer, n);
    }
  g_assert_cmpstr (received->str, ==, "0123456789abcdefghijklmnopqrstuvwxyz");
  g_string_free (received, TRUE);
}

static void
test_blocking_waits (Fixture      *f,
                     gconstpointer data)
{
  g_test_summary ("wait_for_ready_read times out with SocketTimeoutError \"QLocalSocket: "
                  "Socket operation timed out\" and stays connected; with bytes sent it "
                  "returns TRUE having emitted ready-read; wait_for_disconnected sees "
                  "the peer's close; all without a main loop");

  g_assert_false (qs_io_device_wait_for_ready_read (DEV (f), 10));
  g_assert_false (qs_io_device_wait_for_bytes_written (DEV (f), 10));
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*not allowed in UnconnectedState");
  g_assert_false (qs_local_socket_wait_for_disconnected (f->socket, 10));
  g_test_assert_expected_messages ();
  assert_trace (f, "");

  connect_socket (f);
  g_assert_true (qs_local_socket_wait_for_connected (f->socket, 10));
  g_assert_false (qs_io_device_wait_for_ready_read (DEV (f), 50));
  assert_trace (f, "error-occurred(socket-timeout-error) ");
  assert_error (f, QS_LOCAL_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, "QLocalSocket: Socket operation timed out");
  g_assert_cmpint (state_of (f), ==, QS_LOCAL_SOCKET_STATE_CONNECTED_STATE);

  g_string_truncate (f->trace, 0);
  qs_test_peer_send (f->peer, "data", 4);
  g_assert_true (qs_io_device_wait_for_ready_read (DEV (f), TIMEOUT_MS));
  assert_trace (f, "ready-read ");
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 4);

  qs_io_device_write (DEV (f), (const guint8 *) "abc", 3);
  g_assert_true (qs_io_device_wait_for_bytes_written (DEV (f), TIMEOUT_MS));
  assert_trace (f, "ready-read bytes-written(3) ");

  g_string_truncate (f->trace, 0);
  g_socket_close (f->peer, NULL);
  g_assert_true (qs_local_socket_wait_for_disconnected (f->socket, TIMEOUT_MS));
  assert_trace (f, PEER_CLOSED_TRACE);
}

enum { WAIT_CONNECTED, WAIT_READY_READ, WAIT_BYTES_WRITTEN, WAIT_DISCONNECTED, N_WAITS };

#define WAIT_MS 50

/* Calls the wait f->wait_kind names once, from a handler. */
static void
wait_in_handler (Fixture *f)
{
  gint64 start = g_get_monotonic_time ();

  if (f->waited)
    return;
  f->waited = TRUE;
  switch (f->wait_kind)
    {
    case WAIT_CONNECTED:
      f->wait_result = qs_local_socket_wait_for_connected (f->socket, WAIT_MS);
      break;
    case WAIT_READY_READ:
      f->wait_result = qs_io_device_wait_for_ready_read (DEV (f), WAIT_MS);
      break;
    case WAIT_BYTES_WRITTEN:
      f->wait_result = qs_io_device_wait_for_bytes_written (DEV (f), WAIT_MS);
      break;
    case WAIT_DISCONNECTED:
    default:
      f->wait_result = qs_local_socket_wait_for_disconnected (f->socket, WAIT_MS);
      break;
    }
  f->wait_state = state_of (f);
  f->wait_usecs = g_get_monotonic_time () - start;
}

static void
wait_when_connecting (QsLocalSocket      *socket,
                      QsLocalSocketState  state,
                      Fixture            *f)
{
  if (state == QS_LOCAL_SOCKET_STATE_CONNECTING_STATE)
    wait_in_handler (f);
}

static void
wait_on_error (QsLocalSocket      *socket,
               QsLocalSocketError  error,
               Fixture            *f)
{
  wait_in_handler (f);
}

static void
test_wait_without_engine (Fixture      *f,
                          gconstpointer data)
{
  gboolean on_error = g_str_equal (data, "error");

  g_test_summary ("Every wait_for_* called while connect_to_server emits, from "
                  "state-changed(CONNECTING) before the socket exists or from "
                  "error-occurred after a failed connect freed it, returns FALSE with "
                  "the state unchanged (wait_for_connected at its deadline, as Qt, "
                  "which polls no descriptor); the connect then goes on as usual");

  for (f->wait_kind = 0; f->wait_kind < N_WAITS; f->wait_kind++)
    {
      g_test_message ("wait %u", f->wait_kind);
      qs_test_release (&f->socket, f->trace, f);
      g_clear_object (&f->peer);
      g_string_truncate (f->trace, 0);
      f->socket = qs_local_socket_new ();
      qs_test_trace_socket (f->socket, f->trace);
      f->waited = FALSE;
      if (on_error)
        g_signal_connect (f->socket, "error-occurred", G_CALLBACK (wait_on_error), f);
      else
        g_signal_connect (f->socket, "state-changed", G_CALLBACK (wait_when_connecting), f);

      qs_local_socket_connect_to_server (f->socket, on_error ? "nosuch" : "srv",
                                         QS_OPEN_MODE_READ_WRITE);
      g_assert_true (f->waited);
      g_assert_false (f->wait_result);
      g_assert_cmpint (f->wait_state, ==, QS_LOCAL_SOCKET_STATE_CONNECTING_STATE);
      if (f->wait_kind == WAIT_CONNECTED)
        g_assert_cmpint (f->wait_usecs, >=, WAIT_MS * 1000);
      if (on_error)
        {
          assert_trace (f, "state-changed(connecting-state) error-occurred(server-not-found-error) "
                           "state-changed(unconnected-state) ");
          assert_forgotten (f);
        }
      else
        {
          assert_trace (f, CONNECT_TRACE);
          f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
        }
    }
}

static void
test_wait_adopted_connecting (Fixture      *f,
                              gconstpointer data)
{
  int pair[2];

  g_test_summary ("A descriptor adopted in ConnectingState has no connect of the "
                  "socket's own to finish: wait_for_connected times out, FALSE, "
                  "and the state stays (Qt polls no descriptor)");

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
  g_assert_true (qs_local_socket_set_socket_descriptor (f->socket, pair[0],
                                                        QS_LOCAL_SOCKET_STATE_CONNECTING_STATE,
                                                        QS_OPEN_MODE_READ_WRITE));
  g_assert_false (qs_local_socket_wait_for_connected (f->socket, WAIT_MS));
  g_assert_cmpint (state_of (f), ==, QS_LOCAL_SOCKET_STATE_CONNECTING_STATE);
  assert_trace (f, "");
  close (pair[1]);
}

static void
test_write_only (Fixture      *f,
                 gconstpointer data)
{
  gboolean adopt = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) got = NULL;
  g_autofree char *expected = NULL;
  int pair[2];

  g_test_summary ("A socket opened WriteOnly (by connect or set_socket_descriptor) "
                  "reads nothing: no ready-read, bytes_available 0; its writes go "
                  "out and the peer's close is still seen, as Qt");

  if (adopt)
    {
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
      g_assert_true (qs_local_socket_set_socket_descriptor (f->socket, pair[0],
                                                            QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                                            QS_OPEN_MODE_WRITE_ONLY));
      f->peer = g_socket_new_from_fd (pair[1], &error);
      g_assert_no_error (error);
      g_socket_set_blocking (f->peer, FALSE);
    }
  else
    {
      qs_local_socket_connect_to_server (f->socket, "srv", QS_OPEN_MODE_WRITE_ONLY);
      f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
    }
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_WRITE_ONLY);
  g_string_truncate (f->trace, 0);

  qs_test_peer_send (f->peer, "unread", -1);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "xy", 2), ==, 2);
  got = qs_test_peer_read (f->peer, 2, TIMEOUT_MS);
  qs_test_assert_bytes (got, "xy");
  g_socket_close (f->peer, NULL);
  qs_test_run_until (state_of (f) == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  expected = g_strconcat ("bytes-written(2) ", PEER_CLOSED_TRACE, NULL);
  assert_trace (f, expected);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
}

static void
test_socket_descriptor (Fixture      *f,
                        gconstpointer data)
{
  int pair[2];
  int stale;
  guint8 buffer[8];

  g_test_summary ("set_socket_descriptor: -1 refused with nothing set; a closed "
                  "descriptor gives UnsupportedSocketOperationError with Qt's generic "
                  "message; one end of a socket pair is adopted without a signal");

  g_assert_false (qs_local_socket_set_socket_descriptor (f->socket, -1,
                                                         QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                                         QS_OPEN_MODE_READ_WRITE));
  assert_error (f, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, "Unknown error");

  stale = socket (AF_UNIX, SOCK_STREAM, 0);
  close (stale);
  g_assert_false (qs_local_socket_set_socket_descriptor (f->socket, stale,
                                                         QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                                         QS_OPEN_MODE_READ_WRITE));
  assert_error (f, QS_LOCAL_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR, "Unknown error");
  g_assert_cmpint (state_of (f), ==, QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE);

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
  g_assert_true (qs_local_socket_set_socket_descriptor (f->socket, pair[0],
                                                        QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                                        QS_OPEN_MODE_READ_WRITE));
  assert_trace (f, "");
  g_assert_cmpint (state_of (f), ==, QS_LOCAL_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (qs_local_socket_get_socket_descriptor (f->socket), ==, pair[0]);
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_WRITE);
  g_assert_null (qs_local_socket_get_server_name (f->socket));

  g_assert_cmpint (write (pair[1], "hi", 2), ==, 2);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 2, TIMEOUT_MS);
  qs_io_device_write (DEV (f), (const guint8 *) "yo", 2);
  g_assert_true (qs_io_device_wait_for_bytes_written (DEV (f), TIMEOUT_MS));
  g_assert_cmpint (read (pair[1], buffer, sizeof buffer), ==, 2);
  g_assert_cmpmem (buffer, 2, "yo", 2);
  close (pair[1]);
}

static void
test_abstract_namespace (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *name = g_strdup_printf ("qsock-test-%d", (int) getpid ());
  g_autoptr(GSocket) listener = unix_listener_new (name, G_UNIX_SOCKET_ADDRESS_ABSTRACT);

  g_test_summary ("With AbstractNamespaceOption the name is looked up in Linux's "
                  "abstract namespace, as it is");

  qs_local_socket_set_socket_options (f->socket, QS_LOCAL_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION);
  qs_local_socket_connect_to_server (f->socket, name, QS_OPEN_MODE_READ_WRITE);
  assert_trace (f, CONNECT_TRACE);
  g_assert_cmpstr (qs_local_socket_get_full_server_name (f->socket), ==, name);
  f->peer = qs_test_accept (listener, TIMEOUT_MS);
}

static void
test_set_server_name_when_connected (Fixture      *f,
                                     gconstpointer data)
{
  g_test_summary ("set_server_name is ignored with a warning unless unconnected; "
                  "properties notify only on a change");

  qs_test_trace_notify (f->socket, "read-buffer-size", f->trace);
  qs_local_socket_set_read_buffer_size (f->socket, 64);
  qs_local_socket_set_read_buffer_size (f->socket, 64);
  assert_trace (f, "notify::read-buffer-size ");
  g_string_truncate (f->trace, 0);

  connect_socket (f);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*not in unconnected state");
  qs_local_socket_set_server_name (f->socket, "other");
  g_test_assert_expected_messages ();
  g_assert_cmpstr (qs_local_socket_get_server_name (f->socket), ==, "srv");
}

static void
drop_socket (QsLocalSocket *socket,
             Fixture       *f)
{
  f->count++;
  g_signal_handlers_disconnect_by_data (f->socket, f->trace);
  g_clear_object (&f->socket);
}

static void
abort_socket (QsLocalSocket *socket,
              Fixture       *f)
{
  f->count++;
  qs_local_socket_abort (socket);
}

static void
test_reentrancy (Fixture      *f,
                 gconstpointer data)
{
  const char *handler = data;
  g_autoptr(GBytes) received = NULL;

  g_test_summary ("A ready-read handler that drops the last reference, or aborts: "
                  "nothing more is emitted and the peer sees the close");

  connect_socket (f);
  g_signal_connect (f->socket, "ready-read",
                    g_str_equal (handler, "drop") ? G_CALLBACK (drop_socket) : G_CALLBACK (abort_socket), f);
  qs_test_peer_send (f->peer, "boom", 4);
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  received = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (received), ==, 0);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);
  if (f->socket != NULL)
    assert_trace (f, "ready-read state-changed(unconnected-state) read-channel-finished "
                     "disconnected about-to-close ");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)
#define ADD_DATA(path, data, func) \
  g_test_add (path, Fixture, data, setup, func, teardown)

  ADD ("/local-socket/fresh", test_fresh);
  ADD ("/local-socket/connect/by-name", test_connect_by_name);
  ADD ("/local-socket/connect/by-path-and-open", test_connect_by_path_and_open);
  ADD_DATA ("/local-socket/connect/server-not-found", &not_found, test_connect_fails);
  ADD_DATA ("/local-socket/connect/empty-name", &empty_name, test_connect_fails);
  ADD_DATA ("/local-socket/connect/stale-socket-file", &stale_file, test_connect_fails);
  ADD_DATA ("/local-socket/connect/name-too-long", &too_long, test_connect_fails);
  ADD ("/local-socket/connect/while-connected", test_connect_while_connected);
  ADD ("/local-socket/io/exchange", test_exchange);
  ADD ("/local-socket/io/read-buffer-size", test_read_buffer_size);
  ADD ("/local-socket/close/peer-closes", test_peer_closes);
  ADD ("/local-socket/close/close", test_close);
  ADD ("/local-socket/close/abort", test_abort);
  ADD ("/local-socket/close/disconnect-with-queued-data", test_disconnect_with_queued_data);
  ADD ("/local-socket/wait/blocking", test_blocking_waits);
  ADD_DATA ("/local-socket/wait/without-engine/connecting", "connecting", test_wait_without_engine);
  ADD_DATA ("/local-socket/wait/without-engine/failed-connect", "error", test_wait_without_engine);
  ADD ("/local-socket/wait/adopted-connecting", test_wait_adopted_connecting);
  ADD ("/local-socket/descriptor", test_socket_descriptor);
  ADD_DATA ("/local-socket/write-only/connect", GINT_TO_POINTER (FALSE), test_write_only);
  ADD_DATA ("/local-socket/write-only/descriptor", GINT_TO_POINTER (TRUE), test_write_only);
  ADD ("/local-socket/abstract-namespace", test_abstract_namespace);
  ADD ("/local-socket/server-name-when-connected", test_set_server_name_when_connected);
  ADD_DATA ("/local-socket/reentrancy/drop-in-ready-read", "drop", test_reentrancy);
  ADD_DATA ("/local-socket/reentrancy/abort-in-ready-read", "abort", test_reentrancy);

  return g_test_run ();
}
