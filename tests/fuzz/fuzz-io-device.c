/* fuzz-io-device.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness of QsIODevice's buffered reads. A small sequential
 * device, defined here, is fed by the input in chunks of any size: either
 * into the read buffer as the sockets' stream pump does, or queued in the
 * device, which then hands them out through read_data in pieces of at
 * most a grain the input also sets (and -1 once the input declares the
 * end of the stream). The reads (read, read_bytes, read_all, peek,
 * peek_bytes, read_line, read_line_bytes, get_char, unget_char, skip),
 * transactions and close (reopening buffered or not) run on the device
 * and on a model, also from inside ready-read: the stream of bytes not yet consumed, where a
 * transaction only moves a position. Whatever
 * a call returns must be the model's next bytes, in the amount the call
 * promises; bytes_available, can_read_line and at_end must agree with
 * the model after every step.
 */

#include "config.h"

#include <string.h>

#include "qs-io-device-private.h"
#include "fuzz-common.h"

#define MAX_STREAM (256 * 1024)
#define MAX_OP     20000  /* beyond one read chunk */
#define MAX_LINE   4096   /* a line read goes byte by byte through read_data */
#define CHUNK_SIZE 16384  /* QsIODevice's read chunk (QS_IO_DEVICE_CHUNK_SIZE) */

/* ---- the device ------------------------------------------------------------ */

#define FUZZ_TYPE_DEVICE (fuzz_device_get_type ())
G_DECLARE_FINAL_TYPE (FuzzDevice, fuzz_device, FUZZ, DEVICE, QsIODevice)

struct _FuzzDevice
{
  QsIODevice  parent_instance;

  GByteArray *queue;   /* (owned) from queue_pos on: bytes read_data has still to give */
  gsize       queue_pos;
  gsize       grain;   /* the most read_data gives at once, >= 1 */
  gboolean    at_eos;  /* read_data returns -1 once pending is empty */
};

G_DEFINE_TYPE (FuzzDevice, fuzz_device, QS_TYPE_IO_DEVICE)

static gsize
fuzz_device_pending (FuzzDevice *self)
{
  return self->queue->len - self->queue_pos;
}

static void
fuzz_device_drop (FuzzDevice *self)
{
  g_byte_array_set_size (self->queue, 0);
  self->queue_pos = 0;
}

/* Queues @size bytes behind those still pending. */
static void
fuzz_device_queue (FuzzDevice   *self,
                   const guint8 *data,
                   gsize         size)
{
  g_byte_array_remove_range (self->queue, 0, self->queue_pos);
  self->queue_pos = 0;
  g_byte_array_append (self->queue, data, size);
}

static gint64
fuzz_device_read_data (QsIODevice *device,
                       guint8     *data,
                       gsize       max_size)
{
  FuzzDevice *self = FUZZ_DEVICE (device);
  gsize n;

  if (max_size == 0)
    return 0;
  if (fuzz_device_pending (self) == 0)
    return self->at_eos ? -1 : 0;

  /* An offset, not a memmove per call: read_line asks byte by byte. */
  n = MIN (max_size, MIN (fuzz_device_pending (self), self->grain));
  memcpy (data, self->queue->data + self->queue_pos, n);
  self->queue_pos += n;
  if (self->queue_pos == self->queue->len)
    fuzz_device_drop (self);
  return n;
}

static void
fuzz_device_finalize (GObject *object)
{
  FuzzDevice *self = FUZZ_DEVICE (object);

  g_byte_array_unref (self->queue);

  G_OBJECT_CLASS (fuzz_device_parent_class)->finalize (object);
}

static void
fuzz_device_class_init (FuzzDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fuzz_device_finalize;
  QS_IO_DEVICE_CLASS (klass)->read_data = fuzz_device_read_data;
}

static void
fuzz_device_init (FuzzDevice *self)
{
  self->queue = g_byte_array_new ();
  self->grain = G_MAXSIZE;
}

/* ---- the model ---------------------------------------------------------------- */

typedef struct
{
  FuzzDevice *dev;         /* (owned) */
  QsIODevice *io;          /* (unowned) dev */
  GByteArray *stream;      /* (owned) bytes not consumed: buffered, then pending */
  gboolean    transaction;
  gsize       txn_pos;     /* bytes of stream read inside the transaction */
  guint8     *scratch;     /* (owned) MAX_OP + 1 bytes */
  FuzzInput  *in;          /* (unowned) the program, for the ready-read handler */
  gboolean    in_handler;
} State;

