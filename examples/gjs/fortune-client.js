// fortune-client.js
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Qt's fortune client, re-done with qsock in gjs: connects, reads one
// fortune framed as a 32-bit big-endian length followed by UTF-8 text,
// prints it and exits. The frame is read inside a transaction: when only
// part of it has arrived, the transaction is rolled back and the client
// waits for the next ready-read. With --tls it connects encrypted (a
// Qs.SslSocket) and checks the server's certificate against the system's
// trust store, or against the CA certificates of --ca-file (PEM). With
// --proxy it connects through a SOCKS5 or HTTP CONNECT proxy given as a
// URL, socks5://[USER:PASSWORD@]HOST:PORT or http://[USER:PASSWORD@]HOST:PORT.
//
// Usage: gjs -m fortune-client.js [--tls [--ca-file FILE]] [--proxy URL] HOST PORT

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Qs from 'gi://Qs?version=1.0';
import System from 'system';

const PROXY_TYPES = {socks5: Qs.NetworkProxyType.SOCKS5_PROXY, http: Qs.NetworkProxyType.HTTP_PROXY};

// The proxy of url, socks5://[USER:PASSWORD@]HOST:PORT or
// http://[USER:PASSWORD@]HOST:PORT (USER and PASSWORD percent-encoded),
// or null when it is not one.
function proxyFromUrl(url) {
    let uri;
    try {
        uri = GLib.Uri.parse(url, GLib.UriFlags.HAS_PASSWORD);
    } catch (e) {
        return null;
    }
    const type = PROXY_TYPES[uri.get_scheme().toLowerCase()];
    if (type === undefined || !uri.get_host() || uri.get_port() <= 0 || uri.get_query() !== null ||
        uri.get_fragment() !== null || !['', '/'].includes(uri.get_path()))
        return null;
    return Qs.NetworkProxy.new(type, uri.get_host(), uri.get_port(), uri.get_user(), uri.get_password());
}

const args = [...System.programArgs];
let tls = false;
let caFile = null;
let proxyUrl = null;
while (args.length > 0 && args[0].startsWith('--')) {
    const option = args.shift();
    if (option === '--tls')
        tls = true;
    else if (option === '--ca-file' && args.length > 0)
        caFile = args.shift();
    else if (option === '--proxy' && args.length > 0)
        proxyUrl = args.shift();
    else
        args.length = 0;  // a usage error
}
const [host, portText] = args;
const port = Number.parseInt(portText, 10);
if (args.length !== 2 || !(port > 0 && port <= 65535) || (caFile !== null && !tls)) {
    printerr('usage: gjs -m fortune-client.js [--tls [--ca-file FILE]] [--proxy URL] HOST PORT');
    System.exit(2);
}
const proxy = proxyUrl === null ? null : proxyFromUrl(proxyUrl);
if (proxyUrl !== null && proxy === null) {
    printerr(`fortune-client: not a proxy URL (socks5:// or http://[USER:PASSWORD@]HOST:PORT): ${proxyUrl}`);
    System.exit(2);
}

const loop = new GLib.MainLoop(null, false);
let done = false;
let failed = false;
const socket = tls ? new Qs.SslSocket() : new Qs.TcpSocket();
if (proxy !== null)
    socket.set_proxy(proxy);
if (caFile !== null) {
    try {
        // GIO wants the file's absolute path.
        socket.set_database(Gio.TlsFileDatabase.new(GLib.canonicalize_filename(caFile, null)));
    } catch (e) {
        printerr(`fortune-client: ${e.message}`);
        System.exit(1);
    }
}

socket.connect('ready-read', () => {
    if (done)
        return;
    socket.start_transaction();
    const header = socket.read_bytes(4).toArray();
    if (header.length !== 4) {
        socket.rollback_transaction();
        return;
    }
    const length = new DataView(header.buffer, header.byteOffset, 4).getUint32(0);
    const text = socket.read_bytes(length).toArray();
    if (text.length !== length) {
        socket.rollback_transaction();
        return;
    }
    socket.commit_transaction();
    print(new TextDecoder().decode(text));
    done = true;
    loop.quit();
});

socket.connect('error-occurred', (s, error) => {
    // The server closes right after the fortune; that is the normal end.
    if (done || error === Qs.SocketError.REMOTE_HOST_CLOSED_ERROR)
        return;
    printerr(`fortune-client: ${socket.error_string}`);
    failed = true;
    loop.quit();
});

socket.connect('disconnected', () => {
    // After an error (said already), the socket disconnects too.
    if (!done && !failed) {
        printerr('fortune-client: the server closed before sending a whole fortune');
        loop.quit();
    }
});

GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 10, () => {
    printerr('fortune-client: timed out');
    loop.quit();
    return GLib.SOURCE_REMOVE;
});

if (tls) {
    socket.connect_to_host_encrypted(host, port, null, Qs.OpenMode.READ_WRITE,
        Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
} else {
    socket.connect_to_host(host, port, Qs.OpenMode.READ_WRITE,
        Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
}
loop.run();
System.exit(done ? 0 : 1);
