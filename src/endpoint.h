/*-------------------------------------------------------------------------
 * endpoint.h
 *		Regions, endpoints and endpoint URLs.
 *
 * Pure code: no I/O, no PostgreSQL.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_ENDPOINT_H
#define RDS_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>

#define RDS_HOST_MAX 256
#define RDS_URL_MAX 320
#define RDS_REGION_MAX 40

typedef struct RdsEndpoint
{
	char		scheme[8];		/* "https" or "http" */
	char		host[RDS_HOST_MAX]; /* lower case; IPv6 without brackets */
	int			port;			/* 0 when none was given */
	char		host_header[RDS_HOST_MAX + 8];	/* host[:port] as sent and signed */
	char		url[RDS_URL_MAX];	/* scheme://host_header/ */
	char		signing_region[RDS_REGION_MAX + 1]; /* the SigV4 scope's region */
} RdsEndpoint;

/*
 * The endpoint variant, as the SDKs' settings give it: use_fips_endpoint,
 * use_dualstack_endpoint, sts_regional_endpoints = legacy.
 */
typedef struct RdsEndpointOptions
{
	bool		use_fips;
	bool		use_dualstack;
	bool		sts_legacy;
} RdsEndpointOptions;

/* A region name: lower-case letters, digits and single hyphens, e.g. us-east-1. */
extern bool RdsRegionIsValid(const char *region);

/*
 * A FIPS pseudo-region ("fips-us-east-1", "us-east-1-fips": the names
 * botocore's endpoints.json lists) and its region: botocore's client
 * strips "fips-" and "-fips" and turns FIPS on.  Writes the region to
 * real (len bytes; the name itself when it is not a pseudo-region) and
 * returns whether it was one.  Only those two forms of a valid region
 * count.
 */
extern bool RdsRegionNormalize(const char *region, char *real, size_t len);

typedef enum RdsEndpointStatus
{
	RDS_ENDPOINT_RESOLVED,
	RDS_ENDPOINT_BAD_REGION,	/* no endpoint for the region */
	RDS_ENDPOINT_BAD_URL,		/* the override does not parse; see *why */
	RDS_ENDPOINT_UNSUPPORTED	/* the rules have no such variant; see *why */
} RdsEndpointStatus;

/*
 * The endpoint of service ("rds", "sts") in region, as the SDKs' endpoint
 * rules give it (regions_data.c, from botocore's rule sets): a FIPS
 * pseudo-region is its region with FIPS; opts (NULL: none of them) adds
 * FIPS, dual-stack, STS's legacy global endpoint.  out->signing_region is
 * the region the rules sign for.  *why is the rules' own sentence when the
 * partition has no such variant (a static string).
 */
extern RdsEndpointStatus RdsEndpointForVariant(const char *service, const char *region,
											   const RdsEndpointOptions *opts,
											   RdsEndpoint *out, const char **why);

/* The plain endpoint (no variant) of a valid region: RdsEndpointForVariant. */
extern bool RdsEndpointForRegion(const char *service, const char *region,
								 RdsEndpoint *out);

/*
 * The endpoint a cross-region copy's PreSignedUrl is signed for, as
 * botocore builds it (handlers.py _get_cross_region_presigned_url): the
 * destination request's URL with every occurrence of the destination's
 * signing region replaced by source_region -- so an override host that
 * names the region follows it, and one that does not is kept.  Its
 * signing_region is source_region.  False when the result is not a valid
 * endpoint URL.
 */
extern bool RdsPresignEndpoint(const RdsEndpoint *destination, const char *source_region,
							   RdsEndpoint *out);

/*
 * Parse an endpoint override such as https://host:port/.  Accepts https,
 * and http only to a loopback host.  On failure returns false and sets
 * *why to a static sentence saying what is wrong.
 */
extern bool RdsEndpointParse(const char *url, RdsEndpoint *out, const char **why);

extern bool RdsEndpointIsLoopback(const RdsEndpoint *endpoint);

/*
 * The endpoint of service in region, by the SDKs' precedence: the
 * setting's override (setting_url, may be NULL), then the environment's
 * AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the region's
 * endpoint for the variant opts asks for (RdsEndpointForVariant).  An
 * override ignores the variant (botocore sets UseFIPS and UseDualStack
 * false when an endpoint is given) and signs for the region (a
 * pseudo-region's region).  *origin names where an override came from
 * (NULL: none); *why says what is wrong (static sentences).
 */
extern RdsEndpointStatus RdsEndpointResolve(const char *service, const char *region,
											const char *setting_url,
											const RdsEndpointOptions *opts,
											RdsEndpoint *endpoint,
											const char **origin, const char **why);

/* room for a proxy URL of the environment */
#define RDS_PROXY_MAX 1024

/*
 * The proxy botocore would use for endpoint, from the environment envp
 * (environ; botocore.utils.get_environ_proxies, which is urllib's
 * getproxies_environment and proxy_bypass_environment): the <scheme>_proxy
 * variable for the endpoint's scheme (https_proxy / HTTPS_PROXY for https,
 * http_proxy / HTTP_PROXY for http; never ALL_PROXY), the lower-case name
 * winning (an empty lower-case one means none), HTTP_PROXY ignored when
 * REQUEST_METHOD is set; none when no_proxy / NO_PROXY is "*" or one of
 * its comma-separated names is the host (with or without the port) or a
 * DNS suffix of it.  A proxy without a scheme gets "http://" (botocore's
 * _fix_proxy_url).  Writes the proxy URL into proxy (len bytes), "" for
 * none; returns false when it does not fit.
 */
extern bool RdsProxyForEndpoint(char *const *envp, const RdsEndpoint *endpoint,
								char *proxy, size_t len);

#endif
