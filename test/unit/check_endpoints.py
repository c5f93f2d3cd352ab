#!/usr/bin/python3
"""test/unit/check_endpoints.py: rds_copy's endpoints against botocore's, region by region.

  /usr/bin/python3 test/unit/check_endpoints.py build/endpoint_vectors

The endpoint vector test of issue 12.  For every region botocore knows (the regions of its
partitions.json, the endpoint names of rds in its endpoints.json, the FIPS pseudo-regions
fips-<region> and <region>-fips of every region of src/regions_data.c) and the newer partitions'
regions from AWS's documentation (eusc-de-east-1, eu-isoe-west-1, us-isof-south-1), for rds and
sts, for each variant {plain, FIPS, dual-stack, both} (and for sts, sts_regional_endpoints
regional and legacy), it asks

- rds_copy: endpoint_vectors (test/unit/endpoint_vectors.c, linking src/endpoint.c, regions.c,
  regions_data.c and validate.c) prints the host and signing region, or the error, and whether
  the region passes the built-in allow-list;
- botocore: a client made with Config(use_fips_endpoint, use_dualstack_endpoint) and
  region_name (a Session with sts_regional_endpoints set, so that botocore 1.29's legacy default
  does not decide), one call whose request is stopped in a before-send hook (no network):
  the request URL's host and the Authorization header's credential scope region;

and both must agree: same host and signing region, and the region allowed; where botocore
raises, rds_copy refuses (an error, or a region the allow-list refuses).  The partitions'
global pseudo-regions (aws-global, aws-cn-global, ...: in partitions.json, outside the
regionRegex) are refused by rds_copy on purpose (gen_regions.py: no RDS endpoint answers there).

Where this botocore is older than the data src/regions_data.c was generated from (its
partition of the region has other outputs, or it does not know the region: Debian 12's 1.29
knows neither aws-eusc nor dual-stack in aws-iso), the expected answer is botocore's own rule
engine (botocore.endpoint_provider.EndpointProvider) run on the table's source data
(partitions.json and the rule sets of the botocore the table's banner names, when that
botocore is on this machine: the matrix's Debian sid root), with the client's own steps around
it (the FIPS pseudo-region rule of client.py _normalize_fips_region, the UseGlobalEndpoint
builtin of args.py).  When that data is not here either, the newer regions are compared with
documented facts (DOCUMENTED below) and the rest of the cases of such a region are skipped (a
"skip" line, not counted).

Then the PreSignedUrl of a cross-region copy: botocore's generated PreSignedUrl host and its
credential scope region (copy_db_cluster_snapshot with SourceRegion) against rds_copy's
(RdsPresignEndpoint), for pairs of regions of one partition, each variant, without an endpoint
override, with an override whose host names the destination region, and with one that does not.

One check per region and service (all its variants), one per pair of regions of a pre-signed
URL (all variants and overrides); "N passed, M failed" last.
"""
import json
import os
import re
import subprocess
import sys
import urllib.parse

# botocore must see no configuration of this machine: no AWS_* variable, no ~/.aws
for _name in list(os.environ):
    if _name.startswith('AWS_'):
        del os.environ[_name]
os.environ['AWS_CONFIG_FILE'] = os.devnull
os.environ['AWS_SHARED_CREDENTIALS_FILE'] = os.devnull

import botocore  # noqa: E402
import botocore.session  # noqa: E402
from botocore.config import Config  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_regions  # noqa: E402
import gen_regions  # noqa: E402

VARIANTS = ((False, False), (True, False), (False, True), (True, True))
NEWER_REGIONS = ('eusc-de-east-1', 'eu-isoe-west-1', 'us-isof-south-1')
# an endpoint override (create_client(endpoint_url=...)), as the stand-ins are reached
OVERRIDE = 'https://127.0.0.1:8443/'


