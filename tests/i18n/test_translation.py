#!/usr/bin/python3
# tests/i18n/test_translation.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# qsock's error strings in German (po/de.po), read through the GIR. Run
# by meson (po/meson.build) with LANGUAGE=de, LC_ALL=C.UTF-8 (glibc
# honours LANGUAGE in every locale but "C"/"POSIX", so no de_DE locale
# needs to be generated), QSOCK_TEST_CATALOGUE naming the build's
# compiled po/de.po and QSOCK_TEST_SRCROOT the source tree. Nothing is
# installed: the library binds its domain to the installed LOCALEDIR once,
# when its first class is made; the test then binds it again, through the
# C library's bindtextdomain(), to a temporary locale tree holding the
# catalogue as de/LC_MESSAGES/qsock.mo. The last test
# checks that po/POTFILES.in names every source file with marked strings
# and that po/de.po translates every one of those strings.

import locale
import os
import shutil
import socket
import subprocess
import tempfile
import unittest

import gi

gi.require_version('Qs', '1.0')
from gi.repository import GLib, Qs  # noqa: E402

TIMEOUT_MS = 5000


def run_until(predicate):
    """Iterate the default context until predicate() or fail at the deadline."""
    context = GLib.MainContext.default()
    expired = []
    source = GLib.timeout_source_new(TIMEOUT_MS)
    source.set_callback(lambda *args: expired.append(True) or GLib.SOURCE_REMOVE)
    source.attach(context)
    try:
        while not predicate() and not expired:
            context.iteration(True)
    finally:
        source.destroy()
    if not predicate():
        raise AssertionError('timed out after %d ms' % TIMEOUT_MS)


def refused_error(qs_socket, connect):
    """Calls connect() and returns (error, error-string) of the socket's
    one error-occurred."""
    errors = []
    qs_socket.connect('error-occurred', lambda s, error: errors.append(
        (error, s.get_error_string())))
    connect()
    run_until(lambda: errors)
    return errors[0]


class TranslationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.localedir = tempfile.TemporaryDirectory()
        messages = os.path.join(cls.localedir.name, 'de', 'LC_MESSAGES')
        os.makedirs(messages)
        shutil.copyfile(os.environ['QSOCK_TEST_CATALOGUE'], os.path.join(messages, 'qsock.mo'))
        locale.setlocale(locale.LC_ALL, '')
        # Makes QsIODevice's class, whose class_init binds the domain.
        Qs.TcpSocket.new()
        locale.bindtextdomain('qsock', cls.localedir.name)

    @classmethod
    def tearDownClass(cls):
        cls.localedir.cleanup()

    def test_environment(self):
        self.assertEqual(os.environ.get('LANGUAGE'), 'de')
        self.assertEqual(locale.setlocale(locale.LC_MESSAGES), 'C.UTF-8')

    def test_unknown_error_before_any_error(self):
        self.assertEqual(Qs.TcpSocket.new().get_error_string(), 'Unbekannter Fehler')

    def test_tcp_connection_refused(self):
        # A bound socket that does not listen refuses connections.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
            closed.bind(('127.0.0.1', 0))
            tcp = Qs.TcpSocket.new()
            error = refused_error(tcp, lambda: tcp.connect_to_host(
                '127.0.0.1', closed.getsockname()[1], Qs.OpenMode.READ_WRITE,
                Qs.NetworkLayerProtocol.ANY_IP_PROTOCOL))
        self.assertEqual(error, (Qs.SocketError.CONNECTION_REFUSED_ERROR,
                                 'Verbindung verweigert'))
        self.assertEqual(tcp.props.error_string, 'Verbindung verweigert')

    def test_local_connection_refused(self):
        # The Qt function's name stays English; the rest is translated.
        with tempfile.TemporaryDirectory() as folder, \
                socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as closed:
            path = os.path.join(folder, 'refusing')
            closed.bind(path)
            local = Qs.LocalSocket.new()
            error = refused_error(local, lambda: local.connect_to_server(
                path, Qs.OpenMode.READ_WRITE))
        self.assertEqual(error, (Qs.LocalSocketError.CONNECTION_REFUSED_ERROR,
                                 'QLocalSocket::connectToServer: '
                                 'Der Verbindungsaufbau wurde verweigert'))

    def test_catalog_complete(self):
        srcroot = os.environ['QSOCK_TEST_SRCROOT']
        po = os.path.join(srcroot, 'po')
        with open(os.path.join(po, 'POTFILES.in'), encoding='utf-8') as potfiles:
            listed = sorted(line.strip() for line in potfiles
                            if line.strip() and not line.startswith('#'))
        marked = []
        for name in sorted(os.listdir(os.path.join(srcroot, 'qsock'))):
            if name.endswith('.c'):
                with open(os.path.join(srcroot, 'qsock', name), encoding='utf-8') as source:
                    if '_("' in source.read():
                        marked.append('qsock/' + name)
        self.assertEqual(listed, marked, 'po/POTFILES.in must list every file using _()')
        with tempfile.TemporaryDirectory() as folder:
            pot = os.path.join(folder, 'qsock.pot')
            subprocess.run(['xgettext', '--from-code=UTF-8', '--language=C',
                            '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2',
                            '--keyword=NC_:1c,2', '--output', pot] + listed,
                           cwd=srcroot, check=True, timeout=60)
            compared = subprocess.run(['msgcmp', os.path.join(po, 'de.po'), pot],
                                      capture_output=True, text=True, timeout=60)
        self.assertEqual(compared.returncode, 0,
                         'po/de.po lacks translations (meson compile -C <builddir> '
                         'qsock-update-po, then translate):\n' + compared.stderr)


if __name__ == '__main__':
    unittest.main(verbosity=2)
