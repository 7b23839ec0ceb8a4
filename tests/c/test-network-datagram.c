/* test-network-datagram.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsNetworkDatagram as Qt's QNetworkDatagram behaves (Qt 6.4, observed
 * through PyQt6): null and valid datagrams, ports -1 while their address
 * is unset, shared references against independent copies, make_reply.
 */

#include "config.h"

#include <string.h>

#include "qs-test-utils.h"

/* Asserts the text of an address returned (transfer full), or NULL. */
static void
assert_address (GInetAddress *got,
                const char   *expected)
{
  g_autofree char *text = got ? g_inet_address_to_string (got) : NULL;

  g_clear_object (&got);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_data (QsNetworkDatagram *datagram,
             const char        *expected)
{
  g_autoptr(GBytes) data = qs_network_datagram_get_data (datagram);

  g_assert_nonnull (data);
  qs_test_assert_bytes (data, expected);
}

static void
test_new_null (void)
{
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new (NULL, NULL, 0);

  g_test_summary ("new(NULL, NULL, 0) is Qt's QNetworkDatagram(): null, invalid, "
                  "ports -1, hop limit -1, interface index 0, empty data");

  g_assert_false (qs_network_datagram_is_valid (d));
  g_assert_true (qs_network_datagram_is_null (d));
  assert_data (d, "");
  assert_address (qs_network_datagram_get_sender_address (d), NULL);
  assert_address (qs_network_datagram_get_destination_address (d), NULL);
  g_assert_cmpint (qs_network_datagram_get_sender_port (d), ==, -1);
  g_assert_cmpint (qs_network_datagram_get_destination_port (d), ==, -1);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (d), ==, -1);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (d), ==, 0);
}

static void
test_new_data_only (void)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new (bytes, NULL, 5);

  g_test_summary ("Data without an address is still null (Qt); a port without an "
                  "address reads -1");

  g_assert_false (qs_network_datagram_is_valid (d));
  g_assert_true (qs_network_datagram_is_null (d));
  assert_data (d, "abc");
  g_assert_cmpint (qs_network_datagram_get_destination_port (d), ==, -1);
}

static void
test_new_with_destination (void)
{
  g_autoptr(GInetAddress) dst = qs_test_address ("127.0.0.1");
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new_from_data ((const guint8 *) "abc", 3, dst, 5);
  g_autoptr(QsNetworkDatagram) empty = qs_network_datagram_new_from_data (NULL, 0, dst, 0);

  g_test_summary ("A destination makes the datagram valid, even with an empty payload");

  g_assert_true (qs_network_datagram_is_valid (d));
  g_assert_false (qs_network_datagram_is_null (d));
  assert_data (d, "abc");
  assert_address (qs_network_datagram_get_destination_address (d), "127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_destination_port (d), ==, 5);
  assert_address (qs_network_datagram_get_sender_address (d), NULL);
  g_assert_cmpint (qs_network_datagram_get_sender_port (d), ==, -1);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (d), ==, -1);

  g_assert_true (qs_network_datagram_is_valid (empty));
  assert_data (empty, "");
  g_assert_cmpint (qs_network_datagram_get_destination_port (empty), ==, 0);
}

static void
test_setters (void)
{
  g_autoptr(GInetAddress) dst = qs_test_address ("127.0.0.1");
  g_autoptr(GInetAddress) src = qs_test_address ("10.0.0.1");
  g_autoptr(GBytes) bytes = g_bytes_new_static ("xyz", 3);
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new (NULL, dst, 5);

  g_test_summary ("Setters store what they are given, unchecked (hop limit 300 too); "
                  "a NULL sender reads port -1; set_data(NULL) empties");

  qs_network_datagram_set_sender (d, src, 7);
  qs_network_datagram_set_hop_limit (d, 3);
  qs_network_datagram_set_interface_index (d, 2);
  qs_network_datagram_set_data (d, bytes);
  assert_address (qs_network_datagram_get_sender_address (d), "10.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_sender_port (d), ==, 7);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (d), ==, 3);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (d), ==, 2);
  assert_data (d, "xyz");

  qs_network_datagram_set_sender (d, NULL, 9);
  g_assert_cmpint (qs_network_datagram_get_sender_port (d), ==, -1);
  g_assert_true (qs_network_datagram_is_valid (d));

  qs_network_datagram_set_hop_limit (d, 300);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (d), ==, 300);

  qs_network_datagram_set_destination (d, NULL, 1);
  g_assert_false (qs_network_datagram_is_valid (d));
  g_assert_cmpint (qs_network_datagram_get_destination_port (d), ==, -1);

  qs_network_datagram_set_data (d, NULL);
  assert_data (d, "");
}

