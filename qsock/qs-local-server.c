/* qs-local-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsLocalServer: Qt's QLocalServer. A listening Unix-domain socket on the
 * socket engine; accepted descriptors become connected QsLocalSockets
 * that wait in a queue of at most max-pending-connections. Errors are
 * QsSocketError codes with Qt's "QLocalServer::function: what" strings.
 */

#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "qs-enum-types.h"
#include "qs-io-device-private.h"
#include "qs-local-server.h"
#include "qs-local-socket-private.h"
#include "qs-socket-engine.h"

/**
 * QsLocalServer:
 *
 * Accepts connections from [class@Qs.LocalSocket]s: Qt's `QLocalServer`.
 *
 * [method@Qs.LocalServer.listen] takes a name (a socket file in the
 * temporary directory, as [class@Qs.LocalSocket] finds it), a path, or —
 * with %QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION — a name
 * in Linux's abstract namespace. Each connection is announced with
 * [signal@Qs.LocalServer::new-connection] and taken with
 * [method@Qs.LocalServer.next_pending_connection]. Closing the server
 * removes the socket file it listened on.
 *
 * Since: 1.0
 */

typedef struct
{
  GMainContext               *context;           /* (owned) */
  QsSocketEngine             *engine;            /* (owned) (nullable) */
  GQueue                      pending;           /* (element-type QsLocalSocket) (owned) */

  gboolean                    listening;
  char                       *server_name;       /* (owned) (nullable) */
  char                       *full_server_name;  /* (owned) (nullable) */
  QsSocketError               server_error;
  char                       *error_string;      /* (owned) (nullable) */
  QsLocalServerSocketOptions  options;
  int                         max_pending;
  int                         backlog;
} QsLocalServerPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (QsLocalServer, qs_local_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LISTENING,
  PROP_SERVER_NAME,
  PROP_FULL_SERVER_NAME,
  PROP_SERVER_ERROR,
  PROP_ERROR_STRING,
  PROP_MAX_PENDING_CONNECTIONS,
  PROP_LISTEN_BACKLOG_SIZE,
  PROP_SOCKET_OPTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_NEW_CONNECTION,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char listen_function[] = "QLocalServer::listen";

static inline QsLocalServerPrivate *
get_priv (QsLocalServer *self)
{
  return qs_local_server_get_instance_private (self);
}

static void
store_string (QsLocalServer  *self,
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

static void
set_error (QsLocalServer *self,
           QsSocketError  error,
           const char    *message)
{
  QsLocalServerPrivate *priv = get_priv (self);

  if (priv->server_error != error)
    {
      priv->server_error = error;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_ERROR]);
    }
  store_string (self, &priv->error_string, message, PROP_ERROR_STRING);
}

/* Qt's QLocalServerPrivate::setError(): the errno of a failed call. */
static void
set_error_from_errno (QsLocalServer *self,
                      const char    *function,
                      int            error_number)
{
  g_autofree char *message = NULL;
  QsSocketError error;

  switch (error_number)
    {
    case EACCES:
    case EPERM:
      error = QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR;
      message = g_strdup_printf (_("%s: Permission denied"), function);
      break;
    case ELOOP:
    case ENOENT:
    case ENAMETOOLONG:
    case EROFS:
    case ENOTDIR:
      error = QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR;
      message = g_strdup_printf (_("%s: Name error"), function);
      break;
    case EADDRINUSE:
      error = QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR;
      message = g_strdup_printf (_("%s: Address in use"), function);
      break;
    default:
      error = QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
      message = g_strdup_printf (_("%s: Unknown error %d"), function, error_number);
      break;
    }
  set_error (self, error, message);
}

static void
set_listening (QsLocalServer *self,
               gboolean       listening)
{
  QsLocalServerPrivate *priv = get_priv (self);

  if (priv->listening == listening)
    return;
  priv->listening = listening;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTENING]);
}

