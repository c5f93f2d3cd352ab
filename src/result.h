/*-------------------------------------------------------------------------
 * result.h
 *		A parsed DBClusterSnapshot as a composite row or as jsonb.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_RESULT_H
#define RDS_RESULT_H

#include "access/htup.h"
#include "access/tupdesc.h"
#include "fmgr.h"
#include "utils/jsonb.h"

#include "xmlreply.h"

/*
 * The blessed descriptor of fcinfo's result type, rds_copy.db_cluster_snapshot
 * (30 columns, or 1.0's 29 before ALTER EXTENSION UPDATE; else it raises).
 * For a call with a known composite type it is a copy result.c keeps for the
 * backend: read it, do not free or change it.
 */
extern TupleDesc RdsSnapshotTupleDesc(FunctionCallInfo fcinfo);

/*
 * natts, the columns of a descriptor of rds_copy.db_cluster_snapshot, are
 * 1.1's or 1.0's; else it raises.
 */
extern void RdsSnapshotCheckColumns(int natts);

/*
 * snap as a row of tupdesc (1.1's or 1.0's columns: a member 1.0 lacks is
 * left out); request_id (may be NULL) goes in its column.
 */
extern HeapTuple RdsSnapshotTuple(TupleDesc tupdesc, const RdsSnapshot *snap,
								  const char *request_id);

/* snap as boto3 shows a DBClusterSnapshot. */
extern Jsonb *RdsSnapshotJsonb(const RdsSnapshot *snap);

/* Runs the action of an SQL function and leaves one snapshot in *reply. */
typedef void (*RdsSnapshotCall) (FunctionCallInfo fcinfo, RdsReply *reply);

/*
 * The result of an SQL function that returns one snapshot: run call in a
 * memory context of its own (deleted before returning), then build the
 * row (or, as_jsonb, the jsonb) in the caller's.  The reply, malloc'd by
 * the parser, is freed on every path.
 */
extern Datum RdsSnapshotResult(FunctionCallInfo fcinfo, RdsSnapshotCall call, bool as_jsonb);

#endif
