/* qsock-bench.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The benchmark driver of BENCH.md. As a parent it runs each workload with
 * a server and a client process of the same implementation: itself again
 * (`--impl raw|qsock|gio --role …`), the Qt peer, or a Python peer. It reads
 * READY and RESULT from their stdout, checks the exact counts, and prints a
 * markdown table of medians (and optionally JSON lines). As a child
 * (`--role`) it runs an in-process implementation.
 *
 * --instructions (pingpongs, udp-flood): after the timed runs, each
 * implementation's client runs under `valgrind --tool=callgrind` twice,
 * with 20 000 round trips and with 0, the server natively; the row is
 * (Ir(20 000) − Ir(0)) / 20 000 from the "totals:" lines. For udp-flood the
 * same gives instructions per datagram sent, and a second pair of runs with
 * the server under callgrind (client native) gives instructions per
 * datagram received: (Ir(20 000) − Ir(0)) / datagrams the server received
 * (a slowed-down server loses some). In --json, `instructions` is the
 * per-round-trip figure, or for udp-flood the per-datagram-received one.
 */

#include "config.h"

#include "bench.h"
#include "bench-tls.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#define READY_TIMEOUT       10.0   /* seconds for READY */
#define READY_TIMEOUT_VG    60.0   /* … when the server runs under valgrind */
#define RUN_TIME_LIMIT      300.0
#define SMOKE_TIME_LIMIT    10.0
#define SMOKE_IDLE          10     /* smoke: tcp-pingpong runs again with --idle 10 */
#define KILL_GRACE          5.0    /* parent's margin over the children's alarm */
#define INSTR_COUNT         20000
#define PYTHON              "/usr/bin/python3"

/* ---- implementations ---------------------------------------------------- */

typedef struct {
  const char    *name;
  BenchImplMain  main;
} InProcess;

/* raw's TLS workloads call GnuTLS: built only when it is found. */
#ifdef BENCH_HAVE_GNUTLS
#define TLS_RAW_MAIN bench_tls_raw_main
#else
#define TLS_RAW_MAIN NULL
#endif

static const InProcess in_process[] = {
  { "raw", bench_raw_main },
  { "qsock", bench_qsock_main },
  { "gio", bench_gio_main },
};

/* Every row a table can have, in table order. "qsock+batch" is qsock with
 * --batch, for udp-flood only. */
static const char * const all_impls_v[] = {
  "raw", "qsock", "qsock+batch", "gio", "qt", "python-qsock", "pyqt", NULL,
};
#define N_IMPLS (G_N_ELEMENTS (all_impls_v) - 1)

static BenchImplMain
in_process_main (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (in_process); i++)
    if (g_str_equal (in_process[i].name, name))
      return in_process[i].main;
  return NULL;
}

/* The --impl name a row runs ("qsock+batch" runs qsock). */
static const char *
impl_base (const char *row)
{
  return g_str_equal (row, "qsock+batch") ? "qsock" : row;
}

static gboolean
impl_batch (const char *row)
{
  return g_str_equal (row, "qsock+batch");
}

