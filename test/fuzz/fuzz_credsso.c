/*-------------------------------------------------------------------------
 * fuzz_credsso.c
 *		libFuzzer target for the SSO documents of the JSON reader
 *		(src/credjson.c): the token cache file that "aws sso login" writes
 *		and the SSO portal's GetRoleCredentials reply.
 *
 * The first byte picks the reader (even: token cache, odd: reply), the
 * rest is the document.  Invariants besides the sanitizers:
 *   - failure: a sentence, and every member NULL, expiration_ms -1
 *   - token success: accessToken non-empty, expiresAt there, no keys
 *   - reply success: the three strings non-empty, 0 <= expiration_ms
 *     < 10^15; round trip: the members written back as a reply parse
 *     again to the same values
 *   - no decoded string is longer than the document
 *   - RdsJsonCredentialsWipe leaves every member NULL
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <inttypes.h>

#include "buf.h"
#include "credjson.h"
#include "fuzz.h"
#include "fuzz_json.h"

static void
check_empty(const RdsJsonCredentials *c)
{
	FUZZ_CHECK(c->access_key_id == NULL && c->secret_access_key == NULL && c->token == NULL &&
			   c->expiration == NULL && c->code == NULL && c->expiration_ms == -1);
}

static bool
shorter(const char *s, size_t size)
{
	return s == NULL || strlen(s) <= size;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	RdsJsonCredentials c;
	RdsJsonCredentials again;
	const char *problem;
	const char *text;
	bool		token;
	char		ms[64];
	RdsBuf		doc = RDS_BUF_INIT;

	if (size == 0)
		return 0;
	token = (data[0] & 1) == 0;
	text = (const char *) data + 1;
	size--;
	problem = token ? RdsJsonSsoTokenParse(text, size, &c) :
		RdsJsonSsoRoleCredentialsParse(text, size, &c);
	if (problem != NULL)
	{
		FUZZ_CHECK(problem[0] != '\0');
		check_empty(&c);
		return 0;
	}
	FUZZ_CHECK(shorter(c.access_key_id, size) && shorter(c.secret_access_key, size) &&
			   shorter(c.token, size) && shorter(c.expiration, size));
	if (token)
	{
		FUZZ_CHECK(c.token != NULL && c.token[0] != '\0' && c.expiration != NULL);
		FUZZ_CHECK(c.access_key_id == NULL && c.secret_access_key == NULL &&
				   c.expiration_ms == -1);
		RdsJsonCredentialsWipe(&c);
		check_empty(&c);
		return 0;
	}
	FUZZ_CHECK(c.access_key_id != NULL && c.access_key_id[0] != '\0');
	FUZZ_CHECK(c.secret_access_key != NULL && c.secret_access_key[0] != '\0');
	FUZZ_CHECK(c.token != NULL && c.token[0] != '\0' && c.expiration == NULL);
	FUZZ_CHECK(c.expiration_ms >= 0 && c.expiration_ms < 1000000000000000LL);

	/* write the reply back and read it again */
	RdsBufAppendStr(&doc, "{\"roleCredentials\": {\"accessKeyId\": ");
	fuzz_append_json_string(&doc, c.access_key_id);
	RdsBufAppendStr(&doc, ", \"secretAccessKey\": ");
	fuzz_append_json_string(&doc, c.secret_access_key);
	RdsBufAppendStr(&doc, ", \"sessionToken\": ");
	fuzz_append_json_string(&doc, c.token);
	snprintf(ms, sizeof(ms), ", \"expiration\": %lld}}", c.expiration_ms);
	RdsBufAppendStr(&doc, ms);
	FUZZ_CHECK(!RdsBufFailed(&doc));
	problem = RdsJsonSsoRoleCredentialsParse(doc.data, doc.len, &again);
	FUZZ_CHECK(problem == NULL);
	FUZZ_CHECK(strcmp(c.access_key_id, again.access_key_id) == 0);
	FUZZ_CHECK(strcmp(c.secret_access_key, again.secret_access_key) == 0);
	FUZZ_CHECK(strcmp(c.token, again.token) == 0);
	FUZZ_CHECK(c.expiration_ms == again.expiration_ms);
	RdsBufWipe(&doc);
	RdsJsonCredentialsWipe(&again);
	RdsJsonCredentialsWipe(&c);
	check_empty(&c);
	return 0;
}
