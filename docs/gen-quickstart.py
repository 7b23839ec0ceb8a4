#!/usr/bin/python3
# docs/gen-quickstart.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds a quick-start page of the reference from a Markdown template, the
# README and the example sources it names, so that the code in the docs
# is code that the test suite runs. Template directives:
#
#     [[readme c]]
#         a line of its own: the README's ten-line example in that fence
#         language (c, python, js, vala), which tests/install/
#         test_newcomer.py builds and runs
#     [[excerpt examples/c/fortune-common.c from "TEXT" to "TEXT"]]
#         a line of its own: the lines of that file from the first one
#         holding the first TEXT to the next one holding the second,
#         dedented, as a code block captioned with a link to the file
#     [[link examples/c/fortune-client.c]]
#         anywhere in a line: a link to that file in the source browser
#
# Every file named must be one of the FILE arguments, which meson also
# tracks as the target's inputs: a page is rebuilt whenever a file it
# shows changes, and a directive whose file or text is gone fails the
# build.
#
# usage: gen-quickstart.py OUTPUT SRCROOT SOURCE-URL TEMPLATE README FILE...

import os
import re
import sys
import textwrap

FENCE_LANGUAGES = {'.c': 'c', '.h': 'c', '.py': 'python', '.js': 'js', '.vala': 'vala'}
README_SECTION = '## Ten lines in each language'
README = re.compile(r'^\[\[readme (\w+)\]\]$')
EXCERPT = re.compile(r'^\[\[excerpt (\S+) from "([^"]+)" to "([^"]+)"\]\]$')
LINK = re.compile(r'\[\[link (\S+)\]\]')
FENCE = re.compile(r'^```(\w*)\n(.*?)^```$', re.M | re.S)


class TemplateError(Exception):
    pass


class Page:
    def __init__(self, srcroot, source_url, readme, allowed):
        self.srcroot, self.source_url, self.allowed = srcroot, source_url, allowed
        with open(readme, encoding='utf-8') as text:
            section = text.read().partition(README_SECTION)[2].partition('\n## ')[0]
        self.examples = {}
        for match in FENCE.finditer(section):
            self.examples.setdefault(match.group(1), match.group(2))

    def path(self, relative):
        path = os.path.realpath(os.path.join(self.srcroot, relative))
        if path not in self.allowed:
            raise TemplateError('%s is not among the listed inputs' % relative)
        return path

    def link(self, relative):
        self.path(relative)
        return '[`%s`](%s%s)' % (relative, self.source_url, relative)

    def readme(self, language):
        if language not in self.examples:
            raise TemplateError('README.md has no %s example' % language)
        return '```%s\n%s```\n' % (language, self.examples[language])

    def excerpt(self, relative, first, last):
        path = self.path(relative)
        with open(path, encoding='utf-8') as source:
            lines = source.read().splitlines(keepends=True)
        start = next((i for i, line in enumerate(lines) if first in line), None)
        if start is None:
            raise TemplateError('%s has no line with "%s"' % (relative, first))
        end = next((i for i in range(start, len(lines)) if last in lines[i]), None)
        if end is None:
            raise TemplateError('%s has no line with "%s" after "%s"' % (relative, last, first))
        language = FENCE_LANGUAGES[os.path.splitext(path)[1]]
        code = textwrap.dedent(''.join(lines[start:end + 1]))
        return 'From %s:\n\n```%s\n%s```\n' % (self.link(relative), language, code)

    def expand(self, line):
        match = README.match(line.rstrip('\n'))
        if match:
            return self.readme(match.group(1))
        match = EXCERPT.match(line.rstrip('\n'))
        if match:
            return self.excerpt(*match.groups())
        return LINK.sub(lambda link: self.link(link.group(1)), line)


def main(argv):
    if len(argv) < 6:
        print('usage: gen-quickstart.py OUTPUT SRCROOT SOURCE-URL TEMPLATE README FILE...',
              file=sys.stderr)
        return 2
    output, srcroot, source_url, template, readme = argv[1:6]
    page = Page(srcroot, source_url, readme, {os.path.realpath(f) for f in argv[6:]})
    try:
        with open(template, encoding='utf-8') as text:
            lines = [page.expand(line) for line in text]
    except TemplateError as error:
        print('%s: %s' % (template, error), file=sys.stderr)
        return 1
    with open(output, 'w', encoding='utf-8') as text:
        text.writelines(lines)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
