/* qs-tcp-server.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsTcpServer: accepts TCP connections (Qt's QTcpServer).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "qs-enums.h"
#include "qs-network-proxy.h"
#include "qs-tcp-socket.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_TCP_SERVER (qs_tcp_server_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsTcpServer, qs_tcp_server, QS, TCP_SERVER, GObject)

/**
 * QsTcpServerClass:
 * @parent_class: the parent class
 * @incoming_connection: called with each accepted descriptor; the default
 *   wraps it in a [class@Qs.TcpSocket] and calls
 *   [method@Qs.TcpServer.add_pending_connection]. An override owns the descriptor.
 * @has_pending_connections: whether a connection is waiting
 * @next_pending_connection: hands the next waiting connection to the caller
 *
 * The virtual methods of [class@Qs.TcpServer].
 *
 * Since: 1.0
 */
struct _QsTcpServerClass
{
  GObjectClass parent_class;

  void          (*incoming_connection)     (QsTcpServer *self,
                                            int          socket_descriptor);
  gboolean      (*has_pending_connections) (QsTcpServer *self);
  QsTcpSocket * (*next_pending_connection) (QsTcpServer *self);

  /*< private >*/
  gpointer padding[12];
};

QS_AVAILABLE_IN_ALL
QsTcpServer  *qs_tcp_server_new                        (void);
QS_AVAILABLE_IN_ALL
gboolean      qs_tcp_server_listen                     (QsTcpServer  *self,
                                                        GInetAddress *address,
                                                        guint16       port);
QS_AVAILABLE_IN_ALL
void          qs_tcp_server_close                      (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
gboolean      qs_tcp_server_is_listening               (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
guint16       qs_tcp_server_get_server_port            (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
GInetAddress *qs_tcp_server_get_server_address         (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
QsSocketError qs_tcp_server_get_server_error           (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
const char   *qs_tcp_server_get_error_string           (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
int           qs_tcp_server_get_socket_descriptor      (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
gboolean      qs_tcp_server_set_socket_descriptor      (QsTcpServer  *self,
                                                        int           socket_descriptor);
QS_AVAILABLE_IN_ALL
void          qs_tcp_server_set_max_pending_connections (QsTcpServer *self,
                                                        int           num_connections);
QS_AVAILABLE_IN_ALL
int           qs_tcp_server_get_max_pending_connections (QsTcpServer *self);
QS_AVAILABLE_IN_ALL
void          qs_tcp_server_set_listen_backlog_size    (QsTcpServer  *self,
                                                        int           size);
QS_AVAILABLE_IN_ALL
int           qs_tcp_server_get_listen_backlog_size    (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
void          qs_tcp_server_set_proxy                  (QsTcpServer    *self,
                                                        QsNetworkProxy *network_proxy);
QS_AVAILABLE_IN_ALL
QsNetworkProxy *qs_tcp_server_get_proxy                (QsTcpServer    *self);
QS_AVAILABLE_IN_ALL
gboolean      qs_tcp_server_has_pending_connections    (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
QsTcpSocket  *qs_tcp_server_next_pending_connection    (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
gboolean      qs_tcp_server_wait_for_new_connection    (QsTcpServer  *self,
                                                        int           msecs,
                                                        gboolean     *timed_out);
QS_AVAILABLE_IN_ALL
void          qs_tcp_server_pause_accepting            (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
void          qs_tcp_server_resume_accepting           (QsTcpServer  *self);
QS_AVAILABLE_IN_ALL
void          qs_tcp_server_add_pending_connection     (QsTcpServer  *self,
                                                        QsTcpSocket  *socket);

G_END_DECLS
