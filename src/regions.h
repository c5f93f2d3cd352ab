/*-------------------------------------------------------------------------
 * regions.h
 *		The built-in list of AWS regions and its lookup.
 *
 * The list (regions_data.c) is generated from botocore's endpoint data by
 * test/unit/gen_regions.py; test/unit/check_regions.py checks it against
 * the botocore installed.  So are the partitions (botocore's
 * partitions.json) and the endpoint rules of RDS and STS (their
 * endpoint-rule-set-1.json, flattened) that endpoint.c evaluates.  Pure
 * code: no I/O, no PostgreSQL.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_REGIONS_H
#define RDS_REGIONS_H

#include <stdbool.h>
#include <stddef.h>

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

/* A partition, as partitions.json describes it. */
typedef struct RdsPartition
{
	const char *id;				/* e.g. "aws-us-gov" (also its name) */
	const char *region_regex;	/* regionRegex, as a POSIX extended regex */
	const char *dns_suffix;		/* e.g. "amazonaws.com" */
	const char *dual_stack_dns_suffix;	/* e.g. "api.aws" */
	bool		supports_fips;
	bool		supports_dual_stack;
	/*
	 * Whether botocore's endpoints.json resolver has a FIPS, a dual-stack,
	 * a FIPS dual-stack endpoint of rds and sts in the partition: botocore's
	 * client asks it before the rules, also under an endpoint override, and
	 * raises EndpointVariantError where it has none.
	 */
	bool		legacy_fips;
	bool		legacy_dual_stack;
	bool		legacy_fips_dual_stack;
} RdsPartition;

/* In partitions.json's order: botocore tries their regexes in that order. */
extern const RdsPartition RdsPartitions[];
extern const int RdsPartitionCount;

/*
 * The partition of region as botocore's aws.partition function finds it:
 * the partition whose region list names it, else the first whose regex
 * matches, else "aws".  Never NULL.
 */
extern const RdsPartition *RdsPartitionOf(const char *region);

/* RDS_RULE_ANY: the rule does not look at the flag */
#define RDS_RULE_ANY (-1)

/*
 * One rule of a service's endpoint rule set: it applies when every
 * condition holds (each flag equals, or is RDS_RULE_ANY; the partition
 * and region equal when not NULL; the partition supports FIPS or
 * dual-stack when needed).  Then the endpoint is url (a template with
 * {Region}, {PartitionResult#dnsSuffix} and
 * {PartitionResult#dualStackDnsSuffix}) signed for signing_region (NULL:
 * the region), or, when url is NULL, there is none and error says why.
 */
typedef struct RdsEndpointRule
{
	const char *service;
	int			fips;
	int			dualstack;
	int			global;			/* UseGlobalEndpoint (STS legacy mode) */
	const char *partition;
	const char *region;
	bool		needs_fips;
	bool		needs_dual_stack;
	const char *url;
	const char *signing_region;
	const char *error;
} RdsEndpointRule;

/* In the rule sets' order: the first rule that applies decides. */
extern const RdsEndpointRule RdsEndpointRules[];
extern const int RdsEndpointRuleCount;

#endif