/* Qt 6.4 keeps accepting while at most max-pending-connections wait,
 * counted before the new one is queued: up to two more may wait. */
static gboolean
may_accept (QsLocalServerPrivate *priv)
{
  return (int) priv->pending.length <= priv->max_pending;
}

static void
update_watch (QsLocalServer *self)
{
  QsLocalServerPrivate *priv = get_priv (self);

  if (priv->engine)
    _qs_socket_engine_set_events (priv->engine, may_accept (priv) ? G_IO_IN : 0);
}

/* Stops listening; the socket file goes with the server (Qt's
 * closeServer()). */
static void
close_server (QsLocalServer *self)
{
  QsLocalServerPrivate *priv = get_priv (self);

  g_clear_pointer (&priv->engine, _qs_socket_engine_free);
  if (priv->full_server_name &&
      !(priv->options & QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION))
    unlink (priv->full_server_name);
}

/* Qt's _q_onNewConnection(), for each connection waiting: a failed
 * accept stops the server. */
static void
accept_pending (QsLocalServer *self)
{
  QsLocalServerPrivate *priv = get_priv (self);

  g_object_ref (self);
  while (priv->engine != NULL)
    {
      int error_number = 0;
      int fd = _qs_socket_engine_accept (priv->engine, &error_number);
      gboolean more;

      if (fd < 0)
        {
          if (error_number != EAGAIN)
            {
              set_error_from_errno (self, "QLocalSocket::activateAccept", error_number);
              close_server (self);
              set_listening (self, FALSE);
            }
          break;
        }

      more = may_accept (priv);
      g_main_context_push_thread_default (priv->context);
      QS_LOCAL_SERVER_GET_CLASS (self)->incoming_connection (self, fd);
      g_main_context_pop_thread_default (priv->context);

      /* A handler dropped the server: ours is the only reference left. */
      if (!more || g_atomic_int_get (&G_OBJECT (self)->ref_count) == 1)
        break;
    }
  update_watch (self);
  g_object_unref (self);
}

static void
on_engine_ready (GIOCondition condition,
                 gpointer     user_data)
{
  accept_pending (QS_LOCAL_SERVER (user_data));
}

static void
qs_local_server_real_incoming_connection (QsLocalServer *self,
                                          int            socket_descriptor)
{
  QsLocalServerPrivate *priv = get_priv (self);
  QsLocalSocket *socket = qs_local_socket_new ();
  g_autofree char *name = NULL;

  if (!qs_local_socket_set_socket_descriptor (socket, socket_descriptor,
                                              QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                              QS_OPEN_MODE_READ_WRITE))
    {
      close (socket_descriptor);
      g_object_unref (socket);
      return;
    }
  /* Qt 6.4 names an accepted socket with the last part of a path. */
  if (priv->options & QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION)
    name = g_strdup (priv->server_name);
  else if (priv->server_name != NULL)
    name = g_path_get_basename (priv->server_name);
  _qs_local_socket_set_server_names (socket, name, priv->full_server_name);
  g_queue_push_tail (&priv->pending, socket);
  g_signal_emit (self, signals[SIGNAL_NEW_CONNECTION], 0);
}

static gboolean
qs_local_server_real_has_pending_connections (QsLocalServer *self)
{
  return !g_queue_is_empty (&get_priv (self)->pending);
}

static QsLocalSocket *
qs_local_server_real_next_pending_connection (QsLocalServer *self)
{
  QsLocalSocket *socket = g_queue_pop_head (&get_priv (self)->pending);

  update_watch (self);
  return socket;
}

static void
qs_local_server_dispose (GObject *object)
{
  QsLocalServer *self = QS_LOCAL_SERVER (object);
  QsLocalServerPrivate *priv = get_priv (self);

  g_queue_clear_full (&priv->pending, g_object_unref);
  if (priv->engine)
    close_server (self);

  G_OBJECT_CLASS (qs_local_server_parent_class)->dispose (object);
}

