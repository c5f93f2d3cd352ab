#!/usr/bin/env bash
# test/demo.sh: the main job, on a fresh Debian 12 machine, as root.
#
# Installs what is needed, builds the extension, starts a throwaway
# PostgreSQL and the local stand-in RDS endpoint, and copies a DB cluster
# snapshot with a real signed HTTPS call, printing the new snapshot as a row.
# RDS_COPY_SKIP_BUILD=1 skips the build and uses the extension installed in
# the system's PostgreSQL (e.g. the Debian package, see docs/install.md);
# RDS_COPY_SKIP_APT=1 skips apt; RDS_COPY_PG_MAJOR picks the major (15).
source "$(dirname "$0")/lib/harness.sh"

prepare_build
start_standin
write_credentials
start_cluster

say "copying my-cluster-snapshot1 to my-cluster-snapshot2"
sql --stop -c 'CREATE EXTENSION rds_copy' -x -c "
SELECT * FROM rds_copy.rds_copy_db_cluster_snapshot(
    source        => 'my-cluster-snapshot1',
    target        => 'my-cluster-snapshot2',
    kms_key       => NULL,
    copy_tags     => false,
    tags          => '{\"team\": \"db\"}',
    source_region => NULL)"
