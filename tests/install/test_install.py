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
# end. Every command has a timeout. Under CI=true a missing gjs or valac
# fails its one-liner instead of skipping it.
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
# What the install must hold, written out rather than read back from what
# was installed (tests/install/meson.build explains the test).
PUBLIC_HEADERS = (
    'qsock.h', 'qs-version.h', 'qs-version-macros.h', 'qs-enums.h', 'qs-enum-types.h',
    'qs-io-device.h', 'qs-abstract-socket.h', 'qs-tcp-socket.h', 'qs-tcp-server.h',
    'qs-udp-socket.h', 'qs-local-socket.h', 'qs-local-server.h', 'qs-network-datagram.h',
)
OVERRIDES = re.compile(r'/lib/python3[.0-9]*/(dist|site)-packages/gi/overrides/Qs\.py$')
DOC_PAGES = (
    'index.html', 'qsock-1.0.devhelp2', 'class.TcpSocket.html', 'class.LocalServer.html',
    'coming-from-qt.html', 'robustness.html',
)
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

    def skip_unless_ci(self, reason):
        """Skips, except under CI=true, where a missing tool is a failure."""
        if os.environ.get('CI') == 'true':
            self.fail(reason + ' (CI=true: nothing may be skipped)')
        self.skipTest(reason)

    def installed_ending(self, suffix):
        return [path for path in self.installed if path.endswith(suffix)]

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
        vapis = self.installed_ending('.vapi')
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
