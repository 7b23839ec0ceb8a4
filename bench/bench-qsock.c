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
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <qsock/qsock.h>

#include "bench.h"

#define READ_CHUNK     65536     /* the reused read buffer */
#define LINE_ROOM      256       /* read_line()'s buffer: a line and a NUL */
#define WATCHDOG_MS    100       /* how often the deadlines are checked */
#define REPLY_TIMEOUT  1.0       /* pingpong: seconds without a reply that fail the run */
#define UDP_QUIET      0.5       /* udp-flood: the server stops this long after the last datagram */
#define UDP_BURST      1024      /* udp-flood: datagrams sent per main-loop iteration */
#define MESSAGE_HEADER 8         /* pingpong, udp-flood: the index in front of the pattern */

typedef struct _Run Run;

/* One stream connection of a role. */
typedef struct
{
  Run        *run;
  QsIODevice *device;    /* (owned): a QsTcpSocket or a QsLocalSocket */
  guint64     offset;    /* stream bytes read or written, or lines read */
  gboolean    closing;   /* client: everything is queued, disconnecting */
  gboolean    connected; /* client: connected was emitted */
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
  const BenchParams *p;
  GMainLoop    *loop;        /* (owned) */
  int           status;      /* -1 while running, then the exit code */
  double        deadline;    /* the time limit, in bench_now () seconds */
  BenchResult   result;
  guint         idle_id;     /* udp-flood sender, or the hold phase's measurement */

  GInetAddress *address;     /* (owned) (nullable): the server's, or the loopback to bind */
  guint16       port;        /* client: the server's port */
  char         *path;        /* (owned) (nullable): the Unix socket of a local workload */

  GObject      *server;      /* (owned) (nullable): a QsTcpServer or a QsLocalServer */
  QsUdpSocket  *udp;         /* (owned) (nullable) */
  GPtrArray    *conns;       /* (owned) (element-type Conn): live connections */
  void        (*accepted) (Run *run, QsIODevice *device);  /* server: a new connection */
  guint8       *rbuf;        /* (owned): the reused read buffer */
  guint8       *wbuf;        /* (owned): the next write, or the pingpong message */

  guint64       expected;    /* stream connections of the run */
  guint64       total;       /* stream bytes per connection */
  StreamChunk   chunk;       /* what a stream client writes */
  guint64       accepted_n;  /* server: connections accepted; client: opened */
  guint64       finished;    /* connections done */
  double        start;       /* the start of the timed interval, or 0 */
  double        end;

  guint64       trips;       /* pingpong: round trips done (client) or echoed (server) */
  double        sent_at;     /* pingpong client: when the awaited message left, or 0 */
  double       *latencies;   /* (owned) (nullable): pingpong client, microseconds */

  guint8       *seen;        /* (owned) (nullable): udp-flood server, a bit per sequence number */
  double        last_rx;     /* udp-flood server: the last datagram's arrival */

  gint64        rss_before;  /* tcp-connections server: VmRSS before the hold phase */
};

static void
run_fail (Run        *run,
          const char *format,
          ...) G_GNUC_PRINTF (2, 3);

/* The first failure is the one reported. */
static void
run_fail (Run        *run,
          const char *format,
          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (run->status >= 0)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  run->status = bench_fail ("qsock %s %s: %s", bench_workload_name (run->p->workload),
                            run->p->server ? "server" : "client", message);
  g_main_loop_quit (run->loop);
}

static void
run_finish (Run *run)
{
  if (run->status >= 0)
    return;
  run->status = 0;
  g_main_loop_quit (run->loop);
}

