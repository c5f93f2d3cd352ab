# test/integration_robustness.sh: faults that need more than one session
# or a second server: cancels (during a backoff sleep, during a connect to
# a black-holed port), two sessions copying to one target, transport faults
# with the backend still usable afterwards, a certificate for the wrong
# host, and a load test (8 backends x 2,000 calls) with a memory check.
# Sourced by test/run_all.sh; uses its pass/fail counters and the helpers
# of test/integration.sh.

RDS_LOAD_BACKENDS=${RDS_LOAD_BACKENDS:-8}
RDS_LOAD_CALLS=${RDS_LOAD_CALLS:-2000}

standin_stat() {
	"$PYTHON" - "$STANDIN_URL/__standin/stats" "$CERTS/ca.crt" "$1" <<'PY'
import json, ssl, sys, urllib.request
url, ca, path = sys.argv[1:4]
stats = json.load(urllib.request.urlopen(url, context=ssl.create_default_context(cafile=ca), timeout=10))
for key in path.split('.'):
    stats = stats.get(key, 0) if isinstance(stats, dict) else 0
print(stats)
PY
}

# Cancel the session called $1 after $2 seconds; passes when its output
# shows 57014 within 1.5 s of the cancel.
cancel_within() {
	local name=$1 after=$2 sql=$3 t0 t1 ms
	start_background_call "$sql" "$name"
	sleep "$after"
	t0=$(date +%s%N)
	psql_q -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '$name'" >/dev/null
	wait "$BG_PID" || true
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	expect_output "$name: 57014" '57014: canceling statement due to user request' "$(cat "$WORK/$name.out")"
	if [ "$ms" -le 1500 ]; then pass "$name: ended $ms ms after the cancel"; else fail "$name: took $ms ms"; fi
}

test_cancels() {
	# during a backoff sleep between throttled attempts
	cancel_within cancel_backoff 2 "SET rds_copy.max_attempts = 10; $(copy_sql flaky-Throttling-9 it-cancel-backoff)"
	# during a connect that never completes (the stand-in's black-holed port)
	local port
	port=$("$PYTHON" - "$STANDIN_URL/__standin/blackhole" "$CERTS/ca.crt" <<'PY'
import json, ssl, sys, urllib.request
request = urllib.request.Request(sys.argv[1], data=b'{}', method='POST')
reply = urllib.request.urlopen(request, context=ssl.create_default_context(cafile=sys.argv[2]), timeout=10)
print(json.load(reply)['port'])
PY
)
	cancel_within cancel_connect 1 "SET rds_copy.endpoint_url = 'https://127.0.0.1:$port'; SET rds_copy.connect_timeout = '60s'; $(copy_sql my-cluster-snapshot1 it-cancel-connect)"
}

test_one_session_per_target() {
	local t0 t1 ms out
	start_background_call "SET rds_copy.request_timeout = '4s'; SET rds_copy.max_attempts = 1; $(copy_sql fault-slow it-same-target)" it_lock_holder
	t0=$(date +%s%N)
	out=$(psql_v -At -c "$(copy_sql my-cluster-snapshot1 it-same-target)" 2>&1 || true)
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	wait "$BG_PID" || true
	expect_output "a second session copying to the same target: 55P03" \
		'55P03: another session is copying to DB cluster snapshot "it-same-target"' "$out"
	if [ "$ms" -le 1000 ]; then pass "... at once ($ms ms)"; else fail "... after $ms ms"; fi
	if [ "$(standin_stat requests_by_target.it-same-target)" = 1 ]; then
		pass "never two requests for one target"
	else
		fail "$(standin_stat requests_by_target.it-same-target) requests for one target"
	fi
}

# A fault, then a good call in the same backend.
fault_then_success() {
	local name=$1 source=$2 pattern=$3 limit_ms=$4 t0 t1 ms out
	t0=$(date +%s%N)
	out=$(psql_v -At -c "SET rds_copy.max_attempts = 1" -c "$(copy_sql "$source" "it-$name")" \
		-c "$(copy_sql my-cluster-snapshot1 "it-$name-after")" 2>&1 || true)
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	expect_output "$name: $pattern" "$pattern" "$out"
	expect_output "$name: the backend still copies" "^it-$name-after\$" "$out"
	if [ "$ms" -le "$limit_ms" ]; then pass "$name: within $ms ms"; else fail "$name: took $ms ms (limit $limit_ms)"; fi
}

test_transport_faults() {
	# one byte every 2 s: the low-speed limit (no byte for 10 s) ends it
	fault_then_success drip fault-drip '08006: request to the Amazon RDS endpoint timed out' 20000
	fault_then_success reset-mid-body fault-reset-mid-body '08006: connection to the Amazon RDS endpoint failed' 3000
	fault_then_success huge-chunked fault-huge-chunked '08P01: reply from the Amazon RDS endpoint is too large' 5000
	fault_then_success gzip fault-gzip '08P01: Amazon RDS endpoint sent a reply that is not a valid' 3000
	fault_then_success huge-headers fault-huge-headers '08P01: reply from the Amazon RDS endpoint is too large' 3000
	fault_then_success never-answers fault-slow '08006: request to the Amazon RDS endpoint timed out' 33000

	# a certificate from our CA, but for another host name
	"$PYTHON" "$REPO/test/standin/rds_standin.py" --port 0 --cert "$CERTS/wronghost.crt" \
		--key "$CERTS/wronghost.key" --state-dir "$WORK" --ready-file "$WORK/wronghost.port" \
		2>"$WORK/wronghost.log" &
	local pid=$! out
	for _ in $(seq 100); do [ -s "$WORK/wronghost.port" ] && break; sleep 0.1; done
	out=$(psql_v -At -c "SET rds_copy.endpoint_url = 'https://127.0.0.1:$(cat "$WORK/wronghost.port")'" \
		-c "$(copy_sql my-cluster-snapshot1 it-wronghost)" -c "RESET rds_copy.endpoint_url" \
		-c "$(copy_sql my-cluster-snapshot1 it-wronghost-after)" 2>&1 || true)
	kill "$pid"; wait "$pid" 2>/dev/null || true
	expect_output "a certificate for another host name: 08001" \
		'08001: could not establish a verified TLS connection' "$out"
	expect_output "... and the backend still copies" '^it-wronghost-after$' "$out"
}

test_load() {
	local before_created before_requests i errors created rss100 rss_end pids=()
	configure_fake rds '{"snapshot_quota": 10000000}'
	before_created=$(standin_stat copies_created)
	before_requests=$(standin_stat requests)
	say "load: $RDS_LOAD_BACKENDS backends x $RDS_LOAD_CALLS calls"
	for i in $(seq "$RDS_LOAD_BACKENDS"); do
		psql_v -At -c "
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
	configure_fake rds '{"snapshot_quota": 1000}'
}

run_robustness_tests() {
	test_cancels
	test_one_session_per_target
	test_transport_faults
	test_load
}
