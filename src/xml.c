/*-------------------------------------------------------------------------
 * xml.c
 *		Parse RDS replies (one snapshot, a snapshot list, an ErrorResponse)
 *		and STS replies (temporary credentials).
 *
 * Elements are matched by local name within the service's namespace
 * (http://rds.amazonaws.com/doc/..., https://sts.amazonaws.com/doc/...),
 * in any order; unknown members are
 * ignored because AWS adds members over time.  Replies are untrusted: a
 * DOCTYPE is refused before parsing, entities are never substituted,
 * nothing is fetched, every value is length-checked and typed.  The
 * network and PostgreSQL are not touched here.
 *-------------------------------------------------------------------------
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE				/* timegm */
#endif
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "xml.h"

#define RDS_NAMESPACE_PREFIX "http://rds.amazonaws.com/doc/"
#define STS_NAMESPACE_PREFIX "https://sts.amazonaws.com/doc/"
#define RDS_MAX_VALUE_LEN 65536
#define RDS_MAX_LIST_LEN 10000

const RdsSnapshotField RdsSnapshotFields[RDS_SNAPSHOT_NFIELDS] = {
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
};

/* Parsing state: the namespace of the root, and the first problem met. */
typedef struct ParseState
{
	const xmlChar *ns;
	const char *problem;
} ParseState;

static bool
is_rds_element(const ParseState *st, const xmlNode *node, const char *name)
{
	if (node->type != XML_ELEMENT_NODE || strcmp((const char *) node->name, name) != 0)
		return false;
	if (st->ns == NULL)
		return node->ns == NULL;
	return node->ns != NULL && xmlStrEqual(node->ns->href, st->ns);
}

static xmlNode *
find_child(const ParseState *st, const xmlNode *parent, const char *name)
{
	xmlNode    *c;

	for (c = parent->children; c != NULL; c = c->next)
		if (is_rds_element(st, c, name))
			return c;
	return NULL;
}

/* The text of an element as a malloc'd string, or NULL (problem recorded). */
static char *
element_text(ParseState *st, const xmlNode *node)
{
	xmlChar    *content = xmlNodeGetContent(node);
	char	   *copy = NULL;

	if (content == NULL)
		copy = strdup("");
	else if (strlen((const char *) content) > RDS_MAX_VALUE_LEN)
		st->problem = "A value in the reply is too long.";
	else
		copy = strdup((const char *) content);
	if (content != NULL)
		xmlFree(content);
	if (copy == NULL && st->problem == NULL)
		st->problem = "Out of memory while parsing the reply.";
	return copy;
}

static char *
child_text(ParseState *st, const xmlNode *parent, const char *name)
{
	xmlNode    *c = find_child(st, parent, name);

	return c ? element_text(st, c) : NULL;
}

static bool
is_int32(const char *s)
{
	char	   *end;
	long long	v;

	if (*s == '\0')
		return false;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v >= INT_MIN && v <= INT_MAX && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'));
}

