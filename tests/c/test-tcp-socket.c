/* test-tcp-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsTcpSocket as Qt's QTcpSocket behaves (Qt 6.4, observed through
 * PyQt6): states, signal order, buffers, errors and re-entrancy. Every
 * peer is a plain GSocket on loopback; every wait iterates the main
 * context with a deadline.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "qs-test-utils.h"
#include "qs-abstract-socket-private.h"
#include "qs-io-device-private.h"
#include "qs-socket-engine.h"

#define TIMEOUT_MS 5000

typedef struct
{
  QsTcpSocket *socket;    /* (owned) (nullable) */
  GString     *trace;     /* (owned) */
  GSocket     *listener;  /* (owned) IPv4 loopback, backlog 16 */
  guint16      port;      /* of listener */
  GSocket     *peer;      /* (owned) (nullable) the accepted end */

  /* for handlers */
  guint        count;
  guint        depth;
  guint        max_depth;
  gint64       bytes_written_total;
} Fixture;

#define SOCK(f) QS_ABSTRACT_SOCKET ((f)->socket)
#define DEV(f) QS_IO_DEVICE ((f)->socket)

#define assert_trace(f, expected) g_assert_cmpstr ((f)->trace->str, ==, (expected))

static const char *const CONNECT_TRACE =
  "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
  "state-changed(connected-state) connected ";

static const char *const REMOTE_CLOSE_TRACE =
  "error-occurred(remote-host-closed-error) state-changed(closing-state) "
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
  g_clear_object (&f->peer);
  g_clear_object (&f->listener);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
}

static gboolean
is_state (Fixture      *f,
          QsSocketState state)
{
  return f->socket != NULL && qs_abstract_socket_get_state (SOCK (f)) == state;
}

/* Connects f->socket to f->listener, accepts f->peer, clears the trace. */
static void
connect_socket (Fixture *f)
{
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (!is_state (f, QS_SOCKET_STATE_CONNECTING_STATE), TIMEOUT_MS);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  assert_trace (f, CONNECT_TRACE);
  g_string_truncate (f->trace, 0);
}

/* A listener whose accept queue is full (backlog 0 plus one connection
 * never accepted): further SYNs are dropped, so a connect to it hangs in
 * CONNECTING until the caller gives up. */
static GSocket *
hanging_listener_new (guint16  *port,
                      GSocket **filler)
{
  GSocket *listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 0, port);

  *filler = qs_test_client_new (G_SOCKET_FAMILY_IPV4, *port);
  return listener;
}

static guint16
remote_port_of (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_remote_address (socket, NULL);

  g_assert_nonnull (address);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

/* Qt clears both endpoints once a connection is over, but keeps the
 * peer name (observed with PyQt6 6.4.2). */
static void
assert_endpoints_cleared (Fixture *f)
{
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "127.0.0.1");
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, 0);
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), ==, 0);
  g_assert_null (qs_abstract_socket_get_peer_address (SOCK (f)));
  g_assert_null (qs_abstract_socket_get_local_address (SOCK (f)));
}

/* ---- defaults ---------------------------------------------------------- */

static void
test_defaults (Fixture      *f,
               gconstpointer data)
{
  QsSocketType type = QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE;

  g_test_summary ("A fresh QTcpSocket: UnknownSocketError, \"Unknown error\", "
                  "UnconnectedState, no buffer limit, no descriptor, not valid, "
                  "not open, no peer name, PauseNever, invalid options, TcpSocket");

  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_read_buffer_size (SOCK (f)), ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  g_assert_false (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_false (qs_io_device_is_open (DEV (f)));
  g_assert_null (qs_abstract_socket_get_peer_name (SOCK (f)));
  g_assert_cmpint (qs_abstract_socket_get_pause_mode (SOCK (f)), ==, QS_PAUSE_MODES_PAUSE_NEVER);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_KEEP_ALIVE_OPTION), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_socket_type (SOCK (f)), ==, QS_SOCKET_TYPE_TCP_SOCKET);
  g_object_get (f->socket, "socket-type", &type, NULL);
  g_assert_cmpint (type, ==, QS_SOCKET_TYPE_TCP_SOCKET);
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), ==, 0);
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, 0);
  g_assert_null (qs_abstract_socket_get_local_address (SOCK (f)));
  g_assert_null (qs_abstract_socket_get_peer_address (SOCK (f)));
  g_assert_null (qs_abstract_socket_get_protocol_tag (SOCK (f)));
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  g_assert_true (qs_io_device_is_sequential (DEV (f)));
  g_assert_true (QS_IS_TCP_SOCKET (f->socket));
  g_assert_true (QS_IS_ABSTRACT_SOCKET (f->socket));
  g_assert_true (QS_IS_IO_DEVICE (f->socket));
  assert_trace (f, "");
}

/* ---- connecting -------------------------------------------------------- */

static void
test_connect_literal (Fixture      *f,
                      gconstpointer data)
{
  g_autofree char *peer_address = NULL;
  g_autofree char *local_address = NULL;

  g_test_summary ("connectToHost(\"127.0.0.1\"): HostLookup, Connecting and "
                  "hostFound before it returns; then Connected and connected; "
                  "addresses and ports of both ends");

  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTING_STATE);
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_WRITE);
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "127.0.0.1");

  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (!is_state (f, QS_SOCKET_STATE_CONNECTING_STATE), TIMEOUT_MS);

  assert_trace (f, CONNECT_TRACE);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, f->port);
  peer_address = qs_test_address_string (qs_abstract_socket_get_peer_address (SOCK (f)));
  g_assert_cmpstr (peer_address, ==, "127.0.0.1");
  local_address = qs_test_address_string (qs_abstract_socket_get_local_address (SOCK (f)));
  g_assert_cmpstr (local_address, ==, "127.0.0.1");
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), ==, remote_port_of (f->peer));
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), >=, 0);
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "127.0.0.1");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_true (qs_io_device_at_end (DEV (f)));
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
}

static void
test_connect_name (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *peer_address = NULL;

  g_test_summary ("connectToHost(\"localhost\"): only HostLookup before it "
                  "returns; the lookup result then connects");

  qs_abstract_socket_connect_to_host (SOCK (f), "localhost", f->port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL);
  assert_trace (f, "state-changed(host-lookup-state) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_HOST_LOOKUP_STATE);
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "localhost");

  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_CONNECTED_STATE) ||
                     is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  assert_trace (f, CONNECT_TRACE);
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "localhost");
  peer_address = qs_test_address_string (qs_abstract_socket_get_peer_address (SOCK (f)));
  g_assert_cmpstr (peer_address, ==, "127.0.0.1");
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, f->port);
}

static void
test_connect_address (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);
  g_autofree char *peer_address = NULL;

  g_test_summary ("connectToHost(QHostAddress): the address's text is the peer "
                  "name; same signals as a literal host name");

  qs_abstract_socket_connect_to_address (SOCK (f), loopback, f->port, QS_OPEN_MODE_READ_WRITE);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found ");
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "127.0.0.1");
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (!is_state (f, QS_SOCKET_STATE_CONNECTING_STATE), TIMEOUT_MS);
  assert_trace (f, CONNECT_TRACE);
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "127.0.0.1");
  peer_address = qs_test_address_string (qs_abstract_socket_get_peer_address (SOCK (f)));
  g_assert_cmpstr (peer_address, ==, "127.0.0.1");
}

