/* test-udp-batch.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsUdpSocket's batched calls (qsock extras): read_datagrams (recvmmsg)
 * and write_datagrams (sendmmsg) give each datagram what
 * receive_datagram and write_network_datagram give one: the same
 * addresses, hop limit, errors, bytes-written and ready-read re-arming.
 * Every wait iterates the main context with a deadline or polls the
 * socket's own descriptor; nothing sleeps.
 */

#include "config.h"

#include <string.h>
#include <net/if.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 5000

typedef struct
{
  QsUdpSocket *socket;   /* (owned) (nullable): under test, traced into trace */
  GString     *trace;    /* (owned) */
  QsUdpSocket *peer;     /* (owned) (nullable): the other end, not traced */
  guint        count;    /* for handlers */
} Fixture;

#define SOCK(f) QS_ABSTRACT_SOCKET ((f)->socket)
#define DEV(f) QS_IO_DEVICE ((f)->socket)

#define assert_trace(f, expected) g_assert_cmpstr ((f)->trace->str, ==, (expected))

static void
setup (Fixture      *f,
       gconstpointer data)
{
  f->trace = g_string_new (NULL);
  f->socket = qs_udp_socket_new ();
  qs_test_trace_socket (f->socket, f->trace);
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  qs_test_release (&f->socket, f->trace, f);
  g_clear_object (&f->peer);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
}

/* f->socket and f->peer bound on @loopback; the trace cleared. */
static void
bind_pair (Fixture    *f,
           const char *loopback)
{
  qs_test_udp_bind (f->socket, loopback, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = qs_udp_socket_new ();
  qs_test_udp_bind (f->peer, loopback, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);
}

/* Sends @text from @from to @host:@port with write_datagram. */
static void
send_to (QsUdpSocket *from,
         const char  *text,
         const char  *host,
         guint16      port)
{
  g_autoptr(GInetAddress) address = qs_test_address (host);
  gsize size = strlen (text);

  g_assert_cmpint (qs_udp_socket_write_datagram (from, (const guint8 *) text, size, address, port), ==, size);
}

/* A datagram of @text for @host:@port (NULL: no destination). */
static QsNetworkDatagram *
datagram_new (const char *text,
              const char *host,
              guint16     port)
{
  g_autoptr(GInetAddress) address = host ? qs_test_address (host) : NULL;

  return qs_network_datagram_new_from_data ((const guint8 *) text, strlen (text), address, port);
}

/* read_datagrams, with the datagrams freed with the array. */
static GPtrArray *
read_datagrams (QsUdpSocket *socket,
                guint        max_count,
                gint64       max_size)
{
  GPtrArray *array = qs_udp_socket_read_datagrams (socket, max_count, max_size);

  if (array != NULL)
    g_ptr_array_set_free_func (array, (GDestroyNotify) qs_network_datagram_unref);
  return array;
}

static GPtrArray *
datagram_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) qs_network_datagram_unref);
}

/* Asserts datagram @index of @array: its text and its sender. */
static void
assert_datagram (GPtrArray  *array,
                 guint       index,
                 const char *text,
                 const char *sender,
                 guint16     sender_port)
{
  QsNetworkDatagram *datagram;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *from = NULL;

  g_assert_cmpuint (index, <, array->len);
  datagram = array->pdata[index];
  g_assert_true (qs_network_datagram_is_valid (datagram));
  bytes = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (bytes, text);
  from = qs_test_address_string (qs_network_datagram_get_sender_address (datagram));
  g_assert_cmpstr (from, ==, sender);
  g_assert_cmpint (qs_network_datagram_get_sender_port (datagram), ==, sender_port);
}

