/*-------------------------------------------------------------------------
 * test_credfile.c
 *		Unit tests for src/credfile.c, the parser of the AWS shared
 *		credentials file (~/.aws/credentials) for one profile, and the
 *		splitter of a credential_process command line into words.
 *
 * Every text is parsed from a malloc'd copy without a terminating NUL,
 * so the SAN=1 build catches any read past the length given.  Every
 * entry is released with RdsCredFileEntryWipe.
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credfile.h"
#include "unit.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

/* Parse text[0..len) from an exact-size, unterminated copy. */
static RdsCredFileStatus
parse_len(const char *text, size_t len, const char *profile,
		  RdsCredFileEntry *e, int *bad_line)
{
	char	   *copy = malloc(len ? len : 1);
	RdsCredFileStatus st;

	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	*bad_line = -1;
	memset(e, 0x5a, sizeof(*e));	/* the parser must initialise *e */
	st = RdsCredFileParse(copy, len, profile, e, bad_line);
	free(copy);
	return st;
}

static RdsCredFileStatus
parse(const char *text, const char *profile, RdsCredFileEntry *e, int *bad_line)
{
	return parse_len(text, strlen(text), profile, e, bad_line);
}

/* The parse found profile with exactly these values (token may be NULL). */
static void
check_found(const char *text, const char *profile, const char *akid,
			const char *secret, const char *token, const char *file, int line)
{
	RdsCredFileEntry e;
	int			bad_line;
	RdsCredFileStatus st = parse(text, profile, &e, &bad_line);

	if (!unit_check(st == RDS_CREDFILE_FOUND, file, line, "status == RDS_CREDFILE_FOUND"))
	{
		printf("    (status %d, bad_line %d)\n", (int) st, bad_line);
		if (st == RDS_CREDFILE_FOUND || st == RDS_CREDFILE_INCOMPLETE ||
			st == RDS_CREDFILE_NO_PROFILE || st == RDS_CREDFILE_MALFORMED)
			RdsCredFileEntryWipe(&e);
		return;
	}
	unit_check_inteq(bad_line, 0, file, line, "bad_line", "0");
	unit_check_streq(e.access_key_id, akid, file, line, "access_key_id", "akid");
	unit_check_streq(e.secret_access_key, secret, file, line, "secret_access_key", "secret");
	if (token == NULL)
		unit_check(e.session_token == NULL, file, line, "session_token == NULL");
	else
		unit_check_streq(e.session_token, token, file, line, "session_token", "token");
	RdsCredFileEntryWipe(&e);
	unit_check(e.access_key_id == NULL && e.secret_access_key == NULL &&
			   e.session_token == NULL, file, line, "wiped entry is empty");
}
#define CHECK_FOUND(text, profile, akid, secret, token) \
	check_found((text), (profile), (akid), (secret), (token), __FILE__, __LINE__)

/* The parse gave status (not FOUND) and handed back no secret. */
static void
check_status(const char *text, size_t len, const char *profile,
			 RdsCredFileStatus expected, int expected_line,
			 const char *file, int line)
{
	RdsCredFileEntry e;
	int			bad_line;
	RdsCredFileStatus st = parse_len(text, len, profile, &e, &bad_line);

	unit_check_inteq(st, expected, file, line, "status", "expected");
	unit_check_inteq(bad_line, expected_line, file, line, "bad_line", "expected_line");
	unit_check(e.access_key_id == NULL, file, line, "access_key_id == NULL");
	unit_check(e.secret_access_key == NULL, file, line, "secret_access_key == NULL");
	unit_check(e.session_token == NULL, file, line, "session_token == NULL");
	/* harmless on an empty entry; frees whatever a wrong parser left */
	RdsCredFileEntryWipe(&e);
}
#define CHECK_STATUS(text, profile, expected) \
	check_status((text), strlen(text), (profile), (expected), 0, __FILE__, __LINE__)
#define CHECK_MALFORMED(text, profile, at) \
	check_status((text), strlen(text), (profile), RDS_CREDFILE_MALFORMED, (at), __FILE__, __LINE__)

