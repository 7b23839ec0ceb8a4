/* qs-abstract-socket.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsAbstractSocket: the TCP/UDP socket state machine (Qt's QAbstractSocket).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "qs-enums.h"
#include "qs-io-device.h"
#include "qs-network-proxy.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_ABSTRACT_SOCKET (qs_abstract_socket_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsAbstractSocket, qs_abstract_socket, QS, ABSTRACT_SOCKET, QsIODevice)

/**
 * QsAbstractSocketClass:
 * @parent_class: the parent class
 * @resume: continues a connection paused by [property@Qs.AbstractSocket:pause-mode]
 * @bind: binds the socket
 * @connect_to_host: starts a connection; [method@Qs.AbstractSocket.connect_to_address]
 *   dispatches here too
 * @disconnect_from_host: closes the connection once queued data is written
 * @set_read_buffer_size: limits the read buffer
 * @get_socket_descriptor: the native descriptor, or -1
 * @set_socket_descriptor: adopts a native descriptor
 * @set_socket_option: sets a socket option
 * @get_socket_option: reads a socket option
 * @wait_for_connected: blocks until connected
 * @wait_for_disconnected: blocks until disconnected
 *
 * The virtual methods of [class@Qs.AbstractSocket].
 *
 * Since: 1.0
 */
struct _QsAbstractSocketClass
{
  QsIODeviceClass parent_class;

  void     (*resume)                (QsAbstractSocket       *self);
  gboolean (*bind)                  (QsAbstractSocket       *self,
                                     GInetAddress           *address,
                                     guint16                 port,
                                     QsBindFlags             mode);
  void     (*connect_to_host)       (QsAbstractSocket       *self,
                                     const char             *host_name,
                                     guint16                 port,
                                     QsOpenMode              mode,
                                     QsNetworkLayerProtocol  protocol);
  void     (*disconnect_from_host)  (QsAbstractSocket       *self);
  void     (*set_read_buffer_size)  (QsAbstractSocket       *self,
                                     gint64                  size);
  int      (*get_socket_descriptor) (QsAbstractSocket       *self);
  gboolean (*set_socket_descriptor) (QsAbstractSocket       *self,
                                     int                     socket_descriptor,
                                     QsSocketState           state,
                                     QsOpenMode              open_mode);
  void     (*set_socket_option)     (QsAbstractSocket       *self,
                                     QsSocketOption          option,
                                     int                     value);
  int      (*get_socket_option)     (QsAbstractSocket       *self,
                                     QsSocketOption          option);
  gboolean (*wait_for_connected)    (QsAbstractSocket       *self,
                                     int                     msecs);
  gboolean (*wait_for_disconnected) (QsAbstractSocket       *self,
                                     int                     msecs);

  /*< private >*/
  gpointer padding[12];
};

/* Connecting */
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_connect_to_host       (QsAbstractSocket       *self,
                                                        const char             *host_name,
                                                        guint16                 port,
                                                        QsOpenMode              mode,
                                                        QsNetworkLayerProtocol  protocol);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_connect_to_address    (QsAbstractSocket       *self,
                                                        GInetAddress           *address,
                                                        guint16                 port,
                                                        QsOpenMode              mode);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_disconnect_from_host  (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_abort                 (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
gboolean      qs_abstract_socket_bind                  (QsAbstractSocket       *self,
                                                        GInetAddress           *address,
                                                        guint16                 port,
                                                        QsBindFlags             mode);
QS_AVAILABLE_IN_ALL
gboolean      qs_abstract_socket_wait_for_connected    (QsAbstractSocket       *self,
                                                        int                     msecs);
QS_AVAILABLE_IN_ALL
gboolean      qs_abstract_socket_wait_for_disconnected (QsAbstractSocket       *self,
                                                        int                     msecs);
QS_AVAILABLE_IN_ALL
gboolean      qs_abstract_socket_flush                 (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_resume                (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
QsPauseModes  qs_abstract_socket_get_pause_mode        (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_pause_mode        (QsAbstractSocket       *self,
                                                        QsPauseModes            pause_mode);

/* State and addresses */
QS_AVAILABLE_IN_ALL
gboolean      qs_abstract_socket_is_valid              (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
QsSocketType  qs_abstract_socket_get_socket_type       (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
QsSocketState qs_abstract_socket_get_state             (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
QsSocketError qs_abstract_socket_get_error             (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
guint16       qs_abstract_socket_get_local_port        (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
GInetAddress *qs_abstract_socket_get_local_address     (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
guint16       qs_abstract_socket_get_peer_port         (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
GInetAddress *qs_abstract_socket_get_peer_address      (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
const char   *qs_abstract_socket_get_peer_name         (QsAbstractSocket       *self);

/* Buffers, options, descriptors */
QS_AVAILABLE_IN_ALL
gint64        qs_abstract_socket_get_read_buffer_size  (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_read_buffer_size  (QsAbstractSocket       *self,
                                                        gint64                  size);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_socket_option     (QsAbstractSocket       *self,
                                                        QsSocketOption          option,
                                                        int                     value);
QS_AVAILABLE_IN_ALL
int           qs_abstract_socket_get_socket_option     (QsAbstractSocket       *self,
                                                        QsSocketOption          option);
QS_AVAILABLE_IN_ALL
int           qs_abstract_socket_get_socket_descriptor (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
gboolean      qs_abstract_socket_set_socket_descriptor (QsAbstractSocket       *self,
                                                        int                     socket_descriptor,
                                                        QsSocketState           state,
                                                        QsOpenMode              open_mode);
QS_AVAILABLE_IN_ALL
const char   *qs_abstract_socket_get_protocol_tag      (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_protocol_tag      (QsAbstractSocket       *self,
                                                        const char             *tag);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_proxy             (QsAbstractSocket       *self,
                                                        QsNetworkProxy         *network_proxy);
QS_AVAILABLE_IN_ALL
QsNetworkProxy *qs_abstract_socket_get_proxy           (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
gboolean      qs_abstract_socket_get_happy_eyeballs    (QsAbstractSocket       *self);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_happy_eyeballs    (QsAbstractSocket       *self,
                                                        gboolean                enabled);

/* For subclasses (Qt protected) */
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_socket_state      (QsAbstractSocket       *self,
                                                        QsSocketState           state);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_socket_error      (QsAbstractSocket       *self,
                                                        QsSocketError           socket_error);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_local_port        (QsAbstractSocket       *self,
                                                        guint16                 port);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_local_address     (QsAbstractSocket       *self,
                                                        GInetAddress           *address);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_peer_port         (QsAbstractSocket       *self,
                                                        guint16                 port);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_peer_address      (QsAbstractSocket       *self,
                                                        GInetAddress           *address);
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_set_peer_name         (QsAbstractSocket       *self,
                                                        const char             *name);

/* Beyond Qt */
QS_AVAILABLE_IN_ALL
void          qs_abstract_socket_connect_to_host_async  (QsAbstractSocket        *self,
                                                         const char              *host_name,
                                                         guint16                  port,
                                                         QsOpenMode               mode,
                                                         QsNetworkLayerProtocol   protocol,
                                                         GCancellable            *cancellable,
                                                         GAsyncReadyCallback      callback,
                                                         gpointer                 user_data);
QS_AVAILABLE_IN_ALL
gboolean      qs_abstract_socket_connect_to_host_finish (QsAbstractSocket        *self,
                                                         GAsyncResult            *result,
                                                         GError                 **error);

G_END_DECLS
