# test/lib/harness.sh: the test harness; every test command sources it (as
# root): test/run_all.sh, test/demo.sh, test/regress.sh,
# test/integration/*.sh, test/valgrind.sh, test/bench/run.sh.
#
# Installs the Debian packages the project needs, builds and installs the
# extension, and starts a throwaway PostgreSQL cluster (as the postgres OS
# user, in a temporary directory, on a private Unix socket) next to the
# stand-in RDS endpoint (HTTPS on 127.0.0.1 with a CA made here) and the
# fake credential sources.  Nothing touches the system's own cluster;
# everything stops on exit.  Also brings in test/lib/psql.sh (sql),
# test/lib/assert.sh (pass, fail, expect_*) and test/lib/secrets.sh
# (SECRET_PATTERN).
#
#   prepare_build         install_packages, then build_and_install unless
#                         RDS_COPY_SKIP_BUILD=1 (RDS_COPY_SKIP_APT=1 skips apt)
#   start_all [ENV...]    stand-in, fakes, credentials file, cluster
#   control endpoints of the stand-in and the fakes, all here:
#   ctl TARGET JSON [ENDPOINT]   POST to a control endpoint (see ctl_command)
#   standin_get PATH KEY  a value from a GET control endpoint of the stand-in
#   standin_blackhole     a port that never accepts (POST /__standin/blackhole)
#   journal_count FILE KEY=VALUE...  lines of a journal (never 0 for a missing one)
# shellcheck shell=bash

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TEST_LIB=$REPO/test/lib
# shellcheck source=psql.sh
source "$TEST_LIB/psql.sh"
# shellcheck source=assert.sh
source "$TEST_LIB/assert.sh"
# shellcheck source=secrets.sh
source "$TEST_LIB/secrets.sh"
PYTHON=/usr/bin/python3
# the PostgreSQL major to build for and test on: 15 (Debian 12, the
# default), 17 (Debian 13) or 18 (Debian unstable); test/matrix.sh sets it
# inside its Debian roots.  It picks the server's binaries and the packages.
PG_MAJOR=${RDS_COPY_PG_MAJOR:-15}
case $PG_MAJOR in
	15) CLANG_VERSION=14 ;;	# Debian 12's clang
	17) CLANG_VERSION=19 ;;	# Debian 13's clang
	18) CLANG_VERSION=21 ;;	# unstable's clang (what postgresql-server-dev-18 pulls in)
	*)
		echo "RDS_COPY_PG_MAJOR=$PG_MAJOR: supported majors are 15, 17 and 18" >&2
		exit 2
		;;
esac
# test/fuzz/Makefile builds with $(CLANG), clang-14 unless told
[ "$PG_MAJOR" = 15 ] || export CLANG=${CLANG:-clang-$CLANG_VERSION}
# the server's binaries: the private copy a parent test command made
# (build_and_install), else the system's (with RDS_COPY_SKIP_BUILD=1 alone,
# the extension must be installed there)
SYSTEM_PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
PGBIN=${RDS_COPY_PGBIN:-$SYSTEM_PGBIN}
# the throwaway cluster's port (a Unix socket in its own directory; override to run two suites at once)
PGPORT_PRIVATE=${RDS_COPY_TEST_PGPORT:-54329}

# PG_PACKAGES: what the build, pg_regress, the demo and the integration
# suites need (test/matrix.sh installs only these in its roots); PACKAGES:
# those and the unit, fuzz and valgrind tools.  Debian 13 and later have no
# postgresql-contrib (the contrib modules are in postgresql-NN).
PG_PACKAGES=(
	"postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR"
	libcurl4-openssl-dev libssl-dev libxml2-dev pkg-config make gcc
	openssl python3 python3-botocore ca-certificates util-linux
	"postgresql-$PG_MAJOR-cron"
)
[ "$PG_MAJOR" = 15 ] && PG_PACKAGES+=(postgresql-contrib)
PACKAGES=(
	"${PG_PACKAGES[@]}"
	"clang-$CLANG_VERSION" "libclang-rt-$CLANG_VERSION-dev" valgrind
	debootstrap git	# test/matrix.sh (run_all.sh's matrix layer; git lists the tree it copies)
)

