/* rds_copy--1.0--1.1.sql: update of rds_copy from 1.0 to 1.1 */

\echo Use "ALTER EXTENSION rds_copy UPDATE TO '1.1'" to load this file. \quit

-- Safe with many roles (DESIGN.md, "Trust model").
--
-- The role whose members see and act on every role's copy requests.  It
-- is created when absent (roles belong to the cluster, so it outlives
-- DROP EXTENSION, and one role serves every database), with no
-- privileges: what its members may call is granted as for any role.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                    WHERE rolname OPERATOR(pg_catalog.=) 'rds_copy_admin') THEN
        CREATE ROLE rds_copy_admin NOLOGIN;
    END IF;
END
$$;

-- Row ownership: a role sees only its own copy requests; members of
-- rds_copy_admin (and superusers) see all.  FORCE applies it to the
-- table's owner too.  The extension's functions do their work as the
-- table's owner after checking the caller's ownership; these policies
-- matter to roles granted table privileges directly, which may insert
-- rows in their own name only, and change or delete their own rows only
-- while those have not been sent.
ALTER TABLE @extschema@.copy_request ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.copy_request FORCE ROW LEVEL SECURITY;

CREATE POLICY copy_request_admin ON @extschema@.copy_request
    USING (pg_catalog.pg_has_role(CURRENT_USER, 'rds_copy_admin', 'USAGE'))
    WITH CHECK (pg_catalog.pg_has_role(CURRENT_USER, 'rds_copy_admin', 'USAGE'));
CREATE POLICY copy_request_own_select ON @extschema@.copy_request FOR SELECT
    USING (requested_by OPERATOR(pg_catalog.=) CURRENT_USER);
CREATE POLICY copy_request_own_insert ON @extschema@.copy_request FOR INSERT
    WITH CHECK (requested_by OPERATOR(pg_catalog.=) CURRENT_USER
                AND state OPERATOR(pg_catalog.=) 'queued'
                AND sent_at IS NULL AND snapshot_arn IS NULL);
CREATE POLICY copy_request_own_update ON @extschema@.copy_request FOR UPDATE
    USING (requested_by OPERATOR(pg_catalog.=) CURRENT_USER
           AND state OPERATOR(pg_catalog.=) 'queued')
    WITH CHECK (requested_by OPERATOR(pg_catalog.=) CURRENT_USER
                AND state OPERATOR(pg_catalog.=) 'queued'
                AND snapshot_arn IS NULL);
CREATE POLICY copy_request_own_delete ON @extschema@.copy_request FOR DELETE
    USING (requested_by OPERATOR(pg_catalog.=) CURRENT_USER
           AND state OPERATOR(pg_catalog.<>) ALL (ARRAY['sending', 'copying']));

COMMENT ON TABLE @extschema@.copy_request IS
'Copies enqueued with rds_copy.enqueue_copy, sent after commit by the background worker or rds_copy.process_queue; a role sees its own rows, rds_copy_admin all';

-- cancel_copy and the new retry_copy are C: they check that the caller
-- owns the row (or is an admin) and then act as the table's owner, so a
-- role needs no privilege on the table to cancel or retry its copies, and
-- none at all on another role's.
CREATE OR REPLACE FUNCTION @extschema@.cancel_copy(id bigint)
RETURNS @extschema@.copy_request
AS 'MODULE_PATHNAME', 'rds_copy_cancel_copy'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.cancel_copy(bigint) IS
'Cancel one of your queued copy requests, or delete the target of one that is copying';

CREATE FUNCTION @extschema@.retry_copy(id bigint)
RETURNS @extschema@.copy_request
AS 'MODULE_PATHNAME', 'rds_copy_retry_copy'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.retry_copy(bigint) IS
'Put one of your failed or cancelled copy requests back in the queue; its send first checks whether an earlier send started the copy';

REVOKE ALL ON FUNCTION @extschema@.retry_copy(bigint) FROM PUBLIC;

COMMENT ON FUNCTION @extschema@.enqueue_copy(text, text, text, boolean, jsonb, text) IS
'Check a copy as rds_copy_db_cluster_snapshot does and queue it in your name; nothing is sent before the transaction commits';

COMMENT ON FUNCTION @extschema@.process_queue(integer) IS
'Do the background worker''s work on your copy requests now (every role''s for rds_copy_admin): send committed requests, follow copies; returns the requests worked';

COMMENT ON FUNCTION @extschema@.recent_request_records() IS
'The most recent AWS calls, oldest first, from the shared-memory ring: your own (every role''s for rds_copy_admin)';

COMMENT ON VIEW @extschema@.recent_requests IS
'The most recent AWS calls (who, when, action, region, source, target, outcome): your own, every role''s for rds_copy_admin; never a secret';
