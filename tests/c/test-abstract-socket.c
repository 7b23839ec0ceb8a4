/* test-abstract-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsAbstractSocket's behaviour that is not specific to TCP: the type
 * hierarchy, properties and their notify, the protected setters (which
 * notify but emit no Qt signal, as Qt), protocol tag, pause mode, the
 * virtual-method dispatch of the public calls, the error domain, and the
 * enum and flags types with Qt's numeric values.
 */

#include "config.h"

#include <string.h>

#include "qs-test-utils.h"

/* ---- a subclass that records every virtual call ----------------------------- */

#define TEST_TYPE_SOCKET (test_socket_get_type ())
G_DECLARE_FINAL_TYPE (TestSocket, test_socket, TEST, SOCKET, QsAbstractSocket)

struct _TestSocket
{
  QsAbstractSocket parent_instance;

  GString *calls;   /* (owned) */
};

G_DEFINE_TYPE (TestSocket, test_socket, QS_TYPE_ABSTRACT_SOCKET)

#define RECORD(self, ...) g_string_append_printf (TEST_SOCKET (self)->calls, __VA_ARGS__)

static void
test_socket_resume (QsAbstractSocket *self)
{
  RECORD (self, "resume ");
}

static gboolean
test_socket_bind (QsAbstractSocket *self,
                  GInetAddress     *address,
                  guint16           port,
                  QsBindFlags       mode)
{
  g_autofree char *text = address ? g_inet_address_to_string (address) : g_strdup ("NULL");

  RECORD (self, "bind(%s,%u,%d) ", text, port, mode);
  return TRUE;
}

static void
test_socket_connect_to_host (QsAbstractSocket       *self,
                             const char             *host_name,
                             guint16                 port,
                             QsOpenMode              mode,
                             QsNetworkLayerProtocol  protocol)
{
  RECORD (self, "connect_to_host(%s,%u,%d,%d) ", host_name, port, mode, protocol);
}

static void
test_socket_disconnect_from_host (QsAbstractSocket *self)
{
  RECORD (self, "disconnect_from_host ");
}

static void
test_socket_set_read_buffer_size (QsAbstractSocket *self,
                                  gint64            size)
{
  RECORD (self, "set_read_buffer_size(%" G_GINT64_FORMAT ") ", size);
  QS_ABSTRACT_SOCKET_CLASS (test_socket_parent_class)->set_read_buffer_size (self, size);
}

static int
test_socket_get_socket_descriptor (QsAbstractSocket *self)
{
  RECORD (self, "get_socket_descriptor ");
  return 1234;
}

static gboolean
test_socket_set_socket_descriptor (QsAbstractSocket *self,
                                   int               socket_descriptor,
                                   QsSocketState     state,
                                   QsOpenMode        open_mode)
{
  RECORD (self, "set_socket_descriptor(%d,%d,%d) ", socket_descriptor, state, open_mode);
  return FALSE;
}

static void
test_socket_set_socket_option (QsAbstractSocket *self,
                               QsSocketOption    option,
                               int               value)
{
  RECORD (self, "set_socket_option(%d,%d) ", option, value);
}

static int
test_socket_get_socket_option (QsAbstractSocket *self,
                               QsSocketOption    option)
{
  RECORD (self, "get_socket_option(%d) ", option);
  return 42;
}

static gboolean
test_socket_wait_for_connected (QsAbstractSocket *self,
                                int               msecs)
{
  RECORD (self, "wait_for_connected(%d) ", msecs);
  return TRUE;
}

static gboolean
test_socket_wait_for_disconnected (QsAbstractSocket *self,
                                   int               msecs)
{
  RECORD (self, "wait_for_disconnected(%d) ", msecs);
  return TRUE;
}

static gboolean
test_socket_wait_for_ready_read (QsIODevice *self,
                                 int         msecs)
{
  RECORD (self, "wait_for_ready_read(%d) ", msecs);
  return TRUE;
}

static gboolean
test_socket_wait_for_bytes_written (QsIODevice *self,
                                    int         msecs)
{
  RECORD (self, "wait_for_bytes_written(%d) ", msecs);
  return TRUE;
}

static void
test_socket_finalize (GObject *object)
{
  g_string_free (TEST_SOCKET (object)->calls, TRUE);
  G_OBJECT_CLASS (test_socket_parent_class)->finalize (object);
}

static void
test_socket_class_init (TestSocketClass *klass)
{
  QsAbstractSocketClass *socket_class = QS_ABSTRACT_SOCKET_CLASS (klass);
  QsIODeviceClass *device_class = QS_IO_DEVICE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_socket_finalize;
  socket_class->resume = test_socket_resume;
  socket_class->bind = test_socket_bind;
  socket_class->connect_to_host = test_socket_connect_to_host;
  socket_class->disconnect_from_host = test_socket_disconnect_from_host;
  socket_class->set_read_buffer_size = test_socket_set_read_buffer_size;
  socket_class->get_socket_descriptor = test_socket_get_socket_descriptor;
  socket_class->set_socket_descriptor = test_socket_set_socket_descriptor;
  socket_class->set_socket_option = test_socket_set_socket_option;
  socket_class->get_socket_option = test_socket_get_socket_option;
  socket_class->wait_for_connected = test_socket_wait_for_connected;
  socket_class->wait_for_disconnected = test_socket_wait_for_disconnected;
  device_class->wait_for_ready_read = test_socket_wait_for_ready_read;
  device_class->wait_for_bytes_written = test_socket_wait_for_bytes_written;
}

static void
test_socket_init (TestSocket *self)
{
  self->calls = g_string_new (NULL);
}

/* ---- fixture: a plain QsTcpSocket with its signals and notifies traced ---- */

typedef struct
{
  QsTcpSocket *socket;   /* (owned) */
  GString     *trace;    /* (owned) Qt signals */
  GString     *notify;   /* (owned) notify:: emissions */
} Fixture;

#define SOCK(f) QS_ABSTRACT_SOCKET ((f)->socket)
#define DEV(f) QS_IO_DEVICE ((f)->socket)

static void
on_any_notify (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
  GString *notify = user_data;

  g_string_append_printf (notify, "%s ", pspec->name);
}

