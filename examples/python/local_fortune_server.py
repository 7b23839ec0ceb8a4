#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's local fortune server, re-done with qsock from Python.

Listens on a local (Unix-domain) socket, prints "NAME <server name>",
and sends every client one random fortune framed as a 32-bit big-endian
length followed by the UTF-8 text, then disconnects. Same wire format as
examples/c. Each fortune sent is also printed as "SENT <text>". A bare
name lives in $TMPDIR (else /tmp), as in Qt 6; the socket file is
removed when the server stops listening. The delivery is shared with
fortune_server.py (fortune_common.py).

usage: local_fortune_server.py [--name NAME] [--count N] [--split]
"""

import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Qs  # noqa: E402

from fortune_common import FortuneServerBase  # noqa: E402


class LocalFortuneServer(FortuneServerBase):
    def __init__(self, count, split):
        super().__init__(count, split)
        self.server = Qs.LocalServer.new()
        self.server.connect('new-connection', self.on_new_connection)

    def listen(self, name):
        if not self.server.listen(name):
            print('local_fortune_server: %s' % self.server.get_error_string(),
                  file=sys.stderr)
            return False
        print('NAME %s' % self.server.get_server_name(), flush=True)
        return True

    def disconnect_client(self, client):
        client.disconnect_from_server()


def main():
    return LocalFortuneServer.main('qsock local fortune server', '--name', default='fortune',
                                   help='server name or socket path')


if __name__ == '__main__':
    sys.exit(main())
