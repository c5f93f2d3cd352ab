/*-------------------------------------------------------------------------
 * rds_copy.c
 *		_PG_init and the SQL entry points.
 *
 * rds_copy_db_cluster_snapshot(_jsonb) check every argument before any
 * network I/O, build the CopyDBClusterSnapshot parameters, run the call
 * (awscall.c) and turn the reply into the composite row or jsonb.
 * Protocol details live in the other files.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "awscall.h"
#include "awsquery.h"
#include "endpoint.h"
#include "guc.h"
#include "result.h"
#include "validate.h"
#include "xml.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshot);
PG_FUNCTION_INFO_V1(rds_copy_db_cluster_snapshot_jsonb);

/* argument positions, shared by both SQL functions */
enum
{
	ARG_SOURCE,
	ARG_TARGET,
	ARG_KMS_KEY,
	ARG_COPY_TAGS,
	ARG_TAGS,
	ARG_SOURCE_REGION
};

void
_PG_init(void)
{
	RdsDefineSettings();
}

static void
reject_argument(const char *argname, const char *value, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 value ? errmsg("%s \"%s\" is not valid", argname, value)
			 : errmsg("%s is not valid", argname),
			 errdetail("%s", detail)));
}

static char *
required_text_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
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
		reject_argument("tag key", key, why);
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

/*
 * Check the arguments and build the CopyDBClusterSnapshot parameters.
 * Raises on bad input; nothing has been sent then.  *source_region is
 * NULL for a same-region copy.
 */
static void
build_copy_request(FunctionCallInfo fcinfo, AwsQuery *params, char **source_region)
{
	char	   *source = required_text_arg(fcinfo, ARG_SOURCE, "source");
	char	   *target = required_text_arg(fcinfo, ARG_TARGET, "target");
	const char *why;

	*source_region = NULL;
	if ((why = RdsCheckSourceIdentifier(source)) != NULL)
		reject_argument("source snapshot identifier", source, why);
	if ((why = RdsCheckSnapshotIdentifier(target)) != NULL)
		reject_argument("target snapshot identifier", target, why);

	if (!PG_ARGISNULL(ARG_SOURCE_REGION))
	{
		char	   *region = text_to_cstring(PG_GETARG_TEXT_PP(ARG_SOURCE_REGION));

		if (!RdsRegionIsValid(region))
			reject_argument("source_region", region,
							"A region looks like \"us-west-2\": lower-case letters, digits and single hyphens.");
		if ((why = RdsCheckSourceArnRegion(source, region)) != NULL)
			reject_argument("source snapshot identifier", source, why);
		*source_region = region;
	}

	/* the region requests go to must be known before anything is built */
	(void) RdsResolveRegion();

	AwsQueryStart(params, "CopyDBClusterSnapshot");
	AwsQueryAdd(params, "SourceDBClusterSnapshotIdentifier", source);
	AwsQueryAdd(params, "TargetDBClusterSnapshotIdentifier", target);
	if (!PG_ARGISNULL(ARG_KMS_KEY))
	{
		char	   *kms_key = text_to_cstring(PG_GETARG_TEXT_PP(ARG_KMS_KEY));

		if ((why = RdsCheckKmsKeyId(kms_key)) != NULL)
			reject_argument("kms_key", NULL, why);
		AwsQueryAdd(params, "KmsKeyId", kms_key);
	}
	if (!PG_ARGISNULL(ARG_COPY_TAGS) && PG_GETARG_BOOL(ARG_COPY_TAGS))
		AwsQueryAdd(params, "CopyTags", "true");
	if (!PG_ARGISNULL(ARG_TAGS))
		add_tags(params, PG_GETARG_JSONB_P(ARG_TAGS));
	if (params->failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/* The value of member aws_name of snap, or NULL. */
static const char *
snapshot_value(const RdsSnapshot *snap, const char *aws_name)
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
static bool
reconcile_copy(const AwsQuery *params, RdsReply *reply)
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
		RdsAwsCall(&describe, NULL, NULL, &found);
		if (found.nsnapshots == 1)
		{
			snap = &found.snapshots[0];
			status = snapshot_value(snap, "Status");
			found_source = snapshot_value(snap, "SourceDBClusterSnapshotArn");
			same = same_source(found_source, source) &&
				same_kms_key(snapshot_value(snap, "KmsKeyId"), AwsQueryGet(params, "KmsKeyId")) &&
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
											snapshot_value(snap, "KmsKeyId") ? " with KMS key " : "",
											snapshot_value(snap, "KmsKeyId") ? snapshot_value(snap, "KmsKeyId") : "",
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
target_locktag(const char *target, LOCKTAG *tag)
{
	char	   *key = psprintf("%s/%s", RdsResolveRegion(), target);

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
 * Check arguments, call CopyDBClusterSnapshot, and copy the one snapshot
 * of the reply into *reply (malloc'd; the caller frees it with
 * RdsReplyFree, in a PG_FINALLY).
 */
static void
copy_snapshot(FunctionCallInfo fcinfo, RdsReply *reply)
{
	AwsQuery	params = AWS_QUERY_INIT;
	char	   *source_region;
	LOCKTAG		tag;
	volatile bool locked = false;

	PG_TRY();
	{
		const char *target;

		build_copy_request(fcinfo, &params, &source_region);
		target = AwsQueryGet(&params, "TargetDBClusterSnapshotIdentifier");
		target_locktag(target, &tag);
		lock_target(&tag, target);
		locked = true;
		RdsAwsCall(&params, source_region, reconcile_copy, reply);
	}
	PG_FINALLY();
	{
		if (locked)
			LockRelease(&tag, ExclusiveLock, true);
		AwsQueryFree(&params);
	}
	PG_END_TRY();
}

/* Builds the SQL result from the reply, in the caller's memory context. */
typedef Datum (*ResultBuilder) (FunctionCallInfo fcinfo, const RdsReply *reply);

static Datum
row_result(FunctionCallInfo fcinfo, const RdsReply *reply)
{
	return HeapTupleGetDatum(RdsSnapshotTuple(RdsSnapshotTupleDesc(fcinfo),
											  &reply->snapshots[0], reply->request_id));
}

static Datum
jsonb_result(FunctionCallInfo fcinfo, const RdsReply *reply)
{
	return JsonbPGetDatum(RdsSnapshotJsonb(&reply->snapshots[0]));
}

/*
 * Run the copy in a memory context of its own, deleted before returning,
 * and build the result with build in the caller's context.  The reply
 * (malloc'd by the parser) is freed on every path.
 */
static Datum
run_copy(FunctionCallInfo fcinfo, ResultBuilder build)
{
	MemoryContext callcxt = AllocSetContextCreate(CurrentMemoryContext,
												  "rds_copy call",
												  ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(callcxt);
	RdsReply	reply;
	volatile Datum result = (Datum) 0;

	memset(&reply, 0, sizeof(reply));
	PG_TRY();
	{
		copy_snapshot(fcinfo, &reply);
		MemoryContextSwitchTo(oldcxt);
		result = build(fcinfo, &reply);
	}
	PG_FINALLY();
	{
		RdsReplyFree(&reply);
	}
	PG_END_TRY();
	MemoryContextDelete(callcxt);
	return result;
}

Datum
rds_copy_db_cluster_snapshot(PG_FUNCTION_ARGS)
{
	return run_copy(fcinfo, row_result);
}

Datum
rds_copy_db_cluster_snapshot_jsonb(PG_FUNCTION_ARGS)
{
	return run_copy(fcinfo, jsonb_result);
}