static void
setup (Fixture      *f,
       gconstpointer data)
{
  f->trace = g_string_new (NULL);
  f->notify = g_string_new (NULL);
  f->socket = qs_tcp_socket_new ();
  qs_test_trace_socket (f->socket, f->trace);
  g_signal_connect (f->socket, "notify", G_CALLBACK (on_any_notify), f->notify);
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  g_signal_handlers_disconnect_by_data (f->socket, f->trace);
  g_signal_handlers_disconnect_by_data (f->socket, f->notify);
  g_clear_object (&f->socket);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
  g_string_free (f->notify, TRUE);
}

/* ---- types ------------------------------------------------------------------- */

static void
test_type_hierarchy (void)
{
  g_test_summary ("QsIODevice and QsAbstractSocket are abstract and derivable; "
                  "QsTcpSocket and QsTcpServer are instantiable and derivable");

  g_assert_true (G_TYPE_IS_ABSTRACT (QS_TYPE_IO_DEVICE));
  g_assert_true (G_TYPE_IS_DERIVABLE (QS_TYPE_IO_DEVICE));
  g_assert_true (g_type_parent (QS_TYPE_IO_DEVICE) == G_TYPE_OBJECT);

  g_assert_true (G_TYPE_IS_ABSTRACT (QS_TYPE_ABSTRACT_SOCKET));
  g_assert_true (G_TYPE_IS_DERIVABLE (QS_TYPE_ABSTRACT_SOCKET));
  g_assert_true (g_type_parent (QS_TYPE_ABSTRACT_SOCKET) == QS_TYPE_IO_DEVICE);

  g_assert_false (G_TYPE_IS_ABSTRACT (QS_TYPE_TCP_SOCKET));
  g_assert_true (G_TYPE_IS_DERIVABLE (QS_TYPE_TCP_SOCKET));
  g_assert_true (g_type_parent (QS_TYPE_TCP_SOCKET) == QS_TYPE_ABSTRACT_SOCKET);

  g_assert_false (G_TYPE_IS_ABSTRACT (QS_TYPE_TCP_SERVER));
  g_assert_true (G_TYPE_IS_DERIVABLE (QS_TYPE_TCP_SERVER));
  g_assert_true (g_type_parent (QS_TYPE_TCP_SERVER) == G_TYPE_OBJECT);

  g_assert_cmpstr (g_type_name (QS_TYPE_ABSTRACT_SOCKET), ==, "QsAbstractSocket");
  g_assert_cmpstr (g_type_name (QS_TYPE_TCP_SOCKET), ==, "QsTcpSocket");
  g_assert_cmpstr (g_type_name (QS_TYPE_TCP_SERVER), ==, "QsTcpServer");
  g_assert_cmpstr (g_type_name (QS_TYPE_IO_DEVICE), ==, "QsIODevice");
}

typedef struct
{
  const char  *name;
  GType      (*value_type) (void);
  gboolean     writable;
  gboolean     construct_only;
} PropertySpec;

static GType
type_inet_address (void)
{
  return G_TYPE_INET_ADDRESS;
}

static GType
type_uint (void)
{
  return G_TYPE_UINT;
}

static GType
type_string (void)
{
  return G_TYPE_STRING;
}

static GType
type_int64 (void)
{
  return G_TYPE_INT64;
}

static void
test_property_specs (void)
{
  static const PropertySpec specs[] = {
    { "socket-type", qs_socket_type_get_type, FALSE, TRUE },
    { "state", qs_socket_state_get_type, FALSE, FALSE },
    { "error", qs_socket_error_get_type, FALSE, FALSE },
    { "local-address", type_inet_address, FALSE, FALSE },
    { "local-port", type_uint, FALSE, FALSE },
    { "peer-address", type_inet_address, FALSE, FALSE },
    { "peer-port", type_uint, FALSE, FALSE },
    { "peer-name", type_string, FALSE, FALSE },
    { "read-buffer-size", type_int64, TRUE, FALSE },
    { "pause-mode", qs_pause_modes_get_type, TRUE, FALSE },
    { "protocol-tag", type_string, TRUE, FALSE },
    { "open-mode", qs_open_mode_get_type, FALSE, FALSE },
    { "error-string", type_string, FALSE, FALSE },
  };
  GObjectClass *klass = g_type_class_ref (QS_TYPE_ABSTRACT_SOCKET);

  g_test_summary ("Every readable state of QAbstractSocket is a property of the "
                  "right type and access");

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, specs[i].name);

      g_test_message ("property %s", specs[i].name);
      g_assert_nonnull (pspec);
      g_assert_true (pspec->value_type == specs[i].value_type ());
      g_assert_true (pspec->flags & G_PARAM_READABLE);
      if (specs[i].construct_only)
        g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
      else if (specs[i].writable)
        g_assert_true ((pspec->flags & G_PARAM_WRITABLE) &&
                       !(pspec->flags & (G_PARAM_CONSTRUCT | G_PARAM_CONSTRUCT_ONLY)));
      else
        g_assert_false (pspec->flags & G_PARAM_WRITABLE);
    }

  {
    GParamSpecUInt *port = G_PARAM_SPEC_UINT (g_object_class_find_property (klass, "peer-port"));
    g_assert_cmpuint (port->minimum, ==, 0);
    g_assert_cmpuint (port->maximum, ==, 65535);
    port = G_PARAM_SPEC_UINT (g_object_class_find_property (klass, "local-port"));
    g_assert_cmpuint (port->maximum, ==, 65535);
  }
  g_assert_cmpint (G_PARAM_SPEC_ENUM (g_object_class_find_property (klass, "state"))->default_value,
                   ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (G_PARAM_SPEC_ENUM (g_object_class_find_property (klass, "error"))->default_value,
                   ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpint (G_PARAM_SPEC_INT64 (g_object_class_find_property (klass, "read-buffer-size"))->default_value,
                   ==, 0);
  g_type_class_unref (klass);
}

typedef struct
{
  const char *name;
  GType     (*owner) (void);
  guint       n_params;
  GType     (*param) (void);
} SignalSpec;

static GType
type_none (void)
{
  return G_TYPE_NONE;
}

static void
test_signal_specs (void)
{
  static const SignalSpec specs[] = {
    { "host-found", qs_abstract_socket_get_type, 0, type_none },
    { "connected", qs_abstract_socket_get_type, 0, type_none },
    { "disconnected", qs_abstract_socket_get_type, 0, type_none },
    { "state-changed", qs_abstract_socket_get_type, 1, qs_socket_state_get_type },
    { "error-occurred", qs_abstract_socket_get_type, 1, qs_socket_error_get_type },
    { "ready-read", qs_io_device_get_type, 0, type_none },
    { "bytes-written", qs_io_device_get_type, 1, type_int64 },
    { "about-to-close", qs_io_device_get_type, 0, type_none },
    { "read-channel-finished", qs_io_device_get_type, 0, type_none },
  };

  gpointer klass = g_type_class_ref (QS_TYPE_TCP_SOCKET);

  g_test_summary ("Qt's signals, kebab-cased, RUN_LAST, void, with Qt's arguments "
                  "(enums as their GEnum type)");

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      GSignalQuery query;
      guint id = g_signal_lookup (specs[i].name, QS_TYPE_TCP_SOCKET);

      g_test_message ("signal %s", specs[i].name);
      g_assert_cmpuint (id, !=, 0);
      g_signal_query (id, &query);
      g_assert_true (query.itype == specs[i].owner ());
      g_assert_true (query.signal_flags & G_SIGNAL_RUN_LAST);
      g_assert_true (query.return_type == G_TYPE_NONE);
      g_assert_cmpuint (query.n_params, ==, specs[i].n_params);
      if (specs[i].n_params == 1)
        g_assert_true ((query.param_types[0] & ~G_SIGNAL_TYPE_STATIC_SCOPE) == specs[i].param ());
    }
  g_type_class_unref (klass);
}

