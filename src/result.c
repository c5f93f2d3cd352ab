/*-------------------------------------------------------------------------
 * result.c
 *		An RDS DBClusterSnapshot from a parsed reply as SQL values: a row
 *		of rds_copy.db_cluster_snapshot, or jsonb shaped like boto3's.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "nodes/nodeFuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

#include "result.h"

/*
 * An ISO-8601 timestamp from a reply (checked by the parser) as a
 * timestamptz: seconds from RdsIsoTimestampToTime plus the fraction,
 * cheaper than timestamptz_in's general parser on every call.
 */
static Datum
timestamp_datum(const char *v)
{
	time_t		seconds;
	const char *fraction = v + 19;
	int64		usec = 0;
	int			digits = 0;

	if (!RdsIsoTimestampToTime(v, &seconds))
		elog(ERROR, "reply timestamp \"%s\" is not ISO-8601", v);
	if (*fraction == '.')
		for (fraction++; *fraction >= '0' && *fraction <= '9'; fraction++)
			if (digits++ < 6)
				usec = usec * 10 + (*fraction - '0');
	while (digits++ < 6)
		usec *= 10;
	return TimestampTzGetDatum(time_t_to_timestamptz(seconds) + usec);
}

static Datum
zones_datum(const RdsSnapshot *snap)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(snap->nzones, 1));
	int			i;

	for (i = 0; i < snap->nzones; i++)
		elems[i] = CStringGetTextDatum(snap->zones[i]);
	return PointerGetDatum(construct_array(elems, snap->nzones, TEXTOID, -1, false,
										   TYPALIGN_INT));
}

static void
push_string(JsonbParseState **state, JsonbIteratorToken tok, const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.val = (char *) s;
	v.val.string.len = strlen(s);
	pushJsonbValue(state, tok, &v);
}

/* {"key": "value", ...} */
static Datum
tags_object_datum(const RdsSnapshot *snap)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;
	int			i;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < snap->ntags; i++)
	{
		push_string(&state, WJB_KEY, snap->tags[i].key);
		push_string(&state, WJB_VALUE, snap->tags[i].value);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(res));
}

static void
check_columns(TupleDesc tupdesc)
{
	RdsSnapshotCheckColumns(tupdesc->natts);
}

/*
 * The type has 1.1's columns, or 1.0's (a database not yet updated with
 * ALTER EXTENSION rds_copy UPDATE, whose rows lack the members 1.1 added).
 */
void
RdsSnapshotCheckColumns(int natts)
{
	if (natts != RDS_SNAPSHOT_NCOLUMNS && natts != RDS_SNAPSHOT_NCOLUMNS_1_0)
		elog(ERROR, "rds_copy.db_cluster_snapshot has %d columns, expected %d",
			 natts, RDS_SNAPSHOT_NCOLUMNS);
}

/*
 * A copy of rds_copy.db_cluster_snapshot's descriptor, kept for the
 * backend: get_call_result_type looks the function up in the catalog and
 * copies the 30-column descriptor on every call, and in a PL/pgSQL loop
 * every call has a fresh FmgrInfo, so fn_extra would not keep it.  The
 * typcache's identifier of the type's descriptor tells when ALTER TYPE has
 * changed it; the old copy is then left allocated (a caller may still hold
 * it), a few kB per change of the type.
 */
static Oid	cached_type = InvalidOid;
static uint64 cached_identifier = 0;
static TupleDesc cached_desc = NULL;

TupleDesc
RdsSnapshotTupleDesc(FunctionCallInfo fcinfo)
{
	TupleDesc	tupdesc;
	Oid			typid = InvalidOid;

	/* the declared type of the call, without a catalog lookup */
	if (fcinfo->flinfo != NULL && fcinfo->flinfo->fn_expr != NULL)
		typid = exprType(fcinfo->flinfo->fn_expr);
	if (OidIsValid(typid) && typid != RECORDOID)
	{
		TypeCacheEntry *typentry = lookup_type_cache(typid, TYPECACHE_TUPDESC);

		if (typentry->typtype == TYPTYPE_COMPOSITE && typentry->tupDesc != NULL)
		{
			if (cached_desc == NULL || cached_type != typid ||
				cached_identifier != typentry->tupDesc_identifier)
			{
				MemoryContext oldcxt;

				check_columns(typentry->tupDesc);
				oldcxt = MemoryContextSwitchTo(TopMemoryContext);
				tupdesc = CreateTupleDescCopy(typentry->tupDesc);
				MemoryContextSwitchTo(oldcxt);
				cached_desc = tupdesc;
				cached_type = typid;
				cached_identifier = typentry->tupDesc_identifier;
			}
			return cached_desc;
		}
	}

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	check_columns(tupdesc);
	return BlessTupleDesc(tupdesc);
}

