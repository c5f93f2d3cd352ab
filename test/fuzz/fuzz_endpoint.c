/*-------------------------------------------------------------------------
 * fuzz_endpoint.c
 *		libFuzzer target for endpoint URLs and regions (src/endpoint.c).
 *
 * The input, cut at its first NUL, is given to RdsEndpointParse (as the
 * rds_copy.endpoint_url setting and AWS_ENDPOINT_URL* would be) and to
 * RdsRegionIsValid / RdsEndpointForRegion.  When a URL is accepted:
 *   - the scheme is https, or http to a loopback host (localhost,
 *     127.0.0.0/8, ::1)
 *   - url is exactly scheme "://" host_header "/", nothing truncated
 *   - host_header is host (bracketed when IPv6) plus ":port" when a port
 *     other than the scheme's default was given
 *   - the url holds no '@', '?', '#', blank, control or upper-case
 *     character; host is non-empty and lower case
 *   - parsing the url again gives the same endpoint
 * A refused URL comes with a reason.  A valid region has the documented
 * shape and its endpoint parses back to itself: rds.<region>.<suffix>
 * signed for the region, or for a FIPS pseudo-region (fips-<r>, <r>-fips)
 * a FIPS host of its region <r>, signed for <r>.
 *-------------------------------------------------------------------------
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>

#include "endpoint.h"
#include "fuzz.h"

static void
check_endpoint(const RdsEndpoint *ep)
{
	char		expect_hh[RDS_HOST_MAX + 64];
	char		expect_url[RDS_URL_MAX + 64];
	bool		ipv6 = strchr(ep->host, ':') != NULL;
	bool		https = strcmp(ep->scheme, "https") == 0;
	RdsEndpoint again;
	const char *why = NULL;
	const char *p;

	FUZZ_CHECK(https || strcmp(ep->scheme, "http") == 0);
	if (!https)
		FUZZ_CHECK(RdsEndpointIsLoopback(ep));
	if (RdsEndpointIsLoopback(ep))
	{
		struct in_addr v4;
		struct in6_addr v6;

		FUZZ_CHECK(strcmp(ep->host, "localhost") == 0 ||
				   (inet_pton(AF_INET, ep->host, &v4) == 1 &&
					(ntohl(v4.s_addr) >> 24) == 127) ||
				   (inet_pton(AF_INET6, ep->host, &v6) == 1 &&
					IN6_IS_ADDR_LOOPBACK(&v6)));
	}

	FUZZ_CHECK(ep->host[0] != '\0');
	FUZZ_CHECK(strlen(ep->host) < RDS_HOST_MAX);
	for (p = ep->host; *p; p++)
		FUZZ_CHECK(!isupper((unsigned char) *p));
	FUZZ_CHECK(ep->port >= 0 && ep->port <= 65535);
	FUZZ_CHECK(!(https && ep->port == 443) && !(!https && ep->port == 80));
	if (ipv6)
	{
		struct in6_addr v6;

		FUZZ_CHECK(inet_pton(AF_INET6, ep->host, &v6) == 1);
	}

	snprintf(expect_hh, sizeof(expect_hh), "%s%s%s", ipv6 ? "[" : "", ep->host,
			 ipv6 ? "]" : "");
	if (ep->port != 0)
		snprintf(expect_hh + strlen(expect_hh), sizeof(expect_hh) - strlen(expect_hh),
				 ":%d", ep->port);
	FUZZ_CHECK(strcmp(ep->host_header, expect_hh) == 0);
	snprintf(expect_url, sizeof(expect_url), "%s://%s/", ep->scheme, ep->host_header);
	FUZZ_CHECK(strcmp(ep->url, expect_url) == 0);
	FUZZ_CHECK(strncmp(ep->url, "https://", 8) == 0 || strncmp(ep->url, "http://", 7) == 0);
	FUZZ_CHECK(strpbrk(ep->url, "@?#") == NULL);
	for (p = ep->url; *p; p++)
		FUZZ_CHECK(isgraph((unsigned char) *p) && !isupper((unsigned char) *p));

	FUZZ_CHECK(RdsEndpointParse(ep->url, &again, &why));
	FUZZ_CHECK(strcmp(again.scheme, ep->scheme) == 0);
	FUZZ_CHECK(strcmp(again.host, ep->host) == 0);
	FUZZ_CHECK(again.port == ep->port);
	FUZZ_CHECK(strcmp(again.host_header, ep->host_header) == 0);
	FUZZ_CHECK(strcmp(again.url, ep->url) == 0);
}

static void
check_region(const char *region)
{
	RdsEndpoint ep;
	bool		valid = RdsRegionIsValid(region);
	bool		mapped = RdsEndpointForRegion("rds", region, &ep);
	size_t		n = strlen(region);
	size_t		i;
	char		real[64];

	FUZZ_CHECK(valid == mapped);
	if (!valid)
		return;
	FUZZ_CHECK(n >= 4 && n <= 40);
	FUZZ_CHECK(region[0] >= 'a' && region[0] <= 'z');
	FUZZ_CHECK(region[n - 1] != '-');
	FUZZ_CHECK(strchr(region, '-') != NULL);
	FUZZ_CHECK(strstr(region, "--") == NULL);
	for (i = 0; i < n; i++)
		FUZZ_CHECK((region[i] >= 'a' && region[i] <= 'z') ||
				   (region[i] >= '0' && region[i] <= '9') || region[i] == '-');
	FUZZ_CHECK(strcmp(ep.scheme, "https") == 0 && ep.port == 0);
	if (RdsRegionNormalize(region, real, sizeof(real)))
	{
		/* a FIPS pseudo-region: its region's FIPS host, signed for its region */
		size_t		m = strlen(real);
		const char *dot = strchr(ep.host, '.');

		FUZZ_CHECK(m + 5 == n);
		FUZZ_CHECK(strcmp(ep.signing_region, real) == 0);
		FUZZ_CHECK(strncmp(ep.host, "rds", 3) == 0 && dot != NULL &&
				   strncmp(dot + 1, real, m) == 0 && dot[1 + m] == '.');
	}
	else
	{
		FUZZ_CHECK(strcmp(ep.signing_region, region) == 0);
		FUZZ_CHECK(strncmp(ep.host, "rds.", 4) == 0 &&
				   strncmp(ep.host + 4, region, n) == 0 && ep.host[4 + n] == '.');
	}
	check_endpoint(&ep);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *url = fuzz_strndup(data, size);
	RdsEndpoint ep;
	const char *why = NULL;

	if (RdsEndpointParse(url, &ep, &why))
		check_endpoint(&ep);
	else
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	check_region(url);
	free(url);
	return 0;
}
