/* fortune-common.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the fortune examples share, over TCP (QsTcpSocket) and over local
 * sockets (QsLocalSocket): the fortunes, the server's delivery of one
 * framed fortune per client, and the client's main loop and its reading
 * of one frame inside a transaction. The wire format: a 32-bit
 * big-endian length followed by the UTF-8 text.
 */

#pragma once

#include <qsock/qsock.h>

G_BEGIN_DECLS

/* The socket-class calls a server makes on a connection it serves. */
typedef gboolean (*FortuneFlushFunc)      (QsIODevice *connection);
typedef void     (*FortuneDisconnectFunc) (QsIODevice *connection);

typedef struct
{
  GMainLoop             *loop;          /* (owned) */
  int                    remaining;     /* clients still to serve; -1: forever */
  int                    open_clients;
  gboolean               split;
  FortuneFlushFunc       flush;
  FortuneDisconnectFunc  disconnect;
} FortuneServer;

void     fortune_server_init  (FortuneServer         *server,
                               int                    count,
                               gboolean               split,
                               FortuneFlushFunc       flush,
                               FortuneDisconnectFunc  disconnect);
gboolean fortune_server_serve (FortuneServer         *server,
                               QsIODevice            *connection);
void     fortune_server_run   (FortuneServer         *server);
void     fortune_server_clear (FortuneServer         *server);

typedef struct
{
  const char *program;        /* for messages */
  GMainLoop  *loop;           /* (owned) */
  int         closed_error;   /* the error code of the server's close: the normal end */
  int         status;
  gboolean    done;           /* a whole fortune was printed */
  gboolean    finished;       /* status is final */
  guint       timeout_id;
} FortuneClient;

void fortune_client_init (FortuneClient *client,
                          const char    *program,
                          gpointer       socket,
                          int            closed_error);
int  fortune_client_run  (FortuneClient *client,
                          gpointer       socket);

G_END_DECLS
