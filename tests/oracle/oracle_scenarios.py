# SPDX-License-Identifier: LGPL-2.1-or-later
"""The TCP scenarios of the Qt-oracle suite.

Each scenario is a function (backend, trace) written once against the
vocabulary of oracle_backends.py; oracle_run.py runs it through PyQt6 and
through qsock and requires the two traces to be equal. A scenario records
calls, signals and values per object label; it never records what differs
between two runs by nature (port numbers, descriptors, timings) — it
records a comparison instead ("peer_port == server_port").

Every wait is a bounded run of the loop until a condition (a failed wait
raises and fails the test), or settle(), which iterates the loop for a
fixed time only to show that nothing more happens.
"""

import os
import socket

from oracle_backends import connect_write_only, set_socket_descriptor_write_only

TIMEOUT = 5000          # ms, every awaited condition
SETTLE = 100            # ms, "nothing else happens"
LOOPBACK = '127.0.0.1'
MISSING_HOST = 'qsock-oracle.invalid'   # RFC 2606: never resolves

SCENARIOS = {}


def scenario(function):
    SCENARIOS[function.__name__] = function
    return function


class Dropping:
    """A trace that drops some signals of the objects traced through it:
    how many ready-read a large transfer gives depends on the kernel."""

    def __init__(self, trace, dropped):
        self.trace = trace
        self.dropped = dropped

    def signal(self, label, name):
        if name.split('(')[0] not in self.dropped:
            self.trace.signal(label, name)


# -- helpers ----------------------------------------------------------------

def closed_port():
    """A loopback port nothing listens on."""
    s = socket.socket()
    s.bind((LOOPBACK, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def hanging_listener():
    """A listener whose accept queue is full: connects to it hang in SYN-SENT."""
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))
    listener.listen(0)
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(listener.getsockname())
        fillers.append(filler)
    return listener, fillers


def listening_server(b, t, address=LOOPBACK, label='server'):
    server = b.tcp_server()
    server.trace_signals(t, label)
    t.call(label, 'listen(%s, 0)' % address)
    t.value(label, 'returned', server.listen(address, 0))
    return server


def error_flag(sock):
    """A list that becomes non-empty when sock emits error-occurred."""
    seen = []
    sock.on('errorOccurred', lambda: seen.append(True))
    return seen


def connect_client(b, t, server, label='client', host=LOOPBACK):
    client = b.tcp_socket()
    client.trace_signals(t, label)
    t.call(label, 'connect_to_address(%s, server_port)' % host)
    client.connect_to_address(host, server.server_port())
    b.run_until(lambda: client.state() == 'ConnectedState'
                and server.has_pending_connections(), TIMEOUT, 'the connection')
    return client


def accept(t, server, label='peer', tracer=None):
    peer = server.next_pending_connection()
    peer.trace_signals(tracer or t, label)
    return peer


def connected_pair(b, t, tracer=None):
    server = listening_server(b, t)
    client = connect_client(b, t, server)
    peer = accept(t, server, tracer=tracer)
    return server, client, peer


def send(b, t, sender, receiver, data, label='peer'):
    """sender writes data; run until receiver has it buffered."""
    t.call(label, 'write(%r)' % data)
    t.value(label, 'returned', sender.write(data))
    want = receiver.bytes_available() + len(data)
    b.run_until(lambda: receiver.bytes_available() >= want, TIMEOUT, 'the data')


def shown(name, args):
    """How a call appears in a trace; long byte strings by their length."""
    if not args:
        return name
    return '%s(%s)' % (name, ', '.join(
        '<%d bytes>' % len(a) if isinstance(a, bytes) and len(a) > 32 else repr(a)
        for a in args))


def do(t, label, obj, name, *args):
    """Record the call obj.name(*args), then make it."""
    t.call(label, shown(name, args))
    getattr(obj, name)(*args)


