# bench/peer_common.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# What qsock-bench's two Python peers (peer-pyqt.py, peer-python-qsock.py)
# share: the child protocol of bench.h (arguments, READY, RESULT, exit
# codes), the payloads of bench-common.c (pattern, pingpong messages,
# datagrams, lines), and every workload of BENCH.md written once against
# a small Backend interface, which each peer implements with its library:
# readyRead → read, writes paced by bytesWritten, canReadLine/readLine,
# datagrams read in a loop until none is left.

"""qsock-bench's Python peers: protocol, payloads and workloads."""

import argparse
import ctypes
import json
import math
import os
import signal
import socket
import struct
import sys
import time
import traceback

READ_SIZE = 65536       # bytes asked of one read, as the C peers' buffer
READ_LINE_MAX = 256     # longest line a readline server accepts
PATTERN_PERIOD = 251    # byte i of a stream is i % PATTERN_PERIOD
LINE_LEN = 80           # 79 bytes and '\n'
REPLY_TIMEOUT = 1.0     # seconds a pingpong reply may take
UDP_IDLE_END = 0.5      # udp-flood server: seconds after the last datagram
WATCHDOG_MS = 100       # how often those two are checked
IDLE_IN_FLIGHT = 64     # --idle: connections a client has connecting at once (bench.h)

WORKLOADS = ('tcp-stream', 'tcp-pingpong', 'tcp-connections', 'tcp-fanin',
             'udp-flood', 'udp-pingpong', 'local-stream', 'local-pingpong',
             'readline', 'tls-stream', 'tls-pingpong', 'tls-handshakes')

EXIT_SKIP = 77

now = time.monotonic     # CLOCK_MONOTONIC, as bench_now


def skip(reason):
    """A peer that cannot run: SKIP on stdout, exit 77."""
    print('SKIP ' + reason, flush=True)
    sys.exit(EXIT_SKIP)


# ---- payloads (bench-common.c) ----------------------------------------------

