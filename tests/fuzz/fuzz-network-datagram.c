/* fuzz-network-datagram.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness of QsNetworkDatagram. Up to eight datagrams live at
 * once, made every way the library makes them (new, new_from_data, copy,
 * make_reply, and a batch of received datagrams sharing one allocation),
 * with payloads of any size and IPv4, IPv6, multicast and IPv4-mapped
 * addresses or none. Each has a model (payload, sender, destination, hop
 * limit, interface); every accessor of every datagram is checked against
 * it after each operation. Payload GBytes taken with get_data are held
 * over later operations, past the datagram's end, and checked unchanged
 * when dropped.
 */

#include "config.h"

#include <string.h>

#include "qs-network-datagram-private.h"
#include "fuzz-common.h"

#define N_SLOTS     8
#define MAX_PAYLOAD 70000

typedef struct
{
  GSocketFamily family;   /* INVALID: no address */
  guint8        bytes[16];
  guint16       port;
} Endpoint;

typedef struct
{
  QsNetworkDatagram *datagram; /* (owned) (nullable) */
  guint              refs;     /* references the harness holds */
  GByteArray        *payload;  /* (owned) */
  Endpoint           sender;
  Endpoint           destination;
  int                hop_limit;
  guint              interface_index;
} Slot;

typedef struct
{
  Slot    slots[N_SLOTS];
  FuzzHeld held;    /* from get_data */
  guint8 *scratch;  /* (owned) MAX_PAYLOAD bytes */
} State;

typedef enum
{
  OP_NEW,
  OP_NEW_FROM_DATA,
  OP_NEW_RECEIVED,
  OP_COPY,
  OP_MAKE_REPLY,
  OP_REF,
  OP_UNREF,
  OP_CLEAR,
  OP_GET_DATA,
  OP_DROP_DATA,
  OP_SET_DATA,
  OP_SET_SENDER,
  OP_SET_DESTINATION,
  OP_SET_HOP_LIMIT,
  OP_SET_INTERFACE_INDEX,
  OP_DESCRIBE
} Op;

/* Every Op is handled: the switch of run_op() has no default. */
#define N_OPS (OP_DESCRIBE + 1)

/* ---- inputs --------------------------------------------------------------------- */

/* A payload of any size: from the input, or a pattern up to MAX_PAYLOAD. */
static gsize
payload_from_input (State         *s,
                    FuzzInput     *in,
                    const guint8 **data)
{
  guint8 how = fuzz_u8 (in);
  gsize size;

  if (how & 1)
    return fuzz_bytes (in, data, how >> 1);
  size = fuzz_u32 (in) % MAX_PAYLOAD;
  fuzz_pattern (s->scratch, size, how, 0);
  *data = s->scratch;
  return size;
}

/* An address or none, and a port: random IPv4 and IPv6 ones, and the
 * multicast kinds make_reply treats apart. */
static GInetAddress *
address_from_input (FuzzInput *in,
                    Endpoint  *endpoint)
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  guint8 how = fuzz_u8 (in);
  guint8 bytes[16];

  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = fuzz_u8 (in);
  endpoint->port = fuzz_u16 (in);

  switch (how % 6)
    {
    case 0:
      endpoint->family = G_SOCKET_FAMILY_INVALID;
      return NULL;
    case 1:
      endpoint->family = G_SOCKET_FAMILY_IPV4;
      break;
    case 2:
      endpoint->family = G_SOCKET_FAMILY_IPV6;
      break;
    case 3: /* IPv4 multicast */
      bytes[0] = 0xe0 | (bytes[0] & 0x0f);
      endpoint->family = G_SOCKET_FAMILY_IPV4;
      break;
    case 4: /* IPv6 multicast */
      bytes[0] = 0xff;
      endpoint->family = G_SOCKET_FAMILY_IPV6;
      break;
    default: /* IPv4-mapped, multicast or not */
      memcpy (bytes, mapped, sizeof mapped);
      endpoint->family = G_SOCKET_FAMILY_IPV6;
      break;
    }
  memcpy (endpoint->bytes, bytes, sizeof bytes);
  return g_inet_address_new_from_bytes (bytes, endpoint->family);
}

