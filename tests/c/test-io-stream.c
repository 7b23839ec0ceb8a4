/* test-io-stream.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qs_io_device_as_gio_stream(): the GIOStream view of a device, proven
 * with the consumers GIO code uses: GDataInputStream reading lines,
 * g_output_stream_splice() of a file, a libsoup 3 server answering HTTP
 * on an accepted qsock socket, and GIO's own TLS client (glib-networking)
 * against `openssl s_server`. Also one view per device, reads mixed
 * with direct reads (nothing lost or seen twice), would-block, end of
 * stream, backpressure and errors. Peers are plain GSockets on loopback;
 * every wait iterates the main context with a deadline.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#ifdef HAVE_LIBSOUP
#include <libsoup/soup.h>
#endif

#include "qs-test-utils.h"

#define TIMEOUT_MS 5000
#define WRITE_LIMIT (256 * 1024)
#define CHUNK (64 * 1024)

typedef struct
{
  QsTcpSocket  *socket;    /* (owned) the qsock client */
  GSocket      *listener;  /* (owned) */
  guint16       port;
  GSocket      *peer;      /* (owned) the accepted plain end */
  GIOStream    *view;      /* (owned) (nullable) */
  GString      *trace;     /* (owned) */
  GAsyncResult *result;    /* (owned) (nullable) */
} Fixture;

#define DEV(f) QS_IO_DEVICE ((f)->socket)
#define INPUT(f) G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream ((f)->view))
#define OUTPUT(f) G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream ((f)->view))

static void
setup (Fixture      *f,
       gconstpointer data)
{
  f->trace = g_string_new (NULL);
  f->listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->port);
  f->socket = qs_tcp_socket_new ();
  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (f->socket), "127.0.0.1", f->port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  f->peer = qs_test_accept (f->listener, TIMEOUT_MS);
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (f->socket)) ==
                     QS_SOCKET_STATE_CONNECTED_STATE, TIMEOUT_MS);
  f->view = qs_io_device_as_gio_stream (DEV (f));
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  g_clear_object (&f->view);
  g_clear_object (&f->result);
  qs_test_release (&f->socket, f->trace, f);
  g_clear_object (&f->peer);
  g_clear_object (&f->listener);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_null (f->result);
  f->result = g_object_ref (result);
}

/* Fails under CI=true, where nothing may go missing; skips elsewhere. */
static void
skip_unless_ci (const char *why)
{
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("%s", why);
  else
    g_test_skip (why);
}

static void
test_one_view (Fixture      *f,
               gconstpointer data)
{
  GIOStream *again = qs_io_device_as_gio_stream (DEV (f));
  g_autoptr (GBytes) eof = NULL;
  GError *error = NULL;

  g_test_summary ("One view per device while it lives, pollable both ways; dropping it "
                  "leaves the device open, closing it closes the device");

  g_assert_true (again == f->view);
  g_object_unref (again);
  g_assert_true (g_pollable_input_stream_can_poll (INPUT (f)));
  g_assert_true (g_pollable_output_stream_can_poll (OUTPUT (f)));

  g_clear_object (&f->view);
  g_assert_true (qs_io_device_is_open (DEV (f)));
  g_assert_cmpint (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (f->socket)), ==,
                   QS_SOCKET_STATE_CONNECTED_STATE);

  f->view = qs_io_device_as_gio_stream (DEV (f));
  g_assert_cmpint (g_output_stream_write (g_io_stream_get_output_stream (f->view), "bye", 3,
                                          NULL, &error), ==, 3);
  g_assert_no_error (error);
  g_assert_true (g_io_stream_close (f->view, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (qs_io_device_is_open (DEV (f)));

  /* The queued bytes still went out before the connection ended. */
  eof = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  qs_test_assert_bytes (eof, "bye");
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (f->socket)) ==
                     QS_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;
  GDataInputStream *lines = G_DATA_INPUT_STREAM (source);
  GError *error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish (lines, result, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    {
      g_string_append (f->trace, "<eof>");
      return;
    }
  g_string_append_printf (f->trace, "%s|", line);
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line, f);
}

