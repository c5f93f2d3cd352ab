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

The output depends only on the input files: running the generator twice on the same botocore
gives the same bytes.
"""
import hashlib
import json
import os
import re
import sys

SOURCE_FILES = ('endpoints.json', 'partitions.json')
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
    for name in SOURCE_FILES:
        if name in hashes:
            lines.append(f'  data/{name} sha256 {hashes[name]}')
    return lines


def render(version, debian, hashes, regions):
    """The C file for regions {name: (partition, suffix)} from the source described."""
    out = []
    out.append('/*-------------------------------------------------------------------------')
    out.append(' * regions_data.c')
    out.append(' *\t\tThe regions of AWS\'s partitions, as the SDKs\' endpoint data lists')
    out.append(' *\t\tthem: GENERATED by test/unit/gen_regions.py, do not edit.')
    out.append(' *')
    out.append(' * Source:')
    for line in banner_source(version, debian, hashes):
        out.append(' * ' + line)
    out.append(' * partitions[].regions whose names match the partition\'s regionRegex, with')
    out.append(' * the partition and its dnsSuffix; sorted by name.  Regenerate (and run')
    out.append(' * test/unit/check_regions.py) when a newer botocore lists more regions.')
    out.append(' * Pure data: no PostgreSQL.')
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
    return '\n'.join(out) + '\n'


def generate(botocore_dir):
    """(C text, {region: (partition, suffix)}) for an installed botocore."""
    files = read_source(botocore_dir)
    regions = regions_of(files)
    hashes = {name: files[name][0] for name in files}
    return render(botocore_version(botocore_dir), debian_package_version(botocore_dir), hashes,
                  regions), regions


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
