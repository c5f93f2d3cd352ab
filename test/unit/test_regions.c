/*-------------------------------------------------------------------------
 * test_regions.c
 *		Unit tests for src/regions.c (the built-in list of AWS regions and
 *		its lookup), the allow-list rules of src/validate.c
 *		(RdsCheckRegionAllowed, RdsCheckRegionList) and the DNS suffix
 *		endpoint.c takes from the list.
 *
 * The list itself is compared with botocore's data by check_regions.py;
 * here: its shape (sorted, unique, region names), the lookup of every
 * entry, and regions that must not be in it.
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "regions.h"
#include "unit.h"
#include "validate.h"

/* Not regions of any partition: made up, or names AWS uses for other things. */
static const char *const made_up[] = {
	"s3-external-1",			/* an S3 endpoint name, not a region */
	"us-east-99",
	"mars-north-1",
	"aws-global",				/* partitions.json's global pseudo-region */
	"aws-cn-global",
	"us-east",
	"xx-newland-1",
};

static void
test_table(void)
{
	int			i;

	CHECK(RdsKnownRegionCount >= 30);
	CHECK(strncmp(RdsRegionsSource, "botocore ", 9) == 0);
	for (i = 0; i < RdsKnownRegionCount; i++)
	{
		const RdsKnownRegion *r = &RdsKnownRegions[i];

		UNIT_CONTEXT("entry %d \"%s\"", i, r->name);
		CHECK(RdsRegionIsValid(r->name));
		if (i > 0)
			CHECK(strcmp(RdsKnownRegions[i - 1].name, r->name) < 0);
		CHECK(RdsRegionLookup(r->name) == r);
		CHECK(strncmp(r->partition, "aws", 3) == 0);
		CHECK(r->dns_suffix[0] != '\0' && strchr(r->dns_suffix, '.') != NULL);
		/* every known region is allowed while the allow-list is empty */
		CHECK(RdsCheckRegionAllowed(r->name, "") == NULL);
		CHECK(RdsCheckRegionAllowed(r->name, NULL) == NULL);
	}
	UNIT_CONTEXT(NULL);
}

static void
test_lookup(void)
{
	const RdsKnownRegion *r;
	size_t		i;

	/* the regions of the oldest botocore we support (Debian 12's 1.29.27) */
	static const char *const bookworm[] = {
		"af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
		"ca-central-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
		"eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "me-central-1", "me-south-1",
		"sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
		"cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
		"us-iso-east-1", "us-iso-west-1", "us-isob-east-1",
	};

	for (i = 0; i < sizeof(bookworm) / sizeof(bookworm[0]); i++)
	{
		UNIT_CONTEXT("region \"%s\"", bookworm[i]);
		CHECK(RdsRegionLookup(bookworm[i]) != NULL);
	}
	for (i = 0; i < sizeof(made_up) / sizeof(made_up[0]); i++)
	{
		UNIT_CONTEXT("region \"%s\"", made_up[i]);
		CHECK(RdsRegionLookup(made_up[i]) == NULL);
	}
	UNIT_CONTEXT(NULL);
	/* FIPS pseudo-regions are not in the list (RdsCheckRegionAllowed takes their region) */
	CHECK(RdsRegionLookup("us-east-1-fips") == NULL);
	CHECK(RdsRegionLookup("fips-us-east-1") == NULL);
	CHECK(RdsRegionLookup(NULL) == NULL);
	CHECK(RdsRegionLookup("") == NULL);
	CHECK(RdsRegionLookup("US-EAST-1") == NULL);
	CHECK(RdsRegionLookup("us-east-1 ") == NULL);
	CHECK(RdsRegionLookup("us-east-") == NULL);
	CHECK(RdsRegionLookup("a") == NULL);
	CHECK(RdsRegionLookup("zz-zzzz-9") == NULL);

	r = RdsRegionLookup("us-east-1");
	if (CHECK(r != NULL))
	{
		CHECK_STREQ(r->partition, "aws");
		CHECK_STREQ(r->dns_suffix, "amazonaws.com");
	}
	r = RdsRegionLookup("cn-northwest-1");
	if (CHECK(r != NULL))
	{
		CHECK_STREQ(r->partition, "aws-cn");
		CHECK_STREQ(r->dns_suffix, "amazonaws.com.cn");
	}
	r = RdsRegionLookup("us-gov-west-1");
	if (CHECK(r != NULL))
	{
		CHECK_STREQ(r->partition, "aws-us-gov");
		CHECK_STREQ(r->dns_suffix, "amazonaws.com");
	}
	r = RdsRegionLookup("us-isob-east-1");
	if (CHECK(r != NULL))
		CHECK_STREQ(r->dns_suffix, "sc2s.sgov.gov");
}

