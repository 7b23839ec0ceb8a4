/* qs-local-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsLocalSocket: Qt's QLocalSocket on a Unix-domain stream socket. It has
 * its own small state machine (Unconnected → Connecting → Connected →
 * Closing → Unconnected) and error codes, and moves its bytes with the
 * same socket engine and stream pump as QsAbstractSocket: connect, close
 * and error reporting live here, reading, writing and the blocking waits
 * in the pump. Error strings are Qt's, "function: what".
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>

#include "qs-enum-types.h"
#include "qs-io-device-private.h"
#include "qs-local-socket-private.h"
#include "qs-ring-buffer.h"
#include "qs-socket-engine.h"
#include "qs-stream-pump.h"

/**
 * QsLocalSocket:
 *
 * A Unix-domain stream socket: Qt's `QLocalSocket`.
 *
 * [method@Qs.LocalSocket.connect_to_server] connects at once (a local
 * connection needs no lookup): before it returns the socket is connected
 * and [signal@Qs.LocalSocket::connected] was emitted, or
 * [signal@Qs.LocalSocket::error-occurred] said why not. A name without a
 * `/` names a socket file in the temporary directory (`$TMPDIR`, else
 * `/tmp`), as Qt 6 does; with
 * %QS_LOCAL_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION it names a socket in
 * Linux's abstract namespace. Reading and writing are those of
 * [class@Qs.IODevice], buffered and flushed when control returns to the
 * main loop.
 *
 * Since: 1.0
 */

typedef struct
{
  GMainContext          *context;            /* (owned) */
  QsSocketEngine        *engine;             /* (owned) (nullable) */
  QsStreamPump           pump;
  QsFdChannel            fds;                /* descriptors riding the stream */

  QsLocalSocketState     state;
  QsLocalSocketError     error;
  char                  *server_name;        /* (owned) (nullable) */
  char                  *full_server_name;   /* (owned) (nullable) */
  QsLocalSocketOptions   options;
  gint64                 read_buffer_size;
  QsOpenMode             connect_mode;       /* for a connect that had to wait */
  gboolean               connect_started;    /* connect_to_server's connect() is on engine */
} QsLocalSocketPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (QsLocalSocket, qs_local_socket, QS_TYPE_IO_DEVICE)

