// SPDX-License-Identifier: LGPL-2.1-or-later
//
// qsock through gjs: a Qs.LocalServer and a Qs.LocalSocket on the default
// GLib main context do a real exchange. Proves the typelib works from
// JavaScript for local sockets: Uint8Array and GLib.Bytes in and out,
// signals with arguments (Qs.LocalSocketState, Qs.LocalSocketError),
// enums and flags by name, properties with notify, a missing server, a
// peer close, a stale socket file and Qs.LocalServer.remove_server. The
// expected traces are those of Qt 6.4.2 (PyQt6) for the same steps.
// Every socket file lives in a temporary directory (TMPDIR for bare
// names) removed at the end. Exits non-zero on the first failed check.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

imports.searchPath.unshift(GLib.path_get_dirname(imports.system.programPath));
const {check, checkCount, checkEqual, decode, encode, runUntil} = imports.helpers;

const S = Qs.LocalSocketState;
const E = Qs.LocalSocketError;
const NAME = 'qsock-test';
const NAME_PROPS = ['server-name', 'full-server-name', 'state'];

function trace(socket, log, notify = []) {
    imports.helpers.trace(socket, log, ['connected', 'disconnected', 'ready-read',
        'read-channel-finished', 'about-to-close'], notify);
}

// A new socket, traced, after connect_to_server(name).
function tracedConnect(name, notify = [], options = Qs.LocalSocketOptions.NO_OPTIONS) {
    const socket = new Qs.LocalSocket({socket_options: options});
    const log = [];
    trace(socket, log, notify);
    socket.connect_to_server(name, Qs.OpenMode.READ_WRITE);
    return [socket, log];
}

function exists(path) {
    return GLib.file_test(path, GLib.FileTest.EXISTS);
}

// Bare names resolve in $TMPDIR, as in Qt 6.
const tmpdir = GLib.dir_make_tmp('qsock-test-local-XXXXXX');
GLib.setenv('TMPDIR', tmpdir, true);
const servers = [];

function newServer() {
    const server = Qs.LocalServer.new();
    servers.push(server);
    return server;
}

