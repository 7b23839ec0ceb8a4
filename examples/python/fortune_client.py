#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's fortune client, re-done with qsock from Python.

Connects, reads one fortune framed as a 32-bit big-endian length followed
by UTF-8 text, prints it and exits. The frame is read inside a
transaction: when only part of it has arrived, the transaction is rolled
back and the client waits for the next ready-read.

usage: fortune_client.py HOST PORT
"""

import struct
import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Qs  # noqa: E402


class FortuneClient:
    def __init__(self):
        self.loop = GLib.MainLoop()
        self.status = 1
        self.done = False
        self.socket = Qs.TcpSocket.new()
        self.socket.connect('ready-read', self.on_ready_read)
        self.socket.connect('error-occurred', self.on_error)
        self.socket.connect('disconnected', self.on_disconnected)

    def finish(self, status):
        self.status = status
        self.loop.quit()

    def on_ready_read(self, socket):
        if self.done:
            return
        socket.start_transaction()
        header = socket.read_bytes(4).get_data()
        if len(header) < 4:
            socket.rollback_transaction()
            return
        (length,) = struct.unpack('>I', header)
        text = socket.read_bytes(length).get_data()
        if len(text) < length:
            socket.rollback_transaction()
            return
        socket.commit_transaction()
        print(text.decode('utf-8'), flush=True)
        self.done = True
        self.finish(0)

    def on_error(self, socket, error):
        # The server closes right after the fortune; that is the normal end.
        if self.done or error == Qs.SocketError.REMOTE_HOST_CLOSED_ERROR:
            return
        print('fortune_client: %s' % socket.get_error_string(), file=sys.stderr)
        self.finish(1)

    def on_disconnected(self, socket):
        if not self.done:
            print('fortune_client: the server closed before sending a whole fortune',
                  file=sys.stderr)
            self.finish(1)

    def on_timeout(self):
        self.timeout_id = 0
        print('fortune_client: timed out', file=sys.stderr)
        self.finish(1)
        return GLib.SOURCE_REMOVE

    def run(self, host, port):
        self.timeout_id = GLib.timeout_add_seconds(10, self.on_timeout)
        self.socket.connect_to_host(host, port, Qs.OpenMode.READ_WRITE,
                                    Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        self.loop.run()
        if self.timeout_id:
            GLib.source_remove(self.timeout_id)
        return self.status


def main():
    if len(sys.argv) != 3:
        print('usage: fortune_client.py HOST PORT', file=sys.stderr)
        return 2
    return FortuneClient().run(sys.argv[1], int(sys.argv[2]))


if __name__ == '__main__':
    sys.exit(main())
