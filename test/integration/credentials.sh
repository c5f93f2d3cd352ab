#!/usr/bin/env bash
# test/integration/credentials.sh: credential sources that live in the
# server's environment (web identity, container, instance metadata),
# their precedence, expiry and refresh, failing and slow sources, and no
# secret in the server log at debug5.
#
#   bash test/integration/credentials.sh  (as root; RDS_COPY_SKIP_APT=1,
#                                          RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# Starts its own stand-in, fakes and throwaway cluster (test/lib/suite.sh);
# ends with "N passed, M failed"; exits 1 if anything failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

CRED_SQL="SELECT source || ' ' || coalesce((expiration > now())::text, 'static') FROM rds_copy.credentials()"

# The source credentials() reports (first line), or the error.
credential_source() {
	sql --verbose -At -c "$CRED_SQL" 2>&1 | head -n 3 || true
}

# The number of the last temporary key any fake issued (AKIDTEMP<n>).
last_issued_number() {
	"$PYTHON" -c 'import json,sys; print(max([int(json.loads(l)["issued_akid"][8:]) for l in open(sys.argv[1]) if json.loads(l).get("issued_akid")] or [0]))' \
		"$RDS_FAKE_JOURNAL"
}

# requests fake $1 (imds, container, sts) has received; fails when its journal cannot be read
fake_count() {
	journal_count "$RDS_FAKE_JOURNAL" server="$1"
}

container_env() {
	echo "AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_CONTAINER_URL/v2/credentials/test"
}
imds_env() {
	echo "AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=$FAKE_IMDS_URL"
}
webid_env() {
	echo "AWS_WEB_IDENTITY_TOKEN_FILE=$WORK/web-identity-token AWS_ROLE_ARN=arn:aws:iam::123456789012:role/eks-backup AWS_ROLE_SESSION_NAME=pod-backup"
}
# no usable profile, so the chain reaches the container and IMDS steps
NO_FILES="AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_CONFIG_FILE=/nonexistent/config"

test_each_source() {
	local out
	# EKS IRSA: web identity from the environment
	# shellcheck disable=SC2046
	restart_cluster $(webid_env)
	out=$(credential_source)
	expect_match "web identity from the environment" '^web-identity:arn:aws:iam::123456789012:role/eks-backup true$' "$out"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-webid)")
	expect_match "a copy signed with web identity credentials" '^it-webid$' "$out"
	expect_match "the session name from AWS_ROLE_SESSION_NAME" 'pod-backup' "$(tail -n 1 "$RDS_FAKE_JOURNAL")"

	# ECS: the container endpoint with a token from the environment ...
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env) AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-token-EXAMPLE
	out=$(credential_source)
	expect_match "container credentials (token from the environment)" '^container true$' "$out"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-container)")
	expect_match "a copy signed with container credentials" '^it-container$' "$out"
	# ... or from a token file, read on every fetch
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env) AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$WORK/container-token"
	expect_match "container credentials (token file)" '^container true$' "$(credential_source)"
	# a wrong token is refused: 28000 naming the source
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env) AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong-token
	expect_match "a wrong container token gives 28000" \
		'28000: could not get AWS credentials from the container credentials endpoint' "$(credential_source)"
	# an http FULL_URI to a host that is not loopback or ECS's is refused
	restart_cluster $NO_FILES AWS_CONTAINER_CREDENTIALS_FULL_URI=http://192.0.2.1/creds
	expect_match "FULL_URI over http to another host is refused" \
		'must be https, or http to a loopback or ECS/EKS address' "$(credential_source)"

	# EC2: IMDSv2 (the fake refuses IMDSv1)
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(imds_env)
	out=$(credential_source)
	expect_match "instance metadata (IMDSv2)" '^instance-metadata true$' "$out"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-imds)")
	expect_match "a copy signed with instance metadata credentials" '^it-imds$' "$out"
	expect_match "IMDS was asked with a token" '"path": "/latest/api/token", "action": null, "status": 200' \
		"$(grep '"server": "imds"' "$RDS_FAKE_JOURNAL")"
}

