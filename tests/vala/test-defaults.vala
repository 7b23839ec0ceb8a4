/* test-defaults.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Qt's default arguments in qsock-1.0.vapi (Qs-1.0.metadata): each call
 * that has defaults in Qt is made with the fewest arguments Qt allows,
 * and the test checks what the defaults did (open mode, bound address,
 * state, the wait's time-out, the datagram's fields). The async calls
 * are made without io_priority and cancellable.
 */

using QsTest;

InetAddress loopback () {
    return new InetAddress.loopback (SocketFamily.IPV4);
}

string address_text (InetAddress? address) {
    return address == null ? "(null)" : address.to_string ();
}

/* A client connected to server by connect_to_host's defaults, and the
 * server's socket for it. */
Qs.TcpSocket connected_pair (Qs.TcpServer server, out Qs.TcpSocket peer) {
    var client = new Qs.TcpSocket ();
    client.connect_to_host ("127.0.0.1", server.get_server_port ());
    assert_cmpint (client.get_open_mode (), CompareOperator.EQ, Qs.OpenMode.READ_WRITE);
    assert_true (client.wait_for_connected ());
    assert_true (server.wait_for_new_connection (5000));
    peer = server.next_pending_connection ();
    return client;
}

void test_tcp () {
    var server = new Qs.TcpServer ();
    assert_true (server.listen ());
    assert_cmpstr (address_text (server.get_server_address ()), CompareOperator.EQ, "0.0.0.0");
    assert_cmpuint (server.get_server_port (), CompareOperator.GT, 0);
    // msecs 0: returns at once, timed out.
    bool timed_out;
    assert_false (server.wait_for_new_connection ());
    assert_false (server.wait_for_new_connection (0, out timed_out));
    assert_true (timed_out);

    Qs.TcpSocket peer;
    var client = connected_pair (server, out peer);
    assert_cmpstr (client.get_peer_name (), CompareOperator.EQ, "127.0.0.1");
    assert_cmpint ((int) client.write ("ping\nrest".data), CompareOperator.EQ, 9);
    assert_true (client.wait_for_bytes_written ());
    assert_true (peer.wait_for_ready_read ());
    run_until (() => peer.bytes_available () == 9);
    assert_cmpmem (peer.read_line_bytes ().get_data (), "ping\n".data);
    peer.disconnect_from_host ();
    assert_true (client.wait_for_disconnected ());
    assert_cmpint (client.get_state (), CompareOperator.EQ, Qs.SocketState.UNCONNECTED_STATE);

    var by_address = new Qs.TcpSocket ();
    by_address.connect_to_address (loopback (), server.get_server_port ());
    assert_cmpint (by_address.get_open_mode (), CompareOperator.EQ, Qs.OpenMode.READ_WRITE);
    assert_true (by_address.wait_for_connected ());
    by_address.abort ();

    var from_fd = new Qs.TcpSocket ();
    Socket plain;
    try {
        plain = new Socket (SocketFamily.IPV4, SocketType.STREAM, SocketProtocol.TCP);
        assert_true (plain.connect (new InetSocketAddress (loopback (), server.get_server_port ())));
    } catch (Error e) {
        error ("connect: %s", e.message);
    }
    // The socket takes the descriptor: give it a copy of GSocket's.
    assert_true (from_fd.set_socket_descriptor (Posix.dup (plain.get_fd ())));
    assert_cmpint (from_fd.get_state (), CompareOperator.EQ, Qs.SocketState.CONNECTED_STATE);
    assert_cmpint (from_fd.get_open_mode (), CompareOperator.EQ, Qs.OpenMode.READ_WRITE);
    assert_cmpuint (from_fd.get_peer_port (), CompareOperator.EQ, server.get_server_port ());
    from_fd.abort ();
    server.close ();
}

void test_udp () {
    var any = new Qs.UdpSocket ();
    assert_true (any.bind ());
    assert_cmpint (any.get_state (), CompareOperator.EQ, Qs.SocketState.BOUND_STATE);
    assert_cmpstr (address_text (any.get_local_address ()), CompareOperator.EQ, "0.0.0.0");
    assert_cmpuint (any.get_local_port (), CompareOperator.GT, 0);

    // Joining an IPv4 group needs an IPv4 socket (as Qt); the default
    // interface.
    var member = new Qs.UdpSocket ();
    assert_true (member.bind (new InetAddress.any (SocketFamily.IPV4)));
    assert_true (member.join_multicast_group (new InetAddress.from_string ("239.255.43.21")));
    assert_true (member.leave_multicast_group (new InetAddress.from_string ("239.255.43.21")));
    member.close ();

    var receiver = new Qs.UdpSocket ();
    assert_true (receiver.bind (loopback ()));
    assert_cmpstr (address_text (receiver.get_local_address ()), CompareOperator.EQ, "127.0.0.1");
    var port = receiver.get_local_port ();
    assert_cmpuint (port, CompareOperator.GT, 0);
    foreach (unowned string text in new string[] { "one", "two", "three" })
        assert_cmpint ((int) any.write_datagram (text.data, loopback (), port), CompareOperator.EQ, text.length);

    var buffer = new uint8[8];
    run_until (() => receiver.has_pending_datagrams ());
    assert_cmpint ((int) receiver.read_datagram (buffer), CompareOperator.EQ, 3);
    assert_cmpmem (buffer[0:3], "one".data);
    run_until (() => receiver.has_pending_datagrams ());
    assert_cmpmem (receiver.read_datagram_bytes (64).get_data (), "two".data);
    run_until (() => receiver.has_pending_datagrams ());
    var datagram = receiver.receive_datagram ();
    assert_cmpmem (datagram.get_data ().get_data (), "three".data);
    assert_cmpuint (datagram.get_sender_port (), CompareOperator.EQ, any.get_local_port ());
    any.close ();
    receiver.close ();
}

