#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's fortune client, re-done with qsock from Python.

Connects, reads one fortune framed as a 32-bit big-endian length followed
by UTF-8 text, prints it and exits. The frame is read inside a
transaction: when only part of it has arrived, the transaction is rolled
back and the client waits for the next ready-read (fortune_common.py,
shared with local_fortune_client.py).

usage: fortune_client.py HOST PORT
"""

import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Qs  # noqa: E402

from fortune_common import FortuneClientBase  # noqa: E402


def main():
    if len(sys.argv) != 3:
        print('usage: fortune_client.py HOST PORT', file=sys.stderr)
        return 2
    host, port = sys.argv[1], int(sys.argv[2])
    # The server closes right after the fortune; that is the normal end.
    client = FortuneClientBase('fortune_client', Qs.TcpSocket.new(),
                               Qs.SocketError.REMOTE_HOST_CLOSED_ERROR)
    return client.run(lambda: client.socket.connect_to_host(
        host, port, Qs.OpenMode.READ_WRITE, Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL))


if __name__ == '__main__':
    sys.exit(main())
