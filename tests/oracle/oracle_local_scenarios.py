# SPDX-License-Identifier: LGPL-2.1-or-later
"""The local-socket scenarios of the Qt-oracle suite: QLocalSocket and
QLocalServer against Qs.LocalSocket and Qs.LocalServer.

The runner gives each side a fresh $TMPDIR (where a bare server name
lives) and writes it as "$TMPDIR" in traces, so paths compare.
"""

import os
import socket
import stat

from oracle_backends import connect_write_only, set_socket_descriptor_write_only
from oracle_scenarios import (SETTLE, TIMEOUT, Dropping, do, record, result,
                              scenario, until_unconnected, write_only_exchange)


def tmp_path(name):
    return os.path.join(os.environ['TMPDIR'], name)


def local_server(b, t, name='server', label='server'):
    server = b.local_server()
    server.trace_signals(t, label)
    result(t, label, server, 'listen', name)
    return server


def local_client(b, t, name='server', label='client'):
    client = b.local_socket()
    client.trace_signals(t, label)
    do(t, label, client, 'connect_to_server', name)
    return client


def local_pair(b, t, tracer=None):
    server = local_server(b, t)
    client = local_client(b, t)
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')
    peer = server.next_pending_connection()
    peer.trace_signals(tracer or t, 'peer')
    return server, client, peer


def record_local(t, label, sock):
    record(t, label, sock, 'state', 'open_mode', 'is_valid', 'server_name',
           'full_server_name', 'bytes_available', 'bytes_to_write')
    t.value(label, 'descriptor valid', sock.descriptor() >= 0)


def record_local_error(t, label, sock):
    record(t, label, sock, 'error', 'error_string')


def record_server(t, label, server):
    record(t, label, server, 'is_listening', 'server_name', 'full_server_name',
           'server_error', 'error_string')
    t.value(label, 'descriptor valid', server.descriptor() >= 0)


def send_local(b, t, sender, receiver, data, label='peer'):
    result(t, label, sender, 'write', data)
    want = receiver.bytes_available() + len(data)
    b.run_until(lambda: receiver.bytes_available() >= want, TIMEOUT, 'the data')


@scenario
def local_fresh_objects(b, t):
    """What a new socket and a new server report."""
    client = b.local_socket()
    record_local(t, 'client', client)
    record_local_error(t, 'client', client)
    record(t, 'client', client, 'read_buffer_size', 'is_open')
    server = b.local_server()
    record_server(t, 'server', server)
    record(t, 'server', server, 'max_pending_connections', 'listen_backlog_size',
           'has_pending_connections', 'next_pending_connection')
    result(t, 'server', server, 'wait_for_new_connection', 10)


@scenario
def local_connect(b, t):
    """connect_to_server is over before it returns; the server then accepts."""
    server, client, peer = local_pair(b, t)
    record_local(t, 'client', client)
    record_local_error(t, 'client', client)
    record_local(t, 'peer', peer)
    record_server(t, 'server', server)
    t.value('server', 'socket file exists', os.path.exists(tmp_path('server')))


@scenario
def local_connect_by_path(b, t):
    """A full path names the same server as its bare name."""
    server = local_server(b, t, name=tmp_path('server'))
    record_server(t, 'server', server)
    client = local_client(b, t, name=tmp_path('server'))
    record_local(t, 'client', client)
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')
    record_local(t, 'peer', server.next_pending_connection())


@scenario
def local_server_not_found(b, t):
    """No such server, then an empty name."""
    client = local_client(b, t, name='nosuch')
    record_local(t, 'client', client)
    record_local_error(t, 'client', client)
    do(t, 'client', client, 'connect_to_server', '')
    record_local_error(t, 'client', client)
    do(t, 'client', client, 'set_server_name', 'nosuch')
    do(t, 'client', client, 'connect_to_server')
    record_local(t, 'client', client)


