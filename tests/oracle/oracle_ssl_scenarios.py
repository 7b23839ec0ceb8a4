# SPDX-License-Identifier: LGPL-2.1-or-later
"""The TLS scenarios of the Qt-oracle suite: QSslSocket (OpenSSL backend)
against Qs.SslSocket (GnuTLS through GIO), both talking to a real
`openssl s_server` on 127.0.0.1 (port 0: it prints the port it got), or,
for STARTTLS, to a Python `ssl` server in a thread.

Each side makes its own certificates with the `openssl` command in its
$TMPDIR: a throwaway CA, a server certificate for localhost and
127.0.0.1, one for another name, and a self-signed one. Certificate
problems are compared as GTlsCertificateFlags nicks: Qt's QSslError
names are mapped to the flag GIO reports for them (QT_SSL_ERROR).

The scenarios exist only where the `openssl` command does (always under
CI=true, where its absence then fails them).

Not compared: encryptedBytesWritten (Qt counts the TLS records, handshake
included; GIO does not expose them, so qsock counts plaintext).
"""

import ctypes
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading

from oracle_backends import QsSocket, QtSocket
from oracle_backends import error_name
from oracle_scenarios import TIMEOUT, do, record, result, scenario, until_unconnected

LOOPBACK = '127.0.0.1'
if shutil.which('openssl') is None and os.environ.get('CI') != 'true':
    scenario = lambda function: function  # noqa: E731,F811 not registered
MODE = {0: 'UnencryptedMode', 1: 'SslClientMode', 2: 'SslServerMode'}
# Qt's QSslError::SslError name -> the GTlsCertificateFlags nick of GIO
QT_SSL_ERROR = {
    'SelfSignedCertificate': 'unknown-ca',
    'SelfSignedCertificateInChain': 'unknown-ca',
    'UnableToGetLocalIssuerCertificate': 'unknown-ca',
    'UnableToGetIssuerCertificate': 'unknown-ca',
    'UnableToVerifyFirstCertificate': 'unknown-ca',
    'HostNameMismatch': 'bad-identity',
    'CertificateExpired': 'expired',
    'CertificateNotYetValid': 'not-activated',
    'CertificateRevoked': 'revoked',
    'CertificateSignatureFailed': 'insecure',
}


def _qt_nicks(errors):
    return ','.join(sorted(QT_SSL_ERROR.get(e.error().name, e.error().name) for e in errors))


class QtSslSocket(QtSocket):
    """QSslSocket behind the TLS vocabulary."""

    def trace_ssl(self, t, label):
        o = self.obj
        o.encrypted.connect(lambda: t.signal(label, 'encrypted'))
        o.modeChanged.connect(lambda m: t.signal(label, 'modeChanged(%s)' % MODE[m.value]))
        o.peerVerifyError.connect(
            lambda e: t.signal(label, 'peerVerifyError(%s)' % _qt_nicks([e])))
        o.sslErrors.connect(lambda errors: t.signal(label, 'sslErrors(%s)' % _qt_nicks(errors)))

    def on_ssl_errors(self, handler):
        self.obj.sslErrors.connect(lambda errors: handler())

    def connect_encrypted(self, host, port, peer_name=None):
        if peer_name is None:
            self.obj.connectToHostEncrypted(host, port)
        else:
            self.obj.connectToHostEncrypted(host, port, peer_name)

    def set_ca(self, path):
        conf = self.obj.sslConfiguration()
        conf.setCaCertificates(self.b.QtNetwork.QSslCertificate.fromPath(path))
        self.obj.setSslConfiguration(conf)

    def set_peer_verify_mode(self, name):
        self.obj.setPeerVerifyMode(getattr(self.b.QtNetwork.QSslSocket.PeerVerifyMode, name))

    def ignore_ssl_errors(self):
        self.obj.ignoreSslErrors()

    def pause_on_ssl_errors(self):
        self.obj.setPauseMode(self.b.QtNetwork.QAbstractSocket.PauseMode.PauseOnSslErrors)

    def resume(self):
        self.obj.resume()

    def set_local_certificate(self, pem, key):
        """The certificate of pem with the private key of key (None: none)."""
        QtNetwork = self.b.QtNetwork
        conf = self.obj.sslConfiguration()
        conf.setLocalCertificate(QtNetwork.QSslCertificate.fromPath(pem)[0])
        if key is not None:
            with open(key, 'rb') as data:
                conf.setPrivateKey(QtNetwork.QSslKey(data.read(), QtNetwork.QSsl.KeyAlgorithm.Ec))
        self.obj.setSslConfiguration(conf)

    def start_client_encryption(self):
        self.obj.startClientEncryption()

    def start_server_encryption(self):
        self.obj.startServerEncryption()

    def wait_for_encrypted(self, msecs):
        return self.obj.waitForEncrypted(msecs)

    def mode(self):
        return MODE[self.obj.mode().value]

    def is_encrypted(self):
        return self.obj.isEncrypted()

    def handshake_errors(self):
        return _qt_nicks(self.obj.sslHandshakeErrors())

    def has_peer_certificate(self):
        return not self.obj.peerCertificate().isNull()

    def has_session_cipher(self):
        return not self.obj.sessionCipher().isNull()


