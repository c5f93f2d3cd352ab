# test/integration.sh: tests that drive real backends against the stand-in
# and need more than one session or a restarted server.  Sourced by
# test/run_all.sh after the cluster and the stand-in are up; uses its
# pass/fail counters.

# psql with SQLSTATEs in error lines
psql_v() {
	"$PGBIN/psql" -X -q -d postgres -v VERBOSITY=verbose "$@"
}

copy_sql() {
	echo "SELECT db_cluster_snapshot_identifier FROM rds_copy.rds_copy_db_cluster_snapshot('$1', '$2')"
}

expect_output() {
	local name=$1 pattern=$2 out=$3
	if printf '%s\n' "$out" | grep -qE -- "$pattern"; then
		pass "$name"
	else
		fail "$name: expected /$pattern/, got: $out"
	fi
}

test_environment_credentials() {
	local out
	# the environment wins over the shared credentials file
	restart_cluster AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=notTheOtherSecretEXAMPLE
	out=$(psql_v -c "$(copy_sql my-cluster-snapshot1 it-env-1)" 2>&1 || true)
	expect_output "environment credentials come before the file" '28000: Amazon RDS CopyDBClusterSnapshot failed: SignatureDoesNotMatch' "$out"
	restart_cluster AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=otherSecretKeyEXAMPLE
	out=$(psql_v -At -c "$(copy_sql my-cluster-snapshot1 it-env-2)" 2>&1 || true)
	expect_output "environment credentials sign a copy" '^it-env-2$' "$out"
	# AWS_SESSION_TOKEN from the environment is sent and signed
	restart_cluster AWS_ACCESS_KEY_ID=AKIDSESSIONEXAMPLE AWS_SECRET_ACCESS_KEY=sessionsecret/EXAMPLE+KEY \
		AWS_SESSION_TOKEN=FAKESESSIONTOKEN/abc+def==
	out=$(psql_v -At -c "$(copy_sql my-cluster-snapshot1 it-env-3)" 2>&1 || true)
	expect_output "AWS_SESSION_TOKEN from the environment" '^it-env-3$' "$out"
	# no credentials anywhere: 28000, and the hint lists what was tried
	restart_cluster AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials
	out=$(psql_v -c "$(copy_sql my-cluster-snapshot1 it-none)" 2>&1 || true)
	expect_output "no credentials gives 28000" '28000: no AWS credentials found' "$out"
	expect_output "the hint lists the sources tried" 'HINT:  Sources tried: .*environment.*/nonexistent/credentials' "$out"
	# the endpoint from AWS_ENDPOINT_URL_RDS when rds_copy.endpoint_url is empty
	psql_q -c "ALTER SYSTEM SET rds_copy.endpoint_url = ''"
	restart_cluster AWS_ENDPOINT_URL_RDS="$STANDIN_URL"
	out=$(psql_v -At -c "$(copy_sql my-cluster-snapshot1 it-env-4)" 2>&1 || true)
	expect_output "AWS_ENDPOINT_URL_RDS" '^it-env-4$' "$out"
	# the region from AWS_REGION when rds_copy.region is not set
	psql_q -c "ALTER SYSTEM SET rds_copy.region = ''"
	restart_cluster AWS_ENDPOINT_URL_RDS="$STANDIN_URL"
	out=$(psql_v -At -c "$(copy_sql my-cluster-snapshot1 it-env-5)" 2>&1 || true)
	expect_output "no region configured" '22023: no AWS region is configured' "$out"
	psql_q -c "ALTER SYSTEM RESET rds_copy.region"
	psql_q -c "ALTER SYSTEM RESET rds_copy.endpoint_url"
	sed -i "/^rds_copy.region/d" "$PGDATA/postgresql.conf"
	restart_cluster AWS_REGION=eu-west-1
	out=$(psql_v -At -c "LOAD 'rds_copy'" -c "SHOW rds_copy.region" -c "$(copy_sql eu-snapshot it-env-6)" 2>&1 || true)
	expect_output "AWS_REGION is the default region" '^eu-west-1$' "$out"
	expect_output "a copy in the AWS_REGION region" '^it-env-6$' "$out"
	echo "rds_copy.region = 'us-east-1'" >>"$PGDATA/postgresql.conf"
	restart_cluster
}

