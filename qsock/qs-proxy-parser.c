/* qs-proxy-parser.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The messages of the proxy handshakes (see qs-proxy-parser.h): pure
 * functions, no I/O, no state. Every read is bounded by the size given;
 * the parsers never allocate on a path that returns NEED_MORE or
 * INVALID.
 */

#include "config.h"

#include <string.h>

#include "qs-proxy-parser.h"

#define SOCKS5_VERSION          0x05
#define SOCKS5_PASSWORD_VERSION 0x01
#define SOCKS5_ATYP_IPV4        0x01
#define SOCKS5_ATYP_DOMAIN      0x03
#define SOCKS5_ATYP_IPV6        0x04

void
_qs_socks5_build_greeting (GByteArray *out,
                           gboolean    password)
{
  const guint8 greeting[] = {
    SOCKS5_VERSION, 1, password ? QS_SOCKS5_METHOD_PASSWORD : QS_SOCKS5_METHOD_NONE
  };

  g_byte_array_append (out, greeting, sizeof greeting);
}

static void
append_counted (GByteArray *out,
                const char *text)
{
  gsize length = text ? MIN (strlen (text), 255) : 0;
  guint8 count = (guint8) length;

  g_byte_array_append (out, &count, 1);
  g_byte_array_append (out, (const guint8 *) (text ? text : ""), length);
}

void
_qs_socks5_build_password (GByteArray *out,
                           const char *user,
                           const char *password)
{
  const guint8 version = SOCKS5_PASSWORD_VERSION;

  g_byte_array_append (out, &version, 1);
  append_counted (out, user);
  append_counted (out, password);
}

gboolean
_qs_socks5_build_request (GByteArray   *out,
                          guint8        command,
                          const char   *host_name,
                          GInetAddress *address,
                          guint16       port)
{
  const guint8 header[] = { SOCKS5_VERSION, command, 0 };
  guint8 port_bytes[2] = { port >> 8, port & 0xff };

  g_byte_array_append (out, header, sizeof header);
  if (host_name)
    {
      g_autofree char *ascii = g_hostname_to_ascii (host_name);
      const guint8 atyp = SOCKS5_ATYP_DOMAIN;

      if (ascii == NULL || *ascii == '\0' || strlen (ascii) > 255)
        return FALSE;
      g_byte_array_append (out, &atyp, 1);
      append_counted (out, ascii);
    }
  else
    {
      gsize size = g_inet_address_get_native_size (address);
      const guint8 atyp = size == 4 ? SOCKS5_ATYP_IPV4 : SOCKS5_ATYP_IPV6;

      g_byte_array_append (out, &atyp, 1);
      g_byte_array_append (out, g_inet_address_to_bytes (address), size);
    }
  g_byte_array_append (out, port_bytes, sizeof port_bytes);
  return TRUE;
}

QsProxyParse
_qs_socks5_parse_method_reply (const guint8 *data,
                               gsize         size,
                               guint8       *method)
{
  if (size < 2)
    return QS_PROXY_PARSE_NEED_MORE;
  if (data[0] != SOCKS5_VERSION)
    return QS_PROXY_PARSE_INVALID;
  *method = data[1];
  return QS_PROXY_PARSE_DONE;
}

QsProxyParse
_qs_socks5_parse_password_reply (const guint8 *data,
                                 gsize         size,
                                 gboolean     *accepted)
{
  if (size < 2)
    return QS_PROXY_PARSE_NEED_MORE;
  *accepted = data[0] == SOCKS5_PASSWORD_VERSION && data[1] == 0;
  return QS_PROXY_PARSE_DONE;
}

/* ATYP, BND.ADDR and BND.PORT at @data (a reply's or a UDP header's
 * tail): into @reply, with consumed counting them. */
static QsProxyParse
parse_address (const guint8  *data,
               gsize          size,
               QsSocks5Reply *reply)
{
  gsize address_size;

  if (size < 1)
    return QS_PROXY_PARSE_NEED_MORE;
  switch (data[0])
    {
    case SOCKS5_ATYP_IPV4:
      address_size = 4;
      reply->family = G_SOCKET_FAMILY_IPV4;
      break;
    case SOCKS5_ATYP_IPV6:
      address_size = 16;
      reply->family = G_SOCKET_FAMILY_IPV6;
      break;
    default:
      return QS_PROXY_PARSE_INVALID;
    }
  if (size < 1 + address_size + 2)
    return QS_PROXY_PARSE_NEED_MORE;
  memcpy (reply->address, data + 1, address_size);
  reply->port = (guint16) (data[1 + address_size] << 8 | data[1 + address_size + 1]);
  reply->consumed = 1 + address_size + 2;
  return QS_PROXY_PARSE_DONE;
}

