/* hello-qsock.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The external program of the install test: built against an installed
 * qsock with `pkg-config --cflags --libs qsock-1.0`, it sends "hello"
 * through a loopback TCP connection using the blocking wait calls (no
 * main loop) and prints the version and what was received.
 */

#include <qsock/qsock.h>

int
main (void)
{
  g_autoptr(QsTcpServer) server = qs_tcp_server_new ();
  g_autoptr(QsTcpSocket) client = qs_tcp_socket_new ();
  g_autoptr(QsTcpSocket) peer = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  guint8 received[8] = { 0 };

  if (!qs_tcp_server_listen (server, loopback, 0))
    return 1;
  qs_abstract_socket_connect_to_address (QS_ABSTRACT_SOCKET (client), loopback,
                                         qs_tcp_server_get_server_port (server),
                                         QS_OPEN_MODE_READ_WRITE);
  if (!qs_abstract_socket_wait_for_connected (QS_ABSTRACT_SOCKET (client), 5000) ||
      !qs_tcp_server_wait_for_new_connection (server, 5000, NULL))
    return 2;
  peer = qs_tcp_server_next_pending_connection (server);
  if (qs_io_device_write (QS_IO_DEVICE (client), (const guint8 *) "hello", 5) != 5 ||
      !qs_io_device_wait_for_bytes_written (QS_IO_DEVICE (client), 5000) ||
      !qs_io_device_wait_for_ready_read (QS_IO_DEVICE (peer), 5000) ||
      qs_io_device_read (QS_IO_DEVICE (peer), received, sizeof received) != 5)
    return 3;
  g_print ("qsock %s: %s\n", QS_VERSION_S, (const char *) received);
  return 0;
}
