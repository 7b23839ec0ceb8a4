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
// trust store, or against the CA certificates of --ca-file (PEM).
//
// Usage: gjs -m fortune-client.js [--tls [--ca-file FILE]] HOST PORT

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Qs from 'gi://Qs?version=1.0';
import System from 'system';

const args = [...System.programArgs];
let tls = false;
let caFile = null;
while (args.length > 0 && args[0].startsWith('--')) {
    const option = args.shift();
    if (option === '--tls')
        tls = true;
    else if (option === '--ca-file' && args.length > 0)
        caFile = args.shift();
    else
        args.length = 0;  // a usage error
}
const [host, portText] = args;
const port = Number.parseInt(portText, 10);
if (args.length !== 2 || !(port > 0 && port <= 65535) || (caFile !== null && !tls)) {
    printerr('usage: gjs -m fortune-client.js [--tls [--ca-file FILE]] HOST PORT');
    System.exit(2);
}

const loop = new GLib.MainLoop(null, false);
let done = false;
let failed = false;
const socket = tls ? new Qs.SslSocket() : new Qs.TcpSocket();
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