enum {
  PROP_0,
  PROP_SERVER_NAME,
  PROP_FULL_SERVER_NAME,
  PROP_STATE,
  PROP_ERROR,
  PROP_READ_BUFFER_SIZE,
  PROP_SOCKET_OPTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_CONNECTED,
  SIGNAL_DISCONNECTED,
  SIGNAL_ERROR_OCCURRED,
  SIGNAL_STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char connect_function[] = "QLocalSocket::connectToServer";
static const char io_function[] = "QLocalSocket";

static inline QsLocalSocketPrivate *
get_priv (QsLocalSocket *self)
{
  return qs_local_socket_get_instance_private (self);
}

/* Where a server name lives (Qt 6.4's rule): a path as it is; a bare name
 * in the temporary directory; in the abstract namespace the bare name. */
char *
_qs_local_full_server_name (const char *name,
                            gboolean    abstract)
{
  const char *tmp;

  if (abstract || name[0] == '/')
    return g_strdup (name);

  tmp = g_getenv ("TMPDIR");
  if (tmp == NULL || tmp[0] == '\0')
    tmp = "/tmp";
  return g_build_filename (tmp, name, NULL);
}

static void
store_string (QsLocalSocket  *self,
              char          **field,
              const char     *value,
              int             prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
_qs_local_socket_set_server_names (QsLocalSocket *self,
                                   const char    *name,
                                   const char    *full_name)
{
  QsLocalSocketPrivate *priv = get_priv (self);

  store_string (self, &priv->server_name, name, PROP_SERVER_NAME);
  store_string (self, &priv->full_server_name, full_name, PROP_FULL_SERVER_NAME);
}

/* Qt's _q_stateChanged(): an unconnected socket forgets its server. */
static void
set_state (QsLocalSocket      *self,
           QsLocalSocketState  state)
{
  QsLocalSocketPrivate *priv = get_priv (self);

  if (priv->state == state)
    return;
  priv->state = state;
  if (state == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE)
    _qs_local_socket_set_server_names (self, NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, state);
}

static void
store_error (QsLocalSocket      *self,
             QsLocalSocketError  error)
{
  QsLocalSocketPrivate *priv = get_priv (self);

  if (priv->error == error)
    return;
  priv->error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* Qt's QLocalSocketPrivate::generateErrorString(). */
static char *
error_string (QsLocalSocketError  error,
              const char         *function,
              int                 error_number)
{
  switch (error)
    {
    case QS_LOCAL_SOCKET_ERROR_CONNECTION_REFUSED_ERROR:
      return g_strdup_printf (_("%s: Connection refused"), function);
    case QS_LOCAL_SOCKET_ERROR_PEER_CLOSED_ERROR:
      return g_strdup_printf (_("%s: Remote closed"), function);
    case QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR:
      return g_strdup_printf (_("%s: Invalid name"), function);
    case QS_LOCAL_SOCKET_ERROR_SOCKET_ACCESS_ERROR:
      return g_strdup_printf (_("%s: Socket access error"), function);
    case QS_LOCAL_SOCKET_ERROR_SOCKET_RESOURCE_ERROR:
      return g_strdup_printf (_("%s: Socket resource error"), function);
    case QS_LOCAL_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR:
      return g_strdup_printf (_("%s: Socket operation timed out"), function);
    case QS_LOCAL_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR:
      return g_strdup_printf (_("%s: Datagram too large"), function);
    case QS_LOCAL_SOCKET_ERROR_CONNECTION_ERROR:
      return g_strdup_printf (_("%s: Connection error"), function);
    case QS_LOCAL_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR:
      return g_strdup_printf (_("%s: The socket operation is not supported"), function);
    case QS_LOCAL_SOCKET_ERROR_OPERATION_ERROR:
      return g_strdup_printf (_("%s: Operation not permitted when socket is in this state"),
                              function);
    case QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR:
    default:
      return g_strdup_printf (_("%s: Unknown error %d"), function, error_number);
    }
}

/* Sets the error and its message and emits error-occurred. Callers hold
 * a reference. */
static void
set_error_and_emit (QsLocalSocket      *self,
                    QsLocalSocketError  error,
                    const char         *function,
                    int                 error_number)
{
  g_autofree char *message = error_string (error, function, error_number);

  store_error (self, error);
  qs_io_device_set_error_string (QS_IO_DEVICE (self), message);
  g_signal_emit (self, signals[SIGNAL_ERROR_OCCURRED], 0, error);
}

/* Qt's QLocalSocket codes for a failed connect(). */
static QsLocalSocketError
connect_error_from_errno (int error_number)
{
  switch (error_number)
    {
    case ECONNREFUSED:
      return QS_LOCAL_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
      return QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR;
    case EACCES:
    case EPERM:
      return QS_LOCAL_SOCKET_ERROR_SOCKET_ACCESS_ERROR;
    case ETIMEDOUT:
      return QS_LOCAL_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR;
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      return QS_LOCAL_SOCKET_ERROR_SOCKET_RESOURCE_ERROR;
    default:
      return QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
    }
}

static void
free_engine (QsLocalSocket *self)
{
  QsLocalSocketPrivate *priv = get_priv (self);

  _qs_stream_pump_detach (&priv->pump);
  g_clear_pointer (&priv->engine, _qs_socket_engine_free);
  _qs_fd_channel_drop_sends (&priv->fds);
  priv->connect_started = FALSE;
}

/* Opens the device, whose buffers start empty: so does the descriptor
 * channel. */
static void
open_device (QsLocalSocket *self,
             QsOpenMode     mode)
{
  QsLocalSocketPrivate *priv = get_priv (self);

  QS_IO_DEVICE_CLASS (qs_local_socket_parent_class)->open (QS_IO_DEVICE (self), mode);
  _qs_fd_channel_drop_sends (&priv->fds);
  _qs_fd_channel_drop_receipts (&priv->fds, 0);
}

/* Whether a connect of connect_to_server's can still complete (Qt's
 * connectingSocket): not while connect_to_server emits state-changed
 * (CONNECTING) before the engine exists, nor error-occurred after a
 * failure freed it, nor on a descriptor adopted in CONNECTING. */
static gboolean
connect_pending (QsLocalSocketPrivate *priv)
{
  return priv->state == QS_LOCAL_SOCKET_STATE_CONNECTING_STATE && priv->connect_started;
}

/* A connect that failed: the error first, then Unconnected (Qt's order
 * for local sockets); the device stays closed. */
static void
fail_connect (QsLocalSocket      *self,
              QsLocalSocketError  error,
              int                 error_number)
{
  free_engine (self);
  set_error_and_emit (self, error, connect_function, error_number);
  set_state (self, QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE);
}

static void
connection_established (QsLocalSocket *self)
{
  QsLocalSocketPrivate *priv = get_priv (self);

  _qs_socket_engine_set_events (priv->engine, 0);
  _qs_stream_pump_set_read_limit (&priv->pump, priv->read_buffer_size);
  _qs_stream_pump_attach (&priv->pump, priv->engine);
  set_state (self, QS_LOCAL_SOCKET_STATE_CONNECTED_STATE);
  if (priv->state != QS_LOCAL_SOCKET_STATE_CONNECTED_STATE)
    return;
  open_device (self, priv->connect_mode);
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
}

/* Qt's _q_connectToSocket(): one connect() attempt. A full backlog
 * (EAGAIN) leaves the socket connecting; writability retries. */
static void
try_connect (QsLocalSocket *self)
{
  QsLocalSocketPrivate *priv = get_priv (self);
  gboolean abstract = (priv->options & QS_LOCAL_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION) != 0;
  int error_number;

  error_number = _qs_socket_engine_connect_unix (priv->engine, priv->full_server_name, abstract);
  if (error_number == 0)
    connection_established (self);
  else if (error_number == EAGAIN || error_number == EINPROGRESS)
    _qs_socket_engine_set_events (priv->engine, G_IO_OUT);
  else
    fail_connect (self, connect_error_from_errno (error_number), error_number);
}

/* Qt's disconnectFromHost() once nothing is queued any more. */
static void
finish_disconnect (QsLocalSocket *self)
{
  QsLocalSocketPrivate *priv = get_priv (self);
  QsLocalSocketState previous = priv->state;

  free_engine (self);
  _qs_ring_buffer_clear (_qs_io_device_get_write_buffer (QS_IO_DEVICE (self)));
  set_state (self, QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE);
  _qs_io_device_emit_read_channel_finished (QS_IO_DEVICE (self));
  if (previous == QS_LOCAL_SOCKET_STATE_CONNECTED_STATE ||
      previous == QS_LOCAL_SOCKET_STATE_CLOSING_STATE)
    g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0);
}

static void
on_engine_ready (GIOCondition condition,
                 gpointer     user_data)
{
  QsLocalSocket *self = user_data;
  QsLocalSocketPrivate *priv = get_priv (self);

  g_object_ref (self);
  switch (priv->state)
    {
    case QS_LOCAL_SOCKET_STATE_CONNECTING_STATE:
      if (connect_pending (priv))
        try_connect (self);
      break;

    case QS_LOCAL_SOCKET_STATE_CONNECTED_STATE:
    case QS_LOCAL_SOCKET_STATE_CLOSING_STATE:
      _qs_stream_pump_dispatch (&priv->pump, condition);
      break;

    case QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE:
    default:
      _qs_socket_engine_set_events (priv->engine, 0);
      break;
    }
  g_object_unref (self);
}

/* The peer closed (or reading failed): Qt's error, then the close path;
 * the unread bytes stay readable. QsSocketError and QsLocalSocketError
 * share their values (REMOTE_HOST_CLOSED is PEER_CLOSED, NETWORK is
 * CONNECTION). */
static void
on_pump_read_failed (gpointer       owner,
                     QsSocketError  error,
                     const char    *message)
{
  QsLocalSocket *self = owner;

  g_object_ref (self);
  free_engine (self);
  set_error_and_emit (self, (QsLocalSocketError) error, io_function, 0);
  qs_local_socket_disconnect_from_server (self);
  g_object_unref (self);
}

/* Qt: the connection is dropped with what is queued, but unlike abort()
 * the device stays open and about-to-close is not emitted. */
static void
on_pump_write_failed (gpointer       owner,
                      QsSocketError  error,
                      const char    *message)
{
  QsLocalSocket *self = owner;

  g_object_ref (self);
  set_error_and_emit (self, (QsLocalSocketError) error, io_function, 0);
  if (get_priv (self)->state != QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE)
    finish_disconnect (self);
  g_object_unref (self);
}

static void
on_pump_written (gpointer owner)
{
  QsLocalSocket *self = owner;

  if (get_priv (self)->state == QS_LOCAL_SOCKET_STATE_CLOSING_STATE)
    qs_local_socket_disconnect_from_server (self);
}

static void
on_pump_timed_out (gpointer owner)
{
  set_error_and_emit (owner, QS_LOCAL_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, io_function, 0);
}

static gboolean
on_pump_is_connected (gpointer owner)
{
  return get_priv (owner)->state == QS_LOCAL_SOCKET_STATE_CONNECTED_STATE;
}

static const QsStreamPumpCallbacks pump_callbacks = {
  on_pump_read_failed,
  NULL, /* no TLS */
  on_pump_write_failed,
  on_pump_written,
  on_pump_timed_out,
  on_pump_is_connected,
};

/* Qt's QLocalSocket::open(): connect to server-name. */
static gboolean
qs_local_socket_real_open (QsIODevice *device,
                           QsOpenMode  mode)
{
  qs_local_socket_connect_to_server (QS_LOCAL_SOCKET (device), NULL, mode);
  return qs_io_device_is_open (device);
}

/* Qt's QLocalSocket::close(): the device first, then the connection
 * (queued bytes still go out); the server's names are forgotten at once. */
static void
qs_local_socket_real_close (QsIODevice *device)
{
  QsLocalSocket *self = QS_LOCAL_SOCKET (device);

  g_object_ref (self);
  QS_IO_DEVICE_CLASS (qs_local_socket_parent_class)->close (device);
  _qs_fd_channel_drop_receipts (&get_priv (self)->fds, 0);
  if (get_priv (self)->state != QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE)
    qs_local_socket_disconnect_from_server (self);
  _qs_local_socket_set_server_names (self, NULL, NULL);
  g_object_unref (self);
}

/* Everything sits in the read buffer; a read re-arms the read watch
 * (flow control) and a closed connection reports the end. */
static gint64
qs_local_socket_real_read_data (QsIODevice *device,
                                guint8     *data,
                                gsize       max_size)
{
  QsLocalSocketPrivate *priv = get_priv (QS_LOCAL_SOCKET (device));

  if (priv->engine == NULL || priv->state != QS_LOCAL_SOCKET_STATE_CONNECTED_STATE)
    return max_size ? -1 : 0;

  _qs_stream_pump_set_reading (&priv->pump, TRUE);
  return 0;
}

/* Queue and arm the write watch. A write on a closed connection resets
 * the error code but leaves the error string alone (Qt 6.4: the code is
 * its inner socket's, the string its own). */
static gint64
qs_local_socket_real_write_data (QsIODevice   *device,
                                 const guint8 *data,
                                 gsize         size)
{
  QsLocalSocket *self = QS_LOCAL_SOCKET (device);
  QsLocalSocketPrivate *priv = get_priv (self);

  if (priv->engine == NULL)
    {
      store_error (self, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
      return -1;
    }

  _qs_ring_buffer_append (priv->pump.write_buffer, data, size);
  _qs_stream_pump_update_watch (&priv->pump);
  return size;
}

/* The other waits first finish a pending connect; with none to finish
 * they fail at once, as Qt's do (through its inner socket). */
static gboolean
wait_connected_first (QsLocalSocket *self,
                      int            msecs)
{
  QsLocalSocketPrivate *priv = get_priv (self);

  if (priv->state == QS_LOCAL_SOCKET_STATE_CONNECTING_STATE && !connect_pending (priv))
    return FALSE;
  return qs_local_socket_wait_for_connected (self, msecs);
}

static gboolean
qs_local_socket_real_wait_for_ready_read (QsIODevice *device,
                                          int         msecs)
{
  QsLocalSocket *self = QS_LOCAL_SOCKET (device);
  QsLocalSocketPrivate *priv = get_priv (self);
  gboolean result = FALSE;

  g_object_ref (self);
  if (wait_connected_first (self, msecs))
    result = _qs_stream_pump_wait_for_ready_read (&priv->pump, _qs_deadline_from_msecs (msecs));
  g_object_unref (self);
  return result;
}

static gboolean
qs_local_socket_real_wait_for_bytes_written (QsIODevice *device,
                                             int         msecs)
{
  QsLocalSocket *self = QS_LOCAL_SOCKET (device);
  QsLocalSocketPrivate *priv = get_priv (self);
  gboolean result = FALSE;

  if (!_qs_stream_pump_has_queued (&priv->pump))
    return FALSE;

  g_object_ref (self);
  if (wait_connected_first (self, msecs))
    result = _qs_stream_pump_wait_for_bytes_written (&priv->pump, _qs_deadline_from_msecs (msecs));
  g_object_unref (self);
  return result;
}

static void
qs_local_socket_dispose (GObject *object)
{
  /* Closes silently: handlers may be those of a collected wrapper. */
  free_engine (QS_LOCAL_SOCKET (object));

  G_OBJECT_CLASS (qs_local_socket_parent_class)->dispose (object);
}

static void
qs_local_socket_finalize (GObject *object)
{
  QsLocalSocketPrivate *priv = get_priv (QS_LOCAL_SOCKET (object));

  g_clear_pointer (&priv->server_name, g_free);
  g_clear_pointer (&priv->full_server_name, g_free);
  g_clear_pointer (&priv->context, g_main_context_unref);
  _qs_fd_channel_drop_sends (&priv->fds);
  _qs_fd_channel_drop_receipts (&priv->fds, 0);

  G_OBJECT_CLASS (qs_local_socket_parent_class)->finalize (object);
}

static void
qs_local_socket_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QsLocalSocket *self = QS_LOCAL_SOCKET (object);
  QsLocalSocketPrivate *priv = get_priv (self);

  switch (prop_id)
    {
    case PROP_SERVER_NAME:
      g_value_set_string (value, priv->server_name);
      break;
    case PROP_FULL_SERVER_NAME:
      g_value_set_string (value, priv->full_server_name);
      break;
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_ERROR:
      g_value_set_enum (value, priv->error);
      break;
    case PROP_READ_BUFFER_SIZE:
      g_value_set_int64 (value, priv->read_buffer_size);
      break;
    case PROP_SOCKET_OPTIONS:
      g_value_set_flags (value, priv->options);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_local_socket_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  QsLocalSocket *self = QS_LOCAL_SOCKET (object);

  switch (prop_id)
    {
    case PROP_SERVER_NAME:
      qs_local_socket_set_server_name (self, g_value_get_string (value));
      break;
    case PROP_READ_BUFFER_SIZE:
      qs_local_socket_set_read_buffer_size (self, g_value_get_int64 (value));
      break;
    case PROP_SOCKET_OPTIONS:
      qs_local_socket_set_socket_options (self, g_value_get_flags (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_local_socket_class_init (QsLocalSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  QsIODeviceClass *device_class = QS_IO_DEVICE_CLASS (klass);

  _qs_io_device_init_i18n ();

  object_class->dispose = qs_local_socket_dispose;
  object_class->finalize = qs_local_socket_finalize;
  object_class->get_property = qs_local_socket_get_property;
  object_class->set_property = qs_local_socket_set_property;

  device_class->open = qs_local_socket_real_open;
  device_class->close = qs_local_socket_real_close;
  device_class->read_data = qs_local_socket_real_read_data;
  device_class->write_data = qs_local_socket_real_write_data;
  device_class->wait_for_ready_read = qs_local_socket_real_wait_for_ready_read;
  device_class->wait_for_bytes_written = qs_local_socket_real_wait_for_bytes_written;

  /**
   * QsLocalSocket:server-name: (getter get_server_name) (setter set_server_name)
   *
   * The name given to [method@Qs.LocalSocket.connect_to_server] or
   * [method@Qs.LocalSocket.set_server_name]; %NULL once unconnected again.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_NAME] =
    g_param_spec_string ("server-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalSocket:full-server-name: (getter get_full_server_name)
   *
   * The path (or abstract name) the socket connects to; %NULL until a
   * connection attempt resolves the name, and once unconnected again.
   *
   * Since: 1.0
   */
  properties[PROP_FULL_SERVER_NAME] =
    g_param_spec_string ("full-server-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalSocket:state: (getter get_state)
   *
   * The connection state.
   *
   * Since: 1.0
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       QS_TYPE_LOCAL_SOCKET_STATE, QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalSocket:error: (getter get_error)
   *
   * The last error; [property@Qs.IODevice:error-string] describes it.
   *
   * Since: 1.0
   */
  properties[PROP_ERROR] =
    g_param_spec_enum ("error", NULL, NULL,
                       QS_TYPE_LOCAL_SOCKET_ERROR, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalSocket:read-buffer-size: (getter get_read_buffer_size) (setter set_read_buffer_size)
   *
   * The most bytes the read buffer holds; 0 (the default) is unlimited.
   *
   * Since: 1.0
   */
  properties[PROP_READ_BUFFER_SIZE] =
    g_param_spec_int64 ("read-buffer-size", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalSocket:socket-options: (getter get_socket_options) (setter set_socket_options)
   *
   * How the server name is found.
   *
   * Since: 1.0
   */
  properties[PROP_SOCKET_OPTIONS] =
    g_param_spec_flags ("socket-options", NULL, NULL,
                        QS_TYPE_LOCAL_SOCKET_OPTIONS, QS_LOCAL_SOCKET_OPTIONS_NO_OPTIONS,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QsLocalSocket::connected:
   * @self: the socket
   *
   * The connection is established. Qt: `connected()`.
   *
   * Since: 1.0
   */

  /**
   * QsLocalSocket::disconnected:
   * @self: the socket
   *
   * The connection is closed. Qt: `disconnected()`.
   *
   * Since: 1.0
   */

  /**
   * QsLocalSocket::error-occurred:
   * @self: the socket
   * @socket_error: what went wrong
   *
   * An error occurred; [property@Qs.IODevice:error-string] describes it.
   * Qt: `errorOccurred(LocalSocketError)`.
   *
   * Since: 1.0
   */

  /**
   * QsLocalSocket::state-changed:
   * @self: the socket
   * @socket_state: the new state
   *
   * The state changed. Qt: `stateChanged(LocalSocketState)`.
   *
   * Since: 1.0
   */
  _qs_io_device_new_connection_signals (G_TYPE_FROM_CLASS (klass),
                                        QS_TYPE_LOCAL_SOCKET_STATE, QS_TYPE_LOCAL_SOCKET_ERROR,
                                        &signals[SIGNAL_CONNECTED],
                                        &signals[SIGNAL_DISCONNECTED],
                                        &signals[SIGNAL_STATE_CHANGED],
                                        &signals[SIGNAL_ERROR_OCCURRED]);
}

static void
qs_local_socket_init (QsLocalSocket *self)
{
  QsLocalSocketPrivate *priv = get_priv (self);

  priv->context = g_main_context_ref_thread_default ();
  priv->state = QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE;
  priv->error = QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
  _qs_stream_pump_init (&priv->pump, QS_IO_DEVICE (self), &pump_callbacks, self);
  _qs_fd_channel_init (&priv->fds);
  priv->pump.fds = &priv->fds;
}

/**
 * qs_local_socket_new:
 *
 * Creates an unconnected local socket; it serves the thread-default main
 * context of the thread that creates it. Qt: `QLocalSocket()`.
 *
 * Returns: (transfer full): a new socket
 *
 * Since: 1.0
 */
QsLocalSocket *
qs_local_socket_new (void)
{
  return g_object_new (QS_TYPE_LOCAL_SOCKET, NULL);
}

/**
 * qs_local_socket_connect_to_server:
 * @self: a socket
 * @name: (nullable): the server's name or path; %NULL uses
 *   [property@Qs.LocalSocket:server-name]
 * @open_mode: how to open the device once connected (Qt's default:
 *   %QS_OPEN_MODE_READ_WRITE)
 *
 * Connects to a [class@Qs.LocalServer]. Before it returns, the socket has
 * emitted state-changed(CONNECTING), then either state-changed(CONNECTED)
 * and [signal@Qs.LocalSocket::connected], or error-occurred and
 * state-changed(UNCONNECTED). On a socket that is not unconnected it
 * emits error-occurred(%QS_LOCAL_SOCKET_ERROR_OPERATION_ERROR) and keeps
 * its error code, as Qt 6.4 does. Qt: `connectToServer()`.
 *
 * Since: 1.0
 */
void
qs_local_socket_connect_to_server (QsLocalSocket *self,
                                   const char    *name,
                                   QsOpenMode     open_mode)
{
  QsLocalSocketPrivate *priv;
  int error_number = 0;
  g_autofree char *full_name = NULL;

  g_return_if_fail (QS_IS_LOCAL_SOCKET (self));

  priv = get_priv (self);
  if (name != NULL)
    qs_local_socket_set_server_name (self, name);

  g_object_ref (self);
  if (priv->state != QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE)
    {
      /* Qt 6.4 reports the operation error without storing its code,
       * under a function name spelt this way. */
      g_autofree char *message =
        error_string (QS_LOCAL_SOCKET_ERROR_OPERATION_ERROR, "QLocalSocket::connectToserver", 0);

      qs_io_device_set_error_string (QS_IO_DEVICE (self), message);
      g_signal_emit (self, signals[SIGNAL_ERROR_OCCURRED], 0, QS_LOCAL_SOCKET_ERROR_OPERATION_ERROR);
      goto out;
    }

  qs_io_device_set_error_string (QS_IO_DEVICE (self), NULL);
  priv->connect_mode = open_mode;
  set_state (self, QS_LOCAL_SOCKET_STATE_CONNECTING_STATE);
  if (priv->state != QS_LOCAL_SOCKET_STATE_CONNECTING_STATE)
    goto out;

  if (priv->server_name == NULL || priv->server_name[0] == '\0')
    {
      fail_connect (self, QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR, 0);
      goto out;
    }

  free_engine (self);
  priv->engine = _qs_socket_engine_new_unix (priv->context, on_engine_ready, self, &error_number);
  if (priv->engine == NULL)
    {
      fail_connect (self, QS_LOCAL_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR, error_number);
      goto out;
    }

  full_name = _qs_local_full_server_name (priv->server_name,
                                          priv->options & QS_LOCAL_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION);
  store_string (self, &priv->full_server_name, full_name, PROP_FULL_SERVER_NAME);
  priv->connect_started = TRUE;
  try_connect (self);

out:
  g_object_unref (self);
}

/**
 * qs_local_socket_disconnect_from_server:
 * @self: a socket
 *
 * Closes the connection once the queued bytes are sent: state-changed
 * (CLOSING), then state-changed(UNCONNECTED),
 * [signal@Qs.IODevice::read-channel-finished] and
 * [signal@Qs.LocalSocket::disconnected]. Qt: `disconnectFromServer()`.
 *
 * Since: 1.0
 */
void
qs_local_socket_disconnect_from_server (QsLocalSocket *self)
{
  QsLocalSocketPrivate *priv;

  g_return_if_fail (QS_IS_LOCAL_SOCKET (self));

  priv = get_priv (self);
  if (priv->state == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE)
    return;

  g_object_ref (self);
  if (priv->state == QS_LOCAL_SOCKET_STATE_CONNECTING_STATE)
    {
      free_engine (self);
      set_state (self, QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE);
      goto out;
    }

  if (priv->engine)
    _qs_stream_pump_set_reading (&priv->pump, FALSE);
  set_state (self, QS_LOCAL_SOCKET_STATE_CLOSING_STATE);
  if (priv->state != QS_LOCAL_SOCKET_STATE_CLOSING_STATE)
    goto out;

  /* Queued bytes go out first; the pump calls back when they did. */
  if (priv->engine && _qs_stream_pump_has_queued (&priv->pump))
    _qs_stream_pump_update_watch (&priv->pump);
  else
    finish_disconnect (self);

out:
  g_object_unref (self);
}

/**
 * qs_local_socket_abort:
 * @self: a socket
 *
 * Drops the connection and anything queued at once, then closes the
 * device: state-changed(UNCONNECTED), read-channel-finished,
 * [signal@Qs.LocalSocket::disconnected] and, last (unlike a TCP socket's
 * abort), about-to-close. Qt: `abort()`.
 *
 * Since: 1.0
 */
void
qs_local_socket_abort (QsLocalSocket *self)
{
  g_return_if_fail (QS_IS_LOCAL_SOCKET (self));

  g_object_ref (self);
  if (get_priv (self)->state != QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE)
    finish_disconnect (self);
  qs_local_socket_real_close (QS_IO_DEVICE (self));
  g_object_unref (self);
}

/**
 * qs_local_socket_set_server_name: (set-property server-name)
 * @self: a socket
 * @name: (nullable): the server's name or path
 *
 * Sets the name [method@Qs.LocalSocket.connect_to_server] uses when given
 * none. Ignored, with a warning, unless the socket is unconnected.
 * Qt: `setServerName()`.
 *
 * Since: 1.0
 */
void
qs_local_socket_set_server_name (QsLocalSocket *self,
                                 const char    *name)
{
  QsLocalSocketPrivate *priv;

  g_return_if_fail (QS_IS_LOCAL_SOCKET (self));

  priv = get_priv (self);
  if (priv->state != QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE)
    {
      g_warning ("QsLocalSocket::set_server_name() called while not in unconnected state");
      return;
    }
  store_string (self, &priv->server_name, name, PROP_SERVER_NAME);
}

/**
 * qs_local_socket_get_server_name: (get-property server-name)
 * @self: a socket
 *
 * Qt: `serverName()`.
 *
 * Returns: (transfer none) (nullable): the server's name
 *
 * Since: 1.0
 */
const char *
qs_local_socket_get_server_name (QsLocalSocket *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), NULL);

  return get_priv (self)->server_name;
}

/**
 * qs_local_socket_get_full_server_name: (get-property full-server-name)
 * @self: a socket
 *
 * Qt: `fullServerName()`.
 *
 * Returns: (transfer none) (nullable): the path or abstract name of the
 *   server, %NULL when there is none
 *
 * Since: 1.0
 */
const char *
qs_local_socket_get_full_server_name (QsLocalSocket *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), NULL);

  return get_priv (self)->full_server_name;
}

/**
 * qs_local_socket_wait_for_connected:
 * @self: a socket
 * @msecs: the most milliseconds to wait, -1 for no limit (Qt's default: 30000)
 *
 * Blocks, without running a main loop, until a connect that had to wait
 * (the server's backlog was full) completes. With no connect of its own
 * to finish (called from a handler that connect_to_server runs, or on a
 * descriptor adopted as connecting) it returns %FALSE at the deadline,
 * at once for -1. Qt: `waitForConnected()`.
 *
 * Returns: %TRUE once connected
 *
 * Since: 1.0
 */
gboolean
qs_local_socket_wait_for_connected (QsLocalSocket *self,
                                    int            msecs)
{
  QsLocalSocketPrivate *priv;
  gint64 deadline = _qs_deadline_from_msecs (msecs);

  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), FALSE);

  priv = get_priv (self);
  if (priv->state == QS_LOCAL_SOCKET_STATE_CONNECTING_STATE && !connect_pending (priv))
    {
      /* Nothing to poll: Qt polls no descriptor until the deadline. */
      if (deadline >= 0)
        g_usleep (MAX (deadline - g_get_monotonic_time (), 0));
      return FALSE;
    }

  g_object_ref (self);
  while (connect_pending (priv))
    {
      if (_qs_socket_engine_poll (priv->engine, G_IO_OUT, deadline) != 0)
        try_connect (self);
      else
        fail_connect (self, QS_LOCAL_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, ETIMEDOUT);
    }
  g_object_unref (self);
  return priv->state == QS_LOCAL_SOCKET_STATE_CONNECTED_STATE ||
         priv->state == QS_LOCAL_SOCKET_STATE_CLOSING_STATE;
}

/**
 * qs_local_socket_wait_for_disconnected:
 * @self: a socket
 * @msecs: the most milliseconds to wait, -1 for no limit (Qt's default: 30000)
 *
 * Blocks, without running a main loop, until the connection is closed.
 * At the deadline it reports %QS_LOCAL_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR
 * and the state is unchanged; on an unconnected socket it warns and
 * returns %FALSE. Qt: `waitForDisconnected()`.
 *
 * Returns: %TRUE once disconnected
 *
 * Since: 1.0
 */
gboolean
qs_local_socket_wait_for_disconnected (QsLocalSocket *self,
                                       int            msecs)
{
  QsLocalSocketPrivate *priv;

  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), FALSE);

  priv = get_priv (self);
  if (priv->state == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE)
    {
      g_warning ("QsLocalSocket::wait_for_disconnected() is not allowed in UnconnectedState");
      return FALSE;
    }

  g_object_ref (self);
  if (wait_connected_first (self, msecs))
    _qs_stream_pump_wait_for_detach (&priv->pump, _qs_deadline_from_msecs (msecs));
  g_object_unref (self);
  return priv->state == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE;
}

/**
 * qs_local_socket_flush:
 * @self: a socket
 *
 * Writes as much of the queue as the kernel takes, without blocking.
 * Qt: `flush()`.
 *
 * Returns: %TRUE if anything was written
 *
 * Since: 1.0
 */
gboolean
qs_local_socket_flush (QsLocalSocket *self)
{
  QsLocalSocketPrivate *priv;
  gboolean wrote;

  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), FALSE);

  priv = get_priv (self);
  if (priv->pump.engine == NULL)
    return FALSE;

  g_object_ref (self);
  wrote = _qs_stream_pump_flush (&priv->pump);
  g_object_unref (self);
  return wrote;
}

/**
 * qs_local_socket_get_error: (get-property error)
 * @self: a socket
 *
 * Qt: `error()`.
 *
 * Returns: the last error, %QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR
 *   before any
 *
 * Since: 1.0
 */
QsLocalSocketError
qs_local_socket_get_error (QsLocalSocket *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);

