#!/bin/bash
# scripts/demo.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# README command 1: installs the missing Debian packages, builds qsock and
# runs the demo: the fortune server and client (Qt's fortune example,
# re-done with qsock in C) talk over loopback and the fortune is printed.
set -eu

cd "$(dirname "$0")/.."

./scripts/install-deps.sh

if [ -d _build ]; then
  meson setup --reconfigure _build >/dev/null
else
  meson setup _build >/dev/null
fi
meson compile -C _build >/dev/null

echo "qsock fortune demo: fortune-server and fortune-client over 127.0.0.1"
/usr/bin/python3 examples/run-fortune-pair.py \
  _build/examples/fortune-server -- _build/examples/fortune-client
