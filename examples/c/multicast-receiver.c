/* multicast-receiver.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's multicast receiver example, re-done with qsock: binds a UDP
 * socket to the any address of the group's family and the port (sharing
 * the address, as Qt's example), joins the group, prints "JOINED", then
 * prints each datagram received as "RECEIVED <text>". The command line,
 * the binding and the main loop are shared with multicast-sender
 * (multicast-common.c).
 *
 * Usage: multicast-receiver [--group ADDRESS] [--port N] [--count N]
 *   --count N  exit after receiving N datagrams (default: run forever)
 */

#include <stdio.h>
#include <qsock/qsock.h>

#include "multicast-common.h"

static void
on_ready_read (QsUdpSocket *socket,
               gpointer     user_data)
{
  Multicast *multicast = user_data;

  while (qs_udp_socket_has_pending_datagrams (socket))
    {
      g_autoptr(QsNetworkDatagram) datagram = qs_udp_socket_receive_datagram (socket, -1);
      g_autoptr(GBytes) data = qs_network_datagram_get_data (datagram);
      gsize size;
      const char *text = g_bytes_get_data (data, &size);

      printf ("RECEIVED %.*s\n", (int) size, text ? text : "");
      fflush (stdout);
      if (multicast_count (multicast))
        {
          g_signal_handlers_disconnect_by_data (socket, multicast);
          return;
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsUdpSocket) socket = NULL;
  Multicast multicast;

  if (!multicast_init (&multicast, "multicast-receiver", "- qsock multicast receiver",
                       FALSE, &argc, &argv))
    return 2;

  socket = multicast_bind (&multicast, (guint16) multicast.port,
                           QS_BIND_FLAGS_SHARE_ADDRESS | QS_BIND_FLAGS_REUSE_ADDRESS_HINT);
  if (socket != NULL)
    {
      if (qs_udp_socket_join_multicast_group (socket, multicast.group, NULL))
        {
          g_signal_connect (socket, "ready-read", G_CALLBACK (on_ready_read), &multicast);
          printf ("JOINED\n");
          fflush (stdout);
        }
      else
        multicast_fail (&multicast, socket);
    }
  return multicast_run (&multicast);
}
