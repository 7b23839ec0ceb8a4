/* qs-io-input-stream.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The input half of a QsIODevice's GIOStream view: a
 * GPollableInputStream that reads the device's read buffer.
 */

#pragma once

#include "qs-io-device.h"

G_BEGIN_DECLS

#define QS_TYPE_IO_INPUT_STREAM (_qs_io_input_stream_get_type ())

G_DECLARE_FINAL_TYPE (QsIOInputStream, _qs_io_input_stream, QS, IO_INPUT_STREAM, GInputStream)

GInputStream *_qs_io_input_stream_new (QsIODevice *device);

G_END_DECLS