  return get_priv (self)->error;
}

/**
 * qs_local_socket_get_state: (get-property state)
 * @self: a socket
 *
 * Qt: `state()`.
 *
 * Returns: the connection state
 *
 * Since: 1.0
 */
QsLocalSocketState
qs_local_socket_get_state (QsLocalSocket *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE);

  return get_priv (self)->state;
}

/**
 * qs_local_socket_is_valid:
 * @self: a socket
 *
 * Whether the socket has a connection, or is still open for reading what
 * a closed one left. Qt: `isValid()`.
 *
 * Returns: %TRUE when valid
 *
 * Since: 1.0
 */
gboolean
qs_local_socket_is_valid (QsLocalSocket *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), FALSE);

  return get_priv (self)->engine != NULL || qs_io_device_is_open (QS_IO_DEVICE (self));
}

/**
 * qs_local_socket_get_read_buffer_size: (get-property read-buffer-size)
 * @self: a socket
 *
 * Qt: `readBufferSize()`.
 *
 * Returns: the read buffer's limit, 0 for none
 *
 * Since: 1.0
 */
gint64
qs_local_socket_get_read_buffer_size (QsLocalSocket *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), 0);

  return get_priv (self)->read_buffer_size;
}

/**
 * qs_local_socket_set_read_buffer_size: (set-property read-buffer-size)
 * @self: a socket
 * @size: the most bytes to buffer, 0 for no limit
 *
 * Limits the read buffer; further bytes wait in the kernel until the
 * application reads. Qt: `setReadBufferSize()`.
 *
 * Since: 1.0
 */
