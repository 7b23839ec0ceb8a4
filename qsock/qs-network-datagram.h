/* qs-network-datagram.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsNetworkDatagram: a datagram with its addresses (Qt's QNetworkDatagram).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_NETWORK_DATAGRAM (qs_network_datagram_get_type ())

typedef struct _QsNetworkDatagram QsNetworkDatagram;

QS_AVAILABLE_IN_ALL
GType              qs_network_datagram_get_type                (void) G_GNUC_CONST;

/* Construction and lifetime */
QS_AVAILABLE_IN_ALL
QsNetworkDatagram *qs_network_datagram_new                     (GBytes            *data,
                                                                GInetAddress      *destination_address,
                                                                guint16            port);
QS_AVAILABLE_IN_ALL
QsNetworkDatagram *qs_network_datagram_new_from_data           (const guint8      *data,
                                                                gsize              size,
                                                                GInetAddress      *destination_address,
                                                                guint16            port);
QS_AVAILABLE_IN_ALL
QsNetworkDatagram *qs_network_datagram_ref                     (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
void               qs_network_datagram_unref                   (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
QsNetworkDatagram *qs_network_datagram_copy                    (QsNetworkDatagram *self);

/* Accessors */
QS_AVAILABLE_IN_ALL
gboolean           qs_network_datagram_is_valid                (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
gboolean           qs_network_datagram_is_null                 (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
void               qs_network_datagram_clear                   (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
GBytes            *qs_network_datagram_get_data                (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
void               qs_network_datagram_set_data                (QsNetworkDatagram *self,
                                                                GBytes            *data);
QS_AVAILABLE_IN_ALL
GInetAddress      *qs_network_datagram_get_sender_address      (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
int                qs_network_datagram_get_sender_port         (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
void               qs_network_datagram_set_sender              (QsNetworkDatagram *self,
                                                                GInetAddress      *address,
                                                                guint16            port);
QS_AVAILABLE_IN_ALL
GInetAddress      *qs_network_datagram_get_destination_address (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
int                qs_network_datagram_get_destination_port    (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
void               qs_network_datagram_set_destination         (QsNetworkDatagram *self,
                                                                GInetAddress      *address,
                                                                guint16            port);
QS_AVAILABLE_IN_ALL
int                qs_network_datagram_get_hop_limit           (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
void               qs_network_datagram_set_hop_limit           (QsNetworkDatagram *self,
                                                                int                count);
QS_AVAILABLE_IN_ALL
guint              qs_network_datagram_get_interface_index     (QsNetworkDatagram *self);
QS_AVAILABLE_IN_ALL
void               qs_network_datagram_set_interface_index     (QsNetworkDatagram *self,
                                                                guint              index);
QS_AVAILABLE_IN_ALL
QsNetworkDatagram *qs_network_datagram_make_reply              (QsNetworkDatagram *self,
                                                                GBytes            *payload);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QsNetworkDatagram, qs_network_datagram_unref)

G_END_DECLS