def until_unconnected(b, *sockets):
    b.run_until(lambda: all(s.state() == 'UnconnectedState' for s in sockets),
                TIMEOUT, 'UnconnectedState')


def record(t, label, obj, *calls):
    """Record what each argument-less call of obj returns, in order."""
    for name in calls:
        t.value(label, name, getattr(obj, name)())


def result(t, label, obj, name, *args):
    """Call obj.name(*args) and record what it returned."""
    t.value(label, shown(name, args), getattr(obj, name)(*args))


def record_endpoint(t, label, sock):
    record(t, label, sock, 'state', 'open_mode', 'is_valid', 'peer_name',
           'peer_address')
    t.value(label, 'peer_port set', sock.peer_port() > 0)
    record(t, label, sock, 'local_address')
    t.value(label, 'local_port set', sock.local_port() > 0)
    t.value(label, 'descriptor valid', sock.descriptor() >= 0)
    record(t, label, sock, 'bytes_available', 'bytes_to_write')


def record_error(t, label, obj):
    record(t, label, obj, 'error', 'error_string')


# -- connecting --------------------------------------------------------------

@scenario
def connect_by_address(b, t):
    """A fresh socket, then a connect to an IPv4 literal and the accept."""
    server = listening_server(b, t)
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    record_endpoint(t, 'client', client)
    record(t, 'client', client, 'is_open')
    record_error(t, 'client', client)
    t.call('client', 'connect_to_address(127.0.0.1, server_port)')
    client.connect_to_address(LOOPBACK, server.server_port())
    record(t, 'client', client, 'state')
    b.run_until(lambda: client.state() == 'ConnectedState'
                and server.has_pending_connections(), TIMEOUT, 'the connection')
    record_endpoint(t, 'client', client)
    t.value('client', 'peer_port == server_port',
            client.peer_port() == server.server_port())
    peer = accept(t, server)
    record_endpoint(t, 'peer', peer)
    t.value('peer', 'peer_port == client local_port',
            peer.peer_port() == client.local_port())
    t.value('peer', 'local_port == server_port',
            peer.local_port() == server.server_port())
    record(t, 'server', server, 'has_pending_connections')


@scenario
def connect_by_name(b, t):
    """connect_to_host("localhost"): lookup first, then each address in turn.

    The server listens on 127.0.0.1 only. Qt asks getaddrinfo() (here
    /etc/hosts may name only 127.0.0.1), GResolver answers "localhost"
    itself with ::1 and 127.0.0.1 (RFC 6761); qsock then finds ::1
    refused and goes on to 127.0.0.1 without a signal, as Qt does between
    two addresses, so both traces are the same.
    """
    server = listening_server(b, t)
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    t.call('client', 'connect_to_host(localhost, server_port)')
    client.connect_to_host('localhost', server.server_port())
    record(t, 'client', client, 'state')
    b.run_until(lambda: client.state() == 'ConnectedState'
                and server.has_pending_connections(), TIMEOUT, 'the connection')
    record_endpoint(t, 'client', client)
    peer = accept(t, server)
    record_endpoint(t, 'peer', peer)
    record(t, 'server', server, 'server_address')


@scenario
def connect_ipv6(b, t):
    """Connect to ::1; addresses are reported in IPv6 form on both ends."""
    server = listening_server(b, t, address='::1')
    record(t, 'server', server, 'server_address')
    client = connect_client(b, t, server, host='::1')
    record_endpoint(t, 'client', client)
    record_endpoint(t, 'peer', accept(t, server))


@scenario
def connection_refused(b, t):
    """A connect to a closed port, then the same socket connects elsewhere."""
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    failed = error_flag(client)
    t.call('client', 'connect_to_address(127.0.0.1, closed_port)')
    client.connect_to_address(LOOPBACK, closed_port())
    b.run_until(lambda: failed, TIMEOUT, 'error-occurred')
    b.settle(SETTLE)
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)
    server = listening_server(b, t)
    t.call('client', 'connect_to_address(127.0.0.1, server_port)')
    client.connect_to_address(LOOPBACK, server.server_port())
    b.run_until(lambda: client.state() == 'ConnectedState', TIMEOUT, 'connected')
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)


