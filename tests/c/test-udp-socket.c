/* test-udp-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsUdpSocket as Qt's QUdpSocket behaves (Qt 6.4, observed through
 * PyQt6): binding, datagram round trips on IPv4 and IPv6, what a received
 * datagram carries, truncation, errors, auto-bind, connected mode,
 * ready-read per readiness event and re-entrancy. Every wait either
 * iterates the main context with a deadline or polls the socket's own
 * descriptor; nothing sleeps. Multicast delivery is tested in
 * test-udp-multicast.c, in a private network namespace.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 5000

typedef struct
{
  QsUdpSocket *socket;   /* (owned) (nullable): under test, traced into trace */
  GString     *trace;    /* (owned) */
  QsUdpSocket *peer;     /* (owned) (nullable): the other end, not traced */

  /* for handlers */
  guint        count;
  GString     *received; /* (owned) */
} Fixture;

#define SOCK(f) QS_ABSTRACT_SOCKET ((f)->socket)
#define DEV(f) QS_IO_DEVICE ((f)->socket)

#define assert_trace(f, expected) g_assert_cmpstr ((f)->trace->str, ==, (expected))

static void
setup (Fixture      *f,
       gconstpointer data)
{
  f->trace = g_string_new (NULL);
  f->received = g_string_new (NULL);
  f->socket = qs_udp_socket_new ();
  qs_test_trace_socket (f->socket, f->trace);
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  if (f->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (f->socket, f->trace);
      g_signal_handlers_disconnect_by_data (f->socket, f);
      g_clear_object (&f->socket);
    }
  g_clear_object (&f->peer);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
  g_string_free (f->received, TRUE);
}

static void
assert_local_address (QsUdpSocket *socket,
                      const char  *expected)
{
  g_autofree char *text = qs_test_address_string (qs_abstract_socket_get_local_address (QS_ABSTRACT_SOCKET (socket)));

  g_assert_cmpstr (text, ==, expected);
}

/* A new socket bound to @text:0 (not traced). */
static QsUdpSocket *
bound_socket_new (const char *text)
{
  QsUdpSocket *socket = qs_udp_socket_new ();

  qs_test_udp_bind (socket, text, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  return socket;
}

/* Sends @text as one datagram from @from to @host:@port. */
static void
send_to (QsUdpSocket *from,
         const char  *text,
         const char  *host,
         guint16      port)
{
  g_autoptr(GInetAddress) a = qs_test_address (host);
  gsize size = strlen (text);

  g_assert_cmpint (qs_udp_socket_write_datagram (from, (const guint8 *) text, size, a, port), ==, size);
}

/* Asserts that a read gave @from (consumed) and @port as the sender. */
static void
assert_sender (GInetAddress *from,
               guint16       port,
               const char   *sender,
               guint16       sender_port)
{
  g_autofree char *from_text = qs_test_address_string (from);

  g_assert_cmpstr (from_text, ==, sender);
  g_assert_cmpuint (port, ==, sender_port);
}

/* Reads the next datagram with read_datagram into a buffer of
 * @max_size bytes; asserts its text and sender. */
static void
assert_read (QsUdpSocket *socket,
             gsize        max_size,
             const char  *expected,
             const char  *sender,
             guint16      sender_port)
{
  g_autofree guint8 *buffer = g_malloc0 (max_size + 1);
  GInetAddress *from = NULL;
  guint16 port = 0;
  gint64 n;

  n = qs_udp_socket_read_datagram (socket, buffer, max_size, &from, &port);
  g_assert_cmpint (n, ==, strlen (expected));
  g_assert_cmpmem (buffer, n, expected, strlen (expected));
  assert_sender (from, port, sender, sender_port);
}

/* Reads the next datagram with read_datagram_bytes keeping @max_size
 * bytes; asserts its text and sender. */
static void
assert_read_bytes (QsUdpSocket *socket,
                   gsize        max_size,
                   const char  *expected,
                   const char  *sender,
                   guint16      sender_port)
{
  g_autoptr(GBytes) bytes = NULL;
  GInetAddress *from = NULL;
  guint16 port = 0;

  bytes = qs_udp_socket_read_datagram_bytes (socket, max_size, &from, &port);
  qs_test_assert_bytes (bytes, expected);
  assert_sender (from, port, sender, sender_port);
}

/* A datagram read, as the data of a test that runs with either. */
typedef struct
{
  void (*assert_read) (QsUdpSocket *socket,
                       gsize        max_size,
                       const char  *expected,
                       const char  *sender,
                       guint16      sender_port);
} ReadCall;

static const ReadCall read_into_buffer = { assert_read };
static const ReadCall read_into_bytes = { assert_read_bytes };

static gboolean
is_state (Fixture      *f,
          QsSocketState state)
{
  return f->socket != NULL && qs_abstract_socket_get_state (SOCK (f)) == state;
}

/* A sysctl number, or @fallback when it cannot be read. */
static int
sysctl_int (const char *path,
            int         fallback)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return fallback;
  return atoi (text);
}

static gboolean
require_ipv6 (void)
{
  if (qs_test_ipv6_available ())
    return TRUE;
  g_test_skip ("IPv6 loopback (::1) is not available");
  return FALSE;
}

static void
test_defaults (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;

  g_test_summary ("A fresh socket: UDP, unconnected, no descriptor, no pending "
                  "datagram (with Qt's 'not in BoundState' warnings), no multicast "
                  "interface, options -1");

  g_assert_cmpint (qs_abstract_socket_get_socket_type (SOCK (f)), ==, QS_SOCKET_TYPE_UDP_SOCKET);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
  g_assert_false (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (SOCK (f), QS_SOCKET_OPTION_MULTICAST_TTL_OPTION), ==, -1);
  g_assert_null (qs_udp_socket_get_multicast_interface (f->socket));

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*pending_datagram_size*not in BoundState*");
  g_assert_cmpint (qs_udp_socket_pending_datagram_size (f->socket), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*has_pending_datagrams*not in BoundState*");
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->socket));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*receive_datagram*not in BoundState*");
  datagram = qs_udp_socket_receive_datagram (f->socket, -1);
  g_test_assert_expected_messages ();
  g_assert_false (qs_network_datagram_is_valid (datagram));

  assert_trace (f, "");
}

static void
test_bind_ipv4 (Fixture      *f,
                gconstpointer data)
{
  g_test_summary ("bind(127.0.0.1, 0): TRUE, state-changed(bound) only, the local "
                  "endpoint; the device stays unopened (Qt)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  assert_trace (f, "state-changed(bound-state) ");
  assert_local_address (f->socket, "127.0.0.1");
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), >=, 0);
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->socket));
  g_assert_cmpint (qs_udp_socket_pending_datagram_size (f->socket), ==, -1);
}

