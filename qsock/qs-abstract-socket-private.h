/* qs-abstract-socket-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. What the socket subclasses inside the library use.
 */

#pragma once

#include "qs-abstract-socket.h"
#include "qs-socket-engine.h"
#include "qs-stream-pump.h"
#include "qs-udp-relay.h"

G_BEGIN_DECLS

/* Called from a subclass's instance init: the type a plain g_object_new()
 * of that subclass gets (an explicit socket-type property still wins). */
void _qs_abstract_socket_init_socket_type (QsAbstractSocket *self,
                                           QsSocketType      socket_type);

/* What QsUdpSocket needs of its base, as QUdpSocket reaches into
 * QAbstractSocketPrivate: the engine (NULL while there is none), the
 * state and local port, the context, the error setters, and the
 * datagram read re-arm. */
QsSocketEngine *_qs_abstract_socket_get_engine          (QsAbstractSocket *self);
/* The engine, and in *@relay the UDP relay datagrams go through (NULL:
 * directly), in one call for the datagram calls. */
QsSocketEngine *_qs_abstract_socket_get_datagram_engine (QsAbstractSocket  *self,
                                                         QsUdpRelay       **relay);
QsSocketState   _qs_abstract_socket_get_state           (QsAbstractSocket *self);
guint16         _qs_abstract_socket_get_local_port      (QsAbstractSocket *self);
GMainContext   *_qs_abstract_socket_get_context         (QsAbstractSocket *self);
void            _qs_abstract_socket_set_error           (QsAbstractSocket *self,
                                                         QsSocketError     error,
                                                         const char       *message,
                                                         gboolean          emit);
void            _qs_abstract_socket_set_error_from_errno (QsAbstractSocket *self,
                                                         QsEngineOp        op,
                                                         int               error_number,
                                                         gboolean          emit);
void            _qs_abstract_socket_datagram_read       (QsAbstractSocket *self);

/* What QsTcpServer needs after a SOCKS5 BIND: the socket it made from the
 * connection to the proxy behaves as tunneled through SOCKS5. */
void            _qs_abstract_socket_take_bind_tunnel    (QsAbstractSocket *self,
                                                         GInetAddress     *local,
                                                         guint16           local_port);

/* What QsSslSocket needs: the pump (to hand it a TLS connection), and a
 * call when a connection is up, before connected is emitted (Qt's
 * QSslSocket starts its handshake there). */
typedef void (*QsAbstractSocketHook) (QsAbstractSocket *self);

QsStreamPump   *_qs_abstract_socket_get_pump            (QsAbstractSocket *self);
void            _qs_abstract_socket_set_established_hook (QsAbstractSocket    *self,
                                                          QsAbstractSocketHook hook);

G_END_DECLS
