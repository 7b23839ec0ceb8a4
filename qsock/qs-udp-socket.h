/* qs-udp-socket.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsUdpSocket: a UDP socket (Qt's QUdpSocket).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include "qs-abstract-socket.h"
#include "qs-network-datagram.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_UDP_SOCKET (qs_udp_socket_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsUdpSocket, qs_udp_socket, QS, UDP_SOCKET, QsAbstractSocket)

/**
 * QsUdpSocketClass:
 * @parent_class: the parent class
 *
 * The class structure of [class@Qs.UdpSocket]; it adds no virtual methods.
 *
 * Since: 1.0
 */
struct _QsUdpSocketClass
{
  QsAbstractSocketClass parent_class;

  /*< private >*/
  gpointer padding[12];
};

/* Construction */
QS_AVAILABLE_IN_ALL
QsUdpSocket       *qs_udp_socket_new                     (void);

/* Datagrams */
QS_AVAILABLE_IN_ALL
gboolean           qs_udp_socket_has_pending_datagrams   (QsUdpSocket        *self);
QS_AVAILABLE_IN_ALL
gint64             qs_udp_socket_pending_datagram_size   (QsUdpSocket        *self);
QS_AVAILABLE_IN_ALL
gint64             qs_udp_socket_read_datagram           (QsUdpSocket        *self,
                                                          guint8             *data,
                                                          gsize               max_size,
                                                          GInetAddress      **address,
                                                          guint16            *port);
QS_AVAILABLE_IN_ALL
GBytes            *qs_udp_socket_read_datagram_bytes     (QsUdpSocket        *self,
                                                          gsize               max_size,
                                                          GInetAddress      **address,
                                                          guint16            *port);
QS_AVAILABLE_IN_ALL
QsNetworkDatagram *qs_udp_socket_receive_datagram        (QsUdpSocket        *self,
                                                          gint64              max_size);
QS_AVAILABLE_IN_ALL
gint64             qs_udp_socket_write_datagram          (QsUdpSocket        *self,
                                                          const guint8       *data,
                                                          gsize               size,
                                                          GInetAddress       *address,
                                                          guint16             port);
QS_AVAILABLE_IN_ALL
gint64             qs_udp_socket_write_datagram_bytes    (QsUdpSocket        *self,
                                                          GBytes             *data,
                                                          GInetAddress       *address,
                                                          guint16             port);
QS_AVAILABLE_IN_ALL
gint64             qs_udp_socket_write_network_datagram  (QsUdpSocket        *self,
                                                          QsNetworkDatagram  *datagram);

/* Batched datagrams */
QS_AVAILABLE_IN_ALL
GPtrArray         *qs_udp_socket_read_datagrams          (QsUdpSocket        *self,
                                                          guint               max_count,
                                                          gint64              max_size);
QS_AVAILABLE_IN_ALL
int                qs_udp_socket_write_datagrams         (QsUdpSocket        *self,
                                                          GPtrArray          *datagrams);

/* Multicast */
QS_AVAILABLE_IN_ALL
gboolean           qs_udp_socket_join_multicast_group    (QsUdpSocket        *self,
                                                          GInetAddress       *group_address,
                                                          const char         *iface_name);
QS_AVAILABLE_IN_ALL
gboolean           qs_udp_socket_leave_multicast_group   (QsUdpSocket        *self,
                                                          GInetAddress       *group_address,
                                                          const char         *iface_name);
QS_AVAILABLE_IN_ALL
const char        *qs_udp_socket_get_multicast_interface (QsUdpSocket        *self);
QS_AVAILABLE_IN_ALL
void               qs_udp_socket_set_multicast_interface (QsUdpSocket        *self,
                                                          const char         *iface_name);

G_END_DECLS
