/* test-io-device.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsIODevice, the abstract base class, through a minimal subclass fed the
 * way the library's sockets feed it (bytes appended to the read buffer,
 * then ready-read): open modes and their notify, the error string, every
 * read call (read, peek, read_all, the GBytes twins, read_line, get_char,
 * unget_char, skip), transactions, writes reaching write_data, the
 * warnings for a device that is not open, and the signal rules (no
 * recursive ready-read, about-to-close before the mode changes).
 */

#include "config.h"

#include <string.h>

#include "qs-test-utils.h"
#include "qs-io-device-private.h"

/* ---- a device fed by hand ---------------------------------------------------- */

#define TEST_TYPE_DEVICE (test_device_get_type ())
G_DECLARE_FINAL_TYPE (TestDevice, test_device, TEST, DEVICE, QsIODevice)

struct _TestDevice
{
  QsIODevice parent_instance;

  gboolean    at_eos;           /* read_data reports the end of the stream */
  GByteArray *written;          /* (owned) what write_data was given */
  guint       read_data_calls;
  guint       write_data_calls;
};

G_DEFINE_TYPE (TestDevice, test_device, QS_TYPE_IO_DEVICE)

/* Like a socket: everything lives in the read buffer; the device itself
 * has nothing more to give, 0 while "connected", -1 at end of stream. */
static gint64
test_device_read_data (QsIODevice *device,
                       guint8     *data,
                       gsize       max_size)
{
  TestDevice *self = TEST_DEVICE (device);

  self->read_data_calls++;
  if (self->at_eos)
    return max_size ? -1 : 0;
  return 0;
}

static gint64
test_device_write_data (QsIODevice   *device,
                        const guint8 *data,
                        gsize         size)
{
  TestDevice *self = TEST_DEVICE (device);

  self->write_data_calls++;
  g_byte_array_append (self->written, data, size);
  return size;
}

static void
test_device_finalize (GObject *object)
{
  TestDevice *self = TEST_DEVICE (object);

  g_byte_array_unref (self->written);

  G_OBJECT_CLASS (test_device_parent_class)->finalize (object);
}

static void
test_device_class_init (TestDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  QsIODeviceClass *device_class = QS_IO_DEVICE_CLASS (klass);

  object_class->finalize = test_device_finalize;
  device_class->read_data = test_device_read_data;
  device_class->write_data = test_device_write_data;
}

static void
test_device_init (TestDevice *self)
{
  self->written = g_byte_array_new ();
}

/* A device open in @mode, with nothing buffered. */
static TestDevice *
device_new (QsOpenMode mode)
{
  TestDevice *dev = g_object_new (TEST_TYPE_DEVICE, NULL);

  if (mode != QS_OPEN_MODE_NOT_OPEN)
    g_assert_true (qs_io_device_open (QS_IO_DEVICE (dev), mode));
  return dev;
}

/* Bytes arrive: into the read buffer, then ready-read, as the stream
 * pump does. */
static void
feed (TestDevice *dev,
      const char *data)
{
  _qs_ring_buffer_append (_qs_io_device_get_read_buffer (QS_IO_DEVICE (dev)),
                          (const guint8 *) data, strlen (data));
  qs_io_device_emit_ready_read (QS_IO_DEVICE (dev));
}

static void
assert_written (TestDevice *dev,
                const char *expected)
{
  g_autofree char *got = g_strndup ((const char *) dev->written->data, dev->written->len);

  g_assert_cmpstr (got, ==, expected);
}

/* Logs the QsIODevice signals and the notifies into one trace. */
static void
on_ready_read_log (QsIODevice *device,
                   GString    *trace)
{
  g_string_append (trace, "ready-read ");
}

static void
on_bytes_written_log (QsIODevice *device,
                      gint64      bytes,
                      GString    *trace)
{
  g_string_append_printf (trace, "bytes-written(%" G_GINT64_FORMAT ") ", bytes);
}

static void
on_about_to_close_log (QsIODevice *device,
                       GString    *trace)
{
  g_string_append_printf (trace, "about-to-close(mode=%d,open=%d,available=%" G_GINT64_FORMAT ") ",
                          qs_io_device_get_open_mode (device),
                          qs_io_device_is_open (device),
                          qs_io_device_bytes_available (device));
}

static void
on_read_channel_finished_log (QsIODevice *device,
                              GString    *trace)
{
  g_string_append (trace, "read-channel-finished ");
}

static void
trace_device (TestDevice *dev,
              GString    *trace)
{
  g_signal_connect (dev, "ready-read", G_CALLBACK (on_ready_read_log), trace);
  g_signal_connect (dev, "bytes-written", G_CALLBACK (on_bytes_written_log), trace);
  g_signal_connect (dev, "about-to-close", G_CALLBACK (on_about_to_close_log), trace);
  g_signal_connect (dev, "read-channel-finished", G_CALLBACK (on_read_channel_finished_log), trace);
  qs_test_trace_notify (dev, "open-mode", trace);
  qs_test_trace_notify (dev, "error-string", trace);
}

#define assert_bytes_and_free(bytes, expected)      \
  G_STMT_START {                                    \
    GBytes *b_ = (bytes);                           \
    g_assert_nonnull (b_);                          \
    qs_test_assert_bytes (b_, (expected));          \
    g_bytes_unref (b_);                             \
  } G_STMT_END

/* ---- opening, closing, state ------------------------------------------------- */

