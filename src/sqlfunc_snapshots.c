/*-------------------------------------------------------------------------
 * sqlfunc_snapshots.c
 *		The SQL functions that accompany the copy: describe one snapshot,
 *		list snapshots (every Marker page), wait for one to become
 *		available, delete one; each as a row of rds_copy.db_cluster_snapshot
 *		and as jsonb.
 *
 * Arguments are checked by arguments.c, the actions are
 * action_snapshot.c's (same signing, transport, retries, errors,
 * credentials and audit record as the copy).  region arguments override
 * rds_copy.region for one call.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/wait_event.h"

#include "action.h"
#include "action_snapshot.h"
#include "arguments.h"
#include "errors.h"
#include "result.h"
#include "retry.h"
#include "snapshot.h"

PG_FUNCTION_INFO_V1(rds_copy_describe_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_describe_db_cluster_snapshot_jsonb);
PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshots);
PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshots_jsonb);
PG_FUNCTION_INFO_V1(rds_copy_wait_for_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_wait_for_db_cluster_snapshot_jsonb);
PG_FUNCTION_INFO_V1(rds_copy_delete_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_delete_db_cluster_snapshot_jsonb);

/* the shortest poll_interval accepted by wait_for_db_cluster_snapshot */
#define MIN_POLL_INTERVAL_US 100000

/* ---------------------------------------------------------------------
 * One snapshot in, one snapshot out: describe, wait, delete.
 * --------------------------------------------------------------------- */

static void
describe_call(FunctionCallInfo fcinfo, RdsReply *reply)
{
	char	   *identifier = RdsSnapshotIdArg(fcinfo, 0);

	(void) RdsDescribeSnapshot(RdsRegionArg(fcinfo, 1), identifier, false, reply, NULL);
}

static void
delete_call(FunctionCallInfo fcinfo, RdsReply *reply)
{
	char	   *identifier = RdsSnapshotIdArg(fcinfo, 0);

	RdsDeleteSnapshot(RdsRegionArg(fcinfo, 1), identifier, reply, NULL);
}

static char *
interval_text(int64 us)
{
	Interval   *iv = palloc0(sizeof(Interval));

	iv->time = us;
	return DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(iv)));
}

/*
 * Describe identifier every poll_interval until it is available; a NOTICE
 * whenever its status or progress changes.  Sleeps on the latch (shown in
 * pg_stat_activity as wait_event_type Extension, wait_event
 * RdsCopySnapshotPoll on 17+), so a cancel or
 * statement_timeout ends the wait at once with 57014.
 */
static void
wait_call(FunctionCallInfo fcinfo, RdsReply *reply)
{
	char	   *identifier = RdsSnapshotIdArg(fcinfo, 0);
	int64		timeout = RdsIntervalArgUs(fcinfo, 1, "timeout");
	int64		poll = RdsIntervalArgUs(fcinfo, 2, "poll_interval");
	char	   *region = RdsRegionArg(fcinfo, 3);
	TimestampTz start = GetCurrentTimestamp();
	char	   *last_status = NULL;
	char	   *last_percent = NULL;

	if (poll < MIN_POLL_INTERVAL_US)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("poll_interval must be at least 100 milliseconds")));

	for (;;)
	{
		const char *status;
		const char *percent;
		int64		waited;

		(void) RdsDescribeSnapshot(region, identifier, false, reply, NULL);
		status = RdsSnapshotValue(&reply->snapshots[0], "Status");
		percent = RdsSnapshotValue(&reply->snapshots[0], "PercentProgress");
		if (RdsSnapshotStatusIsAvailable(status))
			return;
		if (RdsSnapshotStatusIsFinal(status))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("DB cluster snapshot \"%s\" is %s and will not become available",
							identifier, status)));
		if (last_status == NULL || strcmp(last_status, status ? status : "") != 0 ||
			strcmp(last_percent, percent ? percent : "") != 0)
		{
			ereport(NOTICE,
					(errmsg("DB cluster snapshot \"%s\" is %s, %s%% done",
							identifier, status ? status : "in an unknown state",
							percent ? percent : "?")));
			last_status = pstrdup(status ? status : "");
			last_percent = pstrdup(percent ? percent : "");
		}
		waited = GetCurrentTimestamp() - start;
		if (waited >= timeout)
			ereport(ERROR,
					(errcode(RDS_ERRCODE_WAIT_TIMEOUT),
					 errmsg("DB cluster snapshot \"%s\" did not become available within %s",
							identifier, interval_text(timeout)),
					 errdetail("It is %s, %s%% done.", status ? status : "in an unknown state",
							   percent ? percent : "?"),
					 errhint("Wait again with a longer timeout; the copy goes on.")));
		RdsReplyFree(reply);
		RdsSleepOnLatch((long) ((Min(poll, timeout - waited) + 999) / 1000),
						RDS_WAIT_SNAPSHOT_POLL);
	}
}

