/* qs-enums.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The enumerations and flags of qsock. Every numeric value equals the
 * value of the Qt 6 enumerator it re-creates, so a value printed by Qt
 * and one printed by qsock can be compared directly. glib-mkenums turns
 * this file into qs-enum-types.[ch].
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <glib.h>

#include "qs-version-macros.h"

G_BEGIN_DECLS

/**
 * QsSocketType:
 * @QS_SOCKET_TYPE_TCP_SOCKET: TCP (`QAbstractSocket::TcpSocket`)
 * @QS_SOCKET_TYPE_UDP_SOCKET: UDP (`QAbstractSocket::UdpSocket`)
 * @QS_SOCKET_TYPE_SCTP_SOCKET: SCTP; exists for value parity only
 * @QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE: anything else
 *
 * The transport of a socket. Qt: `QAbstractSocket::SocketType`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_SOCKET_TYPE_TCP_SOCKET = 0,
  QS_SOCKET_TYPE_UDP_SOCKET = 1,
  QS_SOCKET_TYPE_SCTP_SOCKET = 2,
  QS_SOCKET_TYPE_UNKNOWN_SOCKET_TYPE = -1
} QsSocketType;

/**
 * QsNetworkLayerProtocol:
 * @QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL: IPv4
 * @QS_NETWORK_LAYER_PROTOCOL_IPV6_PROTOCOL: IPv6
 * @QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL: either IPv4 or IPv6
 * @QS_NETWORK_LAYER_PROTOCOL_UNKNOWN_NETWORK_LAYER_PROTOCOL: other than IPv4 and IPv6
 *
 * The network layer a connection may use.
 * Qt: `QAbstractSocket::NetworkLayerProtocol`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL = 0,
  QS_NETWORK_LAYER_PROTOCOL_IPV6_PROTOCOL = 1,
  QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL = 2,
  QS_NETWORK_LAYER_PROTOCOL_UNKNOWN_NETWORK_LAYER_PROTOCOL = -1
} QsNetworkLayerProtocol;

/**
 * QsSocketError:
 * @QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR: the peer refused the connection (or timed out)
 * @QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR: the remote host closed the connection
 * @QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR: the host address was not found
 * @QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR: the operation lacked the required privileges
 * @QS_SOCKET_ERROR_SOCKET_RESOURCE_ERROR: the system ran out of resources
 * @QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR: the operation timed out
 * @QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR: the datagram was larger than the system's limit
 * @QS_SOCKET_ERROR_NETWORK_ERROR: an error occurred with the network
 * @QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR: the address given to bind or listen is in use
 * @QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR: the address does not belong to the host
 * @QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR: the operation is not supported
 * @QS_SOCKET_ERROR_UNFINISHED_SOCKET_OPERATION_ERROR: the last operation has not finished yet
 * @QS_SOCKET_ERROR_PROXY_AUTHENTICATION_REQUIRED_ERROR: the proxy requires authentication
 * @QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR: the TLS handshake failed
 * @QS_SOCKET_ERROR_PROXY_CONNECTION_REFUSED_ERROR: the proxy refused the connection
 * @QS_SOCKET_ERROR_PROXY_CONNECTION_CLOSED_ERROR: the proxy closed the connection unexpectedly
 * @QS_SOCKET_ERROR_PROXY_CONNECTION_TIMEOUT_ERROR: the proxy timed out
 * @QS_SOCKET_ERROR_PROXY_NOT_FOUND_ERROR: the proxy address was not found
 * @QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR: the proxy's answer was not understood
 * @QS_SOCKET_ERROR_OPERATION_ERROR: the operation is not allowed in the socket's state
 * @QS_SOCKET_ERROR_SSL_INTERNAL_ERROR: the TLS library failed internally
 * @QS_SOCKET_ERROR_SSL_INVALID_USER_DATA_ERROR: invalid TLS data was given
 * @QS_SOCKET_ERROR_TEMPORARY_ERROR: a transient error (e.g. the call would block)
 * @QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR: no error yet, or an unidentified one
 *
 * What went wrong on a socket or server. Qt: `QAbstractSocket::SocketError`.
 * These are also the codes of the `QS_SOCKET_ERROR` error domain.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR = 0,
  QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR = 1,
  QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR = 2,
  QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR = 3,
  QS_SOCKET_ERROR_SOCKET_RESOURCE_ERROR = 4,
  QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR = 5,
  QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR = 6,
  QS_SOCKET_ERROR_NETWORK_ERROR = 7,
  QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR = 8,
  QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR = 9,
  QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR = 10,
  QS_SOCKET_ERROR_UNFINISHED_SOCKET_OPERATION_ERROR = 11,
  QS_SOCKET_ERROR_PROXY_AUTHENTICATION_REQUIRED_ERROR = 12,
  QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR = 13,
  QS_SOCKET_ERROR_PROXY_CONNECTION_REFUSED_ERROR = 14,
  QS_SOCKET_ERROR_PROXY_CONNECTION_CLOSED_ERROR = 15,
  QS_SOCKET_ERROR_PROXY_CONNECTION_TIMEOUT_ERROR = 16,
  QS_SOCKET_ERROR_PROXY_NOT_FOUND_ERROR = 17,
  QS_SOCKET_ERROR_PROXY_PROTOCOL_ERROR = 18,
  QS_SOCKET_ERROR_OPERATION_ERROR = 19,
  QS_SOCKET_ERROR_SSL_INTERNAL_ERROR = 20,
  QS_SOCKET_ERROR_SSL_INVALID_USER_DATA_ERROR = 21,
  QS_SOCKET_ERROR_TEMPORARY_ERROR = 22,
  QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR = -1
} QsSocketError;

/**
 * QsSocketState:
 * @QS_SOCKET_STATE_UNCONNECTED_STATE: not connected
 * @QS_SOCKET_STATE_HOST_LOOKUP_STATE: looking up the host name
 * @QS_SOCKET_STATE_CONNECTING_STATE: a connection is being established
 * @QS_SOCKET_STATE_CONNECTED_STATE: connected
 * @QS_SOCKET_STATE_BOUND_STATE: bound to an address and port
 * @QS_SOCKET_STATE_LISTENING_STATE: listening (internal use in Qt)
 * @QS_SOCKET_STATE_CLOSING_STATE: about to close; queued data is still being sent
 *
 * The state of a socket. Qt: `QAbstractSocket::SocketState`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_SOCKET_STATE_UNCONNECTED_STATE = 0,
  QS_SOCKET_STATE_HOST_LOOKUP_STATE = 1,
  QS_SOCKET_STATE_CONNECTING_STATE = 2,
  QS_SOCKET_STATE_CONNECTED_STATE = 3,
  QS_SOCKET_STATE_BOUND_STATE = 4,
  QS_SOCKET_STATE_LISTENING_STATE = 5,
  QS_SOCKET_STATE_CLOSING_STATE = 6
} QsSocketState;

/**
 * QsSocketOption:
 * @QS_SOCKET_OPTION_LOW_DELAY_OPTION: 1 disables Nagle's algorithm (`TCP_NODELAY`)
 * @QS_SOCKET_OPTION_KEEP_ALIVE_OPTION: 1 enables `SO_KEEPALIVE`
 * @QS_SOCKET_OPTION_MULTICAST_TTL_OPTION: the TTL of multicast datagrams
 * @QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION: 1 loops multicast datagrams back
 * @QS_SOCKET_OPTION_TYPE_OF_SERVICE_OPTION: the IP type-of-service byte
 * @QS_SOCKET_OPTION_SEND_BUFFER_SIZE_SOCKET_OPTION: the kernel's send buffer size (`SO_SNDBUF`)
 * @QS_SOCKET_OPTION_RECEIVE_BUFFER_SIZE_SOCKET_OPTION: the kernel's receive buffer size (`SO_RCVBUF`)
 * @QS_SOCKET_OPTION_PATH_MTU_SOCKET_OPTION: the path MTU the kernel knows
 *
 * Options of a socket; values are `int`, booleans 0 or 1.
 * Qt: `QAbstractSocket::SocketOption`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_SOCKET_OPTION_LOW_DELAY_OPTION = 0,
  QS_SOCKET_OPTION_KEEP_ALIVE_OPTION = 1,
  QS_SOCKET_OPTION_MULTICAST_TTL_OPTION = 2,
  QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION = 3,
  QS_SOCKET_OPTION_TYPE_OF_SERVICE_OPTION = 4,
  QS_SOCKET_OPTION_SEND_BUFFER_SIZE_SOCKET_OPTION = 5,
  QS_SOCKET_OPTION_RECEIVE_BUFFER_SIZE_SOCKET_OPTION = 6,
  QS_SOCKET_OPTION_PATH_MTU_SOCKET_OPTION = 7
} QsSocketOption;

/**
 * QsBindFlags:
 * @QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM: the platform's default (no `SO_REUSEADDR` change)
 * @QS_BIND_FLAGS_SHARE_ADDRESS: allow other sockets to bind the same address and port
 * @QS_BIND_FLAGS_DONT_SHARE_ADDRESS: bind exclusively
 * @QS_BIND_FLAGS_REUSE_ADDRESS_HINT: try to rebind even if the address is in use
 *
 * How [method@Qs.AbstractSocket.bind] treats the address.
 * Qt: `QAbstractSocket::BindFlag` / `BindMode`.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM = 0,
  QS_BIND_FLAGS_SHARE_ADDRESS = 1 << 0,
  QS_BIND_FLAGS_DONT_SHARE_ADDRESS = 1 << 1,
  QS_BIND_FLAGS_REUSE_ADDRESS_HINT = 1 << 2
} QsBindFlags;

/**
 * QsPauseModes:
 * @QS_PAUSE_MODES_PAUSE_NEVER: never pause data transfer
 * @QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS: pause on TLS errors until resume() is called
 *
 * When a socket pauses data transfer. Qt: `QAbstractSocket::PauseMode`.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  QS_PAUSE_MODES_PAUSE_NEVER = 0,
  QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS = 1 << 0
} QsPauseModes;

/**
 * QsOpenMode:
 * @QS_OPEN_MODE_NOT_OPEN: not open
 * @QS_OPEN_MODE_READ_ONLY: open for reading
 * @QS_OPEN_MODE_WRITE_ONLY: open for writing
 * @QS_OPEN_MODE_READ_WRITE: open for reading and writing
 * @QS_OPEN_MODE_APPEND: append mode (value parity only)
 * @QS_OPEN_MODE_TRUNCATE: truncate (value parity only)
 * @QS_OPEN_MODE_TEXT: text mode; stored and reported, no translation is done
 * @QS_OPEN_MODE_UNBUFFERED: unbuffered; accepted and reported
 * @QS_OPEN_MODE_NEW_ONLY: value parity only
 * @QS_OPEN_MODE_EXISTING_ONLY: value parity only
 *
 * How a device is open. Qt: `QIODeviceBase::OpenModeFlag`.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  QS_OPEN_MODE_NOT_OPEN = 0,
  QS_OPEN_MODE_READ_ONLY = 0x1,
  QS_OPEN_MODE_WRITE_ONLY = 0x2,
  QS_OPEN_MODE_READ_WRITE = 0x3,
  QS_OPEN_MODE_APPEND = 0x4,
  QS_OPEN_MODE_TRUNCATE = 0x8,
  QS_OPEN_MODE_TEXT = 0x10,
  QS_OPEN_MODE_UNBUFFERED = 0x20,
  QS_OPEN_MODE_NEW_ONLY = 0x40,
  QS_OPEN_MODE_EXISTING_ONLY = 0x80
} QsOpenMode;

/**
 * QsLocalSocketError:
 * @QS_LOCAL_SOCKET_ERROR_CONNECTION_REFUSED_ERROR: the server refused the connection (a stale socket file)
 * @QS_LOCAL_SOCKET_ERROR_PEER_CLOSED_ERROR: the other end closed the connection
 * @QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR: no server of that name
 * @QS_LOCAL_SOCKET_ERROR_SOCKET_ACCESS_ERROR: not allowed to connect to the socket file
 * @QS_LOCAL_SOCKET_ERROR_SOCKET_RESOURCE_ERROR: out of resources (descriptors, memory)
 * @QS_LOCAL_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR: an operation timed out
 * @QS_LOCAL_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR: value parity only
 * @QS_LOCAL_SOCKET_ERROR_CONNECTION_ERROR: the connection failed
 * @QS_LOCAL_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR: the system does not support the operation
 * @QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR: an unidentified error, or none yet
 * @QS_LOCAL_SOCKET_ERROR_OPERATION_ERROR: the call is not allowed in the current state
 *
 * Errors of a [class@Qs.LocalSocket]; each value equals the matching
 * [error@Qs.SocketError] value, as in Qt. Qt: `QLocalSocket::LocalSocketError`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_LOCAL_SOCKET_ERROR_CONNECTION_REFUSED_ERROR = 0,
  QS_LOCAL_SOCKET_ERROR_PEER_CLOSED_ERROR = 1,
  QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR = 2,
  QS_LOCAL_SOCKET_ERROR_SOCKET_ACCESS_ERROR = 3,
  QS_LOCAL_SOCKET_ERROR_SOCKET_RESOURCE_ERROR = 4,
  QS_LOCAL_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR = 5,
  QS_LOCAL_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR = 6,
  QS_LOCAL_SOCKET_ERROR_CONNECTION_ERROR = 7,
  QS_LOCAL_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR = 10,
  QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR = -1,
  QS_LOCAL_SOCKET_ERROR_OPERATION_ERROR = 19
} QsLocalSocketError;

/**
 * QsLocalSocketState:
 * @QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE: not connected
 * @QS_LOCAL_SOCKET_STATE_CONNECTING_STATE: a connection is being made
 * @QS_LOCAL_SOCKET_STATE_CONNECTED_STATE: connected
 * @QS_LOCAL_SOCKET_STATE_CLOSING_STATE: closing; queued bytes are still being sent
 *
 * States of a [class@Qs.LocalSocket]; each value equals the matching
 * [enum@Qs.SocketState] value, as in Qt. Qt: `QLocalSocket::LocalSocketState`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE = 0,
  QS_LOCAL_SOCKET_STATE_CONNECTING_STATE = 2,
  QS_LOCAL_SOCKET_STATE_CONNECTED_STATE = 3,
  QS_LOCAL_SOCKET_STATE_CLOSING_STATE = 6
} QsLocalSocketState;

/**
 * QsLocalSocketOptions:
 * @QS_LOCAL_SOCKET_OPTIONS_NO_OPTIONS: a socket file in the file system
 * @QS_LOCAL_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION: the name lives in Linux's abstract namespace
 *
 * How a [class@Qs.LocalSocket] finds its server. Qt: `QLocalSocket::SocketOption`.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  QS_LOCAL_SOCKET_OPTIONS_NO_OPTIONS = 0,
  QS_LOCAL_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION = 1 << 0
} QsLocalSocketOptions;

/**
 * QsLocalServerSocketOptions:
 * @QS_LOCAL_SERVER_SOCKET_OPTIONS_NO_OPTIONS: the socket file keeps the umask's access
 * @QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION: the owner may connect
 * @QS_LOCAL_SERVER_SOCKET_OPTIONS_GROUP_ACCESS_OPTION: the owner's group may connect
 * @QS_LOCAL_SERVER_SOCKET_OPTIONS_OTHER_ACCESS_OPTION: everyone else may connect
 * @QS_LOCAL_SERVER_SOCKET_OPTIONS_WORLD_ACCESS_OPTION: everyone may connect
 * @QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION: listen in Linux's abstract namespace
 *
 * Who may connect to a [class@Qs.LocalServer], and where it listens.
 * Qt: `QLocalServer::SocketOption`.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  QS_LOCAL_SERVER_SOCKET_OPTIONS_NO_OPTIONS = 0,
  QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION = 0x1,
  QS_LOCAL_SERVER_SOCKET_OPTIONS_GROUP_ACCESS_OPTION = 0x2,
  QS_LOCAL_SERVER_SOCKET_OPTIONS_OTHER_ACCESS_OPTION = 0x4,
  QS_LOCAL_SERVER_SOCKET_OPTIONS_WORLD_ACCESS_OPTION = 0x7,
  QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION = 0x8
} QsLocalServerSocketOptions;

/**
 * QsSslMode:
 * @QS_SSL_MODE_UNENCRYPTED_MODE: a plain connection
 * @QS_SSL_MODE_SSL_CLIENT_MODE: the client side of a TLS connection
 * @QS_SSL_MODE_SSL_SERVER_MODE: the server side of a TLS connection
 *
 * What a [class@Qs.SslSocket] is doing. Qt: `QSslSocket::SslMode`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_SSL_MODE_UNENCRYPTED_MODE = 0,
  QS_SSL_MODE_SSL_CLIENT_MODE = 1,
  QS_SSL_MODE_SSL_SERVER_MODE = 2
} QsSslMode;

/**
 * QsPeerVerifyMode:
 * @QS_PEER_VERIFY_MODE_VERIFY_NONE: ask for no certificate and check none
 * @QS_PEER_VERIFY_MODE_QUERY_PEER: ask for the peer's certificate but do
 *   not require it to be valid
 * @QS_PEER_VERIFY_MODE_VERIFY_PEER: require a valid certificate
 * @QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER: %QS_PEER_VERIFY_MODE_VERIFY_PEER on
 *   a client, %QS_PEER_VERIFY_MODE_QUERY_PEER on a server
 *
 * How a [class@Qs.SslSocket] checks its peer's certificate. Qt:
 * `QSslSocket::PeerVerifyMode`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_PEER_VERIFY_MODE_VERIFY_NONE = 0,
  QS_PEER_VERIFY_MODE_QUERY_PEER = 1,
  QS_PEER_VERIFY_MODE_VERIFY_PEER = 2,
  QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER = 3
} QsPeerVerifyMode;

/**
 * QS_SOCKET_ERROR:
 *
 * The error domain of the calls that take a `GError`; its codes are
 * the [error@Qs.SocketError] values.
 *
 * Since: 1.0
 */
