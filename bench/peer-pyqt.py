#!/usr/bin/python3
# bench/peer-pyqt.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# qsock-bench's `pyqt` peer: the workloads of peer_common.py with PyQt6's
# QtNetwork on a QCoreApplication loop, the way PyQt documents it: read,
# readLine and readDatagram return bytes, write and writeDatagram take
# them. Prints SKIP and exits 77 without PyQt6.

"""qsock-bench peer: PyQt6."""

import socket
import sys

import peer_common
from peer_common import READ_LINE_MAX, Stream

try:
    from PyQt6.QtCore import QCoreApplication, QTimer
    from PyQt6.QtNetwork import (QAbstractSocket, QHostAddress, QLocalServer,
                                 QLocalSocket, QSsl, QSslCertificate,
                                 QSslConfiguration, QSslKey, QSslServer,
                                 QSslSocket, QTcpServer, QTcpSocket, QUdpSocket)
except ImportError as e:
    peer_common.skip('PyQt6: %s' % e)

SIGNALS = {
    'ready-read': 'readyRead',
    'bytes-written': 'bytesWritten',
    'read-channel-finished': 'readChannelFinished',
    'disconnected': 'disconnected',
}


def loopback(ipv6):
    return QHostAddress(QHostAddress.SpecialAddress.LocalHostIPv6 if ipv6
                        else QHostAddress.SpecialAddress.LocalHost)


class PyQtBackend(peer_common.Backend):
    """peer_common.Backend with PyQt6. Every object the workloads use is
    kept in self.alive until disposed of (then deleteLater): a QObject
    without a parent dies with its last Python reference."""

    def __init__(self):
        self.app = QCoreApplication(sys.argv[:1])
        self.alive = set()

    def run_loop(self):
        self.app.exec()

    def quit(self):
        self.app.quit()

    def every(self, ms, cb):
        timer = QTimer()
        timer.timeout.connect(cb)
        timer.start(ms)
        self.alive.add(timer)

    def soon(self, cb):
        QTimer.singleShot(0, cb)

    def tls_configuration(self, server):
        """TLS 1.3 without session tickets; the server's certificate and
        key, or the client's CA."""
        config = QSslConfiguration.defaultConfiguration()
        config.setProtocol(QSsl.SslProtocol.TlsV1_3)
        config.setSslOption(QSsl.SslOption.SslOptionDisableSessionTickets, True)
        if server:
            with open(self.tls.key, 'rb') as key:
                config.setPrivateKey(QSslKey(key.read(), QSsl.KeyAlgorithm.Ec))
            config.setLocalCertificate(QSslCertificate.fromPath(self.tls.cert)[0])
        else:
            config.setCaCertificates(QSslCertificate.fromPath(self.tls.ca))
        return config

    def listen(self, local, path, ipv6):
        if self.tls is not None:
            server = QSslServer()
            server.setSslConfiguration(self.tls_configuration(True))
            # The run's limit: a client under callgrind is slow.
            server.setHandshakeTimeout(int(self.tls.time_limit * 1000))
        else:
            server = QLocalServer() if local else QTcpServer()
        server.setListenBacklogSize(socket.SOMAXCONN)
        if not (server.listen(path) if local else server.listen(loopback(ipv6), 0)):
            raise OSError(server.errorString())
        if self.tls is not None and self.tls.low_delay:
            self.tls.set_nodelay(int(server.socketDescriptor()))
        self.alive.add(server)
        return server, 0 if local else server.serverPort()

    def on_connection(self, server, cb):
        alive = self.alive

        def accept():
            sock = server.nextPendingConnection()
            while sock is not None:
                alive.add(sock)
                cb(sock)
                sock = server.nextPendingConnection()
        # A QSslServer queues a connection once it is encrypted.
        if isinstance(server, QSslServer):
            server.pendingConnectionAvailable.connect(accept)
        else:
            server.newConnection.connect(accept)

    def connect(self, local, host, port, on_connected, on_error):
        if self.tls is not None:
            return self.connect_encrypted(host, port, on_connected, on_error)
        sock = QLocalSocket() if local else QTcpSocket()
        self.alive.add(sock)
        sock.connected.connect(lambda: on_connected(sock))
        self.on_error(sock, on_error)
        if local:
            sock.connectToServer(host)
        else:
            sock.connectToHost(QHostAddress(host), port)
        return sock

    def connect_encrypted(self, host, port, on_connected, on_error):
        sock = QSslSocket()
        self.alive.add(sock)
        sock.setSslConfiguration(self.tls_configuration(False))
        if self.tls.low_delay:
            sock.connected.connect(lambda: self.set_low_delay(sock))
        sock.encrypted.connect(lambda: on_connected(sock))
        sock.sslErrors.connect(lambda errors: on_error(sock.errorString()))
        self.on_error(sock, on_error)
        sock.connectToHostEncrypted(host, port)
        return sock

    def disconnect(self, sock):
        sock.disconnectFromHost()

    def on(self, sock, name, cb):
        getattr(sock, SIGNALS[name]).connect(cb)
        # A QSslSocket's bytesToWrite() is plaintext not yet encrypted;
        # what it has encrypted drains with encryptedBytesWritten.
        if name == 'bytes-written' and isinstance(sock, QSslSocket):
            sock.encryptedBytesWritten.connect(cb)

    def on_error(self, sock, cb):
        if isinstance(sock, QLocalSocket):
            ignored = QLocalSocket.LocalSocketError.PeerClosedError
        else:
            ignored = QAbstractSocket.SocketError.RemoteHostClosedError
        sock.errorOccurred.connect(lambda error: error == ignored or cb(sock.errorString()))

    def stream(self, sock):
        read = sock.read
        write = sock.write
        read_line = sock.readLine
        return Stream(sock,
                      read=read,
                      write=write,
                      write_payload=write,
                      echo=lambda n: write(read(n)),
                      available=sock.bytesAvailable,
                      to_write=(sock.bytesToWrite if not isinstance(sock, QSslSocket)
                                else lambda: sock.bytesToWrite() + sock.encryptedBytesToWrite()),
                      can_read_line=sock.canReadLine,
                      read_line=lambda: read_line(READ_LINE_MAX),
                      close=sock.close)

    def payload(self, data):
        return data

    def set_low_delay(self, sock):
        if isinstance(sock, QTcpSocket):
            sock.setSocketOption(QAbstractSocket.SocketOption.LowDelayOption, 1)

    def dispose(self, sock):
        self.alive.discard(sock)
        sock.deleteLater()

    def udp_bind(self, ipv6):
        sock = QUdpSocket()
        if not sock.bind(loopback(ipv6), 0):
            raise OSError(sock.errorString())
        self.alive.add(sock)
        return sock, sock.localPort()

    def udp_socket(self):
        sock = QUdpSocket()
        self.alive.add(sock)
        return sock

    def datagram_reader(self, sock, max_size):
        read = sock.readDatagram
        return lambda: read(max_size)[0]

    def datagram_echoer(self, sock):
        read = sock.readDatagram
        write = sock.writeDatagram

        def echo():
            data, host, port = read(peer_common.READ_SIZE)
            if data is None:
                return None
            return write(data, host, port) == len(data)
        return echo

    def datagram_sender(self, sock, host, port):
        address = QHostAddress(host)
        write = sock.writeDatagram
        return lambda data: write(data, address, port) == len(data)


if __name__ == '__main__':
    sys.exit(peer_common.main(PyQtBackend))
