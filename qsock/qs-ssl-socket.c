/* qs-ssl-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsSslSocket: TLS over a QsTcpSocket (Qt's QSslSocket), on GIO's
 * GTlsConnection with the default backend (glib-networking). qsock
 * writes no cryptography and parses no certificate.
 *
 * The handshake runs with g_tls_connection_handshake_async() on the
 * socket's context, over a GSocketConnection that shares the engine's
 * GSocket; meanwhile the stream pump holds the connection and neither
 * reads nor sends, so nothing queued leaves in clear. GIO asks
 * accept-certificate on the socket's context when the peer's
 * certificate has errors: that is where peer-verify-error and
 * ssl-errors are emitted, and where ignore_ssl_errors() decides. Once
 * the handshake succeeded, the pump reads and writes through the TLS
 * connection's pollable streams (see qs-stream-pump.c) and encrypted is
 * emitted.
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "qs-abstract-socket-private.h"
#include "qs-enum-types.h"
#include "qs-io-device-private.h"
#include "qs-marshal.h"
#include "qs-ssl-socket.h"

/**
 * QsSslSocket:
 *
 * A TCP connection secured with TLS (Qt's `QSslSocket`), on GIO's
 * `GTlsConnection` (the `glib-networking` backend).
 *
 * [method@Qs.SslSocket.connect_to_host_encrypted] connects and then runs
 * the client handshake; [method@Qs.SslSocket.start_client_encryption]
 * starts it on a connection that is already up (STARTTLS). Bytes written
 * before [signal@Qs.SslSocket::encrypted] wait in the write buffer and
 * leave encrypted; [signal@Qs.IODevice::ready-read] announces plaintext
 * only.
 *
 * The peer's certificate is checked against the system's trust store,
 * or against [property@Qs.SslSocket:database]. Its problems are
 * `GTlsCertificateFlags` (Qt's `QSslError` list): each one is announced
 * with [signal@Qs.SslSocket::peer-verify-error], then all of them with
 * [signal@Qs.SslSocket::ssl-errors]. Unless
 * [method@Qs.SslSocket.ignore_ssl_errors] was called (in a handler, or
 * after the connect call and before the handshake), the handshake fails
 * with %QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR and the socket
 * disconnects. With %QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS in
 * [property@Qs.AbstractSocket:pause-mode] it waits instead, until
 * [method@Qs.AbstractSocket.resume].
 *
 * ```python
 * from gi.repository import GLib, Qs
 *
 * sock = Qs.SslSocket.new()
 * sock.connect("encrypted", lambda s: s.write(b"GET / HTTP/1.0\r\n\r\n"))
 * sock.connect("ready-read", lambda s: print(s.read_all().get_data()))
 * sock.connect_to_host_encrypted("example.org", 443, None,
 *                                Qs.OpenMode.READ_WRITE,
 *                                Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
 * GLib.MainLoop().run()
 * ```
 *
 * Since: 1.0
 */

typedef struct
{
  QsSslMode            mode;
  GTlsConnection      *tls;               /* (owned) (nullable): the current or last connection */
  GCancellable        *handshake_cancellable; /* (owned) (nullable): while a handshake runs */
  GTlsCertificate     *local_certificate; /* (owned) (nullable) */
  GTlsDatabase        *database;          /* (owned) (nullable) */
  GTlsCertificate     *peer_certificate;  /* (owned) (nullable) */
  char                *session_cipher;    /* (owned) (nullable) */
  char                *peer_verify_name;  /* (owned) (nullable) */
  QsPeerVerifyMode     peer_verify_mode;
  GTlsCertificateFlags handshake_errors;

  guint                encrypted : 1;
  guint                ignore_all : 1;    /* ignore_ssl_errors() for this connection */
  guint                auto_start : 1;    /* connect_to_host_encrypted(): handshake once connected */
  guint                initialized : 1;   /* connect_to_host_encrypted() reset it already */
  guint                paused : 1;        /* PAUSE_ON_SSL_ERRORS: waiting for resume() */
  guint                resumed : 1;       /* resume() came while the handshake ran */
} QsSslSocketPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (QsSslSocket, qs_ssl_socket, QS_TYPE_TCP_SOCKET)

enum {
  PROP_0,
  PROP_MODE,
  PROP_LOCAL_CERTIFICATE,
  PROP_DATABASE,
  PROP_PEER_CERTIFICATE,
  PROP_PEER_VERIFY_MODE,
  PROP_PEER_VERIFY_NAME,
  N_PROPS
};