class QsSslSocket(QsSocket):
    """Qs.SslSocket behind the TLS vocabulary."""

    @staticmethod
    def _nicks(flags):
        return ','.join(sorted(n for n in flags.value_nicks if n != 'no-flags'))

    def trace_ssl(self, t, label):
        o = self.obj
        o.connect('encrypted', lambda s: t.signal(label, 'encrypted'))
        o.connect('mode-changed', lambda s, m: t.signal(label, 'modeChanged(%s)' % MODE[int(m)]))
        o.connect('peer-verify-error',
                  lambda s, e: t.signal(label, 'peerVerifyError(%s)' % self._nicks(e)))
        o.connect('ssl-errors', lambda s, e: t.signal(label, 'sslErrors(%s)' % self._nicks(e)))

    def on_ssl_errors(self, handler):
        self.obj.connect('ssl-errors', lambda s, e: handler())

    def connect_encrypted(self, host, port, peer_name=None):
        Qs = self.b.Qs
        self.obj.connect_to_host_encrypted(host, port, peer_name, Qs.OpenMode.READ_WRITE,
                                           Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)

    def set_ca(self, path):
        self.obj.set_database(self.b.Gio.TlsFileDatabase.new(path))

    def set_peer_verify_mode(self, name):
        snake = re.sub(r'(?<!^)([A-Z])', r'_\1', name).upper()
        self.obj.set_peer_verify_mode(getattr(self.b.Qs.PeerVerifyMode, snake))

    def ignore_ssl_errors(self):
        self.obj.ignore_ssl_errors()

    def pause_on_ssl_errors(self):
        self.obj.set_pause_mode(self.b.Qs.PauseModes.ON_SSL_ERRORS)

    def resume(self):
        self.obj.resume()

    def set_local_certificate(self, pem, key):
        """The certificate of pem with the private key of key (None: none)."""
        Gio = self.b.Gio
        if key is not None:
            certificate = Gio.TlsCertificate.new_from_files(pem, key)
        else:
            with open(pem, encoding='ascii') as data:
                certificate = Gio.TlsCertificate.new_from_pem(data.read(), -1)
        self.obj.set_local_certificate(certificate)

    def start_client_encryption(self):
        self.obj.start_client_encryption()

    def start_server_encryption(self):
        self.obj.start_server_encryption()

    def wait_for_encrypted(self, msecs):
        return self.obj.wait_for_encrypted(msecs)

    def mode(self):
        return MODE[int(self.obj.get_mode())]

    def is_encrypted(self):
        return self.obj.is_encrypted()

    def handshake_errors(self):
        return self._nicks(self.obj.get_ssl_handshake_errors())

    def has_peer_certificate(self):
        return self.obj.get_peer_certificate() is not None

    def has_session_cipher(self):
        return self.obj.get_session_cipher() is not None


def ssl_socket(b, t, label='client'):
    """A TLS client of b's toolkit, tracing its signals, trusting the CA."""
    make_certificates()
    if b.name == 'qt':
        sock = QtSslSocket(b, b.QtNetwork.QSslSocket())
    else:
        sock = QsSslSocket(b, b.Qs.SslSocket.new())
    sock.trace_signals(t, label)
    sock.trace_ssl(t, label)
    sock.set_ca(cert('ca.pem'))
    return sock