static void
test_data_input_lines (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr (GDataInputStream) lines =
    g_data_input_stream_new (g_io_stream_get_input_stream (f->view));

  g_test_summary ("GDataInputStream reads lines through the view as they arrive, split "
                  "across segments, up to the end of the stream, also once the view "
                  "itself was dropped");

  /* The halves outlive a view that was dropped, and keep the device open. */
  g_clear_object (&f->view);
  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line, f);

  qs_test_peer_send (f->peer, "alpha\nbe", -1);
  qs_test_run_until (g_str_equal (f->trace->str, "alpha|"), TIMEOUT_MS);
  qs_test_peer_send (f->peer, "ta\r\ngamma", -1);
  qs_test_run_until (g_str_equal (f->trace->str, "alpha|beta|"), TIMEOUT_MS);
  g_assert_true (g_socket_shutdown (f->peer, FALSE, TRUE, NULL));
  qs_test_run_until (g_str_has_suffix (f->trace->str, "<eof>"), TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, "alpha|beta|gamma|<eof>");
}

static void
expect_read (Fixture    *f,
             gsize       count,
             const char *expected)
{
  char buffer[64] = { 0 };
  GError *error = NULL;
  gssize n = g_pollable_input_stream_read_nonblocking (INPUT (f), buffer, count, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (n, ==, strlen (expected));
  g_assert_cmpstr (buffer, ==, expected);
}

static void
expect_would_block (Fixture *f)
{
  char buffer[8];
  GError *error = NULL;

  g_assert_false (g_pollable_input_stream_is_readable (INPUT (f)));
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (INPUT (f), buffer, sizeof buffer,
                                                             NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
}

/* A ready-read handler that takes two bytes directly. */
static void
on_ready_read_take_two (QsIODevice *device,
                        Fixture    *f)
{
  char buffer[3] = { 0 };

  g_assert_cmpint (qs_io_device_read (device, (guint8 *) buffer, 2), ==, 2);
  g_string_append_printf (f->trace, "direct(%s) ", buffer);
}

/* Reads what the view has, logging "view(BYTES) " or, at the end,
 * "view-eof "; returns how many bytes. */
static gssize
read_into_trace (GObject *stream,
                 Fixture *f)
{
  char buffer[64] = { 0 };
  GError *error = NULL;
  gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream), buffer,
                                                       sizeof buffer - 1, NULL, &error);

  g_assert_no_error (error);
  if (n == 0)
    g_string_append (f->trace, "view-eof ");
  else
    g_string_append_printf (f->trace, "view(%s) ", buffer);
  return n;
}

/* The view's input source: reads until the end. */
static gboolean
on_readable (GObject *stream,
             gpointer user_data)
{
  return read_into_trace (stream, user_data) > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
test_mixed_reads (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GBytes) rest = NULL;
  GSource *source;
  guint8 buffer[4] = { 0 };

  g_test_summary ("Reads through the view and direct reads share one buffer: every byte "
                  "is read once, in order; would-block until bytes come, 0 at the end");

  expect_would_block (f);
  qs_test_peer_send (f->peer, "0123456789", -1);
  qs_test_run_until (qs_io_device_bytes_available (DEV (f)) == 10, TIMEOUT_MS);
  g_assert_true (g_pollable_input_stream_is_readable (INPUT (f)));
  g_assert_cmpint (qs_io_device_read (DEV (f), buffer, 3), ==, 3);
  g_assert_cmpmem (buffer, 3, "012", 3);
  expect_read (f, 4, "3456");
  rest = qs_io_device_read_all (DEV (f));
  qs_test_assert_bytes (rest, "789");
  expect_would_block (f);

  /* A ready-read handler and the view's source, in the same dispatch. */
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read_take_two), f);
  source = g_pollable_input_stream_create_source (INPUT (f), NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (on_readable), f, NULL);
  g_source_attach (source, NULL);
  qs_test_peer_send (f->peer, "abcdef", -1);
  qs_test_run_until (g_str_has_prefix (f->trace->str, "direct(ab) view(cdef) "), TIMEOUT_MS);
  qs_test_drain_context ();
  g_assert_cmpstr (f->trace->str, ==, "direct(ab) view(cdef) ");

  g_signal_handlers_disconnect_by_func (f->socket, on_ready_read_take_two, f);
  g_socket_shutdown (f->peer, FALSE, TRUE, NULL);
  qs_test_run_until (g_str_has_suffix (f->trace->str, "view-eof "), TIMEOUT_MS);
  g_assert_true (g_pollable_input_stream_is_readable (INPUT (f)));
  expect_read (f, 4, "");
  g_source_destroy (source);
  g_source_unref (source);
}

