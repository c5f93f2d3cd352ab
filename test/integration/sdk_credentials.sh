#!/usr/bin/env bash
# test/integration/sdk_credentials.sh: the differential credentials test.
# botocore is the oracle: for each scenario the server's environment and
# the shared files are built once; botocore (Debian's python3-botocore, in
# that environment, as the server's OS user) says which credentials and
# region it resolves; the cluster restarts with that environment and
# rds_copy must sign its RDS request (the stand-in's journal) with the same
# credentials for the same region.  Never a hand-written expected key.
#
#   bash test/integration/sdk_credentials.sh  (as root; RDS_COPY_SKIP_APT=1,
#                                              RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# No network: botocore's STS, IMDS and container calls go to the fakes on
# loopback (AWS_ENDPOINT_URL_STS, AWS_EC2_METADATA_SERVICE_ENDPOINT,
# AWS_CONTAINER_CREDENTIALS_FULL_URI; AWS_CA_BUNDLE for botocore only).
# Every fetch issues a new key, so a key a fake issued is compared as the
# chain that issued it (test/standin/sdk_oracle.py chain): the role and,
# for AssumeRole, the chain of the key that signed the call, down to a
# static key, web identity, the container endpoint or IMDS.
#
# Where botocore and the other SDKs differ, the scenarios keep to what
# both do: botocore reads no AWS_REGION (only AWS_DEFAULT_REGION, then the
# profile's region) and honours AWS_DEFAULT_PROFILE; rds_copy takes
# AWS_REGION first and reads AWS_PROFILE only (docs/credentials.md).

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

SDK_FILES=
# The fake programs run as the postgres OS user (the server runs
# credential_process; the oracle runs with the server's identity), which
# may not read the checkout (root's home is mode 700 on a fresh machine):
# they run from copies in a directory of their own (sdk_copy_programs).
SDK_BIN=/tmp/rds_copy_sdk_bin.$$
PROC="/usr/bin/python3 '$SDK_BIN/fake_credential_process.py'"
ROLE=arn:aws:iam::123456789012:role

