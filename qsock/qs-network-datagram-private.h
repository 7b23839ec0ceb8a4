/* qs-network-datagram-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The fields of a QsNetworkDatagram, for QsUdpSocket,
 * which fills them from a received datagram and reads them to send one
 * without taking references.
 */

#pragma once

#include "qs-network-datagram.h"

G_BEGIN_DECLS

struct _QsNetworkDatagram
{
  gatomicrefcount ref_count;
  GBytes         *data;                /* (owned): never NULL */
  GInetAddress   *sender_address;      /* (owned) (nullable) */
  GInetAddress   *destination_address; /* (owned) (nullable) */
  guint16         sender_port;         /* meaningful only with sender_address */
  guint16         destination_port;    /* meaningful only with destination_address */
  int             hop_limit;           /* -1: unknown */
  guint           interface_index;     /* 0: unknown */
};

G_END_DECLS
