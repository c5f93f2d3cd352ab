/*-------------------------------------------------------------------------
 * fuzz_xml.c
 *		libFuzzer target for the reply parser (src/xmlreply.c).
 *
 * Input: one selector byte, then the reply body.  The selector's value
 * modulo 4 picks the action the body is parsed as ('0' Copy, '1'
 * Describe, '2' AssumeRole, '3' AssumeRoleWithWebIdentity, so the seed
 * files stay readable).  Besides the sanitizers, the parsed reply must
 * keep the promises the backend code relies on:
 *   - kind INVALID has an invalid_reason, the other kinds have none
 *   - ERROR has a non-empty error code
 *   - OK to CopyDBClusterSnapshot holds exactly one snapshot (rds_copy.c
 *     reads snapshots[0] and nothing else)
 *   - OK to an STS action holds complete credentials with an ISO-8601
 *     expiration that RdsIsoTimestampToTime accepts
 *   - every INT member parses as an int32 (pg_strtoint32), every BOOL is
 *     "true"/"false", every TIMESTAMP passes RdsIsIsoTimestamp, converts
 *     and names a day that exists (timestamptz_in refuses 2016-02-30);
 *     no value is longer than 64 KiB; zones and tags are complete
 * The first bytes of the body (up to 48) are also given to
 * RdsIsIsoTimestamp / RdsIsoTimestampToTime directly.
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <stdbool.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "fuzz.h"
#include "xmlreply.h"

static const char *const actions[] = {
	"CopyDBClusterSnapshot",
	"DescribeDBClusterSnapshots",
	"AssumeRole",
	"AssumeRoleWithWebIdentity",
};

/* -?[0-9]+ within int32: what pg_strtoint32 accepts, and no more */
static bool
strict_int32(const char *s)
{
	long long	v = 0;
	bool		neg = (*s == '-');

	if (neg)
		s++;
	if (*s == '\0')
		return false;
	for (; *s; s++)
	{
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > (long long) INT_MAX + 1)
			return false;
	}
	return neg ? -v >= INT_MIN : v <= INT_MAX;
}

