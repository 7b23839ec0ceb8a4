/* bench.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The contract between qsock-bench's driver (qsock-bench.c), its shared
 * helpers (bench-common.c) and the in-process implementations of the
 * workloads of BENCH.md (bench-raw.c, bench-qsock.c, bench-gio.c).
 *
 * Child protocol (every peer, in-process or not, follows it):
 *
 *   PEER --impl NAME --role server WORKLOAD OPTIONS [--dir DIR]
 *   PEER --impl NAME --role client WORKLOAD OPTIONS --addr ADDR
 *
 * OPTIONS are always passed explicitly by the driver, in bytes/counts:
 *   --bytes N --write-size W --msg-size S --count M --conns C
 *   --time-limit SECONDS [--ipv6] [--batch] [--tls-dir DIR] [--idle N]
 *
 * ADDR is "127.0.0.1:PORT", "[::1]:PORT" (with --ipv6) or, for the local
 * workloads, the path of a Unix socket that the server created inside DIR
 * (a mkdtemp directory the driver made and removes).
 *
 * The server prints "READY ADDR\n" once it listens (or, for UDP, once it is
 * bound), serves exactly one run, prints "RESULT {json}\n" and exits 0.
 * The client connects to ADDR, runs, prints "RESULT {json}\n", exits 0.
 * Any count mismatch, protocol error or missed deadline: a message on
 * stderr and exit 1. The JSON members are those of BenchResult.
 *
 * Payloads (so that every implementation moves and checks the same bytes):
 * - streams (tcp-stream, local-stream, tcp-fanin): byte i of a connection's
 *   stream is bench_pattern_byte (i); the server checks every byte;
 * - pingpong: a message of msg_size bytes whose first 8 bytes are the
 *   round-trip index (little endian) and the rest the pattern; the server
 *   echoes each whole message, the client checks the echo is identical;
 * - udp-flood: datagrams of msg_size (512) bytes, first 8 bytes the
 *   sequence number (little endian), the rest the pattern;
 * - readline: line k is bench_line_fill (buf, k): 79 bytes then '\n'.
 *
 * TLS workloads (tls-stream, tls-pingpong, tls-handshakes) are tcp-stream,
 * tcp-pingpong and tcp-connections' sequential phase (no hold phase: conns
 * is 0) over TLS 1.3. The driver makes a throwaway CA and a server
 * certificate for localhost, 127.0.0.1 and ::1 in DIR at start and passes
 * --tls-dir DIR; the server uses BENCH_TLS_CERT and BENCH_TLS_KEY, the
 * client trusts BENCH_TLS_CA and checks the server's address. Every
 * child's environment sets G_TLS_GNUTLS_PRIORITY to BENCH_TLS_PRIORITY
 * (glib-networking's priority string; raw uses it too) and OPENSSL_CONF to
 * DIR/BENCH_TLS_OPENSSL_CONF (no tickets), and the Qt peers ask for TLS 1.3:
 * no session tickets, so every handshake is a full one.
 *
 * --idle N (tcp-pingpong only; the driver passes it when N > 0): before
 * the measured connection the client opens N more connections, at most
 * BENCH_IDLE_IN_FLIGHT connecting at a time, and waits until all are
 * connected. Both sides watch every connection for reading on the same
 * loop as the measured one, as a server of many mostly idle clients
 * does, and fail on any data or EOF on an idle one. The server cannot
 * tell the connections apart when it accepts them: the first one a
 * message arrives on is the measured one, and it ends when that one
 * closes (with --count 0, when any closes), having accepted N + 1; an
 * idle one may close first once all messages are echoed.
 * Both report held = N. The server may still be accepting when the
 * client's first message arrives: round trip 0 waits for it (its reply
 * may take until the time limit) and is neither timed nor sampled, so
 * the client's seconds, p50 and p99 cover round trips 1 to M - 1.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  BENCH_TCP_STREAM,
  BENCH_TCP_PINGPONG,
  BENCH_TCP_CONNECTIONS,
  BENCH_TCP_FANIN,
  BENCH_UDP_FLOOD,
  BENCH_UDP_PINGPONG,
  BENCH_LOCAL_STREAM,
  BENCH_LOCAL_PINGPONG,
  BENCH_READLINE,
  BENCH_TLS_STREAM,
  BENCH_TLS_PINGPONG,
  BENCH_TLS_HANDSHAKES,
  BENCH_N_WORKLOADS
} BenchWorkload;

typedef struct {
  BenchWorkload workload;
  gboolean      server;       /* --role server (TRUE) or client */
  const char   *addr;         /* client: where the server is */
  const char   *dir;          /* server of a local workload: where to create the socket */
  guint64       bytes;        /* stream workloads: bytes per connection */
  guint64       write_size;   /* stream, fanin, readline: bytes per write call */
  guint64       msg_size;     /* pingpong message / udp-flood datagram size */
  guint64       count;        /* round trips, connections, datagrams, lines */
  guint64       conns;        /* tcp-fanin connections; tcp-connections held idle */
  double        time_limit;   /* seconds for the whole role (also armed with alarm()) */
  gboolean      ipv6;         /* use ::1 */
  gboolean      batch;        /* udp-flood: batched receive (qsock+batch) */
  const char   *tls_dir;      /* TLS workloads: BENCH_TLS_CA, _CERT and _KEY are here */
  guint64       idle;         /* tcp-pingpong: idle connections held by each side */
} BenchParams;

