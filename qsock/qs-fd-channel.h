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

#include <errno.h>
#include <sys/socket.h>
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

/* Room for one control message of QS_FD_CHANNEL_MAX_FDS descriptors. */
typedef union
{
  char           buffer[CMSG_SPACE (sizeof (int) * QS_FD_CHANNEL_MAX_FDS)];
  struct cmsghdr align;
} QsFdControl;

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
void         _qs_fd_channel_take_rights   (QsFdChannel    *self,
                                           struct msghdr  *msg,
                                           gssize          n,
                                           gboolean        keep);
GUnixFDList *_qs_fd_channel_take          (QsFdChannel    *self,
                                           gsize           buffered);

/* Whether descriptors wait to be sent: without, a send is a plain one. */
static inline gboolean
_qs_fd_channel_has_sends (const QsFdChannel *self)
{
  return self->sends.head != NULL;
}

/* The pump's receive for a socket with a channel, on its descriptor @fd:
 * recvmsg() with room for one message's descriptors (close-on-exec) on
 * every receive, so that none a peer sends is lost (the kernel closes
 * those that come with a plain recv()). The kernel leaves
 * msg_controllen at 0 when none came; otherwise
 * _qs_fd_channel_take_rights() records them. Inline in the pump's
 * receive loop. As _qs_socket_receive(): bytes, 0 at end of stream, or
 * -1 with errno in @error_number. */
static inline gssize
_qs_fd_channel_receive (QsFdChannel *self,
                        int          fd,
                        guint8      *buffer,
                        gsize        size,
                        gboolean     keep,
                        int         *error_number)
{
  QsFdControl control;
  struct iovec vector = { buffer, size };
  struct msghdr msg = { 0 };
  gssize n;

  msg.msg_iov = &vector;
  msg.msg_iovlen = 1;
  for (;;)
    {
      msg.msg_control = control.buffer;
      msg.msg_controllen = sizeof control.buffer;
      n = recvmsg (fd, &msg, MSG_CMSG_CLOEXEC);
      if (n >= 0)
        break;
      if (errno != EINTR)
        {
          *error_number = errno;
          return -1;
        }
    }

  if (keep)
    self->received += n;
  if (G_UNLIKELY (msg.msg_controllen > 0))
    _qs_fd_channel_take_rights (self, &msg, n, keep);
  return n;
}

G_END_DECLS
