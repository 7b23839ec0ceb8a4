# SPDX-License-Identifier: LGPL-2.1-or-later
"""Backends of the Qt-oracle suite: one small socket vocabulary, two
implementations.

``QtBackend`` drives PyQt6's QTcpSocket/QTcpServer (the oracle);
``QsockBackend`` drives qsock's Qs.TcpSocket/Qs.TcpServer through
PyGObject. Scenarios (oracle_scenarios.py) are written once against the
vocabulary below and never touch either toolkit directly.

Every value that reaches a trace is converted to a plain, comparable
form here:

- enums are Qt's value names (``ConnectedState``,
  ``ConnectionRefusedError``, ``ReadWrite``), mapped from the numeric
  value on both sides (the numbers are equal by contract);
- addresses are strings, Qt's null address / qsock's NULL are ``None``;
- Qt's empty strings for peer name and server error string are ``None``
  (qsock's NULL);
- reads return ``bytes`` or ``None`` for a ``-1`` return.

Every socket and server stays alive in its backend's ``keep`` list until
the process ends (the runner exits without tearing anything down), so
what an object does when it is destroyed shows up only in the scenario
that drops it on purpose (``release``).

The qsock side runs with qsock's PyGObject overrides (bindings/python):
their ``read_all``, ``peek``, ``read_line`` and ``read_datagram`` give
bytes. The overrides' stream reads give ``b''`` for C's ``-1`` (Qt's
``QByteArray`` overloads), so to see the ``-1`` of Qt's
``read(char *, qint64)`` family this module calls ``qs_io_device_read``,
``qs_io_device_peek`` and ``qs_io_device_read_line`` through ctypes on
the object's pointer.
"""

import ctypes
import time

# Qt's value names by numeric value (QAbstractSocket / QIODeviceBase).
SOCKET_STATE = {
    0: 'UnconnectedState', 1: 'HostLookupState', 2: 'ConnectingState',
    3: 'ConnectedState', 4: 'BoundState', 5: 'ListeningState',
    6: 'ClosingState',
}
SOCKET_ERROR = {
    0: 'ConnectionRefusedError', 1: 'RemoteHostClosedError',
    2: 'HostNotFoundError', 3: 'SocketAccessError',
    4: 'SocketResourceError', 5: 'SocketTimeoutError',
    6: 'DatagramTooLargeError', 7: 'NetworkError', 8: 'AddressInUseError',
    9: 'SocketAddressNotAvailableError',
    10: 'UnsupportedSocketOperationError',
    11: 'UnfinishedSocketOperationError',
    12: 'ProxyAuthenticationRequiredError', 13: 'SslHandshakeFailedError',
    14: 'ProxyConnectionRefusedError', 15: 'ProxyConnectionClosedError',
    16: 'ProxyConnectionTimeoutError', 17: 'ProxyNotFoundError',
    18: 'ProxyProtocolError', 19: 'OperationError', 20: 'SslInternalError',
    21: 'SslInvalidUserDataError', 22: 'TemporaryError',
    -1: 'UnknownSocketError',
}
LOCAL_SOCKET_ERROR = {
    0: 'ConnectionRefusedError', 1: 'PeerClosedError',
    2: 'ServerNotFoundError', 3: 'SocketAccessError',
    4: 'SocketResourceError', 5: 'SocketTimeoutError',
    6: 'DatagramTooLargeError', 7: 'ConnectionError',
    10: 'UnsupportedSocketOperationError', 19: 'OperationError',
    -1: 'UnknownSocketError',
}
SOCKET_OPTION = {
    'LowDelayOption': 0, 'KeepAliveOption': 1, 'MulticastTtlOption': 2,
    'MulticastLoopbackOption': 3, 'TypeOfServiceOption': 4,
    'SendBufferSizeSocketOption': 5, 'ReceiveBufferSizeSocketOption': 6,
    'PathMtuSocketOption': 7,
}
OPEN_MODE_BITS = [
    (0x4, 'Append'), (0x8, 'Truncate'), (0x10, 'Text'),
    (0x20, 'Unbuffered'), (0x40, 'NewOnly'), (0x80, 'ExistingOnly'),
]

