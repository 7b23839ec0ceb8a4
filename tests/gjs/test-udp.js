// SPDX-License-Identifier: LGPL-2.1-or-later
//
// qsock through gjs: Qs.UdpSocket and the boxed Qs.NetworkDatagram on the
// default GLib main context. Proves the typelib works from JavaScript for
// UDP: Qs.BindFlags, datagrams out as Uint8Array and as GLib.Bytes,
// datagrams in with every Qs.NetworkDatagram field, the boxed type's
// constructors, copy and reference, make_reply, a connected socket's
// stream calls and a datagram too large to send. The expected values are
// Qt 6.4's (see tests/c/test-udp-socket.c). Exits non-zero on the first
// failed check.
//
// read_datagram is not tested here: its buffer is (out caller-allocates)
// with the length in max_size, which gjs cannot size from JavaScript;
// its GLib.Bytes twin read_datagram_bytes and receive_datagram are the
// binding-friendly ways to read a datagram.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

imports.searchPath.unshift(GLib.path_get_dirname(imports.system.programPath));
const {check, checkCount, checkEqual, decode, encode, runUntil} = imports.helpers;

const S = Qs.SocketState;
const E = Qs.SocketError;
const BOUND = `state-changed(${S.BOUND_STATE})`;

function address(text) {
    return Gio.InetAddress.new_from_string(text);
}

// The integer in a file (sysfs, /proc/sys), or fallback.
function readInt(path, fallback) {
    try {
        const [, contents] = GLib.file_get_contents(path);
        return parseInt(decode(new GLib.Bytes(contents)), 10);
    } catch (e) {
        return fallback;
    }
}

const LO_INDEX = readInt('/sys/class/net/lo/ifindex', 1);
// The received hop limit is the IP TTL (IPv4) or hop limit (IPv6) of the
// sender's system: 64 by default on Linux.
const HOP_LIMITS = {
    '127.0.0.1': readInt('/proc/sys/net/ipv4/ip_default_ttl', 64),
    '::1': readInt('/proc/sys/net/ipv6/conf/lo/hop_limit', 64),
};

// Whether ::1 can be bound (as qs_test_ipv6_available in C).
function ipv6Available() {
    try {
        const probe = Gio.Socket.new(Gio.SocketFamily.IPV6, Gio.SocketType.DATAGRAM,
            Gio.SocketProtocol.UDP);
        probe.bind(Gio.InetSocketAddress.new(address('::1'), 0), false);
        probe.close();
        return true;
    } catch (e) {
        return false;
    }
}

function tracedSocket() {
    const socket = Qs.UdpSocket.new();
    const log = [];
    imports.helpers.trace(socket, log, ['host-found', 'connected', 'disconnected',
        'ready-read', 'read-channel-finished', 'about-to-close']);
    return [socket, log];
}

// A traced socket bound to host, port 0; its trace is exactly BOUND.
function boundSocket(host, flags = Qs.BindFlags.DEFAULT_FOR_PLATFORM) {
    const [socket, log] = tracedSocket();
    check(socket.bind(address(host), 0, flags), `bind ${host}:0`);
    checkEqual(log, [BOUND], 'bind trace');
    checkEqual(socket.get_state(), S.BOUND_STATE, 'bound state');
    checkEqual(socket.get_local_address().to_string(), host, 'local address');
    check(socket.get_local_port() !== 0, 'a port was picked');
    return [socket, log];
}

function waitReadyRead(log, count) {
    runUntil(() => log.filter(e => e === 'ready-read').length === count);
}

// Every field of a datagram that sender sent to receiver on host.
function checkReceived(datagram, payload, sender, receiver, host) {
    check(datagram.is_valid(), 'received datagram is valid');
    check(!datagram.is_null(), 'received datagram is not null');
    checkEqual(decode(datagram.get_data()), payload, 'data');
    checkEqual(datagram.get_sender_address().to_string(), host, 'sender address');
    checkEqual(datagram.get_sender_port(), sender.get_local_port(), 'sender port');
    checkEqual(datagram.get_destination_address().to_string(), host, 'destination address');
    checkEqual(datagram.get_destination_port(), receiver.get_local_port(), 'destination port');
    checkEqual(datagram.get_hop_limit(), HOP_LIMITS[host], 'hop limit');
    checkEqual(datagram.get_interface_index(), LO_INDEX, 'interface index of lo');
}

