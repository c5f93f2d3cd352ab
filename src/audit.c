/*-------------------------------------------------------------------------
 * audit.c
 *		The audit trail of AWS calls.
 *
 * Every finished RDS call (action.c) is written to a ring of
 * rds_copy.recent_requests_size entries in shared memory, so that it
 * survives the caller's rollback and is visible to every session through
 * rds_copy.recent_requests, and logged as one server log line at
 * rds_copy.log_requests.  The ring exists only when the library is in
 * shared_preload_libraries.  An entry holds who, when, what and how it
 * ended -- never a secret (requests carry none but their signature, which
 * is not kept).  A queue worker's calls for a row are recorded in the name
 * of the role that requested it.  A role sees its own entries only;
 * members of rds_copy_admin (and superusers) see every entry
 * (queue_access.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "commands/dbcommands.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "audit.h"
#include "queue_access.h"
#include "settings.h"

PG_FUNCTION_INFO_V1(rds_copy_recent_request_records);

typedef struct AuditEntry
{
	TimestampTz at;
	int64		latency_us;
	int64		queue_id;
	pg_time_t	session_start;
	int			pid;
	int			sqlstate;
	int			attempts;
	bool		ok;
	NameData	username;
	NameData	database;
	char		action[48];
	char		region[32];
	char		aws_code[64];
	char		request_id[64];
	char		source[512];
	char		target[512];
} AuditEntry;

typedef struct AuditRing
{
	LWLock	   *lock;
	int			size;
	uint64		written;		/* entries ever written; next slot is written % size */
	AuditEntry	entries[FLEXIBLE_ARRAY_MEMBER];
} AuditRing;

static AuditRing *ring = NULL;
static int64 current_queue_id = 0;
static NameData current_queue_owner;	/* "" when no row */
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static Size
ring_size(void)
{
	return add_size(offsetof(AuditRing, entries),
					mul_size(sizeof(AuditEntry), rds_copy_recent_requests_size));
}

static void
audit_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(ring_size());
	RequestNamedLWLockTranche("rds_copy", 1);
}

static void
audit_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	ring = ShmemInitStruct("rds_copy recent requests", ring_size(), &found);
	if (!found)
	{
		ring->lock = &(GetNamedLWLockTranche("rds_copy"))->lock;
		ring->size = rds_copy_recent_requests_size;
		ring->written = 0;
	}
	LWLockRelease(AddinShmemInitLock);
}

void
RdsAuditRequestShmem(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = audit_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = audit_shmem_startup;
}

void
RdsAuditSetQueueRow(int64 id, const char *requested_by)
{
	current_queue_id = id;
	namestrcpy(&current_queue_owner, requested_by ? requested_by : "");
}

static void
copy_text(char *dst, size_t size, const char *src)
{
	if (src == NULL)
		dst[0] = '\0';
	else
		strlcpy(dst, src, size);
}

static void
fill_entry(AuditEntry *e, const RdsAuditCall *call, TimestampTz now)
{
	e->at = call->started;
	e->latency_us = now - call->started;
	e->queue_id = current_queue_id;
	e->session_start = MyStartTime;
	e->pid = MyProcPid;
	e->sqlstate = call->sqlstate;
	e->attempts = call->attempts;
	e->ok = call->ok;
	copy_text(e->action, sizeof(e->action), call->action);
	copy_text(e->region, sizeof(e->region), call->region);
	copy_text(e->aws_code, sizeof(e->aws_code), call->aws_code);
	copy_text(e->request_id, sizeof(e->request_id), call->request_id);
	copy_text(e->source, sizeof(e->source), call->source);
	copy_text(e->target, sizeof(e->target), call->target);
}

/*
 * The current user's and the database's names, from the syscache (the
 * database's once per backend).  Calls are recorded before an error
 * aborts the transaction, so the lookups are safe; outside a transaction
 * the names are left empty.
 */
static void
fill_names(AuditEntry *e)
{
	static Oid	cached_db = InvalidOid;
	static NameData cached_db_name;
	char	   *user = NULL;

	if (NameStr(current_queue_owner)[0] != '\0')
		user = NameStr(current_queue_owner);
	else if (IsTransactionState())
		user = GetUserNameFromId(GetUserId(), true);
	namestrcpy(&e->username, user ? user : "");
	if (cached_db != MyDatabaseId && IsTransactionState())
	{
		char	   *db = get_database_name(MyDatabaseId);

		namestrcpy(&cached_db_name, db ? db : "");
		cached_db = MyDatabaseId;
	}
	e->database = cached_db == MyDatabaseId ? cached_db_name : (NameData) {{0}};
}