WAKE_MS = 10          # loop wake-up period, so predicates on plain sockets are re-checked
MAX_ITERATIONS = 200000


class ScenarioTimeout(Exception):
    """run_until reached its deadline: the scenario fails."""


def state_name(value):
    return SOCKET_STATE.get(int(value), 'State(%d)' % int(value))


def error_name(value):
    return SOCKET_ERROR.get(int(value), 'Error(%d)' % int(value))


def local_error_name(value):
    return LOCAL_SOCKET_ERROR.get(int(value), 'Error(%d)' % int(value))


def open_mode_name(value):
    value = int(value)
    rw = value & 0x3
    names = [{0: 'NotOpen', 1: 'ReadOnly', 2: 'WriteOnly', 3: 'ReadWrite'}[rw]]
    for bit, name in OPEN_MODE_BITS:
        if value & bit:
            names.append(name)
    if value & ~0xff:
        names.append('0x%x' % (value & ~0xff))
    return '|'.join(names)


def _bounded_loop(iterate, predicate, timeout_ms, what, fail=True):
    """Call iterate() until predicate() holds; bounded in time and count."""
    deadline = time.monotonic() + timeout_ms / 1000.0
    for _ in range(MAX_ITERATIONS):
        if predicate():
            return True
        if time.monotonic() >= deadline:
            break
        iterate(deadline)
    if predicate():
        return True
    if fail:
        raise ScenarioTimeout('timed out after %d ms waiting for %s'
                              % (timeout_ms, what))
    return False


# --------------------------------------------------------------------------
# What both toolkits share
# --------------------------------------------------------------------------

# Vocabulary calls that are one toolkit method with the same arguments
# and result; named here as the vocabulary (and qsock) spell them.
SOCKET_CALLS = (
    'disconnect_from_host', 'abort', 'close', 'flush', 'write',
    'wait_for_connected', 'wait_for_disconnected', 'wait_for_ready_read',
    'wait_for_bytes_written', 'can_read_line', 'bytes_available',
    'bytes_to_write', 'at_end', 'is_open', 'is_valid', 'peer_port',
    'local_port', 'read_buffer_size', 'set_read_buffer_size', 'skip',
    'start_transaction', 'commit_transaction', 'rollback_transaction',
    'is_transaction_started',
)
SERVER_CALLS = (
    'close', 'is_listening', 'server_port', 'max_pending_connections',
    'set_max_pending_connections', 'listen_backlog_size',
    'has_pending_connections', 'wait_for_new_connection',
    'pause_accepting', 'resume_accepting',
)
# qsock's getters take get_ (NAMING.md); Qt's drop it.
QS_GETTERS = ('peer_port', 'local_port', 'read_buffer_size', 'server_port',
              'max_pending_connections', 'listen_backlog_size')

# Signals by Qt name, with how each argument is written into a trace.
SOCKET_SIGNALS = {
    'hostFound': None, 'connected': None, 'disconnected': None,
    'readyRead': None, 'readChannelFinished': None, 'aboutToClose': None,
    'bytesWritten': int, 'stateChanged': state_name,
    'errorOccurred': error_name,
}
SERVER_SIGNALS = {'newConnection': None, 'acceptError': error_name}

