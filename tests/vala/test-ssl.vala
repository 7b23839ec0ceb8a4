/* test-ssl.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qsock's TLS from Vala through qsock-1.0.vapi: a Qs.SslServer and a
 * Qs.SslSocket on the default main context, with certificates the
 * `openssl` command makes in a temporary folder (a throwaway CA and a
 * server certificate for 127.0.0.1). A good handshake in Qt's signal
 * order on both sides and a line each way; then the CA unknown to the
 * system's trust store, its error ignored inside the ssl-errors handler.
 * Skipped without openssl or a TLS backend (failed under CI=true).
 */

using QsTest;

string cert_dir;

string cert_path (string name) {
    return Path.build_filename (cert_dir, name);
}

void openssl (string[] args) {
    string[] argv = { "openssl" };
    foreach (unowned string arg in args)
        argv += arg;
    try {
        var process = new Subprocess.newv (argv, SubprocessFlags.STDOUT_SILENCE | SubprocessFlags.STDERR_SILENCE);
        assert_true (process.wait_check ());
    } catch (Error e) {
        error ("openssl %s: %s", args[0], e.message);
    }
}

void make_certificates () {
    try {
        cert_dir = DirUtils.make_tmp ("qsock-vala-ssl-XXXXXX");
        openssl ({ "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-keyout", cert_path ("ca.key"), "-out", cert_path ("ca.pem"),
                   "-days", "2", "-subj", "/CN=qsock test CA" });
        openssl ({ "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                   "-nodes", "-keyout", cert_path ("server.key"), "-out", cert_path ("server.csr"),
                   "-subj", "/CN=localhost" });
        FileUtils.set_contents (cert_path ("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl ({ "x509", "-req", "-in", cert_path ("server.csr"), "-CA", cert_path ("ca.pem"),
                   "-CAkey", cert_path ("ca.key"), "-set_serial", "1", "-days", "2",
                   "-extfile", cert_path ("server.ext"), "-out", cert_path ("server.pem") });
    } catch (Error e) {
        error ("certificates: %s", e.message);
    }
}

void remove_certificates () {
    foreach (unowned string name in new string[] { "ca.key", "ca.pem", "server.key", "server.csr",
                                                    "server.ext", "server.pem" })
        FileUtils.unlink (cert_path (name));
    DirUtils.remove (cert_dir);
}

/* A QsSslServer on 127.0.0.1, port 0, with the server certificate. */
Qs.SslServer ssl_server () {
    var server = new Qs.SslServer ();
    try {
        server.set_local_certificate (new TlsCertificate.from_files (cert_path ("server.pem"),
                                                                     cert_path ("server.key")));
    } catch (Error e) {
        error ("server certificate: %s", e.message);
    }
    assert_true (server.listen (new InetAddress.loopback (SocketFamily.IPV4), 0));
    return server;
}

/* The TLS signals of a client, after those of Trace. */
void trace_tls (Qs.SslSocket socket, StringBuilder log) {
    socket.mode_changed.connect ((mode) =>
        log.append ("mode-changed(%s) ".printf (nick (typeof (Qs.SslMode), mode))));
    socket.peer_verify_error.connect ((error) => log.append (@"peer-verify-error($error) "));
    socket.ssl_errors.connect ((errors) => log.append (@"ssl-errors($errors) "));
    socket.encrypted.connect (() => log.append ("encrypted "));
}

/* A line read with read_line_bytes, as a string. */
string line_of (Qs.IODevice device) {
    var data = device.read_line_bytes ().get_data ();
    var line = new StringBuilder ();
    line.append_len ((string) data, data.length);
    return line.str;
}

