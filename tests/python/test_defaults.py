#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's default arguments in qsock's Python overrides: every call that
has defaults in Qt is called here with the fewest arguments Qt allows
(and by keyword with qsock's parameter names), and the test checks what
the defaults did: the open mode, the protocol, the bound address, the
socket state, the datagram's fields, the wait's time-out. The
``_async`` calls take their ``io_priority`` and ``cancellable`` as
optional too.

Waits by iterating the main context until a condition holds or a GLib
timeout fails the test; nothing sleeps.
"""

import inspect
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

from qs_test_helpers import run_until  # noqa: E402

READ_WRITE = Qs.OpenMode.READ_WRITE


def default_of(function, parameter):
    return inspect.signature(function).parameters[parameter].default


class DefaultsTestCase(unittest.TestCase):

    def new(self, cls):
        """A new cls, closed at the end of the test."""
        device = cls.new()
        self.addCleanup(device.close)
        return device


class TcpDefaultsTest(DefaultsTestCase):

    def setUp(self):
        self.server = Qs.TcpServer.new()
        self.addCleanup(self.server.close)
        self.assertTrue(self.server.listen('127.0.0.1'))
        self.port = self.server.get_server_port()
        self.accepted = []
        self.server.connect('new-connection',
                            lambda s: self.accepted.append(s.next_pending_connection()))

    def connected(self):
        """A client connected by the defaults, and the server's socket."""
        client = self.new(Qs.TcpSocket)
        client.connect_to_host('127.0.0.1', self.port)
        self.assertTrue(client.wait_for_connected())
        run_until(lambda: self.accepted)
        accepted = self.accepted[0]
        self.addCleanup(accepted.abort)
        return client, accepted

    def test_connect_to_host(self):
        client = self.new(Qs.TcpSocket)
        client.connect_to_host('127.0.0.1', self.port)
        self.assertEqual(client.get_open_mode(), READ_WRITE)
        self.assertTrue(client.wait_for_connected())
        self.assertEqual(client.get_state(), Qs.SocketState.CONNECTED_STATE)
        self.assertEqual(client.get_peer_name(), '127.0.0.1')
        self.assertEqual(default_of(client.connect_to_host, 'protocol'),
                         Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)

        by_keyword = self.new(Qs.TcpSocket)
        by_keyword.connect_to_host(port=self.port, host_name='127.0.0.1',
                                   mode=Qs.OpenMode.READ_ONLY)
        self.assertEqual(by_keyword.get_open_mode(), Qs.OpenMode.READ_ONLY)

    def test_connect_to_host_any_protocol(self):
        # ANY_IP_PROTOCOL: 'localhost' may resolve to ::1 first, which
        # the IPv4-only server refuses; the next address is tried.
        client = self.new(Qs.TcpSocket)
        client.connect_to_host('localhost', self.port)
        self.assertTrue(client.wait_for_connected())
        self.assertEqual(client.get_peer_address().to_string(), '127.0.0.1')

    def test_connect_to_address(self):
        client = self.new(Qs.TcpSocket)
        client.connect_to_address('127.0.0.1', self.port)
        self.assertEqual(client.get_open_mode(), READ_WRITE)
        self.assertTrue(client.wait_for_connected())
        self.assertEqual(client.get_peer_name(), '127.0.0.1')

    def test_waits(self):
        client, accepted = self.connected()
        self.assertEqual(client.write(b'ping'), 4)
        self.assertTrue(client.wait_for_bytes_written())
        self.assertTrue(accepted.wait_for_ready_read())
        self.assertEqual(accepted.read_all(), b'ping')
        accepted.disconnect_from_host()
        self.assertTrue(client.wait_for_disconnected())
        self.assertEqual(client.get_state(), Qs.SocketState.UNCONNECTED_STATE)
        for name in ('wait_for_connected', 'wait_for_disconnected',
                     'wait_for_ready_read', 'wait_for_bytes_written'):
            self.assertEqual(default_of(getattr(Qs.TcpSocket, name), 'msecs'), 30000, name)
            self.assertEqual(default_of(getattr(Qs.LocalSocket, name), 'msecs'), 30000, name)

    def test_set_socket_descriptor(self):
        peer = socket.create_connection(('127.0.0.1', self.port))
        self.addCleanup(peer.close)
        client = self.new(Qs.TcpSocket)
        self.assertTrue(client.set_socket_descriptor(peer.detach()))
        self.assertEqual(client.get_state(), Qs.SocketState.CONNECTED_STATE)
        self.assertEqual(client.get_open_mode(), READ_WRITE)
        self.assertEqual(client.get_peer_port(), self.port)

    def test_listen(self):
        with Qs.TcpServer.new() as server:
            self.assertTrue(server.listen())
            self.assertEqual(server.get_server_address().to_string(), '0.0.0.0')  # Qt's Any
            self.assertNotEqual(server.get_server_port(), 0)
        with Qs.TcpServer.new() as server:
            self.assertTrue(server.listen(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV6)))
            self.assertEqual(server.get_server_address().to_string(), '::1')
            self.assertNotEqual(server.get_server_port(), 0)

    def test_wait_for_new_connection(self):
        # msecs 0: returns at once, timed out, when nobody connects.
        self.assertEqual(self.server.wait_for_new_connection(), (False, True))
        client = self.new(Qs.TcpSocket)
        client.connect_to_host('127.0.0.1', self.port)
        self.assertEqual(self.server.wait_for_new_connection(msecs=5000), (True, False))

    def test_connect_to_host_async(self):
        results = []

        def done(client, result, *user_data):
            try:
                results.append((client.connect_to_host_finish(result), user_data))
            except GLib.Error as error:
                results.append((error.domain, error.code, user_data))

        client = self.new(Qs.TcpSocket)
        client.connect_to_host_async('127.0.0.1', self.port, callback=done)
        run_until(lambda: results)
        self.assertEqual(results.pop(), (True, ()))
        self.assertEqual(client.get_open_mode(), READ_WRITE)

        refused = self.new(Qs.TcpSocket)
        with Qs.TcpServer.new() as closed:
            self.assertTrue(closed.listen('127.0.0.1'))
            closed_port = closed.get_server_port()
        refused.connect_to_host_async('127.0.0.1', closed_port, Qs.OpenMode.READ_WRITE,
                                      Qs.NetworkLayerProtocol.IPV4_PROTOCOL, None, done, 'data')
        run_until(lambda: results)
        self.assertEqual(results.pop(), ('qs-socket-error-quark',
                                         int(Qs.SocketError.CONNECTION_REFUSED_ERROR),
                                         ('data',)))

    def test_stream_async(self):
        client, accepted = self.connected()
        results = []
        client.write_all_async(bytearray(b'hello'), callback=lambda s, r: results.append(
            ('written',) + s.write_all_finish(r)))
        accepted.read_async(5, callback=lambda s, r: results.append(
            ('read', s.read_finish(r).get_data())))
        run_until(lambda: len(results) == 2)
        self.assertEqual(sorted(results), [('read', b'hello'), ('written', True, 5)])
        self.assertEqual(default_of(client.read_async, 'io_priority'), GLib.PRIORITY_DEFAULT)
        self.assertEqual(default_of(client.write_all_async, 'io_priority'), GLib.PRIORITY_DEFAULT)