LOCAL_SOCKET_CALLS = (
    'disconnect_from_server', 'abort', 'close', 'flush', 'write',
    'wait_for_connected', 'wait_for_disconnected', 'wait_for_ready_read',
    'wait_for_bytes_written', 'can_read_line', 'bytes_available',
    'bytes_to_write', 'at_end', 'is_open', 'is_valid', 'read_buffer_size',
    'set_read_buffer_size', 'set_server_name',
)
LOCAL_SERVER_CALLS = (
    'listen', 'close', 'is_listening', 'max_pending_connections',
    'set_max_pending_connections', 'listen_backlog_size',
    'has_pending_connections', 'wait_for_new_connection',
)
LOCAL_SOCKET_SIGNALS = {
    'connected': None, 'disconnected': None, 'readyRead': None,
    'readChannelFinished': None, 'aboutToClose': None, 'bytesWritten': int,
    'stateChanged': state_name, 'errorOccurred': local_error_name,
}
LOCAL_SERVER_SIGNALS = {'newConnection': None}

UDP_CALLS = SOCKET_CALLS + ('has_pending_datagrams', 'pending_datagram_size')


def camel_case(name):
    first, *rest = name.split('_')
    return first + ''.join(word.title() for word in rest)


def kebab_case(name):
    return ''.join('-' + c.lower() if c.isupper() else c for c in name)


def _enum_value(value):
    """A Qt enum member or a GEnum/int, as its number."""
    return int(getattr(value, 'value', value))


class Wrapper:
    """One toolkit object behind the vocabulary.

    Subclasses give CALLS (vocabulary name → toolkit method name, for the
    calls that need no conversion), SIGNALS, and _connect(); the rest of
    the vocabulary is written out where the two toolkits differ.
    """

    CALLS = {}
    SIGNALS = {}

    def __init__(self, backend, obj):
        self.b = backend
        self.obj = obj
        backend.keep.append(self)

    def __getattr__(self, name):
        method = type(self).CALLS.get(name)
        if method is None:
            raise AttributeError(name)
        return getattr(self.obj, method)

    def _connect(self, signal, callback):
        """Connect callback(*qt_arguments) to the signal with Qt's name."""
        raise NotImplementedError

    def trace_signals(self, trace, label):
        for signal, show in self.SIGNALS.items():
            def add(*args, signal=signal, show=show):
                text = signal if show is None else '%s(%s)' % (
                    signal, show(_enum_value(args[0])))
                trace.signal(label, text)
            self._connect(signal, add)

    def on(self, signal, handler):
        """Connect handler() (no arguments) to a signal by Qt name."""
        self._connect(signal, lambda *args: handler())


# --------------------------------------------------------------------------
# Qt
# --------------------------------------------------------------------------

class QtBackend:
    """The oracle: PyQt6 QtNetwork on one QCoreApplication."""

    name = 'qt'

    def __init__(self):
        from PyQt6 import QtCore, QtNetwork, sip
        self.QtCore = QtCore
        self.QtNetwork = QtNetwork
        self.sip = sip
        self.app = QtCore.QCoreApplication.instance() or QtCore.QCoreApplication([])
        self.keep = []
        self._wake = QtCore.QTimer()
        self._wake.setInterval(WAKE_MS)
        self._wake.timeout.connect(lambda: None)
        self._check_enum_tables()

    def _check_enum_tables(self):
        """The name tables above must be Qt's own names."""
        qas = self.QtNetwork.QAbstractSocket
        for enum, table in ((qas.SocketState, SOCKET_STATE),
                            (qas.SocketError, SOCKET_ERROR)):
            for member in enum:
                assert table[member.value] == member.name, (member, table)
        for member in qas.SocketOption:
            assert SOCKET_OPTION[member.name] == member.value, member
        for member in self.QtNetwork.QLocalSocket.LocalSocketError:
            assert LOCAL_SOCKET_ERROR[member.value] == member.name, member

    def tcp_socket(self):
        return QtSocket(self, self.QtNetwork.QTcpSocket())

    def tcp_server(self):
        return QtServer(self, self.QtNetwork.QTcpServer())

    def local_socket(self):
        return QtLocalSocket(self, self.QtNetwork.QLocalSocket())

    def udp_socket(self):
        return QtUdpSocket(self, self.QtNetwork.QUdpSocket())

    def local_server(self):
        return QtLocalServer(self, self.QtNetwork.QLocalServer())

    def remove_server(self, name):
        return self.QtNetwork.QLocalServer.removeServer(name)

    def _iterate(self, deadline):
        # Blocks until at least one event; the WAKE_MS timer bounds the wait.
        flags = self.QtCore.QEventLoop.ProcessEventsFlag
        self.QtCore.QCoreApplication.processEvents(
            flags.AllEvents | flags.WaitForMoreEvents)

    def _loop(self, predicate, timeout_ms, what, fail):
        self._wake.start()
        try:
            return _bounded_loop(self._iterate, predicate, timeout_ms, what, fail)
        finally:
            self._wake.stop()

    def run_until(self, predicate, timeout_ms, what='condition'):
        return self._loop(predicate, timeout_ms, what, True)

    def settle(self, ms):
        """Iterate the loop for ms milliseconds (to observe that nothing happens)."""
        self._loop(lambda: False, ms, 'settle', False)

    def host_address(self, text):
        return self.QtNetwork.QHostAddress(text)


