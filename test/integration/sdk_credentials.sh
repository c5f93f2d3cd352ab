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
# No network: botocore's STS, SSO, IMDS and container calls go to the fakes
# on loopback (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SSO,
# AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_CONTAINER_CREDENTIALS_FULL_URI;
# AWS_CA_BUNDLE for botocore only).  HOME is a directory of the test's
# own, so that the SSO token cache (~/.aws/sso/cache) is the test's.
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
	SDK_HOME=$WORK/sdk-home
	# botocore sends the file as it is, rds_copy without trailing blanks: no newline
	printf 'web-identity-token-EXAMPLE' >"$WORK/sdk-web-identity-token"
	chown postgres "$WORK/sdk-web-identity-token"
	chmod 600 "$WORK/sdk-web-identity-token"
	SDK_FILES="AWS_SHARED_CREDENTIALS_FILE=$WORK/sdk-credentials AWS_CONFIG_FILE=$WORK/sdk-config"
	SDK_FILES+=" HOME=$SDK_HOME AWS_ENDPOINT_URL_SSO=$FAKE_SSO_URL"
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

[sso-and-keys]
aws_access_key_id = AKIDTEMPCREDFILE3
aws_secret_access_key = tempsecret/AKIDTEMPCREDFILE3
aws_session_token = temptoken/AKIDTEMPCREDFILE3==
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

# SSO: the region of a profile is its region, never its sso_region
[profile sso-legacy]
region = us-west-2
sso_start_url = $SSO_URL_LEGACY
sso_region = eu-central-1
sso_account_id = 111122223333
sso_role_name = LegacyRole

[sso-session my-sso]
sso_start_url = $SSO_URL_SESSION
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile sso-sess]
region = ap-southeast-1
sso_session = my-sso
sso_account_id = 444455556666
sso_role_name = SessionRole

[profile via-sso]
region = eu-north-1
role_arn = $ROLE/from-sso
source_profile = sso-legacy

[profile via-sso-sess]
region = ap-northeast-3
role_arn = $ROLE/from-sso-session
source_profile = sso-sess

[profile sso-and-keys]
region = us-east-2
sso_start_url = $SSO_URL_LEGACY
sso_region = eu-central-1
sso_account_id = 777788889999
sso_role_name = BothRole

[profile sso-expired]
region = us-east-1
sso_start_url = $SSO_URL_EXPIRED
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = ExpiredRole

[sso-session expired-sso]
sso_start_url = $SSO_URL_EXPIRED_SESSION
sso_region = us-east-1

[profile sso-sess-expired]
region = us-east-1
sso_session = expired-sso
sso_account_id = 111122223333
sso_role_name = ExpiredSessionRole

[profile sso-no-token]
region = us-east-1
sso_start_url = https://no-token-EXAMPLE.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = NoTokenRole

[profile sso-mismatch]
region = us-east-1
sso_session = my-sso
sso_start_url = https://other-EXAMPLE.awsapps.com/start
sso_account_id = 111122223333
sso_role_name = MismatchRole

[profile sso-incomplete]
region = us-east-1
sso_account_id = 111122223333

[profile sso-no-session]
region = us-east-1
sso_session = no-such-session
sso_account_id = 111122223333
sso_role_name = NoSessionRole
CONFIG
	chown postgres "$WORK/sdk-credentials" "$WORK/sdk-config"
	chmod 600 "$WORK/sdk-credentials" "$WORK/sdk-config"
}

# The SSO token cache as "aws sso login" leaves it (botocore's SSOTokenLoader:
# <sha1 of the sso-session name, or of the legacy sso_start_url>.json with
# accessToken and expiresAt), and the same tokens told to the fake portal.
SDK_HOME=
SSO_URL_LEGACY=https://legacy-EXAMPLE.awsapps.com/start
SSO_URL_SESSION=https://session-EXAMPLE.awsapps.com/start
SSO_URL_EXPIRED=https://expired-EXAMPLE.awsapps.com/start
SSO_URL_EXPIRED_SESSION=https://expired-session-EXAMPLE.awsapps.com/start

sso_cache_file() {
	local key
	key=$(printf '%s' "$1" | sha1sum | cut -d' ' -f1)
	printf '{"startUrl": "%s", "region": "us-east-1", "accessToken": "%s", "expiresAt": "%s"}\n' \
		"$4" "$2" "$3" >"$SDK_HOME/.aws/sso/cache/$key.json"
}

