/* qs-io-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The GIOStream view of a QsIODevice: it pairs the device's input and
 * output stream halves, closes the device when it is closed, and holds
 * what both halves share (error mapping, the source that turns the
 * device's signals into pollable readiness).
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "qs-enums.h"
#include "qs-io-device-private.h"
#include "qs-io-input-stream.h"
#include "qs-io-output-stream.h"
#include "qs-io-stream.h"

struct _QsIOStream
{
  GIOStream      parent_instance;
  QsIODevice    *device;        /* (owned) */
  GInputStream  *input_stream;  /* (owned) */
  GOutputStream *output_stream; /* (owned) */
  gboolean       disposing;
};

G_DEFINE_FINAL_TYPE (QsIOStream, _qs_io_stream, G_TYPE_IO_STREAM)

static GInputStream *
qs_io_stream_get_input_stream (GIOStream *stream)
{
  return QS_IO_STREAM (stream)->input_stream;
}

static GOutputStream *
qs_io_stream_get_output_stream (GIOStream *stream)
{
  return QS_IO_STREAM (stream)->output_stream;
}

/* Closes both halves (which leave the device alone), then the device;
 * queued bytes still go out, as after qs_io_device_close(). Dropping the
 * last reference to the view closes nothing: the device belongs to the
 * application, which may go on using it, and a half may live on in a
 * consumer (a GDataInputStream made on a view that was then dropped). */
static gboolean
qs_io_stream_close (GIOStream    *stream,
                    GCancellable *cancellable,
                    GError      **error)
{
  QsIOStream *self = QS_IO_STREAM (stream);
  gboolean ok;

  if (self->disposing)
    return TRUE;
  ok = G_IO_STREAM_CLASS (_qs_io_stream_parent_class)->close_fn (stream, cancellable, error);
  qs_io_device_close (self->device);
  return ok;
}

/* Closing never blocks, so it runs at once, in this thread (GIO's
 * default would run it in a worker thread, and the device is not
 * thread-safe). */
static void
qs_io_stream_close_async (GIOStream          *stream,
                          int                 io_priority,
                          GCancellable       *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer            user_data)
{
  g_autoptr (GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, qs_io_stream_close_async);
  g_task_set_priority (task, io_priority);
  if (qs_io_stream_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
qs_io_stream_close_finish (GIOStream    *stream,
                           GAsyncResult *result,
                           GError      **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
qs_io_stream_dispose (GObject *object)
{
  QsIOStream *self = QS_IO_STREAM (object);

  /* GIOStream's dispose closes the stream: a close that does nothing. */
  self->disposing = TRUE;
  G_OBJECT_CLASS (_qs_io_stream_parent_class)->dispose (object);
}

static void
qs_io_stream_finalize (GObject *object)
{
  QsIOStream *self = QS_IO_STREAM (object);

  g_clear_object (&self->input_stream);
  g_clear_object (&self->output_stream);
  g_clear_object (&self->device);

  G_OBJECT_CLASS (_qs_io_stream_parent_class)->finalize (object);
}

static void
_qs_io_stream_class_init (QsIOStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  _qs_io_device_init_i18n ();

  object_class->dispose = qs_io_stream_dispose;
  object_class->finalize = qs_io_stream_finalize;
  stream_class->get_input_stream = qs_io_stream_get_input_stream;
  stream_class->get_output_stream = qs_io_stream_get_output_stream;
  stream_class->close_fn = qs_io_stream_close;
  stream_class->close_async = qs_io_stream_close_async;
  stream_class->close_finish = qs_io_stream_close_finish;
}

static void
_qs_io_stream_init (QsIOStream *self)
{
}

/* (transfer full): a new view of @device, holding a reference to it. */
GIOStream *
_qs_io_stream_new (QsIODevice *device)
{
  QsIOStream *self = g_object_new (QS_TYPE_IO_STREAM, NULL);

  self->device = g_object_ref (device);
  self->input_stream = _qs_io_input_stream_new (device);
  self->output_stream = _qs_io_output_stream_new (device);
  return G_IO_STREAM (self);
}

/* The G_IO_ERROR code for the code of a socket's "error" property; the
 * values of QsLocalSocketError that matter here are the same. */
static GIOErrorEnum
io_error_from_socket_error (int          code,
                            GIOErrorEnum fallback)
{
  switch (code)
    {
    case QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR:
      return G_IO_ERROR_CONNECTION_REFUSED;
    case QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR:
      return G_IO_ERROR_CONNECTION_CLOSED;
    case QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR:
      return G_IO_ERROR_HOST_NOT_FOUND;
    case QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR:
      return G_IO_ERROR_PERMISSION_DENIED;
    case QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR:
      return G_IO_ERROR_TIMED_OUT;
    case QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR:
      return G_IO_ERROR_NOT_SUPPORTED;
    default:
      return fallback;
    }
}

/* Sets @error in G_IO_ERROR from the device's error: the code from its
 * "error" property when it has one (sockets), else @fallback; the
 * message is the device's error string. */
void
_qs_io_stream_set_error (QsIODevice   *device,
                         GIOErrorEnum  fallback,
                         GError      **error)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (device), "error");
  GIOErrorEnum code = fallback;

  if (pspec != NULL && G_IS_PARAM_SPEC_ENUM (pspec))
    {
      GValue value = G_VALUE_INIT;

      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (device), "error", &value);
      code = io_error_from_socket_error (g_value_get_enum (&value), fallback);
      g_value_unset (&value);
    }
  g_set_error_literal (error, G_IO_ERROR, code, qs_io_device_get_error_string (device));
}