def _qt_addr(address):
    return None if address.isNull() else address.toString()


def _qt_descriptor(value):
    """qintptr as a signed number (-1 arrives as 2**64 - 1 through sip)."""
    value = int(value)
    return value - (1 << 64) if value >= (1 << 63) else value


def _qt_read(result):
    return None if result is None else bytes(result)


class QtWrapper(Wrapper):

    def _connect(self, signal, callback):
        getattr(self.obj, signal).connect(callback)


class QtDevice(QtWrapper):
    """QIODevice reading, for both kinds of socket."""

    def read(self, n):
        return _qt_read(self.obj.read(n))

    def read_all(self):
        return bytes(self.obj.readAll())

    def peek(self, n):
        return _qt_read(self.obj.peek(n))

    def peek_bytes(self, n):
        return _qt_read(self.obj.peek(n)) or b''

    def read_line(self, n):
        return _qt_read(self.obj.readLine(n))

    def read_line_bytes(self):
        return bytes(self.obj.readLine())

    def open_mode(self):
        return open_mode_name(self.obj.openMode().value)

    def error_string(self):
        return self.obj.errorString()

    def state(self):
        return state_name(self.obj.state().value)

    def descriptor(self):
        return _qt_descriptor(self.obj.socketDescriptor())


class QtSocket(QtDevice):
    """QTcpSocket behind the common vocabulary."""

    CALLS = {name: camel_case(name) for name in SOCKET_CALLS}
    SIGNALS = SOCKET_SIGNALS

    def connect_to_host(self, host, port):
        self.obj.connectToHost(host, port)

    def connect_to_address(self, address, port):
        self.obj.connectToHost(self.b.host_address(address), port)

    def bind(self, address, port):
        return self.obj.bind(self.b.host_address(address), port)

    def error(self):
        return error_name(self.obj.error().value)

    def peer_name(self):
        return self.obj.peerName() or None

    def peer_address(self):
        return _qt_addr(self.obj.peerAddress())

    def local_address(self):
        return _qt_addr(self.obj.localAddress())

    def socket_option(self, name):
        v = self.obj.socketOption(self.b.QtNetwork.QAbstractSocket.SocketOption(
            SOCKET_OPTION[name]))
        return -1 if v is None else int(v)

    def set_socket_option(self, name, value):
        self.obj.setSocketOption(self.b.QtNetwork.QAbstractSocket.SocketOption(
            SOCKET_OPTION[name]), value)

    def set_socket_descriptor(self, fd):
        return self.obj.setSocketDescriptor(self.b.sip.voidptr(fd))

    def watch_destroyed(self, callback):
        self.obj.destroyed.connect(lambda *args: callback())

    def release(self):
        """Drop the object: Qt's way is deleteLater() (run by the loop).

        The scenario's handlers are disconnected first: Qt's destructor
        aborts the connection with signals, a GObject's dispose closes it
        silently (docs/overview.md, "Where qsock differs from Qt").
        """
        obj = self.obj
        self.obj = None
        for signal in SOCKET_SIGNALS:
            getattr(obj, signal).disconnect()
        self.b.sip.transferto(obj, None)   # let C++ own it, deleteLater frees it
        obj.deleteLater()


