/*-------------------------------------------------------------------------
 * awsrequest.c
 *		One signed AWS Query-protocol request: form body -> SigV4 ->
 *		HTTPS (http.c) -> XML (xmlreply.c), and the signing clock.
 *
 * Service-agnostic: RDS actions (action.c) and STS actions
 * (credfetch.c) both come through here.  Nothing is raised for a failed
 * call; the caller looks at the status (to retry, to fall through to
 * another credential source) and raises with RdsRequestRaise.  Everything
 * the pure modules, libcurl and libxml2 allocate is freed here or in
 * RdsRequestFree, and no secret outlives the send.  Replies are redacted
 * (every form of the caller's secrets blanked) before they are parsed;
 * the proxy is chosen here from the server's environment, as botocore
 * chooses it (endpoint.c), never by libcurl.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "utils/xml.h"

#include "awscodes.h"
#include "awsrequest.h"
#include "settings.h"

#define RDS_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define CLOCK_SKEW_LIMIT_SECONDS (4 * 60)

extern char **environ;

/* seconds to add to this server's clock to get AWS's (per backend) */
static long signing_clock_offset = 0;

time_t
RdsSigningNow(void)
{
	return time(NULL) + signing_clock_offset;
}

bool
RdsCorrectSigningClock(const RdsRequest *call)
{
	const char *code = RdsRequestErrorCode(call);
	time_t		server;
	time_t		now = time(NULL);

	if (!RdsAwsCodeHas(code, RDS_AWS_CLOCK_SKEW))
		return false;
	server = RdsHttpResponseDate(&call->resp);
	if (server <= 0 || labs((long) (server - (now + signing_clock_offset))) <= CLOCK_SKEW_LIMIT_SECONDS)
		return false;
	signing_clock_offset = (long) (server - now);
	ereport(LOG,
			(errmsg("rds_copy: this server's clock is %ld s %s %s's; signing with the endpoint's time",
					labs(signing_clock_offset), signing_clock_offset > 0 ? "behind" : "ahead of",
					call->site.endpoint),
			 errhint("Synchronize the server's clock (NTP).")));
	return true;
}

void
RdsResolveServiceEndpoint(const char *service, const char *region,
						  const char *setting_url, RdsEndpoint *endpoint)
{
	const char *origin;
	const char *why;
	RdsEndpointOptions opts;

	RdsResolveEndpointOptions(&opts);
	switch (RdsEndpointResolve(service, region, setting_url, &opts, endpoint, &origin, &why))
	{
		case RDS_ENDPOINT_RESOLVED:
			return;
		case RDS_ENDPOINT_BAD_REGION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("region \"%s\" is not valid", region)));
			break;
		case RDS_ENDPOINT_BAD_URL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("endpoint URL from %s is not valid", origin),
					 errdetail("%s", why)));
			break;
		case RDS_ENDPOINT_UNSUPPORTED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s has no endpoint of the configured variant in region \"%s\"",
							strcmp(service, "sts") == 0 ? "STS" : "RDS", region),
					 strncmp(why, "Botocore", 8) == 0 ? errdetail("%s.", why) :
					 errdetail("The SDKs' endpoint rules say: %s.", why),
					 errhint("Turn off FIPS or dual-stack: rds_copy.use_fips_endpoint, rds_copy.use_dualstack_endpoint, or what sets them in the server's environment or the AWS profile.")));
			break;
	}
}

/* Overwrite every copy of the n bytes s in buf with '*'; true if there was one. */
static bool
redact_form(RdsBuf *buf, const char *s, size_t n)
{
	char	   *p = buf->data;
	bool		found = false;

	if (n == 0)
		return false;
	while ((p = memmem(p, buf->len - (p - buf->data), s, n)) != NULL)
	{
		memset(p, '*', n);
		p += n;
		found = true;
	}
	return found;
}

/*
 * Overwrite every copy of secret in buf with '*', as it is and in the
 * percent-encoded forms the requests carry it in: SigV4's URI encoding
 * (sigv4.c, awsquery.c: the X-Amz-Security-Token of a pre-signed URL),
 * the same with lower-case hex digits, and encoded twice (the pre-signed
 * URL inside the form body).  AWS echoes the signed headers, the session
 * token among them, in SignatureDoesNotMatch messages, and an endpoint
 * may echo the request; that text must not reach an error or a log.
 * Returns true when something was overwritten.  Raises out of memory.
 */
