#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock through PyGObject: Qs.IODevice.as_gio_stream, the GIOStream view
of a socket, used by Python code written for Gio. Gio.DataInputStream
reads lines through it (asynchronously, and blocking), reads through the
view mix with direct reads without losing or repeating a byte, the
output stream queues on the device, one view per device, and closing
the view closes the socket. Then the consumers: a libsoup 3 server
(Soup.Server.accept_iostream) on a socket a Qs.TcpServer accepted,
fetched by a Soup.Session, and Gio.TlsClientConnection on the view
against `openssl s_server`; each skips without libsoup's typelib, a TLS
backend or openssl, and fails then under CI=true. Waits iterate the main
context with a deadline.
"""

import os
import re
import shutil
import subprocess
import tempfile
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


def skip_unless_ci(test, why):
    """Skips, or fails under CI=true, where nothing may go missing."""
    if os.environ.get('CI') == 'true':
        test.fail(why)
    test.skipTest(why)


class ConsumersTest(unittest.TestCase):

    def test_libsoup_server(self):
        try:
            gi.require_version('Soup', '3.0')
            from gi.repository import Soup
        except (ValueError, ImportError):
            skip_unless_ci(self, "libsoup 3's typelib (gir1.2-soup-3.0) is not installed")
        listener = Qs.TcpServer.new()
        loopback = Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4)
        self.assertTrue(listener.listen(loopback, 0))
        port = listener.get_server_port()
        server = Soup.Server()
        paths = []

        def on_hello(_server, message, path, _query):
            paths.append(path)
            message.set_status(200, None)
            message.set_response('text/plain', Soup.MemoryUse.COPY, b'hello from qsock')

        server.add_handler('/hello', on_hello)
        views = []

        def on_new_connection(qserver):
            socket = qserver.next_pending_connection()
            view = socket.as_gio_stream()
            views.append((socket, view))
            remote = Gio.InetSocketAddress.new(socket.get_peer_address(),
                                               socket.get_peer_port())
            local = Gio.InetSocketAddress.new(loopback, port)
            self.assertTrue(server.accept_iostream(view, local, remote))

        listener.connect('new-connection', on_new_connection)
        session = Soup.Session()
        message = Soup.Message.new('GET', 'http://127.0.0.1:%d/hello' % port)
        results = []
        session.send_and_read_async(message, GLib.PRIORITY_DEFAULT, None,
                                    lambda s, result: results.append(
                                        s.send_and_read_finish(result)))
        run_until(lambda: results)
        self.assertEqual(message.get_status(), Soup.Status.OK)
        self.assertEqual(results[0].get_data(), b'hello from qsock')
        self.assertEqual(paths, ['/hello'])
        self.assertEqual(len(views), 1)
        session.abort()
        listener.close()

    def test_tls_client(self):
        if not Gio.TlsBackend.get_default().supports_tls():
            skip_unless_ci(self, 'no TLS backend: glib-networking is not installed')
        if shutil.which('openssl') is None:
            skip_unless_ci(self, 'openssl is not installed')
        folder = tempfile.mkdtemp(prefix='qsock-tls-')
        self.addCleanup(shutil.rmtree, folder, True)
        key, cert = os.path.join(folder, 'key.pem'), os.path.join(folder, 'cert.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                        'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
                        '-days', '2', '-subj', '/CN=localhost'],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = subprocess.Popen(['openssl', 's_server', '-accept', '127.0.0.1:0', '-cert', cert,
                                   '-key', key, '-rev', '-naccept', '1'],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(server.stdout.close)
        self.addCleanup(server.wait, 5)
        self.addCleanup(server.kill)
        port = None
        for _ in range(10):
            found = re.match(r'ACCEPT 127\.0\.0\.1:(\d+)', server.stdout.readline())
            if found:
                port = int(found.group(1))
                break
        self.assertIsNotNone(port, 'openssl s_server did not start')

        socket = Qs.TcpSocket.new()
        socket.connect_to_host('127.0.0.1', port, Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        self.assertTrue(socket.wait_for_connected(5000))
        tls = Gio.TlsClientConnection.new(socket.as_gio_stream(), None)
        certificates = []
        tls.connect('accept-certificate',
                    lambda conn, cert, errors: certificates.append(cert) or True)
        self.assertTrue(tls.handshake(None))
        self.assertEqual(len(certificates), 1)
        tls.get_output_stream().write_all(b'hello python\n', None)
        lines = Gio.DataInputStream.new(tls.get_input_stream())
        self.assertEqual(lines.read_line_utf8(None), ('nohtyp olleh', 12))
        self.assertTrue(tls.close(None))
        self.assertFalse(socket.is_open())
        run_until(lambda: socket.get_state() == Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(server.wait(5), 0)


if __name__ == '__main__':
    unittest.main(verbosity=2)
