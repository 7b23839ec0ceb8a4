#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Qt's multicast sender example, re-done with qsock from Python.

Binds a UDP socket to the any address of the group's family, sets the
multicast TTL and sends "Message N" (N from 1) to the group and port
every interval, printing each as "SENT Message N". Same as
examples/c/multicast-sender.c. The command line, the binding and the
main loop are shared with multicast_receiver.py (multicast_common.py).

usage: multicast_sender.py [--group ADDRESS] [--port N] [--count N]
                           [--interval MS] [--ttl N]
"""

import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Qs  # noqa: E402

from multicast_common import Multicast  # noqa: E402


def main():
    multicast = Multicast('multicast_sender', 'qsock multicast sender', sender=True)
    socket = multicast.bind(0, Qs.BindFlags.DEFAULT_FOR_PLATFORM)
    if socket is None:
        return multicast.run()
    socket.set_socket_option(Qs.SocketOption.MULTICAST_TTL_OPTION, multicast.args.ttl)

    def send_datagram():
        text = 'Message %d' % (multicast.done + 1)
        data = text.encode('utf-8')
        if socket.write_datagram(data, multicast.group, multicast.args.port) != len(data):
            multicast.fail(socket)
            return GLib.SOURCE_REMOVE
        print('SENT ' + text, flush=True)
        return GLib.SOURCE_REMOVE if multicast.count() else GLib.SOURCE_CONTINUE

    GLib.timeout_add(multicast.args.interval, send_datagram)
    return multicast.run()


if __name__ == '__main__':
    sys.exit(main())
