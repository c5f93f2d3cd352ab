/*-------------------------------------------------------------------------
 * test_credjson.c
 *		Unit tests for src/credjson.c, the reader of the JSON credentials
 *		documents of the EC2 instance metadata service and the container
 *		credentials endpoint (and the Version 1 output of a
 *		credential_process program), of the SSO token cache and
 *		GetRoleCredentials, the SSO token cache file's name, and for the
 *		ini-section reader credentials.c uses for the config file
 *		(src/credfile.c).
 *
 * Documents are parsed from exact-size copies without a terminating NUL,
 * so the SAN=1 build catches reads past the length given.
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credfile.h"
#include "credjson.h"
#include "unit.h"

static const char *
parse(const char *text, RdsJsonCredentials *out)
{
	size_t		len = strlen(text);
	char	   *copy = malloc(len ? len : 1);
	const char *problem;

	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	memset(out, 0x5a, sizeof(*out));	/* the parser must initialise *out */
	problem = RdsJsonCredentialsParse(copy, len, out);
	free(copy);
	return problem;
}

#define IMDS_DOC \
	"{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2026-11-27T10:00:00Z\",\n" \
	"  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"AKIDTEMP00000001\",\n" \
	"  \"SecretAccessKey\" : \"tempsecret/AKIDTEMP00000001\",\n" \
	"  \"Token\" : \"temptoken/AKIDTEMP00000001==\",\n" \
	"  \"Expiration\" : \"2026-11-27T16:00:00Z\"\n}\n"

static void
test_documents(void)
{
	RdsJsonCredentials c;

	/* the IMDS document, as EC2 writes it */
	if (CHECK(parse(IMDS_DOC, &c) == NULL))
	{
		CHECK_STREQ(c.access_key_id, "AKIDTEMP00000001");
		CHECK_STREQ(c.secret_access_key, "tempsecret/AKIDTEMP00000001");
		CHECK_STREQ(c.token, "temptoken/AKIDTEMP00000001==");
		CHECK_STREQ(c.expiration, "2026-11-27T16:00:00Z");
		CHECK_STREQ(c.code, "Success");
	}
	RdsJsonCredentialsWipe(&c);
	CHECK(c.access_key_id == NULL && c.secret_access_key == NULL && c.token == NULL);

	/* the container document: no Code, other members of other types */
	if (CHECK(parse("{\"RoleArn\":\"arn:aws:iam::1:role/r\",\"AccessKeyId\":\"A\","
					"\"SecretAccessKey\":\"S\",\"Token\":\"T\",\"Expiration\":\"2026-11-27T16:00:00Z\","
					"\"n\": -1.5e3, \"b\": true, \"z\": null, \"o\": {\"a\": [1, {\"b\": []}]}}",
					&c) == NULL))
	{
		CHECK_STREQ(c.access_key_id, "A");
		CHECK(c.code == NULL);
	}
	RdsJsonCredentialsWipe(&c);

	/* escapes: \" \\ \/ \u00e9, a surrogate pair */
	if (CHECK(parse("{\"AccessKeyId\":\"a\\\"b\\\\c\\/d\",\"SecretAccessKey\":\"\\u00e9\\ud83d\\ude00\"}",
					&c) == NULL))
	{
		CHECK_STREQ(c.access_key_id, "a\"b\\c/d");
		CHECK_STREQ(c.secret_access_key, "\xc3\xa9\xf0\x9f\x98\x80");
		CHECK(c.token == NULL && c.expiration == NULL);
	}
	RdsJsonCredentialsWipe(&c);
}

static void
test_rejections(void)
{
	static const char *const bad[] = {
		"",
		"   ",
		"[]",
		"\"AccessKeyId\"",
		"{",
		"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"",
		"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",}",
		"{\"AccessKeyId\":\"A\" \"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"} trailing",
		"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}{}",
		"{\"AccessKeyId\":\"A\"}",
		"{\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"\",\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":1,\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":null,\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\",\"AccessKeyId\":\"B\",\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\\x\",\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\\u12\",\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\\ud83d\",\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\\ude00\",\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\\u0000\",\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\nB\",\"SecretAccessKey\":\"S\"}",
		"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"x\":tru}",
		"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"x\":[1,]}",
		"{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}",
		"<html>oops</html>",
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		RdsJsonCredentials c;
		const char *problem;

		UNIT_CONTEXT("reject #%zu", i);
		problem = parse(bad[i], &c);
		CHECK(problem != NULL);
		/* nothing is handed back with a failure, and no secret is quoted */
		CHECK(c.access_key_id == NULL && c.secret_access_key == NULL && c.token == NULL);
		if (problem != NULL)
			CHECK(strstr(problem, "S\"") == NULL);
	}
	UNIT_CONTEXT(NULL);
}

