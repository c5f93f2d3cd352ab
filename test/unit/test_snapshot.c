/*-------------------------------------------------------------------------
 * test_snapshot.c
 *		Unit tests for src/snapshot.c: the DBClusterSnapshot members and
 *		what its statuses mean.
 *-------------------------------------------------------------------------
 */
#include "snapshot.h"
#include "unit.h"

static void
test_statuses(void)
{
	/* DBClusterSnapshot.Status values (API reference) */
	static const char *const all[] = {
		"available", "copying", "creating", "deleting", "failed",
		"incompatible-restore", "incompatible-parameters", "deleted"
	};
	size_t		i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
	{
		const char *s = all[i];

		UNIT_CONTEXT("%s", s);
		/* live and final never overlap; available is live */
		CHECK(!(RdsSnapshotStatusIsLive(s) && RdsSnapshotStatusIsFinal(s)));
		CHECK(RdsSnapshotStatusIsLive(s) || RdsSnapshotStatusIsFinal(s));
		if (RdsSnapshotStatusIsAvailable(s))
			CHECK(RdsSnapshotStatusIsLive(s));
	}
	UNIT_CONTEXT(NULL);
	CHECK(RdsSnapshotStatusIsAvailable("available"));
	CHECK(!RdsSnapshotStatusIsAvailable("Available"));
	CHECK(!RdsSnapshotStatusIsAvailable(NULL));
	CHECK(RdsSnapshotStatusIsLive("copying"));
	CHECK(RdsSnapshotStatusIsLive("creating"));
	CHECK(!RdsSnapshotStatusIsLive("deleting"));
	CHECK(RdsSnapshotStatusIsFinal("deleting"));
	CHECK(RdsSnapshotStatusIsFinal("failed"));
	CHECK(!RdsSnapshotStatusIsFinal(NULL));
	CHECK(!RdsSnapshotStatusIsLive(NULL));
	CHECK(!RdsSnapshotStatusIsFinal("something-new"));
	CHECK(!RdsSnapshotStatusIsLive("something-new"));
}

static void
test_members(void)
{
	RdsSnapshot snap;
	size_t		i;
	int			status = -1;

	memset(&snap, 0, sizeof(snap));
	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
		if (strcmp(RdsSnapshotFields[i].aws_name, "Status") == 0)
			status = (int) i;
	if (!CHECK(status >= 0))
		return;
	snap.values[status] = "copying";
	CHECK_STREQ(RdsSnapshotValue(&snap, "Status"), "copying");
	CHECK(RdsSnapshotValue(&snap, "KmsKeyId") == NULL);
	CHECK(RdsSnapshotValue(&snap, "NoSuchMember") == NULL);
	/* the SQL type's first and last columns */
	CHECK_STREQ(RdsSnapshotFields[0].sql_name, "availability_zones");
	CHECK_STREQ(RdsSnapshotFields[RDS_SNAPSHOT_NFIELDS - 1].sql_name, "db_system_id");
}

int
main(void)
{
	test_statuses();
	test_members();
	return UnitSummary();
}
