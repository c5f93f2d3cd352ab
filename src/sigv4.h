/*-------------------------------------------------------------------------
 * sigv4.h
 *		AWS Signature Version 4 on OpenSSL: signed POSTs and pre-signed URLs.
 *
 * Pure code: no I/O, no settings, no PostgreSQL.  The clock is an argument.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_SIGV4_H
#define RDS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "awsquery.h"
#include "buf.h"

/* Borrowed pointers; session_token may be NULL or "". */
typedef struct SigV4Credentials
{
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token;
} SigV4Credentials;

/* What a POST needs besides its body. */
typedef struct SigV4Scope
{
	const char *region;			/* e.g. us-east-1 */
	const char *service;		/* e.g. rds */
	const char *host;			/* Host header value: host[:port], lower case */
} SigV4Scope;

#define SIGV4_AMZ_DATE_LEN 16	/* YYYYMMDDTHHMMSSZ */
#define SIGV4_PRESIGN_EXPIRES 3600

/*
 * Sign a form POST to "/" with Content-Type content_type.  Writes the
 * X-Amz-Date value into amz_date (17 bytes) and appends the Authorization
 * header value to authorization.  Signed headers: content-type;host;
 * x-amz-date, plus x-amz-security-token when creds carry a token (the
 * caller must then send that header).  Returns false on allocation or
 * OpenSSL failure.  Never raises.
 */
extern bool SigV4SignPost(const SigV4Credentials *creds, const SigV4Scope *scope,
						  const char *content_type,
						  const char *body, size_t body_len, time_t now,
						  char *amz_date, RdsBuf *authorization);

/*
 * Build a pre-signed GET URL "<scheme>://<host>/?<params>&X-Amz-...": every
 * parameter of params in order, then the query-authentication parameters,
 * X-Amz-Signature last.  Signed header: host only; payload: the empty
 * string.  Appends to url; returns false on allocation/OpenSSL failure.
 */
extern bool SigV4PresignUrl(const SigV4Credentials *creds, const SigV4Scope *scope,
							const char *scheme, const AwsQuery *params,
							time_t now, int expires, RdsBuf *url);

/* Wipe the cached signing key (when credentials are dropped). */
extern void SigV4ForgetKeys(void);

/* Lower-case hex SHA-256 of data into out (65 bytes). */
extern bool SigV4Sha256Hex(const void *data, size_t len, char *out);

#endif