enum {
  SIGNAL_ENCRYPTED,
  SIGNAL_SSL_ERRORS,
  SIGNAL_PEER_VERIFY_ERROR,
  SIGNAL_MODE_CHANGED,
  SIGNAL_ENCRYPTED_BYTES_WRITTEN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The order of Qt's peerVerifyError (OpenSSL backend): the chain's
 * problems, then the host name. */
static const GTlsCertificateFlags error_order[] = {
  G_TLS_CERTIFICATE_UNKNOWN_CA,
  G_TLS_CERTIFICATE_NOT_ACTIVATED,
  G_TLS_CERTIFICATE_EXPIRED,
  G_TLS_CERTIFICATE_REVOKED,
  G_TLS_CERTIFICATE_INSECURE,
  G_TLS_CERTIFICATE_GENERIC_ERROR,
  G_TLS_CERTIFICATE_BAD_IDENTITY,
};

static inline QsSslSocketPrivate *
get_priv (QsSslSocket *self)
{
  return qs_ssl_socket_get_instance_private (self);
}

static gboolean
is_self_signed (GTlsCertificate *certificate)
{
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;

  /* GnuTLS trusts any certificate that is in the trust list itself, so
   * verifying a leaf against itself alone would call every leaf sent
   * without its issuer self-signed: its issuer must be its subject too. */
  if (certificate == NULL || g_tls_certificate_get_issuer (certificate) != NULL)
    return FALSE;
  subject = g_tls_certificate_get_subject_name (certificate);
  issuer = g_tls_certificate_get_issuer_name (certificate);
  return subject != NULL && g_strcmp0 (subject, issuer) == 0 &&
         (g_tls_certificate_verify (certificate, NULL, certificate) & G_TLS_CERTIFICATE_UNKNOWN_CA) == 0;
}

/* Qt's QSslError::errorString() for one flag. */
static const char *
error_string (GTlsCertificateFlags error,
              GTlsCertificate     *certificate)
{
  switch (error)
    {
    case G_TLS_CERTIFICATE_UNKNOWN_CA:
      if (is_self_signed (certificate))
        return _("The certificate is self-signed, and untrusted");
      return _("The issuer certificate of a locally looked up certificate could not be found");
    case G_TLS_CERTIFICATE_BAD_IDENTITY:
      return _("The host name did not match any of the valid hosts for this certificate");
    case G_TLS_CERTIFICATE_NOT_ACTIVATED:
      return _("The certificate is not yet valid");
    case G_TLS_CERTIFICATE_EXPIRED:
      return _("The certificate has expired");
    case G_TLS_CERTIFICATE_REVOKED:
      return _("The certificate has been revoked");
    case G_TLS_CERTIFICATE_INSECURE:
      return _("The signature of the certificate is invalid");
    case G_TLS_CERTIFICATE_NO_FLAGS:
    case G_TLS_CERTIFICATE_GENERIC_ERROR:
    case G_TLS_CERTIFICATE_VALIDATE_ALL:
    default:
      return _("Unknown error");
    }
}

static void
set_mode (QsSslSocket *self,
          QsSslMode    mode,
          gboolean     emit)
{
  QsSslSocketPrivate *priv = get_priv (self);

  if (priv->mode == mode)
    return;
  priv->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  if (emit)
    g_signal_emit (self, signals[SIGNAL_MODE_CHANGED], 0, mode);
}

static void
store_peer_certificate (QsSslSocket     *self,
                        GTlsCertificate *certificate)
{
  if (g_set_object (&get_priv (self)->peer_certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_CERTIFICATE]);
}

/* Stops a running handshake; its callback then returns at once. */
static void
cancel_handshake (QsSslSocket *self)
{
  QsSslSocketPrivate *priv = get_priv (self);

  if (priv->handshake_cancellable)
    {
      g_cancellable_cancel (priv->handshake_cancellable);
      g_clear_object (&priv->handshake_cancellable);
    }
  if (priv->tls)
    g_signal_handlers_disconnect_by_data (priv->tls, self);
}

/* Qt's QSslSocketPrivate::init(): what each new connection starts from. */
static void
reset_connection (QsSslSocket *self)
{
  QsSslSocketPrivate *priv = get_priv (self);

  cancel_handshake (self);
  set_mode (self, QS_SSL_MODE_UNENCRYPTED_MODE, FALSE);
  priv->encrypted = FALSE;
  priv->ignore_all = FALSE;
  priv->auto_start = FALSE;
  priv->paused = FALSE;
  priv->resumed = FALSE;
  priv->handshake_errors = 0;
  g_clear_pointer (&priv->session_cipher, g_free);
  store_peer_certificate (self, NULL);
}

static QsPeerVerifyMode
effective_verify_mode (QsSslSocket *self)
{
  QsSslSocketPrivate *priv = get_priv (self);

  if (priv->peer_verify_mode != QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER)
    return priv->peer_verify_mode;
  return priv->mode == QS_SSL_MODE_SSL_SERVER_MODE ? QS_PEER_VERIFY_MODE_QUERY_PEER
                                                   : QS_PEER_VERIFY_MODE_VERIFY_PEER;
}

/* GIO asks on the socket's context whether a certificate with @errors
 * is acceptable: Qt's peerVerifyError once per flag, then sslErrors;
 * TRUE when the application ignored them, or when the mode only
 * queries the peer (Qt reports the errors and goes on). */
static gboolean
on_accept_certificate (GTlsConnection       *connection,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  QsSslSocket *self = user_data;
  QsSslSocketPrivate *priv = get_priv (self);
  QsPeerVerifyMode verify = effective_verify_mode (self);
  gboolean accepted;

  store_peer_certificate (self, certificate);
  /* A server's connection asks about every client certificate, even
   * one without errors: Qt reports nothing then. */
  if (verify == QS_PEER_VERIFY_MODE_VERIFY_NONE || errors == 0)
    return TRUE;

  g_object_ref (self);
  priv->handshake_errors = errors;
  for (guint i = 0; i < G_N_ELEMENTS (error_order) && priv->tls == connection; i++)
    if (errors & error_order[i])
      g_signal_emit (self, signals[SIGNAL_PEER_VERIFY_ERROR], 0, error_order[i]);
  if (priv->tls == connection)
    g_signal_emit (self, signals[SIGNAL_SSL_ERRORS], 0, errors);
  accepted = priv->tls == connection &&
             (priv->ignore_all || verify == QS_PEER_VERIFY_MODE_QUERY_PEER);
  /* Qt's PauseOnSslErrors: GIO needs its answer now, so the handshake
   * goes on, but its end is held back until resume(). */
  if (!accepted && priv->tls == connection &&
      (qs_abstract_socket_get_pause_mode (QS_ABSTRACT_SOCKET (self)) & QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS))
    accepted = priv->paused = TRUE;
  g_object_unref (self);
  return accepted;
}

/* Qt's handshake failure text: the first error of the sslErrors list,
 * where the host name comes first, then the chain's problems. */
static const char *
first_error_string (QsSslSocket *self)
{
  QsSslSocketPrivate *priv = get_priv (self);

  if (priv->handshake_errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return error_string (G_TLS_CERTIFICATE_BAD_IDENTITY, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (error_order); i++)
    if (priv->handshake_errors & error_order[i])
      return error_string (error_order[i], priv->peer_certificate);
  return error_string (G_TLS_CERTIFICATE_GENERIC_ERROR, NULL);
}

/* Qt: the handshake failed — error-occurred, then the plain disconnect.
 * The plaintext still queued never leaves. Callers hold a reference. */
static void
fail_handshake (QsSslSocket *self,
                QsSocketError error,
                const char   *message)
{
  QsAbstractSocket *socket = QS_ABSTRACT_SOCKET (self);

  _qs_stream_pump_set_tls (_qs_abstract_socket_get_pump (socket), NULL, NULL);
  _qs_ring_buffer_clear (_qs_io_device_get_write_buffer (QS_IO_DEVICE (self)));
  _qs_abstract_socket_set_error (socket, error, message, TRUE);
  qs_abstract_socket_disconnect_from_host (socket);
}

/* The handshake succeeded (and was not paused): the bytes flow through
 * TLS from now on. Callers hold a reference. */
static void
finish_handshake (QsSslSocket *self)
{
  QsSslSocketPrivate *priv = get_priv (self);

  g_free (priv->session_cipher);
  priv->session_cipher = g_tls_connection_get_ciphersuite_name (priv->tls);
  priv->encrypted = TRUE;
  _qs_stream_pump_set_tls_ready (_qs_abstract_socket_get_pump (QS_ABSTRACT_SOCKET (self)));
  g_signal_emit (self, signals[SIGNAL_ENCRYPTED], 0);
}

/* The handshake is over and, if it was paused, resumed: encrypted, or
 * failed when its errors were not ignored meanwhile. Callers hold a
 * reference. */
static void
end_handshake (QsSslSocket *self)
{
  QsSslSocketPrivate *priv = get_priv (self);
  gboolean failed = priv->paused && !priv->ignore_all;

  priv->paused = FALSE;
  priv->resumed = FALSE;
  if (failed)
    fail_handshake (self, QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR, first_error_string (self));
  else
    finish_handshake (self);
}

static void
on_handshake_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTlsConnection *connection = G_TLS_CONNECTION (source);
  g_autoptr(GError) error = NULL;
  QsSslSocket *self;
  QsSslSocketPrivate *priv;
  QsStreamPump *pump;

  if (!g_tls_connection_handshake_finish (connection, result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* the socket may be gone */

  self = user_data;
  priv = get_priv (self);
  pump = _qs_abstract_socket_get_pump (QS_ABSTRACT_SOCKET (self));
  if (priv->tls != connection || pump->tls != G_IO_STREAM (connection))
    return; /* the connection ended meanwhile */

  g_object_ref (self);
  g_clear_object (&priv->handshake_cancellable);
  if (error != NULL)
    {
      priv->paused = FALSE;
      priv->resumed = FALSE;
      g_autofree char *message = NULL;

      if (priv->handshake_errors != 0 && !priv->ignore_all)
        fail_handshake (self, QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR, first_error_string (self));
      /* A server that requires a client certificate got none: Qt's
       * QSslError::NoPeerCertificate, which has no GTlsCertificateFlags. */
      else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED) &&
               priv->mode == QS_SSL_MODE_SSL_SERVER_MODE)
        fail_handshake (self, QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR, _("The peer did not present any certificate"));
      /* GnuTLS calls a close in the middle of the handshake (even
       * within a record) NOT_TLS; Qt sees its plain socket end. */
      else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS) &&
               _qs_socket_engine_peer_closed (_qs_abstract_socket_get_engine (QS_ABSTRACT_SOCKET (self))))
        fail_handshake (self, QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR, _("The remote host closed the connection"));
      else
        {
          message = g_strdup_printf (_("Error during SSL handshake: %s"), error->message);
          fail_handshake (self, QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR, message);
        }
      g_object_unref (self);
      return;
    }

  store_peer_certificate (self, g_tls_connection_get_peer_certificate (connection));
  if (!priv->paused || priv->resumed)
    end_handshake (self);
  g_object_unref (self);
}

