#!/usr/bin/env bash
# test/integration/roles.sh: many roles in one database (issue "Safe with
# many roles"), on real backends and real background workers:
#   - row ownership: two team roles and an admin, first with the README's
#     grants (EXECUTE, SELECT), then with full table DML granted: another
#     role's rows cannot be read, updated, deleted, cancelled, retried or
#     forged; a role cannot fabricate a 'copying' row; the admin sees all
#   - the database owner's search_path attack on a real queue worker: the
#     owner's clock_timestamp(), now(), make_interval() and = operator
#     never run as the superuser, the owner is still not a superuser, and
#     the copy still goes out
#   - a role's own settings (ALTER ROLE ... SET request_timeout, max_attempts)
#     and the database's do not change how process_queue sends copies
#   - a re-queued row whose earlier send started the copy is reconciled,
#     never failed on DBClusterSnapshotAlreadyExistsFault; retry_copy
#   - recent_requests shows a role its own calls only, an admin all
#   - ALTER EXTENSION rds_copy UPDATE from 1.0 with queued rows and granted
#     roles, and the same catalog as a fresh 1.1 (objects, policies,
#     comments, the snapshot type's columns, indexes); the new snapshot
#     column in rows, views, stored values and typed tables
#
#   bash test/integration/roles.sh   (as root; RDS_COPY_SKIP_APT=1,
#                                     RDS_COPY_SKIP_BUILD=1 skip those steps)
#
# Starts its own stand-in, fakes and throwaway cluster (test/lib/suite.sh);
# the queue workers serve database postgres, the role tests use database
# teamdb, which no worker serves (process_queue does the work there).
# Ends with "N passed, M failed"; exits 1 if anything failed.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/suite.sh"

# psql in database $1 as role $2, errors captured into the output
as_role() {
	local db=$1 role=$2
	shift 2
	sql --capture -At -d "$db" -U "$role" "$@"
}

# psql in database $1 as the superuser, stopping at the first error
as_super() {
	local db=$1
	shift
	sql --stop -At -d "$db" "$@"
}

# CopyDBClusterSnapshot requests the stand-in received for target $1
copies_sent_for() {
	local n
	n=$(standin_get stats "by_action_snapshot.CopyDBClusterSnapshot.$1" || echo unreachable)
	echo "${n:-0}"
}

# The README's grants for a team role (USAGE, EXECUTE, SELECT) on database $1.
readme_grants() {
	local db=$1 role=$2
	as_super "$db" >/dev/null <<SQL
GRANT USAGE ON SCHEMA rds_copy TO $role;
GRANT EXECUTE ON FUNCTION rds_copy.enqueue_copy(text, text, text, boolean, jsonb, text),
                          rds_copy.cancel_copy(bigint), rds_copy.retry_copy(bigint),
                          rds_copy.process_queue(integer),
                          rds_copy.recent_request_records() TO $role;
GRANT SELECT ON rds_copy.copy_request, rds_copy.recent_requests TO $role;
SQL
}

setup_roles() {
	as_super postgres >/dev/null <<'SQL'
CREATE ROLE team_a LOGIN;
CREATE ROLE team_b LOGIN;
CREATE ROLE dba LOGIN;
CREATE DATABASE teamdb;
SQL
	as_super teamdb -c 'CREATE EXTENSION rds_copy' >/dev/null
	as_super teamdb -c 'GRANT rds_copy_admin TO dba' >/dev/null
	local r
	for r in team_a team_b dba; do readme_grants teamdb "$r"; done
}

