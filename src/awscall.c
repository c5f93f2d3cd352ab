/*-------------------------------------------------------------------------
 * awscall.c
 *		Run one RDS Query API call through the pipeline:
 *		region and endpoint -> credentials -> (pre-signed URL) -> form
 *		body -> SigV4 -> HTTPS -> XML -> result or SQL error.
 *
 * Everything allocated by the pure modules, libcurl or libxml2 during a
 * call is released in PG_FINALLY, so an error or a cancel leaks nothing
 * and leaves no secret in memory.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>
#include <time.h>

#include "miscadmin.h"
#include "utils/xml.h"

#include "awscall.h"
#include "credentials.h"
#include "endpoint.h"
#include "errors.h"
#include "guc.h"
#include "http.h"
#include "sigv4.h"

#define RDS_SERVICE "rds"
#define RDS_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"

const char *
RdsResolveRegion(void)
{
	if (rds_copy_region == NULL || rds_copy_region[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no AWS region is configured"),
				 errhint("Set rds_copy.region or the server's AWS_REGION.")));
	return rds_copy_region;
}

/* rds_copy.endpoint_url, AWS_ENDPOINT_URL_RDS, AWS_ENDPOINT_URL, the region's. */
static void
resolve_endpoint(const char *region, RdsEndpoint *endpoint)
{
	const char *names[] = {"AWS_ENDPOINT_URL_RDS", "AWS_ENDPOINT_URL"};
	const char *url = rds_copy_endpoint_url;
	const char *origin = "rds_copy.endpoint_url";
	const char *why;
	int			i;

	for (i = 0; i < lengthof(names) && (url == NULL || url[0] == '\0'); i++)
	{
		url = getenv(names[i]);
		origin = names[i];
	}
	if (url == NULL || url[0] == '\0')
	{
		if (!RdsEndpointForRegion(RDS_SERVICE, region, endpoint))
			elog(ERROR, "region \"%s\" has no endpoint", region);
		return;
	}
	if (!RdsEndpointParse(url, endpoint, &why))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("endpoint URL from %s is not valid", origin),
				 errdetail("%s", why)));
}

/* Add PreSignedUrl: params + DestinationRegion, signed for source_region. */
static void
add_presigned_url(AwsQuery *params, const SigV4Credentials *creds,
				  const char *region, const char *source_region, time_t now)
{
	RdsEndpoint source_endpoint;
	SigV4Scope	scope;
	AwsQuery	presign = AWS_QUERY_INIT;
	RdsBuf		url = RDS_BUF_INIT;
	bool		ok;

	if (!RdsEndpointForRegion(RDS_SERVICE, source_region, &source_endpoint))
		elog(ERROR, "region \"%s\" has no endpoint", source_region);
	scope.region = source_region;
	scope.service = RDS_SERVICE;
	scope.host = source_endpoint.host_header;

	AwsQueryCopy(&presign, params);
	AwsQueryAdd(&presign, "DestinationRegion", region);
	ok = !presign.failed &&
		SigV4PresignUrl(creds, &scope, source_endpoint.scheme, &presign, now,
						SIGV4_PRESIGN_EXPIRES, &url);
	if (ok)
		AwsQueryAdd(params, "PreSignedUrl", RdsBufStr(&url));
	AwsQueryFree(&presign);
	RdsBufWipe(&url);
	if (!ok || params->failed)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
}

/*
 * Overwrite every copy of secret in buf with '*'.  AWS echoes the signed
 * headers, the session token among them, in SignatureDoesNotMatch
 * messages; that text must not reach an error or a log.
 */
static void
redact(RdsBuf *buf, const char *secret)
{
	size_t		n;
	char	   *p;

	if (secret == NULL || (n = strlen(secret)) == 0 || buf->data == NULL)
		return;
	p = buf->data;
	while ((p = memmem(p, buf->len - (p - buf->data), secret, n)) != NULL)
	{
		memset(p, '*', n);
		p += n;
	}
}

/* Turn a finished transfer into *reply, or raise. */
static void
interpret_response(const RdsCallSite *site, const RdsHttpResponse *resp,
				   RdsReply *reply)
{
	if (resp->failure != RDS_HTTP_OK)
		RdsRaiseTransportError(site, resp);

	if (resp->status >= 300 && resp->status <= 399)
		RdsRaiseInvalidReply(site, resp->status,
							 "The endpoint answered with a redirect, and redirects are never followed.",
							 resp->request_id);

	RdsXmlParseReply(RdsBufStr(&resp->body), resp->body.len, site->action, reply);

	if (reply->kind == RDS_REPLY_ERROR)
		RdsRaiseAwsError(site, resp->status, reply->error_code,
						 reply->error_message,
						 reply->request_id ? reply->request_id : resp->request_id);
	if (resp->status >= 500)
	{
		char		code[32];

		snprintf(code, sizeof(code), "HTTP %ld", resp->status);
		RdsRaiseAwsError(site, resp->status, code, NULL, resp->request_id);
	}
	if (reply->kind == RDS_REPLY_INVALID)
		RdsRaiseInvalidReply(site, resp->status, reply->invalid_reason, resp->request_id);
	if (resp->status < 200 || resp->status > 299)
		RdsRaiseInvalidReply(site, resp->status,
							 "A success reply came with an HTTP status that is not 2xx.",
							 resp->request_id);
	if (reply->request_id == NULL && resp->request_id[0] != '\0')
		reply->request_id = strdup(resp->request_id);
}

