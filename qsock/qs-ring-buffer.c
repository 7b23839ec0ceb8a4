/* qs-ring-buffer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A chunked byte FIFO (Qt's QRingBuffer). Data lives in an array of
 * chunks; the head chunk is consumed from its start, the tail chunk is
 * filled at its end, and ungot bytes go in front of the head. Chunks that
 * empty are kept as spares and reused by the next append, reserve or
 * unget, so a steady stream allocates nothing per call. A buffer that is
 * read empty keeps its last chunk in place, empty, and one spare at most:
 * a request/reply exchange moves no memory at all.
 *
 * Invariants: every chunk in [first, first + n_chunks) holds data except
 * possibly the last one (a reserve not yet committed); size is the sum
 * of tail - head over the chunks; at most one spare while size is 0;
 * the search hint, when set, lies within the bytes held and is moved or
 * dropped by everything that takes bytes from the head or puts them back.
 */

#include "config.h"

#include <string.h>

#include "qs-ring-buffer.h"

#define DEFAULT_CHUNK_SIZE 16384

/* A released chunk bigger than this many default chunks is freed rather
 * than kept as a spare: one burst must not pin its memory for the life
 * of the buffer. Bursts up to it (64 KiB writes on 16 KiB chunks) are
 * reused like any other chunk. */
#define MAX_SPARE_CHUNKS 64

static guint8 *take_returned (QsRingBuffer *self,
                              gsize         min_size,
                              gsize        *capacity);
static void     drop_returned (QsRingBuffer *self,
                              gboolean      destroy);

void
_qs_ring_buffer_init (QsRingBuffer *self,
                      gsize         chunk_size)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof *self);
  self->chunk_size = chunk_size ? chunk_size : DEFAULT_CHUNK_SIZE;
  self->hint_at = -1;
}

void
_qs_ring_buffer_destroy (QsRingBuffer *self)
{
  gsize chunk_size;

  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->n_chunks; i++)
    g_free (self->chunks[self->first + i].data);
  g_free (self->chunks);
  for (guint i = 0; i < self->n_spares; i++)
    g_free (self->spares[i].data);
  drop_returned (self, TRUE);

  /* Left empty and usable, as after init. */
  chunk_size = self->chunk_size;
  memset (self, 0, sizeof *self);
  self->chunk_size = chunk_size;
  self->hint_at = -1;
}

/* Keeps the memory of a released chunk as a spare; when the spares are
 * all taken it replaces the smallest one if it is bigger. A chunk far
 * bigger than chunk_size is freed at once. */
static gboolean
is_huge (const QsRingBuffer *self,
         gsize               capacity)
{
  return self->chunk_size <= G_MAXSIZE / MAX_SPARE_CHUNKS &&
         capacity > self->chunk_size * MAX_SPARE_CHUNKS;
}

static void
release_memory (QsRingBuffer *self,
                guint8       *data,
                gsize         capacity)
{
  guint smallest = 0;

  if (is_huge (self, capacity))
    {
      g_free (data);
      return;
    }

  if (self->n_spares < QS_RING_BUFFER_MAX_SPARES)
    {
      self->spares[self->n_spares].data = data;
      self->spares[self->n_spares].capacity = capacity;
      self->n_spares++;
      return;
    }

  for (guint i = 1; i < self->n_spares; i++)
    {
      if (self->spares[i].capacity < self->spares[smallest].capacity)
        smallest = i;
    }

  if (capacity > self->spares[smallest].capacity)
    {
      g_free (self->spares[smallest].data);
      self->spares[smallest].data = data;
      self->spares[smallest].capacity = capacity;
    }
  else
    {
      g_free (data);
    }
}

/* An empty buffer keeps one spare, the biggest (besides its empty tail
 * chunk, if any). */
static void
trim_spares (QsRingBuffer *self)
{
  guint biggest = 0;

  if (self->n_spares <= 1)
    return;

  for (guint i = 1; i < self->n_spares; i++)
    {
      if (self->spares[i].capacity > self->spares[biggest].capacity)
        biggest = i;
    }
  for (guint i = 0; i < self->n_spares; i++)
    {
      if (i != biggest)
        g_free (self->spares[i].data);
    }

  self->spares[0] = self->spares[biggest];
  self->n_spares = 1;
}

/* Memory for a chunk of at least @min_size bytes: the most recently
 * released spare that is big enough, else a block a shared GBytes gave
 * back, else a new block of MAX (chunk_size, min_size). */
