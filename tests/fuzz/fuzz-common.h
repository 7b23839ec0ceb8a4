/* fuzz-common.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the libFuzzer harnesses share: a reader that decodes the input
 * into operations and their arguments (running dry yields zeros, so any
 * input is a valid program), and check(), which aborts on a mismatch
 * with the reference model so that libFuzzer and the corpus driver both
 * report it as a crash.
 */

#pragma once

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

/* libFuzzer's entry point; fuzz-main.c calls it in the ordinary build. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

typedef struct
{
  const guint8 *data;
  gsize         size;
} FuzzInput;

static inline gboolean
fuzz_input_done (const FuzzInput *in)
{
  return in->size == 0;
}

static inline guint8
fuzz_u8 (FuzzInput *in)
{
  guint8 b;

  if (in->size == 0)
    return 0;
  b = in->data[0];
  in->data++;
  in->size--;
  return b;
}

static inline guint16
fuzz_u16 (FuzzInput *in)
{
  guint16 hi = fuzz_u8 (in);

  return (guint16) (hi << 8 | fuzz_u8 (in));
}

static inline guint32
fuzz_u32 (FuzzInput *in)
{
  guint32 hi = fuzz_u16 (in);

  return hi << 16 | fuzz_u16 (in);
}

/* Up to @max bytes taken straight from the input; returns how many. */
static inline gsize
fuzz_bytes (FuzzInput    *in,
            const guint8 **out,
            gsize         max)
{
  gsize n = MIN (max, in->size);

  *out = in->data;
  in->data += n;
  in->size -= n;
  return n;
}

/* Bytes that are not taken from the input, long or short: @seed, with a
 * newline every @period bytes (none when @period is 0). Few compares, as
 * libFuzzer traces each one. */
static inline void
fuzz_pattern (guint8 *data,
              gsize   size,
              guint8  seed,
              guint   period)
{
  memset (data, seed, size);
  if (period == 0)
    return;
  for (gsize i = period - 1; i < size; i += period)
    data[i] = '\n';
}

/* memcmp() == 0, for buffers that may be NULL when @size is 0. */
static inline gboolean
fuzz_same (const void *a,
           const void *b,
           gsize       size)
{
  return size == 0 || memcmp (a, b, size) == 0;
}

G_GNUC_NORETURN static inline void
fuzz_fail (const char *file,
           int         line,
           const char *expr)
{
  fprintf (stderr, "%s:%d: check failed: %s\n", file, line, expr);
  abort ();
}

#define check(expr)                                  \
  G_STMT_START {                                     \
    if (G_UNLIKELY (!(expr)))                        \
      fuzz_fail (__FILE__, __LINE__, #expr);         \
  } G_STMT_END

/* The reader of one input. Any warning or critical from the code under
 * test is a finding too. */
static inline FuzzInput
fuzz_start (const uint8_t *data,
            size_t         size)
{
  FuzzInput in = { data, size };

  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
  return in;
}

/* GBytes the code under test handed out, held over later operations and
 * dropped in any order: their bytes must not change meanwhile (a block
 * reused while still held would). */
#define FUZZ_MAX_HELD 8

typedef struct
{
  GBytes *bytes[FUZZ_MAX_HELD];    /* (owned) */
  guint8 *expected[FUZZ_MAX_HELD]; /* (owned) their bytes when taken */
  guint   n;
} FuzzHeld;

static inline void
fuzz_held_drop (FuzzHeld *held,
                guint     i)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (held->bytes[i], &size);

  check (fuzz_same (data, held->expected[i], size));
  g_bytes_unref (held->bytes[i]);
  g_free (held->expected[i]);
  held->n--;
  held->bytes[i] = held->bytes[held->n];
  held->expected[i] = held->expected[held->n];
}

/* Holds @bytes (transfer full); when all places are taken, drops the
 * one at @victim first. */
static inline void
fuzz_held_add (FuzzHeld *held,
               GBytes   *bytes,
               guint     victim)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  if (held->n == FUZZ_MAX_HELD)
    fuzz_held_drop (held, victim % FUZZ_MAX_HELD);
  held->bytes[held->n] = bytes;
  held->expected[held->n] = g_memdup2 (data, size);
  held->n++;
}

G_END_DECLS
