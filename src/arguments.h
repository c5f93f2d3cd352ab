/*-------------------------------------------------------------------------
 * arguments.h
 *		Argument checks of the SQL functions.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_ARGUMENTS_H
#define RDS_ARGUMENTS_H

#include "fmgr.h"
#include "utils/jsonb.h"

#include "awsquery.h"
#include "compat.h"

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

/* Check args (raising for bad input) and build the request parameters. */
extern void RdsBuildCopyRequest(const RdsCopyArgs *args, AwsQuery *params);

/* Raise 22023 "<argname> "<value>" is not valid" (value may be NULL) with detail. */
extern RDS_NORETURN void RdsRejectArgument(const char *argname, const char *value,
										   const char *detail);

/* A text argument that must not be NULL (22004 naming argname). */
extern char *RdsTextArg(FunctionCallInfo fcinfo, int argno, const char *argname);

/* A DB cluster snapshot identifier or ARN ("identifier"; not NULL). */
extern char *RdsSnapshotIdArg(FunctionCallInfo fcinfo, int argno);

/*
 * An optional region argument ("region"): NULL means rds_copy.region.
 * 22023 when it is not region-shaped or not allowed.
 */
extern char *RdsRegionArg(FunctionCallInfo fcinfo, int argno);

/* A non-negative interval argument in microseconds (a month counts 30 days). */
extern int64 RdsIntervalArgUs(FunctionCallInfo fcinfo, int argno, const char *argname);

/* Optional DB cluster identifier and SnapshotType arguments (NULL: not given). */
extern char *RdsClusterIdArg(FunctionCallInfo fcinfo, int argno);
extern char *RdsSnapshotTypeArg(FunctionCallInfo fcinfo, int argno);

#endif