/* Reads the peer's next datagram; asserts its text and sender. */
static void
assert_peer_receives (Fixture    *f,
                      const char *text,
                      const char *sender,
                      guint16     sender_port)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *from = NULL;

  qs_test_udp_wait_readable (f->peer);
  datagram = qs_udp_socket_receive_datagram (f->peer, -1);
  bytes = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (bytes, text);
  from = qs_test_address_string (qs_network_datagram_get_sender_address (datagram));
  g_assert_cmpstr (from, ==, sender);
  g_assert_cmpint (qs_network_datagram_get_sender_port (datagram), ==, sender_port);
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
read_many (Fixture    *f,
           const char *loopback)
{
  g_autoptr(GPtrArray) array = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(QsNetworkDatagram) single = NULL;
  guint16 peer_port, port;

  g_test_summary ("read_datagrams(10, -1) with five pending: five datagrams in order, "
                  "each with what receive_datagram gives (payload, sender, destination "
                  "and port, hop limit, interface); then an empty array, no error");

  bind_pair (f, loopback);
  port = qs_test_udp_local_port (f->socket);
  peer_port = qs_test_udp_local_port (f->peer);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("datagram %u", i);

      send_to (f->peer, text, loopback, port);
    }
  qs_test_udp_wait_readable (f->socket);

  array = read_datagrams (f->socket, 10, -1);
  g_assert_nonnull (array);
  g_assert_cmpuint (array->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *text = g_strdup_printf ("datagram %u", i);
      g_autofree char *destination = NULL;
      QsNetworkDatagram *datagram = array->pdata[i];

      assert_datagram (array, i, text, loopback, peer_port);
      destination = qs_test_address_string (qs_network_datagram_get_destination_address (datagram));
      g_assert_cmpstr (destination, ==, loopback);
      g_assert_cmpint (qs_network_datagram_get_destination_port (datagram), ==, port);
      g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), >, 0);
      g_assert_cmpuint (qs_network_datagram_get_interface_index (datagram), ==, if_nametoindex ("lo"));
    }

  /* The same fields as a single receive. */
  send_to (f->peer, "single", loopback, port);
  qs_test_udp_wait_readable (f->socket);
  single = qs_udp_socket_receive_datagram (f->socket, -1);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (single), ==,
                   qs_network_datagram_get_hop_limit (array->pdata[0]));

  none = read_datagrams (f->socket, 10, -1);
  g_assert_nonnull (none);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  assert_trace (f, "");
}

static void
test_read_many_ipv4 (Fixture      *f,
                     gconstpointer data)
{
  read_many (f, "127.0.0.1");
}

static void
test_read_many_ipv6 (Fixture      *f,
                     gconstpointer data)
{
  if (!require_ipv6 ())
    return;
  read_many (f, "::1");
}

