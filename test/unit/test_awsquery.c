/*-------------------------------------------------------------------------
 * test_awsquery.c
 *		Unit tests for src/awsquery.c: both percent encodings byte by byte
 *		against an independent reference, UTF-8, parameter lists.
 *
 * Expected bodies are the ones botocore 1.29.27 produced (copied from the
 * project's reference captures; nothing is read at run time).
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsquery.h"
#include "buf.h"
#include "unit.h"

/*
 * Independent reference encoder, written from the spec rather than from
 * awsquery.c: RFC 3986 unreserved characters are kept, everything else
 * (every byte, no UTF-8 validation) becomes %XX with upper-case hex; with
 * plus, a space is '+' (Python's quote_plus, as botocore's body encoding).
 * out must have room for 3 * len + 1 bytes.
 */
static size_t
ref_encode(const char *s, size_t len, bool plus, char *out)
{
	static const char unreserved[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
	size_t		n = 0;
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c != '\0' && memchr(unreserved, c, sizeof(unreserved) - 1) != NULL)
			out[n++] = (char) c;
		else if (plus && c == ' ')
			out[n++] = '+';
		else
			n += (size_t) sprintf(out + n, "%%%02X", c);
	}
	out[n] = '\0';
	return n;
}

typedef void (*EncodeFn) (RdsBuf *out, const char *s, size_t len);

/* Encode s[0..len) with fn into a fresh buffer and compare with expected. */
static bool
check_encoding(EncodeFn fn, const char *s, size_t len, const char *expected,
			   const char *file, int line)
{
	RdsBuf		b = RDS_BUF_INIT;
	bool		ok;

	fn(&b, s, len);
	ok = unit_check(!RdsBufFailed(&b), file, line, "!RdsBufFailed(&b)") &&
		unit_check_memeq(RdsBufStr(&b), b.len, expected, strlen(expected),
						 file, line, "encoded", "expected");
	RdsBufFree(&b);
	return ok;
}

#define CHECK_FORM(s, len, expected) \
	check_encoding(AwsFormEncode, (s), (len), (expected), __FILE__, __LINE__)
#define CHECK_URI(s, len, expected) \
	check_encoding(AwsUriEncode, (s), (len), (expected), __FILE__, __LINE__)
#define CHECK_BOTH(s, form, uri) \
	(CHECK_FORM((s), strlen(s), (form)), CHECK_URI((s), strlen(s), (uri)))

/* Every single byte 0..255, both encodings, against the reference. */
static void
test_every_byte(void)
{
	int			c;
	int			kept = 0;
	char		expected[8];

	for (c = 0; c < 256; c++)
	{
		char		in = (char) c;
		RdsBuf		b = RDS_BUF_INIT;

		UNIT_CONTEXT("byte 0x%02x", c);
		ref_encode(&in, 1, true, expected);
		CHECK_FORM(&in, 1, expected);
		ref_encode(&in, 1, false, expected);
		CHECK_URI(&in, 1, expected);

		AwsUriEncode(&b, &in, 1);
		if (b.len == 1)
			kept++;
		else
			CHECK(b.len == 3 && b.data[0] == '%');
		RdsBufFree(&b);
	}
	UNIT_CONTEXT(NULL);
	/* 26 + 26 + 10 + "-._~" */
	CHECK_INTEQ(kept, 66);
}

/* All 256 bytes in one call (including NUL: the length is what counts). */
static void
test_all_bytes_at_once(void)
{
	char		in[256];
	char		expected[3 * 256 + 1];
	int			i;

	for (i = 0; i < 256; i++)
		in[i] = (char) i;
	ref_encode(in, sizeof(in), true, expected);
	CHECK_FORM(in, sizeof(in), expected);
	ref_encode(in, sizeof(in), false, expected);
	CHECK_URI(in, sizeof(in), expected);

	/* and backwards, so a table indexed off by one would show */
	for (i = 0; i < 256; i++)
		in[i] = (char) (255 - i);
	ref_encode(in, sizeof(in), true, expected);
	CHECK_FORM(in, sizeof(in), expected);
	ref_encode(in, sizeof(in), false, expected);
	CHECK_URI(in, sizeof(in), expected);
}

