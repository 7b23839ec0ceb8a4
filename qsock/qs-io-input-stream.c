/* qs-io-input-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input half of a QsIODevice's GIOStream view. It reads straight out
 * of the device's read buffer with qs_io_device_read() (one copy, into
 * the caller's buffer, as any read), so bytes read through the view and
 * bytes read from the device directly are never lost or seen twice.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qs-io-device-private.h"
#include "qs-io-input-stream.h"
#include "qs-io-stream.h"

struct _QsIOInputStream
{
  GInputStream parent_instance;
  QsIODevice  *device;   /* (owned) */
};

static void pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QsIOInputStream, _qs_io_input_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      pollable_iface_init))

/* Reads what is buffered; 0 at the end of the stream (the read channel
 * finished and the buffer is drained), QS_IO_STREAM_WOULD_BLOCK while
 * the device is open and nothing is buffered yet, -1 with @error set
 * when the device is not open for reading. */
static gssize
read_buffered (gpointer half,
               gpointer buffer,
               gsize    count,
               GError **error)
{
  QsIODevice *device = QS_IO_INPUT_STREAM (half)->device;

  if (!qs_io_device_is_readable (device))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("Device not open for reading"));
      return -1;
    }
  if (count == 0)
    return 0;
  if (qs_io_device_bytes_available (device) > 0)
    return qs_io_device_read (device, buffer, MIN (count, G_MAXSSIZE));
  if (_qs_io_device_get_read_channel_finished (device))
    return 0;
  return QS_IO_STREAM_WOULD_BLOCK;
}

/* GInputStream's blocking read. */
static gssize
qs_io_input_stream_read (GInputStream *stream,
                         void         *buffer,
                         gsize         count,
                         GCancellable *cancellable,
                         GError      **error)
{
  return _qs_io_stream_transfer (stream, QS_IO_INPUT_STREAM (stream)->device, read_buffered,
                                 qs_io_device_wait_for_ready_read, buffer, count, TRUE,
                                 cancellable, error);
}

static gboolean
qs_io_input_stream_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

/* Readable when a read would not block: bytes are buffered, the stream
 * ended, or the device is closed (the read reports it). */
static gboolean
qs_io_input_stream_is_readable (GPollableInputStream *stream)
{
  QsIODevice *device = QS_IO_INPUT_STREAM (stream)->device;

  return !qs_io_device_is_readable (device) ||
         qs_io_device_bytes_available (device) > 0 ||
         _qs_io_device_get_read_channel_finished (device);
}

static GSource *
qs_io_input_stream_create_source (GPollableInputStream *stream,
                                  GCancellable         *cancellable)
{
  return _qs_io_stream_device_source_new (G_OBJECT (stream), QS_IO_INPUT_STREAM (stream)->device,
                                          cancellable);
}

static gssize
qs_io_input_stream_read_nonblocking (GPollableInputStream *stream,
                                     void                 *buffer,
                                     gsize                 count,
                                     GError              **error)
{
  return _qs_io_stream_transfer (stream, QS_IO_INPUT_STREAM (stream)->device, read_buffered,
                                 qs_io_device_wait_for_ready_read, buffer, count, FALSE,
                                 NULL, error);
}

static void
pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = qs_io_input_stream_can_poll;
  iface->is_readable = qs_io_input_stream_is_readable;
  iface->create_source = qs_io_input_stream_create_source;
  iface->read_nonblocking = qs_io_input_stream_read_nonblocking;
}

static void
qs_io_input_stream_finalize (GObject *object)
{
  g_clear_object (&QS_IO_INPUT_STREAM (object)->device);

  G_OBJECT_CLASS (_qs_io_input_stream_parent_class)->finalize (object);
}

static void
_qs_io_input_stream_class_init (QsIOInputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = qs_io_input_stream_finalize;
  stream_class->read_fn = qs_io_input_stream_read;
}

static void
_qs_io_input_stream_init (QsIOInputStream *self)
{
}

/* (transfer full): the input half of @device's view; it holds a
 * reference to @device and never closes it. */
GInputStream *
_qs_io_input_stream_new (QsIODevice *device)
{
  QsIOInputStream *self = g_object_new (QS_TYPE_IO_INPUT_STREAM, NULL);

  self->device = g_object_ref (device);
  return G_INPUT_STREAM (self);
}
