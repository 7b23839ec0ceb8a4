#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's multicast receiver example, re-done with qsock from Python.

Binds a UDP socket to the any address of the group's family and the port
(sharing the address, as Qt's example), joins the group, prints
"JOINED", then prints each datagram received as "RECEIVED <text>". Same
as examples/c/multicast-receiver.c. The command line, the binding and
the main loop are shared with multicast_sender.py (multicast_common.py).

usage: multicast_receiver.py [--group ADDRESS] [--port N] [--count N]
"""

import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Qs  # noqa: E402

from multicast_common import Multicast  # noqa: E402


def main():
    multicast = Multicast('multicast_receiver', 'qsock multicast receiver', sender=False)
    socket = multicast.bind(multicast.args.port,
                            Qs.BindFlags.SHARE_ADDRESS | Qs.BindFlags.REUSE_ADDRESS_HINT)
    if socket is None:
        return multicast.run()
    if not socket.join_multicast_group(multicast.group, None):
        multicast.fail(socket)
        return multicast.run()

    def on_ready_read(socket):
        while socket.has_pending_datagrams():
            text = socket.receive_datagram().get_data().decode('utf-8', 'replace')
            print('RECEIVED ' + text, flush=True)
            if multicast.count():
                socket.disconnect(handler)
                return

    handler = socket.connect('ready-read', on_ready_read)
    print('JOINED', flush=True)
    return multicast.run()


if __name__ == '__main__':
    sys.exit(main())
