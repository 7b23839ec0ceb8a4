#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a fortune server and a fortune client together and checks that
the client printed exactly the fortune the server says it sent ("SENT
<text>") and that both exit 0. Used by meson test and by scripts/demo.sh.

usage: run-fortune-pair.py [--split] SERVER-COMMAND -- CLIENT-COMMAND
The server command gets "--count 1" appended; the client command gets
"127.0.0.1 PORT" appended. Every step is bounded in time.
"""

import subprocess
import sys

TIMEOUT_S = 20


def main(argv):
    split = '--split' in argv
    argv = [a for a in argv if a != '--split']
    if '--' not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index('--')
    server_cmd = argv[:cut] + ['--count', '1'] + (['--split'] if split else [])
    client_cmd = argv[cut + 1:]

    server = subprocess.Popen(server_cmd, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline().strip()
        if not line.startswith('PORT '):
            print('server did not announce its port: %r' % line, file=sys.stderr)
            return 1
        port = line.split()[1]
        client = subprocess.run(client_cmd + ['127.0.0.1', port], capture_output=True,
                                text=True, timeout=TIMEOUT_S)
        sys.stderr.write(client.stderr)
        fortune = client.stdout.strip()
        print(fortune)
        if client.returncode != 0:
            print('client exited with %d' % client.returncode, file=sys.stderr)
            return 1
        if server.wait(timeout=TIMEOUT_S) != 0:
            print('server exited with %d' % server.returncode, file=sys.stderr)
            return 1
        sent = [line[len('SENT '):].rstrip('\n') for line in server.stdout
                if line.startswith('SENT ')]
        if sent != [fortune]:
            print('client printed %r, server sent %r' % (fortune, sent), file=sys.stderr)
            return 1
        return 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
