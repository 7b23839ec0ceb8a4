#!/usr/bin/python3
# tests/install/test_newcomer.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The newcomer test: what a new user copies out of README.md works. The
# build is installed into a temporary folder (install_common.py); the
# README's ten-line examples (its c, python, js and vala code blocks) are
# written to hello.c, hello.py, hello.js and hello.vala, and the lines of
# its "Installing under a prefix" section that build and run them are run
# by /bin/sh after that section's environment block, whose prefix= line
# is pointed at the installed copy: nothing else is set, and nothing of
# the build tree is used. Each example must print `hello`, the reply of
# an echo server on a free loopback port (put in place of the README's
# 7777), and exit 0; with nothing listening there it must print only the
# error string, `Connection refused`, to stderr, and exit with 1. A
# language whose tool (cc, /usr/bin/python3, gjs, valac) is missing is
# skipped, unless CI=true: then it fails. Every command has a timeout.
#
# usage: test_newcomer.py BUILDDIR MESON README

import errno
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import unittest

from install_common import TIMEOUT_S, InstalledCopy, clean_env

BUILDDIR, MESON, README = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
del sys.argv[1:]

README_PORT = '7777'
# An example that has not finished by then hangs (a lost error, a loop
# that is never quit).
RUN_TIMEOUT_S = 30
# The fence language of each example, and the file the README builds it from.
EXAMPLES = {'c': 'hello.c', 'python': 'hello.py', 'js': 'hello.js', 'vala': 'hello.vala'}
FENCE = re.compile(r'^```(\w*)\n(.*?)^```$', re.M | re.S)


def section(text, heading):
    """The text of the README section `## heading`."""
    start = text.index('\n## %s\n' % heading)
    end = text.find('\n## ', start + 1)
    return text[start:end if end >= 0 else len(text)]


def fenced_blocks(text):
    """(language, code) of every fenced code block in text."""
    return [(match.group(1), match.group(2)) for match in FENCE.finditer(text)]


def under_ci():
    return os.environ.get('CI', '').lower() in ('true', '1', 'yes')