static guint8 *
take_memory (QsRingBuffer *self,
             gsize         min_size,
             gsize        *capacity)
{
  for (guint i = self->n_spares; i-- > 0;)
    {
      if (self->spares[i].capacity >= min_size)
        {
          guint8 *data = self->spares[i].data;

          *capacity = self->spares[i].capacity;
          self->n_spares--;
          memmove (&self->spares[i], &self->spares[i + 1],
                   (self->n_spares - i) * sizeof *self->spares);
          return data;
        }
    }

  if (self->bin != NULL)
    {
      guint8 *data = take_returned (self, min_size, capacity);

      if (data != NULL)
        return data;
    }

  *capacity = MAX (self->chunk_size, min_size);
  return g_malloc (*capacity);
}

void
_qs_ring_buffer_clear (QsRingBuffer *self)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->n_chunks; i++)
    {
      QsRingChunk *chunk = &self->chunks[self->first + i];

      release_memory (self, chunk->data, chunk->capacity);
    }
  self->first = 0;
  self->n_chunks = 0;
  self->size = 0;
  self->hint_at = -1;
  trim_spares (self);
  drop_returned (self, FALSE);
}

/* A free slot in the chunk array, at the end (or, with @at_front, before
 * the head chunk); the array grows by doubling and is otherwise only
 * shifted, so a steady stream never reallocates it. */
