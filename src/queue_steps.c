/*-------------------------------------------------------------------------
 * queue_steps.c
 *		The copy queue's work on rds_copy.copy_request, one step at a
 *		time: reconcile an orphan, send a queued row, follow a copying
 *		one; and prune finished rows.
 *
 * States (a row's life; DESIGN.md draws it):
 *   queued --send--> sending --reply--> copying --follow--> available
 *      ^                |  \                        \------> failed
 *      |                |   \--AWS refused----------------> failed
 *      +---08xxx/55P03--+  (worker died) --orphan--> copying / queued / failed
 *   (cancel_copy: queued/sending/copying --> cancelled)
 *
 * Every step has one skeleton (run_step): in a transaction of its own,
 * claim one due row with FOR UPDATE SKIP LOCKED (workers never wait for
 * one another), optionally take the row's session advisory lock ("row
 * lock", held until the outcome is committed) and commit the claim, run
 * the step's RDS action in a subtransaction (errors.c's RdsRunCatching),
 * and record its outcome in the row.  The kinds:
 *  - orphan: a 'sending' row whose row lock is free was being sent by a
 *    worker that died; Describe its target: found with the same source
 *    means the send happened ('copying'/'available'); not found means it
 *    goes back to 'queued'.  A row is never sent twice blind.
 *  - send: a due 'queued' row is marked 'sending' (attempts + 1) and that
 *    is committed BEFORE anything is sent.  Connection-class failures
 *    (08xxx) and 55P03 go back to 'queued' with backoff until
 *    rds_copy.queue_max_sends; anything else is 'failed' with its
 *    SQLSTATE, AWS code and message.
 *  - follow: a due 'copying' row is described; 'available' ends it, a
 *    final status or a missing target fails it, anything else is looked
 *    at again after rds_copy.queue_poll_interval, doubling up to 10 times.
 * Times are clock_timestamp(), not now(): a send may take minutes, and
 * its backoff counts from its end.  The AWS code of a failure comes back
 * from the action itself (RdsActionOutcome), zeroed for every step.
 *
 * A row that was sent before (sent_at is set: re-queued after a failure
 * without a reply, or put back by retry_copy) may have started its copy:
 * when its send meets DBClusterSnapshotAlreadyExistsFault, the target is
 * described and adopted if it is that copy, as a direct call reconciles
 * its own ambiguous attempts; it is never failed for finding itself.
 *
 * Every statement is schema-qualified (functions, operators, casts, the
 * table), and the workers that run them pin search_path as well
 * (worker_settings.c): they run as the bootstrap superuser in a database
 * whose owner may be anyone.  A step may be limited to one role's rows
 * (process_queue of a role that is not rds_copy_admin).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "pgstat.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "action_copy.h"
#include "action_snapshot.h"
#include "audit.h"
#include "errors.h"
#include "queue.h"
#include "settings.h"
#include "snapshot.h"

/* schema-qualified pieces of the steps' SQL */
#define NOW "pg_catalog.clock_timestamp()"
#define EQ " OPERATOR(pg_catalog.=) "
#define PLUS " OPERATOR(pg_catalog.+) "
#define INTERVAL "::pg_catalog.interval"

/* advisory lock field4 of a row being sent (1 and 2 are SQL's own) */
#define ROW_LOCK_KIND 3

/* A claimed row: the columns the steps read. */
typedef struct QueueRow
{
	int64		id;
	RdsCopyArgs copy;
	const char *region;
	const char *requested_by;
	bool		sent_before;	/* sent_at was set when it was claimed */
	int			attempts;		/* sends, counting the one a send step makes */
	int			checks;			/* follows, counting this one */
	bool		locked;			/* we hold its row lock */
} QueueRow;

/* What a step's action left. */
typedef struct StepOutcome
{
	RdsCaughtError *error;		/* NULL when the action succeeded */
	RdsReply	reply;			/* when it did */
	RdsActionOutcome action;	/* AWS code, RequestId: also on failure */
} StepOutcome;

/* One kind of step. */
typedef struct StepKind
{
	const char *looking;		/* activity while looking for a row */
	const char *where;			/* which rows are its own */
	const char *order;			/* ORDER BY ... LIMIT n */
	bool		row_lock;		/* take the first row whose row lock is free */
	bool		commit_claim;	/* claim and commit before the action (send) */
	const char *activity;		/* while the action runs; %lld is the id */
	void		(*claim) (QueueRow *row);
	void		(*action) (QueueRow *row, RdsReply *reply, RdsActionOutcome *outcome);
	void		(*record) (QueueRow *row, StepOutcome *out);
} StepKind;

