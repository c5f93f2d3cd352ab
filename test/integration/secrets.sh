#!/usr/bin/env bash
# test/integration/secrets.sh: no secret left in a backend's memory after
# the credentials were used (an SSO token too), credential fetches never
# through a proxy, AWS calls through HTTPS_PROXY as botocore does, and the
# container URL rule.
#
#   bash test/integration/secrets.sh  (as root; RDS_COPY_SKIP_APT=1,
#                                      RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# The memory checks dump every readable mapping of a live, idle backend
# (heap, anonymous, stack, shared memory and file mappings: /proc/PID/maps
# and /proc/PID/mem, read as root with /usr/bin/python3) right after calls
# that used the credentials, and search it for the secrets in the clear
# and in the percent-encodings the requests carry them in.  Out of scope:
# secrets in the server's environment (the postmaster's environment block
# is inherited by every backend and stays there; README recommends files),
# so every source here reads its secrets from a file or over the network.
#
# Starts its own stand-in, fakes, proxy and throwaway cluster
# (test/lib/suite.sh); ends with "N passed, M failed"; exits 1 if anything
# failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

NO_FILES="AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_CONFIG_FILE=/nonexistent/config"
# the default profile's secret in test/lib/harness.sh write_credentials, and
# two the credentials file holds for other profiles (never used here)
FILE_SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
FILE_OTHER_SECRET='sessionsecret/EXAMPLE+KEY'
FILE_OTHER_TOKEN='FAKESESSIONTOKEN/abc+def=='
WEB_IDENTITY_TOKEN=web-identity-token-EXAMPLE
CONTAINER_TOKEN=container-auth-token-EXAMPLE

port_of() { echo "${1##*:}"; }

webid_env() {
	echo "AWS_WEB_IDENTITY_TOKEN_FILE=$WORK/web-identity-token AWS_ROLE_ARN=arn:aws:iam::123456789012:role/eks-backup"
}
container_env() {
	echo "AWS_CONTAINER_CREDENTIALS_FULL_URI=$FAKE_CONTAINER_URL/v2/credentials/test AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$WORK/container-token"
}
imds_env() {
	echo "AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=$FAKE_IMDS_URL"
}

# --- a session that stays open: psql reading from a fifo ------------------

# session_open: starts psql on a fifo (fd 7); sets SESSION_PID (the backend's)
session_open() {
	SESSION_OUT=$WORK/session.$$.$RANDOM.out
	rm -f "$WORK/session.in"
	mkfifo "$WORK/session.in"
	sql --verbose -At <"$WORK/session.in" >"$SESSION_OUT" 2>&1 &
	SESSION_PSQL=$!
	exec 7>"$WORK/session.in"
	session_run "SELECT 'pid ' || pg_backend_pid()" pid
	SESSION_PID=$(sed -n 's/^pid //p' "$SESSION_OUT")
}

# session_run SQL MARKER: runs SQL, waits (60 s at most) until it is done
session_run() {
	printf '%s;\nSELECT %s;\n' "$1" "'done $2'" >&7
	for _ in $(seq 600); do
		grep -q "^done $2\$" "$SESSION_OUT" && return 0
		sleep 0.1
	done
	echo "session_run: '$1' did not finish" >&2
	return 1
}

session_close() {
	printf '\\q\n' >&7
	exec 7>&-
	wait "$SESSION_PSQL" || true
}

# is the session's backend idle (between statements) now?
session_idle() {
	[ "$(sql -At -c "SELECT state FROM pg_stat_activity WHERE pid = $SESSION_PID")" = idle ]
}

# --- the memory dump --------------------------------------------------------

