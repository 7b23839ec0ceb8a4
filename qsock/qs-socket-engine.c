/* qs-socket-engine.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The socket engine: one non-blocking GSocket, registered in the
 * reactor of the owner's GMainContext. A reactor is one GSource per
 * context that owns an epoll descriptor (level-triggered) holding every
 * engine of that context; the context polls that one descriptor, and
 * the reactor's dispatch visits only the descriptors epoll reports
 * ready, so an event costs the same however many idle sockets the
 * context holds. While the context holds only a few engines that want
 * events (up to REACTOR_DIRECT_MAX), their descriptors are instead
 * polled directly by the context, as GPollFDs of the reactor source:
 * that saves the epoll_wait() after each poll, one system call per
 * message; prepare() moves them into the epoll set above that number
 * and back at REACTOR_DIRECT_MIN or fewer. A change of the wanted
 * events is only recorded and queued: the reactor's prepare() makes the
 * change (an epoll_ctl(), or a GPollFD's events) before the context
 * polls again, so that a socket that arms and disarms G_IO_OUT within
 * one dispatch (a reply written and flushed at once) costs nothing.
 * I/O uses
 * the descriptor's system calls directly so that EAGAIN costs no GError
 * allocation. Errors come back as errno values; one function maps them
 * to QsSocketError and Qt's (translated) messages.
 */

#include "config.h"

#ifndef _GNU_SOURCE
# define _GNU_SOURCE  /* accept4 */
#endif

#include <errno.h>
#include <pthread.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>
#include <stddef.h>
#include <net/if.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib/gi18n-lib.h>

#include "qs-socket-engine.h"

/* A native IPv4 or IPv6 socket address. */
typedef union
{
  struct sockaddr     any;
  struct sockaddr_in  v4;
  struct sockaddr_in6 v6;
} NativeAddress;

/* Room for the control messages of one datagram: a received one carries
 * IPv6 or IPv4 packet info and hop limit; one sent carries at most one
 * packet info and one hop limit. */
typedef union
{
  struct cmsghdr align;
  char           buffer[CMSG_SPACE (sizeof (struct in6_pktinfo)) + CMSG_SPACE (sizeof (int)) +
                        CMSG_SPACE (sizeof (struct in_pktinfo)) + CMSG_SPACE (sizeof (int))];
} ControlBuffer;

/* The memory of the batched calls, kept between calls and grown to the
 * largest batch so that a steady flow allocates nothing in the engine. */
typedef struct
{
  struct mmsghdr *messages;
  struct iovec   *vectors;
  NativeAddress  *names;
  ControlBuffer  *controls;
  QsDatagramIn   *received;
  guint           capacity;
  guint8         *payload;        /* received datagrams, one slot each */
  gsize           payload_size;
  gsize           received_size;  /* the slot size the messages are set up for */
  guint           received_count; /* how many messages are set up to receive */
} Batch;

/* The most ready descriptors one dispatch of a reactor takes; any more
 * stay ready (epoll is level-triggered) for the next iteration. */
#define REACTOR_BATCH 128

/* Above this many polled engines (those that want events), a reactor
 * polls them through its epoll set; at REACTOR_DIRECT_MIN or fewer,
 * directly again. The gap keeps a count that moves around one number
 * from moving every engine back and forth. */
#define REACTOR_DIRECT_MAX 16
#define REACTOR_DIRECT_MIN 8

typedef struct _Reactor Reactor;

/* Where an engine's change of events goes. */
typedef enum
{
  CHANGE_NONE,        /* nothing pending */
  CHANGE_QUEUED,      /* in the reactor's list, for its prepare() */
  CHANGE_DISPATCHING, /* its callback runs: applied when it returns */
} Change;

struct _QsSocketEngine
{
  GSocket           *socket;   /* (owned) */
  int                fd;
  GSocketFamily      family;
  Reactor           *reactor;  /* (nullable): NULL when none could be made;
                                * the engine then never reports events */
  GIOCondition       events;   /* what the owner wants watched */
  GIOCondition       watched;  /* what the reactor polls (0: not polled) */
  GPollFD            pollfd;   /* the reactor source's, while polled directly */
  Change             change;   /* CHANGE_NONE once freed */
  guint64            served;   /* the serial of the batch that served it last */
  QsSocketEngine    *prev;     /* the list of changes, or the graveyard */
  QsSocketEngine    *next;
  QsSocketEngine    *polled_prev; /* the reactor's list of polled engines */
  QsSocketEngine    *polled_next;
  QsSocketEngineFunc func;
  gpointer           user_data;
  Batch              batch;
};

/* A dispatch of a reactor running, and the engine whose callback it
 * runs: nested loops stack them. */
typedef struct _Frame Frame;

struct _Frame
{
  QsSocketEngine *engine;   /* (nullable) */
  Frame          *up;       /* (nullable): the dispatch it nests in */
};

/* One per GMainContext that holds engines: a GSource polling one epoll
 * descriptor in which every engine of the context is registered. */
struct _Reactor
{
  GSource         source;
  GMainContext   *context;     /* (unowned): the key in `reactors` */
  int             epfd;
  guint           n_engines;   /* under the `reactors` lock */
  Frame          *frames;      /* (nullable): the innermost dispatch running;
                                * NULL when none runs */
  guint64         serial;      /* batches taken so far */
  guint           generation;  /* fork_generation when it was made */
  gboolean        direct;      /* engines polled as GPollFDs, not through epoll */
  gpointer        tag;         /* (nullable): the epoll descriptor's, while polled */
  guint           n_polled;    /* the length of `polled` */
  gboolean        switch_due;  /* n_polled crossed the threshold of the way */
  QsSocketEngine *polled;      /* engines whose watched events are not 0 */
  QsSocketEngine *changes;     /* engines whose watched events are stale */
  QsSocketEngine *graveyard;   /* engines freed while a batch ran */
};

/* The reactor of each context, found when an engine attaches. */
G_LOCK_DEFINE_STATIC (reactors);
static GHashTable *reactors;

/* Bumped in the child of each fork(). A child shares its parent's epoll
 * sets: a reactor made before the fork must neither add to nor remove
 * from its set there (the parent would get the child's pointers, or
 * lose its own descriptors), nor keep polling it. */
static guint fork_generation;

static void
on_fork_child (void)
{
  fork_generation++;
}

static gboolean
reactor_is_inherited (Reactor *reactor)
{
  return reactor->generation != fork_generation;
}

/* GIOCondition has poll()'s values, which epoll shares on Linux. */
G_STATIC_ASSERT ((int) G_IO_IN == (int) EPOLLIN && (int) G_IO_OUT == (int) EPOLLOUT &&
                 (int) G_IO_PRI == (int) EPOLLPRI && (int) G_IO_ERR == (int) EPOLLERR &&
                 (int) G_IO_HUP == (int) EPOLLHUP);

/* Whether @n polled engines belong to the other way of polling. */
static gboolean
reactor_should_switch (Reactor *reactor,
                       guint    n)
{
  return reactor->direct ? n > REACTOR_DIRECT_MAX : n <= REACTOR_DIRECT_MIN;
}

static void
link_polled (QsSocketEngine *self)
{
  Reactor *reactor = self->reactor;

  self->polled_prev = NULL;
  self->polled_next = reactor->polled;
  if (reactor->polled != NULL)
    reactor->polled->polled_prev = self;
  reactor->polled = self;
  reactor->n_polled++;
  reactor->switch_due = reactor_should_switch (reactor, reactor->n_polled);
}

static void
unlink_polled (QsSocketEngine *self)
{
  Reactor *reactor = self->reactor;

  reactor->n_polled--;
  reactor->switch_due = reactor_should_switch (reactor, reactor->n_polled);
  if (self->polled_prev != NULL)
    self->polled_prev->polled_next = self->polled_next;
  else
    reactor->polled = self->polled_next;
  if (self->polled_next != NULL)
    self->polled_next->polled_prev = self->polled_prev;
  self->polled_prev = self->polled_next = NULL;
}

static int
epoll_apply (QsSocketEngine *self,
             int             op,
             GIOCondition    events)
{
  struct epoll_event event = { 0 };

  event.events = events;
  event.data.ptr = self;
  return epoll_ctl (self->reactor->epfd, op, self->fd, &event);
}

/* Starts polling the engine's descriptor for @events, in the reactor's
 * current way. FALSE if epoll refused it. */
