#!/usr/bin/env bash
# test/valgrind.sh: run the extension inside PostgreSQL backends under
# valgrind memcheck and fail on memory errors or leaks in rds_copy.so.
#
#   bash test/valgrind.sh          (as root, on Debian 12; also `make valgrind`)
#
# Installs the packages of test/lib/harness.sh as run_all.sh does (RDS_COPY_SKIP_APT=1
# skips that when they are there) and valgrind when it is missing; builds
# and installs the extension (RDS_COPY_SKIP_BUILD=1 skips that); starts the
# stand-in RDS endpoint, the credential fakes and a throwaway cluster with
# test/lib/harness.sh; then restarts the postmaster under
#
#   valgrind --tool=memcheck --trace-children=yes --leak-check=full
#            --show-leak-kinds=definite --errors-for-leak-kinds=definite
#            --suppressions=test/valgrind.supp --fullpath-after=
#            --log-file=$WORK/valgrind/valgrind.%p.log
#
# so that every backend (a fork of the postmaster, with its own log) is
# checked, and its leak check runs when it exits.  No --error-exitcode: the
# postmaster would take a backend's non-zero exit for a crash and restart
# everything, so the verdict comes from the logs.  No --xml either:
# valgrind does not reopen --xml-file in forked children.
#
# The workload, one psql session (one backend) each: copies (row, jsonb,
# tags, copy_tags, KMS key, cross-region from an ARN with source_region,
# session and assumed-role credentials); the stand-in's faults
# (fault-not-xml, -doctype, -big, -redirect, -truncated, -Throttling,
# -AccessDenied, no-such-snapshot); credentials() and check(); a
# statement_timeout cancel of 'fault-slow'.  Each session's output is
# checked too.  Then the cluster is stopped and the logs are read.
#
# It fails (exit 1) when any process has a "definitely lost" block whose
# allocation stack has a frame in rds_copy.so, or an invalid read, write or
# free, or a use of uninitialised memory, with a frame in rds_copy.so; or
# when the workload itself did not do what it should.  Errors elsewhere
# (postgres, libraries) are counted and listed but do not fail it: add a
# suppression to test/valgrind.supp when one is understood to be noise.
# The summary line reads, e.g.
#   valgrind: 5 backends checked, definite leaks from rds_copy: 0, memory errors in rds_copy: 0
#
# Time: about 25 s on a 2-core Debian 12 machine with the packages in place
# (build ~5 s, the workload under memcheck ~15 s, the rest start and stop);
# memcheck makes every backend 20-50 times slower, so allow a few minutes
# on a slow machine.  The connect and request timeouts are raised for it.
# RDS_COPY_KEEP_WORK=1 keeps the work directory (valgrind logs, server
# log, each session's output); it is kept anyway when the check fails.
# VALGRIND_EXTRA_OPTS adds valgrind options (e.g. --show-leak-kinds=all
# --track-origins=yes, much slower) when investigating.

source "$(dirname "$0")/lib/harness.sh"

VG_SUPP=$REPO/test/valgrind.supp
T_START=$(date +%s)

ensure_valgrind() {
	if ! command -v valgrind >/dev/null; then
		say "installing valgrind"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null ||
			{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null; }
	fi
}

if [ "$(id -u)" != 0 ]; then
	echo "run this as root: it installs the extension and starts PostgreSQL as the postgres user" >&2
	exit 1
fi
install_packages
ensure_valgrind
if [ "${RDS_COPY_SKIP_BUILD:-0}" != 1 ]; then
	build_and_install
fi

start_standin
start_fakes
write_credentials
# no queue workers: the workload's backends are what is checked
RDS_COPY_QUEUE_WORKERS=0 start_cluster

VGDIR=$WORK/valgrind
mkdir -p "$VGDIR"
chown postgres "$VGDIR"
cp "$VG_SUPP" "$WORK/valgrind.supp"
chmod 644 "$WORK/valgrind.supp"

# Backends are told apart from other server processes by their
# "connection authorized" line.  The rest keeps memcheck's work down.
cat >>"$PGDATA/postgresql.conf" <<CONF
log_connections = on
log_disconnections = on
shared_buffers = 16MB
autovacuum = off
jit = off
max_connections = 20
rds_copy.connect_timeout = '60s'
rds_copy.request_timeout = '120s'
CONF

