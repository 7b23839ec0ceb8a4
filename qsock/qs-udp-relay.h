/* qs-udp-relay.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. A UDP socket's datagrams through a SOCKS5 proxy's
 * relay (UDP ASSOCIATE, RFC 1928 §7), as Qt 6.4's QSocks5SocketEngine
 * relays them: each datagram sent goes to the relay with a header naming
 * its destination; each one received from the relay loses its header,
 * which names the real sender; one whose header Qt would not accept is
 * discarded. The association lives as long as the relay's connection to
 * the proxy. QsUdpSocket calls these instead of the engine's datagram
 * calls when its socket has a relay.
 */

#pragma once

#include "qs-network-proxy.h"
#include "qs-socket-engine.h"

G_BEGIN_DECLS

typedef struct _QsUdpRelay QsUdpRelay;

/* Asks @proxy (SOCKS5) to relay the datagrams of the UDP socket bound to
 * @address:@port, blocking as Qt does. NULL with Qt's error and its
 * translated message when the proxy cannot. */
QsUdpRelay *_qs_udp_relay_new                   (QsNetworkProxy       *proxy,
                                                 GInetAddress         *address,
                                                 guint16               port,
                                                 GMainContext         *context,
                                                 QsSocketError        *error,
                                                 const char          **message);
void        _qs_udp_relay_free                  (QsUdpRelay           *self);

/* The destination of datagrams sent without one (a connected socket). */
void        _qs_udp_relay_set_peer              (QsUdpRelay           *self,
                                                 GInetAddress         *address,
                                                 guint16               port);

/* _qs_socket_engine_send_datagrams() through the relay on @engine. */
int         _qs_udp_relay_send                  (QsUdpRelay           *self,
                                                 QsSocketEngine       *engine,
                                                 const QsDatagramOut  *datagrams,
                                                 guint                 count,
                                                 int                  *error_number);
/* _qs_socket_engine_receive_datagram() of the next datagram the relay
 * passed on: its payload truncated to @size, its real sender in
 * @header (no destination, hop limit or interface: Qt has none). */
gssize      _qs_udp_relay_receive               (QsUdpRelay           *self,
                                                 QsSocketEngine       *engine,
                                                 guint8               *buffer,
                                                 gsize                 size,
                                                 QsDatagramHeader     *header,
                                                 int                  *error_number);
/* _qs_socket_engine_receive_datagrams() likewise; *@datagrams is the
 * relay's memory, valid until its next call. */
int         _qs_udp_relay_receive_datagrams     (QsUdpRelay           *self,
                                                 QsSocketEngine       *engine,
                                                 guint                 count,
                                                 gsize                 size,
                                                 const QsDatagramIn  **datagrams,
                                                 int                  *error_number);
/* The payload size of the next datagram, -1 when none is pending. */
gint64      _qs_udp_relay_pending_datagram_size (QsUdpRelay           *self,
                                                 QsSocketEngine       *engine);

G_END_DECLS
