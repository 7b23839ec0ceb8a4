/* test-happy-eyeballs.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsAbstractSocket:happy-eyeballs (RFC 8305). The name "dual.test"
 * resolves through a GResolver of the test's own (the default resolver
 * here) to the addresses each test chooses, both families at once. An
 * IPv6 address that hangs, rather than refuses, needs a network of the
 * test's own: the program re-executes itself in a private user and
 * network namespace (`unshare -rn`) with a veth pair qs0/qs1, where
 * fd00:5153::2 sits behind qs0 with a neighbour entry nobody answers
 * for: SYNs to it vanish and its connect waits. Without a namespace
 * those tests skip (and fail under CI=true). On loopback a refused
 * connect fails inside the call; a refusal that comes later, as across
 * a network, is made by this program's own connect() and getsockopt()
 * for REFUSED_LATER (the library is linked statically into it, so its
 * calls come here; the others go to the system).
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 5000
#define HANGING "fd00:5153::2"
#define NAME "dual.test"
#define REFUSED_LATER "fd00:5153::99"

#define CONNECT_TRACE \
  "state-changed(host-lookup-state) state-changed(connecting-state) host-found " \
  "state-changed(connected-state) connected "

static const char *skip_netns;   /* why the hanging tests cannot run, or NULL */

/* ---- a refusal that comes later ----------------------------------------------------- */

/* The socket whose connect() to REFUSED_LATER was faked, or -1. */
static int refused_later_fd = -1;

int connect (int fd, const struct sockaddr *address, socklen_t length);
int getsockopt (int fd, int level, int name, void *value, socklen_t *length);

/* A connect() to REFUSED_LATER sends nothing and "waits": the socket,
 * unconnected, polls ready at once, and its SO_ERROR is a refusal. */
int
connect (int                    fd,
         const struct sockaddr *address,
         socklen_t              length)
{
  struct in6_addr refused;

  g_assert_cmpint (inet_pton (AF_INET6, REFUSED_LATER, &refused), ==, 1);
  if (address->sa_family == AF_INET6 &&
      memcmp (&((const struct sockaddr_in6 *) address)->sin6_addr, &refused, sizeof refused) == 0)
    {
      refused_later_fd = fd;
      errno = EINPROGRESS;
      return -1;
    }
  return (int) syscall (SYS_connect, fd, address, length);
}

int
getsockopt (int        fd,
            int        level,
            int        name,
            void      *value,
            socklen_t *length)
{
  if (fd == refused_later_fd && level == SOL_SOCKET && name == SO_ERROR && *length >= sizeof (int))
    {
      refused_later_fd = -1;
      *(int *) value = ECONNREFUSED;
      *length = sizeof (int);
      return 0;
    }
  return (int) syscall (SYS_getsockopt, fd, level, name, value, length);
}

/* ---- a resolver with both families ------------------------------------------------ */

#define TEST_TYPE_RESOLVER (test_resolver_get_type ())
G_DECLARE_FINAL_TYPE (TestResolver, test_resolver, TEST, RESOLVER, GResolver)

struct _TestResolver
{
  GResolver parent_instance;
};

G_DEFINE_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

static const char *const *resolver_addresses;   /* what NAME resolves to, in order */

/* The addresses of NAME that @flags allow, or an error. (transfer full) */
static GList *
resolve (const char                *host,
         GResolverNameLookupFlags   flags,
         GError                   **error)
{
  GList *result = NULL;

  for (guint i = 0; g_strcmp0 (host, NAME) == 0 && resolver_addresses[i] != NULL; i++)
    {
      GInetAddress *address = qs_test_address (resolver_addresses[i]);
      GSocketFamily family = g_inet_address_get_family (address);

      if ((flags == G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY && family != G_SOCKET_FAMILY_IPV6) ||
          (flags == G_RESOLVER_NAME_LOOKUP_FLAGS_IPV4_ONLY && family != G_SOCKET_FAMILY_IPV4))
        g_object_unref (address);
      else
        result = g_list_append (result, address);
    }
  if (result == NULL)
    g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, "no address for %s", host);
  return result;
}