void test_network_datagram () {
    var null_datagram = new Qs.NetworkDatagram ();
    assert_true (null_datagram.is_null ());
    assert_false (null_datagram.is_valid ());

    var datagram = new Qs.NetworkDatagram (new Bytes ("data".data));
    assert_cmpmem (datagram.get_data ().get_data (), "data".data);
    assert_null (datagram.get_destination_address ());
    assert_cmpint (datagram.get_destination_port (), CompareOperator.EQ, -1);
    datagram.set_sender (loopback ());
    assert_cmpstr (address_text (datagram.get_sender_address ()), CompareOperator.EQ, "127.0.0.1");
    assert_cmpint (datagram.get_sender_port (), CompareOperator.EQ, 0);

    var addressed = new Qs.NetworkDatagram.from_data ("to".data, loopback ());
    assert_cmpstr (address_text (addressed.get_destination_address ()), CompareOperator.EQ, "127.0.0.1");
    assert_cmpint (addressed.get_destination_port (), CompareOperator.EQ, 0);
}

void test_local () {
    var dir = DirUtils.mkdtemp (Path.build_filename (Environment.get_tmp_dir (), "qsock-vala-XXXXXX"));
    var path = Path.build_filename (dir, "server");
    var server = new Qs.LocalServer ();
    assert_true (server.listen (path));

    var by_name = new Qs.LocalSocket ();
    by_name.connect_to_server (path);
    assert_cmpint (by_name.get_state (), CompareOperator.EQ, Qs.LocalSocketState.CONNECTED_STATE);
    assert_cmpint (by_name.get_open_mode (), CompareOperator.EQ, Qs.OpenMode.READ_WRITE);
    assert_true (by_name.wait_for_connected ());
    assert_true (server.wait_for_new_connection ());
    var peer = server.next_pending_connection ();
    bool timed_out;
    assert_false (server.wait_for_new_connection (0, out timed_out));
    assert_true (timed_out);
    peer.disconnect_from_server ();
    assert_true (by_name.wait_for_disconnected ());

    var preset = new Qs.LocalSocket ();
    preset.set_server_name (path);
    preset.connect_to_server ();
    assert_cmpint (preset.get_state (), CompareOperator.EQ, Qs.LocalSocketState.CONNECTED_STATE);
    assert_cmpint (preset.get_open_mode (), CompareOperator.EQ, Qs.OpenMode.READ_WRITE);
    preset.abort ();

    var from_fd = new Qs.LocalSocket ();
    var pair = new int[2];
    assert_cmpint (Posix.socketpair (Posix.AF_UNIX, Posix.SOCK_STREAM, 0, pair), CompareOperator.EQ, 0);
    assert_true (from_fd.set_socket_descriptor (pair[0]));
    assert_cmpint (from_fd.get_state (), CompareOperator.EQ, Qs.LocalSocketState.CONNECTED_STATE);
    assert_cmpint (from_fd.get_open_mode (), CompareOperator.EQ, Qs.OpenMode.READ_WRITE);
    from_fd.abort ();
    Posix.close (pair[1]);
    server.close ();
    DirUtils.remove (dir);
}

async void exchange_async (Qs.TcpServer server, out string log) throws Error {
    var client = new Qs.TcpSocket ();
    var connected = yield client.connect_to_host_async ("127.0.0.1", server.get_server_port ());
    // The loop that finished the connect may have accepted already
    // (test_async's run_until bounds the wait).
    while (!server.has_pending_connections ()) {
        Idle.add (exchange_async.callback);
        yield;
    }
    var peer = server.next_pending_connection ();
    var written = yield client.write_all_async (new Bytes ("hello".data));
    var read = yield peer.read_async (5);
    log = "connected %s, written %s, read %s".printf (connected.to_string (), written.to_string (),
                                                      ((string) read.get_data ()).substring (0, (long) read.get_size ()));
    client.abort ();
    peer.abort ();
}

void test_async () {
    var server = new Qs.TcpServer ();
    assert_true (server.listen (loopback ()));
    string? log = null;
    exchange_async.begin (server, (obj, result) => {
        try {
            exchange_async.end (result, out log);
        } catch (Error e) {
            error ("%s", e.message);
        }
    });
    run_until (() => log != null);
    assert_cmpstr (log, CompareOperator.EQ, "connected true, written true, read hello");
    server.close ();
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/defaults/tcp", test_tcp);
    Test.add_func ("/vala/defaults/udp", test_udp);
    Test.add_func ("/vala/defaults/network-datagram", test_network_datagram);
    Test.add_func ("/vala/defaults/local", test_local);
    Test.add_func ("/vala/defaults/async", test_async);
    return Test.run ();
}
