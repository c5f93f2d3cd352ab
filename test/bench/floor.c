/*-------------------------------------------------------------------------
 * floor.c -- the benchmark's "floor": the least a C client must do to make
 *            the same CopyDBClusterSnapshot call (test/bench/run.sh).
 *
 *   floor nosign|sign URL HOSTHEADER CAFILE
 *
 * One libcurl easy handle for the whole process (so one TLS connection, kept
 * alive), HTTP/1.1, TLS verified against CAFILE, the reply body collected in
 * memory and then dropped (not parsed).
 *   nosign: the body and its SigV4 headers are computed once, at start, and
 *           the same bytes are POSTed every time.
 *   sign:   every call builds the Query body and signs it afresh with the
 *           project's own src/awsquery.c + src/sigv4.c + src/buf.c.
 *
 * Reads commands "N OUTFILE" from stdin; for each, makes N calls, writes one
 * line per call (nanoseconds) to OUTFILE, then prints
 * "done <ru_maxrss kB> <failed calls>" on stdout.  Exits at end of input.
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include <curl/curl.h>

#include "awsquery.h"
#include "buf.h"
#include "sigv4.h"

#define CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

static const SigV4Credentials creds = {
	"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	RdsBuf	   *b = arg;

	RdsBufAppend(b, data, size * nmemb);
	return size * nmemb;
}

/* Body and signed headers for one request to target. */
static int
build(const SigV4Scope *scope, const char *target, RdsBuf *body,
	  struct curl_slist **headers)
{
	AwsQuery	q = AWS_QUERY_INIT;
	RdsBuf		auth = RDS_BUF_INIT;
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
	char		date_header[64];
	int			ok;

	AwsQueryStart(&q, "CopyDBClusterSnapshot");
	AwsQueryAdd(&q, "SourceDBClusterSnapshotIdentifier", "my-cluster-snapshot1");
	AwsQueryAdd(&q, "TargetDBClusterSnapshotIdentifier", target);
	RdsBufReset(body);
	AwsQueryFormBody(&q, body);
	RdsBufAppendStr(&auth, "Authorization: ");
	ok = !q.failed && !RdsBufFailed(body) &&
		SigV4SignPost(&creds, scope, CONTENT_TYPE, RdsBufStr(body), body->len,
					  time(NULL), amz_date, &auth) &&
		!RdsBufFailed(&auth);
	snprintf(date_header, sizeof(date_header), "X-Amz-Date: %s", amz_date);
	curl_slist_free_all(*headers);
	*headers = NULL;
	*headers = curl_slist_append(*headers, "Content-Type: " CONTENT_TYPE);
	*headers = curl_slist_append(*headers, date_header);
	*headers = curl_slist_append(*headers, RdsBufStr(&auth));
	*headers = curl_slist_append(*headers, "Expect:");
	AwsQueryFree(&q);
	RdsBufFree(&auth);
	return ok && *headers != NULL;
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	int			sign;
	SigV4Scope	scope;
	CURL	   *h;
	RdsBuf		body = RDS_BUF_INIT;
	RdsBuf		reply = RDS_BUF_INIT;
	struct curl_slist *headers = NULL;
	char		line[4096];
	long		serial = 0;

	if (argc != 5 || (strcmp(argv[1], "nosign") != 0 && strcmp(argv[1], "sign") != 0))
	{
		fprintf(stderr, "usage: floor nosign|sign URL HOSTHEADER CAFILE\n");
		return 2;
	}
	sign = strcmp(argv[1], "sign") == 0;
	scope.region = "us-east-1";
	scope.service = "rds";
	scope.host = argv[3];

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || (h = curl_easy_init()) == NULL)
		return 1;
	curl_easy_setopt(h, CURLOPT_URL, argv[2]);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_CAINFO, argv[4]);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "rds_copy-bench-floor/1.0");
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply);

	if (!sign)
	{
		if (!build(&scope, "bench-floor-fixed", &body, &headers))
			return 1;
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, RdsBufStr(&body));
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body.len);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	}

	while (fgets(line, sizeof(line), stdin) != NULL)
	{
		long		n;
		char		path[4000];
		FILE	   *out;
		long long  *times;
		long		failed = 0;
		struct rusage ru;

		if (sscanf(line, "%ld %3999s", &n, path) != 2 || n <= 0)
			continue;
		times = malloc(sizeof(long long) * n);
		if (times == NULL)
			return 1;
		for (long i = 0; i < n; i++)
		{
			long long	t0 = now_ns();
			long		status = 0;

			if (sign)
			{
				char		target[64];

				snprintf(target, sizeof(target), "bench-floor-%ld", ++serial);
				if (!build(&scope, target, &body, &headers))
					return 1;
				curl_easy_setopt(h, CURLOPT_POSTFIELDS, RdsBufStr(&body));
				curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body.len);
				curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
			}
			RdsBufReset(&reply);
			if (curl_easy_perform(h) != CURLE_OK ||
				curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
				status != 200 || reply.len == 0 ||
				strstr(RdsBufStr(&reply), "<CopyDBClusterSnapshotResult>") == NULL)
				failed++;
			times[i] = now_ns() - t0;
		}
		out = fopen(path, "w");
		if (out == NULL)
			return 1;
		for (long i = 0; i < n; i++)
			fprintf(out, "%lld\n", times[i]);
		fclose(out);
		free(times);
		getrusage(RUSAGE_SELF, &ru);
		printf("done %ld %ld\n", ru.ru_maxrss, failed);
		fflush(stdout);
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	return 0;
}
