#!/usr/bin/python3
# tests/install/test_install.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The install test: `meson install --destdir` of the already built build
# directory into a temporary folder (--no-rebuild: it only copies, so it
# is safe while other tests run, and never rebuilds what they use), then
# checks that everything meson lists as installed is there and in its
# standard place, and uses the installed copy the way an application
# would: builds hello-qsock.c with `pkg-config --cflags --libs qsock-1.0`
# and runs it, runs a Python and a gjs one-liner against the installed
# typelib (and the installed Python overrides, when the build has them)
# and, when the build installs a VAPI and valac is there, compiles and
# runs a Vala one-liner with `--pkg qsock-1.0`. Nothing outside the
# temporary folder is used from the build; the folder is removed at the
# end. Every command has a timeout.
#
# usage: test_install.py BUILDDIR MESON CC...

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

TIMEOUT_S = 120
HERE = os.path.dirname(os.path.abspath(__file__))
BUILDDIR, MESON = os.path.abspath(sys.argv[1]), sys.argv[2]
CC = sys.argv[3:]
del sys.argv[1:]


def run(command, env=None, cwd=None):
    """Runs command, fails the test on a non-zero exit, returns stdout."""
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=TIMEOUT_S)
    if done.returncode != 0:
        raise AssertionError('%s exited with %d:\n%s%s' % (
            shlex.join(command), done.returncode, done.stdout, done.stderr))
    return done.stdout


def introspect(what):
    return json.loads(run([MESON, 'introspect', BUILDDIR, what]))


