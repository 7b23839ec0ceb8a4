/* qs-proxy-parser.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Private: not API. The proxy protocols' messages as pure functions over
 * byte buffers, without I/O: the requests a client sends to a SOCKS5
 * (RFC 1928, RFC 1929) or HTTP (CONNECT) proxy, and parsers of the
 * replies it gets, which tests/fuzz/fuzz-proxy-parser.c fuzzes.
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  QS_PROXY_PARSE_NEED_MORE, /* the reply is not complete yet */
  QS_PROXY_PARSE_DONE,      /* a whole reply was parsed */
  QS_PROXY_PARSE_INVALID    /* not the protocol */
} QsProxyParse;

#define QS_SOCKS5_METHOD_NONE           0x00
#define QS_SOCKS5_METHOD_PASSWORD       0x02
#define QS_SOCKS5_METHOD_NOT_ACCEPTABLE 0xff

#define QS_SOCKS5_COMMAND_CONNECT 0x01
#define QS_SOCKS5_COMMAND_BIND    0x02
#define QS_SOCKS5_COMMAND_UDP_ASSOCIATE 0x03

/* The longest SOCKS5 UDP header qsock builds (RFC 1928 §7, IPv6). */
#define QS_SOCKS5_UDP_HEADER_MAX 22

/* The longest HTTP reply header a client reads before it gives up. */
#define QS_HTTP_PROXY_MAX_HEADER (64 * 1024)

/* The method selection message (RFC 1928 §3), offering one method, as Qt
 * does: user/password when @password, else none. */
void         _qs_socks5_build_greeting     (GByteArray   *out,
                                            gboolean      password);

/* RFC 1929's request; each string is cut at 255 bytes. */
void         _qs_socks5_build_password     (GByteArray   *out,
                                            const char   *user,
                                            const char   *password);

/* A request (RFC 1928 §4) for @host_name (ATYP domain name, in ASCII
 * compatible encoding) or, when it is NULL, for @address. FALSE when the
 * name is not valid or longer than 255 bytes. */
gboolean     _qs_socks5_build_request      (GByteArray   *out,
                                            guint8        command,
                                            const char   *host_name,
                                            GInetAddress *address,
                                            guint16       port);

/* The method selection reply: *@method. INVALID when the version is not 5. */
QsProxyParse _qs_socks5_parse_method_reply (const guint8 *data,
                                            gsize         size,
                                            guint8       *method);

/* RFC 1929's reply: *@accepted when version 1 and status 0. */
QsProxyParse _qs_socks5_parse_password_reply (const guint8 *data,
                                              gsize         size,
                                              gboolean     *accepted);

/* A request's reply, or the sender of a relayed datagram. */
typedef struct
{
  guint8        reply;       /* REP: 0 = succeeded */
  GSocketFamily family;      /* of the bound address (REP 0 only) */
  guint8        address[16]; /* BND.ADDR in network order */
  guint16       port;        /* BND.PORT */
  gsize         consumed;    /* bytes of @data the reply took */
} QsSocks5Reply;

/* A request's reply, as Qt reads it: INVALID when the version is not 5 or
 * the reserved byte not 0, or, on success, when the bound address is not
 * IPv4 or IPv6 (Qt does not accept a domain name there). A failure's
 * reply code is DONE after three bytes. */
QsProxyParse _qs_socks5_parse_reply        (const guint8  *data,
                                            gsize          size,
                                            QsSocks5Reply *reply);

/* The header of a datagram sent through a SOCKS5 UDP relay (RFC 1928
 * §7, not fragmented) to @address (4 or 16 bytes by @family) and @port,
 * into @out (QS_SOCKS5_UDP_HEADER_MAX bytes of room). Returns its size. */
gsize        _qs_socks5_build_udp_header   (guint8        *out,
                                            GSocketFamily  family,
                                            const guint8  *address,
                                            guint16        port);

/* The header of a datagram from a SOCKS5 UDP relay: the sender in
 * @header's family, address and port, its size in consumed. FALSE when
 * it is not one Qt accepts (reserved bytes not 0, a fragment, a domain
 * name, or cut short): Qt discards such a datagram. */
gboolean     _qs_socks5_parse_udp_header   (const guint8  *data,
                                            gsize          size,
                                            QsSocks5Reply *header);

/* "CONNECT host:port HTTP/1.1" and Qt's headers (its User-Agent only when
 * @header_names has none), then @header_names and @header_values
 * (GBytes), then "Proxy-Authorization: Basic …" when @user or @password
 * is set. @host is a name or an address's text. */
void         _qs_http_proxy_build_connect  (GByteArray   *out,
                                            const char   *host,
                                            guint16       port,
                                            GPtrArray    *header_names,
                                            GPtrArray    *header_values,
                                            const char   *user,
                                            const char   *password);

typedef struct
{
  int     status;           /* the status code; 0 when the status line has none */
  int     version;          /* 0x100 * major + minor */
  gboolean basic;           /* a Proxy-Authenticate: Basic challenge */
  char   *realm;            /* (owned) (nullable): its realm */
  int     proxy_connection; /* Proxy-Connection (or Connection): 1 close, 0 keep-alive, -1 neither */
  gint64  content_length;   /* -1 when absent or not a number */
  gsize   consumed;         /* the header's size, up to and with the empty line */
} QsHttpProxyReply;

/* A reply header (up to the first empty line). INVALID when it does not
 * start with "HTTP/1." or has no end within QS_HTTP_PROXY_MAX_HEADER.
 * Clear @reply with _qs_http_proxy_reply_clear(). */
QsProxyParse _qs_http_proxy_parse_reply    (const guint8     *data,
                                            gsize             size,
                                            QsHttpProxyReply *reply);
void         _qs_http_proxy_reply_clear    (QsHttpProxyReply *reply);

G_END_DECLS
