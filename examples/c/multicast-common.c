/* multicast-common.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the multicast sender and receiver share; see multicast-common.h.
 */

#include <stdio.h>

#include "multicast-common.h"

/* Parses the command line; on a bad one prints why and returns FALSE
 * (exit code 2). The sender also takes --interval and --ttl. */
gboolean
multicast_init (Multicast    *multicast,
                const char   *program,
                const char   *summary,
                gboolean      sender,
                int          *argc,
                char       ***argv)
{
  g_autofree char *group = NULL;
  g_autoptr(GOptionContext) options = NULL;
  g_autoptr(GError) error = NULL;
  const char *group_text;
  const char *problem = NULL;
  gboolean parsed;
  GOptionEntry entries[] = {
    { "group", 0, 0, G_OPTION_ARG_STRING, &group,
      "Multicast group address (default " MULTICAST_DEFAULT_GROUP ")", "ADDRESS" },
    { "port", 0, 0, G_OPTION_ARG_INT, &multicast->port,
      "UDP port (default " G_STRINGIFY (MULTICAST_DEFAULT_PORT) ")", "N" },
    { "count", 0, 0, G_OPTION_ARG_INT, &multicast->count,
      sender ? "Stop after sending N datagrams" : "Stop after receiving N datagrams", "N" },
    { "interval", 0, 0, G_OPTION_ARG_INT, &multicast->interval,
      "Milliseconds between datagrams (default 1000)", "MS" },
    { "ttl", 0, 0, G_OPTION_ARG_INT, &multicast->ttl,
      "Time to live of the datagrams (default 1)", "N" },
    { NULL }
  };

  multicast->program = program;
  multicast->group = NULL;
  multicast->port = MULTICAST_DEFAULT_PORT;
  multicast->count = 0;
  multicast->interval = 1000;
  multicast->ttl = 1;
  multicast->done = 0;
  multicast->status = 0;
  multicast->loop = NULL;
  if (!sender)
    entries[3] = (GOptionEntry) { NULL };   /* --interval and --ttl are the sender's */

  options = g_option_context_new (summary);
  g_option_context_add_main_entries (options, entries, NULL);
  parsed = g_option_context_parse (options, argc, argv, &error);
  group_text = group != NULL ? group : MULTICAST_DEFAULT_GROUP;
  if (!parsed)
    problem = error->message;
  else if (*argc != 1)
    problem = "unexpected arguments";
  else if (multicast->port <= 0 || multicast->port > 65535)
    problem = "bad --port";
  else if (multicast->count < 0 || multicast->interval <= 0)
    problem = "bad --count or --interval";
  else if ((multicast->group = g_inet_address_new_from_string (group_text)) == NULL)
    problem = "--group is not an address";
  else if (!g_inet_address_get_is_multicast (multicast->group))
    problem = "--group is not a multicast address";

  if (problem != NULL)
    {
      g_printerr ("%s: %s\n", program, problem);
      g_clear_object (&multicast->group);
      return FALSE;
    }
  multicast->loop = g_main_loop_new (NULL, FALSE);
  return TRUE;
}

/* A new socket bound to the any address of the group's family; NULL
 * (error printed, status 1) when that fails. */
QsUdpSocket *
multicast_bind (Multicast   *multicast,
                guint16      port,
                QsBindFlags  flags)
{
  g_autoptr(QsUdpSocket) socket = qs_udp_socket_new ();
  GSocketFamily family = g_inet_address_get_family (multicast->group);
  g_autoptr(GInetAddress) any = g_inet_address_new_any (family);

  if (!qs_abstract_socket_bind (QS_ABSTRACT_SOCKET (socket), any, port, flags))
    {
      multicast_fail (multicast, socket);
      return NULL;
    }
  return g_steal_pointer (&socket);
}

/* Prints the socket's error and ends the loop with status 1. */
void
multicast_fail (Multicast   *multicast,
                QsUdpSocket *socket)
{
  g_printerr ("%s: %s\n", multicast->program,
              qs_io_device_get_error_string (QS_IO_DEVICE (socket)));
  multicast->status = 1;
  if (multicast->loop != NULL)
    g_main_loop_quit (multicast->loop);
}

/* Counts one datagram sent or received; TRUE (and the loop ends) when
 * that was the last one of --count. */
gboolean
multicast_count (Multicast *multicast)
{
  multicast->done++;
  if (multicast->count > 0 && multicast->done >= multicast->count)
    {
      g_main_loop_quit (multicast->loop);
      return TRUE;
    }
  return FALSE;
}

/* Runs the main loop until multicast_count() or multicast_fail() ends
 * it; frees what multicast_init() made and returns the exit code. */
int
multicast_run (Multicast *multicast)
{
  if (multicast->status == 0)
    g_main_loop_run (multicast->loop);
  g_clear_pointer (&multicast->loop, g_main_loop_unref);
  g_clear_object (&multicast->group);
  return multicast->status;
}