def ssl_server(b, t, label='server', with_key=True, verify=None):
    """A listening TLS server of b's toolkit with the localhost certificate
    (without its private key unless with_key), checking client
    certificates against the CA with Qt's PeerVerifyMode named verify
    (if not None), tracing its TLS signals; the server and its port.

    newConnection is not traced: Qt 6.4.2 emits it at accept, before the
    handshake (the connection is queued later, without a signal), where
    qsock emits it once the connection is queued, as API.md specifies.
    Qt also starts the handshake only once the client's first byte shows
    a ClientHello, and drops a client that speaks in clear without a
    signal; qsock starts at once and reports errorOccurred."""
    make_certificates()
    if b.name == 'qt':
        QtNetwork = b.QtNetwork
        server = QtNetwork.QSslServer()
        conf = server.sslConfiguration()
        conf.setLocalCertificate(QtNetwork.QSslCertificate.fromPath(cert('server.pem'))[0])
        if with_key:
            with open(cert('server.key'), 'rb') as key:
                conf.setPrivateKey(QtNetwork.QSslKey(key.read(), QtNetwork.QSsl.KeyAlgorithm.Ec))
        if verify is not None:
            conf.setCaCertificates(QtNetwork.QSslCertificate.fromPath(cert('ca.pem')))
            conf.setPeerVerifyMode(getattr(QtNetwork.QSslSocket.PeerVerifyMode, verify))
        server.setSslConfiguration(conf)
        server.startedEncryptionHandshake.connect(
            lambda s: t.signal(label, 'startedEncryptionHandshake'))
        server.errorOccurred.connect(
            lambda s, e: t.signal(label, 'errorOccurred(%s)' % error_name(e.value)))
        server.peerVerifyError.connect(
            lambda s, e: t.signal(label, 'peerVerifyError(%s)' % _qt_nicks([e])))
        server.sslErrors.connect(
            lambda s, errors: t.signal(label, 'sslErrors(%s)' % _qt_nicks(errors)))
        server.listen(b.host_address(LOOPBACK), 0)
        b.keep.append(server)
        return server, server.serverPort()
    server = b.Qs.SslServer.new()
    if with_key:
        certificate = b.Gio.TlsCertificate.new_from_files(cert('server.pem'), cert('server.key'))
    else:
        with open(cert('server.pem'), encoding='ascii') as pem:
            certificate = b.Gio.TlsCertificate.new_from_pem(pem.read(), -1)
    server.set_local_certificate(certificate)
    if verify is not None:
        server.set_database(b.Gio.TlsFileDatabase.new(cert('ca.pem')))
        snake = re.sub(r'(?<!^)([A-Z])', r'_\1', verify).upper()
        server.set_peer_verify_mode(getattr(b.Qs.PeerVerifyMode, snake))
    server.connect('started-encryption-handshake',
                   lambda s, sock: t.signal(label, 'startedEncryptionHandshake'))
    server.connect('error-occurred',
                   lambda s, sock, e: t.signal(label, 'errorOccurred(%s)' % error_name(int(e))))
    server.connect('peer-verify-error', lambda s, sock, e: t.signal(
        label, 'peerVerifyError(%s)' % QsSslSocket._nicks(e)))  # pylint: disable=protected-access
    server.connect('ssl-errors', lambda s, sock, e: t.signal(
        label, 'sslErrors(%s)' % QsSslSocket._nicks(e)))  # pylint: disable=protected-access
    server.listen(b.host_address(LOOPBACK), 0)
    b.keep.append(server)
    return server, server.get_server_port()


def server_pending(b, server):
    if b.name == 'qt':
        return server.hasPendingConnections()
    return server.has_pending_connections()


# ---- certificates and peers ----

def cert(name):
    return os.path.join(os.environ['TMPDIR'], 'certs', name)


def _openssl(*args):
    subprocess.run(('openssl',) + args, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=30)


EC_KEY = ('-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes')


def _leaf(name, subject, san, serial, days='2'):
    with open(cert(name + '.ext'), 'w', encoding='ascii') as ext:
        ext.write('subjectAltName=%s\nbasicConstraints=CA:FALSE\n' % san)
    _openssl('req', '-new', *EC_KEY, '-keyout', cert(name + '.key'),
             '-out', cert(name + '.csr'), '-subj', subject)
    _openssl('x509', '-req', '-in', cert(name + '.csr'), '-CA', cert('ca.pem'),
             '-CAkey', cert('ca.key'), '-set_serial', serial, '-days', days,
             '-extfile', cert(name + '.ext'), '-out', cert(name + '.pem'))


