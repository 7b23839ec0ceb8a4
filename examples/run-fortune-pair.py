#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a fortune server and a fortune client together and checks that
the client printed exactly the fortune the server says it sent ("SENT
<text>"), newline included and nothing else, and that both exit 0. Used by meson test and by scripts/demo.sh,
for the TCP pair and for the local-socket pair.

usage: run-fortune-pair.py [--split] [--tls] SERVER-COMMAND -- CLIENT-COMMAND
The server command gets "--count 1" appended and announces where it
listens in its first line: "PORT <n>" (TCP; the client command gets
"127.0.0.1 <n>" appended) or "NAME <name>" (local; the client command
gets "<name>" appended). Both run with TMPDIR set to a fresh directory,
where a local server's socket lives; the server must leave it empty and
it is removed afterwards. Every step is bounded in time.

With --tls (TCP only) a throwaway certificate for localhost and
127.0.0.1 is made with the `openssl` command; the server gets "--cert
<pem> --key <key>", the client "--tls --ca-file <pem>". First the client
without --ca-file must fail: exit status 1 and one line on stderr,
"<program>: The certificate is self-signed, and untrusted", the server
serving nobody; then the pair runs as above. Skipped (77) without
`openssl`, or failed under CI=true.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pair_common import (TIMEOUT_S, make_certificate, openssl_missing, read_first_line,
                         run_second, stop, tagged)

UNTRUSTED = 'The certificate is self-signed, and untrusted'


def client_args(announcement):
    """The client's arguments for the server's first line, or None."""
    words = announcement.split(maxsplit=1)
    if len(words) == 2 and words[0] == 'PORT':
        return ['127.0.0.1', words[1]]
    if len(words) == 2 and words[0] == 'NAME':
        return [words[1]]
    return None


def refused(client_cmd, env):
    """Whether client_cmd failed as a client that does not trust the
    server's certificate must: status 1, nothing on stdout, and Qt's
    text on stderr (the untranslated one)."""
    try:
        client = subprocess.run(client_cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                env=dict(env, LANGUAGE='C', LC_ALL='C.UTF-8'))
    except subprocess.TimeoutExpired as e:
        print('timed out: %s' % e, file=sys.stderr)
        return False
    lines = client.stderr.splitlines()
    if (client.returncode != 1 or client.stdout or len(lines) != 1
            or lines[0].split(': ', 1)[-1] != UNTRUSTED):
        print('a client without --ca-file: status %d, stdout %r, stderr %r, want 1, %r, %r'
              % (client.returncode, client.stdout, client.stderr, '', '<program>: ' + UNTRUSTED),
              file=sys.stderr)
        return False
    return True


def run_pair(server_cmd, client_cmd, env, untrusting_cmd=None):
    """Runs the pair; first untrusting_cmd, when given, must be refused."""
    server = subprocess.Popen(server_cmd, stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = read_first_line(server)
        args = client_args(line.rstrip('\n')) if line and line.endswith('\n') else None
        if args is None:
            print('server did not announce where it listens: %r' % line, file=sys.stderr)
            return 1
        if untrusting_cmd is not None and not refused(untrusting_cmd + args, env):
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
    tls = '--tls' in argv
    argv = [a for a in argv if a not in ('--split', '--tls')]
    if '--' not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index('--')
    server_cmd = argv[:cut] + ['--count', '1'] + (['--split'] if split else [])
    client_cmd = argv[cut + 1:]
    untrusting_cmd = None
    if tls:
        missing = openssl_missing()
        if missing is not None:
            return missing

    tmpdir = tempfile.mkdtemp(prefix='qsock-fortune-')
    certdir = tempfile.mkdtemp(prefix='qsock-fortune-tls-')
    try:
        if tls:
            cert, key = os.path.join(certdir, 'server.pem'), os.path.join(certdir, 'server.key')
            make_certificate(cert, key)
            server_cmd += ['--cert', cert, '--key', key]
            untrusting_cmd = client_cmd + ['--tls']
            client_cmd = client_cmd + ['--tls', '--ca-file', cert]
        status = run_pair(server_cmd, client_cmd, dict(os.environ, TMPDIR=tmpdir), untrusting_cmd)
        left = os.listdir(tmpdir)
        if status == 0 and left:
            print('the server left %r in %s' % (left, tmpdir), file=sys.stderr)
            status = 1
        return status
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
        shutil.rmtree(certdir, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
