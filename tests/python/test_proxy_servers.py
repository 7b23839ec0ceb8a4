#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The proxy servers of tests/proxy_servers.py, checked with plain Python
sockets: each real server starts, tunnels a line to an echo server and
stops; each fake proxy does what its name says. A server that is not
installed skips its test (fails under CI=true)."""

import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import proxy_servers  # noqa: E402  pylint: disable=wrong-import-position

TIMEOUT_S = 5


def recv_exact(sock, n):
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError('closed after %r' % data)
        data += chunk
    return data


def socks5_connect(proxy, port, user=None, password=None, host=proxy_servers.LOOPBACK):
    """A socket tunnelled through proxy to host:port, or the reply code."""
    sock = socket.create_connection((proxy.host, proxy.port), timeout=TIMEOUT_S)
    try:
        return _socks5_handshake(sock, port, user, password, host)
    except ConnectionError:
        sock.close()
        raise


def _socks5_handshake(sock, port, user, password, host):
    sock.sendall(b'\x05\x01' + (b'\x02' if user else b'\x00'))
    method = recv_exact(sock, 2)
    if method[1] == 0x02:
        sock.sendall(bytes([1, len(user)]) + user.encode() + bytes([len(password)]) +
                     password.encode())
        if recv_exact(sock, 2)[1] != 0:
            sock.close()
            return 'rejected'
    elif method[1] != 0x00:
        sock.close()
        return 'method %d' % method[1]
    if host == proxy_servers.LOOPBACK:
        address = b'\x01' + socket.inet_aton(host)
    else:
        address = b'\x03' + bytes([len(host)]) + host.encode()
    sock.sendall(b'\x05\x01\x00' + address + port.to_bytes(2, 'big'))
    reply = recv_exact(sock, 10)
    if reply[1] != 0:
        sock.close()
        return 'reply %d' % reply[1]
    return sock


def http_connect(proxy, port, authorization=None):
    """A socket tunnelled through an HTTP proxy, or the status line."""
    sock = socket.create_connection((proxy.host, proxy.port), timeout=TIMEOUT_S)
    request = 'CONNECT 127.0.0.1:%d HTTP/1.1\r\nHost: 127.0.0.1\r\n' % port
    if authorization:
        request += 'Proxy-Authorization: %s\r\n' % authorization
    sock.sendall((request + '\r\n').encode())
    try:
        head = proxy_servers.FakeProxy.recv_until(sock, bytearray(), b'\r\n\r\n')
    except OSError:
        head = b''
    status = head.split(b'\r\n')[0].decode()
    if ' 200 ' not in status:
        sock.close()
        return status
    return sock


class ProxyServerTest(unittest.TestCase):

    def setUp(self):
        self.echo = proxy_servers.EchoServer()
        self.addCleanup(self.echo.close)

    def assert_tunnel(self, sock):
        self.assertIsInstance(sock, socket.socket, sock)
        with sock:
            sock.sendall(b'through\n')
            self.assertEqual(recv_exact(sock, 8), b'through\n')

    def test_microsocks(self):
        with proxy_servers.Microsocks() as proxy:
            self.assert_tunnel(socks5_connect(proxy, self.echo.port))
            self.assert_tunnel(socks5_connect(proxy, self.echo.port, host='localhost'))

    def test_microsocks_password(self):
        with proxy_servers.Microsocks('alice', 's3cret') as proxy:
            self.assert_tunnel(socks5_connect(proxy, self.echo.port, 'alice', 's3cret'))
            self.assertEqual(socks5_connect(proxy, self.echo.port, 'alice', 'x'), 'rejected')
            self.assertEqual(socks5_connect(proxy, self.echo.port), 'method 255')
        port = proxy.port
        with self.assertRaises(OSError):
            socket.create_connection((proxy_servers.LOOPBACK, port), timeout=TIMEOUT_S)

    def test_danted(self):
        with proxy_servers.Danted() as proxy:
            self.assert_tunnel(socks5_connect(proxy, self.echo.port))
            self.assertEqual(self.echo.peers[-1], proxy_servers.Danted.EXTERNAL)
            self.assertEqual(socks5_connect(proxy, proxy_servers.free_port()), 'reply 5')

    def test_tinyproxy(self):
        with proxy_servers.Tinyproxy('alice', 's3cret', connect_ports=[self.echo.port]) as proxy:
            self.assertIn(' 407 ', http_connect(proxy, self.echo.port))
            # alice:s3cret in Base64
            self.assert_tunnel(http_connect(proxy, self.echo.port, 'Basic YWxpY2U6czNjcmV0'))
            self.assertIn(' 403 ', http_connect(proxy, 9, 'Basic YWxpY2U6czNjcmV0'))

    def test_fake_socks5(self):
        expected = {'no-method': 'method 255', 'bad-password': 'rejected',
                    'refuse': 'reply 5'}
        for behaviour, outcome in expected.items():
            with proxy_servers.FakeSocks5(behaviour) as fake:
                self.assertEqual(socks5_connect(fake, self.echo.port, 'u', 'p'), outcome)
        for behaviour in ('close-greeting', 'close-request'):
            with proxy_servers.FakeSocks5(behaviour) as fake:
                with self.assertRaises(ConnectionError):
                    socks5_connect(fake, self.echo.port)
        with proxy_servers.FakeSocks5('relay') as fake:
            fake.names['somewhere.test'] = proxy_servers.LOOPBACK
            self.assert_tunnel(socks5_connect(fake, self.echo.port, host='somewhere.test'))
            self.assertEqual(fake.requested, [('somewhere.test', self.echo.port)])
        with proxy_servers.FakeSocks5('garbage') as fake:
            self.assertEqual(socks5_connect(fake, self.echo.port), 'method 84')   # 'T' of HTTP
        with proxy_servers.FakeSocks5('silent') as fake:
            with socket.create_connection((fake.host, fake.port), timeout=0.2) as sock:
                sock.sendall(b'\x05\x01\x00')
                with self.assertRaises(socket.timeout):
                    sock.recv(1)

    def test_fake_http(self):
        with proxy_servers.FakeHttpProxy('status', status='503 Service Unavailable') as fake:
            self.assertEqual(http_connect(fake, self.echo.port), 'HTTP/1.1 503 Service Unavailable')
        with proxy_servers.FakeHttpProxy('require-auth') as fake:
            self.assertIn(' 407 ', http_connect(fake, self.echo.port, 'Basic dTpw'))
            self.assertIn(b'Proxy-Authorization: Basic dTpw', bytes(fake.received[0]))
        with proxy_servers.FakeHttpProxy('garbage') as fake:
            self.assertEqual(http_connect(fake, self.echo.port), 'SSH-2.0-OpenSSH_9.2')
        with proxy_servers.FakeHttpProxy('hold') as fake:
            fake.release.set()
            self.assert_tunnel(http_connect(fake, self.echo.port))
            self.assertTrue(bytes(fake.received[0]).endswith(b'\r\n\r\nthrough\n'))

    def test_missing_program(self):
        class Missing(proxy_servers.Microsocks):
            PROGRAM = 'qsock-no-such-proxy'
        if os.environ.get('CI') == 'true':
            with self.assertRaises(RuntimeError):
                Missing().start()
        else:
            with self.assertRaises(proxy_servers.ServerUnavailable):
                Missing().start()


if __name__ == '__main__':
    unittest.main()
