/* qs-test-utils.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the C tests.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "qs-test-utils.h"
#include "qs-io-device-private.h"

gboolean
qs_test_set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
qs_test_drain_context (void)
{
  GMainContext *context = g_main_context_get_thread_default ();

  for (guint i = 0; i < 500; i++)
    if (!g_main_context_iteration (context, FALSE))
      break;
}

void
qs_test_iterate_for (guint ms)
{
  GMainContext *context = g_main_context_get_thread_default ();
  gboolean expired = FALSE;
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, qs_test_set_true, &expired, NULL);
  g_source_attach (source, context);
  while (!expired)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (source);
  g_source_unref (source);
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

/* "signal(nick) " for a signal whose one argument is an enum: TCP and
 * local sockets have signals of the same names with different enums. */
static void
on_enum (gpointer socket,
         int      value,
         gpointer user_data)
{
  GString *trace = user_data;
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (socket);
  GSignalQuery query;

  g_signal_query (hint->signal_id, &query);
  g_string_append_printf (trace, "%s(%s) ", query.signal_name,
                          enum_nick (query.param_types[0] & ~G_SIGNAL_TYPE_STATIC_SCOPE, value));
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
    if (g_signal_lookup (plain[i], G_OBJECT_TYPE (socket)) != 0)
      g_signal_connect (socket, plain[i], G_CALLBACK (on_plain), trace);
  g_signal_connect (socket, "bytes-written", G_CALLBACK (on_bytes_written), trace);
  g_signal_connect (socket, "state-changed", G_CALLBACK (on_enum), trace);
  g_signal_connect (socket, "error-occurred", G_CALLBACK (on_enum), trace);
}

void
qs_test_trace_server (gpointer server,
                      GString *trace)
{
  static const char *const plain[] = { "new-connection", "pending-connection-available" };

  for (guint i = 0; i < G_N_ELEMENTS (plain); i++)
    if (g_signal_lookup (plain[i], G_OBJECT_TYPE (server)) != 0)
      g_signal_connect (server, plain[i], G_CALLBACK (on_plain), trace);
  if (g_signal_lookup ("accept-error", G_OBJECT_TYPE (server)) != 0)
    g_signal_connect (server, "accept-error", G_CALLBACK (on_enum), trace);
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  GString *trace = user_data;

  g_string_append_printf (trace, "notify::%s ", pspec->name);
}

void
qs_test_trace_notify (gpointer    object,
                      const char *property,
                      GString    *trace)
{
  g_autofree char *detailed = g_strconcat ("notify::", property, NULL);

  g_signal_connect (object, detailed, G_CALLBACK (on_notify), trace);
}

void
qs_test_release (gpointer      object_ptr,
                 gconstpointer trace,
                 gconstpointer fixture)
{
  GObject **object = object_ptr;

  if (*object == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*object, (gpointer) trace);
  g_signal_handlers_disconnect_by_data (*object, (gpointer) fixture);
  g_clear_object (object);
}

static void
count_marshal (GClosure     *closure,
               GValue       *return_value,
               guint         n_param_values,
               const GValue *param_values,
               gpointer      invocation_hint,
               gpointer      marshal_data)
{
  guint *counter = closure->data;

  (*counter)++;
}

void
qs_test_count_signal (gpointer    object,
                      const char *detailed_signal,
                      guint      *counter)
{
  GClosure *closure = g_closure_new_simple (sizeof (GClosure), counter);

  g_closure_set_marshal (closure, count_marshal);
  g_signal_connect_closure (object, detailed_signal, closure, FALSE);
}

GInetAddress *
qs_test_loopback (GSocketFamily family)
{
  return g_inet_address_new_loopback (family);
}

