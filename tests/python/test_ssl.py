#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qs.SslSocket and Qs.SslServer through the GIR: a TLS exchange on
loopback with certificates made by the `openssl` command in a temporary
folder (a throwaway CA and a server certificate for 127.0.0.1), and a
self-signed one refused with Qt's text. Skipped without `openssl` or a
GIO TLS backend (failed under CI=true). A process whose GIO finds no
TLS backend gets Qt's SSL_INTERNAL_ERROR (always run)."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Gio, Qs  # noqa: E402

from qs_test_helpers import run_until  # noqa: E402

EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
READY = shutil.which('openssl') is not None and Qs.SslSocket.supports_ssl()
if not READY and os.environ.get('CI') == 'true':
    raise SystemExit('openssl or glib-networking is missing, and CI=true')


def openssl(*args):
    subprocess.run(['openssl', *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=30)


@unittest.skipUnless(READY, 'openssl or glib-networking is missing')
class SslTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix='qsock-ssl-')
        tmp = cls.tmp.name

        def path(name):
            return os.path.join(tmp, name)
        cls.path = staticmethod(path)
        openssl('req', '-x509', *EC_KEY, '-keyout', path('ca.key'), '-out', path('ca.pem'),
                '-days', '2', '-subj', '/CN=qsock test CA')
        openssl('req', '-new', *EC_KEY, '-keyout', path('server.key'), '-out', path('server.csr'),
                '-subj', '/CN=localhost')
        with open(path('server.ext'), 'w', encoding='ascii') as ext:
            ext.write('subjectAltName=DNS:localhost,IP:127.0.0.1\n')
        openssl('x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'),
                '-CAkey', path('ca.key'), '-set_serial', '1', '-days', '2',
                '-extfile', path('server.ext'), '-out', path('server.pem'))
        openssl('req', '-x509', *EC_KEY, '-keyout', path('self.key'), '-out', path('self.pem'),
                '-days', '2', '-subj', '/CN=localhost',
                '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1')

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def server(self, name):
        server = Qs.SslServer.new()
        server.set_local_certificate(Gio.TlsCertificate.new_from_files(
            self.path(name + '.pem'), self.path(name + '.key')))
        self.assertTrue(server.listen(Gio.InetAddress.new_from_string('127.0.0.1'), 0))
        return server

    def client(self, port):
        client = Qs.SslSocket.new()
        client.set_database(Gio.TlsFileDatabase.new(self.path('ca.pem')))
        log = []
        client.connect('mode-changed', lambda s, mode: log.append(mode.value_nick))
        client.connect('connected', lambda s: log.append('connected'))
        client.connect('encrypted', lambda s: log.append('encrypted'))
        client.connect('ssl-errors', lambda s, errors: log.append(
            'ssl-errors(%s)' % ','.join(n for n in errors.value_nicks if n != 'no-flags')))
        client.connect_to_host_encrypted('127.0.0.1', port, None, Qs.OpenMode.READ_WRITE,
                                         Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        return client, log

    def test_exchange(self):
        server = self.server('server')
        queued = []
        server.connect('new-connection', lambda s: queued.append(s.next_pending_connection()))
        client, log = self.client(server.get_server_port())
        run_until(lambda: queued and client.is_encrypted())
        self.assertEqual(log, ['ssl-client-mode', 'connected', 'encrypted'])
        peer = queued[0]
        self.assertIsInstance(peer, Qs.SslSocket)
        self.assertEqual(peer.get_mode(), Qs.SslMode.SSL_SERVER_MODE)
        self.assertIsNotNone(client.get_peer_certificate())
        self.assertIsNotNone(client.get_session_cipher())
        self.assertEqual(client.write(b'ping\n'), 5)
        run_until(peer.can_read_line)
        self.assertEqual(peer.read_line_bytes(0).get_data(), b'ping\n')
        self.assertEqual(peer.write(b'pong\n'), 5)
        run_until(client.can_read_line)
        self.assertEqual(client.read_line_bytes(0).get_data(), b'pong\n')
        client.disconnect_from_host()
        run_until(lambda: peer.get_state() == Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(peer.get_error(), Qs.SocketError.REMOTE_HOST_CLOSED_ERROR)

    def test_self_signed(self):
        server = self.server('self')
        client, log = self.client(server.get_server_port())
        run_until(lambda: client.get_state() == Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(log, ['ssl-client-mode', 'connected', 'ssl-errors(unknown-ca)'])
        self.assertEqual(client.get_error(), Qs.SocketError.SSL_HANDSHAKE_FAILED_ERROR)
        self.assertEqual(client.get_error_string(), 'The certificate is self-signed, and untrusted')
        self.assertEqual(client.get_ssl_handshake_errors(), Gio.TlsCertificateFlags.UNKNOWN_CA)


# Run in a process whose GIO finds no module, so no TLS backend (as
# without glib-networking): prints what the failed connect left.
NO_BACKEND_CHILD = """
import sys
import gi
gi.require_version('Qs', '1.0')
from gi.repository import GLib, Qs
sock = Qs.SslSocket.new()
log = []
sock.connect('error-occurred', lambda s, error: log.append(error.value_nick))
sock.connect('state-changed', lambda s, state: log.append(state.value_nick))
sock.connect_to_host_encrypted('127.0.0.1', int(sys.argv[1]), None, Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
context = GLib.MainContext.default()
while context.iteration(False):
    pass
print(Qs.SslSocket.supports_ssl(), log, sock.get_error_string(), sock.get_state().value_nick)
"""


class NoBackendTest(unittest.TestCase):

    def test_connect_encrypted(self):
        with tempfile.TemporaryDirectory(prefix='qsock-no-gio-modules-') as empty, \
                socket.create_server(('127.0.0.1', 0)) as listener:
            env = dict(os.environ, GIO_MODULE_DIR=empty)
            env.pop('GIO_EXTRA_MODULES', None)
            child = subprocess.run([sys.executable, '-c', NO_BACKEND_CHILD,
                                    str(listener.getsockname()[1])],
                                   env=env, capture_output=True, text=True, timeout=30,
                                   check=False)
            self.assertEqual(child.returncode, 0, child.stderr)
            self.assertEqual(child.stdout, "False ['ssl-internal-error'] "
                             "TLS initialization failed unconnected-state\n")
            # It did not even connect.
            listener.settimeout(0.2)
            self.assertRaises(socket.timeout, listener.accept)


if __name__ == '__main__':
    unittest.main(verbosity=2)
