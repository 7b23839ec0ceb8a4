/* qs-stream-pump.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Moves bytes between the socket engine and a QsIODevice's buffers for
 * stream sockets. Owns no socket and knows nothing of Qt states.
 *
 * Reading receives straight into the read buffer's tail, as much as the
 * kernel holds (until a short read), then emits ready-read once. An end
 * of stream found after data in the same dispatch is left for the next
 * one, so that ready-read for the last bytes always comes first, as in Qt.
 * Writing hands the whole write buffer to one sendmsg() as iovecs. What a
 * ready-read handler queues is sent when the handler returns, in the same
 * dispatch, unless the kernel refused the last send: a request/reply
 * exchange then costs one main-loop iteration per message, not two.
 *
 * With TLS (a QsSslSocket handed over its GTlsConnection), the same loop
 * reads and writes through the connection's pollable streams instead of
 * the engine: one test of self->tls per call keeps the plain path as it
 * was. A TLS read returns at most one record, so a short read does not
 * mean the kernel ran dry; the loop reads until the connection would
 * block. When it stops earlier (the per-event budget, the read limit),
 * the TLS library may hold plaintext no descriptor event will announce:
 * tls_pending is set, and the wake source reads it from the next
 * iteration of the owner's context.
 *
 * With a descriptor channel (local sockets), plain receiving goes
 * through it instead (qs-fd-channel.c), and so does sending while
 * descriptors wait to be sent: one more branch on a pointer, taken only
 * when the plain path is.
 */

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>

#include "qs-io-device-private.h"
#include "qs-stream-pump.h"

/* One recv() asks for this much; one readiness event reads at most
 * QS_PUMP_RECEIVES_PER_EVENT of them, so a fast peer cannot keep the
 * loop (and ready-read) waiting while the buffer grows. */
#define QS_PUMP_RECEIVE_SIZE 65536
#define QS_PUMP_RECEIVES_PER_EVENT 4
#define QS_PUMP_MAX_VECTORS 64
/* What a device open WriteOnly receives per read, to drop it (Qt: 4096). */
#define QS_PUMP_DISCARD_SIZE 4096

typedef enum
{
  PUMP_READ_OK,
  PUMP_READ_CLOSED,
  PUMP_READ_TLS_CLOSED, /* the TLS peer's close_notify, then the end */
} PumpReadResult;

G_ALWAYS_INLINE static inline void update_watch (QsStreamPump *self);

void
_qs_stream_pump_init (QsStreamPump                *self,
                      QsIODevice                  *device,
                      const QsStreamPumpCallbacks *callbacks,
                      gpointer                     owner)
{
  self->device = device;
  self->read_buffer = _qs_io_device_get_read_buffer (device);
  self->write_buffer = _qs_io_device_get_write_buffer (device);
  self->engine = NULL;
  self->fd = -1;
  self->callbacks = callbacks;
  self->owner = owner;
  self->read_limit = 0;
  self->reading = FALSE;
  self->write_blocked = FALSE;
  self->fds = NULL;
}

/* Starts pumping on a connected engine: reading on, writing while queued. */
void
_qs_stream_pump_attach (QsStreamPump   *self,
                        QsSocketEngine *engine)
{
  self->engine = engine;
  self->fd = _qs_socket_engine_get_fd (engine);
  self->reading = TRUE;
  self->write_blocked = FALSE;
  update_watch (self);
}

void
_qs_stream_pump_detach (QsStreamPump *self)
{
  self->engine = NULL;
  self->fd = -1;
  self->reading = FALSE;
  _qs_stream_pump_set_tls (self, NULL, NULL);
}

/* The wake source: ready when its ready time is reached (0: at once). */
static gboolean
tls_wake_dispatch (GSource     *source,
                   GSourceFunc  callback,
                   gpointer     user_data)
{
  QsStreamPump *self = user_data;
  QsIODevice *device = self->device;

  g_source_set_ready_time (source, -1);
  g_object_ref (device);
  _qs_stream_pump_dispatch (self, G_IO_IN);
  g_object_unref (device);
  return G_SOURCE_CONTINUE;
}

static GSourceFuncs tls_wake_funcs = {
  .dispatch = tls_wake_dispatch,
};

