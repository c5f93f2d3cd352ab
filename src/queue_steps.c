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
 *    The send step keeps to the copy slots: at most
 *    rds_copy.queue_max_copying cross-region rows sending or copying per
 *    destination region (fewer when AWS refused for its in-progress
 *    limit: awslimits.c), claimed one at a time under an advisory lock;
 *    a refusal for that limit, or a throttle, puts the row back without
 *    counting the send (it never fails for them); the manual-snapshot
 *    quota fails it with 53400 and the hint.
 *  - follow: the due 'copying' rows of one region are described in one
 *    call (up to 100); 'available' ends a row, a final status or a target
 *    missing from the reply fails it, anything else is looked at again
 *    after rds_copy.queue_poll_interval.
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
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "action_copy.h"
#include "action_snapshot.h"
#include "audit.h"
#include "awscodes.h"
#include "awslimits.h"
#include "errors.h"
#include "queue.h"
#include "settings.h"
#include "snapshot.h"

/* schema-qualified pieces of the steps' SQL */
#define NOW "pg_catalog.clock_timestamp()"
#define EQ " OPERATOR(pg_catalog.=) "
#define PLUS " OPERATOR(pg_catalog.+) "
#define INTERVAL "::pg_catalog.interval"
#define LT " OPERATOR(pg_catalog.<) "
#define NE " OPERATOR(pg_catalog.<>) "

/*
 * Is row a (a table alias and a dot) a cross-region copy?  Its source is
 * in source_region, else in the region of a source ARN, else in region.
 */
#define CROSS_REGION(a) "(COALESCE(" a "source_region, CASE WHEN pg_catalog.starts_with(" a "source, 'arn:')" \
	" THEN pg_catalog.split_part(" a "source, ':', 4) END, " a "region)" NE a "region)"

/*
 * Copy slots (send step): busy = cross-region copies sending or copying
 * per destination region, every role's (AWS counts the account's copies,
 * so the count is the account's; only rows of the step's owner are ever
 * claimed or changed); lim = the slots AWS has free as learned from a
 * refusal ($2 regions, $3 slots: awslimits.c); $4 =
 * rds_copy.queue_max_copying.  FULL(a) is true when row a's region has
 * no slot left for it.
 */
#define SLOTS_WITH "WITH busy AS MATERIALIZED (SELECT b.region, pg_catalog.count(*) AS n FROM " RDS_QUEUE_TABLE " b" \
	" WHERE b.state" EQ "ANY ('{sending,copying}'::pg_catalog.text[]) AND " CROSS_REGION("b.") " GROUP BY b.region)," \
	" lim AS MATERIALIZED (SELECT l.region, l.slots FROM ROWS FROM (pg_catalog.unnest($2::pg_catalog.text[])," \
	" pg_catalog.unnest($3::pg_catalog.int4[])) AS l(region, slots)) "
#define FULL(a) "(" CROSS_REGION(a) " AND COALESCE((SELECT busy.n FROM busy WHERE busy.region" EQ a "region), 0)" \
	" OPERATOR(pg_catalog.>=) LEAST($4::pg_catalog.int4, COALESCE((SELECT lim.slots FROM lim WHERE lim.region" EQ a "region)," \
	" $4::pg_catalog.int4)))"
#define WAITING_REASON(a) "CASE WHEN " FULL(a) " THEN 'copy slot in '" " OPERATOR(pg_catalog.||) " a "region END"

/*
 * This step's rows of regions waiting for their send rate: skipped
 * (true, the static workers: they nap and look again) or taken last
 * (false, process_queue's helpers: they wait for the token rather than
 * return with work undone).  Set by RdsQueueStep.
 */
static bool skip_rate_waits = false;

/* advisory lock field4 of a row being sent (1 and 2 are SQL's own) */
#define ROW_LOCK_KIND 3
/* advisory lock field4 of the send claim: one claim at a time, so slots are counted right */
#define SEND_CLAIM_KIND 4

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
	bool		slots;			/* keep to the copy slots (send) */
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