#define BENCH_IDLE_IN_FLIGHT 64   /* --idle: connections a client has connecting at once */

/* What a role prints after "RESULT ". Only the members a role measures are
 * set; the others keep the values of BENCH_RESULT_INIT and print as null. */
typedef struct {
  guint64 count;        /* verified units: bytes (streams, fanin), round trips,
                         * connections (tcp-connections client: sequential ones),
                         * datagrams (udp-flood: sent by the client, received
                         * by the server), lines */
  double  seconds;      /* the timed interval of BENCH.md, or -1 */
  double  p50_us;       /* pingpong client, or -1 */
  double  p99_us;       /* pingpong client, or -1 */
  gint64  rss_kb;       /* tcp-connections server: VmRSS delta of the hold phase, or -1 */
  guint64 held;         /* tcp-connections, tcp-pingpong --idle: idle
                         * connections held (both roles) */
  guint64 duplicates;   /* udp-flood server */
  guint64 malformed;    /* udp-flood server */
} BenchResult;

#define BENCH_RESULT_INIT { 0, -1.0, -1.0, -1.0, -1, 0, 0, 0 }

/* An in-process implementation: runs the role p->server for p->workload,
 * prints READY/RESULT itself, returns the process exit code (0, or 1 on
 * failure). Returns 2 and prints "SKIP reason" for a workload it lacks. */
typedef int (*BenchImplMain) (const BenchParams *p);

int bench_raw_main   (const BenchParams *p);
int bench_qsock_main (const BenchParams *p);
int bench_gio_main   (const BenchParams *p);
int bench_tls_raw_main (const BenchParams *p);  /* bench-tls-raw.c: the TLS workloads */

#define BENCH_TLS_CA       "ca.pem"
#define BENCH_TLS_CERT     "server.pem"
#define BENCH_TLS_KEY      "server.key"
#define BENCH_TLS_PRIORITY "NORMAL:-VERS-ALL:+VERS-TLS1.3:%NO_TICKETS"
#define BENCH_TLS_OPENSSL_CONF "openssl.cnf"   /* OPENSSL_CONF of every child */

/* bench-common.c */
const char *bench_workload_name     (BenchWorkload w);
gboolean    bench_workload_is_local (BenchWorkload w);
gboolean    bench_workload_is_tls   (BenchWorkload w);
char       *bench_tls_path          (const BenchParams *p,
                                     const char        *name);  /* in p->tls_dir */
/* tls-pingpong and tls-handshakes use TCP_NODELAY from the connect and
 * the accept on, before the handshake: a TLS library writes a flight in
 * several sends, and Nagle holds the last one until a delayed ACK (40 ms)
 * when the peer waits for it. A server sets it on its listening socket
 * (bench_set_nodelay), which accepted sockets inherit on Linux. */
gboolean    bench_tls_low_delay     (BenchWorkload w);
void        bench_set_nodelay       (int fd);
double      bench_now               (void);  /* CLOCK_MONOTONIC seconds */
gint64      bench_rss_kb            (void);  /* VmRSS of /proc/self/status, after malloc_trim (0) */
void        bench_raise_nofile      (void);  /* RLIMIT_NOFILE to its hard limit */

/* bench_pattern_byte (i) == i % BENCH_PATTERN_PERIOD (a prime, so the
 * pattern never lines up with power-of-two write sizes). */
#define BENCH_PATTERN_PERIOD 251
guint8      bench_pattern_byte      (guint64 offset);
void        bench_pattern_fill      (guint8 *buf, guint64 offset, gsize len);
gboolean    bench_pattern_check     (const guint8 *buf, guint64 offset, gsize len);

#define BENCH_LINE_LEN 80
void        bench_line_fill         (char *buf, guint64 k);  /* BENCH_LINE_LEN bytes */
gboolean    bench_line_check        (const char *line, gsize len, guint64 k);

void        bench_put_u64           (guint8 *buf, guint64 v);  /* little endian */
guint64     bench_get_u64           (const guint8 *buf);

/* "127.0.0.1:PORT" / "[::1]:PORT" → host (newly allocated) + port; a path
 * (no port) → TRUE with *port = 0 and *host the path. */
gboolean    bench_split_addr        (const char *addr, char **host, guint16 *port);
char       *bench_format_addr       (gboolean ipv6, guint16 port);

/* Latency samples of a pingpong client. */
void        bench_percentiles       (double *samples_us, gsize n, double *p50, double *p99);
void        bench_sort_doubles      (double *values, gsize n);  /* ascending */

void        bench_print_ready       (const char *addr);
void        bench_print_result      (const BenchResult *r);
int         bench_fail              (const char *fmt, ...) G_GNUC_PRINTF (1, 2); /* stderr; returns 1 */

G_END_DECLS
