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

typedef struct RdsEndpoint
{
	char		scheme[8];		/* "https" or "http" */
	char		host[RDS_HOST_MAX]; /* lower case; IPv6 without brackets */
	int			port;			/* 0 when none was given */
	char		host_header[RDS_HOST_MAX + 8];	/* host[:port] as sent and signed */
	char		url[RDS_URL_MAX];	/* scheme://host_header/ */
} RdsEndpoint;

/* A region name: lower-case letters, digits and single hyphens, e.g. us-east-1. */
extern bool RdsRegionIsValid(const char *region);

/* https://<service>.<region>.<partition DNS suffix> for a valid region. */
extern bool RdsEndpointForRegion(const char *service, const char *region,
								 RdsEndpoint *out);

/*
 * Parse an endpoint override such as https://host:port/.  Accepts https,
 * and http only to a loopback host.  On failure returns false and sets
 * *why to a static sentence saying what is wrong.
 */
extern bool RdsEndpointParse(const char *url, RdsEndpoint *out, const char **why);

extern bool RdsEndpointIsLoopback(const RdsEndpoint *endpoint);

typedef enum RdsEndpointStatus
{
	RDS_ENDPOINT_RESOLVED,
	RDS_ENDPOINT_BAD_REGION,	/* no endpoint for the region */
	RDS_ENDPOINT_BAD_URL		/* the override does not parse; see *why */
} RdsEndpointStatus;

/*
 * The endpoint of service in region, by the SDKs' precedence: the
 * setting's override (setting_url, may be NULL), then the environment's
 * AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the region's
 * endpoint.  *origin names where an override came from (NULL: none);
 * *why says what is wrong with a bad one (static sentences).
 */
extern RdsEndpointStatus RdsEndpointResolve(const char *service, const char *region,
											const char *setting_url, RdsEndpoint *endpoint,
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
