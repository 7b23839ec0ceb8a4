#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock's proxies through PyGObject: a Qs.TcpSocket reaches an echo
server through microsocks (SOCKS5 with user and password) and tinyproxy
(HTTP CONNECT with Basic authentication), the credentials coming from
the proxy or from a Python proxy-authentication-required handler; the
application proxy is read and set from Python. Proves the boxed
Qs.NetworkProxy, the Qs.Authenticator handed to the handler and the
signal's marshalling. A proxy server that is not installed skips its
test (fails under CI=true).

Waits by iterating the main context until a condition holds or a GLib
timeout fails the test; nothing sleeps.
"""

import os
import sys
import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Qs  # noqa: E402

import qs_test_helpers  # noqa: E402
from qs_test_helpers import run_until  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import proxy_servers  # noqa: E402  pylint: disable=wrong-import-position

USER = 'alice'
PASSWORD = 's3cret'
SIGNALS = ('host-found', 'connected', 'disconnected')


class ProxyTest(unittest.TestCase):

    def setUp(self):
        self.echo = proxy_servers.EchoServer()
        self.addCleanup(self.echo.close)
        self.asked = []

    def client(self, proxy, fill=False):
        """A traced client with proxy whose handler records what it is
        given and, when fill, answers with USER and PASSWORD."""
        client = Qs.TcpSocket.new()
        self.log = []
        qs_test_helpers.trace(client, self.log, SIGNALS)

        def on_auth(sock, asked_proxy, authenticator):
            self.assertIs(sock, client)
            self.asked.append((asked_proxy.get_proxy_type(), asked_proxy.get_port(),
                               authenticator.get_realm(), authenticator.is_null()))
            if fill:
                authenticator.set_user(USER)
                authenticator.set_password(PASSWORD)
        client.connect('proxy-authentication-required', on_auth)
        client.set_proxy(proxy)
        return client

    def echo_through(self, client):
        client.connect_to_host('127.0.0.1', self.echo.port, Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        self.assertEqual(client.get_state(), Qs.SocketState.CONNECTING_STATE)
        self.assertEqual(client.write(b'through the proxy\n'), 18)
        run_until(lambda: client.can_read_line() or
                  client.get_state() == Qs.SocketState.UNCONNECTED_STATE)
        self.assertEqual(client.read_line_bytes(0).get_data(), b'through the proxy\n')
        self.assertIn('connected', self.log)
        self.assertNotIn('error-occurred', ' '.join(self.log))

    def test_socks5_password_on_proxy(self):
        with proxy_servers.Microsocks(USER, PASSWORD) as server:
            proxy = Qs.NetworkProxy.new(Qs.NetworkProxyType.SOCKS5_PROXY, server.host,
                                        server.port, USER, PASSWORD)
            client = self.client(proxy)
            self.echo_through(client)
            self.assertEqual(self.asked, [])
            self.assertTrue(client.get_proxy().equal(proxy))

    def test_socks5_password_from_handler(self):
        with proxy_servers.Microsocks(USER, PASSWORD) as server:
            client = self.client(Qs.NetworkProxy.new(Qs.NetworkProxyType.SOCKS5_PROXY,
                                                     server.host, server.port, None, None),
                                 fill=True)
            self.echo_through(client)
            self.assertEqual(self.asked, [(Qs.NetworkProxyType.SOCKS5_PROXY, server.port,
                                           None, True)])

    def test_http_password_from_handler(self):
        with proxy_servers.Tinyproxy(USER, PASSWORD) as server:
            client = self.client(Qs.NetworkProxy.new(Qs.NetworkProxyType.HTTP_PROXY,
                                                     server.host, server.port, None, None),
                                 fill=True)
            self.echo_through(client)
            self.assertEqual(self.asked, [(Qs.NetworkProxyType.HTTP_PROXY, server.port,
                                           server.REALM, False)])

    def test_http_no_credentials(self):
        with proxy_servers.Tinyproxy(USER, PASSWORD) as server:
            client = self.client(Qs.NetworkProxy.new(Qs.NetworkProxyType.HTTP_PROXY,
                                                     server.host, server.port, None, None))
            client.connect_to_host('127.0.0.1', self.echo.port, Qs.OpenMode.READ_WRITE,
                                   Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
            run_until(lambda: client.get_state() == Qs.SocketState.UNCONNECTED_STATE)
            self.assertEqual(client.get_error(),
                             Qs.SocketError.PROXY_AUTHENTICATION_REQUIRED_ERROR)
            self.assertEqual(len(self.asked), 1)
            self.assertEqual(self.log[-1],
                             'error-occurred(proxy-authentication-required-error)')

    def test_application_proxy(self):
        self.assertEqual(Qs.NetworkProxy.get_application_proxy().get_proxy_type(),
                         Qs.NetworkProxyType.NO_PROXY)
        with proxy_servers.Microsocks() as server:
            proxy = Qs.NetworkProxy.new(Qs.NetworkProxyType.SOCKS5_PROXY, server.host,
                                        server.port, None, None)
            Qs.NetworkProxy.set_application_proxy(proxy)
            self.addCleanup(Qs.NetworkProxy.set_application_proxy, None)
            self.assertTrue(Qs.NetworkProxy.get_application_proxy().equal(proxy))
            client = Qs.TcpSocket.new()
            self.assertEqual(client.get_proxy().get_proxy_type(),
                             Qs.NetworkProxyType.DEFAULT_PROXY)

    def test_udp_through_socks5(self):
        """Datagrams both ways through danted's UDP relay, from the
        binding's read_datagram (data, sender, port)."""
        import socket  # pylint: disable=import-outside-toplevel
        with proxy_servers.Danted() as server, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as peer:
            peer.bind(('127.0.0.1', 0))
            peer.settimeout(5)
            udp = Qs.UdpSocket.new()
            udp.set_proxy(Qs.NetworkProxy.new(Qs.NetworkProxyType.SOCKS5_PROXY, server.host,
                                              server.port, None, None))
            self.assertTrue(udp.bind('127.0.0.1', 0))
            self.assertIsNone(udp.get_local_address())
            self.assertEqual(udp.get_local_port(), 0)
            self.assertEqual(udp.write_datagram(b'ping', '127.0.0.1', peer.getsockname()[1]), 4)
            data, relay = peer.recvfrom(100)
            self.assertEqual(data, b'ping')
            peer.sendto(b'pong', relay)
            run_until(udp.has_pending_datagrams)
            data, host, port = udp.read_datagram(100)
            self.assertEqual((data, host, port),
                             (b'pong', '127.0.0.1', peer.getsockname()[1]))
            udp.close()

    def test_application_proxy_none(self):
        """None (C's NULL) is NO_PROXY, as API.md says; the method form
        still works."""
        proxy = Qs.NetworkProxy.new(Qs.NetworkProxyType.HTTP_PROXY, 'proxy.example', 3128,
                                    None, None)
        proxy.set_application_proxy()
        self.addCleanup(Qs.NetworkProxy.set_application_proxy, None)
        self.assertTrue(Qs.NetworkProxy.get_application_proxy().equal(proxy))
        Qs.NetworkProxy.set_application_proxy(None)
        self.assertTrue(Qs.NetworkProxy.get_application_proxy().equal(
            Qs.NetworkProxy.new(Qs.NetworkProxyType.NO_PROXY, None, 0, None, None)))
        with self.assertRaises(TypeError):
            Qs.NetworkProxy.set_application_proxy('proxy.example')


if __name__ == '__main__':
    unittest.main()