/* The view's input source: reads, then closes the view and drops the
 * last references to it and to the socket. */
static gboolean
on_readable_close_and_drop (GObject *stream,
                            gpointer user_data)
{
  Fixture *f = user_data;
  GError *error = NULL;

  g_assert_cmpint (read_into_trace (stream, f), ==, 4);
  g_assert_true (g_io_stream_close (f->view, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->view);
  qs_test_release (&f->socket, f->trace, f);
  return G_SOURCE_REMOVE;
}

static void
test_close_in_callback (Fixture      *f,
                        gconstpointer data)
{
  GSource *source = g_pollable_input_stream_create_source (INPUT (f), NULL);
  g_autoptr (GBytes) eof = NULL;

  g_test_summary ("The view's source callback may close the view and drop the last "
                  "references to it and to the socket; the peer sees the end");

  g_source_set_callback (source, G_SOURCE_FUNC (on_readable_close_and_drop), f, NULL);
  g_source_attach (source, NULL);
  g_source_unref (source);
  qs_test_peer_send (f->peer, "ping", -1);
  qs_test_run_until (f->socket == NULL, TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, "view(ping) ");
  eof = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (eof), ==, 0);
}

static gboolean
on_writable (GObject *stream,
             gpointer user_data)
{
  Fixture *f = user_data;

  g_string_append (f->trace, "writable ");
  return G_SOURCE_REMOVE;
}

/* Writes @pattern through the view without blocking, a chunk at a
 * time, until it would block: after exactly WRITE_LIMIT bytes. */
static void
fill_to_limit (Fixture      *f,
               const guint8 *pattern)
{
  GError *error = NULL;
  gsize total = 0;
  gssize n;

  g_assert_true (g_pollable_output_stream_is_writable (OUTPUT (f)));
  while ((n = g_pollable_output_stream_write_nonblocking (OUTPUT (f), pattern + total, CHUNK,
                                                          NULL, &error)) > 0)
    {
      g_assert_cmpint (n, ==, CHUNK);
      total += n;
      g_assert_cmpuint (total, <=, WRITE_LIMIT);
    }
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_error_free (error);
  g_assert_cmpuint (total, ==, WRITE_LIMIT);
}

static void
test_backpressure (Fixture      *f,
                   gconstpointer data)
{
  g_autofree guint8 *pattern = qs_test_pattern_new (0, WRITE_LIMIT + CHUNK);
  g_autoptr (GBytes) got = NULL;
  GSource *source;

  g_test_summary ("The output stream takes whole writes until 256 KiB wait in the write "
                  "buffer, would block then, and becomes writable on bytes-written");

  fill_to_limit (f, pattern);
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, WRITE_LIMIT);
  g_assert_false (g_pollable_output_stream_is_writable (OUTPUT (f)));

  source = g_pollable_output_stream_create_source (OUTPUT (f), NULL);
  g_source_set_callback (source, G_SOURCE_FUNC (on_writable), f, NULL);
  g_source_attach (source, NULL);
  got = qs_test_peer_read (f->peer, WRITE_LIMIT, TIMEOUT_MS);
  qs_test_assert_pattern (got, 0, WRITE_LIMIT);
  qs_test_run_until (f->trace->len > 0, TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, "writable ");
  g_assert_true (g_pollable_output_stream_is_writable (OUTPUT (f)));
  g_source_unref (source);
}

static void
test_blocking_write (Fixture      *f,
                     gconstpointer data)
{
  g_autofree guint8 *pattern = qs_test_pattern_new (0, WRITE_LIMIT + CHUNK);
  g_autoptr (GBytes) got = NULL;
  GError *error = NULL;

  g_test_summary ("A blocking write over the limit waits (without the main loop) until "
                  "bytes have left, then queues; the peer gets every byte in order");

  fill_to_limit (f, pattern);
  g_assert_cmpint (g_output_stream_write (g_io_stream_get_output_stream (f->view),
                                          pattern + WRITE_LIMIT, CHUNK, NULL, &error), ==, CHUNK);
  g_assert_no_error (error);
  /* The wait sent bytes to the kernel: fewer than all are queued. */
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), <, WRITE_LIMIT + CHUNK);

  got = qs_test_peer_read (f->peer, WRITE_LIMIT + CHUNK, TIMEOUT_MS);
  qs_test_assert_pattern (got, 0, WRITE_LIMIT + CHUNK);
}

