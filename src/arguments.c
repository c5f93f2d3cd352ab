/*-------------------------------------------------------------------------
 * arguments.c
 *		The argument checks of every SQL function: SQL arguments ->
 *		checked C values -> request parameters.  Nothing is sent before
 *		they pass, and a bad argument is a 22023 (22004 for a NULL) that
 *		names it.
 *
 * The rules themselves (identifier shapes, tag characters, regions,
 * snapshot types) are validate.c's pure checks; this file applies them to
 * fmgr arguments and jsonb, and raises.  Region arguments are also held
 * to the allow-list here (settings.c's RdsRequireAllowedRegion), so that
 * enqueue_copy refuses what the send would.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "arguments.h"
#include "settings.h"
#include "validate.h"

char *
RdsTextArg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
	return text_to_cstring(PG_GETARG_TEXT_PP(argno));
}

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

void
RdsCopyArgsFromCall(FunctionCallInfo fcinfo, RdsCopyArgs *args)
{
	args->source = RdsTextArg(fcinfo, ARG_SOURCE, "source");
	args->target = RdsTextArg(fcinfo, ARG_TARGET, "target");
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
		if ((why = RdsCheckRegion(args->source_region)) != NULL)
			RdsRejectArgument("source_region", args->source_region, why);
		RdsRequireAllowedRegion(args->source_region, "source_region");
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

char *
RdsSnapshotIdArg(FunctionCallInfo fcinfo, int argno)
{
	char	   *identifier = RdsTextArg(fcinfo, argno, "identifier");

	/* the source rules: automated snapshots are named "rds:..." */
	if (RdsCheckSourceIdentifier(identifier) != NULL)
		RdsRejectArgument("snapshot identifier", identifier,
						  "A DB cluster snapshot identifier or ARN has 1 to 1024 characters, without spaces or control characters.");
	return identifier;
}

/* An optional text argument checked by check (a validate.c rule); NULL when not given. */
static char *
checked_text_arg(FunctionCallInfo fcinfo, int argno, const char *argname,
				 const char *(*check) (const char *))
{
	char	   *value;
	const char *why;

	if (PG_ARGISNULL(argno))
		return NULL;
	value = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	if ((why = check(value)) != NULL)
		RdsRejectArgument(argname, value, why);
	return value;
}

char *
RdsRegionArg(FunctionCallInfo fcinfo, int argno)
{
	char	   *region = checked_text_arg(fcinfo, argno, "region", RdsCheckRegion);

	if (region != NULL)
		RdsRequireAllowedRegion(region, "region");
	return region;
}

int64
RdsIntervalArgUs(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	Interval   *iv;
	int64		us;

	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", argname)));
	iv = PG_GETARG_INTERVAL_P(argno);
	us = iv->time + (iv->day + (int64) iv->month * DAYS_PER_MONTH) * USECS_PER_DAY;
	if (us < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", argname)));
	return us;
}

char *
RdsClusterIdArg(FunctionCallInfo fcinfo, int argno)
{
	return checked_text_arg(fcinfo, argno, "cluster identifier", RdsCheckClusterIdentifier);
}

char *
RdsSnapshotTypeArg(FunctionCallInfo fcinfo, int argno)
{
	return checked_text_arg(fcinfo, argno, "snapshot_type", RdsCheckSnapshotType);
}
