#!/bin/bash
# test/bench/fleet.sh -- the fleet benchmark: how close does the queue come to what AWS's limits
# allow?  Not a timed test (nothing fails on a slow run); run as root on Debian 12:
#
#     bash test/bench/fleet.sh                     # 1,000 copies over 3 regions, copies of 2 s
#     FLEET_N=300 bash test/bench/fleet.sh         # fewer
#
# What it does (nothing talks to AWS; everything is on 127.0.0.1):
#  1. Builds and installs the extension into a private PostgreSQL copy (test/lib/harness.sh;
#     RDS_COPY_SKIP_APT=1 / RDS_COPY_SKIP_BUILD=1 as for the tests), starts the RDS stand-in
#     (test/standin/rds_standin.py) with AWS's limits on: copies take FLEET_COPY_SECONDS, at most
#     5 cross-region copies in progress per destination region (SnapshotQuotaExceeded beyond),
#     and FLEET_THROTTLE_RATE calls per second per region (0: no throttling, the default), and a
#     throwaway cluster with the default 2 queue workers (test/lib/harness.sh start_cluster:
#     rds_copy.queue_naptime 200 ms, rds_copy.queue_poll_interval 1 s -- the defaults, 1 s and
#     30 s, are for real copies that take minutes).
#  2. Enqueues FLEET_N cross-region copies (source in eu-west-1) over FLEET_REGIONS destination
#     regions in one transaction, and waits until none is queued, sending or copying.
#  3. Prints one table: makespan and its ratio to the ideal (per region ceil(n / 5) copy times,
#     the longest region), Copy and Describe calls per finished copy (from the stand-in's
#     counters), refused sends (SnapshotQuotaExceeded), throttled calls, rows available and
#     failed, the queue workers' CPU seconds (utime + stime from /proc) and their RSS and
#     private memory (RssAnon) before and after; and writes it as markdown to FLEET_OUT.
#
# Settings (environment): FLEET_N=1000, FLEET_REGIONS="us-west-2 us-east-2 ca-central-1",
# FLEET_COPY_SECONDS=2, FLEET_LIMIT=5 (the stand-in's in-progress limit), FLEET_THROTTLE_RATE=0,
# FLEET_TIMEOUT=1800 (seconds to wait for the queue), FLEET_OUT=/tmp/rds_copy_fleet_bench.md.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/harness.sh
source "$BENCH_DIR/../lib/harness.sh"

FLEET_N=${FLEET_N:-1000}
read -r -a FLEET_REGION_LIST <<<"${FLEET_REGIONS:-us-west-2 us-east-2 ca-central-1}"
FLEET_COPY_SECONDS=${FLEET_COPY_SECONDS:-2}
FLEET_LIMIT=${FLEET_LIMIT:-5}
FLEET_THROTTLE_RATE=${FLEET_THROTTLE_RATE:-0}
FLEET_TIMEOUT=${FLEET_TIMEOUT:-1800}
FLEET_OUT=${FLEET_OUT:-/tmp/rds_copy_fleet_bench.md}
SOURCE_ARN=arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:fleet-source

trap harness_exit EXIT
prepare_build
start_all
sql --stop -c 'CREATE EXTENSION IF NOT EXISTS rds_copy' >/dev/null

q() { sql --stop --capture -At -c "$1"; }

ctl rds '{"identifiers": ["fleet-source"], "region": "eu-west-1"}' seed >/dev/null
ctl rds "{\"copy_seconds\": $FLEET_COPY_SECONDS, \"cross_region_copy_limit\": $FLEET_LIMIT, \"throttle_rate\": $FLEET_THROTTLE_RATE}" >/dev/null

# the queue workers: pids, CPU ticks and RSS
worker_pids() { q "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity WHERE backend_type = 'rds_copy queue worker'"; }
cpu_ticks() { local t=0 p; for p in $1; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done; echo "$t"; }
# VmRSS counts the shared buffers a worker has touched; RssAnon is its own memory
rss_kb() { local t=0 p; for p in $1; do t=$((t + $(awk -v f="$2:" '$1 == f { print $2 }' "/proc/$p/status"))); done; echo "$t"; }

pids=$(worker_pids)
[ -n "$pids" ] || { echo "fleet.sh: no queue workers" >&2; exit 1; }
ticks0=$(cpu_ticks "$pids")
rss0=$(rss_kb "$pids" VmRSS)
anon0=$(rss_kb "$pids" RssAnon)

