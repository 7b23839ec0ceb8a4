/* Qs-1.0-custom.vala
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What vapigen cannot make from Qs-1.0.gir alone: an error domain Vala
 * can catch. QsSocketError is a value in the Qt API (signal arguments,
 * getters, properties), so in Vala Qs.SocketError stays an enum (see
 * Qs-1.0.metadata); the same C codes, in the QS_SOCKET_ERROR domain that
 * the async calls throw, are this errordomain. No C symbol is added:
 * the quark is qs_socket_error_quark ().
 */

namespace Qs {
	/**
	 * The {@link GLib.Error} domain `QS_SOCKET_ERROR` of the async calls,
	 * whose codes are the {@link Qs.SocketError} values:
	 * `catch (Qs.SocketErrorDomain.CONNECTION_REFUSED_ERROR e)`.
	 */
	[CCode (cheader_filename = "qsock/qsock.h", cname = "QsSocketError", cprefix = "QS_SOCKET_ERROR_", lower_case_cprefix = "qs_socket_error_", lower_case_csuffix = "socket_error")]
	public errordomain SocketErrorDomain {
		CONNECTION_REFUSED_ERROR,
		REMOTE_HOST_CLOSED_ERROR,
		HOST_NOT_FOUND_ERROR,
		SOCKET_ACCESS_ERROR,
		SOCKET_RESOURCE_ERROR,
		SOCKET_TIMEOUT_ERROR,
		DATAGRAM_TOO_LARGE_ERROR,
		NETWORK_ERROR,
		ADDRESS_IN_USE_ERROR,
		SOCKET_ADDRESS_NOT_AVAILABLE_ERROR,
		UNSUPPORTED_SOCKET_OPERATION_ERROR,
		UNFINISHED_SOCKET_OPERATION_ERROR,
		PROXY_AUTHENTICATION_REQUIRED_ERROR,
		SSL_HANDSHAKE_FAILED_ERROR,
		PROXY_CONNECTION_REFUSED_ERROR,
		PROXY_CONNECTION_CLOSED_ERROR,
		PROXY_CONNECTION_TIMEOUT_ERROR,
		PROXY_NOT_FOUND_ERROR,
		PROXY_PROTOCOL_ERROR,
		OPERATION_ERROR,
		SSL_INTERNAL_ERROR,
		SSL_INVALID_USER_DATA_ERROR,
		TEMPORARY_ERROR,
		UNKNOWN_SOCKET_ERROR;
		public static GLib.Quark quark ();
	}
}
