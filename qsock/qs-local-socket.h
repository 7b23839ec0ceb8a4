/* qs-local-socket.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsLocalSocket: a Unix-domain stream socket (Qt's QLocalSocket).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>
#include <gio/gunixfdlist.h>

#include "qs-enums.h"
#include "qs-io-device.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_LOCAL_SOCKET (qs_local_socket_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsLocalSocket, qs_local_socket, QS, LOCAL_SOCKET, QsIODevice)

/**
 * QsLocalSocketClass:
 * @parent_class: the parent class
 *
 * The class structure of [class@Qs.LocalSocket]; it adds no virtual methods.
 *
 * Since: 1.0
 */
struct _QsLocalSocketClass
{
  QsIODeviceClass parent_class;

  /*< private >*/
  gpointer padding[12];
};

QS_AVAILABLE_IN_ALL
QsLocalSocket      *qs_local_socket_new                    (void);

QS_AVAILABLE_IN_ALL
void                qs_local_socket_connect_to_server      (QsLocalSocket        *self,
                                                            const char           *name,
                                                            QsOpenMode            open_mode);
QS_AVAILABLE_IN_ALL
void                qs_local_socket_disconnect_from_server (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
void                qs_local_socket_abort                  (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
void                qs_local_socket_set_server_name        (QsLocalSocket        *self,
                                                            const char           *name);
QS_AVAILABLE_IN_ALL
const char         *qs_local_socket_get_server_name        (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
const char         *qs_local_socket_get_full_server_name   (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
gboolean            qs_local_socket_wait_for_connected     (QsLocalSocket        *self,
                                                            int                   msecs);
QS_AVAILABLE_IN_ALL
gboolean            qs_local_socket_wait_for_disconnected  (QsLocalSocket        *self,
                                                            int                   msecs);
QS_AVAILABLE_IN_ALL
gboolean            qs_local_socket_flush                  (QsLocalSocket        *self);

QS_AVAILABLE_IN_ALL
QsLocalSocketError  qs_local_socket_get_error              (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
QsLocalSocketState  qs_local_socket_get_state              (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
gboolean            qs_local_socket_is_valid               (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
gint64              qs_local_socket_get_read_buffer_size   (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
void                qs_local_socket_set_read_buffer_size   (QsLocalSocket        *self,
                                                            gint64                size);
QS_AVAILABLE_IN_ALL
gboolean            qs_local_socket_set_socket_descriptor  (QsLocalSocket        *self,
                                                            int                   socket_descriptor,
                                                            QsLocalSocketState    socket_state,
                                                            QsOpenMode            open_mode);
QS_AVAILABLE_IN_ALL
int                 qs_local_socket_get_socket_descriptor  (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
void                qs_local_socket_set_socket_options     (QsLocalSocket        *self,
                                                            QsLocalSocketOptions  options);
QS_AVAILABLE_IN_ALL
QsLocalSocketOptions qs_local_socket_get_socket_options    (QsLocalSocket        *self);

QS_AVAILABLE_IN_ALL
gint64              qs_local_socket_send_fds               (QsLocalSocket        *self,
                                                            GUnixFDList          *fd_list,
                                                            const guint8         *data,
                                                            gsize                 size,
                                                            GError              **error);
QS_AVAILABLE_IN_ALL
GUnixFDList        *qs_local_socket_receive_fds            (QsLocalSocket        *self);
QS_AVAILABLE_IN_ALL
GCredentials       *qs_local_socket_get_peer_credentials   (QsLocalSocket        *self,
                                                            GError              **error);

G_END_DECLS
