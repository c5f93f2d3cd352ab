-- regions: a request is signed for, and sent to, only a region of AWS's
-- partitions (the built-in list, generated from botocore's endpoint data) or,
-- when rds_copy.allowed_regions is set, exactly the regions it lists.
-- Everything else is 22023 before anything is signed or sent.
\set VERBOSITY default
\pset null '(null)'

-- the requests the stand-in received for a region, read strictly from its journal
CREATE FUNCTION standin_requests_in(region text) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM journal('regress.journal') WHERE entry->>'region' = region
$$;

-- ---------------------------------------------------------------------------
-- the setting: empty by default, superuser-only, a list of region names
SELECT setting, context, vartype FROM pg_settings WHERE name = 'rds_copy.allowed_regions';
SET rds_copy.allowed_regions = 'us-east-1,,eu-west-1';
SET rds_copy.allowed_regions = 'us-east-1, US-WEST-2';
SET rds_copy.allowed_regions = 'us-east-1.evil.com';
SET rds_copy.allowed_regions = 'us-east-1,';
SHOW rds_copy.allowed_regions;
-- a list in SET's list syntax
SET rds_copy.allowed_regions = 'us-east-1', 'eu-west-1';
SHOW rds_copy.allowed_regions;
RESET rds_copy.allowed_regions;
-- not for other roles
CREATE ROLE rds_copy_rg_user;
SET ROLE rds_copy_rg_user;
SELECT * FROM try($$SET rds_copy.allowed_regions = 'mars-north-1'$$);
SELECT * FROM try($$SET rds_copy.allowed_regions = ''$$);
SELECT * FROM try($$SELECT set_config('rds_copy.allowed_regions', 'mars-north-1', false)$$);
RESET ROLE;
SHOW rds_copy.allowed_regions;

-- every test runs with rds_copy.endpoint_url pointing at the stand-in: a custom
-- endpoint does not lift the check (the region still goes into the signature)
SELECT current_setting('rds_copy.endpoint_url') <> '' AS endpoint_overridden;

-- ---------------------------------------------------------------------------
-- made-up regions are refused by every call, before anything is sent
SELECT standin_requests() AS before \gset
SELECT count(*) AS rows_before FROM rds_copy.copy_request \gset
SELECT r AS region, c.name, t.state, t.message
  FROM unnest(ARRAY['s3-external-1', 'us-east-99', 'mars-north-1']) AS r,
       (VALUES
         ('describe', $$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1', region => %L)$$),
         ('describe_jsonb', $$SELECT rds_copy.describe_db_cluster_snapshot_jsonb('my-cluster-snapshot1', region => %L)$$),
         ('list', $$SELECT rds_copy.db_cluster_snapshots(region => %L)$$),
         ('list_jsonb', $$SELECT rds_copy.db_cluster_snapshots_jsonb(region => %L)$$),
         ('wait', $$SELECT rds_copy.wait_for_db_cluster_snapshot('my-cluster-snapshot1', region => %L)$$),
         ('wait_jsonb', $$SELECT rds_copy.wait_for_db_cluster_snapshot_jsonb('my-cluster-snapshot1', region => %L)$$),
         ('delete', $$SELECT rds_copy.delete_db_cluster_snapshot('my-cluster-snapshot1', region => %L)$$),
         ('delete_jsonb', $$SELECT rds_copy.delete_db_cluster_snapshot_jsonb('my-cluster-snapshot1', region => %L)$$),
         ('copy', $$SELECT rds_copy.rds_copy_db_cluster_snapshot('arn:aws:rds:%1$s:123456789012:cluster-snapshot:x', 'rg-copy', source_region => %1$L)$$),
         ('copy_jsonb', $$SELECT rds_copy.rds_copy_db_cluster_snapshot_jsonb('arn:aws:rds:%1$s:123456789012:cluster-snapshot:x', 'rg-copy', source_region => %1$L)$$),
         ('enqueue', $$SELECT rds_copy.enqueue_copy('arn:aws:rds:%1$s:123456789012:cluster-snapshot:x', 'rg-copy', source_region => %1$L)$$)
       ) AS c(name, call),
       LATERAL try(format(c.call, r)) AS t
 ORDER BY r, c.name;
-- the detail and hint of each
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1', region => 's3-external-1')$$);
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('arn:aws:rds:mars-north-1:123456789012:cluster-snapshot:x', 'rg-copy', source_region => 'mars-north-1')$$);
-- the configured region too (its shape is fine, so SET takes it; it is checked when used)
SET rds_copy.region = 'mars-north-1';
SELECT c.name, t.state, t.message
  FROM (VALUES
         ('copy', $$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'rg-copy')$$),
         ('copy_cross_region', $$SELECT rds_copy.rds_copy_db_cluster_snapshot('arn:aws:rds:us-west-2:123456789012:cluster-snapshot:west-snapshot', 'rg-copy', source_region => 'us-west-2')$$),
         ('describe', $$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1')$$),
         ('list', $$SELECT rds_copy.db_cluster_snapshots()$$),
         ('wait', $$SELECT rds_copy.wait_for_db_cluster_snapshot('my-cluster-snapshot1')$$),
         ('delete', $$SELECT rds_copy.delete_db_cluster_snapshot('my-cluster-snapshot1')$$),
         ('enqueue', $$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'rg-copy')$$)
       ) AS c(name, call),
       LATERAL try(c.call) AS t
 ORDER BY c.name;
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1')$$);
-- check() says so and sends nothing
SELECT check_name, ok, CASE WHEN NOT ok THEN detail END AS detail
  FROM rds_copy.check() WHERE check_name IN ('region', 'endpoint', 'signed_call');
