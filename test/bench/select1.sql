-- test/bench/run.sh's baseline: pgbench's own round trip and transaction, no extension call.
SELECT 1;