static GList *
test_resolver_lookup_by_name (GResolver     *resolver,
                              const char    *host,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return resolve (host, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, error);
}

static void
test_resolver_lookup_by_name_with_flags_async (GResolver                *resolver,
                                               const char               *host,
                                               GResolverNameLookupFlags  flags,
                                               GCancellable             *cancellable,
                                               GAsyncReadyCallback       callback,
                                               gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GError *error = NULL;
  GList *addresses = resolve (host, flags, &error);

  if (addresses == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, addresses, (GDestroyNotify) g_resolver_free_addresses);
}

static GList *
test_resolver_lookup_by_name_with_flags_finish (GResolver     *resolver,
                                                GAsyncResult  *result,
                                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_lookup_by_name_async (GResolver           *resolver,
                                    const char          *host,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  test_resolver_lookup_by_name_with_flags_async (resolver, host, G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT,
                                                 cancellable, callback, user_data);
}

static void
test_resolver_class_init (TestResolverClass *klass)
{
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  resolver_class->lookup_by_name = test_resolver_lookup_by_name;
  resolver_class->lookup_by_name_async = test_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = test_resolver_lookup_by_name_with_flags_finish;
  resolver_class->lookup_by_name_with_flags_async = test_resolver_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = test_resolver_lookup_by_name_with_flags_finish;
}

static void
test_resolver_init (TestResolver *self)
{
}

/* ---- fixture ------------------------------------------------------------------- */

typedef struct
{
  QsTcpSocket *socket;   /* (owned) (nullable): traced */
  GString     *trace;    /* (owned) */
  QsTcpServer *server;   /* (owned) (nullable) */
  gint64       started;  /* monotonic time of connect_to_host */
} Fixture;

#define SOCK(f) QS_ABSTRACT_SOCKET ((f)->socket)

#define assert_trace(f, expected) g_assert_cmpstr ((f)->trace->str, ==, (expected))

static void
setup (Fixture      *f,
       gconstpointer data)
{
  f->trace = g_string_new (NULL);
  f->socket = qs_tcp_socket_new ();
  qs_test_trace_socket (f->socket, f->trace);
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  qs_test_release (&f->socket, f->trace, f);
  g_clear_object (&f->server);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
  resolver_addresses = NULL;
}

static gboolean
require_netns (void)
{
  if (skip_netns == NULL)
    return TRUE;
  qs_test_skip_unless_ci (skip_netns);
  return FALSE;
}

static gboolean
require_ipv6 (void)
{
  if (qs_test_ipv6_available ())
    return TRUE;
  g_test_skip ("IPv6 loopback is not available");
  return FALSE;
}

/* A server on both loopbacks (dual-stack any address); its port. */
static guint16
listen_dual (Fixture *f)
{
  f->server = qs_tcp_server_new ();
  g_assert_true (qs_tcp_server_listen (f->server, NULL, 0));
  return qs_tcp_server_get_server_port (f->server);
}

static void
connect_name (Fixture *f,
              guint16  port,
              gboolean happy_eyeballs)
{
  qs_abstract_socket_set_happy_eyeballs (SOCK (f), happy_eyeballs);
  f->started = g_get_monotonic_time ();
  qs_abstract_socket_connect_to_host (SOCK (f), NAME, port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
}

static gboolean
is_settled (Fixture *f)
{
  QsSocketState state = qs_abstract_socket_get_state (SOCK (f));

  return state == QS_SOCKET_STATE_CONNECTED_STATE || state == QS_SOCKET_STATE_UNCONNECTED_STATE;
}

/* Milliseconds since connect_name(). */
static gint64
elapsed_ms (Fixture *f)
{
  return (g_get_monotonic_time () - f->started) / 1000;
}

static void
assert_peer (Fixture    *f,
             const char *expected)
{
  g_autofree char *peer = qs_test_address_string (qs_abstract_socket_get_peer_address (SOCK (f)));

  g_assert_cmpstr (peer, ==, expected);
}

/* ---- tests --------------------------------------------------------------------- */

static void
test_property (Fixture      *f,
               gconstpointer data)
{
  gboolean value = TRUE;

  g_test_summary ("happy-eyeballs is FALSE by default and notifies only real changes");
  qs_test_trace_notify (f->socket, "happy-eyeballs", f->trace);
  g_assert_false (qs_abstract_socket_get_happy_eyeballs (SOCK (f)));
  qs_abstract_socket_set_happy_eyeballs (SOCK (f), FALSE);
  qs_abstract_socket_set_happy_eyeballs (SOCK (f), TRUE);
  qs_abstract_socket_set_happy_eyeballs (SOCK (f), TRUE);
  g_object_set (f->socket, "happy-eyeballs", FALSE, NULL);
  g_object_get (f->socket, "happy-eyeballs", &value, NULL);
  g_assert_false (value);
  assert_trace (f, "notify::happy-eyeballs notify::happy-eyeballs ");
}

static void
test_hanging_ipv6_without (Fixture      *f,
                           gconstpointer data)
{
  static const char *const addresses[] = { HANGING, "127.0.0.1", NULL };
  guint16 port;

  g_test_summary ("Without happy-eyeballs the connect waits on an IPv6 address that "
                  "never answers although IPv4 would work (Qt's one-at-a-time order)");
  if (!require_netns ())
    return;
  resolver_addresses = addresses;
  port = listen_dual (f);
  connect_name (f, port, FALSE);
  qs_test_iterate_for (3000);
  g_test_message ("without happy-eyeballs: still connecting after %" G_GINT64_FORMAT " ms",
                  elapsed_ms (f));
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTING_STATE);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found ");
}

static void
test_hanging_ipv6_with (Fixture      *f,
                        gconstpointer data)
{
  static const char *const addresses[] = { HANGING, "127.0.0.1", NULL };
  guint16 port;
  gint64 elapsed;

  g_test_summary ("With happy-eyeballs IPv4 is tried 250 ms after the hanging IPv6 "
                  "attempt and wins; the trace is a plain connect's");
  if (!require_netns ())
    return;
  resolver_addresses = addresses;
  port = listen_dual (f);
  connect_name (f, port, TRUE);
  qs_test_run_until (is_settled (f), TIMEOUT_MS);
  elapsed = elapsed_ms (f);
  g_test_message ("with happy-eyeballs: connected after %" G_GINT64_FORMAT " ms", elapsed);
  assert_trace (f, CONNECT_TRACE);
  assert_peer (f, "127.0.0.1");
  g_assert_cmpint (elapsed, >=, 200);
  g_assert_cmpint (elapsed, <=, 2000);

  /* The losing attempt leaves no trace later either. */
  qs_test_iterate_for (300);
  assert_trace (f, CONNECT_TRACE);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
}

static void
test_property_during_connect (Fixture      *f,
                              gconstpointer data)
{
  static const char *const addresses[] = { HANGING, "127.0.0.1", NULL };
  guint16 port;

  g_test_summary ("The property read when connect_to_host is called decides: turning it "
                  "off during the lookup does not stop the race");
  if (!require_netns ())
    return;
  resolver_addresses = addresses;
  port = listen_dual (f);
  connect_name (f, port, TRUE);
  qs_abstract_socket_set_happy_eyeballs (SOCK (f), FALSE);
  qs_test_run_until (is_settled (f), 2000);
  assert_trace (f, CONNECT_TRACE);
  assert_peer (f, "127.0.0.1");
}

static void
test_ipv6_wins (Fixture      *f,
                gconstpointer data)
{
  static const char *const addresses[] = { "127.0.0.1", "::1", NULL };
  g_autoptr(QsTcpSocket) accepted = NULL;
  guint16 port;

  g_test_summary ("Both families reachable: IPv6 is tried first (even when the resolver "
                  "lists IPv4 first) and wins; no IPv4 connection is made");
  if (!require_ipv6 ())
    return;
  resolver_addresses = addresses;
  port = listen_dual (f);
  connect_name (f, port, TRUE);
  qs_test_run_until (is_settled (f), TIMEOUT_MS);
  assert_trace (f, CONNECT_TRACE);
  assert_peer (f, "::1");

  qs_test_iterate_for (400);
  accepted = qs_tcp_server_next_pending_connection (f->server);
  g_assert_nonnull (accepted);
  g_assert_null (qs_tcp_server_next_pending_connection (f->server));
  assert_trace (f, CONNECT_TRACE);
}

static void
test_ipv6_refused (Fixture      *f,
                   gconstpointer data)
{
  static const char *const addresses[] = { "::1", "127.0.0.1", NULL };
  g_autoptr(GSocket) listener = NULL;
  guint16 port;
  gint64 elapsed;

  g_test_summary ("IPv6 refused at once: IPv4 is tried at once, without waiting out "
                  "the 250 ms attempt delay");
  if (!require_ipv6 ())
    return;
  resolver_addresses = addresses;
  listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 5, &port);
  connect_name (f, port, TRUE);
  qs_test_run_until (is_settled (f), TIMEOUT_MS);
  elapsed = elapsed_ms (f);
  g_test_message ("IPv6 refused, IPv4 connected after %" G_GINT64_FORMAT " ms", elapsed);
  assert_trace (f, CONNECT_TRACE);
  assert_peer (f, "127.0.0.1");
  g_assert_cmpint (elapsed, <, 200);
}