# Restart under valgrind with the environment harness.sh's restart_cluster
# gave the postmaster (as the kernel recorded it when postgres started).
pm_pid=$(head -n 1 "$PGDATA/postmaster.pid")
mapfile -d '' PM_ENV <"/proc/$pm_pid/environ"
say "restarting the postmaster under valgrind memcheck"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null

WRAPPER=$WORK/postgres-under-valgrind
cat >"$WRAPPER" <<WRAP
#!/bin/sh
exec valgrind --tool=memcheck --trace-children=yes --child-silent-after-fork=no \\
	--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \\
	--num-callers=40 --fullpath-after= --suppressions="$WORK/valgrind.supp" \\
	--gen-suppressions=all --log-file="$VGDIR/valgrind.%p.log" \\
	${VALGRIND_EXTRA_OPTS:-} "$PGBIN/postgres" "\$@"
WRAP
chmod 755 "$WRAPPER"
runuser -u postgres -- env -i "${PM_ENV[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" \
	-l "$WORK/postgres.log" -p "$WRAPPER" -t 600 -w start >/dev/null

# ---------------------------------------------------------------------------
# The workload: one psql session per step, so each is its own backend.

# (checked with test/lib/assert.sh: any failed check fails the run)
ASSERT_RESULTS=$WORK/asserts
session() {
	local name=$1 out
	shift
	say "session: $name"
	if out=$(sql --verbose -At "$@" 2>&1); then
		pass "session $name ran"
	else
		fail "session $name failed: $out"
	fi
	printf '%s\n' "$out" >"$WORK/session-$name.out"
}
expect() {
	expect_match "session $1: /$2/" "$2" "$(cat "$WORK/session-$1.out")"
}

ARN="arn:aws:rds:us-west-2:123456789012:cluster-snapshot:west-snapshot"

session setup -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION rds_copy;
-- a statement's SQLSTATE, or 'ok'
CREATE FUNCTION vg_try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END
$$;
SELECT 'setup done';
SQL
expect setup '^setup done$'

session copies -v ON_ERROR_STOP=1 -v arn="$ARN" <<'SQL'
SELECT 'row:' || db_cluster_snapshot_identifier || ':' || tags::text
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-row-1', tags => '{"team": "db"}');
SELECT 'jsonb:' || (rds_copy.rds_copy_db_cluster_snapshot_jsonb('my-cluster-snapshot1', 'vg-jsonb-1',
  tags => '[{"Key": "café", "Value": "a/b+c=d:e@f"}, {"Key": "empty", "Value": ""}]')->>'DBClusterSnapshotIdentifier');
SELECT 'copy_tags:' || tags::text
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-copy-tags', copy_tags => true);
SELECT 'kms:' || kms_key_id
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-kms', kms_key => 'k');
SELECT 'west:' || db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot(source => :'arn', target => 'vg-west', kms_key => 'k',
                                             source_region => 'us-west-2');
SELECT 'west-jsonb:' || (rds_copy.rds_copy_db_cluster_snapshot_jsonb(:'arn', 'vg-west-jsonb',
  source_region => 'us-west-2')->>'DBClusterSnapshotIdentifier');
SET rds_copy.profile = 'session';
SELECT 'session:' || db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-session');
SELECT 'west-session:' || db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot(:'arn', 'vg-west-session', source_region => 'us-west-2');
SET rds_copy.profile = 'assume';
SELECT 'assume:' || db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-assume');
RESET rds_copy.profile;
SELECT 'loop:' || count(*) FROM (
  SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-loop-' || i)
    FROM generate_series(1, 3) i) s;
SQL
expect copies '^row:vg-row-1:\{"team": "db"\}$'
expect copies '^jsonb:vg-jsonb-1$'
expect copies '^copy_tags:\{.+\}$'
expect copies '^kms:.+$'
expect copies '^west:vg-west$'
expect copies '^west-jsonb:vg-west-jsonb$'
expect copies '^session:vg-session$'
expect copies '^west-session:vg-west-session$'
expect copies '^assume:vg-assume$'
expect copies '^loop:3$'

session faults -v ON_ERROR_STOP=1 <<'SQL'
SELECT source || ':' || vg_try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L)',
                                      source, 'vg-fault-target'))
  FROM unnest(ARRAY['fault-not-xml', 'fault-doctype', 'fault-big', 'fault-redirect',
                    'fault-truncated', 'fault-Throttling', 'fault-AccessDenied',
                    'no-such-snapshot']) AS source;