void
qs_local_socket_set_read_buffer_size (QsLocalSocket *self,
                                      gint64         size)
{
  QsLocalSocketPrivate *priv;

  g_return_if_fail (QS_IS_LOCAL_SOCKET (self));
  g_return_if_fail (size >= 0);

  priv = get_priv (self);
  if (priv->read_buffer_size == size)
    return;
  priv->read_buffer_size = size;
  _qs_stream_pump_set_read_limit (&priv->pump, size);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_BUFFER_SIZE]);
}

/**
 * qs_local_socket_set_socket_descriptor:
 * @self: a socket
 * @socket_descriptor: a Unix-domain stream socket; the socket owns it on
 *   success
 * @socket_state: the state to take (Qt's default:
 *   %QS_LOCAL_SOCKET_STATE_CONNECTED_STATE)
 * @open_mode: how to open the device (Qt's default: %QS_OPEN_MODE_READ_WRITE)
 *
 * Adopts a connected descriptor, without emitting state-changed (Qt
 * does not). -1 is refused without an error; a descriptor that is not a
 * stream socket sets %QS_LOCAL_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR.
 * Qt: `setSocketDescriptor()`.
 *
 * Returns: %TRUE when adopted
 *
 * Since: 1.0
 */
gboolean
qs_local_socket_set_socket_descriptor (QsLocalSocket      *self,
                                       int                 socket_descriptor,
                                       QsLocalSocketState  socket_state,
                                       QsOpenMode          open_mode)
{
  QsLocalSocketPrivate *priv;
  GSocket *socket;

  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), FALSE);

  priv = get_priv (self);
  if (socket_descriptor == -1)
    return FALSE;

  socket = _qs_socket_fd_check (socket_descriptor, SOCK_STREAM) == 0
           ? g_socket_new_from_fd (socket_descriptor, NULL) : NULL;
  if (socket == NULL)
    {
      /* Qt 6.4 keeps its generic message here. */
      store_error (self, QS_LOCAL_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR);
      qs_io_device_set_error_string (QS_IO_DEVICE (self), NULL);
      return FALSE;
    }

  free_engine (self);
  priv->engine = _qs_socket_engine_new (socket, priv->context, on_engine_ready, self);
  _qs_stream_pump_set_read_limit (&priv->pump, priv->read_buffer_size);
  if (socket_state == QS_LOCAL_SOCKET_STATE_CONNECTED_STATE ||
      socket_state == QS_LOCAL_SOCKET_STATE_CLOSING_STATE)
    _qs_stream_pump_attach (&priv->pump, priv->engine);
  open_device (self, open_mode);
  if (priv->state != socket_state)
    {
      priv->state = socket_state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  return TRUE;
}