#define QS_SOCKET_ERROR (qs_socket_error_quark ())

QS_AVAILABLE_IN_ALL
GQuark qs_socket_error_quark (void);

/**
 * QsNetworkProxyType:
 * @QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY: the application proxy
 *   ([func@Qs.NetworkProxy.get_application_proxy])
 * @QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY: a SOCKS5 proxy (RFC 1928)
 * @QS_NETWORK_PROXY_TYPE_NO_PROXY: no proxy: connect directly
 * @QS_NETWORK_PROXY_TYPE_HTTP_PROXY: an HTTP proxy, through `CONNECT`
 * @QS_NETWORK_PROXY_TYPE_HTTP_CACHING_PROXY: an HTTP caching proxy (not
 *   for sockets)
 * @QS_NETWORK_PROXY_TYPE_FTP_CACHING_PROXY: an FTP caching proxy (not for
 *   sockets)
 *
 * The kind of a [struct@Qs.NetworkProxy]. Sockets use DEFAULT_PROXY,
 * NO_PROXY, SOCKS5_PROXY and HTTP_PROXY; the caching types fail with
 * %QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR, as in Qt.
 * Qt: `QNetworkProxy::ProxyType`.
 *
 * Since: 1.0
 */
typedef enum
{
  QS_NETWORK_PROXY_TYPE_DEFAULT_PROXY = 0,
  QS_NETWORK_PROXY_TYPE_SOCKS5_PROXY = 1,
  QS_NETWORK_PROXY_TYPE_NO_PROXY = 2,
  QS_NETWORK_PROXY_TYPE_HTTP_PROXY = 3,
  QS_NETWORK_PROXY_TYPE_HTTP_CACHING_PROXY = 4,
  QS_NETWORK_PROXY_TYPE_FTP_CACHING_PROXY = 5
} QsNetworkProxyType;

