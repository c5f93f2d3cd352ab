/*-------------------------------------------------------------------------
 * fuzz_shellsplit.c
 *		libFuzzer target for the credential_process command-line splitter
 *		(src/credfile.c, RdsShellSplit: shlex.split's POSIX rules).
 *
 * The input up to its first NUL is the command line.  Invariants besides
 * the sanitizers:
 *   - failure: a sentence, *argv NULL and *argc 0;
 *     success: argc >= 1, argv[argc] NULL, the words together no longer
 *     than the line
 *   - a line without quotes or backslashes splits exactly at blanks
 *     (space, tab, CR, LF): the reference model
 *   - round trip: the words, each quoted with '...' ("'" written as
 *     '"'"'), joined by spaces, split again into the same words
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>

#include "buf.h"
#include "credfile.h"
#include "fuzz.h"

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Check argv against the blank-separated words of line. */
static void
check_plain_words(const char *line, char **argv, int argc)
{
	const char *p = line;
	int			i = 0;

	for (;;)
	{
		const char *start;

		while (*p && blank(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p && !blank(*p))
			p++;
		FUZZ_CHECK(i < argc);
		FUZZ_CHECK(strlen(argv[i]) == (size_t) (p - start));
		FUZZ_CHECK(memcmp(argv[i], start, p - start) == 0);
		i++;
	}
	FUZZ_CHECK(i == argc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *line = fuzz_strndup(data, size);
	char	  **argv = (char **) line;	/* must be overwritten */
	int			argc = -1;
	const char *problem = RdsShellSplit(line, &argv, &argc);
	RdsBuf		again = RDS_BUF_INIT;
	char	  **argv2;
	int			argc2;
	size_t		total = 0;
	int			i;

	if (problem != NULL)
	{
		FUZZ_CHECK(problem[0] != '\0');
		FUZZ_CHECK(argv == NULL && argc == 0);
		/* a line that splits at blanks alone fails only when it is blank */
		if (strpbrk(line, "'\"\\") == NULL)
			FUZZ_CHECK(strspn(line, " \t\r\n") == strlen(line));
		free(line);
		return 0;
	}
	FUZZ_CHECK(argc >= 1 && argv != NULL && argv[argc] == NULL);
	for (i = 0; i < argc; i++)
		total += strlen(argv[i]);
	FUZZ_CHECK(total <= strlen(line));
	if (strpbrk(line, "'\"\\") == NULL)
		check_plain_words(line, argv, argc);

	/* quote every word and split again */
	for (i = 0; i < argc; i++)
	{
		const char *c;

		if (i > 0)
			RdsBufAppendChar(&again, ' ');
		RdsBufAppendChar(&again, '\'');
		for (c = argv[i]; *c; c++)
		{
			if (*c == '\'')
				RdsBufAppendStr(&again, "'\"'\"'");
			else
				RdsBufAppendChar(&again, *c);
		}
		RdsBufAppendChar(&again, '\'');
	}
	FUZZ_CHECK(!RdsBufFailed(&again));
	problem = RdsShellSplit(RdsBufStr(&again), &argv2, &argc2);
	FUZZ_CHECK(problem == NULL);
	FUZZ_CHECK(argc2 == argc);
	for (i = 0; i < argc; i++)
		FUZZ_CHECK(strcmp(argv[i], argv2[i]) == 0);
	RdsShellSplitFree(argv2);
	RdsShellSplitFree(argv);
	RdsBufWipe(&again);
	free(line);
	return 0;
}
