/* qs-io-device.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsIODevice: the public, abstract base of every qsock stream. It owns the
 * open mode, the read and write buffers and the error string, and gives
 * the whole read/write API of Qt's QIODevice for sequential devices:
 * subclasses feed the read buffer and drain the write buffer; user code
 * never sees the socket engine.
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "qs-enum-types.h"
#include "qs-io-device-private.h"
#include "qs-io-stream.h"
#include "qs-marshal.h"

/**
 * QsIODevice:
 *
 * The buffered, sequential byte device every qsock socket derives from
 * (Qt's `QIODevice`).
 *
 * Incoming bytes wait in a read buffer until the application reads them
 * with [method@Qs.IODevice.read] or one of its twins; bytes given to
 * [method@Qs.IODevice.write] wait in a write buffer until the device
 * sends them, which [signal@Qs.IODevice::bytes-written] announces.
 * [signal@Qs.IODevice::ready-read] says new bytes can be read; it is
 * never emitted from inside one of its own handlers.
 *
 * Every qsock device is sequential: there is no position, size or seek.
 * Transactions ([method@Qs.IODevice.start_transaction]) let a reader look
 * at a frame and put it back when it is incomplete:
 *
 * ```c
 * qs_io_device_start_transaction (device);
 * if (qs_io_device_read (device, header, 4) < 4)
 *   {
 *     qs_io_device_rollback_transaction (device);
 *     return;   // wait for the next ready-read
 *   }
 * qs_io_device_commit_transaction (device);
 * ```
 *
 * Since: 1.0
 */

#define QS_IO_DEVICE_CHUNK_SIZE 16384

typedef struct
{
  QsOpenMode   open_mode;
  char        *error_string;       /* (owned) (nullable): NULL is "Unknown error" */
  QsRingBuffer read_buffer;
  QsRingBuffer write_buffer;
  gsize        transaction_pos;
  guint        transaction_started : 1;
  guint        emitting_ready_read : 1;
  guint        emitting_bytes_written : 1;
  guint        read_channel_finished : 1; /* since the last open */
  QsAsyncOp    read_op;            /* task data: the count (GSIZE_TO_POINTER) */
  QsAsyncOp    write_op;           /* task data: a WriteProgress */
  /* What read_borrowed() lent last: a shared chunk, or lend_buffer. */
  GBytes      *lent;               /* (owned) (nullable) */
  guint8      *lend_buffer;        /* (owned) (nullable): lend_capacity bytes */
  gsize        lend_capacity;
  GIOStream   *gio_stream;         /* (nullable): a weak pointer to the view */
} QsIODevicePrivate;

/* Where a write_all_async call's bytes are in the write buffer. */
typedef struct
{
  gsize ahead;    /* bytes queued before them, still to leave */
  gsize size;     /* of the call's data */
  gsize written;  /* of them, left so far */
} WriteProgress;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (QsIODevice, qs_io_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_OPEN_MODE,
  PROP_ERROR_STRING,
  N_PROPS
};

enum {
  SIGNAL_READY_READ,
  SIGNAL_BYTES_WRITTEN,
  SIGNAL_ABOUT_TO_CLOSE,
  SIGNAL_READ_CHANNEL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
_qs_io_device_init_i18n (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&initialized, 1);
    }
}

/* The concrete type of the last instance is_io_device() passed. */
static gpointer last_checked_type;

/* QS_IS_IO_DEVICE() for the precondition of every public call. A device
 * is always a subclass instance, which sends G_TYPE_CHECK_INSTANCE_TYPE()
 * into g_type_check_instance_is_a(): about 55 instructions per call, a
 * fifth of a read_line(). Remembering the last concrete type that passed
 * makes the usual case one comparison. */
static inline gboolean
is_io_device (gconstpointer instance)
{
  const GTypeInstance *inst = instance;
  GType type;

  if (inst == NULL || inst->g_class == NULL)
    return FALSE;
  type = inst->g_class->g_type;
  if (GSIZE_TO_POINTER (type) == g_atomic_pointer_get (&last_checked_type))
    return TRUE;
  if (!g_type_is_a (type, QS_TYPE_IO_DEVICE))
    return FALSE;
  g_atomic_pointer_set (&last_checked_type, GSIZE_TO_POINTER (type));
  return TRUE;
}

/* Qt's checkWarnMessage(): "QIODevice::read (QTcpSocket): device not open" */
static void
warn_device (QsIODevice *self,
             const char *function,
             const char *what)
{
  g_warning ("QsIODevice::%s (%s): %s", function, G_OBJECT_TYPE_NAME (self), what);
}

/* Qt's CHECK_READABLE: warns and fails when the device cannot be read. */
static gboolean
check_readable (QsIODevice *self,
                const char *function)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  if (priv->open_mode & QS_OPEN_MODE_READ_ONLY)
    return TRUE;
  warn_device (self, function,
               priv->open_mode == QS_OPEN_MODE_NOT_OPEN ? "device not open" : "WriteOnly device");
  return FALSE;
}

static gboolean
check_writable (QsIODevice *self,
                const char *function)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  if (priv->open_mode & QS_OPEN_MODE_WRITE_ONLY)
    return TRUE;
  warn_device (self, function,
               priv->open_mode == QS_OPEN_MODE_NOT_OPEN ? "device not open" : "ReadOnly device");
  return FALSE;
}

/* Qt's isBufferEmpty(): nothing left to read from the buffer, counting
 * the bytes a transaction has already read as gone. */
static gboolean
read_buffer_drained (QsIODevicePrivate *priv)
{
  gsize size = _qs_ring_buffer_get_size (&priv->read_buffer);

  return size == 0 || (priv->transaction_started && priv->transaction_pos == size);
}

static void
reset_transaction (QsIODevicePrivate *priv)
{
  priv->transaction_started = FALSE;
  priv->transaction_pos = 0;
}

/* Completes a pending read_async once its count is buffered, or with
 * what is left at the end of the stream. The caller holds a reference. */
static void
complete_read_if_ready (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);
  GTask *task = priv->read_op.task;
  gsize count;
  GBytes *bytes;

  if (task == NULL)
    return;
  count = GPOINTER_TO_SIZE (g_task_get_task_data (task));
  if (!priv->read_channel_finished &&
      (count == 0 || qs_io_device_bytes_available (self) < (gint64) count))
    return;

  task = _qs_async_op_end (&priv->read_op);
  bytes = count ? qs_io_device_read_bytes (self, count) : qs_io_device_read_all (self);
  g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

/* Counts @bytes that left the write buffer against a pending
 * write_all_async: first those queued before its data, then its own. */
static void
count_written (QsIODevicePrivate *priv,
               gint64             bytes)
{
  WriteProgress *progress;
  gsize skipped;

  if (priv->write_op.task == NULL)
    return;
  progress = g_task_get_task_data (priv->write_op.task);
  skipped = MIN ((gsize) bytes, progress->ahead);
  progress->ahead -= skipped;
  progress->written += MIN ((gsize) bytes - skipped, progress->size - progress->written);
}

/* Completes a pending write_all_async once all its bytes have left. The
 * caller holds a reference. */
static void
complete_write_if_done (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);
  WriteProgress *progress;
  GTask *task;

  if (priv->write_op.task == NULL)
    return;
  progress = g_task_get_task_data (priv->write_op.task);
  if (progress->written < progress->size)
    return;

  task = _qs_async_op_end (&priv->write_op);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* Qt's QIODevicePrivate::read() for sequential devices: copy from the
 * buffer, then ask read_data for the rest. With @peeking (or inside a
 * transaction) the bytes stay buffered and device data is appended to the
 * buffer first. A read served by the buffer alone that empties it calls
 * read_data (…, 0), which sockets use to re-arm their read watch. */
