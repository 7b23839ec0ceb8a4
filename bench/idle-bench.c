/* idle-bench.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qsock only, two processes (the server is a forked child), loopback
 * TCP: how the cost of opening and dropping connections grows with their
 * number (issue 12). How the cost of one event grows with the sockets a
 * loop holds is `qsock-bench tcp-pingpong --idle N`; BENCH.md has no
 * workload for this.
 *
 *   idle-bench setup --conns N
 *     The client opens N connections, 32 at a time (Qt's listen
 *     backlog is 50), each connect, one
 *     byte out and its echo back, keeping all of them open; then drops
 *     them all (with a reset: see drop_all()). Prints the seconds of
 *     each phase, and the CPU seconds (user + system) the client spent
 *     in it: on a machine shared with other work, the wall-clock time
 *     also holds the time others ran, and the server's.
 *
 * Every wait is bounded (60 s); a wrong byte or count fails with exit 1.
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qsock/qsock.h>

#include "bench.h"

#define IN_FLIGHT 32
#define LIMIT_US (60 * G_USEC_PER_SEC)

static gint64 opt_conns = 10000;

typedef struct
{
  GPtrArray   *sockets;   /* (owned) QsTcpSocket */
  guint        echoed;
} Client;

static void
fail (const char *what)
{
  g_printerr ("idle-bench: %s\n", what);
  exit (1);
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the default context until *@count reaches @target, or fails
 * at the time limit. */
static void
run_until (const guint *count,
           guint        target)
{
  gint64 deadline = g_get_monotonic_time () + LIMIT_US;
  GSource *wakeup = g_timeout_source_new_seconds (1);

  /* Wakes the loop now and then, so that the deadline is checked. */
  g_source_set_callback (wakeup, keep_waking, NULL, NULL);
  g_source_attach (wakeup, NULL);
  while (*count < target)
    {
      if (g_get_monotonic_time () > deadline)
        fail ("timed out");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_destroy (wakeup);
  g_source_unref (wakeup);
}

/* User and system CPU seconds of this process so far. */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

/* Server: every accepted connection echoes what it gets. */

typedef struct
{
  QsTcpServer *server;
  GPtrArray   *held;    /* (owned) */
} Server;

static void
on_echo_ready_read (QsIODevice *device,
                    gpointer    user_data)
{
  guint8 buffer[4096];
  gint64 n;

  while ((n = qs_io_device_read (device, buffer, sizeof buffer)) > 0)
    if (qs_io_device_write (device, buffer, n) != n)
      fail ("echo failed");
}

static void
on_new_connection (QsTcpServer *server,
                   Server      *s)
{
  QsTcpSocket *socket;

  while ((socket = qs_tcp_server_next_pending_connection (server)) != NULL)
    {
      qs_abstract_socket_set_socket_option (QS_ABSTRACT_SOCKET (socket),
                                            QS_SOCKET_OPTION_LOW_DELAY_OPTION, 1);
      g_signal_connect (socket, "ready-read", G_CALLBACK (on_echo_ready_read), NULL);
      g_ptr_array_add (s->held, socket);
    }
}

static void
serve (int ready_fd)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  Server s = { qs_tcp_server_new (), g_ptr_array_new_with_free_func (g_object_unref) };
  guint16 port;
  guint never = 0;

  qs_tcp_server_set_max_pending_connections (s.server, 1000);
  g_signal_connect (s.server, "new-connection", G_CALLBACK (on_new_connection), &s);
  if (!qs_tcp_server_listen (s.server, loopback, 0))
    fail ("listen failed");
  port = qs_tcp_server_get_server_port (s.server);
  if (write (ready_fd, &port, sizeof port) != sizeof port)
    fail ("cannot report the port");
  close (ready_fd);
  /* Runs until the parent kills it. */
  for (;;)
    run_until (&never, 1);
}

/* Forks the server; returns its pid and port. */
static pid_t
start_server (guint16 *port)
{
  int fds[2];
  pid_t pid;

  if (pipe (fds) != 0)
    fail ("pipe");
  pid = fork ();
  if (pid < 0)
    fail ("fork");
  if (pid == 0)
    {
      prctl (PR_SET_PDEATHSIG, SIGKILL);   /* no server outlives its client */
      close (fds[0]);
      serve (fds[1]);
      _exit (0);
    }
  close (fds[1]);
  if (read (fds[0], port, sizeof *port) != sizeof *port)
    fail ("the server did not start");
  close (fds[0]);
  return pid;
}

static void
stop_server (pid_t pid)
{
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

/* Client */

static void
on_one_echoed (QsIODevice *device,
               Client     *c)
{
  guint8 byte;

  if (qs_io_device_read (device, &byte, 1) != 1 || byte != 'x')
    fail ("wrong echo");
  c->echoed++;
}

static void
on_connected_send (QsIODevice *device,
                   Client     *c)
{
  if (qs_io_device_write (device, (const guint8 *) "x", 1) != 1)
    fail ("write failed");
}

/* Opens @n connections to @port, IN_FLIGHT at a time; each sends one
 * byte and waits for its echo. */
static void
open_connections (Client  *c,
                  guint16  port,
                  guint    n)
{
  while (c->sockets->len < n)
    {
      guint batch = MIN (IN_FLIGHT, n - c->sockets->len);
      guint target = c->sockets->len + batch;

      for (guint i = 0; i < batch; i++)
        {
          QsTcpSocket *socket = qs_tcp_socket_new ();

          g_signal_connect (socket, "connected", G_CALLBACK (on_connected_send), c);
          g_signal_connect (socket, "ready-read", G_CALLBACK (on_one_echoed), c);
          qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), "127.0.0.1", port,
                                              QS_OPEN_MODE_READ_WRITE,
                                              QS_NETWORK_LAYER_PROTOCOL_IPV4_PROTOCOL);
          g_ptr_array_add (c->sockets, socket);
        }
      run_until (&c->echoed, target);
    }
}

