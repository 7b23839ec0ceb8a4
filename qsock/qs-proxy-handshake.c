/* qs-proxy-handshake.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client handshake with a SOCKS5 (RFC 1928, user/password RFC 1929)
 * or HTTP (CONNECT, Basic authentication) proxy, as Qt 6.4's
 * QSocks5SocketEngine and QHttpSocketEngine run it, but over the
 * socket's own engine: no second socket, no queued notifications. The
 * messages are built and parsed by qs-proxy-parser.c; this file keeps
 * the state, the bytes in flight, and Qt's error for each failure.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <glib/gi18n-lib.h>

#include "qs-io-device-private.h"
#include "qs-proxy-handshake.h"
#include "qs-proxy-parser.h"

/* How much one readiness event reads at most. */
#define RECEIVE_CHUNK 4096

typedef enum
{
  STATE_IDLE,
  STATE_SOCKS5_METHOD_SENT,
  STATE_SOCKS5_PASSWORD_SENT,
  STATE_SOCKS5_REQUEST_SENT,
  STATE_HTTP_CONNECT_SENT,
  STATE_HTTP_SKIP_BODY,   /* the body of a 407 before the request is sent again */
  STATE_DONE,
} State;

struct _QsProxyHandshake
{
  QsNetworkProxy *proxy;        /* (owned): a copy; SOCKS5 keeps the credentials in use here */
  char           *host_name;    /* (owned) (nullable) */
  GInetAddress   *address;      /* (owned) (nullable) */
  guint16         port;
  gboolean        socks5;
  guint8          command;      /* SOCKS5: CONNECT or BIND */
  State           state;

  GByteArray     *out;          /* (owned): bytes still to send */
  gsize           out_sent;
  GByteArray     *in;           /* (owned): bytes received and not yet parsed */

  /* HTTP: Qt's QAuthenticator of the engine. */
  char           *user;         /* (owned) (nullable) */
  char           *password;     /* (owned) (nullable) */
  char           *realm;        /* (owned) (nullable) */
  gboolean        credentials_sent;
  gboolean        will_close;   /* the last 407 said the proxy closes */
  gint64          body_left;    /* bytes of a 407's body still to skip */

  QsSocketError   error;
  const char     *message;      /* (unowned) a translated constant, or message_owned */
  char           *message_owned; /* (owned) (nullable) */
  QsSocks5Reply   reply;
  gboolean        closed;       /* the connection ended (read_errno 0) or failed */
  int             read_errno;
};

QsProxyHandshake *
_qs_proxy_handshake_new (QsNetworkProxy *proxy,
                         const char     *host_name,
                         GInetAddress   *address,
                         guint16         port)
{
  QsProxyHandshake *self = g_new0 (QsProxyHandshake, 1);

  _qs_io_device_init_i18n ();
  self->proxy = qs_network_proxy_copy (proxy);
  self->host_name = g_strdup (host_name);
  self->address = address ? g_object_ref (address) : NULL;
  self->port = port;
  self->socks5 = qs_network_proxy_get_proxy_type (proxy) == QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY;
  self->command = QS_SOCKS5_COMMAND_CONNECT;
  self->out = g_byte_array_new ();
  self->in = g_byte_array_new ();
  self->user = g_strdup (qs_network_proxy_get_user (proxy));
  self->password = g_strdup (qs_network_proxy_get_password (proxy));
  return self;
}

QsProxyHandshake *
_qs_proxy_handshake_new_bind (QsNetworkProxy *proxy,
                              guint16         port)
{
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  QsProxyHandshake *self = _qs_proxy_handshake_new (proxy, NULL, any, port);

  self->command = QS_SOCKS5_COMMAND_BIND;
  return self;
}

QsProxyHandshake *
_qs_proxy_handshake_new_udp_associate (QsNetworkProxy *proxy,
                                       GInetAddress   *address,
                                       guint16         port)
{
  QsProxyHandshake *self = _qs_proxy_handshake_new (proxy, NULL, address, port);

  self->command = QS_SOCKS5_COMMAND_UDP_ASSOCIATE;
  return self;
}