/**
 * qs_local_socket_get_socket_descriptor:
 * @self: a socket
 *
 * Qt: `socketDescriptor()`.
 *
 * Returns: the descriptor, -1 when there is none
 *
 * Since: 1.0
 */
int
qs_local_socket_get_socket_descriptor (QsLocalSocket *self)
{
  QsLocalSocketPrivate *priv;

  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), -1);

  priv = get_priv (self);
  return priv->engine ? _qs_socket_engine_get_fd (priv->engine) : -1;
}

/**
 * qs_local_socket_set_socket_options: (set-property socket-options)
 * @self: a socket
 * @options: how to find the server
 *
 * Qt: `setSocketOptions()`.
 *
 * Since: 1.0
 */
void
qs_local_socket_set_socket_options (QsLocalSocket        *self,
                                    QsLocalSocketOptions  options)
{
  QsLocalSocketPrivate *priv;

  g_return_if_fail (QS_IS_LOCAL_SOCKET (self));

  priv = get_priv (self);
  if (priv->options == options)
    return;
  priv->options = options;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOCKET_OPTIONS]);
}

/**
 * qs_local_socket_get_socket_options: (get-property socket-options)
 * @self: a socket
 *
 * Qt: `socketOptions()`.
 *
 * Returns: the socket options
 *
 * Since: 1.0
 */