class QtServerBase(QtWrapper):
    """What QTcpServer and QLocalServer share; SOCKET wraps accepted sockets."""

    SOCKET = None

    def server_error(self):
        return error_name(self.obj.serverError().value)

    def error_string(self):
        return self.obj.errorString() or None

    def descriptor(self):
        return _qt_descriptor(self.obj.socketDescriptor())

    def next_pending_connection(self):
        s = self.obj.nextPendingConnection()
        if s is None:
            return None
        self.b.sip.transferback(s)   # the caller (Python) owns it, as with qsock
        return self.SOCKET(self.b, s)


class QtServer(QtServerBase):
    """QTcpServer behind the common vocabulary."""

    CALLS = {name: camel_case(name) for name in SERVER_CALLS}
    SIGNALS = SERVER_SIGNALS
    SOCKET = QtSocket

    def listen(self, address, port):
        if address is None:
            return self.obj.listen(self.b.QtNetwork.QHostAddress.SpecialAddress.Any, port)
        return self.obj.listen(self.b.host_address(address), port)

    def server_address(self):
        return _qt_addr(self.obj.serverAddress())



def _datagram(data, sender, sender_port, destination, destination_port,
              hop_limit, interface_index, valid):
    """A received datagram as plain values, the same from both toolkits."""
    return {'data': data, 'sender': sender, 'sender_port': sender_port,
            'destination': destination, 'destination_port': destination_port,
            'hop_limit': hop_limit, 'interface_index': interface_index,
            'valid': valid}


class QtUdpSocket(QtSocket):
    """QUdpSocket behind the common vocabulary."""

    CALLS = {name: camel_case(name) for name in UDP_CALLS}

    def bind_mode(self, address, port, mode):
        return self.obj.bind(self.b.host_address(address), port,
                             self.b.QtNetwork.QAbstractSocket.BindFlag(mode))

    def write_datagram(self, data, address, port):
        return self.obj.writeDatagram(data, self.b.host_address(address), port)

    def read_datagram(self, n):
        """(data or None, sender, sender port)"""
        data, host, port = self.obj.readDatagram(n)
        return (None if data is None else bytes(data)), _qt_addr(host), port

    def receive_datagram(self, n=-1):
        d = self.obj.receiveDatagram(n)
        return _datagram(bytes(d.data()), _qt_addr(d.senderAddress()), d.senderPort(),
                         _qt_addr(d.destinationAddress()), d.destinationPort(),
                         d.hopLimit(), d.interfaceIndex(), d.isValid())


def _qt_text(value):
    return value or None


class QtLocalSocket(QtDevice):
    """QLocalSocket behind the common vocabulary."""

    CALLS = {name: camel_case(name) for name in LOCAL_SOCKET_CALLS}
    SIGNALS = LOCAL_SOCKET_SIGNALS

    def connect_to_server(self, name=None):
        if name is None:
            self.obj.connectToServer()
        else:
            self.obj.connectToServer(name)

    def server_name(self):
        return _qt_text(self.obj.serverName())

    def full_server_name(self):
        return _qt_text(self.obj.fullServerName())

    def error(self):
        return local_error_name(self.obj.error().value)

    def set_socket_descriptor(self, fd):
        return self.obj.setSocketDescriptor(self.b.sip.voidptr(fd))

    def use_abstract_namespace(self):
        self.obj.setSocketOptions(
            self.b.QtNetwork.QLocalSocket.SocketOption.AbstractNamespaceOption)


