/* qs-local-socket-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. What QsLocalServer needs of QsLocalSocket: Qt's rule
 * for where a server name lives, and naming an accepted socket after its
 * server.
 */

#pragma once

#include "qs-local-socket.h"

G_BEGIN_DECLS

char *_qs_local_full_server_name        (const char    *name,
                                         gboolean       abstract);
void  _qs_local_socket_set_server_names (QsLocalSocket *self,
                                         const char    *name,
                                         const char    *full_name);

G_END_DECLS
