/* qs-authenticator.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QsAuthenticator: credentials a proxy asks for (Qt's QAuthenticator).
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <gio/gio.h>

#include "qs-version-macros.h"

G_BEGIN_DECLS

#define QS_TYPE_AUTHENTICATOR (qs_authenticator_get_type ())

QS_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (QsAuthenticator, qs_authenticator, QS, AUTHENTICATOR, GObject)

QS_AVAILABLE_IN_ALL
QsAuthenticator *qs_authenticator_new          (void);
QS_AVAILABLE_IN_ALL
const char      *qs_authenticator_get_user     (QsAuthenticator *self);
QS_AVAILABLE_IN_ALL
void             qs_authenticator_set_user     (QsAuthenticator *self,
                                                const char      *user);
QS_AVAILABLE_IN_ALL
const char      *qs_authenticator_get_password (QsAuthenticator *self);
QS_AVAILABLE_IN_ALL
void             qs_authenticator_set_password (QsAuthenticator *self,
                                                const char      *password);
QS_AVAILABLE_IN_ALL
const char      *qs_authenticator_get_realm    (QsAuthenticator *self);
QS_AVAILABLE_IN_ALL
void             qs_authenticator_set_realm    (QsAuthenticator *self,
                                                const char      *realm);
QS_AVAILABLE_IN_ALL
GVariant        *qs_authenticator_get_option   (QsAuthenticator *self,
                                                const char      *opt);
QS_AVAILABLE_IN_ALL
void             qs_authenticator_set_option   (QsAuthenticator *self,
                                                const char      *opt,
                                                GVariant        *value);
QS_AVAILABLE_IN_ALL
GVariant        *qs_authenticator_get_options  (QsAuthenticator *self);
QS_AVAILABLE_IN_ALL
gboolean         qs_authenticator_is_null      (QsAuthenticator *self);

G_END_DECLS
