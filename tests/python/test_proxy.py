#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Proxies through PyGObject: a Qs.TcpSocket connects through microsocks
(started here on a free loopback port) to a Qs.TcpServer, and a Python
handler of proxy-authentication-required receives the Qs.NetworkProxy and
fills in the Qs.Authenticator. A missing microsocks skips (fails under
CI=true)."""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

import qs_test_helpers  # noqa: E402
from qs_test_helpers import run_until  # noqa: E402

MICROSOCKS = shutil.which('microsocks')
PR_SET_PDEATHSIG = 1


def iterate_for(ms):
    """Iterate the default context for ms milliseconds (a server starting)."""
    done = []
    GLib.timeout_add(ms, lambda: done.append(True) or GLib.SOURCE_REMOVE)
    while not done:
        GLib.MainContext.default().iteration(True)


def die_with_parent():
    """In the child: be killed with the test, even when it dies first."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class ProxyTest(unittest.TestCase):

    def setUp(self):
        if MICROSOCKS is None:
            if os.environ.get('CI') == 'true':
                self.fail('microsocks is not installed, and CI=true')
            self.skipTest('microsocks is not installed')
        self.port = free_port()
        self.proxy_process = subprocess.Popen(
            [MICROSOCKS, '-i', '127.0.0.1', '-p', str(self.port), '-u', 'user', '-P', 'pass'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=die_with_parent)
        self.addCleanup(self.proxy_process.wait)
        self.addCleanup(self.proxy_process.kill)
        deadline = time.monotonic() + 5
        while True:
            try:
                socket.create_connection(('127.0.0.1', self.port)).close()
                break
            except OSError:
                self.assertLess(time.monotonic(), deadline, 'microsocks did not start')
                iterate_for(20)

        self.server = Qs.TcpServer.new()
        self.assertTrue(self.server.listen(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), 0))
        self.accepted = []
        self.server.connect('new-connection', self.on_new_connection)

    def on_new_connection(self, server):
        accepted = server.next_pending_connection()
        accepted.connect('ready-read', lambda device: device.write(device.read_all()))
        self.accepted.append(accepted)

    def test_values(self):
        proxy = Qs.NetworkProxy.new(Qs.NetworkProxyType.HTTP_PROXY, 'proxy.example', 3128, None, None)
        self.assertEqual(proxy.get_capabilities(),
                         Qs.NetworkProxyCapabilities.TUNNELING_CAPABILITY
                         | Qs.NetworkProxyCapabilities.CACHING_CAPABILITY
                         | Qs.NetworkProxyCapabilities.HOST_NAME_LOOKUP_CAPABILITY)
        self.assertIsNone(proxy.get_user())
        client = Qs.TcpSocket.new()
        self.assertEqual(client.props.proxy.get_proxy_type(), Qs.NetworkProxyType.DEFAULT_PROXY)
        client.props.proxy = proxy
        self.assertTrue(client.get_proxy().equal(proxy))
        authenticator = Qs.Authenticator.new()
        self.assertTrue(authenticator.is_null())
        authenticator.props.realm = 'R'
        self.assertFalse(authenticator.is_null())

    def test_authenticate_from_python(self):
        client = Qs.TcpSocket.new()
        client.set_proxy(Qs.NetworkProxy.new(Qs.NetworkProxyType.SOCKS5_PROXY, '127.0.0.1', self.port,
                                             None, None))
        asked = []

        def on_auth(sock, proxy, authenticator):
            asked.append((proxy.get_proxy_type(), proxy.get_port(), authenticator.is_null()))
            authenticator.set_user('user')
            authenticator.set_password('pass')

        client.connect('proxy-authentication-required', on_auth)
        received = bytearray()
        client.connect('ready-read', lambda device: received.extend(device.read_all()))
        log = []
        qs_test_helpers.trace(client, log, ('host-found', 'connected'))
        client.connect_to_host('localhost', self.server.get_server_port(), Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        client.write(b'ping')
        run_until(lambda: received == b'ping')
        self.assertEqual(asked, [(Qs.NetworkProxyType.SOCKS5_PROXY, self.port, True)])
        self.assertEqual(log, ['state-changed(host-lookup-state)', 'state-changed(connecting-state)',
                               'state-changed(connected-state)', 'connected', 'bytes-written(4)'])
        self.assertEqual(client.get_peer_name(), 'localhost')
        self.assertIsNone(client.get_peer_address())

    def test_refused_credentials(self):
        client = Qs.TcpSocket.new()
        client.set_proxy(Qs.NetworkProxy.new(Qs.NetworkProxyType.SOCKS5_PROXY, '127.0.0.1', self.port,
                                             'user', 'wrong'))
        errors = []
        client.connect('error-occurred', lambda sock, error: errors.append(error))
        client.connect_to_host('127.0.0.1', self.server.get_server_port(), Qs.OpenMode.READ_WRITE,
                               Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        run_until(lambda: errors)
        self.assertEqual(errors, [Qs.SocketError.PROXY_AUTHENTICATION_REQUIRED_ERROR])
        self.assertEqual(client.get_error_string(), 'Proxy authentication failed')


if __name__ == '__main__':
    unittest.main()