/* s in ASCII lower case, a copy in cxt (identifiers are ASCII: validate.c) */
static char *
ascii_lower(const char *s, MemoryContext cxt)
{
	char	   *copy = MemoryContextStrdup(cxt, s);
	char	   *p;

	for (p = copy; *p; p++)
		*p = pg_ascii_tolower((unsigned char) *p);
	return copy;
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
/* The regions whose send rate has no token now, as a text[] (RATE_WAITS). */
static Datum
rate_waits(void)
{
	const char *regions[RDS_LIMITS_MAX_REGIONS];
	Datum		rd[RDS_LIMITS_MAX_REGIONS];
	int			n = RdsRateBusyRegions(regions, RDS_LIMITS_MAX_REGIONS);
	int			i;

	for (i = 0; i < n; i++)
		rd[i] = CStringGetTextDatum(regions[i]);
	return PointerGetDatum(construct_array(rd, n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * Fill values[1..4] and types[1..4]: $2..$4 of SLOTS_WITH, and $5 the
 * regions that wait for their send rate (the send step takes their rows
 * last, so a worker does not sit out their wait while others have work).
 */
static void
slot_arguments(Datum *values, Oid *types)
{
	const char *regions[RDS_LIMITS_MAX_REGIONS];
	int			slots[RDS_LIMITS_MAX_REGIONS];
	Datum		rd[RDS_LIMITS_MAX_REGIONS];
	Datum		sd[RDS_LIMITS_MAX_REGIONS];
	int			n = RdsLimitsLearnedCaps(regions, slots, RDS_LIMITS_MAX_REGIONS);
	int			i;

	for (i = 0; i < n; i++)
	{
		rd[i] = CStringGetTextDatum(regions[i]);
		sd[i] = Int32GetDatum(slots[i]);
	}
	values[1] = PointerGetDatum(construct_array(rd, n, TEXTOID, -1, false, TYPALIGN_INT));
	values[2] = PointerGetDatum(construct_array(sd, n, INT4OID, 4, true, TYPALIGN_INT));
	values[3] = Int32GetDatum(rds_copy_queue_max_copying);
	values[4] = rate_waits();
	types[1] = TEXTARRAYOID;
	types[2] = INT4ARRAYOID;
	types[3] = INT4OID;
	types[4] = TEXTARRAYOID;
}

static bool
claim_row(const StepKind *kind, const char *owner, QueueRow *row, MemoryContext cxt)
{
	uint64		i;
	Datum		values[6];
	Oid			types[6] = {TEXTOID};
	char		nulls[6] = {owner ? ' ' : 'n', ' ', ' ', ' ', ' ', ' '};
	int			nargs = 1;

	values[0] = owner ? CStringGetTextDatum(owner) : (Datum) 0;
	if (kind->slots)
	{
		LOCKTAG		tag;

		/* until the claim commits: another worker's claim counts this one */
		SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, 0, 0, SEND_CLAIM_KIND);
		(void) LockAcquire(&tag, ExclusiveLock, false, false);
		slot_arguments(values, types);
		values[5] = BoolGetDatum(skip_rate_waits);
		types[5] = BOOLOID;
		nargs = 6;
	}
	if (SPI_execute_with_args(psprintf("%sSELECT id, source, target, kms_key, copy_tags, tags, source_region,"
									   " region, attempts, checks, requested_by, sent_at IS NULL"
									   " FROM " RDS_QUEUE_TABLE " r WHERE %s"
									   " AND ($1 IS NULL OR requested_by" EQ "$1::pg_catalog.name)%s"
									   " %s FOR UPDATE OF r SKIP LOCKED",
									   kind->slots ? SLOTS_WITH : "", kind->where,
									   kind->slots ? " AND NOT " FULL("r.") " AND (NOT $6::pg_catalog.bool OR r.region"
									   NE "ALL ($5::pg_catalog.text[]))" : "",
									   kind->order),
							  nargs, types, values, nulls, false, 0) != SPI_OK_SELECT)
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

/*
 * After a send step found no row to claim (its claim lock held): show on
 * owner's queued rows (NULL: every row) why they wait -- "copy slot in
 * <region>" when their region's slots are taken -- and clear it on those
 * that no longer wait.  Changes only rows whose waiting_for changes.
 */
static void
mark_waiting(const char *owner)
{
	Datum		values[5];
	Oid			types[5] = {TEXTOID};
	char		nulls[5] = {owner ? ' ' : 'n', ' ', ' ', ' ', ' '};

	values[0] = owner ? CStringGetTextDatum(owner) : (Datum) 0;
	slot_arguments(values, types);
	if (SPI_execute_with_args(SLOTS_WITH "UPDATE " RDS_QUEUE_TABLE " r SET waiting_for = " WAITING_REASON("r.") ","
							  " updated_at = " NOW
							  " WHERE r.state" EQ "'queued' AND ($1 IS NULL OR r.requested_by" EQ "$1::pg_catalog.name)"
							  " AND COALESCE(r.waiting_for, '')" NE "COALESCE(" WAITING_REASON("r.") ", '')",
							  5, types, values, nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update " RDS_QUEUE_TABLE);
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
		if (kind->slots)
			mark_waiting(owner);
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
	/* a quota refusal's hint says how to make room (awscodes.c) */
	if (strcmp(e->sqlstate, "53400") == 0 && e->hint != NULL)
		args[3] = psprintf("%s Hint: %s", args[3], e->hint);
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
			   " sent_at = " NOW ", next_check_at = NULL, waiting_for = NULL, updated_at = " NOW
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

/*
 * AWS refused the send for a limit that is not the row's fault: back to
 * 'queued' after the backoff of one send, the send not counted towards
 * queue_max_sends, waiting_for saying why; the refusal stays in the
 * error columns.
 */
static void
record_refused(QueueRow *row, StepOutcome *out, const char *waiting_for)
{
	const RdsCaughtError *e = out->error;
	const char *args[5];

	args[0] = waiting_for;
	args[1] = e->sqlstate;
	args[2] = out->action.aws_code[0] != '\0' ? out->action.aws_code : NULL;
	args[3] = psprintf("%s%s%s", e->message, e->detail ? ". " : "", e->detail ? e->detail : "");
	args[4] = backoff_interval(1);
	update_row("UPDATE " RDS_QUEUE_TABLE " SET state = 'queued', attempts = attempts" PLUS "(-1),"
			   " waiting_for = $2, error_sqlstate = $3, error_code = $4, error_message = $5,"
			   " next_check_at = " NOW PLUS "$6" INTERVAL ", updated_at = " NOW " WHERE id" EQ "$1",
			   row->id, 5, args);
}

/* row's copies of ours copying to its region from other regions, not counting row */
static int
copies_in_flight(QueueRow *row)
{
	Datum		values[2] = {Int64GetDatum(row->id), CStringGetTextDatum(row->region)};
	bool		isnull;

	if (SPI_execute_with_args("SELECT pg_catalog.count(*)::pg_catalog.int4 FROM " RDS_QUEUE_TABLE " b"
							  " WHERE b.region" EQ "$2 AND b.id" NE "$1 AND b.state" EQ "'copying'"
							  " AND " CROSS_REGION("b."),
							  2, (Oid[]) {INT8OID, TEXTOID}, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read " RDS_QUEUE_TABLE);
	return DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* how long a learned slot count holds: ten polls (queue_steps.c backoff's longest) */
static int
slot_hold_seconds(void)
{
	return rds_copy_queue_poll_interval * 10;
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
	if (RdsAwsQuotaOf(out->action.aws_code, out->error->detail) == RDS_QUOTA_COPIES_IN_PROGRESS)
	{
		/* AWS has fewer slots free than we thought: wait for one (never failed) */
		RdsLimitsCopyRefused(row->region, copies_in_flight(row), slot_hold_seconds());
		record_refused(row, out, psprintf("copy slot in %s (AWS refused: copies in progress)", row->region));
		return;
	}
	if (RdsAwsCodeHas(out->action.aws_code, RDS_AWS_THROTTLING))
	{
		/* action.c retried and the region's send rate went down (awslimits.c) */
		record_refused(row, out, psprintf("send rate in %s (AWS throttled)", row->region));
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
	/* regions waiting for their send rate last: the other regions' rows go first */
	.order = "ORDER BY (r.region" EQ "ANY ($5::pg_catalog.text[])), requested_at, id LIMIT 1",
	.row_lock = true,
	.slots = true,
	.commit_claim = true,		/* 'sending' is durable before anything is sent */
	.activity = "rds_copy: sending copy request %lld",
	.claim = send_claim,
	.action = send_action,
	.record = send_record,
};

/* ---------------------------------------------------------------------
 * follow, in batches
 *
 * The copying rows of one region are described together: one
 * DescribeDBClusterSnapshots with the db-cluster-snapshot-id filter for
 * up to RDS_DESCRIBE_BATCH of them (action_snapshot.c), every
 * queue_poll_interval while any is due.  A row whose target is not in
 * the reply is gone (42704); a failed Describe (throttled, say) changes
 * nothing but the time of the next look.  Only owner's rows are claimed
 * and changed (NULL: every row).
 * --------------------------------------------------------------------- */

/*
 * When to look at a copying row again: after poll (an interval), or
 * sooner when its progress says it will be done sooner -- percent p after
 * (now - sent_at) leaves (now - sent_at) * (100 - p) / p, plus 200 ms so
 * that the look finds it done.  p is 0 (or unknown) early on: poll.
 */
#define NEXT_LOOK(p, poll) "LEAST(" poll ", CASE WHEN " p " OPERATOR(pg_catalog.>) 0 AND " p LT "100" \
	" THEN (" NOW " OPERATOR(pg_catalog.-) sent_at) OPERATOR(pg_catalog.*) ((100" \
	" OPERATOR(pg_catalog.-) " p ")::pg_catalog.float8 OPERATOR(pg_catalog./) " p ")" \
	" OPERATOR(pg_catalog.+) '200 milliseconds'::pg_catalog.interval ELSE " poll " END)"

typedef struct FollowRow
{
	int64		id;
	char	   *target;
	char	   *requested_by;
} FollowRow;

typedef struct FollowRun
{
	const char *region;
	const char **targets;
	int			n;
	RdsReply   *reply;
	RdsActionOutcome *outcome;
} FollowRun;

static void
follow_describe(void *arg)
{
	FollowRun  *run = arg;

	RdsDescribeSnapshotsById(run->region, run->targets, run->n, run->reply, run->outcome);
}

/* What one Describe said of row's target (snap NULL: not there). */
static void
follow_update(const FollowRow *row, const char *region, const RdsSnapshot *snap)
{
	const char *status;
	bool		final;
	const char *args[5];

	if (snap == NULL)
	{
		args[0] = psprintf("DB cluster snapshot \"%s\" does not exist", row->target);
		update_row("UPDATE " RDS_QUEUE_TABLE " SET state = 'failed', error_sqlstate = '42704',"
				   " error_code = NULL, error_message = $2,"
				   " finished_at = " NOW ", next_check_at = NULL, updated_at = " NOW
				   " WHERE id" EQ "$1", row->id, 1, args);
		RdsLimitsCopyEnded(region, slot_hold_seconds());
		return;
	}
	status = RdsSnapshotValue(snap, "Status");
	final = RdsSnapshotStatusIsFinal(status);
	args[0] = status ? status : "";
	args[1] = RdsSnapshotValue(snap, "PercentProgress");
	args[2] = backoff_interval(1);
	args[3] = psprintf("DB cluster snapshot \"%s\" is %s and will not become available",
					   row->target, args[0]);
	args[4] = final ? "true" : "false";
	update_row("UPDATE " RDS_QUEUE_TABLE " SET checks = checks" PLUS "1, updated_at = " NOW ","
			   " percent_progress = CASE WHEN $2" EQ "'available' THEN 100"
			   "   ELSE coalesce($3::pg_catalog.int4, percent_progress) END,"
			   " state = CASE WHEN $2" EQ "'available' THEN 'available'"
			   "   WHEN $6::pg_catalog.bool THEN 'failed' ELSE 'copying' END,"
			   " finished_at = CASE WHEN $2" EQ "'available' OR $6::pg_catalog.bool THEN " NOW " END,"
			   " next_check_at = CASE WHEN $2" EQ "'available' OR $6::pg_catalog.bool THEN NULL"
			   "   ELSE " NOW PLUS NEXT_LOOK("$3::pg_catalog.int4", "$4" INTERVAL) " END,"
			   " error_sqlstate = CASE WHEN $6::pg_catalog.bool THEN '55000' END,"
			   " error_message = CASE WHEN $6::pg_catalog.bool THEN $5 END"
			   " WHERE id" EQ "$1",
			   row->id, 5, args);
	if (RdsSnapshotStatusIsAvailable(status) || final)
		RdsLimitsCopyEnded(region, slot_hold_seconds());
}

/* One batch of up to max_rows follows on owner's rows (NULL: any); the rows followed. */
static int
follow_batch(const char *owner, int max_rows, MemoryContext cxt)
{
	Datum		values[4] = {0, 0, 0, BoolGetDatum(skip_rate_waits)};
	char		nulls[4] = {owner ? ' ' : 'n', 'n', ' ', ' '};
	bool		isnull;
	char	   *region;
	FollowRow  *rows;
	const char **targets;
	int			n;
	int			i;
	bool		one_owner = true;
	RdsReply	reply;
	RdsActionOutcome outcome;
	FollowRun	run;
	RdsCaughtError *volatile error = NULL;

	values[0] = owner ? CStringGetTextDatum(owner) : (Datum) 0;
	values[2] = rate_waits();
	begin_step("rds_copy: looking for copies to follow");
	/*
	 * the region of the most overdue row nobody else is following, regions
	 * waiting for their send rate last (or not at all: skip_rate_waits)
	 */
	if (SPI_execute_with_args("SELECT region FROM " RDS_QUEUE_TABLE
							  " WHERE state" EQ "'copying' AND next_check_at OPERATOR(pg_catalog.<=) " NOW
							  " AND ($1 IS NULL OR requested_by" EQ "$1::pg_catalog.name)"
							  " AND (NOT $4::pg_catalog.bool OR region" NE "ALL ($3::pg_catalog.text[]))"
							  " ORDER BY (region" EQ "ANY ($3::pg_catalog.text[])), next_check_at"
							  " LIMIT 1 FOR UPDATE SKIP LOCKED",
							  4, (Oid[]) {TEXTOID, TEXTOID, TEXTARRAYOID, BOOLOID}, values, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read " RDS_QUEUE_TABLE);
	if (SPI_processed == 0)
	{
		end_step();
		return 0;
	}
	region = column_text(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, cxt);
	/* that region's due copying rows: one Describe for all */
	values[1] = CStringGetTextDatum(region);
	nulls[1] = ' ';
	if (SPI_execute_with_args(psprintf("SELECT id, target, requested_by FROM " RDS_QUEUE_TABLE
									   " WHERE state" EQ "'copying' AND region" EQ "$2"
									   " AND next_check_at OPERATOR(pg_catalog.<=) " NOW
									   " AND ($1 IS NULL OR requested_by" EQ "$1::pg_catalog.name)"
									   " ORDER BY next_check_at LIMIT %d FOR UPDATE SKIP LOCKED",
									   max_rows),
							  2, (Oid[]) {TEXTOID, TEXTOID}, values, nulls, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read " RDS_QUEUE_TABLE);
	n = (int) SPI_processed;
	rows = MemoryContextAllocZero(cxt, sizeof(FollowRow) * Max(n, 1));
	targets = MemoryContextAllocZero(cxt, sizeof(char *) * Max(n, 1));
	for (i = 0; i < n; i++)
	{
		rows[i].id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
		rows[i].target = column_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, cxt);
		rows[i].requested_by = column_text(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, cxt);
		/* AWS stores identifiers in lower case (see the comparison below) */
		targets[i] = ascii_lower(rows[i].target, cxt);
		if (strcmp(rows[i].requested_by, rows[0].requested_by) != 0)
			one_owner = false;
	}
	if (n == 0)
	{
		/* all taken by another worker since: nothing done */
		end_step();
		return 0;
	}
	pgstat_report_activity(STATE_RUNNING,
						   psprintf("rds_copy: describing the targets of %d copy requests in %s", n, region));

	memset(&reply, 0, sizeof(reply));
	memset(&outcome, 0, sizeof(outcome));
	run.region = region;
	run.targets = targets;
	run.n = n;
	run.reply = &reply;
	run.outcome = &outcome;
	/* the audit names the requester when the batch has one (else the worker) */
	RdsAuditSetQueueRow(n == 1 ? rows[0].id : 0, one_owner ? rows[0].requested_by : NULL);
	PG_TRY();
	{
		error = RdsRunCatching(follow_describe, &run, cxt);
	}
	PG_FINALLY();
	{
		RdsAuditSetQueueRow(0, NULL);
	}
	PG_END_TRY();

	for (i = 0; i < n; i++)
	{
		const RdsSnapshot *snap = NULL;
		int			j;

		if (error != NULL)
		{
			/* cannot tell now (throttled, unreachable): look again after a poll */
			record_look_again(&(QueueRow) {.id = rows[i].id}, 1, true);
			continue;
		}
		for (j = 0; j < reply.nsnapshots; j++)
		{
			const char *id = RdsSnapshotValue(&reply.snapshots[j], "DBClusterSnapshotIdentifier");

			/*
			 * AWS shows the identifier in lower case (botocore's rds model:
			 * it "is stored as a lowercase string"), a row has it as given
			 */
			if (id != NULL && pg_strcasecmp(id, rows[i].target) == 0)
				snap = &reply.snapshots[j];
		}
		follow_update(&rows[i], region, snap);
	}
	end_step();
	RdsReplyFree(&reply);
	return n;
}

/* ---------------------------------------------------------------------
 * Entry points
 * --------------------------------------------------------------------- */

int
RdsQueueStep(MemoryContext cxt, const char *owner, int max_rows, bool skip_throttled)
{
	int			did;

	MemoryContextReset(cxt);
	skip_rate_waits = skip_throttled;
	if (run_step(&orphan_step, owner, cxt) || run_step(&send_step, owner, cxt))
		did = 1;
	else
		did = follow_batch(owner, Max(Min(max_rows, RDS_DESCRIBE_BATCH), 1), cxt);
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
