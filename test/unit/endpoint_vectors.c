/*-------------------------------------------------------------------------
 * endpoint_vectors.c
 *		The endpoints rds_copy computes, one line per question, for
 *		check_endpoints.py to compare with botocore's.  Not a test by
 *		itself: it prints answers, the script judges them.
 *
 * Reads lines from stdin:
 *   endpoint SERVICE REGION FIPS DUALSTACK STS_LEGACY [OVERRIDE_URL]
 *   presign REGION SOURCE_REGION FIPS DUALSTACK [OVERRIDE_URL]
 * (flags 0 or 1; "-" for no override) and prints one line for each:
 *   OK HOST_HEADER SIGNING_REGION ALLOWED
 *   ERR bad-region|bad-url|unsupported|bad-presign ALLOWED
 * where ALLOWED is 1 when RdsCheckRegionAllowed lets the region through
 * with rds_copy.allowed_regions empty (the built-in list).  The pure
 * modules only (endpoint.c, regions.c, validate.c); the environment's
 * AWS_ENDPOINT_URL* are read as rds_copy reads them, so the script
 * clears them.
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "validate.h"

static void
answer(RdsEndpointStatus status, const RdsEndpoint *ep, const char *region)
{
	int			allowed = RdsCheckRegionAllowed(region, "") == NULL;

	switch (status)
	{
		case RDS_ENDPOINT_RESOLVED:
			printf("OK %s %s %d\n", ep->host_header, ep->signing_region, allowed);
			return;
		case RDS_ENDPOINT_BAD_REGION:
			printf("ERR bad-region %d\n", allowed);
			return;
		case RDS_ENDPOINT_BAD_URL:
			printf("ERR bad-url %d\n", allowed);
			return;
		case RDS_ENDPOINT_UNSUPPORTED:
			printf("ERR unsupported %d\n", allowed);
			return;
	}
}

int
main(void)
{
	char		line[1024];

	while (fgets(line, sizeof(line), stdin) != NULL)
	{
		char		kind[16],
					a[128],
					b[128],
					override[512];
		int			fips,
					dual,
					legacy;
		RdsEndpointOptions opts;
		RdsEndpoint ep;
		const char *origin;
		const char *why;
		RdsEndpointStatus status;

		override[0] = '\0';
		if (sscanf(line, "%15s", kind) != 1)
			continue;
		if (strcmp(kind, "endpoint") == 0 &&
			sscanf(line, "%*s %127s %127s %d %d %d %511s", a, b, &fips, &dual, &legacy, override) >= 5)
		{
			opts.use_fips = fips;
			opts.use_dualstack = dual;
			opts.sts_legacy = legacy;
			status = RdsEndpointResolve(a, b, strcmp(override, "-") == 0 ? "" : override, &opts,
										&ep, &origin, &why);
			answer(status, &ep, b);
		}
		else if (strcmp(kind, "presign") == 0 &&
				 sscanf(line, "%*s %127s %127s %d %d %511s", a, b, &fips, &dual, override) >= 4)
		{
			RdsEndpoint source;

			opts.use_fips = fips;
			opts.use_dualstack = dual;
			opts.sts_legacy = false;
			status = RdsEndpointResolve("rds", a, strcmp(override, "-") == 0 ? "" : override, &opts,
										&ep, &origin, &why);
			if (status != RDS_ENDPOINT_RESOLVED)
				answer(status, &ep, a);
			else if (!RdsPresignEndpoint(&ep, b, &source))
				printf("ERR bad-presign %d\n", RdsCheckRegionAllowed(a, "") == NULL);
			else
				answer(status, &source, a);
		}
		else
			printf("ERR bad-line 0\n");
		fflush(stdout);
	}
	return 0;
}
