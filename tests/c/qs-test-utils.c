/* qs-test-utils.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the C tests.
 */

#include "config.h"

#include "qs-test-utils.h"

gboolean
qs_test_set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static const char *
enum_nick (GType type,
           int   value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (klass, value);
  const char *nick = v ? v->value_nick : "?";

  g_type_class_unref (klass);
  return nick;
}

static void
on_plain (gpointer socket,
          gpointer user_data)
{
  GString *trace = user_data;
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (socket);

  g_string_append_printf (trace, "%s ", g_signal_name (hint->signal_id));
}

static void
on_bytes_written (gpointer socket,
                  gint64   bytes,
                  gpointer user_data)
{
  GString *trace = user_data;

  g_string_append_printf (trace, "bytes-written(%" G_GINT64_FORMAT ") ", bytes);
}

static void
on_state_changed (gpointer      socket,
                  QsSocketState state,
                  gpointer      user_data)
{
  GString *trace = user_data;

  g_string_append_printf (trace, "state-changed(%s) ",
                          enum_nick (QS_TYPE_SOCKET_STATE, state));
}

static void
on_error_occurred (gpointer      socket,
                   QsSocketError error,
                   gpointer      user_data)
{
  GString *trace = user_data;

  g_string_append_printf (trace, "error-occurred(%s) ",
                          enum_nick (QS_TYPE_SOCKET_ERROR, error));
}

void
qs_test_trace_socket (gpointer socket,
                      GString *trace)
{
  static const char *const plain[] = {
    "ready-read", "about-to-close", "read-channel-finished",
    "host-found", "connected", "disconnected",
  };

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    g_signal_connect (socket, plain[i], G_CALLBACK (on_plain), trace);
  g_signal_connect (socket, "bytes-written", G_CALLBACK (on_bytes_written), trace);
  g_signal_connect (socket, "state-changed", G_CALLBACK (on_state_changed), trace);
  g_signal_connect (socket, "error-occurred", G_CALLBACK (on_error_occurred), trace);
}

GInetAddress *
qs_test_loopback (GSocketFamily family)
{
  return g_inet_address_new_loopback (family);
}
