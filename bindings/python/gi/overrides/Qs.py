# Qs.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# PyGObject overrides for qsock (Qs-1.0): reads return bytes, writes take
# any bytes-like object, datagram reads return (data, host, port), and
# sockets and servers are context managers.
"""Pythonic qsock. What changes against the raw GIR (see
bindings/python/README.md):

- ``IODevice.read(n)``, ``peek(n)``, ``read_line(n=0)`` and
  ``read_all()`` return ``bytes`` (Qt's ``QByteArray`` overloads: empty
  on error); ``get_char()`` returns one byte, or ``b''`` where C returns
  ``FALSE``. The ``*_bytes`` twins still return ``GLib.Bytes``.
- ``IODevice.write(data)``, ``put_char(c)``, ``unget_char(c)``,
  ``UdpSocket.write_datagram(data, address, port)`` and
  ``NetworkDatagram.set_data(data)`` take any bytes-like object (a
  character as one byte or an int 0..255, an address as a
  ``Gio.InetAddress`` or its text).
- ``UdpSocket.read_datagram(n)`` returns ``(data, host, port)`` with
  ``host`` a ``str``; ``(None, None, 0)`` where C returns -1.
  ``receive_datagram(n=-1)`` returns a ``Qs.NetworkDatagram`` whose
  ``get_data()`` is ``bytes``.
- Every call with default arguments in Qt has them here, by position
  or by keyword with qsock's parameter names:
  ``connect_to_host(host_name, port, mode=READ_WRITE,
  protocol=ANY_IP_PROTOCOL)``, ``bind(address=None, port=0,
  mode=DEFAULT_FOR_PLATFORM)`` (also Qt's ``bind(port, mode)``),
  ``listen(address=None, port=0)``, ``wait_for_*(msecs=30000)`` (servers:
  ``msecs=0``), ``set_socket_descriptor(fd, state=CONNECTED_STATE,
  open_mode=READ_WRITE)``, ``connect_to_server(name=None,
  open_mode=READ_WRITE)``...; the ``_async`` calls default ``io_priority``
  to ``GLib.PRIORITY_DEFAULT`` and ``cancellable`` to ``None``.
- ``NetworkProxy.set_application_proxy(proxy)`` is Qt's static call:
  ``None`` (C's ``NULL``) is ``NO_PROXY``.
- ``with`` closes a device or a server on exit.

They must come from the same qsock as the typelib: importing them
against another version raises ImportError naming the directory to put
on ``PYTHONPATH``.

Failures are never turned into exceptions: they return Qt's value and
set the object's error as in C. Arguments of the wrong type raise
``TypeError`` (sizes must be integers: no floats), out of range
``OverflowError`` or ``ValueError``.
"""

import operator
import os

from gi.repository import GLib, Gio

from ..module import get_introspection_module
from ..overrides import override

Qs = get_introspection_module('Qs')

__all__ = []

# Filled in by meson: this file's version, where it is installed, and
# where the typelib of the same installation is.
_VERSION = '@VERSION@'
_SITE_DIR = '@PYTHON_SITE_DIR@'
_TYPELIB_DIR = '@TYPELIB_DIR@'


def _check_typelib():
    """ImportError, with the PYTHONPATH that fixes it, unless the typelib
    PyGObject loaded is this file's version."""
    typelib_version = getattr(Qs, 'VERSION_S', None)
    if typelib_version == _VERSION:
        return
    import gi
    gi.require_version('GIRepository', '2.0')
    from gi.repository import GIRepository
    typelib = GIRepository.Repository.get_default().get_typelib_path('Qs')
    site = os.path.normpath(os.path.join(os.path.dirname(typelib),
                                         os.path.relpath(_SITE_DIR, _TYPELIB_DIR)))
    raise ImportError(
        "qsock's Python overrides %s (%s) do not match the typelib %s (%s): "
        "put the overrides of that installation first on the path, "
        "PYTHONPATH=%s" % (_VERSION, __file__, typelib_version, typelib, site))


_check_typelib()