/* Hands the bytes over to @tls (a GTlsConnection whose handshake runs or
 * is about to), or back to nothing with NULL. Until
 * _qs_stream_pump_set_tls_ready() nothing is read or sent. */
void
_qs_stream_pump_set_tls (QsStreamPump *self,
                         GIOStream    *tls,
                         GMainContext *context)
{
  if (self->tls_wake)
    {
      g_source_destroy (self->tls_wake);
      g_clear_pointer (&self->tls_wake, g_source_unref);
    }
  g_clear_object (&self->tls);
  g_clear_pointer (&self->tls_error, g_free);
  self->tls_input = NULL;
  self->tls_output = NULL;
  self->tls_ready = FALSE;
  self->tls_pending = FALSE;
  if (tls == NULL)
    return;

  self->tls = g_object_ref (tls);
  self->tls_input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (tls));
  self->tls_output = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (tls));
  self->tls_wake = g_source_new (&tls_wake_funcs, sizeof (GSource));
  g_source_set_static_name (self->tls_wake, "[qsock] TLS plaintext");
  g_source_set_callback (self->tls_wake, NULL, self, NULL);
  g_source_attach (self->tls_wake, context);
  update_watch (self);
}

/* The handshake succeeded: bytes flow, and what the handshake left in
 * the TLS library is read at the next iteration. */
void
_qs_stream_pump_set_tls_ready (QsStreamPump *self)
{
  self->tls_ready = TRUE;
  self->tls_pending = TRUE;
  self->write_blocked = FALSE;
  update_watch (self);
}

/* Qt's SSL_shutdown() before the plain disconnect: a close_notify alert,
 * once the queue has drained. TRUE when one was sent; plain: FALSE. */
gboolean
_qs_stream_pump_shutdown_tls (QsStreamPump *self)
{
  if (self->tls == NULL || !self->tls_ready)
    return FALSE;
  self->tls_ready = FALSE;
  g_output_stream_close (G_OUTPUT_STREAM (self->tls_output), NULL, NULL);
  return TRUE;
}

gboolean
_qs_stream_pump_has_queued (QsStreamPump *self)
{
  return !_qs_ring_buffer_is_empty (self->write_buffer);
}

static gboolean
read_buffer_full (QsStreamPump *self)
{
  return self->read_limit > 0 &&
         (gint64) _qs_ring_buffer_get_size (self->read_buffer) >= self->read_limit;
}

/* update_watch with TLS, out of the plain path's way: nothing while the
 * handshake runs; afterwards as plain, and plaintext the TLS library
 * holds is read from the next iteration. */
G_GNUC_NO_INLINE static void
update_watch_tls (QsStreamPump *self)
{
  GIOCondition events = 0;

  if (self->tls_ready)
    {
      if (self->reading && !read_buffer_full (self))
        {
          events |= G_IO_IN;
          if (self->tls_pending)
            g_source_set_ready_time (self->tls_wake, 0);
        }
      if (_qs_stream_pump_has_queued (self))
        events |= G_IO_OUT;
    }
  _qs_socket_engine_set_events (self->engine, events);
}

/* Watch for input while the read side wants data and the buffer has room;
 * for output only while something is queued. Inlined in the pump's own
 * read and send paths. */
G_ALWAYS_INLINE static inline void
update_watch (QsStreamPump *self)
{
  GIOCondition events = 0;

  if (self->engine == NULL)
    return;
  if (G_UNLIKELY (self->tls != NULL))
    {
      update_watch_tls (self);
      return;
    }
  if (self->reading && !read_buffer_full (self))
    events |= G_IO_IN;
  if (_qs_stream_pump_has_queued (self))
    events |= G_IO_OUT;
  _qs_socket_engine_set_events (self->engine, events);
}

void
_qs_stream_pump_update_watch (QsStreamPump *self)
{
  update_watch (self);
}

/* The owner calls this each time a read drains the buffer (Qt re-arms
 * its read notifier there). With no read limit and no TLS, the watch
 * then depends on `reading` alone, so an unchanged value changes
 * nothing: a request/reply exchange skips the update. */
void
_qs_stream_pump_set_reading (QsStreamPump *self,
                             gboolean      reading)
{
  if (reading == self->reading && self->read_limit == 0 && self->tls == NULL)
    return;
  self->reading = reading;
  update_watch (self);
}