test_precedence() {
	# shellcheck disable=SC2046
	restart_cluster AWS_ACCESS_KEY_ID=AKIDOTHER AWS_SECRET_ACCESS_KEY=otherSecretKeyEXAMPLE \
		$(webid_env) $(container_env) $(imds_env)
	expect_match "the environment before everything" '^environment static$' "$(credential_source)"
	# shellcheck disable=SC2046
	restart_cluster $(webid_env) $(container_env) $(imds_env)
	expect_match "web identity before the files" '^web-identity:' "$(credential_source)"
	# shellcheck disable=SC2046
	restart_cluster $(container_env) AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-token-EXAMPLE $(imds_env)
	expect_match "the files before the container" '^shared-credentials-file:.*\[default\] static$' "$(credential_source)"
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env) AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-token-EXAMPLE $(imds_env)
	expect_match "the container before instance metadata" '^container true$' "$(credential_source)"
	# rds_copy.role_arn on top of instance metadata (ALTER ROLE ... SET also works)
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(imds_env)
	expect_match "rds_copy.role_arn on top of instance metadata" \
		'^assume-role:arn:aws:iam::123456789012:role/backup via instance-metadata true$' \
		"$(sql --verbose -At -c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" -c "$CRED_SQL" 2>&1)"
}

# credential_source, timed on the server's clock (around the statement, in
# its session: psql start-up is not part of it); true when it took at most
# $1 ms.  Sets OUT (the source or the error) and ELAPSED (ms).
timed_credential_source() {
	local limit=$1 out t0 t1
	out=$(sql --verbose --capture -At -c "SELECT 't0 ' || $SERVER_MS_SQL" -c "$CRED_SQL" -c "SELECT 't1 ' || $SERVER_MS_SQL")
	t0=$(printf '%s\n' "$out" | sed -n 's/^t0 //p')
	t1=$(printf '%s\n' "$out" | sed -n 's/^t1 //p')
	OUT=$(printf '%s\n' "$out" | grep -vE '^t[01] [0-9]+$' | head -n 3)
	ELAPSED=$(ms_between "$t0" "$t1")
	[ -n "$ELAPSED" ] && [ "$ELAPSED" -le "$limit" ]
}

test_failing_sources() {
	# IMDS down or slow: the chain falls through, quickly, to "no credentials"
	ctl imds '{"mode": "down"}'
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(imds_env)
	if timed_credential_source 3000; then pass "IMDS down: answered in $ELAPSED ms"; else fail "IMDS down took $ELAPSED ms"; fi
	expect_match "IMDS down falls through to 28000" '28000: no AWS credentials found' "$OUT"
	ctl imds '{"mode": "slow"}'
	if timed_credential_source 3000; then pass "IMDS slow: gave up in $ELAPSED ms"; else fail "IMDS slow took $ELAPSED ms"; fi
	expect_match "IMDS slow falls through to 28000" '28000: no AWS credentials found' "$OUT"
	ctl imds '{"mode": "not-json"}'
	expect_match "an IMDS document that is not JSON gives 28000" \
		'28000: could not get AWS credentials from the EC2 instance metadata service' "$(credential_source)"
	ctl imds '{}' reset

	# a configured container endpoint that fails is an error, within its
	# timeout: 3 attempts of 2 s, 1 s apart (botocore ContainerMetadataFetcher)
	ctl container '{"mode": "slow"}'
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env) AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-token-EXAMPLE
	if timed_credential_source 9000; then pass "container slow: gave up in $ELAPSED ms"; else fail "container slow took $ELAPSED ms"; fi
	expect_le "... after 3 attempts of 2 s" "$ELAPSED" 7900
	expect_match "a slow container endpoint gives 28000" '28000: could not get AWS credentials from the container' "$OUT"
	ctl container '{"mode": "malformed"}'
	expect_match "a container document without SecretAccessKey gives 28000" \
		'lacks AccessKeyId or SecretAccessKey' "$(credential_source)"
	ctl container '{}' reset

	# STS down for web identity
	ctl sts '{"mode": "down"}'
	# shellcheck disable=SC2046
	restart_cluster $(webid_env)
	expect_match "STS down gives 28000 naming web identity" \
		'28000: could not get AWS credentials from web identity' "$(credential_source)"
	ctl sts '{}' reset

	# malformed files name the file and the line, never their contents
	printf '[default]\naws_access_key_id = AKIDEXAMPLE\nthis line has the secret wJalrXUtnFEMI but no equals sign\n' \
		>"$WORK/broken-credentials"
	chown postgres "$WORK/broken-credentials"
	restart_cluster AWS_SHARED_CREDENTIALS_FILE="$WORK/broken-credentials"
	OUT=$(credential_source)
	expect_match "a malformed credentials file: F0000 with file and line" \
		"F0000: syntax error in AWS configuration file \"$WORK/broken-credentials\" at line 3" "$OUT"
	if grep -q wJalr <<<"$OUT"; then fail "the error quoted the file"; else pass "the error does not quote the file"; fi
}

