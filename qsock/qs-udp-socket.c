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
#include <string.h>
#include <net/if.h>
#include <glib/gi18n-lib.h>

#include "qs-abstract-socket-private.h"
#include "qs-io-device-private.h"
#include "qs-network-datagram-private.h"
#include "qs-network-proxy-private.h"
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
  char           *multicast_interface;  /* (owned) (nullable): last value read back */

  /* Address objects reused while the peer stays the same, so that a
   * steady flow of datagrams builds and converts none. */
  GInetAddress   *sender;               /* (owned) (nullable): last one read_datagram returned */
  QsInetEndpoint  sender_endpoint;      /* its address */
  GInetAddress   *destination;          /* (owned) (nullable): last one write_datagram was given */
  QsInetEndpoint  destination_endpoint; /* its address */

  QsDatagramOut  *out;                  /* (owned): write_datagrams' descriptions */
  guint           out_capacity;
} QsUdpSocketPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (QsUdpSocket, qs_udp_socket, QS_TYPE_ABSTRACT_SOCKET)

enum {
  PROP_0,
  PROP_MULTICAST_INTERFACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static guint bytes_written_signal;

/* Qt's QT_CHECK_BOUND: the call needs a socket. *@relay: the SOCKS5
 * relay the datagrams go through, NULL for none. */
static QsSocketEngine *
check_bound (QsUdpSocket  *self,
             const char   *function,
             QsUdpRelay  **relay)
{
  QsSocketEngine *engine = _qs_abstract_socket_get_datagram_engine ((QsAbstractSocket *) self, relay);

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
  g_clear_object (&priv->sender);
  g_clear_object (&priv->destination);
  g_free (priv->out);

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
  QsUdpRelay *relay;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), FALSE);

  engine = check_bound (self, "has_pending_datagrams", &relay);
  if (G_UNLIKELY (relay != NULL))
    return _qs_udp_relay_pending_datagram_size (relay, engine) >= 0;
  return engine != NULL && _qs_socket_engine_has_pending_datagrams (engine);
}

/**
 * qs_udp_socket_pending_datagram_size:
 * @self: a socket
 *
 * On a socket that is not bound it warns and returns -1, as Qt.
 * Through a SOCKS5 proxy it is the size without the relay's header,
 * and 0 when none is pending (Qt's SOCKS5 engine).
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
  QsUdpRelay *relay;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);

  engine = check_bound (self, "pending_datagram_size", &relay);
  if (G_UNLIKELY (relay != NULL))
    return MAX (_qs_udp_relay_pending_datagram_size (relay, engine), 0);
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

/* The sender of a datagram read as an object: the previous one again
 * while the sender stays the same. (transfer full) */
static GInetAddress *
sender_address (QsUdpSocket          *self,
                const QsInetEndpoint *endpoint)
{
  QsUdpSocketPrivate *priv = qs_udp_socket_get_instance_private (self);

  if (priv->sender == NULL || !_qs_inet_endpoint_same_address (&priv->sender_endpoint, endpoint))
    {
      g_clear_object (&priv->sender);
      priv->sender = _qs_inet_endpoint_to_address (endpoint);
      priv->sender_endpoint = *endpoint;
    }
  return g_object_ref (priv->sender);
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
 * not bound it warns and returns -1. Through a SOCKS5 proxy (see
 * [method@Qs.AbstractSocket.set_proxy]) the sender is the peer the
 * proxy's relay names, and with none pending it returns 0 without an
 * error, as Qt's SOCKS5 engine. Bindings use
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
  QsUdpRelay *relay;
  int error_number = 0;
  gssize n;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (data != NULL || max_size == 0, -1);
  g_return_val_if_fail (max_size <= G_MAXINT64, -1);

  if (address != NULL)
    *address = NULL;
  if (port != NULL)
    *port = 0;

  engine = check_bound (self, "read_datagram", &relay);
  if (engine == NULL)
    return -1;

  if (G_UNLIKELY (relay != NULL))
    n = _qs_udp_relay_receive (relay, engine, data, max_size, &header, &error_number);
  else
    n = _qs_socket_engine_receive_datagram (engine, data, max_size,
                                            (address || port) ? QS_DATAGRAM_WANT_SENDER : QS_DATAGRAM_WANT_NONE,
                                            &header, &error_number);
  _qs_abstract_socket_datagram_read (socket);
  /* Qt's SOCKS5 engine reads nothing from an empty queue: 0, no error. */
  if (G_UNLIKELY (relay != NULL) && n < 0 && error_number == EAGAIN)
    return 0;
  if (n < 0)
    {
      receive_failed (self, error_number);
      return -1;
    }

  if (header.sender.family != G_SOCKET_FAMILY_INVALID)
    {
      if (port != NULL)
        *port = header.sender.port;
      if (address != NULL)
        *address = sender_address (self, &header.sender);
    }
  return n;
}