/* ---- enums --------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  int         value;
  const char *nick;   /* NULL: not checked */
} EnumValueSpec;

static void
check_enum (GType                type,
            const EnumValueSpec *values,
            guint                n_values)
{
  GEnumClass *klass;

  g_test_message ("enum %s", g_type_name (type));
  g_assert_true (G_TYPE_IS_ENUM (type));
  klass = g_type_class_ref (type);
  g_assert_cmpuint (klass->n_values, ==, n_values);
  for (guint i = 0; i < n_values; i++)
    {
      GEnumValue *v = g_enum_get_value_by_name (klass, values[i].name);

      g_test_message ("  %s", values[i].name);
      g_assert_nonnull (v);
      g_assert_cmpint (v->value, ==, values[i].value);
      if (values[i].nick)
        g_assert_cmpstr (v->value_nick, ==, values[i].nick);
    }
  g_type_class_unref (klass);
}

static void
check_flags (GType                type,
             const EnumValueSpec *values,
             guint                n_values)
{
  GFlagsClass *klass;

  g_test_message ("flags %s", g_type_name (type));
  g_assert_true (G_TYPE_IS_FLAGS (type));
  klass = g_type_class_ref (type);
  g_assert_cmpuint (klass->n_values, ==, n_values);
  for (guint i = 0; i < n_values; i++)
    {
      GFlagsValue *v = g_flags_get_value_by_name (klass, values[i].name);

      g_test_message ("  %s", values[i].name);
      g_assert_nonnull (v);
      g_assert_cmpuint (v->value, ==, (guint) values[i].value);
    }
  g_type_class_unref (klass);
}

