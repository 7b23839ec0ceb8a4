/* test-local-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsLocalServer as Qt's QLocalServer behaves (Qt 6.4): names and where
 * they live, listen errors, removeServer, close, the access options and
 * the abstract namespace, pending connections and their limit, waiting
 * without a main loop, listening on a descriptor, the incoming_connection
 * virtual, re-entrancy, and what another user may do. Clients are
 * QsLocalSockets. Every test has its own temporary directory, which is
 * $TMPDIR while it runs, so bare server names resolve there.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 5000
#define NOBODY 65534

/* The permission bits of a mode (Python's stat.S_IMODE; not in glibc). */
#ifndef S_IMODE
# define S_IMODE(mode) ((mode) & 07777)
#endif

/* The value of $TMPDIR before the tests changed it; restored after each. */
static char *original_tmpdir;

/* A server whose incoming_connection keeps the descriptor (Qt's "an
 * override owns the fd") instead of queueing a socket. */
#define TEST_TYPE_SERVER (test_server_get_type ())
G_DECLARE_FINAL_TYPE (TestServer, test_server, TEST, SERVER, QsLocalServer)

struct _TestServer
{
  QsLocalServer parent_instance;

  guint         calls;
  int           fd;     /* (owned) the last descriptor received, or -1 */
};

G_DEFINE_TYPE (TestServer, test_server, QS_TYPE_LOCAL_SERVER)

static void
test_server_incoming_connection (QsLocalServer *server,
                                 int            socket_descriptor)
{
  TestServer *self = TEST_SERVER (server);

  self->calls++;
  if (self->fd >= 0)
    close (self->fd);
  self->fd = socket_descriptor;
}

static void
test_server_finalize (GObject *object)
{
  TestServer *self = TEST_SERVER (object);

  if (self->fd >= 0)
    close (self->fd);
  G_OBJECT_CLASS (test_server_parent_class)->finalize (object);
}

static void
test_server_class_init (TestServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_server_finalize;
  QS_LOCAL_SERVER_CLASS (klass)->incoming_connection = test_server_incoming_connection;
}

static void
test_server_init (TestServer *self)
{
  self->fd = -1;
}

typedef struct
{
  char          *tmpdir;       /* (owned) this test's $TMPDIR */
  gboolean       owns_tmpdir;  /* FALSE in a subprocess: the parent's directory */
  QsLocalServer *server;       /* (owned) (nullable) */
  GString       *trace;        /* (owned) the server's signals */
  guint          new_connections;
  guint          count;
} Fixture;

#define assert_trace(f, expected) g_assert_cmpstr ((f)->trace->str, ==, (expected))

static void
on_new_connection_count (QsLocalServer *server,
                         gpointer       user_data)
{
  Fixture *f = user_data;

  f->new_connections++;
}

static void
watch_server (Fixture *f)
{
  qs_test_trace_server (f->server, f->trace);
  g_signal_connect (f->server, "new-connection", G_CALLBACK (on_new_connection_count), f);
}

static void
drop_server (Fixture *f)
{
  if (f->server == NULL)
    return;
  g_signal_handlers_disconnect_by_data (f->server, f->trace);
  g_signal_handlers_disconnect_by_data (f->server, f);
  g_clear_object (&f->server);
}

/* Replaces the fixture's server with @server, watched like the first. */
static void
replace_server (Fixture       *f,
                QsLocalServer *server)
{
  drop_server (f);
  f->server = server;
  watch_server (f);
}

static void
setup (Fixture      *f,
       gconstpointer data)
{
  f->trace = g_string_new (NULL);
  if (g_test_subprocess ())
    {
      /* a child of g_test_trap_subprocess works in its parent's directory */
      f->tmpdir = g_strdup (g_getenv ("TMPDIR"));
      g_assert_nonnull (f->tmpdir);
    }
  else
    {
      g_autoptr(GError) error = NULL;

      f->tmpdir = g_dir_make_tmp ("qsock-local-server-XXXXXX", &error);
      g_assert_no_error (error);
      f->owns_tmpdir = TRUE;
      g_assert_true (g_setenv ("TMPDIR", f->tmpdir, TRUE));
    }
  f->server = qs_local_server_new ();
  watch_server (f);
}

static void
remove_tmpdir (const char *path)
{
  g_autoptr(GError) error = NULL;
  GDir *dir = g_dir_open (path, 0, &error);
  const char *entry;

  g_assert_no_error (error);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, entry, NULL);

      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_dir_close (dir);
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  drop_server (f);
  qs_test_drain_context ();
  if (f->owns_tmpdir)
    {
      remove_tmpdir (f->tmpdir);
      if (original_tmpdir != NULL)
        g_setenv ("TMPDIR", original_tmpdir, TRUE);
      else
        g_unsetenv ("TMPDIR");
    }
  g_free (f->tmpdir);
  g_string_free (f->trace, TRUE);
}

/* ---- helpers ------------------------------------------------------------------- */

/* "$TMPDIR/@name" of this test; (transfer full). */
static char *
tmp_path (Fixture    *f,
          const char *name)
{
  return g_build_filename (f->tmpdir, name, NULL);
}

static gboolean
tmp_file_exists (Fixture    *f,
                 const char *name)
{
  g_autofree char *path = tmp_path (f, name);
  struct stat st;

  return lstat (path, &st) == 0;
}

/* The permission bits of "$TMPDIR/@name". */
static guint
tmp_file_mode (Fixture    *f,
               const char *name)
{
  g_autofree char *path = tmp_path (f, name);
  struct stat st;

  g_assert_cmpint (lstat (path, &st), ==, 0);
  g_assert_true (S_ISSOCK (st.st_mode));
  return S_IMODE (st.st_mode);
}

