/* qs-ssl-socket.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsSslSocket: a TCP socket that speaks TLS (Qt's QSslSocket).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "qs-tcp-socket.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_SSL_SOCKET (qs_ssl_socket_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsSslSocket, qs_ssl_socket, QS, SSL_SOCKET, QsTcpSocket)

/**
 * QsSslSocketClass:
 * @parent_class: the parent class
 *
 * The class structure of [class@Qs.SslSocket]; it adds no virtual methods.
 *
 * Since: 1.0
 */
struct _QsSslSocketClass
{
  QsTcpSocketClass parent_class;

  /*< private >*/
  gpointer padding[12];
};

QS_AVAILABLE_IN_ALL
QsSslSocket         *qs_ssl_socket_new                       (void);
QS_AVAILABLE_IN_ALL
gboolean             qs_ssl_socket_supports_ssl              (void);
QS_AVAILABLE_IN_ALL
void                 qs_ssl_socket_connect_to_host_encrypted (QsSslSocket            *self,
                                                              const char             *host_name,
                                                              guint16                 port,
                                                              const char             *ssl_peer_name,
                                                              QsOpenMode              mode,
                                                              QsNetworkLayerProtocol  protocol);
QS_AVAILABLE_IN_ALL
void                 qs_ssl_socket_start_client_encryption   (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
void                 qs_ssl_socket_start_server_encryption   (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
gboolean             qs_ssl_socket_is_encrypted              (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
QsSslMode            qs_ssl_socket_get_mode                  (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
gboolean             qs_ssl_socket_wait_for_encrypted        (QsSslSocket            *self,
                                                              int                     msecs);
QS_AVAILABLE_IN_ALL
gint64               qs_ssl_socket_encrypted_bytes_available (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
gint64               qs_ssl_socket_encrypted_bytes_to_write  (QsSslSocket            *self);

QS_AVAILABLE_IN_ALL
void                 qs_ssl_socket_set_local_certificate     (QsSslSocket            *self,
                                                              GTlsCertificate        *certificate);
QS_AVAILABLE_IN_ALL
GTlsCertificate     *qs_ssl_socket_get_local_certificate     (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
void                 qs_ssl_socket_set_database              (QsSslSocket            *self,
                                                              GTlsDatabase           *database);
QS_AVAILABLE_IN_ALL
GTlsDatabase        *qs_ssl_socket_get_database              (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
const char          *qs_ssl_socket_get_session_cipher        (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
GTlsProtocolVersion  qs_ssl_socket_get_session_protocol      (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
GTlsCertificate     *qs_ssl_socket_get_peer_certificate      (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
QsPeerVerifyMode     qs_ssl_socket_get_peer_verify_mode      (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
void                 qs_ssl_socket_set_peer_verify_mode      (QsSslSocket            *self,
                                                              QsPeerVerifyMode        mode);
QS_AVAILABLE_IN_ALL
const char          *qs_ssl_socket_get_peer_verify_name      (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
void                 qs_ssl_socket_set_peer_verify_name      (QsSslSocket            *self,
                                                              const char             *host_name);
QS_AVAILABLE_IN_ALL
GTlsCertificateFlags qs_ssl_socket_get_ssl_handshake_errors  (QsSslSocket            *self);
QS_AVAILABLE_IN_ALL
void                 qs_ssl_socket_ignore_ssl_errors         (QsSslSocket            *self);

G_END_DECLS
