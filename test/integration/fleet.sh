#!/usr/bin/env bash
# test/integration/fleet.sh: fleet-scale copies through the queue, against
# a stand-in that enforces AWS's limits (test/standin/rds_standin.py:
# copy_seconds, cross_region_copy_limit, manual_snapshot_quota,
# throttle_percent): 15 cross-region copies in one transaction within 5
# copy slots and on time; a stand-in limit lower than the queue's (no row
# fails); two destination regions with 5 slots each; the manual-snapshot
# quota (53400 and its hint, then retry_copy); a direct call refused by
# the in-progress limit (53400, detail and hint); throttling on 30 % of
# the calls (no row fails, queue_status counts the throttles); the
# nightly workflow of docs/workflows.md for 40 clusters; an immediate shutdown while 5
# copies are copying and 10 wait.  Takes about 3 minutes.
#
#   bash test/integration/fleet.sh     (as root; RDS_COPY_SKIP_APT=1,
#                                       RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# Starts its own stand-in, fakes and throwaway cluster with two queue
# workers serving database postgres (test/lib/suite.sh); ends with
# "N passed, M failed"; exits 1 if anything failed.  Each test sends to a
# destination region of its own, so what one learns about AWS's limits
# (shared memory) does not change another.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"
source "$REPO/test/lib/nightly_docs.sh"

# every source lives in eu-west-1: each copy is cross-region
FLEET_SOURCE_REGION=eu-west-1
FLEET_SOURCE_ARN=arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:fleet-source

q() {
	sql --stop --capture -At -c "$1"
}

# stand-in settings for one test: everything back to the start, then $1
fleet_standin() {
	ctl rds '{}' reset >/dev/null
	ctl rds '{"identifiers": ["fleet-source"], "region": "eu-west-1"}' seed >/dev/null
	ctl rds "$1" >/dev/null
}

# SQL that enqueues $3 copies of the source named $1-01 .. to region $2, in one transaction
fleet_enqueue_sql() {
	local prefix=$1 region=$2 n=$3
	printf "BEGIN; SET LOCAL rds_copy.region = '%s';
	SELECT count(rds_copy.enqueue_copy('%s', '%s-' || pg_catalog.lpad(i::text, 2, '0'), source_region => '%s'))
	  FROM generate_series(1, %d) AS i; COMMIT;" "$region" "$FLEET_SOURCE_ARN" "$prefix" "$FLEET_SOURCE_REGION" "$n"
}

fleet_enqueue() {
	sql --stop -q -c "$(fleet_enqueue_sql "$@")" >/dev/null
}

# "available failed other" of rows whose target starts with $1
fleet_states() {
	q "SELECT count(*) FILTER (WHERE state = 'available') || ' ' || count(*) FILTER (WHERE state = 'failed')
	          || ' ' || count(*) FILTER (WHERE state NOT IN ('available', 'failed'))
	     FROM rds_copy.copy_request WHERE target LIKE '$1-%'"
}

fleet_wait_done() {
	sql_wait_until "SELECT count(*) = 0 FROM rds_copy.copy_request
	                   WHERE target LIKE '$1-%' AND state NOT IN ('available', 'failed', 'cancelled')" "$2"
}

# accepted CopyDBClusterSnapshot calls (journal outcome ok) for target $1 in region $2
fleet_accepted() {
	journal_count "$RDS_STANDIN_JOURNAL" action=CopyDBClusterSnapshot name="$1" region="$2" outcome=ok
}

# targets $1-01..$1-$2 in region $3 that did not get exactly one accepted copy
fleet_not_once() {
	local prefix=$1 n=$2 region=$3 i t bad=
	for i in $(seq -w 1 "$n"); do
		t=$prefix-$(printf '%02d' "$((10#$i))")
		[ "$(fleet_accepted "$t" "$region")" = 1 ] || bad="$bad $t"
	done
	echo "${bad:-none}"
}

fleet_refused() {
	local n
	n=$(standin_get stats rejected.SnapshotQuotaExceeded || echo unreachable)
	echo "${n:-0}"
}

