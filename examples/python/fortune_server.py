#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's fortune server, re-done with qsock from Python.

Listens on 127.0.0.1, prints "PORT <n>", and sends every client one
random fortune framed as a 32-bit big-endian length followed by the
UTF-8 text, then disconnects. Same wire format as examples/c. Each
fortune sent is also printed as "SENT <text>".

usage: fortune_server.py [--port N] [--count N] [--split]
"""

import argparse
import random
import struct
import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

FORTUNES = [
    "You've been leading a dog's life. Stay off the furniture.",
    "You've got to think about tomorrow.",
    "You will be surprised by a loud noise.",
    "You will feel hungry again in another hour.",
    "You might have mail.",
    "You cannot kill time without injuring eternity.",
    "Computers are not intelligent. They only think they are.",
]


class FortuneServer:
    def __init__(self, count, split):
        self.loop = GLib.MainLoop()
        self.remaining = count if count > 0 else -1
        self.split = split
        self.clients = set()
        self.server = Qs.TcpServer.new()
        self.server.connect('new-connection', self.on_new_connection)

    def listen(self, port):
        loopback = Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4)
        if not self.server.listen(loopback, port):
            print('fortune_server: %s' % self.server.get_error_string(), file=sys.stderr)
            return False
        print('PORT %d' % self.server.get_server_port(), flush=True)
        return True

    def on_new_connection(self, server):
        client = server.next_pending_connection()
        while client is not None:
            text = random.choice(FORTUNES).encode('utf-8')
            frame = struct.pack('>I', len(text)) + text
            print('SENT ' + text.decode('utf-8'), flush=True)
            self.clients.add(client)
            client.connect('disconnected', self.on_disconnected)
            if self.remaining > 0:
                self.remaining -= 1
            if self.split:
                half = len(frame) // 2
                client.write(frame[:half])
                client.flush()
                GLib.timeout_add(50, self.send_rest, client, frame[half:])
            else:
                client.write(frame)
                client.disconnect_from_host()
            if self.remaining == 0:
                server.close()
            client = server.next_pending_connection()

    def send_rest(self, client, rest):
        client.write(rest)
        client.disconnect_from_host()
        return GLib.SOURCE_REMOVE

    def on_disconnected(self, client):
        self.clients.discard(client)
        if self.remaining == 0 and not self.clients:
            self.loop.quit()


def main():
    parser = argparse.ArgumentParser(description='qsock fortune server')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--count', type=int, default=0, help='exit after N clients')
    parser.add_argument('--split', action='store_true', help='send each frame in two parts')
    args = parser.parse_args()

    server = FortuneServer(args.count, args.split)
    if not server.listen(args.port):
        return 1
    server.loop.run()
    return 0


if __name__ == '__main__':
    sys.exit(main())
