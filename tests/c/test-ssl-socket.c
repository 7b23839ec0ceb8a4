/* test-ssl-socket.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsSslSocket against a real OpenSSL peer (`openssl s_server`, started
 * by each test on 127.0.0.1 with port 0; it prints the port it got), and
 * QsSslServer against QsSslSocket, `openssl s_client` and plain clients. Certificates are made when the program starts, with
 * the `openssl` command, in a temporary folder: a throwaway CA, a server
 * certificate for localhost and 127.0.0.1, one for another name, an
 * expired one, a client certificate, and a self-signed one. The signal orders are Qt 6.4's (PyQt6 against the
 * same s_server), except where a comment says otherwise. Skipped when
 * `openssl` or a GIO TLS backend is missing (failed under CI=true).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "qs-test-utils.h"

#define TIMEOUT_MS 10000

static char *cert_dir;

typedef struct
{
  GSubprocess  *process;     /* (owned) (nullable) */
  GString      *output;      /* (owned) all it printed */
  GCancellable *cancellable; /* (owned) */
  guint16       port;
  gboolean      eof;
} SServer;

typedef struct
{
  QsSslSocket *socket;       /* (owned) (nullable) */
  GString     *trace;        /* (owned) */
  SServer      server;
  GByteArray  *received;     /* (owned) what ready-read handlers read */
  gboolean     ignore_in_handler;
  gboolean     require_client_certificate; /* of the next s_server */
  const char  *version;      /* (nullable) -tls1_2 or -tls1_3 for the next s_server */
} Fixture;

#define SOCK(f) QS_ABSTRACT_SOCKET ((f)->socket)
#define DEV(f) QS_IO_DEVICE ((f)->socket)

static const char *const CONNECT_TRACE =
  "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
  "state-changed(connected-state) mode-changed(ssl-client-mode) connected ";

static const char *const FAIL_TRACE =
  "error-occurred(ssl-handshake-failed-error) state-changed(closing-state) "
  "state-changed(unconnected-state) read-channel-finished disconnected ";

/* Qt: a peer that closes during the handshake. */
static const char *const CLOSED_TRACE =
  "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
  "state-changed(connected-state) mode-changed(ssl-client-mode) connected "
  "error-occurred(remote-host-closed-error) state-changed(closing-state) "
  "state-changed(unconnected-state) read-channel-finished disconnected ";

static char *
cert_path (const char *name)
{
  return g_build_filename (cert_dir, name, NULL);
}