static void
log_call(const AuditEntry *e)
{
	char		latency[32];

	snprintf(latency, sizeof(latency), "%.1f ms", e->latency_us / 1000.0);
	ereport(rds_copy_log_requests,
			(errmsg_internal("rds_copy: %s region %s%s%s%s%s%s%s: %s%s%s%s%s after %d attempt%s in %s, RequestId %s",
							 e->action, e->region,
							 e->source[0] ? " source \"" : "", e->source, e->source[0] ? "\"" : "",
							 e->target[0] ? " target \"" : "", e->target, e->target[0] ? "\"" : "",
							 e->ok ? "ok" : "failed with SQLSTATE ",
							 e->ok ? "" : unpack_sql_state(e->sqlstate),
							 e->aws_code[0] ? " (" : "", e->aws_code, e->aws_code[0] ? ")" : "",
							 e->attempts, e->attempts == 1 ? "" : "s", latency,
							 e->request_id[0] ? e->request_id : "none"),
			 errhidestmt(true), errhidecontext(true)));
}

void
RdsAuditRecord(const RdsAuditCall *call)
{
	AuditEntry	e;

	if (ring == NULL && rds_copy_log_requests < 0)
		return;
	fill_entry(&e, call, GetCurrentTimestamp());
	fill_names(&e);
	if (rds_copy_log_requests >= 0)
		log_call(&e);
	if (ring != NULL && ring->size > 0)
	{
		LWLockAcquire(ring->lock, LW_EXCLUSIVE);
		ring->entries[ring->written % ring->size] = e;
		ring->written++;
		LWLockRelease(ring->lock);
	}
}

static Datum
text_or_null(const char *s, bool *isnull)
{
	*isnull = s[0] == '\0';
	return *isnull ? (Datum) 0 : CStringGetTextDatum(s);
}

Datum
rds_copy_recent_request_records(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	AuditEntry *copy;
	bool		all = RdsQueueCallerIsAdmin();
	char	   *me = RdsQueueCallerName();
	uint64		first;
	uint64		n;
	uint64		i;

	if (ring == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("rds_copy.recent_requests needs rds_copy in shared_preload_libraries"),
				 errhint("Add rds_copy to shared_preload_libraries and restart the server; the calls are in the server log meanwhile.")));

	InitMaterializedSRF(fcinfo, 0);

	copy = palloc(sizeof(AuditEntry) * Max(ring->size, 1));
	LWLockAcquire(ring->lock, LW_SHARED);
	n = Min(ring->written, (uint64) ring->size);
	first = ring->written - n;
	for (i = 0; i < n; i++)
		copy[i] = ring->entries[(first + i) % ring->size];
	LWLockRelease(ring->lock);

	for (i = 0; i < n; i++)
	{
		const AuditEntry *e = &copy[i];
		Datum		values[16];
		bool		nulls[16];
		Interval   *latency;

		if (!all && strcmp(NameStr(e->username), me) != 0)
			continue;
		latency = palloc0(sizeof(Interval));
		memset(nulls, 0, sizeof(nulls));
		latency->time = e->latency_us;
		values[0] = TimestampTzGetDatum(e->at);
		values[1] = Int32GetDatum(e->pid);
		values[2] = CStringGetTextDatum(psprintf("%lx.%x", (long) e->session_start, e->pid));
		values[3] = NameGetDatum(&e->username);
		values[4] = NameGetDatum(&e->database);
		values[5] = CStringGetTextDatum(e->action);
		values[6] = CStringGetTextDatum(e->region);
		values[7] = text_or_null(e->source, &nulls[7]);
		values[8] = text_or_null(e->target, &nulls[8]);
		values[9] = CStringGetTextDatum(e->ok ? "ok" : "error");
		nulls[10] = e->ok;
		values[10] = e->ok ? (Datum) 0 : CStringGetTextDatum(unpack_sql_state(e->sqlstate));
		values[11] = text_or_null(e->aws_code, &nulls[11]);
		values[12] = text_or_null(e->request_id, &nulls[12]);
		values[13] = Int32GetDatum(e->attempts);
		values[14] = IntervalPGetDatum(latency);
		nulls[15] = e->queue_id == 0;
		values[15] = Int64GetDatum(e->queue_id);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