static guint
count_tmp_files (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GDir *dir = g_dir_open (f->tmpdir, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  return n;
}

/* A Unix-domain stream socket made with plain syscalls, bound to
 * "$TMPDIR/@name", listening when @listening; (transfer full) the fd. */
static int
bound_unix_socket (Fixture    *f,
                   const char *name,
                   gboolean    listening)
{
  g_autofree char *path = tmp_path (f, name);
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (strlen (path), <, sizeof address.sun_path);
  strcpy (address.sun_path, path);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  if (listening)
    g_assert_cmpint (listen (fd, 8), ==, 0);
  return fd;
}

static void
assert_no_server_error (QsLocalServer *server)
{
  g_assert_cmpint (qs_local_server_get_server_error (server), ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_null (qs_local_server_get_error_string (server));
}

static void
assert_server_error (QsLocalServer *server,
                     QsSocketError  error,
                     const char    *error_string)
{
  g_assert_cmpint (qs_local_server_get_server_error (server), ==, error);
  g_assert_cmpstr (qs_local_server_get_error_string (server), ==, error_string);
}

/* Not listening, no names, no descriptor. */
static void
assert_not_listening (QsLocalServer *server)
{
  g_assert_false (qs_local_server_is_listening (server));
  g_assert_null (qs_local_server_get_server_name (server));
  g_assert_null (qs_local_server_get_full_server_name (server));
  g_assert_cmpint (qs_local_server_get_socket_descriptor (server), ==, -1);
}

/* Not listening, and nothing in $TMPDIR. */
static void
assert_nothing_left (Fixture *f)
{
  assert_not_listening (f->server);
  g_assert_cmpuint (count_tmp_files (f), ==, 0);
}

/* listen(@name) succeeds; the names are @name and "$TMPDIR/@name". */
static void
listen_named (Fixture    *f,
              const char *name)
{
  g_autofree char *path = tmp_path (f, name);

  g_assert_true (qs_local_server_listen (f->server, name));
  g_assert_true (qs_local_server_is_listening (f->server));
  g_assert_cmpstr (qs_local_server_get_server_name (f->server), ==, name);
  g_assert_cmpstr (qs_local_server_get_full_server_name (f->server), ==, path);
}

/* A QsLocalSocket connected to @name (connecting is over before
 * connect_to_server returns); @trace, if given, gets its signals. */
static QsLocalSocket *
client_new (const char           *name,
            QsLocalSocketOptions  options,
            GString              *trace)
{
  QsLocalSocket *client = qs_local_socket_new ();

  qs_local_socket_set_socket_options (client, options);
  if (trace != NULL)
    qs_test_trace_socket (client, trace);
  qs_local_socket_connect_to_server (client, name, QS_OPEN_MODE_READ_WRITE);
  g_assert_cmpint (qs_local_socket_get_state (client), ==, QS_LOCAL_SOCKET_STATE_CONNECTED_STATE);
  return client;
}

static QsLocalSocket *
connect_client (const char *name)
{
  return client_new (name, QS_LOCAL_SOCKET_OPTIONS_NO_OPTIONS, NULL);
}

/* Iterates until @client has seen its server go (it is unconnected). */
static void
wait_disconnected (QsLocalSocket *client)
{
  qs_test_run_until (qs_local_socket_get_state (client) == QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE,
                     TIMEOUT_MS);
}

/* Takes the next pending connection, which must be there. */
static QsLocalSocket *
take_connection (Fixture *f)
{
  QsLocalSocket *socket = qs_local_server_next_pending_connection (f->server);

  g_assert_nonnull (socket);
  g_assert_true (QS_IS_LOCAL_SOCKET (socket));
  return socket;
}

/* ---- defaults and properties ----------------------------------------------------- */

static void
test_defaults (Fixture      *f,
               gconstpointer data)
{
  gboolean listening = TRUE, timed_out = TRUE;
  int max_pending = 0, backlog = 0;
  char *error_string = (char *) "unset";
  char *server_name = (char *) "unset";
  char *full_server_name = (char *) "unset";
  QsSocketError server_error = QS_SOCKET_ERROR_CONNECTION_REFUSED_ERROR;
  QsLocalServerSocketOptions options = QS_LOCAL_SERVER_SOCKET_OPTIONS_WORLD_ACCESS_OPTION;

  g_test_summary ("A fresh QLocalServer: UnknownSocketError, empty error string, "
                  "30 pending connections, backlog 50, NoOptions, no descriptor, "
                  "no names, not listening; waitForNewConnection is FALSE at once "
                  "without timing out");

  assert_no_server_error (f->server);
  g_assert_cmpint (qs_local_server_get_max_pending_connections (f->server), ==, 30);
  g_assert_cmpint (qs_local_server_get_listen_backlog_size (f->server), ==, 50);
  g_assert_cmpint (qs_local_server_get_socket_options (f->server), ==,
                   QS_LOCAL_SERVER_SOCKET_OPTIONS_NO_OPTIONS);
  assert_not_listening (f->server);
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  g_assert_null (qs_local_server_next_pending_connection (f->server));

  g_object_get (f->server,
                "listening", &listening,
                "server-name", &server_name,
                "full-server-name", &full_server_name,
                "server-error", &server_error,
                "error-string", &error_string,
                "max-pending-connections", &max_pending,
                "listen-backlog-size", &backlog,
                "socket-options", &options,
                NULL);
  g_assert_false (listening);
  g_assert_null (server_name);
  g_assert_null (full_server_name);
  g_assert_cmpint (server_error, ==, QS_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_null (error_string);
  g_assert_cmpint (max_pending, ==, 30);
  g_assert_cmpint (backlog, ==, 50);
  g_assert_cmpint (options, ==, QS_LOCAL_SERVER_SOCKET_OPTIONS_NO_OPTIONS);

  g_assert_false (qs_local_server_wait_for_new_connection (f->server, 10, &timed_out));
  g_assert_false (timed_out);
  assert_no_server_error (f->server);
  assert_trace (f, "");
}

static void
test_properties (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(GString) notifies = g_string_new (NULL);
  int value = 0;
  QsLocalServerSocketOptions options = QS_LOCAL_SERVER_SOCKET_OPTIONS_NO_OPTIONS;

  g_test_summary ("max-pending-connections, listen-backlog-size and socket-options: "
                  "setters, properties, notify on a real change only");

  qs_test_trace_notify (f->server, "max-pending-connections", notifies);
  qs_test_trace_notify (f->server, "listen-backlog-size", notifies);
  qs_test_trace_notify (f->server, "socket-options", notifies);

  qs_local_server_set_max_pending_connections (f->server, 2);
  qs_local_server_set_max_pending_connections (f->server, 2);
  g_assert_cmpint (qs_local_server_get_max_pending_connections (f->server), ==, 2);
  g_object_set (f->server, "max-pending-connections", 7, NULL);
  g_object_get (f->server, "max-pending-connections", &value, NULL);
  g_assert_cmpint (value, ==, 7);

  qs_local_server_set_listen_backlog_size (f->server, 5);
  qs_local_server_set_listen_backlog_size (f->server, 5);
  g_assert_cmpint (qs_local_server_get_listen_backlog_size (f->server), ==, 5);
  g_object_set (f->server, "listen-backlog-size", 9, NULL);
  g_object_get (f->server, "listen-backlog-size", &value, NULL);
  g_assert_cmpint (value, ==, 9);

  qs_local_server_set_socket_options (f->server, QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION);
  qs_local_server_set_socket_options (f->server, QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION);
  g_assert_cmpint (qs_local_server_get_socket_options (f->server), ==,
                   QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION);
  g_object_set (f->server, "socket-options", QS_LOCAL_SERVER_SOCKET_OPTIONS_WORLD_ACCESS_OPTION, NULL);
  g_object_get (f->server, "socket-options", &options, NULL);
  g_assert_cmpint (options, ==, QS_LOCAL_SERVER_SOCKET_OPTIONS_WORLD_ACCESS_OPTION);

  g_assert_cmpstr (notifies->str, ==,
                   "notify::max-pending-connections notify::max-pending-connections "
                   "notify::listen-backlog-size notify::listen-backlog-size "
                   "notify::socket-options notify::socket-options ");
  g_signal_handlers_disconnect_by_data (f->server, notifies);
  assert_trace (f, "");
}

/* ---- listening ---------------------------------------------------------------------- */

static void
test_listen_name (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GString) notifies = g_string_new (NULL);
  g_autofree char *path = tmp_path (f, "srv");

  g_test_summary ("listen(\"srv\"): TRUE; the name resolves in $TMPDIR, the socket "
                  "file exists, a descriptor; notify::listening once; no error, no signal");

  qs_test_trace_notify (f->server, "listening", notifies);
  listen_named (f, "srv");
  g_assert_cmpstr (qs_local_server_get_full_server_name (f->server), ==, path);
  g_assert_true (tmp_file_exists (f, "srv"));
  g_assert_cmpint (qs_local_server_get_socket_descriptor (f->server), >=, 0);
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  assert_no_server_error (f->server);
  g_assert_cmpstr (notifies->str, ==, "notify::listening ");
  g_signal_handlers_disconnect_by_data (f->server, notifies);
  assert_trace (f, "");
}

static void
test_listen_twice (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *path = tmp_path (f, "srv");
  int fd;

  g_test_summary ("listen while listening: a warning and FALSE; nothing set, the "
                  "first listen goes on");

  listen_named (f, "srv");
  fd = qs_local_server_get_socket_descriptor (f->server);
  g_test_expect_message ("Qsock", G_LOG_LEVEL_WARNING, "*");
  g_assert_false (qs_local_server_listen (f->server, "other"));
  g_test_assert_expected_messages ();
  g_assert_true (qs_local_server_is_listening (f->server));
  g_assert_cmpstr (qs_local_server_get_server_name (f->server), ==, "srv");
  g_assert_cmpstr (qs_local_server_get_full_server_name (f->server), ==, path);
  g_assert_cmpint (qs_local_server_get_socket_descriptor (f->server), ==, fd);
  g_assert_false (tmp_file_exists (f, "other"));
  assert_no_server_error (f->server);
  assert_trace (f, "");
}

static void
test_listen_address_in_use (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(QsLocalServer) first = qs_local_server_new ();
  g_autoptr(QsLocalSocket) client = NULL;

  g_test_summary ("listen on the name a live server listens on: FALSE, "
                  "AddressInUseError, \"QLocalServer::listen: Address in use\"; "
                  "the live server is untouched");

  g_assert_true (qs_local_server_listen (first, "srv"));
  g_assert_false (qs_local_server_listen (f->server, "srv"));
  assert_server_error (f->server, QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR,
                       "QLocalServer::listen: Address in use");
  assert_not_listening (f->server);
  assert_trace (f, "");

  /* the first server still serves its name */
  g_assert_true (qs_local_server_is_listening (first));
  g_assert_true (tmp_file_exists (f, "srv"));
  client = connect_client ("srv");
  qs_test_run_until (qs_local_server_has_pending_connections (first), TIMEOUT_MS);
}

static void
test_listen_stale_file (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(QsLocalSocket) client = NULL;

  g_test_summary ("listen on a stale socket file (nobody listens): FALSE, "
                  "AddressInUseError; removeServer removes it (TRUE, and TRUE again "
                  "when nothing is left), then listen works");

  close (bound_unix_socket (f, "stale", FALSE));
  g_assert_true (tmp_file_exists (f, "stale"));

  g_assert_false (qs_local_server_listen (f->server, "stale"));
  assert_server_error (f->server, QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR,
                       "QLocalServer::listen: Address in use");
  assert_not_listening (f->server);

  g_assert_true (qs_local_server_remove_server ("stale"));
  g_assert_false (tmp_file_exists (f, "stale"));
  g_assert_true (qs_local_server_remove_server ("stale"));

  listen_named (f, "stale");
  g_assert_true (tmp_file_exists (f, "stale"));
  client = connect_client ("stale");
  qs_test_run_until (f->new_connections == 1, TIMEOUT_MS);
  assert_trace (f, "new-connection ");
}

static void
test_listen_empty_name (Fixture      *f,
                        gconstpointer data)
{
  g_test_summary ("listen(\"\"): FALSE, HostNotFoundError, "
                  "\"QLocalServer::listen: Name error\"; nothing is created");

  g_assert_false (qs_local_server_listen (f->server, ""));
  assert_server_error (f->server, QS_SOCKET_ERROR_HOST_NOT_FOUND_ERROR,
                       "QLocalServer::listen: Name error");
  assert_nothing_left (f);
  assert_trace (f, "");
}

/* ---- closing ------------------------------------------------------------------------- */

static void
test_close (Fixture      *f,
            gconstpointer data)
{
  g_autoptr(QsLocalSocket) client = NULL;
  g_autoptr(GString) client_trace = g_string_new (NULL);
  g_autoptr(QsLocalServer) other = qs_local_server_new ();

  g_test_summary ("close: not listening, no names, the error reset to "
                  "UnknownSocketError with an empty string, the socket file removed, "
                  "pending connections dropped (their client sees the peer close)");

  /* an error first, to see close reset it */
  g_assert_true (qs_local_server_listen (other, "srv"));
  g_assert_false (qs_local_server_listen (f->server, "srv"));
  g_clear_object (&other);
  g_assert_false (tmp_file_exists (f, "srv"));
  listen_named (f, "srv");
  assert_server_error (f->server, QS_SOCKET_ERROR_ADDRESS_IN_USE_ERROR,
                       "QLocalServer::listen: Address in use");

  client = client_new ("srv", QS_LOCAL_SOCKET_OPTIONS_NO_OPTIONS, client_trace);
  qs_test_run_until (f->new_connections == 1, TIMEOUT_MS);
  g_assert_true (qs_local_server_has_pending_connections (f->server));
  g_string_truncate (client_trace, 0);

  qs_local_server_close (f->server);
  assert_not_listening (f->server);
  assert_no_server_error (f->server);
  g_assert_false (tmp_file_exists (f, "srv"));
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  g_assert_null (qs_local_server_next_pending_connection (f->server));

  wait_disconnected (client);
  g_assert_cmpstr (client_trace->str, ==,
                   "error-occurred(peer-closed-error) state-changed(closing-state) "
                   "state-changed(unconnected-state) read-channel-finished disconnected ");
  g_signal_handlers_disconnect_by_data (client, client_trace);
  assert_trace (f, "new-connection ");

  /* closing again changes nothing; the name can be listened on again */
  qs_local_server_close (f->server);
  assert_not_listening (f->server);
  listen_named (f, "srv");
}

/* ---- socket options ------------------------------------------------------------------ */

typedef struct
{
  QsLocalServerSocketOptions options;
  guint                      mode;
} AccessCase;

static const AccessCase user_access = { QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION, 0700 };
static const AccessCase user_group_access = {
  QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION | QS_LOCAL_SERVER_SOCKET_OPTIONS_GROUP_ACCESS_OPTION,
  0770
};
static const AccessCase world_access = { QS_LOCAL_SERVER_SOCKET_OPTIONS_WORLD_ACCESS_OPTION, 0777 };

static void
test_access_options (Fixture      *f,
                     gconstpointer data)
{
  const AccessCase *access = data;
  g_autoptr(QsLocalSocket) client = NULL;

  g_test_summary ("The access options become the permission bits of the socket "
                  "file: UserAccessOption 0700, User|Group 0770, WorldAccessOption 0777; "
                  "the owner connects");

  qs_local_server_set_socket_options (f->server, access->options);
  listen_named (f, "srv");
  g_assert_cmpuint (tmp_file_mode (f, "srv"), ==, access->mode);
  g_assert_cmpint (qs_local_server_get_socket_options (f->server), ==, access->options);
  client = connect_client ("srv");
  qs_test_run_until (f->new_connections == 1, TIMEOUT_MS);
}

/* Abstract names are global to the machine: @prefix and this test's
 * unique $TMPDIR make one no other test uses. */
static char *
abstract_name_new (Fixture    *f,
                   const char *prefix)
{
  g_autofree char *base = g_path_get_basename (f->tmpdir);

  return g_strconcat (prefix, base, NULL);
}

static void
test_abstract_namespace (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *name = abstract_name_new (f, "qsock-test-");
  g_autoptr(GString) client_trace = g_string_new (NULL);
  g_autoptr(QsLocalSocket) client = NULL;
  g_autoptr(QsLocalSocket) plain = qs_local_socket_new ();
  g_autoptr(QsLocalSocket) accepted = NULL;

  g_test_summary ("AbstractNamespaceOption: no file is created, fullServerName is "
                  "the bare name; a QLocalSocket with AbstractNamespaceOption connects, "
                  "one without it does not find the server");

  qs_local_server_set_socket_options (f->server, QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION);
  g_assert_true (qs_local_server_listen (f->server, name));
  g_assert_cmpstr (qs_local_server_get_server_name (f->server), ==, name);
  g_assert_cmpstr (qs_local_server_get_full_server_name (f->server), ==, name);
  g_assert_cmpint (qs_local_server_get_socket_descriptor (f->server), >=, 0);
  g_assert_cmpuint (count_tmp_files (f), ==, 0);

  client = client_new (name, QS_LOCAL_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION, client_trace);
  g_assert_cmpstr (client_trace->str, ==,
                   "state-changed(connecting-state) state-changed(connected-state) connected ");
  g_assert_cmpstr (qs_local_socket_get_full_server_name (client), ==, name);
  qs_test_run_until (f->new_connections == 1, TIMEOUT_MS);
  accepted = take_connection (f);
  g_assert_cmpstr (qs_local_socket_get_full_server_name (accepted), ==, name);
  g_signal_handlers_disconnect_by_data (client, client_trace);

  qs_local_socket_connect_to_server (plain, name, QS_OPEN_MODE_READ_WRITE);
  g_assert_cmpint (qs_local_socket_get_state (plain), ==, QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE);
  g_assert_cmpint (qs_local_socket_get_error (plain), ==, QS_LOCAL_SOCKET_ERROR_SERVER_NOT_FOUND_ERROR);

  qs_local_server_close (f->server);
  assert_nothing_left (f);
  assert_trace (f, "new-connection ");
}

/* ---- accepting ------------------------------------------------------------------------ */

static void
test_new_connection (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr(QsLocalSocket) client = NULL;
  g_autoptr(QsLocalSocket) accepted = NULL;
  g_autoptr(GString) accepted_trace = g_string_new (NULL);
  g_autoptr(GBytes) got = NULL;
  g_autofree char *path = tmp_path (f, "srv");
  QsIODevice *device;

  g_test_summary ("A QLocalSocket connects: newConnection (from the default "
                  "incomingConnection); the pending socket is Connected, ReadWrite, "
                  "named after the server; bytes go both ways; then nothing is pending");

  listen_named (f, "srv");
  client = connect_client ("srv");
  qs_test_run_until (f->new_connections == 1, TIMEOUT_MS);
  qs_test_drain_context ();
  assert_trace (f, "new-connection ");
  g_assert_true (qs_local_server_has_pending_connections (f->server));

  accepted = take_connection (f);
  device = QS_IO_DEVICE (accepted);
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  g_assert_null (qs_local_server_next_pending_connection (f->server));

  g_assert_cmpint (qs_local_socket_get_state (accepted), ==, QS_LOCAL_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (qs_io_device_get_open_mode (device), ==, QS_OPEN_MODE_READ_WRITE);
  g_assert_true (qs_local_socket_is_valid (accepted));
  g_assert_cmpint (qs_local_socket_get_socket_descriptor (accepted), >=, 0);
  g_assert_cmpint (qs_local_socket_get_error (accepted), ==, QS_LOCAL_SOCKET_ERROR_UNKNOWN_SOCKET_ERROR);
  g_assert_cmpstr (qs_local_socket_get_server_name (accepted), ==, "srv");
  g_assert_cmpstr (qs_local_socket_get_full_server_name (accepted), ==, path);

  /* client to server */
  qs_test_trace_socket (accepted, accepted_trace);
  g_assert_cmpint (qs_io_device_write (QS_IO_DEVICE (client), (const guint8 *) "hello", 5), ==, 5);
  qs_test_run_until (qs_io_device_bytes_available (device) == 5, TIMEOUT_MS);
  got = qs_io_device_read_all (device);
  qs_test_assert_bytes (got, "hello");
  g_clear_pointer (&got, g_bytes_unref);

  /* server to client */
  g_assert_cmpint (qs_io_device_write (device, (const guint8 *) "back", 4), ==, 4);
  qs_test_run_until (qs_io_device_bytes_available (QS_IO_DEVICE (client)) == 4, TIMEOUT_MS);
  got = qs_io_device_read_all (QS_IO_DEVICE (client));
  qs_test_assert_bytes (got, "back");
  g_assert_cmpstr (accepted_trace->str, ==, "ready-read bytes-written(4) ");
  g_signal_handlers_disconnect_by_data (accepted, accepted_trace);
  assert_trace (f, "new-connection ");
}

static void
test_max_pending (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) taken = g_ptr_array_new_with_free_func (g_object_unref);

  g_test_summary ("setMaxPendingConnections(1) with four clients: Qt 6.4 accepts, then "
                  "counts the connections waiting before it queues the new one, so three "
                  "are accepted; the fourth waits in the kernel until no more than one "
                  "is left waiting (observed with PyQt6 6.4.2)");

  qs_local_server_set_max_pending_connections (f->server, 1);
  listen_named (f, "srv");
  for (guint i = 0; i < 4; i++)
    g_ptr_array_add (clients, connect_client ("srv"));

  qs_test_run_until (f->new_connections >= 3, TIMEOUT_MS);
  qs_test_drain_context ();
  assert_trace (f, "new-connection new-connection new-connection ");

  g_ptr_array_add (taken, take_connection (f));
  qs_test_drain_context ();
  g_assert_cmpuint (f->new_connections, ==, 3);
  g_ptr_array_add (taken, take_connection (f));
  qs_test_run_until (f->new_connections == 4, TIMEOUT_MS);
  g_ptr_array_add (taken, take_connection (f));
  g_ptr_array_add (taken, take_connection (f));
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  g_assert_null (qs_local_server_next_pending_connection (f->server));
  assert_trace (f, "new-connection new-connection new-connection new-connection ");
}

/* ---- waiting without a main loop ---------------------------------------------------- */

static void
test_wait_timeout (Fixture      *f,
                   gconstpointer data)
{
  gboolean timed_out = FALSE;
  gint64 start, elapsed_ms;

  g_test_summary ("waitForNewConnection(50) with nobody connecting: FALSE, timedOut "
                  "TRUE, and no error is set");

  listen_named (f, "srv");
  start = g_get_monotonic_time ();
  g_assert_false (qs_local_server_wait_for_new_connection (f->server, 50, &timed_out));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_true (timed_out);
  g_assert_cmpint (elapsed_ms, >=, 40);
  g_assert_cmpint (elapsed_ms, <, 3000);
  assert_no_server_error (f->server);
  g_assert_true (qs_local_server_is_listening (f->server));
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  assert_trace (f, "");
}

static void
test_wait_success (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr(QsLocalSocket) client = NULL;
  g_autoptr(QsLocalSocket) accepted = NULL;
  gboolean timed_out = TRUE;

  g_test_summary ("waitForNewConnection with a client connected first and no main "
                  "loop running: TRUE, timedOut FALSE, newConnection, a pending connection");

  listen_named (f, "srv");
  client = connect_client ("srv");
  g_assert_true (qs_local_server_wait_for_new_connection (f->server, TIMEOUT_MS, &timed_out));
  g_assert_false (timed_out);
  assert_trace (f, "new-connection ");
  g_assert_true (qs_local_server_has_pending_connections (f->server));
  accepted = take_connection (f);
  g_assert_cmpint (qs_local_socket_get_state (accepted), ==, QS_LOCAL_SOCKET_STATE_CONNECTED_STATE);
  assert_no_server_error (f->server);
}

/* ---- listening on a descriptor ---------------------------------------------------------- */

static void
test_listen_on_descriptor (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr(QsLocalSocket) client = NULL;
  g_autofree char *path = tmp_path (f, "byfd");
  int fd;

  g_test_summary ("listen(descriptor) with a listening AF_UNIX socket bound to "
                  "$TMPDIR/byfd: TRUE; the names come from its address; it accepts; "
                  "close removes the file");

  fd = bound_unix_socket (f, "byfd", TRUE);
  g_assert_true (qs_local_server_listen_on_descriptor (f->server, fd));
  g_assert_true (qs_local_server_is_listening (f->server));
  g_assert_cmpint (qs_local_server_get_socket_descriptor (f->server), ==, fd);
  g_assert_cmpstr (qs_local_server_get_server_name (f->server), ==, "byfd");
  g_assert_cmpstr (qs_local_server_get_full_server_name (f->server), ==, path);
  assert_no_server_error (f->server);

  client = connect_client ("byfd");
  qs_test_run_until (f->new_connections == 1, TIMEOUT_MS);
  assert_trace (f, "new-connection ");

  qs_local_server_close (f->server);
  assert_not_listening (f->server);
  g_assert_false (tmp_file_exists (f, "byfd"));
}

/* A listening AF_UNIX socket bound to the abstract name @name. */
static int
abstract_listener_new (const char *name)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  gsize len = strlen (name);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpuint (len + 1, <=, sizeof addr.sun_path);
  memcpy (addr.sun_path + 1, name, len);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr,
                         (socklen_t) (G_STRUCT_OFFSET (struct sockaddr_un, sun_path) + 1 + len)), ==, 0);
  g_assert_cmpint (listen (fd, 5), ==, 0);
  return fd;
}