static void
test_allowed(void)
{
	const char *unknown;
	const char *unlisted;
	size_t		i;

	/* the empty list: exactly the known regions */
	for (i = 0; i < sizeof(made_up) / sizeof(made_up[0]); i++)
	{
		UNIT_CONTEXT("region \"%s\"", made_up[i]);
		CHECK(RdsCheckRegionAllowed(made_up[i], "") != NULL);
		CHECK(RdsCheckRegionAllowed(made_up[i], "  ") != NULL);
		CHECK(RdsCheckRegionAllowed(made_up[i], NULL) != NULL);
	}
	UNIT_CONTEXT(NULL);
	unknown = RdsCheckRegionAllowed("mars-north-1", "");
	CHECK(unknown != NULL && strstr(unknown, "rds_copy.allowed_regions") != NULL);
	/* not region-shaped: the shape's sentence, whatever the list */
	CHECK_STREQ(RdsCheckRegionAllowed("us-east-1.evil.com", ""), RdsCheckRegion("x y"));
	CHECK_STREQ(RdsCheckRegionAllowed("us-east-1.evil.com", "us-east-1.evil.com"),
				RdsCheckRegion("x y"));
	CHECK_STREQ(RdsCheckRegionAllowed("", ""), RdsCheckRegion("x y"));
	CHECK_STREQ(RdsCheckRegionAllowed(NULL, ""), RdsCheckRegion("x y"));

	/* a list narrows: a known region it does not name is refused */
	CHECK(RdsCheckRegionAllowed("us-east-1", "us-east-1,eu-west-1") == NULL);
	CHECK(RdsCheckRegionAllowed("eu-west-1", "us-east-1,eu-west-1") == NULL);
	unlisted = RdsCheckRegionAllowed("us-west-2", "us-east-1,eu-west-1");
	CHECK(unlisted != NULL && strstr(unlisted, "not listed") != NULL);
	CHECK(unlisted != unknown);
	CHECK(RdsCheckRegionAllowed("us-west-2", "us-west-1") != NULL);
	/* ... and extends: a region-shaped name it names is allowed */
	CHECK(RdsCheckRegionAllowed("xx-newland-1", "us-east-1, xx-newland-1") == NULL);
	CHECK(RdsCheckRegionAllowed("mars-north-1", "mars-north-1") == NULL);
	CHECK(RdsCheckRegionAllowed("mars-north-2", "mars-north-1") != NULL);
	/* whole entries only: no prefix, suffix or substring matches */
	CHECK(RdsCheckRegionAllowed("us-east-1", "us-east-10") != NULL);
	CHECK(RdsCheckRegionAllowed("us-east-10", "us-east-1") != NULL);
	CHECK(RdsCheckRegionAllowed("east-1", "us-east-1") != NULL);
	CHECK(RdsCheckRegionAllowed("us-east-1", "us-east-1x,eu-west-1") != NULL);
	CHECK(RdsCheckRegionAllowed("us-east-1", "xus-east-1") != NULL);
	/* blanks around entries do not count; inside they do */
	CHECK(RdsCheckRegionAllowed("eu-west-1", " us-east-1 ,\teu-west-1\t") == NULL);
	CHECK(RdsCheckRegionAllowed("us-east-1", " us-east-1 ,\teu-west-1\t") == NULL);
	CHECK(RdsCheckRegionAllowed("us-east-1", "us-east- 1") != NULL);
	/* the last and the first entries */
	CHECK(RdsCheckRegionAllowed("ap-south-1", "us-east-1,eu-west-1,ap-south-1") == NULL);
	CHECK(RdsCheckRegionAllowed("us-east-1", "us-east-1") == NULL);

	/*
	 * FIPS pseudo-regions (botocore's endpoints.json names them; its client
	 * makes them their region with FIPS): allowed as their region is
	 */
	CHECK(RdsCheckRegionAllowed("us-east-1-fips", "") == NULL);
	CHECK(RdsCheckRegionAllowed("fips-us-east-1", NULL) == NULL);
	CHECK(RdsCheckRegionAllowed("us-gov-west-1-fips", "") == NULL);
	CHECK(RdsCheckRegionAllowed("fips-us-east-1", "us-east-1") == NULL);
	CHECK(RdsCheckRegionAllowed("us-east-1-fips", "eu-west-1") != NULL);
	CHECK(RdsCheckRegionAllowed("us-east-1-fips", "us-east-1-fips") == NULL);
	CHECK(RdsCheckRegionAllowed("fips-mars-north-1", "") != NULL);
	CHECK(RdsCheckRegionAllowed("fips-us-east-1-fips", "") != NULL);
	CHECK(RdsCheckRegionAllowed("us-fips-east-1", "") != NULL);
	CHECK(RdsCheckRegionAllowed("fips-aws-global", "") != NULL);
}

