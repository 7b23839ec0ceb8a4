/* qs-abstract-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsAbstractSocket: Qt's QAbstractSocket state machine on a GSocket.
 * Unconnected → HostLookup → Connecting → Connected → Closing →
 * Unconnected, and Bound. Host names are resolved with GResolver and each
 * address is tried in turn; connected TCP sockets move their bytes
 * through the stream pump. UDP sockets are unbuffered, as in Qt: their
 * datagrams stay in the kernel until read, and ready-read follows Qt's
 * hasPendingData rule (see datagram_can_read()). Signal order, error
 * codes and return values follow Qt 6 (checked against PyQt6 by
 * tests/oracle).
 *
 * Re-entrancy: every emission happens with a reference held on the
 * socket, and the state is read again after it, because a handler may
 * abort, close, reconnect or drop the last reference.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/socket.h>
#include <glib/gi18n-lib.h>

#include "qs-abstract-socket-private.h"
#include "qs-enum-types.h"
#include "qs-io-device-private.h"
#include "qs-marshal.h"
#include "qs-network-proxy-private.h"
#include "qs-proxy-handshake.h"
#include "qs-udp-relay.h"
#include "qs-ring-buffer.h"
#include "qs-socket-engine.h"
#include "qs-stream-pump.h"

/**
 * QsAbstractSocket:
 *
 * The state machine shared by [class@Qs.TcpSocket] and the UDP socket
 * (Qt's `QAbstractSocket`).
 *
 * A socket starts in %QS_SOCKET_STATE_UNCONNECTED_STATE.
 * [method@Qs.AbstractSocket.connect_to_host] opens the device at once,
 * looks the name up (%QS_SOCKET_STATE_HOST_LOOKUP_STATE), tries each
 * address in turn (%QS_SOCKET_STATE_CONNECTING_STATE) and emits
 * [signal@Qs.AbstractSocket::connected] on success. Bytes written before
 * that are queued and sent once connected.
 *
 * ```c
 * static void
 * on_ready_read (QsIODevice *device, gpointer user_data)
 * {
 *   g_autoptr(GBytes) bytes = qs_io_device_read_all (device);
 *   g_print ("got %zu bytes\n", g_bytes_get_size (bytes));
 * }
 *
 * QsTcpSocket *socket = qs_tcp_socket_new ();
 * g_signal_connect (socket, "ready-read", G_CALLBACK (on_ready_read), NULL);
 * qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), "localhost", 7,
 *                                     QS_OPEN_MODE_READ_WRITE,
 *                                     QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
 * qs_io_device_write (QS_IO_DEVICE (socket), (const guint8 *) "hi\n", 3);
 * ```
 *
 * Failures set [property@Qs.AbstractSocket:error] and
 * [property@Qs.IODevice:error-string] and emit
 * [signal@Qs.AbstractSocket::error-occurred], in Qt's order. The
 * `wait_for_*` calls block without running any main loop.
 *
 * The object is bound to the thread-default main context of the thread
 * that creates it, and emits its signals there.
 *
 * Since: 1.0
 */

/* Qt's QT_CONNECT_TIMEOUT: a connection attempt that has not completed
 * after this long moves on to the next address. */
#define QS_CONNECT_TIMEOUT_MS 30000

/* RFC 8305's Connection Attempt Delay: with happy-eyeballs, the next
 * address is tried when the last attempt has not completed after this
 * long. */
#define QS_ATTEMPT_DELAY_MS 250


/* One connection attempt of a happy-eyeballs race. */
typedef struct
{
  QsAbstractSocket *self;    /* (unowned): the socket owns the attempt */
  QsSocketEngine   *engine;  /* (owned) (nullable) */
  GInetAddress     *address; /* (owned) */
  guint             serial;  /* the how-manieth attempt of this connect */
} QsConnectAttempt;

typedef struct
{
  GMainContext          *context;            /* (owned) */
  QsSocketType           socket_type;
  QsSocketState          state;
  QsSocketError          error;

  QsSocketEngine        *engine;             /* (owned) (nullable) */
  QsStreamPump           pump;
  int                    cached_descriptor;

  GInetAddress          *local_address;      /* (owned) (nullable) */
  GInetAddress          *peer_address;       /* (owned) (nullable) */
  guint16                local_port;
  guint16                peer_port;
  char                  *peer_name;          /* (owned) (nullable) */

  char                  *host_name;          /* (owned) (nullable): the name being connected to */
  guint16                port;
  QsNetworkLayerProtocol protocol;
  GQueue                 addresses;          /* (owned) GInetAddress* still to try */
  int                    last_connect_errno;
  GCancellable          *lookup_cancellable; /* (owned) (nullable) */
  GSource               *connect_timer;      /* (owned) (nullable) */
  GList                 *found;              /* (owned) (element-type GInetAddress): what the lookups done so far found */
  guint                  lookups_pending;    /* lookups still running (two while racing) */
  GPtrArray             *attempts;           /* (owned) (element-type QsConnectAttempt): happy-eyeballs attempts in flight */
  guint                  attempt_serial;     /* the serial of the newest attempt */
  GSource               *attempt_timer;      /* (owned) (nullable): the Connection Attempt Delay */
  QsAsyncOp              connect_op;         /* connect_to_host_async */

  QsNetworkProxy        *proxy;              /* (owned) (nullable): set_proxy(); NULL = DEFAULT_PROXY */
  QsNetworkProxy        *connect_proxy;      /* (owned) (nullable): the proxy of the connect under way */
  QsProxyHandshake      *handshake;          /* (owned) (nullable): set while connecting through a proxy */
  QsUdpRelay            *relay;              /* (owned) (nullable): UDP through a SOCKS5 proxy (with the engine) */
  GInetAddress          *tunnel_peer;        /* (owned) (nullable): the destination's address, through a proxy */
  GInetAddress          *tunnel_local;       /* (owned) (nullable): the local address a proxy reports */
  guint16                tunnel_local_port;
  guint                  connect_serial;     /* bumped by each connect_to_host */

  gint64                 read_buffer_size;
  QsPauseModes           pause_mode;
  char                  *protocol_tag;       /* (owned) (nullable) */
  QsAbstractSocketHook   established_hook;   /* (nullable) */

  guint                  pending_close : 1;
  guint                  abort_called : 1;
  guint                  bound : 1;          /* the engine was bound by bind() */
  guint                  connect_pended : 1; /* its connect() gave EINPROGRESS */
  guint                  pending_data : 1;   /* UDP: ready-read announced, nothing read since (Qt's hasPendingData) */
  guint                  happy_eyeballs : 1;
  guint                  race : 1;           /* happy_eyeballs when connect_to_host was called */
  guint                  tunneling : 1;      /* connected to the proxy, the handshake runs */
  guint                  tunneled : 1;       /* the connection goes through a proxy's tunnel */
  guint                  tunnel_socks5 : 1;  /* tunneled through SOCKS5 (else HTTP) */
  guint                  tunnel_retried : 1; /* the one retry through the proxy was made */
} QsAbstractSocketPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (QsAbstractSocket, qs_abstract_socket, QS_TYPE_IO_DEVICE)

enum {
  PROP_0,
  PROP_SOCKET_TYPE,
  PROP_STATE,
  PROP_ERROR,
  PROP_LOCAL_ADDRESS,
  PROP_LOCAL_PORT,
  PROP_PEER_ADDRESS,
  PROP_PEER_PORT,
  PROP_PEER_NAME,
  PROP_READ_BUFFER_SIZE,
  PROP_PAUSE_MODE,
  PROP_PROTOCOL_TAG,
  PROP_HAPPY_EYEBALLS,
  PROP_PROXY,
  N_PROPS
};

enum {
  SIGNAL_HOST_FOUND,
  SIGNAL_CONNECTED,
  SIGNAL_DISCONNECTED,
  SIGNAL_STATE_CHANGED,
  SIGNAL_ERROR_OCCURRED,
  SIGNAL_PROXY_AUTHENTICATION_REQUIRED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/**
 * qs_socket_error_quark:
 *
 * The quark of the `QS_SOCKET_ERROR` error domain, whose codes are
 * [error@Qs.SocketError] values.
 *
 * Returns: the error domain of the calls that take a `GError`
 *
 * Since: 1.0
 */
G_DEFINE_QUARK (qs-socket-error-quark, qs_socket_error)

static void connect_to_next_address (QsAbstractSocket *self);
static void race_next_address (QsAbstractSocket *self);
static void on_engine_ready (GIOCondition condition, gpointer user_data);
static void connect_to_proxy (QsAbstractSocket *self);
static void tunnel_step (QsAbstractSocket *self, QsProxyStep step);
static void start_connect_timer (QsAbstractSocket *self, guint timeout_ms);
static gboolean retry_tunnel (QsAbstractSocket *self, QsSocketError error);
static void fail_connect_with (QsAbstractSocket *self, QsSocketError error, const char *message);

static inline QsAbstractSocketPrivate *
get_priv (QsAbstractSocket *self)
{
  return qs_abstract_socket_get_instance_private (self);
}

/* Qt's !isBuffered: a UDP socket's datagrams bypass the stream buffers. */
static inline gboolean
is_datagram (QsAbstractSocketPrivate *priv)
{
  return priv->socket_type == QS_SOCKET_TYPE_UDP_SOCKET;
}

/* Sole writer of priv->state: stores and notifies. */
static gboolean
store_state (QsAbstractSocket *self,
             QsSocketState     state)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->state == state)
    return FALSE;
  priv->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  return TRUE;
}

/* Stores, notifies and emits state-changed, as Qt's
 * `state = s; emit stateChanged(s)`. Callers hold a reference. */
static void
set_state (QsAbstractSocket *self,
           QsSocketState     state)
{
  store_state (self, state);
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, state);
}

static void
emit_state_changed (QsAbstractSocket *self)
{
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, get_priv (self)->state);
}

/* Qt's setError(): code and message, no signal. */
static void
set_error (QsAbstractSocket *self,
           QsSocketError     error,
           const char       *message)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->error != error)
    {
      priv->error = error;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
    }
  qs_io_device_set_error_string (QS_IO_DEVICE (self), message);
}

/* Emits error-occurred with the stored error; then a pending
 * connect_to_host_async fails with it. Callers hold a reference. */
static void
emit_error_occurred (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  g_signal_emit (self, signals[SIGNAL_ERROR_OCCURRED], 0, priv->error);
  _qs_async_op_fail (&priv->connect_op, QS_SOCKET_ERROR, priv->error,
                     qs_io_device_get_error_string (QS_IO_DEVICE (self)));
}

/* Qt's setErrorAndEmit(). Callers hold a reference. */
static void
set_error_and_emit (QsAbstractSocket *self,
                    QsSocketError     error,
                    const char       *message)
{
  set_error (self, error, message);
  emit_error_occurred (self);
}

static void
set_error_from_errno (QsAbstractSocket *self,
                      QsEngineOp        op,
                      int               error_number,
                      gboolean          emit)
{
  const char *message = NULL;
  QsSocketError error = _qs_socket_error_from_errno (op, error_number, &message);

  if (emit)
    set_error_and_emit (self, error, message);
  else
    set_error (self, error, message);
}

static void
store_address (QsAbstractSocket  *self,
               GInetAddress     **field,
               GInetAddress      *address,
               guint              prop_id)
{
  if (*field == address ||
      (*field && address && g_inet_address_equal (*field, address)))
    return;
  g_set_object (field, address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
store_port (QsAbstractSocket *self,
            guint16          *field,
            guint16           port,
            guint             prop_id)
{
  if (*field == port)
    return;
  *field = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
store_peer_name (QsAbstractSocket *self,
                 const char       *name)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (name && *name == '\0')
    name = NULL;
  if (g_strcmp0 (priv->peer_name, name) == 0)
    return;
  g_free (priv->peer_name);
  priv->peer_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_NAME]);
}

/* Qt clears the endpoints once unconnected but keeps peerName. */
static void
clear_endpoints (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  store_port (self, &priv->local_port, 0, PROP_LOCAL_PORT);
  store_port (self, &priv->peer_port, 0, PROP_PEER_PORT);
  store_address (self, &priv->local_address, NULL, PROP_LOCAL_ADDRESS);
  store_address (self, &priv->peer_address, NULL, PROP_PEER_ADDRESS);
}

/* Reads both endpoints of the engine's socket into the properties. */
static void
fetch_endpoints (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  g_autoptr(GInetAddress) local = NULL;
  g_autoptr(GInetAddress) peer = NULL;
  guint16 local_port = 0, peer_port = 0;

  if (priv->tunneled)
    {
      /* Through a proxy: the destination, and the local end the proxy
       * reported (SOCKS5) or the one of the connection to it (HTTP). */
      peer = priv->tunnel_peer ? g_object_ref (priv->tunnel_peer) : NULL;
      peer_port = priv->port;
      if (priv->relay)
        local_port = 0;    /* the relay's address is the proxy's */
      else if (priv->tunnel_local)
        {
          local = g_object_ref (priv->tunnel_local);
          local_port = priv->tunnel_local_port;
        }
      else
        _qs_socket_engine_get_address (priv->engine, FALSE, &local, &local_port);
    }
  else
    {
      _qs_socket_engine_get_address (priv->engine, FALSE, &local, &local_port);
      _qs_socket_engine_get_address (priv->engine, TRUE, &peer, &peer_port);
    }
  store_port (self, &priv->local_port, local_port, PROP_LOCAL_PORT);
  store_port (self, &priv->peer_port, peer_port, PROP_PEER_PORT);
  store_address (self, &priv->local_address, local, PROP_LOCAL_ADDRESS);
  store_address (self, &priv->peer_address, peer, PROP_PEER_ADDRESS);
}

static void
cancel_lookup (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->lookup_cancellable)
    {
      g_cancellable_cancel (priv->lookup_cancellable);
      g_clear_object (&priv->lookup_cancellable);
    }
  g_list_free_full (g_steal_pointer (&priv->found), g_object_unref);
  priv->lookups_pending = 0;
}

static void
stop_timer (GSource **timer)
{
  if (*timer)
    {
      g_source_destroy (*timer);
      g_clear_pointer (timer, g_source_unref);
    }
}

static void
connect_attempt_free (gpointer data)
{
  QsConnectAttempt *attempt = data;

  _qs_socket_engine_free (attempt->engine);
  g_object_unref (attempt->address);
  g_free (attempt);
}

