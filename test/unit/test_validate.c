/*-------------------------------------------------------------------------
 * test_validate.c
 *		Unit tests for src/validate.c: snapshot identifiers, sources, KMS
 *		keys, tag keys and values (lengths in Unicode characters, UTF-8
 *		validation, C1 controls, the aws: prefix) and the source ARN's
 *		region for cross-region copies.
 *
 * Rules as the RDS API reference states them (CopyDBClusterSnapshot,
 * Tag): identifiers 1-63 letters, digits and hyphens, first a letter, no
 * "--", no trailing "-"; tag keys 1-128 and values 0-256 Unicode
 * characters of letters, digits, white space and _ . : / = + - @.
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"
#include "unit.h"

/* n copies of the UTF-8 sequence unit (malloc'd). */
static char *
repeat(const char *unit, size_t n)
{
	size_t		len = strlen(unit);
	char	   *s = malloc(len * n + 1);
	size_t		i;

	if (s == NULL)
		abort();
	for (i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

/* check(s) must be NULL (ok) or a sentence (refused). */
typedef const char *(*CheckFn) (const char *s);

static bool
check_rule(CheckFn fn, const char *fname, const char *s, bool ok,
		   const char *file, int line)
{
	const char *why = fn(s);

	if (ok)
	{
		if (unit_check(why == NULL, file, line, "accepted"))
			return true;
		printf("    (%s refused \"", fname);
		unit_print_escaped(s, strlen(s), 0, 80);
		printf("\": %s)\n", why);
		return false;
	}
	if (unit_check(why != NULL && why[0] != '\0', file, line, "refused"))
		return true;
	printf("    (%s accepted \"", fname);
	unit_print_escaped(s, strlen(s), 0, 80);
	printf("\")\n");
	return false;
}
#define CHECK_OK(fn, s) check_rule((fn), #fn, (s), true, __FILE__, __LINE__)
#define CHECK_BAD(fn, s) check_rule((fn), #fn, (s), false, __FILE__, __LINE__)

/* The sentence fn gives for s mentions needle (says which rule failed). */
#define CHECK_WHY(fn, s, needle) \
	do { \
		const char *why_ = fn(s); \
		if (CHECK(why_ != NULL)) \
			CHECK(strstr(why_, (needle)) != NULL); \
	} while (0)

/* ---------------------------------------------------------------------
 * snapshot identifiers
 * ---------------------------------------------------------------------
 */

static void
test_snapshot_identifier(void)
{
	static const char *const good[] = {
		"a", "A", "z9", "my-snapshot", "a-b-c-1", "Cluster-Snapshot-Copy-1",
		"cluster-snapshot-copy-1", "a1-2-3",
	};
	static const char *const bad[] = {
		"", "1abc", "-abc", "abc-", "a--b", "my_snap", "my.snap", "my snap",
		"my:snap", "rds:auto-snap", "a/b", "a\tb", "a\n", "\xc3\xa9t\xc3\xa9",
		"a\xc3\xa9", "a---b", "ab--", "\x7f" "a", "a\x7f",
		"arn:aws:rds:us-east-1:123456789012:cluster-snapshot:x",
	};
	char	   *s;
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_OK(RdsCheckSnapshotIdentifier, good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_BAD(RdsCheckSnapshotIdentifier, bad[i]);

	/* 63 characters pass, 64 do not */
	s = repeat("a", 63);
	CHECK_OK(RdsCheckSnapshotIdentifier, s);
	free(s);
	s = repeat("a", 64);
	CHECK_BAD(RdsCheckSnapshotIdentifier, s);
	CHECK_WHY(RdsCheckSnapshotIdentifier, s, "63");
	free(s);
	s = repeat("a-", 31);		/* 62, ends with '-' */
	CHECK_BAD(RdsCheckSnapshotIdentifier, s);
	s[61] = 'b';
	CHECK_OK(RdsCheckSnapshotIdentifier, s);
	free(s);
	s = repeat("ab-", 21);		/* 63 */
	s[62] = 'c';
	CHECK_OK(RdsCheckSnapshotIdentifier, s);
	free(s);

	/* each rule gives its own sentence */
	CHECK_WHY(RdsCheckSnapshotIdentifier, "", "1 to 63");
	CHECK_WHY(RdsCheckSnapshotIdentifier, "1abc", "letter");
	CHECK_WHY(RdsCheckSnapshotIdentifier, "a_b", "letters, digits and hyphens");
	CHECK_WHY(RdsCheckSnapshotIdentifier, "a--b", "consecutive");
	CHECK_WHY(RdsCheckSnapshotIdentifier, "ab-", "end");
}

static void
test_source_and_kms(void)
{
	char	   *s;

	CHECK_OK(RdsCheckSourceIdentifier, "a");
	CHECK_OK(RdsCheckSourceIdentifier, "my-snapshot");
	CHECK_OK(RdsCheckSourceIdentifier, "rds:sample-cluster-2016-09-14-10-38");
	CHECK_OK(RdsCheckSourceIdentifier,
			 "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:aurora-cluster1-snapshot-20161115");
	CHECK_BAD(RdsCheckSourceIdentifier, "");
	CHECK_BAD(RdsCheckSourceIdentifier, "a b");
	CHECK_BAD(RdsCheckSourceIdentifier, " a");
	CHECK_BAD(RdsCheckSourceIdentifier, "a\tb");
	CHECK_BAD(RdsCheckSourceIdentifier, "a\nb");
	CHECK_BAD(RdsCheckSourceIdentifier, "a\r");
	CHECK_BAD(RdsCheckSourceIdentifier, "\x01");
	CHECK_BAD(RdsCheckSourceIdentifier, "a\x1f");
	CHECK_BAD(RdsCheckSourceIdentifier, "a\x7f");
	s = repeat("s", 1024);
	CHECK_OK(RdsCheckSourceIdentifier, s);
	free(s);
	s = repeat("s", 1025);
	CHECK_BAD(RdsCheckSourceIdentifier, s);
	free(s);

	CHECK_OK(RdsCheckKmsKeyId, "1234abcd-12ab-34cd-56ef-1234567890ab");
	CHECK_OK(RdsCheckKmsKeyId, "alias/aws/rds");
	CHECK_OK(RdsCheckKmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
	CHECK_OK(RdsCheckKmsKeyId, "arn:aws:kms:us-east-1:123456789012:alias/my-key");
	CHECK_BAD(RdsCheckKmsKeyId, "");
	CHECK_BAD(RdsCheckKmsKeyId, "alias/x\n");
	CHECK_BAD(RdsCheckKmsKeyId, "\tkey");
	CHECK_BAD(RdsCheckKmsKeyId, "key\x7f");
	s = repeat("k", 2048);
	CHECK_OK(RdsCheckKmsKeyId, s);
	free(s);
	s = repeat("k", 2049);
	CHECK_BAD(RdsCheckKmsKeyId, s);
	free(s);
}

/* ---------------------------------------------------------------------
 * tags
 * ---------------------------------------------------------------------
 */

/* Multi-byte characters (letters), each counted as one character. */
static const char *const wide_units[] = {
	"\xc3\xa9",					/* U+00E9, 2 bytes */
	"\xe2\x82\xac",				/* U+20AC euro sign, 3 bytes */
	"\xe4\xb8\xad",				/* U+4E2D, 3 bytes */
	"\xf0\xa0\x80\x80",			/* U+20000, 4 bytes */
};

static void
test_tag_lengths(void)
{
	char	   *s;
	size_t		i;

	/* keys: 1..128 characters */
	CHECK_BAD(RdsCheckTagKey, "");
	CHECK_OK(RdsCheckTagKey, "k");
	s = repeat("k", 128);
	CHECK_OK(RdsCheckTagKey, s);
	free(s);
	s = repeat("k", 129);
	CHECK_BAD(RdsCheckTagKey, s);
	CHECK_WHY(RdsCheckTagKey, s, "128");
	free(s);

	/* values: 0..256 characters */
	CHECK_OK(RdsCheckTagValue, "");
	CHECK_OK(RdsCheckTagValue, "v");
	s = repeat("v", 256);
	CHECK_OK(RdsCheckTagValue, s);
	free(s);
	s = repeat("v", 257);
	CHECK_BAD(RdsCheckTagValue, s);
	CHECK_WHY(RdsCheckTagValue, s, "256");
	free(s);

	/* lengths count characters, not bytes */
	for (i = 0; i < sizeof(wide_units) / sizeof(wide_units[0]); i++)
	{
		UNIT_CONTEXT("%zu-byte characters", strlen(wide_units[i]));
		s = repeat(wide_units[i], 128);
		CHECK_OK(RdsCheckTagKey, s);
		free(s);
		s = repeat(wide_units[i], 129);
		CHECK_BAD(RdsCheckTagKey, s);
		free(s);
		s = repeat(wide_units[i], 256);
		CHECK_OK(RdsCheckTagValue, s);
		free(s);
		s = repeat(wide_units[i], 257);
		CHECK_BAD(RdsCheckTagValue, s);
		free(s);
		/* a single one is one character */
		CHECK_OK(RdsCheckTagKey, wide_units[i]);
		CHECK_OK(RdsCheckTagValue, wide_units[i]);
	}
	UNIT_CONTEXT(NULL);

	/* mixed: 127 ASCII + one 4-byte character = 128 characters, 131 bytes */
	{
		char		buf[300];

		memset(buf, 'a', 127);
		strcpy(buf + 127, "\xf0\xa0\x80\x80");
		CHECK_OK(RdsCheckTagKey, buf);
		strcpy(buf + 127, "\xf0\xa0\x80\x80" "b");
		CHECK_BAD(RdsCheckTagKey, buf);
		memset(buf, 'a', 255);
		strcpy(buf + 255, "\xc3\xa9");
		CHECK_OK(RdsCheckTagValue, buf);
		strcpy(buf + 255, "\xc3\xa9\xc3\xa9");
		CHECK_BAD(RdsCheckTagValue, buf);
	}
}

static void
test_tag_alphabet(void)
{
	static const char allowed[] = " _.:/=+-@";
	static const char refused[] = "!\"#$%&'()*,;<>?[\\]^`{|}~";
	char		s[8];
	size_t		i;

	CHECK_OK(RdsCheckTagKey, "Name");
	CHECK_OK(RdsCheckTagKey, "cost-center");
	CHECK_OK(RdsCheckTagKey, "a_b.c:d/e=f+g-h@i j");
	CHECK_OK(RdsCheckTagValue, "a_b.c:d/e=f+g-h@i j");
	CHECK_OK(RdsCheckTagKey, "ABCXYZabcxyz0123456789");
	CHECK_OK(RdsCheckTagValue, "user@example.com");
	CHECK_OK(RdsCheckTagValue, "s3://bucket/key=v+1");
	CHECK_OK(RdsCheckTagValue, "   ");

	for (i = 0; i < strlen(allowed); i++)
	{
		UNIT_CONTEXT("allowed '%c'", allowed[i]);
		snprintf(s, sizeof(s), "a%cb", allowed[i]);
		CHECK_OK(RdsCheckTagKey, s);
		CHECK_OK(RdsCheckTagValue, s);
		snprintf(s, sizeof(s), "%c", allowed[i]);
		CHECK_OK(RdsCheckTagKey, s);
		CHECK_OK(RdsCheckTagValue, s);
	}
	for (i = 0; i < strlen(refused); i++)
	{
		UNIT_CONTEXT("refused '%c'", refused[i]);
		snprintf(s, sizeof(s), "a%cb", refused[i]);
		CHECK_BAD(RdsCheckTagKey, s);
		CHECK_BAD(RdsCheckTagValue, s);
	}
	/* every ASCII control character, anywhere */
	for (i = 1; i < 0x20; i++)
	{
		UNIT_CONTEXT("control 0x%02zx", i);
		snprintf(s, sizeof(s), "a%cb", (int) i);
		CHECK_BAD(RdsCheckTagKey, s);
		CHECK_BAD(RdsCheckTagValue, s);
		snprintf(s, sizeof(s), "%c", (int) i);
		CHECK_BAD(RdsCheckTagValue, s);
	}
	UNIT_CONTEXT(NULL);
	CHECK_BAD(RdsCheckTagKey, "a\x7f");
	CHECK_BAD(RdsCheckTagValue, "\x7f");
	CHECK_WHY(RdsCheckTagKey, "a!", "letters");
	CHECK_WHY(RdsCheckTagValue, "a!", "letters");
}

static void
test_tag_utf8(void)
{
	static const char *const invalid[] = {
		"\xc0\xaf",				/* overlong '/' */
		"\xc1\xbf",				/* overlong */
		"\xc0\x80",				/* overlong NUL */
		"\xe0\x80\xaf",			/* 3-byte overlong '/' */
		"\xe0\x9f\xbf",			/* 3-byte overlong U+07FF */
		"\xf0\x80\x80\xaf",		/* 4-byte overlong '/' */
		"\xf0\x8f\xbf\xbf",		/* 4-byte overlong U+FFFF */
		"\xed\xa0\x80",			/* U+D800, a surrogate */
		"\xed\xbf\xbf",			/* U+DFFF */
		"\xed\xa0\xbd\xed\xb8\x80",	/* a CESU-8 surrogate pair */
		"\xf4\x90\x80\x80",		/* U+110000 */
		"\xf5\x80\x80\x80",
		"\xf7\xbf\xbf\xbf",
		"\xf8\x88\x80\x80\x80",	/* 5 bytes */
		"\xfc\x84\x80\x80\x80\x80",	/* 6 bytes */
		"\xfe",
		"\xff",
		"\x80",					/* a lone continuation byte */
		"\xbf",
		"\xc3",					/* truncated 2-byte */
		"\xe2\x82",				/* truncated 3-byte */
		"\xe2",
		"\xf0\x9f\x98",			/* truncated 4-byte */
		"\xf0\x9f",
		"\xe2\x82" "a",			/* truncated, then ASCII */
		"\xc3" "a",
		"\xc3\xc3\xa9",			/* a lead where a continuation belongs */
		"\xe2\x28\xa1",
		"\xc2\x80",				/* U+0080, a C1 control */
		"\xc2\x85",				/* U+0085 NEL */
		"\xc2\x9b",				/* U+009B CSI */
		"\xc2\x9f",				/* U+009F, the last C1 control */
	};
	static const char *const valid[] = {
		"\xc2\xa0",				/* U+00A0, right after the C1 block */
		"\xc3\xa9",
		"\xdf\xbf",				/* U+07FF, the last 2-byte */
		"\xe0\xa0\x80",			/* U+0800, the first 3-byte */
		"\xed\x9f\xbf",			/* U+D7FF, right before the surrogates */
		"\xee\x80\x80",			/* U+E000, right after them */
		"\xef\xbf\xbd",			/* U+FFFD */
		"\xf0\x90\x80\x80",		/* U+10000, the first 4-byte */
		"\xf4\x8f\xbf\xbf",		/* U+10FFFF, the last */
		"\xe6\x97\xa5\xe6\x9c\xac",	/* Japanese */
		"\xd0\x9f\xd1\x80\xd0\xbe\xd0\xb4",	/* Cyrillic */
	};
	char		buf[64];
	size_t		i;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
	{
		UNIT_CONTEXT("invalid #%zu", i);
		CHECK_BAD(RdsCheckTagKey, invalid[i]);
		CHECK_BAD(RdsCheckTagValue, invalid[i]);
		/* ... also after and between good characters */
		snprintf(buf, sizeof(buf), "key-\xc3\xa9%s", invalid[i]);
		CHECK_BAD(RdsCheckTagKey, buf);
		CHECK_BAD(RdsCheckTagValue, buf);
		snprintf(buf, sizeof(buf), "a%sb", invalid[i]);
		CHECK_BAD(RdsCheckTagKey, buf);
		CHECK_BAD(RdsCheckTagValue, buf);
	}
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
	{
		UNIT_CONTEXT("valid #%zu", i);
		CHECK_OK(RdsCheckTagKey, valid[i]);
		CHECK_OK(RdsCheckTagValue, valid[i]);
		snprintf(buf, sizeof(buf), "a%sb", valid[i]);
		CHECK_OK(RdsCheckTagKey, buf);
		CHECK_OK(RdsCheckTagValue, buf);
	}
	UNIT_CONTEXT(NULL);

	/* an invalid byte after 200 good characters still counts */
	{
		char	   *s = malloc(2 * 200 + 3);

		if (s == NULL)
			abort();
		for (i = 0; i < 200; i++)
			memcpy(s + 2 * i, "\xc3\xa9", 2);
		strcpy(s + 400, "\xff");
		CHECK_BAD(RdsCheckTagValue, s);
		/* and is reported as a bad character, not as a length */
		CHECK_WHY(RdsCheckTagValue, s, "letters");
		free(s);
	}
	/* a truncated sequence at the very end of a long key */
	{
		char	   *s = repeat("k", 127);
		char	   *t = malloc(strlen(s) + 3);

		if (t == NULL)
			abort();
		sprintf(t, "%s\xe2\x82", s);
		CHECK_BAD(RdsCheckTagKey, t);
		free(t);
		free(s);
	}
}

static void
test_tag_aws_prefix(void)
{
	CHECK_BAD(RdsCheckTagKey, "aws:x");
	CHECK_BAD(RdsCheckTagKey, "aws:");
	CHECK_BAD(RdsCheckTagKey, "AWS:x");
	CHECK_BAD(RdsCheckTagKey, "Aws:cloudformation:stack-name");
	CHECK_BAD(RdsCheckTagKey, "aWs:x");
	CHECK_BAD(RdsCheckTagKey, "awS:x");
	CHECK_WHY(RdsCheckTagKey, "AWS:x", "aws:");
	CHECK_OK(RdsCheckTagKey, "aws");
	CHECK_OK(RdsCheckTagKey, "aw:x");
	CHECK_OK(RdsCheckTagKey, "aws-x");
	CHECK_OK(RdsCheckTagKey, "awsx:y");
	CHECK_OK(RdsCheckTagKey, "aws/x");
	CHECK_OK(RdsCheckTagKey, "x:aws:y");
	CHECK_OK(RdsCheckTagKey, "team:aws:");
	/* rds: is reserved too */
	CHECK_BAD(RdsCheckTagKey, "rds:x");
	CHECK_BAD(RdsCheckTagKey, "RDS:x");
	CHECK_WHY(RdsCheckTagKey, "rds:x", "rds:");
	CHECK_OK(RdsCheckTagKey, "rds");
	CHECK_OK(RdsCheckTagKey, "x:rds:y");
	/* the prefix rule is about keys */
	CHECK_OK(RdsCheckTagValue, "team:aws:");
}

/* ---------------------------------------------------------------------
 * source ARN and region
 * ---------------------------------------------------------------------
 */

static void
check_arn(const char *arn, const char *region, bool ok, const char *file, int line)
{
	const char *why = RdsCheckSourceArnRegion(arn, region);

	if (ok)
	{
		if (!unit_check(why == NULL, file, line, "ARN accepted"))
			printf("    (\"%s\" in %s: %s)\n", arn, region, why);
	}
	else if (!unit_check(why != NULL && why[0] != '\0', file, line, "ARN refused"))
		printf("    (\"%s\" in %s accepted)\n", arn, region);
}
#define CHECK_ARN_OK(arn, region) check_arn((arn), (region), true, __FILE__, __LINE__)
#define CHECK_ARN_BAD(arn, region) check_arn((arn), (region), false, __FILE__, __LINE__)

static void
test_source_arn(void)
{
	static const char doc_arn[] =
		"arn:aws:rds:us-west-2:123456789012:cluster-snapshot:aurora-cluster1-snapshot-20161115";
	const char *why;

	CHECK_ARN_OK(doc_arn, "us-west-2");
	CHECK_ARN_OK("arn:aws-cn:rds:cn-north-1:123456789012:cluster-snapshot:s", "cn-north-1");
	CHECK_ARN_OK("arn:aws-us-gov:rds:us-gov-west-1:123456789012:cluster-snapshot:s", "us-gov-west-1");
	/* an automated snapshot's id contains ':' */
	CHECK_ARN_OK("arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:c1-2016-09-14-10-38", "us-east-1");

	/* another region, and regions that share a prefix */
	CHECK_ARN_BAD(doc_arn, "us-east-1");
	CHECK_ARN_BAD(doc_arn, "us-west-20");
	CHECK_ARN_BAD(doc_arn, "us-west-");
	CHECK_ARN_BAD(doc_arn, "us-west");
	CHECK_ARN_BAD(doc_arn, "");
	CHECK_ARN_BAD(doc_arn, "US-WEST-2");
	CHECK_ARN_BAD("arn:aws:rds::123456789012:cluster-snapshot:s", "us-east-1");
	why = RdsCheckSourceArnRegion(doc_arn, "eu-west-1");
	if (CHECK(why != NULL))
		CHECK(strstr(why, "region") != NULL);

	/* not an ARN */
	CHECK_ARN_BAD("aurora-cluster1-snapshot-20161115", "us-west-2");
	CHECK_ARN_BAD("rds:c1-2016-09-14-10-38", "us-west-2");
	CHECK_ARN_BAD("", "us-west-2");
	CHECK_ARN_BAD("ARN:aws:rds:us-west-2:123456789012:cluster-snapshot:s", "us-west-2");
	CHECK_ARN_BAD(" arn:aws:rds:us-west-2:123456789012:cluster-snapshot:s", "us-west-2");
	why = RdsCheckSourceArnRegion("mysnap", "us-west-2");
	if (CHECK(why != NULL))
		CHECK(strstr(why, "ARN") != NULL);

	/* not an RDS cluster-snapshot ARN */
	CHECK_ARN_BAD("arn:aws:rds:us-west-2:123456789012:snapshot:s", "us-west-2");
	CHECK_ARN_BAD("arn:aws:rds:us-west-2:123456789012:cluster:c1", "us-west-2");
	CHECK_ARN_BAD("arn:aws:rds:us-west-2:123456789012:cluster-snapshots:s", "us-west-2");
	CHECK_ARN_BAD("arn:aws:rds:us-west-2:123456789012:cluster-snapshot-x:s", "us-west-2");
	CHECK_ARN_BAD("arn:aws:rds:us-west-2:123456789012:Cluster-Snapshot:s", "us-west-2");
	CHECK_ARN_BAD("arn:aws:ec2:us-west-2:123456789012:cluster-snapshot:s", "us-west-2");
	CHECK_ARN_BAD("arn:aws:rdsx:us-west-2:123456789012:cluster-snapshot:s", "us-west-2");
	CHECK_ARN_BAD("arn:aws:rd:us-west-2:123456789012:cluster-snapshot:s", "us-west-2");
	/* an empty id */
	CHECK_ARN_BAD("arn:aws:rds:us-west-2:123456789012:cluster-snapshot:", "us-west-2");
	/* too few fields */
	CHECK_ARN_BAD("arn:aws:rds:us-west-2:123456789012:cluster-snapshot", "us-west-2");
	CHECK_ARN_BAD("arn:aws:rds:us-west-2", "us-west-2");
	CHECK_ARN_BAD("arn:", "us-west-2");
	CHECK_ARN_BAD("arn:aws:rds:us-west-2:cluster-snapshot:s", "us-west-2");
	why = RdsCheckSourceArnRegion("arn:aws:rds:us-west-2:123456789012:snapshot:s", "us-west-2");
	if (CHECK(why != NULL))
		CHECK(strstr(why, "cluster snapshot ARN") != NULL);
}

static void
test_region_type_cluster(void)
{
	CHECK(RdsCheckRegion("us-west-2") == NULL);
	CHECK(RdsCheckRegion("cn-north-1") == NULL);
	CHECK(RdsCheckRegion("us-gov-west-1") == NULL);
	CHECK(RdsCheckRegion(NULL) != NULL);
	CHECK(RdsCheckRegion("") != NULL);
	CHECK(RdsCheckRegion("US-EAST-1") != NULL);
	CHECK(RdsCheckRegion("us-east-1.evil.com") != NULL);
	CHECK(RdsCheckRegion("evil.com/x?") != NULL);
	CHECK(RdsCheckRegion("us--east-1") != NULL);
	/* one sentence for every place a region is checked */
	CHECK_STREQ(RdsCheckRegion("x y"), RdsCheckRegion("x.y"));

	CHECK(RdsCheckSnapshotType("automated") == NULL);
	CHECK(RdsCheckSnapshotType("manual") == NULL);
	CHECK(RdsCheckSnapshotType("shared") == NULL);
	CHECK(RdsCheckSnapshotType("public") == NULL);
	CHECK(RdsCheckSnapshotType("awsbackup") == NULL);
	CHECK(RdsCheckSnapshotType("Manual") != NULL);
	CHECK(RdsCheckSnapshotType("") != NULL);

	CHECK(RdsCheckClusterIdentifier("my-cluster") == NULL);
	CHECK(RdsCheckClusterIdentifier("arn:aws:rds:us-east-1:123456789012:cluster:my-cluster") == NULL);
	CHECK(RdsCheckClusterIdentifier("has space") != NULL);
	CHECK(RdsCheckClusterIdentifier("") != NULL);
}

int
main(void)
{
	test_region_type_cluster();
	test_snapshot_identifier();
	test_source_and_kms();
	test_tag_lengths();
	test_tag_alphabet();
	test_tag_utf8();
	test_tag_aws_prefix();
	test_source_arn();
	return UnitSummary();
}
