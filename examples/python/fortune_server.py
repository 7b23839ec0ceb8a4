#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's fortune server, re-done with qsock from Python.

Listens on 127.0.0.1, prints "PORT <n>", and sends every client one
random fortune framed as a 32-bit big-endian length followed by the
UTF-8 text, then disconnects. Same wire format as examples/c. Each
fortune sent is also printed as "SENT <text>". The delivery is shared
with local_fortune_server.py (fortune_common.py). With --cert and --key
it serves over TLS: a Qs.SslServer presents that certificate and hands
out a connection only once it is encrypted.

usage: fortune_server.py [--port N] [--count N] [--split] [--cert FILE --key FILE]
"""

import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Gio, GLib, Qs  # noqa: E402

from fortune_common import FortuneServerBase  # noqa: E402


class FortuneServer(FortuneServerBase):
    def __init__(self, count, split, certificate=None):
        super().__init__(count, split)
        if certificate is None:
            self.server = Qs.TcpServer.new()
        else:
            self.server = Qs.SslServer.new()
            self.server.set_local_certificate(certificate)
            # A TLS client that failed its handshake is dropped; say why.
            self.server.connect('error-occurred', lambda server, socket, error: print(
                'fortune_server: %s' % socket.get_error_string(), file=sys.stderr))
        self.server.connect('new-connection', self.on_new_connection)

    @classmethod
    def add_arguments(cls, parser):
        parser.add_argument('--cert', metavar='FILE',
                            help='serve over TLS with the certificate of FILE (PEM)')
        parser.add_argument('--key', metavar='FILE', help='the private key of --cert (PEM)')

    @classmethod
    def from_arguments(cls, parser, args):
        if (args.cert is None) != (args.key is None):
            parser.error('--cert and --key go together')
        if args.cert is None:
            return cls(args.count, args.split)
        try:
            certificate = Gio.TlsCertificate.new_from_files(args.cert, args.key)
        except GLib.Error as e:
            print('fortune_server: %s' % e.message, file=sys.stderr)
            return None
        return cls(args.count, args.split, certificate)

    def listen(self, port):
        loopback = Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4)
        if not self.server.listen(loopback, port):
            print('fortune_server: %s' % self.server.get_error_string(), file=sys.stderr)
            return False
        print('PORT %d' % self.server.get_server_port(), flush=True)
        return True

    def disconnect_client(self, client):
        client.disconnect_from_host()


def main():
    return FortuneServer.main('qsock fortune server', '--port', type=int, default=0)


if __name__ == '__main__':
    sys.exit(main())
