/* qs-socket-engine.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The socket engine: one non-blocking GSocket and one GSource on the
 * owner's GMainContext. The source watches the descriptor with
 * g_source_add_unix_fd() and its event mask is changed in place with
 * g_source_modify_unix_fd(); it is never re-created per event. I/O uses
 * the descriptor's system calls directly so that EAGAIN costs no GError
 * allocation. Errors come back as errno values; one function maps them
 * to QsSocketError and Qt's (translated) messages.
 */

#include "config.h"

#ifndef _GNU_SOURCE
# define _GNU_SOURCE  /* accept4 */
#endif

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib/gi18n-lib.h>

#include "qs-socket-engine.h"

struct _QsSocketEngine
{
  GSocket           *socket;   /* (owned) */
  int                fd;
  GSocketFamily      family;
  GSource           *source;   /* (owned) */
  gpointer           tag;      /* (nullable): NULL while nothing is watched */
  GIOCondition       events;
  QsSocketEngineFunc func;
  gpointer           user_data;
};

typedef struct
{
  GSource         source;
  QsSocketEngine *engine;      /* (unowned) (nullable): NULL once freed */
} QsEngineSource;

static gboolean
engine_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  QsEngineSource *es = (QsEngineSource *) source;
  QsSocketEngine *engine = es->engine;
  GIOCondition revents;

  if (engine == NULL || engine->tag == NULL)
    return G_SOURCE_CONTINUE;

  revents = g_source_query_unix_fd (source, engine->tag);
  if (revents != 0)
    engine->func (revents, engine->user_data);   /* may free the engine */

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs engine_source_funcs = {
  NULL, NULL, engine_source_dispatch, NULL, NULL, NULL,
};

QsSocketEngine *
_qs_socket_engine_new (GSocket            *socket,
                       GMainContext       *context,
                       QsSocketEngineFunc  func,
                       gpointer            user_data)
{
  QsSocketEngine *self = g_new0 (QsSocketEngine, 1);

  self->socket = socket;
  self->fd = g_socket_get_fd (socket);
  self->family = g_socket_get_family (socket);
  self->func = func;
  self->user_data = user_data;
  self->source = g_source_new (&engine_source_funcs, sizeof (QsEngineSource));
  ((QsEngineSource *) self->source)->engine = self;
  g_source_set_static_name (self->source, "[qsock] socket engine");
  /* A handler that runs a nested loop still gets its socket served (Qt
   * reads into the buffer meanwhile); ready-read itself never nests. */
  g_source_set_can_recurse (self->source, TRUE);
  g_source_attach (self->source, context);

  return self;
}

/* A non-blocking, close-on-exec socket of @domain and @type. */
static QsSocketEngine *
new_native (int                 domain,
            int                 type,
            GMainContext       *context,
            QsSocketEngineFunc  func,
            gpointer            user_data,
            int                *error_number)
{
  GSocket *gsocket;
  int fd;

  fd = socket (domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      *error_number = errno;
      return NULL;
    }

  if (domain == AF_INET6)
    {
      int off = 0;

      /* dual-stack */
      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }

  gsocket = g_socket_new_from_fd (fd, NULL);
  if (gsocket == NULL)
    {
      *error_number = EINVAL;
      close (fd);
      return NULL;
    }

  return _qs_socket_engine_new (gsocket, context, func, user_data);
}

/* A TCP socket; IPv6 sockets are dual-stack. */
QsSocketEngine *
_qs_socket_engine_new_tcp (GSocketFamily       family,
                           GMainContext       *context,
                           QsSocketEngineFunc  func,
                           gpointer            user_data,
                           int                *error_number)
{
  return new_native (family == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET, SOCK_STREAM,
                     context, func, user_data, error_number);
}

/* A Unix-domain stream socket. */
QsSocketEngine *
_qs_socket_engine_new_unix (GMainContext       *context,
                            QsSocketEngineFunc  func,
                            gpointer            user_data,
                            int                *error_number)
{
  return new_native (AF_UNIX, SOCK_STREAM, context, func, user_data, error_number);
}

/* Destroys the source and closes the socket. Safe from inside the
 * engine's own callback: the source stays alive until dispatch returns. */
void
_qs_socket_engine_free (QsSocketEngine *self)
{
  if (self == NULL)
    return;

  ((QsEngineSource *) self->source)->engine = NULL;
  g_source_destroy (self->source);
  g_source_unref (self->source);
  g_socket_close (self->socket, NULL);
  g_object_unref (self->socket);
  g_free (self);
}