/* ---- the model ------------------------------------------------------------------ */

static gboolean
endpoint_is_multicast (const Endpoint *e)
{
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  if (e->family == G_SOCKET_FAMILY_IPV4)
    return e->bytes[0] >= 0xe0 && e->bytes[0] <= 0xef;
  return e->bytes[0] == 0xff ||
         (memcmp (e->bytes, mapped, sizeof mapped) == 0 && e->bytes[12] >= 0xe0 && e->bytes[12] <= 0xef);
}

static void
check_address (GInetAddress   *address,
               int             port,
               const Endpoint *e)
{
  if (e->family == G_SOCKET_FAMILY_INVALID)
    {
      check (address == NULL);
      check (port == -1);
      return;
    }
  check (address != NULL);
  check (g_inet_address_get_family (address) == e->family);
  check (memcmp (g_inet_address_to_bytes (address), e->bytes,
                 e->family == G_SOCKET_FAMILY_IPV6 ? 16 : 4) == 0);
  check (port == e->port);
  g_object_unref (address);
}

static void
check_slot (Slot *slot)
{
  QsNetworkDatagram *d = slot->datagram;
  gboolean valid = slot->sender.family != G_SOCKET_FAMILY_INVALID ||
                   slot->destination.family != G_SOCKET_FAMILY_INVALID;
  GBytes *data;
  gsize size;
  const guint8 *bytes;

  if (d == NULL)
    return;
  check (qs_network_datagram_is_valid (d) == valid);
  check (qs_network_datagram_is_null (d) == !valid);
  data = qs_network_datagram_get_data (d);
  bytes = g_bytes_get_data (data, &size);
  check (size == slot->payload->len);
  check (fuzz_same (bytes, slot->payload->data, size));
  g_bytes_unref (data);
  check_address (qs_network_datagram_get_sender_address (d),
                 qs_network_datagram_get_sender_port (d), &slot->sender);
  check_address (qs_network_datagram_get_destination_address (d),
                 qs_network_datagram_get_destination_port (d), &slot->destination);
  check (qs_network_datagram_get_hop_limit (d) == slot->hop_limit);
  check (qs_network_datagram_get_interface_index (d) == slot->interface_index);
}

static void
drop_slot (Slot *slot)
{
  while (slot->refs > 0)
    {
      qs_network_datagram_unref (slot->datagram);
      slot->refs--;
    }
  slot->datagram = NULL;
  g_clear_pointer (&slot->payload, g_byte_array_unref);
}

/* Puts @datagram, just made with no addresses, hop limit -1 and
 * interface 0, in @slot with @size bytes of @payload. */
static void
fill_slot (Slot              *slot,
           QsNetworkDatagram *datagram,
           const guint8      *payload,
           gsize              size)
{
  drop_slot (slot);
  slot->datagram = datagram;
  slot->refs = 1;
  slot->payload = g_byte_array_sized_new (1); /* data never NULL */
  g_byte_array_append (slot->payload, payload, size);
  slot->sender.family = G_SOCKET_FAMILY_INVALID;
  slot->destination.family = G_SOCKET_FAMILY_INVALID;
  slot->hop_limit = -1;
  slot->interface_index = 0;
}

/* A batch of received datagrams in one allocation, as the UDP socket
 * makes them, into consecutive slots. */
