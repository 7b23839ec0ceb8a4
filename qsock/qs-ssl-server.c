/* qs-ssl-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsSslServer: a QsTcpServer whose accepted connections are QsSslSockets
 * running the server handshake (Qt 6.4's QSslServer). A connection joins
 * the pending queue, and new-connection is emitted, only once it is
 * encrypted; one that fails or outlasts handshake-timeout is aborted and
 * never queued. Until then the server holds it in `handshaking`, with
 * its timer.
 */

#include "config.h"

#include <unistd.h>

#include "qs-abstract-socket-private.h"
#include "qs-enum-types.h"
#include "qs-marshal.h"
#include "qs-ssl-server.h"
#include "qs-ssl-socket.h"
#include "qs-tcp-server-private.h"

/**
 * QsSslServer:
 *
 * Accepts TCP connections and secures each with TLS (Qt's `QSslServer`).
 * Every accepted connection is a [class@Qs.SslSocket] that starts the
 * server handshake with [property@Qs.SslServer:local-certificate];
 * [signal@Qs.TcpServer::new-connection] comes when it is encrypted, and
 * [method@Qs.TcpServer.next_pending_connection] returns it (as a
 * [class@Qs.TcpSocket]).
 *
 * ```python
 * from gi.repository import Gio, GLib, Qs
 *
 * server = Qs.SslServer.new()
 * server.set_local_certificate(
 *     Gio.TlsCertificate.new_from_files("server.pem", "server.key"))
 * server.connect("new-connection",
 *                lambda s: s.next_pending_connection().write(b"hello\n"))
 * server.listen(None, 7443)
 * GLib.MainLoop().run()
 * ```
 *
 * Since: 1.0
 */

#define QS_SSL_SERVER_HANDSHAKE_TIMEOUT_MS 5000

typedef struct
{
  GTlsCertificate  *local_certificate; /* (owned) (nullable) */
  GTlsDatabase     *database;          /* (owned) (nullable) */
  QsPeerVerifyMode  peer_verify_mode;
  int               handshake_timeout;
  GHashTable       *handshaking;       /* (owned) QsSslSocket* (owned) -> GSource* timer (owned) */
  QsSslSocket      *starting;          /* (unowned) (nullable): in start_server_encryption() */
  gboolean          start_failed;      /* @starting reported an error */
} QsSslServerPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (QsSslServer, qs_ssl_server, QS_TYPE_TCP_SERVER)

enum {
  PROP_0,
  PROP_LOCAL_CERTIFICATE,
  PROP_DATABASE,
  PROP_PEER_VERIFY_MODE,
  PROP_HANDSHAKE_TIMEOUT,
  N_PROPS
};

enum {
  SIGNAL_STARTED_ENCRYPTION_HANDSHAKE,
  SIGNAL_SSL_ERRORS,
  SIGNAL_PEER_VERIFY_ERROR,
  SIGNAL_ERROR_OCCURRED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static inline QsSslServerPrivate *
get_priv (QsSslServer *self)
{
  return qs_ssl_server_get_instance_private (self);
}

static void
destroy_timer (gpointer source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

/* Takes @socket out of the handshake table; it keeps no handler of
 * ours. Returns the server's reference to it (transfer full). */
static QsSslSocket *
steal_handshaking (QsSslServer *self,
                   QsSslSocket *socket)
{
  QsSslServerPrivate *priv = get_priv (self);
  gpointer timer = NULL;

  if (!g_hash_table_steal_extended (priv->handshaking, socket, NULL, &timer))
    return NULL;
  destroy_timer (timer);
  g_signal_handlers_disconnect_by_data (socket, self);
  return socket;
}

static void
on_socket_encrypted (QsSslSocket *socket,
                     gpointer     user_data)
{
  QsSslServer *self = user_data;
  g_autoptr(QsSslSocket) owned = steal_handshaking (self, socket);

  if (owned == NULL)
    return;
  g_object_ref (self);
  qs_tcp_server_add_pending_connection (QS_TCP_SERVER (self), QS_TCP_SOCKET (socket));
  _qs_tcp_server_emit_new_connection (QS_TCP_SERVER (self));
  g_object_unref (self);
}

static void
on_socket_ssl_errors (QsSslSocket         *socket,
                      GTlsCertificateFlags errors,
                      gpointer             user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_SSL_ERRORS], 0, socket, errors);
}

static void
on_socket_peer_verify_error (QsSslSocket         *socket,
                             GTlsCertificateFlags error,
                             gpointer             user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_PEER_VERIFY_ERROR], 0, socket, error);
}