void
_qs_stream_pump_set_read_limit (QsStreamPump *self,
                                gint64        limit)
{
  self->read_limit = limit;
  update_watch (self);
}

/* A receive from the TLS connection, with the engine's conventions:
 * bytes, 0 at the end of the stream, or -1 and EAGAIN, ECONNRESET (the
 * peer went away) or EPROTO (a TLS failure, described in tls_error). */
G_GNUC_NO_INLINE static gssize
tls_receive (QsStreamPump *self,
             guint8       *data,
             gsize         size,
             int          *error_number)
{
  g_autoptr(GError) error = NULL;
  gssize n;

  if (!self->tls_ready)
    {
      *error_number = EAGAIN;
      return -1;
    }
  n = g_pollable_input_stream_read_nonblocking (self->tls_input, data, size, NULL, &error);
  if (n >= 0)
    return n;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    *error_number = EAGAIN;
  /* A server that required a certificate this client did not have
   * says so in an alert after the TLS 1.3 handshake, and closes: Qt
   * sees the remote close. */
  else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_EOF) ||
           g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE))
    *error_number = ECONNRESET;
  else
    {
      g_free (self->tls_error);
      self->tls_error = g_strdup_printf (_("Error while reading: %s"), error->message);
      *error_number = EPROTO;
    }
  return -1;
}

/* A send through the TLS connection, with the engine's conventions. */
G_GNUC_NO_INLINE static gssize
tls_send (QsStreamPump       *self,
          const struct iovec *vectors,
          guint               n_vectors,
          int                *error_number)
{
  GOutputVector out[QS_PUMP_MAX_VECTORS];
  g_autoptr(GError) error = NULL;
  gsize sent = 0;
  GPollableReturn result;

  if (!self->tls_ready)
    {
      *error_number = EAGAIN;
      return -1;
    }
  for (guint i = 0; i < n_vectors; i++)
    {
      out[i].buffer = vectors[i].iov_base;
      out[i].size = vectors[i].iov_len;
    }
  result = g_pollable_output_stream_writev_nonblocking (self->tls_output, out, n_vectors, &sent, NULL, &error);
  if (result == G_POLLABLE_RETURN_OK)
    return sent;
  *error_number = result == G_POLLABLE_RETURN_WOULD_BLOCK ? EAGAIN : EPIPE;
  return -1;
}

/* Receives until the kernel runs dry (a short read), the buffer is at its
 * limit, the stream ends, or QS_PUMP_RECEIVES_PER_EVENT reads were made.
 * An end found after data is left for the next readiness event. A device
 * not open for reading (WriteOnly) keeps nothing: as Qt, it receives into
 * scratch memory and drops the bytes, so that the peer's close is still
 * seen. */
static PumpReadResult
read_from_socket (QsStreamPump   *self,
                  QsSocketError  *error,
                  const char    **message)
{
  QsRingBuffer *buffer = self->read_buffer;
  gboolean discard = !_qs_io_device_is_readable_unchecked (self->device);
  const gboolean plain = self->tls == NULL;
  guint8 scratch[QS_PUMP_DISCARD_SIZE];
  gsize total = 0;

  for (guint round = 0; round < QS_PUMP_RECEIVES_PER_EVENT; round++)
    {
      gsize want = discard ? sizeof scratch : QS_PUMP_RECEIVE_SIZE;
      gsize room = want;
      guint8 *tail = scratch;
      gssize n;
      int error_number = 0;

      if (self->read_limit > 0 && !discard)
        {
          gint64 left = self->read_limit - (gint64) _qs_ring_buffer_get_size (buffer);

          if (left <= 0)
            {
              self->tls_pending = !plain;
              return PUMP_READ_OK;
            }
          want = MIN (want, (gsize) left);
        }

      if (!discard)
        tail = _qs_ring_buffer_reserve (buffer, want, &room);
      want = MIN (want, room);
      if (G_LIKELY (plain))
        n = G_LIKELY (self->fds == NULL)
            ? _qs_socket_receive (self->fd, tail, want, &error_number)
            : _qs_fd_channel_receive (self->fds, self->fd, tail, want, !discard, &error_number);
      else
        n = tls_receive (self, tail, want, &error_number);

      if (n > 0)
        {
          if (!discard)
            _qs_ring_buffer_commit (buffer, n);
          total += n;
          if ((gsize) n < want && plain)
            return PUMP_READ_OK;
          continue;
        }

      if (n < 0 && error_number == EAGAIN)
        {
          self->tls_pending = FALSE;
          return PUMP_READ_OK;
        }
      if (total > 0)
        return PUMP_READ_OK;

      if (error_number == EPROTO && !plain)
        {
          *error = QS_SOCKET_ERROR_SSL_INTERNAL_ERROR;
          *message = self->tls_error;
        }
      else if (n == 0 || error_number == ECONNRESET)
        {
          *error = _qs_socket_error_from_errno (QS_ENGINE_OP_READ, ECONNRESET, message);
          if (n == 0 && !plain)
            return PUMP_READ_TLS_CLOSED;
        }
      else
        *error = _qs_socket_error_from_errno (QS_ENGINE_OP_READ, error_number, message);
      return PUMP_READ_CLOSED;
    }

  /* Stopped by the budget: the TLS library may hold more. */
  self->tls_pending = !plain;
  return PUMP_READ_OK;
}

