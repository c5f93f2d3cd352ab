/* rds_copy--1.0.sql: install script of rds_copy 1.0 */

\echo Use "CREATE EXTENSION rds_copy" to load this file. \quit

-- One column per member of the AWS DBClusterSnapshot, in snake_case,
-- then the RequestId of the call that returned it.
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
    request_id                          text
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

REVOKE ALL ON FUNCTION @extschema@.credentials() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.check() FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rds_copy_db_cluster_snapshot(text, text, text, boolean, jsonb, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.rds_copy_db_cluster_snapshot_jsonb(text, text, text, boolean, jsonb, text) FROM PUBLIC;
REVOKE ALL ON SCHEMA @extschema@ FROM PUBLIC;
