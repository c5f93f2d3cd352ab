/*-------------------------------------------------------------------------
 * awscodes.c
 *		AWS error code -> SQLSTATE, retried, throttling, clock skew, stale
 *		credentials: one row per code.
 *
 * Pure code.  Sources: the retried codes are botocore's standard retry
 * mode (botocore/retries/standard.py: _TRANSIENT_ERROR_CODES,
 * _THROTTLED_ERROR_CODES, _TRANSIENT_STATUS_CODES 500/502/503/504); the
 * RDS faults are the errors lists of CopyDBClusterSnapshot,
 * DescribeDBClusterSnapshots and DeleteDBClusterSnapshot in botocore's
 * rds 2014-10-31 service model; the rest are AWS's common errors for the
 * Query APIs.  Every retried code is a connection-class SQLSTATE (08006),
 * so that once retries run out the queue treats it like any other
 * transient failure (a unit test checks this).
 *-------------------------------------------------------------------------
 */
#include <string.h>

#include "awscodes.h"

#define T RDS_AWS_TRANSIENT
#define TH (RDS_AWS_TRANSIENT | RDS_AWS_THROTTLING)

const RdsAwsCode RdsAwsCodes[] = {
	/* RDS faults of the snapshot actions */
	{"DBClusterSnapshotAlreadyExistsFault", "42710", 0},
	{"DBClusterSnapshotNotFoundFault", "42704", 0},
	{"InvalidDBClusterSnapshotStateFault", "55000", 0},
	{"InvalidDBClusterStateFault", "55000", 0},
	{"SnapshotQuotaExceeded", "53400", 0},
	{"SnapshotQuotaExceededFault", "53400", 0},
	{"KMSKeyNotAccessibleFault", "42501", 0},
	/* permissions */
	{"AccessDenied", "42501", 0},
	{"AccessDeniedException", "42501", 0},
	{"NotAuthorized", "42501", 0},
	{"UnauthorizedOperation", "42501", 0},
	/* authentication */
	{"InvalidClientTokenId", "28000", RDS_AWS_STALE_CREDENTIALS},
	{"ExpiredToken", "28000", RDS_AWS_STALE_CREDENTIALS},
	/* the name the AWS Common Errors pages give it (HTTP 403) */
	{"ExpiredTokenException", "28000", RDS_AWS_STALE_CREDENTIALS},
	{"SignatureDoesNotMatch", "28000", RDS_AWS_CLOCK_SKEW},
	{"RequestExpired", "28000", RDS_AWS_CLOCK_SKEW},
	/*
	 * AWS Common Errors (API reference of each service): "The request
	 * signature does not conform to AWS standards" (400), and "The X.509
	 * certificate or AWS access key ID provided does not exist in our
	 * records" (403): authentication failures like their RDS twins.
	 */
	{"InvalidSignatureException", "28000", RDS_AWS_CLOCK_SKEW},
	{"UnrecognizedClientException", "28000", RDS_AWS_STALE_CREDENTIALS},
	{"IncompleteSignature", "28000", 0},
	{"MissingAuthenticationToken", "28000", 0},
	/* the request itself */
	{"InvalidParameterValue", "22023", 0},
	{"InvalidParameterCombination", "22023", 0},
	{"MissingParameter", "22023", 0},
	{"ValidationError", "22023", 0},
	/* transient (botocore _TRANSIENT_ERROR_CODES) */
	{"RequestTimeout", "08006", T},
	{"RequestTimeoutException", "08006", T},
	{"PriorRequestNotComplete", "08006", T},
	/* throttling (botocore _THROTTLED_ERROR_CODES) */
	{"Throttling", "08006", TH},
	{"ThrottlingException", "08006", TH},
	{"ThrottledException", "08006", TH},
	{"RequestThrottledException", "08006", TH},
	{"TooManyRequestsException", "08006", TH},
	{"ProvisionedThroughputExceededException", "08006", TH},
	{"TransactionInProgressException", "08006", TH},
	{"RequestLimitExceeded", "08006", TH},
	{"BandwidthLimitExceeded", "08006", TH},
	{"LimitExceededException", "08006", TH},
	{"RequestThrottled", "08006", TH},
	{"SlowDown", "08006", TH},
	{"EC2ThrottledException", "08006", TH},
	/*
	 * STS AssumeRoleWithWebIdentity: "The request could not be fulfilled
	 * because the identity provider (IDP) that was asked to verify the
	 * incoming identity token could not be reached" (HTTP 400, STS API
	 * reference).  botocore retries it for STS only (retries/special.py,
	 * RetryIDPCommunicationError; data/_retry.json "idp_unreachable_error").
	 * A failed STS call is a 28000 (credfetch.c) whatever this says.
	 */
	{"IDPCommunicationError", "28000", RDS_AWS_STS_TRANSIENT},
	/* server side; they come with a 5xx status, which is what is retried */
	{"ServiceUnavailable", "08006", 0},
	{"InternalFailure", "08006", 0},
};