/* The largest UDP payload (IPv4: 65507, IPv6 without jumbograms: 65527). */
#define QS_UDP_MAX_PAYLOAD 65536

/* The most memory one batched receive may set aside for datagrams: 64
 * whole-sized ones. */
#define QS_UDP_BATCH_BYTES (64 * QS_UDP_MAX_PAYLOAD)

/* Receives up to @max_count datagrams of at most @max_size bytes each
 * (-1: whole) in one system call, fewer when they would not fit
 * QS_UDP_BATCH_BYTES; then re-arms ready-read, as every datagram read
 * does. Returns how many, or -1 with errno in @error_number. */
static int
receive_datagrams (QsUdpSocket         *self,
                   QsSocketEngine      *engine,
                   QsUdpRelay          *relay,
                   guint                max_count,
                   gint64               max_size,
                   const QsDatagramIn **datagrams,
                   int                 *error_number)
{
  gsize room = max_size < 0 ? QS_UDP_MAX_PAYLOAD : (gsize) MIN (max_size, QS_UDP_MAX_PAYLOAD);
  guint count = MIN (max_count, QS_DATAGRAM_BATCH_MAX);
  int n;

  if (room > 0)
    count = CLAMP (QS_UDP_BATCH_BYTES / room, 1, count);
  if (G_UNLIKELY (relay != NULL))
    n = _qs_udp_relay_receive_datagrams (relay, engine, count, room, datagrams, error_number);
  else
    n = _qs_socket_engine_receive_datagrams (engine, count, room, datagrams, error_number);
  _qs_abstract_socket_datagram_read ((QsAbstractSocket *) self);
  return n;
}

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
  const QsDatagramIn *datagram;
  QsSocketEngine *engine;
  QsUdpRelay *relay;
  gpointer received;
  int error_number = 0;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), NULL);

  engine = check_bound (self, "receive_datagram", &relay);
  if (engine == NULL)
    return qs_network_datagram_new (NULL, NULL, 0);

  /* Qt sizes a whole datagram first (pendingDatagramSize()); when none
   * is pending it returns at once, with no error and no re-arm. */
  if (max_size < 0 && (G_UNLIKELY (relay != NULL) ? _qs_udp_relay_pending_datagram_size (relay, engine)
                                                  : _qs_socket_engine_pending_datagram_size (engine)) < 0)
    return qs_network_datagram_new (NULL, NULL, 0);

  if (receive_datagrams (self, engine, relay, 1, max_size, &datagram, &error_number) < 0)
    {
      receive_failed (self, error_number);
      return qs_network_datagram_new (NULL, NULL, 0);
    }
  _qs_network_datagram_new_received (datagram, 1,
                                     _qs_abstract_socket_get_local_port ((QsAbstractSocket *) self),
                                     &received);
  return received;
}