static void
qs_local_server_finalize (GObject *object)
{
  QsLocalServerPrivate *priv = get_priv (QS_LOCAL_SERVER (object));

  g_clear_pointer (&priv->server_name, g_free);
  g_clear_pointer (&priv->full_server_name, g_free);
  g_clear_pointer (&priv->error_string, g_free);
  g_clear_pointer (&priv->context, g_main_context_unref);

  G_OBJECT_CLASS (qs_local_server_parent_class)->finalize (object);
}

static void
qs_local_server_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  QsLocalServerPrivate *priv = get_priv (QS_LOCAL_SERVER (object));

  switch (prop_id)
    {
    case PROP_LISTENING:
      g_value_set_boolean (value, priv->listening);
      break;
    case PROP_SERVER_NAME:
      g_value_set_string (value, priv->server_name);
      break;
    case PROP_FULL_SERVER_NAME:
      g_value_set_string (value, priv->full_server_name);
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
    case PROP_SOCKET_OPTIONS:
      g_value_set_flags (value, priv->options);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_local_server_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  QsLocalServer *self = QS_LOCAL_SERVER (object);

  switch (prop_id)
    {
    case PROP_MAX_PENDING_CONNECTIONS:
      qs_local_server_set_max_pending_connections (self, g_value_get_int (value));
      break;
    case PROP_LISTEN_BACKLOG_SIZE:
      qs_local_server_set_listen_backlog_size (self, g_value_get_int (value));
      break;
    case PROP_SOCKET_OPTIONS:
      qs_local_server_set_socket_options (self, g_value_get_flags (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_local_server_class_init (QsLocalServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  _qs_io_device_init_i18n ();

  object_class->dispose = qs_local_server_dispose;
  object_class->finalize = qs_local_server_finalize;
  object_class->get_property = qs_local_server_get_property;
  object_class->set_property = qs_local_server_set_property;

  klass->incoming_connection = qs_local_server_real_incoming_connection;
  klass->has_pending_connections = qs_local_server_real_has_pending_connections;
  klass->next_pending_connection = qs_local_server_real_next_pending_connection;

  /**
   * QsLocalServer:listening: (getter is_listening)
   *
   * Whether the server listens.
   *
   * Since: 1.0
   */
  properties[PROP_LISTENING] =
    g_param_spec_boolean ("listening", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalServer:server-name: (getter get_server_name)
   *
   * The name the server listens on; %NULL when it does not.
   *
   * Since: 1.0
   */
  properties[PROP_SERVER_NAME] =
    g_param_spec_string ("server-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalServer:full-server-name: (getter get_full_server_name)
   *
   * The path (or abstract name) the server listens on; %NULL when it
   * does not.
   *
   * Since: 1.0
   */
  properties[PROP_FULL_SERVER_NAME] =
    g_param_spec_string ("full-server-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalServer:server-error: (getter get_server_error)
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
   * QsLocalServer:error-string: (getter get_error_string)
   *
   * What the last error was, translated; %NULL before any error.
   *
   * Since: 1.0
   */
  properties[PROP_ERROR_STRING] =
    g_param_spec_string ("error-string", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalServer:max-pending-connections: (getter get_max_pending_connections) (setter set_max_pending_connections)
   *
   * How many accepted connections may wait to be taken; beyond that,
   * further ones wait in the kernel's backlog.
   *
   * Since: 1.0
   */
  properties[PROP_MAX_PENDING_CONNECTIONS] =
    g_param_spec_int ("max-pending-connections", NULL, NULL, 0, G_MAXINT, 30,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalServer:listen-backlog-size: (getter get_listen_backlog_size) (setter set_listen_backlog_size)
   *
   * The kernel backlog of the next [method@Qs.LocalServer.listen].
   *
   * Since: 1.0
   */
  properties[PROP_LISTEN_BACKLOG_SIZE] =
    g_param_spec_int ("listen-backlog-size", NULL, NULL, 0, G_MAXINT, 50,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsLocalServer:socket-options: (getter get_socket_options) (setter set_socket_options)
   *
   * Who may connect, and whether the name is in the abstract namespace;
   * applied at the next [method@Qs.LocalServer.listen].
   *
   * Since: 1.0
   */
  properties[PROP_SOCKET_OPTIONS] =
    g_param_spec_flags ("socket-options", NULL, NULL,
                        QS_TYPE_LOCAL_SERVER_SOCKET_OPTIONS,
                        QS_LOCAL_SERVER_SOCKET_OPTIONS_NO_OPTIONS,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * QsLocalServer::new-connection:
   * @self: the server
   *
   * A connection waits to be taken with
   * [method@Qs.LocalServer.next_pending_connection]. Qt: `newConnection()`.
   *
   * Since: 1.0
   */
  signals[SIGNAL_NEW_CONNECTION] =
    g_signal_new ("new-connection", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
qs_local_server_init (QsLocalServer *self)
{
  QsLocalServerPrivate *priv = get_priv (self);

  priv->context = g_main_context_ref_thread_default ();
  priv->server_error = QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
  priv->max_pending = 30;
  priv->backlog = 50;
  g_queue_init (&priv->pending);
}

/**
 * qs_local_server_new:
 *
 * Creates a server that does not listen yet; it serves the thread-default
 * main context of the thread that creates it. Qt: `QLocalServer()`.
 *
 * Returns: (transfer full): a new server
 *
 * Since: 1.0
 */
QsLocalServer *
qs_local_server_new (void)
{
  return g_object_new (QS_TYPE_LOCAL_SERVER, NULL);
}

/* Listening starts: the engine watches for connections. */
static void
start_listening (QsLocalServer *self,
                 const char    *name,
                 const char    *full_name)
{
  QsLocalServerPrivate *priv = get_priv (self);

  store_string (self, &priv->server_name, name, PROP_SERVER_NAME);
  store_string (self, &priv->full_server_name, full_name, PROP_FULL_SERVER_NAME);
  set_listening (self, TRUE);
  update_watch (self);
}

/* Qt's access options, as the socket file's permission bits. */
static void
apply_access (QsLocalServerPrivate *priv)
{
  mode_t mode = 0;

  if (priv->options & QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION)
    mode |= S_IRWXU;
  if (priv->options & QS_LOCAL_SERVER_SOCKET_OPTIONS_GROUP_ACCESS_OPTION)
    mode |= S_IRWXG;
  if (priv->options & QS_LOCAL_SERVER_SOCKET_OPTIONS_OTHER_ACCESS_OPTION)
    mode |= S_IRWXO;
  if (mode != 0)
    chmod (priv->full_server_name, mode);
}

/**
 * qs_local_server_listen:
 * @self: a server
 * @name: a name, a path, or an abstract name (with
 *   %QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION)
 *
 * Listens for connections. A path that exists already — another server's
 * socket or a stale file — fails with %QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR;
 * [func@Qs.LocalServer.remove_server] removes it. An empty name fails with
 * %QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR. Qt: `listen(const QString &)`.
 *
 * Returns: %TRUE when listening
 *
 * Since: 1.0
 */
gboolean
qs_local_server_listen (QsLocalServer *self,
                        const char    *name)
{
  QsLocalServerPrivate *priv;
  gboolean abstract;
  g_autofree char *full_name = NULL;
  int error_number = 0;

  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  priv = get_priv (self);
  if (priv->listening)
    {
      g_warning ("QsLocalServer::listen() called when already listening");
      return FALSE;
    }

  if (name[0] == '\0')
    {
      set_error_from_errno (self, listen_function, ENOENT);
      return FALSE;
    }

  abstract = (priv->options & QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION) != 0;
  full_name = _qs_local_full_server_name (name, abstract);
  priv->engine = _qs_socket_engine_new_unix (priv->context, on_engine_ready, self, &error_number);
  if (priv->engine == NULL)
    {
      set_error_from_errno (self, listen_function, error_number);
      return FALSE;
    }

  error_number = _qs_socket_engine_bind_unix (priv->engine, full_name, abstract);
  if (error_number == 0)
    {
      error_number = _qs_socket_engine_listen (priv->engine, priv->backlog);
      /* The file bind() made is ours: Qt's closeServer() removes it. */
      if (error_number != 0 && !abstract)
        unlink (full_name);
    }
  if (error_number != 0)
    {
      g_clear_pointer (&priv->engine, _qs_socket_engine_free);
      set_error_from_errno (self, listen_function, error_number);
      return FALSE;
    }

  start_listening (self, name, full_name);
  if (!abstract)
    apply_access (priv);
  return TRUE;
}

/**
 * qs_local_server_listen_on_descriptor:
 * @self: a server
 * @socket_descriptor: a listening Unix-domain stream socket; the server
 *   owns it on success
 *
 * Listens on a socket made elsewhere (systemd socket activation, say);
 * the names come from the address it is bound to. A descriptor that is
 * not a stream socket fails with
 * %QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR (Qt 6.4 accepts it
 * and fails later). Qt: `listen(qintptr)`.
 *
 * Returns: %TRUE when listening
 *
 * Since: 1.0
 */
gboolean
qs_local_server_listen_on_descriptor (QsLocalServer *self,
                                      int            socket_descriptor)
{
  QsLocalServerPrivate *priv;
  GSocket *socket;
  g_autofree char *full_name = NULL;
  g_autofree char *name = NULL;
  gboolean abstract = FALSE;

  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), FALSE);

  priv = get_priv (self);
  if (priv->listening)
    {
      g_warning ("QsLocalServer::listen() called when already listening");
      return FALSE;
    }

  socket = _qs_socket_fd_check (socket_descriptor, SOCK_STREAM) == 0
           ? g_socket_new_from_fd (socket_descriptor, NULL) : NULL;
  if (socket == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("%s: The socket operation is not supported"), listen_function);

      set_error (self, QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR, message);
      return FALSE;
    }

  priv->engine = _qs_socket_engine_new (socket, priv->context, on_engine_ready, self);
  full_name = _qs_socket_engine_get_unix_path (priv->engine, &abstract);
  if (full_name)
    name = abstract ? g_strdup (full_name) : g_path_get_basename (full_name);
  /* Qt adds the option, keeping the others. */
  if (abstract)
    qs_local_server_set_socket_options (self, priv->options |
                                        QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION);
  start_listening (self, name, full_name);
  return TRUE;
}

/**
 * qs_local_server_remove_server:
 * @name: a server name or path
 *
 * Removes the socket file a server left behind (one that crashed, say).
 * A file that does not exist counts as removed. Qt: `removeServer()`.
 *
 * Returns: %TRUE when no file of that name is left
 *
 * Since: 1.0
 */
gboolean
qs_local_server_remove_server (const char *name)
{
  g_autofree char *full_name = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  full_name = _qs_local_full_server_name (name, FALSE);
  return unlink (full_name) == 0 || errno == ENOENT;
}

/**
 * qs_local_server_close:
 * @self: a server
 *
 * Stops listening, drops the connections still waiting, removes the
 * socket file and forgets the names and the last error. Qt: `close()`.
 *
 * Since: 1.0
 */
void
qs_local_server_close (QsLocalServer *self)
{
  QsLocalServerPrivate *priv;

  g_return_if_fail (QS_IS_LOCAL_SERVER (self));

  priv = get_priv (self);
  if (!priv->listening)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  g_queue_clear_full (&priv->pending, g_object_unref);
  close_server (self);
  store_string (self, &priv->server_name, NULL, PROP_SERVER_NAME);
  store_string (self, &priv->full_server_name, NULL, PROP_FULL_SERVER_NAME);
  set_error (self, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR, NULL);
  set_listening (self, FALSE);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * qs_local_server_is_listening: (get-property listening)
 * @self: a server
 *
 * Qt: `isListening()`.
 *
 * Returns: whether the server listens
 *
 * Since: 1.0
 */
gboolean
qs_local_server_is_listening (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), FALSE);

  return get_priv (self)->listening;
}

/**
 * qs_local_server_get_server_name: (get-property server-name)
 * @self: a server
 *
 * Qt: `serverName()`.
 *
 * Returns: (transfer none) (nullable): the name listened on
 *
 * Since: 1.0
 */
const char *
qs_local_server_get_server_name (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), NULL);

  return get_priv (self)->server_name;
}

/**
 * qs_local_server_get_full_server_name: (get-property full-server-name)
 * @self: a server
 *
 * Qt: `fullServerName()`.
 *
 * Returns: (transfer none) (nullable): the path (or abstract name)
 *   listened on
 *
 * Since: 1.0
 */
const char *
qs_local_server_get_full_server_name (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), NULL);

  return get_priv (self)->full_server_name;
}

/**
 * qs_local_server_get_server_error: (get-property server-error)
 * @self: a server
 *
 * Qt: `serverError()`.
 *
 * Returns: the last error
 *
 * Since: 1.0
 */
QsSocketError
qs_local_server_get_server_error (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);

  return get_priv (self)->server_error;
}

/**
 * qs_local_server_get_error_string: (get-property error-string)
 * @self: a server
 *
 * Qt: `errorString()`.
 *
 * Returns: (transfer none) (nullable): the last error's message, %NULL
 *   before any error
 *
 * Since: 1.0
 */
const char *
qs_local_server_get_error_string (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), NULL);

  return get_priv (self)->error_string;
}

/**
 * qs_local_server_get_socket_descriptor:
 * @self: a server
 *
 * Qt: `socketDescriptor()`.
 *
 * Returns: the listening descriptor, -1 when not listening
 *
 * Since: 1.0
 */
int
qs_local_server_get_socket_descriptor (QsLocalServer *self)
{
  QsLocalServerPrivate *priv;

  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), -1);

  priv = get_priv (self);
  return priv->engine ? _qs_socket_engine_get_fd (priv->engine) : -1;
}

