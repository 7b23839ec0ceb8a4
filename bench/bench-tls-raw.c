/* bench-tls-raw.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The `raw` implementation of qsock-bench's TLS workloads (bench.h):
 * GnuTLS, the library under glib-networking and so under qsock and gio,
 * called directly on one blocking socket per connection, with no event
 * loop. It is the limit of the TLS library: servers decrypt into one
 * reused 64 KiB buffer, clients encrypt straight from a precomputed
 * pattern. Blocking calls are bounded by the alarm of the child protocol;
 * a connected socket of tls-pingpong and tls-handshakes also gets a
 * receive timeout of one second, BENCH.md's limit for a reply.
 */

#include "config.h"

#include "bench.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>

#define READ_SIZE     65536
#define REPLY_TIMEOUT 1     /* seconds a pingpong reply may take */

typedef struct {
  const BenchParams                *p;
  gnutls_certificate_credentials_t  credentials;
  char                             *host;    /* client: the server's address */
  struct sockaddr_storage           address;  /* the server's, or the loopback to bind */
  socklen_t                         address_len;
  BenchResult                       r;
} Tls;

static int
tls_fail (const char *what,
          int         code)
{
  return bench_fail ("raw: %s: %s", what, gnutls_strerror (code));
}

static void
set_address (Tls        *t,
             const char *host,
             guint16     port)
{
  struct sockaddr_in *in = (struct sockaddr_in *) &t->address;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &t->address;

  memset (&t->address, 0, sizeof t->address);
  if (inet_pton (AF_INET6, host, &in6->sin6_addr) == 1)
    {
      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons (port);
      t->address_len = sizeof *in6;
    }
  else
    {
      in->sin_family = AF_INET;
      inet_pton (AF_INET, host, &in->sin_addr);
      in->sin_port = htons (port);
      t->address_len = sizeof *in;
    }
}

/* The credentials and, for the client, the server's address. */
static gboolean
tls_init (Tls               *t,
          const BenchParams *p)
{
  g_autofree char *cert = bench_tls_path (p, BENCH_TLS_CERT);
  g_autofree char *key = bench_tls_path (p, BENCH_TLS_KEY);
  g_autofree char *ca = bench_tls_path (p, BENCH_TLS_CA);
  BenchResult init = BENCH_RESULT_INIT;
  guint16 port = 0;
  int ret;

  t->p = p;
  t->r = init;
  gnutls_certificate_allocate_credentials (&t->credentials);
  if (p->server)
    ret = gnutls_certificate_set_x509_key_file (t->credentials, cert, key, GNUTLS_X509_FMT_PEM);
  else
    ret = gnutls_certificate_set_x509_trust_file (t->credentials, ca, GNUTLS_X509_FMT_PEM);
  if (ret < 0)
    return !tls_fail (p->server ? cert : ca, ret);
  if (p->server)
    {
      set_address (t, p->ipv6 ? "::1" : "127.0.0.1", 0);
      return TRUE;
    }
  if (p->addr == NULL || !bench_split_addr (p->addr, &t->host, &port) || port == 0)
    return !bench_fail ("raw: bad --addr %s", p->addr ? p->addr : "(none)");
  set_address (t, t->host, port);
  return TRUE;
}

static void
tls_clear (Tls *t)
{
  gnutls_certificate_free_credentials (t->credentials);
  g_free (t->host);
}

