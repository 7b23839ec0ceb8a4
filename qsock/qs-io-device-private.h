/* qs-io-device-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. What QsIODevice subclasses inside the library (and
 * the stream pump) use to reach the device's buffers and emit its
 * signals with the re-entrancy rules of DESIGN.md.
 */

#pragma once

#include "qs-io-device.h"
#include "qs-ring-buffer.h"

G_BEGIN_DECLS

QsRingBuffer *_qs_io_device_get_read_buffer          (QsIODevice *self);
QsRingBuffer *_qs_io_device_get_write_buffer         (QsIODevice *self);
gboolean      _qs_io_device_is_readable_unchecked    (QsIODevice *self);
gboolean      _qs_io_device_emit_bytes_written       (QsIODevice *self,
                                                      gint64      bytes);
void          _qs_io_device_emit_read_channel_finished (QsIODevice *self);
gboolean      _qs_io_device_get_read_channel_finished (QsIODevice *self);
void          _qs_io_device_emit_ready_read          (QsIODevice *self);
void          _qs_io_device_init_i18n                (void);
void          _qs_io_device_fail_write               (QsIODevice *self,
                                                      int         error);

/* One pending asynchronous call of a kind (a read, a write, a connect):
 * its task and the source that watches its cancellable on the context
 * that was thread-default at call time. At most one per kind. */
typedef struct
{
  GTask   *task;                             /* (owned) (nullable) */
  GSource *cancel_source;                    /* (owned) (nullable) */
  void   (*on_cancel) (gpointer source_object); /* (nullable) */
} QsAsyncOp;

GTask        *_qs_async_op_begin                     (QsAsyncOp          *op,
                                                      gpointer            source_object,
                                                      int                 io_priority,
                                                      GCancellable       *cancellable,
                                                      GAsyncReadyCallback callback,
                                                      gpointer            user_data,
                                                      gpointer            source_tag,
                                                      void              (*on_cancel) (gpointer source_object));
GTask        *_qs_async_op_end                       (QsAsyncOp          *op);
void          _qs_async_op_fail                      (QsAsyncOp          *op,
                                                      GQuark              domain,
                                                      int                 code,
                                                      const char         *message);

/* The connection signals QsAbstractSocket and QsLocalSocket share by name
 * and shape: connected, disconnected, state-changed and error-occurred,
 * the last two with the class's own state and error enums. Each class
 * documents them. */
void          _qs_io_device_new_connection_signals   (GType       type,
                                                      GType       state_type,
                                                      GType       error_type,
                                                      guint      *connected,
                                                      guint      *disconnected,
                                                      guint      *state_changed,
                                                      guint      *error_occurred);

G_END_DECLS