static void
test_enums (void)
{
  static const EnumValueSpec socket_type[] = {
    { "QS_SOCKET_TYPE_TCP_SOCKET", 0, NULL },
    { "QS_SOCKET_TYPE_UDP_SOCKET", 1, NULL },
    { "QS_SOCKET_TYPE_SCTP_SOCKET", 2, NULL },
    { "QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE", -1, NULL },
  };
  static const EnumValueSpec protocol[] = {
    { "QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL", 0, NULL },
    { "QS_NETWORK_LAYER_PROTOCOL_IPV6_PROTOCOL", 1, NULL },
    { "QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL", 2, NULL },
    { "QS_NETWORK_LAYER_PROTOCOL_UNKNOWN_NETWORK_LAYER_PROTOCOL", -1, NULL },
  };
  static const EnumValueSpec socket_error[] = {
    { "QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR", 0, "connection-refused-error" },
    { "QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR", 1, "remote-host-closed-error" },
    { "QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR", 2, "host-not-found-error" },
    { "QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR", 3, NULL },
    { "QS_SOCKET_ERROR_SOCKET_RESOURCE_ERROR", 4, NULL },
    { "QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR", 5, "socket-timeout-error" },
    { "QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR", 6, NULL },
    { "QS_SOCKET_ERROR_NETWORK_ERROR", 7, NULL },
    { "QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR", 8, "address-in-use-error" },
    { "QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR", 9, NULL },
    { "QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR", 10, NULL },
    { "QS_SOCKET_ERROR_UNFINISHED_SOCKET_OPERATION_ERROR", 11, NULL },
    { "QS_SOCKET_ERROR_PROXY_AUTHENTICATION_REQUIRED_ERROR", 12, NULL },
    { "QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR", 13, NULL },
    { "QS_SOCKET_ERROR_PROXY_CONNECTION_REFUSED_ERROR", 14, NULL },
    { "QS_SOCKET_ERROR_PROXY_CONNECTION_CLOSED_ERROR", 15, NULL },
    { "QS_SOCKET_ERROR_PROXY_CONNECTION_TIMEOUT_ERROR", 16, NULL },
    { "QS_SOCKET_ERROR_PROXY_NOT_FOUND_ERROR", 17, NULL },
    { "QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR", 18, NULL },
    { "QS_SOCKET_ERROR_OPERATION_ERROR", 19, "operation-error" },
    { "QS_SOCKET_ERROR_SSL_INTERNAL_ERROR", 20, NULL },
    { "QS_SOCKET_ERROR_SSL_INVALID_USER_DATA_ERROR", 21, NULL },
    { "QS_SOCKET_ERROR_TEMPORARY_ERROR", 22, NULL },
    { "QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR", -1, "unknown-socket-error" },
  };
  static const EnumValueSpec socket_state[] = {
    { "QS_SOCKET_STATE_UNCONNECTED_STATE", 0, "unconnected-state" },
    { "QS_SOCKET_STATE_HOST_LOOKUP_STATE", 1, "host-lookup-state" },
    { "QS_SOCKET_STATE_CONNECTING_STATE", 2, "connecting-state" },
    { "QS_SOCKET_STATE_CONNECTED_STATE", 3, "connected-state" },
    { "QS_SOCKET_STATE_BOUND_STATE", 4, "bound-state" },
    { "QS_SOCKET_STATE_LISTENING_STATE", 5, "listening-state" },
    { "QS_SOCKET_STATE_CLOSING_STATE", 6, "closing-state" },
  };
  static const EnumValueSpec socket_option[] = {
    { "QS_SOCKET_OPTION_LOW_DELAY_OPTION", 0, NULL },
    { "QS_SOCKET_OPTION_KEEP_ALIVE_OPTION", 1, NULL },
    { "QS_SOCKET_OPTION_MULTICAST_TTL_OPTION", 2, NULL },
    { "QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION", 3, NULL },
    { "QS_SOCKET_OPTION_TYPE_OF_SERVICE_OPTION", 4, NULL },
    { "QS_SOCKET_OPTION_SEND_BUFFER_SIZE_SOCKET_OPTION", 5, NULL },
    { "QS_SOCKET_OPTION_RECEIVE_BUFFER_SIZE_SOCKET_OPTION", 6, NULL },
    { "QS_SOCKET_OPTION_PATH_MTU_SOCKET_OPTION", 7, NULL },
  };
  static const EnumValueSpec bind_flags[] = {
    { "QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM", 0x0, NULL },
    { "QS_BIND_FLAGS_SHARE_ADDRESS", 0x1, NULL },
    { "QS_BIND_FLAGS_DONT_SHARE_ADDRESS", 0x2, NULL },
    { "QS_BIND_FLAGS_REUSE_ADDRESS_HINT", 0x4, NULL },
  };
  static const EnumValueSpec pause_modes[] = {
    { "QS_PAUSE_MODES_PAUSE_NEVER", 0x0, NULL },
    { "QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS", 0x1, NULL },
  };
  static const EnumValueSpec open_mode[] = {
    { "QS_OPEN_MODE_NOT_OPEN", 0x0, NULL },
    { "QS_OPEN_MODE_READ_ONLY", 0x1, NULL },
    { "QS_OPEN_MODE_WRITE_ONLY", 0x2, NULL },
    { "QS_OPEN_MODE_READ_WRITE", 0x3, NULL },
    { "QS_OPEN_MODE_APPEND", 0x4, NULL },
    { "QS_OPEN_MODE_TRUNCATE", 0x8, NULL },
    { "QS_OPEN_MODE_TEXT", 0x10, NULL },
    { "QS_OPEN_MODE_UNBUFFERED", 0x20, NULL },
    { "QS_OPEN_MODE_NEW_ONLY", 0x40, NULL },
    { "QS_OPEN_MODE_EXISTING_ONLY", 0x80, NULL },
  };

  g_test_summary ("Enums are GEnums and QFlags are GFlags, registered with "
                  "Qt 6.4's numeric values");

  check_enum (QS_TYPE_SOCKET_TYPE, socket_type, G_N_ELEMENTS (socket_type));
  check_enum (QS_TYPE_NETWORK_LAYER_PROTOCOL, protocol, G_N_ELEMENTS (protocol));
  check_enum (QS_TYPE_SOCKET_ERROR, socket_error, G_N_ELEMENTS (socket_error));
  check_enum (QS_TYPE_SOCKET_STATE, socket_state, G_N_ELEMENTS (socket_state));
  check_enum (QS_TYPE_SOCKET_OPTION, socket_option, G_N_ELEMENTS (socket_option));
  check_flags (QS_TYPE_BIND_FLAGS, bind_flags, G_N_ELEMENTS (bind_flags));
  check_flags (QS_TYPE_PAUSE_MODES, pause_modes, G_N_ELEMENTS (pause_modes));
  check_flags (QS_TYPE_OPEN_MODE, open_mode, G_N_ELEMENTS (open_mode));

  g_assert_cmpstr (g_type_name (QS_TYPE_SOCKET_ERROR), ==, "QsSocketError");
  g_assert_cmpstr (g_type_name (QS_TYPE_SOCKET_STATE), ==, "QsSocketState");
  g_assert_cmpstr (g_type_name (QS_TYPE_BIND_FLAGS), ==, "QsBindFlags");
  g_assert_cmpstr (g_type_name (QS_TYPE_PAUSE_MODES), ==, "QsPauseModes");
  g_assert_cmpstr (g_type_name (QS_TYPE_OPEN_MODE), ==, "QsOpenMode");
}

static void
test_error_domain (void)
{
  g_autoptr(GError) error = NULL;

  g_test_summary ("QS_SOCKET_ERROR is the quark \"qs-socket-error-quark\"; its "
                  "codes are QsSocketError values");

  g_assert_cmpuint (QS_SOCKET_ERROR, !=, 0);
  g_assert_cmpuint (QS_SOCKET_ERROR, ==, qs_socket_error_quark ());
  g_assert_cmpstr (g_quark_to_string (QS_SOCKET_ERROR), ==, "qs-socket-error-quark");
  error = g_error_new_literal (QS_SOCKET_ERROR, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR,
                               "Connection refused");
  g_assert_error (error, QS_SOCKET_ERROR, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR);
}

/* ---- the socket-type construct property ------------------------------------------ */

static void
test_socket_type (void)
{
  g_autoptr(QsAbstractSocket) udp = NULL;
  g_autoptr(QsAbstractSocket) unknown = NULL;
  g_autoptr(QsTcpSocket) tcp = qs_tcp_socket_new ();
  QsSocketType type = QS_SOCKET_TYPE_SCTP_SOCKET;

  g_test_summary ("socket-type is the subclass's construct-only choice (Qt's "
                  "constructor argument); QsTcpSocket is TcpSocket");

  udp = g_object_new (TEST_TYPE_SOCKET, "socket-type", QS_SOCKET_TYPE_UDP_SOCKET, NULL);
  g_assert_cmpint (qs_abstract_socket_get_socket_type (udp), ==, QS_SOCKET_TYPE_UDP_SOCKET);
  g_object_get (udp, "socket-type", &type, NULL);
  g_assert_cmpint (type, ==, QS_SOCKET_TYPE_UDP_SOCKET);

  unknown = g_object_new (TEST_TYPE_SOCKET, NULL);
  g_assert_cmpint (qs_abstract_socket_get_socket_type (unknown), ==, QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE);

  g_assert_cmpint (qs_abstract_socket_get_socket_type (QS_ABSTRACT_SOCKET (tcp)), ==,
                   QS_SOCKET_TYPE_TCP_SOCKET);
}

