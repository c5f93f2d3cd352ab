#!/usr/bin/python3
"""Generate src/regions_data.c, the built-in list of AWS regions, from botocore's endpoint data.

Usage: gen_regions.py BOTOCORE_DIR OUTFILE

BOTOCORE_DIR is an installed botocore package (the directory holding __init__.py and data/),
e.g. Debian sid's, the newest we have:

  /usr/bin/python3 test/unit/gen_regions.py \\
      /var/cache/rds_copy-roots/sid/usr/lib/python3/dist-packages/botocore src/regions_data.c

A region is a key of partitions[].regions in data/endpoints.json, or of partitions[].regions in
data/partitions.json (newer botocore has both; the two are merged, and must agree on the
partition and DNS suffix of a region they both list), whose name matches its partition's
regionRegex.  The regex drops the pseudo-regions partitions.json lists for global endpoints
("aws-global", "aws-cn-global", ...): no RDS endpoint answers there.  Each region is written with
its partition and the partition's DNS suffix (endpoint.c builds the host from it), sorted by name
(RdsRegionLookup searches them).  The file's banner records the botocore version, its Debian
package version when the dpkg status of the root it lives in says so, and the SHA-256 of every
file read, so that check_regions.py can find the same source again and regenerate the file.

The same file holds what endpoint.c needs to build endpoints as the SDKs do (issue 12):
- the partitions of data/partitions.json in its order (botocore's aws.partition tries them in
  that order, and falls back to the first): id, regionRegex translated to a POSIX extended
  regex, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack, and whether
  data/endpoints.json's resolver (regions.py EndpointResolver, which botocore's client asks
  before the rules, also under an endpoint override, raising EndpointVariantError where it has
  nothing) has a FIPS, a dual-stack and a FIPS dual-stack endpoint of rds and sts there;
- the rules of data/rds/2014-10-31/endpoint-rule-set-1.json and
  data/sts/2011-06-15/endpoint-rule-set-1.json, flattened into an ordered list (each leaf with
  the conditions of the branches above it; the first that applies decides), the branches of an
  endpoint override left out.  A condition, template or auth scheme the generator does not know
  is an error: a rule set of a new shape must be read before it is used.
args.py's LEGACY_GLOBAL_STS_REGIONS must be the STS rule set's global regions.

The output depends only on the input files: running the generator twice on the same botocore
gives the same bytes.
"""
import hashlib
import json
import os
import re
import sys

SOURCE_FILES = ('endpoints.json', 'partitions.json')
# the endpoint rule sets of the services rds_copy calls (botocore/data/<service>/<version>/)
RULE_SETS = (('rds', 'rds/2014-10-31/endpoint-rule-set-1.json'),
             ('sts', 'sts/2011-06-15/endpoint-rule-set-1.json'))
# what a template of those rule sets may contain besides host characters
TEMPLATE_PARTS = ('{Region}', '{PartitionResult#dnsSuffix}', '{PartitionResult#dualStackDnsSuffix}')
# endpoint.c's RdsRegionIsValid: lower-case letters, digits and single hyphens, 4-40 characters,
# starting with a letter, at least one hyphen, no hyphen at the end
REGION_SHAPE = re.compile(r'^(?=.{4,40}$)[a-z][a-z0-9]*(-[a-z0-9]+)+$')


class SourceError(Exception):
    pass


def botocore_version(botocore_dir):
    with open(os.path.join(botocore_dir, '__init__.py'), encoding='utf-8') as f:
        m = re.search(r"^__version__ = '([^']+)'", f.read(), re.M)
    if m is None:
        raise SourceError(f'{botocore_dir}/__init__.py has no __version__')
    return m.group(1)