class QtLocalServer(QtServerBase):
    """QLocalServer behind the common vocabulary."""

    CALLS = {name: camel_case(name) for name in LOCAL_SERVER_CALLS}
    SIGNALS = LOCAL_SERVER_SIGNALS
    SOCKET = QtLocalSocket

    def listen_on_descriptor(self, fd):
        return self.obj.listen(fd)

    def server_name(self):
        return _qt_text(self.obj.serverName())

    def full_server_name(self):
        return _qt_text(self.obj.fullServerName())

    def set_socket_options(self, value):
        self.obj.setSocketOptions(self.b.QtNetwork.QLocalServer.SocketOption(value))


# --------------------------------------------------------------------------
# qsock
# --------------------------------------------------------------------------

class QsockBackend:
    """qsock through PyGObject on the default GLib main context."""

    name = 'qsock'

    def __init__(self):
        import gi
        gi.require_version('Qs', '1.0')
        from gi.repository import GLib, Gio, Qs
        self.GLib = GLib
        self.Gio = Gio
        self.Qs = Qs
        self.ctx = GLib.MainContext.default()
        self.keep = []
        self._lib = self._load_c_library()
        self._check_enum_tables()

    def _load_c_library(self):
        lib = ctypes.CDLL('libqsock-1.0.so.0')
        for fn in ('qs_io_device_read', 'qs_io_device_peek', 'qs_io_device_read_line'):
            f = getattr(lib, fn)
            f.restype = ctypes.c_int64
            f.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        pyapi = ctypes.pythonapi
        pyapi.PyCapsule_GetPointer.restype = ctypes.c_void_p
        pyapi.PyCapsule_GetPointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
        return lib

    def _check_enum_tables(self):
        """The GEnum words are Qt's words (NAMING.md)."""
        for enum, table in ((self.Qs.SocketState, SOCKET_STATE),
                            (self.Qs.SocketError, SOCKET_ERROR),
                            (self.Qs.LocalSocketError, LOCAL_SOCKET_ERROR)):
            for value, name in table.items():
                nick = enum(value).value_nick.replace('-', '')
                assert nick == name.lower(), (nick, name)

    def gpointer(self, obj):
        return ctypes.pythonapi.PyCapsule_GetPointer(obj.__gpointer__, None)

    def tcp_socket(self):
        return QsSocket(self, self.Qs.TcpSocket.new())

    def tcp_server(self):
        return QsServer(self, self.Qs.TcpServer.new())

    def local_socket(self):
        return QsLocalSocket(self, self.Qs.LocalSocket.new())

    def udp_socket(self):
        return QsUdpSocket(self, self.Qs.UdpSocket.new())

    def local_server(self):
        return QsLocalServer(self, self.Qs.LocalServer.new())

    def remove_server(self, name):
        return self.Qs.LocalServer.remove_server(name)

    def _iterate(self, deadline):
        self.ctx.iteration(True)

    def _loop(self, predicate, timeout_ms, what, fail):
        wake = self.GLib.timeout_add(WAKE_MS, lambda: True)
        try:
            return _bounded_loop(self._iterate, predicate, timeout_ms, what, fail)
        finally:
            self.GLib.source_remove(wake)

    def run_until(self, predicate, timeout_ms, what='condition'):
        return self._loop(predicate, timeout_ms, what, True)

    def settle(self, ms):
        self._loop(lambda: False, ms, 'settle', False)

    def host_address(self, text):
        return self.Gio.InetAddress.new_from_string(text)


def _qs_addr(address):
    return None if address is None else address.to_string()


def _qs_calls(names):
    return {name: ('get_' + name if name in QS_GETTERS else name) for name in names}


class QsWrapper(Wrapper):

    def _connect(self, signal, callback):
        self.obj.connect(kebab_case(signal), lambda obj, *args: callback(*args))