static void
test_open_mode (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_NOT_OPEN);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GString) trace = g_string_new (NULL);
  QsOpenMode mode = 0;

  g_test_summary ("open/set_open_mode/close set the mode and notify open-mode only on a real change");

  g_assert_cmpint (qs_io_device_get_open_mode (device), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_false (qs_io_device_is_open (device));
  g_assert_false (qs_io_device_is_readable (device));
  g_assert_false (qs_io_device_is_writable (device));
  g_assert_true (qs_io_device_is_sequential (device));
  g_assert_true (qs_io_device_at_end (device));
  g_assert_false (qs_io_device_is_transaction_started (device));

  trace_device (dev, trace);

  g_assert_true (qs_io_device_open (device, QS_OPEN_MODE_READ_ONLY));
  g_assert_cmpint (qs_io_device_get_open_mode (device), ==, QS_OPEN_MODE_READ_ONLY);
  g_assert_true (qs_io_device_is_open (device));
  g_assert_true (qs_io_device_is_readable (device));
  g_assert_false (qs_io_device_is_writable (device));
  g_object_get (dev, "open-mode", &mode, NULL);
  g_assert_cmpint (mode, ==, QS_OPEN_MODE_READ_ONLY);
  g_assert_cmpstr (trace->str, ==, "notify::open-mode ");

  /* The same mode again: no notify. */
  g_assert_true (qs_io_device_open (device, QS_OPEN_MODE_READ_ONLY));
  qs_io_device_set_open_mode (device, QS_OPEN_MODE_READ_ONLY);
  g_assert_cmpstr (trace->str, ==, "notify::open-mode ");

  /* set_open_mode: notifies, emits nothing else. */
  qs_io_device_set_open_mode (device, QS_OPEN_MODE_READ_WRITE);
  g_assert_true (qs_io_device_is_readable (device));
  g_assert_true (qs_io_device_is_writable (device));
  qs_io_device_set_open_mode (device, QS_OPEN_MODE_READ_WRITE);
  qs_io_device_set_open_mode (device, QS_OPEN_MODE_WRITE_ONLY);
  g_assert_false (qs_io_device_is_readable (device));
  g_assert_true (qs_io_device_is_writable (device));
  g_assert_true (qs_io_device_is_open (device));
  g_assert_cmpstr (trace->str, ==, "notify::open-mode notify::open-mode notify::open-mode ");

  /* Flags beyond read/write are stored and reported. */
  qs_io_device_set_open_mode (device, QS_OPEN_MODE_READ_WRITE | QS_OPEN_MODE_TEXT | QS_OPEN_MODE_UNBUFFERED);
  g_assert_cmpint (qs_io_device_get_open_mode (device), ==,
                   QS_OPEN_MODE_READ_WRITE | QS_OPEN_MODE_TEXT | QS_OPEN_MODE_UNBUFFERED);
  g_assert_true (qs_io_device_is_readable (device));
  g_assert_true (qs_io_device_is_writable (device));

  /* set_open_mode (NOT_OPEN) is not close: no about-to-close. */
  g_string_truncate (trace, 0);
  qs_io_device_set_open_mode (device, QS_OPEN_MODE_NOT_OPEN);
  g_assert_false (qs_io_device_is_open (device));
  g_assert_cmpstr (trace->str, ==, "notify::open-mode ");
}

static void
test_open_clears (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_NOT_OPEN);
  QsIODevice *device = QS_IO_DEVICE (dev);

  g_test_summary ("open drops buffered bytes and the error string, as QIODevice::open");

  qs_io_device_set_open_mode (device, QS_OPEN_MODE_READ_ONLY);
  feed (dev, "stale");
  qs_io_device_set_error_string (device, "Old error");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 5);

  g_assert_true (qs_io_device_open (device, QS_OPEN_MODE_READ_WRITE));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
  g_assert_cmpstr (qs_io_device_get_error_string (device), ==, "Unknown error");
}

static void
test_close (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_WRITE);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GString) trace = g_string_new (NULL);

  g_test_summary ("close emits about-to-close while still open, then drops the read buffer and sets NOT_OPEN");

  feed (dev, "abc");
  trace_device (dev, trace);

  qs_io_device_close (device);
  g_assert_cmpstr (trace->str, ==, "about-to-close(mode=3,open=1,available=3) notify::open-mode ");
  g_assert_cmpint (qs_io_device_get_open_mode (device), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_false (qs_io_device_is_open (device));
  g_assert_true (qs_io_device_at_end (device));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
  g_assert_cmpuint (_qs_ring_buffer_get_size (_qs_io_device_get_read_buffer (device)), ==, 0);

  /* Closing a closed device does nothing at all. */
  g_string_truncate (trace, 0);
  qs_io_device_close (device);
  g_assert_cmpstr (trace->str, ==, "");

  /* Reopened, the old bytes are gone. */
  g_assert_true (qs_io_device_open (device, QS_OPEN_MODE_READ_ONLY));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
}

static void
on_about_to_close_unref (QsIODevice *device,
                         gpointer    user_data)
{
  g_object_unref (device);
}

static void
test_close_handler_drops_last_ref (void)
{
  TestDevice *dev = device_new (QS_OPEN_MODE_READ_ONLY);
  GWeakRef weak;

  g_test_summary ("an about-to-close handler may drop the last reference");

  g_weak_ref_init (&weak, dev);
  feed (dev, "abc");
  g_signal_connect (dev, "about-to-close", G_CALLBACK (on_about_to_close_unref), NULL);
  qs_io_device_close (QS_IO_DEVICE (dev));
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

static void
test_error_string (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_WRITE);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GString) trace = g_string_new (NULL);
  g_autofree char *prop = NULL;

  g_test_summary ("error-string is \"Unknown error\" before any error; set_error_string notifies on change only");

  g_assert_cmpstr (qs_io_device_get_error_string (device), ==, "Unknown error");
  g_object_get (dev, "error-string", &prop, NULL);
  g_assert_cmpstr (prop, ==, "Unknown error");
  g_clear_pointer (&prop, g_free);

  trace_device (dev, trace);

  qs_io_device_set_error_string (device, "Connection refused");
  g_assert_cmpstr (qs_io_device_get_error_string (device), ==, "Connection refused");
  g_object_get (dev, "error-string", &prop, NULL);
  g_assert_cmpstr (prop, ==, "Connection refused");
  g_assert_cmpstr (trace->str, ==, "notify::error-string ");

  qs_io_device_set_error_string (device, "Connection refused");
  g_assert_cmpstr (trace->str, ==, "notify::error-string ");

  qs_io_device_set_error_string (device, "Host not found");
  g_assert_cmpstr (qs_io_device_get_error_string (device), ==, "Host not found");
  g_assert_cmpstr (trace->str, ==, "notify::error-string notify::error-string ");

  qs_io_device_set_error_string (device, NULL);
  g_assert_cmpstr (qs_io_device_get_error_string (device), ==, "Unknown error");
  qs_io_device_set_error_string (device, NULL);
  g_assert_cmpstr (trace->str, ==, "notify::error-string notify::error-string notify::error-string ");

  /* Errors do not change the mode. */
  g_assert_cmpint (qs_io_device_get_open_mode (device), ==, QS_OPEN_MODE_READ_WRITE);
}

