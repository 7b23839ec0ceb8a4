/* qs-io-output-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The output half of a QsIODevice's GIOStream view. It appends to the
 * device's write buffer with qs_io_device_write(), in order with the
 * application's own writes; the device sends the bytes as the main loop
 * runs. It would block while QS_IO_OUTPUT_STREAM_WRITE_LIMIT bytes or
 * more wait to be sent, so that a fast producer (a splice) follows the
 * pace of the peer instead of filling memory.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qs-io-output-stream.h"
#include "qs-io-stream.h"

struct _QsIOOutputStream
{
  GOutputStream parent_instance;
  QsIODevice   *device;   /* (owned) */
};

static void pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (QsIOOutputStream, _qs_io_output_stream, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      pollable_iface_init))

static gboolean
over_limit (QsIODevice *device)
{
  return qs_io_device_bytes_to_write (device) >= QS_IO_OUTPUT_STREAM_WRITE_LIMIT;
}

/* Queues all of @buffer; QS_IO_STREAM_WOULD_BLOCK while the write buffer
 * is over the limit, -1 with @error set when the device is not open for
 * writing or refuses the bytes (a socket no longer connected). */
static gssize
write_buffered (gpointer half,
                gpointer buffer,
                gsize    count,
                GError **error)
{
  QsIODevice *device = QS_IO_OUTPUT_STREAM (half)->device;
  gint64 n;

  if (!qs_io_device_is_writable (device))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("Device not open for writing"));
      return -1;
    }
  if (over_limit (device))
    return QS_IO_STREAM_WOULD_BLOCK;
  n = qs_io_device_write (device, buffer, MIN (count, G_MAXSSIZE));
  if (n < 0)
    _qs_io_stream_set_error (device, G_IO_ERROR_NOT_CONNECTED, error);
  return n;
}

/* GOutputStream's blocking write: over the limit it waits until enough
 * bytes left. The buffer is only read (the step type is shared with
 * reading). */
static gssize
qs_io_output_stream_write (GOutputStream *stream,
                           const void    *buffer,
                           gsize          count,
                           GCancellable  *cancellable,
                           GError       **error)
{
  return _qs_io_stream_transfer (stream, QS_IO_OUTPUT_STREAM (stream)->device, write_buffered,
                                 qs_io_device_wait_for_bytes_written, (gpointer) buffer, count,
                                 TRUE, cancellable, error);
}

static gboolean
qs_io_output_stream_can_poll (GPollableOutputStream *stream)
{
  return TRUE;
}

/* Writable when a write would not block: under the limit, or the device
 * is closed (the write reports it). */
static gboolean
qs_io_output_stream_is_writable (GPollableOutputStream *stream)
{
  QsIODevice *device = QS_IO_OUTPUT_STREAM (stream)->device;

  return !qs_io_device_is_writable (device) || !over_limit (device);
}

static GSource *
qs_io_output_stream_create_source (GPollableOutputStream *stream,
                                   GCancellable          *cancellable)
{
  return _qs_io_stream_device_source_new (G_OBJECT (stream), QS_IO_OUTPUT_STREAM (stream)->device,
                                          cancellable);
}

static gssize
qs_io_output_stream_write_nonblocking (GPollableOutputStream *stream,
                                       const void            *buffer,
                                       gsize                  count,
                                       GError               **error)
{
  return _qs_io_stream_transfer (stream, QS_IO_OUTPUT_STREAM (stream)->device, write_buffered,
                                 qs_io_device_wait_for_bytes_written, (gpointer) buffer, count,
                                 FALSE, NULL, error);
}

static void
pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = qs_io_output_stream_can_poll;
  iface->is_writable = qs_io_output_stream_is_writable;
  iface->create_source = qs_io_output_stream_create_source;
  iface->write_nonblocking = qs_io_output_stream_write_nonblocking;
}

static void
qs_io_output_stream_finalize (GObject *object)
{
  g_clear_object (&QS_IO_OUTPUT_STREAM (object)->device);

  G_OBJECT_CLASS (_qs_io_output_stream_parent_class)->finalize (object);
}

static void
_qs_io_output_stream_class_init (QsIOOutputStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = qs_io_output_stream_finalize;
  stream_class->write_fn = qs_io_output_stream_write;
}

static void
_qs_io_output_stream_init (QsIOOutputStream *self)
{
}

/* (transfer full): the output half of @device's view; it holds a
 * reference to @device and never closes it. */
GOutputStream *
_qs_io_output_stream_new (QsIODevice *device)
{
  QsIOOutputStream *self = g_object_new (QS_TYPE_IO_OUTPUT_STREAM, NULL);

  self->device = g_object_ref (device);
  return G_OUTPUT_STREAM (self);
}