void
_qs_proxy_handshake_free (QsProxyHandshake *self)
{
  if (self == NULL)
    return;
  qs_network_proxy_unref (self->proxy);
  g_free (self->host_name);
  g_clear_object (&self->address);
  g_byte_array_unref (self->out);
  g_byte_array_unref (self->in);
  g_free (self->user);
  g_free (self->password);
  g_free (self->realm);
  g_free (self->message_owned);
  g_free (self);
}

QsNetworkProxy *
_qs_proxy_handshake_get_proxy (QsProxyHandshake *self)
{
  return self->proxy;
}

static gboolean
has_credentials (const char *user,
                 const char *password)
{
  return (user && *user) || (password && *password);
}

static void
queue_http_connect (QsProxyHandshake *self,
                    gboolean          with_credentials)
{
  g_autofree char *host = self->host_name ? g_hostname_to_ascii (self->host_name)
                                          : g_inet_address_to_string (self->address);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_auto(GStrv) header_list = qs_network_proxy_get_raw_header_list (self->proxy);

  for (guint i = 0; header_list[i] != NULL; i++)
    {
      g_ptr_array_add (names, g_strdup (header_list[i]));
      g_ptr_array_add (values, qs_network_proxy_get_raw_header (self->proxy, header_list[i]));
    }
  _qs_http_proxy_build_connect (self->out, host ? host : self->host_name, self->port, names, values,
                                with_credentials ? self->user : NULL,
                                with_credentials ? self->password : NULL);
  self->credentials_sent = with_credentials;
  self->state = STATE_HTTP_CONNECT_SENT;
}

void
_qs_proxy_handshake_begin (QsProxyHandshake *self)
{
  self->closed = FALSE;
  self->read_errno = 0;
  g_byte_array_set_size (self->out, 0);
  g_byte_array_set_size (self->in, 0);
  self->out_sent = 0;
  if (self->socks5)
    {
      _qs_socks5_build_greeting (self->out, has_credentials (qs_network_proxy_get_user (self->proxy),
                                                             qs_network_proxy_get_password (self->proxy)));
      self->state = STATE_SOCKS5_METHOD_SENT;
    }
  else
    queue_http_connect (self, self->credentials_sent);
}

GIOCondition
_qs_proxy_handshake_get_events (QsProxyHandshake *self)
{
  return self->out_sent < self->out->len ? G_IO_OUT : G_IO_IN;
}

static QsProxyStep
fail (QsProxyHandshake *self,
      QsSocketError     error,
      const char       *message)
{
  self->error = error;
  self->message = message;
  return QS_PROXY_STEP_FAILED;
}

QsSocketError
_qs_proxy_connect_error (QsNetworkProxyType   type,
                         QsSocketError        error,
                         const char         **message)
{
  gboolean socks5 = type == QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY;

  _qs_io_device_init_i18n ();
  switch (error)
    {
    case QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR:
      *message = socks5 ? _("Connection to proxy refused") : _("Proxy connection refused");
      return QS_SOCKET_ERROR_PROXY_CONNECTION_REFUSED_ERROR;
    case QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR:
      *message = socks5 ? _("Connection to proxy closed prematurely") : _("Proxy connection closed prematurely");
      return QS_SOCKET_ERROR_PROXY_CONNECTION_CLOSED_ERROR;
    case QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR:
      *message = socks5 ? _("Proxy host not found") : _("Proxy server not found");
      return QS_SOCKET_ERROR_PROXY_NOT_FOUND_ERROR;
    case QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR:
      *message = socks5 ? _("Connection to proxy timed out") : _("Proxy server connection timed out");
      return QS_SOCKET_ERROR_PROXY_CONNECTION_TIMEOUT_ERROR;
    default:
      *message = NULL;
      return error;
    }
}

/* The connection to the proxy failed with @error_number (0: the proxy
 * closed it) while the handshake ran. */
static QsProxyStep
fail_io (QsProxyHandshake *self,
         QsEngineOp        op,
         int               error_number)
{
  const char *message = NULL;
  const char *proxy_message = NULL;
  QsSocketError error;

  if (error_number == 0 || error_number == ECONNRESET || error_number == EPIPE)
    error = QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR;
  else
    error = _qs_socket_error_from_errno (op, error_number, &message);
  error = _qs_proxy_connect_error (qs_network_proxy_get_proxy_type (self->proxy), error, &proxy_message);
  return fail (self, error, proxy_message ? proxy_message : message);
}