/* ---- protected setters: notify, but no Qt signal ------------------------------------ */

static void
test_set_socket_state (Fixture      *f,
                       gconstpointer data)
{
  QsSocketState state = QS_SOCKET_STATE_UNCONNECTED_STATE;

  g_test_summary ("setSocketState changes the state and notifies, but emits no "
                  "stateChanged (as Qt); the same value again notifies nothing");

  qs_abstract_socket_set_socket_state (SOCK (f), QS_SOCKET_STATE_CONNECTING_STATE);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTING_STATE);
  g_object_get (f->socket, "state", &state, NULL);
  g_assert_cmpint (state, ==, QS_SOCKET_STATE_CONNECTING_STATE);
  g_assert_cmpstr (f->notify->str, ==, "state ");
  g_assert_cmpstr (f->trace->str, ==, "");

  qs_abstract_socket_set_socket_state (SOCK (f), QS_SOCKET_STATE_CONNECTING_STATE);
  g_assert_cmpstr (f->notify->str, ==, "state ");

  qs_abstract_socket_set_socket_state (SOCK (f), QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpstr (f->notify->str, ==, "state state ");
  g_assert_cmpstr (f->trace->str, ==, "");
}

static void
test_set_socket_error (Fixture      *f,
                       gconstpointer data)
{
  QsSocketError error = QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;

  g_test_summary ("setSocketError changes the error and notifies, but emits no "
                  "errorOccurred (as Qt)");

  qs_abstract_socket_set_socket_error (SOCK (f), QS_SOCKET_ERROR_NETWORK_ERROR);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_NETWORK_ERROR);
  g_object_get (f->socket, "error", &error, NULL);
  g_assert_cmpint (error, ==, QS_SOCKET_ERROR_NETWORK_ERROR);
  g_assert_cmpstr (f->notify->str, ==, "error ");
  g_assert_cmpstr (f->trace->str, ==, "");

  qs_abstract_socket_set_socket_error (SOCK (f), QS_SOCKET_ERROR_NETWORK_ERROR);
  g_assert_cmpstr (f->notify->str, ==, "error ");
  g_assert_cmpstr (f->trace->str, ==, "");
}

static void
test_set_ports_and_addresses (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GInetAddress) same = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GInetAddress) got = NULL;
  g_autoptr(GInetAddress) prop = NULL;
  guint port = 0;

  g_test_summary ("setLocalPort/Address and setPeerPort/Address store the value "
                  "and notify on real change only; addresses are returned as new refs");

  qs_abstract_socket_set_local_port (SOCK (f), 1234);
  qs_abstract_socket_set_local_port (SOCK (f), 1234);
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), ==, 1234);
  g_assert_cmpstr (f->notify->str, ==, "local-port ");

  qs_abstract_socket_set_peer_port (SOCK (f), 80);
  qs_abstract_socket_set_peer_port (SOCK (f), 80);
  g_assert_cmpuint (qs_abstract_socket_get_peer_port (SOCK (f)), ==, 80);
  g_object_get (f->socket, "peer-port", &port, NULL);
  g_assert_cmpuint (port, ==, 80);
  g_assert_cmpstr (f->notify->str, ==, "local-port peer-port ");
  g_string_truncate (f->notify, 0);

  qs_abstract_socket_set_peer_address (SOCK (f), loopback);
  got = qs_abstract_socket_get_peer_address (SOCK (f));
  g_assert_nonnull (got);
  g_assert_true (g_inet_address_equal (got, loopback));
  g_object_get (f->socket, "peer-address", &prop, NULL);
  g_assert_true (g_inet_address_equal (prop, loopback));
  qs_abstract_socket_set_peer_address (SOCK (f), same);   /* equal value */
  g_assert_cmpstr (f->notify->str, ==, "peer-address ");
  qs_abstract_socket_set_peer_address (SOCK (f), NULL);
  g_assert_null (qs_abstract_socket_get_peer_address (SOCK (f)));
  g_assert_cmpstr (f->notify->str, ==, "peer-address peer-address ");
  g_string_truncate (f->notify, 0);

  qs_abstract_socket_set_local_address (SOCK (f), loopback);
  g_clear_object (&got);
  got = qs_abstract_socket_get_local_address (SOCK (f));
  g_assert_true (g_inet_address_equal (got, loopback));
  qs_abstract_socket_set_local_address (SOCK (f), same);
  g_assert_cmpstr (f->notify->str, ==, "local-address ");
  qs_abstract_socket_set_local_address (SOCK (f), NULL);
  g_assert_null (qs_abstract_socket_get_local_address (SOCK (f)));
  g_assert_cmpstr (f->notify->str, ==, "local-address local-address ");
  g_assert_cmpstr (f->trace->str, ==, "");
}

static void
test_set_peer_name (Fixture      *f,
                    gconstpointer data)
{
  g_autofree char *prop = NULL;

  g_test_summary ("setPeerName stores the name (NULL = Qt's empty string) and "
                  "notifies on real change only");

  qs_abstract_socket_set_peer_name (SOCK (f), "example.org");
  g_assert_cmpstr (qs_abstract_socket_get_peer_name (SOCK (f)), ==, "example.org");
  g_object_get (f->socket, "peer-name", &prop, NULL);
  g_assert_cmpstr (prop, ==, "example.org");
  qs_abstract_socket_set_peer_name (SOCK (f), "example.org");
  g_assert_cmpstr (f->notify->str, ==, "peer-name ");
  qs_abstract_socket_set_peer_name (SOCK (f), NULL);
  g_assert_null (qs_abstract_socket_get_peer_name (SOCK (f)));
  g_assert_cmpstr (f->notify->str, ==, "peer-name peer-name ");
  g_assert_cmpstr (f->trace->str, ==, "");
}

