/*-------------------------------------------------------------------------
 * action_copy.c
 *		The CopyDBClusterSnapshot action: one session per target (a
 *		cluster-wide lock), and reconciliation of a copy whose reply was
 *		lost.
 *
 * Shared by the direct SQL functions (sqlfunc_copy.c) and the queue
 * (queue_steps.c); the arguments come checked from arguments.c.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "storage/lock.h"

#include "action.h"
#include "action_copy.h"
#include "action_snapshot.h"
#include "settings.h"
#include "snapshot.h"

static bool
ends_with(const char *s, const char *suffix)
{
	size_t		n = strlen(s);
	size_t		m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * The snapshot identifier in a cluster-snapshot ARN
 * (arn:PARTITION:rds:REGION:ACCOUNT:cluster-snapshot:ID; ID may hold
 * colons, as an automated snapshot's rds:... does): what follows the
 * sixth colon, or NULL when arn is not of that shape.
 */
static const char *
arn_snapshot_id(const char *arn)
{
	static const char kind[] = ":cluster-snapshot:";
	const size_t kind_len = sizeof(kind) - 1;
	const char *p = arn;
	int			colons = 0;

	while (colons < 6 && (p = strchr(p, ':')) != NULL)
	{
		p++;
		colons++;
	}
	if (p == NULL || (size_t) (p - arn) < kind_len ||
		strncmp(p - kind_len, kind, kind_len) != 0)
		return NULL;
	return p;
}

/*
 * Was found copied from source (an identifier in this region, or an ARN)?
 * Snapshot identifiers are not case-sensitive at AWS and are stored in
 * lower case (botocore's rds model: CopyDBClusterSnapshotMessage's
 * Source- and TargetDBClusterSnapshotIdentifier "isn't case-sensitive",
 * DescribeDBClusterSnapshotsMessage.DBClusterSnapshotIdentifier "is
 * stored as a lowercase string"), so the ARN AWS records names the source
 * in lower case: the identifier is compared ignoring case, the rest of an
 * ARN (partition, region, account) exactly.
 */
static bool
same_source(const char *found_arn, const char *source)
{
	const char *found_id;
	const char *source_id = source;

	if (found_arn == NULL || (found_id = arn_snapshot_id(found_arn)) == NULL)
		return false;
	if (strncmp(source, "arn:", 4) == 0)
	{
		source_id = arn_snapshot_id(source);
		if (source_id == NULL || source_id - source != found_id - found_arn ||
			strncmp(found_arn, source, found_id - found_arn) != 0)
			return false;
	}
	return pg_strcasecmp(found_id, source_id) == 0;
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
RdsReconcileCopy(const char *region, const AwsQuery *params, RdsReply *reply,
				 RdsActionOutcome *outcome)
{
	const char *target = AwsQueryGet(params, "TargetDBClusterSnapshotIdentifier");
	const char *source = AwsQueryGet(params, "SourceDBClusterSnapshotIdentifier");
	RdsReply	found;
	volatile bool same = false;

	memset(&found, 0, sizeof(found));
	PG_TRY();
	{
		if (RdsDescribeSnapshot(region, target, true, &found, outcome))
		{
			const RdsSnapshot *snap = &found.snapshots[0];
			const char *status = RdsSnapshotValue(snap, "Status");
			const char *found_source = RdsSnapshotValue(snap, "SourceDBClusterSnapshotArn");
			const char *found_key = RdsSnapshotValue(snap, "KmsKeyId");

			same = same_source(found_source, source) &&
				same_kms_key(found_key, AwsQueryGet(params, "KmsKeyId")) &&
				RdsSnapshotStatusIsLive(status);
			if (!same)
			{
				const char *kms_key = AwsQueryGet(params, "KmsKeyId");

				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_OBJECT),
						 !same_source(found_source, source) ?
						 errmsg("target DB cluster snapshot \"%s\" already exists with a different source", target) :
						 !same_kms_key(found_key, kms_key) ?
						 errmsg("target DB cluster snapshot \"%s\" already exists with a different KMS key", target) :
						 errmsg("target DB cluster snapshot \"%s\" already exists and is %s", target,
								status ? status : "in an unknown state"),
						 errdetail_internal("It was copied from %s%s%s (status %s); this call copies %s%s%s.",
											found_source ? found_source : "no recorded source",
											found_key ? " with KMS key " : "",
											found_key ? found_key : "",
											status ? status : "unknown", source,
											kms_key ? " with KMS key " : "",
											kms_key ? kms_key : "")));
			}
			ereport(NOTICE,
					(errmsg("target DB cluster snapshot \"%s\" was found, not created, by this call", target),
					 errdetail("An earlier attempt of this call got no reply, but it started the copy.")));
			*reply = found;
			memset(&found, 0, sizeof(found));
		}
	}
	PG_FINALLY();
	{
		RdsReplyFree(&found);
	}
	PG_END_TRY();
	return same;
}

/*
 * The lock that keeps two sessions from copying to one target at once: an
 * advisory lock (shown in pg_locks with classid 0x52445343, "RDSC") on a
 * hash of the region and target, cluster-wide.  The target in lower case:
 * My-Snap and my-snap are one snapshot at AWS (see same_source).
 */
static void
target_locktag(const char *region, const char *target, LOCKTAG *tag)
{
	char	   *key = psprintf("%s/%s", region, target);
	char	   *p;

	for (p = key; *p; p++)
		*p = pg_ascii_tolower((unsigned char) *p);

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
RdsCopySnapshot(const char *region, const RdsCopyArgs *args, RdsReply *reply,
				RdsActionOutcome *outcome)
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
		RdsActionRun(region, &params, args->source_region, RdsReconcileCopy, reply, outcome);
	}
	PG_FINALLY();
	{
		if (locked)
			LockRelease(&tag, ExclusiveLock, true);
		AwsQueryFree(&params);
	}
	PG_END_TRY();
}
