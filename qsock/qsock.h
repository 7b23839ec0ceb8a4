/* qsock.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one header applications include: Qt's socket classes as GObjects.
 */

#pragma once

#include <gio/gio.h>

#define QSOCK_INSIDE
# include "qs-version-macros.h"
# include "qs-version.h"
# include "qs-enums.h"
# include "qs-enum-types.h"
# include "qs-io-device.h"
# include "qs-network-proxy.h"
# include "qs-authenticator.h"
# include "qs-abstract-socket.h"
# include "qs-tcp-socket.h"
# include "qs-ssl-socket.h"
# include "qs-tcp-server.h"
# include "qs-ssl-server.h"
# include "qs-local-socket.h"
# include "qs-local-server.h"
# include "qs-network-datagram.h"
# include "qs-udp-socket.h"
#undef QSOCK_INSIDE
