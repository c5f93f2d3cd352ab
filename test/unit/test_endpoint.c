/*-------------------------------------------------------------------------
 * test_endpoint.c
 *		Unit tests for src/endpoint.c: region names, the endpoint of each
 *		partition, and the endpoint-override URL parser (https, http only
 *		to loopback, IPv6 in brackets, ports, no userinfo/query/fragment/
 *		path, default ports dropped), and the proxy of an endpoint
 *		from the environment (botocore's rule).
 *
 * Partition suffixes as botocore 1.29.27 and 1.43.11 resolve them
 * (copied from the project's reference notes, §7).
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "unit.h"

static void
test_region_names(void)
{
	static const char *const good[] = {
		"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-2",
		"ap-southeast-5", "ap-northeast-3", "sa-east-1", "ca-central-1",
		"me-south-1", "af-south-1", "il-central-1", "mx-central-1",
		"cn-north-1", "cn-northwest-1", "us-gov-west-1", "us-gov-east-1",
		"us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1",
		"ab-1", "a-b1",
		/* 40 characters, the longest accepted */
		"aaaaaaaaaa-bbbbbbbbbb-cccccccccc-ddddddd",
	};
	static const char *const bad[] = {
		"",
		"us",
		"us-",
		"a-b",					/* 3 characters */
		"useast1",				/* no hyphen */
		"us-east-1.evil.com",
		"us-east-1/",
		"us-east-1/../x",
		"evil.com/us-east-1",
		"US-EAST-1",
		"Us-east-1",
		"us-East-1",
		"a--b-1",
		"us--east-1",
		"-us-east-1",
		"us-east-1-",
		"1us-east",
		"9-9-9",
		"us_east_1",
		"us east 1",
		" us-east-1",
		"us-east-1 ",
		"us-east-1\n",
		"us-east-1\r",
		"us-east-1\t",
		"us-east-1#",
		"us-east-1?x=1",
		"us-east-1@evil",
		"us-east-1:443",
		"us-east-1%2e",
		"us-\xc3\xa9" "ast-1",
		"\xef\xbd\x95s-east-1",
		/* 41 characters */
		"aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddddd",
	};
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
	{
		UNIT_CONTEXT("region \"%s\"", good[i]);
		CHECK(RdsRegionIsValid(good[i]));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		UNIT_CONTEXT("region \"%s\"", bad[i]);
		CHECK(!RdsRegionIsValid(bad[i]));
	}
	UNIT_CONTEXT(NULL);
	CHECK_INTEQ(strlen(good[sizeof(good) / sizeof(good[0]) - 1]), 40);
	CHECK_INTEQ(strlen(bad[sizeof(bad) / sizeof(bad[0]) - 1]), 41);
}

static void
check_region_endpoint(const char *service, const char *region, const char *host,
					  const char *file, int line)
{
	RdsEndpoint ep;
	char		url[RDS_URL_MAX];

	memset(&ep, 0x5a, sizeof(ep));
	if (!unit_check(RdsEndpointForRegion(service, region, &ep), file, line,
					"RdsEndpointForRegion succeeded"))
		return;
	snprintf(url, sizeof(url), "https://%s/", host);
	unit_check_streq(ep.scheme, "https", file, line, "ep.scheme", "\"https\"");
	unit_check_streq(ep.host, host, file, line, "ep.host", "host");
	unit_check_inteq(ep.port, 0, file, line, "ep.port", "0");
	unit_check_streq(ep.host_header, host, file, line, "ep.host_header", "host");
	unit_check_streq(ep.url, url, file, line, "ep.url", "url");
	unit_check(!RdsEndpointIsLoopback(&ep), file, line, "!RdsEndpointIsLoopback");
}
#define CHECK_REGION_ENDPOINT(service, region, host) \
	check_region_endpoint((service), (region), (host), __FILE__, __LINE__)

