/* bench-raw.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The `raw` implementation of qsock-bench: every workload of BENCH.md with
 * plain non-blocking sockets; epoll where a role watches several sockets,
 * poll where it waits on one. tcp-pingpong --idle: both sides watch the
 * idle connections and the measured one in one epoll set (and wait in
 * epoll_wait where the plain pingpong polls its one socket). It is the physical limit the other
 * implementations are measured against: servers read into one reused
 * 64 KiB buffer on readiness, clients write straight from a precomputed
 * pattern. Default socket buffer sizes; TCP_NODELAY on pingpongs only.
 * udp-flood --batch: recvmmsg on the server, sendmmsg on the client.
 *
 * tcp-connections hold phase: once the server has measured VmRSS it closes
 * the held connections; the client waits until each one has reached EOF.
 */

#include "config.h"

#include "bench.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <arpa/inet.h>

#define READ_SIZE      65536
#define MAX_EVENTS     64
#define UDP_BATCH      64
#define REPLY_TIMEOUT  1.0    /* seconds a pingpong reply may take */
#define UDP_IDLE_END   0.5    /* udp-flood server: seconds after the last datagram */
#define LISTENER       G_MAXUINT64  /* epoll data of a listening socket */
#define MEASURED       (G_MAXUINT64 - 1)  /* --idle client: the pingpong connection */
#define NONE           G_MAXUINT64  /* --idle server: no measured connection yet */

typedef struct {
  union {
    struct sockaddr     sa;
    struct sockaddr_in  in;
    struct sockaddr_in6 in6;
    struct sockaddr_un  un;
  } u;
  socklen_t len;
} Addr;

/* ---- sockets and waiting ------------------------------------------------ */

static int
socket_type (BenchWorkload w)
{
  return w == BENCH_UDP_FLOOD || w == BENCH_UDP_PINGPONG ? SOCK_DGRAM : SOCK_STREAM;
}

static gboolean
set_unix_path (Addr       *a,
               const char *path)
{
  if (strlen (path) >= sizeof a->u.un.sun_path)
    return FALSE;
  a->u.un.sun_family = AF_UNIX;
  strcpy (a->u.un.sun_path, path);
  a->len = sizeof a->u.un;
  return TRUE;
}

static void
set_loopback (Addr     *a,
              gboolean  ipv6,
              guint16   port)
{
  if (ipv6)
    {
      a->u.in6.sin6_family = AF_INET6;
      a->u.in6.sin6_addr = in6addr_loopback;
      a->u.in6.sin6_port = htons (port);
      a->len = sizeof a->u.in6;
    }
  else
    {
      a->u.in.sin_family = AF_INET;
      a->u.in.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
      a->u.in.sin_port = htons (port);
      a->len = sizeof a->u.in;
    }
}

static gboolean
parse_addr (const char *text,
            Addr       *a)
{
  g_autofree char *host = NULL;
  guint16 port;

  memset (a, 0, sizeof *a);
  if (text == NULL || !bench_split_addr (text, &host, &port))
    return FALSE;
  if (port == 0)
    return set_unix_path (a, host);
  set_loopback (a, strchr (host, ':') != NULL, port);
  return TRUE;
}