/* Sends what is queued; FALSE when the step is over (failed). */
static gboolean
flush (QsProxyHandshake *self,
       QsSocketEngine   *engine,
       QsProxyStep      *step)
{
  while (self->out_sent < self->out->len)
    {
      struct iovec vector = { self->out->data + self->out_sent, self->out->len - self->out_sent };
      int error_number = 0;
      gssize sent = _qs_socket_engine_send_vectors (engine, &vector, 1, &error_number);

      if (sent < 0)
        {
          if (error_number == EAGAIN || error_number == EWOULDBLOCK)
            return TRUE;
          *step = fail_io (self, QS_ENGINE_OP_WRITE, error_number);
          return FALSE;
        }
      self->out_sent += sent;
    }
  g_byte_array_set_size (self->out, 0);
  self->out_sent = 0;
  return TRUE;
}

/* Reads what is there (bounded). The end of the connection, or its
 * failure, is noted in @closed: what came before it is parsed first, as
 * Qt reads a reply the proxy sent just before it closed. */
static void
receive (QsProxyHandshake *self,
         QsSocketEngine   *engine)
{
  while (!self->closed && self->in->len < QS_HTTP_PROXY_MAX_HEADER + RECEIVE_CHUNK)
    {
      guint old = self->in->len;
      int error_number = 0;
      gssize got;

      g_byte_array_set_size (self->in, old + RECEIVE_CHUNK);
      got = _qs_socket_engine_receive (engine, self->in->data + old, RECEIVE_CHUNK, &error_number);
      g_byte_array_set_size (self->in, old + MAX (got, 0));
      if (got > 0)
        continue;
      if (got < 0 && (error_number == EAGAIN || error_number == EWOULDBLOCK))
        return;
      self->closed = TRUE;
      self->read_errno = got == 0 ? 0 : error_number;
    }
}

static void
consume (QsProxyHandshake *self,
         gsize             size)
{
  g_byte_array_remove_range (self->in, 0, size);
}

/* Qt's errors for the SOCKS5 reply codes 1 to 8. */
static const struct
{
  QsSocketError  error;
  const char    *message;
} socks5_errors[] = {
  [1] = { QS_SOCKET_ERROR_NETWORK_ERROR, N_("General SOCKSv5 server failure") },
  [2] = { QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR, N_("Connection not allowed by SOCKSv5 server") },
  [3] = { QS_SOCKET_ERROR_NETWORK_ERROR, N_("Network unreachable") },
  [4] = { QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR, N_("Host not found") },
  [5] = { QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR, N_("Connection refused") },
  [6] = { QS_SOCKET_ERROR_NETWORK_ERROR, N_("TTL expired") },
  [7] = { QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR, N_("SOCKSv5 command not supported") },
  [8] = { QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR, N_("Address type not supported") },
};

/* Qt's QSocks5SocketEnginePrivate::setErrorState (RequestError). */
static QsProxyStep
fail_socks5_reply (QsProxyHandshake *self,
                   guint8            reply)
{
  /* Dante answers a name it cannot resolve with 1 or 2: Qt takes either
   * as "host not found" when it connected by name. */
  if ((reply == 1 || reply == 2) && self->host_name)
    return fail (self, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR, _("Host not found"));

  if (reply < G_N_ELEMENTS (socks5_errors) && socks5_errors[reply].message)
    return fail (self, socks5_errors[reply].error, _(socks5_errors[reply].message));

  /* Qt formats the code in decimal in a field 16 wide after "0x". */
  g_free (self->message_owned);
  self->message_owned = g_strdup_printf (_("Unknown SOCKSv5 proxy error code 0x%16d"), reply);
  return fail (self, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, self->message_owned);
}

static QsProxyStep
queue_socks5_request (QsProxyHandshake *self,
                      QsSocketEngine   *engine)
{
  if (!_qs_socks5_build_request (self->out, self->command, self->host_name, self->address, self->port))
    return fail (self, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR, _("Host not found"));
  self->state = STATE_SOCKS5_REQUEST_SENT;
  return _qs_proxy_handshake_step (self, engine);
}

