/* qs-network-datagram.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsNetworkDatagram: Qt's QNetworkDatagram as a reference-counted boxed
 * type. References share one value (a setter changes it for every
 * holder); qs_network_datagram_copy() gives an independent one, which is
 * what Qt's value semantics give a C++ caller. Ports read -1 while their
 * address is unset and the hop limit -1 while unknown, as in Qt 6.4.
 */

#include "config.h"

#include <string.h>

#include "qs-network-datagram-private.h"

/**
 * QsNetworkDatagram:
 *
 * A datagram and its addresses (Qt's `QNetworkDatagram`): the payload,
 * the sender and destination, the hop limit (IP TTL) and the index of
 * the network interface it came in on or should leave by.
 *
 * [method@Qs.UdpSocket.receive_datagram] returns one filled in from the
 * kernel; [method@Qs.NetworkDatagram.make_reply] turns it into an answer
 * for [method@Qs.UdpSocket.write_network_datagram]:
 *
 * ```c
 * g_autoptr(QsNetworkDatagram) request = qs_udp_socket_receive_datagram (socket, -1);
 * g_autoptr(GBytes) payload = g_bytes_new_static ("pong", 4);
 * g_autoptr(QsNetworkDatagram) reply = qs_network_datagram_make_reply (request, payload);
 *
 * qs_udp_socket_write_network_datagram (socket, reply);
 * ```
 *
 * A datagram is reference-counted: every reference shares one value, so a
 * setter changes it for every holder. [method@Qs.NetworkDatagram.copy]
 * gives an independent value, as copying a `QNetworkDatagram` does in Qt.
 *
 * Since: 1.0
 */

G_DEFINE_BOXED_TYPE (QsNetworkDatagram, qs_network_datagram,
                     qs_network_datagram_ref, qs_network_datagram_unref)

static GBytes *
empty_bytes (void)
{
  return g_bytes_new_static ("", 0);
}