/* ---- public read/write properties ----------------------------------------------------- */

static void
test_protocol_tag (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *prop = NULL;

  g_test_summary ("protocolTag: NULL by default, stored as given, notify on change only");

  g_assert_null (qs_abstract_socket_get_protocol_tag (SOCK (f)));
  qs_abstract_socket_set_protocol_tag (SOCK (f), "irc");
  g_assert_cmpstr (qs_abstract_socket_get_protocol_tag (SOCK (f)), ==, "irc");
  qs_abstract_socket_set_protocol_tag (SOCK (f), "irc");
  g_assert_cmpstr (f->notify->str, ==, "protocol-tag ");

  g_object_set (f->socket, "protocol-tag", "http", NULL);
  g_object_get (f->socket, "protocol-tag", &prop, NULL);
  g_assert_cmpstr (prop, ==, "http");
  g_assert_cmpstr (f->notify->str, ==, "protocol-tag protocol-tag ");

  qs_abstract_socket_set_protocol_tag (SOCK (f), NULL);
  g_assert_null (qs_abstract_socket_get_protocol_tag (SOCK (f)));
  g_assert_cmpstr (f->notify->str, ==, "protocol-tag protocol-tag protocol-tag ");
  g_assert_cmpstr (f->trace->str, ==, "");
}

static void
test_pause_mode (Fixture      *f,
                 gconstpointer data)
{
  QsPauseModes mode = QS_PAUSE_MODES_PAUSE_NEVER;

  g_test_summary ("pauseMode: PauseNever by default; setPauseMode stores, "
                  "notifies on change only");

  g_assert_cmpint (qs_abstract_socket_get_pause_mode (SOCK (f)), ==, QS_PAUSE_MODES_PAUSE_NEVER);
  qs_abstract_socket_set_pause_mode (SOCK (f), QS_PAUSE_MODES_PAUSE_NEVER);
  g_assert_cmpstr (f->notify->str, ==, "");
  qs_abstract_socket_set_pause_mode (SOCK (f), QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS);
  g_assert_cmpint (qs_abstract_socket_get_pause_mode (SOCK (f)), ==, QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS);
  g_object_get (f->socket, "pause-mode", &mode, NULL);
  g_assert_cmpint (mode, ==, QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS);
  qs_abstract_socket_set_pause_mode (SOCK (f), QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS);
  g_assert_cmpstr (f->notify->str, ==, "pause-mode ");
  g_object_set (f->socket, "pause-mode", QS_PAUSE_MODES_PAUSE_NEVER, NULL);
  g_assert_cmpint (qs_abstract_socket_get_pause_mode (SOCK (f)), ==, QS_PAUSE_MODES_PAUSE_NEVER);
  g_assert_cmpstr (f->notify->str, ==, "pause-mode pause-mode ");
}

static void
test_read_buffer_size_property (Fixture      *f,
                                gconstpointer data)
{
  gint64 size = -1;

  g_test_summary ("read-buffer-size: 0 by default; setter and property agree; "
                  "notify on change only");

  g_assert_cmpint (qs_abstract_socket_get_read_buffer_size (SOCK (f)), ==, 0);
  qs_abstract_socket_set_read_buffer_size (SOCK (f), 0);
  g_assert_cmpstr (f->notify->str, ==, "");
  qs_abstract_socket_set_read_buffer_size (SOCK (f), 4096);
  qs_abstract_socket_set_read_buffer_size (SOCK (f), 4096);
  g_assert_cmpstr (f->notify->str, ==, "read-buffer-size ");
  g_object_set (f->socket, "read-buffer-size", (gint64) 16, NULL);
  g_object_get (f->socket, "read-buffer-size", &size, NULL);
  g_assert_cmpint (size, ==, 16);
  g_assert_cmpint (qs_abstract_socket_get_read_buffer_size (SOCK (f)), ==, 16);
  g_assert_cmpstr (f->notify->str, ==, "read-buffer-size read-buffer-size ");
}

/* ---- virtual-method dispatch -------------------------------------------------------- */

static void
test_vfunc_dispatch (void)
{
  g_autoptr(TestSocket) socket = g_object_new (TEST_TYPE_SOCKET, NULL);
  g_autoptr(GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);
  QsAbstractSocket *s = QS_ABSTRACT_SOCKET (socket);
  QsIODevice *d = QS_IO_DEVICE (socket);
  g_autofree char *expected = NULL;

  g_test_summary ("The public calls dispatch through the class structure, so "
                  "subclasses can override them (Qt's virtuals)");

  qs_abstract_socket_connect_to_host (s, "example.org", 443, QS_OPEN_MODE_READ_ONLY,
                                      QS_NETWORK_LAYER_PROTOCOL_IPV6_PROTOCOL);
  qs_abstract_socket_disconnect_from_host (s);
  g_assert_true (qs_abstract_socket_bind (s, loopback, 7, QS_BIND_FLAGS_SHARE_ADDRESS));
  qs_abstract_socket_set_read_buffer_size (s, 99);
  g_object_set (socket, "read-buffer-size", (gint64) 100, NULL);
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (s), ==, 1234);
  g_assert_false (qs_abstract_socket_set_socket_descriptor (s, 5, QS_SOCKET_STATE_BOUND_STATE,
                                                            QS_OPEN_MODE_WRITE_ONLY));
  qs_abstract_socket_set_socket_option (s, QS_SOCKET_OPTION_KEEP_ALIVE_OPTION, 1);
  g_assert_cmpint (qs_abstract_socket_get_socket_option (s, QS_SOCKET_OPTION_LOW_DELAY_OPTION), ==, 42);
  g_assert_true (qs_abstract_socket_wait_for_connected (s, 11));
  g_assert_true (qs_abstract_socket_wait_for_disconnected (s, 12));
  qs_abstract_socket_resume (s);
  g_assert_true (qs_io_device_wait_for_ready_read (d, 13));
  g_assert_true (qs_io_device_wait_for_bytes_written (d, 14));

  expected = g_strdup_printf ("connect_to_host(example.org,443,%d,%d) "
                              "disconnect_from_host "
                              "bind(127.0.0.1,7,%d) "
                              "set_read_buffer_size(99) "
                              "set_read_buffer_size(100) "
                              "get_socket_descriptor "
                              "set_socket_descriptor(5,%d,%d) "
                              "set_socket_option(%d,1) "
                              "get_socket_option(%d) "
                              "wait_for_connected(11) "
                              "wait_for_disconnected(12) "
                              "resume "
                              "wait_for_ready_read(13) "
                              "wait_for_bytes_written(14) ",
                              QS_OPEN_MODE_READ_ONLY, QS_NETWORK_LAYER_PROTOCOL_IPV6_PROTOCOL,
                              QS_BIND_FLAGS_SHARE_ADDRESS,
                              QS_SOCKET_STATE_BOUND_STATE, QS_OPEN_MODE_WRITE_ONLY,
                              QS_SOCKET_OPTION_KEEP_ALIVE_OPTION,
                              QS_SOCKET_OPTION_LOW_DELAY_OPTION);
  g_assert_cmpstr (socket->calls->str, ==, expected);
  g_assert_cmpint (qs_abstract_socket_get_read_buffer_size (s), ==, 100);
}