/* Hand-written expectations, independent of ref_encode. */
static void
test_known_bytes(void)
{
	CHECK_BOTH(" ", "+", "%20");
	CHECK_BOTH("+", "%2B", "%2B");
	CHECK_BOTH("%", "%25", "%25");
	CHECK_BOTH("*", "%2A", "%2A");
	CHECK_BOTH("~", "~", "~");
	CHECK_BOTH("-._", "-._", "-._");
	CHECK_BOTH("/", "%2F", "%2F");
	CHECK_BOTH(":", "%3A", "%3A");
	CHECK_BOTH("=&?#", "%3D%26%3F%23", "%3D%26%3F%23");
	CHECK_BOTH("!'()", "%21%27%28%29", "%21%27%28%29");
	CHECK_BOTH("\t\r\n", "%09%0D%0A", "%09%0D%0A");
	CHECK_BOTH("\x7f", "%7F", "%7F");
	CHECK_BOTH("\xff", "%FF", "%FF");
	CHECK_BOTH("  ", "++", "%20%20");
	CHECK_BOTH("AZaz09", "AZaz09", "AZaz09");
	CHECK_BOTH("@[]`{|}^\\\"<>,;$", "%40%5B%5D%60%7B%7C%7D%5E%5C%22%3C%3E%2C%3B%24",
			   "%40%5B%5D%60%7B%7C%7D%5E%5C%22%3C%3E%2C%3B%24");
	CHECK_FORM("\0", 1, "%00");
	CHECK_URI("a\0b", 3, "a%00b");
}

static void
test_utf8(void)
{
	/* 2-, 3- and 4-byte sequences: each byte is escaped, upper-case hex */
	CHECK_BOTH("\xc3\xbc", "%C3%BC", "%C3%BC");				/* U+00FC */
	CHECK_BOTH("\xe2\x82\xac", "%E2%82%AC", "%E2%82%AC");	/* U+20AC */
	CHECK_BOTH("\xe1\x88\xb4", "%E1%88%B4", "%E1%88%B4");	/* U+1234 */
	CHECK_BOTH("\xf0\x9f\x98\x80", "%F0%9F%98%80", "%F0%9F%98%80"); /* U+1F600 */
	CHECK_BOTH("\xf4\x8f\xbf\xbf", "%F4%8F%BF%BF", "%F4%8F%BF%BF"); /* U+10FFFF */
	CHECK_BOTH("snap-\xc3\xa9t\xc3\xa9 \xe6\x97\xa5",
			   "snap-%C3%A9t%C3%A9+%E6%97%A5", "snap-%C3%A9t%C3%A9%20%E6%97%A5");
	/* invalid UTF-8 is not validated, just escaped byte by byte */
	CHECK_BOTH("\xc3", "%C3", "%C3");
	CHECK_BOTH("\xed\xa0\x80", "%ED%A0%80", "%ED%A0%80");
	/* the reference's edge-case tag value (capture #10) */
	CHECK_BOTH("a b+c=d&e/f:\xc3\xbc%", "a+b%2Bc%3Dd%26e%2Ff%3A%C3%BC%25",
			   "a%20b%2Bc%3Dd%26e%2Ff%3A%C3%BC%25");
	CHECK_BOTH("alias/my key", "alias%2Fmy+key", "alias%2Fmy%20key");
	CHECK_BOTH("k~*", "k~%2A", "k~%2A");
}