/**
 * qs_local_server_set_socket_options: (set-property socket-options)
 * @self: a server
 * @options: who may connect; the abstract namespace
 *
 * Applied at the next listen. Qt: `setSocketOptions()`.
 *
 * Since: 1.0
 */
void
qs_local_server_set_socket_options (QsLocalServer              *self,
                                    QsLocalServerSocketOptions  options)
{
  QsLocalServerPrivate *priv;

  g_return_if_fail (QS_IS_LOCAL_SERVER (self));

  priv = get_priv (self);
  if (priv->options == options)
    return;
  priv->options = options;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOCKET_OPTIONS]);
}

/**
 * qs_local_server_get_socket_options: (get-property socket-options)
 * @self: a server
 *
 * Qt: `socketOptions()`.
 *
 * Returns: the socket options
 *
 * Since: 1.0
 */
QsLocalServerSocketOptions
qs_local_server_get_socket_options (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), QS_LOCAL_SERVER_SOCKET_OPTIONS_NO_OPTIONS);

  return get_priv (self)->options;
}

static void
store_int (QsLocalServer *self,
           int           *field,
           int            value,
           int            prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/**
 * qs_local_server_set_listen_backlog_size: (set-property listen-backlog-size)
 * @self: a server
 * @size: the kernel backlog (Qt's default: 50)
 *
 * Takes effect at the next [method@Qs.LocalServer.listen].
 * Qt: `setListenBacklogSize()`.
 *
 * Since: 1.0
 */
void
qs_local_server_set_listen_backlog_size (QsLocalServer *self,
                                         int            size)
{
  g_return_if_fail (QS_IS_LOCAL_SERVER (self));
  g_return_if_fail (size >= 0);

  store_int (self, &get_priv (self)->backlog, size, PROP_LISTEN_BACKLOG_SIZE);
}

/**
 * qs_local_server_get_listen_backlog_size: (get-property listen-backlog-size)
 * @self: a server
 *
 * Qt: `listenBacklogSize()`.
 *
 * Returns: the backlog for the next listen
 *
 * Since: 1.0
 */
int
qs_local_server_get_listen_backlog_size (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), 0);

  return get_priv (self)->backlog;
}