static void
test_connect_ipv6 (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GSocket) listener = NULL;
  g_autofree char *peer_address = NULL;
  guint16 port;

  g_test_summary ("connectToHost(\"::1\") on IPv6 loopback");
  if (!qs_test_ipv6_available ())
    {
      g_test_skip ("IPv6 loopback not available");
      return;
    }

  listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV6, 4, &port);
  qs_abstract_socket_connect_to_host (SOCK (f), "::1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found ");
  f->peer = qs_test_accept (listener, TIMEOUT_MS);
  qs_test_run_until (!is_state (f, QS_SOCKET_STATE_CONNECTING_STATE), TIMEOUT_MS);
  assert_trace (f, CONNECT_TRACE);
  peer_address = qs_test_address_string (qs_abstract_socket_get_peer_address (SOCK (f)));
  g_assert_cmpstr (peer_address, ==, "::1");
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, port);
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "::1");
}

static void
test_connect_refused (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GSocket) closed = NULL;
  guint16 port;

  g_test_summary ("Connection refused: stateChanged(Unconnected) then "
                  "errorOccurred(ConnectionRefusedError); the device stays open");

  closed = qs_test_closed_port_new (&port);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(unconnected-state) error-occurred(connection-refused-error) ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Connection refused");
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_WRITE);
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
  assert_endpoints_cleared (f);

  /* nothing more comes */
  qs_test_drain_context ();
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(unconnected-state) error-occurred(connection-refused-error) ");
}

static void
test_connect_host_not_found (Fixture      *f,
                             gconstpointer data)
{
  g_test_summary ("Host not found: HostLookup before it returns; later "
                  "Unconnected, then errorOccurred(HostNotFoundError); device stays open");

  qs_abstract_socket_connect_to_host (SOCK (f), "nohost.invalid", 80, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  assert_trace (f, "state-changed(host-lookup-state) ");
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), 30000);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(unconnected-state) "
                   "error-occurred(host-not-found-error) ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Host not found");
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_WRITE);
}

static void
test_connect_from_bound (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);
  guint16 bound_port;

  g_test_summary ("connectToHost from BoundState keeps the bound local port");

  g_assert_true (qs_abstract_socket_bind (SOCK (f), loopback, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM));
  bound_port = qs_abstract_socket_get_local_port (SOCK (f));
  g_assert_cmpuint (bound_port, !=, 0);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (!is_state (f, QS_SOCKET_STATE_CONNECTING_STATE), TIMEOUT_MS);
  assert_trace (f, "state-changed(bound-state) state-changed(host-lookup-state) "
                   "state-changed(connecting-state) host-found "
                   "state-changed(connected-state) connected ");
  g_assert_cmpuint (remote_port_of (f->peer), ==, bound_port);
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), ==, bound_port);
}

static void
test_reconnect_after_refused (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(GSocket) closed = NULL;
  guint16 port;

  g_test_summary ("A refused socket can connect again (it is Unconnected)");

  closed = qs_test_closed_port_new (&port);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  g_string_truncate (f->trace, 0);
  connect_socket (f);
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, f->port);
}

/* ---- waitForConnected ---------------------------------------------------- */

static void
test_wait_for_connected_success (Fixture      *f,
                                 gconstpointer data)
{
  g_test_summary ("waitForConnected with no main loop running: TRUE, and the "
                  "signals the loop would have emitted");

  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_true (qs_abstract_socket_wait_for_connected (SOCK (f), TIMEOUT_MS));
  assert_trace (f, CONNECT_TRACE);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_true (qs_abstract_socket_wait_for_connected (SOCK (f), TIMEOUT_MS));
  assert_trace (f, CONNECT_TRACE);
}

static void
test_wait_for_connected_name (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("waitForConnected during a host lookup finishes the lookup "
                  "and the connection");

  qs_abstract_socket_connect_to_host (SOCK (f), "localhost", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL);
  g_assert_true (qs_abstract_socket_wait_for_connected (SOCK (f), TIMEOUT_MS));
  assert_trace (f, CONNECT_TRACE);

  /* the abandoned asynchronous lookup must not act later */
  qs_test_iterate_for (200);
  assert_trace (f, CONNECT_TRACE);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
}

static void
test_wait_for_connected_refused (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(GSocket) closed = NULL;
  guint16 port;

  g_test_summary ("waitForConnected when refused: FALSE, with the loop path's signals");

  closed = qs_test_closed_port_new (&port);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_false (qs_abstract_socket_wait_for_connected (SOCK (f), TIMEOUT_MS));
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(unconnected-state) error-occurred(connection-refused-error) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR);
  g_assert_true (qs_io_device_is_open (DEV (f)));
}

static void
test_wait_for_connected_timeout (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;
  guint16 port;
  gint64 start, elapsed_ms;

  g_test_summary ("waitForConnected on a connection that never completes: "
                  "FALSE after msecs, SocketTimeoutError, Unconnected");

  listener = hanging_listener_new (&port, &filler);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTING_STATE);
  g_string_truncate (f->trace, 0);

  start = g_get_monotonic_time ();
  g_assert_false (qs_abstract_socket_wait_for_connected (SOCK (f), 300));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_cmpint (elapsed_ms, >=, 250);
  g_assert_cmpint (elapsed_ms, <, 3000);

  assert_trace (f, "state-changed(unconnected-state) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Socket operation timed out");
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
  assert_endpoints_cleared (f);

  qs_test_drain_context ();
  assert_trace (f, "state-changed(unconnected-state) ");
}

/* ---- writing ------------------------------------------------------------- */

static void
test_write (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("write queues the bytes; they are sent on the next iteration "
                  "and announced by bytesWritten; the peer reads exactly them");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "hello", 5), ==, 5);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 5);
  assert_trace (f, "");
  got = qs_test_peer_read (f->peer, 5, TIMEOUT_MS);
  qs_test_assert_bytes (got, "hello");
  qs_test_run_until (f->trace->len > 0, TIMEOUT_MS);
  assert_trace (f, "bytes-written(5) ");
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
}

static void
test_write_coalesced (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) bc = g_bytes_new_static ("bc", 2);

  g_test_summary ("Two writes in one iteration go out together: one bytesWritten(3)");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "a", 1), ==, 1);
  g_assert_cmpint (qs_io_device_write_bytes (DEV (f), bc), ==, 2);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 3);
  qs_test_run_until (qs_io_device_bytes_to_write (DEV (f)) == 0 && f->trace->len > 0, TIMEOUT_MS);
  assert_trace (f, "bytes-written(3) ");
  got = qs_test_peer_read (f->peer, 3, TIMEOUT_MS);
  qs_test_assert_bytes (got, "abc");
  qs_test_drain_context ();
  assert_trace (f, "bytes-written(3) ");
}

static void
test_write_while_connecting (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("Bytes written while Connecting are queued and sent once connected");

  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "early", 5), ==, 5);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  got = qs_test_peer_read (f->peer, 5, TIMEOUT_MS);
  qs_test_assert_bytes (got, "early");
  qs_test_run_until (g_str_has_suffix (f->trace->str, "bytes-written(5) "), TIMEOUT_MS);
  {
    g_autofree char *expected = g_strconcat (CONNECT_TRACE, "bytes-written(5) ", NULL);
    assert_trace (f, expected);
  }
}

static void
test_flush (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("flush sends what is queued at once (bytesWritten before it "
                  "returns) and returns TRUE; with nothing queued, FALSE");

  connect_socket (f);
  g_assert_false (qs_abstract_socket_flush (SOCK (f)));
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "abc", 3), ==, 3);
  g_assert_true (qs_abstract_socket_flush (SOCK (f)));
  assert_trace (f, "bytes-written(3) ");
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  g_assert_false (qs_abstract_socket_flush (SOCK (f)));
  got = qs_test_peer_read (f->peer, 3, TIMEOUT_MS);
  qs_test_assert_bytes (got, "abc");
  qs_test_drain_context ();
  assert_trace (f, "bytes-written(3) ");
}