QsLocalSocketOptions
qs_local_socket_get_socket_options (QsLocalSocket *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), QS_LOCAL_SOCKET_OPTIONS_NO_OPTIONS);

  return get_priv (self)->options;
}

/**
 * qs_local_socket_get_peer_credentials:
 * @self: a socket
 * @error: return location for a #GError
 *
 * The credentials (process id, user id, group id) of the process that
 * made the other end of the connection, as the kernel recorded them when
 * it connected (`SO_PEERCRED`). A qsock extra: Qt has no equivalent.
 *
 * Fails with %G_IO_ERROR_NOT_CONNECTED unless @self is connected (or
 * closing with its connection still open).
 *
 * Returns: (transfer full): the peer's credentials, or %NULL with @error set
 *
 * Since: 1.0
 */
GCredentials *
qs_local_socket_get_peer_credentials (QsLocalSocket  *self,
                                      GError        **error)
{
  QsLocalSocketPrivate *priv;

  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  priv = get_priv (self);
  if (priv->pump.engine == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("Socket is not connected"));
      return NULL;
    }
  return g_socket_get_credentials (_qs_socket_engine_get_socket (priv->engine), error);
}

/**
 * qs_local_socket_send_fds:
 * @self: a connected socket
 * @fd_list: the descriptors to pass; @self sends duplicates, so the
 *   caller keeps (and may close) its own
 * @data: (array length=size) (element-type guint8): the bytes to write
 *   with them, at least one
 * @size: the number of bytes in @data
 * @error: return location for a #GError
 *
 * Queues @data like [method@Qs.IODevice.write], and with its first byte
 * the descriptors of @fd_list (`SCM_RIGHTS`), in order with every other
 * write. The peer's [method@Qs.LocalSocket.receive_fds] hands them over
 * once that byte has been read. A qsock extra: Qt has no equivalent.
 *
 * At most 253 descriptors go in one call (the kernel's `SCM_MAX_FD`).
 * Descriptors queued but not yet sent when the connection is dropped
 * are closed with the rest of the write buffer.
 *
 * Fails with %G_IO_ERROR_NOT_CONNECTED unless @self is connected, with
 * %G_IO_ERROR_INVALID_ARGUMENT for too many descriptors, and with
 * %G_IO_ERROR_FAILED when the device refuses the write (not open for
 * writing; the device's error string says why).
 *
 * Returns: @size, or -1 with @error set
 *
 * Since: 1.0
 */
