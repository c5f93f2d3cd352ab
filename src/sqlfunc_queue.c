/*-------------------------------------------------------------------------
 * sqlfunc_queue.c
 *		The SQL functions of the copy queue: enqueue_copy, cancel_copy,
 *		retry_copy and process_queue.
 *
 * enqueue_copy checks its arguments with the direct copy's rules
 * (arguments.c) and inserts a 'queued' row in the caller's name; MVCC
 * does the rest: nothing sees the row before the transaction commits, and
 * a rollback leaves nothing.  cancel_copy and retry_copy act on one row
 * the caller owns (any row for an admin; another role's row "does not
 * exist"), with the row locked.  The three change rows as the table's
 * owner (queue_access.c), so a role needs no table privilege for them.
 * process_queue runs the workers' steps now, in dynamic background
 * workers (queue_workers.c), on the caller's rows, and returns how many
 * steps they took.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "action_snapshot.h"
#include "arguments.h"
#include "errors.h"
#include "queue.h"
#include "queue_access.h"
#include "settings.h"

PG_FUNCTION_INFO_V1(rds_copy_enqueue_copy);
PG_FUNCTION_INFO_V1(rds_copy_cancel_copy);
PG_FUNCTION_INFO_V1(rds_copy_retry_copy);
PG_FUNCTION_INFO_V1(rds_copy_process_queue);

#define EQ " OPERATOR(pg_catalog.=) "
#define NOW "pg_catalog.clock_timestamp()"

Datum
rds_copy_enqueue_copy(PG_FUNCTION_ARGS)
{
	RdsCopyArgs args;
	AwsQuery	params = AWS_QUERY_INIT;
	const char *region;
	Datum		values[8];
	char		nulls[8];
	int64		id;
	bool		isnull;
	RdsQueueOwnerScope scope;

	RdsCopyArgsFromCall(fcinfo, &args);
	PG_TRY();
	{
		RdsBuildCopyRequest(&args, &params);
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
	}
	PG_END_TRY();
	region = RdsResolveRegion();

	memset(nulls, ' ', sizeof(nulls));
	values[0] = CStringGetTextDatum(args.source);
	values[1] = CStringGetTextDatum(args.target);
	values[2] = args.kms_key ? CStringGetTextDatum(args.kms_key) : (Datum) 0;
	nulls[2] = args.kms_key ? ' ' : 'n';
	values[3] = BoolGetDatum(args.copy_tags);
	values[4] = args.tags ? JsonbPGetDatum(args.tags) : (Datum) 0;
	nulls[4] = args.tags ? ' ' : 'n';
	values[5] = args.source_region ? CStringGetTextDatum(args.source_region) : (Datum) 0;
	nulls[5] = args.source_region ? ' ' : 'n';
	values[6] = CStringGetTextDatum(region);
	values[7] = CStringGetTextDatum(RdsQueueCallerName());

	SPI_connect();
	RdsQueueActAsOwner(&scope);
	if (SPI_execute_with_args("INSERT INTO " RDS_QUEUE_TABLE
							  " (source, target, kms_key, copy_tags, tags, source_region, region,"
							  " requested_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
							  8, (Oid[]) {TEXTOID, TEXTOID, TEXTOID, BOOLOID, JSONBOID, TEXTOID, TEXTOID, TEXTOID},
							  values, nulls, false, 1) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not insert into " RDS_QUEUE_TABLE);
	RdsQueueActAsCaller(&scope);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PG_RETURN_INT64(id);
}

/* The columns of a row that cancel_copy and retry_copy look at. */
typedef struct LockedRow
{
	int64		id;
	char	   *state;
	char	   *target;
	char	   *region;
} LockedRow;

static int64
id_argument(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("id must not be null")));
	return PG_GETARG_INT64(0);
}

/*
 * Lock row id FOR UPDATE (within SPI, acting as the owner) if the caller
 * may act on it; another role's row does not exist, for a role that is
 * not an admin.
 */
static void
lock_callers_row(int64 id, LockedRow *row)
{
	char	   *me = RdsQueueCallerName();
	bool		all = RdsQueueCallerIsAdmin();
	RdsQueueOwnerScope scope;
	Datum		values[2] = {Int64GetDatum(id), CStringGetTextDatum(me)};
	char		nulls[2] = {' ', all ? 'n' : ' '};

	RdsQueueActAsOwner(&scope);
	if (SPI_execute_with_args("SELECT state, target, region FROM " RDS_QUEUE_TABLE
							  " WHERE id" EQ "$1 AND ($2 IS NULL OR requested_by" EQ "$2::pg_catalog.name)"
							  " FOR UPDATE",
							  2, (Oid[]) {INT8OID, TEXTOID}, values, nulls, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read " RDS_QUEUE_TABLE);
	RdsQueueActAsCaller(&scope);
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("copy request " INT64_FORMAT " does not exist", id),
				 all ? 0 : errhint("A role sees only the copy requests it enqueued.")));
	row->id = id;
	row->state = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	row->target = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	row->region = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
}