/* The program (argv prefix) that runs @row, or NULL with *why set. */
static GPtrArray *
impl_command (const char  *row,
              const char **why)
{
  const char *base = impl_base (row);
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *script = NULL;

  if (in_process_main (base) != NULL)
    {
      char *self = g_file_read_link ("/proc/self/exe", NULL);

      g_ptr_array_add (argv, self != NULL ? self : g_strdup ("/proc/self/exe"));
      return argv;
    }
  if (g_str_equal (base, "qt"))
    {
      if (g_file_test (BENCH_QT_PEER, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_ptr_array_add (argv, g_strdup (BENCH_QT_PEER));
          return argv;
        }
      *why = "qt-peer not built (meson -Dbench_peers=true)";
    }
  else if (g_str_equal (base, "python-qsock"))
    script = BENCH_SRCDIR "/peer-python-qsock.py";
  else if (g_str_equal (base, "pyqt"))
    script = BENCH_SRCDIR "/peer-pyqt.py";
  else
    *why = "not built";

  if (script != NULL && g_file_test (script, G_FILE_TEST_EXISTS) &&
      g_file_test (PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_ptr_array_add (argv, g_strdup (PYTHON));
      g_ptr_array_add (argv, g_strdup (script));
      return argv;
    }
  if (script != NULL)
    *why = "peer script or " PYTHON " missing";
  g_ptr_array_unref (argv);
  return NULL;
}

/* ---- workloads ---------------------------------------------------------- */

static BenchWorkload
workload_from_name (const char *name)
{
  for (int w = 0; w < BENCH_N_WORKLOADS; w++)
    if (g_strcmp0 (name, bench_workload_name (w)) == 0)
      return w;
  return BENCH_N_WORKLOADS;
}

static gboolean
is_pingpong (BenchWorkload w)
{
  return w == BENCH_TCP_PINGPONG || w == BENCH_LOCAL_PINGPONG || w == BENCH_UDP_PINGPONG ||
         w == BENCH_TLS_PINGPONG;
}

static gboolean
is_stream (BenchWorkload w)
{
  return w == BENCH_TCP_STREAM || w == BENCH_LOCAL_STREAM || w == BENCH_TCP_FANIN ||
         w == BENCH_TLS_STREAM;
}

static const char *
workload_unit (BenchWorkload w)
{
  if (is_stream (w))
    return "MB/s";
  if (is_pingpong (w))
    return "rt/s";
  switch (w)
    {
    case BENCH_TCP_CONNECTIONS: return "conn/s";
    case BENCH_TLS_HANDSHAKES: return "hs/s";
    case BENCH_UDP_FLOOD: return "dgram/s";
    case BENCH_READLINE: return "lines/s";
    default: g_assert_not_reached ();
    }
}

/* Options given on the command line; -1 = the workload's default. */
typedef struct {
  gint64 bytes, write_size, msg_size, count, conns;
} Sizes;

#define KiB 1024
#define MiB (1024 * 1024)
#define GiB (1024 * 1024 * 1024LL)

/* BENCH.md's defaults (full runs) and smoke sizes. */
static void
fill_params (BenchParams  *p,
             BenchWorkload w,
             const Sizes  *given,
             gboolean      smoke)
{
  gboolean fanin = w == BENCH_TCP_FANIN;

  p->workload = w;
  p->write_size = 64 * KiB;
  p->msg_size = w == BENCH_UDP_FLOOD ? 512 : 64;
  p->bytes = fanin ? (smoke ? 64 * KiB : 10 * MiB) : (smoke ? MiB : GiB);
  p->conns = w == BENCH_TCP_CONNECTIONS ? (smoke ? 10 : 1000)
                                        : fanin ? (smoke ? 4 : 100) : 1;
  if (is_pingpong (w))
    p->count = smoke ? 100 : 100000;
  else if (w == BENCH_TCP_CONNECTIONS)
    p->count = smoke ? 20 : 10000;
  else if (w == BENCH_TLS_HANDSHAKES)
    {
      p->count = smoke ? 20 : 2000;
      p->conns = 0;   /* tcp-connections' sequential phase only */
    }
  else
    p->count = smoke ? 1000 : 1000000;
  p->time_limit = smoke ? SMOKE_TIME_LIMIT : RUN_TIME_LIMIT;

  if (given->bytes >= 0) p->bytes = (guint64) given->bytes;
  if (given->write_size >= 0) p->write_size = (guint64) given->write_size;
  if (given->msg_size >= 0) p->msg_size = (guint64) given->msg_size;
  if (given->count >= 0) p->count = (guint64) given->count;
  if (given->conns >= 0) p->conns = (guint64) given->conns;
}

/* ---- options ------------------------------------------------------------ */

static char *opt_impl;
static char *opt_impls;
static char *opt_compare;
static char *opt_json;
static char *opt_role;
static char *opt_addr;
static char *opt_dir;
static char *opt_tls_dir;
static gboolean opt_list;
static gboolean opt_smoke;
static gboolean opt_instructions;
static gboolean opt_pin;
static gboolean opt_same_cpu;
static gboolean opt_ipv6;
static gboolean opt_batch;
static int opt_runs = 5;
static gint64 opt_idle;
static double opt_time_limit = -1;
static Sizes opt_sizes = { -1, -1, -1, -1, -1 };

/* "64M", "1G", "20000": binary K/M/G suffixes. */
static gboolean
parse_size (const char  *name,
            const char  *value,
            gpointer     data,
            GError     **error)
{
  struct { const char *name; gint64 *var; } vars[] = {
    { "--bytes", &opt_sizes.bytes }, { "--write-size", &opt_sizes.write_size },
    { "--msg-size", &opt_sizes.msg_size }, { "--count", &opt_sizes.count },
    { "--conns", &opt_sizes.conns },
  };
  char *end;
  guint64 v = g_ascii_strtoull (value, &end, 10);
  guint shift = 0;

  if (end == value)
    goto bad;
  switch (g_ascii_toupper (*end))
    {
    case 'K': shift = 10; end++; break;
    case 'M': shift = 20; end++; break;
    case 'G': shift = 30; end++; break;
    default: break;
    }
  if (*end != '\0' || v > ((guint64) G_MAXINT64 >> shift))
    goto bad;
  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++)
    if (g_str_equal (name, vars[i].name))
      *vars[i].var = (gint64) (v << shift);
  return TRUE;

bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s: not a size: %s", name, value);
  return FALSE;
}

static const GOptionEntry entries[] = {
  { "list", 0, 0, G_OPTION_ARG_NONE, &opt_list, "List the workloads", NULL },
  { "impl", 0, 0, G_OPTION_ARG_STRING, &opt_impl, "Implementation (default qsock)", "NAME" },
  { "compare", 0, 0, G_OPTION_ARG_STRING, &opt_compare, "Compare implementations on WORKLOAD", "WORKLOAD" },
  { "impls", 0, 0, G_OPTION_ARG_STRING, &opt_impls, "With --compare: which (default: all built)", "a,b,c" },
  { "smoke", 0, 0, G_OPTION_ARG_NONE, &opt_smoke, "Every workload × impl once at tiny sizes", NULL },
  { "bytes", 0, 0, G_OPTION_ARG_CALLBACK, parse_size, "Stream bytes (per connection)", "N" },
  { "write-size", 0, 0, G_OPTION_ARG_CALLBACK, parse_size, "Bytes per write", "W" },
  { "msg-size", 0, 0, G_OPTION_ARG_CALLBACK, parse_size, "Message or datagram size", "S" },
  { "count", 0, 0, G_OPTION_ARG_CALLBACK, parse_size, "Round trips, connections, datagrams, lines", "M" },
  { "conns", 0, 0, G_OPTION_ARG_CALLBACK, parse_size, "Fan-in or held connections", "C" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Counted rounds (default 5)", "R" },
  { "json", 0, 0, G_OPTION_ARG_FILENAME, &opt_json, "Append one JSON object per counted run", "FILE" },
  { "instructions", 0, 0, G_OPTION_ARG_NONE, &opt_instructions, "Also count instructions with callgrind", NULL },
  { "pin", 0, 0, G_OPTION_ARG_NONE, &opt_pin, "Server on CPU 0, client on CPU 1", NULL },
  { "same-cpu", 0, 0, G_OPTION_ARG_NONE, &opt_same_cpu, "Server and client both on CPU 1", NULL },
  { "ipv6", 0, 0, G_OPTION_ARG_NONE, &opt_ipv6, "Use ::1", NULL },
  { "batch", 0, 0, G_OPTION_ARG_NONE, &opt_batch, "udp-flood: batched receive", NULL },
  { "idle", 0, 0, G_OPTION_ARG_INT64, &opt_idle, "tcp-pingpong: idle connections held by each side", "N" },
  { "role", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_role, NULL, NULL },
  { "addr", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &opt_addr, NULL, NULL },
  { "dir", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opt_dir, NULL, NULL },
  { "tls-dir", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &opt_tls_dir, NULL, NULL },
  { "time-limit", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_DOUBLE, &opt_time_limit, NULL, NULL },
  { NULL }
};

/* ---- child processes ---------------------------------------------------- */

typedef struct {
  GPid     pid;
  int      cpu;            /* --pin, --same-cpu: the CPU, or -1 */
  GSource *out_source;     /* (owned) (nullable) until stdout's EOF */
  GSource *watch;          /* (owned) (nullable) until the exit */
  int      out;
  gboolean exited;
  int      status;
  GString *partial;        /* (owned) an unfinished stdout line */
  char    *ready;          /* (owned) (nullable) READY's address */
  char    *result;         /* (owned) (nullable) RESULT's JSON */
  char    *skip;           /* (owned) (nullable) SKIP's reason */
} Child;

static void
child_line (Child      *c,
            const char *line)
{
  if (g_str_has_prefix (line, "READY ") && c->ready == NULL)
    c->ready = g_strdup (line + strlen ("READY "));
  else if (g_str_has_prefix (line, "RESULT ") && c->result == NULL)
    c->result = g_strdup (line + strlen ("RESULT "));
  else if (g_str_has_prefix (line, "SKIP") && c->skip == NULL)
    c->skip = g_strdup (g_strstrip ((char *) line + strlen ("SKIP")));
  else
    fprintf (stderr, "  child: %s\n", line);
}

static gboolean
on_child_out (int          fd,
              GIOCondition condition,
              gpointer     data)
{
  Child *c = data;
  char buf[4096];
  ssize_t n = read (fd, buf, sizeof buf);
  char *nl;

  if (n < 0 && errno == EINTR)
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      if (c->partial->len > 0)
        child_line (c, c->partial->str);
      g_string_truncate (c->partial, 0);
      close (c->out);
      c->out = -1;
      g_clear_pointer (&c->out_source, g_source_unref);
      return G_SOURCE_REMOVE;
    }
  g_string_append_len (c->partial, buf, n);
  while ((nl = memchr (c->partial->str, '\n', c->partial->len)) != NULL)
    {
      gsize len = (gsize) (nl - c->partial->str);
      g_autofree char *line = g_strndup (c->partial->str, len);

      g_string_erase (c->partial, 0, (gssize) len + 1);
      child_line (c, line);
    }
  return G_SOURCE_CONTINUE;
}

static void
on_child_exit (GPid     pid,
               int      status,
               gpointer data)
{
  Child *c = data;

  c->exited = TRUE;
  c->status = status;
  g_clear_pointer (&c->watch, g_source_unref);
  g_spawn_close_pid (pid);
}

static void
child_setup (gpointer data)
{
  Child *c = data;

  setpgid (0, 0);
  /* A driver killed by a timeout (meson test) takes its children along. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (c->cpu >= 0)
    {
      cpu_set_t set;

      CPU_ZERO (&set);
      CPU_SET (c->cpu, &set);
      sched_setaffinity (0, sizeof set, &set);
    }
}

static Child *
child_spawn (GPtrArray  *argv,
             int         cpu,
             gboolean    bind_now,
             GError    **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  /* The build tree's library, typelib and Python overrides first. */
  const char *vars[][2] = {
    { "GI_TYPELIB_PATH", BENCH_QSOCK_BUILDDIR },
    { "LD_LIBRARY_PATH", BENCH_QSOCK_BUILDDIR },
    { "PYTHONPATH", BENCH_PYTHON_OVERRIDES },
  };
  Child *c = g_new0 (Child, 1);

  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      const char *old = g_environ_getenv (env, vars[i][0]);
      g_autofree char *value = old != NULL && *old != '\0'
        ? g_strconcat (vars[i][1], ":", old, NULL)
        : g_strdup (vars[i][1]);

      env = g_environ_setenv (env, vars[i][0], value, TRUE);
    }
  /* Under callgrind: resolve every symbol at start-up, so that lazy binding
   * cancels out in Ir(N) − Ir(0). */
  if (bind_now)
    env = g_environ_setenv (env, "LD_BIND_NOW", "1", TRUE);
  for (guint i = 0; i < argv->len; i++)
    g_ptr_array_add (args, argv->pdata[i]);
  g_ptr_array_add (args, NULL);

  c->cpu = cpu;
  c->out = -1;
  c->partial = g_string_new (NULL);
  if (!g_spawn_async_with_pipes (NULL, (char **) args->pdata, env,
                                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                                 child_setup, c,
                                 &c->pid, NULL, &c->out, NULL, error))
    {
      g_string_free (c->partial, TRUE);
      g_free (c);
      return NULL;
    }
  c->out_source = g_unix_fd_source_new (c->out, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_callback (c->out_source, G_SOURCE_FUNC (on_child_out), c, NULL);
  g_source_set_static_name (c->out_source, "qsock-bench child stdout");
  g_source_attach (c->out_source, NULL);
  c->watch = g_child_watch_source_new (c->pid);
  g_source_set_callback (c->watch, G_SOURCE_FUNC (on_child_exit), c, NULL);
  g_source_set_static_name (c->watch, "qsock-bench child exit");
  g_source_attach (c->watch, NULL);
  return c;
}

static gboolean
child_done (Child *c)
{
  return c == NULL || (c->exited && c->out < 0);
}

/* Kills the child's process group, waits for it, frees it. */
static void
child_free (Child *c)
{
  if (c == NULL)
    return;
  if (!c->exited)
    {
      kill (-c->pid, SIGKILL);
      g_source_destroy (c->watch);
      g_clear_pointer (&c->watch, g_source_unref);
      waitpid (c->pid, NULL, 0);
      g_spawn_close_pid (c->pid);
    }
  if (c->out_source != NULL)
    {
      g_source_destroy (c->out_source);
      g_clear_pointer (&c->out_source, g_source_unref);
      close (c->out);
    }
  g_string_free (c->partial, TRUE);
  g_free (c->ready);
  g_free (c->result);
  g_free (c->skip);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Child, child_free)

/* The server printed READY, or it ended. */
static gboolean
server_ready_or_gone (Child *server,
                      Child *client)
{
  return server->ready != NULL || child_done (server);
}

static gboolean
both_done (Child *server,
           Child *client)
{
  return child_done (server) && child_done (client);
}

/* Why the child skipped: its SKIP line, or exit status 77 (a Python peer
 * whose import failed); NULL if it did not. */
static const char *
child_skip (Child *c)
{
  if (c == NULL)
    return NULL;
  if (c->skip != NULL)
    return c->skip;
  if (c->exited && WIFEXITED (c->status) && WEXITSTATUS (c->status) == 77)
    return "exit status 77";
  return NULL;
}

/* A child that exited nonzero (or was killed) ends the run for both. */
static gboolean
child_failed (Child *c)
{
  return child_done (c) && c != NULL &&
         (!WIFEXITED (c->status) || WEXITSTATUS (c->status) != 0);
}

static gboolean
both_done_or_one_failed (Child *server,
                         Child *client)
{
  return both_done (server, client) || child_failed (server) || child_failed (client);
}

static gboolean
set_true (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @cond holds or @seconds pass. */
static gboolean
run_until (gboolean (*cond) (Child *, Child *),
           Child   *server,
           Child   *client,
           double   seconds)
{
  gboolean expired = FALSE;
  GSource *timeout = g_timeout_source_new ((guint) (seconds * 1000));

  g_source_set_callback (timeout, set_true, &expired, NULL);
  g_source_set_static_name (timeout, "qsock-bench deadline");
  g_source_attach (timeout, NULL);
  while (!cond (server, client) && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  return cond (server, client);
}

/* ---- one run ------------------------------------------------------------ */

typedef struct {
  BenchResult server;
  BenchResult client;
} RunResults;

typedef enum { RUN_OK, RUN_SKIP, RUN_FAIL } RunStatus;

/* The number (or null → -1) after "KEY": in a flat JSON object. */
static double
json_number (const char *json,
             const char *key,
             gboolean   *ok)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", key);
  const char *at = strstr (json, quoted);
  char *end;
  double v;

  if (at == NULL)
    {
      *ok = FALSE;
      return -1;
    }
  at += strlen (quoted);
  while (*at == ' ' || *at == ':')
    at++;
  if (g_str_has_prefix (at, "null"))
    return -1;
  v = g_ascii_strtod (at, &end);
  if (end == at)
    *ok = FALSE;
  return v;
}

static gboolean
parse_result (const char  *json,
              BenchResult *r)
{
  gboolean ok = TRUE;

  if (json == NULL)
    return FALSE;
  r->count = (guint64) json_number (json, "count", &ok);
  r->seconds = json_number (json, "seconds", &ok);
  r->p50_us = json_number (json, "p50_us", &ok);
  r->p99_us = json_number (json, "p99_us", &ok);
  r->rss_kb = (gint64) json_number (json, "rss_kb", &ok);
  r->held = (guint64) json_number (json, "held", &ok);
  r->duplicates = (guint64) json_number (json, "duplicates", &ok);
  r->malformed = (guint64) json_number (json, "malformed", &ok);
  return ok;
}

static void
add_arg (GPtrArray  *argv,
         const char *name,
         guint64     v)
{
  g_ptr_array_add (argv, g_strdup (name));
  g_ptr_array_add (argv, g_strdup_printf ("%" G_GUINT64_FORMAT, v));
}

/* argv of one role: [valgrind …] PEER --impl … --role … WORKLOAD OPTIONS. */
static GPtrArray *
role_argv (GPtrArray         *program,
           const char        *row,
           const BenchParams *p,
           gboolean           server,
           const char        *where,
           const char        *callgrind_out)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (callgrind_out != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("valgrind"));
      g_ptr_array_add (argv, g_strdup ("--tool=callgrind"));
      g_ptr_array_add (argv, g_strdup ("--quiet"));
      g_ptr_array_add (argv, g_strdup_printf ("--callgrind-out-file=%s", callgrind_out));
    }
  for (guint i = 0; i < program->len; i++)
    g_ptr_array_add (argv, g_strdup (program->pdata[i]));
  g_ptr_array_add (argv, g_strdup ("--impl"));
  g_ptr_array_add (argv, g_strdup (impl_base (row)));
  g_ptr_array_add (argv, g_strdup ("--role"));
  g_ptr_array_add (argv, g_strdup (server ? "server" : "client"));
  g_ptr_array_add (argv, g_strdup (bench_workload_name (p->workload)));
  add_arg (argv, "--bytes", p->bytes);
  add_arg (argv, "--write-size", p->write_size);
  add_arg (argv, "--msg-size", p->msg_size);
  add_arg (argv, "--count", p->count);
  add_arg (argv, "--conns", p->conns);
  add_arg (argv, "--time-limit", (guint64) ceil (p->time_limit));
  if (p->ipv6)
    g_ptr_array_add (argv, g_strdup ("--ipv6"));
  if (p->batch)
    g_ptr_array_add (argv, g_strdup ("--batch"));
  if (p->tls_dir != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--tls-dir"));
      g_ptr_array_add (argv, g_strdup (p->tls_dir));
    }
  if (p->idle > 0)
    add_arg (argv, "--idle", p->idle);
  if (where != NULL)
    {
      g_ptr_array_add (argv, g_strdup (server ? "--dir" : "--addr"));
      g_ptr_array_add (argv, g_strdup (where));
    }
  return argv;
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}

