/* qs-network-datagram-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The fields of a QsNetworkDatagram, for QsUdpSocket,
 * which builds one from a received datagram and describes one to send,
 * in native form, without building or taking references to objects.
 */

#pragma once

#include "qs-network-datagram.h"
#include "qs-socket-engine.h"

G_BEGIN_DECLS

typedef struct _QsDatagramBlock QsDatagramBlock;

struct _QsNetworkDatagram
{
  gint            ref_count;           /* atomic; not a gatomicrefcount, which GLib
                                        * 2.74 inlines only with G_DISABLE_CHECKS */
  QsDatagramBlock *block;              /* the allocation it lives in, shared with the
                                        * datagrams received with it */
  GBytes         *data;                /* (owned) (nullable): the payload; NULL when inline */
  const guint8   *payload;             /* its bytes: data's, or inline_payload */
  gsize           size;
  QsDatagramHeader header;             /* addresses (family INVALID: unset), hop
                                        * limit (-1: unknown), interface (0: unknown) */
  GInetAddress   *sender_address;      /* (owned) (nullable): the sender as an object, made on demand */
  GInetAddress   *destination_address; /* (owned) (nullable): likewise */
  guint8          inline_payload[];    /* a payload copied in at creation */
};

void               _qs_network_datagram_new_received (const QsDatagramIn *datagrams,
                                                      guint               count,
                                                      guint16             local_port,
                                                      gpointer           *out);
void               _qs_network_datagram_describe     (QsNetworkDatagram  *self,
                                                      QsDatagramOut      *out);

G_END_DECLS
