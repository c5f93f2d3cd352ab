#!/usr/bin/env bash
# test/integration/robustness.sh: faults that need more than one session
# or a second server: cancels (during a backoff sleep, during a connect to
# a black-holed port), two sessions copying to one target, transport faults
# with the backend still usable afterwards, a certificate for the wrong
# host, and a load test (8 backends x 2,000 calls) with a memory check.
#
#   bash test/integration/robustness.sh   (as root; RDS_COPY_SKIP_APT=1,
#        RDS_COPY_SKIP_BUILD=1 skip those steps; RDS_LOAD_BACKENDS and
#        RDS_LOAD_CALLS size the load test)
#
# Starts its own stand-in, fakes and throwaway cluster (test/lib/suite.sh);
# ends with "N passed, M failed"; exits 1 if anything failed.  Times are
# measured on the server's clock (clock_timestamp() in the session that
# does the work), never around psql start-up.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

RDS_LOAD_BACKENDS=${RDS_LOAD_BACKENDS:-8}
RDS_LOAD_CALLS=${RDS_LOAD_CALLS:-2000}

# a counter of the stand-in's /__standin/stats (0 when absent; nothing,
# status 1, when the stand-in cannot be asked)
standin_stat() {
	local v
	v=$(standin_get stats "$1") || return 1
	echo "${v:-0}"
}

# wait up to $2 seconds for stand-in counter $1 to be at least $3 (default 1)
wait_for_stat() {
	local i
	for i in $(seq $(($2 * 10))); do
		[ "$(standin_stat "$1")" -ge "${3:-1}" ] 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# Cancel the session called $1 after $2 seconds; passes when its output
# shows 57014 and the statement ended within CANCEL_LIMIT_MS of the cancel,
# both on the server's clock.  The waits cancelled here would go on for
# seconds (backoff) or a minute (connect).
CANCEL_LIMIT_MS=2000
cancel_within() {
	local name=$1 after=$2 sql=$3 t_cancel
	start_background_call "$sql" "$name"
	sleep "$after"
	t_cancel=$(cancel_backend "$name")
	wait "$BG_PID" || true
	expect_match "$name: 57014" '57014: canceling statement due to user request' "$(cat "$WORK/$name.out")"
	expect_le "$name: ended within $CANCEL_LIMIT_MS ms of the cancel (server clock)" "$CANCEL_LIMIT_MS" \
		"$(ms_between "$t_cancel" "$(background_ended_ms "$name")")"
}

test_cancels() {
	# during a backoff sleep between throttled attempts
	cancel_within cancel_backoff 2 "SET rds_copy.max_attempts = 10; $(copy_sql flaky-Throttling-9 it-cancel-backoff)"
	# positive control: it was retrying (throttled attempts reached the stand-in), not yet sending
	expect_match "cancel_backoff: throttled attempts reached the stand-in first" '^[1-9]$' \
		"$(standin_stat requests_by_target.it-cancel-backoff)"
	# during a connect that never completes (the stand-in's black-holed port)
	local port
	port=$(standin_blackhole)
	cancel_within cancel_connect 1 "SET rds_copy.endpoint_url = 'https://127.0.0.1:$port'; SET rds_copy.connect_timeout = '60s'; $(copy_sql my-cluster-snapshot1 it-cancel-connect)"
}

# The first session holds the target while its request hangs for 4 s; the
# second is refused at once: measured in its own session (server clock),
# well under the 4 s it would wait if it queued behind the first.
test_one_session_per_target() {
	local out t0 t1
	start_background_call "SET rds_copy.request_timeout = '4s'; SET rds_copy.max_attempts = 1; $(copy_sql fault-slow it-same-target)" it_lock_holder
	if wait_for_stat requests_by_target.it-same-target 5; then
		pass "one session per target: the first session's request is at the stand-in"
	else
		fail "one session per target: the first session's request never reached the stand-in"
	fi
	out=$(sql --verbose --capture -At -c "SELECT 't0 ' || $SERVER_MS_SQL" \
		-c "$(copy_sql my-cluster-snapshot1 it-same-target)" -c "SELECT 't1 ' || $SERVER_MS_SQL")
	wait "$BG_PID" || true
	expect_match "a second session copying to the same target: 55P03" \
		'55P03: another session is copying to DB cluster snapshot "it-same-target"' "$out"
	t0=$(printf '%s\n' "$out" | sed -n 's/^t0 //p')
	t1=$(printf '%s\n' "$out" | sed -n 's/^t1 //p')
	expect_le "... refused at once (server clock, ms)" 2000 "$(ms_between "$t0" "$t1")"
	expect_match "... while the first was still waiting for its reply" '57014|08006: request to the Amazon RDS endpoint timed out' \
		"$(cat "$WORK/it_lock_holder.out")"
	if [ "$(standin_stat requests_by_target.it-same-target)" = 1 ]; then
		pass "never two requests for one target"
	else
		fail "$(standin_stat requests_by_target.it-same-target) requests for one target"
	fi
}

# The same, the second session naming the target in another case: AWS's
# snapshot identifiers are not case-sensitive (botocore's rds model:
# TargetDBClusterSnapshotIdentifier "isn't case-sensitive"), so the lock is
# taken on the target in lower case and It-Case-Target and it-case-target
# are one target.  Before: the second session sent its copy.
test_one_session_per_target_any_case() {
	local out
	start_background_call "SET rds_copy.request_timeout = '4s'; SET rds_copy.max_attempts = 1; $(copy_sql fault-slow It-Case-Target)" it_case_holder
	if wait_for_stat requests_by_target.It-Case-Target 5; then
		pass "one session per target in any case: the first session's request is at the stand-in"
	else
		fail "one session per target in any case: the first session's request never reached the stand-in"
	fi
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-case-target)")
	wait "$BG_PID" || true
	expect_match "a second session copying to the same target in another case: 55P03" \
		'55P03: another session is copying to DB cluster snapshot "it-case-target"' "$out"
	expect_match "... while the first was still waiting for its reply" '57014|08006: request to the Amazon RDS endpoint timed out' \
		"$(cat "$WORK/it_case_holder.out")"
	expect_equal "... and the second sent nothing" "1|0" \
		"$(standin_stat requests_by_target.It-Case-Target)|$(standin_stat requests_by_target.it-case-target)"
}

