/* bench-qsock.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The `qsock` implementation of qsock-bench's workloads (BENCH.md): both
 * roles use qsock's C API on a GMainLoop the way a Qt program uses
 * QtNetwork. ready-read → qs_io_device_read() into a reused buffer;
 * writes paced by bytes-written (the write buffer is topped up to one
 * write while it drains); TCP_NODELAY on the pingpongs only; lines with
 * can_read_line()/read_line(); datagrams one per read_datagram().
 * TLS workloads: the same roles on QsSslSocket (connect_to_host_encrypted,
 * encrypted in place of connected) and QsSslServer.
 */

#include "config.h"

#include <sys/socket.h>

#include <qsock/qsock.h>

#include "bench-loop.h"
#include "bench-tls.h"

#define LINE_ROOM 256   /* read_line()'s buffer: a line and a NUL */

typedef struct _Run Run;

/* One stream connection of a role. */
typedef struct
{
  Run        *run;
  QsIODevice *device;    /* (owned): a QsTcpSocket or a QsLocalSocket */
  guint64     offset;    /* stream bytes read or written, or lines read */
  gboolean    closing;   /* client: everything is queued, disconnecting */
  gboolean    connected; /* tcp-connections client: connected was emitted */
} Conn;

/* The handlers a role connects on a connection; NULL for none. */
typedef struct
{
  GCallback connected;
  GCallback ready_read;
  GCallback bytes_written;
  GCallback disconnected;
} ConnHandlers;

/* The stream's bytes [offset, offset + len), in or from run->wbuf. */
typedef const guint8 * (*StreamChunk) (Run     *run,
                                       guint64  offset,
                                       gsize    len);

struct _Run
{
  BenchLoop     bl;
  guint         idle_id;     /* the udp-flood sender, or the hold phase's measurement */

  GInetAddress *address;     /* (owned) (nullable): the server's, or the loopback to bind */
  guint16       port;        /* client: the server's port */
  char         *path;        /* (owned) (nullable): the Unix socket of a local workload */
  GTlsCertificate *certificate;  /* (owned) (nullable): a TLS workload's server */
  GTlsDatabase *database;    /* (owned) (nullable): a TLS workload's client */

  GObject      *server;      /* (owned) (nullable): a QsTcpServer or a QsLocalServer */
  QsUdpSocket  *udp;         /* (owned) (nullable) */
  GPtrArray    *conns;       /* (owned) (element-type Conn): live connections */
  void        (*accepted) (Run *run, QsIODevice *device);  /* server: a new connection */
  guint8       *rbuf;        /* (owned): the reused read buffer */
  guint8       *wbuf;        /* (owned) (nullable): stream client, what it writes */

  guint64       expected;    /* stream connections of the run */
  guint64       total;       /* stream bytes per connection */
  StreamChunk   chunk;       /* what a stream client writes */
  guint64       opened;      /* connections accepted (server) or opened (client) */
  guint64       finished;    /* connections done */

  gint64        rss_before;  /* tcp-connections server: VmRSS before the hold phase */
};

static gboolean
is_local (Run *run)
{
  return bench_workload_is_local (run->bl.p->workload);
}

/* Connections */

static void
on_error (QsIODevice *device,
          int         error,
          Conn       *conn)
{
  int peer_closed = QS_IS_LOCAL_SOCKET (device) ? QS_LOCAL_SOCKET_ERROR_PEER_CLOSED_ERROR
                                                : QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR;

  /* How streams end: disconnected follows. */
  if (error != peer_closed)
    bench_loop_fail (&conn->run->bl, "socket error %d: %s", error,
                     qs_io_device_get_error_string (device));
}

static Conn *
conn_add (Run                *run,
          QsIODevice         *device,
          const ConnHandlers *handlers)
{
  Conn *conn = g_new0 (Conn, 1);

  conn->run = run;
  conn->device = device;
  if (handlers->connected)
    g_signal_connect (device, QS_IS_SSL_SOCKET (device) ? "encrypted" : "connected",
                      handlers->connected, conn);
  if (handlers->ready_read)
    g_signal_connect (device, "ready-read", handlers->ready_read, conn);
  if (handlers->bytes_written)
    g_signal_connect (device, "bytes-written", handlers->bytes_written, conn);
  if (handlers->disconnected)
    g_signal_connect (device, "disconnected", handlers->disconnected, conn);
  g_signal_connect (device, "error-occurred", G_CALLBACK (on_error), conn);
  g_ptr_array_add (run->conns, conn);
  return conn;
}

static void
conn_free (gpointer data)
{
  Conn *conn = data;

  g_signal_handlers_disconnect_by_data (conn->device, conn);
  g_object_unref (conn->device);
  g_free (conn);
}

