/* bench-loop.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the GMainLoop implementations of qsock-bench (bench-qsock.c,
 * bench-gio.c) share, so that they differ only in how they use their
 * library: the run and its end, the watchdog of BENCH.md's deadlines
 * (time limit, a pingpong reply missing for 1 s, udp-flood's 500 ms of
 * quiet), and the payloads of the pingpong, udp-flood and readline
 * workloads. Static inline: each implementation stays one file of the
 * driver's meson.build.
 */

#pragma once

#include <stdio.h>
#include <string.h>

#include "bench.h"

#define BENCH_LOOP_READ_CHUNK    65536  /* the reused read buffer */
#define BENCH_LOOP_HEADER        8      /* pingpong, udp-flood: the index before the pattern */
#define BENCH_LOOP_UDP_BURST     1024   /* udp-flood: datagrams sent per main-loop iteration */
#define BENCH_LOOP_WATCHDOG_MS   100    /* how often the deadlines are checked */
#define BENCH_LOOP_REPLY_TIMEOUT 1.0    /* pingpong: seconds without a reply that fail the run */
#define BENCH_LOOP_UDP_QUIET     0.5    /* udp-flood: the server stops this long after the last datagram */

typedef struct
{
  const BenchParams *p;
  const char  *impl;
  GMainLoop   *loop;        /* (owned) */
  int          status;      /* -1 while running, then the exit code */
  double       deadline;    /* the time limit, in bench_now () seconds */
  guint        watchdog_id;
  BenchResult  result;
  double       start;       /* the start of the timed interval, or 0 */
  double       end;

  /* pingpong */
  guint64      trips;       /* round trips done (client) or echoed (server) */
  guint8      *message;     /* (owned) (nullable): the message in flight */
  double       sent_at;     /* client: when the awaited message left, or 0 */
  double      *latencies;   /* (owned) (nullable): client, microseconds */
  gconstpointer measured;   /* server: the connection the messages came on */
  gboolean     echo_ended;  /* server: it closed (--count 0: one closed) */

  /* udp-flood server */
  guint8      *seen;        /* (owned) (nullable): a bit per sequence number */
  double       last_rx;     /* the last datagram's arrival */
} BenchLoop;

static inline gboolean
bench_loop_is_pingpong (BenchWorkload w)
{
  return w == BENCH_TCP_PINGPONG || w == BENCH_LOCAL_PINGPONG || w == BENCH_UDP_PINGPONG ||
         w == BENCH_TLS_PINGPONG;
}

static inline void
bench_loop_fail (BenchLoop  *bl,
                 const char *format,
                 ...) G_GNUC_PRINTF (2, 3);

/* Ends the run with exit code 1; the first failure is the one reported. */
static inline void
bench_loop_fail (BenchLoop  *bl,
                 const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (bl->status >= 0)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  bl->status = bench_fail ("%s %s %s: %s", bl->impl, bench_workload_name (bl->p->workload),
                           bl->p->server ? "server" : "client", message);
  g_main_loop_quit (bl->loop);
}

/* Ends the run with exit code 0: bench_loop_run () prints the result. */
static inline void
bench_loop_finish (BenchLoop *bl)
{
  if (bl->status >= 0)
    return;
  bl->status = 0;
  g_main_loop_quit (bl->loop);
}

/* udp-flood server: all datagrams arrived, or the quiet time passed. */
static inline void
bench_loop_flood_done (BenchLoop *bl)
{
  BenchResult *r = &bl->result;

  if (r->count == 0)
    bench_loop_fail (bl, "no datagram arrived");
  else if (r->duplicates != 0 || r->malformed != 0)
    bench_loop_fail (bl, "%" G_GUINT64_FORMAT " duplicate and %" G_GUINT64_FORMAT
                     " malformed datagrams", r->duplicates, r->malformed);
  r->seconds = bl->last_rx - bl->start;
  bench_loop_finish (bl);
}

static inline gboolean
bench_loop_watchdog (gpointer data)
{
  BenchLoop *bl = data;
  double now = bench_now ();

  if (now > bl->deadline)
    bench_loop_fail (bl, "the time limit of %g s passed", bl->p->time_limit);
  else if (bl->sent_at != 0 && now - bl->sent_at > BENCH_LOOP_REPLY_TIMEOUT &&
           !(bl->p->idle > 0 && bl->trips == 0))   /* --idle: round trip 0 waits (bench.h) */
    bench_loop_fail (bl, "no reply to message %" G_GUINT64_FORMAT " within %g s",
                     bl->trips, BENCH_LOOP_REPLY_TIMEOUT);
  else if (bl->seen != NULL && bl->start != 0 && now - bl->last_rx > BENCH_LOOP_UDP_QUIET)
    bench_loop_flood_done (bl);
  return G_SOURCE_CONTINUE;
}

