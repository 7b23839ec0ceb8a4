/* local-fortune-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's local fortune server, re-done with qsock: listens on a local
 * (Unix-domain) socket, prints "NAME <server name>", and sends every
 * client one random fortune framed as a 32-bit big-endian length
 * followed by the UTF-8 text, then disconnects. Each fortune sent is also
 * printed as "SENT <text>". A bare name lives in $TMPDIR (else /tmp), as
 * in Qt 6; the socket file is removed when the server stops listening.
 * The delivery is shared with fortune-server (fortune-common.c).
 *
 * Usage: local-fortune-server [--name NAME] [--count N] [--split]
 *   --name NAME  the server name or socket path (default: "fortune")
 *   --count N    exit after serving N clients (default: serve forever)
 *   --split      send each frame in two writes, a moment apart, so that
 *                clients must put a split frame back together
 */

#include <stdio.h>
#include <stdlib.h>
#include <qsock/qsock.h>

#include "fortune-common.h"

static gboolean
flush_local (QsIODevice *connection)
{
  return qs_local_socket_flush (QS_LOCAL_SOCKET (connection));
}

static void
disconnect_local (QsIODevice *connection)
{
  qs_local_socket_disconnect_from_server (QS_LOCAL_SOCKET (connection));
}

static void
on_new_connection (QsLocalServer *local_server,
                   gpointer       user_data)
{
  FortuneServer *server = user_data;
  QsLocalSocket *client;

  while ((client = qs_local_server_next_pending_connection (local_server)) != NULL)
    if (fortune_server_serve (server, QS_IO_DEVICE (client)))
      qs_local_server_close (local_server);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsLocalServer) local_server = NULL;
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  FortuneServer server;
  int count = 0;
  gboolean split = FALSE;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "Server name or socket path (default: fortune)", "NAME" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Exit after serving N clients", "N" },
    { "split", 0, 0, G_OPTION_ARG_NONE, &split, "Send each frame in two parts", NULL },
    { NULL }
  };

  options = g_option_context_new ("- qsock local fortune server");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || (name && name[0] == '\0'))
    {
      g_printerr ("local-fortune-server: %s\n", error ? error->message : "bad --name");
      return 2;
    }

  local_server = qs_local_server_new ();
  if (!qs_local_server_listen (local_server, name ? name : "fortune"))
    {
      g_printerr ("local-fortune-server: %s\n", qs_local_server_get_error_string (local_server));
      return 1;
    }
  fortune_server_init (&server, count, split, flush_local, disconnect_local);
  g_signal_connect (local_server, "new-connection", G_CALLBACK (on_new_connection), &server);

  printf ("NAME %s\n", qs_local_server_get_server_name (local_server));
  fflush (stdout);

  fortune_server_run (&server);
  g_signal_handlers_disconnect_by_data (local_server, &server);
  fortune_server_clear (&server);
  return 0;
}