static void
test_partitions(void)
{
	RdsEndpoint ep;

	CHECK_REGION_ENDPOINT("rds", "us-east-1", "rds.us-east-1.amazonaws.com");
	CHECK_REGION_ENDPOINT("rds", "eu-west-1", "rds.eu-west-1.amazonaws.com");
	CHECK_REGION_ENDPOINT("rds", "ap-southeast-5", "rds.ap-southeast-5.amazonaws.com");
	CHECK_REGION_ENDPOINT("rds", "cn-north-1", "rds.cn-north-1.amazonaws.com.cn");
	CHECK_REGION_ENDPOINT("rds", "cn-northwest-1", "rds.cn-northwest-1.amazonaws.com.cn");
	CHECK_REGION_ENDPOINT("rds", "us-gov-west-1", "rds.us-gov-west-1.amazonaws.com");
	CHECK_REGION_ENDPOINT("rds", "us-gov-east-1", "rds.us-gov-east-1.amazonaws.com");
	CHECK_REGION_ENDPOINT("rds", "us-iso-east-1", "rds.us-iso-east-1.c2s.ic.gov");
	CHECK_REGION_ENDPOINT("rds", "us-iso-west-1", "rds.us-iso-west-1.c2s.ic.gov");
	CHECK_REGION_ENDPOINT("rds", "us-isob-east-1", "rds.us-isob-east-1.sc2s.sgov.gov");
	/* prefixes must be whole words */
	CHECK_REGION_ENDPOINT("rds", "cnx-north-1", "rds.cnx-north-1.amazonaws.com");
	CHECK_REGION_ENDPOINT("rds", "us-isox-east-1", "rds.us-isox-east-1.amazonaws.com");
	/* the service is the first label */
	CHECK_REGION_ENDPOINT("kms", "us-west-2", "kms.us-west-2.amazonaws.com");
	CHECK_REGION_ENDPOINT("sts", "cn-north-1", "sts.cn-north-1.amazonaws.com.cn");

	/* an invalid region gives no endpoint, and nothing in *out */
	memset(&ep, 0x5a, sizeof(ep));
	CHECK(!RdsEndpointForRegion("rds", "us-east-1.evil.com", &ep));
	CHECK_STREQ(ep.host, "");
	CHECK_STREQ(ep.url, "");
	CHECK_STREQ(ep.host_header, "");
	CHECK(!RdsEndpointForRegion("rds", "", &ep));
	CHECK_STREQ(ep.url, "");
	CHECK(!RdsEndpointForRegion("rds", "us-east-1/", &ep));
	CHECK_STREQ(ep.url, "");
	CHECK(!RdsEndpointForRegion("rds", "US-EAST-1", &ep));
	CHECK(!RdsEndpointForRegion("rds", "a--b-1", &ep));
}

typedef struct UrlCase
{
	const char *in;
	const char *scheme;
	const char *host;
	int			port;
	const char *host_header;
	const char *url;
	bool		loopback;
} UrlCase;

