/* qs-udp-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsUdpSocket: Qt's QUdpSocket. Datagrams bypass the stream buffers and
 * the stream pump: each call is one system call of the socket engine,
 * and a read lands straight in the caller's buffer. The state machine,
 * bind, connect, the read watch and ready-read are QsAbstractSocket's
 * (for UDP it behaves as Qt's unbuffered QAbstractSocket); this file adds
 * the datagram calls and multicast, with Qt 6.4's return values, errors
 * and signals (checked against PyQt6).
 */

#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <glib/gi18n-lib.h>

#include "qs-abstract-socket-private.h"
#include "qs-io-device-private.h"
#include "qs-network-datagram-private.h"
#include "qs-udp-socket.h"

/**
 * QsUdpSocket:
 *
 * A UDP socket (Qt's `QUdpSocket`).
 *
 * Bind it with [method@Qs.AbstractSocket.bind] (or just send: an unbound
 * socket binds itself to the any address and a free port first), send
 * with [method@Qs.UdpSocket.write_datagram] and read what
 * [signal@Qs.IODevice::ready-read] announces with
 * [method@Qs.UdpSocket.read_datagram] or
 * [method@Qs.UdpSocket.receive_datagram]:
 *
 * ```python
 * from gi.repository import GLib, Gio, Qs
 *
 * def on_ready_read(sock):
 *     while sock.has_pending_datagrams():
 *         datagram = sock.receive_datagram(-1)
 *         reply = datagram.make_reply(GLib.Bytes.new(b"pong"))
 *         sock.write_network_datagram(reply)
 *
 * sock = Qs.UdpSocket.new()
 * sock.connect("ready-read", on_ready_read)
 * sock.bind(Gio.InetAddress.new_from_string("127.0.0.1"), 7755,
 *           Qs.BindFlags.DEFAULT_FOR_PLATFORM)
 * GLib.MainLoop().run()
 * ```
 *
 * Datagrams bypass the read and write buffers of [class@Qs.IODevice]:
 * they wait in the kernel until read. [signal@Qs.IODevice::ready-read] is
 * emitted once when datagrams arrive; it comes again after the
 * application has read one, as in Qt, so a handler should read every
 * pending datagram.
 *
 * After [method@Qs.AbstractSocket.connect_to_host] the socket exchanges
 * datagrams with that peer only, and [method@Qs.IODevice.read] and
 * [method@Qs.IODevice.write] each move one datagram.
 *
 * Since: 1.0
 */

typedef struct
{
  char *multicast_interface;   /* (owned) (nullable): last value read back */
} QsUdpSocketPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (QsUdpSocket, qs_udp_socket, QS_TYPE_ABSTRACT_SOCKET)

enum {
  PROP_0,
  PROP_MULTICAST_INTERFACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static guint bytes_written_signal;

/* Qt's QT_CHECK_BOUND: the call needs a socket. */
static QsSocketEngine *
check_bound (QsUdpSocket *self,
             const char  *function)
{
  QsSocketEngine *engine = _qs_abstract_socket_get_engine (QS_ABSTRACT_SOCKET (self));

  if (engine == NULL)
    g_warning ("QsUdpSocket::%s() called on a QsUdpSocket when not in BoundState", function);
  return engine;
}

static void
qs_udp_socket_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  QsUdpSocket *self = QS_UDP_SOCKET (object);