static int
new_socket (int family,
            int type)
{
  return socket (family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

static void
set_nodelay (int fd)
{
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Waits for @events on @fd until @deadline; FALSE when it passes. */
static gboolean
wait_fd (int    fd,
         short  events,
         double deadline)
{
  struct pollfd pfd = { fd, events, 0 };

  for (;;)
    {
      double left = deadline - bench_now ();
      int n;

      if (left <= 0)
        return FALSE;
      n = poll (&pfd, 1, (int) (left * 1000.0) + 1);
      if (n > 0)
        return TRUE;
      if (n < 0 && errno != EINTR)
        return FALSE;
    }
}

/* epoll_wait until @deadline; 0 when it passes, -1 on error. */
static int
wait_events (int                 ep,
             struct epoll_event *events,
             double              deadline)
{
  for (;;)
    {
      double left = deadline - bench_now ();
      int n;

      if (left <= 0)
        return 0;
      n = epoll_wait (ep, events, MAX_EVENTS, (int) (left * 1000.0) + 1);
      if (n != 0 && !(n < 0 && errno == EINTR))
        return n;
    }
}

static void
epoll_watch (int     ep,
             int     fd,
             guint32 events,
             guint64 data)
{
  struct epoll_event ev = { .events = events, .data.u64 = data };

  epoll_ctl (ep, EPOLL_CTL_ADD, fd, &ev);
}

/* Binds (and for streams listens on) the server socket, prints READY. */
static int
server_socket (const BenchParams *p,
               int                type)
{
  g_autofree char *text = NULL;
  Addr a = { 0 };
  int fd;

  if (bench_workload_is_local (p->workload))
    {
      g_autofree char *path = NULL;

      if (p->dir == NULL)
        return -bench_fail ("raw: a local workload needs --dir");
      path = g_build_filename (p->dir, "raw.sock", NULL);
      if (!set_unix_path (&a, path))
        return -bench_fail ("raw: socket path too long: %s", path);
      text = g_steal_pointer (&path);
    }
  else
    set_loopback (&a, p->ipv6, 0);

  fd = new_socket (a.u.sa.sa_family, socket_type (p->workload));
  if (fd < 0 || bind (fd, &a.u.sa, a.len) < 0 ||
      (socket_type (p->workload) == SOCK_STREAM && listen (fd, SOMAXCONN) < 0))
    return -bench_fail ("raw: cannot listen: %s", g_strerror (errno));

  if (text == NULL)
    {
      a.len = sizeof a.u;
      getsockname (fd, &a.u.sa, &a.len);
      text = bench_format_addr (p->ipv6,
                                ntohs (p->ipv6 ? a.u.in6.sin6_port : a.u.in.sin_port));
    }
  bench_print_ready (text);
  return fd;
}

/* Connects a new socket to p->addr; waits until connected. */
static int
client_socket (const BenchParams *p,
               double             deadline)
{
  Addr a;
  int fd;
  int err = 0;
  socklen_t err_len = sizeof err;

  if (!parse_addr (p->addr, &a))
    return -bench_fail ("raw: bad --addr %s", p->addr ? p->addr : "(none)");
  fd = new_socket (a.u.sa.sa_family, socket_type (p->workload));
  if (fd < 0)
    return -bench_fail ("raw: socket: %s", g_strerror (errno));
  if (connect (fd, &a.u.sa, a.len) == 0)
    return fd;
  if (errno != EINPROGRESS)
    err = errno;
  else if (!wait_fd (fd, POLLOUT, deadline))
    err = ETIMEDOUT;
  else
    getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err != 0)
    {
      close (fd);
      return -bench_fail ("raw: connect to %s: %s", p->addr, g_strerror (err));
    }
  return fd;
}

/* Accepts one connection on @listener (waiting until @deadline). */
static int
accept_one (int    listener,
            double deadline)
{
  for (;;)
    {
      int fd = accept4 (listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
        return fd;
      if (!wait_fd (listener, POLLIN, deadline))
        return -1;
    }
}

/* An epoll server's listener is ready: the connection it accepts, -1 if
 * none was there after all, or -2 (the run failed) for one more than
 * the @max the server expects. */
static int
accept_ready (int     listener,
              guint64 accepted,
              guint64 max)
{
  int fd = accept4 (listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

  if (fd >= 0 && accepted == max)
    {
      close (fd);
      bench_fail ("raw: one connection too many");
      return -2;
    }
  return fd;
}

/* Writes all of @buf to a non-blocking socket, waiting for room. */
static gboolean
send_all (int           fd,
          const guint8 *buf,
          gsize         len,
          double        deadline)
{
  while (len > 0)
    {
      ssize_t n = send (fd, buf, len, MSG_NOSIGNAL);

      if (n > 0)
        {
          buf += n;
          len -= (gsize) n;
        }
      else if (n < 0 && errno == EAGAIN)
        {
          if (!wait_fd (fd, POLLOUT, deadline))
            return FALSE;
        }
      else if (!(n < 0 && errno == EINTR))
        return FALSE;
    }
  return TRUE;
}

/* Waits until @fd is readable: with poll, or with --idle through @ep,
 * which holds @fd as MEASURED and the idle connections, any event on
 * which fails. */
static gboolean
wait_readable (int    fd,
               int    ep,
               double deadline)
{
  struct epoll_event events[MAX_EVENTS];
  int n;

  if (ep < 0)
    return wait_fd (fd, POLLIN, deadline);
  n = wait_events (ep, events, deadline);
  for (int i = 0; i < n; i++)
    if (events[i].data.u64 != MEASURED)
      return !bench_fail ("raw: data or EOF on an idle connection");
  return n > 0;
}

/* Reads one datagram, or for a stream exactly @len bytes, until @deadline.
 * Returns the bytes read, or -1 (error, EOF, deadline). */
static gssize
recv_reply (int     fd,
            int     ep,
            guint8 *buf,
            gsize   len,
            gboolean datagram,
            double  deadline)
{
  gsize have = 0;

  while (have < len)
    {
      ssize_t n = recv (fd, buf + have, datagram ? len : len - have, 0);

      if (n > 0)
        {
          if (datagram)
            return n;
          have += (gsize) n;
        }
      else if (n < 0 && errno == EAGAIN)
        {
          if (!wait_readable (fd, ep, deadline))
            return -1;
        }
      else if (!(n < 0 && errno == EINTR))
        return -1;
    }
  return (gssize) have;
}

/* ---- tcp-stream, local-stream, tcp-fanin, readline ---------------------- */

typedef struct {
  int      fd;
  guint64  offset;    /* stream bytes sent or checked */
  guint64  lines;     /* readline server: lines checked */
  guint8  *buf;       /* readline: a partial line, then what was read */
  gsize    have;      /* readline server: bytes in buf */
  const guint8 *chunk;  /* client: what is left of the current write */
  gsize    chunk_len;
} StreamConn;

static gboolean
is_lines (const BenchParams *p)
{
  return p->workload == BENCH_READLINE;
}

static guint64
stream_conns (const BenchParams *p)
{
  return p->workload == BENCH_TCP_FANIN ? p->conns : 1;
}

static guint64
stream_total (const BenchParams *p)
{
  return is_lines (p) ? p->count * BENCH_LINE_LEN : p->bytes;
}

/* Checks every whole line in c->buf[0..c->have), keeps a partial one. */
static gboolean
check_lines (StreamConn        *c,
             const BenchParams *p)
{
  guint8 *start = c->buf;
  guint8 *end = c->buf + c->have;
  guint8 *nl;

  while ((nl = memchr (start, '\n', (gsize) (end - start))) != NULL)
    {
      if (c->lines >= p->count ||
          !bench_line_check ((const char *) start, (gsize) (nl + 1 - start), c->lines))
        return FALSE;
      c->lines++;
      start = nl + 1;
    }
  c->have = (gsize) (end - start);
  if (c->have >= BENCH_LINE_LEN)
    return FALSE;
  memmove (c->buf, start, c->have);
  return TRUE;
}

/* Reads what is ready on @c. Returns 1 at EOF, 0 for more, -1 on error. */
static int
stream_read (StreamConn        *c,
             const BenchParams *p,
             guint8            *buf)
{
  for (;;)
    {
      guint8 *into = is_lines (p) ? c->buf + c->have : buf;
      gsize room = is_lines (p) ? READ_SIZE - c->have : READ_SIZE;
      ssize_t n = read (c->fd, into, room);

      if (n > 0)
        {
          if (is_lines (p))
            {
              c->have += (gsize) n;
              if (!check_lines (c, p))
                return -bench_fail ("raw: bad line %" G_GUINT64_FORMAT, c->lines);
            }
          else if (c->offset + (guint64) n > p->bytes ||
                   !bench_pattern_check (into, c->offset, (gsize) n))
            return -bench_fail ("raw: bad stream data at %" G_GUINT64_FORMAT, c->offset);
          c->offset += (guint64) n;
          if ((gsize) n < room)
            return 0;
        }
      else if (n == 0)
        {
          if (c->offset != stream_total (p) || c->have != 0)
            return -bench_fail ("raw: EOF after %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                               " bytes", c->offset, stream_total (p));
          return 1;
        }
      else if (errno == EAGAIN)
        return 0;
      else if (errno != EINTR)
        return -bench_fail ("raw: read: %s", g_strerror (errno));
    }
}

static int
stream_server (const BenchParams *p)
{
  struct epoll_event events[MAX_EVENTS];
  guint64 n_conns = stream_conns (p);
  g_autofree StreamConn *conns = g_new0 (StreamConn, n_conns);
  g_autofree guint8 *buf = g_malloc (READ_SIZE);
  BenchResult r = BENCH_RESULT_INIT;
  double deadline = bench_now () + p->time_limit;
  double start = -1;
  guint64 accepted = 0;
  guint64 finished = 0;
  int listener;
  int ep;

  listener = server_socket (p, SOCK_STREAM);
  if (listener < 0)
    return 1;
  ep = epoll_create1 (EPOLL_CLOEXEC);
  epoll_watch (ep, listener, EPOLLIN, LISTENER);

  while (finished < n_conns)
    {
      int n = wait_events (ep, events, deadline);

      if (n <= 0)
        return bench_fail ("raw: server timed out after %" G_GUINT64_FORMAT " of %"
                           G_GUINT64_FORMAT " connections", finished, n_conns);
      for (int i = 0; i < n; i++)
        {
          guint64 id = events[i].data.u64;
          StreamConn *c;
          int status;

          if (id == LISTENER)
            {
              int fd = accept_ready (listener, accepted, n_conns);

              if (fd == -2)
                return 1;
              if (fd < 0)
                continue;
              if (start < 0 && p->workload == BENCH_TCP_FANIN)
                start = bench_now ();
              conns[accepted].fd = fd;
              if (is_lines (p))
                conns[accepted].buf = g_malloc (READ_SIZE);
              epoll_watch (ep, fd, EPOLLIN, accepted);
              accepted++;
              continue;
            }
          c = &conns[id];
          if (start < 0)
            start = bench_now ();
          status = stream_read (c, p, buf);
          if (status < 0)
            return 1;
          if (status > 0)
            {
              close (c->fd);
              g_free (c->buf);
              r.count += is_lines (p) ? c->lines : c->offset;
              finished++;
            }
        }
    }
  r.seconds = bench_now () - start;
  close (listener);
  close (ep);
  bench_print_result (&r);
  return 0;
}

/* Points c->chunk at the next write of the stream. */
static void
next_chunk (StreamConn        *c,
            const BenchParams *p,
            const guint8      *pattern)
{
  gsize len = (gsize) MIN (p->write_size, stream_total (p) - c->offset);

  if (!is_lines (p))
    {
      c->chunk = pattern + c->offset % BENCH_PATTERN_PERIOD;
      c->chunk_len = len;
      return;
    }
  for (gsize done = 0; done < len;)
    {
      guint64 at = c->offset + done;
      guint64 k = at / BENCH_LINE_LEN;
      gsize skip = (gsize) (at % BENCH_LINE_LEN);
      gsize n = MIN (BENCH_LINE_LEN - skip, len - done);
      char line[BENCH_LINE_LEN];

      bench_line_fill (line, k);
      memcpy (c->buf + done, line + skip, n);
      done += n;
    }
  c->chunk = c->buf;
  c->chunk_len = len;
}

/* Writes on @c until the socket is full. 1 when all is sent, 0 for more,
 * -1 on error. */
static int
stream_write (StreamConn        *c,
              const BenchParams *p,
              const guint8      *pattern)
{
  while (c->offset < stream_total (p))
    {
      ssize_t n;

      if (c->chunk_len == 0)
        next_chunk (c, p, pattern);
      n = send (c->fd, c->chunk, c->chunk_len, MSG_NOSIGNAL);
      if (n > 0)
        {
          c->chunk += n;
          c->chunk_len -= (gsize) n;
          c->offset += (guint64) n;
        }
      else if (n < 0 && errno == EAGAIN)
        return 0;
      else if (!(n < 0 && errno == EINTR))
        return -bench_fail ("raw: send: %s", g_strerror (errno));
    }
  return 1;
}

static int
stream_client (const BenchParams *p)
{
  struct epoll_event events[MAX_EVENTS];
  guint64 n_conns = stream_conns (p);
  g_autofree StreamConn *conns = g_new0 (StreamConn, n_conns);
  g_autofree guint8 *pattern = NULL;
  BenchResult r = BENCH_RESULT_INIT;
  double start = bench_now ();
  double deadline = start + p->time_limit;
  guint64 finished = 0;
  int ep;

  if (p->write_size == 0)
    return bench_fail ("raw: --write-size must be positive");
  pattern = g_malloc (p->write_size + BENCH_PATTERN_PERIOD);
  bench_pattern_fill (pattern, 0, p->write_size + BENCH_PATTERN_PERIOD);
  ep = epoll_create1 (EPOLL_CLOEXEC);
  for (guint64 i = 0; i < n_conns; i++)
    {
      conns[i].fd = client_socket (p, deadline);
      if (conns[i].fd < 0)
        return 1;
      if (is_lines (p))
        conns[i].buf = g_malloc (p->write_size);
      epoll_watch (ep, conns[i].fd, EPOLLOUT, i);
    }

  while (finished < n_conns)
    {
      int n = wait_events (ep, events, deadline);

      if (n <= 0)
        return bench_fail ("raw: client timed out");
      for (int i = 0; i < n; i++)
        {
          StreamConn *c = &conns[events[i].data.u64];
          int status = stream_write (c, p, pattern);

          if (status < 0)
            return 1;
          if (status > 0)
            {
              close (c->fd);
              g_free (c->buf);
              r.count += is_lines (p) ? c->offset / BENCH_LINE_LEN : c->offset;
              finished++;
            }
        }
    }
  r.seconds = bench_now () - start;
  close (ep);
  bench_print_result (&r);
  return 0;
}

/* ---- tcp-pingpong, local-pingpong, udp-pingpong ------------------------- */

/* A pingpong server's connection and the messages it has read. */
typedef struct {
  int     fd;
  guint8 *buf;
  gsize   size;
  gsize   have;   /* bytes of a message not yet whole */
} Echo;

typedef enum { ECHO_AGAIN, ECHO_EOF, ECHO_FAILED } EchoStatus;

/* Reads from e->fd and echoes each whole message, until the socket has
 * nothing more (ECHO_AGAIN) or reaches EOF. */
static EchoStatus
echo_ready (Echo              *e,
            BenchResult       *r,
            const BenchParams *p,
            double             deadline)
{
  for (;;)
    {
      ssize_t n = read (e->fd, e->buf + e->have, e->size - e->have);

      if (n > 0)
        {
          gsize whole;

          e->have += (gsize) n;
          whole = e->have / p->msg_size * p->msg_size;
          r->count += whole / p->msg_size;
          if (r->count > p->count || !send_all (e->fd, e->buf, whole, deadline))
            {
              bench_fail ("raw: cannot echo message %" G_GUINT64_FORMAT, r->count);
              return ECHO_FAILED;
            }
          e->have -= whole;
          memmove (e->buf, e->buf + whole, e->have);
        }
      else if (n == 0)
        return ECHO_EOF;
      else if (errno == EAGAIN)
        return ECHO_AGAIN;
      else if (errno != EINTR)
        {
          bench_fail ("raw: read: %s", g_strerror (errno));
          return ECHO_FAILED;
        }
    }
}

/* The server's result, once the measured connection reached EOF. */
static int
echo_end (const BenchParams *p,
          BenchResult       *r,
          const Echo        *e)
{
  if (r->count != p->count || e->have != 0)
    return bench_fail ("raw: echoed %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                       " messages", r->count, p->count);
  bench_print_result (r);
  return 0;
}

static gsize
echo_size (const BenchParams *p)
{
  return (gsize) MAX (READ_SIZE, 2 * p->msg_size);
}

static int
pingpong_stream_server (const BenchParams *p)
{
  BenchResult r = BENCH_RESULT_INIT;
  double deadline = bench_now () + p->time_limit;
  g_autofree guint8 *buf = g_malloc (echo_size (p));
  Echo e = { -1, buf, echo_size (p), 0 };
  EchoStatus status;
  int listener;

  if (p->msg_size == 0)
    return bench_fail ("raw: --msg-size must be positive");
  listener = server_socket (p, SOCK_STREAM);
  if (listener < 0)
    return 1;
  e.fd = accept_one (listener, deadline);
  close (listener);
  if (e.fd < 0)
    return bench_fail ("raw: no connection");
  if (p->workload == BENCH_TCP_PINGPONG)
    set_nodelay (e.fd);

  while ((status = echo_ready (&e, &r, p, deadline)) == ECHO_AGAIN)
    if (!wait_fd (e.fd, POLLIN, deadline))
      return bench_fail ("raw: server timed out");
  if (status == ECHO_FAILED)
    return 1;
  close (e.fd);
  return echo_end (p, &r, &e);
}

static gboolean
idle_server_done (EchoStatus status,
                  guint64    accepted,
                  guint64    total)
{
  return status == ECHO_FAILED || (status == ECHO_EOF && accepted == total);
}

/* tcp-pingpong --idle: every connection in one epoll set; the first one
 * a message arrives on is the measured one. The run ends once it has
 * reached EOF (with --count 0, once any has) and all are accepted. */
static int
pingpong_idle_server (const BenchParams *p)
{
  struct epoll_event events[MAX_EVENTS];
  BenchResult r = BENCH_RESULT_INIT;
  double deadline = bench_now () + p->time_limit;
  guint64 total = p->idle + 1;
  g_autofree int *fds = g_new (int, total);
  g_autofree guint8 *buf = g_malloc (echo_size (p));
  Echo e = { -1, buf, echo_size (p), 0 };
  EchoStatus status = ECHO_AGAIN;
  guint64 accepted = 0;
  guint64 measured = NONE;
  int listener;
  int ep;

  bench_raise_nofile ();
  listener = server_socket (p, SOCK_STREAM);
  if (listener < 0)
    return 1;
  ep = epoll_create1 (EPOLL_CLOEXEC);
  epoll_watch (ep, listener, EPOLLIN, LISTENER);

  while (!idle_server_done (status, accepted, total))
    {
      int n = wait_events (ep, events, deadline);

      if (n <= 0)
        return bench_fail ("raw: server timed out after %" G_GUINT64_FORMAT " accepts, %"
                           G_GUINT64_FORMAT " messages", accepted, r.count);
      for (int i = 0; i < n && !idle_server_done (status, accepted, total); i++)
        {
          guint64 id = events[i].data.u64;
          char byte;

          if (id == LISTENER)
            {
              int fd = accept_ready (listener, accepted, total);

              if (fd == -2)
                return 1;
              if (fd < 0)
                continue;
              set_nodelay (fd);
              fds[accepted] = fd;
              epoll_watch (ep, fd, EPOLLIN, accepted++);
            }
          else if (measured != NONE && id != measured)
            {
              /* Only an EOF after the last message: the client is leaving. */
              if (r.count != p->count || read (fds[id], &byte, 1) != 0)
                return bench_fail ("raw: data or EOF on an idle connection");
              epoll_ctl (ep, EPOLL_CTL_DEL, fds[id], NULL);
            }
          else
            {
              measured = id;
              e.fd = fds[id];
              status = echo_ready (&e, &r, p, deadline);
              if (status == ECHO_EOF)
                epoll_ctl (ep, EPOLL_CTL_DEL, e.fd, NULL);
            }
        }
    }
  for (guint64 i = 0; i < accepted; i++)
    close (fds[i]);
  close (listener);
  close (ep);
  if (status == ECHO_FAILED)
    return 1;
  r.held = p->idle;
  return echo_end (p, &r, &e);
}

static int
pingpong_udp_server (const BenchParams *p)
{
  BenchResult r = BENCH_RESULT_INIT;
  double deadline = bench_now () + p->time_limit;
  g_autofree guint8 *buf = g_malloc (READ_SIZE);
  int fd = server_socket (p, SOCK_DGRAM);

  if (fd < 0)
    return 1;
  while (r.count < p->count)
    {
      Addr from;
      ssize_t n;

      from.len = sizeof from.u;
      n = recvfrom (fd, buf, READ_SIZE, 0, &from.u.sa, &from.len);
      if (n >= 0)
        {
          if (sendto (fd, buf, (gsize) n, 0, &from.u.sa, from.len) != n)
            return bench_fail ("raw: cannot echo datagram %" G_GUINT64_FORMAT, r.count);
          r.count++;
        }
      else if (errno == EAGAIN)
        {
          if (!wait_fd (fd, POLLIN, deadline))
            return bench_fail ("raw: server timed out");
        }
      else if (errno != EINTR)
        return bench_fail ("raw: recvfrom: %s", g_strerror (errno));
    }
  close (fd);
  bench_print_result (&r);
  return 0;
}

static int
pingpong_client (const BenchParams *p)
{
  gboolean datagram = p->workload == BENCH_UDP_PINGPONG;
  BenchResult r = BENCH_RESULT_INIT;
  double start = bench_now ();
  double deadline = start + p->time_limit;
  g_autofree guint8 *msg = NULL;
  g_autofree guint8 *reply = NULL;
  g_autofree double *samples = NULL;
  g_autofree int *idle = g_new (int, MAX (p->idle, 1));
  guint64 untimed;
  int ep = -1;
  int fd;

  if (p->msg_size < 8)
    return bench_fail ("raw: --msg-size must be at least 8");
  if (p->idle > 0)
    {
      /* One at a time: each connect waits for its own completion. */
      bench_raise_nofile ();
      ep = epoll_create1 (EPOLL_CLOEXEC);
      for (r.held = 0; r.held < p->idle; r.held++)
        {
          idle[r.held] = client_socket (p, deadline);
          if (idle[r.held] < 0)
            return 1;
          epoll_watch (ep, idle[r.held], EPOLLIN, r.held);
        }
    }
  fd = client_socket (p, deadline);
  if (fd < 0)
    return 1;
  if (p->workload == BENCH_TCP_PINGPONG)
    set_nodelay (fd);
  if (ep >= 0)
    epoll_watch (ep, fd, EPOLLIN, MEASURED);
  msg = g_malloc (p->msg_size);
  reply = g_malloc (p->msg_size + 1);
  samples = g_new (double, MAX (p->count, 1));
  bench_pattern_fill (msg, 0, p->msg_size);

  start = bench_now ();
  for (guint64 i = 0; i < p->count; i++)
    {
      double t = bench_now ();
      /* --idle: round trip 0 waits for the server's accepts (bench.h). */
      double until = p->idle > 0 && i == 0 ? deadline : MIN (t + REPLY_TIMEOUT, deadline);

      bench_put_u64 (msg, i);
      if (!send_all (fd, msg, p->msg_size, until) ||
          recv_reply (fd, ep, reply, datagram ? p->msg_size + 1 : p->msg_size,
                      datagram, until) != (gssize) p->msg_size ||
          memcmp (msg, reply, p->msg_size) != 0)
        return bench_fail ("raw: round trip %" G_GUINT64_FORMAT " failed", i);
      samples[i] = (bench_now () - t) * 1e6;
      if (p->idle > 0 && i == 0)
        start = bench_now ();
    }
  r.seconds = bench_now () - start;
  r.count = p->count;
  untimed = p->idle > 0 && p->count > 0 ? 1 : 0;
  bench_percentiles (samples + untimed, p->count - untimed, &r.p50_us, &r.p99_us);
  close (fd);
  for (guint64 i = 0; i < r.held; i++)
    close (idle[i]);
  if (ep >= 0)
    close (ep);
  bench_print_result (&r);
  return 0;
}

/* ---- udp-flood ---------------------------------------------------------- */

typedef struct {
  const BenchParams *p;
  guint8            *seen;    /* one bit per sequence number */
  BenchResult        r;
} Flood;

static void
flood_record (Flood        *f,
              const guint8 *d,
              gsize         len)
{
  guint64 seq;

  if (len != f->p->msg_size || !bench_pattern_check (d + 8, 8, len - 8) ||
      (seq = bench_get_u64 (d)) >= f->p->count)
    f->r.malformed++;
  else if (f->seen[seq / 8] & (1u << (seq % 8)))
    f->r.duplicates++;
  else
    {
      f->seen[seq / 8] |= (guint8) (1u << (seq % 8));
      f->r.count++;
    }
}

/* Reads every datagram queued on @fd. FALSE on a socket error. */
static gboolean
flood_drain (Flood  *f,
             int     fd,
             guint8 *buf)
{
  gsize slot = f->p->msg_size + 1;   /* a longer datagram shows as malformed */
  struct mmsghdr msgs[UDP_BATCH];
  struct iovec iov[UDP_BATCH];

  if (f->p->batch)
    for (int i = 0; i < UDP_BATCH; i++)
      {
        iov[i] = (struct iovec) { buf + i * slot, slot };
        msgs[i] = (struct mmsghdr) { .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
      }

  while (f->r.count < f->p->count)
    {
      int n = f->p->batch ? recvmmsg (fd, msgs, UDP_BATCH, MSG_DONTWAIT, NULL)
                          : (int) recv (fd, buf, READ_SIZE, 0);

      if (n < 0)
        return errno == EAGAIN || errno == EINTR;
      if (!f->p->batch)
        flood_record (f, buf, (gsize) n);
      else
        for (int i = 0; i < n; i++)
          flood_record (f, iov[i].iov_base, msgs[i].msg_len);
    }
  return TRUE;
}

static int
flood_server (const BenchParams *p)
{
  Flood f = { p, NULL, BENCH_RESULT_INIT };
  double deadline = bench_now () + p->time_limit;
  double first = -1;
  double last = -1;
  g_autofree guint8 *seen = NULL;
  g_autofree guint8 *buf = NULL;
  int fd;

  if (p->msg_size < 8)
    return bench_fail ("raw: --msg-size must be at least 8");
  fd = server_socket (p, SOCK_DGRAM);
  if (fd < 0)
    return 1;
  f.seen = seen = g_malloc0 (p->count / 8 + 1);
  buf = g_malloc (MAX (READ_SIZE, UDP_BATCH * (p->msg_size + 1)));

  while (f.r.count < p->count)
    {
      double until = first < 0 ? deadline : MIN (deadline, last + UDP_IDLE_END);

      if (!wait_fd (fd, POLLIN, until))
        {
          if (first < 0 || bench_now () >= deadline)
            return bench_fail ("raw: server timed out");
          break;    /* 500 ms without a datagram: the rest is lost */
        }
      if (first < 0)
        first = bench_now ();
      if (!flood_drain (&f, fd, buf))
        return bench_fail ("raw: recv: %s", g_strerror (errno));
      last = bench_now ();
    }
  close (fd);
  f.r.seconds = last - first;
  bench_print_result (&f.r);
  return 0;
}

/* Sends until the kernel takes it: retries on EAGAIN (waiting for room)
 * and ENOBUFS (spinning) until @deadline. */
static gboolean
flood_retry (int    fd,
             double deadline)
{
  if (errno == EAGAIN)
    return wait_fd (fd, POLLOUT, deadline);
  return (errno == ENOBUFS || errno == EINTR) && bench_now () < deadline;
}

static int
flood_client (const BenchParams *p)
{
  BenchResult r = BENCH_RESULT_INIT;
  double start = bench_now ();
  double deadline = start + p->time_limit;
  struct mmsghdr msgs[UDP_BATCH];
  struct iovec iov[UDP_BATCH];
  int batch = p->batch ? UDP_BATCH : 1;
  g_autofree guint8 *buf = NULL;
  int fd;

  if (p->msg_size < 8)
    return bench_fail ("raw: --msg-size must be at least 8");
  fd = client_socket (p, deadline);
  if (fd < 0)
    return 1;
  buf = g_malloc ((gsize) batch * p->msg_size);
  for (int i = 0; i < batch; i++)
    {
      bench_pattern_fill (buf + i * p->msg_size, 0, p->msg_size);
      iov[i] = (struct iovec) { buf + i * p->msg_size, p->msg_size };
      msgs[i] = (struct mmsghdr) { .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
    }

  start = bench_now ();
  while (r.count < p->count)
    {
      int k = (int) MIN ((guint64) batch, p->count - r.count);
      int sent;

      for (int i = 0; i < k; i++)
        bench_put_u64 (iov[i].iov_base, r.count + (guint64) i);
      sent = p->batch ? sendmmsg (fd, msgs, (unsigned) k, 0)
                      : (send (fd, buf, p->msg_size, 0) < 0 ? -1 : 1);
      if (sent > 0)
        r.count += (guint64) sent;
      else if (!flood_retry (fd, deadline))
        return bench_fail ("raw: send datagram %" G_GUINT64_FORMAT ": %s",
                           r.count, g_strerror (errno));
    }
  r.seconds = bench_now () - start;
  close (fd);
  bench_print_result (&r);
  return 0;
}

/* ---- tcp-connections ---------------------------------------------------- */

static int
connections_server (const BenchParams *p)
{
  struct epoll_event events[MAX_EVENTS];
  BenchResult r = BENCH_RESULT_INIT;
  double deadline = bench_now () + p->time_limit;
  guint64 total = p->count + p->conns;
  g_autofree int *fds = g_new (int, MAX (total, 1));
  guint64 accepted = 0;
  guint64 closed = 0;
  gint64 rss_before = 0;
  int listener;
  int ep;

  bench_raise_nofile ();
  listener = server_socket (p, SOCK_STREAM);
  if (listener < 0)
    return 1;
  ep = epoll_create1 (EPOLL_CLOEXEC);
  epoll_watch (ep, listener, EPOLLIN, LISTENER);

  while (closed < p->count || r.held < p->conns)
    {
      /* The iteration after the last accept ends with the measurement. */
      gboolean measure = accepted == total && r.held == 0 && p->conns > 0;
      int n = measure ? epoll_wait (ep, events, MAX_EVENTS, 0)
                      : wait_events (ep, events, deadline);

      if (n < 0 || (n == 0 && !measure))
        return bench_fail ("raw: server timed out after %" G_GUINT64_FORMAT
                           " accepts, %" G_GUINT64_FORMAT " closes", accepted, closed);
      for (int i = 0; i < n; i++)
        {
          guint64 id = events[i].data.u64;
          char byte;

          if (id == LISTENER)
            {
              int fd;

              if (accepted == p->count)
                rss_before = bench_rss_kb ();
              fd = accept_ready (listener, accepted, total);
              if (fd == -2)
                return 1;
              if (fd < 0)
                continue;
              fds[accepted] = fd;
              epoll_watch (ep, fd, EPOLLIN, accepted++);
            }
          else if (id < p->count && read (fds[id], &byte, 1) == 0)
            {
              close (fds[id]);    /* the client closed a sequential one */
              closed++;
            }
          else
            return bench_fail ("raw: unexpected data or EOF on connection %"
                               G_GUINT64_FORMAT, id);
        }
      if (measure)
        {
          r.rss_kb = MAX (bench_rss_kb () - rss_before, 0);
          for (guint64 i = p->count; i < total; i++)
            close (fds[i]);
          r.held = p->conns;
        }
    }
  close (listener);
  close (ep);
  r.count = p->count;
  bench_print_result (&r);
  return 0;
}

static int
connections_client (const BenchParams *p)
{
  struct epoll_event events[MAX_EVENTS];
  BenchResult r = BENCH_RESULT_INIT;
  double start = bench_now ();
  double deadline = start + p->time_limit;
  g_autofree int *held = g_new (int, MAX (p->conns, 1));
  int ep;

  bench_raise_nofile ();
  for (r.count = 0; r.count < p->count; r.count++)
    {
      int fd = client_socket (p, deadline);

      if (fd < 0)
        return 1;
      close (fd);
    }
  r.seconds = bench_now () - start;

  ep = epoll_create1 (EPOLL_CLOEXEC);
  for (guint64 i = 0; i < p->conns; i++)
    {
      held[i] = client_socket (p, deadline);
      if (held[i] < 0)
        return 1;
      epoll_watch (ep, held[i], EPOLLIN, i);
    }
  /* The server closes the held connections once it has measured. */
  while (r.held < p->conns)
    {
      int n = wait_events (ep, events, deadline);

      if (n <= 0)
        return bench_fail ("raw: client timed out with %" G_GUINT64_FORMAT
                           " of %" G_GUINT64_FORMAT " held connections closed",
                           r.held, p->conns);
      for (int i = 0; i < n; i++)
        {
          int fd = held[events[i].data.u64];
          char byte;

          if (read (fd, &byte, 1) != 0)
            return bench_fail ("raw: data or error on a held connection");
          close (fd);
          r.held++;
        }
    }
  close (ep);
  bench_print_result (&r);
  return 0;
}

int
bench_raw_main (const BenchParams *p)
{
  switch (p->workload)
    {
    case BENCH_TCP_STREAM:
    case BENCH_LOCAL_STREAM:
    case BENCH_TCP_FANIN:
    case BENCH_READLINE:
      return p->server ? stream_server (p) : stream_client (p);
    case BENCH_TCP_PINGPONG:
    case BENCH_LOCAL_PINGPONG:
      if (p->server && p->idle > 0)
        return pingpong_idle_server (p);
      return p->server ? pingpong_stream_server (p) : pingpong_client (p);
    case BENCH_UDP_PINGPONG:
      return p->server ? pingpong_udp_server (p) : pingpong_client (p);
    case BENCH_UDP_FLOOD:
      return p->server ? flood_server (p) : flood_client (p);
    case BENCH_TCP_CONNECTIONS:
      return p->server ? connections_server (p) : connections_client (p);
    case BENCH_N_WORKLOADS:
    default:
      break;
    }
  printf ("SKIP raw has no workload %d\n", (int) p->workload);
  return 2;
}
