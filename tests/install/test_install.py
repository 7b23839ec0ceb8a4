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
# end. Every command has a timeout (install_common.py). The README's
# examples are run against such a copy by test_newcomer.py.
#
# usage: test_install.py BUILDDIR MESON CC...

import os
import shlex
import shutil
import subprocess
import sys
import unittest

from install_common import TIMEOUT_S, InstalledCopy, clean_env, run

HERE = os.path.dirname(os.path.abspath(__file__))
BUILDDIR, MESON = os.path.abspath(sys.argv[1]), sys.argv[2]
CC = sys.argv[3:]
del sys.argv[1:]


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.copy = InstalledCopy(BUILDDIR, MESON)
        cls.options, cls.version = cls.copy.options, cls.copy.version
        cls.dirs, cls.installed = cls.copy.dirs, cls.copy.installed
        cls.tmp, cls.root = cls.copy.tmp, cls.copy.root
        cls.installed_ending = cls.copy.installed_ending
        libdir = cls.root(cls.dirs['libdir'])
        cls.env = clean_env(LD_LIBRARY_PATH=libdir,
                            GI_TYPELIB_PATH=os.path.join(libdir, 'girepository-1.0'),
                            PKG_CONFIG_PATH=os.path.join(libdir, 'pkgconfig'))

    @classmethod
    def tearDownClass(cls):
        cls.copy.cleanup()

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