static void
test_clear (void)
{
  g_autoptr(GInetAddress) dst = qs_test_address ("127.0.0.1");
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new_from_data ((const guint8 *) "abc", 3, dst, 5);

  g_test_summary ("clear() resets everything, as Qt");

  qs_network_datagram_set_sender (d, dst, 7);
  qs_network_datagram_set_hop_limit (d, 3);
  qs_network_datagram_set_interface_index (d, 2);
  qs_network_datagram_clear (d);

  g_assert_true (qs_network_datagram_is_null (d));
  assert_data (d, "");
  g_assert_cmpint (qs_network_datagram_get_sender_port (d), ==, -1);
  g_assert_cmpint (qs_network_datagram_get_destination_port (d), ==, -1);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (d), ==, -1);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (d), ==, 0);
}

static void
test_data_outlives (void)
{
  QsNetworkDatagram *d = qs_network_datagram_new_from_data ((const guint8 *) "abc", 3, NULL, 0);
  g_autoptr(GBytes) first = qs_network_datagram_get_data (d);
  g_autoptr(GBytes) second = qs_network_datagram_get_data (d);
  g_autoptr(GBytes) replacement = g_bytes_new_static ("xyz", 3);

  g_test_summary ("The payload returned by get_data() stays valid after set_data() "
                  "and after the datagram is freed");

  qs_network_datagram_set_data (d, replacement);
  assert_data (d, "xyz");
  qs_network_datagram_unref (d);
  qs_test_assert_bytes (first, "abc");
  g_clear_pointer (&first, g_bytes_unref);
  qs_test_assert_bytes (second, "abc");
}

static void
test_ref_shares (void)
{
  g_autoptr(GInetAddress) dst = qs_test_address ("::1");
  QsNetworkDatagram *d = qs_network_datagram_new (NULL, NULL, 0);
  QsNetworkDatagram *other = qs_network_datagram_ref (d);

  g_test_summary ("A reference shares the value: a setter through one is seen "
                  "through the other");

  g_assert_true (other == d);
  qs_network_datagram_set_destination (other, dst, 9);
  qs_network_datagram_set_hop_limit (other, 12);
  assert_address (qs_network_datagram_get_destination_address (d), "::1");
  g_assert_cmpint (qs_network_datagram_get_destination_port (d), ==, 9);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (d), ==, 12);

  qs_network_datagram_unref (d);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (other), ==, 12);
  qs_network_datagram_unref (other);
}