/* Drops a connection that failed before it was queued. */
static void
drop_handshaking (QsSslServer *self,
                  QsSslSocket *socket)
{
  g_autoptr(QsSslSocket) owned = steal_handshaking (self, socket);

  if (owned)
    qs_abstract_socket_abort (QS_ABSTRACT_SOCKET (owned));
}

/* Qt: a socket that fails before it is queued is reported, then
 * aborted and dropped (Qt's deleteLater()); one that fails inside
 * start_server_encryption() reports every error of the start first. */
static void
on_socket_error (QsSslSocket   *socket,
                 QsSocketError  error,
                 gpointer       user_data)
{
  QsSslServer *self = user_data;
  QsSslServerPrivate *priv = get_priv (self);

  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_ERROR_OCCURRED], 0, socket, error);
  if (socket == priv->starting)
    priv->start_failed = TRUE;
  else
    drop_handshaking (self, socket);
  g_object_unref (self);
}

typedef struct
{
  QsSslServer *server; /* (unowned): the timer dies with the server's table */
  QsSslSocket *socket; /* (unowned): likewise */
} HandshakeTimer;

/* Qt's handleHandshakeTimedOut(): the server reports
 * SOCKET_TIMEOUT_ERROR with the socket (whose own error is not set),
 * then drops it. */