static void
test_connect_to_address_dispatch (void)
{
  g_autoptr(TestSocket) socket = g_object_new (TEST_TYPE_SOCKET, NULL);
  g_autoptr(GInetAddress) v4 = g_inet_address_new_from_string ("192.0.2.1");
  g_autoptr(GInetAddress) v6 = g_inet_address_new_from_string ("2001:db8::1");
  g_autofree char *expected = NULL;

  g_test_summary ("connectToHost(QHostAddress) calls the connect_to_host virtual "
                  "with the address in text form and AnyIPProtocol (as Qt)");

  qs_abstract_socket_connect_to_address (QS_ABSTRACT_SOCKET (socket), v4, 80, QS_OPEN_MODE_READ_WRITE);
  qs_abstract_socket_connect_to_address (QS_ABSTRACT_SOCKET (socket), v6, 81, QS_OPEN_MODE_WRITE_ONLY);
  expected = g_strdup_printf ("connect_to_host(192.0.2.1,80,%d,%d) connect_to_host(2001:db8::1,81,%d,%d) ",
                              QS_OPEN_MODE_READ_WRITE, QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL,
                              QS_OPEN_MODE_WRITE_ONLY, QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_cmpstr (socket->calls->str, ==, expected);
}

/* ---- calls on an unconnected socket ------------------------------------------------- */

static void
test_unconnected_calls (Fixture      *f,
                        gconstpointer data)
{
  gint64 start;

  g_test_summary ("On a fresh socket: waitForConnected FALSE at once, "
                  "disconnectFromHost and abort do nothing, flush FALSE; nothing set");

  start = g_get_monotonic_time ();
  g_assert_false (qs_abstract_socket_wait_for_connected (SOCK (f), 3000));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1000 * 1000);
  qs_abstract_socket_disconnect_from_host (SOCK (f));
  qs_abstract_socket_abort (SOCK (f));
  g_assert_false (qs_abstract_socket_flush (SOCK (f)));
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unknown error");
  g_assert_false (qs_io_device_is_open (DEV (f)));
  g_assert_cmpstr (f->trace->str, ==, "");
  g_assert_cmpstr (f->notify->str, ==, "");
}

static void
test_bind_any (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GInetAddress) local = NULL;
  g_autofree char *text = NULL;

  g_test_summary ("bind(Any, 0): BoundState, a system-chosen port, local address "
                  "0.0.0.0 (QHostAddress::Any's text in Qt 6.4); "
                  "valid with a descriptor; notify before stateChanged");

  qs_test_trace_notify (f->socket, "state", f->trace);
  g_assert_true (qs_abstract_socket_bind (SOCK (f), NULL, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM));
  g_assert_cmpstr (f->trace->str, ==, "notify::state state-changed(bound-state) ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_BOUND_STATE);
  g_assert_cmpuint (qs_abstract_socket_get_local_port (SOCK (f)), !=, 0);
  local = qs_abstract_socket_get_local_address (SOCK (f));
  g_assert_nonnull (local);
  text = g_inet_address_to_string (local);
  g_assert_cmpstr (text, ==, "0.0.0.0");   /* Qt's QHostAddress::Any prints as 0.0.0.0 */
  g_assert_true (qs_abstract_socket_is_valid (SOCK (f)));
  g_assert_cmpint (qs_abstract_socket_get_socket_descriptor (SOCK (f)), >=, 0);
  g_assert_true (strstr (f->notify->str, "local-port ") != NULL);
  g_assert_true (strstr (f->notify->str, "state ") != NULL);
}

/* ---- waits called from the connect's own handlers --------------------------- */

enum { WAIT_CONNECTED, WAIT_READY_READ, WAIT_BYTES_WRITTEN, WAIT_DISCONNECTED };

typedef struct
{
  const char    *path;
  gboolean       udp;
  gboolean       refused;  /* wait in error-occurred, else in state-changed(CONNECTING) */
  guint          wait;
  gboolean       result;   /* what Qt 6.4's wait returns there */
  QsSocketState  state;    /* and the state after it */
  QsSocketError  error;    /* and the error code */
} HandlerWait;

