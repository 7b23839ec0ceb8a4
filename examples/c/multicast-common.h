/* multicast-common.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the multicast sender and receiver examples share: their command
 * line (--group, --port, --count, and the sender's --interval and
 * --ttl), the group address, a socket bound to the any address of the
 * group's family, and the main loop that runs until --count datagrams
 * were sent or received.
 */

#pragma once

#include <qsock/qsock.h>

G_BEGIN_DECLS

#define MULTICAST_DEFAULT_GROUP "239.255.43.21"
#define MULTICAST_DEFAULT_PORT 45454

typedef struct
{
  const char   *program;     /* for messages */
  GInetAddress *group;       /* (owned) */
  int           port;
  int           count;       /* datagrams to send or receive; 0: forever */
  int           interval;    /* sender: milliseconds between datagrams */
  int           ttl;         /* sender: MULTICAST_TTL_OPTION */
  int           done;        /* datagrams sent or received so far */
  int           status;      /* the exit code */
  GMainLoop    *loop;        /* (owned) */
} Multicast;

gboolean     multicast_init   (Multicast    *multicast,
                               const char   *program,
                               const char   *summary,
                               gboolean      sender,
                               int          *argc,
                               char       ***argv);
QsUdpSocket *multicast_bind   (Multicast    *multicast,
                               guint16       port,
                               QsBindFlags   flags);
void         multicast_fail   (Multicast    *multicast,
                               QsUdpSocket  *socket);
gboolean     multicast_count  (Multicast    *multicast);
int          multicast_run    (Multicast    *multicast);

G_END_DECLS
