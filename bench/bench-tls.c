/* bench-tls.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The throwaway certificates of the TLS workloads: made once per driver
 * invocation with the openssl command (P-256 keys, so that a handshake
 * costs the same in every run), loaded by the GIO-based implementations.
 */

#include "config.h"

#include "bench-tls.h"


#define VALID_DAYS "2"

/* OpenSSL's defaults for every SSL_CTX (the Qt peers'): no session
 * tickets. Qt's SslOptionDisableSessionTickets only makes OpenSSL's
 * TLS 1.3 tickets stateful; a server still sends two after the
 * handshake, and a client that closes with them unread resets the
 * connection (the server loses what it had not yet read). */
#define OPENSSL_CONF \
  "openssl_conf = qsock_bench\n\n" \
  "[qsock_bench]\nssl_conf = ssl_section\n\n" \
  "[ssl_section]\nsystem_default = tls_defaults\n\n" \
  "[tls_defaults]\nNumTickets = 0\n"

/* Runs one openssl command in @dir. */
static gboolean
run_openssl (const char  *dir,
             const char **args,
             GError     **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "openssl");
  for (const char **a = args; *a != NULL; a++)
    g_ptr_array_add (argv, (gpointer) *a);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (dir, (char **) argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "openssl %s: %s: ", args[0], err != NULL ? g_strstrip (err) : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
bench_tls_make_certificates (const char  *dir,
                             GError     **error)
{
  static const char *ca[] = {
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", "ca.key", "-out", BENCH_TLS_CA, "-days", VALID_DAYS,
    "-subj", "/CN=qsock-bench CA", NULL,
  };
  static const char *request[] = {
    "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", BENCH_TLS_KEY, "-out", "server.csr", "-subj", "/CN=localhost", NULL,
  };
  static const char *sign[] = {
    "x509", "-req", "-in", "server.csr", "-CA", BENCH_TLS_CA, "-CAkey", "ca.key",
    "-CAcreateserial", "-out", BENCH_TLS_CERT, "-days", VALID_DAYS,
    "-extfile", "ext.cnf", NULL,
  };
  g_autofree char *ext = g_build_filename (dir, "ext.cnf", NULL);
  g_autofree char *conf = g_build_filename (dir, BENCH_TLS_OPENSSL_CONF, NULL);

  return g_file_set_contents (conf, OPENSSL_CONF, -1, error) &&
         g_file_set_contents (ext,
                              "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1\n"
                              "basicConstraints = CA:FALSE\n"
                              "keyUsage = digitalSignature\n"
                              "extendedKeyUsage = serverAuth\n", -1, error) &&
         run_openssl (dir, ca, error) &&
         run_openssl (dir, request, error) &&
         run_openssl (dir, sign, error);
}

gboolean
bench_tls_load (const BenchParams  *p,
                GTlsCertificate   **certificate,
                GTlsDatabase      **database,
                GError            **error)
{
  g_autofree char *cert = bench_tls_path (p, BENCH_TLS_CERT);
  g_autofree char *key = bench_tls_path (p, BENCH_TLS_KEY);
  g_autofree char *ca = bench_tls_path (p, BENCH_TLS_CA);

  if (p->server)
    *certificate = g_tls_certificate_new_from_files (cert, key, error);
  else
    *database = g_tls_file_database_new (ca, error);
  if (p->server ? *certificate != NULL : *database != NULL)
    return TRUE;
  g_prefix_error (error, "TLS certificates in %s: ", p->tls_dir ? p->tls_dir : "(no --tls-dir)");
  return FALSE;
}