static void
test_parse_accepted(void)
{
	static const UrlCase cases[] = {
		{"https://rds.us-east-1.amazonaws.com", "https", "rds.us-east-1.amazonaws.com", 0,
		"rds.us-east-1.amazonaws.com", "https://rds.us-east-1.amazonaws.com/", false},
		{"https://rds.us-east-1.amazonaws.com/", "https", "rds.us-east-1.amazonaws.com", 0,
		"rds.us-east-1.amazonaws.com", "https://rds.us-east-1.amazonaws.com/", false},
		{"https://RDS.US-East-1.AmazonAWS.COM/", "https", "rds.us-east-1.amazonaws.com", 0,
		"rds.us-east-1.amazonaws.com", "https://rds.us-east-1.amazonaws.com/", false},
		{"https://rds-fips.us-east-1.amazonaws.com/", "https", "rds-fips.us-east-1.amazonaws.com", 0,
		"rds-fips.us-east-1.amazonaws.com", "https://rds-fips.us-east-1.amazonaws.com/", false},
		{"https://example.com:8443/", "https", "example.com", 8443,
		"example.com:8443", "https://example.com:8443/", false},
		{"https://example.com:8443", "https", "example.com", 8443,
		"example.com:8443", "https://example.com:8443/", false},
		/* the default port is dropped: the Host header and signature omit it */
		{"https://example.com:443/", "https", "example.com", 0,
		"example.com", "https://example.com/", false},
		{"https://example.com:443", "https", "example.com", 0,
		"example.com", "https://example.com/", false},
		{"https://example.com:0443/", "https", "example.com", 0,
		"example.com", "https://example.com/", false},
		/* ... but only the scheme's own */
		{"https://example.com:80/", "https", "example.com", 80,
		"example.com:80", "https://example.com:80/", false},
		{"https://example.com:1/", "https", "example.com", 1,
		"example.com:1", "https://example.com:1/", false},
		{"https://example.com:65535/", "https", "example.com", 65535,
		"example.com:65535", "https://example.com:65535/", false},
		{"https://192.0.2.10:8443/", "https", "192.0.2.10", 8443,
		"192.0.2.10:8443", "https://192.0.2.10:8443/", false},
		{"https://a/", "https", "a", 0, "a", "https://a/", false},
		{"https://rds.example.com./", "https", "rds.example.com.", 0,
		"rds.example.com.", "https://rds.example.com./", false},
		/* loopback over http */
		{"http://localhost:80/", "http", "localhost", 0, "localhost", "http://localhost/", true},
		{"http://localhost", "http", "localhost", 0, "localhost", "http://localhost/", true},
		{"http://LOCALHOST:5000", "http", "localhost", 5000, "localhost:5000",
		"http://localhost:5000/", true},
		{"http://127.0.0.1:5000", "http", "127.0.0.1", 5000, "127.0.0.1:5000",
		"http://127.0.0.1:5000/", true},
		{"http://127.0.0.1/", "http", "127.0.0.1", 0, "127.0.0.1", "http://127.0.0.1/", true},
		{"http://127.1.2.3:9/", "http", "127.1.2.3", 9, "127.1.2.3:9", "http://127.1.2.3:9/", true},
		{"http://127.0.0.1:443/", "http", "127.0.0.1", 443, "127.0.0.1:443",
		"http://127.0.0.1:443/", true},
		{"http://[::1]:5000/", "http", "::1", 5000, "[::1]:5000", "http://[::1]:5000/", true},
		{"http://[::1]/", "http", "::1", 0, "[::1]", "http://[::1]/", true},
		{"http://[::1]:80", "http", "::1", 0, "[::1]", "http://[::1]/", true},
		/* loopback over https keeps https */
		{"https://localhost:4566/", "https", "localhost", 4566, "localhost:4566",
		"https://localhost:4566/", true},
		{"https://127.0.0.1/", "https", "127.0.0.1", 0, "127.0.0.1", "https://127.0.0.1/", true},
		/* IPv6 */
		{"https://[2001:db8::1]/", "https", "2001:db8::1", 0, "[2001:db8::1]",
		"https://[2001:db8::1]/", false},
		{"https://[2001:DB8::A]:443", "https", "2001:db8::a", 0, "[2001:db8::a]",
		"https://[2001:db8::a]/", false},
		{"https://[2001:db8::a]:8443", "https", "2001:db8::a", 8443, "[2001:db8::a]:8443",
		"https://[2001:db8::a]:8443/", false},
		{"https://[::ffff:192.0.2.1]:8443/", "https", "::ffff:192.0.2.1", 8443,
		"[::ffff:192.0.2.1]:8443", "https://[::ffff:192.0.2.1]:8443/", false},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		const UrlCase *c = &cases[i];
		RdsEndpoint ep;
		const char *why = "unset";

		UNIT_CONTEXT("accept \"%s\"", c->in);
		if (!CHECK(RdsEndpointParse(c->in, &ep, &why)))
		{
			printf("    (refused: %s)\n", why ? why : "(null)");
			continue;
		}
		CHECK_STREQ(ep.scheme, c->scheme);
		CHECK_STREQ(ep.host, c->host);
		CHECK_INTEQ(ep.port, c->port);
		CHECK_STREQ(ep.host_header, c->host_header);
		CHECK_STREQ(ep.url, c->url);
		CHECK(RdsEndpointIsLoopback(&ep) == c->loopback);
	}
	UNIT_CONTEXT(NULL);

	/* the longest host that fits; one more character does not */
	{
		char		url[600];
		char		host[300];
		RdsEndpoint ep;
		const char *why = NULL;

		memset(host, 'a', RDS_HOST_MAX - 1);
		host[RDS_HOST_MAX - 1] = '\0';
		snprintf(url, sizeof(url), "https://%s:65535/", host);
		if (CHECK(RdsEndpointParse(url, &ep, &why)))
		{
			CHECK_STREQ(ep.host, host);
			CHECK_INTEQ(ep.port, 65535);
			CHECK_STREQ(ep.url, url);
		}
		/* brackets must hold a real IPv6 address, whatever its length */
		memset(host, '1', RDS_HOST_MAX - 1);
		host[1] = ':';
		snprintf(url, sizeof(url), "https://[%s]:65535/", host);
		CHECK(!RdsEndpointParse(url, &ep, &why));
		memset(host, 'a', RDS_HOST_MAX);
		host[RDS_HOST_MAX] = '\0';
		snprintf(url, sizeof(url), "https://%s/", host);
		why = NULL;
		CHECK(!RdsEndpointParse(url, &ep, &why));
		CHECK(why != NULL);
	}
}

