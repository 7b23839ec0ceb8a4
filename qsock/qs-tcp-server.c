/* qs-tcp-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsTcpServer: accepts TCP connections (Qt's QTcpServer). The listening
 * socket is a socket engine; on readable it accepts in a loop until
 * EAGAIN or until max-pending-connections are waiting, then stops
 * watching until the application takes one. Each descriptor goes through
 * the incoming_connection virtual, whose default wraps it in a
 * QsTcpSocket and queues it; new-connection follows.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "qs-abstract-socket-private.h"
#include "qs-enum-types.h"
#include "qs-io-device-private.h"
#include "qs-network-proxy-private.h"
#include "qs-proxy-handshake.h"
#include "qs-socket-engine.h"
#include "qs-tcp-server-private.h"

/**
 * QsTcpServer:
 *
 * Accepts incoming TCP connections (Qt's `QTcpServer`).
 *
 * ```c
 * static void
 * on_new_connection (QsTcpServer *server, gpointer user_data)
 * {
 *   g_autoptr(QsTcpSocket) client = qs_tcp_server_next_pending_connection (server);
 *   qs_io_device_write (QS_IO_DEVICE (client), (const guint8 *) "hi\n", 3);
 *   qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (client));
 * }
 *
 * QsTcpServer *server = qs_tcp_server_new ();
 * g_signal_connect (server, "new-connection", G_CALLBACK (on_new_connection), NULL);
 * if (!qs_tcp_server_listen (server, NULL, 0))
 *   g_printerr ("%s\n", qs_tcp_server_get_error_string (server));
 * ```
 *
 * A socket handed out by [method@Qs.TcpServer.next_pending_connection]
 * belongs to the caller; sockets never taken are released with the
 * server or by [method@Qs.TcpServer.close]. Failures set
 * [property@Qs.TcpServer:server-error] and
 * [property@Qs.TcpServer:error-string]; only a failing accept emits a
 * signal, [signal@Qs.TcpServer::accept-error].
 *
 * Since: 1.0
 */

#define QS_DEFAULT_MAX_PENDING_CONNECTIONS 30
#define QS_DEFAULT_LISTEN_BACKLOG 50

typedef struct
{
  GMainContext   *context;       /* (owned) */
  QsSocketEngine *engine;        /* (owned) (nullable): the listening socket */
  GQueue          pending;       /* (owned) QsTcpSocket* waiting to be taken */
  int             max_pending;
  int             backlog;
  QsSocketError   server_error;
  char           *error_string;  /* (owned) (nullable) */
  GInetAddress   *address;       /* (owned) (nullable) */
  guint16         port;
  gboolean        listening;
  gboolean        defers_new_connection; /* a subclass emits new-connection */
  QsNetworkProxy *proxy;         /* (owned) (nullable): set_proxy(); NULL = DEFAULT_PROXY */
  gboolean        through_proxy; /* the engine is a connection to a SOCKS5 proxy that bound for us */
} QsTcpServerPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (QsTcpServer, qs_tcp_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LISTENING,
  PROP_SERVER_ADDRESS,
  PROP_SERVER_PORT,
  PROP_SERVER_ERROR,
  PROP_ERROR_STRING,
  PROP_MAX_PENDING_CONNECTIONS,
  PROP_LISTEN_BACKLOG_SIZE,
  PROP_PROXY,
  N_PROPS
};

enum {
  SIGNAL_NEW_CONNECTION,
  SIGNAL_PENDING_CONNECTION_AVAILABLE,
  SIGNAL_ACCEPT_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static inline QsTcpServerPrivate *
get_priv (QsTcpServer *self)
{
  return qs_tcp_server_get_instance_private (self);
}

static void
set_server_error (QsTcpServer   *self,
                  QsSocketError  error,
                  const char    *message)
{
  QsTcpServerPrivate *priv = get_priv (self);

  if (priv->server_error != error)
    {
      priv->server_error = error;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_ERROR]);
    }
  if (g_strcmp0 (priv->error_string, message) != 0)
    {
      g_free (priv->error_string);
      priv->error_string = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_STRING]);
    }
}

static void
set_server_error_from_errno (QsTcpServer *self,
                             QsEngineOp   op,
                             int          error_number)
{
  const char *message = NULL;
  QsSocketError error = _qs_socket_error_from_errno (op, error_number, &message);

  set_server_error (self, error, message);
}

static void
set_listening (QsTcpServer *self,
               gboolean     listening)
{
  QsTcpServerPrivate *priv = get_priv (self);

  if (priv->listening == listening)
    return;
  priv->listening = listening;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);
}

