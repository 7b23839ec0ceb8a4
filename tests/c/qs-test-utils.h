/* qs-test-utils.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the C tests: wait on the main loop for a condition
 * (never sleep), and log signals into a trace string.
 */

#pragma once

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

/* Connects every QsAbstractSocket / QsIODevice signal of @socket to a
 * logger that appends "name(args) " to @trace. */
void qs_test_trace_socket (gpointer socket,
                           GString *trace);

/* A loopback address (127.0.0.1 or ::1); (transfer full). */
GInetAddress *qs_test_loopback (GSocketFamily family);

G_END_DECLS
