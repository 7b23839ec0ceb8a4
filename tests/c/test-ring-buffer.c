/* test-ring-buffer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Unit tests of the private chunked byte FIFO (qs-ring-buffer.c): exact
 * contents across chunk boundaries, reserve/commit, peek, index_of,
 * get_char/unget_char, iovecs, clear/destroy, and that a steady stream
 * allocates nothing after warm-up.
 */

#include "config.h"

#include <string.h>

#include "qs-ring-buffer.h"
#include "qs-test-utils.h"

#define SMALL 8  /* tiny chunks force many chunk boundaries */

/* Walks the chunk array and checks what every operation must keep true:
 * the chunks lie inside the array, [head, tail) inside each chunk, only
 * the last chunk may be empty, and size is the sum of the chunks. */
static void
assert_invariants (const QsRingBuffer *rb)
{
  gsize total = 0;

  g_assert_cmpuint (rb->first + rb->n_chunks, <=, rb->n_alloc);
  g_assert_true (rb->n_alloc == 0 || rb->chunks != NULL);
  for (guint i = 0; i < rb->n_chunks; i++)
    {
      const QsRingChunk *chunk = &rb->chunks[rb->first + i];

      g_assert_nonnull (chunk->data);
      g_assert_cmpuint (chunk->head, <=, chunk->tail);
      g_assert_cmpuint (chunk->tail, <=, chunk->capacity);
      if (i + 1 < rb->n_chunks)
        g_assert_cmpuint (chunk->head, <, chunk->tail);
      total += chunk->tail - chunk->head;
    }
  g_assert_cmpuint (total, ==, rb->size);
  g_assert_cmpuint (_qs_ring_buffer_get_size (rb), ==, total);
  g_assert_true (_qs_ring_buffer_is_empty (rb) == (total == 0));
  g_assert_cmpuint (rb->n_spares, <=, QS_RING_BUFFER_MAX_SPARES);
  for (guint i = 0; i < rb->n_spares; i++)
    {
      g_assert_nonnull (rb->spares[i].data);
      g_assert_cmpuint (rb->spares[i].capacity, >, 0);
    }
  /* A buffer that holds no data keeps at most one spare. */
  if (total == 0)
    g_assert_cmpuint (rb->n_spares, <=, 1);
}

/* Appends @str in pieces of @piece bytes. */
static void
append_pieces (QsRingBuffer *rb,
               const char   *str,
               gsize         piece)
{
  gsize len = strlen (str);

  for (gsize done = 0; done < len; done += piece)
    _qs_ring_buffer_append (rb, (const guint8 *) str + done, MIN (piece, len - done));
  assert_invariants (rb);
}

/* Everything buffered, as a string, without consuming it. */
static char *
contents (const QsRingBuffer *rb)
{
  gsize size = _qs_ring_buffer_get_size (rb);
  char *str = g_malloc0 (size + 1);

  g_assert_cmpuint (_qs_ring_buffer_peek (rb, (guint8 *) str, size, 0), ==, size);
  return str;
}

/* Reads up to @max bytes and returns them as a string. */
static char *
read_string (QsRingBuffer *rb,
             gsize         max)
{
  char *str = g_malloc0 (max + 1);
  gsize n = _qs_ring_buffer_read (rb, (guint8 *) str, max);

  g_assert_cmpuint (n, <=, max);
  str[n] = '\0';
  assert_invariants (rb);
  return str;
}

#define assert_read(rb, max, expected)               \
  G_STMT_START {                                     \
    g_autofree char *got_ = read_string ((rb), (max)); \
    g_assert_cmpstr (got_, ==, (expected));          \
  } G_STMT_END

#define assert_contents(rb, expected)                \
  G_STMT_START {                                     \
    g_autofree char *got_ = contents (rb);           \
    g_assert_cmpstr (got_, ==, (expected));          \
    g_assert_cmpuint (_qs_ring_buffer_get_size (rb), ==, strlen (expected)); \
  } G_STMT_END

static void
test_init (void)
{
  QsRingBuffer rb;
  guint8 byte = 0;
  struct iovec vec[2];

  g_test_summary ("init makes an empty buffer owning no memory; chunk_size 0 means the default");

  _qs_ring_buffer_init (&rb, 0);
  g_assert_cmpuint (rb.chunk_size, ==, 16384);
  _qs_ring_buffer_destroy (&rb);

  _qs_ring_buffer_init (&rb, SMALL);
  g_assert_cmpuint (rb.chunk_size, ==, SMALL);
  g_assert_null (rb.chunks);
  g_assert_cmpuint (rb.n_spares, ==, 0);
  g_assert_cmpuint (rb.n_chunks, ==, 0);
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 0);
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, -1);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, &byte, 1, 0), ==, 0);
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, &byte, 1), ==, 0);
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 5), ==, 0);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, 'a', 100, 0), ==, -1);
  g_assert_cmpuint (_qs_ring_buffer_get_vectors (&rb, vec, G_N_ELEMENTS (vec)), ==, 0);
  _qs_ring_buffer_append (&rb, NULL, 0);
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  g_assert_cmpuint (rb.n_chunks, ==, 0);
  assert_invariants (&rb);
  _qs_ring_buffer_destroy (&rb);
}