/* ---- reading ----------------------------------------------------------------- */

static void
test_read (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[32];

  g_test_summary ("read consumes buffered bytes; 0 when nothing is buffered, -1 at end of stream");

  g_assert_true (qs_io_device_at_end (device));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);

  feed (dev, "hello world");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 11);
  g_assert_false (qs_io_device_at_end (device));

  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 5), ==, 5);
  g_assert_cmpstr (buf, ==, "hello");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 6);

  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 0), ==, 0);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 6);

  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, sizeof buf), ==, 6);
  g_assert_cmpstr (buf, ==, " world");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
  g_assert_true (qs_io_device_at_end (device));

  /* Open, "connected", nothing buffered: 0, not an error. */
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, sizeof buf), ==, 0);

  /* Bytes arriving in several batches read as one stream. */
  feed (dev, "ab");
  feed (dev, "cd");
  feed (dev, "ef");
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 5), ==, 5);
  g_assert_cmpstr (buf, ==, "abcde");

  /* End of stream: what is buffered is still read, then -1. */
  dev->at_eos = TRUE;
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, sizeof buf), ==, 1);
  g_assert_cmpstr (buf, ==, "f");
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, sizeof buf), ==, -1);
  g_assert_true (qs_io_device_at_end (device));
  /* A failed read sets no error. */
  g_assert_cmpstr (qs_io_device_get_error_string (device), ==, "Unknown error");
}

static void
test_read_large (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree guint8 *buf = NULL;
  gsize total;

  g_test_summary ("reads bigger than the buffer's chunks return every byte in order");

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (expected, "%04u:", i);   /* 25000 bytes */
  total = expected->len;
  for (gsize done = 0; done < total; done += 3001)
    {
      g_autofree char *piece = g_strndup (expected->str + done, MIN (3001, total - done));

      feed (dev, piece);
    }
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, total);

  buf = g_malloc (total);
  g_assert_cmpint (qs_io_device_read (device, buf, 7), ==, 7);
  g_assert_cmpmem (buf, 7, expected->str, 7);
  g_assert_cmpint (qs_io_device_read (device, buf + 7, total), ==, total - 7);
  g_assert_cmpmem (buf, total, expected->str, total);

  for (gsize done = 0; done < total; done += 4999)
    {
      g_autofree char *piece = g_strndup (expected->str + done, MIN (4999, total - done));

      feed (dev, piece);
    }
  assert_bytes_and_free (qs_io_device_read_all (device), expected->str);
}

static void
test_peek (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[32];

  g_test_summary ("peek and peek_bytes copy without consuming");

  feed (dev, "abcdef");

  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_peek (device, (guint8 *) buf, 3), ==, 3);
  g_assert_cmpstr (buf, ==, "abc");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 6);

  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_peek (device, (guint8 *) buf, sizeof buf), ==, 6);
  g_assert_cmpstr (buf, ==, "abcdef");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 6);

  assert_bytes_and_free (qs_io_device_peek_bytes (device, 4), "abcd");
  assert_bytes_and_free (qs_io_device_peek_bytes (device, 100), "abcdef");
  assert_bytes_and_free (qs_io_device_peek_bytes (device, 0), "");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 6);

  /* Peeking does not disturb the next read. */
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 2), ==, 2);
  g_assert_cmpstr (buf, ==, "ab");
  assert_bytes_and_free (qs_io_device_peek_bytes (device, 100), "cdef");

  /* Bytes arriving after a peek that asked for more come after the others. */
  feed (dev, "gh");
  assert_bytes_and_free (qs_io_device_read_all (device), "cdefgh");

  g_assert_cmpint (qs_io_device_peek (device, (guint8 *) buf, sizeof buf), ==, 0);
  assert_bytes_and_free (qs_io_device_peek_bytes (device, 10), "");
}

static void
test_read_bytes_read_all (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);

  g_test_summary ("read_bytes and read_all return the bytes consumed, never NULL");

  feed (dev, "0123456789");
  assert_bytes_and_free (qs_io_device_read_bytes (device, 3), "012");
  assert_bytes_and_free (qs_io_device_read_bytes (device, 0), "");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 7);
  assert_bytes_and_free (qs_io_device_read_bytes (device, 100), "3456789");
  assert_bytes_and_free (qs_io_device_read_bytes (device, 100), "");

  feed (dev, "xyz");
  assert_bytes_and_free (qs_io_device_read_all (device), "xyz");
  assert_bytes_and_free (qs_io_device_read_all (device), "");
  g_assert_true (qs_io_device_at_end (device));

  dev->at_eos = TRUE;
  assert_bytes_and_free (qs_io_device_read_bytes (device, 10), "");
  assert_bytes_and_free (qs_io_device_read_all (device), "");
}

/* The read buffer's next unread byte, where a shared read_bytes points. */
static const guint8 *
buffer_head (TestDevice *dev)
{
  QsRingBuffer *rb = _qs_io_device_get_read_buffer (QS_IO_DEVICE (dev));

  g_assert_cmpuint (rb->n_chunks, >, 0);
  return rb->chunks[rb->first].data + rb->chunks[rb->first].head;
}

/* Bytes @offset .. @offset + @size of the test stream, appended in one
 * go (one chunk when the buffer's tail is full or empty), then
 * ready-read. */
static void
feed_pattern (TestDevice *dev,
              gsize       offset,
              gsize       size)
{
  g_autofree guint8 *data = qs_test_pattern_new (offset, size);

  _qs_ring_buffer_append (_qs_io_device_get_read_buffer (QS_IO_DEVICE (dev)), data, size);
  qs_io_device_emit_ready_read (QS_IO_DEVICE (dev));
}

