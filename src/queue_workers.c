/*-------------------------------------------------------------------------
 * queue_workers.c
 *		The background workers of the copy queue: the static workers
 *		(rds_copy.queue_workers, under shared_preload_libraries) and the
 *		dynamic helpers that process_queue() starts.
 *
 * Both take steps from queue_steps.c, connected as the bootstrap
 * superuser with the server's settings and a pinned search_path
 * (worker_settings.c).  The static workers serve rds_copy.database_name,
 * nap rds_copy.queue_naptime between rounds and prune at most once a
 * minute; the helpers run in the caller's database on the caller's rows
 * (every row when the caller is an admin: queue_access.c), share a step
 * budget in a DSM segment and report the first failure back.  A helper
 * does not run as the caller: the caller may hold no privilege on the
 * table, and its own settings (ALTER ROLE ... SET) must not change how
 * copies are sent.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "pgstat.h"
#include "port/atomics.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "compat.h"
#include "queue.h"
#include "queue_access.h"
#include "settings.h"
#include "worker_settings.h"

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
	dsm_handle	handle;
	bool		all_rows;		/* the caller is an admin */
	NameData	owner;			/* otherwise: the caller, whose rows it works */
} HelperArgs;

StaticAssertDecl(sizeof(HelperArgs) <= BGW_EXTRALEN, "HelperArgs must fit in bgw_extra");

/* A worker of this library that connects to a database. */
static void
init_worker(BackgroundWorker *worker, const char *function, const char *type)
{
	memset(worker, 0, sizeof(*worker));
	worker->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	strlcpy(worker->bgw_library_name, "rds_copy", BGW_MAXLEN);
	strlcpy(worker->bgw_function_name, function, BGW_MAXLEN);
	strlcpy(worker->bgw_type, type, BGW_MAXLEN);
}

/* A step-taking loop's memory: reset by every step. */
static MemoryContext
step_context(void)
{
	return AllocSetContextCreate(TopMemoryContext, "rds_copy queue step", ALLOCSET_DEFAULT_SIZES);
}

/*
 * A static worker between steps: read the configuration again when asked.
 * One whose rds_copy.* settings had to be put back over a database's or
 * role's (worker_settings.c) would keep the old values, so it exits and
 * the postmaster starts it again (bgw_restart_time) with the new ones.
 */
static void
reload_if_asked(void)
{
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
		if (RdsWorkerSettingsPinned())
		{
			ereport(LOG,
					(errmsg("rds_copy queue worker restarts to use the reloaded configuration"),
					 errdetail("Database or role settings of rds_copy were replaced by the server's values when it started, and only a new worker reads the new ones.")));
			proc_exit(1);
		}
	}
}

/* ---------------------------------------------------------------------
 * The static workers
 * --------------------------------------------------------------------- */

void
RdsQueueRegisterWorkers(void)
{
	BackgroundWorker worker;
	int			i;

	for (i = 0; i < rds_copy_queue_workers; i++)
	{
		init_worker(&worker, "rds_copy_queue_worker_main", "rds_copy queue worker");
		worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
		worker.bgw_restart_time = 10;
		snprintf(worker.bgw_name, BGW_MAXLEN, "rds_copy queue worker %d", i + 1);
		worker.bgw_main_arg = Int32GetDatum(i + 1);
		RegisterBackgroundWorker(&worker);
	}
}

static void
nap(long ms)
{
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 ms, RdsWaitEventInfo(RDS_WAIT_QUEUE_NAP));
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
	RdsWorkerSaveServerSettings();
	BackgroundWorkerInitializeConnection(rds_copy_database_name, NULL, 0);
	RdsWorkerUseServerSettings("rds_copy queue worker");
	cxt = step_context();
	ereport(LOG, (errmsg("rds_copy queue worker %d serving database \"%s\"",
						 DatumGetInt32(arg), rds_copy_database_name)));

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		reload_if_asked();
		if (!RdsQueueInstalled())
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
		/* a throttled region's rows wait for a later round; the nap is short */
		while (RdsQueueStep(cxt, NULL, RDS_DESCRIBE_BATCH_ROWS, true) > 0)
		{
			CHECK_FOR_INTERRUPTS();
			reload_if_asked();
		}
		if (TimestampDifferenceExceeds(last_prune, GetCurrentTimestamp(), PRUNE_EVERY_MS))
		{
			RdsQueuePrune();
			last_prune = GetCurrentTimestamp();
		}
		nap(rds_copy_queue_naptime);
	}
}

