-- input: bad arguments are refused before anything is sent
\set VERBOSITY default
SELECT standin_requests() AS before \gset

SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot(NULL, 'a')$$);
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('a', NULL)$$);
-- target identifiers
SELECT t AS target, (try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L)', 'my-cluster-snapshot1', t))).*
  FROM unnest(ARRAY['', '1abc', 'a--b', 'abc-', 'a_b', 'a b', repeat('a', 64), 'ünï']) AS t;
-- 63 characters is the longest allowed: this one goes out (and is then sent)
SELECT length(db_cluster_snapshot_identifier)
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', repeat('a', 63));
SELECT standin_requests() AS before \gset
-- source identifiers and KMS keys
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('', 'a')$$);
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('has space', 'a')$$);
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'a', kms_key => '')$$);
-- tags
SELECT tags, (try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L, tags => %L)', 'my-cluster-snapshot1', 'a', tags))).*
  FROM unnest(ARRAY[
    '"scalar"', '42', '{"k": 1}', '{"k": null}', '{"k": ["v"]}', '{"": "v"}',
    '{"aws:k": "v"}', '{"AWS:k": "v"}', '{"rds:k": "v"}', '{"k!": "v"}', '{"k": "v#"}',
    '[1]', '[{"Key": "k"}]', '[{"Key": "k", "Value": "v", "Extra": "x"}]',
    '[{"Key": "k", "Value": 5}]', '[{"Key": "k", "Value": "a"}, {"Key": "k", "Value": "b"}]'
  ]::jsonb[]) AS tags;
SELECT (try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L, tags => %L)', 'my-cluster-snapshot1', 'a',
               jsonb_build_object(repeat('k', 129), 'v')))).message AS long_key;
SELECT (try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L, tags => %L)', 'my-cluster-snapshot1', 'a',
               jsonb_build_object('k', repeat('v', 257))))).message AS long_value;
SELECT (try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%L, %L, tags => %L)', 'my-cluster-snapshot1', 'a',
               (SELECT jsonb_object_agg('k' || i, 'v') FROM generate_series(1, 51) i)))).message AS too_many;
-- source_region
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('west-snapshot', 'a', source_region => 'us-west-2')$$);
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('arn:aws:rds:us-west-2:123456789012:cluster-snapshot:x', 'a', source_region => 'eu-west-1')$$);
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('arn:aws:rds:us-west-2:123456789012:cluster-snapshot:x', 'a', source_region => 'evil.com/x?')$$);
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('arn:aws:s3:::bucket', 'a', source_region => 'us-west-2')$$);

-- none of these reached the stand-in
SELECT standin_requests() - :before AS requests_sent;

-- no region configured
SET rds_copy.region = '';
SET rds_copy.profile = 'session';   -- its config file has no region for it either
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'a')$$);
RESET rds_copy.region;
RESET rds_copy.profile;
SELECT standin_requests() - :before AS requests_sent;

-- settings refuse bad values
SET rds_copy.region = 'us-east-1.evil.com';
SET rds_copy.endpoint_url = 'http://example.com';
SET rds_copy.endpoint_url = 'ftp://127.0.0.1';
SET rds_copy.endpoint_url = 'https://user@127.0.0.1/';
SET rds_copy.endpoint_url = 'https://127.0.0.1/path';
SET rds_copy.profile = 'a]b';
-- (PostgreSQL 17 and later print the range with units, "(100 ms .. 600000 ms)")
SELECT state, regexp_replace(message, '\((\d+) ms \.\. (\d+) ms\)$', '(\1 .. \2)') AS message
  FROM try($$SET rds_copy.connect_timeout = 0$$);
SET rds_copy.no_such_setting = 1;
