/*-------------------------------------------------------------------------
 * regions.h
 *		The built-in list of AWS regions and its lookup.
 *
 * The list (regions_data.c) is generated from botocore's endpoint data by
 * test/unit/gen_regions.py; test/unit/check_regions.py checks it against
 * the botocore installed.  Pure code: no I/O, no PostgreSQL.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_REGIONS_H
#define RDS_REGIONS_H

typedef struct RdsKnownRegion
{
	const char *name;			/* e.g. "us-east-1" */
	const char *partition;		/* e.g. "aws" */
	const char *dns_suffix;		/* e.g. "amazonaws.com" */
} RdsKnownRegion;

/* Sorted by name (strcmp), no duplicates. */
extern const RdsKnownRegion RdsKnownRegions[];
extern const int RdsKnownRegionCount;

/* Where the list came from, e.g. "botocore 1.43.117". */
extern const char RdsRegionsSource[];

/* The entry of region, or NULL when the list does not name it. */
extern const RdsKnownRegion *RdsRegionLookup(const char *region);

#endif