static void
run_openssl (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process =
    g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

/* A key and a certificate NAME.key/NAME.pem for @subject with @san,
 * signed by the test CA. */
static void
make_leaf (const char *name,
           const char *subject,
           const char *san,
           const char *serial,
           const char *days)
{
  g_autofree char *key = g_strdup_printf ("%s/%s.key", cert_dir, name);
  g_autofree char *csr = g_strdup_printf ("%s/%s.csr", cert_dir, name);
  g_autofree char *pem = g_strdup_printf ("%s/%s.pem", cert_dir, name);
  g_autofree char *ext = g_strdup_printf ("%s/%s.ext", cert_dir, name);
  g_autofree char *ext_text = g_strdup_printf ("subjectAltName=%s\nbasicConstraints=CA:FALSE\n", san);
  g_autofree char *ca = cert_path ("ca.pem");
  g_autofree char *ca_key = cert_path ("ca.key");
  g_autoptr(GError) error = NULL;

  run_openssl ((const char *const []) {
    "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-keyout", key, "-out", csr, "-subj", subject, NULL });
  g_file_set_contents (ext, ext_text, -1, &error);
  g_assert_no_error (error);
  run_openssl ((const char *const []) {
    "openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-set_serial", serial,
    "-days", days, "-extfile", ext, "-out", pem, NULL });
}

static void
make_certificates (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *self = NULL;
  g_autofree char *self_key = NULL;

  cert_dir = g_dir_make_tmp ("qsock-ssl-XXXXXX", &error);
  g_assert_no_error (error);
  ca = cert_path ("ca.pem");
  ca_key = cert_path ("ca.key");
  self = cert_path ("self.pem");
  self_key = cert_path ("self.key");

  run_openssl ((const char *const []) {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=qsock test CA", NULL });
  make_leaf ("server", "/CN=localhost", "DNS:localhost,IP:127.0.0.1", "1", "2");
  make_leaf ("other", "/CN=other.example", "DNS:other.example", "2", "2");
  make_leaf ("client", "/CN=qsock client", "DNS:client.example", "3", "2");
  /* -days -1: it expired a day before it was made */
  make_leaf ("expired", "/CN=localhost", "DNS:localhost,IP:127.0.0.1", "4", "-1");
  run_openssl ((const char *const []) {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-keyout", self_key, "-out", self, "-days", "2", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", NULL });
}

static void
remove_certificates (void)
{
  g_autoptr(GDir) dir = g_dir_open (cert_dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = cert_path (name);

      g_unlink (path);
    }
  g_rmdir (cert_dir);
  g_clear_pointer (&cert_dir, g_free);
}

/* NAME.pem with NAME.key, as GIO loads them; (transfer full). */
static GTlsCertificate *
load_certificate (const char *name)
{
  g_autofree char *pem = g_strdup_printf ("%s/%s.pem", cert_dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", cert_dir, name);
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate = g_tls_certificate_new_from_files (pem, key, &error);

  g_assert_no_error (error);
  return certificate;
}

/* The test CA as a GTlsDatabase; (transfer full). */
static GTlsDatabase *
load_ca_database (void)
{
  g_autofree char *ca = cert_path ("ca.pem");
  g_autoptr(GError) error = NULL;
  GTlsDatabase *database = g_tls_file_database_new (ca, &error);

  g_assert_no_error (error);
  return database;
}

/* ---- openssl s_server ---- */

static void read_server_output (SServer *server);

static void
on_server_output (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  SServer *server = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      server->eof = TRUE;
      return;
    }
  g_string_append_len (server->output, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  read_server_output (server);
}

static void
read_server_output (SServer *server)
{
  g_input_stream_read_bytes_async (g_subprocess_get_stdout_pipe (server->process), 65536,
                                   G_PRIORITY_DEFAULT, server->cancellable, on_server_output, server);
}

static gboolean
server_listening (SServer *server)
{
  const char *line = strstr (server->output->str, "ACCEPT 127.0.0.1:");

  return line != NULL && strchr (line, '\n') != NULL;
}

/* Starts `openssl s_server` with NAME.pem/NAME.key on 127.0.0.1:0 for
 * one connection (requiring a client certificate, limited to one TLS
 * version when the fixture says so), and waits until it says which port
 * it listens on. What it receives appears in its output; what is written to its stdin
 * goes to the client. */
static void
start_server (Fixture    *f,
              const char *name)
{
  g_autofree char *cert = g_strdup_printf ("%s/%s.pem", cert_dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", cert_dir, name);
  g_autofree char *ca = cert_path ("ca.pem");
  g_autoptr(GError) error = NULL;
  SServer *server = &f->server;
  const char *argv[16] = {
    "openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", cert, "-key", key,
    "-naccept", "1", NULL };
  guint n = 10;

  if (f->require_client_certificate)
    {
      argv[n++] = "-Verify";
      argv[n++] = "1";
      argv[n++] = "-CAfile";
      argv[n++] = ca;
    }
  if (f->version != NULL)
    argv[n++] = f->version;
  argv[n] = NULL;
  server->process = g_subprocess_newv (argv,
    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
    &error);
  g_assert_no_error (error);
  read_server_output (server);
  qs_test_run_until (server_listening (server) || server->eof, TIMEOUT_MS);
  g_assert_true (server_listening (server));
  server->port = atoi (strstr (server->output->str, "ACCEPT 127.0.0.1:") + strlen ("ACCEPT 127.0.0.1:"));
  g_assert_cmpuint (server->port, >, 0);
}

static void
server_send (Fixture    *f,
             const char *text)
{
  g_autoptr(GError) error = NULL;
  GOutputStream *input = g_subprocess_get_stdin_pipe (f->server.process);

  g_output_stream_write_all (input, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (input, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
server_got (Fixture    *f,
            const char *text)
{
  return strstr (f->server.output->str, text) != NULL;
}

/* ---- fixture ---- */

static void
on_plain (QsSslSocket *socket,
          gpointer     user_data)
{
  GString *trace = user_data;
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (socket);

  g_string_append_printf (trace, "%s ", g_signal_name (hint->signal_id));
}

/* Appends "signal(FLAGS) " for the signal @instance is emitting. */
static void
trace_flags (GString             *trace,
             gpointer             instance,
             GTlsCertificateFlags flags)
{
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (instance);
  g_autofree char *text = g_flags_to_string (G_TYPE_TLS_CERTIFICATE_FLAGS, flags);

  g_string_append_printf (trace, "%s(%s) ", g_signal_name (hint->signal_id), text);
}

static void
on_flags (QsSslSocket         *socket,
          GTlsCertificateFlags flags,
          gpointer             user_data)
{
  trace_flags (user_data, socket, flags);
}

static void
on_encrypted_bytes_written (QsSslSocket *socket,
                            gint64       bytes,
                            gpointer     user_data)
{
  g_string_append_printf (user_data, "encrypted-bytes-written(%" G_GINT64_FORMAT ") ", bytes);
}

static void
on_mode_changed (QsSslSocket *socket,
                 QsSslMode    mode,
                 gpointer     user_data)
{
  GString *trace = user_data;
  g_autoptr(GEnumClass) klass = g_type_class_ref (QS_TYPE_SSL_MODE);

  g_string_append_printf (trace, "mode-changed(%s) ", g_enum_get_value (klass, mode)->value_nick);
}

static void
on_ssl_errors_ignore (QsSslSocket         *socket,
                      GTlsCertificateFlags flags,
                      gpointer             user_data)
{
  Fixture *f = user_data;

  if (f->ignore_in_handler)
    qs_ssl_socket_ignore_ssl_errors (socket);
}

static void
on_ready_read (QsIODevice *device,
               gpointer    user_data)
{
  Fixture *f = user_data;
  g_autoptr(GBytes) bytes = qs_io_device_read_all (device);

  g_byte_array_append (f->received, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* The fixture without the test CA, which needs a TLS backend to load. */
static void
setup_plain (Fixture      *f,
             gconstpointer data)
{
  f->trace = g_string_new (NULL);
  f->received = g_byte_array_new ();
  f->server.output = g_string_new (NULL);
  f->server.cancellable = g_cancellable_new ();
  f->socket = qs_ssl_socket_new ();
  qs_test_trace_socket (f->socket, f->trace);
  g_signal_connect (f->socket, "encrypted", G_CALLBACK (on_plain), f->trace);
  g_signal_connect (f->socket, "peer-verify-error", G_CALLBACK (on_flags), f->trace);
  g_signal_connect (f->socket, "ssl-errors", G_CALLBACK (on_flags), f->trace);
  g_signal_connect (f->socket, "ssl-errors", G_CALLBACK (on_ssl_errors_ignore), f);
  g_signal_connect (f->socket, "mode-changed", G_CALLBACK (on_mode_changed), f->trace);
  g_signal_connect (f->socket, "ready-read", G_CALLBACK (on_ready_read), f);
}

static void
setup (Fixture      *f,
       gconstpointer data)
{
  g_autoptr(GTlsDatabase) database = load_ca_database ();

  setup_plain (f, data);
  qs_ssl_socket_set_database (f->socket, database);
}

static void
teardown (Fixture      *f,
          gconstpointer data)
{
  qs_test_release (&f->socket, f->trace, f);
  if (f->server.process)
    {
      g_subprocess_force_exit (f->server.process);
      g_subprocess_wait (f->server.process, NULL, NULL);
    }
  g_cancellable_cancel (f->server.cancellable);
  qs_test_drain_context ();
  g_clear_object (&f->server.process);
  g_clear_object (&f->server.cancellable);
  g_string_free (f->server.output, TRUE);
  g_byte_array_unref (f->received);
  g_string_free (f->trace, TRUE);
}

static void
connect_encrypted (Fixture    *f,
                   const char *host,
                   const char *peer_name)
{
  qs_ssl_socket_connect_to_host_encrypted (f->socket, host, f->server.port, peer_name,
                                           QS_OPEN_MODE_READ_WRITE,
                                           QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
}

static gboolean
is_unconnected (Fixture *f)
{
  return qs_abstract_socket_get_state (SOCK (f)) == QS_SOCKET_STATE_UNCONNECTED_STATE;
}

/* Connects to a fresh s_server with NAME's certificate and waits for
 * encrypted, checking Qt's order. */
static void
connect_good (Fixture    *f,
              const char *name,
              const char *peer_name)
{
  g_autofree char *expected = g_strconcat (CONNECT_TRACE, "encrypted ", NULL);

  start_server (f, name);
  connect_encrypted (f, "127.0.0.1", peer_name);
  qs_test_run_until (qs_ssl_socket_is_encrypted (f->socket) || is_unconnected (f), TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, expected);
  g_string_truncate (f->trace, 0);
}

/* ---- tests ---- */

static void
test_defaults (Fixture      *f,
               gconstpointer data)
{
  g_test_summary ("A fresh socket: plain, AUTO_VERIFY_PEER, nothing negotiated");

  g_assert_true (qs_ssl_socket_supports_ssl ());
  g_assert_cmpint (qs_ssl_socket_get_mode (f->socket), ==, QS_SSL_MODE_UNENCRYPTED_MODE);
  g_assert_cmpint (qs_ssl_socket_get_peer_verify_mode (f->socket), ==, QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);
  g_assert_cmpint (qs_abstract_socket_get_pause_mode (SOCK (f)), ==, QS_PAUSE_MODES_PAUSE_NEVER);
  g_assert_false (qs_ssl_socket_is_encrypted (f->socket));
  g_assert_null (qs_ssl_socket_get_session_cipher (f->socket));
  g_assert_cmpint (qs_ssl_socket_get_session_protocol (f->socket), ==, G_TLS_PROTOCOL_VERSION_UNKNOWN);
  g_assert_null (qs_ssl_socket_get_peer_certificate (f->socket));
  g_assert_null (qs_ssl_socket_get_peer_verify_name (f->socket));
  g_assert_null (qs_ssl_socket_get_local_certificate (f->socket));
  g_assert_cmpint (qs_ssl_socket_get_ssl_handshake_errors (f->socket), ==, 0);
  g_assert_cmpint (qs_ssl_socket_encrypted_bytes_available (f->socket), ==, 0);
  g_assert_cmpint (qs_ssl_socket_encrypted_bytes_to_write (f->socket), ==, 0);
  g_assert_false (qs_ssl_socket_wait_for_encrypted (f->socket, 0));
  g_assert_cmpstr (f->trace->str, ==, "");
}

static void
test_good_exchange (Fixture      *f,
                    gconstpointer data)
{
  g_test_summary ("A verified handshake, bytes both ways, then a TLS close the peer sees as one");

  qs_test_trace_notify (f->socket, "mode", f->trace);
  start_server (f, "server");
  connect_encrypted (f, "127.0.0.1", NULL);
  /* Written before the handshake: held, then sent encrypted. */
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "hello qsock\n", 12), ==, 12);
  qs_test_run_until (qs_ssl_socket_is_encrypted (f->socket) || is_unconnected (f), TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==,
                   "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(connected-state) notify::mode mode-changed(ssl-client-mode) "
                   "connected encrypted ");
  g_assert_cmpint (qs_ssl_socket_get_mode (f->socket), ==, QS_SSL_MODE_SSL_CLIENT_MODE);
  g_assert_nonnull (qs_ssl_socket_get_peer_certificate (f->socket));
  g_assert_nonnull (qs_ssl_socket_get_session_cipher (f->socket));
  g_assert_cmpint (qs_ssl_socket_get_session_protocol (f->socket), >=, G_TLS_PROTOCOL_VERSION_TLS_1_2);
  g_assert_cmpint (qs_ssl_socket_get_ssl_handshake_errors (f->socket), ==, 0);

  qs_test_run_until (server_got (f, "hello qsock\n"), TIMEOUT_MS);
  server_send (f, "from openssl\n");
  qs_test_run_until (f->received->len >= 13, TIMEOUT_MS);
  g_assert_cmpmem (f->received->data, f->received->len, "from openssl\n", 13);

  g_string_truncate (f->trace, 0);
  qs_abstract_socket_disconnect_from_host (SOCK (f));
  g_assert_true (is_unconnected (f));
  /* Qt reports CLOSING twice: its own, then its plain socket's. */
  g_assert_cmpstr (f->trace->str, ==,
                   "state-changed(closing-state) state-changed(closing-state) "
                   "state-changed(unconnected-state) read-channel-finished disconnected ");
  /* s_server prints DONE for a close_notify, ERROR for a bare close. */
  qs_test_run_until (server_got (f, "DONE"), TIMEOUT_MS);
  g_assert_false (server_got (f, "ERROR"));
}

static void
test_bytes_written (Fixture      *f,
                    gconstpointer data)
{
  g_test_summary ("bytes-written counts plaintext; encrypted-bytes-written follows it");

  connect_good (f, "server", NULL);
  g_signal_connect (f->socket, "encrypted-bytes-written", G_CALLBACK (on_encrypted_bytes_written), f->trace);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "0123456789", 10), ==, 10);
  qs_test_run_until (strstr (f->trace->str, "encrypted-bytes-written") != NULL, TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, "bytes-written(10) encrypted-bytes-written(10) ");
  qs_test_run_until (server_got (f, "0123456789"), TIMEOUT_MS);
}

static void
test_self_signed (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *expected = g_strconcat (CONNECT_TRACE,
                                           "peer-verify-error(G_TLS_CERTIFICATE_UNKNOWN_CA) "
                                           "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA) ",
                                           FAIL_TRACE, NULL);

  g_test_summary ("A self-signed certificate fails the handshake; nothing leaves in clear");

  start_server (f, "self");
  connect_encrypted (f, "127.0.0.1", NULL);
  g_assert_cmpint (qs_io_device_write (DEV (f), (const guint8 *) "secret\n", 7), ==, 7);
  qs_test_run_until (is_unconnected (f), TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, expected);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "The certificate is self-signed, and untrusted");
  g_assert_cmpint (qs_ssl_socket_get_ssl_handshake_errors (f->socket), ==, G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_false (qs_ssl_socket_is_encrypted (f->socket));
  g_assert_nonnull (qs_ssl_socket_get_peer_certificate (f->socket));
  g_assert_cmpint (qs_io_device_bytes_to_write (DEV (f)), ==, 0);
  qs_test_run_until (f->server.eof, TIMEOUT_MS);
  g_assert_false (server_got (f, "secret"));
}

/* Handshakes with the s_server of @name (peer name @peer_name) and
 * checks that it fails: @verify_errors in Qt's order, then Qt's
 * failure, with @message. */
static void
assert_handshake_fails (Fixture    *f,
                        const char *name,
                        const char *peer_name,
                        const char *verify_errors,
                        const char *message)
{
  g_autofree char *expected = g_strconcat (CONNECT_TRACE, verify_errors, FAIL_TRACE, NULL);

  start_server (f, name);
  connect_encrypted (f, "127.0.0.1", peer_name);
  qs_test_run_until (is_unconnected (f), TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, expected);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_SSL_HANDSHAKE_FAILED_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, message);
}

static void
test_unknown_issuer (Fixture      *f,
                     gconstpointer data)
{
  g_test_summary ("A certificate signed by an authority the system store does not "
                  "know fails with Qt's text for an unknown issuer, not the "
                  "self-signed one (PyQt6: UnableToGetLocalIssuerCertificate)");

  qs_ssl_socket_set_database (f->socket, NULL);
  assert_handshake_fails (f, "server", NULL,
                          "peer-verify-error(G_TLS_CERTIFICATE_UNKNOWN_CA) "
                          "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA) ",
                          "The issuer certificate of a locally looked up certificate could not be found");
}

static void
test_wrong_name (Fixture      *f,
                 gconstpointer data)
{
  g_test_summary ("A certificate for another name fails with Qt's host name text");

  assert_handshake_fails (f, "other", NULL,
                          "peer-verify-error(G_TLS_CERTIFICATE_BAD_IDENTITY) "
                          "ssl-errors(G_TLS_CERTIFICATE_BAD_IDENTITY) ",
                          "The host name did not match any of the valid hosts for this certificate");
}

static void
test_expired (Fixture      *f,
              gconstpointer data)
{
  g_test_summary ("An expired certificate fails with Qt's text");

  assert_handshake_fails (f, "expired", NULL,
                          "peer-verify-error(G_TLS_CERTIFICATE_EXPIRED) "
                          "ssl-errors(G_TLS_CERTIFICATE_EXPIRED) ",
                          "The certificate has expired");
}

static void
test_two_errors (Fixture      *f,
                 gconstpointer data)
{
  g_test_summary ("Self-signed and the wrong name: one peer-verify-error per flag, the name's text");

  assert_handshake_fails (f, "self", "nothere.example",
                          "peer-verify-error(G_TLS_CERTIFICATE_UNKNOWN_CA) "
                          "peer-verify-error(G_TLS_CERTIFICATE_BAD_IDENTITY) "
                          "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY) ",
                          "The host name did not match any of the valid hosts for this certificate");
  g_assert_cmpstr (qs_ssl_socket_get_peer_verify_name (f->socket), ==, "nothere.example");
}

static void
test_peer_name (Fixture      *f,
                gconstpointer data)
{
  g_test_summary ("ssl_peer_name is the name the certificate must match");

  connect_good (f, "other", "other.example");
  g_assert_cmpstr (qs_ssl_socket_get_peer_verify_name (f->socket), ==, "other.example");
}

/* Handshakes with the self-signed server and checks that the errors
 * were reported and then let pass. */
static void
accept_self_signed (Fixture *f)
{
  start_server (f, "self");
  connect_encrypted (f, "127.0.0.1", NULL);
  qs_test_run_until (qs_ssl_socket_is_encrypted (f->socket) || is_unconnected (f), TIMEOUT_MS);
  g_assert_true (g_str_has_suffix (f->trace->str,
                                   "connected peer-verify-error(G_TLS_CERTIFICATE_UNKNOWN_CA) "
                                   "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA) encrypted "));
}

static void
test_ignore_in_handler (Fixture      *f,
                        gconstpointer data)
{
  g_test_summary ("ignore_ssl_errors in the ssl-errors handler lets the handshake finish");

  f->ignore_in_handler = TRUE;
  accept_self_signed (f);
  g_assert_cmpint (qs_ssl_socket_get_ssl_handshake_errors (f->socket), ==, G_TLS_CERTIFICATE_UNKNOWN_CA);
}

static void
test_ignore_before (Fixture      *f,
                    gconstpointer data)
{
  g_test_summary ("ignore_ssl_errors after the connect call: ssl-errors still come, then encrypted");

  start_server (f, "self");
  connect_encrypted (f, "127.0.0.1", NULL);
  qs_ssl_socket_ignore_ssl_errors (f->socket);
  qs_test_run_until (qs_ssl_socket_is_encrypted (f->socket) || is_unconnected (f), TIMEOUT_MS);
  g_assert_true (g_str_has_suffix (f->trace->str,
                                   "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA) encrypted "));
}

static void
test_verify_none (Fixture      *f,
                  gconstpointer data)
{
  g_test_summary ("VERIFY_NONE: no errors reported, encrypted");

  qs_ssl_socket_set_peer_verify_mode (f->socket, QS_PEER_VERIFY_MODE_VERIFY_NONE);
  connect_good (f, "self", NULL);
  g_assert_cmpint (qs_ssl_socket_get_ssl_handshake_errors (f->socket), ==, 0);
}

static void
test_query_peer (Fixture      *f,
                 gconstpointer data)
{
  g_test_summary ("QUERY_PEER: the errors are reported, the handshake goes on");

  qs_ssl_socket_set_peer_verify_mode (f->socket, QS_PEER_VERIFY_MODE_QUERY_PEER);
  accept_self_signed (f);
}

static void
test_wait_for_encrypted (Fixture      *f,
                         gconstpointer data)
{
  g_test_summary ("wait_for_encrypted works with no loop running, from the connect call on");

  start_server (f, "server");
  connect_encrypted (f, "127.0.0.1", NULL);
  g_assert_true (qs_ssl_socket_wait_for_encrypted (f->socket, TIMEOUT_MS));
  g_assert_true (g_str_has_suffix (f->trace->str, "connected encrypted "));
  g_assert_true (qs_ssl_socket_wait_for_encrypted (f->socket, 0));
}

/* The pattern byte at @offset of a large transfer. */
static guint8
pattern (gsize offset)
{
  return (guint8) ('a' + (offset * 7 + offset / 251) % 26);
}

/* A pattern of @size bytes, NUL-terminated; (transfer full). */
static guint8 *
pattern_new (gsize size)
{
  guint8 *payload = g_malloc0 (size + 1);

  for (gsize i = 0; i < size; i++)
    payload[i] = pattern (i);
  return payload;
}

/* Writes 1 MiB to the s_server and checks that it printed it byte-exact. */
static void
send_large (Fixture *f)
{
  const gsize size = 1 << 20;
  g_autofree guint8 *payload = pattern_new (size);

  g_assert_cmpint (qs_io_device_write (DEV (f), payload, size), ==, (gint64) size);
  qs_test_run_until (qs_io_device_bytes_to_write (DEV (f)) == 0 &&
                     f->server.output->len >= size, TIMEOUT_MS);
  g_assert_true (g_strstr_len (f->server.output->str, f->server.output->len, (const char *) payload) != NULL);
}

static void
test_large_to_server (Fixture      *f,
                      gconstpointer data)
{
  g_test_summary ("1 MiB to OpenSSL, byte-exact");

  connect_good (f, "server", NULL);
  send_large (f);
}

/* The TLS version an s_server or s_client option allows. */
static GTlsProtocolVersion
version_of (const char *option)
{
  return g_str_equal (option, "-tls1_2") ? G_TLS_PROTOCOL_VERSION_TLS_1_2 : G_TLS_PROTOCOL_VERSION_TLS_1_3;
}

static void
test_version (Fixture      *f,
              gconstpointer data)
{
  g_test_summary ("An s_server limited to TLS 1.2 or 1.3: that version is negotiated and "
                  "reported, 1 MiB reaches it byte-exact");

  f->version = data;
  connect_good (f, "server", NULL);
  g_assert_cmpint (qs_ssl_socket_get_session_protocol (f->socket), ==, version_of (data));
  send_large (f);
}

static void
test_large_from_server (Fixture      *f,
                        gconstpointer data)
{
  const gsize lines = 20000;
  g_autoptr(GString) payload = g_string_new (NULL);

  g_test_summary ("About 1 MiB from OpenSSL, byte-exact, then its close");

  for (gsize i = 0; i < lines; i++)
    g_string_append_printf (payload, "%08" G_GSIZE_FORMAT " 0123456789012345678901234567890123456789\n", i);
  connect_good (f, "server", NULL);
  server_send (f, payload->str);
  qs_test_run_until (f->received->len >= payload->len, TIMEOUT_MS);
  g_assert_cmpmem (f->received->data, f->received->len, payload->str, payload->len);
}

static void
test_read_buffer_size (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GString) payload = g_string_new (NULL);

  g_test_summary ("A small read-buffer-size: what TLS decrypted beyond it still arrives, without a descriptor event");

  for (guint i = 0; i < 300; i++)
    g_string_append_printf (payload, "%04u 678901234567890123456789\n", i);
  connect_good (f, "server", NULL);
  qs_abstract_socket_set_read_buffer_size (SOCK (f), 100);
  server_send (f, payload->str);
  qs_test_run_until (f->received->len >= payload->len, TIMEOUT_MS);
  g_assert_cmpmem (f->received->data, f->received->len, payload->str, payload->len);
}

/* Connects with PAUSE_ON_SSL_ERRORS to the self-signed server and waits
 * until the handshake is paused: errors reported, not encrypted. */
static void
pause_at_errors (Fixture *f)
{
  qs_abstract_socket_set_pause_mode (SOCK (f), QS_PAUSE_MODES_PAUSE_ON_SSL_ERRORS);
  start_server (f, "self");
  connect_encrypted (f, "127.0.0.1", NULL);
  qs_test_run_until (strstr (f->trace->str, "ssl-errors") != NULL, TIMEOUT_MS);
  qs_test_iterate_for (200);
  g_assert_true (g_str_has_suffix (f->trace->str, "connected peer-verify-error(G_TLS_CERTIFICATE_UNKNOWN_CA) "
                                                  "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA) "));
  g_assert_false (qs_ssl_socket_is_encrypted (f->socket));
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_string_truncate (f->trace, 0);
}

static void
test_pause_ignore_resume (Fixture      *f,
                          gconstpointer data)
{
  g_test_summary ("PAUSE_ON_SSL_ERRORS: the handshake waits at its errors; ignore + resume makes it encrypted");

  pause_at_errors (f);
  qs_io_device_write (DEV (f), (const guint8 *) "after resume\n", 13);
  qs_ssl_socket_ignore_ssl_errors (f->socket);
  qs_abstract_socket_resume (SOCK (f));
  qs_test_run_until (qs_ssl_socket_is_encrypted (f->socket), TIMEOUT_MS);
  g_assert_true (g_str_has_prefix (f->trace->str, "encrypted "));
  g_assert_nonnull (qs_ssl_socket_get_session_cipher (f->socket));
  qs_test_run_until (server_got (f, "after resume\n"), TIMEOUT_MS);
}

static void
test_pause_resume_refused (Fixture      *f,
                           gconstpointer data)
{
  g_test_summary ("PAUSE_ON_SSL_ERRORS: resume without ignoring fails the handshake, nothing in clear");

  pause_at_errors (f);
  qs_io_device_write (DEV (f), (const guint8 *) "secret\n", 7);
  qs_abstract_socket_resume (SOCK (f));
  qs_test_run_until (is_unconnected (f), TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, FAIL_TRACE);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "The certificate is self-signed, and untrusted");
  g_assert_null (qs_ssl_socket_get_session_cipher (f->socket));
  qs_test_run_until (f->server.eof, TIMEOUT_MS);
  g_assert_false (server_got (f, "secret"));
}

static void
test_wait_for_encrypted_timeout (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);

  g_test_summary ("A peer that never answers the ClientHello: wait_for_encrypted times out with SOCKET_TIMEOUT_ERROR");

  connect_encrypted (f, "127.0.0.1", NULL);
  g_assert_false (qs_ssl_socket_wait_for_encrypted (f->socket, 200));
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_SOCKET_TIMEOUT_ERROR);
  g_assert_true (g_str_has_suffix (f->trace->str, "connected error-occurred(socket-timeout-error) "));
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  qs_abstract_socket_abort (SOCK (f));
}

static gboolean
accept_into (GSocket  *listener,
             GSocket **peer)
{
  if (*peer == NULL)
    *peer = g_socket_accept (listener, NULL, NULL);
  return *peer != NULL;
}

static void
test_plaintext_answer (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);
  g_autoptr(GSocket) peer = NULL;
  g_autoptr(GError) error = NULL;
  const char *answer = "HTTP/1.0 400 Bad Request\r\n\r\n";
  char buffer[4096];
  gsize received = 0;
  gssize got;

  g_test_summary ("A peer that answers the ClientHello in clear: SSL_HANDSHAKE_FAILED_ERROR, nothing sent in clear");

  connect_encrypted (f, "127.0.0.1", NULL);
  qs_io_device_write (DEV (f), (const guint8 *) "secret\n", 7);
  qs_test_run_until (accept_into (listener, &peer), TIMEOUT_MS);
  g_socket_send (peer, answer, strlen (answer), NULL, &error);
  g_assert_no_error (error);
  qs_test_run_until (is_unconnected (f), TIMEOUT_MS);
  /* What reached the peer: a ClientHello, then the end; no plaintext. */
  g_socket_set_blocking (peer, TRUE);
  while ((got = g_socket_receive (peer, buffer + received, sizeof buffer - 1 - received, NULL, NULL)) > 0)
    received += got;
  g_assert_cmpuint (received, >, 0);
  g_assert_cmpint (buffer[0], ==, 0x16);
  for (gsize i = 0; i + 6 <= received; i++)
    g_assert_false (memcmp (buffer + i, "secret", 6) == 0);
  g_assert_true (g_str_has_suffix (f->trace->str, FAIL_TRACE));
  g_assert_true (g_str_has_prefix (qs_io_device_get_error_string (DEV (f)), "Error during SSL handshake: "));
  g_assert_cmpint (qs_ssl_socket_get_ssl_handshake_errors (f->socket), ==, 0);
  g_assert_false (qs_ssl_socket_is_encrypted (f->socket));
}

/* The test's listener accepts the connection, reads the ClientHello,
 * sends @reply (@length bytes) and shuts its side down. Checks that the ClientHello
 * was all that was sent (no plaintext), and Qt's REMOTE_HOST_CLOSED
 * failure (PyQt6 against the same peer). */
static void
fail_after_hello (Fixture    *f,
                  const char *reply,
                  gsize       length)
{
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);
  g_autoptr(GSocket) peer = NULL;
  g_autoptr(GError) error = NULL;
  char buffer[4096];
  gssize got;

  connect_encrypted (f, "127.0.0.1", NULL);
  qs_io_device_write (DEV (f), (const guint8 *) "secret\n", 7);
  qs_test_run_until (accept_into (listener, &peer), TIMEOUT_MS);
  qs_test_run_until (g_socket_condition_check (peer, G_IO_IN) != 0, TIMEOUT_MS);
  got = g_socket_receive (peer, buffer, sizeof buffer, NULL, &error);
  g_assert_no_error (error);
  /* One handshake record: a ClientHello (type 1), all of it. */
  g_assert_cmpint (got, >, 9);
  g_assert_cmpint (buffer[0], ==, 0x16);
  g_assert_cmpint (buffer[5], ==, 1);
  g_assert_cmpint (got, ==, 5 + ((guint8) buffer[3] << 8 | (guint8) buffer[4]));
  if (length > 0)
    g_assert_cmpint (g_socket_send (peer, reply, length, NULL, NULL), ==, (gssize) length);
  g_socket_shutdown (peer, FALSE, TRUE, &error);
  g_assert_no_error (error);
  qs_test_run_until (is_unconnected (f), TIMEOUT_MS);
  /* Whatever came after the ClientHello, up to qsock's close: no plaintext. */
  g_socket_set_blocking (peer, TRUE);
  g_socket_set_timeout (peer, TIMEOUT_MS / 1000);
  while ((got = g_socket_receive (peer, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_assert_null (g_strstr_len (buffer, got, "secret"));
  g_assert_cmpstr (f->trace->str, ==, CLOSED_TRACE);
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "The remote host closed the connection");
  g_assert_false (qs_ssl_socket_is_encrypted (f->socket));
}

static void
test_closed_in_handshake (Fixture      *f,
                          gconstpointer data)
{
  g_test_summary ("A peer that reads the ClientHello and closes: REMOTE_HOST_CLOSED_ERROR "
                  "as in Qt, nothing sent in clear");

  fail_after_hello (f, NULL, 0);
}

static void
test_truncated_record (Fixture      *f,
                       gconstpointer data)
{
  g_test_summary ("A peer that answers the ClientHello with 4 bytes of a record header and "
                  "closes: REMOTE_HOST_CLOSED_ERROR as in Qt, nothing sent in clear");

  fail_after_hello (f, "\x16\x03\x03\x00", 4);
}

/* NAME.pem alone, no key; (transfer full). */
static GTlsCertificate *
load_certificate_without_key (const char *name)
{
  g_autofree char *pem = g_strdup_printf ("%s/%s.pem", cert_dir, name);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  GTlsCertificate *certificate;

  g_file_get_contents (pem, &data, NULL, &error);
  g_assert_no_error (error);
  certificate = g_tls_certificate_new_from_pem (data, -1, &error);
  g_assert_no_error (error);
  return certificate;
}

static void
test_certificate_without_key (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr(GTlsCertificate) certificate = load_certificate_without_key ("client");
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);
  g_autoptr(GSocket) peer = NULL;

  g_test_summary ("A local certificate without its key: Qt's SSL_INVALID_USER_DATA_ERROR, then "
                  "SSL_INTERNAL_ERROR; connected, nothing sent (PyQt6 the same)");

  qs_ssl_socket_set_local_certificate (f->socket, certificate);
  connect_encrypted (f, "127.0.0.1", NULL);
  qs_io_device_write (DEV (f), (const guint8 *) "secret\n", 7);
  qs_test_run_until (accept_into (listener, &peer) && strstr (f->trace->str, " connected ") != NULL,
                     TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==,
                   "state-changed(host-lookup-state) state-changed(connecting-state) host-found "
                   "state-changed(connected-state) mode-changed(ssl-client-mode) "
                   "error-occurred(ssl-invalid-user-data-error) error-occurred(ssl-internal-error) "
                   "connected ");
  g_assert_cmpint (qs_abstract_socket_get_error (SOCK (f)), ==, QS_SOCKET_ERROR_SSL_INTERNAL_ERROR);
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unable to init SSL Context: ");
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_false (qs_ssl_socket_wait_for_encrypted (f->socket, 100));
  /* Not even a ClientHello reached the peer. */
  qs_test_iterate_for (200);
  g_assert_cmpint (g_socket_condition_check (peer, G_IO_IN), ==, 0);
  g_assert_false (qs_ssl_socket_is_encrypted (f->socket));
}

/* Accepts the connection waiting on @listener and hands it to f->socket
 * as a connected, plain socket. */
static void
adopt_accepted (Fixture *f,
                GSocket *listener)
{
  g_autoptr(GSocket) accepted = qs_test_accept (listener, TIMEOUT_MS);

  g_assert_true (qs_abstract_socket_set_socket_descriptor (SOCK (f), dup (g_socket_get_fd (accepted)),
                                                           QS_SOCKET_STATE_CONNECTED_STATE,
                                                           QS_OPEN_MODE_READ_WRITE));
  g_string_truncate (f->trace, 0);
}

/* A client of the test CA connecting encrypted to @port, presenting
 * @certificate (nullable) if asked; (transfer full). */
static QsSslSocket *
tls_client_new (guint16          port,
                GTlsCertificate *certificate)
{
  g_autoptr(GTlsDatabase) database = load_ca_database ();
  QsSslSocket *client = qs_ssl_socket_new ();

  qs_ssl_socket_set_database (client, database);
  qs_ssl_socket_set_local_certificate (client, certificate);
  qs_ssl_socket_connect_to_host_encrypted (client, "127.0.0.1", port, NULL, QS_OPEN_MODE_READ_WRITE,
                                           QS_NETWORK_LAYER_PROTOCOL_ANY_IP_PROTOCOL);
  return client;
}

static void
test_server_encryption (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(GTlsCertificate) certificate = load_certificate ("server");
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);
  g_autoptr(QsSslSocket) client = tls_client_new (f->server.port, NULL);
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("start_server_encryption on an accepted plain socket: mode-changed, encrypted, "
                  "bytes both ways");

  adopt_accepted (f, listener);
  qs_ssl_socket_set_local_certificate (f->socket, certificate);
  qs_ssl_socket_start_server_encryption (f->socket);
  qs_test_run_until (qs_ssl_socket_is_encrypted (f->socket) && qs_ssl_socket_is_encrypted (client),
                     TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, "mode-changed(ssl-server-mode) encrypted ");
  qs_io_device_write (QS_IO_DEVICE (client), (const guint8 *) "ping\n", 5);
  qs_test_run_until (f->received->len == 5, TIMEOUT_MS);
  g_assert_cmpmem (f->received->data, f->received->len, "ping\n", 5);
  qs_io_device_write (DEV (f), (const guint8 *) "pong\n", 5);
  qs_test_run_until (qs_io_device_can_read_line (QS_IO_DEVICE (client)), TIMEOUT_MS);
  got = qs_io_device_read_all (QS_IO_DEVICE (client));
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "pong\n", 5);
  qs_abstract_socket_abort (QS_ABSTRACT_SOCKET (client));
}