static gboolean
poll_start (QsSocketEngine *self,
            GIOCondition    events)
{
  Reactor *reactor = self->reactor;

  if (!reactor->direct)
    return epoll_apply (self, EPOLL_CTL_ADD, events) == 0;
  self->pollfd.fd = self->fd;
  self->pollfd.events = events;
  self->pollfd.revents = 0;
  g_source_add_poll (&reactor->source, &self->pollfd);
  return TRUE;
}

/* A GPollFD is the child's own memory; an epoll set is shared with the
 * parent, which a child must not change. */
static void
poll_stop (QsSocketEngine *self)
{
  Reactor *reactor = self->reactor;

  if (reactor->direct)
    g_source_remove_poll (&reactor->source, &self->pollfd);
  else if (!reactor_is_inherited (reactor))
    epoll_ctl (reactor->epfd, EPOLL_CTL_DEL, self->fd, NULL);
}

/* Makes the reactor poll exactly the wanted events. With none, the
 * descriptor leaves the poll, so that a hung-up socket (poll and epoll
 * always report HUP and ERR) cannot wake the loop while nobody listens. */
static void
apply_events (QsSocketEngine *self)
{
  if (reactor_is_inherited (self->reactor))
    return;
  if (self->events == 0)
    {
      poll_stop (self);
      unlink_polled (self);
      self->watched = 0;
    }
  else if (self->watched == 0)
    {
      if (poll_start (self, self->events))
        {
          link_polled (self);
          self->watched = self->events;
        }
    }
  else if (self->reactor->direct)
    {
      /* Read by the context when it next polls: no system call. */
      self->pollfd.events = self->events;
      self->watched = self->events;
    }
  else if (epoll_apply (self, EPOLL_CTL_MOD, self->events) == 0)
    self->watched = self->events;
}

/* Moves every polled engine from the GPollFDs into the epoll set or
 * back. Safe while batches run: they hold the engines, not the way
 * they were polled. */
static void
reactor_switch (Reactor *reactor)
{
  QsSocketEngine *engine, *next;

  for (engine = reactor->polled; engine != NULL; engine = engine->polled_next)
    poll_stop (engine);
  reactor->direct = !reactor->direct;
  reactor->switch_due = reactor_should_switch (reactor, reactor->n_polled);
  for (engine = reactor->polled; engine != NULL; engine = next)
    {
      next = engine->polled_next;
      if (!poll_start (engine, engine->watched))
        {
          /* Out of epoll's memory: as an epoll_ctl() failed in apply_events(). */
          unlink_polled (engine);
          engine->watched = 0;
        }
    }
  if (reactor->direct)
    {
      g_source_remove_unix_fd (&reactor->source, reactor->tag);
      reactor->tag = NULL;
    }
  else
    reactor->tag = g_source_add_unix_fd (&reactor->source, reactor->epfd, G_IO_IN);
}

static void
unlink_change (QsSocketEngine *self)
{
  if (self->prev != NULL)
    self->prev->next = self->next;
  else
    self->reactor->changes = self->next;
  if (self->next != NULL)
    self->next->prev = self->prev;
  self->prev = self->next = NULL;
  self->change = CHANGE_NONE;
}

/* Makes the queued changes, switching the way of polling first if the
 * count they will make calls for, so that they go to the new way at
 * once. */
static void
reactor_apply_changes (Reactor *reactor)
{
  if (!reactor_is_inherited (reactor))
    {
      guint n = reactor->n_polled;

      for (QsSocketEngine *engine = reactor->changes; engine != NULL; engine = engine->next)
        n += (engine->events != 0) - (engine->watched != 0);
      if (reactor_should_switch (reactor, n))
        reactor_switch (reactor);
    }
  while (reactor->changes != NULL)
    {
      QsSocketEngine *engine = reactor->changes;

      unlink_change (engine);
      if (engine->watched != engine->events)
        apply_events (engine);
    }
}

/* prepare()'s work when there is any: the queued changes, and in a
 * nested loop the changes of the engines whose callbacks run it, made
 * now rather than when they return. A freed engine wants nothing and
 * watches nothing, so it is left alone. */
G_GNUC_NO_INLINE static void
reactor_catch_up (Reactor *reactor)
{
  if (reactor->changes != NULL || reactor->switch_due)
    reactor_apply_changes (reactor);
  for (Frame *frame = reactor->frames; frame != NULL; frame = frame->up)
    {
      QsSocketEngine *engine = frame->engine;

      if (engine != NULL && engine->watched != engine->events)
        apply_events (engine);
    }
}

/* Runs before every poll of the context, nested loops included; it only
 * visits the engines whose wanted events changed since. The usual case,
 * nothing queued and no dispatch running, is three tests. */
static gboolean
reactor_prepare (GSource *source,
                 int     *timeout)
{
  Reactor *reactor = (Reactor *) source;

  *timeout = -1;
  if (G_UNLIKELY (reactor->changes != NULL || reactor->switch_due || reactor->frames != NULL))
    reactor_catch_up (reactor);
  return FALSE;
}

/* Whether a directly polled descriptor is ready; with epoll, GLib checks
 * the epoll descriptor itself. */
static gboolean
reactor_check (GSource *source)
{
  Reactor *reactor = (Reactor *) source;

  if (!reactor->direct)
    return FALSE;
  for (QsSocketEngine *engine = reactor->polled; engine != NULL; engine = engine->polled_next)
    if (engine->pollfd.revents != 0)
      return TRUE;
  return FALSE;
}

/* The directly polled engines that are ready, in @ready as epoll_wait()
 * would give them. GLib's check sets every revents that this reads from
 * the poll just made (a nested loop polls again before its dispatch). */
static int
reactor_take_direct (Reactor            *reactor,
                     struct epoll_event *ready,
                     int                 size)
{
  int n = 0;

  for (QsSocketEngine *engine = reactor->polled; engine != NULL && n < size;
       engine = engine->polled_next)
    if (engine->pollfd.revents != 0)
      {
        ready[n].events = engine->pollfd.revents;
        ready[n].data.ptr = engine;
        n++;
      }
  return n;
}

static void
engine_destroy (QsSocketEngine *self)
{
  g_free (self->batch.messages);
  g_free (self->batch.vectors);
  g_free (self->batch.names);
  g_free (self->batch.controls);
  g_free (self->batch.received);
  g_free (self->batch.payload);
  g_free (self);
}

static void
reactor_bury (Reactor *reactor)
{
  while (reactor->graveyard != NULL)
    {
      QsSocketEngine *engine = reactor->graveyard;

      reactor->graveyard = engine->next;
      engine_destroy (engine);
    }
}

/* In a child after fork(): the parent's sockets are not ours to serve. */
G_GNUC_NO_INLINE static void
reactor_leave_inherited (Reactor *reactor)
{
  if (reactor->tag != NULL)
    g_source_remove_unix_fd (&reactor->source, reactor->tag);
  reactor->tag = NULL;
  while (reactor->polled != NULL)
    {
      QsSocketEngine *engine = reactor->polled;

      poll_stop (engine);
      unlink_polled (engine);
      engine->watched = 0;
    }
}

/* Takes the ready descriptors and calls their owners. A callback may
 * free any engine, its own included, or run a nested loop that
 * dispatches this source again: a freed engine only stops wanting
 * events (and its change is dropped) until the outermost dispatch ends,
 * so every entry of the batch stays readable and is skipped; one served
 * by a nested batch is left to the next iteration (it is still ready if
 * it has more to do); and an engine made during the batch, even on a
 * reused descriptor number, is not in it. */
static gboolean
reactor_dispatch (GSource     *source,
                  GSourceFunc  callback,
                  gpointer     user_data)
{
  Reactor *reactor = (Reactor *) source;
  struct epoll_event ready[REACTOR_BATCH];
  Frame frame = { NULL, reactor->frames };
  guint64 serial;
  int n;

  if (G_UNLIKELY (reactor_is_inherited (reactor)))
    {
      reactor_leave_inherited (reactor);
      return G_SOURCE_CONTINUE;
    }

  /* On failure (EINTR), the descriptors stay ready for the next iteration. */
  if (reactor->direct)
    n = reactor_take_direct (reactor, ready, G_N_ELEMENTS (ready));
  else
    n = epoll_wait (reactor->epfd, ready, G_N_ELEMENTS (ready), 0);
  serial = ++reactor->serial;
  reactor->frames = &frame;
  for (int i = 0; i < n; i++)
    {
      QsSocketEngine *engine = ready[i].data.ptr;
      /* Only what is wanted now: the set may predate a change. */
      GIOCondition revents = ready[i].events & (engine->events | G_IO_HUP | G_IO_ERR);

      /* Freed engines want nothing. */
      if (engine->events == 0 || revents == 0 || engine->served > serial)
        continue;
      engine->served = serial;
      if (engine->change == CHANGE_NONE)
        engine->change = CHANGE_DISPATCHING;
      frame.engine = engine;
      engine->func (revents, engine->user_data);   /* may free any engine */
      /* Freeing drops the change. */
      if (engine->change == CHANGE_DISPATCHING)
        {
          engine->change = CHANGE_NONE;
          if (engine->events != engine->watched)
            apply_events (engine);
        }
    }
  reactor->frames = frame.up;
  if (frame.up == NULL && reactor->graveyard != NULL)
    reactor_bury (reactor);

  return G_SOURCE_CONTINUE;
}

