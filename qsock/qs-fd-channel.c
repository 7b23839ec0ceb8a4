/* qs-fd-channel.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Descriptors travelling with a local socket's byte stream (SCM_RIGHTS).
 *
 * Linux hands received descriptors to the recvmsg() that reads the first
 * byte of the message they came with, and that recvmsg() ends at the end
 * of that message; it may start with bytes of earlier messages. So the
 * only offset a receiver can know is the end of that receive, and a
 * sender that wants its descriptors tied to one byte sends that byte
 * alone: _qs_fd_channel_send() stops each send at the next marked byte
 * and sends the byte by itself with its descriptors. A receiver hands
 * descriptors over once every byte up to the end of their receive has
 * been read out of the device: exactly at their byte for a qsock sender,
 * never before it for any sender.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <glib/gstdio.h>

#include "qs-fd-channel.h"

typedef struct
{
  guint64 offset;
  guint   n_fds;
  int     fds[]; /* (owned) */
} QsFdMark;

static QsFdMark *
mark_new (guint64    offset,
          const int *fds,
          guint      n_fds)
{
  QsFdMark *mark = g_malloc (sizeof (QsFdMark) + n_fds * sizeof (int));

  mark->offset = offset;
  mark->n_fds = n_fds;
  memcpy (mark->fds, fds, n_fds * sizeof (int));
  return mark;
}

void
_qs_close_fds (const int *fds,
               guint      n_fds)
{
  for (guint i = 0; i < n_fds; i++)
    g_close (fds[i], NULL);
}

static void
mark_free (gpointer data)
{
  QsFdMark *mark = data;

  _qs_close_fds (mark->fds, mark->n_fds);
  g_free (mark);
}

void
_qs_fd_channel_init (QsFdChannel *self)
{
  g_queue_init (&self->sends);
  g_queue_init (&self->receipts);
  self->sent = 0;
  self->received = 0;
}

/* The write buffer was dropped: so are the descriptors queued with it. */
void
_qs_fd_channel_drop_sends (QsFdChannel *self)
{
  g_queue_clear_full (&self->sends, mark_free);
  self->sent = 0;
}

/* The read buffer was dropped or starts over, holding @buffered bytes
 * that carry no descriptors: received ones not handed over are closed. */
void
_qs_fd_channel_drop_receipts (QsFdChannel *self,
                              gsize        buffered)
{
  g_queue_clear_full (&self->receipts, mark_free);
  self->received = buffered;
}

/* Records that @fds (owned from now on) travel with the byte that follows
 * the @queued bytes now in the write buffer. */
void
_qs_fd_channel_queue (QsFdChannel *self,
                      gsize        queued,
                      int         *fds,
                      guint        n_fds)
{
  g_assert (n_fds > 0 && n_fds <= QS_FD_CHANNEL_MAX_FDS);

  g_queue_push_tail (&self->sends, mark_new (self->sent + queued, fds, n_fds));
}

/* Cuts @vectors down to their first @size bytes; returns how many remain. */
static guint
clip_vectors (struct iovec *vectors,
              guint         n_vectors,
              guint64       size)
{
  for (guint i = 0; i < n_vectors; i++)
    {
      if (vectors[i].iov_len >= size)
        {
          vectors[i].iov_len = size;
          return i + 1;
        }
      size -= vectors[i].iov_len;
    }
  return n_vectors;
}

static gssize
send_rights (int             fd,
             void           *byte,
             const QsFdMark *mark,
             int            *error_number)
{
  QsFdControl control;
  struct iovec vector = { byte, 1 };
  struct msghdr msg = { 0 };
  struct cmsghdr *header;

  memset (&control, 0, sizeof control);
  msg.msg_iov = &vector;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buffer;
  msg.msg_controllen = CMSG_SPACE (sizeof (int) * mark->n_fds);
  header = CMSG_FIRSTHDR (&msg);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN (sizeof (int) * mark->n_fds);
  memcpy (CMSG_DATA (header), mark->fds, sizeof (int) * mark->n_fds);

  for (;;)
    {
      gssize n = sendmsg (fd, &msg, MSG_NOSIGNAL);

      if (n >= 0)
        return n;
      if (errno != EINTR)
        {
          *error_number = errno;
          return -1;
        }
    }
}

/* The pump's vectored send while descriptors wait to be sent: as
 * _qs_socket_engine_send_vectors(), but a send never runs past the next
 * marked byte, and a marked byte goes alone with its descriptors.
 * @vectors and @n_vectors are cut to what was offered. */
gssize
_qs_fd_channel_send (QsFdChannel    *self,
                     QsSocketEngine *engine,
                     struct iovec   *vectors,
                     guint          *n_vectors,
                     int            *error_number)
{
  QsFdMark *next = g_queue_peek_head (&self->sends);
  gssize sent;

  g_assert (next != NULL);

  if (next->offset == self->sent)
    {
      *n_vectors = clip_vectors (vectors, *n_vectors, 1);
      sent = send_rights (_qs_socket_engine_get_fd (engine), vectors[0].iov_base, next, error_number);
      if (sent == 1)
        mark_free (g_queue_pop_head (&self->sends));
    }
  else
    {
      *n_vectors = clip_vectors (vectors, *n_vectors, next->offset - self->sent);
      sent = _qs_socket_engine_send_vectors (engine, vectors, *n_vectors, error_number);
    }

  if (sent > 0)
    self->sent += sent;
  if (g_queue_is_empty (&self->sends))
    self->sent = 0;
  return sent;
}

/* The descriptors of one receive (_qs_fd_channel_receive()): those that
 * came with bytes the device keeps (@keep) are recorded against the end
 * of the receive; others are closed. */
void
_qs_fd_channel_take_rights (QsFdChannel   *self,
                            struct msghdr *msg,
                            gssize         n,
                            gboolean       keep)
{
  for (struct cmsghdr *header = CMSG_FIRSTHDR (msg); header; header = CMSG_NXTHDR (msg, header))
    {
      int fds[QS_FD_CHANNEL_MAX_FDS];
      guint n_fds;

      if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS)
        continue;
      n_fds = MIN ((header->cmsg_len - CMSG_LEN (0)) / sizeof (int), QS_FD_CHANNEL_MAX_FDS);
      memcpy (fds, CMSG_DATA (header), n_fds * sizeof (int));
      if (keep && n > 0 && n_fds > 0)
        g_queue_push_tail (&self->receipts, mark_new (self->received, fds, n_fds));
      else
        _qs_close_fds (fds, n_fds);
    }
}

/* The descriptors whose receive has been read out of the device, which
 * still buffers @buffered bytes, in arrival order; NULL when none. */
GUnixFDList *
_qs_fd_channel_take (QsFdChannel *self,
                     gsize        buffered)
{
  guint64 consumed = self->received > buffered ? self->received - buffered : 0;
  g_autoptr(GArray) fds = NULL;
  QsFdMark *mark;

  while ((mark = g_queue_peek_head (&self->receipts)) != NULL && mark->offset <= consumed)
    {
      if (fds == NULL)
        fds = g_array_new (FALSE, FALSE, sizeof (int));
      g_array_append_vals (fds, mark->fds, mark->n_fds);
      mark->n_fds = 0;
      mark_free (g_queue_pop_head (&self->receipts));
    }
  if (fds == NULL)
    return NULL;
  return g_unix_fd_list_new_from_array ((const int *) (gpointer) fds->data, fds->len);
}