/* Drops every happy-eyeballs attempt in flight, emitting nothing. */
static void
stop_race (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  stop_timer (&priv->attempt_timer);
  g_ptr_array_set_size (priv->attempts, 0);
}

static void
stop_connect_timer (QsAbstractSocket *self)
{
  stop_timer (&get_priv (self)->connect_timer);
}

static void
free_engine (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  _qs_stream_pump_detach (&priv->pump);
  g_clear_pointer (&priv->engine, _qs_socket_engine_free);
  g_clear_pointer (&priv->relay, _qs_udp_relay_free);
  priv->bound = FALSE;
  priv->connect_pended = FALSE;
  priv->pending_data = FALSE;
}

/* Drops the proxy handshake under way, if any. */
static void
stop_proxy (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  g_clear_pointer (&priv->handshake, _qs_proxy_handshake_free);
  g_clear_pointer (&priv->connect_proxy, qs_network_proxy_unref);
  priv->tunneling = FALSE;
}

/* Qt's resetSocketLayer(): drops the engine, the lookup and the timer. */
static void
reset_socket_layer (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  cancel_lookup (self);
  stop_connect_timer (self);
  stop_race (self);
  stop_proxy (self);
  if (priv->engine)
    {
      free_engine (self);
      priv->cached_descriptor = -1;
    }
}

static gboolean
create_engine (QsAbstractSocket *self,
               GSocketFamily     family,
               int              *error_number)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  free_engine (self);
  if (is_datagram (priv))
    priv->engine = _qs_socket_engine_new_udp (family, priv->context, on_engine_ready, self, error_number);
  else
    priv->engine = _qs_socket_engine_new_tcp (family, priv->context, on_engine_ready, self, error_number);
  return priv->engine != NULL;
}

/* Qt's setReadNotificationEnabled(true) after a UDP socket is bound or
 * connected, or a datagram was read: nothing is announced but unread. */
static void
datagram_watch (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  priv->pending_data = FALSE;
  if (priv->engine)
    _qs_socket_engine_set_events (priv->engine, G_IO_IN);
}

/* Qt 6.4's canReadNotification() for an unbuffered (UDP) socket: the
 * first readiness event announces what is pending with one ready-read;
 * the next, while nothing was read, stops watching (no busy loop) until
 * a read re-arms it. Nothing is received here, not even a peek: an ICMP
 * error of a connected socket stays on it for the next call to report,
 * and its later events emit nothing, as in Qt. Callers hold a reference. */
static gboolean
datagram_can_read (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->engine == NULL)
    return FALSE;

  if (priv->pending_data)
    {
      _qs_socket_engine_set_events (priv->engine, 0);
      return TRUE;
    }

  priv->pending_data = TRUE;
  _qs_io_device_emit_ready_read (QS_IO_DEVICE (self));
  return TRUE;
}

/* A pending connect_to_host_async succeeds. Callers hold a reference. */
static void
complete_connect (QsAbstractSocket *self)
{
  GTask *task = _qs_async_op_end (&get_priv (self)->connect_op);

  if (task == NULL)
    return;
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The connection to the proxy is up: the handshake starts, and the
 * socket stays CONNECTING until the tunnel is. The connect timer now
 * limits the handshake. Callers hold a reference. */
static void
begin_tunnel (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  priv->tunneling = TRUE;
  g_queue_clear_full (&priv->addresses, g_object_unref);
  /* Measured with PyQt6 6.4.2: to an address, Qt gives the handshake
   * the connect timeout; to a name (resolved by the proxy), it waits
   * for ever. */
  if (priv->tunnel_peer)
    start_connect_timer (self, QS_CONNECT_TIMEOUT_MS);
  else
    stop_connect_timer (self);
  _qs_proxy_handshake_begin (priv->handshake);
  tunnel_step (self, _qs_proxy_handshake_step (priv->handshake, priv->engine));
}

/* Qt's fetchConnectionParameters(): the connection is up. */
static void
connection_established (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->handshake && !priv->tunneling)
    {
      begin_tunnel (self);
      return;
    }
  stop_connect_timer (self);
  g_queue_clear_full (&priv->addresses, g_object_unref);
  store_peer_name (self, priv->host_name);
  fetch_endpoints (self);
  priv->cached_descriptor = _qs_socket_engine_get_fd (priv->engine);
  if (is_datagram (priv))
    datagram_watch (self);
  else
    _qs_stream_pump_attach (&priv->pump, priv->engine);

  set_state (self, QS_SOCKET_STATE_CONNECTED_STATE);
  if (priv->state != QS_SOCKET_STATE_CONNECTED_STATE)
    return;
  if (priv->established_hook)
    {
      priv->established_hook (self);
      if (priv->state != QS_SOCKET_STATE_CONNECTED_STATE)
        return;
    }
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0);
  complete_connect (self);
}

/* A connect that had to wait is up: connection_established(), then a
 * disconnect_from_host() made meanwhile. Callers hold a reference. */
static void
connection_completed (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  connection_established (self);
  if (priv->pending_close && priv->state == QS_SOCKET_STATE_CONNECTED_STATE)
    {
      priv->pending_close = FALSE;
      qs_abstract_socket_disconnect_from_host (self);
    }
}

/* Qt's _q_testConnection(): a pending connect has an outcome. */
static void
test_connection (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  int error_number;

  if (priv->tunneling)
    {
      tunnel_step (self, _qs_proxy_handshake_step (priv->handshake, priv->engine));
      return;
    }
  stop_connect_timer (self);
  error_number = _qs_socket_engine_finish_connect (priv->engine);
  if (error_number == 0)
    {
      connection_completed (self);
      return;
    }

  priv->last_connect_errno = error_number;
  connect_to_next_address (self);
}

/* Qt's _q_abortConnectionAttempt(). */
static gboolean
on_connect_timeout (gpointer user_data)
{
  QsAbstractSocket *self = user_data;
  QsAbstractSocketPrivate *priv = get_priv (self);

  gboolean racing = priv->attempts->len > 0;

  g_object_ref (self);
  g_clear_pointer (&priv->connect_timer, g_source_unref);
  if (priv->engine)
    _qs_socket_engine_set_events (priv->engine, 0);
  stop_race (self);

  if (priv->handshake && g_queue_is_empty (&priv->addresses))
    {
      gboolean socks5 = qs_network_proxy_get_proxy_type (priv->connect_proxy) == QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY;

      /* Measured with PyQt6 6.4.2: a connection to the proxy that is not
       * up in time is tried once more. To an address, the second timeout
       * is Qt's own error, as for a proxy that does not answer; to a name,
       * an HTTP proxy's gives its proxy error and a SOCKS5 proxy is tried
       * again for ever. */
      if (retry_tunnel (self, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR))
        ;
      else if (!priv->tunneling && priv->tunnel_peer == NULL && (!priv->tunnel_retried || socks5))
        {
          priv->tunnel_retried = TRUE;
          connect_to_proxy (self);
        }
      else
        {
          if (priv->tunnel_peer)
            stop_proxy (self);
          fail_connect_with (self, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, _("Connection timed out"));
        }
    }
  else if (g_queue_is_empty (&priv->addresses))
    {
      store_state (self, QS_SOCKET_STATE_UNCONNECTED_STATE);
      set_error (self, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, _("Connection timed out"));
      emit_state_changed (self);
      if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
        emit_error_occurred (self);
    }
  else if (racing)
    race_next_address (self);
  else
    connect_to_next_address (self);

  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
start_connect_timer (QsAbstractSocket *self,
                     guint             timeout_ms)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  stop_connect_timer (self);
  priv->connect_timer = g_timeout_source_new (timeout_ms);
  g_source_set_static_name (priv->connect_timer, "[qsock] connect timeout");
  g_source_set_callback (priv->connect_timer, on_connect_timeout, self, NULL);
  g_source_attach (priv->connect_timer, priv->context);
}

/* Ends a failed connect without a signal: UNCONNECTED and @error
 * stored, the attempt dropped. */
static void
stop_connecting (QsAbstractSocket *self,
                 QsSocketError     error,
                 const char       *message)
{
  store_state (self, QS_SOCKET_STATE_UNCONNECTED_STATE);
  set_error (self, error, message);
  stop_connect_timer (self);
  stop_proxy (self);
  free_engine (self);
}

/* The connect failed with @error: UNCONNECTED, then the error. A failure
 * to reach a proxy becomes Qt's proxy error (its own text per proxy
 * type). Callers hold a reference. */
static void
fail_connect_with (QsAbstractSocket *self,
                   QsSocketError     error,
                   const char       *message)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->handshake && !priv->tunneling)
    {
      const char *proxy_message = NULL;

      error = _qs_proxy_connect_error (qs_network_proxy_get_proxy_type (priv->connect_proxy), error, &proxy_message);
      if (proxy_message)
        message = proxy_message;
    }
  stop_connecting (self, error, message);
  emit_state_changed (self);
  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    emit_error_occurred (self);
}

/* Qt's startConnectingByName() when the engine fails inside the call (a
 * UDP socket's SOCKS5 engine): the error, then state-changed. Callers
 * hold a reference. */
static void
fail_connect_by_name (QsAbstractSocket *self,
                      QsSocketError     error,
                      const char       *message)
{
  stop_connecting (self, error, message);
  emit_error_occurred (self);
  emit_state_changed (self);
}

/* Every address failed: UNCONNECTED, then the error of the last address
 * tried (Qt's choice). Callers hold a reference. */
static void
fail_connect (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  const char *message = _("Connection refused");
  QsSocketError error = QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;

  if (priv->last_connect_errno != 0 && priv->last_connect_errno != ECONNREFUSED)
    error = _qs_socket_error_from_errno (QS_ENGINE_OP_CONNECT, priv->last_connect_errno, &message);
  fail_connect_with (self, error, message);
}

/* The port connect() goes to: the proxy's while connecting through one. */
static guint16
connect_port (QsAbstractSocketPrivate *priv)
{
  return priv->handshake ? qs_network_proxy_get_port (priv->connect_proxy) : priv->port;
}

/* Qt's _q_connectToNextAddress(). Callers hold a reference. */
static void
connect_to_next_address (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  do
    {
      g_autoptr(GInetAddress) address = NULL;
      int error_number = 0;

      if (g_queue_is_empty (&priv->addresses))
        {
          fail_connect (self);
          return;
        }

      address = g_queue_pop_head (&priv->addresses);

      /* A socket bound before connect_to_host keeps its descriptor. */
      if (!priv->bound || priv->engine == NULL)
        {
          if (!create_engine (self, g_inet_address_get_family (address), &error_number))
            {
              priv->last_connect_errno = error_number;
              continue;
            }
        }

      error_number = _qs_socket_engine_connect (priv->engine, address, connect_port (priv));
      if (error_number == 0)
        {
          connection_established (self);
          return;
        }
      if (error_number != EINPROGRESS)
        {
          priv->last_connect_errno = error_number;
          continue;
        }

      priv->connect_pended = TRUE;
      start_connect_timer (self, QS_CONNECT_TIMEOUT_MS);
      _qs_socket_engine_set_events (priv->engine, G_IO_OUT);
      return;
    }
  while (priv->state != QS_SOCKET_STATE_CONNECTED_STATE);
}

/* The winner of a race becomes the socket's engine: its descriptor is
 * duplicated into an engine that reports to on_engine_ready(), then every
 * attempt (the winner's too) is dropped. FALSE with errno in
 * @error_number when the descriptor cannot be taken over. */
static gboolean
adopt_attempt (QsAbstractSocket *self,
               QsConnectAttempt *attempt,
               int              *error_number)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  int fd = fcntl (_qs_socket_engine_get_fd (attempt->engine), F_DUPFD_CLOEXEC, 0);
  GSocket *socket;

  if (fd < 0)
    {
      *error_number = errno;
      return FALSE;
    }
  socket = g_socket_new_from_fd (fd, NULL);
  if (socket == NULL)
    {
      close (fd);
      *error_number = EINVAL;
      return FALSE;
    }

  stop_race (self);
  g_queue_clear_full (&priv->addresses, g_object_unref);
  free_engine (self);
  priv->engine = _qs_socket_engine_new (socket, priv->context, on_engine_ready, self);
  return TRUE;
}

/* An attempt failed: the next address is tried at once (RFC 8305 does
 * not wait out the delay after a failure); with none left and nothing in
 * flight, the connect fails. The error is the last address tried's.
 * Callers hold a reference. */
static void
race_attempt_failed (QsAbstractSocket *self,
                     guint             serial,
                     int               error_number)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (serial == priv->attempt_serial)
    priv->last_connect_errno = error_number;
  if (!g_queue_is_empty (&priv->addresses))
    race_next_address (self);
  else if (priv->attempts->len == 0)
    {
      stop_connect_timer (self);
      fail_connect (self);
    }
}

static void
on_attempt_ready (GIOCondition condition,
                  gpointer     user_data)
{
  QsConnectAttempt *attempt = user_data;
  QsAbstractSocket *self = attempt->self;
  QsAbstractSocketPrivate *priv = get_priv (self);
  guint serial = attempt->serial;
  int error_number;

  g_object_ref (self);
  if (priv->state != QS_SOCKET_STATE_CONNECTING_STATE)
    {
      stop_race (self);
      g_object_unref (self);
      return;
    }
  error_number = _qs_socket_engine_finish_connect (attempt->engine);
  if (error_number == 0 && adopt_attempt (self, attempt, &error_number))
    {
      stop_connect_timer (self);
      priv->connect_pended = TRUE;
      connection_completed (self);
    }
  else
    {
      g_ptr_array_remove (priv->attempts, attempt);
      race_attempt_failed (self, serial, error_number);
    }
  g_object_unref (self);
}

