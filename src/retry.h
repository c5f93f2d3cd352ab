/*-------------------------------------------------------------------------
 * retry.h
 *		The SDKs' "standard" retry mode, shared by the RDS actions
 *		(action.c) and the STS calls of the credential chain (credfetch.c):
 *		which failed call is worth another attempt, the backoff before it,
 *		and the cancellable sleep.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_RETRY_H
#define RDS_RETRY_H

#include "awsrequest.h"
#include "compat.h"

/*
 * Is the failure of call (a request to service: "rds", "sts") worth
 * another attempt?  Connection failures, timeouts and broken transfers;
 * HTTP 500/502/503/504; the codes awscodes.c flags transient or
 * throttling; for "sts" also those it flags RDS_AWS_STS_TRANSIENT
 * (IDPCommunicationError); an unparsable 2xx reply.  Never raises.
 */
extern bool RdsRetryable(const RdsRequest *call, const char *service);

/*
 * The sleep before attempt + 1 (attempt counts from 1), as the SDKs'
 * standard mode: a random time in [0, min(2^(attempt-1), 20)) seconds.
 */
extern long RdsRetryBackoffMs(int attempt);

/*
 * Sleep ms milliseconds on the latch, so that a cancel, statement_timeout
 * or shutdown ends the sleep at once (raised by CHECK_FOR_INTERRUPTS).
 * pg_stat_activity shows wait event type Extension, and on PostgreSQL 17+
 * the name of which (compat.h).
 */
extern void RdsSleepOnLatch(long ms, RdsWaitEvent which);

#endif
