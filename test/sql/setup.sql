-- setup: install the extension and the helpers the other tests use
CREATE EXTENSION rds_copy;
-- (pg_extension, not psql's \dx, whose columns differ between majors)
SELECT e.extname, e.extversion, n.nspname AS schema, obj_description(e.oid, 'pg_extension') AS description
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'rds_copy';
SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
 WHERE t.typname = 'db_cluster_snapshot';

-- where the stand-in writes one line per request it receives
\getenv journal RDS_STANDIN_JOURNAL
\getenv fake_journal RDS_FAKE_JOURNAL
\set ECHO none
SELECT format('ALTER DATABASE %I SET regress.journal = %L', current_database(), :'journal') \gexec
SELECT format('ALTER DATABASE %I SET regress.fake_journal = %L', current_database(), :'fake_journal') \gexec
\set ECHO all

-- the lines of a journal (the setting names its file), in order, as jsonb;
-- a journal that is missing or cannot be read is an error, never "no requests"
-- (the stand-in and the fakes create theirs when they start)
CREATE FUNCTION journal(setting text) RETURNS TABLE (n bigint, entry jsonb) LANGUAGE sql AS $$
  SELECT n, l::jsonb FROM regexp_split_to_table(
    pg_read_file(current_setting(setting), 0, 100000000), E'\n')
    WITH ORDINALITY AS j(l, n)
  WHERE l <> ''
$$;

-- requests the stand-in has received so far, and the last one
CREATE FUNCTION standin_requests() RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM journal('regress.journal')
$$;
CREATE FUNCTION standin_last() RETURNS jsonb LANGUAGE sql AS $$
  SELECT entry FROM journal('regress.journal') ORDER BY n DESC LIMIT 1
$$;

-- requests the stand-in received for one target
CREATE FUNCTION standin_requests_for(target text) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM journal('regress.journal') WHERE entry->>'target' = target
$$;

-- requests the fake credential sources (imds, container, sts) have received, and the last one
CREATE FUNCTION fake_requests(server text) RETURNS bigint LANGUAGE sql AS $$
  SELECT count(*) FROM journal('regress.fake_journal') WHERE entry->>'server' = server
$$;
CREATE FUNCTION fake_last(server text) RETURNS jsonb LANGUAGE sql AS $$
  SELECT entry FROM journal('regress.fake_journal') WHERE entry->>'server' = server
   ORDER BY n DESC LIMIT 1
$$;

-- run a statement; the "after N attempts" its error's context reports, if any
CREATE FUNCTION try_attempts(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  ctx text;
  state text;
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT, state = RETURNED_SQLSTATE;
  RETURN state || ' ' || coalesce(substring(ctx from 'after \d+ attempts'), 'after 1 attempt');
END
$$;

-- the test's temporary directory, which changes per run, as <work>
CREATE FUNCTION mask_work(s text) RETURNS text LANGUAGE sql AS $$
  SELECT regexp_replace(s, '/tmp/rds_copy_test\.[A-Za-z0-9]+', '<work>', 'g')
$$;

-- run a statement; report its SQLSTATE, message, detail and hint
-- (RequestIds and the test's temporary directory, which change per run, are masked)
CREATE FUNCTION try(stmt text, OUT state text, OUT message text, OUT detail text, OUT hint text)
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  state := '00000';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
                          detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
  detail := regexp_replace(detail, 'RequestId: [^ ]+\.$', 'RequestId: <id>.');
  message := mask_work(message);
  detail := mask_work(detail);
  hint := mask_work(hint);
END
$$;
