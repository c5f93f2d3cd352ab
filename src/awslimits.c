/*-------------------------------------------------------------------------
 * awslimits.c
 *		AWS's limits as shared state, one entry per region: the adaptive
 *		client-side send rate and the copy slots AWS really has free; and
 *		rds_copy.queue_limits(), which shows them.
 *
 * The send rate mirrors the AWS SDKs' adaptive retry mode (botocore
 * 1.29: botocore/retries/adaptive.py ClientRateLimiter and RateClocker,
 * bucket.py TokenBucket, throttling.py CubicCalculator): every reply
 * updates a measured send rate (half-second buckets, smoothing 0.8); a
 * throttling reply (awscodes.c's RDS_AWS_THROTTLING codes: Throttling,
 * RequestLimitExceeded, ...) turns the token bucket on and sets its rate
 * to 0.7 times the rate then (CUBIC's beta), and every success lets the
 * rate grow back along CUBIC's curve (scale 0.4), never above twice the
 * measured rate; once on, a request waits for a token (at least 0.5 a
 * second).  botocore keeps one limiter per client; here there is one per
 * region for the whole server, so every backend and queue worker that
 * talks to a region slows down together.
 *
 * The copy slots: an in-progress refusal (SnapshotQuotaExceeded, "Cannot
 * copy more than 5 snapshots across regions") means AWS has fewer free
 * slots than rds_copy.queue_max_copying says (copies started elsewhere,
 * a lower limit): the queue then keeps to the copies it had in flight,
 * plus one for each copy that ends, until the learned cap expires.
 *
 * Shared memory needs shared_preload_libraries (as the workers do).
 * Without it, each process keeps its own table (process_queue's helpers,
 * direct calls): the same rules, learned per process.
 *
 * Not here: what counts as throttling (awscodes.c), retries (action.c),
 * which rows are sent (queue_steps.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "awslimits.h"
#include "compat.h"

#define MAX_REGIONS RDS_LIMITS_MAX_REGIONS
#define REGION_LEN 32
#define MINUTES 60

/* botocore's constants (adaptive.py, bucket.py, throttling.py) */
#define MAX_RATE_ADJUST_SCALE 2.0
#define SMOOTHING 0.8
#define TIME_BUCKET_RANGE 0.5
#define MIN_FILL_RATE 0.5
#define CUBIC_SCALE 0.4
#define CUBIC_BETA 0.7

typedef struct RegionLimits
{
	char		region[REGION_LEN]; /* "" = unused */
	/* copy slots */
	int			copy_cap;		/* -1: none learned */
	TimestampTz cap_until;
	uint64		refused;		/* in-progress refusals */
	/* TokenBucket */
	bool		enabled;
	double		fill_rate;
	double		max_capacity;
	double		capacity;
	double		last_refill;	/* 0: never */
	/* RateClocker */
	double		measured_rate;
	double		last_bucket;
	double		count;
	/* CubicCalculator */
	double		w_max;
	double		k;
	double		last_fail;
	/* throttling replies per minute, the last hour */
	int64		minute[MINUTES];
	uint32		throttled[MINUTES];
	uint64		throttled_total;
} RegionLimits;

typedef struct LimitsTable
{
	slock_t		mutex;
	RegionLimits regions[MAX_REGIONS];
} LimitsTable;

static LimitsTable *shared_table = NULL;
static LimitsTable *local_table = NULL;
static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

static void
init_table(LimitsTable *table)
{
	memset(table, 0, sizeof(*table));
	SpinLockInit(&table->mutex);
}

static void
limits_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(MAXALIGN(sizeof(LimitsTable)));
}

static void
limits_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	shared_table = ShmemInitStruct("rds_copy AWS limits", sizeof(LimitsTable), &found);
	if (!found)
		init_table(shared_table);
	LWLockRelease(AddinShmemInitLock);
}

void
RdsLimitsRequestShmem(void)
{
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = limits_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = limits_shmem_startup;
}

/* The table: shared, or this process's own. */
static LimitsTable *
table(void)
{
	if (shared_table != NULL)
		return shared_table;
	if (local_table == NULL)
	{
		local_table = MemoryContextAlloc(TopMemoryContext, sizeof(LimitsTable));
		init_table(local_table);
	}
	return local_table;
}

static double
now_seconds(void)
{
	return (double) GetCurrentTimestamp() / 1000000.0;
}

