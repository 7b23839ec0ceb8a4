#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock through PyGObject: Qs.UdpSocket and the boxed Qs.NetworkDatagram
in one process on the default GLib main context. Proves the typelib and
its annotations for UDP: Qs.BindFlags, datagrams out as bytes and as
GLib.Bytes, datagrams in with every Qs.NetworkDatagram field, the boxed
type's constructors, copy and reference, make_reply, a connected socket's
stream calls and a datagram too large to send. The expected values are
Qt 6.4's (see tests/c/test-udp-socket.c).

The Python overrides (bindings/python) are loaded: NetworkDatagram's
get_data() gives bytes. read_datagram, whose buffer PyGObject cannot
size, is the overrides' (test_overrides.py).

Waits by iterating the main context until a condition holds or a GLib
timeout fails the test; nothing sleeps.
"""

import socket
import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

import qs_test_helpers  # noqa: E402
from qs_test_helpers import run_until  # noqa: E402

UDP_SIGNALS = ('host-found', 'connected', 'disconnected', 'ready-read',
               'read-channel-finished', 'about-to-close')
LO_INDEX = socket.if_nametoindex('lo')


def address(text):
    return Gio.InetAddress.new_from_string(text)


def sysctl_int(path, fallback):
    """The integer in a /proc/sys file (the kernel's TTL and hop limit)."""
    try:
        with open(path) as f:
            return int(f.read())
    except OSError:
        return fallback


# The received hop limit is the IP TTL (IPv4) or hop limit (IPv6) of the
# sender's system: 64 by default on Linux.
HOP_LIMITS = {
    '127.0.0.1': sysctl_int('/proc/sys/net/ipv4/ip_default_ttl', 64),
    '::1': sysctl_int('/proc/sys/net/ipv6/conf/lo/hop_limit', 64),
}


class UdpTest(unittest.TestCase):

    def setUp(self):
        self.sockets = []

    def tearDown(self):
        for s in self.sockets:
            s.close()

    def traced_socket(self):
        """A new socket and the list its signals are traced into."""
        udp = Qs.UdpSocket.new()
        self.sockets.append(udp)
        log = []
        qs_test_helpers.trace(udp, log, UDP_SIGNALS)
        return udp, log

    def bound_socket(self, host, flags=Qs.BindFlags.DEFAULT_FOR_PLATFORM):
        """A traced socket bound to host, port 0; its trace is exactly
        state-changed(bound-state)."""
        udp, log = self.traced_socket()
        self.assertTrue(udp.bind(address(host), 0, flags))
        self.assertEqual(log, ['state-changed(bound-state)'])
        self.assertEqual(udp.get_state(), Qs.SocketState.BOUND_STATE)
        self.assertEqual(udp.get_local_address().to_string(), host)
        self.assertNotEqual(udp.get_local_port(), 0)
        return udp, log

    def wait_ready_read(self, log, count):
        """Iterates until log holds count ready-read signals."""
        run_until(lambda: log.count('ready-read') == count)

    def check_received(self, datagram, payload, sender, receiver, host):
        """Every field of a datagram that sender sent to receiver on host."""
        self.assertTrue(datagram.is_valid())
        self.assertFalse(datagram.is_null())
        self.assertEqual(datagram.get_data(), payload)
        self.assertEqual(datagram.get_sender_address().to_string(), host)
        self.assertEqual(datagram.get_sender_port(), sender.get_local_port())
        self.assertEqual(datagram.get_destination_address().to_string(), host)
        self.assertEqual(datagram.get_destination_port(), receiver.get_local_port())
        self.assertEqual(datagram.get_hop_limit(), HOP_LIMITS[host])
        self.assertEqual(datagram.get_interface_index(), LO_INDEX)

    def round_trip(self, host):
        sender, sender_log = self.bound_socket(host)
        receiver, receiver_log = self.bound_socket(
            host, Qs.BindFlags.SHARE_ADDRESS | Qs.BindFlags.REUSE_ADDRESS_HINT)
        port = receiver.get_local_port()
        self.assertFalse(receiver.has_pending_datagrams())
        self.assertEqual(receiver.pending_datagram_size(), -1)

        # bytes-written(size) comes before write_datagram returns.
        self.assertEqual(sender.write_datagram(b'hello', address(host), port), 5)
        self.assertEqual(sender_log, ['state-changed(bound-state)', 'bytes-written(5)'])
        self.wait_ready_read(receiver_log, 1)
        self.assertTrue(receiver.has_pending_datagrams())
        self.assertEqual(receiver.pending_datagram_size(), 5)
        self.check_received(receiver.receive_datagram(-1), b'hello', sender, receiver, host)
        self.assertFalse(receiver.has_pending_datagrams())
        self.assertEqual(receiver.pending_datagram_size(), -1)

        # The GLib.Bytes twin.
        self.assertEqual(sender.write_datagram_bytes(GLib.Bytes.new(b'world!'),
                                                     address(host), port), 6)
        self.assertEqual(sender_log[2:], ['bytes-written(6)'])
        self.wait_ready_read(receiver_log, 2)
        self.assertEqual(receiver.pending_datagram_size(), 6)
        self.check_received(receiver.receive_datagram(-1), b'world!', sender, receiver, host)
        self.assertEqual(receiver_log, ['state-changed(bound-state)', 'ready-read', 'ready-read'])

        # Nothing pending: an invalid datagram, no error, no signal.
        none = receiver.receive_datagram(-1)
        self.assertFalse(none.is_valid())
        self.assertEqual(receiver.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)
        self.assertEqual(receiver_log, ['state-changed(bound-state)', 'ready-read', 'ready-read'])

    def test_fresh_socket(self):
        udp = Qs.UdpSocket()
        self.assertEqual(udp.props.socket_type, Qs.SocketType.UDP_SOCKET)
        self.assertEqual(udp.props.state, Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(udp.props.error, Qs.SocketError.UNKNOWN_SOCKET_ERROR)
        self.assertEqual(udp.props.open_mode, Qs.OpenMode.NOT_OPEN)
        self.assertIsNone(udp.props.multicast_interface)
        self.assertEqual(udp.get_socket_descriptor(), -1)

    def test_round_trip_ipv4(self):
        self.round_trip('127.0.0.1')

    def test_round_trip_ipv6(self):
        if not qs_test_helpers.ipv6_available():
            self.skipTest('IPv6 is not available')
        self.round_trip('::1')

    def test_write_network_datagram(self):
        sender, sender_log = self.bound_socket('127.0.0.1')
        receiver, receiver_log = self.bound_socket('127.0.0.1')
        request = Qs.NetworkDatagram.new(GLib.Bytes.new(b'net'), address('127.0.0.1'),
                                         receiver.get_local_port())
        self.assertTrue(request.is_valid())
        self.assertEqual(request.get_destination_port(), receiver.get_local_port())
        self.assertEqual(request.get_sender_port(), -1)
        request.set_hop_limit(5)
        request.set_interface_index(LO_INDEX)
        self.assertEqual(sender.write_network_datagram(request), 3)
        self.assertEqual(sender_log[1:], ['bytes-written(3)'])
        self.wait_ready_read(receiver_log, 1)
        received = receiver.receive_datagram(-1)
        self.assertEqual(received.get_data(), b'net')
        self.assertEqual(received.get_hop_limit(), 5)
        self.assertEqual(received.get_sender_port(), sender.get_local_port())

        # new_from_data takes bytes; receive_datagram(max_size) truncates.
        again = Qs.NetworkDatagram.new_from_data(b'truncated', address('127.0.0.1'),
                                                 receiver.get_local_port())
        self.assertEqual(sender.write_network_datagram(again), 9)
        self.wait_ready_read(receiver_log, 2)
        self.assertEqual(receiver.receive_datagram(5).get_data(), b'trunc')

    def test_null_datagram(self):
        null = Qs.NetworkDatagram.new(None, None, 0)
        self.assertTrue(null.is_null())
        self.assertFalse(null.is_valid())
        self.assertEqual(null.get_data(), b'')
        self.assertIsNone(null.get_sender_address())
        self.assertEqual(null.get_sender_port(), -1)
        self.assertIsNone(null.get_destination_address())
        self.assertEqual(null.get_destination_port(), -1)
        self.assertEqual(null.get_hop_limit(), -1)
        self.assertEqual(null.get_interface_index(), 0)

    def test_make_reply(self):
        client, client_log = self.bound_socket('127.0.0.1')
        server, server_log = self.bound_socket('127.0.0.1')
        client.write_datagram(b'ping', address('127.0.0.1'), server.get_local_port())
        self.wait_ready_read(server_log, 1)
        request = server.receive_datagram(-1)

        # Sender and destination swapped, interface kept, hop limit reset.
        reply = request.make_reply(GLib.Bytes.new(b'pong'))
        self.assertEqual(reply.get_data(), b'pong')
        self.assertEqual(reply.get_destination_address().to_string(), '127.0.0.1')
        self.assertEqual(reply.get_destination_port(), client.get_local_port())
        self.assertEqual(reply.get_sender_address().to_string(), '127.0.0.1')
        self.assertEqual(reply.get_sender_port(), server.get_local_port())
        self.assertEqual(reply.get_hop_limit(), -1)
        self.assertEqual(reply.get_interface_index(), LO_INDEX)
        self.assertEqual(request.get_data(), b'ping')

        self.assertEqual(server.write_network_datagram(reply), 4)
        self.wait_ready_read(client_log, 1)
        self.check_received(client.receive_datagram(-1), b'pong', server, client, '127.0.0.1')

    def test_copy_and_ref(self):
        original = Qs.NetworkDatagram.new_from_data(b'one', address('127.0.0.1'), 1000)
        shared = original.ref()
        copied = original.copy()

        # A reference shares the value: a setter shows through every holder.
        shared.set_data(GLib.Bytes.new(b'two'))
        shared.set_hop_limit(9)
        shared.set_sender(address('::1'), 2000)
        self.assertEqual(original.get_data(), b'two')
        self.assertEqual(original.get_hop_limit(), 9)
        self.assertEqual(original.get_sender_address().to_string(), '::1')
        self.assertEqual(original.get_sender_port(), 2000)

        # A copy is an independent value.
        self.assertEqual(copied.get_data(), b'one')
        self.assertEqual(copied.get_hop_limit(), -1)
        self.assertIsNone(copied.get_sender_address())
        self.assertEqual(copied.get_destination_port(), 1000)
        copied.set_destination(address('127.0.0.2'), 3000)
        copied.set_interface_index(LO_INDEX)
        self.assertEqual(original.get_destination_address().to_string(), '127.0.0.1')
        self.assertEqual(original.get_destination_port(), 1000)
        self.assertEqual(original.get_interface_index(), 0)

        # clear makes the shared value null again, for both holders.
        shared.clear()
        self.assertTrue(original.is_null())
        self.assertEqual(original.get_sender_port(), -1)
        self.assertFalse(copied.is_null())

    def test_connected_mode(self):
        peer, peer_log = self.bound_socket('127.0.0.1')
        udp, log = self.traced_socket()
        # A literal address: done before the call returns, as Qt.
        udp.connect_to_address(address('127.0.0.1'), peer.get_local_port(),
                               Qs.OpenMode.READ_WRITE)
        self.assertEqual(log, ['state-changed(host-lookup-state)',
                               'state-changed(connecting-state)', 'host-found',
                               'state-changed(connected-state)', 'connected'])
        self.assertEqual(udp.get_open_mode(), Qs.OpenMode.READ_WRITE | Qs.OpenMode.UNBUFFERED)
        self.assertEqual(udp.get_peer_port(), peer.get_local_port())

        # Each write is one datagram, with bytes-written before it returns.
        self.assertEqual(udp.write(b'abc'), 3)
        self.assertEqual(udp.write_bytes(GLib.Bytes.new(b'defg')), 4)
        self.assertEqual(log[5:], ['bytes-written(3)', 'bytes-written(4)'])
        self.wait_ready_read(peer_log, 1)
        self.check_received(peer.receive_datagram(-1), b'abc', udp, peer, '127.0.0.1')
        self.wait_ready_read(peer_log, 2)
        self.check_received(peer.receive_datagram(-1), b'defg', udp, peer, '127.0.0.1')

        # read_all reads one datagram.
        peer.write_datagram(b'reply1', address('127.0.0.1'), udp.get_local_port())
        self.wait_ready_read(log, 1)
        self.assertEqual(udp.bytes_available(), 6)
        self.assertEqual(udp.read_all(), b'reply1')
        self.assertEqual(udp.bytes_available(), 0)
        self.assertEqual(udp.read_all(), b'')
        self.assertEqual(udp.get_state(), Qs.SocketState.CONNECTED_STATE)
        self.assertEqual(log[7:], ['ready-read'])

    def test_datagram_too_large(self):
        udp, log = self.bound_socket('127.0.0.1')
        self.assertEqual(udp.write_datagram(bytes(70000), address('127.0.0.1'),
                                            udp.get_local_port()), -1)
        self.assertEqual(log[1:], ['error-occurred(datagram-too-large-error)'])
        self.assertEqual(udp.get_error(), Qs.SocketError.DATAGRAM_TOO_LARGE_ERROR)
        self.assertEqual(udp.get_error_string(), 'Datagram was too large to send')
        self.assertEqual(udp.get_state(), Qs.SocketState.BOUND_STATE)
        self.assertFalse(udp.has_pending_datagrams())

    def test_batched_datagrams(self):
        # write_datagrams takes a list of Qs.NetworkDatagram (element-type);
        # read_datagrams returns one (transfer full), empty when none wait.
        sender, sender_log = self.bound_socket('127.0.0.1')
        receiver, receiver_log = self.bound_socket('127.0.0.1')
        port = receiver.get_local_port()
        batch = [Qs.NetworkDatagram.new(GLib.Bytes.new(payload), address('127.0.0.1'), port)
                 for payload in (b'one', b'two!', b'')]
        self.assertEqual(sender.write_datagrams(batch), 3)
        self.assertEqual(sender_log[1:], ['bytes-written(3)', 'bytes-written(4)',
                                          'bytes-written(0)'])
        self.wait_ready_read(receiver_log, 1)
        received = receiver.read_datagrams(10, -1)
        self.assertEqual(len(received), 3)
        for datagram, payload in zip(received, (b'one', b'two!', b'')):
            self.check_received(datagram, payload, sender, receiver, '127.0.0.1')
        self.assertEqual(receiver.read_datagrams(10, -1), [])
        self.assertEqual(receiver.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)


if __name__ == '__main__':
    unittest.main(verbosity=2)
