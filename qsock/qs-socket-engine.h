/* qs-socket-engine.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The socket engine: one non-blocking GSocket per
 * object, registered in the one epoll reactor (a GSource) of the
 * object's GMainContext. It turns readiness into
 * a callback to its owner and wraps the system calls (connect and its
 * completion, vectored send, receive into a buffer, accept, bind, listen,
 * options, and for UDP: datagram send/receive with their control
 * messages, one at a time or batched (sendmmsg/recvmmsg), pending sizes,
 * multicast membership), mapping errno to
 * QsSocketError. It knows nothing of signals
 * or Qt states.
 */

#pragma once

#include <errno.h>
#include <gio/gio.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "qs-enums.h"

G_BEGIN_DECLS

typedef struct _QsSocketEngine QsSocketEngine;

/* Called from the context's reactor with the conditions that are ready.
 * The owner may free this or any other engine from inside the callback,
 * make new ones or run a nested loop on the context. */
typedef void (*QsSocketEngineFunc) (GIOCondition condition,
                                    gpointer     user_data);

/* Which system call failed: the same errno means different Qt errors. */
typedef enum
{
  QS_ENGINE_OP_CREATE,
  QS_ENGINE_OP_CONNECT,
  QS_ENGINE_OP_BIND,
  QS_ENGINE_OP_LISTEN,
  QS_ENGINE_OP_ACCEPT,
  QS_ENGINE_OP_READ,
  QS_ENGINE_OP_WRITE,
  QS_ENGINE_OP_SEND_DATAGRAM,
  QS_ENGINE_OP_RECEIVE_DATAGRAM,
} QsEngineOp;

/* An IPv4 or IPv6 address and a port in native form: what a datagram
 * carries, so that reading or sending one builds no GInetAddress. */
typedef struct
{
  guint8        bytes[16];   /* IPv4: the first 4 */
  GSocketFamily family;      /* G_SOCKET_FAMILY_INVALID: no address */
  guint16       port;
} QsInetEndpoint;

/* What a received datagram carried besides its bytes. */
typedef struct
{
  QsInetEndpoint sender;            /* family INVALID: unknown */
  QsInetEndpoint destination;       /* from IP_PKTINFO / IPV6_PKTINFO; port 0 */
  int            hop_limit;         /* -1: unknown */
  guint          interface_index;   /* 0: unknown */
} QsDatagramHeader;

/* Which parts of a QsDatagramHeader a receive fills in. */
typedef enum
{
  QS_DATAGRAM_WANT_NONE = 0,
  QS_DATAGRAM_WANT_SENDER = 1 << 0,
  QS_DATAGRAM_WANT_ALL = 0xff,
} QsDatagramWant;

/* One datagram to send. */
typedef struct
{
  const guint8         *data;
  gsize                 size;
  const QsInetEndpoint *destination;     /* (nullable): NULL on a connected socket */
  const QsInetEndpoint *source;          /* (nullable): the source address (pktinfo) */
  int                   hop_limit;       /* -1: the default */
  guint                 interface_index; /* 0: any */
} QsDatagramOut;

/* One datagram of a batched receive. */
typedef struct
{
  const guint8     *data;   /* (unowned): engine memory, valid until its next batch */
  gsize             size;   /* bytes stored (at most the size asked) */
  QsDatagramHeader  header;
} QsDatagramIn;

/* The most datagrams one recvmmsg()/sendmmsg() moves (UIO_MAXIOV). */
#define QS_DATAGRAM_BATCH_MAX 1024

QsSocketEngine *_qs_socket_engine_new           (GSocket             *socket,
                                                 GMainContext        *context,
                                                 QsSocketEngineFunc   func,
                                                 gpointer             user_data);
QsSocketEngine *_qs_socket_engine_new_tcp       (GSocketFamily        family,
                                                 GMainContext        *context,
                                                 QsSocketEngineFunc   func,
                                                 gpointer             user_data,
                                                 int                 *error_number);
QsSocketEngine *_qs_socket_engine_new_udp       (GSocketFamily        family,
                                                 GMainContext        *context,
                                                 QsSocketEngineFunc   func,
                                                 gpointer             user_data,
                                                 int                 *error_number);
QsSocketEngine *_qs_socket_engine_new_unix      (GMainContext        *context,
                                                 QsSocketEngineFunc   func,
                                                 gpointer             user_data,
                                                 int                 *error_number);
void            _qs_socket_engine_free          (QsSocketEngine      *self);

GSocket        *_qs_socket_engine_get_socket    (QsSocketEngine      *self);
int             _qs_socket_engine_get_fd        (QsSocketEngine      *self);
GSocketFamily   _qs_socket_engine_get_family    (QsSocketEngine      *self);
GSource        *_qs_socket_engine_get_reactor   (QsSocketEngine      *self);
gboolean        _qs_socket_engine_is_polled_directly (QsSocketEngine *self);

void            _qs_socket_engine_set_events    (QsSocketEngine      *self,
                                                 GIOCondition         events);
GIOCondition    _qs_socket_engine_get_events    (QsSocketEngine      *self);
GIOCondition    _qs_socket_engine_poll          (QsSocketEngine      *self,
                                                 GIOCondition         events,
                                                 gint64               deadline);