static void
test_append_read (void)
{
  QsRingBuffer rb;
  guint8 buf[64];

  g_test_summary ("append fills each chunk before starting the next; read crosses chunk boundaries");

  _qs_ring_buffer_init (&rb, SMALL);

  /* 26 bytes in 3-byte pieces: chunks of 8 + 8 + 8 + 2 */
  append_pieces (&rb, "abcdefghijklmnopqrstuvwxyz", 3);
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 26);
  g_assert_false (_qs_ring_buffer_is_empty (&rb));
  g_assert_cmpuint (rb.n_chunks, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (rb.chunks[rb.first + i].capacity, ==, SMALL);
  g_assert_cmpuint (rb.chunks[rb.first + 3].tail - rb.chunks[rb.first + 3].head, ==, 2);

  assert_read (&rb, 5, "abcde");              /* inside the first chunk */
  assert_read (&rb, 5, "fghij");              /* crosses 8 */
  g_assert_cmpuint (rb.n_chunks, ==, 3);
  assert_read (&rb, 12, "klmnopqrstuv");      /* empties the second chunk */
  g_assert_cmpuint (rb.n_chunks, ==, 2);
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 4);
  assert_read (&rb, 100, "wxyz");             /* asks for more than held */
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  g_assert_cmpuint (rb.n_chunks, ==, 1);      /* the last chunk stays, empty */
  g_assert_cmpuint (rb.n_spares, ==, 1);
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, buf, sizeof buf), ==, 0);

  /* One append bigger than a chunk gets one chunk big enough for it (the
   * empty kept chunk's memory is swapped). */
  _qs_ring_buffer_append (&rb, (const guint8 *) "0123456789ABCDEFGHIJ", 20);
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 1);
  g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, 20);
  /* The next append finds the tail full and starts a default chunk. */
  _qs_ring_buffer_append (&rb, (const guint8 *) "xyz", 3);
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 2);
  g_assert_cmpuint (rb.chunks[rb.first + 1].capacity, ==, SMALL);
  assert_contents (&rb, "0123456789ABCDEFGHIJxyz");

  /* An append that overflows the tail chunk fills it first. */
  _qs_ring_buffer_append (&rb, (const guint8 *) "!@#$%^&", 7);
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 3);
  g_assert_cmpuint (rb.chunks[rb.first + 1].tail, ==, SMALL);
  g_assert_cmpuint (rb.chunks[rb.first + 2].tail, ==, 2);
  assert_read (&rb, 30, "0123456789ABCDEFGHIJxyz!@#$%^&");
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, buf, sizeof buf), ==, 0);

  /* Binary data, NUL and 0xff included. */
  {
    const guint8 bin[] = { 0x00, 0xff, 0x7f, 0x80, 0x00, 0x01, 0xfe, 0x00, 0x0a, 0xff };

    for (gsize i = 0; i < sizeof bin; i += 3)
      _qs_ring_buffer_append (&rb, bin + i, MIN (3, sizeof bin - i));
    g_assert_cmpuint (_qs_ring_buffer_read (&rb, buf, sizeof buf), ==, sizeof bin);
    g_assert_cmpmem (buf, sizeof bin, bin, sizeof bin);
  }

  _qs_ring_buffer_destroy (&rb);
}

static void
test_reserve_commit (void)
{
  QsRingBuffer rb;
  guint8 *p, *q;
  gsize room = 0;
  guint n_chunks;

  g_test_summary ("reserve gives contiguous tail room; only commit adds bytes");

  _qs_ring_buffer_init (&rb, SMALL);

  /* Empty buffer: a new default chunk. */
  p = _qs_ring_buffer_reserve (&rb, 3, &room);
  g_assert_nonnull (p);
  g_assert_cmpuint (room, ==, SMALL);
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  assert_invariants (&rb);
  memcpy (p, "abc", 3);
  _qs_ring_buffer_commit (&rb, 3);
  assert_invariants (&rb);
  assert_contents (&rb, "abc");

  /* Room left in the tail chunk: right after the committed bytes. */
  q = _qs_ring_buffer_reserve (&rb, 2, &room);
  g_assert_true (q == p + 3);
  g_assert_cmpuint (room, ==, 5);

  /* A reserve with no commit adds nothing; commit (0) neither. */
  memcpy (q, "XX", 2);
  _qs_ring_buffer_commit (&rb, 0);
  assert_contents (&rb, "abc");
  g_assert_cmpuint (rb.n_chunks, ==, 1);

  /* Not enough room in the tail: a new chunk. */
  p = _qs_ring_buffer_reserve (&rb, 6, &room);
  g_assert_cmpuint (room, ==, SMALL);
  g_assert_cmpuint (rb.n_chunks, ==, 2);
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 3);
  assert_invariants (&rb);
  memcpy (p, "defghi", 6);
  _qs_ring_buffer_commit (&rb, 6);
  assert_contents (&rb, "abcdefghi");

  /* More than a chunk: a chunk of exactly that size, when nothing spare fits. */
  p = _qs_ring_buffer_reserve (&rb, 20, &room);
  g_assert_cmpuint (room, ==, 20);
  memcpy (p, "0123456789", 10);
  _qs_ring_buffer_commit (&rb, 10);
  assert_contents (&rb, "abcdefghi0123456789");
  /* The rest of that chunk is handed out next. */
  q = _qs_ring_buffer_reserve (&rb, 1, &room);
  g_assert_true (q == p + 10);
  g_assert_cmpuint (room, ==, 10);

  /* reserve (0) still gives at least one byte. */
  q = _qs_ring_buffer_reserve (&rb, 0, &room);
  g_assert_nonnull (q);
  g_assert_cmpuint (room, >=, 1);

  assert_read (&rb, 100, "abcdefghi0123456789");

  /* An uncommitted reservation followed by a bigger one re-makes the
   * same (empty) tail chunk instead of leaving an empty chunk behind. */
  _qs_ring_buffer_destroy (&rb);   /* no spare: exact capacities below */
  _qs_ring_buffer_append (&rb, (const guint8 *) "ABCDEFGH", 8);
  p = _qs_ring_buffer_reserve (&rb, 4, &room);
  g_assert_cmpuint (room, ==, SMALL);
  n_chunks = rb.n_chunks;
  g_assert_cmpuint (n_chunks, ==, 2);
  p = _qs_ring_buffer_reserve (&rb, 30, &room);
  g_assert_cmpuint (room, >=, 30);
  g_assert_cmpuint (rb.n_chunks, ==, n_chunks);
  assert_invariants (&rb);
  memcpy (p, "IJ", 2);
  _qs_ring_buffer_commit (&rb, 2);
  assert_invariants (&rb);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 'A');
  assert_read (&rb, 7, "BCDEFGH");
  /* The head chunk is gone; get_char goes on in the committed one. */
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 'I');
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 'J');
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, -1);

  /* A reservation made in its own chunk survives reading the data
   * before it (the stream pump's EAGAIN leaves one behind). */
  _qs_ring_buffer_destroy (&rb);
  _qs_ring_buffer_append (&rb, (const guint8 *) "12345678", 8);
  p = _qs_ring_buffer_reserve (&rb, SMALL, &room);
  g_assert_cmpuint (rb.n_chunks, ==, 2);
  assert_read (&rb, 8, "12345678");
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  memcpy (p, "xyz", 3);
  _qs_ring_buffer_commit (&rb, 3);
  assert_invariants (&rb);
  assert_read (&rb, 8, "xyz");

  _qs_ring_buffer_destroy (&rb);
}

static void
test_commit_too_much (void)
{
  QsRingBuffer rb;
  gsize room = 0;

  g_test_summary ("committing more than was reserved is a programmer error and adds nothing");

  _qs_ring_buffer_init (&rb, SMALL);

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  _qs_ring_buffer_commit (&rb, 1);          /* nothing reserved */
  g_test_assert_expected_messages ();
  g_assert_true (_qs_ring_buffer_is_empty (&rb));

  _qs_ring_buffer_reserve (&rb, 4, &room);
  g_assert_cmpuint (room, ==, SMALL);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  _qs_ring_buffer_commit (&rb, room + 1);
  g_test_assert_expected_messages ();
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  assert_invariants (&rb);

  _qs_ring_buffer_destroy (&rb);
}