@scenario
def connection_refused_by_name(b, t):
    """connect_to_host("localhost") with every address refused."""
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    failed = error_flag(client)
    t.call('client', 'connect_to_host(localhost, closed_port)')
    client.connect_to_host('localhost', closed_port())
    b.run_until(lambda: failed, TIMEOUT, 'error-occurred')
    b.settle(SETTLE)
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)


@scenario
def host_not_found(b, t):
    """A name under .invalid: HostNotFoundError after the lookup."""
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    failed = error_flag(client)
    t.call('client', 'connect_to_host(%s, 80)' % MISSING_HOST)
    client.connect_to_host(MISSING_HOST, 80)
    record(t, 'client', client, 'state')
    b.run_until(lambda: failed, TIMEOUT, 'error-occurred')
    b.settle(SETTLE)
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)


@scenario
def wait_for_connected_timeout(b, t):
    """wait_for_connected on a connect that never completes."""
    listener, fillers = hanging_listener()
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    t.call('client', 'connect_to_address(127.0.0.1, hanging_port)')
    client.connect_to_address(LOOPBACK, listener.getsockname()[1])
    t.call('client', 'wait_for_connected(200)')
    t.value('client', 'returned', client.wait_for_connected(200))
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)
    b.settle(SETTLE)
    for s in fillers + [listener]:
        s.close()


@scenario
def wait_for_connected_blocking(b, t):
    """wait_for_connected and wait_for_new_connection with no loop running."""
    server = listening_server(b, t)
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    t.call('client', 'connect_to_address(127.0.0.1, server_port)')
    client.connect_to_address(LOOPBACK, server.server_port())
    t.call('client', 'wait_for_connected(5000)')
    t.value('client', 'returned', client.wait_for_connected(TIMEOUT))
    record(t, 'client', client, 'state')
    t.call('server', 'wait_for_new_connection(5000)')
    t.value('server', 'returned', server.wait_for_new_connection(TIMEOUT))
    record(t, 'server', server, 'has_pending_connections')
    record_endpoint(t, 'peer', accept(t, server))


@scenario
def abort_while_connecting(b, t):
    """abort() right after connect_to_host, before the lookup ended."""
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    t.call('client', 'connect_to_host(localhost, closed_port)')
    client.connect_to_host('localhost', closed_port())
    do(t, 'client', client, 'abort')
    b.settle(SETTLE)
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)


@scenario
def bind_then_connect(b, t):
    """bind() first (BoundState), then the connection leaves from that port."""
    server = listening_server(b, t)
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    result(t, 'client', client, 'bind', LOOPBACK, 0)
    record(t, 'client', client, 'state', 'local_address')
    bound_port = client.local_port()
    t.value('client', 'local_port set', bound_port > 0)
    client.connect_to_address(LOOPBACK, server.server_port())
    b.run_until(lambda: client.state() == 'ConnectedState', TIMEOUT, 'connected')
    t.value('client', 'local_port == bound port', client.local_port() == bound_port)
    result(t, 'client', client, 'bind', LOOPBACK, 0)
    record_error(t, 'client', client)


@scenario
def connect_while_connected(b, t):
    """A second connect on a connected socket is refused with OperationError."""
    server, client, peer = connected_pair(b, t)
    t.call('client', 'connect_to_address(127.0.0.1, server_port)')
    client.connect_to_address(LOOPBACK, server.server_port())
    b.settle(SETTLE)
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)


# -- writing and reading -----------------------------------------------------

@scenario
def write_exact_bytes(b, t):
    """A small write: one bytes-written with its count, one ready-read."""
    server, client, peer = connected_pair(b, t)
    send(b, t, client, peer, b'hello', label='client')
    record(t, 'client', client, 'bytes_to_write')
    record(t, 'peer', peer, 'bytes_available')
    result(t, 'peer', peer, 'read', 100)
    result(t, 'peer', peer, 'read', 100)
    record(t, 'peer', peer, 'at_end')