/* A temporary file holding bytes 0 .. @size of the test pattern. */
static GFile *
pattern_file_new (gsize size)
{
  g_autofree guint8 *pattern = qs_test_pattern_new (0, size);
  GFileIOStream *io = NULL;
  GError *error = NULL;
  GFile *file = g_file_new_tmp ("qsock-splice-XXXXXX", &io, &error);

  g_assert_no_error (error);
  g_object_unref (io);
  g_assert_true (g_file_replace_contents (file, (const char *) pattern, size, NULL, FALSE,
                                          G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);
  return file;
}

static void
test_splice_file (Fixture      *f,
                  gconstpointer data)
{
  /* Async: four times the write limit (backpressure on the way);
   * blocking: one that fits under it. */
  gboolean async = GPOINTER_TO_INT (data);
  gsize size = async ? 4 * WRITE_LIMIT + 123 : WRITE_LIMIT / 2 + 7;
  g_autoptr (GFile) file = pattern_file_new (size);
  g_autoptr (GInputStream) input = NULL;
  g_autoptr (GBytes) got = NULL;
  GOutputStream *output = g_io_stream_get_output_stream (f->view);
  GError *error = NULL;
  gssize spliced;

  g_test_summary ("g_output_stream_splice() copies a file into the view, blocking (from "
                  "the file) or async (its contents), every byte in order; closing the view "
                  "ends the connection");

  if (async)
    {
      /* GIO reads a file asynchronously in its worker threads and hands
       * the bytes over through GLib's futex-based locks, which
       * ThreadSanitizer cannot follow: splice the file's contents from
       * memory instead, so that the view is the only asynchronous part. */
      g_autoptr (GBytes) contents = g_file_load_bytes (file, NULL, NULL, &error);

      g_assert_no_error (error);
      input = g_memory_input_stream_new_from_bytes (contents);
      g_output_stream_splice_async (output, input,
                                    G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE, G_PRIORITY_DEFAULT,
                                    NULL, on_done, f);
      got = qs_test_peer_read (f->peer, size, TIMEOUT_MS);
      qs_test_run_until (f->result != NULL, TIMEOUT_MS);
      spliced = g_output_stream_splice_finish (output, f->result, &error);
    }
  else
    {
      input = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      g_assert_no_error (error);
      spliced = g_output_stream_splice (output, input,
                                        G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE, NULL, &error);
      got = qs_test_peer_read (f->peer, size, TIMEOUT_MS);
    }
  g_assert_no_error (error);
  g_assert_cmpint (spliced, ==, size);
  qs_test_assert_pattern (got, 0, size);

  g_assert_true (g_io_stream_close (f->view, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&got, g_bytes_unref);
  got = qs_test_peer_read_to_eof (f->peer, TIMEOUT_MS);
  g_assert_cmpuint (g_bytes_get_size (got), ==, 0);
  g_file_delete (file, NULL, NULL);
}

static void
expect_error (gssize      n,
              GError     *error,
              int         code,
              const char *message)
{
  g_assert_cmpint (n, ==, -1);
  g_assert_error (error, G_IO_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
  g_error_free (error);
}

static void
test_errors (Fixture      *f,
             gconstpointer data)
{
  char buffer[8];
  GError *error = NULL;
  gssize n;

  g_test_summary ("After the peer closed: reads end (0), writes fail with the socket's "
                  "error string; on a closed device both fail with G_IO_ERROR_CLOSED");

  g_socket_close (f->peer, NULL);
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (f->socket)) ==
                     QS_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (f->view), buffer,
                                        sizeof buffer, NULL, &error), ==, 0);
  g_assert_no_error (error);
  n = g_pollable_output_stream_write_nonblocking (OUTPUT (f), "x", 1, NULL, &error);
  expect_error (n, error, G_IO_ERROR_NOT_CONNECTED, "Socket is not connected");

  error = NULL;
  qs_io_device_close (DEV (f));
  n = g_pollable_input_stream_read_nonblocking (INPUT (f), buffer, sizeof buffer, NULL, &error);
  expect_error (n, error, G_IO_ERROR_CLOSED, "Device not open for reading");
  error = NULL;
  n = g_output_stream_write (g_io_stream_get_output_stream (f->view), "x", 1, NULL, &error);
  expect_error (n, error, G_IO_ERROR_CLOSED, "Device not open for writing");
  g_assert_true (g_pollable_input_stream_is_readable (INPUT (f)));
  g_assert_true (g_pollable_output_stream_is_writable (OUTPUT (f)));
}

