/*-------------------------------------------------------------------------
 * endpoint.c
 *		Map a region to its RDS endpoint and check endpoint overrides.
 *
 * The host and signing region of a service in a region come from the
 * SDKs' endpoint rules, generated into regions_data.c from botocore's
 * partitions.json and the services' endpoint-rule-set-1.json: the
 * region's partition (the built-in list, else the partitions' regexes,
 * else aws, as botocore's aws.partition), then the first rule that
 * applies to the variant (FIPS, dual-stack, STS's legacy global
 * endpoint).  A FIPS pseudo-region (fips-us-east-1, us-east-1-fips) is
 * its region with FIPS, as botocore's client makes it.  The pre-signed
 * URL's endpoint is botocore's too: the request's URL with the region
 * replaced.  Whether a region is allowed is not decided here (validate.c).  Also which proxy a request to an
 * endpoint goes through, from the environment, as botocore decides it.
 * Nothing is sent from here.  No
 * PostgreSQL.
 *-------------------------------------------------------------------------
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "endpoint.h"
#include "regions.h"


bool
RdsRegionIsValid(const char *region)
{
	size_t		len = strlen(region);
	size_t		i;
	bool		has_hyphen = false;

	if (len < 4 || len > RDS_REGION_MAX || !islower((unsigned char) region[0]) ||
		region[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++)
	{
		char		c = region[i];

		if (c == '-')
		{
			if (region[i + 1] == '-')
				return false;
			has_hyphen = true;
		}
		else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9'))
			return false;
	}
	return has_hyphen;
}

static void
finish_endpoint(RdsEndpoint *out)
{
	bool		ipv6 = strchr(out->host, ':') != NULL;

	snprintf(out->host_header, sizeof(out->host_header), "%s%s%s",
			 ipv6 ? "[" : "", out->host, ipv6 ? "]" : "");
	if (out->port != 0)
	{
		size_t		n = strlen(out->host_header);

		snprintf(out->host_header + n, sizeof(out->host_header) - n, ":%d", out->port);
	}
	snprintf(out->url, sizeof(out->url), "%s://%s/", out->scheme, out->host_header);
}

bool
RdsRegionNormalize(const char *region, char *real, size_t len)
{
	size_t		n = strlen(region);
	const char *stem = region;
	size_t		slen;

	if (len == 0)
		return false;
	real[0] = '\0';
	if (n >= len)
		return false;
	memcpy(real, region, n + 1);
	if (strncmp(region, "fips-", 5) == 0)
		stem = region + 5, slen = n - 5;
	else if (n > 5 && strcmp(region + n - 5, "-fips") == 0)
		slen = n - 5;
	else
		return false;
	memmove(real, stem, slen);
	real[slen] = '\0';
	/* exactly one "fips" part, around a region */
	if (RdsRegionIsValid(real) && strstr(real, "fips") == NULL)
		return true;
	memcpy(real, region, n + 1);
	return false;
}

/* template with {Region} and the partition's suffixes filled in, into out (len bytes) */
static bool
expand_template(const char *template, const char *region, const RdsPartition *p,
				char *out, size_t len)
{
	static const struct
	{
		const char *name;
		size_t		offset;
	}			parts[] = {
		{"{PartitionResult#dualStackDnsSuffix}", offsetof(RdsPartition, dual_stack_dns_suffix)},
		{"{PartitionResult#dnsSuffix}", offsetof(RdsPartition, dns_suffix)},
		{"{Region}", 0},
	};
	size_t		used = 0;
	const char *t = template;

	while (*t != '\0')
	{
		const char *value = NULL;
		size_t		skip = 1;
		size_t		vlen;
		size_t		i;

		for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
			if (strncmp(t, parts[i].name, strlen(parts[i].name)) == 0)
			{
				value = parts[i].offset == 0 ? region :
					*(const char *const *) ((const char *) p + parts[i].offset);
				skip = strlen(parts[i].name);
				break;
			}
		vlen = value != NULL ? strlen(value) : 1;
		if (used + vlen >= len)
			return false;
		memcpy(out + used, value != NULL ? value : t, vlen);
		used += vlen;
		t += skip;
	}
	out[used] = '\0';
	return true;
}