/* Who runs under callgrind in a run (instructions mode). */
typedef enum { VG_NONE, VG_SERVER, VG_CLIENT } Valgrind;

/* Runs one server + client pair. On RUN_SKIP, *skip is the reason. */
static RunStatus
run_once (const char        *row,
          const BenchParams *p,
          Valgrind           vg,
          const char        *callgrind_out,
          RunResults        *out,
          char             **skip)
{
  g_autoptr(GPtrArray) program = NULL;
  g_autoptr(GPtrArray) server_argv = NULL;
  g_autoptr(GPtrArray) client_argv = NULL;
  g_autoptr(Child) server = NULL;
  g_autoptr(Child) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  const char *why = NULL;
  RunStatus status = RUN_FAIL;

  program = impl_command (row, &why);
  if (program == NULL)
    {
      *skip = g_strdup (why);
      return RUN_SKIP;
    }
  if (bench_workload_is_local (p->workload))
    {
      dir = g_dir_make_tmp ("qsock-bench-XXXXXX", &error);
      if (dir == NULL)
        {
          bench_fail ("qsock-bench: %s", error->message);
          return RUN_FAIL;
        }
    }

  server_argv = role_argv (program, row, p, TRUE, dir,
                           vg == VG_SERVER ? callgrind_out : NULL);
  server = child_spawn (server_argv, opt_same_cpu ? 1 : opt_pin ? 0 : -1, vg == VG_SERVER, &error);
  if (server == NULL)
    {
      bench_fail ("qsock-bench: cannot start %s: %s", row, error->message);
      goto out;
    }
  if (!run_until (server_ready_or_gone, server, NULL,
                  vg == VG_SERVER ? READY_TIMEOUT_VG : READY_TIMEOUT) ||
      server->ready == NULL)
    {
      run_until (both_done, server, NULL, KILL_GRACE);
      if (child_skip (server) != NULL)
        {
          *skip = g_strdup (child_skip (server));
          status = RUN_SKIP;
        }
      else
        bench_fail ("%s %s: the server sent no READY", row,
                    bench_workload_name (p->workload));
      goto out;
    }

  client_argv = role_argv (program, row, p, FALSE, server->ready,
                           vg == VG_CLIENT ? callgrind_out : NULL);
  client = child_spawn (client_argv, opt_pin || opt_same_cpu ? 1 : -1, vg == VG_CLIENT, &error);
  if (client == NULL)
    {
      bench_fail ("qsock-bench: cannot start %s: %s", row, error->message);
      goto out;
    }
  if (!run_until (both_done_or_one_failed, server, client, p->time_limit + KILL_GRACE))
    {
      bench_fail ("%s %s: timed out after %g s", row,
                  bench_workload_name (p->workload), p->time_limit);
      goto out;
    }
  if (child_skip (server) != NULL || child_skip (client) != NULL)
    {
      *skip = g_strdup (child_skip (server) != NULL ? child_skip (server)
                                                     : child_skip (client));
      status = RUN_SKIP;
    }
  else if (child_failed (server) || child_failed (client))
    bench_fail ("%s %s: the %s failed (wait status %d)", row,
                bench_workload_name (p->workload),
                child_failed (server) ? "server" : "client",
                child_failed (server) ? server->status : client->status);
  else if (!parse_result (server->result, &out->server) ||
           !parse_result (client->result, &out->client))
    bench_fail ("%s %s: a RESULT is missing or malformed", row,
                bench_workload_name (p->workload));
  else
    status = RUN_OK;

out:
  g_clear_pointer (&client, child_free);
  g_clear_pointer (&server, child_free);
  if (dir != NULL)
    remove_dir (dir);
  return status;
}