/**
 * qs_udp_socket_read_datagram_bytes:
 * @self: a socket
 * @max_size: the most bytes to keep
 * @address: (out) (optional) (nullable) (transfer full): the sender's address
 * @port: (out) (optional): the sender's port
 *
 * Reads the next datagram as [method@Qs.UdpSocket.read_datagram] does,
 * into a new `GBytes` instead of a caller's buffer: bindings call it,
 * and Python's `read_datagram(n)` returns `(data, host, port)` from it.
 * A datagram longer than @max_size is truncated. With none pending it
 * returns %NULL and reports %QS_SOCKET_ERROR_TEMPORARY_ERROR through
 * [signal@Qs.AbstractSocket::error-occurred], as Qt. On a socket that
 * is not bound it warns and returns %NULL.
 *
 * Qt: `readDatagram()`.
 *
 * Returns: (transfer full) (nullable): the datagram's bytes, or %NULL
 *   where [method@Qs.UdpSocket.read_datagram] returns -1
 *
 * Since: 1.0
 */
GBytes *
qs_udp_socket_read_datagram_bytes (QsUdpSocket   *self,
                                   gsize          max_size,
                                   GInetAddress **address,
                                   guint16       *port)
{
  g_autofree guint8 *data = NULL;
  gsize room;
  gint64 n;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), NULL);

  /* No datagram is longer: a larger max_size allocates nothing more. */
  room = MIN (max_size, QS_UDP_MAX_PAYLOAD);
  data = g_malloc (room);
  n = qs_udp_socket_read_datagram (self, data, room, address, port);
  if (n < 0)
    return NULL;
  return g_bytes_new_take (g_realloc (g_steal_pointer (&data), n), n);
}

/**
 * qs_udp_socket_read_datagrams:
 * @self: a bound socket
 * @max_count: the most datagrams to read
 * @max_size: the most bytes to keep of each, or -1 for whole datagrams
 *
 * Reads up to @max_count pending datagrams in one system call
 * (`recvmmsg()`), each as [method@Qs.UdpSocket.receive_datagram] would:
 * with its sender, destination, hop limit and interface index, truncated
 * to @max_size. One call reads at most 1024 datagrams, and at most 64
 * when @max_size is -1 or above 65536. Like every datagram read it
 * re-arms [signal@Qs.IODevice::ready-read] (unless @max_count is 0).
 * With none pending the array is empty and nothing is reported. A
 * failure (such as %QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR on a
 * connected socket whose peer is gone) returns %NULL, sets
 * [property@Qs.AbstractSocket:error] and emits
 * [signal@Qs.AbstractSocket::error-occurred]. On a socket that is not
 * bound it warns and returns %NULL, as the single reads do.
 *
 * The caller owns the datagrams and the array, which has no element free
 * function (as GObject-Introspection's `(transfer full)` expects): in C,
 * set one with `g_ptr_array_set_free_func (array, (GDestroyNotify)
 * qs_network_datagram_unref)` before unreffing the array, or unref each
 * datagram.
 *
 * qsock extra: Qt has no batched read.
 *
 * Returns: (transfer full) (element-type QsNetworkDatagram) (nullable):
 *   the datagrams in arrival order, or %NULL on error
 *
 * Since: 1.0
 */
GPtrArray *
qs_udp_socket_read_datagrams (QsUdpSocket *self,
                              guint        max_count,
                              gint64       max_size)
{
  const QsDatagramIn *datagrams = NULL;
  QsSocketEngine *engine;
  QsUdpRelay *relay;
  GPtrArray *array;
  int error_number = 0;
  guint16 local_port;
  int n = 0;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), NULL);

  engine = check_bound (self, "read_datagrams", &relay);
  if (engine == NULL)
    return NULL;

  if (max_count > 0)
    n = receive_datagrams (self, engine, relay, max_count, max_size, &datagrams, &error_number);
  if (n < 0 && error_number != EAGAIN)
    {
      receive_failed (self, error_number);
      return NULL;
    }

  /* No element free function: bindings take the datagrams (transfer
   * full) and then free the array. */
  n = MAX (n, 0);
  array = g_ptr_array_sized_new (n);
  if (n == 0)
    return array;

  local_port = _qs_abstract_socket_get_local_port ((QsAbstractSocket *) self);
  g_ptr_array_set_size (array, n);
  _qs_network_datagram_new_received (datagrams, n, local_port, array->pdata);
  return array;
}