static QsProxyStep
socks5_parse (QsProxyHandshake *self,
              QsSocketEngine   *engine)
{
  const char *protocol_error = _("SOCKS version 5 protocol error");

  switch (self->state)
    {
    case STATE_SOCKS5_METHOD_SENT:
      {
        guint8 method = 0;
        gboolean offered_password = has_credentials (qs_network_proxy_get_user (self->proxy),
                                                     qs_network_proxy_get_password (self->proxy));

        switch (_qs_socks5_parse_method_reply (self->in->data, self->in->len, &method))
          {
          case QS_PROXY_PARSE_NEED_MORE:
            return QS_PROXY_STEP_WAIT;
          case QS_PROXY_PARSE_INVALID:
            return fail (self, QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR, protocol_error);
          case QS_PROXY_PARSE_DONE:
          default:
            break;
          }
        consume (self, 2);
        if (method == QS_SOCKS5_METHOD_NONE)
          return queue_socks5_request (self, engine);
        if (method == QS_SOCKS5_METHOD_NOT_ACCEPTABLE)
          return QS_PROXY_STEP_AUTHENTICATE;
        if (method != QS_SOCKS5_METHOD_PASSWORD || !offered_password)
          {
            /* Qt: the message of an authentication failure, with the
             * code of an access error. */
            return fail (self, QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR,
                         _("Proxy authentication failed: Socks5 host did not support authentication method."));
          }
        _qs_socks5_build_password (self->out, qs_network_proxy_get_user (self->proxy),
                                   qs_network_proxy_get_password (self->proxy));
        self->state = STATE_SOCKS5_PASSWORD_SENT;
        return _qs_proxy_handshake_step (self, engine);
      }

    case STATE_SOCKS5_PASSWORD_SENT:
      {
        gboolean accepted = FALSE;

        if (_qs_socks5_parse_password_reply (self->in->data, self->in->len, &accepted) == QS_PROXY_PARSE_NEED_MORE)
          return QS_PROXY_STEP_WAIT;
        consume (self, 2);
        if (!accepted)
          return QS_PROXY_STEP_AUTHENTICATE;
        return queue_socks5_request (self, engine);
      }

    case STATE_SOCKS5_REQUEST_SENT:
      switch (_qs_socks5_parse_reply (self->in->data, self->in->len, &self->reply))
        {
        case QS_PROXY_PARSE_NEED_MORE:
          return QS_PROXY_STEP_WAIT;
        case QS_PROXY_PARSE_INVALID:
          return fail (self, QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR, protocol_error);
        case QS_PROXY_PARSE_DONE:
        default:
          break;
        }
      if (self->reply.reply != 0)
        return fail_socks5_reply (self, self->reply.reply);
      consume (self, self->reply.consumed);
      self->state = STATE_DONE;
      return QS_PROXY_STEP_DONE;

    case STATE_IDLE:
    case STATE_HTTP_CONNECT_SENT:
    case STATE_HTTP_SKIP_BODY:
    case STATE_DONE:
    default:
      g_assert_not_reached ();
    }
}

/* Qt's QHttpSocketEngine: the 407 was read; send the credentials again,
 * on this connection or (when the proxy closes it) on a new one. */
static QsProxyStep
http_resend (QsProxyHandshake *self,
             QsSocketEngine   *engine)
{
  if (self->will_close)
    {
      self->credentials_sent = TRUE;
      return QS_PROXY_STEP_RECONNECT;
    }
  if (self->body_left > 0)
    {
      self->state = STATE_HTTP_SKIP_BODY;
      return _qs_proxy_handshake_step (self, engine);
    }
  queue_http_connect (self, TRUE);
  return _qs_proxy_handshake_step (self, engine);
}

