/*-------------------------------------------------------------------------
 * action_copy.h
 *		The CopyDBClusterSnapshot action: target lock, reconciliation.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_ACTION_COPY_H
#define RDS_ACTION_COPY_H

#include "action.h"
#include "arguments.h"

/*
 * Check args, then copy in region (NULL: the configured one), holding the
 * target's session lock (55P03 when another session holds it, before
 * anything is sent); *reply and outcome as RdsActionRun's.
 */
extern void RdsCopySnapshot(const char *region, const RdsCopyArgs *args, RdsReply *reply,
							RdsActionOutcome *outcome);

/* RdsReconcileFunc for CopyDBClusterSnapshot. */
extern bool RdsReconcileCopy(const char *region, const AwsQuery *params, RdsReply *reply,
							 RdsActionOutcome *outcome);

#endif