def _as_bytes(data):
    """data, any bytes-like object or a GLib.Bytes, as bytes; TypeError
    for anything else (str included)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, GLib.Bytes):
        return _bytes_of(data)
    return memoryview(data).tobytes()


def _bytes_of(gbytes):
    """The contents of a GLib.Bytes (PyGObject gives None when empty)."""
    return gbytes.get_data() or b''


def _char(c):
    """c, an int 0..255 or a bytes-like object of one byte, as the
    signed char of the C calls."""
    if isinstance(c, int):
        value = c
    else:
        data = _as_bytes(c)
        if len(data) != 1:
            raise TypeError('expected one byte, got %d' % len(data))
        value = data[0]
    if not 0 <= value <= 255:
        raise ValueError('byte must be in range(0, 256)')
    return value - 256 if value > 127 else value


def _inet_address(address):
    """address, a Gio.InetAddress or its text, as a Gio.InetAddress."""
    if isinstance(address, Gio.InetAddress):
        return address
    if isinstance(address, str):
        try:
            parsed = Gio.InetAddress.new_from_string(address)
        except TypeError:  # PyGObject: "constructor returned NULL"
            parsed = None
        if parsed is None:
            raise ValueError('not an IP address: %r' % address)
        return parsed
    raise TypeError('address must be a Gio.InetAddress or a str, not %s'
                    % type(address).__name__)


def _any_or_address(address):
    """address, None (Qt's QHostAddress::Any: qsock's dual-stack any), a
    Gio.InetAddress or its text, as the C calls take it."""
    return None if address is None else _inet_address(address)


# Qt's defaults.
_WAIT_MSECS = 30000
_READ_WRITE = Qs.OpenMode.READ_WRITE
_PRIORITY = GLib.PRIORITY_DEFAULT


class _SocketWaits:
    """Qt's default of the sockets' wait calls (mixed in before the
    class it completes)."""

    def wait_for_connected(self, msecs=_WAIT_MSECS):
        """Qt's waitForConnected(msecs = 30000)."""
        return super().wait_for_connected(msecs)

    def wait_for_disconnected(self, msecs=_WAIT_MSECS):
        """Qt's waitForDisconnected(msecs = 30000)."""
        return super().wait_for_disconnected(msecs)

    def wait_for_ready_read(self, msecs=_WAIT_MSECS):
        """Qt's waitForReadyRead(msecs = 30000)."""
        return super().wait_for_ready_read(msecs)

    def wait_for_bytes_written(self, msecs=_WAIT_MSECS):
        """Qt's waitForBytesWritten(msecs = 30000)."""
        return super().wait_for_bytes_written(msecs)


class _ServerWaits:
    """Qt's default of the servers' waitForNewConnection (mixed in before
    the class it completes)."""

    def wait_for_new_connection(self, msecs=0):
        """Qt's waitForNewConnection(msec = 0): (ok, timed_out)."""
        return super().wait_for_new_connection(msecs)