/* Whether @certificate (nullable) comes with its private key, in memory
 * or on a PKCS #11 token. */
static gboolean
has_private_key (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) key = NULL;
  g_autofree char *uri = NULL;

  if (certificate == NULL)
    return TRUE;
  g_object_get (certificate, "private-key", &key, "private-key-pkcs11-uri", &uri, NULL);
  return key != NULL || uri != NULL;
}

/* Qt's startClientEncryption()/startServerEncryption() after the checks:
 * a TLS connection over the engine's socket, handed to the pump (which
 * holds everything until it is ready), and its handshake started on the
 * socket's context. */
static void
begin_handshake (QsSslSocket *self)
{
  QsSslSocketPrivate *priv = get_priv (self);
  QsAbstractSocket *socket = QS_ABSTRACT_SOCKET (self);
  GMainContext *context = _qs_abstract_socket_get_context (socket);
  GSocket *gsocket = _qs_socket_engine_get_socket (_qs_abstract_socket_get_engine (socket));
  GSocketConnection *connection = g_socket_connection_factory_create_connection (gsocket);
  GTlsBackend *backend = g_tls_backend_get_default ();
  g_autoptr(GIOStream) base = NULL;
  g_autoptr(GError) error = NULL;
  /* The database is given at construction: a GnuTLS connection builds
   * its trust list from its database when it is made, and again when
   * the database changes. Made with the default database (the system's
   * trust store, parsed each time) and given another one after, a
   * connection costs two parses, milliseconds each. A server that
   * verifies no client needs none. */
  const char *database = priv->database != NULL ? "database" : NULL;
  GIOStream *tls;

  /* The TLS connection runs over the socket connection's streams, not
   * over the connection itself: GIO's GSocket did not make the connect()
   * (the engine did), so it reports no remote address, and the GnuTLS
   * client would stumble on that. The socket connection lives as long
   * as the TLS connection (set below) and never closes the socket
   * before: the engine closes it. */
  base = g_simple_io_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                 g_io_stream_get_output_stream (G_IO_STREAM (connection)));

  if (priv->mode == QS_SSL_MODE_SSL_CLIENT_MODE)
    {
      const char *name = priv->peer_verify_name ? priv->peer_verify_name
                                                : qs_abstract_socket_get_peer_name (socket);
      g_autoptr(GSocketConnectable) identity = NULL;

      if (name != NULL && *name != '\0')
        identity = g_network_address_new (name, qs_abstract_socket_get_peer_port (socket));
      tls = g_initable_new (g_tls_backend_get_client_connection_type (backend), NULL, &error,
                            "base-io-stream", base, "server-identity", identity,
                            database, priv->database, NULL);
    }
  else
    {
      /* GnuTLS refuses a certificate without its key here; Qt refuses
       * it below, after the mode changed, and holds the connection. */
      if (database == NULL && effective_verify_mode (self) == QS_PEER_VERIFY_MODE_VERIFY_NONE)
        database = "database";
      tls = g_initable_new (g_tls_backend_get_server_connection_type (backend), NULL, &error,
                            "base-io-stream", base, "certificate",
                            has_private_key (priv->local_certificate) ? priv->local_certificate : NULL,
                            database, priv->database, NULL);
      if (tls)
        {
          GTlsAuthenticationMode authentication = G_TLS_AUTHENTICATION_REQUESTED;

          if (effective_verify_mode (self) == QS_PEER_VERIFY_MODE_VERIFY_NONE)
            authentication = G_TLS_AUTHENTICATION_NONE;
          else if (effective_verify_mode (self) == QS_PEER_VERIFY_MODE_VERIFY_PEER)
            authentication = G_TLS_AUTHENTICATION_REQUIRED;
          g_object_set (tls, "authentication-mode", authentication, NULL);
        }
    }

  if (tls == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("TLS initialization failed: %s"), error->message);

      g_object_unref (connection);
      _qs_abstract_socket_set_error (socket, QS_SOCKET_ERROR_SSL_INTERNAL_ERROR, message, TRUE);
      return;
    }
  g_object_set_data_full (G_OBJECT (tls), "qs-socket-connection", connection, g_object_unref);

  g_clear_object (&priv->tls);
  priv->tls = G_TLS_CONNECTION (tls);
  if (priv->local_certificate && priv->mode == QS_SSL_MODE_SSL_CLIENT_MODE)
    g_tls_connection_set_certificate (priv->tls, priv->local_certificate);
  g_signal_connect (priv->tls, "accept-certificate", G_CALLBACK (on_accept_certificate), self);

  _qs_stream_pump_set_tls (_qs_abstract_socket_get_pump (socket), tls, context);
  if (!has_private_key (priv->local_certificate))
    {
      /* Qt's initSslContext() refuses it, and the caller then reports
       * the context: the connection stays up, never handshakes and
       * holds what was written (the pump waits for the handshake). */
      _qs_abstract_socket_set_error (socket, QS_SOCKET_ERROR_SSL_INVALID_USER_DATA_ERROR,
                                     _("Cannot provide a certificate with no key"), TRUE);
      _qs_abstract_socket_set_error (socket, QS_SOCKET_ERROR_SSL_INTERNAL_ERROR,
                                     _("Unable to init SSL Context: "), TRUE);
      return;
    }
  priv->handshake_cancellable = g_cancellable_new ();
  g_main_context_push_thread_default (context);
  g_tls_connection_handshake_async (priv->tls, G_PRIORITY_DEFAULT, priv->handshake_cancellable,
                                    on_handshake_done, self);
  g_main_context_pop_thread_default (context);
}

