/*-------------------------------------------------------------------------
 * test_credurl.c
 *		Unit tests for src/credurl.c: the container credentials URL rule,
 *		through libcurl's URL parser, with the strings that fooled the
 *		old prefix check and the URLs the AWS SDKs accept.
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

int
main(void)
{
	test_bypasses_refused();
	test_sdk_urls_accepted();
	test_http_hosts();
	return UnitSummary();
}
