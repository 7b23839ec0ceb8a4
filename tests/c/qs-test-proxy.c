/* qs-test-proxy.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Real and fake proxies for the tests (see qs-test-proxy.h).
 */

#include "config.h"

#include <glib/gstdio.h>

#include "qs-test-proxy.h"
#include "qs-test-utils.h"

/* How long a proxy server may take to start listening. */
#define START_TIMEOUT_MS 5000

struct _QsTestProxy
{
  GSubprocess *process; /* (owned) */
  char        *folder;  /* (owned): its configuration */
  guint16      port;
};

/* A port nothing listens on now (bound, read, released): the server
 * started next binds it. */
static guint16
free_port (void)
{
  guint16 port = 0;
  g_autoptr(GSocket) socket = qs_test_closed_port_new (&port);

  return port;
}

/* Waits until @proxy accepts connections (the server has no other way
 * to say it is ready), or it exits, or START_TIMEOUT_MS pass. */
static gboolean
wait_listening (QsTestProxy *proxy)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, proxy->port);

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GSocket) client = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL);

      if (client && g_socket_connect (client, address, NULL, NULL))
        return TRUE;
      /* GLib's worker reaps the child: no identifier once it exited. */
      if (g_subprocess_get_identifier (proxy->process) == NULL)
        return FALSE;
      qs_test_iterate_for (20);
    }
  return FALSE;
}

static QsTestProxy *
start (const char *const *argv,
       char              *folder,
       guint16            port,
       char             **why)
{
  g_autoptr(GError) error = NULL;
  QsTestProxy *proxy = g_new0 (QsTestProxy, 1);

  proxy->folder = folder;
  proxy->port = port;
  proxy->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                      &error);
  if (proxy->process == NULL || !wait_listening (proxy))
    {
      *why = g_strdup_printf ("%s did not start: %s", argv[0], error ? error->message : "not listening");
      qs_test_proxy_stop (proxy);
      return NULL;
    }
  return proxy;
}

QsTestProxy *
qs_test_proxy_start_microsocks (const char  *user,
                                const char  *password,
                                char       **why)
{
  g_autofree char *program = qs_test_find_tool ("microsocks");
  guint16 port = free_port ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  const char *argv[] = { program, "-i", "127.0.0.1", "-p", port_text, "-u", user, "-P", password, NULL };

  if (program == NULL)
    {
      *why = g_strdup ("microsocks is not installed");
      return NULL;
    }
  if (user == NULL)
    argv[5] = NULL;
  return start (argv, NULL, port, why);
}

QsTestProxy *
qs_test_proxy_start_tinyproxy (guint16      connect_port,
                               const char  *user,
                               const char  *password,
                               char       **why)
{
  g_autofree char *program = qs_test_find_tool ("tinyproxy");
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *config = NULL;
  g_autofree char *auth = NULL;
  guint16 port;

  if (program == NULL)
    {
      *why = g_strdup ("tinyproxy is not installed");
      return NULL;
    }
  folder = g_dir_make_tmp ("qsock-tinyproxy-XXXXXX", &error);
  g_assert_no_error (error);
  port = free_port ();
  if (user)
    auth = g_strdup_printf ("BasicAuth %s %s\n", user, password);
  config = g_strdup_printf ("Port %u\nListen 127.0.0.1\nTimeout 60\nAllow 127.0.0.1\n"
                            "ConnectPort %u\nLogLevel Critical\n%s",
                            port, connect_port, auth ? auth : "");
  config_path = g_build_filename (folder, "tinyproxy.conf", NULL);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { program, "-d", "-c", config_path, NULL };

    return start (argv, g_steal_pointer (&folder), port, why);
  }
}

guint16
qs_test_proxy_get_port (QsTestProxy *proxy)
{
  return proxy->port;
}

void
qs_test_proxy_stop (QsTestProxy *proxy)
{
  if (proxy->process)
    {
      g_subprocess_force_exit (proxy->process);
      g_subprocess_wait (proxy->process, NULL, NULL);
      g_object_unref (proxy->process);
    }
  if (proxy->folder)
    {
      g_autofree char *config_path = g_build_filename (proxy->folder, "tinyproxy.conf", NULL);

      g_unlink (config_path);
      g_rmdir (proxy->folder);
      g_free (proxy->folder);
    }
  g_free (proxy);
}

/* ---- fake proxies ---------------------------------------------------- */

typedef struct
{
  QsTestFakeProxy *fake;   /* (unowned) */
  GSocket         *socket; /* (owned) (nullable): NULL once closed */
  GSource         *source; /* (owned) (nullable) */
  gsize            received;
  guint            step;
} FakeConnection;