GSocket *
_qs_socket_engine_get_socket (QsSocketEngine *self)
{
  return self->socket;
}

int
_qs_socket_engine_get_fd (QsSocketEngine *self)
{
  return self->fd;
}

GSocketFamily
_qs_socket_engine_get_family (QsSocketEngine *self)
{
  return self->family;
}

/* Watches exactly @events. With none, the descriptor leaves the source so
 * that a hung-up socket cannot wake the loop while nobody listens. */
void
_qs_socket_engine_set_events (QsSocketEngine *self,
                              GIOCondition    events)
{
  if (self->events == events)
    return;
  self->events = events;

  if (events == 0)
    {
      if (self->tag)
        g_source_remove_unix_fd (self->source, self->tag);
      self->tag = NULL;
    }
  else if (self->tag == NULL)
    self->tag = g_source_add_unix_fd (self->source, self->fd, events);
  else
    g_source_modify_unix_fd (self->source, self->tag, events);
}

GIOCondition
_qs_socket_engine_get_events (QsSocketEngine *self)
{
  return self->events;
}

gint64
_qs_deadline_from_msecs (int msecs)
{
  if (msecs < 0)
    return -1;
  return g_get_monotonic_time () + (gint64) msecs * 1000;
}

/* Blocks in poll() on this descriptor alone (never on a GMainContext)
 * until one of @events is ready or the monotonic @deadline (-1: none)
 * passes. Returns the ready conditions, 0 at the deadline. */
GIOCondition
_qs_socket_engine_poll (QsSocketEngine *self,
                        GIOCondition    events,
                        gint64          deadline)
{
  for (;;)
    {
      GPollFD pfd = { self->fd, events, 0 };
      int timeout = -1;
      int n;

      if (deadline >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          timeout = left <= 0 ? 0 : (int) MIN ((left + 999) / 1000, G_MAXINT);
        }

      n = g_poll (&pfd, 1, timeout);
      if (n > 0)
        return pfd.revents;
      if (n == 0)
        {
          if (deadline >= 0 && g_get_monotonic_time () >= deadline)
            return 0;
          continue;
        }
      if (errno != EINTR)
        return G_IO_ERR;
    }
}

/* Returns the bytes received, 0 at end of stream, or -1 with errno in
 * @error_number (EAGAIN when nothing is there). */
gssize
_qs_socket_engine_receive (QsSocketEngine *self,
                           guint8         *buffer,
                           gsize           size,
                           int            *error_number)
{
  for (;;)
    {
      gssize n = recv (self->fd, buffer, size, 0);

      if (n >= 0)
        return n;
      if (errno != EINTR)
        {
          *error_number = errno;
          return -1;
        }
    }
}

gssize
_qs_socket_engine_send_vectors (QsSocketEngine     *self,
                                const struct iovec *vectors,
                                guint               n_vectors,
                                int                *error_number)
{
  struct msghdr msg = { 0 };

  msg.msg_iov = (struct iovec *) vectors;
  msg.msg_iovlen = n_vectors;

  for (;;)
    {
      gssize n = sendmsg (self->fd, &msg, MSG_NOSIGNAL);

      if (n >= 0)
        return n;
      if (errno != EINTR)
        {
          *error_number = errno;
          return -1;
        }
    }
}

/* Builds the native address for this socket's family; an IPv4 address
 * on a dual-stack IPv6 socket becomes ::ffff:a.b.c.d. 0 when it cannot. */
static socklen_t
to_native (GSocketFamily            family,
           GInetAddress            *address,
           guint16                  port,
           struct sockaddr_storage *storage)
{
  GSocketFamily address_family = g_inet_address_get_family (address);
  const guint8 *bytes = g_inet_address_to_bytes (address);

  memset (storage, 0, sizeof *storage);

  if (family == G_SOCKET_FAMILY_IPV4)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) storage;

      if (address_family != G_SOCKET_FAMILY_IPV4)
        return 0;
      sin->sin_family = AF_INET;
      sin->sin_port = g_htons (port);
      memcpy (&sin->sin_addr, bytes, 4);
      return sizeof *sin;
    }
  else
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) storage;

      sin6->sin6_family = AF_INET6;
      sin6->sin6_port = g_htons (port);
      if (address_family == G_SOCKET_FAMILY_IPV4)
        {
          sin6->sin6_addr.s6_addr[10] = 0xff;
          sin6->sin6_addr.s6_addr[11] = 0xff;
          memcpy (&sin6->sin6_addr.s6_addr[12], bytes, 4);
        }
      else
        memcpy (&sin6->sin6_addr, bytes, 16);
      return sizeof *sin6;
    }
}