static void
test_bind_any (Fixture      *f,
               gconstpointer data)
{
  g_test_summary ("bind(NULL, 0) binds the dual-stack any address, reported as "
                  "0.0.0.0 as Qt reports QHostAddress::Any");

  qs_test_udp_bind (f->socket, NULL, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  assert_local_address (f->socket, "0.0.0.0");
}

static void
round_trip (Fixture    *f,
            const char *loopback)
{
  g_test_summary ("A datagram from a bound socket arrives whole, once, with the "
                  "sender's address and port; bytes-written(size) follows the write "
                  "before it returns");

  qs_test_udp_bind (f->socket, loopback, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new (loopback);
  g_string_truncate (f->trace, 0);

  /* Traced side sends. */
  send_to (f->socket, "hello", loopback, qs_test_udp_local_port (f->peer));
  assert_trace (f, "bytes-written(5) ");
  qs_test_udp_wait_readable (f->peer);
  g_assert_true (qs_udp_socket_has_pending_datagrams (f->peer));
  g_assert_cmpint (qs_udp_socket_pending_datagram_size (f->peer), ==, 5);
  assert_read (f->peer, 64, "hello", loopback, qs_test_udp_local_port (f->socket));
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->peer));

  /* Traced side receives, announced by ready-read. */
  g_string_truncate (f->trace, 0);
  send_to (f->peer, "world!", loopback, qs_test_udp_local_port (f->socket));
  qs_test_run_until (strstr (f->trace->str, "ready-read") != NULL, TIMEOUT_MS);
  assert_trace (f, "ready-read ");
  assert_read (f->socket, 64, "world!", loopback, qs_test_udp_local_port (f->peer));
}

static void
test_round_trip_ipv4 (Fixture      *f,
                      gconstpointer data)
{
  round_trip (f, "127.0.0.1");
}

static void
test_round_trip_ipv6 (Fixture      *f,
                      gconstpointer data)
{
  if (!require_ipv6 ())
    return;
  round_trip (f, "::1");
}

static void
receive_fields (Fixture    *f,
                const char *loopback,
                int         hop_limit)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *destination = NULL;

  g_test_summary ("receive_datagram: the payload, the sender, the destination (the "
                  "bound address and port), the hop limit (the IP TTL, 64 on "
                  "loopback) and the interface index of lo");

  qs_test_udp_bind (f->socket, loopback, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new (loopback);
  send_to (f->peer, "fields", loopback, qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  datagram = qs_udp_socket_receive_datagram (f->socket, -1);
  g_assert_true (qs_network_datagram_is_valid (datagram));
  data = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (data, "fields");
  sender = qs_test_address_string (qs_network_datagram_get_sender_address (datagram));
  g_assert_cmpstr (sender, ==, loopback);
  g_assert_cmpint (qs_network_datagram_get_sender_port (datagram), ==, qs_test_udp_local_port (f->peer));
  destination = qs_test_address_string (qs_network_datagram_get_destination_address (datagram));
  g_assert_cmpstr (destination, ==, loopback);
  g_assert_cmpint (qs_network_datagram_get_destination_port (datagram), ==, qs_test_udp_local_port (f->socket));
  g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), ==, hop_limit);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (datagram), ==, if_nametoindex ("lo"));
  g_assert_cmpuint (if_nametoindex ("lo"), !=, 0);
  assert_trace (f, "state-changed(bound-state) ");
}

static void
test_receive_fields_ipv4 (Fixture      *f,
                          gconstpointer data)
{
  receive_fields (f, "127.0.0.1", sysctl_int ("/proc/sys/net/ipv4/ip_default_ttl", 64));
}

static void
test_receive_fields_ipv6 (Fixture      *f,
                          gconstpointer data)
{
  if (!require_ipv6 ())
    return;
  receive_fields (f, "::1", sysctl_int ("/proc/sys/net/ipv6/conf/lo/hop_limit", 64));
}

static void
test_receive_dual_stack (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *destination = NULL;

  g_test_summary ("A dual-stack socket (bound to NULL) reports an IPv4 datagram's "
                  "sender and destination in the IPv4-mapped form and no hop limit, "
                  "as Qt (which asks only for the IPv6 hop limit there)");

  if (!require_ipv6 ())
    return;

  qs_test_udp_bind (f->socket, NULL, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  send_to (f->peer, "v4", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  datagram = qs_udp_socket_receive_datagram (f->socket, -1);
  sender = qs_test_address_string (qs_network_datagram_get_sender_address (datagram));
  g_assert_cmpstr (sender, ==, "::ffff:127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_sender_port (datagram), ==, qs_test_udp_local_port (f->peer));
  destination = qs_test_address_string (qs_network_datagram_get_destination_address (datagram));
  g_assert_cmpstr (destination, ==, "::ffff:127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_destination_port (datagram), ==, qs_test_udp_local_port (f->socket));
  g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), ==, -1);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (datagram), ==, if_nametoindex ("lo"));
}

static void
test_receive_truncated (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_test_summary ("receive_datagram(max_size) keeps max_size bytes and drops the rest");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  send_to (f->peer, "three!", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "four", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  datagram = qs_udp_socket_receive_datagram (f->socket, 2);
  bytes = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (bytes, "th");
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_pointer (&datagram, qs_network_datagram_unref);

  qs_test_udp_wait_readable (f->socket);
  datagram = qs_udp_socket_receive_datagram (f->socket, -1);
  bytes = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (bytes, "four");
}

static void
test_read_truncated (Fixture      *f,
                     gconstpointer data)
{
  const ReadCall *call = data;

  g_test_summary ("read_datagram (or read_datagram_bytes) with a too-small max_size "
                  "returns the datagram truncated and discards the rest; the next "
                  "read gets the next datagram (Qt)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  send_to (f->peer, "hello world", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "next", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  g_assert_cmpint (qs_udp_socket_pending_datagram_size (f->socket), ==, 11);
  call->assert_read (f->socket, 5, "hello", "127.0.0.1", qs_test_udp_local_port (f->peer));
  qs_test_udp_wait_readable (f->socket);
  g_assert_cmpint (qs_udp_socket_pending_datagram_size (f->socket), ==, 4);
  call->assert_read (f->socket, 64, "next", "127.0.0.1", qs_test_udp_local_port (f->peer));
  g_assert_cmpint (qs_udp_socket_pending_datagram_size (f->socket), ==, -1);
  assert_trace (f, "state-changed(bound-state) ");
}

static void
test_read_zero_size (Fixture      *f,
                     gconstpointer data)
{
  guint8 unused;
  guint16 port = 0;

  g_test_summary ("read_datagram with max_size 0 discards the datagram and returns 0; "
                  "without address and port it reads straight into the buffer");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  send_to (f->peer, "gone", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "kept", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  g_assert_cmpint (qs_udp_socket_read_datagram (f->socket, &unused, 0, NULL, &port), ==, 0);
  g_assert_cmpuint (port, ==, qs_test_udp_local_port (f->peer));
  qs_test_udp_wait_readable (f->socket);
  {
    guint8 buffer[8] = { 0 };

    g_assert_cmpint (qs_udp_socket_read_datagram (f->socket, buffer, sizeof buffer, NULL, NULL), ==, 4);
    g_assert_cmpmem (buffer, 4, "kept", 4);
  }
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->socket));
}

static void
test_empty_datagram (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_test_summary ("An empty datagram is sent (0, bytes-written(0)), is pending with "
                  "size 0 and is received as a valid, empty datagram (Qt); "
                  "read_datagram_bytes gives it as empty bytes with its sender, "
                  "allocating no more for a max_size above any datagram");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  g_string_truncate (f->trace, 0);
  send_to (f->socket, "", "127.0.0.1", qs_test_udp_local_port (f->peer));
  send_to (f->socket, "", "127.0.0.1", qs_test_udp_local_port (f->peer));
  assert_trace (f, "bytes-written(0) bytes-written(0) ");
  qs_test_udp_wait_readable (f->peer);
  g_assert_true (qs_udp_socket_has_pending_datagrams (f->peer));
  g_assert_cmpint (qs_udp_socket_pending_datagram_size (f->peer), ==, 0);
  datagram = qs_udp_socket_receive_datagram (f->peer, -1);
  g_assert_true (qs_network_datagram_is_valid (datagram));
  bytes = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (bytes, "");
  qs_test_udp_wait_readable (f->peer);
  assert_read_bytes (f->peer, G_MAXSIZE, "", "127.0.0.1", qs_test_udp_local_port (f->socket));
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->peer));
}

