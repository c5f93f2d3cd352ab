#!/usr/bin/env bash
# test/integration/workflow.sh: backup workflows on real backends and real
# background workers: the queue's workers end to end (commit sends once,
# rollback never), crash recovery of rows left in 'sending' (also after an
# immediate shutdown in the middle of a send), one slow send not holding up
# the others, cancel_copy of a copying row, queue_max_sends, retention
# pruning after a reload, process_queue on a server without workers, the
# audit trail of a rolled-back call (view and server log), a wait seen in
# pg_stat_activity and cancelled, the library without
# shared_preload_libraries, and a pg_cron job (the real pg_cron) that
# enqueues a date-stamped copy.  Takes 3 to 5 minutes, most of it waiting
# for pg_cron's next minute.
#
#   bash test/integration/workflow.sh   (as root; RDS_COPY_SKIP_APT=1,
#                                        RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# Starts its own stand-in, fakes and throwaway cluster with two queue
# workers serving database postgres (test/lib/suite.sh); ends with
# "N passed, M failed"; exits 1 if anything failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

# A value from a GET control endpoint of the stand-in (test/lib/harness.sh
# standin_get), or "(stand-in unreachable)", which no comparison accepts.
wf_standin() {
	standin_get "$1" "$2" || echo "(stand-in unreachable)"
}

# CopyDBClusterSnapshot (or $2) requests the stand-in received for target $1
wf_requests() {
	local n
	n=$(wf_standin stats "by_action_snapshot.${2:-CopyDBClusterSnapshot}.$1")
	echo "${n:-0}"
}

# status of snapshot $1 at the stand-in ("" when it does not exist); looks
# without a Describe, so nothing advances
wf_snapshot_status() {
	wf_standin "snapshots?region=us-east-1" "us-east-1.$1.status"
}

# state of the copy_request row for target $1 (the newest)
wf_state() {
	sql --stop --capture -At -c "SELECT state FROM rds_copy.copy_request WHERE target = '$1' ORDER BY id DESC LIMIT 1"
}

wf_expect_state() {
	local name=$1 target=$2 state=$3 seconds=$4
	if sql_wait_until "SELECT state = '$state' FROM rds_copy.copy_request WHERE target = '$target' ORDER BY id DESC LIMIT 1" "$seconds"; then
		pass "$name: $target is $state"
	else
		fail "$name: $target is $(wf_state "$target"), not $state, after ${seconds}s: $(sql --stop --capture -At -c "SELECT error_sqlstate, error_message FROM rds_copy.copy_request WHERE target = '$target'")"
	fi
}

expect_equal() {
	local name=$1 expected=$2 got=$3
	if [ "$got" = "$expected" ]; then pass "$name"; else fail "$name: expected $expected, got $got"; fi
}

# wait up to 5 s for an id (a line of digits) in file $1
wf_wait_for_id() {
	local i
	for i in $(seq 50); do
		grep -qE '^[0-9]+$' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 0
}

# sessions called it_wf_open inside a transaction
wf_open_transactions() {
	sql --stop --capture -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'it_wf_open' AND xact_start IS NOT NULL"
}