/* Every prefix of a good document is refused, never read past its end. */
static void
test_truncations(void)
{
	size_t		len = strlen(IMDS_DOC);
	size_t		n;

	for (n = 0; n < len - 2; n++)
	{
		char	   *copy = malloc(n ? n : 1);
		RdsJsonCredentials c;

		memcpy(copy, IMDS_DOC, n);
		UNIT_CONTEXT("prefix of %zu bytes", n);
		CHECK(RdsJsonCredentialsParse(copy, n, &c) != NULL);
		RdsJsonCredentialsWipe(&c);
		free(copy);
	}
	UNIT_CONTEXT(NULL);
}

/* The config-file reader: [profile NAME] sections, any key. */
static void
test_ini_sections(void)
{
	const char *text =
		"[default]\nregion = us-east-1\n\n"
		"[profile backup]\nrole_arn = arn:aws:iam::123456789012:role/backup\n"
		"source_profile = default\nexternal_id: ext-1\nduration_seconds=3600\n"
		"[profile other]\nrole_arn = x\n";
	RdsIniSection sec;
	int			bad_line;

	if (CHECK(RdsIniReadSection(text, strlen(text), "profile backup", &sec, &bad_line)
			  == RDS_CREDFILE_FOUND))
	{
		CHECK_STREQ(RdsIniGet(&sec, "role_arn"), "arn:aws:iam::123456789012:role/backup");
		CHECK_STREQ(RdsIniGet(&sec, "SOURCE_PROFILE"), "default");
		CHECK_STREQ(RdsIniGet(&sec, "external_id"), "ext-1");
		CHECK_STREQ(RdsIniGet(&sec, "duration_seconds"), "3600");
		CHECK(RdsIniGet(&sec, "region") == NULL);
		CHECK(sec.count == 4);
	}
	RdsIniSectionWipe(&sec);
	CHECK(RdsIniReadSection(text, strlen(text), "backup", &sec, &bad_line)
		  == RDS_CREDFILE_NO_PROFILE);
	RdsIniSectionWipe(&sec);
	/* a later line of the same name wins */
	text = "[p]\na = 1\nA = 2\n";
	if (CHECK(RdsIniReadSection(text, strlen(text), "p", &sec, &bad_line) == RDS_CREDFILE_FOUND))
	{
		CHECK_STREQ(RdsIniGet(&sec, "a"), "2");
		CHECK(sec.count == 1);
	}
	RdsIniSectionWipe(&sec);
	text = "[p]\na = 1\nbroken\n";
	CHECK(RdsIniReadSection(text, strlen(text), "p", &sec, &bad_line) == RDS_CREDFILE_MALFORMED);
	CHECK(bad_line == 3 && sec.count == 0);
}

/* The same as parse, for credential_process output. */
static const char *
parse_process(const char *text, RdsJsonCredentials *out)
{
	size_t		len = strlen(text);
	char	   *copy = malloc(len ? len : 1);
	const char *problem;

	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	memset(out, 0x5a, sizeof(*out));
	problem = RdsJsonProcessCredentialsParse(copy, len, out);
	free(copy);
	return problem;
}

/* parse a copy of text with one of the SSO parsers */
static const char *
parse_sso(const char *text, bool token, RdsJsonCredentials *out)
{
	size_t		len = strlen(text);
	char	   *copy = malloc(len ? len : 1);
	const char *problem;

	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	memset(out, 0x5a, sizeof(*out));
	problem = token ? RdsJsonSsoTokenParse(copy, len, out) :
		RdsJsonSsoRoleCredentialsParse(copy, len, out);
	free(copy);
	return problem;
}

/* text is refused as process output with a sentence containing why; nothing kept */
static void
process_refused(const char *text, const char *why)
{
	RdsJsonCredentials c;
	const char *problem = parse_process(text, &c);

	UNIT_CONTEXT("process output %s", text);
	if (CHECK(problem != NULL))
		CHECK(strstr(problem, why) != NULL);
	CHECK(c.access_key_id == NULL && c.secret_access_key == NULL && c.token == NULL &&
		  c.expiration == NULL && c.code == NULL);
	RdsJsonCredentialsWipe(&c);
	UNIT_CONTEXT(NULL);
}

/*
 * The credential_process document (AWS SDKs and Tools reference guide,
 * "Process credential provider"; botocore credentials.py ProcessProvider:
 * Version must be 1, AccessKeyId and SecretAccessKey required,
 * SessionToken and Expiration optional).
 */