/**
 * qs_local_server_set_max_pending_connections: (set-property max-pending-connections)
 * @self: a server
 * @num_connections: how many accepted connections may wait (Qt's default: 30)
 *
 * Qt: `setMaxPendingConnections()`.
 *
 * Since: 1.0
 */
void
qs_local_server_set_max_pending_connections (QsLocalServer *self,
                                             int            num_connections)
{
  g_return_if_fail (QS_IS_LOCAL_SERVER (self));
  g_return_if_fail (num_connections >= 0);

  store_int (self, &get_priv (self)->max_pending, num_connections, PROP_MAX_PENDING_CONNECTIONS);
  update_watch (self);
}

/**
 * qs_local_server_get_max_pending_connections: (get-property max-pending-connections)
 * @self: a server
 *
 * Qt: `maxPendingConnections()`.
 *
 * Returns: how many accepted connections may wait
 *
 * Since: 1.0
 */
int
qs_local_server_get_max_pending_connections (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), 0);

  return get_priv (self)->max_pending;
}

/**
 * qs_local_server_has_pending_connections: (virtual has_pending_connections)
 * @self: a server
 *
 * Qt: `hasPendingConnections()`.
 *
 * Returns: whether a connection waits to be taken
 *
 * Since: 1.0
 */
gboolean
qs_local_server_has_pending_connections (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), FALSE);

  return QS_LOCAL_SERVER_GET_CLASS (self)->has_pending_connections (self);
}

