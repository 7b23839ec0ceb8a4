#!/bin/sh
# scripts/install-deps.sh
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Installs the Debian 12 packages a command needs, in sets:
#
#   install-deps.sh build   what building qsock, its bindings and its
#                           examples needs (scripts/demo.sh)
#   install-deps.sh test    the build set plus what the whole test suite
#                           needs: gjs, valac, gi-docgen, the PyQt6 oracle,
#                           the Qt benchmark peer, the sanitizer runtimes,
#                           libsoup 3, glib-networking and openssl (the
#                           GIOStream view's consumers), and the proxy
#                           servers the proxy tests start (microsocks,
#                           tinyproxy, dante-server)
#                           (scripts/test.sh; also the default)
#
# Safe to run again: it only calls apt-get when a package is missing.
# When another apt or dpkg holds its lock (common right after a machine
# boots, while unattended-upgrades runs), it waits for it, saying so, for
# up to LOCK_TIMEOUT_S seconds. Must run as root (or via sudo).
set -eu

LOCK_TIMEOUT_S=600

# One package per line, so that additions merge cleanly.
BUILD_PACKAGES="
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
  glib-networking
  libgnutls28-dev
"

TEST_PACKAGES="
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
  libsoup-3.0-dev
  gir1.2-soup-3.0
  openssl
  microsocks
  tinyproxy
  dante-server
"

usage () {
  echo "usage: install-deps.sh [build|test]" >&2
  exit 2
}

[ $# -le 1 ] || usage
case "${1:-test}" in
  build) set_name="build"; packages=$BUILD_PACKAGES ;;
  test) set_name="test"; packages="$BUILD_PACKAGES $TEST_PACKAGES" ;;
  *) usage ;;
esac

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "install-deps: all $set_name packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive

# Runs apt-get with its arguments; while it fails because another apt or
# dpkg holds a lock, says so and tries again, until LOCK_TIMEOUT_S has
# passed. DPkg::Lock::Timeout makes apt-get itself wait for the dpkg lock;
# the package lists' lock (apt-get update) and the archives' lock need the
# retries.
apt_get () {
  log=$(mktemp)
  deadline=$(( $(date +%s) + LOCK_TIMEOUT_S ))
  said=""
  while :; do
    if $SUDO apt-get -o DPkg::Lock::Timeout="$LOCK_TIMEOUT_S" "$@" 2>"$log"; then
      cat "$log" >&2
      rm -f "$log"
      return 0
    fi
    if ! grep -q 'Could not get lock' "$log" || [ "$(date +%s)" -ge "$deadline" ]; then
      cat "$log" >&2
      rm -f "$log"
      return 1
    fi
    if [ -z "$said" ]; then
      echo "install-deps: waiting (up to ${LOCK_TIMEOUT_S}s) for another package manager to finish:"
      grep 'Could not get lock' "$log" | sed 's/^/  /'
      said=yes
    fi
    sleep 5
  done
}

echo "install-deps: installing the $set_name packages:$missing"
apt_get update -q
# shellcheck disable=SC2086
apt_get install -y -q --no-install-recommends $missing
echo "install-deps: done"
