/*-------------------------------------------------------------------------
 * test_sigv4.c
 *		Fixed-vector tests for src/sigv4.c (SigV4SignPost, SigV4PresignUrl,
 *		SigV4Sha256Hex).
 *
 * Sources of the expected values (all copied in here; nothing outside this
 * directory is read when the tests build or run):
 *	- ref*: requests captured from Debian's botocore 1.29.27 with the
 *	  pure-Python signer (SigV4Auth / SigV4QueryAuth), AKIDEXAMPLE, time
 *	  frozen at 2015-08-30T12:36:00Z: the project's reference captures
 *	  #1-#6 and #10 ("part A").  PreSignedUrl values are the form-decoded
 *	  parameter of the captured outer bodies.
 *	- the AWS SigV4 test suite (botocore tests/unit/auth/aws4_testsuite,
 *	  Apache-2.0, "AWS Signature Version 4 Test Suite"): the
 *	  post-x-www-form-urlencoded{,-parameters} signatures.
 *	- aws-c-auth's tests/aws-signing-test-suite/v4 (Apache-2.0): signatures
 *	  of the query-signed (presigned) get-vanilla-query-unreserved,
 *	  get-vanilla-utf8-query and get-vanilla-query-order-encoded cases.
 *	  aws-c-auth orders X-Amz-SignedHeaders before X-Amz-Expires in the
 *	  URL; the full URLs below are botocore's order (the signature is the
 *	  same since the canonical query string is sorted).
 *	- "botocore-computed": computed for these tests with the same botocore
 *	  1.29.27 classes and a frozen clock (dates, expiry values).
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "awsquery.h"
#include "buf.h"
#include "sigv4.h"
#include "unit.h"

#define AK "AKIDEXAMPLE"
#define SK "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "FAKESESSIONTOKEN/abc+def=="
#define T0 ((time_t) 1440938160)	/* 2015-08-30T12:36:00Z */
#define FORM_CT "application/x-www-form-urlencoded; charset=utf-8"
#define SRC_ARN_W2 "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:a"
#define SRC_ARN_E1 "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:a"

static const SigV4Credentials creds = {AK, SK, NULL};
static const SigV4Credentials creds_token = {AK, SK, TOKEN};

/* ---- expected values from the botocore captures ---------------------- */

static const char ref1_body[] =
	"Action=CopyDBClusterSnapshot&Version=2014-10-31&"
	"SourceDBClusterSnapshotIdentifier=a&TargetDBClusterSnapshotIdentifier=b&"
	"KmsKeyId=k&CopyTags=true&Tags.Tag.1.Key=x&Tags.Tag.1.Value=y&"
	"Tags.Tag.2.Key=p+q&Tags.Tag.2.Value=r%2Fs";
/* 222 bytes */

static const char ref1_auth[] =
	"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/rds/aws4_requ"
	"est, SignedHeaders=content-type;host;x-amz-date,"
	" Signature=898319c3b8ad09efc532b107454cc3ef5d0e69b7176ce9d6e9ef7015c1d73"
	"2e1";
/* 195 bytes */

static const char ref2_auth[] =
	"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/rds/aws4_requ"
	"est, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"
	" Signature=83c689167bb3f61d446355f3dcc211e841d57c2796d61580be94a3aae5b0e"
	"f1a";
/* 216 bytes */

static const char ref3_auth[] =
	"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/rds/aws4_requ"
	"est, SignedHeaders=content-type;host;x-amz-date,"
	" Signature=b4f21718d9d96eb23b3dac2ed373314c8a714a985cd92d333dcbb95e416b9"
	"e2d";
/* 195 bytes */

static const char ref4_body[] =
	"Action=CopyDBClusterSnapshot&Version=2014-10-31&"
	"SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A12345678"
	"9012%3Acluster-snapshot%3Aa&TargetDBClusterSnapshotIdentifier=b&"
	"KmsKeyId=k&"
	"PreSignedUrl=https%3A%2F%2Frds.us-west-2.amazonaws.com%2F%3FAction%3DCop"
	"yDBClusterSnapshot%26Version%3D2014-10-31%26SourceDBClusterSnapshotIdent"
	"ifier%3Darn%253Aaws%253Ards%253Aus-west-2%253A123456789012%253Acluster-s"
	"napshot%253Aa%26TargetDBClusterSnapshotIdentifier%3Db%26KmsKeyId%3Dk%26D"
	"estinationRegion%3Dus-east-1%26X-Amz-Algorithm%3DAWS4-HMAC-SHA256%26X-Am"
	"z-Credential%3DAKIDEXAMPLE%252F20150830%252Fus-west-2%252Frds%252Faws4_r"
	"equest%26X-Amz-Date%3D20150830T123600Z%26X-Amz-Expires%3D3600%26X-Amz-Si"
	"gnedHeaders%3Dhost%26X-Amz-Signature%3De5138a58c3282d0b6923faf1373dd4306"
	"e3f0223137f3a75dfbb9afe5bc7655d";
/* 802 bytes */