static QsNetworkDatagram *
datagram_new (GBytes       *data,
              GInetAddress *destination_address,
              guint16       port)
{
  QsNetworkDatagram *self = g_new0 (QsNetworkDatagram, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->data = data;
  self->destination_address = destination_address ? g_object_ref (destination_address) : NULL;
  self->destination_port = port;
  self->hop_limit = -1;
  return self;
}

/**
 * qs_network_datagram_new:
 * @data: (nullable): the payload; %NULL for none
 * @destination_address: (nullable): where the datagram goes; %NULL for
 *   Qt's null address (Qt's default)
 * @port: the destination port (Qt's default: 0)
 *
 * Creates a datagram. `new (NULL, NULL, 0)` is Qt's `QNetworkDatagram()`:
 * null and invalid. Qt: `QNetworkDatagram(const QByteArray &, const
 * QHostAddress &, quint16)`.
 *
 * Returns: (transfer full): a new datagram
 *
 * Since: 1.0
 */
QsNetworkDatagram *
qs_network_datagram_new (GBytes       *data,
                         GInetAddress *destination_address,
                         guint16       port)
{
  g_return_val_if_fail (destination_address == NULL || G_IS_INET_ADDRESS (destination_address), NULL);

  return datagram_new (data ? g_bytes_ref (data) : empty_bytes (), destination_address, port);
}

/**
 * qs_network_datagram_new_from_data:
 * @data: (array length=size) (element-type guint8) (nullable): the payload
 * @size: its size
 * @destination_address: (nullable): where the datagram goes; %NULL for
 *   Qt's null address
 * @port: the destination port
 *
 * Creates a datagram with a copy of @data. Qt: `QNetworkDatagram(const
 * QByteArray &, const QHostAddress &, quint16)`.
 *
 * Returns: (transfer full): a new datagram
 *
 * Since: 1.0
 */
QsNetworkDatagram *
qs_network_datagram_new_from_data (const guint8 *data,
                                   gsize         size,
                                   GInetAddress *destination_address,
                                   guint16       port)
{
  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (destination_address == NULL || G_IS_INET_ADDRESS (destination_address), NULL);

  return datagram_new (size ? g_bytes_new (data, size) : empty_bytes (), destination_address, port);
}

/**
 * qs_network_datagram_ref:
 * @self: a datagram
 *
 * Takes a reference: the holder shares the value, setters included.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
QsNetworkDatagram *
qs_network_datagram_ref (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * qs_network_datagram_unref:
 * @self: (transfer full): a datagram
 *
 * Drops a reference; the last one frees the datagram.
 *
 * Since: 1.0
 */
void
qs_network_datagram_unref (QsNetworkDatagram *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_bytes_unref (self->data);
  g_clear_object (&self->sender_address);
  g_clear_object (&self->destination_address);
  g_free (self);
}

/**
 * qs_network_datagram_copy:
 * @self: a datagram
 *
 * Copies the value: changing the copy leaves @self alone. Qt: the copy
 * constructor.
 *
 * Returns: (transfer full): an independent datagram with the same value
 *
 * Since: 1.0
 */
QsNetworkDatagram *
qs_network_datagram_copy (QsNetworkDatagram *self)
{
  QsNetworkDatagram *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = datagram_new (g_bytes_ref (self->data), self->destination_address, self->destination_port);
  copy->sender_address = self->sender_address ? g_object_ref (self->sender_address) : NULL;
  copy->sender_port = self->sender_port;
  copy->hop_limit = self->hop_limit;
  copy->interface_index = self->interface_index;
  return copy;
}

/**
 * qs_network_datagram_is_valid:
 * @self: a datagram
 *
 * A datagram is valid when it has a sender or a destination address; its
 * payload may be empty. Qt: `isValid()`.
 *
 * Returns: whether @self is valid
 *
 * Since: 1.0
 */
gboolean
qs_network_datagram_is_valid (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->sender_address != NULL || self->destination_address != NULL;
}

/**
 * qs_network_datagram_is_null:
 * @self: a datagram
 *
 * The opposite of [method@Qs.NetworkDatagram.is_valid]. Qt: `isNull()`.
 *
 * Returns: whether @self is null
 *
 * Since: 1.0
 */
gboolean
qs_network_datagram_is_null (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return !qs_network_datagram_is_valid (self);
}

/**
 * qs_network_datagram_clear:
 * @self: a datagram
 *
 * Empties the payload and unsets both addresses, the hop limit and the
 * interface index. Qt: `clear()`.
 *
 * Since: 1.0
 */
void
qs_network_datagram_clear (QsNetworkDatagram *self)
{
  g_return_if_fail (self != NULL);

  g_bytes_unref (self->data);
  self->data = empty_bytes ();
  g_clear_object (&self->sender_address);
  g_clear_object (&self->destination_address);
  self->sender_port = 0;
  self->destination_port = 0;
  self->hop_limit = -1;
  self->interface_index = 0;
}

/**
 * qs_network_datagram_get_data:
 * @self: a datagram
 *
 * Qt: `data()`.
 *
 * Returns: (transfer full): the payload; empty, never %NULL, when there
 *   is none
 *
 * Since: 1.0
 */
GBytes *
qs_network_datagram_get_data (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_bytes_ref (self->data);
}

/**
 * qs_network_datagram_set_data:
 * @self: a datagram
 * @data: (nullable): the payload; %NULL empties it
 *
 * Qt: `setData()`.
 *
 * Since: 1.0
 */
void
qs_network_datagram_set_data (QsNetworkDatagram *self,
                              GBytes            *data)
{
  GBytes *old;

  g_return_if_fail (self != NULL);

  old = self->data;
  self->data = data ? g_bytes_ref (data) : empty_bytes ();
  g_bytes_unref (old);
}

/**
 * qs_network_datagram_get_sender_address:
 * @self: a datagram
 *
 * Qt: `senderAddress()`.
 *
 * Returns: (transfer full) (nullable): the sender's address, %NULL when
 *   unset (Qt's null address)
 *
 * Since: 1.0
 */
GInetAddress *
qs_network_datagram_get_sender_address (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->sender_address ? g_object_ref (self->sender_address) : NULL;
}

/**
 * qs_network_datagram_get_sender_port:
 * @self: a datagram
 *
 * Qt: `senderPort()`.
 *
 * Returns: the sender's port, -1 while the sender address is unset
 *
 * Since: 1.0
 */
int
qs_network_datagram_get_sender_port (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->sender_address ? self->sender_port : -1;
}

/**
 * qs_network_datagram_set_sender:
 * @self: a datagram
 * @address: (nullable): the sender's address; %NULL unsets it
 * @port: the sender's port (Qt's default: 0)
 *
 * When sending, a sender address chooses the source address of the
 * datagram. Qt: `setSender()`.
 *
 * Since: 1.0
 */
void
qs_network_datagram_set_sender (QsNetworkDatagram *self,
                                GInetAddress      *address,
                                guint16            port)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  g_set_object (&self->sender_address, address);
  self->sender_port = port;
}