static gboolean
on_attempt_delay (gpointer user_data)
{
  QsAbstractSocket *self = user_data;

  g_object_ref (self);
  g_clear_pointer (&get_priv (self)->attempt_timer, g_source_unref);
  race_next_address (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* Happy eyeballs (RFC 8305): starts an attempt on the next address while
 * the earlier ones stay in flight; the first to complete wins. Each
 * attempt has an engine of its own until it wins. Callers hold a
 * reference. */
static void
race_next_address (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  stop_timer (&priv->attempt_timer);
  while (!g_queue_is_empty (&priv->addresses))
    {
      QsConnectAttempt *attempt = g_new0 (QsConnectAttempt, 1);
      int error_number = 0;

      attempt->self = self;
      attempt->address = g_queue_pop_head (&priv->addresses);
      attempt->serial = ++priv->attempt_serial;
      attempt->engine = _qs_socket_engine_new_tcp (g_inet_address_get_family (attempt->address), priv->context,
                                                   on_attempt_ready, attempt, &error_number);
      if (attempt->engine != NULL)
        error_number = _qs_socket_engine_connect (attempt->engine, attempt->address, priv->port);
      if (error_number == 0 && adopt_attempt (self, attempt, &error_number))
        {
          connect_attempt_free (attempt);
          stop_connect_timer (self);
          connection_established (self);
          return;
        }
      if (error_number != EINPROGRESS)
        {
          connect_attempt_free (attempt);
          priv->last_connect_errno = error_number;
          continue;
        }

      g_ptr_array_add (priv->attempts, attempt);
      _qs_socket_engine_set_events (attempt->engine, G_IO_OUT);
      start_connect_timer (self, QS_CONNECT_TIMEOUT_MS);
      if (!g_queue_is_empty (&priv->addresses))
        {
          priv->attempt_timer = g_timeout_source_new (QS_ATTEMPT_DELAY_MS);
          g_source_set_static_name (priv->attempt_timer, "[qsock] connection attempt delay");
          g_source_set_callback (priv->attempt_timer, on_attempt_delay, self, NULL);
          g_source_attach (priv->attempt_timer, priv->context);
        }
      return;
    }

  if (priv->attempts->len == 0)
    {
      stop_connect_timer (self);
      fail_connect (self);
    }
}

/* wait_for_connected() goes on Qt's way, one address at a time: the
 * attempts in flight are dropped and their addresses tried again first. */
static void
stop_race_for_wait (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  for (guint i = priv->attempts->len; i > 0; i--)
    {
      QsConnectAttempt *attempt = g_ptr_array_index (priv->attempts, i - 1);

      g_queue_push_head (&priv->addresses, g_object_ref (attempt->address));
    }
  stop_race (self);
}

static gboolean
protocol_matches (QsNetworkLayerProtocol  protocol,
                  GInetAddress           *address)
{
  GSocketFamily family = g_inet_address_get_family (address);

  switch (protocol)
    {
    case QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL:
      return family == G_SOCKET_FAMILY_IPV4;
    case QS_NETWORK_LAYER_PROTOCOL_IPV6_PROTOCOL:
      return family == G_SOCKET_FAMILY_IPV6;
    case QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL:
    case QS_NETWORK_LAYER_PROTOCOL_UNKNOWN_NETWORK_LAYER_PROTOCOL:
    default:
      return TRUE;
    }
}

/* The addresses of the proxy's host (transfer full): connect to them in
 * turn, or fail as Qt does when the proxy's name is not found. Callers
 * hold a reference. */
static void
proxy_addresses_found (QsAbstractSocket *self,
                       GList            *addresses)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  g_queue_clear_full (&priv->addresses, g_object_unref);
  for (GList *l = addresses; l; l = l->next)
    g_queue_push_tail (&priv->addresses, g_object_ref (l->data));
  g_list_free_full (addresses, g_object_unref);
  if (g_queue_is_empty (&priv->addresses))
    fail_connect_with (self, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR, _("Host not found"));
  else
    connect_to_next_address (self);
}

static void
on_proxy_lookup_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  QsAbstractSocket *self;

  /* A cancelled lookup's socket may be gone: touch nothing. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = g_object_ref (user_data);
  g_clear_object (&get_priv (self)->lookup_cancellable);
  proxy_addresses_found (self, addresses);
  g_object_unref (self);
}

/* Qt's control socket connectToHost(proxy host name, port): the
 * proxy's name is looked up (unless it is an address), then each of its
 * addresses is tried; connection_established() then begins the
 * handshake. Also the reconnect after new credentials. Callers hold a
 * reference. */
static void
connect_to_proxy (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  const char *proxy_host = qs_network_proxy_get_host_name (priv->connect_proxy);
  g_autoptr(GInetAddress) literal = proxy_host ? g_inet_address_new_from_string (proxy_host) : NULL;
  g_autoptr(GResolver) resolver = NULL;

  stop_connect_timer (self);
  free_engine (self);
  priv->tunneling = FALSE;
  priv->last_connect_errno = 0;
  if (literal || proxy_host == NULL)
    {
      proxy_addresses_found (self, literal ? g_list_prepend (NULL, g_steal_pointer (&literal)) : NULL);
      return;
    }

  resolver = g_resolver_get_default ();
  priv->lookup_cancellable = g_cancellable_new ();
  g_main_context_push_thread_default (priv->context);
  g_resolver_lookup_by_name_async (resolver, proxy_host, priv->lookup_cancellable, on_proxy_lookup_done, self);
  g_main_context_pop_thread_default (priv->context);
}

/* Qt's UDP ASSOCIATE: the proxy relays the datagrams of the engine's
 * bound address (blocking). FALSE with Qt's error in @error and
 * @message when the proxy cannot. */
static gboolean
associate_relay (QsAbstractSocket *self,
                 QsNetworkProxy   *proxy,
                 QsSocketError    *error,
                 const char      **message)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  g_autoptr(GInetAddress) local = NULL;
  guint16 local_port = 0;

  _qs_socket_engine_get_bound_address (priv->engine, FALSE, &local, &local_port);
  priv->relay = _qs_udp_relay_new (proxy, local, local_port, priv->context, error, message);
  return priv->relay != NULL;
}

/* Qt's QSocks5SocketEngine::connectInternal() for UDP: the socket binds
 * through the proxy's relay (blocking), unless it is bound through it
 * already, and is connected at once: its datagrams go to @address
 * through the relay. To a name (@address NULL) Qt looks the name up
 * itself (blocking; a name that does not resolve fails the connect, the
 * error before the state change), yet its relayed datagrams have no
 * destination: sending fails. Callers hold a reference. */
static void
connect_datagram_through_proxy (QsAbstractSocket *self,
                                GInetAddress     *address)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  void (*fail) (QsAbstractSocket *, QsSocketError, const char *) = address ? fail_connect_with
                                                                           : fail_connect_by_name;
  QsSocketError error;
  const char *message = NULL;
  int error_number = 0;

  if (priv->relay == NULL)
    {
      if (!create_engine (self, G_SOCKET_FAMILY_IPV4, &error_number) ||
          (error_number = _qs_socket_engine_bind (priv->engine, any, 0, FALSE)) != 0)
        {
          error = _qs_socket_error_from_errno (QS_ENGINE_OP_BIND, error_number, &message);
          fail (self, error, message);
          return;
        }
      if (!associate_relay (self, priv->connect_proxy, &error, &message))
        {
          fail (self, error, message);
          return;
        }
    }
  if (address == NULL)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      GList *found = g_resolver_lookup_by_name (resolver, priv->host_name, NULL, NULL);

      if (found == NULL)
        {
          fail (self, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR, _("Host not found"));
          return;
        }
      g_resolver_free_addresses (found);
    }
  _qs_udp_relay_set_peer (priv->relay, address, priv->port);
  priv->tunneled = TRUE;
  connection_established (self);
}

/* Connects through the connect's proxy to @address, or to the host name
 * (resolved by the proxy) when it is NULL. Callers hold a reference. */
static void
connect_through_proxy (QsAbstractSocket *self,
                       GInetAddress     *address)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  g_set_object (&priv->tunnel_peer, address);
  if (is_datagram (priv))
    {
      connect_datagram_through_proxy (self, address);
      return;
    }
  priv->handshake = _qs_proxy_handshake_new (priv->connect_proxy, address ? NULL : priv->host_name,
                                             address, priv->port);
  connect_to_proxy (self);
}

/* Qt's _q_testConnection() after a tunnel to an address failed: unless
 * the error is a proxy's, Qt tries the address once more (it is in its
 * list twice; PyQt6 6.4.2 shows a second connection to the proxy), with
 * a new connection to the proxy. TRUE when it does. Callers hold a
 * reference. */
static gboolean
retry_tunnel (QsAbstractSocket *self,
              QsSocketError     error)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  g_autoptr(GInetAddress) peer = NULL;

  if (priv->tunnel_peer == NULL || priv->tunnel_retried ||
      error == QS_SOCKET_ERROR_PROXY_AUTHENTICATION_REQUIRED_ERROR ||
      (error >= QS_SOCKET_ERROR_PROXY_CONNECTION_REFUSED_ERROR && error <= QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR))
    return FALSE;

  priv->tunnel_retried = TRUE;
  peer = g_object_ref (priv->tunnel_peer);
  g_clear_pointer (&priv->handshake, _qs_proxy_handshake_free);
  connect_through_proxy (self, peer);
  return TRUE;
}

/* The tunnel is up: the socket is connected to the destination, and the
 * bytes the proxy sent after its reply are the first the application
 * reads. Callers hold a reference. */
static void
tunnel_established (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  g_autoptr(GBytes) leftover = _qs_proxy_handshake_take_leftover (priv->handshake);
  g_autoptr(GInetAddress) bound = NULL;
  guint serial = priv->connect_serial;

  if (_qs_proxy_handshake_get_bound (priv->handshake, &bound, &priv->tunnel_local_port))
    g_set_object (&priv->tunnel_local, bound);
  priv->tunnel_socks5 = qs_network_proxy_get_proxy_type (priv->connect_proxy) == QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY;
  stop_proxy (self);
  priv->tunneled = TRUE;
  connection_completed (self);

  if (leftover && priv->connect_serial == serial && priv->engine &&
      (priv->state == QS_SOCKET_STATE_CONNECTED_STATE || priv->state == QS_SOCKET_STATE_CLOSING_STATE))
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (leftover, &size);

      _qs_ring_buffer_append (_qs_io_device_get_read_buffer (QS_IO_DEVICE (self)), data, size);
      _qs_io_device_emit_ready_read (QS_IO_DEVICE (self));
    }
}

/* Acts on what the handshake's last step asked for. Callers hold a
 * reference. */
static void
tunnel_step (QsAbstractSocket *self,
             QsProxyStep       step)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  for (;;)
    {
      switch (step)
        {
        case QS_PROXY_STEP_WAIT:
          _qs_socket_engine_set_events (priv->engine, _qs_proxy_handshake_get_events (priv->handshake));
          return;

        case QS_PROXY_STEP_DONE:
          tunnel_established (self);
          return;

        case QS_PROXY_STEP_RECONNECT:
          connect_to_proxy (self);
          return;

        case QS_PROXY_STEP_AUTHENTICATE:
          {
            g_autoptr(QsAuthenticator) authenticator = _qs_proxy_handshake_new_authenticator (priv->handshake);
            g_autoptr(QsNetworkProxy) proxy = qs_network_proxy_copy (_qs_proxy_handshake_get_proxy (priv->handshake));
            guint serial = priv->connect_serial;

            _qs_socket_engine_set_events (priv->engine, 0);
            g_signal_emit (self, signals[SIGNAL_PROXY_AUTHENTICATION_REQUIRED], 0, proxy, authenticator);
            /* The handler may have aborted, or connected again. */
            if (priv->connect_serial != serial || priv->handshake == NULL ||
                priv->state != QS_SOCKET_STATE_CONNECTING_STATE)
              return;
            step = _qs_proxy_handshake_authenticated (priv->handshake, authenticator, priv->engine);
            break;
          }

        case QS_PROXY_STEP_FAILED:
        default:
          {
            const char *message = NULL;
            QsSocketError error = _qs_proxy_handshake_get_error (priv->handshake, &message);

            if (!retry_tunnel (self, error))
              fail_connect_with (self, error, message);
            return;
          }
        }
    }
}

/* Qt's _q_startConnecting(): the lookup is done. @addresses is (transfer
 * full) (element-type GInetAddress). Callers hold a reference. */
static void
start_connecting (QsAbstractSocket *self,
                  GList            *addresses)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  g_queue_clear_full (&priv->addresses, g_object_unref);
  if (priv->state != QS_SOCKET_STATE_HOST_LOOKUP_STATE)
    {
      g_list_free_full (addresses, g_object_unref);
      return;
    }

  for (GList *l = addresses; l; l = l->next)
    {
      if (protocol_matches (priv->protocol, l->data))
        g_queue_push_tail (&priv->addresses, g_object_ref (l->data));
    }
  g_list_free_full (addresses, g_object_unref);

  if (g_queue_is_empty (&priv->addresses))
    {
      set_state (self, QS_SOCKET_STATE_UNCONNECTED_STATE);
      if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
        set_error_and_emit (self, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR, _("Host not found"));
      return;
    }

  set_state (self, QS_SOCKET_STATE_CONNECTING_STATE);
  if (priv->state != QS_SOCKET_STATE_CONNECTING_STATE)
    return;
  g_signal_emit (self, signals[SIGNAL_HOST_FOUND], 0);
  if (priv->state != QS_SOCKET_STATE_CONNECTING_STATE)
    return;

  priv->last_connect_errno = 0;
  priv->attempt_serial = 0;
  if (priv->connect_proxy)
    {
      /* The proxy connects to the first address (Qt's proxy engines
       * report a failure as a proxy error, which ends the connect). */
      connect_through_proxy (self, g_queue_peek_head (&priv->addresses));
      return;
    }
  /* A socket bound before connect_to_host has one descriptor: no race. */
  if (priv->race && !priv->bound && !is_datagram (priv))
    race_next_address (self);
  else
    connect_to_next_address (self);
}

/* RFC 8305's interleaving: IPv6 first, then one address of each family
 * in turn, each family in the resolver's order. @addresses is (transfer
 * full); so is the result. */
static GList *
interleave_families (GList *addresses)
{
  GQueue families[2] = { G_QUEUE_INIT, G_QUEUE_INIT };
  GList *result = NULL;

  for (GList *l = addresses; l; l = l->next)
    g_queue_push_tail (&families[g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV6 ? 0 : 1], l->data);
  g_list_free (addresses);

  while (!g_queue_is_empty (&families[0]) || !g_queue_is_empty (&families[1]))
    {
      for (guint i = 0; i < G_N_ELEMENTS (families); i++)
        {
          if (!g_queue_is_empty (&families[i]))
            result = g_list_prepend (result, g_queue_pop_head (&families[i]));
        }
    }
  return g_list_reverse (result);
}

/* A lookup is done: the only one, or one of the two of a race (IPv6
 * only, IPv4 only), where the connect starts when both are and a family
 * without addresses is no error while the other has some. */
