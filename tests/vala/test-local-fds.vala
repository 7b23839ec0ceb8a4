/* test-local-fds.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qsock's local-socket extras from Vala through qsock-1.0.vapi: a file's
 * descriptor passed with a byte (send_fds with a GLib.UnixFDList),
 * handed over once that byte was read (receive_fds), and the peer's
 * credentials. A Qs.LocalServer and a Qs.LocalSocket in one process.
 */

using QsTest;

void test_fds_and_credentials () {
    try {
        var tmpdir = DirUtils.make_tmp ("qsock-vala-fds-XXXXXX");
        var path = Path.build_filename (tmpdir, "srv");
        var file_path = Path.build_filename (tmpdir, "file");
        var server = new Qs.LocalServer ();
        assert_true (server.listen (path));
        var client = new Qs.LocalSocket ();
        client.connect_to_server (path, Qs.OpenMode.READ_WRITE);
        run_until (() => server.has_pending_connections ());
        var peer = server.next_pending_connection ();

        var credentials = peer.get_peer_credentials ();
        assert_cmpint (credentials.get_unix_pid (), CompareOperator.EQ, Posix.getpid ());

        FileUtils.set_contents (file_path, "vala text");
        var list = new UnixFDList ();
        var fd = Posix.open (file_path, Posix.O_RDONLY);
        list.append (fd);
        Posix.close (fd);
        assert_cmpint ((int) client.write ("head".data), CompareOperator.EQ, 4);
        assert_cmpint ((int) client.send_fds (list, "F".data), CompareOperator.EQ, 1);
        run_until (() => peer.bytes_available () == 5);
        var buffer = new uint8[4];
        assert_cmpint ((int) peer.read (buffer), CompareOperator.EQ, 4);
        assert_null (peer.receive_fds ());
        var byte = new uint8[1];
        assert_cmpint ((int) peer.read (byte), CompareOperator.EQ, 1);
        var received = peer.receive_fds ();
        assert_nonnull (received);
        assert_cmpint (received.get_length (), CompareOperator.EQ, 1);
        var passed = received.get (0);
        var text = new uint8[32];
        var n = Posix.read (passed, text, text.length);
        Posix.close (passed);
        assert_cmpint ((int) n, CompareOperator.EQ, 9);
        assert_cmpmem (text[0:9], "vala text".data);

        client.abort ();
        peer.abort ();
        server.close ();
        FileUtils.unlink (file_path);
        DirUtils.remove (tmpdir);
    } catch (Error e) {
        error ("%s", e.message);
    }
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/local-fds", test_fds_and_credentials);
    return Test.run ();
}
