/*-------------------------------------------------------------------------
 * credurl.c
 *		The container credentials URL rule: which URL the container
 *		credentials endpoint may be asked at (the authorization token goes
 *		with the request); and the instance metadata (IMDS) rule: which
 *		endpoint, timeout and attempts the environment may choose.
 *
 * The URL is parsed by libcurl's URL API (curl_url, curl_url_set,
 * curl_url_get), the parser libcurl uses for the transfer, and the URL
 * fetched is the one that parser gives back: what is checked is what is
 * connected to.  Only the URL API is used here, never a transfer (that is
 * http.c's).  No PostgreSQL, no I/O.
 *
 * The rule, as the AWS SDKs have it:
 *	- AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with "/" (it is
 *	  appended to http://169.254.170.2; "@host" would make that a user name);
 *	- AWS_CONTAINER_CREDENTIALS_FULL_URI must be http or https, with no user
 *	  name or password (libcurl would send them, and "127.0.0.1@host" is
 *	  how a prefix check is fooled);
 *	- over http, the host must be a loopback address or one of the ECS/EKS
 *	  addresses.  botocore (utils.py, ContainerMetadataFetcher, 1.31 and
 *	  later): _ALLOWED_HOSTS = ['169.254.170.2', '169.254.170.23',
 *	  'fd00:ec2::23', 'localhost'], compared exactly with the parsed
 *	  hostname, plus _is_loopback_address (ipaddress.ip_address(host)
 *	  .is_loopback: 127.0.0.0/8 and ::1); botocore 1.29 (Debian 12) allowed
 *	  only 169.254.170.2, localhost and 127.0.0.1.  Here the host is
 *	  compared as an address (inet_pton), so "127.0.0.1.example.com" is a
 *	  name and refused.
 *	- over https, any host.  This is the AWS SDKs and Tools reference
 *	  guide's rule and the JavaScript, Java and Go SDKs', and botocore's
 *	  (1.43's _validate_allowed_url returns at once for https).
 *
 * The IMDS rule (botocore utils.py IMDSFetcher._select_base_url and
 * configprovider.py; the AWS SDKs and Tools reference guide, "IMDS
 * credential provider"): AWS_EC2_METADATA_SERVICE_ENDPOINT wins over
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4: http://169.254.169.254,
 * IPv6: http://[fd00:ec2::254]; another value is an error, as botocore's
 * InvalidIMDSEndpointModeError); AWS_METADATA_SERVICE_TIMEOUT seconds
 * (default 1) and AWS_METADATA_SERVICE_NUM_ATTEMPTS (default 1) are whole
 * numbers.  botocore only checks that the endpoint is a URL; here it must
 * be http to an address IMDS or a local stand-in can have (link-local,
 * loopback, fd00:ec2::254), because credentials come back from it: an
 * environment that named any other host would send the credential
 * request, and trust the answer, off the machine.
 *-------------------------------------------------------------------------
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "credurl.h"

#define FULL_NOT_URL "AWS_CONTAINER_CREDENTIALS_FULL_URI must be an http or https URL."
#define FULL_USERINFO "AWS_CONTAINER_CREDENTIALS_FULL_URI must be a URL without a user name or password."
#define FULL_HTTP_HOST "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback or ECS/EKS address."
#define RELATIVE_SLASH "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start with \"/\"."
#define RELATIVE_BAD "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI does not make a valid URL."
#define IMDS_NOT_URL "AWS_EC2_METADATA_SERVICE_ENDPOINT must be an http URL."
#define IMDS_NOT_HTTP "AWS_EC2_METADATA_SERVICE_ENDPOINT must be http (IMDS does not speak https)."
#define IMDS_USERINFO "AWS_EC2_METADATA_SERVICE_ENDPOINT must be a URL without a user name or password."
#define IMDS_QUERY "AWS_EC2_METADATA_SERVICE_ENDPOINT must be a URL without a query or fragment."
#define IMDS_HOST "AWS_EC2_METADATA_SERVICE_ENDPOINT must name a link-local (169.254.0.0/16), loopback (127.0.0.0/8, [::1]) or [fd00:ec2::254] address."
#define IMDS_MODE "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6."
#define IMDS_TIMEOUT "AWS_METADATA_SERVICE_TIMEOUT must be a whole number of seconds from 1 to 600."
#define IMDS_ATTEMPTS "AWS_METADATA_SERVICE_NUM_ATTEMPTS must be a whole number from 1 to 10."
#define NO_MEMORY "Out of memory while checking the container credentials URL."

/*
 * host (as libcurl's parser gives it: an IPv6 address in brackets) as an
 * address: 4 or 6, the address into addr; 0 for a name or anything else
 * (a zone id included).
 */
