/* test-reactor.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The reactor under the socket engines: one epoll source per
 * GMainContext, made with the first engine and destroyed with the last,
 * and its dispatch of a ready batch when the handlers free, close, reopen
 * (reusing a descriptor number) or make engines, or run a nested loop.
 * A reactor with a few engines polls them directly, one with more
 * through its epoll set: the re-entrancy tests run in both ways
 * (/reactor/epoll/ adds idle engines), and the switch between them is
 * tested from handlers and while batches run. The engines here wrap one end of real socket pairs; the test writes to
 * the other end. Run under ASan, a freed engine touched by the batch
 * fails the test.
 */

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qs-socket-engine.h"
#include "qs-test-utils.h"

#define TIMEOUT_MS 5000

/* One engine on one end of a socket pair, and what its callback saw. */
typedef struct _End End;

typedef void (*EndAction) (End *end);

struct _End
{
  QsSocketEngine *engine;  /* (owned) (nullable): NULL once freed */
  int             peer;    /* the other end of the pair; -1 once closed */
  guint           calls;
  GIOCondition    last;    /* the conditions of the last call */
  EndAction       action;  /* (nullable): run from the callback */
  End            *other;   /* what the action works on */
  gpointer        data;
};

static void
on_ready (GIOCondition condition,
          gpointer     user_data)
{
  End *end = user_data;
  guint8 buffer[64];
  int error_number;

  end->calls++;
  end->last = condition;
  if (condition & G_IO_IN)
    while (_qs_socket_engine_receive (end->engine, buffer, sizeof buffer, &error_number) > 0)
      ;
  if (end->action != NULL)
    end->action (end);
}

/* @end gets an engine on the thread-default context for one end of a
 * new socket pair, watching G_IO_IN. */
static void
end_open (End *end)
{
  int fds[2];
  GSocket *socket;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), ==, 0);
  socket = g_socket_new_from_fd (fds[0], NULL);
  g_assert_nonnull (socket);
  end->engine = _qs_socket_engine_new (socket, g_main_context_get_thread_default (),
                                       on_ready, end);
  end->peer = fds[1];
  _qs_socket_engine_set_events (end->engine, G_IO_IN);
}

static void
end_close (End *end)
{
  g_clear_pointer (&end->engine, _qs_socket_engine_free);
  if (end->peer >= 0)
    close (end->peer);
  end->peer = -1;
}

static void
end_poke (End *end)
{
  g_assert_cmpint (write (end->peer, "x", 1), ==, 1);
}

/* Two engines, each the other's partner, with @action and @data, both
 * registered and then made ready: the next iteration takes both in one
 * batch. */
static void
open_ready_pair (End       *a,
                 End       *b,
                 EndAction  action,
                 gpointer   data)
{
  end_open (a);
  end_open (b);
  a->action = b->action = action;
  a->other = b;
  b->other = a;
  a->data = b->data = data;
  qs_test_drain_context ();   /* registers both before they are ready */
  end_poke (a);
  end_poke (b);
}

/* More engines than a reactor polls directly. */
#define N_IDLE 24

/* Each test runs on a new context of its own, thread-default. */
typedef struct
{
  GMainContext *context;
  End           idle[N_IDLE];   /* only in setup_epoll() */
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
}

static void
open_idle (End   *ends,
           guint  n)
{
  for (guint i = 0; i < n; i++)
    end_open (&ends[i]);
  qs_test_drain_context ();
  g_assert_false (_qs_socket_engine_is_polled_directly (ends[0].engine));
}

static void
close_all (End   *ends,
           guint  n)
{
  for (guint i = 0; i < n; i++)
    end_close (&ends[i]);
}

