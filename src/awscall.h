/*-------------------------------------------------------------------------
 * awscall.h
 *		One RDS API action with the backend's credentials.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_AWSCALL_H
#define RDS_AWSCALL_H

#include "awsquery.h"
#include "xml.h"

/*
 * Called when a retry gets DBClusterSnapshotAlreadyExistsFault after an
 * attempt whose outcome is unknown: find out whether that attempt created
 * the target.  Returns true with *reply filled (as a reply to params'
 * action) when it did; raises when the target exists but differs; false
 * when it cannot tell.
 */
typedef bool (*RdsReconcileFunc) (const char *region, const AwsQuery *params,
								  RdsReply *reply);

/*
 * Call params's action (params starts with Action and Version) on the RDS
 * endpoint of region (NULL: the configured region).  When source_region is not NULL, a
 * PreSignedUrl for that region is built from params plus
 * DestinationRegion and appended.  Retryable failures are retried (see
 * awscall.c); reconcile (may be NULL) settles a conflict that a retry
 * may have caused.  An ExpiredToken or
 * InvalidClientTokenId answer to cached credentials drops them and tries
 * once more with fresh ones.  On success *reply holds the parsed reply
 * (kind RDS_REPLY_OK; the caller frees it with RdsReplyFree); every
 * failure is raised as an SQL error with nothing left allocated.  Every
 * call, whatever its outcome, is recorded by audit.c.
 */
extern void RdsAwsCall(const char *region, const AwsQuery *params,
					   const char *source_region, RdsReconcileFunc reconcile,
					   RdsReply *reply);

/*
 * Sleep ms milliseconds on the latch (wait event type Extension), so that
 * a cancel, statement_timeout or shutdown ends the sleep at once.
 */
extern void RdsSleepOnLatch(long ms);

/* The AWS error code of the last call that failed with one, or NULL. */
extern const char *RdsLastAwsErrorCode(void);

/* The region requests go to; raises 22023 with a hint when none is set. */
extern const char *RdsResolveRegion(void);

#endif
