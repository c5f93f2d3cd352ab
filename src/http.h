/*-------------------------------------------------------------------------
 * http.h
 *		HTTPS transport on libcurl: one reused handle per backend, and a
 *		handle of its own for each reply that holds credentials.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_HTTP_H
#define RDS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"

#define RDS_HTTP_MAX_HEADERS 8

typedef enum RdsHttpMethod
{
	RDS_HTTP_POST,
	RDS_HTTP_GET,
	RDS_HTTP_PUT				/* with an empty body */
} RdsHttpMethod;

typedef struct RdsHttpRequest
{
	RdsHttpMethod method;
	const char *url;
	const char *headers[RDS_HTTP_MAX_HEADERS];	/* "Name: value" lines */
	int			nheaders;
	const char *body;			/* POST only */
	size_t		body_len;
	long		connect_timeout_ms;
	long		timeout_ms;
	size_t		max_response;	/* bytes of body accepted */
	const char *ca_file;		/* NULL or "" for the system store */
	bool		allow_http;		/* plain http permitted (loopback only) */
	const char *proxy;			/* proxy URL; NULL or "" for none (the
								 * environment is never read here) */
	bool		secret_reply;	/* the reply holds credentials: use a handle
								 * of its own, cleaned up (wiped) at once */
} RdsHttpRequest;

typedef enum RdsHttpFailure
{
	RDS_HTTP_OK,				/* a complete HTTP response arrived */
	RDS_HTTP_CONNECT_FAILED,	/* name lookup or TCP connect failed */
	RDS_HTTP_TLS_FAILED,		/* handshake or certificate verification */
	RDS_HTTP_TIMEOUT,
	RDS_HTTP_TOO_LARGE,			/* reply or its headers exceeded the caps */
	RDS_HTTP_BROKEN,			/* send/receive failed mid-way */
	RDS_HTTP_INTERNAL			/* libcurl could not be set up */
} RdsHttpFailure;

typedef struct RdsHttpResponse
{
	RdsHttpFailure failure;
	bool		connected;		/* a connection (and TLS session) was up */
	long		status;			/* HTTP status, 0 when none */
	RdsBuf		body;			/* malloc'd; free with RdsHttpResponseFree */
	char		request_id[128];	/* x-amzn-RequestId header, or "" */
	char		date[64];		/* Date header, or "" */
	char		error[256];		/* libcurl's description of a failure */
	long		new_connections;	/* connections opened for this transfer */
	double		elapsed_ms;		/* whole transfer */
} RdsHttpResponse;

/*
 * Send req (a POST of req->body, a GET or an empty PUT).  Fills *resp (the caller frees it with
 * RdsHttpResponseFree).  Nothing is raised while libcurl runs; after it
 * returns, a pending cancel or statement_timeout is raised with
 * CHECK_FOR_INTERRUPTS() once the response has been freed.
 */
extern void RdsHttpSend(const RdsHttpRequest *req, RdsHttpResponse *resp);
extern void RdsHttpResponseFree(RdsHttpResponse *resp);

/*
 * Drop the kept handle and its connections (libcurl's buffers are wiped as
 * they are freed): after a reply that echoed a secret.
 */
extern void RdsHttpDropHandle(void);

/* The time resp's Date header gives, or -1 when it has none that parses. */
extern time_t RdsHttpResponseDate(const RdsHttpResponse *resp);

#endif
