/* qs-ring-buffer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A chunked byte FIFO (Qt's QRingBuffer). Data lives in an array of
 * chunks; the head chunk is consumed from its start, the tail chunk is
 * filled at its end. An emptied chunk is kept as the one spare and reused
 * by the next append or reserve, so a steady stream allocates nothing.
 */

#include "config.h"

#include <string.h>

#include "qs-ring-buffer.h"

struct _QsRingChunk
{
  guint8 *data;      /* (owned) */
  gsize   capacity;
  gsize   head;      /* first unread byte */
  gsize   tail;      /* one past the last written byte */
};

void
_qs_ring_buffer_init (QsRingBuffer *self,
                      gsize         chunk_size)
{
  memset (self, 0, sizeof *self);
  self->chunk_size = chunk_size ? chunk_size : 16384;
}

/* Keeps one released chunk's memory for reuse; frees the rest. */
static void
release_memory (QsRingBuffer *self,
                guint8       *data,
                gsize         capacity)
{
  if (self->spare == NULL)
    {
      self->spare = data;
      self->spare_capacity = capacity;
    }
  else if (capacity > self->spare_capacity)
    {
      g_free (self->spare);
      self->spare = data;
      self->spare_capacity = capacity;
    }
  else
    g_free (data);
}

void
_qs_ring_buffer_destroy (QsRingBuffer *self)
{
  for (guint i = 0; i < self->n_chunks; i++)
    g_free (self->chunks[self->first + i].data);
  g_free (self->chunks);
  g_free (self->spare);
  memset (self, 0, sizeof *self);
}

void
_qs_ring_buffer_clear (QsRingBuffer *self)
{
  for (guint i = 0; i < self->n_chunks; i++)
    {
      QsRingChunk *chunk = &self->chunks[self->first + i];

      release_memory (self, chunk->data, chunk->capacity);
    }
  self->first = 0;
  self->n_chunks = 0;
  self->size = 0;
}

gsize
_qs_ring_buffer_get_size (const QsRingBuffer *self)
{
  return self->size;
}

gboolean
_qs_ring_buffer_is_empty (const QsRingBuffer *self)
{
  return self->size == 0;
}

/* Memory for a new chunk of at least @min_size bytes: the spare when it
 * is large enough. */
static guint8 *
take_memory (QsRingBuffer *self,
             gsize         min_size,
             gsize        *capacity)
{
  guint8 *data;

  if (self->spare && self->spare_capacity >= min_size)
    {
      data = self->spare;
      *capacity = self->spare_capacity;
      self->spare = NULL;
      self->spare_capacity = 0;
      return data;
    }

  *capacity = MAX (self->chunk_size, min_size);
  return g_malloc (*capacity);
}

/* Makes room in the array for one more chunk at the end (at_front: at the
 * start) and returns the new slot. */
static QsRingChunk *
add_chunk_slot (QsRingBuffer *self,
                gboolean      at_front)
{
  if (self->n_chunks + 1 > self->n_alloc)
    {
      guint n_alloc = MAX (4, self->n_alloc * 2);
      QsRingChunk *chunks = g_new (QsRingChunk, n_alloc);

      if (self->n_chunks)
        memcpy (chunks + 1, self->chunks + self->first, self->n_chunks * sizeof *chunks);
      g_free (self->chunks);
      self->chunks = chunks;
      self->n_alloc = n_alloc;
      self->first = 1;
    }

  if (at_front)
    {
      if (self->first == 0)
        {
          memmove (self->chunks + 1, self->chunks, self->n_chunks * sizeof *self->chunks);
          self->first = 1;
        }
      self->first--;
      self->n_chunks++;
      return &self->chunks[self->first];
    }

  if (self->first + self->n_chunks == self->n_alloc)
    {
      memmove (self->chunks, self->chunks + self->first, self->n_chunks * sizeof *self->chunks);
      self->first = 0;
    }
  self->n_chunks++;
  return &self->chunks[self->first + self->n_chunks - 1];
}

static QsRingChunk *
push_chunk (QsRingBuffer *self,
            gsize         min_size)
{
  QsRingChunk *chunk = add_chunk_slot (self, FALSE);

  chunk->data = take_memory (self, min_size, &chunk->capacity);
  chunk->head = 0;
  chunk->tail = 0;
  return chunk;
}

static QsRingChunk *
last_chunk (QsRingBuffer *self)
{
  return self->n_chunks ? &self->chunks[self->first + self->n_chunks - 1] : NULL;
}