  switch (prop_id)
    {
    case PROP_MULTICAST_INTERFACE:
      g_value_set_string (value, qs_udp_socket_get_multicast_interface (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_udp_socket_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  QsUdpSocket *self = QS_UDP_SOCKET (object);

  switch (prop_id)
    {
    case PROP_MULTICAST_INTERFACE:
      qs_udp_socket_set_multicast_interface (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
qs_udp_socket_finalize (GObject *object)
{
  QsUdpSocketPrivate *priv = qs_udp_socket_get_instance_private (QS_UDP_SOCKET (object));

  g_clear_pointer (&priv->multicast_interface, g_free);

  G_OBJECT_CLASS (qs_udp_socket_parent_class)->finalize (object);
}

static void
qs_udp_socket_class_init (QsUdpSocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = qs_udp_socket_get_property;
  object_class->set_property = qs_udp_socket_set_property;
  object_class->finalize = qs_udp_socket_finalize;

  /**
   * QsUdpSocket:multicast-interface: (getter get_multicast_interface) (setter set_multicast_interface)
   *
   * The name of the network interface multicast datagrams leave by
   * (`IP_MULTICAST_IF` / `IPV6_MULTICAST_IF`); %NULL for the system's
   * choice, and while the socket is not bound.
   *
   * Since: 1.0
   */
  properties[PROP_MULTICAST_INTERFACE] =
    g_param_spec_string ("multicast-interface", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Qt's writeDatagram() emits bytesWritten directly, without the
   * re-entrancy guard QIODevice's writes use. */
  bytes_written_signal = g_signal_lookup ("bytes-written", QS_TYPE_IO_DEVICE);
}

static void
qs_udp_socket_init (QsUdpSocket *self)
{
  _qs_abstract_socket_init_socket_type (QS_ABSTRACT_SOCKET (self), QS_SOCKET_TYPE_UDP_SOCKET);
}

/**
 * qs_udp_socket_new:
 *
 * Creates an unbound UDP socket bound to the thread-default main
 * context. Qt: `QUdpSocket()`.
 *
 * Returns: (transfer full): a new socket
 *
 * Since: 1.0
 */
QsUdpSocket *
qs_udp_socket_new (void)
{
  return g_object_new (QS_TYPE_UDP_SOCKET, NULL);
}

/**
 * qs_udp_socket_has_pending_datagrams:
 * @self: a socket
 *
 * On a socket that is not bound it warns and returns %FALSE, as Qt.
 * Qt: `hasPendingDatagrams()`.
 *
 * Returns: %TRUE when at least one datagram waits to be read
 *
 * Since: 1.0
 */
gboolean
qs_udp_socket_has_pending_datagrams (QsUdpSocket *self)
{
  QsSocketEngine *engine;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), FALSE);

  engine = check_bound (self, "has_pending_datagrams");
  return engine != NULL && _qs_socket_engine_has_pending_datagrams (engine);
}

/**
 * qs_udp_socket_pending_datagram_size:
 * @self: a socket
 *
 * On a socket that is not bound it warns and returns -1, as Qt.
 * Qt: `pendingDatagramSize()`.
 *
 * Returns: the size of the next datagram, or -1 when none is pending
 *
 * Since: 1.0
 */
gint64
qs_udp_socket_pending_datagram_size (QsUdpSocket *self)
{
  QsSocketEngine *engine;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);

  engine = check_bound (self, "pending_datagram_size");
  return engine != NULL ? _qs_socket_engine_pending_datagram_size (engine) : -1;
}

/* A failed receive: Qt's setErrorAndEmit() with the engine's error. */
static void
receive_failed (QsUdpSocket *self,
                int          error_number)
{
  g_object_ref (self);
  _qs_abstract_socket_set_error_from_errno (QS_ABSTRACT_SOCKET (self), QS_ENGINE_OP_RECEIVE_DATAGRAM,
                                            error_number, TRUE);
  g_object_unref (self);
}

/**
 * qs_udp_socket_read_datagram:
 * @self: a socket
 * @data: (out caller-allocates) (array length=max_size) (element-type guint8):
 *   where to store the datagram
 * @max_size: room in @data
 * @address: (out) (optional) (nullable) (transfer full): the sender's address
 * @port: (out) (optional): the sender's port
 *
 * Reads the next datagram into @data. A datagram longer than @max_size is
 * truncated and the rest is lost; with @max_size 0 the datagram is
 * discarded. With none pending it returns -1 and reports
 * %QS_SOCKET_ERROR_TEMPORARY_ERROR through
 * [signal@Qs.AbstractSocket::error-occurred], as Qt. On a socket that is
 * not bound it warns and returns -1. Bindings use
 * [method@Qs.UdpSocket.receive_datagram]. Qt: `readDatagram()`.
 *
 * Returns: the bytes stored in @data, or -1
 *
 * Since: 1.0
 */
gint64
qs_udp_socket_read_datagram (QsUdpSocket   *self,
                             guint8        *data,
                             gsize          max_size,
                             GInetAddress **address,
                             guint16       *port)
{
  QsAbstractSocket *socket = (QsAbstractSocket *) self;
  QsDatagramHeader header;
  QsSocketEngine *engine;
  int error_number = 0;
  gssize n;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (data != NULL || max_size == 0, -1);
  g_return_val_if_fail (max_size <= G_MAXINT64, -1);

  if (address != NULL)
    *address = NULL;
  if (port != NULL)
    *port = 0;

  engine = check_bound (self, "read_datagram");
  if (engine == NULL)
    return -1;

  n = _qs_socket_engine_receive_datagram (engine, data, max_size,
                                          (address || port) ? QS_DATAGRAM_WANT_SENDER : QS_DATAGRAM_WANT_NONE,
                                          &header, &error_number);
  _qs_abstract_socket_datagram_read (socket);
  if (n < 0)
    {
      receive_failed (self, error_number);
      return -1;
    }

  if ((address || port) && header.sender_len > 0)
    {
      guint16 sender_port = 0;
      GInetAddress *sender = _qs_inet_address_from_native (&header.sender, &sender_port);

      if (port != NULL)
        *port = sender_port;
      if (address != NULL)
        *address = sender;
      else
        g_clear_object (&sender);
    }
  return n;
}

/* The largest UDP payload (IPv4: 65507, IPv6 without jumbograms: 65527). */
#define QS_UDP_MAX_PAYLOAD 65536

/**
 * qs_udp_socket_receive_datagram:
 * @self: a socket
 * @max_size: the most bytes to keep, or -1 (Qt's default) for the whole
 *   datagram
 *
 * Reads the next datagram with its sender, destination (the address and
 * port it was sent to), hop limit (the IP TTL it arrived with) and the
 * index of the interface it came in on. A longer datagram is truncated
 * to @max_size. With none pending it returns an invalid datagram and
 * reports nothing, as Qt. Qt: `receiveDatagram()`.
 *
 * Returns: (transfer full): the datagram; never %NULL, invalid (see
 *   [method@Qs.NetworkDatagram.is_valid]) when none was read
 *
 * Since: 1.0
 */
QsNetworkDatagram *
qs_udp_socket_receive_datagram (QsUdpSocket *self,
                                gint64       max_size)
{
  QsAbstractSocket *socket = (QsAbstractSocket *) self;
  QsNetworkDatagram *datagram;
  QsDatagramHeader header;
  QsSocketEngine *engine;
  int error_number = 0;
  guint8 *buffer;
  gsize room;
  gssize n;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), NULL);

  engine = check_bound (self, "receive_datagram");
  if (engine == NULL)
    return qs_network_datagram_new (NULL, NULL, 0);

  if (max_size < 0)
    max_size = _qs_socket_engine_pending_datagram_size (engine);
  if (max_size < 0)
    return qs_network_datagram_new (NULL, NULL, 0);

  room = MIN (max_size, QS_UDP_MAX_PAYLOAD);
  buffer = room ? g_malloc (room) : NULL;
  n = _qs_socket_engine_receive_datagram (engine, buffer, room, QS_DATAGRAM_WANT_ALL,
                                          &header, &error_number);
  _qs_abstract_socket_datagram_read (socket);
  if (n < 0)
    {
      g_free (buffer);
      receive_failed (self, error_number);
      return qs_network_datagram_new (NULL, NULL, 0);
    }

  datagram = qs_network_datagram_new (NULL, NULL, 0);
  if (n > 0)
    {
      g_bytes_unref (datagram->data);
      datagram->data = g_bytes_new_take ((gsize) n < room ? g_realloc (buffer, n) : buffer, n);
    }
  else
    g_free (buffer);

  if (header.sender_len > 0)
    datagram->sender_address = _qs_inet_address_from_native (&header.sender, &datagram->sender_port);
  if (header.destination_family != G_SOCKET_FAMILY_INVALID)
    {
      datagram->destination_address = g_inet_address_new_from_bytes (header.destination,
                                                                      header.destination_family);
      datagram->destination_port = qs_abstract_socket_get_local_port (socket);
    }
  datagram->hop_limit = header.hop_limit;
  datagram->interface_index = header.interface_index;
  return datagram;
}

/* Qt's writeDatagram(): an unbound socket binds to the any address and
 * port 0 first (state-changed(BOUND)); bytes-written follows each
 * datagram sent, before the call returns. */
static gint64
send_datagram (QsUdpSocket  *self,
               const guint8 *data,
               gsize         size,
               GInetAddress *destination,
               guint16       port,
               GInetAddress *source,
               int           hop_limit,
               guint         interface_index)
{
  QsAbstractSocket *socket = (QsAbstractSocket *) self;
  QsSocketEngine *engine;
  int error_number = 0;
  gssize sent = -1;

  g_object_ref (self);

  if (qs_abstract_socket_get_state (socket) == QS_SOCKET_STATE_UNCONNECTED_STATE)
    qs_abstract_socket_bind (socket, NULL, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);

  /* NULL when binding failed (reported), or a handler closed the socket. */
  engine = _qs_abstract_socket_get_engine (socket);
  if (engine == NULL)
    goto out;

  sent = _qs_socket_engine_send_datagram (engine, data, size, destination, port, source,
                                          hop_limit, interface_index, &error_number);
  if (sent >= 0)
    g_signal_emit (self, bytes_written_signal, 0, (gint64) sent);
  else
    _qs_abstract_socket_set_error_from_errno (socket, QS_ENGINE_OP_SEND_DATAGRAM, error_number, TRUE);

out:
  g_object_unref (self);
  return sent;
}

/**
 * qs_udp_socket_write_datagram:
 * @self: a socket
 * @data: (array length=size) (element-type guint8): the datagram
 * @size: its size
 * @address: the destination address
 * @port: the destination port
 *
 * Sends one datagram at once. An unbound socket first binds to the any
 * address and port 0, with [signal@Qs.AbstractSocket::state-changed]
 * (bound). [signal@Qs.IODevice::bytes-written] follows each datagram
 * sent, before this returns. A datagram too large for the network fails
 * with %QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR. On a connected socket
 * use [method@Qs.IODevice.write] instead. Qt: `writeDatagram()`.
 *
 * Returns: the bytes sent, or -1 on error
 *
 * Since: 1.0
 */
gint64
qs_udp_socket_write_datagram (QsUdpSocket  *self,
                              const guint8 *data,
                              gsize         size,
                              GInetAddress *address,
                              guint16       port)
{
  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (data != NULL || size == 0, -1);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), -1);

