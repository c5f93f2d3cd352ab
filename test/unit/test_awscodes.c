/*-------------------------------------------------------------------------
 * test_awscodes.c
 *		Unit tests for src/awscodes.c, the one table of AWS error codes.
 *
 * The rules that the queue and the retries rely on: every code that is
 * retried is a connection-class SQLSTATE (08xxx), so that a copy the
 * retries gave up on is re-queued rather than failed; botocore's standard
 * retry mode's codes are all in the table; lookups are exact.
 *-------------------------------------------------------------------------
 */
#include "awscodes.h"
#include "unit.h"

/* botocore/retries/standard.py: _TRANSIENT_ERROR_CODES and _THROTTLED_ERROR_CODES */
static const char *const botocore_retried[] = {
	"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
	"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
	"TooManyRequestsException", "ProvisionedThroughputExceededException",
	"TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
	"LimitExceededException", "RequestThrottled", "SlowDown", "EC2ThrottledException",
};

static void
test_retried_codes_are_connection_failures(void)
{
	size_t		i;
	int			retried = 0;

	for (i = 0; i < RdsAwsCodeCount; i++)
	{
		const RdsAwsCode *c = &RdsAwsCodes[i];

		UNIT_CONTEXT("%s", c->code);
		CHECK_INTEQ((int) strlen(c->sqlstate), 5);
		if (c->flags & RDS_AWS_THROTTLING)
			CHECK(c->flags & RDS_AWS_TRANSIENT);
		if (c->flags & RDS_AWS_TRANSIENT)
		{
			retried++;
			CHECK(strncmp(c->sqlstate, "08", 2) == 0);
			CHECK(RdsAwsCodeIsRetryable(c->code, 400));
		}
	}
	UNIT_CONTEXT(NULL);
	CHECK_INTEQ(retried, (int) (sizeof(botocore_retried) / sizeof(botocore_retried[0])));
}

static void
test_botocore_codes_are_retried(void)
{
	size_t		i;

	for (i = 0; i < sizeof(botocore_retried) / sizeof(botocore_retried[0]); i++)
	{
		UNIT_CONTEXT("%s", botocore_retried[i]);
		CHECK(RdsAwsCodeHas(botocore_retried[i], RDS_AWS_TRANSIENT));
		CHECK_STREQ(RdsAwsCodeSqlState(botocore_retried[i], 400), "08006");
	}
	UNIT_CONTEXT(NULL);
	/* the three that were retried but mapped to 38000 before the table was one */
	CHECK_STREQ(RdsAwsCodeSqlState("LimitExceededException", 400), "08006");
	CHECK_STREQ(RdsAwsCodeSqlState("BandwidthLimitExceeded", 400), "08006");
	CHECK_STREQ(RdsAwsCodeSqlState("EC2ThrottledException", 400), "08006");
}

static void
test_lookup(void)
{
	CHECK(RdsAwsCodeFind(NULL) == NULL);
	CHECK(RdsAwsCodeFind("") == NULL);
	CHECK(RdsAwsCodeFind("throttling") == NULL);	/* exact, case-sensitive */
	CHECK(RdsAwsCodeFind("Throttling") != NULL);
	CHECK_STREQ(RdsAwsCodeSqlState("DBClusterSnapshotAlreadyExistsFault", 400), "42710");
	CHECK_STREQ(RdsAwsCodeSqlState("DBClusterSnapshotNotFoundFault", 404), "42704");
	CHECK_STREQ(RdsAwsCodeSqlState("SnapshotQuotaExceeded", 400), "53400");
	CHECK_STREQ(RdsAwsCodeSqlState("ExpiredToken", 400), "28000");
	CHECK_STREQ(RdsAwsCodeSqlState("SomethingNew", 400), "38000");
	CHECK_STREQ(RdsAwsCodeSqlState("SomethingNew", 503), "08006");
	CHECK_STREQ(RdsAwsCodeSqlState(NULL, 500), "08006");
	CHECK_STREQ(RdsAwsCodeSqlState(NULL, 0), "38000");
	/* a code from the table keeps its SQLSTATE whatever the status */
	CHECK_STREQ(RdsAwsCodeSqlState("AccessDenied", 503), "42501");
}