static void
reactor_finalize (GSource *source)
{
  Reactor *reactor = (Reactor *) source;

  reactor_bury (reactor);
  close (reactor->epfd);
}

static GSourceFuncs reactor_funcs = {
  reactor_prepare, reactor_check, reactor_dispatch, reactor_finalize, NULL, NULL,
};

/* The reactor of @context, made and attached for its first engine. NULL
 * with errno set when no epoll descriptor can be made. */
static Reactor *
reactor_acquire (GMainContext *context)
{
  Reactor *reactor;

  G_LOCK (reactors);
  if (reactors == NULL)
    {
      reactors = g_hash_table_new (NULL, NULL);
      pthread_atfork (NULL, NULL, on_fork_child);
    }
  reactor = g_hash_table_lookup (reactors, context);
  /* An inherited reactor lives on for its engines, out of the registry. */
  if (reactor == NULL || reactor_is_inherited (reactor))
    {
      int epfd = epoll_create1 (EPOLL_CLOEXEC);

      if (epfd < 0)
        {
          int error_number = errno;

          G_UNLOCK (reactors);
          errno = error_number;
          return NULL;
        }
      reactor = (Reactor *) g_source_new (&reactor_funcs, sizeof (Reactor));
      reactor->context = context;
      reactor->epfd = epfd;
      reactor->generation = fork_generation;
      reactor->direct = TRUE;
      g_source_set_static_name (&reactor->source, "[qsock] reactor");
      /* A handler that runs a nested loop still gets its sockets served
       * (Qt reads into the buffer meanwhile). */
      g_source_set_can_recurse (&reactor->source, TRUE);
      g_source_attach (&reactor->source, context);
      g_hash_table_insert (reactors, context, reactor);
    }
  reactor->n_engines++;
  G_UNLOCK (reactors);
  return reactor;
}

/* Drops an engine's hold on @reactor: the last one destroys it (a
 * running dispatch keeps its memory until it returns). */
static void
reactor_release (Reactor *reactor)
{
  gboolean last;

  G_LOCK (reactors);
  last = --reactor->n_engines == 0;
  if (last && g_hash_table_lookup (reactors, reactor->context) == reactor)
    g_hash_table_remove (reactors, reactor->context);
  G_UNLOCK (reactors);

  if (last)
    {
      g_source_destroy (&reactor->source);
      g_source_unref (&reactor->source);
    }
}

QsSocketEngine *
_qs_socket_engine_new (GSocket            *socket,
                       GMainContext       *context,
                       QsSocketEngineFunc  func,
                       gpointer            user_data)
{
  QsSocketEngine *self = g_new0 (QsSocketEngine, 1);

  self->socket = socket;
  self->fd = g_socket_get_fd (socket);
  self->family = g_socket_get_family (socket);
  self->func = func;
  self->user_data = user_data;
  self->reactor = reactor_acquire (context != NULL ? context : g_main_context_default ());

  return self;
}

/* A non-blocking, close-on-exec socket of @domain and @type; IPv6
 * sockets are dual-stack. -1 with errno in @error_number on failure. */
