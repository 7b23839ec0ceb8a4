/* qs-network-proxy.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsNetworkProxy: Qt's QNetworkProxy as a reference-counted boxed type,
 * and the application proxy, which sockets whose own proxy is
 * DEFAULT_PROXY use (see _qs_network_proxy_resolve()).
 */

#include "config.h"

#include <string.h>

#include "qs-network-proxy-private.h"

/**
 * QsNetworkProxy:
 *
 * Proxy settings: a type, the proxy's host name and port, and the
 * credentials to give it (Qt's `QNetworkProxy`).
 *
 * Give one to [method@Qs.AbstractSocket.set_proxy] to make a socket
 * connect through a SOCKS5 or HTTP proxy, or make it the application
 * proxy with [method@Qs.NetworkProxy.set_application_proxy]:
 *
 * ```c
 * g_autoptr(QsNetworkProxy) proxy =
 *   qs_network_proxy_new (QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY, "proxy.example", 1080,
 *                         "user", "password");
 * qs_abstract_socket_set_proxy (QS_ABSTRACT_SOCKET (socket), proxy);
 * ```
 *
 * A `QsNetworkProxy` is reference counted and mutable: a socket keeps a
 * reference to the one it is given, so use [method@Qs.NetworkProxy.copy]
 * for an independent value. The capabilities follow the type, as in Qt,
 * until [method@Qs.NetworkProxy.set_capabilities] is called.
 *
 * Since: 1.0
 */

struct _QsNetworkProxy
{
  gint                        ref_count;
  QsNetworkProxyType          type;
  guint16                     port;
  QsNetworkProxyCapabilities  capabilities;
  gboolean                    capabilities_set;
  char                       *host_name;    /* (owned) (nullable) */
  char                       *user;         /* (owned) (nullable) */
  char                       *password;     /* (owned) (nullable) */
  GPtrArray                  *header_names; /* (owned) (element-type utf8): in the order set */
  GPtrArray                  *header_values; /* (owned) (element-type GBytes): same indices */
};

G_DEFINE_BOXED_TYPE (QsNetworkProxy, qs_network_proxy,
                     qs_network_proxy_ref, qs_network_proxy_unref)

G_LOCK_DEFINE_STATIC (application_proxy);
static QsNetworkProxy *application_proxy; /* (owned) (nullable): NULL = NO_PROXY */

/* Qt's defaultCapabilitiesForType(). */
static QsNetworkProxyCapabilities
default_capabilities (QsNetworkProxyType type)
{
  switch (type)
    {
    case QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY:
      return 0x17;
    case QS_NETWORK_PROXY_TYPE_HTTP_PROXY:
      return 0x19;
    case QS_NETWORK_PROXY_TYPE_HTTP_CACHING_PROXY:
    case QS_NETWORK_PROXY_TYPE_FTP_CACHING_PROXY:
      return 0x18;
    case QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY:
    case QS_NETWORK_PROXY_TYPE_NO_PROXY:
    default:
      return 0x67;
    }
}

/* Qt keeps an unset string as a null QString: "" reads back as NULL. */
static void
store_string (char       **field,
              const char  *value)
{
  g_free (*field);
  *field = value && *value ? g_strdup (value) : NULL;
}

/**
 * qs_network_proxy_new:
 * @type: the kind of proxy
 * @host_name: (nullable): the proxy's host name or address
 * @port: the proxy's port
 * @user: (nullable): the user name to authenticate with
 * @password: (nullable): the password to authenticate with
 *
 * Makes proxy settings, with the capabilities of @type.
 *
 * Qt: `QNetworkProxy(ProxyType, const QString &, quint16, const QString &,
 * const QString &)`.
 *
 * Returns: (transfer full): new settings
 *
 * Since: 1.0
 */
QsNetworkProxy *
qs_network_proxy_new (QsNetworkProxyType  type,
                      const char         *host_name,
                      guint16             port,
                      const char         *user,
                      const char         *password)
{
  QsNetworkProxy *self = g_new0 (QsNetworkProxy, 1);

  g_atomic_int_set (&self->ref_count, 1);
  self->type = type;
  self->port = port;
  self->capabilities = default_capabilities (type);
  store_string (&self->host_name, host_name);
  store_string (&self->user, user);
  store_string (&self->password, password);
  self->header_names = g_ptr_array_new_with_free_func (g_free);
  self->header_values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  return self;
}