/* ---------------------------------------------------------------------
 * Transactions, row locks, updates
 * --------------------------------------------------------------------- */

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
		elog(ERROR, "could not update " RDS_QUEUE_TABLE " row " INT64_FORMAT, id);
}

/* "<n> seconds", the queue's backoff: poll_interval * 2^(n-1), at most 10x */
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

/* ---------------------------------------------------------------------
 * The skeleton
 * --------------------------------------------------------------------- */

static char *
column_text(HeapTuple tuple, TupleDesc desc, int col, MemoryContext cxt)
{
	char	   *v = SPI_getvalue(tuple, desc, col);

	return v ? MemoryContextStrdup(cxt, v) : NULL;
}

static void
read_row(HeapTuple tuple, TupleDesc desc, QueueRow *row, MemoryContext cxt)
{
	bool		isnull;
	Datum		tags;

	memset(row, 0, sizeof(*row));
	row->id = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
	row->copy.source = column_text(tuple, desc, 2, cxt);
	row->copy.target = column_text(tuple, desc, 3, cxt);
	row->copy.kms_key = column_text(tuple, desc, 4, cxt);
	row->copy.copy_tags = DatumGetBool(SPI_getbinval(tuple, desc, 5, &isnull));
	tags = SPI_getbinval(tuple, desc, 6, &isnull);
	if (!isnull)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);

		row->copy.tags = DatumGetJsonbPCopy(tags);
		MemoryContextSwitchTo(old);
	}
	row->copy.source_region = column_text(tuple, desc, 7, cxt);
	row->region = column_text(tuple, desc, 8, cxt);
	row->attempts = DatumGetInt32(SPI_getbinval(tuple, desc, 9, &isnull));
	row->checks = DatumGetInt32(SPI_getbinval(tuple, desc, 10, &isnull)) + 1;
	row->requested_by = column_text(tuple, desc, 11, cxt);
	row->sent_before = !DatumGetBool(SPI_getbinval(tuple, desc, 12, &isnull));
}

/*
 * Claim a row of kind (in the current transaction): the first candidate,
 * or with row_lock the first whose row lock is free; only owner's rows
 * unless owner is NULL.  False when none.
 */
static bool
claim_row(const StepKind *kind, const char *owner, QueueRow *row, MemoryContext cxt)
{
	uint64		i;
	Datum		owner_datum = owner ? CStringGetTextDatum(owner) : (Datum) 0;

	if (SPI_execute_with_args(psprintf("SELECT id, source, target, kms_key, copy_tags, tags, source_region,"
									   " region, attempts, checks, requested_by, sent_at IS NULL"
									   " FROM " RDS_QUEUE_TABLE " WHERE %s"
									   " AND ($1 IS NULL OR requested_by" EQ "$1::pg_catalog.name)"
									   " %s FOR UPDATE SKIP LOCKED", kind->where, kind->order),
							  1, (Oid[]) {TEXTOID}, &owner_datum, owner ? " " : "n",
							  false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read " RDS_QUEUE_TABLE);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		int64		id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc,
													 1, &isnull));

		if (kind->row_lock && !try_lock_row(id))
			continue;
		read_row(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, row, cxt);
		row->locked = kind->row_lock;
		return true;
	}
	return false;
}

/* RdsRunCatching's closure for a step's action. */
typedef struct StepRun
{
	const StepKind *kind;
	QueueRow   *row;
	StepOutcome *out;
} StepRun;

static void
run_action(void *arg)
{
	StepRun    *run = arg;

	run->kind->action(run->row, &run->out->reply, &run->out->action);
}

/* One step of kind on owner's rows (NULL: any); false when it found no row. */
static bool
run_step(const StepKind *kind, const char *owner, MemoryContext cxt)
{
	QueueRow	row;
	StepOutcome out;
	StepRun		run;
	char	   *activity;

	begin_step(kind->looking);
	if (!claim_row(kind, owner, &row, cxt))
	{
		end_step();
		return false;
	}
	activity = MemoryContextStrdup(cxt, psprintf(kind->activity, (long long) row.id));
	if (kind->claim)
		kind->claim(&row);
	if (kind->commit_claim)
	{
		end_step();
		begin_step(activity);
	}
	else
		pgstat_report_activity(STATE_RUNNING, activity);

	memset(&out, 0, sizeof(out));
	run.kind = kind;
	run.row = &row;
	run.out = &out;
	RdsAuditSetQueueRow(row.id, row.requested_by);
	PG_TRY();
	{
		out.error = RdsRunCatching(run_action, &run, cxt);
	}
	PG_FINALLY();
	{
		RdsAuditSetQueueRow(0, NULL);
	}
	PG_END_TRY();
	if (out.error != NULL)
		RdsReplyFree(&out.reply);
	kind->record(&row, &out);
	end_step();
	RdsReplyFree(&out.reply);
	if (row.locked)
		unlock_row(row.id);
	return true;
}

