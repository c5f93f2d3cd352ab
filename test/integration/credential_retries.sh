#!/usr/bin/env bash
# test/integration/credential_retries.sh: the credential sources retried
# as the AWS SDKs retry them (issue 12, items 9 and 10), with faults the
# fakes inject (fail_times / fail_with, test/standin/fake_credentials.py):
#   - STS (web identity, AssumeRole) in the standard retry mode: transient
#     failures (throttling, HTTP 5xx, a closed connection,
#     IDPCommunicationError) tried again, rds_copy.max_attempts in all;
#     AccessDenied and InvalidIdentityToken not; a cancel during the wait
#     between attempts ends the call at once (57014);
#   - the container endpoint: 3 attempts (botocore ContainerMetadataFetcher);
#   - instance metadata: AWS_EC2_METADATA_SERVICE_ENDPOINT (checked: a
#     refused endpoint is never contacted), _MODE, AWS_METADATA_SERVICE_TIMEOUT
#     and AWS_METADATA_SERVICE_NUM_ATTEMPTS.
# Every count comes from the fakes' journal.  botocore's own behaviour
# against the same faults is checked by test/standin/selftest_credentials.py
# (injected_faults_and_botocore_retries).
#
#   bash test/integration/credential_retries.sh  (as root; RDS_COPY_SKIP_APT=1 skips apt)
#
# Ends with "N passed, M failed"; exits 1 if anything failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

CRED_SQL="SELECT source FROM rds_copy.credentials()"
WEBID_ROLE=arn:aws:iam::123456789012:role/eks-backup
ASSUME_ROLE=arn:aws:iam::123456789012:role/backup
# no usable profile, so the chain reaches the container and IMDS steps
NO_FILES="AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_CONFIG_FILE=/nonexistent/config"

webid_env() {
	echo "AWS_WEB_IDENTITY_TOKEN_FILE=$WORK/web-identity-token AWS_ROLE_ARN=$WEBID_ROLE AWS_ROLE_SESSION_NAME=pod-backup"
}
container_env() {
	echo "AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_CONTAINER_URL/v2/credentials/test AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$WORK/container-token"
}

# The source credentials() reports, or the error (first lines).
credential_source() {
	sql --verbose -At "$@" -c "$CRED_SQL" 2>&1 | head -n 4 || true
}

# requests in the fakes' journal with every KEY=VALUE given
count() {
	journal_count "$RDS_FAKE_JOURNAL" "$@"
}

# fault FAKE TIMES WITH: the next TIMES requests to FAKE fail as WITH says
fault() {
	ctl "$1" "{\"fail_times\": $2, \"fail_with\": \"$3\"}"
}

# Run "$@" (a command printing the source or error) and check that STS got
# $1 more AssumeRoleWithWebIdentity calls; sets OUT.
webid_calls_after() {
	local want=$1 before
	shift
	before=$(count server=sts action=AssumeRoleWithWebIdentity)
	OUT=$("$@")
	CALLS=$(($(count server=sts action=AssumeRoleWithWebIdentity) - before))
	[ "$CALLS" = "$want" ]
}

