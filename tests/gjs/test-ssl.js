// SPDX-License-Identifier: LGPL-2.1-or-later
//
// qsock's TLS through gjs: a Qs.SslServer and a Qs.SslSocket on the
// default main context, with certificates the `openssl` command makes in
// a temporary folder (a throwaway CA and a server certificate for
// 127.0.0.1). Checks the exact signal order of a good handshake on both
// sides, an encrypted exchange, and a refused one: the same server
// checked against the system's trust store, which does not know the CA.
// Exits non-zero on the first failed check; skips (77) without openssl
// or a TLS backend, unless CI=true.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

imports.searchPath.unshift(GLib.path_get_dirname(imports.system.programPath));
const {check, checkCount, checkEqual, decode, encode, runUntil} = imports.helpers;

if (GLib.find_program_in_path('openssl') === null || !Qs.SslSocket.supports_ssl()) {
    if (GLib.getenv('CI') === 'true')
        throw new Error('openssl or glib-networking is missing, and CI=true');
    print('SKIP: openssl or glib-networking is missing');
    imports.system.exit(77);
}

const S = Qs.SocketState;
const tmp = GLib.dir_make_tmp('qsock-gjs-ssl-XXXXXX');
const path = name => GLib.build_filenamev([tmp, name]);
const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(...args) {
    const process = Gio.Subprocess.new(['openssl', ...args],
        Gio.SubprocessFlags.STDOUT_SILENCE | Gio.SubprocessFlags.STDERR_SILENCE);
    check(process.wait_check(null), `openssl ${args[0]}`);
}

openssl('req', '-x509', ...ecKey, '-keyout', path('ca.key'), '-out', path('ca.pem'),
    '-days', '2', '-subj', '/CN=qsock test CA');
openssl('req', '-new', ...ecKey, '-keyout', path('server.key'), '-out', path('server.csr'),
    '-subj', '/CN=localhost');
GLib.file_set_contents(path('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
openssl('x509', '-req', '-in', path('server.csr'), '-CA', path('ca.pem'), '-CAkey',
    path('ca.key'), '-set_serial', '1', '-days', '2', '-extfile', path('server.ext'),
    '-out', path('server.pem'));


// The server: started-encryption-handshake once the handshake started (the
// socket in server mode, as in Qt), new-connection only once the
// connection is encrypted.
const server = Qs.SslServer.new();
server.set_local_certificate(Gio.TlsCertificate.new_from_files(path('server.pem'),
    path('server.key')));
check(server.listen(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), 0), 'listen');
const serverLog = [];
const queued = [];
server.connect('started-encryption-handshake', (srv, socket) =>
    serverLog.push(`started-encryption-handshake(${socket.get_mode()})`));
server.connect('new-connection', srv => {
    const socket = srv.next_pending_connection();
    serverLog.push(`new-connection(encrypted=${socket.is_encrypted()})`);
    queued.push(socket);
});
server.connect('error-occurred', (srv, socket, error) => serverLog.push(`error-occurred(${error})`));

function client(trusted) {
    const socket = Qs.SslSocket.new();
    const log = [];
    if (trusted)
        socket.set_database(Gio.TlsFileDatabase.new(path('ca.pem')));
    socket.connect('state-changed', (s, state) => log.push(`state-changed(${state})`));
    for (const name of ['host-found', 'connected', 'encrypted', 'disconnected'])
        socket.connect(name, () => log.push(name));
    socket.connect('mode-changed', (s, mode) => log.push(`mode-changed(${mode})`));
    socket.connect('peer-verify-error', (s, error) => log.push(`peer-verify-error(${error})`));
    socket.connect('ssl-errors', (s, errors) => log.push(`ssl-errors(${errors})`));
    socket.connect('error-occurred', (s, error) => log.push(`error-occurred(${error})`));
    socket.connect_to_host_encrypted('127.0.0.1', server.get_server_port(), null,
        Qs.OpenMode.READ_WRITE, Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
    return [socket, log];
}

// A good handshake, in Qt's order, then a line each way.
const connecting = [`state-changed(${S.HOST_LOOKUP_STATE})`,
    `state-changed(${S.CONNECTING_STATE})`, 'host-found', `state-changed(${S.CONNECTED_STATE})`,
    `mode-changed(${Qs.SslMode.SSL_CLIENT_MODE})`, 'connected'];
const [good, log] = client(true);
runUntil(() => good.is_encrypted() && queued.length === 1);
checkEqual(log, [...connecting, 'encrypted'], 'client signals');
checkEqual(serverLog, [`started-encryption-handshake(${Qs.SslMode.SSL_SERVER_MODE})`,
    'new-connection(encrypted=true)'], 'server signals');
const peer = queued[0];
check(peer instanceof Qs.SslSocket, 'the queued connection is a Qs.SslSocket');
checkEqual(good.get_mode(), Qs.SslMode.SSL_CLIENT_MODE, 'client mode');
check(good.get_peer_certificate() !== null, 'peer-certificate');
check(good.get_session_cipher() !== null, 'session cipher');
checkEqual(good.write(encode('ping\n')), 5, 'write');
runUntil(() => peer.can_read_line());
checkEqual(decode(peer.read_line_bytes(0)), 'ping\n', 'the server reads plaintext');
checkEqual(peer.write(encode('pong\n')), 5, 'answer');
runUntil(() => good.can_read_line());
checkEqual(decode(good.read_line_bytes(0)), 'pong\n', 'the client reads plaintext');
good.disconnect_from_host();
runUntil(() => peer.get_state() === S.UNCONNECTED_STATE);
checkEqual(peer.get_error(), Qs.SocketError.REMOTE_HOST_CLOSED_ERROR, 'peer sees the close');

// The system's trust store does not know the CA: one peer-verify-error,
// ssl-errors, then the handshake fails and the socket disconnects.
serverLog.length = 0;
const [refused, refusedLog] = client(false);
runUntil(() => refused.get_state() === S.UNCONNECTED_STATE);
const unknownCa = Gio.TlsCertificateFlags.UNKNOWN_CA;
checkEqual(refusedLog, [...connecting, `peer-verify-error(${unknownCa})`, `ssl-errors(${unknownCa})`,
    `error-occurred(${Qs.SocketError.SSL_HANDSHAKE_FAILED_ERROR})`,
    `state-changed(${S.CLOSING_STATE})`, `state-changed(${S.UNCONNECTED_STATE})`,
    'disconnected'], 'refused client signals');
checkEqual(refused.get_ssl_handshake_errors(), unknownCa, 'handshake errors');
checkEqual(queued.length, 1, 'the refused connection is never queued');

for (const name of ['ca.key', 'ca.pem', 'server.key', 'server.csr', 'server.ext', 'server.pem'])
    GLib.unlink(path(name));
GLib.rmdir(tmp);
print(`ok: ${checkCount()} checks`);