/* Qt's checks at the start of startClientEncryption() and
 * startServerEncryption(); TRUE to go on. */
static gboolean
can_start_encryption (QsSslSocket *self,
                      const char  *function)
{
  QsAbstractSocket *socket = QS_ABSTRACT_SOCKET (self);

  if (get_priv (self)->mode != QS_SSL_MODE_UNENCRYPTED_MODE)
    {
      g_warning ("QsSslSocket::%s: cannot start handshake on non-plain connection", function);
      return FALSE;
    }
  if (qs_abstract_socket_get_state (socket) != QS_SOCKET_STATE_CONNECTED_STATE)
    {
      g_warning ("QsSslSocket::%s: cannot start handshake when not connected", function);
      return FALSE;
    }
  if (!qs_ssl_socket_supports_ssl ())
    {
      _qs_abstract_socket_set_error (socket, QS_SOCKET_ERROR_SSL_INTERNAL_ERROR,
                                     _("TLS initialization failed"), TRUE);
      return FALSE;
    }
  return TRUE;
}

/* Qt's _q_connectedSlot(): a connection made by
 * connect_to_host_encrypted() starts its handshake before connected. */
static void
on_established (QsAbstractSocket *socket)
{
  QsSslSocket *self = QS_SSL_SOCKET (socket);

  if (get_priv (self)->auto_start)
    qs_ssl_socket_start_client_encryption (self);
}

static void
qs_ssl_socket_real_connect_to_host (QsAbstractSocket       *socket,
                                    const char             *host_name,
                                    guint16                 port,
                                    QsOpenMode              mode,
                                    QsNetworkLayerProtocol  protocol)
{
  QsSslSocket *self = QS_SSL_SOCKET (socket);
  QsSslSocketPrivate *priv = get_priv (self);

  if (!priv->initialized)
    reset_connection (self);
  priv->initialized = FALSE;
  QS_ABSTRACT_SOCKET_CLASS (qs_ssl_socket_parent_class)->connect_to_host (socket, host_name, port, mode, protocol);
}

/* Qt's _q_resumeImplementation(): a handshake paused at its errors
 * ends now, encrypted when they were ignored meanwhile, failed if not. */
static void
qs_ssl_socket_real_resume (QsAbstractSocket *socket)
{
  QsSslSocket *self = QS_SSL_SOCKET (socket);
  QsSslSocketPrivate *priv = get_priv (self);

  QS_ABSTRACT_SOCKET_CLASS (qs_ssl_socket_parent_class)->resume (socket);
  if (!priv->paused)
    return;
  if (priv->handshake_cancellable != NULL)
    {
      priv->resumed = TRUE; /* on_handshake_done() ends it */
      return;
    }
  g_object_ref (self);
  end_handshake (self);
  g_object_unref (self);
}

/* Qt's QSslSocket::bytesToWrite(): while the socket is still plain,
 * what its plain socket holds; bytes written after
 * connect_to_host_encrypted() wait above it and are not counted. */
static gint64
qs_ssl_socket_real_bytes_to_write (QsIODevice *device)
{
  QsSslSocketPrivate *priv = get_priv (QS_SSL_SOCKET (device));

  if (priv->mode == QS_SSL_MODE_UNENCRYPTED_MODE && priv->auto_start)
    return 0;
  return QS_IO_DEVICE_CLASS (qs_ssl_socket_parent_class)->bytes_to_write (device);
}

static void
qs_ssl_socket_dispose (GObject *object)
{
  QsSslSocket *self = QS_SSL_SOCKET (object);

  cancel_handshake (self);
  /* The parent closes the socket first, so that the TLS connection
   * (finalized below) has nothing left to send on. */
  G_OBJECT_CLASS (qs_ssl_socket_parent_class)->dispose (object);
  g_clear_object (&get_priv (self)->tls);
}

static void
qs_ssl_socket_finalize (GObject *object)
{
  QsSslSocketPrivate *priv = get_priv (QS_SSL_SOCKET (object));

  g_clear_object (&priv->local_certificate);
  g_clear_object (&priv->database);
  g_clear_object (&priv->peer_certificate);
  g_clear_pointer (&priv->session_cipher, g_free);
  g_clear_pointer (&priv->peer_verify_name, g_free);

  G_OBJECT_CLASS (qs_ssl_socket_parent_class)->finalize (object);
}