def make_certificates():
    """Once per side: the CA, server, other-name and self-signed certificates."""
    if os.path.exists(cert('self.pem')):
        return
    os.makedirs(os.path.dirname(cert('ca.pem')), exist_ok=True)
    _openssl('req', '-x509', *EC_KEY, '-keyout', cert('ca.key'), '-out', cert('ca.pem'),
             '-days', '2', '-subj', '/CN=qsock test CA')
    _leaf('server', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1', '1')
    _leaf('other', '/CN=other.example', 'DNS:other.example', '2')
    _leaf('client', '/CN=qsock client', 'DNS:client.example', '3')
    # -days -1: it expired a day before it was made
    _leaf('expired', '/CN=localhost', 'DNS:localhost,IP:127.0.0.1', '4', days='-1')
    _openssl('req', '-x509', *EC_KEY, '-keyout', cert('self.key'), '-out', cert('self.pem'),
             '-days', '2', '-subj', '/CN=localhost',
             '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1')


SERVERS = []  # the s_server processes, latest last


def _die_with_parent():
    """In the child: SIGKILL when the side process ends (PR_SET_PDEATHSIG),
    as the runner leaves with os._exit() and a connection may still hang."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)


def s_server(name, *extra):
    """`openssl s_server` with NAME's certificate for one connection; its port."""
    make_certificates()
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        ['openssl', 's_server', '-accept', LOOPBACK + ':0', '-cert', cert(name + '.pem'),
         '-key', cert(name + '.key'), '-naccept', '1', *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent)  # pylint: disable=subprocess-popen-preexec-fn
    SERVERS.append(proc)
    for _ in range(50):
        line = proc.stdout.readline().decode(errors='replace')
        match = re.match(r'ACCEPT %s:(\d+)' % re.escape(LOOPBACK), line)
        if match:
            return int(match.group(1))
        if not line:
            break
    raise RuntimeError('s_server did not start')


def starttls_server():
    """A plain server that switches to TLS on "STARTTLS\\n" (a thread):
    it greets, answers "220 go", handshakes, sends "secret\\n" encrypted
    and reads until the client closes. Returns its port."""
    make_certificates()
    listener = socket.create_server((LOOPBACK, 0))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert('server.pem'), cert('server.key'))

    def serve():
        conn, _ = listener.accept()
        conn.settimeout(TIMEOUT / 1000)
        with conn:
            conn.sendall(b'220 ready\n')
            request = b''
            while not request.endswith(b'\n'):
                chunk = conn.recv(100)
                if not chunk:
                    return
                request += chunk
            conn.sendall(b'220 go\n')
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b'secret\n')
                while tls.recv(100):
                    pass
        listener.close()

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


# ---- scenarios ----

def until_encrypted_or_unconnected(b, sock):
    b.run_until(lambda: sock.is_encrypted() or sock.state() == 'UnconnectedState',
                TIMEOUT, 'the end of the handshake')


def record_tls(t, label, sock):
    record(t, label, sock, 'state', 'mode', 'is_encrypted', 'handshake_errors',
           'has_peer_certificate', 'has_session_cipher', 'error', 'error_string')


def start_encrypted(b, t, server_cert, before=None):
    """A client connecting encrypted to a fresh s_server (no waiting)."""
    port = s_server(server_cert)
    client = ssl_socket(b, t)
    if before:
        before(client)
    t.call('client', 'connect_to_host_encrypted')
    client.connect_encrypted(LOOPBACK, port)
    return client


def handshake(b, t, server_cert, peer_name=None, before=None, host=LOOPBACK, server_args=()):
    """Connect encrypted to a fresh s_server; run the handshake to its end."""
    port = s_server(server_cert, *server_args)
    client = ssl_socket(b, t)
    if before:
        before(client)
    t.call('client', 'connect_to_host_encrypted(%s, port, %r)' % (host, peer_name))
    client.connect_encrypted(host, port, peer_name)
    until_encrypted_or_unconnected(b, client)
    record_tls(t, 'client', client)
    return client


