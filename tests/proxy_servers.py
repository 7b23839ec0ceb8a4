# SPDX-License-Identifier: LGPL-2.1-or-later
"""Proxy servers for the tests: real ones (microsocks, danted, tinyproxy)
and fake ones in Python that misbehave on purpose.

Every server listens on a free 127.0.0.1 port, is a context manager
(``with Microsocks(user='u', password='p') as proxy: proxy.port``) and
is stopped on leaving it; a real server is also killed when the process
that started it ends (PR_SET_PDEATHSIG), since the oracle's sides leave
with os._exit(). A real server writes its configuration to a temporary
folder of its own and is ready once a connection to its port succeeds
(polled until READY_TIMEOUT_S).

A real server that is not installed or does not start raises
ServerUnavailable (a unittest.SkipTest, so that unittest reports a skip
with the reason); under CI=true it raises RuntimeError instead, so that
a missing server fails the suite rather than passing it silently.

Authentication: microsocks checks a user name and password of its own
(-u/-P) and tinyproxy one of its configuration (BasicAuth). danted's
"username" method checks the system's accounts (getpwnam and the shadow
file, or PAM through a service file in /etc/pam.d): nothing a test may
create, so danted runs without authentication here and serves the BIND
and UDP ASSOCIATE tests; SOCKS5 user/password is tested through
microsocks.

The fake proxies (FakeSocks5, FakeHttpProxy) run in a thread of the
calling process, accept any number of connections and record what each
client sent (``proxy.received``, one bytes object per connection), so a
test can check that no byte of the application's data arrived before
the tunnel was up.
"""

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

LOOPBACK = '127.0.0.1'
READY_TIMEOUT_S = 10
POLL_S = 0.02
PORT_ATTEMPTS = 3      # a free port may be taken between the probe and the bind
HOLD_S = 150           # the longest a fake proxy stays silent: beyond Qt's 60 s


class ServerUnavailable(unittest.SkipTest):
    """The server cannot run here; the reason is the message."""


def unavailable(reason):
    """Skip with reason, or fail when CI=true."""
    if os.environ.get('CI') == 'true':
        raise RuntimeError('%s (CI=true: a missing proxy server fails)' % reason)
    raise ServerUnavailable(reason)


def free_port():
    """A loopback TCP port that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def _die_with_parent():
    """In the child: SIGKILL when the parent ends (PR_SET_PDEATHSIG)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def _accepts(port):
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1):
            return True
    except OSError:
        return False


class RealServer:
    """A proxy server run as a child process; subclasses give PROGRAM and
    command(folder, port) (which may write configuration into folder)."""

    PROGRAM = None
    user = None
    password = None

    def __init__(self):
        self.port = None
        self.host = LOOPBACK
        self._proc = None
        self._folder = None

    def command(self, folder, port):
        raise NotImplementedError

    def start(self):
        path = shutil.which(self.PROGRAM) or shutil.which(self.PROGRAM, path='/usr/sbin:/sbin')
        if path is None:
            unavailable('%s is not installed' % self.PROGRAM)
        self._folder = tempfile.mkdtemp(prefix='qsock-proxy-')
        log = ''
        for _ in range(PORT_ATTEMPTS):
            port = free_port()
            argv = self.command(self._folder, port)
            argv[0] = path
            with open(os.path.join(self._folder, 'log'), 'w+b') as out:
                self._proc = subprocess.Popen(  # pylint: disable=consider-using-with
                    argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                    cwd=self._folder, preexec_fn=_die_with_parent)  # noqa: PLW1509
                if self._wait_ready(port):
                    self.port = port
                    return self
                self._kill()     # the folder stays for the next attempt
                out.seek(0)
                log = out.read().decode(errors='replace')
        self.stop()
        unavailable('%s did not start:\n%s' % (self.PROGRAM, log[-2000:]))
        return self

    def _wait_ready(self, port):
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if _accepts(port):
                return True
            try:
                self._proc.wait(timeout=POLL_S)
                return False            # it exited
            except subprocess.TimeoutExpired:
                pass
        return False

    def _kill(self):
        """Stops the process, if any, and reaps it."""
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=READY_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def stop(self):
        self._kill()
        if self._folder is not None and self.port is None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def log(self):
        """What the server wrote so far (for a failing test's message)."""
        with open(os.path.join(self._folder, 'log'), 'rb') as out:
            return out.read().decode(errors='replace')

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


