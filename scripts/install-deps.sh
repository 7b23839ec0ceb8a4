#!/bin/sh
# scripts/install-deps.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Installs every Debian 12 package that building qsock, its tests (C, Python,
# gjs, Vala, the PyQt6 oracle) and its examples need. Safe to run again: it
# only calls apt-get when a package is missing. Must run as root (or via sudo).
set -eu

PACKAGES="
  build-essential
  pkg-config
  meson
  ninja-build
  gettext
  libglib2.0-dev
  libglib2.0-dev-bin
  gobject-introspection
  libgirepository1.0-dev
  gir1.2-glib-2.0
  python3
  python3-gi
  gjs
  valac
  gi-docgen
  python3-pyqt6
  qt6-base-dev
  libubsan1
  libasan8
  valgrind
  libtsan2
  clang
  libclang-rt-14-dev
  python3-matplotlib
"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
