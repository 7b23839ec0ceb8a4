/* qs-network-proxy.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsNetworkProxy: proxy settings (Qt's QNetworkProxy).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "qs-enums.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_NETWORK_PROXY (qs_network_proxy_get_type ())

typedef struct _QsNetworkProxy QsNetworkProxy;

QS_AVAILABLE_IN_ALL
GType                      qs_network_proxy_get_type              (void) G_GNUC_CONST;

/* Construction and lifetime */
QS_AVAILABLE_IN_ALL
QsNetworkProxy            *qs_network_proxy_new                   (QsNetworkProxyType          type,
                                                                   const char                 *host_name,
                                                                   guint16                     port,
                                                                   const char                 *user,
                                                                   const char                 *password);
QS_AVAILABLE_IN_ALL
QsNetworkProxy            *qs_network_proxy_ref                   (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_unref                 (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
QsNetworkProxy            *qs_network_proxy_copy                  (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
gboolean                   qs_network_proxy_equal                 (QsNetworkProxy             *self,
                                                                   QsNetworkProxy             *other);

/* Accessors */
QS_AVAILABLE_IN_ALL
QsNetworkProxyType         qs_network_proxy_get_proxy_type        (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_set_proxy_type        (QsNetworkProxy             *self,
                                                                   QsNetworkProxyType          type);
QS_AVAILABLE_IN_ALL
const char                *qs_network_proxy_get_host_name         (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_set_host_name         (QsNetworkProxy             *self,
                                                                   const char                 *host_name);
QS_AVAILABLE_IN_ALL
guint16                    qs_network_proxy_get_port              (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_set_port              (QsNetworkProxy             *self,
                                                                   guint16                     port);
QS_AVAILABLE_IN_ALL
const char                *qs_network_proxy_get_user              (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_set_user              (QsNetworkProxy             *self,
                                                                   const char                 *user);
QS_AVAILABLE_IN_ALL
const char                *qs_network_proxy_get_password          (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_set_password          (QsNetworkProxy             *self,
                                                                   const char                 *password);
QS_AVAILABLE_IN_ALL
QsNetworkProxyCapabilities qs_network_proxy_get_capabilities      (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_set_capabilities      (QsNetworkProxy             *self,
                                                                   QsNetworkProxyCapabilities  capabilities);
QS_AVAILABLE_IN_ALL
gboolean                   qs_network_proxy_is_caching_proxy      (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
gboolean                   qs_network_proxy_is_transparent_proxy  (QsNetworkProxy             *self);
QS_AVAILABLE_IN_ALL
gboolean                   qs_network_proxy_has_raw_header        (QsNetworkProxy             *self,
                                                                   const char                 *header_name);
QS_AVAILABLE_IN_ALL
GBytes                    *qs_network_proxy_get_raw_header        (QsNetworkProxy             *self,
                                                                   const char                 *header_name);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_set_raw_header        (QsNetworkProxy             *self,
                                                                   const char                 *header_name,
                                                                   GBytes                     *value);
QS_AVAILABLE_IN_ALL
char                     **qs_network_proxy_get_raw_header_list   (QsNetworkProxy             *self);

/* Application proxy */
QS_AVAILABLE_IN_ALL
QsNetworkProxy            *qs_network_proxy_get_application_proxy (void);
QS_AVAILABLE_IN_ALL
void                       qs_network_proxy_set_application_proxy (QsNetworkProxy             *network_proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QsNetworkProxy, qs_network_proxy_unref)

G_END_DECLS
