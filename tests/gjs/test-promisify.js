// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Runs bindings/gjs/example-promisify.js, the code bindings/gjs/README.md
// shows: qsock's _async/_finish calls as promises (Gio._promisify) with
// async/await on the default GLib main loop. Checks what it returns
// exactly, then a promisified call's rejection on a closed device. Exits
// non-zero on the first failed check, or after a deadline.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

const here = GLib.path_get_dirname(imports.system.programPath);
imports.searchPath.unshift(here);
const {TIMEOUT_MS, check, checkCount, checkEqual, runUntil} = imports.helpers;

// A hang fails the test instead of blocking it.
GLib.timeout_add(GLib.PRIORITY_DEFAULT, 4 * TIMEOUT_MS, () => {
    printerr('not ok - deadline passed');
    imports.system.exit(1);
});

const examplePath = GLib.build_filenamev([here, '..', '..', 'bindings', 'gjs', 'example-promisify.js']);
let example, importError;
import(GLib.filename_to_uri(examplePath, null))
    .then(module => {
        example = module;
    })
    .catch(e => {
        importError = e;
    });
runUntil(() => example !== undefined || importError !== undefined);
if (importError)
    throw importError;

// The example's main(): its own GLib.MainLoop runs until every promise
// settled.
checkEqual(example.main(), [
    {written: 15, answer: 'HELLO FROM GJS\n'},
    'refused: Connection refused',
    'cancelled',
], 'what main() returns');

// The example promisified the prototypes: every socket has the promise
// twins. A read on a socket that is not open rejects with CLOSED.
const socket = new Qs.TcpSocket();
let rejection;
socket.read_async(1, GLib.PRIORITY_DEFAULT, null).then(
    () => {
        rejection = 'resolved';
    },
    e => {
        rejection = e;
    });
check(rejection === undefined, 'never settled before read_async returns');
runUntil(() => rejection !== undefined);
check(rejection instanceof GLib.Error, 'rejects with a GLib.Error');
check(rejection.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CLOSED), 'G_IO_ERROR_CLOSED');
checkEqual(rejection.message, 'Device not open for reading', 'its message');

// A second read while one is pending rejects with PENDING; the first one
// still resolves.
const server = example.startServer();
const client = new Qs.TcpSocket();
let connected = false;
client.connect_to_host_async('127.0.0.1', server.get_server_port(), Qs.OpenMode.READ_WRITE,
    Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL, null).then(() => {
    connected = true;
});
runUntil(() => connected);
const outcomes = [];
client.read_async(0, GLib.PRIORITY_DEFAULT, null).then(
    bytes => outcomes.push(`first: ${new TextDecoder().decode(bytes.toArray())}`));
client.read_async(0, GLib.PRIORITY_DEFAULT, null).catch(
    e => outcomes.push(`second: ${e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.PENDING)}`));
client.write(new TextEncoder().encode('two reads\n'));
runUntil(() => outcomes.length === 2);
checkEqual(outcomes, ['second: true', 'first: TWO READS\n'], 'pending, then the first read');
server.close();

print(`ok - ${checkCount()} checks`);