static void
test_default_and_named(void)
{
	static const char two[] =
		"[default]\n"
		"aws_access_key_id = " AKID "\n"
		"aws_secret_access_key = " SECRET "\n"
		"\n"
		"[dev]\n"
		"aws_access_key_id = AKIDDEV\n"
		"aws_secret_access_key = devsecret\n"
		"aws_session_token = devtoken\n"
		"region = eu-west-1\n";

	CHECK_FOUND(two, "default", AKID, SECRET, NULL);
	CHECK_FOUND(two, "dev", "AKIDDEV", "devsecret", "devtoken");
	/* section names are case-sensitive (as botocore's) */
	CHECK_STATUS(two, "Default", RDS_CREDFILE_NO_PROFILE);
	CHECK_STATUS(two, "DEV", RDS_CREDFILE_NO_PROFILE);
	/* a profile name is the whole section name */
	CHECK_STATUS(two, "de", RDS_CREDFILE_NO_PROFILE);
	CHECK_STATUS(two, "devx", RDS_CREDFILE_NO_PROFILE);
	CHECK_STATUS(two, "", RDS_CREDFILE_NO_PROFILE);
	/* the credentials file has no "profile " prefix */
	CHECK_STATUS("[profile dev]\naws_access_key_id = A\naws_secret_access_key = S\n",
				 "dev", RDS_CREDFILE_NO_PROFILE);
	CHECK_FOUND("[profile dev]\naws_access_key_id = A\naws_secret_access_key = S\n",
				"profile dev", "A", "S", NULL);
	/* names with punctuation */
	CHECK_FOUND("[my-team.prod_1@x]\naws_access_key_id=A\naws_secret_access_key=S\n",
				"my-team.prod_1@x", "A", "S", NULL);
	/* blanks inside the brackets are not part of the name */
	CHECK_FOUND("[ dev ]\naws_access_key_id=A\naws_secret_access_key=S\n", "dev", "A", "S", NULL);
	/* the named profile first */
	CHECK_FOUND("[dev]\naws_access_key_id=D\naws_secret_access_key=DS\n"
				"[default]\naws_access_key_id=A\naws_secret_access_key=S\n",
				"default", "A", "S", NULL);
	/* other keys are ignored */
	CHECK_FOUND("[default]\nregion=us-east-1\noutput = json\naws_access_key_id_old = OLD\n"
				"aws_access_key = NO\naws access key id = NO\nx_aws_access_key_id = NO\n"
				"aws_access_key_id=A\naws_secret_access_key=S\nmetadata_service_timeout = 1\n",
				"default", "A", "S", NULL);
}

static void
test_key_names_and_spacing(void)
{
	CHECK_FOUND("[default]\nAWS_ACCESS_KEY_ID = A\nAws_Secret_Access_Key = S\nAWS_Session_TOKEN = T\n",
				"default", "A", "S", "T");
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\n", "default", "A", "S", NULL);
	CHECK_FOUND("[default]\naws_access_key_id   =   A   \naws_secret_access_key\t=\tS\t\n",
				"default", "A", "S", NULL);
	CHECK_FOUND("[default]\naws_access_key_id =A\naws_secret_access_key= S\n", "default", "A", "S", NULL);
	/* blanks inside a value are kept */
	CHECK_FOUND("[default]\naws_access_key_id = A B\naws_secret_access_key = S  S\n",
				"default", "A B", "S  S", NULL);
	/* section header with surrounding blanks */
	CHECK_FOUND("[default]   \naws_access_key_id = A\naws_secret_access_key = S\n",
				"default", "A", "S", NULL);
	/* a later value of the same key wins */
	CHECK_FOUND("[default]\naws_access_key_id = OLD\naws_secret_access_key = S\naws_access_key_id = NEW\n",
				"default", "NEW", "S", NULL);
}

static void
test_comments(void)
{
	CHECK_FOUND("# a comment\n"
				"; another\n"
				"[default]\n"
				"# aws_access_key_id = COMMENTED\n"
				";aws_secret_access_key = COMMENTED\n"
				"aws_access_key_id = A\n"
				"  # indented comment\n"
				"\t; indented comment\n"
				"aws_secret_access_key = S\n"
				"# [dev]\n"
				"# aws_session_token = COMMENTED\n",
				"default", "A", "S", NULL);
	/* a commented-out section header does not start a section */
	CHECK_STATUS("# [dev]\naws_access_key_id = A\naws_secret_access_key = S\n",
				 "dev", RDS_CREDFILE_NO_PROFILE);
	CHECK_FOUND("[dev]\naws_access_key_id = A\n#[other]\naws_secret_access_key = S\n",
				"dev", "A", "S", NULL);
	/* '#' inside a value is not a comment (as botocore's configparser) */
	CHECK_FOUND("[default]\naws_access_key_id = A#1\naws_secret_access_key = S ;x\n",
				"default", "A#1", "S ;x", NULL);
}

