/* test-io-stream.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qsock from Vala through qsock-1.0.vapi: Qs.IODevice.as_gio_stream, the
 * GLib.IOStream view of a socket, used by Vala code written for GIO: the
 * same view on every call, a DataInputStream reading lines (async, then
 * blocking), a write through the view in order with the device's own,
 * and closing the view closes the socket.
 */

using QsTest;

class Pair {
    public Qs.TcpServer server = new Qs.TcpServer ();
    public Qs.TcpSocket client = new Qs.TcpSocket ();
    public Qs.TcpSocket peer;

    public Pair () {
        assert_true (server.listen (new InetAddress.loopback (SocketFamily.IPV4), 0));
        client.connect_to_host ("127.0.0.1", server.get_server_port (), Qs.OpenMode.READ_WRITE,
                                Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
        run_until (() => server.has_pending_connections () &&
                   client.get_state () == Qs.SocketState.CONNECTED_STATE);
        peer = server.next_pending_connection ();
    }
}

void test_view_lines () {
    var pair = new Pair ();
    var view = pair.peer.as_gio_stream ();
    assert_true (pair.peer.as_gio_stream () == view);
    assert_true (((PollableInputStream) view.input_stream).can_poll ());

    var lines = new DataInputStream (view.input_stream);
    string[] got = {};
    var done = false;
    lines.read_line_async.begin (Priority.DEFAULT, null, (obj, res) => {
        try {
            got += lines.read_line_async.end (res);
        } catch (Error e) {
            error ("read_line_async: %s", e.message);
        }
        done = true;
    });
    pair.client.write ("first li".data);
    pair.client.write ("ne\nsecond line\n".data);
    run_until (() => done);
    assert_cmpstr (got[0], CompareOperator.EQ, "first line");

    // The next line came with the first: the blocking read finds it.
    try {
        assert_cmpstr (lines.read_line (), CompareOperator.EQ, "second line");
    } catch (Error e) {
        error ("read_line: %s", e.message);
    }
}

void test_view_write_and_close () {
    var pair = new Pair ();
    var view = pair.peer.as_gio_stream ();
    try {
        size_t written;
        assert_true (view.output_stream.write_all ("through the view, ".data, out written));
        assert_cmpuint ((uint) written, CompareOperator.EQ, 18);
        pair.peer.write ("then directly".data);
        run_until (() => pair.client.bytes_available () == 31);
        assert_cmpstr ((string) pair.client.read_all ().get_data (), CompareOperator.EQ,
                       "through the view, then directly");
        assert_true (view.close ());
    } catch (Error e) {
        error ("view: %s", e.message);
    }
    assert_false (pair.peer.is_open ());
    run_until (() => pair.client.get_state () == Qs.SocketState.UNCONNECTED_STATE);
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/io-stream/lines", test_view_lines);
    Test.add_func ("/vala/io-stream/write-and-close", test_view_write_and_close);
    return Test.run ();
}