static void
test_copy_independent (void)
{
  g_autoptr(GInetAddress) dst = qs_test_address ("127.0.0.1");
  g_autoptr(GInetAddress) src = qs_test_address ("10.0.0.1");
  g_autoptr(GInetAddress) other = qs_test_address ("10.9.9.9");
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new_from_data ((const guint8 *) "abc", 3, dst, 5);
  g_autoptr(QsNetworkDatagram) copy = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("changed", 7);

  g_test_summary ("copy() gives an independent value with the same fields");

  qs_network_datagram_set_sender (d, src, 7);
  qs_network_datagram_set_hop_limit (d, 3);
  qs_network_datagram_set_interface_index (d, 2);
  copy = qs_network_datagram_copy (d);
  g_assert_true (copy != d);

  assert_data (copy, "abc");
  assert_address (qs_network_datagram_get_sender_address (copy), "10.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_sender_port (copy), ==, 7);
  assert_address (qs_network_datagram_get_destination_address (copy), "127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_destination_port (copy), ==, 5);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (copy), ==, 3);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (copy), ==, 2);

  qs_network_datagram_set_data (copy, bytes);
  qs_network_datagram_set_sender (copy, other, 1);
  qs_network_datagram_set_hop_limit (copy, 99);
  qs_network_datagram_set_interface_index (copy, 4);
  qs_network_datagram_clear (d);
  assert_data (d, "");
  assert_data (copy, "changed");
  assert_address (qs_network_datagram_get_sender_address (copy), "10.9.9.9");
  assert_address (qs_network_datagram_get_destination_address (copy), "127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_hop_limit (d), ==, -1);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (copy), ==, 99);
}

static void
test_boxed (void)
{
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new (NULL, NULL, 0);
  QsNetworkDatagram *boxed;

  g_test_summary ("The GBoxed copy is a reference (the GType is registered with ref/unref)");

  g_assert_true (G_TYPE_IS_BOXED (QS_TYPE_NETWORK_DATAGRAM));
  boxed = g_boxed_copy (QS_TYPE_NETWORK_DATAGRAM, d);
  g_assert_true (boxed == d);
  g_boxed_free (QS_TYPE_NETWORK_DATAGRAM, boxed);
  g_assert_true (qs_network_datagram_is_null (d));
}

static void
test_make_reply (void)
{
  g_autoptr(GInetAddress) dst = qs_test_address ("127.0.0.1");
  g_autoptr(GInetAddress) src = qs_test_address ("10.0.0.1");
  g_autoptr(GBytes) payload = g_bytes_new_static ("reply", 5);
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new_from_data ((const guint8 *) "abc", 3, dst, 5);
  g_autoptr(QsNetworkDatagram) reply = NULL;

  g_test_summary ("make_reply swaps sender and destination, keeps the interface "
                  "index and resets the hop limit to -1 (Qt 6.4)");

  qs_network_datagram_set_sender (d, src, 7);
  qs_network_datagram_set_hop_limit (d, 3);
  qs_network_datagram_set_interface_index (d, 2);
  reply = qs_network_datagram_make_reply (d, payload);

  g_assert_true (qs_network_datagram_is_valid (reply));
  assert_data (reply, "reply");
  assert_address (qs_network_datagram_get_sender_address (reply), "127.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_sender_port (reply), ==, 5);
  assert_address (qs_network_datagram_get_destination_address (reply), "10.0.0.1");
  g_assert_cmpint (qs_network_datagram_get_destination_port (reply), ==, 7);
  g_assert_cmpint (qs_network_datagram_get_hop_limit (reply), ==, -1);
  g_assert_cmpuint (qs_network_datagram_get_interface_index (reply), ==, 2);

  /* The original is untouched. */
  assert_data (d, "abc");
  g_assert_cmpint (qs_network_datagram_get_hop_limit (d), ==, 3);
}

static void
test_make_reply_multicast (void)
{
  static const char *const groups[] = { "239.1.2.3", "ff02::1", "::ffff:239.1.2.3" };

  g_test_summary ("A reply to a datagram sent to a multicast group has no sender "
                  "(the system picks the source), as Qt; IPv4-mapped groups too");

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autoptr(GInetAddress) group = qs_test_address (groups[i]);
      g_autoptr(GInetAddress) src = qs_test_address ("10.0.0.1");
      g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new (NULL, group, 5);
      g_autoptr(QsNetworkDatagram) reply = NULL;

      qs_network_datagram_set_sender (d, src, 7);
      qs_network_datagram_set_interface_index (d, 3);
      reply = qs_network_datagram_make_reply (d, NULL);
      assert_address (qs_network_datagram_get_sender_address (reply), NULL);
      g_assert_cmpint (qs_network_datagram_get_sender_port (reply), ==, -1);
      assert_address (qs_network_datagram_get_destination_address (reply), "10.0.0.1");
      g_assert_cmpint (qs_network_datagram_get_destination_port (reply), ==, 7);
      g_assert_cmpuint (qs_network_datagram_get_interface_index (reply), ==, 3);
      assert_data (reply, "");
    }
}

static void
test_make_reply_null (void)
{
  g_autoptr(QsNetworkDatagram) d = qs_network_datagram_new (NULL, NULL, 0);
  g_autoptr(GBytes) payload = g_bytes_new_static ("x", 1);
  g_autoptr(QsNetworkDatagram) reply = qs_network_datagram_make_reply (d, payload);

  g_test_summary ("A reply to a null datagram is null, with the payload");

  g_assert_true (qs_network_datagram_is_null (reply));
  assert_data (reply, "x");
}

static void
test_programmer_errors (void)
{
  g_test_summary ("NULL datagrams are programmer errors: critical, safe return value");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_null (qs_network_datagram_ref (NULL));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_network_datagram_get_sender_port (NULL), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  qs_network_datagram_unref (NULL);
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/network-datagram/new/null", test_new_null);
  g_test_add_func ("/network-datagram/new/data-only", test_new_data_only);
  g_test_add_func ("/network-datagram/new/destination", test_new_with_destination);
  g_test_add_func ("/network-datagram/setters", test_setters);
  g_test_add_func ("/network-datagram/clear", test_clear);
  g_test_add_func ("/network-datagram/data/outlives", test_data_outlives);
  g_test_add_func ("/network-datagram/ref/shares", test_ref_shares);
  g_test_add_func ("/network-datagram/copy/independent", test_copy_independent);
  g_test_add_func ("/network-datagram/boxed", test_boxed);
  g_test_add_func ("/network-datagram/make-reply/swaps", test_make_reply);
  g_test_add_func ("/network-datagram/make-reply/multicast", test_make_reply_multicast);
  g_test_add_func ("/network-datagram/make-reply/null", test_make_reply_null);
  g_test_add_func ("/network-datagram/programmer-errors", test_programmer_errors);

  return g_test_run ();
}
