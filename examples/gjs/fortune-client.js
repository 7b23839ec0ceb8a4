// fortune-client.js
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Qt's fortune client, re-done with qsock in gjs: connects, reads one
// fortune framed as a 32-bit big-endian length followed by UTF-8 text,
// prints it and exits. The frame is read inside a transaction: when only
// part of it has arrived, the transaction is rolled back and the client
// waits for the next ready-read.
//
// Usage: gjs -m fortune-client.js HOST PORT

import GLib from 'gi://GLib';
import Qs from 'gi://Qs?version=1.0';
import System from 'system';

const [host, portText] = System.programArgs;
const port = Number.parseInt(portText, 10);
if (System.programArgs.length !== 2 || !(port > 0 && port <= 65535)) {
    printerr('usage: gjs -m fortune-client.js HOST PORT');
    System.exit(2);
}

const loop = new GLib.MainLoop(null, false);
let done = false;
const socket = new Qs.TcpSocket();

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
    loop.quit();
});

socket.connect('disconnected', () => {
    if (!done) {
        printerr('fortune-client: the server closed before sending a whole fortune');
        loop.quit();
    }
});

GLib.timeout_add_seconds(GLib.PRIORITY_DEFAULT, 10, () => {
    printerr('fortune-client: timed out');
    loop.quit();
    return GLib.SOURCE_REMOVE;
});

socket.connect_to_host(host, port, Qs.OpenMode.READ_WRITE,
    Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
loop.run();
System.exit(done ? 0 : 1);