  return send_datagram (self, data, size, address, port, NULL, -1, 0);
}

/**
 * qs_udp_socket_write_datagram_bytes:
 * @self: a socket
 * @data: the datagram
 * @address: the destination address
 * @port: the destination port
 *
 * [method@Qs.UdpSocket.write_datagram] for a `GBytes`.
 * Qt: `writeDatagram(const QByteArray &, …)`.
 *
 * Returns: the bytes sent, or -1 on error
 *
 * Since: 1.0
 */
gint64
qs_udp_socket_write_datagram_bytes (QsUdpSocket  *self,
                                    GBytes       *data,
                                    GInetAddress *address,
                                    guint16       port)
{
  gconstpointer bytes;
  gsize size = 0;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (data != NULL, -1);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), -1);

  bytes = g_bytes_get_data (data, &size);
  return send_datagram (self, bytes, size, address, port, NULL, -1, 0);
}

/**
 * qs_udp_socket_write_network_datagram:
 * @self: a socket
 * @datagram: the datagram
 *
 * Sends @datagram to its destination (none on a connected socket: the
 * peer), from its sender address when set, with its hop limit when not
 * -1, out of its interface when not 0. Otherwise as
 * [method@Qs.UdpSocket.write_datagram]. Qt: `writeDatagram(const
 * QNetworkDatagram &)`.
 *
 * Returns: the bytes sent, or -1 on error
 *
 * Since: 1.0
 */
