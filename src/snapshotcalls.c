/*-------------------------------------------------------------------------
 * snapshotcalls.c
 *		The companion calls of the copy: describe one snapshot, list
 *		snapshots (every Marker page), wait for one to become available,
 *		delete one; each as a row of rds_copy.db_cluster_snapshot and as
 *		jsonb.
 *
 * They go through awscall.c like the copy: same signing, transport,
 * retries, errors, credentials and audit record.  region arguments
 * override rds_copy.region for one call.
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

#include "awscall.h"
#include "copycall.h"
#include "endpoint.h"
#include "errors.h"
#include "result.h"
#include "snapshotcalls.h"
#include "validate.h"

PG_FUNCTION_INFO_V1(rds_copy_describe_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_describe_db_cluster_snapshot_jsonb);
PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshots);
PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshots_jsonb);
PG_FUNCTION_INFO_V1(rds_copy_wait_for_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_wait_for_db_cluster_snapshot_jsonb);
PG_FUNCTION_INFO_V1(rds_copy_delete_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_delete_db_cluster_snapshot_jsonb);

/* DescribeDBClusterSnapshots pages: the largest MaxRecords AWS allows */
#define PAGE_SIZE "100"
/* the shortest poll_interval accepted by wait_for_db_cluster_snapshot */
#define MIN_POLL_INTERVAL_US 100000

static const char *const snapshot_types[] = {
	"automated", "manual", "shared", "public", "awsbackup"
};

/* Statuses from which a snapshot does not become available. */
static const char *const final_statuses[] = {
	"failed", "deleted", "deleting", "incompatible-restore", "incompatible-parameters"
};

bool
RdsSnapshotStatusIsFinal(const char *status)
{
	int			i;

	for (i = 0; status != NULL && i < lengthof(final_statuses); i++)
		if (strcmp(status, final_statuses[i]) == 0)
			return true;
	return false;
}

static char *
required_text(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

/* A snapshot identifier or ARN argument, checked. */
static char *
identifier_arg(FunctionCallInfo fcinfo, int argno)
{
	char	   *identifier = required_text(fcinfo, argno, "identifier");

	/* the source rules: automated snapshots are named "rds:..." */
	if (RdsCheckSourceIdentifier(identifier) != NULL)
		RdsRejectArgument("snapshot identifier", identifier,
						  "A DB cluster snapshot identifier or ARN has 1 to 1024 characters, without spaces or control characters.");
	return identifier;
}

/* An optional region argument: NULL means rds_copy.region. */
static char *
region_arg(FunctionCallInfo fcinfo, int argno)
{
	char	   *region;

	if (PG_ARGISNULL(argno))
		return NULL;
	region = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if (!RdsRegionIsValid(region))
		RdsRejectArgument("region", region,
						  "A region looks like \"us-west-2\": lower-case letters, digits and single hyphens.");
	return region;
}

/*
 * action (DescribeDBClusterSnapshots or DeleteDBClusterSnapshot) on one
 * DBClusterSnapshotIdentifier; *reply holds exactly one snapshot.
 */
static void
one_snapshot_call(const char *action, const char *region, const char *identifier,
				  RdsReply *reply)
{
	AwsQuery	params = AWS_QUERY_INIT;

	PG_TRY();
	{
		AwsQueryStart(&params, action);
		AwsQueryAdd(&params, "DBClusterSnapshotIdentifier", identifier);
		if (params.failed)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		RdsAwsCall(region, &params, NULL, NULL, reply);
		if (reply->nsnapshots != 1)
		{
			int			n = reply->nsnapshots;

			RdsReplyFree(reply);
			if (n == 0 && strcmp(action, "DescribeDBClusterSnapshots") == 0)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("DB cluster snapshot \"%s\" does not exist", identifier)));
			ereport(ERROR,
					(errcode(ERRCODE_PROTOCOL_VIOLATION),
					 errmsg("Amazon RDS %s returned %d DB cluster snapshots for identifier \"%s\"",
							action, n, identifier)));
		}
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
	}
	PG_END_TRY();
}

void
RdsDescribeSnapshot(const char *region, const char *identifier, RdsReply *reply)
{
	one_snapshot_call("DescribeDBClusterSnapshots", region, identifier, reply);
}

void
RdsDeleteSnapshot(const char *region, const char *identifier, RdsReply *reply)
{
	one_snapshot_call("DeleteDBClusterSnapshot", region, identifier, reply);
}

/* ---------------------------------------------------------------------
 * One snapshot in, one snapshot out: describe, wait, delete.
 * --------------------------------------------------------------------- */

/* Does the call and leaves one snapshot in *reply. */
typedef void (*SingleCall) (FunctionCallInfo fcinfo, RdsReply *reply);

/*
 * Run call in a memory context of its own and build the result (row or
 * jsonb) in the caller's; the reply is freed on every path.
 */