class UdpDefaultsTest(DefaultsTestCase):

    def test_bind(self):
        udp = self.new(Qs.UdpSocket)
        self.assertTrue(udp.bind())
        self.assertEqual(udp.get_state(), Qs.SocketState.BOUND_STATE)
        self.assertEqual(udp.get_local_address().to_string(), '0.0.0.0')  # Qt's Any
        self.assertNotEqual(udp.get_local_port(), 0)

        by_address = self.new(Qs.UdpSocket)
        self.assertTrue(by_address.bind('127.0.0.1'))
        self.assertEqual(by_address.get_local_address().to_string(), '127.0.0.1')
        self.assertNotEqual(by_address.get_local_port(), 0)

        # Qt's bind(port, mode): the any address.
        taken = by_address.get_local_port()
        shared = self.new(Qs.UdpSocket)
        self.assertTrue(shared.bind(0, Qs.BindFlags.SHARE_ADDRESS))
        self.assertEqual(shared.get_local_address().to_string(), '0.0.0.0')
        by_port = self.new(Qs.UdpSocket)
        self.assertFalse(by_port.bind(taken))
        self.assertEqual(by_port.get_error(), Qs.SocketError.ADDRESS_IN_USE_ERROR)
        with self.assertRaises(TypeError):
            by_port.bind(taken, 5)

        by_keyword = self.new(Qs.UdpSocket)
        loopback = Gio.InetAddress.new_from_string('127.0.0.1')
        self.assertTrue(by_keyword.bind(port=0, address=loopback))
        self.assertEqual(by_keyword.get_local_address().to_string(), '127.0.0.1')

    def test_multicast_group(self):
        udp = self.new(Qs.UdpSocket)
        self.assertTrue(udp.bind('0.0.0.0'))
        self.assertTrue(udp.join_multicast_group('239.255.43.21'))
        self.assertTrue(udp.leave_multicast_group(group_address='239.255.43.21'))
        # Not a group: the call reached C (Qt's value and error).
        self.assertFalse(udp.join_multicast_group('10.1.2.3'))
        self.assertEqual(udp.get_error(), Qs.SocketError.UNKNOWN_SOCKET_ERROR)

    def test_network_datagram(self):
        null = Qs.NetworkDatagram.new()
        self.assertTrue(null.is_null())
        self.assertFalse(null.is_valid())

        datagram = Qs.NetworkDatagram.new(b'data')
        self.assertEqual(datagram.get_data(), b'data')
        self.assertIsNone(datagram.get_destination_address())
        self.assertEqual(datagram.get_destination_port(), -1)
        datagram.set_sender('127.0.0.1')
        self.assertEqual(datagram.get_sender_address().to_string(), '127.0.0.1')
        self.assertEqual(datagram.get_sender_port(), 0)

        addressed = Qs.NetworkDatagram.new_from_data(bytearray(b'to'), '::1')
        self.assertEqual(addressed.get_destination_address().to_string(), '::1')
        self.assertEqual(addressed.get_destination_port(), 0)
        by_keyword = Qs.NetworkDatagram.new(port=7, data=b'x', destination_address='::1')
        self.assertEqual(by_keyword.get_destination_port(), 7)