RESET rds_copy.region;
-- none of these reached the stand-in, and enqueue_copy added no row
SELECT standin_requests() - :before AS requests_sent;
SELECT count(*) - :rows_before AS rows_added FROM rds_copy.copy_request;

-- a known region works against the stand-in (the positive control)
SELECT standin_requests_in('us-west-2') AS west_before \gset
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.describe_db_cluster_snapshot('west-snapshot', region => 'us-west-2');
SELECT standin_requests_in('us-west-2') - :west_before AS sent_to_us_west_2;
SELECT standin_requests() - :before AS requests_sent;

-- ---------------------------------------------------------------------------
-- rds_copy.allowed_regions narrows: a known region it does not list is refused
SET rds_copy.allowed_regions = 'us-east-1, eu-west-1';
SELECT standin_requests() AS before \gset
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('west-snapshot', region => 'us-west-2')$$);
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('arn:aws:rds:us-west-2:123456789012:cluster-snapshot:west-snapshot', 'rg-copy', source_region => 'us-west-2')$$);
SELECT (try($$SELECT rds_copy.enqueue_copy('arn:aws:rds:us-west-2:123456789012:cluster-snapshot:west-snapshot', 'rg-copy', source_region => 'us-west-2')$$)).message;
SELECT standin_requests() - :before AS requests_sent;
-- ... and the configured region too, when the list leaves it out
SET rds_copy.allowed_regions = 'eu-west-1';
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'rg-copy')$$);
SELECT (try($$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'rg-copy')$$)).message;
SELECT standin_requests() - :before AS requests_sent;
SELECT count(*) - :rows_before AS rows_added FROM rds_copy.copy_request;
-- what it lists still works
SET rds_copy.allowed_regions = 'us-east-1, eu-west-1';
SELECT db_cluster_snapshot_identifier FROM rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1');
SELECT count(*) AS listed FROM rds_copy.db_cluster_snapshots(region => 'eu-west-1');
SELECT standin_requests() - :before AS requests_sent;

-- ... and extends: a region-shaped name the built-in list does not know is
-- allowed when listed (a region newer than the list)
SELECT * FROM try($$SELECT rds_copy.db_cluster_snapshots(region => 'xx-newland-1')$$);
SET rds_copy.allowed_regions = 'us-east-1, xx-newland-1';
SELECT count(*) AS listed FROM rds_copy.db_cluster_snapshots(region => 'xx-newland-1');
SELECT standin_last()->>'action' AS action, standin_last()->>'region' AS signed_for_region;
SELECT standin_requests_in('xx-newland-1') AS sent_to_xx_newland_1;
RESET rds_copy.allowed_regions;
SELECT * FROM try($$SELECT rds_copy.db_cluster_snapshots(region => 'xx-newland-1')$$);

