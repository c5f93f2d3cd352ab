/* rds_copy--1.1.sql: install script of rds_copy 1.1 */

\echo Use "CREATE EXTENSION rds_copy" to load this file. \quit

-- One column per member of the AWS DBClusterSnapshot, in snake_case,
-- then the RequestId of the call that returned it, then the members added
-- since 1.0.
CREATE TYPE @extschema@.db_cluster_snapshot AS (
    availability_zones                  text[],
    db_cluster_snapshot_identifier      text,
    db_cluster_identifier               text,
    snapshot_create_time                timestamptz,
    engine                              text,
    engine_mode                         text,
    allocated_storage                   integer,
    status                              text,
    port                                integer,
    vpc_id                              text,
    cluster_create_time                 timestamptz,
    master_username                     text,
    engine_version                      text,
    license_model                       text,
    snapshot_type                       text,
    percent_progress                    integer,
    storage_encrypted                   boolean,
    backup_retention_period             integer,
    preferred_backup_window             text,
    kms_key_id                          text,
    db_cluster_snapshot_arn             text,
    source_db_cluster_snapshot_arn      text,
    iam_database_authentication_enabled boolean,
    tags                                jsonb,
    storage_type                        text,
    storage_throughput                  integer,
    db_cluster_resource_id              text,
    db_system_id                        text,
    request_id                          text,
    -- 1.1: after request_id, where ALTER TYPE ... ADD ATTRIBUTE puts it
    -- (sql/rds_copy--1.0--1.1.sql); "none", "sse-kms" or "sse-rds"
    storage_encryption_type             text
);

COMMENT ON TYPE @extschema@.db_cluster_snapshot IS
'An Amazon RDS DBClusterSnapshot, one column per member, plus the RequestId of the call';

CREATE FUNCTION @extschema@.rds_copy_db_cluster_snapshot(
    source        text,
    target        text,
    kms_key       text    DEFAULT NULL,
    copy_tags     boolean DEFAULT false,
    tags          jsonb   DEFAULT NULL,
    source_region text    DEFAULT NULL)
RETURNS @extschema@.db_cluster_snapshot
AS 'MODULE_PATHNAME', 'rds_copy_db_cluster_snapshot'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.rds_copy_db_cluster_snapshot(text, text, text, boolean, jsonb, text) IS
'Copy an Aurora / RDS DB cluster snapshot (CopyDBClusterSnapshot) and return the new snapshot';