static void
test_read_dual_stack (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GPtrArray) array = NULL;
  g_autofree char *destination = NULL;

  g_test_summary ("A dual-stack socket reads an IPv4 datagram's sender and destination "
                  "in the IPv4-mapped form, as receive_datagram does");

  if (!require_ipv6 ())
    return;

  qs_test_udp_bind (f->socket, NULL, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  f->peer = qs_udp_socket_new ();
  qs_test_udp_bind (f->peer, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  send_to (f->peer, "v4", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  array = read_datagrams (f->socket, 4, -1);
  g_assert_cmpuint (array->len, ==, 1);
  assert_datagram (array, 0, "v4", "::ffff:127.0.0.1", qs_test_udp_local_port (f->peer));
  destination = qs_test_address_string (qs_network_datagram_get_destination_address (array->pdata[0]));
  g_assert_cmpstr (destination, ==, "::ffff:127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_hop_limit (array->pdata[0]), ==, -1);
}

static void
test_read_max_count (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(GPtrArray) zero = NULL;
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  guint16 peer_port;

  g_test_summary ("max_count 0 reads nothing (an empty array); 1 reads one; a larger "
                  "count reads what is left");

  bind_pair (f, "127.0.0.1");
  peer_port = qs_test_udp_local_port (f->peer);
  send_to (f->peer, "a", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "bb", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "ccc", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  zero = read_datagrams (f->socket, 0, -1);
  g_assert_cmpuint (zero->len, ==, 0);
  one = read_datagrams (f->socket, 1, -1);
  g_assert_cmpuint (one->len, ==, 1);
  assert_datagram (one, 0, "a", "127.0.0.1", peer_port);
  qs_test_udp_wait_readable (f->socket);
  rest = read_datagrams (f->socket, 100, 64);
  g_assert_cmpuint (rest->len, ==, 2);
  assert_datagram (rest, 0, "bb", "127.0.0.1", peer_port);
  assert_datagram (rest, 1, "ccc", "127.0.0.1", peer_port);
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->socket));
  assert_trace (f, "");
}

static void
test_read_huge_sizes (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(QsNetworkDatagram) single = NULL;
  g_autoptr(GBytes) payload = NULL;
  guint16 port;

  g_test_summary ("The largest count and size a binding can pass read whole datagrams, "
                  "none of them allocated to that size");

  bind_pair (f, "127.0.0.1");
  port = qs_test_udp_local_port (f->socket);
  send_to (f->peer, "one", "127.0.0.1", port);
  send_to (f->peer, "two", "127.0.0.1", port);
  send_to (f->peer, "three", "127.0.0.1", port);
  qs_test_udp_wait_readable (f->socket);

  single = qs_udp_socket_receive_datagram (f->socket, G_MAXINT64);
  payload = qs_network_datagram_get_data (single);
  qs_test_assert_bytes (payload, "one");
  qs_test_udp_wait_readable (f->socket);
  all = read_datagrams (f->socket, G_MAXUINT, G_MAXINT64);
  g_assert_cmpuint (all->len, ==, 2);
  assert_datagram (all, 0, "two", "127.0.0.1", qs_test_udp_local_port (f->peer));
  assert_datagram (all, 1, "three", "127.0.0.1", qs_test_udp_local_port (f->peer));
}

static void
test_read_truncated (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(GPtrArray) two = NULL;
  g_autoptr(GPtrArray) empty = NULL;
  guint16 peer_port;

  g_test_summary ("max_size truncates each datagram and drops the rest of it; max_size "
                  "0 reads valid datagrams with empty payloads");

  bind_pair (f, "127.0.0.1");
  peer_port = qs_test_udp_local_port (f->peer);
  send_to (f->peer, "hello", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "x", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "gone", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  two = read_datagrams (f->socket, 2, 2);
  g_assert_cmpuint (two->len, ==, 2);
  assert_datagram (two, 0, "he", "127.0.0.1", peer_port);
  assert_datagram (two, 1, "x", "127.0.0.1", peer_port);

  qs_test_udp_wait_readable (f->socket);
  empty = read_datagrams (f->socket, 8, 0);
  g_assert_cmpuint (empty->len, ==, 1);
  assert_datagram (empty, 0, "", "127.0.0.1", peer_port);
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->socket));
}

static void
test_read_datagram_outlives_array (Fixture      *f,
                                   gconstpointer data)
{
  g_autoptr(GPtrArray) array = NULL;
  g_autoptr(QsNetworkDatagram) kept = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_test_summary ("A datagram (and its data) taken from the array outlives the array "
                  "and the other datagrams read with it");

  bind_pair (f, "127.0.0.1");
  send_to (f->peer, "first", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "second", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);

  array = read_datagrams (f->socket, 2, -1);
  g_assert_cmpuint (array->len, ==, 2);
  kept = qs_network_datagram_ref (array->pdata[1]);
  bytes = qs_network_datagram_get_data (array->pdata[0]);
  g_clear_pointer (&array, g_ptr_array_unref);
  qs_test_assert_bytes (bytes, "first");
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = qs_network_datagram_get_data (kept);
  g_clear_pointer (&kept, qs_network_datagram_unref);
  qs_test_assert_bytes (bytes, "second");
}

static void
test_read_none_pending (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GPtrArray) array = NULL;

  g_test_summary ("Nothing pending: an empty array, no error, no signal (unlike "
                  "read_datagram's TEMPORARY_ERROR)");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);

  array = read_datagrams (f->socket, 16, -1);
  g_assert_nonnull (array);
  g_assert_cmpuint (array->len, ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  assert_trace (f, "");
}

static void
test_read_unbound (Fixture      *f,
                   gconstpointer data)
{
  g_test_summary ("On an unbound socket, and on a closed one, read_datagrams warns "
                  "(Qt's 'not in BoundState') and returns NULL, setting nothing");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*read_datagrams*not in BoundState*");
  g_assert_null (read_datagrams (f->socket, 4, -1));
  g_test_assert_expected_messages ();

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_io_device_close (DEV (f));
  g_string_truncate (f->trace, 0);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*read_datagrams*not in BoundState*");
  g_assert_null (read_datagrams (f->socket, 4, -1));
  g_test_assert_expected_messages ();
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  assert_trace (f, "");
}