test_worker_end_to_end() {
	local out
	sql --stop --capture -At -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'rds_copy queue worker'" >"$WORK/wf-workers.out"
	expect_equal "two queue workers run" 2 "$(cat "$WORK/wf-workers.out")"

	# committed: sent once by a worker, followed to available
	sql --stop --capture -At -c "BEGIN" -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-bg', tags => '{\"via\": \"worker\"}')" \
		-c "COMMIT" >/dev/null
	wf_expect_state "worker" it-wf-bg available 20
	expect_equal "worker: exactly one CopyDBClusterSnapshot for it-wf-bg" 1 "$(wf_requests it-wf-bg)"
	out=$(sql --stop --capture -At -c "SELECT attempts, checks, percent_progress, request_id IS NOT NULL, snapshot_arn, finished_at >= sent_at
	                   FROM rds_copy.copy_request WHERE target = 'it-wf-bg'")
	expect_match "worker: the row has the RequestId, ARN, progress and times" \
		'^1\|2\|100\|t\|arn:aws:rds:us-east-1:123456789012:cluster-snapshot:it-wf-bg\|t$' "$out"
	expect_equal "worker: the copy is available at the stand-in" available "$(wf_snapshot_status it-wf-bg)"

	# not sent while the transaction is open (workers look every 200 ms);
	# rolled back: never.  Positive controls: the enqueue returned an id, the
	# transaction was still open when the stand-in was asked, and the same
	# enqueue committed (it-wf-late below) is sent.
	PGAPPNAME=it_wf_open sql --stop --capture -At -c "BEGIN" -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-rb')" \
		-c "SELECT pg_sleep(3)" -c "ROLLBACK" >"$WORK/wf-rb.out" &
	local pid=$!
	wf_wait_for_id "$WORK/wf-rb.out"
	expect_match "rollback: enqueue_copy returned an id in the open transaction" '^[0-9]+$' "$(cat "$WORK/wf-rb.out")"
	sleep 1
	expect_equal "uncommitted: nothing sent while the transaction is open" 0 "$(wf_requests it-wf-rb)"
	expect_equal "uncommitted: ... which was still open then" 1 "$(wf_open_transactions)"
	wait "$pid" || true
	sleep 2
	expect_equal "rolled back: nothing sent" 0 "$(wf_requests it-wf-rb)"
	expect_equal "rolled back: no row" 0 "$(sql --stop --capture -At -c "SELECT count(*) FROM rds_copy.copy_request WHERE target = 'it-wf-rb'")"

	# committed after a while: sent then, once
	PGAPPNAME=it_wf_open sql --stop --capture -At -c "BEGIN" -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-late')" \
		-c "SELECT pg_sleep(2.5)" -c "COMMIT" >"$WORK/wf-late.out" &
	pid=$!
	wf_wait_for_id "$WORK/wf-late.out"
	expect_match "open transaction: enqueue_copy returned an id" '^[0-9]+$' "$(cat "$WORK/wf-late.out")"
	sleep 1
	expect_equal "open transaction: nothing sent yet" 0 "$(wf_requests it-wf-late)"
	expect_equal "open transaction: ... which was still open then" 1 "$(wf_open_transactions)"
	wait "$pid" || true
	wf_expect_state "committed late" it-wf-late available 20
	expect_equal "committed late: exactly one copy" 1 "$(wf_requests it-wf-late)"
}

test_crash_recovery() {
	local out
	# three rows left in 'sending' by a worker that died, as a crash leaves
	# them: their targets exist with the right source, do not exist, or exist
	# with another source
	ctl rds '{"identifiers": ["it-wf-orphan-1"], "status": "copying", "source": "my-cluster-snapshot1"}' seed
	ctl rds '{"identifiers": ["it-wf-orphan-3"], "source": "encrypted-snapshot"}' seed
	sql --stop --capture -At -c "INSERT INTO rds_copy.copy_request (source, target, region, state, attempts, sent_at)
	           SELECT 'my-cluster-snapshot1', t, 'us-east-1', 'sending', 1, now() - interval '1 minute'
	             FROM unnest(ARRAY['it-wf-orphan-1', 'it-wf-orphan-2', 'it-wf-orphan-3']) AS t"
	wf_expect_state "orphan whose copy started" it-wf-orphan-1 available 20
	expect_equal "... no copy sent for it" 0 "$(wf_requests it-wf-orphan-1)"
	wf_expect_state "orphan whose send never arrived" it-wf-orphan-2 available 20
	expect_equal "... sent exactly once" 1 "$(wf_requests it-wf-orphan-2)"
	out=$(sql --stop --capture -At -c "SELECT attempts FROM rds_copy.copy_request WHERE target = 'it-wf-orphan-2'")
	expect_equal "... as its second send" 2 "$out"
	wf_expect_state "orphan whose target has another source" it-wf-orphan-3 failed 20
	out=$(sql --stop --capture -At -c "SELECT error_sqlstate FROM rds_copy.copy_request WHERE target = 'it-wf-orphan-3'")
	expect_equal "... 42710, and no copy sent" "42710 0" "$out $(wf_requests it-wf-orphan-3)"
	expect_match "the server log says a row was left in sending" \
		'copy request [0-9]+ was left in state sending' "$(grep 'left in state sending' "$WORK/postgres.log")"

	# a real crash: the server stops (immediate shutdown) while a worker waits
	# for the reply of a send the stand-in has already acted on
	sql --stop --capture -At -c "SELECT rds_copy.enqueue_copy('delayed-9', 'it-wf-crash')" >/dev/null
	if sql_wait_until "SELECT state = 'sending' FROM rds_copy.copy_request WHERE target = 'it-wf-crash'" 10 &&
		[ "$(wf_requests it-wf-crash)" = 1 ]; then
		pass "crash: the send is under way"
	else
		fail "crash: the send did not start: $(wf_state it-wf-crash), $(wf_requests it-wf-crash) requests"
	fi
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null || true
	restart_cluster
	wf_expect_state "crash: after the restart the row" it-wf-crash available 30
	expect_equal "crash: still exactly one copy request" 1 "$(wf_requests it-wf-crash)"
}

test_slow_send_does_not_block() {
	local out i targets
	targets=$(printf "'it-wf-fast-%s'," $(seq 10))
	# the slow one first, so the first worker takes it; its reply comes after
	# 9 s (within the 10 s a transfer may go without a byte).  What is
	# checked is the order of events, not a wall-clock budget: all ten were
	# available at a moment when the slow one was still 'sending' (one query
	# sees both), so a loaded machine only makes the window shorter, never
	# the check wrong; if the slow send ends first, that is the failure.
	sql --stop --capture -At -c "BEGIN" -c "SELECT rds_copy.enqueue_copy('delayed-9', 'it-wf-slow')" \
		-c "SELECT count(rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-fast-' || i)) FROM generate_series(1, 10) i" \
		-c "COMMIT" >/dev/null
	local verdict=
	for i in $(seq 150); do
		verdict=$(sql --stop --capture -At -c "SELECT CASE
		    WHEN (SELECT count(*) FROM rds_copy.copy_request WHERE target IN (${targets%,}) AND state = 'available') = 10
		     AND (SELECT state FROM rds_copy.copy_request WHERE target = 'it-wf-slow') = 'sending' THEN 'done'
		    WHEN (SELECT state FROM rds_copy.copy_request WHERE target = 'it-wf-slow') NOT IN ('queued', 'sending') THEN 'slow-finished'
		    ELSE 'waiting' END")
		[ "$verdict" = waiting ] || break
		sleep 0.2
	done
	if [ "$verdict" = "done" ]; then
		pass "concurrency: 10 copies finished while the slow send was in flight (still sending)"
	else
		fail "concurrency: $verdict; fast ones: $(sql --stop --capture -At -c "SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) n FROM rds_copy.copy_request WHERE target IN (${targets%,}) GROUP BY 1) s"), slow one: $(wf_state it-wf-slow)"
	fi
	expect_equal "concurrency: the slow send reached the stand-in" 1 "$(wf_requests it-wf-slow)"
	out=$(for i in $(seq 10); do wf_requests "it-wf-fast-$i"; done | sort | uniq -c | awk '{print $1 "x" $2}')
	expect_equal "concurrency: one copy request each" 10x1 "$out"
	wf_expect_state "concurrency: the slow one" it-wf-slow available 30
	expect_equal "concurrency: the slow one was sent once" 1 "$(wf_requests it-wf-slow)"
}

test_cancel_copying() {
	local id out
	id=$(sql --stop --capture -At -c "SELECT rds_copy.enqueue_copy('ends-copying-1', 'it-wf-cancel')")
	expect_match "cancel: enqueue_copy returned an id" '^[0-9]+$' "$id"
	wf_expect_state "cancel" it-wf-cancel copying 10
	expect_equal "cancel: the target exists" copying "$(wf_snapshot_status it-wf-cancel)"
	# positive control for "no worker describes it any more" below: a worker
	# does describe it while it is copying (every rds_copy.queue_poll_interval)
	local i
	for i in $(seq 50); do
		[ "$(wf_requests it-wf-cancel DescribeDBClusterSnapshots)" -ge 1 ] 2>/dev/null && break
		sleep 0.2
	done
	expect_match "cancel: a worker describes it while it is copying" '^[1-9][0-9]*$' \
		"$(wf_requests it-wf-cancel DescribeDBClusterSnapshots)"
	out=$(sql --stop --capture -At -c "SELECT state, finished_at IS NOT NULL FROM rds_copy.cancel_copy($id)")
	expect_equal "cancel_copy of a copying row" "cancelled|t" "$out"
	expect_equal "cancel: one DeleteDBClusterSnapshot" 1 "$(wf_requests it-wf-cancel DeleteDBClusterSnapshot)"
	expect_equal "cancel: the target is gone at the stand-in" "" "$(wf_snapshot_status it-wf-cancel)"
	local describes
	describes=$(wf_requests it-wf-cancel DescribeDBClusterSnapshots)
	sleep 3
	expect_equal "cancel: no worker describes it any more" "$describes" \
		"$(wf_requests it-wf-cancel DescribeDBClusterSnapshots)"
	expect_equal "cancel: the row stays cancelled" cancelled "$(wf_state it-wf-cancel)"
}

test_max_sends() {
	local out
	sql --stop --capture -At -c "ALTER SYSTEM SET rds_copy.queue_max_sends = 2" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 0.5
	# every attempt fails with 503: two sends of three attempts each, then failed
	sql --stop --capture -At -c "SELECT rds_copy.enqueue_copy('flaky-503-99', 'it-wf-max-sends')" >/dev/null
	wf_expect_state "queue_max_sends" it-wf-max-sends failed 30
	out=$(sql --stop --capture -At -c "SELECT attempts, error_sqlstate, error_code FROM rds_copy.copy_request WHERE target = 'it-wf-max-sends'")
	expect_equal "queue_max_sends: failed after 2 sends with 08006" "2|08006|ServiceUnavailable" "$out"
	expect_equal "queue_max_sends: 6 requests (3 attempts a send)" 6 "$(wf_requests it-wf-max-sends)"
	sql --stop --capture -At -c "ALTER SYSTEM RESET rds_copy.queue_max_sends" -c "SELECT pg_reload_conf()" >/dev/null
}

test_audit_of_rolled_back_calls() {
	local out line
	expect_equal "rds_copy.log_requests defaults to log" log "$(sql --stop --capture -At -c "SHOW rds_copy.log_requests")"
	sql -At -c "BEGIN" \
		-c "SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'it-wf-audit')" \
		-c "SELECT rds_copy.rds_copy_db_cluster_snapshot('fault-AccessDenied', 'it-wf-audit-denied')" \
		-c "ROLLBACK" >/dev/null 2>&1 || true
	out=$(sql --stop --capture -At -c "SELECT action, source, target, outcome, coalesce(sqlstate, '-'), coalesce(aws_code, '-'), attempts,
	                        username, database, request_id IS NOT NULL, queue_id IS NULL
	                   FROM rds_copy.recent_requests WHERE target LIKE 'it-wf-audit%' ORDER BY at")
	expect_match "audit: the rolled-back copy is in recent_requests" \
		'^CopyDBClusterSnapshot\|my-cluster-snapshot1\|it-wf-audit\|ok\|-\|-\|1\|postgres\|postgres\|t\|t$' "$out"
	expect_match "audit: the rolled-back failed copy too" \
		'^CopyDBClusterSnapshot\|fault-AccessDenied\|it-wf-audit-denied\|error\|42501\|AccessDenied\|1\|postgres\|postgres\|t\|t$' "$out"
	line=$(grep 'rds_copy: CopyDBClusterSnapshot region us-east-1 source "my-cluster-snapshot1" target "it-wf-audit":' "$WORK/postgres.log" || true)
	expect_match "audit: one LOG line for the copy" \
		'LOG:  rds_copy: CopyDBClusterSnapshot region us-east-1 source "my-cluster-snapshot1" target "it-wf-audit": ok after 1 attempt in [0-9.]+ ms, RequestId [0-9a-f-]{36}$' "$line"
	expect_equal "audit: exactly one line for it" 1 "$(printf '%s\n' "$line" | grep -c .)"
	expect_match "audit: and one for the failed copy" \
		'LOG:  rds_copy: CopyDBClusterSnapshot region us-east-1 source "fault-AccessDenied" target "it-wf-audit-denied": failed with SQLSTATE 42501 \(AccessDenied\) after 1 attempt' \
		"$(grep 'target "it-wf-audit-denied"' "$WORK/postgres.log")"
	# the level is a setting; off writes no line (the ring still has the call)
	sql -At -c "SET rds_copy.log_requests = warning" \
		-c "$(copy_sql my-cluster-snapshot1 it-wf-audit-warning)" \
		-c "SET rds_copy.log_requests = off" -c "$(copy_sql my-cluster-snapshot1 it-wf-audit-off)" >/dev/null 2>&1 || true
	expect_match "audit: rds_copy.log_requests = warning logs at WARNING" \
		'WARNING:  rds_copy: CopyDBClusterSnapshot region us-east-1 source "my-cluster-snapshot1" target "it-wf-audit-warning": ok' \
		"$(grep 'target "it-wf-audit-warning"' "$WORK/postgres.log")"
	expect_equal "audit: rds_copy.log_requests = off logs nothing" 0 "$(grep -c 'target "it-wf-audit-off"' "$WORK/postgres.log" || true)"
	expect_equal "audit: ... but the call is in recent_requests" 1 \
		"$(sql --stop --capture -At -c "SELECT count(*) FROM rds_copy.recent_requests WHERE target = 'it-wf-audit-off'")"
	# the queue workers' calls are logged too, with their row
	expect_match "audit: a queue worker's call is logged" \
		'rds_copy: CopyDBClusterSnapshot region us-east-1 source "my-cluster-snapshot1" target "it-wf-bg": ok' \
		"$(grep 'target "it-wf-bg"' "$WORK/postgres.log")"
	# no secret; positive control: there are calls in the ring, signed
	# (the stand-in verified them) with the secret the pattern knows
	expect_match "audit: recent_requests holds calls to look at" '^[1-9][0-9]*$' \
		"$(sql --stop --capture -At -c "SELECT count(*) FROM rds_copy.recent_requests WHERE outcome = 'ok'")"
	expect_match "audit: ... signed with the secret of [default]" '^[1-9][0-9]*$' \
		"$(journal_count "$RDS_STANDIN_JOURNAL" akid=AKIDEXAMPLE outcome=ok)"
	out=$(sql --stop --capture -At -c "SELECT count(*) FROM rds_copy.recent_requests r WHERE r::text ~ '$SECRET_PATTERN'")
	expect_equal "audit: no secret in recent_requests" 0 "$out"
	local found
	if found=$(secrets_in "$WORK/postgres.log"); then
		fail "audit: a secret reached the server log: $found"
	elif [ $? = 2 ]; then
		fail "audit: the server log could not be read"
	else
		pass "audit: no secret in the server log"
	fi
}

# The cancel must end the wait's latch sleep: the poll interval is 10 s, so
# an ignored cancel shows as a wait of seconds; measured on the server's
# clock (the cancel's SELECT, then the cancelled session's next statement).
test_wait_is_visible_and_cancellable() {
	local t_cancel out seen=0
	sql --stop --capture -At -c "SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('ends-copying-1', 'it-wf-wait')" >/dev/null
	start_background_call "SELECT status FROM rds_copy.wait_for_db_cluster_snapshot('it-wf-wait', poll_interval => '10 seconds')" it_wf_wait
	for _ in $(seq 10); do
		out=$(sql --stop --capture -At -c "SELECT wait_event_type FROM pg_stat_activity WHERE application_name = 'it_wf_wait'")
		[ "$out" = Extension ] && seen=$((seen + 1))
		sleep 0.1
	done
	if [ "$seen" -ge 8 ]; then
		pass "wait_for shows wait_event_type Extension in pg_stat_activity ($seen of 10 looks)"
	else
		fail "wait_for showed wait_event_type Extension in $seen of 10 looks (last: $out)"
	fi
	t_cancel=$(cancel_backend it_wf_wait)
	wait "$BG_PID" || true
	expect_match "wait_for: pg_cancel_backend gives 57014" '57014: canceling statement due to user request' \
		"$(cat "$WORK/it_wf_wait.out")"
	expect_le "wait_for: ended within 2000 ms of the cancel (server clock)" 2000 \
		"$(ms_between "$t_cancel" "$(background_ended_ms it_wf_wait)")"
}

# finished rows older than rds_copy.queue_retention go, unfinished ones stay
wf_age_rows() {
	sql --stop --capture -At -c "UPDATE rds_copy.copy_request SET finished_at = now() - interval '2 hours', requested_at = now() - interval '3 hours'
	            WHERE target IN ($1)" >/dev/null
}

wf_retention_setup() {
	wf_age_rows "'it-wf-bg', 'it-wf-orphan-3', 'it-wf-cancel'"
	# an unfinished row, just as old, that no worker will finish soon
	sql --stop --capture -At -c "INSERT INTO rds_copy.copy_request (source, target, region, state, requested_at, next_check_at)
	           VALUES ('my-cluster-snapshot1', 'it-wf-keep', 'us-east-1', 'queued', now() - interval '3 hours', now() + interval '1 day')" >/dev/null
	sql --stop --capture -At -c "ALTER SYSTEM SET rds_copy.queue_retention = '1h'" -c "SELECT pg_reload_conf()" >/dev/null
}

wf_retention_check() {
	local out
	if sql_wait_until "SELECT count(*) = 0 FROM rds_copy.copy_request WHERE target IN ('it-wf-bg', 'it-wf-orphan-3', 'it-wf-cancel')" "$1"; then
		pass "retention: the background worker deleted finished rows older than 1h"
	else
		fail "retention: $(sql --stop --capture -At -c "SELECT string_agg(target || ' ' || state, ', ') FROM rds_copy.copy_request WHERE target IN ('it-wf-bg', 'it-wf-orphan-3', 'it-wf-cancel')") still there"
	fi
	out=$(sql --stop --capture -At -c "SELECT string_agg(target, ',' ORDER BY target) FROM rds_copy.copy_request WHERE target IN ('it-wf-keep', 'it-wf-late', 'it-wf-orphan-1')")
	expect_equal "retention: unfinished and recent rows stay" "it-wf-keep,it-wf-late,it-wf-orphan-1" "$out"
	sql --stop --capture -At -c "ALTER SYSTEM RESET rds_copy.queue_retention" -c "SELECT pg_reload_conf()" \
		-c "DELETE FROM rds_copy.copy_request WHERE target = 'it-wf-keep'" >/dev/null
}

# The AWS code a row records is its own send's (the action hands it back):
# a send refused by the target lock (55P03, before anything is sent) has
# none, even right after the same worker recorded another row's AWS fault.
# One worker, so that both rows go through one process.  And a retried code
# that outlasts the retries (LimitExceededException, three times) is a
# connection-class failure, and a throttling one: the row goes back to
# queued without using up a send, then out again.
test_error_code_is_the_rows_own() {
	local out
	RDS_COPY_QUEUE_WORKERS=1 restart_cluster
	sql --stop -c "SELECT rds_copy.enqueue_copy('no-such-snapshot', 'it-wf-code-a')" >/dev/null
	wf_expect_state "a send AWS refuses" it-wf-code-a failed 20
	expect_equal "... records AWS's code" "42704 DBClusterSnapshotNotFoundFault" \
		"$(sql --stop --capture -At -F ' ' -c "SELECT error_sqlstate, error_code FROM rds_copy.copy_request WHERE target = 'it-wf-code-a'")"
	# another session holds the target's lock while its request waits at the stand-in
	start_background_call "SET rds_copy.request_timeout = '8s'; SET rds_copy.max_attempts = 1; $(copy_sql fault-slow it-wf-code-b)" it_wf_code_holder
	sql --stop -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-code-b')" >/dev/null
	if sql_wait_until "SELECT error_sqlstate = '55P03' FROM rds_copy.copy_request WHERE target = 'it-wf-code-b'" 15; then
		pass "a send refused by the target lock is recorded as 55P03"
	else
		fail "a send refused by the target lock: $(sql --stop --capture -At -c "SELECT state, error_sqlstate, error_code FROM rds_copy.copy_request WHERE target = 'it-wf-code-b'")"
	fi
	out=$(sql --stop --capture -At -F ' ' -c "SELECT state, coalesce(error_code, '(none)') FROM rds_copy.copy_request WHERE target = 'it-wf-code-b'")
	expect_match "... back to queued, with no AWS code (not the previous row's)" '^(queued|sending|copying|available) \(none\)$' "$out"
	wait "$BG_PID" || true
	wf_expect_state "... and sent once the lock is free" it-wf-code-b available 30
	expect_equal "... one copy request from the queue, one from the lock holder" 2 "$(wf_requests it-wf-code-b)"
	# a retried code whose retries run out (max_attempts 3): re-queued, not failed
	sql --stop -c "SELECT rds_copy.enqueue_copy('flaky-LimitExceededException-3', 'it-wf-limit')" >/dev/null
	wf_expect_state "LimitExceededException three times, then a copy" it-wf-limit available 40
	# (a throttling code: the throttled send does not count towards
	# queue_max_sends, so attempts is 1, the send that made the copy)
	expect_equal "... sent again: re-queued after 08006 (throttled, not counted), not failed" \
		"1 CopyDBClusterSnapshot 08006 LimitExceededException" \
		"$(sql --stop --capture -At -F ' ' -c "SELECT r.attempts, a.action, a.sqlstate, a.aws_code
		     FROM rds_copy.copy_request r JOIN rds_copy.recent_requests a ON a.queue_id = r.id
		    WHERE r.target = 'it-wf-limit' AND a.outcome <> 'ok' ORDER BY a.at LIMIT 1")"
}

test_process_queue_without_workers() {
	local out id i
	RDS_COPY_QUEUE_WORKERS=0 restart_cluster
	expect_equal "queue_workers = 0: no queue worker" 0 \
		"$(sql --stop --capture -At -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'rds_copy queue worker'")"
	id=$(sql --stop --capture -At -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-pq')")
	expect_match "queue_workers = 0: enqueue_copy returned an id" '^[0-9]+$' "$id"
	sleep 1.5
	expect_equal "queue_workers = 0: nobody sends by itself" "queued 0" "$(wf_state it-wf-pq) $(wf_requests it-wf-pq)"
	# an old finished row, for process_queue's pruning
	wf_age_rows "'it-wf-late'"
	out=$(sql --stop --capture -At -c "ALTER SYSTEM SET rds_copy.queue_retention = '1h'" -c "SELECT pg_reload_conf()" -c "SELECT pg_sleep(0.2)" \
		-c "SELECT rds_copy.process_queue()")
	expect_equal "process_queue sends the queued row" 1 "$(printf '%s\n' "$out" | tail -n 1)"
	expect_equal "... it is copying, one request" "copying 1" "$(wf_state it-wf-pq) $(wf_requests it-wf-pq)"
	expect_equal "process_queue pruned the old finished row" 0 \
		"$(sql --stop --capture -At -c "SELECT count(*) FROM rds_copy.copy_request WHERE target = 'it-wf-late'")"
	for i in $(seq 20); do
		[ "$(wf_state it-wf-pq)" = available ] && break
		sleep 0.6
		sql --stop --capture -At -c "SELECT rds_copy.process_queue()" >/dev/null
	done
	expect_equal "process_queue follows it to available" available "$(wf_state it-wf-pq)"
	expect_equal "... with one copy request" 1 "$(wf_requests it-wf-pq)"
	sql --stop --capture -At -c "ALTER SYSTEM RESET rds_copy.queue_retention" -c "SELECT pg_reload_conf()" >/dev/null
}

# Without shared_preload_libraries: no audit ring (55000, with a hint), but
# copies, their log line and process_queue work; a non-superuser's SET of a
# superuser-only setting before the library loads is a placeholder that is
# thrown away (with a WARNING) when it loads.
test_without_preload() {
	local out
	RDS_COPY_PRELOAD=0 restart_cluster
	expect_equal "no preload: no queue worker" 0 \
		"$(sql --stop --capture -At -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'rds_copy queue worker'")"
	out=$(sql --verbose --capture -At -c "SELECT count(*) FROM rds_copy.recent_requests")
	expect_match "no preload: recent_requests says what is missing" \
		'55000: rds_copy.recent_requests needs rds_copy in shared_preload_libraries' "$out"
	sql --stop --capture -At -c "DROP ROLE IF EXISTS it_wf_plain" -c "CREATE ROLE it_wf_plain" \
		-c "GRANT USAGE ON SCHEMA rds_copy TO it_wf_plain" \
		-c "GRANT EXECUTE ON FUNCTION rds_copy.rds_copy_db_cluster_snapshot(text, text, text, boolean, jsonb, text) TO it_wf_plain" >/dev/null
	out=$(sql --verbose -At -c "SET ROLE it_wf_plain" -c "SET rds_copy.endpoint_url = 'https://127.0.0.1:1'" \
		-c "$(copy_sql my-cluster-snapshot1 it-wf-noload)" \
		-c "SELECT current_setting('rds_copy.endpoint_url') = '$STANDIN_URL'" 2>&1 || true)
	expect_match "no preload: the placeholder is thrown away when the library loads" \
		'WARNING:  42501: permission denied to set parameter "rds_copy.endpoint_url"' "$out"
	expect_match "no preload: ... and the copy goes to the configured endpoint" '^it-wf-noload$' "$out"
	expect_match "no preload: ... which the setting still names" '^t$' "$out"
	expect_match "no preload: the call is logged" 'target "it-wf-noload": ok after 1 attempt' \
		"$(grep 'target "it-wf-noload"' "$WORK/postgres.log")"
	out=$(sql --stop --capture -At -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-noload-q')" -c "SELECT rds_copy.process_queue()")
	expect_equal "no preload: process_queue sends a queued copy" 1 "$(printf '%s\n' "$out" | tail -n 1)"
	expect_equal "no preload: ... once" "copying 1" "$(wf_state it-wf-noload-q) $(wf_requests it-wf-noload-q)"
	sql --stop --capture -At -c "DROP OWNED BY it_wf_plain" -c "DROP ROLE it_wf_plain" >/dev/null
}

test_pg_cron() {
	local out target jobid
	if [ ! -f "$("$PGBIN/pg_config" --pkglibdir)/pg_cron.so" ]; then
		fail "pg_cron: postgresql-15-cron is not installed"
		return
	fi
	RDS_COPY_PG_CRON=1 restart_cluster
	out=$(sql --stop --capture -At -c "CREATE EXTENSION IF NOT EXISTS pg_cron")
	if [ -n "$out" ]; then
		fail "pg_cron: CREATE EXTENSION pg_cron: $out"
		return
	fi
	jobid=$(sql --stop --capture -At -c "SELECT cron.schedule('it-wf-nightly', '* * * * *',
	  \$\$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'nightly-' || to_char(now(), 'YYYYMMDD'))\$\$)")
	say "pg_cron: job $jobid scheduled; waiting for its minute (up to 150 s)"
	if sql_wait_until "SELECT count(*) > 0 FROM cron.job_run_details WHERE jobid = $jobid AND status IN ('succeeded', 'failed')" 150; then
		pass "pg_cron: the job ran"
	else
		fail "pg_cron: the job did not run within 150 s: $(sql --stop --capture -At -c "SELECT status, return_message FROM cron.job_run_details WHERE jobid = $jobid")"
	fi
	sql --stop --capture -At -c "SELECT cron.unschedule($jobid)" >/dev/null
	out=$(sql --stop --capture -At -c "SELECT status, return_message FROM cron.job_run_details WHERE jobid = $jobid ORDER BY start_time")
	expect_equal "pg_cron: cron.job_run_details says succeeded, once" "succeeded|SELECT 1" "$out"
	target=$(sql --stop --capture -At -c "SELECT target FROM rds_copy.copy_request WHERE target LIKE 'nightly-%' ORDER BY id DESC LIMIT 1")
	out=$(sql --stop --capture -At -c "SELECT count(*), bool_and(target = 'nightly-' || to_char(requested_at, 'YYYYMMDD')) FROM rds_copy.copy_request WHERE target LIKE 'nightly-%'")
	expect_equal "pg_cron: one queue row with a date-stamped target ($target)" "1|t" "$out"
	wf_expect_state "pg_cron" "$target" available 30
	expect_equal "pg_cron: exactly one copy at the stand-in" "1 available" \
		"$(wf_requests "$target") $(wf_snapshot_status "$target")"
	expect_equal "pg_cron: unscheduled" 0 "$(sql --stop --capture -At -c "SELECT count(*) FROM cron.job WHERE jobid = $jobid")"
}

workflow_tests() {
	# (with the other suites in one cluster, the load test used to fill
	# us-east-1 past the default quota; harmless on a cluster of its own)
	ctl rds '{"snapshot_quota": 10000000}'
	run_test test_worker_end_to_end
	run_test test_crash_recovery
	run_test test_slow_send_does_not_block
	run_test test_cancel_copying
	# the workers prune at most once a minute: the other tests run meanwhile
	run_test wf_retention_setup
	local retention_started=$SECONDS
	run_test test_max_sends
	run_test test_audit_of_rolled_back_calls
	run_test test_wait_is_visible_and_cancellable
	local left=$((75 - (SECONDS - retention_started)))
	run_test wf_retention_check $((left > 5 ? left : 5))
	expect_equal "rolled back: still nothing sent, ever" 0 "$(wf_requests it-wf-rb)"
	run_test test_error_code_is_the_rows_own
	run_test test_process_queue_without_workers
	run_test test_without_preload
	run_test test_pg_cron
	RDS_COPY_PG_CRON=0 restart_cluster
	ctl rds '{"snapshot_quota": 1000}'
}

suite_run workflow workflow_tests
