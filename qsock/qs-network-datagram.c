/* qs-network-datagram.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsNetworkDatagram: Qt's QNetworkDatagram as a reference-counted boxed
 * type. References share one value (a setter changes it for every
 * holder); qs_network_datagram_copy() gives an independent one, which is
 * what Qt's value semantics give a C++ caller. Ports read -1 while their
 * address is unset and the hop limit -1 while unknown, as in Qt 6.4.
 *
 * Addresses are kept in native form and become GInetAddress objects only
 * when asked for, and a payload given as bytes (or received) lives in the
 * datagram's own allocation: receiving, replying to and sending a
 * datagram builds no object, and the datagrams of one batched receive
 * share one allocation.
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

/* The allocation a datagram lives in, shared by the datagrams received
 * together. The GBytes of an inline payload holds the block rather than
 * the datagram: taking and dropping it is one atomic operation each. */
struct _QsDatagramBlock
{
  gint holders;   /* datagrams and inline-payload GBytes not yet released (atomic) */
};

/* Where datagrams start in a block, and how far apart they are. */
#define DATAGRAM_ALIGN(n) (((n) + G_ALIGNOF (QsNetworkDatagram) - 1) & ~(gsize) (G_ALIGNOF (QsNetworkDatagram) - 1))
#define BLOCK_HEADER_SIZE DATAGRAM_ALIGN (sizeof (QsDatagramBlock))

/* Sets up what every datagram starts with: one reference, a payload in
 * its own room behind it, no address objects. */
static QsNetworkDatagram *
datagram_init (QsNetworkDatagram *self,
               QsDatagramBlock   *block)
{
  g_atomic_int_set (&self->ref_count, 1);
  self->block = block;
  self->data = NULL;
  self->payload = self->inline_payload;
  self->sender_address = NULL;
  self->destination_address = NULL;
  return self;
}

/* Drops one holder of @block; the last frees it. */
static void
block_release (QsDatagramBlock *block)
{
  if (g_atomic_int_dec_and_test (&block->holders))
    g_free (block);
}

/* A datagram alone in its block, with its own room for @inline_size
 * bytes of payload; empty, with no address, hop limit or interface. */
static QsNetworkDatagram *
datagram_alloc (gsize inline_size)
{
  QsDatagramBlock *block = g_malloc (BLOCK_HEADER_SIZE + sizeof (QsNetworkDatagram) + inline_size);
  QsNetworkDatagram *self = datagram_init ((QsNetworkDatagram *) ((guint8 *) block + BLOCK_HEADER_SIZE), block);

  g_atomic_int_set (&block->holders, 1);

  self->size = 0;
  self->header.sender.family = G_SOCKET_FAMILY_INVALID;
  self->header.destination.family = G_SOCKET_FAMILY_INVALID;
  self->header.hop_limit = -1;
  self->header.interface_index = 0;
  return self;
}

/* Copies @size bytes of @data into the datagram's own room. */
static QsNetworkDatagram *
datagram_new_inline (const guint8 *data,
                     gsize         size)
{
  QsNetworkDatagram *self = datagram_alloc (size);

  if (size > 0)
    memcpy (self->inline_payload, data, size);
  self->size = size;
  return self;
}

/* Stores @address (nullable) and @port in @endpoint; the object is made
 * again when asked for, so that a datagram built to be sent holds none. */
static void
set_address (GInetAddress   **object,
             QsInetEndpoint  *endpoint,
             GInetAddress    *address,
             guint16          port)
{
  g_clear_object (object);
  _qs_inet_endpoint_set (endpoint, address, port);
}

/* The address of @endpoint as an object, made once. (transfer full) */
static GInetAddress *
get_address (GInetAddress         **object,
             const QsInetEndpoint  *endpoint)
{
  if (endpoint->family == G_SOCKET_FAMILY_INVALID)
    return NULL;
  if (*object == NULL)
    *object = _qs_inet_endpoint_to_address (endpoint);
  return g_object_ref (*object);
}

/* Shares the address of @from (endpoint and object) with @to. */
static void
copy_address (GInetAddress         **to_object,
              QsInetEndpoint        *to,
              GInetAddress          *from_object,
              const QsInetEndpoint  *from)
{
  g_set_object (to_object, from_object);
  *to = *from;
}

static void
set_payload (QsNetworkDatagram *self,
             GBytes            *data)
{
  GBytes *old = self->data;

  self->data = data ? g_bytes_ref (data) : NULL;
  self->payload = data ? g_bytes_get_data (data, &self->size) : NULL;
  if (self->payload == NULL)
    {
      self->payload = self->inline_payload;
      self->size = 0;
    }
  if (old != NULL)
    g_bytes_unref (old);
}

