/*-------------------------------------------------------------------------
 * action.c
 *		Run one Amazon RDS API action: region and endpoint -> credentials
 *		-> (pre-signed URL for a cross-region copy) -> awsrequest.c, with
 *		retries, and an audit record of the outcome.
 *
 * The generic sign/send/parse step is awsrequest.c's; this file adds what
 * is RDS's: the endpoint settings, the PreSignedUrl, and the retries --
 * the SDKs' "standard" mode (the codes awscodes.c flags transient, HTTP
 * 5xx, connection failures; rds_copy.max_attempts in all, full-jitter
 * exponential backoff slept on the latch), one retry with fresh
 * credentials when AWS says cached ones are stale, one with a corrected
 * clock when AWS says the request's time is off, and reconciliation when
 * a retry meets a target an earlier, unanswered attempt may have created.
 * The outcome (AWS code, RequestId, attempts) goes back to the caller in
 * an RdsActionOutcome, never through a global.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>

#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "action.h"
#include "audit.h"
#include "awscodes.h"
#include "awslimits.h"
#include "awsrequest.h"
#include "regions.h"
#include "credentials.h"
#include "retry.h"
#include "settings.h"

#define RDS_SERVICE "rds"

/*
 * Add PreSignedUrl: params + DestinationRegion, signed for source_region,
 * for the host botocore signs it for (handlers.py
 * _get_cross_region_presigned_url): the destination request's URL with
 * the destination region replaced by source_region -- the source
 * region's endpoint of the same variant (FIPS, dual-stack), or an
 * override's host with the region in it replaced, or kept when it has
 * none.  DestinationRegion is the region the request is signed for.
 */
static void
add_presigned_url(AwsQuery *params, const SigV4Credentials *creds,
				  const RdsEndpoint *endpoint, const char *source_region)
{
	RdsEndpoint source_endpoint;
	SigV4Scope	scope;
	AwsQuery	presign = AWS_QUERY_INIT;
	RdsBuf		url = RDS_BUF_INIT;
	bool		ok;

	if (!RdsPresignEndpoint(endpoint, source_region, &source_endpoint))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the pre-signed URL's endpoint for source_region \"%s\" is not valid",
						source_region),
				 errdetail("It is %s with \"%s\" replaced by \"%s\".", endpoint->url,
						   endpoint->signing_region, source_region)));
	scope.region = source_endpoint.signing_region;
	scope.service = RDS_SERVICE;
	scope.host = source_endpoint.host_header;

	AwsQueryCopy(&presign, params);
	AwsQueryAdd(&presign, "DestinationRegion", endpoint->signing_region);
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

/* Might AWS have carried out the request although the call failed? */
static bool
outcome_unknown(const RdsRequest *call)
{
	switch (call->status)
	{
		case RDS_REQUEST_TRANSPORT_ERROR:
			return call->resp.connected &&
				(call->resp.failure == RDS_HTTP_TIMEOUT || call->resp.failure == RDS_HTTP_BROKEN);
		case RDS_REQUEST_AWS_ERROR:
			return call->resp.status >= 500;
		case RDS_REQUEST_INVALID_REPLY:
			return true;
		case RDS_REQUEST_OK:
			break;
	}
	return false;
}

