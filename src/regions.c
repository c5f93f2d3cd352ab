/*-------------------------------------------------------------------------
 * regions.c
 *		Look a region up in the built-in list of AWS regions.
 *
 * The list itself is regions_data.c (generated); what is allowed, given
 * rds_copy.allowed_regions, is validate.c's rule.  Also the partition of
 * a region (botocore's aws.partition: the lists, then the regexes, then
 * "aws"); the regexes are compiled once per process with regcomp(3).
 * Pure code: no I/O, no PostgreSQL.
 *-------------------------------------------------------------------------
 */
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "regions.h"

static int
compare_region(const void *key, const void *entry)
{
	return strcmp((const char *) key, ((const RdsKnownRegion *) entry)->name);
}

const RdsKnownRegion *
RdsRegionLookup(const char *region)
{
	if (region == NULL)
		return NULL;
	return bsearch(region, RdsKnownRegions, RdsKnownRegionCount,
				   sizeof(RdsKnownRegions[0]), compare_region);
}

/* the compiled regexes of RdsPartitions, once per process */
#define RDS_MAX_PARTITIONS 32
static regex_t partition_regex[RDS_MAX_PARTITIONS];
static bool partition_regex_ok[RDS_MAX_PARTITIONS];
static bool partition_regex_done = false;

const RdsPartition *
RdsPartitionOf(const char *region)
{
	const RdsKnownRegion *known = RdsRegionLookup(region);
	int			i;

	if (known != NULL)
	{
		for (i = 0; i < RdsPartitionCount; i++)
			if (strcmp(RdsPartitions[i].id, known->partition) == 0)
				return &RdsPartitions[i];
	}
	if (!partition_regex_done)
	{
		for (i = 0; i < RdsPartitionCount && i < RDS_MAX_PARTITIONS; i++)
			partition_regex_ok[i] = regcomp(&partition_regex[i], RdsPartitions[i].region_regex,
											REG_EXTENDED | REG_NOSUB) == 0;
		partition_regex_done = true;
	}
	for (i = 0; region != NULL && i < RdsPartitionCount && i < RDS_MAX_PARTITIONS; i++)
		if (partition_regex_ok[i] && regexec(&partition_regex[i], region, 0, NULL, 0) == 0)
			return &RdsPartitions[i];
	/* botocore: the first partition ("aws") when nothing matches */
	return &RdsPartitions[0];
}