static void
test_read_bytes_shared (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  const guint8 *head;
  guint calls;

  g_test_summary ("read_bytes returns the exact bytes, sharing the read buffer's head chunk when "
                  "it takes all of it and copying otherwise; read_data (self, data, 0) as read() calls it");

  /* All of one chunk: shared, and the emptied buffer calls read_data. */
  feed_pattern (dev, 0, 20000);
  calls = dev->read_data_calls;
  g_assert_true (qs_test_read_pattern (device, 65536, 0, 20000));
  g_assert_cmpuint (dev->read_data_calls, ==, calls + 1);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);

  /* Two chunks in one read: copied, as Qt returns all min(max, available). */
  feed_pattern (dev, 20000, 20000);
  feed_pattern (dev, 40000, 20000);
  g_assert_cmpuint (_qs_io_device_get_read_buffer (device)->n_chunks, ==, 2);
  calls = dev->read_data_calls;
  g_assert_false (qs_test_read_pattern (device, 65536, 20000, 40000));
  g_assert_cmpuint (dev->read_data_calls, ==, calls + 1);

  /* One chunk at a time: both shared; only the read that empties the
   * buffer calls read_data. */
  feed_pattern (dev, 60000, 20000);
  feed_pattern (dev, 80000, 20000);
  calls = dev->read_data_calls;
  g_assert_true (qs_test_read_pattern (device, 20000, 60000, 20000));
  g_assert_cmpuint (dev->read_data_calls, ==, calls);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 20000);
  g_assert_true (qs_test_read_pattern (device, 20000, 80000, 20000));
  g_assert_cmpuint (dev->read_data_calls, ==, calls + 1);

  /* Part of a chunk: copied; the rest, shorter than what was consumed
   * before it, copied too. */
  feed_pattern (dev, 100000, 20000);
  g_assert_false (qs_test_read_pattern (device, 15000, 100000, 15000));
  g_assert_false (qs_test_read_pattern (device, 65536, 115000, 5000));

  /* A small read: copied. */
  feed (dev, "short");
  assert_bytes_and_free (qs_io_device_read_bytes (device, 65536), "short");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);

  /* Inside a transaction: copied and not consumed; after the rollback,
   * the same chunk is shared. peek_bytes never shares. */
  feed_pattern (dev, 120000, 20000);
  head = buffer_head (dev);
  {
    g_autoptr(GBytes) peeked = qs_io_device_peek_bytes (device, 65536);

    qs_test_assert_pattern (peeked, 120000, 20000);
    g_assert_true (g_bytes_get_data (peeked, NULL) != head);
  }
  qs_io_device_start_transaction (device);
  g_assert_false (qs_test_read_pattern (device, 65536, 120000, 20000));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
  qs_io_device_rollback_transaction (device);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 20000);
  g_assert_true (buffer_head (dev) == head);
  g_assert_true (qs_test_read_pattern (device, 65536, 120000, 20000));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
  g_assert_true (qs_io_device_at_end (device));
}

/* Asserts that @data, @size bytes, is the string @expected. */
#define assert_lent(data, size, expected)                                    \
  G_STMT_START {                                                             \
    g_assert_cmpuint ((size), ==, strlen (expected));                        \
    g_assert_cmpmem ((data), (size), (expected), strlen (expected));         \
  } G_STMT_END

static void
test_read_borrowed (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autofree guint8 *expected = qs_test_pattern_new (0, 20000);
  const guint8 *first, *data, *head;
  gsize size = 1;
  guint calls;

  g_test_summary ("read_borrowed consumes what read_bytes would, lends it until its next call, "
                  "in place when it is a whole chunk; NULL and size 0 when nothing is buffered");

  g_assert_null (qs_io_device_read_borrowed (device, 10, &size));
  g_assert_cmpuint (size, ==, 0);

  feed (dev, "0123456789");
  first = qs_io_device_read_borrowed (device, 3, &size);
  assert_lent (first, size, "012");
  g_assert_null (qs_io_device_read_borrowed (device, 0, &size));
  g_assert_cmpuint (size, ==, 0);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 7);

  /* Other reads leave the lent bytes alone. */
  assert_bytes_and_free (qs_io_device_read_bytes (device, 2), "34");
  data = qs_io_device_read_borrowed (device, 100, &size);
  assert_lent (data, size, "56789");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);

  /* A whole chunk: lent in place; the emptied buffer calls read_data as
   * read() does. */
  feed_pattern (dev, 0, 20000);
  head = buffer_head (dev);
  calls = dev->read_data_calls;
  data = qs_io_device_read_borrowed (device, 65536, &size);
  g_assert_true (data == head);
  g_assert_cmpmem (data, size, expected, 20000);
  g_assert_cmpuint (dev->read_data_calls, ==, calls + 1);

  /* Inside a transaction: copied, and given back by the rollback. */
  feed_pattern (dev, 0, 20000);
  head = buffer_head (dev);
  qs_io_device_start_transaction (device);
  data = qs_io_device_read_borrowed (device, 65536, &size);
  g_assert_true (data != head);
  g_assert_cmpmem (data, size, expected, 20000);
  qs_io_device_rollback_transaction (device);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 20000);
  data = qs_io_device_read_borrowed (device, 65536, &size);
  g_assert_true (data == head);
  g_assert_cmpmem (data, size, expected, 20000);

  dev->at_eos = TRUE;
  g_assert_null (qs_io_device_read_borrowed (device, 10, &size));
  g_assert_cmpuint (size, ==, 0);
}