HeapTuple
RdsSnapshotTuple(TupleDesc tupdesc, const RdsSnapshot *snap, const char *request_id)
{
	Datum		values[RDS_SNAPSHOT_NCOLUMNS];
	bool		nulls[RDS_SNAPSHOT_NCOLUMNS];
	int			i;

	/* tupdesc has 1.1's columns or 1.0's (check_columns) */
	Assert(tupdesc->natts <= RDS_SNAPSHOT_NCOLUMNS);
	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
	{
		const char *v = snap->values[i];
		int			c = RdsSnapshotColumn(i);

		if (c >= tupdesc->natts)
			continue;			/* a member the type of 1.0 lacks */
		nulls[c] = false;
		switch (RdsSnapshotFields[i].type)
		{
			case RDS_FIELD_ZONES:
				nulls[c] = !snap->has_zones;
				if (snap->has_zones)
					values[c] = zones_datum(snap);
				break;
			case RDS_FIELD_TAGS:
				nulls[c] = !snap->has_tags;
				if (snap->has_tags)
					values[c] = tags_object_datum(snap);
				break;
			default:
				nulls[c] = v == NULL;
				if (v == NULL)
					break;
				if (RdsSnapshotFields[i].type == RDS_FIELD_INT)
					values[c] = Int32GetDatum(pg_strtoint32(v));
				else if (RdsSnapshotFields[i].type == RDS_FIELD_BOOL)
					values[c] = BoolGetDatum(strcmp(v, "true") == 0);
				else if (RdsSnapshotFields[i].type == RDS_FIELD_TIMESTAMP)
					values[c] = timestamp_datum(v);
				else
					values[c] = CStringGetTextDatum(v);
				break;
		}
	}
	nulls[RDS_SNAPSHOT_REQUEST_ID_COLUMN] = request_id == NULL;
	if (request_id != NULL)
		values[RDS_SNAPSHOT_REQUEST_ID_COLUMN] = CStringGetTextDatum(request_id);
	return heap_form_tuple(tupdesc, values, nulls);
}

/* The snapshot as boto3 shows response['DBClusterSnapshot']. */
Jsonb *
RdsSnapshotJsonb(const RdsSnapshot *snap)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;
	int			i;
	int			j;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
	{
		const RdsSnapshotField *f = &RdsSnapshotFields[i];
		const char *v = snap->values[i];
		JsonbValue	jv;

		if (f->type == RDS_FIELD_ZONES)
		{
			if (!snap->has_zones)
				continue;
			push_string(&state, WJB_KEY, f->aws_name);
			pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
			for (j = 0; j < snap->nzones; j++)
				push_string(&state, WJB_ELEM, snap->zones[j]);
			pushJsonbValue(&state, WJB_END_ARRAY, NULL);
			continue;
		}
		if (f->type == RDS_FIELD_TAGS)
		{
			if (!snap->has_tags)
				continue;
			push_string(&state, WJB_KEY, f->aws_name);
			pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
			for (j = 0; j < snap->ntags; j++)
			{
				pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
				push_string(&state, WJB_KEY, "Key");
				push_string(&state, WJB_VALUE, snap->tags[j].key);
				push_string(&state, WJB_KEY, "Value");
				push_string(&state, WJB_VALUE, snap->tags[j].value);
				pushJsonbValue(&state, WJB_END_OBJECT, NULL);
			}
			pushJsonbValue(&state, WJB_END_ARRAY, NULL);
			continue;
		}
		if (v == NULL)
			continue;
		push_string(&state, WJB_KEY, f->aws_name);
		if (f->type == RDS_FIELD_INT)
		{
			jv.type = jbvNumeric;
			jv.val.numeric = int64_to_numeric(pg_strtoint32(v));
			pushJsonbValue(&state, WJB_VALUE, &jv);
		}
		else if (f->type == RDS_FIELD_BOOL)
		{
			jv.type = jbvBool;
			jv.val.boolean = strcmp(v, "true") == 0;
			pushJsonbValue(&state, WJB_VALUE, &jv);
		}
		else
			push_string(&state, WJB_VALUE, v);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

Datum
RdsSnapshotResult(FunctionCallInfo fcinfo, RdsSnapshotCall call, bool as_jsonb)
{
	MemoryContext callcxt = AllocSetContextCreate(CurrentMemoryContext, "rds_copy call",
												  ALLOCSET_SMALL_SIZES);
	MemoryContext oldcxt = MemoryContextSwitchTo(callcxt);
	RdsReply	reply;
	volatile Datum result = (Datum) 0;

	memset(&reply, 0, sizeof(reply));
	PG_TRY();
	{
		call(fcinfo, &reply);
		MemoryContextSwitchTo(oldcxt);
		if (as_jsonb)
			result = JsonbPGetDatum(RdsSnapshotJsonb(&reply.snapshots[0]));
		else
			result = HeapTupleGetDatum(RdsSnapshotTuple(RdsSnapshotTupleDesc(fcinfo),
														&reply.snapshots[0],
														reply.request_id));
	}
	PG_FINALLY();
	{
		RdsReplyFree(&reply);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(callcxt);
	return result;
}