/* ---------------------------------------------------------------------
 * Recording outcomes
 * --------------------------------------------------------------------- */

/* The row's copy started (or had started): 'copying', or 'available'. */
static void
record_started(QueueRow *row, StepOutcome *out)
{
	const RdsSnapshot *snap = &out->reply.snapshots[0];
	const char *status = RdsSnapshotValue(snap, "Status");
	const char *args[5];

	args[0] = RdsSnapshotStatusIsAvailable(status) ? "available" : "copying";
	args[1] = out->reply.request_id;
	args[2] = RdsSnapshotValue(snap, "DBClusterSnapshotArn");
	args[3] = RdsSnapshotValue(snap, "PercentProgress");
	args[4] = backoff_interval(1);
	update_row("UPDATE " RDS_QUEUE_TABLE " SET state = $2, request_id = coalesce($3, request_id),"
			   " snapshot_arn = $4, percent_progress = $5::pg_catalog.int4, checks = 0,"
			   " finished_at = CASE WHEN $2" EQ "'available' THEN " NOW " END,"
			   " next_check_at = CASE WHEN $2" EQ "'copying' THEN " NOW PLUS "$6" INTERVAL " END,"
			   " error_sqlstate = NULL, error_code = NULL, error_message = NULL,"
			   " updated_at = " NOW " WHERE id" EQ "$1",
			   row->id, 5, args);
}

/* The action failed: 'failed', or (retry) back to 'queued' after backoff(attempts). */
static void
record_failed(QueueRow *row, StepOutcome *out, bool retry, int attempts)
{
	const RdsCaughtError *e = out->error;
	const char *args[5];

	args[0] = retry ? "queued" : "failed";
	args[1] = e->sqlstate;
	args[2] = out->action.aws_code[0] ? out->action.aws_code : NULL;
	args[3] = psprintf("%s%s%s", e->message, e->detail ? ". " : "", e->detail ? e->detail : "");
	args[4] = backoff_interval(attempts);
	update_row("UPDATE " RDS_QUEUE_TABLE " SET state = $2, error_sqlstate = $3, error_code = $4,"
			   " error_message = $5,"
			   " finished_at = CASE WHEN $2" EQ "'failed' THEN " NOW " END,"
			   " next_check_at = CASE WHEN $2" EQ "'queued' THEN " NOW PLUS "$6" INTERVAL " END,"
			   " updated_at = " NOW " WHERE id" EQ "$1",
			   row->id, 5, args);
}

/* Nothing decided: look at the row again after the backoff of checks. */
static void
record_look_again(QueueRow *row, int checks, bool count_check)
{
	const char *args[1] = {backoff_interval(checks)};

	update_row(count_check ?
			   "UPDATE " RDS_QUEUE_TABLE " SET checks = checks" PLUS "1, updated_at = " NOW ","
			   " next_check_at = " NOW PLUS "$2" INTERVAL " WHERE id" EQ "$1" :
			   "UPDATE " RDS_QUEUE_TABLE " SET next_check_at = " NOW PLUS "$2" INTERVAL ","
			   " updated_at = " NOW " WHERE id" EQ "$1",
			   row->id, 1, args);
}

static bool
failed_with(const StepOutcome *out, const char *sqlstate)
{
	return out->error != NULL && strcmp(out->error->sqlstate, sqlstate) == 0;
}

/* ---------------------------------------------------------------------
 * orphan
 * --------------------------------------------------------------------- */

static void
orphan_claim(QueueRow *row)
{
	ereport(LOG,
			(errmsg("rds_copy: copy request " INT64_FORMAT " was left in state sending; checking whether its copy started",
					row->id)));
}

/*
 * Did an earlier send of row start its copy?  Describe the target: true
 * with *reply filled when it is that copy, false when it is not there;
 * 42710 when it is another snapshot (action_copy.c's RdsReconcileCopy).
 */