class QsDevice(QsWrapper):
    """QsIODevice reading, for both kinds of socket."""

    def _c_buffer_call(self, fn, n):
        buf = ctypes.create_string_buffer(max(n, 1))
        r = getattr(self.b._lib, fn)(self.b.gpointer(self.obj), buf, n)
        return None if r < 0 else buf.raw[:r]

    def read(self, n):
        return self._c_buffer_call('qs_io_device_read', n)

    def read_all(self):
        return self.obj.read_all()

    def peek(self, n):
        return self._c_buffer_call('qs_io_device_peek', n)

    def peek_bytes(self, n):
        return self.obj.peek(n)

    def read_line(self, n):
        return self._c_buffer_call('qs_io_device_read_line', n)

    def read_line_bytes(self):
        return self.obj.read_line()

    def open_mode(self):
        return open_mode_name(int(self.obj.get_open_mode()))

    def error_string(self):
        return self.obj.get_error_string()

    def state(self):
        return state_name(self.obj.get_state())

    def descriptor(self):
        return self.obj.get_socket_descriptor()


class QsSocket(QsDevice):
    """Qs.TcpSocket behind the common vocabulary."""

    CALLS = _qs_calls(SOCKET_CALLS)
    SIGNALS = SOCKET_SIGNALS

    def connect_to_host(self, host, port):
        Qs = self.b.Qs
        self.obj.connect_to_host(host, port, Qs.OpenMode.READ_WRITE,
                                 Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)

    def connect_to_address(self, address, port):
        self.obj.connect_to_address(self.b.host_address(address), port,
                                    self.b.Qs.OpenMode.READ_WRITE)

    def bind(self, address, port):
        return self.obj.bind(self.b.host_address(address), port,
                             self.b.Qs.BindFlags.DEFAULT_FOR_PLATFORM)

    def error(self):
        return error_name(self.obj.get_error())

    def peer_name(self):
        return self.obj.get_peer_name()

    def peer_address(self):
        return _qs_addr(self.obj.get_peer_address())

    def local_address(self):
        return _qs_addr(self.obj.get_local_address())

    def socket_option(self, name):
        return self.obj.get_socket_option(self.b.Qs.SocketOption(SOCKET_OPTION[name]))

    def set_socket_option(self, name, value):
        self.obj.set_socket_option(self.b.Qs.SocketOption(SOCKET_OPTION[name]), value)

    def set_socket_descriptor(self, fd):
        Qs = self.b.Qs
        return self.obj.set_socket_descriptor(
            fd, Qs.SocketState.CONNECTED_STATE, Qs.OpenMode.READ_WRITE)

    def watch_destroyed(self, callback):
        self.obj.weak_ref(callback)

    def release(self):
        """Drop this wrapper's (the last) reference to the GObject."""
        self.obj = None


class QsServerBase(QsWrapper):
    """What Qs.TcpServer and Qs.LocalServer share."""

    SOCKET = None

    def server_error(self):
        return error_name(self.obj.get_server_error())

    def error_string(self):
        return self.obj.get_error_string()

    def descriptor(self):
        return self.obj.get_socket_descriptor()

    def wait_for_new_connection(self, ms):
        return tuple(self.obj.wait_for_new_connection(ms))   # not a named tuple

    def next_pending_connection(self):
        s = self.obj.next_pending_connection()
        return None if s is None else self.SOCKET(self.b, s)


class QsServer(QsServerBase):
    """Qs.TcpServer behind the common vocabulary."""

    CALLS = _qs_calls(SERVER_CALLS)
    SIGNALS = SERVER_SIGNALS
    SOCKET = QsSocket

    def listen(self, address, port):
        addr = None if address is None else self.b.host_address(address)
        return self.obj.listen(addr, port)

    def server_address(self):
        return _qs_addr(self.obj.get_server_address())