static void
test_write_read_only (Fixture      *f,
                      gconstpointer data)
{
  g_test_summary ("A socket opened ReadOnly: write warns and returns -1; "
                  "reading works");

  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_ONLY,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (!is_state (f, QS_SOCKET_STATE_CONNECTING_STATE), TIMEOUT_MS);
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_ONLY);
  g_assert_true (qs_io_device_is_readable (DEV (f)));
  g_assert_false (qs_io_device_is_writable (DEV (f)));
  g_string_truncate (f->trace, 0);

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "x", 1), ==, -1);
  g_test_assert_expected_messages ();
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);

  qs_test_peer_send (f->peer, "in", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 2, TIMEOUT_MS);
  assert_trace (f, "ready-read ");
}

static void
on_bytes_written_sum (QsIODevice *device,
                      gint64      bytes,
                      gpointer    user_data)
{
  Fixture *f = user_data;

  f->bytes_written_total += bytes;
}

static void
test_write_large (Fixture      *f,
                  gconstpointer data)
{
  const gsize size = 8 * 1024 * 1024;
  g_autofree guint8 *payload = g_malloc (size);
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("A write larger than the kernel buffers reaches the peer "
                  "whole and in order; bytesWritten adds up to it");

  for (gsize i = 0; i < size; i++)
    payload[i] = (guint8) (i * 7 + (i >> 13));
  connect_socket (f);
  g_signal_connect (f->socket, "bytes-written", G_CALLBACK (on_bytes_written_sum), f);
  g_assert_cmpint (qs_io_device_write (DEV (f), payload, size), ==, (gint64) size);
  got = qs_test_peer_read (f->peer, size, 30000);
  g_assert_cmpuint (g_bytes_get_size (got), ==, size);
  g_assert_true (memcmp (g_bytes_get_data (got, NULL), payload, size) == 0);
  qs_test_run_until (f->bytes_written_total == (gint64) size, TIMEOUT_MS);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
}

/* ---- reading ------------------------------------------------------------- */

static void
test_read_chunks (Fixture      *f,
                  gconstpointer data)
{
  guint8 buf[64];
  g_autoptr(GBytes) all = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autoptr(GBytes) empty = NULL;

  g_test_summary ("read, peek and readLine across the boundary of two receives, "
                  "with and without a size limit");

  connect_socket (f);
  qs_test_peer_send (f->peer, "abc", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 3, TIMEOUT_MS);
  assert_trace (f, "ready-read ");
  g_assert_false (qs_io_device_can_read_line (DEV (f)));
  g_assert_false (qs_io_device_at_end (DEV (f)));
  qs_test_peer_send (f->peer, "def\nghi\n", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 11, TIMEOUT_MS);
  assert_trace (f, "ready-read ready-read ");

  g_assert_true (qs_io_device_can_read_line (DEV (f)));
  g_assert_cmpint (qs_io_device_peek (DEV (f), buf, 4), ==, 4);
  g_assert_true (memcmp (buf, "abcd", 4) == 0);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 11);
  all = qs_io_device_peek_bytes (DEV (f), 100);
  qs_test_assert_bytes (all, "abcdef\nghi\n");
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 11);

  g_assert_cmpint (qs_io_device_read (DEV (f), buf, 2), ==, 2);
  g_assert_true (memcmp (buf, "ab", 2) == 0);

  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (DEV (f), buf, sizeof buf), ==, 5);
  g_assert_cmpstr ((char *) buf, ==, "cdef\n");

  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (DEV (f), buf, 3), ==, 2);
  g_assert_cmpstr ((char *) buf, ==, "gh");

  line = qs_io_device_read_line_bytes (DEV (f), 0);
  qs_test_assert_bytes (line, "i\n");

  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
  g_assert_false (qs_io_device_can_read_line (DEV (f)));
  g_assert_cmpint (qs_io_device_read (DEV (f), buf, sizeof buf), ==, 0);
  empty = qs_io_device_read_bytes (DEV (f), 10);
  g_assert_nonnull (empty);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
  g_assert_true (qs_io_device_at_end (DEV (f)));
  assert_trace (f, "ready-read ready-read ");
}

static void
test_read_max_size (Fixture      *f,
                    gconstpointer data)
{
  guint8 buf[16];
  g_autoptr(GBytes) some = NULL;
  g_autoptr(GBytes) rest = NULL;

  g_test_summary ("read(max) returns at most max bytes; readAll the rest");

  connect_socket (f);
  qs_test_peer_send (f->peer, "0123456789", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 10, TIMEOUT_MS);
  g_assert_cmpint (qs_io_device_read (DEV (f), buf, 4), ==, 4);
  g_assert_true (memcmp (buf, "0123", 4) == 0);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 6);
  some = qs_io_device_read_bytes (DEV (f), 3);
  qs_test_assert_bytes (some, "456");
  rest = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (rest, "789");
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
}

static void
test_read_buffer_size (Fixture      *f,
                       gconstpointer data)
{
  guint8 buf[16];
  g_autoptr(GBytes) rest = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) third = NULL;

  g_test_summary ("setReadBufferSize(4): at most 4 bytes are buffered; the rest "
                  "waits in the kernel until the application has emptied the "
                  "buffer (Qt re-enables reading from QIODevice::read when its "
                  "buffer runs dry)");

  connect_socket (f);
  qs_abstract_socket_set_read_buffer_size (SOCK (f), 4);
  g_assert_cmpint (qs_abstract_socket_get_read_buffer_size (SOCK (f)), ==, 4);
  qs_test_peer_send (f->peer, "0123456789", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) >= 4, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 4);
  assert_trace (f, "ready-read ");

  /* a partial read does not let more in */
  g_assert_cmpint (qs_io_device_read (DEV (f), buf, 2), ==, 2);
  g_assert_true (memcmp (buf, "01", 2) == 0);
  qs_test_drain_context ();
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 2);
  rest = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (rest, "23");

  /* an empty buffer does */
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) >= 4, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 4);
  second = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (second, "4567");

  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) >= 2, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 2);
  third = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (third, "89");
  assert_trace (f, "ready-read ready-read ready-read ");
}

/* The peer sends bytes @offset .. @offset + @size of the test stream. */
static void
send_pattern (Fixture *f,
              gsize    offset,
              gsize    size)
{
  g_autofree guint8 *data = qs_test_pattern_new (offset, size);

  qs_test_peer_send (f->peer, (const char *) data, size);
}

static void
test_read_bytes_shared (Fixture      *f,
                        gconstpointer data)
{
  QsRingBuffer *rb;

  g_test_summary ("read_bytes returns exactly the bytes received, whether it shares a "
                  "chunk of the read buffer or copies; a shared read that empties a "
                  "full buffer lets the rest in");

  connect_socket (f);
  rb = _qs_io_device_get_read_buffer (DEV (f));

  /* One receive (one loopback segment) fills one chunk; reading all of
   * it shares it. */
  send_pattern (f, 0, 40000);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 40000, TIMEOUT_MS);
  g_assert_cmpuint (rb->n_chunks, ==, 1);
  g_assert_true (qs_test_read_pattern (DEV (f), 65536, 0, 40000));
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);

  /* A part of a chunk is copied; the rest, read whole, is shared. */
  send_pattern (f, 40000, 40000);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 40000, TIMEOUT_MS);
  g_assert_false (qs_test_read_pattern (DEV (f), 1000, 40000, 1000));
  g_assert_true (qs_test_read_pattern (DEV (f), 65536, 41000, 39000));

  /* Two receives, two chunks: a read across them is copied, and so is
   * the short rest of the second. */
  send_pattern (f, 80000, 40000);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 40000, TIMEOUT_MS);
  send_pattern (f, 120000, 40000);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 80000, TIMEOUT_MS);
  g_assert_cmpuint (rb->n_chunks, ==, 2);
  g_assert_false (qs_test_read_pattern (DEV (f), 65536, 80000, 65536));
  g_assert_false (qs_test_read_pattern (DEV (f), 65536, 145536, 14464));
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);

  /* A full read buffer stops reading; the shared read that empties it
   * re-arms reading, as a copying read does. */
  qs_abstract_socket_set_read_buffer_size (SOCK (f), 40000);
  send_pattern (f, 160000, 50000);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 40000, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 40000);
  g_assert_cmpuint (rb->n_chunks, ==, 1);
  g_assert_true (qs_test_read_pattern (DEV (f), 65536, 160000, 40000));
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 10000, TIMEOUT_MS);
  qs_test_read_pattern (DEV (f), 65536, 200000, 10000);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
}

