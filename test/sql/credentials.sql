-- credentials: the shared files' profiles, roles assumed at the (fake) STS,
-- rds_copy.role_arn, credentials() and check()
\pset null '(null)'

-- static keys from the credentials file: never a secret, the key id masked
SELECT mask_work(source) AS source, access_key_id, expiration FROM rds_copy.credentials();

-- a role assumed with the keys of another profile (role_arn + source_profile)
SET rds_copy.profile = 'assume';
SELECT fake_requests('sts') AS sts_before \gset
SELECT mask_work(source) AS source, access_key_id ~ '^\*{4}\d{4}$' AS masked,
       expiration BETWEEN now() + '55 min' AND now() + '61 min' AS expires_in_an_hour
  FROM rds_copy.credentials();
SELECT fake_last('sts') - 'ts' - 'request_id' - 'issued_akid' AS sts_request;
-- the copy is signed with the temporary key STS issued
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'cred-assume');
SELECT standin_last()->>'akid' = fake_last('sts')->>'issued_akid' AS signed_with_issued_key;
-- cached: one AssumeRole served credentials() and all these calls
SELECT count(*) FROM (SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'cred-assume-' || i)
                        FROM generate_series(1, 3) i) s;
SELECT fake_requests('sts') - :sts_before AS sts_requests;

-- a chain of roles
SET rds_copy.profile = 'assume-chain';
SELECT mask_work(source) AS source FROM rds_copy.credentials();
-- ExternalId from the profile
SET rds_copy.profile = 'needs-external-id';
SELECT mask_work(source) AS source FROM rds_copy.credentials();
SELECT fake_last('sts')->>'external_id' AS external_id_sent;
-- failures name the source and the cause, never a secret
SET rds_copy.profile = 'denied';
SELECT * FROM try($$SELECT rds_copy.credentials()$$);
SET rds_copy.profile = 'loop-a';
SELECT * FROM try($$SELECT rds_copy.credentials()$$);
SET rds_copy.profile = 'env-source';
SELECT * FROM try($$SELECT rds_copy.credentials()$$);
SET rds_copy.profile = 'bad-duration';
SELECT * FROM try($$SELECT rds_copy.credentials()$$);
-- a profile without credentials lets the chain go on (here to its end)
SET rds_copy.profile = 'region-only';
SELECT * FROM try($$SELECT rds_copy.credentials()$$);

-- web identity from the profile (AssumeRoleWithWebIdentity, unsigned)
SET rds_copy.profile = 'webid';
SELECT mask_work(source) AS source, expiration > now() AS temporary FROM rds_copy.credentials();
SELECT fake_last('sts')->>'action' AS action, fake_last('sts')->>'source_akid' AS signed_by;
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'cred-webid');
RESET rds_copy.profile;

-- rds_copy.role_arn: assume a role with whatever the chain found
SET rds_copy.role_arn = 'arn:aws:iam::123456789012:role/needs-external-id';
SELECT * FROM try($$SELECT rds_copy.credentials()$$);
SET rds_copy.role_external_id = 'external-EXAMPLE';
SET rds_copy.role_session_name = 'nightly-backup';
SELECT mask_work(source) AS source FROM rds_copy.credentials();
SELECT fake_last('sts')->>'role_session_name' AS session_name;
SELECT db_cluster_snapshot_identifier
  FROM rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'cred-role-arn');
SELECT standin_last()->>'akid' ~ '^AKIDTEMP' AS signed_with_temporary_key;
RESET rds_copy.role_arn;
RESET rds_copy.role_external_id;
RESET rds_copy.role_session_name;
-- back to the static keys, without a new fetch
SELECT fake_requests('sts') AS sts_before \gset
SELECT mask_work(source) AS source FROM rds_copy.credentials();
SELECT fake_requests('sts') - :sts_before AS sts_requests;

-- the settings refuse what cannot be a role or a session name
SET rds_copy.role_arn = 'not-an-arn';
SET rds_copy.role_session_name = 'x';
SET rds_copy.role_session_name = 'has space';

-- check(): every step, each with ok and a detail a person can act on
SELECT check_name, ok, mask_work(regexp_replace(detail, '(RequestId |127.0.0.1:)[^ )/]+', '\1<...>', 'g')) AS detail
  FROM rds_copy.check();
SET rds_copy.profile = 'wrong-secret';
SELECT check_name, ok, mask_work(regexp_replace(detail, '[-+]\d+ s\.', '<n> s.')) AS detail
  FROM rds_copy.check() WHERE check_name IN ('credentials', 'signed_call');
SET rds_copy.ca_file = '/nonexistent/ca.crt';
SELECT check_name, ok, detail FROM rds_copy.check() WHERE check_name = 'ca_file';
RESET rds_copy.ca_file;
RESET rds_copy.profile;

-- a superuser gives a role its own account: ALTER ROLE ... SET rds_copy.profile
CREATE ROLE rds_copy_account_b LOGIN;
GRANT USAGE ON SCHEMA rds_copy TO rds_copy_account_b;
GRANT EXECUTE ON FUNCTION rds_copy.credentials() TO rds_copy_account_b;
ALTER ROLE rds_copy_account_b SET rds_copy.profile = 'assume';
\c - rds_copy_account_b
SELECT current_user, mask_work(source) AS source FROM rds_copy.credentials();
-- which that role cannot change
SET rds_copy.profile = 'default';
\c - postgres
DROP OWNED BY rds_copy_account_b;
DROP ROLE rds_copy_account_b;
