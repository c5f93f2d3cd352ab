-- workflow: the companion calls (describe, list, wait, delete), the copy
-- queue (enqueue_copy, process_queue, cancel_copy) and the audit trail.
-- The queue's background workers serve database postgres, not this one: here
-- only process_queue works the queue, so every step is the test's own.
\set VERBOSITY default
\pset null '(null)'

-- requests the stand-in received for one action and snapshot (the target of
-- a copy, the DBClusterSnapshotIdentifier of a describe or delete)
CREATE FUNCTION standin_calls(action text, snapshot text) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM journal('regress.journal')
   WHERE entry->>'action' = action AND (coalesce(entry->>'target', entry->>'identifier') = snapshot
         OR coalesce(entry->'filter_ids', '[]') ? snapshot)  -- a batched Describe names several
$$;
-- the DescribeDBClusterSnapshots requests since journal line n, with the
-- parameters that pick what they list
CREATE FUNCTION standin_listings(since bigint) RETURNS TABLE (n bigint, params jsonb) LANGUAGE sql AS $$
  SELECT row_number() OVER (ORDER BY j.n), j.entry->'params' FROM journal('regress.journal') j
   WHERE j.n > since AND j.entry->>'action' = 'DescribeDBClusterSnapshots'
   ORDER BY j.n
$$;
-- the queue row without the columns that change per run
CREATE FUNCTION queue_row(row_id bigint) RETURNS TABLE (
    target text, state text, attempts integer, checks integer, percent_progress integer,
    sent boolean, finished boolean, due boolean, has_request_id boolean, snapshot_arn text,
    error_sqlstate text, error_code text, error_message text) LANGUAGE sql AS $$
  SELECT target, state, attempts, checks, percent_progress, sent_at IS NOT NULL,
         finished_at IS NOT NULL, next_check_at IS NOT NULL,
         r.request_id ~ '^[0-9a-f-]{36}$', snapshot_arn, error_sqlstate, error_code,
         regexp_replace(error_message, 'RequestId: [^ ]+\.$', 'RequestId: <id>.')
    FROM rds_copy.copy_request r WHERE r.id = row_id
$$;
-- make an unfinished queue row due now, instead of after its backoff
CREATE FUNCTION make_due(row_id bigint) RETURNS void LANGUAGE sql AS $$
  UPDATE rds_copy.copy_request SET next_check_at = now()
   WHERE id = row_id AND state IN ('queued', 'sending', 'copying')
$$;

-- ---------------------------------------------------------------------------
-- describe_db_cluster_snapshot
\x on
SELECT availability_zones, db_cluster_snapshot_identifier, db_cluster_identifier, snapshot_create_time,
       engine, status, percent_progress, snapshot_type, storage_encrypted, db_cluster_snapshot_arn,
       source_db_cluster_snapshot_arn, tags, request_id ~ '^[0-9a-f-]{36}$' AS has_request_id
  FROM rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1');
\x off
SELECT standin_last() - 'ts' AS last_request;
-- the jsonb twin, shaped like boto3's
SELECT key, value FROM jsonb_each(rds_copy.describe_db_cluster_snapshot_jsonb('my-cluster-snapshot1'))
 WHERE key IN ('DBClusterSnapshotIdentifier', 'Status', 'PercentProgress', 'TagList', 'AvailabilityZones',
               'SnapshotCreateTime', 'StorageEncrypted', 'StorageEncryptionType')
 ORDER BY key;
-- by ARN, and in another region
SELECT db_cluster_snapshot_identifier, status FROM rds_copy.describe_db_cluster_snapshot(
  'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:encrypted-snapshot');
SELECT db_cluster_snapshot_identifier, availability_zones
  FROM rds_copy.describe_db_cluster_snapshot('west-snapshot', region => 'us-west-2');
SELECT standin_last()->>'region' AS signed_for_region;
-- one that does not exist: 42704
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('wf-nope')$$);
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot_jsonb('wf-nope')$$);
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1', region => 'eu-west-1')$$);
SELECT standin_calls('DescribeDBClusterSnapshots', 'wf-nope') AS describes_of_wf_nope;
-- StorageEncryptionType: sse-kms with a KMS key, none without
SELECT db_cluster_snapshot_identifier, storage_encrypted, storage_encryption_type
  FROM rds_copy.describe_db_cluster_snapshot('encrypted-snapshot')