static void
test_server_no_certificate (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);
  g_autoptr(QsSslSocket) client = tls_client_new (f->server.port, NULL);
  g_autofree char *expected = g_strconcat ("mode-changed(ssl-server-mode) ", FAIL_TRACE, NULL);

  g_test_summary ("start_server_encryption with no local certificate: server mode, then the "
                  "handshake fails with SSL_HANDSHAKE_FAILED_ERROR (PyQt6 the same)");

  adopt_accepted (f, listener);
  qs_ssl_socket_start_server_encryption (f->socket);
  g_assert_cmpstr (f->trace->str, ==, "mode-changed(ssl-server-mode) ");
  qs_test_run_until (is_unconnected (f), TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, expected);
  g_assert_true (g_str_has_prefix (qs_io_device_get_error_string (DEV (f)), "Error during SSL handshake: "));
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (client)) ==
                     QS_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  g_assert_false (qs_ssl_socket_is_encrypted (client));
}

static void
test_server_certificate_without_key (Fixture      *f,
                                     gconstpointer data)
{
  g_autoptr(GTlsCertificate) certificate = load_certificate_without_key ("server");
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);
  g_autoptr(GSocket) client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, f->server.port);

  g_test_summary ("start_server_encryption with a certificate without its key: Qt's "
                  "SSL_INVALID_USER_DATA_ERROR, then SSL_INTERNAL_ERROR; connected, nothing sent "
                  "(PyQt6 the same)");

  adopt_accepted (f, listener);
  qs_ssl_socket_set_local_certificate (f->socket, certificate);
  qs_ssl_socket_start_server_encryption (f->socket);
  qs_io_device_write (DEV (f), (const guint8 *) "secret\n", 7);
  g_assert_cmpstr (f->trace->str, ==,
                   "mode-changed(ssl-server-mode) error-occurred(ssl-invalid-user-data-error) "
                   "error-occurred(ssl-internal-error) ");
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "Unable to init SSL Context: ");
  qs_test_iterate_for (200);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (g_socket_condition_check (client, G_IO_IN), ==, 0);
  g_assert_false (qs_ssl_socket_is_encrypted (f->socket));
}

