/* fortune-client.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's fortune client, re-done with qsock in Vala: connects, reads one
 * fortune framed as a 32-bit big-endian length followed by UTF-8 text,
 * prints it and exits. The frame is read inside a transaction: when only
 * part of it has arrived, the transaction is rolled back and the client
 * waits for the next ready-read.
 *
 * Usage: fortune-client HOST PORT
 */

int main (string[] args) {
    uint64 port = 0;
    if (args.length != 3 || !uint64.try_parse (args[2], out port) || port == 0 || port > 65535) {
        printerr ("usage: fortune-client HOST PORT\n");
        return 2;
    }

    var loop = new MainLoop ();
    var done = false;
    var socket = new Qs.TcpSocket ();

    socket.ready_read.connect (() => {
        if (done)
            return;
        socket.start_transaction ();
        var header = new uint8[4];
        if (socket.read (header) != header.length) {
            socket.rollback_transaction ();
            return;
        }
        var length = (uint32) header[0] << 24 | (uint32) header[1] << 16 |
                     (uint32) header[2] << 8 | (uint32) header[3];
        var text = new uint8[length + 1];  // and a NUL to end the string
        if (socket.read (text[0:length]) != length) {
            socket.rollback_transaction ();
            return;
        }
        socket.commit_transaction ();
        print ("%s\n", (string) text);
        done = true;
        loop.quit ();
    });

    socket.error_occurred.connect ((error) => {
        // The server closes right after the fortune; that is the normal end.
        if (done || error == Qs.SocketError.REMOTE_HOST_CLOSED_ERROR)
            return;
        printerr ("fortune-client: %s\n", socket.error_string);
        loop.quit ();
    });

    socket.disconnected.connect (() => {
        if (!done) {
            printerr ("fortune-client: the server closed before sending a whole fortune\n");
            loop.quit ();
        }
    });

    Timeout.add_seconds (10, () => {
        printerr ("fortune-client: timed out\n");
        loop.quit ();
        return Source.REMOVE;
    });

    socket.connect_to_host (args[1], (uint16) port, Qs.OpenMode.READ_WRITE,
                            Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
    loop.run ();
    return done ? 0 : 1;
}
