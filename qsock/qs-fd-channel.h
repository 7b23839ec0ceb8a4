/* qs-fd-channel.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. Descriptors travelling with a local socket's byte
 * stream (SCM_RIGHTS). The owner (QsLocalSocket) records, for each
 * qs_local_socket_send_fds(), the write-stream offset of the first byte
 * of its data; the stream pump, when a channel is set on it, sends with
 * _qs_fd_channel_send() while descriptors wait to be sent (it stops each
 * send at the next marked byte and sends that byte alone with its
 * descriptors) and always receives with _qs_fd_channel_receive()
 * (recvmsg with a control buffer), which records the read-stream offset
 * where received descriptors become the application's.
 */

#pragma once

#include <sys/uio.h>

#include <gio/gunixfdlist.h>

#include "qs-socket-engine.h"

G_BEGIN_DECLS

/* The kernel's SCM_MAX_FD: the most descriptors one message carries. */
#define QS_FD_CHANNEL_MAX_FDS 253

typedef struct
{
  GQueue  sends;    /* (owned) QsFdMark: the byte's offset from `sent`'s origin */
  GQueue  receipts; /* (owned) QsFdMark: the read-stream offset after the carrying byte */
  guint64 sent;     /* bytes sent since the send queue was last empty */
  guint64 received; /* bytes received into the read buffer since the origin */
} QsFdChannel;

void         _qs_close_fds                (const int      *fds,
                                           guint           n_fds);
void         _qs_fd_channel_init          (QsFdChannel    *self);
void         _qs_fd_channel_drop_sends    (QsFdChannel    *self);
void         _qs_fd_channel_drop_receipts (QsFdChannel    *self,
                                           gsize           buffered);
void         _qs_fd_channel_queue         (QsFdChannel    *self,
                                           gsize           queued,
                                           int            *fds,
                                           guint           n_fds);
gssize       _qs_fd_channel_send          (QsFdChannel    *self,
                                           QsSocketEngine *engine,
                                           struct iovec   *vectors,
                                           guint          *n_vectors,
                                           int            *error_number);
gssize       _qs_fd_channel_receive       (QsFdChannel    *self,
                                           QsSocketEngine *engine,
                                           guint8         *buffer,
                                           gsize           size,
                                           gboolean        keep,
                                           int            *error_number);
GUnixFDList *_qs_fd_channel_take          (QsFdChannel    *self,
                                           gsize           buffered);

/* Whether descriptors wait to be sent: without, a send is a plain one. */
static inline gboolean
_qs_fd_channel_has_sends (const QsFdChannel *self)
{
  return self->sends.head != NULL;
}

G_END_DECLS
