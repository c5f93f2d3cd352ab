# test/lib/psql.sh: the one way the shell tests run SQL, and the helpers
# built on it.  Sourced by test/lib/harness.sh (needs PGBIN; PGHOST, PGPORT
# and PGUSER come from start_cluster).
#
#   sql [--verbose] [--stop] [--capture] [PSQL ARGUMENTS...]
#       psql -X -q -d postgres with:
#         --verbose  VERBOSITY=verbose: SQLSTATEs in error lines
#         --stop     ON_ERROR_STOP=1: the first error ends psql, status 3
#         --capture  error messages into the output and status 0 always,
#                    for comparing the output: an error is printed, makes
#                    the comparison fail, but never ends the suite
#       e.g. out=$(sql --verbose --capture -At -c "$(copy_sql a b)")
#            sql --stop -c "ALTER SYSTEM ..." >/dev/null
#
#   copy_sql SOURCE TARGET          the SQL of a copy that prints the target
#   start_background_call SQL NAME  run SQL in the background as application_name
#                                   NAME (output in $WORK/NAME.out; sets BG_PID);
#                                   returns once the statement is active
#   cancel_backend NAME [terminate] pg_cancel_backend (or _terminate_) the session
#                                   NAME; prints the server's clock (ms) at the cancel
#   background_ended_ms NAME        the server's clock (ms) when the background
#                                   statement ended (printed by the same session)
#   server_ms                       the server's clock now, ms since the epoch
#   sql_wait_until SQL SECONDS [PSQL ARGUMENTS...]
#                                   polls SQL every 0.2 s until it prints t (true),
#                                   for SECONDS at most (false then)
# shellcheck shell=bash

sql() {
	local opts=(-X -q -d postgres) capture=0
	while [ $# -gt 0 ]; do
		case $1 in
			--verbose) opts+=(-v VERBOSITY=verbose) ;;
			--stop) opts+=(-v ON_ERROR_STOP=1) ;;
			--capture) capture=1 ;;
			*) break ;;
		esac
		shift
	done
	if [ "$capture" = 1 ]; then
		"$PGBIN/psql" "${opts[@]}" "$@" 2>&1 || true
	else
		"$PGBIN/psql" "${opts[@]}" "$@"
	fi
}

copy_sql() {
	echo "SELECT db_cluster_snapshot_identifier FROM rds_copy.rds_copy_db_cluster_snapshot('$1', '$2')"
}

# milliseconds since the epoch on the server's clock, as SQL
SERVER_MS_SQL="(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

sql_wait_until() {
	local query=$1 seconds=$2 i
	shift 2
	for i in $(seq $((seconds * 5))); do
		[ "$(sql --capture -At "$@" -c "$query" 2>/dev/null)" = t ] && return 0
		sleep 0.2
	done
	return 1
}

server_ms() {
	sql --stop -At -c "SELECT $SERVER_MS_SQL"
}

start_background_call() {
	PGAPPNAME=$2 sql --verbose -c "$1" -c "SELECT 'ended_ms ' || $SERVER_MS_SQL" >"$WORK/$2.out" 2>&1 &
	BG_PID=$!
	for _ in $(seq 100); do
		if [ "$(sql -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$2' AND state = 'active'")" = 1 ]; then
			sleep 0.5
			return 0
		fi
		sleep 0.1
	done
	echo "start_background_call: $2 never became active" >&2
	return 1
}

cancel_backend() {
	# (the clock is read before the cancel, and pg_cancel_backend is in the
	# select list: in WHERE the planner may call it for every row, this
	# session's own included)
	sql --stop -At -c "SELECT CASE WHEN pg_${2:-cancel}_backend(pid) THEN t END
	                     FROM (SELECT pid, $SERVER_MS_SQL AS t FROM pg_stat_activity
	                            WHERE application_name = '$1') s"
}

background_ended_ms() {
	sed -n 's/^ ended_ms \([0-9]*\)$/\1/p; s/^ended_ms \([0-9]*\)$/\1/p' "$WORK/$1.out" | tail -n 1
}

# ms_between START END: END - START when both are integers, else nothing
# (so that a missing measurement fails expect_le instead of passing)
ms_between() {
	case "$1:$2" in
		:* | *: | *[!0-9:]*) ;;
		*) echo $(($2 - $1)) ;;
	esac
}