/* The context's reactor works through its epoll set for the test. */
static void
setup_epoll (Fixture       *f,
             gconstpointer  data)
{
  setup (f, data);
  open_idle (f->idle, N_IDLE);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  qs_test_drain_context ();
  for (guint i = 0; i < N_IDLE; i++)
    g_assert_cmpuint (f->idle[i].calls, ==, 0);
  close_all (f->idle, N_IDLE);
  qs_test_drain_context ();
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

/* One context iteration, which must dispatch something. */
static void
iterate_once (void)
{
  g_assert_true (g_main_context_iteration (g_main_context_get_thread_default (), FALSE));
}

static void
test_one_source (Fixture       *f,
                 gconstpointer  data)
{
  End a = { 0 }, b = { 0 }, c = { 0 };
  GSource *reactor;

  end_open (&a);
  end_open (&b);
  reactor = g_source_ref (_qs_socket_engine_get_reactor (a.engine));
  g_assert_true (_qs_socket_engine_get_reactor (b.engine) == reactor);
  g_assert_true (g_source_get_context (reactor) == f->context);
  g_assert_cmpstr (g_source_get_name (reactor), ==, "[qsock] reactor");

  end_poke (&b);
  qs_test_run_until (b.calls == 1, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (a.calls, ==, 0);
  g_assert_cmpuint (b.calls, ==, 1);
  g_assert_cmpuint (b.last, ==, G_IO_IN);

  end_close (&a);
  g_assert_false (g_source_is_destroyed (reactor));
  end_close (&b);
  g_assert_true (g_source_is_destroyed (reactor));
  g_source_unref (reactor);

  /* The next engine gets a new reactor, which works. */
  end_open (&c);
  g_assert_false (g_source_is_destroyed (_qs_socket_engine_get_reactor (c.engine)));
  end_poke (&c);
  qs_test_run_until (c.calls == 1, TIMEOUT_MS);
  end_close (&c);
}

/* Two engines ready in one batch; whichever is served first frees the
 * other, whose entry later in the batch must be dropped. */
static void
free_other (End *end)
{
  end_close (end->other);
}

static void
test_free_other_in_batch (Fixture       *f,
                          gconstpointer  data)
{
  End a = { 0 }, b = { 0 };

  open_ready_pair (&a, &b, free_other, NULL);

  iterate_once ();
  g_assert_cmpuint (a.calls + b.calls, ==, 1);
  qs_test_drain_context ();
  g_assert_cmpuint (a.calls + b.calls, ==, 1);
  g_assert_true ((a.engine == NULL) != (b.engine == NULL));
  end_close (&a);
  end_close (&b);
}

/* Every handler of a batch frees its own engine. */
static void
free_self (End *end)
{
  end_close (end);
}

static void
test_free_self (Fixture       *f,
                gconstpointer  data)
{
  End ends[3] = { { 0 } };

  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    {
      end_open (&ends[i]);
      ends[i].action = free_self;
    }
  qs_test_drain_context ();
  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    end_poke (&ends[i]);

  iterate_once ();
  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    {
      g_assert_cmpuint (ends[i].calls, ==, 1);
      g_assert_null (ends[i].engine);
    }
  g_assert_false (g_main_context_pending (f->context));
}

/* The first handler of a batch closes the other engine and opens a new
 * one on the same descriptor number, not ready: the batch's entry for
 * the old engine must not reach the new one. */
static void
reopen_other (End *end)
{
  End *other = end->other;
  End *fresh = end->data;
  int fd = _qs_socket_engine_get_fd (other->engine);
  int fds[2];

  other->action = NULL;
  end_close (other);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), ==, 0);
  if (fds[0] != fd)
    {
      g_assert_cmpint (dup2 (fds[0], fd), ==, fd);
      close (fds[0]);
    }
  fresh->engine = _qs_socket_engine_new (g_socket_new_from_fd (fd, NULL),
                                         g_main_context_get_thread_default (),
                                         on_ready, fresh);
  fresh->peer = fds[1];
  _qs_socket_engine_set_events (fresh->engine, G_IO_IN);
}

static void
test_reuse_descriptor (Fixture       *f,
                       gconstpointer  data)
{
  End a = { 0 }, b = { 0 }, fresh = { 0 };

  open_ready_pair (&a, &b, reopen_other, &fresh);

  iterate_once ();
  g_assert_cmpuint (a.calls + b.calls, ==, 1);
  g_assert_nonnull (fresh.engine);
  qs_test_drain_context ();
  g_assert_cmpuint (fresh.calls, ==, 0);

  /* It is served with its own events. */
  end_poke (&fresh);
  qs_test_run_until (fresh.calls == 1, TIMEOUT_MS);
  g_assert_cmpuint (fresh.last, ==, G_IO_IN);
  end_close (&a);
  end_close (&b);
  end_close (&fresh);
}

