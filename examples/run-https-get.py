#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs an https-get example against a local `openssl s_server -www`.

Makes a throwaway self-signed certificate for localhost and 127.0.0.1
in a temporary folder, starts s_server with it for one connection on a
free port of 127.0.0.1, runs the client with `--ca-file <that
certificate> https://127.0.0.1:<port>/` and checks that it
printed exactly the status line of s_server's page, and that both exit
0. Skipped (77) without `openssl`, or failed under CI=true.

usage: run-https-get.py CLIENT [ARG...]
"""

import os
import re
import subprocess
import sys
import tempfile

from pair_common import make_certificate, openssl_missing, read_first_line, run_second, stop

EXPECTED = ['HTTP/1.0 200 ok\n']


def accepting_port(server):
    """The port s_server says it accepts on ("ACCEPT 127.0.0.1:<port>"),
    or None if it said no such line first."""
    for _ in range(20):
        line = read_first_line(server)
        if not line:
            return None
        match = re.match(r'ACCEPT 127\.0\.0\.1:(\d+)$', line.rstrip('\n'))
        if match:
            return int(match.group(1))
    return None


def main():
    if len(sys.argv) < 2:
        print(__doc__.rsplit('\n\n', 1)[1], file=sys.stderr)
        return 2
    missing = openssl_missing()
    if missing is not None:
        return missing
    client = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix='qsock-https-') as tmp:
        cert, key = os.path.join(tmp, 'server.pem'), os.path.join(tmp, 'server.key')
        make_certificate(cert, key)
        server = subprocess.Popen(  # pylint: disable=consider-using-with
            ['openssl', 's_server', '-accept', '127.0.0.1:0', '-cert', cert, '-key', key,
             '-www', '-naccept', '1'],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True)
        try:
            port = accepting_port(server)
            if port is None:
                print('s_server did not start', file=sys.stderr)
                return 1
            url = 'https://127.0.0.1:%d/' % port
            result = run_second(server, 's_server', client + ['--ca-file', cert, url],
                                os.path.basename(client[-1]))
        finally:
            stop(server)
    if result is None:
        return 1
    output = result[0]
    if output != EXPECTED:
        print('client printed %r, want %r' % (output, EXPECTED), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
