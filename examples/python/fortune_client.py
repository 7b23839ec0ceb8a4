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
reason.

usage: fortune_client.py [--tls [--ca-file FILE]] HOST PORT
"""

import argparse
import os
import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Gio, GLib, Qs  # noqa: E402

from fortune_common import FortuneClientBase  # noqa: E402


def main():
    parser = argparse.ArgumentParser(prog='fortune_client.py')
    parser.add_argument('--tls', action='store_true', help='connect over TLS')
    parser.add_argument('--ca-file', metavar='FILE',
                        help="with --tls, trust the CA certificates of FILE instead of the system's")
    parser.add_argument('host')
    parser.add_argument('port', type=int)
    args = parser.parse_args()
    if args.ca_file is not None and not args.tls:
        parser.error('--ca-file goes with --tls')
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
    # The server closes right after the fortune; that is the normal end.
    client = FortuneClientBase('fortune_client', socket, Qs.SocketError.REMOTE_HOST_CLOSED_ERROR)
    return client.run(start)


if __name__ == '__main__':
    sys.exit(main())