static void
test_read_none_pending (Fixture      *f,
                        gconstpointer data)
{
  guint8 buffer[16];
  g_autoptr(GInetAddress) from = NULL;
  guint16 port = 7;

  g_test_summary ("read_datagram with nothing pending: -1, TEMPORARY_ERROR 'No "
                  "datagram available for reading' and error-occurred (Qt 6.4); "
                  "read_datagram_bytes the same with NULL");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);

  g_assert_cmpint (qs_udp_socket_read_datagram (f->socket, buffer, sizeof buffer, &from, &port), ==, -1);
  g_assert_null (from);
  g_assert_cmpuint (port, ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_TEMPORARY_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "No datagram available for reading");
  assert_trace (f, "error-occurred(temporary-error) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);

  port = 7;
  g_assert_null (qs_udp_socket_read_datagram_bytes (f->socket, sizeof buffer, &from, &port));
  g_assert_null (from);
  g_assert_cmpuint (port, ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_TEMPORARY_ERROR);
  assert_trace (f, "error-occurred(temporary-error) error-occurred(temporary-error) ");
}

static void
test_read_bytes_unbound (Fixture      *f,
                         gconstpointer data)
{
  g_test_summary ("read_datagram_bytes on an unbound socket warns and returns NULL, "
                  "as read_datagram");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*read_datagram*not in BoundState*");
  g_assert_null (qs_udp_socket_read_datagram_bytes (f->socket, 64, NULL, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_null (qs_udp_socket_read_datagram_bytes (NULL, 64, NULL, NULL));
  g_test_assert_expected_messages ();
  assert_trace (f, "");
}

static void
test_receive_none_pending (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;

  g_test_summary ("receive_datagram with nothing pending: an invalid datagram, no "
                  "error, no signal (Qt)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);

  datagram = qs_udp_socket_receive_datagram (f->socket, -1);
  g_assert_nonnull (datagram);
  g_assert_false (qs_network_datagram_is_valid (datagram));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  assert_trace (f, "");
}

static void
test_write_too_large (Fixture      *f,
                      gconstpointer data)
{
  g_autofree guint8 *big = g_malloc0 (70000);
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

  g_test_summary ("A 70000-byte datagram: -1, DATAGRAM_TOO_LARGE_ERROR 'Datagram was "
                  "too large to send' with error-occurred; the socket stays bound");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);

  g_assert_cmpint (qs_udp_socket_write_datagram (f->socket, big, 70000, loopback, qs_test_udp_local_port (f->socket)), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Datagram was too large to send");
  assert_trace (f, "error-occurred(datagram-too-large-error) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);
}

static void
auto_bind (Fixture    *f,
           const char *loopback)
{
  g_autoptr(GInetAddress) destination = qs_test_address (loopback);
  g_autoptr(GBytes) payload = g_bytes_new_static ("auto", 4);

  g_test_summary ("write_datagram on an unbound socket binds it first (any address, "
                  "port 0: reported 0.0.0.0 as Qt does): state-changed(bound), then "
                  "bytes-written, before the call returns");

  f->peer = bound_socket_new (loopback);
  g_assert_cmpint (qs_udp_socket_write_datagram_bytes (f->socket, payload, destination, qs_test_udp_local_port (f->peer)), ==, 4);
  assert_trace (f, "state-changed(bound-state) bytes-written(4) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);
  assert_local_address (f->socket, "0.0.0.0");
  g_assert_cmpuint (qs_test_udp_local_port (f->socket), !=, 0);

  qs_test_udp_wait_readable (f->peer);
  assert_read (f->peer, 16, "auto", loopback, qs_test_udp_local_port (f->socket));
}

static void
test_auto_bind_ipv4 (Fixture      *f,
                     gconstpointer data)
{
  auto_bind (f, "127.0.0.1");
}

static void
test_auto_bind_ipv6 (Fixture      *f,
                     gconstpointer data)
{
  if (!require_ipv6 ())
    return;
  auto_bind (f, "::1");
}

static void
on_state_changed_abort (QsAbstractSocket *socket,
                        QsSocketState     state,
                        gpointer          user_data)
{
  Fixture *f = user_data;

  f->count++;
  qs_abstract_socket_abort (socket);
}

static void
test_auto_bind_aborted (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

  g_test_summary ("A state-changed(bound) handler that aborts during the auto-bind of "
                  "write_datagram: the write returns -1, nothing is sent, no crash");

  g_signal_connect (f->socket, "state-changed", G_CALLBACK (on_state_changed_abort), f);
  g_assert_cmpint (qs_udp_socket_write_datagram (f->socket, (const guint8 *) "x", 1, loopback, 9), ==, -1);
  g_assert_cmpuint (f->count, ==, 2);   /* bound, then unconnected */
  assert_trace (f, "state-changed(bound-state) state-changed(unconnected-state) read-channel-finished ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
}

typedef struct
{
  QsUdpSocket       *other;     /* (unowned): where the handler sends */
  QsNetworkDatagram *datagram;  /* (unowned) (nullable): what the handler changes */
} BindHandlerData;

static void
on_state_changed_send_elsewhere (QsAbstractSocket *socket,
                                 QsSocketState     state,
                                 gpointer          user_data)
{
  BindHandlerData *data = user_data;
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  g_autoptr(GBytes) changed = g_bytes_new_static ("changed", 7);

  if (state != QS_SOCKET_STATE_BOUND_STATE)
    return;
  if (data->datagram != NULL)
    {
      qs_network_datagram_set_data (data->datagram, changed);
      qs_network_datagram_set_destination (data->datagram, loopback, qs_test_udp_local_port (data->other));
    }
  g_assert_cmpint (qs_udp_socket_write_datagram (QS_UDP_SOCKET (socket), (const guint8 *) "inner", 5,
                                                 loopback, qs_test_udp_local_port (data->other)), ==, 5);
}

static void
test_auto_bind_handler_sends (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  g_autoptr(QsUdpSocket) other = bound_socket_new ("127.0.0.1");
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  BindHandlerData handler_data = { other, NULL };

  g_test_summary ("A state-changed(bound) handler of the auto-bind that sends elsewhere, "
                  "or changes the datagram being sent: the datagram still goes where and "
                  "as it was given when the call was made");

  f->peer = bound_socket_new ("127.0.0.1");
  g_signal_connect (f->socket, "state-changed", G_CALLBACK (on_state_changed_send_elsewhere), &handler_data);
  g_assert_cmpint (qs_udp_socket_write_datagram (f->socket, (const guint8 *) "outer", 5, loopback,
                                                 qs_test_udp_local_port (f->peer)), ==, 5);
  assert_trace (f, "state-changed(bound-state) bytes-written(5) bytes-written(5) ");
  qs_test_udp_wait_readable (f->peer);
  assert_read (f->peer, 16, "outer", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (other);
  assert_read (other, 16, "inner", "127.0.0.1", qs_test_udp_local_port (f->socket));

  qs_abstract_socket_abort (SOCK (f));
  g_string_truncate (f->trace, 0);
  datagram = qs_network_datagram_new_from_data ((const guint8 *) "value", 5, loopback,
                                                qs_test_udp_local_port (f->peer));
  handler_data.datagram = datagram;
  g_assert_cmpint (qs_udp_socket_write_network_datagram (f->socket, datagram), ==, 5);
  assert_trace (f, "state-changed(bound-state) bytes-written(5) bytes-written(5) ");
  qs_test_udp_wait_readable (f->peer);
  assert_read (f->peer, 16, "value", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (other);
  assert_read (other, 16, "inner", "127.0.0.1", qs_test_udp_local_port (f->socket));
  g_assert_false (qs_udp_socket_has_pending_datagrams (other));
  g_signal_handlers_disconnect_by_data (f->socket, &handler_data);
}

static void
test_bind_address_in_use (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  g_autoptr(QsUdpSocket) other = qs_udp_socket_new ();

  g_test_summary ("Binding a port already bound with DONT_SHARE_ADDRESS (or by "
                  "default): FALSE, ADDRESS_IN_USE_ERROR 'The bound address is already "
                  "in use' with error-occurred, still unconnected");

  f->peer = qs_udp_socket_new ();
  qs_test_udp_bind (f->peer, "127.0.0.1", QS_BIND_FLAGS_DONT_SHARE_ADDRESS);

  g_assert_false (qs_abstract_socket_bind (SOCK (f), loopback, qs_test_udp_local_port (f->peer),
                                           QS_BIND_FLAGS_DONT_SHARE_ADDRESS));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "The bound address is already in use");
  assert_trace (f, "error-occurred(address-in-use-error) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);

  g_assert_false (qs_abstract_socket_bind (QS_ABSTRACT_SOCKET (other), loopback, qs_test_udp_local_port (f->peer),
                                           QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM));
  g_assert_cmpint (qs_abstract_socket_get_error (QS_ABSTRACT_SOCKET (other)), ==,
                   QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR);
}

static int
int_option (QsUdpSocket *socket,
            int          level,
            int          name)
{
  int value = -1;
  socklen_t len = sizeof value;

  g_assert_cmpint (getsockopt (qs_abstract_socket_get_socket_descriptor (QS_ABSTRACT_SOCKET (socket)),
                               level, name, &value, &len), ==, 0);
  return value;
}

static void
share (Fixture     *f,
       QsBindFlags  mode)
{
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

  f->peer = qs_udp_socket_new ();
  qs_test_udp_bind (f->peer, "127.0.0.1", mode);
  g_assert_true (qs_abstract_socket_bind (SOCK (f), loopback, qs_test_udp_local_port (f->peer), mode));
  g_assert_cmpuint (qs_test_udp_local_port (f->socket), ==, qs_test_udp_local_port (f->peer));
  assert_trace (f, "state-changed(bound-state) ");

  /* Qt 6.4 on Linux sets SO_REUSEADDR only (not SO_REUSEPORT). */
  g_assert_cmpint (int_option (f->socket, SOL_SOCKET, SO_REUSEADDR), ==, 1);
  g_assert_cmpint (int_option (f->socket, SOL_SOCKET, SO_REUSEPORT), ==, 0);
}

static void
test_bind_share_address (Fixture      *f,
                         gconstpointer data)
{
  g_test_summary ("SHARE_ADDRESS lets two sockets bind one port (SO_REUSEADDR, as Qt "
                  "on Linux)");
  share (f, QS_BIND_FLAGS_SHARE_ADDRESS);
}

static void
test_bind_reuse_address_hint (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("REUSE_ADDRESS_HINT lets two sockets bind one port too");
  share (f, QS_BIND_FLAGS_REUSE_ADDRESS_HINT);
}

static void
test_bind_when_bound (Fixture      *f,
                      gconstpointer data)
{
  g_test_summary ("bind on a bound socket: warning, FALSE, error unchanged (Qt)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*bind*not called in UnconnectedState*");
  g_assert_false (qs_abstract_socket_bind (SOCK (f), NULL, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM));
  g_test_assert_expected_messages ();
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);
}

/* Connects f->socket to f->peer (bound on @loopback); clears the trace. */
static void
connect_socket (Fixture    *f,
                const char *loopback)
{
  g_autoptr(GInetAddress) peer_address = qs_test_address (loopback);

  f->peer = bound_socket_new (loopback);
  qs_abstract_socket_connect_to_address (SOCK (f), peer_address, qs_test_udp_local_port (f->peer),
                                         QS_OPEN_MODE_READ_WRITE);
  /* A literal address: done before the call returns, as Qt. */
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(connected-state) connected ");
  g_string_truncate (f->trace, 0);
}

static void
test_connected_signals (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *peer = NULL;

  g_test_summary ("connect_to_address: HOST_LOOKUP, CONNECTING, host-found, CONNECTED, "
                  "connected before it returns; opened ReadWrite|Unbuffered (Qt)");

  connect_socket (f, "127.0.0.1");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==,
                   QS_OPEN_MODE_READ_WRITE | QS_OPEN_MODE_UNBUFFERED);
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "127.0.0.1");
  peer = qs_test_address_string (qs_abstract_socket_get_peer_address (SOCK (f)));
  g_assert_cmpstr (peer, ==, "127.0.0.1");
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, qs_test_udp_local_port (f->peer));
  assert_local_address (f->socket, "127.0.0.1");
  g_assert_cmpuint (qs_test_udp_local_port (f->socket), !=, 0);
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
}

static void
test_connected_host_name (Fixture      *f,
                          gconstpointer data)
{
  g_test_summary ("connect_to_host with a literal IPv6 address completes at once too");

  if (!require_ipv6 ())
    return;

  f->peer = bound_socket_new ("::1");
  qs_abstract_socket_connect_to_host (SOCK (f), "::1", qs_test_udp_local_port (f->peer),
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(connected-state) connected ");
  g_string_truncate (f->trace, 0);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "six", 3), ==, 3);
  qs_test_udp_wait_readable (f->peer);
  assert_read (f->peer, 16, "six", "::1", qs_test_udp_local_port (f->socket));
}

static void
test_connected_read_write (Fixture      *f,
                           gconstpointer data)
{
  guint8 buffer[100];
  g_autoptr(GBytes) all = NULL;

  g_test_summary ("Connected: each write is one datagram, sent at once with "
                  "bytes-written before it returns; each read takes one datagram "
                  "(the rest of a longer one is lost); bytes_available is the next "
                  "datagram's size; nothing pending reads 0");

  connect_socket (f, "127.0.0.1");

  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "abc", 3), ==, 3);
  assert_trace (f, "bytes-written(3) ");
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "defg", 4), ==, 4);
  assert_trace (f, "bytes-written(3) bytes-written(4) ");
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  qs_test_udp_wait_readable (f->peer);
  assert_read (f->peer, 16, "abc", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->peer);
  assert_read (f->peer, 16, "defg", "127.0.0.1", qs_test_udp_local_port (f->socket));

  g_string_truncate (f->trace, 0);
  send_to (f->peer, "reply1", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "reply2", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_run_until (strstr (f->trace->str, "ready-read") != NULL, TIMEOUT_MS);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 6);
  g_assert_cmpint (qs_io_device_read (DEV (f), buffer, sizeof buffer), ==, 6);
  g_assert_cmpmem (buffer, 6, "reply1", 6);
  qs_test_udp_wait_readable (f->socket);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 6);
  g_assert_cmpint (qs_io_device_read (DEV (f), buffer, 3), ==, 3);
  g_assert_cmpmem (buffer, 3, "rep", 3);
  g_assert_cmpint (qs_io_device_bytes_available (DEV (f)), ==, 0);
  g_assert_cmpint (qs_io_device_read (DEV (f), buffer, sizeof buffer), ==, 0);
  all = qs_io_device_read_all (DEV (f));
  g_assert_cmpuint (g_bytes_get_size (all), ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
}

