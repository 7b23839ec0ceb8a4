/* fortune-client.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's fortune client, re-done with qsock: connects, reads one fortune
 * framed as a 32-bit big-endian length followed by UTF-8 text, prints it
 * and exits. The frame is read inside a transaction: when only part of
 * it has arrived, the transaction is rolled back and the client waits for
 * the next ready-read, so a frame split over several reads is handled.
 *
 * Usage: fortune-client HOST PORT
 */

#include <stdio.h>
#include <stdlib.h>
#include <qsock/qsock.h>

typedef struct
{
  GMainLoop *loop;
  int        status;
  gboolean   done;
} Client;

/* Reads a whole frame or nothing. */
static void
on_ready_read (QsIODevice *device,
               gpointer    user_data)
{
  Client *client = user_data;
  guint32 length = 0;
  g_autofree char *fortune = NULL;

  if (client->done)
    return;

  qs_io_device_start_transaction (device);
  if (qs_io_device_read (device, (guint8 *) &length, sizeof length) != sizeof length)
    {
      qs_io_device_rollback_transaction (device);
      return;
    }
  length = GUINT32_FROM_BE (length);
  fortune = g_malloc (length + 1);
  if (qs_io_device_read (device, (guint8 *) fortune, length) != (gint64) length)
    {
      qs_io_device_rollback_transaction (device);
      return;
    }
  qs_io_device_commit_transaction (device);

  fortune[length] = '\0';
  printf ("%s\n", fortune);
  fflush (stdout);
  client->done = TRUE;
  client->status = 0;
  g_main_loop_quit (client->loop);
}

static void
on_error_occurred (QsAbstractSocket *socket,
                   QsSocketError     error,
                   gpointer          user_data)
{
  Client *client = user_data;

  /* The server closes right after the fortune; that is the normal end. */
  if (client->done || error == QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR)
    return;
  g_printerr ("fortune-client: %s\n", qs_io_device_get_error_string (QS_IO_DEVICE (socket)));
  client->status = 1;
  g_main_loop_quit (client->loop);
}

static void
on_disconnected (QsAbstractSocket *socket,
                 gpointer          user_data)
{
  Client *client = user_data;

  if (!client->done)
    {
      g_printerr ("fortune-client: the server closed before sending a whole fortune\n");
      client->status = 1;
      g_main_loop_quit (client->loop);
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  Client *client = user_data;

  g_printerr ("fortune-client: timed out\n");
  client->status = 1;
  g_main_loop_quit (client->loop);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsTcpSocket) socket = NULL;
  Client client = { NULL, 1, FALSE };
  guint timeout_id;
  long port;

  if (argc != 3 || (port = strtol (argv[2], NULL, 10)) <= 0 || port > 65535)
    {
      g_printerr ("usage: fortune-client HOST PORT\n");
      return 2;
    }

  client.loop = g_main_loop_new (NULL, FALSE);
  socket = qs_tcp_socket_new ();
  g_signal_connect (socket, "ready-read", G_CALLBACK (on_ready_read), &client);
  g_signal_connect (socket, "error-occurred", G_CALLBACK (on_error_occurred), &client);
  g_signal_connect (socket, "disconnected", G_CALLBACK (on_disconnected), &client);
  timeout_id = g_timeout_add_seconds (10, on_timeout, &client);

  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), argv[1], (guint16) port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_main_loop_run (client.loop);

  g_source_remove (timeout_id);
  g_signal_handlers_disconnect_by_data (socket, &client);
  g_main_loop_unref (client.loop);
  return client.status;
}