void
_qs_ring_buffer_append (QsRingBuffer *self,
                        const guint8 *data,
                        gsize         size)
{
  while (size > 0)
    {
      QsRingChunk *chunk = last_chunk (self);
      gsize n;

      if (chunk == NULL || chunk->tail == chunk->capacity)
        chunk = push_chunk (self, size);

      n = MIN (size, chunk->capacity - chunk->tail);
      memcpy (chunk->data + chunk->tail, data, n);
      chunk->tail += n;
      self->size += n;
      data += n;
      size -= n;
    }
}

guint8 *
_qs_ring_buffer_reserve (QsRingBuffer *self,
                         gsize         min_size,
                         gsize        *out_size)
{
  QsRingChunk *chunk = last_chunk (self);

  if (chunk == NULL || chunk->capacity - chunk->tail < MAX (min_size, 1))
    chunk = push_chunk (self, MAX (min_size, 1));

  *out_size = chunk->capacity - chunk->tail;
  return chunk->data + chunk->tail;
}

void
_qs_ring_buffer_commit (QsRingBuffer *self,
                        gsize         size)
{
  QsRingChunk *chunk = last_chunk (self);

  g_assert (chunk != NULL && chunk->tail + size <= chunk->capacity);
  chunk->tail += size;
  self->size += size;
}

gsize
_qs_ring_buffer_peek (const QsRingBuffer *self,
                      guint8             *data,
                      gsize               max_size,
                      gsize               offset)
{
  gsize done = 0;

  for (guint i = 0; i < self->n_chunks && done < max_size; i++)
    {
      const QsRingChunk *chunk = &self->chunks[self->first + i];
      gsize len = chunk->tail - chunk->head;
      gsize n;

      if (offset >= len)
        {
          offset -= len;
          continue;
        }
      n = MIN (len - offset, max_size - done);
      memcpy (data + done, chunk->data + chunk->head + offset, n);
      done += n;
      offset = 0;
    }

  return done;
}

gsize
_qs_ring_buffer_skip (QsRingBuffer *self,
                      gsize         size)
{
  gsize done = 0;

  while (done < size && self->n_chunks > 0)
    {
      QsRingChunk *chunk = &self->chunks[self->first];
      gsize n = MIN (size - done, chunk->tail - chunk->head);

      chunk->head += n;
      done += n;
      if (chunk->head == chunk->tail)
        {
          release_memory (self, chunk->data, chunk->capacity);
          self->first++;
          self->n_chunks--;
        }
    }
  if (self->n_chunks == 0)
    self->first = 0;

  self->size -= done;
  return done;
}

gsize
_qs_ring_buffer_read (QsRingBuffer *self,
                      guint8       *data,
                      gsize         max_size)
{
  gsize n = _qs_ring_buffer_peek (self, data, max_size, 0);

  return _qs_ring_buffer_skip (self, n);
}

gssize
_qs_ring_buffer_index_of (const QsRingBuffer *self,
                          guint8              c,
                          gsize               max_len,
                          gsize               offset)
{
  gsize position = 0;

  for (guint i = 0; i < self->n_chunks && max_len > 0; i++)
    {
      const QsRingChunk *chunk = &self->chunks[self->first + i];
      gsize len = chunk->tail - chunk->head;
      gsize n;
      const guint8 *found;

      if (offset >= len)
        {
          offset -= len;
          position += len;
          continue;
        }
      n = MIN (len - offset, max_len);
      found = memchr (chunk->data + chunk->head + offset, c, n);
      if (found)
        return position + (found - (chunk->data + chunk->head));
      position += len;
      max_len -= n;
      offset = 0;
    }

  return -1;
}

int
_qs_ring_buffer_get_char (QsRingBuffer *self)
{
  guint8 c;

  if (self->size == 0)
    return -1;
  c = self->chunks[self->first].data[self->chunks[self->first].head];
  _qs_ring_buffer_skip (self, 1);
  return c;
}

void
_qs_ring_buffer_unget_char (QsRingBuffer *self,
                            guint8        c)
{
  QsRingChunk *chunk = self->n_chunks ? &self->chunks[self->first] : NULL;

  if (chunk == NULL || chunk->head == 0)
    {
      chunk = add_chunk_slot (self, TRUE);
      chunk->data = take_memory (self, 1, &chunk->capacity);
      chunk->head = chunk->capacity;
      chunk->tail = chunk->capacity;
    }

  chunk->data[--chunk->head] = c;
  self->size++;
}

guint
_qs_ring_buffer_get_vectors (const QsRingBuffer *self,
                             struct iovec       *vectors,
                             guint               max_vectors)
{
  guint n = 0;

  for (guint i = 0; i < self->n_chunks && n < max_vectors; i++)
    {
      const QsRingChunk *chunk = &self->chunks[self->first + i];

      if (chunk->tail == chunk->head)
        continue;
      vectors[n].iov_base = chunk->data + chunk->head;
      vectors[n].iov_len = chunk->tail - chunk->head;
      n++;
    }

  return n;
}
