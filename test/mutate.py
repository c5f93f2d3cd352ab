#!/usr/bin/python3
"""test/mutate.py: plant deliberate bugs outside the signer, one at a time, and show that
the tests notice each one.  As root, after the README's test command has installed the
packages once:

  /usr/bin/python3 test/mutate.py            every mutant (about 25 minutes on 2 cores)
  /usr/bin/python3 test/mutate.py NAME ...   only these
  /usr/bin/python3 test/mutate.py --list     the mutants and the suites that should catch them

Each mutant is a copy of the working tree (in /tmp) with one exact text replacement in src/
(it must match exactly once, else the mutant is reported as not planted), built and tested
with the suites named for it, in order, until one fails.  A mutant is "killed" when a suite
fails and "SURVIVED" when all pass: a surviving bug needs a new test.  Prints a line per
mutant and ends with "N killed, M survived"; exits 1 if any survived or was not planted.
The signer has its own: make -C test/unit mutants.  Not part of test/run_all.sh.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# a suite still running after this long has hung on the mutant (counted as caught)
SUITE_TIMEOUT = 900

# (name, file, text, replacement, suites): a suite is "layer:NAME" (bash test/run_all.sh NAME)
# or "suite:NAME" (bash test/integration/NAME.sh).
MUTANTS = [
    ('process-output-not-wiped', 'src/credfetch.c',
     '\t\tRdsBufWipe(&output);\n\t\tRdsJsonCredentialsWipe(&doc);\n',
     '\t\tRdsJsonCredentialsWipe(&doc);\n', ['suite:secrets']),
    ('wrong-sqlstate', 'src/awscodes.c',
     '{"DBClusterSnapshotNotFoundFault", "42704", 0},',
     '{"DBClusterSnapshotNotFoundFault", "42P01", 0},', ['layer:regress']),
    ('reconcile-always-succeeds', 'src/action_copy.c',
     '\t\t\t\tRdsSnapshotStatusIsLive(status);\n',
     '\t\t\t\tRdsSnapshotStatusIsLive(status);\n\t\t\tsame = true;\n', ['layer:regress']),
    ('no-target-lock', 'src/action_copy.c',
     'if (LockAcquire(tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)',
     'if (LockAcquire(tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL && false)',
     ['suite:robustness']),
    ('queue-sends-before-commit', 'src/queue_steps.c',
     '.commit_claim = true,', '.commit_claim = false,', ['suite:workflow']),
    ('queue-max-sends-ignored', 'src/queue_steps.c',
     'retry = row->attempts < rds_copy_queue_max_sends &&', 'retry = true ||', ['suite:workflow']),
    ('secret-in-log', 'src/awsrequest.c',
     '\t\techoed |= redact(&call->resp.body, creds->session_token);',
     '\t\telog(LOG, "rds_copy: signed with %s", creds->secret_access_key);\n'
     '\t\techoed |= redact(&call->resp.body, creds->session_token);', ['layer:regress', 'suite:credentials']),
    ('retries-off', 'src/action.c',
     'RdsRetryable(&call, RDS_SERVICE) && attempt < rds_copy_max_attempts',
     'RdsRetryable(&call, RDS_SERVICE) && attempt < 1', ['layer:regress']),
    ('sts-retries-off', 'src/credfetch.c',
     'if (!RdsRetryable(&call, "sts") || attempt >= rds_copy_max_attempts)',
     'if (true || attempt >= rds_copy_max_attempts)', ['suite:credential_retries']),
    ('throttling-not-retried', 'src/awscodes.c',
     '#define TH (RDS_AWS_TRANSIENT | RDS_AWS_THROTTLING)', '#define TH RDS_AWS_THROTTLING',
     ['layer:regress']),
    ('no-redaction', 'src/awsrequest.c',
     '\t\techoed |= redact(&call->resp.body, creds->secret_access_key);\n', '', ['layer:regress']),
    ('orphan-never-requeued', 'src/queue_steps.c',
     '\telse if (failed_with(out, "42704"))\n\t\t/* the send never reached AWS',
     '\telse if (false)\n\t\t/* the send never reached AWS', ['suite:workflow']),
    ('final-status-not-final', 'src/snapshot.c',
     'return status_in(status, final_statuses,', 'return false && status_in(status, final_statuses,',
     ['layer:regress']),
    ('tags-dropped', 'src/arguments.c',
     '\tif (args->tags != NULL)\n\t\tadd_tags(params, args->tags);',
     '\t(void) add_tags;', ['layer:regress']),
    ('stale-aws-code', 'src/queue_steps.c',
     '\targs[2] = out->action.aws_code[0] ? out->action.aws_code : NULL;',
     '\tstatic char last_code[64];\n\n\tif (out->action.aws_code[0])\n'
     '\t\tstrlcpy(last_code, out->action.aws_code, sizeof(last_code));\n'
     '\targs[2] = last_code[0] ? last_code : NULL;', ['suite:workflow']),
    ('region-gate-off', 'src/action.c',
     '\tRdsRequireAllowedRegion(region, region_in ? "region" : "rds_copy.region");\n', '',
     ['layer:regress']),
    ('allowed-regions-do-not-narrow', 'src/validate.c',
     '\tif (!empty)\n\t\treturn "It is not listed in rds_copy.allowed_regions.";',
     '\tif (false)\n\t\treturn "It is not listed in rds_copy.allowed_regions.";',
     ['layer:regress']),
    ('copy-slots-ignored', 'src/queue_steps.c',
     '\t.slots = true,', '\t.slots = false,', ['suite:fleet']),
    ('in-progress-refusal-fails', 'src/queue_steps.c',
     '== RDS_QUOTA_COPIES_IN_PROGRESS)\n\t{', '== RDS_QUOTA_COPIES_IN_PROGRESS && false)\n\t{', ['suite:fleet']),
    ('throttle-fails-row', 'src/queue_steps.c',
     'if (RdsAwsCodeHas(out->action.aws_code, RDS_AWS_THROTTLING))',
     'if (false && RdsAwsCodeHas(out->action.aws_code, RDS_AWS_THROTTLING))', ['suite:fleet']),
    ('sso-after-credentials-file', 'src/credentials.c',
     '\tif (RdsFetchSso(files, p, out))\n\t\treturn true;\n\tif (from_static_section(files, p, true, out))\n'
     '\t{\n\t\t*uses_files = true;\n\t\treturn true;\n\t}\n',
     '\tif (from_static_section(files, p, true, out))\n\t{\n\t\t*uses_files = true;\n\t\treturn true;\n\t}\n'
     '\tif (RdsFetchSso(files, p, out))\n\t\treturn true;\n', ['suite:sdk_credentials']),
    ('sso-expiry-not-checked', 'src/credsso.c',
     'if (expires <= time(NULL))', 'if (false && expires <= time(NULL))', ['suite:sdk_credentials']),
    ('sso-cache-name-of-start-url', 'src/credjson.c',
     'session_name != NULL ? session_name : start_url;', 'start_url != NULL ? start_url : session_name;',
     ['layer:unit', 'suite:sdk_credentials']),
    # identifiers are not case-sensitive at AWS (issue 12, item 11)
    ('source-compared-with-case', 'src/action_copy.c',
     '\treturn pg_strcasecmp(found_id, source_id) == 0;', '\treturn strcmp(found_id, source_id) == 0;',
     ['layer:regress']),
    ('target-lock-with-case', 'src/action_copy.c',
     '\t\t*p = pg_ascii_tolower((unsigned char) *p);', '\t\tcontinue;', ['suite:robustness']),
    ('follow-with-case', 'src/queue_steps.c',
     'pg_strcasecmp(id, rows[i].target) == 0', 'strcmp(id, rows[i].target) == 0', ['layer:regress']),
]


def copy_tree(dest):
    files = subprocess.run(['git', '-C', REPO, 'ls-files', '-z', '--cached', '--others',
                            '--exclude-standard'], check=True, capture_output=True).stdout
    for name in filter(None, files.decode().split('\0')):
        source = os.path.join(REPO, name)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
            shutil.copy2(source, os.path.join(dest, name))


def plant(copy, name, text, replacement):
    path = os.path.join(copy, name)
    with open(path) as f:
        source = f.read()
    if source.count(text) != 1:
        return f'{name}: the text occurs {source.count(text)} times'
    with open(path, 'w') as f:
        f.write(source.replace(text, replacement))
    return None


def first_failure(log):
    """The first failed check's line (the suites print them on stderr), else the count."""
    for pattern in (r'^== FAILED|\.\.\. FAILED|^FAIL ', r' [1-9][0-9]* failed'):
        for line in log.splitlines():
            if re.search(pattern, line):
                return line.strip()[:140]
    return 'exit status'


