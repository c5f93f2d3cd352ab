/*-------------------------------------------------------------------------
 * queue.c
 *		Copy after commit: enqueue_copy, process_queue, and the
 *		background workers that work rds_copy.copy_request.
 *
 * enqueue_copy checks its arguments with the direct copy's rules and
 * inserts a 'queued' row; MVCC does the rest: nothing sees the row before
 * the transaction commits, and a rollback leaves nothing.
 *
 * A worker takes one step at a time, each in transactions of its own,
 * rows claimed with FOR UPDATE SKIP LOCKED so that workers never wait
 * for one another:
 *  - orphan: a 'sending' row whose row lock (below) is free was being sent
 *    by a worker that died; Describe its target: found with the same
 *    source means the send happened ('copying'/'available'); not found
 *    means it goes back to 'queued'.  A row is never sent twice blind.
 *  - send: a due 'queued' row is marked 'sending' (attempts + 1) and that
 *    is committed BEFORE anything is sent, while the worker holds a
 *    session advisory lock on the row ("row lock") until the outcome is
 *    committed.  Connection-class failures (08xxx) and 55P03 go back to
 *    'queued' with backoff until rds_copy.queue_max_sends; anything else
 *    is 'failed' with its SQLSTATE, AWS code and message.
 *  - follow: a due 'copying' row is described; 'available' ends it,
 *    a final status or a missing target fails it, anything else is looked
 *    at again after rds_copy.queue_poll_interval, doubling up to 10 times.
 *  - prune: finished rows older than rds_copy.queue_retention go.
 *
 * The static workers (rds_copy.queue_workers, under
 * shared_preload_libraries) serve rds_copy.database_name and nap
 * rds_copy.queue_naptime between rounds.  Times are clock_timestamp(),
 * not now(): a send may take minutes, and its backoff counts from its end.  process_queue() runs the same
 * steps now, in dynamic background workers of the caller's database and
 * role, and returns how many steps they took.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "port/atomics.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "audit.h"
#include "awscall.h"
#include "copycall.h"
#include "guc.h"
#include "queue.h"
#include "snapshotcalls.h"

PG_FUNCTION_INFO_V1(rds_copy_enqueue_copy);
PG_FUNCTION_INFO_V1(rds_copy_process_queue);

#define QUEUE_TABLE "rds_copy.copy_request"
/* advisory lock field4 of a row being sent (1 and 2 are SQL's own) */
#define ROW_LOCK_KIND 3
/* dynamic helpers process_queue starts at most */
#define MAX_HELPERS 8
/* how often a static worker prunes, at most */
#define PRUNE_EVERY_MS 60000

/* What process_queue shares with its helpers (a DSM segment). */
typedef struct HelperShared
{
	pg_atomic_uint32 budget;	/* steps still allowed */
	pg_atomic_uint32 worked;	/* steps taken */
	pg_atomic_uint32 pruned;	/* 1 once a helper has pruned */
	pg_atomic_uint32 failed;	/* 1 once a helper has failed; error says why */
	char		error[256];
} HelperShared;

/* bgw_extra of a helper */
typedef struct HelperArgs
{
	Oid			database;
	Oid			role;
	dsm_handle	handle;
} HelperArgs;

/* ---------------------------------------------------------------------
 * enqueue_copy
 * --------------------------------------------------------------------- */