static void
check_refused(const char *url, const char *file, int line)
{
	RdsEndpoint ep;
	const char *why = NULL;

	if (!unit_check(!RdsEndpointParse(url, &ep, &why), file, line, "URL refused"))
	{
		printf("    (\"%s\" accepted as url \"%s\", host \"%s\")\n", url, ep.url, ep.host);
		return;
	}
	unit_check(why != NULL && why[0] != '\0', file, line, "why is set");
}
#define CHECK_REFUSED(url) check_refused((url), __FILE__, __LINE__)

static void
test_parse_rejected(void)
{
	static const char *const bad[] = {
		/* scheme */
		"",
		"rds.us-east-1.amazonaws.com",
		"//rds.us-east-1.amazonaws.com/",
		"ftp://example.com/",
		"file:///etc/passwd",
		"https:/example.com/",
		"https:example.com",
		" https://example.com/",
		"httpx://example.com/",
		/* no host */
		"https://",
		"https:///",
		"https://:443/",
		"https://[]/",
		"https://[]:443/",
		/* plain http to a host that is not loopback */
		"http://example.com/",
		"http://rds.us-east-1.amazonaws.com/",
		"http://10.0.0.1/",
		"http://0.0.0.0/",
		"http://169.254.169.254/",
		"http://[2001:db8::1]/",
		"http://[::2]/",
		"http://localhost.evil.com/",
		"http://localhostx/",
		"http://xlocalhost/",
		"http://128.0.0.1/",
		/* user information, query, fragment */
		"https://user:pw@example.com/",
		"https://user@example.com/",
		"https://example.com@evil.com/",
		"http://localhost@evil.com/",
		"http://127.0.0.1@evil.com/",
		"https://example.com/?a=b",
		"https://example.com?a=b",
		"https://example.com/#frag",
		"https://example.com#frag",
		"https://example.com:443?x",
		/* path */
		"https://example.com/path",
		"https://example.com//",
		"https://example.com/rds/",
		"https://example.com:8443/x",
		"https://example.com/.",
		"https://[::1]/x",
		"http://localhost/evil.com/",
		/* port */
		"https://example.com:/",
		"https://example.com:",
		"https://example.com:0/",
		"https://example.com:65536/",
		"https://example.com:99999999999999999999/",
		"https://example.com:-1/",
		"https://example.com:abc/",
		"https://example.com:443x/",
		"https://example.com:80:80/",
		"https://example.com:8443:/",
		"https://[::1]:/",
		"https://[::1]:0/",
		"https://[::1]:65536/",
		/* IPv6 */
		"https://[::1/",
		"https://[::1",
		"https://[::1]x/",
		"https://[::1]]/",
		"https://[[::1]]/",
		"https://::1/",
		"http://::1/",
		"https://[::g]/",
		"https://[fe80::1%25eth0]/",
		"https://[fe80::1%eth0]/",
		"https://[::1 ]/",
		/* host characters */
		"https://exa mple.com/",
		"https://example.com /",
		"https://exa_mple.com/",
		"https://-example.com/",
		"https://.example.com/",
		"https://ex%61mple.com/",
		"https://example.com\\@evil.com/",
		"https://example.com\\evil/",
		"https://ex\xc3\xa4mple.com/",
		"https://example.com\t/",
		"https://example.com\n/",
		"https://example.com\r\nHost: evil/",
		"https://*.example.com/",
		"https://example.com;x/",
		"https://exa,mple.com/",
		"https://exa\"mple.com/",
		"https://<example>.com/",
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		UNIT_CONTEXT("refuse \"%s\"", bad[i]);
		CHECK_REFUSED(bad[i]);
	}
	UNIT_CONTEXT(NULL);
}

/*
 * "127." followed by letters is a DNS name, not a loopback address: plain
 * http to http://127.evil.example/ would send signed requests (and any
 * session token) in the clear to whatever that name resolves to.
 */
static void
test_loopback_is_an_address(void)
{
	static const char *const bad[] = {
		"http://127.evil.example/",
		"http://127.0.0.1.nip.io/",
		"http://127.0.0.1.evil.example:8080/",
		"http://127.x/",
		"http://127./",
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		UNIT_CONTEXT("refuse \"%s\"", bad[i]);
		CHECK_REFUSED(bad[i]);
	}
	UNIT_CONTEXT(NULL);
}

