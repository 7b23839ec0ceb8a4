# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the example drivers share (run-fortune-pair.py,
run-multicast-pair.py, run-https-get.py): a first program that keeps
running (a server, a receiver) while a second one runs to its end (a
client, a sender), both bounded in time and both required to exit 0,
the tagged lines ("SENT <text>") they print, a throwaway TLS
certificate made with the `openssl` command, and the tests' proxy
servers (tests/proxy_servers.py, as proxy_servers)."""

import os
import shutil
import subprocess
import sys
import threading

# The tests' proxy servers (microsocks, tinyproxy), started on a free
# loopback port with a configuration in a temporary folder.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                'tests'))
import proxy_servers  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

TIMEOUT_S = 20
SKIP = 77  # meson's exit status of a skipped test


def openssl_missing():
    """None when the `openssl` command is there; otherwise, once it has
    said so, the exit status: skipped, or failed under CI=true."""
    if shutil.which('openssl') is not None:
        return None
    if os.environ.get('CI') == 'true':
        print('openssl is missing, and CI=true', file=sys.stderr)
        return 1
    print('SKIP: openssl is missing')
    return SKIP


def make_certificate(cert, key):
    """A throwaway self-signed certificate for localhost and 127.0.0.1
    (PEM files cert and key): the client trusts it as its own CA through
    --ca-file."""
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt',
                    'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
                    '-days', '2', '-subj', '/CN=localhost',
                    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=TIMEOUT_S)


def read_first_line(process, timeout=TIMEOUT_S):
    """The first line of process's stdout (newline included), or None if
    none came within timeout seconds; the process is then killed."""
    got = []
    reader = threading.Thread(target=lambda: got.append(process.stdout.readline()),
                              daemon=True)
    reader.start()
    reader.join(timeout)
    if reader.is_alive():
        stop_process(process)
        reader.join(TIMEOUT_S)
        print('no first line within %d s' % timeout, file=sys.stderr)
        return None
    return got[0]


def tagged(lines, tag):
    """The text after "<tag> " of each line that has it."""
    return [line[len(tag) + 1:].rstrip('\n') for line in lines if line.startswith(tag + ' ')]


def run_second(first, first_name, second_cmd, second_name, env=None):
    """Runs second_cmd to its end, then waits for first (a Popen with
    stdout piped); both must exit 0 within TIMEOUT_S. Returns the second
    program's stdout and the rest of the first's, as lists of lines, or
    None once it has said on stderr what went wrong."""
    try:
        second = subprocess.run(second_cmd, capture_output=True, text=True,
                                timeout=TIMEOUT_S, env=env)
        sys.stderr.write(second.stderr)
        if second.returncode != 0:
            print('%s exited with %d' % (second_name, second.returncode), file=sys.stderr)
            return None
        if first.wait(timeout=TIMEOUT_S) != 0:
            print('%s exited with %d' % (first_name, first.returncode), file=sys.stderr)
            return None
    except subprocess.TimeoutExpired as e:
        print('timed out: %s' % e, file=sys.stderr)
        return None
    return second.stdout.splitlines(True), first.stdout.readlines()


def stop_process(process):
    """Kills process if it still runs and reaps it."""
    if process.poll() is None:
        process.kill()
        process.wait()


def stop(process):
    """Kills process if it still runs, reaps it and closes its stdout."""
    stop_process(process)
    process.stdout.close()