/*
 * botocore's client resolves the endpoint with endpoints.json (regions.py)
 * before the rules, also under an endpoint override, and raises
 * EndpointVariantError when that has no endpoint of the variant: the
 * sentence then, else NULL.
 */
static const char *
legacy_variant_missing(const RdsPartition *p, bool fips, bool dualstack)
{
	if ((fips && dualstack && !p->legacy_fips_dual_stack) ||
		(fips && !dualstack && !p->legacy_fips) ||
		(!fips && dualstack && !p->legacy_dual_stack))
		return "Botocore's endpoint data (endpoints.json) has no endpoint of this variant in the region's partition: botocore raises EndpointVariantError";
	return NULL;
}

/* Does the rule apply to service in region (of partition p) with these flags? */
static bool
rule_applies(const RdsEndpointRule *rule, const char *service, const char *region,
			 const RdsPartition *p, bool fips, bool dualstack, bool global)
{
	return strcmp(rule->service, service) == 0 &&
		(rule->fips == RDS_RULE_ANY || rule->fips == (int) fips) &&
		(rule->dualstack == RDS_RULE_ANY || rule->dualstack == (int) dualstack) &&
		(rule->global == RDS_RULE_ANY || rule->global == (int) global) &&
		(rule->partition == NULL || strcmp(rule->partition, p->id) == 0) &&
		(rule->region == NULL || strcmp(rule->region, region) == 0) &&
		(!rule->needs_fips || p->supports_fips) &&
		(!rule->needs_dual_stack || p->supports_dual_stack);
}

RdsEndpointStatus
RdsEndpointForVariant(const char *service, const char *region, const RdsEndpointOptions *opts,
					  RdsEndpoint *out, const char **why)
{
	static const RdsEndpointOptions none = {false, false, false};
	char		real[RDS_REGION_MAX + 1];
	char		url[RDS_URL_MAX];
	const RdsPartition *p;
	bool		fips;
	int			i;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (opts == NULL)
		opts = &none;
	if (!RdsRegionIsValid(region))
		return RDS_ENDPOINT_BAD_REGION;
	fips = RdsRegionNormalize(region, real, sizeof(real)) || opts->use_fips;
	p = RdsPartitionOf(real);
	if ((*why = legacy_variant_missing(p, fips, opts->use_dualstack)) != NULL)
		return RDS_ENDPOINT_UNSUPPORTED;
	for (i = 0; i < RdsEndpointRuleCount; i++)
	{
		const RdsEndpointRule *rule = &RdsEndpointRules[i];
		const char *host;

		/* UseGlobalEndpoint: botocore's builtin is legacy mode (for sts) */
		if (!rule_applies(rule, service, real, p, fips, opts->use_dualstack,
						  opts->sts_legacy && strcmp(service, "sts") == 0))
			continue;
		if (rule->url == NULL)
		{
			*why = rule->error;
			return RDS_ENDPOINT_UNSUPPORTED;
		}
		if (!expand_template(rule->url, real, p, url, sizeof(url)) ||
			strncmp(url, "https://", 8) != 0)
			return RDS_ENDPOINT_BAD_REGION;
		host = url + 8;
		if (strlen(host) >= sizeof(out->host))
			return RDS_ENDPOINT_BAD_REGION;
		strcpy(out->scheme, "https");
		strcpy(out->host, host);
		if (rule->signing_region == NULL)
			strcpy(out->signing_region, real);
		else if (!expand_template(rule->signing_region, real, p, out->signing_region,
								  sizeof(out->signing_region)))
			return RDS_ENDPOINT_BAD_REGION;
		finish_endpoint(out);
		return RDS_ENDPOINT_RESOLVED;
	}
	/* a service without rules here: the SDKs' default, plain only */
	if (fips || opts->use_dualstack)
	{
		*why = "rds_copy has no endpoint rules of this service";
		return RDS_ENDPOINT_UNSUPPORTED;
	}
	if (!expand_template("https://{Region}.{PartitionResult#dnsSuffix}", real, p, url,
						 sizeof(url)) ||
		strlen(service) + strlen(url + 8) + 2 > sizeof(out->host))
		return RDS_ENDPOINT_BAD_REGION;
	strcpy(out->scheme, "https");
	strcpy(out->host, service);
	strcat(out->host, ".");
	strcat(out->host, url + 8);
	strcpy(out->signing_region, real);
	finish_endpoint(out);
	return RDS_ENDPOINT_RESOLVED;
}

