/* test-async.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The asynchronous calls qsock adds to Qt's API (GIO style, with GTask):
 * qs_abstract_socket_connect_to_host_async, qs_io_device_read_async and
 * qs_io_device_write_all_async. Each one's success with exact bytes and
 * signal order, end of stream, cancel before and during, errors, a second
 * call while one is pending, a close while pending, and a callback that
 * drops the last reference to the socket. Every peer is a plain GSocket
 * on loopback; every wait iterates the main context with a deadline.
 */

#include "config.h"

#include <sys/socket.h>
#include <unistd.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 5000
#define BIG_SIZE (32 * 1024 * 1024)

typedef struct
{
  QsTcpSocket  *socket;    /* (owned) (nullable) */
  QsLocalSocket *local;    /* (owned) (nullable) for the local tests */
  GString      *trace;     /* (owned) signals, then "callback " */
  GSocket      *listener;  /* (owned) IPv4 loopback */
  guint16       port;      /* of listener */
  GSocket      *peer;      /* (owned) (nullable) the accepted end */
  GAsyncResult *result;    /* (owned) (nullable) of the last on_done */
  GAsyncResult *second;    /* (owned) (nullable) of on_second_done */
  guint         calls;     /* callbacks so far */
} Fixture;

#define SOCK(f) QS_ABSTRACT_SOCKET ((f)->socket)
#define DEV(f) QS_IO_DEVICE ((f)->socket)

#define assert_trace(f, expected) g_assert_cmpstr ((f)->trace->str, ==, (expected))

static const char *const CONNECT_TRACE =
  "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
  "state-changed(connected-state) connected ";

static const char *const REMOTE_CLOSE_TRACE =
  "ready-read error-occurred(remote-host-closed-error) state-changed(closing-state) "
  "state-changed(unconnected-state) read-channel-finished disconnected ";

static void
setup (Fixture      *f,
       gconstpointer data)
{
  f->trace = g_string_new (NULL);
  f->socket = qs_tcp_socket_new ();
  qs_test_trace_socket (f->socket, f->trace);
  f->listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 16, &f->port);
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  qs_test_release (&f->socket, f->trace, f);
  qs_test_release (&f->local, f->trace, f);
  g_clear_object (&f->result);
  g_clear_object (&f->second);
  g_clear_object (&f->peer);
  g_clear_object (&f->listener);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
}

/* The GAsyncReadyCallback of every call: keeps the result, marks the
 * trace. */
static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_true (source == G_OBJECT (f->socket) || source == G_OBJECT (f->local));
  g_clear_object (&f->result);
  f->result = g_object_ref (result);
  f->calls++;
  g_string_append (f->trace, "callback ");
}

/* The callback of a second call while one is pending. */
static void
on_second_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->second);
  f->second = g_object_ref (result);
  f->calls++;
  g_string_append (f->trace, "second-callback ");
}

/* Iterates until the callback ran @calls times in all. */
static void
wait_calls (Fixture *f,
            guint    calls)
{
  qs_test_run_until (f->calls >= calls, TIMEOUT_MS);
  g_assert_cmpuint (f->calls, ==, calls);
}

static void
start_connect (Fixture      *f,
               guint16       port,
               GCancellable *cancellable)
{
  qs_abstract_socket_connect_to_host_async (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                            QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL,
                                            cancellable, on_done, f);
}

/* Connects f->socket to f->listener with connect_to_host_async, accepts
 * f->peer, clears the trace and the callback count. */