static void
on_lookup_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_with_flags_finish (G_RESOLVER (source), result, &error);
  QsAbstractSocket *self;
  QsAbstractSocketPrivate *priv;

  /* A cancelled lookup's socket may be gone: touch nothing. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  priv = get_priv (self);
  priv->found = g_list_concat (priv->found, addresses);
  if (--priv->lookups_pending > 0)
    return;

  g_object_ref (self);
  g_clear_object (&priv->lookup_cancellable);
  addresses = g_steal_pointer (&priv->found);
  start_connecting (self, priv->race ? interleave_families (addresses) : addresses);
  g_object_unref (self);
}

static void
on_engine_ready (GIOCondition condition,
                 gpointer     user_data)
{
  QsAbstractSocket *self = user_data;
  QsAbstractSocketPrivate *priv = get_priv (self);

  g_object_ref (self);
  if (is_datagram (priv) &&
      (priv->state == QS_SOCKET_STATE_BOUND_STATE || priv->state == QS_SOCKET_STATE_CONNECTED_STATE))
    {
      datagram_can_read (self);
      g_object_unref (self);
      return;
    }

  switch (priv->state)
    {
    case QS_SOCKET_STATE_CONNECTING_STATE:
      test_connection (self);
      break;

    case QS_SOCKET_STATE_CONNECTED_STATE:
    case QS_SOCKET_STATE_CLOSING_STATE:
      _qs_stream_pump_dispatch (&priv->pump, condition);
      break;

    case QS_SOCKET_STATE_UNCONNECTED_STATE:
    case QS_SOCKET_STATE_HOST_LOOKUP_STATE:
    case QS_SOCKET_STATE_BOUND_STATE:
    case QS_SOCKET_STATE_LISTENING_STATE:
    default:
      if (priv->engine)
        _qs_socket_engine_set_events (priv->engine, 0);
      break;
    }
  g_object_unref (self);
}

/* Qt's proxy engines report the end of a tunnel with texts of their
 * own (QSocks5SocketEngine::read(), QHttpSocketEngine::read(); Qt does
 * not translate them). */
static const char *
tunnel_closed_message (QsAbstractSocket *self,
                       QsSocketError     error,
                       const char       *message)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (!priv->tunneled || error != QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR)
    return message;
  return priv->tunnel_socks5 ? _("Remote host closed connection###") : _("Remote host closed");
}

/* Qt: readFromSocket() failed — error-occurred, then the close path. */
static void
on_pump_read_failed (gpointer       owner,
                     QsSocketError  error,
                     const char    *message)
{
  QsAbstractSocket *self = owner;

  g_object_ref (self);
  set_error_and_emit (self, error, tunnel_closed_message (self, error, message));
  reset_socket_layer (self);
  qs_abstract_socket_disconnect_from_host (self);
  g_object_unref (self);
}

/* Qt's TLS backend reports the peer's close_notify
 * (RemoteHostClosedError, "The TLS/SSL connection has been closed"),
 * then its plain socket the end of the stream, unless a handler closed
 * the socket meanwhile. */
static void
on_pump_tls_closed (gpointer       owner,
                    QsSocketError  error,
                    const char    *message)
{
  QsAbstractSocket *self = owner;

  g_object_ref (self);
  set_error_and_emit (self, QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR,
                      _("The TLS/SSL connection has been closed"));
  if (get_priv (self)->state == QS_SOCKET_STATE_CONNECTED_STATE)
    on_pump_read_failed (self, error, message);
  g_object_unref (self);
}

/* Qt: writeToSocket() failed — error-occurred, then abort(). */
static void
on_pump_write_failed (gpointer       owner,
                      QsSocketError  error,
                      const char    *message)
{
  QsAbstractSocket *self = owner;

  g_object_ref (self);
  set_error_and_emit (self, error, message);
  qs_abstract_socket_abort (self);
  g_object_unref (self);
}

/* Qt: a write in ClosingState calls disconnectFromHost() again. */
static void
on_pump_written (gpointer owner)
{
  QsAbstractSocket *self = owner;

  if (get_priv (self)->state == QS_SOCKET_STATE_CLOSING_STATE)
    qs_abstract_socket_disconnect_from_host (self);
}

/* Qt: a blocking wait that timed out emits the error; the state stays. */
static void
on_pump_timed_out (gpointer owner)
{
  set_error_and_emit (owner, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, _("Network operation timed out"));
}

static gboolean
on_pump_is_connected (gpointer owner)
{
  QsSocketState state = get_priv (owner)->state;

  return state == QS_SOCKET_STATE_CONNECTED_STATE || state == QS_SOCKET_STATE_BOUND_STATE;
}

/* Qt's waitForReadyRead() on a UDP socket: datagrams bypass the pump. */
static gboolean
wait_for_datagram (QsAbstractSocket *self,
                   gint64            deadline)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  while (priv->engine != NULL && on_pump_is_connected (self))
    {
      if (_qs_socket_engine_poll (priv->engine, G_IO_IN, deadline) == 0)
        {
          on_pump_timed_out (self);
          return FALSE;
        }
      if (datagram_can_read (self))
        return TRUE;
    }
  return FALSE;
}

static const QsStreamPumpCallbacks pump_callbacks = {
  on_pump_read_failed,
  on_pump_tls_closed,
  on_pump_write_failed,
  on_pump_written,
  on_pump_timed_out,
  on_pump_is_connected,
};

static void
qs_abstract_socket_real_connect_to_host (QsAbstractSocket       *self,
                                         const char             *host_name,
                                         guint16                 port,
                                         QsOpenMode              mode,
                                         QsNetworkLayerProtocol  protocol)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  g_autoptr(GInetAddress) literal = NULL;
  g_autoptr(QsNetworkProxy) proxy = NULL;
  QsNetworkProxyType proxy_type;

  if (priv->state == QS_SOCKET_STATE_CONNECTED_STATE ||
      priv->state == QS_SOCKET_STATE_CONNECTING_STATE ||
      priv->state == QS_SOCKET_STATE_CLOSING_STATE ||
      priv->state == QS_SOCKET_STATE_HOST_LOOKUP_STATE)
    {
      g_warning ("QsAbstractSocket::connect_to_host() called when already looking up "
                 "or connecting/connected to \"%s\"", host_name);
      set_error_and_emit (self, QS_SOCKET_ERROR_OPERATION_ERROR,
                          _("Trying to connect while connection is in progress"));
      return;
    }

  g_object_ref (self);

  /* Qt's resolveProxy(), before anything else: a proxy that cannot carry
   * this socket fails the call at once, without a state change (a UDP
   * socket: anything but SOCKS5). */
  proxy = _qs_network_proxy_resolve (priv->proxy, host_name, is_datagram (priv));
  proxy_type = proxy ? qs_network_proxy_get_proxy_type (proxy) : QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY;
  if (proxy_type != QS_NETWORK_PROXY_TYPE_NO_PROXY && proxy_type != QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY &&
      (is_datagram (priv) || proxy_type != QS_NETWORK_PROXY_TYPE_HTTP_PROXY))
    {
      store_peer_name (self, host_name);
      set_error_and_emit (self, QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR,
                          _("Operation on socket is not supported"));
      goto out;
    }

  priv->connect_serial++;
  stop_proxy (self);
  if (proxy_type != QS_NETWORK_PROXY_TYPE_NO_PROXY)
    priv->connect_proxy = g_steal_pointer (&proxy);
  priv->tunneled = FALSE;
  priv->tunnel_retried = FALSE;
  g_clear_object (&priv->tunnel_peer);
  g_clear_object (&priv->tunnel_local);
  priv->tunnel_local_port = 0;

  g_free (priv->host_name);
  priv->host_name = g_strdup (host_name);
  priv->port = port;
  priv->protocol = protocol;
  priv->pending_close = FALSE;
  priv->abort_called = FALSE;
  priv->race = priv->happy_eyeballs;

  if (priv->state != QS_SOCKET_STATE_BOUND_STATE)
    {
      store_state (self, QS_SOCKET_STATE_UNCONNECTED_STATE);
      store_port (self, &priv->local_port, 0, PROP_LOCAL_PORT);
      store_address (self, &priv->local_address, NULL, PROP_LOCAL_ADDRESS);
    }
  store_port (self, &priv->peer_port, 0, PROP_PEER_PORT);
  store_address (self, &priv->peer_address, NULL, PROP_PEER_ADDRESS);
  store_peer_name (self, host_name);
  cancel_lookup (self);

  set_error (self, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, NULL);
  /* Qt opens an unbuffered (UDP) socket with Unbuffered added. */
  if (is_datagram (priv))
    mode |= QS_OPEN_MODE_UNBUFFERED;
  qs_io_device_open (QS_IO_DEVICE (self), mode);

  set_state (self, QS_SOCKET_STATE_HOST_LOOKUP_STATE);
  if (priv->state != QS_SOCKET_STATE_HOST_LOOKUP_STATE)
    goto out;

  literal = g_inet_address_new_from_string (host_name);
  if (literal)
    start_connecting (self, g_list_prepend (NULL, g_steal_pointer (&literal)));
  else if (priv->connect_proxy &&
           (qs_network_proxy_get_capabilities (priv->connect_proxy) &
            QS_NETWORK_PROXY_CAPABILITIES_HOST_NAME_LOOKUP_CAPABILITY))
    {
      /* Qt's startConnectingByName(): the proxy resolves the name; no
       * lookup here, so no host-found. */
      set_state (self, QS_SOCKET_STATE_CONNECTING_STATE);
      if (priv->state == QS_SOCKET_STATE_CONNECTING_STATE)
        connect_through_proxy (self, NULL);
    }
  else
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();

      priv->lookup_cancellable = g_cancellable_new ();
      g_main_context_push_thread_default (priv->context);
      static const GResolverNameLookupFlags race_flags[] = {
        G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY, G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY
      };
      guint lookups = priv->race ? G_N_ELEMENTS (race_flags) : 1;

      priv->lookups_pending = lookups;
      for (guint i = 0; i < lookups; i++)
        g_resolver_lookup_by_name_with_flags_async (resolver, host_name,
                                                    priv->race ? race_flags[i] : G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                    priv->lookup_cancellable, on_lookup_done, self);
      g_main_context_pop_thread_default (priv->context);
    }

out:
  g_object_unref (self);
}

static void
qs_abstract_socket_real_disconnect_from_host (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  QsSocketState previous;

  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    return;

  if (!priv->abort_called &&
      (priv->state == QS_SOCKET_STATE_CONNECTING_STATE ||
       priv->state == QS_SOCKET_STATE_HOST_LOOKUP_STATE))
    {
      priv->pending_close = TRUE;
      return;
    }

  g_object_ref (self);

  if (priv->engine)
    _qs_stream_pump_set_reading (&priv->pump, FALSE);

  if (priv->abort_called)
    cancel_lookup (self);
  else
    {
      if (priv->state != QS_SOCKET_STATE_CLOSING_STATE)
        {
          set_state (self, QS_SOCKET_STATE_CLOSING_STATE);
          if (priv->state != QS_SOCKET_STATE_CLOSING_STATE)
            goto out;
        }

      /* Queued bytes go out first; the pump calls back when they did. */
      if (priv->engine && _qs_stream_pump_has_queued (&priv->pump))
        {
          _qs_stream_pump_update_watch (&priv->pump);
          goto out;
        }
    }

  /* A TLS socket sends close_notify; Qt's QSslSocket then reports its
   * plain socket's CLOSING as well: state-changed(CLOSING) a second time. */
  if (!priv->abort_called && _qs_stream_pump_shutdown_tls (&priv->pump))
    {
      emit_state_changed (self);
      if (priv->state != QS_SOCKET_STATE_CLOSING_STATE)
        goto out;
    }
  previous = priv->state;
  reset_socket_layer (self);
  set_state (self, QS_SOCKET_STATE_UNCONNECTED_STATE);
  _qs_io_device_emit_read_channel_finished (QS_IO_DEVICE (self));
  if (previous == QS_SOCKET_STATE_CONNECTED_STATE || previous == QS_SOCKET_STATE_CLOSING_STATE)
    g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0);

  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    {
      clear_endpoints (self);
      _qs_ring_buffer_clear (_qs_io_device_get_write_buffer (QS_IO_DEVICE (self)));
    }

out:
  g_object_unref (self);
}

static gboolean
qs_abstract_socket_real_bind (QsAbstractSocket *self,
                              GInetAddress     *address,
                              guint16           port,
                              QsBindFlags       mode)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  gboolean reuse = (mode & (QS_BIND_FLAGS_SHARE_ADDRESS | QS_BIND_FLAGS_REUSE_ADDRESS_HINT)) != 0;
  g_autoptr(QsNetworkProxy) proxy = NULL;
  g_autoptr(GInetAddress) any = NULL;
  GSocketFamily family;
  int error_number = 0;

  if (priv->state != QS_SOCKET_STATE_UNCONNECTED_STATE)
    {
      /* Qt's engine warns, and QAbstractSocket reports the engine's last
       * error: the one its connect() left when it had to wait, or none. */
      g_warning ("QsAbstractSocket::bind() was not called in UnconnectedState");
      g_object_ref (self);
      if (priv->connect_pended)
        set_error_and_emit (self, QS_SOCKET_ERROR_UNFINISHED_SOCKET_OPERATION_ERROR,
                            _("Invalid socket descriptor"));
      else
        set_error_and_emit (self, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, NULL);
      g_object_unref (self);
      return FALSE;
    }

  /* Qt's resolveProxy() for a bind (a UDP socket's: qsock binds TCP
   * sockets directly): a proxy without UDP tunneling leaves Qt without
   * a socket engine, an error without a signal; through SOCKS5, which
   * has no dual stack, the any address is IPv4's. */
  if (is_datagram (priv))
    {
      proxy = _qs_network_proxy_resolve (priv->proxy, NULL, TRUE);
      if (proxy == NULL)
        {
          set_error (self, QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR,
                     _("Operation on socket is not supported"));
          return FALSE;
        }
      if (qs_network_proxy_get_proxy_type (proxy) != QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY)
        g_clear_pointer (&proxy, qs_network_proxy_unref);
      else if (address == NULL)
        address = any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
    }

  family = address ? g_inet_address_get_family (address) : G_SOCKET_FAMILY_IPV6;
  if (!create_engine (self, family, &error_number) &&
      !(address == NULL && create_engine (self, family = G_SOCKET_FAMILY_IPV4, &error_number)))
    {
      g_object_ref (self);
      set_error_from_errno (self, QS_ENGINE_OP_CREATE, error_number, TRUE);
      g_object_unref (self);
      return FALSE;
    }

  error_number = _qs_socket_engine_bind (priv->engine, address, port, reuse);
  priv->cached_descriptor = _qs_socket_engine_get_fd (priv->engine);
  if (error_number != 0)
    {
      g_object_ref (self);
      set_error_from_errno (self, QS_ENGINE_OP_BIND, error_number, TRUE);
      g_object_unref (self);
      return FALSE;
    }

  g_object_ref (self);
  {
    g_autoptr(GInetAddress) local = NULL;
    guint16 local_port = 0;

    /* Through a proxy the socket has no local address of its own: the
     * relay's is the proxy's. */
    if (proxy == NULL)
      _qs_socket_engine_get_bound_address (priv->engine, address == NULL, &local, &local_port);
    else
      {
        QsSocketError error;
        const char *message;

        if (!associate_relay (self, proxy, &error, &message))
          {
            free_engine (self);
            priv->cached_descriptor = -1;
            set_error_and_emit (self, error, message);
            g_object_unref (self);
            return FALSE;
          }
      }
    store_address (self, &priv->local_address, local, PROP_LOCAL_ADDRESS);
    store_port (self, &priv->local_port, local_port, PROP_LOCAL_PORT);
  }
  priv->bound = TRUE;
  /* Qt: a bound UDP socket reads at once. */
  if (is_datagram (priv))
    datagram_watch (self);
  set_state (self, QS_SOCKET_STATE_BOUND_STATE);
  g_object_unref (self);
  return TRUE;
}

