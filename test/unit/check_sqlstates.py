#!/usr/bin/python3
"""test/unit/check_sqlstates.py: every SQLSTATE that src/ can raise is asserted by a test.

  /usr/bin/python3 test/unit/check_sqlstates.py [--list]

Collects the SQLSTATEs of src/: each ERRCODE_* name used in an errcode() or assigned as a
SQLSTATE (resolved to its five characters through PostgreSQL's errcodes.h), RDS_ERRCODE_*
made with MAKE_SQLSTATE, and the SQLSTATE column of src/awscodes.c's table.  Then looks for
each code in the tests' assertions: pg_regress expected output (expected/*.out) and the shell
suites (test/integration/*.sh, test/regress.sh).  A code no test mentions is a failure, except
those in UNTESTABLE below, each with the reason.  Prints one line per code and
"N passed, M failed" last.
"""
import glob
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
# the server headers of the major under test (test/lib/harness.sh's
# RDS_COPY_PG_MAJOR, 15 unless told; test/matrix.sh sets 17 and 18)
PG_MAJOR = os.environ.get('RDS_COPY_PG_MAJOR', '15')
ERRCODES_H = '/usr/include/postgresql/%s/server/utils/errcodes.h' % PG_MAJOR

# Raised only where no test can provoke it without breaking the machine.
UNTESTABLE = {
    '53200': 'out of memory: malloc or libcurl set-up failing',
    '57014': 're-raised from PostgreSQL\'s own cancel, asserted anyway',
}


def read(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return f.read()


def errcode_names():
    names = {}
    for m in re.finditer(r"#define (ERRCODE_[A-Z_0-9]+) MAKE_SQLSTATE\('(.)','(.)','(.)','(.)','(.)'\)",
                         read(ERRCODES_H)):
        names[m.group(1)] = ''.join(m.group(i) for i in range(2, 7))
    return names


def raised_codes():
    names = errcode_names()
    codes = {}
    for path in sorted(glob.glob(os.path.join(ROOT, 'src', '*.[ch]'))):
        text = read(path)
        base = os.path.basename(path)
        for name in set(re.findall(r'\b(ERRCODE_[A-Z_0-9]+)\b', text)):
            if name in names:
                codes.setdefault(names[name], set()).add(base)
        for m in re.finditer(r"MAKE_SQLSTATE\('(.)', '(.)', '(.)', '(.)', '(.)'\)", text):
            codes.setdefault(''.join(m.groups()), set()).add(base)
        if base == 'awscodes.c':
            for code in re.findall(r'\{"[A-Za-z0-9]+", "([0-9A-Z]{5})"', text):
                codes.setdefault(code, set()).add(base)
            for code in re.findall(r'return "([0-9A-Z]{5})"', text):
                codes.setdefault(code, set()).add(base)
    return codes


def test_text():
    files = (glob.glob(os.path.join(ROOT, 'expected', '*.out'))
             + glob.glob(os.path.join(ROOT, 'test', 'integration', '*.sh'))
             + [os.path.join(ROOT, 'test', 'regress.sh')])
    return '\n'.join(read(f) for f in files)


def main():
    if sys.argv[1:] == ['--list']:
        # the codes alone, one per line (test/docs/doctest.py errors reads them)
        print('\n'.join(sorted(raised_codes())))
        return 0
    if not os.path.exists(ERRCODES_H):
        print(f'cannot read {ERRCODES_H} (postgresql-server-dev-{PG_MAJOR})')
        print('0 passed, 1 failed')
        return 1
    tests = test_text()
    passed = failed = 0
    for code, where in sorted(raised_codes().items()):
        asserted = re.search(r'(?<![0-9A-Z])' + re.escape(code) + r'(?![0-9A-Z])', tests) is not None
        if asserted:
            passed += 1
            print(f'ok   {code} (raised in {", ".join(sorted(where))})')
        elif code in UNTESTABLE:
            passed += 1
            print(f'ok   {code} not asserted: {UNTESTABLE[code]}')
        else:
            failed += 1
            print(f'FAIL {code} is raised in {", ".join(sorted(where))} but no test asserts it')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