static void
test_empty_and_lengths(void)
{
	RdsBuf		b = RDS_BUF_INIT;

	/* empty input: nothing appended, still a valid C string, no failure */
	AwsFormEncode(&b, "", 0);
	AwsUriEncode(&b, "", 0);
	CHECK_INTEQ(b.len, 0);
	CHECK_STREQ(RdsBufStr(&b), "");
	CHECK(!RdsBufFailed(&b));
	RdsBufFree(&b);

	/* the length is honoured: the rest of the string is not read */
	CHECK_FORM("a b c", 3, "a+b");
	CHECK_URI("a b c", 3, "a%20b");
	CHECK_URI("xyz", 0, "");

	/* encoders append to what is there */
	RdsBufAppendStr(&b, "k=");
	AwsFormEncode(&b, "a b", 3);
	RdsBufAppendChar(&b, '&');
	AwsUriEncode(&b, "a b", 3);
	CHECK_STREQ(RdsBufStr(&b), "k=a+b&a%20b");
	RdsBufFree(&b);
}

/* A long input crosses many buffer growths. */
static void
test_long_input(void)
{
	size_t		n = 100000;
	char	   *in = malloc(n);
	char	   *expected = malloc(3 * n + 1);
	size_t		i;
	size_t		elen;
	RdsBuf		b = RDS_BUF_INIT;

	if (!CHECK(in != NULL && expected != NULL))
		return;
	srand(12345);
	for (i = 0; i < n; i++)
		in[i] = (char) (rand() & 0xff);
	elen = ref_encode(in, n, true, expected);
	AwsFormEncode(&b, in, n);
	CHECK_MEMEQ(RdsBufStr(&b), b.len, expected, elen);
	RdsBufReset(&b);
	elen = ref_encode(in, n, false, expected);
	AwsUriEncode(&b, in, n);
	CHECK_MEMEQ(RdsBufStr(&b), b.len, expected, elen);
	RdsBufFree(&b);
	free(in);
	free(expected);
}

static void
test_query_start_add_get(void)
{
	AwsQuery	q = AWS_QUERY_INIT;
	char		name[16] = "Name";
	char		value[16] = "value";

	CHECK(AwsQueryGet(&q, "Action") == NULL);
	AwsQueryStart(&q, "CopyDBClusterSnapshot");
	CHECK_INTEQ(q.count, 2);
	CHECK_STREQ(q.params[0].name, "Action");
	CHECK_STREQ(q.params[0].value, "CopyDBClusterSnapshot");
	CHECK_STREQ(q.params[1].name, "Version");
	CHECK_STREQ(q.params[1].value, "2014-10-31");
	CHECK_STREQ(RDS_API_VERSION, "2014-10-31");

	/* names and values are copied */
	AwsQueryAdd(&q, name, value);
	name[0] = 'X';
	value[0] = 'X';
	CHECK_STREQ(AwsQueryGet(&q, "Name"), "value");
	CHECK(AwsQueryGet(&q, "Xame") == NULL);

	/* first match wins, lookup is exact and case-sensitive */
	AwsQueryAdd(&q, "Name", "second");
	AwsQueryAdd(&q, "Empty", "");
	CHECK_STREQ(AwsQueryGet(&q, "Name"), "value");
	CHECK(AwsQueryGet(&q, "name") == NULL);
	CHECK(AwsQueryGet(&q, "Nam") == NULL);
	CHECK(AwsQueryGet(&q, "Name ") == NULL);
	CHECK(AwsQueryGet(&q, "") == NULL);
	CHECK_STREQ(AwsQueryGet(&q, "Empty"), "");
	CHECK_STREQ(AwsQueryGet(&q, "Action"), "CopyDBClusterSnapshot");
	CHECK_STREQ(AwsQueryGet(&q, "Version"), "2014-10-31");
	CHECK_INTEQ(q.count, 5);
	CHECK(!q.failed);

	AwsQueryFree(&q);
	CHECK_INTEQ(q.count, 0);
	CHECK(q.params == NULL);
	CHECK(AwsQueryGet(&q, "Action") == NULL);
	/* freeing twice (or an empty list) is harmless, and it can be reused */
	AwsQueryFree(&q);
	AwsQueryAdd(&q, "A", "1");
	CHECK_STREQ(AwsQueryGet(&q, "A"), "1");
	AwsQueryFree(&q);
}