typedef enum
{
  OP_FEED_INPUT,
  OP_FEED_PATTERN,
  OP_SET_GRAIN,
  OP_SET_EOS,
  OP_READ,
  OP_READ_BYTES,
  OP_READ_ALL,
  OP_PEEK,
  OP_PEEK_BYTES,
  OP_READ_LINE,
  OP_READ_LINE_BYTES,
  OP_GET_CHAR,
  OP_UNGET_CHAR,
  OP_SKIP,
  OP_START_TRANSACTION,
  OP_COMMIT_TRANSACTION,
  OP_ROLLBACK_TRANSACTION,
  OP_REOPEN
} Op;

/* Every Op is handled: the switch of run_op() has no default. */
#define N_OPS (OP_REOPEN + 1)

static gsize
pending (State *s)
{
  return fuzz_device_pending (s->dev);
}

/* Bytes in the read buffer not yet read (inside a transaction, from
 * its position on): what bytes_available must say. */
static gsize
buffered (State *s)
{
  return s->stream->len - pending (s) - s->txn_pos;
}

/* Bytes a read can still reach, from the buffer and the device. */
static gsize
reachable (State *s)
{
  return s->stream->len - s->txn_pos;
}

/* Whether a peek, or a read inside a transaction, drains the device as
 * far as it needs: a buffered device is asked for as long as it gives
 * bytes, an unbuffered one once (Qt). */
static gboolean
drains_device (State *s)
{
  return !(qs_io_device_get_open_mode (s->io) & QS_OPEN_MODE_UNBUFFERED);
}

/* Whether a read that gets nothing must return -1. */
static gboolean
at_eos (State *s)
{
  return reachable (s) == 0 && s->dev->at_eos;
}

/* Where the first @c after the read position lies, relative to it, within
 * @max_len bytes and before @end; -1 if nowhere. */
static gssize
model_index_of (State *s,
                guint8 c,
                gsize  max_len,
                gsize  end)
{
  const guint8 *start = s->stream->data + s->txn_pos;
  const guint8 *found = memchr (start, c, MIN (max_len, end - s->txn_pos));

  return found != NULL ? found - start : -1;
}

/* A read returned @n bytes at @data: they must be the next ones. Outside
 * a transaction (and unless @peeking) they are consumed. */
static void
model_read (State        *s,
            const guint8 *data,
            gint64        n,
            gboolean      peeking)
{
  if (n < 0)
    {
      check (at_eos (s));
      return;
    }
  check ((gsize) n <= reachable (s));
  check (fuzz_same (data, s->stream->data + s->txn_pos, n));
  if (peeking)
    return;
  if (s->transaction)
    s->txn_pos += n;
  else
    g_byte_array_remove_range (s->stream, 0, n);
}

/* Bytes a line read of at most @limit bytes must return: up to the
 * newline, else all it can reach. */
static gsize
line_length (State *s,
             gsize  limit)
{
  gssize eol = model_index_of (s, '\n', limit, s->stream->len);

  return eol >= 0 ? (gsize) eol + 1 : MIN (limit, reachable (s));
}

/* The memory the read buffer's chunks hold. */
static gsize
buffer_capacity (State *s)
{
  const QsRingBuffer *rb = _qs_io_device_get_read_buffer (s->io);
  gsize capacity = 0;

  for (guint i = 0; i < rb->n_chunks; i++)
    capacity += rb->chunks[rb->first + i].capacity;
  return capacity;
}

static void
check_state (State *s)
{
  gsize end = s->stream->len - pending (s);

  check (qs_io_device_is_transaction_started (s->io) == s->transaction);
  check (qs_io_device_bytes_available (s->io) == (gint64) buffered (s));
  check (qs_io_device_at_end (s->io) == (buffered (s) == 0));
  check (qs_io_device_can_read_line (s->io) == (model_index_of (s, '\n', G_MAXSIZE, end) >= 0));
  /* A few chunks beyond the bytes held, however small the pieces the
   * device gave. An unbuffered device is asked once per read for what
   * the read needs, in one piece, which may take a new chunk each time
   * (as in Qt). */
  if (!(qs_io_device_get_open_mode (s->io) & QS_OPEN_MODE_UNBUFFERED))
    check (buffer_capacity (s) <= 4 * (end + CHUNK_SIZE));
}

static void
feed (State        *s,
      const guint8 *data,
      gsize         size,
      gboolean      to_buffer)
{
  if (s->stream->len + size > MAX_STREAM || s->dev->at_eos)
    return;
  g_byte_array_append (s->stream, data, size);
  /* Into the buffer, as the stream pump does, only while the device has
   * nothing queued: those bytes come first. */
  if (to_buffer && pending (s) == 0)
    {
      _qs_ring_buffer_append (_qs_io_device_get_read_buffer (s->io), data, size);
      qs_io_device_emit_ready_read (s->io);
    }
  else
    {
      fuzz_device_queue (s->dev, data, size);
    }
}