static gboolean
on_handshake_timeout (gpointer user_data)
{
  HandshakeTimer *timer = user_data;
  QsSslServer *self = timer->server;
  g_autoptr(QsSslSocket) owned = NULL;

  /* The timer's data goes with the source, destroyed by the steal. */
  owned = steal_handshaking (self, timer->socket);
  if (owned == NULL)
    return G_SOURCE_REMOVE;
  g_object_ref (self);
  g_signal_emit (self, signals[SIGNAL_ERROR_OCCURRED], 0, owned, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR);
  qs_abstract_socket_abort (QS_ABSTRACT_SOCKET (owned));
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
qs_ssl_server_real_incoming_connection (QsTcpServer *server,
                                        int          socket_descriptor)
{
  QsSslServer *self = QS_SSL_SERVER (server);
  QsSslServerPrivate *priv = get_priv (self);
  QsSslSocket *socket = qs_ssl_socket_new ();
  HandshakeTimer *data;
  GSource *timer;

  if (!qs_abstract_socket_set_socket_descriptor (QS_ABSTRACT_SOCKET (socket), socket_descriptor,
                                                 QS_SOCKET_STATE_CONNECTED_STATE,
                                                 QS_OPEN_MODE_READ_WRITE))
    {
      close (socket_descriptor);
      g_object_unref (socket);
      return;
    }

  qs_ssl_socket_set_local_certificate (socket, priv->local_certificate);
  qs_ssl_socket_set_database (socket, priv->database);
  qs_ssl_socket_set_peer_verify_mode (socket, priv->peer_verify_mode);
  g_signal_connect (socket, "encrypted", G_CALLBACK (on_socket_encrypted), self);
  g_signal_connect (socket, "ssl-errors", G_CALLBACK (on_socket_ssl_errors), self);
  g_signal_connect (socket, "peer-verify-error", G_CALLBACK (on_socket_peer_verify_error), self);
  g_signal_connect (socket, "error-occurred", G_CALLBACK (on_socket_error), self);

  data = g_new (HandshakeTimer, 1);
  data->server = self;
  data->socket = socket;
  timer = g_timeout_source_new (MAX (priv->handshake_timeout, 0));
  g_source_set_static_name (timer, "[qsock] TLS handshake timeout");
  g_source_set_callback (timer, on_handshake_timeout, data, g_free);
  g_source_attach (timer, _qs_tcp_server_get_context (server));
  g_hash_table_insert (priv->handshaking, socket, timer);

  /* Qt emits startedEncryptionHandshake once the start returned: after
   * the errors of a start that failed at once (no TLS backend, a
   * certificate without its key), which drop the connection. */
  g_object_ref (self);
  g_object_ref (socket);
  priv->starting = socket;
  priv->start_failed = FALSE;
  qs_ssl_socket_start_server_encryption (socket);
  priv->starting = NULL;
  g_signal_emit (self, signals[SIGNAL_STARTED_ENCRYPTION_HANDSHAKE], 0, socket);
  if (priv->start_failed)
    drop_handshaking (self, socket);
  g_object_unref (socket);
  g_object_unref (self);
}

static void
qs_ssl_server_dispose (GObject *object)
{
  QsSslServerPrivate *priv = get_priv (QS_SSL_SERVER (object));
  GHashTableIter iter;
  gpointer socket;

  if (priv->handshaking)
    {
      g_hash_table_iter_init (&iter, priv->handshaking);
      while (g_hash_table_iter_next (&iter, &socket, NULL))
        g_signal_handlers_disconnect_by_data (socket, object);
      g_clear_pointer (&priv->handshaking, g_hash_table_unref);
    }

  G_OBJECT_CLASS (qs_ssl_server_parent_class)->dispose (object);
}

static void
qs_ssl_server_finalize (GObject *object)
{
  QsSslServerPrivate *priv = get_priv (QS_SSL_SERVER (object));

  g_clear_object (&priv->local_certificate);
  g_clear_object (&priv->database);

  G_OBJECT_CLASS (qs_ssl_server_parent_class)->finalize (object);
}

static void
qs_ssl_server_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QsSslServerPrivate *priv = get_priv (QS_SSL_SERVER (object));

  switch (prop_id)
    {
    case PROP_LOCAL_CERTIFICATE:
      g_value_set_object (value, priv->local_certificate);
      break;
    case PROP_DATABASE:
      g_value_set_object (value, priv->database);
      break;
    case PROP_PEER_VERIFY_MODE:
      g_value_set_enum (value, priv->peer_verify_mode);
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      g_value_set_int (value, priv->handshake_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_ssl_server_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  QsSslServer *self = QS_SSL_SERVER (object);

  switch (prop_id)
    {
    case PROP_LOCAL_CERTIFICATE:
      qs_ssl_server_set_local_certificate (self, g_value_get_object (value));
      break;
    case PROP_DATABASE:
      qs_ssl_server_set_database (self, g_value_get_object (value));
      break;
    case PROP_PEER_VERIFY_MODE:
      qs_ssl_server_set_peer_verify_mode (self, g_value_get_enum (value));
      break;
    case PROP_HANDSHAKE_TIMEOUT:
      qs_ssl_server_set_handshake_timeout (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_ssl_server_class_init (QsSslServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = qs_ssl_server_dispose;
  object_class->finalize = qs_ssl_server_finalize;
  object_class->get_property = qs_ssl_server_get_property;
  object_class->set_property = qs_ssl_server_set_property;
  QS_TCP_SERVER_CLASS (klass)->incoming_connection = qs_ssl_server_real_incoming_connection;

  /**
   * QsSslServer:local-certificate: (getter get_local_certificate) (setter set_local_certificate)
   *
   * The certificate, with its private key, that each connection
   * presents. Qt: `QSslConfiguration::localCertificate()` of
   * `QSslServer::sslConfiguration()`.
   *
   * Since: 1.0
   */
  properties[PROP_LOCAL_CERTIFICATE] =
    g_param_spec_object ("local-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsSslServer:database: (getter get_database) (setter set_database)
   *
   * The authorities client certificates are checked against; `NULL`
   * for the system's. Qt: `QSslConfiguration::caCertificates()`.
   *
   * Since: 1.0
   */
  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL, G_TYPE_TLS_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsSslServer:peer-verify-mode: (getter get_peer_verify_mode) (setter set_peer_verify_mode)
   *
   * Whether clients are asked for a certificate, and whether it must be
   * valid; %QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER asks for none. Qt:
   * `QSslConfiguration::peerVerifyMode()`.
   *
   * Since: 1.0
   */
  properties[PROP_PEER_VERIFY_MODE] =
    g_param_spec_enum ("peer-verify-mode", NULL, NULL, QS_TYPE_PEER_VERIFY_MODE,
                       QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsSslServer:handshake-timeout: (getter get_handshake_timeout) (setter set_handshake_timeout)
   *
   * Milliseconds a connection may take to finish its handshake before it
   * is reported with [signal@Qs.SslServer::error-occurred]
   * (%QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR) and aborted. Qt:
   * `QSslServer::handshakeTimeout()`.
   *
   * Since: 1.0
   */
  properties[PROP_HANDSHAKE_TIMEOUT] =
    g_param_spec_int ("handshake-timeout", NULL, NULL, 0, G_MAXINT,
                      QS_SSL_SERVER_HANDSHAKE_TIMEOUT_MS,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QsSslServer::started-encryption-handshake:
   * @self: the server
   * @socket: the accepted connection
   *
   * A connection was accepted and its handshake started. A start that
   * failed at once (no TLS backend, a certificate without its key)
   * emitted [signal@Qs.SslServer::error-occurred] before, and the
   * connection is dropped after. Qt:
   * `QSslServer::startedEncryptionHandshake()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_STARTED_ENCRYPTION_HANDSHAKE] =
    g_signal_new ("started-encryption-handshake", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, g_cclosure_marshal_VOID__OBJECT,
                  G_TYPE_NONE, 1, QS_TYPE_SSL_SOCKET);

  /**
   * QsSslServer::ssl-errors:
   * @self: the server
   * @socket: the connection
   * @errors: what is wrong with the client's certificate
   *
   * The connection's [signal@Qs.SslSocket::ssl-errors]; call
   * [method@Qs.SslSocket.ignore_ssl_errors] on @socket to go on. Qt:
   * `QSslServer::sslErrors()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_SSL_ERRORS] =
    g_signal_new ("ssl-errors", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _qs_marshal_VOID__OBJECT_FLAGS,
                  G_TYPE_NONE, 2, QS_TYPE_SSL_SOCKET, G_TYPE_TLS_CERTIFICATE_FLAGS);
  g_signal_set_va_marshaller (signals[SIGNAL_SSL_ERRORS], G_TYPE_FROM_CLASS (klass),
                              _qs_marshal_VOID__OBJECT_FLAGSv);

  /**
   * QsSslServer::peer-verify-error:
   * @self: the server
   * @socket: the connection
   * @error: one problem with the client's certificate
   *
   * The connection's [signal@Qs.SslSocket::peer-verify-error]. Qt:
   * `QSslServer::peerVerifyError()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PEER_VERIFY_ERROR] =
    g_signal_new ("peer-verify-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _qs_marshal_VOID__OBJECT_FLAGS,
                  G_TYPE_NONE, 2, QS_TYPE_SSL_SOCKET, G_TYPE_TLS_CERTIFICATE_FLAGS);
  g_signal_set_va_marshaller (signals[SIGNAL_PEER_VERIFY_ERROR], G_TYPE_FROM_CLASS (klass),
                              _qs_marshal_VOID__OBJECT_FLAGSv);

  /**
   * QsSslServer::error-occurred:
   * @self: the server
   * @socket: the connection
   * @socket_error: what went wrong
   *
   * A connection failed before it was queued, or did not finish its
   * handshake within [property@Qs.SslServer:handshake-timeout]
   * (%QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR); it is aborted and dropped.
   * Qt: `QSslServer::errorOccurred()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ERROR_OCCURRED] =
    g_signal_new ("error-occurred", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _qs_marshal_VOID__OBJECT_ENUM,
                  G_TYPE_NONE, 2, QS_TYPE_SSL_SOCKET, QS_TYPE_SOCKET_ERROR);
  g_signal_set_va_marshaller (signals[SIGNAL_ERROR_OCCURRED], G_TYPE_FROM_CLASS (klass),
                              _qs_marshal_VOID__OBJECT_ENUMv);
}

static void
qs_ssl_server_init (QsSslServer *self)
{
  QsSslServerPrivate *priv = get_priv (self);

  priv->peer_verify_mode = QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER;
  priv->handshake_timeout = QS_SSL_SERVER_HANDSHAKE_TIMEOUT_MS;
  priv->handshaking = g_hash_table_new_full (NULL, NULL, g_object_unref, destroy_timer);
  _qs_tcp_server_set_defers_new_connection (QS_TCP_SERVER (self), TRUE);
}

/**
 * qs_ssl_server_new:
 *
 * Creates a TLS server bound to the thread-default main context. Qt:
 * `QSslServer()`.
 *
 * Returns: (transfer full): a new server
 *
 * Since: 1.0
 */
QsSslServer *
qs_ssl_server_new (void)
{
  return g_object_new (QS_TYPE_SSL_SERVER, NULL);
}

/**
 * qs_ssl_server_set_local_certificate: (set-property local-certificate)
 * @self: a server
 * @certificate: (nullable): a certificate that holds its private key
 *
 * Sets the certificate the connections accepted from now on present.
 * Qt: `QSslConfiguration::setLocalCertificate()` and `setPrivateKey()`
 * on `QSslServer::sslConfiguration()`.
 *
 * Since: 1.0
 */
void
qs_ssl_server_set_local_certificate (QsSslServer     *self,
                                     GTlsCertificate *certificate)
{
  g_return_if_fail (QS_IS_SSL_SERVER (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (g_set_object (&get_priv (self)->local_certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_CERTIFICATE]);
}

/**
 * qs_ssl_server_get_local_certificate: (get-property local-certificate)
 * @self: a server
 *
 * Qt: `QSslConfiguration::localCertificate()`.
 *
 * Returns: (transfer none) (nullable): the certificate the connections present
 *
 * Since: 1.0
 */
GTlsCertificate *
qs_ssl_server_get_local_certificate (QsSslServer *self)
{
  g_return_val_if_fail (QS_IS_SSL_SERVER (self), NULL);

  return get_priv (self)->local_certificate;
}

/**
 * qs_ssl_server_set_database: (set-property database)
 * @self: a server
 * @database: (nullable): the trusted authorities; `NULL` for the system's
 *
 * Sets what client certificates are checked against. Qt:
 * `QSslConfiguration::setCaCertificates()`.
 *
 * Since: 1.0
 */
void
qs_ssl_server_set_database (QsSslServer  *self,
                            GTlsDatabase *database)
{
  g_return_if_fail (QS_IS_SSL_SERVER (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  if (g_set_object (&get_priv (self)->database, database))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE]);
}

/**
 * qs_ssl_server_get_database: (get-property database)
 * @self: a server
 *
 * Qt: `QSslConfiguration::caCertificates()`.
 *
 * Returns: (transfer none) (nullable): the trusted authorities set, or
 *   `NULL` for the system's
 *
 * Since: 1.0
 */
GTlsDatabase *
qs_ssl_server_get_database (QsSslServer *self)
{
  g_return_val_if_fail (QS_IS_SSL_SERVER (self), NULL);

  return get_priv (self)->database;
}

/**
 * qs_ssl_server_set_peer_verify_mode: (set-property peer-verify-mode)
 * @self: a server
 * @mode: whether to ask clients for a certificate (Qt's default:
 *   %QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER, which on a server asks for
 *   none)
 *
 * Qt: `QSslConfiguration::setPeerVerifyMode()`.
 *
 * Since: 1.0
 */
void
qs_ssl_server_set_peer_verify_mode (QsSslServer      *self,
                                    QsPeerVerifyMode  mode)
{
  QsSslServerPrivate *priv;

  g_return_if_fail (QS_IS_SSL_SERVER (self));
  g_return_if_fail (mode >= QS_PEER_VERIFY_MODE_VERIFY_NONE && mode <= QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);

  priv = get_priv (self);
  if (priv->peer_verify_mode == mode)
    return;
  priv->peer_verify_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_VERIFY_MODE]);
}

/**
 * qs_ssl_server_get_peer_verify_mode: (get-property peer-verify-mode)
 * @self: a server
 *
 * Qt: `QSslConfiguration::peerVerifyMode()`.
 *
 * Returns: whether clients are asked for a certificate
 *
 * Since: 1.0
 */
QsPeerVerifyMode
qs_ssl_server_get_peer_verify_mode (QsSslServer *self)
{
  g_return_val_if_fail (QS_IS_SSL_SERVER (self), QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);

  return get_priv (self)->peer_verify_mode;
}

/**
 * qs_ssl_server_set_handshake_timeout: (set-property handshake-timeout)
 * @self: a server
 * @timeout: milliseconds (Qt's default: 5000)
 *
 * Sets how long a connection accepted from now on may take to finish
 * its handshake. Qt: `QSslServer::setHandshakeTimeout()`.
 *
 * Since: 1.0
 */
void
qs_ssl_server_set_handshake_timeout (QsSslServer *self,
                                     int          timeout)
{
  QsSslServerPrivate *priv;

  g_return_if_fail (QS_IS_SSL_SERVER (self));
  g_return_if_fail (timeout >= 0);

  priv = get_priv (self);
  if (priv->handshake_timeout == timeout)
    return;
  priv->handshake_timeout = timeout;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDSHAKE_TIMEOUT]);
}

/**
 * qs_ssl_server_get_handshake_timeout: (get-property handshake-timeout)
 * @self: a server
 *
 * Qt: `QSslServer::handshakeTimeout()`.
 *
 * Returns: milliseconds a handshake may take
 *
 * Since: 1.0
 */
int
qs_ssl_server_get_handshake_timeout (QsSslServer *self)
{
  g_return_val_if_fail (QS_IS_SSL_SERVER (self), QS_SSL_SERVER_HANDSHAKE_TIMEOUT_MS);

  return get_priv (self)->handshake_timeout;
}