static void
test_crlf(void)
{
	CHECK_FOUND("[default]\r\naws_access_key_id = A\r\naws_secret_access_key = S\r\n"
				"aws_session_token = T\r\n\r\n[dev]\r\naws_access_key_id = D\r\n",
				"default", "A", "S", "T");
	CHECK_FOUND("# c\r\n[dev]\r\naws_access_key_id=D\r\naws_secret_access_key=DS\r\n",
				"dev", "D", "DS", NULL);
	/* CRLF and a malformed line: line numbers still count '\n' */
	CHECK_MALFORMED("[default]\r\naws_access_key_id = A\r\n\r\nbroken\r\n", "default", 4);
	/* without a final newline */
	CHECK_FOUND("[default]\r\naws_access_key_id=A\r\naws_secret_access_key=S", "default", "A", "S", NULL);
}

static void
test_session_token(void)
{
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\naws_security_token=OLD\n",
				"default", "A", "S", "OLD");
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\nAWS_SECURITY_TOKEN=OLD\n",
				"default", "A", "S", "OLD");
	CHECK_FOUND("[default]\naws_session_token=T\naws_access_key_id=A\naws_secret_access_key=S\n",
				"default", "A", "S", "T");
	/* an empty token is no token */
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\naws_session_token=\n",
				"default", "A", "S", NULL);
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\naws_session_token =   \n",
				"default", "A", "S", NULL);
	/* a token like STS's, with '/', '+' and '=' */
	CHECK_FOUND("[default]\naws_access_key_id=ASIAEXAMPLE\naws_secret_access_key=S\n"
				"aws_session_token=FwoGZXIvYXdzEK7//////////wEaDH+abc/def==\n",
				"default", "ASIAEXAMPLE", "S", "FwoGZXIvYXdzEK7//////////wEaDH+abc/def==");
}

static void
test_sections_do_not_leak(void)
{
	static const char text[] =
		"[a]\n"
		"aws_access_key_id = AKA\n"
		"[b]\n"
		"aws_access_key_id = AKB\n"
		"aws_secret_access_key = SB\n"
		"aws_session_token = TB\n"
		"[c]\n"
		"aws_secret_access_key = SC\n";

	/* [a] lacks a secret: [b]'s must not fill it in */
	CHECK_STATUS(text, "a", RDS_CREDFILE_INCOMPLETE);
	/* [b] is complete and keeps its own values */
	CHECK_FOUND(text, "b", "AKB", "SB", "TB");
	/* [c] lacks a key id: neither [a]'s nor [b]'s fill it in */
	CHECK_STATUS(text, "c", RDS_CREDFILE_INCOMPLETE);
	/* a later section's token does not become this profile's */
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\n"
				"[other]\naws_session_token=OTHER\naws_access_key_id=O\naws_secret_access_key=OS\n",
				"default", "A", "S", NULL);
	/* a section seen twice: both parts count, the later value wins */
	CHECK_FOUND("[default]\naws_access_key_id=A\n[x]\naws_secret_access_key=XS\n"
				"[default]\naws_secret_access_key=S\n",
				"default", "A", "S", NULL);
}

static void
test_missing_and_incomplete(void)
{
	CHECK_STATUS("[dev]\naws_access_key_id=A\naws_secret_access_key=S\n", "default",
				 RDS_CREDFILE_NO_PROFILE);
	/* keys before any section belong to no profile */
	CHECK_STATUS("aws_access_key_id=A\naws_secret_access_key=S\n", "default",
				 RDS_CREDFILE_NO_PROFILE);
	CHECK_STATUS("[default]\n", "default", RDS_CREDFILE_INCOMPLETE);
	CHECK_STATUS("[default]\naws_access_key_id=A\n", "default", RDS_CREDFILE_INCOMPLETE);
	CHECK_STATUS("[default]\naws_secret_access_key=S\n", "default", RDS_CREDFILE_INCOMPLETE);
	CHECK_STATUS("[default]\naws_secret_access_key=S\naws_session_token=T\n", "default",
				 RDS_CREDFILE_INCOMPLETE);
	CHECK_STATUS("[default]\naws_access_key_id=\naws_secret_access_key=S\n", "default",
				 RDS_CREDFILE_INCOMPLETE);
	CHECK_STATUS("[default]\naws_access_key_id=A\naws_secret_access_key=   \n", "default",
				 RDS_CREDFILE_INCOMPLETE);
	/* an empty section, then the keys in another one */
	CHECK_STATUS("[default]\n[dev]\naws_access_key_id=A\naws_secret_access_key=S\n", "default",
				 RDS_CREDFILE_INCOMPLETE);
}