/* A handler makes new engines that are ready at once: they are served
 * from the next iteration. */
static void
open_new (End *end)
{
  End *news = end->data;

  for (guint i = 0; i < 4; i++)
    {
      end_open (&news[i]);
      end_poke (&news[i]);
    }
  end->action = NULL;
}

static void
test_create_in_handler (Fixture       *f,
                        gconstpointer  data)
{
  End a = { 0 }, news[4] = { { 0 } };
  guint served = 0;

  end_open (&a);
  a.action = open_new;
  a.data = news;
  end_poke (&a);
  qs_test_run_until (a.calls == 1, TIMEOUT_MS);
  for (guint i = 0; i < G_N_ELEMENTS (news); i++)
    g_assert_cmpuint (news[i].calls, ==, 0);

  iterate_once ();
  for (guint i = 0; i < G_N_ELEMENTS (news); i++)
    served += news[i].calls;
  g_assert_cmpuint (served, ==, G_N_ELEMENTS (news));

  end_close (&a);
  for (guint i = 0; i < G_N_ELEMENTS (news); i++)
    end_close (&news[i]);
}

/* The handler served first runs a nested loop on the same context until
 * the other engine is served there; the outer batch, which also holds
 * the other engine, must not serve it again with a stale event, nor
 * touch it once the handler freed it (@data non-NULL). */
static void
nest (End *end)
{
  End *other = end->other;

  other->action = NULL;
  qs_test_run_until (other->calls == 1, TIMEOUT_MS);
  if (end->data != NULL)
    end_close (other);
}

static void
test_nested_loop (Fixture       *f,
                  gconstpointer  data)
{
  End a = { 0 }, b = { 0 };

  open_ready_pair (&a, &b, nest, (gpointer) data);

  iterate_once ();
  g_assert_cmpuint (a.calls, ==, 1);
  g_assert_cmpuint (b.calls, ==, 1);
  qs_test_drain_context ();
  g_assert_cmpuint (a.calls, ==, 1);
  g_assert_cmpuint (b.calls, ==, 1);
  g_assert_true ((a.engine == NULL || b.engine == NULL) == (data != NULL));
  end_close (&a);
  end_close (&b);
}

/* A handler asks for G_IO_OUT and waits for it in a nested loop: the
 * change must reach the epoll set before its callback returns. */
static void
arm_out_and_nest (End *end)
{
  end->action = NULL;
  _qs_socket_engine_set_events (end->engine, G_IO_IN | G_IO_OUT);
  qs_test_run_until (end->calls == 2, TIMEOUT_MS);
  g_assert_cmpuint (end->last, ==, G_IO_OUT);
  _qs_socket_engine_set_events (end->engine, G_IO_IN);
}

