# test/integration_workflow.sh: backup workflows on real backends and real
# background workers: the queue's workers end to end (commit sends once,
# rollback never), crash recovery of rows left in 'sending' (also after an
# immediate shutdown in the middle of a send), one slow send not holding up
# the others, cancel_copy of a copying row, queue_max_sends, retention
# pruning after a reload, process_queue on a server without workers, the
# audit trail of a rolled-back call (view and server log), a wait seen in
# pg_stat_activity and cancelled, the library without
# shared_preload_libraries, and a pg_cron job (the real pg_cron) that
# enqueues a date-stamped copy.  Sourced by test/run_all.sh after the other
# integration scripts; uses its pass/fail counters and the helpers of
# test/integration.sh.  Takes 3 to 5 minutes, most of it waiting for
# pg_cron's next minute.

WF_SECRETS='EXAMPLEKEY|notTheRightSecret|FAKESESSIONTOKEN|sessionsecret|otherSecretKey|whateverSecret'

# A value from a GET control endpoint of the stand-in: wf_standin stats
# by_action_snapshot.CopyDBClusterSnapshot.x (0 when absent), or
# wf_standin 'snapshots?region=us-east-1' us-east-1.x.status ("" when absent).
wf_standin() {
	"$PYTHON" - "$STANDIN_URL/__standin/$1" "$CERTS/ca.crt" "$2" <<'PY' || echo "(stand-in unreachable)"
import json, ssl, sys, urllib.request
url, ca, path = sys.argv[1:4]
value = json.load(urllib.request.urlopen(url, context=ssl.create_default_context(cafile=ca), timeout=10))
for key in path.split('.'):
    value = value.get(key) if isinstance(value, dict) else None
print('' if value is None else value)
PY
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

# psql, unaligned; an error is printed (and makes the comparison that uses
# the output fail) but never ends the run
wf_sql() {
	"$PGBIN/psql" -X -q -At -d postgres -v ON_ERROR_STOP=1 "$@" 2>&1 || true
}

# Wait up to $2 seconds for SQL $1 to print t; true when it did.
wf_wait_until() {
	local sql=$1 seconds=$2 i
	for i in $(seq $((seconds * 5))); do
		[ "$(wf_sql -c "$sql" 2>/dev/null)" = t ] && return 0
		sleep 0.2
	done
	return 1
}

# state of the copy_request row for target $1 (the newest)
wf_state() {
	wf_sql -c "SELECT state FROM rds_copy.copy_request WHERE target = '$1' ORDER BY id DESC LIMIT 1"
}

wf_expect_state() {
	local name=$1 target=$2 state=$3 seconds=$4
	if wf_wait_until "SELECT state = '$state' FROM rds_copy.copy_request WHERE target = '$target' ORDER BY id DESC LIMIT 1" "$seconds"; then
		pass "$name: $target is $state"
	else
		fail "$name: $target is $(wf_state "$target"), not $state, after ${seconds}s: $(wf_sql -c "SELECT error_sqlstate, error_message FROM rds_copy.copy_request WHERE target = '$target'")"
	fi
}

wf_expect_equal() {
	local name=$1 expected=$2 got=$3
	if [ "$got" = "$expected" ]; then pass "$name"; else fail "$name: expected $expected, got $got"; fi
}

test_worker_end_to_end() {
	local out
	wf_sql -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'rds_copy queue worker'" >"$WORK/wf-workers.out"
	wf_expect_equal "two queue workers run" 2 "$(cat "$WORK/wf-workers.out")"

	# committed: sent once by a worker, followed to available
	wf_sql -c "BEGIN" -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-bg', tags => '{\"via\": \"worker\"}')" \
		-c "COMMIT" >/dev/null
	wf_expect_state "worker" it-wf-bg available 20
	wf_expect_equal "worker: exactly one CopyDBClusterSnapshot for it-wf-bg" 1 "$(wf_requests it-wf-bg)"
	out=$(wf_sql -c "SELECT attempts, checks, percent_progress, request_id IS NOT NULL, snapshot_arn, finished_at >= sent_at
	                   FROM rds_copy.copy_request WHERE target = 'it-wf-bg'")
	expect_output "worker: the row has the RequestId, ARN, progress and times" \
		'^1\|2\|100\|t\|arn:aws:rds:us-east-1:123456789012:cluster-snapshot:it-wf-bg\|t$' "$out"
	wf_expect_equal "worker: the copy is available at the stand-in" available "$(wf_snapshot_status it-wf-bg)"

	# not sent while the transaction is open (workers look every 200 ms);
	# rolled back: never
	PGAPPNAME=it_wf_open wf_sql -c "BEGIN" -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-rb')" \
		-c "SELECT pg_sleep(2)" -c "ROLLBACK" >/dev/null &
	local pid=$!
	sleep 1.5
	wf_expect_equal "uncommitted: nothing sent while the transaction is open" 0 "$(wf_requests it-wf-rb)"
	wait "$pid" || true
	sleep 2
	wf_expect_equal "rolled back: nothing sent" 0 "$(wf_requests it-wf-rb)"
	wf_expect_equal "rolled back: no row" 0 "$(wf_sql -c "SELECT count(*) FROM rds_copy.copy_request WHERE target = 'it-wf-rb'")"

	# committed after a while: sent then, once
	PGAPPNAME=it_wf_open wf_sql -c "BEGIN" -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-late')" \
		-c "SELECT pg_sleep(1.5)" -c "COMMIT" >/dev/null &
	pid=$!
	sleep 1
	wf_expect_equal "open transaction: nothing sent yet" 0 "$(wf_requests it-wf-late)"
	wait "$pid" || true
	wf_expect_state "committed late" it-wf-late available 20
	wf_expect_equal "committed late: exactly one copy" 1 "$(wf_requests it-wf-late)"
}

test_crash_recovery() {
	local out
	# three rows left in 'sending' by a worker that died, as a crash leaves
	# them: their targets exist with the right source, do not exist, or exist
	# with another source
	configure_fake rds '{"identifiers": ["it-wf-orphan-1"], "status": "copying", "source": "my-cluster-snapshot1"}' seed
	configure_fake rds '{"identifiers": ["it-wf-orphan-3"], "source": "encrypted-snapshot"}' seed
	wf_sql -c "INSERT INTO rds_copy.copy_request (source, target, region, state, attempts, sent_at)
	           SELECT 'my-cluster-snapshot1', t, 'us-east-1', 'sending', 1, now() - interval '1 minute'
	             FROM unnest(ARRAY['it-wf-orphan-1', 'it-wf-orphan-2', 'it-wf-orphan-3']) AS t"
	wf_expect_state "orphan whose copy started" it-wf-orphan-1 available 20
	wf_expect_equal "... no copy sent for it" 0 "$(wf_requests it-wf-orphan-1)"
	wf_expect_state "orphan whose send never arrived" it-wf-orphan-2 available 20
	wf_expect_equal "... sent exactly once" 1 "$(wf_requests it-wf-orphan-2)"
	out=$(wf_sql -c "SELECT attempts FROM rds_copy.copy_request WHERE target = 'it-wf-orphan-2'")
	wf_expect_equal "... as its second send" 2 "$out"
	wf_expect_state "orphan whose target has another source" it-wf-orphan-3 failed 20
	out=$(wf_sql -c "SELECT error_sqlstate FROM rds_copy.copy_request WHERE target = 'it-wf-orphan-3'")
	wf_expect_equal "... 42710, and no copy sent" "42710 0" "$out $(wf_requests it-wf-orphan-3)"
	expect_output "the server log says a row was left in sending" \
		'copy request [0-9]+ was left in state sending' "$(grep 'left in state sending' "$WORK/postgres.log")"

	# a real crash: the server stops (immediate shutdown) while a worker waits
	# for the reply of a send the stand-in has already acted on
	wf_sql -c "SELECT rds_copy.enqueue_copy('delayed-9', 'it-wf-crash')" >/dev/null
	if wf_wait_until "SELECT state = 'sending' FROM rds_copy.copy_request WHERE target = 'it-wf-crash'" 10 &&
		[ "$(wf_requests it-wf-crash)" = 1 ]; then
		pass "crash: the send is under way"
	else
		fail "crash: the send did not start: $(wf_state it-wf-crash), $(wf_requests it-wf-crash) requests"
	fi
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null || true
	restart_cluster
	wf_expect_state "crash: after the restart the row" it-wf-crash available 30
	wf_expect_equal "crash: still exactly one copy request" 1 "$(wf_requests it-wf-crash)"
}

test_slow_send_does_not_block() {
	local out i targets
	targets=$(printf "'it-wf-fast-%s'," $(seq 10))
	# the slow one first, so the first worker takes it; its reply comes after
	# 8 s (within the 10 s a transfer may go without a byte)
	wf_sql -c "BEGIN" -c "SELECT rds_copy.enqueue_copy('delayed-8', 'it-wf-slow')" \
		-c "SELECT count(rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-fast-' || i)) FROM generate_series(1, 10) i" \
		-c "COMMIT" >/dev/null
	if wf_wait_until "SELECT count(*) = 10 FROM rds_copy.copy_request WHERE target IN (${targets%,}) AND state = 'available'" 7; then
		pass "concurrency: 10 copies finished while the slow send was in flight"
	else
		fail "concurrency: $(wf_sql -c "SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) n FROM rds_copy.copy_request WHERE target IN (${targets%,}) GROUP BY 1) s") after 7 s"
	fi
	wf_expect_equal "concurrency: ... and it is still sending" sending "$(wf_state it-wf-slow)"
	out=$(for i in $(seq 10); do wf_requests "it-wf-fast-$i"; done | sort | uniq -c | awk '{print $1 "x" $2}')
	wf_expect_equal "concurrency: one copy request each" 10x1 "$out"
	wf_expect_state "concurrency: the slow one" it-wf-slow available 30
	wf_expect_equal "concurrency: the slow one was sent once" 1 "$(wf_requests it-wf-slow)"
}

test_cancel_copying() {
	local id out
	id=$(wf_sql -c "SELECT rds_copy.enqueue_copy('ends-copying-1', 'it-wf-cancel')")
	wf_expect_state "cancel" it-wf-cancel copying 10
	wf_expect_equal "cancel: the target exists" copying "$(wf_snapshot_status it-wf-cancel)"
	out=$(wf_sql -c "SELECT state, finished_at IS NOT NULL FROM rds_copy.cancel_copy($id)")
	wf_expect_equal "cancel_copy of a copying row" "cancelled|t" "$out"
	wf_expect_equal "cancel: one DeleteDBClusterSnapshot" 1 "$(wf_requests it-wf-cancel DeleteDBClusterSnapshot)"
	wf_expect_equal "cancel: the target is gone at the stand-in" "" "$(wf_snapshot_status it-wf-cancel)"
	local describes
	describes=$(wf_requests it-wf-cancel DescribeDBClusterSnapshots)
	sleep 3
	wf_expect_equal "cancel: no worker describes it any more" "$describes" \
		"$(wf_requests it-wf-cancel DescribeDBClusterSnapshots)"
	wf_expect_equal "cancel: the row stays cancelled" cancelled "$(wf_state it-wf-cancel)"
}

test_max_sends() {
	local out
	wf_sql -c "ALTER SYSTEM SET rds_copy.queue_max_sends = 2" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 0.5
	# every attempt fails with 503: two sends of three attempts each, then failed
	wf_sql -c "SELECT rds_copy.enqueue_copy('flaky-503-99', 'it-wf-max-sends')" >/dev/null
	wf_expect_state "queue_max_sends" it-wf-max-sends failed 30
	out=$(wf_sql -c "SELECT attempts, error_sqlstate, error_code FROM rds_copy.copy_request WHERE target = 'it-wf-max-sends'")
	wf_expect_equal "queue_max_sends: failed after 2 sends with 08006" "2|08006|ServiceUnavailable" "$out"
	wf_expect_equal "queue_max_sends: 6 requests (3 attempts a send)" 6 "$(wf_requests it-wf-max-sends)"
	wf_sql -c "ALTER SYSTEM RESET rds_copy.queue_max_sends" -c "SELECT pg_reload_conf()" >/dev/null
}

test_audit_of_rolled_back_calls() {
	local out line
	wf_expect_equal "rds_copy.log_requests defaults to log" log "$(wf_sql -c "SHOW rds_copy.log_requests")"
	"$PGBIN/psql" -X -q -At -d postgres -c "BEGIN" \
		-c "SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'it-wf-audit')" \
		-c "SELECT rds_copy.rds_copy_db_cluster_snapshot('fault-AccessDenied', 'it-wf-audit-denied')" \
		-c "ROLLBACK" >/dev/null 2>&1 || true
	out=$(wf_sql -c "SELECT action, source, target, outcome, coalesce(sqlstate, '-'), coalesce(aws_code, '-'), attempts,
	                        username, database, request_id IS NOT NULL, queue_id IS NULL
	                   FROM rds_copy.recent_requests WHERE target LIKE 'it-wf-audit%' ORDER BY at")
	expect_output "audit: the rolled-back copy is in recent_requests" \
		'^CopyDBClusterSnapshot\|my-cluster-snapshot1\|it-wf-audit\|ok\|-\|-\|1\|postgres\|postgres\|t\|t$' "$out"
	expect_output "audit: the rolled-back failed copy too" \
		'^CopyDBClusterSnapshot\|fault-AccessDenied\|it-wf-audit-denied\|error\|42501\|AccessDenied\|1\|postgres\|postgres\|t\|t$' "$out"
	line=$(grep 'rds_copy: CopyDBClusterSnapshot region us-east-1 source "my-cluster-snapshot1" target "it-wf-audit":' "$WORK/postgres.log" || true)
	expect_output "audit: one LOG line for the copy" \
		'LOG:  rds_copy: CopyDBClusterSnapshot region us-east-1 source "my-cluster-snapshot1" target "it-wf-audit": ok after 1 attempt in [0-9.]+ ms, RequestId [0-9a-f-]{36}$' "$line"
	wf_expect_equal "audit: exactly one line for it" 1 "$(printf '%s\n' "$line" | grep -c .)"
	expect_output "audit: and one for the failed copy" \
		'LOG:  rds_copy: CopyDBClusterSnapshot region us-east-1 source "fault-AccessDenied" target "it-wf-audit-denied": failed with SQLSTATE 42501 \(AccessDenied\) after 1 attempt' \
		"$(grep 'target "it-wf-audit-denied"' "$WORK/postgres.log")"
	# the level is a setting; off writes no line (the ring still has the call)
	"$PGBIN/psql" -X -q -At -d postgres -c "SET rds_copy.log_requests = warning" \
		-c "$(copy_sql my-cluster-snapshot1 it-wf-audit-warning)" \
		-c "SET rds_copy.log_requests = off" -c "$(copy_sql my-cluster-snapshot1 it-wf-audit-off)" >/dev/null 2>&1 || true
	expect_output "audit: rds_copy.log_requests = warning logs at WARNING" \
		'WARNING:  rds_copy: CopyDBClusterSnapshot region us-east-1 source "my-cluster-snapshot1" target "it-wf-audit-warning": ok' \
		"$(grep 'target "it-wf-audit-warning"' "$WORK/postgres.log")"
	wf_expect_equal "audit: rds_copy.log_requests = off logs nothing" 0 "$(grep -c 'target "it-wf-audit-off"' "$WORK/postgres.log" || true)"
	wf_expect_equal "audit: ... but the call is in recent_requests" 1 \
		"$(wf_sql -c "SELECT count(*) FROM rds_copy.recent_requests WHERE target = 'it-wf-audit-off'")"
	# the queue workers' calls are logged too, with their row
	expect_output "audit: a queue worker's call is logged" \
		'rds_copy: CopyDBClusterSnapshot region us-east-1 source "my-cluster-snapshot1" target "it-wf-bg": ok' \
		"$(grep 'target "it-wf-bg"' "$WORK/postgres.log")"
	out=$(wf_sql -c "SELECT count(*) FROM rds_copy.recent_requests r WHERE r::text ~ '($WF_SECRETS)'")
	wf_expect_equal "audit: no secret in recent_requests" 0 "$out"
	if grep -qE "$WF_SECRETS" "$WORK/postgres.log"; then
		fail "audit: a secret reached the server log"
	else
		pass "audit: no secret in the server log"
	fi
}

test_wait_is_visible_and_cancellable() {
	local t0 t1 ms out seen=0
	wf_sql -c "SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('ends-copying-1', 'it-wf-wait')" >/dev/null
	start_background_call "SELECT status FROM rds_copy.wait_for_db_cluster_snapshot('it-wf-wait', poll_interval => '2 seconds')" it_wf_wait
	for _ in $(seq 10); do
		out=$(wf_sql -c "SELECT wait_event_type FROM pg_stat_activity WHERE application_name = 'it_wf_wait'")
		[ "$out" = Extension ] && seen=$((seen + 1))
		sleep 0.1
	done
	if [ "$seen" -ge 8 ]; then
		pass "wait_for shows wait_event_type Extension in pg_stat_activity ($seen of 10 looks)"
	else
		fail "wait_for showed wait_event_type Extension in $seen of 10 looks (last: $out)"
	fi
	t0=$(date +%s%N)
	wf_sql -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'it_wf_wait'" >/dev/null
	wait "$BG_PID" || true
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	expect_output "wait_for: pg_cancel_backend gives 57014" '57014: canceling statement due to user request' \
		"$(cat "$WORK/it_wf_wait.out")"
	if [ "$ms" -le 1500 ]; then pass "wait_for: ended $ms ms after the cancel"; else fail "wait_for: took $ms ms after the cancel"; fi
}

# finished rows older than rds_copy.queue_retention go, unfinished ones stay
wf_age_rows() {
	wf_sql -c "UPDATE rds_copy.copy_request SET finished_at = now() - interval '2 hours', requested_at = now() - interval '3 hours'
	            WHERE target IN ($1)" >/dev/null
}

wf_retention_setup() {
	wf_age_rows "'it-wf-bg', 'it-wf-orphan-3', 'it-wf-cancel'"
	# an unfinished row, just as old, that no worker will finish soon
	wf_sql -c "INSERT INTO rds_copy.copy_request (source, target, region, state, requested_at, next_check_at)
	           VALUES ('my-cluster-snapshot1', 'it-wf-keep', 'us-east-1', 'queued', now() - interval '3 hours', now() + interval '1 day')" >/dev/null
	wf_sql -c "ALTER SYSTEM SET rds_copy.queue_retention = '1h'" -c "SELECT pg_reload_conf()" >/dev/null
}

wf_retention_check() {
	local out
	if wf_wait_until "SELECT count(*) = 0 FROM rds_copy.copy_request WHERE target IN ('it-wf-bg', 'it-wf-orphan-3', 'it-wf-cancel')" "$1"; then
		pass "retention: the background worker deleted finished rows older than 1h"
	else
		fail "retention: $(wf_sql -c "SELECT string_agg(target || ' ' || state, ', ') FROM rds_copy.copy_request WHERE target IN ('it-wf-bg', 'it-wf-orphan-3', 'it-wf-cancel')") still there"
	fi
	out=$(wf_sql -c "SELECT string_agg(target, ',' ORDER BY target) FROM rds_copy.copy_request WHERE target IN ('it-wf-keep', 'it-wf-late', 'it-wf-orphan-1')")
	wf_expect_equal "retention: unfinished and recent rows stay" "it-wf-keep,it-wf-late,it-wf-orphan-1" "$out"
	wf_sql -c "ALTER SYSTEM RESET rds_copy.queue_retention" -c "SELECT pg_reload_conf()" \
		-c "DELETE FROM rds_copy.copy_request WHERE target = 'it-wf-keep'" >/dev/null
}

test_process_queue_without_workers() {
	local out id i
	RDS_COPY_QUEUE_WORKERS=0 restart_cluster
	wf_expect_equal "queue_workers = 0: no queue worker" 0 \
		"$(wf_sql -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'rds_copy queue worker'")"
	id=$(wf_sql -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-pq')")
	sleep 1.5
	wf_expect_equal "queue_workers = 0: nobody sends by itself" "queued 0" "$(wf_state it-wf-pq) $(wf_requests it-wf-pq)"
	# an old finished row, for process_queue's pruning
	wf_age_rows "'it-wf-late'"
	out=$(wf_sql -c "ALTER SYSTEM SET rds_copy.queue_retention = '1h'" -c "SELECT pg_reload_conf()" -c "SELECT pg_sleep(0.2)" \
		-c "SELECT rds_copy.process_queue()")
	wf_expect_equal "process_queue sends the queued row" 1 "$(printf '%s\n' "$out" | tail -n 1)"
	wf_expect_equal "... it is copying, one request" "copying 1" "$(wf_state it-wf-pq) $(wf_requests it-wf-pq)"
	wf_expect_equal "process_queue pruned the old finished row" 0 \
		"$(wf_sql -c "SELECT count(*) FROM rds_copy.copy_request WHERE target = 'it-wf-late'")"
	for i in $(seq 20); do
		[ "$(wf_state it-wf-pq)" = available ] && break
		sleep 0.6
		wf_sql -c "SELECT rds_copy.process_queue()" >/dev/null
	done
	wf_expect_equal "process_queue follows it to available" available "$(wf_state it-wf-pq)"
	wf_expect_equal "... with one copy request" 1 "$(wf_requests it-wf-pq)"
	wf_sql -c "ALTER SYSTEM RESET rds_copy.queue_retention" -c "SELECT pg_reload_conf()" >/dev/null
	[ -n "$id" ] || fail "enqueue_copy returned no id"
}

# Without shared_preload_libraries: no audit ring (55000, with a hint), but
# copies, their log line and process_queue work; a non-superuser's SET of a
# superuser-only setting before the library loads is a placeholder that is
# thrown away (with a WARNING) when it loads.
test_without_preload() {
	local out
	RDS_COPY_PRELOAD=0 restart_cluster
	wf_expect_equal "no preload: no queue worker" 0 \
		"$(wf_sql -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'rds_copy queue worker'")"
	out=$(psql_v -At -c "SELECT count(*) FROM rds_copy.recent_requests" 2>&1 || true)
	expect_output "no preload: recent_requests says what is missing" \
		'55000: rds_copy.recent_requests needs rds_copy in shared_preload_libraries' "$out"
	wf_sql -c "DROP ROLE IF EXISTS it_wf_plain" -c "CREATE ROLE it_wf_plain" \
		-c "GRANT USAGE ON SCHEMA rds_copy TO it_wf_plain" \
		-c "GRANT EXECUTE ON FUNCTION rds_copy.rds_copy_db_cluster_snapshot(text, text, text, boolean, jsonb, text) TO it_wf_plain" >/dev/null
	out=$(psql_v -At -c "SET ROLE it_wf_plain" -c "SET rds_copy.endpoint_url = 'https://127.0.0.1:1'" \
		-c "$(copy_sql my-cluster-snapshot1 it-wf-noload)" \
		-c "SELECT current_setting('rds_copy.endpoint_url') = '$STANDIN_URL'" 2>&1 || true)
	expect_output "no preload: the placeholder is thrown away when the library loads" \
		'WARNING:  42501: permission denied to set parameter "rds_copy.endpoint_url"' "$out"
	expect_output "no preload: ... and the copy goes to the configured endpoint" '^it-wf-noload$' "$out"
	expect_output "no preload: ... which the setting still names" '^t$' "$out"
	expect_output "no preload: the call is logged" 'target "it-wf-noload": ok after 1 attempt' \
		"$(grep 'target "it-wf-noload"' "$WORK/postgres.log")"
	out=$(wf_sql -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'it-wf-noload-q')" -c "SELECT rds_copy.process_queue()")
	wf_expect_equal "no preload: process_queue sends a queued copy" 1 "$(printf '%s\n' "$out" | tail -n 1)"
	wf_expect_equal "no preload: ... once" "copying 1" "$(wf_state it-wf-noload-q) $(wf_requests it-wf-noload-q)"
	wf_sql -c "DROP OWNED BY it_wf_plain" -c "DROP ROLE it_wf_plain" >/dev/null
}

test_pg_cron() {
	local out target jobid
	if [ ! -f "$("$PGBIN/pg_config" --pkglibdir)/pg_cron.so" ]; then
		fail "pg_cron: postgresql-15-cron is not installed"
		return
	fi
	RDS_COPY_PG_CRON=1 restart_cluster
	out=$(wf_sql -c "CREATE EXTENSION IF NOT EXISTS pg_cron")
	if [ -n "$out" ]; then
		fail "pg_cron: CREATE EXTENSION pg_cron: $out"
		return
	fi
	jobid=$(wf_sql -c "SELECT cron.schedule('it-wf-nightly', '* * * * *',
	  \$\$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'nightly-' || to_char(now(), 'YYYYMMDD'))\$\$)")
	say "pg_cron: job $jobid scheduled; waiting for its minute (up to 150 s)"
	if wf_wait_until "SELECT count(*) > 0 FROM cron.job_run_details WHERE jobid = $jobid AND status IN ('succeeded', 'failed')" 150; then
		pass "pg_cron: the job ran"
	else
		fail "pg_cron: the job did not run within 150 s: $(wf_sql -c "SELECT status, return_message FROM cron.job_run_details WHERE jobid = $jobid")"
	fi
	wf_sql -c "SELECT cron.unschedule($jobid)" >/dev/null
	out=$(wf_sql -c "SELECT status, return_message FROM cron.job_run_details WHERE jobid = $jobid ORDER BY start_time")
	wf_expect_equal "pg_cron: cron.job_run_details says succeeded, once" "succeeded|SELECT 1" "$out"
	target=$(wf_sql -c "SELECT target FROM rds_copy.copy_request WHERE target LIKE 'nightly-%' ORDER BY id DESC LIMIT 1")
	out=$(wf_sql -c "SELECT count(*), bool_and(target = 'nightly-' || to_char(requested_at, 'YYYYMMDD')) FROM rds_copy.copy_request WHERE target LIKE 'nightly-%'")
	wf_expect_equal "pg_cron: one queue row with a date-stamped target ($target)" "1|t" "$out"
	wf_expect_state "pg_cron" "$target" available 30
	wf_expect_equal "pg_cron: exactly one copy at the stand-in" "1 available" \
		"$(wf_requests "$target") $(wf_snapshot_status "$target")"
	wf_expect_equal "pg_cron: unscheduled" 0 "$(wf_sql -c "SELECT count(*) FROM cron.job WHERE jobid = $jobid")"
}

run_workflow_tests() {
	psql_q -c 'CREATE EXTENSION IF NOT EXISTS rds_copy'
	# the load test filled us-east-1 past the default quota
	configure_fake rds '{"snapshot_quota": 10000000}'
	test_worker_end_to_end
	test_crash_recovery
	test_slow_send_does_not_block
	test_cancel_copying
	# the workers prune at most once a minute: the other tests run meanwhile
	wf_retention_setup
	local retention_started=$SECONDS
	test_max_sends
	test_audit_of_rolled_back_calls
	test_wait_is_visible_and_cancellable
	local left=$((75 - (SECONDS - retention_started)))
	wf_retention_check $((left > 5 ? left : 5))
	wf_expect_equal "rolled back: still nothing sent, ever" 0 "$(wf_requests it-wf-rb)"
	test_process_queue_without_workers
	test_without_preload
	test_pg_cron
	RDS_COPY_PG_CRON=0 restart_cluster
	configure_fake rds '{"snapshot_quota": 1000}'
}
