/* qs-proxy-handshake.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The client side of a SOCKS5 or HTTP CONNECT
 * handshake as a non-blocking state machine over a connected socket
 * engine. QsAbstractSocket drives it while it is CONNECTING; it knows
 * nothing of signals or Qt states.
 */

#pragma once

#include "qs-authenticator.h"
#include "qs-enums.h"
#include "qs-network-proxy.h"
#include "qs-socket-engine.h"

G_BEGIN_DECLS

typedef enum
{
  QS_PROXY_STEP_WAIT,         /* wait for the engine's readiness (see _get_events) */
  QS_PROXY_STEP_DONE,         /* the tunnel is up */
  QS_PROXY_STEP_FAILED,       /* see _get_error */
  QS_PROXY_STEP_AUTHENTICATE, /* ask the application, then call _authenticated */
  QS_PROXY_STEP_RECONNECT     /* open a new connection to the proxy, then _begin again */
} QsProxyStep;

typedef struct _QsProxyHandshake QsProxyHandshake;

/* A handshake through @proxy (SOCKS5_PROXY or HTTP_PROXY) to @host_name
 * (resolved by the proxy) or, when it is NULL, to @address. */
QsProxyHandshake *_qs_proxy_handshake_new          (QsNetworkProxy   *proxy,
                                                    const char       *host_name,
                                                    GInetAddress     *address,
                                                    guint16           port);
/* A SOCKS5 BIND (Qt's listening through a proxy) on IPv4's any address
 * and @port: DONE when the proxy bound (see _get_bound). */
QsProxyHandshake *_qs_proxy_handshake_new_bind     (QsNetworkProxy   *proxy,
                                                    guint16           port);
/* A SOCKS5 UDP ASSOCIATE for datagrams from @address:@port (the
 * client's UDP socket): DONE when the proxy's relay is ready (its
 * address and port: see _get_bound). */
QsProxyHandshake *_qs_proxy_handshake_new_udp_associate (QsNetworkProxy *proxy,
                                                         GInetAddress   *address,
                                                         guint16         port);
void              _qs_proxy_handshake_free         (QsProxyHandshake *self);

/* The proxy, with the credentials in use: what proxy-authentication-
 * required passes. (transfer none) */
QsNetworkProxy   *_qs_proxy_handshake_get_proxy    (QsProxyHandshake *self);

/* A (new) connection to the proxy is up: queues the first message. */
void              _qs_proxy_handshake_begin        (QsProxyHandshake *self);

/* Sends what is queued and reads and parses what arrived on @engine. */
QsProxyStep       _qs_proxy_handshake_step         (QsProxyHandshake *self,
                                                    QsSocketEngine   *engine);
/* What to watch while the step is WAIT. */
GIOCondition      _qs_proxy_handshake_get_events   (QsProxyHandshake *self);

/* After AUTHENTICATE: the authenticator to hand the application, (transfer
 * full), then what it filled in. */
QsAuthenticator  *_qs_proxy_handshake_new_authenticator (QsProxyHandshake *self);
QsProxyStep       _qs_proxy_handshake_authenticated (QsProxyHandshake *self,
                                                     QsAuthenticator  *authenticator,
                                                     QsSocketEngine   *engine);

/* After FAILED: the error and its (translated) message. */
QsSocketError     _qs_proxy_handshake_get_error    (QsProxyHandshake *self,
                                                    const char      **message);

/* After DONE: the bytes that came after the proxy's reply (transfer
 * full) (nullable), and for SOCKS5 the address the proxy bound
 * (FALSE for HTTP). */
GBytes           *_qs_proxy_handshake_take_leftover (QsProxyHandshake *self);
gboolean          _qs_proxy_handshake_get_bound    (QsProxyHandshake *self,
                                                    GInetAddress    **address,
                                                    guint16          *port);

/* Qt's Socks5BlockingBindTimeout: how long a BIND or UDP ASSOCIATE
 * blocks for the proxy. */
#define QS_PROXY_BLOCKING_TIMEOUT_MS 5000

/* Runs a SOCKS5 BIND or UDP ASSOCIATE to its end on a new connection
 * to the proxy, blocking up to QS_PROXY_BLOCKING_TIMEOUT_MS as Qt's
 * QSocks5SocketEngine::bind() does: looks the proxy's name up,
 * connects, runs the handshake; a request for credentials gets none
 * (Qt asks no one there). Returns the connection (events unset, @func
 * its callback) once the step is DONE, else NULL with Qt's error and
 * its translated message. */
QsSocketEngine   *_qs_proxy_handshake_run          (QsProxyHandshake    *self,
                                                    GMainContext        *context,
                                                    QsSocketEngineFunc   func,
                                                    gpointer             user_data,
                                                    QsSocketError       *error,
                                                    const char         **message);

/* The error of a connection to a proxy of @type that failed with @error
 * before the tunnel was up (Qt's mapping of its control socket's
 * errors); @message receives the translated text, NULL to keep the
 * socket error's own. */
QsSocketError     _qs_proxy_connect_error          (QsNetworkProxyType type,
                                                    QsSocketError      error,
                                                    const char       **message);

G_END_DECLS
