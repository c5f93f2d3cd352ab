/*-------------------------------------------------------------------------
 * validate.c
 *		Argument checks made before any request is built.
 *
 * Rules are RDS's: snapshot identifiers are 1-63 letters, digits and
 * hyphens, start with a letter, no "--", no trailing "-"; tag keys are
 * 1-128 and values 0-256 Unicode characters of letters, digits, white
 * space and _ . : / = + - @, and keys may not start with "aws:" or "rds:".  Letters
 * and digits outside ASCII are accepted as any valid UTF-8 character that
 * is not a control character (we have no Unicode tables here; AWS makes
 * the final call).  Regions must have a region's shape, and be in the
 * built-in list of AWS's regions (regions.h) or in the allow-list
 * rds_copy.allowed_regions (given as a string).  No PostgreSQL here.
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "endpoint.h"
#include "regions.h"
#include "validate.h"

#define RDS_IDENTIFIER_MAX 63
#define RDS_SOURCE_MAX 1024
#define RDS_KMS_KEY_MAX 2048
#define RDS_REGION_NAME_MAX 40	/* endpoint.c's longest region name */

static bool
is_ascii_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_ascii_digit(char c)
{
	return c >= '0' && c <= '9';
}

const char *
RdsCheckSnapshotIdentifier(const char *id)
{
	size_t		len = strlen(id);
	size_t		i;

	if (len == 0 || len > RDS_IDENTIFIER_MAX)
		return "A DB cluster snapshot identifier must be 1 to 63 characters long.";
	if (!is_ascii_alpha(id[0]))
		return "A DB cluster snapshot identifier must start with a letter.";
	for (i = 0; i < len; i++)
		if (!is_ascii_alpha(id[i]) && !is_ascii_digit(id[i]) && id[i] != '-')
			return "A DB cluster snapshot identifier may contain only letters, digits and hyphens.";
	if (strstr(id, "--") != NULL)
		return "A DB cluster snapshot identifier must not contain two consecutive hyphens.";
	if (id[len - 1] == '-')
		return "A DB cluster snapshot identifier must not end with a hyphen.";
	return NULL;
}

/* printable ASCII or UTF-8 continuation/lead bytes; no control characters */
static bool
has_control_chars(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

const char *
RdsCheckSourceIdentifier(const char *id)
{
	size_t		len = strlen(id);

	if (len == 0 || len > RDS_SOURCE_MAX)
		return "The source must be a DB cluster snapshot identifier or ARN of 1 to 1024 characters.";
	if (has_control_chars(id) || strchr(id, ' ') != NULL)
		return "The source must not contain spaces or control characters.";
	return NULL;
}

const char *
RdsCheckKmsKeyId(const char *key)
{
	size_t		len = strlen(key);

	if (len == 0 || len > RDS_KMS_KEY_MAX)
		return "A KMS key identifier must be 1 to 2048 characters long.";
	if (has_control_chars(key))
		return "A KMS key identifier must not contain control characters.";
	return NULL;
}

/*
 * Length of the UTF-8 character at s, or 0 when it is not valid UTF-8
 * (overlong forms, surrogates and values past U+10FFFF are refused).
 */
static int
utf8_char_len(const unsigned char *s)
{
	unsigned int cp;
	int			n;
	int			i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
	{
		n = 2;
		cp = s[0] & 0x1F;
	}
	else if ((s[0] & 0xF0) == 0xE0)
	{
		n = 3;
		cp = s[0] & 0x0F;
	}
	else if ((s[0] & 0xF8) == 0xF0)
	{
		n = 4;
		cp = s[0] & 0x07;
	}
	else
		return 0;
	for (i = 1; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
		(cp >= 0x80 && cp < 0xA0))	/* C1 controls */
		return 0;
	return n;
}

/*
 * Count the characters of a tag string; -1 when it holds a character
 * outside AWS's tag alphabet.
 */
static long
tag_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;
	long		count = 0;

	while (*p)
	{
		int			n = utf8_char_len(p);

		if (n == 0)
			return -1;
		if (n == 1 && !is_ascii_alpha((char) *p) && !is_ascii_digit((char) *p) &&
			strchr(" _.:/=+-@", (char) *p) == NULL)
			return -1;
		p += n;
		count++;
	}
	return count;
}

const char *
RdsCheckTagKey(const char *key)
{
	long		n = tag_chars(key);

	if (n < 0)
		return "Tag keys may contain only letters, digits, spaces and _ . : / = + - @.";
	if (n < 1 || n > RDS_TAG_KEY_MAX)
		return "A tag key must be 1 to 128 characters long.";
	if (strncasecmp(key, "aws:", 4) == 0 || strncasecmp(key, "rds:", 4) == 0)
		return "Tag keys starting with \"aws:\" or \"rds:\" are reserved by AWS.";
	return NULL;
}

const char *
RdsCheckTagValue(const char *value)
{
	long		n = tag_chars(value);

	if (n < 0)
		return "Tag values may contain only letters, digits, spaces and _ . : / = + - @.";
	if (n > RDS_TAG_VALUE_MAX)
		return "A tag value must be at most 256 characters long.";
	return NULL;
}