/*
 * A port is digits only (RFC 3986 port = *DIGIT): strtol's sign and
 * leading blanks make "https://h:+443/" and "https://h: 8443/" pass as
 * other URLs than the ones written.  Brackets hold an IPv6 address, not
 * a host name (RFC 3986 IP-literal).
 */
static void
test_strict_syntax(void)
{
	static const char *const bad[] = {
		"https://example.com:+8443/",
		"https://example.com:+443/",
		"https://example.com: 8443/",
		"https://example.com:\t8443/",
		"http://127.0.0.1:+80/",
		"https://[example.com]/",
		"http://[localhost]/",
		"http://[127.0.0.1]/",
		"https://[:]/",
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		UNIT_CONTEXT("refuse \"%s\"", bad[i]);
		CHECK_REFUSED(bad[i]);
	}
	UNIT_CONTEXT(NULL);
}

static void
test_loopback(void)
{
	RdsEndpoint ep;

	memset(&ep, 0, sizeof(ep));
	strcpy(ep.host, "localhost");
	CHECK(RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "127.0.0.1");
	CHECK(RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "127.255.255.254");
	CHECK(RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "::1");
	CHECK(RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "");
	CHECK(!RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "example.com");
	CHECK(!RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "::2");
	CHECK(!RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "::1:2");
	CHECK(!RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "10.127.0.1");
	CHECK(!RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "localhost.example.com");
	CHECK(!RdsEndpointIsLoopback(&ep));
	strcpy(ep.host, "1127.0.0.1");
	CHECK(!RdsEndpointIsLoopback(&ep));
	/* the region endpoints are never loopback */
	CHECK(RdsEndpointForRegion("rds", "us-east-1", &ep));
	CHECK(!RdsEndpointIsLoopback(&ep));
}

/* The proxy for endpoint url (parsed with RdsEndpointParse, or a region's) under env. */
static const char *
proxy_for(char *const *env, const char *url)
{
	static char proxy[RDS_PROXY_MAX];
	RdsEndpoint ep;
	const char *why;

	if (strncmp(url, "region:", 7) == 0)
		CHECK(RdsEndpointForRegion("rds", url + 7, &ep));
	else
		CHECK(RdsEndpointParse(url, &ep, &why));
	if (!CHECK(RdsProxyForEndpoint(env, &ep, proxy, sizeof(proxy))))
		return "(too long)";
	return proxy;
}

/*
 * Which proxy, as botocore (get_environ_proxies: urllib's
 * getproxies_environment and proxy_bypass_environment) decides; every
 * expectation here is what Python 3.11's urllib gives for the same
 * environment and netloc.
 */