Datum
rds_copy_enqueue_copy(PG_FUNCTION_ARGS)
{
	RdsCopyArgs args;
	AwsQuery	params = AWS_QUERY_INIT;
	const char *region;
	Datum		values[7];
	char		nulls[7];
	int64		id;
	bool		isnull;

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

	SPI_connect();
	if (SPI_execute_with_args("INSERT INTO " QUEUE_TABLE
							  " (source, target, kms_key, copy_tags, tags, source_region, region)"
							  " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
							  7, (Oid[]) {TEXTOID, TEXTOID, TEXTOID, BOOLOID, JSONBOID, TEXTOID, TEXTOID},
							  values, nulls, false, 1) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not insert into " QUEUE_TABLE);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PG_RETURN_INT64(id);
}

/* ---------------------------------------------------------------------
 * Steps.  Each runs its own transactions; none may be called inside one.
 * --------------------------------------------------------------------- */

static void
row_locktag(int64 id, LOCKTAG *tag)
{
	SET_LOCKTAG_ADVISORY(*tag, MyDatabaseId, (uint32) (id >> 32), (uint32) id, ROW_LOCK_KIND);
}

static bool
try_lock_row(int64 id)
{
	LOCKTAG		tag;

	row_locktag(id, &tag);
	return LockAcquire(&tag, ExclusiveLock, true, true) != LOCKACQUIRE_NOT_AVAIL;
}

static void
unlock_row(int64 id)
{
	LOCKTAG		tag;

	row_locktag(id, &tag);
	LockRelease(&tag, ExclusiveLock, true);
}

static void
begin_step(const char *activity)
{
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, activity);
}

static void
end_step(void)
{
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_stat(false);
	pgstat_report_activity(STATE_IDLE, NULL);
}

static char *
column_text(int col, MemoryContext cxt)
{
	char	   *v = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, col);

	return v ? MemoryContextStrdup(cxt, v) : NULL;
}