void
RdsAwsCall(const AwsQuery *params_in, const char *source_region, RdsReply *reply)
{
	const char *region = RdsResolveRegion();
	RdsEndpoint endpoint;
	RdsCallSite site;
	RdsCredentials creds;
	AwsQuery	params = AWS_QUERY_INIT;
	RdsBuf		body = RDS_BUF_INIT;
	RdsBuf		authorization = RDS_BUF_INIT;
	RdsBuf		token_header = RDS_BUF_INIT;
	RdsHttpResponse resp;
	volatile bool reply_owned = false;
	PgXmlErrorContext *volatile xmlcxt = NULL;

	resolve_endpoint(region, &endpoint);
	site.action = params_in->params[0].value;
	site.region = region;
	site.endpoint = endpoint.url;

	memset(&creds, 0, sizeof(creds));
	memset(&resp, 0, sizeof(resp));
	memset(reply, 0, sizeof(*reply));

	PG_TRY();
	{
		SigV4Credentials sc;
		SigV4Scope	scope;
		RdsHttpRequest req;
		char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
		char		date_header[64];
		time_t		now = time(NULL);

		RdsCredentialsResolve(&creds);
		sc = RdsCredentialsForSigning(&creds);

		AwsQueryCopy(&params, params_in);
		if (source_region != NULL)
			add_presigned_url(&params, &sc, region, source_region, now);
		AwsQueryFormBody(&params, &body);

		scope.region = region;
		scope.service = RDS_SERVICE;
		scope.host = endpoint.host_header;
		RdsBufAppendStr(&authorization, "Authorization: ");
		if (RdsBufFailed(&body) ||
			!SigV4SignPost(&sc, &scope, RDS_CONTENT_TYPE, RdsBufStr(&body), body.len,
						   now, amz_date, &authorization))
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
							errmsg("could not sign the request")));

		memset(&req, 0, sizeof(req));
		req.url = endpoint.url;
		req.headers[req.nheaders++] = "Content-Type: " RDS_CONTENT_TYPE;
		snprintf(date_header, sizeof(date_header), "X-Amz-Date: %s", amz_date);
		req.headers[req.nheaders++] = date_header;
		req.headers[req.nheaders++] = RdsBufStr(&authorization);
		if (sc.session_token != NULL && sc.session_token[0] != '\0')
		{
			RdsBufAppendStr(&token_header, "X-Amz-Security-Token: ");
			RdsBufAppendStr(&token_header, sc.session_token);
			req.headers[req.nheaders++] = RdsBufStr(&token_header);
		}
		req.body = RdsBufStr(&body);
		req.body_len = body.len;
		req.connect_timeout_ms = rds_copy_connect_timeout;
		req.timeout_ms = rds_copy_request_timeout;
		req.max_response = rds_copy_max_response_size;
		req.ca_file = rds_copy_ca_file;
		req.allow_http = strcmp(endpoint.scheme, "http") == 0;

		RdsHttpPost(&req, &resp);
		ereport(DEBUG1,
				(errmsg_internal("rds_copy: %s to %s: HTTP %ld, %zu bytes in %.1f ms, %ld new connection(s)",
								 site.action, site.endpoint, resp.status, resp.body.len,
								 resp.elapsed_ms, resp.new_connections)));
		redact(&resp.body, sc.session_token);
		redact(&resp.body, sc.secret_access_key);

		/* secrets are not needed past this point */
		RdsCredentialsWipe(&creds);
		RdsBufWipe(&authorization);
		RdsBufWipe(&token_header);
		RdsBufWipe(&body);
		AwsQueryFree(&params);

		xmlcxt = pg_xml_init(PG_XML_STRICTNESS_WELLFORMED);
		interpret_response(&site, &resp, reply);
		reply_owned = true;
	}
	PG_FINALLY();
	{
		if (xmlcxt != NULL)
			pg_xml_done(xmlcxt, !reply_owned || pg_xml_error_occurred(xmlcxt));
		RdsCredentialsWipe(&creds);
		RdsBufWipe(&authorization);
		RdsBufWipe(&token_header);
		RdsBufWipe(&body);
		AwsQueryFree(&params);
		RdsHttpResponseFree(&resp);
		if (!reply_owned)
			RdsReplyFree(reply);
	}
	PG_END_TRY();
}