def ignore_and_finish(b, t, client, *then):
    """ignoreSslErrors (then the calls named in then), the handshake's
    end, and a TLS close."""
    do(t, 'client', client, 'ignore_ssl_errors')
    for name in then:
        do(t, 'client', client, name)
    until_encrypted_or_unconnected(b, client)
    record_tls(t, 'client', client)
    close_encrypted(b, t, client)


def close_encrypted(b, t, client):
    """A TLS close; Qt's socket is no longer encrypted then and has no
    session, but keeps the peer's certificate."""
    do(t, 'client', client, 'disconnect_from_host')
    until_unconnected(b, client)
    record(t, 'client', client, 'state', 'mode', 'is_encrypted', 'has_session_cipher',
           'has_peer_certificate')


@scenario
def ssl_fresh_socket(b, t):
    """What a new QSslSocket reports."""
    client = ssl_socket(b, t)
    record(t, 'client', client, 'state', 'mode', 'is_encrypted', 'handshake_errors',
           'has_peer_certificate', 'has_session_cipher')
    result(t, 'client', client, 'wait_for_encrypted', 10)


@scenario
def ssl_good_handshake(b, t):
    """A verified handshake, then a TLS close."""
    close_encrypted(b, t, handshake(b, t, 'server'))


@scenario
def ssl_write_before_encrypted(b, t):
    """Bytes written before the handshake wait, then leave encrypted."""
    client = start_encrypted(b, t, 'server')
    result(t, 'client', client, 'write', b'hello\n')
    record(t, 'client', client, 'bytes_to_write')
    until_encrypted_or_unconnected(b, client)
    b.run_until(lambda: client.bytes_to_write() == 0, TIMEOUT, 'the write')
    close_encrypted(b, t, client)


@scenario
def ssl_self_signed(b, t):
    """A self-signed certificate fails the handshake."""
    handshake(b, t, 'self')


@scenario
def ssl_wrong_name(b, t):
    """A certificate for another name fails the handshake."""
    handshake(b, t, 'other')


@scenario
def ssl_two_errors(b, t):
    """Self-signed and the wrong name: one peerVerifyError each."""
    handshake(b, t, 'self', peer_name='nothere.example')


@scenario
def ssl_expired(b, t):
    """An expired certificate fails the handshake."""
    handshake(b, t, 'expired')


@scenario
def ssl_set_peer_verify_name(b, t):
    """setPeerVerifyName before connecting: the certificate must match it."""
    close_encrypted(b, t, handshake(
        b, t, 'other', before=lambda c: c.obj.setPeerVerifyName('other.example')
        if b.name == 'qt' else c.obj.set_peer_verify_name('other.example')))


@scenario
def ssl_client_certificate(b, t):
    """A server that requires a client certificate gets the local one."""
    def with_certificate(client):
        client.set_local_certificate(cert('client.pem'), cert('client.key'))
    client = handshake(b, t, 'server', before=with_certificate,
                       server_args=('-Verify', '1', '-CAfile', cert('ca.pem')))
    result(t, 'client', client, 'write', b'hello\n')
    b.run_until(lambda: client.bytes_to_write() == 0, TIMEOUT, 'the write')
    close_encrypted(b, t, client)


@scenario
def ssl_peer_name(b, t):
    """ssl_peer_name is the name the certificate must match."""
    close_encrypted(b, t, handshake(b, t, 'other', peer_name='other.example'))


@scenario
def ssl_ignore_in_handler(b, t):
    """ignoreSslErrors in the sslErrors handler: the handshake goes on."""
    close_encrypted(b, t, handshake(
        b, t, 'self', before=lambda c: c.on_ssl_errors(c.ignore_ssl_errors)))


@scenario
def ssl_ignore_before(b, t):
    """ignoreSslErrors after the connect call: sslErrors, then encrypted."""
    ignore_and_finish(b, t, start_encrypted(b, t, 'self'))


@scenario
def ssl_verify_none(b, t):
    """VerifyNone: a self-signed certificate passes silently."""
    close_encrypted(b, t, handshake(
        b, t, 'self', before=lambda c: c.set_peer_verify_mode('VerifyNone')))


@scenario
def ssl_query_peer(b, t):
    """QueryPeer: the errors are reported, the handshake goes on."""
    close_encrypted(b, t, handshake(
        b, t, 'self', before=lambda c: c.set_peer_verify_mode('QueryPeer')))


