/* test-proxy.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Proxies from Vala: a Qs.TcpSocket connects through microsocks (started
 * here on a free loopback port, with a user and password) to a
 * Qs.TcpServer; a Vala handler of proxy-authentication-required gets the
 * Qs.NetworkProxy and fills in the Qs.Authenticator. Skips without
 * microsocks (fails under CI=true).
 */

using QsTest;

uint16 free_port () throws Error {
    var probe = new Socket (SocketFamily.IPV4, SocketType.STREAM, SocketProtocol.TCP);
    probe.bind (new InetSocketAddress (new InetAddress.loopback (SocketFamily.IPV4), 0), false);
    var port = ((InetSocketAddress) probe.get_local_address ()).get_port ();
    probe.close ();
    return port;
}

bool accepts (uint16 port) {
    try {
        var client = new Socket (SocketFamily.IPV4, SocketType.STREAM, SocketProtocol.TCP);
        client.connect (new InetSocketAddress (new InetAddress.loopback (SocketFamily.IPV4), port));
        client.close ();
        return true;
    } catch (Error e) {
        return false;
    }
}

void test_values () {
    var proxy = new Qs.NetworkProxy (Qs.NetworkProxyType.SOCKS5_PROXY, "proxy.example", 1080, "u", null);
    assert_true (proxy.get_capabilities () == (Qs.NetworkProxyCapabilities) 0x17);
    assert_true (proxy.get_password () == null);
    var socket = new Qs.TcpSocket ();
    assert_true (socket.proxy.get_proxy_type () == Qs.NetworkProxyType.DEFAULT_PROXY);
    socket.proxy = proxy;
    assert_true (socket.get_proxy ().equal (proxy));
    var authenticator = new Qs.Authenticator ();
    assert_true (authenticator.is_null ());
    authenticator.set_option ("realm", "R");
    assert_false (authenticator.is_null ());
}

void test_application_proxy () {
    var proxy = new Qs.NetworkProxy (Qs.NetworkProxyType.HTTP_PROXY, "proxy.example", 3128, null, null);
    Qs.NetworkProxy.set_application_proxy (proxy);
    assert_true (Qs.NetworkProxy.get_application_proxy ().equal (proxy));
    /* null is NO_PROXY (Qs-1.0.metadata makes the call static). */
    Qs.NetworkProxy.set_application_proxy (null);
    assert_true (Qs.NetworkProxy.get_application_proxy ().get_proxy_type () == Qs.NetworkProxyType.NO_PROXY);
}

void test_authenticate () throws Error {
    var program = Environment.find_program_in_path ("microsocks");
    if (program == null) {
        if (Environment.get_variable ("CI") == "true")
            Test.fail_printf ("microsocks is not installed, and CI=true");
        else
            Test.skip ("microsocks is not installed");
        return;
    }
    var proxy_port = free_port ();
    /* setpriv (util-linux) makes the kernel kill microsocks when this test
     * ends, also when it crashes before stopping it. */
    string[] argv = {};
    var setpriv = Environment.find_program_in_path ("setpriv");
    if (setpriv != null)
        argv = { setpriv, "--pdeathsig", "KILL" };
    foreach (var arg in new string[] { program, "-i", "127.0.0.1", "-p", proxy_port.to_string (),
                                       "-u", "user", "-P", "pass" })
        argv += arg;
    var process = new Subprocess.newv (argv, SubprocessFlags.STDOUT_SILENCE | SubprocessFlags.STDERR_SILENCE);
    /* microsocks cannot say when it listens: try its port every 20 ms until
     * it accepts (run_until's deadline bounds it). */
    var tick = Timeout.add (20, () => Source.CONTINUE);
    run_until (() => accepts (proxy_port));
    Source.remove (tick);

    var server = new Qs.TcpServer ();
    assert_true (server.listen (new InetAddress.loopback (SocketFamily.IPV4), 0));
    Qs.TcpSocket? peer = null;
    server.new_connection.connect ((s) => {
        peer = s.next_pending_connection ();
        peer.ready_read.connect ((device) => {
            device.write (device.read_all ().get_data ());
        });
    });

    var client = new Qs.TcpSocket ();
    client.set_proxy (new Qs.NetworkProxy (Qs.NetworkProxyType.SOCKS5_PROXY, "127.0.0.1", proxy_port, null, null));
    var asked = 0;
    client.proxy_authentication_required.connect ((s, asking_proxy, authenticator) => {
        asked++;
        assert_true (asking_proxy.get_port () == proxy_port);
        authenticator.user = "user";
        authenticator.set_password ("pass");
    });
    var received = new StringBuilder ();
    client.ready_read.connect ((device) => {
        received.append ((string) device.read_all ().get_data ());
    });
    client.connect_to_host ("localhost", server.get_server_port (), Qs.OpenMode.READ_WRITE,
                            Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
    client.write ("ping".data);
    run_until (() => received.len >= 4);
    assert_true (received.str == "ping");
    assert_true (asked == 1);
    assert_true (client.get_peer_address () == null);
    client.abort ();
    server.close ();
    process.force_exit ();
    process.wait ();
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/proxy/values", test_values);
    Test.add_func ("/vala/proxy/application-proxy", test_application_proxy);
    Test.add_func ("/vala/proxy/authenticate", () => {
        try {
            test_authenticate ();
        } catch (Error e) {
            error ("%s", e.message);
        }
    });
    return Test.run ();
}