SELECT 'jsonb-' || source || ':' || vg_try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot_jsonb(%L, %L)',
                                                  source, 'vg-fault-target'))
  FROM unnest(ARRAY['fault-doctype', 'no-such-snapshot']) AS source;
-- the backend still copies after all that
SELECT 'after:' || db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-after-faults');
SQL
for f in fault-not-xml fault-doctype fault-big fault-redirect fault-truncated fault-Throttling \
	fault-AccessDenied no-such-snapshot jsonb-fault-doctype jsonb-no-such-snapshot; do
	expect faults "^$f:[0-9A-Z]{5}$"
done
expect faults '^after:vg-after-faults$'

session credentials -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'credentials:' || source || ':' || access_key_id FROM rds_copy.credentials();
SELECT 'check:' || check_name || ':' || ok FROM rds_copy.check();
SET rds_copy.profile = 'assume';
SELECT 'credentials-assume:' || source || ':' || (expiration IS NOT NULL) FROM rds_copy.credentials();
SELECT 'check-assume:' || check_name || ':' || ok FROM rds_copy.check();
SQL
expect credentials '^credentials:.+:\*+[A-Z0-9]{4}$'
expect credentials '^check:signed_call:true$'
expect credentials '^credentials-assume:.+:true$'
expect credentials '^check-assume:signed_call:true$'
expect_no_match "credentials: check() reports no failed step" ':false$' "$(cat "$WORK/session-credentials.out")"

# the backup-workflow calls: describe, list, wait, delete, the queue, the audit ring
session workflows -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'describe:' || status FROM rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1');
SELECT 'describe-jsonb:' || (rds_copy.describe_db_cluster_snapshot_jsonb('my-cluster-snapshot1')->>'Status');
SELECT 'missing:' || vg_try('SELECT rds_copy.describe_db_cluster_snapshot(''vg-none'')');
SELECT 'list:' || (count(*) > 0) FROM rds_copy.db_cluster_snapshots();
SELECT 'list-jsonb:' || (count(*) > 0) FROM rds_copy.db_cluster_snapshots_jsonb(cluster => 'my-cluster');
SELECT 'copy:' || status FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-wait');
SELECT 'wait:' || status FROM rds_copy.wait_for_db_cluster_snapshot('vg-wait', poll_interval => '0.1 s');
SELECT 'timeout:' || vg_try('SELECT rds_copy.wait_for_db_cluster_snapshot(''busy-snapshot'', ''0'', ''0.1 s'')');
SELECT 'delete:' || status FROM rds_copy.delete_db_cluster_snapshot('vg-wait');
SELECT 'enqueue:' || (rds_copy.enqueue_copy('my-cluster-snapshot1', 'vg-queued', tags => '{"a": "b"}') > 0);
SELECT 'process:' || rds_copy.process_queue();
SELECT 'audit:' || (count(*) > 10) FROM rds_copy.recent_requests;
SQL
for line in 'describe:available' 'describe-jsonb:available' 'missing:42704' 'list:true' \
	'list-jsonb:true' 'copy:copying' 'wait:available' 'timeout:RC001' 'delete:deleted' \
	'enqueue:true' 'process:1' 'audit:true'; do
	expect workflows "^$line\$"
done

# statement_timeout cancels the transfer (the stand-in holds 'fault-slow' for 30 s)
session cancel <<'SQL'
SET statement_timeout = '3s';
SELECT rds_copy.rds_copy_db_cluster_snapshot('fault-slow', 'vg-slow');
\echo cancel-sqlstate: :LAST_ERROR_SQLSTATE
RESET statement_timeout;
SELECT 'after-cancel:' || db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'vg-after-cancel');
SQL
expect cancel '^cancel-sqlstate: 57014$'
expect cancel '^after-cancel:vg-after-cancel$'

say "stopping the cluster (each backend's leak check has run at its exit)"
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -t 600 -w stop >/dev/null

# ---------------------------------------------------------------------------
# The verdict, from valgrind's logs.

grep -oE '\[[0-9]+\] .*connection authorized' "$WORK/postgres.log" |
	sed -E 's/^\[([0-9]+)\].*/\1/' | sort -u >"$WORK/backend-pids" || true

set +e
"$PYTHON" - "$VGDIR" "$WORK/backend-pids" "$REPO" <<'PY'
# Reads valgrind's per-process text logs (valgrind.<pid>.log; a forked
# backend gets its own).  A frame is rds_copy's when its source file is
# under <repo>/src/ (--fullpath-after= prints whole paths) or, without
# debug information, when its object is rds_copy.so.
import glob, os, re, sys