static void
test_ipv6_refused_later (Fixture      *f,
                         gconstpointer data)
{
  static const char *const addresses[] = { REFUSED_LATER, "127.0.0.1", NULL };
  g_autoptr(GSocket) listener = NULL;
  guint16 port;
  gint64 elapsed;

  g_test_summary ("IPv6 refused after the connect call, before the attempt delay is out: "
                  "IPv4 is tried then, not when the 250 ms are");
  if (!require_ipv6 ())
    return;
  resolver_addresses = addresses;
  listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 5, &port);
  connect_name (f, port, TRUE);
  assert_trace (f, "state-changed(host-lookup-state) ");
  qs_test_run_until (is_settled (f), TIMEOUT_MS);
  elapsed = elapsed_ms (f);
  g_test_message ("IPv6 refused later, IPv4 connected after %" G_GINT64_FORMAT " ms", elapsed);
  g_assert_cmpint (refused_later_fd, ==, -1);
  assert_trace (f, CONNECT_TRACE);
  assert_peer (f, "127.0.0.1");
  g_assert_cmpint (elapsed, <, 200);
}

/* Connects to NAME (every address refused) and returns the trace. */
static char *
refused_trace (gboolean happy_eyeballs)
{
  static const char *const addresses[] = { "::1", "127.0.0.1", NULL };
  g_autoptr(GSocket) closed = NULL;
  g_autoptr(QsTcpSocket) socket = qs_tcp_socket_new ();
  GString *trace = g_string_new (NULL);
  guint16 port;

  resolver_addresses = addresses;
  closed = qs_test_closed_port_new (&port);
  qs_test_trace_socket (socket, trace);
  qs_abstract_socket_set_happy_eyeballs (QS_ABSTRACT_SOCKET (socket), happy_eyeballs);
  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), NAME, port, QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (socket)) ==
                       QS_SOCKET_STATE_UNCONNECTED_STATE,
                     TIMEOUT_MS);
  qs_test_iterate_for (300);
  g_assert_cmpint (qs_abstract_socket_get_error (QS_ABSTRACT_SOCKET (socket)), ==,
                   QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR);
  g_signal_handlers_disconnect_by_data (socket, trace);
  return g_string_free (trace, FALSE);
}