static void
qs_abstract_socket_real_resume (QsAbstractSocket *self)
{
}

static void
qs_abstract_socket_real_set_read_buffer_size (QsAbstractSocket *self,
                                              gint64            size)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->read_buffer_size == size)
    return;
  priv->read_buffer_size = size;
  _qs_stream_pump_set_read_limit (&priv->pump, size);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_BUFFER_SIZE]);
}

static int
qs_abstract_socket_real_get_socket_descriptor (QsAbstractSocket *self)
{
  return get_priv (self)->cached_descriptor;
}

/* set_socket_descriptor dropped the connection being made: a pending
 * connect_to_host_async is over. Callers hold a reference. */
static void
fail_replaced_connect (QsAbstractSocket *self)
{
  _qs_async_op_fail (&get_priv (self)->connect_op, G_IO_ERROR, G_IO_ERROR_CLOSED,
                     _("The socket was given another descriptor before it connected"));
}

static gboolean
qs_abstract_socket_real_set_socket_descriptor (QsAbstractSocket *self,
                                               int               socket_descriptor,
                                               QsSocketState     state,
                                               QsOpenMode        open_mode)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  int wanted_type = priv->socket_type == QS_SOCKET_TYPE_UDP_SOCKET ? SOCK_DGRAM : SOCK_STREAM;
  int error_number;
  GSocket *socket;

  if (socket_descriptor == -1)
    return FALSE;

  g_object_ref (self);
  reset_socket_layer (self);
  priv->tunneled = FALSE;

  error_number = _qs_socket_fd_check (socket_descriptor, wanted_type);
  socket = error_number == 0 ? g_socket_new_from_fd (socket_descriptor, NULL) : NULL;
  if (socket == NULL)
    {
      set_error_from_errno (self, QS_ENGINE_OP_CREATE, error_number ? error_number : EBADF, FALSE);
      fail_replaced_connect (self);
      g_object_unref (self);
      return FALSE;
    }

  priv->engine = _qs_socket_engine_new (socket, priv->context, on_engine_ready, self);
  priv->cached_descriptor = socket_descriptor;

  set_error (self, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, NULL);
  qs_io_device_open (QS_IO_DEVICE (self), open_mode);
  priv->pending_close = FALSE;
  priv->abort_called = FALSE;
  fetch_endpoints (self);
  if (is_datagram (priv))
    {
      if (state == QS_SOCKET_STATE_CONNECTED_STATE || state == QS_SOCKET_STATE_BOUND_STATE)
        datagram_watch (self);
    }
  else if (state == QS_SOCKET_STATE_CONNECTED_STATE || state == QS_SOCKET_STATE_CLOSING_STATE)
    _qs_stream_pump_attach (&priv->pump, priv->engine);

  if (priv->state != state)
    set_state (self, state);
  fail_replaced_connect (self);

  g_object_unref (self);
  return TRUE;
}

static void
qs_abstract_socket_real_set_socket_option (QsAbstractSocket *self,
                                           QsSocketOption    option,
                                           int               value)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->engine)
    _qs_socket_engine_set_option (priv->engine, option, value);
}

static int
qs_abstract_socket_real_get_socket_option (QsAbstractSocket *self,
                                           QsSocketOption    option)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->engine == NULL)
    return -1;
  return _qs_socket_engine_get_option (priv->engine, option);
}

static gboolean
qs_abstract_socket_real_wait_for_connected (QsAbstractSocket *self,
                                            int               msecs)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  gint64 deadline = _qs_deadline_from_msecs (msecs);
  gboolean was_pending_close;
  gboolean result;

  if (priv->state == QS_SOCKET_STATE_CONNECTED_STATE)
    return TRUE;
  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    return FALSE;

  g_object_ref (self);
  was_pending_close = priv->pending_close;
  priv->pending_close = FALSE;

  if (priv->state == QS_SOCKET_STATE_HOST_LOOKUP_STATE)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      g_autofree char *host_name = g_strdup (priv->host_name);

      cancel_lookup (self);
      start_connecting (self, g_resolver_lookup_by_name (resolver, host_name, NULL, NULL));
    }
  stop_race_for_wait (self);

  while (priv->state == QS_SOCKET_STATE_CONNECTING_STATE &&
         (deadline < 0 || g_get_monotonic_time () < deadline))
    {
      gint64 attempt_deadline = g_get_monotonic_time () + (gint64) QS_CONNECT_TIMEOUT_MS * 1000;

      if (deadline >= 0 && deadline < attempt_deadline)
        attempt_deadline = deadline;

      GIOCondition wanted = priv->tunneling ? _qs_proxy_handshake_get_events (priv->handshake) : G_IO_OUT;

      if (priv->engine == NULL && priv->handshake && priv->lookup_cancellable)
        {
          /* The proxy's name is being looked up: look it up here. */
          g_autoptr(GResolver) resolver = g_resolver_get_default ();

          cancel_lookup (self);
          proxy_addresses_found (self, g_resolver_lookup_by_name (resolver, qs_network_proxy_get_host_name (priv->connect_proxy),
                                                                  NULL, NULL));
        }
      else if (priv->engine &&
               _qs_socket_engine_poll (priv->engine, wanted, attempt_deadline) != 0)
        test_connection (self);
      else if (deadline >= 0 && g_get_monotonic_time () >= deadline)
        break;
      else
        connect_to_next_address (self);   /* this attempt took QS_CONNECT_TIMEOUT_MS */
    }

  /* Out of time while connecting: Qt sets the error without emitting it
   * and announces only the state change. A pending connect_to_host_async
   * fails with that error all the same: its attempt is over. */
  if (priv->state == QS_SOCKET_STATE_CONNECTING_STATE)
    {
      const char *message = _("Socket operation timed out");

      set_error (self, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, message);
      set_state (self, QS_SOCKET_STATE_UNCONNECTED_STATE);
      reset_socket_layer (self);
      _qs_async_op_fail (&priv->connect_op, QS_SOCKET_ERROR,
                         QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, message);
    }

  result = priv->state == QS_SOCKET_STATE_CONNECTED_STATE;
  if (result && was_pending_close)
    qs_abstract_socket_disconnect_from_host (self);

  g_object_unref (self);
  return result;
}

static gboolean
qs_abstract_socket_real_wait_for_ready_read (QsIODevice *device,
                                             int         msecs)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (device);
  QsAbstractSocketPrivate *priv = get_priv (self);
  gint64 deadline = _qs_deadline_from_msecs (msecs);
  gboolean result = FALSE;

  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    return FALSE;

  g_object_ref (self);
  if ((priv->state == QS_SOCKET_STATE_HOST_LOOKUP_STATE ||
       priv->state == QS_SOCKET_STATE_CONNECTING_STATE) &&
      !qs_abstract_socket_wait_for_connected (self, msecs))
    goto out;

  if (is_datagram (priv))
    result = wait_for_datagram (self, deadline);
  else
    result = _qs_stream_pump_wait_for_ready_read (&priv->pump, deadline);

out:
  g_object_unref (self);
  return result;
}

static gboolean
qs_abstract_socket_real_wait_for_bytes_written (QsIODevice *device,
                                                int         msecs)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (device);
  QsAbstractSocketPrivate *priv = get_priv (self);
  gint64 deadline = _qs_deadline_from_msecs (msecs);
  gboolean result = FALSE;

  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    {
      g_warning ("QsAbstractSocket::wait_for_bytes_written() is not allowed in UnconnectedState");
      return FALSE;
    }
  if (!_qs_stream_pump_has_queued (&priv->pump))
    return FALSE;

  g_object_ref (self);
  if ((priv->state == QS_SOCKET_STATE_HOST_LOOKUP_STATE ||
       priv->state == QS_SOCKET_STATE_CONNECTING_STATE) &&
      !qs_abstract_socket_wait_for_connected (self, msecs))
    goto out;

  result = _qs_stream_pump_wait_for_bytes_written (&priv->pump, deadline);

out:
  g_object_unref (self);
  return result;
}

static gboolean
qs_abstract_socket_real_wait_for_disconnected (QsAbstractSocket *self,
                                               int               msecs)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  gint64 deadline = _qs_deadline_from_msecs (msecs);
  gboolean result = FALSE;

  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    {
      g_warning ("QsAbstractSocket::wait_for_disconnected() is not allowed in UnconnectedState");
      return FALSE;
    }

  g_object_ref (self);
  if ((priv->state == QS_SOCKET_STATE_HOST_LOOKUP_STATE ||
       priv->state == QS_SOCKET_STATE_CONNECTING_STATE) &&
      !qs_abstract_socket_wait_for_connected (self, msecs))
    goto out;

  _qs_stream_pump_wait_for_detach (&priv->pump, deadline);
  result = priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE;

out:
  g_object_unref (self);
  return result;
}

/* Qt's unbuffered readData(): a connected UDP socket reads one datagram
 * straight into @data (the rest of a longer one is discarded). Nothing
 * pending reads 0; a failure sets the error (no signal) and drops the
 * socket to unconnected without a state-changed, as Qt. */
static gint64
read_datagram_data (QsAbstractSocket *self,
                    guint8           *data,
                    gsize             max_size)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  int error_number = 0;
  gssize n;

  if (max_size == 0)
    return 0;

  if (G_UNLIKELY (priv->relay != NULL))
    {
      QsDatagramHeader header;

      n = _qs_udp_relay_receive (priv->relay, priv->engine, data, max_size, &header, &error_number);
    }
  else
    n = _qs_socket_engine_receive_datagram (priv->engine, data, max_size,
                                            QS_DATAGRAM_WANT_NONE, NULL, &error_number);
  if (n < 0 && error_number != EAGAIN)
    {
      set_error_from_errno (self, QS_ENGINE_OP_READ, error_number, FALSE);
      reset_socket_layer (self);
      store_state (self, QS_SOCKET_STATE_UNCONNECTED_STATE);
      return -1;
    }

  datagram_watch (self);
  return MAX (n, 0);
}

/* Qt's unbuffered writeData(): a connected UDP socket sends one datagram
 * per call, at once; bytes-written follows before the call returns. A
 * failure sets the error without a signal; the ICMP error a send reports
 * (ECONNREFUSED) is none of the engine's own in Qt 6.4, so the error is
 * reset to UnknownSocketError. */
static gint64
write_datagram_data (QsAbstractSocket *self,
                     const guint8     *data,
                     gsize             size)
{
  QsAbstractSocketPrivate *priv = get_priv (self);
  int error_number = 0;
  gssize n;

  if (G_UNLIKELY (priv->relay != NULL))
    {
      QsDatagramOut datagram = { data, size, NULL, NULL, -1, 0 };

      n = _qs_udp_relay_send (priv->relay, priv->engine, &datagram, 1, &error_number) < 0 ? -1 : (gssize) size;
    }
  else
    n = _qs_socket_engine_send_datagram (priv->engine, data, size, NULL, 0, NULL, -1, 0, &error_number);
  if (n < 0)
    {
      if (error_number == EAGAIN)
        return 0;
      if (error_number == ECONNREFUSED)
        set_error (self, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, NULL);
      else
        set_error_from_errno (self, QS_ENGINE_OP_WRITE, error_number, FALSE);
      _qs_io_device_fail_write (QS_IO_DEVICE (self), priv->error);
      return -1;
    }

  g_object_ref (self);
  _qs_io_device_emit_bytes_written (QS_IO_DEVICE (self), n);
  g_object_unref (self);
  return n;
}

/* Qt's readData(): sockets keep everything in the read buffer; this is
 * where a read that emptied the buffer re-arms the read watch (flow
 * control), and where a disconnected socket reports end of stream. */
static gint64
qs_abstract_socket_real_read_data (QsIODevice *device,
                                   guint8     *data,
                                   gsize       max_size)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (device);
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->engine == NULL || priv->state != QS_SOCKET_STATE_CONNECTED_STATE)
    return max_size ? -1 : 0;

  if (is_datagram (priv))
    return read_datagram_data (self, data, max_size);

  _qs_stream_pump_set_reading (&priv->pump, TRUE);
  return 0;
}

/* Qt's writeData(): queue and arm the write watch; the flush happens when
 * control returns to the loop. */
static gint64
qs_abstract_socket_real_write_data (QsIODevice   *device,
                                    const guint8 *data,
                                    gsize         size)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (device);
  QsAbstractSocketPrivate *priv = get_priv (self);

  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE ||
      (priv->engine == NULL && priv->socket_type != QS_SOCKET_TYPE_TCP_SOCKET))
    {
      set_error (self, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, _("Socket is not connected"));
      return -1;
    }

  if (is_datagram (priv))
    return write_datagram_data (self, data, size);

  _qs_ring_buffer_append (priv->pump.write_buffer, data, size);
  _qs_stream_pump_update_watch (&priv->pump);
  return size;
}