@scenario
def local_stale_socket_file(b, t):
    """A socket file nobody listens on: refused, in use, removable."""
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(tmp_path('stale'))
    stale.close()
    client = local_client(b, t, name='stale')
    record_local(t, 'client', client)
    record_local_error(t, 'client', client)
    server = local_server(b, t, name='stale')
    record_server(t, 'server', server)
    t.value('main', 'remove_server(stale)', b.remove_server('stale'))
    t.value('main', 'remove_server(stale) again', b.remove_server('stale'))
    result(t, 'server', server, 'listen', 'stale')
    record_server(t, 'server', server)


@scenario
def local_server_listen_errors(b, t):
    """A name in use by a live server, an empty name, a second listen."""
    first = local_server(b, t, label='first')
    second = local_server(b, t, label='second')
    record_server(t, 'second', second)
    result(t, 'second', second, 'listen', '')
    record_server(t, 'second', second)
    result(t, 'second', second, 'listen', 'other')
    record_server(t, 'second', second)
    do(t, 'second', second, 'close')
    record_server(t, 'second', second)
    t.value('second', 'socket file exists', os.path.exists(tmp_path('other')))
    record_server(t, 'first', first)


@scenario
def local_connect_while_connected(b, t):
    """A second connect reports OperationError but keeps the error code."""
    server, client, peer = local_pair(b, t)
    do(t, 'client', client, 'connect_to_server', 'server')
    record_local(t, 'client', client)
    record_local_error(t, 'client', client)


@scenario
def local_exchange(b, t):
    """Bytes both ways, lines and peeks, with their signals."""
    server, client, peer = local_pair(b, t)
    send_local(b, t, client, peer, b'hello\nworld', label='client')
    record(t, 'peer', peer, 'can_read_line')
    result(t, 'peer', peer, 'peek', 5)
    result(t, 'peer', peer, 'read_line', 100)
    record(t, 'peer', peer, 'bytes_available', 'read_all', 'at_end')
    send_local(b, t, peer, client, b'x' * 1000)
    record(t, 'client', client, 'bytes_available')
    result(t, 'client', client, 'read', 10)
    record(t, 'client', client, 'bytes_available')


@scenario
def local_peer_close(b, t):
    """The peer writes and disconnects; the bytes stay readable."""
    server, client, peer = local_pair(b, t)
    result(t, 'peer', peer, 'write', b'bye')
    do(t, 'peer', peer, 'disconnect_from_server')
    record(t, 'peer', peer, 'state')
    until_unconnected(b, client, peer)
    record_local(t, 'client', client)
    record_local_error(t, 'client', client)
    record(t, 'client', client, 'is_open', 'read_all', 'at_end')
    result(t, 'client', client, 'write', b'x')
    record_local_error(t, 'client', client)
    do(t, 'client', client, 'close')
    record_local(t, 'peer', peer)


@scenario
def local_close(b, t):
    """close(): about-to-close first, then the close; the bytes arrive."""
    server, client, peer = local_pair(b, t)
    result(t, 'client', client, 'write', b'last words')
    do(t, 'client', client, 'close')
    record_local(t, 'client', client)
    until_unconnected(b, peer)
    record(t, 'peer', peer, 'read_all')
    record_local_error(t, 'peer', peer)


@scenario
def local_abort(b, t):
    """abort(): about-to-close last; unread bytes are dropped."""
    server, client, peer = local_pair(b, t)
    send_local(b, t, peer, client, b'unread')
    do(t, 'client', client, 'abort')
    record_local(t, 'client', client)
    record_local_error(t, 'client', client)
    record(t, 'client', client, 'is_open')
    until_unconnected(b, peer)
    record_local_error(t, 'peer', peer)


@scenario
def local_disconnect_with_queued_data(b, t):
    """4 MiB queued, then disconnect_from_server: Closing until all is sent."""
    t.merge_bytes_written = True
    server, client, peer = local_pair(b, t, tracer=Dropping(t, {'readyRead'}))
    data = bytes(range(251)) * 16711
    received = bytearray()
    peer.on('readyRead', lambda: received.extend(peer.read_all()))
    result(t, 'client', client, 'write', data)
    do(t, 'client', client, 'disconnect_from_server')
    record(t, 'client', client, 'state')
    until_unconnected(b, client, peer)
    received.extend(peer.read_all())
    t.value('peer', 'received == written', bytes(received) == data)
    record_local(t, 'client', client)


