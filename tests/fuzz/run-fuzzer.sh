#!/bin/sh
# tests/fuzz/run-fuzzer.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: run-fuzzer.sh FUZZER WORK-FOLDER CORPUS-FOLDER [LIBFUZZER-OPTION...]
# Fuzzes with the repository's corpus as seeds. libFuzzer writes the new
# inputs it finds to its first corpus folder, which must exist: that is
# WORK-FOLDER, in the build tree, so the repository's corpus is only read.
set -eu
fuzzer=$1
work=$2
corpus=$3
shift 3
mkdir -p "$work"
exec "$fuzzer" "$@" "$work" "$corpus"
