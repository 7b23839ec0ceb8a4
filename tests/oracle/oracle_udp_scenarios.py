# SPDX-License-Identifier: LGPL-2.1-or-later
"""The UDP scenarios of the Qt-oracle suite: QUdpSocket against
Qs.UdpSocket, on loopback (multicast needs a network namespace of its
own and is tested in C)."""

import socket

from oracle_scenarios import (SETTLE, TIMEOUT, LOOPBACK, do, record,
                              record_error, result, scenario)

SHARE_ADDRESS = 0x1
DONT_SHARE_ADDRESS = 0x2


def bound_socket(b, t, label, address=LOOPBACK, mode=0):
    sock = b.udp_socket()
    sock.trace_signals(t, label)
    t.value(label, 'bind(%s, 0)' % address, sock.bind_mode(address, 0, mode))
    return sock


def record_datagram_state(t, label, sock):
    record(t, label, sock, 'has_pending_datagrams', 'pending_datagram_size',
           'bytes_available')


def send_to(t, label, sender, data, receiver, address=LOOPBACK):
    """sender.write_datagram(data) to receiver's port, recorded without
    the port number."""
    t.value(label, 'write_datagram(%r) to its peer' % data,
            sender.write_datagram(data, address, receiver.local_port()))


def wait_datagrams(b, sock):
    """Runs until a datagram can be read, then lets ready-read come."""
    b.run_until(sock.has_pending_datagrams, TIMEOUT, 'a datagram')
    b.settle(SETTLE)


def record_read(t, label, sock, n, sender):
    data, host, port = sock.read_datagram(n)
    t.value(label, 'read_datagram(%d)' % n, data)
    t.value(label, 'sender', host)
    t.value(label, 'sender port is the sender\'s', port == sender.local_port())


@scenario
def udp_fresh_socket(b, t):
    """A new UDP socket: no datagrams, unbound, no error yet."""
    sock = b.udp_socket()
    record_datagram_state(t, 'udp', sock)
    record(t, 'udp', sock, 'state', 'local_port', 'local_address', 'open_mode')
    record_error(t, 'udp', sock)
    t.value('udp', 'read_datagram(10)', sock.read_datagram(10)[0])
    record_error(t, 'udp', sock)


@scenario
def udp_bind(b, t):
    """bind: BoundState with the address and a port; a second bind is
    refused with the error unchanged."""
    sock = bound_socket(b, t, 'udp')
    record(t, 'udp', sock, 'state', 'local_address', 'open_mode')
    t.value('udp', 'local_port set', sock.local_port() > 0)
    t.value('udp', 'bind again', sock.bind_mode(LOOPBACK, 0, 0))
    record_error(t, 'udp', sock)
    do(t, 'udp', sock, 'close')
    record(t, 'udp', sock, 'state', 'local_port', 'local_address')


@scenario
def udp_round_trip(b, t):
    """A datagram to a bound socket: bytes-written, one ready-read, the
    exact bytes and the sender."""
    a = bound_socket(b, t, 'a')
    z = bound_socket(b, t, 'z')
    send_to(t, 'a', a, b'hello', z)
    wait_datagrams(b, z)
    record_datagram_state(t, 'z', z)
    record_read(t, 'z', z, 100, a)
    record_datagram_state(t, 'z', z)


@scenario
def udp_receive_datagram(b, t):
    """receive_datagram: sender, destination, hop limit, interface index."""
    a = bound_socket(b, t, 'a')
    z = bound_socket(b, t, 'z')
    send_to(t, 'a', a, b'fields', z)
    wait_datagrams(b, z)
    d = z.receive_datagram()
    for key in ('data', 'sender', 'destination', 'hop_limit', 'valid'):
        t.value('z', key, d[key])
    t.value('z', 'sender_port is a\'s', d['sender_port'] == a.local_port())
    t.value('z', 'destination_port is z\'s', d['destination_port'] == z.local_port())
    t.value('z', 'interface_index is lo', d['interface_index'] == socket.if_nametoindex('lo'))
    none = z.receive_datagram()
    t.value('z', 'none pending', (none['valid'], none['data'], none['sender'],
                                  none['sender_port'], none['hop_limit']))
    record_error(t, 'z', z)


@scenario
def udp_truncating_read(b, t):
    """A too small buffer truncates; the rest of that datagram is gone."""
    a = bound_socket(b, t, 'a')
    z = bound_socket(b, t, 'z')
    for data in (b'0123456789', b'second'):
        send_to(t, 'a', a, data, z)
    wait_datagrams(b, z)
    record_datagram_state(t, 'z', z)
    record_read(t, 'z', z, 4, a)
    record_datagram_state(t, 'z', z)
    record_read(t, 'z', z, 100, a)
    record_datagram_state(t, 'z', z)
    t.value('z', 'read_datagram(10) with none', z.read_datagram(10)[0])
    record_error(t, 'z', z)


@scenario
def udp_ready_read_once(b, t):
    """Three datagrams pending: ready-read once until they are read."""
    a = bound_socket(b, t, 'a')
    z = bound_socket(b, t, 'z')
    for data in (b'one', b'two', b'three'):
        send_to(t, 'a', a, data, z)
    wait_datagrams(b, z)
    for _ in range(3):
        record_read(t, 'z', z, 100, a)
    record_datagram_state(t, 'z', z)


@scenario
def udp_unbound_write_binds(b, t):
    """Writing from a fresh socket binds it first (BoundState)."""
    z = bound_socket(b, t, 'z')
    a = b.udp_socket()
    a.trace_signals(t, 'a')
    send_to(t, 'a', a, b'auto', z)
    record(t, 'a', a, 'state', 'local_address')
    t.value('a', 'local_port set', a.local_port() > 0)
    wait_datagrams(b, z)
    record_read(t, 'z', z, 100, a)