static gboolean
is_local (Run *run)
{
  return bench_workload_is_local (run->p->workload);
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
  if (error == peer_closed)
    return;
  run_fail (conn->run, "socket error %d: %s", error, qs_io_device_get_error_string (device));
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
    g_signal_connect (device, "connected", handlers->connected, conn);
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

/* Frees conn (its device's emission holds a reference of its own). */
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
static Conn *
connect_stream (Run                *run,
                const ConnHandlers *handlers)
{
  Conn *conn;

  run->accepted_n++;
  if (run->path != NULL)
    {
      QsLocalSocket *socket = qs_local_socket_new ();

      conn = conn_add (run, QS_IO_DEVICE (socket), handlers);
      qs_local_socket_connect_to_server (socket, run->path, QS_OPEN_MODE_READ_WRITE);
    }
  else
    {
      QsTcpSocket *socket = qs_tcp_socket_new ();

      conn = conn_add (run, QS_IO_DEVICE (socket), handlers);
      qs_abstract_socket_connect_to_address (QS_ABSTRACT_SOCKET (socket), run->address,
                                             run->port, QS_OPEN_MODE_READ_WRITE);
    }
  return conn;
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

  while (run->status < 0 && (device = next_pending (run)) != NULL)
    {
      run->accepted_n++;
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
      run->path = g_build_filename (run->p->dir, "qsock-bench.sock", NULL);
      qs_local_server_set_listen_backlog_size (server, SOMAXCONN);
      if (!qs_local_server_listen (server, run->path))
        {
          run_fail (run, "listen on %s: %s", run->path,
                    qs_local_server_get_error_string (server));
          return;
        }
      ready = g_strdup (run->path);
    }
  else
    {
      QsTcpServer *server = qs_tcp_server_new ();

      run->server = G_OBJECT (server);
      qs_tcp_server_set_listen_backlog_size (server, SOMAXCONN);
      if (!qs_tcp_server_listen (server, run->address, 0))
        {
          run_fail (run, "listen: %s", qs_tcp_server_get_error_string (server));
          return;
        }
      ready = bench_format_addr (run->p->ipv6, qs_tcp_server_get_server_port (server));
    }
  g_signal_connect (run->server, "new-connection", G_CALLBACK (on_new_connection), run);
  bench_print_ready (ready);
}

/* Streams: tcp-stream, local-stream, tcp-fanin, and readline's client */

/* run->wbuf holds the pattern from offset 0, one period longer than a
 * write: any chunk starts inside it. */
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
  guint8 *buf = run->wbuf;

  while (len > 0)
    {
      guint64 k = offset / BENCH_LINE_LEN;
      gsize skip = offset % BENCH_LINE_LEN;
      gsize n = MIN (len, BENCH_LINE_LEN - skip);
      char line[BENCH_LINE_LEN];

      if (n == BENCH_LINE_LEN)
        bench_line_fill ((char *) buf, k);
      else
        {
          bench_line_fill (line, k);
          memcpy (buf, line + skip, n);
        }
      buf += n;
      offset += n;
      len -= n;
    }
  return run->wbuf;
}

/* Qt's pacing: while the write buffer holds less than one write, queue
 * the next; once all is queued, disconnect (after the buffer drains). */
static void
write_more (Conn *conn)
{
  Run *run = conn->run;
  gint64 write_size = run->p->write_size;

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
          run_fail (run, "write of %" G_GSIZE_FORMAT " bytes at offset %" G_GUINT64_FORMAT " failed",
                    len, conn->offset);
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

  if (!conn->closing)
    {
      run_fail (run, "the server closed after %" G_GUINT64_FORMAT " bytes", conn->offset);
      return;
    }
  conn_remove (conn);
  if (++run->finished < run->expected)
    return;
  run->result.count = run->p->workload == BENCH_READLINE ? run->p->count
                                                        : run->expected * run->total;
  run->result.seconds = bench_now () - run->start;
  run_finish (run);
}

static const ConnHandlers writer_handlers = {
  .connected = G_CALLBACK (on_writer_connected),
  .bytes_written = G_CALLBACK (on_writer_bytes_written),
  .disconnected = G_CALLBACK (on_writer_disconnected),
};

static void
start_writers (Run         *run,
               guint64      connections,
               guint64      total,
               StreamChunk  chunk)
{
  run->expected = connections;
  run->total = total;
  run->chunk = chunk;
  run->start = bench_now ();
  for (guint64 i = 0; i < connections && run->status < 0; i++)
    connect_stream (run, &writer_handlers);
}

static void
start_stream_client (Run *run)
{
  gboolean fanin = run->p->workload == BENCH_TCP_FANIN;

  run->wbuf = g_malloc (run->p->write_size + BENCH_PATTERN_PERIOD);
  bench_pattern_fill (run->wbuf, 0, run->p->write_size + BENCH_PATTERN_PERIOD);
  start_writers (run, fanin ? run->p->conns : 1, run->p->bytes, pattern_chunk);
}