gint64
qs_local_socket_send_fds (QsLocalSocket  *self,
                          GUnixFDList    *fd_list,
                          const guint8   *data,
                          gsize           size,
                          GError        **error)
{
  QsLocalSocketPrivate *priv;
  QsIODevice *device;
  const int *peeked;
  int fds[QS_FD_CHANNEL_MAX_FDS];
  int n_fds;
  gsize queued;

  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), -1);
  g_return_val_if_fail (G_IS_UNIX_FD_LIST (fd_list), -1);
  g_return_val_if_fail (data != NULL, -1);
  g_return_val_if_fail (size >= 1, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  priv = get_priv (self);
  device = QS_IO_DEVICE (self);
  if (priv->pump.engine == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("Socket is not connected"));
      return -1;
    }
  peeked = g_unix_fd_list_peek_fds (fd_list, &n_fds);
  if (n_fds > QS_FD_CHANNEL_MAX_FDS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Too many descriptors: at most %d go in one message"),
                   QS_FD_CHANNEL_MAX_FDS);
      return -1;
    }
  for (int i = 0; i < n_fds; i++)
    {
      fds[i] = fcntl (peeked[i], F_DUPFD_CLOEXEC, 0);
      if (fds[i] < 0)
        {
          int error_number = errno;

          _qs_close_fds (fds, i);
          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (error_number),
                               g_strerror (error_number));
          return -1;
        }
    }

  queued = _qs_ring_buffer_get_size (_qs_io_device_get_write_buffer (device));
  if (qs_io_device_write (device, data, size) != (gint64) size)
    {
      _qs_close_fds (fds, n_fds);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           qs_io_device_get_error_string (device));
      return -1;
    }
  if (n_fds > 0)
    _qs_fd_channel_queue (&priv->fds, queued, fds, n_fds);
  return size;
}

/**
 * qs_local_socket_receive_fds:
 * @self: a socket
 *
 * Takes the descriptors that arrived with bytes already read out of the
 * device (read, skipped, or committed in a transaction), in the order
 * they arrived. A descriptor sent by [method@Qs.LocalSocket.send_fds]
 * is handed over once its byte (the first of that call's data) has been
 * read; from another sender, once the last byte of the receive it came
 * with has. Never before its byte. Descriptors not taken are closed when
 * the device closes or @self is freed. The descriptors are close-on-exec.
 * A qsock extra: Qt has no equivalent.
 *
 * Returns: (transfer full) (nullable): the descriptors, or %NULL when none
 *   is due
 *
 * Since: 1.0
 */
GUnixFDList *
qs_local_socket_receive_fds (QsLocalSocket *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SOCKET (self), NULL);

  return _qs_fd_channel_take (&get_priv (self)->fds,
                              _qs_ring_buffer_get_size (_qs_io_device_get_read_buffer (QS_IO_DEVICE (self))));
}