gssize          _qs_socket_engine_receive       (QsSocketEngine      *self,
                                                 guint8              *buffer,
                                                 gsize                size,
                                                 int                 *error_number);
gssize          _qs_socket_engine_send_vectors  (QsSocketEngine      *self,
                                                 const struct iovec  *vectors,
                                                 guint                n_vectors,
                                                 int                 *error_number);
int             _qs_socket_engine_connect       (QsSocketEngine      *self,
                                                 GInetAddress        *address,
                                                 guint16              port);
int             _qs_socket_engine_finish_connect (QsSocketEngine     *self);
int             _qs_socket_engine_connect_unix  (QsSocketEngine      *self,
                                                 const char          *path,
                                                 gboolean             abstract);
int             _qs_socket_engine_bind_unix     (QsSocketEngine      *self,
                                                 const char          *path,
                                                 gboolean             abstract);
char           *_qs_socket_engine_get_unix_path (QsSocketEngine      *self,
                                                 gboolean            *abstract);
int             _qs_socket_engine_bind          (QsSocketEngine      *self,
                                                 GInetAddress        *address,
                                                 guint16              port,
                                                 gboolean             reuse_address);
int             _qs_socket_engine_listen        (QsSocketEngine      *self,
                                                 int                  backlog);
int             _qs_socket_engine_accept        (QsSocketEngine      *self,
                                                 int                 *error_number);
gboolean        _qs_socket_engine_get_address   (QsSocketEngine      *self,
                                                 gboolean             peer,
                                                 GInetAddress       **address,
                                                 guint16             *port);
gboolean        _qs_socket_engine_get_bound_address (QsSocketEngine  *self,
                                                 gboolean             any_requested,
                                                 GInetAddress       **address,
                                                 guint16             *port);
gboolean        _qs_socket_engine_set_option    (QsSocketEngine      *self,
                                                 QsSocketOption       option,
                                                 int                  value);
int             _qs_socket_engine_get_option    (QsSocketEngine      *self,
                                                 QsSocketOption       option);

/* Datagrams */
gboolean        _qs_socket_engine_has_pending_datagrams (QsSocketEngine *self);
gboolean        _qs_socket_engine_peer_closed (QsSocketEngine *self);
gint64          _qs_socket_engine_pending_datagram_size (QsSocketEngine *self);
gint64          _qs_socket_engine_bytes_available (QsSocketEngine    *self);
gssize          _qs_socket_engine_receive_datagram (QsSocketEngine   *self,
                                                 guint8              *buffer,
                                                 gsize                size,
                                                 QsDatagramWant       want,
                                                 QsDatagramHeader    *header,
                                                 int                 *error_number);
gssize          _qs_socket_engine_send_datagram (QsSocketEngine      *self,
                                                 const guint8        *data,
                                                 gsize                size,
                                                 GInetAddress        *destination,
                                                 guint16              port,
                                                 GInetAddress        *source,
                                                 int                  hop_limit,
                                                 guint                interface_index,
                                                 int                 *error_number);
int             _qs_socket_engine_send_datagrams (QsSocketEngine     *self,
                                                 const QsDatagramOut *datagrams,
                                                 guint                count,
                                                 int                 *error_number);
int             _qs_socket_engine_receive_datagrams (QsSocketEngine  *self,
                                                 guint                count,
                                                 gsize                size,
                                                 const QsDatagramIn **datagrams,
                                                 int                 *error_number);
int             _qs_socket_engine_multicast_membership (QsSocketEngine *self,
                                                 gboolean             join,
                                                 GInetAddress        *group,
                                                 guint                interface_index);
int             _qs_socket_engine_set_multicast_interface (QsSocketEngine *self,
                                                 guint                interface_index);
guint           _qs_socket_engine_get_multicast_interface (QsSocketEngine *self);

GInetAddress   *_qs_inet_address_from_native    (const struct sockaddr_storage *storage,
                                                 guint16             *port);
void            _qs_inet_endpoint_set           (QsInetEndpoint      *self,
                                                 GInetAddress        *address,
                                                 guint16              port);
GInetAddress   *_qs_inet_endpoint_to_address    (const QsInetEndpoint *self);
gboolean        _qs_inet_endpoint_same_address  (const QsInetEndpoint *a,
                                                 const QsInetEndpoint *b);

int             _qs_socket_fd_check             (int                  fd,
                                                 int                  type);
gint64          _qs_deadline_from_msecs         (int                  msecs);
QsSocketError   _qs_socket_error_from_errno     (QsEngineOp           op,
                                                 int                  error_number,
                                                 const char         **message);

/* recv() on a stream socket's descriptor, retried on EINTR: the bytes
 * received, 0 at end of stream, or -1 with errno in @error_number
 * (EAGAIN when nothing is there). Inline, for the stream pump's receive
 * loop, which keeps its engine's descriptor. */
static inline gssize
_qs_socket_receive (int     fd,
                    guint8 *buffer,
                    gsize   size,
                    int    *error_number)
{
  for (;;)
    {
      gssize n = recv (fd, buffer, size, 0);

      if (n >= 0)
        return n;
      if (errno != EINTR)
        {
          *error_number = errno;
          return -1;
        }
    }
}

G_END_DECLS
