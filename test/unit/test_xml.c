/*-------------------------------------------------------------------------
 * test_xml.c
 *		Unit tests for src/xmlreply.c: RDS success replies (Copy, Describe),
 *		ErrorResponse, every rejection path (DOCTYPE, entities, non-XML,
 *		wrong root or namespace, ill-typed or over-long values) and
 *		RdsIsIsoTimestamp.
 *
 * The example replies are copied from the AWS API reference
 * (API_CopyDBClusterSnapshot), from moto 5.2.1 and from the templates of
 * older moto releases (2014-09-01 namespace); nothing is read at run time.
 * Every parsed reply is released with RdsReplyFree, so the SAN=1 build
 * reports leaks and double frees.
 *
 * An external-entity loader that records every call (and then defers to
 * libxml2's own) is installed, so the tests show both that nothing is
 * loaded and that no loaded content reaches the reply.
 *-------------------------------------------------------------------------
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "xmlreply.h"
#include "unit.h"

#define NS_2014_10_31 "http://rds.amazonaws.com/doc/2014-10-31/"
#define COPY "CopyDBClusterSnapshot"
#define DESCRIBE "DescribeDBClusterSnapshots"

/* ---------------------------------------------------------------------
 * helpers
 * ---------------------------------------------------------------------
 */

static int	loader_calls;
static xmlExternalEntityLoader default_loader;

static xmlParserInputPtr
recording_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	loader_calls++;
	return default_loader ? default_loader(url, id, ctxt) : NULL;
}

/* Index of aws_name in RdsSnapshotFields, or -1. */
static int
field_index(const char *aws_name)
{
	int			i;

	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
		if (strcmp(RdsSnapshotFields[i].aws_name, aws_name) == 0)
			return i;
	return -1;
}

/* The value of a scalar member, or NULL when absent (or unknown). */
static const char *
value_of(const RdsSnapshot *snap, const char *aws_name)
{
	int			i = field_index(aws_name);

	return i < 0 ? NULL : snap->values[i];
}

static RdsReplyKind
parse(const char *body, const char *action, RdsReply *reply)
{
	return RdsXmlParseReply(body, strlen(body), action, reply);
}

/* Does any string of the reply contain needle? */
static bool
reply_contains(const RdsReply *r, const char *needle)
{
	int			s;
	int			i;

#define HAS(str) ((str) != NULL && strstr((str), needle) != NULL)
	if (HAS(r->request_id) || HAS(r->marker) || HAS(r->error_type) ||
		HAS(r->error_code) || HAS(r->error_message))
		return true;
	for (s = 0; s < r->nsnapshots; s++)
	{
		const RdsSnapshot *snap = &r->snapshots[s];

		for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
			if (HAS(snap->values[i]))
				return true;
		for (i = 0; i < snap->nzones; i++)
			if (HAS(snap->zones[i]))
				return true;
		for (i = 0; i < snap->ntags; i++)
			if (HAS(snap->tags[i].key) || HAS(snap->tags[i].value))
				return true;
	}
#undef HAS
	return false;
}

/* Free the reply and check that RdsReplyFree left it empty. */
static void
free_reply(RdsReply *r, const char *file, int line)
{
	RdsReplyFree(r);
	unit_check(r->snapshots == NULL && r->nsnapshots == 0 &&
			   r->request_id == NULL && r->marker == NULL &&
			   r->error_code == NULL && r->error_message == NULL &&
			   r->error_type == NULL, file, line, "RdsReplyFree cleared the reply");
}
#define FREE_REPLY(r) free_reply((r), __FILE__, __LINE__)

/*
 * Parse body[0..len) for action: it must be RDS_REPLY_INVALID with a
 * reason, and the reply must not carry anything the body said.
 */
static bool
check_invalid_len(const char *body, size_t len, const char *action,
				  const char *file, int line)
{
	RdsReply	r;
	RdsReplyKind k = RdsXmlParseReply(body, len, action, &r);
	bool		ok;

	ok = unit_check(k == RDS_REPLY_INVALID, file, line, "kind == RDS_REPLY_INVALID");
	ok = unit_check(r.kind == RDS_REPLY_INVALID, file, line,
					"reply.kind == RDS_REPLY_INVALID") && ok;
	ok = unit_check(r.invalid_reason != NULL && r.invalid_reason[0] != '\0',
					file, line, "invalid_reason set") && ok;
	if (!ok && r.invalid_reason == NULL && r.kind == RDS_REPLY_ERROR)
		printf("    (parsed as an error reply, code %s)\n",
			   r.error_code ? r.error_code : "(null)");
	free_reply(&r, file, line);
	return ok;
}
#define CHECK_INVALID(body, action) \
	check_invalid_len((body), strlen(body), (action), __FILE__, __LINE__)

/* A Copy reply in namespace ns whose DBClusterSnapshot holds inner. */
static char *
copy_reply(const char *ns, const char *inner)
{
	static const char fmt[] =
		"<CopyDBClusterSnapshotResponse xmlns=\"%s\">\n"
		"  <CopyDBClusterSnapshotResult>\n"
		"    <DBClusterSnapshot>%s</DBClusterSnapshot>\n"
		"  </CopyDBClusterSnapshotResult>\n"
		"  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>\n"
		"</CopyDBClusterSnapshotResponse>\n";
	size_t		n = sizeof(fmt) + strlen(ns) + strlen(inner);
	char	   *s = malloc(n);

	if (s == NULL)
		abort();
	snprintf(s, n, fmt, ns, inner);
	return s;
}

/* Parse a Copy reply with the given DBClusterSnapshot content. */
static RdsReplyKind
parse_snapshot(const char *inner, RdsReply *r)
{
	char	   *body = copy_reply(NS_2014_10_31, inner);
	RdsReplyKind k = parse(body, COPY, r);

	free(body);
	return k;
}