/* Qt's canReadNotification(): fills the read buffer and emits ready-read
 * when new bytes arrived. Returns TRUE when they did. */
gboolean
_qs_stream_pump_can_read (QsStreamPump *self)
{
  QsRingBuffer *buffer = self->read_buffer;
  gsize before = _qs_ring_buffer_get_size (buffer);
  QsSocketError error = QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
  const char *message = NULL;

  if (self->engine == NULL)
    return FALSE;

  if (read_buffer_full (self))
    {
      update_watch (self);
      return FALSE;
    }

  switch (read_from_socket (self, &error, &message))
    {
    case PUMP_READ_CLOSED:
      self->callbacks->read_failed (self->owner, error, message);
      return FALSE;
    case PUMP_READ_TLS_CLOSED:
      self->callbacks->tls_closed (self->owner, error, message);
      return FALSE;
    case PUMP_READ_OK:
    default:
      break;
    }

  if (read_buffer_full (self))
    update_watch (self);

  if (_qs_ring_buffer_get_size (buffer) == before)
    return !_qs_io_device_is_readable_unchecked (self->device);

  _qs_io_device_emit_ready_read (self->device);
  return TRUE;
}

/* Qt's flush(): sends what is queued, one vectored send per round, until
 * the queue is empty or the kernel takes no more. bytes-written follows
 * each send, with the watch already updated for what is left (a handler
 * may run a nested loop); whatever a handler changes updates the watch
 * itself. Returns TRUE when anything was sent. */
gboolean
_qs_stream_pump_flush (QsStreamPump *self)
{
  QsRingBuffer *buffer = self->write_buffer;
  gboolean wrote = FALSE;
  gboolean updated = FALSE;

  while (self->engine != NULL && !_qs_ring_buffer_is_empty (buffer))
    {
      struct iovec vectors[QS_PUMP_MAX_VECTORS];
      guint n_vectors = _qs_ring_buffer_get_vectors (buffer, vectors, QS_PUMP_MAX_VECTORS);
      gsize offered = 0;
      int error_number = 0;
      gssize sent;

      /* The channel may send fewer vectors (up to a marked byte): what
       * was offered is counted after the send. */
      if (G_LIKELY (self->tls == NULL))
        sent = G_LIKELY (self->fds == NULL || !_qs_fd_channel_has_sends (self->fds))
               ? _qs_socket_engine_send_vectors (self->engine, vectors, n_vectors, &error_number)
               : _qs_fd_channel_send (self->fds, self->engine, vectors, &n_vectors, &error_number);
      else
        sent = tls_send (self, vectors, n_vectors, &error_number);
      for (guint i = 0; i < n_vectors; i++)
        offered += vectors[i].iov_len;
      if (sent < 0)
        {
          if (error_number == EAGAIN)
            self->write_blocked = TRUE;
          else
            {
              const char *message = NULL;
              QsSocketError error = _qs_socket_error_from_errno (QS_ENGINE_OP_WRITE, error_number, &message);

              self->callbacks->write_failed (self->owner, error, message);
            }
          break;
        }

      _qs_ring_buffer_skip (buffer, sent);
      self->write_blocked = (gsize) sent < offered;
      update_watch (self);
      updated = TRUE;
      if (sent > 0)
        {
          wrote = TRUE;
          _qs_io_device_emit_bytes_written (self->device, sent);
        }
      self->callbacks->written (self->owner);

      if ((gsize) sent < offered)
        break;
    }

  if (!updated)
    update_watch (self);
  return wrote;
}