-- ---------------------------------------------------------------------------
-- queue rows are checked when they are sent: a row whose region or
-- source_region is refused ends 'failed' with 22023, and nothing is sent
INSERT INTO rds_copy.copy_request (source, target, region)
  VALUES ('my-cluster-snapshot1', 'rg-queued-1', 'mars-north-1') RETURNING id AS q1 \gset
INSERT INTO rds_copy.copy_request (source, target, source_region, region)
  VALUES ('arn:aws:rds:us-east-99:123456789012:cluster-snapshot:x', 'rg-queued-2', 'us-east-99', 'us-east-1')
  RETURNING id AS q2 \gset
SELECT rds_copy.process_queue() > 0 AS worked;
SELECT target, state, attempts, error_sqlstate, error_code, error_message
  FROM rds_copy.copy_request WHERE id IN (:q1, :q2) ORDER BY id;
SELECT standin_requests_for('rg-queued-1') AS sent_1, standin_requests_for('rg-queued-2') AS sent_2;

-- not one request of this file went to a made-up region (the journal holds the
-- requests that did go out: us-west-2's and xx-newland-1's above)
SELECT count(*) AS sent_to_made_up_regions FROM journal('regress.journal')
 WHERE entry->>'region' IN ('s3-external-1', 'us-east-99', 'mars-north-1')
    OR entry->>'source' LIKE 'arn:aws:rds:mars-north-1:%' OR entry->>'source' LIKE 'arn:aws:rds:us-east-99:%';

-- ---------------------------------------------------------------------------
-- endpoint variants (issue 12; the hosts themselves are proven against botocore
-- by test/unit/check_endpoints.py): the settings are superuser-only booleans
SELECT name, setting, vartype, context FROM pg_settings
 WHERE name IN ('rds_copy.use_fips_endpoint', 'rds_copy.use_dualstack_endpoint') ORDER BY name;
SET ROLE rds_copy_rg_user;
SELECT * FROM try($$SET rds_copy.use_fips_endpoint = on$$);
SELECT * FROM try($$SET rds_copy.use_dualstack_endpoint = on$$);
RESET ROLE;
-- a FIPS pseudo-region (botocore's endpoints.json names them) is its region with
-- FIPS: allowed, and signed for the region; here through the override, whose host
-- FIPS does not change (botocore ignores FIPS when an endpoint is given)
SELECT standin_requests_in('us-east-1') AS before_fips \gset
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1', region => 'us-east-1-fips');
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1', region => 'fips-us-east-1');
SELECT standin_requests_in('us-east-1') - :before_fips AS signed_for_us_east_1,
       standin_requests_in('us-east-1-fips') + standin_requests_in('fips-us-east-1') AS signed_for_a_pseudo_region;
-- its region must be allowed
SET rds_copy.allowed_regions = 'eu-west-1';
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1', region => 'us-east-1-fips')$$);
RESET rds_copy.allowed_regions;
-- FIPS and dual-stack on: the override still decides the host
SET rds_copy.use_fips_endpoint = on;
SET rds_copy.use_dualstack_endpoint = on;
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1', region => 'us-east-1');
-- dual-stack where botocore has none (aws-iso-f: its endpoints.json resolver,
-- asked before the rules and under an override too, raises): 22023, nothing sent
SELECT standin_requests() AS before_iso \gset
SELECT * FROM try($$SELECT rds_copy.db_cluster_snapshots(region => 'us-isof-south-1')$$);
SELECT standin_requests() - :before_iso AS sent_for_isof;
RESET rds_copy.use_fips_endpoint;
RESET rds_copy.use_dualstack_endpoint;

-- a source_region of another partition: AWS copies within a partition only;
-- refused before anything is sent
SET rds_copy.region = 'cn-north-1';
SELECT standin_requests() AS before_xp \gset
SELECT * FROM try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('arn:aws:rds:us-east-1:123456789012:cluster-snapshot:x', 'rg-xpart', source_region => 'us-east-1')$$);
SELECT standin_requests() - :before_xp AS sent_across_partitions;
RESET rds_copy.region;

DELETE FROM rds_copy.copy_request WHERE id IN (:q1, :q2);
DROP ROLE rds_copy_rg_user;
DROP FUNCTION standin_requests_in(text);