# Run $1 (SQL) in the background with application_name $2; sets BG_PID.
start_background_call() {
	PGAPPNAME=$2 psql_v -c "$1" >"$WORK/$2.out" 2>&1 &
	BG_PID=$!
	for _ in $(seq 50); do
		if [ "$(psql_q -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$2' AND state = 'active'")" = 1 ]; then
			sleep 0.5
			return
		fi
		sleep 0.1
	done
}

test_cancel_and_terminate() {
	local t0 t1 ms out
	start_background_call "$(copy_sql fault-slow it-cancel)" it_cancel
	t0=$(date +%s%N)
	psql_q -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'it_cancel'" >/dev/null
	wait "$BG_PID" || true
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	out=$(cat "$WORK/it_cancel.out")
	expect_output "pg_cancel_backend during a transfer gives 57014" '57014: canceling statement due to user request' "$out"
	if [ "$ms" -le 1500 ]; then pass "cancel took $ms ms (<= 1500)"; else fail "cancel took $ms ms (> 1500)"; fi

	start_background_call "$(copy_sql fault-slow it-terminate)" it_terminate
	psql_q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'it_terminate'" >/dev/null
	wait "$BG_PID" || true
	out=$(cat "$WORK/it_terminate.out")
	expect_output "pg_terminate_backend ends that backend" '57P01: terminating connection due to administrator command' "$out"
	out=$(psql_v -At -c "$(copy_sql my-cluster-snapshot1 it-after-terminate)" 2>&1 || true)
	expect_output "the server still serves copies after a terminate" '^it-after-terminate$' "$out"

	# a cancel is not swallowed by an EXCEPTION WHEN OTHERS block
	start_background_call "DO \$\$ BEGIN PERFORM rds_copy.rds_copy_db_cluster_snapshot('fault-slow', 'it-do'); EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'swallowed'; END \$\$" it_do
	psql_q -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'it_do'" >/dev/null
	wait "$BG_PID" || true
	out=$(cat "$WORK/it_do.out")
	expect_output "a cancel inside DO ... EXCEPTION WHEN OTHERS is not swallowed" '57014' "$out"
	if grep -q swallowed "$WORK/it_do.out"; then fail "the cancel was swallowed"; fi
}

test_no_secret_in_log() {
	if grep -qE 'EXAMPLEKEY|notTheRightSecret|FAKESESSIONTOKEN|sessionsecret|otherSecretKey|whateverSecret' \
		"$WORK/postgres.log" "$WORK/standin.log"; then
		fail "a secret reached a log"
	else
		pass "no secret in the server or stand-in log"
	fi
}

test_connection_reuse() {
	local out
	out=$(psql_v -c "SET client_min_messages = debug1" \
		-c "$(copy_sql my-cluster-snapshot1 it-reuse-1)" \
		-c "$(copy_sql my-cluster-snapshot1 it-reuse-2)" \
		-c "$(copy_sql my-cluster-snapshot1 it-reuse-3)" 2>&1 || true)
	expect_output "the first call opens a connection" 'DEBUG:  00000: rds_copy: CopyDBClusterSnapshot .* 1 new connection' "$out"
	if [ "$(printf '%s\n' "$out" | grep -c ' 0 new connection')" = 2 ]; then
		pass "the next two calls reuse it"
	else
		fail "the next calls did not reuse the connection: $out"
	fi
}

run_integration_tests() {
	psql_q -c 'CREATE EXTENSION IF NOT EXISTS rds_copy'
	test_connection_reuse
	test_environment_credentials
	test_cancel_and_terminate
	test_no_secret_in_log
}