static const char ref4_url[] =
	"https://rds.us-west-2.amazonaws.com/?Action=CopyDBClusterSnapshot&"
	"Version=2014-10-31&"
	"SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A12345678"
	"9012%3Acluster-snapshot%3Aa&TargetDBClusterSnapshotIdentifier=b&"
	"KmsKeyId=k&DestinationRegion=us-east-1&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	"X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Frds%2Faws4_request"
	"&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&"
	"X-Amz-SignedHeaders=host&"
	"X-Amz-Signature=e5138a58c3282d0b6923faf1373dd4306e3f0223137f3a75dfbb9afe"
	"5bc7655d";
/* 518 bytes */

static const char ref4_auth[] =
	"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/rds/aws4_requ"
	"est, SignedHeaders=content-type;host;x-amz-date,"
	" Signature=0f3bb4cbf1b208fbc9bfb09f7822a531145d170eabc7f94c3ee5ebdf23115"
	"ae3";
/* 195 bytes */

static const char ref5_body[] =
	"Action=CopyDBClusterSnapshot&Version=2014-10-31&"
	"SourceDBClusterSnapshotIdentifier=a&TargetDBClusterSnapshotIdentifier=b&"
	"PreSignedUrl=https%3A%2F%2Frds.us-east-1.amazonaws.com%2F%3FAction%3DCop"
	"yDBClusterSnapshot%26Version%3D2014-10-31%26SourceDBClusterSnapshotIdent"
	"ifier%3Da%26TargetDBClusterSnapshotIdentifier%3Db%26DestinationRegion%3D"
	"us-east-1%26X-Amz-Algorithm%3DAWS4-HMAC-SHA256%26X-Amz-Credential%3DAKID"
	"EXAMPLE%252F20150830%252Fus-east-1%252Frds%252Faws4_request%26X-Amz-Date"
	"%3D20150830T123600Z%26X-Amz-Expires%3D3600%26X-Amz-SignedHeaders%3Dhost%"
	"26X-Amz-Signature%3Db41deeb53768932544a7505644166f315a32ea0979e448300e13"
	"fc2099f4f8af";
/* 636 bytes */

static const char ref5_url[] =
	"https://rds.us-east-1.amazonaws.com/?Action=CopyDBClusterSnapshot&"
	"Version=2014-10-31&SourceDBClusterSnapshotIdentifier=a&"
	"TargetDBClusterSnapshotIdentifier=b&DestinationRegion=us-east-1&"
	"X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	"X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Frds%2Faws4_request"
	"&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&"
	"X-Amz-SignedHeaders=host&"
	"X-Amz-Signature=b41deeb53768932544a7505644166f315a32ea0979e448300e13fc20"
	"99f4f8af";
/* 443 bytes */

static const char ref5_auth[] =
	"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/rds/aws4_requ"
	"est, SignedHeaders=content-type;host;x-amz-date,"
	" Signature=596106c6e078fe6b66521ea98d38ebd2f11c1be101e0fa3c7124eabcfdefd"
	"591";
/* 195 bytes */

static const char ref6_body[] =
	"Action=CopyDBClusterSnapshot&Version=2014-10-31&"
	"SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-east-1%3A12345678"
	"9012%3Acluster-snapshot%3Aa&TargetDBClusterSnapshotIdentifier=b&"
	"KmsKeyId=k&"
	"PreSignedUrl=https%3A%2F%2Frds.us-east-1.amazonaws.com%2F%3FAction%3DCop"
	"yDBClusterSnapshot%26Version%3D2014-10-31%26SourceDBClusterSnapshotIdent"
	"ifier%3Darn%253Aaws%253Ards%253Aus-east-1%253A123456789012%253Acluster-s"
	"napshot%253Aa%26TargetDBClusterSnapshotIdentifier%3Db%26KmsKeyId%3Dk%26D"
	"estinationRegion%3Deu-west-1%26X-Amz-Algorithm%3DAWS4-HMAC-SHA256%26X-Am"
	"z-Credential%3DAKIDEXAMPLE%252F20150830%252Fus-east-1%252Frds%252Faws4_r"
	"equest%26X-Amz-Date%3D20150830T123600Z%26X-Amz-Expires%3D3600%26X-Amz-Si"
	"gnedHeaders%3Dhost%26X-Amz-Security-Token%3DFAKESESSIONTOKEN%252Fabc%252"
	"Bdef%253D%253D%26X-Amz-Signature%3D7dd351d84f6589891cbe8e81d1d38bb2cfa29"
	"01736d3678bdf709dd79c4c9eab";
/* 870 bytes */

static const char ref6_url[] =
	"https://rds.us-east-1.amazonaws.com/?Action=CopyDBClusterSnapshot&"
	"Version=2014-10-31&"
	"SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-east-1%3A12345678"
	"9012%3Acluster-snapshot%3Aa&TargetDBClusterSnapshotIdentifier=b&"
	"KmsKeyId=k&DestinationRegion=eu-west-1&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	"X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Frds%2Faws4_request"
	"&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&"
	"X-Amz-SignedHeaders=host&"
	"X-Amz-Security-Token=FAKESESSIONTOKEN%2Fabc%2Bdef%3D%3D&"
	"X-Amz-Signature=7dd351d84f6589891cbe8e81d1d38bb2cfa2901736d3678bdf709dd7"
	"9c4c9eab";
/* 574 bytes */

static const char ref6_auth[] =
	"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/rds/aws4_requ"
	"est, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"
	" Signature=37a6a140056eed26d21e4d8147bfd36c1dba56d8854160e97be90f656348a"
	"73a";