/* Frees conn; the emission in progress holds its own reference. */
static void
conn_remove (Conn *conn)
{
  g_ptr_array_remove_fast (conn->run->conns, conn);
}

static void
disconnect_device (QsIODevice *device)
{
  if (QS_IS_LOCAL_SOCKET (device))
    qs_local_socket_disconnect_from_server (QS_LOCAL_SOCKET (device));
  else
    qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (device));
}

static void
set_low_delay (QsIODevice *device)
{
  if (QS_IS_TCP_SOCKET (device))
    qs_abstract_socket_set_socket_option (QS_ABSTRACT_SOCKET (device),
                                          QS_SOCKET_OPTION_LOW_DELAY_OPTION, 1);
}

/* Client: a new connection to the server, its handlers connected first. */
static void
connect_stream (Run                *run,
                const ConnHandlers *handlers)
{
  run->opened++;
  if (run->path != NULL)
    {
      QsLocalSocket *socket = qs_local_socket_new ();

      conn_add (run, QS_IO_DEVICE (socket), handlers);
      qs_local_socket_connect_to_server (socket, run->path, QS_OPEN_MODE_READ_WRITE);
    }
  else if (run->database != NULL)
    {
      QsSslSocket *socket = qs_ssl_socket_new ();
      g_autofree char *host = g_inet_address_to_string (run->address);

      qs_ssl_socket_set_database (socket, run->database);
      if (bench_tls_low_delay (run->bl.p->workload))
        g_signal_connect (socket, "connected", G_CALLBACK (set_low_delay), NULL);
      conn_add (run, QS_IO_DEVICE (socket), handlers);
      qs_ssl_socket_connect_to_host_encrypted (socket, host, run->port, NULL,
                                               QS_OPEN_MODE_READ_WRITE,
                                               QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
    }
  else
    {
      QsTcpSocket *socket = qs_tcp_socket_new ();

      conn_add (run, QS_IO_DEVICE (socket), handlers);
      qs_abstract_socket_connect_to_address (QS_ABSTRACT_SOCKET (socket), run->address,
                                             run->port, QS_OPEN_MODE_READ_WRITE);
    }
}

static QsIODevice *
next_pending (Run *run)
{
  if (QS_IS_LOCAL_SERVER (run->server))
    return (QsIODevice *) qs_local_server_next_pending_connection (QS_LOCAL_SERVER (run->server));
  return (QsIODevice *) qs_tcp_server_next_pending_connection (QS_TCP_SERVER (run->server));
}

static void
on_new_connection (GObject *server,
                   Run     *run)
{
  QsIODevice *device;

  while (run->bl.status < 0 && (device = next_pending (run)) != NULL)
    {
      run->opened++;
      run->accepted (run, device);
    }
}

/* Server: listens on the loopback (port 0) or on a socket in p->dir,
 * then prints READY. */
static void
listen_stream (Run  *run,
               void (*accepted) (Run *run, QsIODevice *device))
{
  g_autofree char *ready = NULL;

  run->accepted = accepted;
  if (is_local (run))
    {
      QsLocalServer *server = qs_local_server_new ();

      run->server = G_OBJECT (server);
      run->path = g_build_filename (run->bl.p->dir, "qsock-bench.sock", NULL);
      qs_local_server_set_listen_backlog_size (server, SOMAXCONN);
      if (!qs_local_server_listen (server, run->path))
        {
          bench_loop_fail (&run->bl, "listen on %s: %s", run->path,
                           qs_local_server_get_error_string (server));
          return;
        }
      ready = g_strdup (run->path);
    }
  else
    {
      QsTcpServer *server = run->certificate != NULL ? QS_TCP_SERVER (qs_ssl_server_new ())
                                                     : qs_tcp_server_new ();

      run->server = G_OBJECT (server);
      if (run->certificate != NULL)
        {
          qs_ssl_server_set_local_certificate (QS_SSL_SERVER (server), run->certificate);
          /* The run's limit: a client under callgrind is slow. */
          qs_ssl_server_set_handshake_timeout (QS_SSL_SERVER (server),
                                               (int) (run->bl.p->time_limit * 1000));
        }
      qs_tcp_server_set_listen_backlog_size (server, SOMAXCONN);
      if (!qs_tcp_server_listen (server, run->address, 0))
        {
          bench_loop_fail (&run->bl, "listen: %s", qs_tcp_server_get_error_string (server));
          return;
        }
      if (bench_tls_low_delay (run->bl.p->workload))
        bench_set_nodelay (qs_tcp_server_get_socket_descriptor (server));
      ready = bench_format_addr (run->bl.p->ipv6, qs_tcp_server_get_server_port (server));
    }
  g_signal_connect (run->server, "new-connection", G_CALLBACK (on_new_connection), run);
  bench_print_ready (ready);
}

/* Stream clients: tcp-stream, local-stream, tcp-fanin, readline */

/* run->wbuf holds the pattern from offset 0, one period longer than a
 * write: every chunk starts inside it. */
static const guint8 *
pattern_chunk (Run     *run,
               guint64  offset,
               gsize    len)
{
  return run->wbuf + offset % BENCH_PATTERN_PERIOD;
}

static const guint8 *
lines_chunk (Run     *run,
             guint64  offset,
             gsize    len)
{
  bench_loop_fill_lines (run->wbuf, offset, len);
  return run->wbuf;
}

/* Qt's pacing: while the write buffer holds less than one write, queue
 * the next; once all is queued, disconnect (after the buffer drains). */
static void
write_more (Conn *conn)
{
  Run *run = conn->run;
  gint64 write_size = run->bl.p->write_size;

  while (!conn->closing && qs_io_device_bytes_to_write (conn->device) < write_size)
    {
      gsize len = MIN ((guint64) write_size, run->total - conn->offset);

      if (len == 0)
        {
          conn->closing = TRUE;
          disconnect_device (conn->device);
          return;
        }
      if (qs_io_device_write (conn->device, run->chunk (run, conn->offset, len), len) != (gint64) len)
        {
          bench_loop_fail (&run->bl, "write of %" G_GSIZE_FORMAT " bytes at offset %"
                           G_GUINT64_FORMAT " failed", len, conn->offset);
          return;
        }
      conn->offset += len;
    }
}

static void
on_writer_connected (QsIODevice *device,
                     Conn       *conn)
{
  write_more (conn);
}

static void
on_writer_bytes_written (QsIODevice *device,
                         gint64      bytes,
                         Conn       *conn)
{
  write_more (conn);
}

static void
on_writer_disconnected (QsIODevice *device,
                        Conn       *conn)
{
  Run *run = conn->run;
  BenchLoop *bl = &run->bl;

  if (!conn->closing)
    {
      bench_loop_fail (bl, "the server closed after %" G_GUINT64_FORMAT " bytes", conn->offset);
      return;
    }
  conn_remove (conn);
  if (++run->finished < run->expected)
    return;
  bl->result.count = bl->p->workload == BENCH_READLINE ? bl->p->count
                                                       : run->expected * run->total;
  bl->result.seconds = bench_now () - bl->start;
  bench_loop_finish (bl);
}

static void
start_writers (Run         *run,
               guint64      connections,
               guint64      total,
               StreamChunk  chunk)
{
  static const ConnHandlers handlers = {
    .connected = G_CALLBACK (on_writer_connected),
    .bytes_written = G_CALLBACK (on_writer_bytes_written),
    .disconnected = G_CALLBACK (on_writer_disconnected),
  };

  run->expected = connections;
  run->total = total;
  run->chunk = chunk;
  run->bl.start = bench_now ();
  for (guint64 i = 0; i < connections && run->bl.status < 0; i++)
    connect_stream (run, &handlers);
}

static void
start_stream_client (Run *run)
{
  const BenchParams *p = run->bl.p;

  run->wbuf = g_malloc (p->write_size + BENCH_PATTERN_PERIOD);
  bench_pattern_fill (run->wbuf, 0, p->write_size + BENCH_PATTERN_PERIOD);
  start_writers (run, p->workload == BENCH_TCP_FANIN ? p->conns : 1, p->bytes, pattern_chunk);
}

static void
start_readline_client (Run *run)
{
  run->wbuf = g_malloc (run->bl.p->write_size);
  start_writers (run, 1, run->bl.p->count * BENCH_LINE_LEN, lines_chunk);
}

/* Stream servers: tcp-stream, local-stream, tcp-fanin */

/* Reads and checks what the connection's buffer holds. */
static void
read_stream (Conn *conn)
{
  Run *run = conn->run;
  gint64 n;

  while ((n = qs_io_device_read (conn->device, run->rbuf, BENCH_LOOP_READ_CHUNK)) > 0)
    {
      if (run->bl.start == 0)
        run->bl.start = bench_now ();
      if (conn->offset + n > run->total || !bench_pattern_check (run->rbuf, conn->offset, n))
        {
          bench_loop_fail (&run->bl, "wrong bytes at offset %" G_GUINT64_FORMAT, conn->offset);
          return;
        }
      conn->offset += n;
    }
}

static void
on_stream_ready_read (QsIODevice *device,
                      Conn       *conn)
{
  read_stream (conn);
}

static void
on_stream_disconnected (QsIODevice *device,
                        Conn       *conn)
{
  Run *run = conn->run;
  BenchLoop *bl = &run->bl;
  guint64 received;

  read_stream (conn);
  received = conn->offset;
  if (received != run->total)
    {
      bench_loop_fail (bl, "%" G_GUINT64_FORMAT " bytes received, %" G_GUINT64_FORMAT " sent",
                       received, run->total);
      return;
    }
  conn_remove (conn);
  bl->result.count += received;
  if (++run->finished < run->expected)
    return;
  bl->result.seconds = bench_now () - bl->start;
  bench_loop_finish (bl);
}

static void
accepted_stream (Run        *run,
                 QsIODevice *device)
{
  static const ConnHandlers handlers = {
    .ready_read = G_CALLBACK (on_stream_ready_read),
    .disconnected = G_CALLBACK (on_stream_disconnected),
  };

  conn_add (run, device, &handlers);
  if (run->opened > run->expected)
    bench_loop_fail (&run->bl, "%" G_GUINT64_FORMAT " connections, %" G_GUINT64_FORMAT
                     " expected", run->opened, run->expected);
  /* tcp-fanin times from the first accept, the others from the first byte. */
  else if (run->bl.p->workload == BENCH_TCP_FANIN && run->bl.start == 0)
    run->bl.start = bench_now ();
}

static void
start_stream_server (Run *run)
{
  run->expected = run->bl.p->workload == BENCH_TCP_FANIN ? run->bl.p->conns : 1;
  run->total = run->bl.p->bytes;
  listen_stream (run, accepted_stream);
}

/* readline server */

static void
read_lines (Conn *conn)
{
  BenchLoop *bl = &conn->run->bl;

  if (bl->start == 0)
    bl->start = bench_now ();
  while (qs_io_device_can_read_line (conn->device))
    {
      char line[LINE_ROOM];
      gint64 n = qs_io_device_read_line (conn->device, (guint8 *) line, sizeof line);

      if (n < 0 || conn->offset >= bl->p->count || !bench_line_check (line, n, conn->offset))
        {
          bench_loop_fail (bl, "wrong line %" G_GUINT64_FORMAT, conn->offset);
          return;
        }
      if (++conn->offset == bl->p->count)
        bl->end = bench_now ();
    }
}

static void
on_lines_ready_read (QsIODevice *device,
                     Conn       *conn)
{
  read_lines (conn);
}

static void
on_lines_disconnected (QsIODevice *device,
                       Conn       *conn)
{
  BenchLoop *bl = &conn->run->bl;

  read_lines (conn);
  if (conn->offset != bl->p->count || qs_io_device_bytes_available (device) != 0)
    {
      bench_loop_fail (bl, "%" G_GUINT64_FORMAT " lines of %" G_GUINT64_FORMAT ", %"
                       G_GINT64_FORMAT " bytes left", conn->offset, bl->p->count,
                       qs_io_device_bytes_available (device));
      return;
    }
  bl->result.count = conn->offset;
  bl->result.seconds = bl->end - bl->start;
  bench_loop_finish (bl);
}

static void
accepted_readline (Run        *run,
                   QsIODevice *device)
{
  static const ConnHandlers handlers = {
    .ready_read = G_CALLBACK (on_lines_ready_read),
    .disconnected = G_CALLBACK (on_lines_disconnected),
  };

  conn_add (run, device, &handlers);
  if (run->opened > 1)
    bench_loop_fail (&run->bl, "a second connection");
}

static void
start_readline_server (Run *run)
{
  listen_stream (run, accepted_readline);
}

/* Pingpong: tcp-pingpong, local-pingpong, udp-pingpong */

/* Sends the next message on conn, or as a datagram without one. */
static void
send_ping (Run  *run,
           Conn *conn)
{
  gint64 size = run->bl.p->msg_size;
  const guint8 *message = bench_loop_ping (&run->bl);
  gint64 sent;

  if (conn != NULL)
    sent = qs_io_device_write (conn->device, message, size);
  else
    sent = qs_udp_socket_write_datagram (run->udp, message, size, run->address, run->port);
  if (sent != size)
    bench_loop_fail (&run->bl, "sending message %" G_GUINT64_FORMAT " failed", run->bl.trips);
}

/* The first message; a run of no round trips ends at once. */
static gboolean
start_pinging (Run  *run,
               Conn *conn)
{
  run->bl.start = bench_now ();
  if (run->bl.p->count == 0)
    {
      run->bl.end = run->bl.start;
      return FALSE;
    }
  send_ping (run, conn);
  return TRUE;
}

static void
on_ping_connected (QsIODevice *device,
                   Conn       *conn)
{
  set_low_delay (device);
  if (!start_pinging (conn->run, conn))
    disconnect_device (device);
}

static void
on_pong_ready_read (QsIODevice *device,
                    Conn       *conn)
{
  Run *run = conn->run;
  gint64 size = run->bl.p->msg_size;

  while (run->bl.status < 0 && run->bl.sent_at != 0 &&
         qs_io_device_bytes_available (device) >= size)
    {
      gint64 n = qs_io_device_read (device, run->rbuf, size);

      if (bench_loop_pong (&run->bl, run->rbuf, n))
        send_ping (run, conn);
      else if (run->bl.status < 0)
        disconnect_device (device);
    }
}

static void
on_ping_disconnected (QsIODevice *device,
                      Conn       *conn)
{
  BenchLoop *bl = &conn->run->bl;

  if (bl->trips != bl->p->count)
    bench_loop_fail (bl, "the server closed after %" G_GUINT64_FORMAT " round trips", bl->trips);
  else
    bench_loop_pingpong_done (bl);
}

static void
connect_measured (gpointer data)
{
  static const ConnHandlers handlers = {
    .connected = G_CALLBACK (on_ping_connected),
    .ready_read = G_CALLBACK (on_pong_ready_read),
    .disconnected = G_CALLBACK (on_ping_disconnected),
  };
  Run *run = data;

  connect_stream (run, &handlers);
}

/* --idle: the client's idle connections, watched for reading. */

static void connect_idle (gpointer data);

static void
on_idle_connected (QsIODevice *device,
                   Conn       *conn)
{
  Run *run = conn->run;

  bench_loop_idle_connected (&run->bl, run->opened, connect_idle, connect_measured, run);
}

static void
on_idle_ready_read (QsIODevice *device,
                    Conn       *conn)
{
  bench_loop_fail (&conn->run->bl, "data on an idle connection");
}

static void
on_idle_disconnected (QsIODevice *device,
                      Conn       *conn)
{
  bench_loop_fail (&conn->run->bl, "an idle connection closed");
}

static void
connect_idle (gpointer data)
{
  static const ConnHandlers handlers = {
    .connected = G_CALLBACK (on_idle_connected),
    .ready_read = G_CALLBACK (on_idle_ready_read),
    .disconnected = G_CALLBACK (on_idle_disconnected),
  };
  Run *run = data;

  connect_stream (run, &handlers);
}

/* The idle connections first, then the measured one. */
static void
start_ping_client (Run *run)
{
  bench_loop_start_client (&run->bl, connect_idle, connect_measured, run);
}

/* Echoes each whole message; with --idle, on the first connection that
 * has one. */
static void
on_echo_ready_read (QsIODevice *device,
                    Conn       *conn)
{
  Run *run = conn->run;
  gint64 size = run->bl.p->msg_size;

  if (!bench_loop_measured (&run->bl, conn))
    return;
  while (qs_io_device_bytes_available (device) >= size)
    {
      gint64 n = qs_io_device_read (device, run->rbuf, size);

      if (!bench_loop_echo (&run->bl, run->rbuf, n))
        return;
      if (qs_io_device_write (device, run->rbuf, n) != n)
        {
          bench_loop_fail (&run->bl, "echo of message %" G_GUINT64_FORMAT " failed", run->bl.trips);
          return;
        }
    }
}

static void
on_echo_disconnected (QsIODevice *device,
                      Conn       *conn)
{
  Run *run = conn->run;

  bench_loop_echo_closed (&run->bl, conn, qs_io_device_bytes_available (device), run->opened);
}

static void
accepted_echo (Run        *run,
               QsIODevice *device)
{
  static const ConnHandlers handlers = {
    .ready_read = G_CALLBACK (on_echo_ready_read),
    .disconnected = G_CALLBACK (on_echo_disconnected),
  };

  set_low_delay (device);
  conn_add (run, device, &handlers);
  bench_loop_echo_accepted (&run->bl, run->opened);
}

static void
start_echo_server (Run *run)
{
  listen_stream (run, accepted_echo);
}

/* UDP */

/* Binds run->udp to the loopback; the server prints READY. on_ready_read
 * may be NULL. */
static void
bind_udp (Run  *run,
          void (*on_ready_read) (QsUdpSocket *socket, Run *run))
{
  g_autoptr(GInetAddress) loopback =
    g_inet_address_new_loopback (g_inet_address_get_family (run->address));
  g_autofree char *ready = NULL;

  run->udp = qs_udp_socket_new ();
  if (on_ready_read != NULL)
    g_signal_connect (run->udp, "ready-read", G_CALLBACK (on_ready_read), run);
  if (!qs_abstract_socket_bind (QS_ABSTRACT_SOCKET (run->udp), loopback, 0,
                                QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM))
    {
      bench_loop_fail (&run->bl, "bind: %s", qs_io_device_get_error_string (QS_IO_DEVICE (run->udp)));
      return;
    }
  if (!run->bl.p->server)
    return;
  ready = bench_format_addr (run->bl.p->ipv6,
                             qs_abstract_socket_get_local_port (QS_ABSTRACT_SOCKET (run->udp)));
  bench_print_ready (ready);
}

static void
on_udp_echo_ready_read (QsUdpSocket *socket,
                        Run         *run)
{
  BenchLoop *bl = &run->bl;

  while (bl->status < 0 && qs_udp_socket_has_pending_datagrams (socket))
    {
      g_autoptr(GInetAddress) sender = NULL;
      guint16 port = 0;
      gint64 n = qs_udp_socket_read_datagram (socket, run->rbuf, BENCH_LOOP_READ_CHUNK,
                                              &sender, &port);

      if (!bench_loop_echo (bl, run->rbuf, n))
        return;
      if (qs_udp_socket_write_datagram (socket, run->rbuf, n, sender, port) != n)
        {
          bench_loop_fail (bl, "echo of datagram %" G_GUINT64_FORMAT " failed", bl->trips);
          return;
        }
      if (bl->trips == bl->p->count)
        {
          bl->result.count = bl->trips;
          bench_loop_finish (bl);
        }
    }
}

static void
start_udp_echo_server (Run *run)
{
  bind_udp (run, on_udp_echo_ready_read);
  if (run->bl.p->count == 0)
    bench_loop_finish (&run->bl);
}

static void
on_udp_pong_ready_read (QsUdpSocket *socket,
                        Run         *run)
{
  while (run->bl.status < 0 && run->bl.sent_at != 0 &&
         qs_udp_socket_has_pending_datagrams (socket))
    {
      gint64 n = qs_udp_socket_read_datagram (socket, run->rbuf, BENCH_LOOP_READ_CHUNK, NULL, NULL);

      if (bench_loop_pong (&run->bl, run->rbuf, n))
        send_ping (run, NULL);
      else if (run->bl.status < 0)
        bench_loop_pingpong_done (&run->bl);
    }
}

static void
start_udp_ping_client (Run *run)
{
  bind_udp (run, on_udp_pong_ready_read);
  if (run->bl.status < 0 && !start_pinging (run, NULL))
    bench_loop_pingpong_done (&run->bl);
}

/* udp-flood */

static void
flood_received (Run *run)
{
  BenchLoop *bl = &run->bl;

  bl->last_rx = bench_now ();
  if (bl->result.count == bl->p->count)
    bench_loop_flood_done (bl);
}

/* --batch (the qsock+batch row): up to BENCH_LOOP_UDP_BURST datagrams per
 * read_datagrams() call, until none is pending. */
static void
read_flood_batches (QsUdpSocket *socket,
                    Run         *run)
{
  BenchLoop *bl = &run->bl;

  for (;;)
    {
      GPtrArray *batch = qs_udp_socket_read_datagrams (socket, BENCH_LOOP_UDP_BURST, BENCH_LOOP_READ_CHUNK);
      guint n_read;

      if (batch == NULL)
        {
          bench_loop_fail (bl, "read_datagrams: %s",
                           qs_io_device_get_error_string (QS_IO_DEVICE (socket)));
          return;
        }
      n_read = batch->len;
      for (guint i = 0; i < n_read; i++)
        {
          QsNetworkDatagram *datagram = g_ptr_array_index (batch, i);
          GBytes *data = qs_network_datagram_get_data (datagram);
          gsize size;
          const guint8 *bytes = g_bytes_get_data (data, &size);

          bench_loop_take_datagram (bl, bytes, size);
          g_bytes_unref (data);
          qs_network_datagram_unref (datagram);
        }
      g_ptr_array_unref (batch);
      if (n_read == 0)
        break;
    }
  flood_received (run);
}

static void
on_flood_ready_read (QsUdpSocket *socket,
                     Run         *run)
{
  BenchLoop *bl = &run->bl;

  if (bl->start == 0)
    bl->start = bench_now ();
  if (bl->p->batch)
    {
      read_flood_batches (socket, run);
      return;
    }
  while (qs_udp_socket_has_pending_datagrams (socket))
    {
      gint64 n = qs_udp_socket_read_datagram (socket, run->rbuf, BENCH_LOOP_READ_CHUNK, NULL, NULL);

      if (n < 0)
        {
          bench_loop_fail (bl, "read_datagram: %s",
                           qs_io_device_get_error_string (QS_IO_DEVICE (socket)));
          return;
        }
      bench_loop_take_datagram (bl, run->rbuf, n);
    }
  flood_received (run);
}

static void
start_flood_server (Run *run)
{
  bind_udp (run, on_flood_ready_read);
  /* --instructions also measures a run of no datagrams. */
  if (run->bl.p->count == 0)
    bench_loop_finish (&run->bl);
}

/* Sends a burst per main-loop iteration; a send the kernel refuses
 * (EAGAIN, ENOBUFS: Qt's and qsock's NetworkError) is retried on the
 * next iteration. */
static gboolean
on_flood_send (gpointer data)
{
  Run *run = data;
  BenchLoop *bl = &run->bl;
  gint64 size = bl->p->msg_size;

  for (guint i = 0; i < BENCH_LOOP_UDP_BURST && bl->result.count < bl->p->count; i++)
    {
      bench_put_u64 (bl->message, bl->result.count);
      if (qs_udp_socket_write_datagram (run->udp, bl->message, size, run->address, run->port) != size)
        {
          if (qs_abstract_socket_get_error (QS_ABSTRACT_SOCKET (run->udp)) == QS_SOCKET_ERROR_NETWORK_ERROR)
            return G_SOURCE_CONTINUE;
          bench_loop_fail (bl, "write_datagram: %s",
                           qs_io_device_get_error_string (QS_IO_DEVICE (run->udp)));
          run->idle_id = 0;
          return G_SOURCE_REMOVE;
        }
      bl->result.count++;
    }
  if (bl->result.count < bl->p->count)
    return G_SOURCE_CONTINUE;
  bl->result.seconds = bench_now () - bl->start;
  run->idle_id = 0;
  bench_loop_finish (bl);
  return G_SOURCE_REMOVE;
}

static void
start_flood_client (Run *run)
{
  bind_udp (run, NULL);
  run->bl.start = bench_now ();
  run->idle_id = g_idle_add (on_flood_send, run);
}

/* tcp-connections */

static void
on_sequential_disconnected (QsIODevice *device,
                            Conn       *conn)
{
  conn_remove (conn);
}

/* The server closes every connection it still has. */
static void
close_all (Run *run)
{
  g_autoptr(GPtrArray) conns = g_steal_pointer (&run->conns);

  run->conns = g_ptr_array_new_with_free_func (conn_free);
  for (guint i = 0; i < conns->len; i++)
    {
      Conn *conn = g_ptr_array_index (conns, i);

      g_signal_handlers_disconnect_by_data (conn->device, conn);
      disconnect_device (conn->device);
    }
}

/* After the last accept and one main-loop iteration. */
static gboolean
on_hold_complete (gpointer data)
{
  Run *run = data;
  BenchResult *r = &run->bl.result;

  run->idle_id = 0;
  r->rss_kb = MAX (bench_rss_kb () - run->rss_before, 0);
  r->count = run->bl.p->count;
  r->held = run->opened - run->bl.p->count;
  close_all (run);
  bench_loop_finish (&run->bl);
  return G_SOURCE_REMOVE;
}

static void
accepted_connection (Run        *run,
                     QsIODevice *device)
{
  static const ConnHandlers sequential = {
    .disconnected = G_CALLBACK (on_sequential_disconnected),
  };
  static const ConnHandlers held = { .disconnected = NULL };
  const BenchParams *p = run->bl.p;

  if (run->opened <= p->count)
    {
      conn_add (run, device, &sequential);
      /* Before the hold phase's first accept. */
      if (run->opened == p->count)
        run->rss_before = bench_rss_kb ();
      /* tls-handshakes: no hold phase; the server closes first. */
      if (run->opened == p->count && p->conns == 0)
        run->idle_id = g_idle_add (on_hold_complete, run);
      if (bench_workload_is_tls (p->workload))
        disconnect_device (device);
      return;
    }
  conn_add (run, device, &held);
  if (run->opened == p->count + p->conns)
    run->idle_id = g_idle_add (on_hold_complete, run);
  else if (run->opened > p->count + p->conns)
    bench_loop_fail (&run->bl, "%" G_GUINT64_FORMAT " connections", run->opened);
}

static void
start_connections_server (Run *run)
{
  listen_stream (run, accepted_connection);
  if (run->bl.p->count == 0)
    run->rss_before = bench_rss_kb ();
  if (run->bl.p->count + run->bl.p->conns == 0)
    run->idle_id = g_idle_add (on_hold_complete, run);
}

static void
on_held_connected (QsIODevice *device,
                   Conn       *conn)
{
  conn->connected = TRUE;
  conn->run->bl.result.held++;
}

static void
on_held_disconnected (QsIODevice *device,
                      Conn       *conn)
{
  Run *run = conn->run;

  if (!conn->connected)
    {
      bench_loop_fail (&run->bl, "a held connection closed before it connected");
      return;
    }
  conn_remove (conn);
  if (++run->finished == run->bl.p->conns)
    bench_loop_finish (&run->bl);
}

/* Opens every idle connection at once; the server closes them. */
static void
start_holding (Run *run)
{
  static const ConnHandlers handlers = {
    .connected = G_CALLBACK (on_held_connected),
    .disconnected = G_CALLBACK (on_held_disconnected),
  };
  BenchLoop *bl = &run->bl;

  bl->result.count = bl->p->count;
  bl->result.seconds = bench_now () - bl->start;
  for (guint64 i = 0; i < bl->p->conns && bl->status < 0; i++)
    connect_stream (run, &handlers);
  if (bl->p->conns == 0)
    bench_loop_finish (bl);
}

static void connect_sequential (Run *run);

/* tls-handshakes: the server closes first, once its handshake is over
 * (the client's ends earlier, when it sends its Finished). */
static void
on_sequential_connected (QsIODevice *device,
                         Conn       *conn)
{
  if (!bench_workload_is_tls (conn->run->bl.p->workload))
    disconnect_device (device);
}

static void
on_sequential_closed (QsIODevice *device,
                      Conn       *conn)
{
  Run *run = conn->run;

  conn_remove (conn);
  connect_sequential (run);
}

/* connect → connected → close, one connection at a time. */
static void
connect_sequential (Run *run)
{
  static const ConnHandlers handlers = {
    .connected = G_CALLBACK (on_sequential_connected),
    .disconnected = G_CALLBACK (on_sequential_closed),
  };

  if (run->opened < run->bl.p->count)
    connect_stream (run, &handlers);
  else
    start_holding (run);
}

static void
start_connections_client (Run *run)
{
  run->bl.start = bench_now ();
  connect_sequential (run);
}

/* The run */

typedef void (*RoleStart) (Run *run);

static const RoleStart roles[BENCH_N_WORKLOADS][2] = {
  /* client, server */
  [BENCH_TCP_STREAM] = { start_stream_client, start_stream_server },
  [BENCH_TCP_PINGPONG] = { start_ping_client, start_echo_server },
  [BENCH_TCP_CONNECTIONS] = { start_connections_client, start_connections_server },
  [BENCH_TCP_FANIN] = { start_stream_client, start_stream_server },
  [BENCH_UDP_FLOOD] = { start_flood_client, start_flood_server },
  [BENCH_UDP_PINGPONG] = { start_udp_ping_client, start_udp_echo_server },
  [BENCH_LOCAL_STREAM] = { start_stream_client, start_stream_server },
  [BENCH_LOCAL_PINGPONG] = { start_ping_client, start_echo_server },
  [BENCH_READLINE] = { start_readline_client, start_readline_server },
  [BENCH_TLS_STREAM] = { start_stream_client, start_stream_server },
  [BENCH_TLS_PINGPONG] = { start_ping_client, start_echo_server },
  [BENCH_TLS_HANDSHAKES] = { start_connections_client, start_connections_server },
};

/* The client's server address, or the server's loopback. */
static gboolean
set_addresses (Run *run)
{
  const BenchParams *p = run->bl.p;
  g_autofree char *host = NULL;

  if (p->server)
    {
      if (!is_local (run))
        run->address = g_inet_address_new_loopback (p->ipv6 ? G_SOCKET_FAMILY_IPV6
                                                             : G_SOCKET_FAMILY_IPV4);
      return TRUE;
    }
  if (!bench_loop_server_addr (&run->bl, &host, &run->port))
    return FALSE;
  if (run->port == 0)
    run->path = g_steal_pointer (&host);
  else if ((run->address = g_inet_address_new_from_string (host)) == NULL)
    {
      bench_loop_fail (&run->bl, "bad address %s", p->addr);
      return FALSE;
    }
  return TRUE;
}

int
bench_qsock_main (const BenchParams *p)
{
  Run run = { .rss_before = 0 };
  g_autoptr(GError) error = NULL;
  int status;

  if (!bench_loop_init (&run.bl, "qsock", p))
    return 1;
  run.conns = g_ptr_array_new_with_free_func (conn_free);
  run.rbuf = g_malloc (MAX (BENCH_LOOP_READ_CHUNK, p->msg_size));

  if (bench_workload_is_tls (p->workload) &&
      !bench_tls_load (p, &run.certificate, &run.database, &error))
    bench_loop_fail (&run.bl, "%s", error->message);
  else if (set_addresses (&run))
    roles[p->workload][p->server ? 1 : 0] (&run);
  status = bench_loop_run (&run.bl);

  g_clear_handle_id (&run.idle_id, g_source_remove);
  g_ptr_array_unref (run.conns);
  g_clear_object (&run.udp);
  g_clear_object (&run.server);
  g_clear_object (&run.address);
  g_clear_object (&run.certificate);
  g_clear_object (&run.database);
  g_free (run.path);
  g_free (run.rbuf);
  g_free (run.wbuf);
  bench_loop_clear (&run.bl);
  return status;
}