static void
test_malformed(void)
{
	/* a line without '=' inside the profile, after both keys */
	CHECK_MALFORMED("[default]\n"
					"aws_access_key_id = " AKID "\n"
					"aws_secret_access_key = " SECRET "\n"
					"this line is not ini\n", "default", 4);
	/* line numbers count comments, blank and continuation lines */
	CHECK_MALFORMED("# comment\n"
					"\n"
					"[default]\n"
					"aws_access_key_id = A\n"
					"   continued\n"
					"; c\n"
					"aws_secret_access_key = S\n"
					"garbage\n", "default", 8);
	CHECK_MALFORMED("garbage", "default", 1);
	CHECK_MALFORMED("[default\naws_access_key_id=A\naws_secret_access_key=S\n", "default", 1);
	CHECK_MALFORMED("[default]\naws_access_key_id=A\naws_secret_access_key=S\n[dev\n", "default", 4);
	CHECK_MALFORMED("[]\n", "default", 1);
	CHECK_MALFORMED("[default]\n= S\n", "default", 2);
	CHECK_MALFORMED("[default]\naws_access_key_id=A\n  \t= S\n\n=x\n", "default", 5);
	/* a broken line in another section still makes the file malformed */
	CHECK_MALFORMED("[default]\naws_access_key_id=A\naws_secret_access_key=S\n[dev]\nbroken\n",
					"default", 5);
	CHECK_MALFORMED("[dev]\nbroken\n[default]\naws_access_key_id=A\naws_secret_access_key=S\n",
					"default", 2);
	/* ... and so does one after a profile that was not found */
	CHECK_MALFORMED("[a]\nx=1\n[b]\nbroken line\n", "missing", 4);
	/* the last line without a newline */
	CHECK_MALFORMED("[default]\naws_access_key_id=A\naws_secret_access_key=S\nbroken", "default", 4);
	/* CR alone does not end a line: what follows "]" is ignored */
	CHECK_STATUS("[default]\raws_access_key_id=A\n", "default", RDS_CREDFILE_INCOMPLETE);
}

/* What configparser (and so botocore) accepts, this parser accepts too. */
static void
test_configparser_forms(void)
{
	/* "key: value" */
	CHECK_FOUND("[default]\naws_access_key_id: A\naws_secret_access_key : S=/+\n",
				"default", "A", "S=/+", NULL);
	/* the first separator splits: a ':' in the value of an '=' line stays */
	CHECK_FOUND("[default]\naws_access_key_id = A\naws_secret_access_key = S:T\n",
				"default", "A", "S:T", NULL);
	/* a comment after the section header */
	CHECK_FOUND("[default] # main account\naws_access_key_id=A\naws_secret_access_key=S\n",
				"default", "A", "S", NULL);
	/* aws_security_token wins over aws_session_token, in either order */
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\n"
				"aws_security_token=OLD\naws_session_token=NEW\n",
				"default", "A", "S", "OLD");
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\n"
				"aws_session_token=NEW\naws_security_token=OLD\n",
				"default", "A", "S", "OLD");
	/* a profile that is not there never leaks the token of a section read */
	CHECK_STATUS("[other]\naws_security_token=T\n", "default", RDS_CREDFILE_NO_PROFILE);
}

static void
test_continuation(void)
{
	/* indented lines continue a value and are ignored */
	CHECK_FOUND("[default]\n"
				"aws_access_key_id = A\n"
				"aws_secret_access_key = S\n"
				"  more secret\n"
				"\tstill more\n"
				"aws_session_token = T\n"
				"    continuation without equals\n",
				"default", "A", "S", "T");
	/* an indented key line is a continuation, not a key */
	CHECK_FOUND("[default]\naws_access_key_id = A\naws_secret_access_key = S\n"
				"  aws_session_token = T\n"
				"\taws_access_key_id = INDENTED\n",
				"default", "A", "S", NULL);
	/* an indented section header does not switch sections */
	CHECK_FOUND("[default]\naws_access_key_id = A\n  [dev]\naws_secret_access_key = S\n",
				"default", "A", "S", NULL);
	CHECK_STATUS("[default]\naws_access_key_id = A\n  [dev]\naws_secret_access_key = S\n",
				 "dev", RDS_CREDFILE_NO_PROFILE);
}