class QsUdpSocket(QsSocket):
    """Qs.UdpSocket behind the common vocabulary."""

    CALLS = _qs_calls(UDP_CALLS)

    def bind_mode(self, address, port, mode):
        return self.obj.bind(self.b.host_address(address), port, self.b.Qs.BindFlags(mode))

    def write_datagram(self, data, address, port):
        return self.obj.write_datagram(data, address, port)

    def read_datagram(self, n):
        """(data or None, sender, sender port)"""
        return self.obj.read_datagram(n)

    def receive_datagram(self, n=-1):
        d = self.obj.receive_datagram(n)
        return _datagram(d.get_data(), _qs_addr(d.get_sender_address()),
                         d.get_sender_port(), _qs_addr(d.get_destination_address()),
                         d.get_destination_port(), d.get_hop_limit(),
                         d.get_interface_index(), d.is_valid())


class QsLocalSocket(QsDevice):
    """Qs.LocalSocket behind the common vocabulary."""

    CALLS = _qs_calls(LOCAL_SOCKET_CALLS)
    SIGNALS = LOCAL_SOCKET_SIGNALS

    def connect_to_server(self, name=None):
        self.obj.connect_to_server(name, self.b.Qs.OpenMode.READ_WRITE)

    def server_name(self):
        return self.obj.get_server_name()

    def full_server_name(self):
        return self.obj.get_full_server_name()

    def error(self):
        return local_error_name(self.obj.get_error())

    def set_socket_descriptor(self, fd):
        Qs = self.b.Qs
        return self.obj.set_socket_descriptor(
            fd, Qs.LocalSocketState.CONNECTED_STATE, Qs.OpenMode.READ_WRITE)

    def use_abstract_namespace(self):
        self.obj.set_socket_options(
            self.b.Qs.LocalSocketOptions.ABSTRACT_NAMESPACE_OPTION)


class QsLocalServer(QsServerBase):
    """Qs.LocalServer behind the common vocabulary."""

    CALLS = _qs_calls(LOCAL_SERVER_CALLS)
    SIGNALS = LOCAL_SERVER_SIGNALS
    SOCKET = QsLocalSocket

    def listen_on_descriptor(self, fd):
        return self.obj.listen_on_descriptor(fd)

    def server_name(self):
        return self.obj.get_server_name()

    def full_server_name(self):
        return self.obj.get_full_server_name()

    def set_socket_options(self, value):
        self.obj.set_socket_options(self.b.Qs.LocalServerSocketOptions(value))


BACKENDS = {'qt': QtBackend, 'qsock': QsockBackend}


# -- opening write-only (the write-only scenarios) ---------------------------

def _write_only_args(sock):
    """(WriteOnly, ConnectedState) in sock's toolkit, for a TCP or local socket."""
    local = isinstance(sock, (QtLocalSocket, QsLocalSocket))
    if sock.b.name == 'qt':
        QtNetwork = sock.b.QtNetwork
        state_enum = (QtNetwork.QLocalSocket.LocalSocketState if local
                      else QtNetwork.QAbstractSocket.SocketState)
        return sock.b.QtCore.QIODevice.OpenModeFlag.WriteOnly, state_enum.ConnectedState
    Qs = sock.b.Qs
    state_enum = Qs.LocalSocketState if local else Qs.SocketState
    return Qs.OpenMode.WRITE_ONLY, state_enum.CONNECTED_STATE


def connect_write_only(sock, target, port=None):
    """Connect opening WriteOnly: a TCP socket to the address target and
    port, a local socket to the server named target."""
    mode, _ = _write_only_args(sock)
    qt = sock.b.name == 'qt'
    if port is None:
        (sock.obj.connectToServer if qt else sock.obj.connect_to_server)(target, mode)
    elif qt:
        sock.obj.connectToHost(sock.b.host_address(target), port, mode)
    else:
        sock.obj.connect_to_address(sock.b.host_address(target), port, mode)


def set_socket_descriptor_write_only(sock, fd):
    """Adopt a connected descriptor, opening WriteOnly."""
    mode, state = _write_only_args(sock)
    if sock.b.name == 'qt':
        return sock.obj.setSocketDescriptor(sock.b.sip.voidptr(fd), state, mode)
    return sock.obj.set_socket_descriptor(fd, state, mode)