static void
test_read_line (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[32];

  g_test_summary ("read_line reads at most max_size-1 bytes up to and including '\\n' and NUL-terminates");

  g_assert_false (qs_io_device_can_read_line (device));
  feed (dev, "line one\nline two\nrest");
  g_assert_true (qs_io_device_can_read_line (device));

  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, 9);
  g_assert_cmpstr (buf, ==, "line one\n");

  /* max_size 5: four bytes and the NUL. */
  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, 5), ==, 4);
  g_assert_cmpstr (buf, ==, "line");
  g_assert_true (qs_io_device_can_read_line (device));

  /* max_size 2: one byte. */
  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, 2), ==, 1);
  g_assert_cmpstr (buf, ==, " ");

  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, 4);
  g_assert_cmpstr (buf, ==, "two\n");

  /* No newline buffered: not a line yet, but read_line returns what is there. */
  g_assert_false (qs_io_device_can_read_line (device));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 4);
  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, 4);
  g_assert_cmpstr (buf, ==, "rest");

  /* Nothing buffered, still connected: 0 and an empty string. */
  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, 0);
  g_assert_cmpint (buf[0], ==, '\0');

  /* A line ending exactly at max_size - 1. */
  feed (dev, "abc\nd");
  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, 5), ==, 4);
  g_assert_cmpstr (buf, ==, "abc\n");

  /* An empty line. */
  feed (dev, "\n\nefg\n");
  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, 2);
  g_assert_cmpstr (buf, ==, "d\n");
  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, 1);
  g_assert_cmpstr (buf, ==, "\n");
  memset (buf, 'X', sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, 4);
  g_assert_cmpstr (buf, ==, "efg\n");

  /* End of stream, nothing buffered: -1. */
  dev->at_eos = TRUE;
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, -1);

  /* max_size < 2 is refused with a warning (Qt: "Called with maxSize < 2"). */
  dev->at_eos = FALSE;
  feed (dev, "z\n");
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*maxSize < 2*");
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, 1), ==, -1);
  g_test_assert_expected_messages ();
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 2);
}

static void
test_read_line_bytes (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GString) longline = g_string_new (NULL);

  g_test_summary ("read_line_bytes: 0 is no limit, otherwise at most max_size-1 bytes (readLine(3) on \"gh\\nij\" is \"gh\")");

  feed (dev, "gh\nij");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 3), "gh");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "\n");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "ij");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "");

  feed (dev, "ab\ncd\n");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "ab\n");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 100), "cd\n");

  /* A line much longer than any internal step, with no limit. */
  for (guint i = 0; i < 2000; i++)
    g_string_append_c (longline, 'a' + i % 26);
  g_string_append_c (longline, '\n');
  feed (dev, longline->str);
  feed (dev, "next\n");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), longline->str);
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "next\n");

  /* max_size 1: a warning and an empty GBytes; nothing consumed. */
  feed (dev, "q\n");
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*maxSize < 2*");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 1), "");
  g_test_assert_expected_messages ();
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 2);
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 2), "q");

  dev->at_eos = TRUE;
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "\n");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "");
}

static void
test_huge_sizes (void)
{
  static const gsize sizes[] = { (gsize) 1 << 40, (gsize) 1 << 62, G_MAXINT64, G_MAXSIZE };
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;

  g_test_summary ("Any size a binding can pass to read_bytes, peek_bytes and "
                  "read_line_bytes returns what is there and never allocates it up "
                  "front; a limit above one internal step still cuts the line at "
                  "max_size - 1, also in a transaction");

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      feed (dev, "one\ntwo\nthree");
      assert_bytes_and_free (qs_io_device_peek_bytes (device, sizes[i]), "one\ntwo\nthree");
      assert_bytes_and_free (qs_io_device_read_line_bytes (device, sizes[i]), "one\n");
      qs_io_device_start_transaction (device);
      assert_bytes_and_free (qs_io_device_read_line_bytes (device, sizes[i]), "two\n");
      qs_io_device_rollback_transaction (device);
      assert_bytes_and_free (qs_io_device_read_line_bytes (device, sizes[i]), "two\n");
      assert_bytes_and_free (qs_io_device_read_line_bytes (device, sizes[i]), "three");
      assert_bytes_and_free (qs_io_device_read_line_bytes (device, sizes[i]), "");
      feed (dev, "rest");
      assert_bytes_and_free (qs_io_device_read_bytes (device, sizes[i]), "rest");
      assert_bytes_and_free (qs_io_device_read_bytes (device, sizes[i]), "");
    }

  for (guint i = 0; i < 1000; i++)
    g_string_append_c (line, 'a' + i % 26);
  g_string_append_c (line, '\n');
  feed (dev, line->str);
  qs_io_device_start_transaction (device);
  bytes = qs_io_device_read_line_bytes (device, 601);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), line->str, 600);
  g_clear_pointer (&bytes, g_bytes_unref);
  qs_io_device_rollback_transaction (device);
  bytes = qs_io_device_read_line_bytes (device, 601);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), line->str, 600);
  g_clear_pointer (&bytes, g_bytes_unref);
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 402), line->str + 600);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
}

static void
test_get_char_unget_char (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[8];
  gchar c = 0;

  g_test_summary ("peek \"ab\" of \"abcdef\", get_char 'a', unget_char 'Z', read(3) \"Zbc\", skip(1) 1, read_all \"ef\" (Qt's trace)");

  feed (dev, "abcdef");
  assert_bytes_and_free (qs_io_device_peek_bytes (device, 2), "ab");

  g_assert_true (qs_io_device_get_char (device, &c));
  g_assert_cmpint (c, ==, 'a');
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 5);

  qs_io_device_unget_char (device, 'Z');
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 6);

  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 3), ==, 3);
  g_assert_cmpstr (buf, ==, "Zbc");

  g_assert_cmpint (qs_io_device_skip (device, 1), ==, 1);
  assert_bytes_and_free (qs_io_device_read_all (device), "ef");

  /* Nothing left: get_char fails; unget into an empty device works. */
  c = 'x';
  g_assert_false (qs_io_device_get_char (device, &c));
  g_assert_cmpint (c, ==, 'x');
  qs_io_device_unget_char (device, 'Q');
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 1);
  g_assert_false (qs_io_device_at_end (device));
  g_assert_true (qs_io_device_get_char (device, NULL));   /* c is optional */
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);

  /* Bytes above 127 round-trip. */
  qs_io_device_unget_char (device, (gchar) 0xff);
  g_assert_true (qs_io_device_get_char (device, &c));
  g_assert_cmpint ((guint8) c, ==, 0xff);

  /* Unget makes a line readable. */
  feed (dev, "abc");
  g_assert_false (qs_io_device_can_read_line (device));
  qs_io_device_unget_char (device, '\n');
  g_assert_true (qs_io_device_can_read_line (device));
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "\n");
  assert_bytes_and_free (qs_io_device_read_all (device), "abc");

  dev->at_eos = TRUE;
  g_assert_false (qs_io_device_get_char (device, &c));
}