/* Qt's setErrorAndEmit() for a failed send. */
static void
send_failed (QsUdpSocket *self,
             int          error_number)
{
  g_object_ref (self);
  _qs_abstract_socket_set_error_from_errno (QS_ABSTRACT_SOCKET (self), QS_ENGINE_OP_SEND_DATAGRAM,
                                            error_number, TRUE);
  g_object_unref (self);
}

/* Qt's writeDatagram() binds an unbound socket first. */
static gboolean
needs_bind (QsUdpSocket *self)
{
  return _qs_abstract_socket_get_state ((QsAbstractSocket *) self) == QS_SOCKET_STATE_UNCONNECTED_STATE;
}

/* Whether Qt's writeDatagram() would send through a SOCKS5 socket
 * engine: the socket's proxy, or the application's, is SOCKS5. */
static gboolean
sends_through_socks5 (QsUdpSocket *self)
{
  g_autoptr(QsNetworkProxy) set = qs_abstract_socket_get_proxy ((QsAbstractSocket *) self);
  g_autoptr(QsNetworkProxy) proxy = _qs_network_proxy_resolve (set, NULL, TRUE);

  return proxy != NULL && qs_network_proxy_get_proxy_type (proxy) == QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY;
}

/* Binds to the any address and port 0 (state-changed(BOUND)) to send;
 * through a SOCKS5 proxy, Qt's writeDatagram() binds through it too.
 * Returns the engine (and the relay), NULL when binding failed
 * (reported) or a handler closed the socket. Callers hold a reference. */
static QsSocketEngine *
bind_for_sending (QsUdpSocket  *self,
                  QsUdpRelay  **relay)
{
  QsAbstractSocket *socket = (QsAbstractSocket *) self;

  /* Qt's writeDatagram() then sends with the SOCKS5 engine that failed
   * to bind, which fails with the same error: emitted again. */
  if (!qs_abstract_socket_bind (socket, NULL, 0, QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM) &&
      sends_through_socks5 (self))
    _qs_abstract_socket_set_error (socket, qs_abstract_socket_get_error (socket),
                                   qs_io_device_get_error_string (QS_IO_DEVICE (self)), TRUE);
  return _qs_abstract_socket_get_datagram_engine (socket, relay);
}

/* Qt's writeDatagram() picks its engine for the destination
 * (doEnsureInitialized()): towards a loopback address it skips the
 * application proxy, and the plain engine's bind to the any address
 * then refuses that proxy (QNativeSocketEngine's checkProxy()). */
static gboolean
refuses_application_proxy (QsUdpSocket          *self,
                           const QsInetEndpoint *destination)
{
  g_autoptr(QsNetworkProxy) set = qs_abstract_socket_get_proxy ((QsAbstractSocket *) self);
  g_autoptr(QsNetworkProxy) application = NULL;
  g_autoptr(GInetAddress) address = NULL;
  QsNetworkProxyType type;

  if (destination == NULL || qs_network_proxy_get_proxy_type (set) != QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY)
    return FALSE;
  address = _qs_inet_endpoint_to_address (destination);
  if (address == NULL || !g_inet_address_get_is_loopback (address))
    return FALSE;
  application = qs_network_proxy_get_application_proxy ();
  type = qs_network_proxy_get_proxy_type (application);
  return type != QS_NETWORK_PROXY_TYPE_NO_PROXY && type != QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY;
}

/* Sends @count datagrams with @engine, through @relay when not NULL. */
static inline int
send_datagrams (QsSocketEngine      *engine,
                QsUdpRelay          *relay,
                const QsDatagramOut *datagrams,
                guint                count,
                int                 *error_number)
{
  if (G_UNLIKELY (relay != NULL))
    return _qs_udp_relay_send (relay, engine, datagrams, count, error_number);
  return _qs_socket_engine_send_datagrams (engine, datagrams, count, error_number);
}

/* Sends one datagram with @engine (NULL: fails); bytes-written follows
 * it. GObject holds a reference while the handlers run and nothing
 * touches @self after them. */