static void
test_connected_read_all (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GBytes) all = NULL;
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_test_summary ("Connected: read_all returns one datagram; receive_datagram works too");

  connect_socket (f, "127.0.0.1");
  send_to (f->peer, "reply3", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "reply4", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);
  all = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (all, "reply3");
  qs_test_udp_wait_readable (f->socket);
  datagram = qs_udp_socket_receive_datagram (f->socket, -1);
  bytes = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (bytes, "reply4");
}

static void
test_connected_disconnect (Fixture      *f,
                           gconstpointer data)
{
  g_test_summary ("disconnect_from_host on a connected UDP socket: CLOSING, "
                  "UNCONNECTED, read-channel-finished, disconnected before it returns; "
                  "the device stays open (Qt)");

  connect_socket (f, "127.0.0.1");
  qs_abstract_socket_disconnect_from_host (SOCK (f));
  assert_trace (f, "state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), ==, -1);
}

static void
test_connected_close (Fixture      *f,
                      gconstpointer data)
{
  g_test_summary ("close on a connected UDP socket: about-to-close, CLOSING, "
                  "UNCONNECTED, read-channel-finished, disconnected (Qt)");

  connect_socket (f, "127.0.0.1");
  qs_io_device_close (DEV (f));
  assert_trace (f, "about-to-close state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  g_assert_false (qs_io_device_is_open (DEV (f)));
}

static void
test_close_bound (Fixture      *f,
                  gconstpointer data)
{
  g_test_summary ("close on a bound socket (never opened): CLOSING, UNCONNECTED, "
                  "read-channel-finished, disconnected; abort: UNCONNECTED and "
                  "read-channel-finished only (Qt)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);
  qs_io_device_close (DEV (f));
  assert_trace (f, "state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  g_assert_cmpint (qs_test_udp_local_port (f->socket), ==, 0);

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);
  qs_abstract_socket_abort (SOCK (f));
  assert_trace (f, "state-changed(unconnected-state) read-channel-finished ");
  g_assert_false (qs_abstract_socket_is_valid (SOCK (f)));
}

static void
test_multicast_unknown_interface (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr(GInetAddress) group = qs_test_address ("239.1.2.3");

  g_test_summary ("join_multicast_group on an unknown interface name: FALSE, "
                  "SOCKET_ADDRESS_NOT_AVAILABLE_ERROR 'The address is not available' "
                  "set without a signal; set_multicast_interface likewise changes nothing");

  qs_test_udp_bind (f->socket, "0.0.0.0", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);

  g_assert_false (qs_udp_socket_join_multicast_group (f->socket, group, "nosuch0"));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==,
                   QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "The address is not available");
  g_assert_false (qs_udp_socket_leave_multicast_group (f->socket, group, "nosuch0"));

  qs_udp_socket_set_multicast_interface (f->socket, "nosuch0");
  g_assert_null (qs_udp_socket_get_multicast_interface (f->socket));
  assert_trace (f, "");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);
}

static void
test_multicast_not_a_group (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(GInetAddress) unicast = qs_test_address ("10.1.2.3");

  g_test_summary ("Joining a unicast address fails (FALSE, UNKNOWN_SOCKET_ERROR as "
                  "Qt's engine maps EINVAL), without a signal");

  qs_test_udp_bind (f->socket, "0.0.0.0", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);
  g_assert_false (qs_udp_socket_join_multicast_group (f->socket, unicast, NULL));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  assert_trace (f, "");
}

static void
test_multicast_unbound (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GInetAddress) group = qs_test_address ("239.1.2.3");

  g_test_summary ("Multicast calls on an unbound socket warn and fail, setting "
                  "nothing (Qt's QT_CHECK_BOUND)");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*join_multicast_group*not in BoundState*");
  g_assert_false (qs_udp_socket_join_multicast_group (f->socket, group, NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*set_multicast_interface*not in BoundState*");
  qs_udp_socket_set_multicast_interface (f->socket, "lo");
  g_test_assert_expected_messages ();

  g_assert_null (qs_udp_socket_get_multicast_interface (f->socket));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  assert_trace (f, "");
}

static void
test_multicast_ipv4_on_dual_stack (Fixture      *f,
                                   gconstpointer data)
{
  g_autoptr(GInetAddress) group = qs_test_address ("239.1.2.3");

  g_test_summary ("An IPv4 group on a socket bound to the dual-stack any address: "
                  "warning and FALSE, as Qt (bind to 0.0.0.0 instead)");

  if (!require_ipv6 ())
    return;

  qs_test_udp_bind (f->socket, NULL, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*IPv4 multicast group*");
  g_assert_false (qs_udp_socket_join_multicast_group (f->socket, group, NULL));
  g_test_assert_expected_messages ();
}

static void
multicast_interface (Fixture    *f,
                     const char *bind_address)
{
  g_autoptr(GString) notified = g_string_new (NULL);
  g_autofree char *value = NULL;

  g_test_summary ("multicast-interface: NULL until set; set to lo it reads lo (read "
                  "back from the socket), notify once per change; NULL resets it");

  qs_test_udp_bind (f->socket, bind_address, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_test_trace_notify (f->socket, "multicast-interface", notified);
  g_assert_null (qs_udp_socket_get_multicast_interface (f->socket));

  qs_udp_socket_set_multicast_interface (f->socket, "lo");
  g_assert_cmpstr (qs_udp_socket_get_multicast_interface (f->socket), ==, "lo");
  g_object_get (f->socket, "multicast-interface", &value, NULL);
  g_assert_cmpstr (value, ==, "lo");
  qs_udp_socket_set_multicast_interface (f->socket, "lo");
  g_assert_cmpstr (notified->str, ==, "notify::multicast-interface ");

  g_object_set (f->socket, "multicast-interface", NULL, NULL);
  g_assert_null (qs_udp_socket_get_multicast_interface (f->socket));
  g_assert_cmpstr (notified->str, ==, "notify::multicast-interface notify::multicast-interface ");
  g_signal_handlers_disconnect_by_data (f->socket, notified);

  qs_abstract_socket_abort (SOCK (f));
  g_assert_null (qs_udp_socket_get_multicast_interface (f->socket));
}

static void
test_multicast_interface_ipv4 (Fixture      *f,
                               gconstpointer data)
{
  multicast_interface (f, "0.0.0.0");
}

static void
test_multicast_interface_ipv6 (Fixture      *f,
                               gconstpointer data)
{
  if (!require_ipv6 ())
    return;
  multicast_interface (f, NULL);
}

static void
socket_options (Fixture    *f,
                const char *bind_address)
{
  QsAbstractSocket *s = SOCK (f);

  g_test_summary ("MULTICAST_TTL_OPTION and MULTICAST_LOOPBACK_OPTION: 1 and 1 by "
                  "default (Qt), settable once bound");

  qs_test_udp_bind (f->socket, bind_address, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (s, QS_SOCKET_OPTION_MULTICAST_TTL_OPTION), ==, 1);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (s, QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION), ==, 1);
  qs_abstract_socket_set_socket_option (s, QS_SOCKET_OPTION_MULTICAST_TTL_OPTION, 5);
  qs_abstract_socket_set_socket_option (s, QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION, 0);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (s, QS_SOCKET_OPTION_MULTICAST_TTL_OPTION), ==, 5);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (s, QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION), ==, 0);
}

static void
test_socket_options_ipv4 (Fixture      *f,
                          gconstpointer data)
{
  socket_options (f, "127.0.0.1");
}

static void
test_socket_options_ipv6 (Fixture      *f,
                          gconstpointer data)
{
  if (!require_ipv6 ())
    return;
  socket_options (f, NULL);
}

static void
test_ready_read_once (Fixture      *f,
                      gconstpointer data)
{
  g_test_summary ("Three datagrams pending and a handler that reads nothing: one "
                  "ready-read, and the loop goes idle (no busy spin); reading one "
                  "datagram re-arms it: one more ready-read (Qt)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  qs_test_count_signal (f->socket, "ready-read", &f->count);
  g_string_truncate (f->trace, 0);

  send_to (f->peer, "one", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "two", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "three", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_false (g_main_context_pending (NULL));
  g_assert_cmpuint (f->count, ==, 1);

  assert_read (f->socket, 16, "one", "127.0.0.1", qs_test_udp_local_port (f->peer));
  qs_test_run_until (f->count == 2, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_false (g_main_context_pending (NULL));
  g_assert_cmpuint (f->count, ==, 2);

  assert_read (f->socket, 16, "two", "127.0.0.1", qs_test_udp_local_port (f->peer));
  assert_read (f->socket, 16, "three", "127.0.0.1", qs_test_udp_local_port (f->peer));
  qs_test_drain_context ();
  g_assert_false (g_main_context_pending (NULL));
  assert_trace (f, "ready-read ready-read ");
}

static void
on_ready_read_receive_one (QsIODevice *device,
                           gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr(QsNetworkDatagram) datagram = qs_udp_socket_receive_datagram (QS_UDP_SOCKET (device), -1);
  g_autoptr(GBytes) bytes = qs_network_datagram_get_data (datagram);

  f->count++;
  g_string_append_len (f->received, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_string_append_c (f->received, ' ');
}

static void
test_ready_read_per_datagram (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("A handler that reads one datagram per ready-read gets one "
                  "ready-read per datagram (Qt)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_receive_one), f);

  send_to (f->peer, "e0", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "e1", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "e2", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);
  qs_test_run_until (f->count == 3, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 3);
  g_assert_cmpstr (f->received->str, ==, "e0 e1 e2 ");
  g_assert_false (g_main_context_pending (NULL));
}

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
  guint16 port;

  g_test_summary ("A ready-read handler that drops the last reference: no crash, the "
                  "port is released");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  port = qs_test_udp_local_port (f->socket);
  f->peer = bound_socket_new ("127.0.0.1");
  g_signal_handlers_disconnect_by_data (f->socket, f->trace);
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_unref), f);

  send_to (f->peer, "a", "127.0.0.1", port);
  send_to (f->peer, "b", "127.0.0.1", port);
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  g_assert_null (f->socket);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);

  /* The port is free again. */
  {
    g_autoptr(QsUdpSocket) again = qs_udp_socket_new ();
    g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

    g_assert_true (qs_abstract_socket_bind (QS_ABSTRACT_SOCKET (again), loopback, port,
                                            QS_BIND_FLAGS_DONT_SHARE_ADDRESS));
  }
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
  g_test_summary ("abort from a ready-read handler of a bound socket: UNCONNECTED and "
                  "read-channel-finished at once (Qt), nothing after");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_abort), f);
  g_string_truncate (f->trace, 0);

  send_to (f->peer, "x", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "y", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  assert_trace (f, "ready-read state-changed(unconnected-state) read-channel-finished ");
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);
  g_assert_true (is_state (f, QS_SOCKET_STATE_UNCONNECTED_STATE));
  assert_trace (f, "ready-read state-changed(unconnected-state) read-channel-finished ");
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
  g_test_summary ("close from a ready-read handler of a connected socket: the close "
                  "signals, nothing after");

  connect_socket (f, "127.0.0.1");
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_close), f);
  send_to (f->peer, "x", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);
  assert_trace (f, "ready-read about-to-close state-changed(closing-state) "
                   "state-changed(unconnected-state) read-channel-finished disconnected ");
}

