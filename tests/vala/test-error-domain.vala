/* test-error-domain.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The QS_SOCKET_ERROR domain in Vala: Qs.SocketErrorDomain (from
 * bindings/vala/Qs-1.0-custom.vala) is an errordomain, so an async
 * call's failure is caught by its code; Qs.SocketError stays the enum
 * of the signals and getters.
 */

using QsTest;

/* Connects to port, which nothing listens on; returns which catch
 * clause ran and the error's message. */
async string connect_refused (uint16 port) {
    var client = new Qs.TcpSocket ();
    client.error_occurred.connect ((error) => {
        // The signal's argument is the enum, with the same value.
        assert_cmpint (error, CompareOperator.EQ, Qs.SocketError.CONNECTION_REFUSED_ERROR);
    });
    try {
        yield client.connect_to_host_async ("127.0.0.1", port);
        return "connected";
    } catch (Qs.SocketErrorDomain.HOST_NOT_FOUND_ERROR e) {
        return "host not found: " + e.message;
    } catch (Qs.SocketErrorDomain.CONNECTION_REFUSED_ERROR e) {
        assert_true (e.domain == Qs.SocketErrorDomain.quark ());
        assert_cmpint (e.code, CompareOperator.EQ, Qs.SocketError.CONNECTION_REFUSED_ERROR);
        return "refused: " + e.message;
    } catch (Error e) {
        return "other: " + e.message;
    }
}

/* Any error of the domain, caught as the whole errordomain. */
async string connect_nowhere () {
    var client = new Qs.TcpSocket ();
    try {
        yield client.connect_to_host_async ("nowhere.invalid", 7);
        return "connected";
    } catch (Qs.SocketErrorDomain e) {
        return "%s %d: %s".printf (e.domain.to_string (), e.code, e.message);
    } catch (Error e) {
        return "other: " + e.message;
    }
}

void test_refused () {
    var server = new Qs.TcpServer ();
    assert_true (server.listen (new InetAddress.loopback (SocketFamily.IPV4)));
    var port = server.get_server_port ();
    server.close ();

    string? caught = null;
    connect_refused.begin (port, (obj, result) => caught = connect_refused.end (result));
    run_until (() => caught != null);
    assert_cmpstr (caught, CompareOperator.EQ, "refused: Connection refused");
}

void test_host_not_found () {
    string? caught = null;
    connect_nowhere.begin ((obj, result) => caught = connect_nowhere.end (result));
    run_until (() => caught != null);
    assert_cmpstr (caught, CompareOperator.EQ, "qs-socket-error-quark 2: Host not found");
}

int main (string[] args) {
    Test.init (ref args);
    Test.add_func ("/vala/error-domain/refused", test_refused);
    Test.add_func ("/vala/error-domain/host-not-found", test_host_not_found);
    return Test.run ();
}