static void
test_nested_loop_own_events (Fixture       *f,
                             gconstpointer  data)
{
  End a = { 0 };

  end_open (&a);
  a.action = arm_out_and_nest;
  end_poke (&a);
  qs_test_run_until (a.calls == 2, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (a.calls, ==, 2);
  end_close (&a);
}

/* A handler that became ready inside a nested loop of the other one. */
static void
poke_and_nest (End *end)
{
  End *other = end->other;

  end->action = NULL;
  end_poke (other);
  qs_test_run_until (other->calls == 1, TIMEOUT_MS);
}

static void
test_nested_new_event (Fixture       *f,
                       gconstpointer  data)
{
  End a = { 0 }, b = { 0 };

  end_open (&a);
  end_open (&b);
  a.action = poke_and_nest;
  a.other = &b;
  end_poke (&a);
  qs_test_run_until (a.calls == 1, TIMEOUT_MS);
  g_assert_cmpuint (b.calls, ==, 1);
  end_close (&a);
  end_close (&b);
}

/* The last engine of the context is freed inside the reactor's dispatch,
 * which destroys the reactor under it; a new engine made in the same
 * handler gets a new reactor. */
static void
free_all_and_open (End *end)
{
  End *fresh = end->data;

  end_close (end->other);
  end_close (end);
  end_open (fresh);
  end_poke (fresh);
}

static void
test_last_engine_in_handler (Fixture       *f,
                             gconstpointer  data)
{
  End a = { 0 }, b = { 0 }, fresh = { 0 };
  GSource *old;

  open_ready_pair (&a, &b, free_all_and_open, &fresh);
  old = g_source_ref (_qs_socket_engine_get_reactor (a.engine));

  iterate_once ();
  g_assert_cmpuint (a.calls + b.calls, ==, 1);
  g_assert_true (g_source_is_destroyed (old));
  g_assert_true (_qs_socket_engine_get_reactor (fresh.engine) != old);
  g_source_unref (old);
  qs_test_run_until (fresh.calls == 1, TIMEOUT_MS);
  end_close (&fresh);
}

/* An engine that wants nothing, whose peer hung up, does not wake the
 * loop (epoll always reports HUP: it must leave the set). */
static void
test_no_events_no_wakeup (Fixture       *f,
                          gconstpointer  data)
{
  End a = { 0 };

  end_open (&a);
  qs_test_drain_context ();
  _qs_socket_engine_set_events (a.engine, 0);
  close (a.peer);
  a.peer = -1;
  qs_test_drain_context ();
  g_assert_false (g_main_context_pending (f->context));
  g_assert_cmpuint (a.calls, ==, 0);

  _qs_socket_engine_set_events (a.engine, G_IO_IN);
  qs_test_run_until (a.calls == 1, TIMEOUT_MS);
  g_assert_true (a.last & G_IO_HUP);
  end_close (&a);
}

/* Arming and disarming G_IO_OUT before the loop polls again: no
 * G_IO_OUT is dispatched. */
static void
test_events_changed_before_poll (Fixture       *f,
                                 gconstpointer  data)
{
  End a = { 0 };

  end_open (&a);
  qs_test_drain_context ();
  _qs_socket_engine_set_events (a.engine, G_IO_IN | G_IO_OUT);
  _qs_socket_engine_set_events (a.engine, G_IO_IN);
  qs_test_drain_context ();
  g_assert_cmpuint (a.calls, ==, 0);

  _qs_socket_engine_set_events (a.engine, G_IO_IN | G_IO_OUT);
  qs_test_run_until (a.calls == 1, TIMEOUT_MS);
  g_assert_cmpuint (a.last, ==, G_IO_OUT);
  end_close (&a);
}

/* Several thousand idle engines on one context: an event on one of them
 * is dispatched in the first iteration, to it alone. */
static void
test_many_sockets (Fixture       *f,
                   gconstpointer  data)
{
  const guint n = 4000;
  struct rlimit saved, raised;
  End *ends;
  guint total = 0;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  raised = saved;
  raised.rlim_cur = MIN (saved.rlim_max, 2 * n + 256);
  if (raised.rlim_cur < 2 * n + 64 || setrlimit (RLIMIT_NOFILE, &raised) != 0)
    {
      g_test_skip ("cannot raise RLIMIT_NOFILE");
      return;
    }

  ends = g_new0 (End, n);
  for (guint i = 0; i < n; i++)
    end_open (&ends[i]);
  qs_test_drain_context ();

  for (guint round = 0; round < 3; round++)
    {
      End *target = &ends[g_test_rand_int_range (0, n)];
      guint before = target->calls;

      end_poke (target);
      iterate_once ();
      g_assert_cmpuint (target->calls, ==, before + 1);
      g_assert_cmpuint (target->last, ==, G_IO_IN);
    }
  for (guint i = 0; i < n; i++)
    total += ends[i].calls;
  g_assert_cmpuint (total, ==, 3);

  for (guint i = 0; i < n; i++)
    end_close (&ends[i]);
  g_free (ends);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
}

/* The context's first engine takes the last free descriptor: no epoll
 * descriptor can be made, and creating the engine fails with EMFILE
 * (a socket that never reported an event would hang its owner). */
static void
test_no_descriptor_for_epoll (Fixture       *f,
                              gconstpointer  data)
{
  struct rlimit saved, low;
  GArray *dups = g_array_new (FALSE, FALSE, sizeof (int));
  int error_number = 0;
  int fd;

  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  low = saved;
  low.rlim_cur = MIN (saved.rlim_cur, 256);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  while ((fd = dup (STDERR_FILENO)) >= 0 && dups->len < 256)
    g_array_append_val (dups, fd);
  g_assert_cmpint (errno, ==, EMFILE);
  g_assert_cmpuint (dups->len, >, 0);
  close (g_array_index (dups, int, dups->len - 1));
  g_array_set_size (dups, dups->len - 1);

  g_assert_null (_qs_socket_engine_new_tcp (G_SOCKET_FAMILY_IPV4, f->context, on_ready, NULL,
                                            &error_number));
  g_assert_cmpint (error_number, ==, EMFILE);
  /* The socket's descriptor was closed again. */
  fd = dup (STDERR_FILENO);
  g_assert_cmpint (fd, >=, 0);
  close (fd);

  for (guint i = 0; i < dups->len; i++)
    close (g_array_index (dups, int, i));
  g_array_unref (dups);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
}

/* A child of fork() shares its parent's epoll set. It gets a reactor of
 * its own for new engines, does not serve the parent's, and freeing an
 * inherited engine there leaves the parent's registration alone. */
static void
test_fork (Fixture       *f,
           gconstpointer  data)
{
  End a = { 0 };
  GSource *inherited;
  int status = 0;
  pid_t pid;

  end_open (&a);
  qs_test_drain_context ();
  inherited = _qs_socket_engine_get_reactor (a.engine);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      End c = { 0 };

      /* The parent's engine becomes ready: not the child's to serve. */
      end_poke (&a);
      end_open (&c);
      if (_qs_socket_engine_get_reactor (c.engine) == inherited)
        _exit (2);
      end_poke (&c);
      qs_test_run_until (c.calls == 1, TIMEOUT_MS);
      if (a.calls != 0)
        _exit (4);
      end_close (&a);
      end_close (&c);
      qs_test_drain_context ();
      _exit (g_main_context_pending (f->context) ? 3 : 0);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  qs_test_run_until (a.calls == 1, TIMEOUT_MS);
  end_close (&a);
}

/* Two threads, each with a context and engines of its own: two
 * reactors, each serving its own thread. */
typedef struct
{
  GMainContext *context;
  GSource      *reactor;   /* (owned) */
  guint         calls;
  gboolean      wrong_thread;
  pthread_t     thread;
} ThreadRun;

static void
on_thread_ready (GIOCondition condition,
                 gpointer     user_data)
{
  End *end = user_data;
  ThreadRun *run = end->data;

  run->wrong_thread |= !pthread_equal (pthread_self (), run->thread);
  on_ready (condition, user_data);
  run->calls++;
}

static gpointer
thread_main (gpointer data)
{
  ThreadRun *run = data;
  End ends[8] = { { 0 } };

  run->thread = pthread_self ();
  run->context = g_main_context_new ();
  g_main_context_push_thread_default (run->context);
  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    {
      int fds[2];

      g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), ==, 0);
      ends[i].engine = _qs_socket_engine_new (g_socket_new_from_fd (fds[0], NULL), run->context,
                                              on_thread_ready, &ends[i]);
      ends[i].peer = fds[1];
      ends[i].data = run;
      _qs_socket_engine_set_events (ends[i].engine, G_IO_IN);
    }
  run->reactor = g_source_ref (_qs_socket_engine_get_reactor (ends[0].engine));
  for (guint round = 0; round < 50; round++)
    {
      end_poke (&ends[round % G_N_ELEMENTS (ends)]);
      qs_test_run_until (run->calls == round + 1, TIMEOUT_MS);
    }
  for (guint i = 0; i < G_N_ELEMENTS (ends); i++)
    end_close (&ends[i]);
  g_main_context_pop_thread_default (run->context);
  g_main_context_unref (run->context);
  return NULL;
}