/* Checks the parameters and prepares the run on the thread-default
 * context; FALSE (with the message printed) for a bad parameter. */
static inline gboolean
bench_loop_init (BenchLoop         *bl,
                 const char        *impl,
                 const BenchParams *p)
{
  gboolean pingpong = bench_loop_is_pingpong (p->workload);
  BenchResult init = BENCH_RESULT_INIT;

  memset (bl, 0, sizeof *bl);
  bl->p = p;
  bl->impl = impl;
  bl->status = -1;
  bl->result = init;
  if ((pingpong || p->workload == BENCH_UDP_FLOOD) && p->msg_size < BENCH_LOOP_HEADER)
    {
      bench_fail ("%s: --msg-size must be at least %d", impl, BENCH_LOOP_HEADER);
      return FALSE;
    }
  if (p->write_size == 0)
    {
      bench_fail ("%s: --write-size must be positive", impl);
      return FALSE;
    }

  bench_raise_nofile ();
  bl->loop = g_main_loop_new (NULL, FALSE);
  if (pingpong || p->workload == BENCH_UDP_FLOOD)
    {
      /* The index, then the pattern from the same offset. */
      bl->message = g_malloc (p->msg_size);
      bench_pattern_fill (bl->message, 0, p->msg_size);
    }
  if (pingpong && !p->server)
    bl->latencies = g_new (double, p->count);
  if (p->workload == BENCH_UDP_FLOOD && p->server)
    bl->seen = g_malloc0 (p->count / 8 + 1);
  bl->deadline = bench_now () + p->time_limit;
  bl->watchdog_id = g_timeout_add (BENCH_LOOP_WATCHDOG_MS, bench_loop_watchdog, bl);
  return TRUE;
}

/* Runs the main loop unless the run already ended; prints the result of
 * a run that succeeded. Returns the exit code. */
static inline int
bench_loop_run (BenchLoop *bl)
{
  if (bl->status < 0)
    g_main_loop_run (bl->loop);
  if (bl->status == 0)
    bench_print_result (&bl->result);
  return bl->status;
}

static inline void
bench_loop_clear (BenchLoop *bl)
{
  g_clear_handle_id (&bl->watchdog_id, g_source_remove);
  g_clear_pointer (&bl->loop, g_main_loop_unref);
  g_clear_pointer (&bl->message, g_free);
  g_clear_pointer (&bl->latencies, g_free);
  g_clear_pointer (&bl->seen, g_free);
}

/* Client: the next message, stamped with its round trip and send time;
 * send p->msg_size bytes of it. */
static inline const guint8 *
bench_loop_ping (BenchLoop *bl)
{
  bench_put_u64 (bl->message, bl->trips);
  bl->sent_at = bench_now ();
  return bl->message;
}

/* Client: a reply; checks it and records its round trip. Returns whether
 * to send the next message. At the end it records the end time. */
static inline gboolean
bench_loop_pong (BenchLoop    *bl,
                 const guint8 *reply,
                 gint64        size)
{
  double now = bench_now ();

  if (bl->sent_at == 0 || size != (gint64) bl->p->msg_size ||
      memcmp (reply, bl->message, size) != 0)
    {
      bench_loop_fail (bl, "wrong reply to message %" G_GUINT64_FORMAT, bl->trips);
      return FALSE;
    }
  if (bl->p->idle > 0 && bl->trips == 0)
    bl->start = now;   /* --idle: round trip 0 is not timed (bench.h) */
  bl->latencies[bl->trips++] = (now - bl->sent_at) * 1e6;
  bl->sent_at = 0;
  if (bl->trips < bl->p->count)
    return TRUE;
  bl->end = now;
  return FALSE;
}

/* Client: the round trips are over; the run succeeds. */
static inline void
bench_loop_pingpong_done (BenchLoop *bl)
{
  guint64 untimed = bl->p->idle > 0 && bl->trips > 0 ? 1 : 0;

  bl->result.count = bl->trips;
  bl->result.seconds = bl->end - bl->start;
  bench_percentiles (bl->latencies + untimed, bl->trips - untimed,
                     &bl->result.p50_us, &bl->result.p99_us);
  bench_loop_finish (bl);
}