write_sdk_files() {
	# botocore sends the file as it is, rds_copy without trailing blanks: no newline
	printf 'web-identity-token-EXAMPLE' >"$WORK/sdk-web-identity-token"
	chown postgres "$WORK/sdk-web-identity-token"
	chmod 600 "$WORK/sdk-web-identity-token"
	SDK_FILES="AWS_SHARED_CREDENTIALS_FILE=$WORK/sdk-credentials AWS_CONFIG_FILE=$WORK/sdk-config"
	cat >"$WORK/sdk-credentials" <<CREDS
[default]
aws_access_key_id = AKIDTEMPDEFAULT1
aws_secret_access_key = tempsecret/AKIDTEMPDEFAULT1
aws_session_token = temptoken/AKIDTEMPDEFAULT1==

[static]
aws_access_key_id = AKIDTEMPCREDFILE1
aws_secret_access_key = tempsecret/AKIDTEMPCREDFILE1
aws_session_token = temptoken/AKIDTEMPCREDFILE1==

[credsproc]
aws_access_key_id = AKIDTEMPCREDFILE2
aws_secret_access_key = tempsecret/AKIDTEMPCREDFILE2
aws_session_token = temptoken/AKIDTEMPCREDFILE2==
CREDS
	cat >"$WORK/sdk-config" <<CONFIG
[default]
region = us-east-1

[profile static]
region = eu-west-1

[profile credsproc]
region = eu-west-2
credential_process = $PROC AKIDTEMPPROCESS2

[profile process]
region = eu-west-3
credential_process = $PROC AKIDTEMPPROCESS1

[profile procexp]
region = eu-north-1
credential_process = $PROC AKIDTEMPPROCEXP1 --expires

[profile proccfg]
region = eu-central-1
credential_process = $PROC AKIDTEMPPROCESS3
aws_access_key_id = AKIDTEMPCONFIG02
aws_secret_access_key = tempsecret/AKIDTEMPCONFIG02
aws_session_token = temptoken/AKIDTEMPCONFIG02==

[profile cfgstatic]
region = ap-southeast-2
aws_access_key_id = AKIDTEMPCONFIG01
aws_secret_access_key = tempsecret/AKIDTEMPCONFIG01
aws_session_token = temptoken/AKIDTEMPCONFIG01==

[profile assume]
region = us-west-2
role_arn = $ROLE/backup
source_profile = static

[profile chain2]
region = us-west-1
role_arn = $ROLE/chained
source_profile = assume

[profile webid-src]
role_arn = $ROLE/web
web_identity_token_file = $WORK/sdk-web-identity-token

[profile via-webid]
region = ca-central-1
role_arn = $ROLE/xacct
source_profile = webid-src

[profile webid]
region = sa-east-1
role_arn = $ROLE/web-profile
web_identity_token_file = $WORK/sdk-web-identity-token

[profile self]
region = ap-northeast-1
aws_access_key_id = AKIDTEMPSELFKEY1
aws_secret_access_key = tempsecret/AKIDTEMPSELFKEY1
aws_session_token = temptoken/AKIDTEMPSELFKEY1==
role_arn = $ROLE/self
source_profile = self

[profile mixed-src]
aws_access_key_id = AKIDTEMPMIXEDKEY
aws_secret_access_key = tempsecret/AKIDTEMPMIXEDKEY
aws_session_token = temptoken/AKIDTEMPMIXEDKEY==
role_arn = $ROLE/never-assumed
source_profile = static

[profile uses-mixed]
region = ap-south-1
role_arn = $ROLE/mixed
source_profile = mixed-src

[profile procsrc]
region = ap-northeast-2
role_arn = $ROLE/fromproc
source_profile = process

[profile envsrc]
region = eu-south-1
role_arn = $ROLE/fromenv
credential_source = Environment

[profile imdssrc]
region = us-east-2
role_arn = $ROLE/fromimds
credential_source = Ec2InstanceMetadata

[profile ecssrc]
region = eu-west-1
role_arn = $ROLE/fromecs
credential_source = EcsContainer

[profile region-only]
region = ap-southeast-1

[profile failing]
region = us-east-1
credential_process = $PROC AKIDTEMPFAILING1 --fail

[profile slow]
region = us-east-1
credential_process = $PROC AKIDTEMPSLOWKEY1 --sleep 60
CONFIG
	chown postgres "$WORK/sdk-credentials" "$WORK/sdk-config"
	chmod 600 "$WORK/sdk-credentials" "$WORK/sdk-config"
}

env_keys() {
	echo "AWS_ACCESS_KEY_ID=AKIDTEMPENVIRON1 AWS_SECRET_ACCESS_KEY=tempsecret/AKIDTEMPENVIRON1 AWS_SESSION_TOKEN=temptoken/AKIDTEMPENVIRON1=="
}
irsa_env() {
	echo "AWS_WEB_IDENTITY_TOKEN_FILE=$WORK/sdk-web-identity-token AWS_ROLE_ARN=$ROLE/irsa-pod"
}
container_env() {
	echo "AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_CONTAINER_URL/v2/credentials/test AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-token-EXAMPLE"
}
imds_env() {
	echo "AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=$FAKE_IMDS_URL"
}

# The server's environment of restart_cluster, for the oracle.
server_env() {
	echo "PATH=/usr/bin:/bin HOME=/var/lib/postgresql LANG=C.UTF-8 AWS_ENDPOINT_URL_STS=$FAKE_STS_URL AWS_EC2_METADATA_DISABLED=true"
}

oracle_resolve() {
	local profile=$1
	shift
	local args=(resolve)
	[ -n "$profile" ] && args+=(--profile "$profile")
	# shellcheck disable=SC2046
	runuser -u postgres -- env -i $(server_env) "$@" AWS_CA_BUNDLE="$CERTS/ca.crt" \
		/usr/bin/python3 "$SDK_BIN/sdk_oracle.py" "${args[@]}"
}

