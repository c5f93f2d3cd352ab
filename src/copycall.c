/*-------------------------------------------------------------------------
 * copycall.c
 *		The CopyDBClusterSnapshot call: arguments checked and turned into
 *		request parameters, one session per target, and reconciliation
 *		of a copy whose reply was lost.
 *
 * Shared by the direct SQL functions (rds_copy.c) and the queue
 * (enqueue_copy checks with the same rules; the worker sends with them).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "fmgr.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "awscall.h"
#include "copycall.h"
#include "endpoint.h"
#include "validate.h"

void
RdsRejectArgument(const char *argname, const char *value, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 value ? errmsg("%s \"%s\" is not valid", argname, value)
			 : errmsg("%s is not valid", argname),
			 errdetail("%s", detail)));
}

static char *
jsonb_string(const JsonbValue *v)
{
	return pnstrdup(v->val.string.val, v->val.string.len);
}

static void
check_tag(const char *key, const char *value)
{
	const char *why = RdsCheckTagKey(key);

	if (why != NULL)
		RdsRejectArgument("tag key", key, why);
	why = RdsCheckTagValue(value);
	if (why != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("value of tag \"%s\" is not valid", key),
				 errdetail("%s", why)));
}

static void
add_tag(AwsQuery *params, int *ntags, char **keys, const char *key, const char *value)
{
	int			i;

	check_tag(key, value);
	for (i = 0; i < *ntags; i++)
		if (strcmp(keys[i], key) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("tag key \"%s\" appears more than once", key)));
	if (*ntags >= RDS_MAX_TAGS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("too many tags"),
				 errdetail("A snapshot can have at most %d tags.", RDS_MAX_TAGS)));
	keys[(*ntags)++] = pstrdup(key);
	AwsQueryAddIndexed(params, "Tags.Tag", *ntags, "Key", key);
	AwsQueryAddIndexed(params, "Tags.Tag", *ntags, "Value", value);
}

/* {"Key": "k", "Value": "v"} with nothing else; returns key and value. */
static void
array_tag(JsonbValue *elem, char **key, char **value)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *k = NULL;
	char	   *val = NULL;

	if (elem->type != jbvBinary || !JsonContainerIsObject(elem->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tags array elements must be objects of the form {\"Key\": \"...\", \"Value\": \"...\"}")));
	it = JsonbIteratorInit(elem->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		char	   *member;
		JsonbValue	mv;

		if (tok != WJB_KEY)
			continue;
		member = jsonb_string(&v);
		tok = JsonbIteratorNext(&it, &mv, true);
		if (mv.type != jbvString)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("tag member \"%s\" must be a string", member)));
		if (strcmp(member, "Key") == 0)
			k = jsonb_string(&mv);
		else if (strcmp(member, "Value") == 0)
			val = jsonb_string(&mv);
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("tags array elements may only have members \"Key\" and \"Value\""),
					 errdetail("Found member \"%s\".", member)));
	}
	if (k == NULL || val == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tags array elements need both \"Key\" and \"Value\"")));
	*key = k;
	*value = val;
}

/* Tags.Tag.N.Key/Value from {"k": "v"} or [{"Key": "k", "Value": "v"}]. */
static void
add_tags(AwsQuery *params, Jsonb *tags)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *keys[RDS_MAX_TAGS];
	int			ntags = 0;

	if (JB_ROOT_IS_SCALAR(tags))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tags must be a JSON object or array"),
				 errhint("Use {\"key\": \"value\"} or [{\"Key\": \"key\", \"Value\": \"value\"}].")));

	it = JsonbIteratorInit(&tags->root);
	if (JB_ROOT_IS_OBJECT(tags))
	{
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *key;
			JsonbValue	val;

			if (tok != WJB_KEY)
				continue;
			key = jsonb_string(&v);
			JsonbIteratorNext(&it, &val, true);
			if (val.type != jbvString)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("value of tag \"%s\" must be a string", key)));
			add_tag(params, &ntags, keys, key, jsonb_string(&val));
		}
	}
	else
	{
		while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		{
			char	   *key;
			char	   *value;

			if (tok != WJB_ELEM)
				continue;
			array_tag(&v, &key, &value);
			add_tag(params, &ntags, keys, key, value);
		}
	}
}

/* argument positions of the copy functions (direct and enqueue_copy) */
enum
{
	ARG_SOURCE,
	ARG_TARGET,
	ARG_KMS_KEY,
	ARG_COPY_TAGS,
	ARG_TAGS,
	ARG_SOURCE_REGION
};

