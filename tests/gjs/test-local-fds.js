// SPDX-License-Identifier: LGPL-2.1-or-later
//
// qsock's local-socket extras through gjs: a descriptor passed with the
// byte stream (Qs.LocalSocket.send_fds / receive_fds with a
// Gio.UnixFDList), handed over once its byte was read, and the peer's
// credentials (get_peer_credentials). A Qs.LocalServer and a
// Qs.LocalSocket in one process, the socket file in a temporary
// directory removed at the end. Exits non-zero on the first failed check.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

imports.searchPath.unshift(GLib.path_get_dirname(imports.system.programPath));
const {check, checkEqual, decode, encode, runUntil} = imports.helpers;

const dir = GLib.dir_make_tmp('qsock-gjs-fds-XXXXXX');
const path = GLib.build_filenamev([dir, 'srv']);
const server = new Qs.LocalServer();
check(server.listen(path), 'listen');
const client = new Qs.LocalSocket();
client.connect_to_server(path, Qs.OpenMode.READ_WRITE);
runUntil(() => server.has_pending_connections());
const accepted = server.next_pending_connection();

// Credentials: both ends are this process.
const credentials = accepted.get_peer_credentials();
checkEqual(credentials.get_unix_pid(), client.get_peer_credentials().get_unix_pid(), 'same pid');
let notConnected = false;
try {
    new Qs.LocalSocket().get_peer_credentials();
} catch (e) {
    notConnected = e.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_CONNECTED);
}
check(notConnected, 'credentials of an unconnected socket: NOT_CONNECTED');

// A file's descriptor rides the byte 'F', after 'head'.
const filePath = GLib.build_filenamev([dir, 'file']);
GLib.file_set_contents(filePath, 'text in the file');
const fileStream = Gio.File.new_for_path(filePath).read(null);
const list = new Gio.UnixFDList();
list.append(fileStream.get_fd());
fileStream.close(null);
client.write(encode('head'));
checkEqual(client.send_fds(list, encode('F')), 1, 'send_fds');
runUntil(() => accepted.bytes_available() === 5);
checkEqual(decode(accepted.read_bytes(4)), 'head', 'bytes before');
checkEqual(accepted.receive_fds(), null, 'nothing before its byte');
checkEqual(decode(accepted.read_bytes(1)), 'F', 'the carrying byte');
const received = accepted.receive_fds();
checkEqual(received.get_length(), 1, 'one descriptor');
const stream = Gio.UnixInputStream.new(received.get(0), true);
checkEqual(decode(stream.read_bytes(100, null)), 'text in the file', 'read through it');
stream.close(null);
checkEqual(accepted.receive_fds(), null, 'taken once');

client.abort();
accepted.abort();
server.close();
GLib.unlink(filePath);
GLib.rmdir(dir);
print(`ok - ${imports.helpers.checkCount()} checks`);
