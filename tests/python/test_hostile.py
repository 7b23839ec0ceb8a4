#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock through PyGObject given sizes no caller should pass: every size
or count a binding hands to qsock, set to 2**40 and, where its C type
holds it, 2**62. Each call returns exactly what is there, as with a
small size; none allocates the size up front (read_line_bytes (2**40)
once aborted the process with "failed to allocate").

The peers are plain Python sockets; waits iterate the default main
context until a condition holds or a GLib timeout fails the test.
"""

import socket
import tempfile
import unittest
import os

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

from qs_test_helpers import run_until  # noqa: E402

HUGE = (2 ** 40, 2 ** 62)


class HostileSizesTest(unittest.TestCase):

    def setUp(self):
        self.cleanup = []

    def tearDown(self):
        for close in reversed(self.cleanup):
            close()

    def tcp_pair(self):
        listener = socket.socket()
        listener.bind(('127.0.0.1', 0))
        listener.listen(1)
        self.cleanup.append(listener.close)
        client = Qs.TcpSocket.new()
        self.cleanup.append(client.abort)
        client.connect_to_host('127.0.0.1', listener.getsockname()[1],
                               Qs.OpenMode.READ_WRITE, Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        run_until(lambda: client.get_state() == Qs.SocketState.CONNECTED_STATE)
        peer, _ = listener.accept()
        self.cleanup.append(peer.close)
        return client, peer

    def local_pair(self):
        directory = tempfile.TemporaryDirectory()
        self.cleanup.append(directory.cleanup)
        path = os.path.join(directory.name, 'server')
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(path)
        listener.listen(1)
        self.cleanup.append(listener.close)
        client = Qs.LocalSocket.new()
        self.cleanup.append(client.abort)
        client.connect_to_server(path, Qs.OpenMode.READ_WRITE)
        self.assertEqual(client.get_state(), Qs.LocalSocketState.CONNECTED_STATE)
        peer, _ = listener.accept()
        self.cleanup.append(peer.close)
        return client, peer

    def check_stream_reads(self, client, peer):
        for size in HUGE:
            peer.sendall(b'one\ntwo\nthree')
            run_until(lambda: client.bytes_available() == 13)
            self.assertEqual(client.peek_bytes(size).get_data(), b'one\ntwo\nthree')
            self.assertEqual(client.peek(size), b'one\ntwo\nthree')
            self.assertEqual(client.read_line_bytes(size).get_data(), b'one\n')
            self.assertEqual(client.read_line(size), b'two\n')
            self.assertEqual(client.read_line(size), b'three')
            self.assertEqual(client.read_line_bytes(size).get_data(), b'')
            peer.sendall(b'rest')
            run_until(lambda: client.bytes_available() == 4)
            self.assertEqual(client.read_bytes(size).get_data(), b'rest')
            self.assertEqual(client.read(size), b'')
            self.assertEqual(client.skip(size), 0)

    def check_read_buffer_size(self, client, peer):
        for size in HUGE:
            client.set_read_buffer_size(size)
            self.assertEqual(client.get_read_buffer_size(), size)
            self.assertEqual(client.props.read_buffer_size, size)
        peer.sendall(b'x' * 100000)
        run_until(lambda: client.bytes_available() == 100000)
        self.assertEqual(client.read_all(), b'x' * 100000)

    def check_read_async(self, client, peer):
        results = []
        client.read_async(2 ** 40, GLib.PRIORITY_DEFAULT, None,
                          lambda s, result: results.append(s.read_finish(result)))
        peer.sendall(b'all of it')
        run_until(lambda: client.bytes_available() == 9)
        self.assertEqual(results, [])
        peer.close()
        run_until(lambda: results)
        self.assertEqual(results[0].get_data(), b'all of it')

    def test_tcp_stream_reads(self):
        self.check_stream_reads(*self.tcp_pair())

    def test_local_stream_reads(self):
        self.check_stream_reads(*self.local_pair())

    def test_tcp_read_buffer_size(self):
        self.check_read_buffer_size(*self.tcp_pair())

    def test_local_read_buffer_size(self):
        self.check_read_buffer_size(*self.local_pair())

    def test_tcp_read_async(self):
        self.check_read_async(*self.tcp_pair())

    def test_local_read_async(self):
        self.check_read_async(*self.local_pair())

    def test_datagram_sizes(self):
        receiver = Qs.UdpSocket.new()
        self.cleanup.append(receiver.abort)
        self.assertTrue(receiver.bind(Gio.InetAddress.new_from_string('127.0.0.1'), 0,
                                      Qs.BindFlags.DEFAULT_FOR_PLATFORM))
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.cleanup.append(sender.close)
        target = ('127.0.0.1', receiver.get_local_port())

        for size in HUGE:
            sender.sendto(b'datagram', target)
            run_until(receiver.has_pending_datagrams)
            datagram = receiver.receive_datagram(size)
            self.assertTrue(datagram.is_valid())
            self.assertEqual(datagram.get_data(), b'datagram')
            sender_port = sender.getsockname()[1]

            sender.sendto(b'read', target)
            run_until(receiver.has_pending_datagrams)
            self.assertEqual(receiver.read_datagram(size), (b'read', '127.0.0.1', sender_port))

            sender.sendto(b'bytes', target)
            run_until(receiver.has_pending_datagrams)
            data, address, port = receiver.read_datagram_bytes(size)
            self.assertEqual((data.get_data(), address.to_string(), port),
                             (b'bytes', '127.0.0.1', sender_port))
            self.assertFalse(receiver.has_pending_datagrams())

            for payload in (b'first', b'second'):
                sender.sendto(payload, target)
            run_until(lambda: receiver.pending_datagram_size() == 5)
            received = []
            while len(received) < 2:
                run_until(receiver.has_pending_datagrams)
                received += [d.get_data() for d in receiver.read_datagrams(2 ** 32 - 1, size)]
            self.assertEqual(received, [b'first', b'second'])
            self.assertEqual(receiver.read_datagrams(2 ** 32 - 1, size), [])


if __name__ == '__main__':
    unittest.main()