# The newer partitions as AWS documents them, for a machine whose botocore predates them and
# that has no newer botocore's data: the DNS suffixes of the partitions of
# eusc-de-east-1 (AWS European Sovereign Cloud), eu-isoe-west-1 and us-isof-south-1, as
# botocore 1.43.117's data/partitions.json (Debian sid python3-botocore 1.43.117+repack-1) lists
# them: dnsSuffix, dualStackDnsSuffix (supportsFIPS and supportsDualStack are true for all
# three); and whether that botocore's client makes a dual-stack endpoint there: its
# data/endpoints.json has dual-stack defaults for aws-eusc but none for aws-iso-e and aws-iso-f,
# so there it raises EndpointVariantError (regions.py EndpointResolver._resolve).
DOCUMENTED = {
    'eusc-de-east-1': ('amazonaws.eu', 'api.amazonwebservices.eu', True),
    'eu-isoe-west-1': ('cloud.adc-e.uk', 'api.cloud-aws.adc-e.uk', False),
    'us-isof-south-1': ('csp.hci.ic.gov', 'api.aws.hci.ic.gov', False),
}

SNAPSHOT_ARN = 'arn:{partition}:rds:{region}:123456789012:cluster-snapshot:vec-source'


class Stop(Exception):
    pass


class Oracle:
    """botocore's answers, from clients of one session per sts_regional_endpoints value."""

    def __init__(self):
        self.sessions = {}
        for mode in ('regional', 'legacy'):
            s = botocore.session.Session()
            s.set_credentials('AKIDVECTORTEST', 'vector-secret')
            s.set_config_variable('sts_regional_endpoints', mode)
            self.sessions[mode] = s

    def _client(self, service, region, fips, dual, legacy=False, endpoint_url=None):
        cfg = Config(use_fips_endpoint=fips, use_dualstack_endpoint=dual,
                     retries={'max_attempts': 1, 'mode': 'standard'})
        return self.sessions['legacy' if legacy else 'regional'].create_client(
            service, region_name=region, config=cfg, endpoint_url=endpoint_url)

    @staticmethod
    def _capture(client, call):
        seen = {}

        def before_send(request, **kwargs):
            seen['url'] = request.url
            seen['body'] = request.body
            auth = request.headers.get('Authorization')
            seen['auth'] = auth.decode() if isinstance(auth, bytes) else auth
            raise Stop()

        client.meta.events.register('before-send', before_send)
        try:
            call(client)
        except Stop:
            pass
        return seen

    def endpoint(self, service, region, fips, dual, legacy=False, override=None):
        """('OK', host, signing region) or ('ERR', exception name)."""
        try:
            client = self._client(service, region, fips, dual, legacy, override)
            if service == 'rds':
                seen = self._capture(client, lambda c: c.describe_db_cluster_snapshots())
            else:
                seen = self._capture(client, lambda c: c.get_caller_identity())
        except Exception as e:  # botocore raises for a variant the partition lacks
            return ('ERR', type(e).__name__)
        host = urllib.parse.urlsplit(seen['url']).netloc
        scope = seen['auth'].split('Credential=')[1].split(',')[0].split('/')
        return ('OK', host, scope[2])

    def presign(self, region, source, fips, dual, endpoint_url=None):
        """('OK', PreSignedUrl host, its credential scope region) or ('ERR', name)."""
        partition = 'aws'
        try:
            client = self._client('rds', region, fips, dual, endpoint_url=endpoint_url)
            arn = SNAPSHOT_ARN.format(partition=partition, region=source)
            seen = self._capture(client, lambda c: c.copy_db_cluster_snapshot(
                SourceDBClusterSnapshotIdentifier=arn, TargetDBClusterSnapshotIdentifier='vec-target',
                KmsKeyId='alias/vec', SourceRegion=source))
        except Exception as e:
            return ('ERR', type(e).__name__)
        body = urllib.parse.parse_qs(seen['body'] if isinstance(seen['body'], str)
                                     else seen['body'].decode())
        url = urllib.parse.urlsplit(body['PreSignedUrl'][0])
        credential = urllib.parse.parse_qs(url.query)['X-Amz-Credential'][0].split('/')
        return ('OK', url.netloc, credential[2])