static QsProxyStep
http_parse (QsProxyHandshake *self,
            QsSocketEngine   *engine)
{
  QsHttpProxyReply reply;
  int status;

  if (self->state == STATE_HTTP_SKIP_BODY)
    {
      gsize skip = MIN ((gint64) self->in->len, self->body_left);

      consume (self, skip);
      self->body_left -= skip;
      if (self->body_left > 0)
        return QS_PROXY_STEP_WAIT;
      queue_http_connect (self, TRUE);
      return _qs_proxy_handshake_step (self, engine);
    }

  switch (_qs_http_proxy_parse_reply (self->in->data, self->in->len, &reply))
    {
    case QS_PROXY_PARSE_NEED_MORE:
      return QS_PROXY_STEP_WAIT;
    case QS_PROXY_PARSE_INVALID:
      return fail (self, QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR, _("Did not receive HTTP response from proxy"));
    case QS_PROXY_PARSE_DONE:
    default:
      break;
    }
  consume (self, reply.consumed);
  status = reply.status;

  if (status == 200)
    {
      _qs_http_proxy_reply_clear (&reply);
      self->state = STATE_DONE;
      return QS_PROXY_STEP_DONE;
    }
  if (status != 407)
    {
      _qs_http_proxy_reply_clear (&reply);
      if (status == 403 || status == 405)
        return fail (self, QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR, _("Proxy denied connection"));
      if (status == 404)
        return fail (self, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR, _("Host not found"));
      if (status == 503)
        return fail (self, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR, _("Connection refused"));
      return fail (self, QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR, _("Error communicating with HTTP proxy"));
    }

  if (!reply.basic)
    {
      _qs_http_proxy_reply_clear (&reply);
      return fail (self, QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR, _("Error parsing authentication request from proxy"));
    }

  g_free (self->realm);
  self->realm = g_steal_pointer (&reply.realm);
  self->will_close = reply.proxy_connection == 1 ||
                     (reply.proxy_connection == -1 && reply.version <= 0x100);
  self->body_left = self->will_close ? 0 : MAX (reply.content_length, 0);
  _qs_http_proxy_reply_clear (&reply);

  /* A second 407 after credentials were sent: they were wrong, and the
   * application is asked again (Qt resets its authenticator). */
  if (self->credentials_sent)
    {
      g_clear_pointer (&self->user, g_free);
      g_clear_pointer (&self->password, g_free);
    }
  if (!has_credentials (self->user, self->password))
    return QS_PROXY_STEP_AUTHENTICATE;
  return http_resend (self, engine);
}

QsProxyStep
_qs_proxy_handshake_step (QsProxyHandshake *self,
                          QsSocketEngine   *engine)
{
  QsProxyStep step = QS_PROXY_STEP_WAIT;

  if (!flush (self, engine, &step))
    return step;
  receive (self, engine);
  if (self->in->len > 0 || self->state == STATE_HTTP_SKIP_BODY)
    step = self->socks5 ? socks5_parse (self, engine) : http_parse (self, engine);
  if (step == QS_PROXY_STEP_WAIT && self->closed)
    return fail_io (self, QS_ENGINE_OP_READ, self->read_errno);
  return step;
}

QsAuthenticator *
_qs_proxy_handshake_new_authenticator (QsProxyHandshake *self)
{
  QsAuthenticator *authenticator = qs_authenticator_new ();

  if (!self->socks5)
    {
      qs_authenticator_set_option (authenticator, "realm", g_variant_new_string (self->realm ? self->realm : ""));
      qs_authenticator_set_realm (authenticator, self->realm);
    }
  return authenticator;
}

QsProxyStep
_qs_proxy_handshake_authenticated (QsProxyHandshake *self,
                                   QsAuthenticator  *authenticator,
                                   QsSocketEngine   *engine)
{
  const char *user = qs_authenticator_get_user (authenticator);
  const char *password = qs_authenticator_get_password (authenticator);

  if (self->socks5)
    {
      if (!has_credentials (user, password))
        return fail (self, QS_SOCKET_ERROR_PROXY_AUTHENTICATION_REQUIRED_ERROR, _("Proxy authentication failed"));
      qs_network_proxy_set_user (self->proxy, user);
      qs_network_proxy_set_password (self->proxy, password);
      return QS_PROXY_STEP_RECONNECT;
    }

  if (!has_credentials (user, password))
    return fail (self, QS_SOCKET_ERROR_PROXY_AUTHENTICATION_REQUIRED_ERROR, _("Authentication required"));
  g_free (self->user);
  g_free (self->password);
  self->user = g_strdup (user);
  self->password = g_strdup (password);
  return http_resend (self, engine);
}

