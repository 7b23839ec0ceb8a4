# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the Python fortune examples share, over TCP (Qs.TcpSocket) and
over local sockets (Qs.LocalSocket): the fortunes, the server's delivery
of one framed fortune per client, and the client's main loop and its
reading of one frame inside a transaction. The wire format: a 32-bit
big-endian length followed by the UTF-8 text. Same as examples/c.
"""

import argparse
import random
import struct
import sys

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib  # noqa: E402

FORTUNES = [
    "You've been leading a dog's life. Stay off the furniture.",
    "You've got to think about tomorrow.",
    "You will be surprised by a loud noise.",
    "You will feel hungry again in another hour.",
    "You might have mail.",
    "You cannot kill time without injuring eternity.",
    "Computers are not intelligent. They only think they are.",
]


class FortuneServerBase:
    """Serves one random fortune per connection; subclasses make the
    server (whose new-connection goes to on_new_connection) and say how a
    connection is closed."""

    def __init__(self, count, split):
        self.loop = GLib.MainLoop()
        self.remaining = count if count > 0 else -1
        self.split = split
        self.clients = set()

    def listen(self, where):
        """Listens and prints where ("PORT <n>", "NAME <name>")."""
        raise NotImplementedError

    def disconnect_client(self, client):
        raise NotImplementedError

    @classmethod
    def add_arguments(cls, parser):
        """Adds the options of a subclass; none by default."""

    @classmethod
    def from_arguments(cls, parser, args):
        """The server for the parsed command line, or None once it has said
        why not."""
        return cls(args.count, args.split)

    @classmethod
    def main(cls, description, where, **where_options):
        """Parses the command line (where: the listening option, --count
        N, --split, and add_arguments()'s), listens, and serves until done.
        Returns the exit code."""
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument(where, **where_options)
        parser.add_argument('--count', type=int, default=0, help='exit after N clients')
        parser.add_argument('--split', action='store_true', help='send each frame in two parts')
        cls.add_arguments(parser)
        args = parser.parse_args()

        server = cls.from_arguments(parser, args)
        if server is None or not server.listen(getattr(args, where.lstrip('-'))):
            return 1
        server.loop.run()
        return 0

    def on_new_connection(self, server):
        client = server.next_pending_connection()
        while client is not None:
            if self.serve(client):
                server.close()
            client = server.next_pending_connection()

    def serve(self, client):
        """Sends a fortune to an accepted connection and disconnects it.
        Returns True when that was the last client to serve."""
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
            self.disconnect_client(client)
        return self.remaining == 0

    def send_rest(self, client, rest):
        client.write(rest)
        self.disconnect_client(client)
        return GLib.SOURCE_REMOVE

    def on_disconnected(self, client):
        self.clients.discard(client)
        if self.remaining == 0 and not self.clients:
            self.loop.quit()


class FortuneClientBase:
    """Reads one fortune from a socket; closed_error is the error code of
    the server's close, the normal end."""

    def __init__(self, program, socket, closed_error):
        self.program = program
        self.loop = GLib.MainLoop()
        self.status = 1
        self.done = False
        self.finished = False
        self.closed_error = closed_error
        self.socket = socket
        self.socket.connect('ready-read', self.on_ready_read)
        self.socket.connect('error-occurred', self.on_error)
        self.socket.connect('disconnected', self.on_disconnected)

    def finish(self, status):
        self.status = status
        self.finished = True
        self.loop.quit()

    def on_ready_read(self, socket):
        if self.done:
            return
        socket.start_transaction()
        header = socket.read(4)
        if len(header) < 4:
            socket.rollback_transaction()
            return
        (length,) = struct.unpack('>I', header)
        text = socket.read(length)
        if len(text) < length:
            socket.rollback_transaction()
            return
        socket.commit_transaction()
        print(text.decode('utf-8'), flush=True)
        self.done = True
        self.finish(0)

    def on_error(self, socket, error):
        # The server closes right after the fortune; that is the normal end.
        if self.done or error == self.closed_error:
            return
        print('%s: %s' % (self.program, socket.get_error_string()), file=sys.stderr)
        self.finish(1)

    def on_disconnected(self, socket):
        # After an error (said already), the socket disconnects too.
        if not self.done and not self.finished:
            print('%s: the server closed before sending a whole fortune' % self.program,
                  file=sys.stderr)
            self.finish(1)

    def on_timeout(self):
        self.timeout_id = 0
        print('%s: timed out' % self.program, file=sys.stderr)
        self.finish(1)
        return GLib.SOURCE_REMOVE

    def run(self, start):
        """Calls start() to connect, then runs until a fortune was printed,
        an error, or 10 s. A local connect may fail inside start()."""
        self.timeout_id = GLib.timeout_add_seconds(10, self.on_timeout)
        start()
        if not self.finished:
            self.loop.run()
        if self.timeout_id:
            GLib.source_remove(self.timeout_id)
        return self.status