static void
test_peek (void)
{
  QsRingBuffer rb;
  char buf[32];

  g_test_summary ("peek copies from an offset without consuming, across chunks");

  _qs_ring_buffer_init (&rb, SMALL);
  append_pieces (&rb, "0123456789abcdefghijklmn", 5);   /* 24 bytes, 3 chunks */
  g_assert_cmpuint (rb.n_chunks, ==, 3);

  memset (buf, 0, sizeof buf);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, 4, 0), ==, 4);
  g_assert_cmpstr (buf, ==, "0123");

  memset (buf, 0, sizeof buf);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, 10, 6), ==, 10);
  g_assert_cmpstr (buf, ==, "6789abcdef");

  memset (buf, 0, sizeof buf);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, 8, 8), ==, 8);
  g_assert_cmpstr (buf, ==, "89abcdef");   /* exactly the second chunk */

  memset (buf, 0, sizeof buf);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, 10, 20), ==, 4);
  g_assert_cmpstr (buf, ==, "klmn");

  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, 10, 24), ==, 0);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, 10, 1000), ==, 0);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, 0, 0), ==, 0);

  memset (buf, 0, sizeof buf);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, sizeof buf - 1, 0), ==, 24);
  g_assert_cmpstr (buf, ==, "0123456789abcdefghijklmn");

  /* Nothing was consumed. */
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 24);
  g_assert_cmpuint (rb.n_chunks, ==, 3);

  /* Offsets count from the current head. */
  assert_read (&rb, 3, "012");
  memset (buf, 0, sizeof buf);
  g_assert_cmpuint (_qs_ring_buffer_peek (&rb, (guint8 *) buf, 6, 2), ==, 6);
  g_assert_cmpstr (buf, ==, "56789a");

  _qs_ring_buffer_destroy (&rb);
}

static void
test_skip (void)
{
  QsRingBuffer rb;

  g_test_summary ("skip consumes across chunks and returns what it consumed");

  _qs_ring_buffer_init (&rb, SMALL);
  append_pieces (&rb, "0123456789abcdefghijklmn", 5);

  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 0), ==, 0);
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 10), ==, 10);
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 2);
  assert_contents (&rb, "abcdefghijklmn");
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 6), ==, 6);   /* ends on a chunk boundary */
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 1);
  assert_contents (&rb, "ghijklmn");
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 100), ==, 8);
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  g_assert_cmpuint (rb.n_chunks, ==, 1);   /* kept, empty */
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 1), ==, 0);
  assert_invariants (&rb);

  _qs_ring_buffer_destroy (&rb);
}

static void
test_index_of (void)
{
  QsRingBuffer rb;

  g_test_summary ("index_of searches from an offset within max_len, across chunks");

  _qs_ring_buffer_init (&rb, SMALL);
  /* positions:       0123456 789 01234 5678901 2 */
  append_pieces (&rb, "ab\ncdefgh\nijklmnopq\nrst\n", 3);
  /* chunks: "ab\ncdefg" "h\nijklmn" "opq\nrst\n" */
  g_assert_cmpuint (rb.n_chunks, ==, 3);

  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 0), ==, 2);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 2), ==, 2);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 3), ==, 9);   /* second chunk */
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 10), ==, 19); /* third chunk */
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 20), ==, 23); /* last byte */
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, 'h', 100, 0), ==, 8);    /* chunk start */
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, 'g', 100, 0), ==, 7);    /* chunk end */
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, 'z', 100, 0), ==, -1);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 24), ==, -1); /* offset == size */
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 500), ==, -1);

  /* max_len bounds the bytes searched: [offset, offset + max_len). */
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 0, 0), ==, -1);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 2, 0), ==, -1);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 3, 0), ==, 2);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 6, 3), ==, -1);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 7, 3), ==, 9);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, 'q', 8, 10), ==, -1);    /* q is at 18 */
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, 'q', 9, 10), ==, 18);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 4, 20), ==, 23);

  /* Positions count from the current head. */
  assert_read (&rb, 3, "ab\n");
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 0), ==, 6);
  _qs_ring_buffer_unget_char (&rb, '\n');
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 0), ==, 0);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 100, 1), ==, 7);

  _qs_ring_buffer_destroy (&rb);
}

/* index_of() remembers what its last scan found; whatever happens to the
 * buffer in between, each answer must be the one a fresh scan of the
 * bytes gives. Random operations against a GString model. */
static void
test_index_of_hint (void)
{
  static const char alphabet[] = "ab\n";
  QsRingBuffer rb;
  GString *model = g_string_new (NULL);

  g_test_summary ("index_of answers as a fresh scan after appends, reads, skips, ungets and clears");

  _qs_ring_buffer_init (&rb, SMALL);
  for (guint step = 0; step < 20000; step++)
    {
      gsize size = model->len;
      gsize n = g_test_rand_int_range (0, 12);
      guint8 c = alphabet[g_test_rand_int_range (0, 3)];
      guint8 out[16];

      switch (g_test_rand_int_range (0, 8))
        {
        case 0:
        case 1:
          for (gsize i = 0; i < n; i++)
            out[i] = alphabet[g_test_rand_int_range (0, 3)];
          _qs_ring_buffer_append (&rb, out, n);
          g_string_append_len (model, (const char *) out, n);
          break;
        case 2:
          n = MIN (n, size);
          g_assert_cmpuint (_qs_ring_buffer_read (&rb, out, n), ==, n);
          g_assert_cmpmem (out, n, model->str, n);
          g_string_erase (model, 0, n);
          break;
        case 3:
          g_assert_cmpuint (_qs_ring_buffer_skip (&rb, n), ==, MIN (n, size));
          g_string_erase (model, 0, MIN (n, size));
          break;
        case 4:
          g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, size ? (guint8) model->str[0] : -1);
          if (size > 0)
            g_string_erase (model, 0, 1);
          _qs_ring_buffer_unget_char (&rb, c);
          g_string_prepend_c (model, c);
          break;
        case 5:
          if (g_test_rand_int_range (0, 20) == 0)
            {
              _qs_ring_buffer_clear (&rb);
              g_string_truncate (model, 0);
            }
          break;
        default:
          {
            gsize offset = g_test_rand_int_range (0, size + 2);
            gsize max_len = g_test_rand_int_range (0, size + 2);
            gssize expected = -1;

            for (gsize i = offset; i < size && i < offset + max_len; i++)
              {
                if ((guint8) model->str[i] == c)
                  {
                    expected = i;
                    break;
                  }
              }
            g_assert_cmpint (_qs_ring_buffer_index_of (&rb, c, max_len, offset), ==, expected);
          }
          break;
        }
      g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, model->len);
    }
  assert_invariants (&rb);

  _qs_ring_buffer_destroy (&rb);
  g_string_free (model, TRUE);
}

