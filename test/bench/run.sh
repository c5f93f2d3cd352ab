#!/bin/bash
# test/bench/run.sh -- how fast is rds_copy.rds_copy_db_cluster_snapshot() next to the other ways
# of making the same CopyDBClusterSnapshot call?  Run as root on Debian 12:
#
#     bash test/bench/run.sh                  # N=5000 calls per contestant, 5 rounds
#     BENCH_N=2000 bash test/bench/run.sh     # fewer calls
#
# What it does, in one run (nothing talks to AWS; everything is on 127.0.0.1):
#  1. apt-get installs what it needs (the build packages, nginx-light, python3-boto3, time, and
#     awscli when the archive has it -- without it the CLI row is skipped), then builds and
#     installs the extension (test/lib/harness.sh build_and_install).  A policy-rc.d is put in place
#     during the install if there is none, so that installing nginx does not start the system's
#     nginx service.
#  2. Starts its own nginx (master as root, from a temp dir with its own config, on a free
#     127.0.0.1 port, certificate from a CA made by test/standin/make_certs.sh) that answers
#     every POST / with a fixed, realistic CopyDBClusterSnapshotResponse (built by
#     test/bench/make_reply.py from the stand-in's own code), keep-alive on, and an access log
#     of $connection/$connection_requests/$status/$http_user_agent per request.  nginx does not
#     check signatures: this measures the client side only.
#  3. Starts a throwaway PostgreSQL 15 cluster (test/lib/harness.sh start_cluster: postgres OS user,
#     private Unix socket) with rds_copy.endpoint_url pointing at that nginx and the fake
#     credentials of test/lib/harness.sh write_credentials (AKIDEXAMPLE).
#  4. Measures the same calls per contestant, interleaved in rounds (A B C ... A B C ...):
#       ext-1         the extension in one backend: a PL/pgSQL function timing each call with
#                     clock_timestamp(); one psql session (one backend) for all rounds
#       pgbench-1     pgbench -n -c 1 -t N/rounds, script test/bench/copy.sql (a new
#                     connection, so a new backend and TLS connection, per round)
#       pgbench-2     pgbench -n -c 2 -j 2 (N/rounds/2 per client)
#       pgbench-select1  baseline, no extension: pgbench -c 1 running SELECT 1 (what pgbench's
#                     own round trip and transaction cost here)
#       boto3         one long-lived /usr/bin/python3 process, one boto3 RDS client, retries off
#       floor-nosign  test/bench/floor.c: one libcurl handle POSTing a fixed pre-signed request
#       floor-sign    the same, signing every request with src/awsquery.c + src/sigv4.c
#       aws-cli       BENCH_CLI_N (default 5) runs of `aws rds copy-db-cluster-snapshot`
#     with per-call median and p99, calls/s, peak RSS (backend VmHWM from /proc; ru_maxrss or
#     /usr/bin/time for the others) and the TLS connections nginx saw opened (distinct
#     $connection values) and requests it answered.
#     The extension's contestants run with rds_copy.log_requests = off (set on the database when
#     the setting exists): the floor and boto3 write no log line per call either.  The cluster
#     has no queue workers (the benchmark does not use the queue).
#     CPU placement (BENCH_PIN=1, the default): nginx's worker and every single-process
#     contestant (ext-1's backend, boto3, the floors) run on one CPU, BENCH_PIN_CPU.  A request
#     and its reply then hand over on one CPU; across two CPUs each hand-over waits for the other
#     CPU to wake (about 40 us per call more on the VM this was written on), and where the
#     scheduler puts a process is luck, so that an unpinned run can charge it to one contestant
#     and not another.  The pgbench rounds are not pinned (nginx is unpinned for them): two
#     clients need both CPUs.
#  4b. test/bench/micro.c times the pure steps alone (signing, the request body, parsing the
#     reply), for the notes.
#  5. Prints the table, the ratios and the machine, and writes them as markdown to BENCH_OUT.
#  6. Stops everything it started (trap).  The system's PostgreSQL and nginx are never touched.
#
# Settings (environment):
#   BENCH_N=5000            calls per contestant (rounded up to a multiple of 2*BENCH_ROUNDS)
#   BENCH_ROUNDS=5          rounds
#   BENCH_CLI_N=5           aws CLI invocations in all (spread over the rounds)
#   BENCH_OUT=$WORK/bench.md  markdown output; by default the run's temp dir is removed at the
#                           end except for this file
#   BENCH_STEP_TIMEOUT=600  seconds allowed to any one step (apt, build, a round of one contestant)
#   BENCH_NGINX_WORKERS=1   nginx worker processes
#   BENCH_PIN=1             pin nginx's worker and the single-process contestants to one CPU
#   BENCH_PIN_CPU=0         ... that CPU
#   BENCH_PROFILE=1         after the rounds, `perf stat` + `perf record` one more ext-1 round
#   BENCH_RSS_CALLS=100000  then one fresh backend makes this many calls; its RSS after the first
#                           1,000 and after all of them goes into the notes (0: skip)
#                           (if perf is installed) and print where the backend's time goes
#   RDS_COPY_SKIP_APT=1     skip apt-get;  RDS_COPY_SKIP_BUILD=1  skip the build and install
#   RDS_COPY_KEEP_WORK=1    keep the temp dir (nginx, server and raw timing files)

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/harness.sh
source "$BENCH_DIR/../lib/harness.sh"