static void
qs_ssl_socket_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QsSslSocket *self = QS_SSL_SOCKET (object);
  QsSslSocketPrivate *priv = get_priv (self);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_enum (value, priv->mode);
      break;
    case PROP_LOCAL_CERTIFICATE:
      g_value_set_object (value, priv->local_certificate);
      break;
    case PROP_DATABASE:
      g_value_set_object (value, priv->database);
      break;
    case PROP_PEER_CERTIFICATE:
      g_value_set_object (value, priv->peer_certificate);
      break;
    case PROP_PEER_VERIFY_MODE:
      g_value_set_enum (value, priv->peer_verify_mode);
      break;
    case PROP_PEER_VERIFY_NAME:
      g_value_set_string (value, priv->peer_verify_name);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_ssl_socket_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  QsSslSocket *self = QS_SSL_SOCKET (object);

  switch (prop_id)
    {
    case PROP_LOCAL_CERTIFICATE:
      qs_ssl_socket_set_local_certificate (self, g_value_get_object (value));
      break;
    case PROP_DATABASE:
      qs_ssl_socket_set_database (self, g_value_get_object (value));
      break;
    case PROP_PEER_VERIFY_MODE:
      qs_ssl_socket_set_peer_verify_mode (self, g_value_get_enum (value));
      break;
    case PROP_PEER_VERIFY_NAME:
      qs_ssl_socket_set_peer_verify_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_ssl_socket_class_init (QsSslSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  QsAbstractSocketClass *socket_class = QS_ABSTRACT_SOCKET_CLASS (klass);

  _qs_io_device_init_i18n ();

  object_class->dispose = qs_ssl_socket_dispose;
  object_class->finalize = qs_ssl_socket_finalize;
  object_class->get_property = qs_ssl_socket_get_property;
  object_class->set_property = qs_ssl_socket_set_property;
  socket_class->connect_to_host = qs_ssl_socket_real_connect_to_host;
  socket_class->resume = qs_ssl_socket_real_resume;
  QS_IO_DEVICE_CLASS (klass)->bytes_to_write = qs_ssl_socket_real_bytes_to_write;

  /**
   * QsSslSocket:mode: (getter get_mode)
   *
   * Whether the socket is plain, a TLS client or a TLS server. Qt:
   * `QSslSocket::mode()`.
   *
   * Since: 1.0
   */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, QS_TYPE_SSL_MODE, QS_SSL_MODE_UNENCRYPTED_MODE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsSslSocket:local-certificate: (getter get_local_certificate) (setter set_local_certificate)
   *
   * The certificate this side presents, with its private key. Qt:
   * `QSslSocket::localCertificate()` and `privateKey()`.
   *
   * Since: 1.0
   */
  properties[PROP_LOCAL_CERTIFICATE] =
    g_param_spec_object ("local-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsSslSocket:database: (getter get_database) (setter set_database)
   *
   * The certificate authorities the peer's certificate is checked
   * against; `NULL` for the system's. Qt:
   * `QSslConfiguration::caCertificates()`.
   *
   * Since: 1.0
   */
  properties[PROP_DATABASE] =
    g_param_spec_object ("database", NULL, NULL, G_TYPE_TLS_DATABASE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsSslSocket:peer-certificate: (getter get_peer_certificate)
   *
   * The certificate the peer presented; its chain is reachable through
   * `GTlsCertificate:issuer`. Qt: `QSslSocket::peerCertificate()`.
   *
   * Since: 1.0
   */
  properties[PROP_PEER_CERTIFICATE] =
    g_param_spec_object ("peer-certificate", NULL, NULL, G_TYPE_TLS_CERTIFICATE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsSslSocket:peer-verify-mode: (getter get_peer_verify_mode) (setter set_peer_verify_mode)
   *
   * How the peer's certificate is checked. Qt:
   * `QSslSocket::peerVerifyMode()`.
   *
   * Since: 1.0
   */
  properties[PROP_PEER_VERIFY_MODE] =
    g_param_spec_enum ("peer-verify-mode", NULL, NULL, QS_TYPE_PEER_VERIFY_MODE,
                       QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsSslSocket:peer-verify-name: (getter get_peer_verify_name) (setter set_peer_verify_name)
   *
   * The name the peer's certificate must match, instead of the host
   * name connected to. Qt: `QSslSocket::peerVerifyName()`.
   *
   * Since: 1.0
   */
  properties[PROP_PEER_VERIFY_NAME] =
    g_param_spec_string ("peer-verify-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QsSslSocket::encrypted:
   * @self: the socket
   *
   * The handshake succeeded: the bytes now travel encrypted. Qt:
   * `QSslSocket::encrypted()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ENCRYPTED] =
    g_signal_new ("encrypted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * QsSslSocket::ssl-errors:
   * @self: the socket
   * @errors: what is wrong with the peer's certificate
   *
   * The peer's certificate has problems. Call
   * [method@Qs.SslSocket.ignore_ssl_errors] in a handler to go on with
   * the handshake; otherwise it fails. Qt: `QSslSocket::sslErrors()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_SSL_ERRORS] =
    g_signal_new ("ssl-errors", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, g_cclosure_marshal_VOID__FLAGS,
                  G_TYPE_NONE, 1, G_TYPE_TLS_CERTIFICATE_FLAGS);

  /**
   * QsSslSocket::peer-verify-error:
   * @self: the socket
   * @error: one problem, a single flag
   *
   * One problem with the peer's certificate, before
   * [signal@Qs.SslSocket::ssl-errors] lists them all. Qt:
   * `QSslSocket::peerVerifyError()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_PEER_VERIFY_ERROR] =
    g_signal_new ("peer-verify-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, g_cclosure_marshal_VOID__FLAGS,
                  G_TYPE_NONE, 1, G_TYPE_TLS_CERTIFICATE_FLAGS);

  /**
   * QsSslSocket::mode-changed:
   * @self: the socket
   * @new_mode: the new mode
   *
   * The socket became a TLS client or server. Qt:
   * `QSslSocket::modeChanged()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_MODE_CHANGED] =
    g_signal_new ("mode-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, g_cclosure_marshal_VOID__ENUM,
                  G_TYPE_NONE, 1, QS_TYPE_SSL_MODE);

  /**
   * QsSslSocket::encrypted-bytes-written:
   * @self: the socket
   * @total_bytes: how many bytes left
   *
   * Bytes of the encrypted stream were handed to the system. GIO does
   * not expose the size of the records, so @total_bytes counts the
   * plaintext they carry. Qt: `QSslSocket::encryptedBytesWritten()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_ENCRYPTED_BYTES_WRITTEN] =
    g_signal_new ("encrypted-bytes-written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _qs_marshal_VOID__INT64,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
  g_signal_set_va_marshaller (signals[SIGNAL_ENCRYPTED_BYTES_WRITTEN],
                              G_TYPE_FROM_CLASS (klass), _qs_marshal_VOID__INT64v);
}

/* Qt's _q_bytesWrittenSlot(): once encrypted, what left the socket is
 * also announced as encrypted bytes, after the plaintext's bytes-written. */
static void
on_bytes_written (QsSslSocket *self,
                  gint64       bytes,
                  gpointer     user_data)
{
  if (get_priv (self)->mode != QS_SSL_MODE_UNENCRYPTED_MODE)
    g_signal_emit (self, signals[SIGNAL_ENCRYPTED_BYTES_WRITTEN], 0, bytes);
}

/* Qt's backend disconnected(), before disconnected is emitted: the
 * connection is no longer encrypted and its session is gone; the peer's
 * certificate stays until the next connection. */
static void
on_disconnected (QsSslSocket *self,
                 gpointer     user_data)
{
  QsSslSocketPrivate *priv = get_priv (self);

  priv->encrypted = FALSE;
  g_clear_pointer (&priv->session_cipher, g_free);
}

static void
qs_ssl_socket_init (QsSslSocket *self)
{
  get_priv (self)->peer_verify_mode = QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER;
  g_signal_connect_after (self, "bytes-written", G_CALLBACK (on_bytes_written), NULL);
  g_signal_connect (self, "disconnected", G_CALLBACK (on_disconnected), NULL);
  _qs_abstract_socket_set_established_hook (QS_ABSTRACT_SOCKET (self), on_established);
}

/**
 * qs_ssl_socket_new:
 *
 * Creates an unconnected TLS socket bound to the thread-default main
 * context. Qt: `QSslSocket()`.
 *
 * Returns: (transfer full): a new socket
 *
 * Since: 1.0
 */
QsSslSocket *
qs_ssl_socket_new (void)
{
  return g_object_new (QS_TYPE_SSL_SOCKET, NULL);
}

/**
 * qs_ssl_socket_supports_ssl:
 *
 * Whether TLS can be used: a GIO TLS backend (`glib-networking`) is
 * installed. Qt: `QSslSocket::supportsSsl()`.
 *
 * Returns: `TRUE` when TLS is available
 *
 * Since: 1.0
 */
gboolean
qs_ssl_socket_supports_ssl (void)
{
  return g_tls_backend_supports_tls (g_tls_backend_get_default ());
}

/**
 * qs_ssl_socket_connect_to_host_encrypted:
 * @self: a socket
 * @host_name: the host to connect to
 * @port: its port
 * @ssl_peer_name: (nullable): the name the certificate must match;
 *   `NULL` for @host_name
 * @mode: how to open the device (Qt's default: %QS_OPEN_MODE_READ_WRITE)
 * @protocol: which address families to try (Qt's default:
 *   %QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL)
 *
 * Connects as [method@Qs.AbstractSocket.connect_to_host] does, then
 * runs the client handshake: [signal@Qs.SslSocket::mode-changed] comes
 * before [signal@Qs.AbstractSocket::connected], and
 * [signal@Qs.SslSocket::encrypted] when the handshake succeeded. Qt:
 * `QSslSocket::connectToHostEncrypted()`.
 *
 * Since: 1.0
 */
void
qs_ssl_socket_connect_to_host_encrypted (QsSslSocket            *self,
                                         const char             *host_name,
                                         guint16                 port,
                                         const char             *ssl_peer_name,
                                         QsOpenMode              mode,
                                         QsNetworkLayerProtocol  protocol)
{
  QsSslSocketPrivate *priv;
  QsSocketState state;

  g_return_if_fail (QS_IS_SSL_SOCKET (self));
  g_return_if_fail (host_name != NULL);

  priv = get_priv (self);
  state = qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (self));
  if (state == QS_SOCKET_STATE_CONNECTED_STATE || state == QS_SOCKET_STATE_CONNECTING_STATE)
    {
      g_warning ("QsSslSocket::connect_to_host_encrypted() called when already connecting/connected");
      return;
    }
  if (!qs_ssl_socket_supports_ssl ())
    {
      g_object_ref (self);
      _qs_abstract_socket_set_error (QS_ABSTRACT_SOCKET (self), QS_SOCKET_ERROR_SSL_INTERNAL_ERROR,
                                     _("TLS initialization failed"), TRUE);
      g_object_unref (self);
      return;
    }

  reset_connection (self);
  priv->auto_start = TRUE;
  priv->initialized = TRUE;
  if (ssl_peer_name != NULL)
    qs_ssl_socket_set_peer_verify_name (self, ssl_peer_name);
  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (self), host_name, port, mode, protocol);
}

/**
 * qs_ssl_socket_start_client_encryption:
 * @self: a connected, plain socket
 *
 * Starts the client handshake on a connection that is up (STARTTLS):
 * bytes already read stay in the read buffer; bytes written from now
 * on leave encrypted. Qt: `QSslSocket::startClientEncryption()`.
 *
 * Since: 1.0
 */
void
qs_ssl_socket_start_client_encryption (QsSslSocket *self)
{
  g_return_if_fail (QS_IS_SSL_SOCKET (self));

  if (!can_start_encryption (self, "start_client_encryption"))
    return;
  g_object_ref (self);
  set_mode (self, QS_SSL_MODE_SSL_CLIENT_MODE, TRUE);
  if (get_priv (self)->mode == QS_SSL_MODE_SSL_CLIENT_MODE &&
      qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (self)) == QS_SOCKET_STATE_CONNECTED_STATE)
    begin_handshake (self);
  g_object_unref (self);
}

/**
 * qs_ssl_socket_start_server_encryption:
 * @self: a connected, plain socket with a local certificate
 *
 * Starts the server handshake on a connection that is up, presenting
 * [property@Qs.SslSocket:local-certificate]. Qt:
 * `QSslSocket::startServerEncryption()`.
 *
 * Since: 1.0
 */
void
qs_ssl_socket_start_server_encryption (QsSslSocket *self)
{
  g_return_if_fail (QS_IS_SSL_SOCKET (self));

  if (!can_start_encryption (self, "start_server_encryption"))
    return;
  g_object_ref (self);
  set_mode (self, QS_SSL_MODE_SSL_SERVER_MODE, TRUE);
  if (get_priv (self)->mode == QS_SSL_MODE_SSL_SERVER_MODE &&
      qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (self)) == QS_SOCKET_STATE_CONNECTED_STATE)
    begin_handshake (self);
  g_object_unref (self);
}

/**
 * qs_ssl_socket_is_encrypted:
 * @self: a socket
 *
 * Whether the handshake has succeeded on the current connection;
 * `FALSE` again once it ended, as in Qt. Qt: `QSslSocket::isEncrypted()`.
 *
 * Returns: `TRUE` once [signal@Qs.SslSocket::encrypted] was emitted
 *
 * Since: 1.0
 */
gboolean
qs_ssl_socket_is_encrypted (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), FALSE);

  return get_priv (self)->encrypted;
}