UNION ALL
SELECT db_cluster_snapshot_identifier, storage_encrypted, storage_encryption_type
  FROM rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1');
-- an automated snapshot (rds:...) by identifier: SnapshotType=automated goes
-- with it, as DescribeDBClusterSnapshots requires ("If this identifier is for
-- an automated snapshot, the SnapshotType parameter must also be
-- specified"; the stand-in does not find it without); a manual one goes
-- without; identifiers in any case
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/seed" '{"identifiers": ["rds:wf-cluster-2026-11-01-03-10"], "snapshot_type": "automated", "cluster": "wf-cluster"}' "$RDS_STANDIN_CA"
SELECT db_cluster_snapshot_identifier, snapshot_type, db_cluster_snapshot_arn
  FROM rds_copy.describe_db_cluster_snapshot('rds:wf-cluster-2026-11-01-03-10');
SELECT standin_last()->'params' AS params;
SELECT db_cluster_snapshot_identifier FROM rds_copy.describe_db_cluster_snapshot(
  'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:WF-Cluster-2026-11-01-03-10');
SELECT standin_last()->'params' AS params;
SELECT s->>'SnapshotType' AS snapshot_type
  FROM rds_copy.wait_for_db_cluster_snapshot_jsonb('RDS:wf-cluster-2026-11-01-03-10', poll_interval => '100 ms') AS s;
SELECT db_cluster_snapshot_identifier FROM rds_copy.describe_db_cluster_snapshot('My-Cluster-Snapshot1');
SELECT standin_last()->'params' AS params;

-- ---------------------------------------------------------------------------
-- db_cluster_snapshots: 230 automated and 20 manual snapshots of one cluster,
-- made at the stand-in without a request; 100 a page, so three pages
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/seed" '{"prefix": "wf-auto-", "count": 230, "cluster": "wf-paged", "snapshot_type": "automated"}' "$RDS_STANDIN_CA"
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/seed" '{"prefix": "wf-manual-", "count": 20, "cluster": "wf-paged"}' "$RDS_STANDIN_CA"
SELECT max(n) AS before FROM journal('regress.journal') \gset
SELECT count(*) AS snapshots, count(DISTINCT db_cluster_snapshot_identifier) AS distinct_ids,
       min(db_cluster_snapshot_identifier) AS first, max(db_cluster_snapshot_identifier) AS last,
       count(DISTINCT request_id) AS request_ids
  FROM rds_copy.db_cluster_snapshots(cluster => 'wf-paged');
-- every Marker was followed, each page asked for 100
SELECT * FROM standin_listings(:before);
-- filters
SELECT max(n) AS before FROM journal('regress.journal') \gset
SELECT snapshot_type, count(*) FROM rds_copy.db_cluster_snapshots(cluster => 'wf-paged', snapshot_type => 'automated')
 GROUP BY 1;
SELECT snapshot_type, count(*) FROM rds_copy.db_cluster_snapshots('wf-paged', 'manual', include_shared => true)
 GROUP BY 1;
SELECT count(*) FROM rds_copy.db_cluster_snapshots(cluster => 'wf-no-such-cluster');
SELECT * FROM standin_listings(:before);
-- another region; the jsonb twin
SELECT db_cluster_snapshot_identifier FROM rds_copy.db_cluster_snapshots(region => 'us-west-2') ORDER BY 1;
SELECT count(*), count(DISTINCT s->>'DBClusterSnapshotIdentifier'), min(s->>'SnapshotType'), max(s->>'SnapshotType')
  FROM rds_copy.db_cluster_snapshots_jsonb(cluster => 'wf-paged') AS s;
-- usable in a query like a table
SELECT db_cluster_snapshot_identifier FROM rds_copy.db_cluster_snapshots(cluster => 'wf-paged')
 WHERE db_cluster_snapshot_identifier LIKE 'wf-manual-001%' ORDER BY 1 LIMIT 3;

-- ---------------------------------------------------------------------------
-- wait_for_db_cluster_snapshot: each Describe moves a copy 25 % further here
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/config" '{"progress_step": 25}' "$RDS_STANDIN_CA"
SELECT status, percent_progress FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'wf-wait-1');
SELECT db_cluster_snapshot_identifier, status, percent_progress
  FROM rds_copy.wait_for_db_cluster_snapshot('wf-wait-1', timeout => '1 minute', poll_interval => '100 ms');
