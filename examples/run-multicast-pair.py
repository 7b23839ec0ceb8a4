#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs a multicast receiver and a multicast sender together and checks
that the receiver printed exactly what the sender says it sent ("SENT
<text>", as "RECEIVED <text>", in order) and that both exit 0. Used by
meson test.

usage: run-multicast-pair.py [--count N] RECEIVER-COMMAND -- SENDER-COMMAND
Both commands get "--group GROUP --port PORT --count N" appended (N is 3
unless given), the sender also "--interval 50". The receiver must print
"JOINED" first, once it is a member of the group; only then does the
sender start.

Multicast must really run: the host's lo may lack MULTICAST and a route
for the groups, so the script re-executes itself in a private user and
network namespace (`unshare -rn`) and there sets lo up with MULTICAST
and routes 224.0.0.0/4 through it. When no namespace can be made, it
exits 77 (skipped) and says why. Every step is bounded in time.
"""

import os
import shutil
import subprocess
import sys

from pair_common import TIMEOUT_S, read_first_line, run_second, stop, tagged

NETNS_ENV = 'QS_EXAMPLE_IN_NETNS'
GROUP = '239.255.43.21'
PORT = '45454'
SKIP = 77


def find_tool(name):
    """name in PATH, else in the sbin folders an unprivileged PATH lacks."""
    return shutil.which(name) or shutil.which(name, path='/usr/sbin:/sbin:/usr/bin:/bin')


def run_tool(argv):
    """Runs a tool; None when it exits 0, else why not."""
    tool = find_tool(argv[0])
    if tool is None:
        return '%s not found' % argv[0]
    try:
        done = subprocess.run([tool] + argv[1:], capture_output=True, text=True,
                              timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    if done.returncode != 0:
        return '%s exited with %d: %s' % (' '.join(argv), done.returncode, done.stderr.strip())
    return None


def enter_namespace(argv):
    """Re-executes this script under unshare -rn; returns (exit code 77)
    only when the namespace cannot be made."""
    why = run_tool(['unshare', '-rn', 'true'])
    if why is not None:
        print('SKIP: cannot create a private network namespace (%s)' % why, file=sys.stderr)
        return SKIP
    os.environ[NETNS_ENV] = '1'
    os.execv(find_tool('unshare'), ['unshare', '-rn', '--', sys.executable,
                                    os.path.abspath(__file__)] + argv)
    return 1  # not reached


def setup_namespace():
    """lo up with MULTICAST and the route for IPv4 groups; None or why not."""
    for argv in (['ip', 'link', 'set', 'lo', 'up', 'multicast', 'on'],
                 ['ip', 'route', 'add', '224.0.0.0/4', 'dev', 'lo']):
        why = run_tool(argv)
        if why is not None:
            return why
    return None


def run_pair(receiver_cmd, sender_cmd, count):
    common = ['--group', GROUP, '--port', PORT, '--count', str(count)]
    receiver = subprocess.Popen(receiver_cmd + common, stdout=subprocess.PIPE, text=True)
    try:
        line = read_first_line(receiver)
        if line != 'JOINED\n':
            print('the receiver did not print JOINED first: %r' % line, file=sys.stderr)
            return 1
        outputs = run_second(receiver, 'receiver', sender_cmd + common + ['--interval', '50'],
                             'sender')
        if outputs is None:
            return 1
        sender_output, output = outputs
        sent = tagged(sender_output, 'SENT')
        received = tagged(output, 'RECEIVED')
        sys.stdout.write(''.join(output))
        expected = ['Message %d' % n for n in range(1, count + 1)]
        if sent != expected:
            print('sender sent %r, expected %r' % (sent, expected), file=sys.stderr)
            return 1
        if received != sent or len(output) != count:
            print('receiver printed %r, sender sent %r' % (output, sent), file=sys.stderr)
            return 1
        return 0
    finally:
        stop(receiver)


def main(argv):
    count = 3
    if argv[:1] == ['--count'] and len(argv) > 1:
        count = int(argv[1])
        argv = argv[2:]
    if '--' not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index('--')

    if os.environ.get(NETNS_ENV) is None:
        return enter_namespace(['--count', str(count)] + argv)
    why = setup_namespace()
    if why is not None:
        print('cannot set lo up with MULTICAST and a 224.0.0.0/4 route in the '
              'namespace: %s' % why, file=sys.stderr)
        return 1
    return run_pair(argv[:cut], argv[cut + 1:], count)

if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