class EchoServer:
    """Sends back what each client sends, on one port of 127.0.0.1 and,
    when the host has IPv6, of ::1 (where `localhost` may go first)."""

    def __init__(self):
        self.listeners = None
        for _ in range(20):
            self.listeners = self.bind()
            if self.listeners:
                break
        if not self.listeners:
            raise AssertionError('no loopback port free on both 127.0.0.1 and ::1')
        self.port = self.listeners[0].getsockname()[1]
        for listener in self.listeners:
            threading.Thread(target=self.serve, args=(listener,), daemon=True).start()

    @staticmethod
    def bind():
        """Listeners on one port of both addresses, or None when ::1 has
        that port taken."""
        v4 = socket.create_server(('127.0.0.1', 0))
        try:
            v6 = socket.create_server(('::1', v4.getsockname()[1]), family=socket.AF_INET6)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                v4.close()
                return None
            return [v4]  # no IPv6 here
        return [v4, v6]

    @staticmethod
    def serve(listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with client:
                client.settimeout(TIMEOUT_S)
                try:
                    while data := client.recv(4096):
                        client.sendall(data)
                except OSError:
                    pass

    def close(self):
        for listener in self.listeners:
            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes up accept()
            except OSError:
                pass
            listener.close()


class NewcomerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(README, encoding='utf-8') as readme:
            text = readme.read()
        cls.sources = {}
        for language, code in fenced_blocks(section(text, 'Ten lines in each language')):
            if language in EXAMPLES:
                if language in cls.sources:
                    raise AssertionError('two %s examples in the README' % language)
                cls.sources[language] = code
        prefix_section = section(text, 'Installing under a prefix')
        shell = [code for language, code in fenced_blocks(prefix_section) if language == 'sh']
        environment = [code for code in shell if re.search(r'^export ', code, re.M)]
        commands = [code for code in shell if 'hello.c' in code]
        if len(environment) != 1 or len(commands) != 1:
            raise AssertionError('"Installing under a prefix" needs one sh block of exports '
                                 'and one that builds and runs hello.c and the others')
        cls.environment = environment[0]
        cls.commands = {}
        for line in commands[0].splitlines():
            for language, name in EXAMPLES.items():
                if re.search(r'\b%s\b' % re.escape(name), line):
                    cls.commands[language] = line
        cls.copy = InstalledCopy(BUILDDIR, MESON)
        cls.work = os.path.join(cls.copy.tmp.name, 'work')
        os.mkdir(cls.work)

    @classmethod
    def tearDownClass(cls):
        cls.copy.cleanup()

    def shell(self, line, timeout=TIMEOUT_S):
        """Runs line in /bin/sh after the README's environment block, with
        its prefix set to the installed copy's; returns the finished process."""
        prefix_line = re.compile(r'^prefix=\S+', re.M)
        self.assertEqual(len(prefix_line.findall(self.environment)), 1,
                         'the environment block sets prefix= once')
        prefix = 'prefix=' + shlex.quote(self.copy.root(self.copy.prefix))
        script = prefix_line.sub(lambda _: prefix, self.environment) + '\n' + line + '\n'
        try:
            return subprocess.run(['/bin/sh', '-e', '-c', script], cwd=self.work, env=clean_env(),
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            stderr = expired.stderr or b''  # bytes, whatever text= said
            if isinstance(stderr, bytes):
                stderr = stderr.decode(errors='replace')
            self.fail('`%s` did not finish in %d s; its stderr:\n%s' % (line, timeout, stderr))

    def check_tool(self, language, line):
        needs_typelib = language != 'c'
        if needs_typelib and not self.copy.options['introspection']:
            self.skipTest('built without introspection')
        tool = shlex.split(line)[0]
        missing = shutil.which(tool) is None
        if language == 'vala' and not self.copy.installed_ending('.vapi'):
            missing = True
            tool = 'valac (at build time: the build installs no VAPI)'
        if missing:
            if under_ci():
                self.fail('%s is missing, and CI=true' % tool)
            self.skipTest('%s is not installed' % tool)

    def run_example(self, language):
        self.assertIn(language, self.sources, 'README has no %s example' % language)
        self.assertIn(language, self.commands,
                      'README does not say how to run ' + EXAMPLES[language])
        line = self.commands[language]
        self.check_tool(language, line)
        code = self.sources[language]
        self.assertEqual(code.count(README_PORT), 1, 'the %s example names port %s once'
                         % (language, README_PORT))
        build, _, run_line = line.rpartition(' && ')
        server = EchoServer()
        try:
            path = os.path.join(self.work, EXAMPLES[language])
            with open(path, 'w', encoding='utf-8') as source:
                source.write(code.replace(README_PORT, str(server.port)))
            if build:
                done = self.shell(build)
                self.assertEqual(done.returncode, 0,
                                 '%s:\n%s%s' % (build, done.stdout, done.stderr))
            done = self.shell(run_line, RUN_TIMEOUT_S)
            self.assertEqual((done.returncode, done.stdout), (0, 'hello\n'), done.stderr)
        finally:
            server.close()
        # Nothing listens on the port now.
        done = self.shell(run_line, RUN_TIMEOUT_S)
        self.assertEqual((done.returncode, done.stdout, done.stderr),
                         (1, '', 'Connection refused\n'))

    def test_c(self):
        self.run_example('c')

    def test_python(self):
        self.run_example('python')

    def test_gjs(self):
        self.run_example('js')

    def test_vala(self):
        self.run_example('vala')

    def test_every_example_is_run(self):
        self.assertEqual(sorted(self.sources), sorted(EXAMPLES))
        self.assertEqual(sorted(self.commands), sorted(EXAMPLES))


if __name__ == '__main__':
    unittest.main(verbosity=2)
