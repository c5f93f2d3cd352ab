#!/usr/bin/python3
"""test/docs/doctest.py: the documentation is run and compared with the code.

    doctest.py blocks   FILE...   run every ```sql block of the files, in order
    doctest.py grants   README    every function the backup role is granted is
                                  called by a block that runs as that role
    doctest.py settings FILE      the settings table against pg_settings
    doctest.py errors   FILE CODES SQLSTATES
                                  the errors tables against the AWS-code map
                                  (CODES: `test_awscodes --list` output) and
                                  the SQLSTATEs raised in src/ (SQLSTATES: one
                                  per line)

Every ```sql block must follow a marker line

    <!-- sql: as=ROLE [fails=SQLSTATE] -->

ROLE is `superuser` (the cluster's bootstrap superuser), or the name of a
role the documentation itself creates (backup_job, dba); the block runs in
one psql session as that role with ON_ERROR_STOP, and must succeed, or,
with fails=, end with an error of that SQLSTATE.  A marker
`<!-- sql: not run: REASON -->` exempts a block and says why.  psql comes
from $PGBIN, the connection from PGHOST/PGPORT (test/integration/docs.sh
sets them).  Prints one line per check and ends with "N passed, M failed".
"""
import os
import re
import subprocess
import sys

MARK = re.compile(r'<!--\s*sql:\s*(.*?)\s*-->')
RESULTS = []


def check(ok, name, why=''):
    RESULTS.append(ok)
    print(('ok   ' if ok else 'FAILED ') + name + ('' if ok or not why else ': ' + why), flush=True)


def sql_blocks(path):
    """[(line, marker text or None, sql)] of the ```sql blocks of path."""
    lines = open(path, encoding='utf-8').read().split('\n')
    out, i = [], 0
    while i < len(lines):
        if lines[i].strip() == '```sql':
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            m = MARK.fullmatch(lines[j].strip()) if j >= 0 else None
            k = i + 1
            while k < len(lines) and lines[k].strip() != '```':
                k += 1
            out.append((i + 1, m.group(1) if m else None, '\n'.join(lines[i + 1:k])))
            i = k
        i += 1
    return out


def parse_marker(text):
    if text.startswith('not run:'):
        return {'skip': text[len('not run:'):].strip()}
    attrs = dict(part.split('=', 1) for part in text.split() if '=' in part)
    return attrs


def psql(role, sql):
    user = os.environ.get('PGUSER', 'postgres') if role == 'superuser' else role
    cmd = [os.path.join(os.environ['PGBIN'], 'psql'), '-X', '-q', '-d', 'postgres', '-U', user,
           '-v', 'ON_ERROR_STOP=1', '-v', 'VERBOSITY=verbose']
    p = subprocess.run(cmd, input=sql, text=True, capture_output=True, timeout=600)
    return p.returncode, p.stdout + p.stderr


def run_blocks(paths):
    """Every block of paths in order, except that the first file's superuser
    blocks (its set-up: the extension, the roles and their grants) run first."""
    order = [(paths[0], b) for b in sql_blocks(paths[0])
             if b[1] and parse_marker(b[1]).get('as') == 'superuser']
    first = {b[0] for _, b in order}
    order += [(paths[0], b) for b in sql_blocks(paths[0]) if b[0] not in first]
    for path in paths[1:]:
        order += [(path, b) for b in sql_blocks(path)]
    for path, (line, marker, sql) in order:
        if True:
            name = f'{os.path.relpath(path)}:{line}'
            if marker is None:
                check(False, f'{name}: the block has a marker', 'no <!-- sql: ... --> line before it')
                continue
            attrs = parse_marker(marker)
            if 'skip' in attrs:
                check(bool(attrs['skip']), f'{name}: not run ({attrs["skip"]})', 'a skipped block must say why')
                continue
            role = attrs.get('as')
            if not role:
                check(False, f'{name}: the marker names a role', marker)
                continue
            rc, out = psql(role, sql)
            fails = attrs.get('fails')
            if fails:
                ok = rc != 0 and re.search(r'ERROR:\s+' + re.escape(fails) + ':', out) is not None
                check(ok, f'{name}: as {role}, fails with {fails}', out.strip()[-400:])
            else:
                check(rc == 0, f'{name}: runs as {role}', out.strip()[-600:])


def granted_functions(readme, role):
    """Function names in the GRANT EXECUTE ... TO role statements of readme's sql blocks."""
    names = set()
    for _, _, sql in sql_blocks(readme):
        for stmt in sql.split(';'):
            m = re.search(r'GRANT\s+EXECUTE\s+ON\s+FUNCTION(.*)\bTO\s+(\w+)\s*$', stmt.strip(), re.S | re.I)
            if m and m.group(2) == role:
                names |= set(re.findall(r'rds_copy\.(\w+)\(', m.group(1)))
    return names


def run_grants(readme, others):
    granted = granted_functions(readme, 'backup_job')
    check(len(granted) >= 10, 'the README grants the backup role its functions', repr(sorted(granted)))
    used = ''
    for path in [readme] + others:
        for _, marker, sql in sql_blocks(path):
            if marker and parse_marker(marker).get('as') == 'backup_job':
                used += sql + '\n'
    # the view rds_copy.recent_requests is what calls recent_request_records()
    used = used.replace('rds_copy.recent_requests', 'rds_copy.recent_request_records()')
    used = used.replace('rds_copy.queue_status', 'rds_copy.queue_limits()')
    for fn in sorted(granted):
        check(re.search(r'rds_copy\.' + fn + r'\s*\(', used) is not None,
              f'grant of {fn} to backup_job is used by a block that runs as backup_job',
              'no example uses it: the grant is larger than the documentation needs')


