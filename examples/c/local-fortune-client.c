/* local-fortune-client.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's local fortune client, re-done with qsock: connects to a local
 * server by name, reads one fortune framed as a 32-bit big-endian length
 * followed by UTF-8 text, prints it and exits. The frame is read inside a
 * transaction: when only part of it has arrived, the transaction is
 * rolled back and the client waits for the next ready-read, so a frame
 * split over several reads is handled (fortune-common.c, shared with
 * fortune-client). A local connect is synchronous: a missing server is
 * reported before the main loop runs.
 *
 * Usage: local-fortune-client NAME
 */

#include <stdio.h>
#include <stdlib.h>
#include <qsock/qsock.h>

#include "fortune-common.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(QsLocalSocket) socket = NULL;
  FortuneClient client;

  if (argc != 2 || argv[1][0] == '\0')
    {
      g_printerr ("usage: local-fortune-client NAME\n");
      return 2;
    }

  socket = qs_local_socket_new ();
  /* The server closes right after the fortune; that is the normal end. */
  fortune_client_init (&client, "local-fortune-client", socket,
                       QS_LOCAL_SOCKET_ERROR_PEER_CLOSED_ERROR);
  qs_local_socket_connect_to_server (socket, argv[1], QS_OPEN_MODE_READ_WRITE);
  return fortune_client_run (&client, socket);
}
