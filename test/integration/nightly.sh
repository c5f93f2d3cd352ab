#!/usr/bin/env bash
# test/integration/nightly.sh: the nightly cross-region workflow of
# docs/workflows.md, run exactly as printed there and as the roles it names
# (the README's grants block for the backup role, the superuser's set-up
# between the "nightly setup" markers, the backup role's SQL between the
# "nightly workflow" markers) against the stand-in: automated snapshots of two clusters in
# eu-west-1 (a region the other suites leave alone) are copied to
# us-west-2 under date-stamped names through the queue, checked in the
# morning, and DR copies past their retention are deleted.
#
#   bash test/integration/nightly.sh    (as root; RDS_COPY_SKIP_APT=1,
#                                        RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# Starts its own stand-in, fakes and throwaway cluster with two queue
# workers serving database postgres (test/lib/suite.sh); ends with
# "N passed, M failed"; exits 1 if anything failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"
source "$REPO/test/lib/nightly_docs.sh"

# Successful journal lines (test/standin) of action $1 for target $2 in
# region $3 whose PreSignedUrl the stand-in verified.
nightly_journal_count() {
	journal_count "$RDS_STANDIN_JOURNAL" action="$1" name="$2" region="$3" outcome=ok presigned=true
}

run_nightly_tests() {
	local sql out today n
	sql=$(docs_sql "nightly workflow")
	if [ "$(printf '%s\n' "$sql" | grep -c 'CREATE FUNCTION')" = 3 ]; then
		pass "nightly: the docs block holds the workflow's three functions"
	else
		fail "nightly: docs block not found or changed shape"
		return
	fi
	out=$(nightly_setup) && pass "nightly: the README's grants for backup_job and the superuser's set-up run" ||
		fail "nightly: the README's grants and the set-up: $out"
	today=$(date -u +%Y%m%d)
	# two clusters with automated snapshots in eu-west-1 (one still being created),
	# an old DR copy and an unrelated manual snapshot in us-west-2
	ctl rds '{"identifiers": ["orders-auto-1"], "cluster": "orders", "snapshot_type": "automated", "region": "eu-west-1"}' seed >/dev/null
	ctl rds '{"identifiers": ["billing-auto-1"], "cluster": "billing", "snapshot_type": "automated", "region": "eu-west-1"}' seed >/dev/null
	ctl rds '{"identifiers": ["billing-auto-2"], "cluster": "billing", "snapshot_type": "automated", "status": "creating", "region": "eu-west-1"}' seed >/dev/null
	ctl rds '{"identifiers": ["orders-dr-20200101", "keep-me"], "region": "us-west-2"}' seed >/dev/null

	out=$(printf '%s\n' "$sql" | as_backup -v ON_ERROR_STOP=1 2>&1) && pass "nightly: backup_job creates the functions" ||
		fail "nightly: creating the functions as backup_job: $out"

	out=$(as_backup --capture -At -c "SELECT count(*) FROM dr.enqueue_dr_copies('eu-west-1')")
	expect_match "nightly: one copy enqueued per cluster" '^2$' "$out"
	out=$(sql --verbose -At -c "SELECT string_agg(target || ' ' || region || ' ' || source_region, ',' ORDER BY target)
	                       FROM rds_copy.copy_request WHERE target LIKE '%-dr-$today'" 2>&1 || true)
	expect_match "nightly: date-stamped targets in the DR region, source region kept" \
		"^billing-dr-$today us-west-2 eu-west-1,orders-dr-$today us-west-2 eu-west-1$" "$out"

	# the queue workers send the copies; the morning check waits for them
	for _ in $(seq 1 50); do
		n=$(sql --verbose --capture -At -c "SELECT count(*) FROM rds_copy.copy_request
		                    WHERE target LIKE '%-dr-$today' AND state IN ('queued', 'sending')")
		[ "$n" = 0 ] && break
		sleep 0.2
	done
	out=$(as_backup --capture -At -c "SELECT dr.check_dr_copies()")
	expect_match "nightly: the morning check sees both copies available" '^2$' "$out"
	out=$(sql --verbose -At -c "SELECT string_agg(state || ' ' || (request_id IS NOT NULL)::text, ',')
	                       FROM rds_copy.copy_request WHERE target LIKE '%-dr-$today'" 2>&1 || true)
	expect_match "nightly: both rows available with a RequestId" '^available true,available true$' "$out"
	for cluster in orders billing; do
		n=$(nightly_journal_count CopyDBClusterSnapshot "$cluster-dr-$today" us-west-2)
		[ "$n" = 1 ] && pass "nightly: exactly one copy of $cluster-dr-$today at the stand-in (pre-signed URL verified)" ||
			fail "nightly: $n copies of $cluster-dr-$today"
	done
	out=$(sql --verbose --capture -At -c "SELECT source_db_cluster_snapshot_arn FROM rds_copy.describe_db_cluster_snapshot('billing-dr-$today', 'us-west-2')")
	expect_match "nightly: the newest available automated snapshot was copied" ':cluster-snapshot:billing-auto-1$' "$out"

	# a failed copy makes the morning check fail, visibly
	sql --verbose -q -c "UPDATE rds_copy.copy_request SET state = 'failed', error_sqlstate = '42501',
	               error_message = 'injected' WHERE target = 'orders-dr-$today'" >/dev/null
	out=$(as_backup --capture -At -c "SELECT dr.check_dr_copies()")
	expect_match "nightly: the morning check raises for a failed copy" "DR copy orders-dr-$today is failed: 42501 injected" "$out"

	# retention: only date-stamped DR copies older than keep_days go
	out=$(as_backup --capture -At -c "SELECT * FROM dr.prune_dr_copies(14)")
	expect_match "nightly: prune deletes only the old DR copy" '^orders-dr-20200101$' "$out"
	out=$(sql --verbose -At -c "SELECT count(*) FROM rds_copy.db_cluster_snapshots(region => 'us-west-2')
	                      WHERE db_cluster_snapshot_identifier IN ('keep-me', 'orders-dr-$today', 'billing-dr-$today', 'orders-dr-20200101')" 2>&1 || true)
	expect_match "nightly: today's copies and other snapshots are kept" '^3$' "$out"

	sql --verbose -q -c "DROP SCHEMA dr CASCADE" >/dev/null
}

nightly_tests() {
	run_test run_nightly_tests
}

suite_run nightly nightly_tests
