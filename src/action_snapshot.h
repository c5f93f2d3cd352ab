/*-------------------------------------------------------------------------
 * action_snapshot.h
 *		The snapshot actions besides the copy: describe one, list a page,
 *		delete one.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_ACTION_SNAPSHOT_H
#define RDS_ACTION_SNAPSHOT_H

#include "action.h"

/*
 * DescribeDBClusterSnapshots of identifier in region (NULL: the configured
 * one).  Returns true with exactly one snapshot in *reply.  When there is
 * none: false if missing_ok, else 42704.  outcome (may be NULL) as
 * RdsActionRun's.
 */
extern bool RdsDescribeSnapshot(const char *region, const char *identifier, bool missing_ok,
								RdsReply *reply, RdsActionOutcome *outcome);

/* Most identifiers one RdsDescribeSnapshotsById call takes (MaxRecords at most 100) */
#define RDS_DESCRIBE_BATCH 100

/*
 * DescribeDBClusterSnapshots of up to RDS_DESCRIBE_BATCH identifiers in
 * region at once (the db-cluster-snapshot-id filter): *reply holds those
 * that exist, in any order.  outcome (may be NULL) as RdsActionRun's.
 */
extern void RdsDescribeSnapshotsById(const char *region, const char *const *identifiers, int n,
									 RdsReply *reply, RdsActionOutcome *outcome);

/* DeleteDBClusterSnapshot; *reply holds the deleted snapshot. */
extern void RdsDeleteSnapshot(const char *region, const char *identifier, RdsReply *reply,
							  RdsActionOutcome *outcome);

/* What db_cluster_snapshots lists (NULL / false: no filter). */
typedef struct RdsSnapshotFilter
{
	const char *cluster;		/* DBClusterIdentifier */
	const char *snapshot_type;	/* SnapshotType */
	bool		include_shared; /* IncludeShared */
} RdsSnapshotFilter;

/*
 * One page (up to 100 snapshots) of DescribeDBClusterSnapshots with filter,
 * starting at marker (NULL: the first page); reply->marker names the next.
 */
extern void RdsListSnapshotsPage(const char *region, const RdsSnapshotFilter *filter,
								 const char *marker, RdsReply *reply);

#endif
