/* qs-socket-engine.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The socket engine: one non-blocking GSocket and one
 * GSource per object on the object's GMainContext. It turns readiness into
 * a callback to its owner and wraps the system calls (connect and its
 * completion, vectored send, receive into a buffer, accept, bind, listen,
 * options), mapping errno to QsSocketError. It knows nothing of signals
 * or Qt states.
 */

#pragma once

#include <gio/gio.h>
#include <sys/uio.h>

#include "qs-enums.h"

G_BEGIN_DECLS

typedef struct _QsSocketEngine QsSocketEngine;

/* Called from the engine's source with the conditions that are ready.
 * The owner may free the engine from inside the callback. */
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
} QsEngineOp;

QsSocketEngine *_qs_socket_engine_new           (GSocket             *socket,
                                                 GMainContext        *context,
                                                 QsSocketEngineFunc   func,
                                                 gpointer             user_data);
QsSocketEngine *_qs_socket_engine_new_tcp       (GSocketFamily        family,
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

int             _qs_socket_fd_check             (int                  fd,
                                                 int                  type);
gint64          _qs_deadline_from_msecs         (int                  msecs);
QsSocketError   _qs_socket_error_from_errno     (QsEngineOp           op,
                                                 int                  error_number,
                                                 const char         **message);

G_END_DECLS
