/* qs-io-stream.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The GIOStream view of a QsIODevice
 * (qs_io_device_as_gio_stream()) and what its two streams share: the
 * mapping of a device's error to a GError and the source that watches
 * the device's signals.
 */

#pragma once

#include "qs-io-device.h"

G_BEGIN_DECLS

#define QS_TYPE_IO_STREAM (_qs_io_stream_get_type ())

G_DECLARE_FINAL_TYPE (QsIOStream, _qs_io_stream, QS, IO_STREAM, GIOStream)

/* Result of the streams' non-blocking helpers when nothing can move yet. */
#define QS_IO_STREAM_WOULD_BLOCK (-2)

GIOStream *_qs_io_stream_new                (QsIODevice   *device);
void       _qs_io_stream_set_error          (QsIODevice   *device,
                                             GIOErrorEnum  fallback,
                                             GError      **error);

/* One attempt of a half: bytes moved, 0 at the end, -1 with @error set,
 * or QS_IO_STREAM_WOULD_BLOCK. */
typedef gssize (*QsIOStreamStep) (gpointer   half,
                                  gpointer   buffer,
                                  gsize      count,
                                  GError   **error);

gssize     _qs_io_stream_transfer           (gpointer       half,
                                             QsIODevice    *device,
                                             QsIOStreamStep step,
                                             gboolean     (*wait) (QsIODevice *device,
                                                                   int         msecs),
                                             gpointer       buffer,
                                             gsize          count,
                                             gboolean       blocking,
                                             GCancellable  *cancellable,
                                             GError       **error);
GSource   *_qs_io_stream_device_source_new  (GObject      *pollable,
                                             QsIODevice   *device,
                                             GCancellable *cancellable);

G_END_DECLS