char *
qs_test_find_tool (const char *name)
{
  static const char *const folders[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };
  char *path = g_find_program_in_path (name);

  for (guint i = 0; path == NULL && i < G_N_ELEMENTS (folders); i++)
    {
      char *candidate = g_build_filename (folders[i], name, NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        path = candidate;
      else
        g_free (candidate);
    }
  return path;
}

gboolean
qs_test_run_tool (const char *const *argv)
{
  g_autofree char *tool = qs_test_find_tool (argv[0]);
  g_autofree const char **args = g_memdup2 (argv, (g_strv_length ((char **) argv) + 1) * sizeof (char *));
  int status = -1;

  if (tool == NULL)
    return FALSE;
  args[0] = tool;
  if (!g_spawn_sync (NULL, (char **) args, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

#define NETNS_ENV "QS_TEST_IN_NETNS"

gboolean
qs_test_enter_netns (char **argv)
{
  static const char *const probe[] = { "unshare", "-rn", "true", NULL };
  g_autofree char *self = NULL;
  g_autofree char *unshare = NULL;
  g_autoptr(GPtrArray) args = NULL;

  if (g_getenv (NETNS_ENV) != NULL)
    return TRUE;
  if (!qs_test_run_tool (probe))
    return FALSE;

  self = g_file_read_link ("/proc/self/exe", NULL);
  unshare = qs_test_find_tool ("unshare");
  args = g_ptr_array_new ();
  g_ptr_array_add (args, (gpointer) "unshare");
  g_ptr_array_add (args, (gpointer) "-rn");
  g_ptr_array_add (args, (gpointer) "--");
  g_ptr_array_add (args, self ? self : argv[0]);
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);

  g_setenv (NETNS_ENV, "1", TRUE);
  execv (unshare, (char **) args->pdata);
  g_unsetenv (NETNS_ENV);
  return FALSE;
}

void
qs_test_skip_unless_ci (const char *why)
{
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("%s", why);
  else
    g_test_skip (why);
}

gboolean
qs_test_ipv6_available (void)
{
  static int available = -1;

  if (available < 0)
    {
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GInetAddress) loopback = NULL;
      g_autoptr(GSocketAddress) address = NULL;

      socket = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM,
                             G_SOCKET_PROTOCOL_TCP, NULL);
      loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
      address = g_inet_socket_address_new (loopback, 0);
      available = socket != NULL && g_socket_bind (socket, address, FALSE, NULL);
    }
  return available;
}

guint16
qs_test_socket_local_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  g_assert_nonnull (address);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static GSocket *
bound_socket_new (GSocketFamily family,
                  guint16      *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  *port = qs_test_socket_local_port (socket);
  return g_steal_pointer (&socket);
}

GSocket *
qs_test_listener_new (GSocketFamily family,
                      int           backlog,
                      guint16      *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = bound_socket_new (family, port);

  g_socket_set_listen_backlog (socket, backlog);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

GSocket *
qs_test_closed_port_new (guint16 *port)
{
  return bound_socket_new (G_SOCKET_FAMILY_IPV4, port);
}

static gboolean
on_socket_ready (GSocket     *socket,
                 GIOCondition condition,
                 gpointer     user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
qs_test_wait_socket (GSocket     *socket,
                     GIOCondition condition,
                     guint        timeout_ms)
{
  gboolean ready = FALSE;
  GSource *source;

  if (g_socket_condition_check (socket, condition) != 0)
    return;
  source = g_socket_create_source (socket, condition, NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (on_socket_ready), &ready, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  qs_test_run_until (ready || g_socket_condition_check (socket, condition) != 0,
                     timeout_ms);
  g_source_destroy (source);
  g_source_unref (source);
}

GSocket *
qs_test_accept (GSocket *listener,
                guint    timeout_ms)
{
  g_autoptr(GError) error = NULL;
  GSocket *peer;

  qs_test_wait_socket (listener, G_IO_IN, timeout_ms);
  peer = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (peer, FALSE);
  return peer;
}

GSocket *
qs_test_client_new (GSocketFamily family,
                    guint16       port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 10);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (socket, 0);
  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

void
qs_test_peer_send (GSocket    *peer,
                   const char *data,
                   gssize      size)
{
  gsize len = size < 0 ? strlen (data) : (gsize) size;
  gsize done = 0;

  while (done < len)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      n = g_socket_send (peer, data + done, len - done, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          qs_test_wait_socket (peer, G_IO_OUT, 10000);
          continue;
        }
      g_assert_no_error (error);
      done += n;
    }
}

/* Reads what is there; returns FALSE at end of stream or on a reset. */
static gboolean
read_some (GSocket    *peer,
           GByteArray *into,
           gsize       max)
{
  guint8 buffer[65536];
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_socket_receive (peer, (char *) buffer, MIN (max, sizeof buffer), NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return TRUE;
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    return FALSE;
  g_assert_no_error (error);
  if (n == 0)
    return FALSE;
  g_byte_array_append (into, buffer, n);
  return TRUE;
}

GBytes *
qs_test_peer_read (GSocket *peer,
                   gsize    count,
                   guint    timeout_ms)
{
  g_autoptr(GByteArray) got = g_byte_array_new ();
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (got->len < count)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

      g_assert_cmpint (left, >, 0);
      qs_test_wait_socket (peer, G_IO_IN, (guint) left);
      if (!read_some (peer, got, count - got->len))
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&got));
}

GBytes *
qs_test_peer_read_to_eof (GSocket *peer,
                          guint    timeout_ms)
{
  g_autoptr(GByteArray) got = g_byte_array_new ();
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

      g_assert_cmpint (left, >, 0);
      qs_test_wait_socket (peer, G_IO_IN, (guint) left);
      if (!read_some (peer, got, G_MAXSIZE))
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&got));
}