QsSocketError
_qs_proxy_handshake_get_error (QsProxyHandshake  *self,
                               const char       **message)
{
  *message = self->message;
  return self->error;
}

GBytes *
_qs_proxy_handshake_take_leftover (QsProxyHandshake *self)
{
  GBytes *leftover;

  if (self->in->len == 0)
    return NULL;
  leftover = g_bytes_new (self->in->data, self->in->len);
  g_byte_array_set_size (self->in, 0);
  return leftover;
}

gboolean
_qs_proxy_handshake_get_bound (QsProxyHandshake  *self,
                               GInetAddress     **address,
                               guint16           *port)
{
  if (!self->socks5 || self->state != STATE_DONE)
    return FALSE;
  *address = g_inet_address_new_from_bytes (self->reply.address, self->reply.family);
  *port = self->reply.port;
  return TRUE;
}

/* Connects @engine to @proxy's first address, blocking until @deadline;
 * 0 or an errno (EINPROGRESS: timed out). */
static int
connect_blocking (QsSocketEngine *engine,
                  GInetAddress   *address,
                  guint16         port,
                  gint64          deadline)
{
  int error_number = _qs_socket_engine_connect (engine, address, port);

  if (error_number == EINPROGRESS && _qs_socket_engine_poll (engine, G_IO_OUT, deadline) != 0)
    error_number = _qs_socket_engine_finish_connect (engine);
  return error_number;
}

QsSocketEngine *
_qs_proxy_handshake_run (QsProxyHandshake    *self,
                         GMainContext        *context,
                         QsSocketEngineFunc   func,
                         gpointer             user_data,
                         QsSocketError       *error,
                         const char         **message)
{
  gint64 deadline = _qs_deadline_from_msecs (QS_PROXY_BLOCKING_TIMEOUT_MS);
  g_autoptr(GResolver) resolver = g_resolver_get_default ();
  const char *proxy_host = qs_network_proxy_get_host_name (self->proxy);
  QsNetworkProxyType type = qs_network_proxy_get_proxy_type (self->proxy);
  g_autolist(GInetAddress) addresses = NULL;
  QsSocketEngine *engine = NULL;
  QsProxyStep step = QS_PROXY_STEP_WAIT;
  const char *proxy_message = NULL;
  int error_number = 0;

  _qs_io_device_init_i18n ();
  *error = QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR;
  *message = _("Network operation timed out");

  if (proxy_host)
    addresses = g_resolver_lookup_by_name (resolver, proxy_host, NULL, NULL);
  if (addresses == NULL)
    {
      *error = _qs_proxy_connect_error (type, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR, message);
      return NULL;
    }

  engine = _qs_socket_engine_new_tcp (g_inet_address_get_family (addresses->data), context,
                                      func, user_data, &error_number);
  if (engine)
    error_number = connect_blocking (engine, addresses->data, qs_network_proxy_get_port (self->proxy), deadline);
  if (error_number != 0)
    {
      if (error_number != EINPROGRESS)
        {
          *error = _qs_socket_error_from_errno (QS_ENGINE_OP_CONNECT, error_number, message);
          *error = _qs_proxy_connect_error (type, *error, &proxy_message);
          *message = proxy_message ? proxy_message : *message;
        }
      g_clear_pointer (&engine, _qs_socket_engine_free);
      return NULL;
    }

  _qs_proxy_handshake_begin (self);
  for (step = _qs_proxy_handshake_step (self, engine);
       step == QS_PROXY_STEP_WAIT || step == QS_PROXY_STEP_AUTHENTICATE;)
    {
      if (step == QS_PROXY_STEP_AUTHENTICATE)
        {
          g_autoptr(QsAuthenticator) nobody = qs_authenticator_new ();

          step = _qs_proxy_handshake_authenticated (self, nobody, engine);
        }
      else if (_qs_socket_engine_poll (engine, _qs_proxy_handshake_get_events (self), deadline) != 0)
        step = _qs_proxy_handshake_step (self, engine);
      else
        break;
    }
  if (step == QS_PROXY_STEP_FAILED)
    *error = _qs_proxy_handshake_get_error (self, message);
  if (step != QS_PROXY_STEP_DONE || !self->socks5)
    g_clear_pointer (&engine, _qs_socket_engine_free);
  return engine;
}
