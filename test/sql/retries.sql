-- retries: the SDKs' standard retry mode, clock skew, and reconciliation of
-- copies whose reply was lost (the stand-in's flaky-<kind>-<n> sources fail
-- n times, then copy)
\pset null '(null)'
LOAD 'rds_copy';
SHOW rds_copy.max_attempts;

-- throttling, transient codes, HTTP 5xx and dropped connections are retried
SELECT kind, (rds_copy.rds_copy_db_cluster_snapshot('flaky-' || kind || '-1', 'retry-' || lower(kind))).status,
       standin_requests_for('retry-' || lower(kind)) AS requests
  FROM unnest(ARRAY['Throttling', 'ThrottlingException', 'RequestLimitExceeded',
                    'TooManyRequestsException', 'RequestThrottled', 'RequestTimeout',
                    '500', '502', '503', '504', '500html', 'reset']) AS kind;
-- two failures, third attempt succeeds
SELECT status, standin_requests_for('retry-twice') AS requests
  FROM rds_copy.rds_copy_db_cluster_snapshot('flaky-503-2', 'retry-twice');
-- throttled beyond max_attempts: the error says how many attempts were made
SELECT try_attempts($$SELECT rds_copy.rds_copy_db_cluster_snapshot('flaky-Throttling-3', 'retry-exhausted')$$),
       standin_requests_for('retry-exhausted') AS requests;
SET rds_copy.max_attempts = 5;
SELECT try_attempts($$SELECT rds_copy.rds_copy_db_cluster_snapshot('flaky-Throttling-9', 'retry-five')$$),
       standin_requests_for('retry-five') AS requests;
SET rds_copy.max_attempts = 1;
SELECT try_attempts($$SELECT rds_copy.rds_copy_db_cluster_snapshot('flaky-503-1', 'retry-once')$$),
       standin_requests_for('retry-once') AS requests;
RESET rds_copy.max_attempts;
-- faults that a retry cannot mend are not retried
SELECT code, try_attempts(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L)', 'fault-' || code, 'retry-no-' || lower(code))),
       standin_requests_for('retry-no-' || lower(code)) AS requests
  FROM unnest(ARRAY['AccessDenied', 'InvalidParameterValue', 'KMSKeyNotAccessibleFault', 'SomethingElse']) AS code;
SELECT try_attempts($$SELECT rds_copy.rds_copy_db_cluster_snapshot('no-such-snapshot', 'retry-404')$$),
       standin_requests_for('retry-404') AS requests;
-- the setting has a range
SET rds_copy.max_attempts = 0;

-- the request went through but its reply was lost: the retry meets the
-- target, finds it was copied from the same source, and returns it
SELECT kind, (rds_copy.rds_copy_db_cluster_snapshot('created-then-' || kind, 'reconcile-' || kind)).status,
       standin_requests_for('reconcile-' || kind) AS requests
  FROM unnest(ARRAY['reset', '503', 'garbage']) AS kind;
SET rds_copy.request_timeout = '2s';
SELECT status, source_db_cluster_snapshot_arn
  FROM rds_copy.rds_copy_db_cluster_snapshot('created-then-timeout', 'reconcile-timeout');
RESET rds_copy.request_timeout;
-- ... and in the jsonb twin
SELECT s->>'Status' AS status
  FROM rds_copy.rds_copy_db_cluster_snapshot_jsonb('created-then-reset', 'reconcile-jsonb') AS s;
-- identifiers are not case-sensitive at AWS, which stores them in lower case:
-- the copy that a lost reply started names its source created-then-reset, and
-- the retry of a copy from Created-Then-Reset takes it as its own, also when
-- the source is an ARN; the row shows the target as AWS does
SELECT db_cluster_snapshot_identifier, status, source_db_cluster_snapshot_arn
  FROM rds_copy.rds_copy_db_cluster_snapshot('Created-Then-Reset', 'Reconcile-Case');
SELECT db_cluster_snapshot_identifier, status
  FROM rds_copy.rds_copy_db_cluster_snapshot(
    'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:Created-Then-503', 'Reconcile-Case-Arn');
-- a target that exists with another source is a real conflict
SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('encrypted-snapshot', 'reconcile-other');
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('flaky-503-1', 'reconcile-other')$$);
-- ... and so is one copied from the same source with another KMS key: the
-- stand-in makes the lost reply's copy with alias/other's key instead of k
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/lost_reply" '{"kms_key": "alias/other"}' "$RDS_STANDIN_CA"
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('created-then-reset', 'reconcile-key', kms_key => 'k')$$);
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/lost_reply" '{"kms_key": null}' "$RDS_STANDIN_CA"
-- a lost reply whose copy carries no SourceDBClusterSnapshotArn (AWS does not
-- promise the member): the source cannot be confirmed, so it is a conflict
-- (42710, "no recorded source"), never taken as this call's copy
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/lost_reply" '{"omit_source_arn": true}' "$RDS_STANDIN_CA"
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('created-then-reset', 'reconcile-no-arn')$$);
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/lost_reply" '{"omit_source_arn": false}' "$RDS_STANDIN_CA"
-- without an unanswered attempt before it, AlreadyExists is not reconciled
SELECT (try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'reconcile-reset')$$)).state;

-- clock skew: the endpoint's clock is 10 minutes ahead; the first attempt is
-- refused (RequestExpired), the signing clock takes the endpoint's time
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/config" '{"clock_offset_seconds": 600}' "$RDS_STANDIN_CA"
SELECT status, standin_requests_for('skew-ahead') AS requests
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'skew-ahead');
-- later calls sign with the corrected clock at once
SELECT status, standin_requests_for('skew-again') AS requests
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'skew-again');
-- and back
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/config" '{"clock_offset_seconds": 0}' "$RDS_STANDIN_CA"
SELECT status, standin_requests_for('skew-back') AS requests
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'skew-back');