@scenario
def writes_coalesce(b, t):
    """Three writes before the loop runs are flushed together."""
    server, client, peer = connected_pair(b, t)
    for data in (b'one', b'two', b'three'):
        t.value('client', 'write(%r)' % data, client.write(data))
    record(t, 'client', client, 'bytes_to_write')
    b.run_until(lambda: peer.bytes_available() >= 11, TIMEOUT, 'the data')
    record(t, 'client', client, 'bytes_to_write')
    record(t, 'peer', peer, 'read_all')


@scenario
def large_transfer(b, t):
    """4 MiB arrive intact; bytes-written adds up to exactly what was written."""
    t.merge_bytes_written = True
    server, client, peer = connected_pair(b, t, tracer=Dropping(t, {'readyRead'}))
    data = bytes(range(256)) * (4 * 4096)
    received = bytearray()
    peer.on('readyRead', lambda: received.extend(peer.read_all()))
    t.value('client', 'write(4 MiB)', client.write(data))
    record(t, 'client', client, 'bytes_to_write')
    b.run_until(lambda: len(received) == len(data)
                and client.bytes_to_write() == 0, TIMEOUT, 'the transfer')
    t.value('peer', 'received == written', bytes(received) == data)


@scenario
def read_line_across_chunks(b, t):
    """A line that arrives in two pieces; can_read_line only once it is whole."""
    server, client, peer = connected_pair(b, t)
    send(b, t, peer, client, b'ab')
    record(t, 'client', client, 'can_read_line')
    send(b, t, peer, client, b'c\nde\nf')
    record(t, 'client', client, 'can_read_line')
    result(t, 'client', client, 'read_line', 100)
    record(t, 'client', client, 'read_line_bytes')
    record(t, 'client', client, 'can_read_line', 'bytes_available')
    result(t, 'client', client, 'read_line', 100)
    result(t, 'client', client, 'read_line', 100)


@scenario
def read_line_max_size(b, t):
    """read_line with a max size reads max_size - 1 bytes, as Qt's char* form."""
    server, client, peer = connected_pair(b, t)
    send(b, t, peer, client, b'abcdef\ngh\nij')
    result(t, 'client', client, 'read_line', 4)
    record(t, 'client', client, 'read_line_bytes')
    result(t, 'client', client, 'read_line', 3)
    result(t, 'client', client, 'read_line', 3)
    result(t, 'client', client, 'read_line', 2)
    record(t, 'client', client, 'bytes_available', 'read_all')


@scenario
def peek_does_not_consume(b, t):
    """peek leaves the bytes where they are; read then takes them."""
    server, client, peer = connected_pair(b, t)
    send(b, t, peer, client, b'hello world')
    result(t, 'client', client, 'peek', 5)
    record(t, 'client', client, 'bytes_available')
    result(t, 'client', client, 'peek_bytes', 100)
    result(t, 'client', client, 'read', 6)
    result(t, 'client', client, 'peek', 100)
    record(t, 'client', client, 'read_all')
    result(t, 'client', client, 'peek', 5)
    record(t, 'client', client, 'at_end')


@scenario
def transaction_rollback(b, t):
    """A rolled-back transaction gives the bytes back; a committed one keeps
    them read."""
    server, client, peer = connected_pair(b, t)
    send(b, t, peer, client, b'abcdefgh')
    do(t, 'client', client, 'start_transaction')
    record(t, 'client', client, 'is_transaction_started')
    result(t, 'client', client, 'read', 3)
    record(t, 'client', client, 'bytes_available')
    do(t, 'client', client, 'rollback_transaction')
    record(t, 'client', client, 'is_transaction_started', 'bytes_available')
    do(t, 'client', client, 'start_transaction')
    result(t, 'client', client, 'skip', 2)
    result(t, 'client', client, 'read', 2)
    do(t, 'client', client, 'commit_transaction')
    record(t, 'client', client, 'is_transaction_started', 'bytes_available',
           'read_all')


