#!/usr/bin/env bash
# test/integration/basic.sh: tests that drive real backends against the
# stand-in and need more than one session or a restarted server: connection
# reuse, credentials and settings from the server's environment, cancel
# and terminate during a transfer, no secret in the logs.
#
#   bash test/integration/basic.sh    (as root; RDS_COPY_SKIP_APT=1,
#                                      RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# Starts its own stand-in, fakes and throwaway cluster (test/lib/suite.sh);
# ends with "N passed, M failed"; exits 1 if anything failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

test_environment_credentials() {
	local out
	# the environment wins over the shared credentials file
	restart_cluster AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=notTheOtherSecretEXAMPLE
	out=$(sql --verbose --capture -c "$(copy_sql my-cluster-snapshot1 it-env-1)")
	expect_match "environment credentials come before the file" '28000: Amazon RDS CopyDBClusterSnapshot failed: SignatureDoesNotMatch' "$out"
	restart_cluster AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=otherSecretKeyEXAMPLE
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-2)")
	expect_match "environment credentials sign a copy" '^it-env-2$' "$out"
	# AWS_SESSION_TOKEN from the environment is sent and signed
	restart_cluster AWS_ACCESS_KEY_ID=AKIDSESSIONEXAMPLE AWS_SECRET_ACCESS_KEY=sessionsecret/EXAMPLE+KEY \
		AWS_SESSION_TOKEN=FAKESESSIONTOKEN/abc+def==
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-3)")
	expect_match "AWS_SESSION_TOKEN from the environment" '^it-env-3$' "$out"
	# no credentials anywhere: 28000, and the hint lists what was tried
	restart_cluster AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials
	out=$(sql --verbose --capture -c "$(copy_sql my-cluster-snapshot1 it-none)")
	expect_match "no credentials gives 28000" '28000: no AWS credentials found' "$out"
	expect_match "the hint lists the sources tried" 'HINT:  Sources tried: .*environment.*/nonexistent/credentials' "$out"
	# the endpoint from AWS_ENDPOINT_URL_RDS when rds_copy.endpoint_url is empty
	sql --stop -c "ALTER SYSTEM SET rds_copy.endpoint_url = ''"
	restart_cluster AWS_ENDPOINT_URL_RDS="$STANDIN_URL"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-4)")
	expect_match "AWS_ENDPOINT_URL_RDS" '^it-env-4$' "$out"
	# the region from AWS_REGION when rds_copy.region is not set
	sql --stop -c "ALTER SYSTEM SET rds_copy.region = ''"
	restart_cluster AWS_ENDPOINT_URL_RDS="$STANDIN_URL"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-5)")
	expect_match "no region configured" '22023: no AWS region is configured' "$out"
	sql --stop -c "ALTER SYSTEM RESET rds_copy.region"
	sql --stop -c "ALTER SYSTEM RESET rds_copy.endpoint_url"
	sed -i "/^rds_copy.region/d" "$PGDATA/postgresql.conf"
	restart_cluster AWS_REGION=eu-west-1
	out=$(sql --verbose --capture -At -c "LOAD 'rds_copy'" -c "SHOW rds_copy.region" -c "$(copy_sql eu-snapshot it-env-6)")
	expect_match "AWS_REGION is the default region" '^eu-west-1$' "$out"
	expect_match "a copy in the AWS_REGION region" '^it-env-6$' "$out"
	echo "rds_copy.region = 'us-east-1'" >>"$PGDATA/postgresql.conf"
	restart_cluster
}

# The cancelled or terminated statement must end soon after the cancel:
# both times are the server's clock (the cancel's SELECT, and the next
# statement of the cancelled session itself), so psql start-up on a loaded
# machine is not part of it.  The copies here would otherwise run for 30 s.
CANCEL_LIMIT_MS=2000