/* A string of n copies of c (malloc'd). */
static char *
repeat(char c, size_t n)
{
	char	   *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* ---------------------------------------------------------------------
 * the AWS documentation's example
 * ---------------------------------------------------------------------
 */

/* API_CopyDBClusterSnapshot example response (AWS API reference). */
static const char aws_example[] =
	"<CopyDBClusterSnapshotResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\n"
	"  <CopyDBClusterSnapshotResult>\n"
	"    <DBClusterSnapshot>\n"
	"      <MasterUsername>mymasteruser</MasterUsername>\n"
	"      <AllocatedStorage>1</AllocatedStorage>\n"
	"      <SnapshotType>manual</SnapshotType>\n"
	"      <AvailabilityZones>\n"
	"        <AvailabilityZone>us-west-2a</AvailabilityZone>\n"
	"        <AvailabilityZone>us-west-2b</AvailabilityZone>\n"
	"        <AvailabilityZone>us-west-2c</AvailabilityZone>\n"
	"      </AvailabilityZones>\n"
	"      <StorageEncrypted>false</StorageEncrypted>\n"
	"      <Engine>aurora</Engine>\n"
	"      <Port>0</Port>\n"
	"      <LicenseModel>aurora</LicenseModel>\n"
	"      <SnapshotCreateTime>2016-09-14T10:38:05.616Z</SnapshotCreateTime>\n"
	"      <PercentProgress>100</PercentProgress>\n"
	"      <VpcId>vpc-e97e7d8d</VpcId>\n"
	"      <DBClusterSnapshotIdentifier>cluster-snapshot-copy-1</DBClusterSnapshotIdentifier>\n"
	"      <DBClusterSnapshotArn>arn:aws:rds:us-west-2:123456789012:cluster-snapshot:cluster-snapshot-copy-1</DBClusterSnapshotArn>\n"
	"      <DBClusterIdentifier>sample-cluster</DBClusterIdentifier>\n"
	"      <ClusterCreateTime>2016-09-13T16:57:52.695Z</ClusterCreateTime>\n"
	"      <Status>available</Status>\n"
	"    </DBClusterSnapshot>\n"
	"  </CopyDBClusterSnapshotResult>\n"
	"  <ResponseMetadata>\n"
	"    <RequestId>2e861f29-7a9b-11e6-94c8-21ac69ee8f8c</RequestId>\n"
	"  </ResponseMetadata>\n"
	"</CopyDBClusterSnapshotResponse>\n";

/* The same reply, members in reverse order, with unknown members added. */
static const char aws_example_reordered[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<CopyDBClusterSnapshotResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
	"<ResponseMetadata><RequestId>2e861f29-7a9b-11e6-94c8-21ac69ee8f8c</RequestId></ResponseMetadata>"
	"<CopyDBClusterSnapshotResult>"
	"<SomethingNew>ignored</SomethingNew>"
	"<DBClusterSnapshot>"
	"<Status>available</Status>"
	"<ClusterCreateTime>2016-09-13T16:57:52.695Z</ClusterCreateTime>"
	"<StorageEncryptionType>none</StorageEncryptionType>"
	"<DBClusterIdentifier>sample-cluster</DBClusterIdentifier>"
	"<DBClusterSnapshotArn>arn:aws:rds:us-west-2:123456789012:cluster-snapshot:cluster-snapshot-copy-1</DBClusterSnapshotArn>"
	"<DBClusterSnapshotIdentifier>cluster-snapshot-copy-1</DBClusterSnapshotIdentifier>"
	"<VpcId>vpc-e97e7d8d</VpcId>"
	"<PercentProgress>100</PercentProgress>"
	"<FutureStruct><Port>not-an-int</Port><Nested><Engine>x</Engine></Nested></FutureStruct>"
	"<SnapshotCreateTime>2016-09-14T10:38:05.616Z</SnapshotCreateTime>"
	"<LicenseModel>aurora</LicenseModel>"
	"<Port>0</Port>"
	"<Engine>aurora</Engine>"
	"<StorageEncrypted>false</StorageEncrypted>"
	"<AvailabilityZones>"
	"<AvailabilityZone>us-west-2a</AvailabilityZone>"
	"<!-- a comment -->"
	"<AvailabilityZone>us-west-2b</AvailabilityZone>"
	"<AvailabilityZone>us-west-2c</AvailabilityZone>"
	"</AvailabilityZones>"
	"<SnapshotType>manual</SnapshotType>"
	"<AllocatedStorage>1</AllocatedStorage>"
	"<MasterUsername>mymasteruser</MasterUsername>"
	"</DBClusterSnapshot>"
	"</CopyDBClusterSnapshotResult>"
	"</CopyDBClusterSnapshotResponse>";

static void
check_example_snapshot(const RdsReply *r)
{
	const RdsSnapshot *s;
	static const char *const absent[] = {
		"EngineMode", "EngineVersion", "BackupRetentionPeriod",
		"PreferredBackupWindow", "KmsKeyId", "SourceDBClusterSnapshotArn",
		"IAMDatabaseAuthenticationEnabled", "StorageType",
		"StorageThroughput", "DbClusterResourceId", "DBSystemId",
	};
	size_t		i;

	CHECK_INTEQ(r->kind, RDS_REPLY_OK);
	CHECK(r->invalid_reason == NULL);
	CHECK_STREQ(r->request_id, "2e861f29-7a9b-11e6-94c8-21ac69ee8f8c");
	CHECK(r->marker == NULL);
	CHECK(r->error_code == NULL && r->error_message == NULL && r->error_type == NULL);
	if (!CHECK_INTEQ(r->nsnapshots, 1) || !CHECK(r->snapshots != NULL))
		return;
	s = &r->snapshots[0];
	CHECK_STREQ(value_of(s, "MasterUsername"), "mymasteruser");
	CHECK_STREQ(value_of(s, "AllocatedStorage"), "1");
	CHECK_STREQ(value_of(s, "SnapshotType"), "manual");
	CHECK_STREQ(value_of(s, "StorageEncrypted"), "false");
	CHECK_STREQ(value_of(s, "Engine"), "aurora");
	CHECK_STREQ(value_of(s, "Port"), "0");
	CHECK_STREQ(value_of(s, "LicenseModel"), "aurora");
	CHECK_STREQ(value_of(s, "SnapshotCreateTime"), "2016-09-14T10:38:05.616Z");
	CHECK_STREQ(value_of(s, "PercentProgress"), "100");
	CHECK_STREQ(value_of(s, "VpcId"), "vpc-e97e7d8d");
	CHECK_STREQ(value_of(s, "DBClusterSnapshotIdentifier"), "cluster-snapshot-copy-1");
	CHECK_STREQ(value_of(s, "DBClusterSnapshotArn"),
				"arn:aws:rds:us-west-2:123456789012:cluster-snapshot:cluster-snapshot-copy-1");
	CHECK_STREQ(value_of(s, "DBClusterIdentifier"), "sample-cluster");
	CHECK_STREQ(value_of(s, "ClusterCreateTime"), "2016-09-13T16:57:52.695Z");
	CHECK_STREQ(value_of(s, "Status"), "available");
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
	{
		UNIT_CONTEXT("absent member %s", absent[i]);
		CHECK(field_index(absent[i]) >= 0);
		CHECK(value_of(s, absent[i]) == NULL);
	}
	UNIT_CONTEXT(NULL);
	/* list members have no scalar value */
	CHECK(s->values[field_index("AvailabilityZones")] == NULL);
	CHECK(s->values[field_index("TagList")] == NULL);

	CHECK(s->has_zones);
	if (CHECK_INTEQ(s->nzones, 3))
	{
		CHECK_STREQ(s->zones[0], "us-west-2a");
		CHECK_STREQ(s->zones[1], "us-west-2b");
		CHECK_STREQ(s->zones[2], "us-west-2c");
	}
	CHECK(!s->has_tags);
	CHECK_INTEQ(s->ntags, 0);
}

static void
test_aws_example(void)
{
	RdsReply	r;

	CHECK_INTEQ(parse(aws_example, COPY, &r), RDS_REPLY_OK);
	check_example_snapshot(&r);
	FREE_REPLY(&r);

	/* element order does not matter; unknown elements are ignored */
	CHECK_INTEQ(parse(aws_example_reordered, COPY, &r), RDS_REPLY_OK);
	check_example_snapshot(&r);
	FREE_REPLY(&r);

	/* the length argument is honoured: a body not NUL-terminated */
	{
		size_t		len = strlen(aws_example);
		char	   *copy = malloc(len);

		if (copy == NULL)
			abort();
		memcpy(copy, aws_example, len);
		CHECK_INTEQ(RdsXmlParseReply(copy, len, COPY, &r), RDS_REPLY_OK);
		check_example_snapshot(&r);
		FREE_REPLY(&r);
		free(copy);
	}

	/* a Copy reply is not a Describe reply */
	CHECK_INVALID(aws_example, DESCRIBE);
	CHECK_INVALID(aws_example, "DeleteDBClusterSnapshot");
}

/* The member table: every member of the model, with the model's type. */
static void
test_field_table(void)
{
	static const struct
	{
		const char *aws_name;
		const char *sql_name;
		RdsFieldType type;
	}			expected[] = {
		{"AvailabilityZones", "availability_zones", RDS_FIELD_ZONES},
		{"DBClusterSnapshotIdentifier", "db_cluster_snapshot_identifier", RDS_FIELD_TEXT},
		{"DBClusterIdentifier", "db_cluster_identifier", RDS_FIELD_TEXT},
		{"SnapshotCreateTime", "snapshot_create_time", RDS_FIELD_TIMESTAMP},
		{"Engine", "engine", RDS_FIELD_TEXT},
		{"EngineMode", "engine_mode", RDS_FIELD_TEXT},
		{"AllocatedStorage", "allocated_storage", RDS_FIELD_INT},
		{"Status", "status", RDS_FIELD_TEXT},
		{"Port", "port", RDS_FIELD_INT},
		{"VpcId", "vpc_id", RDS_FIELD_TEXT},
		{"ClusterCreateTime", "cluster_create_time", RDS_FIELD_TIMESTAMP},
		{"MasterUsername", "master_username", RDS_FIELD_TEXT},
		{"EngineVersion", "engine_version", RDS_FIELD_TEXT},
		{"LicenseModel", "license_model", RDS_FIELD_TEXT},
		{"SnapshotType", "snapshot_type", RDS_FIELD_TEXT},
		{"PercentProgress", "percent_progress", RDS_FIELD_INT},
		{"StorageEncrypted", "storage_encrypted", RDS_FIELD_BOOL},
		{"BackupRetentionPeriod", "backup_retention_period", RDS_FIELD_INT},
		{"PreferredBackupWindow", "preferred_backup_window", RDS_FIELD_TEXT},
		{"KmsKeyId", "kms_key_id", RDS_FIELD_TEXT},
		{"DBClusterSnapshotArn", "db_cluster_snapshot_arn", RDS_FIELD_TEXT},
		{"SourceDBClusterSnapshotArn", "source_db_cluster_snapshot_arn", RDS_FIELD_TEXT},
		{"IAMDatabaseAuthenticationEnabled", "iam_database_authentication_enabled", RDS_FIELD_BOOL},
		{"TagList", "tags", RDS_FIELD_TAGS},
		{"StorageType", "storage_type", RDS_FIELD_TEXT},
		{"StorageThroughput", "storage_throughput", RDS_FIELD_INT},
		{"DbClusterResourceId", "db_cluster_resource_id", RDS_FIELD_TEXT},
		{"DBSystemId", "db_system_id", RDS_FIELD_TEXT},
		/* 1.1, after the request_id column (botocore 1.43's rds model) */
		{"StorageEncryptionType", "storage_encryption_type", RDS_FIELD_TEXT},
	};
	size_t		i;

	CHECK_INTEQ(sizeof(expected) / sizeof(expected[0]), RDS_SNAPSHOT_NFIELDS);
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
	{
		int			j = field_index(expected[i].aws_name);

		UNIT_CONTEXT("field %s", expected[i].aws_name);
		if (!CHECK(j >= 0))
			continue;
		CHECK_STREQ(RdsSnapshotFields[j].sql_name, expected[i].sql_name);
		CHECK_INTEQ(RdsSnapshotFields[j].type, expected[i].type);
		/* names are unique */
		CHECK_INTEQ(j, (int) i);
	}
	UNIT_CONTEXT(NULL);
}

/* A reply with every member, as the newest model has them, and tags. */
static void
test_all_members(void)
{
	static const char inner[] =
		"<StorageEncryptionType>sse-rds</StorageEncryptionType>"
		"<DBSystemId>sys-1</DBSystemId>"
		"<DbClusterResourceId>cluster-ABCDEFGHIJ</DbClusterResourceId>"
		"<StorageThroughput>125</StorageThroughput>"
		"<StorageType>aurora-iopt1</StorageType>"
		"<TagList>"
		"<Tag><Key>Name</Key><Value>prod copy</Value></Tag>"
		"<Tag><Value>v-before-k</Value><Key>k2</Key></Tag>"
		"<Tag><Key>novalue</Key></Tag>"
		"<Tag><Key>empty</Key><Value/></Tag>"
		"<Tag><Key>esc</Key><Value>a &amp; b &lt;c&gt; &#233;&#x20AC;</Value></Tag>"
		"</TagList>"
		"<IAMDatabaseAuthenticationEnabled>true</IAMDatabaseAuthenticationEnabled>"
		"<SourceDBClusterSnapshotArn>arn:aws:rds:us-west-2:123456789012:cluster-snapshot:src</SourceDBClusterSnapshotArn>"
		"<DBClusterSnapshotArn>arn:aws:rds:us-east-1:123456789012:cluster-snapshot:dst</DBClusterSnapshotArn>"
		"<KmsKeyId>arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab</KmsKeyId>"
		"<PreferredBackupWindow>07:00-09:00</PreferredBackupWindow>"
		"<BackupRetentionPeriod>7</BackupRetentionPeriod>"
		"<StorageEncrypted>true</StorageEncrypted>"
		"<PercentProgress>42</PercentProgress>"
		"<SnapshotType>manual</SnapshotType>"
		"<LicenseModel>postgresql-license</LicenseModel>"
		"<EngineVersion>15.4</EngineVersion>"
		"<MasterUsername>postgres</MasterUsername>"
		"<ClusterCreateTime>2023-01-01T00:00:00.806315Z</ClusterCreateTime>"
		"<VpcId>vpc-1</VpcId>"
		"<Port>5432</Port>"
		"<Status>copying</Status>"
		"<AllocatedStorage>2147483647</AllocatedStorage>"
		"<EngineMode>provisioned</EngineMode>"
		"<Engine>aurora-postgresql</Engine>"
		"<SnapshotCreateTime>2023-01-02T03:04:05+00:00</SnapshotCreateTime>"
		"<DBClusterIdentifier>c1</DBClusterIdentifier>"
		"<DBClusterSnapshotIdentifier><![CDATA[dst]]></DBClusterSnapshotIdentifier>"
		"<AvailabilityZones/>";
	RdsReply	r;
	const RdsSnapshot *s;
	int			i;

	CHECK_INTEQ(parse_snapshot(inner, &r), RDS_REPLY_OK);
	CHECK_STREQ(r.request_id, "req-1");
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		s = &r.snapshots[0];
		for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
		{
			RdsFieldType t = RdsSnapshotFields[i].type;

			UNIT_CONTEXT("member %s", RdsSnapshotFields[i].aws_name);
			if (t == RDS_FIELD_ZONES || t == RDS_FIELD_TAGS)
				CHECK(s->values[i] == NULL);
			else
				CHECK(s->values[i] != NULL);
		}
		UNIT_CONTEXT(NULL);
		CHECK_STREQ(value_of(s, "DBSystemId"), "sys-1");
		CHECK_STREQ(value_of(s, "StorageEncryptionType"), "sse-rds");
		CHECK_STREQ(value_of(s, "DbClusterResourceId"), "cluster-ABCDEFGHIJ");
		CHECK_STREQ(value_of(s, "StorageThroughput"), "125");
		CHECK_STREQ(value_of(s, "StorageType"), "aurora-iopt1");
		CHECK_STREQ(value_of(s, "IAMDatabaseAuthenticationEnabled"), "true");
		CHECK_STREQ(value_of(s, "SourceDBClusterSnapshotArn"),
					"arn:aws:rds:us-west-2:123456789012:cluster-snapshot:src");
		CHECK_STREQ(value_of(s, "KmsKeyId"),
					"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
		CHECK_STREQ(value_of(s, "PreferredBackupWindow"), "07:00-09:00");
		CHECK_STREQ(value_of(s, "BackupRetentionPeriod"), "7");
		CHECK_STREQ(value_of(s, "StorageEncrypted"), "true");
		CHECK_STREQ(value_of(s, "PercentProgress"), "42");
		CHECK_STREQ(value_of(s, "EngineVersion"), "15.4");
		CHECK_STREQ(value_of(s, "ClusterCreateTime"), "2023-01-01T00:00:00.806315Z");
		CHECK_STREQ(value_of(s, "Port"), "5432");
		CHECK_STREQ(value_of(s, "Status"), "copying");
		CHECK_STREQ(value_of(s, "AllocatedStorage"), "2147483647");
		CHECK_STREQ(value_of(s, "EngineMode"), "provisioned");
		CHECK_STREQ(value_of(s, "SnapshotCreateTime"), "2023-01-02T03:04:05+00:00");
		CHECK_STREQ(value_of(s, "DBClusterSnapshotIdentifier"), "dst");
		/* <AvailabilityZones/>: present and empty */
		CHECK(s->has_zones);
		CHECK_INTEQ(s->nzones, 0);
		CHECK(s->has_tags);
		if (CHECK_INTEQ(s->ntags, 5))
		{
			CHECK_STREQ(s->tags[0].key, "Name");
			CHECK_STREQ(s->tags[0].value, "prod copy");
			CHECK_STREQ(s->tags[1].key, "k2");
			CHECK_STREQ(s->tags[1].value, "v-before-k");
			/* a tag without a Value has the empty value */
			CHECK_STREQ(s->tags[2].key, "novalue");
			CHECK_STREQ(s->tags[2].value, "");
			CHECK_STREQ(s->tags[3].key, "empty");
			CHECK_STREQ(s->tags[3].value, "");
			/* predefined entities and character references are text */
			CHECK_STREQ(s->tags[4].key, "esc");
			CHECK_STREQ(s->tags[4].value, "a & b <c> \xc3\xa9\xe2\x82\xac");
		}
	}
	FREE_REPLY(&r);
}

/* <TagList/> is an empty list; no TagList is "no tags reported". */
static void
test_taglist_empty_vs_absent(void)
{
	RdsReply	r;

	CHECK_INTEQ(parse_snapshot("<DBClusterSnapshotIdentifier>a</DBClusterSnapshotIdentifier><TagList/>", &r),
				RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		CHECK(r.snapshots[0].has_tags);
		CHECK_INTEQ(r.snapshots[0].ntags, 0);
		CHECK(!r.snapshots[0].has_zones);
		CHECK_STREQ(value_of(&r.snapshots[0], "DBClusterSnapshotIdentifier"), "a");
	}
	FREE_REPLY(&r);

	CHECK_INTEQ(parse_snapshot("<TagList>\n  </TagList>", &r), RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		CHECK(r.snapshots[0].has_tags);
		CHECK_INTEQ(r.snapshots[0].ntags, 0);
	}
	FREE_REPLY(&r);

	CHECK_INTEQ(parse_snapshot("<DBClusterSnapshotIdentifier>a</DBClusterSnapshotIdentifier>", &r),
				RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		CHECK(!r.snapshots[0].has_tags);
		CHECK_INTEQ(r.snapshots[0].ntags, 0);
		CHECK(r.snapshots[0].tags == NULL);
		CHECK(!r.snapshots[0].has_zones);
		CHECK(r.snapshots[0].zones == NULL);
	}
	FREE_REPLY(&r);

	/* an empty snapshot element is still one snapshot, with nothing set */
	CHECK_INTEQ(parse_snapshot("", &r), RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		int			i;

		for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
			CHECK(r.snapshots[0].values[i] == NULL);
	}
	FREE_REPLY(&r);
}

/* Elements of another namespace are not RDS members, even with RDS names. */
static void
test_foreign_namespace_members(void)
{
	RdsReply	r;

	CHECK_INTEQ(parse_snapshot(
							   "<x:Port xmlns:x=\"urn:other\">not-an-int</x:Port>"
							   "<Port>3306</Port>"
							   "<x:Engine xmlns:x=\"urn:other\">evil</x:Engine>"
							   "<Engine>aurora-mysql</Engine>"
							   "<TagList><x:Tag xmlns:x=\"urn:other\"><x:Key>k</x:Key></x:Tag></TagList>", &r),
				RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		CHECK_STREQ(value_of(&r.snapshots[0], "Port"), "3306");
		CHECK_STREQ(value_of(&r.snapshots[0], "Engine"), "aurora-mysql");
		CHECK(r.snapshots[0].has_tags);
		CHECK_INTEQ(r.snapshots[0].ntags, 0);
	}
	FREE_REPLY(&r);

	/* an un-namespaced result inside an RDS root is not the result */
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<CopyDBClusterSnapshotResult xmlns=\"\"><DBClusterSnapshot/></CopyDBClusterSnapshotResult>"
				  "</CopyDBClusterSnapshotResponse>", COPY);
	/* a prefixed RDS root whose children are in no namespace */
	CHECK_INVALID("<rds:CopyDBClusterSnapshotResponse xmlns:rds=\"" NS_2014_10_31 "\">"
				  "<CopyDBClusterSnapshotResult><DBClusterSnapshot/></CopyDBClusterSnapshotResult>"
				  "</rds:CopyDBClusterSnapshotResponse>", COPY);
	/* ... and a prefixed document where everything is prefixed is fine */
	CHECK_INTEQ(parse("<rds:CopyDBClusterSnapshotResponse xmlns:rds=\"" NS_2014_10_31 "\">"
					  "<rds:CopyDBClusterSnapshotResult><rds:DBClusterSnapshot>"
					  "<rds:Status>available</rds:Status>"
					  "</rds:DBClusterSnapshot></rds:CopyDBClusterSnapshotResult>"
					  "</rds:CopyDBClusterSnapshotResponse>", COPY, &r), RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
		CHECK_STREQ(value_of(&r.snapshots[0], "Status"), "available");
	CHECK(r.request_id == NULL);
	FREE_REPLY(&r);
}

/*
 * A member sent twice: the first one counts, and (under SAN=1) the second
 * one neither leaks nor overwrites it.
 */
static void
test_repeated_members(void)
{
	RdsReply	r;

	CHECK_INTEQ(parse_snapshot("<Port>1</Port><Port>2</Port>"
							   "<AvailabilityZones><AvailabilityZone>a</AvailabilityZone></AvailabilityZones>"
							   "<AvailabilityZones><AvailabilityZone>b</AvailabilityZone>"
							   "<AvailabilityZone>c</AvailabilityZone></AvailabilityZones>"
							   "<TagList><Tag><Key>k1</Key><Value>v1</Value></Tag></TagList>"
							   "<TagList/>", &r), RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		const RdsSnapshot *s = &r.snapshots[0];

		CHECK_STREQ(value_of(s, "Port"), "1");
		if (CHECK_INTEQ(s->nzones, 1))
			CHECK_STREQ(s->zones[0], "a");
		if (CHECK_INTEQ(s->ntags, 1))
			CHECK_STREQ(s->tags[0].value, "v1");
	}
	FREE_REPLY(&r);
}

/* ---------------------------------------------------------------------
 * Describe
 * ---------------------------------------------------------------------
 */

static void
test_describe(void)
{
	static const char two[] =
		"<DescribeDBClusterSnapshotsResponse xmlns=\"" NS_2014_10_31 "\">\n"
		"  <DescribeDBClusterSnapshotsResult>\n"
		"    <DBClusterSnapshots>\n"
		"      <DBClusterSnapshot>\n"
		"        <DBClusterSnapshotIdentifier>snap-a</DBClusterSnapshotIdentifier>\n"
		"        <Status>available</Status>\n"
		"        <PercentProgress>100</PercentProgress>\n"
		"        <TagList><Tag><Key>a</Key><Value>1</Value></Tag></TagList>\n"
		"      </DBClusterSnapshot>\n"
		"      <DBClusterSnapshot>\n"
		"        <DBClusterSnapshotIdentifier>snap-b</DBClusterSnapshotIdentifier>\n"
		"        <Status>copying</Status>\n"
		"        <PercentProgress>3</PercentProgress>\n"
		"        <AvailabilityZones><AvailabilityZone>eu-west-1a</AvailabilityZone></AvailabilityZones>\n"
		"      </DBClusterSnapshot>\n"
		"    </DBClusterSnapshots>\n"
		"    <Marker>eyJuZXh0IjogMn0=</Marker>\n"
		"  </DescribeDBClusterSnapshotsResult>\n"
		"  <ResponseMetadata><RequestId>d-1</RequestId></ResponseMetadata>\n"
		"</DescribeDBClusterSnapshotsResponse>\n";
	static const char marker_first[] =
		"<DescribeDBClusterSnapshotsResponse xmlns=\"" NS_2014_10_31 "\">"
		"<DescribeDBClusterSnapshotsResult><Marker>m2</Marker>"
		"<DBClusterSnapshots><DBClusterSnapshot><Status>available</Status></DBClusterSnapshot></DBClusterSnapshots>"
		"</DescribeDBClusterSnapshotsResult></DescribeDBClusterSnapshotsResponse>";
	static const char none[] =
		"<DescribeDBClusterSnapshotsResponse xmlns=\"" NS_2014_10_31 "\">"
		"<DescribeDBClusterSnapshotsResult><DBClusterSnapshots/></DescribeDBClusterSnapshotsResult>"
		"<ResponseMetadata><RequestId>d-3</RequestId></ResponseMetadata>"
		"</DescribeDBClusterSnapshotsResponse>";
	RdsReply	r;

	CHECK_INTEQ(parse(two, DESCRIBE, &r), RDS_REPLY_OK);
	CHECK_STREQ(r.marker, "eyJuZXh0IjogMn0=");
	CHECK_STREQ(r.request_id, "d-1");
	if (CHECK_INTEQ(r.nsnapshots, 2))
	{
		CHECK_STREQ(value_of(&r.snapshots[0], "DBClusterSnapshotIdentifier"), "snap-a");
		CHECK_STREQ(value_of(&r.snapshots[0], "Status"), "available");
		CHECK_STREQ(value_of(&r.snapshots[0], "PercentProgress"), "100");
		CHECK(r.snapshots[0].has_tags);
		CHECK(!r.snapshots[0].has_zones);
		if (CHECK_INTEQ(r.snapshots[0].ntags, 1))
		{
			CHECK_STREQ(r.snapshots[0].tags[0].key, "a");
			CHECK_STREQ(r.snapshots[0].tags[0].value, "1");
		}
		CHECK_STREQ(value_of(&r.snapshots[1], "DBClusterSnapshotIdentifier"), "snap-b");
		CHECK_STREQ(value_of(&r.snapshots[1], "Status"), "copying");
		CHECK_STREQ(value_of(&r.snapshots[1], "PercentProgress"), "3");
		CHECK(!r.snapshots[1].has_tags);
		CHECK(r.snapshots[1].has_zones);
		if (CHECK_INTEQ(r.snapshots[1].nzones, 1))
			CHECK_STREQ(r.snapshots[1].zones[0], "eu-west-1a");
	}
	FREE_REPLY(&r);

	CHECK_INTEQ(parse(marker_first, DESCRIBE, &r), RDS_REPLY_OK);
	CHECK_STREQ(r.marker, "m2");
	CHECK(r.request_id == NULL);
	CHECK_INTEQ(r.nsnapshots, 1);
	FREE_REPLY(&r);

	CHECK_INTEQ(parse(none, DESCRIBE, &r), RDS_REPLY_OK);
	CHECK_INTEQ(r.nsnapshots, 0);
	CHECK(r.marker == NULL);
	CHECK_STREQ(r.request_id, "d-3");
	FREE_REPLY(&r);

	/* a bad member in the second snapshot spoils the whole reply */
	CHECK_INVALID("<DescribeDBClusterSnapshotsResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<DescribeDBClusterSnapshotsResult><DBClusterSnapshots>"
				  "<DBClusterSnapshot><Port>1</Port></DBClusterSnapshot>"
				  "<DBClusterSnapshot><Port>x</Port></DBClusterSnapshot>"
				  "</DBClusterSnapshots></DescribeDBClusterSnapshotsResult>"
				  "</DescribeDBClusterSnapshotsResponse>", DESCRIBE);
	/* the Describe reply is not a Copy reply */
	CHECK_INVALID(two, COPY);

	/* Delete has the Copy shape under its own result element */
	CHECK_INTEQ(parse("<DeleteDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
					  "<DeleteDBClusterSnapshotResult><DBClusterSnapshot><Status>deleted</Status>"
					  "</DBClusterSnapshot></DeleteDBClusterSnapshotResult>"
					  "</DeleteDBClusterSnapshotResponse>", "DeleteDBClusterSnapshot", &r),
				RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
		CHECK_STREQ(value_of(&r.snapshots[0], "Status"), "deleted");
	FREE_REPLY(&r);
}

/* ---------------------------------------------------------------------
 * errors
 * ---------------------------------------------------------------------
 */

static void
test_error_response(void)
{
	/* moto 5.2.1, the shape AWS sends */
	static const char moto_error[] =
		"<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\n"
		"  <Error><Type>Sender</Type><Code>DBClusterSnapshotNotFoundFault</Code>"
		"<Message>DBClusterSnapshot nope not found.</Message></Error>\n"
		"  <RequestId>YUgk29tlRya64hjMhalILWUwlTViBcUkJK31F4USuXfthYfLCjus</RequestId>\n"
		"</ErrorResponse>\n";
	/* older moto: no namespace */
	static const char old_moto_error[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<ErrorResponse>\n"
		"    <Error>\n"
		"        <Code>DBClusterSnapshotNotFoundError</Code>\n"
		"        <Message>DBClusterSnapshot nope not found.</Message>\n"
		"        <Type>Sender</Type>\n"
		"    </Error>\n"
		"    <RequestId>6876f774-7273-11e4-85dc-39e55ca848d1</RequestId>\n"
		"</ErrorResponse>";
	RdsReply	r;

	CHECK_INTEQ(parse(moto_error, COPY, &r), RDS_REPLY_ERROR);
	CHECK_INTEQ(r.kind, RDS_REPLY_ERROR);
	CHECK(r.invalid_reason == NULL);
	CHECK_STREQ(r.error_type, "Sender");
	CHECK_STREQ(r.error_code, "DBClusterSnapshotNotFoundFault");
	CHECK_STREQ(r.error_message, "DBClusterSnapshot nope not found.");
	CHECK_STREQ(r.request_id, "YUgk29tlRya64hjMhalILWUwlTViBcUkJK31F4USuXfthYfLCjus");
	CHECK_INTEQ(r.nsnapshots, 0);
	CHECK(r.snapshots == NULL);
	FREE_REPLY(&r);

	/* the action does not matter for an error reply */
	CHECK_INTEQ(parse(moto_error, DESCRIBE, &r), RDS_REPLY_ERROR);
	CHECK_STREQ(r.error_code, "DBClusterSnapshotNotFoundFault");
	FREE_REPLY(&r);

	CHECK_INTEQ(parse(old_moto_error, COPY, &r), RDS_REPLY_ERROR);
	CHECK_STREQ(r.error_type, "Sender");
	CHECK_STREQ(r.error_code, "DBClusterSnapshotNotFoundError");
	CHECK_STREQ(r.error_message, "DBClusterSnapshot nope not found.");
	CHECK_STREQ(r.request_id, "6876f774-7273-11e4-85dc-39e55ca848d1");
	FREE_REPLY(&r);

	/* <Errors><Error> wrapping, no Type or Message, escaped text */
	CHECK_INTEQ(parse("<Response><Errors><Error><Code>SignatureDoesNotMatch</Code>"
					  "<Message>a &lt;b&gt; &amp; &quot;c&quot; &#233;</Message></Error></Errors>"
					  "<RequestID>x</RequestID></Response>", COPY, &r), RDS_REPLY_ERROR);
	CHECK_STREQ(r.error_code, "SignatureDoesNotMatch");
	CHECK_STREQ(r.error_message, "a <b> & \"c\" \xc3\xa9");
	CHECK(r.error_type == NULL);
	CHECK(r.request_id == NULL);
	FREE_REPLY(&r);

	CHECK_INTEQ(parse("<ErrorResponse xmlns=\"" NS_2014_10_31 "\"><Error><Code>Throttling</Code>"
					  "</Error></ErrorResponse>", COPY, &r), RDS_REPLY_ERROR);
	CHECK_STREQ(r.error_code, "Throttling");
	CHECK(r.error_message == NULL);
	CHECK(r.error_type == NULL);
	CHECK(r.request_id == NULL);
	FREE_REPLY(&r);

	/* error replies that say nothing usable */
	CHECK_INVALID("<ErrorResponse xmlns=\"" NS_2014_10_31 "\"><RequestId>x</RequestId></ErrorResponse>", COPY);
	CHECK_INVALID("<ErrorResponse xmlns=\"" NS_2014_10_31 "\"><Error><Message>m</Message></Error></ErrorResponse>", COPY);
	CHECK_INVALID("<ErrorResponse xmlns=\"" NS_2014_10_31 "\"><Error><Code></Code></Error></ErrorResponse>", COPY);
	CHECK_INVALID("<ErrorResponse xmlns=\"" NS_2014_10_31 "\"><Error><Code/></Error></ErrorResponse>", COPY);
	/* a namespaced root whose Error is in no namespace */
	CHECK_INVALID("<ErrorResponse xmlns=\"" NS_2014_10_31 "\"><Error xmlns=\"\"><Code>X</Code></Error></ErrorResponse>", COPY);
	/* an error in another service's namespace */
	CHECK_INVALID("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Code>X</Code></Error></ErrorResponse>", COPY);
	/* an over-long error message */
	{
		char	   *big = repeat('m', 65537);
		size_t		n = strlen(big) + 200;
		char	   *body = malloc(n);

		if (body == NULL)
			abort();
		snprintf(body, n, "<ErrorResponse><Error><Code>X</Code><Message>%s</Message></Error></ErrorResponse>", big);
		CHECK_INVALID(body, COPY);
		free(body);
		free(big);
	}
}

/* The old moto template (namespace 2014-09-01) still parses. */
static void
test_old_moto_namespace(void)
{
	static const char body[] =
		"<CopyDBClusterSnapshotResponse xmlns=\"http://rds.amazonaws.com/doc/2014-09-01/\">\n"
		"  <CopyDBClusterSnapshotResult>\n"
		"  <DBClusterSnapshot>\n"
		"    <DBClusterSnapshotIdentifier>snap-copy</DBClusterSnapshotIdentifier>\n"
		"    <SnapshotCreateTime>2023-05-06T07:08:09.123Z</SnapshotCreateTime>\n"
		"    <DBClusterIdentifier>cluster-1</DBClusterIdentifier>\n"
		"    <ClusterCreateTime>2023-05-06T07:08:09.123Z</ClusterCreateTime>\n"
		"    <PercentProgress>100</PercentProgress>\n"
		"    <AllocatedStorage>1</AllocatedStorage>\n"
		"    <MasterUsername>root</MasterUsername>\n"
		"    <Port>5432</Port>\n"
		"    <Engine>aurora-postgresql</Engine>\n"
		"    <Status>available</Status>\n"
		"    <SnapshotType>manual</SnapshotType>\n"
		"    <DBClusterSnapshotArn>arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap-copy</DBClusterSnapshotArn>\n"
		"    <SourceRegion>us-east-1</SourceRegion>\n"
		"    <StorageType>gp2</StorageType>\n"
		"    <TagList><Tag><Key>k1</Key><Value>v1</Value></Tag><Tag><Key>k2</Key><Value>v2</Value></Tag></TagList>\n"
		"    <Timezone></Timezone>\n"
		"    <LicenseModel>postgresql-license</LicenseModel>\n"
		"  </DBClusterSnapshot>\n"
		"  </CopyDBClusterSnapshotResult>\n"
		"  <ResponseMetadata>\n"
		"    <RequestId>523e3218-afc7-11c3-90f5-f90431260ab4</RequestId>\n"
		"  </ResponseMetadata>\n"
		"</CopyDBClusterSnapshotResponse>\n";
	RdsReply	r;

	CHECK_INTEQ(parse(body, COPY, &r), RDS_REPLY_OK);
	CHECK_STREQ(r.request_id, "523e3218-afc7-11c3-90f5-f90431260ab4");
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		const RdsSnapshot *s = &r.snapshots[0];

		CHECK_STREQ(value_of(s, "DBClusterSnapshotIdentifier"), "snap-copy");
		CHECK_STREQ(value_of(s, "SnapshotCreateTime"), "2023-05-06T07:08:09.123Z");
		CHECK_STREQ(value_of(s, "Port"), "5432");
		CHECK_STREQ(value_of(s, "StorageType"), "gp2");
		CHECK_STREQ(value_of(s, "LicenseModel"), "postgresql-license");
		CHECK(!s->has_zones);
		CHECK(s->has_tags);
		if (CHECK_INTEQ(s->ntags, 2))
		{
			CHECK_STREQ(s->tags[0].key, "k1");
			CHECK_STREQ(s->tags[0].value, "v1");
			CHECK_STREQ(s->tags[1].key, "k2");
			CHECK_STREQ(s->tags[1].value, "v2");
		}
	}
	FREE_REPLY(&r);
}

/* ---------------------------------------------------------------------
 * rejections
 * ---------------------------------------------------------------------
 */

static void
test_not_xml(void)
{
	char		truncated[sizeof(aws_example)];
	size_t		cut;

	CHECK(check_invalid_len("", 0, COPY, __FILE__, __LINE__));
	/* length 0 even though the buffer holds a good reply */
	CHECK(check_invalid_len(aws_example, 0, COPY, __FILE__, __LINE__));
	CHECK_INVALID(" ", COPY);
	CHECK_INVALID("\n\n", COPY);
	CHECK_INVALID("not xml at all", COPY);
	CHECK_INVALID("{\"DBClusterSnapshot\": {}}", COPY);
	CHECK_INVALID("<html><body><h1>502 Bad Gateway</h1></body></html>", COPY);
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">", COPY);
	CHECK_INVALID("<a></b>", COPY);
	CHECK_INVALID("<?xml version=\"1.0\"?>", COPY);
	/* two roots */
	CHECK_INVALID("<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse><ErrorResponse/>", COPY);
	/* an undeclared entity (no DTD can declare it) */
	CHECK_INVALID("<ErrorResponse><Error><Code>X</Code><Message>&xxe;</Message></Error></ErrorResponse>", COPY);
	/* a NUL byte inside */
	{
		static const char nul[] = "<ErrorResponse><Error><Code>X\0Y</Code></Error></ErrorResponse>";

		CHECK(check_invalid_len(nul, sizeof(nul) - 1, COPY, __FILE__, __LINE__));
	}

	/* every truncation of a good reply is refused */
	for (cut = 1; cut < strlen(aws_example) - 1; cut += 7)
	{
		UNIT_CONTEXT("truncated at %zu", cut);
		memcpy(truncated, aws_example, cut);
		CHECK(check_invalid_len(truncated, cut, COPY, __FILE__, __LINE__));
	}
	UNIT_CONTEXT(NULL);
	/* ... up to the last '>' */
	CHECK(check_invalid_len(aws_example, strlen(aws_example) - 2, COPY, __FILE__, __LINE__));
}

/* An UTF-16LE copy (with BOM) of an ASCII string; *len gets its length. */
static char *
utf16le(const char *s, size_t *len)
{
	size_t		n = strlen(s);
	char	   *out = malloc(2 * n + 2);
	size_t		i;

	if (out == NULL)
		abort();
	out[0] = (char) 0xFF;
	out[1] = (char) 0xFE;
	for (i = 0; i < n; i++)
	{
		out[2 + 2 * i] = s[i];
		out[3 + 2 * i] = '\0';
	}
	*len = 2 * n + 2;
	return out;
}

static void
check_hostile(const char *body, size_t len, const char *marker,
			  const char *file, int line)
{
	RdsReply	r;
	int			calls = loader_calls;

	RdsXmlParseReply(body, len, COPY, &r);
	unit_check(r.kind == RDS_REPLY_INVALID, file, line, "kind == RDS_REPLY_INVALID");
	unit_check(r.invalid_reason != NULL, file, line, "invalid_reason != NULL");
	unit_check(!reply_contains(&r, "root:"), file, line, "reply never holds \"root:\"");
	unit_check(!reply_contains(&r, "lol"), file, line, "no entity was expanded");
	if (marker != NULL)
		unit_check(!reply_contains(&r, marker), file, line, "the marker file was not read");
	unit_check(loader_calls == calls, file, line, "no external entity was loaded");
	free_reply(&r, file, line);
}
#define CHECK_HOSTILE(body, marker) \
	check_hostile((body), strlen(body), (marker), __FILE__, __LINE__)

static void
test_doctype_and_entities(void)
{
	static const char billion_laughs[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<ErrorResponse><Error><Code>X</Code><Message>&lol9;</Message></Error></ErrorResponse>\n";
	static const char xxe_passwd[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE ErrorResponse [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
		"<ErrorResponse><Error><Code>X</Code><Message>&xxe;</Message></Error></ErrorResponse>\n";
	static const char xxe_success[] =
		"<!DOCTYPE CopyDBClusterSnapshotResponse [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>"
		"<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
		"<CopyDBClusterSnapshotResult><DBClusterSnapshot><Engine>&xxe;</Engine>"
		"</DBClusterSnapshot></CopyDBClusterSnapshotResult></CopyDBClusterSnapshotResponse>";
	static const char xxe_parameter[] =
		"<!DOCTYPE ErrorResponse [ <!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p; ]>"
		"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>";
	static const char external_dtd[] =
		"<!DOCTYPE ErrorResponse SYSTEM \"file:///etc/passwd\">"
		"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>";
	static const char network_dtd[] =
		"<!DOCTYPE ErrorResponse PUBLIC \"-//x//y\" \"http://127.0.0.1:9/x.dtd\">"
		"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>";
	static const char internal_only[] =
		"<!DOCTYPE ErrorResponse [ <!ENTITY c \"Throttling\"> ]>"
		"<ErrorResponse><Error><Code>&c;</Code></Error></ErrorResponse>";
	static const char empty_doctype[] =
		"<!DOCTYPE ErrorResponse>"
		"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>";
	char		marker_path[] = "/tmp/rds_copy_xml_XXXXXX";
	char		body[512];
	int			fd;
	size_t		len;
	char	   *wide;

	CHECK_HOSTILE(billion_laughs, NULL);
	CHECK_HOSTILE(xxe_passwd, NULL);
	CHECK_HOSTILE(xxe_success, NULL);
	CHECK_HOSTILE(xxe_parameter, NULL);
	CHECK_HOSTILE(external_dtd, NULL);
	CHECK_HOSTILE(network_dtd, NULL);
	CHECK_HOSTILE(internal_only, NULL);
	CHECK_HOSTILE(empty_doctype, NULL);

	/* a file of our own, so "not read" does not depend on /etc/passwd */
	fd = mkstemp(marker_path);
	if (CHECK(fd >= 0))
	{
		static const char secret[] = "MARKER-7f3a9c";

		CHECK(write(fd, secret, strlen(secret)) == (ssize_t) strlen(secret));
		close(fd);
		snprintf(body, sizeof(body),
				 "<!DOCTYPE ErrorResponse [ <!ENTITY xxe SYSTEM \"file://%s\"> ]>"
				 "<ErrorResponse><Error><Code>X</Code><Message>&xxe;</Message></Error></ErrorResponse>",
				 marker_path);
		CHECK_HOSTILE(body, secret);

		/* the same in UTF-16, where no byte sequence "<!DOCTYPE" appears */
		wide = utf16le(body, &len);
		check_hostile(wide, len, secret, __FILE__, __LINE__);
		free(wide);
		unlink(marker_path);
	}

	/* UTF-16 billion laughs and /etc/passwd */
	wide = utf16le(billion_laughs + strlen("<?xml version=\"1.0\"?>\n"), &len);
	check_hostile(wide, len, NULL, __FILE__, __LINE__);
	free(wide);
	wide = utf16le(xxe_passwd + strlen("<?xml version=\"1.0\"?>\n"), &len);
	check_hostile(wide, len, NULL, __FILE__, __LINE__);
	free(wide);

	/* a good reply in UTF-16 still parses (so the check above is meaningful) */
	{
		RdsReply	r;

		wide = utf16le(aws_example, &len);
		CHECK_INTEQ(RdsXmlParseReply(wide, len, COPY, &r), RDS_REPLY_OK);
		check_example_snapshot(&r);
		FREE_REPLY(&r);
		free(wide);
	}

	/* XInclude is not processed */
	{
		RdsReply	r;
		int			calls = loader_calls;

		CHECK_INTEQ(parse_snapshot("<Engine>a<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
								   "href=\"file:///etc/passwd\" parse=\"text\"/></Engine>", &r),
					RDS_REPLY_OK);
		if (CHECK_INTEQ(r.nsnapshots, 1))
			CHECK_STREQ(value_of(&r.snapshots[0], "Engine"), "a");
		CHECK(!reply_contains(&r, "root:"));
		CHECK_INTEQ(loader_calls, calls);
		FREE_REPLY(&r);
	}
}

static void
test_wrong_root_or_namespace(void)
{
	/* the success root for another action */
	CHECK_INVALID("<DescribeDBClusterSnapshotsResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<DescribeDBClusterSnapshotsResult><DBClusterSnapshots/></DescribeDBClusterSnapshotsResult>"
				  "</DescribeDBClusterSnapshotsResponse>", COPY);
	CHECK_INVALID("<CopyDBSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<CopyDBSnapshotResult><DBClusterSnapshot/></CopyDBSnapshotResult>"
				  "</CopyDBSnapshotResponse>", COPY);
	/* the result element alone, without the Response wrapper */
	CHECK_INVALID("<CopyDBClusterSnapshotResult xmlns=\"" NS_2014_10_31 "\"><DBClusterSnapshot/>"
				  "</CopyDBClusterSnapshotResult>", COPY);
	CHECK_INVALID("<DBClusterSnapshot xmlns=\"" NS_2014_10_31 "\"/>", COPY);
	/* case matters */
	CHECK_INVALID("<copydbclustersnapshotresponse xmlns=\"" NS_2014_10_31 "\">"
				  "<CopyDBClusterSnapshotResult><DBClusterSnapshot/></CopyDBClusterSnapshotResult>"
				  "</copydbclustersnapshotresponse>", COPY);
	CHECK_INVALID("<errorresponse><Error><Code>X</Code></Error></errorresponse>", COPY);

	/* wrong namespaces */
	{
		static const char *const namespaces[] = {
			"http://ec2.amazonaws.com/doc/2016-11-15/",
			"https://rds.amazonaws.com/doc/2014-10-31/",
			"http://rds.amazonaws.com.evil.example/doc/2014-10-31/",
			"http://rds.amazonaws.com/",
			"http://rds.amazonaws.com/docs/2014-10-31/",
			"HTTP://RDS.AMAZONAWS.COM/DOC/2014-10-31/",
			"urn:x",
		};
		size_t		i;

		for (i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		{
			char	   *body = copy_reply(namespaces[i], "<Status>available</Status>");

			UNIT_CONTEXT("namespace %s", namespaces[i]);
			CHECK_INVALID(body, COPY);
			free(body);
		}
		UNIT_CONTEXT(NULL);
	}
	/* no namespace at all on a success reply */
	CHECK_INVALID("<CopyDBClusterSnapshotResponse><CopyDBClusterSnapshotResult>"
				  "<DBClusterSnapshot><Status>available</Status></DBClusterSnapshot>"
				  "</CopyDBClusterSnapshotResult></CopyDBClusterSnapshotResponse>", COPY);
}

static void
test_result_shape(void)
{
	RdsReply	r;

	/* no result element */
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<ResponseMetadata><RequestId>x</RequestId></ResponseMetadata>"
				  "</CopyDBClusterSnapshotResponse>", COPY);
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\"/>", COPY);
	/* the snapshot directly under the root */
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<DBClusterSnapshot/></CopyDBClusterSnapshotResponse>", COPY);
	/* zero snapshots */
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<CopyDBClusterSnapshotResult/></CopyDBClusterSnapshotResponse>", COPY);
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<CopyDBClusterSnapshotResult><Other/></CopyDBClusterSnapshotResult>"
				  "</CopyDBClusterSnapshotResponse>", COPY);
	/* two snapshots */
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<CopyDBClusterSnapshotResult>"
				  "<DBClusterSnapshot><Status>a</Status></DBClusterSnapshot>"
				  "<DBClusterSnapshot><Status>b</Status></DBClusterSnapshot>"
				  "</CopyDBClusterSnapshotResult></CopyDBClusterSnapshotResponse>", COPY);
	/* a nested snapshot is not a snapshot of the result */
	CHECK_INVALID("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
				  "<CopyDBClusterSnapshotResult><Wrapper><DBClusterSnapshot/></Wrapper>"
				  "</CopyDBClusterSnapshotResult></CopyDBClusterSnapshotResponse>", COPY);

	/* a reply without ResponseMetadata is fine, the RequestId is absent */
	CHECK_INTEQ(parse("<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
					  "<CopyDBClusterSnapshotResult><DBClusterSnapshot/>"
					  "</CopyDBClusterSnapshotResult></CopyDBClusterSnapshotResponse>", COPY, &r),
				RDS_REPLY_OK);
	CHECK(r.request_id == NULL);
	CHECK_INTEQ(r.nsnapshots, 1);
	FREE_REPLY(&r);
}

/* Parse one member with value v; must it be accepted? */
static void
check_member(const char *name, const char *v, bool ok, const char *file, int line)
{
	size_t		n = 2 * strlen(name) + strlen(v) + 8;
	char	   *inner = malloc(n);
	RdsReply	r;
	RdsReplyKind k;

	if (inner == NULL)
		abort();
	snprintf(inner, n, "<%s>%s</%s>", name, v, name);
	k = parse_snapshot(inner, &r);
	if (ok)
	{
		if (unit_check(k == RDS_REPLY_OK, file, line, "member value accepted") &&
			unit_check(r.nsnapshots == 1, file, line, "one snapshot"))
			unit_check_streq(value_of(&r.snapshots[0], name), v, file, line,
							 "value", "v");
		else
			printf("    (%s = \"%s\": %s)\n", name, v,
				   r.invalid_reason ? r.invalid_reason : "?");
	}
	else
	{
		if (!unit_check(k == RDS_REPLY_INVALID && r.invalid_reason != NULL,
						file, line, "member value refused"))
			printf("    (%s = \"%s\" was accepted)\n", name, v);
	}
	free_reply(&r, file, line);
	free(inner);
}
#define CHECK_MEMBER_OK(name, v) check_member((name), (v), true, __FILE__, __LINE__)
#define CHECK_MEMBER_BAD(name, v) check_member((name), (v), false, __FILE__, __LINE__)

static void
test_member_types(void)
{
	static const char *const int_fields[] = {
		"AllocatedStorage", "Port", "PercentProgress", "BackupRetentionPeriod",
		"StorageThroughput",
	};
	static const char *const bad_ints[] = {
		"1.5", "99999999999", "", "2147483648", "-2147483649",
		"99999999999999999999999", "+1", " 1", "1 ", "0x10", "-", "1e3",
		"one", "1,000", "\xef\xbc\x91",
	};
	static const char *const good_ints[] = {
		"0", "1", "100", "2147483647", "-1", "-2147483648",
	};
	static const char *const bool_fields[] = {
		"StorageEncrypted", "IAMDatabaseAuthenticationEnabled",
	};
	static const char *const bad_bools[] = {
		"TRUE", "True", "FALSE", "1", "0", "yes", "no", "", " true", "false ", "t",
	};
	static const char *const ts_fields[] = {"SnapshotCreateTime", "ClusterCreateTime"};
	static const char *const bad_ts[] = {
		"", "2016-09-14", "2016-09-14T10:38:05", "2016-09-14 10:38:05Z",
		"yesterday", "1473849485", "2016-09-14T10:38:05.Z", "Wed, 14 Sep 2016 10:38:05 GMT",
	};
	size_t		i;
	size_t		j;

	for (i = 0; i < sizeof(int_fields) / sizeof(int_fields[0]); i++)
	{
		for (j = 0; j < sizeof(bad_ints) / sizeof(bad_ints[0]); j++)
		{
			UNIT_CONTEXT("%s = \"%s\"", int_fields[i], bad_ints[j]);
			CHECK_MEMBER_BAD(int_fields[i], bad_ints[j]);
		}
		for (j = 0; j < sizeof(good_ints) / sizeof(good_ints[0]); j++)
		{
			UNIT_CONTEXT("%s = \"%s\"", int_fields[i], good_ints[j]);
			CHECK_MEMBER_OK(int_fields[i], good_ints[j]);
		}
	}
	for (i = 0; i < sizeof(bool_fields) / sizeof(bool_fields[0]); i++)
	{
		for (j = 0; j < sizeof(bad_bools) / sizeof(bad_bools[0]); j++)
		{
			UNIT_CONTEXT("%s = \"%s\"", bool_fields[i], bad_bools[j]);
			CHECK_MEMBER_BAD(bool_fields[i], bad_bools[j]);
		}
		UNIT_CONTEXT("%s", bool_fields[i]);
		CHECK_MEMBER_OK(bool_fields[i], "true");
		CHECK_MEMBER_OK(bool_fields[i], "false");
	}
	for (i = 0; i < sizeof(ts_fields) / sizeof(ts_fields[0]); i++)
	{
		for (j = 0; j < sizeof(bad_ts) / sizeof(bad_ts[0]); j++)
		{
			UNIT_CONTEXT("%s = \"%s\"", ts_fields[i], bad_ts[j]);
			CHECK_MEMBER_BAD(ts_fields[i], bad_ts[j]);
		}
		UNIT_CONTEXT("%s", ts_fields[i]);
		CHECK_MEMBER_OK(ts_fields[i], "2016-09-14T10:38:05Z");
		CHECK_MEMBER_OK(ts_fields[i], "2016-09-14T10:38:05.616Z");
		CHECK_MEMBER_OK(ts_fields[i], "2016-09-14T10:38:05.806315+02:00");
	}
	UNIT_CONTEXT(NULL);

	/* text members take any text, including what is not a valid int etc. */
	CHECK_MEMBER_OK("Engine", "");
	CHECK_MEMBER_OK("Status", "1.5");
	CHECK_MEMBER_OK("KmsKeyId", "true");
	CHECK_MEMBER_OK("MasterUsername", "  spaced  ");
	CHECK_MEMBER_OK("VpcId", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* an element inside a member contributes its text */
	{
		RdsReply	r;

		CHECK_INTEQ(parse_snapshot("<Engine>au<b>ro</b><!-- x -->ra</Engine>", &r), RDS_REPLY_OK);
		if (CHECK_INTEQ(r.nsnapshots, 1))
			CHECK_STREQ(value_of(&r.snapshots[0], "Engine"), "aurora");
		FREE_REPLY(&r);
	}
}

static void
test_value_lengths(void)
{
	char	   *v;
	char	   *inner;
	RdsReply	r;
	size_t		n;

	/* exactly 64 KiB is accepted, one more byte is not */
	v = repeat('v', 65536);
	CHECK_MEMBER_OK("VpcId", v);
	free(v);
	v = repeat('v', 65537);
	CHECK_MEMBER_BAD("VpcId", v);
	CHECK_MEMBER_BAD("DBClusterSnapshotArn", v);

	n = strlen(v) + 200;
	inner = malloc(n);
	if (inner == NULL)
		abort();
	/* over-long in a list: a zone, a tag key, a tag value, Marker, RequestId */
	snprintf(inner, n, "<AvailabilityZones><AvailabilityZone>%s</AvailabilityZone></AvailabilityZones>", v);
	CHECK_INTEQ(parse_snapshot(inner, &r), RDS_REPLY_INVALID);
	CHECK(r.invalid_reason != NULL);
	FREE_REPLY(&r);
	snprintf(inner, n, "<TagList><Tag><Key>%s</Key><Value>x</Value></Tag></TagList>", v);
	CHECK_INTEQ(parse_snapshot(inner, &r), RDS_REPLY_INVALID);
	CHECK(r.invalid_reason != NULL);
	FREE_REPLY(&r);
	snprintf(inner, n, "<TagList><Tag><Key>k</Key><Value>%s</Value></Tag></TagList>", v);
	CHECK_INTEQ(parse_snapshot(inner, &r), RDS_REPLY_INVALID);
	CHECK(r.invalid_reason != NULL);
	FREE_REPLY(&r);
	free(inner);

	n = strlen(v) + 400;
	inner = malloc(n);
	if (inner == NULL)
		abort();
	snprintf(inner, n,
			 "<DescribeDBClusterSnapshotsResponse xmlns=\"" NS_2014_10_31 "\">"
			 "<DescribeDBClusterSnapshotsResult><DBClusterSnapshots/><Marker>%s</Marker>"
			 "</DescribeDBClusterSnapshotsResult></DescribeDBClusterSnapshotsResponse>", v);
	CHECK_INVALID(inner, DESCRIBE);
	snprintf(inner, n,
			 "<CopyDBClusterSnapshotResponse xmlns=\"" NS_2014_10_31 "\">"
			 "<CopyDBClusterSnapshotResult><DBClusterSnapshot/></CopyDBClusterSnapshotResult>"
			 "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>"
			 "</CopyDBClusterSnapshotResponse>", v);
	CHECK_INVALID(inner, COPY);
	free(inner);
	free(v);
}

static void
test_lists(void)
{
	RdsReply	r;
	char	   *inner;
	size_t		i;
	size_t		len;
	static const char zone[] = "<AvailabilityZone>z</AvailabilityZone>";
	static const char tag[] = "<Tag><Key>k</Key></Tag>";

	/* a tag without a Key */
	CHECK_INTEQ(parse_snapshot("<TagList><Tag><Value>v</Value></Tag></TagList>", &r), RDS_REPLY_INVALID);
	CHECK(r.invalid_reason != NULL);
	FREE_REPLY(&r);
	CHECK_INTEQ(parse_snapshot("<TagList><Tag><Key>a</Key><Value>1</Value></Tag><Tag/></TagList>", &r),
				RDS_REPLY_INVALID);
	CHECK(r.invalid_reason != NULL);
	FREE_REPLY(&r);
	/* a Key in another namespace is no Key */
	CHECK_INTEQ(parse_snapshot("<TagList><Tag><x:Key xmlns:x=\"urn:x\">k</x:Key></Tag></TagList>", &r),
				RDS_REPLY_INVALID);
	FREE_REPLY(&r);
	/* an empty key is a key */
	CHECK_INTEQ(parse_snapshot("<TagList><Tag><Key/><Value>v</Value></Tag></TagList>", &r), RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1) && CHECK_INTEQ(r.snapshots[0].ntags, 1))
	{
		CHECK_STREQ(r.snapshots[0].tags[0].key, "");
		CHECK_STREQ(r.snapshots[0].tags[0].value, "v");
	}
	FREE_REPLY(&r);

	/* unknown children of a list are skipped */
	CHECK_INTEQ(parse_snapshot("<AvailabilityZones><Other>x</Other><AvailabilityZone>a</AvailabilityZone>"
							   "<member>b</member></AvailabilityZones>"
							   "<TagList><Other/><Tag><Key>k</Key><Extra>e</Extra><Value>v</Value></Tag></TagList>", &r),
				RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		if (CHECK_INTEQ(r.snapshots[0].nzones, 1))
			CHECK_STREQ(r.snapshots[0].zones[0], "a");
		if (CHECK_INTEQ(r.snapshots[0].ntags, 1))
		{
			CHECK_STREQ(r.snapshots[0].tags[0].key, "k");
			CHECK_STREQ(r.snapshots[0].tags[0].value, "v");
		}
	}
	FREE_REPLY(&r);

	/* 10000 list entries are accepted, 10001 are too many */
	inner = malloc(sizeof(zone) * 10002 + 64);
	if (inner == NULL)
		abort();
	len = (size_t) sprintf(inner, "<AvailabilityZones>");
	for (i = 0; i < 10000; i++)
		len += (size_t) sprintf(inner + len, "%s", zone);
	strcpy(inner + len, "</AvailabilityZones>");
	CHECK_INTEQ(parse_snapshot(inner, &r), RDS_REPLY_OK);
	if (CHECK_INTEQ(r.nsnapshots, 1))
	{
		CHECK_INTEQ(r.snapshots[0].nzones, 10000);
		CHECK_STREQ(r.snapshots[0].zones[9999], "z");
	}
	FREE_REPLY(&r);
	len += (size_t) sprintf(inner + len, "%s", zone);
	strcpy(inner + len, "</AvailabilityZones>");
	CHECK_INTEQ(parse_snapshot(inner, &r), RDS_REPLY_INVALID);
	CHECK(r.invalid_reason != NULL);
	FREE_REPLY(&r);
	free(inner);

	inner = malloc(sizeof(tag) * 10002 + 64);
	if (inner == NULL)
		abort();
	len = (size_t) sprintf(inner, "<TagList>");
	for (i = 0; i < 10001; i++)
		len += (size_t) sprintf(inner + len, "%s", tag);
	strcpy(inner + len, "</TagList>");
	CHECK_INTEQ(parse_snapshot(inner, &r), RDS_REPLY_INVALID);
	CHECK(r.invalid_reason != NULL);
	FREE_REPLY(&r);
	free(inner);
}

/* ---------------------------------------------------------------------
 * RdsIsIsoTimestamp
 * ---------------------------------------------------------------------
 */

static void
test_iso_timestamp(void)
{
	static const char *const good[] = {
		"2016-09-14T10:38:05Z",
		"2016-09-14T10:38:05.616Z",
		"2023-01-01T00:00:00.806315Z",
		"2023-01-01T00:00:00.1Z",
		"2023-01-01T00:00:00.123456789Z",
		"2016-09-14T10:38:05+00:00",
		"2016-09-14T10:38:05-05:30",
		"2016-09-14T10:38:05.5+14:00",
		"2016-09-14t10:38:05z",
		"0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z",
	};
	static const char *const bad[] = {
		"",
		"Z",
		"2016-09-14",
		"2016-09-14T10:38",
		"2016-09-14T10:38:05",
		"2016-09-14T10:38:05.616",
		"2016-09-14 10:38:05Z",
		"2016-09-14_10:38:05Z",
		"2016-09-14T10:38:05.Z",
		"2016-09-14T10:38:05.1234567890Z",
		"2016-09-14T10:38:05+0000",
		"2016-09-14T10:38:05+00",
		"2016-09-14T10:38:05+00:0",
		"2016-09-14T10:38:05+00:00Z",
		"2016-09-14T10:38:05ZZ",
		"2016-09-14T10:38:05Z ",
		" 2016-09-14T10:38:05Z",
		"2016-09-14T10:38:05 Z",
		"2016-09-14T10:38:05UTC",
		"2016-9-14T10:38:05Z",
		"16-09-14T10:38:05Z",
		"20160914T103805Z",
		"2016/09/14T10:38:05Z",
		"2016-09-14T10-38-05Z",
		"2016-09-14T10:38:5Z",
		"2016-09-14T1:38:05Z",
		"2016-09-14T10:38:05.616Zjunk",
		"a016-09-14T10:38:05Z",
		"2016-09-14T10:38:05\xef\xbc\xba",
		"+2016-09-14T10:38:05Z",
		"1473849485",
	};
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
	{
		UNIT_CONTEXT("accept \"%s\"", good[i]);
		CHECK(RdsIsIsoTimestamp(good[i]));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		UNIT_CONTEXT("reject \"%s\"", bad[i]);
		CHECK(!RdsIsIsoTimestamp(bad[i]));
	}
	UNIT_CONTEXT(NULL);
}

/*
 * Fields out of range are not ISO-8601 either.  A value that passed the
 * check goes to timestamptz_in in rds_copy.c, which raises a bare
 * "date/time field value out of range" instead of the parser's
 * "invalid reply" path.
 */
static void
test_iso_timestamp_ranges(void)
{
	static const char *const bad[] = {
		"2016-13-14T10:38:05Z",
		"2016-00-14T10:38:05Z",
		"2016-09-32T10:38:05Z",
		"2016-09-00T10:38:05Z",
		"2016-09-14T25:38:05Z",
		"2016-09-14T10:60:05Z",
		"2016-09-14T10:38:61Z",
		"2016-09-14T10:38:05+99:99",
		"2016-09-14T10:38:05+10:60",
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		UNIT_CONTEXT("reject \"%s\"", bad[i]);
		CHECK(!RdsIsIsoTimestamp(bad[i]));
	}
	UNIT_CONTEXT("reply with SnapshotCreateTime 2016-13-45T99:99:99Z");
	CHECK_MEMBER_BAD("SnapshotCreateTime", "2016-13-45T99:99:99Z");
	UNIT_CONTEXT(NULL);
}

/* Parsing the same reply many times gives the same answer (no state). */
static void
test_repeatable(void)
{
	int			i;
	RdsReply	r;

	for (i = 0; i < 50; i++)
	{
		CHECK_INTEQ(parse(aws_example, COPY, &r), RDS_REPLY_OK);
		FREE_REPLY(&r);
		CHECK_INVALID("<!DOCTYPE x><x/>", COPY);
	}
	/* RdsReplyFree of a freed (zeroed) reply is harmless */
	CHECK_INTEQ(parse(aws_example, COPY, &r), RDS_REPLY_OK);
	RdsReplyFree(&r);
	FREE_REPLY(&r);
}

int
main(void)
{
	xmlInitParser();
	default_loader = xmlGetExternalEntityLoader();
	xmlSetExternalEntityLoader(recording_loader);

	test_field_table();
	test_aws_example();
	test_all_members();
	test_taglist_empty_vs_absent();
	test_foreign_namespace_members();
	test_repeated_members();
	test_describe();
	test_error_response();
	test_old_moto_namespace();
	test_not_xml();
	test_doctype_and_entities();
	test_wrong_root_or_namespace();
	test_result_shape();
	test_member_types();
	test_value_lengths();
	test_lists();
	test_iso_timestamp();
	test_iso_timestamp_ranges();
	test_repeatable();

	/* the recording loader saw nothing in the whole run */
	CHECK_INTEQ(loader_calls, 0);
	xmlCleanupParser();
	return UnitSummary();
}