/* ---- checking and measuring --------------------------------------------- */

/* What one counted run contributes to the tables. */
typedef struct {
  double value;        /* in workload_unit () */
  double seconds;
  double p50_us;
  double p99_us;
  gint64 rss_kb;
  double idle_bytes;   /* tcp-connections: bytes per held connection, or -1 */
  double loss_pct;     /* udp-flood, or -1 */
} Sample;

static double
per_second (double amount,
            double seconds)
{
  return seconds > 0 ? amount / seconds : 0;
}

/* Checks the exact counts of BENCH.md and computes the run's numbers. */
static gboolean
check_run (const char        *row,
           const BenchParams *p,
           const RunResults  *r,
           Sample            *s)
{
  const BenchResult *srv = &r->server;
  const BenchResult *cli = &r->client;
  guint64 expected = p->count;
  gboolean ok;

  *s = (Sample) { 0, srv->seconds, -1, -1, -1, -1, -1 };
  if (is_stream (p->workload))
    {
      expected = p->bytes * (p->workload == BENCH_TCP_FANIN ? p->conns : 1);
      ok = srv->count == expected && cli->count == expected;
      s->value = per_second ((double) srv->count / 1e6, srv->seconds);
    }
  else if (p->workload == BENCH_UDP_FLOOD)
    {
      ok = cli->count == expected && srv->duplicates == 0 && srv->malformed == 0 &&
           srv->count > 0 && srv->count <= expected;
      s->value = per_second ((double) srv->count, srv->seconds);
      s->loss_pct = 100.0 * (double) (expected - MIN (srv->count, expected)) / (double) expected;
    }
  else if (p->workload == BENCH_READLINE)
    {
      ok = srv->count == expected && cli->count == expected;
      s->value = per_second ((double) srv->count, srv->seconds);
    }
  else
    {
      /* Pingpongs and tcp-connections: the client times. */
      ok = srv->count == expected && cli->count == expected;
      s->seconds = cli->seconds;
      /* --idle: round trip 0 is not timed (bench.h). */
      s->value = per_second ((double) (cli->count - (p->idle > 0 && cli->count > 0)),
                             cli->seconds);
      s->p50_us = cli->p50_us;
      s->p99_us = cli->p99_us;
      if (is_pingpong (p->workload))
        ok = ok && srv->held == p->idle && cli->held == p->idle;
      if (p->workload == BENCH_TCP_CONNECTIONS)
        {
          ok = ok && srv->held == p->conns && cli->held == p->conns;
          s->rss_kb = srv->rss_kb;
          if (srv->rss_kb >= 0 && p->conns > 0)
            s->idle_bytes = (double) srv->rss_kb * 1024.0 / (double) p->conns;
        }
    }
  if (!ok)
    bench_fail ("%s %s: count mismatch: expected %" G_GUINT64_FORMAT ", server %"
                G_GUINT64_FORMAT " (held %" G_GUINT64_FORMAT ", duplicates %"
                G_GUINT64_FORMAT ", malformed %" G_GUINT64_FORMAT "), client %"
                G_GUINT64_FORMAT " (held %" G_GUINT64_FORMAT ")", row,
                bench_workload_name (p->workload), expected, srv->count, srv->held,
                srv->duplicates, srv->malformed, cli->count, cli->held);
  return ok;
}