BENCH_ROUNDS=${BENCH_ROUNDS:-5}
BENCH_N=${BENCH_N:-5000}
BENCH_CLI_N=${BENCH_CLI_N:-5}
STEP_TIMEOUT=${BENCH_STEP_TIMEOUT:-600}
NGINX_WORKERS=${BENCH_NGINX_WORKERS:-1}
KEEP_WORK=${RDS_COPY_KEEP_WORK:-0}
BENCH_PIN=${BENCH_PIN:-1}
PIN_CPU=${BENCH_PIN_CPU:-0}
AWS_BIN=/usr/bin/aws
unit=$((2 * BENCH_ROUNDS))
BENCH_N=$(( (BENCH_N + unit - 1) / unit * unit ))
PER_ROUND=$((BENCH_N / BENCH_ROUNDS))
START_NS=$(date +%s%N)

die() { echo "run.sh: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run this as root"
case $BENCH_N$BENCH_ROUNDS$BENCH_CLI_N$PIN_CPU in *[!0-9]*) die "BENCH_N, BENCH_ROUNDS, BENCH_CLI_N, BENCH_PIN_CPU: integers" ;; esac
[ "$PIN_CPU" -lt "$(nproc)" ] || die "BENCH_PIN_CPU=$PIN_CPU: this machine has $(nproc) CPUs"
# the command prefix that pins a single-process contestant (empty when BENCH_PIN=0)
PIN=()
[ "$BENCH_PIN" = 1 ] && PIN=(taskset -c "$PIN_CPU")

# ---------------------------------------------------------------------------------------------
# 1. packages and build

