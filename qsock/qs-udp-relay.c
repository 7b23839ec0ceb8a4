/* qs-udp-relay.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Datagrams through a SOCKS5 proxy's UDP relay (see qs-udp-relay.h).
 * A direct socket never comes here: QsUdpSocket tests for a relay once
 * per call. The headers are built and parsed by qs-proxy-parser.c.
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include "qs-proxy-handshake.h"
#include "qs-proxy-parser.h"
#include "qs-udp-relay.h"

/* Room for the largest datagram with its header. */
#define RELAY_BUFFER_SIZE (QS_SOCKS5_UDP_HEADER_MAX + 65536)

struct _QsUdpRelay
{
  QsSocketEngine *control;   /* (owned): the connection to the proxy, which keeps the association */
  QsInetEndpoint  relay;     /* where the datagrams go: the proxy's BND.ADDR and BND.PORT */
  QsInetEndpoint  peer;      /* a connected socket's destination; family INVALID: none */
  guint8         *buffer;    /* (owned): RELAY_BUFFER_SIZE bytes, one datagram with its header */
  QsDatagramIn   *received;  /* (owned): what _receive_datagrams returns */
  guint           received_capacity;
};

/* The connection to the proxy is never watched: the association ends
 * with the socket. */
static void
on_control_ready (GIOCondition condition,
                  gpointer     user_data)
{
}

QsUdpRelay *
_qs_udp_relay_new (QsNetworkProxy *proxy,
                   GInetAddress   *address,
                   guint16         port,
                   GMainContext   *context,
                   QsSocketError  *error,
                   const char    **message)
{
  QsProxyHandshake *handshake = _qs_proxy_handshake_new_udp_associate (proxy, address, port);
  g_autoptr(GInetAddress) relay_address = NULL;
  guint16 relay_port = 0;
  QsSocketEngine *control;
  QsUdpRelay *self;

  control = _qs_proxy_handshake_run (handshake, context, on_control_ready, NULL, error, message);
  if (control == NULL || !_qs_proxy_handshake_get_bound (handshake, &relay_address, &relay_port))
    {
      g_clear_pointer (&control, _qs_socket_engine_free);
      _qs_proxy_handshake_free (handshake);
      return NULL;
    }
  _qs_proxy_handshake_free (handshake);

  self = g_new0 (QsUdpRelay, 1);
  self->control = control;
  _qs_inet_endpoint_set (&self->relay, relay_address, relay_port);
  self->buffer = g_malloc (RELAY_BUFFER_SIZE);
  return self;
}

void
_qs_udp_relay_free (QsUdpRelay *self)
{
  if (self == NULL)
    return;
  _qs_socket_engine_free (self->control);
  g_free (self->buffer);
  g_free (self->received);
  g_free (self);
}

void
_qs_udp_relay_set_peer (QsUdpRelay   *self,
                        GInetAddress *address,
                        guint16       port)
{
  _qs_inet_endpoint_set (&self->peer, address, port);
}

int
_qs_udp_relay_send (QsUdpRelay          *self,
                    QsSocketEngine      *engine,
                    const QsDatagramOut *datagrams,
                    guint                count,
                    int                 *error_number)
{
  guint sent;

  for (sent = 0; sent < count; sent++)
    {
      const QsDatagramOut *datagram = &datagrams[sent];
      const QsInetEndpoint *destination = datagram->destination ? datagram->destination : &self->peer;
      QsDatagramOut out = *datagram;
      gsize header_size;

      if (datagram->size > RELAY_BUFFER_SIZE - QS_SOCKS5_UDP_HEADER_MAX)
        {
          *error_number = EMSGSIZE;
          break;
        }
      /* Without a destination (connected to a name) Qt sends the header's
       * first three bytes only: the relay drops such a datagram. */
      if (destination->family == G_SOCKET_FAMILY_INVALID)
        {
          header_size = 3;
          memset (self->buffer, 0, header_size);
        }
      else
        header_size = _qs_socks5_build_udp_header (self->buffer, destination->family,
                                                   destination->bytes, destination->port);
      if (datagram->size > 0)
        memcpy (self->buffer + header_size, datagram->data, datagram->size);
      out.data = self->buffer;
      out.size = header_size + datagram->size;
      out.destination = &self->relay;
      if (_qs_socket_engine_send_datagrams (engine, &out, 1, error_number) < 0)
        break;
    }
  return sent == 0 && count > 0 ? -1 : (int) sent;
}