static char *
required_text_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

void
RdsCopyArgsFromCall(FunctionCallInfo fcinfo, RdsCopyArgs *args)
{
	args->source = required_text_arg(fcinfo, ARG_SOURCE, "source");
	args->target = required_text_arg(fcinfo, ARG_TARGET, "target");
	args->kms_key = PG_ARGISNULL(ARG_KMS_KEY) ? NULL :
		text_to_cstring(PG_GETARG_TEXT_PP(ARG_KMS_KEY));
	args->copy_tags = !PG_ARGISNULL(ARG_COPY_TAGS) && PG_GETARG_BOOL(ARG_COPY_TAGS);
	args->tags = PG_ARGISNULL(ARG_TAGS) ? NULL : PG_GETARG_JSONB_P(ARG_TAGS);
	args->source_region = PG_ARGISNULL(ARG_SOURCE_REGION) ? NULL :
		text_to_cstring(PG_GETARG_TEXT_PP(ARG_SOURCE_REGION));
}

/*
 * Check args and build the CopyDBClusterSnapshot parameters.  Raises on
 * bad input; nothing has been sent then.
 */
void
RdsBuildCopyRequest(const RdsCopyArgs *args, AwsQuery *params)
{
	const char *why;

	if ((why = RdsCheckSourceIdentifier(args->source)) != NULL)
		RdsRejectArgument("source snapshot identifier", args->source, why);
	if ((why = RdsCheckSnapshotIdentifier(args->target)) != NULL)
		RdsRejectArgument("target snapshot identifier", args->target, why);

	if (args->source_region != NULL)
	{
		if (!RdsRegionIsValid(args->source_region))
			RdsRejectArgument("source_region", args->source_region,
							"A region looks like \"us-west-2\": lower-case letters, digits and single hyphens.");
		if ((why = RdsCheckSourceArnRegion(args->source, args->source_region)) != NULL)
			RdsRejectArgument("source snapshot identifier", args->source, why);
	}

	AwsQueryStart(params, "CopyDBClusterSnapshot");
	AwsQueryAdd(params, "SourceDBClusterSnapshotIdentifier", args->source);
	AwsQueryAdd(params, "TargetDBClusterSnapshotIdentifier", args->target);
	if (args->kms_key != NULL)
	{
		if ((why = RdsCheckKmsKeyId(args->kms_key)) != NULL)
			RdsRejectArgument("kms_key", NULL, why);
		AwsQueryAdd(params, "KmsKeyId", args->kms_key);
	}
	if (args->copy_tags)
		AwsQueryAdd(params, "CopyTags", "true");
	if (args->tags != NULL)
		add_tags(params, args->tags);
	if (params->failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/* The value of member aws_name of snap, or NULL. */
const char *
RdsSnapshotValue(const RdsSnapshot *snap, const char *aws_name)
{
	int			i;

	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
		if (strcmp(RdsSnapshotFields[i].aws_name, aws_name) == 0)
			return snap->values[i];
	return NULL;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t		n = strlen(s);
	size_t		m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Was found copied from source (an identifier in this region, or an ARN)? */
static bool
same_source(const char *found_arn, const char *source)
{
	if (found_arn == NULL)
		return false;
	if (strncmp(source, "arn:", 4) == 0)
		return strcmp(found_arn, source) == 0;
	return ends_with(found_arn, psprintf(":cluster-snapshot:%s", source));
}

/*
 * Is found's KMS key the one asked for?  A key ARN must match; a key id
 * must end the ARN; an alias cannot be told apart without asking KMS, so
 * it is taken as a match.
 */
static bool
same_kms_key(const char *found_key, const char *kms_key)
{
	if (kms_key == NULL || strncmp(kms_key, "alias/", 6) == 0 || strstr(kms_key, ":alias/") != NULL)
		return true;
	if (found_key == NULL)
		return false;
	return strcmp(found_key, kms_key) == 0 || ends_with(found_key, psprintf("/%s", kms_key));
}

/*
 * RdsReconcileFunc for CopyDBClusterSnapshot: a retry met the target that
 * an earlier attempt, whose reply was lost, may have created.  Describe
 * it: the same source (and KMS key) and a live status mean that attempt
 * did the copy; anything else is a real conflict (42710).
 */
bool
RdsReconcileCopy(const char *region, const AwsQuery *params, RdsReply *reply)
{
	const char *target = AwsQueryGet(params, "TargetDBClusterSnapshotIdentifier");
	const char *source = AwsQueryGet(params, "SourceDBClusterSnapshotIdentifier");
	AwsQuery	describe = AWS_QUERY_INIT;
	RdsReply	found;
	volatile bool same = false;

	memset(&found, 0, sizeof(found));
	PG_TRY();
	{
		const RdsSnapshot *snap;
		const char *status;
		const char *found_source;

		AwsQueryStart(&describe, "DescribeDBClusterSnapshots");
		AwsQueryAdd(&describe, "DBClusterSnapshotIdentifier", target);
		RdsAwsCall(region, &describe, NULL, NULL, &found);
		if (found.nsnapshots == 1)
		{
			snap = &found.snapshots[0];
			status = RdsSnapshotValue(snap, "Status");
			found_source = RdsSnapshotValue(snap, "SourceDBClusterSnapshotArn");
			same = same_source(found_source, source) &&
				same_kms_key(RdsSnapshotValue(snap, "KmsKeyId"), AwsQueryGet(params, "KmsKeyId")) &&
				status != NULL &&
				(strcmp(status, "creating") == 0 || strcmp(status, "copying") == 0 ||
				 strcmp(status, "available") == 0);
			if (!same)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_OBJECT),
						 errmsg("target DB cluster snapshot \"%s\" already exists with a different source",
								target),
						 errdetail_internal("It was copied from %s%s%s (status %s); this call copies %s.",
											found_source ? found_source : "no recorded source",
											RdsSnapshotValue(snap, "KmsKeyId") ? " with KMS key " : "",
											RdsSnapshotValue(snap, "KmsKeyId") ? RdsSnapshotValue(snap, "KmsKeyId") : "",
											status ? status : "unknown", source)));
			ereport(NOTICE,
					(errmsg("target DB cluster snapshot \"%s\" was found, not created, by this call", target),
					 errdetail("An earlier attempt of this call got no reply, but it started the copy.")));
			*reply = found;
			memset(&found, 0, sizeof(found));
		}
	}
	PG_FINALLY();
	{
		AwsQueryFree(&describe);
		RdsReplyFree(&found);
	}
	PG_END_TRY();
	return same;
}

