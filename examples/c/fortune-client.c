/* fortune-client.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's fortune client, re-done with qsock: connects, reads one fortune
 * framed as a 32-bit big-endian length followed by UTF-8 text, prints it
 * and exits. The frame is read inside a transaction: when only part of
 * it has arrived, the transaction is rolled back and the client waits for
 * the next ready-read, so a frame split over several reads is handled
 * (fortune-common.c, shared with local-fortune-client). With --tls it
 * connects encrypted (a QsSslSocket) and checks the server's
 * certificate against the system's trust store, or against the CA
 * certificates of --ca-file (PEM); a certificate that fails the check
 * ends the client with the reason. With --proxy it connects through a
 * SOCKS5 or HTTP CONNECT proxy given as a URL,
 * socks5://[USER:PASSWORD@]HOST:PORT or http://[USER:PASSWORD@]HOST:PORT
 * (a QsNetworkProxy): the proxy resolves HOST, and a proxy that refuses
 * ends the client with the reason.
 *
 * Usage: fortune-client [--tls [--ca-file FILE]] [--proxy URL] HOST PORT
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qsock/qsock.h>

#include "fortune-common.h"

#define USAGE "usage: fortune-client [--tls [--ca-file FILE]] [--proxy URL] HOST PORT"

/* The proxy of @url, socks5://[USER:PASSWORD@]HOST:PORT or
 * http://[USER:PASSWORD@]HOST:PORT (USER and PASSWORD percent-encoded),
 * or NULL when it is not one. */
static QsNetworkProxy *
proxy_from_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  const char *path = uri ? g_uri_get_path (uri) : NULL;
  QsNetworkProxyType type;

  if (scheme == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_port (uri) <= 0 || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      (path[0] != '\0' && strcmp (path, "/") != 0))
    return NULL;
  if (g_ascii_strcasecmp (scheme, "socks5") == 0)
    type = QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY;
  else if (g_ascii_strcasecmp (scheme, "http") == 0)
    type = QS_NETWORK_PROXY_TYPE_HTTP_PROXY;
  else
    return NULL;
  return qs_network_proxy_new (type, g_uri_get_host (uri), (guint16) g_uri_get_port (uri),
                               g_uri_get_user (uri), g_uri_get_password (uri));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsTcpSocket) socket = NULL;
  g_autoptr(GOptionContext) options = g_option_context_new ("HOST PORT - qsock fortune client");
  g_autoptr(GError) error = NULL;
  g_autofree char *ca_file = NULL;
  g_autofree char *proxy_url = NULL;
  g_autoptr(QsNetworkProxy) proxy = NULL;
  gboolean tls = FALSE;
  const GOptionEntry entries[] = {
    { "tls", 0, 0, G_OPTION_ARG_NONE, &tls, "Connect over TLS", NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      "With --tls, trust the CA certificates of FILE instead of the system's", "FILE" },
    { "proxy", 0, 0, G_OPTION_ARG_STRING, &proxy_url,
      "Connect through the SOCKS5 or HTTP proxy of URL, socks5://[USER:PASSWORD@]HOST:PORT or "
      "http://[USER:PASSWORD@]HOST:PORT", "URL" },
    G_OPTION_ENTRY_NULL
  };
  FortuneClient client;
  long port;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || argc != 3 ||
      (port = strtol (argv[2], NULL, 10)) <= 0 || port > 65535 || (ca_file != NULL && !tls))
    {
      g_printerr (USAGE "%s%s\n", error ? ": " : "", error ? error->message : "");
      return 2;
    }
  if (proxy_url != NULL && (proxy = proxy_from_url (proxy_url)) == NULL)
    {
      g_printerr ("fortune-client: not a proxy URL (socks5:// or http://[USER:PASSWORD@]HOST:PORT): %s\n",
                  proxy_url);
      return 2;
    }

  if (tls)
    {
      QsSslSocket *ssl_socket = qs_ssl_socket_new ();

      socket = QS_TCP_SOCKET (ssl_socket);
      if (ca_file != NULL)
        {
          /* GIO wants the file's absolute path. */
          g_autofree char *path = g_canonicalize_filename (ca_file, NULL);
          g_autoptr(GTlsDatabase) database = g_tls_file_database_new (path, &error);

          if (database == NULL)
            {
              g_printerr ("fortune-client: %s\n", error->message);
              return 1;
            }
          qs_ssl_socket_set_database (ssl_socket, database);
        }
    }
  else
    socket = qs_tcp_socket_new ();
  if (proxy != NULL)
    qs_abstract_socket_set_proxy (QS_ABSTRACT_SOCKET (socket), proxy);

  /* The server closes right after the fortune; that is the normal end. */
  fortune_client_init (&client, "fortune-client", socket,
                       QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR);
  if (tls)
    qs_ssl_socket_connect_to_host_encrypted (QS_SSL_SOCKET (socket), argv[1], (guint16) port, NULL,
                                             QS_OPEN_MODE_READ_WRITE,
                                             QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  else
    qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), argv[1], (guint16) port,
                                        QS_OPEN_MODE_READ_WRITE,
                                        QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  return fortune_client_run (&client, socket);
}