def pattern(offset, length):
    """Bytes offset .. offset + length of a stream."""
    start = offset % PATTERN_PERIOD
    table = bytes(range(PATTERN_PERIOD)) * ((start + length) // PATTERN_PERIOD + 1)
    return table[start:start + length]


# What any read of a stream is checked against with one startswith.
PATTERN_TABLE = pattern(0, READ_SIZE + PATTERN_PERIOD)

# Line k: its index as 16 hex digits, a space, 62 letters from k % 26, '\n'.
_LINE_TAILS = [bytes(ord('a') + (k + i) % 26 for i in range(17, LINE_LEN - 1)) + b'\n'
               for k in range(26)]


def line(k):
    return b'%016x ' % k + _LINE_TAILS[k % 26]


def lines_at(offset, length):
    """Bytes offset .. offset + length of the readline stream."""
    first = offset // LINE_LEN
    last = (offset + length + LINE_LEN - 1) // LINE_LEN
    skip_bytes = offset - first * LINE_LEN
    return b''.join(map(line, range(first, last)))[skip_bytes:skip_bytes + length]


def percentiles(samples):
    """p50 and p99 by nearest rank, as bench_percentiles."""
    if not samples:
        return None, None
    ordered = sorted(samples)
    n = len(ordered)

    def rank(percent):
        r = (n * percent + 99) // 100
        return ordered[r - 1 if r > 0 else 0]
    return rank(50), rank(99)


# ---- the process -------------------------------------------------------------

def rss_kb():
    """VmRSS of /proc/self/status after malloc_trim(0), as bench_rss_kb."""
    ctypes.CDLL(None).malloc_trim(0)
    with open('/proc/self/status', encoding='ascii') as status:
        for text in status:
            if text.startswith('VmRSS:'):
                return int(text.split()[1])
    return -1


def raise_nofile():
    """RLIMIT_NOFILE to its hard limit, as bench_raise_nofile."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def split_addr(addr):
    """"127.0.0.1:PORT" or "[::1]:PORT" → (host, port); a path → (path, 0)."""
    if addr.startswith('/'):
        return addr, 0
    host, _, port = addr.rpartition(':')
    if host.startswith('[') and host.endswith(']'):
        host = host[1:-1]
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError('bad --addr ' + addr)
    return host, int(port)


def format_addr(ipv6, port):
    return '[::1]:%d' % port if ipv6 else '127.0.0.1:%d' % port


def parse_args(argv):
    """bench.h's child protocol; exits 2 on a usage error."""
    parser = argparse.ArgumentParser(description="a qsock-bench peer")
    parser.add_argument('workload', choices=WORKLOADS)
    parser.add_argument('--impl', required=True)
    parser.add_argument('--role', required=True, choices=('server', 'client'))
    for size in ('bytes', 'write-size', 'msg-size', 'count', 'conns', 'idle'):
        parser.add_argument('--' + size, type=int, default=0)
    parser.add_argument('--time-limit', type=float, default=300.0)
    parser.add_argument('--ipv6', action='store_true')
    parser.add_argument('--batch', action='store_true')
    parser.add_argument('--dir')
    parser.add_argument('--tls-dir')
    parser.add_argument('--addr')
    p = parser.parse_args(argv)
    p.server = p.role == 'server'
    if p.time_limit <= 0:
        parser.error('--time-limit must be positive')
    if p.workload in ('tcp-stream', 'local-stream', 'tcp-fanin', 'readline', 'tls-stream'):
        if p.write_size <= 0:
            parser.error('--write-size must be positive')
    elif (p.workload not in ('tcp-connections', 'tls-handshakes') and
          not 8 <= p.msg_size <= READ_SIZE):
        parser.error('--msg-size must be 8 to %d' % READ_SIZE)
    return p


class Run:
    """One role of one workload: its parameters, what it measured (the
    members of BenchResult) and how it ends. The first of succeed() and
    fail() decides the exit code and stops the loop."""

    def __init__(self, p, backend):
        self.p = p
        self.b = backend
        self.count = 0
        self.seconds = None
        self.p50_us = None
        self.p99_us = None
        self.rss_kb = None
        self.held = 0
        self.duplicates = 0
        self.malformed = 0
        self.start = None
        self.done = False
        self.exit_code = 1

    def start_clock(self):
        self.start = now()

    def stop_clock(self, at=None):
        self.seconds = (now() if at is None else at) - self.start

    def succeed(self):
        if self.done:
            return
        self.done = True
        result = {name: getattr(self, name) for name in
                  ('count', 'seconds', 'p50_us', 'p99_us', 'rss_kb', 'held',
                   'duplicates', 'malformed')}
        print('RESULT ' + json.dumps(result), flush=True)
        self.exit_code = 0
        self.b.quit()

    def fail(self, why):
        if self.done:
            return
        self.done = True
        print('%s: %s' % (self.p.impl, why), file=sys.stderr, flush=True)
        self.b.quit()

    def ready(self, addr):
        print('READY ' + addr, flush=True)


# ---- the library a peer drives -------------------------------------------------

class Stream:
    """A connected stream socket as the workloads use it: plain callables
    bound once, so that the hot loops make no attribute look-ups."""
    __slots__ = ('sock', 'read', 'write', 'write_payload', 'echo', 'available',
                 'to_write', 'can_read_line', 'read_line', 'close')

    def __init__(self, sock, **calls):
        self.sock = sock
        for name, call in calls.items():
            setattr(self, name, call)


class Tls:
    """A TLS workload's certificates (bench.h) and whether its sockets use
    TCP_NODELAY from before the handshake: the connect, and the listening
    socket (accepted ones inherit it)."""

    def __init__(self, p):
        self.ca, self.cert, self.key = (os.path.join(p.tls_dir or '.', name)
                                        for name in ('ca.pem', 'server.pem', 'server.key'))
        self.low_delay = p.workload != 'tls-stream'
        self.time_limit = p.time_limit    # a server's handshake timeout

    @staticmethod
    def set_nodelay(fd):
        """TCP_NODELAY on a descriptor the library owns."""
        sock = socket.socket(fileno=os.dup(fd))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.close()


class Backend:
    """What a peer implements with its library. Callbacks take *args: Qt
    signals pass their arguments, GObject ones the emitter first.

    TLS workloads: tls is a Tls (else None), set before any call; listen()
    makes a TLS server that announces connections once encrypted, and
    connect() a TLS socket whose on_connected comes once encrypted.

    Event loop: run_loop(), quit(), every(ms, cb) (repeating), soon(cb)
    (the next loop iteration).
    Streams: listen(local, path, ipv6) → (server, port) on loopback port 0
    or the Unix socket path, raising OSError; on_connection(server, cb),
    cb(sock) for each accepted socket; connect(local, host_or_path, port,
    on_connected, on_error) → sock, connecting, on_connected(sock) once it
    is (maybe before connect returns); on(sock, signal, cb) for
    'ready-read', 'bytes-written', 'read-channel-finished'; on_error(sock,
    cb), cb(text) for errors other than the peer closing (what connect's
    on_error gets too); disconnect(sock) closes once what was written
    has left, and 'disconnected' follows (TLS only); set_low_delay(sock);
    dispose(sock) once the
    workload is done with it; payload(data) → what the library writes
    fastest, for bytes a stream client writes again and again;
    stream(sock) → Stream, with read(n) → bytes (empty or None when
    nothing is buffered), write(data) → int, write_payload(payload) → int,
    echo(n) (reads n bytes and writes them back), available(), to_write(),
    can_read_line(), read_line() → bytes, close().
    Datagrams: udp_bind(ipv6) → (sock, port), raising OSError;
    udp_socket() → an unbound sock; datagram_reader(sock, max_size) →
    recv() → the next datagram (at most max_size bytes of it), or None
    when none is pending; datagram_echoer(sock) → echo() → None when none
    is pending, else whether it sent the datagram back to its sender
    whole; datagram_sender(sock, host, port) → send(data) → whether it
    went out whole.

    A role's setup may raise OSError or ValueError: the run fails."""

    tls = None


def listen_stream(run, on_accept):
    """Listens (backlog SOMAXCONN, as raw: a client connecting faster than
    the server accepts must not lose SYNs), prints READY and passes each
    accepted socket to on_accept."""
    p = run.p
    local = p.workload.startswith('local-')
    path = None
    if local:
        if p.dir is None:
            raise ValueError('a local workload needs --dir')
        path = p.dir + '/' + p.impl + '.sock'
    server, port = run.b.listen(local, path, p.ipv6)
    run.b.on_connection(server, on_accept)
    run.ready(path if local else format_addr(p.ipv6, port))


def connect_stream(run, on_connected):
    """A stream socket connecting to --addr; on_connected(sock) once it is."""
    host, port = split_addr(run.p.addr or '')
    run.b.connect(port == 0, host, port, on_connected, run.fail)


# ---- tcp-stream, local-stream, tcp-fanin, readline ---------------------------

def stream_conns(p):
    return p.conns if p.workload == 'tcp-fanin' else 1


def stream_total(p):
    return p.count * LINE_LEN if p.workload == 'readline' else p.bytes


def stream_server(run):
    p = run.p
    b = run.b
    total = stream_total(p)
    table = PATTERN_TABLE
    finished = 0

    def consume_bytes(s, offset):
        """Checks what s has buffered; the new offset, or -1 on a mismatch."""
        read = s.read
        while True:
            data = read(READ_SIZE)
            if not data:
                return offset
            n = len(data)
            if offset + n > total or not table.startswith(data, offset % PATTERN_PERIOD):
                run.fail('bad stream data at %d' % offset)
                return -1
            offset += n

    def consume_lines(s, offset):
        """Checks the whole lines s has buffered; as consume_bytes."""
        can_read_line = s.can_read_line
        read_line = s.read_line
        k = run.count
        while can_read_line():
            text = read_line()
            if k >= p.count or text != line(k):
                run.fail('bad line %d' % k)
                return -1
            k += 1
            offset += len(text)
        run.count = k
        return offset

    consume = consume_lines if p.workload == 'readline' else consume_bytes

    def on_accept(sock):
        s = b.stream(sock)
        offset = 0

        def on_ready_read(*_):
            nonlocal offset
            if run.start is None:
                run.start_clock()
            offset = consume(s, offset)

        def on_eof(*_):
            nonlocal offset, finished
            if offset < 0:
                return
            offset = consume(s, offset)
            if offset < 0:
                return
            if offset != total or s.available() != 0:
                return run.fail('EOF after %d of %d bytes' % (offset, total))
            s.close()
            b.dispose(sock)
            if p.workload != 'readline':
                run.count += offset
            finished += 1
            if finished == stream_conns(p):
                run.stop_clock()
                run.succeed()

        if run.start is None and p.workload == 'tcp-fanin':
            run.start_clock()
        b.on_error(sock, run.fail)
        b.on(sock, 'ready-read', on_ready_read)
        b.on(sock, 'read-channel-finished', on_eof)

    listen_stream(run, on_accept)


def stream_client(run):
    p = run.p
    b = run.b
    total = stream_total(p)
    lines = p.workload == 'readline'
    chunks = {}     # the pattern writes by phase, made once
    finished = 0

    def chunk(offset, n):
        if lines:
            return b.payload(lines_at(offset, n))
        key = (offset % PATTERN_PERIOD, n)
        data = chunks.get(key)
        if data is None:
            data = chunks[key] = b.payload(pattern(offset, n))
        return data

    def on_connected(sock):
        s = b.stream(sock)
        write = s.write_payload
        to_write = s.to_write
        limit = p.write_size
        sent = 0
        closed = False

        def fill(*_):
            """The library's buffer holds at most one write beyond what the
            kernel took; once it has taken everything, the socket closes."""
            nonlocal sent, closed, finished
            while sent < total and to_write() < limit:
                n = min(limit, total - sent)
                if write(chunk(sent, n)) != n:
                    return run.fail('write failed at %d' % sent)
                sent += n
            if closed or sent < total or to_write() > 0:
                return
            closed = True
            s.close()
            b.dispose(sock)
            run.count += p.count if lines else total
            finished += 1
            if finished == stream_conns(p):
                run.stop_clock()
                run.succeed()

        b.on(sock, 'bytes-written', fill)
        fill()

    run.start_clock()
    for _ in range(stream_conns(p)):
        connect_stream(run, on_connected)


# ---- tcp-pingpong, local-pingpong, udp-pingpong ------------------------------

def pingpong_stream_server(run):
    """With --idle, every accepted connection echoes: the first one a
    message arrives on is the measured one. The server is done once that
    one has closed (with --count 0, any one) and all are accepted."""
    p = run.p
    size = p.msg_size
    accepted = 0
    measured = None
    ended = False

    def maybe_finish():
        if ended and accepted == p.idle + 1:
            run.held = p.idle
            run.succeed()

    def on_accept(sock):
        nonlocal accepted
        accepted += 1
        if accepted > p.idle + 1:
            return run.fail('one connection too many')
        s = run.b.stream(sock)
        available = s.available
        echo = s.echo

        def on_ready_read(*_):
            nonlocal measured
            if measured is None:
                measured = sock
            elif sock is not measured:
                return run.fail('data on an idle connection')
            n = run.count
            while available() >= size:
                echo(size)
                n += 1
            run.count = n
            if n > p.count:
                run.fail('echoed %d of %d messages' % (n, p.count))

        def on_eof(*_):
            nonlocal ended
            if run.count != p.count or available() != 0:
                return run.fail('echoed %d of %d messages' % (run.count, p.count))
            if measured is not None and sock is not measured:
                return      # an idle one: the client is leaving
            ended = True
            maybe_finish()

        run.b.set_low_delay(sock)
        run.b.on_error(sock, run.fail)
        run.b.on(sock, 'ready-read', on_ready_read)
        run.b.on(sock, 'read-channel-finished', on_eof)
        maybe_finish()

    if p.idle > 0:
        raise_nofile()
    listen_stream(run, on_accept)


def pingpong_udp_server(run):
    p = run.p
    sock, port = run.b.udp_bind(p.ipv6)
    echo = run.b.datagram_echoer(sock)

    def on_ready_read(*_):
        n = run.count
        while n < p.count:
            sent = echo()
            if sent is None:
                break
            if not sent:
                run.count = n
                return run.fail('cannot echo datagram %d' % n)
            n += 1
        run.count = n
        if n == p.count:
            run.succeed()

    run.b.on(sock, 'ready-read', on_ready_read)
    run.ready(format_addr(p.ipv6, port))
    if p.count == 0:
        run.succeed()   # nothing to wait for (--instructions' empty run)


class PingClient:
    """The client side of every pingpong: sends message i, checks its echo,
    times the round trip and fails when a reply is over REPLY_TIMEOUT late.
    With --idle, round trip 0 waits for the server's accepts and is not
    timed (bench.h)."""

    def __init__(self, run):
        self.run = run
        self.tail = pattern(8, run.p.msg_size - 8)
        self.msg = None
        self.index = 0
        self.samples = []
        self.sent_at = math.inf     # no reply awaited before the first send
        self.send = None
        run.b.every(WATCHDOG_MS, self.watch)

    def watch(self):
        if (not self.run.done and now() - self.sent_at > REPLY_TIMEOUT
                and not (self.run.p.idle and self.index == 0)):
            self.run.fail('round trip %d failed' % self.index)

    def start(self, send):
        """Starts the round trips, sending each message with send(data) → bool."""
        self.send = send
        self.run.start_clock()
        self.next()

    def reply(self, data):
        if data != self.msg:
            return self.run.fail('round trip %d failed' % self.index)
        if self.run.p.idle and self.index == 0:
            self.run.start_clock()
        else:
            self.samples.append((now() - self.sent_at) * 1e6)
        self.index += 1
        self.next()

    def next(self):
        run = self.run
        if self.index == run.p.count:
            run.stop_clock()
            run.count = self.index
            run.p50_us, run.p99_us = percentiles(self.samples)
            return run.succeed()
        self.msg = struct.pack('<Q', self.index) + self.tail
        self.sent_at = now()
        if not self.send(self.msg):
            run.fail('cannot send message %d' % self.index)


def pingpong_stream_client(run):
    """The idle connections first, IDLE_IN_FLIGHT at a time, each watched
    for reading, then the measured one."""
    p = run.p
    opened = 0

    def open_idle():
        nonlocal opened
        opened += 1

        def on_connected(sock):
            run.b.on(sock, 'ready-read',
                     lambda *_: run.fail('data on an idle connection'))
            run.b.on(sock, 'read-channel-finished',
                     lambda *_: run.fail('an idle connection closed'))
            run.held += 1
            if run.held == p.idle:
                pingpong_measured_client(run)
            elif opened < p.idle:
                open_idle()

        connect_stream(run, on_connected)

    if p.idle == 0:
        return pingpong_measured_client(run)
    raise_nofile()
    for _ in range(min(p.idle, IDLE_IN_FLIGHT)):
        open_idle()


def pingpong_measured_client(run):
    size = run.p.msg_size
    ping = PingClient(run)

    def on_connected(sock):
        s = run.b.stream(sock)
        available = s.available
        read = s.read
        write = s.write
        if run.p.count == 0 and run.b.tls is not None:
            # No round trips (--instructions): a QSslSocket emits encrypted
            # before its Finished has left; the run ends once it has closed.
            run.b.on(sock, 'disconnected', lambda *_: ping.start(None))
            return run.b.disconnect(sock)

        def on_ready_read(*_):
            while not run.done and available() >= size:
                ping.reply(read(size))
            if run.done:
                s.close()

        run.b.set_low_delay(sock)
        run.b.on(sock, 'ready-read', on_ready_read)
        run.b.on(sock, 'read-channel-finished',
                 lambda *_: run.fail('the server closed the connection'))
        ping.start(lambda data: write(data) == size)

    connect_stream(run, on_connected)


def pingpong_udp_client(run):
    ping = PingClient(run)
    host, port = split_addr(run.p.addr or '')
    sock = run.b.udp_socket()
    recv = run.b.datagram_reader(sock, run.p.msg_size + 1)

    def on_ready_read(*_):
        while not run.done:
            data = recv()
            if data is None:
                break
            ping.reply(data)

    run.b.on(sock, 'ready-read', on_ready_read)
    ping.start(run.b.datagram_sender(sock, host, port))


# ---- udp-flood ---------------------------------------------------------------

def flood_server(run):
    p = run.p
    sock, port = run.b.udp_bind(p.ipv6)
    # A longer datagram than msg_size shows as malformed.
    recv = run.b.datagram_reader(sock, p.msg_size + 1)
    seen = bytearray(p.count)
    tail = pattern(8, p.msg_size - 8)
    size = p.msg_size
    unpack = struct.Struct('<Q').unpack_from
    last = None

    def on_ready_read(*_):
        nonlocal last
        if run.start is None:
            run.start_clock()
        count = run.count
        while count < p.count:
            d = recv()
            if d is None:
                break
            seq = unpack(d)[0] if len(d) == size and d.endswith(tail) else p.count
            if seq >= p.count:
                run.malformed += 1
            elif seen[seq]:
                run.duplicates += 1
            else:
                seen[seq] = 1
                count += 1
        run.count = count
        last = now()
        if count == p.count:
            run.stop_clock(last)
            run.succeed()

    def watch():
        # 500 ms without a datagram: the rest is lost.
        if last is not None and now() - last >= UDP_IDLE_END:
            run.stop_clock(last)
            run.succeed()

    run.b.on(sock, 'ready-read', on_ready_read)
    run.b.every(WATCHDOG_MS, watch)
    run.ready(format_addr(p.ipv6, port))
    if p.count == 0:
        run.succeed()   # nothing to wait for (--instructions' empty run)


def flood_client(run):
    p = run.p
    host, port = split_addr(p.addr or '')
    send = run.b.datagram_sender(run.b.udp_socket(), host, port)
    tail = pattern(8, p.msg_size - 8)
    pack = struct.Struct('<Q').pack
    run.start_clock()
    deadline = run.start + p.time_limit
    count = 0
    while count < p.count:
        # False: the kernel's queue is full (EAGAIN, ENOBUFS); send again.
        if send(pack(count) + tail):
            count += 1
        elif now() >= deadline:
            run.count = count
            return run.fail('send datagram %d timed out' % count)
    run.count = count
    run.stop_clock()
    run.succeed()


# ---- tcp-connections ---------------------------------------------------------

def connections_server(run):
    p = run.p
    b = run.b
    total = p.count + p.conns
    held = []
    accepted = 0
    closed = 0
    rss_before = 0

    def check_done():
        if closed == p.count and run.held == p.conns:
            run.count = p.count
            run.succeed()

    def measure():
        run.rss_kb = max(rss_kb() - rss_before, 0)
        for sock in held:
            b.stream(sock).close()
            b.dispose(sock)
        run.held = len(held)
        check_done()

    def on_accept(sock):
        nonlocal accepted, rss_before
        if accepted == total:
            return run.fail('one connection too many')
        b.on_error(sock, run.fail)
        accepted += 1
        if accepted <= p.count and b.tls is not None:
            # tls-handshakes: the server closes first, once its handshake
            # is over (the client's ends earlier, when it sends Finished).
            nonlocal closed
            b.stream(sock).close()
            b.dispose(sock)
            closed += 1
            return check_done()
        if accepted <= p.count:
            if accepted == p.count:
                rss_before = rss_kb()

            def on_eof(*_):
                # The client closed a sequential one: it goes.
                nonlocal closed
                b.stream(sock).close()
                b.dispose(sock)
                closed += 1
                check_done()
            b.on(sock, 'read-channel-finished', on_eof)
            return
        b.on(sock, 'ready-read',
             lambda *_: run.fail('unexpected data on a held connection'))
        held.append(sock)
        if accepted == total:
            # The iteration after the last accept ends with the measurement.
            b.soon(measure)

    raise_nofile()
    # The library accepts before it announces a connection, so the hold
    # phase's baseline is taken right after the last sequential accept.
    if p.count == 0:
        rss_before = rss_kb()
    listen_stream(run, on_accept)


def connections_client(run):
    """count sequential connections, closed once connected, then conns held
    ones, opened one after the other, until the server closes them."""
    p = run.p
    b = run.b
    opened = 0

    def open_next():
        sequential = run.count < p.count

        def on_connected(sock):
            nonlocal opened
            s = b.stream(sock)
            if sequential and b.tls is not None:
                # tls-handshakes: the server closes first; no hold phase.
                def on_closed(*_):
                    s.close()
                    b.dispose(sock)
                    run.count += 1
                    if run.count < p.count:
                        return open_next()
                    run.stop_clock()
                    run.succeed()
                return b.on(sock, 'read-channel-finished', on_closed)
            if sequential:
                s.close()
                b.dispose(sock)
                run.count += 1
                if run.count == p.count:
                    run.stop_clock()
            else:
                def on_eof(*_):
                    s.close()
                    b.dispose(sock)
                    run.held += 1
                    if run.held == p.conns:
                        run.succeed()
                b.on(sock, 'read-channel-finished', on_eof)
                opened += 1
            if run.count < p.count or opened < p.conns:
                open_next()

        connect_stream(run, on_connected)

    raise_nofile()
    run.start_clock()
    if p.count == 0:
        run.stop_clock()
    if p.count + p.conns == 0:
        return run.succeed()
    open_next()


# ---- main --------------------------------------------------------------------

ROLES = {
    'tcp-stream': (stream_server, stream_client),
    'local-stream': (stream_server, stream_client),
    'tcp-fanin': (stream_server, stream_client),
    'readline': (stream_server, stream_client),
    'tcp-pingpong': (pingpong_stream_server, pingpong_stream_client),
    'local-pingpong': (pingpong_stream_server, pingpong_stream_client),
    'udp-pingpong': (pingpong_udp_server, pingpong_udp_client),
    'udp-flood': (flood_server, flood_client),
    'tcp-connections': (connections_server, connections_client),
    'tls-stream': (stream_server, stream_client),
    'tls-pingpong': (pingpong_stream_server, pingpong_stream_client),
    'tls-handshakes': (connections_server, connections_client),
}


def excepthook(kind, value, tb):
    """A bug in a callback ends the run (PyGObject would go on, PyQt
    abort)."""
    traceback.print_exception(kind, value, tb)
    sys.stderr.flush()
    os._exit(1)


def main(make_backend):
    """Runs the role the command line asks for with the backend that
    make_backend() returns; the process exit code."""
    p = parse_args(sys.argv[1:])
    sys.excepthook = excepthook
    signal.alarm(math.ceil(p.time_limit))
    backend = make_backend()
    if p.workload.startswith('tls-'):
        backend.tls = Tls(p)
    run = Run(p, backend)
    role = ROLES[p.workload][0 if p.server else 1]

    def start():
        try:
            role(run)
        except (OSError, ValueError) as e:
            run.fail(str(e))

    # Start inside the loop, so that a failure while setting up ends it.
    backend.soon(start)
    backend.run_loop()
    return run.exit_code

