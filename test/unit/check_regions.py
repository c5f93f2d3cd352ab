#!/usr/bin/python3
"""test/unit/check_regions.py: the built-in list of regions (src/regions_data.c) against botocore.

  /usr/bin/python3 test/unit/check_regions.py

1. src/regions_data.c parses: entries sorted by name, no duplicates, every name region-shaped,
   one DNS suffix per partition, every partition in RdsPartitions (aws first, with the same
   suffix), endpoint rules for rds and sts.
2. It is exactly what gen_regions.py writes for the data it holds (regions, partitions, the
   flattened endpoint rules) and the source its banner records (no hand edit of the generated
   form).
3. Every region the installed botocore lists (/usr/bin/python3's python3-botocore; Debian 12
   has 1.29.27, which lists fewer) is in the list, with the same partition and DNS suffix; so
   is every region of any other botocore found under RDS_COPY_BOTOCORE_DIRS (colon-separated)
   or in the Debian roots of test/matrix.sh (/var/cache/rds_copy-roots/*).  A newer botocore
   that lists a new region fails here: regenerate the file (gen_regions.py's usage).
4. When the botocore the banner records (same version, same SHA-256 of each data file) is found
   among those, gen_regions.py run on it writes exactly the checked-in file.  When it is not on
   this machine the check is skipped (a "skip" line, not counted), and 1-3 still hold.
Prints one line per check and "N passed, M failed" last.
"""
import ast
import glob
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_regions  # noqa: E402

DATA_C = os.environ.get('RDS_COPY_REGIONS_DATA') or os.path.join(HERE, '..', '..', 'src', 'regions_data.c')
ROOTS = os.environ.get('RDS_COPY_ROOTS', '/var/cache/rds_copy-roots')
ENTRY = re.compile(r'^\t\{"([^"]*)", "([^"]*)", "([^"]*)"\},$', re.M)


def table_rows(text, name):
    """The rows of the C array name as Python tuples (NULL, true, false as None, True, False)."""
    m = re.search(r'^const \w+ ' + name + r'\[\] = \{\n(.*?)^\};$', text, re.M | re.S)
    if m is None:
        return []
    rows = []
    for line in m.group(1).splitlines():
        body = re.match(r'^\t\{(.*)\},$', line)
        if body is None:
            raise ValueError(f'{name}: a row that is not one line: {line!r}')
        py = re.sub(r'\bNULL\b', 'None', re.sub(r'\btrue\b', 'True', re.sub(r'\bfalse\b', 'False', body.group(1))))
        rows.append(tuple(ast.literal_eval('(' + py + ',)')))
    return rows


def parse_data_c(text):
    """(version, debian version or None, {file: sha256}, [(region, partition, suffix)],
    [partition rows], [rule rows]) of the C file."""
    m = re.search(r'^ \* botocore (\S+)(?: \(Debian python3-botocore (\S+)\))?:$', text, re.M)
    if m is None:
        raise ValueError('the banner names no botocore version')
    hashes = dict((name, digest) for name, digest in
                  re.findall(r'^ \*   data/(\S+) sha256 ([0-9a-f]{64})$', text, re.M))
    return (m.group(1), m.group(2), hashes, ENTRY.findall(text),
            table_rows(text, 'RdsPartitions'), table_rows(text, 'RdsEndpointRules'))


def botocore_dirs():
    """Installed botocore packages to compare with: the host's first, then the others found."""
    dirs = ['/usr/lib/python3/dist-packages/botocore']
    extra = os.environ.get('RDS_COPY_BOTOCORE_DIRS', '')
    dirs += [d for d in extra.split(':') if d]
    dirs += sorted(glob.glob(os.path.join(ROOTS, '*', 'usr/lib/python3/dist-packages/botocore')))
    seen, out = set(), []
    for d in dirs:
        real = os.path.realpath(d)
        if real not in seen:
            seen.add(real)
            out.append(d)
    return out