def partition_of(partitions, region):
    """botocore's aws.partition over [(id, regex, regions, outputs tuple)]: the first partition
    that names the region or whose regex matches it, else the first."""
    for pid, regex, names, outputs in partitions:
        if region in names or re.match(regex, region):
            return pid, outputs
    return partitions[0][0], partitions[0][3]


def botocore_partitions(data):
    """partitions.json as partition_of wants it."""
    return [(p['id'], p['regionRegex'], set(p['regions']),
             (p['outputs']['dnsSuffix'], p['outputs']['dualStackDnsSuffix'],
              bool(p['outputs']['supportsFIPS']), bool(p['outputs']['supportsDualStack'])))
            for p in data['partitions']]


def table_partitions(regions, rows):
    """src/regions_data.c's partitions as partition_of wants them (its POSIX regexes are valid
    Python regexes with the same meaning: only [..], (..|..), ^ and $)."""
    names = {}
    for name, partition, _ in regions:
        names.setdefault(partition, set()).add(name)
    return [(r[0], r[1], names.get(r[0], set()), (r[2], r[3], r[4], r[5])) for r in rows]


def normalize_fips(region):
    """botocore client.py _normalize_fips_region."""
    real = region.replace('fips-', '').replace('-fips', '')
    return real, real != region


class SourceRules:
    """botocore's EndpointProvider on the table's source data (another botocore's files)."""

    def __init__(self, source_dir):
        from botocore.endpoint_provider import EndpointProvider
        from botocore.regions import EndpointResolver
        with open(os.path.join(source_dir, 'data', 'partitions.json')) as f:
            partitions = json.load(f)
        with open(os.path.join(source_dir, 'data', 'endpoints.json')) as f:
            self.legacy = EndpointResolver(json.load(f))
        self.providers = {}
        for service, rel in gen_regions.RULE_SETS:
            with open(os.path.join(source_dir, 'data', rel)) as f:
                self.providers[service] = EndpointProvider(json.load(f), partitions)
        self.legacy_regions = gen_regions.legacy_global_sts_regions(source_dir) or set()
        self.name = f'botocore {botocore.__version__}\'s rule engine on botocore ' \
                    f'{gen_regions.botocore_version(source_dir)}\'s data'

    def endpoint(self, service, region, fips, dual, legacy=False, override=None):
        if not re.match(r'^[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?$', region):
            return ('ERR', 'InvalidRegionError')  # botocore's client validates the name first
        real, pseudo = normalize_fips(region)
        # the client's endpoints.json resolution first (client.py ClientEndpointBridge.resolve:
        # the partitions, then the aws partition); it raises for a variant it lacks
        try:
            if not self.legacy.construct_endpoint(service, real, use_dualstack_endpoint=dual,
                                                  use_fips_endpoint=fips or pseudo):
                self.legacy.construct_endpoint(service, real, partition_name='aws',
                                               use_dualstack_endpoint=dual,
                                               use_fips_endpoint=fips or pseudo)
        except Exception as e:
            return ('ERR', type(e).__name__)
        if override:
            return ('OK', urllib.parse.urlsplit(override).netloc, real)
        params = {'Region': real, 'UseFIPS': fips or pseudo, 'UseDualStack': dual}
        if service == 'sts':
            params['UseGlobalEndpoint'] = legacy and real in self.legacy_regions
        try:
            ep = self.providers[service].resolve_endpoint(**params)
        except Exception as e:
            return ('ERR', type(e).__name__)
        signing = real
        for scheme in ep.properties.get('authSchemes', []):
            signing = scheme.get('signingRegion', signing)
        return ('OK', urllib.parse.urlsplit(ep.url).netloc, signing)


