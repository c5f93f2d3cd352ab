"""report.py RESULTS_DIR MARKDOWN_OUT -- the table of test/bench/run.sh.

RESULTS_DIR holds, per contestant NAME (in the order of RESULTS_DIR/order):
  NAME.lat   one latency per line, microseconds (every measured call)
  NAME.meta  key=value lines: calls, wall_s (summed over rounds), rss_kb, rss_note,
             conns (distinct TLS connections nginx saw), requests (requests nginx saw), failed
and machine.txt (free text).  Prints the table, the ratios and the machine; writes the same as
markdown to MARKDOWN_OUT.
"""
import math
import os
import sys

LABELS = {
    'ext-1': 'extension, 1 backend (PL/pgSQL loop)',
    'pgbench-1': 'extension via pgbench -c 1',
    'pgbench-2': 'extension via pgbench -c 2 -j 2',
    'pgbench-select1': 'baseline: pgbench -c 1, SELECT 1 (no call)',
    'boto3': 'boto3 (one process, one client)',
    'floor-nosign': 'floor (no signing): C + libcurl',
    'floor-sign': 'floor (signing): C + libcurl + src/sigv4.c',
    'aws-cli': 'aws CLI (one process per call)',
}


def percentile(sorted_values, p):
    if not sorted_values:
        return math.nan
    k = (len(sorted_values) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def load(directory, name):
    meta = {}
    with open(os.path.join(directory, name + '.meta')) as f:
        for line in f:
            if '=' in line:
                key, value = line.rstrip('\n').split('=', 1)
                meta[key] = value
    with open(os.path.join(directory, name + '.lat')) as f:
        lat = sorted(float(x) for x in f if x.strip())
    return meta, lat


def fmt(x, digits=0):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return 'n/a'
    return f'{x:,.{digits}f}'


def main():
    directory, md_out = sys.argv[1], sys.argv[2]
    with open(os.path.join(directory, 'order')) as f:
        order = [line.strip() for line in f if line.strip()]
    rows, stats = [], {}
    for name in order:
        if not os.path.exists(os.path.join(directory, name + '.meta')):
            continue
        meta, lat = load(directory, name)
        calls = int(meta.get('calls', len(lat)))
        wall = float(meta.get('wall_s', 'nan'))
        med, p99 = percentile(lat, 50), percentile(lat, 99)
        rate = calls / wall if wall and wall == wall and wall > 0 else math.nan
        rss = meta.get('rss_kb', '')
        rss_text = f'{int(rss) / 1024:.1f} MiB' if rss.isdigit() else 'n/a'
        if meta.get('rss_note'):
            rss_text += f" ({meta['rss_note']})"
        conns = meta.get('conns', 'n/a')
        failed = int(meta.get('failed', '0') or 0)
        label = LABELS.get(name, name)
        if failed:
            label += f' [{failed} FAILED]'
        stats[name] = {'median': med, 'p99': p99, 'rate': rate}
        conns_text = f"{conns} ({meta.get('requests', '?')} req)" if name != 'pgbench-select1' else '-'
        rows.append([label, f'{calls:,}', fmt(med, 0 if med >= 100 else 1), fmt(p99, 0 if p99 >= 100 else 1),
                     fmt(rate, 0), rss_text, conns_text])

    header = ['contestant', 'calls', 'median µs/call', 'p99 µs', 'calls/s', 'peak RSS', 'TLS connections']

    def ratio(a, b, key='median'):
        if a in stats and b in stats and stats[b][key] and not math.isnan(stats[a][key]):
            return stats[a][key] / stats[b][key]
        return math.nan

    ratios = [
        ('extension / floor (signing)', ratio('ext-1', 'floor-sign'), 'median per call'),
        ('extension / floor (no signing)', ratio('ext-1', 'floor-nosign'), 'median per call'),
        ('floor (signing) / floor (no signing)', ratio('floor-sign', 'floor-nosign'), 'median per call'),
        ('boto3 / extension', ratio('boto3', 'ext-1'), 'median per call'),
        ('aws CLI / extension', ratio('aws-cli', 'ext-1'), 'median per call (one process per call)'),
        ('pgbench 2-client / 1-client', ratio('pgbench-2', 'pgbench-1', 'rate'), 'calls/s (tps)'),
        ('pgbench -c 1 / extension in one backend', ratio('pgbench-1', 'ext-1'), 'median per call'),
    ]
    with open(os.path.join(directory, 'machine.txt')) as f:
        machine = f.read().rstrip('\n').split('\n')
    notes = []
    if os.path.exists(os.path.join(directory, 'notes.txt')):
        with open(os.path.join(directory, 'notes.txt')) as f:
            notes = [line.rstrip('\n') for line in f if line.strip()]

    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = ' | '.join(h.ljust(w) for h, w in zip(header, widths))
    out = [line, '-+-'.join('-' * w for w in widths)]
    for r in rows:
        out.append(' | '.join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
    out.append('')
    for name, value, what in ratios:
        out.append(f'{name:40s} {fmt(value, 2)}x   ({what})')
    out.append('')
    out.extend(machine)
    out.extend(notes)
    print('\n'.join(out))

    md = ['# rds_copy benchmark', '', '| ' + ' | '.join(header) + ' |',
          '|' + '|'.join(['---'] + ['---:'] * (len(header) - 1)) + '|']
    for r in rows:
        md.append('| ' + ' | '.join(str(c) for c in r) + ' |')
    md += ['', '| ratio | value | of |', '|---|---:|---|']
    for name, value, what in ratios:
        md.append(f'| {name} | {fmt(value, 2)}x | {what} |')
    md += ['', '## Machine', ''] + [f'- {m}' for m in machine]
    if notes:
        md += ['', '## Notes', ''] + [f'- {n}' for n in notes]
    with open(md_out, 'w') as f:
        f.write('\n'.join(md) + '\n')


if __name__ == '__main__':
    main()