/* Qt's QAbstractSocket::bytesAvailable(): an unbuffered (UDP) socket adds
 * what the kernel holds, the size of the next datagram. */
static gint64
qs_abstract_socket_real_bytes_available (QsIODevice *device)
{
  QsAbstractSocketPrivate *priv = get_priv (QS_ABSTRACT_SOCKET (device));
  gint64 available = QS_IO_DEVICE_CLASS (qs_abstract_socket_parent_class)->bytes_available (device);

  if (is_datagram (priv) && priv->engine)
    available += _qs_socket_engine_bytes_available (priv->engine);
  return available;
}

/* Qt's QAbstractSocket::close(): close the device, then the connection. */
static void
qs_abstract_socket_real_close (QsIODevice *device)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (device);
  QsAbstractSocketPrivate *priv = get_priv (self);

  g_object_ref (self);
  QS_IO_DEVICE_CLASS (qs_abstract_socket_parent_class)->close (device);
  if (priv->state != QS_SOCKET_STATE_UNCONNECTED_STATE)
    qs_abstract_socket_disconnect_from_host (self);

  if (priv->state == QS_SOCKET_STATE_UNCONNECTED_STATE)
    {
      clear_endpoints (self);
      priv->cached_descriptor = -1;
    }
  g_object_unref (self);
}

static void
qs_abstract_socket_constructed (GObject *object)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (object);
  QsAbstractSocketPrivate *priv = get_priv (self);

  G_OBJECT_CLASS (qs_abstract_socket_parent_class)->constructed (object);

  priv->context = g_main_context_ref_thread_default ();
}

static void
qs_abstract_socket_dispose (GObject *object)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (object);
  QsAbstractSocketPrivate *priv = get_priv (self);

  cancel_lookup (self);
  stop_connect_timer (self);
  stop_race (self);
  stop_proxy (self);
  free_engine (self);
  g_queue_clear_full (&priv->addresses, g_object_unref);
  g_clear_object (&priv->tunnel_peer);
  g_clear_object (&priv->tunnel_local);

  G_OBJECT_CLASS (qs_abstract_socket_parent_class)->dispose (object);
}

static void
qs_abstract_socket_finalize (GObject *object)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (object);
  QsAbstractSocketPrivate *priv = get_priv (self);

  g_clear_object (&priv->local_address);
  g_clear_object (&priv->peer_address);
  g_clear_pointer (&priv->peer_name, g_free);
  g_clear_pointer (&priv->host_name, g_free);
  g_clear_pointer (&priv->protocol_tag, g_free);
  g_clear_pointer (&priv->proxy, qs_network_proxy_unref);
  g_clear_pointer (&priv->attempts, g_ptr_array_unref);
  g_clear_pointer (&priv->context, g_main_context_unref);

  G_OBJECT_CLASS (qs_abstract_socket_parent_class)->finalize (object);
}

