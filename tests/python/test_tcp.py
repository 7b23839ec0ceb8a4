#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock through PyGObject: a Qs.TcpServer and a Qs.TcpSocket in one
process on the default GLib main context do a real exchange. Proves the
typelib and its annotations: bytes in and out (bytes-like arguments and
the GLib.Bytes twins), signals with arguments, enums and flags by name,
properties with notify, and a refused connection's error-occurred.

Waits by iterating the main context until a condition holds or a GLib
timeout fails the test; nothing sleeps.
"""

import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

import qs_test_helpers  # noqa: E402
from qs_test_helpers import run_until  # noqa: E402

TCP_SIGNALS = ('host-found', 'connected', 'disconnected', 'ready-read',
               'read-channel-finished', 'about-to-close')


def loopback():
    return Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4)


def trace(socket, log):
    """Log every QsAbstractSocket signal with its arguments into log."""
    qs_test_helpers.trace(socket, log, TCP_SIGNALS)


class TcpExchangeTest(unittest.TestCase):

    def setUp(self):
        self.server = Qs.TcpServer.new()
        self.assertTrue(self.server.listen(loopback(), 0))
        self.port = self.server.get_server_port()
        self.accepted = []
        self.server.connect('new-connection',
                            lambda s: self.accepted.append(s.next_pending_connection()))

    def tearDown(self):
        self.server.close()

    def connect_client(self):
        client = Qs.TcpSocket.new()
        log = []
        trace(client, log)
        client.connect_to_host('127.0.0.1', self.port, Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        run_until(lambda: self.accepted and
                  client.get_state() == Qs.SocketState.CONNECTED_STATE)
        return client, log, self.accepted.pop(0)

    def test_fresh_socket_properties(self):
        socket = Qs.TcpSocket()
        self.assertEqual(socket.props.state, Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(socket.props.error, Qs.SocketError.UNKNOWN_SOCKET_ERROR)
        self.assertEqual(socket.props.error_string, 'Unknown error')
        self.assertEqual(socket.props.socket_type, Qs.SocketType.TCP_SOCKET)
        self.assertEqual(socket.props.open_mode, Qs.OpenMode.NOT_OPEN)
        self.assertIsNone(socket.props.peer_name)
        self.assertEqual(socket.get_socket_descriptor(), -1)
        self.assertFalse(socket.is_valid())

    def test_connect_signals_and_notify(self):
        client = Qs.TcpSocket.new()
        log = []
        trace(client, log)
        notified = []
        client.connect('notify::state', lambda s, pspec: notified.append(s.props.state))
        client.connect_to_host('127.0.0.1', self.port, Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        self.assertEqual(log, ['state-changed(host-lookup-state)',
                               'state-changed(connecting-state)', 'host-found'])
        run_until(lambda: 'connected' in log)
        self.assertEqual(log[3:], ['state-changed(connected-state)', 'connected'])
        self.assertEqual(notified, [Qs.SocketState.HOST_LOOKUP_STATE,
                                    Qs.SocketState.CONNECTING_STATE,
                                    Qs.SocketState.CONNECTED_STATE])
        self.assertEqual(client.props.peer_name, '127.0.0.1')
        self.assertEqual(client.props.peer_port, self.port)
        run_until(lambda: self.accepted)
        accepted = self.accepted[0]
        self.assertEqual(accepted.get_peer_port(), client.get_local_port())
        self.assertEqual(accepted.get_peer_address().to_string(), '127.0.0.1')
        self.assertIsNone(accepted.get_peer_name())
        self.assertEqual(accepted.get_open_mode(), Qs.OpenMode.READ_WRITE)

    def test_bytes_in_and_out(self):
        client, log, accepted = self.connect_client()
        # One flush for all three writes, announced once.
        qs_test_helpers.check_three_writes(self, client, log, accepted)
        self.assertEqual(accepted.get_char(), b'l')
        accepted.unget_char(ord('L'))
        self.assertEqual(accepted.read_line_bytes(5).get_data(), b'Line')
        self.assertEqual(accepted.read_bytes(3).get_data(), b' tw')
        self.assertEqual(accepted.read_all(), b'o\n')
        self.assertEqual(accepted.bytes_available(), 0)

    def test_remote_close(self):
        client, log, accepted = self.connect_client()
        accepted.write(b'bye')
        accepted.disconnect_from_host()
        run_until(lambda: client.get_state() == Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(log[-6:], ['ready-read', 'error-occurred(remote-host-closed-error)',
                                    'state-changed(closing-state)',
                                    'state-changed(unconnected-state)',
                                    'read-channel-finished', 'disconnected'])
        self.assertEqual(client.get_error(), Qs.SocketError.REMOTE_HOST_CLOSED_ERROR)
        self.assertEqual(client.get_error_string(), 'The remote host closed the connection')
        self.assertTrue(client.is_open())
        self.assertEqual(client.bytes_available(), 3)
        self.assertEqual(client.read_all(), b'bye')
        self.assertEqual(client.write(b'x'), -1)
        self.assertEqual(client.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)
        self.assertEqual(client.get_error_string(), 'Socket is not connected')

    def test_connection_refused(self):
        self.server.close()
        client = Qs.TcpSocket.new()
        log = []
        trace(client, log)
        client.connect_to_host('127.0.0.1', self.port, Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        run_until(lambda: client.get_state() == Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(log, ['state-changed(host-lookup-state)',
                               'state-changed(connecting-state)', 'host-found',
                               'state-changed(unconnected-state)',
                               'error-occurred(connection-refused-error)'])
        self.assertEqual(client.get_error_string(), 'Connection refused')

    def test_error_domain(self):
        self.assertEqual(GLib.quark_to_string(Qs.socket_error_quark()), 'qs-socket-error-quark')
        self.assertEqual(int(Qs.SocketError.CONNECTION_REFUSED_ERROR), 0)
        self.assertEqual(int(Qs.SocketError.UNKNOWN_SOCKET_ERROR), -1)
        self.assertEqual(int(Qs.OpenMode.READ_WRITE), 3)


if __name__ == '__main__':
    unittest.main(verbosity=2)