SELECT standin_calls('DescribeDBClusterSnapshots', 'wf-wait-1') AS describes;
-- an available one returns at once, without a NOTICE
SELECT s->>'Status' AS status, s->'PercentProgress' AS percent
  FROM rds_copy.wait_for_db_cluster_snapshot_jsonb('wf-wait-1', poll_interval => '100 ms') AS s;
SELECT standin_calls('DescribeDBClusterSnapshots', 'wf-wait-1') AS describes;
-- creating, then copying from 0 to 100 %, then available
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/config" '{"progress_step": 50, "creating_describes": 2}' "$RDS_STANDIN_CA"
SELECT status, percent_progress FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'wf-wait-2');
SELECT status, percent_progress
  FROM rds_copy.wait_for_db_cluster_snapshot('wf-wait-2', poll_interval => '100 ms');
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/config" '{"creating_describes": 0}' "$RDS_STANDIN_CA"
-- a copy that never finishes: the timeout is RC001, with where it stands
SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('ends-copying-1', 'wf-stuck');
-- polled every 200 ms: at least 3 Describes (the default interval, 30 s, would
-- make 1 or 2), and never more than one per 200 ms of the wait as the server
-- timed it (so a loaded machine, where each Describe takes longer, is fine)
SELECT clock_timestamp() AS wait_started \gset
SELECT * FROM try($$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-stuck', timeout => '1 second', poll_interval => '200 ms')$$);
SELECT standin_calls('DescribeDBClusterSnapshots', 'wf-stuck')
         BETWEEN 3 AND floor(extract(epoch FROM clock_timestamp() - :'wait_started') / 0.2) + 2 AS polled_every_200ms;
-- a zero timeout describes once
SELECT (try($$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-stuck', timeout => '0', poll_interval => '100 ms')$$)).state;
-- a statement_timeout is a cancel (57014), not a wait timeout
\set VERBOSITY terse
SET statement_timeout = '500ms';
SELECT status FROM rds_copy.wait_for_db_cluster_snapshot('wf-stuck', poll_interval => '100 ms');
RESET statement_timeout;
\set VERBOSITY default
-- a copy that fails: 55000, at once
SELECT status FROM rds_copy.rds_copy_db_cluster_snapshot('ends-failed-2', 'wf-fails');
SELECT * FROM try($$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-fails', poll_interval => '100 ms')$$);
SELECT standin_calls('DescribeDBClusterSnapshots', 'wf-fails') AS describes;
-- every status that cannot become available
SELECT status, (try(format('SELECT rds_copy.wait_for_db_cluster_snapshot_jsonb(%L, poll_interval => %L)',
                           'wf-ends-' || status, '100 ms'))).message
  FROM (SELECT status, rds_copy.rds_copy_db_cluster_snapshot('ends-' || status || '-1', 'wf-ends-' || status)
          FROM unnest(ARRAY['failed', 'deleted', 'deleting', 'incompatible-restore', 'incompatible-parameters'])
            AS status) AS copies
 ORDER BY 1;
-- waiting for one that does not exist
SELECT * FROM try($$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-nope', poll_interval => '100 ms')$$);

-- ---------------------------------------------------------------------------
-- delete_db_cluster_snapshot
SELECT db_cluster_snapshot_identifier, status, db_cluster_snapshot_arn, request_id ~ '^[0-9a-f-]{36}$' AS has_request_id
  FROM rds_copy.delete_db_cluster_snapshot('wf-wait-1');
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('wf-wait-1')$$);
SELECT * FROM try($$SELECT rds_copy.delete_db_cluster_snapshot('wf-wait-1')$$);
-- deleting a copy in progress cancels it
SELECT s->>'DBClusterSnapshotIdentifier' AS id, s->>'Status' AS status
  FROM rds_copy.delete_db_cluster_snapshot_jsonb('wf-stuck') AS s;
SELECT (try($$SELECT rds_copy.describe_db_cluster_snapshot('wf-stuck')$$)).state;
SELECT standin_calls('DeleteDBClusterSnapshot', 'wf-wait-1') AS deletes_1, standin_calls('DeleteDBClusterSnapshot', 'wf-stuck') AS deletes_2;

-- ---------------------------------------------------------------------------
-- bad arguments are refused before anything is sent
SELECT standin_requests() AS before \gset
SELECT call, (try(call)).*
  FROM unnest(ARRAY[
    $$SELECT rds_copy.describe_db_cluster_snapshot(NULL)$$,
    $$SELECT rds_copy.describe_db_cluster_snapshot('')$$,
    $$SELECT rds_copy.describe_db_cluster_snapshot('has space')$$,
    $$SELECT rds_copy.describe_db_cluster_snapshot('wf-a', region => 'evil.com/x?')$$,
    $$SELECT rds_copy.describe_db_cluster_snapshot('wf-a', region => '')$$,
    $$SELECT rds_copy.describe_db_cluster_snapshot_jsonb(' ')$$,
    $$SELECT rds_copy.db_cluster_snapshots(cluster => 'bad cluster')$$,
    $$SELECT rds_copy.db_cluster_snapshots(snapshot_type => 'weekly')$$,
    $$SELECT rds_copy.db_cluster_snapshots(region => 'US-EAST-1')$$,
    $$SELECT rds_copy.db_cluster_snapshots_jsonb(snapshot_type => '')$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot(NULL)$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-a', timeout => NULL)$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-a', poll_interval => NULL)$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-a', timeout => '-1 second')$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-a', poll_interval => '10 ms')$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-a', poll_interval => '-1 day')$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot('wf-a', region => 'x')$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot_jsonb('')$$,
    $$SELECT rds_copy.delete_db_cluster_snapshot(NULL)$$,
    $$SELECT rds_copy.delete_db_cluster_snapshot('a b')$$,
    $$SELECT rds_copy.delete_db_cluster_snapshot('wf-a', region => 'us-east-1.evil.com')$$,
    $$SELECT rds_copy.delete_db_cluster_snapshot_jsonb(NULL)$$,
    $$SELECT rds_copy.process_queue(0)$$,
    $$SELECT rds_copy.process_queue(NULL)$$,
    $$SELECT rds_copy.cancel_copy(-1)$$
  ]) AS call;
-- no region configured
SET rds_copy.region = '';
SET rds_copy.profile = 'session';   -- its config file has no region for it either
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1')$$);
SELECT * FROM try($$SELECT rds_copy.db_cluster_snapshots()$$);
RESET rds_copy.region;
RESET rds_copy.profile;
SELECT standin_requests() - :before AS requests_sent;

-- ---------------------------------------------------------------------------
-- enqueue_copy refuses what the direct copy refuses, with the same error, and
-- adds no row
SELECT count(*) AS rows_before FROM rds_copy.copy_request \gset
SELECT args, d.state, d.message, (d.state, d.message, d.detail, d.hint) IS NOT DISTINCT FROM (e.state, e.message, e.detail, e.hint) AS same_error
  FROM unnest(ARRAY[
    $$NULL, 'wf-q'$$,
    $$'my-cluster-snapshot1', NULL$$,
    $$'my-cluster-snapshot1', 'a--b'$$,
    $$'my-cluster-snapshot1', '1abc'$$,
    $$'', 'wf-q'$$,
    $$'my-cluster-snapshot1', 'wf-q', kms_key => ''$$,
    $$'my-cluster-snapshot1', 'wf-q', tags => '{"aws:k": "v"}'$$,
    $$'my-cluster-snapshot1', 'wf-q', tags => '[{"Key": "k"}]'$$,
    $$'my-cluster-snapshot1', 'wf-q', tags => '42'$$,
    $$'west-snapshot', 'wf-q', source_region => 'us-west-2'$$,
    $$'arn:aws:rds:us-west-2:123456789012:cluster-snapshot:x', 'wf-q', source_region => 'evil.com/x?'$$
  ]) AS args,
  LATERAL try(format('SELECT rds_copy.rds_copy_db_cluster_snapshot(%s)', args)) AS d,
  LATERAL try(format('SELECT rds_copy.enqueue_copy(%s)', args)) AS e;
SET rds_copy.region = '';
SET rds_copy.profile = 'session';   -- its config file has no region for it either
SELECT * FROM try($$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q')$$);
RESET rds_copy.region;
RESET rds_copy.profile;
SELECT count(*) - :rows_before AS rows_added FROM rds_copy.copy_request;
SELECT standin_requests() - :before AS requests_sent;

-- ---------------------------------------------------------------------------
-- the queue; nothing is sent while a row is not committed, nor ever after a
-- rollback
BEGIN;
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-rolled-back') > 0 AS enqueued;
SELECT state, region, requested_by = current_user AS by_me FROM rds_copy.copy_request WHERE target = 'wf-q-rolled-back';
ROLLBACK;
SELECT count(*) AS rows_left FROM rds_copy.copy_request WHERE target = 'wf-q-rolled-back';
SELECT rds_copy.process_queue() AS worked;
SELECT standin_calls('CopyDBClusterSnapshot', 'wf-q-rolled-back') AS copies_sent;

-- a committed row is sent by process_queue, once
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-1', copy_tags => true, tags => '{"purpose": "regress"}') AS q1 \gset
SELECT source, target, kms_key, copy_tags, tags, source_region, region, state, attempts,
       requested_by = current_user AS by_me, sent_at, finished_at, next_check_at
  FROM rds_copy.copy_request WHERE id = :q1;
SELECT standin_calls('CopyDBClusterSnapshot', 'wf-q-1') AS copies_sent;
SELECT rds_copy.process_queue() AS worked;
SELECT * FROM queue_row(:q1);
SELECT standin_calls('CopyDBClusterSnapshot', 'wf-q-1') AS copies_sent;
SELECT entry->>'source' AS source, entry->>'outcome' AS outcome FROM journal('regress.journal')
 WHERE entry->>'target' = 'wf-q-1';
-- the copy is followed to the end: not due yet, then due
SELECT rds_copy.process_queue() AS worked;
SELECT make_due(:q1);
SELECT rds_copy.process_queue() AS worked;
SELECT * FROM queue_row(:q1);
SELECT make_due(:q1);
SELECT rds_copy.process_queue(1) AS worked;
SELECT * FROM queue_row(:q1);
SELECT rds_copy.process_queue() AS worked;
SELECT standin_calls('CopyDBClusterSnapshot', 'wf-q-1') AS copies, standin_calls('DescribeDBClusterSnapshots', 'wf-q-1') AS describes;

-- a copy the stand-in reports as creating first is followed through copying
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/config" '{"creating_describes": 1}' "$RDS_STANDIN_CA"
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-creating') AS qn \gset
SELECT rds_copy.process_queue() AS worked;
\! /usr/bin/python3 test/standin/fakectl.py "$RDS_STANDIN_URL/__standin/config" '{"creating_describes": 0}' "$RDS_STANDIN_CA"
SELECT state, percent_progress FROM rds_copy.copy_request WHERE id = :qn;
SELECT make_due(:qn);
SELECT rds_copy.process_queue() AS worked;
SELECT state, percent_progress FROM rds_copy.copy_request WHERE id = :qn;
SELECT make_due(:qn);
SELECT rds_copy.process_queue() AS worked;
SELECT make_due(:qn);
SELECT rds_copy.process_queue() AS worked;
SELECT state, checks, percent_progress FROM rds_copy.copy_request WHERE id = :qn;

-- one unfinished request per target: 23505
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-dup') AS dup \gset
SELECT * FROM try($$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-dup')$$);
-- ... in any case: AWS's identifiers are not case-sensitive
SELECT * FROM try($$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'WF-Q-Dup')$$);
-- a queued row is cancelled; nothing is ever sent for it
SELECT target, state, finished_at IS NOT NULL AS finished, next_check_at FROM rds_copy.cancel_copy(:dup);
SELECT rds_copy.process_queue() AS worked;
SELECT standin_calls('CopyDBClusterSnapshot', 'wf-q-dup') AS copies_sent;
SELECT * FROM try(format('SELECT rds_copy.cancel_copy(%s)', :dup));
-- once it is finished, the target may be queued again
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-dup') > :dup AS queued_again;
SELECT * FROM try($$SELECT rds_copy.cancel_copy(id) FROM rds_copy.copy_request WHERE target = 'wf-q-dup' AND state = 'queued'$$);
SELECT target, state FROM rds_copy.copy_request WHERE target = 'wf-q-dup' ORDER BY id;

-- a target in upper case: AWS shows it in lower case, the queue follows it
-- all the same (the row keeps the target as given)
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'WF-Q-Upper') AS qu \gset
SELECT rds_copy.process_queue() AS worked;
SELECT make_due(:qu);
SELECT rds_copy.process_queue() AS worked;
SELECT make_due(:qu);
SELECT rds_copy.process_queue() AS worked;
SELECT target, state, checks, percent_progress, error_sqlstate, snapshot_arn
  FROM rds_copy.copy_request WHERE id = :qu;

-- retry_copy of a failed row while another unfinished row names its target in
-- another case: 23505, the row stays failed
SELECT rds_copy.enqueue_copy('fault-InvalidDBClusterSnapshotStateFault', 'wf-q-retry-case') AS qr \gset
SELECT rds_copy.process_queue() AS worked;
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'WF-Q-Retry-Case') AS qr2 \gset
SELECT * FROM try(format('SELECT rds_copy.retry_copy(%s)', :qr));
SELECT target, state FROM rds_copy.copy_request WHERE id IN (:qr, :qr2) ORDER BY id;
SELECT state FROM rds_copy.cancel_copy(:qr2);

-- cancelling a copying row deletes its target
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-cancel') AS qc \gset
SELECT rds_copy.process_queue() AS worked;
SELECT state FROM rds_copy.copy_request WHERE id = :qc;
SELECT target, state, finished_at IS NOT NULL AS finished FROM rds_copy.cancel_copy(:qc);
SELECT standin_calls('DeleteDBClusterSnapshot', 'wf-q-cancel') AS deletes;
SELECT (try($$SELECT rds_copy.describe_db_cluster_snapshot('wf-q-cancel')$$)).state;
-- a 'sending' row cannot be cancelled (its send may be under way)
UPDATE rds_copy.copy_request SET state = 'sending' WHERE id = :dup;
SELECT (try(format('SELECT rds_copy.cancel_copy(%s)', :dup))).*;
UPDATE rds_copy.copy_request SET state = 'cancelled', finished_at = now() WHERE id = :dup;

-- a send that fails for good: failed, with the SQLSTATE, AWS code and message
SELECT rds_copy.enqueue_copy('fault-AccessDenied', 'wf-q-denied') AS qd \gset
SELECT rds_copy.process_queue() AS worked;
SELECT * FROM queue_row(:qd);
-- a copy that turns failed while it is followed
SELECT rds_copy.enqueue_copy('ends-failed-2', 'wf-q-fails') AS qf \gset
SELECT rds_copy.process_queue() AS worked;
SELECT make_due(:qf);
SELECT rds_copy.process_queue() AS worked;
SELECT make_due(:qf);
SELECT rds_copy.process_queue() AS worked;
SELECT * FROM queue_row(:qf);
-- a target that vanished while it was followed
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-vanishes') AS qv \gset
SELECT rds_copy.process_queue() AS worked;
SELECT status FROM rds_copy.delete_db_cluster_snapshot('wf-q-vanishes');
SELECT make_due(:qv);
SELECT rds_copy.process_queue() AS worked;
SELECT * FROM queue_row(:qv);
-- a connection failure (three 503s: every attempt of one send, as
-- rds_copy.max_attempts is 3) goes back to queued, with backoff; the next
-- send goes through, and the copy is followed to the end
SELECT rds_copy.enqueue_copy('flaky-503-3', 'wf-q-flaky') AS qr \gset
SELECT rds_copy.process_queue() AS worked;
SELECT * FROM queue_row(:qr);
SELECT next_check_at > now() AS backing_off FROM rds_copy.copy_request WHERE id = :qr;
SELECT make_due(:qr);
SELECT rds_copy.process_queue() AS worked;
SELECT * FROM queue_row(:qr);
SELECT standin_calls('CopyDBClusterSnapshot', 'wf-q-flaky') AS copy_requests;
SELECT make_due(:qr);
SELECT rds_copy.process_queue() AS worked;
SELECT make_due(:qr);
SELECT rds_copy.process_queue() AS worked;
SELECT * FROM queue_row(:qr);
-- a send that takes 2 s: the wait before the first check counts from the
-- reply, not from when the send began
SELECT rds_copy.enqueue_copy('delayed-2', 'wf-q-slow') AS qs \gset
SELECT rds_copy.process_queue() AS worked;
SELECT state, percent_progress, next_check_at - sent_at >= interval '2.5 seconds' AS wait_counts_from_reply
  FROM rds_copy.copy_request WHERE id = :qs;
SELECT make_due(:qs);
SELECT rds_copy.process_queue() AS worked;
SELECT make_due(:qs);
SELECT rds_copy.process_queue() AS worked;
SELECT state, percent_progress, finished_at - sent_at >= interval '2 seconds' AS finished_after_sent
  FROM rds_copy.copy_request WHERE id = :qs;
-- several rows at once: each is sent once
SELECT count(rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-q-many-' || i)) FROM generate_series(1, 6) AS i;
SELECT rds_copy.process_queue(100) AS worked;
SELECT state, count(*) FROM rds_copy.copy_request WHERE target LIKE 'wf-q-many-%' GROUP BY 1;
SELECT count(*) AS copy_requests, count(DISTINCT entry->>'target') AS targets FROM journal('regress.journal')
 WHERE entry->>'action' = 'CopyDBClusterSnapshot' AND entry->>'target' LIKE 'wf-q-many-%';
-- max_requests is a budget
SELECT make_due(id) FROM rds_copy.copy_request WHERE target LIKE 'wf-q-many-%';
SELECT rds_copy.process_queue(4) AS worked;
SELECT rds_copy.process_queue(100) AS worked;
SELECT make_due(id) FROM rds_copy.copy_request WHERE target LIKE 'wf-q-many-%';
SELECT rds_copy.process_queue(100) AS worked;
SELECT state, count(*), min(checks), max(checks), min(percent_progress) FROM rds_copy.copy_request
 WHERE target LIKE 'wf-q-many-%' GROUP BY 1;
-- nothing left to do
SELECT count(*) FROM rds_copy.copy_request WHERE state IN ('queued', 'sending', 'copying');

-- ---------------------------------------------------------------------------
-- the audit trail: this session's calls, in order (a queue worker's calls carry
-- its row)
SELECT action, region, source, target, outcome, sqlstate, aws_code, attempts,
       request_id ~ '^[0-9a-f-]{36}$' AS has_request_id, username = current_user AS by_me,
       database = current_database() AS this_db, latency >= '0' AS has_latency, queue_id
  FROM rds_copy.recent_requests
 WHERE pid = pg_backend_pid() AND coalesce(target, '') ~ '^wf-(nope|wait-1|fails)$'
 ORDER BY at;
SELECT count(*) AS by_queue_workers, bool_and(pid <> pg_backend_pid()) AS not_this_session,
       bool_and(action IN ('CopyDBClusterSnapshot', 'DescribeDBClusterSnapshots')) AS actions
  FROM rds_copy.recent_requests WHERE queue_id = :q1;
-- a call whose transaction rolls back is still there
BEGIN;
SELECT (try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('wf-no-source', 'wf-audit-rollback')$$)).state;
ROLLBACK;
SELECT action, source, target, outcome, sqlstate, aws_code FROM rds_copy.recent_requests
 WHERE target = 'wf-audit-rollback';