QsProxyParse
_qs_socks5_parse_reply (const guint8  *data,
                        gsize          size,
                        QsSocks5Reply *reply)
{
  QsProxyParse parse;

  if (size < 3)
    return QS_PROXY_PARSE_NEED_MORE;
  if (data[0] != SOCKS5_VERSION || data[2] != 0)
    return QS_PROXY_PARSE_INVALID;
  memset (reply, 0, sizeof *reply);
  reply->reply = data[1];
  if (reply->reply != 0)
    {
      reply->consumed = 3;
      return QS_PROXY_PARSE_DONE;
    }

  parse = parse_address (data + 3, size - 3, reply);
  reply->consumed += 3;
  return parse;
}

gsize
_qs_socks5_build_udp_header (guint8        *out,
                             GSocketFamily  family,
                             const guint8  *address,
                             guint16        port)
{
  gsize address_size = family == G_SOCKET_FAMILY_IPV6 ? 16 : 4;

  out[0] = out[1] = out[2] = 0;
  out[3] = family == G_SOCKET_FAMILY_IPV6 ? SOCKS5_ATYP_IPV6 : SOCKS5_ATYP_IPV4;
  memcpy (out + 4, address, address_size);
  out[4 + address_size] = port >> 8;
  out[4 + address_size + 1] = port & 0xff;
  return 4 + address_size + 2;
}

gboolean
_qs_socks5_parse_udp_header (const guint8  *data,
                             gsize          size,
                             QsSocks5Reply *header)
{
  memset (header, 0, sizeof *header);
  if (size < 3 || data[0] != 0 || data[1] != 0 || data[2] != 0)
    return FALSE;
  if (parse_address (data + 3, size - 3, header) != QS_PROXY_PARSE_DONE)
    return FALSE;
  header->consumed += 3;
  return TRUE;
}

void
_qs_http_proxy_build_connect (GByteArray *out,
                              const char *host,
                              guint16     port,
                              GPtrArray  *header_names,
                              GPtrArray  *header_values,
                              const char *user,
                              const char *password)
{
  g_autoptr(GString) request = g_string_new (NULL);
  gboolean user_agent = FALSE;

  /* Qt 6.4 sends its User-Agent unless one is set (any case); a Host or
   * Proxy-Connection set goes out besides its own. */
  for (guint i = 0; header_names && i < header_names->len; i++)
    user_agent = user_agent || g_ascii_strcasecmp (header_names->pdata[i], "User-Agent") == 0;
  g_string_append_printf (request,
                          "CONNECT %s:%u HTTP/1.1\r\n"
                          "Proxy-Connection: keep-alive\r\n"
                          "Host: %s\r\n"
                          "%s",
                          host, port, host, user_agent ? "" : "User-Agent: Mozilla/5.0\r\n");
  for (guint i = 0; header_names && i < header_names->len; i++)
    {
      gsize size;
      const char *value = g_bytes_get_data (header_values->pdata[i], &size);

      g_string_append_printf (request, "%s: ", (const char *) header_names->pdata[i]);
      g_string_append_len (request, value, size);
      g_string_append (request, "\r\n");
    }
  if ((user && *user) || (password && *password))
    {
      g_autofree char *credentials = g_strdup_printf ("%s:%s", user ? user : "", password ? password : "");
      g_autofree char *encoded = g_base64_encode ((const guchar *) credentials, strlen (credentials));

      g_string_append_printf (request, "Proxy-Authorization: Basic %s\r\n", encoded);
    }
  g_string_append (request, "\r\n");
  g_byte_array_append (out, (const guint8 *) request->str, request->len);
}

/* The offset just past the first empty line ("\r\n\r\n"), or 0. */
static gsize
find_header_end (const guint8 *data,
                 gsize         size)
{
  for (gsize i = 0; i + 3 < size; i++)
    {
      if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
        return i + 4;
    }
  return 0;
}

static gboolean
is_header (const char *line,
           gsize       length,
           const char *name,
           const char **value)
{
  gsize name_length = strlen (name);

  if (length <= name_length || line[name_length] != ':' ||
      g_ascii_strncasecmp (line, name, name_length) != 0)
    return FALSE;
  *value = line + name_length + 1;
  while (*value < line + length && (**value == ' ' || **value == '\t'))
    (*value)++;
  return TRUE;
}

/* The realm parameter of a Basic challenge (@params .. @end): a quoted
 * string or a token. */
static char *
parse_realm (const char *params,
             const char *end)
{
  const char *p = params;

  while (p < end)
    {
      const char *start;

      while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
        p++;
      start = p;
      while (p < end && *p != '=' && *p != ',')
        p++;
      if (p >= end || *p != '=')
        continue;
      if ((gsize) (p - start) == 5 && g_ascii_strncasecmp (start, "realm", 5) == 0)
        {
          p++;
          if (p < end && *p == '"')
            {
              GString *realm = g_string_new (NULL);

              for (p++; p < end && *p != '"'; p++)
                {
                  if (*p == '\\' && p + 1 < end)
                    p++;
                  g_string_append_c (realm, *p);
                }
              return g_string_free (realm, FALSE);
            }
          start = p;
          while (p < end && *p != ',' && *p != ' ')
            p++;
          return g_strndup (start, p - start);
        }
      /* Skip this parameter's value. */
      p++;
      if (p < end && *p == '"')
        {
          for (p++; p < end && *p != '"'; p++)
            {
              if (*p == '\\' && p + 1 < end)
                p++;
            }
          p++;
        }
      while (p < end && *p != ',')
        p++;
    }
  return g_strdup ("");
}