static void
test_all_refused (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *plain = NULL;
  g_autofree char *raced = NULL;

  g_test_summary ("Every attempt refused: one error, the one a plain connect reports");
  if (!require_ipv6 ())
    return;
  plain = refused_trace (FALSE);
  raced = refused_trace (TRUE);
  g_assert_cmpstr (plain, ==, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                              "state-changed(unconnected-state) error-occurred(connection-refused-error) ");
  g_assert_cmpstr (raced, ==, plain);
}

static void
test_host_not_found (Fixture      *f,
                     gconstpointer data)
{
  g_test_summary ("No address in either family: HOST_NOT_FOUND, as without racing");
  resolver_addresses = (const char *const[]) { NULL };
  connect_name (f, 80, TRUE);
  qs_test_run_until (is_settled (f), TIMEOUT_MS);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(unconnected-state) "
                   "error-occurred(host-not-found-error) ");
}

static void
test_wait_for_connected (Fixture      *f,
                         gconstpointer data)
{
  static const char *const addresses[] = { "::1", "127.0.0.1", NULL };
  guint16 port;

  g_test_summary ("wait_for_connected() during a race finishes the connect one address "
                  "at a time, with a plain connect's trace");
  if (!require_ipv6 ())
    return;
  resolver_addresses = addresses;
  port = listen_dual (f);
  connect_name (f, port, TRUE);
  g_assert_true (qs_abstract_socket_wait_for_connected (SOCK (f), TIMEOUT_MS));
  assert_trace (f, CONNECT_TRACE);
  assert_peer (f, "::1");
}

