/* https-get.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Fetches a page over HTTPS with a QsSslSocket and prints the status
 * line of the answer ("HTTP/1.0 200 ok"). Written the blocking way, as
 * Qt's blocking clients are: connect_to_host_encrypted(), then
 * wait_for_encrypted() and wait_for_ready_read(), with no main loop
 * running. The server's certificate is checked against the system's
 * trust store, or against the CA certificates of --ca-file (PEM).
 *
 * Usage: https-get [--ca-file FILE] https://HOST[:PORT]/[PATH]
 */

#include <stdio.h>
#include <string.h>
#include <qsock/qsock.h>

#define TIMEOUT_MS 10000

static int
fail (QsSslSocket *socket)
{
  g_printerr ("https-get: %s\n",
              qs_io_device_get_error_string (QS_IO_DEVICE (socket)));
  return 1;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *ca_file = NULL;
  const GOptionEntry entries[] = {
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      "Trust the CA certificates of FILE instead of the system's", "FILE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("https://HOST[:PORT]/[PATH]");
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(QsSslSocket) socket = NULL;
  g_autoptr(GBytes) line = NULL;
  g_autofree char *request = NULL;
  const char *path;
  gsize size;
  const char *data;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 2 ||
      (uri = g_uri_parse (argv[1], G_URI_FLAGS_NONE, &error)) == NULL ||
      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 || g_uri_get_host (uri) == NULL)
    {
      g_printerr ("usage: https-get [--ca-file FILE] https://HOST[:PORT]/[PATH]%s%s\n",
                  error ? ": " : "", error ? error->message : "");
      return 2;
    }

  socket = qs_ssl_socket_new ();
  if (ca_file != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca_file, &error);

      if (database == NULL)
        {
          g_printerr ("https-get: %s\n", error->message);
          return 1;
        }
      qs_ssl_socket_set_database (socket, database);
    }

  qs_ssl_socket_connect_to_host_encrypted (socket, g_uri_get_host (uri),
                                           g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443,
                                           NULL, QS_OPEN_MODE_READ_WRITE,
                                           QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  if (!qs_ssl_socket_wait_for_encrypted (socket, TIMEOUT_MS))
    return fail (socket);

  path = *g_uri_get_path (uri) != '\0' ? g_uri_get_path (uri) : "/";
  request = g_strdup_printf ("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, g_uri_get_host (uri));
  qs_io_device_write (QS_IO_DEVICE (socket), (const guint8 *) request, strlen (request));

  /* The status line, however the answer is cut into records. */
  while (!qs_io_device_can_read_line (QS_IO_DEVICE (socket)))
    if (!qs_io_device_wait_for_ready_read (QS_IO_DEVICE (socket), TIMEOUT_MS))
      return fail (socket);
  line = qs_io_device_read_line_bytes (QS_IO_DEVICE (socket), 0);
  data = g_bytes_get_data (line, &size);
  while (size > 0 && (data[size - 1] == '\n' || data[size - 1] == '\r'))
    size--;
  printf ("%.*s\n", (int) size, data);

  qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (socket));
  return 0;
}