/**
 * qs_ssl_socket_get_mode: (get-property mode)
 * @self: a socket
 *
 * Qt: `QSslSocket::mode()`.
 *
 * Returns: whether the socket is plain, a TLS client or a TLS server
 *
 * Since: 1.0
 */
QsSslMode
qs_ssl_socket_get_mode (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), QS_SSL_MODE_UNENCRYPTED_MODE);

  return get_priv (self)->mode;
}

static gboolean
on_wait_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * qs_ssl_socket_wait_for_encrypted:
 * @self: a socket
 * @msecs: how long to wait, in milliseconds; -1 waits forever (Qt's
 *   default: 30000)
 *
 * Blocks until the handshake has succeeded, failed, or @msecs passed;
 * a socket still connecting is waited for first. It works with no main
 * loop running: it iterates the socket's own context, where the
 * handshake reports. At the deadline the error is
 * %QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR. Qt:
 * `QSslSocket::waitForEncrypted()`.
 *
 * Returns: `TRUE` when the connection is encrypted
 *
 * Since: 1.0
 */
gboolean
qs_ssl_socket_wait_for_encrypted (QsSslSocket *self,
                                  int          msecs)
{
  QsSslSocketPrivate *priv;
  QsAbstractSocket *socket;
  GMainContext *context;
  GSource *timer = NULL;
  gboolean expired = FALSE;
  gint64 start = g_get_monotonic_time ();
  gboolean result;

  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), FALSE);

  priv = get_priv (self);
  socket = QS_ABSTRACT_SOCKET (self);
  if (priv->encrypted)
    return TRUE;
  if (priv->mode == QS_SSL_MODE_UNENCRYPTED_MODE && !priv->auto_start)
    return FALSE;

  g_object_ref (self);
  if (qs_abstract_socket_get_state (socket) != QS_SOCKET_STATE_CONNECTED_STATE &&
      !qs_abstract_socket_wait_for_connected (socket, msecs))
    {
      g_object_unref (self);
      return FALSE;
    }

  context = _qs_abstract_socket_get_context (socket);
  if (msecs >= 0)
    {
      gint64 left = msecs - (g_get_monotonic_time () - start) / 1000;

      timer = g_timeout_source_new (MAX (left, 0));
      g_source_set_static_name (timer, "[qsock] wait_for_encrypted");
      g_source_set_callback (timer, on_wait_deadline, &expired, NULL);
      g_source_attach (timer, context);
    }
  while (!priv->encrypted && priv->handshake_cancellable != NULL && !expired)
    g_main_context_iteration (context, TRUE);
  if (timer)
    {
      g_source_destroy (timer);
      g_source_unref (timer);
    }

  result = priv->encrypted;
  if (expired && !result)
    _qs_abstract_socket_set_error (socket, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR,
                                   _("Network operation timed out"), TRUE);
  g_object_unref (self);
  return result;
}

