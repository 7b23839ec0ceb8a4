#!/usr/bin/python3
# docs/gen-quickstart.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Builds a quick-start page of the reference from a Markdown template and
# the example sources it names, so that the code in the docs is the code
# that the test suite runs. A template line of the form
#
#     [[include examples/c/fortune-client.c]]
#
# becomes a fenced code block holding that file (its path relative to
# SRCROOT). Every included file must be one of the FILE arguments, which
# meson also tracks as the target's inputs: a page is rebuilt whenever an
# example it shows changes.
#
# usage: gen-quickstart.py TEMPLATE OUTPUT SRCROOT FILE...

import os
import re
import sys

FENCE_LANGUAGES = {'.c': 'c', '.h': 'c', '.py': 'python', '.js': 'js', '.vala': 'vala'}
INCLUDE = re.compile(r'^\[\[include (\S+)\]\]$')


def fenced(path, relative):
    """The file at path as a Markdown code block, captioned with its name."""
    language = FENCE_LANGUAGES[os.path.splitext(path)[1]]
    with open(path, encoding='utf-8') as source:
        code = source.read().rstrip('\n')
    return '`%s`:\n\n```%s\n%s\n```\n' % (relative, language, code)


def main(argv):
    if len(argv) < 4:
        print('usage: gen-quickstart.py TEMPLATE OUTPUT SRCROOT FILE...', file=sys.stderr)
        return 2
    template, output, srcroot = argv[1:4]
    allowed = {os.path.realpath(f) for f in argv[4:]}
    lines = []
    with open(template, encoding='utf-8') as page:
        for line in page:
            match = INCLUDE.match(line.rstrip('\n'))
            if not match:
                lines.append(line)
                continue
            path = os.path.realpath(os.path.join(srcroot, match.group(1)))
            if path not in allowed:
                print('%s: %s is not among the listed inputs' % (template, match.group(1)),
                      file=sys.stderr)
                return 1
            lines.append(fenced(path, match.group(1)))
    with open(output, 'w', encoding='utf-8') as page:
        page.writelines(lines)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
