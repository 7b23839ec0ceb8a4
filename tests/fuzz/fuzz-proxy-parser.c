/* fuzz-proxy-parser.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libFuzzer harness of the proxy replies' parsers (qsock/qs-proxy-
 * parser.c): what a hostile SOCKS5 or HTTP proxy can send. The first
 * byte picks the parser; the rest is the reply. Each parser runs on the
 * whole reply and on every prefix of it, as the bytes would arrive one
 * at a time, and must agree with itself: a complete reply parses the
 * same from any prefix that holds it, no prefix of it is "invalid", it
 * never reads past the size given (ASan sees the input's exact bounds),
 * and what it consumed is within the input. The request builders run on
 * names and credentials from the input, and the header of a datagram
 * relayed through a SOCKS5 proxy is parsed from it and built back.
 */

#include "config.h"

#include <string.h>

#include "qs-proxy-parser.h"
#include "fuzz-common.h"

typedef enum
{
  PARSER_SOCKS5_METHOD,
  PARSER_SOCKS5_PASSWORD,
  PARSER_SOCKS5_REPLY,
  PARSER_HTTP_REPLY,
  PARSER_BUILDERS,
} Parser;

#define N_PARSERS (PARSER_BUILDERS + 1)

/* A copy of @size bytes in its own allocation, so that ASan catches a
 * read past the end. */
static guint8 *
exact_copy (const guint8 *data,
            gsize         size)
{
  return g_memdup2 (size ? data : (const guint8 *) "", MAX (size, 1));
}

static QsProxyParse
parse_one (Parser           parser,
           const guint8    *data,
           gsize            size,
           QsSocks5Reply   *socks5,
           QsHttpProxyReply *http,
           guint8          *method,
           gboolean        *accepted)
{
  switch (parser)
    {
    case PARSER_SOCKS5_METHOD:
      return _qs_socks5_parse_method_reply (data, size, method);
    case PARSER_SOCKS5_PASSWORD:
      return _qs_socks5_parse_password_reply (data, size, accepted);
    case PARSER_SOCKS5_REPLY:
      return _qs_socks5_parse_reply (data, size, socks5);
    case PARSER_HTTP_REPLY:
      return _qs_http_proxy_parse_reply (data, size, http);
    case PARSER_BUILDERS:
      break;
    }
  g_assert_not_reached ();
}

static void
check_parser (Parser        parser,
              const guint8 *data,
              gsize         size)
{
  QsSocks5Reply full_socks5 = { 0 };
  QsHttpProxyReply full_http = { 0 };
  guint8 full_method = 0;
  gboolean full_accepted = FALSE;
  QsProxyParse full;
  gsize needed = size;
  g_autofree guint8 *whole = exact_copy (data, size);

  full = parse_one (parser, whole, size, &full_socks5, &full_http, &full_method, &full_accepted);
  if (full == QS_PROXY_PARSE_DONE)
    {
      if (parser == PARSER_SOCKS5_REPLY)
        needed = full_socks5.consumed;
      else if (parser == PARSER_HTTP_REPLY)
        needed = full_http.consumed;
      else
        needed = 2;
      check (needed > 0 && needed <= size);
      if (parser == PARSER_HTTP_REPLY)
        {
          check (memcmp (data + needed - 4, "\r\n\r\n", 4) == 0);
          check (full_http.status >= 0 && full_http.status <= 999);
          check (full_http.content_length >= -1);
          check (full_http.realm == NULL || full_http.basic);
        }
    }

  /* Every prefix, as the bytes arrive. */
  for (gsize length = 0; length <= size && length <= 4096; length++)
    {
      QsSocks5Reply socks5 = { 0 };
      QsHttpProxyReply http = { 0 };
      guint8 method = 0;
      gboolean accepted = FALSE;
      g_autofree guint8 *prefix = exact_copy (data, length);
      QsProxyParse got = parse_one (parser, prefix, length, &socks5, &http, &method, &accepted);

      if (full == QS_PROXY_PARSE_DONE && length < needed)
        check (got == QS_PROXY_PARSE_NEED_MORE);
      if (full == QS_PROXY_PARSE_DONE && length >= needed)
        {
          check (got == QS_PROXY_PARSE_DONE);
          if (parser == PARSER_SOCKS5_REPLY)
            check (memcmp (&socks5, &full_socks5, sizeof socks5) == 0);
          else if (parser == PARSER_HTTP_REPLY)
            {
              check (http.status == full_http.status && http.consumed == full_http.consumed &&
                     http.basic == full_http.basic && g_strcmp0 (http.realm, full_http.realm) == 0 &&
                     http.content_length == full_http.content_length &&
                     http.proxy_connection == full_http.proxy_connection);
            }
          else
            check (method == full_method && accepted == full_accepted);
        }
      if (full == QS_PROXY_PARSE_NEED_MORE)
        check (got == QS_PROXY_PARSE_NEED_MORE);
      if (got == QS_PROXY_PARSE_DONE)
        _qs_http_proxy_reply_clear (&http);
    }
  if (full == QS_PROXY_PARSE_DONE)
    _qs_http_proxy_reply_clear (&full_http);
}