void connect_encrypted (Qs.SslSocket socket, uint16 port) {
    socket.connect_to_host_encrypted ("127.0.0.1", port, null, Qs.OpenMode.READ_WRITE,
                                      Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
}

void test_exchange () {
    var server = ssl_server ();
    var server_log = new StringBuilder ();
    Qs.SslSocket? peer = null;
    server.started_encryption_handshake.connect ((socket) =>
        server_log.append ("started-encryption-handshake(%s) ".printf (
            nick (typeof (Qs.SslMode), socket.get_mode ()))));
    server.new_connection.connect ((s) => {
        peer = s.next_pending_connection () as Qs.SslSocket;
        server_log.append (@"new-connection(encrypted=$(peer.is_encrypted ())) ");
    });

    var client = new Qs.SslSocket ();
    try {
        client.set_database (TlsFileDatabase.new (cert_path ("ca.pem")));
    } catch (Error e) {
        error ("CA file: %s", e.message);
    }
    var trace = new Trace (client);
    var log = new StringBuilder ();
    trace_tls (client, log);
    connect_encrypted (client, server.get_server_port ());
    run_until (() => client.is_encrypted () && peer != null);
    assert_cmpstr (trace.since (0), CompareOperator.EQ,
                   "state-changed(host-lookup-state) state-changed(connecting-state) host-found " +
                   "state-changed(connected-state) connected");
    assert_cmpstr (log.str, CompareOperator.EQ, "mode-changed(ssl-client-mode) encrypted ");
    assert_cmpstr (server_log.str, CompareOperator.EQ,
                   "started-encryption-handshake(ssl-server-mode) new-connection(encrypted=true) ");
    assert_true (peer.get_mode () == Qs.SslMode.SSL_SERVER_MODE);
    assert_true (client.get_ssl_handshake_errors () == 0);
    assert_nonnull (client.get_peer_certificate ());
    assert_nonnull (client.get_session_cipher ());

    assert_cmpint ((int) client.write ("ping\n".data), CompareOperator.EQ, 5);
    run_until (() => peer.can_read_line ());
    assert_cmpstr (line_of (peer), CompareOperator.EQ, "ping\n");
    assert_cmpint ((int) peer.write ("pong\n".data), CompareOperator.EQ, 5);
    run_until (() => client.can_read_line ());
    assert_cmpstr (line_of (client), CompareOperator.EQ, "pong\n");

    client.disconnect_from_host ();
    run_until (() => peer.get_state () == Qs.SocketState.UNCONNECTED_STATE);
    assert_true (peer.get_error () == Qs.SocketError.REMOTE_HOST_CLOSED_ERROR);
}

void test_ignore_in_handler () {
    var server = ssl_server ();
    Qs.SslSocket? peer = null;
    server.new_connection.connect ((s) => peer = s.next_pending_connection () as Qs.SslSocket);

    // No database: the system's trust store does not know the CA.
    var client = new Qs.SslSocket ();
    var log = new StringBuilder ();
    trace_tls (client, log);
    client.ssl_errors.connect (() => client.ignore_ssl_errors ());
    connect_encrypted (client, server.get_server_port ());
    run_until (() => client.is_encrypted () && peer != null);
    assert_cmpstr (log.str, CompareOperator.EQ,
                   "mode-changed(ssl-client-mode) peer-verify-error(G_TLS_CERTIFICATE_UNKNOWN_CA) " +
                   "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA) encrypted ");
    assert_true (client.get_ssl_handshake_errors () == TlsCertificateFlags.UNKNOWN_CA);
    assert_true (client.get_error () == Qs.SocketError.UNKNOWN_SOCKET_ERROR);

    assert_cmpint ((int) client.write ("ping\n".data), CompareOperator.EQ, 5);
    run_until (() => peer.can_read_line ());
    assert_cmpstr (line_of (peer), CompareOperator.EQ, "ping\n");
}

int main (string[] args) {
    Test.init (ref args);
    if (Environment.find_program_in_path ("openssl") == null || !Qs.SslSocket.supports_ssl ()) {
        if (Environment.get_variable ("CI") == "true")
            error ("openssl or glib-networking is missing, and CI=true");
        print ("1..0 # SKIP openssl or glib-networking is missing\n");
        return 0;
    }
    make_certificates ();
    Test.add_func ("/vala/ssl/exchange", test_exchange);
    Test.add_func ("/vala/ssl/ignore-in-handler", test_ignore_in_handler);
    var result = Test.run ();
    remove_certificates ();
    return result;
}