static int
connect_native (QsSocketEngine        *self,
                const struct sockaddr *address,
                socklen_t              len)
{
  while (connect (self->fd, address, len) < 0)
    {
      if (errno != EINTR)
        return errno;
    }
  return 0;
}

/* Starts a non-blocking connect: 0 when connected at once, EINPROGRESS
 * while pending, another errno on failure. */
int
_qs_socket_engine_connect (QsSocketEngine *self,
                           GInetAddress   *address,
                           guint16         port)
{
  struct sockaddr_storage storage;
  socklen_t len = to_native (self->family, address, port, &storage);

  if (len == 0)
    return EAFNOSUPPORT;
  return connect_native (self, (struct sockaddr *) &storage, len);
}

/* A Unix-domain address: a path, or a name in the abstract namespace
 * (a leading NUL, no terminator). 0 when @path does not fit. */
static socklen_t
unix_address (const char         *path,
              gboolean            abstract,
              struct sockaddr_un *address)
{
  gsize length = strlen (path);
  gsize offset = abstract ? 1 : 0;

  memset (address, 0, sizeof *address);
  address->sun_family = AF_UNIX;
  if (length == 0 || length + offset >= sizeof address->sun_path)
    return 0;
  memcpy (address->sun_path + offset, path, length);
  return offsetof (struct sockaddr_un, sun_path) + offset + length + (abstract ? 0 : 1);
}

static int
bind_native (QsSocketEngine        *self,
             const struct sockaddr *address,
             socklen_t              len)
{
  return bind (self->fd, address, len) < 0 ? errno : 0;
}

/* Runs @op (connect or bind) on the Unix-domain address of @path. */
static int
with_unix_address (QsSocketEngine *self,
                   const char     *path,
                   gboolean        abstract,
                   int           (*op) (QsSocketEngine        *self,
                                        const struct sockaddr *address,
                                        socklen_t              len))
{
  struct sockaddr_un address;
  socklen_t len = unix_address (path, abstract, &address);

  if (len == 0)
    return ENAMETOOLONG;
  return op (self, (struct sockaddr *) &address, len);
}

/* connect() to a Unix-domain server; errnos as _qs_socket_engine_connect()
 * (EAGAIN when the server's backlog is full). */
int
_qs_socket_engine_connect_unix (QsSocketEngine *self,
                                const char     *path,
                                gboolean        abstract)
{
  return with_unix_address (self, path, abstract, connect_native);
}

int
_qs_socket_engine_bind_unix (QsSocketEngine *self,
                             const char     *path,
                             gboolean        abstract)
{
  return with_unix_address (self, path, abstract, bind_native);
}

/* The path (or abstract name) a Unix-domain socket is bound to; NULL when
 * it is not bound or not a Unix-domain socket. */
char *
_qs_socket_engine_get_unix_path (QsSocketEngine *self,
                                 gboolean       *abstract)
{
  struct sockaddr_un address;
  socklen_t len = sizeof address;
  gsize length;

  memset (&address, 0, sizeof address);
  if (getsockname (self->fd, (struct sockaddr *) &address, &len) < 0 ||
      address.sun_family != AF_UNIX || len <= offsetof (struct sockaddr_un, sun_path))
    return NULL;

  length = len - offsetof (struct sockaddr_un, sun_path);
  *abstract = address.sun_path[0] == '\0';
  if (*abstract)
    return g_strndup (address.sun_path + 1, length - 1);
  return g_strndup (address.sun_path, length);
}

/* The outcome of a pending connect once the socket is writable. */
int
_qs_socket_engine_finish_connect (QsSocketEngine *self)
{
  int value = 0;
  socklen_t len = sizeof value;

  if (getsockopt (self->fd, SOL_SOCKET, SO_ERROR, &value, &len) < 0)
    return errno;
  return value;
}