/* ---- QsSslServer ---- */

typedef struct
{
  QsSslServer *server;    /* (owned) */
  GString     *trace;     /* (owned) */
  char        *error;     /* (owned) (nullable): the error string of the last failed connection */
  guint16      port;
} ServerFixture;

static void
on_server_socket (QsSslServer *server,
                  QsSslSocket *socket,
                  gpointer     user_data)
{
  GSignalInvocationHint *hint = g_signal_get_invocation_hint (server);

  g_assert_true (QS_IS_SSL_SOCKET (socket));
  g_string_append_printf (user_data, "%s ", g_signal_name (hint->signal_id));
}

static void
on_server_error (QsSslServer   *server,
                 QsSslSocket   *socket,
                 QsSocketError  error,
                 gpointer       user_data)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (QS_TYPE_SOCKET_ERROR);

  g_string_append_printf (user_data, "error-occurred(%s) ", g_enum_get_value (klass, error)->value_nick);
}

static void
on_server_flags (QsSslServer         *server,
                 QsSslSocket         *socket,
                 GTlsCertificateFlags flags,
                 gpointer             user_data)
{
  trace_flags (user_data, server, flags);
}

static void
keep_error_string (QsSslServer   *server,
                   QsSslSocket   *socket,
                   QsSocketError  error,
                   gpointer       user_data)
{
  ServerFixture *f = user_data;

  g_free (f->error);
  f->error = g_strdup (qs_io_device_get_error_string (QS_IO_DEVICE (socket)));
}