static void
qs_abstract_socket_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (object);
  QsAbstractSocketPrivate *priv = get_priv (self);

  switch (prop_id)
    {
    case PROP_SOCKET_TYPE:
      g_value_set_enum (value, priv->socket_type);
      break;
    case PROP_STATE:
      g_value_set_enum (value, priv->state);
      break;
    case PROP_ERROR:
      g_value_set_enum (value, priv->error);
      break;
    case PROP_LOCAL_ADDRESS:
      g_value_set_object (value, priv->local_address);
      break;
    case PROP_LOCAL_PORT:
      g_value_set_uint (value, priv->local_port);
      break;
    case PROP_PEER_ADDRESS:
      g_value_set_object (value, priv->peer_address);
      break;
    case PROP_PEER_PORT:
      g_value_set_uint (value, priv->peer_port);
      break;
    case PROP_PEER_NAME:
      g_value_set_string (value, priv->peer_name);
      break;
    case PROP_READ_BUFFER_SIZE:
      g_value_set_int64 (value, priv->read_buffer_size);
      break;
    case PROP_PAUSE_MODE:
      g_value_set_flags (value, priv->pause_mode);
      break;
    case PROP_PROTOCOL_TAG:
      g_value_set_string (value, priv->protocol_tag);
      break;
    case PROP_HAPPY_EYEBALLS:
      g_value_set_boolean (value, priv->happy_eyeballs);
      break;
    case PROP_PROXY:
      g_value_take_boxed (value, qs_abstract_socket_get_proxy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_abstract_socket_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  QsAbstractSocket *self = QS_ABSTRACT_SOCKET (object);
  QsAbstractSocketPrivate *priv = get_priv (self);

  switch (prop_id)
    {
    case PROP_SOCKET_TYPE:
      /* GObject passes the default (unknown) when the caller gave none:
       * that keeps what the subclass's instance init chose. */
      if (g_value_get_enum (value) != QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE)
        priv->socket_type = g_value_get_enum (value);
      break;
    case PROP_READ_BUFFER_SIZE:
      qs_abstract_socket_set_read_buffer_size (self, g_value_get_int64 (value));
      break;
    case PROP_PAUSE_MODE:
      qs_abstract_socket_set_pause_mode (self, g_value_get_flags (value));
      break;
    case PROP_PROTOCOL_TAG:
      qs_abstract_socket_set_protocol_tag (self, g_value_get_string (value));
      break;
    case PROP_HAPPY_EYEBALLS:
      qs_abstract_socket_set_happy_eyeballs (self, g_value_get_boolean (value));
      break;
    case PROP_PROXY:
      qs_abstract_socket_set_proxy (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_abstract_socket_class_init (QsAbstractSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  QsIODeviceClass *device_class = QS_IO_DEVICE_CLASS (klass);

  object_class->constructed = qs_abstract_socket_constructed;
  object_class->dispose = qs_abstract_socket_dispose;
  object_class->finalize = qs_abstract_socket_finalize;
  object_class->get_property = qs_abstract_socket_get_property;
  object_class->set_property = qs_abstract_socket_set_property;

  device_class->close = qs_abstract_socket_real_close;
  device_class->bytes_available = qs_abstract_socket_real_bytes_available;
  device_class->read_data = qs_abstract_socket_real_read_data;
  device_class->write_data = qs_abstract_socket_real_write_data;
  device_class->wait_for_ready_read = qs_abstract_socket_real_wait_for_ready_read;
  device_class->wait_for_bytes_written = qs_abstract_socket_real_wait_for_bytes_written;

  klass->resume = qs_abstract_socket_real_resume;
  klass->bind = qs_abstract_socket_real_bind;
  klass->connect_to_host = qs_abstract_socket_real_connect_to_host;
  klass->disconnect_from_host = qs_abstract_socket_real_disconnect_from_host;
  klass->set_read_buffer_size = qs_abstract_socket_real_set_read_buffer_size;
  klass->get_socket_descriptor = qs_abstract_socket_real_get_socket_descriptor;
  klass->set_socket_descriptor = qs_abstract_socket_real_set_socket_descriptor;
  klass->set_socket_option = qs_abstract_socket_real_set_socket_option;
  klass->get_socket_option = qs_abstract_socket_real_get_socket_option;
  klass->wait_for_connected = qs_abstract_socket_real_wait_for_connected;
  klass->wait_for_disconnected = qs_abstract_socket_real_wait_for_disconnected;

  /**
   * QsAbstractSocket:socket-type: (getter get_socket_type)
   *
   * TCP or UDP; chosen by the subclass at construction (Qt's constructor
   * argument).
   *
   * Since: 1.0
   */
  properties[PROP_SOCKET_TYPE] =
    g_param_spec_enum ("socket-type", NULL, NULL,
                       QS_TYPE_SOCKET_TYPE, QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:state: (getter get_state)
   *
   * The state of the socket; `notify::state` comes before
   * [signal@Qs.AbstractSocket::state-changed].
   *
   * Since: 1.0
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       QS_TYPE_SOCKET_STATE, QS_SOCKET_STATE_UNCONNECTED_STATE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:error: (getter get_error)
   *
   * The last error; %QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR before any.
   *
   * Since: 1.0
   */
  properties[PROP_ERROR] =
    g_param_spec_enum ("error", NULL, NULL,
                       QS_TYPE_SOCKET_ERROR, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:local-address: (getter get_local_address)
   *
   * The local address once bound or connected, else %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_LOCAL_ADDRESS] =
    g_param_spec_object ("local-address", NULL, NULL, G_TYPE_INET_ADDRESS,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:local-port: (getter get_local_port)
   *
   * The local port once bound or connected, else 0.
   *
   * Since: 1.0
   */
  properties[PROP_LOCAL_PORT] =
    g_param_spec_uint ("local-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:peer-address: (getter get_peer_address)
   *
   * The peer's address while connected, else %NULL.
   *
   * Since: 1.0
   */
  properties[PROP_PEER_ADDRESS] =
    g_param_spec_object ("peer-address", NULL, NULL, G_TYPE_INET_ADDRESS,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:peer-port: (getter get_peer_port)
   *
   * The peer's port while connected, else 0.
   *
   * Since: 1.0
   */
  properties[PROP_PEER_PORT] =
    g_param_spec_uint ("peer-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:peer-name: (getter get_peer_name)
   *
   * The host name given to [method@Qs.AbstractSocket.connect_to_host];
   * %NULL otherwise (e.g. on accepted sockets).
   *
   * Since: 1.0
   */
  properties[PROP_PEER_NAME] =
    g_param_spec_string ("peer-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:read-buffer-size: (getter get_read_buffer_size) (setter set_read_buffer_size)
   *
   * The most bytes the read buffer holds; 0 (the default) is unlimited.
   * While the buffer is full, further bytes wait in the kernel.
   *
   * Since: 1.0
   */
  properties[PROP_READ_BUFFER_SIZE] =
    g_param_spec_int64 ("read-buffer-size", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:pause-mode: (getter get_pause_mode) (setter set_pause_mode)
   *
   * When the socket pauses data transfer.
   *
   * Since: 1.0
   */
  properties[PROP_PAUSE_MODE] =
    g_param_spec_flags ("pause-mode", NULL, NULL,
                        QS_TYPE_PAUSE_MODES, QS_PAUSE_MODES_PAUSE_NEVER,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:protocol-tag: (getter get_protocol_tag) (setter set_protocol_tag)
   *
   * A free-form tag, stored only (Qt uses it for proxy selection).
   *
   * Since: 1.0
   */
  properties[PROP_PROTOCOL_TAG] =
    g_param_spec_string ("protocol-tag", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:happy-eyeballs: (getter get_happy_eyeballs) (setter set_happy_eyeballs)
   *
   * Whether [method@Qs.AbstractSocket.connect_to_host] races the host's
   * addresses as RFC 8305 ("happy eyeballs") describes, instead of
   * trying them one at a time as Qt does.
   *
   * The IPv6 and IPv4 lookups run in parallel; the addresses are tried
   * IPv6 first, alternating families, a new attempt starting every
   * 250 ms while the earlier ones are still in flight (at once when an
   * attempt fails). The first connection to complete wins and the
   * others are dropped without a trace: the signals and states are
   * those of a connect without racing (one
   * [signal@Qs.AbstractSocket::host-found], one
   * [signal@Qs.AbstractSocket::connected]), and an error is reported
   * only when every attempt failed, the one Qt reports for the last
   * address tried. A TCP socket bound before the connect, and a UDP
   * socket, connect one address at a time whatever this says; so does
   * [method@Qs.AbstractSocket.wait_for_connected].
   *
   * A qsock extra; `GSocketClient` races the same way.
   *
   * Since: 1.0
   */
  properties[PROP_HAPPY_EYEBALLS] =
    g_param_spec_boolean ("happy-eyeballs", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAbstractSocket:proxy: (getter get_proxy) (setter set_proxy)
   *
   * The proxy the next connect goes through; a
   * %QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY (the default) means the
   * application proxy ([func@Qs.NetworkProxy.get_application_proxy]).
   *
   * Since: 1.0
   */
  properties[PROP_PROXY] =
    g_param_spec_boxed ("proxy", NULL, NULL, QS_TYPE_NETWORK_PROXY,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QsAbstractSocket::proxy-authentication-required:
   * @self: the socket
   * @proxy: the proxy, with the credentials last given to it
   * @authenticator: the credentials to fill in
   *
   * The proxy asks for credentials, or refused those it was given. Fill
   * in @authenticator's user name and password before returning, and
   * the socket authenticates again; leave them empty and the connect
   * fails with %QS_SOCKET_ERROR_PROXY_AUTHENTICATION_REQUIRED_ERROR.
   * Emitted while the socket is
   * %QS_SOCKET_STATE_CONNECTING_STATE. Qt:
   * `proxyAuthenticationRequired(const QNetworkProxy &, QAuthenticator *)`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PROXY_AUTHENTICATION_REQUIRED] =
    g_signal_new ("proxy-authentication-required", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _qs_marshal_VOID__BOXED_OBJECT,
                  G_TYPE_NONE, 2, QS_TYPE_NETWORK_PROXY, QS_TYPE_AUTHENTICATOR);
  g_signal_set_va_marshaller (signals[SIGNAL_PROXY_AUTHENTICATION_REQUIRED],
                              G_TYPE_FROM_CLASS (klass), _qs_marshal_VOID__BOXED_OBJECTv);

  /**
   * QsAbstractSocket::host-found:
   * @self: the socket
   *
   * The host lookup succeeded. Qt: `hostFound()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_HOST_FOUND] =
    g_signal_new ("host-found", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * QsAbstractSocket::connected:
   * @self: the socket
   *
   * The connection is established. Qt: `connected()`.
   *
   * Since: 1.0
   */

  /**
   * QsAbstractSocket::disconnected:
   * @self: the socket
   *
   * The connection is closed. Qt: `disconnected()`.
   *
   * Since: 1.0
   */

  /**
   * QsAbstractSocket::state-changed:
   * @self: the socket
   * @state: the new state
   *
   * The state changed. Qt: `stateChanged(SocketState)`.
   *
   * Since: 1.0
   */

  /**
   * QsAbstractSocket::error-occurred:
   * @self: the socket
   * @socket_error: what went wrong
   *
   * An error occurred; [property@Qs.IODevice:error-string] describes it.
   * Qt: `errorOccurred(SocketError)`.
   *
   * Since: 1.0
   */
  _qs_io_device_new_connection_signals (G_TYPE_FROM_CLASS (klass),
                                        QS_TYPE_SOCKET_STATE, QS_TYPE_SOCKET_ERROR,
                                        &signals[SIGNAL_CONNECTED],
                                        &signals[SIGNAL_DISCONNECTED],
                                        &signals[SIGNAL_STATE_CHANGED],
                                        &signals[SIGNAL_ERROR_OCCURRED]);
}

static void
qs_abstract_socket_init (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  priv->socket_type = QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE;
  priv->state = QS_SOCKET_STATE_UNCONNECTED_STATE;
  priv->error = QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
  priv->cached_descriptor = -1;
  priv->protocol = QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL;
  g_queue_init (&priv->addresses);
  priv->attempts = g_ptr_array_new_with_free_func (connect_attempt_free);
  _qs_stream_pump_init (&priv->pump, QS_IO_DEVICE (self), &pump_callbacks, self);
}

void
_qs_abstract_socket_init_socket_type (QsAbstractSocket *self,
                                      QsSocketType      socket_type)
{
  get_priv (self)->socket_type = socket_type;
}

QsSocketEngine *
_qs_abstract_socket_get_engine (QsAbstractSocket *self)
{
  return get_priv (self)->engine;
}

QsSocketEngine *
_qs_abstract_socket_get_datagram_engine (QsAbstractSocket  *self,
                                         QsUdpRelay       **relay)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  *relay = priv->relay;
  return priv->engine;
}

/* qs_abstract_socket_get_state() without the type check, for the hot
 * paths of subclasses. */
QsSocketState
_qs_abstract_socket_get_state (QsAbstractSocket *self)
{
  return get_priv (self)->state;
}

/* qs_abstract_socket_get_local_port() without the type check, for the
 * datagram reads. */
guint16
_qs_abstract_socket_get_local_port (QsAbstractSocket *self)
{
  return get_priv (self)->local_port;
}

QsStreamPump *
_qs_abstract_socket_get_pump (QsAbstractSocket *self)
{
  return &get_priv (self)->pump;
}

void
_qs_abstract_socket_set_established_hook (QsAbstractSocket    *self,
                                          QsAbstractSocketHook hook)
{
  get_priv (self)->established_hook = hook;
}

GMainContext *
_qs_abstract_socket_get_context (QsAbstractSocket *self)
{
  return get_priv (self)->context;
}

/* The socket was just given the connection a SOCKS5 proxy made for a
 * listening QsTcpServer (BIND). Qt's QSocks5SocketEngine takes such a
 * descriptor over: the socket's local end is the address the proxy
 * bound (@local:@local_port), it has no peer, and the end of the
 * connection gives SOCKS5's text, as a tunnel made by connecting does. */
void
_qs_abstract_socket_take_bind_tunnel (QsAbstractSocket *self,
                                      GInetAddress     *local,
                                      guint16           local_port)
{
  QsAbstractSocketPrivate *priv = get_priv (self);

  priv->tunneled = TRUE;
  priv->tunnel_socks5 = TRUE;
  priv->port = 0;
  g_clear_object (&priv->tunnel_peer);
  g_set_object (&priv->tunnel_local, local);
  priv->tunnel_local_port = local_port;
  fetch_endpoints (self);
}

/* Qt's setError() (@emit FALSE) or setErrorAndEmit(); callers hold a
 * reference when @emit. */
void
_qs_abstract_socket_set_error (QsAbstractSocket *self,
                               QsSocketError     error,
                               const char       *message,
                               gboolean          emit)
{
  if (emit)
    set_error_and_emit (self, error, message);
  else
    set_error (self, error, message);
}

void
_qs_abstract_socket_set_error_from_errno (QsAbstractSocket *self,
                                          QsEngineOp        op,
                                          int               error_number,
                                          gboolean          emit)
{
  set_error_from_errno (self, op, error_number, emit);
}

/* A datagram was read (or its read failed): Qt's `hasPendingData = false;
 * setReadNotificationEnabled(true)`. */
void
_qs_abstract_socket_datagram_read (QsAbstractSocket *self)
{
  datagram_watch (self);
}

/**
 * qs_abstract_socket_connect_to_host: (virtual connect_to_host)
 * @self: a socket
 * @host_name: a host name or a literal IPv4/IPv6 address
 * @port: the port (Qt has no default)
 * @mode: how to open the device (Qt's default: %QS_OPEN_MODE_READ_WRITE)
 * @protocol: which addresses to try (Qt's default:
 *   %QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL)
 *
 * Opens the device with @mode and starts connecting. The state becomes
 * %QS_SOCKET_STATE_HOST_LOOKUP_STATE before this returns; for a literal
 * address %QS_SOCKET_STATE_CONNECTING_STATE and
 * [signal@Qs.AbstractSocket::host-found] follow before it returns too.
 * Each address of the name is tried in turn. Called while already looking
 * up, connecting or connected, it warns and reports
 * %QS_SOCKET_ERROR_OPERATION_ERROR. Qt: `connectToHost()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_connect_to_host (QsAbstractSocket       *self,
                                    const char             *host_name,
                                    guint16                 port,
                                    QsOpenMode              mode,
                                    QsNetworkLayerProtocol  protocol)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));
  g_return_if_fail (host_name != NULL);

  QS_ABSTRACT_SOCKET_GET_CLASS (self)->connect_to_host (self, host_name, port, mode, protocol);
}

/**
 * qs_abstract_socket_connect_to_address:
 * @self: a socket
 * @address: the address to connect to
 * @port: the port
 * @mode: how to open the device (Qt's default: %QS_OPEN_MODE_READ_WRITE)
 *
 * Connects to @address; [property@Qs.AbstractSocket:peer-name] becomes
 * its text form. Qt: `connectToHost(const QHostAddress &, …)`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_connect_to_address (QsAbstractSocket *self,
                                       GInetAddress     *address,
                                       guint16           port,
                                       QsOpenMode        mode)
{
  g_autofree char *text = NULL;

  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));
  g_return_if_fail (G_IS_INET_ADDRESS (address));

  text = g_inet_address_to_string (address);
  QS_ABSTRACT_SOCKET_GET_CLASS (self)->connect_to_host (self, text, port, mode,
                                                        QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
}

/**
 * qs_abstract_socket_disconnect_from_host: (virtual disconnect_from_host)
 * @self: a socket
 *
 * Closes the connection once queued bytes are written: the state becomes
 * %QS_SOCKET_STATE_CLOSING_STATE now and
 * %QS_SOCKET_STATE_UNCONNECTED_STATE, with
 * [signal@Qs.AbstractSocket::disconnected], when the bytes are out (at
 * once when none are queued). While connecting, the socket closes once
 * connected. The device stays open. Qt: `disconnectFromHost()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_disconnect_from_host (QsAbstractSocket *self)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  QS_ABSTRACT_SOCKET_GET_CLASS (self)->disconnect_from_host (self);
}

/**
 * qs_abstract_socket_abort:
 * @self: a socket
 *
 * Drops queued bytes and closes the connection and the device at once:
 * [signal@Qs.IODevice::about-to-close],
 * [signal@Qs.AbstractSocket::state-changed] (unconnected),
 * [signal@Qs.IODevice::read-channel-finished] and
 * [signal@Qs.AbstractSocket::disconnected] are emitted before it returns.
 * Qt: `abort()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_abort (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv;

  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  priv = get_priv (self);
  g_object_ref (self);
  _qs_ring_buffer_clear (_qs_io_device_get_write_buffer (QS_IO_DEVICE (self)));
  priv->abort_called = TRUE;
  qs_io_device_close (QS_IO_DEVICE (self));
  _qs_async_op_fail (&priv->connect_op, G_IO_ERROR, G_IO_ERROR_CLOSED,
                     _("The socket was aborted before it connected"));
  g_object_unref (self);
}

/**
 * qs_abstract_socket_bind: (virtual bind)
 * @self: a socket
 * @address: (nullable): the local address; %NULL binds to any address
 *   (dual-stack where IPv6 exists)
 * @port: the local port; 0 picks one
 * @mode: how to share the address (Qt's default:
 *   %QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM)
 *
 * Binds the socket; on success the state becomes
 * %QS_SOCKET_STATE_BOUND_STATE. On a socket that is not unconnected it
 * warns and returns %FALSE. Qt: `bind()`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
qs_abstract_socket_bind (QsAbstractSocket *self,
                         GInetAddress     *address,
                         guint16           port,
                         QsBindFlags       mode)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), FALSE);
  g_return_val_if_fail (address == NULL || G_IS_INET_ADDRESS (address), FALSE);

  return QS_ABSTRACT_SOCKET_GET_CLASS (self)->bind (self, address, port, mode);
}

/**
 * qs_abstract_socket_wait_for_connected: (virtual wait_for_connected)
 * @self: a socket
 * @msecs: the most milliseconds to wait, -1 for no limit (Qt's default: 30000)
 *
 * Blocks until connected, without running a main loop, emitting the
 * signals the loop would have. On an unconnected socket it returns
 * %FALSE at once. Qt: `waitForConnected()`.
 *
 * Returns: %TRUE once connected
 *
 * Since: 1.0
 */
gboolean
qs_abstract_socket_wait_for_connected (QsAbstractSocket *self,
                                       int               msecs)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), FALSE);

  return QS_ABSTRACT_SOCKET_GET_CLASS (self)->wait_for_connected (self, msecs);
}

/**
 * qs_abstract_socket_wait_for_disconnected: (virtual wait_for_disconnected)
 * @self: a socket
 * @msecs: the most milliseconds to wait, -1 for no limit (Qt's default: 30000)
 *
 * Blocks until disconnected, without running a main loop. At the
 * deadline it reports %QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR and the state
 * is unchanged. Qt: `waitForDisconnected()`.
 *
 * Returns: %TRUE once disconnected
 *
 * Since: 1.0
 */
gboolean
qs_abstract_socket_wait_for_disconnected (QsAbstractSocket *self,
                                          int               msecs)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), FALSE);

  return QS_ABSTRACT_SOCKET_GET_CLASS (self)->wait_for_disconnected (self, msecs);
}

/**
 * qs_abstract_socket_flush:
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
qs_abstract_socket_flush (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv;
  gboolean wrote;

  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), FALSE);

  priv = get_priv (self);
  if (priv->pump.engine == NULL)
    return FALSE;

  g_object_ref (self);
  wrote = _qs_stream_pump_flush (&priv->pump);
  g_object_unref (self);
  return wrote;
}

/**
 * qs_abstract_socket_resume: (virtual resume)
 * @self: a socket
 *
 * Continues a transfer paused by [property@Qs.AbstractSocket:pause-mode].
 * Qt: `resume()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_resume (QsAbstractSocket *self)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  QS_ABSTRACT_SOCKET_GET_CLASS (self)->resume (self);
}

/**
 * qs_abstract_socket_get_pause_mode: (get-property pause-mode)
 * @self: a socket
 *
 * Qt: `pauseMode()`.
 *
 * Returns: when the socket pauses
 *
 * Since: 1.0
 */
QsPauseModes
qs_abstract_socket_get_pause_mode (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), QS_PAUSE_MODES_PAUSE_NEVER);

  return get_priv (self)->pause_mode;
}

/**
 * qs_abstract_socket_set_pause_mode: (set-property pause-mode)
 * @self: a socket
 * @pause_mode: when to pause
 *
 * Qt: `setPauseMode()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_pause_mode (QsAbstractSocket *self,
                                   QsPauseModes      pause_mode)
{
  QsAbstractSocketPrivate *priv;

  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  priv = get_priv (self);
  if (priv->pause_mode == pause_mode)
    return;
  priv->pause_mode = pause_mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSE_MODE]);
}

/**
 * qs_abstract_socket_is_valid:
 * @self: a socket
 *
 * %TRUE once the socket has a descriptor, and still after a remote close
 * while the device stays open. Qt: `isValid()`.
 *
 * Returns: whether the socket is valid
 *
 * Since: 1.0
 */
gboolean
qs_abstract_socket_is_valid (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), FALSE);

  return get_priv (self)->engine != NULL || qs_io_device_is_open (QS_IO_DEVICE (self));
}

/**
 * qs_abstract_socket_get_socket_type: (get-property socket-type)
 * @self: a socket
 *
 * Qt: `socketType()`.
 *
 * Returns: TCP or UDP
 *
 * Since: 1.0
 */
QsSocketType
qs_abstract_socket_get_socket_type (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE);

  return get_priv (self)->socket_type;
}

/**
 * qs_abstract_socket_get_state: (get-property state)
 * @self: a socket
 *
 * Qt: `state()`.
 *
 * Returns: the state
 *
 * Since: 1.0
 */
QsSocketState
qs_abstract_socket_get_state (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), QS_SOCKET_STATE_UNCONNECTED_STATE);

  return get_priv (self)->state;
}

/**
 * qs_abstract_socket_get_error: (get-property error)
 * @self: a socket
 *
 * Qt: `error()`.
 *
 * Returns: the last error, %QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR before any
 *
 * Since: 1.0
 */
QsSocketError
qs_abstract_socket_get_error (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);

  return get_priv (self)->error;
}

/**
 * qs_abstract_socket_get_local_port: (get-property local-port)
 * @self: a socket
 *
 * Qt: `localPort()`.
 *
 * Returns: the local port, 0 when there is none
 *
 * Since: 1.0
 */
guint16
qs_abstract_socket_get_local_port (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), 0);

  return get_priv (self)->local_port;
}

/**
 * qs_abstract_socket_get_local_address: (get-property local-address)
 * @self: a socket
 *
 * Qt: `localAddress()`.
 *
 * Returns: (transfer full) (nullable): the local address, %NULL when
 *   there is none
 *
 * Since: 1.0
 */
GInetAddress *
qs_abstract_socket_get_local_address (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv;

  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), NULL);

  priv = get_priv (self);
  return priv->local_address ? g_object_ref (priv->local_address) : NULL;
}

/**
 * qs_abstract_socket_get_peer_port: (get-property peer-port)
 * @self: a socket
 *
 * Qt: `peerPort()`.
 *
 * Returns: the peer's port, 0 when not connected
 *
 * Since: 1.0
 */
guint16
qs_abstract_socket_get_peer_port (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), 0);

  return get_priv (self)->peer_port;
}

/**
 * qs_abstract_socket_get_peer_address: (get-property peer-address)
 * @self: a socket
 *
 * Qt: `peerAddress()`.
 *
 * Returns: (transfer full) (nullable): the peer's address, %NULL when not
 *   connected
 *
 * Since: 1.0
 */
