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
 *	  guide's rule and the JavaScript, Java and Go SDKs'; botocore is
 *	  stricter: its host check above applies to https too.
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

bool
RdsContainerHttpHostAllowed(const char *host)
{
	static const unsigned char ecs[4] = {169, 254, 170, 2};
	static const unsigned char eks[4] = {169, 254, 170, 23};
	static const unsigned char loopback6[16] = {[15] = 1};
	static const unsigned char eks6[16] = {0xfd, 0x00, 0x0e, 0xc2, [15] = 0x23};
	unsigned char addr[16];
	char		inner[64];
	size_t		len = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, addr) == 1)
		return addr[0] == 127 || memcmp(addr, ecs, 4) == 0 || memcmp(addr, eks, 4) == 0;
	/* an IPv6 address comes in brackets; a zone id is never allowed */
	if (len < 3 || host[0] != '[' || host[len - 1] != ']' || len - 2 >= sizeof(inner))
		return false;
	memcpy(inner, host + 1, len - 2);
	inner[len - 2] = '\0';
	if (inet_pton(AF_INET6, inner, addr) != 1)
		return false;
	return memcmp(addr, loopback6, 16) == 0 || memcmp(addr, eks6, 16) == 0;
}

/* Check url by the rule; the normalised URL into *url_out. */
static const char *
check_url(const char *url, bool relative, char **url_out)
{
	CURLU	   *u = curl_url();
	char	   *scheme = NULL;
	char	   *host = NULL;
	char	   *part = NULL;
	char	   *zone = NULL;
	char	   *normalized = NULL;
	const char *problem = NULL;
	CURLUcode	rc;

	if (u == NULL)
		return NO_MEMORY;
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (rc == CURLUE_OUT_OF_MEMORY)
		problem = NO_MEMORY;
	else if (rc != CURLUE_OK ||
			 curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
			 curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
			 (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
		problem = relative ? RELATIVE_BAD : FULL_NOT_URL;
	else if (curl_url_get(u, CURLUPART_USER, &part, 0) != CURLUE_NO_USER ||
			 curl_url_get(u, CURLUPART_PASSWORD, &part, 0) != CURLUE_NO_PASSWORD)
		problem = relative ? RELATIVE_BAD : FULL_USERINFO;
	else if (curl_url_get(u, CURLUPART_ZONEID, &zone, 0) == CURLUE_OK ||
			 (strcmp(scheme, "http") == 0 && !RdsContainerHttpHostAllowed(host)))
		problem = FULL_HTTP_HOST;
	else if (curl_url_get(u, CURLUPART_URL, &normalized, 0) != CURLUE_OK)
		problem = NO_MEMORY;
	curl_free(scheme);
	curl_free(host);
	curl_free(part);
	curl_free(zone);
	curl_url_cleanup(u);
	if (problem == NULL)
	{
		/* a copy on malloc: the caller frees it with free() */
		*url_out = strdup(normalized);
		if (*url_out == NULL)
			problem = NO_MEMORY;
	}
	curl_free(normalized);
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
	static const unsigned char loopback6[16] = {[15] = 1};
	static const unsigned char imds6[16] = {0xfd, 0x00, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54};
	unsigned char addr[16];
	char		inner[64];
	size_t		len = strlen(host);

	if (inet_pton(AF_INET, host, addr) == 1)
		return addr[0] == 127 || (addr[0] == 169 && addr[1] == 254);
	if (len < 3 || host[0] != '[' || host[len - 1] != ']' || len - 2 >= sizeof(inner))
		return false;
	memcpy(inner, host + 1, len - 2);
	inner[len - 2] = '\0';
	if (inet_pton(AF_INET6, inner, addr) != 1)
		return false;
	return memcmp(addr, loopback6, 16) == 0 || memcmp(addr, imds6, 16) == 0;
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
	CURLU	   *u = curl_url();
	char	   *scheme = NULL;
	char	   *host = NULL;
	char	   *part = NULL;
	char	   *zone = NULL;
	char	   *normalized = NULL;
	const char *problem = NULL;
	CURLUcode	rc;

	if (u == NULL)
		return NO_MEMORY;
	rc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (rc == CURLUE_OUT_OF_MEMORY)
		problem = NO_MEMORY;
	else if (rc != CURLUE_OK ||
			 curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
			 curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		problem = IMDS_NOT_URL;
	else if (strcmp(scheme, "http") != 0)
		problem = IMDS_NOT_HTTP;
	else if (curl_url_get(u, CURLUPART_USER, &part, 0) != CURLUE_NO_USER ||
			 curl_url_get(u, CURLUPART_PASSWORD, &part, 0) != CURLUE_NO_PASSWORD)
		problem = IMDS_USERINFO;
	else if (curl_url_get(u, CURLUPART_QUERY, &part, 0) != CURLUE_NO_QUERY ||
			 curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) != CURLUE_NO_FRAGMENT)
		problem = IMDS_QUERY;
	else if (curl_url_get(u, CURLUPART_ZONEID, &zone, 0) == CURLUE_OK ||
			 !RdsImdsHostAllowed(host))
		problem = IMDS_HOST;
	else if (curl_url_get(u, CURLUPART_URL, &normalized, 0) != CURLUE_OK)
		problem = NO_MEMORY;
	curl_free(scheme);
	curl_free(host);
	curl_free(part);
	curl_free(zone);
	curl_url_cleanup(u);
	if (problem == NULL)
	{
		size_t		n = strlen(normalized);

		/* the paths are appended with their own "/" (botocore's _construct_url) */
		while (n > 0 && normalized[n - 1] == '/')
			n--;
		*url_out = strndup(normalized, n);
		if (*url_out == NULL)
			problem = NO_MEMORY;
	}
	curl_free(normalized);
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