static void
test_read_connection_refused (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  g_autoptr(GSocket) closed = NULL;
  guint16 port = 0;

  g_test_summary ("A connected socket whose peer port is closed: the ICMP error makes "
                  "read_datagrams return NULL with CONNECTION_REFUSED_ERROR 'Connection "
                  "refused' and error-occurred");

  /* A TCP socket holds the port number: no UDP socket has it. */
  closed = qs_test_closed_port_new (&port);
  qs_abstract_socket_connect_to_address (SOCK (f), loopback, port, QS_OPEN_MODE_READ_WRITE);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "ping", 4), ==, 4);
  g_string_truncate (f->trace, 0);

  g_assert_null (read_datagrams (f->socket, 4, -1));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Connection refused");
  assert_trace (f, "error-occurred(connection-refused-error) ");
}

static void
test_read_rearms_ready_read (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GPtrArray) zero = NULL;
  g_autoptr(GPtrArray) one = NULL;
  g_autoptr(GPtrArray) rest = NULL;

  g_test_summary ("ready-read comes once for pending datagrams; read_datagrams(0) reads "
                  "nothing and does not re-arm it; reading one re-arms it, as every "
                  "datagram read does (Qt)");

  bind_pair (f, "127.0.0.1");
  qs_test_count_signal (f->socket, "ready-read", &f->count);
  send_to (f->peer, "one", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "two", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "three", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_run_until (f->count == 1, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);

  zero = read_datagrams (f->socket, 0, -1);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);

  one = read_datagrams (f->socket, 1, -1);
  g_assert_cmpuint (one->len, ==, 1);
  qs_test_run_until (f->count == 2, TIMEOUT_MS);
  rest = read_datagrams (f->socket, 8, -1);
  g_assert_cmpuint (rest->len, ==, 2);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 2);
  g_assert_false (g_main_context_pending (NULL));
}

static void
write_many (Fixture    *f,
            const char *loopback)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();
  guint16 port, peer_port;

  g_test_summary ("write_datagrams sends each datagram to its destination, in order, "
                  "with bytes-written(size) for each before it returns");

  bind_pair (f, loopback);
  port = qs_test_udp_local_port (f->socket);
  peer_port = qs_test_udp_local_port (f->peer);
  g_ptr_array_add (datagrams, datagram_new ("a", loopback, peer_port));
  g_ptr_array_add (datagrams, datagram_new ("bb", loopback, peer_port));
  g_ptr_array_add (datagrams, datagram_new ("", loopback, peer_port));
  g_ptr_array_add (datagrams, datagram_new ("dddd", loopback, peer_port));

  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 4);
  assert_trace (f, "bytes-written(1) bytes-written(2) bytes-written(0) bytes-written(4) ");
  assert_peer_receives (f, "a", loopback, port);
  assert_peer_receives (f, "bb", loopback, port);
  assert_peer_receives (f, "", loopback, port);
  assert_peer_receives (f, "dddd", loopback, port);
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->peer));
}

static void
test_write_many_ipv4 (Fixture      *f,
                      gconstpointer data)
{
  write_many (f, "127.0.0.1");
}

static void
test_write_many_ipv6 (Fixture      *f,
                      gconstpointer data)
{
  if (!require_ipv6 ())
    return;
  write_many (f, "::1");
}

static void
test_write_empty (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();

  g_test_summary ("An empty array sends nothing and returns 0; an unbound socket stays "
                  "unbound");

  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 0);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  assert_trace (f, "");
}

static void
test_write_auto_bind (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();
  g_autofree char *local = NULL;
  guint16 port;

  g_test_summary ("An unbound (or closed) socket binds first, as write_datagram: "
                  "state-changed(bound), then bytes-written per datagram");

  f->peer = qs_udp_socket_new ();
  qs_test_udp_bind (f->peer, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  port = qs_test_udp_local_port (f->peer);
  g_ptr_array_add (datagrams, datagram_new ("auto", "127.0.0.1", port));
  g_ptr_array_add (datagrams, datagram_new ("bind", "127.0.0.1", port));

  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 2);
  assert_trace (f, "state-changed(bound-state) bytes-written(4) bytes-written(4) ");
  local = qs_test_address_string (qs_abstract_socket_get_local_address (SOCK (f)));
  g_assert_cmpstr (local, ==, "0.0.0.0");
  assert_peer_receives (f, "auto", "127.0.0.1", qs_test_udp_local_port (f->socket));
  assert_peer_receives (f, "bind", "127.0.0.1", qs_test_udp_local_port (f->socket));

  qs_io_device_close (DEV (f));
  g_string_truncate (f->trace, 0);
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 2);
  assert_trace (f, "state-changed(bound-state) bytes-written(4) bytes-written(4) ");
}

