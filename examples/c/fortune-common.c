/* fortune-common.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the TCP and the local fortune examples share; see fortune-common.h.
 */

#include <stdio.h>
#include <string.h>

#include "fortune-common.h"

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
  FortuneServer *server;
  QsIODevice    *connection;  /* (owned) */
  GByteArray    *rest;        /* (owned): the second half of a split frame */
} Delivery;

void
fortune_server_init (FortuneServer         *server,
                     int                    count,
                     gboolean               split,
                     FortuneFlushFunc       flush,
                     FortuneDisconnectFunc  disconnect)
{
  server->loop = g_main_loop_new (NULL, FALSE);
  server->remaining = count > 0 ? count : -1;
  server->open_clients = 0;
  server->split = split;
  server->flush = flush;
  server->disconnect = disconnect;
}

static void
maybe_quit (FortuneServer *server)
{
  if (server->remaining == 0 && server->open_clients == 0)
    g_main_loop_quit (server->loop);
}

static void
on_client_disconnected (QsIODevice *connection,
                        gpointer    user_data)
{
  FortuneServer *server = user_data;

  server->open_clients--;
  g_signal_handlers_disconnect_by_data (connection, server);
  g_object_unref (connection);
  maybe_quit (server);
}

static gboolean
send_rest (gpointer user_data)
{
  Delivery *delivery = user_data;

  qs_io_device_write (delivery->connection, delivery->rest->data, delivery->rest->len);
  delivery->server->disconnect (delivery->connection);
  g_object_unref (delivery->connection);
  g_byte_array_unref (delivery->rest);
  g_free (delivery);
  return G_SOURCE_REMOVE;
}

/* Sends one random fortune to a connection just accepted (and owned by
 * the server from now on) and disconnects it; a split frame goes out in
 * two writes, a moment apart. Returns TRUE when that was the last client
 * to serve: the caller stops listening. */
gboolean
fortune_server_serve (FortuneServer *server,
                      QsIODevice    *connection)
{
  const char *fortune = fortunes[g_random_int_range (0, G_N_ELEMENTS (fortunes))];
  guint32 length = GUINT32_TO_BE ((guint32) strlen (fortune));
  g_autoptr(GByteArray) frame = g_byte_array_new ();

  g_byte_array_append (frame, (const guint8 *) &length, sizeof length);
  g_byte_array_append (frame, (const guint8 *) fortune, strlen (fortune));
  printf ("SENT %s\n", fortune);
  fflush (stdout);

  server->open_clients++;
  if (server->remaining > 0)
    server->remaining--;
  g_signal_connect (connection, "disconnected", G_CALLBACK (on_client_disconnected), server);

  if (server->split)
    {
      Delivery *delivery = g_new0 (Delivery, 1);
      guint half = frame->len / 2;

      qs_io_device_write (connection, frame->data, half);
      server->flush (connection);
      delivery->server = server;
      delivery->connection = g_object_ref (connection);
      delivery->rest = g_byte_array_new ();
      g_byte_array_append (delivery->rest, frame->data + half, frame->len - half);
      g_timeout_add (50, send_rest, delivery);
    }
  else
    {
      qs_io_device_write (connection, frame->data, frame->len);
      server->disconnect (connection);
    }

  return server->remaining == 0;
}

void
fortune_server_run (FortuneServer *server)
{
  g_main_loop_run (server->loop);
}

void
fortune_server_clear (FortuneServer *server)
{
  g_clear_pointer (&server->loop, g_main_loop_unref);
}

static void
client_finish (FortuneClient *client,
               int            status)
{
  client->status = status;
  client->finished = TRUE;
  g_main_loop_quit (client->loop);
}

/* Reads a whole frame or nothing. */
static void
on_ready_read (QsIODevice *device,
               gpointer    user_data)
{
  FortuneClient *client = user_data;
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
  client_finish (client, 0);
}

/* error-occurred of both socket classes: (socket, error code). */
static void
on_error_occurred (QsIODevice *device,
                   int         error,
                   gpointer    user_data)
{
  FortuneClient *client = user_data;

  /* The server closes right after the fortune; that is the normal end. */
  if (client->done || error == client->closed_error)
    return;
  g_printerr ("%s: %s\n", client->program, qs_io_device_get_error_string (device));
  client_finish (client, 1);
}

static void
on_disconnected (QsIODevice *device,
                 gpointer    user_data)
{
  FortuneClient *client = user_data;

  /* After an error (said already), the socket disconnects too. */
  if (!client->done && !client->finished)
    {
      g_printerr ("%s: the server closed before sending a whole fortune\n", client->program);
      client_finish (client, 1);
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  FortuneClient *client = user_data;

  client->timeout_id = 0;
  g_printerr ("%s: timed out\n", client->program);
  client_finish (client, 1);
  return G_SOURCE_REMOVE;
}

/* Watches a socket that is not connected yet. */
void
fortune_client_init (FortuneClient *client,
                     const char    *program,
                     gpointer       socket,
                     int            closed_error)
{
  client->program = program;
  client->loop = g_main_loop_new (NULL, FALSE);
  client->closed_error = closed_error;
  client->status = 1;
  client->done = FALSE;
  client->finished = FALSE;
  g_signal_connect (socket, "ready-read", G_CALLBACK (on_ready_read), client);
  g_signal_connect (socket, "error-occurred", G_CALLBACK (on_error_occurred), client);
  g_signal_connect (socket, "disconnected", G_CALLBACK (on_disconnected), client);
}

/* Runs until a fortune was printed, an error, or 10 s; the connect was
 * started already (a local connect may have failed before this). */
int
fortune_client_run (FortuneClient *client,
                    gpointer       socket)
{
  client->timeout_id = g_timeout_add_seconds (10, on_timeout, client);
  if (!client->finished)
    g_main_loop_run (client->loop);
  g_clear_handle_id (&client->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (socket, client);
  g_clear_pointer (&client->loop, g_main_loop_unref);
  return client->status;
}
