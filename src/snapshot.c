/*-------------------------------------------------------------------------
 * snapshot.c
 *		The DBClusterSnapshot members and the meaning of its statuses.
 *
 * Pure code.  See snapshot.h.
 *-------------------------------------------------------------------------
 */
#include <stddef.h>
#include <string.h>

#include "snapshot.h"

#define lengthof_array(a) (sizeof(a) / sizeof((a)[0]))

const RdsSnapshotField RdsSnapshotFields[RDS_SNAPSHOT_NFIELDS] = {
	{"AvailabilityZones", "availability_zones", RDS_FIELD_ZONES},
	{"DBClusterSnapshotIdentifier", "db_cluster_snapshot_identifier", RDS_FIELD_TEXT},
	{"DBClusterIdentifier", "db_cluster_identifier", RDS_FIELD_TEXT},
	{"SnapshotCreateTime", "snapshot_create_time", RDS_FIELD_TIMESTAMP},
	{"Engine", "engine", RDS_FIELD_TEXT},
	{"EngineMode", "engine_mode", RDS_FIELD_TEXT},
	{"AllocatedStorage", "allocated_storage", RDS_FIELD_INT},
	{"Status", "status", RDS_FIELD_TEXT},
	{"Port", "port", RDS_FIELD_INT},
	{"VpcId", "vpc_id", RDS_FIELD_TEXT},
	{"ClusterCreateTime", "cluster_create_time", RDS_FIELD_TIMESTAMP},
	{"MasterUsername", "master_username", RDS_FIELD_TEXT},
	{"EngineVersion", "engine_version", RDS_FIELD_TEXT},
	{"LicenseModel", "license_model", RDS_FIELD_TEXT},
	{"SnapshotType", "snapshot_type", RDS_FIELD_TEXT},
	{"PercentProgress", "percent_progress", RDS_FIELD_INT},
	{"StorageEncrypted", "storage_encrypted", RDS_FIELD_BOOL},
	{"BackupRetentionPeriod", "backup_retention_period", RDS_FIELD_INT},
	{"PreferredBackupWindow", "preferred_backup_window", RDS_FIELD_TEXT},
	{"KmsKeyId", "kms_key_id", RDS_FIELD_TEXT},
	{"DBClusterSnapshotArn", "db_cluster_snapshot_arn", RDS_FIELD_TEXT},
	{"SourceDBClusterSnapshotArn", "source_db_cluster_snapshot_arn", RDS_FIELD_TEXT},
	{"IAMDatabaseAuthenticationEnabled", "iam_database_authentication_enabled", RDS_FIELD_BOOL},
	{"TagList", "tags", RDS_FIELD_TAGS},
	{"StorageType", "storage_type", RDS_FIELD_TEXT},
	{"StorageThroughput", "storage_throughput", RDS_FIELD_INT},
	{"DbClusterResourceId", "db_cluster_resource_id", RDS_FIELD_TEXT},
	{"DBSystemId", "db_system_id", RDS_FIELD_TEXT},
	/* 1.1, after request_id: "none", "sse-kms" or "sse-rds" (botocore 1.43's rds model) */
	{"StorageEncryptionType", "storage_encryption_type", RDS_FIELD_TEXT},
};

const char *
RdsSnapshotValue(const RdsSnapshot *snap, const char *aws_name)
{
	size_t		i;

	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
		if (strcmp(RdsSnapshotFields[i].aws_name, aws_name) == 0)
			return snap->values[i];
	return NULL;
}

static bool
status_in(const char *status, const char *const *list, size_t n)
{
	size_t		i;

	for (i = 0; status != NULL && i < n; i++)
		if (strcmp(status, list[i]) == 0)
			return true;
	return false;
}

bool
RdsSnapshotStatusIsAvailable(const char *status)
{
	return status != NULL && strcmp(status, "available") == 0;
}

bool
RdsSnapshotStatusIsFinal(const char *status)
{
	static const char *const final_statuses[] = {
		"failed", "deleted", "deleting", "incompatible-restore", "incompatible-parameters"
	};

	return status_in(status, final_statuses, lengthof_array(final_statuses));
}

bool
RdsSnapshotStatusIsLive(const char *status)
{
	static const char *const live_statuses[] = {"creating", "copying", "available"};

	return status_in(status, live_statuses, lengthof_array(live_statuses));
}