static void
on_bytes_written_write_again (QsIODevice *device,
                              gint64      bytes,
                              gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

  if (f->count++ < 2)
    g_assert_cmpint (qs_udp_socket_write_datagram (QS_UDP_SOCKET (device), (const guint8 *) "ab", 2,
                                                   loopback, qs_test_udp_local_port (f->peer)), ==, 2);
}

static void
test_bytes_written_nested (Fixture      *f,
                           gconstpointer data)
{
  g_test_summary ("write_datagram from a bytes-written handler emits bytes-written "
                  "again, nested (Qt emits it directly, without QIODevice's guard)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  g_signal_connect (f->socket, "bytes-written", G_CALLBACK (on_bytes_written_write_again), f);
  g_string_truncate (f->trace, 0);
  send_to (f->socket, "abc", "127.0.0.1", qs_test_udp_local_port (f->peer));
  assert_trace (f, "bytes-written(3) bytes-written(2) bytes-written(2) ");
  g_assert_cmpuint (f->count, ==, 3);
}

static void
test_connected_port_unreachable (Fixture      *f,
                                 gconstpointer data)
{
  guint ready_reads = 0;
  guint16 port;

  g_test_summary ("A connected socket whose peer port is closed, as Qt 6.4: the first "
                  "ICMP error event emits one ready-read and, while nothing is read, "
                  "the socket stops watching; the error stays for the next write (-1, "
                  "UnknownSocketError); later errors emit nothing and a wait that finds "
                  "one returns TRUE without a signal");

  f->peer = qs_udp_socket_new ();
  qs_test_udp_bind (f->peer, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  port = qs_test_udp_local_port (f->peer);
  g_clear_object (&f->peer);
  qs_test_count_signal (f->socket, "ready-read", &ready_reads);
  qs_abstract_socket_connect_to_host (SOCK (f), "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_string_truncate (f->trace, 0);

  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "one", 3), ==, 3);
  qs_test_run_until (ready_reads == 1, TIMEOUT_MS);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "two", 3), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "three", 5), ==, 5);
  qs_test_iterate_for (100);
  g_assert_cmpuint (ready_reads, ==, 1);

  g_assert_true (qs_io_device_wait_for_ready_read (DEV (f), 300));
  assert_trace (f, "bytes-written(3) ready-read bytes-written(5) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
}

