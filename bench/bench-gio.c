/* bench-gio.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The `gio` implementation of qsock-bench's workloads (BENCH.md): both
 * roles use plain GIO on a GMainLoop the way its documentation shows.
 * Streams: GSocketClient and GSocketService, a read_async loop on a
 * reused buffer per connection, write_all_async for writes (one at a
 * time), TCP_NODELAY on the pingpongs only; lines with a
 * GDataInputStream and read_line_async. UDP: a non-blocking GSocket read
 * until G_IO_ERROR_WOULD_BLOCK from a g_socket_create_source () source.
 * TLS workloads: the same roles over GTlsConnection: the GSocketClient
 * makes its connections TLS ones (g_socket_client_set_tls), the server
 * wraps each accepted GSocketConnection in a GTlsServerConnection and
 * handshakes it before the role sees it.
 */

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "bench-loop.h"
#include "bench-tls.h"

#define CONTROL_READ 16   /* tcp-connections, --idle: a read that only waits for the close */

typedef struct _Run Run;
typedef struct _Conn Conn;

/* What a role does with a connection; NULL for what it never does. */
typedef struct
{
  void (*connected) (Conn  *conn);   /* client: the connection is up */
  void (*data)      (Conn  *conn,
                     gsize  n);      /* a read put n bytes at buf + have; 0 at the end */
} ConnRole;

struct _Conn
{
  Run               *run;
  const ConnRole    *role;
  GSocketConnection *connection;  /* (owned) (nullable): NULL until connected */
  GIOStream         *tls;         /* (owned) (nullable): a TLS workload's GTlsConnection */
  GDataInputStream  *lines;       /* (owned) (nullable): readline server */
  guint8            *buf;         /* (owned) (nullable): where reads land */
  gsize              buf_size;
  gsize              have;        /* bytes kept in buf (pingpong) */
  guint64            offset;      /* stream bytes read or written, or lines read */
  GByteArray        *out;         /* (owned): the bytes being written (pingpong) */
  GByteArray        *queued;      /* (owned): bytes waiting for out's write */
  gboolean           writing;     /* out is being written */
};

struct _Run
{
  BenchLoop       bl;
  GCancellable   *cancel;      /* (owned): cancelled when the run is over */
  guint           idle_id;     /* the udp-flood sender, or the hold phase's measurement */

  GSocketAddress *address;     /* (owned): the server's, or where the server binds */
  GSocketService *service;     /* (owned) (nullable) */
  GSocketClient  *client;      /* (owned) (nullable) */
  GTlsCertificate *certificate;  /* (owned) (nullable): a TLS workload's server */
  GTlsDatabase   *database;    /* (owned) (nullable): a TLS workload's client */
  GSocket        *udp;         /* (owned) (nullable) */
  GSource        *udp_source;  /* (owned) (nullable) */
  GPtrArray      *conns;       /* (owned) (element-type Conn): live connections */
  void          (*accepted) (Run *run, Conn *conn);  /* server: a new connection */
  guint8         *rbuf;        /* (owned): the datagram buffer */
  guint8         *wbuf;        /* (owned) (nullable): stream client, what it writes */

  guint64         expected;    /* stream connections of the run */
  guint64         total;       /* stream bytes per connection */
  guint64         opened;      /* connections accepted (server) or opened (client) */
  guint64         finished;    /* connections done */

  gint64          rss_before;  /* tcp-connections server: VmRSS before the hold phase */
};

/* Fails the run with error, and frees it. */
static void
fail_with (BenchLoop  *bl,
           GError     *error,
           const char *what)
{
  bench_loop_fail (bl, "%s: %s", what, error->message);
  g_error_free (error);
}

/* Connections */

/* Whether an operation of the connection user_data failed. A cancelled
 * one (the run is over: user_data may be gone) is not looked at. */
static gboolean
conn_failed (gpointer    user_data,
             GError     *error,
             const char *what)
{
  if (error == NULL)
    return FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_error_free (error);
  else
    fail_with (&((Conn *) user_data)->run->bl, error, what);
  return TRUE;
}

static void
conn_set_role (Conn           *conn,
               const ConnRole *role,
               gsize           read_size)
{
  conn->role = role;
  conn->buf = g_realloc (conn->buf, read_size);
  conn->buf_size = read_size;
}