/* 216 bytes */

static const char ref10_body[] =
	"Action=CopyDBClusterSnapshot&Version=2014-10-31&"
	"SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A12345678"
	"9012%3Acluster-snapshot%3Aa&TargetDBClusterSnapshotIdentifier=b&"
	"KmsKeyId=alias%2Fmy+key&CopyTags=true&Tags.Tag.1.Key=k~%2A&"
	"Tags.Tag.1.Value=a+b%2Bc%3Dd%26e%2Ff%3A%C3%BC%25&"
	"PreSignedUrl=https%3A%2F%2Frds.us-west-2.amazonaws.com%2F%3FAction%3DCop"
	"yDBClusterSnapshot%26Version%3D2014-10-31%26SourceDBClusterSnapshotIdent"
	"ifier%3Darn%253Aaws%253Ards%253Aus-west-2%253A123456789012%253Acluster-s"
	"napshot%253Aa%26TargetDBClusterSnapshotIdentifier%3Db%26KmsKeyId%3Dalias"
	"%252Fmy%2520key%26CopyTags%3Dtrue%26Tags.Tag.1.Key%3Dk~%252A%26Tags.Tag."
	"1.Value%3Da%2520b%252Bc%253Dd%2526e%252Ff%253A%25C3%25BC%2525%26Destinat"
	"ionRegion%3Dus-east-1%26X-Amz-Algorithm%3DAWS4-HMAC-SHA256%26X-Amz-Crede"
	"ntial%3DAKIDEXAMPLE%252F20150830%252Fus-west-2%252Frds%252Faws4_request%"
	"26X-Amz-Date%3D20150830T123600Z%26X-Amz-Expires%3D3600%26X-Amz-SignedHea"
	"ders%3Dhost%26X-Amz-Signature%3D6007eae4cb297f235fb469df3134857adcc15ba1"
	"25f6d57345f1c5016e202bb5";
/* 1036 bytes */

static const char ref10_url[] =
	"https://rds.us-west-2.amazonaws.com/?Action=CopyDBClusterSnapshot&"
	"Version=2014-10-31&"
	"SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3Aus-west-2%3A12345678"
	"9012%3Acluster-snapshot%3Aa&TargetDBClusterSnapshotIdentifier=b&"
	"KmsKeyId=alias%2Fmy%20key&CopyTags=true&Tags.Tag.1.Key=k~%2A&"
	"Tags.Tag.1.Value=a%20b%2Bc%3Dd%26e%2Ff%3A%C3%BC%25&"
	"DestinationRegion=us-east-1&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
	"X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Frds%2Faws4_request"
	"&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&"
	"X-Amz-SignedHeaders=host&"
	"X-Amz-Signature=6007eae4cb297f235fb469df3134857adcc15ba125f6d57345f1c501"
	"6e202bb5";
/* 619 bytes */

/* capture #10's outer POST: only the signature is in the capture */
static const char ref10_auth[] =
	"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/rds/aws4_request, "
	"SignedHeaders=content-type;host;x-amz-date, "
	"Signature=dc8da2e8d4fc5e90208635d0aaf0e0a23a2369f79b2a43f87410edad7f58ca25";

/* ---- helpers ----------------------------------------------------------- */

/*
 * Sign body as a form POST; on success *auth holds the Authorization value
 * and amz_date the X-Amz-Date value.  Returns SigV4SignPost's result.
 */
static bool
sign_post(const SigV4Credentials *c, const char *region, const char *service,
		  const char *host, const char *content_type, const char *body,
		  size_t body_len, time_t now, char *amz_date, RdsBuf *auth)
{
	SigV4Scope	scope;

	scope.region = region;
	scope.service = service;
	scope.host = host;
	return SigV4SignPost(c, &scope, content_type, body, body_len, now,
						 amz_date, auth);
}

static bool
presign(const SigV4Credentials *c, const char *region, const char *host,
		const AwsQuery *params, time_t now, int expires, RdsBuf *url)
{
	SigV4Scope	scope;

	scope.region = region;
	scope.service = "rds";
	scope.host = host;
	return SigV4PresignUrl(c, &scope, "https", params, now, expires, url);
}

/* The op params of capture #1-#3 (and the tag layout the extension uses). */
static void
build_capture1_params(AwsQuery *q)
{
	AwsQueryStart(q, "CopyDBClusterSnapshot");
	AwsQueryAdd(q, "SourceDBClusterSnapshotIdentifier", "a");
	AwsQueryAdd(q, "TargetDBClusterSnapshotIdentifier", "b");
	AwsQueryAdd(q, "KmsKeyId", "k");
	AwsQueryAdd(q, "CopyTags", "true");
	AwsQueryAddIndexed(q, "Tags.Tag", 1, "Key", "x");
	AwsQueryAddIndexed(q, "Tags.Tag", 1, "Value", "y");
	AwsQueryAddIndexed(q, "Tags.Tag", 2, "Key", "p q");
	AwsQueryAddIndexed(q, "Tags.Tag", 2, "Value", "r/s");
}

/*
 * The cross-region flow as botocore's inject_presigned_url_rds does it:
 * presign op params + DestinationRegion=<client region> for the source
 * region, then the outer body is op params + PreSignedUrl, signed for the
 * client region.  Compares URL, body and Authorization with the expected
 * values (any of which may be NULL to skip it).
 */