/* Builds @count received datagrams in one allocation, into @out. */
void
_qs_network_datagram_new_received (const QsDatagramIn *datagrams,
                                   guint               count,
                                   guint16             local_port,
                                   gpointer           *out)
{
  gsize total = BLOCK_HEADER_SIZE;
  QsDatagramBlock *block;
  guint8 *next;

  for (guint i = 0; i < count; i++)
    total += DATAGRAM_ALIGN (sizeof (QsNetworkDatagram) + datagrams[i].size);
  block = g_malloc (total);
  g_atomic_int_set (&block->holders, count);

  next = (guint8 *) block + BLOCK_HEADER_SIZE;
  for (guint i = 0; i < count; i++)
    {
      const QsDatagramIn *in = &datagrams[i];
      QsNetworkDatagram *self = datagram_init ((QsNetworkDatagram *) next, block);

      memcpy (self->inline_payload, in->data, in->size);
      self->size = in->size;
      self->header = in->header;
      self->header.destination.port = local_port;
      out[i] = self;
      next += DATAGRAM_ALIGN (sizeof (QsNetworkDatagram) + in->size);
    }
}

void
_qs_network_datagram_describe (QsNetworkDatagram *self,
                               QsDatagramOut     *out)
{
  const QsDatagramHeader *header = &self->header;

  out->data = self->payload;
  out->size = self->size;
  out->destination = header->destination.family != G_SOCKET_FAMILY_INVALID ? &header->destination : NULL;
  out->source = header->sender.family != G_SOCKET_FAMILY_INVALID ? &header->sender : NULL;
  out->hop_limit = header->hop_limit;
  out->interface_index = header->interface_index;
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
  QsNetworkDatagram *self;

  g_return_val_if_fail (destination_address == NULL || G_IS_INET_ADDRESS (destination_address), NULL);

  self = datagram_alloc (0);
  set_payload (self, data);
  set_address (&self->destination_address, &self->header.destination, destination_address, port);
  return self;
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
  QsNetworkDatagram *self;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  g_return_val_if_fail (destination_address == NULL || G_IS_INET_ADDRESS (destination_address), NULL);

  self = datagram_new_inline (data, size);
  set_address (&self->destination_address, &self->header.destination, destination_address, port);
  return self;
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

  g_atomic_int_inc (&self->ref_count);
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

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  g_clear_pointer (&self->data, g_bytes_unref);
  g_clear_object (&self->sender_address);
  g_clear_object (&self->destination_address);
  block_release (self->block);
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

  if (self->data != NULL)
    {
      copy = datagram_alloc (0);
      set_payload (copy, self->data);
    }
  else
    copy = datagram_new_inline (self->payload, self->size);
  copy_address (&copy->sender_address, &copy->header.sender, self->sender_address, &self->header.sender);
  copy_address (&copy->destination_address, &copy->header.destination, self->destination_address,
                &self->header.destination);
  copy->header.hop_limit = self->header.hop_limit;
  copy->header.interface_index = self->header.interface_index;
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

  return self->header.sender.family != G_SOCKET_FAMILY_INVALID ||
         self->header.destination.family != G_SOCKET_FAMILY_INVALID;
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

  set_payload (self, NULL);
  set_address (&self->sender_address, &self->header.sender, NULL, 0);
  set_address (&self->destination_address, &self->header.destination, NULL, 0);
  self->header.hop_limit = -1;
  self->header.interface_index = 0;
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

  if (self->data != NULL)
    return g_bytes_ref (self->data);
  if (self->size == 0)
    return g_bytes_new_static ("", 0);
  /* The inline payload never changes: share it while its block lives. */
  g_atomic_int_inc (&self->block->holders);
  return g_bytes_new_with_free_func (self->payload, self->size,
                                     (GDestroyNotify) block_release, self->block);
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
  g_return_if_fail (self != NULL);

  set_payload (self, data);
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

  return get_address (&self->sender_address, &self->header.sender);
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

  return self->header.sender.family != G_SOCKET_FAMILY_INVALID ? self->header.sender.port : -1;
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

  set_address (&self->sender_address, &self->header.sender, address, port);
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

  return get_address (&self->destination_address, &self->header.destination);
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

  return self->header.destination.family != G_SOCKET_FAMILY_INVALID ? self->header.destination.port : -1;
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

  set_address (&self->destination_address, &self->header.destination, address, port);
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

  return self->header.hop_limit;
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

  self->header.hop_limit = count;
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

  return self->header.interface_index;
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

  self->header.interface_index = index;
}

/* Multicast, IPv4-mapped IPv6 included (Qt's QHostAddress::isMulticast()). */
static gboolean
address_is_multicast (const QsInetEndpoint *endpoint)
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  const guint8 *bytes = endpoint->bytes;

  if (endpoint->family == G_SOCKET_FAMILY_IPV4)
    return (bytes[0] & 0xf0) == 0xe0;
  if (bytes[0] == 0xff)
    return TRUE;
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

  reply = datagram_alloc (0);
  set_payload (reply, payload);
  copy_address (&reply->destination_address, &reply->header.destination,
                self->sender_address, &self->header.sender);
  if (self->header.destination.family != G_SOCKET_FAMILY_INVALID &&
      !address_is_multicast (&self->header.destination))
    copy_address (&reply->sender_address, &reply->header.sender,
                  self->destination_address, &self->header.destination);
  reply->header.interface_index = self->header.interface_index;
  return reply;
}