static gint64
send_one (QsUdpSocket         *self,
          QsSocketEngine      *engine,
          QsUdpRelay          *relay,
          const QsDatagramOut *datagram)
{
  int error_number = 0;

  if (engine == NULL)
    return -1;
  if (send_datagrams (engine, relay, datagram, 1, &error_number) < 0)
    {
      send_failed (self, error_number);
      return -1;
    }
  g_signal_emit (self, bytes_written_signal, 0, (gint64) datagram->size);
  return datagram->size;
}

/* Qt's writeDatagram(): binds an unbound socket first, then sends one
 * datagram; bytes-written follows it before this returns. */
static gint64
send_datagram (QsUdpSocket         *self,
               const QsDatagramOut *datagram)
{
  QsDatagramOut kept = *datagram;
  QsInetEndpoint destination, source;
  QsSocketEngine *engine;
  QsUdpRelay *relay;
  gint64 sent;

  if (!needs_bind (self))
    {
      engine = _qs_abstract_socket_get_datagram_engine ((QsAbstractSocket *) self, &relay);
      return send_one (self, engine, relay, datagram);
    }

  /* The state-changed handlers may send too, or change the datagram:
   * keep its addresses. */
  if (kept.destination != NULL)
    kept.destination = memcpy (&destination, kept.destination, sizeof destination);
  if (kept.source != NULL)
    kept.source = memcpy (&source, kept.source, sizeof source);

  g_object_ref (self);
  if (refuses_application_proxy (self, kept.destination))
    {
      /* The bind's error, then the send's, on the unbound engine. */
      g_warning ("QsAbstractSocket::write_datagram() was called not in BoundState or ConnectedState");
      for (int i = 0; i < 2; i++)
        _qs_abstract_socket_set_error ((QsAbstractSocket *) self,
                                       QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR,
                                       _("The proxy type is invalid for this operation"), TRUE);
      sent = -1;
    }
  else
    {
      engine = bind_for_sending (self, &relay);
      sent = send_one (self, engine, relay, &kept);
    }
  g_object_unref (self);
  return sent;
}

/* The endpoint of @address:@port; the previous destination's conversion
 * again while it stays the same object (GInetAddress is immutable). */
static const QsInetEndpoint *
destination_endpoint (QsUdpSocket  *self,
                      GInetAddress *address,
                      guint16       port)
{
  QsUdpSocketPrivate *priv = qs_udp_socket_get_instance_private (self);

  if (address != priv->destination)
    {
      g_set_object (&priv->destination, address);
      _qs_inet_endpoint_set (&priv->destination_endpoint, address, port);
    }
  priv->destination_endpoint.port = port;
  return &priv->destination_endpoint;
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
 * (bound); through a SOCKS5 proxy (see
 * [method@Qs.AbstractSocket.set_proxy]) it binds through the proxy, and
 * when that fails, [signal@Qs.AbstractSocket::error-occurred] comes
 * twice, for the bind and for the send, as in Qt 6.4.
 * [signal@Qs.IODevice::bytes-written] follows each datagram sent, before
 * this returns. A datagram too large for the network fails with
 * %QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR. On a connected socket use
 * [method@Qs.IODevice.write] instead. Qt: `writeDatagram()`.
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
  QsDatagramOut datagram = { data, size, NULL, NULL, -1, 0 };

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (data != NULL || size == 0, -1);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), -1);

  datagram.destination = destination_endpoint (self, address, port);
  return send_datagram (self, &datagram);
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
  QsDatagramOut datagram = { NULL, 0, NULL, NULL, -1, 0 };

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (data != NULL, -1);
  g_return_val_if_fail (G_IS_INET_ADDRESS (address), -1);

  datagram.data = g_bytes_get_data (data, &datagram.size);
  datagram.destination = destination_endpoint (self, address, port);
  return send_datagram (self, &datagram);
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
  QsDatagramOut out;
  GBytes *data;
  gint64 sent;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (datagram != NULL, -1);

  /* A handler of the signals may change the datagram: keep its payload
   * (send_datagram() keeps the addresses). */
  qs_network_datagram_ref (datagram);
  data = datagram->data ? g_bytes_ref (datagram->data) : NULL;
  _qs_network_datagram_describe (datagram, &out);
  sent = send_datagram (self, &out);
  if (data != NULL)
    g_bytes_unref (data);
  qs_network_datagram_unref (datagram);
  return sent;
}