function testRoundTrip(host) {
    const [sender, senderLog] = boundSocket(host);
    const [receiver, receiverLog] = boundSocket(host,
        Qs.BindFlags.SHARE_ADDRESS | Qs.BindFlags.REUSE_ADDRESS_HINT);
    const port = receiver.get_local_port();
    check(!receiver.has_pending_datagrams(), 'nothing pending yet');
    checkEqual(receiver.pending_datagram_size(), -1, 'no pending size yet');

    // bytes-written(size) comes before write_datagram returns.
    checkEqual(sender.write_datagram(encode('hello'), address(host), port), 5, 'write_datagram');
    checkEqual(senderLog, [BOUND, 'bytes-written(5)'], 'sender trace');
    waitReadyRead(receiverLog, 1);
    check(receiver.has_pending_datagrams(), 'a datagram is pending');
    checkEqual(receiver.pending_datagram_size(), 5, 'pending size');
    checkReceived(receiver.receive_datagram(-1), 'hello', sender, receiver, host);
    check(!receiver.has_pending_datagrams(), 'nothing pending after reading');
    checkEqual(receiver.pending_datagram_size(), -1, 'no pending size after reading');

    // The GLib.Bytes twin.
    checkEqual(sender.write_datagram_bytes(new GLib.Bytes(encode('world!')), address(host), port),
        6, 'write_datagram_bytes');
    checkEqual(senderLog.slice(2), ['bytes-written(6)'], 'sender trace, bytes');
    waitReadyRead(receiverLog, 2);
    checkEqual(receiver.pending_datagram_size(), 6, 'pending size, bytes');
    checkReceived(receiver.receive_datagram(-1), 'world!', sender, receiver, host);
    checkEqual(receiverLog, [BOUND, 'ready-read', 'ready-read'], 'receiver trace');

    // Nothing pending: an invalid datagram, no error, no signal.
    check(!receiver.receive_datagram(-1).is_valid(), 'none pending: invalid datagram');
    checkEqual(receiver.get_error(), E.UNKNOWN_SOCKET_ERROR, 'none pending: no error');
    checkEqual(receiverLog, [BOUND, 'ready-read', 'ready-read'], 'none pending: no signal');
    sender.close();
    receiver.close();
}

function testReadDatagramBytes() {
    const [sender] = boundSocket('127.0.0.1');
    const [receiver, receiverLog] = boundSocket('127.0.0.1');
    const port = receiver.get_local_port();
    checkEqual(sender.write_datagram(encode('hello world'), address('127.0.0.1'), port), 11,
        'write_datagram');
    waitReadyRead(receiverLog, 1);
    // Cut to max_size, with the sender as out values.
    const [data, from, fromPort] = receiver.read_datagram_bytes(5);
    checkEqual(decode(data), 'hello', 'read_datagram_bytes data');
    checkEqual(from.to_string(), '127.0.0.1', 'read_datagram_bytes host');
    checkEqual(fromPort, sender.get_local_port(), 'read_datagram_bytes port');
    // None pending: null, TEMPORARY_ERROR and error-occurred, as Qt.
    const [none, noHost, noPort] = receiver.read_datagram_bytes(5);
    checkEqual([none, noHost, noPort], [null, null, 0], 'none pending');
    checkEqual(receiver.get_error(), E.TEMPORARY_ERROR, 'none pending: error');
    checkEqual(receiverLog.slice(-1), [`error-occurred(${E.TEMPORARY_ERROR})`],
        'none pending: signal');
    sender.close();
    receiver.close();
}

