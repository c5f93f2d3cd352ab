/*-------------------------------------------------------------------------
 * snapshotcalls.h
 *		Describe and delete one DB cluster snapshot.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_SNAPSHOTCALLS_H
#define RDS_SNAPSHOTCALLS_H

#include "xml.h"

/*
 * DescribeDBClusterSnapshots of identifier in region (NULL: the configured
 * one); *reply holds exactly one snapshot.  42704 when there is none.
 */
extern void RdsDescribeSnapshot(const char *region, const char *identifier, RdsReply *reply);

/* DeleteDBClusterSnapshot; *reply holds the deleted snapshot. */
extern void RdsDeleteSnapshot(const char *region, const char *identifier, RdsReply *reply);

/* Is status one from which a snapshot never becomes available? */
extern bool RdsSnapshotStatusIsFinal(const char *status);

#endif
