/*-------------------------------------------------------------------------
 * awscall.c
 *		Run one RDS API action: region and endpoint -> credentials ->
 *		(pre-signed URL for a cross-region copy) -> querycall.c.
 *
 * The generic sign/send/parse step is querycall.c's; this file adds what
 * is RDS's: the endpoint settings, the PreSignedUrl, and one retry with
 * fresh credentials when AWS says cached ones have expired.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>

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
		SigV4PresignUrl(creds, &scope, source_endpoint.scheme, &presign, time(NULL),
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

void
RdsAwsCall(const AwsQuery *params_in, const char *source_region, RdsReply *reply)
{
	const char *region = RdsResolveRegion();
	RdsEndpoint endpoint;
	RdsCall		call;
	AwsQuery	params = AWS_QUERY_INIT;

	RdsResolveServiceEndpoint(RDS_SERVICE, region, rds_copy_endpoint_url, &endpoint);
	memset(&call, 0, sizeof(call));
	memset(reply, 0, sizeof(*reply));

	PG_TRY();
	{
		int			attempt;

		for (attempt = 1;; attempt++)
		{
			bool		from_cache;
			const RdsCredentials *creds = RdsCredentialsGet(&from_cache);
			SigV4Credentials sc = RdsCredentialsForSigning(creds);

			AwsQueryCopy(&params, params_in);
			if (source_region != NULL)
				add_presigned_url(&params, &sc, region, source_region);
			RdsCallSend(&call, RDS_SERVICE, region, &endpoint, &params, &sc);
			AwsQueryFree(&params);

			if (call.status == RDS_CALL_AWS_ERROR && attempt == 1 && from_cache &&
				says_credentials_expired(RdsCallErrorCode(&call)))
			{
				ereport(DEBUG1,
						(errmsg_internal("rds_copy: %s answered %s to cached credentials; fetching fresh ones",
										 call.site.action, RdsCallErrorCode(&call))));
				RdsCredentialsInvalidate();
				RdsCallFree(&call);
				memset(&call, 0, sizeof(call));
				continue;
			}
			if (call.status != RDS_CALL_OK)
				RdsCallRaise(&call);
			break;
		}
		*reply = call.reply;
		memset(&call.reply, 0, sizeof(call.reply));
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
		RdsCallFree(&call);
	}
	PG_END_TRY();
}
