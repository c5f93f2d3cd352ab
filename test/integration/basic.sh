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
	# the default profile of the config file has region us-east-1: the SDKs' last source
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-5)")
	expect_match "the region from the config file's profile" '^it-env-5$' "$out"
	restart_cluster AWS_ENDPOINT_URL_RDS="$STANDIN_URL" AWS_CONFIG_FILE="$WORK/no-such-config"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-5b)")
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

# The environment variables of the AWS SDKs that the tests above do not
# set, each shown to take effect, and with a control where it could seem to.
test_more_environment() {
	local out
	# AWS_DEFAULT_REGION: the default region when AWS_REGION is not set (the
	# setting's boot value); AWS_REGION wins over it
	restart_cluster AWS_DEFAULT_REGION=eu-west-1
	out=$(sql --stop --capture -At -c "LOAD 'rds_copy'" -c "SELECT boot_val FROM pg_settings WHERE name = 'rds_copy.region'")
	expect_equal "AWS_DEFAULT_REGION is the default region" eu-west-1 "$out"
	restart_cluster AWS_DEFAULT_REGION=eu-west-1 AWS_REGION=ap-south-1
	out=$(sql --stop --capture -At -c "LOAD 'rds_copy'" -c "SELECT boot_val FROM pg_settings WHERE name = 'rds_copy.region'")
	expect_equal "... AWS_REGION wins over it" ap-south-1 "$out"

	# AWS_CA_BUNDLE: with no rds_copy.ca_file, the stand-in's CA comes from it;
	# control: without it, the system's store does not know that CA (08001)
	sed -i "/^rds_copy.ca_file/d" "$PGDATA/postgresql.conf"
	restart_cluster AWS_CA_BUNDLE="$CERTS/ca.crt"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-ca)")
	expect_match "AWS_CA_BUNDLE verifies the endpoint" '^it-env-ca$' "$out"
	restart_cluster
	out=$(sql --verbose --capture -At -c "SET rds_copy.max_attempts = 1" -c "$(copy_sql my-cluster-snapshot1 it-env-noca)")
	expect_match "... without it, the system's CA store refuses the stand-in" '08001: could not establish a verified TLS connection' "$out"
	echo "rds_copy.ca_file = '$CERTS/ca.crt'" >>"$PGDATA/postgresql.conf"

	# AWS_PROFILE: which profile of the shared files signs
	restart_cluster AWS_PROFILE=session
	out=$(sql --stop --capture -At -c "SELECT source FROM rds_copy.credentials()" -c "$(copy_sql my-cluster-snapshot1 it-env-profile)")
	expect_match "AWS_PROFILE picks the profile" '^shared-credentials-file:.*\[session\]$' "$out"
	expect_equal "... and its key signs the copy" 1 \
		"$(journal_count "$RDS_STANDIN_JOURNAL" akid=AKIDSESSIONEXAMPLE target=it-env-profile outcome=ok)"

	# AWS_SECURITY_TOKEN: the older name of the session token; control: the
	# same key without a token is refused
	restart_cluster AWS_ACCESS_KEY_ID=AKIDSESSIONEXAMPLE AWS_SECRET_ACCESS_KEY=sessionsecret/EXAMPLE+KEY \
		AWS_SECURITY_TOKEN=FAKESESSIONTOKEN/abc+def==
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-sectoken)")
	expect_match "AWS_SECURITY_TOKEN is sent as the session token" '^it-env-sectoken$' "$out"
	restart_cluster AWS_ACCESS_KEY_ID=AKIDSESSIONEXAMPLE AWS_SECRET_ACCESS_KEY=sessionsecret/EXAMPLE+KEY
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-notoken)")
	expect_match "... without it the same key is refused (28000)" '28000' "$out"

	# a bare AWS_ENDPOINT_URL: used when neither rds_copy.endpoint_url nor
	# AWS_ENDPOINT_URL_RDS is set; AWS_ENDPOINT_URL_RDS wins over it
	sql --stop -c "ALTER SYSTEM SET rds_copy.endpoint_url = ''"
	restart_cluster AWS_ENDPOINT_URL="$STANDIN_URL"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-env-endpoint)")
	expect_match "a bare AWS_ENDPOINT_URL is the endpoint" '^it-env-endpoint$' "$out"
	restart_cluster AWS_ENDPOINT_URL="$STANDIN_URL" AWS_ENDPOINT_URL_RDS=https://127.0.0.1:1
	out=$(sql --verbose --capture -At -c "SET rds_copy.max_attempts = 1" -c "$(copy_sql my-cluster-snapshot1 it-env-endpoint-2)")
	expect_match "... AWS_ENDPOINT_URL_RDS wins over it" '08001: could not connect to the Amazon RDS endpoint' "$out"
	sql --stop -c "ALTER SYSTEM RESET rds_copy.endpoint_url"
	restart_cluster
}

