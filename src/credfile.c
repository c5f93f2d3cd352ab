/*-------------------------------------------------------------------------
 * credfile.c
 *		Parser for the AWS shared credentials and config files (INI).
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

#include "buf.h"
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

/*
 * Record name=value in the section (a later line replaces an earlier one
 * of the same name).  False when out of memory.
 */
static bool
section_set(RdsIniSection *sec, const char *ks, const char *ke,
			const char *vs, const char *ve)
{
	int			i;

	for (i = 0; i < sec->count; i++)
		if (span_equals(ks, ke, sec->entries[i].name))
			return set_secret(&sec->entries[i].value, vs, ve);
	if (sec->count % 8 == 0)
	{
		RdsIniEntry *grown = realloc(sec->entries, sizeof(RdsIniEntry) * (sec->count + 8));

		if (grown == NULL)
			return false;
		sec->entries = grown;
	}
	sec->entries[sec->count].name = span_dup(ks, ke);
	sec->entries[sec->count].value = NULL;
	if (sec->entries[sec->count].name == NULL)
		return false;
	sec->count++;
	return set_secret(&sec->entries[sec->count - 1].value, vs, ve);
}

RdsCredFileStatus
RdsIniReadSection(const char *text, size_t len, const char *section,
				  RdsIniSection *out, int *bad_line)
{
	const char *p = text;
	const char *end = text + len;
	bool		in_section = false;
	bool		seen_section = false;
	int			line = 0;

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
				RdsIniSectionWipe(out);
				return RDS_CREDFILE_MALFORMED;
			}
			trim(&ns, &ne);
			in_section = (size_t) (ne - ns) == strlen(section) &&
				strncmp(ns, section, ne - ns) == 0;
			seen_section |= in_section;
			continue;
		}
		/* "key = value" or "key: value", whichever separator comes first */
		for (eq = ls; eq < le && *eq != '=' && *eq != ':'; eq++)
			;
		if (eq == le || eq == ls)
		{
			*bad_line = line;
			RdsIniSectionWipe(out);
			return RDS_CREDFILE_MALFORMED;
		}
		if (in_section)
		{
			const char *ks = ls;
			const char *ke = eq;
			const char *vs = eq + 1;
			const char *ve = le;

			trim(&ks, &ke);
			trim(&vs, &ve);
			if (!section_set(out, ks, ke, vs, ve))
			{
				RdsIniSectionWipe(out);
				return RDS_CREDFILE_NO_MEMORY;
			}
		}
	}
	if (!seen_section)
	{
		RdsIniSectionWipe(out);
		return RDS_CREDFILE_NO_PROFILE;
	}
	return RDS_CREDFILE_FOUND;
}

const char *
RdsIniGet(const RdsIniSection *section, const char *name)
{
	int			i;

	for (i = 0; i < section->count; i++)
		if (strcasecmp(section->entries[i].name, name) == 0)
			return section->entries[i].value;
	return NULL;
}

void
RdsIniSectionWipe(RdsIniSection *section)
{
	int			i;

	for (i = 0; i < section->count; i++)
	{
		free(section->entries[i].name);
		RdsStrWipe(&section->entries[i].value);
	}
	free(section->entries);
	memset(section, 0, sizeof(*section));
}

static char *
nonempty_dup(const char *s)
{
	return s != NULL && s[0] != '\0' ? strdup(s) : NULL;
}

RdsCredFileStatus
RdsCredFileParse(const char *text, size_t len, const char *profile,
				 RdsCredFileEntry *out, int *bad_line)
{
	RdsIniSection sec;
	RdsCredFileStatus status = RdsIniReadSection(text, len, profile, &sec, bad_line);
	const char *token;

	memset(out, 0, sizeof(*out));
	if (status != RDS_CREDFILE_FOUND)
		return status;
	/* botocore's order: aws_security_token, then aws_session_token */
	token = RdsIniGet(&sec, "aws_security_token");
	if (token == NULL)
		token = RdsIniGet(&sec, "aws_session_token");
	out->access_key_id = nonempty_dup(RdsIniGet(&sec, "aws_access_key_id"));
	out->secret_access_key = nonempty_dup(RdsIniGet(&sec, "aws_secret_access_key"));
	out->session_token = nonempty_dup(token);
	if (out->access_key_id == NULL || out->secret_access_key == NULL)
		status = RDS_CREDFILE_INCOMPLETE;
	RdsIniSectionWipe(&sec);
	if (status != RDS_CREDFILE_FOUND)
		RdsCredFileEntryWipe(out);
	return status;
}

void
RdsCredFileEntryWipe(RdsCredFileEntry *entry)
{
	RdsStrWipe(&entry->access_key_id);
	RdsStrWipe(&entry->secret_access_key);
	RdsStrWipe(&entry->session_token);
}

/* Append c to the word being built; false when out of memory. */
static bool
word_add(RdsBuf *word, char c)
{
	RdsBufAppendChar(word, c);
	return !RdsBufFailed(word);
}

/* Take the word built so far into argv; false when out of memory. */
static bool
word_take(RdsBuf *word, char ***argv, int *argc)
{
	char	  **grown = realloc(*argv, sizeof(char *) * (*argc + 2));
	char	   *copy = strdup(RdsBufStr(word));

	if (grown != NULL)
		*argv = grown;
	if (grown == NULL || copy == NULL)
	{
		free(copy);
		return false;
	}
	(*argv)[(*argc)++] = copy;
	(*argv)[*argc] = NULL;
	RdsBufReset(word);
	return true;
}

const char *
RdsShellSplit(const char *s, char ***argv_out, int *argc_out)
{
	RdsBuf		word = RDS_BUF_INIT;
	char	  **argv = NULL;
	int			argc = 0;
	bool		in_word = false;
	const char *problem = NULL;
	bool		ok = true;

	*argv_out = NULL;
	*argc_out = 0;
	while (*s && ok && problem == NULL)
	{
		char		c = *s++;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
		{
			if (in_word)
				ok = word_take(&word, &argv, &argc);
			in_word = false;
		}
		else if (c == '\\')
		{
			if (*s == '\0')
				problem = "It ends with an escape character.";
			else
				ok = word_add(&word, *s++);
			in_word = true;
		}
		else if (c == '\'')
		{
			while (*s && *s != '\'' && ok)
				ok = word_add(&word, *s++);
			if (*s == '\0')
				problem = "It has no closing quotation.";
			else
				s++;
			in_word = true;
		}
		else if (c == '"')
		{
			while (*s && *s != '"' && ok)
			{
				/* as shlex: inside "", a backslash escapes only " and \ */
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				ok = word_add(&word, *s++);
			}
			if (*s == '\0')
				problem = "It has no closing quotation.";
			else
				s++;
			in_word = true;
		}
		else
		{
			ok = word_add(&word, c);
			in_word = true;
		}
	}
	if (ok && problem == NULL && in_word)
		ok = word_take(&word, &argv, &argc);
	if (ok && problem == NULL && argc == 0)
		problem = "It is empty.";
	if (!ok)
		problem = "Out of memory.";
	RdsBufWipe(&word);
	if (problem != NULL)
	{
		RdsShellSplitFree(argv);
		return problem;
	}
	*argv_out = argv;
	*argc_out = argc;
	return NULL;
}

void
RdsShellSplitFree(char **argv)
{
	int			i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		RdsStrWipe(&argv[i]);
	free(argv);
}