static void
test_before_connect (void)
{
  guint16 port;
  g_autoptr (GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &port);
  g_autoptr (QsTcpSocket) socket = qs_tcp_socket_new ();
  g_autoptr (GIOStream) view = qs_io_device_as_gio_stream (QS_IO_DEVICE (socket));
  GPollableOutputStream *output = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (view));
  GPollableInputStream *input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (view));
  g_autoptr (GSocket) peer = NULL;
  g_autoptr (GBytes) got = NULL;
  GError *error = NULL;
  char buffer[4];

  g_test_summary ("A view made before connect_to_host: closed until then; while the "
                  "socket connects, reads would block and writes queue, then leave");

  g_assert_cmpint (g_pollable_output_stream_write_nonblocking (output, "x", 1, NULL, &error),
                   ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);

  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), "127.0.0.1", port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_cmpint (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (socket)), ==,
                   QS_SOCKET_STATE_CONNECTING_STATE);
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (input, buffer, sizeof buffer, NULL,
                                                             &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_clear_error (&error);
  g_assert_cmpint (g_pollable_output_stream_write_nonblocking (output, "early", 5, NULL, &error),
                   ==, 5);
  g_assert_no_error (error);

  peer = qs_test_accept (listener, TIMEOUT_MS);
  got = qs_test_peer_read (peer, 5, TIMEOUT_MS);
  qs_test_assert_bytes (got, "early");
  qs_abstract_socket_abort (QS_ABSTRACT_SOCKET (socket));
  qs_test_drain_context ();
}

static void
test_local_socket (void)
{
  g_autofree char *dir = g_dir_make_tmp ("qsock-view-XXXXXX", NULL);
  g_autofree char *name = g_build_filename (dir, "socket", NULL);
  g_autoptr (QsLocalServer) server = qs_local_server_new ();
  g_autoptr (QsLocalSocket) client = qs_local_socket_new ();
  g_autoptr (QsLocalSocket) accepted = NULL;
  g_autoptr (GIOStream) view = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autoptr (GBytes) got = NULL;
  Fixture f = { .trace = g_string_new (NULL) };
  GError *error = NULL;

  g_test_summary ("The view works on a QsLocalSocket too: lines in, bytes out, the end "
                  "of the stream after the peer left, and a write then fails");

  g_assert_true (qs_local_server_listen (server, name));
  qs_local_socket_connect_to_server (client, name, QS_OPEN_MODE_READ_WRITE);
  qs_test_run_until (qs_local_server_has_pending_connections (server), TIMEOUT_MS);
  accepted = qs_local_server_next_pending_connection (server);
  view = qs_io_device_as_gio_stream (QS_IO_DEVICE (accepted));

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (view), "to client",
                                            9, NULL, NULL, &error));
  g_assert_no_error (error);
  qs_test_run_until (qs_io_device_bytes_available (QS_IO_DEVICE (client)) == 9, TIMEOUT_MS);
  got = qs_io_device_read_all (QS_IO_DEVICE (client));
  qs_test_assert_bytes (got, "to client");

  lines = g_data_input_stream_new (g_io_stream_get_input_stream (view));
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_line, &f);
  qs_io_device_write (QS_IO_DEVICE (client), (const guint8 *) "one\ntwo", 7);
  qs_local_socket_disconnect_from_server (client);
  qs_test_run_until (g_str_has_suffix (f.trace->str, "<eof>"), TIMEOUT_MS);
  g_assert_cmpstr (f.trace->str, ==, "one|two|<eof>");

  g_assert_cmpint (g_output_stream_write (g_io_stream_get_output_stream (view), "x", 1, NULL,
                                          &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_assert_true (g_io_stream_close (view, NULL, NULL));
  g_assert_false (qs_io_device_is_open (QS_IO_DEVICE (accepted)));
  qs_local_server_close (server);
  g_rmdir (dir);
  g_string_free (f.trace, TRUE);
}

#ifdef HAVE_LIBSOUP
static void
on_hello (SoupServer        *server,
          SoupServerMessage *message,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Fixture *f = user_data;

  g_string_append_printf (f->trace, "%s %s ", soup_server_message_get_method (message), path);
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC,
                                    "hello from qsock", 16);
}
#endif

