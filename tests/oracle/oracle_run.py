#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs one oracle scenario through Qt and through qsock and compares.

    oracle_run.py SCENARIO            run both sides, compare the traces
    oracle_run.py --side qt SCENARIO  run one side, print its trace as JSON
    oracle_run.py --list              print the scenario names

Each side runs in a process of its own (PyQt6 and PyGObject never share
one), started with /usr/bin/python3. The test passes when both traces are
equal; it prints a unified diff of the two otherwise. When PyQt6 is not
installed the qsock side still runs (it must not fail) and the test is
reported skipped (exit status 77).

A trace is, per object label ("client", "server", "peer", "main"), the
list of what happened to that object in order: the calls the scenario
made, the signals with their arguments, the values it read back. Only the
order within one object is compared: the order between two objects'
signals depends on the kernel, in Qt as in qsock. After the last step
each side iterates its loop once more (SETTLE_END_MS), so that a late,
spurious signal shows in the trace.

Each side's stderr is read too: a CRITICAL on the qsock side (any log
domain: a g_return_if_fail() in qsock is one) fails the scenario, and the
Qsock domain's warnings must be Qt's warnings (qWarning()), in the same
order, once qsock's spelling is mapped to Qt's (QsTcpSocket::wait_for_x
to QTcpSocket::waitForX) and the few deliberate wording differences
(WARNING_WORDING) are set aside.

Under CI=true a missing PyQt6 fails the test instead of skipping it.

A scenario may raise unittest.SkipTest (a proxy server that cannot
start, tests/proxy_servers.py: under CI=true it raises a failure
instead): the test is skipped with the reason. A scenario function may
carry side_timeout_s (a side that must wait longer than SIDE_TIMEOUT_S)
and pending, a function saying whether qsock may not implement it yet
(then a difference is printed and the test reported skipped, not failed).
"""

import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
import unittest

SKIP = 77
SIDE_TIMEOUT_S = 60
SETTLE_END_MS = 100     # the loop runs this long after the last step

# GLib's default log handler: "(prog:pid): Domain-LEVEL **: hh:mm:ss.mmm: text"
GLIB_LOG = re.compile(r'^(?:\(.*?\): )?(?:(\S+)-)?(WARNING|CRITICAL|ERROR) \*\*: '
                      r'(?:\d+:\d+:\d+\.\d+: )?(.*)$')
# Qt's messages, through the pattern run_child() sets
QT_PATTERN = 'qt-%{type}: %{message}'
QT_LOG = re.compile(r'^qt-(warning|critical|fatal): (.*)$')

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


class Trace:
    """What a scenario saw, per object label."""

    def __init__(self):
        self.labels = {}
        # Consecutive bytes-written emissions of one object are summed
        # when set: how the kernel splits a large write is not Qt's choice.
        self.merge_bytes_written = False

    def _add(self, label, entry):
        tmp = os.environ.get('TMPDIR')
        if tmp:
            entry = entry.replace(tmp, '$TMPDIR')
        self.labels.setdefault(label, []).append(entry)

    def signal(self, label, name):
        entries = self.labels.get(label)
        if (self.merge_bytes_written and name.startswith('bytesWritten(')
                and entries and entries[-1].startswith('bytesWritten(')):
            total = int(entries[-1][13:-1]) + int(name[13:-1])
            entries[-1] = 'bytesWritten(%d)' % total
            return
        self._add(label, name)

    def call(self, label, text):
        self._add(label, 'call ' + text)

    def value(self, label, key, value):
        self._add(label, '%s = %r' % (key, value))


def side_main(side, name):
    """Run scenario name on one backend; print its trace as JSON."""
    if side == 'qt':
        try:
            import PyQt6.QtNetwork  # noqa: F401
        except ImportError as e:
            print('PyQt6 is not available: %s' % e, file=sys.stderr)
            return SKIP
    import oracle_backends
    from oracle_scenarios import SCENARIOS

    # The backend keeps every object alive until os._exit() below: their
    # destruction (at any garbage collection) would add signals.
    backend = oracle_backends.BACKENDS[side]()
    trace = Trace()
    error = None
    try:
        SCENARIOS[name](backend, trace)
        backend.settle(SETTLE_END_MS)
    except unittest.SkipTest as e:
        print('SKIP: %s' % e, file=sys.stderr)
        sys.stderr.flush()
        os._exit(SKIP)
    except Exception:  # the trace so far is printed with the failure
        error = traceback.format_exc()
    json.dump({'trace': trace.labels, 'error': error}, sys.stdout, indent=1)
    sys.stdout.write('\n')
    sys.stdout.flush()
    os._exit(0)


def run_child(side, name):
    """Run one side in a process of its own, with a $TMPDIR of its own."""
    from oracle_scenarios import SCENARIOS
    timeout = getattr(SCENARIOS[name], 'side_timeout_s', SIDE_TIMEOUT_S)
    tmp = tempfile.mkdtemp(prefix='qsock-oracle-')
    try:
        proc = subprocess.run(
            [sys.executable, os.path.abspath(__file__), '--side', side, name],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, TMPDIR=tmp, QT_MESSAGE_PATTERN=QT_PATTERN),
            timeout=timeout, check=False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if proc.stderr:
        sys.stderr.write('--- %s stderr ---\n%s' % (side, proc.stderr))
    if proc.returncode == SKIP:
        return None
    if proc.returncode != 0:
        raise SystemExit('%s side exited with status %d' % (side, proc.returncode))
    result = json.loads(proc.stdout)
    result['log'] = parse_log(proc.stderr)
    return result


def parse_log(stderr):
    """The warnings and criticals in a side's stderr, as (level, domain, text)."""
    log = []
    for line in stderr.splitlines():
        m = GLIB_LOG.match(line)
        if m:
            log.append((m.group(2).lower(), m.group(1) or '', m.group(3)))
            continue
        m = QT_LOG.match(line)
        if m:
            log.append((m.group(1), 'Qt', m.group(2)))
    return log