static void
test_two_threads (Fixture       *f,
                  gconstpointer  data)
{
  ThreadRun runs[2] = { { 0 } };
  GThread *threads[2];

  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("reactor-test", thread_main, &runs[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (runs[i].calls, ==, 50);
      g_assert_false (runs[i].wrong_thread);
      g_assert_true (g_source_is_destroyed (runs[i].reactor));
    }
  g_assert_true (runs[0].reactor != runs[1].reactor);
  for (guint i = 0; i < 2; i++)
    g_source_unref (runs[i].reactor);
}

/* The classes on one reactor: a TCP socket, a UDP socket, a local socket
 * and a TCP server, each with an event pending in the same batch. The
 * first handler drops every object; the others' events must be dropped. */
typedef struct
{
  GObject *objects[4];   /* (owned) (nullable) */
  guint    calls;
} Classes;

static void
on_class_event (GObject *object,
                gpointer user_data)
{
  Classes *c = user_data;

  c->calls++;
  for (guint i = 0; i < G_N_ELEMENTS (c->objects); i++)
    g_clear_object (&c->objects[i]);
}

static void
test_classes_dropped_in_batch (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocket) listener = NULL, client = NULL, peer = NULL, server_client = NULL;
  QsTcpSocket *tcp = qs_tcp_socket_new ();
  QsUdpSocket *udp = qs_udp_socket_new ();
  g_autoptr(QsUdpSocket) sender = qs_udp_socket_new ();
  QsLocalSocket *local = qs_local_socket_new ();
  QsTcpServer *server = qs_tcp_server_new ();
  Classes c = { { G_OBJECT (tcp), G_OBJECT (udp), G_OBJECT (local), G_OBJECT (server) }, 0 };
  guint16 port;
  int fds[2];

  listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &port);
  client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, port);
  peer = qs_test_accept (listener, TIMEOUT_MS);
  g_assert_true (qs_abstract_socket_set_socket_descriptor (QS_ABSTRACT_SOCKET (tcp),
                                                           dup (g_socket_get_fd (client)),
                                                           QS_SOCKET_STATE_CONNECTED_STATE,
                                                           QS_OPEN_MODE_READ_WRITE));
  qs_test_udp_bind (udp, "127.0.0.1", QS_BIND_FLAGS_DEFAULT_FOR_PLATFORM);
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), ==, 0);
  g_assert_true (qs_local_socket_set_socket_descriptor (local, fds[0],
                                                        QS_LOCAL_SOCKET_STATE_CONNECTED_STATE,
                                                        QS_OPEN_MODE_READ_WRITE));
  g_assert_true (qs_tcp_server_listen (server, loopback, 0));
  for (guint i = 0; i < 3; i++)
    g_signal_connect (c.objects[i], "ready-read", G_CALLBACK (on_class_event), &c);
  g_signal_connect (server, "new-connection", G_CALLBACK (on_class_event), &c);

  qs_test_peer_send (peer, "tcp", -1);
  g_assert_cmpint (qs_udp_socket_write_datagram (sender, (const guint8 *) "udp", 3, loopback,
                                                 qs_test_udp_local_port (udp)), ==, 3);
  g_assert_cmpint (write (fds[1], "local", 5), ==, 5);
  server_client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, qs_tcp_server_get_server_port (server));

  qs_test_run_until (c.calls == 1, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (c.calls, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (c.objects); i++)
    g_assert_null (c.objects[i]);
  close (fds[1]);
}