test_sts_transient_failures_are_retried() {
	local before out
	# shellcheck disable=SC2046
	restart_cluster $(webid_env)
	fault sts 2 Throttling
	before=$(count server=sts action=AssumeRoleWithWebIdentity)
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 rt-throttled)")
	expect_match "Throttling twice, then credentials: the copy succeeds" '^rt-throttled$' "$out"
	expect_equal "... after 3 AssumeRoleWithWebIdentity calls" 3 \
		$(($(count server=sts action=AssumeRoleWithWebIdentity) - before))
	expect_equal "... the first two refused as injected" 2 \
		"$(tail -n 5 "$RDS_FAKE_JOURNAL" | grep -c '"outcome": "injected:Throttling"')"

	# three failures: max_attempts (3) used up: 28000 naming the cause
	restart_cluster $(webid_env)
	fault sts 3 ServiceUnavailable
	if webid_calls_after 3 credential_source; then pass "3 failures: 3 calls"; else fail "3 failures: $CALLS calls"; fi
	expect_match "3 failures: 28000 from web identity" \
		'28000: could not get AWS credentials from web identity' "$OUT"
	expect_match "... naming the cause and the attempts" 'ServiceUnavailable \(HTTP 503\).*\(attempt 3 of 3\)' "$OUT"

	# a connection closed without a reply, and a bare HTTP 502, are transient too
	restart_cluster $(webid_env)
	fault sts 1 down
	if webid_calls_after 2 credential_source; then pass "a closed connection is retried (2 calls)"; else fail "closed connection: $CALLS calls"; fi
	expect_match "... then web identity credentials" "^web-identity:$WEBID_ROLE\$" "$OUT"
	restart_cluster $(webid_env)
	fault sts 2 http-502
	if webid_calls_after 3 credential_source; then pass "HTTP 502 is retried (3 calls)"; else fail "HTTP 502: $CALLS calls"; fi
	expect_match "... then web identity credentials" "^web-identity:$WEBID_ROLE\$" "$OUT"

	# IDPCommunicationError: retried for web identity (botocore retries/special.py)
	restart_cluster $(webid_env)
	fault sts 2 IDPCommunicationError
	if webid_calls_after 3 credential_source; then pass "IDPCommunicationError is retried (3 calls)"; else fail "IDPCommunicationError: $CALLS calls"; fi
	expect_match "... then web identity credentials" "^web-identity:$WEBID_ROLE\$" "$OUT"

	# AssumeRole (rds_copy.role_arn on the default profile's keys) too
	restart_cluster
	fault sts 2 RequestLimitExceeded
	before=$(count server=sts action=AssumeRole)
	out=$(credential_source -c "SET rds_copy.role_arn = '$ASSUME_ROLE'")
	expect_match "AssumeRole after RequestLimitExceeded twice" "^assume-role:$ASSUME_ROLE via " "$out"
	expect_equal "... 3 AssumeRole calls" 3 $(($(count server=sts action=AssumeRole) - before))
	ctl sts '{}' reset
}

test_sts_lasting_failures_are_not_retried() {
	restart_cluster $(webid_env)
	fault sts 1 AccessDenied
	if webid_calls_after 1 credential_source; then pass "AccessDenied: 1 call"; else fail "AccessDenied: $CALLS calls"; fi
	expect_match "AccessDenied: 28000 naming it" '28000: .*web identity.*AccessDenied \(HTTP 403\)' "$(tr '\n' ' ' <<<"$OUT")"
	fault sts 1 InvalidIdentityToken
	if webid_calls_after 1 credential_source; then pass "InvalidIdentityToken: 1 call"; else fail "InvalidIdentityToken: $CALLS calls"; fi
	expect_match "InvalidIdentityToken: 28000 naming it" 'InvalidIdentityToken' "$OUT"
	# rds_copy.max_attempts = 1: no retry at all
	fault sts 1 Throttling
	if webid_calls_after 1 credential_source -c "SET rds_copy.max_attempts = 1"; then
		pass "max_attempts 1: 1 call"
	else
		fail "max_attempts 1: $CALLS calls"
	fi
	expect_match "... and the throttle is the error" 'Throttling' "$OUT"
	ctl sts '{}' reset
}

test_cancel_during_sts_backoff() {
	local before cancel_ms end_ms n
	# ten attempts of a call that always fails: about a minute of waiting
	# shellcheck disable=SC2046
	restart_cluster $(webid_env) AWS_MAX_ATTEMPTS=10
	fault sts 100 Throttling
	before=$(count server=sts action=AssumeRoleWithWebIdentity)
	start_background_call "$CRED_SQL" rt_cancel || true
	# wait until three attempts failed: from then on, waits of up to 4, 8, 16 s
	for _ in $(seq 100); do
		n=$(($(count server=sts action=AssumeRoleWithWebIdentity) - before))
		[ "$n" -ge 3 ] && break
		sleep 0.1
	done
	expect_le "three attempts were made before the cancel" "$n" 3
	cancel_ms=$(cancel_backend rt_cancel)
	wait "$BG_PID" || true
	end_ms=$(background_ended_ms rt_cancel)
	expect_match "a cancel during the retries: 57014" '57014: canceling statement due to user request' \
		"$(cat "$WORK/rt_cancel.out")"
	expect_le "... within 1 s of the cancel" 1000 "$(ms_between "$cancel_ms" "$end_ms")"
	expect_le "... and no more than one further attempt" $((n + 1)) \
		$(($(count server=sts action=AssumeRoleWithWebIdentity) - before))
	ctl sts '{}' reset
}