static Conn *
conn_add (Run *run)
{
  Conn *conn = g_new0 (Conn, 1);

  conn->run = run;
  conn->out = g_byte_array_new ();
  conn->queued = g_byte_array_new ();
  g_ptr_array_add (run->conns, conn);
  return conn;
}

static void
conn_free (gpointer data)
{
  Conn *conn = data;

  g_clear_object (&conn->lines);
  g_clear_object (&conn->tls);
  g_clear_object (&conn->connection);
  g_byte_array_unref (conn->out);
  g_byte_array_unref (conn->queued);
  g_free (conn->buf);
  g_free (conn);
}

/* What the role reads and writes: the TLS connection or the socket's. */
static GIOStream *
conn_stream (Conn *conn)
{
  return conn->tls != NULL ? conn->tls : G_IO_STREAM (conn->connection);
}

/* Closes the connection (a close () of the socket, after a TLS
 * close_notify: it never blocks). */
static void
conn_close (Conn *conn)
{
  g_autoptr(GError) error = NULL;

  if (!g_io_stream_close (conn_stream (conn), NULL, &error))
    bench_loop_fail (&conn->run->bl, "close: %s", error->message);
}

/* Frees conn; call when no operation of it is pending. */
static void
conn_remove (Conn *conn)
{
  g_ptr_array_remove_fast (conn->run->conns, conn);
}

static GInputStream *
conn_input (Conn *conn)
{
  return g_io_stream_get_input_stream (conn_stream (conn));
}

static GOutputStream *
conn_output (Conn *conn)
{
  return g_io_stream_get_output_stream (conn_stream (conn));
}

static void
set_no_delay (Conn *conn)
{
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_connection_get_socket (conn->connection);

  if (G_IS_TCP_CONNECTION (conn->connection) &&
      !g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, &error))
    bench_loop_fail (&conn->run->bl, "TCP_NODELAY: %s", error->message);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  Conn *conn;

  if (conn_failed (user_data, error, "read"))
    return;
  conn = user_data;
  conn->role->data (conn, n);
}

/* The read loop: the role's data () calls it again for more. */
static void
read_next (Conn *conn)
{
  g_input_stream_read_async (conn_input (conn), conn->buf + conn->have,
                             conn->buf_size - conn->have, G_PRIORITY_DEFAULT,
                             conn->run->cancel, on_read, conn);
}

static void flush_queued (Conn *conn);

static void
on_queued_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError *error = NULL;
  Conn *conn;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  if (conn_failed (user_data, error, "write"))
    return;
  conn = user_data;
  conn->writing = FALSE;
  if (conn->queued->len > 0)
    flush_queued (conn);
}

static void
flush_queued (Conn *conn)
{
  GByteArray *next = conn->queued;

  conn->queued = conn->out;
  conn->out = next;
  g_byte_array_set_size (conn->queued, 0);
  conn->writing = TRUE;
  g_output_stream_write_all_async (conn_output (conn), conn->out->data, conn->out->len,
                                   G_PRIORITY_DEFAULT, conn->run->cancel,
                                   on_queued_written, conn);
}

/* Writes a copy of data after what is being written. */
static void
conn_send (Conn         *conn,
           const guint8 *data,
           gsize         len)
{
  g_byte_array_append (conn->queued, data, len);
  if (!conn->writing)
    flush_queued (conn);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError *error = NULL;
  GSocketConnection *connection =
    g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  Conn *conn;

  if (conn_failed (user_data, error, "connect"))
    return;
  conn = user_data;
  conn->connection = connection;
  /* A TLS one wraps the GTlsClientConnection, which alone closes with
   * a close_notify. */
  if (G_IS_TCP_WRAPPER_CONNECTION (connection))
    conn->tls = g_object_ref (g_tcp_wrapper_connection_get_base_io_stream (
      G_TCP_WRAPPER_CONNECTION (connection)));
  conn->role->connected (conn);
}

/* Client: a new connection to the server. */
static void
connect_stream (Run            *run,
                const ConnRole *role,
                gsize           read_size)
{
  Conn *conn = conn_add (run);

  conn_set_role (conn, role, read_size);
  run->opened++;
  g_socket_client_connect_async (run->client, G_SOCKET_CONNECTABLE (run->address),
                                 run->cancel, on_connected, conn);
}

