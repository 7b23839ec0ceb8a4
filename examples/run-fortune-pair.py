#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a fortune server and a fortune client together and checks that
the client printed exactly the fortune the server says it sent ("SENT
<text>"), newline included and nothing else, and that both exit 0. Used by meson test and by scripts/demo.sh,
for the TCP pair and for the local-socket pair.

usage: run-fortune-pair.py [--split] [--tls] [--proxy socks5|http]
                           SERVER-COMMAND -- CLIENT-COMMAND
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

With --proxy (TCP only) a proxy server wanting a user and a password is
started on a free loopback port by tests/proxy_servers.py: microsocks
for socks5, tinyproxy for http. The client must first refuse a URL that
is not a proxy's (exit status 2, "<program>: not a proxy URL …"), then
fail through the proxy with a wrong password (exit status 1 and Qt's
text for that proxy); then the pair runs as above with
"--proxy socks5://USER:PASSWORD@127.0.0.1:<port>" (or http://…).
Skipped (77) when the proxy server cannot run,
or failed under CI=true.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

from pair_common import (SKIP, TIMEOUT_S, make_certificate, openssl_missing, proxy_servers,
                         read_first_line, run_second, stop, tagged)

UNTRUSTED = 'The certificate is self-signed, and untrusted'
PROXY_USER = 'fortune'
PROXY_PASSWORD = 's3cret.pass'  # tinyproxy's BasicAuth takes [-a-z0-9._] only
PROXY_SERVERS = {'socks5': proxy_servers.Microsocks, 'http': proxy_servers.Tinyproxy}
BAD_PROXY_URL = 'gopher://127.0.0.1:70'
# What a client says when the proxy rejects its password (Qt's texts).
WRONG_PASSWORD = {'socks5': 'Proxy authentication failed',
                  'http': 'Error communicating with HTTP proxy'}


def client_args(announcement):
    """The client's arguments for the server's first line, or None."""
    words = announcement.split(maxsplit=1)
    if len(words) == 2 and words[0] == 'PORT':
        return ['127.0.0.1', words[1]]
    if len(words) == 2 and words[0] == 'NAME':
        return [words[1]]
    return None


def fails(client_cmd, env, status, text):
    """Whether client_cmd failed as it must: exit status status, nothing
    on stdout, and one line on stderr, "<program>: <text>" (the
    untranslated text)."""
    try:
        client = subprocess.run(client_cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                                env=dict(env, LANGUAGE='C', LC_ALL='C.UTF-8'))
    except subprocess.TimeoutExpired as e:
        print('timed out: %s' % e, file=sys.stderr)
        return False
    lines = client.stderr.splitlines()
    if (client.returncode != status or client.stdout or len(lines) != 1
            or lines[0].split(': ', 1)[-1] != text):
        print('%s: status %d, stdout %r, stderr %r, want %d, %r, %r'
              % (' '.join(client_cmd), client.returncode, client.stdout, client.stderr, status,
                 '', '<program>: ' + text), file=sys.stderr)
        return False
    return True


def run_pair(server_cmd, client_cmd, env, failing=()):
    """Runs the pair; first each (command, status, text) of failing must
    fail so."""
    server = subprocess.Popen(server_cmd, stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = read_first_line(server)
        args = client_args(line.rstrip('\n')) if line and line.endswith('\n') else None
        if args is None:
            print('server did not announce where it listens: %r' % line, file=sys.stderr)
            return 1
        for failing_cmd, status, text in failing:
            if not fails(failing_cmd + args, env, status, text):
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


def proxy_url(kind, port, password):
    """The client's --proxy URL: kind://USER:PASSWORD@127.0.0.1:port."""
    return '%s://%s:%s@127.0.0.1:%d' % (kind, PROXY_USER, urllib.parse.quote(password, safe=''),
                                       port)


def main(argv):
    split = '--split' in argv
    tls = '--tls' in argv
    proxy = None
    if '--proxy' in argv[:-1]:
        at = argv.index('--proxy')
        proxy = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    argv = [a for a in argv if a not in ('--split', '--tls')]
    if '--' not in argv or proxy not in (None, *PROXY_SERVERS):
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index('--')
    server_cmd = argv[:cut] + ['--count', '1'] + (['--split'] if split else [])
    client_cmd = argv[cut + 1:]
    failing = []
    if tls:
        missing = openssl_missing()
        if missing is not None:
            return missing
    if proxy is None:
        return run_in_tmpdir(server_cmd, client_cmd, failing, tls)
    try:
        with PROXY_SERVERS[proxy](PROXY_USER, PROXY_PASSWORD) as proxy_server:
            failing += [(client_cmd + ['--proxy', BAD_PROXY_URL], 2,
                         'not a proxy URL (socks5:// or http://[USER:PASSWORD@]HOST:PORT): '
                         + BAD_PROXY_URL),
                        (client_cmd + ['--proxy', proxy_url(proxy, proxy_server.port, 'wrong')],
                         1, WRONG_PASSWORD[proxy])]
            client_cmd = client_cmd + ['--proxy',
                                       proxy_url(proxy, proxy_server.port, PROXY_PASSWORD)]
            return run_in_tmpdir(server_cmd, client_cmd, failing, tls)
    except proxy_servers.ServerUnavailable as e:
        print('SKIP: %s' % e)
        return SKIP


def run_in_tmpdir(server_cmd, client_cmd, failing, tls):
    """run_pair with TMPDIR a fresh directory that the server must leave
    empty; with a throwaway certificate when tls."""
    tmpdir = tempfile.mkdtemp(prefix='qsock-fortune-')
    certdir = tempfile.mkdtemp(prefix='qsock-fortune-tls-')
    try:
        if tls:
            cert, key = os.path.join(certdir, 'server.pem'), os.path.join(certdir, 'server.key')
            make_certificate(cert, key)
            server_cmd = server_cmd + ['--cert', cert, '--key', key]
            failing = failing + [(client_cmd + ['--tls'], 1, UNTRUSTED)]
            client_cmd = client_cmd + ['--tls', '--ca-file', cert]
        status = run_pair(server_cmd, client_cmd, dict(os.environ, TMPDIR=tmpdir), failing)
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