/* ---- re-entrancy (run under ASan in CI) ----------------------------------------- */

static void
abort_socket (QsAbstractSocket *socket,
              gpointer          user_data)
{
  qs_abstract_socket_abort (socket);
}

static void
drop_socket (QsAbstractSocket *socket,
             Fixture          *f)
{
  g_signal_handlers_disconnect_by_data (f->socket, f->trace);
  g_clear_object (&f->socket);
}

static void
test_abort_in_flight (Fixture      *f,
                      gconstpointer data)
{
  static const char *const addresses[] = { HANGING, HANGING, NULL };

  g_test_summary ("abort() with two attempts in flight drops them; nothing follows");
  if (!require_netns ())
    return;
  resolver_addresses = addresses;
  connect_name (f, 9, TRUE);
  qs_test_iterate_for (350);   /* the second attempt is in flight */
  qs_abstract_socket_abort (SOCK (f));
  qs_test_iterate_for (600);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "about-to-close state-changed(unconnected-state) read-channel-finished ");
}

static void
test_unref_in_flight (Fixture      *f,
                      gconstpointer data)
{
  static const char *const addresses[] = { HANGING, HANGING, NULL };

  g_test_summary ("The last reference dropped with attempts in flight frees them");
  if (!require_netns ())
    return;
  resolver_addresses = addresses;
  connect_name (f, 9, TRUE);
  qs_test_iterate_for (350);
  drop_socket (NULL, f);
  qs_test_iterate_for (300);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found ");
}

static void
test_unref_in_lookup (Fixture      *f,
                      gconstpointer data)
{
  static const char *const addresses[] = { "::1", "127.0.0.1", NULL };

  g_test_summary ("The last reference dropped while both lookups run");
  resolver_addresses = addresses;
  connect_name (f, 9, TRUE);
  drop_socket (NULL, f);
  qs_test_iterate_for (100);
  assert_trace (f, "state-changed(host-lookup-state) ");
}