static void
test_libsoup_server (void)
{
#ifdef HAVE_LIBSOUP
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (QsTcpServer) listener = qs_tcp_server_new ();
  g_autoptr (GInetAddress) loopback = qs_test_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (QsTcpSocket) accepted = NULL;
  g_autoptr (GIOStream) view = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;
  g_autoptr (GSocket) client = NULL;
  g_autoptr (GBytes) response = NULL;
  g_autofree char *text = NULL;
  Fixture f = { .trace = g_string_new (NULL) };
  GError *error = NULL;

  g_test_summary ("A libsoup 3 server serves HTTP on a socket a QsTcpServer accepted, "
                  "through soup_server_accept_iostream(); a plain client fetches a page");

  soup_server_add_handler (server, "/hello", on_hello, &f, NULL);
  g_assert_true (qs_tcp_server_listen (listener, loopback, 0));
  client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, qs_tcp_server_get_server_port (listener));
  qs_test_run_until (qs_tcp_server_has_pending_connections (listener), TIMEOUT_MS);
  accepted = qs_tcp_server_next_pending_connection (listener);
  view = qs_io_device_as_gio_stream (QS_IO_DEVICE (accepted));
  local = g_inet_socket_address_new (loopback, qs_tcp_server_get_server_port (listener));
  remote = g_inet_socket_address_new (loopback, qs_test_socket_local_port (client));
  g_assert_true (soup_server_accept_iostream (server, view, local, remote, &error));
  g_assert_no_error (error);

  qs_test_peer_send (client, "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Connection: close\r\n\r\n", -1);
  response = qs_test_peer_read_to_eof (client, TIMEOUT_MS);
  text = g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
  g_assert_true (g_str_has_prefix (text, "HTTP/1.1 200 OK\r\n"));
  g_assert_nonnull (strstr (text, "\r\nContent-Length: 16\r\n"));
  g_assert_true (g_str_has_suffix (text, "\r\n\r\nhello from qsock"));
  g_assert_cmpstr (f.trace->str, ==, "GET /hello ");

  /* libsoup closed the view at the end of the exchange: so the device. */
  g_assert_false (qs_io_device_is_open (QS_IO_DEVICE (accepted)));
  qs_test_drain_context ();
  g_string_free (f.trace, TRUE);
#else
  skip_unless_ci ("libsoup-3.0 was not found when the tests were built");
#endif
}