# Every code that src/awscodes.c flags as retried (the list comes from that
# table, through test/unit's test_awscodes --list-retried, never a second
# copy): answered once, the retry makes the copy (two requests); answered
# while max_attempts is 1, the error is 08006 -- a connection-class failure,
# which the queue re-queues instead of failing.
test_every_retried_code() {
	local lister=$REPO/test/unit/build/test_awscodes codes code sqlstate lower out n=0
	make -C "$REPO/test/unit" -s build/test_awscodes >/dev/null
	codes=$("$lister" --list-retried)
	expect_le "the table flags at least botocore's 16 retried codes" "$(printf '%s\n' "$codes" | wc -l)" 16
	while read -r code sqlstate; do
		n=$((n + 1))
		lower=$(printf '%s' "$code" | tr 'A-Z' 'a-z')
		out=$(sql --verbose --capture -At -c "$(copy_sql "flaky-$code-1" "it-retry-$lower")")
		expect_equal "$code once: retried, copied" "it-retry-$lower 2" \
			"$(printf '%s' "$out" | tail -n 1) $(standin_stat "requests_by_target.it-retry-$lower")"
		out=$(sql --verbose --capture -At -c "SET rds_copy.max_attempts = 1" -c "$(copy_sql "flaky-$code-1" "it-noretry-$lower")")
		expect_match "$code with max_attempts = 1: $sqlstate, naming the code" "^ERROR:  $sqlstate: .*$code" "$out"
	done <<<"$codes"
	expect_equal "... looped over every listed code" "$(printf '%s\n' "$codes" | wc -l)" "$n"
}

# Every code of src/awscodes.c's table (test_awscodes --list), answered by
# the stand-in (fault-<Code>) to a call with retries off, is raised with the
# table's SQLSTATE and names the code.
test_every_aws_code() {
	local lister=$REPO/test/unit/build/test_awscodes codes code sqlstate out n=0
	make -C "$REPO/test/unit" -s build/test_awscodes >/dev/null
	codes=$("$lister" --list)
	expect_le "the table has the codes of the error table (at least 40)" "$(printf '%s\n' "$codes" | wc -l)" 40
	while read -r code sqlstate; do
		n=$((n + 1))
		out=$(sql --verbose --capture -At -c "SET rds_copy.max_attempts = 1" -c "$(copy_sql "fault-$code" "it-code-$n")")
		expect_match "$code: $sqlstate" "^ERROR:  $sqlstate: Amazon RDS CopyDBClusterSnapshot failed: $code\$" "$out"
	done <<<"$codes"
	expect_equal "... looped over every code of the table" "$(printf '%s\n' "$codes" | wc -l)" "$n"
}

# A fault, then a good call in the same backend.
# (times on the server's clock, from before the fault to after the good call)
fault_then_success() {
	local name=$1 source=$2 pattern=$3 limit_ms=$4 t0 t1 out
	out=$(sql --verbose --capture -At -c "SET rds_copy.max_attempts = 1" -c "SELECT 't0 ' || $SERVER_MS_SQL" \
		-c "$(copy_sql "$source" "it-$name")" \
		-c "$(copy_sql my-cluster-snapshot1 "it-$name-after")" -c "SELECT 't1 ' || $SERVER_MS_SQL")
	expect_match "$name: $pattern" "$pattern" "$out"
	expect_match "$name: the backend still copies" "^it-$name-after\$" "$out"
	t0=$(printf '%s\n' "$out" | sed -n 's/^t0 //p')
	t1=$(printf '%s\n' "$out" | sed -n 's/^t1 //p')
	expect_le "$name: fault and good call within $limit_ms ms" "$limit_ms" "$(ms_between "$t0" "$t1")"
}