static void
connect_socket (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  start_connect (f, f->port, NULL);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  wait_calls (f, 1);
  g_assert_true (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_no_error (error);
  g_string_truncate (f->trace, 0);
  g_clear_object (&f->result);
  f->calls = 0;
}

static GBytes *
finish_read (Fixture *f,
             GError **error)
{
  return qs_io_device_read_finish (DEV (f), f->result, error);
}

/* The pending read completed, once, with exactly @expected. */
static void
assert_read_gave (Fixture    *f,
                  const char *expected)
{
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;

  wait_calls (f, 1);
  got = finish_read (f, &error);
  g_assert_no_error (error);
  qs_test_assert_bytes (got, expected);
}

/* The pending read completed, once, with @domain/@code and no bytes.
 * Returns the error, for the message. */
static GError *
assert_read_failed (Fixture *f,
                    GQuark   domain,
                    int      code)
{
  g_autoptr(GBytes) got = NULL;
  GError *error = NULL;

  wait_calls (f, 1);
  got = finish_read (f, &error);
  g_assert_error (error, domain, code);
  g_assert_null (got);
  return error;
}

static gboolean
finish_write (Fixture *f,
              gsize   *written,
              GError **error)
{
  return qs_io_device_write_all_finish (DEV (f), f->result, written, error);
}

/* Bytes 0, 1, …, 250, 0, 1, …: a pattern a shifted copy would break. */
static GBytes *
pattern_new (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = i % 251;
  return g_bytes_new_take (data, size);
}

/* ---- connect_to_host_async ---------------------------------------------- */

static void
test_connect_success (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("connect_to_host_async: connect_to_host's signals, then the "
                  "callback (after connected's handlers), TRUE");

  start_connect (f, f->port, NULL);
  g_assert_cmpuint (f->calls, ==, 0);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  wait_calls (f, 1);
  g_assert_true (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (f->trace->str, CONNECT_TRACE));
  g_assert_cmpstr (f->trace->str + strlen (CONNECT_TRACE), ==, "callback ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, f->port);
}

static void
test_connect_refused (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GSocket) closed = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  g_test_summary ("connect_to_host_async refused: the refused signals, then "
                  "FALSE with QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR");

  closed = qs_test_closed_port_new (&port);
  start_connect (f, port, NULL);
  wait_calls (f, 1);
  g_assert_false (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_error (error, QS_SOCKET_ERROR, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR);
  g_assert_cmpstr (error->message, ==, "Connection refused");
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(unconnected-state) error-occurred(connection-refused-error) "
                   "callback ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR);
}

static void
test_connect_cancel_before (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("connect_to_host_async with a cancelled cancellable: "
                  "G_IO_ERROR_CANCELLED from the loop; nothing starts");

  g_cancellable_cancel (cancellable);
  start_connect (f, f->port, cancellable);
  g_assert_cmpuint (f->calls, ==, 0);
  wait_calls (f, 1);
  g_assert_false (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_trace (f, "callback ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_false (qs_io_device_is_open (DEV (f)));
}

static void
test_connect_cancel_during (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  g_test_summary ("Cancelling connect_to_host_async while connecting aborts "
                  "the socket (abort's signals), then G_IO_ERROR_CANCELLED");

  /* A full accept queue: the connect hangs in CONNECTING. */
  listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 0, &port);
  filler = qs_test_client_new (G_SOCKET_FAMILY_IPV4, port);
  start_connect (f, port, cancellable);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTING_STATE);
  g_string_truncate (f->trace, 0);
  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (f->calls, ==, 0);
  wait_calls (f, 1);
  g_assert_false (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished callback ");
  g_assert_false (qs_io_device_is_open (DEV (f)));
  qs_test_drain_context ();
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished callback ");
}

static void
test_connect_pending (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GString) rest = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A second connect_to_host_async while one is pending: "
                  "G_IO_ERROR_PENDING, no signal; the first still connects");

  start_connect (f, f->port, NULL);
  qs_abstract_socket_connect_to_host_async (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                            QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL,
                                            NULL, on_second_done, f);
  g_assert_cmpuint (f->calls, ==, 0);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  wait_calls (f, 2);
  g_assert_false (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->second, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_clear_error (&error);
  g_assert_true (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_no_error (error);
  /* The second call changed nothing: one connect's signals. */
  rest = g_string_new (f->trace->str);
  g_assert_cmpuint (g_string_replace (rest, "second-callback ", "", 0), ==, 1);
  g_assert_true (g_str_has_prefix (rest->str, CONNECT_TRACE));
  g_assert_cmpstr (rest->str + strlen (CONNECT_TRACE), ==, "callback ");
}

static void
test_connect_abort (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  g_test_summary ("abort() while connect_to_host_async is pending: "
                  "G_IO_ERROR_CLOSED, after abort's signals");

  listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 0, &port);
  filler = qs_test_client_new (G_SOCKET_FAMILY_IPV4, port);
  start_connect (f, port, NULL);
  g_string_truncate (f->trace, 0);
  qs_abstract_socket_abort (SOCK (f));
  wait_calls (f, 1);
  g_assert_false (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished callback ");
}

/* A socket in CONNECTING that stays there: f->listener's accept queue
 * is full (backlog 0, @filler never accepted). */
static void
start_hanging_connect (Fixture  *f,
                       GSocket **listener,
                       GSocket **filler)
{
  guint16 port;

  *listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 0, &port);
  *filler = qs_test_client_new (G_SOCKET_FAMILY_IPV4, port);
  start_connect (f, port, NULL);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTING_STATE);
  g_string_truncate (f->trace, 0);
}

/* Drops f->result, then checks that nothing else keeps the socket: no
 * task still pending holds a reference to it. */
static void
assert_socket_released (Fixture *f)
{
  GWeakRef weak;
  GObject *object;

  g_weak_ref_init (&weak, f->socket);
  g_clear_object (&f->result);
  qs_test_release (&f->socket, f->trace, f);
  qs_test_drain_context ();
  object = g_weak_ref_get (&weak);
  g_weak_ref_clear (&weak);
  g_assert_null (object);
}

/* Waits for the one callback of a connect_to_host_async that failed with
 * @domain, @code and @message. */
static void
assert_connect_failed (Fixture    *f,
                       GQuark      domain,
                       int         code,
                       const char *message)
{
  g_autoptr(GError) error = NULL;

  wait_calls (f, 1);
  g_assert_false (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_error (error, domain, code);
  g_assert_cmpstr (error->message, ==, message);
}

/* Nothing more comes: the callback ran once; then the socket goes. */
static void
assert_done_once (Fixture *f)
{
  qs_test_drain_context ();
  g_assert_cmpuint (f->calls, ==, 1);
  assert_socket_released (f);
}

static void
test_connect_wait_timeout (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;

  g_test_summary ("wait_for_connected timing out while connect_to_host_async "
                  "is pending: Qt's state change (no error-occurred), then "
                  "the call fails with QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, "
                  "once, and keeps no reference to the socket");

  start_hanging_connect (f, &listener, &filler);
  g_assert_false (qs_abstract_socket_wait_for_connected (SOCK (f), 50));
  assert_connect_failed (f, QS_SOCKET_ERROR, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR,
                         "Socket operation timed out");
  assert_trace (f, "state-changed(unconnected-state) callback ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR);
  assert_done_once (f);
}

/* Drops the application's reference once the socket is unconnected. */
static void
on_unconnected_drop (QsAbstractSocket *socket,
                     QsSocketState     state,
                     Fixture          *f)
{
  if (state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    qs_test_release (&f->socket, f->trace, f);
}

static void
on_done_dropped (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_null (f->socket);
  g_assert_false (qs_abstract_socket_connect_to_host_finish (QS_ABSTRACT_SOCKET (source), result, &error));
  g_assert_error (error, QS_SOCKET_ERROR, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR);
  f->calls++;
}

static void
test_connect_wait_timeout_unref (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;
  guint16 port;
  GWeakRef weak;
  GObject *object;

  g_test_summary ("The last reference dropped in state-changed while "
                  "wait_for_connected times out: the pending "
                  "connect_to_host_async still fails once, then the "
                  "socket is finalized");

  listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 0, &port);
  filler = qs_test_client_new (G_SOCKET_FAMILY_IPV4, port);
  g_weak_ref_init (&weak, f->socket);
  qs_abstract_socket_connect_to_host_async (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                            QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL,
                                            NULL, on_done_dropped, f);
  g_signal_connect (f->socket, "state-changed", G_CALLBACK (on_unconnected_drop), f);
  g_assert_false (qs_abstract_socket_wait_for_connected (SOCK (f), 50));
  g_assert_null (f->socket);
  wait_calls (f, 1);
  qs_test_drain_context ();
  g_assert_cmpuint (f->calls, ==, 1);
  object = g_weak_ref_get (&weak);
  g_weak_ref_clear (&weak);
  g_assert_null (object);
}

static void
test_connect_close (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("close() while connect_to_host_async is pending: as in Qt "
                  "the connection is made, then closed; the call succeeds "
                  "once, after connected");

  start_connect (f, f->port, NULL);
  g_string_truncate (f->trace, 0);
  qs_io_device_close (DEV (f));
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  wait_calls (f, 1);
  g_assert_true (qs_abstract_socket_connect_to_host_finish (SOCK (f), f->result, &error));
  g_assert_no_error (error);
  qs_test_drain_context ();
  assert_trace (f, "about-to-close state-changed(connected-state) connected callback "
                   "state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  assert_done_once (f);
}

static void
test_connect_set_descriptor (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;
  g_autoptr(GSocket) other = NULL;
  g_autoptr(GSocket) other_peer = NULL;

  g_test_summary ("set_socket_descriptor while connect_to_host_async is "
                  "pending: the socket takes the descriptor and the call "
                  "fails once with G_IO_ERROR_CLOSED");

  start_hanging_connect (f, &listener, &filler);
  other = qs_test_client_new (G_SOCKET_FAMILY_IPV4, f->port);
  other_peer = qs_test_accept (f->listener, TIMEOUT_MS);
  g_assert_true (qs_abstract_socket_set_socket_descriptor (SOCK (f), dup (g_socket_get_fd (other)),
                                                           QS_SOCKET_STATE_CONNECTED_STATE,
                                                           QS_OPEN_MODE_READ_WRITE));
  assert_connect_failed (f, G_IO_ERROR, G_IO_ERROR_CLOSED,
                         "The socket was given another descriptor before it connected");
  assert_trace (f, "state-changed(connected-state) callback ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  assert_done_once (f);
}

/* ---- read_async ---------------------------------------------------------- */

static void
test_read_exact (Fixture      *f,
                 gconstpointer data)
{

  g_test_summary ("read_async(5) waits for 5 bytes, after ready-read's "
                  "handlers, and consumes exactly those");

  connect_socket (f);
  qs_io_device_read_async (DEV (f), 5, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_test_peer_send (f->peer, "hel", 3);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 3, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (f->calls, ==, 0);
  assert_trace (f, "ready-read ");

  qs_test_peer_send (f->peer, "lo world", 8);
  assert_read_gave (f, "hello");
  assert_trace (f, "ready-read ready-read callback ");
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 6);
}

static void
test_read_buffered (Fixture      *f,
                    gconstpointer data)
{

  g_test_summary ("read_async of bytes already buffered completes from the "
                  "loop, never before it returns");

  connect_socket (f);
  qs_test_peer_send (f->peer, "abcdef", 6);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 6, TIMEOUT_MS);
  qs_io_device_read_async (DEV (f), 4, G_PRIORITY_DEFAULT, NULL, on_done, f);
  g_assert_cmpuint (f->calls, ==, 0);
  assert_read_gave (f, "abcd");
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 2);
}

static void
test_read_to_eof (Fixture      *f,
                  gconstpointer data)
{

  g_test_summary ("read_async(0) reads to the end of the stream: a remote "
                  "close ends it (after read-channel-finished), not fails it");

  connect_socket (f);
  qs_io_device_read_async (DEV (f), 0, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_test_peer_send (f->peer, "all of it", 9);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 9, TIMEOUT_MS);
  g_assert_cmpuint (f->calls, ==, 0);
  g_clear_object (&f->peer);
  assert_read_gave (f, "all of it");
  g_assert_true (g_str_has_suffix (f->trace->str, "read-channel-finished callback disconnected "));
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
}

static void
test_read_short_at_eof (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("read_async(10) at the end of the stream gets the 3 bytes "
                  "there are, in one go");

  connect_socket (f);
  qs_io_device_read_async (DEV (f), 10, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_test_peer_send (f->peer, "abc", 3);
  g_clear_object (&f->peer);
  assert_read_gave (f, "abc");
  qs_test_drain_context ();
  assert_trace (f, "ready-read error-occurred(remote-host-closed-error) state-changed(closing-state) "
                   "state-changed(unconnected-state) read-channel-finished callback disconnected ");
}

static void
test_read_after_eof (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("After the end of the stream, read_async gets what is still "
                  "buffered (the device stays open), then an empty GBytes");

  connect_socket (f);
  qs_test_peer_send (f->peer, "late", 4);
  g_clear_object (&f->peer);
  qs_test_run_until (qs_abstract_socket_get_state (SOCK (f)) == QS_SOCKET_STATE_UNCONNECTED_STATE,
                     TIMEOUT_MS);
  assert_trace (f, REMOTE_CLOSE_TRACE);

  qs_io_device_read_async (DEV (f), 100, G_PRIORITY_DEFAULT, NULL, on_done, f);
  assert_read_gave (f, "late");

  qs_io_device_read_async (DEV (f), 0, G_PRIORITY_DEFAULT, NULL, on_done, f);
  wait_calls (f, 2);
  rest = finish_read (f, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (rest), ==, 0);
}

static void
test_read_cancel_before (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_test_summary ("read_async with a cancelled cancellable: "
                  "G_IO_ERROR_CANCELLED, buffered bytes stay");

  connect_socket (f);
  qs_test_peer_send (f->peer, "kept", 4);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 4, TIMEOUT_MS);
  g_cancellable_cancel (cancellable);
  qs_io_device_read_async (DEV (f), 4, G_PRIORITY_DEFAULT, cancellable, on_done, f);
  g_assert_cmpuint (f->calls, ==, 0);
  error = assert_read_failed (f, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 4);
}

static void
test_read_cancel_during (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Cancelling a pending read_async: G_IO_ERROR_CANCELLED; "
                  "nothing was consumed; a new read works");

  connect_socket (f);
  qs_io_device_read_async (DEV (f), 8, G_PRIORITY_DEFAULT, cancellable, on_done, f);
  qs_test_peer_send (f->peer, "part", 4);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 4, TIMEOUT_MS);
  g_cancellable_cancel (cancellable);
  g_assert_cmpuint (f->calls, ==, 0);
  error = assert_read_failed (f, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 4);

  qs_io_device_read_async (DEV (f), 8, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_test_peer_send (f->peer, "ial!", 4);
  wait_calls (f, 2);
  after = finish_read (f, &error);
  g_assert_no_error (error);
  qs_test_assert_bytes (after, "partial!");
}

static void
test_read_pending (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A second read_async while one is pending: "
                  "G_IO_ERROR_PENDING; the first still completes");

  connect_socket (f);
  qs_io_device_read_async (DEV (f), 2, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_io_device_read_async (DEV (f), 2, G_PRIORITY_DEFAULT, NULL, on_second_done, f);
  wait_calls (f, 1);
  second = qs_io_device_read_finish (DEV (f), f->second, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_null (second);
  g_clear_error (&error);

  qs_test_peer_send (f->peer, "ok", 2);
  wait_calls (f, 2);
  first = finish_read (f, &error);
  g_assert_no_error (error);
  qs_test_assert_bytes (first, "ok");
}

static void
test_read_close (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("close() while read_async is pending: G_IO_ERROR_CLOSED "
                  "after about-to-close's handlers");

  connect_socket (f);
  qs_io_device_read_async (DEV (f), 2, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_io_device_close (DEV (f));
  error = assert_read_failed (f, G_IO_ERROR, G_IO_ERROR_CLOSED);
  assert_trace (f, "about-to-close state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected callback ");
}

static void
test_read_not_open (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("read_async on a device that is not open: G_IO_ERROR_CLOSED "
                  "from the loop, no warning");

  qs_io_device_read_async (DEV (f), 1, G_PRIORITY_DEFAULT, NULL, on_done, f);
  g_assert_cmpuint (f->calls, ==, 0);
  error = assert_read_failed (f, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

static void
test_read_error (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("An error-occurred while read_async is pending fails it "
                  "with the error's code and string (a timed-out wait)");

  connect_socket (f);
  qs_io_device_read_async (DEV (f), 1, G_PRIORITY_DEFAULT, NULL, on_done, f);
  g_assert_false (qs_io_device_wait_for_ready_read (DEV (f), 10));
  wait_calls (f, 1);
  got = finish_read (f, &error);
  g_assert_error (error, QS_SOCKET_ERROR, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR);
  g_assert_cmpstr (error->message, ==, "Network operation timed out");
  g_assert_null (got);
  assert_trace (f, "error-occurred(socket-timeout-error) callback ");
}

/* Finishes the read and drops the last reference to the socket. */
static void
on_read_drop_socket (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr(GBytes) got = qs_io_device_read_finish (QS_IO_DEVICE (source), result, NULL);

  g_assert_nonnull (got);
  g_string_append_printf (f->trace, "callback(%" G_GSIZE_FORMAT ") ", g_bytes_get_size (got));
  f->calls++;
  qs_test_release (&f->socket, f->trace, f);
}

static void
test_read_unref_in_callback (Fixture      *f,
                             gconstpointer data)
{
  g_test_summary ("A read_async callback may drop the last reference to the "
                  "socket, on data and at the end of the stream");

  connect_socket (f);
  qs_io_device_read_async (DEV (f), 3, G_PRIORITY_DEFAULT, NULL, on_read_drop_socket, f);
  qs_test_peer_send (f->peer, "xyz", 3);
  wait_calls (f, 1);
  g_assert_null (f->socket);
  assert_trace (f, "ready-read callback(3) ");

  /* Again, completing inside read-channel-finished. */
  f->socket = qs_tcp_socket_new ();
  f->calls = 0;
  g_clear_object (&f->peer);
  qs_test_trace_socket (f->socket, f->trace);
  connect_socket (f);
  qs_io_device_read_async (DEV (f), 0, G_PRIORITY_DEFAULT, NULL, on_read_drop_socket, f);
  qs_test_peer_send (f->peer, "end", 3);
  g_clear_object (&f->peer);
  wait_calls (f, 1);
  g_assert_null (f->socket);
  g_assert_true (g_str_has_suffix (f->trace->str, "read-channel-finished callback(3) "));
}

/* ---- write_all_async ------------------------------------------------------ */

static void
test_write_all (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GBytes) payload = pattern_new (BIG_SIZE);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  g_test_summary ("write_all_async of 32 MiB (bytes already queued before it) "
                  "completes once its last byte left the write buffer");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "head", 4), ==, 4);
  qs_io_device_write_all_async (DEV (f), payload, G_PRIORITY_DEFAULT, NULL, on_done, f);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 4 + BIG_SIZE);
  got = qs_test_peer_read (f->peer, 4 + BIG_SIZE, TIMEOUT_MS);
  wait_calls (f, 1);
  g_assert_true (finish_write (f, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, BIG_SIZE);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 4 + BIG_SIZE);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), 4, "head", 4);
  g_assert_cmpmem ((const guint8 *) g_bytes_get_data (got, NULL) + 4, BIG_SIZE,
                   g_bytes_get_data (payload, NULL), BIG_SIZE);
  g_assert_true (g_str_has_prefix (f->trace->str, "bytes-written("));
  g_assert_true (g_str_has_suffix (f->trace->str, ") callback "));
}