static Datum
run_single(FunctionCallInfo fcinfo, SingleCall call, bool as_jsonb)
{
	MemoryContext callcxt = AllocSetContextCreate(CurrentMemoryContext, "rds_copy call",
												  ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(callcxt);
	RdsReply	reply;
	volatile Datum result = (Datum) 0;

	memset(&reply, 0, sizeof(reply));
	PG_TRY();
	{
		call(fcinfo, &reply);
		MemoryContextSwitchTo(oldcxt);
		if (as_jsonb)
			result = JsonbPGetDatum(RdsSnapshotJsonb(&reply.snapshots[0]));
		else
			result = HeapTupleGetDatum(RdsSnapshotTuple(RdsSnapshotTupleDesc(fcinfo),
														&reply.snapshots[0],
														reply.request_id));
	}
	PG_FINALLY();
	{
		RdsReplyFree(&reply);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(callcxt);
	return result;
}

static void
describe_call(FunctionCallInfo fcinfo, RdsReply *reply)
{
	char	   *identifier = identifier_arg(fcinfo, 0);

	RdsDescribeSnapshot(region_arg(fcinfo, 1), identifier, reply);
}

static void
delete_call(FunctionCallInfo fcinfo, RdsReply *reply)
{
	char	   *identifier = identifier_arg(fcinfo, 0);

	RdsDeleteSnapshot(region_arg(fcinfo, 1), identifier, reply);
}

/* An interval argument in microseconds (a month counts 30 days). */
static int64
interval_arg_us(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	Interval   *iv;
	int64		us;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
	iv = PG_GETARG_INTERVAL_P(argno);
	us = iv->time + (iv->day + (int64) iv->month * DAYS_PER_MONTH) * USECS_PER_DAY;
	if (us < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", argname)));
	return us;
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
 * pg_stat_activity as wait_event_type Extension), so a cancel or
 * statement_timeout ends the wait at once with 57014.
 */
static void
wait_call(FunctionCallInfo fcinfo, RdsReply *reply)
{
	char	   *identifier = identifier_arg(fcinfo, 0);
	int64		timeout = interval_arg_us(fcinfo, 1, "timeout");
	int64		poll = interval_arg_us(fcinfo, 2, "poll_interval");
	char	   *region = region_arg(fcinfo, 3);
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

		RdsDescribeSnapshot(region, identifier, reply);
		status = RdsSnapshotValue(&reply->snapshots[0], "Status");
		percent = RdsSnapshotValue(&reply->snapshots[0], "PercentProgress");
		if (status != NULL && strcmp(status, "available") == 0)
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
		RdsSleepOnLatch((long) ((Min(poll, timeout - waited) + 999) / 1000));
	}
}

Datum
rds_copy_describe_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return run_single(fcinfo, describe_call, false);
}

Datum
rds_copy_describe_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return run_single(fcinfo, describe_call, true);
}

Datum
rds_copy_wait_for_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return run_single(fcinfo, wait_call, false);
}

Datum
rds_copy_wait_for_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return run_single(fcinfo, wait_call, true);
}

Datum
rds_copy_delete_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return run_single(fcinfo, delete_call, false);
}

Datum
rds_copy_delete_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return run_single(fcinfo, delete_call, true);
}

/* ---------------------------------------------------------------------
 * db_cluster_snapshots: every page of DescribeDBClusterSnapshots.
 * --------------------------------------------------------------------- */

static void
list_params(FunctionCallInfo fcinfo, AwsQuery *params, const char *marker)
{
	AwsQueryStart(params, "DescribeDBClusterSnapshots");
	if (!PG_ARGISNULL(0))
		AwsQueryAdd(params, "DBClusterIdentifier", text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (!PG_ARGISNULL(1))
		AwsQueryAdd(params, "SnapshotType", text_to_cstring(PG_GETARG_TEXT_PP(1)));
	if (!PG_ARGISNULL(2) && PG_GETARG_BOOL(2))
		AwsQueryAdd(params, "IncludeShared", "true");
	AwsQueryAdd(params, "MaxRecords", PAGE_SIZE);
	if (marker != NULL)
		AwsQueryAdd(params, "Marker", marker);
	if (params->failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

static void
check_list_args(FunctionCallInfo fcinfo)
{
	if (!PG_ARGISNULL(0))
	{
		char	   *cluster = text_to_cstring(PG_GETARG_TEXT_PP(0));

		if (RdsCheckSourceIdentifier(cluster) != NULL)
			RdsRejectArgument("cluster identifier", cluster,
							  "A DB cluster identifier or ARN has 1 to 1024 characters, without spaces or control characters.");
	}
	if (!PG_ARGISNULL(1))
	{
		char	   *type = text_to_cstring(PG_GETARG_TEXT_PP(1));
		int			i;

		for (i = 0; i < lengthof(snapshot_types); i++)
			if (strcmp(type, snapshot_types[i]) == 0)
				break;
		if (i == lengthof(snapshot_types))
			RdsRejectArgument("snapshot_type", type,
							  "Use automated, manual, shared, public or awsbackup.");
	}
}

static Datum
run_list(FunctionCallInfo fcinfo, bool as_jsonb)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	char	   *region;
	char	   *marker = NULL;

	check_list_args(fcinfo);
	region = region_arg(fcinfo, 3);
	InitMaterializedSRF(fcinfo, as_jsonb ? MAT_SRF_USE_EXPECTED_DESC : 0);
	if (!as_jsonb && rsinfo->setDesc->natts != RDS_SNAPSHOT_NFIELDS + 1)
		elog(ERROR, "rds_copy.db_cluster_snapshot has %d columns, expected %d",
			 rsinfo->setDesc->natts, RDS_SNAPSHOT_NFIELDS + 1);

	do
	{
		AwsQuery	params = AWS_QUERY_INIT;
		RdsReply	reply;

		CHECK_FOR_INTERRUPTS();
		memset(&reply, 0, sizeof(reply));
		PG_TRY();
		{
			int			i;
			char	   *next;

			list_params(fcinfo, &params, marker);
			RdsAwsCall(region, &params, NULL, NULL, &reply);
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
			AwsQueryFree(&params);
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
