#!/usr/bin/python3
"""test/unit/check_layout.py: the rules of src/'s layout, checked.

  /usr/bin/python3 test/unit/check_layout.py [--graph]

1. The module include graph has no cycle (module = a .c file and its .h;
   "a.c includes b.h" is an edge a -> b).
2. The pure modules (src/pure.mk) include no PostgreSQL header and no
   glue module's header.
3. libcurl is used only by http.c (and compat.h's version checks) and by
   credurl.c, which may use its URL API only (curl_url*, curl_free: no
   transfer, no global set-up); libxml2 only by xmlreply.c and
   awsrequest.c's pg_xml_init wrapper.
4. Every source file opens with a banner comment naming the file.
Prints one line per rule and "N passed, M failed" last; --graph prints the
graph (module: includes) first.
"""
import os
import re
import sys

SRC = os.environ.get('RDS_COPY_SRC') or os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'src')
INCLUDE = re.compile(r'^#include\s+([<"])([^>"]+)[>"]', re.M)


def read(name):
    with open(os.path.join(SRC, name), encoding='utf-8') as f:
        return f.read()


def pure_modules():
    text = read('pure.mk').replace('\\\n', ' ')
    m = re.search(r'RDS_PURE_SRCS\s*:=\s*(.*)', text)
    return {os.path.splitext(n)[0] for n in m.group(1).split()}


def main():
    files = sorted(f for f in os.listdir(SRC) if f.endswith(('.c', '.h')))
    modules = {os.path.splitext(f)[0] for f in files}
    graph = {m: set() for m in modules}
    system = {m: set() for m in modules}
    for f in files:
        mod = os.path.splitext(f)[0]
        for kind, inc in INCLUDE.findall(read(f)):
            if kind == '"' and '/' not in inc and os.path.splitext(inc)[0] in modules:
                dep = os.path.splitext(inc)[0]
                if dep != mod:
                    graph[mod].add(dep)
            else:
                system[mod].add(inc)
    if '--graph' in sys.argv:
        for mod in sorted(graph):
            print(f'{mod}: {" ".join(sorted(graph[mod]))}')
    passed = failed = 0

    def report(ok, what):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(('ok   ' if ok else 'FAIL ') + what)

    # 1. cycles
    state, cycle = {}, []

    def visit(node, path):
        state[node] = 'open'
        for dep in sorted(graph[node]):
            if state.get(dep) == 'open':
                cycle.append(path[path.index(dep):] + [dep] if dep in path else [node, dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 'done'

    for mod in sorted(graph):
        if mod not in state:
            visit(mod, [mod])
    report(not cycle, 'no include cycle' + (': ' + ' -> '.join(cycle[0]) if cycle else
                                             f' ({len(graph)} modules, {sum(map(len, graph.values()))} edges)'))
    # 2. pure modules
    pure = pure_modules()
    bad = []
    for mod in sorted(pure):
        closure, todo = set(), [mod]
        while todo:
            m = todo.pop()
            for d in graph[m]:
                if d not in closure:
                    closure.add(d)
                    todo.append(d)
        glue = sorted(d for d in closure if d not in pure and d != 'compat')
        pg = sorted(i for i in system[mod] if i in ('postgres.h', 'fmgr.h') or i.startswith(('utils/', 'access/', 'storage/', 'catalog/')))
        if glue or pg:
            bad.append(f'{mod} ({", ".join(glue + pg)})')
    report(not bad, 'pure modules stay pure (%d: %s)' % (len(pure), ' '.join(sorted(pure))) +
           ('; not: ' + '; '.join(bad) if bad else ''))
    # 3. libraries
    curl = sorted(m for m in modules if any(i.startswith('curl/') for i in system[m]))
    xml = sorted(m for m in modules if any(i.startswith('libxml/') for i in system[m]))
    report(set(curl) <= {'http', 'compat', 'credurl'},
           f'libcurl only in http.c, compat.h and credurl.c (found in {", ".join(curl)})')
    # credurl.c: the URL API and nothing else of libcurl
    calls = set(re.findall(r'\b(curl_\w+)\s*\(', read('credurl.c'))) if 'credurl' in modules else set()
    other = sorted(c for c in calls if not c.startswith('curl_url') and c != 'curl_free')
    report(not other, 'credurl.c uses only libcurl\'s URL API' + (': not ' + ' '.join(other) if other else
                                                                    f' ({", ".join(sorted(calls))})'))
    report(set(xml) <= {'xmlreply'}, f'libxml2 only in xmlreply.c (found in {", ".join(xml)})')
    # 4. banners
    nobanner = [f for f in files if not re.match(r'/\*-+\n \* ' + re.escape(f) + r'\n', read(f))]
    report(not nobanner, 'every file opens with its banner' + (': not ' + ' '.join(nobanner) if nobanner else ''))
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