int
_qs_socket_engine_bind (QsSocketEngine *self,
                        GInetAddress   *address,
                        guint16         port,
                        gboolean        reuse_address)
{
  struct sockaddr_storage storage;
  socklen_t len;
  int reuse = reuse_address ? 1 : 0;
  g_autoptr(GInetAddress) any = NULL;

  if (address == NULL)
    address = any = g_inet_address_new_any (self->family);

  len = to_native (self->family, address, port, &storage);
  if (len == 0)
    return EAFNOSUPPORT;

  setsockopt (self->fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
  if (bind (self->fd, (struct sockaddr *) &storage, len) < 0)
    return errno;
  return 0;
}

int
_qs_socket_engine_listen (QsSocketEngine *self,
                          int             backlog)
{
  if (listen (self->fd, backlog) < 0)
    return errno;
  return 0;
}

/* Returns a new non-blocking, close-on-exec descriptor, or -1 with errno
 * in @error_number (EAGAIN when no connection waits). */
int
_qs_socket_engine_accept (QsSocketEngine *self,
                          int            *error_number)
{
  for (;;)
    {
      int fd = accept4 (self->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (fd >= 0)
        return fd;
      if (errno != EINTR)
        {
          *error_number = errno;
          return -1;
        }
    }
}

/* The local (or @peer) address and port; FALSE when there is none.
 * Built from the raw bytes because g_socket_address_new_from_native()
 * turns ::ffff:a.b.c.d into a.b.c.d, and Qt reports the mapped form. */
gboolean
_qs_socket_engine_get_address (QsSocketEngine  *self,
                               gboolean         peer,
                               GInetAddress   **address,
                               guint16         *port)
{
  struct sockaddr_storage storage;
  socklen_t len = sizeof storage;
  int r;

  r = peer ? getpeername (self->fd, (struct sockaddr *) &storage, &len)
           : getsockname (self->fd, (struct sockaddr *) &storage, &len);
  if (r < 0)
    return FALSE;

  if (storage.ss_family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) &storage;

      *address = g_inet_address_new_from_bytes ((const guint8 *) &sin->sin_addr, G_SOCKET_FAMILY_IPV4);
      *port = g_ntohs (sin->sin_port);
      return TRUE;
    }
  if (storage.ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) &storage;

      *address = g_inet_address_new_from_bytes ((const guint8 *) &sin6->sin6_addr, G_SOCKET_FAMILY_IPV6);
      *port = g_ntohs (sin6->sin6_port);
      return TRUE;
    }
  return FALSE;
}

/* The local endpoint after bind(): Qt reports its dual-stack "any"
 * (QHostAddress::Any) as 0.0.0.0, so a socket bound to the any address
 * because none was given (@any_requested) says the same. */
gboolean
_qs_socket_engine_get_bound_address (QsSocketEngine  *self,
                                     gboolean         any_requested,
                                     GInetAddress   **address,
                                     guint16         *port)
{
  if (!_qs_socket_engine_get_address (self, FALSE, address, port))
    return FALSE;

  if (any_requested && g_inet_address_get_is_any (*address))
    {
      g_object_unref (*address);
      *address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
    }
  return TRUE;
}

/* The setsockopt() level and name of an option for this socket's family;
 * FALSE when the option has none. */
static gboolean
option_to_native (QsSocketEngine *self,
                  QsSocketOption  option,
                  int            *level,
                  int            *name)
{
  gboolean ipv6 = self->family == G_SOCKET_FAMILY_IPV6;

  switch (option)
    {
    case QS_SOCKET_OPTION_LOW_DELAY_OPTION:
      *level = IPPROTO_TCP, *name = TCP_NODELAY;
      return TRUE;
    case QS_SOCKET_OPTION_KEEP_ALIVE_OPTION:
      *level = SOL_SOCKET, *name = SO_KEEPALIVE;
      return TRUE;
    case QS_SOCKET_OPTION_MULTICAST_TTL_OPTION:
      *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
      *name = ipv6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL;
      return TRUE;
    case QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION:
      *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
      *name = ipv6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP;
      return TRUE;
    case QS_SOCKET_OPTION_TYPE_OF_SERVICE_OPTION:
      *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
      *name = ipv6 ? IPV6_TCLASS : IP_TOS;
      return TRUE;
    case QS_SOCKET_OPTION_SEND_BUFFER_SIZE_SOCKET_OPTION:
      *level = SOL_SOCKET, *name = SO_SNDBUF;
      return TRUE;
    case QS_SOCKET_OPTION_RECEIVE_BUFFER_SIZE_SOCKET_OPTION:
      *level = SOL_SOCKET, *name = SO_RCVBUF;
      return TRUE;
    case QS_SOCKET_OPTION_PATH_MTU_SOCKET_OPTION:
      *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
      *name = ipv6 ? IPV6_MTU : IP_MTU;
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
_qs_socket_engine_set_option (QsSocketEngine *self,
                              QsSocketOption  option,
                              int             value)
{
  int level, name;

  if (!option_to_native (self, option, &level, &name))
    return FALSE;
  return setsockopt (self->fd, level, name, &value, sizeof value) == 0;
}

/* The option's value, or -1 when it cannot be read. */
int
_qs_socket_engine_get_option (QsSocketEngine *self,
                              QsSocketOption  option)
{
  int level, name;
  int value = 0;
  socklen_t len = sizeof value;

  if (!option_to_native (self, option, &level, &name))
    return -1;
  if (getsockopt (self->fd, level, name, &value, &len) < 0)
    return -1;
  return value;
}

/* 0 when @fd is an open socket of @type (SOCK_STREAM, …), else an errno. */
int
_qs_socket_fd_check (int fd,
                     int type)
{
  int value = 0;
  socklen_t len = sizeof value;

  if (fd < 0)
    return EBADF;
  if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &value, &len) < 0)
    return errno;
  if (value != type)
    return EPROTOTYPE;
  return 0;
}