/* botocore's client.py _normalize_fips_region, for the two forms its data names */
static void
test_pseudo_regions(void)
{
	char		real[41];

	CHECK(RdsRegionNormalize("fips-us-east-1", real, sizeof(real)));
	CHECK_STREQ(real, "us-east-1");
	CHECK(RdsRegionNormalize("us-gov-west-1-fips", real, sizeof(real)));
	CHECK_STREQ(real, "us-gov-west-1");
	CHECK(!RdsRegionNormalize("us-east-1", real, sizeof(real)));
	CHECK_STREQ(real, "us-east-1");
	CHECK(!RdsRegionNormalize("fips-us-east-1-fips", real, sizeof(real)));
	CHECK_STREQ(real, "fips-us-east-1-fips");
	CHECK(!RdsRegionNormalize("fips-", real, sizeof(real)));
	CHECK(!RdsRegionNormalize("-fips", real, sizeof(real)));
	CHECK(!RdsRegionNormalize("fips-x", real, sizeof(real)));
	CHECK(!RdsRegionNormalize("us-east-1", real, 4));
	CHECK_STREQ(real, "");
}

/* the partitions of partitions.json and botocore's aws.partition */
static void
test_partition_of(void)
{
	CHECK(RdsPartitionCount >= 4);
	CHECK_STREQ(RdsPartitions[0].id, "aws");
	CHECK_STREQ(RdsPartitionOf("us-east-1")->id, "aws");
	CHECK_STREQ(RdsPartitionOf("cn-north-1")->id, "aws-cn");
	CHECK_STREQ(RdsPartitionOf("us-gov-west-1")->id, "aws-us-gov");
	CHECK_STREQ(RdsPartitionOf("us-iso-east-1")->id, "aws-iso");
	CHECK_STREQ(RdsPartitionOf("us-isob-east-1")->id, "aws-iso-b");
	/* by the regexes when the list does not name it; else the first, aws */
	CHECK_STREQ(RdsPartitionOf("cn-newland-9")->id, "aws-cn");
	CHECK_STREQ(RdsPartitionOf("us-isob-newland-1")->id, "aws-iso-b");
	CHECK_STREQ(RdsPartitionOf("us-iso-newland-1")->id, "aws-iso");
	CHECK_STREQ(RdsPartitionOf("xx-newland-1")->id, "aws");
	CHECK_STREQ(RdsPartitionOf("cnx-north-1")->id, "aws");
	CHECK_STREQ(RdsPartitionOf("aws-global")->id, "aws");
	CHECK_STREQ(RdsPartitionOf(NULL)->id, "aws");
}