/* Client of a TLS workload: the GSocketClient's TLS connection trusts
 * the bench's CA; TCP_NODELAY before the handshake (bench.h). */
static void
on_client_event (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 Run                *run)
{
  GSocket *socket;

  if (event == G_SOCKET_CLIENT_CONNECTED && bench_tls_low_delay (run->bl.p->workload))
    {
      socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
      bench_set_nodelay (g_socket_get_fd (socket));
    }
  else if (event == G_SOCKET_CLIENT_TLS_HANDSHAKING)
    g_tls_connection_set_database (G_TLS_CONNECTION (connection), run->database);
}

/* tls-pingpong, tls-handshakes: TCP_NODELAY before the handshake
 * (bench.h), on the listening socket. */
static void
on_listener_event (GSocketListener      *listener,
                   GSocketListenerEvent  event,
                   GSocket              *socket,
                   Run                  *run)
{
  if (event == G_SOCKET_LISTENER_LISTENED && bench_tls_low_delay (run->bl.p->workload))
    bench_set_nodelay (g_socket_get_fd (socket));
}

static void
on_server_handshake (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GError *error = NULL;
  Conn *conn;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);
  if (conn_failed (user_data, error, "handshake"))
    return;
  conn = user_data;
  conn->run->accepted (conn->run, conn);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             Run               *run)
{
  GError *error = NULL;
  Conn *conn;

  if (run->bl.status >= 0)
    return TRUE;
  conn = conn_add (run);
  conn->connection = g_object_ref (connection);
  run->opened++;
  if (run->certificate == NULL)
    run->accepted (run, conn);
  else if ((conn->tls = g_tls_server_connection_new (G_IO_STREAM (connection),
                                                     run->certificate, &error)) == NULL)
    fail_with (&run->bl, error, "TLS server connection");
  else
    g_tls_connection_handshake_async (G_TLS_CONNECTION (conn->tls), G_PRIORITY_DEFAULT,
                                      run->cancel, on_server_handshake, conn);
  return TRUE;
}

/* Server: listens on the loopback (port 0) or on a socket in p->dir,
 * then prints READY. */
static void
listen_stream (Run  *run,
               void (*accepted) (Run *run, Conn *conn))
{
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ready = NULL;
  gboolean local = G_IS_UNIX_SOCKET_ADDRESS (run->address);

  run->accepted = accepted;
  run->service = g_socket_service_new ();
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (run->service), SOMAXCONN);
  g_signal_connect (run->service, "event", G_CALLBACK (on_listener_event), run);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (run->service), run->address,
                                      G_SOCKET_TYPE_STREAM,
                                      local ? G_SOCKET_PROTOCOL_DEFAULT : G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &error))
    {
      bench_loop_fail (&run->bl, "listen: %s", error->message);
      return;
    }
  g_signal_connect (run->service, "incoming", G_CALLBACK (on_incoming), run);
  if (local)
    ready = g_strdup (g_unix_socket_address_get_path (G_UNIX_SOCKET_ADDRESS (run->address)));
  else
    ready = bench_format_addr (run->bl.p->ipv6,
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  bench_print_ready (ready);
}

/* Stream clients: tcp-stream, local-stream, tcp-fanin, readline */

static const guint8 *
next_chunk (Run     *run,
            guint64  offset,
            gsize    len)
{
  if (run->bl.p->workload != BENCH_READLINE)
    return run->wbuf + offset % BENCH_PATTERN_PERIOD;
  bench_loop_fill_lines (run->wbuf, offset, len);
  return run->wbuf;
}

static void write_chunk (Conn *conn);

static void
on_chunk_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GError *error = NULL;
  gsize written = 0;
  Conn *conn;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error);
  if (conn_failed (user_data, error, "write"))
    return;
  conn = user_data;
  conn->offset += written;
  write_chunk (conn);
}

/* One write at a time; closes the connection after the last. */
static void
write_chunk (Conn *conn)
{
  Run *run = conn->run;
  BenchLoop *bl = &run->bl;
  gsize len = MIN (bl->p->write_size, run->total - conn->offset);

  if (len > 0)
    {
      g_output_stream_write_all_async (conn_output (conn), next_chunk (run, conn->offset, len),
                                       len, G_PRIORITY_DEFAULT, run->cancel,
                                       on_chunk_written, conn);
      return;
    }
  conn_close (conn);
  conn_remove (conn);
  if (++run->finished < run->expected)
    return;
  bl->result.count = bl->p->workload == BENCH_READLINE ? bl->p->count
                                                       : run->expected * run->total;
  bl->result.seconds = bench_now () - bl->start;
  bench_loop_finish (bl);
}

