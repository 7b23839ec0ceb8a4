/* fortune-client.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's fortune client, re-done with qsock in Vala: connects, reads one
 * fortune framed as a 32-bit big-endian length followed by UTF-8 text,
 * prints it and exits. The frame is read inside a transaction: when only
 * part of it has arrived, the transaction is rolled back and the client
 * waits for the next ready-read. With --tls it connects encrypted (a
 * Qs.SslSocket) and checks the server's certificate against the system's
 * trust store, or against the CA certificates of --ca-file (PEM). With
 * --proxy it connects through a SOCKS5 or HTTP CONNECT proxy given as a
 * URL, socks5://[USER:PASSWORD@]HOST:PORT or http://[USER:PASSWORD@]HOST:PORT.
 *
 * Usage: fortune-client [--tls [--ca-file FILE]] [--proxy URL] HOST PORT
 */

/* The proxy of @url, socks5://[USER:PASSWORD@]HOST:PORT or
 * http://[USER:PASSWORD@]HOST:PORT (USER and PASSWORD percent-encoded),
 * or null when it is not one. */
Qs.NetworkProxy? proxy_from_url (string url) {
    Uri uri;
    try {
        uri = Uri.parse (url, UriFlags.HAS_PASSWORD);
    } catch (UriError e) {
        return null;
    }
    Qs.NetworkProxyType type;
    if (uri.get_scheme ().ascii_down () == "socks5")
        type = Qs.NetworkProxyType.SOCKS5_PROXY;
    else if (uri.get_scheme ().ascii_down () == "http")
        type = Qs.NetworkProxyType.HTTP_PROXY;
    else
        return null;
    if (uri.get_host () == null || uri.get_host () == "" || uri.get_port () <= 0 ||
        uri.get_query () != null || uri.get_fragment () != null ||
        (uri.get_path () != "" && uri.get_path () != "/"))
        return null;
    return new Qs.NetworkProxy (type, uri.get_host (), (uint16) uri.get_port (), uri.get_user (),
                                uri.get_password ());
}

int main (string[] args) {
    var tls = false;
    string? ca_file = null;
    string? proxy_url = null;
    var first = 1;
    for (; first < args.length && args[first].has_prefix ("--"); first++) {
        if (args[first] == "--tls")
            tls = true;
        else if (args[first] == "--ca-file" && first + 1 < args.length)
            ca_file = args[++first];
        else if (args[first] == "--proxy" && first + 1 < args.length)
            proxy_url = args[++first];
        else
            first = args.length;  // a usage error
    }
    uint64 port = 0;
    if (args.length - first != 2 || !uint64.try_parse (args[first + 1], out port) ||
        port == 0 || port > 65535 || (ca_file != null && !tls)) {
        printerr ("usage: fortune-client [--tls [--ca-file FILE]] [--proxy URL] HOST PORT\n");
        return 2;
    }
    var host = args[first];
    Qs.NetworkProxy? proxy = null;
    if (proxy_url != null && (proxy = proxy_from_url (proxy_url)) == null) {
        printerr ("fortune-client: not a proxy URL (socks5:// or http://[USER:PASSWORD@]HOST:PORT): %s\n",
                  proxy_url);
        return 2;
    }

    var loop = new MainLoop ();
    var done = false;
    var failed = false;
    Qs.TcpSocket socket = tls ? new Qs.SslSocket () : new Qs.TcpSocket ();
    if (proxy != null)
        socket.set_proxy (proxy);
    if (ca_file != null) {
        try {
            // GIO wants the file's absolute path.
            var database = TlsFileDatabase.new (Filename.canonicalize (ca_file));
            ((Qs.SslSocket) socket).set_database (database);
        } catch (Error e) {
            printerr ("fortune-client: %s\n", e.message);
            return 1;
        }
    }

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
        failed = true;
        loop.quit ();
    });

    socket.disconnected.connect (() => {
        // After an error (said already), the socket disconnects too.
        if (!done && !failed) {
            printerr ("fortune-client: the server closed before sending a whole fortune\n");
            loop.quit ();
        }
    });

    Timeout.add_seconds (10, () => {
        printerr ("fortune-client: timed out\n");
        loop.quit ();
        return Source.REMOVE;
    });

    if (tls)
        ((Qs.SslSocket) socket).connect_to_host_encrypted (host, (uint16) port, null,
                                                           Qs.OpenMode.READ_WRITE,
                                                           Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
    else
        socket.connect_to_host (host, (uint16) port, Qs.OpenMode.READ_WRITE,
                                Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
    loop.run ();
    return done ? 0 : 1;
}