chain_of() {
	/usr/bin/python3 "$SDK_BIN/sdk_oracle.py" chain "$RDS_FAKE_JOURNAL" "$1"
}

# The last line of the stand-in's journal (after $1 lines): "AKID REGION", or nothing.
last_signed() {
	"$PYTHON" - "$RDS_STANDIN_JOURNAL" "$1" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()[int(sys.argv[2]):]
if lines:
    e = json.loads(lines[-1])
    print(e['akid'], e['region'])
PY
}

# scenario NAME PROFILE_SETTING ENV...: botocore against rds_copy.
scenario() {
	local name=$1 profile=$2
	shift 2
	local oracle bkey bregion before got rkey rregion conf
	# shellcheck disable=SC2086
	oracle=$(oracle_resolve "$profile" $SDK_FILES "$@")
	read -r bkey bregion <<<"$oracle"
	if [ "$bkey" = ERROR ] || [ -z "$bkey" ]; then
		fail "$name: botocore resolves nothing ($oracle): the scenario is wrong"
		return 0
	fi
	conf=""
	[ -n "$profile" ] && conf="rds_copy.profile = '$profile'"
	# shellcheck disable=SC2086
	RDS_COPY_EXTRA_CONF=$conf restart_cluster $SDK_FILES "$@"
	before=$(wc -l <"$RDS_STANDIN_JOURNAL")
	sql --verbose --capture -At -c "SELECT check_name, ok, detail FROM rds_copy.check() WHERE NOT ok" >"$WORK/sdk-$name.out"
	got=$(last_signed "$before")
	read -r rkey rregion <<<"$got"
	if [ -z "$rkey" ]; then
		fail "$name: rds_copy signed nothing: $(cat "$WORK/sdk-$name.out")"
		return 0
	fi
	expect_equal "$name: the credentials botocore resolves" "$(chain_of "$bkey")" "$(chain_of "$rkey")"
	expect_equal "$name: the region botocore resolves" "$bregion" "$rregion"
}

test_environment_and_profiles() {
	scenario env-beats-credentials-file "" $(env_keys)
	scenario env-beats-AWS_PROFILE "" $(env_keys) AWS_PROFILE=static
	scenario rds_copy.profile-beats-env static $(env_keys)
	scenario irsa-beats-credentials-file "" $(irsa_env)
	scenario profile-role-beats-irsa "" $(irsa_env) AWS_PROFILE=assume
	scenario explicit-profile-web-identity-not-env webid $(irsa_env)
	scenario AWS_PROFILE-web-identity-env-role "" $(irsa_env) AWS_PROFILE=webid
	scenario profile-web-identity "" AWS_PROFILE=webid
	scenario config-file-static "" AWS_PROFILE=cfgstatic
	scenario credentials-file-beats-process "" AWS_PROFILE=credsproc
}

test_roles() {
	scenario assume-role-source-profile "" AWS_PROFILE=assume
	scenario assume-role-chain "" AWS_PROFILE=chain2
	scenario source-profile-web-identity "" AWS_PROFILE=via-webid
	scenario source-profile-names-itself "" AWS_PROFILE=self
	scenario source-profile-static-and-role "" AWS_PROFILE=uses-mixed
	scenario source-profile-process "" AWS_PROFILE=procsrc
	scenario credential-source-environment envsrc $(env_keys)
	scenario credential-source-imds "" AWS_PROFILE=imdssrc $(imds_env)
	scenario credential-source-container "" AWS_PROFILE=ecssrc $(container_env)
}

test_process_and_fallbacks() {
	scenario credential-process "" AWS_PROFILE=process
	scenario credential-process-expiration "" AWS_PROFILE=procexp
	scenario process-beats-config-file "" AWS_PROFILE=proccfg
	scenario explicit-profile-process process $(env_keys)
	scenario container-when-no-profile-credentials "" AWS_PROFILE=region-only $(container_env) $(imds_env)
	scenario imds-last "" AWS_PROFILE=region-only $(imds_env)
}

