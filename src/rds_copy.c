/*-------------------------------------------------------------------------
 * rds_copy.c
 *		_PG_init and the SQL entry points.
 *
 * rds_copy_db_cluster_snapshot(_jsonb) take their arguments, run the copy
 * (copycall.c checks every argument before any network I/O) and turn the
 * reply into the composite row or jsonb (result.c).  Under
 * shared_preload_libraries, _PG_init also sets up the audit ring and the
 * queue workers.  Protocol details live in the other files.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "audit.h"
#include "copycall.h"
#include "guc.h"
#include "queue.h"
#include "result.h"
#include "xml.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshot_jsonb);

void
_PG_init(void)
{
	RdsDefineSettings();
	if (process_shared_preload_libraries_in_progress)
	{
		RdsAuditRequestShmem();
		RdsQueueRegisterWorkers();
	}
}

/* Builds the SQL result from the reply, in the caller's memory context. */
typedef Datum (*ResultBuilder) (FunctionCallInfo fcinfo, const RdsReply *reply);

static Datum
row_result(FunctionCallInfo fcinfo, const RdsReply *reply)
{
	return HeapTupleGetDatum(RdsSnapshotTuple(RdsSnapshotTupleDesc(fcinfo),
											  &reply->snapshots[0], reply->request_id));
}

static Datum
jsonb_result(FunctionCallInfo fcinfo, const RdsReply *reply)
{
	return JsonbPGetDatum(RdsSnapshotJsonb(&reply->snapshots[0]));
}

/*
 * Run the copy in a memory context of its own, deleted before returning,
 * and build the result with build in the caller's context.  The reply
 * (malloc'd by the parser) is freed on every path.
 */
static Datum
run_copy(FunctionCallInfo fcinfo, ResultBuilder build)
{
	MemoryContext callcxt = AllocSetContextCreate(CurrentMemoryContext,
												  "rds_copy call",
												  ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(callcxt);
	RdsReply	reply;
	volatile Datum result = (Datum) 0;

	memset(&reply, 0, sizeof(reply));
	PG_TRY();
	{
		RdsCopyArgs args;

		RdsCopyArgsFromCall(fcinfo, &args);
		RdsCopySnapshot(NULL, &args, &reply);
		MemoryContextSwitchTo(oldcxt);
		result = build(fcinfo, &reply);
	}
	PG_FINALLY();
	{
		RdsReplyFree(&reply);
	}
	PG_END_TRY();
	MemoryContextDelete(callcxt);
	return result;
}

Datum
rds_copy_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return run_copy(fcinfo, row_result);
}

Datum
rds_copy_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return run_copy(fcinfo, jsonb_result);
}