/**
 * qs_local_server_next_pending_connection: (virtual next_pending_connection)
 * @self: a server
 *
 * Takes the next waiting connection; it is connected and open for
 * reading and writing. Qt: `nextPendingConnection()`.
 *
 * Returns: (transfer full) (nullable): the connection, %NULL when none waits
 *
 * Since: 1.0
 */
QsLocalSocket *
qs_local_server_next_pending_connection (QsLocalServer *self)
{
  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), NULL);

  return QS_LOCAL_SERVER_GET_CLASS (self)->next_pending_connection (self);
}

/**
 * qs_local_server_wait_for_new_connection:
 * @self: a server
 * @msecs: the most milliseconds to wait, -1 for no limit (Qt's default: 0)
 * @timed_out: (out) (optional): set to whether the time ran out
 *
 * Blocks, without running a main loop, until a connection arrives, and
 * accepts it (emitting [signal@Qs.LocalServer::new-connection]). A time-out
 * sets no error, as in Qt. Qt: `waitForNewConnection()`.
 *
 * Returns: %TRUE when a connection arrived
 *
 * Since: 1.0
 */
gboolean
qs_local_server_wait_for_new_connection (QsLocalServer *self,
                                         int            msecs,
                                         gboolean      *timed_out)
{
  QsLocalServerPrivate *priv;

  g_return_val_if_fail (QS_IS_LOCAL_SERVER (self), FALSE);

  priv = get_priv (self);
  if (timed_out)
    *timed_out = FALSE;
  if (!priv->listening || priv->engine == NULL)
    return FALSE;

  if (_qs_socket_engine_poll (priv->engine, G_IO_IN, _qs_deadline_from_msecs (msecs)) == 0)
    {
      if (timed_out)
        *timed_out = TRUE;
      return FALSE;
    }

  accept_pending (self);
  return TRUE;
}