static gint64
device_read (QsIODevice *self,
             guint8     *data,
             gsize       max_size,
             gboolean    peeking)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);
  QsIODeviceClass *klass = QS_IO_DEVICE_GET_CLASS (self);
  gboolean keep = peeking || priv->transaction_started;
  gsize buffer_pos = priv->transaction_started ? priv->transaction_pos : 0;
  gboolean buffer_only = TRUE;
  gboolean asked_once = FALSE;
  gsize done = 0;

  for (;;)
    {
      gsize n;
      gint64 from_device;

      if (keep)
        n = _qs_ring_buffer_peek (&priv->read_buffer, data + done, max_size - done, buffer_pos);
      else
        n = _qs_ring_buffer_read (&priv->read_buffer, data + done, max_size - done);
      buffer_pos += n;
      done += n;

      if (done == max_size || asked_once)
        break;

      buffer_only = FALSE;
      if (keep)
        {
          gsize room = 0;
          guint8 *tail;

          /* Qt: an unbuffered device (a connected UDP socket reads one
           * datagram per call and drops what does not fit) is asked
           * once, for what the read still needs, up to a chunk. A
           * buffered one fills whatever room the tail chunk has left,
           * for as long as it gives bytes: asking for a whole chunk each
           * time would cost a new one per call of a device that gives a
           * few bytes at a time. */
          if (priv->open_mode & QS_OPEN_MODE_UNBUFFERED)
            {
              gsize want = MIN (max_size - done, QS_IO_DEVICE_CHUNK_SIZE);

              tail = _qs_ring_buffer_reserve (&priv->read_buffer, want, &room);
              room = want;
              asked_once = TRUE;
            }
          else
            {
              tail = _qs_ring_buffer_reserve (&priv->read_buffer, 1, &room);
            }

          from_device = klass->read_data (self, tail, room);
          if (from_device > 0)
            {
              _qs_ring_buffer_commit (&priv->read_buffer, from_device);
              continue;
            }
        }
      else
        {
          from_device = klass->read_data (self, data + done, max_size - done);
          if (from_device > 0)
            done += from_device;
        }

      if (from_device < 0 && done == 0)
        return -1;
      break;
    }

  if (priv->transaction_started && !peeking)
    priv->transaction_pos = buffer_pos;

  if (buffer_only && read_buffer_drained (priv))
    klass->read_data (self, data, 0);

  return done;
}

static gboolean
qs_io_device_real_open (QsIODevice *self,
                        QsOpenMode  mode)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  reset_transaction (priv);
  priv->read_channel_finished = FALSE;
  _qs_ring_buffer_clear (&priv->read_buffer);
  _qs_ring_buffer_clear (&priv->write_buffer);
  qs_io_device_set_error_string (self, NULL);
  qs_io_device_set_open_mode (self, mode);
  return TRUE;
}

/* The write buffer survives close, as in Qt 6: a socket closed with queued
 * bytes still delivers them before it disconnects. */
static void
qs_io_device_real_close (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  if (priv->open_mode == QS_OPEN_MODE_NOT_OPEN)
    return;

  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_ABOUT_TO_CLOSE], 0);
  reset_transaction (priv);
  _qs_ring_buffer_clear (&priv->read_buffer);
  qs_io_device_set_open_mode (self, QS_OPEN_MODE_NOT_OPEN);
  _qs_async_op_fail (&priv->read_op, G_IO_ERROR, G_IO_ERROR_CLOSED,
                     _("The device was closed during the read"));
  g_object_unref (self);
}

static gboolean
qs_io_device_real_is_sequential (QsIODevice *self)
{
  return TRUE;
}

static gboolean
qs_io_device_real_at_end (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  return priv->open_mode == QS_OPEN_MODE_NOT_OPEN ||
         (read_buffer_drained (priv) && qs_io_device_bytes_available (self) == 0);
}

static gint64
qs_io_device_real_bytes_available (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  return _qs_ring_buffer_get_size (&priv->read_buffer) - priv->transaction_pos;
}

static gint64
qs_io_device_real_bytes_to_write (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  return _qs_ring_buffer_get_size (&priv->write_buffer);
}

static gboolean
qs_io_device_real_can_read_line (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);
  gsize size = _qs_ring_buffer_get_size (&priv->read_buffer);

  return _qs_ring_buffer_index_of (&priv->read_buffer, '\n', size, priv->transaction_pos) >= 0;
}

static gint64
qs_io_device_real_read_data (QsIODevice *self,
                             guint8     *data,
                             gsize       max_size)
{
  return max_size ? -1 : 0;
}

/* Qt's QIODevice::readLineData(): byte by byte through read(). */
static gint64
qs_io_device_real_read_line_data (QsIODevice *self,
                                  guint8     *data,
                                  gsize       max_size)
{
  gint64 last = 0;
  gsize done = 0;

  while (done < max_size && (last = device_read (self, data + done, 1, FALSE)) == 1)
    {
      if (data[done++] == '\n')
        break;
    }

  if (last != 1 && done == 0)
    return last;
  return done;
}

/* Qt's skipByReading(). */
static gint64
skip_by_reading (QsIODevice *self,
                 gint64      max_size)
{
  gint64 done = 0;

  do
    {
      guint8 dummy[4096];
      gint64 want = MIN (max_size, (gint64) sizeof dummy);
      gint64 got = device_read (self, dummy, want, FALSE);

      if (got != want)
        {
          if (done == 0)
            return got;
          return got < 0 ? done : done + got;
        }
      done += got;
      max_size -= got;
    }
  while (max_size > 0);

  return done;
}

static gint64
qs_io_device_real_skip_data (QsIODevice *self,
                             gint64      max_size)
{
  return skip_by_reading (self, max_size);
}

static gint64
qs_io_device_real_write_data (QsIODevice   *self,
                              const guint8 *data,
                              gsize         size)
{
  return -1;
}

static gboolean
qs_io_device_real_wait (QsIODevice *self,
                        int         msecs)
{
  return FALSE;
}