say() { printf '== %s\n' "$*" >&2; }

install_packages() {
	if [ "${RDS_COPY_SKIP_APT:-0}" = 1 ]; then
		return
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "run this as root: it installs Debian packages and starts PostgreSQL as the postgres user" >&2
		exit 1
	fi
	say "installing Debian packages: ${PACKAGES[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q "${PACKAGES[@]}" >/dev/null
}

prepare_build() {
	install_packages
	if [ "${RDS_COPY_SKIP_BUILD:-0}" != 1 ]; then
		build_and_install
	fi
}

# Builds the extension and installs it into a private copy of the server's
# installation (PG_TREE, under /tmp; PostgreSQL finds its files relative to
# its binaries), whose binaries the tests then run: two checkouts tested at
# once on one machine cannot replace each other's build, and the system's
# installation is left as it is.  Sets PG_TREE and PGBIN, and exports
# RDS_COPY_PGBIN so that suites started with RDS_COPY_SKIP_BUILD=1 (as
# run_all.sh starts them) use the same copy; the process that made the copy
# removes it when it exits.
build_and_install() {
	local pgver=${SYSTEM_PGBIN%/bin}
	pgver=${pgver##*/}
	say "building the extension and installing it into a private copy of PostgreSQL $pgver"
	make -C "$REPO" -s clean >/dev/null
	make -C "$REPO" -s >/dev/null
	PG_TREE=$(mktemp -d /tmp/rds_copy_pg.XXXXXX)
	mkdir -p "$PG_TREE/usr/lib/postgresql" "$PG_TREE/usr/share/postgresql"
	cp -a "/usr/lib/postgresql/$pgver" "$PG_TREE/usr/lib/postgresql/"
	cp -a "/usr/share/postgresql/$pgver" "$PG_TREE/usr/share/postgresql/"
	chmod 755 "$PG_TREE"
	make -C "$REPO" -s install DESTDIR="$PG_TREE" >/dev/null
	PGBIN=$PG_TREE$SYSTEM_PGBIN
	PG_TREE_MINE=1
	export RDS_COPY_PGBIN=$PGBIN
}

# Sets WORK, CERTS, STATE, STANDIN_PORT, STANDIN_URL and starts the stand-in.
start_standin() {
	WORK=$(mktemp -d /tmp/rds_copy_test.XXXXXX)
	chmod 755 "$WORK"
	CERTS=$WORK/certs
	STATE=$WORK/state
	mkdir -p "$CERTS" "$STATE"
	chmod 755 "$STATE"
	trap harness_exit EXIT
	"$REPO/test/standin/make_certs.sh" "$CERTS"
	say "starting the stand-in RDS endpoint"
	"$PYTHON" "$REPO/test/standin/rds_standin.py" --port 0 \
		--cert "$CERTS/server.crt" --key "$CERTS/server.key" \
		--state-dir "$STATE" --ready-file "$WORK/standin.port" \
		2>"$WORK/standin.log" &
	STANDIN_PID=$!
	for _ in $(seq 100); do
		[ -s "$WORK/standin.port" ] && break
		sleep 0.1
	done
	STANDIN_PORT=$(cat "$WORK/standin.port")
	STANDIN_URL=https://127.0.0.1:$STANDIN_PORT
	export RDS_STANDIN_URL=$STANDIN_URL RDS_STANDIN_JOURNAL=$STATE/journal.jsonl
	export RDS_STANDIN_CA=$CERTS/ca.crt RDS_TEST_SERVER_LOG=$WORK/postgres.log
}

# Starts the fake credential sources (IMDS, container endpoint, STS, SSO
# portal); sets FAKE_IMDS_URL, FAKE_CONTAINER_URL, FAKE_STS_URL,
# FAKE_SSO_URL and the token files.
start_fakes() {
	say "starting the fake IMDS, container credentials, STS and SSO endpoints"
	"$PYTHON" "$REPO/test/standin/fake_credentials.py" --state-dir "$STATE" \
		--cert "$CERTS/server.crt" --key "$CERTS/server.key" \
		--ready-file "$WORK/fakes.json" 2>"$WORK/fakes.log" &
	FAKES_PID=$!
	for _ in $(seq 100); do
		[ -s "$WORK/fakes.json" ] && break
		sleep 0.1
	done
	fake_port() { "$PYTHON" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$WORK/fakes.json" "$1"; }
	FAKE_IMDS_URL=http://127.0.0.1:$(fake_port imds)
	FAKE_CONTAINER_URL=http://127.0.0.1:$(fake_port container)
	FAKE_STS_URL=https://127.0.0.1:$(fake_port sts)
	FAKE_SSO_URL=https://127.0.0.1:$(fake_port sso)
	export RDS_FAKE_JOURNAL=$STATE/credentials-journal.jsonl
	printf 'web-identity-token-EXAMPLE\n' >"$WORK/web-identity-token"
	printf 'container-auth-token-EXAMPLE\n' >"$WORK/container-token"
	chown postgres "$WORK/web-identity-token" "$WORK/container-token"
	chmod 600 "$WORK/web-identity-token" "$WORK/container-token"
}

# The one way the shell tests talk to the control endpoints: the command
# that POSTs JSON $2 to the control endpoint $3 (default config) of a fake
# (imds, container, sts, sso) or of the stand-in (rds), with
# test/standin/fakectl.py (non-zero status on any failure); for psql's \!
# in the middle of a session.  ctl runs it.
ctl_command() {
	local url
	case $1 in
		imds) url=$FAKE_IMDS_URL/__fake ;;
		container) url=$FAKE_CONTAINER_URL/__fake ;;
		sts) url=$FAKE_STS_URL/__fake ;;
		sso) url=$FAKE_SSO_URL/__fake ;;
		rds) url=$STANDIN_URL/__standin ;;
	esac
	printf "%s %s %s '%s' %s" "$PYTHON" "$REPO/test/standin/fakectl.py" "$url/${3:-config}" "$2" "$CERTS/ca.crt"
}

