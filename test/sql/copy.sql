-- copy: successful copies, as a row and as jsonb
\pset null '(null)'
\x on
-- the whole row (columns that change per run are checked, not printed)
SELECT availability_zones, db_cluster_snapshot_identifier, db_cluster_identifier,
       snapshot_create_time > now() - interval '1 minute' AS created_just_now,
       engine, engine_mode, allocated_storage, status, port, vpc_id,
       cluster_create_time, master_username, engine_version, license_model,
       snapshot_type, percent_progress, storage_encrypted, backup_retention_period,
       preferred_backup_window, kms_key_id, db_cluster_snapshot_arn,
       source_db_cluster_snapshot_arn, iam_database_authentication_enabled, tags,
       storage_type, storage_throughput, db_cluster_resource_id, db_system_id,
       request_id ~ '^[0-9a-f-]{36}$' AS has_request_id, storage_encryption_type
  FROM rds_copy.rds_copy_db_cluster_snapshot(
    source        => 'my-cluster-snapshot1',
    target        => 'copy-row-1',
    kms_key       => NULL,
    copy_tags     => false,
    tags          => '{"team": "db"}',
    source_region => NULL);
\x off

-- what went on the wire
SELECT standin_last() - 'ts' AS last_request;

-- defaults: only source and target
SELECT db_cluster_snapshot_identifier, status, tags
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'copy-defaults');

-- copy_tags takes the source's tags
SELECT tags FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'copy-tags-1',
                                                        copy_tags => true);

-- tags as a Key/Value array, with characters that need encoding
SELECT tags FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'copy-tags-2',
  tags => '[{"Key": "owner", "Value": "db team"}, {"Key": "path", "Value": "a/b+c=d:e@f"},
            {"Key": "café", "Value": "ünïcödé"}, {"Key": "empty", "Value": ""}]');

-- a KMS key (StorageEncryptionType sse-kms: encrypted with a customer managed key)
SELECT kms_key_id, storage_encrypted, storage_encryption_type
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'copy-kms', kms_key => 'k');
-- sent as given (the stand-in journals KmsKeyId); an alias comes back as the ARN of its key
SELECT standin_last()->>'kms_key_id' AS kms_key_sent;
SELECT kms_key_id
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'copy-kms-alias', kms_key => 'alias/other');

-- the jsonb twin is shaped like boto3's response['DBClusterSnapshot']
SELECT rds_copy.rds_copy_db_cluster_snapshot_jsonb('my-cluster-snapshot1', 'copy-jsonb-1',
         tags => '[{"Key": "team", "Value": "db"}]') AS j \gset
SELECT key, jsonb_typeof(value) AS type,
       CASE WHEN key = 'SnapshotCreateTime' THEN 'YYYY-MM-DDTHH:MM:SS.sssZ' ELSE value::text END AS value
  FROM jsonb_each(:'j') ORDER BY key;
SELECT :'j'::jsonb->>'SnapshotCreateTime' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$' AS iso_8601;

-- cross-region: rds_copy sends a PreSignedUrl for a source in another region (AWS
-- needs one only in GovCloud and ignores it elsewhere); the stand-in checks it with
-- botocore's signer whenever one comes
SELECT db_cluster_snapshot_identifier, source_db_cluster_snapshot_arn, status
  FROM rds_copy.rds_copy_db_cluster_snapshot(
    source        => 'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:west-snapshot',
    target        => 'copy-from-west',
    kms_key       => 'k',
    source_region => 'us-west-2');
SELECT standin_last()->>'presigned' AS presigned_url_sent,
       standin_last()->>'presigned_verified' AS presigned_url_verified;

-- GovCloud (US): an encrypted snapshot from another GovCloud region needs the PreSignedUrl
SET rds_copy.region = 'us-gov-east-1';
SELECT db_cluster_snapshot_identifier, kms_key_id, status
  FROM rds_copy.rds_copy_db_cluster_snapshot(
    source        => 'arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster-snapshot:gov-encrypted',
    target        => 'copy-from-gov',
    kms_key       => 'k',
    source_region => 'us-gov-west-1');
SELECT standin_last()->>'region' AS region, standin_last()->>'presigned_verified' AS presigned_url_verified;
RESET rds_copy.region;

-- session credentials (X-Amz-Security-Token, signed)
SET rds_copy.profile = 'session';
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'copy-session');
-- and in the pre-signed URL too
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot(
    'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:west-snapshot', 'copy-west-session',
    source_region => 'us-west-2');
RESET rds_copy.profile;

-- the backend keeps working after all this
SELECT count(*) FROM (
  SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'copy-loop-' || i)
    FROM generate_series(1, 5) i) s;

-- the type's columns: one per DBClusterSnapshot member, request_id, then the
-- members 1.1 added (ALTER TYPE ... ADD ATTRIBUTE appends them)
SELECT attnum, attname, atttypid::regtype
  FROM pg_attribute WHERE attrelid = 'rds_copy.db_cluster_snapshot'::regclass AND attnum > 26
 ORDER BY attnum;

-- identifiers are not case-sensitive at AWS and are stored in lower case
-- (botocore's rds model): the row shows the target as AWS returns it
SELECT db_cluster_snapshot_identifier, db_cluster_snapshot_arn, source_db_cluster_snapshot_arn
  FROM rds_copy.rds_copy_db_cluster_snapshot('My-Cluster-Snapshot1', 'Copy-Mixed-Case');
SELECT standin_last()->>'target' AS target_sent;