/* Run an UPDATE of one row by id ($1) with further text parameters. */
static void
update_row(const char *sql, int64 id, int nargs, const char *const *args)
{
	Datum		values[8];
	char		nulls[8];
	Oid			types[8];
	int			i;

	Assert(nargs < 8);
	values[0] = Int64GetDatum(id);
	types[0] = INT8OID;
	nulls[0] = ' ';
	for (i = 0; i < nargs; i++)
	{
		values[i + 1] = args[i] ? CStringGetTextDatum(args[i]) : (Datum) 0;
		nulls[i + 1] = args[i] ? ' ' : 'n';
		types[i + 1] = TEXTOID;
	}
	if (SPI_execute_with_args(sql, nargs + 1, types, values, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update " QUEUE_TABLE " row " INT64_FORMAT, id);
}

/* The outcome of one AWS call run in a subtransaction. */
typedef struct StepOutcome
{
	bool		ok;
	RdsReply	reply;			/* ok */
	char		sqlstate[6];	/* !ok */
	char	   *aws_code;
	char	   *message;
} StepOutcome;

typedef void (*StepCall) (void *arg, RdsReply *reply);

/*
 * Run call in a subtransaction of the current transaction, catching its
 * error into *out (allocated in cxt) rather than aborting the step.
 */
static void
run_caught(StepCall call, void *arg, StepOutcome *out, MemoryContext cxt)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	memset(out, 0, sizeof(*out));
	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		call(arg, &out->reply);
		ReleaseCurrentSubTransaction();
		out->ok = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		const char *code;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		RdsReplyFree(&out->reply);
		strlcpy(out->sqlstate, unpack_sql_state(edata->sqlerrcode), sizeof(out->sqlstate));
		code = RdsLastAwsErrorCode();
		out->aws_code = code ? pstrdup(code) : NULL;
		out->message = psprintf("%s%s%s", edata->message ? edata->message : "unknown error",
								edata->detail ? ". " : "", edata->detail ? edata->detail : "");
		FreeErrorData(edata);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	CurrentResourceOwner = oldowner;
}

/* "after <n> seconds", the queue's backoff: poll_interval * 2^(n-1), at most 10x */
static char *
backoff_interval(int n)
{
	int64		s = rds_copy_queue_poll_interval;
	int			i;

	for (i = 1; i < n && s < (int64) rds_copy_queue_poll_interval * 10; i++)
		s *= 2;
	s = Min(s, (int64) rds_copy_queue_poll_interval * 10);
	return psprintf(INT64_FORMAT " seconds", s);
}

/* --- send -------------------------------------------------------------- */

typedef struct SendArgs
{
	const char *region;
	RdsCopyArgs copy;
} SendArgs;

static void
send_call(void *arg, RdsReply *reply)
{
	SendArgs   *a = arg;

	RdsCopySnapshot(a->region, &a->copy, reply);
}

/* Record the outcome of a send (or of an orphan's reconciliation). */
static void
record_started(int64 id, const StepOutcome *out)
{
	const RdsSnapshot *snap = &out->reply.snapshots[0];
	const char *status = RdsSnapshotValue(snap, "Status");
	const char *args[5];

	args[0] = status && strcmp(status, "available") == 0 ? "available" : "copying";
	args[1] = out->reply.request_id;
	args[2] = RdsSnapshotValue(snap, "DBClusterSnapshotArn");
	args[3] = RdsSnapshotValue(snap, "PercentProgress");
	args[4] = backoff_interval(1);
	update_row("UPDATE " QUEUE_TABLE " SET state = $2, request_id = coalesce($3, request_id),"
			   " snapshot_arn = $4, percent_progress = $5::integer, checks = 0,"
			   " finished_at = CASE WHEN $2 = 'available' THEN clock_timestamp() END,"
			   " next_check_at = CASE WHEN $2 = 'copying' THEN clock_timestamp() + $6::interval END,"
			   " error_sqlstate = NULL, error_code = NULL, error_message = NULL,"
			   " updated_at = clock_timestamp() WHERE id = $1",
			   id, 5, args);
}

static bool
send_is_retryable(const StepOutcome *out, int attempts)
{
	return attempts < rds_copy_queue_max_sends &&
		(strncmp(out->sqlstate, "08", 2) == 0 || strcmp(out->sqlstate, "55P03") == 0);
}

static void
record_failed(int64 id, const StepOutcome *out, bool retry, int attempts)
{
	const char *args[5];

	args[0] = retry ? "queued" : "failed";
	args[1] = out->sqlstate;
	args[2] = out->aws_code;
	args[3] = out->message;
	args[4] = backoff_interval(attempts);
	update_row("UPDATE " QUEUE_TABLE " SET state = $2, error_sqlstate = $3, error_code = $4,"
			   " error_message = $5,"
			   " finished_at = CASE WHEN $2 = 'failed' THEN clock_timestamp() END,"
			   " next_check_at = CASE WHEN $2 = 'queued' THEN clock_timestamp() + $6::interval END,"
			   " updated_at = clock_timestamp() WHERE id = $1",
			   id, 5, args);
}

static bool
step_send(MemoryContext cxt)
{
	SendArgs	a;
	int64		id;
	int			attempts;
	bool		isnull;
	Datum		tags;
	StepOutcome out;

	begin_step("rds_copy: looking for queued copy requests");
	if (SPI_execute("SELECT id, source, target, kms_key, copy_tags, tags, source_region, region,"
					" attempts FROM " QUEUE_TABLE
					" WHERE state = 'queued' AND (next_check_at IS NULL OR next_check_at <= clock_timestamp())"
					" ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read " QUEUE_TABLE);
	if (SPI_processed == 0)
	{
		end_step();
		return false;
	}
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	a.copy.source = column_text(2, cxt);
	a.copy.target = column_text(3, cxt);
	a.copy.kms_key = column_text(4, cxt);
	a.copy.copy_tags = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 5, &isnull));
	tags = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 6, &isnull);
	a.copy.tags = NULL;
	if (!isnull)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		a.copy.tags = DatumGetJsonbPCopy(tags);
		MemoryContextSwitchTo(old);
	}
	a.copy.source_region = column_text(7, cxt);
	a.region = column_text(8, cxt);
	attempts = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 9, &isnull)) + 1;

	/*
	 * A worker that has just put an orphan back to 'queued' may hold its
	 * row lock for a moment longer: leave the row to the next round.
	 */
	if (!try_lock_row(id))
	{
		end_step();
		return false;
	}
	update_row("UPDATE " QUEUE_TABLE " SET state = 'sending', attempts = attempts + 1,"
			   " sent_at = clock_timestamp(), next_check_at = NULL, updated_at = clock_timestamp() WHERE id = $1",
			   id, 0, NULL);
	end_step();					/* 'sending' is durable before anything is sent */

	begin_step(psprintf("rds_copy: sending copy request " INT64_FORMAT, id));
	RdsAuditSetQueueId(id);
	run_caught(send_call, &a, &out, cxt);
	RdsAuditSetQueueId(0);
	if (out.ok)
		record_started(id, &out);
	else
		record_failed(id, &out, send_is_retryable(&out, attempts), attempts);
	end_step();
	RdsReplyFree(&out.reply);
	unlock_row(id);
	return true;
}

