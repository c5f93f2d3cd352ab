/*-------------------------------------------------------------------------
 * test_sigv4_crosscheck.c
 *		Rebuild every request of a botocore-generated vector file with the
 *		C API and compare URL, body, X-Amz-Date and Authorization byte for
 *		byte.
 *
 * Usage: test_sigv4_crosscheck VECTOR_FILE
 * The file comes from gen_sigv4_vectors.py (see its docstring for the
 * format); the Makefile generates it into the build directory.
 *
 * For each vector, as the extension does for a cross-region copy:
 *	 url  = SigV4PresignUrl(params + DestinationRegion=<region>) for the
 *			source region and host
 *	 body = AwsQueryFormBody(params [+ PreSignedUrl=url])
 *	 auth = SigV4SignPost(body) for the client region and host
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsquery.h"
#include "buf.h"
#include "sigv4.h"
#include "unit.h"

typedef struct Vector
{
	int			number;
	long long	now;
	char	   *ak;
	char	   *sk;
	char	   *token;
	char	   *region;
	char	   *service;
	char	   *scheme;
	char	   *host;
	char	   *ctype;
	char	   *presign_region;
	char	   *presign_scheme;
	char	   *presign_host;
	int			expires;
	AwsQuery	params;
	int			with_presigned;
	char	   *url;
	char	   *body;
	char	   *amz_date;
	char	   *auth;
} Vector;

static const char *vector_path;
static int	line_no;

static void
fatal(const char *msg)
{
	printf("%s:%d: %s\n", vector_path, line_no, msg);
	printf("%d passed, %d failed\n", unit_passed, unit_failed + 1);
	exit(1);
}

static char *
xstrdup(const char *s)
{
	char	   *r = strdup(s);

	if (r == NULL)
		fatal("out of memory");
	return r;
}

/* "x" + hex digits -> malloc'd string (no NUL bytes inside). */
static char *
unhex(const char *s)
{
	size_t		n;
	size_t		i;
	char	   *out;

	if (s[0] != 'x')
		fatal("hex field does not start with 'x'");
	s++;
	n = strlen(s);
	if (n % 2 != 0)
		fatal("odd number of hex digits");
	out = malloc(n / 2 + 1);
	if (out == NULL)
		fatal("out of memory");
	for (i = 0; i < n / 2; i++)
	{
		unsigned int byte;

		if (sscanf(s + 2 * i, "%2x", &byte) != 1)
			fatal("bad hex digit");
		if (byte == 0)
			fatal("NUL byte in a hex field");
		out[i] = (char) byte;
	}
	out[n / 2] = '\0';
	return out;
}

static void
vector_free(Vector *v)
{
	free(v->ak);
	free(v->sk);
	free(v->token);
	free(v->region);
	free(v->service);
	free(v->scheme);
	free(v->host);
	free(v->ctype);
	free(v->presign_region);
	free(v->presign_scheme);
	free(v->presign_host);
	AwsQueryFree(&v->params);
	free(v->url);
	free(v->body);
	free(v->amz_date);
	free(v->auth);
	memset(v, 0, sizeof(*v));
}

static void
require(const char *field, const void *value)
{
	char		msg[128];

	if (value == NULL)
	{
		snprintf(msg, sizeof(msg), "vector lacks field \"%s\"", field);
		fatal(msg);
	}
}

static void
run_vector(Vector *v)
{
	SigV4Credentials creds;
	SigV4Scope	pscope;
	SigV4Scope	scope;
	AwsQuery	pq = AWS_QUERY_INIT;
	AwsQuery	outer = AWS_QUERY_INIT;
	RdsBuf		url = RDS_BUF_INIT;
	RdsBuf		body = RDS_BUF_INIT;
	RdsBuf		auth = RDS_BUF_INIT;
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1] = "";

	require("ak", v->ak);
	require("sk", v->sk);
	require("region", v->region);
	require("service", v->service);
	require("scheme", v->scheme);
	require("host", v->host);
	require("ctype", v->ctype);
	require("presign_region", v->presign_region);
	require("presign_scheme", v->presign_scheme);
	require("presign_host", v->presign_host);
	require("url", v->url);
	require("body", v->body);
	require("amz_date", v->amz_date);
	require("auth", v->auth);
	if (v->expires <= 0 || v->with_presigned < 0)
		fatal("vector lacks expires or with_presigned");

	UNIT_CONTEXT("vector %d", v->number);
	creds.access_key_id = v->ak;
	creds.secret_access_key = v->sk;
	creds.session_token = v->token;

	pscope.region = v->presign_region;
	pscope.service = v->service;
	pscope.host = v->presign_host;
	AwsQueryCopy(&pq, &v->params);
	AwsQueryAdd(&pq, "DestinationRegion", v->region);
	CHECK(SigV4PresignUrl(&creds, &pscope, v->presign_scheme, &pq,
						  (time_t) v->now, v->expires, &url));
	CHECK_STREQ(RdsBufStr(&url), v->url);

	AwsQueryCopy(&outer, &v->params);
	if (v->with_presigned)
		AwsQueryAdd(&outer, "PreSignedUrl", RdsBufStr(&url));
	AwsQueryFormBody(&outer, &body);
	CHECK(!RdsBufFailed(&body));
	CHECK_MEMEQ(RdsBufStr(&body), body.len, v->body, strlen(v->body));

	scope.region = v->region;
	scope.service = v->service;
	scope.host = v->host;
	CHECK(SigV4SignPost(&creds, &scope, v->ctype, RdsBufStr(&body), body.len,
						(time_t) v->now, amz_date, &auth));
	CHECK_STREQ(amz_date, v->amz_date);
	CHECK_STREQ(RdsBufStr(&auth), v->auth);
	UNIT_CONTEXT(NULL);

	AwsQueryFree(&pq);
	AwsQueryFree(&outer);
	RdsBufFree(&url);
	RdsBufFree(&body);
	RdsBufFree(&auth);
}

