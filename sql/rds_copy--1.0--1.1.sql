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

-- Fleet-scale copies (README, "Copy slots and AWS's limits"): why a
-- queued row waits ("copy slot in us-west-2"), AWS's limits as this
-- server learned them, and one row per destination region to monitor.
ALTER TABLE @extschema@.copy_request ADD COLUMN waiting_for text;

COMMENT ON COLUMN @extschema@.copy_request.waiting_for IS
'Why a queued copy has not gone out yet: "copy slot in <region>" (rds_copy.queue_max_copying, or AWS refused: copies in progress), "send rate in <region>" (AWS throttled); NULL when it is not waiting';

CREATE FUNCTION @extschema@.queue_limits(
    OUT region               text,
    OUT copy_slots_free      integer,
    OUT refused_sends        bigint,
    OUT send_rate            double precision,
    OUT throttled_last_hour  bigint,
    OUT throttled_total      bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'rds_copy_queue_limits'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.queue_limits() IS
'AWS''s limits per region as this server learned them: copy slots AWS has free after an in-progress refusal (NULL: none learned), refused sends, the adaptive send rate per second (NULL: never throttled), throttling replies in the last hour and in all';

REVOKE ALL ON FUNCTION @extschema@.queue_limits() FROM PUBLIC;

CREATE VIEW @extschema@.queue_status WITH (security_invoker = true) AS
    SELECT COALESCE(s.region, l.region) AS region,
           COALESCE(s.queued, 0) AS queued,
           COALESCE(s.waiting_for_slot, 0) AS waiting_for_slot,
           COALESCE(s.sending, 0) AS sending,
           COALESCE(s.copying, 0) AS copying,
           COALESCE(s.available_24h, 0) AS available_24h,
           COALESCE(s.failed_24h, 0) AS failed_24h,
           s.oldest_queued_age,
           COALESCE(s.slots_in_use, 0) AS slots_in_use,
           LEAST(COALESCE(pg_catalog.current_setting('rds_copy.queue_max_copying', true)::pg_catalog.int4, 5),
                 l.copy_slots_free) AS slot_limit,
           COALESCE(l.refused_sends, 0) AS refused_sends,
           l.send_rate,
           COALESCE(l.throttled_last_hour, 0) AS throttled_last_hour
      FROM (SELECT r.region,
                   pg_catalog.count(*) FILTER (WHERE r.state OPERATOR(pg_catalog.=) 'queued') AS queued,
                   pg_catalog.count(*) FILTER (WHERE r.state OPERATOR(pg_catalog.=) 'queued'
                                                 AND pg_catalog.starts_with(r.waiting_for, 'copy slot')) AS waiting_for_slot,
                   pg_catalog.count(*) FILTER (WHERE r.state OPERATOR(pg_catalog.=) 'sending') AS sending,
                   pg_catalog.count(*) FILTER (WHERE r.state OPERATOR(pg_catalog.=) 'copying') AS copying,
                   pg_catalog.count(*) FILTER (WHERE r.state OPERATOR(pg_catalog.=) 'available'
                       AND r.finished_at OPERATOR(pg_catalog.>) (pg_catalog.now() OPERATOR(pg_catalog.-) '24 hours'::pg_catalog.interval)) AS available_24h,
                   pg_catalog.count(*) FILTER (WHERE r.state OPERATOR(pg_catalog.=) 'failed'
                       AND r.finished_at OPERATOR(pg_catalog.>) (pg_catalog.now() OPERATOR(pg_catalog.-) '24 hours'::pg_catalog.interval)) AS failed_24h,
                   pg_catalog.now() OPERATOR(pg_catalog.-)
                       pg_catalog.min(r.requested_at) FILTER (WHERE r.state OPERATOR(pg_catalog.=) 'queued') AS oldest_queued_age,
                   pg_catalog.count(*) FILTER (WHERE r.state OPERATOR(pg_catalog.=) ANY (ARRAY['sending', 'copying'])
                       AND COALESCE(r.source_region,
                                    CASE WHEN pg_catalog.starts_with(r.source, 'arn:')
                                         THEN pg_catalog.split_part(r.source, ':', 4) END,
                                    r.region) OPERATOR(pg_catalog.<>) r.region) AS slots_in_use
              FROM @extschema@.copy_request r
             GROUP BY r.region) s
      FULL JOIN @extschema@.queue_limits() l ON l.region OPERATOR(pg_catalog.=) s.region;

COMMENT ON VIEW @extschema@.queue_status IS
'One row per destination region: queued copies (and how many wait for a copy slot), sending, copying, finished and failed in the last 24 hours, the oldest queued one''s age, copy slots in use and their limit, refused sends, the adaptive send rate and throttled calls in the last hour; counts your own rows (every role''s for rds_copy_admin)';

REVOKE ALL ON TABLE @extschema@.queue_status FROM PUBLIC;

-- DBClusterSnapshot.StorageEncryptionType ("none", "sse-kms" or
-- "sse-rds"; botocore 1.43's rds model): ADD ATTRIBUTE appends it, after
-- request_id; sql/rds_copy--1.1.sql declares it in the same place.
-- Functions returning the type keep working: their rows gain the column;
-- a view made over one keeps its columns; values stored in a column of the
-- type read the new attribute as NULL.  CASCADE: a table made OF the type
-- gains the column too (without it, such a table stops the update).
ALTER TYPE @extschema@.db_cluster_snapshot ADD ATTRIBUTE storage_encryption_type text CASCADE;

-- One unfinished request per target and region, the target in any case:
-- AWS's snapshot identifiers are not case-sensitive and are stored in
-- lower case, so My-Snap and my-snap are one target.  This fails with
-- 23505 when two unfinished requests name one target in different case;
-- cancel one of them (rds_copy.cancel_copy) and update again.
DROP INDEX @extschema@.copy_request_active_target;
CREATE UNIQUE INDEX copy_request_active_target
    ON @extschema@.copy_request (region, pg_catalog.lower(target))
    WHERE state IN ('queued', 'sending', 'copying');