bench_install() {
	if [ "${RDS_COPY_SKIP_APT:-0}" = 1 ]; then
		return
	fi
	local pkgs=(postgresql-15 postgresql-server-dev-15 postgresql-contrib libcurl4-openssl-dev
		libssl-dev libxml2-dev pkg-config make gcc openssl python3 python3-botocore python3-boto3
		ca-certificates util-linux time) nginx_pkg=nginx-light added_policy=0 policy
	export DEBIAN_FRONTEND=noninteractive
	say "apt-get update"
	timeout "$STEP_TIMEOUT" apt-get update -q >/dev/null
	# (the output is captured first: grep -q would end the pipe early, and pipefail see SIGPIPE)
	policy=$(apt-cache policy nginx-light 2>/dev/null || true)
	grep -q 'Candidate: [0-9]' <<<"$policy" || nginx_pkg=nginx
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		# keep the package scripts from starting the system's nginx service
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		added_policy=1
	fi
	say "installing Debian packages: ${pkgs[*]} $nginx_pkg"
	if ! timeout "$STEP_TIMEOUT" apt-get install -y -q "${pkgs[@]}" "$nginx_pkg" >"$BENCH_TMP_LOG" 2>&1; then
		[ "$added_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
		cat "$BENCH_TMP_LOG" >&2
		die "apt-get install failed"
	fi
	policy=$(apt-cache policy awscli 2>/dev/null || true)
	if grep -q 'Candidate: [0-9]' <<<"$policy"; then
		say "installing awscli"
		timeout "$STEP_TIMEOUT" apt-get install -y -q awscli >"$BENCH_TMP_LOG" 2>&1 ||
			say "awscli did not install: the aws CLI row is skipped"
	else
		say "no awscli package in the archive: the aws CLI row is skipped"
	fi
	[ "$added_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
	return 0
}

BENCH_TMP_LOG=$(mktemp /tmp/rds_copy_bench_apt.XXXXXX)
bench_install
rm -f "$BENCH_TMP_LOG"
command -v nginx >/dev/null || die "nginx is not installed"
/usr/bin/python3 -c 'import boto3' 2>/dev/null || die "python3-boto3 is not installed"
[ -x "$PGBIN/pgbench" ] || [ -x /usr/bin/pgbench ] || die "pgbench is not installed"
PGBENCH=$PGBIN/pgbench
[ -x "$PGBENCH" ] || PGBENCH=/usr/bin/pgbench
if [ "${RDS_COPY_SKIP_BUILD:-0}" != 1 ]; then
	# into a private copy of PostgreSQL (PG_TREE; PGBIN points there); stop_all removes it
	build_and_install || die "building or installing the extension failed"
fi

# ---------------------------------------------------------------------------------------------
# the temp dir and the cleanup

WORK=$(mktemp -d /tmp/rds_copy_bench.XXXXXX)
chmod 755 "$WORK"
CERTS=$WORK/certs
RES=$WORK/results
RAW=$RES/raw
NGX=$WORK/nginx
mkdir -p "$CERTS" "$RAW" "$NGX/tmp"
BENCH_OUT=${BENCH_OUT:-$WORK/bench.md}
BG_PIDS=()
NGINX_PID=

bench_cleanup() {
	local rc=$? fd pid
	set +e
	for fd in "${OPEN_FDS[@]}"; do
		exec {fd}>&-
	done 2>/dev/null
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	if [ -n "$NGINX_PID" ]; then
		kill -QUIT "$NGINX_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$NGINX_PID" 2>/dev/null
		wait "$NGINX_PID" 2>/dev/null
	fi
	RDS_COPY_KEEP_WORK=1 stop_all
	if [ "$KEEP_WORK" != 1 ]; then
		if [ "$(dirname "$BENCH_OUT")" = "$WORK" ] && [ -f "$BENCH_OUT" ]; then
			find "$WORK" -mindepth 1 -maxdepth 1 ! -path "$BENCH_OUT" -exec rm -rf {} +
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}
OPEN_FDS=()
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# 2. nginx, the fast stand-in

"$REPO/test/standin/make_certs.sh" "$CERTS"
NGINX_PORT=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NGINX_URL=https://127.0.0.1:$NGINX_PORT
REPLY_XML=$(/usr/bin/python3 "$BENCH_DIR/make_reply.py")
ACCESS_LOG=$NGX/access.log
cat >"$NGX/nginx.conf" <<CONF
# benchmark only (test/bench/run.sh): a fixed CopyDBClusterSnapshotResponse for every POST /
worker_processes $NGINX_WORKERS;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 512; }
http {
    client_body_temp_path $NGX/tmp/body;
    proxy_temp_path $NGX/tmp/proxy;
    fastcgi_temp_path $NGX/tmp/fastcgi;
    uwsgi_temp_path $NGX/tmp/uwsgi;
    scgi_temp_path $NGX/tmp/scgi;
    log_format bench '\$connection \$connection_requests \$status "\$http_user_agent"';
    access_log $ACCESS_LOG bench;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    server_tokens off;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl;
        ssl_certificate $CERTS/server.crt;
        ssl_certificate_key $CERTS/server.key;
        default_type text/xml;
        location = / {
            if (\$request_method != POST) { return 405; }
            add_header x-amzn-RequestId 5f2c1a9e-8b7d-4c3e-9a61-0d2b3c4e5f60;
            return 200 '$REPLY_XML';
        }
        location / { return 404; }
    }
}
CONF
say "starting nginx on $NGINX_URL ($NGINX_WORKERS worker(s)), config $NGX/nginx.conf"
timeout 30 nginx -q -t -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" >/dev/null 2>&1 ||
	{ cat "$NGX/error.log" >&2; nginx -t -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf"; die "bad nginx config"; }
nginx -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$NGINX_PORT") 2>/dev/null && break
	kill -0 "$NGINX_PID" 2>/dev/null || { cat "$NGX/error.log" >&2; die "nginx did not start"; }
	sleep 0.1
done

# pin_nginx on|off: nginx's workers on PIN_CPU, or on every CPU (BENCH_PIN=0: nothing)
pin_nginx() {
	local cpus=$PIN_CPU w
	[ "$BENCH_PIN" = 1 ] || return 0
	[ "$1" = on ] || cpus=0-$(( $(nproc) - 1 ))
	for w in $(pgrep -P "$NGINX_PID"); do
		taskset -pc "$cpus" "$w" >/dev/null || die "taskset of nginx worker $w failed"
	done
}

# ---------------------------------------------------------------------------------------------
# the floor program and the micro-benchmark

# the pure modules of src/, from the one list (src/pure.mk)
read -r -a PURE_SRCS <<<"$(make -s -C "$REPO" --no-print-directory print-pure-srcs)"
PURE_SRCS=("${PURE_SRCS[@]/#/$REPO/}")
say "building the floor program (gcc -O2, libcurl, libcrypto, the pure modules of src/)"
FLOOR=$WORK/floor
# shellcheck disable=SC2046
timeout "$STEP_TIMEOUT" gcc -O2 -Wall -I"$REPO/src" -o "$FLOOR" "$BENCH_DIR/floor.c" \
	"${PURE_SRCS[@]}" $(pkg-config --cflags --libs libcurl libxml-2.0 libcrypto)
MICRO=$WORK/micro
# shellcheck disable=SC2046
timeout "$STEP_TIMEOUT" gcc -O2 -Wall -I"$REPO/src" -o "$MICRO" "$BENCH_DIR/micro.c" \
	"${PURE_SRCS[@]}" $(pkg-config --cflags --libs libcurl libxml-2.0 libcrypto)

# ---------------------------------------------------------------------------------------------
# 3. the cluster

export STANDIN_URL=$NGINX_URL	# start_cluster writes it as rds_copy.endpoint_url
export RDS_COPY_QUEUE_WORKERS=0	# the benchmark does not use the queue
write_credentials
start_cluster
sql --stop -c 'CREATE EXTENSION rds_copy' >/dev/null
# no server log line per call for the extension's contestants (the floor and boto3 write none);
# an older build has no such setting, and an unknown rds_copy.* setting is an error
LOG_NOTE="the extension's contestants ran with rds_copy.log_requests = off (no log line per call)"
if [ "$(sql --stop -At -c "LOAD 'rds_copy'" -c "SELECT 1 FROM pg_settings WHERE name = 'rds_copy.log_requests'")" = 1 ]; then
	sql --stop -c 'ALTER DATABASE postgres SET rds_copy.log_requests = off' >/dev/null
else
	LOG_NOTE="this build has no rds_copy.log_requests (no log line per call to turn off)"
fi
check=$(sql --stop -At -c "SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'bench-check')")
[ "$check" = copying ] || die "the extension's check call returned '$check', not copying"
sql --stop >/dev/null <<'SQL'
-- (no autovacuum of the benchmark's own tables in the middle of a round)
CREATE UNLOGGED TABLE bench_ext (round int, us float8) WITH (autovacuum_enabled = off);
CREATE UNLOGGED TABLE bench_ext_round (round int, wall_s float8) WITH (autovacuum_enabled = off);
CREATE UNLOGGED TABLE bench_hwm (clients int, pid int, vmhwm_kb bigint) WITH (autovacuum_enabled = off);
CREATE FUNCTION bench_round(r int, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r0 timestamptz := clock_timestamp();
    t0 timestamptz;
    t1 timestamptz;
    s text;
    us float8[] := '{}';
BEGIN
    -- timings go into an array and are stored once at the end, so that the
    -- loop measures the calls, not an INSERT per call
    FOR i IN 1..n LOOP
        t0 := clock_timestamp();
        SELECT status INTO s
          FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'bench-ext-' || i);
        t1 := clock_timestamp();
        IF s IS DISTINCT FROM 'copying' THEN
            RAISE EXCEPTION 'call % returned status %', i, s;
        END IF;
        us := us || extract(epoch FROM t1 - t0) * 1e6;
    END LOOP;
    INSERT INTO bench_ext_round VALUES (r, extract(epoch FROM clock_timestamp() - r0));
    INSERT INTO bench_ext SELECT r, u FROM unnest(us) AS u;
END
$$;
SQL
PGBENCH_SCRIPT=$BENCH_DIR/copy.sql

# ---------------------------------------------------------------------------------------------
# long-lived contestants: a process reading "N OUTFILE" lines on a FIFO, answering "done ..."

declare -A IN_FD OUT_FD
start_proc() { # NAME COMMAND...
	local name=$1 in_fifo=$WORK/$1.in out_fifo=$WORK/$1.out fd
	shift
	mkfifo "$in_fifo" "$out_fifo"
	"$@" <"$in_fifo" >"$out_fifo" 2>"$RAW/$name.stderr" &
	BG_PIDS+=("$!")
	exec {fd}>"$in_fifo"
	IN_FD[$name]=$fd
	OPEN_FDS+=("$fd")
	exec {fd}<"$out_fifo"
	OUT_FD[$name]=$fd
	OPEN_FDS+=("$fd")
}
# ask NAME COMMAND-TEXT: send it, wait (bounded) for the "done ..." line; sets DONE_LINE
ask() {
	local name=$1 line
	printf '%s\n' "$2" >&"${IN_FD[$name]}"
	while :; do
		if ! read -r -t "$STEP_TIMEOUT" -u "${OUT_FD[$name]}" line; then
			cat "$RAW/$name.stderr" >&2
			die "$name: no answer (ended or timed out after ${STEP_TIMEOUT}s)"
		fi
		case $line in done*) DONE_LINE=$line; return ;; esac
	done
}

say "starting the long-lived contestants (one psql backend, boto3, two floor programs)"
start_proc ext-1 "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d postgres
ask ext-1 'SELECT pg_backend_pid() AS pid \gset
\echo done :pid'
EXT_PID=${DONE_LINE#done }
if [ "$BENCH_PIN" = 1 ]; then
	taskset -pc "$PIN_CPU" "$EXT_PID" >/dev/null || die "taskset of the ext-1 backend failed"
fi
start_proc boto3 "${PIN[@]}" /usr/bin/python3 "$BENCH_DIR/boto_bench.py" "$NGINX_URL" "$CERTS/ca.crt"
start_proc floor-nosign "${PIN[@]}" "$FLOOR" nosign "$NGINX_URL/" "127.0.0.1:$NGINX_PORT" "$CERTS/ca.crt"
start_proc floor-sign "${PIN[@]}" "$FLOOR" sign "$NGINX_URL/" "127.0.0.1:$NGINX_PORT" "$CERTS/ca.crt"

# ---------------------------------------------------------------------------------------------
# nginx's access log, cut per contestant

LOG_MARK=0
log_lines() { if [ -f "$ACCESS_LOG" ]; then wc -l <"$ACCESS_LOG"; else echo 0; fi; }
mark_log() { LOG_MARK=$(log_lines); }
# take_log NAME EXPECTED: wait (bounded) for EXPECTED new lines, append the new lines to NAME's
take_log() {
	local name=$1 want=$(( LOG_MARK + $2 )) now
	for _ in $(seq 100); do
		now=$(log_lines)
		[ "$now" -ge "$want" ] && break
		sleep 0.05
	done
	sleep 0.02
	now=$(log_lines)
	sed -n "$((LOG_MARK + 1)),${now}p" "$ACCESS_LOG" >>"$RAW/$name.access"
	LOG_MARK=$now
}

declare -A WALL_NS FAILED RSS
add_wall() { WALL_NS[$1]=$(( ${WALL_NS[$1]:-0} + $2 )); }
add_failed() { FAILED[$1]=$(( ${FAILED[$1]:-0} + $2 )); }

# ---------------------------------------------------------------------------------------------
# one round of each contestant

run_ext() { # ROUND N
	mark_log
	ask ext-1 "SELECT bench_round($1, $2);
\\echo done"
	take_log ext-1 "$2"
}

run_long() { # NAME ROUND N
	local name=$1 r=$2 n=$3 rss failed
	mark_log
	ask "$name" "$n $RAW/$name.r$r.ns"
	read -r _ rss failed <<<"$DONE_LINE"
	RSS[$name]=$rss
	add_failed "$name" "$failed"
	take_log "$name" "$n"
}

run_pgbench() { # NAME CLIENTS ROUND N [SCRIPT]
	local name=$1 c=$2 r=$3 n=$4 script=${5:-$PGBENCH_SCRIPT} out tps failed
	mark_log
	if ! out=$(cd "$RAW" && timeout "$STEP_TIMEOUT" "$PGBENCH" -n -f "$script" -c "$c" -j "$c" \
		-t $((n / c)) -D per_client=$((n / c)) -D calls=0 -D clients="$c" \
		-l --log-prefix="$name.r$r.log" postgres 2>&1); then
		echo "$out" >&2
		die "$name: pgbench failed"
	fi
	echo "$out" >"$RAW/$name.r$r.out"
	tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$out")
	[ -n "$tps" ] || die "$name: no tps in pgbench's output: $out"
	add_wall "$name" "$(awk -v n="$n" -v t="$tps" 'BEGIN { printf "%d", n / t * 1e9 }')"
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$out" | head -1)
	add_failed "$name" "${failed:-0}"
	[ "$name" = pgbench-select1 ] || take_log "$name" "$n"
}

CLI_DONE=0
CLI_PER_ROUND=$(( (BENCH_CLI_N + BENCH_ROUNDS - 1) / BENCH_ROUNDS ))
run_cli() { # ROUND
	local i t0 t1 rss
	for ((i = 0; i < CLI_PER_ROUND && CLI_DONE < BENCH_CLI_N; i++)); do
		CLI_DONE=$((CLI_DONE + 1))
		mark_log
		t0=$(date +%s%N)
		if timeout 120 /usr/bin/time -f '%M' -o "$RAW/aws-cli.$CLI_DONE.time" \
			env -i PATH=/usr/bin:/bin HOME="$WORK/clihome" LANG=C.UTF-8 \
			AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' \
			AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
			AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_RETRY_MODE=standard AWS_PAGER= \
			"$AWS_BIN" rds copy-db-cluster-snapshot \
			--source-db-cluster-snapshot-identifier my-cluster-snapshot1 \
			--target-db-cluster-snapshot-identifier "bench-cli-$CLI_DONE" \
			--endpoint-url "$NGINX_URL" --ca-bundle "$CERTS/ca.crt" --output json \
			>"$RAW/aws-cli.$CLI_DONE.out" 2>"$RAW/aws-cli.$CLI_DONE.err" &&
			grep -q '"Status": "copying"' "$RAW/aws-cli.$CLI_DONE.out"; then
			:
		else
			add_failed aws-cli 1
			say "aws CLI call $CLI_DONE failed: $(head -c 300 "$RAW/aws-cli.$CLI_DONE.err")"
		fi
		t1=$(date +%s%N)
		echo $(( (t1 - t0) / 1000 )) >>"$RAW/aws-cli.lat"
		add_wall aws-cli $((t1 - t0))
		rss=$(tail -1 "$RAW/aws-cli.$CLI_DONE.time" 2>/dev/null || echo 0)
		case $rss in *[!0-9]*|'') rss=0 ;; esac
		[ "${RSS[aws-cli]:-0}" -ge "$rss" ] || RSS[aws-cli]=$rss
		take_log aws-cli 1
	done
}

HAVE_CLI=0
[ -x "$AWS_BIN" ] && [ "$BENCH_CLI_N" -gt 0 ] && HAVE_CLI=1
mkdir -p "$WORK/clihome"

say "measuring: $BENCH_N calls per contestant in $BENCH_ROUNDS rounds of $PER_ROUND, interleaved"
for ((r = 1; r <= BENCH_ROUNDS; r++)); do
	rs=$(date +%s)
	pin_nginx on
	run_ext "$r" "$PER_ROUND"
	pin_nginx off
	run_pgbench pgbench-1 1 "$r" "$PER_ROUND"
	run_pgbench pgbench-2 2 "$r" "$PER_ROUND"
	run_pgbench pgbench-select1 1 "$r" "$PER_ROUND" "$BENCH_DIR/select1.sql"
	pin_nginx on
	run_long boto3 "$r" "$PER_ROUND"
	run_long floor-nosign "$r" "$PER_ROUND"
	run_long floor-sign "$r" "$PER_ROUND"
	[ "$HAVE_CLI" = 1 ] && run_cli "$r"
	say "round $r/$BENCH_ROUNDS done in $(( $(date +%s) - rs ))s"
done

# ---------------------------------------------------------------------------------------------
# optional: where the backend's time goes

PROFILE_NOTES=()
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
	if command -v perf >/dev/null; then
		say "profiling one more ext-1 round of $PER_ROUND calls (perf stat, perf record -F 20000 -g)"
		pin_nginx on
		perf stat -e task-clock,context-switches,cpu-migrations,page-faults -p "$EXT_PID" \
			-o "$RAW/perf.stat" 2>/dev/null &
		PERF_STAT_PID=$!
		perf record -q -F 20000 -g -p "$EXT_PID" -o "$RAW/perf.data" >/dev/null 2>&1 &
		PERF_REC_PID=$!
		BG_PIDS+=("$PERF_STAT_PID" "$PERF_REC_PID")
		sleep 0.5
		t0=$(date +%s%N)
		ask ext-1 "SELECT bench_round(0, $PER_ROUND);
\\echo done"
		t1=$(date +%s%N)
		kill -INT "$PERF_STAT_PID" "$PERF_REC_PID" 2>/dev/null
		wait "$PERF_STAT_PID" "$PERF_REC_PID" 2>/dev/null || true
		say "perf stat of the backend during $PER_ROUND calls ($(( (t1 - t0) / 1000000 )) ms wall):"
		grep -E 'task-clock|context-switches|page-faults|elapsed' "$RAW/perf.stat" >&2 || true
		say "the backend's samples by shared object (perf report --sort dso):"
		timeout 120 perf report -i "$RAW/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null |
			grep -E '^ +[0-9]' | head -12 | tee "$RAW/perf.dso" >&2 || true
		say "top symbols:"
		timeout 120 perf report -i "$RAW/perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
			grep -E '^ +[0-9]' | head -25 | tee "$RAW/perf.sym" >&2 || true
		while read -r line; do
			PROFILE_NOTES+=("ext-1 profile (perf, by shared object): $line")
		done < <(head -8 "$RAW/perf.dso" 2>/dev/null | sed 's/  */ /g')
	else
		say "BENCH_PROFILE=1 but perf is not installed (linux-perf): no profile"
	fi
fi

# ---------------------------------------------------------------------------------------------
# memory: one fresh backend, BENCH_RSS_CALLS calls (default 100,000; 0 skips): its RSS after
# the first 1,000 and after all of them

RSS_CALLS=${BENCH_RSS_CALLS:-100000}
RSS_NOTE=()
if [ "$RSS_CALLS" -gt 1000 ]; then
	say "memory: one backend, $RSS_CALLS calls"
	rss_out=$(timeout "$STEP_TIMEOUT" "$PGBIN/psql" -X -q -d postgres -v ON_ERROR_STOP=1 -c "
		DO \$\$
		DECLARE
		  rss1k bigint;
		BEGIN
		  FOR i IN 1..$RSS_CALLS LOOP
		    PERFORM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'bench-rss-' || i);
		    IF i = 1000 THEN
		      rss1k := substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') from 'VmRSS:\s+(\d+) kB');
		    END IF;
		  END LOOP;
		  RAISE NOTICE 'rss % %', rss1k,
		    substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') from 'VmRSS:\s+(\d+) kB');
		END \$\$" 2>&1) || die "memory step failed: $rss_out"
	read -r rss1k rss_all < <(printf '%s\n' "$rss_out" | sed -n 's/.*rss \([0-9]*\) \([0-9]*\).*/\1 \2/p')
	RSS_NOTE+=("ext memory: one backend's RSS ${rss1k} kB after 1,000 calls, ${rss_all} kB after $RSS_CALLS ($((rss_all - rss1k)) kB more; target: within 1,024 kB)")
	say "${RSS_NOTE[0]}"
fi

# ---------------------------------------------------------------------------------------------
# the pure steps alone

say "micro-benchmark: signing, the request body, parsing the reply (test/bench/micro.c)"
/usr/bin/python3 "$BENCH_DIR/make_reply.py" --raw >"$WORK/reply.xml"
micro_out=$(timeout "$STEP_TIMEOUT" "${PIN[@]}" "$MICRO" "$WORK/reply.xml") || die "micro-benchmark failed"
SIGN_US=$(sed -n 's/^sign_us //p' <<<"$micro_out")
REQUEST_US=$(sed -n 's/^request_us //p' <<<"$micro_out")
PARSE_US=$(sed -n 's/^parse_us //p' <<<"$micro_out")
say "signing $SIGN_US us, the signed request $REQUEST_US us, parsing the reply $PARSE_US us"

# ---------------------------------------------------------------------------------------------
# collect

say "collecting"
ext_hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$EXT_PID/status")
ext_rss=$(awk '/^VmRSS/ {print $2}' "/proc/$EXT_PID/status")
# (round 0 is the profiled one, not part of the table)
sql --stop -c "\\copy (SELECT us FROM bench_ext WHERE round > 0) TO '$RAW/ext-1.lat'"
ext_wall=$(sql --stop -At -c "SELECT sum(wall_s) FROM bench_ext_round WHERE round > 0")

for name in ext-1 pgbench-1 pgbench-2 pgbench-select1 boto3 floor-nosign floor-sign aws-cli; do
	: >"$RES/$name.meta"
	case $name in
		ext-1)
			cp "$RAW/ext-1.lat" "$RES/ext-1.lat"
			calls=$(wc -l <"$RES/ext-1.lat")
			{ echo "wall_s=$ext_wall"; echo "rss_kb=$ext_hwm"; echo "rss_note=VmHWM"; } >>"$RES/$name.meta"
			;;
		pgbench-*)
			cat "$RAW/$name".r*.log.* | awk '{print $3}' >"$RES/$name.lat"
			calls=$(wc -l <"$RES/$name.lat")
			{ echo "wall_s=$(awk -v w="${WALL_NS[$name]}" 'BEGIN { printf "%.6f", w / 1e9 }')"
			  if [ "$name" != pgbench-select1 ]; then
				  echo "rss_kb=$(sql --stop -At -c "SELECT max(vmhwm_kb) FROM bench_hwm WHERE clients = ${name#pgbench-}")"
				  echo "rss_note=max backend VmHWM"
			  fi; } >>"$RES/$name.meta"
			;;
		boto3|floor-*)
			cat "$RAW/$name".r*.ns | awk '{printf "%.3f\n", $1 / 1000}' >"$RES/$name.lat"
			calls=$(wc -l <"$RES/$name.lat")
			{ echo "wall_s=$(awk '{s += $1} END { printf "%.6f", s / 1e6 }' "$RES/$name.lat")"
			  echo "rss_kb=${RSS[$name]:-}"; echo "rss_note=ru_maxrss"; } >>"$RES/$name.meta"
			;;
		aws-cli)
			if [ "$HAVE_CLI" != 1 ]; then
				rm -f "$RES/$name.meta"
				continue
			fi
			cp "$RAW/aws-cli.lat" "$RES/aws-cli.lat"
			calls=$(wc -l <"$RES/$name.lat")
			{ echo "wall_s=$(awk -v w="${WALL_NS[$name]}" 'BEGIN { printf "%.6f", w / 1e9 }')"
			  echo "rss_kb=${RSS[$name]:-}"; echo "rss_note=/usr/bin/time"; } >>"$RES/$name.meta"
			;;
	esac
	touch "$RAW/$name.access"
	{
		echo "calls=$calls"
		echo "failed=${FAILED[$name]:-0}"
		echo "conns=$(awk '{print $1}' "$RAW/$name.access" | sort -u | wc -l)"
		echo "requests=$(wc -l <"$RAW/$name.access")"
		echo "non200=$(awk '$3 != 200' "$RAW/$name.access" | wc -l)"
	} >>"$RES/$name.meta"
	echo "$name" >>"$RES/order"
