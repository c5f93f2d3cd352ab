/*-------------------------------------------------------------------------
 * querycall.h
 *		One AWS Query-protocol call to one service: sign, send, parse.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_QUERYCALL_H
#define RDS_QUERYCALL_H

#include "awsquery.h"
#include "endpoint.h"
#include "errors.h"
#include "http.h"
#include "sigv4.h"
#include "xml.h"

typedef enum RdsCallStatus
{
	RDS_CALL_OK,				/* reply.kind == RDS_REPLY_OK */
	RDS_CALL_AWS_ERROR,			/* an ErrorResponse, or an HTTP 5xx */
	RDS_CALL_TRANSPORT_ERROR,	/* resp.failure != RDS_HTTP_OK */
	RDS_CALL_INVALID_REPLY		/* not a reply of the action */
} RdsCallStatus;

/* A call and what came back; zero it before use, free with RdsCallFree. */
typedef struct RdsCall
{
	RdsCallSite site;			/* points to the three copies below */
	char		action[64];
	char		region[64];
	char		endpoint_url[RDS_URL_MAX];
	RdsCallStatus status;
	RdsHttpResponse resp;
	RdsReply	reply;
} RdsCall;

/*
 * The endpoint of service in region: the setting override (may be NULL),
 * then AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the
 * region's endpoint.  Raises 22023 for a malformed override.
 */
extern void RdsResolveServiceEndpoint(const char *service, const char *region,
									  const char *setting_url, RdsEndpoint *endpoint);

/*
 * POST params (starting with Action and Version) to endpoint, signed for
 * service and region with creds (NULL: unsigned, as STS
 * AssumeRoleWithWebIdentity), and parse the reply.  A failed call is not
 * raised: call->status says what happened and RdsCallRaise raises it.
 * Raises only for a cancel or when out of memory.  The caller frees
 * call with RdsCallFree, also on error (PG_FINALLY).
 */
extern RdsCallStatus RdsCallSend(RdsCall *call, const char *service, const char *region,
								 const RdsEndpoint *endpoint, const AwsQuery *params,
								 const SigV4Credentials *creds);

/* Now, by the signing clock: the server's clock, corrected for skew. */
extern time_t RdsSigningNow(void);

/*
 * When call failed with RequestExpired or SignatureDoesNotMatch and the
 * reply's Date header is more than 4 minutes from our clock, set the
 * signing clock from it and return true (the caller retries once).
 */
extern bool RdsCorrectSigningClock(const RdsCall *call);

/* Raise call's failure as an SQL error (status != RDS_CALL_OK). */
extern void RdsCallRaise(const RdsCall *call) pg_attribute_noreturn();

/* The AWS error code of a failed call, or NULL. */
extern const char *RdsCallErrorCode(const RdsCall *call);

extern void RdsCallFree(RdsCall *call);

#endif
