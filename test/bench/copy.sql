-- test/bench/run.sh's pgbench script: one extension call per transaction.  (The target has no
-- '.' in it: random() alone would make an invalid identifier.)  After its last call
-- (-D per_client=N -D calls=0 -D clients=C) each client records its backend's peak RSS (VmHWM) in
-- bench_hwm; that one INSERT rides on the client's last transaction.
SELECT rds_copy.rds_copy_db_cluster_snapshot('my-cluster-snapshot1', 'bench-' || :client_id || '-' || (random() * 1e9)::bigint);
\set calls :calls + 1
\if :calls = :per_client
INSERT INTO bench_hwm SELECT :clients, pg_backend_pid(), (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\s+(\d+)'))[1]::bigint;
\endif