static void
check_cross_region(const char *label, const SigV4Credentials *c,
				   const AwsQuery *op, const char *client_region,
				   const char *client_host, const char *source_region,
				   const char *source_host, const char *expected_url,
				   const char *expected_body, size_t expected_body_len,
				   const char *expected_auth)
{
	AwsQuery	pq = AWS_QUERY_INIT;
	AwsQuery	outer = AWS_QUERY_INIT;
	RdsBuf		url = RDS_BUF_INIT;
	RdsBuf		body = RDS_BUF_INIT;
	RdsBuf		auth = RDS_BUF_INIT;
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
	int			count_before = op->count;

	UNIT_CONTEXT("%s", label);
	AwsQueryCopy(&pq, op);
	AwsQueryAdd(&pq, "DestinationRegion", client_region);
	CHECK(presign(c, source_region, source_host, &pq, T0, SIGV4_PRESIGN_EXPIRES, &url));
	CHECK_INTEQ(pq.count, count_before + 1);	/* params not modified */
	if (expected_url)
		CHECK_STREQ(RdsBufStr(&url), expected_url);

	AwsQueryCopy(&outer, op);
	AwsQueryAdd(&outer, "PreSignedUrl", RdsBufStr(&url));
	AwsQueryFormBody(&outer, &body);
	CHECK(!RdsBufFailed(&body));
	if (expected_body)
	{
		CHECK_INTEQ(body.len, expected_body_len);
		CHECK_STREQ(RdsBufStr(&body), expected_body);
	}
	CHECK(sign_post(c, client_region, "rds", client_host, FORM_CT,
					RdsBufStr(&body), body.len, T0, amz_date, &auth));
	CHECK_STREQ(amz_date, "20150830T123600Z");
	if (expected_auth)
		CHECK_STREQ(RdsBufStr(&auth), expected_auth);
	UNIT_CONTEXT(NULL);

	RdsBufFree(&url);
	RdsBufFree(&body);
	RdsBufFree(&auth);
	AwsQueryFree(&pq);
	AwsQueryFree(&outer);
}

/* ---- SHA-256 ------------------------------------------------------------ */

static void
test_sha256(void)
{
	char		hex[65];
	char	   *big;

	CHECK(SigV4Sha256Hex("", 0, hex));
	CHECK_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(SigV4Sha256Hex(NULL, 0, hex));
	CHECK_STREQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK(SigV4Sha256Hex("abc", 3, hex));
	CHECK_STREQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK(SigV4Sha256Hex("a\0b", 3, hex));
	CHECK_STREQ(hex, "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
	/* the captured 222-byte body */
	CHECK(SigV4Sha256Hex(ref1_body, strlen(ref1_body), hex));
	CHECK_STREQ(hex, "2169419b9fd990eb168c6b2f550183569a3f2a9aecc964ecc37626ffd9752eac");
	big = malloc(1000000);
	if (CHECK(big != NULL))
	{
		memset(big, 'a', 1000000);
		CHECK(SigV4Sha256Hex(big, 1000000, hex));
		CHECK_STREQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
		free(big);
	}
}

/* ---- signed POSTs (captures #1-#3) --------------------------------------- */

static void
test_capture1_post(void)
{
	AwsQuery	q = AWS_QUERY_INIT;
	RdsBuf		body = RDS_BUF_INIT;
	RdsBuf		auth = RDS_BUF_INIT;
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];

	build_capture1_params(&q);
	AwsQueryFormBody(&q, &body);
	CHECK_INTEQ(body.len, 222);
	CHECK_STREQ(RdsBufStr(&body), ref1_body);

	memset(amz_date, 'X', sizeof(amz_date));
	CHECK(sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
					body.data, body.len, T0, amz_date, &auth));
	CHECK_STREQ(amz_date, "20150830T123600Z");
	CHECK_STREQ(RdsBufStr(&auth), ref1_auth);
	CHECK(strstr(RdsBufStr(&auth),
				 "Signature=898319c3b8ad09efc532b107454cc3ef5d0e69b7176ce9d6e9ef7015c1d732e1") != NULL);

	/* #3: the same request to the default endpoint */
	RdsBufReset(&auth);
	CHECK(sign_post(&creds, "us-east-1", "rds", "rds.us-east-1.amazonaws.com",
					FORM_CT, body.data, body.len, T0, amz_date, &auth));
	CHECK_STREQ(RdsBufStr(&auth), ref3_auth);

	/* #2: with a session token, which is then a signed header */
	RdsBufReset(&auth);
	CHECK(sign_post(&creds_token, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
					body.data, body.len, T0, amz_date, &auth));
	CHECK_STREQ(amz_date, "20150830T123600Z");
	CHECK_STREQ(RdsBufStr(&auth), ref2_auth);
	CHECK(strstr(RdsBufStr(&auth),
				 "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,") != NULL);

	/* an empty token is no token */
	{
		SigV4Credentials empty_token = {AK, SK, ""};

		RdsBufReset(&auth);
		CHECK(sign_post(&empty_token, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
						body.data, body.len, T0, amz_date, &auth));
		CHECK_STREQ(RdsBufStr(&auth), ref1_auth);
	}

	/* the Authorization value is appended to what the buffer holds */
	RdsBufReset(&auth);
	RdsBufAppendStr(&auth, "Authorization: ");
	CHECK(sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
					body.data, body.len, T0, amz_date, &auth));
	CHECK(strncmp(RdsBufStr(&auth), "Authorization: ", 15) == 0 &&
		  strcmp(RdsBufStr(&auth) + 15, ref1_auth) == 0);

	/* the signature depends on every input */
	{
		const char *variants[][5] = {
			/* region, service, host, content type, secret */
			{"us-east-2", "rds", "127.0.0.1:9", FORM_CT, SK},
			{"us-east-1", "rdx", "127.0.0.1:9", FORM_CT, SK},
			{"us-east-1", "rds", "127.0.0.1:8", FORM_CT, SK},
			{"us-east-1", "rds", "127.0.0.1:9", "application/x-www-form-urlencoded", SK},
			{"us-east-1", "rds", "127.0.0.1:9", FORM_CT,
			"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"},
		};
		size_t		i;
		const char *sig1 = strstr(ref1_auth, "Signature=");

		for (i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		{
			SigV4Credentials c = {AK, variants[i][4], NULL};

			RdsBufReset(&auth);
			UNIT_CONTEXT("variant %zu", i);
			CHECK(sign_post(&c, variants[i][0], variants[i][1], variants[i][2],
							variants[i][3], body.data, body.len, T0, amz_date,
							&auth));
			CHECK(strstr(RdsBufStr(&auth), "Signature=") != NULL &&
				  strcmp(strstr(RdsBufStr(&auth), "Signature="), sig1) != 0);
		}
		UNIT_CONTEXT(NULL);
		/* one byte of the body, and one second */
		RdsBufReset(&auth);
		CHECK(sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
						body.data, body.len - 1, T0, amz_date, &auth));
		CHECK(strcmp(strstr(RdsBufStr(&auth), "Signature="), sig1) != 0);
		RdsBufReset(&auth);
		CHECK(sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
						body.data, body.len, T0 + 1, amz_date, &auth));
		CHECK_STREQ(amz_date, "20150830T123601Z");
		CHECK(strcmp(strstr(RdsBufStr(&auth), "Signature="), sig1) != 0);
	}

	RdsBufFree(&auth);
	RdsBufFree(&body);
	AwsQueryFree(&q);
}