/**
 * qs_ssl_socket_encrypted_bytes_available:
 * @self: a socket
 *
 * Encrypted bytes received but not yet decrypted. GIO keeps them inside
 * the TLS backend and does not count them, so this is always 0. Qt:
 * `QSslSocket::encryptedBytesAvailable()`.
 *
 * Returns: 0
 *
 * Since: 1.0
 */
gint64
qs_ssl_socket_encrypted_bytes_available (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), 0);

  return 0;
}

/**
 * qs_ssl_socket_encrypted_bytes_to_write:
 * @self: a socket
 *
 * Encrypted bytes waiting to be sent. The pump hands plaintext to the
 * TLS backend only as fast as the system takes the records, so nothing
 * encrypted waits: this is always 0. Qt:
 * `QSslSocket::encryptedBytesToWrite()`.
 *
 * Returns: 0
 *
 * Since: 1.0
 */
gint64
qs_ssl_socket_encrypted_bytes_to_write (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), 0);

  return 0;
}

/**
 * qs_ssl_socket_set_local_certificate: (set-property local-certificate)
 * @self: a socket
 * @certificate: (nullable): a certificate that holds its private key
 *
 * Sets the certificate this side presents: a server's, or a client's
 * when the server asks for one. Qt: `QSslSocket::setLocalCertificate()`
 * and `setPrivateKey()`.
 *
 * Since: 1.0
 */
void
qs_ssl_socket_set_local_certificate (QsSslSocket     *self,
                                     GTlsCertificate *certificate)
{
  g_return_if_fail (QS_IS_SSL_SOCKET (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (g_set_object (&get_priv (self)->local_certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCAL_CERTIFICATE]);
}

/**
 * qs_ssl_socket_get_local_certificate: (get-property local-certificate)
 * @self: a socket
 *
 * Qt: `QSslSocket::localCertificate()`.
 *
 * Returns: (transfer none) (nullable): the certificate this side presents
 *
 * Since: 1.0
 */
GTlsCertificate *
qs_ssl_socket_get_local_certificate (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), NULL);

  return get_priv (self)->local_certificate;
}

/**
 * qs_ssl_socket_set_database: (set-property database)
 * @self: a socket
 * @database: (nullable): the trusted authorities; `NULL` for the
 *   system's
 *
 * Sets what the peer's certificate is checked against, from the next
 * handshake on. Qt: `QSslConfiguration::setCaCertificates()`.
 *
 * Since: 1.0
 */