static void
test_listen_on_descriptor_abstract (Fixture      *f,
                                    gconstpointer data)
{
  g_autofree char *name = abstract_name_new (f, "qsock-test-fd-");
  g_autoptr(GString) notifies = g_string_new (NULL);

  g_test_summary ("listen(descriptor) on an abstract socket adds "
                  "AbstractNamespaceOption to the options, as Qt 6.4 does "
                  "(observed through PyQt6: UserAccessOption|AbstractNamespaceOption), "
                  "notifying socket-options only when the option was not set yet");

  qs_local_server_set_socket_options (f->server, QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION);
  qs_test_trace_notify (f->server, "socket-options", notifies);
  g_assert_true (qs_local_server_listen_on_descriptor (f->server, abstract_listener_new (name)));
  g_assert_cmpint (qs_local_server_get_socket_options (f->server), ==,
                   QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION |
                   QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION);
  g_assert_cmpstr (qs_local_server_get_full_server_name (f->server), ==, name);
  g_assert_cmpstr (notifies->str, ==, "notify::socket-options ");
  qs_local_server_close (f->server);

  /* Set already: no notification. */
  g_string_truncate (notifies, 0);
  g_assert_true (qs_local_server_listen_on_descriptor (f->server, abstract_listener_new (name)));
  g_assert_cmpint (qs_local_server_get_socket_options (f->server), ==,
                   QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION |
                   QS_LOCAL_SERVER_SOCKET_OPTIONS_ABSTRACT_NAMESPACE_OPTION);
  g_assert_cmpstr (notifies->str, ==, "");
  qs_local_server_close (f->server);
  g_signal_handlers_disconnect_by_data (f->server, notifies);
  assert_trace (f, "");
}

