/* qs-abstract-socket-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. What the socket subclasses inside the library use.
 */

#pragma once

#include "qs-abstract-socket.h"

G_BEGIN_DECLS

/* Called from a subclass's instance init: the type a plain g_object_new()
 * of that subclass gets (an explicit socket-type property still wins). */
void _qs_abstract_socket_init_socket_type (QsAbstractSocket *self,
                                           QsSocketType      socket_type);

G_END_DECLS