/* Server: a message to echo; checks its round trip. */
static inline gboolean
bench_loop_echo (BenchLoop    *bl,
                 const guint8 *message,
                 gint64        size)
{
  if (size != (gint64) bl->p->msg_size || bench_get_u64 (message) != bl->trips)
    {
      bench_loop_fail (bl, "wrong message %" G_GUINT64_FORMAT, bl->trips);
      return FALSE;
    }
  bl->trips++;
  return TRUE;
}

/* Client, --idle: opens one connection of the role's kind. */
typedef void (*BenchLoopConnect) (gpointer role);

/* Client: opens the first idle connections, BENCH_IDLE_IN_FLIGHT of
 * them; without --idle, the measured one. */
static inline void
bench_loop_start_client (BenchLoop        *bl,
                         BenchLoopConnect  connect_idle,
                         BenchLoopConnect  connect_measured,
                         gpointer          role)
{
  if (bl->p->idle == 0)
    connect_measured (role);
  for (guint64 i = 0; i < MIN (bl->p->idle, BENCH_IDLE_IN_FLIGHT); i++)
    connect_idle (role);
}

/* Client: an idle connection is up, of @opened so far; opens the next
 * idle one, or after the last the measured one. */
static inline void
bench_loop_idle_connected (BenchLoop        *bl,
                           guint64           opened,
                           BenchLoopConnect  connect_idle,
                           BenchLoopConnect  connect_measured,
                           gpointer          role)
{
  if (++bl->result.held == bl->p->idle)
    connect_measured (role);
  else if (opened < bl->p->idle)
    connect_idle (role);
}

/* Server: whether @conn carries the messages. With --idle the server
 * cannot tell its connections apart before: the first one a message
 * arrives on does. */
static inline gboolean
bench_loop_measured (BenchLoop     *bl,
                     gconstpointer  conn)
{
  if (bl->measured == NULL)
    bl->measured = conn;
  if (conn == bl->measured)
    return TRUE;
  bench_loop_fail (bl, "data on an idle connection");
  return FALSE;
}

/* Server: after each accept, and after the measured connection closed.
 * The run ends once it has and every connection is accepted. */
static inline void
bench_loop_echo_accepted (BenchLoop *bl,
                          guint64    accepted)
{
  if (accepted > bl->p->idle + 1)
    bench_loop_fail (bl, "one connection too many");
  else if (bl->echo_ended && accepted == bl->p->idle + 1)
    {
      bl->result.count = bl->trips;
      bl->result.held = bl->p->idle;
      bench_loop_finish (bl);
    }
}

/* Server: @conn closed with @left bytes unread. The measured one ends
 * the run (with --count 0, any one); an idle one may close once every
 * message is echoed: the client is leaving. */
static inline void
bench_loop_echo_closed (BenchLoop     *bl,
                        gconstpointer  conn,
                        gsize          left,
                        guint64        accepted)
{
  if (bl->trips != bl->p->count || left != 0)
    bench_loop_fail (bl, "%" G_GUINT64_FORMAT " round trips of %" G_GUINT64_FORMAT
                     " and %" G_GSIZE_FORMAT " bytes left", bl->trips, bl->p->count, left);
  else if (bl->measured == NULL || conn == bl->measured)
    {
      bl->echo_ended = TRUE;
      bench_loop_echo_accepted (bl, accepted);
    }
}

/* udp-flood server: counts one datagram; bench_loop_flood_done () checks. */
static inline void
bench_loop_take_datagram (BenchLoop    *bl,
                          const guint8 *data,
                          gint64        n)
{
  guint64 size = bl->p->msg_size;
  guint64 seq;

  if ((guint64) n != size ||
      !bench_pattern_check (data + BENCH_LOOP_HEADER, BENCH_LOOP_HEADER, size - BENCH_LOOP_HEADER) ||
      (seq = bench_get_u64 (data)) >= bl->p->count)
    {
      bl->result.malformed++;
      return;
    }
  if (bl->seen[seq / 8] & (1u << (seq % 8)))
    {
      bl->result.duplicates++;
      return;
    }
  bl->seen[seq / 8] |= 1u << (seq % 8);
  bl->result.count++;
}

/* readline client: bytes [offset, offset + len) of the stream of lines. */
static inline void
bench_loop_fill_lines (guint8  *buf,
                       guint64  offset,
                       gsize    len)
{
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
}

/* Client: p->addr as a host and port, or a Unix socket path (port 0). */
static inline gboolean
bench_loop_server_addr (BenchLoop  *bl,
                        char      **host,
                        guint16    *port)
{
  if (bl->p->addr == NULL || !bench_split_addr (bl->p->addr, host, port))
    {
      bench_loop_fail (bl, "bad address %s", bl->p->addr ? bl->p->addr : "(none)");
      return FALSE;
    }
  return TRUE;
}
