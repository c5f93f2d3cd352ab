/*-------------------------------------------------------------------------
 * fuzz_credprocess.c
 *		libFuzzer target for the reader of a credential_process program's
 *		output (src/credjson.c, RdsJsonProcessCredentialsParse: the SDKs'
 *		"Version": 1 document).
 *
 * The whole input is the output.  Invariants besides the sanitizers:
 *   - success: Version was 1, AccessKeyId and SecretAccessKey are there
 *     and non-empty, Code is never taken; failure: a sentence, and every
 *     member NULL (nothing leaks out)
 *   - no decoded string is longer than the output
 *   - round trip: the members found, written back as a Version 1 document
 *     with our own escaping, parse again to the same values
 *   - RdsJsonCredentialsWipe leaves every member NULL
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>

#include "buf.h"
#include "credjson.h"
#include "fuzz.h"
#include "fuzz_json.h"

static void
append_member(RdsBuf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	RdsBufAppendStr(b, ", ");
	fuzz_append_json_string(b, name);
	RdsBufAppendStr(b, ": ");
	fuzz_append_json_string(b, value);
}

static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	RdsJsonCredentials c;
	RdsJsonCredentials again;
	const char *problem;
	RdsBuf		doc = RDS_BUF_INIT;

	problem = RdsJsonProcessCredentialsParse((const char *) data, size, &c);
	if (problem != NULL)
	{
		FUZZ_CHECK(problem[0] != '\0');
		FUZZ_CHECK(c.access_key_id == NULL && c.secret_access_key == NULL &&
				   c.token == NULL && c.expiration == NULL && c.code == NULL);
		return 0;
	}
	FUZZ_CHECK(c.version == 1);
	FUZZ_CHECK(c.code == NULL);
	FUZZ_CHECK(c.access_key_id != NULL && c.access_key_id[0] != '\0');
	FUZZ_CHECK(c.secret_access_key != NULL && c.secret_access_key[0] != '\0');
	FUZZ_CHECK(strlen(c.access_key_id) <= size && strlen(c.secret_access_key) <= size);
	FUZZ_CHECK(c.token == NULL || strlen(c.token) <= size);
	FUZZ_CHECK(c.expiration == NULL || strlen(c.expiration) <= size);

	RdsBufAppendStr(&doc, "{\"Version\": 1");
	append_member(&doc, "AccessKeyId", c.access_key_id);
	append_member(&doc, "SecretAccessKey", c.secret_access_key);
	append_member(&doc, "SessionToken", c.token);
	append_member(&doc, "Expiration", c.expiration);
	RdsBufAppendChar(&doc, '}');
	FUZZ_CHECK(!RdsBufFailed(&doc));
	problem = RdsJsonProcessCredentialsParse(doc.data, doc.len, &again);
	FUZZ_CHECK(problem == NULL);
	FUZZ_CHECK(same(c.access_key_id, again.access_key_id));
	FUZZ_CHECK(same(c.secret_access_key, again.secret_access_key));
	FUZZ_CHECK(same(c.token, again.token));
	FUZZ_CHECK(same(c.expiration, again.expiration));
	RdsBufWipe(&doc);
	RdsJsonCredentialsWipe(&again);
	RdsJsonCredentialsWipe(&c);
	FUZZ_CHECK(c.access_key_id == NULL && c.secret_access_key == NULL &&
			   c.token == NULL && c.expiration == NULL && c.code == NULL);
	return 0;
}
