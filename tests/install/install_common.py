# tests/install/install_common.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# What the install tests share: running a command with a timeout, and an
# installed copy of a build directory, made with `meson install --destdir
# --no-rebuild` (it only copies, so it is safe while other tests run, and
# never rebuilds what they use) into a temporary folder, whose
# qsock-1.0.pc is relocated into that folder.

import json
import os
import shlex
import subprocess
import tempfile

TIMEOUT_S = 120

# Variables that could point a program into the build tree.
BUILD_TREE_VARIABLES = ('GI_TYPELIB_PATH', 'LD_LIBRARY_PATH', 'PYTHONPATH',
                        'PKG_CONFIG_PATH', 'XDG_DATA_DIRS')


def run(command, env=None, cwd=None):
    """Runs command, fails the test on a non-zero exit, returns stdout."""
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    if done.returncode != 0:
        raise AssertionError('%s exited with %d:\n%s%s' % (
            shlex.join(command), done.returncode, done.stdout, done.stderr))
    return done.stdout


def clean_env(**extra):
    """The environment minus anything that points into the build tree."""
    env = {k: v for k, v in os.environ.items() if k not in BUILD_TREE_VARIABLES}
    env.update(extra)
    return env


class InstalledCopy:
    """BUILDDIR installed into a temporary folder: `prefix` is the
    build's prefix, root(path) where an installed path is in the folder,
    `installed` the installed paths; cleanup() removes the folder."""

    def __init__(self, builddir, meson):
        self.builddir, self.meson = builddir, meson
        self.options = {o['name']: o['value'] for o in self.introspect('--buildoptions')}
        self.version = self.introspect('--projectinfo')['version']
        self.prefix = self.options['prefix']
        self.dirs = {name: os.path.join(self.prefix, self.options[name])
                     for name in ('libdir', 'includedir', 'datadir', 'localedir')}
        listing = self.introspect('--installed')
        self.installed = list(listing.values())
        # Symlinks made at install time are listed by their bare name.
        unbuilt = [built for built in listing
                   if os.path.isabs(built) and not os.path.exists(built)]
        if unbuilt:
            raise AssertionError('not built (run `meson compile -C %s` first): %s'
                                 % (builddir, ', '.join(unbuilt)))
        self.tmp = tempfile.TemporaryDirectory(prefix='qsock-install-')
        self.destdir = os.path.join(self.tmp.name, 'root')
        try:
            run([meson, 'install', '-C', builddir, '--destdir', self.destdir,
                 '--no-rebuild', '--quiet'])
            self.relocate_pkgconfig()
        except BaseException:
            self.cleanup()
            raise

    def introspect(self, what):
        return json.loads(run([self.meson, 'introspect', self.builddir, what]))

    def cleanup(self):
        self.tmp.cleanup()

    def root(self, path):
        """Where an installed path is in the temporary folder."""
        return self.destdir + path

    def relocate_pkgconfig(self):
        """Moves the installed qsock-1.0.pc's prefix into the temporary
        folder, as a packager's relocation does (pkg-config's sysroot
        setting would move glib's paths too)."""
        path = self.root(os.path.join(self.dirs['libdir'], 'pkgconfig', 'qsock-1.0.pc'))
        with open(path, encoding='utf-8') as pc:
            text = pc.read()
        prefix = 'prefix=%s\n' % self.prefix
        if not text.startswith(prefix):
            raise AssertionError('qsock-1.0.pc does not start with ' + prefix)
        with open(path, 'w', encoding='utf-8') as pc:
            pc.write('prefix=%s\n' % self.root(self.prefix) + text[len(prefix):])

    def installed_ending(self, suffix):
        return [path for path in self.installed if path.endswith(suffix)]