static const char *
failure_name(const RdsRequest *call)
{
	if (call->status == RDS_REQUEST_TRANSPORT_ERROR)
		return call->resp.error;
	if (call->status == RDS_REQUEST_AWS_ERROR && call->reply.error_code)
		return call->reply.error_code;
	if (call->status == RDS_REQUEST_AWS_ERROR)
		return "an HTTP 5xx status";
	return "a reply that is not valid";
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

/* Put what call says into outcome (may be NULL). */
static void
note_outcome(RdsActionOutcome *outcome, const RdsRequest *call, int sent)
{
	const char *code = RdsRequestErrorCode(call);
	const char *request_id = call->reply.request_id ? call->reply.request_id : call->resp.request_id;

	if (outcome == NULL)
		return;
	if (code != NULL)
		strlcpy(outcome->aws_code, code, sizeof(outcome->aws_code));
	if (request_id != NULL && request_id[0] != '\0')
		strlcpy(outcome->request_id, request_id, sizeof(outcome->request_id));
	outcome->attempts = sent;
}

void
RdsActionRun(const char *region_in, const AwsQuery *params_in, const char *source_region,
			 RdsReconcileFunc reconcile, RdsReply *reply, RdsActionOutcome *outcome)
{
	const char *region = region_in ? region_in : RdsResolveRegion();
	RdsEndpoint endpoint;
	RdsRequest		call;
	AwsQuery	params = AWS_QUERY_INIT;
	RdsAuditCall audit;
	volatile int sent = 0;
	RdsCredentials creds;		/* clear secrets, for one attempt's signature */

	/*
	 * The gate of regions: every action, direct, companion or queued, comes
	 * through here, and nothing is signed or sent for a region (or a
	 * source_region) that is not allowed.  An endpoint override does not
	 * lift it: the region still goes into the signature's scope.
	 */
	RdsRequireAllowedRegion(region, region_in ? "region" : "rds_copy.region");
	if (source_region != NULL)
	{
		char		real[RDS_REGION_MAX + 1];
		const RdsPartition *to;
		const RdsPartition *from;

		RdsRequireAllowedRegion(source_region, "source_region");
		(void) RdsRegionNormalize(region, real, sizeof(real));
		to = RdsPartitionOf(real);
		(void) RdsRegionNormalize(source_region, real, sizeof(real));
		from = RdsPartitionOf(real);
		/* AWS copies within a partition only; botocore would pre-sign a host that is not one */
		if (to != from)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("source_region \"%s\" is in another AWS partition than region \"%s\"",
							source_region, region),
					 errdetail("Partition %s cannot copy from partition %s.", to->id, from->id)));
	}
	RdsResolveServiceEndpoint(RDS_SERVICE, region, rds_copy_endpoint_url, &endpoint);
	memset(&creds, 0, sizeof(creds));
	memset(&call, 0, sizeof(call));
	memset(reply, 0, sizeof(*reply));
	if (outcome != NULL)
		memset(outcome, 0, sizeof(*outcome));
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
			SigV4Credentials sc;
			const char *code;

			RdsCredentialsGetClear(&creds, &from_cache);
			sc = RdsCredentialsForSigning(&creds);
			attempt++;
			sent++;
			AwsQueryCopy(&params, params_in);
			if (source_region != NULL)
				add_presigned_url(&params, &sc, &endpoint, source_region);
			RdsRateBeforeSend(region);	/* adaptive mode: awslimits.c */
			RdsRequestSend(&call, RDS_SERVICE, region, &endpoint, &params, &sc);
			/* signed and sent: the clear secrets go now, not at the end */
			RdsCredentialsWipe(&creds);
			RdsRateAfterReply(region, call.status == RDS_REQUEST_AWS_ERROR &&
							  RdsAwsCodeHas(RdsRequestErrorCode(&call), RDS_AWS_THROTTLING));
			AwsQueryFree(&params);
			call.site.attempts = sent;
			if (call.status == RDS_REQUEST_OK)
				break;
			code = RdsRequestErrorCode(&call);

			if (!fresh_credentials_tried && from_cache &&
				RdsAwsCodeHas(code, RDS_AWS_STALE_CREDENTIALS))
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
				RdsRequestFree(&call);
				memset(&call, 0, sizeof(call));
				if (reconcile(region, params_in, reply, outcome))
				{
					reconciled = true;
					break;
				}
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_OBJECT),
						 errmsg("target DB cluster snapshot already exists"),
						 errdetail("An attempt failed without a reply, and the target could not be found afterwards.")));
			}
			else if (RdsRetryable(&call, RDS_SERVICE) && attempt < rds_copy_max_attempts)
			{
				long		ms = RdsRetryBackoffMs(attempt);

				unknown |= outcome_unknown(&call);
				ereport(DEBUG1,
						(errmsg_internal("rds_copy: attempt %d of %d of %s failed (%s); retrying in %ld ms",
										 attempt, rds_copy_max_attempts, call.site.action,
										 failure_name(&call), ms)));
				RdsRequestFree(&call);
				memset(&call, 0, sizeof(call));
				RdsSleepOnLatch(ms, RDS_WAIT_RETRY_BACKOFF);
				continue;
			}
			else
				RdsRequestRaise(&call);
			RdsRequestFree(&call);
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
		const char *code = RdsRequestErrorCode(&call);

		if (code != NULL || outcome == NULL || outcome->aws_code[0] == '\0')
			note_outcome(outcome, &call, sent);
		audit.ok = false;
		audit.sqlstate = geterrcode();
		audit.aws_code = code;
		audit.request_id = call.reply.request_id;
		audit.attempts = sent;
		RdsAuditRecord(&audit);
		RdsCredentialsWipe(&creds);
		AwsQueryFree(&params);
		RdsRequestFree(&call);
		PG_RE_THROW();
	}
	PG_END_TRY();
	AwsQueryFree(&params);
	RdsRequestFree(&call);
	if (outcome != NULL)
	{
		outcome->attempts = sent;
		if (reply->request_id != NULL)
			strlcpy(outcome->request_id, reply->request_id, sizeof(outcome->request_id));
	}
	audit.ok = true;
	audit.request_id = reply->request_id;
	audit.attempts = sent;
	RdsAuditRecord(&audit);
}
