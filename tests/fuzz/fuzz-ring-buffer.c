/* fuzz-ring-buffer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness of the private chunked byte FIFO (qs-ring-buffer.c).
 * The input is a program: its first byte picks the chunk size (tiny
 * chunks put a boundary everywhere), then each byte picks an operation
 * and the following bytes its arguments. Every operation runs on the
 * ring buffer and on a plain byte array, the reference model; after
 * each one the whole contents, the iovecs, the chunk invariants and the
 * search hint are checked against the model. Shared GBytes handed out
 * by read_shared are held over later operations, freed in any order and
 * checked to be unchanged when freed: a block reused while still held
 * shows as changed bytes. The ring buffer itself has no transactions;
 * fuzz-io-device.c drives them through QsIODevice.
 */

#include "config.h"

#include <string.h>

#include "qs-ring-buffer.h"
#include "fuzz-common.h"

/* Bounds that keep one run fast: the model is compared in full after
 * each step. */
#define MAX_BUFFER (256 * 1024)
#define MAX_OP     9000

typedef struct
{
  QsRingBuffer rb;
  GByteArray  *model;    /* (owned) */
  FuzzHeld     held;     /* from read_shared */
  guint8      *scratch;  /* (owned) MAX_BUFFER + MAX_OP bytes */
} State;

static const gsize chunk_sizes[] = { 0, 1, 2, 7, 64, 4096, 16384 };

typedef enum
{
  OP_APPEND,
  OP_APPEND_INPUT,
  OP_RESERVE_COMMIT,
  OP_READ,
  OP_PEEK,
  OP_SKIP,
  OP_INDEX_OF,
  OP_READ_LINE,
  OP_GET_CHAR,
  OP_UNGET_CHAR,
  OP_CLEAR,
  OP_READ_SHARED,
  OP_FREE_SHARED,
  OP_DESTROY
} Op;

/* Every Op is handled: the switch of run_op() has no default. */
#define N_OPS (OP_DESTROY + 1)

/* The first @c in model[offset, offset + max_len), as index_of(). */
static gssize
model_index_of (GByteArray *model,
                guint8      c,
                gsize       max_len,
                gsize       offset)
{
  const guint8 *found;

  if (offset >= model->len)
    return -1;
  found = memchr (model->data + offset, c, MIN (max_len, model->len - offset));
  return found != NULL ? found - model->data : -1;
}

static void
check_invariants (State *s)
{
  const QsRingBuffer *rb = &s->rb;
  GByteArray *model = s->model;
  struct iovec vectors[64];
  guint n_vectors;
  gsize total = 0;

  check (rb->first + rb->n_chunks <= rb->n_alloc);
  for (guint i = 0; i < rb->n_chunks; i++)
    {
      const QsRingChunk *chunk = &rb->chunks[rb->first + i];

      check (chunk->data != NULL);
      check (chunk->head <= chunk->tail);
      check (chunk->tail <= chunk->capacity);
      if (i + 1 < rb->n_chunks)
        check (chunk->head < chunk->tail);
      total += chunk->tail - chunk->head;
    }
  check (total == rb->size);
  check (_qs_ring_buffer_get_size (rb) == model->len);
  check (_qs_ring_buffer_is_empty (rb) == (model->len == 0));
  check (rb->n_spares <= QS_RING_BUFFER_MAX_SPARES);
  if (model->len == 0)
    check (rb->n_spares <= 1);

  /* The search hint: its byte where it says, none before it. */
  if (rb->hint_at >= 0)
    {
      check ((gsize) rb->hint_at < model->len);
      check (rb->hint_from <= (gsize) rb->hint_at);
      check (model->data[rb->hint_at] == rb->hint_byte);
      check (model_index_of (model, rb->hint_byte, rb->hint_at - rb->hint_from, rb->hint_from) < 0);
    }

  check (_qs_ring_buffer_peek (rb, s->scratch, model->len + 1, 0) == model->len);
  check (fuzz_same (s->scratch, model->data, model->len));

  n_vectors = _qs_ring_buffer_get_vectors (rb, vectors, G_N_ELEMENTS (vectors));
  total = 0;
  for (guint i = 0; i < n_vectors; i++)
    {
      check (vectors[i].iov_len > 0);
      check (total + vectors[i].iov_len <= model->len);
      check (memcmp (vectors[i].iov_base, model->data + total, vectors[i].iov_len) == 0);
      total += vectors[i].iov_len;
    }
  if (n_vectors < G_N_ELEMENTS (vectors))
    check (total == model->len);
}

/* Consumes @n bytes from the model's head; checks that @got holds them. */
static void
model_consume (State        *s,
               const guint8 *got,
               gsize         n)
{
  check (n <= s->model->len);
  if (got != NULL)
    check (fuzz_same (got, s->model->data, n));
  g_byte_array_remove_range (s->model, 0, n);
}

static void
append (State        *s,
        const guint8 *data,
        gsize         size)
{
  _qs_ring_buffer_append (&s->rb, data, size);
  g_byte_array_append (s->model, data, size);
}

