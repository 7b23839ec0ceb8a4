// SPDX-License-Identifier: LGPL-2.1-or-later
//
// qsock through gjs: a Qs.TcpServer and a Qs.TcpSocket on the default
// GLib main context do a real exchange. Proves the typelib works from
// JavaScript: Uint8Array and GLib.Bytes in and out, signals with
// arguments, enums and flags by name, and a refused connection's
// error-occurred. Exits non-zero on the first failed check.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

imports.searchPath.unshift(GLib.path_get_dirname(imports.system.programPath));
const {check, checkCount, checkEqual, decode, encode, runUntil} = imports.helpers;

function trace(socket, log) {
    imports.helpers.trace(socket, log, ['host-found', 'connected', 'disconnected',
        'ready-read', 'read-channel-finished']);
}

const S = Qs.SocketState;
const loopback = Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4);

// A server on 127.0.0.1, port 0.
const server = Qs.TcpServer.new();
check(server.listen(loopback, 0), 'listen on 127.0.0.1:0');
const port = server.get_server_port();
check(port > 0, 'a port was picked');
const accepted = [];
server.connect('new-connection', srv => accepted.push(srv.next_pending_connection()));

// A client: the literal address passes HostLookup, Connecting, host-found
// before connect_to_host returns.
const client = new Qs.TcpSocket();
checkEqual(client.socket_type, Qs.SocketType.TCP_SOCKET, 'socket-type');
checkEqual(client.error_string, 'Unknown error', 'fresh error-string');
const log = [];
trace(client, log);
client.connect_to_host('127.0.0.1', port, Qs.OpenMode.READ_WRITE,
    Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
checkEqual(log, [`state-changed(${S.HOST_LOOKUP_STATE})`,
    `state-changed(${S.CONNECTING_STATE})`, 'host-found'], 'signals before return');
runUntil(() => accepted.length === 1 && client.get_state() === S.CONNECTED_STATE);
checkEqual(log.slice(3), [`state-changed(${S.CONNECTED_STATE})`, 'connected'], 'connected');
const peer = accepted[0];
checkEqual(peer.get_peer_port(), client.get_local_port(), 'accepted peer port');
checkEqual(peer.get_open_mode(), Qs.OpenMode.READ_WRITE, 'accepted open mode');

// Bytes out as a Uint8Array and as GLib.Bytes; one flush, one bytes-written.
checkEqual(client.write(encode('ping\n')), 5, 'write Uint8Array');
checkEqual(client.write_bytes(new GLib.Bytes(encode('tail'))), 4, 'write_bytes');
runUntil(() => peer.bytes_available() === 9);
checkEqual(log.filter(e => e.startsWith('bytes-written')), ['bytes-written(9)'], 'one bytes-written');
check(peer.can_read_line(), 'a line is buffered');
checkEqual(decode(peer.peek_bytes(4)), 'ping', 'peek_bytes');
checkEqual(decode(peer.read_line_bytes(0)), 'ping\n', 'read_line_bytes');
checkEqual(decode(peer.read_bytes(2)), 'ta', 'read_bytes');
checkEqual(decode(peer.read_all()), 'il', 'read_all');

// The server answers and closes: the client sees Qt's remote-close order.
peer.write(encode('bye'));
peer.disconnect_from_host();
runUntil(() => client.get_state() === S.UNCONNECTED_STATE);
checkEqual(log.slice(-6), ['ready-read', `error-occurred(${Qs.SocketError.REMOTE_HOST_CLOSED_ERROR})`,
    `state-changed(${S.CLOSING_STATE})`, `state-changed(${S.UNCONNECTED_STATE})`,
    'read-channel-finished', 'disconnected'], 'remote close order');
checkEqual(decode(client.read_all()), 'bye', 'unread bytes stay readable');

// Refused: state-changed(unconnected) then error-occurred(connection-refused).
server.close();
const refused = new Qs.TcpSocket();
const refusedLog = [];
trace(refused, refusedLog);
refused.connect_to_host('127.0.0.1', port, Qs.OpenMode.READ_WRITE,
    Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
runUntil(() => refused.get_state() === S.UNCONNECTED_STATE);
checkEqual(refusedLog.slice(-2), [`state-changed(${S.UNCONNECTED_STATE})`,
    `error-occurred(${Qs.SocketError.CONNECTION_REFUSED_ERROR})`], 'refused order');
checkEqual(refused.get_error_string(), 'Connection refused', 'refused error-string');

print(`ok - ${checkCount()} checks`);