bool
RdsEndpointForRegion(const char *service, const char *region, RdsEndpoint *out)
{
	const char *why;

	return RdsEndpointForVariant(service, region, NULL, out, &why) == RDS_ENDPOINT_RESOLVED;
}

bool
RdsPresignEndpoint(const RdsEndpoint *destination, const char *source_region, RdsEndpoint *out)
{
	const char *from = destination->signing_region;
	size_t		flen = strlen(from);
	size_t		slen = strlen(source_region);
	char		url[RDS_URL_MAX];
	const char *u = destination->url;
	size_t		used = 0;
	const char *why;

	memset(out, 0, sizeof(*out));
	if (flen == 0 || slen > RDS_REGION_MAX)
		return false;
	/* Python's str.replace: every occurrence, left to right, not overlapping */
	while (*u != '\0')
	{
		bool		hit = strncmp(u, from, flen) == 0;
		size_t		n = hit ? slen : 1;

		if (used + n >= sizeof(url))
			return false;
		memcpy(url + used, hit ? source_region : u, n);
		used += n;
		u += hit ? flen : 1;
	}
	url[used] = '\0';
	/* scheme://host[:port]/ again; a region is letters, digits, hyphens */
	if (!RdsEndpointParse(url, out, &why))
		return false;
	strcpy(out->signing_region, source_region);
	return true;
}

static bool
valid_hostname(const char *host)
{
	const char *p;

	if (*host == '\0' || *host == '.' || *host == '-')
		return false;
	for (p = host; *p; p++)
		if (!islower((unsigned char) *p) && !isdigit((unsigned char) *p) &&
			*p != '.' && *p != '-')
			return false;
	return true;
}

static bool
valid_ipv6(const char *host)
{
	struct in6_addr addr;

	return inet_pton(AF_INET6, host, &addr) == 1;
}

