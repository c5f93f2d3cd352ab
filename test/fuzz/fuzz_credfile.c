/*-------------------------------------------------------------------------
 * fuzz_credfile.c
 *		libFuzzer target for the shared credentials / config file parser
 *		(src/credfile.c: RdsCredFileParse, RdsIniReadSection, RdsIniGet).
 *
 * Input: one byte n (its value modulo 24, so '7' is 7), then n bytes of
 * profile name, then the file's text.  Invariants besides the sanitizers:
 *   - the two parsers agree: same MALFORMED line, same missing section;
 *     RdsCredFileParse finds a profile exactly when the section exists
 *   - FOUND: access key and secret non-empty, the token NULL or
 *     non-empty, each equal to RdsIniGet of its name (aws_security_token
 *     before aws_session_token); otherwise every member NULL
 *   - MALFORMED names a line that exists; other results name none
 *   - the section's names are unique (case-insensitively), hold no
 *     separator, and names and values are trimmed single-line text
 *   - the wipe functions leave everything NULL / zero
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <strings.h>

#include "credfile.h"
#include "fuzz.h"

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void
check_trimmed_line(const char *s)
{
	size_t		n = strlen(s);

	FUZZ_CHECK(strchr(s, '\n') == NULL);
	if (n > 0)
		FUZZ_CHECK(!is_blank(s[0]) && !is_blank(s[n - 1]));
}

static const char *
nonempty(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static bool
same_or_both_null(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t		plen;
	char	   *profile;
	const char *text;
	size_t		len;
	size_t		lines = 1;
	size_t		i;
	bool		has_nul;
	RdsCredFileEntry entry;
	RdsIniSection sec;
	RdsCredFileStatus cs;
	RdsCredFileStatus is;
	int			bad_cred = -1;
	int			bad_ini = -1;

	if (size < 1)
		return 0;
	plen = data[0] % 24;
	if (plen > size - 1)
		plen = size - 1;
	profile = fuzz_strndup(data + 1, plen);
	text = (const char *) data + 1 + plen;
	len = size - 1 - plen;
	for (i = 0; i < len; i++)
		if (text[i] == '\n')
			lines++;
	has_nul = memchr(text, '\0', len) != NULL;

	cs = RdsCredFileParse(text, len, profile, &entry, &bad_cred);
	is = RdsIniReadSection(text, len, profile, &sec, &bad_ini);

	FUZZ_CHECK(cs != RDS_CREDFILE_NO_MEMORY && is != RDS_CREDFILE_NO_MEMORY);
	FUZZ_CHECK(is == RDS_CREDFILE_FOUND || is == RDS_CREDFILE_NO_PROFILE ||
			   is == RDS_CREDFILE_MALFORMED);
	FUZZ_CHECK(bad_cred == bad_ini);
	if (is == RDS_CREDFILE_MALFORMED)
	{
		FUZZ_CHECK(cs == RDS_CREDFILE_MALFORMED);
		FUZZ_CHECK(bad_ini >= 1 && (size_t) bad_ini <= lines);
	}
	else
		FUZZ_CHECK(bad_ini == 0);
	if (is == RDS_CREDFILE_NO_PROFILE)
		FUZZ_CHECK(cs == RDS_CREDFILE_NO_PROFILE);
	if (is == RDS_CREDFILE_FOUND)
		FUZZ_CHECK(cs == RDS_CREDFILE_FOUND || cs == RDS_CREDFILE_INCOMPLETE);
	else
		FUZZ_CHECK(sec.count == 0 && sec.entries == NULL);

	FUZZ_CHECK(sec.count >= 0);
	for (i = 0; i < (size_t) sec.count; i++)
	{
		const RdsIniEntry *e = &sec.entries[i];
		int			j;

		FUZZ_CHECK(e->name != NULL && e->value != NULL);
		if (has_nul)
			continue;			/* names and values were cut at the NUL */
		FUZZ_CHECK(e->name[0] != '\0');
		FUZZ_CHECK(strpbrk(e->name, "=:") == NULL);
		check_trimmed_line(e->name);
		check_trimmed_line(e->value);
		for (j = 0; j < (int) i; j++)
			FUZZ_CHECK(strcasecmp(sec.entries[j].name, e->name) != 0);
		FUZZ_CHECK(RdsIniGet(&sec, e->name) == e->value);
	}

	if (cs == RDS_CREDFILE_FOUND)
	{
		const char *token = RdsIniGet(&sec, "aws_security_token");

		if (token == NULL)
			token = RdsIniGet(&sec, "aws_session_token");
		FUZZ_CHECK(entry.access_key_id != NULL && entry.access_key_id[0] != '\0');
		FUZZ_CHECK(entry.secret_access_key != NULL && entry.secret_access_key[0] != '\0');
		FUZZ_CHECK(entry.session_token == NULL || entry.session_token[0] != '\0');
		FUZZ_CHECK(same_or_both_null(entry.access_key_id,
									 nonempty(RdsIniGet(&sec, "aws_access_key_id"))));
		FUZZ_CHECK(same_or_both_null(entry.secret_access_key,
									 nonempty(RdsIniGet(&sec, "aws_secret_access_key"))));
		FUZZ_CHECK(same_or_both_null(entry.session_token, nonempty(token)));
	}
	else
		FUZZ_CHECK(entry.access_key_id == NULL && entry.secret_access_key == NULL &&
				   entry.session_token == NULL);
	if (cs == RDS_CREDFILE_INCOMPLETE)
		FUZZ_CHECK(nonempty(RdsIniGet(&sec, "aws_access_key_id")) == NULL ||
				   nonempty(RdsIniGet(&sec, "aws_secret_access_key")) == NULL);

	RdsCredFileEntryWipe(&entry);
	FUZZ_CHECK(entry.access_key_id == NULL && entry.secret_access_key == NULL &&
			   entry.session_token == NULL);
	RdsIniSectionWipe(&sec);
	FUZZ_CHECK(sec.count == 0 && sec.entries == NULL);
	free(profile);
	return 0;
}
