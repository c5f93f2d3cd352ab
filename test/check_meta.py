#!/usr/bin/env python3
"""test/check_meta.py: checks META.json against the PGXN Meta Spec 1.0.0
(https://pgxn.org/spec/) and against the repository itself.

    python3 test/check_meta.py [META.json]     (run by test/matrix.sh)

The spec's rules, as checked here:
  - required keys: name, abstract, maintainer, license, provides, version,
    meta-spec (with version "1.0.0"); any other key is one of the optional
    keys (description, generated_by, tags, no_index, prereqs,
    release_status, resources) or a custom key that starts with x_ or X_;
  - name: at least two characters, none of them "/", "\\" or a control
    character; versions are semantic versions (MAJOR.MINOR.PATCH, an
    optional pre-release suffix); maintainer a string or a list of them;
    license a known license string, a list of them, or an object of
    name -> URL;
  - provides: extension name -> {file (required), version (required),
    abstract, docfile}; prereqs: phase (configure, build, runtime, test,
    develop) -> relation (requires, recommends, suggests, conflicts) ->
    name -> version range ("0", "1.2.3", ">= 1.2.3", "!= 1.2.3, < 2.0.0");
    release_status stable, testing or unstable; resources: homepage (URL),
    bugtracker {web, mailto}, repository {url, web, type}; tags a list of
    strings of 1 to 255 characters; no_index {file, directory} lists.
And against the repository: the version (and the extension's) is
rds_copy.control's default_version as a semantic version ("1.0" ->
"1.0.0"), the extension is named after its control file, the files named
exist, and PostgreSQL >= 15 is required.

Prints one line per check and "N passed, M failed"; exits 1 if any failed.
"""
import json
import os
import re
import sys

LICENSES = {
    'agpl_3', 'apache_1_1', 'apache_2_0', 'artistic_1', 'artistic_2', 'bsd',
    'freebsd', 'gfdl_1_2', 'gfdl_1_3', 'gpl_1', 'gpl_2', 'gpl_3', 'lgpl_2_1',
    'lgpl_3_0', 'mit', 'mozilla_1_0', 'mozilla_1_1', 'openssl', 'perl_5',
    'postgresql', 'qpl_1_0', 'ssleay', 'sun', 'zlib', 'open_source',
    'restricted', 'unrestricted', 'unknown',
}
REQUIRED = {'name', 'abstract', 'maintainer', 'license', 'provides', 'version', 'meta-spec'}
OPTIONAL = {'description', 'generated_by', 'tags', 'no_index', 'prereqs',
            'release_status', 'resources'}
SEMVER = re.compile(r'^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-?[A-Za-z][0-9A-Za-z-]*)?$')
RANGE_PART = re.compile(r'^(?:(?:==|!=|>=|<=|>|<)\s*)?(\S+)$')
URL = re.compile(r'^[a-z][a-z0-9+.-]*://\S+$')

results = []


def check(name, ok, detail=''):
    results.append(bool(ok))
    print(('ok   ' if ok else 'FAIL ') + name + ('' if ok or not detail else ': ' + detail))


def is_str(v):
    return isinstance(v, str) and v != ''


def custom(key):
    return key.startswith('x_') or key.startswith('X_')


def version_range(v):
    if not is_str(v):
        return False
    if v == '0':
        return True
    for part in v.split(','):
        m = RANGE_PART.match(part.strip())
        if not m or not (m.group(1) == '0' or SEMVER.match(m.group(1))):
            return False
    return True


def license_ok(v):
    if isinstance(v, str):
        return v in LICENSES
    if isinstance(v, list):
        return len(v) > 0 and all(isinstance(x, str) and x in LICENSES for x in v)
    if isinstance(v, dict):
        return len(v) > 0 and all(is_str(k) and is_str(u) and URL.match(u) for k, u in v.items())
    return False