static void
test_proxies(void)
{
	char	   *none[] = {"PATH=/usr/bin", NULL};
	char	   *all_https[] = {"http_proxy=http://p1:3128", "HTTP_PROXY=http://p2:3128",
		"ALL_PROXY=http://p3:3128", "all_proxy=socks5://p4", "HTTPS_PROXY=http://p5:3128", NULL};
	char	   *only_all[] = {"ALL_PROXY=http://p3:3128", "all_proxy=http://p4:3128",
		"http_proxy=http://p1:3128", NULL};
	char	   *lower_wins[] = {"https_proxy=http://lower:1", "HTTPS_PROXY=http://upper:2", NULL};
	char	   *lower_wins2[] = {"HTTPS_PROXY=http://upper:2", "https_proxy=http://lower:1", NULL};
	char	   *lower_empty[] = {"HTTPS_PROXY=http://upper:2", "https_proxy=", NULL};
	char	   *upper_empty[] = {"HTTPS_PROXY=", "https_proxy=http://lower:1", NULL};
	char	   *mixed_case[] = {"Https_Proxy=http://mixed:1", NULL};
	char	   *no_scheme[] = {"HTTPS_PROXY=proxy.internal:3128", NULL};
	char	   *slashes[] = {"HTTPS_PROXY=//proxy.internal:3128", NULL};
	char	   *https_proxy[] = {"HTTPS_PROXY=https://proxy.internal:443", NULL};
	char	   *no_all[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=*", NULL};
	char	   *no_list[] = {"HTTPS_PROXY=http://p:1", "no_proxy=example.com, .amazonaws.com ,127.0.0.1", NULL};
	char	   *no_suffix[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=us-east-1.amazonaws.com", NULL};
	char	   *no_not_label[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=east-1.amazonaws.com", NULL};
	char	   *no_partial[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=zonaws.com,us-east-1", NULL};
	char	   *no_port[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=127.0.0.1:8443", NULL};
	char	   *no_other_port[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=127.0.0.1:9999", NULL};
	char	   *no_case[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=RDS.US-EAST-1.AMAZONAWS.COM", NULL};
	char	   *no_lower_empty[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=*", "no_proxy=", NULL};
	char	   *no_cidr[] = {"HTTPS_PROXY=http://p:1", "NO_PROXY=127.0.0.0/8", NULL};
	char	   *http_only[] = {"http_proxy=http://p1:1", NULL};
	char	   *cgi[] = {"HTTP_PROXY=http://p2:1", "REQUEST_METHOD=GET", NULL};
	char	   *cgi_lower[] = {"http_proxy=http://p1:1", "REQUEST_METHOD=GET", NULL};

	CHECK_STREQ(proxy_for(none, "region:us-east-1"), "");
	/* https: HTTPS_PROXY only, never ALL_PROXY or http_proxy */
	CHECK_STREQ(proxy_for(all_https, "region:us-east-1"), "http://p5:3128");
	CHECK_STREQ(proxy_for(all_https, "https://127.0.0.1:8443/"), "http://p5:3128");
	CHECK_STREQ(proxy_for(only_all, "region:us-east-1"), "");
	/* the lower-case name wins, in any order; empty means none */
	CHECK_STREQ(proxy_for(lower_wins, "region:us-east-1"), "http://lower:1");
	CHECK_STREQ(proxy_for(lower_wins2, "region:us-east-1"), "http://lower:1");
	CHECK_STREQ(proxy_for(lower_empty, "region:us-east-1"), "");
	CHECK_STREQ(proxy_for(upper_empty, "region:us-east-1"), "http://lower:1");
	CHECK_STREQ(proxy_for(mixed_case, "region:us-east-1"), "http://mixed:1");
	/* _fix_proxy_url */
	CHECK_STREQ(proxy_for(no_scheme, "region:us-east-1"), "http://proxy.internal:3128");
	CHECK_STREQ(proxy_for(slashes, "region:us-east-1"), "http://proxy.internal:3128");
	CHECK_STREQ(proxy_for(https_proxy, "region:us-east-1"), "https://proxy.internal:443");
	/* NO_PROXY */
	CHECK_STREQ(proxy_for(no_all, "region:us-east-1"), "");
	CHECK_STREQ(proxy_for(no_list, "region:us-east-1"), "");
	CHECK_STREQ(proxy_for(no_list, "https://127.0.0.1:8443/"), "");
	CHECK_STREQ(proxy_for(no_list, "region:cn-north-1"), "http://p:1");
	CHECK_STREQ(proxy_for(no_suffix, "region:us-east-1"), "");
	CHECK_STREQ(proxy_for(no_suffix, "region:us-west-1"), "http://p:1");
	/* a DNS suffix starts at a dot: "-east-1..." is not one */
	CHECK_STREQ(proxy_for(no_not_label, "region:us-east-1"), "http://p:1");
	CHECK_STREQ(proxy_for(no_partial, "region:us-east-1"), "http://p:1");
	CHECK_STREQ(proxy_for(no_port, "https://127.0.0.1:8443/"), "");
	CHECK_STREQ(proxy_for(no_other_port, "https://127.0.0.1:8443/"), "http://p:1");
	CHECK_STREQ(proxy_for(no_case, "region:us-east-1"), "");
	CHECK_STREQ(proxy_for(no_lower_empty, "region:us-east-1"), "http://p:1");
	CHECK_STREQ(proxy_for(no_cidr, "https://127.0.0.1:8443/"), "http://p:1");
	/* http endpoints (loopback only): http_proxy, HTTP_PROXY unless CGI */
	CHECK_STREQ(proxy_for(http_only, "http://127.0.0.1:8080/"), "http://p1:1");
	CHECK_STREQ(proxy_for(http_only, "https://127.0.0.1:8443/"), "");
	CHECK_STREQ(proxy_for(cgi, "http://127.0.0.1:8080/"), "");
	CHECK_STREQ(proxy_for(cgi_lower, "http://127.0.0.1:8080/"), "http://p1:1");
}

int
main(void)
{
	test_region_names();
	test_partitions();
	test_parse_accepted();
	test_parse_rejected();
	test_loopback_is_an_address();
	test_strict_syntax();
	test_loopback();
	test_proxies();
	return UnitSummary();
}