# Container credentials that live $1 seconds.
short_lived_container() {
	ctl container "{\"lifetime_seconds\": $1}"
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env) AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-token-EXAMPLE
}

test_expiry_and_refresh() {
	local before out
	# 905 s: valid for 5 s before the 15-minute refresh window
	short_lived_container 905
	before=$(fake_count container)
	out=$(sql --verbose -At -c "$(copy_sql my-cluster-snapshot1 it-exp-1)" -c "$(copy_sql my-cluster-snapshot1 it-exp-2)" \
		-c "SELECT pg_sleep(6)" -c "$(copy_sql my-cluster-snapshot1 it-exp-3)" 2>&1 || true)
	expect_match "calls across a refresh succeed" 'it-exp-3' "$out"
	if [ $(($(fake_count container) - before)) = 2 ]; then
		pass "one fetch for two calls, one refresh when 15 minutes remain"
	else
		fail "expected 2 container fetches, saw $(($(fake_count container) - before))"
	fi

	# a refresh that fails with more than 10 minutes left keeps the cached
	# ones (all in one session: the cache lives in the backend)
	short_lived_container 905
	out=$(sql --verbose -At -c "$(copy_sql my-cluster-snapshot1 it-keep-1)" -c "SELECT pg_sleep(6)" \
		-c "\\! $(ctl_command container '{"mode": "down"}')" \
		-c "$(copy_sql my-cluster-snapshot1 it-keep-2)" 2>&1 || true)
	expect_match "a failed refresh with time left warns" \
		'WARNING:  01000: could not refresh AWS credentials from container; using the cached ones' "$out"
	expect_match "... and the call succeeds with the cached credentials" '^it-keep-2$' "$out"
	ctl container '{}' reset

	# with less than 10 minutes left, a failed refresh is an error
	short_lived_container 605
	out=$(sql --verbose -At -c "$(copy_sql my-cluster-snapshot1 it-must-1)" -c "SELECT pg_sleep(6)" \
		-c "\\! $(ctl_command container '{"mode": "down"}')" \
		-c "$(copy_sql my-cluster-snapshot1 it-must-2)" 2>&1 || true)
	expect_match "the first call succeeds" '^it-must-1$' "$out"
	expect_match "no cached credentials past the mandatory refresh" \
		'28000: could not get AWS credentials from the container' "$out"
	ctl container '{}' reset

	# ExpiredToken from AWS to cached credentials: drop them, retry once with
	# fresh ones; the stand-in expires the key the session's first fetch gets
	short_lived_container 3600
	before=$(fake_count container)
	local next_key
	next_key=$(last_issued_number)
	next_key=$((next_key + 1))
	out=$(sql --verbose -At -c "$(copy_sql my-cluster-snapshot1 it-expired-1)" \
		-c "\\! $(ctl_command rds "{\"expired_keys_up_to\": $next_key}")" \
		-c "$(copy_sql my-cluster-snapshot1 it-expired-2)" 2>&1 || true)
	expect_match "ExpiredToken: retried with fresh credentials" '^it-expired-2$' "$out"
	if [ $(($(fake_count container) - before)) = 2 ]; then
		pass "the retry fetched new credentials (2 fetches)"
	else
		fail "expected 2 container fetches, saw $(($(fake_count container) - before))"
	fi
	out=$(sql --verbose -At -c "$(copy_sql my-cluster-snapshot1 it-expired-3)" \
		-c "\\! $(ctl_command rds '{"expired_keys_up_to": 99999999}')" \
		-c "$(copy_sql my-cluster-snapshot1 it-expired-4)" 2>&1 || true)
	expect_match "fresh credentials expired too: the error, after one retry" \
		'28000: Amazon RDS CopyDBClusterSnapshot failed: ExpiredToken' "$out"
	ctl rds '{"expired_keys_up_to": 0}'
	ctl container '{}' reset
}

# PostgreSQL itself logs the postmaster's environment at DEBUG3 when it
# starts, so this test keeps secrets out of the environment (token files,
# as README recommends) and looks for what the extension might log.
# Positive controls: debug5 was on (DEBUG5 lines in the log), each source
# really issued credentials (its fake's journal grew), and each copy
# signed with them succeeded.
test_no_secret_at_debug5() {
	local out found sts container imds
	sql --stop -c "ALTER SYSTEM SET log_min_messages = debug5" >/dev/null
	sts=$(fake_count sts)
	container=$(fake_count container)
	imds=$(fake_count imds)
	# shellcheck disable=SC2046
	restart_cluster $(webid_env)
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-debug5-1)")
	expect_match "debug5: a copy with web identity credentials" '^it-debug5-1$' "$out"
	expect_match "debug5: ... which STS issued" '^[1-9][0-9]*$' "$(($(fake_count sts) - sts))"
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env) AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$WORK/container-token"
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 it-debug5-2)")
	expect_match "debug5: a copy with container credentials (token file)" '^it-debug5-2$' "$out"
	expect_match "debug5: ... which the container endpoint issued" '^[1-9][0-9]*$' "$(($(fake_count container) - container))"
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(imds_env)
	out=$(sql --verbose --capture -At -c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" \
		-c "$(copy_sql my-cluster-snapshot1 it-debug5-3)")
	expect_match "debug5: a copy with a role assumed on top of instance metadata" '^it-debug5-3$' "$out"
	expect_match "debug5: ... which IMDS issued" '^[1-9][0-9]*$' "$(($(fake_count imds) - imds))"
	expect_match "debug5: ... and STS assumed" '^[2-9][0-9]*$' "$(($(fake_count sts) - sts))"
	sql --stop -c "ALTER SYSTEM RESET log_min_messages" >/dev/null
	restart_cluster
	# (ShowTransactionState's lines are DEBUG5 only)
	expect_match "debug5: the server logged at DEBUG5" '^[1-9][0-9]*$' "$(grep -c 'DEBUG:  CommitTransaction' "$WORK/postgres.log" || true)"
	if found=$(secrets_in "$WORK/postgres.log" "$WORK/fakes.log" "$WORK/standin.log"); then
		fail "a secret reached a log at debug5: $found"
	elif [ $? = 2 ]; then
		fail "debug5: a log could not be read"
	else
		pass "no secret in any log at log_min_messages = debug5 ($(wc -l <"$WORK/postgres.log") server log lines)"
	fi
}

credentials_tests() {
	run_test test_each_source
	run_test test_precedence
	run_test test_failing_sources
	run_test test_expiry_and_refresh
	run_test test_no_secret_at_debug5
}

suite_run credentials credentials_tests