def spec_checks(meta):
    keys = set(meta)
    check('required keys present', REQUIRED <= keys, 'missing ' + ', '.join(sorted(REQUIRED - keys)))
    unknown = sorted(k for k in keys - REQUIRED - OPTIONAL if not custom(k))
    check('no unknown key (custom keys start with x_)', not unknown, ', '.join(unknown))
    name = meta.get('name')
    check('name: 2+ characters, no "/", "\\" or control character',
          is_str(name) and len(name) >= 2 and not re.search(r'[/\\\x00-\x1f\x7f]', name), repr(name))
    check('abstract: a string', is_str(meta.get('abstract')))
    check('version: a semantic version', is_str(meta.get('version')) and SEMVER.match(meta['version']),
          repr(meta.get('version')))
    m = meta.get('maintainer')
    check('maintainer: a string or a list of strings',
          is_str(m) or (isinstance(m, list) and m and all(is_str(x) for x in m)), repr(m))
    check('license: known license string(s) or name -> URL', license_ok(meta.get('license')),
          repr(meta.get('license')))
    ms = meta.get('meta-spec')
    check('meta-spec: {"version": "1.0.0"}',
          isinstance(ms, dict) and ms.get('version') == '1.0.0'
          and all(k in ('version', 'url') or custom(k) for k in ms)
          and ('url' not in ms or (is_str(ms['url']) and URL.match(ms['url']))), repr(ms))
    prov = meta.get('provides')
    ok = isinstance(prov, dict) and len(prov) > 0
    why = 'not a non-empty object'
    if ok:
        for ext, p in prov.items():
            if not (is_str(ext) and isinstance(p, dict)):
                ok, why = False, f'{ext}: not an object'
            elif not (is_str(p.get('file')) and is_str(p.get('version')) and SEMVER.match(p['version'])):
                ok, why = False, f'{ext}: needs file and a semantic version'
            elif any(k not in ('file', 'version', 'abstract', 'docfile') and not custom(k) for k in p):
                ok, why = False, f'{ext}: unknown key'
            elif any(k in p and not is_str(p[k]) for k in ('abstract', 'docfile')):
                ok, why = False, f'{ext}: abstract and docfile are strings'
    check('provides: name -> {file, version, abstract, docfile}', ok, why)
    if 'description' in meta:
        check('description: a string', is_str(meta['description']))
    if 'generated_by' in meta:
        check('generated_by: a string', is_str(meta['generated_by']))
    if 'tags' in meta:
        t = meta['tags']
        check('tags: a list of strings of 1 to 255 characters',
              isinstance(t, list) and all(isinstance(x, str) and 0 < len(x) <= 255 for x in t))
    if 'no_index' in meta:
        n = meta['no_index']
        check('no_index: {file, directory} lists of strings',
              isinstance(n, dict) and all((k in ('file', 'directory') or custom(k)) for k in n)
              and all(isinstance(v, list) and all(is_str(x) for x in v)
                      for k, v in n.items() if not custom(k)))
    if 'release_status' in meta:
        check('release_status: stable, testing or unstable',
              meta['release_status'] in ('stable', 'testing', 'unstable'))
    if 'prereqs' in meta:
        pr, ok, why = meta['prereqs'], True, ''
        if not isinstance(pr, dict):
            ok, why = False, 'not an object'
        else:
            for phase, rels in pr.items():
                if custom(phase):
                    continue
                if phase not in ('configure', 'build', 'runtime', 'test', 'develop') or not isinstance(rels, dict):
                    ok, why = False, f'phase {phase}'
                    continue
                for rel, reqs in rels.items():
                    if custom(rel):
                        continue
                    if rel not in ('requires', 'recommends', 'suggests', 'conflicts') or not isinstance(reqs, dict):
                        ok, why = False, f'{phase}.{rel}'
                        continue
                    for dep, rng in reqs.items():
                        if not (is_str(dep) and version_range(rng)):
                            ok, why = False, f'{phase}.{rel}.{dep} = {rng!r}'
        check('prereqs: phase -> relation -> name -> version range', ok, why)
    if 'resources' in meta:
        r, ok, why = meta['resources'], True, ''
        if not isinstance(r, dict):
            ok, why = False, 'not an object'
        else:
            for k, v in r.items():
                if custom(k):
                    continue
                if k == 'homepage':
                    ok = ok and is_str(v) and bool(URL.match(v))
                elif k == 'bugtracker':
                    ok = ok and isinstance(v, dict) and all(
                        (kk in ('web', 'mailto') and is_str(vv)) or custom(kk) for kk, vv in v.items())
                elif k == 'repository':
                    ok = ok and isinstance(v, dict) and all(
                        (kk in ('url', 'web', 'type') and is_str(vv)) or custom(kk) for kk, vv in v.items())
                else:
                    ok, why = False, f'unknown resource {k}'
        check('resources: homepage, bugtracker, repository', ok, why)


def semver_of(control_version):
    parts = control_version.split('.')
    while len(parts) < 3:
        parts.append('0')
    return '.'.join(parts)


def repo_checks(meta, repo):
    controls = sorted(f[:-len('.control')] for f in os.listdir(repo) if f.endswith('.control'))
    check('one extension, named after its control file',
          isinstance(meta.get('provides'), dict) and sorted(meta['provides']) == controls,
          f'provides {sorted(meta.get("provides") or {})}, control files {controls}')
    for ext in controls:
        text = open(os.path.join(repo, ext + '.control'), encoding='utf-8').read()
        m = re.search(r"^\s*default_version\s*=\s*'([^']*)'", text, re.M)
        want = semver_of(m.group(1)) if m else None
        check(f'version is {ext}.control\'s default_version ({m and m.group(1)} -> {want})',
              want is not None and meta.get('version') == want, repr(meta.get('version')))
        p = (meta.get('provides') or {}).get(ext, {})
        check(f'provides.{ext}.version is the default_version too', p.get('version') == want,
              repr(p.get('version')))
        for key in ('file', 'docfile'):
            if key in p:
                check(f'provides.{ext}.{key} exists ({p[key]})', os.path.isfile(os.path.join(repo, p[key])))
    req = (((meta.get('prereqs') or {}).get('runtime') or {}).get('requires') or {}).get('PostgreSQL')
    check('runtime requires PostgreSQL >= 15', req in ('15.0.0', '>= 15.0.0'), repr(req))
    lic = open(os.path.join(repo, 'LICENSE'), encoding='utf-8').read()
    check('license matches LICENSE (PostgreSQL License)',
          meta.get('license') == 'postgresql' and lic.startswith('PostgreSQL License'))


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(repo, 'META.json')
    try:
        meta = json.load(open(path, encoding='utf-8'))
    except (OSError, ValueError) as e:
        check('META.json is JSON', False, str(e))
        meta = None
    if meta is not None:
        check('META.json is a JSON object', isinstance(meta, dict))
        if isinstance(meta, dict):
            spec_checks(meta)
            repo_checks(meta, repo)
    failed = results.count(False)
    print(f'{len(results) - failed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
