/* qs-network-proxy-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. How a socket picks the proxy it connects through.
 */

#pragma once

#include "qs-network-proxy.h"

G_BEGIN_DECLS

/* Qt's QAbstractSocketPrivate::resolveProxy(): the proxy a socket whose
 * own proxy is @socket_proxy (NULL = DEFAULT_PROXY) uses to reach
 * @host_name: its own, else the application proxy, except for a local
 * destination (NO_PROXY). NULL when that proxy cannot carry the socket
 * (no tunneling capability for TCP, no UDP tunneling for @datagram):
 * Qt's "Operation on socket is not supported". (transfer full) */
QsNetworkProxy *_qs_network_proxy_resolve (QsNetworkProxy *socket_proxy,
                                           const char     *host_name,
                                           gboolean        datagram);

/* The setter and getter of a `proxy` property: stores @value in *@field
 * (a reference; NULL = DEFAULT_PROXY), TRUE when it changed; returns a
 * reference to *@field, or a new DEFAULT_PROXY when it is NULL. */
gboolean        _qs_network_proxy_store   (QsNetworkProxy **field,
                                           QsNetworkProxy  *value);
QsNetworkProxy *_qs_network_proxy_dup     (QsNetworkProxy  *field);

G_END_DECLS