static void
server_setup (ServerFixture *f,
              gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = load_certificate ("server");
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");

  f->trace = g_string_new (NULL);
  f->server = qs_ssl_server_new ();
  qs_ssl_server_set_local_certificate (f->server, certificate);
  qs_test_trace_server (f->server, f->trace);
  g_signal_connect (f->server, "started-encryption-handshake", G_CALLBACK (on_server_socket), f->trace);
  g_signal_connect (f->server, "error-occurred", G_CALLBACK (on_server_error), f->trace);
  g_signal_connect (f->server, "error-occurred", G_CALLBACK (keep_error_string), f);
  g_signal_connect (f->server, "peer-verify-error", G_CALLBACK (on_server_flags), f->trace);
  g_signal_connect (f->server, "ssl-errors", G_CALLBACK (on_server_flags), f->trace);
  g_assert_true (qs_tcp_server_listen (QS_TCP_SERVER (f->server), loopback, 0));
  f->port = qs_tcp_server_get_server_port (QS_TCP_SERVER (f->server));
}

static void
server_teardown (ServerFixture *f,
                 gconstpointer  data)
{
  qs_test_release (&f->server, f->trace, f);
  qs_test_drain_context ();
  g_string_free (f->trace, TRUE);
  g_free (f->error);
}

static void
test_server_defaults (ServerFixture *f,
                      gconstpointer  data)
{
  g_autoptr(QsSslServer) fresh = qs_ssl_server_new ();

  g_test_summary ("A fresh QsSslServer: 5000 ms, AUTO_VERIFY_PEER, no certificate, the system's trust");

  g_assert_cmpint (qs_ssl_server_get_handshake_timeout (fresh), ==, 5000);
  g_assert_cmpint (qs_ssl_server_get_peer_verify_mode (fresh), ==, QS_PEER_VERIFY_MODE_AUTO_VERIFY_PEER);
  g_assert_null (qs_ssl_server_get_local_certificate (fresh));
  g_assert_null (qs_ssl_server_get_database (fresh));
  g_assert_nonnull (qs_ssl_server_get_local_certificate (f->server));
}