ctl() {
	eval "$(ctl_command "$@")"
}

# standin_get PATH KEY: from GET $STANDIN_URL/__standin/PATH, the value at
# the dotted KEY ("" when absent), e.g. standin_get stats
# by_action_snapshot.CopyDBClusterSnapshot.x or standin_get
# 'snapshots?region=us-east-1' us-east-1.x.status.  An unreachable stand-in
# is an error (status 1), never an empty value.
standin_get() {
	"$PYTHON" - "$STANDIN_URL/__standin/$1" "$CERTS/ca.crt" "$2" <<'PY'
import json, ssl, sys, urllib.request
url, ca, path = sys.argv[1:4]
value = json.load(urllib.request.urlopen(url, context=ssl.create_default_context(cafile=ca), timeout=10))
for key in path.split('.'):
    value = value.get(key) if isinstance(value, dict) else None
print('' if value is None else value)
PY
}

# journal_count JOURNAL KEY=VALUE...: how many lines of a JSON-lines journal
# (the stand-in's $RDS_STANDIN_JOURNAL, the fakes' $RDS_FAKE_JOURNAL) have
# every KEY equal to VALUE (as text; booleans as true/false; the key "name"
# is a request's target or identifier).  A journal that is missing or
# cannot be read is an error (status 1, nothing printed), never 0.
journal_count() {
	"$PYTHON" - "$@" <<'PY'
import json, sys
path, conds = sys.argv[1], [a.split('=', 1) for a in sys.argv[2:]]
def value(entry, key):
    if key == 'name':
        return entry.get('target') or entry.get('identifier')
    return entry.get(key)
def same(v, want):
    if isinstance(v, bool):
        return str(v).lower() == want
    return v is not None and str(v) == want
n = 0
with open(path, encoding='utf-8') as journal:
    for line in journal:
        entry = json.loads(line)
        if all(same(value(entry, k), w) for k, w in conds):
            n += 1
print(n)
PY
}