/* arn:<partition>:rds:<region>:<account>:cluster-snapshot:<id> */
const char *
RdsCheckSourceArnRegion(const char *source, const char *source_region)
{
	const char *field[7];
	const char *p = source;
	int			i;

	if (strncmp(source, "arn:", 4) != 0)
		return "A cross-region copy needs the source snapshot's ARN, not its identifier.";
	for (i = 0; i < 7; i++)
	{
		field[i] = p;
		if (i < 6)
		{
			p = strchr(p, ':');
			if (p == NULL)
				return "The source ARN is not an RDS cluster snapshot ARN (arn:aws:rds:REGION:ACCOUNT:cluster-snapshot:ID).";
			p++;
		}
	}
	if (strncmp(field[2], "rds:", 4) != 0 ||
		strncmp(field[5], "cluster-snapshot:", 17) != 0 || *field[6] == '\0')
		return "The source ARN is not an RDS cluster snapshot ARN (arn:aws:rds:REGION:ACCOUNT:cluster-snapshot:ID).";
	if ((size_t) (field[4] - field[3] - 1) != strlen(source_region) ||
		strncmp(field[3], source_region, strlen(source_region)) != 0)
		return "The region in the source ARN differs from source_region.";
	return NULL;
}

const char *
RdsCheckRegion(const char *region)
{
	if (region != NULL && RdsRegionIsValid(region))
		return NULL;
	return "A region looks like \"us-west-2\": lower-case letters, digits and single hyphens.";
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A walk over the entries of a comma-separated list. */
typedef struct ListCursor
{
	const char *next;
	bool		done;
} ListCursor;

static void
list_start(ListCursor *cursor, const char *list)
{
	const char *p = list ? list : "";

	while (is_blank(*p))
		p++;
	cursor->next = p;
	cursor->done = (*p == '\0');	/* a blank list has no entries */
}

/*
 * The next entry, without the blanks around it: *start and *len (0 for an
 * empty entry, as between two commas).  False when there are no more.
 */
static bool
list_next(ListCursor *cursor, const char **start, size_t *len)
{
	const char *p = cursor->next;
	const char *end;

	if (cursor->done)
		return false;
	while (is_blank(*p))
		p++;
	end = p + strcspn(p, ",");
	cursor->done = (*end == '\0');
	cursor->next = cursor->done ? end : end + 1;
	*start = p;
	while (end > p && is_blank(end[-1]))
		end--;
	*len = (size_t) (end - p);
	return true;
}

/* Is the entry start[0..len) region-shaped? */
static bool
entry_is_region(const char *start, size_t len)
{
	char		name[RDS_REGION_NAME_MAX + 1];

	if (len == 0 || len > RDS_REGION_NAME_MAX)
		return false;
	memcpy(name, start, len);
	name[len] = '\0';
	return RdsRegionIsValid(name);
}

const char *
RdsCheckRegionList(const char *list, char *bad, size_t badsize)
{
	ListCursor	cursor;
	const char *start;
	size_t		len;

	list_start(&cursor, list);
	while (list_next(&cursor, &start, &len))
	{
		if (entry_is_region(start, len))
			continue;
		if (badsize > 0)
		{
			size_t		n = len < badsize - 1 ? len : badsize - 1;

			memcpy(bad, start, n);
			bad[n] = '\0';
		}
		if (len == 0)
			return "The list has an empty entry: region names are separated by single commas.";
		return RdsCheckRegion("");
	}
	return NULL;
}

const char *
RdsCheckRegionAllowed(const char *region, const char *allowed)
{
	ListCursor	cursor;
	const char *start;
	size_t		len;
	bool		empty = true;

	char		real[RDS_REGION_NAME_MAX + 1];

	if (RdsCheckRegion(region) != NULL)
		return RdsCheckRegion(region);
	/* a FIPS pseudo-region is allowed when its region is (or it is listed) */
	(void) RdsRegionNormalize(region, real, sizeof(real));
	list_start(&cursor, allowed);
	while (list_next(&cursor, &start, &len))
	{
		empty = false;
		if ((len == strlen(region) && memcmp(start, region, len) == 0) ||
			(len == strlen(real) && memcmp(start, real, len) == 0))
			return NULL;
	}
	if (!empty)
		return "It is not listed in rds_copy.allowed_regions.";
	if (RdsRegionLookup(real) != NULL)
		return NULL;
	return "It is not a region of the AWS partitions rds_copy knows, and rds_copy.allowed_regions is empty.";
}

const char *
RdsCheckClusterIdentifier(const char *id)
{
	if (RdsCheckSourceIdentifier(id) == NULL)
		return NULL;
	return "A DB cluster identifier or ARN has 1 to 1024 characters, without spaces or control characters.";
}

const char *
RdsCheckSnapshotType(const char *type)
{
	/* the SnapshotType values of DescribeDBClusterSnapshots (botocore's rds service model) */
	static const char *const types[] = {"automated", "manual", "shared", "public", "awsbackup"};
	size_t		i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i]) == 0)
			return NULL;
	return "Use automated, manual, shared, public or awsbackup.";
}
