/*-------------------------------------------------------------------------
 * action.h
 *		Run one Amazon RDS API action: region and endpoint, credentials,
 *		the pre-signed URL of a cross-region copy, retries, reconciliation
 *		and the audit record, around one signed request (awsrequest.c).
 *-------------------------------------------------------------------------
 */
#ifndef RDS_ACTION_H
#define RDS_ACTION_H

#include "awsquery.h"
#include "compat.h"
#include "xmlreply.h"

/*
 * What an action hands back to its caller besides the reply, filled also
 * when it fails (the queue records it with the row).  Zeroed at the start
 * of every action.
 */
typedef struct RdsActionOutcome
{
	char		aws_code[64];	/* the AWS error code of the failure, or "" */
	char		request_id[128];	/* of the last reply, or "" */
	int			attempts;		/* requests sent */
} RdsActionOutcome;

/*
 * Called when a retry gets DBClusterSnapshotAlreadyExistsFault after an
 * attempt whose outcome is unknown: find out whether that attempt created
 * the target.  Returns true with *reply filled (as a reply to params'
 * action) when it did; raises when the target exists but differs; false
 * when it cannot tell.  outcome (may be NULL) as RdsActionRun's.
 */
typedef bool (*RdsReconcileFunc) (const char *region, const AwsQuery *params,
								  RdsReply *reply, RdsActionOutcome *outcome);

/*
 * Run params's action (params starts with Action and Version) on the RDS
 * endpoint of region (NULL: the configured region).  When source_region
 * is not NULL, a PreSignedUrl for that region is built from params plus
 * DestinationRegion and appended.  Both regions must be allowed
 * (settings.h, RdsRequireAllowedRegion): else 22023, raised before
 * anything is signed, sent or recorded.  Retryable failures are retried (the
 * SDKs' standard mode, rds_copy.max_attempts in all); reconcile (may be
 * NULL) settles a conflict that a retry may have caused.  An answer that
 * says cached credentials are stale drops them and tries once more with
 * fresh ones; one that says our clock is off is re-signed once with the
 * endpoint's time.  On success *reply holds the parsed reply (kind
 * RDS_REPLY_OK; the caller frees it with RdsReplyFree); every failure is
 * raised as an SQL error with nothing left allocated.  outcome (may be
 * NULL) is filled in both cases.  Every action past the region and
 * endpoint checks, whatever its result, is recorded by audit.c.
 */
extern void RdsActionRun(const char *region, const AwsQuery *params,
						 const char *source_region, RdsReconcileFunc reconcile,
						 RdsReply *reply, RdsActionOutcome *outcome);

#endif