test_regions() {
	scenario region-of-default-profile "" $(env_keys)
	scenario region-of-AWS_PROFILE "" AWS_PROFILE=static
	scenario AWS_DEFAULT_REGION-beats-profile "" AWS_PROFILE=static AWS_DEFAULT_REGION=ap-southeast-2
	scenario region-of-explicit-profile cfgstatic $(env_keys)
}

# Not differential: what botocore does differently on purpose, or cannot show.
test_process_failures() {
	local out t0 ended
	# shellcheck disable=SC2086
	restart_cluster $SDK_FILES AWS_PROFILE=failing
	out=$(sql --verbose --capture -At -c "SELECT * FROM rds_copy.credentials()")
	expect_match "a failing credential_process is 28000 naming the profile" \
		'28000.*credential_process of AWS profile "failing"' "$out"
	expect_match "... and its exit status" 'exited with status 3' "$out"
	expect_no_match "... never its output" 'tempsecret|temptoken|AKIDTEMPFAILING1' "$out"
	expect_no_match "no output of the process in the server log" 'tempsecret/AKIDTEMPFAILING1|temptoken/AKIDTEMPFAILING1' \
		"$(cat "$RDS_TEST_SERVER_LOG")"
	expect_match "... which holds the failure (positive control)" 'credential_process of AWS profile "failing"' \
		"$(cat "$RDS_TEST_SERVER_LOG")"

	# shellcheck disable=SC2086
	restart_cluster $SDK_FILES AWS_PROFILE=slow
	t0=$(server_ms)
	out=$(sql --verbose --capture -At -c "SET rds_copy.request_timeout = 1000" -c "SELECT * FROM rds_copy.credentials()")
	expect_match "a hanging credential_process is 28000" '28000: credential_process of AWS profile "slow"' "$out"
	expect_match "... stopped after rds_copy.request_timeout" 'did not finish within rds_copy.request_timeout' "$out"
	expect_le "... at once" 5000 "$(ms_between "$t0" "$(server_ms)")"
	start_background_call "SELECT * FROM rds_copy.credentials()" sdk_slow
	t0=$(cancel_backend sdk_slow)
	wait "$BG_PID" || true
	expect_match "a running credential_process is cancellable" '57014' "$(cat "$WORK/sdk_slow.out")"
	expect_le "... at once" 2000 "$(ms_between "$t0" "$(background_ended_ms sdk_slow)")"
	sleep 0.5
	expect_equal "... and the process is killed" 0 "$(grep -l 'AKIDTEMPSLOWKEY[1]' /proc/[0-9]*/cmdline 2>/dev/null | wc -l)"

	# a region from the profile passes the allow-list like any other
	# shellcheck disable=SC2086
	RDS_COPY_EXTRA_CONF="rds_copy.allowed_regions = 'us-east-1'" restart_cluster $SDK_FILES AWS_PROFILE=static
	out=$(sql --verbose --capture -At -c "SELECT * FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'sdk-region')")
	expect_match "a profile's region that is not allowed is 22023" '22023.*region of AWS profile "static" "eu-west-1" is not allowed' "$out"
}

# Copies of the fake programs that the postgres OS user can run (SDK_BIN).
sdk_copy_programs() {
	rm -rf "$SDK_BIN"
	mkdir -p "$SDK_BIN"
	cp "$REPO/test/standin/fake_credential_process.py" "$REPO/test/standin/sdk_oracle.py" "$SDK_BIN/"
	chmod 755 "$SDK_BIN"
	chmod 644 "$SDK_BIN"/*.py
}

sdk_tests() {
	sdk_copy_programs
	# the region comes from the environment or the profile, as in botocore
	sed -i "/^rds_copy.region = /d" "$PGDATA/postgresql.conf"
	write_sdk_files
	run_test test_environment_and_profiles
	run_test test_roles
	run_test test_process_and_fallbacks
	run_test test_regions
	run_test test_process_failures
	rm -rf "$SDK_BIN"
}

suite_run sdk_credentials sdk_tests