static void
test_write_partial (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();
  g_autoptr(GPtrArray) rest = datagram_array_new ();
  g_autofree guint8 *big = g_malloc0 (70000);
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  guint16 port;

  g_test_summary ("A datagram too large in the middle: the ones before it are sent (2, "
                  "with their bytes-written, no error); sending the rest again fails "
                  "with DATAGRAM_TOO_LARGE_ERROR and error-occurred, as write_datagram");

  bind_pair (f, "127.0.0.1");
  port = qs_test_udp_local_port (f->peer);
  g_ptr_array_add (datagrams, datagram_new ("one", "127.0.0.1", port));
  g_ptr_array_add (datagrams, datagram_new ("two", "127.0.0.1", port));
  g_ptr_array_add (datagrams, qs_network_datagram_new_from_data (big, 70000, loopback, port));
  g_ptr_array_add (datagrams, datagram_new ("four", "127.0.0.1", port));

  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 2);
  assert_trace (f, "bytes-written(3) bytes-written(3) ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);

  g_ptr_array_add (rest, qs_network_datagram_ref (datagrams->pdata[2]));
  g_ptr_array_add (rest, qs_network_datagram_ref (datagrams->pdata[3]));
  g_string_truncate (f->trace, 0);
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, rest), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Datagram was too large to send");
  assert_trace (f, "error-occurred(datagram-too-large-error) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);

  assert_peer_receives (f, "one", "127.0.0.1", qs_test_udp_local_port (f->socket));
  assert_peer_receives (f, "two", "127.0.0.1", qs_test_udp_local_port (f->socket));
  g_assert_false (qs_udp_socket_has_pending_datagrams (f->peer));
}

static void
test_write_wrong_family (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();
  g_autoptr(GPtrArray) rest = datagram_array_new ();
  guint16 port;

  g_test_summary ("On an IPv4 socket an IPv6 destination ends the batch before it; "
                  "alone it fails with NETWORK_ERROR 'Unable to send a message' as "
                  "write_datagram");

  bind_pair (f, "127.0.0.1");
  port = qs_test_udp_local_port (f->peer);
  g_ptr_array_add (datagrams, datagram_new ("v4", "127.0.0.1", port));
  g_ptr_array_add (datagrams, datagram_new ("v6", "::1", port));
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 1);
  assert_trace (f, "bytes-written(2) ");

  g_ptr_array_add (rest, qs_network_datagram_ref (datagrams->pdata[1]));
  g_string_truncate (f->trace, 0);
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, rest), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_NETWORK_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unable to send a message");
  assert_trace (f, "error-occurred(network-error) ");
  assert_peer_receives (f, "v4", "127.0.0.1", qs_test_udp_local_port (f->socket));
}

static void
test_write_no_destination (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();

  g_test_summary ("A datagram without destination on an unconnected socket: -1, "
                  "NETWORK_ERROR 'Unable to send a message' with error-occurred");

  qs_test_udp_bind (f->socket, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_string_truncate (f->trace, 0);
  g_ptr_array_add (datagrams, datagram_new ("lost", NULL, 0));
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, -1);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_NETWORK_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unable to send a message");
  assert_trace (f, "error-occurred(network-error) ");
}

static void
test_write_connected (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

  g_test_summary ("On a connected socket datagrams without destination go to the peer");

  f->peer = qs_udp_socket_new ();
  qs_test_udp_bind (f->peer, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_abstract_socket_connect_to_address (SOCK (f), loopback, qs_test_udp_local_port (f->peer),
                                         QS_OPEN_MODE_READ_WRITE);
  g_string_truncate (f->trace, 0);
  g_ptr_array_add (datagrams, datagram_new ("to", NULL, 0));
  g_ptr_array_add (datagrams, datagram_new ("peer", NULL, 0));
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 2);
  assert_trace (f, "bytes-written(2) bytes-written(4) ");
  assert_peer_receives (f, "to", "127.0.0.1", qs_test_udp_local_port (f->socket));
  assert_peer_receives (f, "peer", "127.0.0.1", qs_test_udp_local_port (f->socket));
}

