/*-------------------------------------------------------------------------
 * awscall.c
 *		Run one RDS API action: region and endpoint -> credentials ->
 *		(pre-signed URL for a cross-region copy) -> querycall.c.
 *
 * The generic sign/send/parse step is querycall.c's; this file adds what
 * is RDS's: the endpoint settings, the PreSignedUrl, and the retries --
 * the SDKs' "standard" mode (throttling, transient codes, HTTP 5xx,
 * connection failures; rds_copy.max_attempts in all, full-jitter
 * exponential backoff slept on the latch), one retry with fresh
 * credentials when AWS says cached ones have expired, one with a
 * corrected clock when AWS says the request's time is off, and
 * reconciliation when a retry meets a target an earlier, unanswered
 * attempt may have created.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>
#include <time.h>

#include "common/pg_prng.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "audit.h"
#include "awscall.h"
#include "credentials.h"
#include "guc.h"
#include "querycall.h"

#define RDS_SERVICE "rds"

const char *
RdsResolveRegion(void)
{
	if (rds_copy_region == NULL || rds_copy_region[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no AWS region is configured"),
				 errhint("Set rds_copy.region or the server's AWS_REGION.")));
	return rds_copy_region;
}

/* Add PreSignedUrl: params + DestinationRegion, signed for source_region. */
static void
add_presigned_url(AwsQuery *params, const SigV4Credentials *creds,
				  const char *region, const char *source_region)
{
	RdsEndpoint source_endpoint;
	SigV4Scope	scope;
	AwsQuery	presign = AWS_QUERY_INIT;
	RdsBuf		url = RDS_BUF_INIT;
	bool		ok;

	if (!RdsEndpointForRegion(RDS_SERVICE, source_region, &source_endpoint))
		elog(ERROR, "region \"%s\" has no endpoint", source_region);
	scope.region = source_region;
	scope.service = RDS_SERVICE;
	scope.host = source_endpoint.host_header;

	AwsQueryCopy(&presign, params);
	AwsQueryAdd(&presign, "DestinationRegion", region);
	ok = !presign.failed &&
		SigV4PresignUrl(creds, &scope, source_endpoint.scheme, &presign, RdsSigningNow(),
						SIGV4_PRESIGN_EXPIRES, &url);
	if (ok)
		AwsQueryAdd(params, "PreSignedUrl", RdsBufStr(&url));
	AwsQueryFree(&presign);
	RdsBufWipe(&url);
	if (!ok || params->failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/* Do these codes say that credentials we cached have gone stale? */
static bool
says_credentials_expired(const char *code)
{
	return code != NULL &&
		(strcmp(code, "ExpiredToken") == 0 || strcmp(code, "InvalidClientTokenId") == 0);
}

/* AWS error codes the SDKs' "standard" retry mode retries. */
static bool
is_retryable_code(const char *code)
{
	static const char *const codes[] = {
		/* transient */
		"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
		/* throttling */
		"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
		"TooManyRequestsException", "ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
		"LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
	};
	int			i;

	for (i = 0; code != NULL && i < lengthof(codes); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/* Is the failure of call worth another attempt? */
static bool
is_retryable(const RdsCall *call)
{
	long		status = call->resp.status;

	switch (call->status)
	{
		case RDS_CALL_TRANSPORT_ERROR:
			return call->resp.failure == RDS_HTTP_CONNECT_FAILED ||
				call->resp.failure == RDS_HTTP_TIMEOUT ||
				call->resp.failure == RDS_HTTP_BROKEN;
		case RDS_CALL_AWS_ERROR:
			return status == 500 || status == 502 || status == 503 || status == 504 ||
				is_retryable_code(RdsCallErrorCode(call));
		case RDS_CALL_INVALID_REPLY:
			/* an unparsable 2xx reply, as from a broken proxy; not a redirect */
			return status >= 200 && status <= 299;
		case RDS_CALL_OK:
			break;
	}
	return false;
}

/* Might AWS have carried out the request although the call failed? */
static bool
outcome_unknown(const RdsCall *call)
{
	switch (call->status)
	{
		case RDS_CALL_TRANSPORT_ERROR:
			return call->resp.connected &&
				(call->resp.failure == RDS_HTTP_TIMEOUT || call->resp.failure == RDS_HTTP_BROKEN);
		case RDS_CALL_AWS_ERROR:
			return call->resp.status >= 500;
		case RDS_CALL_INVALID_REPLY:
			return true;
		case RDS_CALL_OK:
			break;
	}
	return false;
}

static const char *
failure_name(const RdsCall *call)
{
	if (call->status == RDS_CALL_TRANSPORT_ERROR)
		return call->resp.error;
	if (call->status == RDS_CALL_AWS_ERROR && call->reply.error_code)
		return call->reply.error_code;
	if (call->status == RDS_CALL_AWS_ERROR)
		return "an HTTP 5xx status";
	return "a reply that is not valid";
}

/* See awscall.h; also the wait of wait_for_db_cluster_snapshot. */
void
RdsSleepOnLatch(long ms)
{
	TimestampTz end = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), ms);

	for (;;)
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), end);

		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 left, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * The sleep before attempt + 1, as the SDKs' standard mode: a random time
 * in [0, min(2^(attempt-1), 20)) seconds.
 */
static long
backoff_ms(int attempt)
{
	double		cap = Min(pow(2.0, attempt - 1), 20.0);

	return (long) (pg_prng_double(&pg_global_prng_state) * cap * 1000.0);
}

static char last_error_code[64];

const char *
RdsLastAwsErrorCode(void)
{
	return last_error_code[0] ? last_error_code : NULL;
}

/* The audit record of a call of params, started now. */
static void
audit_start(RdsAuditCall *audit, const AwsQuery *params, const char *region)
{
	const char *target = AwsQueryGet(params, "TargetDBClusterSnapshotIdentifier");

	memset(audit, 0, sizeof(*audit));
	audit->started = GetCurrentTimestamp();
	audit->action = AwsQueryGet(params, "Action");
	audit->region = region;
	audit->source = AwsQueryGet(params, "SourceDBClusterSnapshotIdentifier");
	audit->target = target ? target : AwsQueryGet(params, "DBClusterSnapshotIdentifier");
}

void
RdsAwsCall(const char *region_in, const AwsQuery *params_in, const char *source_region,
		   RdsReconcileFunc reconcile, RdsReply *reply)
{
	const char *region = region_in ? region_in : RdsResolveRegion();
	RdsEndpoint endpoint;
	RdsCall		call;
	AwsQuery	params = AWS_QUERY_INIT;
	RdsAuditCall audit;
	volatile int sent = 0;

	RdsResolveServiceEndpoint(RDS_SERVICE, region, rds_copy_endpoint_url, &endpoint);
	memset(&call, 0, sizeof(call));
	memset(reply, 0, sizeof(*reply));
	last_error_code[0] = '\0';
	audit_start(&audit, params_in, region);

	PG_TRY();
	{
		int			attempt = 0;	/* attempts counted against max_attempts */
		bool		fresh_credentials_tried = false;
		bool		clock_corrected = false;
		bool		unknown = false;
		bool		reconciled = false;

		for (;;)
		{
			bool		from_cache;
			const RdsCredentials *creds = RdsCredentialsGet(&from_cache);
			SigV4Credentials sc = RdsCredentialsForSigning(creds);
			const char *code;

			attempt++;
			sent++;
			AwsQueryCopy(&params, params_in);
			if (source_region != NULL)
				add_presigned_url(&params, &sc, region, source_region);
			RdsCallSend(&call, RDS_SERVICE, region, &endpoint, &params, &sc);
			AwsQueryFree(&params);
			call.site.attempts = sent;
			if (call.status == RDS_CALL_OK)
				break;
			code = RdsCallErrorCode(&call);

			if (!fresh_credentials_tried && from_cache && says_credentials_expired(code))
			{
				/* a retry of its own, not counted against max_attempts */
				ereport(DEBUG1,
						(errmsg_internal("rds_copy: %s answered %s to cached credentials; fetching fresh ones",
										 call.site.action, code)));
				fresh_credentials_tried = true;
				attempt--;
				RdsCredentialsInvalidate();
			}
			else if (!clock_corrected && RdsCorrectSigningClock(&call))
			{
				clock_corrected = true;
				attempt--;
			}
			else if (unknown && reconcile != NULL && code != NULL &&
					 strcmp(code, "DBClusterSnapshotAlreadyExistsFault") == 0)
			{
				/*
				 * An earlier attempt may have created the target: find out
				 * rather than fail (or, worse, copy twice).
				 */
				RdsCallFree(&call);
				memset(&call, 0, sizeof(call));
				if (reconcile(region, params_in, reply))
				{
					reconciled = true;
					break;
				}
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_OBJECT),
						 errmsg("target DB cluster snapshot already exists"),
						 errdetail("An attempt failed without a reply, and the target could not be found afterwards.")));
			}
			else if (is_retryable(&call) && attempt < rds_copy_max_attempts)
			{
				long		ms = backoff_ms(attempt);

				unknown |= outcome_unknown(&call);
				ereport(DEBUG1,
						(errmsg_internal("rds_copy: attempt %d of %d of %s failed (%s); retrying in %ld ms",
										 attempt, rds_copy_max_attempts, call.site.action,
										 failure_name(&call), ms)));
				RdsCallFree(&call);
				memset(&call, 0, sizeof(call));
				RdsSleepOnLatch(ms);
				continue;
			}
			else
				RdsCallRaise(&call);
			RdsCallFree(&call);
			memset(&call, 0, sizeof(call));
		}
		if (!reconciled)
		{
			*reply = call.reply;
			memset(&call.reply, 0, sizeof(call.reply));
		}
	}
	PG_CATCH();
	{
		const char *code = RdsCallErrorCode(&call);

		if (code != NULL)
			strlcpy(last_error_code, code, sizeof(last_error_code));
		audit.ok = false;
		audit.sqlstate = geterrcode();
		audit.aws_code = code;
		audit.request_id = call.reply.request_id;
		audit.attempts = sent;
		RdsAuditRecord(&audit);
		AwsQueryFree(&params);
		RdsCallFree(&call);
		PG_RE_THROW();
	}
	PG_END_TRY();
	AwsQueryFree(&params);
	RdsCallFree(&call);
	audit.ok = true;
	audit.request_id = reply->request_id;
	audit.attempts = sent;
	RdsAuditRecord(&audit);
}