static void
test_wait_for_ready_read (Fixture      *f,
                          gconstpointer data)
{
  g_test_summary ("wait_for_ready_read with no main loop: a timeout gives FALSE and "
                  "SOCKET_TIMEOUT_ERROR (error-occurred), the socket stays bound; a "
                  "datagram gives TRUE and ready-read; unread, the next wait is TRUE "
                  "without a second ready-read (Qt)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  g_string_truncate (f->trace, 0);

  g_assert_false (qs_io_device_wait_for_ready_read (DEV (f), 20));
  assert_trace (f, "error-occurred(socket-timeout-error) ");
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Network operation timed out");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);
  g_string_truncate (f->trace, 0);

  send_to (f->peer, "abc", "127.0.0.1", qs_test_udp_local_port (f->socket));
  g_assert_true (qs_io_device_wait_for_ready_read (DEV (f), TIMEOUT_MS));
  assert_trace (f, "ready-read ");
  g_assert_true (qs_io_device_wait_for_ready_read (DEV (f), TIMEOUT_MS));
  assert_trace (f, "ready-read ");
  assert_read (f->socket, 16, "abc", "127.0.0.1", qs_test_udp_local_port (f->peer));
}

static void
test_write_network_datagram (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  g_autoptr(QsNetworkDatagram) request = NULL;
  g_autoptr(QsNetworkDatagram) received = NULL;
  g_autoptr(QsNetworkDatagram) reply = NULL;
  g_autoptr(QsNetworkDatagram) answer = NULL;
  g_autoptr(GBytes) pong = g_bytes_new_static ("pong", 4);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *sender = NULL;

  g_test_summary ("write_network_datagram sends with the datagram's hop limit, source "
                  "address and interface; a make_reply answer comes back from the "
                  "receiver's address and port");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("127.0.0.1");
  g_string_truncate (f->trace, 0);

  request = qs_network_datagram_new_from_data ((const guint8 *) "hop", 3, loopback, qs_test_udp_local_port (f->peer));
  qs_network_datagram_set_hop_limit (request, 5);
  qs_network_datagram_set_sender (request, loopback, 0);
  qs_network_datagram_set_interface_index (request, if_nametoindex ("lo"));
  g_assert_cmpint (qs_udp_socket_write_network_datagram (f->socket, request), ==, 3);
  assert_trace (f, "bytes-written(3) ");

  qs_test_udp_wait_readable (f->peer);
  received = qs_udp_socket_receive_datagram (f->peer, -1);
  bytes = qs_network_datagram_get_data (received);
  qs_test_assert_bytes (bytes, "hop");
  g_assert_cmpint (qs_network_datagram_get_hop_limit (received), ==, 5);
  g_assert_cmpint (qs_network_datagram_get_sender_port (received), ==, qs_test_udp_local_port (f->socket));

  reply = qs_network_datagram_make_reply (received, pong);
  g_assert_cmpint (qs_udp_socket_write_network_datagram (f->peer, reply), ==, 4);
  qs_test_udp_wait_readable (f->socket);
  answer = qs_udp_socket_receive_datagram (f->socket, -1);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = qs_network_datagram_get_data (answer);
  qs_test_assert_bytes (bytes, "pong");
  sender = qs_test_address_string (qs_network_datagram_get_sender_address (answer));
  g_assert_cmpstr (sender, ==, "127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_sender_port (answer), ==, qs_test_udp_local_port (f->peer));
}

static void
test_write_network_datagram_ipv6 (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_address ("::1");
  g_autoptr(QsNetworkDatagram) request = NULL;
  g_autoptr(QsNetworkDatagram) received = NULL;

  g_test_summary ("IPv6: the hop limit and source address of a network datagram are "
                  "used (IPV6_HOPLIMIT, IPV6_PKTINFO)");

  if (!require_ipv6 ())
    return;

  qs_test_udp_bind (f->socket, NULL, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = bound_socket_new ("::1");
  request = qs_network_datagram_new_from_data ((const guint8 *) "six", 3, loopback, qs_test_udp_local_port (f->peer));
  qs_network_datagram_set_hop_limit (request, 7);
  qs_network_datagram_set_sender (request, loopback, 0);
  g_assert_cmpint (qs_udp_socket_write_network_datagram (f->socket, request), ==, 3);
  qs_test_udp_wait_readable (f->peer);
  received = qs_udp_socket_receive_datagram (f->peer, -1);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (received), ==, 7);
  g_assert_cmpint (qs_network_datagram_get_sender_port (received), ==, qs_test_udp_local_port (f->socket));
}

static void
test_socket_descriptor_bound (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(GSocket) raw = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                         G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  g_autoptr(GSocketAddress) where = g_inet_socket_address_new (loopback, 0);
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int fd;

  g_test_summary ("An adopted UDP descriptor in BOUND_STATE: state-changed(bound) only, "
                  "opened as asked, reads announced by ready-read; its datagrams carry no "
                  "destination, hop limit or interface (Qt sets no packet-info options "
                  "on adopted descriptors)");

  g_assert_true (g_socket_bind (raw, where, FALSE, NULL));
  fd = dup (g_socket_get_fd (raw));
  g_assert_true (qs_abstract_socket_set_socket_descriptor (SOCK (f), fd, QS_SOCKET_STATE_BOUND_STATE,
                                                           QS_OPEN_MODE_READ_WRITE));
  assert_trace (f, "state-changed(bound-state) ");
  g_assert_cmpint (qs_io_device_get_open_mode (DEV (f)), ==, QS_OPEN_MODE_READ_WRITE);
  assert_local_address (f->socket, "127.0.0.1");
  g_clear_object (&raw);

  f->peer = bound_socket_new ("127.0.0.1");
  send_to (f->peer, "adopted", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_run_until (strstr (f->trace->str, "ready-read") != NULL, TIMEOUT_MS);
  datagram = qs_udp_socket_receive_datagram (f->socket, -1);
  bytes = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (bytes, "adopted");
  g_assert_cmpint (qs_network_datagram_get_sender_port (datagram), ==, qs_test_udp_local_port (f->peer));
  g_assert_cmpint (qs_network_datagram_get_destination_port (datagram), ==, -1);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), ==, -1);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (datagram), ==, 0);
}

