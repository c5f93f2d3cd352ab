#!/usr/bin/env bash
# test/integration/wait_events.sh: what pg_stat_activity shows while the
# extension waits, on the PostgreSQL major under test (RDS_COPY_PG_MAJOR,
# default 15; see src/compat.h, RdsWaitEvent).  On 17 and later each wait
# has its own name (wait_event_type 'Extension'):
#   RdsCopySnapshotPoll  wait_for_db_cluster_snapshot between two polls
#   RdsCopyHttpRequest   a backend inside an HTTP transfer
#   RdsCopyQueueNap      an idle queue worker
# On 15 the latch sleeps show wait_event 'Extension' and a transfer shows
# no wait event, as they always did.  Each wait is looked at 10 times, 0.1 s
# apart, and must show in at least 8; every wait is cancelled afterwards.
#
#   bash test/integration/wait_events.sh   (as root; RDS_COPY_SKIP_APT=1,
#                                           RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# Run by test/matrix.sh on every major.  Starts its own stand-in, fakes and
# throwaway cluster with two queue workers (test/lib/suite.sh); ends with
# "N passed, M failed"; exits 1 if anything failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

# the PostgreSQL major the server really is (not what we were told)
we_server_major() {
	sql --stop --capture -At -c "SELECT current_setting('server_version_num')::int / 10000"
}

# we_expect_wait NAME WHERE EXPECTED: 8 of 10 looks at pg_stat_activity
# (rows matching WHERE, the first by pid) show EXPECTED as
# "wait_event_type|wait_event" ("|" for no wait event)
we_expect_wait() {
	local name=$1 where=$2 expected=$3 out seen=0
	for _ in $(seq 10); do
		out=$(sql --stop --capture -At -c "SELECT coalesce(wait_event_type, '') || '|' || coalesce(wait_event, '')
		                                     FROM pg_stat_activity WHERE $where ORDER BY pid LIMIT 1")
		[ "$out" = "$expected" ] && seen=$((seen + 1))
		sleep 0.1
	done
	if [ "$seen" -ge 8 ]; then
		pass "$name shows '$expected' ($seen of 10 looks)"
	else
		fail "$name showed '$expected' in $seen of 10 looks (last: '$out')"
	fi
}

test_wait_events() {
	local major poll http nap
	major=$(we_server_major)
	expect_match "the server is PostgreSQL ${RDS_COPY_PG_MAJOR:-15}" "^${RDS_COPY_PG_MAJOR:-15}\$" "$major"
	if [ "$major" -ge 17 ]; then
		poll='Extension|RdsCopySnapshotPoll'
		http='Extension|RdsCopyHttpRequest'
		nap='Extension|RdsCopyQueueNap'
	else
		poll='Extension|Extension'
		http='|'
		nap='Extension|Extension'
	fi

	# the poll sleep of wait_for_db_cluster_snapshot (10 s between polls)
	sql --stop --capture -At -c "SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('ends-copying-1', 'it-we-wait')" >/dev/null
	start_background_call "SELECT status FROM rds_copy.wait_for_db_cluster_snapshot('it-we-wait', poll_interval => '10 seconds')" it_we_wait
	we_expect_wait "wait_for's poll sleep" "application_name = 'it_we_wait'" "$poll"
	cancel_backend it_we_wait >/dev/null
	wait "$BG_PID" || true
	expect_match "wait_for: cancelled (57014)" '57014: canceling statement due to user request' "$(cat "$WORK/it_we_wait.out")"

	# an HTTP transfer: the stand-in holds fault-slow's reply for 30 s
	start_background_call "$(copy_sql fault-slow it-we-http)" it_we_http
	we_expect_wait "a copy in transfer" "application_name = 'it_we_http'" "$http"
	cancel_backend it_we_http >/dev/null
	wait "$BG_PID" || true
	expect_match "transfer: cancelled (57014)" '57014: canceling statement due to user request' "$(cat "$WORK/it_we_http.out")"

	# an idle static queue worker between two looks at the queue (naptime 200 ms:
	# the nap is most of its time, but not all, hence 8 of 10)
	we_expect_wait "an idle queue worker" "backend_type = 'rds_copy queue worker'" "$nap"
}

suite_run wait_events test_wait_events