class LocalDefaultsTest(DefaultsTestCase):

    def setUp(self):
        tmpdir = tempfile.mkdtemp(prefix='qsock-test-defaults-')
        self.addCleanup(shutil.rmtree, tmpdir, True)
        self.path = os.path.join(tmpdir, 'server')
        self.server = Qs.LocalServer.new()
        self.addCleanup(self.server.close)
        self.assertTrue(self.server.listen(self.path))

    def test_connect_to_server(self):
        by_name = self.new(Qs.LocalSocket)
        by_name.connect_to_server(self.path)
        self.assertEqual(by_name.get_state(), Qs.LocalSocketState.CONNECTED_STATE)
        self.assertEqual(by_name.get_open_mode(), READ_WRITE)

        preset = self.new(Qs.LocalSocket)
        preset.set_server_name(self.path)
        preset.connect_to_server()
        self.assertEqual(preset.get_state(), Qs.LocalSocketState.CONNECTED_STATE)
        self.assertEqual(preset.get_open_mode(), READ_WRITE)

        # Qt's connectToServer(openMode).
        read_only = self.new(Qs.LocalSocket)
        read_only.set_server_name(self.path)
        read_only.connect_to_server(Qs.OpenMode.READ_ONLY)
        self.assertEqual(read_only.get_open_mode(), Qs.OpenMode.READ_ONLY)
        self.assertEqual(read_only.get_server_name(), self.path)

        by_keyword = self.new(Qs.LocalSocket)
        by_keyword.connect_to_server(open_mode=Qs.OpenMode.WRITE_ONLY, name=self.path)
        self.assertEqual(by_keyword.get_open_mode(), Qs.OpenMode.WRITE_ONLY)

    def test_set_socket_descriptor(self):
        mine, theirs = socket.socketpair()
        self.addCleanup(theirs.close)
        local = self.new(Qs.LocalSocket)
        self.assertTrue(local.set_socket_descriptor(mine.detach()))
        self.assertEqual(local.get_state(), Qs.LocalSocketState.CONNECTED_STATE)
        self.assertEqual(local.get_open_mode(), READ_WRITE)

    def test_waits(self):
        local = self.new(Qs.LocalSocket)
        local.connect_to_server(self.path)
        self.assertTrue(local.wait_for_connected())
        self.assertEqual(self.server.wait_for_new_connection(), (True, False))
        accepted = self.server.next_pending_connection()
        self.addCleanup(accepted.abort)
        self.assertEqual(self.server.wait_for_new_connection(), (False, True))
        self.assertEqual(local.write(b'ping'), 4)
        self.assertTrue(local.wait_for_bytes_written())
        self.assertTrue(accepted.wait_for_ready_read())
        self.assertEqual(accepted.read_all(), b'ping')
        accepted.disconnect_from_server()
        self.assertTrue(local.wait_for_disconnected())


class MismatchTest(unittest.TestCase):

    def test_other_version_raises_import_error(self):
        """Overrides of another version than the typelib fail the import
        and name the PYTHONPATH to set."""
        overrides = sys.modules['gi.overrides.Qs'].__file__
        tmpdir = tempfile.mkdtemp(prefix='qsock-test-mismatch-')
        self.addCleanup(shutil.rmtree, tmpdir, True)
        os.makedirs(os.path.join(tmpdir, 'gi', 'overrides'))
        with open(overrides, encoding='utf-8') as f:
            text = f.read()
        version_line = "_VERSION = '%s'\n" % Qs.VERSION_S
        self.assertIn(version_line, text)
        with open(os.path.join(tmpdir, 'gi', 'overrides', 'Qs.py'), 'w', encoding='utf-8') as f:
            f.write(text.replace(version_line, "_VERSION = '0.0.1'\n"))
        env = dict(os.environ, PYTHONPATH=tmpdir)
        done = subprocess.run([sys.executable, '-c',
                               "import gi; gi.require_version('Qs', '1.0'); "
                               "from gi.repository import Qs"],
                              env=env, capture_output=True, text=True, timeout=60)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("ImportError: qsock's Python overrides 0.0.1 (%s) do not match the "
                      "typelib %s (" % (os.path.join(tmpdir, 'gi', 'overrides', 'Qs.py'),
                                        Qs.VERSION_S), done.stderr)
        self.assertIn('PYTHONPATH=', done.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