/* --- orphans ----------------------------------------------------------- */

typedef struct ReconcileArgs
{
	const char *region;
	AwsQuery	params;
} ReconcileArgs;

static void
reconcile_call(void *arg, RdsReply *reply)
{
	ReconcileArgs *a = arg;

	if (!RdsReconcileCopy(a->region, &a->params, reply))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("target of the copy was not found")));
}

static bool
step_orphan(MemoryContext cxt)
{
	uint64		i;
	int64		id = 0;
	bool		isnull;
	ReconcileArgs a;
	StepOutcome out;
	HeapTuple	row = NULL;
	TupleDesc	desc;

	begin_step("rds_copy: looking for copy requests left in sending");
	if (SPI_execute("SELECT id, source, target, kms_key, region FROM " QUEUE_TABLE
					" WHERE state = 'sending' AND (next_check_at IS NULL OR next_check_at <= clock_timestamp())"
					" ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED", false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read " QUEUE_TABLE);
	desc = SPI_tuptable->tupdesc;
	for (i = 0; i < SPI_processed; i++)
	{
		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], desc, 1, &isnull));
		if (try_lock_row(id))
		{
			row = SPI_tuptable->vals[i];
			break;
		}
	}
	if (row == NULL)
	{
		end_step();
		return false;
	}

	ereport(LOG,
			(errmsg("rds_copy: copy request " INT64_FORMAT " was left in state sending; checking whether its copy started", id)));
	memset(&a, 0, sizeof(a));
	a.region = MemoryContextStrdup(cxt, SPI_getvalue(row, desc, 5));
	AwsQueryStart(&a.params, "CopyDBClusterSnapshot");
	AwsQueryAdd(&a.params, "SourceDBClusterSnapshotIdentifier", SPI_getvalue(row, desc, 2));
	AwsQueryAdd(&a.params, "TargetDBClusterSnapshotIdentifier", SPI_getvalue(row, desc, 3));
	if (SPI_getvalue(row, desc, 4) != NULL)
		AwsQueryAdd(&a.params, "KmsKeyId", SPI_getvalue(row, desc, 4));
	if (a.params.failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));

	RdsAuditSetQueueId(id);
	run_caught(reconcile_call, &a, &out, cxt);
	RdsAuditSetQueueId(0);
	AwsQueryFree(&a.params);
	if (out.ok)
		record_started(id, &out);
	else if (strcmp(out.sqlstate, "42704") == 0)
		/* the send never reached AWS: send it again */
		update_row("UPDATE " QUEUE_TABLE " SET state = 'queued', next_check_at = NULL,"
				   " updated_at = clock_timestamp() WHERE id = $1", id, 0, NULL);
	else if (strcmp(out.sqlstate, "42710") == 0)
		record_failed(id, &out, false, 0);
	else
	{
		/* cannot tell now: look again later, still 'sending' */
		const char *args[1] = {backoff_interval(1)};

		update_row("UPDATE " QUEUE_TABLE " SET next_check_at = clock_timestamp() + $2::interval,"
				   " updated_at = clock_timestamp() WHERE id = $1", id, 1, args);
	}
	end_step();
	RdsReplyFree(&out.reply);
	unlock_row(id);
	return true;
}

/* --- follow ------------------------------------------------------------ */

typedef struct DescribeArgs
{
	const char *region;
	const char *target;
} DescribeArgs;

static void
describe_call(void *arg, RdsReply *reply)
{
	DescribeArgs *a = arg;

	RdsDescribeSnapshot(a->region, a->target, reply);
}