/* Ir of the "totals:" line of a callgrind output file, or -1. */
static double
callgrind_totals (const char *path)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  line = strstr (text, "\ntotals:");
  if (line == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("\ntotals:"), NULL);
}

/* (Ir(N) − Ir(0)) / units under callgrind for @vg's side; units are round
 * trips or datagrams sent (N), or for the udp-flood server the datagrams
 * it received in the N run. -1 if it failed. */
static double
count_instructions (const char        *row,
                    const BenchParams *base,
                    Valgrind           vg)
{
  const guint64 counts[2] = { INSTR_COUNT, 0 };
  double ir[2];
  double units = INSTR_COUNT;

  for (int i = 0; i < 2; i++)
    {
      g_autofree char *dir = g_dir_make_tmp ("qsock-bench-vg-XXXXXX", NULL);
      g_autofree char *file = NULL;
      g_autofree char *skip = NULL;
      BenchParams p = *base;
      RunResults r;
      Sample s;

      if (dir == NULL)
        return -1;
      file = g_build_filename (dir, "callgrind.out", NULL);
      p.count = counts[i];
      if (run_once (row, &p, vg, file, &r, &skip) != RUN_OK ||
          (counts[i] > 0 && !check_run (row, &p, &r, &s)))
        ir[i] = -1;
      else
        ir[i] = callgrind_totals (file);
      if (counts[i] > 0 && vg == VG_SERVER)
        units = (double) r.server.count;
      remove_dir (dir);
      if (ir[i] < 0)
        {
          bench_fail ("%s %s: no callgrind totals", row,
                      bench_workload_name (base->workload));
          return -1;
        }
    }
  return (ir[0] - ir[1]) / units;
}

