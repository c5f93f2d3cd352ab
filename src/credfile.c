/*-------------------------------------------------------------------------
 * credfile.c
 *		Parser for the AWS shared credentials file (~/.aws/credentials).
 *
 * Only parsing lives here; finding and reading the file, and the order of
 * credential sources, are in credentials.c.  Error reports never quote
 * the file's contents: the caller gets a line number and nothing else.
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "credfile.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Trim [*start, *end) of blanks in place. */
static void
trim(const char **start, const char **end)
{
	while (*start < *end && is_space(**start))
		(*start)++;
	while (*end > *start && is_space((*end)[-1]))
		(*end)--;
}

static bool
span_equals(const char *s, const char *e, const char *word)
{
	size_t		n = strlen(word);

	return (size_t) (e - s) == n && strncasecmp(s, word, n) == 0;
}

static char *
span_dup(const char *s, const char *e)
{
	char	   *copy = malloc(e - s + 1);

	if (copy != NULL)
	{
		memcpy(copy, s, e - s);
		copy[e - s] = '\0';
	}
	return copy;
}

static void
wipe_string(char **s)
{
	if (*s != NULL)
	{
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

/* Replace *slot with a copy of [s, e); false when out of memory. */
static bool
set_secret(char **slot, const char *s, const char *e)
{
	char	   *copy = span_dup(s, e);

	if (copy == NULL)
		return false;
	if (*slot != NULL)
	{
		explicit_bzero(*slot, strlen(*slot));
		free(*slot);
	}
	*slot = copy;
	return true;
}

RdsCredFileStatus
RdsCredFileParse(const char *text, size_t len, const char *profile,
				 RdsCredFileEntry *out, int *bad_line)
{
	const char *p = text;
	const char *end = text + len;
	bool		in_profile = false;
	bool		seen_profile = false;
	int			line = 0;
	char	   *security_token = NULL;	/* wins over aws_session_token */

	memset(out, 0, sizeof(*out));
	*bad_line = 0;
	while (p < end)
	{
		const char *eol = memchr(p, '\n', end - p);
		const char *ls = p;
		const char *le = eol ? eol : end;
		const char *eq;

		p = eol ? eol + 1 : end;
		line++;
		if (ls < le && (*ls == ' ' || *ls == '\t'))
			continue;			/* an indented line continues a value */
		trim(&ls, &le);
		if (ls == le || *ls == '#' || *ls == ';')
			continue;
		if (*ls == '[')
		{
			/* as configparser: up to the last ']'; anything after is ignored */
			const char *ns = ls + 1;
			const char *ne = ls;
			const char *q;

			for (q = ls; q < le; q++)
				if (*q == ']')
					ne = q;
			if (ne - ns < 1)
			{
				*bad_line = line;
				wipe_string(&security_token);
				RdsCredFileEntryWipe(out);
				return RDS_CREDFILE_MALFORMED;
			}
			trim(&ns, &ne);
			in_profile = (size_t) (ne - ns) == strlen(profile) &&
				strncmp(ns, profile, ne - ns) == 0;
			seen_profile |= in_profile;
			continue;
		}
		/* "key = value" or "key: value", whichever separator comes first */
		for (eq = ls; eq < le && *eq != '=' && *eq != ':'; eq++)
			;
		if (eq == le || eq == ls)
		{
			*bad_line = line;
			wipe_string(&security_token);
			RdsCredFileEntryWipe(out);
			return RDS_CREDFILE_MALFORMED;
		}
		if (in_profile)
		{
			const char *ks = ls;
			const char *ke = eq;
			const char *vs = eq + 1;
			const char *ve = le;
			char	  **slot = NULL;

			trim(&ks, &ke);
			trim(&vs, &ve);
			if (span_equals(ks, ke, "aws_access_key_id"))
				slot = &out->access_key_id;
			else if (span_equals(ks, ke, "aws_secret_access_key"))
				slot = &out->secret_access_key;
			else if (span_equals(ks, ke, "aws_session_token"))
				slot = &out->session_token;
			else if (span_equals(ks, ke, "aws_security_token"))
				slot = &security_token;
			if (slot != NULL && !set_secret(slot, vs, ve))
			{
				wipe_string(&security_token);
				RdsCredFileEntryWipe(out);
				return RDS_CREDFILE_NO_MEMORY;
			}
		}
	}
	if (security_token != NULL)
	{
		wipe_string(&out->session_token);
		out->session_token = security_token;
	}
	if (!seen_profile)
	{
		RdsCredFileEntryWipe(out);
		return RDS_CREDFILE_NO_PROFILE;
	}
	if (out->access_key_id == NULL || out->secret_access_key == NULL ||
		out->access_key_id[0] == '\0' || out->secret_access_key[0] == '\0')
	{
		RdsCredFileEntryWipe(out);
		return RDS_CREDFILE_INCOMPLETE;
	}
	if (out->session_token != NULL && out->session_token[0] == '\0')
	{
		free(out->session_token);
		out->session_token = NULL;
	}
	return RDS_CREDFILE_FOUND;
}

void
RdsCredFileEntryWipe(RdsCredFileEntry *entry)
{
	wipe_string(&entry->access_key_id);
	wipe_string(&entry->secret_access_key);
	wipe_string(&entry->session_token);
}
