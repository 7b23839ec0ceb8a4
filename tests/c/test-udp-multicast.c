/* test-udp-multicast.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsUdpSocket multicast delivery: join, receive, leave, TTL and loopback
 * options, the multicast interface, on IPv4 and IPv6. The host's loopback
 * may lack MULTICAST and IPv6 multicast never works over a loopback device
 * (there is no neighbour mapping for it), so the program re-executes
 * itself in a private user and network namespace (`unshare -rn`) where
 * it sets lo up with MULTICAST and a route for 224.0.0.0/4 (IPv4 tests)
 * and a veth pair qs0/qs1 (IPv6 tests, and the loopback option, which
 * means nothing on lo itself: lo delivers what it sends). Without a
 * namespace every test is skipped with the reason.
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 5000
#define GROUP4 "239.255.0.1"
#define GROUP6 "ff12::1234"
#define IFACE6 "qs0"

static const char *skip_ipv4;   /* why the IPv4 tests cannot run, or NULL */
static const char *skip_ipv6;   /* why the IPv6 tests cannot run, or NULL */
static const char *skip_veth;   /* why the tests on qs0 cannot run, or NULL */

typedef struct
{
  QsUdpSocket *socket;   /* (owned) (nullable): the receiver, traced */
  GString     *trace;    /* (owned) */
  QsUdpSocket *sender;   /* (owned) (nullable) */
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
  f->sender = qs_udp_socket_new ();
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  if (f->socket != NULL)
    g_signal_handlers_disconnect_by_data (f->socket, f->trace);
  g_clear_object (&f->socket);
  g_clear_object (&f->sender);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
}

static gboolean
require (const char *reason)
{
  if (reason == NULL)
    return TRUE;
  g_test_skip (reason);
  return FALSE;
}

static void
join (QsUdpSocket *socket,
      const char  *group,
      const char  *iface)
{
  g_autoptr(GInetAddress) a = qs_test_address (group);

  g_assert_true (qs_udp_socket_join_multicast_group (socket, a, iface));
}

static void
send_to (QsUdpSocket *from,
         const char  *text,
         const char  *host,
         guint16      port)
{
  g_autoptr(GInetAddress) a = qs_test_address (host);
  gsize size = strlen (text);
  gint64 sent = qs_udp_socket_write_datagram (from, (const guint8 *) text, size, a, port);

  if (sent < 0)
    g_test_message ("sending to %s failed: %s", host, qs_io_device_get_error_string (QS_IO_DEVICE (from)));
  g_assert_cmpint (sent, ==, size);
}

static QsNetworkDatagram *
receive (QsUdpSocket *socket,
         const char  *expected)
{
  QsNetworkDatagram *datagram;
  g_autoptr(GBytes) bytes = NULL;

  qs_test_udp_wait_readable (socket);
  datagram = qs_udp_socket_receive_datagram (socket, -1);
  bytes = qs_network_datagram_get_data (datagram);
  qs_test_assert_bytes (bytes, expected);
  return datagram;
}

/* Receiver on 0.0.0.0 joined to GROUP4 on @iface; sender on 0.0.0.0 with
 * lo as its multicast interface. */
static void
setup_ipv4 (Fixture    *f,
            const char *iface)
{
  qs_test_udp_bind (f->socket, "0.0.0.0", QS_BIND_FLAGS_SHARE_ADDRESS);
  join (f->socket, GROUP4, iface);
  qs_test_udp_bind (f->sender, "0.0.0.0", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_udp_socket_set_multicast_interface (f->sender, "lo");
  g_assert_cmpstr (qs_udp_socket_get_multicast_interface (f->sender), ==, "lo");
}

static void
test_ipv4_receive (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autofree char *sender = NULL;
  g_autofree char *destination = NULL;

  g_test_summary ("IPv4: a joined socket receives a group datagram, announced by "
                  "ready-read; its destination is the group, its hop limit the "
                  "multicast TTL (1), its interface lo (Qt, checked in a namespace)");

  if (!require (skip_ipv4))
    return;

  setup_ipv4 (f, "lo");
  send_to (f->sender, "mc", GROUP4, qs_test_udp_local_port (f->socket));
  qs_test_run_until (strstr (f->trace->str, "ready-read") != NULL, TIMEOUT_MS);
  assert_trace (f, "state-changed(bound-state) ready-read ");

  datagram = receive (f->socket, "mc");
  sender = qs_test_address_string (qs_network_datagram_get_sender_address (datagram));
  g_assert_cmpstr (sender, ==, "127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_sender_port (datagram), ==, qs_test_udp_local_port (f->sender));
  destination = qs_test_address_string (qs_network_datagram_get_destination_address (datagram));
  g_assert_cmpstr (destination, ==, GROUP4);
  g_assert_cmpint (qs_network_datagram_get_destination_port (datagram), ==, qs_test_udp_local_port (f->socket));
  g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), ==, 1);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (datagram), ==, if_nametoindex ("lo"));
}

