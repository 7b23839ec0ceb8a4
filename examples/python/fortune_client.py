#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's fortune client, re-done with qsock from Python.

Connects, reads one fortune framed as a 32-bit big-endian length followed
by UTF-8 text, prints it and exits. The frame is read inside a
transaction: when only part of it has arrived, the transaction is rolled
back and the client waits for the next ready-read (fortune_common.py,
shared with local_fortune_client.py). With --tls it connects encrypted
(a Qs.SslSocket) and checks the server's certificate against the
system's trust store, or against the CA certificates of --ca-file
(PEM); a certificate that fails the check ends the client with the
reason. With --proxy it connects through a SOCKS5 or HTTP CONNECT proxy
given as a URL, socks5://[USER:PASSWORD@]HOST:PORT or
http://[USER:PASSWORD@]HOST:PORT (a Qs.NetworkProxy): the proxy resolves
HOST, and a proxy that refuses ends the client with the reason.

usage: fortune_client.py [--tls [--ca-file FILE]] [--proxy URL] HOST PORT
"""

import argparse
import os
import sys
import urllib.parse

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Gio, GLib, Qs  # noqa: E402

from fortune_common import FortuneClientBase  # noqa: E402

PROXY_TYPES = {'socks5': Qs.NetworkProxyType.SOCKS5_PROXY, 'http': Qs.NetworkProxyType.HTTP_PROXY}


def proxy_from_url(url):
    """The Qs.NetworkProxy of url, socks5://[USER:PASSWORD@]HOST:PORT or
    http://[USER:PASSWORD@]HOST:PORT (USER and PASSWORD percent-encoded),
    or None when it is not one."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if (parts.scheme.lower() not in PROXY_TYPES or not parts.hostname or not port
            or parts.path not in ('', '/') or parts.query or parts.fragment):
        return None
    user, password = (None if text is None else urllib.parse.unquote(text)
                      for text in (parts.username, parts.password))
    return Qs.NetworkProxy.new(PROXY_TYPES[parts.scheme.lower()], parts.hostname, port,
                               user, password)


def main():
    parser = argparse.ArgumentParser(prog='fortune_client.py')
    parser.add_argument('--tls', action='store_true', help='connect over TLS')
    parser.add_argument('--ca-file', metavar='FILE',
                        help="with --tls, trust the CA certificates of FILE instead of the system's")
    parser.add_argument('--proxy', metavar='URL',
                        help='connect through the SOCKS5 or HTTP proxy of URL, '
                        'socks5://[USER:PASSWORD@]HOST:PORT or http://[USER:PASSWORD@]HOST:PORT')
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    args = parser.parse_args()
    if args.ca_file is not None and not args.tls:
        parser.error('--ca-file goes with --tls')
    proxy = None
    if args.proxy is not None:
        proxy = proxy_from_url(args.proxy)
        if proxy is None:
            print('fortune_client: not a proxy URL (socks5:// or '
                  'http://[USER:PASSWORD@]HOST:PORT): %s' % args.proxy, file=sys.stderr)
            return 2
    mode, protocol = Qs.OpenMode.READ_WRITE, Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL

    if args.tls:
        socket = Qs.SslSocket.new()
        if args.ca_file is not None:
            try:
                # GIO wants the file's absolute path.
                socket.set_database(Gio.TlsFileDatabase.new(os.path.abspath(args.ca_file)))
            except GLib.Error as e:
                print('fortune_client: %s' % e.message, file=sys.stderr)
                return 1

        def start():
            socket.connect_to_host_encrypted(args.host, args.port, None, mode, protocol)
    else:
        socket = Qs.TcpSocket.new()

        def start():
            socket.connect_to_host(args.host, args.port, mode, protocol)
    if proxy is not None:
        socket.set_proxy(proxy)
    # The server closes right after the fortune; that is the normal end.
    client = FortuneClientBase('fortune_client', socket, Qs.SocketError.REMOTE_HOST_CLOSED_ERROR)
    return client.run(start)


if __name__ == '__main__':
    sys.exit(main())
