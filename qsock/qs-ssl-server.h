/* qs-ssl-server.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsSslServer: a TCP server whose connections speak TLS (Qt's QSslServer).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "qs-enums.h"
#include "qs-tcp-server.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_SSL_SERVER (qs_ssl_server_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsSslServer, qs_ssl_server, QS, SSL_SERVER, QsTcpServer)

/**
 * QsSslServerClass:
 * @parent_class: the parent class
 *
 * The class structure of [class@Qs.SslServer]; it adds no virtual
 * methods: it overrides `incoming_connection`.
 *
 * Since: 1.0
 */
struct _QsSslServerClass
{
  QsTcpServerClass parent_class;

  /*< private >*/
  gpointer padding[12];
};

QS_AVAILABLE_IN_ALL
QsSslServer      *qs_ssl_server_new                    (void);
QS_AVAILABLE_IN_ALL
void              qs_ssl_server_set_local_certificate  (QsSslServer      *self,
                                                        GTlsCertificate  *certificate);
QS_AVAILABLE_IN_ALL
GTlsCertificate  *qs_ssl_server_get_local_certificate  (QsSslServer      *self);
QS_AVAILABLE_IN_ALL
void              qs_ssl_server_set_database           (QsSslServer      *self,
                                                        GTlsDatabase     *database);
QS_AVAILABLE_IN_ALL
GTlsDatabase     *qs_ssl_server_get_database           (QsSslServer      *self);
QS_AVAILABLE_IN_ALL
void              qs_ssl_server_set_peer_verify_mode   (QsSslServer      *self,
                                                        QsPeerVerifyMode  mode);
QS_AVAILABLE_IN_ALL
QsPeerVerifyMode  qs_ssl_server_get_peer_verify_mode   (QsSslServer      *self);
QS_AVAILABLE_IN_ALL
void              qs_ssl_server_set_handshake_timeout  (QsSslServer      *self,
                                                        int               timeout);
QS_AVAILABLE_IN_ALL
int               qs_ssl_server_get_handshake_timeout  (QsSslServer      *self);

G_END_DECLS
