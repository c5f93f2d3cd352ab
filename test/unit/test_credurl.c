/*-------------------------------------------------------------------------
 * test_credurl.c
 *		Unit tests for src/credurl.c: the container credentials URL rule,
 *		through libcurl's URL parser, with the strings that fooled the
 *		old prefix check and the URLs the AWS SDKs accept; the IMDS
 *		endpoint rule and options.
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "credurl.h"
#include "unit.h"

/* FULL_URI url is accepted, and fetched as expected (NULL: as given) */
static void
accepted(const char *url, const char *expected)
{
	char	   *out = NULL;
	const char *problem = RdsContainerUrl(NULL, url, &out);

	UNIT_CONTEXT("FULL_URI %s", url);
	if (CHECK(problem == NULL))
		CHECK_STREQ(out, expected ? expected : url);
	else
		printf("    refused: %s\n", problem);
	free(out);
	UNIT_CONTEXT(NULL);
}

/* FULL_URI url is refused with a sentence that contains why */
static void
refused(const char *relative, const char *url, const char *why)
{
	char	   *out = (char *) "not set";
	const char *problem = RdsContainerUrl(relative, url, &out);

	UNIT_CONTEXT("%s %s", relative ? "RELATIVE_URI" : "FULL_URI", relative ? relative : url);
	if (CHECK(problem != NULL))
		CHECK(strstr(problem, why) != NULL);
	else
		printf("    accepted as %s\n", out);
	CHECK(out == NULL);
	if (problem == NULL)
		free(out);
	UNIT_CONTEXT(NULL);
}

