/*-------------------------------------------------------------------------
 * errors.c
 *		The one table from AWS error codes and transport failures to
 *		SQLSTATEs, and the ereport calls that raise them.
 *
 * Text that comes from AWS (codes, messages, RequestIds) is not ours to
 * translate and goes through errmsg_internal/errdetail_internal.  Every
 * error carries an errcontext naming the action, region and endpoint.
 * Nothing here ever sees a secret.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/elog.h"

#include "errors.h"

typedef struct CodeMapping
{
	const char *code;
	int			sqlstate;
} CodeMapping;

static const CodeMapping code_map[] = {
	{"DBClusterSnapshotAlreadyExistsFault", ERRCODE_DUPLICATE_OBJECT},
	{"DBClusterSnapshotNotFoundFault", ERRCODE_UNDEFINED_OBJECT},
	{"InvalidDBClusterSnapshotStateFault", ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE},
	{"InvalidDBClusterStateFault", ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE},
	{"SnapshotQuotaExceeded", ERRCODE_CONFIGURATION_LIMIT_EXCEEDED},
	{"SnapshotQuotaExceededFault", ERRCODE_CONFIGURATION_LIMIT_EXCEEDED},
	{"KMSKeyNotAccessibleFault", ERRCODE_INSUFFICIENT_PRIVILEGE},
	{"AccessDenied", ERRCODE_INSUFFICIENT_PRIVILEGE},
	{"AccessDeniedException", ERRCODE_INSUFFICIENT_PRIVILEGE},
	{"NotAuthorized", ERRCODE_INSUFFICIENT_PRIVILEGE},
	{"UnauthorizedOperation", ERRCODE_INSUFFICIENT_PRIVILEGE},
	{"InvalidClientTokenId", ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION},
	{"SignatureDoesNotMatch", ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION},
	{"IncompleteSignature", ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION},
	{"MissingAuthenticationToken", ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION},
	{"ExpiredToken", ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION},
	{"RequestExpired", ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION},
	{"InvalidParameterValue", ERRCODE_INVALID_PARAMETER_VALUE},
	{"InvalidParameterCombination", ERRCODE_INVALID_PARAMETER_VALUE},
	{"MissingParameter", ERRCODE_INVALID_PARAMETER_VALUE},
	{"ValidationError", ERRCODE_INVALID_PARAMETER_VALUE},
	/* throttling: the service is there but will not talk now */
	{"Throttling", ERRCODE_CONNECTION_FAILURE},
	{"ThrottlingException", ERRCODE_CONNECTION_FAILURE},
	{"ThrottledException", ERRCODE_CONNECTION_FAILURE},
	{"RequestThrottledException", ERRCODE_CONNECTION_FAILURE},
	{"TooManyRequestsException", ERRCODE_CONNECTION_FAILURE},
	{"RequestLimitExceeded", ERRCODE_CONNECTION_FAILURE},
	{"RequestThrottled", ERRCODE_CONNECTION_FAILURE},
	{"SlowDown", ERRCODE_CONNECTION_FAILURE},
	{"RequestTimeout", ERRCODE_CONNECTION_FAILURE},
	{"RequestTimeoutException", ERRCODE_CONNECTION_FAILURE},
	{"PriorRequestNotComplete", ERRCODE_CONNECTION_FAILURE},
	{"ServiceUnavailable", ERRCODE_CONNECTION_FAILURE},
	{"InternalFailure", ERRCODE_CONNECTION_FAILURE},
};

int
RdsSqlStateForAwsCode(const char *code, long http_status)
{
	int			i;

	if (code != NULL)
		for (i = 0; i < lengthof(code_map); i++)
			if (strcmp(code_map[i].code, code) == 0)
				return code_map[i].sqlstate;
	if (http_status >= 500)
		return ERRCODE_CONNECTION_FAILURE;
	return ERRCODE_EXTERNAL_ROUTINE_EXCEPTION;
}

static int
call_context(const RdsCallSite *site)
{
	if (site->attempts > 1)
		return errcontext("Amazon RDS action %s in region %s at %s, after %d attempts",
						  site->action, site->region, site->endpoint, site->attempts);
	return errcontext("Amazon RDS action %s in region %s at %s",
					  site->action, site->region, site->endpoint);
}

void
RdsRaiseAwsError(const RdsCallSite *site, long http_status, const char *code,
				 const char *message, const char *request_id)
{
	int			sqlstate = RdsSqlStateForAwsCode(code, http_status);

	ereport(ERROR,
			(errcode(sqlstate),
			 errmsg_internal("Amazon RDS %s failed: %s", site->action,
							 code ? code : "unknown error"),
			 errdetail_internal("AWS error code: %s. HTTP status: %ld. Message: %s RequestId: %s.",
								code ? code : "(none)", http_status,
								message && *message ? message : "(none)",
								request_id && *request_id ? request_id : "(none)"),
			 sqlstate == ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION ?
			 errhint("Check the AWS credentials the server uses and that its clock is correct.") : 0,
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
RdsRaiseTransportError(const RdsCallSite *site, const RdsHttpResponse *resp)
{
	int			sqlstate;

	if (resp->failure == RDS_HTTP_TOO_LARGE)
		sqlstate = ERRCODE_PROTOCOL_VIOLATION;
	else if (resp->failure == RDS_HTTP_INTERNAL)
		sqlstate = ERRCODE_OUT_OF_MEMORY;
	else if (!resp->connected)
		sqlstate = ERRCODE_SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION;
	else
		sqlstate = ERRCODE_CONNECTION_FAILURE;

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
RdsRaiseInvalidReply(const RdsCallSite *site, long http_status,
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
