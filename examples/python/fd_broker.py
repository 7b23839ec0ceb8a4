#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A privilege-separated pair over a qsock local socket, in one script.

The main process listens on a local socket in a private temporary
directory and starts a helper (this script with --helper). The helper is
the process that may open files: it connects, checks with the socket's
peer credentials that it talks to the process that started it, opens the
requested file read-only and passes the open descriptor back with one
byte (Qs.LocalSocket.send_fds). The main process takes the descriptor
once it has read that byte (Qs.LocalSocket.receive_fds), reads the file
through it and prints "READ <bytes> <first line>". In a real program the
helper would run with other rights (another user, a sandbox); here both
run as the same user.

usage: fd_broker.py [FILE]        (default: this script)
"""

import os
import subprocess
import sys
import tempfile

import gi

gi.require_version('Qs', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib, Qs  # noqa: E402

TIMEOUT_MS = 10000


def run_helper(path, file_name):
    """The helper: open the file, pass its descriptor to the parent."""
    sock = Qs.LocalSocket.new()
    sock.connect_to_server(path, Qs.OpenMode.READ_WRITE)
    if sock.get_state() != Qs.LocalSocketState.CONNECTED_STATE:
        return 2
    creds = sock.get_peer_credentials()
    if creds.get_unix_pid() != os.getppid():
        print('helper: peer is not my parent', file=sys.stderr)
        return 3
    fd = os.open(file_name, os.O_RDONLY | os.O_CLOEXEC)
    fds = Gio.UnixFDList.new_from_array([fd])  # the list owns fd now
    sock.send_fds(fds, b'F')
    if not sock.wait_for_bytes_written(TIMEOUT_MS):
        return 4
    return 0 if sock.wait_for_disconnected(TIMEOUT_MS) else 5


class Broker:
    """The main process: asks the helper for the file's descriptor."""

    def __init__(self, file_name):
        self.file_name = file_name
        self.loop = GLib.MainLoop()
        self.status = 1
        self.sock = None
        self.server = Qs.LocalServer.new()
        self.server.connect('new-connection', self.on_new_connection)
        self.dir = tempfile.mkdtemp(prefix='fd-broker-')
        self.path = os.path.join(self.dir, 'broker')
        if not self.server.listen(self.path):
            raise SystemExit('listen: ' + self.server.get_error_string())

    def on_new_connection(self, server):
        self.sock = server.next_pending_connection()
        creds = self.sock.get_peer_credentials()
        if creds.get_unix_pid() != self.helper.pid:
            print('broker: peer is not my helper', file=sys.stderr)
            self.loop.quit()
            return
        self.sock.connect('ready-read', self.on_ready_read)

    def on_ready_read(self, sock):
        if sock.read(1) != b'F':
            self.loop.quit()
            return
        fds = sock.receive_fds()
        if fds is None or fds.get_length() != 1:
            print('broker: no descriptor with the byte', file=sys.stderr)
            self.loop.quit()
            return
        with os.fdopen(fds.get(0), 'rb') as passed:
            data = passed.read()
        with open(self.file_name, 'rb') as direct:
            expected = direct.read()
        first_line = data.split(b'\n', 1)[0].decode('utf-8', 'replace')
        print('READ', len(data), first_line, flush=True)
        self.status = 0 if data == expected else 1
        sock.disconnect_from_server()
        self.loop.quit()

    def run(self):
        self.helper = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), '--helper', self.path, self.file_name])
        GLib.timeout_add(TIMEOUT_MS, self.loop.quit)
        self.loop.run()
        if self.sock is not None:
            self.sock.abort()
        helper_status = self.helper.wait(timeout=TIMEOUT_MS / 1000)
        self.server.close()
        os.rmdir(self.dir)
        return self.status if helper_status == 0 else 1


def main(argv):
    if len(argv) == 4 and argv[1] == '--helper':
        return run_helper(argv[2], argv[3])
    file_name = argv[1] if len(argv) > 1 else os.path.abspath(__file__)
    return Broker(file_name).run()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