static QsRingChunk *
add_chunk_slot (QsRingBuffer *self,
                gboolean      at_front)
{
  if (self->n_chunks == self->n_alloc)
    {
      guint n_alloc = MAX (4, self->n_alloc * 2);
      QsRingChunk *chunks = g_new (QsRingChunk, n_alloc);

      /* Leave one free slot in front for an unget. */
      if (self->n_chunks > 0)
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

/* Appends an empty chunk with room for at least @min_size bytes. */
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

static inline QsRingChunk *
last_chunk (const QsRingBuffer *self)
{
  return self->n_chunks > 0 ? &self->chunks[self->first + self->n_chunks - 1] : NULL;
}

/* Drops the head chunk, which holds no data any more. Out of line: the
 * reads that empty a buffer's one chunk keep it. */
G_GNUC_NO_INLINE static void
pop_head_chunk (QsRingBuffer *self)
{
  QsRingChunk *chunk = &self->chunks[self->first];

  g_assert (self->n_chunks > 0);
  g_assert (chunk->head == chunk->tail);

  release_memory (self, chunk->data, chunk->capacity);
  self->n_chunks--;
  self->first = self->n_chunks > 0 ? self->first + 1 : 0;
}

/* Whether the head chunk, once read empty, stays: the last chunk stays,
 * empty, as the tail that the next append or reserve rewinds and fills,
 * or in front of which an unget goes (unless a burst made it huge); any
 * other is dropped. */
static inline gboolean
head_chunk_stays (const QsRingBuffer *self)
{
  return self->n_chunks == 1 && !is_huge (self, self->chunks[self->first].capacity);
}

/* The head chunk was read empty. */
static inline void
head_chunk_emptied (QsRingBuffer *self)
{
  if (!head_chunk_stays (self))
    pop_head_chunk (self);
}

/* The tail chunk with room for at least @min_size bytes, made or
 * re-made as needed. An empty tail chunk (a reservation nobody
 * committed) is reused, or its memory swapped when too small, so that
 * no empty chunk is ever left between chunks holding data. */
static QsRingChunk *
tail_with_room (QsRingBuffer *self,
                gsize         min_size)
{
  QsRingChunk *chunk = last_chunk (self);

  if (chunk == NULL)
    return push_chunk (self, min_size);

  if (chunk->head == chunk->tail)
    {
      chunk->head = 0;
      chunk->tail = 0;
      if (chunk->capacity < min_size)
        {
          guint8 *old_data = chunk->data;
          gsize old_capacity = chunk->capacity;

          chunk->data = take_memory (self, min_size, &chunk->capacity);
          release_memory (self, old_data, old_capacity);
          /* The buffer may be empty: keep to its one spare. */
          if (self->size == 0)
            trim_spares (self);
        }
      return chunk;
    }

  if (chunk->capacity - chunk->tail < min_size)
    return push_chunk (self, min_size);

  return chunk;
}

void
_qs_ring_buffer_append (QsRingBuffer *self,
                        const guint8 *data,
                        gsize         size)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL || size == 0);

  while (size > 0)
    {
      QsRingChunk *chunk = last_chunk (self);
      gsize n;

      /* A full tail gets a new chunk big enough for all that is left. */
      if (chunk == NULL || chunk->tail == chunk->capacity || chunk->head == chunk->tail)
        chunk = tail_with_room (self, size);

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
  QsRingChunk *chunk;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (out_size != NULL, NULL);

  chunk = tail_with_room (self, MAX (min_size, 1));
  *out_size = chunk->capacity - chunk->tail;
  return chunk->data + chunk->tail;
}

void
_qs_ring_buffer_commit (QsRingBuffer *self,
                        gsize         size)
{
  QsRingChunk *chunk;

  g_return_if_fail (self != NULL);

  if (size == 0)
    return;

  chunk = last_chunk (self);
  g_return_if_fail (chunk != NULL);
  g_return_if_fail (size <= chunk->capacity - chunk->tail);

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

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (data != NULL || max_size == 0, 0);

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

/* @size bytes left the head: the search hint moves with the bytes it
 * covers, and is dropped with its byte. */
static void
hint_consumed (QsRingBuffer *self,
               gsize         size)
{
  if (self->hint_at < 0)
    return;
  if (size > (gsize) self->hint_at)
    {
      self->hint_at = -1;
      return;
    }
  self->hint_at -= size;
  self->hint_from = self->hint_from > size ? self->hint_from - size : 0;
}

/* consume() across chunks, or up to the end of the head chunk. */
static G_GNUC_NO_INLINE gsize
consume_chunks (QsRingBuffer *self,
                guint8       *data,
                gsize         max_size)
{
  gsize done = 0;

  while (done < max_size && self->size > 0)
    {
      QsRingChunk *chunk = &self->chunks[self->first];
      gsize n = MIN (max_size - done, chunk->tail - chunk->head);

      g_assert (n > 0);
      if (data != NULL)
        memcpy (data + done, chunk->data + chunk->head, n);
      chunk->head += n;
      self->size -= n;
      done += n;
      if (chunk->head == chunk->tail)
        head_chunk_emptied (self);
    }
  hint_consumed (self, done);
  if (done > 0 && self->size == 0)
    trim_spares (self);

  return done;
}

/* Consumes up to @max_size bytes from the head, copying them to @data
 * unless it is NULL. Part of the head chunk, a line say, needs no chunk
 * bookkeeping, and neither does all of a chunk that stays once read
 * empty (a request or reply read whole, a send that left in full). */
static inline gsize
consume (QsRingBuffer *self,
         guint8       *data,
         gsize         max_size)
{
  QsRingChunk *head;
  gsize in_head;

  if (self->n_chunks == 0)
    return 0;
  head = &self->chunks[self->first];
  in_head = head->tail - head->head;
  if (max_size >= in_head)
    {
      if (!head_chunk_stays (self))
        return consume_chunks (self, data, max_size);
      max_size = in_head;
    }

  if (data != NULL)
    memcpy (data, head->data + head->head, max_size);
  head->head += max_size;
  self->size -= max_size;
  hint_consumed (self, max_size);
  if (max_size > 0 && self->size == 0)
    trim_spares (self);
  return max_size;
}

gsize
_qs_ring_buffer_read (QsRingBuffer *self,
                      guint8       *data,
                      gsize         max_size)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (data != NULL || max_size == 0, 0);

  return consume (self, data, max_size);
}

gsize
_qs_ring_buffer_skip (QsRingBuffer *self,
                      gsize         size)
{
  g_return_val_if_fail (self != NULL, 0);

  return consume (self, NULL, size);
}

/* Records that the first @c at or after @from is at @at. */
static inline gssize
remember_hint (QsRingBuffer *self,
               guint8        c,
               gsize         from,
               gsize         at)
{
  self->hint_byte = c;
  self->hint_from = from;
  self->hint_at = at;
  return at;
}

/* index_of() from chunk @i on, which starts at buffer position
 * @position; @offset is relative to that chunk and @from is where the
 * search began. */
static G_GNUC_NO_INLINE gssize
index_of_from_chunk (QsRingBuffer *self,
                     guint8        c,
                     gsize         max_len,
                     gsize         offset,
                     guint         i,
                     gsize         position,
                     gsize         from)
{
  for (; i < self->n_chunks && max_len > 0; i++)
    {
      const QsRingChunk *chunk = &self->chunks[self->first + i];
      const guint8 *start = chunk->data + chunk->head;
      gsize len = chunk->tail - chunk->head;
      const guint8 *found;
      gsize n;

      if (offset >= len)
        {
          offset -= len;
          position += len;
          continue;
        }
      n = MIN (len - offset, max_len);
      found = memchr (start + offset, c, n);
      if (found != NULL)
        return remember_hint (self, c, from, position + (found - start));
      position += len;
      max_len -= n;
      offset = 0;
    }

  return -1;
}

/* The usual search, for a line that ends in the head chunk, stays
 * short: the hint, else one memchr(). */
gssize
_qs_ring_buffer_index_of (QsRingBuffer       *self,
                          guint8              c,
                          gsize               max_len,
                          gsize               offset)
{
  const QsRingChunk *head;
  gsize len;

  g_return_val_if_fail (self != NULL, -1);

  /* The first @c at or after @offset is known. */
  if (self->hint_at >= 0 && c == self->hint_byte &&
      offset >= self->hint_from && offset <= (gsize) self->hint_at)
    return (gsize) self->hint_at - offset < max_len ? self->hint_at : -1;

  if (self->n_chunks == 0)
    return -1;
  head = &self->chunks[self->first];
  len = head->tail - head->head;
  if (offset >= len)
    return index_of_from_chunk (self, c, max_len, offset - len, 1, len, offset);

  {
    const guint8 *start = head->data + head->head;
    const guint8 *found = memchr (start + offset, c, MIN (len - offset, max_len));

    if (found != NULL)
      return remember_hint (self, c, offset, found - start);
    if (len - offset >= max_len)
      return -1;
    return index_of_from_chunk (self, c, max_len - (len - offset), 0, 1, len, offset);
  }
}

gsize
_qs_ring_buffer_read_line (QsRingBuffer *self,
                           guint8       *data,
                           gsize         max_size)
{
  gssize eol;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (data != NULL || max_size == 0, 0);

  eol = _qs_ring_buffer_index_of (self, '\n', max_size, 0);
  return consume (self, data, eol >= 0 ? (gsize) eol + 1 : max_size);
}

int
_qs_ring_buffer_get_char (QsRingBuffer *self)
{
  QsRingChunk *chunk;
  guint8 c;

  g_return_val_if_fail (self != NULL, -1);

  if (self->size == 0)
    return -1;

  chunk = &self->chunks[self->first];
  g_assert (chunk->head < chunk->tail);
  c = chunk->data[chunk->head++];
  self->size--;
  hint_consumed (self, 1);
  if (chunk->head == chunk->tail)
    head_chunk_emptied (self);
  if (self->size == 0)
    trim_spares (self);
  return c;
}

void
_qs_ring_buffer_unget_char (QsRingBuffer *self,
                            guint8        c)
{
  QsRingChunk *chunk;

  g_return_if_fail (self != NULL);

  chunk = self->n_chunks > 0 ? &self->chunks[self->first] : NULL;
  if (chunk == NULL || chunk->head == 0)
    {
      /* A new head chunk, filled from its end so that further ungets
       * stay in it. */
      chunk = add_chunk_slot (self, TRUE);
      chunk->data = take_memory (self, 1, &chunk->capacity);
      chunk->head = chunk->capacity;
      chunk->tail = chunk->capacity;
    }

  chunk->data[--chunk->head] = c;
  self->size++;
  if (self->hint_at >= 0)
    {
      self->hint_at++;
      self->hint_from++;
    }
}

guint
_qs_ring_buffer_get_vectors (const QsRingBuffer *self,
                             struct iovec       *vectors,
                             guint               max_vectors)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (vectors != NULL || max_vectors == 0, 0);

  for (guint i = 0; i < self->n_chunks && n < max_vectors; i++)
    {
      const QsRingChunk *chunk = &self->chunks[self->first + i];

      if (chunk->head == chunk->tail)
        continue;
      vectors[n].iov_base = chunk->data + chunk->head;
      vectors[n].iov_len = chunk->tail - chunk->head;
      n++;
    }

  return n;
}