/* localhost, an IPv4 address in 127.0.0.0/8, or ::1 -- as addresses, not names */
bool
RdsEndpointIsLoopback(const RdsEndpoint *endpoint)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (strcmp(endpoint->host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, endpoint->host, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, endpoint->host, &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

bool
RdsEndpointParse(const char *url, RdsEndpoint *out, const char **why)
{
	const char *rest;
	const char *hostend;
	const char *portstart = NULL;
	bool		bracketed = false;
	size_t		hostlen;
	size_t		i;

	memset(out, 0, sizeof(*out));
	if (strncmp(url, "https://", 8) == 0)
	{
		strcpy(out->scheme, "https");
		rest = url + 8;
	}
	else if (strncmp(url, "http://", 7) == 0)
	{
		strcpy(out->scheme, "http");
		rest = url + 7;
	}
	else
	{
		*why = "The URL must start with https://.";
		return false;
	}
	if (strpbrk(rest, "@?#") != NULL)
	{
		*why = "The URL must not contain user information, a query or a fragment.";
		return false;
	}

	if (*rest == '[')
	{
		hostend = strchr(rest, ']');
		if (hostend == NULL)
		{
			*why = "The IPv6 address in the URL is not closed with \"]\".";
			return false;
		}
		rest++;
		bracketed = true;
		if (hostend[1] == ':')
			portstart = hostend + 2;
		else if (hostend[1] != '\0' && hostend[1] != '/')
		{
			*why = "The URL's host is not valid.";
			return false;
		}
	}
	else
	{
		hostend = rest + strcspn(rest, ":/");
		if (*hostend == ':')
			portstart = hostend + 1;
	}
	hostlen = hostend - rest;
	if (hostlen == 0 || hostlen >= sizeof(out->host))
	{
		*why = "The URL's host is empty or too long.";
		return false;
	}
	for (i = 0; i < hostlen; i++)
		out->host[i] = (char) tolower((unsigned char) rest[i]);
	out->host[hostlen] = '\0';
	if (!(bracketed ? valid_ipv6(out->host) : valid_hostname(out->host)))
	{
		*why = "The URL's host is not valid.";
		return false;
	}

	rest = hostend + (*hostend == ']' ? 1 : 0);
	if (portstart != NULL)
	{
		char	   *end;
		long		port = isdigit((unsigned char) *portstart) ? strtol(portstart, &end, 10) : 0;

		if (port < 1 || port > 65535 || (*end != '\0' && *end != '/'))
		{
			*why = "The URL's port is not valid.";
			return false;
		}
		out->port = (int) port;
		rest = end;
	}
	if (*rest != '\0' && strcmp(rest, "/") != 0)
	{
		*why = "The URL must not have a path.";
		return false;
	}
	if (strcmp(out->scheme, "http") == 0 && !RdsEndpointIsLoopback(out))
	{
		*why = "Plain http is allowed only to a loopback host; use https.";
		return false;
	}
	if ((out->port == 443 && strcmp(out->scheme, "https") == 0) ||
		(out->port == 80 && strcmp(out->scheme, "http") == 0))
		out->port = 0;
	finish_endpoint(out);
	return true;
}

/* The last endpoint override parsed, and what it parsed to (per process). */
static bool parsed_url_valid = false;
static char parsed_url[RDS_URL_MAX];
static RdsEndpoint parsed_endpoint;

RdsEndpointStatus
RdsEndpointResolve(const char *service, const char *region, const char *setting_url,
				   const RdsEndpointOptions *opts, RdsEndpoint *endpoint,
				   const char **origin, const char **why)
{
	char		real[RDS_REGION_MAX + 1];
	static char service_env[64];	/* *origin may point here */
	const char *url = setting_url;
	int			i;

	*origin = "the setting";
	*why = NULL;
	snprintf(service_env, sizeof(service_env), "AWS_ENDPOINT_URL_%s", service);
	for (i = 0; service_env[i]; i++)
		service_env[i] = (char) toupper((unsigned char) service_env[i]);
	if (url == NULL || url[0] == '\0')
	{
		url = getenv(service_env);
		*origin = service_env;
	}
	if (url == NULL || url[0] == '\0')
	{
		url = getenv("AWS_ENDPOINT_URL");
		*origin = "AWS_ENDPOINT_URL";
	}
	if (url == NULL || url[0] == '\0')
	{
		*origin = NULL;
		return RdsEndpointForVariant(service, region, opts, endpoint, why);
	}
	if (!RdsRegionIsValid(region))
		return RDS_ENDPOINT_BAD_REGION;
	{
		bool		fips = RdsRegionNormalize(region, real, sizeof(real)) ||
			(opts != NULL && opts->use_fips);

		/* botocore raises for a variant its endpoints.json lacks, override or not */
		if ((*why = legacy_variant_missing(RdsPartitionOf(real), fips,
										   opts != NULL && opts->use_dualstack)) != NULL)
			return RDS_ENDPOINT_UNSUPPORTED;
	}
	/* the same override as last time: its parse (a URL parse per call, else) */
	if (parsed_url_valid && strcmp(parsed_url, url) == 0)
		*endpoint = parsed_endpoint;
	else
	{
		if (!RdsEndpointParse(url, endpoint, why))
			return RDS_ENDPOINT_BAD_URL;
		if (strlen(url) < sizeof(parsed_url))
		{
			memcpy(parsed_url, url, strlen(url) + 1);
			parsed_endpoint = *endpoint;
			parsed_url_valid = true;
		}
	}
	/* an override signs for the region, whatever the variant */
	strcpy(endpoint->signing_region, real);
	return RDS_ENDPOINT_RESOLVED;
}

/* --- proxies ------------------------------------------------------------ */

/*
 * The value urllib's getproxies_environment() gives for key ("https",
 * "http", "no"), or NULL: a first pass over the environment takes any
 * <key>_proxy whatever its case with a non-empty value (the last one
 * wins), then drops "http" when REQUEST_METHOD is set (CVE-2016-1000110);
 * a second pass takes the names ending in lower-case "_proxy", where an
 * empty value removes the entry.
 */
static const char *
environ_proxy(char *const *envp, const char *key)
{
	size_t		klen = strlen(key);
	const char *found = NULL;
	bool		cgi = false;
	char *const *e;

	for (e = envp; *e != NULL; e++)
	{
		const char *eq = strchr(*e, '=');
		size_t		nlen = eq ? (size_t) (eq - *e) : 0;

		if (eq == NULL)
			continue;
		if (nlen == 14 && strncmp(*e, "REQUEST_METHOD", 14) == 0)
			cgi = true;
		if (nlen == klen + 6 && strncasecmp(*e, key, klen) == 0 &&
			strncasecmp(*e + klen, "_proxy", 6) == 0 && eq[1] != '\0')
			found = eq + 1;
	}
	if (cgi && strcmp(key, "http") == 0)
		found = NULL;
	for (e = envp; *e != NULL; e++)
	{
		const char *eq = strchr(*e, '=');
		size_t		nlen = eq ? (size_t) (eq - *e) : 0;

		if (eq != NULL && nlen == klen + 6 && strncasecmp(*e, key, klen) == 0 &&
			strncmp(*e + klen, "_proxy", 6) == 0)
			found = eq[1] != '\0' ? eq + 1 : NULL;
	}
	return found;
}

static bool
ends_with(const char *s, size_t slen, const char *suffix, size_t n)
{
	return slen >= n && memcmp(s + slen - n, suffix, n) == 0;
}

/*
 * urllib's proxy_bypass_environment(netloc): netloc is host[:port] in lower
 * case ("hostonly" without the port); no_proxy's names, stripped of
 * white space and leading dots, lower-cased, match the whole host or a DNS
 * suffix of it.
 */
static bool
bypass_proxy(const char *no_proxy, const char *netloc)
{
	size_t		hlen = strlen(netloc);
	size_t		olen = hlen;
	const char *colon = strrchr(netloc, ':');
	const char *p = no_proxy;

	if (strcmp(no_proxy, "*") == 0)
		return true;
	/* _splitport: the port is the digits after the last ':' */
	if (colon != NULL && strspn(colon + 1, "0123456789") == strlen(colon + 1))
		olen = colon - netloc;
	while (*p != '\0')
	{
		const char *end = strchr(p, ',');
		size_t		n = end ? (size_t) (end - p) : strlen(p);
		char		name[RDS_HOST_MAX + 2];
		size_t		i;

		/* Python's str.strip(): white space both ends; then lstrip('.') */
		while (n > 0 && isspace((unsigned char) *p))
			p++, n--;
		while (n > 0 && isspace((unsigned char) p[n - 1]))
			n--;
		if (n > 0 && n <= RDS_HOST_MAX)
		{
			const char *q = p;
			size_t		m = n;

			while (m > 0 && *q == '.')
				q++, m--;
			name[0] = '.';
			for (i = 0; i < m; i++)
				name[i + 1] = (char) tolower((unsigned char) q[i]);
			name[m + 1] = '\0';
			if ((m == olen && memcmp(name + 1, netloc, m) == 0) ||
				(m == hlen && memcmp(name + 1, netloc, m) == 0) ||
				ends_with(netloc, olen, name, m + 1) ||
				ends_with(netloc, hlen, name, m + 1))
				return true;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

bool
RdsProxyForEndpoint(char *const *envp, const RdsEndpoint *endpoint, char *proxy, size_t len)
{
	const char *value = environ_proxy(envp, endpoint->scheme);
	const char *no_proxy;
	char		netloc[sizeof(endpoint->host_header)];
	size_t		i;
	int			n;

	proxy[0] = '\0';
	if (value == NULL)
		return true;
	for (i = 0; endpoint->host_header[i] != '\0' && i + 1 < sizeof(netloc); i++)
		netloc[i] = (char) tolower((unsigned char) endpoint->host_header[i]);
	netloc[i] = '\0';
	no_proxy = environ_proxy(envp, "no");
	if (no_proxy != NULL && bypass_proxy(no_proxy, netloc))
		return true;
	/* botocore's _fix_proxy_url */
	if (strncmp(value, "http:", 5) == 0 || strncmp(value, "https:", 6) == 0)
		n = snprintf(proxy, len, "%s", value);
	else if (strncmp(value, "//", 2) == 0)
		n = snprintf(proxy, len, "http:%s", value);
	else
		n = snprintf(proxy, len, "http://%s", value);
	if (n < 0 || (size_t) n >= len)
	{
		proxy[0] = '\0';
		return false;
	}
	return true;
}