/* A relayed datagram's header: one that parses has its size within the
 * input and builds back to the same bytes; one built parses back. */
static void
check_udp_header (const guint8 *data,
                  gsize         size,
                  GInetAddress *address,
                  guint16       port)
{
  g_autofree guint8 *whole = exact_copy (data, size);
  guint8 built[QS_SOCKS5_UDP_HEADER_MAX];
  QsSocks5Reply header;
  gsize built_size;

  if (_qs_socks5_parse_udp_header (whole, size, &header))
    {
      check (header.consumed <= size && header.consumed <= QS_SOCKS5_UDP_HEADER_MAX);
      built_size = _qs_socks5_build_udp_header (built, header.family, header.address, header.port);
      check (built_size == header.consumed && memcmp (built, data, built_size) == 0);
    }
  built_size = _qs_socks5_build_udp_header (built, g_inet_address_get_family (address),
                                            g_inet_address_to_bytes (address), port);
  check (_qs_socks5_parse_udp_header (built, built_size, &header));
  check (header.consumed == built_size && header.port == port &&
         header.family == g_inet_address_get_family (address) &&
         memcmp (header.address, g_inet_address_to_bytes (address),
                 g_inet_address_get_native_size (address)) == 0);
}

/* Names and credentials from the input through the request builders. */
static void
check_builders (FuzzInput *in)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *bytes;
  gsize size = fuzz_bytes (in, &bytes, fuzz_u16 (in));
  g_autofree char *text = g_strndup ((const char *) bytes, size);
  g_autoptr(GInetAddress) address = g_inet_address_new_loopback (fuzz_u8 (in) & 1 ? G_SOCKET_FAMILY_IPV6
                                                                                  : G_SOCKET_FAMILY_IPV4);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint16 port = fuzz_u16 (in);

  _qs_socks5_build_greeting (out, fuzz_u8 (in) & 1);
  check (out->len == 3);
  _qs_socks5_build_password (out, text, text);
  check (out->len == 3 + 3 + 2 * MIN (strlen (text), 255));
  g_byte_array_set_size (out, 0);
  if (_qs_socks5_build_request (out, QS_SOCKS5_COMMAND_CONNECT, text, NULL, port))
    check (out->len >= 8 && out->len <= 3 + 2 + 255 + 2);
  g_byte_array_set_size (out, 0);
  check (_qs_socks5_build_request (out, QS_SOCKS5_COMMAND_CONNECT, NULL, address, port));
  check (out->len == 3 + 1 + g_inet_address_get_native_size (address) + 2);
  g_byte_array_set_size (out, 0);
  g_ptr_array_add (names, g_strdup ("X-Fuzz"));
  g_ptr_array_add (values, g_bytes_new (bytes, size));
  _qs_http_proxy_build_connect (out, text, port, names, values, text, text);
  check (out->len > 4 && memcmp (out->data + out->len - 4, "\r\n\r\n", 4) == 0);
  check_udp_header (bytes, size, address, port);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FuzzInput in = fuzz_start (data, size);
  Parser parser = fuzz_u8 (&in) % N_PARSERS;

  if (parser == PARSER_BUILDERS)
    check_builders (&in);
  else
    check_parser (parser, in.data, in.size);
  return 0;
}