static void
test_flags(void)
{
	CHECK(RdsAwsCodeHas("ExpiredToken", RDS_AWS_STALE_CREDENTIALS));
	CHECK(RdsAwsCodeHas("InvalidClientTokenId", RDS_AWS_STALE_CREDENTIALS));
	CHECK(RdsAwsCodeHas("ExpiredTokenException", RDS_AWS_STALE_CREDENTIALS));
	CHECK_STREQ(RdsAwsCodeSqlState("ExpiredTokenException", 403), "28000");
	CHECK(!RdsAwsCodeHas("AccessDenied", RDS_AWS_STALE_CREDENTIALS));
	CHECK(RdsAwsCodeHas("RequestExpired", RDS_AWS_CLOCK_SKEW));
	CHECK(RdsAwsCodeHas("SignatureDoesNotMatch", RDS_AWS_CLOCK_SKEW));
	CHECK(RdsAwsCodeHas("InvalidSignatureException", RDS_AWS_CLOCK_SKEW));
	/* authentication failures, not 38000 (they were before 1.1) */
	CHECK_STREQ(RdsAwsCodeSqlState("InvalidSignatureException", 400), "28000");
	CHECK_STREQ(RdsAwsCodeSqlState("UnrecognizedClientException", 403), "28000");
	CHECK(RdsAwsCodeHas("UnrecognizedClientException", RDS_AWS_STALE_CREDENTIALS));
	CHECK(!RdsAwsCodeHas(NULL, RDS_AWS_CLOCK_SKEW));
	CHECK(RdsAwsCodeHas("Throttling", RDS_AWS_TRANSIENT | RDS_AWS_THROTTLING));
	CHECK(!RdsAwsCodeHas("RequestTimeout", RDS_AWS_TRANSIENT | RDS_AWS_THROTTLING));
	CHECK(RdsAwsCodeIsRetryable(NULL, 500));
	CHECK(RdsAwsCodeIsRetryable(NULL, 502));
	CHECK(RdsAwsCodeIsRetryable(NULL, 503));
	CHECK(RdsAwsCodeIsRetryable(NULL, 504));
	CHECK(!RdsAwsCodeIsRetryable(NULL, 501));
	CHECK(!RdsAwsCodeIsRetryable("DBClusterSnapshotAlreadyExistsFault", 400));
}

static void
test_no_duplicates(void)
{
	size_t		i,
				j;

	for (i = 0; i < RdsAwsCodeCount; i++)
		for (j = i + 1; j < RdsAwsCodeCount; j++)
			if (!CHECK(strcmp(RdsAwsCodes[i].code, RdsAwsCodes[j].code) != 0))
				printf("duplicate code %s\n", RdsAwsCodes[i].code);
}

/* SnapshotQuotaExceeded means two limits; AWS's wording tells them apart (issue 10) */
static void
test_quota_kinds(void)
{
	CHECK(RdsAwsQuotaOf("SnapshotQuotaExceeded", "Cannot copy more than 5 snapshots across regions") ==
		  RDS_QUOTA_COPIES_IN_PROGRESS);
	CHECK(RdsAwsQuotaOf("SnapshotQuotaExceeded",
						"AWS error code: SnapshotQuotaExceeded. HTTP status: 400. Message: Cannot copy more than 3 snapshots across regions RequestId: x.") ==
		  RDS_QUOTA_COPIES_IN_PROGRESS);
	CHECK(RdsAwsQuotaOf("SnapshotQuotaExceeded", "Cannot create more than 100 manual snapshots") ==
		  RDS_QUOTA_MANUAL_SNAPSHOTS);
	CHECK(RdsAwsQuotaOf("SnapshotQuotaExceededFault", NULL) == RDS_QUOTA_MANUAL_SNAPSHOTS);
	CHECK(RdsAwsQuotaOf("Throttling", "Cannot copy more than 5 snapshots across regions") == RDS_QUOTA_NONE);
	CHECK(RdsAwsQuotaOf(NULL, NULL) == RDS_QUOTA_NONE);
	CHECK(RdsAwsQuotaDetail(RDS_QUOTA_NONE) == NULL && RdsAwsQuotaHint(RDS_QUOTA_NONE) == NULL);
	CHECK(strstr(RdsAwsQuotaHint(RDS_QUOTA_COPIES_IN_PROGRESS), "enqueue_copy") != NULL);
	CHECK(strstr(RdsAwsQuotaHint(RDS_QUOTA_MANUAL_SNAPSHOTS), "retry_copy") != NULL);
	/* the quota code is not retried by a call: the queue decides */
	CHECK(!RdsAwsCodeIsRetryable("SnapshotQuotaExceeded", 400));
}

int
main(int argc, char **argv)
{
	/*
	 * --list: every code and its SQLSTATE, one a line; --list-retried: the
	 * retried ones.  For the integration tests, which take the table from
	 * here rather than keep a copy.
	 */
	if (argc == 2 && (strcmp(argv[1], "--list") == 0 || strcmp(argv[1], "--list-retried") == 0))
	{
		bool		retried_only = strcmp(argv[1], "--list-retried") == 0;
		size_t		i;

		for (i = 0; i < RdsAwsCodeCount; i++)
			if (!retried_only || (RdsAwsCodes[i].flags & RDS_AWS_TRANSIENT))
				printf("%s %s\n", RdsAwsCodes[i].code, RdsAwsCodes[i].sqlstate);
		return 0;
	}
	test_retried_codes_are_connection_failures();
	test_botocore_codes_are_retried();
	test_lookup();
	test_flags();
	test_no_duplicates();
	test_quota_kinds();
	return UnitSummary();
}