static void
test_add_indexed(void)
{
	AwsQuery	q = AWS_QUERY_INIT;

	AwsQueryAddIndexed(&q, "Tags.Tag", 1, "Key", "x");
	AwsQueryAddIndexed(&q, "Tags.Tag", 1, "Value", "y");
	AwsQueryAddIndexed(&q, "Tags.Tag", 10, "Key", "ten");
	AwsQueryAddIndexed(&q, "Tags.Tag", 0, "Key", "zero");
	AwsQueryAddIndexed(&q, "Tags.Tag", INT_MAX, "Value", "max");
	AwsQueryAddIndexed(&q, "Filters.Filter", 1, "Name", "snapshot-type");
	AwsQueryAddIndexed(&q, "P", -3, "S", "neg");
	CHECK_INTEQ(q.count, 7);
	CHECK_STREQ(q.params[0].name, "Tags.Tag.1.Key");
	CHECK_STREQ(q.params[1].name, "Tags.Tag.1.Value");
	CHECK_STREQ(q.params[2].name, "Tags.Tag.10.Key");
	CHECK_STREQ(q.params[3].name, "Tags.Tag.0.Key");
	CHECK_STREQ(q.params[4].name, "Tags.Tag.2147483647.Value");
	CHECK_STREQ(q.params[5].name, "Filters.Filter.1.Name");
	CHECK_STREQ(q.params[6].name, "P.-3.S");
	CHECK_STREQ(AwsQueryGet(&q, "Tags.Tag.1.Key"), "x");
	CHECK_STREQ(AwsQueryGet(&q, "Tags.Tag.1.Value"), "y");
	CHECK_STREQ(AwsQueryGet(&q, "Tags.Tag.10.Key"), "ten");
	CHECK_STREQ(AwsQueryGet(&q, "Tags.Tag.2147483647.Value"), "max");
	CHECK(AwsQueryGet(&q, "Tags.Tag.2.Key") == NULL);
	AwsQueryFree(&q);
}

/* Growth well past the initial capacity keeps order and content. */
static void
test_many_params(void)
{
	AwsQuery	q = AWS_QUERY_INIT;
	RdsBuf		body = RDS_BUF_INIT;
	RdsBuf		expected = RDS_BUF_INIT;
	char		name[64];
	char		value[64];
	int			i;
	bool		all_found = true;

	for (i = 1; i <= 1000; i++)
	{
		snprintf(value, sizeof(value), "v %d/%d", i, i * 7);
		AwsQueryAddIndexed(&q, "Tags.Tag", i, "Key", value);
		if (i > 1)
			RdsBufAppendChar(&expected, '&');
		snprintf(name, sizeof(name), "Tags.Tag.%d.Key=v+%d%%2F%d", i, i, i * 7);
		RdsBufAppendStr(&expected, name);
	}
	CHECK_INTEQ(q.count, 1000);
	CHECK(q.cap >= q.count);
	for (i = 1; i <= 1000; i++)
	{
		const char *got;

		snprintf(name, sizeof(name), "Tags.Tag.%d.Key", i);
		snprintf(value, sizeof(value), "v %d/%d", i, i * 7);
		got = AwsQueryGet(&q, name);
		if (got == NULL || strcmp(got, value) != 0 ||
			strcmp(q.params[i - 1].name, name) != 0)
			all_found = false;
	}
	CHECK(all_found);
	AwsQueryFormBody(&q, &body);
	CHECK(!RdsBufFailed(&body));
	CHECK_MEMEQ(RdsBufStr(&body), body.len, RdsBufStr(&expected), expected.len);
	RdsBufFree(&body);
	RdsBufFree(&expected);
	AwsQueryFree(&q);
}