function testWriteNetworkDatagram() {
    const [sender, senderLog] = boundSocket('127.0.0.1');
    const [receiver, receiverLog] = boundSocket('127.0.0.1');
    const request = Qs.NetworkDatagram.new(new GLib.Bytes(encode('net')), address('127.0.0.1'),
        receiver.get_local_port());
    check(request.is_valid(), 'request is valid');
    checkEqual(request.get_destination_port(), receiver.get_local_port(),
        'request destination port');
    checkEqual(request.get_sender_port(), -1, 'request sender port');
    request.set_hop_limit(5);
    request.set_interface_index(LO_INDEX);
    checkEqual(sender.write_network_datagram(request), 3, 'write_network_datagram');
    checkEqual(senderLog.slice(1), ['bytes-written(3)'], 'network datagram bytes-written');
    waitReadyRead(receiverLog, 1);
    const received = receiver.receive_datagram(-1);
    checkEqual(decode(received.get_data()), 'net', 'network datagram data');
    checkEqual(received.get_hop_limit(), 5, 'the hop limit sent with');
    checkEqual(received.get_sender_port(), sender.get_local_port(),
        'network datagram sender port');

    // new_from_data takes a Uint8Array; receive_datagram(max_size) truncates.
    const again = Qs.NetworkDatagram.new_from_data(encode('truncated'), address('127.0.0.1'),
        receiver.get_local_port());
    checkEqual(sender.write_network_datagram(again), 9, 'write new_from_data');
    waitReadyRead(receiverLog, 2);
    checkEqual(decode(receiver.receive_datagram(5).get_data()), 'trunc', 'truncated');
    sender.close();
    receiver.close();
}

function testNullDatagram() {
    const empty = Qs.NetworkDatagram.new(null, null, 0);
    check(empty.is_null(), 'new(null, null, 0) is null');
    check(!empty.is_valid(), 'new(null, null, 0) is invalid');
    checkEqual(empty.get_data().get_size(), 0, 'null data');
    checkEqual(empty.get_sender_address(), null, 'null sender address');
    checkEqual(empty.get_sender_port(), -1, 'null sender port');
    checkEqual(empty.get_destination_address(), null, 'null destination address');
    checkEqual(empty.get_destination_port(), -1, 'null destination port');
    checkEqual(empty.get_hop_limit(), -1, 'null hop limit');
    checkEqual(empty.get_interface_index(), 0, 'null interface index');
}

function testMakeReply() {
    const [client, clientLog] = boundSocket('127.0.0.1');
    const [server, serverLog] = boundSocket('127.0.0.1');
    client.write_datagram(encode('ping'), address('127.0.0.1'), server.get_local_port());
    waitReadyRead(serverLog, 1);
    const request = server.receive_datagram(-1);

    // Sender and destination swapped, interface kept, hop limit reset.
    const reply = request.make_reply(new GLib.Bytes(encode('pong')));
    checkEqual(decode(reply.get_data()), 'pong', 'reply data');
    checkEqual(reply.get_destination_address().to_string(), '127.0.0.1', 'reply destination');
    checkEqual(reply.get_destination_port(), client.get_local_port(), 'reply destination port');
    checkEqual(reply.get_sender_address().to_string(), '127.0.0.1', 'reply sender');
    checkEqual(reply.get_sender_port(), server.get_local_port(), 'reply sender port');
    checkEqual(reply.get_hop_limit(), -1, 'reply hop limit');
    checkEqual(reply.get_interface_index(), LO_INDEX, 'reply interface index');
    checkEqual(decode(request.get_data()), 'ping', 'request unchanged');

    checkEqual(server.write_network_datagram(reply), 4, 'write the reply');
    waitReadyRead(clientLog, 1);
    checkReceived(client.receive_datagram(-1), 'pong', server, client, '127.0.0.1');
    client.close();
    server.close();
}

function testCopyAndRef() {
    const original = Qs.NetworkDatagram.new_from_data(encode('one'), address('127.0.0.1'), 1000);
    const shared = original.ref();
    const copied = original.copy();

    // A reference shares the value: a setter shows through every holder.
    shared.set_data(new GLib.Bytes(encode('two')));
    shared.set_hop_limit(9);
    shared.set_sender(address('::1'), 2000);
    checkEqual(decode(original.get_data()), 'two', 'shared data');
    checkEqual(original.get_hop_limit(), 9, 'shared hop limit');
    checkEqual(original.get_sender_address().to_string(), '::1', 'shared sender');
    checkEqual(original.get_sender_port(), 2000, 'shared sender port');

    // A copy is an independent value.
    checkEqual(decode(copied.get_data()), 'one', 'copied data');
    checkEqual(copied.get_hop_limit(), -1, 'copied hop limit');
    checkEqual(copied.get_sender_address(), null, 'copied sender');
    checkEqual(copied.get_destination_port(), 1000, 'copied destination port');
    copied.set_destination(address('127.0.0.2'), 3000);
    copied.set_interface_index(LO_INDEX);
    checkEqual(original.get_destination_address().to_string(), '127.0.0.1',
        'original destination');
    checkEqual(original.get_destination_port(), 1000, 'original destination port');
    checkEqual(original.get_interface_index(), 0, 'original interface index');

    // clear makes the shared value null again, for both holders.
    shared.clear();
    check(original.is_null(), 'cleared through the reference');
    checkEqual(original.get_sender_port(), -1, 'cleared sender port');
    check(!copied.is_null(), 'the copy is not cleared');
}