# memory_scan PID LABEL=VALUE...: reads every readable mapping of PID and
# prints one line per label, "LABEL COUNT MAPPINGS...", then "scanned BYTES
# REGIONS UNREADABLE".  Each VALUE is searched as given and in the forms
# the requests carry it in: RFC 3986 percent-encoding (the pre-signed URL)
# and that encoded again (the pre-signed URL inside the form body).
memory_scan() {
	"$PYTHON" - "$@" <<'PY'
import sys
from urllib.parse import quote
pid = int(sys.argv[1])
needles = []
for arg in sys.argv[2:]:
    label, value = arg.split('=', 1)
    once = quote(value, safe='-_.~')
    forms = {value, once, quote(once, safe='-_.~')}
    needles.append((label, [f.encode() for f in forms]))
found = {label: [0, set()] for label, _ in needles}
scanned = regions = unreadable = 0
with open(f'/proc/{pid}/maps', encoding='utf-8') as maps:
    lines = maps.read().splitlines()
with open(f'/proc/{pid}/mem', 'rb', 0) as mem:
    for line in lines:
        fields = line.split(None, 5)
        perms, name = fields[1], (fields[5].strip() if len(fields) > 5 else '[anon]')
        if perms[0] != 'r' or name in ('[vvar]', '[vsyscall]'):
            continue
        start, end = (int(x, 16) for x in fields[0].split('-'))
        try:
            mem.seek(start)
            data = mem.read(end - start)
        except (OSError, ValueError, OverflowError):
            unreadable += 1
            continue
        scanned += len(data)
        regions += 1
        for label, forms in needles:
            n = sum(data.count(f) for f in forms)
            if n:
                found[label][0] += n
                found[label][1].add(name)
for label, (count, where) in found.items():
    print(label, count, ' '.join(sorted(where)))
print('scanned', scanned, regions, unreadable)
PY
}

# the last temporary access key a fake issued, and its secret and token
# (test/standin/awsfake.py temporary_credential)
last_issued() {
	"$PYTHON" -c 'import json,sys; print([json.loads(l)["issued_akid"] for l in open(sys.argv[1]) if json.loads(l).get("issued_akid")][-1])' \
		"$RDS_FAKE_JOURNAL"
}

# check_memory WHAT PID [LABEL=VALUE...]: dumps PID's memory; the issued
# temporary access key id (kept in the clear: it is no secret) must be
# found (the positive control: the dump reaches the memory that holds the
# credentials), every other value must not.
check_memory() {
	local what=$1 pid=$2 akid out line label count where scanned
	shift 2
	akid=${CHECK_AKID:-$(last_issued)}
	out=$(memory_scan "$pid" akid="$akid" issued-secret="tempsecret/$akid" \
		issued-token="temptoken/$akid==" "$@")
	read -r _ scanned _ <<<"$(grep '^scanned ' <<<"$out")"
	if [ "${scanned:-0}" -gt $((16 * 1024 * 1024)) ]; then
		pass "$what: the dump read $((scanned / 1024 / 1024)) MiB of the backend's memory"
	else
		fail "$what: the dump read too little: $(grep '^scanned ' <<<"$out")"
	fi
	while read -r label count where; do
		case $label in
			scanned) ;;
			akid)
				if [ "$count" -gt 0 ]; then
					pass "$what: positive control: the access key id $akid is in the dump ($where)"
				else
					fail "$what: the access key id $akid is not in the dump: it does not reach the credentials"
				fi
				;;
			*)
				if [ "$count" = 0 ]; then
					pass "$what: no $label in the backend's memory"
				else
					fail "$what: $label found $count time(s) in the backend's memory, in: $where"
				fi
				;;
		esac
	done <<<"$out"
}

# session_copy_with_profile PROFILE TARGET1 TARGET2: opens the session (left
# open: SESSION_PID), sets rds_copy.profile, makes a copy to TARGET1 and a
# cross-region copy (with a pre-signed URL) to TARGET2, asks for the
# credentials' source (the output is in $SESSION_OUT)
session_copy_with_profile() {
	session_open
	session_run "SET rds_copy.profile = '$1'" profile
	session_run "$(copy_sql my-cluster-snapshot1 "$2")" copy
	session_run "SELECT db_cluster_snapshot_identifier FROM rds_copy.rds_copy_db_cluster_snapshot(
		source => 'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:west-snapshot',
		target => '$3', source_region => 'us-west-2')" presigned
	session_run "SELECT source FROM rds_copy.credentials()" source
}

test_memory_assume_role_from_file() {
	local out
	restart_cluster
	session_copy_with_profile assume sec-mem-1 sec-mem-2
	out=$(cat "$SESSION_OUT")
	expect_match "assume role: a copy signed with the role's credentials" '^sec-mem-1$' "$out"
	expect_match "assume role: a cross-region copy (pre-signed URL with the token)" '^sec-mem-2$' "$out"
	expect_match "assume role: from the default profile's keys in the file" \
		'^assume-role:arn:aws:iam::123456789012:role/backup via shared-credentials-file' "$out"
	check session_idle_after_assume_role session_idle
	check_memory "assume role" "$SESSION_PID" file-secret="$FILE_SECRET" \
		file-other-secret="$FILE_OTHER_SECRET" file-other-token="$FILE_OTHER_TOKEN"
	session_close
}