static void
test_empty_and_edges(void)
{
	check_status("", 0, "default", RDS_CREDFILE_NO_PROFILE, 0, __FILE__, __LINE__);
	CHECK_STATUS("\n\n\n", "default", RDS_CREDFILE_NO_PROFILE);
	CHECK_STATUS("# only a comment", "default", RDS_CREDFILE_NO_PROFILE);
	CHECK_STATUS("[default]", "default", RDS_CREDFILE_INCOMPLETE);
	/* no trailing newline: the last value is whole */
	CHECK_FOUND("[default]\naws_access_key_id = A\naws_secret_access_key = " SECRET,
				"default", "A", SECRET, NULL);
	CHECK_FOUND("[default]\naws_secret_access_key = S\naws_access_key_id = AKIDLAST",
				"default", "AKIDLAST", "S", NULL);
	/* the length is honoured: what follows it is not read */
	{
		static const char text[] =
			"[default]\naws_access_key_id=A\naws_secret_access_key=S\nGARBAGE";
		RdsCredFileEntry e;
		int			bad_line;

		CHECK_INTEQ(parse_len(text, strlen(text) - strlen("GARBAGE"), "default", &e, &bad_line),
					RDS_CREDFILE_FOUND);
		CHECK_STREQ(e.secret_access_key, "S");
		RdsCredFileEntryWipe(&e);
		/* cut inside the secret: only the part within the length */
		CHECK_INTEQ(parse_len(text, strlen("[default]\naws_access_key_id=A\naws_secret_access_key=S"),
							  "default", &e, &bad_line), RDS_CREDFILE_FOUND);
		CHECK_STREQ(e.secret_access_key, "S");
		RdsCredFileEntryWipe(&e);
		CHECK_INTEQ(parse_len(text, strlen("[default]\naws_access_key_id=A\naws_secret_access_key="),
							  "default", &e, &bad_line), RDS_CREDFILE_INCOMPLETE);
		CHECK(e.access_key_id == NULL);
		RdsCredFileEntryWipe(&e);
	}
	/* wiping an empty entry is harmless, and twice too */
	{
		RdsCredFileEntry e = {NULL, NULL, NULL};

		RdsCredFileEntryWipe(&e);
		RdsCredFileEntryWipe(&e);
		CHECK(e.access_key_id == NULL && e.secret_access_key == NULL && e.session_token == NULL);
	}
}

static void
test_values_with_equals(void)
{
	/* secret keys and tokens can contain '=', '/', '+' */
	CHECK_FOUND("[default]\naws_access_key_id = A\naws_secret_access_key = abc=def/+g==\n",
				"default", "A", "abc=def/+g==", NULL);
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key==leading\n",
				"default", "A", "=leading", NULL);
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key = a = b\n",
				"default", "A", "a = b", NULL);
	CHECK_FOUND("[default]\naws_access_key_id=A\naws_secret_access_key=S\naws_session_token=x=y=\n",
				"default", "A", "S", "x=y=");
	/* a value with ':' and '[' */
	CHECK_FOUND("[default]\naws_access_key_id=A:B\naws_secret_access_key=[S]\n",
				"default", "A:B", "[S]", NULL);
	/* a long secret */
	{
		char		text[5000];
		char		secret[4001];

		memset(secret, 'k', 4000);
		secret[4000] = '\0';
		snprintf(text, sizeof(text), "[default]\naws_access_key_id=A\naws_secret_access_key=%s\n", secret);
		CHECK_FOUND(text, "default", "A", secret, NULL);
	}
}

/*
 * The words of line, as RdsShellSplit gives them; expected is the words
 * joined by "|" (NULL: refused, and why is in the sentence).
 */
