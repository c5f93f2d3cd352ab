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
	/* the SQL type's first column, 1.0's last member, and 1.1's */
	CHECK_STREQ(RdsSnapshotFields[0].sql_name, "availability_zones");
	CHECK_STREQ(RdsSnapshotFields[RDS_SNAPSHOT_NFIELDS_1_0 - 1].sql_name, "db_system_id");
	CHECK_STREQ(RdsSnapshotFields[RDS_SNAPSHOT_NFIELDS - 1].sql_name, "storage_encryption_type");
}

/*
 * The type's columns: 1.0's members, request_id, then what 1.1 appended
 * (ALTER TYPE ... ADD ATTRIBUTE): storage_encryption_type is column 29
 * (0-based), after request_id at 28, as attnum 30 in sql/rds_copy--1.1.sql.
 */
static void
test_columns(void)
{
	int			i;

	CHECK_INTEQ(RDS_SNAPSHOT_NCOLUMNS, 30);
	CHECK_INTEQ(RDS_SNAPSHOT_NCOLUMNS_1_0, 29);
	CHECK_INTEQ(RDS_SNAPSHOT_REQUEST_ID_COLUMN, 28);
	CHECK_INTEQ(RdsSnapshotColumn(0), 0);
	CHECK_INTEQ(RdsSnapshotColumn(RDS_SNAPSHOT_NFIELDS_1_0 - 1), 27);
	CHECK_INTEQ(RdsSnapshotColumn(RDS_SNAPSHOT_NFIELDS - 1), 29);
	/* every column but request_id's holds exactly one member */
	for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
	{
		CHECK(RdsSnapshotColumn(i) != RDS_SNAPSHOT_REQUEST_ID_COLUMN);
		CHECK(RdsSnapshotColumn(i) < RDS_SNAPSHOT_NCOLUMNS);
		if (i > 0)
			CHECK(RdsSnapshotColumn(i) > RdsSnapshotColumn(i - 1));
	}
}

int
main(void)
{
	test_statuses();
	test_members();
	test_columns();
	return UnitSummary();
}
