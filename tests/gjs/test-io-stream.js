// SPDX-License-Identifier: LGPL-2.1-or-later
//
// qsock through gjs: Qs.IODevice.as_gio_stream, the GIOStream view of a
// socket, used by JavaScript written for Gio. Gio.DataInputStream reads
// lines through it (asynchronously, then at the end of the stream), reads
// through the view mix with direct reads without losing or repeating a
// byte, the output stream queues on the device, the same view comes back
// on every call, and closing it closes the socket. Exits non-zero on the
// first failed check.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

imports.searchPath.unshift(GLib.path_get_dirname(imports.system.programPath));
const {check, checkCount, checkEqual, decode, encode, runUntil} = imports.helpers;

const S = Qs.SocketState;
const server = Qs.TcpServer.new();
check(server.listen(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), 0), 'listen');
const client = new Qs.TcpSocket();
client.connect_to_host('127.0.0.1', server.get_server_port(), Qs.OpenMode.READ_WRITE,
    Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
runUntil(() => server.has_pending_connections() && client.get_state() === S.CONNECTED_STATE);
const peer = server.next_pending_connection();

// One view per device; both halves pollable.
const view = peer.as_gio_stream();
check(view instanceof Gio.IOStream, 'a Gio.IOStream');
check(peer.as_gio_stream() === view, 'the same view again');
check(view.get_input_stream().can_poll(), 'input can poll');
check(view.get_output_stream().can_poll(), 'output can poll');

// Direct reads and reads through the view share one buffer.
const input = view.get_input_stream();
check(!input.is_readable(), 'nothing to read yet');
client.write(encode('0123456789'));
runUntil(() => peer.bytes_available() === 10);
checkEqual(decode(peer.read_bytes(3)), '012', 'direct read');
checkEqual(decode(input.read_bytes(4, null)), '3456', 'read through the view');
checkEqual(decode(peer.read_all()), '789', 'direct read of the rest');

// Gio.DataInputStream, line by line as the bytes come, up to the end.
const lines = Gio.DataInputStream.new(input);
const got = [];
function onLine(stream, result) {
    const [line] = stream.read_line_finish_utf8(result);
    got.push(line);
    if (line !== null)
        stream.read_line_async(GLib.PRIORITY_DEFAULT, null, onLine);
}
lines.read_line_async(GLib.PRIORITY_DEFAULT, null, onLine);
client.write(encode('one\ntw'));
runUntil(() => got.length === 1);
client.write(encode('o\nthree'));
runUntil(() => got.length === 2);
checkEqual(got, ['one', 'two'], 'two whole lines');

// Writes through the view queue on the device, in order with its own.
const output = view.get_output_stream();
checkEqual(output.write_bytes(new GLib.Bytes(encode('hello ')), null), 6, 'write through the view');
peer.write(encode('world'));
checkEqual(peer.bytes_to_write(), 11, 'one write buffer');
runUntil(() => client.bytes_available() === 11);
checkEqual(decode(client.read_all()), 'hello world', 'the peer got both in order');

// The client leaves: the last line, then the end of the stream.
client.disconnect_from_host();
runUntil(() => got.length === 4);
checkEqual(got, ['one', 'two', 'three', null], 'last line and end of stream');

// Closing the view closes the device.
check(view.close(null), 'close the view');
check(!peer.is_open(), 'the device is closed');
server.close();

print(`ok - ${checkCount()} checks`);