write_sso_cache() {
	local fresh expired
	fresh=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
	expired=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
	rm -rf "$SDK_HOME"
	mkdir -p "$SDK_HOME/.aws/sso/cache"
	sso_cache_file "$SSO_URL_LEGACY" sso-token-LEGACY-EXAMPLE "$fresh" "$SSO_URL_LEGACY"
	sso_cache_file my-sso sso-token-SESSION-EXAMPLE "$fresh" "$SSO_URL_SESSION"
	sso_cache_file "$SSO_URL_EXPIRED" sso-token-EXPIRED-EXAMPLE "$expired" "$SSO_URL_EXPIRED"
	sso_cache_file expired-sso sso-token-EXPIRED-SESSION-EXAMPLE "$expired" "$SSO_URL_EXPIRED_SESSION"
	chown -R postgres "$SDK_HOME"
	chmod -R go-rwx "$SDK_HOME"
	ctl sso "{\"tokens\": {\"sso-token-LEGACY-EXAMPLE\": \"$fresh\", \"sso-token-SESSION-EXAMPLE\": \"$fresh\", \"sso-token-EXPIRED-EXAMPLE\": \"$expired\", \"sso-token-EXPIRED-SESSION-EXAMPLE\": \"$expired\"}}" >/dev/null
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

test_sso() {
	scenario sso-legacy "" AWS_PROFILE=sso-legacy
	scenario sso-session "" AWS_PROFILE=sso-sess
	scenario sso-as-source-profile "" AWS_PROFILE=via-sso
	scenario env-beats-sso "" $(env_keys) AWS_PROFILE=sso-legacy
	scenario explicit-sso-profile-beats-env sso-legacy $(env_keys)
	scenario sso-beats-credentials-file "" AWS_PROFILE=sso-and-keys
	scenario irsa-beats-sso "" $(irsa_env) AWS_PROFILE=sso-legacy
	scenario explicit-sso-session-not-irsa sso-sess $(irsa_env)
	test_sso_session_source
}

# An sso_session profile as a source_profile: botocore 1.29's
# SSOTokenProvider reads the sso_session of the session's profile (the one
# that assumes the role, which has none) and fails; later botocore (1.43:
# SSOTokenProvider(profile_name=...)) reads the source profile's, as
# rds_copy does.  Differential where the oracle can; else the chain 1.43
# gives, by hand.
test_sso_session_source() {
	local oracle before got
	# shellcheck disable=SC2086
	oracle=$(oracle_resolve "" $SDK_FILES AWS_PROFILE=via-sso-sess)
	if [ "${oracle%% *}" != ERROR ]; then
		scenario sso-session-as-source-profile "" AWS_PROFILE=via-sso-sess
		return 0
	fi
	# shellcheck disable=SC2086
	restart_cluster $SDK_FILES AWS_PROFILE=via-sso-sess
	before=$(wc -l <"$RDS_STANDIN_JOURNAL")
	sql --capture -At -c "SELECT ok FROM rds_copy.check() WHERE NOT ok" >/dev/null
	got=$(last_signed "$before")
	expect_equal "sso-session-as-source-profile (botocore $oracle, as 1.43 resolves it)" \
		"assume-role($ROLE/from-sso-session)<-sso(arn:aws:iam::444455556666:role/SessionRole) ap-northeast-3" \
		"$(chain_of "${got%% *}") ${got#* }"
}

# refused NAME PROFILE EXCEPTION SQLSTATE REGEX ENV...: botocore raises
# EXCEPTION, and rds_copy raises SQLSTATE with a message (and hint)
# matching REGEX, without asking the SSO portal.
refused() {
	local name=$1 profile=$2 exception=$3 state=$4 regex=$5 oracle out conf before
	shift 5
	# shellcheck disable=SC2086
	oracle=$(oracle_resolve "$profile" $SDK_FILES "$@")
	expect_equal "$name: botocore raises" "ERROR $exception" "$oracle"
	conf=""
	[ -n "$profile" ] && conf="rds_copy.profile = '$profile'"
	# shellcheck disable=SC2086
	RDS_COPY_EXTRA_CONF=$conf restart_cluster $SDK_FILES "$@"
	before=$(grep -c '"GetRoleCredentials"' "$RDS_FAKE_JOURNAL" || true)
	# one line: the message and its hint are matched together
	out=$(sql --verbose --capture -At -c "SELECT * FROM rds_copy.credentials()" | tr '\n' ' ')
	expect_match "$name: rds_copy raises $state" "ERROR: +$state: " "$out"
	expect_match "$name: ... saying why" "$regex" "$out"
	expect_no_match "$name: ... never quoting a token" 'sso-token-' "$out"
	expect_equal "$name: ... without asking the portal" "$before" \
		"$(grep -c '"GetRoleCredentials"' "$RDS_FAKE_JOURNAL" || true)"
}

test_sso_refused() {
	local hint='HINT: +Sign in again with "aws sso login --profile'
	local out before
	# botocore 1.29 sends an expired legacy token, which the portal refuses
	# (UnauthorizedSSOTokenError); 1.43 and rds_copy look at expiresAt first
	refused sso-expired-token "" UnauthorizedSSOTokenError 28000 "has expired.*$hint sso-expired\"" AWS_PROFILE=sso-expired
	refused sso-session-expired-token "" TokenRetrievalError 28000 "has expired.*$hint sso-sess-expired\"" AWS_PROFILE=sso-sess-expired
	refused sso-no-token "" SSOTokenLoadError 28000 "no SSO token for AWS profile \"sso-no-token\".*$hint sso-no-token\"" AWS_PROFILE=sso-no-token
	refused sso-expired-explicit sso-expired UnauthorizedSSOTokenError 28000 "has expired.*$hint" $(env_keys)
	refused sso-session-mismatch "" InvalidConfigError F0000 'sso_start_url of AWS profile "sso-mismatch" differs from that of its sso-session "my-sso"' AWS_PROFILE=sso-mismatch
	refused sso-incomplete "" InvalidConfigError F0000 'AWS profile "sso-incomplete" is configured for SSO but lacks sso_role_name, sso_start_url, sso_region' AWS_PROFILE=sso-incomplete
	refused sso-session-missing "" InvalidConfigError F0000 'sso-session "no-such-session" of AWS profile "sso-no-session" does not exist' AWS_PROFILE=sso-no-session

	# the portal refuses a token it does not know: 28000 with the hint
	ctl sso '{"tokens": {}}' >/dev/null
	# shellcheck disable=SC2086
	restart_cluster $SDK_FILES AWS_PROFILE=sso-legacy
	out=$(sql --verbose --capture -At -c "SELECT * FROM rds_copy.credentials()" | tr '\n' ' ')
	expect_match "a token the portal refuses is 28000" '28000: the SSO portal refused the token of AWS profile "sso-legacy"' "$out"
	expect_match "... with the hint" "$hint sso-legacy\"" "$out"
	write_sso_cache

	# a portal that fails (HTTP 500) is asked 3 times, then 28000 naming the status
	ctl sso '{"mode": "error"}' >/dev/null
	# shellcheck disable=SC2086
	restart_cluster $SDK_FILES AWS_PROFILE=sso-legacy
	before=$(grep -c '"GetRoleCredentials"' "$RDS_FAKE_JOURNAL" || true)
	out=$(sql --verbose --capture -At -c "SELECT * FROM rds_copy.credentials()" | tr '\n' ' ')
	ctl sso '{"mode": "ok"}' >/dev/null
	expect_match "a failing portal is 28000" '28000: could not get AWS credentials from SSO for AWS profile "sso-legacy"' "$out"
	expect_match "... naming its HTTP status" 'answered HTTP 500 to GetRoleCredentials' "$out"
	expect_equal "... after 3 attempts" 3 "$(( $(grep -c '"GetRoleCredentials"' "$RDS_FAKE_JOURNAL" || true) - before ))"
	expect_no_match "no SSO token in the server log" 'sso-token-[A-Z]' "$(cat "$RDS_TEST_SERVER_LOG")"
	expect_no_match "no SSO token in the fakes' journal" 'sso-token-' "$(cat "$RDS_FAKE_JOURNAL")"
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
	write_sso_cache
	run_test test_environment_and_profiles
	run_test test_roles
	run_test test_process_and_fallbacks
	run_test test_regions
	run_test test_sso
	run_test test_sso_refused
	run_test test_process_failures
	rm -rf "$SDK_BIN"
}

suite_run sdk_credentials sdk_tests