vgdir, pids_file, repo = sys.argv[1:4]
backends = {line.strip() for line in open(pids_file) if line.strip()}
prefix = re.compile(r'^==(\d+)== ?(.*)$')
frame = re.compile(r'^\s+(?:at|by) 0x[0-9A-Fa-f]+: (.*) \((.*)\)$')
our_src = os.path.join(repo, 'src') + '/'


def is_ours(fn, loc):
    return loc.startswith(our_src) or (loc.startswith('in ') and loc.endswith('/rds_copy.so'))


def blocks(lines):
    """Blank-line separated blocks of valgrind's messages."""
    block = []
    for line in lines:
        if line.strip() == '':
            if block:
                yield block
            block = []
        else:
            block.append(line)
    if block:
        yield block


checked = 0
incomplete = []
crashed = []
our_leaks = our_errors = other_leaks = 0
other = {}
suppressed = 0
for path in sorted(glob.glob(os.path.join(vgdir, 'valgrind.*.log'))):
    pid = os.path.basename(path).split('.')[1]
    lines = []
    for raw in open(path, encoding='utf-8', errors='replace'):
        m = prefix.match(raw.rstrip('\n'))
        if m:
            lines.append(m.group(2))
    text = '\n'.join(lines)
    is_backend = pid in backends
    m = re.search(r'ERROR SUMMARY: \d+ errors? from \d+ contexts? \(suppressed: (\d+) from', text)
    if not m:
        if is_backend:
            incomplete.append(pid)
        continue
    suppressed += int(m.group(1))
    if is_backend:
        checked += 1
    for block in blocks(lines):
        header = block[0].strip()
        stack = []
        for line in block[1:]:
            f = frame.match(line)
            if not f:
                break
            stack.append((f.group(1), f.group(2)))
        if not stack or header.startswith('HEAP SUMMARY') or header.startswith('LEAK SUMMARY'):
            continue
        if header.startswith('Process terminating'):
            crashed.append((pid, header))
            continue
        mine = any(is_ours(fn, loc) for fn, loc in stack)
        leak = 'definitely lost' in header
        if 'in loss record' in header and not leak:
            other_leaks += mine     # other kinds, when VALGRIND_EXTRA_OPTS shows them
            continue
        if mine:
            if leak:
                our_leaks += 1
            else:
                our_errors += 1
            print(f'  pid {pid}{" (backend)" if is_backend else ""}: {header}')
            for fn, loc in stack[:16]:
                print(f'      {fn} ({loc})')
        else:
            first = next((fn for fn, loc in stack
                          if 'vgpreload' not in loc and '/libc.so' not in loc
                          and not loc.startswith(('libio/', 'string/', 'malloc/'))), '?')
            key = (re.sub(r'\d+', 'N', header), first)
            other[key] = other.get(key, 0) + 1

if other:
    print('valgrind: not from rds_copy (left alone; see test/valgrind.supp):')
    for (header, fn), n in sorted(other.items(), key=lambda kv: -kv[1]):
        print(f'  {n:4d} x {header}  [{fn}]')
for pid, header in crashed:
    print(f'valgrind: process {pid}: {header}')
if incomplete:
    print('valgrind: no final report from backend(s) ' + ', '.join(sorted(incomplete)))
if other_leaks:
    print(f'valgrind: {other_leaks} loss record(s) of other kinds (not definite) pass through rds_copy')
print(f'valgrind: {suppressed} error(s) of known noise suppressed')
print(f'valgrind: {checked} backends checked, definite leaks from rds_copy: {our_leaks}, '
      f'memory errors in rds_copy: {our_errors}')
sys.exit(1 if our_leaks or our_errors or incomplete or crashed or checked == 0 else 0)
PY
verdict=$?
set -e

elapsed=$(($(date +%s) - T_START))
read -r workload_passed workload_failed <<<"$(assert_counts)"
say "workload checks: $workload_passed passed, $workload_failed failed"
if [ "$workload_failed" != 0 ] || [ "$workload_passed" = 0 ]; then
	say "the workload did not run as it should (see above)"
	verdict=1
fi
if [ "$verdict" != 0 ]; then
	RDS_COPY_KEEP_WORK=1
	say "FAILED after ${elapsed} s; reports kept in $VGDIR, server log $WORK/postgres.log"
	exit 1
fi
say "passed in ${elapsed} s"