/* Bytes below which _qs_ring_buffer_read_shared() copies: a GBytes that
 * owns a block costs a malloc for the chunk that replaces it, more than
 * copying a few KiB. */
#define MIN_SHARED_SIZE 4096

/* The blocks of a buffer's shared GBytes come back here when the GBytes
 * is freed, on whatever thread that is, and the buffer's next chunk
 * takes one instead of a new block: a stream read with read_shared()
 * allocates nothing in the steady state either (a block freed and
 * allocated again per read would have malloc give the top of its heap
 * back to the system and fault it in again, page by page). It keeps as
 * many blocks as a buffer keeps spares; a full bin or a huge block
 * frees the block. The bin outlives its buffer until the last GBytes
 * is gone. */
struct _QsRingBin
{
  gint            ref_count;                        /* atomic; not a gatomicrefcount,
                                                     * whose functions GLib 2.74 keeps
                                                     * in libglib, where ThreadSanitizer
                                                     * cannot see them order the free */
  gsize           max_capacity;                     /* bigger blocks are freed, as is_huge() */
  gpointer        slots[QS_RING_BUFFER_MAX_SPARES]; /* (atomic) (owned) (nullable) SharedBlock */
};

typedef struct
{
  struct _QsRingBin *bin;   /* (owned) (nullable) while the GBytes lives */
  guint8            *data;  /* (owned) */
  gsize              capacity;
} SharedBlock;

