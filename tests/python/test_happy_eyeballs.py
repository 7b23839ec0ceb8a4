#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The happy-eyeballs property through PyGObject: a Qs.TcpSocket that
races "localhost" (::1 and 127.0.0.1, looked up in parallel) to a
Qs.TcpServer on both loopbacks connects over IPv6, tried first, with
the trace of a plain connect: one host-found, one connected."""

import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Qs  # noqa: E402

import qs_test_helpers  # noqa: E402
from qs_test_helpers import run_until  # noqa: E402


@unittest.skipUnless(qs_test_helpers.ipv6_available(), 'IPv6 loopback is not available')
class HappyEyeballsTest(unittest.TestCase):

    def test_property(self):
        socket = Qs.TcpSocket.new()
        notified = []
        socket.connect('notify::happy-eyeballs', lambda s, pspec: notified.append(s.props.happy_eyeballs))
        self.assertFalse(socket.get_happy_eyeballs())
        socket.set_happy_eyeballs(True)
        socket.props.happy_eyeballs = True
        self.assertTrue(socket.props.happy_eyeballs)
        self.assertEqual(notified, [True])

    def test_connect_localhost(self):
        server = Qs.TcpServer.new()
        self.assertTrue(server.listen(None, 0))
        accepted = []
        server.connect('new-connection',
                       lambda s: accepted.append(s.next_pending_connection()))
        client = Qs.TcpSocket.new()
        client.props.happy_eyeballs = True
        log = []
        qs_test_helpers.trace(client, log, ('host-found', 'connected', 'disconnected'))
        client.connect_to_host('localhost', server.get_server_port(), Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        self.assertEqual(log, ['state-changed(host-lookup-state)'])
        run_until(lambda: accepted and client.get_state() == Qs.SocketState.CONNECTED_STATE)
        self.assertEqual(log, ['state-changed(host-lookup-state)', 'state-changed(connecting-state)',
                               'host-found', 'state-changed(connected-state)', 'connected'])
        self.assertEqual(client.get_peer_address().to_string(), '::1')
        self.assertEqual(client.get_peer_name(), 'localhost')
        self.assertEqual(len(accepted), 1)
        server.close()


if __name__ == '__main__':
    unittest.main()
