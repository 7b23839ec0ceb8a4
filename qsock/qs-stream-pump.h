/* qs-stream-pump.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The stream pump moves bytes between the socket engine
 * and a QsIODevice's buffers for stream sockets: on readable it receives
 * into the read buffer (at most the read-buffer limit) and emits ready-read
 * once; on writable it sends what is queued in one vectored send, emits
 * bytes-written and stops watching when the queue is empty; it detects the
 * peer's close. It owns no socket and knows nothing of Qt states: the
 * owner (QsAbstractSocket, QsLocalSocket) hears about failures through
 * callbacks and decides what they mean.
 *
 * The seam: the bytes travel through the engine's descriptor (plain, the
 * default) or, once a QsSslSocket has handed over a TLS connection
 * (_qs_stream_pump_set_tls()), through that connection's pollable
 * streams. The plain path tests one pointer per receive and send.
 */

#pragma once

#include "qs-fd-channel.h"
#include "qs-io-device.h"
#include "qs-ring-buffer.h"
#include "qs-socket-engine.h"

G_BEGIN_DECLS

typedef struct
{
  /* Reading hit the end of the stream (REMOTE_HOST_CLOSED_ERROR) or an
   * error; no ready-read is pending for it. */
  void (*read_failed)  (gpointer       owner,
                        QsSocketError  error,
                        const char    *message);
  /* Like read_failed, for the end of the stream that the TLS peer
   * announced (close_notify); NULL for owners without TLS. */
  void (*tls_closed)   (gpointer       owner,
                        QsSocketError  error,
                        const char    *message);
  /* Sending failed. */
  void (*write_failed) (gpointer       owner,
                        QsSocketError  error,
                        const char    *message);
  /* Bytes left the write buffer (bytes-written was emitted). */
  void (*written)      (gpointer       owner);
  /* A blocking wait reached its deadline: the owner reports its timeout
   * error (Qt emits it). */
  void (*timed_out)    (gpointer       owner);
  /* Whether the owner is (still) connected: the blocking waits stop
   * when it is not. */
  gboolean (*is_connected) (gpointer   owner);
} QsStreamPumpCallbacks;

typedef struct
{
  QsIODevice                  *device;     /* (unowned): the owner's device */
  QsRingBuffer                *read_buffer;  /* (unowned): the device's */
  QsRingBuffer                *write_buffer; /* (unowned): the device's */
  QsSocketEngine              *engine;     /* (unowned) (nullable): attached engine */
  int                          fd;         /* the engine's descriptor; -1 when none */
  const QsStreamPumpCallbacks *callbacks;
  gpointer                     owner;
  gint64                       read_limit; /* 0: unlimited */
  gboolean                     reading;    /* the read side wants data */
  gboolean                     write_blocked; /* the last send was short or refused */

  /* TLS (nullable: plain). While tls_ready is FALSE (handshake running)
   * nothing is read or sent: plaintext must not leave in clear. */
  GIOStream                   *tls;        /* (owned) (nullable) */
  GPollableInputStream        *tls_input;  /* (unowned) (nullable): tls's */
  GPollableOutputStream       *tls_output; /* (unowned) (nullable): tls's */
  GSource                     *tls_wake;   /* (owned) (nullable): reads what TLS holds */
  char                        *tls_error;  /* (owned) (nullable): the last TLS failure */
  gboolean                     tls_ready;
  gboolean                     tls_pending; /* TLS may hold plaintext the descriptor will not announce */

  QsFdChannel                 *fds;        /* (unowned) (nullable): descriptors ride the
                                            * stream (local sockets); set by the owner */
} QsStreamPump;

void         _qs_stream_pump_init           (QsStreamPump                *self,
                                             QsIODevice                  *device,
                                             const QsStreamPumpCallbacks *callbacks,
                                             gpointer                     owner);
void         _qs_stream_pump_attach         (QsStreamPump                *self,
                                             QsSocketEngine              *engine);
void         _qs_stream_pump_detach         (QsStreamPump                *self);
void         _qs_stream_pump_set_tls        (QsStreamPump                *self,
                                             GIOStream                   *tls,
                                             GMainContext                *context);
void         _qs_stream_pump_set_tls_ready  (QsStreamPump                *self);
gboolean     _qs_stream_pump_shutdown_tls   (QsStreamPump                *self);
void         _qs_stream_pump_set_reading    (QsStreamPump                *self,
                                             gboolean                     reading);
void         _qs_stream_pump_set_read_limit (QsStreamPump                *self,
                                             gint64                       limit);
void         _qs_stream_pump_update_watch   (QsStreamPump                *self);
void         _qs_stream_pump_dispatch       (QsStreamPump                *self,
                                             GIOCondition                 condition);
gboolean     _qs_stream_pump_can_read       (QsStreamPump                *self);
gboolean     _qs_stream_pump_flush          (QsStreamPump                *self);
gboolean     _qs_stream_pump_has_queued     (QsStreamPump                *self);

gboolean     _qs_stream_pump_wait_for_ready_read    (QsStreamPump *self,
                                                     gint64        deadline);
gboolean     _qs_stream_pump_wait_for_bytes_written (QsStreamPump *self,
                                                     gint64        deadline);
void         _qs_stream_pump_wait_for_detach        (QsStreamPump *self,
                                                     gint64        deadline);

G_END_DECLS