/* One readiness event of a connected engine. The owner holds a reference
 * on the device; any emission may detach the pump. Bytes queued by the
 * ready-read handlers go out now unless the kernel is known to be full. */
void
_qs_stream_pump_dispatch (QsStreamPump *self,
                          GIOCondition  condition)
{
  if ((condition & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && self->reading)
    {
      _qs_stream_pump_can_read (self);
      if (self->engine == NULL)
        return;
    }

  if (condition & (G_IO_OUT | G_IO_ERR))
    self->write_blocked = FALSE;
  if (!self->write_blocked && _qs_stream_pump_has_queued (self))
    _qs_stream_pump_flush (self);
}

/* The blocking side (Qt's waitForReadOrWrite() + canRead/canWrite): waits
 * until the engine is ready for reading (when @want_read) or, while bytes
 * are queued, for writing, or until @deadline; then does the work the
 * loop would have done. Returns G_IO_IN when new bytes were read, G_IO_OUT
 * when bytes were written; at the deadline 0, with the owner told. Never
 * iterates a main context. */
static GIOCondition
wait_and_pump (QsStreamPump *self,
               gboolean      want_read,
               gint64        deadline,
               gboolean     *timed_out)
{
  GIOCondition events = 0;
  GIOCondition ready;
  GIOCondition done = 0;

  *timed_out = FALSE;
  if (want_read)
    events |= G_IO_IN;
  if (_qs_stream_pump_has_queued (self))
    events |= G_IO_OUT;

  if (want_read && self->tls_pending)
    ready = G_IO_IN;
  else
    ready = _qs_socket_engine_poll (self->engine, events, deadline);
  if (ready == 0)
    {
      *timed_out = TRUE;
      self->callbacks->timed_out (self->owner);
      return 0;
    }

  if ((ready & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && (events & G_IO_IN) &&
      _qs_stream_pump_can_read (self))
    done |= G_IO_IN;
  if (self->engine && (ready & (G_IO_OUT | G_IO_ERR)) && _qs_stream_pump_has_queued (self) &&
      _qs_stream_pump_flush (self))
    done |= G_IO_OUT;
  return done;
}

static gboolean
before (gint64 deadline)
{
  return deadline < 0 || g_get_monotonic_time () < deadline;
}

/* Qt's waitForReadyRead() on a connected socket: TRUE once ready-read was
 * emitted. The owner holds a reference. */
gboolean
_qs_stream_pump_wait_for_ready_read (QsStreamPump *self,
                                     gint64        deadline)
{
  do
    {
      gboolean timed_out;

      if (self->engine == NULL || !self->callbacks->is_connected (self->owner))
        return FALSE;
      if (wait_and_pump (self, TRUE, deadline, &timed_out) & G_IO_IN)
        return TRUE;
      if (timed_out)
        return FALSE;
    }
  while (before (deadline));
  return FALSE;
}

/* Qt's waitForBytesWritten() on a connected socket: TRUE once
 * bytes-written was emitted. */
gboolean
_qs_stream_pump_wait_for_bytes_written (QsStreamPump *self,
                                        gint64        deadline)
{
  while (self->engine && before (deadline))
    {
      gboolean timed_out;

      if (wait_and_pump (self, self->reading, deadline, &timed_out) & G_IO_OUT)
        return TRUE;
      if (timed_out || !self->callbacks->is_connected (self->owner))
        return FALSE;
    }
  return FALSE;
}

/* Qt's waitForDisconnected(): pumps until the owner lets the engine go
 * (the connection ended) or the deadline passes. */
void
_qs_stream_pump_wait_for_detach (QsStreamPump *self,
                                 gint64        deadline)
{
  while (self->engine)
    {
      gboolean timed_out;

      wait_and_pump (self, self->reading, deadline, &timed_out);
      if (timed_out)
        return;
    }
}
