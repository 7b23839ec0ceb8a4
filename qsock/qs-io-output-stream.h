/* qs-io-output-stream.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The output half of a QsIODevice's GIOStream view: a
 * GPollableOutputStream that appends to the device's write buffer.
 */

#pragma once

#include "qs-io-device.h"

G_BEGIN_DECLS

#define QS_TYPE_IO_OUTPUT_STREAM (_qs_io_output_stream_get_type ())

/* A write is accepted while fewer bytes than this wait in the device's
 * write buffer; beyond it the stream would block (backpressure). */
#define QS_IO_OUTPUT_STREAM_WRITE_LIMIT (256 * 1024)

G_DECLARE_FINAL_TYPE (QsIOOutputStream, _qs_io_output_stream, QS, IO_OUTPUT_STREAM, GOutputStream)

GOutputStream *_qs_io_output_stream_new (QsIODevice *device);

G_END_DECLS
