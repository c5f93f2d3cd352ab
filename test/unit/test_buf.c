/*-------------------------------------------------------------------------
 * test_buf.c
 *		Unit tests for src/buf.c, the growable malloc'd byte buffer.
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "unit.h"

static void
test_empty(void)
{
	RdsBuf		b = RDS_BUF_INIT;

	CHECK(b.data == NULL);
	CHECK_STREQ(RdsBufStr(&b), "");
	CHECK(!RdsBufFailed(&b));
	/* an empty append still yields a NUL-terminated, non-failed buffer */
	RdsBufAppend(&b, NULL, 0);
	CHECK_INTEQ(b.len, 0);
	CHECK_STREQ(RdsBufStr(&b), "");
	CHECK(!RdsBufFailed(&b));
	RdsBufFree(&b);
	CHECK(b.data == NULL);
	CHECK_INTEQ(b.len, 0);
	CHECK_INTEQ(b.cap, 0);
	/* freeing and wiping an empty buffer is harmless */
	RdsBufFree(&b);
	RdsBufWipe(&b);
	CHECK(b.data == NULL);
}

static void
test_append(void)
{
	RdsBuf		b = RDS_BUF_INIT;

	RdsBufAppendStr(&b, "abc");
	RdsBufAppendChar(&b, '-');
	RdsBufAppend(&b, "xyz123", 3);
	RdsBufAppendStr(&b, "");
	CHECK_STREQ(RdsBufStr(&b), "abc-xyz");
	CHECK_INTEQ(b.len, 7);
	CHECK(b.cap > b.len);
	CHECK(b.data[b.len] == '\0');

	/* binary data with NUL bytes is kept; len counts them */
	RdsBufAppend(&b, "\0\x01\xff", 3);
	CHECK_INTEQ(b.len, 10);
	CHECK_MEMEQ(b.data, b.len, "abc-xyz\0\x01\xff", (size_t) 10);
	CHECK(b.data[b.len] == '\0');
	RdsBufAppendChar(&b, '\0');
	CHECK_INTEQ(b.len, 11);
	RdsBufFree(&b);
}

/* Growth across many reallocations, one byte at a time and in chunks. */
static void
test_growth(void)
{
	RdsBuf		b = RDS_BUF_INIT;
	char		chunk[1000];
	size_t		i;
	bool		ok = true;

	for (i = 0; i < 100000; i++)
		RdsBufAppendChar(&b, (char) ('a' + i % 26));
	CHECK_INTEQ(b.len, 100000);
	CHECK(b.cap > b.len);
	CHECK(!RdsBufFailed(&b));
	for (i = 0; i < b.len; i++)
		if (b.data[i] != (char) ('a' + i % 26))
			ok = false;
	CHECK(ok);
	CHECK(b.data[b.len] == '\0');
	RdsBufFree(&b);

	for (i = 0; i < sizeof(chunk); i++)
		chunk[i] = (char) i;
	for (i = 1; i <= sizeof(chunk); i += 37)
		RdsBufAppend(&b, chunk, i);
	ok = true;
	{
		size_t		off = 0;

		for (i = 1; i <= sizeof(chunk); i += 37)
		{
			if (memcmp(b.data + off, chunk, i) != 0)
				ok = false;
			off += i;
		}
		CHECK_INTEQ(b.len, off);
	}
	CHECK(ok);
	RdsBufFree(&b);
}

/* Every length around the capacity steps keeps the NUL and the length. */
static void
test_exact_capacity_boundaries(void)
{
	RdsBuf		b = RDS_BUF_INIT;
	char		s[200];
	size_t		n;

	/* fill to exactly cap - 1 (room for the NUL), then one more byte */
	for (n = 1; n < sizeof(s); n++)
	{
		memset(s, 'x', n);
		RdsBufReset(&b);
		RdsBufAppend(&b, s, n);
		if (b.len != n || b.data[n] != '\0' || b.cap <= n)
		{
			CHECK(false);
			break;
		}
	}
	CHECK(!RdsBufFailed(&b));
	RdsBufFree(&b);
}