/* ---- remote close ---------------------------------------------------------- */

static void
test_remote_close (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GBytes) rest = NULL;

  g_test_summary ("Peer sends then closes: readyRead, errorOccurred(RemoteHostClosed), "
                  "Closing, Unconnected, readChannelFinished, disconnected; the "
                  "device stays open and the unread bytes stay readable");

  connect_socket (f);
  qs_test_peer_send (f->peer, "xyz", -1);
  g_socket_close (f->peer, NULL);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  {
    g_autofree char *expected = g_strconcat ("ready-read ", REMOTE_CLOSE_TRACE, NULL);
    assert_trace (f, expected);
  }
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "The remote host closed the connection");
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_WRITE);
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  assert_endpoints_cleared (f);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 3);
  g_assert_false (qs_io_device_at_end (DEV (f)));
  rest = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (rest, "xyz");
  g_assert_true (qs_io_device_at_end (DEV (f)));
}

static void
test_remote_close_no_data (Fixture      *f,
                           gconstpointer data)
{
  g_test_summary ("Peer closes without sending: no readyRead, the rest as a remote close");

  connect_socket (f);
  g_socket_close (f->peer, NULL);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  assert_trace (f, REMOTE_CLOSE_TRACE);
  qs_test_drain_context ();
  assert_trace (f, REMOTE_CLOSE_TRACE);
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_true (qs_io_device_at_end (DEV (f)));
}

static void
test_write_after_remote_close (Fixture      *f,
                               gconstpointer data)
{
  g_test_summary ("write after a remote close: -1, UnknownSocketError, "
                  "\"Socket is not connected\", and no signal");

  connect_socket (f);
  g_socket_close (f->peer, NULL);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  g_string_truncate (f->trace, 0);

  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "abc", 3), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Socket is not connected");
  qs_test_drain_context ();
  assert_trace (f, "");
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
}

/* ---- disconnect, abort, close --------------------------------------------- */

static void
test_disconnect_idle (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("disconnectFromHost with nothing queued: Closing, Unconnected, "
                  "readChannelFinished, disconnected before it returns; stays open");

  connect_socket (f);
  qs_abstract_socket_disconnect_from_host (SOCK (f));
  assert_trace (f, "state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  assert_endpoints_cleared (f);
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  qs_test_drain_context ();
  assert_trace (f, "state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
}

static void
test_disconnect_queued (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("disconnectFromHost with queued bytes: Closing now; the bytes "
                  "are sent (bytesWritten) and then Unconnected, "
                  "readChannelFinished, disconnected");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "abc", 3), ==, 3);
  qs_abstract_socket_disconnect_from_host (SOCK (f));
  assert_trace (f, "state-changed(closing-state) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CLOSING_STATE);
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  qs_test_assert_bytes (got, "abc");
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  assert_trace (f, "state-changed(closing-state) bytes-written(3) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  g_assert_true (qs_io_device_is_open (DEV (f)));
}

static void
test_disconnect_queued_large (Fixture      *f,
                              gconstpointer data)
{
  const gsize size = 4 * 1024 * 1024;
  g_autofree guint8 *payload = g_malloc (size);
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("disconnectFromHost after a large write: every byte reaches "
                  "the peer before the end of stream");

  for (gsize i = 0; i < size; i++)
    payload[i] = (guint8) (i % 251);
  connect_socket (f);
  g_signal_connect (f->socket, "bytes-written", G_CALLBACK (on_bytes_written_sum), f);
  g_assert_cmpint (qs_io_device_write (DEV (f), payload, size), ==, (gint64) size);
  qs_abstract_socket_disconnect_from_host (SOCK (f));
  got = qs_test_peer_read_to_eof (f->peer, 30000);
  g_assert_cmpuint (g_bytes_get_size (got), ==, size);
  g_assert_true (memcmp (g_bytes_get_data (got, NULL), payload, size) == 0);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  g_assert_cmpint (f->bytes_written_total, ==, (gint64) size);
  g_assert_true (g_str_has_prefix (f->trace->str, "state-changed(closing-state) bytes-written("));
  g_assert_true (g_str_has_suffix (f->trace->str, ") state-changed(unconnected-state) "
                                                  "read-channel-finished disconnected "));
}

static void
test_disconnect_while_connecting (Fixture      *f,
                                  gconstpointer data)
{
  g_test_summary ("disconnectFromHost while Connecting does nothing at once; "
                  "the socket closes as soon as it is connected");

  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  qs_abstract_socket_disconnect_from_host (SOCK (f));
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTING_STATE);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (g_str_has_suffix (f->trace->str, "disconnected "), TIMEOUT_MS);
  {
    g_autofree char *expected = g_strconcat (CONNECT_TRACE,
                                             "state-changed(closing-state) state-changed(unconnected-state) "
                                             "read-channel-finished disconnected ", NULL);
    assert_trace (f, expected);
  }
}

static void
test_abort (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("abort discards queued bytes; aboutToClose, Unconnected (no "
                  "Closing), readChannelFinished, disconnected before it returns; "
                  "the device is closed");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "lost", 4), ==, 4);
  qs_abstract_socket_abort (SOCK (f));
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished disconnected ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_false (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_false (qs_abstract_socket_is_valid (SOCK (f)));
  assert_endpoints_cleared (f);
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  qs_test_drain_context ();
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished disconnected ");
}

static void
test_abort_unconnected (Fixture      *f,
                        gconstpointer data)
{
  g_test_summary ("abort on a fresh socket does nothing");

  qs_abstract_socket_abort (SOCK (f));
  assert_trace (f, "");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
}

static void
test_abort_while_connecting (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) filler = NULL;
  guint16 port;

  g_test_summary ("abort while Connecting: aboutToClose, Unconnected, "
                  "readChannelFinished, but no disconnected (never connected)");

  listener = hanging_listener_new (&port, &filler);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_string_truncate (f->trace, 0);
  qs_abstract_socket_abort (SOCK (f));
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished ");
  g_assert_false (qs_io_device_is_open (DEV (f)));
  qs_test_drain_context ();
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished ");
}

static void
test_abort_during_lookup (Fixture      *f,
                          gconstpointer data)
{
  g_test_summary ("abort during a host lookup cancels it: the result never "
                  "connects the socket");

  qs_abstract_socket_connect_to_host (SOCK (f), "localhost", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL);
  g_string_truncate (f->trace, 0);
  qs_abstract_socket_abort (SOCK (f));
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished ");
  qs_test_iterate_for (300);
  assert_trace (f, "about-to-close state-changed(unconnected-state) read-channel-finished ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_false (g_socket_condition_check (f->listener, G_IO_IN) & G_IO_IN);
}

static void
test_close (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("close: aboutToClose, Closing, Unconnected, readChannelFinished, "
                  "disconnected before it returns; then the device is closed");

  connect_socket (f);
  qs_io_device_close (DEV (f));
  assert_trace (f, "about-to-close state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  g_assert_false (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_false (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  assert_endpoints_cleared (f);
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
}

/* ---- calls in the wrong state --------------------------------------------- */

static void
test_connect_while_connected (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("connectToHost while connected: a warning, OperationError and "
                  "errorOccurred; the state is unchanged");

  connect_socket (f);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_test_assert_expected_messages ();
  assert_trace (f, "error-occurred(operation-error) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_OPERATION_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==,
                   "Trying to connect while connection is in progress");
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, f->port);
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "127.0.0.1");
}

