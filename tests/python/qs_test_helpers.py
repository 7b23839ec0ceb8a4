# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the Python GIR tests share: waiting on the default main context,
a trace of a socket's signals (and, on request, property notifies) and
whether IPv6 loopback works."""

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Gio  # noqa: E402

TIMEOUT_MS = 5000


def run_until(predicate, timeout_ms=TIMEOUT_MS):
    """Iterate the default context until predicate() or fail at the deadline."""
    context = GLib.MainContext.default()
    expired = []
    source = GLib.timeout_source_new(timeout_ms)
    source.set_callback(lambda *args: expired.append(True) or GLib.SOURCE_REMOVE)
    source.attach(context)
    try:
        while not predicate() and not expired:
            context.iteration(True)
    finally:
        source.destroy()
    if not predicate():
        raise AssertionError('timed out after %d ms' % timeout_ms)


def trace(socket, log, plain_signals, notify=()):
    """Log into log the plain (argument-less) signals by name, state-changed
    and error-occurred with their value's nick, bytes-written with its
    count, and notify::<p> as "notify::<p>=<value>" for each p in notify."""
    for name in plain_signals:
        socket.connect(name, lambda *args, n=name: log.append(n))
    socket.connect('state-changed',
                   lambda s, state: log.append('state-changed(%s)' % state.value_nick))
    socket.connect('error-occurred',
                   lambda s, error: log.append('error-occurred(%s)' % error.value_nick))
    socket.connect('bytes-written',
                   lambda s, count: log.append('bytes-written(%d)' % count))
    for prop in notify:
        socket.connect('notify::' + prop, lambda s, pspec, p=prop: log.append(
            'notify::%s=%s' % (p, describe(s.get_property(p)))))


def check_three_writes(test, writer, writer_log, reader):
    """Writes 21 bytes in three calls (bytes, bytearray, GLib.Bytes) on a
    connected writer, traced into writer_log, and checks that the reader
    gets them after one flush, announced once, and reads the first line."""
    test.assertEqual(writer.write(b'hello '), 6)
    test.assertEqual(writer.write(bytearray(b'world\n')), 6)
    test.assertEqual(writer.write_bytes(GLib.Bytes.new(b'line two\n')), 9)
    test.assertEqual(writer.bytes_to_write(), 21)
    run_until(lambda: reader.bytes_available() == 21)
    test.assertEqual([e for e in writer_log if e.startswith('bytes-written')],
                     ['bytes-written(21)'])
    test.assertTrue(reader.can_read_line())
    test.assertEqual(reader.peek_bytes(5).get_data(), b'hello')
    test.assertEqual(reader.read_line_bytes(0).get_data(), b'hello world\n')


def describe(value):
    """A GEnum by nick, anything else by repr."""
    nick = getattr(value, 'value_nick', None)
    return nick if nick is not None else repr(value)


def ipv6_available():
    """Whether ::1 can be bound (as qs_test_ipv6_available in C)."""
    try:
        probe = Gio.Socket.new(Gio.SocketFamily.IPV6, Gio.SocketType.DATAGRAM,
                               Gio.SocketProtocol.UDP)
        probe.bind(Gio.InetSocketAddress.new(Gio.InetAddress.new_from_string('::1'), 0),
                   False)
    except GLib.Error:
        return False
    probe.close()
    return True