static void
test_get_char_unget_char (void)
{
  QsRingBuffer rb;
  guint n_chunks;

  g_test_summary ("get_char returns bytes 0..255 or -1; unget_char prepends, also into an empty buffer and before a chunk start");

  _qs_ring_buffer_init (&rb, SMALL);

  /* Empty. */
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, -1);

  /* Unget into an empty buffer. */
  _qs_ring_buffer_unget_char (&rb, 'x');
  assert_invariants (&rb);
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 1);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, 'x', 1, 0), ==, 0);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 'x');
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, -1);
  g_assert_cmpuint (rb.n_chunks, ==, 1);   /* kept, empty */

  /* Unget after a get_char goes back into the same chunk. */
  append_pieces (&rb, "abc", 3);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 'a');
  n_chunks = rb.n_chunks;
  _qs_ring_buffer_unget_char (&rb, 'Z');
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, n_chunks);
  assert_contents (&rb, "Zbc");
  assert_read (&rb, 10, "Zbc");

  /* Unget before a chunk that starts at its first byte: a new head
   * chunk, which later ungets share. */
  append_pieces (&rb, "abcdefghij", 4);  /* "abcdefgh" "ij" */
  g_assert_cmpuint (rb.n_chunks, ==, 2);
  g_assert_cmpuint (rb.chunks[rb.first].head, ==, 0);
  _qs_ring_buffer_unget_char (&rb, 'X');
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 3);
  _qs_ring_buffer_unget_char (&rb, 'Y');
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 3);
  for (guint i = 0; i < 10; i++)
    _qs_ring_buffer_unget_char (&rb, '0' + i);   /* more than a chunk holds */
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 4);
  assert_contents (&rb, "9876543210YXabcdefghij");
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, 'a', 100, 0), ==, 12);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, '9');
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, '8');
  assert_read (&rb, 9, "76543210Y");
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 'X');
  assert_invariants (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 2);
  assert_read (&rb, 100, "abcdefghij");

  /* Bytes above 127 are not confused with -1. */
  _qs_ring_buffer_unget_char (&rb, 0xff);
  _qs_ring_buffer_unget_char (&rb, 0x80);
  _qs_ring_buffer_unget_char (&rb, 0x00);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 0x00);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 0x80);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 0xff);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, -1);

  /* get_char across chunk boundaries. */
  append_pieces (&rb, "0123456789", 3);
  for (const char *p = "0123456789"; *p; p++)
    {
      g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, *p);
      assert_invariants (&rb);
    }
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, -1);

  /* Unget in front of an uncommitted reservation. */
  {
    gsize room = 0;
    guint8 *p = _qs_ring_buffer_reserve (&rb, 4, &room);

    _qs_ring_buffer_unget_char (&rb, 'q');
    assert_invariants (&rb);
    memcpy (p, "rs", 2);
    _qs_ring_buffer_commit (&rb, 2);
    assert_invariants (&rb);
    assert_read (&rb, 10, "qrs");
  }

  _qs_ring_buffer_destroy (&rb);
}

static void
test_get_vectors (void)
{
  QsRingBuffer rb;
  struct iovec vec[8];
  GString *joined;
  gsize room = 0;
  guint n;

  g_test_summary ("get_vectors describes the head data in order, at most max_vectors of them");

  _qs_ring_buffer_init (&rb, SMALL);

  append_pieces (&rb, "0123456789abcdefghijklmn", 5);
  assert_read (&rb, 3, "012");
  _qs_ring_buffer_unget_char (&rb, '!');   /* fits before the head */
  /* chunks: "!34567" "89abcdef" "ghijklmn" */

  n = _qs_ring_buffer_get_vectors (&rb, vec, G_N_ELEMENTS (vec));
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (vec[0].iov_len, ==, 6);
  g_assert_cmpmem (vec[0].iov_base, vec[0].iov_len, "!34567", 6);
  g_assert_cmpuint (vec[1].iov_len, ==, 8);
  g_assert_cmpmem (vec[1].iov_base, vec[1].iov_len, "89abcdef", 8);
  g_assert_cmpuint (vec[2].iov_len, ==, 8);
  g_assert_cmpmem (vec[2].iov_base, vec[2].iov_len, "ghijklmn", 8);

  /* Limited count: the first ones, in order. */
  memset (vec, 0, sizeof vec);
  g_assert_cmpuint (_qs_ring_buffer_get_vectors (&rb, vec, 2), ==, 2);
  g_assert_cmpmem (vec[0].iov_base, vec[0].iov_len, "!34567", 6);
  g_assert_cmpmem (vec[1].iov_base, vec[1].iov_len, "89abcdef", 8);
  g_assert_null (vec[2].iov_base);
  g_assert_cmpuint (_qs_ring_buffer_get_vectors (&rb, vec, 0), ==, 0);

  /* An uncommitted reservation adds no (empty) vector. */
  _qs_ring_buffer_reserve (&rb, SMALL, &room);
  g_assert_cmpuint (_qs_ring_buffer_get_vectors (&rb, vec, G_N_ELEMENTS (vec)), ==, 3);

  /* As a vectored send would: skip what was "sent", ask again. */
  _qs_ring_buffer_skip (&rb, 10);
  n = _qs_ring_buffer_get_vectors (&rb, vec, G_N_ELEMENTS (vec));
  joined = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_len (joined, vec[i].iov_base, vec[i].iov_len);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (joined->str, ==, "cdefghijklmn");
  g_string_free (joined, TRUE);

  _qs_ring_buffer_clear (&rb);
  g_assert_cmpuint (_qs_ring_buffer_get_vectors (&rb, vec, G_N_ELEMENTS (vec)), ==, 0);

  _qs_ring_buffer_destroy (&rb);
}