static void
test_copy(void)
{
	AwsQuery	src = AWS_QUERY_INIT;
	AwsQuery	dst = AWS_QUERY_INIT;
	AwsQuery	empty = AWS_QUERY_INIT;
	int			i;

	AwsQueryStart(&src, "CopyDBClusterSnapshot");
	AwsQueryAdd(&src, "SourceDBClusterSnapshotIdentifier", "a");
	for (i = 1; i <= 20; i++)
		AwsQueryAddIndexed(&src, "Tags.Tag", i, "Key", "k");

	AwsQueryAdd(&dst, "First", "1");
	AwsQueryCopy(&dst, &src);
	CHECK_INTEQ(dst.count, 1 + src.count);
	CHECK_STREQ(dst.params[0].name, "First");
	CHECK_STREQ(dst.params[1].name, "Action");
	CHECK_STREQ(dst.params[3].name, "SourceDBClusterSnapshotIdentifier");
	CHECK_STREQ(dst.params[dst.count - 1].name, "Tags.Tag.20.Key");
	CHECK(!dst.failed);

	/* a deep copy: dst survives src */
	CHECK(dst.params[1].name != src.params[0].name);
	AwsQueryFree(&src);
	CHECK_STREQ(AwsQueryGet(&dst, "SourceDBClusterSnapshotIdentifier"), "a");

	/* copying an empty list changes nothing */
	AwsQueryCopy(&dst, &empty);
	CHECK_INTEQ(dst.count, 24);

	/* a failed source marks the destination failed */
	empty.failed = true;
	AwsQueryCopy(&dst, &empty);
	CHECK(dst.failed);
	AwsQueryFree(&dst);
	CHECK(!dst.failed);
}

static void
check_body(const AwsQuery *q, const char *expected, const char *file, int line)
{
	RdsBuf		b = RDS_BUF_INIT;

	AwsQueryFormBody(q, &b);
	unit_check(!RdsBufFailed(&b), file, line, "!RdsBufFailed(&b)");
	unit_check_memeq(RdsBufStr(&b), b.len, expected, strlen(expected), file,
					 line, "body", "expected");
	RdsBufFree(&b);
}

#define CHECK_BODY(q, expected) check_body((q), (expected), __FILE__, __LINE__)

