/*-------------------------------------------------------------------------
 * fuzz_encoding.c
 *		libFuzzer target for the Query protocol encodings (src/awsquery.c).
 *
 * AwsFormEncode (the POST body: space as '+') and AwsUriEncode (SigV4's
 * RFC 3986 form: space as %20) of the input bytes, NULs included:
 *   - the output uses only the unreserved A-Za-z0-9-_.~, '+' (form only)
 *     and %XX with upper-case hex digits
 *   - the encoding is canonical: no %XX stands for an unreserved byte (or
 *     a space, in the form encoding)
 *   - decoding the output gives back exactly the input
 * Then the input, split at its NUL bytes into name, value, name, ...,
 * goes into an AwsQuery; AwsQueryFormBody's "n=v&n=v" splits back into
 * the same pairs, AwsQueryGet finds the first value of each name, and
 * AwsQueryCopy copies the list.
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>

#include "awsquery.h"
#include "buf.h"
#include "fuzz.h"

static bool
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
}

static int
upper_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode enc[0..len) into out, checking the alphabet; returns the length. */
static size_t
decode(const char *enc, size_t len, bool form, unsigned char *out)
{
	size_t		i;
	size_t		n = 0;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) enc[i];

		if (unreserved(c))
			out[n++] = c;
		else if (c == '+' && form)
			out[n++] = ' ';
		else
		{
			int			hi;
			int			lo;
			unsigned char b;

			FUZZ_CHECK(c == '%');
			FUZZ_CHECK(i + 2 < len);
			hi = upper_hex(enc[i + 1]);
			lo = upper_hex(enc[i + 2]);
			FUZZ_CHECK(hi >= 0 && lo >= 0);
			b = (unsigned char) (hi * 16 + lo);
			FUZZ_CHECK(!unreserved(b));
			if (form)
				FUZZ_CHECK(b != ' ');
			out[n++] = b;
			i += 2;
		}
	}
	return n;
}

static void
check_encoding(const uint8_t *data, size_t size, bool form)
{
	RdsBuf		out = RDS_BUF_INIT;
	unsigned char *back;
	size_t		n;

	if (form)
		AwsFormEncode(&out, (const char *) data, size);
	else
		AwsUriEncode(&out, (const char *) data, size);
	FUZZ_CHECK(!RdsBufFailed(&out));
	FUZZ_CHECK(out.len >= size && out.len <= 3 * size);
	FUZZ_CHECK(strlen(RdsBufStr(&out)) == out.len);
	back = malloc(out.len + 1);
	FUZZ_CHECK(back != NULL);
	n = decode(RdsBufStr(&out), out.len, form, back);
	FUZZ_CHECK(n == size);
	FUZZ_CHECK(size == 0 || memcmp(back, data, size) == 0);
	free(back);
	RdsBufFree(&out);
}

/* Form-decode the span [s, e) into a malloc'd C string. */
static char *
form_decode_span(const char *s, const char *e)
{
	unsigned char *out = malloc(e - s + 1);
	size_t		n;

	FUZZ_CHECK(out != NULL);
	n = decode(s, e - s, true, out);
	out[n] = '\0';
	return (char *) out;
}

static void
check_query(const uint8_t *data, size_t size)
{
	AwsQuery	q = AWS_QUERY_INIT;
	AwsQuery	copy = AWS_QUERY_INIT;
	RdsBuf		body = RDS_BUF_INIT;
	char	   *text = fuzz_strndup(data, size);
	const char *p = text;
	const char *end = text + size;
	const char *s;
	int			i;

	/* "name\0value\0name\0value..." (a missing last value is "") */
	while (p < end)
	{
		const char *name = p;
		const char *value;

		p += strlen(p) + 1;
		value = p < end ? p : "";
		if (p < end)
			p += strlen(p) + 1;
		AwsQueryAdd(&q, name, value);
	}
	FUZZ_CHECK(!q.failed);
	AwsQueryFormBody(&q, &body);
	FUZZ_CHECK(!RdsBufFailed(&body));

	/* split the body back into pairs */
	s = RdsBufStr(&body);
	for (i = 0; i < q.count; i++)
	{
		const char *amp = strchr(s, '&');
		const char *pair_end = amp ? amp : s + strlen(s);
		const char *eq = memchr(s, '=', pair_end - s);
		char	   *n;
		char	   *v;
		int			j;

		FUZZ_CHECK(eq != NULL);
		FUZZ_CHECK(memchr(eq + 1, '=', pair_end - eq - 1) == NULL);
		n = form_decode_span(s, eq);
		v = form_decode_span(eq + 1, pair_end);
		FUZZ_CHECK(strcmp(n, q.params[i].name) == 0);
		FUZZ_CHECK(strcmp(v, q.params[i].value) == 0);
		for (j = 0; strcmp(q.params[j].name, n) != 0; j++)
			;
		FUZZ_CHECK(AwsQueryGet(&q, n) == q.params[j].value);
		free(n);
		free(v);
		FUZZ_CHECK((amp == NULL) == (i == q.count - 1));
		s = amp ? amp + 1 : pair_end;
	}
	FUZZ_CHECK(q.count > 0 || body.len == 0);

	AwsQueryCopy(&copy, &q);
	FUZZ_CHECK(!copy.failed && copy.count == q.count);
	for (i = 0; i < q.count; i++)
	{
		FUZZ_CHECK(strcmp(copy.params[i].name, q.params[i].name) == 0);
		FUZZ_CHECK(strcmp(copy.params[i].value, q.params[i].value) == 0);
	}
	AwsQueryFree(&copy);
	AwsQueryFree(&q);
	FUZZ_CHECK(q.params == NULL && q.count == 0);
	RdsBufFree(&body);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_encoding(data, size, true);
	check_encoding(data, size, false);
	check_query(data, size);
	return 0;
}
