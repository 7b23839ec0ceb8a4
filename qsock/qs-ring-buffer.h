/* qs-ring-buffer.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. A chunked byte FIFO (Qt's QRingBuffer): append at the
 * tail, receive straight into reserved tail space, expose the head as
 * iovecs for one vectored send, consume from the head. Chunks are reused,
 * so a steady stream allocates nothing per read or write.
 */

#pragma once

#include <glib.h>
#include <sys/uio.h>

G_BEGIN_DECLS

/* One block of memory; bytes [head, tail) hold data. Only the last chunk
 * of a buffer may be empty (an outstanding reserve). */
typedef struct _QsRingChunk
{
  guint8 *data;     /* (owned) */
  gsize   capacity;
  gsize   head;     /* first unread byte */
  gsize   tail;     /* one past the last written byte */
} QsRingChunk;

/* Emptied chunks a buffer holding data keeps for reuse: enough for a
 * steady stream whose number of chunks in use swings as chunk boundaries
 * move. A buffer that runs empty keeps one. */
#define QS_RING_BUFFER_MAX_SPARES 4

typedef struct
{
  QsRingChunk *chunks;     /* (owned) array of n_alloc chunks; [first, first + n_chunks) hold data */
  guint        first;
  guint        n_chunks;
  guint        n_alloc;
  gsize        size;       /* bytes held */
  gsize        chunk_size; /* default capacity of a new chunk */
  guint        n_spares;
  QsRingChunk  spares[QS_RING_BUFFER_MAX_SPARES]; /* (owned) [0, n_spares): released chunks kept
                                                   * for reuse, data and capacity only; at most
                                                   * one while the buffer is empty */
  /* What the last successful index_of() learned, kept while the bytes
   * it covers stay: no hint_byte in [hint_from, hint_at), one at
   * hint_at. can_read_line() then read_line() scan once. hint_at < 0:
   * nothing known. */
  gssize       hint_at;
  gsize        hint_from;
  guint8       hint_byte;
  /* Where the blocks of the GBytes _qs_ring_buffer_read_shared() gave
   * away come back for reuse. */
  struct _QsRingBin *bin;  /* (owned) (nullable) */
} QsRingBuffer;

void     _qs_ring_buffer_init        (QsRingBuffer        *self,
                                      gsize                chunk_size);
void     _qs_ring_buffer_destroy     (QsRingBuffer        *self);
void     _qs_ring_buffer_clear       (QsRingBuffer        *self);

void     _qs_ring_buffer_append      (QsRingBuffer        *self,
                                      const guint8        *data,
                                      gsize                size);
guint8  *_qs_ring_buffer_reserve     (QsRingBuffer        *self,
                                      gsize                min_size,
                                      gsize               *out_size);
void     _qs_ring_buffer_commit      (QsRingBuffer        *self,
                                      gsize                size);

gsize    _qs_ring_buffer_peek        (const QsRingBuffer  *self,
                                      guint8              *data,
                                      gsize                max_size,
                                      gsize                offset);
gsize    _qs_ring_buffer_read        (QsRingBuffer        *self,
                                      guint8              *data,
                                      gsize                max_size);
gsize    _qs_ring_buffer_skip        (QsRingBuffer        *self,
                                      gsize                size);
gssize   _qs_ring_buffer_index_of    (QsRingBuffer        *self,
                                      guint8               c,
                                      gsize                max_len,
                                      gsize                offset);
gsize    _qs_ring_buffer_read_line   (QsRingBuffer        *self,
                                      guint8              *data,
                                      gsize                max_size);
int      _qs_ring_buffer_get_char    (QsRingBuffer        *self);
void     _qs_ring_buffer_unget_char  (QsRingBuffer        *self,
                                      guint8               c);

guint    _qs_ring_buffer_get_vectors (const QsRingBuffer  *self,
                                      struct iovec        *vectors,
                                      guint                max_vectors);
GBytes  *_qs_ring_buffer_read_shared (QsRingBuffer        *self,
                                      gsize                size);

/* Inline: the devices ask these on every read and write. */
static inline gsize
_qs_ring_buffer_get_size (const QsRingBuffer *self)
{
  return self->size;
}

static inline gboolean
_qs_ring_buffer_is_empty (const QsRingBuffer *self)
{
  return self->size == 0;
}

G_END_DECLS