def documented(service, region, fips, dual, legacy=False, override=None):
    suffix, dual_suffix, dual_ok = DOCUMENTED[region]
    if dual and not dual_ok:
        return ('ERR', 'EndpointVariantError')
    if override:
        return ('OK', urllib.parse.urlsplit(override).netloc, region)
    return ('OK', f'{service}{"-fips" if fips else ""}.{region}.{dual_suffix if dual else suffix}',
            region)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    passed = failed = 0

    def report(ok, what):
        nonlocal passed, failed
        passed += ok
        failed += not ok
        print(('ok   ' if ok else 'FAIL ') + what)

    with open(check_regions.DATA_C, encoding='utf-8') as f:
        version, _, hashes, regions, partition_rows, _ = check_regions.parse_data_c(f.read())
    table = table_partitions(regions, partition_rows)
    table_names = sorted(r[0] for r in regions)

    boto_dir = os.path.dirname(botocore.__file__)
    boto_files = gen_regions.read_source(boto_dir)
    theirs = botocore_partitions(boto_files['partitions.json'][1])
    global_pseudo = {name for p in boto_files['partitions.json'][1]['partitions']
                     for name in p['regions'] if not re.match(p['regionRegex'], name)}

    # the table's source botocore, when it is on this machine (check_regions.py finds it alike)
    source = None
    for d in check_regions.botocore_dirs():
        try:
            if gen_regions.botocore_version(d) != version:
                continue
            files = gen_regions.read_source(d)
            h = {name: files[name][0] for name in files}
            h.update({rel: x for rel, x, _ in gen_regions.read_rule_sets(d).values()})
        except (OSError, ValueError, gen_regions.SourceError):
            continue
        if h == hashes:
            source = d
            break
    same_data = os.path.realpath(source or '') == os.path.realpath(boto_dir)
    fallback = SourceRules(source) if source is not None and not same_data else None
    print(f'oracle: botocore {botocore.__version__} ({boto_dir}); table from botocore {version}'
          + ('' if same_data else f'; where they differ: {fallback.name}' if fallback
             else '; where they differ: documented facts, or skipped'))

    # the regions to ask about
    names = set(table_names) | set(NEWER_REGIONS)
    for p in boto_files['partitions.json'][1]['partitions']:
        names |= set(p['regions'])
    for p in boto_files['endpoints.json'][1]['partitions']:
        names |= set(p['services'].get('rds', {}).get('endpoints', {}))
    for r in table_names:
        names |= {f'fips-{r}', f'{r}-fips'}
    names = sorted(names)

    questions = []
    for service in ('rds', 'sts'):
        for region in names:
            for fips, dual in VARIANTS:
                for legacy in ((False, True) if service == 'sts' else (False,)):
                    questions.append((service, region, fips, dual, legacy, None))
                if service == 'rds':
                    questions.append((service, region, fips, dual, False, OVERRIDE))
    # presign pairs: within a partition, both ways; every variant
    pairs = [('us-east-1', 'us-west-2'), ('us-west-2', 'eu-central-1'), ('ap-south-1', 'us-east-1'),
             ('us-gov-east-1', 'us-gov-west-1'), ('cn-northwest-1', 'cn-north-1'),
             ('us-iso-east-1', 'us-iso-west-1'), ('eu-west-1', 'us-east-1')]
    overrides = [None, 'https://rds.{region}.vector.test:8443/', 'https://127.0.0.1:8443/',
                 'https://{region}.{region}.vector.test/']
    presigns = []
    for dest, src in pairs:
        for fips, dual in VARIANTS:
            for override in overrides:
                presigns.append((dest, src, fips, dual, override))

    lines = [f'endpoint {s} {r} {int(f)} {int(d)} {int(l)} {o or "-"}' for s, r, f, d, l, o in questions]
    lines += [f'presign {dest} {src} {int(f)} {int(d)} '
              + (o.format(region=dest) if o else '-') for dest, src, f, d, o in presigns]
    out = subprocess.run([argv[1]], input='\n'.join(lines) + '\n', capture_output=True, text=True,
                         check=True).stdout.splitlines()
    if len(out) != len(lines):
        report(False, f'{argv[1]} answered {len(out)} of {len(lines)} questions')
        print(f'{passed} passed, {failed} failed')
        return 1
    ours = [tuple(line.split()) for line in out]

    oracle = Oracle()
    skipped = 0
    results = {}
    for q, answer in zip(questions, ours):
        service, region, fips, dual, legacy, override = q
        real, _ = normalize_fips(region)
        known_here = partition_of(theirs, real) == partition_of(table, real)
        if same_data or known_here:
            expected, source_name = oracle.endpoint(*q), 'botocore'
        elif fallback is not None:
            expected, source_name = fallback.endpoint(*q), fallback.name
        elif region in DOCUMENTED:
            expected, source_name = documented(*q), 'documented'
        else:
            skipped += 1
            continue
        if answer[0] == 'OK':
            got = ('OK', answer[1], answer[2]) if answer[3] == '1' else ('REFUSED', 'not allowed')
        else:
            got = ('ERR', answer[1])
        if expected[0] == 'OK' and region in global_pseudo:
            ok = got[0] != 'OK'  # refused on purpose
            note = 'a global pseudo-region: refused on purpose'
        elif expected[0] == 'OK':
            ok = got == expected
            note = ''
        else:
            ok = got[0] != 'OK'
            note = ''
        key = (service, region)
        results.setdefault(key, []).append((ok, q, expected, got, source_name, note))

    for (service, region), rows in results.items():
        bad = [r for r in rows if not r[0]]
        sources = sorted({r[4] for r in rows})
        what = f'{service} {region}: {len(rows)} variants as {", ".join(sources)}'
        if rows[0][5]:
            what += f' ({rows[0][5]})'
        if bad:
            what += '; differ: ' + '; '.join(
                f'fips={q[2]:d} dual={q[3]:d} legacy={q[4]:d} override={q[5] or "-"}: expected {" ".join(e)}, rds_copy {" ".join(g)}'
                for _, q, e, g, _, _ in bad[:4]) + (f' (+{len(bad) - 4} more)' if len(bad) > 4 else '')
        report(not bad, what)

    presign_results = {}
    for p, answer in zip(presigns, ours[len(questions):]):
        dest, src, fips, dual, override = p
        url = override.format(region=dest) if override else None
        got = ('OK', answer[1], answer[2]) if answer[0] == 'OK' else ('ERR', answer[1])
        if same_data or url or partition_of(theirs, dest) == partition_of(table, dest):
            expected = oracle.presign(dest, src, fips, dual, url)
        elif fallback is not None:
            # botocore's rule (the destination's URL with the region replaced) on the host that
            # the rule engine gives for the table's data
            ref = fallback.endpoint('rds', dest, fips, dual)
            expected = ('OK', ref[1].replace(dest, src), src) if ref[0] == 'OK' else ref
        else:
            skipped += 1
            continue
        ok = got == expected if expected[0] == 'OK' else got[0] != 'OK'
        presign_results.setdefault((dest, src), []).append(
            (ok, f'fips={fips:d} dual={dual:d} override={url or "-"}: botocore {" ".join(expected)}, '
                 f'rds_copy {" ".join(got)}'))
    for (dest, src), rows in presign_results.items():
        bad = [text for ok, text in rows if not ok]
        report(not bad, f'PreSignedUrl of a copy to {dest} from {src}: {len(rows)} variants and overrides'
               + ('; differ: ' + '; '.join(bad[:4]) if bad else ''))
    if skipped:
        print(f'skip {skipped} cases of regions whose partition this botocore describes otherwise '
              f'than botocore {version}, whose data is not on this machine')
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