static bool
redact(RdsBuf *buf, const char *secret)
{
	RdsBuf		once = RDS_BUF_INIT;
	RdsBuf		lower = RDS_BUF_INIT;
	RdsBuf		twice = RDS_BUF_INIT;
	bool		found;
	size_t		i;

	if (secret == NULL || secret[0] == '\0' || buf->data == NULL)
		return false;
	found = redact_form(buf, secret, strlen(secret));
	AwsUriEncode(&once, secret, strlen(secret));
	AwsUriEncode(&twice, RdsBufStr(&once), once.len);
	RdsBufAppend(&lower, RdsBufStr(&once), once.len);
	if (RdsBufFailed(&once) || RdsBufFailed(&twice) || RdsBufFailed(&lower))
	{
		RdsBufWipe(&once);
		RdsBufWipe(&twice);
		RdsBufWipe(&lower);
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	for (i = 0; i + 2 < lower.len; i++)
		if (lower.data[i] == '%')
		{
			lower.data[i + 1] = pg_ascii_tolower((unsigned char) lower.data[i + 1]);
			lower.data[i + 2] = pg_ascii_tolower((unsigned char) lower.data[i + 2]);
		}
	found |= redact_form(buf, once.data, once.len);
	found |= redact_form(buf, lower.data, lower.len);
	found |= redact_form(buf, twice.data, twice.len);
	RdsBufWipe(&once);
	RdsBufWipe(&twice);
	RdsBufWipe(&lower);
	return found;
}

static RdsRequestStatus
classify(RdsRequest *call)
{
	const RdsHttpResponse *resp = &call->resp;
	RdsReply   *reply = &call->reply;

	if (resp->failure != RDS_HTTP_OK)
		return RDS_REQUEST_TRANSPORT_ERROR;
	if (resp->status >= 300 && resp->status <= 399)
	{
		reply->invalid_reason = "The endpoint answered with a redirect, and redirects are never followed.";
		return RDS_REQUEST_INVALID_REPLY;
	}
	if (reply->kind == RDS_REPLY_ERROR || resp->status >= 500)
		return RDS_REQUEST_AWS_ERROR;
	if (reply->kind == RDS_REPLY_INVALID)
		return RDS_REQUEST_INVALID_REPLY;
	if (resp->status < 200 || resp->status > 299)
	{
		reply->invalid_reason = "A success reply came with an HTTP status that is not 2xx.";
		return RDS_REQUEST_INVALID_REPLY;
	}
	if (reply->request_id == NULL && resp->request_id[0] != '\0')
		reply->request_id = strdup(resp->request_id);
	return RDS_REQUEST_OK;
}

/* Parse the body under pg_xml_init, so libxml2 never reaches the network. */
static void
parse_reply(RdsRequest *call)
{
	PgXmlErrorContext *xmlcxt = pg_xml_init(PG_XML_STRICTNESS_WELLFORMED);

	RdsXmlParseReply(RdsBufStr(&call->resp.body), call->resp.body.len,
					 call->site.action, &call->reply);
	pg_xml_done(xmlcxt, pg_xml_error_occurred(xmlcxt));
}

RdsRequestStatus
RdsRequestSend(RdsRequest *call, const char *service, const char *region,
			const RdsEndpoint *endpoint, const AwsQuery *params,
			const SigV4Credentials *creds)
{
	RdsBuf		body = RDS_BUF_INIT;
	RdsBuf		authorization = RDS_BUF_INIT;
	RdsBuf		token_header = RDS_BUF_INIT;
	RdsHttpRequest req;
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
	char		date_header[64];
	char		proxy[RDS_PROXY_MAX];
	bool		ok;
	bool		echoed = false;

	/* the proxy botocore would use, from the server's environment */
	if (!RdsProxyForEndpoint(environ, endpoint, proxy, sizeof(proxy)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the proxy URL for %s in the server's environment is too long",
						endpoint->url)));
	strlcpy(call->action, params->params[0].value, sizeof(call->action));
	strlcpy(call->region, region, sizeof(call->region));
	strlcpy(call->endpoint_url, endpoint->url, sizeof(call->endpoint_url));
	call->site.action = call->action;
	call->site.region = call->region;
	call->site.endpoint = call->endpoint_url;
	call->site.attempts = 1;

	memset(&req, 0, sizeof(req));
	req.method = RDS_HTTP_POST;
	req.url = endpoint->url;
	req.headers[req.nheaders++] = "Content-Type: " RDS_CONTENT_TYPE;

	AwsQueryFormBody(params, &body);
	ok = !RdsBufFailed(&body);
	if (ok && creds != NULL)
	{
		SigV4Scope	scope;

		/* the region the endpoint rules sign for (a pseudo-region's region) */
		scope.region = endpoint->signing_region[0] != '\0' ? endpoint->signing_region : region;
		scope.service = service;
		scope.host = endpoint->host_header;
		RdsBufAppendStr(&authorization, "Authorization: ");
		ok = SigV4SignPost(creds, &scope, RDS_CONTENT_TYPE, RdsBufStr(&body), body.len,
						   RdsSigningNow(), amz_date, &authorization);
		snprintf(date_header, sizeof(date_header), "X-Amz-Date: %s", amz_date);
		req.headers[req.nheaders++] = date_header;
		req.headers[req.nheaders++] = RdsBufStr(&authorization);
		if (creds->session_token != NULL && creds->session_token[0] != '\0')
		{
			RdsBufAppendStr(&token_header, "X-Amz-Security-Token: ");
			RdsBufAppendStr(&token_header, creds->session_token);
			req.headers[req.nheaders++] = RdsBufStr(&token_header);
			ok = ok && !RdsBufFailed(&token_header);
		}
	}
	if (!ok)
	{
		RdsBufWipe(&body);
		RdsBufWipe(&authorization);
		RdsBufWipe(&token_header);
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
						errmsg("could not build the signed request")));
	}
	req.body = RdsBufStr(&body);
	req.body_len = body.len;
	req.connect_timeout_ms = rds_copy_connect_timeout;
	req.timeout_ms = rds_copy_request_timeout;
	req.max_response = rds_copy_max_response_size;
	req.ca_file = rds_copy_ca_file;
	req.allow_http = strcmp(endpoint->scheme, "http") == 0;
	req.proxy = proxy;
	/* STS replies hold credentials: a handle of their own, wiped after */
	req.secret_reply = strcmp(service, "sts") == 0;

	/*
	 * The buffers hold secrets (the token, a body that may carry a
	 * pre-signed URL with it): wipe them even if a cancel ends the send.
	 */
	PG_TRY();
	{
		RdsHttpSend(&req, &call->resp);
	}
	PG_FINALLY();
	{
		RdsBufWipe(&body);
		RdsBufWipe(&authorization);
		RdsBufWipe(&token_header);
	}
	PG_END_TRY();

	if (creds != NULL)
	{
		echoed |= redact(&call->resp.body, creds->session_token);
		echoed |= redact(&call->resp.body, creds->secret_access_key);
	}
	/* an unsigned call's secret is a parameter (AssumeRoleWithWebIdentity) */
	echoed |= redact(&call->resp.body, AwsQueryGet(params, "WebIdentityToken"));
	/* libcurl's receive buffer of the kept handle still holds the echo */
	if (echoed && !req.secret_reply)
		RdsHttpDropHandle();
	if (message_level_is_interesting(DEBUG1))
		ereport(DEBUG1,
				(errmsg_internal("rds_copy: %s to %s: HTTP %ld, %zu bytes in %.1f ms, %ld new connection(s)",
								 call->site.action, call->site.endpoint, call->resp.status,
								 call->resp.body.len, call->resp.elapsed_ms,
								 call->resp.new_connections)));
	if (call->resp.failure == RDS_HTTP_OK &&
		!(call->resp.status >= 300 && call->resp.status <= 399))
		parse_reply(call);
	call->status = classify(call);
	return call->status;
}

