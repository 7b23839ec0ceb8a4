/* qs-test-utils.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the C tests: wait on the main loop for a condition
 * (never sleep), log signals into a trace string, and plain GSocket peers
 * on loopback.
 */

#pragma once

#include <string.h>

#include <qsock/qsock.h>

G_BEGIN_DECLS

gboolean qs_test_set_true (gpointer data);

/* Iterates the thread-default main context until @cond holds or
 * @timeout_ms pass; the test fails at the deadline. */
#define qs_test_run_until(cond, timeout_ms)                                  \
  G_STMT_START {                                                             \
    gboolean expired_ = FALSE;                                               \
    GSource *timeout_source_ = g_timeout_source_new (timeout_ms);            \
    g_source_set_callback (timeout_source_, qs_test_set_true, &expired_, NULL); \
    g_source_attach (timeout_source_, g_main_context_get_thread_default ()); \
    while (!(cond) && !expired_)                                             \
      g_main_context_iteration (g_main_context_get_thread_default (), TRUE); \
    g_source_destroy (timeout_source_);                                      \
    g_source_unref (timeout_source_);                                        \
    g_assert_true (cond);                                                    \
  } G_STMT_END

/* Dispatches whatever is ready on the thread-default context without
 * blocking, until nothing is (at most a few hundred iterations). Used to
 * show that something does NOT happen although its cause is already
 * pending in the kernel. */
void qs_test_drain_context (void);

/* Iterates the thread-default context for @ms milliseconds: lets
 * asynchronous work (a host lookup, a timer) run its course when the test
 * must show that nothing happens. */
void qs_test_iterate_for (guint ms);

/* Connects every signal of a QsAbstractSocket or QsLocalSocket (and its
 * QsIODevice) to a logger that appends "name(args) " to @trace. */
void qs_test_trace_socket (gpointer socket,
                           GString *trace);

/* Connects the signals of a QsTcpServer or QsLocalServer (new-connection,
 * pending-connection-available, accept-error) to the same kind of logger. */
void qs_test_trace_server (gpointer server,
                           GString *trace);

/* Appends "notify::PROPERTY " to @trace on each notify of @property. */
void qs_test_trace_notify (gpointer    object,
                           const char *property,
                           GString    *trace);

/* Increments *@counter on each emission of @detailed_signal, whatever its
 * arguments. */
void qs_test_count_signal (gpointer    object,
                           const char *detailed_signal,
                           guint      *counter);

/* Disconnects the test's handlers (those with @trace or @fixture as data)
 * from *@object_ptr, if any, and drops it: teardown after a test that may
 * have dropped the object itself. */
void qs_test_release (gpointer      object_ptr,
                      gconstpointer trace,
                      gconstpointer fixture);

/* The address of @text, which must parse; (transfer full). */
GInetAddress *qs_test_address (const char *text);

/* The text of @address, which it consumes (transfer full in), or NULL
 * for NULL: reads getters that return (transfer full) addresses. */
char *qs_test_address_string (GInetAddress *address);

/* A UDP socket's local port. */
guint16 qs_test_udp_local_port (QsUdpSocket *socket);

/* Binds @socket to @text:0 (NULL: the any address) with @mode and
 * asserts it is bound to a port. */
void qs_test_udp_bind (QsUdpSocket *socket,
                       const char  *text,
                       QsBindFlags  mode);

/* Waits, without the main loop, until @socket's descriptor is readable;
 * fails the test after 5 s. */
void qs_test_udp_wait_readable (QsUdpSocket *socket);

/* A loopback address (127.0.0.1 or ::1); (transfer full). */
GInetAddress *qs_test_loopback (GSocketFamily family);

/* The path of the program @name, looked up in PATH and in the sbin
 * folders an unprivileged PATH lacks; NULL when missing. (transfer full) */
char *qs_test_find_tool (const char *name);

/* Runs @argv, its first element looked up in PATH and in the sbin
 * folders an unprivileged PATH lacks; TRUE when it exits 0. */
gboolean qs_test_run_tool (const char *const *argv);

/* Re-executes the test program in a private user and network namespace
 * of its own (`unshare -rn`; @argv as main() got it, before
 * g_test_init()). Returns TRUE inside the namespace, FALSE when none
 * can be made; never returns when it re-executes. */
gboolean qs_test_enter_netns (char **argv);

/* Fails the test under CI=true, where nothing may go missing; skips it
 * elsewhere. */
void qs_test_skip_unless_ci (const char *why);

/* TRUE when ::1 can be bound (IPv6 loopback usable). */
gboolean qs_test_ipv6_available (void);

/* A non-blocking listening GSocket on the loopback address of @family,
 * port 0 (chosen by the system), with @backlog; *@port receives the port.
 * (transfer full). */
GSocket *qs_test_listener_new (GSocketFamily family,
                               int           backlog,
                               guint16      *port);

/* A GSocket bound (not listening) on loopback: connecting to its port is
 * refused. (transfer full). */
GSocket *qs_test_closed_port_new (guint16 *port);

/* Iterates the context until @listener has a connection to accept;
 * returns it non-blocking. Fails the test after @timeout_ms. */
GSocket *qs_test_accept (GSocket *listener,
                         guint    timeout_ms);

/* A plain client GSocket connected (blocking, kernel handshake only) to
 * loopback:@port, then made non-blocking. (transfer full). */
GSocket *qs_test_client_new (GSocketFamily family,
                             guint16       port);

/* Iterates the context until @socket reports @condition. */
void qs_test_wait_socket (GSocket     *socket,
                          GIOCondition condition,
                          guint        timeout_ms);

/* Sends all of @data (blocking if needed). */
void qs_test_peer_send (GSocket    *peer,
                        const char *data,
                        gssize      size);

/* Iterates the context and reads from @peer until @count bytes arrived
 * or end of stream; returns the bytes read. */
GBytes *qs_test_peer_read (GSocket *peer,
                           gsize    count,
                           guint    timeout_ms);

/* Iterates the context and reads from @peer until end of stream (or a
 * reset); returns every byte read before it. */
GBytes *qs_test_peer_read_to_eof (GSocket *peer,
                                  guint    timeout_ms);

/* The local port of a GSocket. */
guint16 qs_test_socket_local_port (GSocket *socket);

/* Asserts that @bytes holds exactly the string @expected. */
#define qs_test_assert_bytes(bytes, expected)                               \
  G_STMT_START {                                                             \
    gsize size_;                                                             \
    const char *data_ = g_bytes_get_data ((bytes), &size_);                  \
    g_autofree char *got_ = g_strndup (data_ ? data_ : "", size_);           \
    g_assert_cmpstr (got_, ==, (expected));                                  \
    g_assert_cmpuint (size_, ==, strlen (expected));                         \
  } G_STMT_END

/* Bytes @offset .. @offset + @size of the test stream whose byte i is
 * i % 251 (a period no chunk size divides). */
guint8 *qs_test_pattern_new (gsize offset,
                             gsize size);

/* Asserts that @bytes holds exactly bytes @offset .. @offset + @size of
 * the test stream. */
void qs_test_assert_pattern (GBytes *bytes,
                             gsize   offset,
                             gsize   size);

/* Reads up to @max_size bytes with read_bytes, asserts they are exactly
 * bytes @offset .. @offset + @size of the test stream, and returns
 * whether they share the read buffer's head chunk as it was before the
 * read (zero-copy) rather than a copy. */
gboolean qs_test_read_pattern (QsIODevice *device,
                               gsize       max_size,
                               gsize       offset,
                               gsize       size);

G_END_DECLS
