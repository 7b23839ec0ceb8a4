#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's local fortune client, re-done with qsock from Python.

Connects to a local server by name, reads one fortune framed as a 32-bit
big-endian length followed by UTF-8 text, prints it and exits. The frame
is read inside a transaction: when only part of it has arrived, the
transaction is rolled back and the client waits for the next ready-read
(fortune_common.py, shared with fortune_client.py). A local connect is
synchronous: a missing server is reported before the main loop runs.

usage: local_fortune_client.py NAME
"""

import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Qs  # noqa: E402

from fortune_common import FortuneClientBase  # noqa: E402


def main():
    if len(sys.argv) != 2 or not sys.argv[1]:
        print('usage: local_fortune_client.py NAME', file=sys.stderr)
        return 2
    name = sys.argv[1]
    # The server closes right after the fortune; that is the normal end.
    client = FortuneClientBase('local_fortune_client', Qs.LocalSocket.new(),
                               Qs.LocalSocketError.PEER_CLOSED_ERROR)
    return client.run(lambda: client.socket.connect_to_server(name, Qs.OpenMode.READ_WRITE))


if __name__ == '__main__':
    sys.exit(main())