static void
set_endpoint (QsTcpServer  *self,
              GInetAddress *address,
              guint16       port)
{
  QsTcpServerPrivate *priv = get_priv (self);

  if (!(priv->address == address ||
        (priv->address && address && g_inet_address_equal (priv->address, address))))
    {
      g_set_object (&priv->address, address);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_ADDRESS]);
    }
  if (priv->port != port)
    {
      priv->port = port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_PORT]);
    }
}

static void
update_watch (QsTcpServer *self,
              gboolean     accepting)
{
  QsTcpServerPrivate *priv = get_priv (self);

  if (priv->engine)
    _qs_socket_engine_set_events (priv->engine, accepting ? G_IO_IN : 0);
}

/* Qt's QTcpServerPrivate::readNotification(): accept until EAGAIN or
 * until max-pending-connections are waiting. */
static void
accept_pending (QsTcpServer *self)
{
  QsTcpServerPrivate *priv = get_priv (self);

  g_object_ref (self);
  while (priv->engine != NULL)
    {
      int error_number = 0;
      int fd;

      if ((int) priv->pending.length >= priv->max_pending)
        {
          update_watch (self, FALSE);
          break;
        }

      fd = _qs_socket_engine_accept (priv->engine, &error_number);
      if (fd < 0)
        {
          if (error_number != EAGAIN)
            {
              qs_tcp_server_pause_accepting (self);
              set_server_error_from_errno (self, QS_ENGINE_OP_ACCEPT, error_number);
              g_signal_emit (self, signals[SIGNAL_ACCEPT_ERROR], 0, priv->server_error);
            }
          break;
        }

      g_main_context_push_thread_default (priv->context);
      QS_TCP_SERVER_GET_CLASS (self)->incoming_connection (self, fd);
      g_main_context_pop_thread_default (priv->context);

      if (!priv->defers_new_connection)
        g_signal_emit (self, signals[SIGNAL_NEW_CONNECTION], 0);

      /* Qt stops when a handler deleted the server: here, when ours is
       * the only reference left. */
      if (!priv->listening || g_atomic_int_get (&G_OBJECT (self)->ref_count) == 1)
        break;
    }
  g_object_unref (self);
}

/* Qt 6.4's QSocks5SocketEngine::accept() after a BIND, which its
 * listen() triggers at once (a queued read notification): on the next
 * iteration, before any peer connected, the proxy's connection itself
 * becomes the accepted socket, with the proxy's second reply still to
 * come (Qt hands those bytes to the application), and the server stops
 * listening. */
static void
accept_through_proxy (QsTcpServer *self)
{
  QsTcpServerPrivate *priv = get_priv (self);
  int engine_fd = _qs_socket_engine_get_fd (priv->engine);
  int fd;

  g_object_ref (self);
  fd = fcntl (engine_fd, F_DUPFD_CLOEXEC, 0);
  g_clear_pointer (&priv->engine, _qs_socket_engine_free);
  priv->through_proxy = FALSE;
  set_listening (self, FALSE);
  if (fd >= 0)
    {
      guint queued = priv->pending.length;

      g_main_context_push_thread_default (priv->context);
      QS_TCP_SERVER_GET_CLASS (self)->incoming_connection (self, fd);
      g_main_context_pop_thread_default (priv->context);
      /* Qt's socket reports the address the proxy bound as its local
       * end, and no peer (the proxy's reply naming it is left unread). */
      if (priv->pending.length > queued)
        _qs_abstract_socket_take_bind_tunnel (g_queue_peek_tail (&priv->pending), priv->address, priv->port);
      if (!priv->defers_new_connection)
        g_signal_emit (self, signals[SIGNAL_NEW_CONNECTION], 0);
    }
  g_object_unref (self);
}

static void
on_engine_ready (GIOCondition condition,
                 gpointer     user_data)
{
  QsTcpServer *self = QS_TCP_SERVER (user_data);

  if (get_priv (self)->through_proxy)
    accept_through_proxy (self);
  else
    accept_pending (self);
}

static void
qs_tcp_server_real_incoming_connection (QsTcpServer *self,
                                        int          socket_descriptor)
{
  g_autoptr(QsTcpSocket) socket = qs_tcp_socket_new ();

  /* A refused descriptor is still the server's: closed, as the local
   * server does. */
  if (qs_abstract_socket_set_socket_descriptor (QS_ABSTRACT_SOCKET (socket), socket_descriptor,
                                                QS_SOCKET_STATE_CONNECTED_STATE,
                                                QS_OPEN_MODE_READ_WRITE))
    qs_tcp_server_add_pending_connection (self, socket);
  else
    close (socket_descriptor);
}

