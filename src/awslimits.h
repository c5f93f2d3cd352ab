/*-------------------------------------------------------------------------
 * awslimits.h
 *		AWS's limits as state shared by every process of the server, one
 *		entry per region: the adaptive client-side send rate (the SDKs'
 *		adaptive retry mode) and the copy slots AWS really has free.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_AWSLIMITS_H
#define RDS_AWSLIMITS_H

#include "fmgr.h"

/* From _PG_init under shared_preload_libraries: ask for the shared table. */
extern void RdsLimitsRequestShmem(void);

/*
 * Before sending any request to region: wait (on the latch, cancellable)
 * for a token of region's send bucket, once a throttle has turned the
 * bucket on.  After the reply: throttled or not, as botocore's
 * ClientRateLimiter.on_receiving_response.
 */
extern void RdsRateBeforeSend(const char *region);
extern void RdsRateAfterReply(const char *region, bool throttled);

/*
 * Regions whose send bucket has no token now (a send would wait): up to
 * max, into regions (pointers into a static copy, valid until the next
 * call); returns how many.  The queue takes their rows last, so that
 * a worker does not sit out a throttled region's wait while other
 * regions have work.
 */
extern int	RdsRateBusyRegions(const char **regions, int max);

/* regions the table holds at most */
#define RDS_LIMITS_MAX_REGIONS 32

/*
 * Copy slots AWS really has free, as learned from an in-progress
 * refusal: the copies of ours that were copying then.
 * RdsLimitsCopyRefused records a refusal in region with in_flight copies
 * of ours copying; the learned number holds for hold_s seconds, and each
 * RdsLimitsCopyEnded in the region holds it hold_s seconds more (a copy
 * that ends frees a slot under it; copies started outside rds_copy that
 * end are noticed when it expires).  RdsLimitsLearnedCaps lists the
 * regions with a learned number that holds: up to max, into regions
 * (pointers into a static copy, valid until the next call) and caps;
 * returns how many.
 */
extern void RdsLimitsCopyRefused(const char *region, int in_flight, int hold_s);
extern void RdsLimitsCopyEnded(const char *region, int hold_s);
extern int	RdsLimitsLearnedCaps(const char **regions, int *caps, int max);

/* SQL: rds_copy.queue_limits() */
extern PGDLLEXPORT Datum rds_copy_queue_limits(PG_FUNCTION_ARGS);

#endif