static void
test_bypasses_refused(void)
{
	/* user info before the host: libcurl would connect to other-host */
	refused(NULL, "http://127.0.0.1@other-host/", "without a user name or password");
	refused(NULL, "http://127.0.0.1@192.0.2.1/creds", "without a user name or password");
	refused(NULL, "http://127.0.0.1:80@192.0.2.1/creds", "without a user name or password");
	refused(NULL, "http://169.254.170.2@evil.example/creds", "without a user name or password");
	refused(NULL, "http://localhost:x@evil.example/", "without a user name or password");
	refused(NULL, "https://user:pass@example.com/creds", "without a user name or password");
	refused(NULL, "http://@127.0.0.1/creds", "without a user name or password");
	/* names that start like an allowed address */
	refused(NULL, "http://127.0.0.1.example.com/", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://169.254.170.2.example.com/creds", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://169.254.170.23.nip.io/creds", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://localhost.example.com/", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://127.example.com/", "http to a loopback or ECS/EKS address");
	/* other hosts over http */
	refused(NULL, "http://192.0.2.1/creds", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://169.254.169.254/latest/meta-data/", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://169.254.170.3/creds", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://[fd00:ec2::24]/creds", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://[::2]/creds", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://[::ffff:127.0.0.1]/creds", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://[fe80::1%25eth0]/creds", "http to a loopback or ECS/EKS address");
	refused(NULL, "http://example.com/creds", "http to a loopback or ECS/EKS address");
	/* not an http(s) URL at all */
	refused(NULL, "ftp://127.0.0.1/creds", "must be an http or https URL");
	refused(NULL, "file:///etc/passwd", "must be an http or https URL");
	refused(NULL, "127.0.0.1/creds", "must be an http or https URL");
	refused(NULL, "http://127.0.0.1:99999/creds", "must be an http or https URL");
	refused(NULL, "http://127.0.0.1:8o/creds", "must be an http or https URL");
	refused(NULL, "http://127.0.0.1 /creds", "must be an http or https URL");
	refused(NULL, "", "must be an http or https URL");
	/* a relative URI that does not start with '/' */
	refused("@other-host/creds", NULL, "must start with \"/\"");
	refused("@192.0.2.1", NULL, "must start with \"/\"");
	refused(":80@192.0.2.1/x", NULL, "must start with \"/\"");
	refused(".example.com/x", NULL, "must start with \"/\"");
	refused("", NULL, "must start with \"/\"");
}

static void
test_sdk_urls_accepted(void)
{
	char	   *out = NULL;

	/* ECS: the relative URI goes to 169.254.170.2 */
	CHECK(RdsContainerUrl("/v2/credentials/2f6a5c8e-0000-0000-0000-000000000000", NULL, &out) == NULL);
	CHECK_STREQ(out, "http://169.254.170.2/v2/credentials/2f6a5c8e-0000-0000-0000-000000000000");
	free(out);
	/* RELATIVE_URI wins over FULL_URI, as in botocore */
	CHECK(RdsContainerUrl("/v2/x", "http://192.0.2.1/", &out) == NULL);
	CHECK_STREQ(out, "http://169.254.170.2/v2/x");
	free(out);
	/* a relative URI whose path holds '@' stays a path */
	CHECK(RdsContainerUrl("/@192.0.2.1", NULL, &out) == NULL);
	CHECK_STREQ(out, "http://169.254.170.2/@192.0.2.1");
	free(out);

	/* EKS Pod Identity and ECS, http */
	accepted("http://169.254.170.23/v1/credentials", NULL);
	accepted("http://[fd00:ec2::23]/v1/credentials", NULL);
	accepted("http://169.254.170.2/v2/credentials/x", NULL);
	accepted("http://169.254.170.2:80/v2/credentials/x", NULL);
	/* loopback: 127.0.0.0/8, ::1, localhost (Greengrass, tests) */
	accepted("http://127.0.0.1:51679/creds", NULL);
	accepted("http://127.1.2.3/creds", NULL);
	accepted("http://127.255.255.254:8080/creds?x=1", NULL);
	accepted("http://[::1]:8080/creds", NULL);
	accepted("http://localhost:2773/2018-06-01/credentials", NULL);
	accepted("http://LOCALHOST/creds", NULL);
	/* https to any host */
	accepted("https://credentials.example.com/v1/creds", NULL);
	accepted("https://192.0.2.1:8443/creds", NULL);
	/* what libcurl's parser makes of it is what is fetched */
	accepted("http://127.0.0.1", "http://127.0.0.1/");
}

static void
test_http_hosts(void)
{
	CHECK(RdsContainerHttpHostAllowed("127.0.0.1"));
	CHECK(RdsContainerHttpHostAllowed("127.0.0.53"));
	CHECK(RdsContainerHttpHostAllowed("169.254.170.2"));
	CHECK(RdsContainerHttpHostAllowed("169.254.170.23"));
	CHECK(RdsContainerHttpHostAllowed("[::1]"));
	CHECK(RdsContainerHttpHostAllowed("[0:0:0:0:0:0:0:1]"));
	CHECK(RdsContainerHttpHostAllowed("[fd00:ec2::23]"));
	CHECK(RdsContainerHttpHostAllowed("[FD00:0EC2:0:0:0:0:0:23]"));
	CHECK(RdsContainerHttpHostAllowed("localhost"));
	CHECK(!RdsContainerHttpHostAllowed("::1"));	/* unbracketed: not how the parser gives it */
	CHECK(!RdsContainerHttpHostAllowed("127.0.0.1.example.com"));
	CHECK(!RdsContainerHttpHostAllowed("0127.0.0.1"));
	CHECK(!RdsContainerHttpHostAllowed("128.0.0.1"));
	CHECK(!RdsContainerHttpHostAllowed("169.254.170.22"));
	CHECK(!RdsContainerHttpHostAllowed("[::ffff:127.0.0.1]"));
	CHECK(!RdsContainerHttpHostAllowed("[fd00:ec2::23%eth0]"));
	CHECK(!RdsContainerHttpHostAllowed(""));
	CHECK(!RdsContainerHttpHostAllowed("[]"));
}

/* IMDS options accepted: the base URL, timeout (ms) and attempts */
static void
imds_ok(const char *endpoint, const char *mode, const char *timeout, const char *attempts,
		const char *url, int timeout_ms, int tries)
{
	RdsImdsConfig cfg;
	const char *problem = RdsImdsOptions(endpoint, mode, timeout, attempts, &cfg);

	UNIT_CONTEXT("endpoint %s mode %s timeout %s attempts %s", endpoint ? endpoint : "-",
				 mode ? mode : "-", timeout ? timeout : "-", attempts ? attempts : "-");
	if (CHECK(problem == NULL))
	{
		CHECK_STREQ(cfg.base_url, url);
		CHECK_INTEQ(cfg.timeout_ms, timeout_ms);
		CHECK_INTEQ(cfg.attempts, tries);
	}
	else
		printf("    refused: %s\n", problem);
	free(cfg.base_url);
	UNIT_CONTEXT(NULL);
}

/* IMDS options refused with a sentence that contains why; no URL */
static void
imds_refused(const char *endpoint, const char *mode, const char *timeout, const char *attempts,
			 const char *why)
{
	RdsImdsConfig cfg;
	const char *problem = RdsImdsOptions(endpoint, mode, timeout, attempts, &cfg);

	UNIT_CONTEXT("endpoint %s mode %s timeout %s attempts %s", endpoint ? endpoint : "-",
				 mode ? mode : "-", timeout ? timeout : "-", attempts ? attempts : "-");
	if (CHECK(problem != NULL))
		CHECK(strstr(problem, why) != NULL);
	else
		printf("    accepted as %s\n", cfg.base_url);
	CHECK(cfg.base_url == NULL);
	free(cfg.base_url);
	UNIT_CONTEXT(NULL);
}

#define IMDS_HOST_RULE "AWS_EC2_METADATA_SERVICE_ENDPOINT must name a link-local"

static void
test_imds_endpoint(void)
{
	/* defaults: botocore METADATA_BASE_URL, 1 s, 1 attempt */
	imds_ok(NULL, NULL, NULL, NULL, "http://169.254.169.254", 1000, 1);
	/* the mode, any case (botocore lower-cases it); IPv6 is METADATA_BASE_URL_IPv6 */
	imds_ok(NULL, "IPv6", NULL, NULL, "http://[fd00:ec2::254]", 1000, 1);
	imds_ok(NULL, "ipv6", NULL, NULL, "http://[fd00:ec2::254]", 1000, 1);
	imds_ok(NULL, "IPV4", NULL, NULL, "http://169.254.169.254", 1000, 1);
	imds_refused(NULL, "IPv5", NULL, NULL, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6");
	imds_refused(NULL, "", NULL, NULL, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	/* the endpoint wins over the mode, which is still checked */
	imds_ok("http://127.0.0.1:8080", "IPv6", NULL, NULL, "http://127.0.0.1:8080", 1000, 1);
	imds_refused("http://127.0.0.1:8080", "dual", NULL, NULL, "ENDPOINT_MODE must be IPv4 or IPv6");
	/* allowed hosts; a trailing "/" goes (paths are appended with one) */
	imds_ok("http://169.254.169.254/", NULL, NULL, NULL, "http://169.254.169.254", 1000, 1);
	imds_ok("http://169.254.0.1:80", NULL, NULL, NULL, "http://169.254.0.1:80", 1000, 1);
	imds_ok("http://169.254.255.255", NULL, NULL, NULL, "http://169.254.255.255", 1000, 1);
	imds_ok("http://127.0.0.1:4567/", NULL, NULL, NULL, "http://127.0.0.1:4567", 1000, 1);
	imds_ok("http://127.9.8.7", NULL, NULL, NULL, "http://127.9.8.7", 1000, 1);
	imds_ok("http://[::1]:4567/", NULL, NULL, NULL, "http://[::1]:4567", 1000, 1);
	imds_ok("http://[fd00:ec2::254]", NULL, NULL, NULL, "http://[fd00:ec2::254]", 1000, 1);
	imds_ok("http://[fd00:ec2:0::254]/", NULL, NULL, NULL, "http://[fd00:ec2::254]", 1000, 1);
	imds_ok("HTTP://127.0.0.1/base/", NULL, NULL, NULL, "http://127.0.0.1/base", 1000, 1);
	/* other hosts, names, schemes */
	imds_refused("http://10.0.0.1", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://192.0.2.1/", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://169.255.0.1/", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://168.254.169.254/", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://localhost:1234", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://169.254.169.254.example.com", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://127.0.0.1.nip.io", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://[fd00:ec2::253]", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://[fd00:ec2::23]", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://[::ffff:127.0.0.1]", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://[::ffff:169.254.169.254]", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://[fe80::1%25eth0]", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("http://[::2]", NULL, NULL, NULL, IMDS_HOST_RULE);
	imds_refused("https://169.254.169.254", NULL, NULL, NULL, "must be http (IMDS does not speak https)");
	imds_refused("https://127.0.0.1:8443/", NULL, NULL, NULL, "must be http");
	imds_refused("ftp://127.0.0.1/", NULL, NULL, NULL, "must be http");
	imds_refused("file:///etc/passwd", NULL, NULL, NULL, "must be");
	imds_refused("169.254.169.254", NULL, NULL, NULL, "must be an http URL");
	imds_refused("http://127.0.0.1:99999", NULL, NULL, NULL, "must be an http URL");
	imds_refused("not a url", NULL, NULL, NULL, "must be an http URL");
	/* user info (libcurl would connect to the host after "@"), query, fragment */
	imds_refused("http://169.254.169.254@evil.example/", NULL, NULL, NULL, "without a user name or password");
	imds_refused("http://user:pw@127.0.0.1/", NULL, NULL, NULL, "without a user name or password");
	imds_refused("http://@127.0.0.1/", NULL, NULL, NULL, "without a user name or password");
	imds_refused("http://127.0.0.1/?a=b", NULL, NULL, NULL, "without a query or fragment");
	imds_refused("http://127.0.0.1/#x", NULL, NULL, NULL, "without a query or fragment");
}

static void
test_imds_numbers(void)
{
	/* botocore configprovider: metadata_service_timeout (s), metadata_service_num_attempts */
	imds_ok(NULL, NULL, "5", "3", "http://169.254.169.254", 5000, 3);
	imds_ok(NULL, NULL, "600", "10", "http://169.254.169.254", 600000, 10);
	imds_ok(NULL, NULL, "1", "1", "http://169.254.169.254", 1000, 1);
	imds_refused(NULL, NULL, "0", NULL, "AWS_METADATA_SERVICE_TIMEOUT must be a whole number of seconds from 1 to 600");
	imds_refused(NULL, NULL, "601", NULL, "AWS_METADATA_SERVICE_TIMEOUT");
	imds_refused(NULL, NULL, "1.5", NULL, "AWS_METADATA_SERVICE_TIMEOUT");
	imds_refused(NULL, NULL, "-1", NULL, "AWS_METADATA_SERVICE_TIMEOUT");
	imds_refused(NULL, NULL, " 2", NULL, "AWS_METADATA_SERVICE_TIMEOUT");
	imds_refused(NULL, NULL, "99999999999999999999", NULL, "AWS_METADATA_SERVICE_TIMEOUT");
	imds_refused(NULL, NULL, NULL, "0", "AWS_METADATA_SERVICE_NUM_ATTEMPTS must be a whole number from 1 to 10");
	imds_refused(NULL, NULL, NULL, "11", "AWS_METADATA_SERVICE_NUM_ATTEMPTS");
	imds_refused(NULL, NULL, NULL, "three", "AWS_METADATA_SERVICE_NUM_ATTEMPTS");
	/* a bad number is refused even with a good endpoint: nothing is asked */
	imds_refused("http://127.0.0.1:1", NULL, "x", NULL, "AWS_METADATA_SERVICE_TIMEOUT");
	/* the host rule alone */
	CHECK(RdsImdsHostAllowed("169.254.169.254"));
	CHECK(RdsImdsHostAllowed("127.0.0.1"));
	CHECK(RdsImdsHostAllowed("[::1]"));
	CHECK(RdsImdsHostAllowed("[fd00:ec2::254]"));
	CHECK(!RdsImdsHostAllowed("::1"));
	CHECK(!RdsImdsHostAllowed("localhost"));
	CHECK(!RdsImdsHostAllowed("10.0.0.1"));
	CHECK(!RdsImdsHostAllowed("[]"));
	CHECK(!RdsImdsHostAllowed(""));
}

int
main(void)
{
	test_bypasses_refused();
	test_sdk_urls_accepted();
	test_http_hosts();
	test_imds_endpoint();
	test_imds_numbers();
	return UnitSummary();
}