/* What a relayed datagram's header tells: only its sender. */
static void
set_header (QsDatagramHeader    *header,
            const QsSocks5Reply *parsed)
{
  memset (header, 0, sizeof *header);
  header->sender.family = parsed->family;
  memcpy (header->sender.bytes, parsed->address, sizeof header->sender.bytes);
  header->sender.port = parsed->port;
  header->hop_limit = -1;
}

gssize
_qs_udp_relay_receive (QsUdpRelay       *self,
                       QsSocketEngine   *engine,
                       guint8           *buffer,
                       gsize             size,
                       QsDatagramHeader *header,
                       int              *error_number)
{
  gsize room = MIN (size, RELAY_BUFFER_SIZE - QS_SOCKS5_UDP_HEADER_MAX) + QS_SOCKS5_UDP_HEADER_MAX;

  for (;;)
    {
      gssize n = _qs_socket_engine_receive_datagram (engine, self->buffer, room, QS_DATAGRAM_WANT_NONE,
                                                     NULL, error_number);
      QsSocks5Reply parsed;
      gsize payload;

      if (n < 0)
        return -1;
      if (!_qs_socks5_parse_udp_header (self->buffer, n, &parsed))
        continue;   /* Qt discards it */
      payload = MIN (size, n - parsed.consumed);
      if (payload > 0)
        memcpy (buffer, self->buffer + parsed.consumed, payload);
      set_header (header, &parsed);
      return payload;
    }
}

int
_qs_udp_relay_receive_datagrams (QsUdpRelay          *self,
                                 QsSocketEngine      *engine,
                                 guint                count,
                                 gsize                size,
                                 const QsDatagramIn **datagrams,
                                 int                 *error_number)
{
  int kept = 0;

  if (self->received_capacity < count)
    {
      self->received = g_renew (QsDatagramIn, self->received, count);
      self->received_capacity = count;
    }

  /* A batch of discarded datagrams only: the next one, if any. */
  while (kept == 0)
    {
      const QsDatagramIn *in = NULL;
      int n = _qs_socket_engine_receive_datagrams (engine, count, size + QS_SOCKS5_UDP_HEADER_MAX,
                                                   &in, error_number);

      if (n < 0)
        return -1;
      for (int i = 0; i < n; i++)
        {
          QsDatagramIn *out = &self->received[kept];
          QsSocks5Reply parsed;

          if (!_qs_socks5_parse_udp_header (in[i].data, in[i].size, &parsed))
            continue;
          out->data = in[i].data + parsed.consumed;
          out->size = MIN (size, in[i].size - parsed.consumed);
          set_header (&out->header, &parsed);
          kept++;
        }
    }
  *datagrams = self->received;
  return kept;
}

gint64
_qs_udp_relay_pending_datagram_size (QsUdpRelay     *self,
                                     QsSocketEngine *engine)
{
  int fd = _qs_socket_engine_get_fd (engine);

  for (;;)
    {
      QsSocks5Reply parsed;
      gssize n;

      do
        n = recv (fd, self->buffer, QS_SOCKS5_UDP_HEADER_MAX, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        return -1;
      if (_qs_socks5_parse_udp_header (self->buffer, MIN (n, QS_SOCKS5_UDP_HEADER_MAX), &parsed))
        return n - parsed.consumed;
      /* Discarded, as Qt does when it reads it. */
      recv (fd, self->buffer, 0, MSG_DONTWAIT);
    }
}