test_transport_faults() {
	# one byte every 2 s: the low-speed limit (no byte for 10 s) ends it
	fault_then_success drip fault-drip '08006: request to the Amazon RDS endpoint timed out' 20000
	fault_then_success reset-mid-body fault-reset-mid-body '08006: connection to the Amazon RDS endpoint failed' 5000
	fault_then_success huge-chunked fault-huge-chunked '08P01: reply from the Amazon RDS endpoint is too large' 5000
	fault_then_success gzip fault-gzip '08P01: Amazon RDS endpoint sent a reply that is not a valid' 5000
	fault_then_success huge-headers fault-huge-headers '08P01: reply from the Amazon RDS endpoint is too large' 5000
	fault_then_success never-answers fault-slow '08006: request to the Amazon RDS endpoint timed out' 33000

	# a certificate from our CA, but for another host name
	"$PYTHON" "$REPO/test/standin/rds_standin.py" --port 0 --cert "$CERTS/wronghost.crt" \
		--key "$CERTS/wronghost.key" --state-dir "$WORK" --ready-file "$WORK/wronghost.port" \
		2>"$WORK/wronghost.log" &
	local pid=$! out
	for _ in $(seq 100); do [ -s "$WORK/wronghost.port" ] && break; sleep 0.1; done
	out=$(sql --verbose -At -c "SET rds_copy.endpoint_url = 'https://127.0.0.1:$(cat "$WORK/wronghost.port")'" \
		-c "$(copy_sql my-cluster-snapshot1 it-wronghost)" -c "RESET rds_copy.endpoint_url" \
		-c "$(copy_sql my-cluster-snapshot1 it-wronghost-after)" 2>&1 || true)
	kill "$pid"; wait "$pid" 2>/dev/null || true
	expect_match "a certificate for another host name: 08001" \
		'08001: could not establish a verified TLS connection' "$out"
	expect_match "... and the backend still copies" '^it-wronghost-after$' "$out"
}

test_load() {
	local before_created before_requests i errors created rss100 rss_end pids=()
	ctl rds '{"snapshot_quota": 10000000}'
	before_created=$(standin_stat copies_created)
	before_requests=$(standin_stat requests)
	say "load: $RDS_LOAD_BACKENDS backends x $RDS_LOAD_CALLS calls"
	for i in $(seq "$RDS_LOAD_BACKENDS"); do
		sql --verbose -At -c "
			DO \$\$
			BEGIN
			  FOR n IN 1..$RDS_LOAD_CALLS LOOP
			    PERFORM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'load-$i-' || n);
			    IF n = 100 THEN
			      RAISE NOTICE 'rss100 %', (SELECT regexp_replace(pg_read_file('/proc/' || pg_backend_pid() || '/status'), '.*VmRSS:\s+(\d+) kB.*', '\1'));
			    END IF;
			  END LOOP;
			  RAISE NOTICE 'rssend %', (SELECT regexp_replace(pg_read_file('/proc/' || pg_backend_pid() || '/status'), '.*VmRSS:\s+(\d+) kB.*', '\1'));
			END \$\$" >"$WORK/load-$i.out" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}" || true
	errors=$( (grep -l ERROR "$WORK"/load-*.out || true) | wc -l)
	created=$(($(standin_stat copies_created) - before_created))
	if [ "$errors" = 0 ]; then pass "load: no backend saw an error"; else fail "load: $errors backends saw errors: $(grep -h ERROR "$WORK"/load-*.out | head -3)"; fi
	if [ "$created" = $((RDS_LOAD_BACKENDS * RDS_LOAD_CALLS)) ] && \
		[ $(($(standin_stat requests) - before_requests)) = $((RDS_LOAD_BACKENDS * RDS_LOAD_CALLS)) ]; then
		pass "load: $created copies, one request each (no loss, no duplicate)"
	else
		fail "load: $created copies and $(($(standin_stat requests) - before_requests)) requests for $((RDS_LOAD_BACKENDS * RDS_LOAD_CALLS)) calls"
	fi
	rss100=$(grep -ho 'rss100 [0-9]*' "$WORK/load-1.out" | cut -d' ' -f2)
	rss_end=$(grep -ho 'rssend [0-9]*' "$WORK/load-1.out" | cut -d' ' -f2)
	if [ -n "$rss100" ] && [ -n "$rss_end" ] && [ $((rss_end - rss100)) -le 2048 ]; then
		pass "load: backend RSS ${rss100} kB after 100 calls, ${rss_end} kB after $RDS_LOAD_CALLS (within 2 MiB)"
	else
		fail "load: backend RSS ${rss100:-?} kB after 100 calls, ${rss_end:-?} kB after $RDS_LOAD_CALLS"
	fi
	ctl rds '{"snapshot_quota": 1000}'
}

robustness_tests() {
	run_test test_cancels
	run_test test_one_session_per_target
	run_test test_one_session_per_target_any_case
	run_test test_every_retried_code
	run_test test_every_aws_code
	run_test test_transport_faults
	run_test test_load
}

suite_run robustness robustness_tests