/**
 * qs_network_proxy_ref:
 * @self: proxy settings
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 *
 * Since: 1.0
 */
QsNetworkProxy *
qs_network_proxy_ref (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * qs_network_proxy_unref:
 * @self: (transfer full): proxy settings
 *
 * Drops a reference; the last one frees the settings.
 *
 * Since: 1.0
 */
void
qs_network_proxy_unref (QsNetworkProxy *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_free (self->host_name);
  g_free (self->user);
  g_free (self->password);
  g_ptr_array_unref (self->header_names);
  g_ptr_array_unref (self->header_values);
  g_free (self);
}

/**
 * qs_network_proxy_copy:
 * @self: proxy settings
 *
 * Makes independent settings equal to @self, raw headers included.
 *
 * Qt: `QNetworkProxy(const QNetworkProxy &)`.
 *
 * Returns: (transfer full): the copy
 *
 * Since: 1.0
 */
QsNetworkProxy *
qs_network_proxy_copy (QsNetworkProxy *self)
{
  QsNetworkProxy *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = qs_network_proxy_new (self->type, self->host_name, self->port, self->user, self->password);
  copy->capabilities = self->capabilities;
  copy->capabilities_set = self->capabilities_set;
  for (guint i = 0; i < self->header_names->len; i++)
    {
      g_ptr_array_add (copy->header_names, g_strdup (self->header_names->pdata[i]));
      g_ptr_array_add (copy->header_values, g_bytes_ref (self->header_values->pdata[i]));
    }
  return copy;
}

/**
 * qs_network_proxy_equal:
 * @self: proxy settings
 * @other: other proxy settings
 *
 * Compares the type, host name, port, user, password and capabilities
 * (not the raw headers), as Qt does.
 *
 * Qt: `QNetworkProxy::operator==()`.
 *
 * Returns: whether @self and @other are equal
 *
 * Since: 1.0
 */
gboolean
qs_network_proxy_equal (QsNetworkProxy *self,
                        QsNetworkProxy *other)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (other != NULL, FALSE);

  return self->type == other->type &&
         self->port == other->port &&
         self->capabilities == other->capabilities &&
         g_strcmp0 (self->host_name, other->host_name) == 0 &&
         g_strcmp0 (self->user, other->user) == 0 &&
         g_strcmp0 (self->password, other->password) == 0;
}

/**
 * qs_network_proxy_get_proxy_type:
 * @self: proxy settings
 *
 * The kind of proxy. Named `get_proxy_type` because `get_type` is the
 * `GType` getter.
 *
 * Qt: `QNetworkProxy::type()`.
 *
 * Returns: the type
 *
 * Since: 1.0
 */
QsNetworkProxyType
qs_network_proxy_get_proxy_type (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY);

  return self->type;
}

/**
 * qs_network_proxy_set_proxy_type:
 * @self: proxy settings
 * @type: the kind of proxy
 *
 * Sets the kind of proxy; the capabilities become @type's unless
 * [method@Qs.NetworkProxy.set_capabilities] was called, as in Qt.
 *
 * Qt: `QNetworkProxy::setType()`.
 *
 * Since: 1.0
 */
void
qs_network_proxy_set_proxy_type (QsNetworkProxy     *self,
                                 QsNetworkProxyType  type)
{
  g_return_if_fail (self != NULL);

  self->type = type;
  if (!self->capabilities_set)
    self->capabilities = default_capabilities (type);
}

/**
 * qs_network_proxy_get_host_name:
 * @self: proxy settings
 *
 * The proxy's host name or address.
 *
 * Qt: `QNetworkProxy::hostName()`.
 *
 * Returns: (transfer none) (nullable): the host name, `NULL` if unset
 *
 * Since: 1.0
 */
const char *
qs_network_proxy_get_host_name (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->host_name;
}

/**
 * qs_network_proxy_set_host_name:
 * @self: proxy settings
 * @host_name: (nullable): the proxy's host name or address
 *
 * Sets the proxy's host name.
 *
 * Qt: `QNetworkProxy::setHostName()`.
 *
 * Since: 1.0
 */