/* ---------------------------------------------------------------------
 * process_queue's helpers
 * --------------------------------------------------------------------- */

/* Take up to n units of budget; how many were taken (0: it is spent). */
static uint32
take_budget(HelperShared *shared, uint32 n)
{
	uint32		left = pg_atomic_read_u32(&shared->budget);

	while (left > 0)
		if (pg_atomic_compare_exchange_u32(&shared->budget, &left, left - Min(left, n)))
			return Min(left, n);
	return 0;
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
	RdsWorkerSaveServerSettings();
	BackgroundWorkerInitializeConnectionByOid(args.database, InvalidOid, 0);
	RdsWorkerUseServerSettings("rds_copy queue helper");
	seg = dsm_attach(args.handle);
	if (seg == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("rds_copy queue helper: process_queue is gone")));
	shared = dsm_segment_address(seg);
	cxt = step_context();

	PG_TRY();
	{
		if (pg_atomic_exchange_u32(&shared->pruned, 1) == 0)
			RdsQueuePrune();
		for (;;)
		{
			/* half of what is left (a batched follow may use it), so other helpers get work */
			uint32		left = pg_atomic_read_u32(&shared->budget);
			uint32		taken = take_budget(shared, Min(Max(left / 2, 1), RDS_DESCRIBE_BATCH_ROWS));
			int			rows;

			if (taken == 0)
				break;
			CHECK_FOR_INTERRUPTS();
			/* process_queue does the work now: it waits for a throttled region's token */
			rows = RdsQueueStep(cxt, args.all_rows ? NULL : NameStr(args.owner), (int) taken, false);
			if ((uint32) rows < taken)
				pg_atomic_fetch_add_u32(&shared->budget, taken - (uint32) rows);
			if (rows == 0)
				break;
			pg_atomic_fetch_add_u32(&shared->worked, (uint32) rows);
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

	init_worker(&worker, "rds_copy_queue_helper_main", "rds_copy queue helper");
	worker.bgw_start_time = BgWorkerStart_ConsistentState;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_name, BGW_MAXLEN, "rds_copy queue helper %d of process %d", n, MyProcPid);
	worker.bgw_notify_pid = MyProcPid;
	memcpy(worker.bgw_extra, args, sizeof(*args));
	if (!RegisterDynamicBackgroundWorker(&worker, &handle))
		return NULL;
	return handle;
}

static void
postmaster_died(BgwHandleStatus status)
{
	if (status == BGWH_POSTMASTER_DIED)
		ereport(ERROR,
				(errcode(ERRCODE_ADMIN_SHUTDOWN),
				 errmsg("postmaster exited while rds_copy.process_queue() was waiting")));
}

uint32
RdsQueueRunHelpers(int32 max_steps, const char *owner)
{
	int			nhelpers = Min(max_steps, Min(Max(rds_copy_queue_workers, 2), MAX_HELPERS));
	int			started = 0;
	dsm_segment *seg;
	HelperShared *shared;
	HelperArgs	args;
	BackgroundWorkerHandle *handles[MAX_HELPERS];
	int			i;
	uint32		worked;

	seg = dsm_create(sizeof(HelperShared), 0);
	shared = dsm_segment_address(seg);
	pg_atomic_init_u32(&shared->budget, (uint32) max_steps);
	pg_atomic_init_u32(&shared->worked, 0);
	pg_atomic_init_u32(&shared->pruned, 0);
	pg_atomic_init_u32(&shared->failed, 0);
	shared->error[0] = '\0';
	memset(&args, 0, sizeof(args));
	args.database = MyDatabaseId;
	args.handle = dsm_segment_handle(seg);
	args.all_rows = owner == NULL;
	namestrcpy(&args.owner, owner ? owner : "");

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

		postmaster_died(WaitForBackgroundWorkerStartup(handles[i], &pid));
	}
	for (i = 0; i < started; i++)
		postmaster_died(WaitForBackgroundWorkerShutdown(handles[i]));
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
	return worked;
}