/* A Proxy-Connection or Connection header: how many there were, and the
 * (trimmed) value of the last one. */
typedef struct
{
  guint       count;
  const char *value;
  gsize       length;
} ConnectionHeader;

static void
note_connection_header (ConnectionHeader *header,
                        const char       *value,
                        const char       *end)
{
  while (end > value && g_ascii_isspace (end[-1]))
    end--;
  header->count++;
  header->value = value;
  header->length = end - value;
}

/* Qt 6.4's QHttpSocketEngine: Proxy-Connection, or Connection when that
 * is absent or empty, says "close" (1) or "keep-alive" (0), compared
 * without case; anything else (-1) leaves it to the HTTP version. Qt
 * joins repeated headers with ", ", which says neither. */
static int
connection_says (const ConnectionHeader *proxy_connection,
                 const ConnectionHeader *connection)
{
  const ConnectionHeader *header = proxy_connection;

  if (header->count == 0 || (header->count == 1 && header->length == 0))
    header = connection;
  if (header->count != 1)
    return -1;
  if (header->length == 5 && g_ascii_strncasecmp (header->value, "close", 5) == 0)
    return 1;
  if (header->length == 10 && g_ascii_strncasecmp (header->value, "keep-alive", 10) == 0)
    return 0;
  return -1;
}

static void
parse_header_line (const char       *line,
                   gsize             length,
                   QsHttpProxyReply *reply,
                   ConnectionHeader  connection[2])
{
  const char *value;
  const char *end = line + length;

  if (is_header (line, length, "Proxy-Authenticate", &value))
    {
      if (!reply->basic && end - value >= 5 && g_ascii_strncasecmp (value, "Basic", 5) == 0 &&
          (end - value == 5 || value[5] == ' ' || value[5] == '\t'))
        {
          reply->basic = TRUE;
          reply->realm = parse_realm (value + 5, end);
        }
    }
  else if (is_header (line, length, "Proxy-Connection", &value))
    note_connection_header (&connection[0], value, end);
  else if (is_header (line, length, "Connection", &value))
    note_connection_header (&connection[1], value, end);
  else if (is_header (line, length, "Content-Length", &value))
    {
      g_autofree char *text = g_strndup (value, end - value);
      guint64 number;

      if (g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, G_MAXINT32, &number, NULL))
        reply->content_length = (gint64) number;
    }
}

static void
parse_status_line (const char       *line,
                   gsize             length,
                   QsHttpProxyReply *reply)
{
  /* "HTTP/1.x NNN reason" */
  if (length >= 8 && g_ascii_isdigit (line[5]) && g_ascii_isdigit (line[7]))
    reply->version = (line[5] - '0') * 0x100 + (line[7] - '0');
  if (length >= 12 && line[8] == ' ' &&
      g_ascii_isdigit (line[9]) && g_ascii_isdigit (line[10]) && g_ascii_isdigit (line[11]) &&
      (length == 12 || line[12] == ' '))
    reply->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
}

QsProxyParse
_qs_http_proxy_parse_reply (const guint8     *data,
                            gsize             size,
                            QsHttpProxyReply *reply)
{
  gsize end = find_header_end (data, MIN (size, QS_HTTP_PROXY_MAX_HEADER));
  const char *text = (const char *) data;
  ConnectionHeader connection[2] = { { 0, NULL, 0 }, { 0, NULL, 0 } };
  gsize start = 0;

  if (end == 0)
    return size >= QS_HTTP_PROXY_MAX_HEADER ? QS_PROXY_PARSE_INVALID : QS_PROXY_PARSE_NEED_MORE;
  if (end < 7 || memcmp (data, "HTTP/1.", 7) != 0)
    return QS_PROXY_PARSE_INVALID;

  memset (reply, 0, sizeof *reply);
  reply->content_length = -1;
  reply->consumed = end;
  while (start < end - 2)
    {
      const char *eol = memchr (text + start, '\n', end - start);
      gsize line_end = eol ? (gsize) (eol - text) : end;
      gsize length = line_end - start;

      if (length > 0 && text[start + length - 1] == '\r')
        length--;
      if (start == 0)
        parse_status_line (text, length, reply);
      else if (length > 0)
        parse_header_line (text + start, length, reply, connection);
      start = line_end + 1;
    }
  reply->proxy_connection = connection_says (&connection[0], &connection[1]);
  return QS_PROXY_PARSE_DONE;
}

void
_qs_http_proxy_reply_clear (QsHttpProxyReply *reply)
{
  g_clear_pointer (&reply->realm, g_free);
}