static void
test_write_fields (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();
  g_autoptr(GPtrArray) received = NULL;
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  QsNetworkDatagram *datagram;

  g_test_summary ("Each datagram's hop limit, source address and interface are used, "
                  "as write_network_datagram uses them");

  bind_pair (f, "127.0.0.1");
  datagram = datagram_new ("hop5", "127.0.0.1", qs_test_udp_local_port (f->peer));
  qs_network_datagram_set_hop_limit (datagram, 5);
  qs_network_datagram_set_sender (datagram, loopback, 0);
  qs_network_datagram_set_interface_index (datagram, if_nametoindex ("lo"));
  g_ptr_array_add (datagrams, datagram);
  datagram = datagram_new ("hop9", "127.0.0.1", qs_test_udp_local_port (f->peer));
  qs_network_datagram_set_hop_limit (datagram, 9);
  g_ptr_array_add (datagrams, datagram);
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 2);

  /* Loopback delivers both before sendmmsg() returns. */
  received = read_datagrams (f->peer, 2, -1);
  g_assert_cmpuint (received->len, ==, 2);
  assert_datagram (received, 0, "hop5", "127.0.0.1", qs_test_udp_local_port (f->socket));
  g_assert_cmpint (qs_network_datagram_get_hop_limit (received->pdata[0]), ==, 5);
  assert_datagram (received, 1, "hop9", "127.0.0.1", qs_test_udp_local_port (f->socket));
  g_assert_cmpint (qs_network_datagram_get_hop_limit (received->pdata[1]), ==, 9);
}

static void
test_write_reply (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GPtrArray) requests = NULL;
  g_autoptr(GPtrArray) replies = datagram_array_new ();
  g_autoptr(GBytes) pong = g_bytes_new_static ("pong", 4);

  g_test_summary ("Replies made with make_reply from a batch read go back to each sender "
                  "in one batch");

  bind_pair (f, "127.0.0.1");
  send_to (f->peer, "ping1", "127.0.0.1", qs_test_udp_local_port (f->socket));
  send_to (f->peer, "ping2", "127.0.0.1", qs_test_udp_local_port (f->socket));
  qs_test_udp_wait_readable (f->socket);
  requests = read_datagrams (f->socket, 8, -1);
  g_assert_cmpuint (requests->len, ==, 2);
  for (guint i = 0; i < requests->len; i++)
    g_ptr_array_add (replies, qs_network_datagram_make_reply (requests->pdata[i], pong));
  g_string_truncate (f->trace, 0);
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, replies), ==, 2);
  assert_trace (f, "bytes-written(4) bytes-written(4) ");
  assert_peer_receives (f, "pong", "127.0.0.1", qs_test_udp_local_port (f->socket));
  assert_peer_receives (f, "pong", "127.0.0.1", qs_test_udp_local_port (f->socket));
}

static void
test_write_batch_max (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  guint written = 0;

  g_test_summary ("1100 datagrams: one call sends 1024 (sendmmsg's limit), with 1024 "
                  "bytes-written");

  bind_pair (f, "127.0.0.1");
  datagram = datagram_new ("z", "127.0.0.1", qs_test_udp_local_port (f->peer));
  for (guint i = 0; i < 1100; i++)
    g_ptr_array_add (datagrams, qs_network_datagram_ref (datagram));
  qs_test_count_signal (f->socket, "bytes-written", &written);
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 1024);
  g_assert_cmpuint (written, ==, 1024);
}

static void
on_bytes_written_send_again (QsIODevice *device,
                             gint64      bytes,
                             gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr(GPtrArray) again = datagram_array_new ();

  if (f->count++ > 0)
    return;
  g_ptr_array_add (again, datagram_new ("ccc", "127.0.0.1", qs_test_udp_local_port (f->peer)));
  g_assert_cmpint (qs_udp_socket_write_datagrams (QS_UDP_SOCKET (device), again), ==, 1);
}