test_memory_web_identity() {
	local out
	# shellcheck disable=SC2046
	restart_cluster $(webid_env)
	session_open
	session_run "$(copy_sql my-cluster-snapshot1 sec-mem-3)" copy
	session_run "SELECT source FROM rds_copy.credentials()" source
	out=$(cat "$SESSION_OUT")
	expect_match "web identity: a copy signed with its credentials" '^sec-mem-3$' "$out"
	expect_match "web identity: the source" '^web-identity:arn:aws:iam::123456789012:role/eks-backup$' "$out"
	check session_idle_after_web_identity session_idle
	check_memory "web identity" "$SESSION_PID" web-identity-token="$WEB_IDENTITY_TOKEN" \
		file-secret="$FILE_SECRET" file-other-token="$FILE_OTHER_TOKEN"
	session_close
}

test_memory_container_and_imds() {
	local out
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env)
	session_open
	session_run "$(copy_sql my-cluster-snapshot1 sec-mem-4)" copy
	out=$(cat "$SESSION_OUT")
	expect_match "container: a copy signed with its credentials" '^sec-mem-4$' "$out"
	check session_idle_after_container session_idle
	check_memory "container" "$SESSION_PID" container-token="$CONTAINER_TOKEN"
	session_close

	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(imds_env)
	session_open
	session_run "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" role
	session_run "$(copy_sql my-cluster-snapshot1 sec-mem-5)" copy
	session_run "SELECT source FROM rds_copy.credentials()" source
	out=$(cat "$SESSION_OUT")
	expect_match "role on instance metadata: a copy" '^sec-mem-5$' "$out"
	expect_match "role on instance metadata: the source" '^assume-role:.* via instance-metadata$' "$out"
	check session_idle_after_imds session_idle
	check_memory "role on instance metadata" "$SESSION_PID"
	session_close
}

# credential_process: the program's document (its secret and token) is read
# from a pipe and parsed; neither may stay in the backend.  The program runs
# as the postgres OS user, so it runs from a copy it can read (root's
# checkout may be mode 700).
test_memory_credential_process() {
	local out bin=/tmp/rds_copy_secrets_bin.$$ akid=AKIDTEMPPROCMEM1
	rm -rf "$bin"
	mkdir -p "$bin"
	cp "$REPO/test/standin/fake_credential_process.py" "$bin/"
	chmod 755 "$bin"
	chmod 644 "$bin/fake_credential_process.py"
	cat >"$WORK/proc-config" <<CONFIG
[profile proc]
credential_process = /usr/bin/python3 $bin/fake_credential_process.py $akid --expires
CONFIG
	chmod 644 "$WORK/proc-config"
	# shellcheck disable=SC2046
	restart_cluster AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_CONFIG_FILE="$WORK/proc-config"
	session_copy_with_profile proc sec-mem-6 sec-mem-7
	out=$(cat "$SESSION_OUT")
	expect_match "credential_process: a copy signed with its credentials" '^sec-mem-6$' "$out"
	expect_match "credential_process: a cross-region copy (pre-signed URL with the token)" '^sec-mem-7$' "$out"
	expect_match "credential_process: the source" '^credential-process \[proc\]$' "$out"
	check session_idle_after_credential_process session_idle
	CHECK_AKID=$akid check_memory "credential_process" "$SESSION_PID" \
		process-secret="tempsecret/$akid" process-token="temptoken/$akid=="
	session_close
	rm -rf "$bin"
}

# SSO: the token cache file that "aws sso login" writes (with the client
# registration's secret and refresh token, which rds_copy never uses) and a
# profile that uses it; the fake portal is told the token.
SSO_TOKEN=sso-access-token-EXAMPLE/secret=value==
SSO_CLIENT_SECRET=sso-client-secret-EXAMPLE
SSO_REFRESH_TOKEN=sso-refresh-token-EXAMPLE

