/*-------------------------------------------------------------------------
 * sqlfunc_queue.c
 *		The SQL functions of the copy queue: enqueue_copy and
 *		process_queue.
 *
 * enqueue_copy checks its arguments with the direct copy's rules
 * (arguments.c) and inserts a 'queued' row; MVCC does the rest: nothing
 * sees the row before the transaction commits, and a rollback leaves
 * nothing.  process_queue runs the workers' steps now, in dynamic
 * background workers (queue_workers.c), and returns how many steps they
 * took.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "arguments.h"
#include "queue.h"
#include "settings.h"

PG_FUNCTION_INFO_V1(rds_copy_enqueue_copy);
PG_FUNCTION_INFO_V1(rds_copy_process_queue);

Datum
rds_copy_enqueue_copy(PG_FUNCTION_ARGS)
{
	RdsCopyArgs args;
	AwsQuery	params = AWS_QUERY_INIT;
	const char *region;
	Datum		values[7];
	char		nulls[7];
	int64		id;
	bool		isnull;

	RdsCopyArgsFromCall(fcinfo, &args);
	PG_TRY();
	{
		RdsBuildCopyRequest(&args, &params);
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
	}
	PG_END_TRY();
	region = RdsResolveRegion();

	memset(nulls, ' ', sizeof(nulls));
	values[0] = CStringGetTextDatum(args.source);
	values[1] = CStringGetTextDatum(args.target);
	values[2] = args.kms_key ? CStringGetTextDatum(args.kms_key) : (Datum) 0;
	nulls[2] = args.kms_key ? ' ' : 'n';
	values[3] = BoolGetDatum(args.copy_tags);
	values[4] = args.tags ? JsonbPGetDatum(args.tags) : (Datum) 0;
	nulls[4] = args.tags ? ' ' : 'n';
	values[5] = args.source_region ? CStringGetTextDatum(args.source_region) : (Datum) 0;
	nulls[5] = args.source_region ? ' ' : 'n';
	values[6] = CStringGetTextDatum(region);

	SPI_connect();
	if (SPI_execute_with_args("INSERT INTO " RDS_QUEUE_TABLE
							  " (source, target, kms_key, copy_tags, tags, source_region, region)"
							  " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
							  7, (Oid[]) {TEXTOID, TEXTOID, TEXTOID, BOOLOID, JSONBOID, TEXTOID, TEXTOID},
							  values, nulls, false, 1) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not insert into " RDS_QUEUE_TABLE);
	id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	PG_RETURN_INT64(id);
}

Datum
rds_copy_process_queue(PG_FUNCTION_ARGS)
{
	int32		max_requests;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("max_requests must not be null")));
	max_requests = PG_GETARG_INT32(0);
	if (max_requests < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_requests must be at least 1")));
	PG_RETURN_INT32((int32) RdsQueueRunHelpers(max_requests));
}