/* ---- rows and tables ---------------------------------------------------- */

typedef struct {
  const char *name;
  char       *skip;      /* (owned) (nullable) */
  gboolean    failed;
  GArray     *samples;   /* (owned) of Sample */
  double      instr[2];  /* per unit: [0] client (sent), [1] server (received) */
} Row;

typedef double (*SampleField) (const Sample *s);

static double field_value (const Sample *s) { return s->value; }
static double field_idle (const Sample *s) { return s->idle_bytes; }
static double field_loss (const Sample *s) { return s->loss_pct; }
static double field_p50 (const Sample *s) { return s->p50_us; }
static double field_p99 (const Sample *s) { return s->p99_us; }

/* Median, min and max of a field over the row's runs; FALSE if none. */
static gboolean
row_stats (const Row   *row,
           SampleField  field,
           double       stats[3])
{
  guint n = row->samples->len;
  g_autofree double *v = NULL;

  if (row->skip != NULL || row->failed || n == 0)
    return FALSE;
  v = g_new (double, n);
  for (guint i = 0; i < n; i++)
    v[i] = field (&g_array_index (row->samples, Sample, i));
  bench_sort_doubles (v, n);
  stats[0] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  stats[1] = v[0];
  stats[2] = v[n - 1];
  return stats[0] >= 0;
}

static Row *
find_row (GPtrArray  *rows,
          const char *name)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_str_equal (((Row *) rows->pdata[i])->name, name))
      return rows->pdata[i];
  return NULL;
}

static void
print_ratio (double value,
             double reference)
{
  if (reference > 0 && value >= 0)
    printf (" %.2f |", value / reference);
  else
    printf (" — |");
}

/* A markdown table; @stats_of gives a row's median/min/max or FALSE. */
static void
print_table (const char *title,
             const char *unit,
             GPtrArray  *rows,
             gboolean  (*stats_of) (const Row *, gconstpointer, double[3]),
             gconstpointer data)
{
  double raw[3] = { -1, -1, -1 };
  double qt[3] = { -1, -1, -1 };
  Row *ref;

  if ((ref = find_row (rows, "raw")) == NULL || !stats_of (ref, data, raw))
    raw[0] = -1;
  if ((ref = find_row (rows, "qt")) == NULL || !stats_of (ref, data, qt))
    qt[0] = -1;

  printf ("\n### %s\n\n| impl | median | min | max | unit | × raw | × qt |\n"
          "|---|---|---|---|---|---|---|\n", title);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = rows->pdata[i];
      double st[3];

      if (row->skip != NULL)
        printf ("| %s | SKIP: %s | | | %s | — | — |\n", row->name, row->skip, unit);
      else if (row->failed)
        printf ("| %s | FAIL | | | %s | — | — |\n", row->name, unit);
      else if (!stats_of (row, data, st))
        printf ("| %s | — | | | %s | — | — |\n", row->name, unit);
      else
        {
          printf ("| %s | %.1f | %.1f | %.1f | %s |", row->name, st[0], st[1], st[2], unit);
          print_ratio (st[0], raw[0]);
          print_ratio (st[0], qt[0]);
          printf ("\n");
        }
    }
}

static gboolean
sample_stats (const Row     *row,
              gconstpointer  field,
              double         stats[3])
{
  return row_stats (row, (SampleField) field, stats);
}

static gboolean
instr_stats (const Row     *row,
             gconstpointer  side,
             double         stats[3])
{
  double v = row->instr[GPOINTER_TO_INT (side)];

  if (row->skip != NULL || row->failed || v < 0)
    return FALSE;
  stats[0] = stats[1] = stats[2] = v;
  return TRUE;
}

/* One line of medians of an extra field, e.g. loss or latency. */
static void
print_note (const char *what,
            GPtrArray  *rows,
            SampleField field)
{
  printf ("%s:", what);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = rows->pdata[i];
      double st[3];

      if (row_stats (row, field, st))
        printf (" %s %.2f;", row->name, st[0]);
    }
  printf ("\n");
}

static void
print_workload (BenchWorkload w,
                guint64       idle,
                GPtrArray    *rows,
                gboolean      instructions)
{
  g_autofree char *name = idle > 0 ? g_strdup_printf ("%s --idle %" G_GUINT64_FORMAT,
                                                      bench_workload_name (w), idle)
                                   : g_strdup (bench_workload_name (w));

  print_table (name, workload_unit (w), rows, sample_stats, (gconstpointer) field_value);
  printf ("\n");
  if (is_pingpong (w))
    {
      print_note ("p50 µs (median of runs)", rows, field_p50);
      print_note ("p99 µs (median of runs)", rows, field_p99);
    }
  if (w == BENCH_UDP_FLOOD)
    print_note ("loss % (median of runs)", rows, field_loss);
  if (w == BENCH_TCP_CONNECTIONS)
    print_table ("tcp-connections:idle", "bytes/conn", rows, sample_stats,
                 (gconstpointer) field_idle);
  if (instructions && w == BENCH_UDP_FLOOD)
    {
      print_table ("udp-flood:instr-sent", "instr/dgram", rows, instr_stats, GINT_TO_POINTER (0));
      print_table ("udp-flood:instr-received", "instr/dgram", rows, instr_stats, GINT_TO_POINTER (1));
    }
  else if (instructions)
    {
      g_autofree char *title = g_strdup_printf ("%s:instr", name);

      print_table (title, "instr/rt", rows, instr_stats, GINT_TO_POINTER (0));
    }
}

/* ---- JSON --------------------------------------------------------------- */

static char *
source_commit (void)
{
  const char *argv[] = { "git", "-C", BENCH_SRCDIR, "rev-parse", "--short", "HEAD", NULL };
  char *out = NULL;
  int status = 1;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_free (out);
      return NULL;
    }
  return g_strstrip (out);
}

