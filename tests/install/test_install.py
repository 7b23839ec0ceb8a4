#!/usr/bin/python3
# tests/install/test_install.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The install test: `meson install --destdir` of the already built build
# directory into a temporary folder (--no-rebuild: it only copies, so it
# is safe while other tests run, and never rebuilds what they use), then
# checks that exactly a fixed list of files is installed (the library and
# its soname links, the headers, the .pc, GIR, typelib, VAPI, Python
# overrides, the catalogue, the docs' main pages), and uses the installed
# copy the way an application would: builds hello-qsock.c with
# `pkg-config --cflags --libs qsock-1.0` and runs it, runs a Python and a
# gjs one-liner against the installed typelib (and the installed Python
# overrides) and, when the build installs a VAPI and valac is there, compiles and
# runs a Vala one-liner with `--pkg qsock-1.0`. Nothing outside the
# temporary folder is used from the build; the folder is removed at the
# end. Every command has a timeout (install_common.py). Under CI=true a
# missing gjs or valac fails its one-liner instead of skipping it. The
# README's examples are run against such a copy by test_newcomer.py.
#
# usage: test_install.py BUILDDIR MESON CC...

import os
import re
import shlex
import shutil
import subprocess
import sys
import unittest

from install_common import TIMEOUT_S, InstalledCopy, clean_env, run

# What the install must hold, written out rather than read back from what
# was installed (tests/install/meson.build explains the test).
PUBLIC_HEADERS = (
    'qsock.h', 'qs-version.h', 'qs-version-macros.h', 'qs-enums.h', 'qs-enum-types.h',
    'qs-io-device.h', 'qs-abstract-socket.h', 'qs-tcp-socket.h', 'qs-tcp-server.h',
    'qs-udp-socket.h', 'qs-local-socket.h', 'qs-local-server.h', 'qs-network-datagram.h',
    'qs-ssl-socket.h', 'qs-ssl-server.h', 'qs-network-proxy.h', 'qs-authenticator.h',
)
OVERRIDES = re.compile(r'/lib/python3[.0-9]*/(dist|site)-packages/gi/overrides/Qs\.py$')
DOC_PAGES = (
    'index.html', 'qsock-1.0.devhelp2', 'class.TcpSocket.html', 'class.LocalServer.html',
    'coming-from-qt.html', 'robustness.html', 'architecture.html', 'performance.html',
    'gio-and-libsoup.html', 'tls.html',
)
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
        cls.tmp, cls.root, cls.destdir = cls.copy.tmp, cls.copy.root, cls.copy.destdir
        libdir = cls.root(cls.dirs['libdir'])
        cls.env = clean_env(LD_LIBRARY_PATH=libdir,
                            GI_TYPELIB_PATH=os.path.join(libdir, 'girepository-1.0'),
                            PKG_CONFIG_PATH=os.path.join(libdir, 'pkgconfig'))

    @classmethod
    def tearDownClass(cls):
        cls.copy.cleanup()

    def skip_unless_ci(self, reason):
        """Skips, except under CI=true, where a missing tool is a failure."""
        if os.environ.get('CI') == 'true':
            self.fail(reason + ' (CI=true: nothing may be skipped)')
        self.skipTest(reason)

    def test_everything_listed_is_installed(self):
        for path in self.installed:
            self.assertTrue(os.path.exists(self.root(path)), path)

    def expected_files(self):
        """The fixed list: {path: symlink target or None for a file}."""
        libdir, includedir = self.dirs['libdir'], self.dirs['includedir']
        datadir, localedir = self.dirs['datadir'], self.dirs['localedir']
        expected = {
            os.path.join(libdir, 'libqsock-1.0.so'): 'libqsock-1.0.so.0',
            os.path.join(libdir, 'libqsock-1.0.so.0'): 'libqsock-1.0.so.0.0.0',
            os.path.join(libdir, 'libqsock-1.0.so.0.0.0'): None,
            os.path.join(libdir, 'pkgconfig', 'qsock-1.0.pc'): None,
            os.path.join(localedir, 'de', 'LC_MESSAGES', 'qsock.mo'): None,
        }
        expected.update((os.path.join(includedir, 'qsock-1.0', 'qsock', header), None)
                        for header in PUBLIC_HEADERS)
        if self.options['introspection']:
            expected[os.path.join(datadir, 'gir-1.0', 'Qs-1.0.gir')] = None
            expected[os.path.join(libdir, 'girepository-1.0', 'Qs-1.0.typelib')] = None
            # vapigen runs whenever valac is there (bindings/vala)
            if shutil.which('valac') or os.environ.get('CI') == 'true':
                for name in ('qsock-1.0.vapi', 'qsock-1.0.deps'):
                    expected[os.path.join(datadir, 'vala', 'vapi', name)] = None
        return expected

    def installed_tree(self):
        """Every file and symlink in the temporary folder, as installed paths."""
        found = {}
        for folder, _dirs, files in os.walk(self.destdir):
            for name in files:
                path = os.path.join(folder, name)
                found[path[len(self.destdir):]] = (
                    os.readlink(path) if os.path.islink(path) else None)
        return found

    def test_fixed_list(self):
        """Exactly the fixed list is installed: no file missing, none astray.
        The docs folder and the Python overrides are checked apart."""
        found = self.installed_tree()
        docdir = os.path.join(self.dirs['datadir'], 'doc', 'qsock-1.0', '')
        overrides = [path for path in found if OVERRIDES.search(path)]
        rest = {path: target for path, target in found.items()
                if not path.startswith(docdir) and path not in overrides}
        expected = self.expected_files()
        self.assertEqual(sorted(set(expected) - set(rest)), [], 'missing')
        self.assertEqual(sorted(set(rest) - set(expected)), [], 'not in the list')
        self.assertEqual(rest, expected, 'symlink targets')
        self.assertEqual(len(overrides), 1 if self.options['introspection'] else 0, overrides)
        for path in overrides:
            self.assertTrue(path.startswith(os.path.join(self.options['prefix'], '')), path)
        docs = [path for path in found if path.startswith(docdir)]
        if not self.options['docs']:
            self.assertEqual(docs, [])
            return
        self.assertEqual([name for name in DOC_PAGES if docdir + name not in docs], [])

    def test_library_soname(self):
        library = self.root(os.path.join(self.dirs['libdir'], 'libqsock-1.0.so.0.0.0'))
        dynamic = run(['readelf', '--dynamic', library])
        self.assertIn('Library soname: [libqsock-1.0.so.0]', dynamic)

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
        overrides = self.copy.installed_ending('/gi/overrides/Qs.py')
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
            self.skip_unless_ci('gjs is not installed')
        out = run([gjs, '-c',
                   "imports.gi.versions.Qs = '1.0'; const {GIRepository, Qs} = imports.gi; "
                   "print(GIRepository.Repository.get_default().get_typelib_path('Qs')); "
                   "print(Qs.TcpSocket.new().get_state() === Qs.SocketState.UNCONNECTED_STATE);"],
                  env=env)
        typelib = self.root(os.path.join(self.dirs['libdir'], 'girepository-1.0', 'Qs-1.0.typelib'))
        self.assertEqual(out, '%s\ntrue\n' % typelib)

    def test_vala_one_liner(self):
        if not self.options['introspection']:
            self.skipTest('built without introspection')
        vapis = self.copy.installed_ending('.vapi')
        valac = shutil.which('valac')
        if not vapis or valac is None:
            self.skip_unless_ci('the build installs no VAPI' if not vapis
                                else 'valac is not installed')
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