static bool
reconcile_row(QueueRow *row, RdsReply *reply, RdsActionOutcome *outcome)
{
	AwsQuery	params = AWS_QUERY_INIT;
	volatile bool found = false;

	PG_TRY();
	{
		AwsQueryStart(&params, "CopyDBClusterSnapshot");
		AwsQueryAdd(&params, "SourceDBClusterSnapshotIdentifier", row->copy.source);
		AwsQueryAdd(&params, "TargetDBClusterSnapshotIdentifier", row->copy.target);
		if (row->copy.kms_key != NULL)
			AwsQueryAdd(&params, "KmsKeyId", row->copy.kms_key);
		if (params.failed)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		found = RdsReconcileCopy(row->region, &params, reply, outcome);
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
	}
	PG_END_TRY();
	return found;
}

static void
orphan_action(QueueRow *row, RdsReply *reply, RdsActionOutcome *outcome)
{
	if (!reconcile_row(row, reply, outcome))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("target of the copy was not found")));
}

static void
orphan_record(QueueRow *row, StepOutcome *out)
{
	if (out->error == NULL)
		record_started(row, out);
	else if (failed_with(out, "42704"))
		/* the send never reached AWS: send it again */
		update_row("UPDATE " RDS_QUEUE_TABLE " SET state = 'queued', next_check_at = NULL,"
				   " updated_at = " NOW " WHERE id" EQ "$1", row->id, 0, NULL);
	else if (failed_with(out, "42710"))
		record_failed(row, out, false, 0);
	else
		/* cannot tell now: look again later, still 'sending' */
		record_look_again(row, 1, false);
}

static const StepKind orphan_step = {
	.looking = "rds_copy: looking for copy requests left in sending",
	.where = "state" EQ "'sending' AND (next_check_at IS NULL"
	" OR next_check_at OPERATOR(pg_catalog.<=) " NOW ")",
	.order = "ORDER BY id LIMIT 20",
	.row_lock = true,
	.commit_claim = false,
	.activity = "rds_copy: checking whether the copy of request %lld started",
	.claim = orphan_claim,
	.action = orphan_action,
	.record = orphan_record,
};

/* ---------------------------------------------------------------------
 * send
 * --------------------------------------------------------------------- */

static void
send_claim(QueueRow *row)
{
	row->attempts++;
	update_row("UPDATE " RDS_QUEUE_TABLE " SET state = 'sending', attempts = attempts" PLUS "1,"
			   " sent_at = " NOW ", next_check_at = NULL, updated_at = " NOW
			   " WHERE id" EQ "$1", row->id, 0, NULL);
}

/* RdsRunCatching's closure for a send's copy. */
typedef struct SendRun
{
	QueueRow   *row;
	RdsReply   *reply;
	RdsActionOutcome *outcome;
} SendRun;

static void
send_copy(void *arg)
{
	SendRun    *run = arg;

	RdsCopySnapshot(run->row->region, &run->row->copy, run->reply, run->outcome);
}

static void
send_action(QueueRow *row, RdsReply *reply, RdsActionOutcome *outcome)
{
	SendRun		run = {row, reply, outcome};
	RdsCaughtError *e;

	if (!row->sent_before)
	{
		send_copy(&run);
		return;
	}

	/*
	 * An earlier send may have started this copy (its reply was lost, or
	 * it timed out after AWS had taken it): AlreadyExists then means our
	 * own copy, if the target is that copy.
	 */
	e = RdsRunCatching(send_copy, &run, CurrentMemoryContext);
	if (e == NULL)
		return;
	if (strcmp(outcome->aws_code, "DBClusterSnapshotAlreadyExistsFault") == 0)
	{
		RdsActionOutcome refused = *outcome;
		volatile bool ours = false;

		/* the row keeps the refusal's AWS code, whatever the Describe says */
		RdsReplyFree(reply);
		PG_TRY();
		{
			ours = reconcile_row(row, reply, outcome);
		}
		PG_CATCH();
		{
			*outcome = refused;
			PG_RE_THROW();
		}
		PG_END_TRY();
		if (ours)
			return;
		*outcome = refused;
	}
	RdsRaiseCaught(e);
}

static void
send_record(QueueRow *row, StepOutcome *out)
{
	bool		retry;

	if (out->error == NULL)
	{
		record_started(row, out);
		return;
	}
	retry = row->attempts < rds_copy_queue_max_sends &&
		(strncmp(out->error->sqlstate, "08", 2) == 0 || failed_with(out, "55P03"));
	record_failed(row, out, retry, row->attempts);
}

static const StepKind send_step = {
	.looking = "rds_copy: looking for queued copy requests",
	.where = "state" EQ "'queued' AND (next_check_at IS NULL"
	" OR next_check_at OPERATOR(pg_catalog.<=) " NOW ")",
	.order = "ORDER BY id LIMIT 1",
	.row_lock = true,
	.commit_claim = true,		/* 'sending' is durable before anything is sent */
	.activity = "rds_copy: sending copy request %lld",
	.claim = send_claim,
	.action = send_action,
	.record = send_record,
};

