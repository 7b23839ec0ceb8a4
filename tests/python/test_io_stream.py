#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock through PyGObject: Qs.IODevice.as_gio_stream, the GIOStream view
of a socket, used by Python code written for Gio. Gio.DataInputStream
reads lines through it (asynchronously, and blocking), reads through the
view mix with direct reads without losing or repeating a byte, the
output stream queues on the device, one view per device, and closing
the view closes the socket. Both ends are qsock sockets on loopback in
one process; waits iterate the main context with a deadline.
"""

import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

from qs_test_helpers import run_until  # noqa: E402


class IOStreamTest(unittest.TestCase):

    def setUp(self):
        self.server = Qs.TcpServer.new()
        self.assertTrue(self.server.listen(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), 0))
        self.client = Qs.TcpSocket.new()
        self.client.connect_to_host('127.0.0.1', self.server.get_server_port(),
                                    Qs.OpenMode.READ_WRITE,
                                    Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        run_until(lambda: self.server.has_pending_connections() and
                  self.client.get_state() == Qs.SocketState.CONNECTED_STATE)
        self.peer = self.server.next_pending_connection()

    def tearDown(self):
        self.client.abort()
        self.peer.abort()
        self.server.close()

    def test_one_view_and_close(self):
        view = self.peer.as_gio_stream()
        self.assertIsInstance(view, Gio.IOStream)
        self.assertIs(self.peer.as_gio_stream(), view)
        self.assertTrue(view.get_input_stream().can_poll())
        self.assertTrue(view.get_output_stream().can_poll())
        self.assertTrue(view.close(None))
        self.assertFalse(self.peer.is_open())
        run_until(lambda: self.client.get_state() == Qs.SocketState.UNCONNECTED_STATE)

    def test_data_input_stream_lines_async(self):
        lines = Gio.DataInputStream.new(self.peer.as_gio_stream().get_input_stream())
        got = []

        def on_line(stream, result):
            line, _length = stream.read_line_finish_utf8(result)
            got.append(line)
            if line is not None:
                stream.read_line_async(GLib.PRIORITY_DEFAULT, None, on_line)

        lines.read_line_async(GLib.PRIORITY_DEFAULT, None, on_line)
        self.client.write(b'one\ntw')
        run_until(lambda: got == ['one'])
        self.client.write(b'o\nthree')
        self.client.disconnect_from_host()
        run_until(lambda: got and got[-1] is None)
        self.assertEqual(got, ['one', 'two', 'three', None])

    def test_data_input_stream_blocking(self):
        lines = Gio.DataInputStream.new(self.peer.as_gio_stream().get_input_stream())
        self.client.write(b'ready\n')
        self.assertTrue(self.client.flush())
        # Blocks in qs_io_device_wait_for_ready_read() until the line is in.
        line, length = lines.read_line_utf8(None)
        self.assertEqual((line, length), ('ready', 5))

    def test_mixed_reads(self):
        view = self.peer.as_gio_stream()
        source = view.get_input_stream()
        self.assertFalse(source.is_readable())
        self.client.write(b'0123456789')
        run_until(lambda: self.peer.bytes_available() == 10)
        self.assertEqual(self.peer.read_bytes(3).get_data(), b'012')
        self.assertEqual(source.read_bytes(4, None).get_data(), b'3456')
        self.assertEqual(self.peer.read_all(), b'789')
        self.assertFalse(source.is_readable())

    def test_write_through_view(self):
        out = self.peer.as_gio_stream().get_output_stream()
        self.assertEqual(out.write_nonblocking(b'hello ', None), 6)
        self.peer.write(b'qsock ')
        ok, written = out.write_all(b'world', None)
        self.assertEqual((ok, written), (True, 5))
        self.assertEqual(self.peer.bytes_to_write(), 17)
        run_until(lambda: self.client.bytes_available() == 17)
        self.assertEqual(self.client.read_all(), b'hello qsock world')


if __name__ == '__main__':
    unittest.main(verbosity=2)