# standin_blackhole: asks the stand-in for a port that accepts no
# connection (POST /__standin/blackhole) and prints it; fails if it cannot.
standin_blackhole() {
	"$PYTHON" - "$STANDIN_URL/__standin/blackhole" "$CERTS/ca.crt" <<'PY'
import json, ssl, sys, urllib.request
request = urllib.request.Request(sys.argv[1], data=b'{}', method='POST')
reply = urllib.request.urlopen(request, context=ssl.create_default_context(cafile=sys.argv[2]), timeout=10)
print(json.load(reply)['port'])
PY
}

# Credentials file for the cluster: the default profile is a key the
# stand-in knows; the others provoke authentication faults.
write_credentials() {
	cat >"$WORK/credentials" <<'CREDS'
# test credentials: obviously fake, known to the stand-in only
[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY

[session]
aws_access_key_id = AKIDSESSIONEXAMPLE
aws_secret_access_key = sessionsecret/EXAMPLE+KEY
aws_session_token = FAKESESSIONTOKEN/abc+def==

[wrong-secret]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = notTheRightSecretEXAMPLE

[unknown-key]
aws_access_key_id = AKIDUNKNOWNEXAMPLE
aws_secret_access_key = whateverSecretEXAMPLE

[session-wrong-secret]
aws_access_key_id = AKIDSESSIONEXAMPLE
aws_secret_access_key = notTheRightSecretEXAMPLE
aws_session_token = FAKESESSIONTOKEN/abc+def==

[incomplete]
aws_access_key_id = AKIDEXAMPLE
CREDS
	cat >"$WORK/config" <<CONFIG
# test config file: profiles that assume roles at the fake STS
[default]
region = us-east-1

[profile assume]
role_arn = arn:aws:iam::123456789012:role/backup
source_profile = default
role_session_name = regress-session

[profile assume-chain]
role_arn = arn:aws:iam::123456789012:role/chained
source_profile = assume

[profile needs-external-id]
role_arn = arn:aws:iam::123456789012:role/needs-external-id
source_profile = default
external_id = external-EXAMPLE

[profile denied]
role_arn = arn:aws:iam::123456789012:role/denied
source_profile = default

[profile loop-a]
role_arn = arn:aws:iam::123456789012:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::123456789012:role/b
source_profile = loop-a

[profile webid]
role_arn = arn:aws:iam::123456789012:role/web
web_identity_token_file = $WORK/web-identity-token

[profile env-source]
role_arn = arn:aws:iam::123456789012:role/backup
credential_source = Environment

[profile bad-duration]
role_arn = arn:aws:iam::123456789012:role/backup
source_profile = default
duration_seconds = 5

[profile region-only]
region = eu-west-1
CONFIG
	chown postgres "$WORK/credentials" "$WORK/config"
	chmod 600 "$WORK/credentials" "$WORK/config"
}

# Starts the cluster; extra environment for the server as arguments (NAME=value).
start_cluster() {
	PGDATA=$WORK/data
	export PGHOST=$WORK PGPORT=$PGPORT_PRIVATE PGUSER=postgres
	chown postgres "$WORK"
	say "starting a throwaway PostgreSQL $PG_MAJOR cluster in $PGDATA"
	runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -A trust -E UTF8 \
		--locale=C --no-sync >/dev/null
	cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = ''
port = $PGPORT_PRIVATE
unix_socket_directories = '$WORK'
fsync = off
log_line_prefix = '%m [%p] %q%u@%d '
rds_copy.region = 'us-east-1'
rds_copy.endpoint_url = '$STANDIN_URL'
rds_copy.ca_file = '$CERTS/ca.crt'
# preloading, background workers and pg_cron: written anew by every
# restart_cluster (see write_cluster_conf); later lines still override it
include_if_exists = 'rds_copy_test.conf'
CONF
	restart_cluster "$@"
}

# Everything a suite needs: stand-in, fakes, credentials, cluster (ENV as start_cluster).
start_all() {
	start_standin
	start_fakes
	write_credentials
	start_cluster "$@"
}

# $PGDATA/rds_copy_test.conf, from the environment of the (re)start:
#   RDS_COPY_PRELOAD=0        no shared_preload_libraries at all (the library
#                             is then loaded per session, as before 1.0's queue)
#   RDS_COPY_QUEUE_WORKERS=N  rds_copy.queue_workers (default 2; 0: none)
#   RDS_COPY_PG_CRON=1        also preload pg_cron, jobs in database postgres,
#                             run by background workers (our socket is Unix only)
# The queue settings are short so tests need not wait: an idle worker looks
# at the queue every 200 ms and a copying row is described again after 1 s.
write_cluster_conf() {
	local preload=rds_copy
	[ "${RDS_COPY_PG_CRON:-0}" = 1 ] && preload=rds_copy,pg_cron
	[ "${RDS_COPY_PRELOAD:-1}" = 0 ] && preload=
	cat >"$PGDATA/rds_copy_test.conf" <<CONF
# written by test/lib/harness.sh write_cluster_conf
shared_preload_libraries = '$preload'
max_worker_processes = 32
rds_copy.database_name = 'postgres'
rds_copy.queue_workers = ${RDS_COPY_QUEUE_WORKERS:-2}
rds_copy.queue_naptime = 200
rds_copy.queue_poll_interval = 1
${RDS_COPY_EXTRA_CONF:-}
CONF
	if [ "${RDS_COPY_PG_CRON:-0}" = 1 ]; then
		cat >>"$PGDATA/rds_copy_test.conf" <<CONF
cron.database_name = 'postgres'
cron.use_background_workers = on
cron.max_running_jobs = 8
CONF
	fi
	chown postgres "$PGDATA/rds_copy_test.conf"
}

restart_cluster() {
	if [ -f "$PGDATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
	fi
	write_cluster_conf
	runuser -u postgres -- env -i PATH=/usr/bin:/bin HOME=/var/lib/postgresql \
		LANG=C.UTF-8 AWS_SHARED_CREDENTIALS_FILE="$WORK/credentials" \
		AWS_CONFIG_FILE="$WORK/config" AWS_ENDPOINT_URL_STS="${FAKE_STS_URL:-https://127.0.0.1:1}" \
		AWS_EC2_METADATA_DISABLED=true "$@" \
		"$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/postgres.log" -w start >/dev/null
}

# The EXIT trap: $EXIT_HOOK (when set; test/lib/suite.sh prints a suite's
# count there), then stop_all; keeps the exit status (or the hook's).
harness_exit() {
	local rc=$?
	if [ -n "${EXIT_HOOK:-}" ]; then
		"$EXIT_HOOK" "$rc" || rc=$?
	fi
	stop_all
	exit "$rc"
}

stop_all() {
	set +e
	if [ -n "${PGDATA:-}" ] && [ -f "$PGDATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1
	fi
	if [ -n "${FAKES_PID:-}" ]; then
		kill "$FAKES_PID" 2>/dev/null
		wait "$FAKES_PID" 2>/dev/null
	fi
	if [ -n "${STANDIN_PID:-}" ]; then
		kill "$STANDIN_PID" 2>/dev/null
		wait "$STANDIN_PID" 2>/dev/null
	fi
	if [ "${RDS_COPY_KEEP_WORK:-0}" != 1 ] && [ -n "${WORK:-}" ]; then
		rm -rf "$WORK"
	fi
	if [ -n "${PG_TREE:-}" ] && [ "${PG_TREE_MINE:-0}" = 1 ]; then
		rm -rf "$PG_TREE"
	fi
}