static void
test_listen_on_descriptor_not_socket (Fixture      *f,
                                      gconstpointer data)
{
  int fds[2];

  g_test_summary ("listen(descriptor) with a pipe: FALSE, "
                  "UnsupportedSocketOperationError, \"QLocalServer::listen: The socket "
                  "operation is not supported\"; the descriptor stays the caller's");

  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_false (qs_local_server_listen_on_descriptor (f->server, fds[0]));
  assert_server_error (f->server, QS_SOCKET_ERROR_UNSUPPORTED_SOCKET_OPERATION_ERROR,
                       "QLocalServer::listen: The socket operation is not supported");
  assert_not_listening (f->server);
  g_assert_cmpint (fcntl (fds[0], F_GETFD), !=, -1);
  close (fds[0]);
  close (fds[1]);
  assert_trace (f, "");
}

/* ---- subclasses ------------------------------------------------------------------------- */

static void
test_incoming_connection_refused_descriptor (Fixture      *f,
                                             gconstpointer data)
{
  int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  g_test_summary ("The default incoming_connection closes a descriptor "
                  "set_socket_descriptor refuses (here a datagram one): nothing "
                  "pending, no signal, no leak");

  g_assert_cmpint (fd, >=, 0);
  QS_LOCAL_SERVER_GET_CLASS (f->server)->incoming_connection (f->server, fd);
  g_assert_cmpint (fcntl (fd, F_GETFD), ==, -1);
  g_assert_cmpint (errno, ==, EBADF);
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  assert_trace (f, "");
}

