/* qs-tcp-socket.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsTcpSocket: a TCP socket (Qt's QTcpSocket).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include "qs-abstract-socket.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_TCP_SOCKET (qs_tcp_socket_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsTcpSocket, qs_tcp_socket, QS, TCP_SOCKET, QsAbstractSocket)

/**
 * QsTcpSocketClass:
 * @parent_class: the parent class
 *
 * The class structure of [class@Qs.TcpSocket]; it adds no virtual methods.
 *
 * Since: 1.0
 */
struct _QsTcpSocketClass
{
  QsAbstractSocketClass parent_class;

  /*< private >*/
  gpointer padding[12];
};

QS_AVAILABLE_IN_ALL
QsTcpSocket *qs_tcp_socket_new (void);

G_END_DECLS
