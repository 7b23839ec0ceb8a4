/* test-tcp.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qsock from Vala through qsock-1.0.vapi: a Qs.TcpServer and a
 * Qs.TcpSocket on the default main context exchange bytes as uint8[]
 * (write, peek, read_line, read, get_char), with the signals, connected
 * as Vala signals, in Qt's order; then a refused connection.
 */

using QsTest;

/* Listens on 127.0.0.1, port 0. */
Qs.TcpServer listening_server () {
    var server = new Qs.TcpServer ();
    assert_true (server.listen (new InetAddress.loopback (SocketFamily.IPV4), 0));
    assert_cmpuint (server.get_server_port (), CompareOperator.GT, 0);
    return server;
}

void connect_to (Qs.TcpSocket socket, uint16 port) {
    socket.connect_to_host ("127.0.0.1", port, Qs.OpenMode.READ_WRITE,
                            Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
}

void test_exchange () {
    var server = listening_server ();
    Qs.TcpSocket? peer = null;
    var new_connections = 0;
    server.new_connection.connect ((s) => {
        new_connections++;
        peer = s.next_pending_connection ();
    });

    // A literal address: host lookup, connecting and host-found before
    // connect_to_host returns, connected from the main loop.
    var client = new Qs.TcpSocket ();
    var trace = new Trace (client);
    connect_to (client, server.get_server_port ());
    assert_cmpstr (trace.since (0), CompareOperator.EQ,
                   "state-changed(host-lookup-state) state-changed(connecting-state) host-found");
    run_until (() => peer != null && client.get_state () == Qs.SocketState.CONNECTED_STATE);
    assert_cmpstr (trace.since (3), CompareOperator.EQ, "state-changed(connected-state) connected");
    assert_cmpint (new_connections, CompareOperator.EQ, 1);
    assert_cmpuint (peer.get_peer_port (), CompareOperator.EQ, client.get_local_port ());

    // Two writes, one flush: one bytes-written for all nine bytes.
    assert_cmpint ((int) client.write ("ping\n".data), CompareOperator.EQ, 5);
    assert_cmpint ((int) client.write ("tail".data), CompareOperator.EQ, 4);
    run_until (() => peer.bytes_available () == 9);
    assert_cmpstr (trace.since (5), CompareOperator.EQ, "bytes-written(9)");

    // uint8[] buffers in, filled up to their length.
    var head = new uint8[4];
    assert_cmpint ((int) peer.peek (head), CompareOperator.EQ, 4);
    assert_cmpmem (head, "ping".data);
    var line = new uint8[16];
    assert_cmpint ((int) peer.read_line (line), CompareOperator.EQ, 5);
    assert_cmpmem (line[0:5], "ping\n".data);
    assert_cmpuint (line[5], CompareOperator.EQ, 0);
    var two = new uint8[2];
    assert_cmpint ((int) peer.read (two), CompareOperator.EQ, 2);
    assert_cmpmem (two, "ta".data);
    var rest = new uint8[16];
    assert_cmpint ((int) peer.read (rest), CompareOperator.EQ, 2);
    assert_cmpmem (rest[0:2], "il".data);
    assert_cmpint ((int) peer.read (rest), CompareOperator.EQ, 0);

    char c;
    assert_cmpint ((int) client.write ("!".data), CompareOperator.EQ, 1);
    run_until (() => peer.bytes_available () == 1);
    assert_true (peer.get_char (out c));
    assert_cmpint (c, CompareOperator.EQ, '!');
    assert_cmpstr (trace.since (6), CompareOperator.EQ, "bytes-written(1)");

    // The server answers and closes: its bytes go out before Unconnected,
    // and the client sees Qt's remote-close order.
    var peer_trace = new Trace (peer);
    assert_cmpint ((int) peer.write ("bye".data), CompareOperator.EQ, 3);
    peer.disconnect_from_host ();
    assert_cmpstr (peer_trace.since (0), CompareOperator.EQ, "state-changed(closing-state)");
    run_until (() => client.get_state () == Qs.SocketState.UNCONNECTED_STATE &&
                     peer.get_state () == Qs.SocketState.UNCONNECTED_STATE);
    assert_cmpstr (peer_trace.since (0), CompareOperator.EQ,
                   "state-changed(closing-state) bytes-written(3) " +
                   "state-changed(unconnected-state) read-channel-finished disconnected");
    assert_cmpstr (trace.since (7), CompareOperator.EQ,
                   "ready-read error-occurred(remote-host-closed-error) " +
                   "state-changed(closing-state) state-changed(unconnected-state) " +
                   "read-channel-finished disconnected");
    assert_cmpint (client.get_error (), CompareOperator.EQ, Qs.SocketError.REMOTE_HOST_CLOSED_ERROR);
    assert_cmpint ((int) client.read (rest), CompareOperator.EQ, 3);
    assert_cmpmem (rest[0:3], "bye".data);
    server.close ();
}

void test_refused () {
    var server = listening_server ();
    var port = server.get_server_port ();
    server.close ();

    var client = new Qs.TcpSocket ();
    var trace = new Trace (client);
    connect_to (client, port);
    run_until (() => client.get_state () == Qs.SocketState.UNCONNECTED_STATE);
    assert_cmpstr (trace.since (0), CompareOperator.EQ,
                   "state-changed(host-lookup-state) state-changed(connecting-state) host-found " +
                   "state-changed(unconnected-state) error-occurred(connection-refused-error)");
    assert_cmpint (client.error, CompareOperator.EQ, Qs.SocketError.CONNECTION_REFUSED_ERROR);
    assert_cmpstr (client.error_string, CompareOperator.EQ, "Connection refused");
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/tcp/exchange", test_exchange);
    Test.add_func ("/vala/tcp/refused", test_refused);
    return Test.run ();
}