static void
test_ipv4_default_interface (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;

  g_test_summary ("IPv4: joining with no interface name lets the system choose (the "
                  "route of the group)");

  if (!require (skip_ipv4))
    return;

  setup_ipv4 (f, NULL);
  send_to (f->sender, "default", GROUP4, qs_test_udp_local_port (f->socket));
  datagram = receive (f->socket, "default");
}

static void
test_ipv4_ttl_option (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;

  g_test_summary ("IPv4: MULTICAST_TTL_OPTION is the hop limit the group datagram "
                  "arrives with");

  if (!require (skip_ipv4))
    return;

  setup_ipv4 (f, "lo");
  qs_abstract_socket_set_socket_option (QS_ABSTRACT_SOCKET (f->sender), QS_SOCKET_OPTION_MULTICAST_TTL_OPTION, 5);
  send_to (f->sender, "ttl", GROUP4, qs_test_udp_local_port (f->socket));
  datagram = receive (f->socket, "ttl");
  g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), ==, 5);
}

static void
test_ipv4_hop_limit_datagram (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(GInetAddress) group = qs_test_address (GROUP4);
  g_autoptr(QsNetworkDatagram) request = NULL;
  g_autoptr(QsNetworkDatagram) datagram = NULL;

  g_test_summary ("IPv4: a network datagram's hop limit and interface index apply to "
                  "a group datagram");

  if (!require (skip_ipv4))
    return;

  setup_ipv4 (f, "lo");
  request = qs_network_datagram_new_from_data ((const guint8 *) "hop", 3, group, qs_test_udp_local_port (f->socket));
  qs_network_datagram_set_hop_limit (request, 9);
  qs_network_datagram_set_interface_index (request, if_nametoindex ("lo"));
  g_assert_cmpint (qs_udp_socket_write_network_datagram (f->sender, request), ==, 3);
  datagram = receive (f->socket, "hop");
  g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), ==, 9);
}

/* Sends a group datagram then a unicast one: the first one the receiver
 * reads shows whether the group datagram was delivered (loopback keeps
 * their order). */
static void
assert_group_not_delivered (Fixture *f)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;

  send_to (f->sender, "group", GROUP4, qs_test_udp_local_port (f->socket));
  send_to (f->sender, "control", "127.0.0.1", qs_test_udp_local_port (f->socket));
  datagram = receive (f->socket, "control");
}

static void
test_ipv4_loopback_off (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;

  g_test_summary ("IPv4 on " IFACE6 ": the host's own members get a group datagram "
                  "while MULTICAST_LOOPBACK_OPTION is 1 (the default), and nothing once "
                  "it is 0");

  if (!require (skip_ipv4) || !require (skip_veth))
    return;

  qs_test_udp_bind (f->socket, "0.0.0.0", QS_BIND_FLAGS_SHARE_ADDRESS);
  join (f->socket, GROUP4, IFACE6);
  qs_test_udp_bind (f->sender, "0.0.0.0", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_udp_socket_set_multicast_interface (f->sender, IFACE6);
  g_assert_cmpstr (qs_udp_socket_get_multicast_interface (f->sender), ==, IFACE6);
  send_to (f->sender, "looped", GROUP4, qs_test_udp_local_port (f->socket));
  datagram = receive (f->socket, "looped");
  g_assert_cmpuint (qs_network_datagram_get_interface_index (datagram), ==, if_nametoindex (IFACE6));

  qs_abstract_socket_set_socket_option (QS_ABSTRACT_SOCKET (f->sender), QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION, 0);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (QS_ABSTRACT_SOCKET (f->sender),
                                                         QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION), ==, 0);
  assert_group_not_delivered (f);
}