# A row of team_a's, as a fixture written by the superuser: state $1,
# target $2, not due for an hour (so process_queue leaves it alone);
# prints its id.
fixture_row() {
	as_super teamdb -c "INSERT INTO rds_copy.copy_request
	    (source, target, region, state, requested_by, next_check_at, sent_at, snapshot_arn)
	  VALUES ('my-cluster-snapshot1', '$2', 'us-east-1', '$1', 'team_a', now() + interval '1 hour',
	          CASE WHEN '$1' <> 'queued' THEN now() END,
	          CASE WHEN '$1' = 'copying' THEN 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:$2' END)
	  RETURNING id"
}

# The checks of another role's rows, with whatever table grants team_b has now ($1 names them).
other_roles_rows() {
	local grants=$1 queued copying out
	queued=$(fixture_row queued "roles-a-queued-$grants")
	# a real copy at the stand-in, which a cancel would delete
	as_super postgres -c "SELECT (rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'roles-a-copying-$grants')).status" >/dev/null
	copying=$(fixture_row copying "roles-a-copying-$grants")

	expect_equal "$grants: team_a sees its own rows" 2 \
		"$(as_role teamdb team_a -c "SELECT count(*) FROM rds_copy.copy_request WHERE target LIKE 'roles-a-%-$grants'")"
	expect_equal "$grants: team_b sees none of team_a's rows" 0 \
		"$(as_role teamdb team_b -c "SELECT count(*) FROM rds_copy.copy_request WHERE requested_by = 'team_a'")"
	expect_equal "$grants: the admin's member sees them" 2 \
		"$(as_role teamdb dba -c "SELECT count(*) FROM rds_copy.copy_request WHERE target LIKE 'roles-a-%-$grants'")"

	# (with the README's grants the statements are refused; with table DML
	# they find no row: count 0)
	out=$(as_role teamdb team_b -c "WITH u AS (UPDATE rds_copy.copy_request SET kms_key = 'alias/mine', target = 'stolen'
	        WHERE id = $queued RETURNING 1) SELECT count(*) FROM u")
	expect_match "$grants: team_b's UPDATE of team_a's queued row changes nothing" \
		'^0$|permission denied' "$out"
	out=$(as_role teamdb team_b -c "WITH d AS (DELETE FROM rds_copy.copy_request WHERE id IN ($queued, $copying)
	        RETURNING 1) SELECT count(*) FROM d")
	expect_match "$grants: team_b's DELETE of team_a's rows deletes nothing" '^0$|permission denied' "$out"
	expect_equal "$grants: team_a's queued row is as it was" "roles-a-queued-$grants|-|queued" \
		"$(as_super teamdb -c "SELECT concat_ws('|', target, coalesce(kms_key, '-'), state) FROM rds_copy.copy_request WHERE id = $queued")"

	out=$(as_role teamdb team_b -v VERBOSITY=verbose -c "SELECT state FROM rds_copy.cancel_copy($copying)")
	expect_match "$grants: team_b cannot cancel team_a's copying row (42704)" '42704.*does not exist' "$out"
	expect_match "$grants: ... and its target still exists at the stand-in" '^(copying|available)$' \
		"$(standin_get 'snapshots?region=us-east-1' "us-east-1.roles-a-copying-$grants.status" || true)"
	out=$(as_role teamdb team_b -v VERBOSITY=verbose -c "SELECT state FROM rds_copy.cancel_copy($queued)")
	expect_match "$grants: team_b cannot cancel team_a's queued row" '42704' "$out"
	expect_equal "$grants: ... which is still queued" queued \
		"$(as_super teamdb -c "SELECT state FROM rds_copy.copy_request WHERE id = $queued")"

	out=$(as_role teamdb team_b -v VERBOSITY=verbose -c "INSERT INTO rds_copy.copy_request (source, target, region, requested_by)
	        VALUES ('my-cluster-snapshot1', 'forged-$grants', 'us-east-1', 'team_a')")
	expect_match "$grants: team_b cannot insert a row in team_a's name (42501)" '42501' "$out"
	expect_equal "$grants: no forged row" 0 \
		"$(as_super teamdb -c "SELECT count(*) FROM rds_copy.copy_request WHERE target = 'forged-$grants'")"

	# enqueue_copy records the caller, whatever requested_by's default says
	local mine
	mine=$(as_role teamdb team_b -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'roles-b-$grants')")
	expect_equal "$grants: enqueue_copy records team_b as the requester" team_b \
		"$(as_super teamdb -c "SELECT requested_by FROM rds_copy.copy_request WHERE id = ${mine:-0}")"
	expect_equal "$grants: team_a does not see team_b's row" 0 \
		"$(as_role teamdb team_a -c "SELECT count(*) FROM rds_copy.copy_request WHERE target = 'roles-b-$grants'")"
	out=$(as_role teamdb team_b -c "SELECT state FROM rds_copy.cancel_copy(${mine:-0})")
	expect_equal "$grants: team_b cancels its own queued row" cancelled "$out"
	out=$(as_role teamdb dba -c "SELECT state FROM rds_copy.retry_copy(${mine:-0})")
	expect_equal "$grants: the admin's member retries team_b's row" queued "$out"
	as_super teamdb -c "DELETE FROM rds_copy.copy_request WHERE id IN (${mine:-0}, $queued, $copying)" >/dev/null
}

test_rows_with_readme_grants() {
	other_roles_rows readme
}

test_rows_with_table_dml() {
	as_super teamdb -c 'GRANT INSERT, UPDATE, DELETE ON rds_copy.copy_request TO team_a, team_b' >/dev/null
	other_roles_rows dml
	local out
	# row-level security also holds a role to the queue's rules on its own rows
	out=$(as_role teamdb team_b -v VERBOSITY=verbose -c "INSERT INTO rds_copy.copy_request (source, target, region, state)
	        VALUES ('my-cluster-snapshot1', 'fabricated', 'us-east-1', 'copying')")
	expect_match "dml: team_b cannot fabricate a copying row (whose cancel would delete a target)" '42501' "$out"
	out=$(as_role teamdb team_b -c "INSERT INTO rds_copy.copy_request (source, target, region)
	        VALUES ('my-cluster-snapshot1', 'roles-b-direct', 'us-east-1') RETURNING requested_by")
	expect_match "dml: team_b may insert a queued row in its own name" '^team_b$' "$out"
	as_super teamdb -c "DELETE FROM rds_copy.copy_request WHERE target = 'roles-b-direct'" >/dev/null
	as_super teamdb -c 'REVOKE INSERT, UPDATE, DELETE ON rds_copy.copy_request FROM team_a, team_b' >/dev/null
}

# process_queue of a role works its rows only; an admin's works all.
test_process_queue_rows() {
	local a b worked
	a=$(as_role teamdb team_a -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'roles-pq-a')")
	b=$(as_role teamdb team_b -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'roles-pq-b')")
	worked=$(as_role teamdb team_b -c "SELECT rds_copy.process_queue(10)")
	expect_equal "team_b's process_queue worked its one row" 1 "$worked"
	expect_equal "team_a's row was left queued" queued \
		"$(as_super teamdb -c "SELECT state FROM rds_copy.copy_request WHERE id = ${a:-0}")"
	expect_equal "team_a's copy was not sent" 0 "$(copies_sent_for roles-pq-a)"
	expect_match "team_b's row was sent" '^(copying|available)$' \
		"$(as_super teamdb -c "SELECT state FROM rds_copy.copy_request WHERE id = ${b:-0}")"
	worked=$(as_role teamdb dba -c "SELECT rds_copy.process_queue(10)")
	expect_match "the admin's process_queue works team_a's row too" '^[1-9]' "$worked"
	expect_match "team_a's row was sent by it" '^(copying|available)$' \
		"$(as_super teamdb -c "SELECT state FROM rds_copy.copy_request WHERE id = ${a:-0}")"
}

# ALTER ROLE / ALTER DATABASE settings do not reach process_queue's helpers.
test_settings_do_not_reach_helpers() {
	local id
	as_super teamdb >/dev/null <<'SQL'
ALTER ROLE team_a SET rds_copy.request_timeout = 100;
ALTER ROLE team_a SET rds_copy.max_attempts = 1;
ALTER DATABASE teamdb SET rds_copy.connect_timeout = 100;
SQL
	# positive control: in team_a's own session the settings do apply
	expect_equal "team_a's sessions have its request_timeout" 100ms \
		"$(as_role teamdb team_a -c "SHOW rds_copy.request_timeout")"
	# the stand-in answers this copy after 1 s: with team_a's 100 ms it would
	# time out, be re-queued, and its next send would meet its own copy
	id=$(as_role teamdb team_a -c "SELECT rds_copy.enqueue_copy('delayed-1', 'roles-settings')")
	as_role teamdb team_a -c "SELECT rds_copy.process_queue(1)" >/dev/null
	expect_match "team_a's copy went out with the server's timeouts" '^(copying|available)\|1$' \
		"$(as_super teamdb -c "SELECT state || '|' || attempts FROM rds_copy.copy_request WHERE id = ${id:-0}")"
	expect_equal "... sent once" 1 "$(copies_sent_for roles-settings)"
	expect_match "the helper logged that it ignored them" \
		'rds_copy queue helper ignores the database or role setting of "rds_copy\.(request_timeout|connect_timeout|max_attempts)"' \
		"$(cat "$WORK/postgres.log")"
	as_super teamdb >/dev/null <<'SQL'
ALTER ROLE team_a RESET ALL;
ALTER DATABASE teamdb RESET ALL;
SQL
}

# A re-queued row whose lost send had started the copy is adopted, not failed.
test_requeued_row_reconciled() {
	local id
	as_super postgres -c "ALTER SYSTEM SET rds_copy.max_attempts = 1" -c "SELECT pg_reload_conf()" >/dev/null
	sleep 0.5
	id=$(as_role teamdb team_a -c "SELECT rds_copy.enqueue_copy('created-then-reset', 'roles-requeued')")
	as_role teamdb team_a -c "SELECT rds_copy.process_queue(1)" >/dev/null
	expect_equal "the first send got no reply and the row went back to queued" "queued|08006|1" \
		"$(as_super teamdb -c "SELECT concat_ws('|', state, error_sqlstate, attempts) FROM rds_copy.copy_request WHERE id = ${id:-0}")"
	as_super teamdb -c "UPDATE rds_copy.copy_request SET next_check_at = NULL WHERE id = ${id:-0}" >/dev/null
	as_role teamdb team_a -c "SELECT rds_copy.process_queue(1)" >/dev/null
	expect_match "the second send met the copy the first had started and adopted it" '^(copying|available)\|2$' \
		"$(as_super teamdb -c "SELECT concat_ws('|', state, attempts, error_code) FROM rds_copy.copy_request WHERE id = ${id:-0}")"
	expect_equal "... two sends of the row, the copy made once (the first)" 2 "$(copies_sent_for roles-requeued)"
	as_super postgres -c "ALTER SYSTEM RESET rds_copy.max_attempts" -c "SELECT pg_reload_conf()" >/dev/null
}

# retry_copy: a failed row goes back to the queue; its own earlier copy is adopted.
test_retry_copy() {
	local id out
	id=$(as_role teamdb team_a -c "SELECT rds_copy.enqueue_copy('fault-InvalidDBClusterSnapshotStateFault', 'roles-retry')")
	as_role teamdb team_a -c "SELECT rds_copy.process_queue(1)" >/dev/null
	expect_equal "the row failed" failed "$(as_super teamdb -c "SELECT state FROM rds_copy.copy_request WHERE id = ${id:-0}")"
	out=$(as_role teamdb team_b -v VERBOSITY=verbose -c "SELECT state FROM rds_copy.retry_copy(${id:-0})")
	expect_match "team_b cannot retry team_a's row" '42704' "$out"
	out=$(as_role teamdb team_a -c "SELECT state || '|' || attempts FROM rds_copy.retry_copy(${id:-0})")
	expect_equal "team_a retries it: queued with a fresh budget" "queued|0" "$out"
	out=$(as_role teamdb team_a -v VERBOSITY=verbose -c "SELECT state FROM rds_copy.retry_copy(${id:-0})")
	expect_match "a queued row cannot be retried (55000)" '55000.*has not failed' "$out"
	# the row now names a real source (its own earlier copy exists at AWS:
	# made directly here), so the send meets AlreadyExists and adopts it
	as_super teamdb -c "UPDATE rds_copy.copy_request SET source = 'my-cluster-snapshot1' WHERE id = ${id:-0}" >/dev/null
	as_super postgres -c "SELECT (rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'roles-retry')).status" >/dev/null
	as_role teamdb team_a -c "SELECT rds_copy.process_queue(1)" >/dev/null
	expect_match "the retried send adopted the existing copy of the same source" '^(copying|available)$' \
		"$(as_super teamdb -c "SELECT state FROM rds_copy.copy_request WHERE id = ${id:-0}")"
	out=$(as_role teamdb team_a -v VERBOSITY=verbose -c "SELECT state FROM rds_copy.retry_copy(NULL)")
	expect_match "retry_copy(NULL) is refused (22004)" '22004' "$out"
}

# recent_requests: a role sees its own calls; an admin sees all.
test_recent_requests_visibility() {
	local mine others all
	as_role teamdb team_a -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'roles-audit-a')" >/dev/null
	as_role teamdb team_a -c "SELECT rds_copy.process_queue(1)" >/dev/null
	mine=$(as_role teamdb team_a -c "SELECT count(*) FROM rds_copy.recent_requests WHERE target = 'roles-audit-a'")
	expect_match "team_a sees the queue's call for its row (recorded in its name)" '^[1-9]' "$mine"
	others=$(as_role teamdb team_a -c "SELECT count(*) FROM rds_copy.recent_requests WHERE username <> 'team_a'")
	expect_equal "team_a sees no other role's calls" 0 "$others"
	expect_equal "team_b does not see team_a's calls" 0 \
		"$(as_role teamdb team_b -c "SELECT count(*) FROM rds_copy.recent_requests WHERE target = 'roles-audit-a'")"
	all=$(as_role teamdb dba -c "SELECT count(DISTINCT username) FROM rds_copy.recent_requests")
	expect_match "the admin's member sees several roles' calls" '^([2-9]|[1-9][0-9])$' "$all"
}

# The database owner's search_path attack on the queue worker.
test_database_owner_cannot_become_superuser() {
	as_super postgres >/dev/null <<'SQL'
CREATE ROLE app_owner LOGIN;
CREATE DATABASE appdb OWNER app_owner;
SQL
	as_super appdb -c 'CREATE EXTENSION rds_copy' >/dev/null
	# the owner's trap: functions and an operator that shadow pg_catalog's,
	# each noting who ran it and, when that is a superuser, making the
	# owner one
	sql --stop -q -d appdb -U app_owner >/dev/null <<'SQL'
CREATE SCHEMA trap;
CREATE TABLE trap.calls (who name, what text);
GRANT INSERT ON trap.calls TO PUBLIC;
CREATE FUNCTION trap.spring(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO trap.calls VALUES (current_user, what);
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE 'ALTER ROLE app_owner SUPERUSER';
    END IF;
END $$;
CREATE FUNCTION trap.clock_timestamp() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN PERFORM trap.spring('clock_timestamp'); RETURN pg_catalog.clock_timestamp(); END $$;
CREATE FUNCTION trap.now() RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN PERFORM trap.spring('now'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION trap.make_interval(mins integer) RETURNS interval LANGUAGE plpgsql AS $$
BEGIN PERFORM trap.spring('make_interval'); RETURN pg_catalog.make_interval(mins => mins); END $$;
CREATE FUNCTION trap.texteq(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN PERFORM trap.spring('='); RETURN pg_catalog.texteq(a, b); END $$;
CREATE OPERATOR trap.= (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.texteq);
ALTER DATABASE appdb SET search_path = trap, pg_catalog, public;
ALTER DATABASE appdb SET rds_copy.request_timeout = 100;
SQL
	# positive control: a session of appdb does resolve them to the trap
	sql --capture -At -d appdb -U app_owner -c "SELECT clock_timestamp() IS NOT NULL, 'a' = 'a'" >/dev/null
	expect_match "control: the owner's own session runs its trap functions" '^[1-9]' \
		"$(as_super appdb -c "SELECT count(*) FROM trap.calls WHERE who = 'app_owner'")"

	# from here on the test's own superuser sessions in appdb must not
	# spring the trap either: they pin their search_path
	export PGOPTIONS="-c search_path=pg_catalog,pg_temp"
	as_super appdb -c "DELETE FROM trap.calls" >/dev/null
	# the workers now serve appdb
	RDS_COPY_EXTRA_CONF="rds_copy.database_name = 'appdb'" restart_cluster
	# answered after 1 s: the database's 100 ms request_timeout would fail it
	as_super appdb -c "SELECT rds_copy.enqueue_copy('delayed-1', 'roles-appdb')" >/dev/null
	if sql_wait_until "SELECT state = 'available' FROM rds_copy.copy_request WHERE target = 'roles-appdb'" 30 -d appdb; then
		pass "the worker sent the copy in appdb and followed it to available"
	else
		fail "the copy in appdb did not reach available: $(as_super appdb -c "SELECT concat_ws('|', state, error_sqlstate, error_message) FROM rds_copy.copy_request WHERE target = 'roles-appdb'")"
	fi
	expect_equal "the copy went out once" 1 "$(copies_sent_for roles-appdb)"
	expect_equal "no trap ran as a superuser" 0 \
		"$(as_super appdb -c "SELECT count(*) FROM trap.calls c JOIN pg_catalog.pg_roles r ON r.rolname = c.who WHERE r.rolsuper")"
	expect_equal "the database owner is still not a superuser" f \
		"$(as_super postgres -c "SELECT rolsuper FROM pg_roles WHERE rolname = 'app_owner'")"
	expect_match "the worker logged that it ignored the database's rds_copy setting" \
		'rds_copy queue worker ignores the database or role setting of "rds_copy\.request_timeout"' \
		"$(cat "$WORK/postgres.log")"
	# The value put back holds against a reload, so the worker starts again
	# on a reload and reads the server's new value: 500 ms is too short for
	# the stand-in's 1 s answer, so the copy's first send times out (the
	# second meets the copy it started and adopts it).  A worker that kept
	# its old value sends once.
	as_super postgres -c "ALTER SYSTEM SET rds_copy.request_timeout = 500" -c "SELECT pg_reload_conf()" >/dev/null
	sql_wait_until "SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'rds_copy queue worker'" 10 || true
	as_super appdb -c "SELECT rds_copy.enqueue_copy('delayed-1', 'roles-appdb-reload')" >/dev/null
	if sql_wait_until "SELECT state = 'available' FROM rds_copy.copy_request WHERE target = 'roles-appdb-reload'" 60 -d appdb; then
		pass "after the reload the copy in appdb still reached available"
	else
		fail "after the reload the copy did not reach available: $(as_super appdb -c "SELECT concat_ws('|', state, error_sqlstate, error_message) FROM rds_copy.copy_request WHERE target = 'roles-appdb-reload'")"
	fi
	expect_match "the restarted worker used the reloaded 500 ms request_timeout (the copy was sent again)" \
		'^([2-9]|[1-9][0-9]+)$' "$(copies_sent_for roles-appdb-reload)"
	expect_match "the worker logged why it restarted" \
		'rds_copy queue worker restarts to use the reloaded configuration' "$(cat "$WORK/postgres.log")"
	as_super postgres -c "ALTER SYSTEM RESET rds_copy.request_timeout" >/dev/null
	restart_cluster
}

# ALTER EXTENSION UPDATE from 1.0 with queued rows and granted roles.
test_update_from_1_0() {
	local out q
	as_super postgres -c 'CREATE DATABASE olddb' >/dev/null
	as_super olddb >/dev/null <<'SQL'
CREATE EXTENSION rds_copy VERSION '1.0';
CREATE ROLE old_team LOGIN;
GRANT USAGE ON SCHEMA rds_copy TO old_team;
GRANT EXECUTE ON FUNCTION rds_copy.enqueue_copy(text, text, text, boolean, jsonb, text),
                          rds_copy.cancel_copy(bigint) TO old_team;
GRANT SELECT, INSERT, UPDATE, DELETE ON rds_copy.copy_request TO old_team;
-- what users build on 1.0's snapshot type: a view over a function that
-- returns it, a stored value of it, a table made OF it
CREATE VIEW public.old_snapshots AS SELECT * FROM rds_copy.db_cluster_snapshots();
CREATE TABLE public.old_kept (snap rds_copy.db_cluster_snapshot);
CREATE TABLE public.old_typed OF rds_copy.db_cluster_snapshot;
SQL
	# the 1.1 library with 1.0's type (before the update): the rows have 1.0's columns
	out=$(as_super olddb -c "SELECT db_cluster_snapshot_identifier FROM rds_copy.describe_db_cluster_snapshot('encrypted-snapshot')")
	expect_equal "before the update, the 1.1 library returns 1.0's row" encrypted-snapshot "$out"
	as_super olddb -c "INSERT INTO public.old_kept SELECT rds_copy.describe_db_cluster_snapshot('encrypted-snapshot');
	                   INSERT INTO public.old_typed SELECT * FROM rds_copy.describe_db_cluster_snapshot('encrypted-snapshot')" >/dev/null
	q=$(as_role olddb old_team -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'roles-old-1')")
	as_role olddb team_a -c "SELECT 1" >/dev/null
	as_super olddb -c "INSERT INTO rds_copy.copy_request (source, target, region, requested_by)
	    VALUES ('my-cluster-snapshot1', 'roles-old-2', 'us-east-1', 'team_a')" >/dev/null
	out=$(sql --capture -At -d olddb -c 'ALTER EXTENSION rds_copy UPDATE' -c "SELECT extversion FROM pg_extension WHERE extname = 'rds_copy'")
	expect_equal "ALTER EXTENSION rds_copy UPDATE goes to 1.1" 1.1 "$out"
	expect_equal "old_team's queued row survived, still its own and queued" "old_team|queued" \
		"$(as_super olddb -c "SELECT requested_by || '|' || state FROM rds_copy.copy_request WHERE id = ${q:-0}")"
	expect_equal "old_team still sees its row and only its row" "roles-old-1" \
		"$(as_role olddb old_team -c "SELECT string_agg(target, ',') FROM rds_copy.copy_request")"
	# the new member: a column after request_id, in rows, stored values and typed tables
	out=$(as_super olddb -c "SELECT storage_encryption_type FROM rds_copy.describe_db_cluster_snapshot('encrypted-snapshot')")
	expect_equal "after the update, describe returns storage_encryption_type" sse-kms "$out"
	out=$(as_super olddb -c "SELECT storage_encryption_type FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'roles-old-copy')")
	expect_equal "after the update, a copy returns storage_encryption_type" none "$out"
	out=$(as_super olddb -c "SELECT count(*) FILTER (WHERE db_cluster_snapshot_identifier = 'encrypted-snapshot') FROM public.old_snapshots")
	expect_equal "a view made on 1.0 over db_cluster_snapshots() still works" 1 "$out"
	out=$(as_super olddb -c "SELECT (snap).db_cluster_snapshot_identifier || '|' || ((snap).storage_encryption_type IS NULL) FROM public.old_kept")
	expect_equal "a value stored with 1.0's type reads the new column as NULL" "encrypted-snapshot|true" "$out"
	out=$(as_super olddb -c "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'public.old_typed'::regclass AND attnum > 28")
	expect_equal "a table OF the type gained the column (CASCADE)" "request_id,storage_encryption_type" "$out"
	# one unfinished request per target, in any case (the index of 1.1)
	out=$(as_role olddb old_team -v VERBOSITY=verbose -c "SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'ROLES-OLD-1')")
	expect_match "after the update, a target in another case is the same target (23505)" '23505' "$out"
	out=$(as_role olddb old_team -c "SELECT state FROM rds_copy.cancel_copy(${q:-0})")
	expect_equal "old_team's grant on cancel_copy still works (now the C function)" cancelled "$out"
	out=$(as_role olddb old_team -v VERBOSITY=verbose -c "SELECT rds_copy.retry_copy(${q:-0})")
	expect_match "retry_copy is not granted to PUBLIC after the update" '42501' "$out"
	# the updated catalog is the fresh 1.1's
	as_super postgres -c 'CREATE DATABASE freshdb' >/dev/null
	as_super freshdb -c 'CREATE EXTENSION rds_copy' >/dev/null
	local catalog="SELECT pg_describe_object(classid, objid, 0) || ' ' || coalesce(
	    (SELECT pg_get_functiondef(objid) FROM pg_proc WHERE classid = 'pg_proc'::regclass AND oid = objid), '')
	  FROM pg_depend WHERE refclassid = 'pg_extension'::regclass
	   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'rds_copy') ORDER BY 1"
	local policies="SELECT policyname, cmd, qual, with_check FROM pg_policies ORDER BY 1"
	local comments="SELECT obj_description(oid, 'pg_proc') FROM pg_proc WHERE pronamespace = 'rds_copy'::regnamespace ORDER BY proname"
	local rls="SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'rds_copy.copy_request'::regclass"
	local type="SELECT attnum, attname, atttypid::regtype, attisdropped FROM pg_attribute
	  WHERE attrelid = 'rds_copy.db_cluster_snapshot'::regclass AND attnum > 0 ORDER BY attnum"
	local indexes="SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'rds_copy' ORDER BY 1"
	local x
	for x in catalog policies comments rls type indexes; do
		expect_equal "updated and fresh 1.1 have the same $x" \
			"$(as_super freshdb -c "${!x}" | md5sum)" "$(as_super olddb -c "${!x}" | md5sum)"
	done
	expect_equal "the fresh catalog is not empty" t \
		"$(as_super freshdb -c "SELECT count(*) > 20 FROM ($catalog) c")"
}

body() {
	run_test setup_roles
	run_test test_rows_with_readme_grants
	run_test test_rows_with_table_dml
	run_test test_process_queue_rows
	run_test test_settings_do_not_reach_helpers
	run_test test_requeued_row_reconciled
	run_test test_retry_copy
	run_test test_recent_requests_visibility
	run_test test_update_from_1_0
	run_test test_database_owner_cannot_become_superuser
}

suite_run "roles: many roles in one database" body