void
qs_ssl_socket_set_database (QsSslSocket  *self,
                            GTlsDatabase *database)
{
  g_return_if_fail (QS_IS_SSL_SOCKET (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  if (g_set_object (&get_priv (self)->database, database))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATABASE]);
}

/**
 * qs_ssl_socket_get_database: (get-property database)
 * @self: a socket
 *
 * Qt: `QSslConfiguration::caCertificates()`.
 *
 * Returns: (transfer none) (nullable): the trusted authorities set, or
 *   `NULL` for the system's
 *
 * Since: 1.0
 */
GTlsDatabase *
qs_ssl_socket_get_database (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), NULL);

  return get_priv (self)->database;
}

/**
 * qs_ssl_socket_get_session_cipher:
 * @self: a socket
 *
 * The cipher suite of the encrypted connection, as the backend names it
 * (for example `TLS_AES_256_GCM_SHA384`). Qt:
 * `QSslSocket::sessionCipher()`.
 *
 * Returns: (transfer none) (nullable): the cipher suite, or `NULL`
 *   before the handshake succeeded and once the connection ended
 *
 * Since: 1.0
 */
const char *
qs_ssl_socket_get_session_cipher (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), NULL);

  return get_priv (self)->session_cipher;
}

/**
 * qs_ssl_socket_get_session_protocol:
 * @self: a socket
 *
 * Qt: `QSslSocket::sessionProtocol()`.
 *
 * Returns: the TLS version of the encrypted connection, or
 *   %G_TLS_PROTOCOL_VERSION_UNKNOWN before the handshake succeeded and
 *   once the connection ended
 *
 * Since: 1.0
 */
GTlsProtocolVersion
qs_ssl_socket_get_session_protocol (QsSslSocket *self)
{
  QsSslSocketPrivate *priv;

  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), G_TLS_PROTOCOL_VERSION_UNKNOWN);

  priv = get_priv (self);
  if (!priv->encrypted || priv->tls == NULL)
    return G_TLS_PROTOCOL_VERSION_UNKNOWN;
  return g_tls_connection_get_protocol_version (priv->tls);
}

/**
 * qs_ssl_socket_get_peer_certificate: (get-property peer-certificate)
 * @self: a socket
 *
 * Qt: `QSslSocket::peerCertificate()`.
 *
 * Returns: (transfer none) (nullable): the peer's certificate (its chain
 *   through `GTlsCertificate:issuer`), or `NULL`
 *
 * Since: 1.0
 */
GTlsCertificate *
qs_ssl_socket_get_peer_certificate (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), NULL);

  return get_priv (self)->peer_certificate;
}

/**
 * qs_ssl_socket_get_peer_verify_mode: (get-property peer-verify-mode)
 * @self: a socket
 *
 * Qt: `QSslSocket::peerVerifyMode()`.
 *
 * Returns: how the peer's certificate is checked
 *
 * Since: 1.0
 */
QsPeerVerifyMode
qs_ssl_socket_get_peer_verify_mode (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);

  return get_priv (self)->peer_verify_mode;
}

/**
 * qs_ssl_socket_set_peer_verify_mode: (set-property peer-verify-mode)
 * @self: a socket
 * @mode: how to check the peer's certificate (Qt's default:
 *   %QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER)
 *
 * Qt: `QSslSocket::setPeerVerifyMode()`.
 *
 * Since: 1.0
 */
void
qs_ssl_socket_set_peer_verify_mode (QsSslSocket      *self,
                                    QsPeerVerifyMode  mode)
{
  QsSslSocketPrivate *priv;

  g_return_if_fail (QS_IS_SSL_SOCKET (self));
  g_return_if_fail (mode >= QS_PEER_VERIFY_MODE_VERIFY_NONE && mode <= QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);

  priv = get_priv (self);
  if (priv->peer_verify_mode == mode)
    return;
  priv->peer_verify_mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_VERIFY_MODE]);
}

/**
 * qs_ssl_socket_get_peer_verify_name: (get-property peer-verify-name)
 * @self: a socket
 *
 * Qt: `QSslSocket::peerVerifyName()`.
 *
 * Returns: (transfer none) (nullable): the name the peer's certificate
 *   must match, or `NULL` for the host name connected to
 *
 * Since: 1.0
 */
const char *
qs_ssl_socket_get_peer_verify_name (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), NULL);

  return get_priv (self)->peer_verify_name;
}

/**
 * qs_ssl_socket_set_peer_verify_name: (set-property peer-verify-name)
 * @self: a socket
 * @host_name: (nullable): the name the peer's certificate must match;
 *   `NULL` for the host name connected to
 *
 * Qt: `QSslSocket::setPeerVerifyName()`.
 *
 * Since: 1.0
 */
void
qs_ssl_socket_set_peer_verify_name (QsSslSocket *self,
                                    const char  *host_name)
{
  QsSslSocketPrivate *priv;

  g_return_if_fail (QS_IS_SSL_SOCKET (self));

  priv = get_priv (self);
  if (g_strcmp0 (priv->peer_verify_name, host_name) == 0)
    return;
  g_free (priv->peer_verify_name);
  priv->peer_verify_name = g_strdup (host_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PEER_VERIFY_NAME]);
}

/**
 * qs_ssl_socket_get_ssl_handshake_errors:
 * @self: a socket
 *
 * Qt: `QSslSocket::sslHandshakeErrors()`.
 *
 * Returns: the problems found with the peer's certificate in the last
 *   handshake, ignored or not
 *
 * Since: 1.0
 */
GTlsCertificateFlags
qs_ssl_socket_get_ssl_handshake_errors (QsSslSocket *self)
{
  g_return_val_if_fail (QS_IS_SSL_SOCKET (self), 0);

  return get_priv (self)->handshake_errors;
}

/**
 * qs_ssl_socket_ignore_ssl_errors:
 * @self: a socket
 *
 * Goes on with the handshake despite the problems with the peer's
 * certificate: call it in a [signal@Qs.SslSocket::ssl-errors] or
 * [signal@Qs.SslSocket::peer-verify-error] handler, or after the connect
 * call and before the handshake. It holds for the current connection
 * only. Qt: `QSslSocket::ignoreSslErrors()`.
 *
 * Since: 1.0
 */
void
qs_ssl_socket_ignore_ssl_errors (QsSslSocket *self)
{
  g_return_if_fail (QS_IS_SSL_SOCKET (self));

  get_priv (self)->ignore_all = TRUE;
}
