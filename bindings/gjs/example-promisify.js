// example-promisify.js
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// qsock from gjs on the default GLib main loop: a server driven by
// signals, and a client written with async/await over qsock's
// _async/_finish calls made into promises with Gio._promisify.
// Run it with `gjs -m example-promisify.js`; tests/gjs/test-promisify.js
// imports it and runs main().

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Qs from 'gi://Qs?version=1.0';
import System from 'system';

// Once per program: each foo_async gets a promise-returning twin
// (same name) whose promise resolves to what foo_finish returns, or
// rejects with the GLib.Error foo_finish throws.
Gio._promisify(Qs.AbstractSocket.prototype, 'connect_to_host_async', 'connect_to_host_finish');
Gio._promisify(Qs.IODevice.prototype, 'read_async', 'read_finish');
Gio._promisify(Qs.IODevice.prototype, 'write_all_async', 'write_all_finish');

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// A server that answers each line in upper case, then closes. Plain
// signals: connect() a handler, no promises needed.
export function startServer() {
    const server = new Qs.TcpServer();
    if (!server.listen(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), 0))
        throw new Error(`listen: ${server.get_error_string()}`);
    server.connect('new-connection', () => {
        const socket = server.next_pending_connection();
        socket.connect('ready-read', () => {
            if (!socket.can_read_line())
                return;
            const line = decoder.decode(socket.read_line_bytes(0).toArray());
            socket.write(encoder.encode(line.toUpperCase()));
            socket.disconnect_from_host();
        });
    });
    return server;
}

// A client: connect, send a line, read the answer to the end of the
// stream. Each await returns to the main loop until the call completes.
// A _finish that returns gboolean and throws resolves to true, or to the
// array of its out arguments when it has some (write_all_finish:
// [bytesWritten]).
export async function ask(port, question) {
    const socket = new Qs.TcpSocket();
    await socket.connect_to_host_async('127.0.0.1', port, Qs.OpenMode.READ_WRITE,
        Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL, null);
    const [written] = await socket.write_all_async(
        new GLib.Bytes(encoder.encode(`${question}\n`)), GLib.PRIORITY_DEFAULT, null);
    const answer = await socket.read_async(0, GLib.PRIORITY_DEFAULT, null);
    return {written, answer: decoder.decode(answer.toArray())};
}

// Failures reject: a refused connection throws a GLib.Error in the
// Qs.SocketError domain, whose code is the socket's error().
export async function askClosedPort(port) {
    const socket = new Qs.TcpSocket();
    try {
        await socket.connect_to_host_async('127.0.0.1', port, Qs.OpenMode.READ_WRITE,
            Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL, null);
        return 'connected';
    } catch (e) {
        if (e.matches(Qs.SocketError, Qs.SocketError.CONNECTION_REFUSED_ERROR))
            return `refused: ${e.message}`;
        throw e;
    }
}

// A Gio.Cancellable stops a wait: here a read that would wait for ever.
export async function readWithTimeout(port, msecs) {
    const socket = new Qs.TcpSocket();
    await socket.connect_to_host_async('127.0.0.1', port, Qs.OpenMode.READ_WRITE,
        Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL, null);
    const cancellable = new Gio.Cancellable();
    const id = GLib.timeout_add(GLib.PRIORITY_DEFAULT, msecs, () => {
        cancellable.cancel();
        return GLib.SOURCE_REMOVE;
    });
    try {
        await socket.read_async(1, GLib.PRIORITY_DEFAULT, cancellable);
        GLib.source_remove(id);
        return 'read';
    } catch (e) {
        if (e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
            return 'cancelled';
        throw e;
    } finally {
        socket.abort();
    }
}

// Runs the three on the default main loop until they are done; returns
// what they returned.
export function main() {
    const loop = new GLib.MainLoop(null, false);
    const server = startServer();
    const port = server.get_server_port();
    // A bound socket that does not listen: connecting to it is refused.
    const refusing = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM,
        Gio.SocketProtocol.TCP);
    refusing.bind(new Gio.InetSocketAddress({
        address: Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), port: 0,
    }), false);
    const closedPort = refusing.get_local_address().get_port();

    let results, failure;
    Promise.all([
        ask(port, 'hello from gjs'),
        askClosedPort(closedPort),
        readWithTimeout(port, 50),
    ]).then(r => {
        results = r;
    }).catch(e => {
        failure = e;
    }).finally(() => loop.quit());
    loop.run();
    server.close();
    refusing.close();
    if (failure)
        throw failure;
    return results;
}

if (import.meta.url === GLib.filename_to_uri(System.programPath, null))
    print(JSON.stringify(main(), null, 2));