/* The one pending connection, once the server queued it. */
static QsSslSocket *
take_pending (ServerFixture *f)
{
  QsTcpServer *server = QS_TCP_SERVER (f->server);

  qs_test_run_until (qs_tcp_server_has_pending_connections (server), TIMEOUT_MS);
  return QS_SSL_SOCKET (qs_tcp_server_next_pending_connection (server));
}

static void
test_server_exchange (ServerFixture *f,
                      gconstpointer  data)
{
  g_autoptr(QsSslSocket) client = tls_client_new (f->port, NULL);
  g_autoptr(QsSslSocket) peer = NULL;
  g_autoptr(GBytes) got = NULL;

  g_test_summary ("QsSslSocket to QsSslServer: queued once encrypted, bytes both ways, the "
                  "client's TLS close reported twice as in Qt");

  peer = take_pending (f);
  g_assert_cmpstr (f->trace->str, ==, "started-encryption-handshake pending-connection-available new-connection ");
  g_assert_true (qs_ssl_socket_is_encrypted (peer));
  g_assert_cmpint (qs_ssl_socket_get_mode (peer), ==, QS_SSL_MODE_SSL_SERVER_MODE);
  qs_test_run_until (qs_ssl_socket_is_encrypted (client), TIMEOUT_MS);

  qs_io_device_write (QS_IO_DEVICE (peer), (const guint8 *) "from server\n", 12);
  qs_test_run_until (qs_io_device_bytes_available (QS_IO_DEVICE (client)) == 12, TIMEOUT_MS);
  got = qs_io_device_read_all (QS_IO_DEVICE (client));
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "from server\n", 12);
  g_clear_pointer (&got, g_bytes_unref);

  qs_io_device_write (QS_IO_DEVICE (client), (const guint8 *) "from client\n", 12);
  qs_test_run_until (qs_io_device_bytes_available (QS_IO_DEVICE (peer)) == 12, TIMEOUT_MS);
  got = qs_io_device_read_all (QS_IO_DEVICE (peer));
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "from client\n", 12);

  /* The client's TLS close: Qt reports the close_notify, then the end. */
  g_string_truncate (f->trace, 0);
  qs_test_trace_socket (peer, f->trace);
  qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (client));
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (peer)) ==
                     QS_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==,
                   "error-occurred(remote-host-closed-error) error-occurred(remote-host-closed-error) "
                   "state-changed(closing-state) state-changed(unconnected-state) "
                   "read-channel-finished disconnected ");
  g_assert_cmpstr (qs_io_device_get_error_string (QS_IO_DEVICE (peer)), ==,
                   "The remote host closed the connection");
  g_signal_handlers_disconnect_by_data (peer, f->trace);
}

static void
test_server_openssl_client (ServerFixture *f,
                            gconstpointer  data)
{
  g_autofree char *ca = cert_path ("ca.pem");
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%u", f->port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(QsSslSocket) peer = NULL;
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) output = NULL;
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);

  g_test_summary ("openssl s_client to QsSslServer: verified, bytes both ways");

  client = g_subprocess_newv ((const char *const []) {
    "openssl", "s_client", "-connect", connect, "-CAfile", ca, "-verify_return_error",
    "-quiet", NULL },
    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
    &error);
  g_assert_no_error (error);
  peer = take_pending (f);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (client), "from openssl\n", 13, NULL, NULL, &error);
  g_assert_no_error (error);
  qs_test_run_until (qs_io_device_can_read_line (QS_IO_DEVICE (peer)), TIMEOUT_MS);
  got = qs_io_device_read_all (QS_IO_DEVICE (peer));
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "from openssl\n", 13);

  qs_io_device_write (QS_IO_DEVICE (peer), (const guint8 *) "from qsock\n", 11);
  qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (peer));
  qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (peer)) ==
                     QS_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
  /* As in Qt: no longer encrypted, no session; the certificate stays. */
  g_assert_false (qs_ssl_socket_is_encrypted (peer));
  g_assert_null (qs_ssl_socket_get_session_cipher (peer));
  g_assert_cmpint (qs_ssl_socket_get_session_protocol (peer), ==, G_TLS_PROTOCOL_VERSION_UNKNOWN);
  g_subprocess_communicate (client, nothing, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (output, NULL), g_bytes_get_size (output), "from qsock\n", 11);
}