static void
test_connect_while_looking_up (Fixture      *f,
                               gconstpointer data)
{
  g_test_summary ("connectToHost during a host lookup: a warning and "
                  "OperationError; the first connection goes on");

  qs_abstract_socket_connect_to_host (SOCK (f), "localhost", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", 1, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_test_assert_expected_messages ();
  assert_trace (f, "state-changed(host-lookup-state) error-occurred(operation-error) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_HOST_LOOKUP_STATE);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_CONNECTED_STATE) ||
                     is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  assert_trace (f, "state-changed(host-lookup-state) error-occurred(operation-error) "
                   "state-changed(connecting-state) host-found "
                   "state-changed(connected-state) connected ");
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, f->port);
}

static void
test_bind_when_bound (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);
  g_autofree char *local_address = NULL;
  guint16 port;

  g_test_summary ("bind: stateChanged(Bound); bind again: a warning, FALSE, and "
                  "errorOccurred(UnknownSocketError) with the error unchanged "
                  "(Qt 6.4: the engine's state check fails and "
                  "QAbstractSocket emits its error)");

  g_assert_true (qs_abstract_socket_bind (SOCK (f), loopback, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM));
  assert_trace (f, "state-changed(bound-state) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);
  port = qs_abstract_socket_get_local_port (SOCK (f));
  g_assert_cmpuint (port, !=, 0);
  local_address = qs_test_address_string (qs_abstract_socket_get_local_address (SOCK (f)));
  g_assert_cmpstr (local_address, ==, "127.0.0.1");
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), >=, 0);

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  g_assert_false (qs_abstract_socket_bind (SOCK (f), loopback, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM));
  g_test_assert_expected_messages ();
  assert_trace (f, "state-changed(bound-state) error-occurred(unknown-socket-error) ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), ==, port);
}

static void
test_bind_when_connected (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);

  g_test_summary ("bind on a connected socket: a warning, FALSE, and "
                  "errorOccurred(UnfinishedSocketOperationError) \"Invalid socket "
                  "descriptor\" (Qt 6.4: the error its engine kept from the "
                  "connect that had to wait); still connected");

  connect_socket (f);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING,
                         "*bind() was not called in UnconnectedState");
  g_assert_false (qs_abstract_socket_bind (SOCK (f), loopback, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM));
  g_test_assert_expected_messages ();
  assert_trace (f, "error-occurred(unfinished-socket-operation-error) ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==,
                   QS_SOCKET_ERROR_UNFINISHED_SOCKET_OPERATION_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Invalid socket descriptor");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
}

static void
test_bind_address_in_use (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);

  g_test_summary ("bind to a port with a listener on it: FALSE, AddressInUseError "
                  "and errorOccurred; still Unconnected");

  g_assert_false (qs_abstract_socket_bind (SOCK (f), loopback, f->port, QS_BIND_FLAGS_DONT_SHARE_ADDRESS));
  assert_trace (f, "error-occurred(address-in-use-error) ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
}

static void
test_read_unopened (Fixture      *f,
                    gconstpointer data)
{
  guint8 buf[4];
  g_autoptr(GBytes) bytes = NULL;

  g_test_summary ("read, peek and write on a socket that is not open: a warning "
                  "and -1 (or empty bytes); no error, no signal");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  g_assert_cmpint (qs_io_device_read (DEV (f), buf, sizeof buf), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  g_assert_cmpint (qs_io_device_peek (DEV (f), buf, sizeof buf), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  bytes = qs_io_device_read_bytes (DEV (f), 4);
  g_test_assert_expected_messages ();
  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 0);

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "x", 1), ==, -1);
  g_test_assert_expected_messages ();

  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");
  assert_trace (f, "");
}

/* ---- waitFor* ---------------------------------------------------------------- */

static void
test_wait_for_ready_read_timeout (Fixture      *f,
                                  gconstpointer data)
{
  g_test_summary ("waitForReadyRead timing out: FALSE, SocketTimeoutError and "
                  "errorOccurred, but the socket stays connected");

  connect_socket (f);
  g_assert_false (qs_io_device_wait_for_ready_read (DEV (f), 100));
  assert_trace (f, "error-occurred(socket-timeout-error) ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Network operation timed out");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_true (qs_io_device_is_open (DEV (f)));

  /* and it still works */
  qs_test_peer_send (f->peer, "ok", -1);
  g_assert_true (qs_io_device_wait_for_ready_read (DEV (f), TIMEOUT_MS));
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 2);
}

static void
test_wait_for_ready_read_success (Fixture      *f,
                                  gconstpointer data)
{
  g_test_summary ("waitForReadyRead with data on the way: TRUE and readyRead, "
                  "no main loop needed");

  connect_socket (f);
  qs_test_peer_send (f->peer, "ping", -1);
  g_assert_true (qs_io_device_wait_for_ready_read (DEV (f), TIMEOUT_MS));
  assert_trace (f, "ready-read ");
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 4);
}

static void
test_wait_for_bytes_written_nothing (Fixture      *f,
                                     gconstpointer data)
{
  gint64 start;

  g_test_summary ("waitForBytesWritten with nothing queued: FALSE at once, nothing set");

  connect_socket (f);
  start = g_get_monotonic_time ();
  g_assert_false (qs_io_device_wait_for_bytes_written (DEV (f), 3000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);
  assert_trace (f, "");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
}

static void
test_wait_for_bytes_written_success (Fixture      *f,
                                     gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("waitForBytesWritten with queued bytes: sends them, bytesWritten, TRUE");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "abc", 3), ==, 3);
  g_assert_true (qs_io_device_wait_for_bytes_written (DEV (f), TIMEOUT_MS));
  assert_trace (f, "bytes-written(3) ");
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  got = qs_test_peer_read (f->peer, 3, TIMEOUT_MS);
  qs_test_assert_bytes (got, "abc");
  qs_test_drain_context ();
  assert_trace (f, "bytes-written(3) ");
}

static void
test_wait_for_disconnected_success (Fixture      *f,
                                    gconstpointer data)
{
  g_test_summary ("waitForDisconnected when the peer closes: TRUE with the "
                  "remote-close signals");

  connect_socket (f);
  g_socket_close (f->peer, NULL);
  g_assert_true (qs_abstract_socket_wait_for_disconnected (SOCK (f), TIMEOUT_MS));
  assert_trace (f, REMOTE_CLOSE_TRACE);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
}

static void
test_wait_for_disconnected_closing (Fixture      *f,
                                    gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("waitForDisconnected after disconnectFromHost with queued "
                  "bytes: sends them and finishes the close");

  connect_socket (f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "abc", 3), ==, 3);
  qs_abstract_socket_disconnect_from_host (SOCK (f));
  g_assert_true (qs_abstract_socket_wait_for_disconnected (SOCK (f), TIMEOUT_MS));
  assert_trace (f, "state-changed(closing-state) bytes-written(3) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  qs_test_assert_bytes (got, "abc");
}

static void
test_wait_for_disconnected_timeout (Fixture      *f,
                                    gconstpointer data)
{
  g_test_summary ("waitForDisconnected timing out: FALSE, SocketTimeoutError and "
                  "errorOccurred; still connected");

  connect_socket (f);
  g_assert_false (qs_abstract_socket_wait_for_disconnected (SOCK (f), 100));
  assert_trace (f, "error-occurred(socket-timeout-error) ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
}

static void
test_wait_for_bytes_written_unconnected (Fixture      *f,
                                         gconstpointer data)
{
  g_test_summary ("waitForBytesWritten on an unconnected socket: a warning and "
                  "FALSE (Qt: not allowed in UnconnectedState)");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING,
                         "*wait_for_bytes_written() is not allowed in UnconnectedState");
  g_assert_false (qs_io_device_wait_for_bytes_written (DEV (f), 100));
  g_test_assert_expected_messages ();
  assert_trace (f, "");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
}