static void
test_process_output(void)
{
	RdsJsonCredentials c;

	if (CHECK(parse_process("{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", "
							"\"SecretAccessKey\": \"procsecret/x\", \"SessionToken\": \"proctoken==\", "
							"\"Expiration\": \"2026-12-05T12:00:00Z\"}\n", &c) == NULL))
	{
		CHECK_STREQ(c.access_key_id, "AKIDPROC");
		CHECK_STREQ(c.secret_access_key, "procsecret/x");
		CHECK_STREQ(c.token, "proctoken==");
		CHECK_STREQ(c.expiration, "2026-12-05T12:00:00Z");
		CHECK(c.version == 1 && c.code == NULL);
	}
	RdsJsonCredentialsWipe(&c);
	CHECK(c.access_key_id == NULL && c.secret_access_key == NULL && c.token == NULL);
	/* long-term keys: no token, no expiration; members in any order; others skipped */
	if (CHECK(parse_process("{\"SecretAccessKey\":\"s\",\"AccountId\":\"123456789012\","
							"\"Extra\":{\"a\":[1,2,{\"b\":null}]},\"AccessKeyId\":\"A\",\"Version\":1}", &c) == NULL))
	{
		CHECK_STREQ(c.access_key_id, "A");
		CHECK(c.token == NULL && c.expiration == NULL);
	}
	RdsJsonCredentialsWipe(&c);
	/* IMDS's "Token" is not the process's "SessionToken"; "Code" is not read */
	if (CHECK(parse_process("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\","
							"\"Token\":\"t\",\"Code\":\"Failure\"}", &c) == NULL))
		CHECK(c.token == NULL && c.code == NULL);
	RdsJsonCredentialsWipe(&c);
	/* escapes decode */
	if (CHECK(parse_process("{\"Version\":1,\"AccessKeyId\":\"A\\u0042\",\"SecretAccessKey\":\"s\\/\\\\x\"}", &c) == NULL))
	{
		CHECK_STREQ(c.access_key_id, "AB");
		CHECK_STREQ(c.secret_access_key, "s/\\x");
	}
	RdsJsonCredentialsWipe(&c);

	/* Version: the number 1 only (botocore: version != 1 is refused) */
	process_refused("{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}", "Version is not 1");
	process_refused("{\"Version\":2,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}", "Version is not 1");
	process_refused("{\"Version\":\"1\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}", "Version is not 1");
	process_refused("{\"Version\":10,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}", "Version is not 1");
	process_refused("{\"Version\":-1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}", "Version is not 1");
	process_refused("{\"Version\":null,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"}", "Version is not 1");
	/* the keys */
	process_refused("{\"Version\":1,\"SecretAccessKey\":\"s\"}", "lacks AccessKeyId or SecretAccessKey");
	process_refused("{\"Version\":1,\"AccessKeyId\":\"A\"}", "lacks AccessKeyId or SecretAccessKey");
	process_refused("{\"Version\":1,\"AccessKeyId\":\"\",\"SecretAccessKey\":\"s\"}", "lacks AccessKeyId");
	process_refused("{\"Version\":1,\"AccessKeyId\":1,\"SecretAccessKey\":\"s\"}", "not a string");
	process_refused("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\",\"SessionToken\":null}",
					"not a string");
	process_refused("{\"Version\":1,\"AccessKeyId\":\"A\",\"AccessKeyId\":\"B\",\"SecretAccessKey\":\"s\"}",
					"twice");
	/* not a document: what a failing helper prints instead */
	process_refused("", "not a JSON object");
	process_refused("error: no such profile\n", "not a JSON object");
	process_refused("[{\"Version\":1}]", "not a JSON object");
	process_refused("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"} trailing", "text after");
	process_refused("{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"s\"", "ends too early");
	process_refused("{\"Version\":1,\"AccessKeyId\":\"A\" \"SecretAccessKey\":\"s\"}", "not valid JSON");
}