# Where qsock's warning deliberately words it otherwise, both sides are
# brought to one form: (pattern, replacement, reason).
WARNING_WORDING = (
    (r'\bQNativeSocketEngine::', 'QAbstractSocket::',
     'qsock has no public engine class; it names the socket'),
    (r'\bQ\w+::(\w+State)\b', r'\1',
     'Qt qualifies an enum value with its class'),
    (r'^QIODevice::readAll \(', 'QIODevice::read (',
     "Qt's readAll() warns under the name of read(), which it calls"),
)


def qt_spelling(text):
    """A qsock message in Qt's words: QsIODevice -> QIODevice, ::wait_for_x -> ::waitForX."""
    text = re.sub(r'\bQs(?=[A-Z])', 'Q', text)
    return re.sub(r'::([a-z]+(?:_[a-z]+)+)',
                  lambda m: '::' + re.sub(r'_([a-z])', lambda w: w.group(1).upper(),
                                          m.group(1)), text)


def comparable(text):
    for pattern, replacement, _reason in WARNING_WORDING:
        text = re.sub(pattern, replacement, text)
    return text


def check_logs(qs, qt):
    """Failures in the logs: qsock's criticals, and warnings not Qt's."""
    problems = ['qsock logged a %s: %s-%s: %s' % (level, domain, level.upper(), text)
                for level, domain, text in qs['log']
                if level in ('critical', 'error')]
    qs_warnings = [comparable(qt_spelling(text)) for level, domain, text in qs['log']
                   if level == 'warning' and domain == 'Qsock']
    if qt is None:
        return problems
    qt_warnings = [comparable(text) for level, domain, text in qt['log']
                   if level == 'warning']
    if qs_warnings != qt_warnings:
        problems.append('warnings differ (- Qt, + qsock in Qt\'s spelling):\n' +
                        '\n'.join(difflib.unified_diff(qt_warnings, qs_warnings, 'qt',
                                                        'qsock', lineterm='', n=100)))
    return problems


def render(trace):
    lines = []
    for label in sorted(trace):
        lines.append('[%s]' % label)
        lines.extend('  ' + entry for entry in trace[label])
    return lines


def compare_main(name):
    from oracle_scenarios import SCENARIOS
    failed = compare(name)
    pending = getattr(SCENARIOS[name], 'pending', None)
    if failed == 1 and pending is not None and pending():
        print('PENDING: qsock does not implement this yet; reported skipped')
        return SKIP
    return failed


def compare(name):
    qs = run_child('qsock', name)
    if qs is None:
        return SKIP     # the scenario skipped itself (its reason is above)
    qt = run_child('qt', name)
    failed = False
    for side, result in (('qsock', qs), ('qt', qt)):
        if result is not None and result['error']:
            print('%s side raised:\n%s' % (side, result['error']))
            failed = True
    for problem in check_logs(qs, qt):
        print(problem)
        failed = True
    if qt is None:
        print('\n'.join(render(qs['trace'])))
        if os.environ.get('CI') == 'true':
            print('FAIL: PyQt6 is not installed and CI=true: the oracle cannot run')
            return 1
        print('SKIP: PyQt6 is not installed; only the qsock side ran')
        return 1 if failed else SKIP
    qt_lines, qs_lines = render(qt['trace']), render(qs['trace'])
    if qt_lines != qs_lines:
        print('traces differ (- Qt, + qsock):')
        print('\n'.join(difflib.unified_diff(qt_lines, qs_lines, 'qt', 'qsock',
                                             lineterm='', n=100)))
        failed = True
    else:
        print('\n'.join(qt_lines))
    return 1 if failed else 0


def main(argv):
    from oracle_scenarios import SCENARIOS
    if argv[1:] == ['--list']:
        print('\n'.join(SCENARIOS))
        return 0
    if len(argv) == 4 and argv[1] == '--side':
        return side_main(argv[2], argv[3])
    if len(argv) == 2 and argv[1] in SCENARIOS:
        return compare_main(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