static void
new_received (State     *s,
              FuzzInput *in,
              guint      first)
{
  QsDatagramIn batch[N_SLOTS];
  gpointer out[N_SLOTS];
  guint count = 1 + fuzz_u8 (in) % (N_SLOTS - first);
  guint16 local_port = fuzz_u16 (in);
  g_autoptr(GByteArray) payloads = g_byte_array_sized_new (1); /* data never NULL */
  gsize offsets[N_SLOTS];
  Endpoint senders[N_SLOTS];

  for (guint i = 0; i < count; i++)
    {
      const guint8 *data;
      gsize size = payload_from_input (s, in, &data);
      GInetAddress *address = address_from_input (in, &senders[i]);

      offsets[i] = payloads->len;
      g_byte_array_append (payloads, data, size);
      batch[i].size = size;
      memset (&batch[i].header, 0, sizeof batch[i].header);
      _qs_inet_endpoint_set (&batch[i].header.sender, address, senders[i].port);
      _qs_inet_endpoint_set (&batch[i].header.destination, NULL, 0);
      batch[i].header.hop_limit = fuzz_u8 (in) - 1;
      batch[i].header.interface_index = fuzz_u8 (in);
      g_clear_object (&address);
    }
  for (guint i = 0; i < count; i++)
    batch[i].data = payloads->data + offsets[i];

  _qs_network_datagram_new_received (batch, count, local_port, out);

  for (guint i = 0; i < count; i++)
    {
      Slot *slot = &s->slots[first + i];

      fill_slot (slot, out[i], batch[i].data, batch[i].size);
      slot->sender = senders[i];
      slot->hop_limit = batch[i].header.hop_limit;
      slot->interface_index = batch[i].header.interface_index;
    }
}