static void
on_communicated (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_finish (G_SUBPROCESS (source), result, NULL, NULL, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* Whether @peer's read buffer holds @size bytes, or more. */
static gboolean
has_read (QsSslSocket *peer,
          gsize        size)
{
  return qs_io_device_bytes_available (QS_IO_DEVICE (peer)) >= (gint64) size;
}

static void
test_server_version (ServerFixture *f,
                     gconstpointer  data)
{
  const gsize size = 1 << 20;
  g_autofree char *ca = cert_path ("ca.pem");
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%u", f->port);
  g_autoptr(GBytes) payload = g_bytes_new_take (pattern_new (size), size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) client = NULL;
  g_autoptr(QsSslSocket) peer = NULL;
  g_autoptr(GBytes) got = NULL;
  gboolean done = FALSE;

  g_test_summary ("openssl s_client limited to TLS 1.2 or 1.3 to QsSslServer: that version "
                  "is reported, 1 MiB arrives byte-exact");

  client = g_subprocess_newv ((const char *const []) {
    "openssl", "s_client", "-connect", connect, "-CAfile", ca, "-verify_return_error",
    "-quiet", "-nocommands", data, NULL },
    G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
    &error);
  g_assert_no_error (error);
  /* -quiet implies -ign_eof: s_client sends all, then waits for the close. */
  g_subprocess_communicate_async (client, payload, NULL, on_communicated, &done);
  peer = take_pending (f);
  g_assert_cmpint (qs_ssl_socket_get_session_protocol (peer), ==, version_of (data));
  qs_test_run_until (has_read (peer, size), TIMEOUT_MS);
  got = qs_io_device_read_all (QS_IO_DEVICE (peer));
  g_assert_true (g_bytes_equal (got, payload));
  qs_abstract_socket_disconnect_from_host (QS_ABSTRACT_SOCKET (peer));
  qs_test_run_until (done, TIMEOUT_MS);
}

/* Whether the server closed @socket (a read sees the end). */
static gboolean
closed_by_server (GSocket *socket)
{
  char buffer[256];

  return g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) == 0;
}

static void
test_server_handshake_timeout (ServerFixture *f,
                               gconstpointer  data)
{
  g_autoptr(GSocket) silent = NULL;

  g_test_summary ("A client that never says hello is reported with SOCKET_TIMEOUT_ERROR after "
                  "handshake-timeout (the socket's own error unset) and aborted, never queued; "
                  "PyQt6 the same");

  qs_ssl_server_set_handshake_timeout (f->server, 100);
  silent = qs_test_client_new (G_SOCKET_FAMILY_IPV4, f->port);
  qs_test_run_until (closed_by_server (silent), TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, "started-encryption-handshake error-occurred(socket-timeout-error) ");
  g_assert_cmpstr (f->error, ==, "Unknown error");
  g_assert_false (qs_tcp_server_has_pending_connections (QS_TCP_SERVER (f->server)));
}

static void
test_server_plaintext_client (ServerFixture *f,
                              gconstpointer  data)
{
  g_autoptr(GSocket) plain = NULL;

  g_test_summary ("A client that speaks HTTP in clear: error-occurred(SSL_HANDSHAKE_FAILED_ERROR), never queued");

  plain = qs_test_client_new (G_SOCKET_FAMILY_IPV4, f->port);
  g_assert_cmpint (g_socket_send (plain, "GET / HTTP/1.0\r\n\r\n", 18, NULL, NULL), ==, 18);
  qs_test_run_until (strstr (f->trace->str, "error-occurred") != NULL, TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==, "started-encryption-handshake error-occurred(ssl-handshake-failed-error) ");
  qs_test_run_until (closed_by_server (plain), TIMEOUT_MS);
  g_assert_false (qs_tcp_server_has_pending_connections (QS_TCP_SERVER (f->server)));
}

static void
test_server_without_key (ServerFixture *f,
                         gconstpointer  data)
{
  g_autoptr(GTlsCertificate) certificate = load_certificate_without_key ("server");
  g_autoptr(GSocket) client = NULL;

  g_test_summary ("A QsSslServer whose certificate has no key: the connection's two errors, "
                  "started-encryption-handshake, then closed with nothing sent (PyQt6 the same)");

  qs_ssl_server_set_local_certificate (f->server, certificate);
  client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, f->port);
  qs_test_run_until (strstr (f->trace->str, "started") != NULL, TIMEOUT_MS);
  g_assert_cmpstr (f->trace->str, ==,
                   "error-occurred(ssl-invalid-user-data-error) error-occurred(ssl-internal-error) "
                   "started-encryption-handshake ");
  qs_test_run_until (closed_by_server (client), TIMEOUT_MS);
  g_assert_false (qs_tcp_server_has_pending_connections (QS_TCP_SERVER (f->server)));
}

typedef struct
{
  const char       *summary;
  QsPeerVerifyMode  mode;
  const char       *certificate; /* (nullable): the client's */
  const char       *trace;       /* the server's, once the handshake ended */
  const char       *error;       /* (nullable): the failed connection's error string */
} ClientCertificateCase;

static const ClientCertificateCase client_verified = {
  "VERIFY_PEER, a client certificate of the CA: queued, no errors",
  QS_PEER_VERIFY_MODE_VERIFY_PEER, "client",
  "started-encryption-handshake pending-connection-available new-connection ", NULL
};
static const ClientCertificateCase client_untrusted = {
  "VERIFY_PEER, a self-signed client certificate: its errors, then SSL_HANDSHAKE_FAILED_ERROR",
  QS_PEER_VERIFY_MODE_VERIFY_PEER, "self",
  "started-encryption-handshake peer-verify-error(G_TLS_CERTIFICATE_UNKNOWN_CA) "
  "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA) error-occurred(ssl-handshake-failed-error) ",
  "The certificate is self-signed, and untrusted"
};
static const ClientCertificateCase client_missing = {
  "VERIFY_PEER, no client certificate: SSL_HANDSHAKE_FAILED_ERROR with Qt's text",
  QS_PEER_VERIFY_MODE_VERIFY_PEER, NULL,
  "started-encryption-handshake error-occurred(ssl-handshake-failed-error) ",
  "The peer did not present any certificate"
};
static const ClientCertificateCase client_queried = {
  "QUERY_PEER, a self-signed client certificate: its errors, then queued",
  QS_PEER_VERIFY_MODE_QUERY_PEER, "self",
  "started-encryption-handshake peer-verify-error(G_TLS_CERTIFICATE_UNKNOWN_CA) "
  "ssl-errors(G_TLS_CERTIFICATE_UNKNOWN_CA) pending-connection-available new-connection ",
  NULL
};

static void
test_server_client_certificate (ServerFixture *f,
                                gconstpointer  data)
{
  const ClientCertificateCase *test = data;
  g_autoptr(GTlsDatabase) database = load_ca_database ();
  g_autoptr(GTlsCertificate) certificate = test->certificate ? load_certificate (test->certificate) : NULL;
  g_autoptr(QsSslSocket) client = NULL;
  g_autoptr(QsSslSocket) peer = NULL;
  g_autofree char *subject = NULL;

  /* The traces and strings of PyQt6's QSslServer with the same peers. */
  g_test_summary (test->summary);

  qs_ssl_server_set_database (f->server, database);
  qs_ssl_server_set_peer_verify_mode (f->server, test->mode);
  client = tls_client_new (f->port, certificate);
  if (test->error != NULL)
    {
      qs_test_run_until (strstr (f->trace->str, "error-occurred") != NULL, TIMEOUT_MS);
      g_assert_cmpstr (f->trace->str, ==, test->trace);
      g_assert_cmpstr (f->error, ==, test->error);
      g_assert_false (qs_tcp_server_has_pending_connections (QS_TCP_SERVER (f->server)));
      /* Encrypted already (TLS 1.3), the client sees the server close. */
      qs_test_run_until (qs_abstract_socket_get_state (QS_ABSTRACT_SOCKET (client)) ==
                         QS_SOCKET_STATE_UNCONNECTED_STATE, TIMEOUT_MS);
      g_assert_cmpint (qs_abstract_socket_get_error (QS_ABSTRACT_SOCKET (client)), ==,
                       QS_SOCKET_ERROR_REMOTE_HOST_CLOSED_ERROR);
      return;
    }
  peer = take_pending (f);
  g_assert_cmpstr (f->trace->str, ==, test->trace);
  g_assert_true (qs_ssl_socket_is_encrypted (peer));
  subject = g_tls_certificate_get_subject_name (qs_ssl_socket_get_peer_certificate (peer));
  g_assert_cmpstr (subject, ==, g_str_equal (test->certificate, "client") ? "CN=qsock client" : "CN=localhost");
  qs_abstract_socket_abort (QS_ABSTRACT_SOCKET (client));
}

/* ---- no TLS backend ----
 *
 * Each test runs in a subprocess whose GIO loads no module (main()), as
 * on a system without glib-networking; PyQt6 gives the same traces with
 * its TLS plugins hidden. */

static gboolean
in_subprocess_without_backend (void)
{
  if (g_test_subprocess ())
    {
      g_assert_false (qs_ssl_socket_supports_ssl ());
      return TRUE;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  return FALSE;
}

static void
test_no_backend_connect (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);

  g_test_summary ("No TLS backend: connect_to_host_encrypted fails with SSL_INTERNAL_ERROR, "
                  "does not connect");

  if (!in_subprocess_without_backend ())
    return;
  connect_encrypted (f, "127.0.0.1", NULL);
  g_assert_cmpstr (f->trace->str, ==, "error-occurred(ssl-internal-error) ");
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "TLS initialization failed");
  qs_test_iterate_for (200);
  g_assert_true (is_unconnected (f));
  g_assert_cmpint (qs_ssl_socket_get_mode (f->socket), ==, QS_SSL_MODE_UNENCRYPTED_MODE);
  g_assert_cmpint (g_socket_condition_check (listener, G_IO_IN), ==, 0);
  g_assert_false (qs_ssl_socket_wait_for_encrypted (f->socket, 100));
}

/* start_client_encryption() or start_server_encryption() on a connected
 * plain socket: SSL_INTERNAL_ERROR, still plain and connected, nothing
 * sent. */
static void
check_no_backend_start (Fixture *f,
                        void   (*start) (QsSslSocket *self))
{
  g_autoptr(GSocket) listener = qs_test_listener_new (G_SOCKET_FAMILY_IPV4, 4, &f->server.port);
  g_autoptr(GSocket) client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, f->server.port);

  adopt_accepted (f, listener);
  start (f->socket);
  g_assert_cmpstr (f->trace->str, ==, "error-occurred(ssl-internal-error) ");
  g_assert_cmpstr (qs_io_device_get_error_string (DEV (f)), ==, "TLS initialization failed");
  g_assert_cmpint (qs_ssl_socket_get_mode (f->socket), ==, QS_SSL_MODE_UNENCRYPTED_MODE);
  qs_test_iterate_for (200);
  g_assert_cmpint (qs_abstract_socket_get_state (SOCK (f)), ==, QS_SOCKET_STATE_CONNECTED_STATE);
  g_assert_cmpint (g_socket_condition_check (client, G_IO_IN), ==, 0);
}

