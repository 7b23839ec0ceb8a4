#!/usr/bin/python3
# docs/check-versions.py
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The versions qsock states agree: NEWS's first heading names the
# project's version; the GIR's API version (Qs-1.0) has the project's
# major version; and no symbol's Since: (the GIR's version attributes)
# or VAPI `since` names a release after the project's version. gi-docgen
# marks such a symbol "unstable", and valac refuses it.
#
# usage: check-versions.py PROJECT-VERSION API-VERSION NEWS GIR [VAPI]

import re
import sys
import xml.etree.ElementTree as ElementTree

CORE = '{http://www.gtk.org/introspection/core/1.0}'


def release(version):
    """(major, minor) of a version string such as 1.0 or 1.0.2."""
    return tuple(int(part) for part in version.split('.')[:2])


def main(argv):
    if len(argv) not in (5, 6):
        print('usage: check-versions.py PROJECT-VERSION API-VERSION NEWS GIR [VAPI]',
              file=sys.stderr)
        return 2
    project, api, news, gir = argv[1:5]
    problems = []
    with open(news, encoding='utf-8') as text:
        heading = text.readline().strip()
    if heading != 'qsock %s' % project:
        problems.append('%s starts with "%s", not "qsock %s"' % (news, heading, project))
    namespace = ElementTree.parse(gir).getroot().find(CORE + 'namespace')
    if namespace.get('version') != api:
        problems.append('%s: namespace version %s, not %s' % (gir, namespace.get('version'), api))
    if release(api)[0] != release(project)[0]:
        problems.append('API version %s and project version %s differ in major version'
                        % (api, project))
    for element in namespace.iter():
        since = element.get('version') if element is not namespace else None
        if since is not None and release(since) > release(project):
            problems.append('%s: %s %s: Since: %s is after %s' % (
                gir, element.tag.replace(CORE, ''), element.get('name'), since, project))
    if len(argv) == 6:
        with open(argv[5], encoding='utf-8') as text:
            for number, line in enumerate(text, 1):
                for since in re.findall(r'since = "([^"]+)"', line):
                    if release(since) > release(project):
                        problems.append('%s:%d: since = "%s" is after %s'
                                        % (argv[5], number, since, project))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
