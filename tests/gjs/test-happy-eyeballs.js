// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The happy-eyeballs property through gjs: a Qs.TcpSocket that races
// "localhost" (::1 and 127.0.0.1, looked up in parallel) to a
// Qs.TcpServer on both loopbacks connects over IPv6, tried first, with
// the trace of a plain connect. Exits non-zero on the first failed check.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

imports.searchPath.unshift(GLib.path_get_dirname(imports.system.programPath));
const {check, checkCount, checkEqual, runUntil, trace} = imports.helpers;

const S = Qs.SocketState;

// Whether ::1 can be bound (as qs_test_ipv6_available in C).
function ipv6Available() {
    try {
        const probe = Gio.Socket.new(Gio.SocketFamily.IPV6, Gio.SocketType.DATAGRAM,
            Gio.SocketProtocol.UDP);
        probe.bind(Gio.InetSocketAddress.new(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV6), 0),
            false);
        probe.close();
        return true;
    } catch (e) {
        return false;
    }
}

if (!ipv6Available()) {
    print('# skip happy eyeballs: IPv6 loopback is not available');
} else {
    const server = Qs.TcpServer.new();
    check(server.listen(null, 0), 'listen on both loopbacks');
    const accepted = [];
    server.connect('new-connection', srv => accepted.push(srv.next_pending_connection()));

    const client = new Qs.TcpSocket();
    checkEqual(client.happy_eyeballs, false, 'happy-eyeballs is off by default');
    client.happy_eyeballs = true;
    checkEqual(client.get_happy_eyeballs(), true, 'happy-eyeballs set');
    const log = [];
    trace(client, log, ['host-found', 'connected', 'disconnected']);
    client.connect_to_host('localhost', server.get_server_port(), Qs.OpenMode.READ_WRITE,
        Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
    checkEqual(log, [`state-changed(${S.HOST_LOOKUP_STATE})`], 'looking up before it returns');
    runUntil(() => accepted.length > 0 && client.get_state() === S.CONNECTED_STATE);
    checkEqual(log, [`state-changed(${S.HOST_LOOKUP_STATE})`, `state-changed(${S.CONNECTING_STATE})`,
        'host-found', `state-changed(${S.CONNECTED_STATE})`, 'connected'], 'a plain connect trace');
    checkEqual(client.get_peer_address().to_string(), '::1', 'IPv6 won');
    checkEqual(accepted.length, 1, 'one connection made');
    server.close();
    print(`ok - ${checkCount()} checks`);
}
