#!/bin/bash
# scripts/test.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# README command 2: installs the missing Debian packages, builds qsock
# with warnings as errors, runs the whole test suite (C, Python, gjs,
# Vala, the PyQt6 oracle, the examples), then builds again with
# AddressSanitizer and UndefinedBehaviorSanitizer and runs the C tests
# there. Ends with one line "N passed, N failed[, N skipped]" computed
# from meson's test logs; exits non-zero when a build or a test failed.
set -u

cd "$(dirname "$0")/.." || exit 1

./scripts/install-deps.sh test || exit 1

status=0

configure () {
  local dir=$1; shift
  if [ -d "$dir" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null || meson setup --wipe "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
}

# 1. The whole suite on a -Werror build.
configure _build -Dwerror=true -Ddocs=true -Dbench_peers=true || exit 1
meson compile -C _build || exit 1
meson test -C _build --print-errorlogs --num-processes 2 || status=1

# 2. The C tests again under ASan + UBSan: re-entrancy (unref, abort,
#    close from inside handlers) must be clean, and nothing may leak.
configure _build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
  -Dintrospection=false || exit 1
meson compile -C _build-asan || exit 1
ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C _build-asan --suite c --print-errorlogs --num-processes 2 || status=1

# 3. The count line, from both builds' logs.
/usr/bin/python3 - _build/meson-logs/testlog.json _build-asan/meson-logs/testlog.json <<'PY' || status=1
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding='utf-8').read().splitlines()
    except OSError:
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        result = json.loads(line).get('result')
        if result in ('OK', 'EXPECTEDFAIL'):
            passed += 1
        elif result == 'SKIP':
            skipped += 1
        else:
            failed += 1
summary = f'{passed} passed, {failed} failed'
if skipped:
    summary += f', {skipped} skipped'
print(summary)
sys.exit(1 if failed or passed == 0 else 0)
PY

exit $status