static void
test_list_syntax(void)
{
	char		bad[16];
	static const char *const good[] = {
		"", " ", "\t", "us-east-1", "us-east-1,eu-west-1", "us-east-1, eu-west-1",
		" us-east-1 , eu-west-1 ", "xx-newland-1", "mars-north-1,us-east-1",
		"aaaaaaaaaa-bbbbbbbbbb-cccccccccc-ddddddd",
	};
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
	{
		UNIT_CONTEXT("list \"%s\"", good[i]);
		CHECK(RdsCheckRegionList(good[i], bad, sizeof(bad)) == NULL);
	}
	UNIT_CONTEXT(NULL);
	CHECK(RdsCheckRegionList(NULL, bad, sizeof(bad)) == NULL);

	/* each bad list names its first bad entry */
	memset(bad, 'x', sizeof(bad));
	CHECK(RdsCheckRegionList("us-east-1,US-WEST-2,eu-west-1", bad, sizeof(bad)) != NULL);
	CHECK_STREQ(bad, "US-WEST-2");
	CHECK(RdsCheckRegionList("us-east-1.evil.com", bad, sizeof(bad)) != NULL);
	CHECK_STREQ(bad, "us-east-1.evil.");	/* truncated to the buffer */
	CHECK(RdsCheckRegionList("us-east-1 eu-west-1", bad, sizeof(bad)) != NULL);
	CHECK_STREQ(bad, "us-east-1 eu-we");
	CHECK(RdsCheckRegionList("us-east-1;eu-west-1", bad, sizeof(bad)) != NULL);
	CHECK(RdsCheckRegionList("\"us-east-1\"", bad, sizeof(bad)) != NULL);
	CHECK_STREQ(RdsCheckRegionList("x", bad, sizeof(bad)), RdsCheckRegion("x y"));
	CHECK_STREQ(bad, "x");
	CHECK(RdsCheckRegionList("aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddddd", bad, sizeof(bad)) != NULL);
	/* empty entries */
	CHECK(RdsCheckRegionList("us-east-1,", bad, sizeof(bad)) != NULL);
	CHECK_STREQ(bad, "");
	CHECK(RdsCheckRegionList(",us-east-1", bad, sizeof(bad)) != NULL);
	CHECK(RdsCheckRegionList("us-east-1,,eu-west-1", bad, sizeof(bad)) != NULL);
	CHECK(RdsCheckRegionList("us-east-1, ,eu-west-1", bad, sizeof(bad)) != NULL);
	CHECK(RdsCheckRegionList(",", bad, sizeof(bad)) != NULL);
	CHECK(RdsCheckRegionList(",", bad, sizeof(bad)) != RdsCheckRegion("x y"));
	/* no room for the entry: only the sentence */
	CHECK(RdsCheckRegionList("BAD", bad, 0) != NULL);
}

static void
test_endpoint_suffix(void)
{
	RdsEndpoint ep;
	const RdsKnownRegion *r;
	int			i;

	/* the partitions whose suffix no prefix rule knew: from the list */
	if (CHECK(RdsRegionLookup("eu-isoe-west-1") != NULL))
	{
		CHECK(RdsEndpointForRegion("rds", "eu-isoe-west-1", &ep));
		CHECK_STREQ(ep.host, "rds.eu-isoe-west-1.cloud.adc-e.uk");
	}
	if (CHECK(RdsRegionLookup("us-isof-south-1") != NULL))
	{
		CHECK(RdsEndpointForRegion("rds", "us-isof-south-1", &ep));
		CHECK_STREQ(ep.host, "rds.us-isof-south-1.csp.hci.ic.gov");
	}
	if (CHECK(RdsRegionLookup("eusc-de-east-1") != NULL))
	{
		CHECK(RdsEndpointForRegion("sts", "eusc-de-east-1", &ep));
		CHECK_STREQ(ep.host, "sts.eusc-de-east-1.amazonaws.eu");
	}
	/* every known region's endpoint is in its partition's domain */
	for (i = 0; i < RdsKnownRegionCount; i++)
	{
		char		host[RDS_HOST_MAX];

		r = &RdsKnownRegions[i];
		UNIT_CONTEXT("region \"%s\"", r->name);
		snprintf(host, sizeof(host), "rds.%s.%s", r->name, r->dns_suffix);
		if (CHECK(RdsEndpointForRegion("rds", r->name, &ep)))
			CHECK_STREQ(ep.host, host);
	}
	UNIT_CONTEXT(NULL);
	/* a region the list does not name (one an allow-list adds): by the partitions' regexes */
	CHECK(RdsEndpointForRegion("rds", "xx-newland-1", &ep));
	CHECK_STREQ(ep.host, "rds.xx-newland-1.amazonaws.com");
	CHECK(RdsEndpointForRegion("rds", "cn-newland-1", &ep));
	CHECK_STREQ(ep.host, "rds.cn-newland-1.amazonaws.com.cn");
	CHECK(RdsEndpointForRegion("rds", "us-isob-newland-1", &ep));
	CHECK_STREQ(ep.host, "rds.us-isob-newland-1.sc2s.sgov.gov");
}

int
main(void)
{
	test_table();
	test_lookup();
	test_allowed();
	test_pseudo_regions();
	test_partition_of();
	test_list_syntax();
	test_endpoint_suffix();
	return UnitSummary();
}