static void
start_writers (Run     *run,
               guint64  connections,
               guint64  total)
{
  static const ConnRole writer = {
    .connected = write_chunk,
  };

  run->expected = connections;
  run->total = total;
  run->bl.start = bench_now ();
  for (guint64 i = 0; i < connections; i++)
    connect_stream (run, &writer, 0);
}

static void
start_stream_client (Run *run)
{
  const BenchParams *p = run->bl.p;

  run->wbuf = g_malloc (p->write_size + BENCH_PATTERN_PERIOD);
  bench_pattern_fill (run->wbuf, 0, p->write_size + BENCH_PATTERN_PERIOD);
  start_writers (run, p->workload == BENCH_TCP_FANIN ? p->conns : 1, p->bytes);
}

static void
start_readline_client (Run *run)
{
  run->wbuf = g_malloc (run->bl.p->write_size);
  start_writers (run, 1, run->bl.p->count * BENCH_LINE_LEN);
}

/* Stream servers: tcp-stream, local-stream, tcp-fanin */

static void
stream_data (Conn  *conn,
             gsize  n)
{
  Run *run = conn->run;
  BenchLoop *bl = &run->bl;

  if (n > 0)
    {
      if (bl->start == 0)
        bl->start = bench_now ();
      if (conn->offset + n > run->total || !bench_pattern_check (conn->buf, conn->offset, n))
        {
          bench_loop_fail (bl, "wrong bytes at offset %" G_GUINT64_FORMAT, conn->offset);
          return;
        }
      conn->offset += n;
      read_next (conn);
      return;
    }
  if (conn->offset != run->total)
    {
      bench_loop_fail (bl, "%" G_GUINT64_FORMAT " bytes received, %" G_GUINT64_FORMAT " sent",
                       conn->offset, run->total);
      return;
    }
  bl->result.count += conn->offset;
  conn_close (conn);
  conn_remove (conn);
  if (++run->finished < run->expected)
    return;
  bl->result.seconds = bench_now () - bl->start;
  bench_loop_finish (bl);
}

static void
accepted_stream (Run  *run,
                 Conn *conn)
{
  static const ConnRole reader = {
    .data = stream_data,
  };

  conn_set_role (conn, &reader, BENCH_LOOP_READ_CHUNK);
  if (run->opened > run->expected)
    {
      bench_loop_fail (&run->bl, "%" G_GUINT64_FORMAT " connections, %" G_GUINT64_FORMAT
                       " expected", run->opened, run->expected);
      return;
    }
  /* tcp-fanin times from the first accept, the others from the first byte. */
  if (run->bl.p->workload == BENCH_TCP_FANIN && run->bl.start == 0)
    run->bl.start = bench_now ();
  read_next (conn);
}

static void
start_stream_server (Run *run)
{
  run->expected = run->bl.p->workload == BENCH_TCP_FANIN ? run->bl.p->conns : 1;
  run->total = run->bl.p->bytes;
  listen_stream (run, accepted_stream);
}

/* readline server */

static void read_line_next (Conn *conn);

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GError *error = NULL;
  gsize len = 0;
  char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result,
                                                     &len, &error);
  BenchLoop *bl;
  Conn *conn;

  if (conn_failed (user_data, error, "read_line"))
    return;
  conn = user_data;
  bl = &conn->run->bl;
  if (line == NULL)
    {
      if (conn->offset != bl->p->count)
        {
          bench_loop_fail (bl, "%" G_GUINT64_FORMAT " lines of %" G_GUINT64_FORMAT,
                           conn->offset, bl->p->count);
          return;
        }
      bl->result.count = conn->offset;
      bl->result.seconds = bl->end - bl->start;
      bench_loop_finish (bl);
      return;
    }
  if (bl->start == 0)
    bl->start = bench_now ();
  if (conn->offset >= bl->p->count || !bench_line_check (line, len, conn->offset))
    bench_loop_fail (bl, "wrong line %" G_GUINT64_FORMAT, conn->offset);
  else if (++conn->offset == bl->p->count)
    bl->end = bench_now ();
  g_free (line);
  read_line_next (conn);
}

