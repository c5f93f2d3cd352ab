/*-------------------------------------------------------------------------
 * credurl.h
 *		The container credentials endpoint's URL and the EC2 instance
 *		metadata service's, and whether each may be asked: the AWS SDKs'
 *		rules, and the IMDS options of the environment.
 *
 * Pure code: no PostgreSQL, no I/O.  The URL is parsed with libcurl's URL
 * API (the parser the transfer itself uses), never fetched here.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDURL_H
#define RDS_CREDURL_H

#include <stdbool.h>

/* where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is appended (ECS) */
#define RDS_CONTAINER_DEFAULT_HOST "http://169.254.170.2"

/*
 * The URL to fetch container credentials from: relative (the value of
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, or NULL) appended to
 * RDS_CONTAINER_DEFAULT_HOST, else full (AWS_CONTAINER_CREDENTIALS_FULL_URI).
 * Returns NULL and sets *url_out to a malloc'd URL, as libcurl's parser
 * normalised it (fetch exactly that; the caller frees it), when the SDKs'
 * rule allows it; else returns a static sentence naming the variable and
 * what is wrong, and sets *url_out to NULL.
 */
extern const char *RdsContainerUrl(const char *relative, const char *full, char **url_out);

/*
 * May plain http go to host (as libcurl's URL parser gives it: an IPv6
 * address in brackets)?  A loopback address (127.0.0.0/8, ::1), localhost,
 * or the ECS/EKS addresses 169.254.170.2, 169.254.170.23, fd00:ec2::23.
 */
extern bool RdsContainerHttpHostAllowed(const char *host);

/* botocore utils.py: METADATA_BASE_URL and METADATA_BASE_URL_IPv6 */
#define RDS_IMDS_IPV4_ENDPOINT "http://169.254.169.254"
#define RDS_IMDS_IPV6_ENDPOINT "http://[fd00:ec2::254]"

/* How to reach IMDS; from RdsImdsOptions. */
typedef struct RdsImdsConfig
{
	char	   *base_url;		/* malloc'd, no trailing "/"; the caller frees it */
	int			timeout_ms;		/* connect and whole-request timeout of each request */
	int			attempts;		/* tries of each request */
} RdsImdsConfig;

/*
 * The IMDS options from the values of AWS_EC2_METADATA_SERVICE_ENDPOINT,
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE, AWS_METADATA_SERVICE_TIMEOUT and
 * AWS_METADATA_SERVICE_NUM_ATTEMPTS (each NULL when unset or empty), as
 * botocore reads them: the endpoint, else the mode's address (IPv4 or
 * IPv6, any case; default IPv4); 1 second; 1 attempt.  The endpoint must
 * be http to a link-local (169.254.0.0/16), loopback (127.0.0.0/8, ::1)
 * or the IPv6 IMDS ([fd00:ec2::254]) address, without user name,
 * password, query or fragment.  Returns NULL with *cfg filled, or a
 * static sentence naming the variable and what is wrong (cfg->base_url
 * NULL).
 */
extern const char *RdsImdsOptions(const char *endpoint, const char *mode,
								  const char *timeout, const char *attempts,
								  RdsImdsConfig *cfg);

/*
 * May IMDS be asked at host (as libcurl's URL parser gives it: an IPv6
 * address in brackets)?  169.254.0.0/16, 127.0.0.0/8, ::1, fd00:ec2::254;
 * never a name.
 */
extern bool RdsImdsHostAllowed(const char *host);

#endif