int
main(int argc, char **argv)
{
	FILE	   *f;
	char	   *line = NULL;
	size_t		cap = 0;
	ssize_t		len;
	Vector		v;
	bool		in_vector = false;
	int			done = 0;
	int			declared = -1;

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s VECTOR_FILE\n", argv[0]);
		return 2;
	}
	vector_path = argv[1];
	f = fopen(vector_path, "r");
	if (f == NULL)
	{
		printf("%s: %s\n", vector_path, strerror(errno));
		printf("0 passed, 1 failed\n");
		return 1;
	}
	memset(&v, 0, sizeof(v));
	while ((len = getline(&line, &cap, f)) >= 0)
	{
		char	   *key;
		char	   *val;
		char	   *sp;

		line_no++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (declared >= 0)
			fatal("text after the \"count\" line");
		key = line;
		sp = strchr(line, ' ');
		val = sp ? sp + 1 : line + len;
		if (sp)
			*sp = '\0';

		if (strcmp(key, "begin") == 0)
		{
			if (in_vector)
				fatal("\"begin\" inside a vector");
			memset(&v, 0, sizeof(v));
			v.number = atoi(val);
			v.with_presigned = -1;
			in_vector = true;
			continue;
		}
		if (strcmp(key, "count") == 0)
		{
			if (in_vector)
				fatal("\"count\" inside a vector");
			declared = atoi(val);
			continue;
		}
		if (!in_vector)
			fatal("field outside a vector");
		if (strcmp(key, "end") == 0)
		{
			run_vector(&v);
			vector_free(&v);
			in_vector = false;
			done++;
		}
		else if (strcmp(key, "now") == 0)
			v.now = atoll(val);
		else if (strcmp(key, "ak") == 0)
			v.ak = unhex(val);
		else if (strcmp(key, "sk") == 0)
			v.sk = unhex(val);
		else if (strcmp(key, "token") == 0)
			v.token = unhex(val);
		else if (strcmp(key, "region") == 0)
			v.region = xstrdup(val);
		else if (strcmp(key, "service") == 0)
			v.service = xstrdup(val);
		else if (strcmp(key, "scheme") == 0)
			v.scheme = xstrdup(val);
		else if (strcmp(key, "host") == 0)
			v.host = xstrdup(val);
		else if (strcmp(key, "ctype") == 0)
			v.ctype = unhex(val);
		else if (strcmp(key, "presign_region") == 0)
			v.presign_region = xstrdup(val);
		else if (strcmp(key, "presign_scheme") == 0)
			v.presign_scheme = xstrdup(val);
		else if (strcmp(key, "presign_host") == 0)
			v.presign_host = xstrdup(val);
		else if (strcmp(key, "expires") == 0)
			v.expires = atoi(val);
		else if (strcmp(key, "param") == 0)
		{
			char	   *sp2 = strchr(val, ' ');
			char	   *name;
			char	   *value;

			if (sp2 == NULL)
				fatal("param needs a name and a value");
			*sp2 = '\0';
			name = unhex(val);
			value = unhex(sp2 + 1);
			AwsQueryAdd(&v.params, name, value);
			free(name);
			free(value);
		}
		else if (strcmp(key, "with_presigned") == 0)
			v.with_presigned = atoi(val);
		else if (strcmp(key, "url") == 0)
			v.url = xstrdup(val);
		else if (strcmp(key, "body") == 0)
			v.body = xstrdup(val);
		else if (strcmp(key, "amz_date") == 0)
			v.amz_date = xstrdup(val);
		else if (strcmp(key, "auth") == 0)
			v.auth = xstrdup(val);
		else
			fatal("unknown field");
	}
	free(line);
	fclose(f);
	if (in_vector)
		fatal("file ends inside a vector");
	if (declared < 0)
		fatal("no \"count\" line: the file is truncated");
	/* the file must be complete and not empty */
	CHECK_INTEQ(done, declared);
	CHECK(done > 0);
	printf("%d vectors from %s\n", done, vector_path);
	return UnitSummary();
}
