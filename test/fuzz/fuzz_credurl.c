/*-------------------------------------------------------------------------
 * fuzz_credurl.c
 *		libFuzzer target for the credential endpoint rules (src/credurl.c):
 *		the IMDS endpoint (RdsImdsOptions, as AWS_EC2_METADATA_SERVICE_ENDPOINT)
 *		and the container URL (RdsContainerUrl, as
 *		AWS_CONTAINER_CREDENTIALS_FULL_URI).
 *
 * The input, cut at its first NUL, is the URL.  Invariants besides the
 * sanitizers:
 *   - IMDS, accepted: the base URL is "http://" + a host that is, by a
 *     model of our own (inet_pton), in 127.0.0.0/8, 169.254.0.0/16, ::1 or
 *     fd00:ec2::254, then an optional port and path; no '@' before the
 *     path, no '?', '#', blank or control character anywhere; no trailing
 *     '/'; accepted again as itself, and with the token path appended
 *     (the URL fetched) still at the same host.  Refused: a sentence
 *     naming the variable, no URL.
 *   - container, accepted over http: the same kind of host check against
 *     its own list (loopback, localhost, 169.254.170.2, 169.254.170.23,
 *     fd00:ec2::23); no '@' before the path; accepted again as itself.
 *-------------------------------------------------------------------------
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <strings.h>

#include "credurl.h"
#include "fuzz.h"

/* The host of an "scheme://host[:port][/...]" URL into buf (brackets removed). */
static void
url_host(const char *url, char *buf, size_t len)
{
	const char *p = strstr(url, "://");
	const char *end;

	FUZZ_CHECK(p != NULL);
	p += 3;
	if (*p == '[')
	{
		p++;
		end = strchr(p, ']');
		FUZZ_CHECK(end != NULL);
	}
	else
		end = p + strcspn(p, ":/");
	FUZZ_CHECK((size_t) (end - p) < len);
	memcpy(buf, p, end - p);
	buf[end - p] = '\0';
}

static bool
imds_host_model(const char *host)
{
	unsigned char a[16];
	static const unsigned char lo6[16] = {[15] = 1};
	static const unsigned char imds6[16] = {0xfd, 0, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54};

	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127 || (a[0] == 169 && a[1] == 254);
	if (inet_pton(AF_INET6, host, a) == 1)
		return memcmp(a, lo6, 16) == 0 || memcmp(a, imds6, 16) == 0;
	return false;
}

static bool
container_host_model(const char *host)
{
	unsigned char a[16];
	static const unsigned char lo6[16] = {[15] = 1};
	static const unsigned char eks6[16] = {0xfd, 0, 0x0e, 0xc2, [15] = 0x23};

	if (strcasecmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127 || (a[0] == 169 && a[1] == 254 && a[2] == 170 && (a[3] == 2 || a[3] == 23));
	if (inet_pton(AF_INET6, host, a) == 1)
		return memcmp(a, lo6, 16) == 0 || memcmp(a, eks6, 16) == 0;
	return false;
}

static void
check_imds(const char *url)
{
	RdsImdsConfig cfg;
	RdsImdsConfig again;
	const char *problem = RdsImdsOptions(url, NULL, NULL, NULL, &cfg);
	char		host[256];
	const char *c;

	if (problem != NULL)
	{
		FUZZ_CHECK(strstr(problem, "AWS_EC2_METADATA_SERVICE_ENDPOINT") != NULL ||
				   strstr(problem, "Out of memory") != NULL);
		FUZZ_CHECK(cfg.base_url == NULL);
		return;
	}
	FUZZ_CHECK(cfg.timeout_ms == 1000 && cfg.attempts == 1);
	FUZZ_CHECK(strncmp(cfg.base_url, "http://", 7) == 0);
	for (c = cfg.base_url; *c; c++)
		FUZZ_CHECK(*c != '?' && *c != '#' && (unsigned char) *c > ' ' && *c != 0x7f);
	c = strchr(cfg.base_url + 7, '/');
	FUZZ_CHECK(memchr(cfg.base_url, '@', c ? (size_t) (c - cfg.base_url) : strlen(cfg.base_url)) == NULL);
	FUZZ_CHECK(cfg.base_url[strlen(cfg.base_url) - 1] != '/');
	url_host(cfg.base_url, host, sizeof(host));
	FUZZ_CHECK(imds_host_model(host));
	problem = RdsImdsOptions(cfg.base_url, NULL, NULL, NULL, &again);
	FUZZ_CHECK(problem == NULL);
	FUZZ_CHECK(strcmp(again.base_url, cfg.base_url) == 0);
	free(again.base_url);
	{
		/* the token URL credfetch.c fetches: same host */
		size_t		n = strlen(cfg.base_url) + sizeof("/latest/api/token");
		char	   *token_url = malloc(n);
		char		host2[256];

		FUZZ_CHECK(token_url != NULL);
		snprintf(token_url, n, "%s/latest/api/token", cfg.base_url);
		problem = RdsImdsOptions(token_url, NULL, NULL, NULL, &again);
		FUZZ_CHECK(problem == NULL);
		url_host(again.base_url, host2, sizeof(host2));
		FUZZ_CHECK(strcmp(host, host2) == 0);
		free(again.base_url);
		free(token_url);
	}
	free(cfg.base_url);
}

static void
check_container(const char *url)
{
	char	   *out = NULL;
	char	   *again = NULL;
	const char *problem = RdsContainerUrl(NULL, url, &out);
	char		host[256];

	if (problem != NULL)
	{
		FUZZ_CHECK(out == NULL);
		return;
	}
	{
		const char *slash = strchr(strstr(out, "://") + 3, '/');

		FUZZ_CHECK(memchr(out, '@', slash ? (size_t) (slash - out) : strlen(out)) == NULL);
	}
	if (strncmp(out, "http://", 7) == 0)
	{
		url_host(out, host, sizeof(host));
		FUZZ_CHECK(container_host_model(host));
	}
	else
		FUZZ_CHECK(strncmp(out, "https://", 8) == 0);
	problem = RdsContainerUrl(NULL, out, &again);
	FUZZ_CHECK(problem == NULL);
	FUZZ_CHECK(strcmp(again, out) == 0);
	free(again);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *url = fuzz_strndup(data, size);

	check_imds(url);
	check_container(url);
	free(url);
	return 0;
}