test_memory_sso() {
	local out expires key
	expires=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
	mkdir -p "$WORK/sso-home/.aws/sso/cache"
	cat >"$WORK/sso-home/.aws/config" <<CONFIG
[profile sso]
region = us-east-1
sso_session = corp
sso_account_id = 123456789012
sso_role_name = SecretsRole

[sso-session corp]
sso_start_url = https://secrets-EXAMPLE.awsapps.com/start
sso_region = us-east-1
CONFIG
	# botocore's SSOTokenLoader: the sha1 of the sso-session's name
	key=$(printf corp | sha1sum | cut -d' ' -f1)
	cat >"$WORK/sso-home/.aws/sso/cache/$key.json" <<TOKEN
{"startUrl": "https://secrets-EXAMPLE.awsapps.com/start", "region": "us-east-1",
 "accessToken": "$SSO_TOKEN", "expiresAt": "$expires",
 "clientId": "sso-client-id", "clientSecret": "$SSO_CLIENT_SECRET",
 "refreshToken": "$SSO_REFRESH_TOKEN", "registrationExpiresAt": "$expires"}
TOKEN
	chown -R postgres "$WORK/sso-home"
	chmod -R go-rwx "$WORK/sso-home"
	ctl sso "{\"tokens\": {\"$SSO_TOKEN\": \"$expires\"}}" >/dev/null
	restart_cluster HOME="$WORK/sso-home" AWS_CONFIG_FILE="$WORK/sso-home/.aws/config" \
		AWS_SHARED_CREDENTIALS_FILE=/nonexistent/credentials AWS_PROFILE=sso \
		AWS_ENDPOINT_URL_SSO="$FAKE_SSO_URL"
	session_open
	session_run "$(copy_sql my-cluster-snapshot1 sec-mem-8)" copy
	session_run "SELECT source FROM rds_copy.credentials()" source
	out=$(cat "$SESSION_OUT")
	expect_match "sso: a copy signed with the role's credentials" '^sec-mem-8$' "$out"
	expect_match "sso: the source" '^sso:123456789012/SecretsRole \[sso\]$' "$out"
	check session_idle_after_sso session_idle
	check_memory "sso" "$SESSION_PID" sso-token="$SSO_TOKEN" \
		sso-client-secret="$SSO_CLIENT_SECRET" sso-refresh-token="$SSO_REFRESH_TOKEN"
	session_close
	expect_no_match "sso: no token in the server log" "$SSO_TOKEN|$SSO_REFRESH_TOKEN" \
		"$(cat "$RDS_TEST_SERVER_LOG")"
	restart_cluster
}

# --- proxies ----------------------------------------------------------------

start_proxy() {
	PROXY_LOG=$WORK/proxy.jsonl
	"$PYTHON" "$REPO/test/standin/connect_proxy.py" --log "$PROXY_LOG" \
		--ready-file "$WORK/proxy.port" 2>"$WORK/proxy.err" &
	PROXY_PID=$!
	for _ in $(seq 100); do
		[ -s "$WORK/proxy.port" ] && break
		sleep 0.1
	done
	PROXY_URL=http://127.0.0.1:$(cat "$WORK/proxy.port")
}

secrets_exit() {
	local rc=$1
	if [ -n "${PROXY_PID:-}" ]; then
		kill "$PROXY_PID" 2>/dev/null
		wait "$PROXY_PID" 2>/dev/null
	fi
	suite_on_exit "$rc"
}

# requests the proxy saw for 127.0.0.1:PORT since the log had $2 lines
proxied_to() {
	tail -n +"$(($2 + 1))" "$PROXY_LOG" | grep -c "\"target\": \"127.0.0.1:$1\"" || true
}
proxy_lines() { wc -l <"$PROXY_LOG"; }

# every proxy variable curl or botocore could read, pointing at the proxy
ALL_PROXY_VARS() {
	echo "http_proxy=$PROXY_URL HTTP_PROXY=$PROXY_URL ALL_PROXY=$PROXY_URL all_proxy=$PROXY_URL HTTPS_PROXY=$PROXY_URL"
}