static int
new_fd (int  domain,
        int  type,
        int *error_number)
{
  int fd = socket (domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

  if (fd < 0)
    {
      *error_number = errno;
      return -1;
    }

  if (domain == AF_INET6)
    {
      int off = 0;

      setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
  return fd;
}

static int
inet_domain (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? AF_INET6 : AF_INET;
}

static QsSocketEngine *
engine_new_from_fd (int                 fd,
                    GMainContext       *context,
                    QsSocketEngineFunc  func,
                    gpointer            user_data,
                    int                *error_number)
{
  QsSocketEngine *engine;
  GSocket *gsocket;

  if (fd < 0)
    return NULL;

  gsocket = g_socket_new_from_fd (fd, NULL);
  if (gsocket == NULL)
    {
      *error_number = EINVAL;
      close (fd);
      return NULL;
    }

  engine = _qs_socket_engine_new (gsocket, context, func, user_data);
  if (engine->reactor == NULL)
    {
      /* The context's first engine, and no descriptor left for epoll. */
      *error_number = errno;
      _qs_socket_engine_free (engine);
      return NULL;
    }
  return engine;
}

/* A TCP socket; IPv6 sockets are dual-stack. */
QsSocketEngine *
_qs_socket_engine_new_tcp (GSocketFamily       family,
                           GMainContext       *context,
                           QsSocketEngineFunc  func,
                           gpointer            user_data,
                           int                *error_number)
{
  return engine_new_from_fd (new_fd (inet_domain (family), SOCK_STREAM, error_number),
                             context, func, user_data, error_number);
}

/* A Unix-domain stream socket. */
QsSocketEngine *
_qs_socket_engine_new_unix (GMainContext       *context,
                            QsSocketEngineFunc  func,
                            gpointer            user_data,
                            int                *error_number)
{
  return engine_new_from_fd (new_fd (AF_UNIX, SOCK_STREAM, error_number),
                             context, func, user_data, error_number);
}

/* A UDP socket, set up as Qt's engine sets up its UDP sockets: broadcast
 * allowed, and each received datagram carries its destination address,
 * interface and hop limit (IPv4 options on an IPv4 socket, IPv6 ones on
 * a dual-stack IPv6 socket, as Qt: a dual-stack socket reports no hop
 * limit for IPv4 datagrams). */
QsSocketEngine *
_qs_socket_engine_new_udp (GSocketFamily       family,
                           GMainContext       *context,
                           QsSocketEngineFunc  func,
                           gpointer            user_data,
                           int                *error_number)
{
  int fd = new_fd (inet_domain (family), SOCK_DGRAM, error_number);
  int on = 1;

  if (fd >= 0)
    {
      setsockopt (fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
      if (family == G_SOCKET_FAMILY_IPV6)
        {
          setsockopt (fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on);
          setsockopt (fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on);
        }
      else
        {
          setsockopt (fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
          setsockopt (fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
        }
    }
  return engine_new_from_fd (fd, context, func, user_data, error_number);
}

/* Leaves the reactor and closes the socket. Safe from inside any
 * engine's callback: during a dispatch the memory is only freed once
 * the dispatch returns, so that the batch can still read it. */
void
_qs_socket_engine_free (QsSocketEngine *self)
{
  Reactor *reactor;

  if (self == NULL)
    return;

  reactor = self->reactor;
  if (reactor != NULL)
    {
      if (self->change == CHANGE_QUEUED)
        unlink_change (self);
      /* Before the close: a duplicate of the descriptor would keep it in the set. */
      if (self->watched != 0)
        {
          poll_stop (self);
          unlink_polled (self);
        }
    }
  g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);

  if (reactor != NULL && reactor->frames != NULL)
    {
      /* A running batch may still hold it: what it reads says "skip". */
      self->events = 0;
      self->watched = 0;
      self->change = CHANGE_NONE;
      self->next = reactor->graveyard;
      reactor->graveyard = self;
    }
  else
    engine_destroy (self);

  if (reactor != NULL)
    reactor_release (reactor);
}

GSocket *
_qs_socket_engine_get_socket (QsSocketEngine *self)
{
  return self->socket;
}

int
_qs_socket_engine_get_fd (QsSocketEngine *self)
{
  return self->fd;
}

GSocketFamily
_qs_socket_engine_get_family (QsSocketEngine *self)
{
  return self->family;
}

/* The reactor's source on the engine's context (NULL if none could be
 * made); (transfer none). */
GSource *
_qs_socket_engine_get_reactor (QsSocketEngine *self)
{
  return self->reactor != NULL ? &self->reactor->source : NULL;
}

/* Watches exactly @events from the next poll of the context on. The
 * change is made when the engine's own callback returns, or else queued
 * for the reactor's prepare(), so that arming and disarming within one
 * dispatch costs no system call. */
void
_qs_socket_engine_set_events (QsSocketEngine *self,
                              GIOCondition    events)
{
  Reactor *reactor;

  self->events = events;
  if (self->change != CHANGE_NONE || events == self->watched)
    return;
  reactor = self->reactor;
  if (reactor == NULL)
    return;
  self->change = CHANGE_QUEUED;
  self->next = reactor->changes;
  if (self->next != NULL)
    self->next->prev = self;
  reactor->changes = self;
}

/* Whether the engine's reactor polls its engines directly rather than
 * through its epoll set, for tests. */
gboolean
_qs_socket_engine_is_polled_directly (QsSocketEngine *self)
{
  return self->reactor != NULL && self->reactor->direct;
}

GIOCondition
_qs_socket_engine_get_events (QsSocketEngine *self)
{
  return self->events;
}

gint64
_qs_deadline_from_msecs (int msecs)
{
  if (msecs < 0)
    return -1;
  return g_get_monotonic_time () + (gint64) msecs * 1000;
}

/* Blocks in poll() on this descriptor alone (never on a GMainContext)
 * until one of @events is ready or the monotonic @deadline (-1: none)
 * passes. Returns the ready conditions, 0 at the deadline. */
GIOCondition
_qs_socket_engine_poll (QsSocketEngine *self,
                        GIOCondition    events,
                        gint64          deadline)
{
  for (;;)
    {
      GPollFD pfd = { self->fd, events, 0 };
      int timeout = -1;
      int n;

      if (deadline >= 0)
        {
          gint64 left = deadline - g_get_monotonic_time ();

          timeout = left <= 0 ? 0 : (int) MIN ((left + 999) / 1000, G_MAXINT);
        }

      n = g_poll (&pfd, 1, timeout);
      if (n > 0)
        return pfd.revents;
      if (n == 0)
        {
          if (deadline >= 0 && g_get_monotonic_time () >= deadline)
            return 0;
          continue;
        }
      if (errno != EINTR)
        return G_IO_ERR;
    }
}

/* _qs_socket_receive() on the engine's descriptor. */
gssize
_qs_socket_engine_receive (QsSocketEngine *self,
                           guint8         *buffer,
                           gsize           size,
                           int            *error_number)
{
  return _qs_socket_receive (self->fd, buffer, size, error_number);
}

gssize
_qs_socket_engine_send_vectors (QsSocketEngine     *self,
                                const struct iovec *vectors,
                                guint               n_vectors,
                                int                *error_number)
{
  struct msghdr msg = { 0 };

  msg.msg_iov = (struct iovec *) vectors;
  msg.msg_iovlen = n_vectors;

  for (;;)
    {
      gssize n = sendmsg (self->fd, &msg, MSG_NOSIGNAL);

      if (n >= 0)
        return n;
      if (errno != EINTR)
        {
          *error_number = errno;
          return -1;
        }
    }
}

/* Fills @self with @address (NULL: no address) and @port. */
void
_qs_inet_endpoint_set (QsInetEndpoint *self,
                       GInetAddress   *address,
                       guint16         port)
{
  self->port = port;
  if (address == NULL)
    {
      self->family = G_SOCKET_FAMILY_INVALID;
      return;
    }
  self->family = g_inet_address_get_family (address);
  memcpy (self->bytes, g_inet_address_to_bytes (address),
          self->family == G_SOCKET_FAMILY_IPV6 ? 16 : 4);
}

/* The address of @self as an object; NULL when it has none. */
GInetAddress *
_qs_inet_endpoint_to_address (const QsInetEndpoint *self)
{
  if (self->family == G_SOCKET_FAMILY_INVALID)
    return NULL;
  return g_inet_address_new_from_bytes (self->bytes, self->family);
}

gboolean
_qs_inet_endpoint_same_address (const QsInetEndpoint *a,
                                const QsInetEndpoint *b)
{
  return a->family == b->family &&
         (a->family == G_SOCKET_FAMILY_INVALID ||
          memcmp (a->bytes, b->bytes, a->family == G_SOCKET_FAMILY_IPV6 ? 16 : 4) == 0);
}

static const guint8 ipv4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* An IPv4 address, or an IPv4-mapped IPv6 one; *@bytes gets its four bytes. */
static gboolean
endpoint_is_ipv4 (const QsInetEndpoint  *self,
                  const guint8         **bytes)
{
  if (self->family == G_SOCKET_FAMILY_IPV4)
    {
      *bytes = self->bytes;
      return TRUE;
    }
  *bytes = self->bytes + 12;
  return memcmp (self->bytes, ipv4_mapped_prefix, sizeof ipv4_mapped_prefix) == 0;
}

/* Builds the native address for a socket of @family; an IPv4 address on
 * a dual-stack IPv6 socket becomes ::ffff:a.b.c.d. 0 when it cannot. */
static socklen_t
endpoint_to_native (GSocketFamily         family,
                    const QsInetEndpoint *endpoint,
                    NativeAddress        *native)
{
  if (family == G_SOCKET_FAMILY_IPV4)
    {
      if (endpoint->family != G_SOCKET_FAMILY_IPV4)
        return 0;
      memset (&native->v4, 0, sizeof native->v4);
      native->v4.sin_family = AF_INET;
      native->v4.sin_port = g_htons (endpoint->port);
      memcpy (&native->v4.sin_addr, endpoint->bytes, 4);
      return sizeof native->v4;
    }

  memset (&native->v6, 0, sizeof native->v6);
  native->v6.sin6_family = AF_INET6;
  native->v6.sin6_port = g_htons (endpoint->port);
  if (endpoint->family == G_SOCKET_FAMILY_IPV4)
    {
      memcpy (native->v6.sin6_addr.s6_addr, ipv4_mapped_prefix, sizeof ipv4_mapped_prefix);
      memcpy (&native->v6.sin6_addr.s6_addr[12], endpoint->bytes, 4);
    }
  else
    memcpy (&native->v6.sin6_addr, endpoint->bytes, 16);
  return sizeof native->v6;
}

/* The endpoint of a native address; no address for another family. */
static void
endpoint_from_native (const NativeAddress *native,
                      QsInetEndpoint      *endpoint)
{
  switch (native->any.sa_family)
    {
    case AF_INET:
      endpoint->family = G_SOCKET_FAMILY_IPV4;
      endpoint->port = g_ntohs (native->v4.sin_port);
      memcpy (endpoint->bytes, &native->v4.sin_addr, 4);
      break;
    case AF_INET6:
      endpoint->family = G_SOCKET_FAMILY_IPV6;
      endpoint->port = g_ntohs (native->v6.sin6_port);
      memcpy (endpoint->bytes, &native->v6.sin6_addr, 16);
      break;
    default:
      endpoint->family = G_SOCKET_FAMILY_INVALID;
      break;
    }
}

/* endpoint_to_native() for @address:@port. */
static socklen_t
to_native (GSocketFamily  family,
           GInetAddress  *address,
           guint16        port,
           NativeAddress *native)
{
  QsInetEndpoint endpoint;

  _qs_inet_endpoint_set (&endpoint, address, port);
  return endpoint_to_native (family, &endpoint, native);
}

static int
connect_native (QsSocketEngine        *self,
                const struct sockaddr *address,
                socklen_t              len)
{
  while (connect (self->fd, address, len) < 0)
    {
      if (errno != EINTR)
        return errno;
    }
  return 0;
}

/* Starts a non-blocking connect: 0 when connected at once, EINPROGRESS
 * while pending, another errno on failure. */
int
_qs_socket_engine_connect (QsSocketEngine *self,
                           GInetAddress   *address,
                           guint16         port)
{
  NativeAddress native;
  socklen_t len = to_native (self->family, address, port, &native);

  if (len == 0)
    return EAFNOSUPPORT;
  return connect_native (self, &native.any, len);
}

/* A Unix-domain address: a path, or a name in the abstract namespace
 * (a leading NUL, no terminator). 0 when @path does not fit. */
static socklen_t
unix_address (const char         *path,
              gboolean            abstract,
              struct sockaddr_un *address)
{
  gsize length = strlen (path);
  gsize offset = abstract ? 1 : 0;

  memset (address, 0, sizeof *address);
  address->sun_family = AF_UNIX;
  if (length == 0 || length + offset >= sizeof address->sun_path)
    return 0;
  memcpy (address->sun_path + offset, path, length);
  return offsetof (struct sockaddr_un, sun_path) + offset + length + (abstract ? 0 : 1);
}

static int
bind_native (QsSocketEngine        *self,
             const struct sockaddr *address,
             socklen_t              len)
{
  return bind (self->fd, address, len) < 0 ? errno : 0;
}

/* Runs @op (connect or bind) on the Unix-domain address of @path. */
static int
with_unix_address (QsSocketEngine *self,
                   const char     *path,
                   gboolean        abstract,
                   int           (*op) (QsSocketEngine        *self,
                                        const struct sockaddr *address,
                                        socklen_t              len))
{
  struct sockaddr_un address;
  socklen_t len = unix_address (path, abstract, &address);

  if (len == 0)
    return ENAMETOOLONG;
  return op (self, (struct sockaddr *) &address, len);
}

/* connect() to a Unix-domain server; errnos as _qs_socket_engine_connect()
 * (EAGAIN when the server's backlog is full). */
int
_qs_socket_engine_connect_unix (QsSocketEngine *self,
                                const char     *path,
                                gboolean        abstract)
{
  return with_unix_address (self, path, abstract, connect_native);
}

int
_qs_socket_engine_bind_unix (QsSocketEngine *self,
                             const char     *path,
                             gboolean        abstract)
{
  return with_unix_address (self, path, abstract, bind_native);
}

/* The path (or abstract name) a Unix-domain socket is bound to; NULL when
 * it is not bound or not a Unix-domain socket. */
char *
_qs_socket_engine_get_unix_path (QsSocketEngine *self,
                                 gboolean       *abstract)
{
  struct sockaddr_un address;
  socklen_t len = sizeof address;
  gsize length;

  memset (&address, 0, sizeof address);
  if (getsockname (self->fd, (struct sockaddr *) &address, &len) < 0 ||
      address.sun_family != AF_UNIX || len <= offsetof (struct sockaddr_un, sun_path))
    return NULL;

  length = len - offsetof (struct sockaddr_un, sun_path);
  *abstract = address.sun_path[0] == '\0';
  if (*abstract)
    return g_strndup (address.sun_path + 1, length - 1);
  return g_strndup (address.sun_path, length);
}

/* The outcome of a pending connect once the socket is writable. */
int
_qs_socket_engine_finish_connect (QsSocketEngine *self)
{
  int value = 0;
  socklen_t len = sizeof value;

  if (getsockopt (self->fd, SOL_SOCKET, SO_ERROR, &value, &len) < 0)
    return errno;
  return value;
}

int
_qs_socket_engine_bind (QsSocketEngine *self,
                        GInetAddress   *address,
                        guint16         port,
                        gboolean        reuse_address)
{
  NativeAddress native;
  socklen_t len;
  int reuse = reuse_address ? 1 : 0;
  g_autoptr(GInetAddress) any = NULL;

  if (address == NULL)
    address = any = g_inet_address_new_any (self->family);

  len = to_native (self->family, address, port, &native);
  if (len == 0)
    return EAFNOSUPPORT;

  setsockopt (self->fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
  if (bind (self->fd, &native.any, len) < 0)
    return errno;
  return 0;
}

int
_qs_socket_engine_listen (QsSocketEngine *self,
                          int             backlog)
{
  if (listen (self->fd, backlog) < 0)
    return errno;
  return 0;
}

/* Returns a new non-blocking, close-on-exec descriptor, or -1 with errno
 * in @error_number (EAGAIN when no connection waits). */
int
_qs_socket_engine_accept (QsSocketEngine *self,
                          int            *error_number)
{
  for (;;)
    {
      int fd = accept4 (self->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

      if (fd >= 0)
        return fd;
      if (errno != EINTR)
        {
          *error_number = errno;
          return -1;
        }
    }
}

/* A native IPv4 or IPv6 socket address as a GInetAddress (and port),
 * built from the raw bytes because g_socket_address_new_from_native()
 * turns ::ffff:a.b.c.d into a.b.c.d, and Qt reports the mapped form.
 * NULL for another family. */
GInetAddress *
_qs_inet_address_from_native (const struct sockaddr_storage *storage,
                              guint16                       *port)
{
  if (storage->ss_family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) storage;

      *port = g_ntohs (sin->sin_port);
      return g_inet_address_new_from_bytes ((const guint8 *) &sin->sin_addr, G_SOCKET_FAMILY_IPV4);
    }
  if (storage->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) storage;

      *port = g_ntohs (sin6->sin6_port);
      return g_inet_address_new_from_bytes ((const guint8 *) &sin6->sin6_addr, G_SOCKET_FAMILY_IPV6);
    }
  return NULL;
}

/* The local (or @peer) address and port; FALSE when there is none.
 * Built from the raw bytes because g_socket_address_new_from_native()
 * turns ::ffff:a.b.c.d into a.b.c.d, and Qt reports the mapped form. */
gboolean
_qs_socket_engine_get_address (QsSocketEngine  *self,
                               gboolean         peer,
                               GInetAddress   **address,
                               guint16         *port)
{
  struct sockaddr_storage storage;
  socklen_t len = sizeof storage;
  int r;

  r = peer ? getpeername (self->fd, (struct sockaddr *) &storage, &len)
           : getsockname (self->fd, (struct sockaddr *) &storage, &len);
  if (r < 0)
    return FALSE;

  *address = _qs_inet_address_from_native (&storage, port);
  return *address != NULL;
}

/* The local endpoint after bind(): Qt reports its dual-stack "any"
 * (QHostAddress::Any) as 0.0.0.0, so a socket bound to the any address
 * because none was given (@any_requested) says the same. */
gboolean
_qs_socket_engine_get_bound_address (QsSocketEngine  *self,
                                     gboolean         any_requested,
                                     GInetAddress   **address,
                                     guint16         *port)
{
  if (!_qs_socket_engine_get_address (self, FALSE, address, port))
    return FALSE;

  if (any_requested && g_inet_address_get_is_any (*address))
    {
      g_object_unref (*address);
      *address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
    }
  return TRUE;
}

/* The setsockopt() level and name of an option for this socket's family;
 * FALSE when the option has none. */
static gboolean
option_to_native (QsSocketEngine *self,
                  QsSocketOption  option,
                  int            *level,
                  int            *name)
{
  gboolean ipv6 = self->family == G_SOCKET_FAMILY_IPV6;

  switch (option)
    {
    case QS_SOCKET_OPTION_LOW_DELAY_OPTION:
      *level = IPPROTO_TCP, *name = TCP_NODELAY;
      return TRUE;
    case QS_SOCKET_OPTION_KEEP_ALIVE_OPTION:
      *level = SOL_SOCKET, *name = SO_KEEPALIVE;
      return TRUE;
    case QS_SOCKET_OPTION_MULTICAST_TTL_OPTION:
      *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
      *name = ipv6 ? IPV6_MULTICAST_HOPS : IP_MULTICAST_TTL;
      return TRUE;
    case QS_SOCKET_OPTION_MULTICAST_LOOPBACK_OPTION:
      *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
      *name = ipv6 ? IPV6_MULTICAST_LOOP : IP_MULTICAST_LOOP;
      return TRUE;
    case QS_SOCKET_OPTION_TYPE_OF_SERVICE_OPTION:
      *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
      *name = ipv6 ? IPV6_TCLASS : IP_TOS;
      return TRUE;
    case QS_SOCKET_OPTION_SEND_BUFFER_SIZE_SOCKET_OPTION:
      *level = SOL_SOCKET, *name = SO_SNDBUF;
      return TRUE;
    case QS_SOCKET_OPTION_RECEIVE_BUFFER_SIZE_SOCKET_OPTION:
      *level = SOL_SOCKET, *name = SO_RCVBUF;
      return TRUE;
    case QS_SOCKET_OPTION_PATH_MTU_SOCKET_OPTION:
      *level = ipv6 ? IPPROTO_IPV6 : IPPROTO_IP;
      *name = ipv6 ? IPV6_MTU : IP_MTU;
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
_qs_socket_engine_set_option (QsSocketEngine *self,
                              QsSocketOption  option,
                              int             value)
{
  int level, name;

  if (!option_to_native (self, option, &level, &name))
    return FALSE;
  return setsockopt (self->fd, level, name, &value, sizeof value) == 0;
}

/* The option's value, or -1 when it cannot be read. */
int
_qs_socket_engine_get_option (QsSocketEngine *self,
                              QsSocketOption  option)
{
  int level, name;
  int value = 0;
  socklen_t len = sizeof value;

  if (!option_to_native (self, option, &level, &name))
    return -1;
  if (getsockopt (self->fd, level, name, &value, &len) < 0)
    return -1;
  return value;
}

/* recv() of one byte with MSG_PEEK and @flags, retried on EINTR. */
static gssize
peek_byte (QsSocketEngine *self,
           int             flags)
{
  guint8 c;
  gssize n;

  do
    n = recv (self->fd, &c, 1, MSG_PEEK | flags);
  while (n < 0 && errno == EINTR);

  return n;
}

/* Qt's nativeHasPendingDatagrams(): peeks one byte of the next datagram.
 * A pending error (an ICMP "port unreachable" on a connected socket) is
 * consumed by the peek and reads as "none", as in Qt. */
gboolean
_qs_socket_engine_has_pending_datagrams (QsSocketEngine *self)
{
  return peek_byte (self, 0) >= 0 || errno == EMSGSIZE;
}

/* Whether a stream's peer has closed or reset the connection: the next
 * read would see the end. Peeks without blocking and consumes nothing. */
gboolean
_qs_socket_engine_peer_closed (QsSocketEngine *self)
{
  gssize n = peek_byte (self, MSG_DONTWAIT);

  return n == 0 || (n < 0 && errno == ECONNRESET);
}

/* The size of the next datagram, -1 when none is pending (Linux reports
 * the whole size with MSG_TRUNC). */
gint64
_qs_socket_engine_pending_datagram_size (QsSocketEngine *self)
{
  return peek_byte (self, MSG_TRUNC);
}

/* FIONREAD: for a datagram socket, the size of the next datagram. */
gint64
_qs_socket_engine_bytes_available (QsSocketEngine *self)
{
  int n = 0;

  if (ioctl (self->fd, FIONREAD, &n) < 0)
    return 0;
  return n;
}

static void
parse_control_messages (struct msghdr    *msg,
                        QsDatagramHeader *header)
{
  const guint8 *next = msg->msg_control;
  const guint8 *end = next + msg->msg_controllen;

  /* CMSG_NXTHDR() without its re-checks: the kernel wrote the buffer. */
  while ((gsize) (end - next) >= sizeof (struct cmsghdr))
    {
      const struct cmsghdr *cmsg = (const struct cmsghdr *) next;
      const guint8 *data = CMSG_DATA (cmsg);

      if (cmsg->cmsg_len < sizeof (struct cmsghdr) || cmsg->cmsg_len > (gsize) (end - next))
        break;
      next += CMSG_ALIGN (cmsg->cmsg_len);

      if (cmsg->cmsg_level == IPPROTO_IP)
        {
          if (cmsg->cmsg_type == IP_PKTINFO && cmsg->cmsg_len >= CMSG_LEN (sizeof (struct in_pktinfo)))
            {
              memcpy (header->destination.bytes, data + G_STRUCT_OFFSET (struct in_pktinfo, ipi_addr), 4);
              header->destination.family = G_SOCKET_FAMILY_IPV4;
              memcpy (&header->interface_index, data + G_STRUCT_OFFSET (struct in_pktinfo, ipi_ifindex),
                      sizeof header->interface_index);
            }
          else if (cmsg->cmsg_type == IP_TTL && cmsg->cmsg_len >= CMSG_LEN (sizeof (int)))
            memcpy (&header->hop_limit, data, sizeof (int));
        }
      else if (cmsg->cmsg_level == IPPROTO_IPV6)
        {
          if (cmsg->cmsg_type == IPV6_PKTINFO && cmsg->cmsg_len >= CMSG_LEN (sizeof (struct in6_pktinfo)))
            {
              memcpy (header->destination.bytes, data + G_STRUCT_OFFSET (struct in6_pktinfo, ipi6_addr), 16);
              header->destination.family = G_SOCKET_FAMILY_IPV6;
              memcpy (&header->interface_index, data + G_STRUCT_OFFSET (struct in6_pktinfo, ipi6_ifindex),
                      sizeof header->interface_index);
            }
          else if (cmsg->cmsg_type == IPV6_HOPLIMIT && cmsg->cmsg_len >= CMSG_LEN (sizeof (int)))
            memcpy (&header->hop_limit, data, sizeof (int));
        }
    }
}

/* Points @msg at one receive buffer of @size bytes (size 0: a dummy
 * byte, so that the datagram is consumed whole), and at @name and
 * @control when the header should get the sender and the control
 * messages. */
static void
prepare_receive (struct msghdr *msg,
                 struct iovec  *vector,
                 guint8        *buffer,
                 gsize          size,
                 NativeAddress *name,
                 ControlBuffer *control)
{
  static guint8 dummy;

  vector->iov_base = size ? buffer : &dummy;
  vector->iov_len = size ? size : 1;
  msg->msg_iov = vector;
  msg->msg_iovlen = 1;
  msg->msg_name = name;
  msg->msg_namelen = name ? sizeof *name : 0;
  msg->msg_control = control;
  msg->msg_controllen = control ? sizeof *control : 0;
  msg->msg_flags = 0;
}

/* Fills @header from a received @msg set up by prepare_receive(). */
static void
finish_receive (struct msghdr    *msg,
                QsDatagramHeader *header)
{
  header->destination.family = G_SOCKET_FAMILY_INVALID;
  header->destination.port = 0;
  header->hop_limit = -1;
  header->interface_index = 0;
  if (msg->msg_name != NULL && msg->msg_namelen > 0)
    endpoint_from_native (msg->msg_name, &header->sender);
  else
    header->sender.family = G_SOCKET_FAMILY_INVALID;
  if (msg->msg_control != NULL && msg->msg_controllen > 0)
    parse_control_messages (msg, header);
}

/* Receives the next datagram straight into @buffer, truncated to @size
 * (the rest is discarded; with @size 0 the whole datagram is). @header
 * (nullable) gets what @want asks for. Returns the bytes stored, or -1
 * with errno in @error_number (EAGAIN when none is pending). */
gssize
_qs_socket_engine_receive_datagram (QsSocketEngine   *self,
                                    guint8           *buffer,
                                    gsize             size,
                                    QsDatagramWant    want,
                                    QsDatagramHeader *header,
                                    int              *error_number)
{
  ControlBuffer control;
  NativeAddress name;
  struct msghdr msg;
  struct iovec vector;
  gssize n;

  prepare_receive (&msg, &vector, buffer, size,
                   header && (want & QS_DATAGRAM_WANT_SENDER) ? &name : NULL,
                   header && (want & ~QS_DATAGRAM_WANT_SENDER) ? &control : NULL);

  do
    n = recvmsg (self->fd, &msg, 0);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      *error_number = errno;
      return -1;
    }

  if (header != NULL)
    finish_receive (&msg, header);
  return size ? n : 0;
}

/* Grows the batch memory to @count messages. */
static Batch *
reserve_batch (QsSocketEngine *self,
               guint           count)
{
  Batch *batch = &self->batch;

  if (batch->capacity < count)
    {
      batch->messages = g_renew (struct mmsghdr, batch->messages, count);
      batch->vectors = g_renew (struct iovec, batch->vectors, count);
      batch->names = g_renew (NativeAddress, batch->names, count);
      batch->controls = g_renew (ControlBuffer, batch->controls, count);
      batch->received = g_renew (QsDatagramIn, batch->received, count);
      batch->capacity = count;
      batch->received_count = 0;
    }
  return batch;
}

/* Receives up to @count pending datagrams (at most
 * QS_DATAGRAM_BATCH_MAX) with one recvmmsg(), each truncated to @size
 * bytes, with their full headers. *@datagrams points into the engine's
 * memory, valid until its next batched call. Returns how many arrived,
 * or -1 with errno in @error_number (EAGAIN when none is pending). */
int
_qs_socket_engine_receive_datagrams (QsSocketEngine      *self,
                                     guint                count,
                                     gsize                size,
                                     const QsDatagramIn **datagrams,
                                     int                 *error_number)
{
  Batch *batch;
  int n;

  g_assert (count > 0 && count <= QS_DATAGRAM_BATCH_MAX);

  batch = reserve_batch (self, count);
  if (batch->payload_size < count * size)
    {
      g_free (batch->payload);
      batch->payload_size = count * size;
      batch->payload = g_malloc (batch->payload_size);
      batch->received_size = G_MAXSIZE;
    }

  /* The messages of the previous receive of the same size are ready:
   * the lengths the kernel wrote back are reset as they are read below. */
  if (batch->received_size != size)
    {
      batch->received_size = size;
      batch->received_count = 0;
    }
  for (guint i = batch->received_count; i < count; i++)
    prepare_receive (&batch->messages[i].msg_hdr, &batch->vectors[i], batch->payload + i * size,
                     size, &batch->names[i], &batch->controls[i]);
  batch->received_count = MAX (count, batch->received_count);

  do
    n = recvmmsg (self->fd, batch->messages, count, 0, NULL);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      *error_number = errno;
      return -1;
    }

  for (int i = 0; i < n; i++)
    {
      struct msghdr *msg = &batch->messages[i].msg_hdr;
      QsDatagramIn *in = &batch->received[i];

      in->data = batch->payload + i * size;
      in->size = size ? batch->messages[i].msg_len : 0;
      finish_receive (msg, &in->header);
      msg->msg_namelen = sizeof (NativeAddress);
      msg->msg_controllen = sizeof (ControlBuffer);
    }
  *datagrams = batch->received;
  return n;
}

/* Adds one control message of @level, @type and @size bytes of @data to
 * @msg, whose msg_controllen counts those already there. */
static void
add_control_message (struct msghdr *msg,
                     int            level,
                     int            type,
                     gconstpointer  data,
                     gsize          size)
{
  struct cmsghdr *cmsg = (struct cmsghdr *) ((char *) msg->msg_control + msg->msg_controllen);

  cmsg->cmsg_level = level;
  cmsg->cmsg_type = type;
  cmsg->cmsg_len = CMSG_LEN (size);
  memcpy (CMSG_DATA (cmsg), data, size);
  msg->msg_controllen += CMSG_SPACE (size);
}

/* Sets up @msg to send @datagram to its destination (none on a connected
 * socket), from its source address and out of its interface with
 * IP_PKTINFO / IPV6_PKTINFO, with its hop limit as IP_TTL /
 * IPV6_HOPLIMIT. 0, or EAFNOSUPPORT when the destination does not suit
 * the socket's family. */
static int
prepare_send (QsSocketEngine      *self,
              const QsDatagramOut *datagram,
              struct msghdr       *msg,
              struct iovec        *vector,
              NativeAddress       *name,
              ControlBuffer       *control)
{
  const QsInetEndpoint *destination = datagram->destination;
  const QsInetEndpoint *source = datagram->source;
  const guint8 *unused;
  gboolean ipv4;

  vector->iov_base = (guint8 *) datagram->data;
  vector->iov_len = datagram->size;
  msg->msg_iov = vector;
  msg->msg_iovlen = 1;
  msg->msg_name = NULL;
  msg->msg_namelen = 0;
  msg->msg_control = NULL;
  msg->msg_controllen = 0;
  msg->msg_flags = 0;

  if (destination != NULL)
    {
      msg->msg_namelen = endpoint_to_native (self->family, destination, name);
      if (msg->msg_namelen == 0)
        return EAFNOSUPPORT;
      msg->msg_name = name;
    }

  if (datagram->interface_index == 0 && source == NULL && datagram->hop_limit < 0)
    return 0;

  /* An IPv4 destination takes the IPv4 path, on a dual-stack socket too. */
  ipv4 = destination != NULL ? endpoint_is_ipv4 (destination, &unused)
                             : self->family == G_SOCKET_FAMILY_IPV4;
  memset (control, 0, sizeof *control);
  msg->msg_control = control;

  if (datagram->interface_index != 0 || source != NULL)
    {
      if (ipv4)
        {
          struct in_pktinfo info = { 0 };
          const guint8 *bytes;

          info.ipi_ifindex = datagram->interface_index;
          if (source != NULL && endpoint_is_ipv4 (source, &bytes))
            memcpy (&info.ipi_spec_dst, bytes, 4);
          add_control_message (msg, IPPROTO_IP, IP_PKTINFO, &info, sizeof info);
        }
      else
        {
          struct in6_pktinfo info;

          memset (&info, 0, sizeof info);
          info.ipi6_ifindex = datagram->interface_index;
          if (source != NULL && source->family == G_SOCKET_FAMILY_IPV6)
            memcpy (&info.ipi6_addr, source->bytes, 16);
          add_control_message (msg, IPPROTO_IPV6, IPV6_PKTINFO, &info, sizeof info);
        }
    }

  if (datagram->hop_limit >= 0)
    add_control_message (msg, ipv4 ? IPPROTO_IP : IPPROTO_IPV6, ipv4 ? IP_TTL : IPV6_HOPLIMIT,
                         &datagram->hop_limit, sizeof datagram->hop_limit);
  return 0;
}

/* Sends @count datagrams (at most QS_DATAGRAM_BATCH_MAX): one with
 * sendmsg(), more with one sendmmsg(). Returns how many were sent, which
 * may be fewer (the kernel stops at the first failure and forgets its
 * error; a datagram whose destination does not suit the socket ends the
 * batch before it), or -1 with errno in @error_number when the first one
 * fails. */
int
_qs_socket_engine_send_datagrams (QsSocketEngine      *self,
                                  const QsDatagramOut *datagrams,
                                  guint                count,
                                  int                 *error_number)
{
  Batch *batch;
  guint ready;
  int n;

  g_assert (count > 0 && count <= QS_DATAGRAM_BATCH_MAX);

  if (count == 1)
    {
      ControlBuffer control;
      NativeAddress name;
      struct msghdr msg;
      struct iovec vector;

      *error_number = prepare_send (self, datagrams, &msg, &vector, &name, &control);
      if (*error_number != 0)
        return -1;
      do
        n = sendmsg (self->fd, &msg, MSG_NOSIGNAL) < 0 ? -1 : 1;
      while (n < 0 && errno == EINTR);
    }
  else
    {
      batch = reserve_batch (self, count);
      batch->received_count = 0;   /* the messages are set up to send now */
      for (ready = 0; ready < count; ready++)
        {
          *error_number = prepare_send (self, &datagrams[ready], &batch->messages[ready].msg_hdr,
                                        &batch->vectors[ready], &batch->names[ready],
                                        &batch->controls[ready]);
          if (*error_number != 0)
            break;
        }
      if (ready == 0)
        return -1;
      do
        n = sendmmsg (self->fd, batch->messages, ready, MSG_NOSIGNAL);
      while (n < 0 && errno == EINTR);
    }

  if (n < 0)
    {
      *error_number = errno;
      return -1;
    }
  return n;
}

/* One datagram to @destination:@port (NULL on a connected socket), from
 * @source (nullable) and out of @interface_index (0: any), with
 * @hop_limit (-1: the default): _qs_socket_engine_send_datagrams() for
 * callers holding GInetAddresses. Returns the bytes sent, or -1 with
 * errno in @error_number. */
gssize
_qs_socket_engine_send_datagram (QsSocketEngine *self,
                                 const guint8   *data,
                                 gsize           size,
                                 GInetAddress   *destination,
                                 guint16         port,
                                 GInetAddress   *source,
                                 int             hop_limit,
                                 guint           interface_index,
                                 int            *error_number)
{
  QsInetEndpoint to, from;
  QsDatagramOut datagram = { data, size, NULL, NULL, hop_limit, interface_index };

  if (destination != NULL)
    {
      _qs_inet_endpoint_set (&to, destination, port);
      datagram.destination = &to;
    }
  if (source != NULL)
    {
      _qs_inet_endpoint_set (&from, source, 0);
      datagram.source = &from;
    }
  if (_qs_socket_engine_send_datagrams (self, &datagram, 1, error_number) < 0)
    return -1;
  return size;
}

/* Joins (or leaves) @group on @interface_index (0: the system's choice).
 * 0 or an errno. */
int
_qs_socket_engine_multicast_membership (QsSocketEngine *self,
                                        gboolean        join,
                                        GInetAddress   *group,
                                        guint           interface_index)
{
  int r;

  if (g_inet_address_get_family (group) == G_SOCKET_FAMILY_IPV6)
    {
      struct ipv6_mreq mreq;

      memset (&mreq, 0, sizeof mreq);
      memcpy (&mreq.ipv6mr_multiaddr, g_inet_address_to_bytes (group), 16);
      mreq.ipv6mr_interface = interface_index;
      r = setsockopt (self->fd, IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP,
                      &mreq, sizeof mreq);
    }
  else
    {
      struct ip_mreqn mreq;

      memset (&mreq, 0, sizeof mreq);
      memcpy (&mreq.imr_multiaddr, g_inet_address_to_bytes (group), 4);
      mreq.imr_ifindex = interface_index;
      r = setsockopt (self->fd, IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP,
                      &mreq, sizeof mreq);
    }

  return r < 0 ? errno : 0;
}

/* The first IPv4 address of interface @name, or 0.0.0.0. */
static struct in_addr
interface_ipv4_address (const char *name)
{
  struct in_addr result = { 0 };
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) < 0)
    return result;
  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      if (ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == AF_INET &&
          g_strcmp0 (ifa->ifa_name, name) == 0)
        {
          result = ((struct sockaddr_in *) ifa->ifa_addr)->sin_addr;
          break;
        }
    }
  freeifaddrs (list);
  return result;
}

/* The index of the interface that holds IPv4 address @address, or 0. */
static guint
interface_with_ipv4_address (struct in_addr address)
{
  struct ifaddrs *list = NULL;
  guint index = 0;

  if (getifaddrs (&list) < 0)
    return 0;
  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      if (ifa->ifa_addr != NULL && ifa->ifa_addr->sa_family == AF_INET &&
          ((struct sockaddr_in *) ifa->ifa_addr)->sin_addr.s_addr == address.s_addr)
        {
          index = if_nametoindex (ifa->ifa_name);
          break;
        }
    }
  freeifaddrs (list);
  return index;
}