def debian_package_version(botocore_dir):
    """The version of python3-botocore in the dpkg status of the root holding botocore_dir, or None."""
    path = os.path.realpath(botocore_dir)
    marker = '/usr/lib/python3/dist-packages/botocore'
    if not path.endswith(marker):
        return None
    status = path[:-len(marker)] + '/var/lib/dpkg/status'
    try:
        with open(status, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except OSError:
        return None
    for stanza in text.split('\n\n'):
        if re.search(r'^Package: python3-botocore$', stanza, re.M):
            m = re.search(r'^Version: (\S+)$', stanza, re.M)
            if m and re.search(r'^Status: install ok installed$', stanza, re.M):
                return m.group(1)
    return None


def read_source(botocore_dir):
    """{file name: (sha256 hex, parsed JSON)} of the data files present (endpoints.json must be)."""
    files = {}
    for name in SOURCE_FILES:
        path = os.path.join(botocore_dir, 'data', name)
        if not os.path.exists(path):
            if name == 'endpoints.json':
                raise SourceError(f'{path} does not exist')
            continue
        with open(path, 'rb') as f:
            raw = f.read()
        files[name] = (hashlib.sha256(raw).hexdigest(), json.loads(raw))
    return files


def read_rule_sets(botocore_dir):
    """{service: (file name, sha256 hex, parsed JSON)} of RULE_SETS; all must exist."""
    out = {}
    for service, rel in RULE_SETS:
        path = os.path.join(botocore_dir, 'data', rel)
        if not os.path.exists(path):
            raise SourceError(f'{path} does not exist (a botocore older than 1.28 has no rule sets)')
        with open(path, 'rb') as f:
            raw = f.read()
        out[service] = (rel, hashlib.sha256(raw).hexdigest(), json.loads(raw))
    return out


def posix_regex(regex):
    """botocore's regionRegex (Python re) as a POSIX extended regex for regcomp(3)."""
    out = regex.replace('\\-', '-').replace('\\w', '[A-Za-z0-9_]').replace('\\d', '[0-9]')
    if '\\' in out or '"' in out:
        raise SourceError(f'regionRegex {regex!r} has an escape gen_regions.py cannot translate')
    return out


def unsupported_dualstack_partitions(botocore_dir):
    """regions.py EndpointResolver._UNSUPPORTED_DUALSTACK_PARTITIONS: the partitions botocore's
    endpoints.json resolver skips for dual-stack (so that it falls back to the aws partition's
    variants), or the list of 1.29 to 1.43 when the file does not say."""
    try:
        with open(os.path.join(botocore_dir, 'regions.py'), encoding='utf-8') as f:
            m = re.search(r'_UNSUPPORTED_DUALSTACK_PARTITIONS = \[([^\]]*)\]', f.read())
    except OSError:
        m = None
    return ['aws-iso', 'aws-iso-b'] if m is None else re.findall(r"'([^']+)'", m.group(1))


def legacy_variants(files, partition_id, unsupported_dualstack):
    """(FIPS, dual-stack, both): whether botocore's endpoints.json resolver (regions.py
    EndpointResolver, which botocore's client runs before the rules, also under an endpoint
    override) finds a variant with those tags for rds and sts in the partition -- in the
    services' or the partition's defaults; where it finds none it raises EndpointVariantError.
    A partition it skips for dual-stack resolves as the aws partition then."""
    partitions = {p['partition']: p for p in files['endpoints.json'][1]['partitions']}

    def has(pid, tags):
        p = partitions.get(pid)
        if p is None:
            return False
        found = set()
        for service in ('rds', 'sts'):
            sd = p['services'].get(service, {})
            ok = any(set(v['tags']) == tags for d in (sd.get('defaults', {}), p.get('defaults', {}))
                     for v in d.get('variants', []))
            per_region = any(set(v['tags']) == tags for e in sd.get('endpoints', {}).values()
                             for v in e.get('variants', []))
            if per_region and not ok:
                raise SourceError(f'endpoints.json: {service} in {pid} has {sorted(tags)} variants '
                                  'for some regions only (gen_regions.py does not model that)')
            found.add(ok)
        if len(found) != 1:
            raise SourceError(f'endpoints.json: rds and sts differ on {sorted(tags)} in {pid}')
        return found.pop()

    out = []
    for tags in ({'fips'}, {'dualstack'}, {'dualstack', 'fips'}):
        pid = 'aws' if 'dualstack' in tags and partition_id in unsupported_dualstack else partition_id
        out.append(has(pid, tags))
    return tuple(out)


def partitions_of(files, unsupported_dualstack=('aws-iso', 'aws-iso-b')):
    """[(id, posix regex, dnsSuffix, dualStackDnsSuffix, supportsFIPS, supportsDualStack,
    legacy FIPS, legacy dual-stack, legacy both)] of partitions.json, in its order (botocore's
    aws.partition tries the regexes in that order); the legacy flags are legacy_variants'."""
    if 'partitions.json' not in files:
        raise SourceError('data/partitions.json does not exist')
    out = []
    for p in files['partitions.json'][1]['partitions']:
        o = p['outputs']
        if o.get('name', p['id']) != p['id']:
            raise SourceError(f'partition {p["id"]} is named {o["name"]}')
        out.append((p['id'], posix_regex(p['regionRegex']), o['dnsSuffix'], o['dualStackDnsSuffix'],
                    bool(o['supportsFIPS']), bool(o['supportsDualStack']))
                   + legacy_variants(files, p['id'], unsupported_dualstack))
    return out


def _ref(arg):
    return arg.get('ref') if isinstance(arg, dict) else None


def _attr(arg):
    """'supportsFIPS' for getAttr(PartitionResult, 'supportsFIPS'), else None."""
    if isinstance(arg, dict) and arg.get('fn') == 'getAttr' and _ref(arg['argv'][0]) == 'PartitionResult':
        return arg['argv'][1]
    return None


def _condition(service, cond, state):
    """Fold one rule condition into state (a dict); False when the branch can never apply to
    rds_copy (an endpoint override: endpoint.c handles those before the rules)."""
    fn, argv = cond['fn'], cond['argv']
    flags = {'UseFIPS': 'fips', 'UseDualStack': 'dualstack', 'UseGlobalEndpoint': 'global'}
    if fn == 'isSet' and _ref(argv[0]) == 'Endpoint':
        return False
    if fn == 'not' and argv[0].get('fn') == 'isSet' and _ref(argv[0]['argv'][0]) == 'Endpoint':
        return True
    if fn == 'isSet' and _ref(argv[0]) == 'Region':
        return True
    if fn == 'aws.partition' and _ref(argv[0]) == 'Region' and cond.get('assign') == 'PartitionResult':
        return True
    if fn == 'booleanEquals':
        a, b = argv
        if isinstance(a, bool):
            a, b = b, a
        if _ref(a) in flags and isinstance(b, bool):
            key = flags[_ref(a)]
            if state.get(key, b) != b:
                raise SourceError(f'{service}: contradictory {key} conditions')
            state[key] = b
            return True
        if _attr(a) in ('supportsFIPS', 'supportsDualStack') and b is True:
            state['needs_' + _attr(a)] = True
            return True
    if fn == 'stringEquals':
        a, b = argv
        if isinstance(a, str):
            a, b = b, a
        if _attr(a) == 'name' and isinstance(b, str):
            state['partition'] = b
            return True
        if _ref(a) == 'Region' and isinstance(b, str):
            state['region'] = b
            return True
    raise SourceError(f'{service}: a rule condition gen_regions.py does not know: {json.dumps(cond)}')


def _template(service, text):
    rest = text
    for part in TEMPLATE_PARTS:
        rest = rest.replace(part, '')
    if '{' in rest or '}' in rest or '"' in rest or '\\' in rest or not re.match(r'^[a-z0-9.-]+$', rest.replace('https://', '', 1)):
        raise SourceError(f'{service}: a template gen_regions.py does not know: {text!r}')
    return text


def flatten_rules(service, data):
    """The rule set's leaves in order, each with the conditions of the branches above it:
    (service, fips, dualstack, global (-1: any, 0, 1), partition, region, needs FIPS,
    needs dual-stack, url template, signing region template, error).  Every tree must end with
    a rule without conditions (a tree whose conditions hold is terminal, so the flattened,
    first-match list means the same)."""
    out = []

    def walk(rules, state):
        for rule in rules:
            st = dict(state)
            if not all(_condition(service, c, st) for c in rule.get('conditions', [])):
                continue
            if rule['type'] == 'tree':
                last = dict(st)
                if not all(_condition(service, c, last) for c in rule['rules'][-1].get('conditions', [])) \
                        or last != st:
                    raise SourceError(f'{service}: a tree whose last rule has conditions')
                walk(rule['rules'], st)
                continue
            url = signing = error = None
            if rule['type'] == 'endpoint':
                ep = rule['endpoint']
                if not isinstance(ep['url'], str) or not ep['url'].startswith('https://'):
                    raise SourceError(f'{service}: an endpoint that is not an https template: {ep["url"]!r}')
                url = _template(service, ep['url'])
                for scheme in (ep.get('properties') or {}).get('authSchemes', []):
                    if scheme.get('name') != 'sigv4' or scheme.get('signingName', service) != service:
                        raise SourceError(f'{service}: an auth scheme gen_regions.py does not know: {scheme}')
                    if 'signingRegion' in scheme:
                        signing = _template(service, scheme['signingRegion']) \
                            if scheme['signingRegion'] != '{Region}' else None
                if set(ep) - {'url', 'properties', 'headers'} or ep.get('headers'):
                    raise SourceError(f'{service}: endpoint fields gen_regions.py does not know: {ep}')
            elif rule['type'] == 'error':
                error = rule['error']
                if '"' in error or '\\' in error:
                    raise SourceError(f'{service}: an error text with quotes')
            else:
                raise SourceError(f'{service}: a rule of type {rule["type"]}')
            tri = lambda k: -1 if k not in st else int(st[k])  # noqa: E731
            out.append((service, tri('fips'), tri('dualstack'), tri('global'), st.get('partition'),
                        st.get('region'), bool(st.get('needs_supportsFIPS')),
                        bool(st.get('needs_supportsDualStack')), url, signing, error))

    walk(data['rules'], {})
    if not out or out[-1][1:4] != (-1, -1, -1):
        raise SourceError(f'{service}: the rule set does not end with a rule for any variant')
    return out


def partition_entries(name, data):
    """(partition id, dns suffix, region regex, region names) of each partition of one file."""
    for p in data['partitions']:
        if name == 'endpoints.json':
            yield p['partition'], p['dnsSuffix'], p['regionRegex'], list(p['regions'])
        else:
            yield p['id'], p['outputs']['dnsSuffix'], p['regionRegex'], list(p['regions'])


def regions_of(files):
    """{region: (partition, dns suffix)} from the files of read_source."""
    regions = {}
    for name in SOURCE_FILES:
        if name not in files:
            continue
        for partition, suffix, regex, names in partition_entries(name, files[name][1]):
            for region in names:
                if not re.match(regex, region):
                    continue
                if not REGION_SHAPE.match(region):
                    raise SourceError(f'{name}: region "{region}" is not region-shaped')
                if region in regions and regions[region] != (partition, suffix):
                    raise SourceError(f'{name}: region "{region}" is in {partition} ({suffix}) '
                                      f'but also in {regions[region][0]} ({regions[region][1]})')
                regions[region] = (partition, suffix)
    return regions


def banner_source(version, debian, hashes):
    """The banner's lines that name the source (no leading " * ")."""
    lines = [f'botocore {version}' + (f' (Debian python3-botocore {debian})' if debian else '') + ':']
    for name in list(SOURCE_FILES) + [rel for _, rel in RULE_SETS]:
        if name in hashes:
            lines.append(f'  data/{name} sha256 {hashes[name]}')
    return lines


def c_value(v):
    """A Python value of a table row as C: str, None, bool, int."""
    if v is None:
        return 'NULL'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    if '"' in v or '\\' in v:
        raise SourceError(f'{v!r} cannot be written as a plain C string')
    return f'"{v}"'


def c_row(values):
    return '\t{' + ', '.join(c_value(v) for v in values) + '},'


def render(version, debian, hashes, regions, partitions=(), rules=()):
    """The C file for regions {name: (partition, suffix)}, partitions [(id, regex, suffix,
    dual-stack suffix, FIPS, dual-stack)] and rules (flatten_rules' rows) from the source
    described."""
    out = []
    out.append('/*-------------------------------------------------------------------------')
    out.append(' * regions_data.c')
    out.append(' *\t\tThe regions of AWS\'s partitions, the partitions and the endpoint')
    out.append(' *\t\trules of RDS and STS, as the SDKs\' endpoint data give them:')
    out.append(' *\t\tGENERATED by test/unit/gen_regions.py, do not edit.')
    out.append(' *')
    out.append(' * Source:')
    for line in banner_source(version, debian, hashes):
        out.append(' * ' + line)
    out.append(' * partitions[].regions whose names match the partition\'s regionRegex, with')
    out.append(' * the partition and its dnsSuffix; sorted by name.  The partitions of')
    out.append(' * partitions.json in its order, regionRegex as a POSIX extended regex.')
    out.append(' * The rules of each service\'s endpoint-rule-set-1.json, flattened in')
    out.append(' * order (the first rule whose conditions hold decides; the branches for')
    out.append(' * an endpoint override are left out: endpoint.c handles those first).')
    out.append(' * Regenerate (and run test/unit/check_regions.py) when a newer botocore')
    out.append(' * lists more regions.  Pure data: no PostgreSQL.')
    out.append(' *-------------------------------------------------------------------------')
    out.append(' */')
    out.append('#include "regions.h"')
    out.append('')
    out.append(f'const char RdsRegionsSource[] = "botocore {version}";')
    out.append('')
    out.append('const RdsKnownRegion RdsKnownRegions[] = {')
    for region in sorted(regions):
        partition, suffix = regions[region]
        out.append(f'\t{{"{region}", "{partition}", "{suffix}"}},')
    out.append('};')
    out.append('')
    out.append('const int\tRdsKnownRegionCount = sizeof(RdsKnownRegions) / sizeof(RdsKnownRegions[0]);')
    out.append('')
    out.append('/*')
    out.append(' * id, region regex, dnsSuffix, dualStackDnsSuffix, supportsFIPS,')
    out.append(' * supportsDualStack; then whether botocore\'s endpoints.json resolver has')
    out.append(' * a FIPS, a dual-stack and a FIPS dual-stack endpoint of rds and sts there')
    out.append(' * (it raises EndpointVariantError before the rules run when it has none)')
    out.append(' */')
    out.append('const RdsPartition RdsPartitions[] = {')
    for row in partitions:
        out.append(c_row(row))
    out.append('};')
    out.append('')
    out.append('const int\tRdsPartitionCount = sizeof(RdsPartitions) / sizeof(RdsPartitions[0]);')
    out.append('')
    out.append('/*')
    out.append(' * service, UseFIPS, UseDualStack, UseGlobalEndpoint (-1: any), partition,')
    out.append(' * region, needs supportsFIPS, needs supportsDualStack, URL, signing region')
    out.append(' * (NULL: the region), error')
    out.append(' */')
    out.append('const RdsEndpointRule RdsEndpointRules[] = {')
    for row in rules:
        out.append(c_row(row))
    out.append('};')
    out.append('')
    out.append('const int\tRdsEndpointRuleCount = sizeof(RdsEndpointRules) / sizeof(RdsEndpointRules[0]);')
    return '\n'.join(out) + '\n'


def legacy_global_sts_regions(botocore_dir):
    """botocore's args.LEGACY_GLOBAL_STS_REGIONS (the regions AWS_STS_REGIONAL_ENDPOINTS=legacy
    sends to sts.amazonaws.com), read from args.py's text, or None when it has none."""
    try:
        with open(os.path.join(botocore_dir, 'args.py'), encoding='utf-8') as f:
            m = re.search(r'^LEGACY_GLOBAL_STS_REGIONS = \[([^\]]*)\]', f.read(), re.M)
    except OSError:
        return None
    return None if m is None else set(re.findall(r"'([^']+)'", m.group(1)))


def generate(botocore_dir):
    """(C text, {region: (partition, suffix)}) for an installed botocore."""
    files = read_source(botocore_dir)
    regions = regions_of(files)
    partitions = partitions_of(files, unsupported_dualstack_partitions(botocore_dir))
    rule_sets = read_rule_sets(botocore_dir)
    rules = []
    for service, _ in RULE_SETS:
        rules += flatten_rules(service, rule_sets[service][2])
    # the rules' global STS regions are botocore's list (its UseGlobalEndpoint builtin is true
    # only for those, endpoint.c sets it for legacy mode and lets the rules check the region)
    legacy = legacy_global_sts_regions(botocore_dir)
    in_rules = {r[5] for r in rules if r[0] == 'sts' and r[3] == 1 and r[5] is not None}
    if legacy is not None and legacy != in_rules:
        raise SourceError(f'args.py LEGACY_GLOBAL_STS_REGIONS {sorted(legacy)} differ from the '
                          f'STS rule set\'s {sorted(in_rules)}')
    hashes = {name: files[name][0] for name in files}
    hashes.update({rel: h for rel, h, _ in rule_sets.values()})
    return render(botocore_version(botocore_dir), debian_package_version(botocore_dir), hashes,
                  regions, partitions, rules), regions


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    text, regions = generate(argv[1])
    with open(argv[2] + '.tmp', 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(argv[2] + '.tmp', argv[2])
    print(f'{argv[2]}: {len(regions)} regions from botocore {botocore_version(argv[1])}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