gint64
qs_udp_socket_write_network_datagram (QsUdpSocket       *self,
                                      QsNetworkDatagram *datagram)
{
  gconstpointer bytes;
  gsize size = 0;
  gint64 sent;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (datagram != NULL, -1);

  /* A handler of the signals may change the datagram: keep its value. */
  qs_network_datagram_ref (datagram);
  bytes = g_bytes_get_data (datagram->data, &size);
  sent = send_datagram (self, bytes, size, datagram->destination_address,
                        datagram->destination_port, datagram->sender_address,
                        datagram->hop_limit, datagram->interface_index);
  qs_network_datagram_unref (datagram);
  return sent;
}

/* Qt's QNativeSocketEngine error for a failed membership call; qsock
 * stores it on the socket (without a signal), where Qt keeps it in its
 * engine. */
static void
multicast_failed (QsUdpSocket *self,
                  int          error_number)
{
  QsAbstractSocket *socket = (QsAbstractSocket *) self;

  switch (error_number)
    {
    case ENOPROTOOPT:
      _qs_abstract_socket_set_error (socket, QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR,
                                     _("Unsupported socket operation"), FALSE);
      break;
    case EADDRNOTAVAIL:
    case ENODEV:
      _qs_abstract_socket_set_error (socket, QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR,
                                     _("The address is not available"), FALSE);
      break;
    default:
      _qs_abstract_socket_set_error (socket, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR,
                                     _("Unknown error"), FALSE);
      break;
    }
}