/* ---------------------------------------------------------------------
 * follow
 * --------------------------------------------------------------------- */

static void
follow_action(QueueRow *row, RdsReply *reply, RdsActionOutcome *outcome)
{
	(void) RdsDescribeSnapshot(row->region, row->copy.target, false, reply, outcome);
}

static void
follow_record(QueueRow *row, StepOutcome *out)
{
	const char *status;
	bool		final;
	const char *args[5];

	if (failed_with(out, "42704"))
	{
		record_failed(row, out, false, 0);
		return;
	}
	if (out->error != NULL)
	{
		record_look_again(row, row->checks + 1, true);
		return;
	}
	status = RdsSnapshotValue(&out->reply.snapshots[0], "Status");
	final = RdsSnapshotStatusIsFinal(status);
	args[0] = status ? status : "";
	args[1] = RdsSnapshotValue(&out->reply.snapshots[0], "PercentProgress");
	args[2] = backoff_interval(row->checks + 1);
	args[3] = psprintf("DB cluster snapshot \"%s\" is %s and will not become available",
					   row->copy.target, args[0]);
	args[4] = final ? "true" : "false";
	update_row("UPDATE " RDS_QUEUE_TABLE " SET checks = checks" PLUS "1, updated_at = " NOW ","
			   " percent_progress = CASE WHEN $2" EQ "'available' THEN 100"
			   "   ELSE coalesce($3::pg_catalog.int4, percent_progress) END,"
			   " state = CASE WHEN $2" EQ "'available' THEN 'available'"
			   "   WHEN $6::pg_catalog.bool THEN 'failed' ELSE 'copying' END,"
			   " finished_at = CASE WHEN $2" EQ "'available' OR $6::pg_catalog.bool THEN " NOW " END,"
			   " next_check_at = CASE WHEN $2" EQ "'available' OR $6::pg_catalog.bool THEN NULL"
			   "   ELSE " NOW PLUS "$4" INTERVAL " END,"
			   " error_sqlstate = CASE WHEN $6::pg_catalog.bool THEN '55000' END,"
			   " error_message = CASE WHEN $6::pg_catalog.bool THEN $5 END"
			   " WHERE id" EQ "$1",
			   row->id, 5, args);
}

static const StepKind follow_step = {
	.looking = "rds_copy: looking for copies to follow",
	.where = "state" EQ "'copying' AND next_check_at OPERATOR(pg_catalog.<=) " NOW,
	.order = "ORDER BY next_check_at LIMIT 1",
	.row_lock = false,
	.commit_claim = false,
	.activity = "rds_copy: describing the target of copy request %lld",
	.claim = NULL,
	.action = follow_action,
	.record = follow_record,
};

/* ---------------------------------------------------------------------
 * Entry points
 * --------------------------------------------------------------------- */

bool
RdsQueueStep(MemoryContext cxt, const char *owner)
{
	bool		did;

	MemoryContextReset(cxt);
	did = run_step(&orphan_step, owner, cxt) || run_step(&send_step, owner, cxt) ||
		run_step(&follow_step, owner, cxt);
	MemoryContextReset(cxt);
	return did;
}

void
RdsQueuePrune(void)
{
	Datum		minutes = Int32GetDatum(rds_copy_queue_retention);

	if (rds_copy_queue_retention < 0)
		return;
	begin_step("rds_copy: pruning finished copy requests");
	if (SPI_execute_with_args("DELETE FROM " RDS_QUEUE_TABLE
							  " WHERE state" EQ "ANY ('{available,failed,cancelled}'::pg_catalog.text[])"
							  " AND finished_at OPERATOR(pg_catalog.<) (" NOW
							  " OPERATOR(pg_catalog.-) pg_catalog.make_interval(mins => $1))",
							  1, (Oid[]) {INT4OID}, &minutes, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not prune " RDS_QUEUE_TABLE);
	if (SPI_processed > 0)
		ereport(DEBUG1,
				(errmsg_internal("rds_copy: pruned " UINT64_FORMAT " finished copy requests",
								 (uint64) SPI_processed)));
	end_step();
}

bool
RdsQueueInstalled(void)
{
	bool		installed;

	begin_step("rds_copy: looking for the queue");
	if (SPI_execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname" EQ "'rds_copy'",
					true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_extension");
	installed = SPI_processed == 1;
	end_step();
	return installed;
}