# The endpoint variant's sources (issue 12), seen through what they change at
# the stand-in (reached through an override, whose host a variant does not
# change, as in botocore): dual-stack in us-isof-south-1 is a 22023 before
# anything is sent (botocore raises there), so it shows which source decided;
# the hosts themselves are test/unit/check_endpoints.py's.
test_endpoint_variants() {
	local out before list="SELECT count(*) >= 0 FROM rds_copy.db_cluster_snapshots(region => 'us-isof-south-1')"
	local refused='22023: RDS has no endpoint of the configured variant in region "us-isof-south-1"'
	before=$(journal_count "$RDS_STANDIN_JOURNAL" region=us-isof-south-1)
	# control: no variant, the list is sent
	restart_cluster
	out=$(sql --verbose --capture -At -c "$list")
	expect_equal "no variant: the list in us-isof-south-1 is sent" t "$out"
	expect_equal "... and reached the stand-in" $((before + 1)) "$(journal_count "$RDS_STANDIN_JOURNAL" region=us-isof-south-1)"
	# AWS_USE_DUALSTACK_ENDPOINT: "true" in any case is true (botocore's ensure_boolean)
	restart_cluster AWS_USE_DUALSTACK_ENDPOINT=TRUE
	out=$(sql --verbose --capture -At -c "$list")
	expect_match "AWS_USE_DUALSTACK_ENDPOINT=TRUE turns dual-stack on" "$refused" "$out"
	expect_equal "... and nothing was sent" $((before + 1)) "$(journal_count "$RDS_STANDIN_JOURNAL" region=us-isof-south-1)"
	# the setting, once set (even to off), wins over the environment
	out=$(sql --verbose --capture -At -c "SET rds_copy.use_dualstack_endpoint = off" -c "$list")
	expect_equal "rds_copy.use_dualstack_endpoint = off wins over the environment" t "$out"
	# anything but "true" is false
	restart_cluster AWS_USE_DUALSTACK_ENDPOINT=1
	out=$(sql --verbose --capture -At -c "$list")
	expect_equal "AWS_USE_DUALSTACK_ENDPOINT=1 is not true (botocore)" t "$out"
	# the active profile's use_dualstack_endpoint, after the environment
	printf '[default]\nregion = us-east-1\nuse_dualstack_endpoint = true\n' >"$WORK/config-variants"
	printf '[default]\nregion = us-east-1\nsts_regional_endpoints = nonsense\n' >"$WORK/config-sts"
	chown postgres "$WORK/config-variants" "$WORK/config-sts"
	restart_cluster AWS_CONFIG_FILE="$WORK/config-variants"
	out=$(sql --verbose --capture -At -c "$list")
	expect_match "the profile's use_dualstack_endpoint = true" "$refused" "$out"
	restart_cluster AWS_CONFIG_FILE="$WORK/config-variants" AWS_USE_DUALSTACK_ENDPOINT=false
	out=$(sql --verbose --capture -At -c "$list")
	expect_equal "... AWS_USE_DUALSTACK_ENDPOINT=false wins over it" t "$out"
	# FIPS alone is there (a control that the variant, not the region, was refused)
	out=$(sql --verbose --capture -At -c "SET rds_copy.use_fips_endpoint = on" -c "$list")
	expect_equal "FIPS in us-isof-south-1 is sent" t "$out"
	# STS: AWS_STS_REGIONAL_ENDPOINTS and the profile's sts_regional_endpoints;
	# a value botocore refuses is a 22023 (STS is reached through AWS_ENDPOINT_URL_STS)
	restart_cluster AWS_STS_REGIONAL_ENDPOINTS=bogus
	out=$(sql --verbose --capture -At -c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" \
		-c "$(copy_sql my-cluster-snapshot1 it-sts-bogus)")
	expect_match "AWS_STS_REGIONAL_ENDPOINTS=bogus is refused" '22023: sts_regional_endpoints is not valid' "$out"
	# ... for an RDS call too, as botocore's client of any service raises
	out=$(sql --verbose --capture -At -c "$list")
	expect_match "... also for an RDS call (botocore: InvalidSTSRegionalEndpointsConfigError)" '22023: sts_regional_endpoints is not valid' "$out"
	restart_cluster AWS_STS_REGIONAL_ENDPOINTS=legacy
	out=$(sql --verbose --capture -At -c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" \
		-c "$(copy_sql my-cluster-snapshot1 it-sts-legacy)")
	expect_match "AWS_STS_REGIONAL_ENDPOINTS=legacy: the role is assumed (through the override)" '^it-sts-legacy$' "$out"
	restart_cluster AWS_CONFIG_FILE="$WORK/config-sts"
	out=$(sql --verbose --capture -At \
		-c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" \
		-c "$(copy_sql my-cluster-snapshot1 it-sts-profile)")
	expect_match "the profile's sts_regional_endpoints is read" 'sts_regional_endpoints in the AWS profile must be' "$out"
	restart_cluster AWS_CONFIG_FILE="$WORK/config-sts" AWS_STS_REGIONAL_ENDPOINTS=regional
	out=$(sql --verbose --capture -At \
		-c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" \
		-c "$(copy_sql my-cluster-snapshot1 it-sts-env)")
	expect_match "... AWS_STS_REGIONAL_ENDPOINTS wins over it" '^it-sts-env$' "$out"
	restart_cluster
}

# Settings that no other test changes: connect_timeout, max_response_size,
# recent_requests_size; and process_queue without a free worker slot.
test_more_settings() {
	local out port t0 t1 tags
	# connect_timeout: a connect that is never answered ends after it (08001),
	# not after the default 5 s; both times on the server's clock
	port=$(standin_blackhole)
	out=$(sql --verbose --capture -At -c "SET rds_copy.endpoint_url = 'https://127.0.0.1:$port'" \
		-c "SET rds_copy.connect_timeout = '300ms'" -c "SET rds_copy.max_attempts = 1" \
		-c "SELECT 't0 ' || $SERVER_MS_SQL" -c "$(copy_sql my-cluster-snapshot1 it-connect-timeout)" \
		-c "SELECT 't1 ' || $SERVER_MS_SQL")
	expect_match "connect_timeout: a connect never answered is 08001" '08001: (request to the Amazon RDS endpoint timed out|could not connect to the Amazon RDS endpoint)' "$out"
	t0=$(printf '%s\n' "$out" | sed -n 's/^t0 //p')
	t1=$(printf '%s\n' "$out" | sed -n 's/^t1 //p')
	expect_le "... after about 300 ms, not 5 s (server clock, ms)" 2500 "$(ms_between "$t0" "$t1")"
	expect_le "... and not before it" "$(ms_between "$t0" "$t1")" 250

	# max_response_size: a reply larger than the setting (a copy echoing
	# 40 tags of 250 characters, about 15 kB) is 08P01 with a hint; control:
	# the same copy under the default size succeeds
	tags="(SELECT jsonb_object_agg('k' || i, repeat('v', 250)) FROM generate_series(1, 40) i)"
	out=$(sql --verbose --capture -At -c "SET rds_copy.max_response_size = '4kB'" -c "SET rds_copy.max_attempts = 1" \
		-c "SELECT db_cluster_snapshot_identifier FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'it-big-reply-1', tags => $tags)")
	expect_match "max_response_size: a larger reply is 08P01" '08P01: reply from the Amazon RDS endpoint is too large' "$out"
	expect_match "... with the hint naming the setting" 'HINT:  Raise rds_copy.max_response_size' "$out"
	out=$(sql --verbose --capture -At \
		-c "SELECT db_cluster_snapshot_identifier FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'it-big-reply-2', tags => $tags)")
	expect_match "... the same reply fits the default" '^it-big-reply-2$' "$out"

	# recent_requests_size (at server start): the ring keeps the newest N calls
	RDS_COPY_EXTRA_CONF="rds_copy.recent_requests_size = 5" restart_cluster
	for i in 1 2 3 4 5 6 7; do
		sql --stop -c "$(copy_sql my-cluster-snapshot1 "it-ring-$i")" >/dev/null
	done
	expect_equal "recent_requests_size = 5 keeps the newest 5 calls" "5 it-ring-3 it-ring-7" \
		"$(sql --stop --capture -At -F ' ' -c "SELECT count(*), min(target), max(target) FROM rds_copy.recent_requests")"

	# process_queue when no background worker slot is free: 53400 with a hint
	RDS_COPY_EXTRA_CONF="max_worker_processes = 2" restart_cluster
	out=$(sql --verbose --capture -At -c "SELECT rds_copy.process_queue()")
	expect_match "process_queue without a free worker slot: 53400" '53400: could not start a background worker for rds_copy.process_queue' "$out"
	expect_match "... hint: max_worker_processes" 'HINT:  Raise max_worker_processes' "$out"
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
	run_test test_more_environment
	run_test test_more_settings
	run_test test_endpoint_variants
	run_test test_cancel_and_terminate
	run_test test_no_secret_in_log
}

suite_run basic basic_tests