/* Removes the certificate folder of the TLS test. */
static void
remove_tree (const char *dir)
{
  const char *const names[] = { "key.pem", "cert.pem" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

/* Runs a program to completion; FALSE when it failed. */
static gboolean
run_program (const char *const *argv)
{
  GError *error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH |
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    {
      g_test_message ("%s: %s", argv[0], error->message);
      g_error_free (error);
      return FALSE;
    }
  return g_spawn_check_wait_status (status, NULL);
}

static gboolean
accept_any_certificate (GTlsConnection       *connection,
                        GTlsCertificate      *certificate,
                        GTlsCertificateFlags  errors,
                        gpointer              user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return TRUE;
}

/* Starts `openssl s_server -rev` (each line comes back reversed) on a
 * port of its choice with a fresh self-signed certificate in @dir;
 * returns the port, or 0. */
static guint16
start_openssl_server (const char  *dir,
                      GSubprocess **server)
{
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  const char *const req[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost", NULL
  };
  g_autoptr (GDataInputStream) out = NULL;
  GError *error = NULL;

  if (!run_program (req))
    return 0;
  *server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              &error, "openssl", "s_server", "-accept", "127.0.0.1:0",
                              "-cert", cert, "-key", key, "-rev", "-naccept", "1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (*server));
  /* "Using default temp DH parameters", then "ACCEPT 127.0.0.1:PORT". */
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line (out, NULL, NULL, NULL);

      if (line == NULL)
        break;
      if (g_str_has_prefix (line, "ACCEPT 127.0.0.1:"))
        return (guint16) g_ascii_strtoull (line + strlen ("ACCEPT 127.0.0.1:"), NULL, 10);
    }
  return 0;
}

static void
test_tls_client (void)
{
  g_autofree char *dir = NULL;
  g_autoptr (GSubprocess) server = NULL;
  g_autoptr (QsTcpSocket) socket = NULL;
  g_autoptr (GIOStream) view = NULL;
  g_autoptr (GIOStream) tls = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  Fixture f = { NULL };
  GError *error = NULL;
  guint accepted = 0;
  guint16 port;

  g_test_summary ("GIO's GTlsClientConnection (glib-networking) runs on the view: a "
                  "blocking handshake with `openssl s_server`, a line there and back "
                  "(read asynchronously), and a close");

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  /* glib-networking runs the handshake in a GLib worker thread. GCC 12's
   * LeakSanitizer crashes ("Tracer caught signal 11") reading GnuTLS's
   * dynamic thread-local storage there, and ThreadSanitizer reports
   * races inside GLib, whose futex-based locks it cannot see (GLib is
   * not instrumented); neither is about qsock. The plain build runs
   * this test. */
  g_test_skip ("the sanitizers cannot follow glib-networking's handshake thread");
  return;
#endif
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      skip_unless_ci ("no TLS backend: glib-networking is not installed");
      return;
    }
  dir = g_dir_make_tmp ("qsock-tls-XXXXXX", &error);
  g_assert_no_error (error);
  port = start_openssl_server (dir, &server);
  if (port == 0)
    {
      skip_unless_ci ("openssl could not make a certificate or start s_server");
      if (server != NULL)
        g_subprocess_force_exit (server);
      remove_tree (dir);
      return;
    }

  socket = qs_tcp_socket_new ();
  qs_abstract_socket_connect_to_host (QS_ABSTRACT_SOCKET (socket), "127.0.0.1", port,
                                      QS_OPEN_MODE_READ_WRITE,
                                      QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  g_assert_true (qs_abstract_socket_wait_for_connected (QS_ABSTRACT_SOCKET (socket), TIMEOUT_MS));
  view = qs_io_device_as_gio_stream (QS_IO_DEVICE (socket));
  tls = g_tls_client_connection_new (view, NULL, &error);
  g_assert_no_error (error);
  /* The certificate is self-signed and accepted by the handler: the
   * system's CA store plays no part. */
  g_tls_connection_set_database (G_TLS_CONNECTION (tls), NULL);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_certificate), &accepted);

  g_assert_true (g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (accepted, ==, 1);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (tls),
                                            "hello qsock\n", 12, NULL, NULL, &error));
  g_assert_no_error (error);
  /* After the handshake the TLS streams run from the main loop: an
   * asynchronous line read completes on the view's readiness. */
  lines = g_data_input_stream_new (g_io_stream_get_input_stream (tls));
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, on_done, &f);
  qs_test_run_until (f.result != NULL, TIMEOUT_MS);
  line = g_data_input_stream_read_line_finish (lines, f.result, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "kcosq olleh");
  g_clear_object (&f.result);

  g_assert_true (g_io_stream_close (tls, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (qs_io_device_is_open (QS_IO_DEVICE (socket)));
  /* The TLS close_notify leaves, then the connection ends: s_server
   * (-naccept 1) exits. */
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (socket)) ==
                     QS_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  g_assert_true (g_subprocess_wait (server, NULL, &error));
  g_assert_no_error (error);
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/io-stream/one-view", Fixture, NULL, setup, test_one_view, teardown);
  g_test_add ("/io-stream/data-input-stream/lines", Fixture, NULL, setup,
              test_data_input_lines, teardown);
  g_test_add ("/io-stream/mixed-reads", Fixture, NULL, setup, test_mixed_reads, teardown);
  g_test_add ("/io-stream/reentrancy/close-in-callback", Fixture, NULL, setup,
              test_close_in_callback, teardown);
  g_test_add ("/io-stream/backpressure", Fixture, NULL, setup, test_backpressure, teardown);
  g_test_add ("/io-stream/blocking-write", Fixture, NULL, setup, test_blocking_write, teardown);
  g_test_add ("/io-stream/splice/blocking", Fixture, GINT_TO_POINTER (FALSE), setup,
              test_splice_file, teardown);
  g_test_add ("/io-stream/splice/async", Fixture, GINT_TO_POINTER (TRUE), setup,
              test_splice_file, teardown);
  g_test_add ("/io-stream/errors", Fixture, NULL, setup, test_errors, teardown);
  g_test_add_func ("/io-stream/before-connect", test_before_connect);
  g_test_add_func ("/io-stream/local-socket", test_local_socket);
  g_test_add_func ("/io-stream/libsoup/server", test_libsoup_server);
  g_test_add_func ("/io-stream/tls/client", test_tls_client);

  return g_test_run ();
}