function testConnectedMode() {
    const [peer, peerLog] = boundSocket('127.0.0.1');
    const [socket, log] = tracedSocket();
    // A literal address: done before the call returns, as Qt.
    socket.connect_to_address(address('127.0.0.1'), peer.get_local_port(), Qs.OpenMode.READ_WRITE);
    checkEqual(log, [`state-changed(${S.HOST_LOOKUP_STATE})`,
        `state-changed(${S.CONNECTING_STATE})`, 'host-found',
        `state-changed(${S.CONNECTED_STATE})`, 'connected'], 'connect trace');
    checkEqual(socket.get_open_mode(), Qs.OpenMode.READ_WRITE | Qs.OpenMode.UNBUFFERED,
        'open mode');
    checkEqual(socket.get_peer_port(), peer.get_local_port(), 'peer port');

    // Each write is one datagram, with bytes-written before it returns.
    checkEqual(socket.write(encode('abc')), 3, 'write');
    checkEqual(socket.write_bytes(new GLib.Bytes(encode('defg'))), 4, 'write_bytes');
    checkEqual(log.slice(5), ['bytes-written(3)', 'bytes-written(4)'], 'connected bytes-written');
    waitReadyRead(peerLog, 1);
    checkReceived(peer.receive_datagram(-1), 'abc', socket, peer, '127.0.0.1');
    waitReadyRead(peerLog, 2);
    checkReceived(peer.receive_datagram(-1), 'defg', socket, peer, '127.0.0.1');

    // read_all reads one datagram.
    peer.write_datagram(encode('reply1'), address('127.0.0.1'), socket.get_local_port());
    waitReadyRead(log, 1);
    checkEqual(socket.bytes_available(), 6, 'bytes_available is the datagram size');
    checkEqual(decode(socket.read_all()), 'reply1', 'read_all');
    checkEqual(socket.bytes_available(), 0, 'nothing more available');
    checkEqual(socket.read_all().get_size(), 0, 'read_all with nothing pending');
    checkEqual(socket.get_state(), S.CONNECTED_STATE, 'still connected');
    checkEqual(log.slice(7), ['ready-read'], 'connected ready-read');
    socket.close();
    peer.close();
}

function testDatagramTooLarge() {
    const [socket, log] = boundSocket('127.0.0.1');
    checkEqual(socket.write_datagram(new Uint8Array(70000), address('127.0.0.1'),
        socket.get_local_port()), -1, 'a 70000-byte datagram');
    checkEqual(log.slice(1), [`error-occurred(${E.DATAGRAM_TOO_LARGE_ERROR})`], 'too large trace');
    checkEqual(socket.get_error(), E.DATAGRAM_TOO_LARGE_ERROR, 'too large error');
    checkEqual(socket.get_error_string(), 'Datagram was too large to send',
        'too large error string');
    checkEqual(socket.get_state(), S.BOUND_STATE, 'still bound');
    socket.close();
}

const fresh = new Qs.UdpSocket();
checkEqual(fresh.socket_type, Qs.SocketType.UDP_SOCKET, 'socket-type');
checkEqual(fresh.state, S.UNCONNECTED_STATE, 'fresh state');
checkEqual(fresh.multicast_interface, null, 'fresh multicast-interface');
checkEqual(fresh.get_socket_descriptor(), -1, 'fresh descriptor');

testRoundTrip('127.0.0.1');
if (ipv6Available())
    testRoundTrip('::1');
else
    print('# skip IPv6 round trip: IPv6 is not available');
testReadDatagramBytes();
testWriteNetworkDatagram();
testNullDatagram();
testMakeReply();
testCopyAndRef();
testConnectedMode();
testDatagramTooLarge();

print(`ok - ${checkCount()} checks`);
