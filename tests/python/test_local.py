#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""qsock through PyGObject: a Qs.LocalServer and a Qs.LocalSocket in one
process on the default GLib main context do a real exchange. Proves the
typelib and its annotations for local sockets: bytes in and out
(bytes-like arguments and the GLib.Bytes twins), signals with arguments
(Qs.LocalSocketState, Qs.LocalSocketError), enums and flags by name,
properties with notify, a missing server, a peer close, a stale socket
file and Qs.LocalServer.remove_server. The expected traces are those of
Qt 6.4.2 (PyQt6) for the same steps.

Every socket file lives in a temporary directory (TMPDIR for bare names)
that each test removes. Waits by iterating the main context until a
condition holds or a GLib timeout fails the test; nothing sleeps.
"""

import os
import shutil
import socket
import stat
import tempfile
import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Qs  # noqa: E402

import qs_test_helpers  # noqa: E402
from qs_test_helpers import run_until  # noqa: E402

LOCAL_SIGNALS = ('connected', 'disconnected', 'ready-read', 'read-channel-finished',
                 'about-to-close')
NAME_PROPS = ('server-name', 'full-server-name', 'state')
NAME = 'qsock-test'

State = Qs.LocalSocketState
Error = Qs.LocalSocketError


def connecting_trace(name, full_name):
    """What connect_to_server(name) logs, with NAME_PROPS notifies, up to
    the connect attempt."""
    return ['notify::server-name=%r' % name, 'notify::state=connecting-state',
            'state-changed(connecting-state)', 'notify::full-server-name=%r' % full_name]


def trace(local_socket, log, notify=()):
    """Log every QsLocalSocket signal, and the notifies asked for, into log."""
    qs_test_helpers.trace(local_socket, log, LOCAL_SIGNALS, notify)


class LocalExchangeTest(unittest.TestCase):

    def setUp(self):
        self.tmpdir = tempfile.mkdtemp(prefix='qsock-test-local-')
        self.addCleanup(shutil.rmtree, self.tmpdir, True)
        # Bare names resolve in $TMPDIR, as in Qt 6.
        old_tmpdir = os.environ.get('TMPDIR')
        os.environ['TMPDIR'] = self.tmpdir
        self.addCleanup(self.restore_tmpdir, old_tmpdir)

        self.server = Qs.LocalServer.new()
        self.assertTrue(self.server.listen(NAME))
        self.addCleanup(self.server.close)
        self.accepted = []
        self.server.connect('new-connection',
                            lambda s: self.accepted.append(s.next_pending_connection()))

    @staticmethod
    def restore_tmpdir(old_tmpdir):
        if old_tmpdir is None:
            del os.environ['TMPDIR']
        else:
            os.environ['TMPDIR'] = old_tmpdir

    def path(self, name):
        return os.path.join(self.tmpdir, name)

    @staticmethod
    def traced_connect(name, notify=(), options=Qs.LocalSocketOptions.NO_OPTIONS):
        """A new socket, traced, after connect_to_server(name)."""
        client = Qs.LocalSocket(socket_options=options)
        log = []
        trace(client, log, notify)
        client.connect_to_server(name, Qs.OpenMode.READ_WRITE)
        return client, log

    def connect_client(self, name=NAME):
        client, log = self.traced_connect(name)
        self.assertEqual(client.get_state(), State.CONNECTED_STATE)
        run_until(lambda: self.accepted)
        return client, log, self.accepted.pop(0)

    def test_fresh_socket_properties(self):
        fresh = Qs.LocalSocket()
        self.assertEqual(fresh.props.state, State.UNCONNECTED_STATE)
        self.assertEqual(fresh.props.error, Error.UNKNOWN_SOCKET_ERROR)
        self.assertEqual(fresh.props.error_string, 'Unknown error')
        self.assertIsNone(fresh.props.server_name)
        self.assertIsNone(fresh.props.full_server_name)
        self.assertEqual(fresh.props.socket_options, Qs.LocalSocketOptions.NO_OPTIONS)
        self.assertEqual(fresh.props.open_mode, Qs.OpenMode.NOT_OPEN)
        self.assertEqual(fresh.get_socket_descriptor(), -1)
        self.assertFalse(fresh.is_valid())

    def test_connect_is_synchronous(self):
        full = self.path(NAME)
        client, log = self.traced_connect(NAME, NAME_PROPS)
        # All of it before connect_to_server returns.
        self.assertEqual(log, connecting_trace(NAME, full) +
                         ['notify::state=connected-state',
                          'state-changed(connected-state)', 'connected'])
        self.assertEqual(client.props.server_name, NAME)
        self.assertEqual(client.props.full_server_name, full)
        self.assertEqual(client.get_open_mode(), Qs.OpenMode.READ_WRITE)
        self.assertTrue(client.is_valid())
        self.assertGreaterEqual(client.get_socket_descriptor(), 0)

        # Accepted sockets carry the server's names.
        run_until(lambda: self.accepted)
        accepted = self.accepted[0]
        self.assertEqual(self.server.props.server_name, NAME)
        self.assertEqual(self.server.props.full_server_name, full)
        self.assertEqual(accepted.props.server_name, NAME)
        self.assertEqual(accepted.props.full_server_name, full)
        self.assertEqual(accepted.get_state(), State.CONNECTED_STATE)
        self.assertEqual(accepted.get_open_mode(), Qs.OpenMode.READ_WRITE)

    def test_accepted_names_of_a_path_server(self):
        # Qt 6.4.2 names an accepted socket after the address it is bound
        # to: server-name the path's last part, full-server-name the path.
        path = self.path('by-path')
        server = Qs.LocalServer.new()
        self.assertTrue(server.listen(path))
        self.addCleanup(server.close)
        client, _ = self.traced_connect(path)
        run_until(lambda: server.has_pending_connections())
        accepted = server.next_pending_connection()
        self.assertEqual(accepted.get_full_server_name(), path)
        self.assertEqual(accepted.get_server_name(), 'by-path')

    def test_bytes_in_and_out(self):
        client, log, accepted = self.connect_client()
        # One flush for all three writes, announced once.
        qs_test_helpers.check_three_writes(self, client, log, accepted)
        self.assertEqual(accepted.read_bytes(4).get_data(), b'line')
        self.assertEqual(accepted.read_all(), b' two\n')
        self.assertEqual(accepted.bytes_available(), 0)

        # And back.
        self.assertEqual(accepted.write_bytes(GLib.Bytes.new(b'pong')), 4)
        run_until(lambda: client.bytes_available() == 4)
        self.assertEqual(log[-1], 'ready-read')
        self.assertEqual(client.read_all(), b'pong')

    def test_server_not_found(self):
        missing = self.path('missing')
        client, log = self.traced_connect(missing, NAME_PROPS)
        # The error before the state (unlike TCP), all before the return;
        # back in Unconnected the socket forgets its server.
        self.assertEqual(log, connecting_trace(missing, missing) +
                         ['error-occurred(server-not-found-error)',
                          'notify::server-name=None', 'notify::full-server-name=None',
                          'notify::state=unconnected-state',
                          'state-changed(unconnected-state)'])
        self.assertEqual(client.get_error(), Error.SERVER_NOT_FOUND_ERROR)
        self.assertEqual(client.get_error_string(), 'QLocalSocket::connectToServer: Invalid name')
        self.assertIsNone(client.get_server_name())
        self.assertIsNone(client.get_full_server_name())
        self.assertFalse(client.is_open())

    def test_peer_close(self):
        client, log, accepted = self.connect_client()
        accepted_log = []
        trace(accepted, accepted_log, NAME_PROPS)
        accepted.write(b'bye')
        accepted.disconnect_from_server()
        # Closing waits for the queued bytes.
        self.assertEqual(accepted_log, ['notify::state=closing-state',
                                        'state-changed(closing-state)'])
        run_until(lambda: client.get_state() == State.UNCONNECTED_STATE and
                  accepted.get_state() == State.UNCONNECTED_STATE)
        self.assertEqual(accepted_log[2:], ['bytes-written(3)',
                                            'notify::server-name=None',
                                            'notify::full-server-name=None',
                                            'notify::state=unconnected-state',
                                            'state-changed(unconnected-state)',
                                            'read-channel-finished', 'disconnected'])
        self.assertEqual(log[-6:], ['ready-read', 'error-occurred(peer-closed-error)',
                                    'state-changed(closing-state)',
                                    'state-changed(unconnected-state)',
                                    'read-channel-finished', 'disconnected'])
        self.assertEqual(client.get_error(), Error.PEER_CLOSED_ERROR)
        self.assertEqual(client.get_error_string(), 'QLocalSocket: Remote closed')
        self.assertIsNone(client.props.server_name)
        self.assertIsNone(client.props.full_server_name)
        # The device stays open and the unread bytes readable.
        self.assertTrue(client.is_open())
        self.assertEqual(client.bytes_available(), 3)
        self.assertEqual(client.read_all(), b'bye')
        self.assertEqual(client.write(b'x'), -1)
        self.assertEqual(client.get_error_string(), 'QLocalSocket: Remote closed')

    def test_enums_and_flags_by_name(self):
        Options = Qs.LocalServerSocketOptions
        self.assertEqual(Options.WORLD_ACCESS_OPTION,
                         Options.USER_ACCESS_OPTION | Options.GROUP_ACCESS_OPTION |
                         Options.OTHER_ACCESS_OPTION)
        self.assertEqual(int(Options.ABSTRACT_NAMESPACE_OPTION), 0x8)
        self.assertEqual(int(Qs.LocalSocketOptions.ABSTRACT_NAMESPACE_OPTION), 1)
        self.assertEqual([int(s) for s in (State.UNCONNECTED_STATE, State.CONNECTING_STATE,
                                           State.CONNECTED_STATE, State.CLOSING_STATE)],
                         [0, 2, 3, 6])
        self.assertEqual([int(e) for e in (Error.CONNECTION_REFUSED_ERROR, Error.PEER_CLOSED_ERROR,
                                           Error.SERVER_NOT_FOUND_ERROR,
                                           Error.UNKNOWN_SOCKET_ERROR, Error.OPERATION_ERROR)],
                         [0, 1, 2, -1, 19])

        # The access options become the socket file's mode.
        server = Qs.LocalServer.new()
        notified = []
        server.connect('notify::socket-options',
                       lambda s, pspec: notified.append(s.props.socket_options))
        server.props.socket_options = Options.USER_ACCESS_OPTION
        self.assertEqual(notified, [Options.USER_ACCESS_OPTION])
        self.assertTrue(server.listen(self.path('user-only')))
        mode = stat.S_IMODE(os.stat(self.path('user-only')).st_mode)
        server.close()
        self.assertEqual(mode, 0o700)

    def test_abstract_namespace(self):
        name = 'qsock-test-%d-%s' % (os.getpid(), os.path.basename(self.tmpdir))
        server = Qs.LocalServer.new()
        server.set_socket_options(Qs.LocalServerSocketOptions.ABSTRACT_NAMESPACE_OPTION)
        self.assertTrue(server.listen(name))
        self.addCleanup(server.close)
        self.assertEqual(server.get_full_server_name(), name)
        self.assertEqual(os.listdir(self.tmpdir), [NAME])  # no file for it

        client, log = self.traced_connect(
            name, options=Qs.LocalSocketOptions.ABSTRACT_NAMESPACE_OPTION)
        self.assertEqual(log, ['state-changed(connecting-state)',
                               'state-changed(connected-state)', 'connected'])
        self.assertEqual(client.get_full_server_name(), name)
        run_until(lambda: server.has_pending_connections())
        accepted = server.next_pending_connection()
        self.assertEqual(accepted.get_server_name(), name)
        self.assertEqual(accepted.get_full_server_name(), name)

        # Without the option the same name is a file in $TMPDIR: none there.
        plain = Qs.LocalSocket.new()
        plain.connect_to_server(name, Qs.OpenMode.READ_WRITE)
        self.assertEqual(plain.get_error(), Error.SERVER_NOT_FOUND_ERROR)

    def test_stale_file_and_remove_server(self):
        stale = self.path('stale')
        leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        leftover.bind(stale)
        leftover.close()  # the file stays, with no listener

        client, log = self.traced_connect('stale')
        self.assertEqual(log, ['state-changed(connecting-state)',
                               'error-occurred(connection-refused-error)',
                               'state-changed(unconnected-state)'])
        self.assertEqual(client.get_error_string(),
                         'QLocalSocket::connectToServer: Connection refused')

        server = Qs.LocalServer.new()
        self.assertFalse(server.listen('stale'))
        self.assertEqual(server.props.server_error, Qs.SocketError.ADDRESS_IN_USE_ERROR)
        self.assertEqual(server.props.error_string, 'QLocalServer::listen: Address in use')
        self.assertIsNone(server.props.server_name)

        self.assertTrue(Qs.LocalServer.remove_server('stale'))
        self.assertFalse(os.path.exists(stale))
        self.assertTrue(Qs.LocalServer.remove_server('stale'))  # nothing left: removed
        self.assertTrue(server.listen('stale'))
        self.assertTrue(os.path.exists(stale))
        server.close()
        self.assertFalse(os.path.exists(stale))

    def test_server_properties_notify(self):
        server = Qs.LocalServer.new()
        log = []
        for prop in ('listening', 'server-name', 'full-server-name'):
            server.connect('notify::' + prop, lambda s, pspec, p=prop: log.append(
                '%s=%r' % (p, s.get_property(p))))
        path = self.path('notify')
        self.assertTrue(server.listen('notify'))
        self.assertEqual(log, ["server-name='notify'", 'full-server-name=%r' % path,
                               'listening=True'])
        self.assertTrue(server.is_listening())
        self.assertIsNone(server.get_error_string())
        del log[:]
        server.close()
        self.assertEqual(sorted(log), ['full-server-name=None', 'listening=False',
                                       'server-name=None'])
        self.assertFalse(os.path.exists(path))
        self.assertEqual(os.listdir(self.tmpdir), [NAME])


if __name__ == '__main__':
    unittest.main(verbosity=2)