def clean_env(**extra):
    """The environment minus anything that points into the build tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ('GI_TYPELIB_PATH', 'LD_LIBRARY_PATH', 'PYTHONPATH',
                        'PKG_CONFIG_PATH', 'XDG_DATA_DIRS')}
    env.update(extra)
    return env


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        options = {o['name']: o['value'] for o in introspect('--buildoptions')}
        cls.options = options
        cls.version = introspect('--projectinfo')['version']
        prefix = options['prefix']
        cls.dirs = {name: os.path.join(prefix, options[name])
                    for name in ('libdir', 'includedir', 'datadir', 'localedir')}
        listing = introspect('--installed')
        cls.installed = list(listing.values())
        # Symlinks made at install time are listed by their bare name.
        unbuilt = [built for built in listing
                   if os.path.isabs(built) and not os.path.exists(built)]
        if unbuilt:
            raise AssertionError('not built (run `meson compile -C %s` first): %s'
                                 % (BUILDDIR, ', '.join(unbuilt)))
        cls.tmp = tempfile.TemporaryDirectory(prefix='qsock-install-')
        cls.destdir = os.path.join(cls.tmp.name, 'root')
        run([MESON, 'install', '-C', BUILDDIR, '--destdir', cls.destdir,
             '--no-rebuild', '--quiet'])
        libdir = cls.root(cls.dirs['libdir'])
        cls.env = clean_env(LD_LIBRARY_PATH=libdir,
                            GI_TYPELIB_PATH=os.path.join(libdir, 'girepository-1.0'),
                            PKG_CONFIG_PATH=cls.relocated_pkgconfig())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def root(cls, path):
        """Where an installed path is in the temporary folder."""
        return cls.destdir + path

    @classmethod
    def relocated_pkgconfig(cls):
        """A copy of the installed qsock-1.0.pc whose prefix is inside the
        temporary folder, as a packager's relocation does (pkg-config's
        sysroot setting would move glib's paths too); returns its folder."""
        folder = os.path.join(cls.tmp.name, 'pkgconfig')
        os.makedirs(folder)
        installed = cls.root(os.path.join(cls.dirs['libdir'], 'pkgconfig', 'qsock-1.0.pc'))
        with open(installed, encoding='utf-8') as pc:
            text = pc.read()
        prefix = 'prefix=%s\n' % cls.options['prefix']
        if not text.startswith(prefix):
            raise AssertionError('qsock-1.0.pc does not start with ' + prefix)
        with open(os.path.join(folder, 'qsock-1.0.pc'), 'w', encoding='utf-8') as pc:
            pc.write('prefix=%s\n' % cls.root(cls.options['prefix']) + text[len(prefix):])
        return folder

    def installed_ending(self, suffix):
        return [path for path in self.installed if path.endswith(suffix)]

    def test_everything_listed_is_installed(self):
        for path in self.installed:
            self.assertTrue(os.path.exists(self.root(path)), path)

    def test_standard_places(self):
        libdir, includedir = self.dirs['libdir'], self.dirs['includedir']
        datadir, localedir = self.dirs['datadir'], self.dirs['localedir']
        expected = [
            os.path.join(libdir, 'libqsock-1.0.so'),
            os.path.join(libdir, 'libqsock-1.0.so.0'),
            os.path.join(libdir, 'pkgconfig', 'qsock-1.0.pc'),
        ] + [os.path.join(includedir, 'qsock-1.0', 'qsock', header)
             for header in ('qsock.h', 'qs-enum-types.h', 'qs-version.h', 'qs-tcp-socket.h')]
        if self.options['introspection']:
            expected += [os.path.join(datadir, 'gir-1.0', 'Qs-1.0.gir'),
                         os.path.join(libdir, 'girepository-1.0', 'Qs-1.0.typelib')]
        if self.options['docs']:
            expected += [os.path.join(datadir, 'doc', 'qsock-1.0', name)
                         for name in ('index.html', 'qsock-1.0.devhelp2',
                                      'class.TcpSocket.html', 'coming-from-qt.html')]
        with open(os.path.join(HERE, '..', '..', 'po', 'LINGUAS'), encoding='utf-8') as linguas:
            for lang in linguas.read().split('\n'):
                if lang.strip() and not lang.startswith('#'):
                    expected.append(os.path.join(localedir, lang.strip(), 'LC_MESSAGES', 'qsock.mo'))
        for path in expected:
            self.assertTrue(os.path.exists(self.root(path)), path)
        for vapi in self.installed_ending('.vapi'):
            self.assertEqual(vapi, os.path.join(datadir, 'vala', 'vapi', 'qsock-1.0.vapi'))
        for override in [path for path in self.installed if '/gi/overrides/' in path]:
            self.assertRegex(override, r'/(site|dist)-packages/gi/overrides/Qs\.py$')

    def test_c_program_with_pkg_config(self):
        flags = shlex.split(run(['pkg-config', '--cflags', '--libs', 'qsock-1.0'], env=self.env))
        self.assertIn('-I' + self.root(os.path.join(self.dirs['includedir'], 'qsock-1.0')), flags)
        program = os.path.join(self.tmp.name, 'hello-qsock')
        run(CC + [os.path.join(HERE, 'hello-qsock.c'), '-o', program] + flags, env=self.env)
        self.assertEqual(run([program], env=self.env), 'qsock %s: hello\n' % self.version)

    def typelib_env(self):
        if not self.options['introspection']:
            self.skipTest('built without introspection')
        env = dict(self.env)
        overrides = self.installed_ending('/gi/overrides/Qs.py')
        if overrides:
            env['PYTHONPATH'] = self.root(overrides[0][:-len('/gi/overrides/Qs.py')])
        return env, overrides

    def test_python_one_liner(self):
        env, overrides = self.typelib_env()
        out = run(['/usr/bin/python3', '-c',
                   "import sys, gi; gi.require_version('Qs', '1.0'); "
                   "gi.require_version('GIRepository', '2.0'); "
                   "from gi.repository import GIRepository, Qs; "
                   "print(GIRepository.Repository.get_default().get_typelib_path('Qs')); "
                   "print(Qs.TcpSocket.new().get_state().value_nick); "
                   "print(getattr(sys.modules.get('gi.overrides.Qs'), '__file__', None))"],
                  env=env)
        typelib = self.root(os.path.join(self.dirs['libdir'], 'girepository-1.0', 'Qs-1.0.typelib'))
        override = self.root(overrides[0]) if overrides else None
        self.assertEqual(out, '%s\nunconnected-state\n%s\n' % (typelib, override))

    def test_python_mismatched_overrides(self):
        """Overrides of another version first on PYTHONPATH fail the
        import, naming the installed overrides' directory as the fix."""
        env, overrides = self.typelib_env()
        if not overrides:
            self.skipTest('the build installs no Python overrides')
        other = os.path.join(self.tmp.name, 'other-site')
        os.makedirs(os.path.join(other, 'gi', 'overrides'))
        with open(self.root(overrides[0]), encoding='utf-8') as installed:
            text = installed.read()
        with open(os.path.join(other, 'gi', 'overrides', 'Qs.py'), 'w',
                  encoding='utf-8') as stale:
            stale.write(text.replace("_VERSION = '%s'" % self.version, "_VERSION = '0.0.1'"))
        env['PYTHONPATH'] = other + os.pathsep + env['PYTHONPATH']
        done = subprocess.run(['/usr/bin/python3', '-c', "import gi; gi.require_version('Qs', "
                               "'1.0'); from gi.repository import Qs"],
                              env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("ImportError: qsock's Python overrides 0.0.1", done.stderr)
        self.assertTrue(done.stderr.endswith(
            'PYTHONPATH=%s\n' % self.root(overrides[0][:-len('/gi/overrides/Qs.py')])),
            done.stderr)

    def test_gjs_one_liner(self):
        env, _ = self.typelib_env()
        gjs = shutil.which('gjs')
        if gjs is None:
            self.skipTest('gjs is not installed')
        out = run([gjs, '-c',
                   "imports.gi.versions.Qs = '1.0'; const {GIRepository, Qs} = imports.gi; "
                   "print(GIRepository.Repository.get_default().get_typelib_path('Qs')); "
                   "print(Qs.TcpSocket.new().get_state() === Qs.SocketState.UNCONNECTED_STATE);"],
                  env=env)
        typelib = self.root(os.path.join(self.dirs['libdir'], 'girepository-1.0', 'Qs-1.0.typelib'))
        self.assertEqual(out, '%s\ntrue\n' % typelib)

    def test_vala_one_liner(self):
        vapis = self.installed_ending('.vapi')
        valac = shutil.which('valac')
        if not vapis or valac is None:
            self.skipTest('the build installs no VAPI' if not vapis else 'valac is not installed')
        source = os.path.join(self.tmp.name, 'hello.vala')
        with open(source, 'w', encoding='utf-8') as hello:
            hello.write('void main () {\n'
                        '  var socket = new Qs.TcpSocket ();\n'
                        '  print ("%d\\n", (int) socket.get_state ());\n'
                        '}\n')
        program = os.path.join(self.tmp.name, 'hello-vala')
        run([valac, '--vapidir', self.root(os.path.dirname(vapis[0])), '--pkg', 'qsock-1.0',
             '-o', program, source], env=self.env, cwd=self.tmp.name)
        self.assertEqual(run([program], env=self.env), '0\n')


if __name__ == '__main__':
    unittest.main(verbosity=2)