static void
test_clear_destroy (void)
{
  QsRingBuffer rb;
  guint8 *spare;
  gsize room = 0;

  g_test_summary ("clear drops the data and keeps one chunk for reuse; destroy frees everything");

  _qs_ring_buffer_init (&rb, SMALL);
  append_pieces (&rb, "0123456789abcdefghijklmn", 5);
  g_assert_cmpuint (rb.n_chunks, ==, 3);

  _qs_ring_buffer_clear (&rb);
  assert_invariants (&rb);
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  g_assert_cmpuint (rb.n_chunks, ==, 0);
  g_assert_cmpuint (rb.n_spares, ==, 1);
  g_assert_cmpuint (rb.spares[0].capacity, ==, SMALL);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, -1);

  /* The kept chunk is used again. */
  spare = rb.spares[0].data;
  _qs_ring_buffer_append (&rb, (const guint8 *) "abc", 3);
  g_assert_true (rb.chunks[rb.first].data == spare);
  g_assert_cmpuint (rb.n_spares, ==, 0);
  assert_read (&rb, 10, "abc");

  /* Clear drops an uncommitted reservation too. */
  _qs_ring_buffer_reserve (&rb, 4, &room);
  _qs_ring_buffer_clear (&rb);
  g_assert_cmpuint (rb.n_chunks, ==, 0);
  g_assert_cmpuint (rb.n_spares, ==, 1);

  /* Clearing an empty buffer is harmless. */
  _qs_ring_buffer_clear (&rb);
  assert_invariants (&rb);

  append_pieces (&rb, "0123456789abcdefghijklmn", 5);
  _qs_ring_buffer_unget_char (&rb, 'u');
  _qs_ring_buffer_destroy (&rb);
  g_assert_null (rb.chunks);
  g_assert_cmpuint (rb.n_spares, ==, 0);
  g_assert_cmpuint (rb.n_chunks, ==, 0);
  g_assert_cmpuint (rb.n_alloc, ==, 0);
  g_assert_cmpuint (rb.size, ==, 0);

  /* Destroying twice (dispose-like paths) is harmless, and the buffer
   * stays usable. */
  _qs_ring_buffer_destroy (&rb);
  _qs_ring_buffer_append (&rb, (const guint8 *) "ok", 2);
  assert_read (&rb, 2, "ok");
  _qs_ring_buffer_destroy (&rb);
}

static void
test_emptied_keeps_one_chunk (void)
{
  QsRingBuffer rb;

  g_test_summary ("a buffer read empty keeps at most one chunk, and not a huge one");

  _qs_ring_buffer_init (&rb, SMALL);

  /* Many chunks: while data remains, the emptied ones are kept up to
   * the limit ... */
  for (guint i = 0; i < 20; i++)
    _qs_ring_buffer_append (&rb, (const guint8 *) "abcdefg", 7);
  g_assert_cmpuint (rb.n_chunks, ==, 18);
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 8), ==, 8);
  g_assert_cmpuint (rb.n_spares, ==, 1);
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 100), ==, 100);
  g_assert_cmpuint (rb.n_chunks, ==, 5);
  g_assert_cmpuint (rb.n_spares, ==, QS_RING_BUFFER_MAX_SPARES);
  assert_invariants (&rb);
  /* ... and a buffer read empty keeps its last chunk, empty, in place
   * (the tail of the next append), and one spare. */
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 100), ==, 32);
  g_assert_cmpuint (rb.n_chunks, ==, 1);
  g_assert_cmpuint (rb.chunks[rb.first].head, ==, rb.chunks[rb.first].tail);
  g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, SMALL);
  g_assert_cmpuint (rb.n_spares, ==, 1);
  assert_invariants (&rb);

  /* The same when the last byte goes through get_char ... */
  append_pieces (&rb, "0123456789abcdefghijklmnopqrstuvwxyz", 4);
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 35), ==, 35);
  g_assert_cmpuint (rb.n_spares, >, 1);
  g_assert_cmpint (_qs_ring_buffer_get_char (&rb), ==, 'z');
  g_assert_cmpuint (rb.n_chunks, ==, 1);
  g_assert_cmpuint (rb.n_spares, ==, 1);
  /* ... but clear gives every chunk back and keeps one spare. */
  append_pieces (&rb, "0123456789abcdefghijklmnopqrstuvwxyz", 4);
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 35), ==, 35);
  g_assert_cmpuint (rb.n_spares, >, 1);
  _qs_ring_buffer_clear (&rb);
  g_assert_cmpuint (rb.n_spares, ==, 1);
  assert_invariants (&rb);

  /* A large chunk is kept rather than a small one ... */
  {
    guint8 big[100];

    memset (big, 'b', sizeof big);
    _qs_ring_buffer_append (&rb, big, sizeof big);
    g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, sizeof big);
    g_assert_cmpuint (_qs_ring_buffer_skip (&rb, sizeof big), ==, sizeof big);
    g_assert_cmpuint (rb.n_chunks, ==, 1);
    g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, sizeof big);
    g_assert_cmpuint (rb.n_spares, ==, 1);   /* the small chunk clear kept */
  }

  /* ... but a burst far beyond the chunk size is given back. */
  {
    gsize huge_size = 64 * SMALL + 1;
    guint8 *huge = g_malloc0 (huge_size);

    _qs_ring_buffer_destroy (&rb);   /* drop the spares */
    _qs_ring_buffer_append (&rb, huge, huge_size);
    g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, huge_size);
    g_assert_cmpuint (_qs_ring_buffer_skip (&rb, huge_size), ==, huge_size);
    g_assert_cmpuint (rb.n_chunks, ==, 0);
    g_assert_cmpuint (rb.n_spares, ==, 0);
    g_free (huge);
  }

  _qs_ring_buffer_destroy (&rb);
}

/* What a steady stream may own: the blocks seen after warm-up. */
typedef struct
{
  QsRingChunk *chunks;
  guint        n_alloc;
  GHashTable  *blocks;   /* (owned) data pointer -> capacity */
  GPtrArray   *pins;     /* (owned) blocks held so freed memory is not handed back */
} Footprint;

static guint
owned_blocks (const QsRingBuffer *rb)
{
  return rb->n_chunks + rb->n_spares;
}

static void
footprint_take (Footprint          *fp,
                const QsRingBuffer *rb)
{
  fp->chunks = rb->chunks;
  fp->n_alloc = rb->n_alloc;
  fp->blocks = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < rb->n_chunks; i++)
    g_hash_table_insert (fp->blocks, rb->chunks[rb->first + i].data,
                         GSIZE_TO_POINTER (rb->chunks[rb->first + i].capacity));
  for (guint i = 0; i < rb->n_spares; i++)
    g_hash_table_insert (fp->blocks, rb->spares[i].data, GSIZE_TO_POINTER (rb->spares[i].capacity));
  fp->pins = g_ptr_array_new_with_free_func (g_free);
}

/* Asserts that @rb owns nothing it did not own after warm-up, then pins
 * one block of each size it uses: memory it freed in the meantime would
 * be taken by the pin, so a later allocation shows up as a new address
 * even with an allocator that hands the last freed block back. */