static void
test_ipv4_leave (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(GInetAddress) group = qs_test_address (GROUP4);

  g_test_summary ("IPv4: after leave_multicast_group nothing more arrives; leaving "
                  "again fails with SOCKET_ADDRESS_NOT_AVAILABLE_ERROR (no signal), "
                  "joining twice with UNKNOWN_SOCKET_ERROR (Qt's engine mapping)");

  if (!require (skip_ipv4))
    return;

  setup_ipv4 (f, "lo");
  g_assert_false (qs_udp_socket_join_multicast_group (f->socket, group, "lo"));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");

  g_assert_true (qs_udp_socket_leave_multicast_group (f->socket, group, "lo"));
  assert_group_not_delivered (f);

  g_assert_false (qs_udp_socket_leave_multicast_group (f->socket, group, "lo"));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==,
                   QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "The address is not available");
  assert_trace (f, "state-changed(bound-state) ");
}

static void
test_ipv4_two_members (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(QsUdpSocket) second = qs_udp_socket_new ();
  g_autoptr(GInetAddress) any = qs_test_address ("0.0.0.0");
  g_autoptr(QsNetworkDatagram) first_copy = NULL;
  g_autoptr(QsNetworkDatagram) second_copy = NULL;

  g_test_summary ("IPv4: two sockets sharing a port (SHARE_ADDRESS) and joined to one "
                  "group both receive each group datagram");

  if (!require (skip_ipv4))
    return;

  setup_ipv4 (f, "lo");
  g_assert_true (qs_abstract_socket_bind (QS_ABSTRACT_SOCKET (second), any, qs_test_udp_local_port (f->socket),
                                          QS_BIND_FLAGS_SHARE_ADDRESS));
  join (second, GROUP4, "lo");
  send_to (f->sender, "both", GROUP4, qs_test_udp_local_port (f->socket));
  first_copy = receive (f->socket, "both");
  second_copy = receive (second, "both");
}

static void
test_ipv6_receive (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(QsNetworkDatagram) datagram = NULL;
  g_autoptr(GInetAddress) sender = NULL;
  g_autofree char *destination = NULL;

  g_test_summary ("IPv6: a socket on the dual-stack any address joined to " GROUP6
                  " on " IFACE6 " receives the group datagram with its destination, "
                  "hop limit (1) and interface");

  if (!require (skip_ipv6) || !require (skip_veth))
    return;

  qs_test_udp_bind (f->socket, NULL, QS_BIND_FLAGS_SHARE_ADDRESS);
  join (f->socket, GROUP6, IFACE6);
  qs_test_udp_bind (f->sender, NULL, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_udp_socket_set_multicast_interface (f->sender, IFACE6);
  g_assert_cmpstr (qs_udp_socket_get_multicast_interface (f->sender), ==, IFACE6);

  send_to (f->sender, "mc6", GROUP6, qs_test_udp_local_port (f->socket));
  qs_test_run_until (strstr (f->trace->str, "ready-read") != NULL, TIMEOUT_MS);
  assert_trace (f, "state-changed(bound-state) ready-read ");
  datagram = receive (f->socket, "mc6");

  sender = qs_network_datagram_get_sender_address (datagram);
  g_assert_nonnull (sender);
  g_assert_cmpint (g_inet_address_get_family (sender), ==, G_SOCKET_FAMILY_IPV6);
  g_assert_cmpint (qs_network_datagram_get_sender_port (datagram), ==, qs_test_udp_local_port (f->sender));
  destination = qs_test_address_string (qs_network_datagram_get_destination_address (datagram));
  g_assert_cmpstr (destination, ==, GROUP6);
  g_assert_cmpint (qs_network_datagram_get_destination_port (datagram), ==, qs_test_udp_local_port (f->socket));
  g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), ==, 1);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (datagram), ==, if_nametoindex (IFACE6));
}