static void
json_double (GString    *s,
             const char *name,
             double      v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (v < 0)
    g_string_append_printf (s, ", \"%s\": null", name);
  else
    g_string_append_printf (s, ", \"%s\": %s", name,
                            g_ascii_formatd (buf, sizeof buf, "%.6g", v));
}

static void
json_line (FILE              *f,
           const char        *workload,
           const char        *row,
           const BenchParams *p,
           double             value,
           const char        *unit,
           const Sample      *s,
           double             instructions,
           const char        *commit)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, "{\"workload\": \"%s\", \"impl\": \"%s\", \"params\": "
                          "{\"bytes\": %" G_GUINT64_FORMAT ", \"write_size\": %" G_GUINT64_FORMAT
                          ", \"msg_size\": %" G_GUINT64_FORMAT ", \"count\": %" G_GUINT64_FORMAT
                          ", \"conns\": %" G_GUINT64_FORMAT ", \"idle\": %" G_GUINT64_FORMAT
                          ", \"ipv6\": %s, \"batch\": %s, \"pin\": %s, \"same_cpu\": %s}",
                          workload, row, p->bytes, p->write_size, p->msg_size, p->count,
                          p->conns, p->idle, p->ipv6 ? "true" : "false",
                          p->batch ? "true" : "false", opt_pin ? "true" : "false",
                          opt_same_cpu ? "true" : "false");
  json_double (line, "value", value);
  g_string_append_printf (line, ", \"unit\": \"%s\"", unit);
  json_double (line, "p50_us", s->p50_us);
  json_double (line, "p99_us", s->p99_us);
  json_double (line, "rss_kb", (double) s->rss_kb);
  json_double (line, "seconds", s->seconds);
  json_double (line, "instructions", instructions);
  if (commit != NULL)
    g_string_append_printf (line, ", \"commit\": \"%s\"}\n", commit);
  else
    g_string_append (line, ", \"commit\": null}\n");
  fputs (line->str, f);
}

/* Appends the counted runs of every row to --json. */
static gboolean
write_json (const char   *path,
            BenchWorkload w,
            GPtrArray    *rows,
            const BenchParams *base)
{
  g_autofree char *commit = source_commit ();
  FILE *f = fopen (path, "a");

  if (f == NULL)
    return !bench_fail ("qsock-bench: %s: %s", path, g_strerror (errno));
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = rows->pdata[i];
      BenchParams p = *base;

      p.batch = base->batch || impl_batch (row->name);
      for (guint k = 0; !row->failed && row->skip == NULL && k < row->samples->len; k++)
        {
          const Sample *s = &g_array_index (row->samples, Sample, k);

          json_line (f, bench_workload_name (w), row->name, &p, s->value,
                     workload_unit (w), s, row->instr[w == BENCH_UDP_FLOOD], commit);
          if (s->idle_bytes >= 0)
            json_line (f, "tcp-connections:idle", row->name, &p, s->idle_bytes,
                       "bytes/conn", s, -1, commit);
        }
    }
  return fclose (f) == 0;
}

/* ---- modes -------------------------------------------------------------- */

static void
row_free (Row *row)
{
  g_free (row->skip);
  g_array_unref (row->samples);
  g_free (row);
}

/* One run of @row; a skip or failure marks the row. */
static void
row_run (Row               *row,
         const BenchParams *base,
         gboolean           counted)
{
  BenchParams p = *base;
  RunResults r;
  Sample s;

  p.batch = base->batch || impl_batch (row->name);
  switch (run_once (row->name, &p, VG_NONE, NULL, &r, &row->skip))
    {
    case RUN_SKIP:
      break;
    case RUN_FAIL:
      row->failed = TRUE;
      break;
    case RUN_OK:
      if (!check_run (row->name, &p, &r, &s))
        row->failed = TRUE;
      else if (counted)
        g_array_append_val (row->samples, s);
      break;
    default:
      g_assert_not_reached ();
    }
}

static gboolean
row_active (const Row *row)
{
  return row->skip == NULL && !row->failed;
}

/* Warm-up, alternated rounds, optional instruction counts, tables. */
static int
run_workload (BenchWorkload  w,
              const char   **names,
              const BenchParams *base)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  gboolean failed = FALSE;

  for (const char **n = names; *n != NULL; n++)
    {
      Row *row = g_new0 (Row, 1);

      if (impl_batch (*n) && w != BENCH_UDP_FLOOD)
        {
          g_free (row);
          continue;
        }
      row->name = *n;
      row->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
      row->instr[0] = row->instr[1] = -1;
      g_ptr_array_add (rows, row);
    }

  for (guint i = 0; i < rows->len; i++)
    row_run (rows->pdata[i], base, FALSE);
  for (int round = 0; round < opt_runs; round++)
    for (guint i = 0; i < rows->len; i++)
      if (row_active (rows->pdata[i]))
        row_run (rows->pdata[i], base, TRUE);

  if (opt_instructions && !is_pingpong (w) && w != BENCH_UDP_FLOOD)
    fprintf (stderr, "qsock-bench: --instructions applies to pingpongs and udp-flood only\n");
  if (opt_instructions && (is_pingpong (w) || w == BENCH_UDP_FLOOD))
    for (guint i = 0; i < rows->len; i++)
      {
        Row *row = rows->pdata[i];
        BenchParams p = *base;

        p.batch = base->batch || impl_batch (row->name);
        if (!row_active (row))
          continue;
        row->instr[0] = count_instructions (row->name, &p, VG_CLIENT);
        if (w == BENCH_UDP_FLOOD)
          row->instr[1] = count_instructions (row->name, &p, VG_SERVER);
        /* A failed count shows as "—" and fails the invocation. */
        failed |= row->instr[0] < 0 || (w == BENCH_UDP_FLOOD && row->instr[1] < 0);
      }

  print_workload (w, base->idle, rows, opt_instructions);
  for (guint i = 0; i < rows->len; i++)
    failed |= ((Row *) rows->pdata[i])->failed;
  if (opt_json != NULL && !write_json (opt_json, w, rows, base))
    failed = TRUE;
  return failed ? 1 : 0;
}

/* The TLS workloads' certificates (bench.h), made once per invocation
 * in a directory removed at exit; NULL if none. */
static char *tls_dir;

