#!/bin/bash
# scripts/test.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# README command 2: installs the missing Debian packages, builds qsock
# with warnings as errors, runs the whole test suite (C, Python, gjs,
# Vala, the PyQt6 oracle, the examples), then builds again with
# AddressSanitizer and UndefinedBehaviorSanitizer and runs the C tests
# and the fuzzers' corpora there, runs the C tests under
# ThreadSanitizer, and fuzzes each libFuzzer harness for 60 s. Ends with
# one line "N passed, N failed[, N skipped]" computed from meson's test
# logs of all four builds; exits non-zero when a build or a test failed.
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
#    The fuzzers' corpora (suite fuzz) run there too.
configure _build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
  -Dintrospection=false || exit 1
meson compile -C _build-asan || exit 1
ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C _build-asan --suite c --suite fuzz --print-errorlogs --num-processes 2 || status=1

# 2b. The C tests under ThreadSanitizer: the blocks of shared read_bytes
#     GBytes come back from other threads (test-shared-bytes-threads).
#     Only reports inside GLib's uninstrumented code are suppressed.
configure _build-tsan -Dwerror=true -Db_sanitize=thread -Db_lundef=false \
  -Dintrospection=false || exit 1
meson compile -C _build-tsan || exit 1
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/c/tsan-suppressions.txt" \
  meson test -C _build-tsan --suite c --print-errorlogs --num-processes 2 || status=1

# 2c. Each libFuzzer harness fuzzes for 60 s (suite fuzz-run), built by
#     clang with ASan + UBSan and the library instrumented for coverage;
#     meson test builds only the harnesses. Crashing inputs are left in
#     _build-fuzz/tests/fuzz/ (see tests/fuzz/README.md).
CC=clang configure _build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
  -Db_lundef=false -Dintrospection=false -Dexamples=false \
  -Dc_args=-fsanitize=fuzzer-no-link || exit 1
ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C _build-fuzz --suite fuzz-run --print-errorlogs --num-processes 2 || status=1

# 3. The count line, from every build's logs.
/usr/bin/python3 - _build/meson-logs/testlog.json _build-asan/meson-logs/testlog.json \
  _build-tsan/meson-logs/testlog.json _build-fuzz/meson-logs/testlog.json <<'PY' || status=1
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