static const HandlerWait handler_waits[] = {
  { "tcp/connecting/connected", FALSE, FALSE, WAIT_CONNECTED, TRUE, QS_SOCKET_STATE_CONNECTED_STATE, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR },
  { "tcp/connecting/ready-read", FALSE, FALSE, WAIT_READY_READ, FALSE, QS_SOCKET_STATE_CONNECTED_STATE, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR },
  { "tcp/connecting/bytes-written", FALSE, FALSE, WAIT_BYTES_WRITTEN, TRUE, QS_SOCKET_STATE_CONNECTED_STATE, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR },
  { "tcp/connecting/disconnected", FALSE, FALSE, WAIT_DISCONNECTED, FALSE, QS_SOCKET_STATE_CONNECTED_STATE, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR },
  { "tcp/refused/connected", FALSE, TRUE, WAIT_CONNECTED, FALSE, QS_SOCKET_STATE_UNCONNECTED_STATE, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR },
  { "tcp/refused/ready-read", FALSE, TRUE, WAIT_READY_READ, FALSE, QS_SOCKET_STATE_UNCONNECTED_STATE, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR },
  { "tcp/refused/bytes-written", FALSE, TRUE, WAIT_BYTES_WRITTEN, FALSE, QS_SOCKET_STATE_UNCONNECTED_STATE, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR },
  { "tcp/refused/disconnected", FALSE, TRUE, WAIT_DISCONNECTED, FALSE, QS_SOCKET_STATE_UNCONNECTED_STATE, QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR },
  { "udp/connecting/connected", TRUE, FALSE, WAIT_CONNECTED, TRUE, QS_SOCKET_STATE_CONNECTED_STATE, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR },
  { "udp/connecting/ready-read", TRUE, FALSE, WAIT_READY_READ, FALSE, QS_SOCKET_STATE_CONNECTED_STATE, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR },
  { "udp/connecting/bytes-written", TRUE, FALSE, WAIT_BYTES_WRITTEN, FALSE, QS_SOCKET_STATE_CONNECTING_STATE, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR },
};

typedef struct
{
  const HandlerWait *wait;
  gboolean           waited;
  gboolean           result;
  QsSocketState      state;
  QsSocketError      error;
} HandlerWaitRun;

static void
run_handler_wait (QsAbstractSocket *socket,
                  HandlerWaitRun   *run)
{
  if (run->waited)
    return;
  run->waited = TRUE;
  switch (run->wait->wait)
    {
    case WAIT_CONNECTED:
      run->result = qs_abstract_socket_wait_for_connected (socket, 50);
      break;
    case WAIT_READY_READ:
      run->result = qs_io_device_wait_for_ready_read (QS_IO_DEVICE (socket), 50);
      break;
    case WAIT_BYTES_WRITTEN:
      qs_io_device_write (QS_IO_DEVICE (socket), (const guint8 *) "x", 1);
      run->result = qs_io_device_wait_for_bytes_written (QS_IO_DEVICE (socket), 50);
      break;
    case WAIT_DISCONNECTED:
    default:
      run->result = qs_abstract_socket_wait_for_disconnected (socket, 50);
      break;
    }
  run->state = qs_abstract_socket_get_state (socket);
  run->error = qs_abstract_socket_get_error (socket);
}

static void
wait_when_connecting (QsAbstractSocket *socket,
                      QsSocketState     state,
                      HandlerWaitRun   *run)
{
  if (state == QS_SOCKET_STATE_CONNECTING_STATE)
    run_handler_wait (socket, run);
}

static void
wait_on_error (QsAbstractSocket *socket,
               QsSocketError     error,
               HandlerWaitRun   *run)
{
  run_handler_wait (socket, run);
}

static void
test_wait_in_connect_handlers (gconstpointer data)
{
  HandlerWaitRun run = { data, FALSE, FALSE, 0, 0 };
  g_autoptr(QsAbstractSocket) socket = NULL;
  g_autoptr(GSocket) listener = NULL;
  guint16 port;

  g_test_summary ("A wait_for_* from state-changed(CONNECTING), before the socket "
                  "exists, or from error-occurred after a refused connect freed it: "
                  "what Qt 6.4 returns there, no crash (TCP and UDP)");

  if (run.wait->refused)
    listener = qs_test_closed_port_new (&port);
  else
    listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &port);
  socket = run.wait->udp ? QS_ABSTRACT_SOCKET (qs_udp_socket_new ()) : QS_ABSTRACT_SOCKET (qs_tcp_socket_new ());
  if (run.wait->refused)
    g_signal_connect (socket, "error-occurred", G_CALLBACK (wait_on_error), &run);
  else
    g_signal_connect (socket, "state-changed", G_CALLBACK (wait_when_connecting), &run);
  if (run.wait->refused && run.wait->wait >= WAIT_BYTES_WRITTEN)
    g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*not allowed in UnconnectedState");

  qs_abstract_socket_connect_to_host (socket, "127.0.0.1", port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  qs_test_run_until (run.waited, 5000);
  g_test_assert_expected_messages ();
  g_assert_cmpint (run.result, ==, run.wait->result);
  g_assert_cmpint (run.state, ==, run.wait->state);
  g_assert_cmpint (run.error, ==, run.wait->error);
  g_signal_handlers_disconnect_by_data (socket, &run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/abstract-socket/type/hierarchy", test_type_hierarchy);
  g_test_add_func ("/abstract-socket/type/properties", test_property_specs);
  g_test_add_func ("/abstract-socket/type/signals", test_signal_specs);
  g_test_add_func ("/abstract-socket/type/enums-and-flags", test_enums);
  g_test_add_func ("/abstract-socket/type/error-domain", test_error_domain);
  g_test_add_func ("/abstract-socket/socket-type", test_socket_type);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/abstract-socket/protected/set-socket-state", test_set_socket_state);
  ADD ("/abstract-socket/protected/set-socket-error", test_set_socket_error);
  ADD ("/abstract-socket/protected/set-ports-and-addresses", test_set_ports_and_addresses);
  ADD ("/abstract-socket/protected/set-peer-name", test_set_peer_name);
  ADD ("/abstract-socket/property/protocol-tag", test_protocol_tag);
  ADD ("/abstract-socket/property/pause-mode", test_pause_mode);
  ADD ("/abstract-socket/property/read-buffer-size", test_read_buffer_size_property);
  ADD ("/abstract-socket/unconnected/calls", test_unconnected_calls);
  ADD ("/abstract-socket/bind/any", test_bind_any);
#undef ADD

  g_test_add_func ("/abstract-socket/vfunc/dispatch", test_vfunc_dispatch);
  g_test_add_func ("/abstract-socket/vfunc/connect-to-address", test_connect_to_address_dispatch);

  for (gsize i = 0; i < G_N_ELEMENTS (handler_waits); i++)
    {
      g_autofree char *path = g_strconcat ("/abstract-socket/wait/in-connect-handler/",
                                           handler_waits[i].path, NULL);

      g_test_add_data_func (path, &handler_waits[i], test_wait_in_connect_handlers);
    }

  return g_test_run ();
}
