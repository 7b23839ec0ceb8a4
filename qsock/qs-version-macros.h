/* qs-version-macros.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Symbol visibility decorators. The library is built with hidden
 * visibility; only symbols marked QS_AVAILABLE_IN_ALL are exported.
 */

#pragma once

#if !defined(QSOCK_INSIDE) && !defined(QS_COMPILATION)
# error "Only <qsock/qsock.h> can be included directly."
#endif

#include <glib.h>

#ifndef _QS_EXTERN
# define _QS_EXTERN __attribute__((visibility ("default"))) extern
#endif

#define QS_AVAILABLE_IN_ALL _QS_EXTERN
