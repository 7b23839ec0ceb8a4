/* qs-test-proxy.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Proxies for the tests: real proxy servers (microsocks, tinyproxy)
 * started on a free loopback port with their configuration in a
 * temporary folder and stopped after, and fake proxies made in the test
 * from a script of replies (garbage, early close, silence).
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _QsTestProxy QsTestProxy;

/* `microsocks -i 127.0.0.1 -p PORT [-u USER -P PASSWORD]`. NULL when it
 * cannot run, with the reason in *@why (transfer full). */
QsTestProxy *qs_test_proxy_start_microsocks (const char  *user,
                                             const char  *password,
                                             char       **why);

/* `tinyproxy -d -c FILE`, allowing CONNECT to @connect_port only, with
 * BasicAuth when @user is not NULL. NULL with *@why when it cannot run. */
QsTestProxy *qs_test_proxy_start_tinyproxy  (guint16      connect_port,
                                             const char  *user,
                                             const char  *password,
                                             char       **why);

guint16      qs_test_proxy_get_port         (QsTestProxy *proxy);
void         qs_test_proxy_stop             (QsTestProxy *proxy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QsTestProxy, qs_test_proxy_stop)

/* One step of a fake proxy: once the connection has received @expect
 * bytes in all, send @reply (@reply_size bytes); then close the
 * connection when @close. */
typedef struct
{
  gsize        expect;
  const char  *reply;
  gsize        reply_size;
  gboolean     close;
} QsTestFakeStep;

typedef struct _QsTestFakeProxy QsTestFakeProxy;

/* A loopback listener serving each connection with @steps (copied;
 * @n_steps may be 0: a silent proxy), on the thread-default context. */
QsTestFakeProxy *qs_test_fake_proxy_new          (const QsTestFakeStep *steps,
                                                  guint                 n_steps);
guint16          qs_test_fake_proxy_get_port     (QsTestFakeProxy      *fake);
/* Every byte received, all connections in turn. (transfer none) */
GByteArray      *qs_test_fake_proxy_get_received (QsTestFakeProxy      *fake);
/* How many bytes had been received when the last step's reply was sent. */
gsize            qs_test_fake_proxy_get_received_at_last_reply (QsTestFakeProxy *fake);
guint            qs_test_fake_proxy_get_connections (QsTestFakeProxy   *fake);
void             qs_test_fake_proxy_free         (QsTestFakeProxy      *fake);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QsTestFakeProxy, qs_test_fake_proxy_free)

G_END_DECLS