static void
test_abort_in_host_found (Fixture      *f,
                          gconstpointer data)
{
  static const char *const addresses[] = { "::1", "127.0.0.1", NULL };
  guint16 port;

  g_test_summary ("abort() from host-found: no attempt starts");
  if (!require_ipv6 ())
    return;
  resolver_addresses = addresses;
  port = listen_dual (f);
  g_signal_connect (f->socket, "host-found", G_CALLBACK (abort_socket), NULL);
  connect_name (f, port, TRUE);
  qs_test_run_until (is_settled (f), TIMEOUT_MS);
  qs_test_iterate_for (400);
  assert_trace (f, "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "about-to-close state-changed(unconnected-state) read-channel-finished ");
  g_assert_null (qs_tcp_server_next_pending_connection (f->server));
}

static void
test_unref_in_connected (Fixture      *f,
                         gconstpointer data)
{
  static const char *const addresses[] = { HANGING, "127.0.0.1", NULL };
  guint16 port;

  g_test_summary ("The last reference dropped in connected, a losing attempt in flight");
  if (!require_netns ())
    return;
  resolver_addresses = addresses;
  port = listen_dual (f);
  g_signal_connect (f->socket, "connected", G_CALLBACK (drop_socket), f);
  connect_name (f, port, TRUE);
  qs_test_run_until (f->socket == NULL, TIMEOUT_MS);
  qs_test_iterate_for (300);
  assert_trace (f, CONNECT_TRACE);
}

/* Inside the namespace: lo up; fd00:5153::2 behind qs0 with a neighbour
 * entry for a link-layer address nobody has. */
static void
setup_namespace (void)
{
  static const char *const lo_up[] = { "ip", "link", "set", "lo", "up", NULL };
  static const char *const veth[] = { "ip", "link", "add", "qs0", "type", "veth", "peer", "name", "qs1", NULL };
  static const char *const up0[] = { "ip", "link", "set", "qs0", "up", NULL };
  static const char *const up1[] = { "ip", "link", "set", "qs1", "up", NULL };
  static const char *const addr6[] = { "ip", "-6", "addr", "add", "fd00:5153::1/64", "dev", "qs0", "nodad", NULL };
  static const char *const neigh[] = { "ip", "-6", "neigh", "add", HANGING, "lladdr", "02:00:00:00:51:53",
                                       "dev", "qs0", "nud", "permanent", NULL };

  if (!qs_test_run_tool (lo_up) || !qs_test_run_tool (veth) || !qs_test_run_tool (up0) ||
      !qs_test_run_tool (up1) || !qs_test_run_tool (addr6) || !qs_test_run_tool (neigh))
    skip_netns = "cannot set up an IPv6 address that hangs in the namespace (veth pair, neighbour entry)";
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) original = g_strdupv (argv);
  g_autoptr(GResolver) resolver = NULL;

  g_test_init (&argc, &argv, NULL);

  if (!qs_test_enter_netns (original))
    skip_netns = "cannot create a private network namespace (unshare -rn failed)";
  else
    setup_namespace ();

  resolver = g_object_new (TEST_TYPE_RESOLVER, NULL);
  g_resolver_set_default (resolver);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/happy-eyeballs/property", test_property);
  ADD ("/happy-eyeballs/hanging-ipv6/without", test_hanging_ipv6_without);
  ADD ("/happy-eyeballs/hanging-ipv6/with", test_hanging_ipv6_with);
  ADD ("/happy-eyeballs/hanging-ipv6/property-during-connect", test_property_during_connect);
  ADD ("/happy-eyeballs/ipv6-wins", test_ipv6_wins);
  ADD ("/happy-eyeballs/ipv6-refused", test_ipv6_refused);
  ADD ("/happy-eyeballs/ipv6-refused-later", test_ipv6_refused_later);
  ADD ("/happy-eyeballs/all-refused", test_all_refused);
  ADD ("/happy-eyeballs/host-not-found", test_host_not_found);
  ADD ("/happy-eyeballs/wait-for-connected", test_wait_for_connected);
  ADD ("/happy-eyeballs/reentrancy/abort-in-flight", test_abort_in_flight);
  ADD ("/happy-eyeballs/reentrancy/unref-in-flight", test_unref_in_flight);
  ADD ("/happy-eyeballs/reentrancy/unref-in-lookup", test_unref_in_lookup);
  ADD ("/happy-eyeballs/reentrancy/abort-in-host-found", test_abort_in_host_found);
  ADD ("/happy-eyeballs/reentrancy/unref-in-connected", test_unref_in_connected);
#undef ADD

  return g_test_run ();
}