/* Run sql (an UPDATE of row $1 ... RETURNING *) as the owner; the row as the result. */
static Datum
update_and_return(const char *sql, int64 id)
{
	RdsQueueOwnerScope scope;
	Datum		value = Int64GetDatum(id);
	Datum		result;

	RdsQueueActAsOwner(&scope);
	if (SPI_execute_with_args(sql, 1, (Oid[]) {INT8OID}, &value, NULL, false, 1) != SPI_OK_UPDATE_RETURNING ||
		SPI_processed != 1)
		elog(ERROR, "could not update " RDS_QUEUE_TABLE " row " INT64_FORMAT, id);
	RdsQueueActAsCaller(&scope);
	result = PointerGetDatum(SPI_returntuple(SPI_tuptable->vals[0], SPI_tuptable->tupdesc));
	SPI_finish();
	return result;
}

/* RdsRunCatching's closure: delete the target of a copying row. */
static void
delete_target(void *arg)
{
	LockedRow  *row = arg;
	RdsReply	reply;

	memset(&reply, 0, sizeof(reply));
	PG_TRY();
	{
		RdsDeleteSnapshot(row->region, row->target, &reply, NULL);
	}
	PG_FINALLY();
	{
		RdsReplyFree(&reply);
	}
	PG_END_TRY();
}

Datum
rds_copy_cancel_copy(PG_FUNCTION_ARGS)
{
	int64		id = id_argument(fcinfo);
	LockedRow	row;

	SPI_connect();
	lock_callers_row(id, &row);
	if (strcmp(row.state, "sending") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("copy request " INT64_FORMAT " is being sent", id),
				 errhint("Try again in a moment; once the copy has started, cancelling deletes its target.")));
	if (strcmp(row.state, "queued") != 0 && strcmp(row.state, "copying") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("copy request " INT64_FORMAT " has already finished", id),
				 errdetail("Its state is %s.", row.state)));
	if (strcmp(row.state, "copying") == 0)
	{
		/* as the caller: the audit trail names who deleted it */
		RdsCaughtError *e = RdsRunCatching(delete_target, &row, CurrentMemoryContext);

		/* already gone: nothing left to cancel */
		if (e != NULL && strcmp(e->sqlstate, "42704") != 0)
			RdsRaiseCaught(e);
	}
	PG_RETURN_DATUM(update_and_return("UPDATE " RDS_QUEUE_TABLE
									  " SET state = 'cancelled', finished_at = " NOW ","
									  " updated_at = " NOW ", next_check_at = NULL"
									  " WHERE id" EQ "$1 RETURNING *", id));
}

Datum
rds_copy_retry_copy(PG_FUNCTION_ARGS)
{
	int64		id = id_argument(fcinfo);
	LockedRow	row;
	RdsQueueOwnerScope scope;
	Datum		values[3];
	bool		busy;

	SPI_connect();
	lock_callers_row(id, &row);
	if (strcmp(row.state, "failed") != 0 && strcmp(row.state, "cancelled") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("copy request " INT64_FORMAT " has not failed and was not cancelled", id),
				 errdetail("Its state is %s.", row.state)));

	/*
	 * one unfinished request per target and region, the target in any case
	 * (copy_request_active_target)
	 */
	values[0] = Int64GetDatum(id);
	values[1] = CStringGetTextDatum(row.region);
	values[2] = CStringGetTextDatum(row.target);
	RdsQueueActAsOwner(&scope);
	if (SPI_execute_with_args("SELECT 1 FROM " RDS_QUEUE_TABLE
							  " WHERE region" EQ "$2 AND pg_catalog.lower(target)" EQ "pg_catalog.lower($3)"
							  " AND id OPERATOR(pg_catalog.<>) $1"
							  " AND state" EQ "ANY ('{queued,sending,copying}'::pg_catalog.text[])",
							  3, (Oid[]) {INT8OID, TEXTOID, TEXTOID}, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read " RDS_QUEUE_TABLE);
	busy = SPI_processed > 0;
	RdsQueueActAsCaller(&scope);
	if (busy)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg("another copy request to DB cluster snapshot \"%s\" in %s is not finished",
						row.target, row.region),
				 errhint("Wait for it to finish, or cancel it.")));

	/*
	 * sent_at stays: a row that was sent before has its send reconciled
	 * (queue_steps.c), so a copy that did start is adopted, never made twice.
	 */
	PG_RETURN_DATUM(update_and_return("UPDATE " RDS_QUEUE_TABLE
									  " SET state = 'queued', attempts = 0, checks = 0,"
									  " next_check_at = NULL, finished_at = NULL, percent_progress = NULL,"
									  " error_sqlstate = NULL, error_code = NULL, error_message = NULL,"
									  " updated_at = " NOW " WHERE id" EQ "$1 RETURNING *", id));
}

Datum
rds_copy_process_queue(PG_FUNCTION_ARGS)
{
	int32		max_requests;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("max_requests must not be null")));
	max_requests = PG_GETARG_INT32(0);
	if (max_requests < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_requests must be at least 1")));
	PG_RETURN_INT32((int32) RdsQueueRunHelpers(max_requests,
												RdsQueueCallerIsAdmin() ? NULL : RdsQueueCallerName()));
}