/* ---- cross-region PreSignedUrl (captures #4, #5, #6, #10) ---------------- */

static void
test_capture4_cross_region(void)
{
	AwsQuery	op = AWS_QUERY_INIT;

	AwsQueryStart(&op, "CopyDBClusterSnapshot");
	AwsQueryAdd(&op, "SourceDBClusterSnapshotIdentifier", SRC_ARN_W2);
	AwsQueryAdd(&op, "TargetDBClusterSnapshotIdentifier", "b");
	AwsQueryAdd(&op, "KmsKeyId", "k");
	CHECK_INTEQ(strlen(ref4_body), 802);
	check_cross_region("capture #4", &creds, &op, "us-east-1",
					   "rds.us-east-1.amazonaws.com", "us-west-2",
					   "rds.us-west-2.amazonaws.com", ref4_url, ref4_body, 802,
					   ref4_auth);
	CHECK(strstr(ref4_url, "&X-Amz-Signature=e5138a58c3282d0b6923faf1373dd4306e3f0223137f3a75dfbb9afe5bc7655d") != NULL);
	CHECK(strstr(ref4_auth, "Signature=0f3bb4cbf1b208fbc9bfb09f7822a531145d170eabc7f94c3ee5ebdf23115ae3") != NULL);
	AwsQueryFree(&op);
}

static void
test_capture5_same_region(void)
{
	AwsQuery	op = AWS_QUERY_INIT;

	AwsQueryStart(&op, "CopyDBClusterSnapshot");
	AwsQueryAdd(&op, "SourceDBClusterSnapshotIdentifier", "a");
	AwsQueryAdd(&op, "TargetDBClusterSnapshotIdentifier", "b");
	check_cross_region("capture #5", &creds, &op, "us-east-1",
					   "rds.us-east-1.amazonaws.com", "us-east-1",
					   "rds.us-east-1.amazonaws.com", ref5_url, ref5_body, 636,
					   ref5_auth);
	CHECK(strstr(ref5_url, "X-Amz-Signature=b41deeb5") != NULL);
	AwsQueryFree(&op);
}

