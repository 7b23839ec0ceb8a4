/* fortune-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's fortune server, re-done with qsock: listens on 127.0.0.1, prints
 * "PORT <n>", and sends every client one random fortune framed as a
 * 32-bit big-endian length followed by the UTF-8 text, then disconnects.
 * Each fortune sent is also printed as "SENT <text>". The delivery is
 * shared with local-fortune-server (fortune-common.c). With --cert and
 * --key it serves over TLS: a QsSslServer presents that certificate
 * and hands out a connection only once it is encrypted.
 *
 * Usage: fortune-server [--port N] [--count N] [--split] [--cert FILE --key FILE]
 *   --count N    exit after serving N clients (default: serve forever)
 *   --split      send each frame in two writes, a moment apart, so that
 *                clients must put a split frame back together
 *   --cert FILE  serve over TLS with the certificate of FILE (PEM; the
 *                chain may follow it)
 *   --key FILE   the private key of --cert (PEM)
 */

#include <stdio.h>
#include <stdlib.h>
#include <qsock/qsock.h>

#include "fortune-common.h"

static gboolean
flush_tcp (QsIODevice *connection)
{
  return qs_abstract_socket_flush (QS_ABSTRACT_SOCKET (connection));
}

static void
disconnect_tcp (QsIODevice *connection)
{
  qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (connection));
}

/* A TLS client that failed its handshake is dropped; say why. */
static void
on_handshake_error (QsSslServer   *ssl_server,
                    QsSslSocket   *socket,
                    QsSocketError  error,
                    gpointer       user_data)
{
  g_printerr ("fortune-server: %s\n", qs_io_device_get_error_string (QS_IO_DEVICE (socket)));
}

/* A QsSslServer presenting the certificate of @cert_file with the key of
 * @key_file, or NULL after saying why not. (transfer full) */
static QsTcpServer *
ssl_server_new (const char *cert_file,
                const char *key_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  QsSslServer *ssl_server;

  if (certificate == NULL)
    {
      g_printerr ("fortune-server: %s\n", error->message);
      return NULL;
    }
  ssl_server = qs_ssl_server_new ();
  qs_ssl_server_set_local_certificate (ssl_server, certificate);
  g_signal_connect (ssl_server, "error-occurred", G_CALLBACK (on_handshake_error), NULL);
  return QS_TCP_SERVER (ssl_server);
}

static void
on_new_connection (QsTcpServer *tcp_server,
                   gpointer     user_data)
{
  FortuneServer *server = user_data;
  QsTcpSocket *client;

  while ((client = qs_tcp_server_next_pending_connection (tcp_server)) != NULL)
    if (fortune_server_serve (server, QS_IO_DEVICE (client)))
      qs_tcp_server_close (tcp_server);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsTcpServer) tcp_server = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  FortuneServer server;
  int port = 0;
  int count = 0;
  gboolean split = FALSE;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port to listen on (0: any free port)", "N" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Exit after serving N clients", "N" },
    { "split", 0, 0, G_OPTION_ARG_NONE, &split, "Send each frame in two parts", NULL },
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_file, "Serve over TLS with this certificate (PEM)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, "The private key of --cert (PEM)", "FILE" },
    { NULL }
  };

  options = g_option_context_new ("- qsock fortune server");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || port < 0 || port > 65535)
    {
      g_printerr ("fortune-server: %s\n", error ? error->message : "bad --port");
      return 2;
    }
  if ((cert_file == NULL) != (key_file == NULL))
    {
      g_printerr ("fortune-server: --cert and --key go together\n");
      return 2;
    }

  if (cert_file == NULL)
    tcp_server = qs_tcp_server_new ();
  else if ((tcp_server = ssl_server_new (cert_file, key_file)) == NULL)
    return 1;
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  if (!qs_tcp_server_listen (tcp_server, loopback, port))
    {
      g_printerr ("fortune-server: %s\n", qs_tcp_server_get_error_string (tcp_server));
      return 1;
    }
  fortune_server_init (&server, count, split, flush_tcp, disconnect_tcp);
  g_signal_connect (tcp_server, "new-connection", G_CALLBACK (on_new_connection), &server);

  printf ("PORT %u\n", qs_tcp_server_get_server_port (tcp_server));
  fflush (stdout);

  fortune_server_run (&server);
  g_signal_handlers_disconnect_by_data (tcp_server, &server);
  fortune_server_clear (&server);
  return 0;
}