-- and a bad argument, never sent, is not a call
SELECT count(*) FROM rds_copy.recent_requests WHERE target = 'a--b';
-- never a secret
\getenv secrets RDS_TEST_SECRET_PATTERN
SELECT count(*) FILTER (WHERE r::text ~ :'secrets') AS rows_with_secrets,
       count(*) FILTER (WHERE outcome = 'ok') > 0 AS signed_calls_looked_at
  FROM rds_copy.recent_requests r;
\d rds_copy.recent_requests

-- ---------------------------------------------------------------------------
-- privileges: nothing for PUBLIC
SELECT p.proname, p.proacl FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'rds_copy' ORDER BY 1;
-- (who holds privileges, and whether PUBLIC holds any, rather than the ACL
-- strings: PostgreSQL 17 added MAINTAIN, "m", to a table's ACL)
SELECT c.relname,
       coalesce((SELECT string_agg(DISTINCT CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, ', ')
                   FROM aclexplode(c.relacl) a), '(default: owner only)') AS grantees,
       CASE WHEN c.relkind = 'S' THEN has_sequence_privilege('public', c.oid, 'USAGE, SELECT, UPDATE')
            ELSE has_table_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') END
         AS public_has_any
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'rds_copy' AND c.relkind IN ('r', 'v', 'S') ORDER BY 1;
CREATE ROLE rds_copy_wf_nobody LOGIN;
CREATE ROLE rds_copy_wf_backup LOGIN;
SELECT standin_requests() AS before \gset
SET ROLE rds_copy_wf_nobody;
SELECT * FROM try($$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1')$$);
SELECT * FROM try($$SELECT * FROM rds_copy.recent_requests$$);
RESET ROLE;
GRANT USAGE ON SCHEMA rds_copy TO rds_copy_wf_nobody;
SET ROLE rds_copy_wf_nobody;
SELECT call, t.state, t.message
  FROM unnest(ARRAY[
    $$SELECT rds_copy.describe_db_cluster_snapshot('my-cluster-snapshot1')$$,
    $$SELECT rds_copy.db_cluster_snapshots()$$,
    $$SELECT rds_copy.wait_for_db_cluster_snapshot('my-cluster-snapshot1')$$,
    $$SELECT rds_copy.delete_db_cluster_snapshot('my-cluster-snapshot1')$$,
    $$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-nobody')$$,
    $$SELECT rds_copy.process_queue()$$,
    $$SELECT rds_copy.cancel_copy(1)$$,
    $$SELECT * FROM rds_copy.recent_requests$$,
    $$SELECT * FROM rds_copy.recent_request_records()$$,
    $$SELECT * FROM rds_copy.copy_request$$,
    $$INSERT INTO rds_copy.copy_request (source, target, region) VALUES ('a', 'b', 'us-east-1')$$
  ]) AS call, LATERAL try(call) AS t;
RESET ROLE;
SELECT standin_requests() - :before AS requests_sent;
-- the queue's part of what the README grants a backup role (its whole
-- grants block runs in test/integration/docs.sh) is enough for a queued
-- copy: no privilege on the table but SELECT
GRANT USAGE ON SCHEMA rds_copy TO rds_copy_wf_backup;
GRANT EXECUTE ON FUNCTION rds_copy.describe_db_cluster_snapshot(text, text),
    rds_copy.enqueue_copy(text, text, text, boolean, jsonb, text), rds_copy.process_queue(integer),
    rds_copy.cancel_copy(bigint), rds_copy.retry_copy(bigint),
    rds_copy.recent_request_records() TO rds_copy_wf_backup;
GRANT SELECT ON rds_copy.copy_request, rds_copy.recent_requests TO rds_copy_wf_backup;
SET ROLE rds_copy_wf_backup;
SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-by-backup') AS qb \gset
SELECT requested_by FROM rds_copy.copy_request WHERE id = :qb;
SELECT rds_copy.process_queue() AS worked;
SELECT state, attempts FROM rds_copy.copy_request WHERE id = :qb;
SELECT action, target, username, outcome FROM rds_copy.recent_requests WHERE queue_id = :qb;
SELECT status FROM rds_copy.describe_db_cluster_snapshot('wf-by-backup');
-- not granted: delete
SELECT (try($$SELECT rds_copy.delete_db_cluster_snapshot('wf-by-backup')$$)).message;
RESET ROLE;
DROP OWNED BY rds_copy_wf_nobody, rds_copy_wf_backup;
DROP ROLE rds_copy_wf_nobody;
DROP ROLE rds_copy_wf_backup;

-- the queue's table gone (renamed away, rolled back): enqueue_copy, cancel_copy
-- and retry_copy stop with 42P01 before they act as its owner
BEGIN;
ALTER TABLE rds_copy.copy_request RENAME TO copy_request_away;
SELECT call, t.state, t.message
  FROM unnest(ARRAY[
    $$SELECT rds_copy.enqueue_copy('my-cluster-snapshot1', 'wf-no-table')$$,
    $$SELECT rds_copy.cancel_copy(1)$$,
    $$SELECT rds_copy.retry_copy(1)$$]) WITH ORDINALITY AS u(call, i),
       LATERAL try(call) t
 ORDER BY i;
ROLLBACK;
SELECT count(*) AS no_table_rows FROM rds_copy.copy_request WHERE target = 'wf-no-table';