static void
test_capture6_token(void)
{
	AwsQuery	op = AWS_QUERY_INIT;
	AwsQuery	pq = AWS_QUERY_INIT;
	RdsBuf		url = RDS_BUF_INIT;
	const char *p;

	AwsQueryStart(&op, "CopyDBClusterSnapshot");
	AwsQueryAdd(&op, "SourceDBClusterSnapshotIdentifier", SRC_ARN_E1);
	AwsQueryAdd(&op, "TargetDBClusterSnapshotIdentifier", "b");
	AwsQueryAdd(&op, "KmsKeyId", "k");
	check_cross_region("capture #6", &creds_token, &op, "eu-west-1",
					   "rds.eu-west-1.amazonaws.com", "us-east-1",
					   "rds.us-east-1.amazonaws.com", ref6_url, ref6_body, 870,
					   ref6_auth);

	/* the token: RFC 3986 encoded, after SignedHeaders, before Signature */
	AwsQueryCopy(&pq, &op);
	AwsQueryAdd(&pq, "DestinationRegion", "eu-west-1");
	CHECK(presign(&creds_token, "us-east-1", "rds.us-east-1.amazonaws.com", &pq,
				  T0, 3600, &url));
	p = strstr(RdsBufStr(&url),
			   "&X-Amz-SignedHeaders=host"
			   "&X-Amz-Security-Token=FAKESESSIONTOKEN%2Fabc%2Bdef%3D%3D"
			   "&X-Amz-Signature=7dd351d84f6589891cbe8e81d1d38bb2cfa2901736d3678bdf709dd79c4c9eab");
	CHECK(p != NULL && strlen(p) == strlen("&X-Amz-SignedHeaders=host"
										   "&X-Amz-Security-Token=FAKESESSIONTOKEN%2Fabc%2Bdef%3D%3D"
										   "&X-Amz-Signature=") + 64);
	p = strstr(RdsBufStr(&url), "Security-Token");
	CHECK(p != NULL && strstr(p + 1, "Security-Token") == NULL);	/* only once */

	/* without the token the URL has no X-Amz-Security-Token at all */
	RdsBufReset(&url);
	CHECK(presign(&creds, "us-east-1", "rds.us-east-1.amazonaws.com", &pq, T0,
				  3600, &url));
	CHECK(strstr(RdsBufStr(&url), "Security-Token") == NULL);
	RdsBufReset(&url);
	{
		SigV4Credentials empty_token = {AK, SK, ""};

		CHECK(presign(&empty_token, "us-east-1", "rds.us-east-1.amazonaws.com",
					  &pq, T0, 3600, &url));
		CHECK(strstr(RdsBufStr(&url), "Security-Token") == NULL);
	}

	RdsBufFree(&url);
	AwsQueryFree(&pq);
	AwsQueryFree(&op);
}

static void
test_capture10_encoding(void)
{
	AwsQuery	op = AWS_QUERY_INIT;

	AwsQueryStart(&op, "CopyDBClusterSnapshot");
	AwsQueryAdd(&op, "SourceDBClusterSnapshotIdentifier", SRC_ARN_W2);
	AwsQueryAdd(&op, "TargetDBClusterSnapshotIdentifier", "b");
	AwsQueryAdd(&op, "KmsKeyId", "alias/my key");
	AwsQueryAdd(&op, "CopyTags", "true");
	AwsQueryAddIndexed(&op, "Tags.Tag", 1, "Key", "k~*");
	AwsQueryAddIndexed(&op, "Tags.Tag", 1, "Value", "a b+c=d&e/f:\xc3\xbc%");
	check_cross_region("capture #10", &creds, &op, "us-east-1",
					   "rds.us-east-1.amazonaws.com", "us-west-2",
					   "rds.us-west-2.amazonaws.com", ref10_url, ref10_body,
					   1036, ref10_auth);
	CHECK(strstr(ref10_url, "X-Amz-Signature=6007eae4cb297f235fb469df3134857adcc15ba125f6d57345f1c5016e202bb5") != NULL);
	AwsQueryFree(&op);
}

/* ---- other presign properties ------------------------------------------- */

