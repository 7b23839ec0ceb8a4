/* qs-tcp-server-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. What QsSslServer needs of QsTcpServer.
 */

#pragma once

#include "qs-tcp-server.h"

G_BEGIN_DECLS

/* Qt 6.4's QSslServer queues a connection, and emits newConnection, only
 * once its handshake is done: the accept loop then leaves new-connection
 * to the subclass, which emits it with _qs_tcp_server_emit_new_connection(). */
void          _qs_tcp_server_set_defers_new_connection (QsTcpServer *self,
                                                        gboolean     defers);
void          _qs_tcp_server_emit_new_connection       (QsTcpServer *self);
GMainContext *_qs_tcp_server_get_context               (QsTcpServer *self);

G_END_DECLS
