/* bench-common.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers every in-process implementation of qsock-bench shares: workload
 * names, the clock, VmRSS, payload patterns and lines, addresses,
 * percentiles and the READY/RESULT lines of the child protocol.
 */

#include "config.h"

#include "bench.h"

#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

static const char * const workload_names[BENCH_N_WORKLOADS] = {
  [BENCH_TCP_STREAM] = "tcp-stream",
  [BENCH_TCP_PINGPONG] = "tcp-pingpong",
  [BENCH_TCP_CONNECTIONS] = "tcp-connections",
  [BENCH_TCP_FANIN] = "tcp-fanin",
  [BENCH_UDP_FLOOD] = "udp-flood",
  [BENCH_UDP_PINGPONG] = "udp-pingpong",
  [BENCH_LOCAL_STREAM] = "local-stream",
  [BENCH_LOCAL_PINGPONG] = "local-pingpong",
  [BENCH_READLINE] = "readline",
  [BENCH_TLS_STREAM] = "tls-stream",
  [BENCH_TLS_PINGPONG] = "tls-pingpong",
  [BENCH_TLS_HANDSHAKES] = "tls-handshakes",
};

const char *
bench_workload_name (BenchWorkload w)
{
  g_assert (w < BENCH_N_WORKLOADS);
  return workload_names[w];
}

gboolean
bench_workload_is_local (BenchWorkload w)
{
  return w == BENCH_LOCAL_STREAM || w == BENCH_LOCAL_PINGPONG;
}

gboolean
bench_workload_is_tls (BenchWorkload w)
{
  return w == BENCH_TLS_STREAM || w == BENCH_TLS_PINGPONG || w == BENCH_TLS_HANDSHAKES;
}

gboolean
bench_tls_low_delay (BenchWorkload w)
{
  return w == BENCH_TLS_PINGPONG || w == BENCH_TLS_HANDSHAKES;
}

void
bench_set_nodelay (int fd)
{
  int one = 1;

  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

char *
bench_tls_path (const BenchParams *p,
                const char        *name)
{
  return g_build_filename (p->tls_dir != NULL ? p->tls_dir : ".", name, NULL);
}

double
bench_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

gint64
bench_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  /* Freed heap goes back first, so that memory an earlier phase freed
   * (the sequential connections) does not hide what is held now. */
  malloc_trim (0);
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10);
}