static void
read_line_next (Conn *conn)
{
  g_data_input_stream_read_line_async (conn->lines, G_PRIORITY_DEFAULT, conn->run->cancel,
                                       on_line, conn);
}

static void
accepted_readline (Run  *run,
                   Conn *conn)
{
  if (run->opened > 1)
    {
      bench_loop_fail (&run->bl, "a second connection");
      return;
    }
  conn->lines = g_data_input_stream_new (conn_input (conn));
  g_data_input_stream_set_newline_type (conn->lines, G_DATA_STREAM_NEWLINE_TYPE_LF);
  /* Reads of the kernel as large as the other implementations'. */
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (conn->lines),
                                           BENCH_LOOP_READ_CHUNK);
  read_line_next (conn);
}

static void
start_readline_server (Run *run)
{
  listen_stream (run, accepted_readline);
}

/* Moves the bytes after the first `used` of buf to its start. */
static void
conn_consume (Conn  *conn,
              gsize  used)
{
  memmove (conn->buf, conn->buf + used, conn->have - used);
  conn->have -= used;
}

/* tcp-pingpong, local-pingpong */

/* A read buffer for at least two messages. */
static gsize
message_room (Run *run)
{
  return MAX (BENCH_LOOP_READ_CHUNK, 2 * run->bl.p->msg_size);
}

static void
send_ping (Conn *conn)
{
  conn_send (conn, bench_loop_ping (&conn->run->bl), conn->run->bl.p->msg_size);
}

static void
pong_data (Conn  *conn,
           gsize  n)
{
  BenchLoop *bl = &conn->run->bl;
  gsize size = bl->p->msg_size;
  gsize used = 0;

  if (n == 0)
    {
      bench_loop_fail (bl, "the server closed after %" G_GUINT64_FORMAT " round trips", bl->trips);
      return;
    }
  conn->have += n;
  for (; conn->have - used >= size; used += size)
    {
      if (bench_loop_pong (bl, conn->buf + used, size))
        send_ping (conn);
      else
        {
          if (bl->status < 0)
            {
              conn_close (conn);
              bench_loop_pingpong_done (bl);
            }
          return;
        }
    }
  conn_consume (conn, used);
  read_next (conn);
}

static void
ping_connected (Conn *conn)
{
  BenchLoop *bl = &conn->run->bl;

  set_no_delay (conn);
  bl->start = bench_now ();
  if (bl->p->count == 0)
    {
      bl->end = bl->start;
      conn_close (conn);
      bench_loop_pingpong_done (bl);
      return;
    }
  read_next (conn);
  send_ping (conn);
}

static void
connect_measured (gpointer data)
{
  static const ConnRole pinger = {
    .connected = ping_connected,
    .data = pong_data,
  };
  Run *run = data;

  connect_stream (run, &pinger, message_room (run));
}

/* --idle: the client's idle connections, each with a read pending. */

static void connect_idle (gpointer data);

static void
idle_connected (Conn *conn)
{
  Run *run = conn->run;

  read_next (conn);
  bench_loop_idle_connected (&run->bl, run->opened, connect_idle, connect_measured, run);
}

static void
idle_data (Conn  *conn,
           gsize  n)
{
  bench_loop_fail (&conn->run->bl, "data or EOF on an idle connection");
}

static void
connect_idle (gpointer data)
{
  static const ConnRole idler = {
    .connected = idle_connected,
    .data = idle_data,
  };
  Run *run = data;

  connect_stream (run, &idler, CONTROL_READ);
}

/* The idle connections first, then the measured one. */
static void
start_ping_client (Run *run)
{
  bench_loop_start_client (&run->bl, connect_idle, connect_measured, run);
}

/* Echoes each whole message; with --idle, on the first connection that
 * has one (whose buffer then grows to message_room ()). */
static void
echo_data (Conn  *conn,
           gsize  n)
{
  Run *run = conn->run;
  BenchLoop *bl = &run->bl;
  gsize size = bl->p->msg_size;
  gsize used = 0;

  if (n == 0)
    {
      conn_close (conn);
      bench_loop_echo_closed (bl, conn, conn->have, run->opened);
      return;
    }
  if (bl->measured == NULL)
    conn_set_role (conn, conn->role, message_room (run));
  if (!bench_loop_measured (bl, conn))
    return;
  conn->have += n;
  for (; conn->have - used >= size; used += size)
    {
      if (!bench_loop_echo (bl, conn->buf + used, size))
        return;
      conn_send (conn, conn->buf + used, size);
    }
  conn_consume (conn, used);
  read_next (conn);
}

