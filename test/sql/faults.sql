-- faults: every AWS fault and transport failure as its SQLSTATE
-- (one attempt each: retries have their own test)
\pset null ''
SET rds_copy.max_attempts = 1;

-- a target that exists already
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-dup');
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-dup')$$);
-- a source that does not exist (HTTP 404)
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('no-such-snapshot', 'fault-t1')$$);
-- a source that is not available yet
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('busy-snapshot', 'fault-t2')$$);
-- a KMS key that is not accessible
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-t3', kms_key => 'alias/nope')$$);

-- the rest of the table, one code each, injected by the stand-in
SELECT code, (try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L)',
                         'fault-' || code, 'fault-target'))).*
  FROM unnest(ARRAY[
    'InvalidDBClusterStateFault', 'SnapshotQuotaExceeded',
    'AccessDenied', 'AccessDeniedException', 'NotAuthorized',
    'IncompleteSignature', 'MissingAuthenticationToken', 'ExpiredToken', 'RequestExpired',
    'InvalidParameterValue', 'InvalidParameterCombination', 'MissingParameter', 'ValidationError',
    'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'InternalFailure', 'ServiceUnavailable',
    'SomethingElse']) AS code;

-- authentication faults from real signatures
SET rds_copy.profile = 'wrong-secret';
SELECT state, message, hint FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-t4')$$);
SET rds_copy.profile = 'unknown-key';
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-t5')$$);
SET rds_copy.profile = 'incomplete';
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-t6')$$);
SET rds_copy.profile = 'no-such-profile';
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-t7')$$);
RESET rds_copy.profile;

-- replies that are not RDS replies
-- (where the detail is libcurl's own description of the failure, only that
-- there is one: its words differ between libcurl and OpenSSL versions)
SELECT code, t.state, t.message,
       CASE WHEN code IN ('big', 'truncated')
            THEN CASE WHEN t.detail <> '' THEN '(libcurl''s description)' END
            ELSE t.detail END AS detail,
       t.hint
  FROM unnest(ARRAY['http-500-html', 'http-503-empty', 'not-xml', 'wrong-root', 'doctype',
                    'external-entity', 'big', 'redirect', 'truncated']) WITH ORDINALITY AS u(code, i),
       LATERAL try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L)',
                          'fault-' || code, 'fault-target')) t
 ORDER BY i;

-- timeouts: the request's own limit, and statement_timeout (a real cancel)
SET rds_copy.request_timeout = '1s';
SELECT state, message, hint FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('fault-slow', 'fault-t8')$$);
RESET rds_copy.request_timeout;
\set VERBOSITY terse
SET statement_timeout = '1s';
SELECT rds_copy.rds_copy_db_cluster_snapshot('fault-slow', 'fault-t9');
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
\set VERBOSITY default

-- TLS: a CA that did not sign the stand-in's certificate
\getenv ca RDS_STANDIN_CA
SELECT set_config('rds_copy.ca_file', replace(:'ca', 'ca.crt', 'other-ca.crt'), false) IS NOT NULL AS set;
SELECT state, message FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-t10')$$);
RESET rds_copy.ca_file;
-- nothing listening
SET rds_copy.endpoint_url = 'https://127.0.0.1:1';
SELECT state, message FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-t11')$$);
RESET rds_copy.endpoint_url;

-- after every fault the backend still copies
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'fault-after');