Datum
rds_copy_describe_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return RdsSnapshotResult(fcinfo, describe_call, false);
}

Datum
rds_copy_describe_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return RdsSnapshotResult(fcinfo, describe_call, true);
}

Datum
rds_copy_wait_for_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return RdsSnapshotResult(fcinfo, wait_call, false);
}

Datum
rds_copy_wait_for_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return RdsSnapshotResult(fcinfo, wait_call, true);
}

Datum
rds_copy_delete_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return RdsSnapshotResult(fcinfo, delete_call, false);
}

Datum
rds_copy_delete_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return RdsSnapshotResult(fcinfo, delete_call, true);
}

/* ---------------------------------------------------------------------
 * db_cluster_snapshots: every page of DescribeDBClusterSnapshots.
 * --------------------------------------------------------------------- */

static Datum
run_list(FunctionCallInfo fcinfo, bool as_jsonb)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RdsSnapshotFilter filter;
	char	   *region;
	char	   *marker = NULL;

	filter.cluster = RdsClusterIdArg(fcinfo, 0);
	filter.snapshot_type = RdsSnapshotTypeArg(fcinfo, 1);
	filter.include_shared = !PG_ARGISNULL(2) && PG_GETARG_BOOL(2);
	region = RdsRegionArg(fcinfo, 3);
	InitMaterializedSRF(fcinfo, as_jsonb ? MAT_SRF_USE_EXPECTED_DESC : 0);
	if (!as_jsonb)
		RdsSnapshotCheckColumns(rsinfo->setDesc->natts);

	do
	{
		RdsReply	reply;

		CHECK_FOR_INTERRUPTS();
		memset(&reply, 0, sizeof(reply));
		PG_TRY();
		{
			int			i;
			char	   *next;

			RdsListSnapshotsPage(region, &filter, marker, &reply);
			for (i = 0; i < reply.nsnapshots; i++)
			{
				if (as_jsonb)
				{
					Datum		value = JsonbPGetDatum(RdsSnapshotJsonb(&reply.snapshots[i]));
					bool		isnull = false;

					tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, &value, &isnull);
				}
				else
					tuplestore_puttuple(rsinfo->setResult,
										RdsSnapshotTuple(rsinfo->setDesc, &reply.snapshots[i],
														 reply.request_id));
			}
			next = reply.marker && reply.marker[0] ? pstrdup(reply.marker) : NULL;
			if (next != NULL && marker != NULL && strcmp(next, marker) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_PROTOCOL_VIOLATION),
						 errmsg("Amazon RDS returned the same Marker twice")));
			marker = next;
		}
		PG_FINALLY();
		{
			RdsReplyFree(&reply);
		}
		PG_END_TRY();
	} while (marker != NULL);
	return (Datum) 0;
}

Datum
rds_copy_db_cluster_snapshots(PG_FUNCTION_ARGS)
{
	return run_list(fcinfo, false);
}

Datum
rds_copy_db_cluster_snapshots_jsonb(PG_FUNCTION_ARGS)
{
	return run_list(fcinfo, true);
}