CREATE FUNCTION @extschema@.rds_copy_db_cluster_snapshot_jsonb(
    source        text,
    target        text,
    kms_key       text    DEFAULT NULL,
    copy_tags     boolean DEFAULT false,
    tags          jsonb   DEFAULT NULL,
    source_region text    DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'rds_copy_db_cluster_snapshot_jsonb'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.rds_copy_db_cluster_snapshot_jsonb(text, text, text, boolean, jsonb, text) IS
'Copy an Aurora / RDS DB cluster snapshot and return it as jsonb shaped like boto3''s DBClusterSnapshot';

-- Where the credentials come from; the access key id masked, never a secret.
CREATE FUNCTION @extschema@.credentials(
    OUT source        text,
    OUT access_key_id text,
    OUT expiration    timestamptz)
RETURNS record
AS 'MODULE_PATHNAME', 'rds_copy_credentials'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.credentials() IS
'Where the AWS credentials come from, the access key id masked to its last 4 characters, and when they expire';

-- One row per step of a call, each with ok and a detail a person can act on.
CREATE FUNCTION @extschema@.check(
    OUT check_name text,
    OUT ok         boolean,
    OUT detail     text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'rds_copy_check'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.check() IS
'Check region, endpoint, CA file, credentials and one signed read-only call (DescribeDBClusterSnapshots)';

-- Companion calls: the same signing, transport, errors and credentials as
-- the copy.  region overrides rds_copy.region for one call.
CREATE FUNCTION @extschema@.describe_db_cluster_snapshot(
    identifier text,
    region     text DEFAULT NULL)
RETURNS @extschema@.db_cluster_snapshot
AS 'MODULE_PATHNAME', 'rds_copy_describe_db_cluster_snapshot'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.describe_db_cluster_snapshot(text, text) IS
'One DB cluster snapshot (DescribeDBClusterSnapshots); 42704 when it does not exist';

CREATE FUNCTION @extschema@.describe_db_cluster_snapshot_jsonb(
    identifier text,
    region     text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'rds_copy_describe_db_cluster_snapshot_jsonb'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.describe_db_cluster_snapshot_jsonb(text, text) IS
'One DB cluster snapshot as jsonb shaped like boto3''s DBClusterSnapshot';

CREATE FUNCTION @extschema@.db_cluster_snapshots(
    cluster        text    DEFAULT NULL,
    snapshot_type  text    DEFAULT NULL,
    include_shared boolean DEFAULT false,
    region         text    DEFAULT NULL)
RETURNS SETOF @extschema@.db_cluster_snapshot
AS 'MODULE_PATHNAME', 'rds_copy_db_cluster_snapshots'
LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 100;

COMMENT ON FUNCTION @extschema@.db_cluster_snapshots(text, text, boolean, text) IS
'Every DB cluster snapshot matching the filters (DescribeDBClusterSnapshots, all Marker pages)';

CREATE FUNCTION @extschema@.db_cluster_snapshots_jsonb(
    cluster        text    DEFAULT NULL,
    snapshot_type  text    DEFAULT NULL,
    include_shared boolean DEFAULT false,
    region         text    DEFAULT NULL)
RETURNS SETOF jsonb
AS 'MODULE_PATHNAME', 'rds_copy_db_cluster_snapshots_jsonb'
LANGUAGE C VOLATILE PARALLEL UNSAFE ROWS 100;

COMMENT ON FUNCTION @extschema@.db_cluster_snapshots_jsonb(text, text, boolean, text) IS
'Every DB cluster snapshot matching the filters, one jsonb per snapshot';

CREATE FUNCTION @extschema@.wait_for_db_cluster_snapshot(
    identifier    text,
    timeout       interval DEFAULT '2 hours',
    poll_interval interval DEFAULT '30 seconds',
    region        text     DEFAULT NULL)
RETURNS @extschema@.db_cluster_snapshot
AS 'MODULE_PATHNAME', 'rds_copy_wait_for_db_cluster_snapshot'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.wait_for_db_cluster_snapshot(text, interval, interval, text) IS
'Poll a DB cluster snapshot until it is available; RC001 on timeout, 55000 when it fails';

CREATE FUNCTION @extschema@.wait_for_db_cluster_snapshot_jsonb(
    identifier    text,
    timeout       interval DEFAULT '2 hours',
    poll_interval interval DEFAULT '30 seconds',
    region        text     DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'rds_copy_wait_for_db_cluster_snapshot_jsonb'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.wait_for_db_cluster_snapshot_jsonb(text, interval, interval, text) IS
'Poll a DB cluster snapshot until it is available and return it as jsonb';

CREATE FUNCTION @extschema@.delete_db_cluster_snapshot(
    identifier text,
    region     text DEFAULT NULL)
RETURNS @extschema@.db_cluster_snapshot
AS 'MODULE_PATHNAME', 'rds_copy_delete_db_cluster_snapshot'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.delete_db_cluster_snapshot(text, text) IS
'Delete a DB cluster snapshot (DeleteDBClusterSnapshot); also cancels a copy in progress';

CREATE FUNCTION @extschema@.delete_db_cluster_snapshot_jsonb(
    identifier text,
    region     text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'rds_copy_delete_db_cluster_snapshot_jsonb'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.delete_db_cluster_snapshot_jsonb(text, text) IS
'Delete a DB cluster snapshot and return it as jsonb';

-- Copy after commit: one row per enqueued copy.  The background worker
-- (or process_queue) sends committed rows and follows them to the end.
CREATE TABLE @extschema@.copy_request (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source           text        NOT NULL,
    target           text        NOT NULL,
    kms_key          text,
    copy_tags        boolean     NOT NULL DEFAULT false,
    tags             jsonb,
    source_region    text
        CONSTRAINT copy_request_source_region_check
        CHECK (source_region ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)+$'),
    region           text        NOT NULL
        CONSTRAINT copy_request_region_check CHECK (region ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)+$'),
    state            text        NOT NULL DEFAULT 'queued'
        CONSTRAINT copy_request_state_check
        CHECK (state IN ('queued', 'sending', 'copying', 'available', 'failed', 'cancelled')),
    attempts         integer     NOT NULL DEFAULT 0,
    checks           integer     NOT NULL DEFAULT 0,
    percent_progress integer,
    requested_by     name        NOT NULL DEFAULT current_user,
    requested_at     timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    finished_at      timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    next_check_at    timestamptz,
    request_id       text,
    snapshot_arn     text,
    error_sqlstate   text,
    error_code       text,
    error_message    text
);

-- one unfinished request per target and region, the target in any case
-- (1.1; AWS's snapshot identifiers are not case-sensitive)
CREATE UNIQUE INDEX copy_request_active_target
    ON @extschema@.copy_request (region, pg_catalog.lower(target))
    WHERE state IN ('queued', 'sending', 'copying');
CREATE INDEX copy_request_due
    ON @extschema@.copy_request (next_check_at)
    WHERE state IN ('queued', 'sending', 'copying');
CREATE INDEX copy_request_finished
    ON @extschema@.copy_request (finished_at)
    WHERE state IN ('available', 'failed', 'cancelled');

SELECT pg_catalog.pg_extension_config_dump('@extschema@.copy_request', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.copy_request_id_seq', '');

CREATE FUNCTION @extschema@.enqueue_copy(
    source        text,
    target        text,
    kms_key       text    DEFAULT NULL,
    copy_tags     boolean DEFAULT false,
    tags          jsonb   DEFAULT NULL,
    source_region text    DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'rds_copy_enqueue_copy'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION @extschema@.process_queue(max_requests integer DEFAULT 100)
RETURNS integer
AS 'MODULE_PATHNAME', 'rds_copy_process_queue'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- The audit trail of direct calls: a ring in shared memory
-- (rds_copy.recent_requests_size entries; needs shared_preload_libraries).
CREATE FUNCTION @extschema@.recent_request_records(
    OUT at          timestamptz,
    OUT pid         integer,
    OUT session_id  text,
    OUT username    name,
    OUT database    name,
    OUT action      text,
    OUT region      text,
    OUT source      text,
    OUT target      text,
    OUT outcome     text,
    OUT sqlstate    text,
    OUT aws_code    text,
    OUT request_id  text,
    OUT attempts    integer,
    OUT latency     interval,
    OUT queue_id    bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'rds_copy_recent_request_records'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE VIEW @extschema@.recent_requests AS
    SELECT * FROM @extschema@.recent_request_records();

REVOKE ALL ON FUNCTION @extschema@.credentials() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rds_copy_db_cluster_snapshot(text, text, text, boolean, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rds_copy_db_cluster_snapshot_jsonb(text, text, text, boolean, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.describe_db_cluster_snapshot(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.describe_db_cluster_snapshot_jsonb(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.db_cluster_snapshots(text, text, boolean, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.db_cluster_snapshots_jsonb(text, text, boolean, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.wait_for_db_cluster_snapshot(text, interval, interval, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.wait_for_db_cluster_snapshot_jsonb(text, interval, interval, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.delete_db_cluster_snapshot(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.delete_db_cluster_snapshot_jsonb(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.enqueue_copy(text, text, text, boolean, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.process_queue(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.recent_request_records() FROM PUBLIC;
REVOKE ALL ON TABLE @extschema@.copy_request FROM PUBLIC;
REVOKE ALL ON TABLE @extschema@.recent_requests FROM PUBLIC;
REVOKE ALL ON SCHEMA @extschema@ FROM PUBLIC;

-- What 1.1 added (sql/rds_copy--1.0--1.1.sql has the same)
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
CREATE FUNCTION @extschema@.cancel_copy(id bigint)
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
REVOKE ALL ON FUNCTION @extschema@.cancel_copy(bigint) FROM PUBLIC;

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
