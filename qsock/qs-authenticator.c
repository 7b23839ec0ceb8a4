/* qs-authenticator.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsAuthenticator: Qt's QAuthenticator, the credentials a socket's
 * proxy-authentication-required handler fills in.
 */

#include "config.h"

#include "qs-authenticator.h"

/**
 * QsAuthenticator:
 *
 * The credentials a proxy asks for (Qt's `QAuthenticator`).
 *
 * [signal@Qs.AbstractSocket::proxy-authentication-required] hands one to
 * its handler, which fills in the user name and password before it
 * returns; the socket then authenticates again. A handler that leaves
 * both empty makes the connection fail with
 * %QS_SOCKET_ERROR_PROXY_AUTHENTICATION_REQUIRED_ERROR.
 *
 * ```c
 * static void
 * on_proxy_authentication_required (QsAbstractSocket *socket,
 *                                   QsNetworkProxy   *proxy,
 *                                   QsAuthenticator  *authenticator,
 *                                   gpointer          user_data)
 * {
 *   qs_authenticator_set_user (authenticator, "user");
 *   qs_authenticator_set_password (authenticator, "password");
 * }
 * ```
 *
 * An HTTP proxy's realm is in [property@Qs.Authenticator:realm] and in
 * the option `"realm"`.
 *
 * Since: 1.0
 */

struct _QsAuthenticator
{
  GObject     parent_instance;

  char       *user;     /* (owned) (nullable) */
  char       *password; /* (owned) (nullable) */
  char       *realm;    /* (owned) (nullable) */
  GHashTable *options;  /* (owned) utf8 → GVariant */
  gboolean    detached; /* Qt's d pointer exists: something was set */
};