static int
host_address(const char *host, unsigned char addr[16])
{
	char		inner[64];
	size_t		len = strlen(host);

	if (inet_pton(AF_INET, host, addr) == 1)
		return 4;
	if (len < 3 || host[0] != '[' || host[len - 1] != ']' || len - 2 >= sizeof(inner))
		return 0;
	memcpy(inner, host + 1, len - 2);
	inner[len - 2] = '\0';
	return inet_pton(AF_INET6, inner, addr) == 1 ? 6 : 0;
}

static const unsigned char loopback6[16] = {[15] = 1};

bool
RdsContainerHttpHostAllowed(const char *host)
{
	static const unsigned char ecs[4] = {169, 254, 170, 2};
	static const unsigned char eks[4] = {169, 254, 170, 23};
	static const unsigned char eks6[16] = {0xfd, 0x00, 0x0e, 0xc2, [15] = 0x23};
	unsigned char addr[16];

	if (strcasecmp(host, "localhost") == 0)
		return true;
	switch (host_address(host, addr))
	{
		case 4:
			return addr[0] == 127 || memcmp(addr, ecs, 4) == 0 || memcmp(addr, eks, 4) == 0;
		case 6:
			return memcmp(addr, loopback6, 16) == 0 || memcmp(addr, eks6, 16) == 0;
	}
	return false;
}

/* A URL as libcurl's parser reads it; url_parts_free frees it. */
typedef struct UrlParts
{
	char	   *scheme;
	char	   *host;
	char	   *normalized;		/* the URL as libcurl gives it back */
	bool		userinfo;		/* has a user name or password */
	bool		query;			/* has a query or fragment */
	bool		zone;			/* has an IPv6 zone id */
} UrlParts;

/* Parse url into *p: NULL, else NO_MEMORY or not_url. */
static const char *
url_parts(const char *url, const char *not_url, UrlParts *p)
{
	CURLU	   *u = curl_url();
	char	   *part = NULL;
	const char *problem = NULL;
	CURLUcode	rc;

	memset(p, 0, sizeof(*p));
	if (u == NULL)
		return NO_MEMORY;
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (rc == CURLUE_OUT_OF_MEMORY)
		problem = NO_MEMORY;
	else if (rc != CURLUE_OK ||
			 curl_url_get(u, CURLUPART_SCHEME, &p->scheme, 0) != CURLUE_OK ||
			 curl_url_get(u, CURLUPART_HOST, &p->host, 0) != CURLUE_OK)
		problem = not_url;
	else if (curl_url_get(u, CURLUPART_URL, &p->normalized, 0) != CURLUE_OK)
		problem = NO_MEMORY;
	else
	{
		/* anything but "there is none" counts as there being one */
		p->userinfo = curl_url_get(u, CURLUPART_USER, &part, 0) != CURLUE_NO_USER;
		curl_free(part);
		part = NULL;
		p->userinfo |= curl_url_get(u, CURLUPART_PASSWORD, &part, 0) != CURLUE_NO_PASSWORD;
		curl_free(part);
		part = NULL;
		p->query = curl_url_get(u, CURLUPART_QUERY, &part, 0) != CURLUE_NO_QUERY;
		curl_free(part);
		part = NULL;
		p->query |= curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) != CURLUE_NO_FRAGMENT;
		curl_free(part);
		part = NULL;
		p->zone = curl_url_get(u, CURLUPART_ZONEID, &part, 0) == CURLUE_OK;
		curl_free(part);
	}
	curl_url_cleanup(u);
	return problem;
}

static void
url_parts_free(UrlParts *p)
{
	curl_free(p->scheme);
	curl_free(p->host);
	curl_free(p->normalized);
}

