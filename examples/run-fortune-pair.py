#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a fortune server and a fortune client together and checks that
the client printed exactly the fortune the server says it sent ("SENT
<text>"), newline included and nothing else, and that both exit 0. Used by meson test and by scripts/demo.sh,
for the TCP pair and for the local-socket pair.

usage: run-fortune-pair.py [--split] SERVER-COMMAND -- CLIENT-COMMAND
The server command gets "--count 1" appended and announces where it
listens in its first line: "PORT <n>" (TCP; the client command gets
"127.0.0.1 <n>" appended) or "NAME <name>" (local; the client command
gets "<name>" appended). Both run with TMPDIR set to a fresh directory,
where a local server's socket lives; the server must leave it empty and
it is removed afterwards. Every step is bounded in time.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pair_common import read_first_line, run_second, stop, tagged


def client_args(announcement):
    """The client's arguments for the server's first line, or None."""
    words = announcement.split(maxsplit=1)
    if len(words) == 2 and words[0] == 'PORT':
        return ['127.0.0.1', words[1]]
    if len(words) == 2 and words[0] == 'NAME':
        return [words[1]]
    return None


def run_pair(server_cmd, client_cmd, env):
    server = subprocess.Popen(server_cmd, stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = read_first_line(server)
        args = client_args(line.rstrip('\n')) if line and line.endswith('\n') else None
        if args is None:
            print('server did not announce where it listens: %r' % line, file=sys.stderr)
            return 1
        outputs = run_second(server, 'server', client_cmd + args, 'client', env)
        if outputs is None:
            return 1
        client_output, server_output = outputs
        printed = ''.join(client_output)
        sys.stdout.write(printed)
        sent = tagged(server_output, 'SENT')
        if len(sent) != 1 or printed != sent[0] + '\n':
            print('client printed %r, server sent %r' % (printed, sent), file=sys.stderr)
            return 1
        return 0
    finally:
        stop(server)


def main(argv):
    split = '--split' in argv
    argv = [a for a in argv if a != '--split']
    if '--' not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index('--')
    server_cmd = argv[:cut] + ['--count', '1'] + (['--split'] if split else [])
    client_cmd = argv[cut + 1:]

    tmpdir = tempfile.mkdtemp(prefix='qsock-fortune-')
    try:
        status = run_pair(server_cmd, client_cmd, dict(os.environ, TMPDIR=tmpdir))
        left = os.listdir(tmpdir)
        if status == 0 and left:
            print('the server left %r in %s' % (left, tmpdir), file=sys.stderr)
            status = 1
        return status
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