G_DEFINE_FINAL_TYPE (QsAuthenticator, qs_authenticator, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USER,
  PROP_PASSWORD,
  PROP_REALM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Stores @value (NULL for "") and notifies on change. Any set makes the
 * authenticator non-null, as Qt's detach() does. */
static void
store_string (QsAuthenticator  *self,
              char            **field,
              const char       *value,
              guint             prop_id)
{
  self->detached = TRUE;
  if (value && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
qs_authenticator_finalize (GObject *object)
{
  QsAuthenticator *self = QS_AUTHENTICATOR (object);

  g_free (self->user);
  g_free (self->password);
  g_free (self->realm);
  g_hash_table_unref (self->options);

  G_OBJECT_CLASS (qs_authenticator_parent_class)->finalize (object);
}

static void
qs_authenticator_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  QsAuthenticator *self = QS_AUTHENTICATOR (object);

  switch (prop_id)
    {
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_PASSWORD:
      g_value_set_string (value, self->password);
      break;
    case PROP_REALM:
      g_value_set_string (value, self->realm);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_authenticator_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  QsAuthenticator *self = QS_AUTHENTICATOR (object);

  switch (prop_id)
    {
    case PROP_USER:
      qs_authenticator_set_user (self, g_value_get_string (value));
      break;
    case PROP_PASSWORD:
      qs_authenticator_set_password (self, g_value_get_string (value));
      break;
    case PROP_REALM:
      qs_authenticator_set_realm (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_authenticator_class_init (QsAuthenticatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = qs_authenticator_finalize;
  object_class->get_property = qs_authenticator_get_property;
  object_class->set_property = qs_authenticator_set_property;

  /**
   * QsAuthenticator:user: (getter get_user) (setter set_user)
   *
   * The user name.
   *
   * Since: 1.0
   */
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAuthenticator:password: (getter get_password) (setter set_password)
   *
   * The password.
   *
   * Since: 1.0
   */
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * QsAuthenticator:realm: (getter get_realm) (setter set_realm)
   *
   * The realm the proxy named (HTTP's `realm` parameter).
   *
   * Since: 1.0
   */
  properties[PROP_REALM] =
    g_param_spec_string ("realm", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
qs_authenticator_init (QsAuthenticator *self)
{
  self->options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
}

/**
 * qs_authenticator_new:
 *
 * Makes an empty (null) authenticator.
 *
 * Qt: `QAuthenticator()`.
 *
 * Returns: (transfer full): a new authenticator
 *
 * Since: 1.0
 */
QsAuthenticator *
qs_authenticator_new (void)
{
  return g_object_new (QS_TYPE_AUTHENTICATOR, NULL);
}

/**
 * qs_authenticator_get_user: (get-property user)
 * @self: an authenticator
 *
 * The user name.
 *
 * Qt: `QAuthenticator::user()`.
 *
 * Returns: (transfer none) (nullable): the user name, `NULL` if unset
 *
 * Since: 1.0
 */
const char *
qs_authenticator_get_user (QsAuthenticator *self)
{
  g_return_val_if_fail (QS_IS_AUTHENTICATOR (self), NULL);

  return self->user;
}

/**
 * qs_authenticator_set_user: (set-property user)
 * @self: an authenticator
 * @user: (nullable): the user name
 *
 * Sets the user name.
 *
 * Qt: `QAuthenticator::setUser()`.
 *
 * Since: 1.0
 */
void
qs_authenticator_set_user (QsAuthenticator *self,
                           const char      *user)
{
  g_return_if_fail (QS_IS_AUTHENTICATOR (self));

  store_string (self, &self->user, user, PROP_USER);
}

/**
 * qs_authenticator_get_password: (get-property password)
 * @self: an authenticator
 *
 * The password.
 *
 * Qt: `QAuthenticator::password()`.
 *
 * Returns: (transfer none) (nullable): the password, `NULL` if unset
 *
 * Since: 1.0
 */
const char *
qs_authenticator_get_password (QsAuthenticator *self)
{
  g_return_val_if_fail (QS_IS_AUTHENTICATOR (self), NULL);

  return self->password;
}

/**
 * qs_authenticator_set_password: (set-property password)
 * @self: an authenticator
 * @password: (nullable): the password
 *
 * Sets the password.
 *
 * Qt: `QAuthenticator::setPassword()`.
 *
 * Since: 1.0
 */
void
qs_authenticator_set_password (QsAuthenticator *self,
                               const char      *password)
{
  g_return_if_fail (QS_IS_AUTHENTICATOR (self));

  store_string (self, &self->password, password, PROP_PASSWORD);
}

/**
 * qs_authenticator_get_realm: (get-property realm)
 * @self: an authenticator
 *
 * The realm.
 *
 * Qt: `QAuthenticator::realm()`.
 *
 * Returns: (transfer none) (nullable): the realm, `NULL` if unset
 *
 * Since: 1.0
 */
const char *
qs_authenticator_get_realm (QsAuthenticator *self)
{
  g_return_val_if_fail (QS_IS_AUTHENTICATOR (self), NULL);

  return self->realm;
}

/**
 * qs_authenticator_set_realm: (set-property realm)
 * @self: an authenticator
 * @realm: (nullable): the realm
 *
 * Sets the realm.
 *
 * Qt: `QAuthenticator::setRealm()`.
 *
 * Since: 1.0
 */
void
qs_authenticator_set_realm (QsAuthenticator *self,
                            const char      *realm)
{
  g_return_if_fail (QS_IS_AUTHENTICATOR (self));

  store_string (self, &self->realm, realm, PROP_REALM);
}

/**
 * qs_authenticator_get_option:
 * @self: an authenticator
 * @opt: an option name
 *
 * The value of an option.
 *
 * Qt: `QAuthenticator::option()`.
 *
 * Returns: (transfer full) (nullable): the value, `NULL` if unset
 *
 * Since: 1.0
 */
GVariant *
qs_authenticator_get_option (QsAuthenticator *self,
                             const char      *opt)
{
  GVariant *value;

  g_return_val_if_fail (QS_IS_AUTHENTICATOR (self), NULL);
  g_return_val_if_fail (opt != NULL, NULL);

  value = g_hash_table_lookup (self->options, opt);
  return value ? g_variant_ref (value) : NULL;
}

/**
 * qs_authenticator_set_option:
 * @self: an authenticator
 * @opt: an option name
 * @value: (nullable): its value (a floating reference is sunk); `NULL`
 *   removes the option
 *
 * Sets an option.
 *
 * Qt: `QAuthenticator::setOption()`.
 *
 * Since: 1.0
 */
void
qs_authenticator_set_option (QsAuthenticator *self,
                             const char      *opt,
                             GVariant        *value)
{
  g_return_if_fail (QS_IS_AUTHENTICATOR (self));
  g_return_if_fail (opt != NULL);

  self->detached = TRUE;
  if (value == NULL)
    g_hash_table_remove (self->options, opt);
  else
    g_hash_table_insert (self->options, g_strdup (opt), g_variant_ref_sink (value));
}

/**
 * qs_authenticator_get_options:
 * @self: an authenticator
 *
 * Every option, as a dictionary.
 *
 * Qt: `QAuthenticator::options()`.
 *
 * Returns: (transfer full): an `a{sv}` variant
 *
 * Since: 1.0
 */
GVariant *
qs_authenticator_get_options (QsAuthenticator *self)
{
  GVariantBuilder builder;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (QS_IS_AUTHENTICATOR (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_hash_table_iter_init (&iter, self->options);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&builder, "{sv}", key, value);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/**
 * qs_authenticator_is_null:
 * @self: an authenticator
 *
 * Whether nothing was ever set: no user, password, realm or option.
 *
 * Qt: `QAuthenticator::isNull()`.
 *
 * Returns: whether the authenticator is null
 *
 * Since: 1.0
 */
gboolean
qs_authenticator_is_null (QsAuthenticator *self)
{
  g_return_val_if_fail (QS_IS_AUTHENTICATOR (self), TRUE);

  return !self->detached;
}