static void
test_programmer_errors (Fixture      *f,
                        gconstpointer data)
{
  guint8 buffer[4];

  g_test_summary ("Programmer errors are criticals with a safe return value");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_udp_socket_write_datagram (f->socket, buffer, sizeof buffer, NULL, 1), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_udp_socket_read_datagram (NULL, buffer, sizeof buffer, NULL, NULL), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_udp_socket_write_network_datagram (f->socket, NULL), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_false (qs_udp_socket_join_multicast_group (f->socket, NULL, NULL));
  g_test_assert_expected_messages ();
  assert_trace (f, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/udp-socket/defaults", test_defaults);
  ADD ("/udp-socket/bind/ipv4", test_bind_ipv4);
  ADD ("/udp-socket/bind/any", test_bind_any);
  ADD ("/udp-socket/bind/address-in-use", test_bind_address_in_use);
  ADD ("/udp-socket/bind/share-address", test_bind_share_address);
  ADD ("/udp-socket/bind/reuse-address-hint", test_bind_reuse_address_hint);
  ADD ("/udp-socket/bind/when-bound", test_bind_when_bound);
  ADD ("/udp-socket/round-trip/ipv4", test_round_trip_ipv4);
  ADD ("/udp-socket/round-trip/ipv6", test_round_trip_ipv6);
  ADD ("/udp-socket/receive-datagram/fields-ipv4", test_receive_fields_ipv4);
  ADD ("/udp-socket/receive-datagram/fields-ipv6", test_receive_fields_ipv6);
  ADD ("/udp-socket/receive-datagram/dual-stack", test_receive_dual_stack);
  ADD ("/udp-socket/receive-datagram/truncated", test_receive_truncated);
  ADD ("/udp-socket/receive-datagram/none-pending", test_receive_none_pending);
  g_test_add ("/udp-socket/read-datagram/truncated", Fixture, &read_into_buffer,
              setup, test_read_truncated, teardown);
  g_test_add ("/udp-socket/read-datagram-bytes/truncated", Fixture, &read_into_bytes,
              setup, test_read_truncated, teardown);
  ADD ("/udp-socket/read-datagram/zero-size", test_read_zero_size);
  ADD ("/udp-socket/read-datagram/none-pending", test_read_none_pending);
  ADD ("/udp-socket/read-datagram/empty", test_empty_datagram);
  ADD ("/udp-socket/read-datagram-bytes/unbound", test_read_bytes_unbound);
  ADD ("/udp-socket/write/too-large", test_write_too_large);
  ADD ("/udp-socket/write/auto-bind-ipv4", test_auto_bind_ipv4);
  ADD ("/udp-socket/write/auto-bind-ipv6", test_auto_bind_ipv6);
  ADD ("/udp-socket/write/auto-bind-aborted", test_auto_bind_aborted);
  ADD ("/udp-socket/write/auto-bind-handler-sends", test_auto_bind_handler_sends);
  ADD ("/udp-socket/write/network-datagram", test_write_network_datagram);
  ADD ("/udp-socket/write/network-datagram-ipv6", test_write_network_datagram_ipv6);
  ADD ("/udp-socket/write/bytes-written-nested", test_bytes_written_nested);
  ADD ("/udp-socket/connected/signals", test_connected_signals);
  ADD ("/udp-socket/connected/host-name-ipv6", test_connected_host_name);
  ADD ("/udp-socket/connected/read-write", test_connected_read_write);
  ADD ("/udp-socket/connected/read-all", test_connected_read_all);
  ADD ("/udp-socket/connected/disconnect", test_connected_disconnect);
  ADD ("/udp-socket/connected/close", test_connected_close);
  ADD ("/udp-socket/close/bound", test_close_bound);
  ADD ("/udp-socket/multicast/unknown-interface", test_multicast_unknown_interface);
  ADD ("/udp-socket/multicast/not-a-group", test_multicast_not_a_group);
  ADD ("/udp-socket/multicast/unbound", test_multicast_unbound);
  ADD ("/udp-socket/multicast/ipv4-group-on-dual-stack", test_multicast_ipv4_on_dual_stack);
  ADD ("/udp-socket/multicast/interface-ipv4", test_multicast_interface_ipv4);
  ADD ("/udp-socket/multicast/interface-ipv6", test_multicast_interface_ipv6);
  ADD ("/udp-socket/socket-option/multicast-ipv4", test_socket_options_ipv4);
  ADD ("/udp-socket/socket-option/multicast-ipv6", test_socket_options_ipv6);
  ADD ("/udp-socket/ready-read/once-per-readiness", test_ready_read_once);
  ADD ("/udp-socket/ready-read/per-datagram-read", test_ready_read_per_datagram);
  ADD ("/udp-socket/wait-for-ready-read", test_wait_for_ready_read);
  ADD ("/udp-socket/connected/port-unreachable", test_connected_port_unreachable);
  ADD ("/udp-socket/reentrancy/unref-in-ready-read", test_reentrancy_unref_in_ready_read);
  ADD ("/udp-socket/reentrancy/abort-in-ready-read", test_reentrancy_abort_in_ready_read);
  ADD ("/udp-socket/reentrancy/close-in-ready-read", test_reentrancy_close_in_ready_read);
  ADD ("/udp-socket/socket-descriptor/bound", test_socket_descriptor_bound);
  ADD ("/udp-socket/programmer-errors", test_programmer_errors);
#undef ADD

  return g_test_run ();
}