static void
accepted_echo (Run  *run,
               Conn *conn)
{
  static const ConnRole echoer = {
    .data = echo_data,
  };

  bench_loop_echo_accepted (&run->bl, run->opened);
  if (run->bl.status >= 0)
    return;
  /* Which connection will carry the messages shows only when they come. */
  conn_set_role (conn, &echoer, run->bl.p->idle > 0 ? run->bl.p->msg_size : message_room (run));
  set_no_delay (conn);
  read_next (conn);
}

static void
start_echo_server (Run *run)
{
  listen_stream (run, accepted_echo);
}

/* UDP */

/* Binds run->udp to the loopback and watches it for datagrams with
 * on_readable (NULL: not watched); the server prints READY. */
static void
bind_udp (Run              *run,
          GSocketSourceFunc on_readable)
{
  g_autoptr(GError) error = NULL;
  GSocketFamily family = g_socket_address_get_family (run->address);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (family);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *ready = NULL;

  run->udp = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  if (run->udp == NULL ||
      !g_socket_bind (run->udp, local, FALSE, &error) ||
      (bound = g_socket_get_local_address (run->udp, &error)) == NULL)
    {
      bench_loop_fail (&run->bl, "bind: %s", error->message);
      return;
    }
  g_socket_set_blocking (run->udp, FALSE);
  if (on_readable != NULL)
    {
      run->udp_source = g_socket_create_source (run->udp, G_IO_IN, NULL);
      g_source_set_callback (run->udp_source, G_SOURCE_FUNC (on_readable), run, NULL);
      g_source_attach (run->udp_source, NULL);
    }
  if (!run->bl.p->server)
    return;
  ready = bench_format_addr (run->bl.p->ipv6,
                             g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  bench_print_ready (ready);
}

/* Frees error; a receive that would block just ends a read loop, other
 * errors fail the run. */
static void
receive_failed (BenchLoop  *bl,
                GError     *error,
                const char *what)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    g_error_free (error);
  else
    fail_with (bl, error, what);
}

static gboolean
on_udp_echo_readable (GSocket      *socket,
                      GIOCondition  condition,
                      Run          *run)
{
  BenchLoop *bl = &run->bl;

  while (bl->status < 0)
    {
      g_autoptr(GSocketAddress) sender = NULL;
      GError *error = NULL;
      gssize n = g_socket_receive_from (socket, &sender, (char *) run->rbuf,
                                        BENCH_LOOP_READ_CHUNK, NULL, &error);

      if (n < 0)
        {
          receive_failed (bl, error, "receive_from");
          break;
        }
      if (!bench_loop_echo (bl, run->rbuf, n))
        break;
      if (g_socket_send_to (socket, sender, (char *) run->rbuf, n, NULL, &error) != n)
        {
          fail_with (bl, error, "send_to");
          break;
        }
      if (bl->trips == bl->p->count)
        {
          bl->result.count = bl->trips;
          bench_loop_finish (bl);
        }
    }
  return G_SOURCE_CONTINUE;
}

static void
start_udp_echo_server (Run *run)
{
  bind_udp (run, (GSocketSourceFunc) on_udp_echo_readable);
  if (run->bl.p->count == 0)
    bench_loop_finish (&run->bl);
}

static void
send_datagram_ping (Run *run)
{
  GError *error = NULL;
  gssize size = run->bl.p->msg_size;
  const guint8 *message = bench_loop_ping (&run->bl);

  if (g_socket_send_to (run->udp, run->address, (const char *) message, size, NULL, &error) != size)
    fail_with (&run->bl, error, "send_to");
}

