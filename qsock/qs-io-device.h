/* qs-io-device.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsIODevice: the buffered, sequential byte-device base class of qsock
 * (Qt's QIODevice).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "qs-enums.h"
#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_IO_DEVICE (qs_io_device_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (QsIODevice, qs_io_device, QS, IO_DEVICE, GObject)

/**
 * QsIODeviceClass:
 * @parent_class: the parent class
 * @open: opens the device; the default sets the mode and returns %TRUE
 * @close: closes the device; the default emits [signal@Qs.IODevice::about-to-close],
 *   drops the read buffer and sets %QS_OPEN_MODE_NOT_OPEN
 * @is_sequential: whether the device is sequential; the default returns %TRUE
 * @at_end: whether no more data can be read right now
 * @bytes_available: bytes that can be read; the default counts the read buffer
 * @bytes_to_write: bytes still to be written; the default counts the write buffer
 * @can_read_line: whether a whole line can be read
 * @read_data: reads from the underlying device (Qt's `readData`); returns the
 *   bytes read or -1 at the end of the stream
 * @read_line_data: reads a line from the underlying device (Qt's `readLineData`)
 * @skip_data: skips bytes of the underlying device (Qt's `skipData`)
 * @write_data: writes to the underlying device (Qt's `writeData`); returns
 *   the bytes accepted or -1
 * @wait_for_ready_read: blocks until new data can be read
 * @wait_for_bytes_written: blocks until a payload of data has been written
 *
 * The virtual methods of [class@Qs.IODevice].
 *
 * Since: 1.0
 */
struct _QsIODeviceClass
{
  GObjectClass parent_class;

  gboolean (*open)                   (QsIODevice   *self,
                                      QsOpenMode    mode);
  void     (*close)                  (QsIODevice   *self);
  gboolean (*is_sequential)          (QsIODevice   *self);
  gboolean (*at_end)                 (QsIODevice   *self);
  gint64   (*bytes_available)        (QsIODevice   *self);
  gint64   (*bytes_to_write)         (QsIODevice   *self);
  gboolean (*can_read_line)          (QsIODevice   *self);
  gint64   (*read_data)              (QsIODevice   *self,
                                      guint8       *data,
                                      gsize         max_size);
  gint64   (*read_line_data)         (QsIODevice   *self,
                                      guint8       *data,
                                      gsize         max_size);
  gint64   (*skip_data)              (QsIODevice   *self,
                                      gint64        max_size);
  gint64   (*write_data)             (QsIODevice   *self,
                                      const guint8 *data,
                                      gsize         size);
  gboolean (*wait_for_ready_read)    (QsIODevice   *self,
                                      int           msecs);
  gboolean (*wait_for_bytes_written) (QsIODevice   *self,
                                      int           msecs);

  /*< private >*/
  gpointer padding[12];
};

/* Opening, closing, state */
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_open                   (QsIODevice   *self,
                                                 QsOpenMode    mode);
QS_AVAILABLE_IN_ALL
void        qs_io_device_close                  (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_is_open                (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_is_readable            (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_is_writable            (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
QsOpenMode  qs_io_device_get_open_mode          (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_is_sequential          (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_at_end                 (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gint64      qs_io_device_bytes_available        (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gint64      qs_io_device_bytes_to_write         (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_can_read_line          (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
const char *qs_io_device_get_error_string       (QsIODevice   *self);

/* Reading */
QS_AVAILABLE_IN_ALL
gint64      qs_io_device_read                   (QsIODevice   *self,
                                                 guint8       *data,
                                                 gsize         max_size);
QS_AVAILABLE_IN_ALL
GBytes     *qs_io_device_read_bytes             (QsIODevice   *self,
                                                 gsize         max_size);
QS_AVAILABLE_IN_ALL
const guint8 *qs_io_device_read_borrowed        (QsIODevice   *self,
                                                 gsize         max_size,
                                                 gsize        *size);
QS_AVAILABLE_IN_ALL
GBytes     *qs_io_device_read_all               (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gint64      qs_io_device_peek                   (QsIODevice   *self,
                                                 guint8       *data,
                                                 gsize         max_size);
QS_AVAILABLE_IN_ALL
GBytes     *qs_io_device_peek_bytes             (QsIODevice   *self,
                                                 gsize         max_size);
QS_AVAILABLE_IN_ALL
gint64      qs_io_device_read_line              (QsIODevice   *self,
                                                 guint8       *data,
                                                 gsize         max_size);
QS_AVAILABLE_IN_ALL
GBytes     *qs_io_device_read_line_bytes        (QsIODevice   *self,
                                                 gsize         max_size);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_get_char               (QsIODevice   *self,
                                                 gchar        *c);
QS_AVAILABLE_IN_ALL
void        qs_io_device_unget_char             (QsIODevice   *self,
                                                 gchar         c);
QS_AVAILABLE_IN_ALL
gint64      qs_io_device_skip                   (QsIODevice   *self,
                                                 gint64        max_size);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_wait_for_ready_read    (QsIODevice   *self,
                                                 int           msecs);

/* Writing */
QS_AVAILABLE_IN_ALL
gint64      qs_io_device_write                  (QsIODevice   *self,
                                                 const guint8 *data,
                                                 gsize         size);
QS_AVAILABLE_IN_ALL
gint64      qs_io_device_write_bytes            (QsIODevice   *self,
                                                 GBytes       *data);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_put_char               (QsIODevice   *self,
                                                 gchar         c);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_wait_for_bytes_written (QsIODevice   *self,
                                                 int           msecs);

/* Transactions */
QS_AVAILABLE_IN_ALL
void        qs_io_device_start_transaction      (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
void        qs_io_device_commit_transaction     (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
void        qs_io_device_rollback_transaction   (QsIODevice   *self);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_is_transaction_started (QsIODevice   *self);

/* For subclasses (Qt protected) */
QS_AVAILABLE_IN_ALL
void        qs_io_device_set_open_mode          (QsIODevice   *self,
                                                 QsOpenMode    mode);
QS_AVAILABLE_IN_ALL
void        qs_io_device_set_error_string       (QsIODevice   *self,
                                                 const char   *error_string);
QS_AVAILABLE_IN_ALL
void        qs_io_device_emit_ready_read        (QsIODevice   *self);

/* Beyond Qt */
QS_AVAILABLE_IN_ALL
void        qs_io_device_read_async             (QsIODevice          *self,
                                                 gsize                count,
                                                 int                  io_priority,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
QS_AVAILABLE_IN_ALL
GBytes     *qs_io_device_read_finish            (QsIODevice          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
QS_AVAILABLE_IN_ALL
void        qs_io_device_write_all_async        (QsIODevice          *self,
                                                 GBytes              *data,
                                                 int                  io_priority,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
QS_AVAILABLE_IN_ALL
gboolean    qs_io_device_write_all_finish       (QsIODevice          *self,
                                                 GAsyncResult        *result,
                                                 gsize               *bytes_written,
                                                 GError             **error);
QS_AVAILABLE_IN_ALL
GIOStream  *qs_io_device_as_gio_stream          (QsIODevice          *self);

G_END_DECLS