static void
test_reset(void)
{
	RdsBuf		b = RDS_BUF_INIT;
	char	   *mem;
	size_t		cap;

	RdsBufAppendStr(&b, "some text");
	mem = b.data;
	cap = b.cap;
	RdsBufReset(&b);
	CHECK_INTEQ(b.len, 0);
	CHECK_STREQ(RdsBufStr(&b), "");
	/* the memory is kept */
	CHECK(b.data == mem);
	CHECK_INTEQ(b.cap, cap);
	RdsBufAppendStr(&b, "new");
	CHECK_STREQ(RdsBufStr(&b), "new");

	/* reset clears a failure */
	b.failed = true;
	RdsBufReset(&b);
	CHECK(!RdsBufFailed(&b));
	RdsBufAppendStr(&b, "ok");
	CHECK_STREQ(RdsBufStr(&b), "ok");
	RdsBufFree(&b);

	/* reset of a never-used buffer */
	RdsBufReset(&b);
	CHECK_STREQ(RdsBufStr(&b), "");
	RdsBufFree(&b);
}

/* A failure is sticky: later appends are no-ops until reset/free. */
static void
test_failure_sticky(void)
{
	RdsBuf		b = RDS_BUF_INIT;

	RdsBufAppendStr(&b, "keep");
	b.failed = true;
	RdsBufAppendStr(&b, "lost");
	RdsBufAppendChar(&b, 'x');
	RdsBufAppend(&b, "y", 1);
	CHECK(RdsBufFailed(&b));
	CHECK_INTEQ(b.len, 4);
	CHECK_STREQ(RdsBufStr(&b), "keep");
	RdsBufFree(&b);
	CHECK(!RdsBufFailed(&b));
}

/* An impossible size fails cleanly instead of overflowing. */
static void
test_overflow_guard(void)
{
	RdsBuf		b = RDS_BUF_INIT;

	RdsBufAppendStr(&b, "abc");
	RdsBufAppend(&b, "x", SIZE_MAX);
	CHECK(RdsBufFailed(&b));
	CHECK_INTEQ(b.len, 3);
	CHECK_STREQ(RdsBufStr(&b), "abc");
	RdsBufFree(&b);

	/* realloc of 2^63 bytes fails (ASan builds print a warning for it) */
	RdsBufAppend(&b, "x", SIZE_MAX / 2);
	CHECK(RdsBufFailed(&b));
	CHECK_INTEQ(b.len, 0);
	RdsBufFree(&b);
}

static void
test_wipe(void)
{
	RdsBuf		b = RDS_BUF_INIT;

	RdsBufAppendStr(&b, "secret");
	RdsBufWipe(&b);
	CHECK(b.data == NULL);
	CHECK_INTEQ(b.len, 0);
	CHECK_INTEQ(b.cap, 0);
	CHECK(!RdsBufFailed(&b));
	RdsBufAppendStr(&b, "again");
	CHECK_STREQ(RdsBufStr(&b), "again");
	RdsBufFree(&b);
}

/*
 * The wiping allocator (libcurl's and libxml2's hooks): realloc keeps the
 * contents (of blocks plain malloc made too), shrinks and grows, and free
 * takes NULL.  That the freed block is wiped is not observable from a
 * conforming program; test/integration/secrets.sh searches a backend's
 * memory instead.
 */
static void
test_wiping_allocator(void)
{
	char	   *p = malloc(10);
	char	   *q;
	size_t		i;

	memcpy(p, "0123456789", 10);
	q = RdsWipingRealloc(p, 100000);
	if (CHECK(q != NULL))
	{
		CHECK_MEMEQ(q, 10, "0123456789", 10);
		memset(q + 10, 'x', 100000 - 10);
		p = RdsWipingRealloc(q, 4);
		if (CHECK(p != NULL))
			CHECK_MEMEQ(p, 4, "0123", 4);
		RdsWipingFree(p);
	}
	p = RdsWipingRealloc(NULL, 16);
	CHECK(p != NULL);
	RdsWipingFree(p);
	RdsWipingFree(NULL);
	p = RdsWipingStrdup("secret");
	CHECK_STREQ(p, "secret");
	RdsWipingFree(p);
	p = RdsWipingCalloc(4, 8);
	if (CHECK(p != NULL))
	{
		for (i = 0; i < 32 && p[i] == 0; i++)
			;
		CHECK_INTEQ(i, 32);
	}
	RdsWipingFree(p);
	p = RdsWipingMalloc(3);
	CHECK(p != NULL);
	RdsWipingFree(p);
}

int
main(void)
{
	test_empty();
	test_append();
	test_growth();
	test_exact_capacity_boundaries();
	test_reset();
	test_failure_sticky();
	test_overflow_guard();
	test_wipe();
	test_wiping_allocator();
	return UnitSummary();
}
