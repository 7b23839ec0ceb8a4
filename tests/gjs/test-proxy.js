// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Proxies through gjs: a Qs.TcpSocket connects through microsocks
// (started here on a free loopback port, with a user and password) to a
// Qs.TcpServer; a JavaScript handler of proxy-authentication-required
// gets the Qs.NetworkProxy and fills in the Qs.Authenticator. Skips
// without microsocks (fails under CI=true). Exits non-zero on the first
// failed check.

imports.gi.versions.Qs = '1.0';
const {GLib, Gio, Qs} = imports.gi;

imports.searchPath.unshift(GLib.path_get_dirname(imports.system.programPath));
const {check, checkCount, checkEqual, decode, encode, runUntil} = imports.helpers;

const microsocks = GLib.find_program_in_path('microsocks');
// setpriv (util-linux) makes the kernel kill microsocks when this test
// ends, also when it crashes before its finally block.
const setpriv = GLib.find_program_in_path('setpriv');
const dieWithTest = setpriv === null ? [] : [setpriv, '--pdeathsig', 'KILL'];

// A port nothing listens on now: bound, read, released.
function freePort() {
    const probe = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.TCP);
    probe.bind(Gio.InetSocketAddress.new(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), 0), false);
    const port = probe.get_local_address().get_port();
    probe.close();
    return port;
}

function accepts(port) {
    const client = Gio.Socket.new(Gio.SocketFamily.IPV4, Gio.SocketType.STREAM, Gio.SocketProtocol.TCP);
    try {
        client.connect(Gio.InetSocketAddress.new(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), port),
            null);
        return true;
    } catch (e) {
        return false;
    } finally {
        client.close();
    }
}

// The application proxy. gjs cannot pass null for it (g-ir-scanner makes
// the call a method of Qs.NetworkProxy): a NO_PROXY proxy is the same.
{
    const proxy = Qs.NetworkProxy.new(Qs.NetworkProxyType.HTTP_PROXY, 'proxy.example', 3128, null, null);
    proxy.set_application_proxy();
    check(Qs.NetworkProxy.get_application_proxy().equal(proxy), 'application proxy set');
    Qs.NetworkProxy.new(Qs.NetworkProxyType.NO_PROXY, null, 0, null, null).set_application_proxy();
    checkEqual(Qs.NetworkProxy.get_application_proxy().get_proxy_type(), Qs.NetworkProxyType.NO_PROXY,
        'NO_PROXY again');
}

if (microsocks === null) {
    if (GLib.getenv('CI') === 'true')
        throw new Error('microsocks is not installed, and CI=true');
    print('# skip proxies: microsocks is not installed');
} else {
    const proxyPort = freePort();
    const process = Gio.Subprocess.new([...dieWithTest, microsocks, '-i', '127.0.0.1', '-p', `${proxyPort}`,
        '-u', 'user', '-P', 'pass'], Gio.SubprocessFlags.STDOUT_SILENCE | Gio.SubprocessFlags.STDERR_SILENCE);
    try {
        // microsocks cannot say when it listens: try its port every 20 ms
        // until it accepts (runUntil's deadline bounds it).
        const tick = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20, () => GLib.SOURCE_CONTINUE);
        runUntil(() => accepts(proxyPort));
        GLib.source_remove(tick);

        const server = Qs.TcpServer.new();
        check(server.listen(Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV4), 0), 'listen');
        const accepted = [];
        server.connect('new-connection', srv => {
            const socket = srv.next_pending_connection();
            socket.connect('ready-read', device => device.write(device.read_all().toArray()));
            accepted.push(socket);
        });

        const proxy = Qs.NetworkProxy.new(Qs.NetworkProxyType.SOCKS5_PROXY, '127.0.0.1', proxyPort, null, null);
        checkEqual(proxy.get_capabilities(), 0x17, 'SOCKS5 capabilities');
        const client = new Qs.TcpSocket();
        checkEqual(client.proxy.get_proxy_type(), Qs.NetworkProxyType.DEFAULT_PROXY, 'DefaultProxy until set');
        client.proxy = proxy;
        const asked = [];
        client.connect('proxy-authentication-required', (socket, askingProxy, authenticator) => {
            asked.push([askingProxy.get_port(), authenticator.is_null()]);
            authenticator.user = 'user';
            authenticator.set_password('pass');
        });
        let received = '';
        client.connect('ready-read', device => {
            received += decode(device.read_all());
        });
        client.connect_to_host('localhost', server.get_server_port(), Qs.OpenMode.READ_WRITE,
            Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL);
        client.write(encode('ping'));
        runUntil(() => received === 'ping');
        checkEqual(asked, [[proxyPort, true]], 'asked once, with a null authenticator');
        checkEqual(client.get_peer_name(), 'localhost', 'peer name');
        checkEqual(client.get_peer_address(), null, 'no peer address: the proxy resolved the name');
        checkEqual(accepted.length, 1, 'one connection through the proxy');
        client.abort();
        server.close();
    } finally {
        process.force_exit();
        process.wait(null);
    }
    print(`ok - ${checkCount()} checks`);
}