@scenario
def read_buffer_size_limits(b, t):
    """With a 10-byte read buffer no more than 10 bytes wait in it."""
    server, client, peer = connected_pair(b, t)
    do(t, 'client', client, 'set_read_buffer_size', 10)
    record(t, 'client', client, 'read_buffer_size')
    data = bytes(range(100))
    t.value('peer', 'write(100 bytes)', peer.write(data))
    received = b''
    for _ in range(10):
        b.run_until(lambda: client.bytes_available() >= 10, TIMEOUT, '10 bytes')
        b.settle(SETTLE // 2)
        record(t, 'client', client, 'bytes_available')
        received += client.read(10)
    t.value('client', 'received == written', received == data)
    b.settle(SETTLE)
    record(t, 'client', client, 'bytes_available')


# -- closing -----------------------------------------------------------------

@scenario
def remote_close_keeps_unread_bytes(b, t):
    """The peer writes and disconnects; the unread bytes stay readable."""
    server, client, peer = connected_pair(b, t)
    result(t, 'peer', peer, 'write', b'bye')
    do(t, 'peer', peer, 'disconnect_from_host')
    record(t, 'peer', peer, 'state')
    until_unconnected(b, client, peer)
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)
    record(t, 'client', client, 'is_open', 'at_end', 'read_all', 'at_end')
    result(t, 'client', client, 'write', b'x')
    record_error(t, 'client', client)
    record_endpoint(t, 'peer', peer)


@scenario
def disconnect_with_queued_data(b, t):
    """disconnect_from_host with 4 MiB queued: Closing, all delivered, then
    Unconnected."""
    t.merge_bytes_written = True
    server, client, peer = connected_pair(b, t, tracer=Dropping(t, {'readyRead'}))
    data = bytes(range(251)) * 16711
    received = bytearray()
    peer.on('readyRead', lambda: received.extend(peer.read_all()))
    result(t, 'client', client, 'write', data)
    do(t, 'client', client, 'disconnect_from_host')
    record(t, 'client', client, 'state')
    t.value('client', 'bytes_to_write == written', client.bytes_to_write() == len(data))
    until_unconnected(b, client, peer)
    received.extend(peer.read_all())
    t.value('peer', 'received == written', bytes(received) == data)
    record_endpoint(t, 'client', client)
    record(t, 'client', client, 'is_open')


@scenario
def abort_connected(b, t):
    """abort() is synchronous and drops unread bytes; the peer sees a close."""
    server, client, peer = connected_pair(b, t)
    send(b, t, peer, client, b'xyz')
    result(t, 'client', client, 'write', b'unsent')
    do(t, 'client', client, 'abort')
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)
    record(t, 'client', client, 'is_open')
    until_unconnected(b, peer)
    record_error(t, 'peer', peer)
    record(t, 'peer', peer, 'read_all')


@scenario
def close_connected(b, t):
    """close() flushes what was written, then closes."""
    server, client, peer = connected_pair(b, t)
    result(t, 'client', client, 'write', b'last words')
    do(t, 'client', client, 'close')
    record_endpoint(t, 'client', client)
    record(t, 'client', client, 'is_open')
    until_unconnected(b, peer)
    record(t, 'peer', peer, 'read_all')
    record_error(t, 'peer', peer)


@scenario
def wait_for_disconnected(b, t):
    """wait_for_disconnected: a timeout while connected, then the peer's close."""
    server, client, peer = connected_pair(b, t)
    t.call('client', 'wait_for_disconnected(50)')
    t.value('client', 'returned', client.wait_for_disconnected(50))
    record_error(t, 'client', client)
    record(t, 'client', client, 'state')
    do(t, 'peer', peer, 'disconnect_from_host')
    t.call('client', 'wait_for_disconnected(5000)')
    t.value('client', 'returned', client.wait_for_disconnected(TIMEOUT))
    record_endpoint(t, 'client', client)