# one transaction: FLEET_N rows spread over the regions in turn
nregions=${#FLEET_REGION_LIST[@]}
enqueue="BEGIN;"
for i in "${!FLEET_REGION_LIST[@]}"; do
	region=${FLEET_REGION_LIST[$i]}
	enqueue+=" SET LOCAL rds_copy.region = '$region';
	  SELECT count(rds_copy.enqueue_copy('$SOURCE_ARN', 'fleet-' || g, source_region => 'eu-west-1'))
	    FROM generate_series(1, $FLEET_N) AS g WHERE g % $nregions = $i;"
done
enqueue+=" COMMIT;"
say "enqueueing $FLEET_N copies over $nregions regions (copies of ${FLEET_COPY_SECONDS}s, limit $FLEET_LIMIT)"
start=$(date +%s.%N)
sql --stop -q -c "$enqueue" >/dev/null
left=$FLEET_N
deadline=$(( $(date +%s) + FLEET_TIMEOUT ))
while [ "$left" != 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do
	sleep 0.2
	left=$(q "SELECT count(*) FROM rds_copy.copy_request WHERE state IN ('queued', 'sending', 'copying')")
done
end=$(date +%s.%N)
ticks1=$(cpu_ticks "$pids")
rss1=$(rss_kb "$pids" VmRSS)
anon1=$(rss_kb "$pids" RssAnon)
[ "$(worker_pids)" = "$pids" ] || echo "fleet.sh: the queue workers restarted during the run" >&2

states=$(q "SELECT count(*) FILTER (WHERE state = 'available') || ' ' || count(*) FILTER (WHERE state = 'failed') FROM rds_copy.copy_request")
per_region=$(q "SELECT string_agg(n::text, ' ') FROM (SELECT count(*) n FROM rds_copy.copy_request GROUP BY region) s")
"$PYTHON" -c 'import ssl, sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], context=ssl.create_default_context(cafile=sys.argv[2]), timeout=10).read().decode())' \
	"$STANDIN_URL/__standin/stats" "$CERTS/ca.crt" >"$WORK/stats.json"

"$PYTHON" - "$WORK/stats.json" "$FLEET_OUT" "$start" "$end" "$FLEET_N" "$FLEET_COPY_SECONDS" "$FLEET_LIMIT" \
	"$states" "$per_region" "$((ticks1 - ticks0))" "$(getconf CLK_TCK)" "$rss0" "$rss1" "$left" \
	"$FLEET_THROTTLE_RATE" "$nregions" "$anon0" "$anon1" <<'PY'
import json, math, sys
(stats_file, out, start, end, n, copy_s, limit, states, per_region, ticks, hz, rss0, rss1, left,
 throttle_rate, nregions, anon0, anon1) = sys.argv[1:19]
stats = json.load(open(stats_file))
n, copy_s, limit, nregions = int(n), float(copy_s), int(limit), int(nregions)
makespan = float(end) - float(start)
ideal = max(math.ceil(int(c) / limit) for c in per_region.split()) * copy_s
available, failed = (int(x) for x in states.split())
copies = stats['by_action'].get('CopyDBClusterSnapshot', 0)
describes = stats['by_action'].get('DescribeDBClusterSnapshots', 0)
refused = stats['rejected'].get('SnapshotQuotaExceeded', 0)
throttled = stats['rejected'].get('Throttling', 0)
finished = max(available, 1)
rows = [
    ('copies (finished: available / failed / unfinished)', f'{n} ({available} / {failed} / {left})', ''),
    ('destination regions, copies of', f'{nregions}, {copy_s:g} s, stand-in limit {limit}', ''),
    ('makespan', f'{makespan:.1f} s', ''),
    ('ideal: ceil(copies per region / limit) x copy time', f'{ideal:.0f} s', ''),
    ('makespan / ideal', f'{makespan / ideal:.2f}x', '<= 1.2x'),
    ('CopyDBClusterSnapshot calls per finished copy', f'{copies / finished:.2f}', ''),
    ('DescribeDBClusterSnapshots calls per finished copy', f'{describes / finished:.2f}', ''),
    ('Copy + Describe calls per finished copy', f'{(copies + describes) / finished:.2f}', '<= 3'),
    ('refused sends (SnapshotQuotaExceeded)', f'{refused}', '0'),
    ('throttled calls' + (f' (stand-in rate {throttle_rate}/s per region)' if float(throttle_rate) else ''), f'{throttled}', ''),
    ('queue workers: CPU seconds (2 workers)', f'{int(ticks) / int(hz):.1f}', ''),
    ('queue workers: RSS before -> after (VmRSS, with the shared buffers they touched)',
     f'{int(rss0) / 1024:.1f} -> {int(rss1) / 1024:.1f} MiB', ''),
    ('queue workers: private memory before -> after (RssAnon)', f'{int(anon0) / 1024:.1f} -> {int(anon1) / 1024:.1f} MiB', ''),
]
lines = ['| measure | this run | goal |', '|---|---:|---:|'] + [f'| {a} | {b} | {c} |' for a, b, c in rows]
print('\n'.join(lines))
with open(out, 'w') as handle:
    handle.write('\n'.join(lines) + '\n')
PY