static void
test_skip (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[8];

  g_test_summary ("skip discards up to max_size buffered bytes; 0 when nothing is buffered, -1 at end of stream");

  feed (dev, "0123456789");
  g_assert_cmpint (qs_io_device_skip (device, 3), ==, 3);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 2), ==, 2);
  g_assert_cmpstr (buf, ==, "34");
  g_assert_cmpint (qs_io_device_skip (device, 100), ==, 5);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
  g_assert_cmpint (qs_io_device_skip (device, 100), ==, 0);

  /* More than one internal step (4096) at a time. */
  {
    g_autofree char *big = g_strnfill (10000, 'k');

    feed (dev, big);
    feed (dev, "tail");
    g_assert_cmpint (qs_io_device_skip (device, 10000), ==, 10000);
    assert_bytes_and_free (qs_io_device_read_all (device), "tail");
  }

  dev->at_eos = TRUE;
  g_assert_cmpint (qs_io_device_skip (device, 1), ==, -1);
}

static void
test_read_data_called (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[8];
  guint calls;

  g_test_summary ("a read the buffer cannot satisfy asks read_data for the rest");

  calls = dev->read_data_calls;
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, sizeof buf), ==, 0);
  g_assert_cmpuint (dev->read_data_calls, >, calls);

  feed (dev, "ab");
  calls = dev->read_data_calls;
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, sizeof buf), ==, 2);
  g_assert_cmpuint (dev->read_data_calls, >, calls);
}

/* ---- transactions ------------------------------------------------------------ */

static void
test_transaction_rollback (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[16];
  gchar c = 0;

  g_test_summary ("bytes read inside a transaction are readable again after rollback");

  feed (dev, "abcdef");
  qs_io_device_start_transaction (device);
  g_assert_true (qs_io_device_is_transaction_started (device));

  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 3), ==, 3);
  g_assert_cmpstr (buf, ==, "abc");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 3);
  g_assert_true (qs_io_device_get_char (device, &c));
  g_assert_cmpint (c, ==, 'd');
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 2);
  assert_bytes_and_free (qs_io_device_peek_bytes (device, 10), "ef");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 2);

  qs_io_device_rollback_transaction (device);
  g_assert_false (qs_io_device_is_transaction_started (device));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 6);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 3), ==, 3);
  g_assert_cmpstr (buf, ==, "abc");
  assert_bytes_and_free (qs_io_device_read_all (device), "def");
}

static void
test_transaction_commit (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[16];

  g_test_summary ("commit drops the bytes read inside the transaction");

  feed (dev, "abcdef");
  qs_io_device_start_transaction (device);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 3), ==, 3);
  g_assert_cmpstr (buf, ==, "abc");
  qs_io_device_commit_transaction (device);
  g_assert_false (qs_io_device_is_transaction_started (device));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 3);
  assert_bytes_and_free (qs_io_device_read_all (device), "def");
}

static void
test_transaction_incomplete_frame (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[16];

  g_test_summary ("a short read in a transaction, rolled back, is read whole once the rest arrives");

  feed (dev, "he");
  qs_io_device_start_transaction (device);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 5), ==, 2);
  g_assert_cmpstr (buf, ==, "he");
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
  g_assert_true (qs_io_device_at_end (device));
  qs_io_device_rollback_transaction (device);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 2);

  feed (dev, "llo");
  qs_io_device_start_transaction (device);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, 5), ==, 5);
  g_assert_cmpstr (buf, ==, "hello");
  qs_io_device_commit_transaction (device);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
}

static void
test_transaction_read_line (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  char buf[16];

  g_test_summary ("read_line, can_read_line and skip inside a transaction are undone by rollback");

  feed (dev, "one\ntwo\nthr");
  qs_io_device_start_transaction (device);
  memset (buf, 0, sizeof buf);
  g_assert_cmpint (qs_io_device_read_line (device, (guint8 *) buf, sizeof buf), ==, 4);
  g_assert_cmpstr (buf, ==, "one\n");
  g_assert_true (qs_io_device_can_read_line (device));
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "two\n");
  g_assert_false (qs_io_device_can_read_line (device));
  g_assert_cmpint (qs_io_device_skip (device, 2), ==, 2);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 1);
  qs_io_device_rollback_transaction (device);

  g_assert_true (qs_io_device_can_read_line (device));
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 11);
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "one\n");
}

static void
test_transaction_misuse (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);

  g_test_summary ("transaction calls out of order warn and change nothing; unget_char is refused inside one");

  feed (dev, "abc");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*commitTransaction*no transaction in progress*");
  qs_io_device_commit_transaction (device);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*rollbackTransaction*no transaction in progress*");
  qs_io_device_rollback_transaction (device);
  g_test_assert_expected_messages ();
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 3);

  qs_io_device_start_transaction (device);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*startTransaction*already in progress*");
  qs_io_device_start_transaction (device);
  g_test_assert_expected_messages ();
  g_assert_true (qs_io_device_is_transaction_started (device));

  g_assert_true (qs_io_device_get_char (device, NULL));
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*ungetChar*transaction is in progress*");
  qs_io_device_unget_char (device, 'Z');
  g_test_assert_expected_messages ();
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 2);

  qs_io_device_rollback_transaction (device);
  assert_bytes_and_free (qs_io_device_read_all (device), "abc");
}

/* ---- writing ----------------------------------------------------------------- */