struct _QsTestFakeProxy
{
  GSocket        *listener;   /* (owned) */
  GSource        *source;     /* (owned) */
  QsTestFakeStep *steps;      /* (owned) */
  guint           n_steps;
  guint16         port;
  GByteArray     *received;   /* (owned) */
  gsize           received_at_last_reply;
  GPtrArray      *connections; /* (owned) (element-type FakeConnection) */
};

static void
fake_connection_close (FakeConnection *connection)
{
  if (connection->source)
    {
      g_source_destroy (connection->source);
      g_clear_pointer (&connection->source, g_source_unref);
    }
  if (connection->socket)
    {
      g_socket_close (connection->socket, NULL);
      g_clear_object (&connection->socket);
    }
}

static void
fake_connection_free (gpointer data)
{
  fake_connection_close (data);
  g_free (data);
}

/* Sends the replies whose input has arrived. FALSE once closed. */
static gboolean
fake_run_steps (FakeConnection *connection)
{
  QsTestFakeProxy *fake = connection->fake;

  while (connection->step < fake->n_steps &&
         connection->received >= fake->steps[connection->step].expect)
    {
      const QsTestFakeStep *step = &fake->steps[connection->step++];

      if (step->reply_size > 0)
        {
          gsize sent = 0;

          while (sent < step->reply_size)
            {
              gssize n = g_socket_send (connection->socket, step->reply + sent, step->reply_size - sent, NULL, NULL);

              g_assert_cmpint (n, >, 0);
              sent += n;
            }
        }
      if (connection->step == fake->n_steps)
        fake->received_at_last_reply = fake->received->len;
      if (step->close)
        {
          fake_connection_close (connection);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
on_fake_readable (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  FakeConnection *connection = user_data;
  guint8 buffer[4096];
  gssize n = g_socket_receive (socket, (char *) buffer, sizeof buffer, NULL, NULL);

  if (n <= 0)
    {
      g_clear_pointer (&connection->source, g_source_unref);
      g_socket_close (connection->socket, NULL);
      g_clear_object (&connection->socket);
      return G_SOURCE_REMOVE;
    }
  g_byte_array_append (connection->fake->received, buffer, n);
  connection->received += n;
  if (!fake_run_steps (connection))
    return G_SOURCE_REMOVE;
  return G_SOURCE_CONTINUE;
}

static gboolean
on_fake_accept (GSocket      *listener,
                GIOCondition  condition,
                gpointer      user_data)
{
  QsTestFakeProxy *fake = user_data;
  FakeConnection *connection;
  GSocket *socket = g_socket_accept (listener, NULL, NULL);

  if (socket == NULL)
    return G_SOURCE_CONTINUE;
  g_socket_set_blocking (socket, FALSE);
  connection = g_new0 (FakeConnection, 1);
  connection->fake = fake;
  connection->socket = socket;
  g_ptr_array_add (fake->connections, connection);
  if (!fake_run_steps (connection))
    return G_SOURCE_CONTINUE;
  connection->source = g_socket_create_source (socket, G_IO_IN, NULL);
  g_source_set_callback (connection->source, G_SOURCE_FUNC (on_fake_readable), connection, NULL);
  g_source_attach (connection->source, g_main_context_get_thread_default ());
  return G_SOURCE_CONTINUE;
}

QsTestFakeProxy *
qs_test_fake_proxy_new (const QsTestFakeStep *steps,
                        guint                 n_steps)
{
  QsTestFakeProxy *fake = g_new0 (QsTestFakeProxy, 1);

  fake->steps = g_memdup2 (steps, sizeof *steps * n_steps);
  fake->n_steps = n_steps;
  fake->received = g_byte_array_new ();
  fake->connections = g_ptr_array_new_with_free_func (fake_connection_free);
  fake->listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 16, &fake->port);
  fake->source = g_socket_create_source (fake->listener, G_IO_IN, NULL);
  g_source_set_callback (fake->source, G_SOURCE_FUNC (on_fake_accept), fake, NULL);
  g_source_attach (fake->source, g_main_context_get_thread_default ());
  return fake;
}

guint16
qs_test_fake_proxy_get_port (QsTestFakeProxy *fake)
{
  return fake->port;
}

GByteArray *
qs_test_fake_proxy_get_received (QsTestFakeProxy *fake)
{
  return fake->received;
}

gsize
qs_test_fake_proxy_get_received_at_last_reply (QsTestFakeProxy *fake)
{
  return fake->received_at_last_reply;
}

guint
qs_test_fake_proxy_get_connections (QsTestFakeProxy *fake)
{
  return fake->connections->len;
}

void
qs_test_fake_proxy_free (QsTestFakeProxy *fake)
{
  g_source_destroy (fake->source);
  g_source_unref (fake->source);
  g_ptr_array_unref (fake->connections);
  g_object_unref (fake->listener);
  g_byte_array_unref (fake->received);
  g_free (fake->steps);
  g_free (fake);
}
