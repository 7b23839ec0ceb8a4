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

typedef struct _QsRingChunk QsRingChunk;

typedef struct
{
  QsRingChunk *chunks;     /* (owned) array of n_alloc chunks; [first, first + n_chunks) hold data */
  guint        first;
  guint        n_chunks;
  guint        n_alloc;
  gsize        size;       /* bytes held */
  gsize        chunk_size; /* default capacity of a new chunk */
  guint8      *spare;      /* (owned) (nullable) one released chunk kept for reuse */
  gsize        spare_capacity;
} QsRingBuffer;

void     _qs_ring_buffer_init        (QsRingBuffer        *self,
                                      gsize                chunk_size);
void     _qs_ring_buffer_destroy     (QsRingBuffer        *self);
void     _qs_ring_buffer_clear       (QsRingBuffer        *self);
gsize    _qs_ring_buffer_get_size    (const QsRingBuffer  *self);
gboolean _qs_ring_buffer_is_empty    (const QsRingBuffer  *self);

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
gssize   _qs_ring_buffer_index_of    (const QsRingBuffer  *self,
                                      guint8               c,
                                      gsize                max_len,
                                      gsize                offset);
int      _qs_ring_buffer_get_char    (QsRingBuffer        *self);
void     _qs_ring_buffer_unget_char  (QsRingBuffer        *self,
                                      guint8               c);

guint    _qs_ring_buffer_get_vectors (const QsRingBuffer  *self,
                                      struct iovec        *vectors,
                                      guint                max_vectors);

G_END_DECLS