int
RdsRequestSqlState(const RdsRequest *call)
{
	switch (call->status)
	{
		case RDS_REQUEST_OK:
			break;
		case RDS_REQUEST_AWS_ERROR:
			return RdsSqlStateForAwsCode(RdsRequestErrorCode(call), call->resp.status);
		case RDS_REQUEST_TRANSPORT_ERROR:
			return RdsSqlStateForTransport(&call->resp);
		case RDS_REQUEST_INVALID_REPLY:
			return ERRCODE_PROTOCOL_VIOLATION;
	}
	return 0;
}

const char *
RdsRequestErrorCode(const RdsRequest *call)
{
	return call->status == RDS_REQUEST_AWS_ERROR ? call->reply.error_code : NULL;
}

void
RdsRequestRaise(const RdsRequest *call)
{
	const RdsHttpResponse *resp = &call->resp;
	const RdsReply *reply = &call->reply;
	const char *request_id = reply->request_id ? reply->request_id : resp->request_id;

	switch (call->status)
	{
		case RDS_REQUEST_TRANSPORT_ERROR:
			RdsRaiseTransportError(&call->site, resp);
			break;
		case RDS_REQUEST_AWS_ERROR:
			if (reply->kind == RDS_REPLY_ERROR)
				RdsRaiseAwsError(&call->site, resp->status, reply->error_code,
								 reply->error_message, request_id);
			else
			{
				char		code[32];

				snprintf(code, sizeof(code), "HTTP %ld", resp->status);
				RdsRaiseAwsError(&call->site, resp->status, code, NULL, request_id);
			}
			break;
		case RDS_REQUEST_INVALID_REPLY:
			RdsRaiseInvalidReply(&call->site, resp->status, reply->invalid_reason, request_id);
			break;
		case RDS_REQUEST_OK:
			break;
	}
	elog(ERROR, "RdsRequestRaise called for a call that succeeded");
}

void
RdsRequestFree(RdsRequest *call)
{
	RdsHttpResponseFree(&call->resp);
	RdsReplyFree(&call->reply);
}