static void
run_op (State     *s,
        FuzzInput *in)
{
  QsRingBuffer *rb = &s->rb;
  GByteArray *model = s->model;
  guint8 *scratch = s->scratch;
  Op op = fuzz_u8 (in) % N_OPS;

  switch (op)
    {
    case OP_APPEND:
      {
        gsize size = fuzz_u16 (in) % MAX_OP;
        guint8 seed = fuzz_u8 (in);

        if (model->len + size > MAX_BUFFER)
          break;
        fuzz_pattern (scratch, size, seed, fuzz_u8 (in) % 64);
        append (s, scratch, size);
        break;
      }

    case OP_APPEND_INPUT:
      {
        const guint8 *data;
        gsize size = fuzz_bytes (in, &data, fuzz_u8 (in));

        if (model->len + size <= MAX_BUFFER)
          append (s, size ? data : NULL, size);
        break;
      }

    case OP_RESERVE_COMMIT:
      {
        gsize min_size = fuzz_u16 (in) % MAX_OP;
        gsize room = 0;
        gsize commit = fuzz_u16 (in);
        guint8 *tail;

        if (model->len + MAX (min_size, 1) + MAX_OP > MAX_BUFFER)
          break;
        tail = _qs_ring_buffer_reserve (rb, min_size, &room);
        check (tail != NULL);
        check (room >= MAX (min_size, 1));
        /* Reserved but not committed bytes are not data. */
        check (_qs_ring_buffer_get_size (rb) == model->len);
        commit %= MIN (room, MAX_OP) + 1;
        fuzz_pattern (tail, commit, (guint8) min_size, commit % 13);
        g_byte_array_append (model, tail, commit);
        _qs_ring_buffer_commit (rb, commit);
        break;
      }

    case OP_READ:
      {
        gsize max_size = fuzz_u16 (in) % MAX_OP;
        gsize n = _qs_ring_buffer_read (rb, max_size ? scratch : NULL, max_size);

        check (n == MIN (max_size, model->len));
        model_consume (s, scratch, n);
        break;
      }

    case OP_PEEK:
      {
        gsize max_size = fuzz_u16 (in) % MAX_OP;
        gsize offset = fuzz_u16 (in);
        gsize n = _qs_ring_buffer_peek (rb, max_size ? scratch : NULL, max_size, offset);

        check (n == (offset < model->len ? MIN (max_size, model->len - offset) : 0));
        check (fuzz_same (scratch, model->data + offset, n));
        break;
      }

    case OP_SKIP:
      {
        gsize size = fuzz_u16 (in);
        gsize n = _qs_ring_buffer_skip (rb, size);

        check (n == MIN (size, model->len));
        model_consume (s, NULL, n);
        break;
      }

    case OP_INDEX_OF:
      {
        guint8 c = fuzz_u8 (in);
        gsize max_len = fuzz_u16 (in);
        gsize offset = fuzz_u16 (in);

        /* Mostly newlines, as can_read_line and read_line ask. */
        if (c & 1)
          c = '\n';
        if (max_len == G_MAXUINT16)
          max_len = G_MAXSIZE;
        check (_qs_ring_buffer_index_of (rb, c, max_len, offset) ==
               model_index_of (model, c, max_len, offset));
        break;
      }

    case OP_READ_LINE:
      {
        /* Every size, 0 and 1 included. */
        gsize max_size = fuzz_u16 (in) % MAX_OP;
        gssize eol = model_index_of (model, '\n', max_size, 0);
        gsize expected = eol >= 0 ? (gsize) eol + 1 : MIN (max_size, model->len);

        check (_qs_ring_buffer_read_line (rb, max_size ? scratch : NULL, max_size) == expected);
        model_consume (s, scratch, expected);
        break;
      }

    case OP_GET_CHAR:
      {
        int c = _qs_ring_buffer_get_char (rb);

        if (model->len == 0)
          {
            check (c == -1);
            break;
          }
        check (c == model->data[0]);
        model_consume (s, NULL, 1);
        break;
      }

    case OP_UNGET_CHAR:
      {
        guint8 c = fuzz_u8 (in);

        if (model->len >= MAX_BUFFER)
          break;
        _qs_ring_buffer_unget_char (rb, c);
        g_byte_array_prepend (model, &c, 1);
        break;
      }

    case OP_CLEAR:
      _qs_ring_buffer_clear (rb);
      g_byte_array_set_size (model, 0);
      break;

    case OP_READ_SHARED:
      {
        guint8 how = fuzz_u8 (in);
        gsize size;
        GBytes *bytes;

        /* The head chunk whole (what read_bytes shares), everything,
         * or any size. */
        if (how % 3 == 0 && rb->n_chunks > 0)
          size = rb->chunks[rb->first].tail - rb->chunks[rb->first].head;
        else if (how % 3 == 1)
          size = model->len;
        else
          size = fuzz_u16 (in);

        bytes = _qs_ring_buffer_read_shared (rb, size);
        if (bytes == NULL)
          break;
        check (g_bytes_get_size (bytes) == size);
        model_consume (s, g_bytes_get_data (bytes, NULL), size);
        fuzz_held_add (&s->held, bytes, how);
        break;
      }

    case OP_FREE_SHARED:
      {
        guint8 i = fuzz_u8 (in);

        if (s->held.n > 0)
          fuzz_held_drop (&s->held, i % s->held.n);
        break;
      }

    case OP_DESTROY:
      /* Left usable as after init; held blocks outlive it. */
      _qs_ring_buffer_destroy (rb);
      g_byte_array_set_size (model, 0);
      break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FuzzInput in = fuzz_start (data, size);
  State s = { 0 };

  _qs_ring_buffer_init (&s.rb, chunk_sizes[fuzz_u8 (&in) % G_N_ELEMENTS (chunk_sizes)]);
  s.model = g_byte_array_sized_new (1); /* data never NULL */
  s.scratch = g_malloc (MAX_BUFFER + MAX_OP + 1);

  while (!fuzz_input_done (&in))
    {
      run_op (&s, &in);
      check_invariants (&s);
    }

  /* Half the held blocks go after the buffer, half before. */
  while (s.held.n > FUZZ_MAX_HELD / 2)
    fuzz_held_drop (&s.held, 0);
  _qs_ring_buffer_destroy (&s.rb);
  while (s.held.n > 0)
    fuzz_held_drop (&s.held, s.held.n - 1);

  g_byte_array_unref (s.model);
  g_free (s.scratch);
  return 0;
}