static void
run_op (State     *s,
        FuzzInput *in)
{
  Op op = fuzz_u8 (in) % N_OPS;
  guint i = fuzz_u8 (in) % N_SLOTS;
  Slot *slot = &s->slots[i];

  /* Operations on a datagram need one. */
  if (slot->datagram == NULL && op > OP_NEW_RECEIVED && op != OP_DROP_DATA)
    return;

  switch (op)
    {
    case OP_NEW:
    case OP_NEW_FROM_DATA:
      {
        const guint8 *data;
        gsize size = payload_from_input (s, in, &data);
        Endpoint destination;
        GInetAddress *address = address_from_input (in, &destination);
        QsNetworkDatagram *d;

        if (op == OP_NEW_FROM_DATA)
          {
            d = qs_network_datagram_new_from_data (size ? data : NULL, size, address, destination.port);
          }
        else
          {
            /* NULL data: an empty payload. */
            GBytes *bytes = size || (fuzz_u8 (in) & 1) ? g_bytes_new (data, size) : NULL;

            d = qs_network_datagram_new (bytes, address, destination.port);
            g_clear_pointer (&bytes, g_bytes_unref);
          }
        g_clear_object (&address);
        fill_slot (slot, d, data, size);
        slot->destination = destination;
        break;
      }

    case OP_NEW_RECEIVED:
      new_received (s, in, i);
      break;

    case OP_COPY:
      {
        Slot *to = &s->slots[fuzz_u8 (in) % N_SLOTS];
        Slot copy = *slot;

        if (to == slot)
          break;
        fill_slot (to, qs_network_datagram_copy (slot->datagram),
                   slot->payload->data, slot->payload->len);
        to->sender = copy.sender;
        to->destination = copy.destination;
        to->hop_limit = copy.hop_limit;
        to->interface_index = copy.interface_index;
        break;
      }

    case OP_MAKE_REPLY:
      {
        Slot *to = &s->slots[fuzz_u8 (in) % N_SLOTS];
        Slot original = *slot;
        const guint8 *data;
        gsize size;
        GBytes *payload;
        QsNetworkDatagram *reply;

        if (to == slot)
          break;
        size = payload_from_input (s, in, &data);
        payload = size || (fuzz_u8 (in) & 1) ? g_bytes_new (data, size) : NULL;
        reply = qs_network_datagram_make_reply (slot->datagram, payload);
        g_clear_pointer (&payload, g_bytes_unref);
        /* Qt: the reply goes to the sender, from the destination unless
         * that was a multicast group. */
        fill_slot (to, reply, data, size);
        to->destination = original.sender;
        if (original.destination.family != G_SOCKET_FAMILY_INVALID &&
            !endpoint_is_multicast (&original.destination))
          to->sender = original.destination;
        to->interface_index = original.interface_index;
        break;
      }

    case OP_REF:
      if (slot->refs < 4)
        {
          check (qs_network_datagram_ref (slot->datagram) == slot->datagram);
          slot->refs++;
        }
      break;

    case OP_UNREF:
      qs_network_datagram_unref (slot->datagram);
      if (--slot->refs == 0)
        drop_slot (slot);
      break;

    case OP_CLEAR:
      qs_network_datagram_clear (slot->datagram);
      g_byte_array_set_size (slot->payload, 0);
      slot->sender.family = G_SOCKET_FAMILY_INVALID;
      slot->destination.family = G_SOCKET_FAMILY_INVALID;
      slot->hop_limit = -1;
      slot->interface_index = 0;
      break;

    case OP_GET_DATA:
      fuzz_held_add (&s->held, qs_network_datagram_get_data (slot->datagram), i);
      break;

    case OP_DROP_DATA:
      if (s->held.n > 0)
        fuzz_held_drop (&s->held, i % s->held.n);
      break;

    case OP_SET_DATA:
      {
        const guint8 *data;
        gsize size = payload_from_input (s, in, &data);
        GBytes *bytes = size || (fuzz_u8 (in) & 1) ? g_bytes_new (data, size) : NULL;

        qs_network_datagram_set_data (slot->datagram, bytes);
        g_clear_pointer (&bytes, g_bytes_unref);
        g_byte_array_set_size (slot->payload, 0);
        g_byte_array_append (slot->payload, data, size);
        break;
      }

    case OP_SET_SENDER:
    case OP_SET_DESTINATION:
      {
        Endpoint e;
        GInetAddress *address = address_from_input (in, &e);

        if (op == OP_SET_SENDER)
          {
            qs_network_datagram_set_sender (slot->datagram, address, e.port);
            slot->sender = e;
          }
        else
          {
            qs_network_datagram_set_destination (slot->datagram, address, e.port);
            slot->destination = e;
          }
        g_clear_object (&address);
        break;
      }

    case OP_SET_HOP_LIMIT:
      slot->hop_limit = (int) fuzz_u32 (in);
      qs_network_datagram_set_hop_limit (slot->datagram, slot->hop_limit);
      break;

    case OP_SET_INTERFACE_INDEX:
      slot->interface_index = fuzz_u32 (in);
      qs_network_datagram_set_interface_index (slot->datagram, slot->interface_index);
      break;

    case OP_DESCRIBE:
      {
        QsDatagramOut out;

        _qs_network_datagram_describe (slot->datagram, &out);
        check (out.size == slot->payload->len);
        check (fuzz_same (out.data, slot->payload->data, out.size));
        check ((out.source != NULL) == (slot->sender.family != G_SOCKET_FAMILY_INVALID));
        check ((out.destination != NULL) == (slot->destination.family != G_SOCKET_FAMILY_INVALID));
        check (out.hop_limit == slot->hop_limit);
        check (out.interface_index == slot->interface_index);
        break;
      }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FuzzInput in = fuzz_start (data, size);
  State s = { 0 };

  s.scratch = g_malloc (MAX_PAYLOAD);

  while (!fuzz_input_done (&in))
    {
      run_op (&s, &in);
      for (guint i = 0; i < N_SLOTS; i++)
        check_slot (&s.slots[i]);
    }

  /* Held payloads outlive their datagrams. */
  for (guint i = 0; i < N_SLOTS; i++)
    drop_slot (&s.slots[i]);
  while (s.held.n > 0)
    fuzz_held_drop (&s.held, 0);
  g_free (s.scratch);
  return 0;
}