@scenario
def ssl_wait_for_encrypted(b, t):
    """waitForEncrypted with no loop running, from the connect call on."""
    client = start_encrypted(b, t, 'server')
    result(t, 'client', client, 'wait_for_encrypted', TIMEOUT)
    record_tls(t, 'client', client)
    close_encrypted(b, t, client)


@scenario
def ssl_starttls(b, t):
    """STARTTLS: plain lines, then startClientEncryption; nothing lost."""
    port = starttls_server()
    client = ssl_socket(b, t)
    t.call('client', 'connect_to_host(%s, port)' % LOOPBACK)
    client.connect_to_host(LOOPBACK, port)
    b.run_until(client.can_read_line, TIMEOUT, 'the greeting')
    result(t, 'client', client, 'read_line_bytes')
    result(t, 'client', client, 'write', b'STARTTLS\n')
    b.run_until(client.can_read_line, TIMEOUT, 'the go-ahead')
    result(t, 'client', client, 'read_line_bytes')
    do(t, 'client', client, 'start_client_encryption')
    until_encrypted_or_unconnected(b, client)
    b.run_until(client.can_read_line, TIMEOUT, 'the encrypted line')
    result(t, 'client', client, 'read_line_bytes')
    record_tls(t, 'client', client)
    close_encrypted(b, t, client)


@scenario
def ssl_server_handshake(b, t):
    """QSslServer: startedEncryptionHandshake, then newConnection once encrypted."""
    server, port = ssl_server(b, t)
    client = ssl_socket(b, t)
    t.call('client', 'connect_to_host_encrypted')
    client.connect_encrypted(LOOPBACK, port)
    b.run_until(lambda: server_pending(b, server) and client.is_encrypted(), TIMEOUT,
                'the queued connection')
    record_tls(t, 'client', client)
    close_encrypted(b, t, client)


def client_to_verifying_server(b, t, name):
    """A client presenting NAME's certificate to a QSslServer that
    requires a client certificate of the CA (VerifyPeer)."""
    server, port = ssl_server(b, t, verify='VerifyPeer')
    client = ssl_socket(b, t)
    client.set_local_certificate(cert(name + '.pem'), cert(name + '.key'))
    t.call('client', 'connect_to_host_encrypted')
    client.connect_encrypted(LOOPBACK, port)
    return server, client


@scenario
def ssl_server_client_verified(b, t):
    """QSslServer with VerifyPeer: a client certificate of its CA passes."""
    server, client = client_to_verifying_server(b, t, 'client')
    b.run_until(lambda: server_pending(b, server) and client.is_encrypted(), TIMEOUT,
                'the queued connection')
    close_encrypted(b, t, client)


@scenario
def ssl_server_client_untrusted(b, t):
    """QSslServer with VerifyPeer: a self-signed client certificate gets
    peerVerifyError, sslErrors and errorOccurred; the client, encrypted
    already (TLS 1.3), sees the connection close."""
    server, client = client_to_verifying_server(b, t, 'self')
    until_unconnected(b, client)
    record_tls(t, 'client', client)
    t.value('server', 'has_pending_connections', server_pending(b, server))


def closed_by_peer(sock):
    """Whether a non-blocking plain socket reads the end of the stream."""
    try:
        return sock.recv(100) == b''
    except BlockingIOError:
        return False


@scenario
def ssl_server_handshake_timeout(b, t):
    """QSslServer: a client that sends 4 bytes of a ClientHello record and
    no more is reported with SocketTimeoutError after handshakeTimeout,
    and closed."""
    server, port = ssl_server(b, t)
    if b.name == 'qt':
        server.setHandshakeTimeout(200)
    else:
        server.set_handshake_timeout(200)
    with socket.create_connection((LOOPBACK, port), timeout=TIMEOUT / 1000) as client:
        client.sendall(b'\x16\x03\x01\x00')
        client.setblocking(False)
        b.run_until(lambda: closed_by_peer(client), TIMEOUT, 'the server closing')
    t.value('server', 'has_pending_connections', server_pending(b, server))


