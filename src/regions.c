/*-------------------------------------------------------------------------
 * regions.c
 *		Look a region up in the built-in list of AWS regions.
 *
 * The list itself is regions_data.c (generated); what is allowed, given
 * rds_copy.allowed_regions, is validate.c's rule.  Pure code: no I/O, no
 * PostgreSQL.
 *-------------------------------------------------------------------------
 */
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
