/*-------------------------------------------------------------------------
 * errors.c
 *		AWS faults and transport failures as SQL errors: their SQLSTATEs
 *		(an AWS code's comes from awscodes.c's table) and the ereport
 *		calls that raise them.
 *
 * Text that comes from AWS (codes, messages, RequestIds) is not ours to
 * translate and goes through errmsg_internal/errdetail_internal.  Every
 * error carries an errcontext naming the action, region and endpoint.
 * Nothing here ever sees a secret.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "utils/elog.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "awscodes.h"
#include "errors.h"

/* An SQLSTATE of five characters as an ERRCODE value. */
static int
sqlstate_value(const char *s)
{
	return MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
}

int
RdsSqlStateForAwsCode(const char *code, long http_status)
{
	return sqlstate_value(RdsAwsCodeSqlState(code, http_status));
}

int
RdsSqlStateForTransport(const RdsHttpResponse *resp)
{
	if (resp->failure == RDS_HTTP_TOO_LARGE)
		return ERRCODE_PROTOCOL_VIOLATION;
	if (resp->failure == RDS_HTTP_INTERNAL)
		return ERRCODE_OUT_OF_MEMORY;
	if (!resp->connected)
		return ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION;
	return ERRCODE_CONNECTION_FAILURE;
}

static int
call_context(const RdsRequestSite *site)
{
	if (site->attempts > 1)
		return errcontext("Amazon RDS action %s in region %s at %s, after %d attempts",
						  site->action, site->region, site->endpoint, site->attempts);
	return errcontext("Amazon RDS action %s in region %s at %s",
					  site->action, site->region, site->endpoint);
}

void
RdsRaiseAwsError(const RdsRequestSite *site, long http_status, const char *code,
				 const char *message, const char *request_id)
{
	int			sqlstate = RdsSqlStateForAwsCode(code, http_status);
	RdsAwsQuota quota = RdsAwsQuotaOf(code, message);

	/* a quota refusal (53400) names the limit and what to do (awscodes.c) */
	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg_internal("Amazon RDS %s failed: %s", site->action,
							 code ? code : "unknown error"),
			 errdetail_internal("%s%sAWS error code: %s. HTTP status: %ld. Message: %s RequestId: %s.",
								quota != RDS_QUOTA_NONE ? RdsAwsQuotaDetail(quota) : "",
								quota != RDS_QUOTA_NONE ? " " : "",
								code ? code : "(none)", http_status,
								message && *message ? message : "(none)",
								request_id && *request_id ? request_id : "(none)"),
			 sqlstate == ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION ?
			 errhint("Check the AWS credentials the server uses and that its clock is correct.") :
			 quota != RDS_QUOTA_NONE ? errhint("%s", RdsAwsQuotaHint(quota)) : 0,
			 call_context(site)));
	pg_unreachable();
}

static const char *
failure_text(RdsHttpFailure failure)
{
	switch (failure)
	{
		case RDS_HTTP_CONNECT_FAILED:
			return "could not connect to the Amazon RDS endpoint";
		case RDS_HTTP_TLS_FAILED:
			return "could not establish a verified TLS connection to the Amazon RDS endpoint";
		case RDS_HTTP_TIMEOUT:
			return "request to the Amazon RDS endpoint timed out";
		case RDS_HTTP_TOO_LARGE:
			return "reply from the Amazon RDS endpoint is too large";
		case RDS_HTTP_BROKEN:
			return "connection to the Amazon RDS endpoint failed";
		default:
			return "could not send the request to the Amazon RDS endpoint";
	}
}

void
RdsRaiseTransportError(const RdsRequestSite *site, const RdsHttpResponse *resp)
{
	int			sqlstate = RdsSqlStateForTransport(resp);

	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg("%s", failure_text(resp->failure)),
			 errdetail_internal("%s", resp->error),
			 resp->failure == RDS_HTTP_TOO_LARGE ?
			 errhint("Raise rds_copy.max_response_size if the endpoint is trusted.") :
			 resp->failure == RDS_HTTP_TIMEOUT ?
			 errhint("Check the network path to the endpoint, or raise rds_copy.connect_timeout or rds_copy.request_timeout.") : 0,
			 call_context(site)));
	pg_unreachable();
}

void
RdsRaiseInvalidReply(const RdsRequestSite *site, long http_status,
					 const char *reason, const char *request_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROTOCOL_VIOLATION),
			 errmsg("Amazon RDS endpoint sent a reply that is not a valid %s response", site->action),
			 errdetail("%s HTTP status: %ld. RequestId: %s.", reason, http_status,
					   request_id && *request_id ? request_id : "(none)"),
			 call_context(site)));
	pg_unreachable();
}

RdsCaughtError *
RdsRunCatching(RdsCatchable fn, void *arg, MemoryContext cxt)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	RdsCaughtError *caught = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		fn(arg);
		ReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		/* a cancel, a shutdown or out of memory is the caller's to handle */
		if (edata->sqlerrcode == ERRCODE_QUERY_CANCELED ||
			edata->sqlerrcode == ERRCODE_ADMIN_SHUTDOWN ||
			edata->sqlerrcode == ERRCODE_OUT_OF_MEMORY)
			ReThrowError(edata);
		caught = MemoryContextAllocZero(cxt, sizeof(RdsCaughtError));
		strlcpy(caught->sqlstate, unpack_sql_state(edata->sqlerrcode), sizeof(caught->sqlstate));
		caught->message = MemoryContextStrdup(cxt, edata->message ? edata->message : "unknown error");
		caught->detail = edata->detail ? MemoryContextStrdup(cxt, edata->detail) : NULL;
		caught->hint = edata->hint ? MemoryContextStrdup(cxt, edata->hint) : NULL;
		FreeErrorData(edata);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	CurrentResourceOwner = oldowner;
	return caught;
}

void
RdsRaiseCaught(const RdsCaughtError *e)
{
	ereport(ERROR,
			(errcode(MAKE_SQLSTATE(e->sqlstate[0], e->sqlstate[1], e->sqlstate[2],
								   e->sqlstate[3], e->sqlstate[4])),
			 errmsg_internal("%s", e->message),
			 e->detail ? errdetail_internal("%s", e->detail) : 0,
			 e->hint ? errhint("%s", e->hint) : 0));
	pg_unreachable();
}
