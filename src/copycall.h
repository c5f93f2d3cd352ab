/*-------------------------------------------------------------------------
 * copycall.h
 *		CopyDBClusterSnapshot: checked arguments, request, reconciliation.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_COPYCALL_H
#define RDS_COPYCALL_H

#include "fmgr.h"
#include "utils/jsonb.h"

#include "awsquery.h"
#include "xml.h"

/* The arguments of a copy, as the SQL functions take them (NULL: not given). */
typedef struct RdsCopyArgs
{
	const char *source;
	const char *target;
	const char *kms_key;
	bool		copy_tags;
	Jsonb	   *tags;
	const char *source_region;
} RdsCopyArgs;

/*
 * The arguments (source, target, kms_key, copy_tags, tags, source_region)
 * of a copy function; 22004 when source or target is null.
 */
extern void RdsCopyArgsFromCall(FunctionCallInfo fcinfo, RdsCopyArgs *args);

/* Raise 22023 "<argname> "<value>" is not valid" with detail. */
extern void RdsRejectArgument(const char *argname, const char *value,
							  const char *detail) pg_attribute_noreturn();

/* Check args (raising for bad input) and build the request parameters. */
extern void RdsBuildCopyRequest(const RdsCopyArgs *args, AwsQuery *params);

/*
 * Copy in region (NULL: the configured one), holding the target's session
 * lock (55P03 when another session holds it); *reply as RdsAwsCall's.
 */
extern void RdsCopySnapshot(const char *region, const RdsCopyArgs *args, RdsReply *reply);

/* RdsReconcileFunc for CopyDBClusterSnapshot. */
extern bool RdsReconcileCopy(const char *region, const AwsQuery *params, RdsReply *reply);

/* The value of member aws_name (e.g. "Status") of snap, or NULL. */
extern const char *RdsSnapshotValue(const RdsSnapshot *snap, const char *aws_name);

#endif
