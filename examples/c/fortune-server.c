/* fortune-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's fortune server, re-done with qsock: listens on 127.0.0.1, prints
 * "PORT <n>", and sends every client one random fortune framed as a
 * 32-bit big-endian length followed by the UTF-8 text, then disconnects.
 * Each fortune sent is also printed as "SENT <text>".
 *
 * Usage: fortune-server [--port N] [--count N] [--split]
 *   --count N  exit after serving N clients (default: serve forever)
 *   --split    send each frame in two writes, a moment apart, so that
 *              clients must put a split frame back together
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qsock/qsock.h>

static const char *const fortunes[] = {
  "You've been leading a dog's life. Stay off the furniture.",
  "You've got to think about tomorrow.",
  "You will be surprised by a loud noise.",
  "You will feel hungry again in another hour.",
  "You might have mail.",
  "You cannot kill time without injuring eternity.",
  "Computers are not intelligent. They only think they are.",
};

typedef struct
{
  GMainLoop *loop;
  int        remaining;   /* clients still to serve; -1: forever */
  int        open_clients;
  gboolean   split;
} Server;

typedef struct
{
  QsTcpSocket *socket;    /* (owned) */
  GByteArray  *rest;      /* (owned) (nullable): the second half of a split frame */
} Delivery;

static void
maybe_quit (Server *server)
{
  if (server->remaining == 0 && server->open_clients == 0)
    g_main_loop_quit (server->loop);
}

static void
on_client_disconnected (QsAbstractSocket *socket,
                        gpointer          user_data)
{
  Server *server = user_data;

  server->open_clients--;
  g_signal_handlers_disconnect_by_data (socket, server);
  g_object_unref (socket);
  maybe_quit (server);
}

static gboolean
send_rest (gpointer user_data)
{
  Delivery *delivery = user_data;

  qs_io_device_write (QS_IO_DEVICE (delivery->socket), delivery->rest->data, delivery->rest->len);
  qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (delivery->socket));
  g_object_unref (delivery->socket);
  g_byte_array_unref (delivery->rest);
  g_free (delivery);
  return G_SOURCE_REMOVE;
}

static void
on_new_connection (QsTcpServer *tcp_server,
                   gpointer     user_data)
{
  Server *server = user_data;
  QsTcpSocket *client;

  while ((client = qs_tcp_server_next_pending_connection (tcp_server)) != NULL)
    {
      const char *fortune = fortunes[g_random_int_range (0, G_N_ELEMENTS (fortunes))];
      guint32 length = GUINT32_TO_BE ((guint32) strlen (fortune));
      g_autoptr(GByteArray) frame = g_byte_array_new ();
      QsIODevice *device = QS_IO_DEVICE (client);

      g_byte_array_append (frame, (const guint8 *) &length, sizeof length);
      g_byte_array_append (frame, (const guint8 *) fortune, strlen (fortune));
      printf ("SENT %s\n", fortune);
      fflush (stdout);

      server->open_clients++;
      if (server->remaining > 0)
        server->remaining--;
      g_signal_connect (client, "disconnected", G_CALLBACK (on_client_disconnected), server);

      if (server->split)
        {
          Delivery *delivery = g_new0 (Delivery, 1);
          guint half = frame->len / 2;

          qs_io_device_write (device, frame->data, half);
          qs_abstract_socket_flush (QS_ABSTRACT_SOCKET (client));
          delivery->socket = g_object_ref (client);
          delivery->rest = g_byte_array_new ();
          g_byte_array_append (delivery->rest, frame->data + half, frame->len - half);
          g_timeout_add (50, send_rest, delivery);
        }
      else
        {
          qs_io_device_write (device, frame->data, frame->len);
          qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (client));
        }

      if (server->remaining == 0)
        qs_tcp_server_close (tcp_server);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsTcpServer) tcp_server = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  Server server = { NULL, -1, 0, FALSE };
  int port = 0;
  int count = 0;
  gboolean split = FALSE;
  GOptionEntry entries[] = {
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port to listen on (0: any free port)", "N" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Exit after serving N clients", "N" },
    { "split", 0, 0, G_OPTION_ARG_NONE, &split, "Send each frame in two parts", NULL },
    { NULL }
  };

  options = g_option_context_new ("- qsock fortune server");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || port < 0 || port > 65535)
    {
      g_printerr ("fortune-server: %s\n", error ? error->message : "bad --port");
      return 2;
    }

  server.loop = g_main_loop_new (NULL, FALSE);
  server.remaining = count > 0 ? count : -1;
  server.split = split;

  tcp_server = qs_tcp_server_new ();
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  if (!qs_tcp_server_listen (tcp_server, loopback, port))
    {
      g_printerr ("fortune-server: %s\n", qs_tcp_server_get_error_string (tcp_server));
      g_main_loop_unref (server.loop);
      return 1;
    }
  g_signal_connect (tcp_server, "new-connection", G_CALLBACK (on_new_connection), &server);

  printf ("PORT %u\n", qs_tcp_server_get_server_port (tcp_server));
  fflush (stdout);

  g_main_loop_run (server.loop);
  g_main_loop_unref (server.loop);
  return 0;
}
