/*-------------------------------------------------------------------------
 * awsrequest.h
 *		One signed AWS Query-protocol request to one service: sign, send,
 *		parse.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_AWSREQUEST_H
#define RDS_AWSREQUEST_H

#include "awsquery.h"
#include "endpoint.h"
#include "errors.h"
#include "http.h"
#include "sigv4.h"
#include "xmlreply.h"

typedef enum RdsRequestStatus
{
	RDS_REQUEST_OK,				/* reply.kind == RDS_REPLY_OK */
	RDS_REQUEST_AWS_ERROR,			/* an ErrorResponse, or an HTTP 5xx */
	RDS_REQUEST_TRANSPORT_ERROR,	/* resp.failure != RDS_HTTP_OK */
	RDS_REQUEST_INVALID_REPLY		/* not a reply of the action */
} RdsRequestStatus;

/* A call and what came back; zero it before use, free with RdsRequestFree. */
typedef struct RdsRequest
{
	RdsRequestSite site;			/* points to the three copies below */
	char		action[64];
	char		region[64];
	char		endpoint_url[RDS_URL_MAX];
	RdsRequestStatus status;
	RdsHttpResponse resp;
	RdsReply	reply;
} RdsRequest;

/*
 * The endpoint of service in region: the setting override (may be NULL),
 * then AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the
 * region's endpoint of the variant the settings ask for
 * (RdsResolveEndpointOptions).  endpoint->signing_region is the region
 * to sign for.  Raises 22023 for a malformed override or a variant the
 * region's partition does not have.
 */
extern void RdsResolveServiceEndpoint(const char *service, const char *region,
									  const char *setting_url, RdsEndpoint *endpoint);

/*
 * POST params (starting with Action and Version) to endpoint, signed for
 * service and endpoint->signing_region (region when it is empty; region
 * names the call in errors) with creds (NULL: unsigned, as STS
 * AssumeRoleWithWebIdentity), and parse the reply.  A failed call is not
 * raised: call->status says what happened and RdsRequestRaise raises it.
 * Raises only for a cancel or when out of memory.  The caller frees
 * call with RdsRequestFree, also on error (PG_FINALLY).
 */
extern RdsRequestStatus RdsRequestSend(RdsRequest *call, const char *service, const char *region,
								 const RdsEndpoint *endpoint, const AwsQuery *params,
								 const SigV4Credentials *creds);

/* Now, by the signing clock: the server's clock, corrected for skew. */
extern time_t RdsSigningNow(void);

/*
 * When call failed with RequestExpired or SignatureDoesNotMatch and the
 * reply's Date header is more than 4 minutes from our clock, set the
 * signing clock from it and return true (the caller retries once).
 */
extern bool RdsCorrectSigningClock(const RdsRequest *call);

/* Raise call's failure as an SQL error (status != RDS_REQUEST_OK). */
extern RDS_NORETURN void RdsRequestRaise(const RdsRequest *call);

/* The SQLSTATE (an ERRCODE value) RdsRequestRaise raises for call; 0 when it succeeded. */
extern int	RdsRequestSqlState(const RdsRequest *call);

/* The AWS error code of a failed call, or NULL. */
extern const char *RdsRequestErrorCode(const RdsRequest *call);

extern void RdsRequestFree(RdsRequest *call);

#endif