static void
split_case(const char *line, const char *expected, const char *why)
{
	char	  **argv = (char **) 1;
	int			argc = -1;
	const char *problem = RdsShellSplit(line, &argv, &argc);

	UNIT_CONTEXT("split [%s]", line);
	if (expected == NULL)
	{
		if (CHECK(problem != NULL))
			CHECK(strstr(problem, why) != NULL);
		CHECK(argv == NULL && argc == 0);
	}
	else if (CHECK(problem == NULL))
	{
		char		joined[512] = "";
		int			i;

		for (i = 0; i < argc; i++)
		{
			if (i > 0)
				strcat(joined, "|");
			strcat(joined, argv[i]);
		}
		CHECK_STREQ(joined, expected);
		CHECK(argv[argc] == NULL);
		RdsShellSplitFree(argv);
	}
	else
		printf("    refused: %s\n", problem);
	UNIT_CONTEXT(NULL);
}

/*
 * botocore splits credential_process with compat_shell_split, which is
 * shlex.split on POSIX (botocore/compat.py); every expected value below is
 * what Python 3.11's shlex.split returned for the same line.
 */
static void
test_shell_split(void)
{
	split_case("helper", "helper", NULL);
	split_case("helper --profile prod", "helper|--profile|prod", NULL);
	split_case("  a\tb \n c\r\n", "a|b|c", NULL);
	split_case("/usr/bin/aws_signing_helper credential-process --certificate /etc/pki/c.pem",
			   "/usr/bin/aws_signing_helper|credential-process|--certificate|/etc/pki/c.pem", NULL);
	/* quotes */
	split_case("'a b' c", "a b|c", NULL);
	split_case("\"a b\" c", "a b|c", NULL);
	split_case("a'b'c", "abc", NULL);
	split_case("a\"b\"c", "abc", NULL);
	split_case("'a\"b'", "a\"b", NULL);
	split_case("\"a'b\"", "a'b", NULL);
	/* backslashes: outside quotes any character; in "" only \" and \\; in '' none */
	split_case("a\\ b", "a b", NULL);
	split_case("a\\\\b", "a\\b", NULL);
	split_case("\"a\\\"b\"", "a\"b", NULL);
	split_case("\"a\\\\b\"", "a\\b", NULL);
	split_case("\"a\\b\"", "a\\b", NULL);
	split_case("'a\\b'", "a\\b", NULL);
	split_case("a\\\nb", "a\nb", NULL);
	split_case("\"a\nb\"", "a\nb", NULL);
	/* empty words from quotes; none from nothing */
	split_case("''", "", NULL);
	split_case("\"\"", "", NULL);
	split_case("a '' b", "a||b", NULL);
	split_case("x\"\"", "x", NULL);
	/* no shell: no expansion, no operators, no comments */
	split_case("\"$HOME\" `id` ; | &", "$HOME|`id`|;|||&", NULL);
	split_case("#notacomment x", "#notacomment|x", NULL);
	split_case("a#b", "a#b", NULL);
	split_case("caf\xc3\xa9 \xc3\xbc", "caf\xc3\xa9|\xc3\xbc", NULL);
	/* refused: shlex's ValueErrors, and no command at all */
	split_case("'unterminated", NULL, "no closing quotation");
	split_case("\"unterminated", NULL, "no closing quotation");
	split_case("ok 'unterminated", NULL, "no closing quotation");
	split_case("ends\\", NULL, "ends with an escape character");
	split_case("", NULL, "empty");
	split_case("   ", NULL, "empty");
	split_case("\t\n", NULL, "empty");
	/* many words */
	{
		char		line[2100];
		char	  **argv;
		int			argc;
		int			i;

		for (i = 0; i < 1000; i++)
			memcpy(line + 2 * i, "w ", 2);
		line[2000] = '\0';
		if (CHECK(RdsShellSplit(line, &argv, &argc) == NULL))
		{
			CHECK_INTEQ(argc, 1000);
			CHECK_STREQ(argv[999], "w");
			CHECK(argv[1000] == NULL);
			RdsShellSplitFree(argv);
		}
	}
	RdsShellSplitFree(NULL);
}

int
main(void)
{
	test_shell_split();
	test_default_and_named();
	test_key_names_and_spacing();
	test_comments();
	test_crlf();
	test_session_token();
	test_sections_do_not_leak();
	test_missing_and_incomplete();
	test_malformed();
	test_configparser_forms();
	test_continuation();
	test_empty_and_edges();
	test_values_with_equals();
	return UnitSummary();
}