/* Engines opened (and made ready) or closed by a handler, enough to move
 * the reactor to the other way of polling. */
typedef struct
{
  End      many[N_IDLE];
  gboolean open;        /* open them, else close them */
  gboolean nest;        /* then run a nested loop that serves the other end */
} Switch;

static guint
count_calls (End   *ends,
             guint  n)
{
  guint calls = 0;

  for (guint i = 0; i < n; i++)
    calls += ends[i].calls;
  return calls;
}

static void
switch_ways (End *end)
{
  Switch *sw = end->data;
  End *other = end->other;

  end->action = other->action = NULL;
  if (sw->open)
    for (guint i = 0; i < N_IDLE; i++)
      {
        end_open (&sw->many[i]);
        end_poke (&sw->many[i]);
      }
  else
    close_all (sw->many, N_IDLE);
  if (!sw->nest)
    return;

  /* The nested loop's prepare() switches while the outer batch, which
   * holds the other end, runs; the other end is served here and then
   * freed, so the outer batch must drop its entry. */
  qs_test_run_until (other->calls == 1, TIMEOUT_MS);
  if (sw->open)
    qs_test_run_until (count_calls (sw->many, N_IDLE) == N_IDLE, TIMEOUT_MS);
  g_assert_true (_qs_socket_engine_is_polled_directly (end->engine) == !sw->open);
  end_close (other);
}