/* tls-pingpong, tls-handshakes: a reply may take a second. */
static void
set_reply_timeout (Tls *t,
                   int  fd)
{
  struct timeval timeout = { REPLY_TIMEOUT, 0 };

  if (bench_tls_low_delay (t->p->workload))
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

/* A blocking socket: connected to the server, or listening (READY
 * printed); -1 on failure. */
static int
open_socket (Tls *t)
{
  int fd = socket (t->address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (fd < 0)
    return -bench_fail ("raw: socket: %s", g_strerror (errno));
  if (bench_tls_low_delay (t->p->workload))
    bench_set_nodelay (fd);
  if (!t->p->server)
    {
      set_reply_timeout (t, fd);
      if (connect (fd, (struct sockaddr *) &t->address, t->address_len) == 0)
        return fd;
      bench_fail ("raw: connect to %s: %s", t->p->addr, g_strerror (errno));
    }
  else if (bind (fd, (struct sockaddr *) &t->address, t->address_len) == 0 &&
           listen (fd, SOMAXCONN) == 0)
    {
      struct sockaddr_storage bound;
      socklen_t len = sizeof bound;
      g_autofree char *ready = NULL;

      getsockname (fd, (struct sockaddr *) &bound, &len);
      ready = bench_format_addr (t->p->ipv6,
                                 ntohs (bound.ss_family == AF_INET6
                                        ? ((struct sockaddr_in6 *) &bound)->sin6_port
                                        : ((struct sockaddr_in *) &bound)->sin_port));
      bench_print_ready (ready);
      return fd;
    }
  else
    bench_fail ("raw: cannot listen: %s", g_strerror (errno));
  close (fd);
  return -1;
}

/* A session on fd that has completed its handshake, or NULL. */
static gnutls_session_t
handshake (Tls *t,
           int  fd)
{
  gnutls_session_t session;
  int ret;

  gnutls_init (&session, t->p->server ? GNUTLS_SERVER : GNUTLS_CLIENT);
  if ((ret = gnutls_priority_set_direct (session, BENCH_TLS_PRIORITY, NULL)) < 0 ||
      (ret = gnutls_credentials_set (session, GNUTLS_CRD_CERTIFICATE, t->credentials)) < 0)
    goto fail;
  if (!t->p->server)
    gnutls_session_set_verify_cert (session, t->host, 0);
  gnutls_transport_set_int (session, fd);
  do
    ret = gnutls_handshake (session);
  while (ret < 0 && !gnutls_error_is_fatal (ret));
  if (ret < 0)
    goto fail;
  if (gnutls_protocol_get_version (session) != GNUTLS_TLS1_3)
    {
      bench_fail ("raw: not TLS 1.3");
      gnutls_deinit (session);
      return NULL;
    }
  return session;

fail:
  tls_fail ("handshake", ret);
  gnutls_deinit (session);
  return NULL;
}

/* Reads up to len bytes; 0 at the peer's close (close_notify or EOF). */
static gssize
recv_some (gnutls_session_t  session,
           guint8           *buf,
           gsize             len)
{
  gssize n;

  do
    n = gnutls_record_recv (session, buf, len);
  while (n == GNUTLS_E_INTERRUPTED);
  return n == GNUTLS_E_PREMATURE_TERMINATION ? 0 : n;
}

static gboolean
recv_all (gnutls_session_t  session,
          guint8           *buf,
          gsize             len)
{
  for (gsize have = 0; have < len;)
    {
      gssize n = recv_some (session, buf + have, len - have);

      if (n <= 0)
        return FALSE;
      have += (gsize) n;
    }
  return TRUE;
}

static gboolean
send_all (gnutls_session_t  session,
          const guint8     *buf,
          gsize             len)
{
  while (len > 0)
    {
      gssize n = gnutls_record_send (session, buf, len);

      if (n == GNUTLS_E_INTERRUPTED || n == GNUTLS_E_AGAIN)
        continue;
      if (n < 0)
        return FALSE;
      buf += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* close_notify, then the socket. */
static void
close_session (gnutls_session_t session,
               int              fd)
{
  gnutls_bye (session, GNUTLS_SHUT_WR);
  gnutls_deinit (session);
  close (fd);
}

/* Server: accepts the one connection of a run and handshakes. */
static gnutls_session_t
accept_session (Tls *t,
                int  listener,
                int *fd)
{
  *fd = accept4 (listener, NULL, NULL, SOCK_CLOEXEC);
  if (*fd < 0)
    {
      bench_fail ("raw: accept: %s", g_strerror (errno));
      return NULL;
    }
  set_reply_timeout (t, *fd);
  return handshake (t, *fd);
}

/* Whether the role counted what it should; if not, the run fails. */
static gboolean
counted (Tls        *t,
         guint64     expected,
         const char *what)
{
  if (t->r.count == expected)
    return TRUE;
  return !bench_fail ("raw: %" G_GUINT64_FORMAT " %s of %" G_GUINT64_FORMAT,
                      t->r.count, what, expected);
}

/* ---- tls-stream --------------------------------------------------------- */

static gboolean
stream_server (Tls              *t,
               gnutls_session_t  session)
{
  g_autofree guint8 *buf = g_malloc (READ_SIZE);
  double start = 0;
  gssize n;

  t->r.count = 0;
  while ((n = recv_some (session, buf, READ_SIZE)) > 0)
    {
      if (start == 0)
        start = bench_now ();
      if (t->r.count + n > t->p->bytes || !bench_pattern_check (buf, t->r.count, n))
        return !bench_fail ("raw: wrong bytes at offset %" G_GUINT64_FORMAT, t->r.count);
      t->r.count += n;
    }
  t->r.seconds = bench_now () - start;
  if (n < 0)
    return !tls_fail ("read", (int) n);
  return counted (t, t->p->bytes, "bytes");
}

static gboolean
stream_client (Tls              *t,
               gnutls_session_t  session)
{
  const BenchParams *p = t->p;
  g_autofree guint8 *pattern = g_malloc (p->write_size + BENCH_PATTERN_PERIOD);

  bench_pattern_fill (pattern, 0, p->write_size + BENCH_PATTERN_PERIOD);
  for (t->r.count = 0; t->r.count < p->bytes;)
    {
      gsize n = MIN (p->write_size, p->bytes - t->r.count);

      if (!send_all (session, pattern + t->r.count % BENCH_PATTERN_PERIOD, n))
        return !bench_fail ("raw: write at offset %" G_GUINT64_FORMAT " failed", t->r.count);
      t->r.count += n;
    }
  return TRUE;
}

/* ---- tls-pingpong ------------------------------------------------------- */

static gboolean
echo_server (Tls              *t,
             gnutls_session_t  session)
{
  gsize size = t->p->msg_size;
  g_autofree guint8 *buf = g_malloc (size);

  for (t->r.count = 0; recv_all (session, buf, size); t->r.count++)
    if (bench_get_u64 (buf) != t->r.count || t->r.count >= t->p->count ||
        !send_all (session, buf, size))
      return !bench_fail ("raw: cannot echo message %" G_GUINT64_FORMAT, t->r.count);
  return counted (t, t->p->count, "round trips");
}

static gboolean
ping_client (Tls              *t,
             gnutls_session_t  session)
{
  const BenchParams *p = t->p;
  g_autofree guint8 *message = g_malloc (p->msg_size);
  g_autofree guint8 *reply = g_malloc (p->msg_size);
  g_autofree double *latencies = g_new (double, MAX (p->count, 1));
  double start = bench_now ();

  bench_pattern_fill (message, 0, p->msg_size);
  for (t->r.count = 0; t->r.count < p->count; t->r.count++)
    {
      double sent_at = bench_now ();

      bench_put_u64 (message, t->r.count);
      if (!send_all (session, message, p->msg_size) ||
          !recv_all (session, reply, p->msg_size) ||
          memcmp (message, reply, p->msg_size) != 0)
        return !bench_fail ("raw: round trip %" G_GUINT64_FORMAT " failed", t->r.count);
      latencies[t->r.count] = (bench_now () - sent_at) * 1e6;
    }
  t->r.seconds = bench_now () - start;
  bench_percentiles (latencies, t->r.count, &t->r.p50_us, &t->r.p99_us);
  return TRUE;
}

/* ---- tls-handshakes ----------------------------------------------------- */

/* Each connection: the handshake, then the server closes first (the
 * client's handshake ends earlier, when it sends its Finished). */
static gboolean
handshakes_server (Tls *t,
                   int  listener)
{
  for (t->r.count = 0; t->r.count < t->p->count; t->r.count++)
    {
      int fd;
      gnutls_session_t session = accept_session (t, listener, &fd);

      if (session == NULL)
        return FALSE;
      close_session (session, fd);
    }
  return TRUE;
}

static gboolean
handshakes_client (Tls *t)
{
  double start = bench_now ();
  guint8 byte;

  for (t->r.count = 0; t->r.count < t->p->count; t->r.count++)
    {
      int fd = open_socket (t);
      gnutls_session_t session = fd >= 0 ? handshake (t, fd) : NULL;

      if (session == NULL)
        return FALSE;
      if (recv_some (session, &byte, 1) != 0)
        return !bench_fail ("raw: data on connection %" G_GUINT64_FORMAT, t->r.count);
      gnutls_deinit (session);
      close (fd);
    }
  t->r.seconds = bench_now () - start;
  return TRUE;
}

/* ---- the run ------------------------------------------------------------ */

static gboolean
run_role (Tls *t)
{
  gboolean stream = t->p->workload == BENCH_TLS_STREAM;
  gnutls_session_t session;
  int listener = -1;
  int fd;
  gboolean ok;

  if (t->p->server)
    {
      if ((listener = open_socket (t)) < 0)
        return FALSE;
      if (t->p->workload == BENCH_TLS_HANDSHAKES)
        ok = handshakes_server (t, listener);
      else if ((ok = (session = accept_session (t, listener, &fd)) != NULL))
        {
          ok = stream ? stream_server (t, session) : echo_server (t, session);
          gnutls_deinit (session);
          close (fd);
        }
      close (listener);
      return ok;
    }
  if (t->p->workload == BENCH_TLS_HANDSHAKES)
    return handshakes_client (t);
  if ((fd = open_socket (t)) < 0 || (session = handshake (t, fd)) == NULL)
    return FALSE;
  ok = stream ? stream_client (t, session) : ping_client (t, session);
  close_session (session, fd);
  return ok;
}

int
bench_tls_raw_main (const BenchParams *p)
{
  Tls t = { NULL };
  gboolean ok;

  if (!bench_workload_is_tls (p->workload))
    {
      printf ("SKIP raw TLS has no workload %s\n", bench_workload_name (p->workload));
      return 2;
    }
  ok = tls_init (&t, p) && run_role (&t);
  if (ok)
    bench_print_result (&t.r);
  tls_clear (&t);
  return ok ? 0 : 1;
}