done

# ---------------------------------------------------------------------------------------------
# 5. report

{
	echo "calls per contestant: $BENCH_N in $BENCH_ROUNDS interleaved rounds of $PER_ROUND (aws CLI: $CLI_DONE runs); nginx $NGINX_WORKERS worker(s), TLS, keep-alive"
	echo "machine: $(nproc) CPUs, $(grep -m1 '^model name' /proc/cpuinfo | sed 's/^model name[[:space:]]*: //'), kernel $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "PostgreSQL: $("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')"
	echo "libcurl: $(pkg-config --modversion libcurl) ($(curl-config --ssl-backends 2>/dev/null || echo OpenSSL))"
	echo "OpenSSL: $(openssl version)"
	echo "libxml2: $(pkg-config --modversion libxml-2.0)"
	echo "nginx: $(nginx -v 2>&1 | sed 's/^nginx version: //')"
	echo "boto3/botocore: $(/usr/bin/python3 -c 'import boto3, botocore, platform; print(boto3.__version__ + "/" + botocore.__version__ + " on Python " + platform.python_version())')"
	if [ "$HAVE_CLI" = 1 ]; then echo "aws CLI: $("$AWS_BIN" --version 2>&1)"; else echo "aws CLI: not installed (row skipped)"; fi
} >"$RES/machine.txt"
{
	echo "ext-1 backend: VmHWM ${ext_hwm} kB, VmRSS ${ext_rss} kB at the end; the first call of each process (and of each pgbench connection) includes the TLS handshake"
	echo "median and p99 over every call; calls/s = calls / summed loop time (pgbench: its tps without connection time; aws CLI: wall time of each process)"
	echo "$LOG_NOTE; no queue workers"
	if [ "$BENCH_PIN" = 1 ]; then
		echo "nginx's worker, ext-1's backend, boto3 and the floors ran on CPU $PIN_CPU (BENCH_PIN=1); the pgbench rounds were not pinned"
	else
		echo "nothing was pinned to a CPU (BENCH_PIN=0)"
	fi
	echo "pure steps alone (test/bench/micro.c, warm caches): signing $SIGN_US us, the Query body and its signature $REQUEST_US us, parsing the reply $PARSE_US us"
	for name in $(cat "$RES/order"); do
		non200=$(sed -n 's/^non200=//p' "$RES/$name.meta")
		[ "$non200" = 0 ] || echo "WARNING: $name: $non200 replies from nginx were not 200"
		failed=$(sed -n 's/^failed=//p' "$RES/$name.meta")
		[ "$failed" = 0 ] || echo "WARNING: $name: $failed calls failed"
	done
	printf '%s\n' "${PROFILE_NOTES[@]}" "${RSS_NOTE[@]}"
	echo "run time: $(( ($(date +%s%N) - START_NS) / 1000000000 ))s"
} >"$RES/notes.txt"

echo
/usr/bin/python3 "$BENCH_DIR/report.py" "$RES" "$BENCH_OUT"
echo
echo "markdown written to $BENCH_OUT:"
echo
cat "$BENCH_OUT"
