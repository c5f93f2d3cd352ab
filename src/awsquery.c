/*-------------------------------------------------------------------------
 * awsquery.c
 *		Build AWS Query protocol parameter lists and encode them.
 *
 * Two encodings live here: the form encoding of a POST body (Python's
 * quote_plus, as botocore uses: unreserved A-Za-z0-9-_.~ kept, space as
 * '+', everything else %XX of the UTF-8 bytes) and the RFC 3986 encoding
 * SigV4 uses for query strings (the same, but space as %20).  Signing
 * itself lives in sigv4.c.  No PostgreSQL here.  Values are wiped when
 * the list is freed.
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsquery.h"

static const char hexdigits[] = "0123456789ABCDEF";

static bool
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
}

static void
percent_encode(RdsBuf *out, const char *s, size_t len, bool space_as_plus)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (is_unreserved(c))
			RdsBufAppendChar(out, (char) c);
		else if (c == ' ' && space_as_plus)
			RdsBufAppendChar(out, '+');
		else
		{
			char		esc[3] = {'%', hexdigits[c >> 4], hexdigits[c & 15]};

			RdsBufAppend(out, esc, 3);
		}
	}
}

void
AwsFormEncode(RdsBuf *out, const char *s, size_t len)
{
	percent_encode(out, s, len, true);
}

void
AwsUriEncode(RdsBuf *out, const char *s, size_t len)
{
	percent_encode(out, s, len, false);
}

void
AwsQueryStartVersion(AwsQuery *query, const char *action, const char *version)
{
	AwsQueryAdd(query, "Action", action);
	AwsQueryAdd(query, "Version", version);
}

void
AwsQueryStart(AwsQuery *query, const char *action)
{
	AwsQueryStartVersion(query, action, RDS_API_VERSION);
}

/* Append name=value; both are copied.  Failure is recorded in query. */
void
AwsQueryAdd(AwsQuery *query, const char *name, const char *value)
{
	char	   *n;
	char	   *v;

	if (query->failed)
		return;
	if (query->count == query->cap)
	{
		int			newcap = query->cap ? query->cap * 2 : 16;
		AwsParam   *p = realloc(query->params, sizeof(AwsParam) * newcap);

		if (p == NULL)
		{
			query->failed = true;
			return;
		}
		query->params = p;
		query->cap = newcap;
	}
	n = strdup(name);
	v = strdup(value);
	if (n == NULL || v == NULL)
	{
		free(n);
		free(v);
		query->failed = true;
		return;
	}
	query->params[query->count].name = n;
	query->params[query->count].value = v;
	query->count++;
}

/* Append <prefix>.<index>.<suffix>=value, e.g. Tags.Tag.1.Key. */
void
AwsQueryAddIndexed(AwsQuery *query, const char *prefix, int index,
				   const char *suffix, const char *value)
{
	char		name[128];
	int			n = snprintf(name, sizeof(name), "%s.%d.%s", prefix, index, suffix);

	if (n < 0 || (size_t) n >= sizeof(name))
	{
		query->failed = true;
		return;
	}
	AwsQueryAdd(query, name, value);
}

/* The value of the first parameter called name, or NULL. */
const char *
AwsQueryGet(const AwsQuery *query, const char *name)
{
	int			i;

	for (i = 0; i < query->count; i++)
		if (strcmp(query->params[i].name, name) == 0)
			return query->params[i].value;
	return NULL;
}

/* Append every parameter of src to dst. */
void
AwsQueryCopy(AwsQuery *dst, const AwsQuery *src)
{
	int			i;

	for (i = 0; i < src->count; i++)
		AwsQueryAdd(dst, src->params[i].name, src->params[i].value);
	if (src->failed)
		dst->failed = true;
}

void
AwsQueryFree(AwsQuery *query)
{
	int			i;

	/* a value may be a secret (a web identity token, a pre-signed URL) */
	for (i = 0; i < query->count; i++)
	{
		RdsStrWipe(&query->params[i].name);
		RdsStrWipe(&query->params[i].value);
	}
	free(query->params);
	query->params = NULL;
	query->count = query->cap = 0;
	query->failed = false;
}

void
AwsQueryFormBody(const AwsQuery *query, RdsBuf *out)
{
	int			i;

	for (i = 0; i < query->count; i++)
	{
		if (i > 0)
			RdsBufAppendChar(out, '&');
		AwsFormEncode(out, query->params[i].name, strlen(query->params[i].name));
		RdsBufAppendChar(out, '=');
		AwsFormEncode(out, query->params[i].value, strlen(query->params[i].value));
	}
	if (query->failed)
		out->failed = true;
}