static bool
step_follow(MemoryContext cxt)
{
	DescribeArgs a;
	int64		id;
	int			checks;
	bool		isnull;
	StepOutcome out;

	begin_step("rds_copy: looking for copies to follow");
	if (SPI_execute("SELECT id, region, target, checks FROM " QUEUE_TABLE
					" WHERE state = 'copying' AND next_check_at <= clock_timestamp()"
					" ORDER BY next_check_at LIMIT 1 FOR UPDATE SKIP LOCKED", false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read " QUEUE_TABLE);
	if (SPI_processed == 0)
	{
		end_step();
		return false;
	}
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	a.region = column_text(2, cxt);
	a.target = column_text(3, cxt);
	checks = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &isnull)) + 1;
	pgstat_report_activity(STATE_RUNNING,
						   psprintf("rds_copy: describing the target of copy request " INT64_FORMAT, id));

	RdsAuditSetQueueId(id);
	run_caught(describe_call, &a, &out, cxt);
	RdsAuditSetQueueId(0);
	if (out.ok)
	{
		const char *status = RdsSnapshotValue(&out.reply.snapshots[0], "Status");
		const char *args[4];

		args[0] = status ? status : "";
		args[1] = RdsSnapshotValue(&out.reply.snapshots[0], "PercentProgress");
		args[2] = backoff_interval(checks + 1);
		args[3] = psprintf("DB cluster snapshot \"%s\" is %s and will not become available",
						   a.target, args[0]);
		update_row("UPDATE " QUEUE_TABLE " SET checks = checks + 1, updated_at = clock_timestamp(),"
				   " percent_progress = CASE WHEN $2 = 'available' THEN 100"
				   "   ELSE coalesce($3::integer, percent_progress) END,"
				   " state = CASE WHEN $2 = 'available' THEN 'available'"
				   "   WHEN $6::boolean THEN 'failed' ELSE 'copying' END,"
				   " finished_at = CASE WHEN $2 = 'available' OR $6::boolean THEN clock_timestamp() END,"
				   " next_check_at = CASE WHEN $2 = 'available' OR $6::boolean THEN NULL"
				   "   ELSE clock_timestamp() + $4::interval END,"
				   " error_sqlstate = CASE WHEN $6::boolean THEN '55000' END,"
				   " error_message = CASE WHEN $6::boolean THEN $5 END"
				   " WHERE id = $1",
				   id, 5, (const char *[]) {args[0], args[1], args[2], args[3],
					   RdsSnapshotStatusIsFinal(status) ? "true" : "false"});
	}
	else if (strcmp(out.sqlstate, "42704") == 0)
		record_failed(id, &out, false, 0);
	else
	{
		const char *args[1] = {backoff_interval(checks + 1)};

		update_row("UPDATE " QUEUE_TABLE " SET checks = checks + 1, updated_at = clock_timestamp(),"
				   " next_check_at = clock_timestamp() + $2::interval WHERE id = $1", id, 1, args);
	}
	end_step();
	RdsReplyFree(&out.reply);
	return true;
}

/* --- prune ------------------------------------------------------------- */