void
qs_network_proxy_set_host_name (QsNetworkProxy *self,
                                const char     *host_name)
{
  g_return_if_fail (self != NULL);

  store_string (&self->host_name, host_name);
}

/**
 * qs_network_proxy_get_port:
 * @self: proxy settings
 *
 * The proxy's port.
 *
 * Qt: `QNetworkProxy::port()`.
 *
 * Returns: the port
 *
 * Since: 1.0
 */
guint16
qs_network_proxy_get_port (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

/**
 * qs_network_proxy_set_port:
 * @self: proxy settings
 * @port: the proxy's port
 *
 * Sets the proxy's port.
 *
 * Qt: `QNetworkProxy::setPort()`.
 *
 * Since: 1.0
 */
void
qs_network_proxy_set_port (QsNetworkProxy *self,
                           guint16         port)
{
  g_return_if_fail (self != NULL);

  self->port = port;
}

/**
 * qs_network_proxy_get_user:
 * @self: proxy settings
 *
 * The user name given to the proxy.
 *
 * Qt: `QNetworkProxy::user()`.
 *
 * Returns: (transfer none) (nullable): the user name, `NULL` if unset
 *
 * Since: 1.0
 */
const char *
qs_network_proxy_get_user (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->user;
}

/**
 * qs_network_proxy_set_user:
 * @self: proxy settings
 * @user: (nullable): the user name
 *
 * Sets the user name given to the proxy.
 *
 * Qt: `QNetworkProxy::setUser()`.
 *
 * Since: 1.0
 */
void
qs_network_proxy_set_user (QsNetworkProxy *self,
                           const char     *user)
{
  g_return_if_fail (self != NULL);

  store_string (&self->user, user);
}

/**
 * qs_network_proxy_get_password:
 * @self: proxy settings
 *
 * The password given to the proxy.
 *
 * Qt: `QNetworkProxy::password()`.
 *
 * Returns: (transfer none) (nullable): the password, `NULL` if unset
 *
 * Since: 1.0
 */
const char *
qs_network_proxy_get_password (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->password;
}

/**
 * qs_network_proxy_set_password:
 * @self: proxy settings
 * @password: (nullable): the password
 *
 * Sets the password given to the proxy.
 *
 * Qt: `QNetworkProxy::setPassword()`.
 *
 * Since: 1.0
 */
void
qs_network_proxy_set_password (QsNetworkProxy *self,
                               const char     *password)
{
  g_return_if_fail (self != NULL);

  store_string (&self->password, password);
}

/**
 * qs_network_proxy_get_capabilities:
 * @self: proxy settings
 *
 * What the proxy can do.
 *
 * Qt: `QNetworkProxy::capabilities()`.
 *
 * Returns: the capabilities
 *
 * Since: 1.0
 */
QsNetworkProxyCapabilities
qs_network_proxy_get_capabilities (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->capabilities;
}

/**
 * qs_network_proxy_set_capabilities:
 * @self: proxy settings
 * @capabilities: what the proxy can do
 *
 * Sets the capabilities; from now on the type no longer changes them.
 * A socket uses a proxy only with
 * %QS_NETWORK_PROXY_CAPABILITIES_TUNNELING_CAPABILITY, and lets it
 * resolve host names only with
 * %QS_NETWORK_PROXY_CAPABILITIES_HOST_NAME_LOOKUP_CAPABILITY.
 *
 * Qt: `QNetworkProxy::setCapabilities()`.
 *
 * Since: 1.0
 */
void
qs_network_proxy_set_capabilities (QsNetworkProxy             *self,
                                   QsNetworkProxyCapabilities  capabilities)
{
  g_return_if_fail (self != NULL);

  self->capabilities = capabilities;
  self->capabilities_set = TRUE;
}

/**
 * qs_network_proxy_is_caching_proxy:
 * @self: proxy settings
 *
 * Whether the capabilities include
 * %QS_NETWORK_PROXY_CAPABILITIES_CACHING_CAPABILITY.
 *
 * Qt: `QNetworkProxy::isCachingProxy()`.
 *
 * Returns: whether the proxy caches
 *
 * Since: 1.0
 */
gboolean
qs_network_proxy_is_caching_proxy (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return (self->capabilities & QS_NETWORK_PROXY_CAPABILITIES_CACHING_CAPABILITY) != 0;
}

/**
 * qs_network_proxy_is_transparent_proxy:
 * @self: proxy settings
 *
 * Whether the capabilities include
 * %QS_NETWORK_PROXY_CAPABILITIES_TUNNELING_CAPABILITY.
 *
 * Qt: `QNetworkProxy::isTransparentProxy()`.
 *
 * Returns: whether the proxy tunnels
 *
 * Since: 1.0
 */
gboolean
qs_network_proxy_is_transparent_proxy (QsNetworkProxy *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return (self->capabilities & QS_NETWORK_PROXY_CAPABILITIES_TUNNELING_CAPABILITY) != 0;
}

/* The index of @name (compared without case, as HTTP does), or -1. */
static int
find_header (QsNetworkProxy *self,
             const char     *name)
{
  for (guint i = 0; i < self->header_names->len; i++)
    {
      if (g_ascii_strcasecmp (self->header_names->pdata[i], name) == 0)
        return (int) i;
    }
  return -1;
}

/**
 * qs_network_proxy_has_raw_header:
 * @self: proxy settings
 * @header_name: an HTTP header name (compared without case)
 *
 * Whether a header of that name is set. The raw headers are sent with
 * the `CONNECT` request of an %QS_NETWORK_PROXY_TYPE_HTTP_PROXY.
 *
 * Qt: `QNetworkProxy::hasRawHeader()`.
 *
 * Returns: whether the header is set
 *
 * Since: 1.0
 */
gboolean
qs_network_proxy_has_raw_header (QsNetworkProxy *self,
                                 const char     *header_name)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (header_name != NULL, FALSE);

  return find_header (self, header_name) >= 0;
}

