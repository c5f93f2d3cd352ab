-- security: privileges, superuser-only settings, no secret anywhere
CREATE ROLE rds_copy_nobody LOGIN;
CREATE ROLE rds_copy_backup LOGIN;
GRANT USAGE ON SCHEMA rds_copy TO rds_copy_backup;
GRANT EXECUTE ON FUNCTION rds_copy.rds_copy_db_cluster_snapshot(text, text, text, boolean, jsonb, text)
  TO rds_copy_backup;
-- nothing is granted to PUBLIC
SELECT p.proname, p.proacl FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'rds_copy' ORDER BY 1;
SELECT nspacl FROM pg_namespace WHERE nspname = 'rds_copy';

SELECT standin_requests() AS before \gset
SET ROLE rds_copy_nobody;
SELECT * FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'sec-1');
-- the tests preload the library, so such a SET is refused at once (without
-- preloading it would make a placeholder, thrown away with a WARNING when the
-- library loads: test/integration/workflow.sh, test_without_preload)
SET rds_copy.endpoint_url = 'https://127.0.0.1:1';
RESET ROLE;
SET ROLE rds_copy_backup;
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'sec-granted');
-- the refused SET changed nothing: the setting is still the stand-in's URL,
-- and the copy above went there (had the SET stuck, the copy would have
-- failed to connect and the setting would name port 1)
\getenv standin_url RDS_STANDIN_URL
SELECT current_setting('rds_copy.endpoint_url') = :'standin_url' AS endpoint_unchanged;
-- once it is loaded, such a SET is refused outright
SET ROLE rds_copy_nobody;
SET rds_copy.endpoint_url = 'https://127.0.0.1:1';
SET rds_copy.region = 'eu-west-1';
SET rds_copy.profile = 'wrong-secret';
SET rds_copy.ca_file = '/etc/passwd';
SET rds_copy.max_response_size = '64MB';
-- timeouts are the caller's own business
SET rds_copy.request_timeout = '10s';
RESET rds_copy.request_timeout;
RESET ROLE;
SELECT standin_requests() - :before AS requests_sent, standin_requests_for('sec-granted') AS sec_granted_requests;

SET ROLE rds_copy_backup;
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'sec-granted-2');
-- but not with the jsonb twin, which was not granted
SELECT rds_copy.rds_copy_db_cluster_snapshot_jsonb('my-cluster-snapshot1', 'sec-2');

-- no secret in any setting a user can see, nor in an error (the pattern is
-- test/lib/secrets.sh's, through the environment)
\getenv secrets RDS_TEST_SECRET_PATTERN
SELECT count(*) AS settings_with_secrets FROM pg_settings
 WHERE setting ~ :'secrets';
RESET ROLE;
SET rds_copy.profile = 'wrong-secret';
SET ROLE rds_copy_backup;
SELECT (try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'sec-3')$$)) AS r \gset
SELECT :'r' ~ :'secrets' AS error_shows_secret, :'r' ~ '28000' AS is_28000;
RESET ROLE;
-- AWS echoes the signed headers, session token included, when a signature
-- does not match: the token is blanked out before the text reaches an error
SET rds_copy.profile = 'session-wrong-secret';
SELECT (try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'sec-4')$$)).* \gset
SELECT :'state' AS state, :'detail' ~ 'x-amz-security-token:\*{26}' AS token_blanked,
       :'detail' ~ 'FAKESESSIONTOKEN' AS detail_shows_token;
-- an endpoint that echoes the caller's secret access key and session token
-- (a broken proxy, a hostile endpoint; the stand-in's fault-echo-secret),
-- as they are, percent-encoded as in a pre-signed URL, and encoded twice:
-- all are blanked out before the text reaches an error; positive control:
-- the blanks, of each form's length, are where the stand-in put them
SET rds_copy.profile = 'session';
SELECT (try($$SELECT rds_copy.rds_copy_db_cluster_snapshot('fault-echo-secret', 'sec-5')$$)).* \gset
SELECT :'state' AS state,
       :'detail' ~ 'secret access key \*{25} session token \*{26} encoded secret \*{29} encoded token \*{34} encoded twice \*{42} end' AS all_blanked,
       :'detail' ~ :'secrets' AS detail_shows_secret;
RESET rds_copy.profile;

-- no secret in the server log; positive control: the log is there and has
-- lines about this file's calls (pg_read_file errors if it cannot be read)
\getenv log RDS_TEST_SERVER_LOG
SELECT pg_read_file(:'log') ~ :'secrets' AS log_shows_secret,
       pg_read_file(:'log') ~ 'target "sec-granted"' AS log_has_the_calls;

DROP ROLE rds_copy_nobody;
REVOKE ALL ON FUNCTION rds_copy.rds_copy_db_cluster_snapshot(text, text, text, boolean, jsonb, text) FROM rds_copy_backup;
REVOKE ALL ON SCHEMA rds_copy FROM rds_copy_backup;
DROP ROLE rds_copy_backup;
