/*-------------------------------------------------------------------------
 * errors.h
 *		AWS faults and transport failures as SQL errors.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_ERRORS_H
#define RDS_ERRORS_H

#include "utils/palloc.h"

#include "compat.h"
#include "http.h"

/* A wait for a snapshot ran out of time (not 57014, which stays for cancels). */
#define RDS_ERRCODE_WAIT_TIMEOUT MAKE_SQLSTATE('R', 'C', '0', '0', '1')

/* Where a failed call was going, for errcontext. */
typedef struct RdsRequestSite
{
	const char *action;			/* e.g. CopyDBClusterSnapshot */
	const char *region;
	const char *endpoint;		/* URL; holds no secret */
	int			attempts;		/* requests sent for this call */
} RdsRequestSite;

/* The SQLSTATE (an ERRCODE_* value) for an AWS error code and HTTP status. */
extern int	RdsSqlStateForAwsCode(const char *code, long http_status);

/* The SQLSTATE of a transport failure (resp->failure != RDS_HTTP_OK). */
extern int	RdsSqlStateForTransport(const RdsHttpResponse *resp);

/* Raise an AWS ErrorResponse.  Strings may be NULL. */
extern RDS_NORETURN void RdsRaiseAwsError(const RdsRequestSite *site, long http_status,
										  const char *code, const char *message,
										  const char *request_id);

/* Raise a transport failure (resp->failure != RDS_HTTP_OK). */
extern RDS_NORETURN void RdsRaiseTransportError(const RdsRequestSite *site,
												const RdsHttpResponse *resp);

/* Raise 08P01: the endpoint answered with something that is not an RDS reply. */
extern RDS_NORETURN void RdsRaiseInvalidReply(const RdsRequestSite *site, long http_status,
											  const char *reason,
											  const char *request_id);

/* An error caught by RdsRunCatching, as data. */
typedef struct RdsCaughtError
{
	char		sqlstate[6];
	char	   *message;
	char	   *detail;			/* may be NULL */
	char	   *hint;			/* may be NULL */
} RdsCaughtError;

typedef void (*RdsCatchable) (void *arg);

/*
 * Run fn(arg) in a subtransaction, allocating in cxt.  NULL when it
 * succeeded; otherwise its error as data (in cxt), the subtransaction
 * rolled back.  A cancel (57014), a shutdown (57P01) or out of memory
 * (53200) is not caught: it is raised again, for the caller's transaction
 * to end.  The one way in which rds_copy turns an error into a result
 * (check()'s rows, the queue's rows).
 */
extern RdsCaughtError *RdsRunCatching(RdsCatchable fn, void *arg, MemoryContext cxt);

/* Raise a caught error again: its SQLSTATE, message, detail and hint. */
extern RDS_NORETURN void RdsRaiseCaught(const RdsCaughtError *e);

#endif