/**
 * qs_network_proxy_get_raw_header:
 * @self: proxy settings
 * @header_name: an HTTP header name (compared without case)
 *
 * The value of a raw header.
 *
 * Qt: `QNetworkProxy::rawHeader()`.
 *
 * Returns: (transfer full) (nullable): the value, `NULL` if unset
 *
 * Since: 1.0
 */
GBytes *
qs_network_proxy_get_raw_header (QsNetworkProxy *self,
                                 const char     *header_name)
{
  int index;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (header_name != NULL, NULL);

  index = find_header (self, header_name);
  return index < 0 ? NULL : g_bytes_ref (self->header_values->pdata[index]);
}

/**
 * qs_network_proxy_set_raw_header:
 * @self: proxy settings
 * @header_name: an HTTP header name
 * @value: (nullable): its value; `NULL` removes the header
 *
 * Sets a header sent with the `CONNECT` request of an HTTP proxy, after
 * the request's own `Host`; a `User-Agent` replaces the request's
 * `Mozilla/5.0`. As in Qt, setting a header removes any of that name
 * (compared without case) and adds it again at the end, named as given.
 *
 * Qt: `QNetworkProxy::setRawHeader()`.
 *
 * Since: 1.0
 */
void
qs_network_proxy_set_raw_header (QsNetworkProxy *self,
                                 const char     *header_name,
                                 GBytes         *value)
{
  int index;

  g_return_if_fail (self != NULL);
  g_return_if_fail (header_name != NULL);

  index = find_header (self, header_name);
  if (index >= 0)
    {
      g_ptr_array_remove_index (self->header_names, index);
      g_ptr_array_remove_index (self->header_values, index);
    }
  if (value == NULL)
    return;
  g_ptr_array_add (self->header_names, g_strdup (header_name));
  g_ptr_array_add (self->header_values, g_bytes_ref (value));
}

/**
 * qs_network_proxy_get_raw_header_list:
 * @self: proxy settings
 *
 * The names of the raw headers, in the order they were last set.
 *
 * Qt: `QNetworkProxy::rawHeaderList()`.
 *
 * Returns: (transfer full) (array zero-terminated=1): the names
 *
 * Since: 1.0
 */
