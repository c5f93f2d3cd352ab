/*-------------------------------------------------------------------------
 * action_snapshot.c
 *		DescribeDBClusterSnapshots (one snapshot, or one page of a list)
 *		and DeleteDBClusterSnapshot, as RDS actions (action.c).
 *
 * Used by the SQL functions (sqlfunc_snapshots.c), the copy's
 * reconciliation (action_copy.c) and the queue (queue_steps.c), so that a
 * Describe is built in one place.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "action_snapshot.h"

/* DescribeDBClusterSnapshots pages: the largest MaxRecords AWS allows */
#define PAGE_SIZE "100"

static void
check_built(const AwsQuery *params)
{
	if (params->failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/*
 * Does identifier (or a cluster-snapshot ARN) name an automated snapshot?
 * AWS names those "rds:<cluster>-<date>"; a manual snapshot's identifier
 * starts with a letter and has no colon.
 */
static bool
names_automated(const char *identifier)
{
	const char *id = identifier;

	if (pg_strncasecmp(identifier, "arn:", 4) == 0)
	{
		id = strstr(identifier, ":cluster-snapshot:");
		if (id == NULL)
			return false;
		id += strlen(":cluster-snapshot:");
	}
	return pg_strncasecmp(id, "rds:", 4) == 0;
}

/*
 * action (DescribeDBClusterSnapshots or DeleteDBClusterSnapshot) on one
 * DBClusterSnapshotIdentifier.  Returns true with exactly one snapshot in
 * *reply, false (missing_ok, Describe only) when there is none.
 */
static bool
one_snapshot_action(const char *action, const char *region, const char *identifier,
					bool missing_ok, RdsReply *reply, RdsActionOutcome *outcome)
{
	AwsQuery	params = AWS_QUERY_INIT;
	volatile bool found = false;

	PG_TRY();
	{
		AwsQueryStart(&params, action);
		AwsQueryAdd(&params, "DBClusterSnapshotIdentifier", identifier);

		/*
		 * botocore's rds model, DescribeDBClusterSnapshotsMessage.
		 * DBClusterSnapshotIdentifier: "If this identifier is for an
		 * automated snapshot, the SnapshotType parameter must also be
		 * specified."  (DeleteDBClusterSnapshot has no SnapshotType.)
		 */
		if (strcmp(action, "DescribeDBClusterSnapshots") == 0 && names_automated(identifier))
			AwsQueryAdd(&params, "SnapshotType", "automated");
		check_built(&params);
		RdsActionRun(region, &params, NULL, NULL, reply, outcome);
		if (reply->nsnapshots == 1)
			found = true;
		else
		{
			int			n = reply->nsnapshots;
			bool		describe = strcmp(action, "DescribeDBClusterSnapshots") == 0;

			RdsReplyFree(reply);
			if (n == 0 && describe && missing_ok)
				found = false;
			else if (n == 0 && describe)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("DB cluster snapshot \"%s\" does not exist", identifier)));
			else
				ereport(ERROR,
						(errcode(ERRCODE_PROTOCOL_VIOLATION),
						 errmsg("Amazon RDS %s returned %d DB cluster snapshots for identifier \"%s\"",
								action, n, identifier)));
		}
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
	}
	PG_END_TRY();
	return found;
}

bool
RdsDescribeSnapshot(const char *region, const char *identifier, bool missing_ok,
					RdsReply *reply, RdsActionOutcome *outcome)
{
	return one_snapshot_action("DescribeDBClusterSnapshots", region, identifier, missing_ok,
							   reply, outcome);
}

void
RdsDeleteSnapshot(const char *region, const char *identifier, RdsReply *reply,
				  RdsActionOutcome *outcome)
{
	(void) one_snapshot_action("DeleteDBClusterSnapshot", region, identifier, false,
							   reply, outcome);
}

/*
 * DescribeDBClusterSnapshotsMessage.Filters (botocore's rds service
 * model): "db-cluster-snapshot-id - Accepts DB cluster snapshot
 * identifiers"; on the wire Filters.Filter.1.Name and
 * Filters.Filter.1.Values.Value.N (the FilterList and FilterValueList
 * locationNames).  MaxRecords 100 holds every one of up to 100.  The
 * identifiers are the queue's targets, manual snapshots (a copy's target
 * cannot be named rds:...), so no SnapshotType goes with them: without one
 * AWS returns automated and manual snapshots alike.
 */
void
RdsDescribeSnapshotsById(const char *region, const char *const *identifiers, int n,
						 RdsReply *reply, RdsActionOutcome *outcome)
{
	AwsQuery	params = AWS_QUERY_INIT;
	int			i;

	Assert(n >= 1 && n <= RDS_DESCRIBE_BATCH);
	PG_TRY();
	{
		AwsQueryStart(&params, "DescribeDBClusterSnapshots");
		AwsQueryAdd(&params, "Filters.Filter.1.Name", "db-cluster-snapshot-id");
		for (i = 0; i < n; i++)
		{
			char		name[48];

			snprintf(name, sizeof(name), "Filters.Filter.1.Values.Value.%d", i + 1);
			AwsQueryAdd(&params, name, identifiers[i]);
		}
		AwsQueryAdd(&params, "MaxRecords", PAGE_SIZE);
		check_built(&params);
		RdsActionRun(region, &params, NULL, NULL, reply, outcome);
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
	}
	PG_END_TRY();
}

void
RdsListSnapshotsPage(const char *region, const RdsSnapshotFilter *filter,
					 const char *marker, RdsReply *reply)
{
	AwsQuery	params = AWS_QUERY_INIT;

	PG_TRY();
	{
		AwsQueryStart(&params, "DescribeDBClusterSnapshots");
		if (filter->cluster != NULL)
			AwsQueryAdd(&params, "DBClusterIdentifier", filter->cluster);
		if (filter->snapshot_type != NULL)
			AwsQueryAdd(&params, "SnapshotType", filter->snapshot_type);
		if (filter->include_shared)
			AwsQueryAdd(&params, "IncludeShared", "true");
		AwsQueryAdd(&params, "MaxRecords", PAGE_SIZE);
		if (marker != NULL)
			AwsQueryAdd(&params, "Marker", marker);
		check_built(&params);
		RdsActionRun(region, &params, NULL, NULL, reply, NULL);
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
	}
	PG_END_TRY();
}
