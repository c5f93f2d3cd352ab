/*-------------------------------------------------------------------------
 * credurl.h
 *		The container credentials endpoint's URL, and whether it may be
 *		asked: the AWS SDKs' rule.
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

#endif