static void
test_write_small (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("ping", 4);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  g_test_summary ("write_all_async of 4 bytes: one bytes-written(4), then the "
                  "callback; written 4");

  connect_socket (f);
  qs_io_device_write_all_async (DEV (f), payload, G_PRIORITY_DEFAULT, NULL, on_done, f);
  g_assert_cmpuint (f->calls, ==, 0);
  wait_calls (f, 1);
  g_assert_true (finish_write (f, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 4);
  assert_trace (f, "bytes-written(4) callback ");
  got = qs_test_peer_read (f->peer, 4, TIMEOUT_MS);
  qs_test_assert_bytes (got, "ping");
}

static void
test_write_empty (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GError) error = NULL;
  gsize written = 1;

  g_test_summary ("write_all_async of no bytes: TRUE, written 0, no signal");

  connect_socket (f);
  qs_io_device_write_all_async (DEV (f), empty, G_PRIORITY_DEFAULT, NULL, on_done, f);
  g_assert_cmpuint (f->calls, ==, 0);
  wait_calls (f, 1);
  g_assert_true (finish_write (f, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 0);
  assert_trace (f, "callback ");
}

static void
test_write_cancel_before (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) payload = g_bytes_new_static ("never", 5);
  g_autoptr(GError) error = NULL;
  gsize written = 1;

  g_test_summary ("write_all_async with a cancelled cancellable: "
                  "G_IO_ERROR_CANCELLED, nothing queued");

  connect_socket (f);
  g_cancellable_cancel (cancellable);
  qs_io_device_write_all_async (DEV (f), payload, G_PRIORITY_DEFAULT, cancellable, on_done, f);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  wait_calls (f, 1);
  g_assert_false (finish_write (f, &written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (written, ==, 0);
  assert_trace (f, "callback ");
}

static void
test_write_cancel_during (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) payload = pattern_new (BIG_SIZE);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  gsize written = BIG_SIZE;

  g_test_summary ("Cancelling a pending write_all_async: G_IO_ERROR_CANCELLED "
                  "with the bytes written so far; the rest is still sent");

  connect_socket (f);
  qs_io_device_write_all_async (DEV (f), payload, G_PRIORITY_DEFAULT, cancellable, on_done, f);
  /* The peer reads nothing: the kernel buffers fill up. */
  qs_test_run_until (strstr (f->trace->str, "bytes-written(") != NULL, TIMEOUT_MS);
  g_cancellable_cancel (cancellable);
  wait_calls (f, 1);
  g_assert_false (finish_write (f, &written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (written, >, 0);
  g_assert_cmpuint (written, <, BIG_SIZE);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, BIG_SIZE - written);

  got = qs_test_peer_read (f->peer, BIG_SIZE, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, BIG_SIZE);
  g_assert_true (g_bytes_equal (got, payload));
  g_assert_cmpuint (f->calls, ==, 1);
}

static void
test_write_pending (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(GBytes) one = g_bytes_new_static ("one", 3);
  g_autoptr(GBytes) two = g_bytes_new_static ("two", 3);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  gsize written = 1;

  g_test_summary ("A second write_all_async while one is pending: "
                  "G_IO_ERROR_PENDING, its bytes not queued; the first completes");

  connect_socket (f);
  qs_io_device_write_all_async (DEV (f), one, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_io_device_write_all_async (DEV (f), two, G_PRIORITY_DEFAULT, NULL, on_second_done, f);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 3);
  wait_calls (f, 2);
  g_assert_false (qs_io_device_write_all_finish (DEV (f), f->second, &written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  g_assert_cmpuint (written, ==, 0);
  g_clear_error (&error);

  g_assert_true (finish_write (f, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 3);
  got = qs_test_peer_read (f->peer, 3, TIMEOUT_MS);
  qs_test_assert_bytes (got, "one");
}

static void
test_write_abort (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GBytes) payload = pattern_new (BIG_SIZE);
  g_autoptr(GError) error = NULL;
  gsize written = BIG_SIZE;

  g_test_summary ("abort() while write_all_async is pending (bytes dropped): "
                  "G_IO_ERROR_CLOSED with the bytes written so far");

  connect_socket (f);
  qs_io_device_write_all_async (DEV (f), payload, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_test_run_until (strstr (f->trace->str, "bytes-written(") != NULL, TIMEOUT_MS);
  g_string_truncate (f->trace, 0);
  qs_abstract_socket_abort (SOCK (f));
  wait_calls (f, 1);
  g_assert_false (finish_write (f, &written, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_cmpuint (written, >, 0);
  g_assert_cmpuint (written, <, BIG_SIZE);
  /* abort() ran outside the loop: GTask defers the callback to it. */
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished "
                   "disconnected callback ");
}

static void
test_write_remote_close (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GBytes) payload = pattern_new (BIG_SIZE);
  g_autoptr(GError) error = NULL;
  gsize written = BIG_SIZE;

  g_test_summary ("The peer goes away while write_all_async is pending: "
                  "QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR, after error-occurred");

  connect_socket (f);
  qs_io_device_write_all_async (DEV (f), payload, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_test_run_until (strstr (f->trace->str, "bytes-written(") != NULL, TIMEOUT_MS);
  g_clear_object (&f->peer);
  wait_calls (f, 1);
  g_assert_false (finish_write (f, &written, &error));
  g_assert_error (error, QS_SOCKET_ERROR, QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR);
  g_assert_cmpstr (error->message, ==, qs_io_device_get_error_string (DEV (f)));
  g_assert_cmpuint (written, <, BIG_SIZE);
  g_assert_nonnull (strstr (f->trace->str, "error-occurred(remote-host-closed-error) callback "));
}

static void
test_write_not_connected (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("late", 4);
  g_autoptr(GError) error = NULL;
  gsize written = 1;

  g_test_summary ("write_all_async after a remote close (open, not connected): "
                  "QS_SOCKET_ERROR, code get_error() (unknown), \"Socket is not connected\"");

  connect_socket (f);
  g_clear_object (&f->peer);
  qs_test_run_until (qs_abstract_socket_get_state (SOCK (f)) == QS_SOCKET_STATE_UNCONNECTED_STATE,
                     TIMEOUT_MS);
  g_string_truncate (f->trace, 0);
  qs_io_device_write_all_async (DEV (f), payload, G_PRIORITY_DEFAULT, NULL, on_done, f);
  wait_calls (f, 1);
  g_assert_false (finish_write (f, &written, &error));
  g_assert_error (error, QS_SOCKET_ERROR, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (error->message, ==, "Socket is not connected");
  g_assert_cmpuint (written, ==, 0);
  assert_trace (f, "callback ");
}

static void
test_write_not_open (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(GBytes) payload = g_bytes_new_static ("x", 1);
  g_autoptr(GError) error = NULL;

  g_test_summary ("write_all_async on a device that is not open: "
                  "G_IO_ERROR_CLOSED from the loop, no warning");

  qs_io_device_write_all_async (DEV (f), payload, G_PRIORITY_DEFAULT, NULL, on_done, f);
  g_assert_cmpuint (f->calls, ==, 0);
  wait_calls (f, 1);
  g_assert_false (finish_write (f, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/* ---- a local socket -------------------------------------------------------- */

/* f->local adopts one end of a socketpair; f->peer is the other. */
static void
local_pair (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  f->local = qs_local_socket_new ();
  qs_test_trace_socket (f->local, f->trace);
  g_assert_true (qs_local_socket_set_socket_descriptor (f->local, fds[0],
                                                        QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                                        QS_OPEN_MODE_READ_WRITE));
  f->peer = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  g_socket_set_blocking (f->peer, FALSE);
}

static void
test_local_exchange (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(GBytes) question = g_bytes_new_static ("question", 8);
  g_autoptr(GBytes) heard = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  g_test_summary ("A QsLocalSocket: write_all_async, then read_async(0) to "
                  "the peer's close (PEER_CLOSED ends the read, not fails it)");

  local_pair (f);
  qs_io_device_write_all_async (QS_IO_DEVICE (f->local), question, G_PRIORITY_DEFAULT,
                                NULL, on_done, f);
  wait_calls (f, 1);
  g_assert_true (qs_io_device_write_all_finish (QS_IO_DEVICE (f->local), f->result, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 8);
  heard = qs_test_peer_read (f->peer, 8, TIMEOUT_MS);
  qs_test_assert_bytes (heard, "question");

  qs_io_device_read_async (QS_IO_DEVICE (f->local), 0, G_PRIORITY_DEFAULT, NULL, on_done, f);
  qs_test_peer_send (f->peer, "answer", 6);
  g_clear_object (&f->peer);
  wait_calls (f, 2);
  answer = qs_io_device_read_finish (QS_IO_DEVICE (f->local), f->result, &error);
  g_assert_no_error (error);
  qs_test_assert_bytes (answer, "answer");
  g_assert_true (g_str_has_suffix (f->trace->str, "read-channel-finished callback disconnected "));
}

static void
on_udp_write_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Fixture *f = user_data;

  g_clear_object (&f->result);
  f->result = g_object_ref (result);
  f->calls++;
  g_string_append (f->trace, "callback ");
}

static void
test_write_udp_send_error (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(QsUdpSocket) peer = qs_udp_socket_new ();
  g_autoptr(QsUdpSocket) udp = qs_udp_socket_new ();
  g_autoptr(GBytes) big = pattern_new (70000);
  g_autoptr(GError) error = NULL;
  gsize written = 1;

  g_test_summary ("write_all_async on a connected UDP socket whose send fails "
                  "without error-occurred (a datagram over 64 KiB): fails with "
                  "the socket's own error, DatagramTooLargeError, not UnknownSocketError");

  qs_test_udp_bind (peer, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (udp), "127.0.0.1", qs_test_udp_local_port (peer),
                                      QS_OPEN_MODE_READ_WRITE, QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_cmpint (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (udp)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  qs_test_trace_socket (udp, f->trace);
  qs_io_device_write_all_async (QS_IO_DEVICE (udp), big, G_PRIORITY_DEFAULT, NULL, on_udp_write_done, f);
  wait_calls (f, 1);
  g_assert_false (qs_io_device_write_all_finish (QS_IO_DEVICE (udp), f->result, &written, &error));
  g_assert_error (error, QS_SOCKET_ERROR, QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR);
  g_assert_cmpstr (error->message, ==, "Datagram was too large to send");
  g_assert_cmpuint (written, ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_error (QS_ABSTRACT_SOCKET (udp)), ==,
                   QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR);
  assert_trace (f, "callback ");
  g_clear_object (&f->result);
  g_signal_handlers_disconnect_by_data (udp, f->trace);
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/async/connect/success", test_connect_success);
  ADD ("/async/connect/refused", test_connect_refused);
  ADD ("/async/connect/cancel-before", test_connect_cancel_before);
  ADD ("/async/connect/cancel-during", test_connect_cancel_during);
  ADD ("/async/connect/pending", test_connect_pending);
  ADD ("/async/connect/abort", test_connect_abort);
  ADD ("/async/connect/wait-timeout", test_connect_wait_timeout);
  ADD ("/async/connect/wait-timeout-unref", test_connect_wait_timeout_unref);
  ADD ("/async/connect/close", test_connect_close);
  ADD ("/async/connect/set-descriptor", test_connect_set_descriptor);
  ADD ("/async/read/exact", test_read_exact);
  ADD ("/async/read/buffered", test_read_buffered);
  ADD ("/async/read/to-eof", test_read_to_eof);
  ADD ("/async/read/short-at-eof", test_read_short_at_eof);
  ADD ("/async/read/after-eof", test_read_after_eof);
  ADD ("/async/read/cancel-before", test_read_cancel_before);
  ADD ("/async/read/cancel-during", test_read_cancel_during);
  ADD ("/async/read/pending", test_read_pending);
  ADD ("/async/read/close", test_read_close);
  ADD ("/async/read/not-open", test_read_not_open);
  ADD ("/async/read/error", test_read_error);
  ADD ("/async/read/unref-in-callback", test_read_unref_in_callback);
  ADD ("/async/write/all", test_write_all);
  ADD ("/async/write/small", test_write_small);
  ADD ("/async/write/empty", test_write_empty);
  ADD ("/async/write/cancel-before", test_write_cancel_before);
  ADD ("/async/write/cancel-during", test_write_cancel_during);
  ADD ("/async/write/pending", test_write_pending);
  ADD ("/async/write/abort", test_write_abort);
  ADD ("/async/write/remote-close", test_write_remote_close);
  ADD ("/async/write/not-connected", test_write_not_connected);
  ADD ("/async/write/not-open", test_write_not_open);
  ADD ("/async/write/udp-send-error", test_write_udp_send_error);
  ADD ("/async/local/exchange", test_local_exchange);

  return g_test_run ();
}