static void
test_wait_for_disconnected_unconnected (Fixture      *f,
                                        gconstpointer data)
{
  g_test_summary ("waitForDisconnected on an unconnected socket: a warning and "
                  "FALSE (Qt: not allowed in UnconnectedState)");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  g_assert_false (qs_abstract_socket_wait_for_disconnected (SOCK (f), 100));
  g_test_assert_expected_messages ();
  assert_trace (f, "");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
}

/* ---- descriptors ------------------------------------------------------------- */

static void
test_set_socket_descriptor_invalid (Fixture      *f,
                                    gconstpointer data)
{
  int closed_fd;

  g_test_summary ("setSocketDescriptor(-1): FALSE, nothing set; with a closed "
                  "descriptor: FALSE, UnsupportedSocketOperationError, \"Invalid "
                  "socket descriptor\"; never a signal");

  g_assert_false (qs_abstract_socket_set_socket_descriptor (SOCK (f), -1,
                                                            QS_SOCKET_STATE_CONNECTED_STATE,
                                                            QS_OPEN_MODE_READ_WRITE));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_false (qs_io_device_is_open (DEV (f)));
  assert_trace (f, "");

  closed_fd = dup (0);
  g_assert_cmpint (closed_fd, >=, 0);
  close (closed_fd);
  g_assert_false (qs_abstract_socket_set_socket_descriptor (SOCK (f), closed_fd,
                                                            QS_SOCKET_STATE_CONNECTED_STATE,
                                                            QS_OPEN_MODE_READ_WRITE));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==,
                   QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Invalid socket descriptor");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  g_assert_false (qs_io_device_is_open (DEV (f)));
  qs_test_drain_context ();
  assert_trace (f, "");
}

static void
test_set_socket_descriptor_connected (Fixture      *f,
                                      gconstpointer data)
{
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GBytes) got = NULL;
  int fd;

  g_test_summary ("setSocketDescriptor with a connected descriptor: "
                  "stateChanged(Connected) only; the socket then works");

  client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, f->port);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  fd = dup (g_socket_get_fd (client));
  g_assert_cmpint (fd, >=, 0);
  g_clear_object (&client);

  g_assert_true (qs_abstract_socket_set_socket_descriptor (SOCK (f), fd,
                                                           QS_SOCKET_STATE_CONNECTED_STATE,
                                                           QS_OPEN_MODE_READ_WRITE));
  assert_trace (f, "state-changed(connected-state) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_WRITE);
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, fd);
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, f->port);
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), ==, remote_port_of (f->peer));
  g_assert_null (qs_abstract_socket_get_peer_name (SOCK (f)));

  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "hi", 2), ==, 2);
  got = qs_test_peer_read (f->peer, 2, TIMEOUT_MS);
  qs_test_assert_bytes (got, "hi");
  qs_test_peer_send (f->peer, "yo", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 2, TIMEOUT_MS);
  assert_trace (f, "state-changed(connected-state) bytes-written(2) ready-read ");
}

static void
test_write_only (Fixture      *f,
                 gconstpointer data)
{
  gboolean adopt = GPOINTER_TO_INT (data);
  g_autoptr(GBytes) got = NULL;
  g_autofree char *expected = NULL;

  g_test_summary ("A socket opened WriteOnly (by connect or set_socket_descriptor) "
                  "reads nothing: no ready-read, bytes_available 0; its writes go "
                  "out and the peer's close is still seen, as Qt");

  if (adopt)
    {
      g_autoptr(GSocket) client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, f->port);
      int fd = dup (g_socket_get_fd (client));

      g_assert_true (qs_abstract_socket_set_socket_descriptor (SOCK (f), fd,
                                                               QS_SOCKET_STATE_CONNECTED_STATE,
                                                               QS_OPEN_MODE_WRITE_ONLY));
    }
  else
    qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_WRITE_ONLY,
                                        QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_CONNECTED_STATE), TIMEOUT_MS);
  g_string_truncate (f->trace, 0);

  qs_test_peer_send (f->peer, "unread", -1);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "xy", 2), ==, 2);
  got = qs_test_peer_read (f->peer, 2, TIMEOUT_MS);
  qs_test_assert_bytes (got, "xy");
  g_socket_close (f->peer, NULL);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  expected = g_strconcat ("bytes-written(2) ", REMOTE_CLOSE_TRACE, NULL);
  assert_trace (f, expected);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
}

/* ---- options --------------------------------------------------------------------- */

static void
test_socket_options (Fixture      *f,
                     gconstpointer data)
{
  g_test_summary ("Socket options: -1 and ignored without a descriptor "
                  "(LowDelay set before connecting still reads 0); set once connected");

  qs_abstract_socket_set_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION, 1);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION), ==, -1);
  connect_socket (f);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION), ==, 0);
  qs_abstract_socket_set_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION, 1);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION), ==, 1);
  qs_abstract_socket_set_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION, 0);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION), ==, 0);

  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_KEEP_ALIVE_OPTION), ==, 0);
  qs_abstract_socket_set_socket_option (SOCK (f), QS_SOCKET_OPTION_KEEP_ALIVE_OPTION, 1);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_KEEP_ALIVE_OPTION), ==, 1);

  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_RECEIVE_BUFFER_SIZE_SOCKET_OPTION), >, 0);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_SEND_BUFFER_SIZE_SOCKET_OPTION), >, 0);
  assert_trace (f, "");

  qs_abstract_socket_abort (SOCK (f));
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_LOW_DELAY_OPTION), ==, -1);
}

/* ---- notify ------------------------------------------------------------------------ */

static void
test_notify_state (Fixture      *f,
                   gconstpointer data)
{
  guint notifies = 0, changes = 0;

  g_test_summary ("notify::state comes once per real change, just before "
                  "the matching stateChanged");

  qs_test_count_signal (f->socket, "notify::state", &notifies);
  qs_test_count_signal (f->socket, "state-changed", &changes);
  qs_test_trace_notify (f->socket, "state", f->trace);
  g_string_truncate (f->trace, 0);

  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_CONNECTED_STATE), TIMEOUT_MS);
  qs_abstract_socket_disconnect_from_host (SOCK (f));

  assert_trace (f, "notify::state state-changed(host-lookup-state) "
                   "notify::state state-changed(connecting-state) host-found "
                   "notify::state state-changed(connected-state) connected "
                   "notify::state state-changed(closing-state) "
                   "notify::state state-changed(unconnected-state) read-channel-finished disconnected ");
  g_assert_cmpuint (notifies, ==, 5);
  g_assert_cmpuint (changes, ==, 5);
}

static void
test_notify_error (Fixture      *f,
                   gconstpointer data)
{
  guint notifies = 0, errors = 0;

  g_test_summary ("notify::error only when the error really changes: two "
                  "waitForReadyRead timeouts give two errorOccurred but one notify");

  connect_socket (f);
  qs_test_count_signal (f->socket, "notify::error", &notifies);
  qs_test_count_signal (f->socket, "error-occurred", &errors);
  g_assert_false (qs_io_device_wait_for_ready_read (DEV (f), 50));
  g_assert_false (qs_io_device_wait_for_ready_read (DEV (f), 50));
  g_assert_cmpuint (errors, ==, 2);
  g_assert_cmpuint (notifies, ==, 1);
  assert_trace (f, "error-occurred(socket-timeout-error) error-occurred(socket-timeout-error) ");
}

