/* bench-tls.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The TLS workloads' certificates (bench.h): the driver makes them, the
 * GIO-based implementations (bench-qsock.c, bench-gio.c) load them.
 */

#pragma once

#include <gio/gio.h>

#include "bench.h"

G_BEGIN_DECLS

/* Makes a throwaway CA (BENCH_TLS_CA) and a server certificate it signed
 * (BENCH_TLS_CERT, BENCH_TLS_KEY) in @dir with the openssl command. */
gboolean  bench_tls_make_certificates (const char  *dir,
                                       GError     **error);

/* The server's certificate and key, or the client's trust (the CA), from
 * p->tls_dir; FALSE with @error set if they cannot be read. */
gboolean  bench_tls_load              (const BenchParams  *p,
                                       GTlsCertificate   **certificate,
                                       GTlsDatabase      **database,
                                       GError            **error);

G_END_DECLS
