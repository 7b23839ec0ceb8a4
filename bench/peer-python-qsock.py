#!/usr/bin/python3
# bench/peer-python-qsock.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# qsock-bench's `python-qsock` peer: the workloads of peer_common.py with
# qsock through PyGObject on a GLib.MainLoop, with qsock's Python
# overrides (qsock-bench puts the build tree's on PYTHONPATH), the way a
# Python user writes it: read, read_line and a datagram's get_data return
# bytes, write takes them. A stream client writes GLib.Bytes made once
# per distinct write with write_bytes. Prints SKIP and exits 77 without
# Qs-1.0 or its overrides.

"""qsock-bench peer: qsock through PyGObject."""

import socket
import sys

import peer_common
from peer_common import READ_LINE_MAX, Stream

try:
    import gi
    gi.require_version('Qs', '1.0')
    from gi.repository import GLib, Gio, Qs  # noqa: E402
except (ImportError, ValueError) as e:
    peer_common.skip('qsock through PyGObject: %s' % e)
if Qs.IODevice.__module__ != 'gi.overrides.Qs':
    peer_common.skip("qsock's Python overrides (bindings/python) not on PYTHONPATH")

READ_WRITE = Qs.OpenMode.READ_WRITE


def loopback(ipv6):
    return Gio.InetAddress.new_loopback(Gio.SocketFamily.IPV6 if ipv6
                                        else Gio.SocketFamily.IPV4)


class QsockBackend(peer_common.Backend):
    """peer_common.Backend with qsock. Every object the workloads use is
    kept in self.alive until disposed of: a GObject without a Python
    reference would be finalized, its socket closed."""

    def __init__(self):
        self.loop = GLib.MainLoop()
        self.alive = set()
        self.database = None    # TLS client: the CA, read once

    def run_loop(self):
        self.loop.run()

    def quit(self):
        self.loop.quit()

    def every(self, ms, cb):
        GLib.timeout_add(ms, lambda: cb() or GLib.SOURCE_CONTINUE)

    def soon(self, cb):
        GLib.idle_add(lambda: cb() and GLib.SOURCE_REMOVE)

    def listen(self, local, path, ipv6):
        if local:
            server = Qs.LocalServer.new()
            server.set_listen_backlog_size(socket.SOMAXCONN)
            ok = server.listen(path)
        else:
            server = Qs.TcpServer.new() if self.tls is None else Qs.SslServer.new()
            if self.tls is not None:
                server.set_local_certificate(
                    Gio.TlsCertificate.new_from_files(self.tls.cert, self.tls.key))
                # The run's limit: a client under callgrind is slow.
                server.set_handshake_timeout(int(self.tls.time_limit * 1000))
            server.set_listen_backlog_size(socket.SOMAXCONN)
            ok = server.listen(loopback(ipv6), 0)
        if not ok:
            raise OSError(server.get_error_string())
        if self.tls is not None and self.tls.low_delay:
            self.tls.set_nodelay(server.get_socket_descriptor())
        self.alive.add(server)
        return server, 0 if local else server.get_server_port()

    def on_connection(self, server, cb):
        alive = self.alive

        def accept(srv):
            sock = srv.next_pending_connection()
            while sock is not None:
                alive.add(sock)
                cb(sock)
                sock = srv.next_pending_connection()
        server.connect('new-connection', accept)

    def connect(self, local, host, port, on_connected, on_error):
        if self.tls is not None:
            return self.connect_encrypted(host, port, on_connected, on_error)
        sock = Qs.LocalSocket.new() if local else Qs.TcpSocket.new()
        self.alive.add(sock)
        sock.connect('connected', on_connected)
        self.on_error(sock, on_error)
        if local:
            sock.connect_to_server(host, READ_WRITE)
        else:
            sock.connect_to_address(Gio.InetAddress.new_from_string(host), port, READ_WRITE)
        return sock

    def connect_encrypted(self, host, port, on_connected, on_error):
        if self.database is None:
            self.database = Gio.TlsFileDatabase.new(self.tls.ca)
        sock = Qs.SslSocket.new()
        self.alive.add(sock)
        sock.set_database(self.database)
        if self.tls.low_delay:
            sock.connect('connected', self.set_low_delay)
        sock.connect('encrypted', on_connected)
        self.on_error(sock, on_error)
        sock.connect_to_host_encrypted(host, port, None, READ_WRITE,
                                       Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
        return sock

    def disconnect(self, sock):
        sock.disconnect_from_host()

    def on(self, sock, name, cb):
        sock.connect(name, cb)

    def on_error(self, sock, cb):
        if isinstance(sock, Qs.LocalSocket):
            ignored = Qs.LocalSocketError.PEER_CLOSED_ERROR
        else:
            ignored = Qs.SocketError.REMOTE_HOST_CLOSED_ERROR
        sock.connect('error-occurred',
                     lambda s, error: error == ignored or cb(s.get_error_string()))

    def stream(self, sock):
        read = sock.read
        write = sock.write
        read_line = sock.read_line
        return Stream(sock,
                      read=read,
                      write=write,
                      write_payload=sock.write_bytes,
                      echo=lambda n: write(read(n)),
                      available=sock.bytes_available,
                      to_write=sock.bytes_to_write,
                      can_read_line=sock.can_read_line,
                      read_line=lambda: read_line(READ_LINE_MAX),
                      close=sock.close)

    def payload(self, data):
        return GLib.Bytes.new(data)

    def set_low_delay(self, sock):
        if isinstance(sock, Qs.TcpSocket):
            sock.set_socket_option(Qs.SocketOption.LOW_DELAY_OPTION, 1)

    def dispose(self, sock):
        self.alive.discard(sock)

    def udp_bind(self, ipv6):
        sock = Qs.UdpSocket.new()
        if not sock.bind(loopback(ipv6), 0, Qs.BindFlags.DEFAULT_FOR_PLATFORM):
            raise OSError(sock.get_error_string())
        self.alive.add(sock)
        return sock, sock.get_local_port()

    def udp_socket(self):
        sock = Qs.UdpSocket.new()
        self.alive.add(sock)
        return sock

    def datagram_reader(self, sock, max_size):
        receive = sock.receive_datagram

        def recv():
            datagram = receive(max_size)
            if not datagram.is_valid():
                return None
            return datagram.get_data()
        return recv

    def datagram_echoer(self, sock):
        receive = sock.receive_datagram
        write = sock.write_network_datagram

        def echo():
            datagram = receive(-1)
            if not datagram.is_valid():
                return None
            # A datagram goes out whole or not at all (-1).
            return write(datagram.make_reply(datagram.get_data())) >= 0
        return echo

    def datagram_sender(self, sock, host, port):
        address = Gio.InetAddress.new_from_string(host)
        write = sock.write_datagram
        return lambda data: write(data, address, port) == len(data)


if __name__ == '__main__':
    sys.exit(peer_common.main(QsockBackend))