# --- settings ---------------------------------------------------------------

def markdown_table(path, first_header):
    """Rows (lists of cells) of the first table of path whose header starts with first_header."""
    rows, inside = [], False
    for ln in open(path, encoding='utf-8'):
        ln = ln.rstrip('\n')
        if not inside and ln.startswith('| ' + first_header):
            inside = True
            header = [c.strip() for c in ln.strip('|').split('|')]
            continue
        if inside:
            if not ln.startswith('|'):
                break
            if re.fullmatch(r'\|[-:| ]+\|', ln):
                continue
            rows.append(dict(zip(header, [c.strip() for c in ln.strip('|').split('|')])))
    return rows


def plain(cell):
    return re.sub(r'`', '', cell).strip()


CONTEXTS = {'superuser': 'superuser', 'anyone': 'user', 'reload': 'sighup', 'server start': 'postmaster'}


def run_settings(path):
    rows = markdown_table(path, 'Setting')
    check(len(rows) > 0, 'docs/settings.md has the settings table')
    rc, out = psql('superuser', "COPY (SELECT name, vartype, coalesce(unit, ''), coalesce(min_val, ''),"
                   " coalesce(max_val, ''), context, boot_val FROM pg_settings"
                   " WHERE name LIKE 'rds\\_copy.%' ORDER BY name) TO STDOUT")
    check(rc == 0, 'pg_settings can be read', out)
    actual = {}
    for ln in out.rstrip('\n').split('\n'):     # (an empty last field ends in a tab)
        f = [v if v != '\\N' else '' for v in ln.split('\t')]
        if len(f) == 7:
            actual[f[0]] = dict(zip(['vartype', 'unit', 'min', 'max', 'context', 'boot'], f[1:]))
    documented = {plain(r['Setting']): r for r in rows}
    check(sorted(documented) == sorted(actual), 'the table names every setting and no other',
          f'only documented: {sorted(set(documented) - set(actual))}, undocumented: {sorted(set(actual) - set(documented))}')
    for name in sorted(set(documented) & set(actual)):
        r, a = documented[name], actual[name]
        check(plain(r['Type']) == a['vartype'], f'{name}: type {a["vartype"]}', f'documented {r["Type"]}')
        check(plain(r['Unit']) == (a['unit'] or '-'), f'{name}: unit {a["unit"] or "-"}', f'documented {r["Unit"]}')
        rng = f'{a["min"]}–{a["max"]}' if a['min'] else '-'
        check(plain(r['Range']) == rng, f'{name}: range {rng}', f'documented {r["Range"]}')
        ctx = CONTEXTS.get(plain(r['Who may set / takes effect']).split(',')[0].strip())
        check(ctx == a['context'], f'{name}: context {a["context"]}', f'documented {r["Who may set / takes effect"]}')
        # the default: the boot value, with its unit, unless the row says where it comes from
        default = plain(r['Default'])
        boot = a['boot'] + (a['unit'] if a['unit'] and a['boot'] not in ('', '-1') else '')
        ok = default.split(' ')[0].rstrip(';,') == boot if not default.startswith(('empty', 'the server')) else a['boot'] == ''
        if a['vartype'] == 'enum' or name == 'rds_copy.max_attempts' or name == 'rds_copy.database_name':
            ok = boot in default
        check(ok, f'{name}: default {boot!r}', f'documented {r["Default"]}')


# --- errors -----------------------------------------------------------------

def run_errors(path, codes_file, sqlstates_file):
    text = open(path, encoding='utf-8').read()
    rows = markdown_table(path, 'AWS `<Code>` or failure')
    check(len(rows) > 0, 'docs/errors.md has the AWS-code table')
    documented = {}
    for r in rows:
        state = re.search(r'`([0-9A-Z]{5})`', r['SQLSTATE'])
        for code in re.findall(r'\b[A-Z][A-Za-z0-9]+(?:Fault|Exception|Exceeded|Denied|Error|Failure)?\b',
                               r['AWS `<Code>` or failure']):
            if state:
                documented.setdefault(code, set()).add(state.group(1))
    table = {}
    for ln in open(codes_file):
        f = ln.split()
        if len(f) == 2:
            table[f[0]] = f[1]
    for code, state in sorted(table.items()):
        check(state in documented.get(code, set()), f'AWS code {code} is documented as {state}',
              f'documented as {sorted(documented.get(code, set())) or "nothing"}')
    for state in sorted({ln.strip() for ln in open(sqlstates_file) if ln.strip()}):
        check(f'`{state}`' in text, f'SQLSTATE {state} raised in src/ is documented', 'not in docs/errors.md')


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == 'blocks':
        run_blocks(args)
    elif mode == 'grants':
        run_grants(args[0], args[1:])
    elif mode == 'settings':
        run_settings(args[0])
    elif mode == 'errors':
        run_errors(*args)
    else:
        sys.exit(f'doctest.py: unknown mode {mode}')
    failed = RESULTS.count(False)
    print(f'{len(RESULTS) - failed} passed, {failed} failed')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