test_fifteen_in_one_transaction() {
	local start end elapsed out
	fleet_standin '{"copy_seconds": 5, "cross_region_copy_limit": 5}'
	start=$(date +%s.%N)
	fleet_enqueue f15 us-east-1 15
	# the first five go out, ten wait and say why
	if sql_wait_until "SELECT count(*) = 5 FROM rds_copy.copy_request WHERE target LIKE 'f15-%' AND state = 'copying'" 10; then
		pass "15 copies: five are copying"
	else
		fail "15 copies: not five copying: $(fleet_states f15)"
	fi
	sql_wait_until "SELECT count(*) = 10 FROM rds_copy.copy_request WHERE target LIKE 'f15-%'
	                   AND state = 'queued' AND waiting_for = 'copy slot in us-east-1'" 5 || true
	out=$(q "SELECT count(*) FROM rds_copy.copy_request WHERE target LIKE 'f15-%' AND state = 'queued' AND waiting_for = 'copy slot in us-east-1'")
	expect_equal "15 copies: ten queued rows wait for a copy slot in us-east-1" 10 "$out"
	out=$(q "SELECT queued || ' ' || waiting_for_slot || ' ' || copying || ' ' || slots_in_use || ' ' || slot_limit
	           FROM rds_copy.queue_status WHERE region = 'us-east-1'")
	expect_equal "15 copies: queue_status shows 10 queued, 10 waiting, 5 copying, 5 of 5 slots" "10 10 5 5 5" "$out"
	fleet_wait_done f15 60 || true
	end=$(date +%s.%N)
	expect_equal "15 copies: all 15 available, none failed" "15 0 0" "$(fleet_states f15)"
	expect_equal "15 copies: exactly one accepted copy per target" none "$(fleet_not_once f15 15 us-east-1)"
	expect_equal "15 copies: no refused send" 0 "$(fleet_refused)"
	# ideal: ceil(15/5) x 5 s, plus one poll interval (1 s); allowed 1.25 times that
	elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	if awk -v e="$elapsed" 'BEGIN { exit !(e <= 1.25 * (15 + 1)) }'; then
		pass "15 copies: done in ${elapsed}s (at most 20 s)"
	else
		fail "15 copies: done in ${elapsed}s, more than 1.25 x 16 s"
	fi
	out=$(q "SELECT count(*) FROM rds_copy.copy_request WHERE target LIKE 'f15-%' AND waiting_for IS NOT NULL")
	expect_equal "15 copies: no row waits any more" 0 "$out"
}

test_standin_limit_lower_than_queue() {
	local out
	fleet_standin '{"copy_seconds": 3, "cross_region_copy_limit": 3}'
	fleet_enqueue low3 ca-central-1 9
	fleet_wait_done low3 60 || true
	expect_equal "limit 3 at AWS, 5 in the queue: all 9 available, none failed" "9 0 0" "$(fleet_states low3)"
	out=$(fleet_refused)
	if [ "$out" -ge 1 ] 2>/dev/null && [ "$out" -le 3 ]; then
		pass "limit 3 at AWS: $out refused sends (1 to 3)"
	else
		fail "limit 3 at AWS: $out refused sends, not 1 to 3"
	fi
	expect_equal "limit 3 at AWS: exactly one accepted copy per target" none "$(fleet_not_once low3 9 ca-central-1)"
	out=$(q "SELECT max(attempts) FROM rds_copy.copy_request WHERE target LIKE 'low3-%'")
	expect_equal "limit 3 at AWS: a refused send is not counted (every row took 1 send)" 1 "$out"
	out=$(q "SELECT refused_sends FROM rds_copy.queue_status WHERE region = 'ca-central-1'")
	expect_equal "limit 3 at AWS: queue_status counts the refused sends" "$(fleet_refused)" "$out"
}

test_two_destination_regions() {
	local out
	fleet_standin '{"copy_seconds": 4, "cross_region_copy_limit": 5}'
	fleet_enqueue two-w us-west-2 7
	fleet_enqueue two-e us-east-2 7
	if sql_wait_until "SELECT count(*) FILTER (WHERE region = 'us-west-2') = 5 AND count(*) FILTER (WHERE region = 'us-east-2') = 5
	                      FROM rds_copy.copy_request WHERE target LIKE 'two-%' AND state = 'copying'" 10; then
		pass "two regions: five copying to each at once"
	else
		fail "two regions: not five each: $(q "SELECT string_agg(region || ' ' || state || ' ' || n, ', ') FROM (SELECT region, state, count(*) n FROM rds_copy.copy_request WHERE target LIKE 'two-%' GROUP BY 1, 2) s")"
	fi
	fleet_wait_done two-w 60 || true
	fleet_wait_done two-e 30 || true
	expect_equal "two regions: all 7 to us-west-2 available" "7 0 0" "$(fleet_states two-w)"
	expect_equal "two regions: all 7 to us-east-2 available" "7 0 0" "$(fleet_states two-e)"
	expect_equal "two regions: no refused send" 0 "$(fleet_refused)"
}

test_manual_snapshot_quota() {
	local out id
	fleet_standin '{"manual_snapshot_quota": 2}'
	ctl rds '{"identifiers": ["quota-a", "quota-b"], "region": "eu-central-1"}' seed >/dev/null
	fleet_enqueue quota eu-central-1 1
	fleet_wait_done quota 20 || true
	out=$(q "SELECT state || '|' || error_sqlstate || '|' || error_code FROM rds_copy.copy_request WHERE target = 'quota-01'")
	expect_equal "manual quota: the row failed with 53400 and the AWS code" "failed|53400|SnapshotQuotaExceeded" "$out"
	out=$(q "SELECT error_message FROM rds_copy.copy_request WHERE target = 'quota-01'")
	expect_match "manual quota: AWS's message and a hint naming the quota and how to make room" \
		'Cannot create more than 2 manual snapshots.*Hint: Delete manual DB cluster snapshots.*quota.*retry_copy' "$out"
	q "SELECT rds_copy.delete_db_cluster_snapshot('quota-a', 'eu-central-1')" >/dev/null
	id=$(q "SELECT id FROM rds_copy.copy_request WHERE target = 'quota-01'")
	out=$(q "SELECT state FROM rds_copy.retry_copy(${id:-0})")
	expect_equal "manual quota: retry_copy puts it back" queued "$out"
	fleet_wait_done quota 20 || true
	expect_equal "manual quota: after a delete, the retried copy is available" "1 0 0" "$(fleet_states quota)"
	expect_equal "manual quota: exactly one accepted copy" 1 "$(fleet_accepted quota-01 eu-central-1)"
}

test_direct_call_refused() {
	local out
	fleet_standin '{"copy_seconds": 30, "cross_region_copy_limit": 1}'
	q "SET rds_copy.region = 'eu-north-1'; SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('$FLEET_SOURCE_ARN', 'direct-1', source_region => '$FLEET_SOURCE_REGION')" >/dev/null
	out=$(sql --capture -At -v VERBOSITY=verbose -c "SET rds_copy.region = 'eu-north-1'" \
		-c "SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('$FLEET_SOURCE_ARN', 'direct-2', source_region => '$FLEET_SOURCE_REGION')")
	expect_match "direct call over the in-progress limit: 53400" '53400' "$out"
	expect_match "direct call: the detail names the limit" 'DETAIL: .*copies from other regions in progress.*Cannot copy more than 1 snapshots across regions' "$out"
	expect_match "direct call: the hint says enqueue_copy waits for a slot" 'HINT: +Use rds_copy.enqueue_copy, which waits for a copy slot' "$out"
}

test_throttling() {
	local out
	# one attempt per call and one send per row: before 1.1 every throttled send failed its row
	sql -q -c "ALTER SYSTEM SET rds_copy.max_attempts = 1" -c "ALTER SYSTEM SET rds_copy.queue_max_sends = 1" \
		-c "SELECT pg_reload_conf()" >/dev/null
	fleet_standin '{"copy_seconds": 2, "throttle_percent": 30}'
	fleet_enqueue thr ap-southeast-2 12
	fleet_wait_done thr 90 || true
	ctl rds '{"throttle_percent": 0}' >/dev/null
	sql -q -c "ALTER SYSTEM RESET rds_copy.max_attempts" -c "ALTER SYSTEM RESET rds_copy.queue_max_sends" \
		-c "SELECT pg_reload_conf()" >/dev/null
	expect_equal "throttling on 30 % of calls: all 12 available, none failed" "12 0 0" "$(fleet_states thr)"
	out=$(standin_get stats rejected.Throttling || echo unreachable)
	if [ "${out:-0}" -ge 3 ] 2>/dev/null; then
		pass "throttling: the stand-in throttled $out calls"
	else
		fail "throttling: the stand-in throttled '$out' calls"
	fi
	out=$(q "SELECT throttled_last_hour FROM rds_copy.queue_status WHERE region = 'ap-southeast-2'")
	expect_equal "throttling: queue_status counts every throttled call of the region" "$(standin_get stats rejected.Throttling)" "$out"
	out=$(q "SELECT send_rate IS NOT NULL FROM rds_copy.queue_status WHERE region = 'ap-southeast-2'")
	expect_equal "throttling: the region has an adaptive send rate" t "$out"
	expect_equal "throttling: exactly one accepted copy per target" none "$(fleet_not_once thr 12 ap-southeast-2)"
}

# The nightly workflow of docs/workflows.md (as test/integration/nightly.sh
# runs it, as backup_job) for 40 clusters.
test_nightly_forty_clusters() {
	local out today i
	today=$(date -u +%Y%m%d)
	fleet_standin '{"copy_seconds": 1, "cross_region_copy_limit": 5}'
	for i in $(seq -w 1 40); do
		ctl rds "{\"identifiers\": [\"night$i-auto\"], \"cluster\": \"night$i\", \"snapshot_type\": \"automated\", \"region\": \"eu-west-1\"}" seed >/dev/null
	done
	out=$(nightly_setup) && pass "nightly x40: the README's grants and the set-up run" ||
		fail "nightly x40: the README's grants and the set-up: $out"
	out=$(docs_sql "nightly workflow" | as_backup -v ON_ERROR_STOP=1 2>&1) && pass "nightly x40: backup_job creates the functions" ||
		fail "nightly x40: creating the functions as backup_job: $out"
	out=$(as_backup --capture -At -c "SELECT count(*) FROM dr.enqueue_dr_copies('eu-west-1')")
	expect_equal "nightly x40: 40 copies enqueued" 40 "$out"
	sql_wait_until "SELECT count(*) = 0 FROM rds_copy.copy_request WHERE target LIKE '%-dr-$today' AND state IN ('queued', 'sending', 'copying')" 90 || true
	out=$(as_backup --capture -At -c "SELECT dr.check_dr_copies()")
	expect_equal "nightly x40: the morning check sees 40 copies available" 40 "$out"
	out=$(q "SELECT count(*) FILTER (WHERE state = 'available') || ' ' || count(*) FILTER (WHERE state = 'failed')
	           FROM rds_copy.copy_request WHERE target LIKE 'night%-dr-$today'")
	expect_equal "nightly x40: 40 available, 0 failed" "40 0" "$out"
	expect_equal "nightly x40: no refused send" 0 "$(fleet_refused)"
	sql -q -c "DROP SCHEMA dr CASCADE" -c "DROP OWNED BY backup_job" -c "DROP ROLE backup_job" >/dev/null 2>&1 || true
}

test_immediate_shutdown() {
	local out
	fleet_standin '{"copy_seconds": 6, "cross_region_copy_limit": 5}'
	fleet_enqueue kill us-east-2 15
	if sql_wait_until "SELECT count(*) FILTER (WHERE state = 'copying') = 5 AND count(*) FILTER (WHERE state = 'queued') = 10
	                      FROM rds_copy.copy_request WHERE target LIKE 'kill-%'" 10; then
		pass "shutdown: 5 copying and 10 waiting"
	else
		fail "shutdown: not 5 copying and 10 waiting: $(fleet_states kill)"
	fi
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null
	restart_cluster
	fleet_wait_done kill 90 || true
	expect_equal "shutdown: after restart all 15 available, none failed" "15 0 0" "$(fleet_states kill)"
	out=$(q "SELECT count(*) || ' ' || count(DISTINCT target) FROM rds_copy.copy_request WHERE target LIKE 'kill-%'")
	expect_equal "shutdown: 15 rows, no duplicate, none lost" "15 15" "$out"
	expect_equal "shutdown: exactly one accepted copy per target" none "$(fleet_not_once kill 15 us-east-2)"
	expect_equal "shutdown: no refused send" 0 "$(fleet_refused)"
}

fleet_tests() {
	local t
	# FLEET_ONLY='test_a test_b' runs only those
	for t in test_fifteen_in_one_transaction test_two_destination_regions test_standin_limit_lower_than_queue \
		test_manual_snapshot_quota test_direct_call_refused test_nightly_forty_clusters test_immediate_shutdown \
		test_throttling; do
		if [ -z "${FLEET_ONLY:-}" ] || [[ " $FLEET_ONLY " == *" $t "* ]]; then
			run_test "$t"
		fi
	done
}

suite_run fleet fleet_tests