GInetAddress *
qs_test_address (const char *text)
{
  GInetAddress *address = g_inet_address_new_from_string (text);

  g_assert_nonnull (address);
  return address;
}

char *
qs_test_address_string (GInetAddress *address)
{
  char *text;

  if (address == NULL)
    return NULL;
  text = g_inet_address_to_string (address);
  g_object_unref (address);
  return text;
}

guint16
qs_test_udp_local_port (QsUdpSocket *socket)
{
  return qs_abstract_socket_get_local_port (QS_ABSTRACT_SOCKET (socket));
}

void
qs_test_udp_bind (QsUdpSocket *socket,
                  const char  *text,
                  QsBindFlags  mode)
{
  g_autoptr(GInetAddress) address = text ? qs_test_address (text) : NULL;

  g_assert_true (qs_abstract_socket_bind (QS_ABSTRACT_SOCKET (socket), address, 0, mode));
  g_assert_cmpint (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (socket)), ==,
                   QS_SOCKET_STATE_BOUND_STATE);
  g_assert_cmpuint (qs_test_udp_local_port (socket), !=, 0);
}

void
qs_test_udp_wait_readable (QsUdpSocket *socket)
{
  GPollFD pfd = { qs_abstract_socket_get_socket_descriptor (QS_ABSTRACT_SOCKET (socket)), G_IO_IN, 0 };

  g_assert_cmpint (pfd.fd, >=, 0);
  g_assert_cmpint (g_poll (&pfd, 1, 5000), ==, 1);
}

guint8 *
qs_test_pattern_new (gsize offset,
                     gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (offset + i) % 251;
  return data;
}

void
qs_test_assert_pattern (GBytes *bytes,
                        gsize   offset,
                        gsize   size)
{
  gsize got_size = 0;
  const guint8 *got = g_bytes_get_data (bytes, &got_size);

  g_assert_cmpuint (got_size, ==, size);
  for (gsize i = 0; i < size; i++)
    {
      if (got[i] != (offset + i) % 251)
        g_error ("byte %" G_GSIZE_FORMAT ": %u, expected %u", offset + i,
                 got[i], (guint) ((offset + i) % 251));
    }
}

gboolean
qs_test_read_pattern (QsIODevice *device,
                      gsize       max_size,
                      gsize       offset,
                      gsize       size)
{
  QsRingBuffer *rb = _qs_io_device_get_read_buffer (device);
  const guint8 *head = rb->n_chunks ? rb->chunks[rb->first].data + rb->chunks[rb->first].head : NULL;
  g_autoptr(GBytes) bytes = qs_io_device_read_bytes (device, max_size);

  qs_test_assert_pattern (bytes, offset, size);
  return head != NULL && g_bytes_get_data (bytes, NULL) == head;
}