/* Up (@data NULL: a few engines, then many) or down, from a handler of a
 * batch of two, with or without a nested loop. */
static void
test_switch_in_batch (Fixture       *f,
                      gconstpointer  data)
{
  const Switch *how = data;
  Switch *sw = g_new0 (Switch, 1);
  End a = { 0 }, b = { 0 };

  sw->open = how->open;
  sw->nest = how->nest;
  if (!sw->open)
    open_idle (sw->many, N_IDLE);
  open_ready_pair (&a, &b, switch_ways, sw);
  g_assert_true (_qs_socket_engine_is_polled_directly (a.engine) == sw->open);

  iterate_once ();
  g_assert_cmpuint (a.calls, ==, 1);
  g_assert_cmpuint (b.calls, ==, 1);
  if (sw->open)
    qs_test_run_until (count_calls (sw->many, N_IDLE) == N_IDLE, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_true ((a.engine == NULL || b.engine == NULL) == sw->nest);
  g_assert_true (_qs_socket_engine_is_polled_directly (a.engine != NULL ? a.engine : b.engine) ==
                 !sw->open);
  g_assert_cmpuint (a.calls, ==, 1);
  g_assert_cmpuint (b.calls, ==, 1);
  if (sw->open)
    for (guint i = 0; i < N_IDLE; i++)
      g_assert_cmpuint (sw->many[i].calls, ==, 1);

  /* Every engine left is served in the new way, with its own events. */
  end_poke (a.engine != NULL ? &a : &b);
  qs_test_run_until (a.calls + b.calls == 3, TIMEOUT_MS);
  if (sw->open)
    {
      End *target = &sw->many[N_IDLE - 1];

      end_poke (target);
      qs_test_run_until (target->calls == 2, TIMEOUT_MS);
      g_assert_cmpuint (target->last, ==, G_IO_IN);
    }
  qs_test_drain_context ();
  g_assert_cmpuint (a.calls + b.calls, ==, 3);
  close_all (sw->many, N_IDLE);
  end_close (&a);
  end_close (&b);
  g_free (sw);
}

/* The count of engines wanting events decides, with a gap: from a few
 * to many and back, over the two thresholds, every engine keeps its
 * events, and one that wants none is not polled either way. */
static void
test_switch_thresholds (Fixture       *f,
                        gconstpointer  data)
{
  End ends[N_IDLE] = { { 0 } };
  guint open = 1;

  end_open (&ends[0]);
  qs_test_drain_context ();
  g_assert_true (_qs_socket_engine_is_polled_directly (ends[0].engine));
  /* An engine that wants nothing does not count. */
  for (; open < 20; open++)
    {
      end_open (&ends[open]);
      _qs_socket_engine_set_events (ends[open].engine, 0);
    }
  qs_test_drain_context ();
  g_assert_true (_qs_socket_engine_is_polled_directly (ends[0].engine));

  /* 17 wanting: through epoll; one asks for G_IO_OUT on the way. */
  for (guint i = 1; i < 17; i++)
    _qs_socket_engine_set_events (ends[i].engine, G_IO_IN);
  _qs_socket_engine_set_events (ends[5].engine, G_IO_IN | G_IO_OUT);
  qs_test_run_until (ends[5].calls == 1, TIMEOUT_MS);
  g_assert_false (_qs_socket_engine_is_polled_directly (ends[0].engine));
  g_assert_cmpuint (ends[5].last, ==, G_IO_OUT);
  _qs_socket_engine_set_events (ends[5].engine, G_IO_IN);

  /* Down to 9: still epoll; to 8: direct. */
  for (guint i = 9; i < 17; i++)
    end_close (&ends[i]);
  qs_test_drain_context ();
  g_assert_false (_qs_socket_engine_is_polled_directly (ends[0].engine));
  end_close (&ends[8]);
  qs_test_drain_context ();
  g_assert_true (_qs_socket_engine_is_polled_directly (ends[0].engine));
  g_assert_cmpuint (count_calls (ends, N_IDLE), ==, 1);

  /* The engine that wants nothing, hung up, does not wake the loop. */
  close (ends[19].peer);
  ends[19].peer = -1;
  for (guint i = 0; i < 8; i++)
    {
      end_poke (&ends[i]);
      qs_test_run_until (ends[i].calls == (i == 5 ? 2u : 1u), TIMEOUT_MS);
      g_assert_cmpuint (ends[i].last, ==, G_IO_IN);
    }
  qs_test_drain_context ();
  g_assert_false (g_main_context_pending (f->context));
  g_assert_cmpuint (count_calls (ends, N_IDLE), ==, 9);
  close_all (ends, N_IDLE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  static const Switch up = { .open = TRUE }, up_nested = { .open = TRUE, .nest = TRUE };
  static const Switch down = { .open = FALSE }, down_nested = { .open = FALSE, .nest = TRUE };

#define ADD(path, fn, data) g_test_add (path, Fixture, data, setup, fn, teardown)
  /* The re-entrancy tests again, on a reactor working through epoll. */
#define ADD_BOTH(name, fn, data)                                                   \
  G_STMT_START {                                                                  \
    g_test_add ("/reactor/" name, Fixture, data, setup, fn, teardown);            \
    g_test_add ("/reactor/epoll/" name, Fixture, data, setup_epoll, fn, teardown); \
  } G_STMT_END
  ADD ("/reactor/one-source", test_one_source, NULL);
  ADD_BOTH ("free-other-in-batch", test_free_other_in_batch, NULL);
  ADD_BOTH ("free-self", test_free_self, NULL);
  ADD_BOTH ("reuse-descriptor", test_reuse_descriptor, NULL);
  ADD_BOTH ("create-in-handler", test_create_in_handler, NULL);
  ADD_BOTH ("nested-loop", test_nested_loop, NULL);
  ADD_BOTH ("nested-loop-then-free", test_nested_loop, GINT_TO_POINTER (1));
  ADD_BOTH ("nested-new-event", test_nested_new_event, NULL);
  ADD_BOTH ("nested-loop-own-events", test_nested_loop_own_events, NULL);
  ADD ("/reactor/last-engine-in-handler", test_last_engine_in_handler, NULL);
  ADD_BOTH ("no-events-no-wakeup", test_no_events_no_wakeup, NULL);
  ADD_BOTH ("events-changed-before-poll", test_events_changed_before_poll, NULL);
  ADD ("/reactor/many-sockets", test_many_sockets, NULL);
  ADD ("/reactor/no-descriptor-for-epoll", test_no_descriptor_for_epoll, NULL);
  ADD ("/reactor/two-threads", test_two_threads, NULL);
  ADD_BOTH ("fork", test_fork, NULL);
  ADD_BOTH ("classes-dropped-in-batch", test_classes_dropped_in_batch, NULL);
  ADD ("/reactor/switch-thresholds", test_switch_thresholds, NULL);
  ADD ("/reactor/switch-up-in-batch", test_switch_in_batch, &up);
  ADD ("/reactor/switch-up-in-nested-loop", test_switch_in_batch, &up_nested);
  ADD ("/reactor/switch-down-in-batch", test_switch_in_batch, &down);
  ADD ("/reactor/switch-down-in-nested-loop", test_switch_in_batch, &down_nested);
#undef ADD_BOTH
#undef ADD

  return g_test_run ();
}