static void
bytes_read (State    *s,
            GBytes   *bytes,
            gboolean  peeking)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  model_read (s, data, size, peeking);
  g_bytes_unref (bytes);
}

static void run_op (State     *s,
                    FuzzInput *in);

/* ready-read: runs the program's next operation from inside the signal
 * when the program says so, as an application reads (or closes) from
 * its handler. ready-read never comes again while a handler runs. */
static void
on_ready_read (QsIODevice *io,
               State      *s)
{
  check (!s->in_handler);
  if (!(fuzz_u8 (s->in) & 1))
    return;
  s->in_handler = TRUE;
  run_op (s, s->in);
  check_state (s);
  s->in_handler = FALSE;
}

static void
run_op (State     *s,
        FuzzInput *in)
{
  QsIODevice *io = s->io;
  guint8 *scratch = s->scratch;
  Op op = fuzz_u8 (in) % N_OPS;

  switch (op)
    {
    case OP_FEED_INPUT:
      {
        guint8 how = fuzz_u8 (in);
        const guint8 *data;
        gsize size = fuzz_bytes (in, &data, how >> 1);

        feed (s, data, size, how & 1);
        break;
      }

    case OP_FEED_PATTERN:
      {
        guint8 how = fuzz_u8 (in);
        gsize size = fuzz_u16 (in) % MAX_OP;

        fuzz_pattern (scratch, size, how, fuzz_u8 (in) % 128);
        feed (s, scratch, size, how & 1);
        break;
      }

    case OP_SET_GRAIN:
      s->dev->grain = 1 + fuzz_u16 (in) % MAX_OP;
      break;

    case OP_SET_EOS:
      s->dev->at_eos = TRUE;
      break;

    case OP_READ:
      {
        gsize max_size = fuzz_u16 (in) % MAX_OP;
        gsize from_buffer = MIN (max_size, buffered (s));
        gint64 n = qs_io_device_read (io, scratch, max_size);

        /* What is buffered, and at most what the device had; inside a
         * transaction the device is drained as far as needed. */
        check (n <= (gint64) MIN (max_size, reachable (s)));
        if ((s->transaction && drains_device (s)) || max_size == 0)
          check (n == (at_eos (s) && max_size ? -1 : (gint64) MIN (max_size, reachable (s))));
        else if (from_buffer > 0)
          check (n >= (gint64) from_buffer);
        model_read (s, scratch, n, FALSE);
        break;
      }

    case OP_READ_BYTES:
    case OP_PEEK_BYTES:
      {
        gboolean peeking = op == OP_PEEK_BYTES;
        gsize max_size = fuzz_u16 (in) % MAX_OP;
        gsize has = buffered (s);
        gsize room = MIN (max_size, has ? has : CHUNK_SIZE);
        GBytes *bytes = peeking ? qs_io_device_peek_bytes (io, max_size)
                                : qs_io_device_read_bytes (io, max_size);
        gsize size = g_bytes_get_size (bytes);

        /* One buffer's worth, or one chunk from the device. */
        if (has > 0 || ((peeking || s->transaction) && drains_device (s)))
          check (size == MIN (room, reachable (s)));
        else
          check (size <= MIN (room, reachable (s)));
        bytes_read (s, bytes, peeking);
        break;
      }

    case OP_READ_ALL:
      {
        gsize has = buffered (s);
        GBytes *bytes = qs_io_device_read_all (io);
        gsize size = g_bytes_get_size (bytes);

        if (s->transaction && drains_device (s))
          check (size == reachable (s));
        else
          check (size >= has);
        bytes_read (s, bytes, FALSE);
        break;
      }

    case OP_PEEK:
      {
        gsize max_size = fuzz_u16 (in) % MAX_OP;
        gsize from_buffer = MIN (max_size, buffered (s));
        gint64 n = qs_io_device_peek (io, scratch, max_size);

        if (drains_device (s) || max_size == 0)
          check (n == (at_eos (s) && max_size ? -1 : (gint64) MIN (max_size, reachable (s))));
        else if (at_eos (s))
          check (n == -1);
        else
          check (n >= (gint64) from_buffer && n <= (gint64) MIN (max_size, reachable (s)));
        model_read (s, scratch, n, TRUE);
        break;
      }

    case OP_READ_LINE:
      {
        /* Every size from 2 on (below 2 is a programmer error). */
        gsize max_size = 2 + fuzz_u16 (in) % MAX_LINE;
        gsize expected = line_length (s, max_size - 1);
        gboolean eos = at_eos (s);
        gint64 n = qs_io_device_read_line (io, scratch, max_size);

        check (n == (eos ? -1 : (gint64) expected));
        check (n < 0 || scratch[n] == '\0');
        model_read (s, scratch, n, FALSE);
        break;
      }

    case OP_READ_LINE_BYTES:
      {
        /* 0: the whole line, however long. */
        gsize max_size = fuzz_u16 (in) % MAX_LINE;
        gsize expected;
        GBytes *bytes;

        if (max_size == 1)
          max_size = 0;
        expected = line_length (s, max_size ? max_size - 1 : G_MAXSIZE);
        bytes = qs_io_device_read_line_bytes (io, max_size);
        check (g_bytes_get_size (bytes) == expected);
        bytes_read (s, bytes, FALSE);
        break;
      }

    case OP_GET_CHAR:
      {
        gchar c = 0;
        gboolean got = qs_io_device_get_char (io, &c);

        check (got == (reachable (s) > 0));
        model_read (s, (const guint8 *) &c, got ? 1 : 0, FALSE);
        break;
      }

    case OP_UNGET_CHAR:
      {
        guint8 c = fuzz_u8 (in);

        /* Inside a transaction it is a programmer error. */
        if (s->transaction || s->stream->len >= MAX_STREAM)
          break;
        qs_io_device_unget_char (io, (gchar) c);
        g_byte_array_prepend (s->stream, &c, 1);
        break;
      }

    case OP_SKIP:
      {
        gint64 max_size = fuzz_u16 (in);
        gsize from_buffer = MIN ((gsize) max_size, buffered (s));
        gint64 n = qs_io_device_skip (io, max_size);

        check (n <= (gint64) MIN ((gsize) max_size, reachable (s)));
        if ((s->transaction && drains_device (s)) || max_size == 0)
          check (n == (at_eos (s) && max_size ? -1 : (gint64) MIN ((gsize) max_size, reachable (s))));
        else if (from_buffer > 0)
          check (n >= (gint64) from_buffer);
        if (n < 0)
          check (at_eos (s));
        else if (s->transaction)
          s->txn_pos += n;
        else
          g_byte_array_remove_range (s->stream, 0, n);
        break;
      }

    case OP_START_TRANSACTION:
      if (s->transaction)
        break;
      qs_io_device_start_transaction (io);
      s->transaction = TRUE;
      s->txn_pos = 0;
      break;

    case OP_COMMIT_TRANSACTION:
    case OP_ROLLBACK_TRANSACTION:
      if (!s->transaction)
        break;
      /* A commit consumes what the transaction read; a rollback
       * consumes nothing. */
      if (op == OP_COMMIT_TRANSACTION)
        {
          qs_io_device_commit_transaction (io);
          g_byte_array_remove_range (s->stream, 0, s->txn_pos);
        }
      else
        {
          qs_io_device_rollback_transaction (io);
        }
      s->transaction = FALSE;
      s->txn_pos = 0;
      break;

    case OP_REOPEN:
      /* Closing drops the buffer and the transaction. */
      qs_io_device_close (io);
      check (qs_io_device_open (io, fuzz_u8 (in) & 1 ? QS_OPEN_MODE_READ_ONLY | QS_OPEN_MODE_UNBUFFERED
                                                      : QS_OPEN_MODE_READ_ONLY));
      fuzz_device_drop (s->dev);
      s->dev->at_eos = FALSE;
      g_byte_array_set_size (s->stream, 0);
      s->transaction = FALSE;
      s->txn_pos = 0;
      break;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FuzzInput in = fuzz_start (data, size);
  State s = { 0 };

  s.dev = g_object_new (FUZZ_TYPE_DEVICE, NULL);
  s.io = QS_IO_DEVICE (s.dev);
  s.stream = g_byte_array_sized_new (1); /* data never NULL */
  s.scratch = g_malloc (MAX_OP + 1);
  s.in = &in;
  g_signal_connect (s.io, "ready-read", G_CALLBACK (on_ready_read), &s);
  check (qs_io_device_open (s.io, QS_OPEN_MODE_READ_ONLY));

  while (!fuzz_input_done (&in))
    {
      run_op (&s, &in);
      check_state (&s);
    }

  g_object_unref (s.dev);
  g_byte_array_unref (s.stream);
  g_free (s.scratch);
  return 0;
}
