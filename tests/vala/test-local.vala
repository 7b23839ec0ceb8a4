/* test-local.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qsock from Vala through qsock-1.0.vapi: a Qs.LocalServer and a
 * Qs.LocalSocket on the default main context exchange bytes as uint8[]
 * over a Unix socket in a temporary directory, with the signals,
 * connected as Vala signals, in Qt's order; then a server that is not
 * there. The server leaves the directory empty.
 */

using QsTest;

string tmpdir;

void test_exchange () {
    var path = Path.build_filename (tmpdir, "exchange");
    var server = new Qs.LocalServer ();
    assert_true (server.listen (path));
    assert_true (FileUtils.test (path, FileTest.EXISTS));
    Qs.LocalSocket? peer = null;
    server.new_connection.connect ((s) => peer = s.next_pending_connection ());

    // connect_to_server is synchronous: every signal before it returns.
    var client = new Qs.LocalSocket ();
    var trace = new Trace (client);
    client.connect_to_server (path, Qs.OpenMode.READ_WRITE);
    assert_cmpstr (trace.since (0), CompareOperator.EQ,
                   "state-changed(connecting-state) state-changed(connected-state) connected");
    assert_cmpstr (client.full_server_name, CompareOperator.EQ, path);
    run_until (() => peer != null);
    assert_cmpint (peer.get_state (), CompareOperator.EQ, Qs.LocalSocketState.CONNECTED_STATE);

    // Two writes, one flush: one bytes-written for all eight bytes.
    assert_cmpint ((int) client.write ("ping".data), CompareOperator.EQ, 4);
    assert_cmpint ((int) client.write ("pong".data), CompareOperator.EQ, 4);
    run_until (() => peer.bytes_available () == 8);
    assert_cmpstr (trace.since (3), CompareOperator.EQ, "bytes-written(8)");
    var buffer = new uint8[16];
    assert_cmpint ((int) peer.read (buffer), CompareOperator.EQ, 8);
    assert_cmpmem (buffer[0:8], "pingpong".data);

    // The server answers and closes: Qt's local close order on both ends.
    var peer_trace = new Trace (peer);
    assert_cmpint ((int) peer.write ("bye".data), CompareOperator.EQ, 3);
    peer.disconnect_from_server ();
    assert_cmpstr (peer_trace.since (0), CompareOperator.EQ, "state-changed(closing-state)");
    run_until (() => client.get_state () == Qs.LocalSocketState.UNCONNECTED_STATE &&
                     peer.get_state () == Qs.LocalSocketState.UNCONNECTED_STATE);
    assert_cmpstr (peer_trace.since (0), CompareOperator.EQ,
                   "state-changed(closing-state) bytes-written(3) " +
                   "state-changed(unconnected-state) read-channel-finished disconnected");
    assert_cmpstr (trace.since (4), CompareOperator.EQ,
                   "ready-read error-occurred(peer-closed-error) state-changed(closing-state) " +
                   "state-changed(unconnected-state) read-channel-finished disconnected");
    assert_cmpstr (client.error_string, CompareOperator.EQ, "QLocalSocket: Remote closed");
    assert_cmpint ((int) client.read (buffer), CompareOperator.EQ, 3);
    assert_cmpmem (buffer[0:3], "bye".data);

    server.close ();
    assert_false (FileUtils.test (path, FileTest.EXISTS));
}

void test_server_not_found () {
    var client = new Qs.LocalSocket ();
    var trace = new Trace (client);
    client.connect_to_server (Path.build_filename (tmpdir, "missing"), Qs.OpenMode.READ_WRITE);
    assert_cmpstr (trace.since (0), CompareOperator.EQ,
                   "state-changed(connecting-state) error-occurred(server-not-found-error) " +
                   "state-changed(unconnected-state)");
    assert_cmpint (client.error, CompareOperator.EQ, Qs.LocalSocketError.SERVER_NOT_FOUND_ERROR);
    assert_false (client.is_open ());
}

int main (string[] args) {
    Test.init (ref args);
    try {
        tmpdir = DirUtils.make_tmp ("qsock-vala-local-XXXXXX");
    } catch (FileError e) {
        error ("no temporary directory: %s", e.message);
    }
    Test.add_func ("/vala/local/exchange", test_exchange);
    Test.add_func ("/vala/local/server-not-found", test_server_not_found);
    var status = Test.run ();
    // Every test leaves the directory empty; rmdir fails otherwise.
    assert_cmpint (DirUtils.remove (tmpdir), CompareOperator.EQ, 0);
    return status;
}