const size_t RdsAwsCodeCount = sizeof(RdsAwsCodes) / sizeof(RdsAwsCodes[0]);

const RdsAwsCode *
RdsAwsCodeFind(const char *code)
{
	size_t		i;

	for (i = 0; code != NULL && i < RdsAwsCodeCount; i++)
		if (strcmp(RdsAwsCodes[i].code, code) == 0)
			return &RdsAwsCodes[i];
	return NULL;
}

const char *
RdsAwsCodeSqlState(const char *code, long http_status)
{
	const RdsAwsCode *entry = RdsAwsCodeFind(code);

	if (entry != NULL)
		return entry->sqlstate;
	if (http_status >= 500)
		return "08006";
	return "38000";
}

bool
RdsAwsCodeHas(const char *code, unsigned flags)
{
	const RdsAwsCode *entry = RdsAwsCodeFind(code);

	return entry != NULL && (entry->flags & flags) == flags;
}

RdsAwsQuota
RdsAwsQuotaOf(const char *code, const char *text)
{
	if (code == NULL ||
		(strcmp(code, "SnapshotQuotaExceeded") != 0 && strcmp(code, "SnapshotQuotaExceededFault") != 0))
		return RDS_QUOTA_NONE;
	/* "Cannot copy more than 5 snapshots across regions" */
	if (text != NULL && (strstr(text, "across regions") != NULL || strstr(text, "Cannot copy more than") != NULL))
		return RDS_QUOTA_COPIES_IN_PROGRESS;
	return RDS_QUOTA_MANUAL_SNAPSHOTS;
}

const char *
RdsAwsQuotaDetail(RdsAwsQuota quota)
{
	switch (quota)
	{
		case RDS_QUOTA_COPIES_IN_PROGRESS:
			return "Amazon RDS allows an account only a few DB cluster snapshot copies from other regions in progress to one destination region at a time (5; the message says how many).";
		case RDS_QUOTA_MANUAL_SNAPSHOTS:
			return "The account's quota of manual DB cluster snapshots in this region is used up (100 unless AWS raised it; the message says how many).";
		case RDS_QUOTA_NONE:
			break;
	}
	return NULL;
}

const char *
RdsAwsQuotaHint(RdsAwsQuota quota)
{
	switch (quota)
	{
		case RDS_QUOTA_COPIES_IN_PROGRESS:
			return "Use rds_copy.enqueue_copy, which waits for a copy slot (rds_copy.queue_max_copying), or try again when a copy to that region has finished.";
		case RDS_QUOTA_MANUAL_SNAPSHOTS:
			return "Delete manual DB cluster snapshots that are no longer needed (rds_copy.delete_db_cluster_snapshot) or ask AWS for a higher \"Manual DB cluster snapshots\" quota (Service Quotas), then send the copy again (rds_copy.retry_copy for a queued one).";
		case RDS_QUOTA_NONE:
			break;
	}
	return NULL;
}

bool
RdsAwsCodeIsRetryable(const char *code, long http_status)
{
	return http_status == 500 || http_status == 502 || http_status == 503 ||
		http_status == 504 || RdsAwsCodeHas(code, RDS_AWS_TRANSIENT);
}