static void
test_ipv6_hop_limit_option (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(GInetAddress) group = qs_test_address (GROUP6);
  g_autoptr(QsNetworkDatagram) datagram = NULL;

  g_test_summary ("IPv6: MULTICAST_TTL_OPTION (IPV6_MULTICAST_HOPS) is the hop limit "
                  "the datagram arrives with; after leaving, nothing arrives");

  if (!require (skip_ipv6) || !require (skip_veth))
    return;

  qs_test_udp_bind (f->socket, "::", QS_BIND_FLAGS_SHARE_ADDRESS);
  join (f->socket, GROUP6, IFACE6);
  qs_test_udp_bind (f->sender, "::", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  qs_udp_socket_set_multicast_interface (f->sender, IFACE6);
  qs_abstract_socket_set_socket_option (QS_ABSTRACT_SOCKET (f->sender), QS_SOCKET_OPTION_MULTICAST_TTL_OPTION, 3);
  send_to (f->sender, "hops", GROUP6, qs_test_udp_local_port (f->socket));
  datagram = receive (f->socket, "hops");
  g_assert_cmpint (qs_network_datagram_get_hop_limit (datagram), ==, 3);
  g_clear_pointer (&datagram, qs_network_datagram_unref);

  g_assert_true (qs_udp_socket_leave_multicast_group (f->socket, group, IFACE6));
  send_to (f->sender, "group", GROUP6, qs_test_udp_local_port (f->socket));
  send_to (f->sender, "control", "::1", qs_test_udp_local_port (f->socket));
  datagram = receive (f->socket, "control");
}

/* Inside the namespace: lo with MULTICAST and a route for IPv4 groups;
 * a veth pair without duplicate address detection for IPv6. */
static void
setup_namespace (void)
{
  static const char *const lo_up[] = { "ip", "link", "set", "lo", "up", "multicast", "on", NULL };
  static const char *const route4[] = { "ip", "route", "add", "224.0.0.0/4", "dev", "lo", NULL };
  static const char *const veth[] = { "ip", "link", "add", "qs0", "type", "veth", "peer", "name", "qs1", NULL };
  static const char *const up0[] = { "ip", "link", "set", "qs0", "up", NULL };
  static const char *const up1[] = { "ip", "link", "set", "qs1", "up", NULL };
  static const char *const addr0[] = { "ip", "addr", "add", "10.211.0.1/24", "dev", "qs0", NULL };
  /* The link-local address comes only after duplicate address detection
   * (or later still: carrier changes are deferred): give qs0 an address
   * usable at once, for the source of its IPv6 datagrams. */
  static const char *const addr6[] = { "ip", "-6", "addr", "add", "fd00:5153::1/64", "dev", "qs0", "nodad", NULL };

  if (!qs_test_run_tool (lo_up) || !qs_test_run_tool (route4))
    {
      skip_ipv4 = "cannot set lo up with MULTICAST and a 224.0.0.0/4 route in the namespace";
      skip_ipv6 = skip_veth = skip_ipv4;
      return;
    }

  if (!qs_test_ipv6_available ())
    skip_ipv6 = "IPv6 is not available in the namespace";
  if (!qs_test_run_tool (veth) || !qs_test_run_tool (up0) || !qs_test_run_tool (up1) || !qs_test_run_tool (addr0) ||
      (skip_ipv6 == NULL && !qs_test_run_tool (addr6)))
    skip_veth = "cannot create a veth pair in the namespace (IPv6 multicast and the "
                "loopback option need a non-loopback interface)";
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) original = g_strdupv (argv);

  g_test_init (&argc, &argv, NULL);

  if (!qs_test_enter_netns (original))
    {
      skip_ipv4 = "cannot create a private network namespace (unshare -rn failed)";
      skip_ipv6 = skip_veth = skip_ipv4;
    }
  else
    setup_namespace ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/udp-multicast/ipv4/receive", test_ipv4_receive);
  ADD ("/udp-multicast/ipv4/default-interface", test_ipv4_default_interface);
  ADD ("/udp-multicast/ipv4/ttl-option", test_ipv4_ttl_option);
  ADD ("/udp-multicast/ipv4/hop-limit-datagram", test_ipv4_hop_limit_datagram);
  ADD ("/udp-multicast/ipv4/loopback-off", test_ipv4_loopback_off);
  ADD ("/udp-multicast/ipv4/leave", test_ipv4_leave);
  ADD ("/udp-multicast/ipv4/two-members", test_ipv4_two_members);
  ADD ("/udp-multicast/ipv6/receive", test_ipv6_receive);
  ADD ("/udp-multicast/ipv6/hop-limit-option", test_ipv6_hop_limit_option);
#undef ADD

  return g_test_run ();
}
