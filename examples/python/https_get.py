#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fetches a page over HTTPS with a Qs.SslSocket and prints the status
line of the answer ("HTTP/1.0 200 ok").

Written the blocking way, as Qt's blocking clients are:
connect_to_host_encrypted(), then wait_for_encrypted() and
wait_for_ready_read(), with no main loop running. The server's
certificate is checked against the system's trust store, or against the
CA certificates of --ca-file (PEM).

usage: https_get.py [--ca-file FILE] https://HOST[:PORT]/[PATH]
"""

import argparse
import sys
import urllib.parse

import gi

gi.require_version('Qs', '1.0')
from gi.repository import Gio, GLib, Qs  # noqa: E402

TIMEOUT_MS = 10000


def main():
    parser = argparse.ArgumentParser(prog='https_get.py')
    parser.add_argument('--ca-file', metavar='FILE',
                        help="trust the CA certificates of FILE instead of the system's")
    parser.add_argument('url', help='https://HOST[:PORT]/[PATH]')
    args = parser.parse_args()
    url = urllib.parse.urlsplit(args.url)
    if url.scheme != 'https' or not url.hostname:
        parser.error('not an https URL: %s' % args.url)

    socket = Qs.SslSocket.new()
    if args.ca_file is not None:
        try:
            socket.set_database(Gio.TlsFileDatabase.new(args.ca_file))
        except GLib.Error as e:
            print('https_get.py: %s' % e.message, file=sys.stderr)
            return 1

    socket.connect_to_host_encrypted(url.hostname, url.port or 443, None,
                                     Qs.OpenMode.READ_WRITE,
                                     Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL)
    if not socket.wait_for_encrypted(TIMEOUT_MS):
        print('https_get.py: %s' % socket.get_error_string(), file=sys.stderr)
        return 1

    request = 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' % (url.path or '/', url.hostname)
    socket.write(request.encode('ascii'))
    # The status line, however the answer is cut into records.
    while not socket.can_read_line():
        if not socket.wait_for_ready_read(TIMEOUT_MS):
            print('https_get.py: %s' % socket.get_error_string(), file=sys.stderr)
            return 1
    line = socket.read_line_bytes(0).get_data()
    print(line.decode('latin-1').rstrip('\r\n'))
    socket.disconnect_from_host()
    return 0


if __name__ == '__main__':
    sys.exit(main())