static gboolean
qs_tcp_server_real_has_pending_connections (QsTcpServer *self)
{
  return !g_queue_is_empty (&get_priv (self)->pending);
}

static QsTcpSocket *
qs_tcp_server_real_next_pending_connection (QsTcpServer *self)
{
  QsTcpServerPrivate *priv = get_priv (self);
  int waiting = priv->pending.length;

  if (waiting == 0)
    return NULL;
  if (priv->engine && waiting == priv->max_pending)
    update_watch (self, TRUE);
  return g_queue_pop_head (&priv->pending);
}

static void
clear_pending (QsTcpServer *self)
{
  g_queue_clear_full (&get_priv (self)->pending, g_object_unref);
}

static void
qs_tcp_server_dispose (GObject *object)
{
  QsTcpServer *self = QS_TCP_SERVER (object);
  QsTcpServerPrivate *priv = get_priv (self);

  clear_pending (self);
  g_clear_pointer (&priv->engine, _qs_socket_engine_free);

  G_OBJECT_CLASS (qs_tcp_server_parent_class)->dispose (object);
}

static void
qs_tcp_server_finalize (GObject *object)
{
  QsTcpServer *self = QS_TCP_SERVER (object);
  QsTcpServerPrivate *priv = get_priv (self);

  g_clear_object (&priv->address);
  g_clear_pointer (&priv->error_string, g_free);
  g_clear_pointer (&priv->proxy, qs_network_proxy_unref);
  g_clear_pointer (&priv->context, g_main_context_unref);

  G_OBJECT_CLASS (qs_tcp_server_parent_class)->finalize (object);
}