/* The index of interface @iface_name, 0 for NULL; FALSE (with the error
 * set) when there is no such interface. */
static gboolean
interface_index (QsUdpSocket *self,
                 const char  *iface_name,
                 guint       *index)
{
  *index = 0;
  if (iface_name == NULL)
    return TRUE;

  *index = if_nametoindex (iface_name);
  if (*index == 0)
    {
      multicast_failed (self, ENODEV);
      return FALSE;
    }
  return TRUE;
}

static gboolean
multicast_membership (QsUdpSocket  *self,
                      gboolean      join,
                      GInetAddress *group_address,
                      const char   *iface_name,
                      const char   *function)
{
  QsSocketEngine *engine = check_bound (self, function);
  guint index;
  int error_number;

  if (engine == NULL)
    return FALSE;

  if (g_inet_address_get_family (group_address) == G_SOCKET_FAMILY_IPV4 &&
      _qs_socket_engine_get_family (engine) == G_SOCKET_FAMILY_IPV6)
    {
      g_warning ("QsUdpSocket: cannot bind to the any address (NULL) or an IPv6 address and "
                 "join an IPv4 multicast group; bind to 0.0.0.0 instead if you want to do this");
      return FALSE;
    }

  if (!interface_index (self, iface_name, &index))
    return FALSE;

  error_number = _qs_socket_engine_multicast_membership (engine, join, group_address, index);
  if (error_number != 0)
    {
      multicast_failed (self, error_number);
      return FALSE;
    }
  return TRUE;
}

/**
 * qs_udp_socket_join_multicast_group:
 * @self: a bound socket
 * @group_address: the multicast group
 * @iface_name: (nullable): the network interface to join on (e.g. `"lo"`);
 *   %NULL lets the system choose (Qt's default)
 *
 * Joins @group_address so that the datagrams sent to it arrive on this
 * socket. The socket must be bound (else it warns and returns %FALSE, as
 * Qt); to join an IPv4 group it must be bound to an IPv4 address such as
 * 0.0.0.0, not to the dual-stack any address (Qt warns likewise). A
 * failure returns %FALSE and sets [property@Qs.AbstractSocket:error] and
 * [property@Qs.IODevice:error-string] without emitting
 * [signal@Qs.AbstractSocket::error-occurred] (Qt keeps that error in its
 * engine): an unknown interface name gives
 * %QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR.
 * Qt: `joinMulticastGroup()`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
qs_udp_socket_join_multicast_group (QsUdpSocket  *self,
                                    GInetAddress *group_address,
                                    const char   *iface_name)
{
  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (group_address), FALSE);

  return multicast_membership (self, TRUE, group_address, iface_name, "join_multicast_group");
}

/**
 * qs_udp_socket_leave_multicast_group:
 * @self: a bound socket
 * @group_address: the multicast group
 * @iface_name: (nullable): the interface it was joined on; %NULL for the
 *   system's choice
 *
 * Leaves a group joined with [method@Qs.UdpSocket.join_multicast_group];
 * failures are reported as there. Qt: `leaveMulticastGroup()`.
 *
 * Returns: %TRUE on success
 *
 * Since: 1.0
 */