class _ClosedOnExit:
    """``with`` support: the object, closed when the block ends (also by
    an exception, which still propagates)."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()


# The C calls the hot overrides make, looked up once: an attribute of a
# GObject wrapper costs more to find than a module global.
_read_borrowed = Qs.IODevice.read_borrowed
_write = Qs.IODevice.write


class IODevice(Qs.IODevice, _ClosedOnExit):

    def read(self, max_size):
        """Reads and consumes up to max_size bytes; b'' when none are
        buffered or on error (Qt's read(qint64))."""
        # One call into C, whose result PyGObject copies into bytes.
        return _read_borrowed(self, operator.index(max_size))

    def read_all(self):
        """Reads every available byte; b'' on error (Qt's readAll())."""
        return _bytes_of(Qs.IODevice.read_all(self))

    def peek(self, max_size):
        """Up to max_size buffered bytes, not consumed (Qt's peek(qint64))."""
        return _bytes_of(self.peek_bytes(operator.index(max_size)))

    def read_line(self, max_size=0):
        """A line, with its '\\n', of at most max_size - 1 bytes (0: no
        limit); b'' on error (Qt's readLine(qint64))."""
        return _bytes_of(self.read_line_bytes(operator.index(max_size)))

    def get_char(self):
        """One byte, or b'' where Qt's getChar() returns false."""
        read, char = Qs.IODevice.get_char(self)
        return bytes((char & 0xff,)) if read else b''

    def unget_char(self, c):
        """Puts the byte c (an int or one byte) back into the read buffer."""
        Qs.IODevice.unget_char(self, _char(c))

    def put_char(self, c):
        """Writes the byte c (an int or one byte); False on error."""
        return Qs.IODevice.put_char(self, _char(c))

    def write(self, data):
        """Queues data, any bytes-like object or a GLib.Bytes; returns the
        bytes accepted or -1 on error."""
        return _write(self, data if data.__class__ is bytes else _as_bytes(data))

    def read_async(self, count, io_priority=_PRIORITY, cancellable=None,
                   callback=None, *user_data):
        """Reads up to count bytes when some are there; io_priority and
        cancellable are optional."""
        Qs.IODevice.read_async(self, count, io_priority, cancellable, callback, *user_data)

    def write_all_async(self, data, io_priority=_PRIORITY, cancellable=None,
                        callback=None, *user_data):
        """Writes all of data, any bytes-like object or a GLib.Bytes;
        io_priority and cancellable are optional."""
        if not isinstance(data, GLib.Bytes):
            data = GLib.Bytes.new(_as_bytes(data))
        Qs.IODevice.write_all_async(self, data, io_priority, cancellable, callback, *user_data)


IODevice = override(IODevice)
__all__.append('IODevice')


class AbstractSocket(_SocketWaits, Qs.AbstractSocket):

    def connect_to_host(self, host_name, port, mode=_READ_WRITE,
                        protocol=Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL):
        """Qt's connectToHost(hostName, port, mode = ReadWrite,
        protocol = AnyIPProtocol)."""
        Qs.AbstractSocket.connect_to_host(self, host_name, port, mode, protocol)

    def connect_to_address(self, address, port, mode=_READ_WRITE):
        """Qt's connectToHost(address, port, mode = ReadWrite); address a
        Gio.InetAddress or its text."""
        Qs.AbstractSocket.connect_to_address(self, _inet_address(address), port, mode)

    def connect_to_host_async(self, host_name, port, mode=_READ_WRITE,
                              protocol=Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL,
                              cancellable=None, callback=None, *user_data):
        """connect_to_host, finished by connect_to_host_finish in callback."""
        Qs.AbstractSocket.connect_to_host_async(self, host_name, port, mode, protocol,
                                                cancellable, callback, *user_data)

    def bind(self, address=None, port=0, mode=Qs.BindFlags.DEFAULT_FOR_PLATFORM):
        """Qt's bind(address = Any, port = 0, mode = DefaultForPlatform)
        and bind(port = 0, mode = DefaultForPlatform); address None (any),
        a Gio.InetAddress or its text."""
        if isinstance(address, int):
            if isinstance(port, Qs.BindFlags):
                mode = port
            elif port != 0:
                raise TypeError('bind(port, mode): mode must be a Qs.BindFlags')
            address, port = None, address
        return Qs.AbstractSocket.bind(self, _any_or_address(address), port, mode)

    def set_socket_descriptor(self, socket_descriptor,
                              state=Qs.SocketState.CONNECTED_STATE, open_mode=_READ_WRITE):
        """Qt's setSocketDescriptor(fd, state = ConnectedState,
        openMode = ReadWrite)."""
        return Qs.AbstractSocket.set_socket_descriptor(self, socket_descriptor, state, open_mode)


AbstractSocket = override(AbstractSocket)
__all__.append('AbstractSocket')


class NetworkDatagram(Qs.NetworkDatagram):

    @staticmethod
    def new(data=None, destination_address=None, port=0):
        """Qt's QNetworkDatagram() and QNetworkDatagram(data,
        destinationAddress = QHostAddress(), port = 0); data any
        bytes-like object, destination_address a Gio.InetAddress or its
        text."""
        if data is not None and not isinstance(data, GLib.Bytes):
            data = GLib.Bytes.new(_as_bytes(data))
        return Qs.NetworkDatagram.new(data, _any_or_address(destination_address), port)

    @staticmethod
    def new_from_data(data, destination_address=None, port=0):
        """A datagram carrying data (any bytes-like object) to
        destination_address and port, by default none."""
        return Qs.NetworkDatagram.new_from_data(_as_bytes(data),
                                                _any_or_address(destination_address), port)

    def set_sender(self, address, port=0):
        """Qt's setSender(address, port = 0)."""
        Qs.NetworkDatagram.set_sender(self, _any_or_address(address), port)

    def get_data(self):
        """The payload as bytes."""
        return _bytes_of(Qs.NetworkDatagram.get_data(self))

    def set_data(self, data):
        """Sets the payload from any bytes-like object."""
        Qs.NetworkDatagram.set_data(self, GLib.Bytes.new(_as_bytes(data)))

    def make_reply(self, payload):
        """A datagram back to this one's sender carrying payload, any
        bytes-like object."""
        return Qs.NetworkDatagram.make_reply(self, GLib.Bytes.new(_as_bytes(payload)))


NetworkDatagram = override(NetworkDatagram)
__all__.append('NetworkDatagram')


class UdpSocket(Qs.UdpSocket):

    def read_datagram(self, max_size):
        """The next datagram as (data, host, port), data cut to max_size
        bytes and host a str; (None, None, 0) where Qt returns -1 (none
        pending: error() is TEMPORARY_ERROR)."""
        data, address, port = self.read_datagram_bytes(operator.index(max_size))
        if data is None:
            return None, None, 0
        return _bytes_of(data), address.to_string() if address else None, port

    def receive_datagram(self, max_size=-1):
        """The next datagram as a Qs.NetworkDatagram, invalid when none
        was read; max_size -1 (the default) keeps all of it."""
        return Qs.UdpSocket.receive_datagram(self, operator.index(max_size))

    def write_datagram(self, data, address, port):
        """Sends data, any bytes-like object, to address (a
        Gio.InetAddress or its text) and port; the bytes sent or -1."""
        return Qs.UdpSocket.write_datagram(self, _as_bytes(data),
                                           _inet_address(address), port)

    def join_multicast_group(self, group_address, iface_name=None):
        """Qt's joinMulticastGroup(groupAddress) and
        joinMulticastGroup(groupAddress, iface); group_address a
        Gio.InetAddress or its text."""
        return Qs.UdpSocket.join_multicast_group(self, _inet_address(group_address), iface_name)

    def leave_multicast_group(self, group_address, iface_name=None):
        """Qt's leaveMulticastGroup(groupAddress) and
        leaveMulticastGroup(groupAddress, iface)."""
        return Qs.UdpSocket.leave_multicast_group(self, _inet_address(group_address), iface_name)


UdpSocket = override(UdpSocket)
__all__.append('UdpSocket')


class TcpServer(_ServerWaits, Qs.TcpServer, _ClosedOnExit):

    def listen(self, address=None, port=0):
        """Qt's listen(address = Any, port = 0); address None (any), a
        Gio.InetAddress or its text."""
        return Qs.TcpServer.listen(self, _any_or_address(address), port)


TcpServer = override(TcpServer)
__all__.append('TcpServer')


class LocalServer(_ServerWaits, Qs.LocalServer, _ClosedOnExit):
    pass


LocalServer = override(LocalServer)
__all__.append('LocalServer')


class LocalSocket(_SocketWaits, Qs.LocalSocket):

    def connect_to_server(self, name=None, open_mode=_READ_WRITE):
        """Qt's connectToServer(name, openMode = ReadWrite) and
        connectToServer(openMode = ReadWrite): name None keeps
        server-name."""
        if isinstance(name, Qs.OpenMode):
            name, open_mode = None, name
        Qs.LocalSocket.connect_to_server(self, name, open_mode)

    def set_socket_descriptor(self, socket_descriptor,
                              socket_state=Qs.LocalSocketState.CONNECTED_STATE,
                              open_mode=_READ_WRITE):
        """Qt's setSocketDescriptor(fd, socketState = ConnectedState,
        openMode = ReadWrite)."""
        return Qs.LocalSocket.set_socket_descriptor(self, socket_descriptor,
                                                    socket_state, open_mode)


LocalSocket = override(LocalSocket)
__all__.append('LocalSocket')


class NetworkProxy(Qs.NetworkProxy):

    # g-ir-scanner makes the C function a method (its first parameter is
    # a QsNetworkProxy), whose instance PyGObject never lets be None: a
    # plain function here, so that Qs.NetworkProxy.set_application_proxy(p)
    # and p.set_application_proxy() both still work.
    def set_application_proxy(network_proxy):  # pylint: disable=no-self-argument
        """Qt's static setApplicationProxy(proxy); None (the C NULL) is
        NO_PROXY, which a NO_PROXY proxy gives too."""
        if network_proxy is None:
            network_proxy = Qs.NetworkProxy.new(Qs.NetworkProxyType.NO_PROXY, None, 0, None, None)
        Qs.NetworkProxy.set_application_proxy(network_proxy)


NetworkProxy = override(NetworkProxy)
__all__.append('NetworkProxy')