static void
test_write_nested (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();

  g_test_summary ("A bytes-written handler that sends another batch: its bytes-written "
                  "comes nested, and the first batch's sizes stay right");

  bind_pair (f, "127.0.0.1");
  g_signal_connect (f->socket, "bytes-written", G_CALLBACK (on_bytes_written_send_again), f);
  g_ptr_array_add (datagrams, datagram_new ("a", "127.0.0.1", qs_test_udp_local_port (f->peer)));
  g_ptr_array_add (datagrams, datagram_new ("bb", "127.0.0.1", qs_test_udp_local_port (f->peer)));
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, 2);
  assert_trace (f, "bytes-written(1) bytes-written(3) bytes-written(2) ");
  assert_peer_receives (f, "a", "127.0.0.1", qs_test_udp_local_port (f->socket));
  assert_peer_receives (f, "bb", "127.0.0.1", qs_test_udp_local_port (f->socket));
  assert_peer_receives (f, "ccc", "127.0.0.1", qs_test_udp_local_port (f->socket));
}

static void
on_bytes_written_unref (QsIODevice *device,
                        gint64      bytes,
                        gpointer    user_data)
{
  Fixture *f = user_data;

  if (f->count++ == 0)
    g_clear_object (&f->socket);
}

static void
test_write_unref_in_handler (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = datagram_array_new ();
  QsUdpSocket *socket;

  g_test_summary ("A bytes-written handler that drops the last reference: the call "
                  "still emits the rest and returns the count, no crash");

  bind_pair (f, "127.0.0.1");
  socket = f->socket;
  g_signal_handlers_disconnect_by_data (socket, f->trace);
  g_signal_connect (socket, "bytes-written", G_CALLBACK (on_bytes_written_unref), f);
  g_ptr_array_add (datagrams, datagram_new ("x", "127.0.0.1", qs_test_udp_local_port (f->peer)));
  g_ptr_array_add (datagrams, datagram_new ("y", "127.0.0.1", qs_test_udp_local_port (f->peer)));
  g_assert_cmpint (qs_udp_socket_write_datagrams (socket, datagrams), ==, 2);
  g_assert_null (f->socket);
  g_assert_cmpuint (f->count, ==, 2);
}

static void
test_programmer_errors (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GPtrArray) datagrams = g_ptr_array_new ();

  g_test_summary ("Programmer errors are criticals with a safe return value");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_null (qs_udp_socket_read_datagrams (NULL, 1, -1));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, NULL), ==, -1);
  g_test_assert_expected_messages ();

  g_ptr_array_add (datagrams, NULL);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_udp_socket_write_datagrams (f->socket, datagrams), ==, -1);
  g_test_assert_expected_messages ();
  assert_trace (f, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/udp-batch/read/many-ipv4", test_read_many_ipv4);
  ADD ("/udp-batch/read/many-ipv6", test_read_many_ipv6);
  ADD ("/udp-batch/read/dual-stack", test_read_dual_stack);
  ADD ("/udp-batch/read/max-count", test_read_max_count);
  ADD ("/udp-batch/read/huge-sizes", test_read_huge_sizes);
  ADD ("/udp-batch/read/truncated", test_read_truncated);
  ADD ("/udp-batch/read/datagram-outlives-array", test_read_datagram_outlives_array);
  ADD ("/udp-batch/read/none-pending", test_read_none_pending);
  ADD ("/udp-batch/read/unbound", test_read_unbound);
  ADD ("/udp-batch/read/connection-refused", test_read_connection_refused);
  ADD ("/udp-batch/read/rearms-ready-read", test_read_rearms_ready_read);
  ADD ("/udp-batch/write/many-ipv4", test_write_many_ipv4);
  ADD ("/udp-batch/write/many-ipv6", test_write_many_ipv6);
  ADD ("/udp-batch/write/empty", test_write_empty);
  ADD ("/udp-batch/write/auto-bind", test_write_auto_bind);
  ADD ("/udp-batch/write/partial", test_write_partial);
  ADD ("/udp-batch/write/wrong-family", test_write_wrong_family);
  ADD ("/udp-batch/write/no-destination", test_write_no_destination);
  ADD ("/udp-batch/write/connected", test_write_connected);
  ADD ("/udp-batch/write/fields", test_write_fields);
  ADD ("/udp-batch/write/reply", test_write_reply);
  ADD ("/udp-batch/write/batch-max", test_write_batch_max);
  ADD ("/udp-batch/write/nested", test_write_nested);
  ADD ("/udp-batch/write/unref-in-handler", test_write_unref_in_handler);
  ADD ("/udp-batch/programmer-errors", test_programmer_errors);
#undef ADD

  return g_test_run ();
}