static void
qs_tcp_server_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QsTcpServer *self = QS_TCP_SERVER (object);
  QsTcpServerPrivate *priv = get_priv (self);

  switch (prop_id)
    {
    case PROP_LISTENING:
      g_value_set_boolean (value, priv->listening);
      break;
    case PROP_SERVER_ADDRESS:
      g_value_set_object (value, priv->address);
      break;
    case PROP_SERVER_PORT:
      g_value_set_uint (value, priv->port);
      break;
    case PROP_SERVER_ERROR:
      g_value_set_enum (value, priv->server_error);
      break;
    case PROP_ERROR_STRING:
      g_value_set_string (value, priv->error_string);
      break;
    case PROP_MAX_PENDING_CONNECTIONS:
      g_value_set_int (value, priv->max_pending);
      break;
    case PROP_LISTEN_BACKLOG_SIZE:
      g_value_set_int (value, priv->backlog);
      break;
    case PROP_PROXY:
      g_value_take_boxed (value, qs_tcp_server_get_proxy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_tcp_server_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  QsTcpServer *self = QS_TCP_SERVER (object);

  switch (prop_id)
    {
    case PROP_MAX_PENDING_CONNECTIONS:
      qs_tcp_server_set_max_pending_connections (self, g_value_get_int (value));
      break;
    case PROP_LISTEN_BACKLOG_SIZE:
      qs_tcp_server_set_listen_backlog_size (self, g_value_get_int (value));
      break;
    case PROP_PROXY:
      qs_tcp_server_set_proxy (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_tcp_server_class_init (QsTcpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _qs_io_device_init_i18n ();

  object_class->dispose = qs_tcp_server_dispose;
  object_class->finalize = qs_tcp_server_finalize;
  object_class->get_property = qs_tcp_server_get_property;
  object_class->set_property = qs_tcp_server_set_property;

  klass->incoming_connection = qs_tcp_server_real_incoming_connection;
  klass->has_pending_connections = qs_tcp_server_real_has_pending_connections;
  klass->next_pending_connection = qs_tcp_server_real_next_pending_connection;

  /**
   * QsTcpServer:listening: (getter is_listening)
   *
   * Whether the server is listening.
   *
   * Since: 1.0
   */
  properties[PROP_LISTENING] =
    g_param_spec_boolean ("listening", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsTcpServer:server-address: (getter get_server_address)
   *
   * The address the server listens on, %NULL when not listening.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_ADDRESS] =
    g_param_spec_object ("server-address", NULL, NULL, G_TYPE_INET_ADDRESS,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsTcpServer:server-port: (getter get_server_port)
   *
   * The port the server listens on, 0 when not listening.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_PORT] =
    g_param_spec_uint ("server-port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsTcpServer:server-error: (getter get_server_error)
   *
   * The last error; %QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR before any.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_ERROR] =
    g_param_spec_enum ("server-error", NULL, NULL,
                       QS_TYPE_SOCKET_ERROR, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsTcpServer:error-string: (getter get_error_string)
   *
   * A translated description of the last error; %NULL before any.
   *
   * Since: 1.0
   */
  properties[PROP_ERROR_STRING] =
    g_param_spec_string ("error-string", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsTcpServer:max-pending-connections: (getter get_max_pending_connections) (setter set_max_pending_connections)
   *
   * How many accepted connections may wait to be taken; beyond that the
   * server stops accepting (the kernel's backlog holds the rest).
   *
   * Since: 1.0
   */
  properties[PROP_MAX_PENDING_CONNECTIONS] =
    g_param_spec_int ("max-pending-connections", NULL, NULL,
                      0, G_MAXINT, QS_DEFAULT_MAX_PENDING_CONNECTIONS,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsTcpServer:listen-backlog-size: (getter get_listen_backlog_size) (setter set_listen_backlog_size)
   *
   * The kernel's backlog given to the next listen().
   *
   * Since: 1.0
   */
  properties[PROP_LISTEN_BACKLOG_SIZE] =
    g_param_spec_int ("listen-backlog-size", NULL, NULL,
                      0, G_MAXINT, QS_DEFAULT_LISTEN_BACKLOG,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsTcpServer:proxy: (getter get_proxy) (setter set_proxy)
   *
   * The proxy the server would listen through; see
   * [method@Qs.TcpServer.set_proxy].
   *
   * Since: 1.0
   */
  properties[PROP_PROXY] =
    g_param_spec_boxed ("proxy", NULL, NULL, QS_TYPE_NETWORK_PROXY,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QsTcpServer::new-connection:
   * @self: the server
   *
   * A connection is waiting; take it with
   * [method@Qs.TcpServer.next_pending_connection]. Qt: `newConnection()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_NEW_CONNECTION] =
    g_signal_new ("new-connection", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * QsTcpServer::pending-connection-available:
   * @self: the server
   *
   * [method@Qs.TcpServer.add_pending_connection] queued a connection.
   * Qt: `pendingConnectionAvailable()` (private in Qt).
   *
   * Since: 1.0
   */
  signals[SIGNAL_PENDING_CONNECTION_AVAILABLE] =
    g_signal_new ("pending-connection-available", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * QsTcpServer::accept-error:
   * @self: the server
   * @socket_error: what went wrong
   *
   * Accepting failed; the server paused accepting. Qt: `acceptError()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ACCEPT_ERROR] =
    g_signal_new ("accept-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, g_cclosure_marshal_VOID__ENUM,
                  G_TYPE_NONE, 1, QS_TYPE_SOCKET_ERROR);
  g_signal_set_va_marshaller (signals[SIGNAL_ACCEPT_ERROR], G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__ENUMv);
}

static void
qs_tcp_server_init (QsTcpServer *self)
{
  QsTcpServerPrivate *priv = get_priv (self);

  priv->context = g_main_context_ref_thread_default ();
  priv->max_pending = QS_DEFAULT_MAX_PENDING_CONNECTIONS;
  priv->backlog = QS_DEFAULT_LISTEN_BACKLOG;
  priv->server_error = QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
  g_queue_init (&priv->pending);
}

/**
 * qs_tcp_server_new:
 *
 * Creates a server bound to the thread-default main context.
 * Qt: `QTcpServer()`.
 *
 * Returns: (transfer full): a new server
 *
 * Since: 1.0
 */
QsTcpServer *
qs_tcp_server_new (void)
{
  return g_object_new (QS_TYPE_TCP_SERVER, NULL);
}

/* Watches the listening engine and publishes its endpoint. */
static void
start_listening (QsTcpServer *self,
                 gboolean     any_requested)
{
  QsTcpServerPrivate *priv = get_priv (self);
  g_autoptr(GInetAddress) address = NULL;
  guint16 port = 0;

  _qs_socket_engine_get_bound_address (priv->engine, any_requested, &address, &port);
  update_watch (self, TRUE);
  set_endpoint (self, address, port);
  set_listening (self, TRUE);
}

/* Qt's listen() through a SOCKS5 proxy: a BIND, blocking; on success
 * the address the proxy bound is the server's. */
static gboolean
listen_through_proxy (QsTcpServer    *self,
                      QsNetworkProxy *proxy,
                      guint16         port)
{
  QsTcpServerPrivate *priv = get_priv (self);
  QsProxyHandshake *handshake = _qs_proxy_handshake_new_bind (proxy, port);
  g_autoptr(GInetAddress) bound = NULL;
  guint16 bound_port = 0;
  const char *message;
  QsSocketError error;

  priv->engine = _qs_proxy_handshake_run (handshake, priv->context, on_engine_ready, self, &error, &message);
  if (priv->engine == NULL || !_qs_proxy_handshake_get_bound (handshake, &bound, &bound_port))
    {
      set_server_error (self, error, message);
      g_clear_pointer (&priv->engine, _qs_socket_engine_free);
      _qs_proxy_handshake_free (handshake);
      return FALSE;
    }
  _qs_proxy_handshake_free (handshake);

  priv->through_proxy = TRUE;
  /* The connection to the proxy is writable at once: the accept comes
   * on the next iteration, as Qt's queued read notification does. */
  _qs_socket_engine_set_events (priv->engine, G_IO_OUT);
  set_endpoint (self, bound, bound_port);
  set_listening (self, TRUE);
  return TRUE;
}

/**
 * qs_tcp_server_listen:
 * @self: a server
 * @address: (nullable): the address to listen on; %NULL is any address
 *   (dual-stack where IPv6 exists)
 * @port: the port; 0 picks a free one
 *
 * Starts listening. A port in use gives %FALSE and
 * %QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR; calling it while listening warns
 * and returns %FALSE. Qt: `QTcpServer::listen()`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
qs_tcp_server_listen (QsTcpServer  *self,
                      GInetAddress *address,
                      guint16       port)
{
  QsTcpServerPrivate *priv;
  GSocketFamily family;
  QsEngineOp op;
  int error_number = 0;

  g_return_val_if_fail (QS_IS_TCP_SERVER (self), FALSE);
  g_return_val_if_fail (address == NULL || G_IS_INET_ADDRESS (address), FALSE);

  priv = get_priv (self);
  if (priv->listening)
    {
      g_warning ("QsTcpServer::listen() called when already listening");
      return FALSE;
    }

  g_clear_pointer (&priv->engine, _qs_socket_engine_free);
  priv->through_proxy = FALSE;

  /* Qt's QTcpServerPrivate::resolveProxy(): never for a loopback
   * address; else the server's proxy or the application's, which must
   * be able to listen (SOCKS5's BIND). One that cannot (an HTTP proxy)
   * leaves Qt without a socket engine: the listen fails. */
  if (address == NULL || !g_inet_address_get_is_loopback (address))
    {
      g_autoptr(QsNetworkProxy) proxy = _qs_network_proxy_resolve (priv->proxy, NULL, FALSE);

      if (proxy == NULL ||
          !(qs_network_proxy_get_capabilities (proxy) & QS_NETWORK_PROXY_CAPABILITIES_LISTENING_CAPABILITY))
        {
          set_server_error (self, QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR,
                            _("Operation on socket is not supported"));
          return FALSE;
        }
      if (qs_network_proxy_get_proxy_type (proxy) == QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY)
        return listen_through_proxy (self, proxy, port);
    }

  family = address ? g_inet_address_get_family (address) : G_SOCKET_FAMILY_IPV6;
  priv->engine = _qs_socket_engine_new_tcp (family, priv->context, on_engine_ready, self, &error_number);
  if (priv->engine == NULL && address == NULL)
    priv->engine = _qs_socket_engine_new_tcp (G_SOCKET_FAMILY_IPV4, priv->context,
                                              on_engine_ready, self, &error_number);
  if (priv->engine == NULL)
    {
      set_server_error_from_errno (self, QS_ENGINE_OP_CREATE, error_number);
      return FALSE;
    }

  op = QS_ENGINE_OP_BIND;
  error_number = _qs_socket_engine_bind (priv->engine, address, port, TRUE);
  if (error_number == 0)
    {
      op = QS_ENGINE_OP_LISTEN;
      error_number = _qs_socket_engine_listen (priv->engine, priv->backlog);
    }
  if (error_number != 0)
    {
      set_server_error_from_errno (self, op, error_number);
      g_clear_pointer (&priv->engine, _qs_socket_engine_free);
      return FALSE;
    }

  start_listening (self, address == NULL);
  return TRUE;
}

/**
 * qs_tcp_server_close:
 * @self: a server
 *
 * Stops listening and releases the connections nobody took.
 * Qt: `QTcpServer::close()`.
 *
 * Since: 1.0
 */
void
qs_tcp_server_close (QsTcpServer *self)
{
  QsTcpServerPrivate *priv;

  g_return_if_fail (QS_IS_TCP_SERVER (self));

  priv = get_priv (self);
  clear_pending (self);
  g_clear_pointer (&priv->engine, _qs_socket_engine_free);
  priv->through_proxy = FALSE;
  set_endpoint (self, NULL, 0);
  set_listening (self, FALSE);
}

/**
 * qs_tcp_server_is_listening: (get-property listening)
 * @self: a server
 *
 * Qt: `isListening()`.
 *
 * Returns: whether the server is listening
 *
 * Since: 1.0
 */
gboolean
qs_tcp_server_is_listening (QsTcpServer *self)
{
  g_return_val_if_fail (QS_IS_TCP_SERVER (self), FALSE);

  return get_priv (self)->listening;
}

/**
 * qs_tcp_server_get_server_port: (get-property server-port)
 * @self: a server
 *
 * Qt: `serverPort()`.
 *
 * Returns: the port, 0 when not listening
 *
 * Since: 1.0
 */
guint16
qs_tcp_server_get_server_port (QsTcpServer *self)
{
  g_return_val_if_fail (QS_IS_TCP_SERVER (self), 0);

  return get_priv (self)->port;
}

/**
 * qs_tcp_server_get_server_address: (get-property server-address)
 * @self: a server
 *
 * Qt: `serverAddress()`.
 *
 * Returns: (transfer full) (nullable): the address, %NULL when not listening
 *
 * Since: 1.0
 */
GInetAddress *
qs_tcp_server_get_server_address (QsTcpServer *self)
{
  QsTcpServerPrivate *priv;

  g_return_val_if_fail (QS_IS_TCP_SERVER (self), NULL);

  priv = get_priv (self);
  return priv->address ? g_object_ref (priv->address) : NULL;
}

/**
 * qs_tcp_server_get_server_error: (get-property server-error)
 * @self: a server
 *
 * Qt: `serverError()`.
 *
 * Returns: the last error
 *
 * Since: 1.0
 */
QsSocketError
qs_tcp_server_get_server_error (QsTcpServer *self)
{
  g_return_val_if_fail (QS_IS_TCP_SERVER (self), QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);

  return get_priv (self)->server_error;
}

/**
 * qs_tcp_server_get_error_string: (get-property error-string)
 * @self: a server
 *
 * Qt: `errorString()` (empty before any error, unlike sockets).
 *
 * Returns: (transfer none) (nullable): the last error's description, or
 *   %NULL before any error
 *
 * Since: 1.0
 */
const char *
qs_tcp_server_get_error_string (QsTcpServer *self)
{
  g_return_val_if_fail (QS_IS_TCP_SERVER (self), NULL);

  return get_priv (self)->error_string;
}

/**
 * qs_tcp_server_get_socket_descriptor:
 * @self: a server
 *
 * Qt: `socketDescriptor()`.
 *
 * Returns: the listening descriptor, -1 when not listening
 *
 * Since: 1.0
 */
int
qs_tcp_server_get_socket_descriptor (QsTcpServer *self)
{
  QsTcpServerPrivate *priv;

  g_return_val_if_fail (QS_IS_TCP_SERVER (self), -1);

  priv = get_priv (self);
  return priv->engine ? _qs_socket_engine_get_fd (priv->engine) : -1;
}

/**
 * qs_tcp_server_set_socket_descriptor:
 * @self: a server
 * @socket_descriptor: a listening TCP socket descriptor
 *
 * Listens on an existing descriptor, taking ownership on success.
 * Qt: `setSocketDescriptor()`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
qs_tcp_server_set_socket_descriptor (QsTcpServer *self,
                                     int          socket_descriptor)
{
  QsTcpServerPrivate *priv;
  GSocket *socket;
  int error_number;

  g_return_val_if_fail (QS_IS_TCP_SERVER (self), FALSE);

  priv = get_priv (self);
  if (priv->listening)
    {
      g_warning ("QsTcpServer::set_socket_descriptor() called when already listening");
      return FALSE;
    }

  error_number = _qs_socket_fd_check (socket_descriptor, SOCK_STREAM);
  socket = error_number == 0 ? g_socket_new_from_fd (socket_descriptor, NULL) : NULL;
  if (socket == NULL)
    {
      set_server_error_from_errno (self, QS_ENGINE_OP_CREATE, error_number ? error_number : EBADF);
      return FALSE;
    }

  g_clear_pointer (&priv->engine, _qs_socket_engine_free);
  priv->engine = _qs_socket_engine_new (socket, priv->context, on_engine_ready, self);
  start_listening (self, FALSE);
  return TRUE;
}

/**
 * qs_tcp_server_set_max_pending_connections: (set-property max-pending-connections)
 * @self: a server
 * @num_connections: how many accepted connections may wait (Qt's default: 30)
 *
 * Qt: `setMaxPendingConnections()`.
 *
 * Since: 1.0
 */
void
qs_tcp_server_set_max_pending_connections (QsTcpServer *self,
                                           int          num_connections)
{
  QsTcpServerPrivate *priv;

  g_return_if_fail (QS_IS_TCP_SERVER (self));
  g_return_if_fail (num_connections >= 0);

  priv = get_priv (self);
  if (priv->max_pending == num_connections)
    return;
  priv->max_pending = num_connections;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PENDING_CONNECTIONS]);
}

/**
 * qs_tcp_server_get_max_pending_connections: (get-property max-pending-connections)
 * @self: a server
 *
 * Qt: `maxPendingConnections()`.
 *
 * Returns: how many accepted connections may wait
 *
 * Since: 1.0
 */
int
qs_tcp_server_get_max_pending_connections (QsTcpServer *self)
{
  g_return_val_if_fail (QS_IS_TCP_SERVER (self), 0);

  return get_priv (self)->max_pending;
}

/**
 * qs_tcp_server_set_listen_backlog_size: (set-property listen-backlog-size)
 * @self: a server
 * @size: the kernel backlog (Qt's default: 50)
 *
 * Takes effect at the next [method@Qs.TcpServer.listen].
 * Qt: `setListenBacklogSize()`.
 *
 * Since: 1.0
 */
void
qs_tcp_server_set_listen_backlog_size (QsTcpServer *self,
                                       int          size)
{
  QsTcpServerPrivate *priv;

  g_return_if_fail (QS_IS_TCP_SERVER (self));
  g_return_if_fail (size >= 0);

  priv = get_priv (self);
  if (priv->backlog == size)
    return;
  priv->backlog = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTEN_BACKLOG_SIZE]);
}

/**
 * qs_tcp_server_get_listen_backlog_size: (get-property listen-backlog-size)
 * @self: a server
 *
 * Qt: `listenBacklogSize()`.
 *
 * Returns: the backlog for the next listen
 *
 * Since: 1.0
 */
int
qs_tcp_server_get_listen_backlog_size (QsTcpServer *self)
{
  g_return_val_if_fail (QS_IS_TCP_SERVER (self), 0);

  return get_priv (self)->backlog;
}

/**
 * qs_tcp_server_set_proxy: (set-property proxy)
 * @self: a server
 * @network_proxy: (nullable): the proxy; `NULL` is
 *   %QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY
 *
 * Sets the proxy for the next [method@Qs.TcpServer.listen]; the server
 * keeps a reference. Any proxy is skipped when the address to listen on
 * is a loopback address. Otherwise a proxy without
 * %QS_NETWORK_PROXY_CAPABILITIES_LISTENING_CAPABILITY (an HTTP proxy)
 * makes listen() fail with
 * %QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR, as in Qt 6.4.
 *
 * With a %QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY, listen() asks the proxy to
 * listen for it (SOCKS5's `BIND`), blocking up to 5 s as Qt does;
 * [property@Qs.TcpServer:server-address] and
 * [property@Qs.TcpServer:server-port] are then the address the proxy
 * bound. As in Qt 6.4, the server then takes the connection to the
 * proxy as its one pending connection on the next main loop iteration,
 * before any peer connected, and stops listening; that socket's first
 * bytes are the proxy's second reply (naming the peer, which Qt leaves
 * to the application to read), then the peer's. Its end (the peer's
 * close, or the proxy's even before any peer connected) gives
 * %QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR with SOCKS5's text, as
 * through a SOCKS5 tunnel made by connecting.
 *
 * Qt: `setProxy()`.
 *
 * Since: 1.0
 */
void
qs_tcp_server_set_proxy (QsTcpServer    *self,
                         QsNetworkProxy *network_proxy)
{
  QsTcpServerPrivate *priv;

  g_return_if_fail (QS_IS_TCP_SERVER (self));

  priv = get_priv (self);
  if (_qs_network_proxy_store (&priv->proxy, network_proxy))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROXY]);
}

/**
 * qs_tcp_server_get_proxy: (get-property proxy)
 * @self: a server
 *
 * Qt: `proxy()`.
 *
 * Returns: (transfer full): the proxy; a
 *   %QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY one when none was set
 *
 * Since: 1.0
 */
QsNetworkProxy *
qs_tcp_server_get_proxy (QsTcpServer *self)
{
  QsTcpServerPrivate *priv;

  g_return_val_if_fail (QS_IS_TCP_SERVER (self), NULL);

  priv = get_priv (self);
  return _qs_network_proxy_dup (priv->proxy);
}

/**
 * qs_tcp_server_has_pending_connections: (virtual has_pending_connections)
 * @self: a server
 *
 * Qt: `hasPendingConnections()`.
 *
 * Returns: whether a connection waits to be taken
 *
 * Since: 1.0
 */
gboolean
qs_tcp_server_has_pending_connections (QsTcpServer *self)
{
  g_return_val_if_fail (QS_IS_TCP_SERVER (self), FALSE);

  return QS_TCP_SERVER_GET_CLASS (self)->has_pending_connections (self);
}

/**
 * qs_tcp_server_next_pending_connection: (virtual next_pending_connection)
 * @self: a server
 *
 * Hands the next waiting connection to the caller, connected and open for
 * reading and writing. Qt: `nextPendingConnection()`.
 *
 * Returns: (transfer full) (nullable): the socket, or %NULL when none waits
 *
 * Since: 1.0
 */
QsTcpSocket *
qs_tcp_server_next_pending_connection (QsTcpServer *self)
{
  g_return_val_if_fail (QS_IS_TCP_SERVER (self), NULL);

  return QS_TCP_SERVER_GET_CLASS (self)->next_pending_connection (self);
}

/**
 * qs_tcp_server_wait_for_new_connection:
 * @self: a server
 * @msecs: the most milliseconds to wait, -1 for no limit (Qt's default: 0)
 * @timed_out: (out) (optional): set to %TRUE when the time ran out
 *
 * Blocks until a connection arrives, without running a main loop; emits
 * [signal@Qs.TcpServer::new-connection] for it. Qt: `waitForNewConnection()`.
 *
 * Returns: %TRUE when a connection arrived
 *
 * Since: 1.0
 */
gboolean
qs_tcp_server_wait_for_new_connection (QsTcpServer *self,
                                       int          msecs,
                                       gboolean    *timed_out)
{
  QsTcpServerPrivate *priv;

  g_return_val_if_fail (QS_IS_TCP_SERVER (self), FALSE);

  priv = get_priv (self);
  if (timed_out)
    *timed_out = FALSE;
  if (!priv->listening || priv->engine == NULL)
    return FALSE;

  /* Through a proxy the connection is there to accept already. */
  if (!priv->through_proxy &&
      _qs_socket_engine_poll (priv->engine, G_IO_IN, _qs_deadline_from_msecs (msecs)) == 0)
    {
      if (timed_out)
        *timed_out = TRUE;
      set_server_error (self, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR, _("Network operation timed out"));
      return FALSE;
    }

  on_engine_ready (G_IO_IN, self);
  return TRUE;
}

/**
 * qs_tcp_server_pause_accepting:
 * @self: a server
 *
 * Stops accepting; connections wait in the kernel's backlog.
 * Qt: `pauseAccepting()`.
 *
 * Since: 1.0
 */
void
qs_tcp_server_pause_accepting (QsTcpServer *self)
{
  g_return_if_fail (QS_IS_TCP_SERVER (self));

  update_watch (self, FALSE);
}

/**
 * qs_tcp_server_resume_accepting:
 * @self: a server
 *
 * Qt: `resumeAccepting()`.
 *
 * Since: 1.0
 */
void
qs_tcp_server_resume_accepting (QsTcpServer *self)
{
  g_return_if_fail (QS_IS_TCP_SERVER (self));

  update_watch (self, TRUE);
}

/**
 * qs_tcp_server_add_pending_connection:
 * @self: a server
 * @socket: a connected socket
 *
 * For subclasses overriding `incoming_connection`: queues @socket (the
 * server takes a reference) and emits
 * [signal@Qs.TcpServer::pending-connection-available]. Applications
 * should not call it. Qt: `addPendingConnection()`.
 *
 * Since: 1.0
 */
void
qs_tcp_server_add_pending_connection (QsTcpServer *self,
                                      QsTcpSocket *socket)
{
  g_return_if_fail (QS_IS_TCP_SERVER (self));
  g_return_if_fail (QS_IS_TCP_SOCKET (socket));

  g_queue_push_tail (&get_priv (self)->pending, g_object_ref (socket));
  g_signal_emit (self, signals[SIGNAL_PENDING_CONNECTION_AVAILABLE], 0);
}

void
_qs_tcp_server_set_defers_new_connection (QsTcpServer *self,
                                          gboolean     defers)
{
  get_priv (self)->defers_new_connection = defers;
}

/* The caller holds a reference. */
void
_qs_tcp_server_emit_new_connection (QsTcpServer *self)
{
  g_signal_emit (self, signals[SIGNAL_NEW_CONNECTION], 0);
}

GMainContext *
_qs_tcp_server_get_context (QsTcpServer *self)
{
  return get_priv (self)->context;
}