static gboolean
on_udp_pong_readable (GSocket      *socket,
                      GIOCondition  condition,
                      Run          *run)
{
  BenchLoop *bl = &run->bl;

  while (bl->status < 0 && bl->sent_at != 0)
    {
      GError *error = NULL;
      gssize n = g_socket_receive (socket, (char *) run->rbuf, BENCH_LOOP_READ_CHUNK, NULL, &error);

      if (n < 0)
        {
          receive_failed (bl, error, "receive");
          break;
        }
      if (bench_loop_pong (bl, run->rbuf, n))
        send_datagram_ping (run);
      else if (bl->status < 0)
        bench_loop_pingpong_done (bl);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_udp_ping_client (Run *run)
{
  BenchLoop *bl = &run->bl;

  bind_udp (run, (GSocketSourceFunc) on_udp_pong_readable);
  if (bl->status >= 0)
    return;
  bl->start = bench_now ();
  if (bl->p->count == 0)
    {
      bl->end = bl->start;
      bench_loop_pingpong_done (bl);
      return;
    }
  send_datagram_ping (run);
}

/* udp-flood */

static gboolean
on_flood_readable (GSocket      *socket,
                   GIOCondition  condition,
                   Run          *run)
{
  BenchLoop *bl = &run->bl;

  if (bl->start == 0)
    bl->start = bench_now ();
  for (;;)
    {
      GError *error = NULL;
      gssize n = g_socket_receive (socket, (char *) run->rbuf, BENCH_LOOP_READ_CHUNK, NULL, &error);

      if (n < 0)
        {
          receive_failed (bl, error, "receive");
          break;
        }
      bench_loop_take_datagram (bl, run->rbuf, n);
    }
  bl->last_rx = bench_now ();
  if (bl->result.count == bl->p->count)
    bench_loop_flood_done (bl);
  return G_SOURCE_CONTINUE;
}

static void
start_flood_server (Run *run)
{
  bind_udp (run, (GSocketSourceFunc) on_flood_readable);
  /* --instructions also measures a run of no datagrams. */
  if (run->bl.p->count == 0)
    bench_loop_finish (&run->bl);
}

/* Sends a burst per main-loop iteration; a send the kernel refuses
 * (EAGAIN; ENOBUFS, which GLib 2.74 reports as G_IO_ERROR_FAILED) is
 * retried on the next iteration. */
static gboolean
on_flood_send (gpointer data)
{
  Run *run = data;
  BenchLoop *bl = &run->bl;
  gssize size = bl->p->msg_size;

  for (guint i = 0; i < BENCH_LOOP_UDP_BURST && bl->result.count < bl->p->count; i++)
    {
      GError *error = NULL;

      bench_put_u64 (bl->message, bl->result.count);
      if (g_socket_send_to (run->udp, run->address, (const char *) bl->message, size,
                            NULL, &error) != size)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) ||
              g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED))
            {
              g_error_free (error);
              return G_SOURCE_CONTINUE;
            }
          fail_with (bl, error, "send_to");
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
sequential_data (Conn  *conn,
                 gsize  n)
{
  if (n != 0)
    {
      bench_loop_fail (&conn->run->bl, "data on an idle connection");
      return;
    }
  conn_close (conn);
  conn_remove (conn);
}

/* The server closes every connection it still has; their pending reads
 * end when the run's operations are cancelled. */
static void
close_all (Run *run)
{
  for (guint i = 0; i < run->conns->len; i++)
    conn_close (g_ptr_array_index (run->conns, i));
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
accepted_connection (Run  *run,
                     Conn *conn)
{
  static const ConnRole watcher = {
    .data = sequential_data,
  };
  const BenchParams *p = run->bl.p;

  /* Sequential ones and held ones alike: a read waits for the close;
   * tls-handshakes: the server closes first, once its handshake is over
   * (the client's ends earlier, when it sends its Finished). */
  conn_set_role (conn, &watcher, CONTROL_READ);
  if (!bench_workload_is_tls (p->workload))
    read_next (conn);
  else
    {
      conn_close (conn);
      conn_remove (conn);
    }
  if (run->opened == p->count)
    run->rss_before = bench_rss_kb ();   /* before the hold phase's first accept */
  if (run->opened == p->count + p->conns)   /* tls-handshakes has no hold phase */
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
held_data (Conn  *conn,
           gsize  n)
{
  Run *run = conn->run;

  if (n != 0)
    {
      bench_loop_fail (&run->bl, "data on an idle connection");
      return;
    }
  conn_close (conn);
  conn_remove (conn);
  if (++run->finished == run->bl.p->conns)
    bench_loop_finish (&run->bl);
}

static void
held_connected (Conn *conn)
{
  conn->run->bl.result.held++;
  read_next (conn);
}

/* Opens every idle connection at once; the server closes them. */
static void
start_holding (Run *run)
{
  static const ConnRole holder = {
    .connected = held_connected,
    .data = held_data,
  };
  BenchLoop *bl = &run->bl;

  bl->result.count = bl->p->count;
  bl->result.seconds = bench_now () - bl->start;
  for (guint64 i = 0; i < bl->p->conns; i++)
    connect_stream (run, &holder, CONTROL_READ);
  if (bl->p->conns == 0)
    bench_loop_finish (bl);
}

static void connect_sequential (Run *run);

/* connect → connected → close, one connection at a time. */
static void
sequential_connected (Conn *conn)
{
  Run *run = conn->run;

  if (bench_workload_is_tls (run->bl.p->workload))
    {
      read_next (conn);   /* sequential_closed () follows */
      return;
    }
  conn_close (conn);
  conn_remove (conn);
  connect_sequential (run);
}

/* tls-handshakes: the server closed. */
static void
sequential_closed (Conn  *conn,
                   gsize  n)
{
  Run *run = conn->run;

  sequential_data (conn, n);
  if (run->bl.status < 0)
    connect_sequential (run);
}

static void
connect_sequential (Run *run)
{
  static const ConnRole sequential = {
    .connected = sequential_connected,
    .data = sequential_closed,
  };

  if (run->opened < run->bl.p->count)
    connect_stream (run, &sequential, CONTROL_READ);
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

/* The client's server address; the server's loopback (port 0) or its
 * socket path. */
static gboolean
set_address (Run *run)
{
  const BenchParams *p = run->bl.p;
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  guint16 port = 0;

  if (p->server && bench_workload_is_local (p->workload))
    {
      g_autofree char *path = g_build_filename (p->dir, "gio-bench.sock", NULL);

      run->address = g_unix_socket_address_new (path);
      return TRUE;
    }
  if (p->server)
    inet = g_inet_address_new_loopback (p->ipv6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
  else if (!bench_loop_server_addr (&run->bl, &host, &port))
    return FALSE;
  else if (port == 0)
    {
      run->address = g_unix_socket_address_new (host);
      return TRUE;
    }
  else if ((inet = g_inet_address_new_from_string (host)) == NULL)
    {
      bench_loop_fail (&run->bl, "bad address %s", p->addr);
      return FALSE;
    }
  run->address = g_inet_socket_address_new (inet, port);
  return TRUE;
}

int
bench_gio_main (const BenchParams *p)
{
  Run run = { .rss_before = 0 };
  g_autoptr(GError) error = NULL;
  int status;

  if (!bench_loop_init (&run.bl, "gio", p))
    return 1;
  run.cancel = g_cancellable_new ();
  run.conns = g_ptr_array_new_with_free_func (conn_free);
  run.rbuf = g_malloc (MAX (BENCH_LOOP_READ_CHUNK, p->msg_size));
  if (!p->server)
    run.client = g_socket_client_new ();

  if (bench_workload_is_tls (p->workload) &&
      !bench_tls_load (p, &run.certificate, &run.database, &error))
    bench_loop_fail (&run.bl, "%s", error->message);
  else if (set_address (&run))
    {
      if (run.database != NULL)
        {
          g_socket_client_set_tls (run.client, TRUE);
          g_signal_connect (run.client, "event", G_CALLBACK (on_client_event), &run);
        }
      roles[p->workload][p->server ? 1 : 0] (&run);
    }
  status = bench_loop_run (&run.bl);

  /* Pending callbacks only see G_IO_ERROR_CANCELLED from here on. */
  g_cancellable_cancel (run.cancel);
  g_clear_handle_id (&run.idle_id, g_source_remove);
  if (run.udp_source != NULL)
    g_source_destroy (run.udp_source);
  g_clear_pointer (&run.udp_source, g_source_unref);
  g_ptr_array_unref (run.conns);
  g_clear_object (&run.udp);
  g_clear_object (&run.client);
  if (run.service != NULL)
    g_socket_service_stop (run.service);
  g_clear_object (&run.service);
  g_clear_object (&run.address);
  g_clear_object (&run.certificate);
  g_clear_object (&run.database);
  g_clear_object (&run.cancel);
  g_free (run.rbuf);
  g_free (run.wbuf);
  bench_loop_clear (&run.bl);
  return status;
}
