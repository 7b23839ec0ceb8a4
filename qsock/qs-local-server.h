/* qs-local-server.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsLocalServer: accepts Unix-domain connections (Qt's QLocalServer).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <glib-object.h>

#include "qs-enums.h"
#include "qs-local-socket.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_LOCAL_SERVER (qs_local_server_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsLocalServer, qs_local_server, QS, LOCAL_SERVER, GObject)

/**
 * QsLocalServerClass:
 * @parent_class: the parent class
 * @incoming_connection: called with each accepted descriptor; the default
 *   wraps it in a connected [class@Qs.LocalSocket], queues it and emits
 *   [signal@Qs.LocalServer::new-connection]. An override owns the descriptor.
 * @has_pending_connections: whether a connection is waiting
 * @next_pending_connection: hands the next waiting connection to the caller
 *
 * The virtual methods of [class@Qs.LocalServer].
 *
 * Since: 1.0
 */
struct _QsLocalServerClass
{
  GObjectClass parent_class;

  void            (*incoming_connection)     (QsLocalServer *self,
                                              int            socket_descriptor);
  gboolean        (*has_pending_connections) (QsLocalServer *self);
  QsLocalSocket * (*next_pending_connection) (QsLocalServer *self);

  /*< private >*/
  gpointer padding[12];
};

QS_AVAILABLE_IN_ALL
QsLocalServer   *qs_local_server_new                     (void);
QS_AVAILABLE_IN_ALL
gboolean         qs_local_server_listen                  (QsLocalServer              *self,
                                                          const char                 *name);
QS_AVAILABLE_IN_ALL
gboolean         qs_local_server_listen_on_descriptor    (QsLocalServer              *self,
                                                          int                         socket_descriptor);
QS_AVAILABLE_IN_ALL
gboolean         qs_local_server_remove_server           (const char                 *name);
QS_AVAILABLE_IN_ALL
void             qs_local_server_close                   (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
gboolean         qs_local_server_is_listening            (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
const char      *qs_local_server_get_server_name         (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
const char      *qs_local_server_get_full_server_name    (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
QsSocketError    qs_local_server_get_server_error        (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
const char      *qs_local_server_get_error_string        (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
int              qs_local_server_get_socket_descriptor   (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
void             qs_local_server_set_socket_options      (QsLocalServer              *self,
                                                          QsLocalServerSocketOptions  options);
QS_AVAILABLE_IN_ALL
QsLocalServerSocketOptions qs_local_server_get_socket_options (QsLocalServer         *self);
QS_AVAILABLE_IN_ALL
void             qs_local_server_set_listen_backlog_size (QsLocalServer              *self,
                                                          int                         size);
QS_AVAILABLE_IN_ALL
int              qs_local_server_get_listen_backlog_size (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
void             qs_local_server_set_max_pending_connections (QsLocalServer          *self,
                                                          int                         num_connections);
QS_AVAILABLE_IN_ALL
int              qs_local_server_get_max_pending_connections (QsLocalServer          *self);
QS_AVAILABLE_IN_ALL
gboolean         qs_local_server_has_pending_connections (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
QsLocalSocket   *qs_local_server_next_pending_connection (QsLocalServer              *self);
QS_AVAILABLE_IN_ALL
gboolean         qs_local_server_wait_for_new_connection (QsLocalServer              *self,
                                                          int                         msecs,
                                                          gboolean                   *timed_out);

G_END_DECLS