static void
footprint_check (Footprint          *fp,
                 const QsRingBuffer *rb)
{
  GHashTableIter iter;
  gpointer key, value;

  assert_invariants (rb);
  g_assert_true (rb->chunks == fp->chunks);
  g_assert_cmpuint (rb->n_alloc, ==, fp->n_alloc);
  g_assert_cmpuint (owned_blocks (rb), <=, g_hash_table_size (fp->blocks));
  for (guint i = 0; i < rb->n_chunks; i++)
    g_assert_true (g_hash_table_contains (fp->blocks, rb->chunks[rb->first + i].data));
  for (guint i = 0; i < rb->n_spares; i++)
    g_assert_true (g_hash_table_contains (fp->blocks, rb->spares[i].data));

  g_hash_table_iter_init (&iter, fp->blocks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (fp->pins, g_malloc (GPOINTER_TO_SIZE (value)));
  g_ptr_array_add (fp->pins, g_malloc (sizeof (QsRingChunk) * MAX (fp->n_alloc, 1)));
}

static void
footprint_clear (Footprint *fp)
{
  g_clear_pointer (&fp->blocks, g_hash_table_unref);
  g_clear_pointer (&fp->pins, g_ptr_array_unref);
}

#define WARM_UP 50
#define CYCLES 500

typedef enum
{
  STREAM_APPEND_READ,
  STREAM_RESERVE_COMMIT_READ,
  STREAM_PUMP,
  STREAM_UNGET,
} StreamKind;

/* A byte stream through the buffer: byte k of the stream is (k * 7) & 0xff,
 * so order and content are checked on every read. */
typedef struct
{
  QsRingBuffer rb;
  guint64      produced;
  guint64      consumed;
} Stream;

static guint8
stream_byte (guint64 k)
{
  return (guint8) (k * 7);
}

static void
stream_produce (Stream *st,
                guint8 *dest,
                gsize   n)
{
  for (gsize i = 0; i < n; i++)
    dest[i] = stream_byte (st->produced++);
}

static void
stream_consume (Stream *st,
                gsize   n)
{
  guint8 out[256];

  g_assert_cmpuint (n, <=, sizeof out);
  g_assert_cmpuint (_qs_ring_buffer_read (&st->rb, out, n), ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint (out[i], ==, stream_byte (st->consumed++));
}

/* One cycle of a steady stream of @n bytes in and @n bytes out; @fp
 * (nullable) is checked after every step. */
static void
stream_cycle (Stream     *st,
              StreamKind  kind,
              gsize       n,
              Footprint  *fp)
{
  QsRingBuffer *rb = &st->rb;
  gsize backlog = st->produced - st->consumed;
  guint8 in[256];
  gsize room = 0;
  guint8 *tail;

  g_assert_cmpuint (n, <=, sizeof in);

  switch (kind)
    {
    case STREAM_APPEND_READ:
    case STREAM_UNGET:
      stream_produce (st, in, n);
      _qs_ring_buffer_append (rb, in, n);
      break;

    case STREAM_RESERVE_COMMIT_READ:
      tail = _qs_ring_buffer_reserve (rb, n, &room);
      g_assert_cmpuint (room, >=, n);
      stream_produce (st, tail, n);
      _qs_ring_buffer_commit (rb, n);
      break;

    case STREAM_PUMP:
      /* As the stream pump receives: into reserved room, a chunk at a
       * time, until a receive comes back short (or EAGAIN, which leaves
       * the last reservation uncommitted). */
      for (gsize done = 0;;)
        {
          gsize want, got;

          tail = _qs_ring_buffer_reserve (rb, SMALL, &room);
          want = MIN (room, SMALL);
          got = MIN (want, n - done);
          if (got == 0)
            break;   /* EAGAIN */
          stream_produce (st, tail, got);
          _qs_ring_buffer_commit (rb, got);
          done += got;
          if (got < want)
            break;
        }
      break;

    default:
      g_assert_not_reached ();
    }
  if (fp)
    footprint_check (fp, rb);
  g_assert_cmpuint (_qs_ring_buffer_get_size (rb), ==, backlog + n);

  if (kind == STREAM_UNGET)
    {
      /* get_char, unget_char it back, get_char again: at every position,
       * chunk boundaries included (QIODevice's peek-by-getChar idiom). */
      for (gsize i = 0; i < n; i++)
        {
          int c = _qs_ring_buffer_get_char (rb);

          g_assert_cmpint (c, ==, stream_byte (st->consumed));
          _qs_ring_buffer_unget_char (rb, (guint8) c);
          if (fp)
            footprint_check (fp, rb);
          g_assert_cmpint (_qs_ring_buffer_get_char (rb), ==, stream_byte (st->consumed));
          st->consumed++;
        }
    }
  else
    {
      stream_consume (st, n);
    }
  if (fp)
    footprint_check (fp, rb);
  g_assert_cmpuint (_qs_ring_buffer_get_size (rb), ==, backlog);
}

static void
run_stream (StreamKind kind,
            gsize      n,
            gsize      backlog)
{
  Stream st = { 0 };
  Footprint fp = { 0 };
  guint8 fill[256];

  g_test_message ("stream kind %d, %" G_GSIZE_FORMAT " bytes per call, backlog %" G_GSIZE_FORMAT,
                  kind, n, backlog);

  _qs_ring_buffer_init (&st.rb, SMALL);
  g_assert_cmpuint (backlog, <=, sizeof fill);
  /* The standing bytes arrive the way the stream's bytes do. */
  for (gsize done = 0; done < backlog; done += MIN (n, backlog - done))
    {
      gsize piece = MIN (n, backlog - done);

      stream_produce (&st, fill, piece);
      _qs_ring_buffer_append (&st.rb, fill, piece);
    }

  for (guint i = 0; i < WARM_UP; i++)
    stream_cycle (&st, kind, n, NULL);

  footprint_take (&fp, &st.rb);
  for (guint i = 0; i < CYCLES; i++)
    stream_cycle (&st, kind, n, &fp);
  footprint_clear (&fp);

  _qs_ring_buffer_destroy (&st.rb);
}

static void
test_steady_stream (void)
{
  static const gsize sizes[] = { 1, 5, SMALL, 13, 100 };

  g_test_summary ("append/read, reserve+commit/read, the pump's reserve pattern and get/unget "
                  "allocate nothing after warm-up");

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      run_stream (STREAM_APPEND_READ, sizes[i], 0);
      run_stream (STREAM_RESERVE_COMMIT_READ, sizes[i], 0);
      run_stream (STREAM_UNGET, sizes[i], 0);
      /* A burst the pump receives into several chunks needs as many
       * chunks again next time, and an emptied buffer keeps one: that
       * allocates, by design, so only bursts of up to one chunk here. */
      if (sizes[i] <= SMALL)
        run_stream (STREAM_PUMP, sizes[i], 0);
    }
}

static void
test_steady_stream_backlog (void)
{
  g_test_summary ("a steady stream with bytes standing in the buffer allocates nothing after warm-up");

  /* Chunk boundaries move against the reads: the chunks in use swing
   * by two, which one spare alone would not cover. */
  run_stream (STREAM_APPEND_READ, 7, 20);
  run_stream (STREAM_APPEND_READ, 3, 13);
  run_stream (STREAM_APPEND_READ, 5, 6);
  run_stream (STREAM_APPEND_READ, 13, 30);
  run_stream (STREAM_RESERVE_COMMIT_READ, 5, 9);
  run_stream (STREAM_RESERVE_COMMIT_READ, 13, 3);
  /* Bursts of one and of two chunks behind a partial frame. */
  run_stream (STREAM_PUMP, 8, 4);
  run_stream (STREAM_PUMP, 12, 4);
  run_stream (STREAM_PUMP, 16, 21);
  run_stream (STREAM_UNGET, 6, 3);
  run_stream (STREAM_UNGET, 13, 11);
}

/* Commits @size pattern bytes from @offset into the tail, as the pump
 * receives them: one reserve of at least @min_room, one commit. */
static void
receive_pattern (QsRingBuffer *rb,
                 gsize         offset,
                 gsize         size,
                 gsize         min_room)
{
  g_autofree guint8 *data = qs_test_pattern_new (offset, size);
  gsize room = 0;
  guint8 *tail = _qs_ring_buffer_reserve (rb, min_room, &room);

  g_assert_cmpuint (room, >=, size);
  memcpy (tail, data, size);
  _qs_ring_buffer_commit (rb, size);
  assert_invariants (rb);
}

/* read_shared() of the whole head chunk, @size pattern bytes from
 * @offset: it must hand over the chunk's own memory. */
static GBytes *
read_shared_whole_head (QsRingBuffer *rb,
                        gsize         offset,
                        gsize         size)
{
  const QsRingChunk *head = &rb->chunks[rb->first];
  const guint8 *expected = head->data + head->head;
  GBytes *bytes = _qs_ring_buffer_read_shared (rb, size);

  g_assert_nonnull (bytes);
  g_assert_true (g_bytes_get_data (bytes, NULL) == expected);
  qs_test_assert_pattern (bytes, offset, size);
  assert_invariants (rb);
  return bytes;
}

static void
test_read_shared (void)
{
  QsRingBuffer rb;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  const guint8 *head;
  guint8 byte = 0;

  g_test_summary ("read_shared hands over the head chunk's memory when the read takes all of "
                  "its bytes, and leaves the buffer consistent");

  _qs_ring_buffer_init (&rb, 8192);

  /* Two chunks: 6000 bytes in an 8192-byte block, 7000 in another. */
  receive_pattern (&rb, 0, 6000, 8192);
  receive_pattern (&rb, 6000, 7000, 8192);
  g_assert_cmpuint (rb.n_chunks, ==, 2);

  /* Not exactly the head chunk's bytes: nothing happens. */
  g_assert_null (_qs_ring_buffer_read_shared (&rb, 5999));
  g_assert_null (_qs_ring_buffer_read_shared (&rb, 6001));
  g_assert_null (_qs_ring_buffer_read_shared (&rb, 13000));
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 13000);
  g_assert_cmpuint (rb.n_chunks, ==, 2);
  assert_invariants (&rb);

  head = rb.chunks[rb.first].data;
  first = read_shared_whole_head (&rb, 0, 6000);
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 7000);
  g_assert_cmpuint (rb.n_chunks, ==, 1);
  /* The block left with the bytes: it is not a spare. */
  for (guint i = 0; i < rb.n_spares; i++)
    g_assert_true (rb.spares[i].data != head);

  /* The last chunk goes too: the buffer is left without any. */
  head = rb.chunks[rb.first].data;
  second = read_shared_whole_head (&rb, 6000, 7000);
  g_assert_cmpuint (rb.n_chunks, ==, 0);
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  g_assert_null (_qs_ring_buffer_read_shared (&rb, 7000));
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, &byte, 1), ==, 0);

  /* The GBytes outlive the buffer that gave them. */
  _qs_ring_buffer_destroy (&rb);
  qs_test_assert_pattern (first, 0, 6000);
  qs_test_assert_pattern (second, 6000, 7000);
}

