/*-------------------------------------------------------------------------
 * validate.h
 *		Checks of user input against RDS's documented rules.
 *
 * Pure code.  Each check returns NULL when the input is acceptable, or a
 * static sentence (an errdetail) saying what is wrong.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_VALIDATE_H
#define RDS_VALIDATE_H

#include <stddef.h>

#define RDS_MAX_TAGS 50
#define RDS_TAG_KEY_MAX 128
#define RDS_TAG_VALUE_MAX 256

extern const char *RdsCheckSnapshotIdentifier(const char *id);
extern const char *RdsCheckSourceIdentifier(const char *id);
extern const char *RdsCheckKmsKeyId(const char *key);
extern const char *RdsCheckTagKey(const char *key);
extern const char *RdsCheckTagValue(const char *value);

/* A region name (lower-case letters, digits and single hyphens). */
extern const char *RdsCheckRegion(const char *region);

/*
 * May requests go to region?  allowed is rds_copy.allowed_regions: NULL
 * or blank means every region of the built-in list (regions.h); else
 * exactly the regions it lists, known or not.  A region that is not
 * region-shaped never may.
 */
extern const char *RdsCheckRegionAllowed(const char *region, const char *allowed);

/*
 * A value of rds_copy.allowed_regions: region names separated by commas,
 * blanks around each ignored; blank as a whole is the empty list.  When
 * it is not acceptable, the first bad entry is also copied (truncated,
 * NUL-terminated; "" for an empty entry) to bad[badsize].
 */
extern const char *RdsCheckRegionList(const char *list, char *bad, size_t badsize);

/* A DB cluster identifier or ARN (DescribeDBClusterSnapshots' filter). */
extern const char *RdsCheckClusterIdentifier(const char *id);

/* A SnapshotType of DescribeDBClusterSnapshots. */
extern const char *RdsCheckSnapshotType(const char *type);

/*
 * For a cross-region copy: the source must be an RDS cluster-snapshot ARN
 * whose region is source_region.
 */
extern const char *RdsCheckSourceArnRegion(const char *source, const char *source_region);

#endif