static void
test_presign_misc(void)
{
	AwsQuery	pq = AWS_QUERY_INIT;
	AwsQuery	none = AWS_QUERY_INIT;
	RdsBuf		url = RDS_BUF_INIT;
	RdsBuf		again = RDS_BUF_INIT;
	SigV4Scope	scope = {"us-west-2", "rds", "rds.us-west-2.amazonaws.com"};

	AwsQueryStart(&pq, "CopyDBClusterSnapshot");
	AwsQueryAdd(&pq, "SourceDBClusterSnapshotIdentifier", SRC_ARN_W2);
	AwsQueryAdd(&pq, "TargetDBClusterSnapshotIdentifier", "b");
	AwsQueryAdd(&pq, "KmsKeyId", "k");
	AwsQueryAdd(&pq, "DestinationRegion", "us-east-1");

	/* other expiry values (botocore-computed) */
	CHECK(SigV4PresignUrl(&creds, &scope, "https", &pq, T0, 604800, &url));
	CHECK_STREQ(RdsBufStr(&url),
				"https://rds.us-west-2.amazonaws.com/?Action=CopyDBClusterSnapshot&"
				"Version=2014-10-31&SourceDBClusterSnapshotIdentifier=arn%3Aaws%3Ards%3A"
				"us-west-2%3A123456789012%3Acluster-snapshot%3Aa&"
				"TargetDBClusterSnapshotIdentifier=b&KmsKeyId=k&DestinationRegion=us-east-1&"
				"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F"
				"us-west-2%2Frds%2Faws4_request&X-Amz-Date=20150830T123600Z&"
				"X-Amz-Expires=604800&X-Amz-SignedHeaders=host&"
				"X-Amz-Signature=c725ddec7ecd3bffd7c13f32ed9eea3c1a01b9a12f0c2f3eb7159eef853f7dec");
	RdsBufReset(&url);
	CHECK(SigV4PresignUrl(&creds, &scope, "https", &pq, T0, 1, &url));
	CHECK(strstr(RdsBufStr(&url), "&X-Amz-Expires=1&X-Amz-SignedHeaders=host&"
				 "X-Amz-Signature=d386387bc49e7f04850822146a10911b81f121cb4ea43ea3f240da0167e2b96e") != NULL);

	/* deterministic, appends, and leaves the parameter list alone */
	RdsBufReset(&url);
	CHECK(SigV4PresignUrl(&creds, &scope, "https", &pq, T0, 3600, &url));
	CHECK_STREQ(RdsBufStr(&url), ref4_url);
	RdsBufAppendStr(&again, "URL:");
	CHECK(SigV4PresignUrl(&creds, &scope, "https", &pq, T0, 3600, &again));
	CHECK(strncmp(RdsBufStr(&again), "URL:", 4) == 0 &&
		  strcmp(RdsBufStr(&again) + 4, ref4_url) == 0);
	CHECK_INTEQ(pq.count, 6);
	CHECK_STREQ(pq.params[5].name, "DestinationRegion");

	/* the scheme is used as given; http and a port work */
	{
		SigV4Scope	local = {"us-west-2", "rds", "127.0.0.1:9"};
		const char *prefix = "http://127.0.0.1:9/?Action=CopyDBClusterSnapshot&";

		RdsBufReset(&url);
		CHECK(SigV4PresignUrl(&creds, &local, "http", &pq, T0, 3600, &url));
		CHECK(strncmp(RdsBufStr(&url), prefix, strlen(prefix)) == 0);
	}

	/* no parameters: the query starts with the auth parameters */
	{
		SigV4Scope	suite = {"us-east-1", "service", "example.amazonaws.com"};

		RdsBufReset(&url);
		CHECK(SigV4PresignUrl(&creds, &suite, "https", &none, T0, 3600, &url));
		CHECK_STREQ(RdsBufStr(&url),
					"https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
					"X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&"
					"X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&"
					"X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
	}

	/* a failed parameter list is refused and nothing is appended */
	{
		AwsQuery	bad = AWS_QUERY_INIT;

		AwsQueryAdd(&bad, "A", "1");
		bad.failed = true;
		RdsBufReset(&url);
		CHECK(!SigV4PresignUrl(&creds, &scope, "https", &bad, T0, 3600, &url));
		CHECK_INTEQ(url.len, 0);
		AwsQueryFree(&bad);
	}

	RdsBufFree(&url);
	RdsBufFree(&again);
	AwsQueryFree(&pq);
}

/* ---- the AWS test suites ------------------------------------------------- */

static void
test_aws4_testsuite(void)
{
	RdsBuf		auth = RDS_BUF_INIT;
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
	char		hex[65];

	/* post-x-www-form-urlencoded: body Param1=value1 */
	CHECK(SigV4Sha256Hex("Param1=value1", 13, hex));
	CHECK_STREQ(hex, "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
	CHECK(sign_post(&creds, "us-east-1", "service", "example.amazonaws.com",
					"application/x-www-form-urlencoded", "Param1=value1", 13, T0,
					amz_date, &auth));
	CHECK_STREQ(RdsBufStr(&auth),
				"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
				"SignedHeaders=content-type;host;x-amz-date, "
				"Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");

	/* post-x-www-form-urlencoded-parameters: Content-Type with charset=utf8 */
	RdsBufReset(&auth);
	CHECK(sign_post(&creds, "us-east-1", "service", "example.amazonaws.com",
					"application/x-www-form-urlencoded; charset=utf8",
					"Param1=value1", 13, T0, amz_date, &auth));
	CHECK_STREQ(RdsBufStr(&auth),
				"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
				"SignedHeaders=content-type;host;x-amz-date, "
				"Signature=1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe");
	RdsBufFree(&auth);
}

static void
check_suite_query(const char *label, const AwsQuery *q, const char *expected_url,
				  const char *expected_sig)
{
	SigV4Scope	suite = {"us-east-1", "service", "example.amazonaws.com"};
	RdsBuf		url = RDS_BUF_INIT;
	const char *sig;

	UNIT_CONTEXT("%s", label);
	CHECK(SigV4PresignUrl(&creds, &suite, "https", q, T0, 3600, &url));
	CHECK_STREQ(RdsBufStr(&url), expected_url);
	sig = strstr(RdsBufStr(&url), "&X-Amz-Signature=");
	if (CHECK(sig != NULL))
		CHECK_STREQ(sig + strlen("&X-Amz-Signature="), expected_sig);
	UNIT_CONTEXT(NULL);
	RdsBufFree(&url);
}

static void
test_aws_c_auth_query_suite(void)
{
	AwsQuery	q = AWS_QUERY_INIT;

#define UNRESERVED "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	AwsQueryAdd(&q, UNRESERVED, UNRESERVED);
	check_suite_query("get-vanilla-query-unreserved", &q,
					  "https://example.amazonaws.com/?" UNRESERVED "=" UNRESERVED
					  "&X-Amz-Algorithm=AWS4-HMAC-SHA256&"
					  "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&"
					  "X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&"
					  "X-Amz-Signature=8e76a88a7433637b12778d5592799b29ad21ecd6cf6325051c21d86f0acda2bf",
					  "8e76a88a7433637b12778d5592799b29ad21ecd6cf6325051c21d86f0acda2bf");
	AwsQueryFree(&q);

	AwsQueryAdd(&q, "\xe1\x88\xb4", "bar");
	check_suite_query("get-vanilla-utf8-query", &q,
					  "https://example.amazonaws.com/?%E1%88%B4=bar&"
					  "X-Amz-Algorithm=AWS4-HMAC-SHA256&"
					  "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&"
					  "X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&"
					  "X-Amz-Signature=0bdd809b1519ac4f0c1dc3540e2cc46bd0c7f778eda408b2ebf3b913d21ff600",
					  "0bdd809b1519ac4f0c1dc3540e2cc46bd0c7f778eda408b2ebf3b913d21ff600");
	AwsQueryFree(&q);

	/* sorting is by the encoded name: %E1.. < Param < Param-3 */
	AwsQueryAdd(&q, "Param-3", "Value3");
	AwsQueryAdd(&q, "Param", "Value2");
	AwsQueryAdd(&q, "\xe1\x88\xb4", "Value1");
	check_suite_query("get-vanilla-query-order-encoded", &q,
					  "https://example.amazonaws.com/?Param-3=Value3&Param=Value2&%E1%88%B4=Value1&"
					  "X-Amz-Algorithm=AWS4-HMAC-SHA256&"
					  "X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&"
					  "X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&"
					  "X-Amz-Signature=c5f1848ceec943ac2ca68ee720460c23aaae30a2300586597ada94c4a65e4787",
					  "c5f1848ceec943ac2ca68ee720460c23aaae30a2300586597ada94c4a65e4787");
	AwsQueryFree(&q);
#undef UNRESERVED
}

/* ---- the clock -------------------------------------------------------- */

static void
test_dates(void)
{
	static const struct
	{
		time_t		now;
		const char *amz_date;
		const char *signature;	/* botocore-computed, capture #1's request */
	}			cases[] = {
		{0, "19700101T000000Z",
		"a9d8d621946a9c4ffb89c25de9e904f6cd02fd92c28ac6942469cf9e68e56a51"},
		{1709164800, "20240229T000000Z",
		"4d1cc1176c3da02b74eee7f872bee18ccdbe363612a6761d41b1cb0325a73f27"},
		{(time_t) 2147483648LL, "20380119T031408Z",
		"afab59ae2fb01e53a52670d7e5badacb786d0c7432282ea9bb13a822503748a4"},
		{(time_t) 253402300799LL, "99991231T235959Z",
		"896661bb9ff05c90d46ec23c17ec41700f6e7189469959a8aa1b0a7775e354b8"},
	};
	size_t		i;
	RdsBuf		auth = RDS_BUF_INIT;
	RdsBuf		url = RDS_BUF_INIT;
	AwsQuery	none = AWS_QUERY_INIT;
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
	char		expected[256];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		UNIT_CONTEXT("now=%lld", (long long) cases[i].now);
		RdsBufReset(&auth);
		CHECK(sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
						ref1_body, strlen(ref1_body), cases[i].now, amz_date, &auth));
		CHECK_STREQ(amz_date, cases[i].amz_date);
		snprintf(expected, sizeof(expected),
				 "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/%.8s/us-east-1/rds/aws4_request, "
				 "SignedHeaders=content-type;host;x-amz-date, Signature=%s",
				 cases[i].amz_date, cases[i].signature);
		CHECK_STREQ(RdsBufStr(&auth), expected);
	}
	UNIT_CONTEXT(NULL);

	/* year 10000 cannot be written as YYYYMMDD: refused, nothing appended */
	RdsBufReset(&auth);
	CHECK(!sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
					 ref1_body, strlen(ref1_body), (time_t) 253402300800LL,
					 amz_date, &auth));
	CHECK_INTEQ(auth.len, 0);
	CHECK(!presign(&creds, "us-east-1", "h", &none, (time_t) 253402300800LL, 3600, &url));
	CHECK_INTEQ(url.len, 0);
	/* nor can year 999 (glibc writes "999"); year 1000 can */
	CHECK(!sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
					 ref1_body, strlen(ref1_body), (time_t) -30610224001LL,
					 amz_date, &auth));
	CHECK_INTEQ(auth.len, 0);
	CHECK(sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
					ref1_body, strlen(ref1_body), (time_t) -30610224000LL,
					amz_date, &auth));
	CHECK_STREQ(amz_date, "10000101T000000Z");

	/* exactly SIGV4_AMZ_DATE_LEN + 1 bytes of amz_date are written */
	{
		char		big[32];

		memset(big, '#', sizeof(big));
		RdsBufReset(&auth);
		CHECK(sign_post(&creds, "us-east-1", "rds", "127.0.0.1:9", FORM_CT,
						ref1_body, strlen(ref1_body), T0, big, &auth));
		CHECK_MEMEQ(big, (size_t) 18, "20150830T123600Z\0#", (size_t) 18);
	}

	RdsBufFree(&auth);
	RdsBufFree(&url);
}

int
main(void)
{
	test_sha256();
	test_capture1_post();
	test_capture4_cross_region();
	test_capture5_same_region();
	test_capture6_token();
	test_capture10_encoding();
	test_presign_misc();
	test_aws4_testsuite();
	test_aws_c_auth_query_suite();
	test_dates();
	return UnitSummary();
}