@scenario
def local_blocking_waits(b, t):
    """The wait_for_* calls with no loop running: time-outs, then success."""
    server, client, peer = local_pair(b, t)
    result(t, 'client', client, 'wait_for_ready_read', 50)
    record_local_error(t, 'client', client)
    record(t, 'client', client, 'state')
    result(t, 'client', client, 'wait_for_bytes_written', 50)
    result(t, 'client', client, 'write', b'abc')
    result(t, 'client', client, 'wait_for_bytes_written', TIMEOUT)
    result(t, 'peer', peer, 'wait_for_ready_read', TIMEOUT)
    record(t, 'peer', peer, 'read_all')
    result(t, 'client', client, 'wait_for_disconnected', 50)
    do(t, 'peer', peer, 'disconnect_from_server')
    result(t, 'client', client, 'wait_for_disconnected', TIMEOUT)
    record_local(t, 'client', client)
    result(t, 'client', client, 'wait_for_connected', 10)
    result(t, 'client', client, 'wait_for_ready_read', 10)


@scenario
def local_read_buffer_size(b, t):
    """With a 10-byte read buffer no more than 10 bytes wait in it."""
    server, client, peer = local_pair(b, t)
    do(t, 'client', client, 'set_read_buffer_size', 10)
    result(t, 'peer', peer, 'write', bytes(range(100)))
    received = b''
    for _ in range(10):
        b.run_until(lambda: client.bytes_available() >= 10, TIMEOUT, '10 bytes')
        b.settle(SETTLE // 2)
        record(t, 'client', client, 'bytes_available')
        received += client.read(10)
    t.value('client', 'received == written', received == bytes(range(100)))


@scenario
def local_server_close_and_access(b, t):
    """close() removes the socket file; access options set its mode."""
    server = local_server(b, t, name='open')
    t.value('server', 'mode', oct(stat.S_IMODE(os.stat(tmp_path('open')).st_mode)))
    do(t, 'server', server, 'close')
    record_server(t, 'server', server)
    t.value('server', 'socket file exists', os.path.exists(tmp_path('open')))
    for options, name in ((0x1, 'user'), (0x7, 'world'), (0x3, 'group')):
        do(t, 'server', server, 'set_socket_options', options)
        result(t, 'server', server, 'listen', name)
        t.value('server', 'mode', oct(stat.S_IMODE(os.stat(tmp_path(name)).st_mode)))
        do(t, 'server', server, 'close')


@scenario
def local_abstract_namespace(b, t):
    """A server and a client in Linux's abstract namespace: no file."""
    server = b.local_server()
    server.trace_signals(t, 'server')
    do(t, 'server', server, 'set_socket_options', 0x8)
    name = 'qsock-oracle-%d' % os.getpid()
    t.value('server', 'listen(abstract)', server.listen(name))
    t.value('server', 'full_server_name is the name', server.full_server_name() == name)
    t.value('server', 'socket file exists', os.path.exists(tmp_path(name)))
    client = b.local_socket()
    client.trace_signals(t, 'client')
    client.use_abstract_namespace()
    client.connect_to_server(name)
    record(t, 'client', client, 'state')
    t.value('client', 'full_server_name is the name', client.full_server_name() == name)
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')


@scenario
def local_max_pending_connections(b, t):
    """With max-pending-connections 1, Qt 6.4's QLocalServer accepts three
    (it checks the count before queueing, and accepts before checking);
    the fourth waits in the kernel until the application takes one.
    Without the limit all four would be accepted at once."""
    server = local_server(b, t)
    do(t, 'server', server, 'set_max_pending_connections', 1)
    clients = [local_client(b, t, label='client%d' % i) for i in range(4)]
    b.run_until(server.has_pending_connections, TIMEOUT, 'the first')
    b.settle(SETTLE)
    taken = 0
    while server.next_pending_connection() is not None:
        taken += 1
    t.value('server', 'accepted while limited', taken)
    record(t, 'server', server, 'has_pending_connections')
    b.run_until(server.has_pending_connections, TIMEOUT, 'the fourth')
    t.value('server', 'got the fourth', server.next_pending_connection() is not None)
    record(t, 'server', server, 'has_pending_connections')
    b.settle(SETTLE)
    record(t, 'server', server, 'has_pending_connections')
    for i, client in enumerate(clients):
        record(t, 'client%d' % i, client, 'state')


@scenario
def local_descriptors(b, t):
    """Adopting one end of a socket pair; a server on a listening descriptor."""
    client = b.local_socket()
    client.trace_signals(t, 'client')
    result(t, 'client', client, 'set_socket_descriptor', -1)
    record_local_error(t, 'client', client)
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    t.value('client', 'set_socket_descriptor(pair)', client.set_socket_descriptor(mine.detach()))
    record_local(t, 'client', client)
    theirs.sendall(b'hi')
    b.run_until(lambda: client.bytes_available() == 2, TIMEOUT, 'the data')
    record(t, 'client', client, 'read_all')
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(tmp_path('byfd'))
    listener.listen(5)
    server = b.local_server()
    server.trace_signals(t, 'server')
    t.value('server', 'listen_on_descriptor', server.listen_on_descriptor(listener.detach()))
    record_server(t, 'server', server)
    other = local_client(b, t, name='byfd', label='other')
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')
    record_local(t, 'peer', server.next_pending_connection())
    do(t, 'server', server, 'close')
    t.value('server', 'socket file exists', os.path.exists(tmp_path('byfd')))
    record(t, 'other', other, 'state')


@scenario
def local_abort_in_ready_read(b, t):
    """abort() from inside the ready-read handler."""
    server, client, peer = local_pair(b, t)
    client.on('readyRead', client.abort)
    result(t, 'peer', peer, 'write', b'boom')
    until_unconnected(b, client)
    b.settle(SETTLE)
    record_local(t, 'client', client)
    until_unconnected(b, peer)
    record_local_error(t, 'peer', peer)


@scenario
def local_peer_dies_mid_write(b, t):
    """The peer closes without reading while 4 MiB are being written."""
    t.merge_bytes_written = True
    server, client, peer = local_pair(b, t)
    result(t, 'client', client, 'write', bytes(4 * 1024 * 1024))
    do(t, 'peer', peer, 'abort')
    until_unconnected(b, client)
    b.settle(SETTLE)
    record_local(t, 'client', client)
    record_local_error(t, 'client', client)


@scenario
def local_write_only_connect(b, t):
    """connect_to_server opening WriteOnly: the peer's bytes are never read."""
    server = local_server(b, t)
    client = b.local_socket()
    client.trace_signals(t, 'client')
    t.call('client', "connect_to_server('server', WriteOnly)")
    connect_write_only(client, 'server')
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')
    peer = server.next_pending_connection()
    peer.trace_signals(t, 'peer')
    write_only_exchange(b, t, client, peer, 'disconnect_from_server')


@scenario
def local_write_only_descriptor(b, t):
    """set_socket_descriptor(fd, ConnectedState, WriteOnly): the same."""
    server = local_server(b, t)
    client = b.local_socket()
    client.trace_signals(t, 'client')
    raw = socket.socket(socket.AF_UNIX)
    raw.connect(tmp_path('server'))
    t.value('client', 'set_socket_descriptor(connected, ConnectedState, WriteOnly)',
            set_socket_descriptor_write_only(client, raw.detach()))
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')
    peer = server.next_pending_connection()
    peer.trace_signals(t, 'peer')
    write_only_exchange(b, t, client, peer, 'disconnect_from_server')