static void
test_read_shared_rules (void)
{
  QsRingBuffer rb;
  g_autofree guint8 *skipped = g_malloc (8000);
  g_autofree guint8 *expected = qs_test_pattern_new (0, 14000);
  g_autoptr(GBytes) tail_part = NULL;
  g_autoptr(GBytes) trimmed = NULL;
  g_autoptr(GBytes) later = NULL;
  const guint8 *head;

  g_test_summary ("read_shared shares nothing under 4096 bytes, nor when more of the chunk was "
                  "consumed than it would hand over; a block over twice the bytes is cut back");

  _qs_ring_buffer_init (&rb, 16384);

  /* Below 4096 bytes: NULL, whatever the chunk. */
  receive_pattern (&rb, 0, 4095, 16384);
  g_assert_null (_qs_ring_buffer_read_shared (&rb, 4095));
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, skipped, 4095), ==, 4095);
  g_assert_cmpmem (skipped, 4095, expected, 4095);
  assert_invariants (&rb);

  /* A chunk read in part: shared while what was consumed before the
   * bytes is no more than they are. */
  receive_pattern (&rb, 0, 12000, 16384);
  g_assert_cmpuint (rb.n_chunks, ==, 1);
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, skipped, 7000), ==, 7000);
  g_assert_cmpmem (skipped, 7000, expected, 7000);
  g_assert_null (_qs_ring_buffer_read_shared (&rb, 5000));   /* 7000 consumed > 5000 */
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, skipped, 1000), ==, 1000);
  g_assert_cmpmem (skipped, 1000, expected + 7000, 1000);
  assert_invariants (&rb);
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, skipped, 3000), ==, 3000);
  g_assert_cmpmem (skipped, 3000, expected + 8000, 3000);
  g_assert_cmpuint (_qs_ring_buffer_get_size (&rb), ==, 1000);
  _qs_ring_buffer_clear (&rb);

  /* 14000 bytes in a 16384-byte block: no realloc, so the very bytes. */
  receive_pattern (&rb, 0, 14000, 16384);
  g_assert_cmpuint (rb.n_chunks, ==, 1);
  g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, 16384);
  g_assert_cmpuint (_qs_ring_buffer_read (&rb, skipped, 5000), ==, 5000);
  g_assert_cmpmem (skipped, 5000, expected, 5000);
  head = rb.chunks[rb.first].data + rb.chunks[rb.first].head;
  tail_part = _qs_ring_buffer_read_shared (&rb, 9000);   /* 5000 consumed <= 9000 */
  g_assert_nonnull (tail_part);
  g_assert_true (g_bytes_get_data (tail_part, NULL) == head);
  qs_test_assert_pattern (tail_part, 5000, 9000);
  assert_invariants (&rb);
  g_assert_true (_qs_ring_buffer_is_empty (&rb));

  /* 5000 bytes in a 65536-byte block: handed over, cut back (the
   * bytes themselves must survive a moving realloc). */
  receive_pattern (&rb, 100, 5000, 65536);
  g_assert_cmpuint (rb.chunks[rb.first].capacity, >=, 65536);
  trimmed = _qs_ring_buffer_read_shared (&rb, 5000);
  g_assert_nonnull (trimmed);
  qs_test_assert_pattern (trimmed, 100, 5000);
  assert_invariants (&rb);

  /* The buffer works on afterwards. */
  receive_pattern (&rb, 200, 6000, 8192);
  later = _qs_ring_buffer_read_shared (&rb, 6000);
  g_assert_nonnull (later);
  qs_test_assert_pattern (later, 200, 6000);
  assert_invariants (&rb);
  _qs_ring_buffer_destroy (&rb);
}