static void
test_notify_error_reset_on_connect (Fixture      *f,
                                    gconstpointer data)
{
  g_autoptr(GSocket) closed = NULL;
  guint notifies = 0, errors = 0;
  guint16 port;

  g_test_summary ("connectToHost resets the error to UnknownSocketError (Qt "
                  "syncs it with the error string that open() clears): two "
                  "refusals notify error three times");

  qs_test_count_signal (f->socket, "notify::error", &notifies);
  qs_test_count_signal (f->socket, "error-occurred", &errors);
  closed = qs_test_closed_port_new (&port);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  qs_test_run_until (errors == 1, TIMEOUT_MS);
  g_assert_cmpuint (notifies, ==, 1);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_cmpuint (notifies, >=, 2);
  qs_test_run_until (errors == 2, TIMEOUT_MS);
  g_assert_cmpuint (notifies, ==, 3);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR);
}

/* ---- re-entrancy (run under ASan in CI) --------------------------------------------- */

static void
on_ready_read_unref (QsIODevice *device,
                     gpointer    user_data)
{
  Fixture *f = user_data;

  f->count++;
  g_clear_object (&f->socket);
}

static void
test_reentrancy_unref_in_ready_read (Fixture      *f,
                                     gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("A readyRead handler that drops the last reference: no crash, "
                  "and the socket really closes");

  connect_socket (f);
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_unref), f);
  qs_test_peer_send (f->peer, "data", -1);
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  g_assert_null (f->socket);
  qs_test_peer_send (f->peer, "more", -1);
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);
}

static void
on_ready_read_abort (QsIODevice *device,
                     gpointer    user_data)
{
  Fixture *f = user_data;

  f->count++;
  qs_abstract_socket_abort (QS_ABSTRACT_SOCKET (device));
}

static void
test_reentrancy_abort_in_ready_read (Fixture      *f,
                                     gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("abort from a readyRead handler: closes at once, nothing after");

  connect_socket (f);
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_abort), f);
  qs_test_peer_send (f->peer, "data", -1);
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  assert_trace (f, "ready-read about-to-close state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  g_assert_false (qs_io_device_is_open (DEV (f)));
  qs_test_peer_send (f->peer, "more", -1);
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);
  assert_trace (f, "ready-read about-to-close state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
}

static void
on_ready_read_close (QsIODevice *device,
                     gpointer    user_data)
{
  Fixture *f = user_data;

  f->count++;
  qs_io_device_close (device);
}

static void
test_reentrancy_close_in_ready_read (Fixture      *f,
                                     gconstpointer data)
{
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("close from a readyRead handler: the close signals, nothing after");

  connect_socket (f);
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_close), f);
  qs_test_peer_send (f->peer, "data", -1);
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  assert_trace (f, "ready-read about-to-close state-changed(closing-state) "
                   "state-changed(unconnected-state) read-channel-finished disconnected ");
  qs_test_peer_send (f->peer, "more", -1);
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);
  g_assert_false (qs_io_device_is_open (DEV (f)));
}

static void
on_disconnected_unref (QsAbstractSocket *socket,
                       gpointer          user_data)
{
  Fixture *f = user_data;

  f->count++;
  g_clear_object (&f->socket);
}

static void
test_reentrancy_unref_in_disconnected (Fixture      *f,
                                       gconstpointer data)
{
  g_test_summary ("A disconnected handler that drops the last reference: no crash");

  connect_socket (f);
  g_signal_connect (f->socket, "disconnected", G_CALLBACK (on_disconnected_unref), f);
  qs_test_peer_send (f->peer, "bye", -1);
  g_socket_close (f->peer, NULL);
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  g_assert_null (f->socket);
  qs_test_drain_context ();
  {
    g_autofree char *expected = g_strconcat ("ready-read ", REMOTE_CLOSE_TRACE, NULL);
    assert_trace (f, expected);
  }
}

static void
on_error_unref (QsAbstractSocket *socket,
                QsSocketError     error,
                gpointer          user_data)
{
  Fixture *f = user_data;

  f->count++;
  g_clear_object (&f->socket);
}

static void
test_reentrancy_unref_in_error (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr(GSocket) closed = NULL;
  guint16 port;

  g_test_summary ("An errorOccurred handler (connection refused) that drops the "
                  "last reference: no crash");

  closed = qs_test_closed_port_new (&port);
  g_signal_connect (f->socket, "error-occurred", G_CALLBACK (on_error_unref), f);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_null (f->socket);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(unconnected-state) error-occurred(connection-refused-error) ");
}

static void
on_connected_disconnect (QsAbstractSocket *socket,
                         gpointer          user_data)
{
  Fixture *f = user_data;

  f->count++;
  qs_abstract_socket_disconnect_from_host (socket);
}

static void
test_reentrancy_disconnect_in_connected (Fixture      *f,
                                         gconstpointer data)
{
  g_test_summary ("disconnectFromHost from a connected handler");

  g_signal_connect (f->socket, "connected", G_CALLBACK (on_connected_disconnect), f);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (f->count == 1 && is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE), TIMEOUT_MS);
  qs_test_drain_context ();
  {
    g_autofree char *expected = g_strconcat (CONNECT_TRACE,
                                             "state-changed(closing-state) state-changed(unconnected-state) "
                                             "read-channel-finished disconnected ", NULL);
    assert_trace (f, expected);
  }
}

static void
on_disconnected_reconnect (QsAbstractSocket *socket,
                           gpointer          user_data)
{
  Fixture *f = user_data;

  if (f->count++ == 0)
    qs_abstract_socket_connect_to_host (socket, "127.0.0.1", f->port, QS_OPEN_MODE_READ_WRITE,
                                        QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
}

static void
test_reentrancy_reconnect_in_disconnected (Fixture      *f,
                                           gconstpointer data)
{
  g_autoptr(GSocket) second_peer = NULL;

  g_test_summary ("connectToHost from a disconnected handler starts a new connection");

  connect_socket (f);
  g_signal_connect (f->socket, "disconnected", G_CALLBACK (on_disconnected_reconnect), f);
  g_socket_close (f->peer, NULL);
  second_peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (is_state (f, QS_SOCKET_STATE_CONNECTED_STATE), TIMEOUT_MS);
  {
    g_autofree char *expected = g_strconcat (REMOTE_CLOSE_TRACE, CONNECT_TRACE, NULL);
    assert_trace (f, expected);
  }
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), ==, remote_port_of (second_peer));
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "again", 5), ==, 5);
  {
    g_autoptr(GBytes) got = qs_test_peer_read (second_peer, 5, TIMEOUT_MS);
    qs_test_assert_bytes (got, "again");
  }
}

static void
on_ready_read_nested (QsIODevice *device,
                      gpointer    user_data)
{
  Fixture *f = user_data;

  f->count++;
  f->depth++;
  f->max_depth = MAX (f->max_depth, f->depth);
  if (f->count == 1)
    {
      /* more data arrives while the handler runs a nested loop */
      qs_test_peer_send (f->peer, "second", -1);
      qs_test_iterate_for (200);
      /* Qt reads it into the buffer during the nested loop */
      g_assert_cmpint (qs_io_device_bytes_available (device), ==, 11);
    }
  f->depth--;
}

/* The queue is empty when bytes-written comes, and the socket no longer
 * asks for writability: a handler that runs a nested loop is not woken
 * by it at every iteration. */
static void
on_bytes_written_check_watch (QsIODevice *device,
                              gint64      bytes,
                              gpointer    user_data)
{
  Fixture *f = user_data;
  QsSocketEngine *engine = _qs_abstract_socket_get_engine (QS_ABSTRACT_SOCKET (device));

  g_assert_cmpint (qs_io_device_bytes_to_write (device), ==, 0);
  g_assert_nonnull (engine);
  g_assert_cmpint (_qs_socket_engine_get_events (engine) & G_IO_OUT, ==, 0);
  f->bytes_written_total += bytes;
}

