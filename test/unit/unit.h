/*-------------------------------------------------------------------------
 * unit.h
 *		A tiny test harness for the pure (PostgreSQL-free) C modules.
 *
 * Every CHECK* macro counts one check: a pass is silent, a failure prints
 * "file:line: ..." (prefixed with the current context, see UNIT_CONTEXT)
 * to stdout.  Each macro is an expression that yields true when the check
 * passed, so a test can stop early:
 *
 *		if (!CHECK(ok))
 *			return;
 *
 * main() ends with "return UnitSummary();", which prints the line
 * "N passed, M failed" (always the last line of a test binary's output)
 * and returns the exit status: 0 only if nothing failed.  run_tests.sh adds
 * the lines of all binaries up.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_UNIT_H
#define RDS_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SANITIZE_ADDRESS__
/*
 * Sanitizer builds: an impossible allocation (tests of the overflow guards)
 * must return NULL like malloc does, not abort the test binary.
 */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

static int	unit_passed __attribute__((unused));
static int	unit_failed __attribute__((unused));
static char unit_context[256] __attribute__((unused));

/* Label later failures (e.g. "vector 17"); UNIT_CONTEXT(NULL) clears it. */
static inline void
UNIT_CONTEXT(const char *fmt, ...)
{
	va_list		ap;

	if (fmt == NULL)
	{
		unit_context[0] = '\0';
		return;
	}
	va_start(ap, fmt);
	vsnprintf(unit_context, sizeof(unit_context), fmt, ap);
	va_end(ap);
}

static inline void
unit_fail_header(const char *file, int line)
{
	if (unit_context[0])
		printf("%s:%d: [%s] ", file, line, unit_context);
	else
		printf("%s:%d: ", file, line);
}

/* Print at most max bytes of s[0..len) from offset start, C-escaped. */
static inline void
unit_print_escaped(const char *s, size_t len, size_t start, size_t max)
{
	size_t		i;
	size_t		end = start + max < len ? start + max : len;

	if (start > 0)
		fputs("...", stdout);
	for (i = start; i < end; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	if (end < len)
		fputs("...", stdout);
}

static inline bool
unit_check(bool ok, const char *file, int line, const char *expr)
{
	if (ok)
	{
		unit_passed++;
		return true;
	}
	unit_failed++;
	unit_fail_header(file, line);
	printf("CHECK(%s) failed\n", expr);
	return false;
}

static inline bool
unit_check_memeq(const char *actual, size_t alen, const char *expected,
				 size_t elen, const char *file, int line,
				 const char *aexpr, const char *eexpr)
{
	size_t		diff = 0;
	size_t		from;

	if (actual == NULL || expected == NULL)
	{
		if (actual == expected)
		{
			unit_passed++;
			return true;
		}
		unit_failed++;
		unit_fail_header(file, line);
		printf("%s == %s failed: %s is NULL\n", aexpr, eexpr,
			   actual == NULL ? aexpr : eexpr);
		return false;
	}
	if (alen == elen && memcmp(actual, expected, alen) == 0)
	{
		unit_passed++;
		return true;
	}
	unit_failed++;
	while (diff < alen && diff < elen && actual[diff] == expected[diff])
		diff++;
	from = diff > 40 ? diff - 40 : 0;
	unit_fail_header(file, line);
	printf("%s == %s failed: lengths %zu and %zu, first difference at byte %zu\n",
		   aexpr, eexpr, alen, elen, diff);
	fputs("    actual:   \"", stdout);
	unit_print_escaped(actual, alen, from, 160);
	fputs("\"\n    expected: \"", stdout);
	unit_print_escaped(expected, elen, from, 160);
	fputs("\"\n", stdout);
	return false;
}

static inline bool
unit_check_streq(const char *actual, const char *expected, const char *file,
				 int line, const char *aexpr, const char *eexpr)
{
	return unit_check_memeq(actual, actual ? strlen(actual) : 0,
							expected, expected ? strlen(expected) : 0,
							file, line, aexpr, eexpr);
}

static inline bool
unit_check_inteq(long long actual, long long expected, const char *file,
				 int line, const char *aexpr, const char *eexpr)
{
	if (actual == expected)
	{
		unit_passed++;
		return true;
	}
	unit_failed++;
	unit_fail_header(file, line);
	printf("%s == %s failed: %lld != %lld\n", aexpr, eexpr, actual, expected);
	return false;
}

#define CHECK(cond) unit_check((cond) ? true : false, __FILE__, __LINE__, #cond)
#define CHECK_STREQ(actual, expected) \
	unit_check_streq((actual), (expected), __FILE__, __LINE__, #actual, #expected)
#define CHECK_MEMEQ(actual, alen, expected, elen) \
	unit_check_memeq((actual), (alen), (expected), (elen), __FILE__, __LINE__, \
					 #actual, #expected)
#define CHECK_INTEQ(actual, expected) \
	unit_check_inteq((long long) (actual), (long long) (expected), __FILE__, \
					 __LINE__, #actual, #expected)

/* Print "N passed, M failed" and return the exit status for main(). */
static inline int
UnitSummary(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	fflush(stdout);
	return unit_failed == 0 && unit_passed > 0 ? 0 : 1;
}

#endif