char **
qs_network_proxy_get_raw_header_list (QsNetworkProxy *self)
{
  GStrvBuilder *builder;
  char **names;

  g_return_val_if_fail (self != NULL, NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->header_names->len; i++)
    g_strv_builder_add (builder, self->header_names->pdata[i]);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

/**
 * qs_network_proxy_get_application_proxy:
 *
 * The proxy of every socket whose own proxy is
 * %QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY (the default). It is
 * %QS_NETWORK_PROXY_TYPE_NO_PROXY until set: qsock reads no system
 * settings. As in Qt, a connection to `localhost` or to a loopback
 * address does not use it.
 *
 * Qt: `QNetworkProxy::applicationProxy()`.
 *
 * Returns: (transfer full): a copy of the application proxy
 *
 * Since: 1.0
 */
QsNetworkProxy *
qs_network_proxy_get_application_proxy (void)
{
  QsNetworkProxy *proxy = NULL;

  G_LOCK (application_proxy);
  if (application_proxy)
    proxy = qs_network_proxy_copy (application_proxy);
  G_UNLOCK (application_proxy);
  return proxy ? proxy : qs_network_proxy_new (QS_NETWORK_PROXY_TYPE_NO_PROXY, NULL, 0, NULL, NULL);
}

/**
 * qs_network_proxy_set_application_proxy:
 * @network_proxy: (nullable): the proxy; `NULL` is
 *   %QS_NETWORK_PROXY_TYPE_NO_PROXY
 *
 * Sets the application proxy (a copy of @network_proxy is kept). Safe
 * to call from any thread; sockets read it when they start connecting.
 *
 * Qt: `QNetworkProxy::setApplicationProxy()`.
 *
 * Since: 1.0
 */
void
qs_network_proxy_set_application_proxy (QsNetworkProxy *network_proxy)
{
  QsNetworkProxy *copy = network_proxy ? qs_network_proxy_copy (network_proxy) : NULL;
  QsNetworkProxy *old;

  G_LOCK (application_proxy);
  old = application_proxy;
  application_proxy = copy;
  G_UNLOCK (application_proxy);
  if (old)
    qs_network_proxy_unref (old);
}

/* Qt's QGlobalNetworkProxy::proxyForQuery(): no application proxy for a
 * local destination. */
static gboolean
is_local_destination (const char *host_name)
{
  g_autoptr(GInetAddress) address = NULL;

  if (host_name == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host_name, "localhost") == 0 ||
      g_ascii_strncasecmp (host_name, "localhost.", strlen ("localhost.")) == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host_name);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

QsNetworkProxy *
_qs_network_proxy_resolve (QsNetworkProxy *socket_proxy,
                           const char     *host_name,
                           gboolean        datagram)
{
  g_autoptr(QsNetworkProxy) proxy = NULL;
  QsNetworkProxyCapabilities needed = datagram ? QS_NETWORK_PROXY_CAPABILITIES_UDP_TUNNELING_CAPABILITY
                                               : QS_NETWORK_PROXY_CAPABILITIES_TUNNELING_CAPABILITY;

  if (socket_proxy && socket_proxy->type != QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY)
    proxy = qs_network_proxy_copy (socket_proxy);
  else if (is_local_destination (host_name))
    proxy = qs_network_proxy_new (QS_NETWORK_PROXY_TYPE_NO_PROXY, NULL, 0, NULL, NULL);
  else
    {
      proxy = qs_network_proxy_get_application_proxy ();
      if (proxy->type == QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY)
        qs_network_proxy_set_proxy_type (proxy, QS_NETWORK_PROXY_TYPE_NO_PROXY);
    }

  if ((proxy->capabilities & needed) == 0)
    return NULL;
  return g_steal_pointer (&proxy);
}

gboolean
_qs_network_proxy_store (QsNetworkProxy **field,
                         QsNetworkProxy  *value)
{
  if (*field == value)
    return FALSE;
  if (value)
    qs_network_proxy_ref (value);
  g_clear_pointer (field, qs_network_proxy_unref);
  *field = value;
  return TRUE;
}

QsNetworkProxy *
_qs_network_proxy_dup (QsNetworkProxy *field)
{
  if (field)
    return qs_network_proxy_ref (field);
  return qs_network_proxy_new (QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY, NULL, 0, NULL, NULL);
}