static void
step_prune(void)
{
	Datum		minutes = Int32GetDatum(rds_copy_queue_retention);

	if (rds_copy_queue_retention < 0)
		return;
	begin_step("rds_copy: pruning finished copy requests");
	if (SPI_execute_with_args("DELETE FROM " QUEUE_TABLE
							  " WHERE state IN ('available', 'failed', 'cancelled')"
							  " AND finished_at < clock_timestamp() - make_interval(mins => $1)",
							  1, (Oid[]) {INT4OID}, &minutes, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not prune " QUEUE_TABLE);
	if (SPI_processed > 0)
		ereport(DEBUG1,
				(errmsg_internal("rds_copy: pruned " UINT64_FORMAT " finished copy requests",
								 (uint64) SPI_processed)));
	end_step();
}

/* One step of work, orphans first; false when there was nothing to do. */
static bool
queue_step(MemoryContext cxt)
{
	bool		did;

	MemoryContextReset(cxt);
	did = step_orphan(cxt) || step_send(cxt) || step_follow(cxt);
	MemoryContextReset(cxt);
	return did;
}

/* Is the extension installed in this database? */
static bool
queue_installed(void)
{
	bool		installed;

	begin_step("rds_copy: looking for the queue");
	if (SPI_execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'rds_copy'",
					true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_extension");
	installed = SPI_processed == 1;
	end_step();
	return installed;
}

static void
reload_if_asked(void)
{
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
	}
}

/* ---------------------------------------------------------------------
 * The static workers.
 * --------------------------------------------------------------------- */

void
RdsQueueRegisterWorkers(void)
{
	BackgroundWorker worker;
	int			i;

	for (i = 0; i < rds_copy_queue_workers; i++)
	{
		memset(&worker, 0, sizeof(worker));
		worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
		worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
		worker.bgw_restart_time = 10;
		strlcpy(worker.bgw_library_name, "rds_copy", BGW_MAXLEN);
		strlcpy(worker.bgw_function_name, "rds_copy_queue_worker_main", BGW_MAXLEN);
		snprintf(worker.bgw_name, BGW_MAXLEN, "rds_copy queue worker %d", i + 1);
		strlcpy(worker.bgw_type, "rds_copy queue worker", BGW_MAXLEN);
		worker.bgw_main_arg = Int32GetDatum(i + 1);
		RegisterBackgroundWorker(&worker);
	}
}

static void
nap(long ms)
{
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 ms, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
}

void
rds_copy_queue_worker_main(Datum arg)
{
	MemoryContext cxt;
	bool		told_missing = false;
	TimestampTz last_prune = 0;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(rds_copy_database_name, NULL, 0);
	cxt = AllocSetContextCreate(TopMemoryContext, "rds_copy queue step", ALLOCSET_DEFAULT_SIZES);
	ereport(LOG, (errmsg("rds_copy queue worker %d serving database \"%s\"",
						 DatumGetInt32(arg), rds_copy_database_name)));

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		reload_if_asked();
		if (!queue_installed())
		{
			if (!told_missing)
				ereport(LOG,
						(errmsg("rds_copy queue worker: extension rds_copy is not installed in database \"%s\"; waiting for CREATE EXTENSION",
								rds_copy_database_name)));
			told_missing = true;
			nap(rds_copy_queue_naptime);
			continue;
		}
		told_missing = false;
		while (queue_step(cxt))
		{
			CHECK_FOR_INTERRUPTS();
			reload_if_asked();
		}
		if (TimestampDifferenceExceeds(last_prune, GetCurrentTimestamp(), PRUNE_EVERY_MS))
		{
			step_prune();
			last_prune = GetCurrentTimestamp();
		}
		nap(rds_copy_queue_naptime);
	}
}

/* ---------------------------------------------------------------------
 * process_queue and its helpers.
 * --------------------------------------------------------------------- */

/* Take one unit of budget; false when it is spent. */
static bool
take_budget(HelperShared *shared)
{
	uint32		left = pg_atomic_read_u32(&shared->budget);

	while (left > 0)
		if (pg_atomic_compare_exchange_u32(&shared->budget, &left, left - 1))
			return true;
	return false;
}

void
rds_copy_queue_helper_main(Datum arg)
{
	HelperArgs	args;
	dsm_segment *seg;
	HelperShared *shared;
	MemoryContext cxt;

	memcpy(&args, MyBgworkerEntry->bgw_extra, sizeof(args));
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(args.database, args.role, 0);
	seg = dsm_attach(args.handle);
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("rds_copy queue helper: process_queue is gone")));
	shared = dsm_segment_address(seg);
	cxt = AllocSetContextCreate(TopMemoryContext, "rds_copy queue step", ALLOCSET_DEFAULT_SIZES);

	PG_TRY();
	{
		if (pg_atomic_exchange_u32(&shared->pruned, 1) == 0)
			step_prune();
		while (take_budget(shared))
		{
			CHECK_FOR_INTERRUPTS();
			if (!queue_step(cxt))
			{
				pg_atomic_fetch_add_u32(&shared->budget, 1);
				break;
			}
			pg_atomic_fetch_add_u32(&shared->worked, 1);
		}
	}
	PG_CATCH();
	{
		/* tell process_queue why (the first failure wins), then die as usual */
		MemoryContextSwitchTo(cxt);
		if (pg_atomic_exchange_u32(&shared->failed, 1) == 0)
		{
			ErrorData  *edata = CopyErrorData();

			strlcpy(shared->error, edata->message ? edata->message : "unknown error",
					sizeof(shared->error));
			pg_write_barrier();
		}
		PG_RE_THROW();
	}
	PG_END_TRY();
	dsm_detach(seg);
}