static int
digits(const char *s, int n)
{
	int			v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* YYYY-MM-DD of an accepted timestamp names a day that exists */
static bool
real_calendar_date(const char *s)
{
	static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y = digits(s, 4);
	int			m = digits(s + 5, 2);
	int			d = digits(s + 8, 2);
	bool		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m >= 1 && m <= 12 && d >= 1 &&
		d <= month_days[m - 1] + (m == 2 && leap ? 1 : 0);
}

static void
check_timestamp(const char *s)
{
	time_t		t;

	FUZZ_CHECK(RdsIsIsoTimestamp(s));
	FUZZ_CHECK(strlen(s) >= 20);
	FUZZ_CHECK(RdsIsoTimestampToTime(s, &t));
	/* rds_copy.c hands it to timestamptz_in, which refuses February 30 */
	FUZZ_CHECK(real_calendar_date(s));
}

static void
check_value_length(const char *s)
{
	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(strlen(s) <= 65536);
}

static void
check_snapshot(const RdsSnapshot *snap)
{
	int			i;

	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
	{
		const char *v = snap->values[i];

		switch (RdsSnapshotFields[i].type)
		{
			case RDS_FIELD_ZONES:
			case RDS_FIELD_TAGS:
				FUZZ_CHECK(v == NULL);
				continue;
			default:
				break;
		}
		if (v == NULL)
			continue;
		check_value_length(v);
		switch (RdsSnapshotFields[i].type)
		{
			case RDS_FIELD_INT:
				FUZZ_CHECK(strict_int32(v));
				break;
			case RDS_FIELD_BOOL:
				FUZZ_CHECK(strcmp(v, "true") == 0 || strcmp(v, "false") == 0);
				break;
			case RDS_FIELD_TIMESTAMP:
				check_timestamp(v);
				break;
			default:
				break;
		}
	}
	FUZZ_CHECK(snap->nzones >= 0 && snap->nzones <= 10000);
	FUZZ_CHECK(snap->has_zones || snap->nzones == 0);
	FUZZ_CHECK(snap->nzones == 0 || snap->zones != NULL);
	for (i = 0; i < snap->nzones; i++)
		check_value_length(snap->zones[i]);
	FUZZ_CHECK(snap->ntags >= 0 && snap->ntags <= 10000);
	FUZZ_CHECK(snap->has_tags || snap->ntags == 0);
	FUZZ_CHECK(snap->ntags == 0 || snap->tags != NULL);
	for (i = 0; i < snap->ntags; i++)
	{
		check_value_length(snap->tags[i].key);
		check_value_length(snap->tags[i].value);
	}
}

static void
check_reply(const RdsReply *r, RdsReplyKind kind, const char *action)
{
	bool		sts = strncmp(action, "AssumeRole", 10) == 0;
	int			i;

	FUZZ_CHECK(kind == r->kind);
	FUZZ_CHECK(kind == RDS_REPLY_INVALID || kind == RDS_REPLY_OK || kind == RDS_REPLY_ERROR);
	if (kind == RDS_REPLY_INVALID)
	{
		FUZZ_CHECK(r->invalid_reason != NULL);
		FUZZ_CHECK(r->invalid_reason[0] != '\0');
		return;
	}
	FUZZ_CHECK(r->invalid_reason == NULL);
	if (r->request_id != NULL)
		check_value_length(r->request_id);

	if (kind == RDS_REPLY_ERROR)
	{
		FUZZ_CHECK(r->error_code != NULL && r->error_code[0] != '\0');
		check_value_length(r->error_code);
		if (r->error_message != NULL)
			check_value_length(r->error_message);
		if (r->error_type != NULL)
			check_value_length(r->error_type);
		FUZZ_CHECK(r->nsnapshots == 0);
		FUZZ_CHECK(r->credentials.access_key_id == NULL);
		FUZZ_CHECK(r->credentials.secret_access_key == NULL);
		return;
	}

	/* RDS_REPLY_OK */
	FUZZ_CHECK(r->error_code == NULL && r->error_message == NULL && r->error_type == NULL);
	if (sts)
	{
		const RdsStsCredentials *c = &r->credentials;

		FUZZ_CHECK(r->nsnapshots == 0);
		FUZZ_CHECK(c->access_key_id != NULL && c->access_key_id[0] != '\0');
		FUZZ_CHECK(c->secret_access_key != NULL && c->secret_access_key[0] != '\0');
		FUZZ_CHECK(c->session_token != NULL);
		FUZZ_CHECK(c->expiration != NULL);
		check_value_length(c->access_key_id);
		check_value_length(c->secret_access_key);
		check_value_length(c->session_token);
		check_timestamp(c->expiration);
		return;
	}
	FUZZ_CHECK(r->credentials.access_key_id == NULL);
	FUZZ_CHECK(r->credentials.secret_access_key == NULL);
	FUZZ_CHECK(r->credentials.session_token == NULL);
	FUZZ_CHECK(r->credentials.expiration == NULL);
	if (strcmp(action, "CopyDBClusterSnapshot") == 0)
		FUZZ_CHECK(r->nsnapshots == 1);
	FUZZ_CHECK(r->nsnapshots >= 0 && r->nsnapshots <= 10000);
	FUZZ_CHECK(r->nsnapshots == 0 || r->snapshots != NULL);
	for (i = 0; i < r->nsnapshots; i++)
		check_snapshot(&r->snapshots[i]);
	if (r->marker != NULL)
		check_value_length(r->marker);
}

static void
fuzz_timestamp(const uint8_t *data, size_t size)
{
	char	   *s = fuzz_strndup(data, size < 48 ? size : 48);
	time_t		t;
	bool		is_ts = RdsIsIsoTimestamp(s);

	FUZZ_CHECK(RdsIsoTimestampToTime(s, &t) == is_ts);
	if (is_ts)
		check_timestamp(s);
	free(s);
}

/* libxml2's messages (encoding errors get past XML_PARSE_NOERROR); in a
 * backend pg_xml_init() installs PostgreSQL's handler instead */
static void
quiet(void *ctx, const char *msg,...)
{
	(void) ctx;
	(void) msg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void) argc;
	(void) argv;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *action;
	RdsReply	reply;
	RdsReplyKind kind;
	size_t		i;
	const unsigned char *bytes;

	if (size < 1)
		return 0;
	action = actions[data[0] % (sizeof(actions) / sizeof(actions[0]))];
	fuzz_timestamp(data + 1, size - 1);

	/* the body exactly as large as the input: reading past len is a bug */
	kind = RdsXmlParseReply((const char *) data + 1, size - 1, action, &reply);
	check_reply(&reply, kind, action);
	RdsReplyFree(&reply);

	/* RdsReplyFree leaves a zeroed reply behind */
	bytes = (const unsigned char *) &reply;
	for (i = 0; i < sizeof(reply); i++)
		FUZZ_CHECK(bytes[i] == 0);
	return 0;
}
