#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's fortune server, re-done with qsock from Python.

Listens on 127.0.0.1, prints "PORT <n>", and sends every client one
random fortune framed as a 32-bit big-endian length followed by the
UTF-8 text, then disconnects. Same wire format as examples/c. Each
fortune sent is also printed as "SENT <text>". The delivery is shared
with local_fortune_server.py (fortune_common.py).

usage: fortune_server.py [--port N] [--count N] [--split]
"""

import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Gio, Qs  # noqa: E402

from fortune_common import FortuneServerBase  # noqa: E402


class FortuneServer(FortuneServerBase):
    def __init__(self, count, split):
        super().__init__(count, split)
        self.server = Qs.TcpServer.new()
        self.server.connect('new-connection', self.on_new_connection)

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