test_cancel_and_terminate() {
	local t_cancel out
	start_background_call "$(copy_sql fault-slow it-cancel)" it_cancel
	expect_equal "cancel: the copy is in transfer at the stand-in" 1 "$(standin_get stats requests_by_target.it-cancel)"
	t_cancel=$(cancel_backend it_cancel)
	wait "$BG_PID" || true
	out=$(cat "$WORK/it_cancel.out")
	expect_match "pg_cancel_backend during a transfer gives 57014" '57014: canceling statement due to user request' "$out"
	expect_le "cancel: the statement ended within $CANCEL_LIMIT_MS ms (server clock)" "$CANCEL_LIMIT_MS" \
		"$(ms_between "$t_cancel" "$(background_ended_ms it_cancel)")"

	start_background_call "$(copy_sql fault-slow it-terminate)" it_terminate
	expect_equal "terminate: the copy is in transfer at the stand-in" 1 "$(standin_get stats requests_by_target.it-terminate)"
	cancel_backend it_terminate terminate >/dev/null
	wait "$BG_PID" || true
	out=$(cat "$WORK/it_terminate.out")
	expect_match "pg_terminate_backend ends that backend" '57P01: terminating connection due to administrator command' "$out"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-after-terminate)")
	expect_match "the server still serves copies after a terminate" '^it-after-terminate$' "$out"

	# a cancel is not swallowed by an EXCEPTION WHEN OTHERS block
	start_background_call "DO \$\$ BEGIN PERFORM rds_copy.rds_copy_db_cluster_snapshot('fault-slow', 'it-do'); EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'swallowed'; END \$\$" it_do
	expect_equal "DO block: the copy is in transfer at the stand-in" 1 "$(standin_get stats requests_by_target.it-do)"
	cancel_backend it_do >/dev/null
	wait "$BG_PID" || true
	out=$(cat "$WORK/it_do.out")
	expect_match "a cancel inside DO ... EXCEPTION WHEN OTHERS is not swallowed" '57014' "$out"
	expect_no_match "... the handler did not run" swallowed "$out"
}

# No secret in the server or stand-in log; positive control: the logs are
# there and not empty, and this suite's copies signed with each kind of
# secret (the file's default key, a session token, keys from the
# environment) reached the stand-in.
test_no_secret_in_log() {
	local akid found
	for akid in AKIDEXAMPLE AKIDSESSIONEXAMPLE AKIDOTHER; do
		expect_match "no secret in logs: a copy signed with $akid reached the stand-in" '^[1-9][0-9]*$' \
			"$(journal_count "$RDS_STANDIN_JOURNAL" akid=$akid outcome=ok)"
	done
	check "no secret in logs: the server log is not empty" test -s "$WORK/postgres.log"
	check "no secret in logs: the stand-in log exists" test -r "$WORK/standin.log"
	if found=$(secrets_in "$WORK/postgres.log" "$WORK/standin.log"); then
		fail "a secret reached a log: $found"
	elif [ $? = 2 ]; then
		fail "no secret in logs: a log could not be read"
	else
		pass "no secret in the server or stand-in log"
	fi
}

test_connection_reuse() {
	local out
	out=$(sql --verbose -c "SET client_min_messages = debug1" \
		-c "$(copy_sql my-cluster-snapshot1 it-reuse-1)" \
		-c "$(copy_sql my-cluster-snapshot1 it-reuse-2)" \
		-c "$(copy_sql my-cluster-snapshot1 it-reuse-3)" 2>&1 || true)
	expect_match "the first call opens a connection" 'DEBUG:  00000: rds_copy: CopyDBClusterSnapshot .* 1 new connection' "$out"
	if [ "$(printf '%s\n' "$out" | grep -c ' 0 new connection')" = 2 ]; then
		pass "the next two calls reuse it"
	else
		fail "the next calls did not reuse the connection: $out"
	fi
}

basic_tests() {
	run_test test_connection_reuse
	run_test test_environment_credentials
	run_test test_cancel_and_terminate
	run_test test_no_secret_in_log
}

suite_run basic basic_tests