/**
 * QsNetworkProxyCapabilities:
 * @QS_NETWORK_PROXY_CAPABILITIES_TUNNELING_CAPABILITY: opens TCP tunnels
 * @QS_NETWORK_PROXY_CAPABILITIES_LISTENING_CAPABILITY: listens for
 *   incoming TCP connections
 * @QS_NETWORK_PROXY_CAPABILITIES_UDP_TUNNELING_CAPABILITY: relays UDP
 *   datagrams
 * @QS_NETWORK_PROXY_CAPABILITIES_CACHING_CAPABILITY: caches content
 * @QS_NETWORK_PROXY_CAPABILITIES_HOST_NAME_LOOKUP_CAPABILITY: resolves
 *   the destination's name itself (no local lookup)
 * @QS_NETWORK_PROXY_CAPABILITIES_SCTP_TUNNELING_CAPABILITY: opens SCTP
 *   tunnels
 * @QS_NETWORK_PROXY_CAPABILITIES_SCTP_LISTENING_CAPABILITY: listens for
 *   incoming SCTP connections
 *
 * What a [struct@Qs.NetworkProxy] can do. Qt: `QNetworkProxy::Capability`.
 *
 * Since: 1.0
 */
typedef enum /*< flags >*/
{
  QS_NETWORK_PROXY_CAPABILITIES_TUNNELING_CAPABILITY = 1 << 0,
  QS_NETWORK_PROXY_CAPABILITIES_LISTENING_CAPABILITY = 1 << 1,
  QS_NETWORK_PROXY_CAPABILITIES_UDP_TUNNELING_CAPABILITY = 1 << 2,
  QS_NETWORK_PROXY_CAPABILITIES_CACHING_CAPABILITY = 1 << 3,
  QS_NETWORK_PROXY_CAPABILITIES_HOST_NAME_LOOKUP_CAPABILITY = 1 << 4,
  QS_NETWORK_PROXY_CAPABILITIES_SCTP_TUNNELING_CAPABILITY = 1 << 5,
  QS_NETWORK_PROXY_CAPABILITIES_SCTP_LISTENING_CAPABILITY = 1 << 6
} QsNetworkProxyCapabilities;

G_END_DECLS