static void
start_readline_client (Run *run)
{
  run->wbuf = g_malloc (run->p->write_size);
  start_writers (run, 1, run->p->count * BENCH_LINE_LEN, lines_chunk);
}

/* Reads and checks what the connection's buffer holds. */
static void
read_stream (Conn *conn)
{
  Run *run = conn->run;
  gint64 n;

  while ((n = qs_io_device_read (conn->device, run->rbuf, READ_CHUNK)) > 0)
    {
      if (run->start == 0)
        run->start = bench_now ();
      if (conn->offset + n > run->total || !bench_pattern_check (run->rbuf, conn->offset, n))
        {
          run_fail (run, "wrong bytes at offset %" G_GUINT64_FORMAT, conn->offset);
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
  guint64 received;

  read_stream (conn);
  received = conn->offset;
  if (received != run->total)
    {
      run_fail (run, "%" G_GUINT64_FORMAT " bytes received, %" G_GUINT64_FORMAT " sent",
                received, run->total);
      return;
    }
  conn_remove (conn);
  run->result.count += received;
  if (++run->finished < run->expected)
    return;
  run->result.seconds = bench_now () - run->start;
  run_finish (run);
}

static void
accepted_stream (Run        *run,
                 QsIODevice *device)
{
  static const ConnHandlers handlers = {
    .ready_read = G_CALLBACK (on_stream_ready_read),
    .disconnected = G_CALLBACK (on_stream_disconnected),
  };

  if (run->accepted_n > run->expected)
    {
      run_fail (run, "%" G_GUINT64_FORMAT " connections, %" G_GUINT64_FORMAT " expected",
                run->accepted_n, run->expected);
      return;
    }
  /* tcp-fanin times from the first accept, the others from the first byte. */
  if (run->p->workload == BENCH_TCP_FANIN && run->start == 0)
    run->start = bench_now ();
  conn_add (run, device, &handlers);
}

static void
start_stream_server (Run *run)
{
  run->expected = run->p->workload == BENCH_TCP_FANIN ? run->p->conns : 1;
  run->total = run->p->bytes;
  listen_stream (run, accepted_stream);
}

/* readline server */

static void
read_lines (Conn *conn)
{
  Run *run = conn->run;

  if (run->start == 0)
    run->start = bench_now ();
  while (qs_io_device_can_read_line (conn->device))
    {
      char line[LINE_ROOM];
      gint64 n = qs_io_device_read_line (conn->device, (guint8 *) line, sizeof line);

      if (n < 0 || conn->offset >= run->p->count || !bench_line_check (line, n, conn->offset))
        {
          run_fail (run, "wrong line %" G_GUINT64_FORMAT, conn->offset);
          return;
        }
      if (++conn->offset == run->p->count)
        run->end = bench_now ();
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
  Run *run = conn->run;

  read_lines (conn);
  if (conn->offset != run->p->count || qs_io_device_bytes_available (device) != 0)
    {
      run_fail (run, "%" G_GUINT64_FORMAT " lines of %" G_GUINT64_FORMAT " (%" G_GINT64_FORMAT
                " bytes left)", conn->offset, run->p->count,
                qs_io_device_bytes_available (device));
      return;
    }
  run->result.count = conn->offset;
  run->result.seconds = run->end - run->start;
  run_finish (run);
}

static void
accepted_readline (Run        *run,
                   QsIODevice *device)
{
  static const ConnHandlers handlers = {
    .ready_read = G_CALLBACK (on_lines_ready_read),
    .disconnected = G_CALLBACK (on_lines_disconnected),
  };

  if (run->accepted_n > 1)
    {
      run_fail (run, "a second connection");
      return;
    }
  conn_add (run, device, &handlers);
}

static void
start_readline_server (Run *run)
{
  listen_stream (run, accepted_readline);
}

/* Pingpong: tcp-pingpong, local-pingpong, udp-pingpong */

/* The message of round trip `index`: its index, then the pattern. */
static guint8 *
message_new (Run *run)
{
  guint8 *message = g_malloc (run->p->msg_size);

  bench_pattern_fill (message + MESSAGE_HEADER, MESSAGE_HEADER,
                      run->p->msg_size - MESSAGE_HEADER);
  return message;
}

static void
send_ping (Run  *run,
           Conn *conn)
{
  gint64 size = run->p->msg_size;
  gint64 sent;

  bench_put_u64 (run->wbuf, run->trips);
  run->sent_at = bench_now ();
  if (conn != NULL)
    sent = qs_io_device_write (conn->device, run->wbuf, size);
  else
    sent = qs_udp_socket_write_datagram (run->udp, run->wbuf, size, run->address, run->port);
  if (sent != size)
    run_fail (run, "sending message %" G_GUINT64_FORMAT " failed", run->trips);
}

/* A reply: checks it and records its round trip. Returns whether more
 * round trips are to be made. */
static gboolean
take_pong (Run          *run,
           const guint8 *reply,
           gint64        size)
{
  double now = bench_now ();

  if (run->sent_at == 0 || size != (gint64) run->p->msg_size ||
      memcmp (reply, run->wbuf, size) != 0)
    {
      run_fail (run, "wrong reply to message %" G_GUINT64_FORMAT, run->trips);
      return FALSE;
    }
  run->latencies[run->trips++] = (now - run->sent_at) * 1e6;
  run->sent_at = 0;
  if (run->trips < run->p->count)
    return TRUE;
  run->end = now;
  return FALSE;
}

static void
report_pingpong (Run *run)
{
  run->result.count = run->trips;
  run->result.seconds = run->end - run->start;
  bench_percentiles (run->latencies, run->trips, &run->result.p50_us, &run->result.p99_us);
  run_finish (run);
}

static void
start_pinging (Run  *run,
               Conn *conn)
{
  run->start = bench_now ();
  if (run->p->count == 0)
    {
      run->end = run->start;
      return;
    }
  send_ping (run, conn);
}

static void
on_ping_connected (QsIODevice *device,
                   Conn       *conn)
{
  set_low_delay (device);
  start_pinging (conn->run, conn);
  if (conn->run->p->count == 0)
    disconnect_device (device);
}

static void
on_pong_ready_read (QsIODevice *device,
                    Conn       *conn)
{
  Run *run = conn->run;
  gint64 size = run->p->msg_size;

  while (run->sent_at != 0 && qs_io_device_bytes_available (device) >= size)
    {
      gint64 n = qs_io_device_read (device, run->rbuf, size);

      if (!take_pong (run, run->rbuf, n))
        {
          if (run->status < 0)
            disconnect_device (device);
          return;
        }
      send_ping (run, conn);
    }
}

static void
on_ping_disconnected (QsIODevice *device,
                      Conn       *conn)
{
  Run *run = conn->run;

  if (run->trips != run->p->count)
    {
      run_fail (run, "the server closed after %" G_GUINT64_FORMAT " round trips", run->trips);
      return;
    }
  report_pingpong (run);
}

static void
start_ping_client (Run *run)
{
  static const ConnHandlers handlers = {
    .connected = G_CALLBACK (on_ping_connected),
    .ready_read = G_CALLBACK (on_pong_ready_read),
    .disconnected = G_CALLBACK (on_ping_disconnected),
  };

  connect_stream (run, &handlers);
}

/* Echoes each whole message. */
static void
on_echo_ready_read (QsIODevice *device,
                    Conn       *conn)
{
  Run *run = conn->run;
  gint64 size = run->p->msg_size;

  while (qs_io_device_bytes_available (device) >= size)
    {
      if (qs_io_device_read (device, run->rbuf, size) != size ||
          bench_get_u64 (run->rbuf) != run->trips)
        {
          run_fail (run, "wrong message %" G_GUINT64_FORMAT, run->trips);
          return;
        }
      if (qs_io_device_write (device, run->rbuf, size) != size)
        {
          run_fail (run, "echo of message %" G_GUINT64_FORMAT " failed", run->trips);
          return;
        }
      run->trips++;
    }
}

static void
on_echo_disconnected (QsIODevice *device,
                      Conn       *conn)
{
  Run *run = conn->run;

  if (run->trips != run->p->count || qs_io_device_bytes_available (device) != 0)
    {
      run_fail (run, "%" G_GUINT64_FORMAT " round trips of %" G_GUINT64_FORMAT,
                run->trips, run->p->count);
      return;
    }
  run->result.count = run->trips;
  run_finish (run);
}

static void
accepted_echo (Run        *run,
               QsIODevice *device)
{
  static const ConnHandlers handlers = {
    .ready_read = G_CALLBACK (on_echo_ready_read),
    .disconnected = G_CALLBACK (on_echo_disconnected),
  };

  if (run->accepted_n > 1)
    {
      run_fail (run, "a second connection");
      return;
    }
  set_low_delay (device);
  conn_add (run, device, &handlers);
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
bind_udp (Run *run,
          void (*on_ready_read) (QsUdpSocket *socket, Run *run))
{
  g_autoptr(GInetAddress) loopback =
    g_inet_address_new_loopback (g_inet_address_get_family (run->address));

  run->udp = qs_udp_socket_new ();
  if (on_ready_read != NULL)
    g_signal_connect (run->udp, "ready-read", G_CALLBACK (on_ready_read), run);
  if (!qs_abstract_socket_bind (QS_ABSTRACT_SOCKET (run->udp), loopback, 0,
                                QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM))
    {
      run_fail (run, "bind: %s", qs_io_device_get_error_string (QS_IO_DEVICE (run->udp)));
      return;
    }
  if (run->p->server)
    {
      g_autofree char *ready =
        bench_format_addr (run->p->ipv6, qs_abstract_socket_get_local_port (QS_ABSTRACT_SOCKET (run->udp)));

      bench_print_ready (ready);
    }
}

static void
on_udp_echo_ready_read (QsUdpSocket *socket,
                        Run         *run)
{
  gint64 size = run->p->msg_size;

  while (run->status < 0 && qs_udp_socket_has_pending_datagrams (socket))
    {
      g_autoptr(GInetAddress) sender = NULL;
      guint16 port = 0;
      gint64 n = qs_udp_socket_read_datagram (socket, run->rbuf, READ_CHUNK, &sender, &port);

      if (n != size || bench_get_u64 (run->rbuf) != run->trips)
        {
          run_fail (run, "wrong datagram %" G_GUINT64_FORMAT, run->trips);
          return;
        }
      if (qs_udp_socket_write_datagram (socket, run->rbuf, n, sender, port) != n)
        {
          run_fail (run, "echo of datagram %" G_GUINT64_FORMAT " failed", run->trips);
          return;
        }
      if (++run->trips == run->p->count)
        {
          run->result.count = run->trips;
          run_finish (run);
        }
    }
}

static void
start_udp_echo_server (Run *run)
{
  bind_udp (run, on_udp_echo_ready_read);
  if (run->p->count == 0)
    run_finish (run);
}

static void
on_udp_pong_ready_read (QsUdpSocket *socket,
                        Run         *run)
{
  while (run->sent_at != 0 && qs_udp_socket_has_pending_datagrams (socket))
    {
      gint64 n = qs_udp_socket_read_datagram (socket, run->rbuf, READ_CHUNK, NULL, NULL);

      if (take_pong (run, run->rbuf, n))
        send_ping (run, NULL);
      else if (run->status < 0)
        report_pingpong (run);
    }
}

static void
start_udp_ping_client (Run *run)
{
  bind_udp (run, on_udp_pong_ready_read);
  if (run->status >= 0)
    return;
  start_pinging (run, NULL);
  if (run->p->count == 0)
    report_pingpong (run);
}

/* udp-flood */

/* Counts one datagram: index, then the pattern, as the client sent it. */
static void
take_datagram (Run          *run,
               const guint8 *data,
               gint64        n)
{
  guint64 size = run->p->msg_size;
  guint64 seq;

  if ((guint64) n != size ||
      !bench_pattern_check (data + MESSAGE_HEADER, MESSAGE_HEADER, size - MESSAGE_HEADER) ||
      (seq = bench_get_u64 (data)) >= run->p->count)
    {
      run->result.malformed++;
      return;
    }
  if (run->seen[seq / 8] & (1u << (seq % 8)))
    {
      run->result.duplicates++;
      return;
    }
  run->seen[seq / 8] |= 1u << (seq % 8);
  run->result.count++;
}

static void
flood_done (Run *run)
{
  if (run->result.count == 0)
    {
      run_fail (run, "no datagram arrived");
      return;
    }
  if (run->result.duplicates != 0 || run->result.malformed != 0)
    {
      run_fail (run, "%" G_GUINT64_FORMAT " duplicate and %" G_GUINT64_FORMAT
                " malformed datagrams", run->result.duplicates, run->result.malformed);
      return;
    }
  run->result.seconds = run->last_rx - run->start;
  run_finish (run);
}

static void
on_flood_ready_read (QsUdpSocket *socket,
                     Run         *run)
{
  if (run->start == 0)
    run->start = bench_now ();
  while (qs_udp_socket_has_pending_datagrams (socket))
    {
      gint64 n = qs_udp_socket_read_datagram (socket, run->rbuf, READ_CHUNK, NULL, NULL);

      if (n < 0)
        {
          run_fail (run, "read_datagram: %s", qs_io_device_get_error_string (QS_IO_DEVICE (socket)));
          return;
        }
      take_datagram (run, run->rbuf, n);
    }
  run->last_rx = bench_now ();
  if (run->result.count == run->p->count)
    flood_done (run);
}

static void
start_flood_server (Run *run)
{
  run->seen = g_malloc0 (run->p->count / 8 + 1);
  bind_udp (run, on_flood_ready_read);
}

/* Sends a burst per main-loop iteration; a send the kernel refuses
 * (EAGAIN, ENOBUFS: Qt's and qsock's NetworkError) is retried on the
 * next iteration. */
static gboolean
on_flood_send (gpointer data)
{
  Run *run = data;
  gint64 size = run->p->msg_size;

  for (guint i = 0; i < UDP_BURST && run->result.count < run->p->count; i++)
    {
      bench_put_u64 (run->wbuf, run->result.count);
      if (qs_udp_socket_write_datagram (run->udp, run->wbuf, size, run->address, run->port) != size)
        {
          if (qs_abstract_socket_get_error (QS_ABSTRACT_SOCKET (run->udp)) == QS_SOCKET_ERROR_NETWORK_ERROR)
            return G_SOURCE_CONTINUE;
          run_fail (run, "write_datagram: %s", qs_io_device_get_error_string (QS_IO_DEVICE (run->udp)));
          run->idle_id = 0;
          return G_SOURCE_REMOVE;
        }
      run->result.count++;
    }
  if (run->result.count < run->p->count)
    return G_SOURCE_CONTINUE;
  run->result.seconds = bench_now () - run->start;
  run->idle_id = 0;
  run_finish (run);
  return G_SOURCE_REMOVE;
}

static void
start_flood_client (Run *run)
{
  bind_udp (run, NULL);
  run->start = bench_now ();
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

  run->idle_id = 0;
  run->result.rss_kb = bench_rss_kb () - run->rss_before;
  run->result.count = run->p->count;
  run->result.held = run->accepted_n - run->p->count;
  close_all (run);
  run_finish (run);
  return G_SOURCE_REMOVE;
}

static void
accepted_connection (Run        *run,
                     QsIODevice *device)
{
  static const ConnHandlers sequential = {
    .disconnected = G_CALLBACK (on_sequential_disconnected),
  };
  static const ConnHandlers held = { .connected = NULL };

  if (run->accepted_n <= run->p->count)
    {
      conn_add (run, device, &sequential);
      /* Before the hold phase's first accept. */
      if (run->accepted_n == run->p->count)
        run->rss_before = bench_rss_kb ();
      return;
    }
  conn_add (run, device, &held);
  if (run->accepted_n == run->p->count + run->p->conns)
    run->idle_id = g_idle_add (on_hold_complete, run);
  else if (run->accepted_n > run->p->count + run->p->conns)
    run_fail (run, "%" G_GUINT64_FORMAT " connections", run->accepted_n);
}

static void
start_connections_server (Run *run)
{
  listen_stream (run, accepted_connection);
  if (run->p->count == 0)
    run->rss_before = bench_rss_kb ();
  if (run->p->count + run->p->conns == 0)
    run->idle_id = g_idle_add (on_hold_complete, run);
}

static void
on_held_connected (QsIODevice *device,
                   Conn       *conn)
{
  conn->connected = TRUE;
  conn->run->result.held++;
}

static void
on_held_disconnected (QsIODevice *device,
                      Conn       *conn)
{
  Run *run = conn->run;

  if (!conn->connected)
    {
      run_fail (run, "a held connection closed before it connected");
      return;
    }
  conn_remove (conn);
  if (++run->finished == run->p->conns)
    run_finish (run);
}

/* Opens every idle connection at once; the server closes them. */
static void
start_holding (Run *run)
{
  static const ConnHandlers handlers = {
    .connected = G_CALLBACK (on_held_connected),
    .disconnected = G_CALLBACK (on_held_disconnected),
  };

  run->result.count = run->p->count;
  run->result.seconds = bench_now () - run->start;
  run->finished = 0;
  for (guint64 i = 0; i < run->p->conns && run->status < 0; i++)
    connect_stream (run, &handlers);
  if (run->p->conns == 0)
    run_finish (run);
}

static void connect_sequential (Run *run);

static void
on_sequential_connected (QsIODevice *device,
                         Conn       *conn)
{
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

  if (run->accepted_n < run->p->count)
    connect_stream (run, &handlers);
  else
    start_holding (run);
}

static void
start_connections_client (Run *run)
{
  run->start = bench_now ();
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
};

static gboolean
on_watchdog (gpointer data)
{
  Run *run = data;
  double now = bench_now ();

  if (now > run->deadline)
    run_fail (run, "the time limit of %g s passed", run->p->time_limit);
  else if (run->sent_at != 0 && now - run->sent_at > REPLY_TIMEOUT)
    run_fail (run, "no reply to message %" G_GUINT64_FORMAT " within %g s",
              run->trips, REPLY_TIMEOUT);
  else if (run->seen != NULL && run->start != 0 && now - run->last_rx > UDP_QUIET)
    flood_done (run);
  return G_SOURCE_CONTINUE;
}

/* The client's server address, or the server's loopback. */
static gboolean
set_addresses (Run *run)
{
  const BenchParams *p = run->p;
  g_autofree char *host = NULL;

  if (p->server)
    {
      if (!is_local (run))
        run->address = g_inet_address_new_loopback (p->ipv6 ? G_SOCKET_FAMILY_IPV6
                                                             : G_SOCKET_FAMILY_IPV4);
      return TRUE;
    }
  if (p->addr == NULL || !bench_split_addr (p->addr, &host, &run->port))
    return FALSE;
  if (run->port == 0)
    run->path = g_steal_pointer (&host);
  else
    run->address = g_inet_address_new_from_string (host);
  return run->path != NULL || run->address != NULL;
}

static gboolean
is_pingpong (BenchWorkload w)
{
  return w == BENCH_TCP_PINGPONG || w == BENCH_LOCAL_PINGPONG || w == BENCH_UDP_PINGPONG;
}

int
bench_qsock_main (const BenchParams *p)
{
  Run run = { .p = p, .status = -1, .result = BENCH_RESULT_INIT };
  guint watchdog;

  if (p->workload == BENCH_UDP_FLOOD && p->batch)
    {
      printf ("SKIP batched receive not in qsock yet\n");
      fflush (stdout);
      return 2;
    }
  if ((is_pingpong (p->workload) || p->workload == BENCH_UDP_FLOOD) && p->msg_size < MESSAGE_HEADER)
    return bench_fail ("qsock: --msg-size must be at least %d", MESSAGE_HEADER);

  bench_raise_nofile ();
  run.loop = g_main_loop_new (NULL, FALSE);
  run.conns = g_ptr_array_new_with_free_func (conn_free);
  run.rbuf = g_malloc (MAX (READ_CHUNK, p->msg_size));
  if (is_pingpong (p->workload) || p->workload == BENCH_UDP_FLOOD)
    run.wbuf = message_new (&run);
  if (is_pingpong (p->workload) && !p->server)
    run.latencies = g_new (double, p->count);
  run.deadline = bench_now () + p->time_limit;
  watchdog = g_timeout_add (WATCHDOG_MS, on_watchdog, &run);

  if (set_addresses (&run))
    roles[p->workload][p->server ? 1 : 0] (&run);
  else
    run_fail (&run, "bad address %s", p->addr ? p->addr : "(none)");
  if (run.status < 0)
    g_main_loop_run (run.loop);
  if (run.status == 0)
    bench_print_result (&run.result);

  g_source_remove (watchdog);
  g_clear_handle_id (&run.idle_id, g_source_remove);
  g_ptr_array_unref (run.conns);
  g_clear_object (&run.udp);
  g_clear_object (&run.server);
  g_clear_object (&run.address);
  g_free (run.path);
  g_free (run.rbuf);
  g_free (run.wbuf);
  g_free (run.latencies);
  g_free (run.seen);
  g_main_loop_unref (run.loop);
  return run.status;
}