/* Bodies captured from botocore 1.29.27 (reference captures #1, #8, #9). */
static void
test_form_body(void)
{
	AwsQuery	q = AWS_QUERY_INIT;
	RdsBuf		b = RDS_BUF_INIT;

	/* nothing: an empty body */
	AwsQueryFormBody(&q, &b);
	CHECK_INTEQ(b.len, 0);
	CHECK_STREQ(RdsBufStr(&b), "");
	CHECK(!RdsBufFailed(&b));
	RdsBufFree(&b);

	AwsQueryStart(&q, "CopyDBClusterSnapshot");
	AwsQueryAdd(&q, "SourceDBClusterSnapshotIdentifier", "a");
	AwsQueryAdd(&q, "TargetDBClusterSnapshotIdentifier", "b");
	AwsQueryAdd(&q, "KmsKeyId", "k");
	AwsQueryAdd(&q, "CopyTags", "true");
	AwsQueryAddIndexed(&q, "Tags.Tag", 1, "Key", "x");
	AwsQueryAddIndexed(&q, "Tags.Tag", 1, "Value", "y");
	AwsQueryAddIndexed(&q, "Tags.Tag", 2, "Key", "p q");
	AwsQueryAddIndexed(&q, "Tags.Tag", 2, "Value", "r/s");
	CHECK_BODY(&q,
			   "Action=CopyDBClusterSnapshot&Version=2014-10-31&"
			   "SourceDBClusterSnapshotIdentifier=a&TargetDBClusterSnapshotIdentifier=b&"
			   "KmsKeyId=k&CopyTags=true&Tags.Tag.1.Key=x&Tags.Tag.1.Value=y&"
			   "Tags.Tag.2.Key=p+q&Tags.Tag.2.Value=r%2Fs");
	AwsQueryFree(&q);

	AwsQueryStart(&q, "CopyDBClusterSnapshot");
	AwsQueryAdd(&q, "SourceDBClusterSnapshotIdentifier", "a");
	AwsQueryAdd(&q, "TargetDBClusterSnapshotIdentifier", "b");
	AwsQueryAdd(&q, "CopyTags", "false");
	AwsQueryAdd(&q, "Tags", "");
	CHECK_BODY(&q,
			   "Action=CopyDBClusterSnapshot&Version=2014-10-31&"
			   "SourceDBClusterSnapshotIdentifier=a&TargetDBClusterSnapshotIdentifier=b&"
			   "CopyTags=false&Tags=");
	AwsQueryFree(&q);

	AwsQueryStart(&q, "DescribeDBClusterSnapshots");
	AwsQueryAdd(&q, "DBClusterSnapshotIdentifier", "b");
	AwsQueryAddIndexed(&q, "Filters.Filter", 1, "Name", "snapshot-type");
	AwsQueryAdd(&q, "Filters.Filter.1.Values.Value.1", "manual");
	AwsQueryAdd(&q, "Filters.Filter.1.Values.Value.2", "shared");
	AwsQueryAdd(&q, "MaxRecords", "20");
	AwsQueryAdd(&q, "IncludeShared", "true");
	CHECK_BODY(&q,
			   "Action=DescribeDBClusterSnapshots&Version=2014-10-31&"
			   "DBClusterSnapshotIdentifier=b&Filters.Filter.1.Name=snapshot-type&"
			   "Filters.Filter.1.Values.Value.1=manual&"
			   "Filters.Filter.1.Values.Value.2=shared&MaxRecords=20&IncludeShared=true");
	AwsQueryFree(&q);

	AwsQueryStart(&q, "DeleteDBClusterSnapshot");
	AwsQueryAdd(&q, "DBClusterSnapshotIdentifier", "b");
	CHECK_BODY(&q, "Action=DeleteDBClusterSnapshot&Version=2014-10-31&"
			   "DBClusterSnapshotIdentifier=b");
	AwsQueryFree(&q);

	/* names are form-encoded too; empty names and values are kept */
	AwsQueryAdd(&q, "a b", "c d");
	AwsQueryAdd(&q, "", "");
	AwsQueryAdd(&q, "n\xc3\xbc", "=&+");
	CHECK_BODY(&q, "a+b=c+d&=&n%C3%BC=%3D%26%2B");
	AwsQueryFree(&q);

	/* a failed list yields a failed body */
	AwsQueryAdd(&q, "A", "1");
	q.failed = true;
	AwsQueryFormBody(&q, &b);
	CHECK(RdsBufFailed(&b));
	RdsBufFree(&b);
	AwsQueryFree(&q);
}

/*
 * A name too long for AwsQueryAddIndexed's buffer must fail the list, never
 * be stored cut short under a wrong name.
 */
static void
test_add_indexed_long_prefix(void)
{
	AwsQuery	q = AWS_QUERY_INIT;
	char		prefix[201];
	char		expected[256];

	memset(prefix, 'P', 200);
	prefix[200] = '\0';
	snprintf(expected, sizeof(expected), "%s.1.Key", prefix);
	AwsQueryAddIndexed(&q, prefix, 1, "Key", "v");
	CHECK(q.failed || (q.count == 1 && strcmp(q.params[0].name, expected) == 0));
	AwsQueryFree(&q);
}

int
main(void)
{
	test_every_byte();
	test_all_bytes_at_once();
	test_known_bytes();
	test_utf8();
	test_empty_and_lengths();
	test_long_input();
	test_query_start_add_get();
	test_add_indexed();
	test_many_params();
	test_copy();
	test_form_body();
	test_add_indexed_long_prefix();
	return UnitSummary();
}
