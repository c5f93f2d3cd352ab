/*-------------------------------------------------------------------------
 * sqlfunc_copy.c
 *		The SQL functions rds_copy_db_cluster_snapshot and its jsonb twin.
 *
 * They take their arguments (arguments.c checks every one before any
 * network I/O), run the copy (action_copy.c) and turn the reply into the
 * composite row or jsonb (result.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "action_copy.h"
#include "arguments.h"
#include "result.h"

PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshot_jsonb);

static void
copy_call(FunctionCallInfo fcinfo, RdsReply *reply)
{
	RdsCopyArgs args;

	RdsCopyArgsFromCall(fcinfo, &args);
	RdsCopySnapshot(NULL, &args, reply, NULL);
}

Datum
rds_copy_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return RdsSnapshotResult(fcinfo, copy_call, false);
}

Datum
rds_copy_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return RdsSnapshotResult(fcinfo, copy_call, true);
}