/* Qt's QNativeSocketEnginePrivate error mapping, per system call, with
 * Qt's messages. */
QsSocketError
_qs_socket_error_from_errno (QsEngineOp   op,
                             int          error_number,
                             const char **message)
{
  switch (error_number)
    {
    case EAGAIN:
      *message = _("Temporary error");
      return QS_SOCKET_ERROR_TEMPORARY_ERROR;

    case ECONNREFUSED:
      *message = _("Connection refused");
      return QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;

    case EPIPE:
    case ECONNRESET:
      if (op == QS_ENGINE_OP_CONNECT)
        break;
      *message = _("The remote host closed the connection");
      return QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR;

    case ETIMEDOUT:
      *message = _("Connection timed out");
      return QS_SOCKET_ERROR_NETWORK_ERROR;

    case EHOSTUNREACH:
      *message = _("Host unreachable");
      return QS_SOCKET_ERROR_NETWORK_ERROR;

    case ENETUNREACH:
      *message = _("Network unreachable");
      return QS_SOCKET_ERROR_NETWORK_ERROR;

    case EADDRINUSE:
      if (op == QS_ENGINE_OP_LISTEN)
        *message = _("Another socket is already listening on the same port");
      else
        *message = _("The bound address is already in use");
      return op == QS_ENGINE_OP_CONNECT ? QS_SOCKET_ERROR_NETWORK_ERROR
                                        : QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR;

    case EADDRNOTAVAIL:
      *message = _("The address is not available");
      return QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR;

    case EACCES:
    case EPERM:
      *message = op == QS_ENGINE_OP_BIND ? _("The address is protected") : _("Permission denied");
      return QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR;

    case EMSGSIZE:
      *message = _("Datagram was too large to send");
      return QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR;

    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      *message = _("Out of resources");
      return QS_SOCKET_ERROR_SOCKET_RESOURCE_ERROR;

    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
    case EPROTOTYPE:
      *message = _("Protocol type not supported");
      return QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR;

    case EBADF:
    case ENOTSOCK:
      *message = _("Invalid socket descriptor");
      return QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR;

    case EINVAL:
    case EOPNOTSUPP:
      if (op == QS_ENGINE_OP_CONNECT)
        {
          *message = _("Connection refused");
          return QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;
        }
      *message = _("Unsupported socket operation");
      return QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR;

    case ECONNABORTED:
      *message = _("Network dropped connection on reset");
      return QS_SOCKET_ERROR_NETWORK_ERROR;

    default:
      break;
    }

  switch (op)
    {
    case QS_ENGINE_OP_READ:
      *message = _("Network error");
      return QS_SOCKET_ERROR_NETWORK_ERROR;
    case QS_ENGINE_OP_WRITE:
      *message = _("Unable to write");
      return QS_SOCKET_ERROR_NETWORK_ERROR;
    case QS_ENGINE_OP_CONNECT:
      *message = _("Connection refused");
      return QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;
    case QS_ENGINE_OP_CREATE:
    case QS_ENGINE_OP_BIND:
    case QS_ENGINE_OP_LISTEN:
    case QS_ENGINE_OP_ACCEPT:
    default:
      *message = _("Unknown error");
      return QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
    }
}