/* region's entry, made when missing; NULL when the table is full.  Holds the mutex. */
static RegionLimits *
find_region(LimitsTable *t, const char *region, bool create)
{
	int			i;
	RegionLimits *free_entry = NULL;

	for (i = 0; i < MAX_REGIONS; i++)
	{
		RegionLimits *r = &t->regions[i];

		if (r->region[0] == '\0')
		{
			if (free_entry == NULL)
				free_entry = r;
			continue;
		}
		if (strcmp(r->region, region) == 0)
			return r;
	}
	if (!create || free_entry == NULL || strlen(region) >= REGION_LEN)
		return NULL;
	memset(free_entry, 0, sizeof(*free_entry));
	strlcpy(free_entry->region, region, REGION_LEN);
	free_entry->copy_cap = -1;
	/* TokenBucket(max_rate=1), RateClocker(), CubicCalculator(0, now) */
	free_entry->fill_rate = 1.0;
	free_entry->max_capacity = 1.0;
	free_entry->last_bucket = floor(now_seconds());
	free_entry->last_fail = now_seconds();
	return free_entry;
}

/* TokenBucket._refill */
static void
refill(RegionLimits *r, double t)
{
	if (r->last_refill == 0)
	{
		r->last_refill = t;
		return;
	}
	r->capacity = Min(r->max_capacity, r->capacity + (t - r->last_refill) * r->fill_rate);
	r->last_refill = t;
}

/* TokenBucket.max_rate = value */
static void
set_max_rate(RegionLimits *r, double value, double t)
{
	refill(r, t);
	r->fill_rate = Max(value, MIN_FILL_RATE);
	r->max_capacity = value >= 1 ? value : 1;
	r->capacity = Min(r->capacity, r->max_capacity);
}

/* RateClocker.record */
static double
record_rate(RegionLimits *r, double t)
{
	double		bucket = floor(t / TIME_BUCKET_RANGE) * TIME_BUCKET_RANGE;

	r->count += 1;
	if (bucket > r->last_bucket)
	{
		double		current = r->count / (bucket - r->last_bucket);

		r->measured_rate = current * SMOOTHING + r->measured_rate * (1 - SMOOTHING);
		r->count = 0;
		r->last_bucket = bucket;
	}
	return r->measured_rate;
}

void
RdsRateBeforeSend(const char *region)
{
	LimitsTable *t = table();

	for (;;)
	{
		RegionLimits *r;
		double		wait_s = 0;

		SpinLockAcquire(&t->mutex);
		r = find_region(t, region, true);
		if (r == NULL || !r->enabled)
		{
			SpinLockRelease(&t->mutex);
			return;
		}
		refill(r, now_seconds());
		if (r->capacity >= 1)
			r->capacity -= 1;
		else
			wait_s = (1 - r->capacity) / r->fill_rate;
		SpinLockRelease(&t->mutex);
		if (wait_s <= 0)
			return;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 Max((long) ceil(wait_s * 1000), 1), RdsWaitEventInfo(RDS_WAIT_RETRY_BACKOFF));
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

void
RdsRateAfterReply(const char *region, bool throttled)
{
	LimitsTable *t = table();
	RegionLimits *r;
	double		now = now_seconds();
	double		measured;
	double		new_rate;

	SpinLockAcquire(&t->mutex);
	r = find_region(t, region, true);
	if (r == NULL)
	{
		SpinLockRelease(&t->mutex);
		return;
	}
	measured = record_rate(r, now);
	if (!throttled)
		new_rate = CUBIC_SCALE * pow(now - r->last_fail - r->k, 3) + r->w_max;
	else
	{
		int64		minute = (int64) (now / 60);
		int			slot = (int) (minute % MINUTES);
		double		rate_to_use = r->enabled ? Min(measured, r->fill_rate) : measured;

		r->w_max = rate_to_use;
		r->k = cbrt(r->w_max * (1 - CUBIC_BETA) / CUBIC_SCALE);
		r->last_fail = now;
		new_rate = rate_to_use * CUBIC_BETA;
		r->enabled = true;
		if (r->minute[slot] != minute)
		{
			r->minute[slot] = minute;
			r->throttled[slot] = 0;
		}
		r->throttled[slot]++;
		r->throttled_total++;
	}
	set_max_rate(r, Min(new_rate, MAX_RATE_ADJUST_SCALE * measured), now);
	SpinLockRelease(&t->mutex);
}

void
RdsLimitsCopyRefused(const char *region, int in_flight, int hold_s)
{
	LimitsTable *t = table();
	RegionLimits *r;

	SpinLockAcquire(&t->mutex);
	r = find_region(t, region, true);
	if (r != NULL)
	{
		r->copy_cap = Max(in_flight, 0);
		r->cap_until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), (int64) hold_s * 1000);
		r->refused++;
	}
	SpinLockRelease(&t->mutex);
}

