/*-------------------------------------------------------------------------
 * errors.h
 *		AWS faults and transport failures as SQL errors.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_ERRORS_H
#define RDS_ERRORS_H

#include "http.h"

/* A wait for a snapshot ran out of time (not 57014, which stays for cancels). */
#define RDS_ERRCODE_WAIT_TIMEOUT MAKE_SQLSTATE('R', 'C', '0', '0', '1')

/* Where a failed call was going, for errcontext. */
typedef struct RdsCallSite
{
	const char *action;			/* e.g. CopyDBClusterSnapshot */
	const char *region;
	const char *endpoint;		/* URL; holds no secret */
	int			attempts;		/* requests sent for this call */
} RdsCallSite;

/* The SQLSTATE (an ERRCODE_* value) for an AWS error code and HTTP status. */
extern int	RdsSqlStateForAwsCode(const char *code, long http_status);

/* Raise an AWS ErrorResponse.  Strings may be NULL. */
extern void RdsRaiseAwsError(const RdsCallSite *site, long http_status,
							 const char *code, const char *message,
							 const char *request_id) pg_attribute_noreturn();

/* Raise a transport failure (resp->failure != RDS_HTTP_OK). */
extern void RdsRaiseTransportError(const RdsCallSite *site,
								   const RdsHttpResponse *resp) pg_attribute_noreturn();

/* Raise 08P01: the endpoint answered with something that is not an RDS reply. */
extern void RdsRaiseInvalidReply(const RdsCallSite *site, long http_status,
								 const char *reason,
								 const char *request_id) pg_attribute_noreturn();

#endif