GInetAddress *
qs_abstract_socket_get_peer_address (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv;

  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), NULL);

  priv = get_priv (self);
  return priv->peer_address ? g_object_ref (priv->peer_address) : NULL;
}

/**
 * qs_abstract_socket_get_peer_name: (get-property peer-name)
 * @self: a socket
 *
 * Qt: `peerName()`.
 *
 * Returns: (transfer none) (nullable): the name given to
 *   [method@Qs.AbstractSocket.connect_to_host], or %NULL
 *
 * Since: 1.0
 */
const char *
qs_abstract_socket_get_peer_name (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), NULL);

  return get_priv (self)->peer_name;
}

/**
 * qs_abstract_socket_get_read_buffer_size: (get-property read-buffer-size)
 * @self: a socket
 *
 * Qt: `readBufferSize()`.
 *
 * Returns: the read buffer's limit, 0 for none
 *
 * Since: 1.0
 */
gint64
qs_abstract_socket_get_read_buffer_size (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), 0);

  return get_priv (self)->read_buffer_size;
}

/**
 * qs_abstract_socket_set_read_buffer_size: (virtual set_read_buffer_size) (set-property read-buffer-size)
 * @self: a socket
 * @size: the most bytes to buffer, 0 for no limit
 *
 * Limits the read buffer: at most @size bytes are buffered, the rest
 * waits in the kernel until the application reads (flow control).
 * Qt: `setReadBufferSize()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_read_buffer_size (QsAbstractSocket *self,
                                         gint64            size)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));
  g_return_if_fail (size >= 0);

  QS_ABSTRACT_SOCKET_GET_CLASS (self)->set_read_buffer_size (self, size);
}

/**
 * qs_abstract_socket_set_socket_option: (virtual set_socket_option)
 * @self: a socket
 * @option: the option
 * @value: its value (booleans are 0 or 1)
 *
 * Sets an option on the descriptor; ignored while there is none, as in
 * Qt. Qt: `setSocketOption()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_socket_option (QsAbstractSocket *self,
                                      QsSocketOption    option,
                                      int               value)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  QS_ABSTRACT_SOCKET_GET_CLASS (self)->set_socket_option (self, option, value);
}

/**
 * qs_abstract_socket_get_socket_option: (virtual get_socket_option)
 * @self: a socket
 * @option: the option
 *
 * Qt: `socketOption()`.
 *
 * Returns: the option's value, or -1 when there is no descriptor or the
 *   option cannot be read
 *
 * Since: 1.0
 */
int
qs_abstract_socket_get_socket_option (QsAbstractSocket *self,
                                      QsSocketOption    option)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), -1);

  return QS_ABSTRACT_SOCKET_GET_CLASS (self)->get_socket_option (self, option);
}

/**
 * qs_abstract_socket_get_socket_descriptor: (virtual get_socket_descriptor)
 * @self: a socket
 *
 * The socket keeps ownership of the descriptor. Qt: `socketDescriptor()`.
 *
 * Returns: the native descriptor, or -1
 *
 * Since: 1.0
 */
int
qs_abstract_socket_get_socket_descriptor (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), -1);

  return QS_ABSTRACT_SOCKET_GET_CLASS (self)->get_socket_descriptor (self);
}

/**
 * qs_abstract_socket_set_socket_descriptor: (virtual set_socket_descriptor)
 * @self: a socket
 * @socket_descriptor: a native socket descriptor
 * @state: the state to enter (Qt's default: %QS_SOCKET_STATE_CONNECTED_STATE)
 * @open_mode: how to open the device (Qt's default: %QS_OPEN_MODE_READ_WRITE)
 *
 * Adopts @socket_descriptor, taking ownership on success. Emits
 * [signal@Qs.AbstractSocket::state-changed] only (no
 * [signal@Qs.AbstractSocket::connected]). An invalid descriptor gives
 * %FALSE and %QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR, with no
 * signal. Qt: `setSocketDescriptor()`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
qs_abstract_socket_set_socket_descriptor (QsAbstractSocket *self,
                                          int               socket_descriptor,
                                          QsSocketState     state,
                                          QsOpenMode        open_mode)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), FALSE);

  return QS_ABSTRACT_SOCKET_GET_CLASS (self)->set_socket_descriptor (self, socket_descriptor,
                                                                     state, open_mode);
}

/**
 * qs_abstract_socket_get_protocol_tag: (get-property protocol-tag)
 * @self: a socket
 *
 * Qt: `protocolTag()`.
 *
 * Returns: (transfer none) (nullable): the tag
 *
 * Since: 1.0
 */
const char *
qs_abstract_socket_get_protocol_tag (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), NULL);

  return get_priv (self)->protocol_tag;
}

/**
 * qs_abstract_socket_set_protocol_tag: (set-property protocol-tag)
 * @self: a socket
 * @tag: (nullable): the tag
 *
 * Qt: `setProtocolTag()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_protocol_tag (QsAbstractSocket *self,
                                     const char       *tag)
{
  QsAbstractSocketPrivate *priv;

  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  priv = get_priv (self);
  if (g_strcmp0 (priv->protocol_tag, tag) == 0)
    return;
  g_free (priv->protocol_tag);
  priv->protocol_tag = g_strdup (tag);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROTOCOL_TAG]);
}

/**
 * qs_abstract_socket_set_proxy: (set-property proxy)
 * @self: a socket
 * @network_proxy: (nullable): the proxy; `NULL` is
 *   %QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY, the application proxy
 *
 * Sets the proxy the next [method@Qs.AbstractSocket.connect_to_host]
 * goes through; the socket keeps a reference. With a
 * %QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY or
 * %QS_NETWORK_PROXY_TYPE_HTTP_PROXY, the socket connects to the proxy
 * and runs its handshake while
 * %QS_SOCKET_STATE_CONNECTING_STATE; a host name is then resolved by the
 * proxy (no [signal@Qs.AbstractSocket::host-found]). Bytes written
 * meanwhile wait until the tunnel is up. A proxy that cannot carry the
 * socket (a caching proxy, or an HTTP proxy for a UDP socket) makes
 * connect_to_host fail with
 * %QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR.
 *
 * A UDP socket with a %QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY binds through
 * it ([method@Qs.AbstractSocket.bind], its first datagram sent, or
 * connect_to_host, inside the call): the proxy relays its datagrams
 * (SOCKS5's `UDP ASSOCIATE`), and the socket has no local address or
 * port. With an HTTP proxy a bind fails with
 * %QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR.
 *
 * Qt: `setProxy()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_proxy (QsAbstractSocket *self,
                              QsNetworkProxy   *network_proxy)
{
  QsAbstractSocketPrivate *priv;

  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  priv = get_priv (self);
  if (_qs_network_proxy_store (&priv->proxy, network_proxy))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROXY]);
}

/**
 * qs_abstract_socket_get_proxy: (get-property proxy)
 * @self: a socket
 *
 * The proxy set with [method@Qs.AbstractSocket.set_proxy].
 *
 * Qt: `proxy()`.
 *
 * Returns: (transfer full): the proxy; a
 *   %QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY one when none was set
 *
 * Since: 1.0
 */
QsNetworkProxy *
qs_abstract_socket_get_proxy (QsAbstractSocket *self)
{
  QsAbstractSocketPrivate *priv;

  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), NULL);

  priv = get_priv (self);
  return _qs_network_proxy_dup (priv->proxy);
}

/**
 * qs_abstract_socket_get_happy_eyeballs: (get-property happy-eyeballs)
 * @self: a socket
 *
 * A qsock extra: see [property@Qs.AbstractSocket:happy-eyeballs].
 *
 * Returns: whether connect_to_host() races the addresses (RFC 8305)
 *
 * Since: 1.0
 */
gboolean
qs_abstract_socket_get_happy_eyeballs (QsAbstractSocket *self)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), FALSE);

  return get_priv (self)->happy_eyeballs;
}

/**
 * qs_abstract_socket_set_happy_eyeballs: (set-property happy-eyeballs)
 * @self: a socket
 * @enabled: whether to race the addresses
 *
 * Makes the next [method@Qs.AbstractSocket.connect_to_host] race the
 * host's IPv6 and IPv4 addresses (RFC 8305, 250 ms between attempts)
 * instead of trying them one at a time as Qt does (the default). A
 * connect already under way keeps its way.
 *
 * A qsock extra: see [property@Qs.AbstractSocket:happy-eyeballs].
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_happy_eyeballs (QsAbstractSocket *self,
                                       gboolean          enabled)
{
  QsAbstractSocketPrivate *priv;

  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  priv = get_priv (self);
  enabled = !!enabled;
  if (priv->happy_eyeballs == (guint) enabled)
    return;
  priv->happy_eyeballs = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAPPY_EYEBALLS]);
}

/**
 * qs_abstract_socket_set_socket_state:
 * @self: a socket
 * @state: the state
 *
 * For subclasses: changes the state and notifies
 * [property@Qs.AbstractSocket:state] without emitting
 * [signal@Qs.AbstractSocket::state-changed], as Qt. Applications should
 * not call it. Qt: `setSocketState()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_socket_state (QsAbstractSocket *self,
                                     QsSocketState     state)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  store_state (self, state);
}

/**
 * qs_abstract_socket_set_socket_error:
 * @self: a socket
 * @socket_error: the error
 *
 * For subclasses: changes the error and notifies
 * [property@Qs.AbstractSocket:error] without emitting
 * [signal@Qs.AbstractSocket::error-occurred], as Qt. Applications should
 * not call it. Qt: `setSocketError()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_socket_error (QsAbstractSocket *self,
                                     QsSocketError     socket_error)
{
  QsAbstractSocketPrivate *priv;

  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  priv = get_priv (self);
  if (priv->error == socket_error)
    return;
  priv->error = socket_error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/**
 * qs_abstract_socket_set_local_port:
 * @self: a socket
 * @port: the port
 *
 * For subclasses; applications should not call it. Qt: `setLocalPort()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_local_port (QsAbstractSocket *self,
                                   guint16           port)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  store_port (self, &get_priv (self)->local_port, port, PROP_LOCAL_PORT);
}

/**
 * qs_abstract_socket_set_local_address:
 * @self: a socket
 * @address: (nullable): the address
 *
 * For subclasses; applications should not call it. Qt: `setLocalAddress()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_local_address (QsAbstractSocket *self,
                                      GInetAddress     *address)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  store_address (self, &get_priv (self)->local_address, address, PROP_LOCAL_ADDRESS);
}

/**
 * qs_abstract_socket_set_peer_port:
 * @self: a socket
 * @port: the port
 *
 * For subclasses; applications should not call it. Qt: `setPeerPort()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_peer_port (QsAbstractSocket *self,
                                  guint16           port)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  store_port (self, &get_priv (self)->peer_port, port, PROP_PEER_PORT);
}

/**
 * qs_abstract_socket_set_peer_address:
 * @self: a socket
 * @address: (nullable): the address
 *
 * For subclasses; applications should not call it. Qt: `setPeerAddress()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_peer_address (QsAbstractSocket *self,
                                     GInetAddress     *address)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));
  g_return_if_fail (address == NULL || G_IS_INET_ADDRESS (address));

  store_address (self, &get_priv (self)->peer_address, address, PROP_PEER_ADDRESS);
}

/**
 * qs_abstract_socket_set_peer_name:
 * @self: a socket
 * @name: (nullable): the name
 *
 * For subclasses; applications should not call it. Qt: `setPeerName()`.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_set_peer_name (QsAbstractSocket *self,
                                  const char       *name)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));

  store_peer_name (self, name);
}

/* connect_to_host_async's cancel: Qt's abort(). */
static void
abort_connect (gpointer self)
{
  qs_abstract_socket_abort (self);
}

/**
 * qs_abstract_socket_connect_to_host_async:
 * @self: a socket
 * @host_name: a host name or a literal IPv4/IPv6 address
 * @port: the port
 * @mode: how to open the device
 * @protocol: which addresses to try
 * @cancellable: (nullable): a cancellable; cancelling aborts the socket
 *   ([method@Qs.AbstractSocket.abort])
 * @callback: (scope async): called when the socket connected or failed to
 * @user_data: (closure): data for @callback
 *
 * Starts [method@Qs.AbstractSocket.connect_to_host], with the same
 * signals, and completes after the handlers of
 * [signal@Qs.AbstractSocket::connected] or of
 * [signal@Qs.AbstractSocket::error-occurred] ran; get the outcome with
 * [method@Qs.AbstractSocket.connect_to_host_finish]. An
 * [method@Qs.AbstractSocket.abort] or
 * [method@Qs.AbstractSocket.set_socket_descriptor] before the socket
 * connected fails it with `G_IO_ERROR_CLOSED`, and a
 * [method@Qs.AbstractSocket.wait_for_connected] that times out with the
 * socket's `QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR`; a second call while one is pending fails with
 * `G_IO_ERROR_PENDING` and changes nothing. @callback runs on the main
 * context that is thread-default now. Beyond Qt.
 *
 * Since: 1.0
 */
void
qs_abstract_socket_connect_to_host_async (QsAbstractSocket       *self,
                                          const char             *host_name,
                                          guint16                 port,
                                          QsOpenMode              mode,
                                          QsNetworkLayerProtocol  protocol,
                                          GCancellable           *cancellable,
                                          GAsyncReadyCallback     callback,
                                          gpointer                user_data)
{
  g_return_if_fail (QS_IS_ABSTRACT_SOCKET (self));
  g_return_if_fail (host_name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (_qs_async_op_begin (&get_priv (self)->connect_op, self, G_PRIORITY_DEFAULT,
                          cancellable, callback, user_data,
                          qs_abstract_socket_connect_to_host_async, abort_connect) == NULL)
    return;
  qs_abstract_socket_connect_to_host (self, host_name, port, mode, protocol);
}

/**
 * qs_abstract_socket_connect_to_host_finish:
 * @self: a socket
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Finishes [method@Qs.AbstractSocket.connect_to_host_async].
 *
 * Returns: %TRUE when the socket connected; %FALSE with @error set in
 *   `QS_SOCKET_ERROR` (the code is [method@Qs.AbstractSocket.get_error],
 *   the message the error string) or `G_IO_ERROR`
 *   (`G_IO_ERROR_CANCELLED` when cancelled)
 *
 * Since: 1.0
 */
gboolean
qs_abstract_socket_connect_to_host_finish (QsAbstractSocket  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_return_val_if_fail (QS_IS_ABSTRACT_SOCKET (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, qs_abstract_socket_connect_to_host_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