/* IP_MULTICAST_IF / IPV6_MULTICAST_IF: the outgoing interface of
 * multicast datagrams (0: the system's choice). An IPv4 socket names the
 * interface by its address, as Qt does, so that it can be read back. */
int
_qs_socket_engine_set_multicast_interface (QsSocketEngine *self,
                                           guint           interface_index)
{
  int r;

  if (self->family == G_SOCKET_FAMILY_IPV6)
    {
      int index = interface_index;

      r = setsockopt (self->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, sizeof index);
    }
  else
    {
      struct ip_mreqn mreq;
      char name[IF_NAMESIZE];

      memset (&mreq, 0, sizeof mreq);
      mreq.imr_ifindex = interface_index;
      if (interface_index != 0 && if_indextoname (interface_index, name) != NULL)
        mreq.imr_address = interface_ipv4_address (name);
      r = setsockopt (self->fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq);
    }

  return r < 0 ? errno : 0;
}

guint
_qs_socket_engine_get_multicast_interface (QsSocketEngine *self)
{
  if (self->family == G_SOCKET_FAMILY_IPV6)
    {
      int index = 0;
      socklen_t len = sizeof index;

      if (getsockopt (self->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &index, &len) < 0)
        return 0;
      return index > 0 ? (guint) index : 0;
    }
  else
    {
      struct in_addr address = { 0 };
      socklen_t len = sizeof address;

      if (getsockopt (self->fd, IPPROTO_IP, IP_MULTICAST_IF, &address, &len) < 0 ||
          address.s_addr == INADDR_ANY)
        return 0;
      return interface_with_ipv4_address (address);
    }
}

