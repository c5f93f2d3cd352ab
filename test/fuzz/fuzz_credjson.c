/*-------------------------------------------------------------------------
 * fuzz_credjson.c
 *		libFuzzer target for the credentials JSON reader (src/credjson.c),
 *		which parses what IMDS and the container endpoint send.
 *
 * The whole input is the document.  Invariants besides the sanitizers:
 *   - success: AccessKeyId and SecretAccessKey are there and non-empty;
 *     failure: a sentence, and every member NULL (nothing leaks out)
 *   - no decoded string is longer than the document
 *   - round trip: the members found, written back as a JSON object with
 *     our own escaping, parse again to the same values
 *   - RdsJsonCredentialsWipe leaves every member NULL
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>

#include "buf.h"
#include "credjson.h"
#include "fuzz.h"
#include "fuzz_json.h"

static char **
member(RdsJsonCredentials *c, int i)
{
	switch (i)
	{
		case 0:
			return &c->access_key_id;
		case 1:
			return &c->secret_access_key;
		case 2:
			return &c->token;
		case 3:
			return &c->expiration;
		default:
			return &c->code;
	}
}

static const char *const member_names[] = {
	"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "Code"
};

#define NMEMBERS 5

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	RdsJsonCredentials creds;
	RdsJsonCredentials again;
	const char *problem;
	RdsBuf		doc = RDS_BUF_INIT;
	int			i;
	bool		first = true;

	problem = RdsJsonCredentialsParse((const char *) data, size, &creds);
	if (problem != NULL)
	{
		FUZZ_CHECK(problem[0] != '\0');
		for (i = 0; i < NMEMBERS; i++)
			FUZZ_CHECK(*member(&creds, i) == NULL);
		return 0;
	}
	FUZZ_CHECK(creds.access_key_id != NULL && creds.access_key_id[0] != '\0');
	FUZZ_CHECK(creds.secret_access_key != NULL && creds.secret_access_key[0] != '\0');
	for (i = 0; i < NMEMBERS; i++)
		if (*member(&creds, i) != NULL)
			FUZZ_CHECK(strlen(*member(&creds, i)) <= size);

	/* write what was found back as JSON and read it again */
	RdsBufAppendChar(&doc, '{');
	for (i = 0; i < NMEMBERS; i++)
	{
		if (*member(&creds, i) == NULL)
			continue;
		if (!first)
			RdsBufAppendStr(&doc, ", ");
		first = false;
		fuzz_append_json_string(&doc, member_names[i]);
		RdsBufAppendStr(&doc, ": ");
		fuzz_append_json_string(&doc, *member(&creds, i));
	}
	RdsBufAppendChar(&doc, '}');
	FUZZ_CHECK(!RdsBufFailed(&doc));
	problem = RdsJsonCredentialsParse(doc.data, doc.len, &again);
	FUZZ_CHECK(problem == NULL);
	for (i = 0; i < NMEMBERS; i++)
	{
		const char *a = *member(&creds, i);
		const char *b = *member(&again, i);

		FUZZ_CHECK((a == NULL) == (b == NULL));
		if (a != NULL)
			FUZZ_CHECK(strcmp(a, b) == 0);
	}
	RdsBufWipe(&doc);
	RdsJsonCredentialsWipe(&again);
	RdsJsonCredentialsWipe(&creds);
	for (i = 0; i < NMEMBERS; i++)
		FUZZ_CHECK(*member(&creds, i) == NULL);
	return 0;
}