gboolean
qs_udp_socket_leave_multicast_group (QsUdpSocket  *self,
                                     GInetAddress *group_address,
                                     const char   *iface_name)
{
  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), FALSE);
  g_return_val_if_fail (G_IS_INET_ADDRESS (group_address), FALSE);

  return multicast_membership (self, FALSE, group_address, iface_name, "leave_multicast_group");
}

/* Reads the outgoing multicast interface back from the socket into
 * priv->multicast_interface; TRUE when it changed. */
static gboolean
refresh_multicast_interface (QsUdpSocket *self)
{
  QsUdpSocketPrivate *priv = qs_udp_socket_get_instance_private (self);
  QsSocketEngine *engine = _qs_abstract_socket_get_engine (QS_ABSTRACT_SOCKET (self));
  char name[IF_NAMESIZE];
  const char *current = NULL;
  guint index;

  if (engine != NULL)
    {
      index = _qs_socket_engine_get_multicast_interface (engine);
      if (index != 0)
        current = if_indextoname (index, name);
    }

  if (g_strcmp0 (current, priv->multicast_interface) == 0)
    return FALSE;
  g_free (priv->multicast_interface);
  priv->multicast_interface = g_strdup (current);
  return TRUE;
}

/**
 * qs_udp_socket_get_multicast_interface: (get-property multicast-interface)
 * @self: a socket
 *
 * Reads the outgoing interface of multicast datagrams from the socket.
 * Qt: `multicastInterface()` (which also warns on an unbound socket; this
 * getter of a property does not).
 *
 * Returns: (transfer none) (nullable): the interface name, %NULL for the
 *   system's choice or while the socket is not bound
 *
 * Since: 1.0
 */
const char *
qs_udp_socket_get_multicast_interface (QsUdpSocket *self)
{
  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), NULL);

  refresh_multicast_interface (self);
  return ((QsUdpSocketPrivate *) qs_udp_socket_get_instance_private (self))->multicast_interface;
}

/**
 * qs_udp_socket_set_multicast_interface: (set-property multicast-interface)
 * @self: a bound socket
 * @iface_name: (nullable): the interface name (e.g. `"lo"`), %NULL for the
 *   system's choice
 *
 * Sets the outgoing interface of multicast datagrams
 * (`IP_MULTICAST_IF` / `IPV6_MULTICAST_IF`). On a socket that is not
 * bound it warns and does nothing, as Qt. An unknown name sets
 * %QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR (no signal) and
 * changes nothing. Qt: `setMulticastInterface()`.
 *
 * Since: 1.0
 */
void
qs_udp_socket_set_multicast_interface (QsUdpSocket *self,
                                       const char  *iface_name)
{
  QsSocketEngine *engine;
  guint index;
  int error_number;

  g_return_if_fail (QS_IS_UDP_SOCKET (self));

  engine = check_bound (self, "set_multicast_interface");
  if (engine == NULL)
    return;

  refresh_multicast_interface (self);
  if (!interface_index (self, iface_name, &index))
    return;

  error_number = _qs_socket_engine_set_multicast_interface (engine, index);
  if (error_number != 0)
    {
      multicast_failed (self, error_number);
      return;
    }

  if (refresh_multicast_interface (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MULTICAST_INTERFACE]);
}