/* 0 when @fd is an open socket of @type (SOCK_STREAM, …), else an errno. */
int
_qs_socket_fd_check (int fd,
                     int type)
{
  int value = 0;
  socklen_t len = sizeof value;

  if (fd < 0)
    return EBADF;
  if (getsockopt (fd, SOL_SOCKET, SO_TYPE, &value, &len) < 0)
    return errno;
  if (value != type)
    return EPROTOTYPE;
  return 0;
}

/* Qt's QNativeSocketEnginePrivate error mapping, per system call, with
 * Qt's messages. */
QsSocketError
_qs_socket_error_from_errno (QsEngineOp   op,
                             int          error_number,
                             const char **message)
{
  /* Qt's nativeSendDatagram() and nativeReceiveDatagram() map less; an
   * EAGAIN send is QUdpSocket::writeDatagram()'s own temporary error. */
  if (op == QS_ENGINE_OP_SEND_DATAGRAM)
    {
      switch (error_number)
        {
        case EAGAIN:
          *message = _("Unable to send a datagram");
          return QS_SOCKET_ERROR_TEMPORARY_ERROR;
        case EMSGSIZE:
          *message = _("Datagram was too large to send");
          return QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR;
        case ECONNRESET:
          *message = _("The remote host closed the connection");
          return QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR;
        default:
          *message = _("Unable to send a message");
          return QS_SOCKET_ERROR_NETWORK_ERROR;
        }
    }
  /* Qt's nativeListen() maps one errno and leaves the rest unknown. */
  if (op == QS_ENGINE_OP_LISTEN)
    {
      if (error_number == EADDRINUSE)
        {
          *message = _("Another socket is already listening on the same port");
          return QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR;
        }
      *message = _("Unknown error");
      return QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
    }
  if (op == QS_ENGINE_OP_RECEIVE_DATAGRAM)
    {
      switch (error_number)
        {
        case EAGAIN:
          *message = _("No datagram available for reading");
          return QS_SOCKET_ERROR_TEMPORARY_ERROR;
        case ECONNREFUSED:
          *message = _("Connection refused");
          return QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;
        default:
          *message = _("Unable to receive a message");
          return QS_SOCKET_ERROR_NETWORK_ERROR;
        }
    }

  switch (error_number)
    {
    case EAGAIN:
      *message = _("Temporary error");
      return QS_SOCKET_ERROR_TEMPORARY_ERROR;

    case ECONNREFUSED:
      *message = _("Connection refused");
      return QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;

    case EPIPE:
    case ECONNRESET:
      if (op == QS_ENGINE_OP_CONNECT)
        break;
      *message = _("The remote host closed the connection");
      return QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR;

    case ETIMEDOUT:
      *message = _("Connection timed out");
      return QS_SOCKET_ERROR_NETWORK_ERROR;

    case EHOSTUNREACH:
      *message = _("Host unreachable");
      return QS_SOCKET_ERROR_NETWORK_ERROR;

    case ENETUNREACH:
      *message = _("Network unreachable");
      return QS_SOCKET_ERROR_NETWORK_ERROR;

    case EADDRINUSE:
      *message = _("The bound address is already in use");
      return op == QS_ENGINE_OP_CONNECT ? QS_SOCKET_ERROR_NETWORK_ERROR
                                        : QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR;

    case EADDRNOTAVAIL:
      *message = _("The address is not available");
      return QS_SOCKET_ERROR_SOCKET_ADDRESS_NOT_AVAILABLE_ERROR;

    case EACCES:
    case EPERM:
      *message = op == QS_ENGINE_OP_BIND ? _("The address is protected") : _("Permission denied");
      return QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR;

    case EMSGSIZE:
      *message = _("Datagram was too large to send");
      return QS_SOCKET_ERROR_DATAGRAM_TOO_LARGE_ERROR;

    case EMFILE:
    case ENFILE:
    case ENOBUFS:
    case ENOMEM:
      *message = _("Out of resources");
      return QS_SOCKET_ERROR_SOCKET_RESOURCE_ERROR;

    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
    case EPROTOTYPE:
      *message = _("Protocol type not supported");
      return QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR;

    case EBADF:
    case ENOTSOCK:
      *message = _("Invalid socket descriptor");
      return QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR;

    case EINVAL:
    case EOPNOTSUPP:
      if (op == QS_ENGINE_OP_CONNECT)
        {
          *message = _("Connection refused");
          return QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;
        }
      *message = _("Unsupported socket operation");
      return QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR;

    case ECONNABORTED:
      *message = _("Network dropped connection on reset");
      return QS_SOCKET_ERROR_NETWORK_ERROR;

    default:
      break;
    }

  switch (op)
    {
    case QS_ENGINE_OP_READ:
      *message = _("Network error");
      return QS_SOCKET_ERROR_NETWORK_ERROR;
    case QS_ENGINE_OP_WRITE:
      *message = _("Unable to write");
      return QS_SOCKET_ERROR_NETWORK_ERROR;
    case QS_ENGINE_OP_CONNECT:
      *message = _("Connection refused");
      return QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;
    case QS_ENGINE_OP_SEND_DATAGRAM:
    case QS_ENGINE_OP_RECEIVE_DATAGRAM:
    case QS_ENGINE_OP_CREATE:
    case QS_ENGINE_OP_BIND:
    case QS_ENGINE_OP_LISTEN:
    case QS_ENGINE_OP_ACCEPT:
    default:
      *message = _("Unknown error");
      return QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR;
    }
}
