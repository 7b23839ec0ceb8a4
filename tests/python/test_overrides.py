#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock's PyGObject overrides (bindings/python/gi/overrides/Qs.py) on
real loopback and local sockets: they load from the build tree, reads
give bytes, writes take any bytes-like object, read_datagram gives
(data, host, port), sockets and servers close at the end of a ``with``,
failures return Qt's value and set the error as in C, and arguments of
the wrong type raise TypeError.

Waits by iterating the main context until a condition holds or a GLib
timeout fails the test; nothing sleeps.
"""

import array
import contextlib
import os
import shutil
import sys
import tempfile
import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

import qs_test_helpers  # noqa: E402
from qs_test_helpers import run_until  # noqa: E402

SIGNALS = ('connected', 'disconnected', 'ready-read', 'read-channel-finished',
           'about-to-close')


def loopback():
    return Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4)


@contextlib.contextmanager
def qsock_warnings():
    """Collects the Qsock log domain's warnings in the list it yields."""
    messages = []
    handler = GLib.log_set_handler('Qsock', GLib.LogLevelFlags.LEVEL_WARNING,
                                   lambda domain, level, message, data:
                                   messages.append(message), None)
    try:
        yield messages
    finally:
        GLib.log_remove_handler('Qsock', handler)


class OverridesTest(unittest.TestCase):

    def setUp(self):
        self.server = Qs.TcpServer.new()
        self.addCleanup(self.server.close)
        self.assertTrue(self.server.listen(loopback(), 0))
        self.accepted = []
        self.server.connect('new-connection',
                            lambda s: self.accepted.append(s.next_pending_connection()))

    def tcp_pair(self):
        """A connected client, its trace and the server's socket for it."""
        client = Qs.TcpSocket.new()
        self.addCleanup(client.abort)
        log = []
        qs_test_helpers.trace(client, log, SIGNALS)
        client.connect_to_host('127.0.0.1', self.server.get_server_port(),
                               Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        run_until(lambda: self.accepted and 'connected' in log)
        accepted = self.accepted.pop(0)
        self.addCleanup(accepted.abort)
        return client, log, accepted

    def bound_udp(self, host='127.0.0.1'):
        """A traced UDP socket bound to host, port 0, and its trace."""
        udp = Qs.UdpSocket.new()
        self.addCleanup(udp.close)
        log = []
        qs_test_helpers.trace(udp, log, SIGNALS)
        self.assertTrue(udp.bind(Gio.InetAddress.new_from_string(host), 0,
                                 Qs.BindFlags.DEFAULT_FOR_PLATFORM))
        return udp, log

    # Loading ---------------------------------------------------------------

    def test_loaded_from_the_build_tree(self):
        module = sys.modules['gi.overrides.Qs']
        # G_TEST_BUILDDIR is <builddir>/tests.
        build_root = os.path.dirname(os.environ['G_TEST_BUILDDIR'])
        self.assertEqual(module.__file__, os.path.join(build_root, 'bindings', 'python',
                                                       'gi', 'overrides', 'Qs.py'))
        self.assertEqual(sorted(module.__all__), ['AbstractSocket', 'IODevice', 'LocalServer',
                                                  'LocalSocket', 'NetworkDatagram', 'NetworkProxy',
                                                  'TcpServer', 'UdpSocket'])
        for cls in (Qs.TcpSocket, Qs.UdpSocket, Qs.LocalSocket):
            self.assertIn(module.IODevice, cls.__mro__)
        self.assertIs(Qs.UdpSocket, module.UdpSocket)
        self.assertIs(Qs.IODevice, module.IODevice)

    # Stream reads and writes -----------------------------------------------

    def test_write_takes_any_bytes_like_object(self):
        client, log, accepted = self.tcp_pair()
        self.assertEqual(client.write(b'ab'), 2)
        self.assertEqual(client.write(bytearray(b'cd')), 2)
        self.assertEqual(client.write(memoryview(b'xefx')[1:3]), 2)
        self.assertEqual(client.write(array.array('B', b'gh')), 2)
        self.assertEqual(client.write(GLib.Bytes.new(b'ij')), 2)
        self.assertEqual(client.write(b''), 0)
        self.assertEqual(client.bytes_to_write(), 10)
        run_until(lambda: accepted.bytes_available() == 10)
        self.assertEqual([e for e in log if e.startswith('bytes-written')],
                         ['bytes-written(10)'])
        self.assertEqual(accepted.read_all(), b'abcdefghij')

    def test_reads_return_bytes(self):
        client, log, accepted = self.tcp_pair()
        self.assertEqual(client.write(b'line one\nline two\nrest'), 22)
        run_until(lambda: accepted.bytes_available() == 22)
        results = [accepted.peek(4), accepted.read_line(), accepted.read_line(5),
                   accepted.read(3), accepted.get_char()]
        self.assertEqual(results, [b'line', b'line one\n', b'line', b' tw', b'o'])
        for result in results:
            self.assertIs(type(result), bytes)
        accepted.unget_char(b'O')
        self.assertEqual(accepted.read_line(), b'O\n')
        self.assertEqual(accepted.read_all(), b'rest')
        # Nothing buffered is not an error: empty, error untouched.
        self.assertEqual([accepted.read(5), accepted.peek(5), accepted.read_line(),
                          accepted.read_all(), accepted.get_char()],
                         [b'', b'', b'', b'', b''])
        self.assertEqual(accepted.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)
        # The GLib.Bytes twins are left as they are.
        self.assertIsInstance(accepted.read_bytes(1), GLib.Bytes)

    def test_large_reads_keep_their_bytes(self):
        # read() lends a whole buffer chunk in place until the next read:
        # each bytes it returns must hold its own copy.
        client, log, accepted = self.tcp_pair()
        data = bytes(range(251)) * 800
        self.assertEqual(client.write(data), len(data))
        received = []

        def drain():
            chunk = accepted.read(65536)
            while chunk:
                received.append(chunk)
                chunk = accepted.read(65536)
            return sum(map(len, received)) == len(data)
        run_until(drain)
        self.assertEqual(b''.join(received), data)
        self.assertGreater(max(map(len, received)), 4096)

    def test_chars_are_bytes(self):
        client, log, accepted = self.tcp_pair()
        self.assertTrue(client.put_char(b'\xff'))
        self.assertTrue(client.put_char(0))
        self.assertTrue(client.put_char(bytearray(b'A')))
        self.assertTrue(client.put_char(200))
        run_until(lambda: accepted.bytes_available() == 4)
        self.assertEqual([accepted.get_char() for _ in range(4)],
                         [b'\xff', b'\x00', b'A', b'\xc8'])
        accepted.unget_char(0x80)
        self.assertEqual(accepted.peek(2), b'\x80')
        self.assertEqual(accepted.get_char(), b'\x80')

    # Datagrams -------------------------------------------------------------

    def test_read_datagram_returns_data_host_port(self):
        sender, sender_log = self.bound_udp()
        receiver, log = self.bound_udp()
        port = receiver.get_local_port()
        self.assertEqual(sender.write_datagram(bytearray(b'hello'), '127.0.0.1', port), 5)
        self.assertEqual(sender.write_datagram(memoryview(b'truncated'), loopback(), port), 9)
        self.assertEqual(sender.write_datagram(GLib.Bytes.new(b'gone'), '127.0.0.1', port), 4)
        self.assertEqual(sender.write_datagram(b'', '127.0.0.1', port), 0)
        self.assertEqual(sender_log, ['state-changed(bound-state)', 'bytes-written(5)',
                                      'bytes-written(9)', 'bytes-written(4)',
                                      'bytes-written(0)'])
        run_until(lambda: receiver.has_pending_datagrams())
        from_sender = ('127.0.0.1', sender.get_local_port())
        self.assertEqual(receiver.read_datagram(64), (b'hello',) + from_sender)
        run_until(lambda: receiver.has_pending_datagrams())
        # Longer than max_size: truncated, the rest lost.
        self.assertEqual(receiver.read_datagram(3), (b'tru',) + from_sender)
        run_until(lambda: receiver.has_pending_datagrams())
        # max_size 0 discards the datagram.
        self.assertEqual(receiver.read_datagram(0), (b'',) + from_sender)
        run_until(lambda: receiver.has_pending_datagrams())
        # An empty datagram has a sender: not a failure.
        self.assertEqual(receiver.read_datagram(8), (b'',) + from_sender)
        self.assertEqual(receiver.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)
        data, host, port = receiver.read_datagram(8)
        self.assertEqual((data, host, port), (None, None, 0))
        self.assertEqual(receiver.get_error(), Qs.SocketError.TEMPORARY_ERROR)
        self.assertEqual(receiver.get_error_string(), 'No datagram available for reading')
        self.assertEqual(log[-1], 'error-occurred(temporary-error)')

    def test_read_datagram_ipv6_host(self):
        if not qs_test_helpers.ipv6_available():
            self.skipTest('no IPv6 loopback')
        sender, _ = self.bound_udp('::1')
        receiver, _ = self.bound_udp('::1')
        self.assertEqual(sender.write_datagram(b'six', '::1', receiver.get_local_port()), 3)
        run_until(lambda: receiver.has_pending_datagrams())
        self.assertEqual(receiver.read_datagram(8), (b'six', '::1', sender.get_local_port()))

    def test_receive_datagram(self):
        sender, _ = self.bound_udp()
        receiver, _ = self.bound_udp()
        self.assertEqual(sender.write_datagram(b'whole', '127.0.0.1',
                                               receiver.get_local_port()), 5)
        run_until(lambda: receiver.has_pending_datagrams())
        datagram = receiver.receive_datagram()
        self.assertIsInstance(datagram, Qs.NetworkDatagram)
        self.assertTrue(datagram.is_valid())
        self.assertEqual(datagram.get_data(), b'whole')
        self.assertEqual(datagram.get_sender_address().to_string(), '127.0.0.1')
        self.assertEqual(datagram.get_sender_port(), sender.get_local_port())
        # None pending: an invalid datagram, nothing reported (as Qt).
        none = receiver.receive_datagram()
        self.assertFalse(none.is_valid())
        self.assertEqual(none.get_data(), b'')
        self.assertEqual(receiver.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)

    def test_network_datagram_takes_bytes_like(self):
        datagram = Qs.NetworkDatagram.new_from_data(b'one', loopback(), 1000)
        datagram.set_data(bytearray(b'two'))
        self.assertEqual(datagram.get_data(), b'two')
        datagram.set_data(memoryview(b'three'))
        self.assertEqual(datagram.get_data(), b'three')
        datagram.set_sender(loopback(), 2000)
        reply = datagram.make_reply(array.array('B', b'back'))
        self.assertEqual(reply.get_data(), b'back')
        self.assertEqual(reply.get_destination_address().to_string(), '127.0.0.1')
        self.assertEqual(reply.get_destination_port(), 2000)

    # Context managers ------------------------------------------------------

    def test_with_closes_sockets(self):
        with Qs.TcpSocket.new() as client:
            log = []
            qs_test_helpers.trace(client, log, SIGNALS)
            client.connect_to_host('127.0.0.1', self.server.get_server_port(),
                                   Qs.OpenMode.READ_WRITE,
                                   Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
            run_until(lambda: 'connected' in log)
            self.assertEqual(client.write(b'last'), 4)
        # close(): closing until the queued bytes are sent, then gone.
        self.assertEqual(log[-2:], ['about-to-close', 'state-changed(closing-state)'])
        self.assertEqual(client.get_open_mode(), Qs.OpenMode.NOT_OPEN)
        run_until(lambda: 'disconnected' in log)
        self.assertEqual(log[-6:], ['about-to-close', 'state-changed(closing-state)',
                                    'bytes-written(4)', 'state-changed(unconnected-state)',
                                    'read-channel-finished', 'disconnected'])
        run_until(lambda: self.accepted and self.accepted[0].bytes_available() == 4)
        self.assertEqual(self.accepted[0].read_all(), b'last')

    def test_with_closes_on_an_exception(self):
        with self.assertRaises(ZeroDivisionError):
            with Qs.UdpSocket.new() as udp:
                self.assertTrue(udp.bind(loopback(), 0, Qs.BindFlags.DEFAULT_FOR_PLATFORM))
                self.assertEqual(udp.get_state(), Qs.SocketState.BOUND_STATE)
                1 / 0
        self.assertEqual(udp.get_state(), Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(udp.get_local_port(), 0)

    def test_with_closes_servers(self):
        with Qs.TcpServer.new() as server:
            self.assertTrue(server.listen(loopback(), 0))
        self.assertFalse(server.is_listening())

        tmpdir = tempfile.mkdtemp(prefix='qsock-test-overrides-')
        self.addCleanup(shutil.rmtree, tmpdir, True)
        path = os.path.join(tmpdir, 'server')
        with Qs.LocalServer.new() as local_server:
            self.assertTrue(local_server.listen(path))
            with Qs.LocalSocket.new() as local:
                local.connect_to_server(path, Qs.OpenMode.READ_WRITE)
                self.assertEqual(local.get_state(), Qs.LocalSocketState.CONNECTED_STATE)
            self.assertEqual(local.get_state(), Qs.LocalSocketState.UNCONNECTED_STATE)
            self.assertFalse(local.is_open())
        self.assertFalse(local_server.is_listening())
        self.assertFalse(os.path.exists(path))

    # Bad input -------------------------------------------------------------

    def test_failures_return_qt_values(self):
        client, log, accepted = self.tcp_pair()
        accepted.disconnect_from_host()
        run_until(lambda: 'disconnected' in log)
        self.assertEqual(client.get_error(), Qs.SocketError.REMOTE_HOST_CLOSED_ERROR)
        # Still open for reading, no longer for writing: -1 and an error.
        self.assertEqual(client.read(4), b'')
        self.assertEqual(client.write(b'x'), -1)
        self.assertFalse(client.put_char(b'x'))
        self.assertEqual(client.get_error_string(), 'Socket is not connected')
        # Closed: every read is empty, every write fails, with Qt's warning.
        client.close()
        with qsock_warnings() as warnings:
            self.assertEqual([client.read(4), client.peek(4), client.read_line(),
                              client.read_all(), client.get_char()],
                             [b'', b'', b'', b'', b''])
            self.assertEqual(client.write(b'x'), -1)
        self.assertEqual(warnings, [
            'QsIODevice::%s (QsTcpSocket): device not open' % call
            for call in ('read', 'peek', 'readLine', 'readAll', 'getChar', 'write')])

        udp = Qs.UdpSocket.new()
        with qsock_warnings() as warnings:
            self.assertEqual(udp.read_datagram(8), (None, None, 0))
        self.assertEqual(warnings, ['QsUdpSocket::read_datagram() called on a QsUdpSocket '
                                    'when not in BoundState'])

    def test_wrong_types_raise_type_error(self):
        client, log, accepted = self.tcp_pair()
        udp, _ = self.bound_udp()
        datagram = Qs.NetworkDatagram.new_from_data(b'', loopback(), 1)
        calls = [
            lambda: client.write('text'),
            lambda: client.write(None),
            lambda: client.write(5),
            lambda: client.write([1, 2]),
            lambda: client.read('4'),
            lambda: client.peek(None),
            lambda: client.read_line(1.5),
            lambda: client.put_char('x'),
            lambda: client.put_char(b'xy'),
            lambda: client.unget_char(None),
            lambda: udp.read_datagram('8'),
            lambda: udp.read_datagram(2.0),
            lambda: udp.write_datagram('text', '127.0.0.1', 9),
            lambda: udp.write_datagram(b'x', 127, 9),
            lambda: datagram.set_data('text'),
            lambda: datagram.make_reply(None),
        ]
        for index, call in enumerate(calls):
            with self.subTest(call=index), self.assertRaises(TypeError):
                call()
        with self.assertRaises(ValueError):
            client.put_char(256)
        with self.assertRaises(ValueError):
            client.unget_char(-1)
        with self.assertRaises(ValueError):
            udp.write_datagram(b'x', 'not an address', 9)
        with self.assertRaises(OverflowError):
            client.read(-1)
        with self.assertRaises(OverflowError):
            udp.read_datagram(-1)
        # Nothing reached the sockets.
        self.assertEqual(client.bytes_to_write(), 0)
        self.assertEqual(client.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)
        self.assertEqual(udp.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)
        self.assertEqual(datagram.get_data(), b'')


if __name__ == '__main__':
    unittest.main(verbosity=2)