/* Runs @step of @half once, or, when @blocking, until it does not
 * would-block, waiting with @wait (the device's wait_for_ready_read or
 * wait_for_bytes_written, which poll only its own descriptor) between
 * attempts; @cancellable is checked before each wait. Non-blocking, a
 * would-block becomes G_IO_ERROR_WOULD_BLOCK. */
gssize
_qs_io_stream_transfer (gpointer       half,
                        QsIODevice    *device,
                        QsIOStreamStep step,
                        gboolean     (*wait) (QsIODevice *device,
                                              int         msecs),
                        gpointer       buffer,
                        gsize          count,
                        gboolean       blocking,
                        GCancellable  *cancellable,
                        GError       **error)
{
  gboolean waited = TRUE;
  gssize n;

  while ((n = step (half, buffer, count, error)) == QS_IO_STREAM_WOULD_BLOCK)
    {
      if (!blocking)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, g_strerror (EAGAIN));
          return -1;
        }
      /* A wait that failed without changing anything: the device's error. */
      if (!waited)
        {
          _qs_io_stream_set_error (device, G_IO_ERROR_FAILED, error);
          return -1;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      waited = wait (device, -1);
    }
  return n;
}

/* The device signals after which a stream may have become readable or
 * writable. "state-changed" only exists on sockets. */
static const char *const wake_signals[] = {
  "ready-read",
  "bytes-written",
  "read-channel-finished",
  "about-to-close",
  "notify::open-mode",
  "state-changed",
};

/* A source that is ready while its stream is (checked in prepare and
 * check) and that the device's signals wake, so that it also works when
 * it is attached to a context other than the device's. */
typedef struct
{
  GSource     source;
  GObject    *pollable;   /* (owned) */
  QsIODevice *device;     /* (owned) */
  gulong      handlers[G_N_ELEMENTS (wake_signals)];
} DeviceSource;

static void
wake_source (GSource *source)
{
  g_source_set_ready_time (source, 0);
}

static gboolean
stream_is_ready (GObject *pollable)
{
  if (G_IS_POLLABLE_INPUT_STREAM (pollable))
    return g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (pollable));
  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (pollable));
}

static gboolean
device_source_prepare (GSource *source,
                       int     *timeout)
{
  DeviceSource *self = (DeviceSource *) source;

  *timeout = -1;
  return stream_is_ready (self->pollable);
}

static gboolean
device_source_check (GSource *source)
{
  DeviceSource *self = (DeviceSource *) source;

  return stream_is_ready (self->pollable);
}

static gboolean
device_source_dispatch (GSource    *source,
                        GSourceFunc callback,
                        gpointer    user_data)
{
  /* Being ready made the parent (the pollable source) ready: it calls
   * the application's callback. */
  g_source_set_ready_time (source, -1);
  return G_SOURCE_CONTINUE;
}

static void
device_source_finalize (GSource *source)
{
  DeviceSource *self = (DeviceSource *) source;

  for (gsize i = 0; i < G_N_ELEMENTS (self->handlers); i++)
    g_clear_signal_handler (&self->handlers[i], self->device);
  g_clear_object (&self->device);
  g_clear_object (&self->pollable);
}

static GSourceFuncs device_source_funcs = {
  device_source_prepare,
  device_source_check,
  device_source_dispatch,
  device_source_finalize,
  NULL,
  NULL,
};

/* (transfer full): the pollable source of @pollable, a stream of
 * @device's view, ready while it is readable (writable); GIO's pollable
 * source with a child that watches the device. */
GSource *
_qs_io_stream_device_source_new (GObject      *pollable,
                                 QsIODevice   *device,
                                 GCancellable *cancellable)
{
  GSource *child = g_source_new (&device_source_funcs, sizeof (DeviceSource));
  DeviceSource *watch = (DeviceSource *) child;
  GSource *source;

  g_source_set_static_name (child, "[qsock] device watch");
  watch->pollable = g_object_ref (pollable);
  watch->device = g_object_ref (device);
  for (gsize i = 0; i < G_N_ELEMENTS (wake_signals); i++)
    {
      guint signal_id;
      GQuark detail;

      if (g_signal_parse_name (wake_signals[i], G_OBJECT_TYPE (device), &signal_id, &detail, TRUE))
        watch->handlers[i] = g_signal_connect_swapped (device, wake_signals[i],
                                                       G_CALLBACK (wake_source), child);
    }

  source = g_pollable_source_new_full (pollable, NULL, cancellable);
  g_source_add_child_source (source, child);
  g_source_unref (child);
  return source;
}
