/*-------------------------------------------------------------------------
 * retry.c
 *		The SDKs' "standard" retry mode, shared by the RDS actions
 *		(action.c) and the STS calls of the credential chain (credfetch.c):
 *		which failed call is retried, the full-jitter backoff, the sleep on
 *		the latch.
 *
 * What each caller retries around (credentials, clock, reconciliation,
 * the number of attempts) is the caller's; which AWS codes are transient
 * is awscodes.c's table.  Sources: botocore retries/standard.py
 * (DEFAULT_MAX_ATTEMPTS = 3, ExponentialBackoff: rand() * min(2 ** (n - 1),
 * 20) seconds, TransientRetryableChecker, ThrottledRetryableChecker) and
 * retries/special.py (RetryIDPCommunicationError, STS only).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/pg_prng.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "awscodes.h"
#include "retry.h"

bool
RdsRetryable(const RdsRequest *call, const char *service)
{
	long		status = call->resp.status;
	const char *code;

	switch (call->status)
	{
		case RDS_REQUEST_TRANSPORT_ERROR:
			return call->resp.failure == RDS_HTTP_CONNECT_FAILED ||
				call->resp.failure == RDS_HTTP_TIMEOUT ||
				call->resp.failure == RDS_HTTP_BROKEN;
		case RDS_REQUEST_AWS_ERROR:
			code = RdsRequestErrorCode(call);
			return RdsAwsCodeIsRetryable(code, status) ||
				(strcmp(service, "sts") == 0 && RdsAwsCodeHas(code, RDS_AWS_STS_TRANSIENT));
		case RDS_REQUEST_INVALID_REPLY:
			/* an unparsable 2xx reply, as from a broken proxy; not a redirect */
			return status >= 200 && status <= 299;
		case RDS_REQUEST_OK:
			break;
	}
	return false;
}

long
RdsRetryBackoffMs(int attempt)
{
	double		cap = Min(pow(2.0, attempt - 1), 20.0);

	return (long) (pg_prng_double(&pg_global_prng_state) * cap * 1000.0);
}

void
RdsSleepOnLatch(long ms, RdsWaitEvent which)
{
	TimestampTz end = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);

	for (;;)
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), end);

		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 left, RdsWaitEventInfo(which));
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}
