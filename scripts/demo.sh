#!/bin/bash
# scripts/demo.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# README command 1: installs the missing Debian packages the build needs,
# builds qsock and runs the demo: the fortune server and client (Qt's
# fortune example, re-done with qsock in C) talk over loopback and the
# fortune is printed. Meson's output goes to _build/meson-logs/demo.log;
# the terminal gets a line per step and the build's progress, and the
# log's end when a step fails.
set -euo pipefail

cd "$(dirname "$0")/.."

./scripts/install-deps.sh build

log=_build/meson-logs/demo.log

failed () {
  echo "demo: failed: $*; the end of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
}

# Prints ninja's "[done/total]" progress as a line per quarter.
progress () {
  awk -F'[][/]' '/^\[[0-9]+\/[0-9]+\]/ {
      quarter = int(4 * $2 / $3)
      if (quarter > shown) { printf "demo: built %d of %d steps\n", $2, $3; shown = quarter }
      fflush()
    }'
}

mkdir -p _build/meson-logs
: >"$log"
if [ -d _build/meson-private ]; then
  echo "demo: configuring _build again (meson setup --reconfigure)"
  meson setup --reconfigure _build >>"$log" 2>&1 || failed meson setup --reconfigure _build
else
  echo "demo: configuring _build (meson setup)"
  meson setup _build >>"$log" 2>&1 || failed meson setup _build
fi
echo "demo: compiling qsock, its tests and examples (meson compile; about a minute on two cores)"
meson compile -C _build 2>&1 | tee -a "$log" | progress || failed meson compile -C _build

echo "qsock fortune demo: fortune-server and fortune-client over 127.0.0.1"
/usr/bin/python3 examples/run-fortune-pair.py \
  _build/examples/fortune-server -- _build/examples/fortune-client
