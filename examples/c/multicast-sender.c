/* multicast-sender.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's multicast sender example, re-done with qsock: binds a UDP socket
 * to the any address of the group's family, sets the multicast TTL and
 * sends "Message N" (N from 1) to the group and port every interval,
 * printing each as "SENT Message N". The command line, the binding and
 * the main loop are shared with multicast-receiver (multicast-common.c).
 *
 * Usage: multicast-sender [--group ADDRESS] [--port N] [--count N]
 *                         [--interval MS] [--ttl N]
 *   --count N  exit after sending N datagrams (default: send forever)
 */

#include <stdio.h>
#include <string.h>
#include <qsock/qsock.h>

#include "multicast-common.h"

typedef struct
{
  Multicast   *multicast;
  QsUdpSocket *socket;
  guint        timer;   /* the interval's source, 0 once it is removed */
} Sender;

static gboolean
send_datagram (gpointer user_data)
{
  Sender *sender = user_data;
  Multicast *multicast = sender->multicast;
  g_autofree char *text = g_strdup_printf ("Message %d", multicast->done + 1);
  gsize size = strlen (text);

  if (qs_udp_socket_write_datagram (sender->socket, (const guint8 *) text, size,
                                    multicast->group, (guint16) multicast->port) != (gint64) size)
    {
      multicast_fail (multicast, sender->socket);
      sender->timer = 0;
      return G_SOURCE_REMOVE;
    }
  printf ("SENT %s\n", text);
  fflush (stdout);
  if (!multicast_count (multicast))
    return G_SOURCE_CONTINUE;
  sender->timer = 0;
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsUdpSocket) socket = NULL;
  Multicast multicast;
  Sender sender = { &multicast, NULL, 0 };
  int status;

  if (!multicast_init (&multicast, "multicast-sender", "- qsock multicast sender",
                       TRUE, &argc, &argv))
    return 2;

  socket = multicast_bind (&multicast, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  if (socket != NULL)
    {
      qs_abstract_socket_set_socket_option (QS_ABSTRACT_SOCKET (socket),
                                            QS_SOCKET_OPTION_MULTICAST_TTL_OPTION, multicast.ttl);
      sender.socket = socket;
      sender.timer = g_timeout_add (multicast.interval, send_datagram, &sender);
    }
  status = multicast_run (&multicast);
  g_clear_handle_id (&sender.timer, g_source_remove);
  return status;
}