static bool
is_digits(const char *s, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The n-digit number at s if it lies in [min, max], else -1. */
static int
number_in(const char *s, int n, int min, int max)
{
	int			v = 0;
	int			i;

	if (!is_digits(s, n))
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v >= min && v <= max ? v : -1;
}

static int
days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

bool
RdsIsIsoTimestamp(const char *s)
{
	const char *p;

	/* YYYY-MM-DDTHH:MM:SS, fields in range (a leap second's :60 is allowed) */
	if (strlen(s) < 20 || number_in(s, 4, 1, 9999) < 0 || s[4] != '-' ||
		number_in(s + 5, 2, 1, 12) < 0 || s[7] != '-' ||
		number_in(s + 8, 2, 1, 31) < 0 || (s[10] != 'T' && s[10] != 't') ||
		number_in(s + 11, 2, 0, 23) < 0 || s[13] != ':' ||
		number_in(s + 14, 2, 0, 59) < 0 || s[16] != ':' ||
		number_in(s + 17, 2, 0, 60) < 0 ||
		number_in(s + 8, 2, 1, 31) > days_in_month(number_in(s, 4, 1, 9999),
												   number_in(s + 5, 2, 1, 12)))
		return false;
	p = s + 19;
	if (*p == '.')
	{
		int			n = 0;

		for (p++; *p >= '0' && *p <= '9'; p++)
			n++;
		if (n == 0 || n > 9)
			return false;
	}
	if (strcmp(p, "Z") == 0 || strcmp(p, "z") == 0)
		return true;
	/* real offsets run from -12:00 to +14:00 */
	return (p[0] == '+' || p[0] == '-') && number_in(p + 1, 2, 0, 14) >= 0 &&
		p[3] == ':' && number_in(p + 4, 2, 0, 59) >= 0 && p[6] == '\0';
}

bool
RdsIsoTimestampToTime(const char *s, time_t *out)
{
	struct tm	tm;
	const char *zone;
	long		offset = 0;

	if (!RdsIsIsoTimestamp(s))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = number_in(s, 4, 1, 9999) - 1900;
	tm.tm_mon = number_in(s + 5, 2, 1, 12) - 1;
	tm.tm_mday = number_in(s + 8, 2, 1, 31);
	tm.tm_hour = number_in(s + 11, 2, 0, 23);
	tm.tm_min = number_in(s + 14, 2, 0, 59);
	tm.tm_sec = number_in(s + 17, 2, 0, 60);
	zone = s + 19 + strspn(s + 19, ".0123456789");
	if (*zone == '+' || *zone == '-')
		offset = (*zone == '-' ? -1 : 1) *
			(number_in(zone + 1, 2, 0, 23) * 3600L + number_in(zone + 4, 2, 0, 59) * 60L);
	*out = timegm(&tm) - offset;
	return true;
}

static bool
value_has_type(const char *v, RdsFieldType type)
{
	switch (type)
	{
		case RDS_FIELD_INT:
			return is_int32(v);
		case RDS_FIELD_BOOL:
			return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
		case RDS_FIELD_TIMESTAMP:
			return RdsIsIsoTimestamp(v);
		default:
			return true;
	}
}

static int
count_children(const ParseState *st, const xmlNode *parent, const char *name)
{
	xmlNode    *c;
	int			n = 0;

	for (c = parent->children; c != NULL; c = c->next)
		if (is_rds_element(st, c, name))
			n++;
	return n;
}

static void
parse_zones(ParseState *st, const xmlNode *list, RdsSnapshot *snap)
{
	int			n = count_children(st, list, "AvailabilityZone");
	xmlNode    *c;

	if (n > RDS_MAX_LIST_LEN)
	{
		st->problem = "The reply lists too many availability zones.";
		return;
	}
	snap->has_zones = true;
	snap->zones = calloc(n ? n : 1, sizeof(char *));
	if (snap->zones == NULL)
	{
		st->problem = "Out of memory while parsing the reply.";
		return;
	}
	for (c = list->children; c != NULL && st->problem == NULL; c = c->next)
		if (is_rds_element(st, c, "AvailabilityZone"))
		{
			snap->zones[snap->nzones] = element_text(st, c);
			if (snap->zones[snap->nzones] != NULL)
				snap->nzones++;
		}
}

static void
parse_tags(ParseState *st, const xmlNode *list, RdsSnapshot *snap)
{
	int			n = count_children(st, list, "Tag");
	xmlNode    *c;

	if (n > RDS_MAX_LIST_LEN)
	{
		st->problem = "The reply lists too many tags.";
		return;
	}
	snap->has_tags = true;
	snap->tags = calloc(n ? n : 1, sizeof(RdsTag));
	if (snap->tags == NULL)
	{
		st->problem = "Out of memory while parsing the reply.";
		return;
	}
	for (c = list->children; c != NULL && st->problem == NULL; c = c->next)
	{
		RdsTag	   *tag;

		if (!is_rds_element(st, c, "Tag"))
			continue;
		tag = &snap->tags[snap->ntags++];
		tag->key = child_text(st, c, "Key");
		tag->value = child_text(st, c, "Value");
		if (tag->key == NULL && st->problem == NULL)
			st->problem = "A tag in the reply has no key.";
		if (tag->value == NULL && st->problem == NULL)
			tag->value = strdup("");
	}
}

static const RdsSnapshotField *
find_field(const char *name, int *index)
{
	int			i;

	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
		if (strcmp(RdsSnapshotFields[i].aws_name, name) == 0)
		{
			*index = i;
			return &RdsSnapshotFields[i];
		}
	return NULL;
}

static void
parse_snapshot(ParseState *st, const xmlNode *node, RdsSnapshot *snap)
{
	xmlNode    *c;

	for (c = node->children; c != NULL && st->problem == NULL; c = c->next)
	{
		const RdsSnapshotField *field;
		int			i;

		if (c->type != XML_ELEMENT_NODE || !is_rds_element(st, c, (const char *) c->name))
			continue;
		field = find_field((const char *) c->name, &i);
		if (field == NULL)
			continue;			/* a member we do not know yet */
		if (field->type == RDS_FIELD_ZONES)
		{
			if (!snap->has_zones)
				parse_zones(st, c, snap);
		}
		else if (field->type == RDS_FIELD_TAGS)
		{
			if (!snap->has_tags)
				parse_tags(st, c, snap);
		}
		else if (snap->values[i] == NULL)
		{
			snap->values[i] = element_text(st, c);
			if (snap->values[i] != NULL && !value_has_type(snap->values[i], field->type))
				st->problem = "A member of the reply's DBClusterSnapshot does not have its documented type.";
		}
	}
}

/* Parse DBClusterSnapshot elements that are children of parent. */
static void
parse_snapshot_list(ParseState *st, const xmlNode *parent, RdsReply *reply)
{
	int			n = count_children(st, parent, "DBClusterSnapshot");
	xmlNode    *c;

	if (n > RDS_MAX_LIST_LEN)
	{
		st->problem = "The reply lists too many snapshots.";
		return;
	}
	reply->snapshots = calloc(n ? n : 1, sizeof(RdsSnapshot));
	if (reply->snapshots == NULL)
	{
		st->problem = "Out of memory while parsing the reply.";
		return;
	}
	for (c = parent->children; c != NULL && st->problem == NULL; c = c->next)
		if (is_rds_element(st, c, "DBClusterSnapshot"))
			parse_snapshot(st, c, &reply->snapshots[reply->nsnapshots++]);
}

static bool
is_sts_action(const char *action)
{
	return strncmp(action, "AssumeRole", 10) == 0;
}

static void
parse_sts_credentials(ParseState *st, const xmlNode *result, RdsReply *reply)
{
	xmlNode    *c = find_child(st, result, "Credentials");
	RdsStsCredentials *creds = &reply->credentials;

	if (c == NULL)
	{
		st->problem = "The reply has no Credentials element.";
		return;
	}
	creds->access_key_id = child_text(st, c, "AccessKeyId");
	creds->secret_access_key = child_text(st, c, "SecretAccessKey");
	creds->session_token = child_text(st, c, "SessionToken");
	creds->expiration = child_text(st, c, "Expiration");
	if (st->problem == NULL &&
		(creds->access_key_id == NULL || creds->secret_access_key == NULL ||
		 creds->session_token == NULL || creds->expiration == NULL ||
		 creds->access_key_id[0] == '\0' || creds->secret_access_key[0] == '\0'))
		st->problem = "The reply's Credentials lack a member.";
	if (st->problem == NULL && !RdsIsIsoTimestamp(creds->expiration))
		st->problem = "The reply's Expiration is not an ISO-8601 timestamp.";
}

static void
parse_success(ParseState *st, const xmlNode *root, const char *action, RdsReply *reply)
{
	char		result_name[128];
	xmlNode    *result;
	xmlNode    *meta;
	xmlNode    *list;

	snprintf(result_name, sizeof(result_name), "%sResult", action);
	result = find_child(st, root, result_name);
	if (result == NULL)
	{
		st->problem = "The reply has no result element.";
		return;
	}
	list = strcmp(action, "DescribeDBClusterSnapshots") == 0
		? find_child(st, result, "DBClusterSnapshots") : NULL;
	if (is_sts_action(action))
		parse_sts_credentials(st, result, reply);
	else if (list != NULL)
	{
		parse_snapshot_list(st, list, reply);
		reply->marker = child_text(st, result, "Marker");
	}
	else
	{
		parse_snapshot_list(st, result, reply);
		if (st->problem == NULL && reply->nsnapshots != 1)
			st->problem = "The reply does not hold exactly one DBClusterSnapshot.";
	}
	meta = find_child(st, root, "ResponseMetadata");
	if (meta != NULL && st->problem == NULL)
		reply->request_id = child_text(st, meta, "RequestId");
}

static void
parse_error(ParseState *st, const xmlNode *root, RdsReply *reply)
{
	xmlNode    *err = find_child(st, root, "Error");

	if (err == NULL)
	{
		xmlNode    *errors = find_child(st, root, "Errors");

		err = errors ? find_child(st, errors, "Error") : NULL;
	}
	if (err == NULL)
	{
		st->problem = "The error reply has no Error element.";
		return;
	}
	reply->error_type = child_text(st, err, "Type");
	reply->error_code = child_text(st, err, "Code");
	reply->error_message = child_text(st, err, "Message");
	reply->request_id = child_text(st, root, "RequestId");
	if (st->problem == NULL && (reply->error_code == NULL || reply->error_code[0] == '\0'))
		st->problem = "The error reply has no error code.";
}

static bool
has_doctype(const char *body, size_t len)
{
	static const char needle[] = "<!DOCTYPE";
	size_t		n = sizeof(needle) - 1;
	size_t		i;

	for (i = 0; i + n <= len; i++)
		if (body[i] == '<' && memcmp(body + i, needle, n) == 0)
			return true;
	return false;
}

RdsReplyKind
RdsXmlParseReply(const char *body, size_t len, const char *action, RdsReply *reply)
{
	ParseState	st = {NULL, NULL};
	xmlDoc	   *doc = NULL;
	xmlNode    *root;
	char		response_name[128];
	const char *namespace_prefix = is_sts_action(action) ? STS_NAMESPACE_PREFIX
		: RDS_NAMESPACE_PREFIX;

	memset(reply, 0, sizeof(*reply));
	reply->kind = RDS_REPLY_INVALID;
	if (len == 0)
		st.problem = "The reply is empty.";
	else if (len > INT_MAX)
		st.problem = "The reply is too large.";
	else if (has_doctype(body, len))
		st.problem = "The reply contains a document type declaration.";
	else
	{
		doc = xmlReadMemory(body, (int) len, NULL, NULL,
							XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (doc == NULL)
			st.problem = "The reply is not well-formed XML.";
		else if (doc->intSubset != NULL || doc->extSubset != NULL)
			st.problem = "The reply contains a document type declaration.";
	}

	if (st.problem == NULL)
	{
		root = xmlDocGetRootElement(doc);
		snprintf(response_name, sizeof(response_name), "%sResponse", action);
		if (root == NULL)
			st.problem = "The reply has no root element.";
		else if (root->ns != NULL &&
				 strncmp((const char *) root->ns->href, namespace_prefix,
						 strlen(namespace_prefix)) != 0)
			st.problem = "The reply is not in the service's XML namespace.";
		else
		{
			st.ns = root->ns ? root->ns->href : NULL;
			if (strcmp((const char *) root->name, "ErrorResponse") == 0 ||
				strcmp((const char *) root->name, "Response") == 0)
			{
				parse_error(&st, root, reply);
				if (st.problem == NULL)
					reply->kind = RDS_REPLY_ERROR;
			}
			else if (strcmp((const char *) root->name, response_name) == 0 &&
					 root->ns != NULL)
			{
				parse_success(&st, root, action, reply);
				if (st.problem == NULL)
					reply->kind = RDS_REPLY_OK;
			}
			else
				st.problem = "The reply's root element is not the expected response.";
		}
	}
	if (doc != NULL)
		xmlFreeDoc(doc);
	if (reply->kind == RDS_REPLY_INVALID)
		reply->invalid_reason = st.problem ? st.problem : "The reply could not be parsed.";
	return reply->kind;
}

static void
free_snapshot(RdsSnapshot *snap)
{
	int			i;

	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
		free(snap->values[i]);
	for (i = 0; i < snap->nzones; i++)
		free(snap->zones[i]);
	free(snap->zones);
	for (i = 0; i < snap->ntags; i++)
	{
		free(snap->tags[i].key);
		free(snap->tags[i].value);
	}
	free(snap->tags);
}

void
RdsReplyFree(RdsReply *reply)
{
	int			i;

	RdsStrWipe(&reply->credentials.access_key_id);
	RdsStrWipe(&reply->credentials.secret_access_key);
	RdsStrWipe(&reply->credentials.session_token);
	free(reply->credentials.expiration);

	for (i = 0; i < reply->nsnapshots; i++)
		free_snapshot(&reply->snapshots[i]);
	free(reply->snapshots);
	free(reply->marker);
	free(reply->request_id);
	free(reply->error_type);
	free(reply->error_code);
	free(reply->error_message);
	memset(reply, 0, sizeof(*reply));
}