def main():
    passed = failed = 0

    def report(ok, what):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(('ok   ' if ok else 'FAIL ') + what)

    with open(DATA_C, encoding='utf-8') as f:
        text = f.read()
    try:
        version, debian, hashes, entries, partitions, rules = parse_data_c(text)
    except ValueError as e:
        report(False, f'src/regions_data.c: {e}')
        print(f'{passed} passed, {failed} failed')
        return 1

    # 1. the shape of the list
    names = [e[0] for e in entries]
    suffixes = {}
    for _, partition, suffix in entries:
        suffixes.setdefault(partition, set()).add(suffix)
    problems = []
    if not entries:
        problems.append('no entries')
    if names != sorted(names):
        problems.append('not sorted')
    if len(set(names)) != len(names):
        problems.append('duplicates')
    problems += [f'"{n}" is not region-shaped' for n in names if not gen_regions.REGION_SHAPE.match(n)]
    problems += [f'partition {p} has suffixes {sorted(s)}' for p, s in suffixes.items() if len(s) > 1]
    ids = [row[0] for row in partitions]
    problems += [f'partition {p} of a region is not in RdsPartitions' for p in suffixes if p not in ids]
    problems += [f'partition {p} has another suffix in RdsPartitions' for row in partitions
                 for p in [row[0]] if p in suffixes and suffixes[p] != {row[2]}]
    if not ids or ids[0] != 'aws':
        problems.append('RdsPartitions does not start with aws (botocore\'s default partition)')
    for service in ('rds', 'sts'):
        if not any(r[0] == service and r[8] is not None for r in rules):
            problems.append(f'RdsEndpointRules has no endpoint of {service}')
    report(not problems, f'src/regions_data.c: {len(entries)} regions of {len(suffixes)} partitions, '
           f'from botocore {version}' + (': ' + '; '.join(problems) if problems else ''))

    # 2. the generator's form
    regions = {n: (p, s) for n, p, s in entries}
    rendered = gen_regions.render(version, debian, hashes, regions, partitions, rules)
    report(rendered == text, 'src/regions_data.c is gen_regions.py\'s output for its own data'
           + ('' if rendered == text else ' (it was edited by hand: regenerate it)'))

    # 3. every installed botocore's regions are in the list; 4. the recorded source
    source_found = False
    for d in botocore_dirs():
        if not os.path.exists(os.path.join(d, 'data', 'endpoints.json')):
            if d == '/usr/lib/python3/dist-packages/botocore':
                report(False, f'{d}: not installed (apt-get install python3-botocore)')
            continue
        try:
            files = gen_regions.read_source(d)
            theirs = gen_regions.regions_of(files)
            their_version = gen_regions.botocore_version(d)
        except (OSError, ValueError, KeyError, gen_regions.SourceError) as e:
            report(False, f'{d}: cannot read its endpoint data: {e}')
            continue
        missing = sorted(r for r in theirs if r not in regions)
        differ = sorted(r for r in theirs if r in regions and regions[r] != theirs[r])
        report(not missing and not differ,
               f'botocore {their_version} ({d}): its {len(theirs)} regions are in the list'
               + (f'; missing: {", ".join(missing)}' if missing else '')
               + (f'; another partition or suffix: {", ".join(differ)}' if differ else ''))
        their_hashes = {name: files[name][0] for name in files}
        try:
            their_hashes.update({rel: h for rel, h, _ in gen_regions.read_rule_sets(d).values()})
        except (OSError, ValueError, gen_regions.SourceError):
            pass
        if their_version == version and their_hashes == hashes and not source_found:
            source_found = True
            again, _ = gen_regions.generate(d)
            report(again == text, f'gen_regions.py {d} writes exactly src/regions_data.c'
                   + ('' if again == text else ' (it does not: regenerate the file)'))
    if not source_found:
        print(f'skip the recorded source (botocore {version}) is not on this machine: '
              'the file was not regenerated here')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