/**
 * qs_udp_socket_write_datagrams:
 * @self: a socket
 * @datagrams: (element-type QsNetworkDatagram): the datagrams to send, in
 *   order
 *
 * Sends @datagrams with one system call (`sendmmsg()`), each as
 * [method@Qs.UdpSocket.write_network_datagram] would: to its destination
 * (none on a connected socket), from its sender address, with its hop
 * limit and out of its interface. An unbound socket first binds as for
 * [method@Qs.UdpSocket.write_datagram] (unless @datagrams is empty).
 * [signal@Qs.IODevice::bytes-written] follows each datagram sent, in
 * order, before this returns.
 *
 * Fewer may be sent than given: at most 1024 per call, and the system
 * stops at the first datagram it cannot send (say, one too large)
 * without reporting why; sending the rest again then reports that
 * datagram's error. When the first datagram cannot be sent it returns
 * -1 with the error set and
 * [signal@Qs.AbstractSocket::error-occurred] emitted, as
 * [method@Qs.UdpSocket.write_datagram] does.
 *
 * qsock extra: Qt has no batched write.
 *
 * Returns: how many datagrams were sent (0 for an empty array), or -1
 *
 * Since: 1.0
 */
int
qs_udp_socket_write_datagrams (QsUdpSocket *self,
                               GPtrArray   *datagrams)
{
  QsUdpSocketPrivate *priv;
  QsSocketEngine *engine;
  QsUdpRelay *relay;
  g_autofree gint64 *sizes = NULL;
  int error_number = 0;
  guint count;
  int sent = -1;

  g_return_val_if_fail (QS_IS_UDP_SOCKET (self), -1);
  g_return_val_if_fail (datagrams != NULL, -1);
  for (guint i = 0; i < datagrams->len; i++)
    g_return_val_if_fail (datagrams->pdata[i] != NULL, -1);

  if (datagrams->len == 0)
    return 0;

  g_object_ref (self);   /* the handlers may drop the last reference */
  engine = needs_bind (self) ? bind_for_sending (self, &relay)
                             : _qs_abstract_socket_get_datagram_engine ((QsAbstractSocket *) self, &relay);
  if (engine == NULL)
    goto out;

  priv = qs_udp_socket_get_instance_private (self);
  count = MIN (datagrams->len, QS_DATAGRAM_BATCH_MAX);
  if (priv->out_capacity < count)
    {
      priv->out = g_renew (QsDatagramOut, priv->out, count);
      priv->out_capacity = count;
    }
  for (guint i = 0; i < count; i++)
    _qs_network_datagram_describe (datagrams->pdata[i], &priv->out[i]);

  sent = send_datagrams (engine, relay, priv->out, count, &error_number);
  if (sent < 0)
    send_failed (self, error_number);
  else if (g_signal_has_handler_pending (self, bytes_written_signal, 0, FALSE))
    {
      /* One check per batch instead of an emission per datagram that
       * nobody hears. The sizes are kept apart: a handler may send again
       * or change the datagrams. */
      sizes = g_new (gint64, sent);
      for (int i = 0; i < sent; i++)
        sizes[i] = priv->out[i].size;
      for (int i = 0; i < sent; i++)
        g_signal_emit (self, bytes_written_signal, 0, sizes[i]);
    }

out:
  g_object_unref (self);
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
  QsUdpRelay *relay;
  QsSocketEngine *engine = check_bound (self, function, &relay);
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
  QsUdpRelay *relay;
  guint index;
  int error_number;

  g_return_if_fail (QS_IS_UDP_SOCKET (self));

  engine = check_bound (self, "set_multicast_interface", &relay);
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