static void
test_write (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_WRITE);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  g_test_summary ("write, write_bytes and put_char hand their bytes to write_data and return its result");

  g_assert_cmpint (qs_io_device_write (device, (const guint8 *) "hello", 5), ==, 5);
  assert_written (dev, "hello");
  g_assert_cmpint (qs_io_device_write_bytes (device, bytes), ==, 3);
  assert_written (dev, "helloabc");
  g_assert_true (qs_io_device_put_char (device, '!'));
  assert_written (dev, "helloabc!");
  g_assert_cmpuint (dev->write_data_calls, ==, 3);
  g_assert_cmpint (qs_io_device_write_bytes (device, empty), ==, 0);
  assert_written (dev, "helloabc!");

  /* This device queues nothing itself. */
  g_assert_cmpint (qs_io_device_bytes_to_write (device), ==, 0);
  /* The base waits return FALSE at once. */
  g_assert_false (qs_io_device_wait_for_bytes_written (device, 0));
  g_assert_false (qs_io_device_wait_for_ready_read (device, 0));

  /* Writing does not touch the read side. */
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
}

static void
test_write_read_only (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  g_autoptr(GString) trace = g_string_new (NULL);
  char buf[4];

  g_test_summary ("writing a read-only device and reading a write-only one warn and fail");

  trace_device (dev, trace);

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*write*ReadOnly device*");
  g_assert_cmpint (qs_io_device_write (device, (const guint8 *) "x", 1), ==, -1);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*ReadOnly device*");
  g_assert_cmpint (qs_io_device_write_bytes (device, bytes), ==, -1);
  g_test_assert_expected_messages ();
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*putChar*ReadOnly device*");
  g_assert_false (qs_io_device_put_char (device, 'x'));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (dev->write_data_calls, ==, 0);

  qs_io_device_set_open_mode (device, QS_OPEN_MODE_WRITE_ONLY);
  g_string_truncate (trace, 0);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*read*WriteOnly device*");
  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buf, sizeof buf), ==, -1);
  g_test_assert_expected_messages ();

  g_assert_cmpstr (trace->str, ==, "");
  g_assert_cmpstr (qs_io_device_get_error_string (device), ==, "Unknown error");
}

/* ---- a device that is not open ----------------------------------------------- */

static void
test_not_open (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_NOT_OPEN);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  g_autoptr(GString) trace = g_string_new (NULL);
  guint8 buf[8];
  gchar c = 'c';
  gsize size;

  g_test_summary ("every read and write on a device that is not open: a warning, -1 (or FALSE, or empty), nothing else");

  trace_device (dev, trace);

#define EXPECT_NOT_OPEN(what)                                                          \
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*" what "*TestDevice*device not open*")

  EXPECT_NOT_OPEN ("read");
  g_assert_cmpint (qs_io_device_read (device, buf, sizeof buf), ==, -1);
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("read");
  assert_bytes_and_free (qs_io_device_read_bytes (device, 5), "");
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("read");
  size = 1;
  g_assert_null (qs_io_device_read_borrowed (device, 5, &size));
  g_assert_cmpuint (size, ==, 0);
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("readAll");
  assert_bytes_and_free (qs_io_device_read_all (device), "");
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("peek");
  g_assert_cmpint (qs_io_device_peek (device, buf, sizeof buf), ==, -1);
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("peek");
  assert_bytes_and_free (qs_io_device_peek_bytes (device, 5), "");
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("readLine");
  g_assert_cmpint (qs_io_device_read_line (device, buf, sizeof buf), ==, -1);
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("readLine");
  assert_bytes_and_free (qs_io_device_read_line_bytes (device, 0), "");
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("getChar");
  g_assert_false (qs_io_device_get_char (device, &c));
  g_test_assert_expected_messages ();
  g_assert_cmpint (c, ==, 'c');

  EXPECT_NOT_OPEN ("skip");
  g_assert_cmpint (qs_io_device_skip (device, 1), ==, -1);
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("write");
  g_assert_cmpint (qs_io_device_write (device, (const guint8 *) "x", 1), ==, -1);
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("write");
  g_assert_cmpint (qs_io_device_write_bytes (device, bytes), ==, -1);
  g_test_assert_expected_messages ();

  EXPECT_NOT_OPEN ("putChar");
  g_assert_false (qs_io_device_put_char (device, 'x'));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*device not open*");
  qs_io_device_unget_char (device, 'x');
  g_test_assert_expected_messages ();

#undef EXPECT_NOT_OPEN

  /* Nothing else happened: no error, no signal, no notify, no I/O. */
  g_assert_cmpstr (qs_io_device_get_error_string (device), ==, "Unknown error");
  g_assert_cmpstr (trace->str, ==, "");
  g_assert_cmpuint (dev->write_data_calls, ==, 0);
  g_assert_cmpuint (dev->written->len, ==, 0);
  g_assert_cmpint (qs_io_device_get_open_mode (device), ==, QS_OPEN_MODE_NOT_OPEN);
  g_assert_cmpint (qs_io_device_bytes_available (device), ==, 0);
  g_assert_true (qs_io_device_at_end (device));
}

static void
test_programmer_errors (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_WRITE);
  QsIODevice *device = QS_IO_DEVICE (dev);

  g_test_summary ("NULL buffers with a size are programmer errors: a critical and -1");

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_io_device_read (device, NULL, 4), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_io_device_write (device, NULL, 4), ==, -1);
  g_test_assert_expected_messages ();

  g_test_expect_message ("Qsock", G_LOG_LEVEL_CRITICAL, "*assertion*");
  g_assert_cmpint (qs_io_device_read (NULL, NULL, 0), ==, -1);
  g_test_assert_expected_messages ();

  g_assert_cmpuint (dev->write_data_calls, ==, 0);
}

/* ---- signals ----------------------------------------------------------------- */

typedef struct
{
  guint    count;
  guint    depth;
  guint    max_depth;
  gboolean nested_feed;   /* feed more from inside the first emission */
  gboolean drain;         /* read everything inside each emission */
  GString *got;           /* (owned) what drain read */
} ReadyReadState;

static void
on_ready_read_nested (QsIODevice     *device,
                      ReadyReadState *state)
{
  state->count++;
  state->depth++;
  state->max_depth = MAX (state->max_depth, state->depth);

  if (state->nested_feed && state->count == 1)
    {
      guint before = state->count;

      feed (TEST_DEVICE (device), "more");
      /* Not emitted from inside its own handler. */
      g_assert_cmpuint (state->count, ==, before);
    }

  if (state->drain)
    {
      GBytes *all = qs_io_device_read_all (device);
      gsize size;
      const char *data = g_bytes_get_data (all, &size);

      g_string_append_len (state->got, data, size);
      g_bytes_unref (all);
    }

  state->depth--;
}