static gboolean
make_tls_dir (void)
{
  g_autoptr(GError) error = NULL;

  tls_dir = g_dir_make_tmp ("qsock-bench-tls-XXXXXX", &error);
  if (tls_dir != NULL && bench_tls_make_certificates (tls_dir, &error))
    {
      g_autofree char *conf = g_build_filename (tls_dir, BENCH_TLS_OPENSSL_CONF, NULL);

      /* The children's environment (bench.h). */
      g_setenv ("G_TLS_GNUTLS_PRIORITY", BENCH_TLS_PRIORITY, TRUE);
      g_setenv ("OPENSSL_CONF", conf, TRUE);
      return TRUE;
    }
  return !bench_fail ("qsock-bench: TLS certificates: %s", error->message);
}

static void
remove_tls_dir (void)
{
  if (tls_dir != NULL)
    remove_dir (tls_dir);
  g_clear_pointer (&tls_dir, g_free);
}

static int
run_smoke (void)
{
  static const Sizes none = { -1, -1, -1, -1, -1 };
  int failures = 0;

  for (int w = 0; w < BENCH_N_WORKLOADS; w++)
    for (guint64 idle = 0; idle <= (w == BENCH_TCP_PINGPONG ? SMOKE_IDLE : 0); idle += SMOKE_IDLE)
      for (gsize i = 0; i < N_IMPLS; i++)
        {
          Row row = { all_impls_v[i], NULL, FALSE, NULL, { -1, -1 } };
          BenchParams p = { 0 };
          const char *with_idle = idle > 0 ? " --idle " G_STRINGIFY (SMOKE_IDLE) : "";

          if (impl_batch (row.name) && w != BENCH_UDP_FLOOD)
            continue;
          fill_params (&p, w, &none, TRUE);
          p.ipv6 = opt_ipv6;
          p.idle = idle;
          if (bench_workload_is_tls (w))
            p.tls_dir = tls_dir;
          row.samples = g_array_new (FALSE, FALSE, sizeof (Sample));
          row_run (&row, &p, TRUE);
          if (row.skip != NULL)
            printf ("SKIP %s%s %s: %s\n", bench_workload_name (w), with_idle, row.name, row.skip);
          else
            printf ("%s %s%s %s\n", row.failed ? "FAIL" : "ok", bench_workload_name (w),
                    with_idle, row.name);
          fflush (stdout);
          failures += row.failed;
          g_free (row.skip);
          g_array_unref (row.samples);
        }
  printf ("smoke: %d failed\n", failures);
  return failures > 0 ? 1 : 0;
}

/* --role: run an in-process implementation as one side. */
static int
child_main (BenchWorkload w)
{
  const char *impl = opt_impl != NULL ? opt_impl : "qsock";
  BenchImplMain impl_main = in_process_main (impl);
  BenchParams p = { 0 };

  if (!g_str_equal (opt_role, "server") && !g_str_equal (opt_role, "client"))
    return 2;
  fill_params (&p, w, &opt_sizes, FALSE);
  p.idle = (guint64) opt_idle;
  p.server = g_str_equal (opt_role, "server");
  p.addr = opt_addr;
  p.dir = opt_dir;
  p.ipv6 = opt_ipv6;
  p.batch = opt_batch;
  p.tls_dir = opt_tls_dir;
  if (opt_time_limit > 0)
    p.time_limit = opt_time_limit;
  if (bench_workload_is_tls (w) && g_str_equal (impl, "raw"))
    impl_main = TLS_RAW_MAIN;
  if (impl_main == NULL && g_str_equal (impl, "raw"))
    {
      printf ("SKIP raw's TLS workloads need GnuTLS (libgnutls28-dev) at build time\n");
      return 2;
    }
  if (impl_main == NULL)
    {
      printf ("SKIP %s is not built into qsock-bench\n", impl);
      return 2;
    }
  signal (SIGPIPE, SIG_IGN);
  alarm ((unsigned) ceil (p.time_limit));
  return impl_main (&p);
}

static int
usage (const char *message)
{
  fprintf (stderr, "qsock-bench: %s (see --help)\n", message);
  return 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  const char *workload_arg;
  BenchWorkload w;
  BenchParams p = { 0 };
  int status;

  context = g_option_context_new ("[WORKLOAD] — qsock's benchmark (BENCH.md)");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage (error->message);

  if (opt_list)
    {
      for (int i = 0; i < BENCH_N_WORKLOADS; i++)
        printf ("%s\n", bench_workload_name (i));
      return 0;
    }
  if (opt_smoke && argc != 1)
    return usage ("--smoke takes no workload");
  if (opt_smoke)
    {
      make_tls_dir ();   /* without it, only the TLS workloads fail */
      status = run_smoke ();
      remove_tls_dir ();
      return status;
    }

  workload_arg = opt_compare != NULL ? opt_compare : argc == 2 ? argv[1] : NULL;
  if ((opt_compare != NULL && argc != 1) || (opt_compare == NULL && argc != 2))
    return usage ("give one WORKLOAD, --compare WORKLOAD, --list or --smoke");
  w = workload_from_name (workload_arg);
  if (w == BENCH_N_WORKLOADS)
    return usage ("unknown workload (see --list)");
  if (opt_role != NULL)
    return child_main (w);
  if (opt_runs < 1)
    return usage ("--runs must be at least 1");
  if (opt_pin && opt_same_cpu)
    return usage ("--pin and --same-cpu exclude each other");
  if (opt_idle < 0 || (opt_idle > 0 && w != BENCH_TCP_PINGPONG))
    return usage ("--idle takes a count, and only with tcp-pingpong");

  if (opt_compare != NULL && opt_impls != NULL)
    names = g_strsplit (opt_impls, ",", -1);
  else if (opt_compare != NULL)
    names = g_strdupv ((char **) all_impls_v);
  else
    names = g_strsplit (opt_impl != NULL ? opt_impl : "qsock", ",", 2);
  for (char **n = names; *n != NULL; n++)
    if (!g_strv_contains (all_impls_v, *n))
      return usage ("unknown implementation");

  fill_params (&p, w, &opt_sizes, FALSE);
  p.ipv6 = opt_ipv6;
  p.batch = opt_batch;
  if (bench_workload_is_tls (w))
    {
      if (!make_tls_dir ())
        return 1;
      p.tls_dir = tls_dir;
    }
  p.idle = (guint64) opt_idle;
  status = run_workload (w, (const char **) names, &p);
  remove_tls_dir ();
  return status;
}