static void
test_no_backend_start_client (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("No TLS backend: start_client_encryption fails with SSL_INTERNAL_ERROR, "
                  "the socket stays plain and connected, nothing sent");

  if (in_subprocess_without_backend ())
    check_no_backend_start (f, qs_ssl_socket_start_client_encryption);
}

static void
test_no_backend_start_server (Fixture      *f,
                              gconstpointer data)
{
  g_test_summary ("No TLS backend: start_server_encryption fails with SSL_INTERNAL_ERROR, "
                  "the socket stays plain and connected, nothing sent");

  if (in_subprocess_without_backend ())
    check_no_backend_start (f, qs_ssl_socket_start_server_encryption);
}

static void
test_no_backend_server (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr(QsSslServer) server = qs_ssl_server_new ();
  g_autoptr(GInetAddress) loopback = qs_test_address ("127.0.0.1");
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GString) trace = g_string_new (NULL);

  g_test_summary ("No TLS backend: QsSslServer reports SSL_INTERNAL_ERROR, then "
                  "started-encryption-handshake, and closes the connection with nothing sent");

  if (!in_subprocess_without_backend ())
    return;
  qs_test_trace_server (server, trace);
  g_signal_connect (server, "started-encryption-handshake", G_CALLBACK (on_server_socket), trace);
  g_signal_connect (server, "error-occurred", G_CALLBACK (on_server_error), trace);
  g_assert_true (qs_tcp_server_listen (QS_TCP_SERVER (server), loopback, 0));
  client = qs_test_client_new (G_SOCKET_FAMILY_IPV4, qs_tcp_server_get_server_port (QS_TCP_SERVER (server)));
  qs_test_run_until (strstr (trace->str, "started") != NULL, TIMEOUT_MS);
  g_assert_cmpstr (trace->str, ==, "error-occurred(ssl-internal-error) started-encryption-handshake ");
  qs_test_run_until (closed_by_server (client), TIMEOUT_MS);
  g_assert_false (qs_tcp_server_has_pending_connections (QS_TCP_SERVER (server)));
  qs_test_release (&server, trace, NULL);
}

static void
test_client_certificate (Fixture      *f,
                         gconstpointer data)
{
  g_autoptr(GTlsCertificate) certificate = load_certificate ("client");

  g_test_summary ("A server that requires a client certificate gets the local one, and checks it");

  qs_ssl_socket_set_local_certificate (f->socket, certificate);
  g_assert_true (qs_ssl_socket_get_local_certificate (f->socket) == certificate);
  f->require_client_certificate = TRUE;
  connect_good (f, "server", NULL);
  qs_io_device_write (DEV (f), (const guint8 *) "with certificate\n", 17);
  qs_test_run_until (server_got (f, "with certificate\n"), TIMEOUT_MS);
  g_assert_true (server_got (f, "Client certificate"));
  g_assert_true (server_got (f, "CN = qsock client"));
}

static gboolean
tools_present (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  return openssl != NULL && qs_ssl_socket_supports_ssl ();
}

#define ADD(path, func) \
  g_test_add ("/ssl-socket/" path, Fixture, NULL, setup, func, teardown)

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  /* These run in a subprocess without a TLS backend, so also where
   * glib-networking is missing or cannot be followed. */
  g_test_add ("/ssl-socket/no-backend/connect-encrypted", Fixture, NULL, setup_plain,
              test_no_backend_connect, teardown);
  g_test_add ("/ssl-socket/no-backend/start-client-encryption", Fixture, NULL, setup_plain,
              test_no_backend_start_client, teardown);
  g_test_add ("/ssl-socket/no-backend/start-server-encryption", Fixture, NULL, setup_plain,
              test_no_backend_start_server, teardown);
  g_test_add ("/ssl-server/no-backend", Fixture, NULL, setup_plain, test_no_backend_server, teardown);
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *no_modules = g_dir_make_tmp ("qsock-no-gio-modules-XXXXXX", &error);

      /* Before GIO loads its modules (at the first TLS call): it finds
       * none, so no TLS backend. */
      g_assert_no_error (error);
      g_setenv ("GIO_MODULE_DIR", no_modules, TRUE);
      g_unsetenv ("GIO_EXTRA_MODULES");
      result = g_test_run ();
      g_rmdir (no_modules);
      return result;
    }

  if (!tools_present ())
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("openssl or glib-networking is missing, and CI=true");
      g_test_skip ("openssl or glib-networking is missing");
      return g_test_run ();
    }

#if defined(__SANITIZE_THREAD__)
  /* glib-networking runs each handshake in a GLib worker thread, and
   * GLib's futex-based locks are invisible to ThreadSanitizer (GLib is
   * not instrumented): it reports races inside GLib (g_strconcat,
   * GTask) that are none of qsock's. The plain and the ASan builds run
   * these tests; test-io-stream skips its TLS case the same way. */
  g_test_skip ("ThreadSanitizer cannot follow glib-networking's handshake thread");
  return g_test_run ();
#endif

  make_certificates ();
  ADD ("defaults", test_defaults);
  ADD ("handshake/good", test_good_exchange);
  ADD ("handshake/self-signed", test_self_signed);
  ADD ("handshake/wrong-name", test_wrong_name);
  ADD ("handshake/two-errors", test_two_errors);
  ADD ("handshake/expired", test_expired);
  ADD ("handshake/unknown-issuer", test_unknown_issuer);
  ADD ("handshake/peer-name", test_peer_name);
  ADD ("handshake/ignore-in-handler", test_ignore_in_handler);
  ADD ("handshake/ignore-before", test_ignore_before);
  ADD ("handshake/verify-none", test_verify_none);
  ADD ("handshake/query-peer", test_query_peer);
  ADD ("wait-for-encrypted", test_wait_for_encrypted);
  ADD ("bytes-written", test_bytes_written);
  ADD ("large/to-server", test_large_to_server);
  ADD ("large/from-server", test_large_from_server);
  g_test_add ("/ssl-socket/version/tls1.2", Fixture, "-tls1_2", setup, test_version, teardown);
  g_test_add ("/ssl-socket/version/tls1.3", Fixture, "-tls1_3", setup, test_version, teardown);
  ADD ("read-buffer-size", test_read_buffer_size);
  ADD ("client-certificate", test_client_certificate);
  ADD ("pause/ignore-resume", test_pause_ignore_resume);
  ADD ("pause/resume-refused", test_pause_resume_refused);
  ADD ("fault/wait-for-encrypted-timeout", test_wait_for_encrypted_timeout);
  ADD ("fault/plaintext-answer", test_plaintext_answer);
  ADD ("fault/closed-in-handshake", test_closed_in_handshake);
  ADD ("fault/truncated-record", test_truncated_record);
  ADD ("fault/certificate-without-key", test_certificate_without_key);
  ADD ("server-encryption/good", test_server_encryption);
  ADD ("server-encryption/no-certificate", test_server_no_certificate);
  ADD ("server-encryption/certificate-without-key", test_server_certificate_without_key);
#define ADD_SERVER(path, func) \
  g_test_add ("/ssl-server/" path, ServerFixture, NULL, server_setup, func, server_teardown)
  ADD_SERVER ("defaults", test_server_defaults);
  ADD_SERVER ("exchange", test_server_exchange);
  ADD_SERVER ("openssl-client", test_server_openssl_client);
  g_test_add ("/ssl-server/version/tls1.2", ServerFixture, "-tls1_2", server_setup, test_server_version, server_teardown);
  g_test_add ("/ssl-server/version/tls1.3", ServerFixture, "-tls1_3", server_setup, test_server_version, server_teardown);
  ADD_SERVER ("handshake-timeout", test_server_handshake_timeout);
  ADD_SERVER ("plaintext-client", test_server_plaintext_client);
  ADD_SERVER ("certificate-without-key", test_server_without_key);
#define ADD_CLIENT_CERTIFICATE(path, test) \
  g_test_add ("/ssl-server/client-certificate/" path, ServerFixture, &(test), server_setup, \
              test_server_client_certificate, server_teardown)
  ADD_CLIENT_CERTIFICATE ("verified", client_verified);
  ADD_CLIENT_CERTIFICATE ("untrusted", client_untrusted);
  ADD_CLIENT_CERTIFICATE ("missing", client_missing);
  ADD_CLIENT_CERTIFICATE ("queried", client_queried);
  result = g_test_run ();
  remove_certificates ();
  return result;
}
