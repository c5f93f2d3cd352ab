/*-------------------------------------------------------------------------
 * micro.c -- the pure steps of one call, timed alone (test/bench/run.sh).
 *
 *   micro REPLYFILE [ITERATIONS]
 *
 * Times, on one core and with warm caches, the steps of a call that are
 * pure C (no network, no PostgreSQL), with the project's own sources:
 *   sign     SigV4SignPost alone: the Authorization header of a ready
 *            CopyDBClusterSnapshot body (src/sigv4.c)
 *   request  the parameter list, its form-encoded body and the signature,
 *            as awsrequest.c builds them for every call (src/awsquery.c too)
 *   parse    the benchmark's canned CopyDBClusterSnapshotResponse
 *            (REPLYFILE) with RdsXmlParseReply and RdsReplyFree (src/xmlreply.c)
 * Each is run ITERATIONS times (default 100000) in 10 batches; the line
 * printed per step is the median batch's microseconds per iteration:
 *   sign_us 1.23
 *   request_us 2.34
 *   parse_us 4.56
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "awsquery.h"
#include "buf.h"
#include "sigv4.h"
#include "xmlreply.h"

#define BATCHES 10
#define CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

static const SigV4Credentials creds = {
	"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL
};

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The Authorization header of body alone; returns 0 on failure. */
static int
sign_body(const SigV4Scope *scope, const RdsBuf *body)
{
	RdsBuf		auth = RDS_BUF_INIT;
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
	int			ok;

	RdsBufAppendStr(&auth, "Authorization: ");
	ok = SigV4SignPost(&creds, scope, CONTENT_TYPE, RdsBufStr(body), body->len,
					   time(NULL), amz_date, &auth) &&
		!RdsBufFailed(&auth);
	RdsBufFree(&auth);
	return ok;
}

/* One signed request, as awsrequest.c builds it; returns 0 on failure. */
static int
sign_once(const SigV4Scope *scope, long serial)
{
	AwsQuery	q = AWS_QUERY_INIT;
	RdsBuf		body = RDS_BUF_INIT;
	RdsBuf		auth = RDS_BUF_INIT;
	char		target[64];
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
	int			ok;

	snprintf(target, sizeof(target), "bench-micro-%ld", serial);
	AwsQueryStart(&q, "CopyDBClusterSnapshot");
	AwsQueryAdd(&q, "SourceDBClusterSnapshotIdentifier", "my-cluster-snapshot1");
	AwsQueryAdd(&q, "TargetDBClusterSnapshotIdentifier", target);
	AwsQueryFormBody(&q, &body);
	RdsBufAppendStr(&auth, "Authorization: ");
	ok = !q.failed && !RdsBufFailed(&body) &&
		SigV4SignPost(&creds, scope, CONTENT_TYPE, RdsBufStr(&body), body.len,
					  time(NULL), amz_date, &auth) &&
		!RdsBufFailed(&auth);
	AwsQueryFree(&q);
	RdsBufFree(&body);
	RdsBufFree(&auth);
	return ok;
}

int
main(int argc, char **argv)
{
	static char reply[1 << 20];
	FILE	   *f;
	size_t		len;
	long		iterations = argc > 2 ? atol(argv[2]) : 100000;
	long		per_batch;
	double		sign_us[BATCHES];
	double		request_us[BATCHES];
	double		parse_us[BATCHES];
	AwsQuery	q = AWS_QUERY_INIT;
	RdsBuf		body = RDS_BUF_INIT;
	SigV4Scope	scope = {"us-east-1", "rds", "rds.us-east-1.amazonaws.com"};
	long		serial = 0;

	if (argc < 2 || iterations < BATCHES)
	{
		fprintf(stderr, "usage: micro REPLYFILE [ITERATIONS >= %d]\n", BATCHES);
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL)
	{
		perror(argv[1]);
		return 1;
	}
	len = fread(reply, 1, sizeof(reply), f);
	fclose(f);
	xmlInitParser();
	per_batch = iterations / BATCHES;

	/* one of each first: key derivation, parser set-up, allocator warm-up */
	AwsQueryStart(&q, "CopyDBClusterSnapshot");
	AwsQueryAdd(&q, "SourceDBClusterSnapshotIdentifier", "my-cluster-snapshot1");
	AwsQueryAdd(&q, "TargetDBClusterSnapshotIdentifier", "bench-micro");
	AwsQueryFormBody(&q, &body);
	if (q.failed || RdsBufFailed(&body) || !sign_body(&scope, &body) ||
		!sign_once(&scope, serial++))
		return 1;
	for (int b = 0; b < BATCHES; b++)
	{
		double		t0 = now_us();

		for (long i = 0; i < per_batch; i++)
			if (!sign_body(&scope, &body))
				return 1;
		sign_us[b] = (now_us() - t0) / per_batch;
	}
	AwsQueryFree(&q);
	RdsBufFree(&body);
	for (int b = 0; b < BATCHES; b++)
	{
		double		t0 = now_us();

		for (long i = 0; i < per_batch; i++)
			if (!sign_once(&scope, serial++))
				return 1;
		request_us[b] = (now_us() - t0) / per_batch;
	}

	for (int b = -1; b < BATCHES; b++)
	{
		double		t0 = now_us();

		for (long i = 0; i < (b < 0 ? 1 : per_batch); i++)
		{
			RdsReply	r;

			if (RdsXmlParseReply(reply, len, "CopyDBClusterSnapshot", &r) != RDS_REPLY_OK)
			{
				fprintf(stderr, "micro: the reply did not parse: %s\n",
						r.invalid_reason ? r.invalid_reason : "?");
				return 1;
			}
			RdsReplyFree(&r);
		}
		if (b >= 0)
			parse_us[b] = (now_us() - t0) / per_batch;
	}

	qsort(sign_us, BATCHES, sizeof(double), cmp_double);
	qsort(request_us, BATCHES, sizeof(double), cmp_double);
	qsort(parse_us, BATCHES, sizeof(double), cmp_double);
	printf("sign_us %.2f\n", sign_us[BATCHES / 2]);
	printf("request_us %.2f\n", request_us[BATCHES / 2]);
	printf("parse_us %.2f\n", parse_us[BATCHES / 2]);
	return 0;
}