test_proxies() {
	local before out rds sts container imds
	rds=$(port_of "$STANDIN_URL")
	sts=$(port_of "$FAKE_STS_URL")
	container=$(port_of "$FAKE_CONTAINER_URL")
	imds=$(port_of "$FAKE_IMDS_URL")

	# container credentials with every proxy variable set
	before=$(proxy_lines)
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env) $(ALL_PROXY_VARS)
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 sec-proxy-1)")
	expect_match "proxies set: a copy with container credentials" '^sec-proxy-1$' "$out"
	expect_equal "the container credentials fetch did not go through the proxy" 0 "$(proxied_to "$container" "$before")"
	expect_match "positive control: the RDS call went through HTTPS_PROXY (CONNECT)" '^[1-9]' "$(proxied_to "$rds" "$before")"
	expect_match "... as a CONNECT tunnel" "\"method\": \"CONNECT\", \"target\": \"127.0.0.1:$rds\"" \
		"$(tail -n +"$((before + 1))" "$PROXY_LOG")"

	# instance metadata, then STS for rds_copy.role_arn
	before=$(proxy_lines)
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(imds_env) $(ALL_PROXY_VARS)
	out=$(sql --verbose --capture -At -c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" \
		-c "$(copy_sql my-cluster-snapshot1 sec-proxy-2)")
	expect_match "proxies set: a copy with a role on instance metadata" '^sec-proxy-2$' "$out"
	expect_equal "the instance metadata fetch did not go through the proxy" 0 "$(proxied_to "$imds" "$before")"
	expect_match "STS AssumeRole went through HTTPS_PROXY" '^[1-9]' "$(proxied_to "$sts" "$before")"

	# NO_PROXY covers the endpoints' host: nothing through the proxy
	before=$(proxy_lines)
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(imds_env) $(ALL_PROXY_VARS) NO_PROXY=example.com,127.0.0.1
	out=$(sql --verbose --capture -At -c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" \
		-c "$(copy_sql my-cluster-snapshot1 sec-proxy-3)")
	expect_match "NO_PROXY=...,127.0.0.1: the copy" '^sec-proxy-3$' "$out"
	expect_equal "NO_PROXY=...,127.0.0.1: nothing went through the proxy" 0 "$(($(proxy_lines) - before))"

	# ALL_PROXY and http_proxy are not for https endpoints (botocore uses the https entry only)
	before=$(proxy_lines)
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(imds_env) http_proxy="$PROXY_URL" ALL_PROXY="$PROXY_URL" all_proxy="$PROXY_URL"
	out=$(sql --verbose --capture -At -c "SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/backup'" \
		-c "$(copy_sql my-cluster-snapshot1 sec-proxy-4)")
	expect_match "ALL_PROXY and http_proxy only: the copy" '^sec-proxy-4$' "$out"
	expect_equal "ALL_PROXY and http_proxy only: nothing went through the proxy" 0 "$(($(proxy_lines) - before))"

	# the lower-case variable wins, even empty (urllib's getproxies_environment)
	before=$(proxy_lines)
	restart_cluster HTTPS_PROXY="$PROXY_URL" https_proxy=
	out=$(sql --verbose --capture -At -c "$(copy_sql my-cluster-snapshot1 sec-proxy-5)")
	expect_match "an empty https_proxy over HTTPS_PROXY: the copy" '^sec-proxy-5$' "$out"
	expect_equal "an empty https_proxy over HTTPS_PROXY: no proxy" 0 "$(($(proxy_lines) - before))"
	restart_cluster
}

# --- the container URL rule -----------------------------------------------

test_container_url_rule() {
	local url out
	for url in "http://127.0.0.1@192.0.2.1/creds" "http://127.0.0.1.example.com/creds" \
		"http://127.0.0.1:80@192.0.2.1/creds" "http://169.254.170.2.example.com/creds" \
		"ftp://127.0.0.1/creds"; do
		restart_cluster $NO_FILES AWS_CONTAINER_CREDENTIALS_FULL_URI="$url"
		out=$(sql --verbose --capture -At -c "SELECT source FROM rds_copy.credentials()")
		expect_match "FULL_URI $url is refused" \
			'28000: could not get AWS credentials from the container credentials endpoint.*AWS_CONTAINER_CREDENTIALS_FULL_URI must be' \
			"$(tr '\n' ' ' <<<"$out")"
	done
	restart_cluster $NO_FILES AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=@192.0.2.1/creds
	out=$(sql --verbose --capture -At -c "SELECT source FROM rds_copy.credentials()")
	expect_match "RELATIVE_URI @192.0.2.1/creds is refused" \
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with" "$(tr '\n' ' ' <<<"$out")"
	# positive control: the fake on loopback, written as the SDKs allow
	# shellcheck disable=SC2046
	restart_cluster $NO_FILES $(container_env)
	expect_match "FULL_URI http://127.0.0.1:PORT/... is used" '^container$' \
		"$(sql --verbose --capture -At -c "SELECT source FROM rds_copy.credentials()")"
	restart_cluster
}

secrets_tests() {
	EXIT_HOOK=secrets_exit
	start_proxy
	run_test test_memory_assume_role_from_file
	run_test test_memory_web_identity
	run_test test_memory_container_and_imds
	run_test test_memory_credential_process
	run_test test_memory_sso
	run_test test_proxies
	run_test test_container_url_rule
}

suite_run secrets secrets_tests
