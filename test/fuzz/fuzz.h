/*-------------------------------------------------------------------------
 * fuzz.h
 *		Shared by the libFuzzer targets in test/fuzz/.
 *
 * FUZZ_CHECK(cond) aborts with the file, line and condition when an
 * invariant of a pure module does not hold, so libFuzzer records the
 * input as a crash just like a sanitizer report.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_FUZZ_H
#define RDS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
		{ \
			fprintf(stderr, "%s:%d: invariant does not hold: %s\n", \
					__FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* A malloc'd NUL-terminated copy of data[0..size) (which may hold NULs). */
static inline char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int			LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
