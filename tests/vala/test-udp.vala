/* test-udp.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qsock from Vala through qsock-1.0.vapi: two Qs.UdpSocket bound on
 * 127.0.0.1 exchange datagrams as uint8[] (write_datagram, read_datagram
 * with its sender, a truncating read), then a connected socket writes and
 * reads with the Qs.IODevice calls; the signals, connected as Vala
 * signals, in Qt's order.
 */

using QsTest;

InetAddress loopback () {
    return new InetAddress.loopback (SocketFamily.IPV4);
}

/* A socket bound to 127.0.0.1, port 0, and its trace. */
Qs.UdpSocket bound_socket (out Trace trace) {
    var socket = new Qs.UdpSocket ();
    trace = new Trace (socket);
    assert_true (socket.bind (loopback (), 0, Qs.BindFlags.DEFAULT_FOR_PLATFORM));
    assert_cmpstr (trace.since (0), CompareOperator.EQ, "state-changed(bound-state)");
    assert_cmpuint (socket.get_local_port (), CompareOperator.GT, 0);
    return socket;
}

void test_datagrams () {
    Trace sender_trace, receiver_trace;
    var sender = bound_socket (out sender_trace);
    var receiver = bound_socket (out receiver_trace);
    var port = receiver.get_local_port ();
    assert_false (receiver.has_pending_datagrams ());

    // bytes-written comes before write_datagram returns.
    assert_cmpint ((int) sender.write_datagram ("hello".data, loopback (), port), CompareOperator.EQ, 5);
    assert_cmpstr (sender_trace.since (1), CompareOperator.EQ, "bytes-written(5)");
    run_until (() => receiver_trace.count ("ready-read") == 1);
    assert_cmpint ((int) receiver.pending_datagram_size (), CompareOperator.EQ, 5);

    // read_datagram fills a uint8[] and says who sent it.
    var buffer = new uint8[16];
    InetAddress? from;
    uint16 from_port;
    assert_cmpint ((int) receiver.read_datagram (buffer, out from, out from_port), CompareOperator.EQ, 5);
    assert_cmpmem (buffer[0:5], "hello".data);
    assert_cmpstr (from.to_string (), CompareOperator.EQ, "127.0.0.1");
    assert_cmpuint (from_port, CompareOperator.EQ, sender.get_local_port ());
    assert_false (receiver.has_pending_datagrams ());

    // A buffer shorter than the datagram: the rest is lost.
    assert_cmpint ((int) sender.write_datagram ("truncated".data, loopback (), port), CompareOperator.EQ, 9);
    run_until (() => receiver_trace.count ("ready-read") == 2);
    var short_buffer = new uint8[5];
    assert_cmpint ((int) receiver.read_datagram (short_buffer, out from, out from_port),
                   CompareOperator.EQ, 5);
    assert_cmpmem (short_buffer, "trunc".data);
    assert_false (receiver.has_pending_datagrams ());

    // None pending: -1 and a temporary error, as Qt.
    assert_cmpint ((int) receiver.read_datagram (buffer, out from, out from_port), CompareOperator.EQ, -1);
    assert_cmpstr (receiver_trace.since (0), CompareOperator.EQ,
                   "state-changed(bound-state) ready-read ready-read error-occurred(temporary-error)");
    sender.close ();
    receiver.close ();
}

void test_connected () {
    Trace peer_trace;
    var peer = bound_socket (out peer_trace);
    var socket = new Qs.UdpSocket ();
    var trace = new Trace (socket);

    // A literal address: connected before the call returns, as Qt.
    socket.connect_to_address (loopback (), peer.get_local_port (), Qs.OpenMode.READ_WRITE);
    assert_cmpstr (trace.since (0), CompareOperator.EQ,
                   "state-changed(host-lookup-state) state-changed(connecting-state) host-found " +
                   "state-changed(connected-state) connected");

    // Each write is one datagram.
    assert_cmpint ((int) socket.write ("abc".data), CompareOperator.EQ, 3);
    assert_cmpstr (trace.since (5), CompareOperator.EQ, "bytes-written(3)");
    run_until (() => peer_trace.count ("ready-read") == 1);
    var buffer = new uint8[16];
    InetAddress? from;
    uint16 from_port;
    assert_cmpint ((int) peer.read_datagram (buffer, out from, out from_port), CompareOperator.EQ, 3);
    assert_cmpmem (buffer[0:3], "abc".data);
    assert_cmpuint (from_port, CompareOperator.EQ, socket.get_local_port ());

    // read reads one datagram.
    assert_cmpint ((int) peer.write_datagram ("reply".data, loopback (), socket.get_local_port ()),
                   CompareOperator.EQ, 5);
    run_until (() => trace.count ("ready-read") == 1);
    assert_cmpint ((int) socket.bytes_available (), CompareOperator.EQ, 5);
    assert_cmpint ((int) socket.read (buffer), CompareOperator.EQ, 5);
    assert_cmpmem (buffer[0:5], "reply".data);
    assert_cmpint ((int) socket.bytes_available (), CompareOperator.EQ, 0);
    assert_cmpstr (trace.since (6), CompareOperator.EQ, "ready-read");
    socket.close ();
    peer.close ();
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/udp/datagrams", test_datagrams);
    Test.add_func ("/vala/udp/connected", test_connected);
    return Test.run ();
}