/* Drops the client's sockets; each closes with a reset (SO_LINGER 0),
 * so that repeated runs of 10 000 connections do not run out of ports
 * held in TIME_WAIT. */
static void
drop_all (Client *c)
{
  struct linger reset = { 1, 0 };

  for (guint i = 0; i < c->sockets->len; i++)
    setsockopt (qs_abstract_socket_get_socket_descriptor (c->sockets->pdata[i]),
                SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  g_ptr_array_unref (c->sockets);
}

static int
run_setup (void)
{
  Client c = { 0 };
  guint16 port;
  pid_t server = start_server (&port);
  double start, cpu, setup, setup_cpu, drop, drop_cpu;

  c.sockets = g_ptr_array_new_with_free_func (g_object_unref);
  start = bench_now ();
  cpu = cpu_seconds ();
  open_connections (&c, port, opt_conns);
  setup = bench_now () - start;
  setup_cpu = cpu_seconds () - cpu;

  start = bench_now ();
  cpu = cpu_seconds ();
  drop_all (&c);
  drop = bench_now () - start;
  drop_cpu = cpu_seconds () - cpu;

  g_print ("conns %" G_GINT64_FORMAT ": connect-and-echo %.3f s (client CPU %.3f s), "
           "drop %.3f s (client CPU %.3f s)\n", opt_conns, setup, setup_cpu, drop, drop_cpu);
  stop_server (server);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  const GOptionEntry entries[] = {
    { "conns", 0, 0, G_OPTION_ARG_INT64, &opt_conns, "Connections", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("setup");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 ||
      opt_conns < 1 || g_strcmp0 (argv[1], "setup") != 0)
    {
      g_printerr ("usage: idle-bench setup --conns N\n");
      return 2;
    }

  bench_raise_nofile ();
  signal (SIGPIPE, SIG_IGN);
  alarm (300);
  return run_setup ();
}