class Microsocks(RealServer):
    """microsocks: SOCKS5 CONNECT, with user/password when both are given."""

    PROGRAM = 'microsocks'

    def __init__(self, user=None, password=None):
        super().__init__()
        self.user = user
        self.password = password

    def command(self, folder, port):
        argv = [self.PROGRAM, '-i', LOOPBACK, '-p', str(port)]
        if self.user is not None:
            argv += ['-u', self.user, '-P', self.password]
        return argv


class Danted(RealServer):
    """dante-server: SOCKS5 without authentication, CONNECT, BIND and UDP
    ASSOCIATE from and to loopback. Its own connections, the ports it
    binds and its UDP relay use EXTERNAL, another loopback address than
    the clients', so that a test sees what went through the proxy."""

    PROGRAM = 'danted'
    EXTERNAL = '127.0.0.2'

    def command(self, folder, port):
        conf = os.path.join(folder, 'danted.conf')
        lines = [
            'logoutput: stderr',
            'internal: %s port = %d' % (LOOPBACK, port),
            'external: %s' % self.EXTERNAL,
            'clientmethod: none',
            'socksmethod: none',
            'client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }',
            'socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 '
            'command: bind connect udpassociate bindreply udpreply }',
        ]
        if os.geteuid() == 0:
            # as root, danted runs its children as an unprivileged user
            lines[1:1] = ['user.privileged: root', 'user.unprivileged: nobody']
        with open(conf, 'w', encoding='ascii') as f:
            f.write('\n'.join(lines) + '\n')
        return [self.PROGRAM, '-f', conf]


class Tinyproxy(RealServer):
    """tinyproxy: HTTP CONNECT from 127.0.0.1, with Basic authentication
    when user and password are given, to connect_ports only when given."""

    PROGRAM = 'tinyproxy'
    REALM = 'Tinyproxy'     # the realm of its 407 (not configurable in 1.11)

    def __init__(self, user=None, password=None, connect_ports=()):
        super().__init__()
        self.user = user
        self.password = password
        self.connect_ports = tuple(connect_ports)

    def command(self, folder, port):
        conf = os.path.join(folder, 'tinyproxy.conf')
        lines = ['Port %d' % port, 'Listen %s' % LOOPBACK, 'Timeout 60',
                 'Allow %s' % LOOPBACK, 'MaxClients 20', 'LogLevel Info']
        if os.geteuid() == 0:
            lines += ['User nobody', 'Group nogroup']
        if self.user is not None:
            lines.append('BasicAuth %s %s' % (self.user, self.password))
        lines += ['ConnectPort %d' % p for p in self.connect_ports]
        with open(conf, 'w', encoding='ascii') as f:
            f.write('\n'.join(lines) + '\n')
        return [self.PROGRAM, '-d', '-c', conf]


# -- fake proxies -------------------------------------------------------------