static void
test_read_shared_hint (void)
{
  QsRingBuffer rb;
  g_autoptr(GBytes) shared = NULL;
  gsize room = 0;
  guint8 *tail;

  g_test_summary ("read_shared moves the index_of hint with the bytes it consumed");

  _qs_ring_buffer_init (&rb, 8192);
  /* 5000 bytes without a newline, then a chunk with one at its byte 100. */
  tail = _qs_ring_buffer_reserve (&rb, 8192, &room);
  memset (tail, 'a', 5000);
  _qs_ring_buffer_commit (&rb, 5000);
  tail = _qs_ring_buffer_reserve (&rb, 8192, &room);
  memset (tail, 'b', 200);
  tail[100] = '\n';
  _qs_ring_buffer_commit (&rb, 200);
  g_assert_cmpuint (rb.n_chunks, ==, 2);

  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 5200, 0), ==, 5100);
  g_assert_cmpint (rb.hint_at, ==, 5100);
  shared = _qs_ring_buffer_read_shared (&rb, 5000);
  g_assert_nonnull (shared);
  g_assert_cmpint (rb.hint_at, ==, 100);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 200, 0), ==, 100);
  g_assert_cmpint (_qs_ring_buffer_index_of (&rb, '\n', 200, 101), ==, -1);
  assert_invariants (&rb);
  _qs_ring_buffer_destroy (&rb);
}

static gpointer
unref_bytes_thread (gpointer data)
{
  g_bytes_unref (data);
  return NULL;
}

static void
test_read_shared_returned (void)
{
  QsRingBuffer rb;
  GBytes *shared[QS_RING_BUFFER_MAX_SPARES + 1];
  GBytes *small;
  GThread *thread;
  const guint8 *block;

  g_test_summary ("a shared GBytes gives its block back to the buffer when freed, on any "
                  "thread, and the next chunk reuses it; the buffer may go first");

  _qs_ring_buffer_init (&rb, 8192);

  /* A 9000-byte block: a new chunk for 8192 bytes would have 8192. */
  receive_pattern (&rb, 0, 6000, 9000);
  block = rb.chunks[rb.first].data;
  g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, 9000);
  shared[0] = _qs_ring_buffer_read_shared (&rb, 6000);
  g_assert_nonnull (shared[0]);
  g_assert_cmpuint (rb.n_chunks, ==, 0);
  g_assert_cmpuint (rb.n_spares, ==, 0);
  g_bytes_unref (shared[0]);
  receive_pattern (&rb, 6000, 7000, 8192);
  g_assert_true (rb.chunks[rb.first].data == block);
  g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, 9000);

  /* Freed on another thread: back all the same. */
  shared[0] = _qs_ring_buffer_read_shared (&rb, 7000);
  qs_test_assert_pattern (shared[0], 6000, 7000);
  thread = g_thread_new ("unref", unref_bytes_thread, shared[0]);
  g_thread_join (thread);
  receive_pattern (&rb, 13000, 5000, 8192);
  g_assert_true (rb.chunks[rb.first].data == block);
  g_assert_cmpuint (rb.chunks[rb.first].capacity, ==, 9000);

  /* A block cut back is too small for the next chunk: not used. */
  small = _qs_ring_buffer_read_shared (&rb, 5000);
  qs_test_assert_pattern (small, 13000, 5000);
  g_bytes_unref (small);
  receive_pattern (&rb, 18000, 8000, 8192);
  g_assert_cmpuint (rb.chunks[rb.first].capacity, >=, 8192);
  g_assert_cmpuint (_qs_ring_buffer_skip (&rb, 8000), ==, 8000);

  /* More blocks than the bin keeps, freed after the buffer is gone. */
  for (guint i = 0; i < G_N_ELEMENTS (shared); i++)
    receive_pattern (&rb, 1000 * i, 5000, 8192);
  for (guint i = 0; i < G_N_ELEMENTS (shared); i++)
    {
      shared[i] = _qs_ring_buffer_read_shared (&rb, 5000);
      g_assert_nonnull (shared[i]);
      assert_invariants (&rb);
    }
  g_assert_true (_qs_ring_buffer_is_empty (&rb));
  g_bytes_unref (shared[0]);                      /* into the bin ... */
  _qs_ring_buffer_clear (&rb);                    /* ... which clear empties */
  _qs_ring_buffer_destroy (&rb);
  for (guint i = 1; i < G_N_ELEMENTS (shared); i++)
    {
      qs_test_assert_pattern (shared[i], 1000 * i, 5000);
      g_bytes_unref (shared[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ring-buffer/init", test_init);
  g_test_add_func ("/ring-buffer/append-read", test_append_read);
  g_test_add_func ("/ring-buffer/reserve-commit", test_reserve_commit);
  g_test_add_func ("/ring-buffer/commit-too-much", test_commit_too_much);
  g_test_add_func ("/ring-buffer/peek", test_peek);
  g_test_add_func ("/ring-buffer/skip", test_skip);
  g_test_add_func ("/ring-buffer/index-of", test_index_of);
  g_test_add_func ("/ring-buffer/index-of-hint", test_index_of_hint);
  g_test_add_func ("/ring-buffer/get-char-unget-char", test_get_char_unget_char);
  g_test_add_func ("/ring-buffer/get-vectors", test_get_vectors);
  g_test_add_func ("/ring-buffer/clear-destroy", test_clear_destroy);
  g_test_add_func ("/ring-buffer/emptied-keeps-one-chunk", test_emptied_keeps_one_chunk);
  g_test_add_func ("/ring-buffer/steady-stream", test_steady_stream);
  g_test_add_func ("/ring-buffer/steady-stream-backlog", test_steady_stream_backlog);
  g_test_add_func ("/ring-buffer/read-shared", test_read_shared);
  g_test_add_func ("/ring-buffer/read-shared/rules", test_read_shared_rules);
  g_test_add_func ("/ring-buffer/read-shared/hint", test_read_shared_hint);
  g_test_add_func ("/ring-buffer/read-shared/returned", test_read_shared_returned);

  return g_test_run ();
}
