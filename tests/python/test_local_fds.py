#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock's local-socket extras through PyGObject: descriptors passed with
the byte stream (Qs.LocalSocket.send_fds / receive_fds, Gio.UnixFDList)
and the peer's credentials (get_peer_credentials), between two qsock
sockets and with Python's own socket.send_fds / recv_fds on the other
end. Waits by iterating the main context until a condition holds or a
GLib timeout fails the test; nothing sleeps.
"""

import os
import socket
import unittest

import gi

gi.require_version('Qs', '1.0')
gi.require_version('Gio', '2.0')
from gi.repository import Gio, GLib, Qs  # noqa: E402

from qs_test_helpers import run_until  # noqa: E402


def adopt(sock):
    """A connected Qs.LocalSocket owning sock's descriptor."""
    local = Qs.LocalSocket.new()
    assert local.set_socket_descriptor(sock.detach(), Qs.LocalSocketState.CONNECTED_STATE,
                                       Qs.OpenMode.READ_WRITE)
    return local


class LocalFdsTest(unittest.TestCase):

    def pair(self):
        a, b = socket.socketpair()
        return adopt(a), adopt(b)

    def test_pipe_travels_with_its_byte(self):
        a, b = self.pair()
        r, w = os.pipe()
        self.addCleanup(os.close, r)
        a.write(b'head')
        self.assertEqual(a.send_fds(Gio.UnixFDList.new_from_array([w]), b'Fx'), 2)
        run_until(lambda: b.bytes_available() == 6)
        self.assertEqual(b.read(4), b'head')
        self.assertIsNone(b.receive_fds())
        self.assertEqual(b.read(1), b'F')
        fds = b.receive_fds()
        self.assertEqual(fds.get_length(), 1)
        passed = fds.steal_fds()[0]
        os.write(passed, b'through the pipe')
        os.close(passed)
        self.assertEqual(os.read(r, 100), b'through the pipe')
        self.assertEqual(b.read(1), b'x')
        self.assertIsNone(b.receive_fds())

    def test_python_socket_sender(self):
        # A foreign sender: its descriptors come once the last byte of
        # its message is read, never before the first.
        raw, local_end = socket.socketpair()
        self.addCleanup(raw.close)
        b = adopt(local_end)
        r, w = os.pipe()
        self.addCleanup(os.close, r)
        socket.send_fds(raw, [b'ab'], [w])
        os.close(w)
        run_until(lambda: b.bytes_available() == 2)
        self.assertEqual(b.read(1), b'a')
        self.assertIsNone(b.receive_fds())
        self.assertEqual(b.read(1), b'b')
        self.assertEqual(b.receive_fds().get_length(), 1)

    def test_python_socket_receiver(self):
        raw, local_end = socket.socketpair()
        self.addCleanup(raw.close)
        a = adopt(local_end)
        r, w = os.pipe()
        self.addCleanup(os.close, r)
        self.addCleanup(os.close, w)
        a.write(b'12')
        a.send_fds(Gio.UnixFDList.new_from_array([os.dup(w)]), b'F3')
        self.assertTrue(a.wait_for_bytes_written(5000))
        data = b''
        received = []
        while len(data) < 4:
            chunk, fds, _, _ = socket.recv_fds(raw, 16, 4)
            data += chunk
            received += fds
            if fds:
                # The descriptors come with the receive that ends at 'F'.
                self.assertTrue(data.endswith(b'F'))
        self.assertEqual(data, b'12F3')
        self.assertEqual(len(received), 1)
        os.close(received[0])

    def test_not_connected(self):
        sock = Qs.LocalSocket.new()
        with self.assertRaises(GLib.Error) as caught:
            sock.send_fds(Gio.UnixFDList.new(), b'x')
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_CONNECTED))
        with self.assertRaises(GLib.Error) as caught:
            sock.get_peer_credentials()
        self.assertTrue(caught.exception.matches(Gio.io_error_quark(), Gio.IOErrorEnum.NOT_CONNECTED))

    def test_peer_credentials(self):
        a, b = self.pair()
        creds = a.get_peer_credentials()
        self.assertEqual(creds.get_unix_pid(), os.getpid())
        self.assertEqual(creds.get_unix_user(), os.getuid())


if __name__ == '__main__':
    unittest.main()