static void
test_ready_read_not_reentrant (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  QsIODevice *device = QS_IO_DEVICE (dev);
  ReadyReadState state = { 0 };

  g_test_summary ("ready-read is never emitted from inside its own handler; data that arrived meanwhile is buffered and announced with the next batch, as in Qt");

  state.nested_feed = TRUE;
  g_signal_connect (dev, "ready-read", G_CALLBACK (on_ready_read_nested), &state);

  feed (dev, "first");
  g_assert_cmpuint (state.max_depth, ==, 1);
  g_assert_cmpuint (state.count, ==, 1);
  assert_bytes_and_free (qs_io_device_read_all (device), "firstmore");

  /* Later batches: one emission each. */
  feed (dev, "x");
  g_assert_cmpuint (state.count, ==, 2);
  feed (dev, "y");
  g_assert_cmpuint (state.count, ==, 3);
  g_assert_cmpuint (state.max_depth, ==, 1);
}

static void
test_ready_read_nested_drained (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_ONLY);
  ReadyReadState state = { 0 };

  g_test_summary ("a ready-read handler that read everything, nested data included, gets no second emission");

  state.nested_feed = TRUE;
  state.drain = TRUE;
  state.got = g_string_new (NULL);
  g_signal_connect (dev, "ready-read", G_CALLBACK (on_ready_read_nested), &state);

  feed (dev, "first");
  g_assert_cmpuint (state.max_depth, ==, 1);
  g_assert_cmpuint (state.count, ==, 1);
  g_assert_cmpstr (state.got->str, ==, "firstmore");
  g_string_free (state.got, TRUE);
}

static void
on_ready_read_unref (QsIODevice *device,
                     gpointer    user_data)
{
  g_object_unref (device);
}

static void
test_ready_read_handler_drops_last_ref (void)
{
  TestDevice *dev = device_new (QS_OPEN_MODE_READ_ONLY);
  GWeakRef weak;

  g_test_summary ("a ready-read handler may drop the last reference");

  g_weak_ref_init (&weak, dev);
  g_signal_connect (dev, "ready-read", G_CALLBACK (on_ready_read_unref), NULL);
  /* The handler drops the only reference during the emission. */
  feed (dev, "abc");
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

static void
on_bytes_written_nested (QsIODevice *device,
                         gint64      bytes,
                         guint      *count)
{
  (*count)++;
  if (*count == 1)
    g_assert_false (_qs_io_device_emit_bytes_written (device, 7));
}

static void
test_bytes_written_and_read_channel_finished (void)
{
  g_autoptr(TestDevice) dev = device_new (QS_OPEN_MODE_READ_WRITE);
  QsIODevice *device = QS_IO_DEVICE (dev);
  g_autoptr(GString) trace = g_string_new (NULL);
  guint nested = 0;

  g_test_summary ("bytes-written carries its count and is not re-entered; read-channel-finished is emitted once");

  trace_device (dev, trace);
  g_assert_true (_qs_io_device_emit_bytes_written (device, 5));
  _qs_io_device_emit_read_channel_finished (device);
  g_assert_cmpstr (trace->str, ==, "bytes-written(5) read-channel-finished ");

  g_signal_connect (dev, "bytes-written", G_CALLBACK (on_bytes_written_nested), &nested);
  g_assert_true (_qs_io_device_emit_bytes_written (device, 3));
  g_assert_cmpuint (nested, ==, 1);
  g_assert_cmpstr (trace->str, ==, "bytes-written(5) read-channel-finished bytes-written(3) ");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/io-device/open-mode", test_open_mode);
  g_test_add_func ("/io-device/open-clears", test_open_clears);
  g_test_add_func ("/io-device/close", test_close);
  g_test_add_func ("/io-device/close/handler-drops-last-ref", test_close_handler_drops_last_ref);
  g_test_add_func ("/io-device/error-string", test_error_string);
  g_test_add_func ("/io-device/read", test_read);
  g_test_add_func ("/io-device/read/large", test_read_large);
  g_test_add_func ("/io-device/read/data-from-device", test_read_data_called);
  g_test_add_func ("/io-device/peek", test_peek);
  g_test_add_func ("/io-device/read-bytes-read-all", test_read_bytes_read_all);
  g_test_add_func ("/io-device/read-bytes/shared", test_read_bytes_shared);
  g_test_add_func ("/io-device/read-borrowed", test_read_borrowed);
  g_test_add_func ("/io-device/read-line", test_read_line);
  g_test_add_func ("/io-device/read-line-bytes", test_read_line_bytes);
  g_test_add_func ("/io-device/huge-sizes", test_huge_sizes);
  g_test_add_func ("/io-device/get-char-unget-char", test_get_char_unget_char);
  g_test_add_func ("/io-device/skip", test_skip);
  g_test_add_func ("/io-device/transaction/rollback", test_transaction_rollback);
  g_test_add_func ("/io-device/transaction/commit", test_transaction_commit);
  g_test_add_func ("/io-device/transaction/incomplete-frame", test_transaction_incomplete_frame);
  g_test_add_func ("/io-device/transaction/read-line", test_transaction_read_line);
  g_test_add_func ("/io-device/transaction/misuse", test_transaction_misuse);
  g_test_add_func ("/io-device/write", test_write);
  g_test_add_func ("/io-device/write/read-only", test_write_read_only);
  g_test_add_func ("/io-device/not-open", test_not_open);
  g_test_add_func ("/io-device/programmer-errors", test_programmer_errors);
  g_test_add_func ("/io-device/ready-read/not-reentrant", test_ready_read_not_reentrant);
  g_test_add_func ("/io-device/ready-read/nested-drained", test_ready_read_nested_drained);
  g_test_add_func ("/io-device/ready-read/handler-drops-last-ref", test_ready_read_handler_drops_last_ref);
  g_test_add_func ("/io-device/bytes-written-read-channel-finished", test_bytes_written_and_read_channel_finished);

  return g_test_run ();
}
