// fortune-server.js
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Qt's fortune server, re-done with qsock in gjs: listens on 127.0.0.1,
// prints "PORT <n>", and sends every client one random fortune framed as
// a 32-bit big-endian length followed by the UTF-8 text, then
// disconnects. Each fortune sent is also printed as "SENT <text>".
//
// Usage: gjs -m fortune-server.js [--port N] [--count N] [--split]
//   --count N  exit after serving N clients (default: serve forever)
//   --split    send each frame in two writes, a moment apart, so that
//              clients must put a split frame back together

import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import Qs from 'gi://Qs?version=1.0';
import System from 'system';

const FORTUNES = [
    "You've been leading a dog's life. Stay off the furniture.",
    "You've got to think about tomorrow.",
    'You will be surprised by a loud noise.',
    'You will feel hungry again in another hour.',
    'You might have mail.',
    'You cannot kill time without injuring eternity.',
    'Computers are not intelligent. They only think they are.',
];

// {port, count, split} from the command line, or null.
function parseOptions(args) {
    const options = {port: 0, count: 0, split: false};
    for (let i = 0; i < args.length; i++) {
        if (args[i] === '--split')
            options.split = true;
        else if ((args[i] === '--port' || args[i] === '--count') && i + 1 < args.length)
            options[args[i].slice(2)] = Number.parseInt(args[++i], 10);
        else
            return null;
    }
    return options.port >= 0 && options.port <= 65535 ? options : null;
}

// A 32-bit big-endian length, then the UTF-8 text.
function frame(text) {
    const bytes = new TextEncoder().encode(text);
    const data = new Uint8Array(4 + bytes.length);
    new DataView(data.buffer).setUint32(0, bytes.length);
    data.set(bytes, 4);
    return data;
}

const options = parseOptions(System.programArgs);
if (options === null) {
    printerr('usage: gjs -m fortune-server.js [--port N] [--count N] [--split]');
    System.exit(2);
}

const loop = new GLib.MainLoop(null, false);
const clients = new Set();  // the connections being served, kept alive
let remaining = options.count > 0 ? options.count : -1;

function serve(client) {
    const fortune = FORTUNES[Math.floor(Math.random() * FORTUNES.length)];
    const data = frame(fortune);
    print(`SENT ${fortune}`);
    clients.add(client);
    client.connect('disconnected', () => {
        clients.delete(client);
        if (remaining === 0 && clients.size === 0)
            loop.quit();
    });
    if (options.split) {
        const half = data.length >> 1;
        client.write(data.subarray(0, half));
        client.flush();
        GLib.timeout_add(GLib.PRIORITY_DEFAULT, 50, () => {
            client.write(data.subarray(half));
            client.disconnect_from_host();
            return GLib.SOURCE_REMOVE;
        });
    } else {
        client.write(data);
        client.disconnect_from_host();
    }
}

const server = new Qs.TcpServer();
server.connect('new-connection', () => {
    let client;
    while ((client = server.next_pending_connection()) !== null) {
        serve(client);
        if (remaining > 0 && --remaining === 0)
            server.close();
    }
});

if (!server.listen(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), options.port)) {
    printerr(`fortune-server: ${server.error_string}`);
    System.exit(1);
}
print(`PORT ${server.get_server_port()}`);
loop.run();
