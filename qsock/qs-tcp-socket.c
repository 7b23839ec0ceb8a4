/* qs-tcp-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsTcpSocket: a TCP socket (Qt's QTcpSocket). It adds nothing to
 * QsAbstractSocket but its type; it is derivable because Qt applications
 * subclass QTcpSocket.
 */

#include "config.h"

#include "qs-abstract-socket-private.h"
#include "qs-tcp-socket.h"

/**
 * QsTcpSocket:
 *
 * A TCP connection (Qt's `QTcpSocket`): everything is in
 * [class@Qs.AbstractSocket] and [class@Qs.IODevice].
 *
 * ```python
 * from gi.repository import GLib, Qs
 *
 * sock = Qs.TcpSocket.new()
 * sock.connect("connected", lambda s: s.write(b"hello\n"))
 * sock.connect("ready-read", lambda s: print(s.read_all().get_data()))
 * sock.connect_to_host("localhost", 7000, Qs.OpenMode.READ_WRITE,
 *                      Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
 * GLib.MainLoop().run()
 * ```
 *
 * Since: 1.0
 */

G_DEFINE_TYPE (QsTcpSocket, qs_tcp_socket, QS_TYPE_ABSTRACT_SOCKET)

static void
qs_tcp_socket_class_init (QsTcpSocketClass *klass)
{
}

static void
qs_tcp_socket_init (QsTcpSocket *self)
{
  _qs_abstract_socket_init_socket_type (QS_ABSTRACT_SOCKET (self), QS_SOCKET_TYPE_TCP_SOCKET);
}

/**
 * qs_tcp_socket_new:
 *
 * Creates an unconnected TCP socket bound to the thread-default main
 * context. Qt: `QTcpSocket()`.
 *
 * Returns: (transfer full): a new socket
 *
 * Since: 1.0
 */
QsTcpSocket *
qs_tcp_socket_new (void)
{
  return g_object_new (QS_TYPE_TCP_SOCKET, NULL);
}