# -- blocking calls ----------------------------------------------------------

@scenario
def wait_for_ready_read(b, t):
    """wait_for_ready_read emits ready-read inside the call; a timeout after."""
    server, client, peer = connected_pair(b, t)
    result(t, 'peer', peer, 'write', b'data')
    record(t, 'peer', peer, 'flush')
    t.call('client', 'wait_for_ready_read(5000)')
    t.value('client', 'returned', client.wait_for_ready_read(TIMEOUT))
    record(t, 'client', client, 'bytes_available')
    t.call('client', 'wait_for_ready_read(50)')
    t.value('client', 'returned', client.wait_for_ready_read(50))
    record_error(t, 'client', client)
    record(t, 'client', client, 'state', 'read_all')


@scenario
def wait_for_bytes_written(b, t):
    """wait_for_bytes_written writes and emits bytes-written inside the call."""
    server, client, peer = connected_pair(b, t)
    result(t, 'client', client, 'write', b'abc')
    t.call('client', 'wait_for_bytes_written(5000)')
    t.value('client', 'returned', client.wait_for_bytes_written(TIMEOUT))
    record(t, 'client', client, 'bytes_to_write')
    t.call('client', 'wait_for_bytes_written(50)')
    t.value('client', 'returned', client.wait_for_bytes_written(50))
    t.call('peer', 'wait_for_ready_read(5000)')
    t.value('peer', 'returned', peer.wait_for_ready_read(TIMEOUT))
    record(t, 'peer', peer, 'read_all')


# -- calls in the wrong state ------------------------------------------------

@scenario
def calls_on_unconnected_socket(b, t):
    """I/O and waits on a socket that never connected: Qt's return values."""
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    result(t, 'client', client, 'write', b'x')
    result(t, 'client', client, 'read', 5)
    record(t, 'client', client, 'read_all')
    result(t, 'client', client, 'peek', 5)
    record(t, 'client', client, 'flush')
    result(t, 'client', client, 'wait_for_ready_read', 10)
    result(t, 'client', client, 'wait_for_bytes_written', 10)
    result(t, 'client', client, 'wait_for_disconnected', 10)
    result(t, 'client', client, 'wait_for_connected', 10)
    do(t, 'client', client, 'disconnect_from_host')
    do(t, 'client', client, 'close')
    do(t, 'client', client, 'abort')
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)
    t.value('client', 'socket_option(LowDelayOption)', client.socket_option('LowDelayOption'))


@scenario
def set_socket_descriptor(b, t):
    """Adopting a connected descriptor; refusing -1 and a closed one."""
    server = listening_server(b, t)
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    result(t, 'client', client, 'set_socket_descriptor', -1)
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)
    stale = socket.socket()
    stale_fd = stale.detach()
    os.close(stale_fd)
    t.value('client', 'set_socket_descriptor(closed)', client.set_socket_descriptor(stale_fd))
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)
    raw = socket.create_connection((LOOPBACK, server.server_port()))
    t.value('client', 'set_socket_descriptor(connected)',
            client.set_socket_descriptor(raw.detach()))
    record_endpoint(t, 'client', client)
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')
    peer = accept(t, server)
    send(b, t, peer, client, b'adopted')
    record(t, 'client', client, 'read_all')


@scenario
def socket_options(b, t):
    """Options read back as set on a connected socket."""
    server, client, peer = connected_pair(b, t)
    for name, value in (('LowDelayOption', 1), ('KeepAliveOption', 1),
                        ('LowDelayOption', 0)):
        t.call('client', 'set_socket_option(%s, %d)' % (name, value))
        client.set_socket_option(name, value)
        t.value('client', name, client.socket_option(name))
    t.value('client', 'TypeOfServiceOption', client.socket_option('TypeOfServiceOption'))