/*
 * The lock that keeps two sessions from copying to one target at once: an
 * advisory lock (shown in pg_locks with classid 0x52445343, "RDSC") on a
 * hash of the region and target, cluster-wide.
 */
static void
target_locktag(const char *region, const char *target, LOCKTAG *tag)
{
	char	   *key = psprintf("%s/%s", region, target);

	SET_LOCKTAG_ADVISORY(*tag, InvalidOid, 0x52445343,
						 hash_bytes((const unsigned char *) key, strlen(key)), 2);
}

/*
 * Take the target's lock for the duration of the call (a session lock, so
 * that a loop of copies in one transaction does not pile up locks); a
 * second session fails at once, before sending anything.
 */
static void
lock_target(const LOCKTAG *tag, const char *target)
{
	if (LockAcquire(tag, ExclusiveLock, true, true) == LOCKACQUIRE_NOT_AVAIL)
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("another session is copying to DB cluster snapshot \"%s\"", target),
				 errhint("Wait for that copy to be sent, or choose another target.")));
}

/*
 * Check args, call CopyDBClusterSnapshot in region (NULL: the configured
 * one) and copy the one snapshot of the reply into *reply (malloc'd; the
 * caller frees it with RdsReplyFree, in a PG_FINALLY).
 */
void
RdsCopySnapshot(const char *region, const RdsCopyArgs *args, RdsReply *reply)
{
	AwsQuery	params = AWS_QUERY_INIT;
	LOCKTAG		tag;
	volatile bool locked = false;

	PG_TRY();
	{
		RdsBuildCopyRequest(args, &params);
		/* the region requests go to must be known before anything is sent */
		if (region == NULL)
			region = RdsResolveRegion();
		target_locktag(region, args->target, &tag);
		lock_target(&tag, args->target);
		locked = true;
		RdsAwsCall(region, &params, args->source_region, RdsReconcileCopy, reply);
	}
	PG_FINALLY();
	{
		if (locked)
			LockRelease(&tag, ExclusiveLock, true);
		AwsQueryFree(&params);
	}
	PG_END_TRY();
}