void
RdsLimitsCopyEnded(const char *region, int hold_s)
{
	LimitsTable *t = table();
	RegionLimits *r;
	TimestampTz now = GetCurrentTimestamp();

	SpinLockAcquire(&t->mutex);
	r = find_region(t, region, false);
	if (r != NULL && r->copy_cap >= 0 && now < r->cap_until)
		r->cap_until = Max(r->cap_until, TimestampTzPlusMilliseconds(now, (int64) hold_s * 1000));
	SpinLockRelease(&t->mutex);
}

int
RdsRateBusyRegions(const char **regions, int max)
{
	static char names[MAX_REGIONS][REGION_LEN];
	LimitsTable *t = table();
	double		now = now_seconds();
	int			n = 0;
	int			i;

	SpinLockAcquire(&t->mutex);
	for (i = 0; i < MAX_REGIONS && n < max; i++)
	{
		RegionLimits *r = &t->regions[i];

		if (r->region[0] == '\0' || !r->enabled)
			continue;
		refill(r, now);
		if (r->capacity >= 1)
			continue;
		memcpy(names[n], r->region, REGION_LEN);
		regions[n] = names[n];
		n++;
	}
	SpinLockRelease(&t->mutex);
	return n;
}

int
RdsLimitsLearnedCaps(const char **regions, int *caps, int max)
{
	static char names[MAX_REGIONS][REGION_LEN];
	LimitsTable *t = table();
	TimestampTz now = GetCurrentTimestamp();
	int			n = 0;
	int			i;

	SpinLockAcquire(&t->mutex);
	for (i = 0; i < MAX_REGIONS && n < max; i++)
	{
		RegionLimits *r = &t->regions[i];

		if (r->region[0] == '\0' || r->copy_cap < 0 || now >= r->cap_until)
			continue;
		memcpy(names[n], r->region, REGION_LEN);
		regions[n] = names[n];
		caps[n] = r->copy_cap;
		n++;
	}
	SpinLockRelease(&t->mutex);
	return n;
}

PG_FUNCTION_INFO_V1(rds_copy_queue_limits);

/*
 * rds_copy.queue_limits(): per region known to this server (or, without
 * shared_preload_libraries, to this backend): the copy slots AWS has free
 * as learned from a refusal (NULL: none learned), in-progress refusals,
 * the adaptive send rate per second (NULL: not throttled yet), throttling
 * replies in the last hour and ever.
 */
Datum
rds_copy_queue_limits(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	LimitsTable *t = table();
	RegionLimits *copy = palloc(sizeof(RegionLimits) * MAX_REGIONS);
	int64		minute_now = (int64) (now_seconds() / 60);
	TimestampTz now = GetCurrentTimestamp();
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	SpinLockAcquire(&t->mutex);
	memcpy(copy, t->regions, sizeof(RegionLimits) * MAX_REGIONS);
	SpinLockRelease(&t->mutex);

	for (i = 0; i < MAX_REGIONS; i++)
	{
		const RegionLimits *r = &copy[i];
		Datum		values[6];
		bool		nulls[6] = {false, false, false, false, false, false};
		int64		hour = 0;
		int			m;

		if (r->region[0] == '\0')
			continue;
		for (m = 0; m < MINUTES; m++)
			if (r->minute[m] > minute_now - MINUTES)
				hour += r->throttled[m];
		values[0] = CStringGetTextDatum(r->region);
		nulls[1] = r->copy_cap < 0 || now >= r->cap_until;
		values[1] = Int32GetDatum(r->copy_cap);
		values[2] = Int64GetDatum((int64) r->refused);
		nulls[3] = !r->enabled;
		values[3] = Float8GetDatum(r->fill_rate);
		values[4] = Int64GetDatum(hour);
		values[5] = Int64GetDatum((int64) r->throttled_total);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