static void
test_incoming_connection_override (Fixture      *f,
                                   gconstpointer data)
{
  g_autoptr(QsLocalSocket) client = NULL;
  TestServer *server;
  char byte = 0;

  g_test_summary ("A subclass overriding incomingConnection receives the descriptor "
                  "(and owns it); the default does not run: no newConnection, nothing "
                  "pending");

  replace_server (f, g_object_new (TEST_TYPE_SERVER, NULL));
  server = TEST_SERVER (f->server);
  listen_named (f, "srv");
  client = connect_client ("srv");
  qs_test_run_until (server->calls == 1, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (server->calls, ==, 1);
  g_assert_cmpint (server->fd, >=, 0);
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  g_assert_null (qs_local_server_next_pending_connection (f->server));
  assert_trace (f, "");

  /* the descriptor is the client's peer */
  g_assert_cmpint (qs_io_device_write (QS_IO_DEVICE (client), (const guint8 *) "z", 1), ==, 1);
  g_assert_true (qs_local_socket_flush (client));
  g_assert_cmpint (fcntl (server->fd, F_SETFL, 0), ==, 0);
  g_assert_cmpint (read (server->fd, &byte, 1), ==, 1);
  g_assert_cmpint (byte, ==, 'z');
}

/* ---- re-entrancy (run under ASan in CI) ------------------------------------------------- */

static void
on_new_connection_unref (QsLocalServer *server,
                         gpointer       user_data)
{
  Fixture *f = user_data;

  f->count++;
  g_clear_object (&f->server);
}

/* Listens on "srv" with @handler on new-connection and connects two
 * clients before the server runs: the handler runs once, accepting stops,
 * the socket file goes, and both clients see the server go. */
static void
serve_two_clients_with (Fixture   *f,
                        GCallback  handler)
{
  g_autoptr(QsLocalSocket) first = NULL;
  g_autoptr(QsLocalSocket) second = NULL;

  listen_named (f, "srv");
  g_signal_connect (f->server, "new-connection", handler, f);
  first = connect_client ("srv");
  second = connect_client ("srv");
  qs_test_run_until (f->count >= 1, TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpuint (f->count, ==, 1);
  g_assert_cmpuint (f->new_connections, ==, 1);
  g_assert_false (tmp_file_exists (f, "srv"));
  wait_disconnected (first);
  wait_disconnected (second);
}

static void
test_unref_in_new_connection (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("A newConnection handler that drops the last reference to the "
                  "server, with another client waiting: no crash, no more accepts, the "
                  "socket file goes, both clients see the server go");

  serve_two_clients_with (f, G_CALLBACK (on_new_connection_unref));
  g_assert_null (f->server);
}

static void
on_new_connection_close (QsLocalServer *server,
                         gpointer       user_data)
{
  Fixture *f = user_data;

  f->count++;
  qs_local_server_close (server);
}

static void
test_close_in_new_connection (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("close from a newConnection handler with another client waiting: "
                  "accepting stops at once; nothing is pending; the file goes, both "
                  "clients see the server go");

  serve_two_clients_with (f, G_CALLBACK (on_new_connection_close));
  assert_not_listening (f->server);
  assert_no_server_error (f->server);
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  assert_trace (f, "new-connection ");
}

/* ---- another user (the tests run as root, who ignores file modes) ----------------------- */

/* Whether this process may become nobody: tried in a forked child. */
static gboolean
can_become_nobody (void)
{
  int status = 0;
  pid_t pid;

  if (geteuid () != 0)
    return FALSE;
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (setgroups (0, NULL) == 0 && setgid (NOBODY) == 0 && setuid (NOBODY) == 0 ? 0 : 1);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* In the subprocess: root becomes nobody, for good. */
static void
become_nobody (void)
{
  if (geteuid () != 0)
    return;
  g_assert_cmpint (setgroups (0, NULL), ==, 0);
  g_assert_cmpint (setgid (NOBODY), ==, 0);
  g_assert_cmpint (setuid (NOBODY), ==, 0);
  g_assert_cmpint (geteuid (), ==, NOBODY);
}

/* In the parent: runs this test again as nobody in a subprocess, in this
 * test's directory (made searchable, not writable, for others). FALSE
 * when the test was skipped. */
static gboolean
run_as_nobody (Fixture *f)
{
  if (!can_become_nobody ())
    {
      g_test_skip ("cannot switch to the nobody user (uid and gid 65534)");
      return FALSE;
    }
  g_assert_cmpint (g_chmod (f->tmpdir, 0755), ==, 0);
  g_test_trap_subprocess (NULL, 0, 0);
  g_test_trap_assert_passed ();
  return TRUE;
}

static void
test_connect_access_denied (Fixture      *f,
                            gconstpointer data)
{
  g_test_summary ("Another user connecting to a server that listens with "
                  "UserAccessOption: SocketAccessError, \"QLocalSocket::connectToServer: "
                  "Socket access error\"; the server sees nothing");

  if (g_test_subprocess ())
    {
      g_autoptr(GString) client_trace = g_string_new (NULL);
      g_autoptr(QsLocalSocket) client = qs_local_socket_new ();

      become_nobody ();
      qs_test_trace_socket (client, client_trace);
      qs_local_socket_connect_to_server (client, "private", QS_OPEN_MODE_READ_WRITE);
      g_assert_cmpint (qs_local_socket_get_state (client), ==, QS_LOCAL_SOCKET_STATE_UNCONNECTED_STATE);
      g_assert_cmpint (qs_local_socket_get_error (client), ==, QS_LOCAL_SOCKET_ERROR_SOCKET_ACCESS_ERROR);
      g_assert_cmpstr (qs_io_device_get_error_string (QS_IO_DEVICE (client)), ==,
                       "QLocalSocket::connectToServer: Socket access error");
      g_assert_false (qs_io_device_is_open (QS_IO_DEVICE (client)));
      g_assert_cmpstr (client_trace->str, ==,
                       "state-changed(connecting-state) error-occurred(socket-access-error) "
                       "state-changed(unconnected-state) ");
      g_signal_handlers_disconnect_by_data (client, client_trace);
      return;
    }

  qs_local_server_set_socket_options (f->server, QS_LOCAL_SERVER_SOCKET_OPTIONS_USER_ACCESS_OPTION);
  listen_named (f, "private");
  g_assert_cmpuint (tmp_file_mode (f, "private"), ==, 0700);
  if (!run_as_nobody (f))
    return;
  qs_test_drain_context ();
  g_assert_false (qs_local_server_has_pending_connections (f->server));
  assert_no_server_error (f->server);
  assert_trace (f, "");
}

static void
test_listen_permission_denied (Fixture      *f,
                               gconstpointer data)
{
  g_test_summary ("listen in a directory the user may not write to: FALSE, "
                  "SocketAccessError, \"QLocalServer::listen: Permission denied\"");

  if (g_test_subprocess ())
    {
      become_nobody ();
      g_assert_false (qs_local_server_listen (f->server, "denied"));
      assert_server_error (f->server, QS_SOCKET_ERROR_SOCKET_ACCESS_ERROR,
                           "QLocalServer::listen: Permission denied");
      assert_not_listening (f->server);
      assert_trace (f, "");
      return;
    }

  if (!run_as_nobody (f))
    return;
  g_assert_cmpuint (count_tmp_files (f), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  original_tmpdir = g_strdup (g_getenv ("TMPDIR"));

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
#define ADD_DATA(path, data, func) g_test_add (path, Fixture, data, setup, func, teardown)
  ADD ("/local-server/defaults", test_defaults);
  ADD ("/local-server/properties", test_properties);
  ADD ("/local-server/listen/name", test_listen_name);
  ADD ("/local-server/listen/twice", test_listen_twice);
  ADD ("/local-server/listen/address-in-use", test_listen_address_in_use);
  ADD ("/local-server/listen/stale-file", test_listen_stale_file);
  ADD ("/local-server/listen/empty-name", test_listen_empty_name);
  ADD ("/local-server/close", test_close);
  ADD_DATA ("/local-server/socket-options/user-access", &user_access, test_access_options);
  ADD_DATA ("/local-server/socket-options/user-group-access", &user_group_access, test_access_options);
  ADD_DATA ("/local-server/socket-options/world-access", &world_access, test_access_options);
  ADD ("/local-server/socket-options/abstract-namespace", test_abstract_namespace);
  ADD ("/local-server/accept/new-connection", test_new_connection);
  ADD ("/local-server/accept/max-pending-connections", test_max_pending);
  ADD ("/local-server/wait-for-new-connection/timeout", test_wait_timeout);
  ADD ("/local-server/wait-for-new-connection/success", test_wait_success);
  ADD ("/local-server/listen-on-descriptor/unix-socket", test_listen_on_descriptor);
  ADD ("/local-server/listen-on-descriptor/not-a-socket", test_listen_on_descriptor_not_socket);
  ADD ("/local-server/listen-on-descriptor/abstract", test_listen_on_descriptor_abstract);
  ADD ("/local-server/incoming-connection/override", test_incoming_connection_override);
  ADD ("/local-server/incoming-connection/refused-descriptor", test_incoming_connection_refused_descriptor);
  ADD ("/local-server/reentrancy/unref-in-new-connection", test_unref_in_new_connection);
  ADD ("/local-server/reentrancy/close-in-new-connection", test_close_in_new_connection);
  ADD ("/local-server/permissions/connect-access-denied", test_connect_access_denied);
  ADD ("/local-server/permissions/listen-permission-denied", test_listen_permission_denied);
#undef ADD_DATA
#undef ADD

  return g_test_run ();
}