static void
qs_io_device_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  QsIODevice *self = QS_IO_DEVICE (object);

  switch (prop_id)
    {
    case PROP_OPEN_MODE:
      g_value_set_flags (value, qs_io_device_get_open_mode (self));
      break;

    case PROP_ERROR_STRING:
      g_value_set_string (value, qs_io_device_get_error_string (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_io_device_finalize (GObject *object)
{
  QsIODevice *self = QS_IO_DEVICE (object);
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  g_clear_pointer (&priv->lent, g_bytes_unref);
  g_free (priv->lend_buffer);
  _qs_ring_buffer_destroy (&priv->read_buffer);
  _qs_ring_buffer_destroy (&priv->write_buffer);
  g_clear_pointer (&priv->error_string, g_free);

  G_OBJECT_CLASS (qs_io_device_parent_class)->finalize (object);
}

static void
qs_io_device_class_init (QsIODeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _qs_io_device_init_i18n ();

  object_class->get_property = qs_io_device_get_property;
  object_class->finalize = qs_io_device_finalize;

  klass->open = qs_io_device_real_open;
  klass->close = qs_io_device_real_close;
  klass->is_sequential = qs_io_device_real_is_sequential;
  klass->at_end = qs_io_device_real_at_end;
  klass->bytes_available = qs_io_device_real_bytes_available;
  klass->bytes_to_write = qs_io_device_real_bytes_to_write;
  klass->can_read_line = qs_io_device_real_can_read_line;
  klass->read_data = qs_io_device_real_read_data;
  klass->read_line_data = qs_io_device_real_read_line_data;
  klass->skip_data = qs_io_device_real_skip_data;
  klass->write_data = qs_io_device_real_write_data;
  klass->wait_for_ready_read = qs_io_device_real_wait;
  klass->wait_for_bytes_written = qs_io_device_real_wait;

  /**
   * QsIODevice:open-mode: (getter get_open_mode)
   *
   * How the device is open; %QS_OPEN_MODE_NOT_OPEN when it is closed.
   *
   * Since: 1.0
   */
  properties[PROP_OPEN_MODE] =
    g_param_spec_flags ("open-mode", NULL, NULL,
                        QS_TYPE_OPEN_MODE, QS_OPEN_MODE_NOT_OPEN,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsIODevice:error-string: (getter get_error_string)
   *
   * A translated description of the last error; "Unknown error" before
   * any error.
   *
   * Since: 1.0
   */
  properties[PROP_ERROR_STRING] =
    g_param_spec_string ("error-string", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QsIODevice::ready-read:
   * @self: the device
   *
   * New data can be read. Emitted once per batch of new data, never from
   * inside one of its own handlers. Qt: `readyRead()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_READY_READ] =
    g_signal_new ("ready-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * QsIODevice::bytes-written:
   * @self: the device
   * @bytes: how many bytes were written
   *
   * A payload of data has been written to the device. Never emitted from
   * inside one of its own handlers. Qt: `bytesWritten(qint64)`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_BYTES_WRITTEN] =
    g_signal_new ("bytes-written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _qs_marshal_VOID__INT64,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  g_signal_set_va_marshaller (signals[SIGNAL_BYTES_WRITTEN], G_TYPE_FROM_CLASS (klass),
                              _qs_marshal_VOID__INT64v);

  /**
   * QsIODevice::about-to-close:
   * @self: the device
   *
   * The device is about to close. Qt: `aboutToClose()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ABOUT_TO_CLOSE] =
    g_signal_new ("about-to-close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * QsIODevice::read-channel-finished:
   * @self: the device
   *
   * The input stream has ended; buffered bytes may still be read.
   * Qt: `readChannelFinished()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_READ_CHANNEL_FINISHED] =
    g_signal_new ("read-channel-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
qs_io_device_init (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  _qs_ring_buffer_init (&priv->read_buffer, QS_IO_DEVICE_CHUNK_SIZE);
  _qs_ring_buffer_init (&priv->write_buffer, QS_IO_DEVICE_CHUNK_SIZE);
}

QsRingBuffer *
_qs_io_device_get_read_buffer (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  return &priv->read_buffer;
}

QsRingBuffer *
_qs_io_device_get_write_buffer (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  return &priv->write_buffer;
}

/* qs_io_device_is_readable() without the instance check, for the pump's
 * receive path, which runs once per readiness event. */
gboolean
_qs_io_device_is_readable_unchecked (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  return (priv->open_mode & QS_OPEN_MODE_READ_ONLY) != 0;
}

/* Emits bytes-written unless a handler of it is running (Qt's
 * emittedBytesWritten guard); then a pending write_all_async whose bytes
 * have all left completes. The caller holds a reference. */
gboolean
_qs_io_device_emit_bytes_written (QsIODevice *self,
                                  gint64      bytes)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);
  gboolean emitted = FALSE;

  count_written (priv, bytes);
  if (!priv->emitting_bytes_written)
    {
      /* An emission nobody listens to costs more than this check (the
       * signal has no class handler), and most writers do not listen. */
      if (g_signal_has_handler_pending (self, signals[SIGNAL_BYTES_WRITTEN], 0, FALSE))
        {
          priv->emitting_bytes_written = TRUE;
          g_signal_emit (self, signals[SIGNAL_BYTES_WRITTEN], 0, bytes);
          priv->emitting_bytes_written = FALSE;
        }
      emitted = TRUE;
    }
  complete_write_if_done (self);
  return emitted;
}

/* The stream ended: a pending read gets what is left, and a pending write
 * (its connection gone, the write buffer dropped) fails. The caller holds
 * a reference. */
void
_qs_io_device_emit_read_channel_finished (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  priv->read_channel_finished = TRUE;
  g_signal_emit (self, signals[SIGNAL_READ_CHANNEL_FINISHED], 0);
  complete_read_if_ready (self);
  _qs_async_op_fail (&priv->write_op, G_IO_ERROR, G_IO_ERROR_CLOSED,
                     _("The connection ended before every byte was written"));
}

gboolean
_qs_io_device_get_read_channel_finished (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  return priv->read_channel_finished;
}

/**
 * qs_io_device_open: (virtual open)
 * @self: a device
 * @mode: how to open it
 *
 * Opens the device; sockets open themselves when they connect.
 * Qt: `QIODevice::open()`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
qs_io_device_open (QsIODevice *self,
                   QsOpenMode  mode)
{
  g_return_val_if_fail (is_io_device (self), FALSE);

  return QS_IO_DEVICE_GET_CLASS (self)->open (self, mode);
}

/**
 * qs_io_device_close: (virtual close)
 * @self: a device
 *
 * Emits [signal@Qs.IODevice::about-to-close], then closes the device.
 * Sockets also disconnect. Qt: `QIODevice::close()`.
 *
 * Since: 1.0
 */
void
qs_io_device_close (QsIODevice *self)
{
  g_return_if_fail (is_io_device (self));

  QS_IO_DEVICE_GET_CLASS (self)->close (self);
}

/**
 * qs_io_device_is_open:
 * @self: a device
 *
 * Qt: `QIODevice::isOpen()`.
 *
 * Returns: whether the device is open
 *
 * Since: 1.0
 */
gboolean
qs_io_device_is_open (QsIODevice *self)
{
  return qs_io_device_get_open_mode (self) != QS_OPEN_MODE_NOT_OPEN;
}

/**
 * qs_io_device_is_readable:
 * @self: a device
 *
 * Qt: `QIODevice::isReadable()`.
 *
 * Returns: whether the device is open for reading
 *
 * Since: 1.0
 */
gboolean
qs_io_device_is_readable (QsIODevice *self)
{
  return (qs_io_device_get_open_mode (self) & QS_OPEN_MODE_READ_ONLY) != 0;
}

/**
 * qs_io_device_is_writable:
 * @self: a device
 *
 * Qt: `QIODevice::isWritable()`.
 *
 * Returns: whether the device is open for writing
 *
 * Since: 1.0
 */
gboolean
qs_io_device_is_writable (QsIODevice *self)
{
  return (qs_io_device_get_open_mode (self) & QS_OPEN_MODE_WRITE_ONLY) != 0;
}

/**
 * qs_io_device_get_open_mode: (get-property open-mode)
 * @self: a device
 *
 * Qt: `QIODevice::openMode()`.
 *
 * Returns: how the device is open
 *
 * Since: 1.0
 */
QsOpenMode
qs_io_device_get_open_mode (QsIODevice *self)
{
  QsIODevicePrivate *priv;

  g_return_val_if_fail (is_io_device (self), QS_OPEN_MODE_NOT_OPEN);

  priv = qs_io_device_get_instance_private (self);
  return priv->open_mode;
}

/**
 * qs_io_device_is_sequential: (virtual is_sequential)
 * @self: a device
 *
 * Qt: `QIODevice::isSequential()`; %TRUE for every qsock class.
 *
 * Returns: whether the device is sequential
 *
 * Since: 1.0
 */
gboolean
qs_io_device_is_sequential (QsIODevice *self)
{
  g_return_val_if_fail (is_io_device (self), TRUE);

  return QS_IO_DEVICE_GET_CLASS (self)->is_sequential (self);
}

/**
 * qs_io_device_at_end: (virtual at_end)
 * @self: a device
 *
 * Whether nothing can be read right now: %TRUE when the device is not
 * open, and on an open, connected socket with nothing buffered.
 * Qt: `QIODevice::atEnd()`.
 *
 * Returns: whether no data is available for reading
 *
 * Since: 1.0
 */
gboolean
qs_io_device_at_end (QsIODevice *self)
{
  g_return_val_if_fail (is_io_device (self), TRUE);

  return QS_IO_DEVICE_GET_CLASS (self)->at_end (self);
}

/**
 * qs_io_device_bytes_available: (virtual bytes_available)
 * @self: a device
 *
 * Qt: `QIODevice::bytesAvailable()`.
 *
 * Returns: how many bytes can be read without waiting
 *
 * Since: 1.0
 */
gint64
qs_io_device_bytes_available (QsIODevice *self)
{
  g_return_val_if_fail (is_io_device (self), 0);

  return QS_IO_DEVICE_GET_CLASS (self)->bytes_available (self);
}

/**
 * qs_io_device_bytes_to_write: (virtual bytes_to_write)
 * @self: a device
 *
 * Qt: `QIODevice::bytesToWrite()`.
 *
 * Returns: how many bytes wait to be written
 *
 * Since: 1.0
 */
gint64
qs_io_device_bytes_to_write (QsIODevice *self)
{
  g_return_val_if_fail (is_io_device (self), 0);

  return QS_IO_DEVICE_GET_CLASS (self)->bytes_to_write (self);
}

/**
 * qs_io_device_can_read_line: (virtual can_read_line)
 * @self: a device
 *
 * Qt: `QIODevice::canReadLine()`.
 *
 * Returns: whether a whole line (ending in `'\n'`) can be read
 *
 * Since: 1.0
 */
gboolean
qs_io_device_can_read_line (QsIODevice *self)
{
  g_return_val_if_fail (is_io_device (self), FALSE);

  return QS_IO_DEVICE_GET_CLASS (self)->can_read_line (self);
}

/**
 * qs_io_device_get_error_string: (get-property error-string)
 * @self: a device
 *
 * Qt: `QIODevice::errorString()`.
 *
 * Returns: (transfer none): a translated description of the last error,
 *   "Unknown error" before any error
 *
 * Since: 1.0
 */
const char *
qs_io_device_get_error_string (QsIODevice *self)
{
  QsIODevicePrivate *priv;

  g_return_val_if_fail (is_io_device (self), NULL);

  priv = qs_io_device_get_instance_private (self);
  return priv->error_string ? priv->error_string : _("Unknown error");
}

/**
 * qs_io_device_read:
 * @self: a device
 * @data: (out caller-allocates) (array length=max_size) (element-type guint8):
 *   where to copy the bytes
 * @max_size: room in @data
 *
 * Reads and consumes up to @max_size bytes. Bindings use
 * [method@Qs.IODevice.read_bytes]. Qt: `QIODevice::read()`.
 *
 * Returns: the bytes read, 0 when nothing is buffered, or -1 when the
 *   device is not open for reading or the stream has ended
 *
 * Since: 1.0
 */
gint64
qs_io_device_read (QsIODevice *self,
                   guint8     *data,
                   gsize       max_size)
{
  g_return_val_if_fail (is_io_device (self), -1);
  g_return_val_if_fail (data != NULL || max_size == 0, -1);
  g_return_val_if_fail (max_size <= G_MAXINT64, -1);

  if (!check_readable (self, "read"))
    return -1;
  if (max_size == 0)
    return 0;

  return device_read (self, data, max_size, FALSE);
}

/* How many bytes a read of at most @max_size asks device_read() for:
 * what is available, or one chunk's worth when nothing is buffered
 * (read_data may still have some). */
static gsize
read_room (QsIODevice *self,
           gsize       max_size)
{
  gsize buffered = MAX (qs_io_device_bytes_available (self), 0);

  return MIN (max_size, buffered ? buffered : QS_IO_DEVICE_CHUNK_SIZE);
}

/* Consumes the next @room bytes as a GBytes that takes the read buffer's
 * head chunk instead of copying it, when that is what they are (see
 * _qs_ring_buffer_read_shared() for when) and no transaction runs; else
 * NULL. device_read() would have served them from the buffer alone, so,
 * as there, a read that empties the buffer calls read_data (…, 0). */
static GBytes *
read_shared (QsIODevice *self,
             gsize       room)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);
  GBytes *shared;

  if (priv->transaction_started)
    return NULL;
  shared = _qs_ring_buffer_read_shared (&priv->read_buffer, room);
  if (shared != NULL && read_buffer_drained (priv))
    QS_IO_DEVICE_GET_CLASS (self)->read_data (self, (guint8 *) g_bytes_get_data (shared, NULL), 0);
  return shared;
}

/* Reads through device_read() into a new GBytes of at most @max_size
 * bytes, sized to what is available; a read may share a chunk (see
 * read_shared()). Never NULL. */
static GBytes *
read_into_bytes (QsIODevice *self,
                 gsize       max_size,
                 gboolean    peeking)
{
  gsize room = read_room (self, max_size);
  GBytes *shared;
  guint8 *data;
  gint64 n;

  if (room == 0)
    return g_bytes_new (NULL, 0);

  shared = peeking ? NULL : read_shared (self, room);
  if (shared != NULL)
    return shared;

  data = g_malloc (room);
  n = device_read (self, data, room, peeking);
  if (n <= 0)
    {
      g_free (data);
      return g_bytes_new (NULL, 0);
    }
  return g_bytes_new_take (g_realloc (data, n), n);
}

/**
 * qs_io_device_read_bytes:
 * @self: a device
 * @max_size: the most bytes to read
 *
 * Reads and consumes up to @max_size bytes. Qt: `QIODevice::read(qint64)`.
 *
 * When the bytes read are all those of one read-buffer chunk (at least
 * 4 KiB of them; sockets receive up to 64 KiB per chunk), the result
 * takes over that chunk's memory instead of copying it; it then never
 * keeps more than twice its size allocated. Inside a transaction the
 * bytes are always copied.
 *
 * Returns: (transfer full): the bytes read; empty on error or when
 *   nothing is buffered
 *
 * Since: 1.0
 */
GBytes *
qs_io_device_read_bytes (QsIODevice *self,
                         gsize       max_size)
{
  g_return_val_if_fail (is_io_device (self), NULL);

  if (!check_readable (self, "read"))
    return g_bytes_new (NULL, 0);

  return read_into_bytes (self, max_size, FALSE);
}

/**
 * qs_io_device_read_borrowed:
 * @self: a device
 * @max_size: the most bytes to read
 * @size: (out): where to store how many bytes were read
 *
 * Reads and consumes up to @max_size bytes, as
 * [method@Qs.IODevice.read_bytes] does, and lends them: they stay owned by
 * @self and valid until the next call of this function on @self, or until
 * @self is finalized. qsock extra, for bindings that copy what a call
 * returns at once: Python gets `bytes` in one call, where
 * [method@Qs.IODevice.read_bytes] needs a second one to take the data out
 * of the `GBytes`.
 *
 * Bytes that are a whole read-buffer chunk are lent in place, where
 * [method@Qs.IODevice.read_bytes] would hand the chunk over; others are
 * copied into a buffer @self keeps for the next call, as large as the
 * largest of them.
 *
 * Returns: (transfer none) (array length=size) (nullable): the bytes read;
 *   %NULL with @size 0 on error or when nothing is buffered
 *
 * Since: 1.0
 */
const guint8 *
qs_io_device_read_borrowed (QsIODevice *self,
                            gsize       max_size,
                            gsize      *size)
{
  QsIODevicePrivate *priv;
  gsize room;
  gint64 n;

  g_return_val_if_fail (size != NULL, NULL);
  *size = 0;
  g_return_val_if_fail (is_io_device (self), NULL);

  priv = qs_io_device_get_instance_private (self);
  g_clear_pointer (&priv->lent, g_bytes_unref);
  if (!check_readable (self, "read"))
    return NULL;
  room = read_room (self, max_size);
  if (room == 0)
    return NULL;

  priv->lent = read_shared (self, room);
  if (priv->lent != NULL)
    return g_bytes_get_data (priv->lent, size);

  if (priv->lend_capacity < room)
    {
      g_free (priv->lend_buffer);
      priv->lend_buffer = g_malloc (room);
      priv->lend_capacity = room;
    }
  n = device_read (self, priv->lend_buffer, room, FALSE);
  if (n <= 0)
    return NULL;
  *size = n;
  return priv->lend_buffer;
}

/**
 * qs_io_device_read_all:
 * @self: a device
 *
 * Reads every byte that is available. Qt: `QIODevice::readAll()`.
 *
 * Returns: (transfer full): the bytes read; empty on error
 *
 * Since: 1.0
 */
GBytes *
qs_io_device_read_all (QsIODevice *self)
{
  GByteArray *all;

  g_return_val_if_fail (is_io_device (self), NULL);

  if (!check_readable (self, "readAll"))
    return g_bytes_new (NULL, 0);

  all = g_byte_array_new ();
  for (;;)
    {
      gsize want = MAX (qs_io_device_bytes_available (self), QS_IO_DEVICE_CHUNK_SIZE);
      guint before = all->len;
      gint64 n;

      g_byte_array_set_size (all, before + want);
      n = device_read (self, all->data + before, want, FALSE);
      g_byte_array_set_size (all, before + MAX (n, 0));
      if (n < (gint64) want)
        break;
    }

  return g_byte_array_free_to_bytes (all);
}

/**
 * qs_io_device_peek:
 * @self: a device
 * @data: (out caller-allocates) (array length=max_size) (element-type guint8):
 *   where to copy the bytes
 * @max_size: room in @data
 *
 * Copies buffered bytes without consuming them; bindings use
 * [method@Qs.IODevice.peek_bytes]. Qt: `QIODevice::peek()`.
 *
 * Returns: bytes copied, or -1 if @self is not open for reading
 *
 * Since: 1.0
 */
gint64
qs_io_device_peek (QsIODevice *self,
                   guint8     *data,
                   gsize       max_size)
{
  g_return_val_if_fail (is_io_device (self), -1);
  g_return_val_if_fail (data != NULL || max_size == 0, -1);
  g_return_val_if_fail (max_size <= G_MAXINT64, -1);

  if (!check_readable (self, "peek"))
    return -1;
  if (max_size == 0)
    return 0;

  return device_read (self, data, max_size, TRUE);
}

/**
 * qs_io_device_peek_bytes:
 * @self: a device
 * @max_size: the most bytes to copy
 *
 * Copies up to @max_size buffered bytes without consuming them.
 * Qt: `QIODevice::peek(qint64)`.
 *
 * Returns: (transfer full): the bytes; empty on error
 *
 * Since: 1.0
 */
GBytes *
qs_io_device_peek_bytes (QsIODevice *self,
                         gsize       max_size)
{
  g_return_val_if_fail (is_io_device (self), NULL);

  if (!check_readable (self, "peek"))
    return g_bytes_new (NULL, 0);

  return read_into_bytes (self, max_size, TRUE);
}

/**
 * qs_io_device_read_line:
 * @self: a device
 * @data: (out caller-allocates) (array length=max_size) (element-type guint8):
 *   where to copy the line
 * @max_size: room in @data, at least 2
 *
 * Reads a line of at most @max_size - 1 bytes, up to and including
 * `'\n'`, and terminates it with a NUL byte. Bindings use
 * [method@Qs.IODevice.read_line_bytes]. Qt: `QIODevice::readLine()`.
 *
 * Returns: the bytes read (without the NUL), or -1 on error
 *
 * Since: 1.0
 */
gint64
qs_io_device_read_line (QsIODevice *self,
                        guint8     *data,
                        gsize       max_size)
{
  QsIODevicePrivate *priv;
  QsIODeviceClass *klass;
  gsize done = 0;
  gsize limit;
  gint64 more;

  g_return_val_if_fail (is_io_device (self), -1);
  g_return_val_if_fail (data != NULL || max_size == 0, -1);
  g_return_val_if_fail (max_size <= G_MAXINT64, -1);

  priv = qs_io_device_get_instance_private (self);
  klass = QS_IO_DEVICE_GET_CLASS (self);

  if (max_size < 2)
    {
      warn_device (self, "readLine", "Called with maxSize < 2");
      return -1;
    }
  if (!check_readable (self, "readLine"))
    return -1;

  limit = max_size - 1;  /* room for the NUL */

  if (priv->transaction_started)
    {
      gsize size = _qs_ring_buffer_get_size (&priv->read_buffer);

      if (priv->transaction_pos < size)
        {
          gssize eol = _qs_ring_buffer_index_of (&priv->read_buffer, '\n', limit, priv->transaction_pos);

          done = _qs_ring_buffer_peek (&priv->read_buffer, data,
                                       eol >= 0 ? (gsize) eol - priv->transaction_pos + 1 : limit,
                                       priv->transaction_pos);
          priv->transaction_pos += done;
          if (priv->transaction_pos == size)
            klass->read_data (self, data, 0);
        }
    }
  else if (!_qs_ring_buffer_is_empty (&priv->read_buffer))
    {
      done = _qs_ring_buffer_read_line (&priv->read_buffer, data, limit);
      if (_qs_ring_buffer_is_empty (&priv->read_buffer))
        klass->read_data (self, data, 0);
    }

  if (done > 0 && data[done - 1] == '\n')
    {
      data[done] = '\0';
      return done;
    }

  /* Inside a transaction the base implementation keeps the bytes buffered. */
  if (priv->transaction_started)
    more = qs_io_device_real_read_line_data (self, data + done, limit - done);
  else
    more = klass->read_line_data (self, data + done, limit - done);

  if (more < 0)
    {
      data[done] = '\0';
      return done ? (gint64) done : -1;
    }

  done += more;
  data[done] = '\0';
  return done;
}

/**
 * qs_io_device_read_line_bytes:
 * @self: a device
 * @max_size: 0 for no limit, otherwise the line holds at most
 *   @max_size - 1 bytes, as in Qt 6
 *
 * Reads a line, including its `'\n'` if one was read.
 * Qt: `QIODevice::readLine(qint64)`.
 *
 * Returns: (transfer full): the line; empty on error
 *
 * Since: 1.0
 */
GBytes *
qs_io_device_read_line_bytes (QsIODevice *self,
                              gsize       max_size)
{
  GByteArray *line;
  gsize limit;

  g_return_val_if_fail (is_io_device (self), NULL);

  if (max_size == 1)
    {
      warn_device (self, "readLine", "Called with maxSize < 2");
      return g_bytes_new (NULL, 0);
    }
  if (!check_readable (self, "readLine"))
    return g_bytes_new (NULL, 0);

  /* Grown as the line is read, never sized to @max_size up front: a
   * binding may pass any size. */
  limit = max_size ? max_size - 1 : G_MAXSIZE;
  line = g_byte_array_new ();
  for (;;)
    {
      gsize chunk = MIN (limit - line->len, (gsize) MAX (qs_io_device_bytes_available (self), 256)) + 1;
      guint before = line->len;
      gint64 n;

      g_byte_array_set_size (line, before + chunk);
      n = qs_io_device_read_line (self, line->data + before, chunk);
      g_byte_array_set_size (line, before + MAX (n, 0));
      if (n <= 0 || line->data[line->len - 1] == '\n' || (gsize) n < chunk - 1 || line->len == limit)
        break;
    }

  return g_byte_array_free_to_bytes (line);
}

/**
 * qs_io_device_get_char:
 * @self: a device
 * @c: (out) (optional) (type gint8): where to store the byte
 *
 * Reads one byte. Qt: `QIODevice::getChar()`.
 *
 * Returns: %TRUE if a byte was read
 *
 * Since: 1.0
 */
gboolean
qs_io_device_get_char (QsIODevice *self,
                       gchar      *c)
{
  guint8 byte;

  g_return_val_if_fail (is_io_device (self), FALSE);

  if (!check_readable (self, "getChar"))
    return FALSE;
  if (device_read (self, &byte, 1, FALSE) != 1)
    return FALSE;
  if (c)
    *c = (gchar) byte;
  return TRUE;
}

/**
 * qs_io_device_unget_char:
 * @self: a device
 * @c: the byte to put back
 *
 * Puts a byte back at the front of the read buffer. Ignored (with a
 * warning) while a transaction is in progress. Qt: `QIODevice::ungetChar()`.
 *
 * Since: 1.0
 */
void
qs_io_device_unget_char (QsIODevice *self,
                         gchar       c)
{
  QsIODevicePrivate *priv;

  g_return_if_fail (is_io_device (self));

  priv = qs_io_device_get_instance_private (self);
  if (!check_readable (self, "read"))
    return;
  if (priv->transaction_started)
    {
      warn_device (self, "ungetChar", "Called while transaction is in progress");
      return;
    }
  _qs_ring_buffer_unget_char (&priv->read_buffer, (guint8) c);
}

/**
 * qs_io_device_skip: (virtual skip_data)
 * @self: a device
 * @max_size: the most bytes to skip
 *
 * Discards up to @max_size bytes. Qt: `QIODevice::skip()`.
 *
 * Returns: the bytes skipped, or -1 on error
 *
 * Since: 1.0
 */
gint64
qs_io_device_skip (QsIODevice *self,
                   gint64      max_size)
{
  QsIODevicePrivate *priv;
  gint64 skipped = 0;
  gint64 more;

  g_return_val_if_fail (is_io_device (self), -1);
  g_return_val_if_fail (max_size >= 0, -1);

  priv = qs_io_device_get_instance_private (self);
  if (!check_readable (self, "skip"))
    return -1;

  if (priv->transaction_started)
    return skip_by_reading (self, max_size);

  if (!_qs_ring_buffer_is_empty (&priv->read_buffer))
    {
      skipped = _qs_ring_buffer_skip (&priv->read_buffer, max_size);
      if (_qs_ring_buffer_is_empty (&priv->read_buffer))
        QS_IO_DEVICE_GET_CLASS (self)->read_data (self, NULL, 0);
      if (skipped == max_size)
        return skipped;
      max_size -= skipped;
    }

  more = QS_IO_DEVICE_GET_CLASS (self)->skip_data (self, max_size);
  if (skipped == 0)
    return more;
  return more < 0 ? skipped : skipped + more;
}

/**
 * qs_io_device_wait_for_ready_read: (virtual wait_for_ready_read)
 * @self: a device
 * @msecs: the most milliseconds to wait, -1 for no limit (Qt's default
 *   for sockets: 30000)
 *
 * Blocks until new data can be read and [signal@Qs.IODevice::ready-read]
 * has been emitted, without running a main loop.
 * Qt: `QIODevice::waitForReadyRead()`.
 *
 * Returns: %TRUE if new data arrived
 *
 * Since: 1.0
 */
gboolean
qs_io_device_wait_for_ready_read (QsIODevice *self,
                                  int         msecs)
{
  g_return_val_if_fail (is_io_device (self), FALSE);

  return QS_IO_DEVICE_GET_CLASS (self)->wait_for_ready_read (self, msecs);
}

/**
 * qs_io_device_write:
 * @self: a device
 * @data: (array length=size) (element-type guint8): the bytes
 * @size: how many bytes
 *
 * Queues @data for writing; sockets send it when control returns to the
 * main loop (or in [method@Qs.AbstractSocket.flush]). Qt: `QIODevice::write()`.
 *
 * Returns: the bytes accepted (all of them), or -1 on error
 *
 * Since: 1.0
 */
gint64
qs_io_device_write (QsIODevice   *self,
                    const guint8 *data,
                    gsize         size)
{
  g_return_val_if_fail (is_io_device (self), -1);
  g_return_val_if_fail (data != NULL || size == 0, -1);
  g_return_val_if_fail (size <= G_MAXINT64, -1);

  if (!check_writable (self, "write"))
    return -1;

  return QS_IO_DEVICE_GET_CLASS (self)->write_data (self, data, size);
}

/**
 * qs_io_device_write_bytes:
 * @self: a device
 * @data: the bytes
 *
 * Queues @data for writing. Qt: `QIODevice::write(const QByteArray &)`.
 *
 * Returns: the bytes accepted, or -1 on error
 *
 * Since: 1.0
 */
gint64
qs_io_device_write_bytes (QsIODevice *self,
                          GBytes     *data)
{
  gsize size = 0;
  const guint8 *bytes;

  g_return_val_if_fail (is_io_device (self), -1);
  g_return_val_if_fail (data != NULL, -1);

  bytes = g_bytes_get_data (data, &size);
  return qs_io_device_write (self, bytes, size);
}

/**
 * qs_io_device_put_char:
 * @self: a device
 * @c: the byte
 *
 * Writes one byte. Qt: `QIODevice::putChar()`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
qs_io_device_put_char (QsIODevice *self,
                       gchar       c)
{
  g_return_val_if_fail (is_io_device (self), FALSE);

  if (!check_writable (self, "putChar"))
    return FALSE;

  return QS_IO_DEVICE_GET_CLASS (self)->write_data (self, (const guint8 *) &c, 1) == 1;
}

/**
 * qs_io_device_wait_for_bytes_written: (virtual wait_for_bytes_written)
 * @self: a device
 * @msecs: the most milliseconds to wait, -1 for no limit (Qt's default
 *   for sockets: 30000)
 *
 * Blocks until a payload has been written and
 * [signal@Qs.IODevice::bytes-written] emitted; %FALSE at once when
 * nothing is queued. Qt: `QIODevice::waitForBytesWritten()`.
 *
 * Returns: %TRUE if bytes were written
 *
 * Since: 1.0
 */
gboolean
qs_io_device_wait_for_bytes_written (QsIODevice *self,
                                     int         msecs)
{
  g_return_val_if_fail (is_io_device (self), FALSE);

  return QS_IO_DEVICE_GET_CLASS (self)->wait_for_bytes_written (self, msecs);
}

/**
 * qs_io_device_start_transaction:
 * @self: a device
 *
 * Starts a read transaction: reads from now on can be undone with
 * [method@Qs.IODevice.rollback_transaction]. Qt: `QIODevice::startTransaction()`.
 *
 * Since: 1.0
 */
void
qs_io_device_start_transaction (QsIODevice *self)
{
  QsIODevicePrivate *priv;

  g_return_if_fail (is_io_device (self));

  priv = qs_io_device_get_instance_private (self);
  if (priv->transaction_started)
    {
      warn_device (self, "startTransaction", "Called while transaction already in progress");
      return;
    }
  priv->transaction_pos = 0;
  priv->transaction_started = TRUE;
}

/**
 * qs_io_device_commit_transaction:
 * @self: a device
 *
 * Ends the transaction; the bytes it read are consumed.
 * Qt: `QIODevice::commitTransaction()`.
 *
 * Since: 1.0
 */
void
qs_io_device_commit_transaction (QsIODevice *self)
{
  QsIODevicePrivate *priv;

  g_return_if_fail (is_io_device (self));

  priv = qs_io_device_get_instance_private (self);
  if (!priv->transaction_started)
    {
      warn_device (self, "commitTransaction", "Called while no transaction in progress");
      return;
    }
  _qs_ring_buffer_skip (&priv->read_buffer, priv->transaction_pos);
  reset_transaction (priv);
}

/**
 * qs_io_device_rollback_transaction:
 * @self: a device
 *
 * Ends the transaction; the bytes it read can be read again.
 * Qt: `QIODevice::rollbackTransaction()`.
 *
 * Since: 1.0
 */
void
qs_io_device_rollback_transaction (QsIODevice *self)
{
  QsIODevicePrivate *priv;

  g_return_if_fail (is_io_device (self));

  priv = qs_io_device_get_instance_private (self);
  if (!priv->transaction_started)
    {
      warn_device (self, "rollbackTransaction", "Called while no transaction in progress");
      return;
    }
  reset_transaction (priv);
}

/**
 * qs_io_device_is_transaction_started:
 * @self: a device
 *
 * Qt: `QIODevice::isTransactionStarted()`.
 *
 * Returns: whether a transaction is in progress
 *
 * Since: 1.0
 */
gboolean
qs_io_device_is_transaction_started (QsIODevice *self)
{
  QsIODevicePrivate *priv;

  g_return_val_if_fail (is_io_device (self), FALSE);

  priv = qs_io_device_get_instance_private (self);
  return priv->transaction_started;
}

/**
 * qs_io_device_set_open_mode:
 * @self: a device
 * @mode: the new mode
 *
 * For subclasses: sets the open mode without emitting
 * [signal@Qs.IODevice::about-to-close] or calling virtual methods;
 * applications should not call it. Qt: `QIODevice::setOpenMode()`.
 *
 * Since: 1.0
 */
void
qs_io_device_set_open_mode (QsIODevice *self,
                            QsOpenMode  mode)
{
  QsIODevicePrivate *priv;

  g_return_if_fail (is_io_device (self));

  priv = qs_io_device_get_instance_private (self);
  if (priv->open_mode == mode)
    return;
  priv->open_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN_MODE]);
}

/**
 * qs_io_device_set_error_string:
 * @self: a device
 * @error_string: (nullable): a translated description, or %NULL for
 *   "Unknown error"
 *
 * For subclasses: sets [property@Qs.IODevice:error-string]; applications
 * should not call it. Qt: `QIODevice::setErrorString()`.
 *
 * Since: 1.0
 */
void
qs_io_device_set_error_string (QsIODevice *self,
                               const char *error_string)
{
  QsIODevicePrivate *priv;

  g_return_if_fail (is_io_device (self));

  priv = qs_io_device_get_instance_private (self);
  if (g_strcmp0 (priv->error_string, error_string) == 0)
    return;
  g_free (priv->error_string);
  priv->error_string = g_strdup (error_string);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_STRING]);
}

/**
 * qs_io_device_emit_ready_read:
 * @self: a device
 *
 * For subclasses: emits [signal@Qs.IODevice::ready-read], but never from
 * inside one of its own handlers: as in Qt, data that arrives while a
 * handler runs (say, a nested main loop) is buffered and announced with
 * the next batch. Applications should not call it. Qt: `emit readyRead()`.
 *
 * Since: 1.0
 */
void
qs_io_device_emit_ready_read (QsIODevice *self)
{
  g_return_if_fail (is_io_device (self));

  g_object_ref (self);
  _qs_io_device_emit_ready_read (self);
  g_object_unref (self);
}

/* qs_io_device_emit_ready_read() for the library's readers, which hold a
 * reference already: ready-read is emitted once per batch of bytes. */
void
_qs_io_device_emit_ready_read (QsIODevice *self)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  if (!priv->emitting_ready_read)
    {
      priv->emitting_ready_read = TRUE;
      g_signal_emit (self, signals[SIGNAL_READY_READ], 0);
      priv->emitting_ready_read = FALSE;
    }
  /* Even inside a handler: one may wait for the read in a nested loop. */
  complete_read_if_ready (self);
}

/* The class handler of error-occurred (after the application's
 * handlers): a pending read or write fails with the error, code and
 * string. A read outlives a remote close (REMOTE_HOST_CLOSED is
 * PEER_CLOSED for local sockets): the read-channel-finished that follows
 * ends it with the bytes left. */
static void
on_error_occurred (QsIODevice *self,
                   int         error,
                   gpointer    data)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);
  g_autofree char *message = g_strdup (qs_io_device_get_error_string (self));

  if (error != QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR)
    _qs_async_op_fail (&priv->read_op, QS_SOCKET_ERROR, error, message);
  _qs_async_op_fail (&priv->write_op, QS_SOCKET_ERROR, error, message);
}

/* A subclass's write_data failed without error-occurred: a pending
 * write_all_async fails with the subclass's own error code (in
 * QS_SOCKET_ERROR, as on_error_occurred) and the error string. */
void
_qs_io_device_fail_write (QsIODevice *self,
                          int         error)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  _qs_async_op_fail (&priv->write_op, QS_SOCKET_ERROR, error,
                     qs_io_device_get_error_string (self));
}

static guint
new_enum_signal (const char *name,
                 GType       type,
                 GType       enum_type,
                 GCallback   class_handler)
{
  guint id = g_signal_new_class_handler (name, type, G_SIGNAL_RUN_LAST, class_handler,
                                         NULL, NULL, g_cclosure_marshal_VOID__ENUM,
                                         G_TYPE_NONE, 1, enum_type);

  g_signal_set_va_marshaller (id, type, g_cclosure_marshal_VOID__ENUMv);
  return id;
}

void
_qs_io_device_new_connection_signals (GType  type,
                                      GType  state_type,
                                      GType  error_type,
                                      guint *connected,
                                      guint *disconnected,
                                      guint *state_changed,
                                      guint *error_occurred)
{
  *connected = g_signal_new ("connected", type, G_SIGNAL_RUN_LAST,
                             0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  *disconnected = g_signal_new ("disconnected", type, G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  *state_changed = new_enum_signal ("state-changed", type, state_type, NULL);
  *error_occurred = new_enum_signal ("error-occurred", type, error_type,
                                     G_CALLBACK (on_error_occurred));
}

static gboolean
on_async_op_cancelled (GCancellable *cancellable,
                       gpointer      user_data)
{
  QsAsyncOp *op = user_data;
  void (*on_cancel) (gpointer source_object) = op->on_cancel;
  GTask *task = _qs_async_op_end (op);
  GError *error = NULL;

  if (on_cancel != NULL)
    on_cancel (g_task_get_source_object (task));
  g_cancellable_set_error_if_cancelled (cancellable, &error);
  g_task_return_error (task, error);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* Starts @op as GIO's async calls do: a second call while one is pending
 * completes with G_IO_ERROR_PENDING, a call with @cancellable already
 * cancelled with G_IO_ERROR_CANCELLED (both from an idle, never before
 * this returns); then returns the pending task, NULL otherwise. A later
 * cancel ends the task with G_IO_ERROR_CANCELLED from a source on the
 * context that is thread-default now, after @on_cancel ran. */
GTask *
_qs_async_op_begin (QsAsyncOp          *op,
                    gpointer            source_object,
                    int                 io_priority,
                    GCancellable       *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer            user_data,
                    gpointer            source_tag,
                    void              (*on_cancel) (gpointer source_object))
{
  GTask *task;

  if (op->task != NULL)
    {
      g_task_report_new_error (source_object, callback, user_data, source_tag,
                               G_IO_ERROR, G_IO_ERROR_PENDING, "%s",
                               _("Another call of this kind is still pending"));
      return NULL;
    }

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_priority (task, io_priority);
  /* The result says what happened: bytes read are never dropped. */
  g_task_set_check_cancellable (task, FALSE);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return NULL;
    }

  op->task = task;
  op->on_cancel = on_cancel;
  if (cancellable != NULL)
    {
      op->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_static_name (op->cancel_source, "[qsock] async call cancelled");
      g_source_set_priority (op->cancel_source, io_priority);
      g_source_set_callback (op->cancel_source, G_SOURCE_FUNC (on_async_op_cancelled), op, NULL);
      g_source_attach (op->cancel_source, g_task_get_context (task));
    }
  return task;
}

/* (transfer full) (nullable): the pending task of @op, which is no longer
 * pending; its cancellable is no longer watched. */
GTask *
_qs_async_op_end (QsAsyncOp *op)
{
  if (op->cancel_source != NULL)
    {
      g_source_destroy (op->cancel_source);
      g_clear_pointer (&op->cancel_source, g_source_unref);
    }
  op->on_cancel = NULL;
  return g_steal_pointer (&op->task);
}

/* Ends @op, if pending, with an error. */
void
_qs_async_op_fail (QsAsyncOp  *op,
                   GQuark      domain,
                   int         code,
                   const char *message)
{
  GTask *task = _qs_async_op_end (op);

  if (task == NULL)
    return;
  g_task_return_new_error (task, domain, code, "%s", message);
  g_object_unref (task);
}

/* An asynchronous call on a device not open for @mode completes with
 * G_IO_ERROR_CLOSED (from an idle); returns TRUE then. */
static gboolean
report_not_open (QsIODevice         *self,
                 QsOpenMode          mode,
                 const char         *message,
                 GAsyncReadyCallback callback,
                 gpointer            user_data,
                 gpointer            source_tag)
{
  QsIODevicePrivate *priv = qs_io_device_get_instance_private (self);

  if (priv->open_mode & mode)
    return FALSE;
  g_task_report_new_error (self, callback, user_data, source_tag,
                           G_IO_ERROR, G_IO_ERROR_CLOSED, "%s", message);
  return TRUE;
}

/**
 * qs_io_device_read_async:
 * @self: a device
 * @count: how many bytes to read; 0 reads to the end of the stream
 * @io_priority: the priority of the call (`G_PRIORITY_DEFAULT`)
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the bytes are there
 * @user_data: (closure): data for @callback
 *
 * Waits until exactly @count bytes are buffered, or until the end of the
 * stream (then fewer, maybe none: a remote close ends a read, it does not
 * fail it), and reads them out of the device; get them with
 * [method@Qs.IODevice.read_finish]. With @count 0 it reads everything up
 * to the end of the stream.
 *
 * The bytes are consumed when the call completes, which happens after the
 * handlers of [signal@Qs.IODevice::ready-read] ran; nothing is consumed by
 * a call that fails or is cancelled. It fails when the device is closed
 * (`G_IO_ERROR_CLOSED`) or reports an error (in `QS_SOCKET_ERROR`, the
 * code of [signal@Qs.AbstractSocket::error-occurred]); a second read while
 * one is pending fails with `G_IO_ERROR_PENDING`. @callback runs on the
 * main context that is thread-default now. Beyond Qt.
 *
 * Since: 1.0
 */
void
qs_io_device_read_async (QsIODevice         *self,
                         gsize               count,
                         int                 io_priority,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  QsIODevicePrivate *priv;
  GTask *task;

  g_return_if_fail (is_io_device (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (count <= G_MAXINT64);

  priv = qs_io_device_get_instance_private (self);
  if (report_not_open (self, QS_OPEN_MODE_READ_ONLY, _("Device not open for reading"),
                       callback, user_data, qs_io_device_read_async))
    return;
  task = _qs_async_op_begin (&priv->read_op, self, io_priority, cancellable,
                             callback, user_data, qs_io_device_read_async, NULL);
  if (task == NULL)
    return;
  g_task_set_task_data (task, GSIZE_TO_POINTER (count), NULL);

  g_object_ref (self);
  complete_read_if_ready (self);
  g_object_unref (self);
}

/**
 * qs_io_device_read_finish:
 * @self: a device
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Qs.IODevice.read_async].
 *
 * Returns: (transfer full): the bytes read, consumed from the device, or
 *   %NULL with @error set (`G_IO_ERROR_CANCELLED` when cancelled)
 *
 * Since: 1.0
 */
GBytes *
qs_io_device_read_finish (QsIODevice   *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (is_io_device (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, qs_io_device_read_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * qs_io_device_write_all_async:
 * @self: a device
 * @data: the bytes to write
 * @io_priority: the priority of the call (`G_PRIORITY_DEFAULT`)
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the bytes are written
 * @user_data: (closure): data for @callback
 *
 * Queues @data as [method@Qs.IODevice.write_bytes] does and completes
 * when every one of its bytes has left the write buffer (after the
 * handlers of the [signal@Qs.IODevice::bytes-written] that announces the
 * last of them); get the outcome with
 * [method@Qs.IODevice.write_all_finish].
 *
 * It fails when the device cannot take the bytes or reports an error
 * (in `QS_SOCKET_ERROR`, the code of the socket's error, or
 * `QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR` for a device that is not a
 * socket), or when the
 * connection ends with bytes of @data unsent (`G_IO_ERROR_CLOSED`); a
 * second write while one is pending fails with `G_IO_ERROR_PENDING`.
 * Cancelling ends the wait with `G_IO_ERROR_CANCELLED`; the bytes stay
 * queued and are still sent. @callback runs on the main context that is
 * thread-default now. Beyond Qt.
 *
 * Since: 1.0
 */
void
qs_io_device_write_all_async (QsIODevice         *self,
                              GBytes             *data,
                              int                 io_priority,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  QsIODevicePrivate *priv;
  WriteProgress *progress;
  GTask *task;

  g_return_if_fail (is_io_device (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  priv = qs_io_device_get_instance_private (self);
  if (report_not_open (self, QS_OPEN_MODE_WRITE_ONLY, _("Device not open for writing"),
                       callback, user_data, qs_io_device_write_all_async))
    return;
  task = _qs_async_op_begin (&priv->write_op, self, io_priority, cancellable,
                             callback, user_data, qs_io_device_write_all_async, NULL);
  if (task == NULL)
    return;
  progress = g_new0 (WriteProgress, 1);
  progress->ahead = MAX (qs_io_device_bytes_to_write (self), 0);
  progress->size = g_bytes_get_size (data);
  g_task_set_task_data (task, progress, g_free);

  g_object_ref (self);
  /* A datagram socket sends at once: bytes-written may end the call here,
   * and a failed send with the socket's error (_qs_io_device_fail_write);
   * other devices have no code of their own. */
  if (progress->size > 0 && qs_io_device_write_bytes (self, data) < 0)
    _qs_io_device_fail_write (self, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  else
    complete_write_if_done (self);
  g_object_unref (self);
}

/**
 * qs_io_device_write_all_finish:
 * @self: a device
 * @result: the result given to the callback
 * @bytes_written: (out) (optional): how many bytes of the data left the
 *   write buffer, also on failure
 * @error: return location for an error
 *
 * Finishes [method@Qs.IODevice.write_all_async].
 *
 * Returns: %TRUE when every byte was written; %FALSE with @error set in
 *   `QS_SOCKET_ERROR` or `G_IO_ERROR` (`G_IO_ERROR_CANCELLED` when
 *   cancelled)
 *
 * Since: 1.0
 */
gboolean
qs_io_device_write_all_finish (QsIODevice   *self,
                               GAsyncResult *result,
                               gsize        *bytes_written,
                               GError      **error)
{
  WriteProgress *progress;

  g_return_val_if_fail (is_io_device (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, qs_io_device_write_all_async), FALSE);

  progress = g_task_get_task_data (G_TASK (result));
  if (bytes_written != NULL)
    *bytes_written = progress ? progress->written : 0;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * qs_io_device_as_gio_stream:
 * @self: a device
 *
 * Gives the device as a [class@Gio.IOStream], for code written for GIO:
 * [class@Gio.DataInputStream], [method@Gio.OutputStream.splice],
 * libsoup's `soup_server_accept_iostream()`, a
 * [iface@Gio.TlsClientConnection] on top of it.
 *
 * The view shares the device's buffers. Its input stream reads the read
 * buffer, its output stream appends to the write buffer, both are
 * [iface@Gio.PollableInputStream] and [iface@Gio.PollableOutputStream],
 * and the application may go on reading and writing the device directly:
 * no byte is lost or read twice. A read that finds nothing buffered
 * would block (`G_IO_ERROR_WOULD_BLOCK` from the non-blocking calls);
 * once the device's read channel has finished and the buffer is drained
 * it returns 0, the end of the stream. A write is accepted (whole) while
 * fewer than 256 KiB wait in the write buffer and would block beyond
 * that, until [signal@Qs.IODevice::bytes-written] brings it under again.
 * Errors are in the `G_IO_ERROR` domain with the device's error string;
 * on a device that is not open, reads and writes fail with
 * `G_IO_ERROR_CLOSED`.
 * The sources of the pollable streams become ready on the device's
 * signals and are attached to the context that is thread-default for the
 * caller, as GIO's are. The blocking calls wait with
 * [method@Qs.IODevice.wait_for_ready_read] and
 * [method@Qs.IODevice.wait_for_bytes_written]; their cancellable is only
 * checked before each wait.
 *
 * Closing the view ([method@Gio.IOStream.close]) closes the device (a
 * socket still sends what is queued, as after
 * [method@Qs.IODevice.close]). Dropping the last reference to the view
 * does not: the view keeps a reference to the device, not the other way
 * round. While the view exists, every call returns it again. Use it from
 * the device's thread only. Beyond Qt.
 *
 * Returns: (transfer full): the device's view
 *
 * Since: 1.0
 */
GIOStream *
qs_io_device_as_gio_stream (QsIODevice *self)
{
  QsIODevicePrivate *priv;

  g_return_val_if_fail (is_io_device (self), NULL);

  priv = qs_io_device_get_instance_private (self);
  if (priv->gio_stream != NULL)
    return g_object_ref (priv->gio_stream);
  priv->gio_stream = _qs_io_stream_new (self);
  g_object_add_weak_pointer (G_OBJECT (priv->gio_stream), (gpointer *) &priv->gio_stream);
  return priv->gio_stream;
}
