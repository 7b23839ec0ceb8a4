/* test-happy-eyeballs.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The happy-eyeballs property from Vala: a Qs.TcpSocket that races
 * "localhost" (::1 and 127.0.0.1, looked up in parallel) to a
 * Qs.TcpServer on both loopbacks connects over IPv6, tried first, with
 * the trace of a plain connect: one host-found, one connected.
 */

using QsTest;

/* Whether ::1 can be bound (as qs_test_ipv6_available in C). */
bool ipv6_available () {
    try {
        var probe = new Socket (SocketFamily.IPV6, SocketType.DATAGRAM, SocketProtocol.UDP);
        probe.bind (new InetSocketAddress (new InetAddress.loopback (SocketFamily.IPV6), 0), false);
        probe.close ();
        return true;
    } catch (Error e) {
        return false;
    }
}

void test_connect_localhost () {
    if (!ipv6_available ()) {
        Test.skip ("IPv6 loopback is not available");
        return;
    }

    var server = new Qs.TcpServer ();
    assert_true (server.listen (null, 0));
    Qs.TcpSocket? peer = null;
    var new_connections = 0;
    server.new_connection.connect ((s) => {
        new_connections++;
        peer = s.next_pending_connection ();
    });

    var client = new Qs.TcpSocket ();
    assert_false (client.happy_eyeballs);
    client.happy_eyeballs = true;
    assert_true (client.get_happy_eyeballs ());
    var trace = new Trace (client);
    client.connect_to_host ("localhost", server.get_server_port (), Qs.OpenMode.READ_WRITE,
                            Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
    assert_cmpstr (trace.since (0), CompareOperator.EQ, "state-changed(host-lookup-state)");
    run_until (() => peer != null && client.get_state () == Qs.SocketState.CONNECTED_STATE);
    assert_cmpstr (trace.since (0), CompareOperator.EQ,
                   "state-changed(host-lookup-state) state-changed(connecting-state) host-found " +
                   "state-changed(connected-state) connected");
    assert_cmpstr (client.get_peer_address ().to_string (), CompareOperator.EQ, "::1");
    assert_cmpint (new_connections, CompareOperator.EQ, 1);
    server.close ();
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/happy-eyeballs/connect-localhost", test_connect_localhost);
    return Test.run ();
}
