/* fortune-client.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's fortune client, re-done with qsock: connects, reads one fortune
 * framed as a 32-bit big-endian length followed by UTF-8 text, prints it
 * and exits. The frame is read inside a transaction: when only part of
 * it has arrived, the transaction is rolled back and the client waits for
 * the next ready-read, so a frame split over several reads is handled
 * (fortune-common.c, shared with local-fortune-client).
 *
 * Usage: fortune-client HOST PORT
 */

#include <stdio.h>
#include <stdlib.h>
#include <qsock/qsock.h>

#include "fortune-common.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsTcpSocket) socket = NULL;
  FortuneClient client;
  long port;

  if (argc != 3 || (port = strtol (argv[2], NULL, 10)) <= 0 || port > 65535)
    {
      g_printerr ("usage: fortune-client HOST PORT\n");
      return 2;
    }

  socket = qs_tcp_socket_new ();
  /* The server closes right after the fortune; that is the normal end. */
  fortune_client_init (&client, "fortune-client", socket,
                       QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR);
  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), argv[1], (guint16) port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  return fortune_client_run (&client, socket);
}