void
bench_raise_nofile (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

/* The table repeats the pattern's period so that a check is one memcmp
 * per PATTERN_SPAN bytes from any phase. */
#define PATTERN_PERIOD BENCH_PATTERN_PERIOD
#define PATTERN_SPAN (PATTERN_PERIOD * 262)   /* ≥ 64 KiB */

static guint8 pattern_table[PATTERN_SPAN + PATTERN_PERIOD];

static const guint8 *
pattern_get (void)
{
  static gsize initialized = 0;

  /* Cheap (a few thousand instructions), so that it hardly shows in
   * --instructions counts: one period, then doubling copies. */
  if (g_once_init_enter (&initialized))
    {
      gsize len = PATTERN_PERIOD;

      for (gsize i = 0; i < PATTERN_PERIOD; i++)
        pattern_table[i] = (guint8) i;
      while (len < sizeof pattern_table)
        {
          gsize n = MIN (len, sizeof pattern_table - len);

          memcpy (pattern_table + len, pattern_table, n);
          len += n;
        }
      g_once_init_leave (&initialized, 1);
    }
  return pattern_table;
}

guint8
bench_pattern_byte (guint64 offset)
{
  return (guint8) (offset % PATTERN_PERIOD);
}

void
bench_pattern_fill (guint8  *buf,
                    guint64  offset,
                    gsize    len)
{
  const guint8 *table = pattern_get () + offset % PATTERN_PERIOD;

  while (len > 0)
    {
      gsize n = MIN (len, PATTERN_SPAN);

      memcpy (buf, table, n);
      buf += n;
      len -= n;
    }
}

gboolean
bench_pattern_check (const guint8 *buf,
                     guint64       offset,
                     gsize         len)
{
  const guint8 *table = pattern_get () + offset % PATTERN_PERIOD;

  while (len > 0)
    {
      gsize n = MIN (len, PATTERN_SPAN);

      if (memcmp (buf, table, n) != 0)
        return FALSE;
      buf += n;
      len -= n;
    }
  return TRUE;
}

/* Line k: its index as 16 hex digits, a space, 62 letters that depend on
 * k (letter i is 'a' + (k + i) % 26), then '\n'. */
#define LINE_DIGITS 16
#define LINE_LETTERS (BENCH_LINE_LEN - LINE_DIGITS - 2)

/* The alphabet, repeated: the letters of any line are one slice of it. */
static const char *
alphabet_get (void)
{
  static char alphabet[26 + LINE_LETTERS];

  if (alphabet[0] == 0)
    {
      for (gsize i = 0; i < sizeof alphabet; i++)
        alphabet[i] = (char) ('a' + i % 26);
    }
  return alphabet;
}

/* Two hex digits for each byte value. The line check runs once per line
 * for every implementation, so it must cost far less than what it
 * checks: a digit at a time, it took about 130 instructions a line. */
static const char *
hex_pairs_get (void)
{
  static char pairs[256 * 2];

  if (pairs[0] == 0)
    {
      static const char hex[] = "0123456789abcdef";

      for (gsize i = 0; i < 256; i++)
        {
          pairs[2 * i] = hex[i >> 4];
          pairs[2 * i + 1] = hex[i & 0xf];
        }
    }
  return pairs;
}

static void
line_digits (char    *buf,
             guint64  k)
{
  const char *pairs = hex_pairs_get ();

  for (int i = 0; i < LINE_DIGITS / 2; i++)
    memcpy (buf + 2 * i, pairs + 2 * ((k >> (8 * (LINE_DIGITS / 2 - 1 - i))) & 0xff), 2);
}

static const char *
line_letters (guint64 k)
{
  return alphabet_get () + (k + LINE_DIGITS + 1) % 26;
}

void
bench_line_fill (char    *buf,
                 guint64  k)
{
  line_digits (buf, k);
  buf[LINE_DIGITS] = ' ';
  memcpy (buf + LINE_DIGITS + 1, line_letters (k), LINE_LETTERS);
  buf[BENCH_LINE_LEN - 1] = '\n';
}

/* Accepts the line with its '\n' (Qt's readLine, qsock) or without it
 * (GDataInputStream). */
gboolean
bench_line_check (const char *line,
                  gsize       len,
                  guint64     k)
{
  char digits[LINE_DIGITS];

  if (len != BENCH_LINE_LEN && len != BENCH_LINE_LEN - 1)
    return FALSE;
  line_digits (digits, k);
  return memcmp (line, digits, LINE_DIGITS) == 0 &&
         line[LINE_DIGITS] == ' ' &&
         memcmp (line + LINE_DIGITS + 1, line_letters (k), LINE_LETTERS) == 0 &&
         (len == BENCH_LINE_LEN - 1 || line[BENCH_LINE_LEN - 1] == '\n');
}

void
bench_put_u64 (guint8  *buf,
               guint64  v)
{
  v = GUINT64_TO_LE (v);
  memcpy (buf, &v, sizeof v);
}

guint64
bench_get_u64 (const guint8 *buf)
{
  guint64 v;

  memcpy (&v, buf, sizeof v);
  return GUINT64_FROM_LE (v);
}

gboolean
bench_split_addr (const char  *addr,
                  char       **host,
                  guint16     *port)
{
  const char *colon;
  const char *host_end;
  guint64 value;
  char *end;

  g_return_val_if_fail (addr != NULL, FALSE);

  if (addr[0] == '/')
    {
      *host = g_strdup (addr);
      *port = 0;
      return TRUE;
    }
  if (addr[0] == '[')
    {
      host_end = strchr (addr, ']');
      if (host_end == NULL || host_end[1] != ':')
        return FALSE;
      colon = host_end + 1;
      addr++;
    }
  else
    {
      colon = strrchr (addr, ':');
      if (colon == NULL)
        return FALSE;
      host_end = colon;
    }
  value = g_ascii_strtoull (colon + 1, &end, 10);
  if (end == colon + 1 || *end != '\0' || value == 0 || value > G_MAXUINT16)
    return FALSE;
  *host = g_strndup (addr, (gsize) (host_end - addr));
  *port = (guint16) value;
  return TRUE;
}

char *
bench_format_addr (gboolean ipv6,
                   guint16  port)
{
  return ipv6 ? g_strdup_printf ("[::1]:%u", port)
              : g_strdup_printf ("127.0.0.1:%u", port);
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

void
bench_sort_doubles (double *values,
                    gsize   n)
{
  qsort (values, n, sizeof *values, compare_doubles);
}

/* Moves the k-th smallest value (0-based) to values[k], smaller ones
 * before it and larger ones after (Hoare's selection): linear time, so
 * that a client's latency bookkeeping stays a small, fixed share of the
 * instructions --instructions counts per round trip. */
static double
select_nth (double *values,
            gsize   n,
            gsize   k)
{
  gsize lo = 0, hi = n - 1;

  while (lo < hi)
    {
      double pivot = values[lo + (hi - lo) / 2];
      gsize i = lo, j = hi;

      while (i <= j)
        {
          while (values[i] < pivot)
            i++;
          while (values[j] > pivot)
            j--;
          if (i <= j)
            {
              double t = values[i];

              values[i] = values[j];
              values[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        break;
    }
  return values[k];
}

/* Nearest rank: the smallest sample with at least q·n samples ≤ it. */
static double
nearest_rank (double *samples,
              gsize   n,
              guint   percent)
{
  gsize rank = ((guint64) n * percent + 99) / 100;

  return select_nth (samples, n, rank > 0 ? rank - 1 : 0);
}

void
bench_percentiles (double *samples_us,
                   gsize   n,
                   double *p50,
                   double *p99)
{
  if (n == 0)
    {
      *p50 = *p99 = -1.0;
      return;
    }
  *p50 = nearest_rank (samples_us, n, 50);
  *p99 = nearest_rank (samples_us, n, 99);
}

void
bench_print_ready (const char *addr)
{
  printf ("READY %s\n", addr);
  fflush (stdout);
}

/* A JSON number, or null for the "not measured" value -1. */
static void
append_double (GString    *s,
               const char *name,
               double      v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (v < 0)
    g_string_append_printf (s, ", \"%s\": null", name);
  else
    g_string_append_printf (s, ", \"%s\": %s", name,
                            g_ascii_formatd (buf, sizeof buf, "%.9g", v));
}

void
bench_print_result (const BenchResult *r)
{
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, "{\"count\": %" G_GUINT64_FORMAT, r->count);
  append_double (s, "seconds", r->seconds);
  append_double (s, "p50_us", r->p50_us);
  append_double (s, "p99_us", r->p99_us);
  if (r->rss_kb < 0)
    g_string_append (s, ", \"rss_kb\": null");
  else
    g_string_append_printf (s, ", \"rss_kb\": %" G_GINT64_FORMAT, r->rss_kb);
  g_string_append_printf (s, ", \"held\": %" G_GUINT64_FORMAT
                          ", \"duplicates\": %" G_GUINT64_FORMAT
                          ", \"malformed\": %" G_GUINT64_FORMAT "}",
                          r->held, r->duplicates, r->malformed);
  printf ("RESULT %s\n", s->str);
  fflush (stdout);
}

int
bench_fail (const char *fmt,
            ...)
{
  va_list args;

  va_start (args, fmt);
  vfprintf (stderr, fmt, args);
  va_end (args);
  fputc ('\n', stderr);
  return 1;
}