static BackgroundWorkerHandle *
start_helper(const HelperArgs *args, int n)
{
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_ConsistentState;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(worker.bgw_library_name, "rds_copy", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "rds_copy_queue_helper_main", BGW_MAXLEN);
	snprintf(worker.bgw_name, BGW_MAXLEN, "rds_copy queue helper %d of process %d", n, MyProcPid);
	strlcpy(worker.bgw_type, "rds_copy queue helper", BGW_MAXLEN);
	worker.bgw_notify_pid = MyProcPid;
	memcpy(worker.bgw_extra, args, sizeof(*args));
	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		return NULL;
	return handle;
}

Datum
rds_copy_process_queue(PG_FUNCTION_ARGS)
{
	int32		max_requests;
	int			nhelpers;
	int			started = 0;
	dsm_segment *seg;
	HelperShared *shared;
	HelperArgs	args;
	BackgroundWorkerHandle *handles[MAX_HELPERS];
	int			i;
	uint32		worked;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("max_requests must not be null")));
	max_requests = PG_GETARG_INT32(0);
	if (max_requests < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_requests must be at least 1")));
	nhelpers = Min(max_requests, Min(Max(rds_copy_queue_workers, 2), MAX_HELPERS));

	seg = dsm_create(sizeof(HelperShared), 0);
	shared = dsm_segment_address(seg);
	pg_atomic_init_u32(&shared->budget, (uint32) max_requests);
	pg_atomic_init_u32(&shared->worked, 0);
	pg_atomic_init_u32(&shared->pruned, 0);
	pg_atomic_init_u32(&shared->failed, 0);
	shared->error[0] = '\0';
	args.database = MyDatabaseId;
	args.role = GetUserId();
	args.handle = dsm_segment_handle(seg);

	for (i = 0; i < nhelpers; i++)
	{
		handles[started] = start_helper(&args, i + 1);
		if (handles[started] == NULL)
			break;
		started++;
	}
	if (started == 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start a background worker for rds_copy.process_queue()"),
				 errhint("Raise max_worker_processes, or wait for other background workers to finish.")));
	for (i = 0; i < started; i++)
	{
		pid_t		pid;

		if (WaitForBackgroundWorkerStartup(handles[i], &pid) == BGWH_POSTMASTER_DIED)
			ereport(ERROR,
					(errcode(ERRCODE_ADMIN_SHUTDOWN),
					 errmsg("postmaster exited while rds_copy.process_queue() was waiting")));
	}
	for (i = 0; i < started; i++)
		if (WaitForBackgroundWorkerShutdown(handles[i]) == BGWH_POSTMASTER_DIED)
			ereport(ERROR,
					(errcode(ERRCODE_ADMIN_SHUTDOWN),
					 errmsg("postmaster exited while rds_copy.process_queue() was waiting")));
	worked = pg_atomic_read_u32(&shared->worked);
	if (pg_atomic_read_u32(&shared->failed))
	{
		char		why[sizeof(shared->error)];

		pg_read_barrier();
		strlcpy(why, shared->error, sizeof(why));
		dsm_detach(seg);
		ereport(ERROR,
				(errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
				 errmsg("a background worker of rds_copy.process_queue() failed: %s", why),
				 errdetail("%u requests were worked before; the server log has the details.", worked)));
	}
	dsm_detach(seg);
	PG_RETURN_INT32((int32) worked);
}