/* Check url by the rule; the normalised URL into *url_out. */
static const char *
check_url(const char *url, bool relative, char **url_out)
{
	const char *not_url = relative ? RELATIVE_BAD : FULL_NOT_URL;
	UrlParts	p;
	const char *problem = url_parts(url, not_url, &p);

	if (problem == NULL)
	{
		if (strcmp(p.scheme, "http") != 0 && strcmp(p.scheme, "https") != 0)
			problem = not_url;
		else if (p.userinfo)
			problem = relative ? RELATIVE_BAD : FULL_USERINFO;
		else if (p.zone || (strcmp(p.scheme, "http") == 0 && !RdsContainerHttpHostAllowed(p.host)))
			problem = FULL_HTTP_HOST;
		/* a copy on malloc: the caller frees it with free() */
		else if ((*url_out = strdup(p.normalized)) == NULL)
			problem = NO_MEMORY;
	}
	url_parts_free(&p);
	return problem;
}

const char *
RdsContainerUrl(const char *relative, const char *full, char **url_out)
{
	*url_out = NULL;
	if (relative != NULL)
	{
		size_t		n = strlen(RDS_CONTAINER_DEFAULT_HOST) + strlen(relative) + 1;
		char	   *url;
		const char *problem;

		if (relative[0] != '/')
			return RELATIVE_SLASH;
		if ((url = malloc(n)) == NULL)
			return NO_MEMORY;
		strcpy(url, RDS_CONTAINER_DEFAULT_HOST);
		strcat(url, relative);
		problem = check_url(url, true, url_out);
		free(url);
		return problem;
	}
	return check_url(full, false, url_out);
}

/* --- instance metadata ---------------------------------------------------- */

bool
RdsImdsHostAllowed(const char *host)
{
	static const unsigned char imds6[16] = {0xfd, 0x00, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54};
	unsigned char addr[16];

	switch (host_address(host, addr))
	{
		case 4:
			return addr[0] == 127 || (addr[0] == 169 && addr[1] == 254);
		case 6:
			return memcmp(addr, loopback6, 16) == 0 || memcmp(addr, imds6, 16) == 0;
	}
	return false;
}

/* A whole number from min to max (decimal digits only) into *out. */
static bool
whole_number(const char *s, int min, int max, int *out)
{
	long		n = 0;

	if (*s == '\0' || strlen(s) > 9)
		return false;
	for (; *s; s++)
	{
		if (*s < '0' || *s > '9')
			return false;
		n = n * 10 + (*s - '0');
	}
	if (n < min || n > max)
		return false;
	*out = (int) n;
	return true;
}

/* Check an IMDS endpoint URL; the normalised URL, no trailing "/", into *url_out. */
static const char *
check_imds_url(const char *url, char **url_out)
{
	UrlParts	p;
	const char *problem = url_parts(url, IMDS_NOT_URL, &p);

	if (problem == NULL)
	{
		size_t		n = strlen(p.normalized);

		if (strcmp(p.scheme, "http") != 0)
			problem = IMDS_NOT_HTTP;
		else if (p.userinfo)
			problem = IMDS_USERINFO;
		else if (p.query)
			problem = IMDS_QUERY;
		else if (p.zone || !RdsImdsHostAllowed(p.host))
			problem = IMDS_HOST;
		else
		{
			/* the paths are appended with their own "/" (botocore's _construct_url) */
			while (n > 0 && p.normalized[n - 1] == '/')
				n--;
			if ((*url_out = strndup(p.normalized, n)) == NULL)
				problem = NO_MEMORY;
		}
	}
	url_parts_free(&p);
	return problem;
}

const char *
RdsImdsOptions(const char *endpoint, const char *mode, const char *timeout,
			   const char *attempts, RdsImdsConfig *cfg)
{
	const char *base = RDS_IMDS_IPV4_ENDPOINT;
	int			seconds = 1;

	cfg->base_url = NULL;
	cfg->timeout_ms = 1000;
	cfg->attempts = 1;
	/* botocore checks the mode even when an endpoint is set */
	if (mode != NULL)
	{
		if (strcasecmp(mode, "ipv6") == 0)
			base = RDS_IMDS_IPV6_ENDPOINT;
		else if (strcasecmp(mode, "ipv4") != 0)
			return IMDS_MODE;
	}
	if (timeout != NULL && !whole_number(timeout, 1, 600, &seconds))
		return IMDS_TIMEOUT;
	if (attempts != NULL && !whole_number(attempts, 1, 10, &cfg->attempts))
		return IMDS_ATTEMPTS;
	cfg->timeout_ms = seconds * 1000;
	if (endpoint != NULL)
		return check_imds_url(endpoint, &cfg->base_url);
	cfg->base_url = strdup(base);
	return cfg->base_url == NULL ? NO_MEMORY : NULL;
}