# -- re-entrancy -------------------------------------------------------------

@scenario
def abort_in_ready_read(b, t):
    """abort() from inside the ready-read handler."""
    server, client, peer = connected_pair(b, t)
    client.on('readyRead', client.abort)
    result(t, 'peer', peer, 'write', b'boom')
    until_unconnected(b, client)
    b.settle(SETTLE)
    record_endpoint(t, 'client', client)
    record_error(t, 'client', client)
    until_unconnected(b, peer)


@scenario
def drop_in_ready_read(b, t):
    """The ready-read handler drops the socket (Qt: deleteLater; qsock: the
    last reference); the peer then sees the close."""
    server, client, peer = connected_pair(b, t)
    gone = []
    client.watch_destroyed(lambda *args: gone.append(True))
    client.on('readyRead', client.release)
    result(t, 'peer', peer, 'write', b'bye')
    b.run_until(lambda: gone, TIMEOUT, 'the socket to be destroyed')
    until_unconnected(b, peer)
    record_error(t, 'peer', peer)


# -- the server ----------------------------------------------------------------

@scenario
def server_listen_port_zero(b, t):
    """listen on port 0 picks a port; close forgets it."""
    server = b.tcp_server()
    server.trace_signals(t, 'server')
    record(t, 'server', server, 'is_listening', 'server_error', 'error_string',
           'max_pending_connections', 'listen_backlog_size')
    t.value('server', 'listen(127.0.0.1, 0)', server.listen(LOOPBACK, 0))
    record(t, 'server', server, 'is_listening')
    t.value('server', 'server_port set', server.server_port() > 0)
    record(t, 'server', server, 'server_address')
    t.value('server', 'descriptor valid', server.descriptor() >= 0)
    record(t, 'server', server, 'has_pending_connections', 'next_pending_connection')
    t.value('server', 'listen again', server.listen(LOOPBACK, 0))
    record(t, 'server', server, 'server_error')
    do(t, 'server', server, 'close')
    record(t, 'server', server, 'is_listening', 'server_port', 'server_address',
           'descriptor')
    t.value('server', 'listen(any, 0)', server.listen(None, 0))
    record(t, 'server', server, 'server_address')


@scenario
def server_listen_used_port(b, t):
    """A second listen on a port in use fails with AddressInUseError."""
    first = listening_server(b, t, label='first')
    second = b.tcp_server()
    second.trace_signals(t, 'second')
    t.value('second', 'listen(used port)', second.listen(LOOPBACK, first.server_port()))
    record(t, 'second', second, 'is_listening', 'server_port', 'server_address',
           'server_error', 'error_string')
    t.value('second', 'listen(0)', second.listen(LOOPBACK, 0))
    record(t, 'second', second, 'server_error', 'error_string')


@scenario
def server_wait_for_new_connection_timeout(b, t):
    """wait_for_new_connection times out and says so."""
    server = listening_server(b, t)
    result(t, 'server', server, 'wait_for_new_connection', 50)
    record(t, 'server', server, 'server_error', 'error_string', 'is_listening')


@scenario
def server_max_pending_connections(b, t):
    """With max-pending-connections 1 the second connection waits until the
    first is taken."""
    server = listening_server(b, t)
    do(t, 'server', server, 'set_max_pending_connections', 1)
    first = connect_client(b, t, server, label='first')
    second = b.tcp_socket()
    second.trace_signals(t, 'second')
    second.connect_to_address(LOOPBACK, server.server_port())
    b.run_until(lambda: second.state() == 'ConnectedState', TIMEOUT, 'second connected')
    b.settle(SETTLE)
    record(t, 'server', server, 'has_pending_connections')
    t.call('server', 'next_pending_connection')
    peer1 = server.next_pending_connection()
    t.value('server', 'peer 1 is first', peer1.peer_port() == first.local_port())
    record(t, 'server', server, 'has_pending_connections')
    b.run_until(server.has_pending_connections, TIMEOUT, 'the second connection')
    peer2 = server.next_pending_connection()
    t.value('server', 'peer 2 is second', peer2.peer_port() == second.local_port())
    record(t, 'server', server, 'next_pending_connection')