test_container_attempts() {
	local before
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env)
	fault container 2 http-503
	before=$(count server=container)
	expect_match "container: two 503s, then credentials" '^container$' "$(credential_source)"
	expect_equal "... after 3 requests" 3 $(($(count server=container) - before))
	fault container 3 down
	before=$(count server=container)
	OUT=$(credential_source)
	expect_equal "container down 3 times: 3 requests" 3 $(($(count server=container) - before))
	expect_match "... then 28000 naming the attempts" \
		'28000: could not get AWS credentials from the container credentials endpoint' "$OUT"
	expect_match "... and the attempts" 'attempt 3 of 3' "$OUT"
	ctl container '{}' reset
}

# credential_source with IMDS at endpoint $1 and the rest of "$@" as environment
imds_restart() {
	# shellcheck disable=SC2086
	restart_cluster $NO_FILES AWS_EC2_METADATA_DISABLED=false "$@"
}

test_imds_endpoint() {
	local before before6 url6 t0 out
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL/"
	before=$(count server=imds)
	expect_match "IMDS at AWS_EC2_METADATA_SERVICE_ENDPOINT" '^instance-metadata$' "$(credential_source)"
	expect_equal "... three requests there (token, role, credentials)" 3 $(($(count server=imds) - before))

	# IPv6: the endpoint [::1] (the mode's own address, [fd00:ec2::254], is a unit test)
	url6=http://[::1]:$(fake_port imds6)
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$url6" AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6
	before=$(count server=imds)
	before6=$(count server=imds6)
	expect_match "IMDS over IPv6 at [::1]" '^instance-metadata$' "$(credential_source)"
	expect_equal "... three requests to the IPv6 IMDS" 3 $(($(count server=imds6) - before6))
	expect_equal "... none to the IPv4 one" 0 $(($(count server=imds) - before))

	# refused endpoints: a clear 28000 naming the variable, and nothing sent.
	# localhost is a name, not an address: refused although the fake listens there
	local port=${FAKE_IMDS_URL##*:} bad
	for bad in "http://localhost:$port" "https://127.0.0.1:$port" "http://10.0.0.1" \
		"http://user@127.0.0.1:$port" "http://127.0.0.1:$port/?x=1" "http://169.254.169.254.example.com"; do
		imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$bad"
		before=$(count server=imds)
		t0=$(date +%s%N)
		out=$(credential_source)
		expect_match "endpoint $bad refused: 28000 naming the variable" \
			'28000: could not get AWS credentials from the EC2 instance metadata service.*AWS_EC2_METADATA_SERVICE_ENDPOINT must' \
			"$(tr '\n' ' ' <<<"$out")"
		expect_equal "... nothing sent to the fake" 0 $(($(count server=imds) - before))
		expect_le "... at once" 900 $((($(date +%s%N) - t0) / 1000000))
	done

	# the mode: IPv4 or IPv6, any case; anything else is an error
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL" AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=ipv4
	expect_match "mode ipv4 (any case) with an endpoint" '^instance-metadata$' "$(credential_source)"
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL" AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv5
	expect_match "mode IPv5 is an error" 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6' "$(credential_source)"
}

test_imds_attempts_and_timeout() {
	local before t0 ms
	# one attempt by default (botocore metadata_service_num_attempts = 1)
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL"
	fault imds 1 http-503
	before=$(count server=imds path=/latest/api/token)
	expect_match "IMDS: one 503 and no more attempts: no credentials" '28000: no AWS credentials found' "$(credential_source)"
	expect_equal "... one token request" 1 $(($(count server=imds path=/latest/api/token) - before))
	# AWS_METADATA_SERVICE_NUM_ATTEMPTS=3: two 503s, then a token
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL" AWS_METADATA_SERVICE_NUM_ATTEMPTS=3
	fault imds 2 http-503
	before=$(count server=imds path=/latest/api/token)
	expect_match "NUM_ATTEMPTS=3: credentials after two 503s" '^instance-metadata$' "$(credential_source)"
	expect_equal "... three token requests" 3 $(($(count server=imds path=/latest/api/token) - before))
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL" AWS_METADATA_SERVICE_NUM_ATTEMPTS=bad
	expect_match "NUM_ATTEMPTS not a number: an error naming it" \
		'AWS_METADATA_SERVICE_NUM_ATTEMPTS must be a whole number' "$(credential_source)"

	# AWS_METADATA_SERVICE_TIMEOUT: a hanging IMDS is given up after that long
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL" AWS_METADATA_SERVICE_TIMEOUT=3
	fault imds 1 hang
	t0=$(date +%s%N)
	expect_match "TIMEOUT=3, IMDS hangs: no credentials" '28000: no AWS credentials found' "$(credential_source)"
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect_le "... after at least 3 s" "$ms" 2900
	expect_le "... and not much more" 5000 "$ms"
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL"
	fault imds 1 hang
	t0=$(date +%s%N)
	expect_match "default timeout, IMDS hangs: no credentials" '28000: no AWS credentials found' "$(credential_source)"
	expect_le "... after about 1 s" 2500 $((($(date +%s%N) - t0) / 1000000))
	imds_restart AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL" AWS_METADATA_SERVICE_TIMEOUT=0
	expect_match "TIMEOUT=0: an error naming it" 'AWS_METADATA_SERVICE_TIMEOUT must be a whole number' "$(credential_source)"
	ctl imds '{}' reset
}

# The IMDS options from the config file's profile (botocore configprovider:
# each key below, the environment variable of the same meaning first).
test_imds_options_from_config() {
	local before cfg=$WORK/imds-config
	printf '[default]\nec2_metadata_service_endpoint = %s\nmetadata_service_num_attempts = 3\nmetadata_service_timeout = 2\n' \
		"$FAKE_IMDS_URL" >"$cfg"
	printf '[profile other]\nec2_metadata_service_endpoint = http://10.0.0.1\n' >>"$cfg"
	chown postgres "$cfg"
	restart_cluster AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_CONFIG_FILE="$cfg" \
		AWS_EC2_METADATA_DISABLED=false
	fault imds 2 http-503
	before=$(count server=imds path=/latest/api/token)
	expect_match "config file: ec2_metadata_service_endpoint and metadata_service_num_attempts" \
		'^instance-metadata$' "$(credential_source)"
	expect_equal "... three token requests to that endpoint" 3 $(($(count server=imds path=/latest/api/token) - before))
	# a refused endpoint from the file names the key and the profile, and nothing is sent
	before=$(count server=imds)
	OUT=$(credential_source -c "SET rds_copy.profile = 'other'")
	expect_match "config file: a refused endpoint is a 28000" \
		'AWS_EC2_METADATA_SERVICE_ENDPOINT must name a link-local.*ec2_metadata_service_endpoint of AWS profile "other"' \
		"$(tr '\n' ' ' <<<"$OUT")"
	expect_equal "... nothing sent" 0 $(($(count server=imds) - before))
	# the environment wins over the file
	restart_cluster AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_CONFIG_FILE="$cfg" \
		AWS_EC2_METADATA_DISABLED=false AWS_PROFILE=other AWS_EC2_METADATA_SERVICE_ENDPOINT="$FAKE_IMDS_URL"
	expect_match "the environment's endpoint wins over the file's" '^instance-metadata$' "$(credential_source)"
	ctl imds '{}' reset
}

credential_retries_tests() {
	run_test test_sts_transient_failures_are_retried
	run_test test_sts_lasting_failures_are_not_retried
	run_test test_cancel_during_sts_backoff
	run_test test_container_attempts
	run_test test_imds_endpoint
	run_test test_imds_attempts_and_timeout
	run_test test_imds_options_from_config
}

suite_run credential_retries credential_retries_tests