@scenario
def udp_datagram_too_large(b, t):
    """A 70 000-byte datagram: -1 and DatagramTooLargeError."""
    a = bound_socket(b, t, 'a')
    result(t, 'a', a, 'write_datagram', bytes(70000), LOOPBACK, 9)
    record_error(t, 'a', a)
    record(t, 'a', a, 'state')


@scenario
def udp_connected_mode(b, t):
    """connect_to_address completes before it returns; write and read then
    carry datagrams through the device API."""
    z = bound_socket(b, t, 'z')
    a = b.udp_socket()
    a.trace_signals(t, 'a')
    t.call('a', 'connect_to_address(127.0.0.1, its peer)')
    a.connect_to_address(LOOPBACK, z.local_port())
    record(t, 'a', a, 'state', 'peer_address', 'open_mode')
    for data in (b'first', b'second'):
        result(t, 'a', a, 'write', data)
    wait_datagrams(b, z)
    record_read(t, 'z', z, 100, a)
    record_read(t, 'z', z, 100, a)
    send_to(t, 'z', z, b'back', a)
    b.run_until(lambda: a.bytes_available() > 0, TIMEOUT, 'the reply')
    record(t, 'a', a, 'bytes_available', 'has_pending_datagrams')
    result(t, 'a', a, 'read', 100)


@scenario
def udp_address_in_use(b, t):
    """DontShareAddress on a used port fails; ShareAddress on both succeeds."""
    first = bound_socket(b, t, 'first', mode=SHARE_ADDRESS)
    second = b.udp_socket()
    second.trace_signals(t, 'second')
    t.value('second', 'bind(used, DontShareAddress)',
            second.bind_mode(LOOPBACK, first.local_port(), DONT_SHARE_ADDRESS))
    record_error(t, 'second', second)
    record(t, 'second', second, 'state')
    third = b.udp_socket()
    third.trace_signals(t, 'third')
    t.value('third', 'bind(used, ShareAddress)',
            third.bind_mode(LOOPBACK, first.local_port(), SHARE_ADDRESS))
    record(t, 'third', third, 'state')


@scenario
def udp_ipv6(b, t):
    """The same round trip over ::1."""
    a = bound_socket(b, t, 'a', address='::1')
    z = bound_socket(b, t, 'z', address='::1')
    send_to(t, 'a', a, b'six', z, address='::1')
    wait_datagrams(b, z)
    d = z.receive_datagram()
    # Qt writes the destination with a scope ("::1%1"); a GInetAddress
    # has none (docs/overview.md).
    for key in ('data', 'sender', 'hop_limit'):
        t.value('z', key, d[key])
    t.value('z', 'sender_port is a\'s', d['sender_port'] == a.local_port())


@scenario
def udp_wait_for_ready_read(b, t):
    """wait_for_ready_read on a bound socket, with no loop running: a
    time-out, then a datagram announced inside the call."""
    a = bound_socket(b, t, 'a')
    z = bound_socket(b, t, 'z')
    result(t, 'z', z, 'wait_for_ready_read', 50)
    record_error(t, 'z', z)
    record(t, 'z', z, 'state')
    send_to(t, 'a', a, b'wake', z)
    result(t, 'z', z, 'wait_for_ready_read', TIMEOUT)
    record_read(t, 'z', z, 100, a)


@scenario
def udp_close_and_abort(b, t):
    """close() and abort() of a bound socket, and what is left."""
    first = bound_socket(b, t, 'first')
    do(t, 'first', first, 'close')
    record(t, 'first', first, 'state', 'local_port', 'is_valid', 'has_pending_datagrams')
    second = bound_socket(b, t, 'second')
    do(t, 'second', second, 'abort')
    record(t, 'second', second, 'state', 'local_port', 'is_valid', 'open_mode')


@scenario
def udp_unreachable_destinations(b, t):
    """Datagrams the kernel refuses: another family, and port 0."""
    a = bound_socket(b, t, 'a')
    result(t, 'a', a, 'write_datagram', b'v6', '::1', 9)
    record_error(t, 'a', a)
    result(t, 'a', a, 'write_datagram', b'zero', LOOPBACK, 0)
    record_error(t, 'a', a)
    record(t, 'a', a, 'state')


@scenario
def udp_connected_port_unreachable(b, t):
    """A connected socket whose peer port is closed: the ICMP errors.
    Qt 6.4 announces the first error event with one ready-read and,
    while nothing is read, stops watching; the error stays on the socket
    and fails the next write; later errors emit nothing, and waits that
    find none time out."""
    closed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    closed.bind((LOOPBACK, 0))
    port = closed.getsockname()[1]
    closed.close()
    a = b.udp_socket()
    a.trace_signals(t, 'a')
    t.call('a', 'connect_to_address(127.0.0.1, a closed port)')
    a.connect_to_address(LOOPBACK, port)
    result(t, 'a', a, 'write', b'one')
    b.settle(SETTLE)
    result(t, 'a', a, 'write', b'two')
    record_error(t, 'a', a)
    result(t, 'a', a, 'write', b'three')
    b.settle(SETTLE)
    record(t, 'a', a, 'state', 'has_pending_datagrams', 'bytes_available')
    result(t, 'a', a, 'write', b'four')
    result(t, 'a', a, 'wait_for_ready_read', 300)
    record_error(t, 'a', a)
    record(t, 'a', a, 'state')