@scenario
def server_pause_accepting(b, t):
    """pause_accepting holds connections in the kernel until resume."""
    server = listening_server(b, t)
    do(t, 'server', server, 'pause_accepting')
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    client.connect_to_address(LOOPBACK, server.server_port())
    b.run_until(lambda: client.state() == 'ConnectedState', TIMEOUT, 'connected')
    b.settle(SETTLE)
    record(t, 'server', server, 'has_pending_connections')
    do(t, 'server', server, 'resume_accepting')
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')
    record(t, 'server', server, 'has_pending_connections')
    do(t, 'server', server, 'close')
    record(t, 'server', server, 'has_pending_connections')


# -- a socket opened write-only ---------------------------------------------

def write_only_exchange(b, t, client, peer, disconnect='disconnect_from_host'):
    """client, open WriteOnly, is sent bytes it must discard unannounced;
    its own writes go out; a flushed write of the peer's ends
    wait_for_ready_read at once (Qt: the discarded bytes count) with
    nothing to read; the peer's close still ends the connection."""
    record(t, 'client', client, 'open_mode')
    result(t, 'peer', peer, 'write', b'unread')
    result(t, 'client', client, 'write', b'xy')
    b.run_until(lambda: peer.bytes_available() == 2, TIMEOUT, 'the client\'s bytes')
    b.settle(SETTLE)
    record(t, 'client', client, 'bytes_available', 'at_end')
    result(t, 'client', client, 'read', 10)
    result(t, 'peer', peer, 'write', b'more')
    record(t, 'peer', peer, 'flush')
    result(t, 'client', client, 'wait_for_ready_read', TIMEOUT)
    record(t, 'client', client, 'bytes_available')
    do(t, 'peer', peer, disconnect)
    b.run_until(lambda: client.state() == 'UnconnectedState', TIMEOUT, 'the close')
    b.settle(SETTLE)
    record(t, 'client', client, 'bytes_available', 'error', 'open_mode')


@scenario
def write_only_connect(b, t):
    """connect_to_host opening WriteOnly: the peer's bytes are never read."""
    server = listening_server(b, t)
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    t.call('client', 'connect_to_address(%s, server_port, WriteOnly)' % LOOPBACK)
    connect_write_only(client, LOOPBACK, server.server_port())
    b.run_until(lambda: client.state() == 'ConnectedState'
                and server.has_pending_connections(), TIMEOUT, 'the connection')
    write_only_exchange(b, t, client, accept(t, server))


@scenario
def write_only_descriptor(b, t):
    """set_socket_descriptor(fd, ConnectedState, WriteOnly): the same."""
    server = listening_server(b, t)
    client = b.tcp_socket()
    client.trace_signals(t, 'client')
    raw = socket.create_connection((LOOPBACK, server.server_port()))
    t.value('client', 'set_socket_descriptor(connected, ConnectedState, WriteOnly)',
            set_socket_descriptor_write_only(client, raw.detach()))
    b.run_until(server.has_pending_connections, TIMEOUT, 'the connection')
    write_only_exchange(b, t, client, accept(t, server))


# The scenarios of the other classes register themselves here too.
import oracle_local_scenarios  # noqa: E402,F401  pylint: disable=wrong-import-position,cyclic-import
import oracle_udp_scenarios  # noqa: E402,F401  pylint: disable=wrong-import-position,cyclic-import
import oracle_ssl_scenarios  # noqa: E402,F401  pylint: disable=wrong-import-position,cyclic-import
import oracle_proxy_scenarios  # noqa: E402,F401  pylint: disable=wrong-import-position,cyclic-import