class FakeProxy:
    """A listener in a thread; serve(conn, log) handles one client, log is
    the bytearray of what that client sent. Subclasses give serve()."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.host = LOOPBACK
        self.received = []          # one bytearray per connection
        self.requested = []         # the (host, port) of each request read
        self.names = {}             # host names the relay resolves itself
        self.connections = 0
        self.early_data = b''       # sent with the success reply, in one write
        self.release = threading.Event()   # lets a held handshake go on
        self._listener = socket.create_server((LOOPBACK, 0))
        self.port = self._listener.getsockname()[1]
        self._open = []
        self._lock = threading.Lock()
        self._closed = False

    def __enter__(self):
        threading.Thread(target=self._accept_loop, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        with self._lock:
            self._closed = True
            conns, self._open = self._open, []
        self.release.set()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)    # wakes a thread blocked in recv()
            except OSError:
                pass
            c.close()
        self._listener.close()

    def _accept_loop(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:
                    conn.close()
                    return
                self._open.append(conn)
                self.connections += 1
                log = bytearray()
                self.received.append(log)
            threading.Thread(target=self._serve_one, args=(conn, log), daemon=True).start()

    def _serve_one(self, conn, log):
        conn.settimeout(HOLD_S)
        try:
            self.serve(conn, log)
        except OSError:
            pass
        finally:
            with self._lock:
                if conn in self._open:
                    self._open.remove(conn)
            conn.close()

    @staticmethod
    def recv_exact(conn, log, n):
        data = b''
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise OSError('closed')
            data += chunk
        log.extend(data)
        return data

    @staticmethod
    def recv_until(conn, log, end):
        data = b''
        while not data.endswith(end):
            chunk = conn.recv(1)
            if not chunk:
                raise OSError('closed')
            data += chunk
        log.extend(data)
        return data

    def hold(self):
        """Wait (bounded) until the test calls release.set() or closes."""
        self.release.wait(HOLD_S)

    def relay(self, conn, log, destination):
        """Become a tunnel to destination (host, port) until either side closes."""
        host, port = destination
        with socket.create_connection((self.names.get(host, host), port)) as upstream:
            def pump(src, dst, record):
                try:
                    while True:
                        chunk = src.recv(65536)
                        if not chunk:
                            break
                        if record is not None:
                            record.extend(chunk)
                        dst.sendall(chunk)
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            back = threading.Thread(target=pump, args=(upstream, conn, None), daemon=True)
            back.start()
            pump(conn, upstream, log)
            back.join(READY_TIMEOUT_S)

    def serve(self, conn, log):
        raise NotImplementedError


# SOCKS5 replies (RFC 1928 section 6)
SOCKS5_SUCCEEDED = 0
SOCKS5_NOT_ALLOWED = 2
SOCKS5_HOST_UNREACHABLE = 4
SOCKS5_REFUSED = 5
SOCKS5_COMMAND_NOT_SUPPORTED = 7


class FakeSocks5(FakeProxy):
    """A SOCKS5 proxy that behaves as behaviour says:

    - "silent": accepts and never answers;
    - "garbage": answers the greeting with bytes that are not SOCKS5;
    - "close-greeting": closes after reading the greeting;
    - "close-request": selects "no authentication", closes after the request;
    - "no-method": answers the greeting with 0xFF (no acceptable method);
    - "bad-password": selects user/password, rejects any (status 1);
    - "refuse": selects "no authentication", refuses the request with
      reply code ``reply`` (SOCKS5_REFUSED by default);
    - "hold": selects "no authentication", reads the request, waits for
      release, then succeeds and relays to the requested address;
    - "relay": a working SOCKS5 proxy without authentication (IPv4 and
      domain addresses), relaying to the requested address.

    It resolves the names in ``names`` (a dict: name -> address) itself;
    its success reply reports ``bound`` and is followed, in the same write,
    by ``early_data`` (as a destination that speaks first could make it).
    """

    def __init__(self, behaviour, reply=SOCKS5_REFUSED,
                 bound=b'\x01\x7f\x00\x00\x01\x00\x00'):
        super().__init__(behaviour)
        self.reply = reply
        self.bound = bound      # BND.ATYP, BND.ADDR and BND.PORT of a success reply

    def serve(self, conn, log):
        b = self.behaviour
        if b == 'silent':
            self.hold()
            return
        head = self.recv_exact(conn, log, 2)
        methods = self.recv_exact(conn, log, head[1])
        if b == 'garbage':
            conn.sendall(b'HTTP/1.0 400 Bad Request\r\n\r\n')
            self.hold()
            return
        if b == 'close-greeting':
            return
        if b == 'no-method':
            conn.sendall(b'\x05\xff')
            self.hold()
            return
        if b == 'bad-password':
            if 2 not in methods:
                conn.sendall(b'\x05\xff')
                self.hold()
                return
            conn.sendall(b'\x05\x02')
            ver_ulen = self.recv_exact(conn, log, 2)
            self.recv_exact(conn, log, ver_ulen[1])
            plen = self.recv_exact(conn, log, 1)
            self.recv_exact(conn, log, plen[0])
            conn.sendall(b'\x01\x01')
            self.hold()
            return
        conn.sendall(b'\x05\x00')
        destination = self._read_request(conn, log)
        if b == 'close-request':
            return
        if b == 'refuse':
            conn.sendall(bytes([5, self.reply, 0, 1, 0, 0, 0, 0, 0, 0]))
            self.hold()
            return
        if b == 'hold':
            self.hold()
        conn.sendall(b'\x05\x00\x00' + self.bound + self.early_data)
        self.relay(conn, log, destination)

    def _read_request(self, conn, log):
        _ver, _cmd, _rsv, atyp = self.recv_exact(conn, log, 4)
        if atyp == 1:
            host = socket.inet_ntop(socket.AF_INET, self.recv_exact(conn, log, 4))
        elif atyp == 4:
            host = socket.inet_ntop(socket.AF_INET6, self.recv_exact(conn, log, 16))
        else:
            n = self.recv_exact(conn, log, 1)[0]
            host = self.recv_exact(conn, log, n).decode()
        port = int.from_bytes(self.recv_exact(conn, log, 2), 'big')
        self.requested.append((host, port))
        return host, port


class FakeHttpProxy(FakeProxy):
    """An HTTP proxy that behaves as behaviour says:

    - "silent": accepts and never answers;
    - "garbage": answers the CONNECT with a line that is not HTTP;
    - "close-request": closes after reading the request;
    - "status": answers with ``status`` (a full status line, e.g.
      "403 Forbidden") and closes;
    - "require-auth": answers 407 with ``challenge`` (Proxy-Authenticate)
      to every request (so any password is rejected);
    - "hold": reads the request, waits for release, then answers 200 and
      relays;
    - "relay": answers 200 (followed by ``early_data`` in the same write)
      and relays.
    """

    def __init__(self, behaviour, status='403 Forbidden',
                 challenge='Basic realm="qsock fake"'):
        super().__init__(behaviour)
        self.status = status
        self.challenge = challenge

    def serve(self, conn, log):
        b = self.behaviour
        if b == 'silent':
            self.hold()
            return
        request = self.recv_until(conn, log, b'\r\n\r\n').decode('latin-1')
        host, _, port = request.split(' ', 2)[1].rpartition(':')
        self.requested.append((host.strip('[]'), int(port)))
        if b == 'close-request':
            return
        if b == 'garbage':
            conn.sendall(b'SSH-2.0-OpenSSH_9.2\r\n\r\n')
            self.hold()
            return
        if b == 'status':
            conn.sendall(('HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
                          % self.status).encode())
            return
        if b == 'require-auth':
            conn.sendall(('HTTP/1.1 407 Proxy Authentication Required\r\n'
                          'Proxy-Authenticate: %s\r\nContent-Length: 0\r\n'
                          'Connection: close\r\n\r\n' % self.challenge).encode())
            return
        if b == 'hold':
            self.hold()
        conn.sendall(b'HTTP/1.1 200 Connection established\r\n\r\n' + self.early_data)
        self.relay(conn, log, self.requested[-1])


class EchoServer:
    """A destination for the tests: echoes one line per connection, in a
    thread, and records each client's address (``peers``)."""

    def __init__(self):
        self.listener = socket.create_server((LOOPBACK, 0))
        self.port = self.listener.getsockname()[1]
        self.peers = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, peer = self.listener.accept()
            except OSError:
                return
            self.peers.append(peer[0])
            with conn:
                conn.settimeout(READY_TIMEOUT_S)
                try:
                    conn.sendall(FakeProxy.recv_until(conn, bytearray(), b'\n'))
                except OSError:
                    pass

    def close(self):
        self.listener.close()