static void
test_sso(void)
{
	RdsJsonCredentials c;
	char		name[RDS_SSO_CACHE_NAME_LEN];

	/*
	 * The cache file's name, as botocore's SSOTokenLoader names it: these
	 * are botocore 1.29's SSOTokenLoader()._generate_cache_key(start_url,
	 * session_name) (the sha1 of the session name, else of the start URL).
	 */
	CHECK(RdsSsoTokenCacheName("https://d-92671207e4.awsapps.com/start", NULL, name));
	CHECK_STREQ(name, "13f9d35043871d073ab260e020f0ffde092cb14b.json");
	CHECK(RdsSsoTokenCacheName("https://legacy-EXAMPLE.awsapps.com/start", "my-sso", name));
	CHECK_STREQ(name, "0ad374308c5a4e22f723adf10145eafad7c4031c.json");
	CHECK(RdsSsoTokenCacheName(NULL, "\xc3\xa9-session", name));
	CHECK_STREQ(name, "fe233d08d4548c7da67f6605500a4826759ba77e.json");
	CHECK(!RdsSsoTokenCacheName(NULL, NULL, name) && name[0] == '\0');

	/* the token cache as the AWS CLI writes it (with the client registration) */
	if (CHECK(parse_sso("{\"startUrl\": \"https://d-1.awsapps.com/start\", \"region\": \"us-east-1\","
						" \"accessToken\": \"tok\\/en\", \"expiresAt\": \"2026-12-05T13:00:00Z\","
						" \"clientId\": \"c\", \"clientSecret\": \"s\", \"refreshToken\": \"r\","
						" \"registrationExpiresAt\": \"2027-01-01T00:00:00Z\"}", true, &c) == NULL))
	{
		CHECK_STREQ(c.token, "tok/en");
		CHECK_STREQ(c.expiration, "2026-12-05T13:00:00Z");
		CHECK(c.access_key_id == NULL && c.secret_access_key == NULL);
	}
	RdsJsonCredentialsWipe(&c);
	CHECK(c.token == NULL && c.expiration == NULL);
	/* botocore's SSOTokenLoader: accessToken and expiresAt are required */
	CHECK(parse_sso("{\"accessToken\": \"t\"}", true, &c) != NULL && c.token == NULL);
	CHECK(parse_sso("{\"expiresAt\": \"2026-12-05T13:00:00Z\"}", true, &c) != NULL);
	CHECK(parse_sso("{\"accessToken\": \"\", \"expiresAt\": \"x\"}", true, &c) != NULL);
	CHECK(parse_sso("{\"accessToken\": 5, \"expiresAt\": \"x\"}", true, &c) != NULL);
	CHECK(parse_sso("{\"accessToken\": \"a\", \"accessToken\": \"b\", \"expiresAt\": \"x\"}",
					true, &c) != NULL && c.token == NULL);

	/* GetRoleCredentials' reply (the API reference's example, our values) */
	if (CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"AKIDTEMP00000009\","
						" \"secretAccessKey\": \"tempsecret/AKIDTEMP00000009\","
						" \"sessionToken\": \"temptoken/AKIDTEMP00000009==\","
						" \"expiration\": 1796562000000}}", false, &c) == NULL))
	{
		CHECK_STREQ(c.access_key_id, "AKIDTEMP00000009");
		CHECK_STREQ(c.secret_access_key, "tempsecret/AKIDTEMP00000009");
		CHECK_STREQ(c.token, "temptoken/AKIDTEMP00000009==");
		CHECK(c.expiration_ms == 1796562000000LL);
	}
	RdsJsonCredentialsWipe(&c);
	CHECK(c.access_key_id == NULL && c.secret_access_key == NULL && c.token == NULL &&
		  c.expiration_ms == -1);
	/* members outside roleCredentials are skipped, also ones of its names */
	if (CHECK(parse_sso("{\"accessKeyId\": \"X\", \"roleCredentials\": {\"expiration\": 0,"
						" \"accessKeyId\": \"A\", \"secretAccessKey\": \"S\", \"sessionToken\": \"T\","
						" \"other\": [1, {\"x\": null}]}, \"more\": {}}", false, &c) == NULL))
	{
		CHECK_STREQ(c.access_key_id, "A");
		CHECK(c.expiration_ms == 0);
	}
	RdsJsonCredentialsWipe(&c);
	/* refused: every member required, expiration a whole number of ms, no twins */
	CHECK(parse_sso("{}", false, &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": null}", false, &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\","
					" \"sessionToken\": \"T\"}}", false, &c) != NULL && c.access_key_id == NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\","
					" \"expiration\": 1}}", false, &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\","
					" \"sessionToken\": \"T\", \"expiration\": 1.5e12}}", false, &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\","
					" \"sessionToken\": \"T\", \"expiration\": \"1\"}}", false, &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\","
					" \"sessionToken\": \"T\", \"expiration\": -1}}", false, &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\","
					" \"sessionToken\": \"T\", \"expiration\": 1234567890123456}}", false, &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\","
					" \"sessionToken\": \"T\", \"expiration\": 1, \"expiration\": 2}}", false, &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\","
					" \"sessionToken\": \"T\", \"expiration\": 1}, \"roleCredentials\": {}}",
					false, &c) != NULL && c.access_key_id == NULL);
	/* the IMDS reader does not take the SSO names, nor SSO's the IMDS ones */
	CHECK(parse("{\"accessKeyId\": \"A\", \"secretAccessKey\": \"S\"}", &c) != NULL);
	CHECK(parse_sso("{\"roleCredentials\": {\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\","
					" \"Token\": \"T\", \"expiration\": 1}}", false, &c) != NULL);
}

int
main(void)
{
	test_process_output();
	test_documents();
	test_sso();
	test_rejections();
	test_truncations();
	test_ini_sections();
	return UnitSummary();
}