static void
test_reentrancy_bytes_written_watch (Fixture      *f,
                                     gconstpointer data)
{
  g_test_summary ("bytes-written for a drained queue comes with the write "
                  "watch already dropped, so a nested loop in its handler "
                  "does not spin on writability");

  connect_socket (f);
  g_signal_connect (f->socket, "bytes-written", G_CALLBACK (on_bytes_written_check_watch), f);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "abc", 3), ==, 3);
  qs_test_run_until (f->bytes_written_total == 3, TIMEOUT_MS);
  g_assert_cmpint (f->bytes_written_total, ==, 3);
}

static void
test_reentrancy_no_nested_ready_read (Fixture      *f,
                                      gconstpointer data)
{
  g_test_summary ("readyRead is never emitted from inside a readyRead handler; "
                  "data that arrives while the handler runs a nested loop is "
                  "buffered without a second readyRead (Qt 6.4, observed)");

  connect_socket (f);
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_nested), f);
  qs_test_peer_send (f->peer, "first", -1);
  qs_test_run_until (f->count >= 1 && f->depth == 0, TIMEOUT_MS);
  qs_test_iterate_for (100);
  g_assert_cmpuint (f->max_depth, ==, 1);
  g_assert_cmpuint (f->count, ==, 1);
  assert_trace (f, "ready-read ");
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 11);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/tcp-socket/defaults", test_defaults);
  ADD ("/tcp-socket/connect/literal-ipv4", test_connect_literal);
  ADD ("/tcp-socket/connect/host-name", test_connect_name);
  ADD ("/tcp-socket/connect/address", test_connect_address);
  ADD ("/tcp-socket/connect/literal-ipv6", test_connect_ipv6);
  ADD ("/tcp-socket/connect/refused", test_connect_refused);
  ADD ("/tcp-socket/connect/host-not-found", test_connect_host_not_found);
  ADD ("/tcp-socket/connect/from-bound", test_connect_from_bound);
  ADD ("/tcp-socket/connect/again-after-refused", test_reconnect_after_refused);
  ADD ("/tcp-socket/wait-for-connected/success", test_wait_for_connected_success);
  ADD ("/tcp-socket/wait-for-connected/host-name", test_wait_for_connected_name);
  ADD ("/tcp-socket/wait-for-connected/refused", test_wait_for_connected_refused);
  ADD ("/tcp-socket/wait-for-connected/timeout", test_wait_for_connected_timeout);
  ADD ("/tcp-socket/write/peer-reads", test_write);
  ADD ("/tcp-socket/write/coalesced", test_write_coalesced);
  ADD ("/tcp-socket/write/while-connecting", test_write_while_connecting);
  ADD ("/tcp-socket/write/large", test_write_large);
  ADD ("/tcp-socket/write/flush", test_flush);
  ADD ("/tcp-socket/write/read-only", test_write_read_only);
  ADD ("/tcp-socket/write/after-remote-close", test_write_after_remote_close);
  ADD ("/tcp-socket/read/chunks", test_read_chunks);
  ADD ("/tcp-socket/read/max-size", test_read_max_size);
  ADD ("/tcp-socket/read/buffer-size", test_read_buffer_size);
  ADD ("/tcp-socket/read/bytes-shared", test_read_bytes_shared);
  ADD ("/tcp-socket/remote-close/with-data", test_remote_close);
  ADD ("/tcp-socket/remote-close/no-data", test_remote_close_no_data);
  ADD ("/tcp-socket/disconnect/idle", test_disconnect_idle);
  ADD ("/tcp-socket/disconnect/queued", test_disconnect_queued);
  ADD ("/tcp-socket/disconnect/queued-large", test_disconnect_queued_large);
  ADD ("/tcp-socket/disconnect/while-connecting", test_disconnect_while_connecting);
  ADD ("/tcp-socket/abort/connected", test_abort);
  ADD ("/tcp-socket/abort/unconnected", test_abort_unconnected);
  ADD ("/tcp-socket/abort/while-connecting", test_abort_while_connecting);
  ADD ("/tcp-socket/abort/during-lookup", test_abort_during_lookup);
  ADD ("/tcp-socket/close/connected", test_close);
  ADD ("/tcp-socket/wrong-state/connect-while-connected", test_connect_while_connected);
  ADD ("/tcp-socket/wrong-state/connect-while-looking-up", test_connect_while_looking_up);
  ADD ("/tcp-socket/wrong-state/bind-when-bound", test_bind_when_bound);
  ADD ("/tcp-socket/wrong-state/bind-when-connected", test_bind_when_connected);
  ADD ("/tcp-socket/wrong-state/read-unopened", test_read_unopened);
  ADD ("/tcp-socket/bind/address-in-use", test_bind_address_in_use);
  ADD ("/tcp-socket/wait-for-ready-read/timeout", test_wait_for_ready_read_timeout);
  ADD ("/tcp-socket/wait-for-ready-read/success", test_wait_for_ready_read_success);
  ADD ("/tcp-socket/wait-for-bytes-written/nothing-queued", test_wait_for_bytes_written_nothing);
  ADD ("/tcp-socket/wait-for-bytes-written/unconnected", test_wait_for_bytes_written_unconnected);
  ADD ("/tcp-socket/wait-for-bytes-written/success", test_wait_for_bytes_written_success);
  ADD ("/tcp-socket/wait-for-disconnected/success", test_wait_for_disconnected_success);
  ADD ("/tcp-socket/wait-for-disconnected/closing", test_wait_for_disconnected_closing);
  ADD ("/tcp-socket/wait-for-disconnected/timeout", test_wait_for_disconnected_timeout);
  ADD ("/tcp-socket/wait-for-disconnected/unconnected", test_wait_for_disconnected_unconnected);
  ADD ("/tcp-socket/socket-descriptor/invalid", test_set_socket_descriptor_invalid);
  ADD ("/tcp-socket/socket-descriptor/connected", test_set_socket_descriptor_connected);
  g_test_add ("/tcp-socket/write-only/connect", Fixture, GINT_TO_POINTER (FALSE), setup, test_write_only, teardown);
  g_test_add ("/tcp-socket/write-only/descriptor", Fixture, GINT_TO_POINTER (TRUE), setup, test_write_only, teardown);
  ADD ("/tcp-socket/socket-option/before-and-after-connect", test_socket_options);
  ADD ("/tcp-socket/notify/state", test_notify_state);
  ADD ("/tcp-socket/notify/error-only-on-change", test_notify_error);
  ADD ("/tcp-socket/notify/error-reset-on-connect", test_notify_error_reset_on_connect);
  ADD ("/tcp-socket/reentrancy/unref-in-ready-read", test_reentrancy_unref_in_ready_read);
  ADD ("/tcp-socket/reentrancy/abort-in-ready-read", test_reentrancy_abort_in_ready_read);
  ADD ("/tcp-socket/reentrancy/close-in-ready-read", test_reentrancy_close_in_ready_read);
  ADD ("/tcp-socket/reentrancy/unref-in-disconnected", test_reentrancy_unref_in_disconnected);
  ADD ("/tcp-socket/reentrancy/unref-in-error-occurred", test_reentrancy_unref_in_error);
  ADD ("/tcp-socket/reentrancy/disconnect-in-connected", test_reentrancy_disconnect_in_connected);
  ADD ("/tcp-socket/reentrancy/reconnect-in-disconnected", test_reentrancy_reconnect_in_disconnected);
  ADD ("/tcp-socket/reentrancy/no-nested-ready-read", test_reentrancy_no_nested_ready_read);
  ADD ("/tcp-socket/reentrancy/bytes-written-watch", test_reentrancy_bytes_written_watch);
#undef ADD

  return g_test_run ();
}