function testAll() {
    // A fresh socket.
    const fresh = new Qs.LocalSocket();
    checkEqual(fresh.state, S.UNCONNECTED_STATE, 'fresh state');
    checkEqual(fresh.error, E.UNKNOWN_SOCKET_ERROR, 'fresh error');
    checkEqual(fresh.error_string, 'Unknown error', 'fresh error-string');
    checkEqual([fresh.server_name, fresh.full_server_name], [null, null], 'fresh names');
    checkEqual(fresh.socket_options, Qs.LocalSocketOptions.NO_OPTIONS, 'fresh socket-options');

    // A server on a bare name.
    const server = newServer();
    const full = GLib.build_filenamev([tmpdir, NAME]);
    check(server.listen(NAME), 'listen on a bare name');
    checkEqual([server.server_name, server.full_server_name], [NAME, full], 'server names');
    const accepted = [];
    server.connect('new-connection', srv => accepted.push(srv.next_pending_connection()));

    // connect_to_server is synchronous: every signal before it returns.
    const [client, log] = tracedConnect(NAME, NAME_PROPS);
    checkEqual(log, [`notify::server-name="${NAME}"`, `notify::state=${S.CONNECTING_STATE}`,
        `state-changed(${S.CONNECTING_STATE})`, `notify::full-server-name="${full}"`,
        `notify::state=${S.CONNECTED_STATE}`, `state-changed(${S.CONNECTED_STATE})`,
        'connected'], 'signals before return');
    checkEqual([client.server_name, client.full_server_name], [NAME, full], 'client names');
    checkEqual(client.get_open_mode(), Qs.OpenMode.READ_WRITE, 'client open mode');

    // Accepted sockets carry the server's names.
    runUntil(() => accepted.length === 1);
    const peer = accepted[0];
    checkEqual([peer.server_name, peer.full_server_name], [NAME, full], 'accepted names');
    checkEqual(peer.get_state(), S.CONNECTED_STATE, 'accepted state');
    checkEqual(peer.get_open_mode(), Qs.OpenMode.READ_WRITE, 'accepted open mode');

    // Bytes out as a Uint8Array and as GLib.Bytes; one flush, one bytes-written.
    checkEqual(client.write(encode('ping\n')), 5, 'write Uint8Array');
    checkEqual(client.write_bytes(new GLib.Bytes(encode('tail'))), 4, 'write_bytes');
    runUntil(() => peer.bytes_available() === 9);
    checkEqual(log.filter(e => e.startsWith('bytes-written')), ['bytes-written(9)'],
        'one bytes-written');
    checkEqual(decode(peer.read_line_bytes(0)), 'ping\n', 'read_line_bytes');
    checkEqual(decode(peer.read_bytes(2)), 'ta', 'read_bytes');
    checkEqual(decode(peer.read_all()), 'il', 'read_all');

    // The server answers and closes: Qt's peer-close order, and back in
    // Unconnected the client forgets its server.
    const peerLog = [];
    trace(peer, peerLog);
    peer.write(encode('bye'));
    peer.disconnect_from_server();
    checkEqual(peerLog, [`state-changed(${S.CLOSING_STATE})`], 'closing waits for the bytes');
    runUntil(() => client.get_state() === S.UNCONNECTED_STATE &&
        peer.get_state() === S.UNCONNECTED_STATE);
    checkEqual(peerLog.slice(1), ['bytes-written(3)', `state-changed(${S.UNCONNECTED_STATE})`,
        'read-channel-finished', 'disconnected'], 'local close order');
    checkEqual(log.slice(-10), ['ready-read', `error-occurred(${E.PEER_CLOSED_ERROR})`,
        `notify::state=${S.CLOSING_STATE}`, `state-changed(${S.CLOSING_STATE})`,
        'notify::server-name=null', 'notify::full-server-name=null',
        `notify::state=${S.UNCONNECTED_STATE}`, `state-changed(${S.UNCONNECTED_STATE})`,
        'read-channel-finished', 'disconnected'], 'peer close order');
    checkEqual(client.error, E.PEER_CLOSED_ERROR, 'peer-closed error');
    checkEqual(client.error_string, 'QLocalSocket: Remote closed', 'peer-closed error-string');
    checkEqual([client.server_name, client.full_server_name], [null, null], 'names forgotten');
    check(client.is_open(), 'the device stays open');
    checkEqual(decode(client.read_all()), 'bye', 'unread bytes stay readable');

    // No such server: the error before the state (unlike TCP).
    const [missing, missingLog] = tracedConnect('missing');
    checkEqual(missingLog, [`state-changed(${S.CONNECTING_STATE})`,
        `error-occurred(${E.SERVER_NOT_FOUND_ERROR})`, `state-changed(${S.UNCONNECTED_STATE})`],
    'server not found order');
    checkEqual(missing.error_string, 'QLocalSocket::connectToServer: Invalid name',
        'server not found error-string');
    checkEqual([missing.server_name, missing.full_server_name], [null, null],
        'server not found names');
    check(!missing.is_open(), 'server not found: not open');

    // Flags by name; the abstract namespace needs the option on both ends.
    const O = Qs.LocalServerSocketOptions;
    checkEqual(O.WORLD_ACCESS_OPTION, O.USER_ACCESS_OPTION | O.GROUP_ACCESS_OPTION |
        O.OTHER_ACCESS_OPTION, 'world access');
    const abstractName = `qsock-test-${GLib.path_get_basename(tmpdir)}`;
    const abstractServer = newServer();
    abstractServer.socket_options = O.ABSTRACT_NAMESPACE_OPTION;
    check(abstractServer.listen(abstractName), 'listen in the abstract namespace');
    checkEqual(abstractServer.full_server_name, abstractName, 'abstract full-server-name');
    check(!exists(GLib.build_filenamev([tmpdir, abstractName])), 'no file for it');
    const [abstractClient, abstractLog] = tracedConnect(abstractName, [],
        Qs.LocalSocketOptions.ABSTRACT_NAMESPACE_OPTION);
    checkEqual(abstractLog, [`state-changed(${S.CONNECTING_STATE})`,
        `state-changed(${S.CONNECTED_STATE})`, 'connected'], 'abstract connect');
    checkEqual(abstractClient.full_server_name, abstractName, 'abstract client full-server-name');
    const plainClient = new Qs.LocalSocket();
    plainClient.connect_to_server(abstractName, Qs.OpenMode.READ_WRITE);
    checkEqual(plainClient.error, E.SERVER_NOT_FOUND_ERROR, 'abstract name without the option');

    // A stale socket file: refused, in use, until remove_server.
    const stale = GLib.build_filenamev([tmpdir, 'stale']);
    const leftover = Gio.Socket.new(Gio.SocketFamily.UNIX, Gio.SocketType.STREAM,
        Gio.SocketProtocol.DEFAULT);
    leftover.bind(Gio.UnixSocketAddress.new(stale), false);
    leftover.close();
    const [, refusedLog] = tracedConnect('stale');
    checkEqual(refusedLog, [`state-changed(${S.CONNECTING_STATE})`,
        `error-occurred(${E.CONNECTION_REFUSED_ERROR})`, `state-changed(${S.UNCONNECTED_STATE})`],
    'stale file order');
    const second = newServer();
    check(!second.listen('stale'), 'listen on a stale file fails');
    checkEqual(second.server_error, Qs.SocketError.ADDRESS_IN_USE_ERROR, 'address in use');
    checkEqual(second.error_string, 'QLocalServer::listen: Address in use', 'in use error-string');
    check(Qs.LocalServer.remove_server('stale'), 'remove_server');
    check(!exists(stale), 'the file is gone');
    check(second.listen('stale'), 'listen after remove_server');
    second.close();
    check(!exists(stale), 'close removes the socket file');
}

function listDir(path) {
    const children = Gio.File.new_for_path(path).enumerate_children('standard::name',
        Gio.FileQueryInfoFlags.NOFOLLOW_SYMLINKS, null);
    const names = [];
    for (let info = children.next_file(null); info !== null; info = children.next_file(null))
        names.push(info.get_name());
    children.close(null);
    return names;
}

// The directory goes whatever happened; what was left in it is checked.
let left;
try {
    testAll();
} finally {
    for (const server of servers)
        server.close();
    left = listDir(tmpdir);
    for (const name of left)
        GLib.unlink(GLib.build_filenamev([tmpdir, name]));
    GLib.rmdir(tmpdir);
}
checkEqual(left, [], 'the servers left the temporary directory empty');
print(`ok - ${checkCount()} checks`);
