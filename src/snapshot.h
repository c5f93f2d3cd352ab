/*-------------------------------------------------------------------------
 * snapshot.h
 *		The DBClusterSnapshot model: its members (in the order of the SQL
 *		type rds_copy.db_cluster_snapshot), and what its statuses mean.
 *
 * Pure code: no PostgreSQL, no I/O.  The parser (xmlreply.c) fills
 * snapshots, result.c turns them into rows and jsonb, and every decision
 * about a status (the copy's reconciliation, wait_for, the queue) asks
 * the predicates here.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_SNAPSHOT_H
#define RDS_SNAPSHOT_H

#include <stdbool.h>

typedef enum RdsFieldType
{
	RDS_FIELD_TEXT,
	RDS_FIELD_INT,
	RDS_FIELD_BOOL,
	RDS_FIELD_TIMESTAMP,
	RDS_FIELD_ZONES,			/* AvailabilityZones: list of AvailabilityZone */
	RDS_FIELD_TAGS				/* TagList: list of Tag {Key, Value} */
} RdsFieldType;

/*
 * One member of DBClusterSnapshot, in the SQL composite type's order.  The
 * type's columns are the first RDS_SNAPSHOT_NFIELDS_1_0 members, then
 * request_id (the RequestId of the call), then the members that later
 * versions added (ALTER TYPE ... ADD ATTRIBUTE appends): see
 * RdsSnapshotColumn.
 */
typedef struct RdsSnapshotField
{
	const char *aws_name;		/* element name and jsonb key */
	const char *sql_name;		/* column of rds_copy.db_cluster_snapshot */
	RdsFieldType type;
} RdsSnapshotField;

#define RDS_SNAPSHOT_NFIELDS 29
extern const RdsSnapshotField RdsSnapshotFields[RDS_SNAPSHOT_NFIELDS];

/* Members in rds_copy 1.0's type, before its request_id column */
#define RDS_SNAPSHOT_NFIELDS_1_0 28
/* Columns of the type: 1.1's (every member and request_id), and 1.0's */
#define RDS_SNAPSHOT_NCOLUMNS (RDS_SNAPSHOT_NFIELDS + 1)
#define RDS_SNAPSHOT_NCOLUMNS_1_0 (RDS_SNAPSHOT_NFIELDS_1_0 + 1)
/* The column (0-based) of request_id */
#define RDS_SNAPSHOT_REQUEST_ID_COLUMN RDS_SNAPSHOT_NFIELDS_1_0

/* The column (0-based) of member i of RdsSnapshotFields. */
static inline int
RdsSnapshotColumn(int i)
{
	return i < RDS_SNAPSHOT_NFIELDS_1_0 ? i : i + 1;
}

typedef struct RdsTag
{
	char	   *key;
	char	   *value;
} RdsTag;

typedef struct RdsSnapshot
{
	/* scalar members as sent (checked for their type); NULL when absent */
	char	   *values[RDS_SNAPSHOT_NFIELDS];
	bool		has_zones;
	int			nzones;
	char	  **zones;
	bool		has_tags;
	int			ntags;
	RdsTag	   *tags;
} RdsSnapshot;

/* The value of member aws_name (e.g. "Status") of snap, or NULL. */
extern const char *RdsSnapshotValue(const RdsSnapshot *snap, const char *aws_name);

/*
 * Statuses (DBClusterSnapshot.Status; the values AWS documents for a
 * cluster snapshot are available, copying, creating, deleting, failed,
 * incompatible-restore and incompatible-parameters, and a deleted
 * snapshot may be reported as deleted).  NULL is none of them.
 */

/* available: the snapshot can be used. */
extern bool RdsSnapshotStatusIsAvailable(const char *status);

/* A status from which the snapshot never becomes available. */
extern bool RdsSnapshotStatusIsFinal(const char *status);

/*
 * creating, copying or available: a copy found in one of these was
 * started (and is going or done), so a retried copy may take it as its own.
 */
extern bool RdsSnapshotStatusIsLive(const char *status);

#endif