def server_side(b, t, key):
    """A TLS client connecting encrypted to a plain listener, and the
    accepted connection adopted by a socket of b's toolkit (label
    'server') with the localhost certificate and the key of key (None:
    none), which then starts the server handshake."""
    make_certificates()
    with socket.create_server((LOOPBACK, 0)) as listener:
        client = ssl_socket(b, t)
        t.call('client', 'connect_to_host_encrypted')
        client.connect_encrypted(LOOPBACK, listener.getsockname()[1])
        listener.settimeout(TIMEOUT / 1000)
        accepted, _ = listener.accept()
    if b.name == 'qt':
        server = QtSslSocket(b, b.QtNetwork.QSslSocket())
    else:
        server = QsSslSocket(b, b.Qs.SslSocket.new())
    server.trace_signals(t, 'server')
    server.trace_ssl(t, 'server')
    t.value('server', 'set_socket_descriptor', server.set_socket_descriptor(accepted.detach()))
    server.set_local_certificate(cert('server.pem'), key)
    do(t, 'server', server, 'start_server_encryption')
    return client, server


@scenario
def ssl_start_server_encryption(b, t):
    """startServerEncryption on an adopted connection: server mode,
    encrypted, a line to the client; the client's TLS close is reported
    twice on the server: the close_notify ("The TLS/SSL connection has
    been closed"), then the end of the stream."""
    client, server = server_side(b, t, cert('server.key'))
    b.run_until(lambda: client.is_encrypted() and server.is_encrypted(), TIMEOUT,
                'both sides encrypted')
    record_tls(t, 'server', server)
    result(t, 'server', server, 'write', b'hello\n')
    b.run_until(client.can_read_line, TIMEOUT, 'the line')
    result(t, 'client', client, 'read_line_bytes')
    server.on('errorOccurred', lambda: t.value('server', 'error_string', server.error_string()))
    close_encrypted(b, t, client)
    until_unconnected(b, server)


@scenario
def ssl_start_server_encryption_without_key(b, t):
    """startServerEncryption with a certificate but no key:
    SslInvalidUserDataError, SslInternalError; connected, never encrypted."""
    client, server = server_side(b, t, None)
    b.settle(300)
    record_tls(t, 'server', server)
    record(t, 'client', client, 'state', 'is_encrypted')


@scenario
def ssl_server_without_key(b, t):
    """QSslServer with a certificate but no key: SslInvalidUserDataError,
    SslInternalError, startedEncryptionHandshake; the client sees the
    connection close."""
    server, port = ssl_server(b, t, with_key=False)
    client = ssl_socket(b, t)
    t.call('client', 'connect_to_host_encrypted')
    client.connect_encrypted(LOOPBACK, port)
    until_unconnected(b, client)
    record_tls(t, 'client', client)
    t.value('server', 'has_pending_connections', server_pending(b, server))


def paused_handshake(b, t):
    """PauseOnSslErrors against the self-signed server, up to the pause."""
    client = start_encrypted(b, t, 'self', before=lambda c: c.pause_on_ssl_errors())
    b.run_until(lambda: any(e.startswith('sslErrors') for e in t.labels['client']),
                TIMEOUT, 'sslErrors')
    b.settle(200)
    record(t, 'client', client, 'state', 'is_encrypted')
    return client


@scenario
def ssl_pause_ignore_resume(b, t):
    """PauseOnSslErrors: the handshake waits; ignoreSslErrors + resume ends it."""
    ignore_and_finish(b, t, paused_handshake(b, t), 'resume')


@scenario
def ssl_pause_resume_refused(b, t):
    """PauseOnSslErrors: resume without ignoring fails the handshake."""
    client = paused_handshake(b, t)
    do(t, 'client', client, 'resume')
    until_unconnected(b, client)
    record_tls(t, 'client', client)


@scenario
def ssl_peer_closes(b, t):
    """The server sends a line and closes (close_notify, then the end)."""
    client = handshake(b, t, 'server')
    server_stdin = SERVERS[-1].stdin
    server_stdin.write(b'bye\n')
    server_stdin.flush()
    b.run_until(client.can_read_line, TIMEOUT, 'the line')
    result(t, 'client', client, 'read_line_bytes')
    server_stdin.close()
    until_unconnected(b, client)
    record(t, 'client', client, 'state', 'error', 'error_string', 'is_encrypted',
           'has_session_cipher', 'has_peer_certificate')