static void
shared_block_destroy (SharedBlock *block)
{
  g_free (block->data);
  g_free (block);
}

static void
bin_drain (struct _QsRingBin *bin)
{
  for (guint i = 0; i < G_N_ELEMENTS (bin->slots); i++)
    {
      SharedBlock *block = g_atomic_pointer_exchange (&bin->slots[i], NULL);

      if (block != NULL)
        shared_block_destroy (block);
    }
}

static void
bin_unref (struct _QsRingBin *bin)
{
  if (g_atomic_int_dec_and_test (&bin->ref_count))
    {
      bin_drain (bin);
      g_free (bin);
    }
}

/* The GBytes' free function: the block goes back to its bin. */
static void
shared_block_return (gpointer user_data)
{
  SharedBlock *block = user_data;
  struct _QsRingBin *bin = g_steal_pointer (&block->bin);

  if (block->capacity <= bin->max_capacity)
    {
      for (guint i = 0; i < G_N_ELEMENTS (bin->slots) && block != NULL; i++)
        {
          if (g_atomic_pointer_compare_and_exchange (&bin->slots[i], NULL, block))
            block = NULL;
        }
    }
  if (block != NULL)
    shared_block_destroy (block);
  bin_unref (bin);
}

/* A returned block of at least @min_size bytes, or NULL; smaller ones
 * met on the way are freed. */
static guint8 *
take_returned (QsRingBuffer *self,
               gsize         min_size,
               gsize        *capacity)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->bin->slots); i++)
    {
      SharedBlock *block = g_atomic_pointer_exchange (&self->bin->slots[i], NULL);
      guint8 *data;

      if (block == NULL)
        continue;
      if (block->capacity < min_size)
        {
          shared_block_destroy (block);
          continue;
        }
      data = g_steal_pointer (&block->data);
      *capacity = block->capacity;
      g_free (block);
      return data;
    }

  return NULL;
}

/* Frees the returned blocks (clear); with @destroy, lets go of the bin. */
static void
drop_returned (QsRingBuffer *self,
               gboolean      destroy)
{
  if (self->bin == NULL)
    return;
  bin_drain (self->bin);
  if (destroy)
    g_clear_pointer (&self->bin, bin_unref);
}

/* Consumes exactly @size bytes as a GBytes that takes over the head
 * chunk's memory, without copying, when they are all the bytes the head
 * chunk holds, at least MIN_SHARED_SIZE of them, and no more than as
 * many have been consumed before them in the chunk. The chunk leaves the
 * buffer; its block comes back for reuse when the GBytes is freed (see
 * struct _QsRingBin). A block with more than twice @size bytes of
 * capacity is first cut back to its last byte with g_realloc(), so a
 * GBytes never keeps more than twice its size alive. Otherwise returns
 * NULL and consumes nothing: the caller copies. */
GBytes *
_qs_ring_buffer_read_shared (QsRingBuffer *self,
                             gsize         size)
{
  QsRingChunk *chunk;
  SharedBlock *block;
  gsize head;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->n_chunks == 0 || size < MIN_SHARED_SIZE)
    return NULL;

  chunk = &self->chunks[self->first];
  if (chunk->tail - chunk->head != size || chunk->head > size)
    return NULL;

  if (self->bin == NULL)
    {
      self->bin = g_new0 (struct _QsRingBin, 1);
      g_atomic_int_set (&self->bin->ref_count, 1);
      self->bin->max_capacity = self->chunk_size <= G_MAXSIZE / MAX_SPARE_CHUNKS
                                  ? self->chunk_size * MAX_SPARE_CHUNKS
                                  : G_MAXSIZE;
    }

  block = g_new (SharedBlock, 1);
  block->bin = self->bin;
  g_atomic_int_inc (&block->bin->ref_count);
  block->data = chunk->data;
  block->capacity = chunk->capacity;
  head = chunk->head;
  if (block->capacity - size > size)
    {
      block->data = g_realloc (block->data, chunk->tail);
      block->capacity = chunk->tail;
    }

  /* As pop_head_chunk(), without releasing the memory; the buffer may
   * be left with no chunk at all. */
  self->n_chunks--;
  self->first = self->n_chunks > 0 ? self->first + 1 : 0;
  self->size -= size;
  hint_consumed (self, size);
  if (self->size == 0)
    trim_spares (self);

  return g_bytes_new_with_free_func (block->data + head, size, shared_block_return, block);
}
