# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the Python multicast examples share: their command line (--group,
--port, --count, and the sender's --interval and --ttl), the group
address, a socket bound to the any address of the group's family, and
the main loop that runs until --count datagrams were sent or received.
Same as examples/c/multicast-common.c.
"""

import argparse
import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio, Qs  # noqa: E402

DEFAULT_GROUP = '239.255.43.21'
DEFAULT_PORT = 45454


class Multicast:
    """The options, the count of datagrams sent or received, and the loop."""

    def __init__(self, program, description, sender):
        """Parses the command line; exits 2 on a bad one."""
        self.program = program
        parser = argparse.ArgumentParser(prog=program, description=description)
        parser.add_argument('--group', default=DEFAULT_GROUP, metavar='ADDRESS',
                            help='multicast group address (default %(default)s)')
        parser.add_argument('--port', type=int, default=DEFAULT_PORT, metavar='N',
                            help='UDP port (default %(default)s)')
        verb = 'sending' if sender else 'receiving'
        parser.add_argument('--count', type=int, default=0, metavar='N',
                            help='stop after %s N datagrams' % verb)
        if sender:
            parser.add_argument('--interval', type=int, default=1000, metavar='MS',
                                help='milliseconds between datagrams (default %(default)s)')
            parser.add_argument('--ttl', type=int, default=1, metavar='N',
                                help='time to live of the datagrams (default %(default)s)')
        self.args = parser.parse_args()
        if not 0 < self.args.port <= 65535:
            parser.error('bad --port')
        if self.args.count < 0 or (sender and self.args.interval <= 0):
            parser.error('bad --count or --interval')
        try:
            self.group = Gio.InetAddress.new_from_string(self.args.group)
        except TypeError:  # PyGObject: "constructor returned NULL"
            self.group = None
        if self.group is None or not self.group.get_is_multicast():
            parser.error('--group is not a multicast address')
        self.done = 0
        self.status = 0
        self.loop = GLib.MainLoop()

    def bind(self, port, flags):
        """A new socket bound to the any address of the group's family;
        None (error printed, status 1) when that fails."""
        socket = Qs.UdpSocket.new()
        if not socket.bind(Gio.InetAddress.new_any(self.group.get_family()), port, flags):
            self.fail(socket)
            return None
        return socket

    def fail(self, socket):
        """Prints the socket's error and ends the loop with status 1."""
        print('%s: %s' % (self.program, socket.get_error_string()), file=sys.stderr)
        self.status = 1
        self.loop.quit()

    def count(self):
        """Counts one datagram sent or received; True (and the loop ends)
        when that was the last one of --count."""
        self.done += 1
        if 0 < self.args.count <= self.done:
            self.loop.quit()
            return True
        return False

    def run(self):
        """Runs the loop until count() or fail() ends it; the exit code."""
        if self.status == 0:
            self.loop.run()
        return self.status