/**
 * qs_network_datagram_get_destination_address:
 * @self: a datagram
 *
 * Qt: `destinationAddress()`.
 *
 * Returns: (transfer full) (nullable): the destination address, %NULL
 *   when unset (Qt's null address)
 *
 * Since: 1.0
 */
GInetAddress *
qs_network_datagram_get_destination_address (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->destination_address ? g_object_ref (self->destination_address) : NULL;
}

/**
 * qs_network_datagram_get_destination_port:
 * @self: a datagram
 *
 * Qt: `destinationPort()`.
 *
 * Returns: the destination port, -1 while the destination address is
 *   unset
 *
 * Since: 1.0
 */
int
qs_network_datagram_get_destination_port (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->destination_address ? self->destination_port : -1;
}

/**
 * qs_network_datagram_set_destination:
 * @self: a datagram
 * @address: (nullable): the destination address; %NULL unsets it
 * @port: the destination port
 *
 * Qt: `setDestination()`.
 *
 * Since: 1.0
 */
void
qs_network_datagram_set_destination (QsNetworkDatagram *self,
                                     GInetAddress      *address,
                                     guint16            port)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  g_set_object (&self->destination_address, address);
  self->destination_port = port;
}

/**
 * qs_network_datagram_get_hop_limit:
 * @self: a datagram
 *
 * The IPv4 TTL or IPv6 hop limit: of a received datagram, the value it
 * arrived with; of one to send, the value to send it with. Qt: `hopLimit()`.
 *
 * Returns: the hop limit, -1 when unknown (or the system default)
 *
 * Since: 1.0
 */
int
qs_network_datagram_get_hop_limit (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->hop_limit;
}

/**
 * qs_network_datagram_set_hop_limit:
 * @self: a datagram
 * @count: the hop limit (1 to 255), or -1 for the system default
 *
 * Qt: `setHopLimit()`; as in Qt, the value is stored unchecked.
 *
 * Since: 1.0
 */
void
qs_network_datagram_set_hop_limit (QsNetworkDatagram *self,
                                   int                count)
{
  g_return_if_fail (self != NULL);

  self->hop_limit = count;
}

/**
 * qs_network_datagram_get_interface_index:
 * @self: a datagram
 *
 * The network interface a received datagram came in on, or the one to
 * send by (see `if_nametoindex()`). Qt: `interfaceIndex()`.
 *
 * Returns: the interface index, 0 when unknown (or any)
 *
 * Since: 1.0
 */
guint
qs_network_datagram_get_interface_index (QsNetworkDatagram *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->interface_index;
}

/**
 * qs_network_datagram_set_interface_index:
 * @self: a datagram
 * @index: the interface index, 0 for any
 *
 * Qt: `setInterfaceIndex()`.
 *
 * Since: 1.0
 */
void
qs_network_datagram_set_interface_index (QsNetworkDatagram *self,
                                         guint              index)
{
  g_return_if_fail (self != NULL);

  self->interface_index = index;
}

/* Multicast, IPv4-mapped IPv6 included (Qt's QHostAddress::isMulticast()). */
static gboolean
address_is_multicast (GInetAddress *address)
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  const guint8 *bytes;

  if (g_inet_address_get_is_multicast (address))
    return TRUE;
  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return FALSE;
  bytes = g_inet_address_to_bytes (address);
  return memcmp (bytes, mapped, sizeof mapped) == 0 && (bytes[12] & 0xf0) == 0xe0;
}

/**
 * qs_network_datagram_make_reply:
 * @self: a received datagram
 * @payload: (nullable): the reply's payload
 *
 * Creates a reply to @self: its destination is @self's sender, its sender
 * (the source address to send from) is @self's destination, except when
 * that was a multicast group, and it leaves by the interface @self came in
 * on. The hop limit is reset to -1. Qt: `makeReply()` (as Qt 6.4).
 *
 * Returns: (transfer full): a new datagram
 *
 * Since: 1.0
 */
QsNetworkDatagram *
qs_network_datagram_make_reply (QsNetworkDatagram *self,
                                GBytes            *payload)
{
  QsNetworkDatagram *reply;

  g_return_val_if_fail (self != NULL, NULL);

  reply = datagram_new (payload ? g_bytes_ref (payload) : empty_bytes (),
                        self->sender_address, self->sender_port);
  if (self->destination_address != NULL && !address_is_multicast (self->destination_address))
    {
      reply->sender_address = g_object_ref (self->destination_address);
      reply->sender_port = self->destination_port;
    }
  reply->interface_index = self->interface_index;
  return reply;
}