def run(mutant):
    name, file, text, replacement, suites = mutant
    copy = tempfile.mkdtemp(prefix='rds_copy_mutant.')
    os.chmod(copy, 0o755)
    try:
        copy_tree(copy)
        why = plant(copy, file, text, replacement)
        if why:
            return 'NOT PLANTED', why
        env = dict(os.environ, RDS_COPY_SKIP_APT='1')
        env.setdefault('RDS_COPY_TEST_PGPORT', '54339')  # not the default run's port
        for suite in suites:
            kind, _, what = suite.partition(':')
            cmd = (['bash', f'{copy}/test/run_all.sh', what] if kind == 'layer'
                   else ['bash', f'{copy}/test/integration/{what}.sh'])
            proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, errors='replace',
                                    start_new_session=True)
            try:
                stdout, stderr = proc.communicate(timeout=SUITE_TIMEOUT)
            except subprocess.TimeoutExpired:
                # the suite's own exit trap stops its servers on SIGTERM
                os.killpg(proc.pid, signal.SIGTERM)
                proc.communicate()
                return 'killed', f'by {suite}: still running after {SUITE_TIMEOUT} s (a hang)'
            done = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)

            if done.returncode != 0:
                return 'killed', f'by {suite}: {first_failure(done.stderr + done.stdout)}'
        return 'SURVIVED', f'{" ".join(suites)} all passed'
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def main():
    args = sys.argv[1:]
    if args == ['--list']:
        for name, file, _, _, suites in MUTANTS:
            print(f'{name:28} {file:20} {" ".join(suites)}')
        return 0
    if os.geteuid() != 0:
        sys.exit('run this as root (the suites start PostgreSQL as the postgres user)')
    unknown = set(args) - {m[0] for m in MUTANTS}
    if unknown:
        sys.exit(f'unknown mutants: {", ".join(sorted(unknown))} (see --list)')
    counts = {'killed': 0, 'SURVIVED': 0, 'NOT PLANTED': 0}
    for mutant in MUTANTS:
        if args and mutant[0] not in args:
            continue
        start = time.monotonic()
        verdict, detail = run(mutant)
        counts[verdict] += 1
        print(f'{mutant[0]:28} {verdict:11} {time.monotonic() - start:5.0f} s  {detail}', flush=True)
    print(f'{counts["killed"]} killed, {counts["SURVIVED"]} survived'
          + (f', {counts["NOT PLANTED"]} not planted' if counts['NOT PLANTED'] else ''))
    return 0 if counts['SURVIVED'] == counts['NOT PLANTED'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
