/*-------------------------------------------------------------------------
 * credsso.c
 *		The SSO credential provider, as botocore resolves it (SSOProvider,
 *		SSOCredentialFetcher, SSOTokenLoader): a profile's sso_session (its
 *		[sso-session NAME] section of the config file) or legacy sso_*
 *		keys, the token that "aws sso login" cached under
 *		~/.aws/sso/cache, and GetRoleCredentials at the SSO portal.
 *
 * Where SSO sits in the chain is credentials.c's; the documents are parsed
 * by credjson.c (pure), the files read by awsfiles.c, HTTPS is http.c's.
 * A token is never refreshed (no SSO OIDC CreateToken): an expired one is
 * a 28000 with a hint to sign in again.  The token, the header that
 * carries it and the reply are wiped; no error quotes them.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>
#include <time.h>

#include "lib/stringinfo.h"
#include "miscadmin.h"

#include "compat.h"

#include "awsquery.h"
#include "credjson.h"
#include "credsso.h"
#include "endpoint.h"
#include "http.h"
#include "settings.h"
#include "xmlreply.h"

#define SSO_REPLY_MAX (64 * 1024)
#define SSO_ATTEMPTS 3
#define SSO_BACKOFF_MS 200

extern char **environ;

/* botocore's SSOProvider: the keys it requires, in the order it names them */
static const char *const required_keys[] = {
	"sso_role_name", "sso_account_id", "sso_start_url", "sso_region"
};

/* What a profile's SSO configuration resolves to. */
typedef struct SsoConfig
{
	const char *profile;
	const char *role_name;
	const char *account_id;
	const char *start_url;
	const char *region;
	const char *session;		/* sso_session, or NULL (legacy) */
} SsoConfig;

static RDS_NORETURN void sign_in_again(const SsoConfig *c, const char *message,
									   const char *detail);

/* 28000 with the hint every token problem gets. */
static void
sign_in_again(const SsoConfig *c, const char *message, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("%s", message),
			 errdetail_internal("%s", detail),
			 errhint("Sign in again with \"aws sso login --profile %s\" as the server's operating system user; rds_copy does not refresh SSO tokens.",
					 c->profile)));
	pg_unreachable();
}

static RDS_NORETURN void portal_failed(const SsoConfig *c, const char *detail);

static void
portal_failed(const SsoConfig *c, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("could not get AWS credentials from SSO for AWS profile \"%s\"", c->profile),
			 errdetail_internal("%s", detail)));
	pg_unreachable();
}

/*
 * The profile's keys, with its sso_session's merged over them
 * (_resolve_sso_session_reference): a key both name must have the same
 * value.  The values point into p and *session, which the caller keeps.
 */
static void
resolve_config(const RdsSharedFiles *files, const RdsProfile *p,
			   RdsIniSection *session, SsoConfig *c)
{
	const char *values[lengthof(required_keys)];
	StringInfoData missing;
	int			i;

	memset(c, 0, sizeof(*c));
	c->profile = p->name;
	c->session = RdsProfileGet(p, "sso_session");
	for (i = 0; i < (int) lengthof(required_keys); i++)
		values[i] = RdsProfileGet(p, required_keys[i]);
	if (c->session != NULL)
	{
		if (!RdsSsoSessionLoad(files, c->session, session))
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("sso-session \"%s\" of AWS profile \"%s\" does not exist",
							c->session, p->name),
					 errdetail("The config file \"%s\" has no [sso-session %s] section.",
							   files->config_file.path, c->session)));
		for (i = 0; i < session->count; i++)
		{
			const char *key = session->entries[i].name;
			const char *mine = RdsProfileGet(p, key);
			const char *theirs = session->entries[i].value;
			int			k;

			if (mine != NULL && strcmp(mine, theirs) != 0)
				ereport(ERROR,
						(errcode(ERRCODE_CONFIG_FILE_ERROR),
						 errmsg("%s of AWS profile \"%s\" differs from that of its sso-session \"%s\"",
								key, p->name, c->session),
						 errdetail("The profile has \"%s\", the sso-session \"%s\".", mine, theirs)));
			for (k = 0; k < (int) lengthof(required_keys); k++)
				if (pg_strcasecmp(key, required_keys[k]) == 0 && theirs[0] != '\0')
					values[k] = theirs;
		}
	}
	initStringInfo(&missing);
	for (i = 0; i < (int) lengthof(required_keys); i++)
		if (values[i] == NULL)
			appendStringInfo(&missing, "%s%s", missing.len ? ", " : "", required_keys[i]);
	if (missing.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("AWS profile \"%s\" is configured for SSO but lacks %s",
						p->name, missing.data),
				 errhint("SSO needs sso_account_id and sso_role_name in the profile, and sso_start_url and sso_region in it or in its sso-session.")));
	c->role_name = values[0];
	c->account_id = values[1];
	c->start_url = values[2];
	c->region = values[3];
	if (!RdsRegionIsValid(c->region))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("sso_region \"%s\" of AWS profile \"%s\" is not a valid region",
						c->region, p->name)));
}

/*
 * The cached token (malloc'd, for the caller to wipe), after checking
 * that it has not expired, as botocore 1.43 checks it (1.29 sends an
 * expired legacy token and the portal refuses it: the same error).
 */
static char *
load_token(const SsoConfig *c)
{
	char		name[RDS_SSO_CACHE_NAME_LEN];
	char		relative[64 + RDS_SSO_CACHE_NAME_LEN];
	RdsFileStamp stamp;
	char	   *text;
	size_t		len;
	const char *problem;
	RdsJsonCredentials doc;
	time_t		expires;
	char	   *token;
	size_t		n;

	if (!RdsSsoTokenCacheName(c->start_url, c->session, name))
		elog(ERROR, "could not compute the name of the SSO token cache file");
	snprintf(relative, sizeof(relative), "sso/cache/%s", name);
	memset(&stamp, 0, sizeof(stamp));
	RdsAwsHomePath(relative, stamp.path, sizeof(stamp.path));
	text = RdsAwsFileRead(&stamp, &len);
	if (text == NULL)
		sign_in_again(c, psprintf("no SSO token for AWS profile \"%s\"", c->profile),
					  psprintf("The token cache file \"%s\" (for %s \"%s\") does not exist or cannot be read.",
							   stamp.path, c->session ? "sso-session" : "sso_start_url",
							   c->session ? c->session : c->start_url));
	problem = RdsJsonSsoTokenParse(text, len, &doc);
	explicit_bzero(text, len);
	pfree(text);
	if (problem != NULL)
		sign_in_again(c, psprintf("the cached SSO token of AWS profile \"%s\" is not valid", c->profile),
					  psprintf("The token cache file \"%s\": %s", stamp.path, problem));
	/* dateutil reads what the CLI wrote; older CLIs ended it with "UTC" */
	n = strlen(doc.expiration);
	if (n > 3 && strcmp(doc.expiration + n - 3, "UTC") == 0)
		strcpy(doc.expiration + n - 3, "Z");
	if (!RdsIsoTimestampToTime(doc.expiration, &expires))
	{
		RdsJsonCredentialsWipe(&doc);
		sign_in_again(c, psprintf("the cached SSO token of AWS profile \"%s\" is not valid", c->profile),
					  psprintf("The expiresAt of the token cache file \"%s\" is not a timestamp.",
							   stamp.path));
	}
	if (expires <= time(NULL))
	{
		char	   *detail = psprintf("The token in \"%s\" expired at %s.", stamp.path, doc.expiration);

		RdsJsonCredentialsWipe(&doc);
		sign_in_again(c, psprintf("the SSO token of AWS profile \"%s\" has expired", c->profile),
					  detail);
	}
	token = doc.token;
	doc.token = NULL;
	RdsJsonCredentialsWipe(&doc);
	return token;
}

/*
 * The portal's endpoint: AWS_ENDPOINT_URL_SSO, else AWS_ENDPOINT_URL (the
 * SDKs' service-specific endpoints; the service id is "SSO"), else
 * https://portal.sso.<sso_region>.<partition's DNS suffix>/ (botocore's
 * data/endpoints.json, service "portal.sso").
 */
static void
portal_endpoint(const SsoConfig *c, RdsEndpoint *ep)
{
	const char *origin;
	const char *why;

	switch (RdsEndpointResolve("sso", c->region, NULL, NULL, ep, &origin, &why))
	{
		case RDS_ENDPOINT_RESOLVED:
			if (origin == NULL && !RdsEndpointForRegion("portal.sso", c->region, ep))
				break;
			return;
		case RDS_ENDPOINT_BAD_REGION:
		case RDS_ENDPOINT_UNSUPPORTED:
			break;
		case RDS_ENDPOINT_BAD_URL:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("endpoint URL from %s is not valid", origin),
					 errdetail("%s", why)));
	}
	ereport(ERROR,
			(errcode(ERRCODE_CONFIG_FILE_ERROR),
			 errmsg("sso_region \"%s\" of AWS profile \"%s\" is not a valid region",
					c->region, c->profile)));
}

/* Is a failed attempt worth another (botocore's retryable kinds)? */
static bool
retryable(const RdsHttpResponse *resp)
{
	if (resp->failure == RDS_HTTP_OK)
		return resp->status == 429 || resp->status >= 500;
	return resp->failure == RDS_HTTP_CONNECT_FAILED || resp->failure == RDS_HTTP_TIMEOUT ||
		resp->failure == RDS_HTTP_BROKEN;
}

/*
 * GET /federation/credentials?role_name=..&account_id=.. with the token
 * in x-amz-sso_bearer_token (the API reference of GetRoleCredentials;
 * botocore's data/sso/2019-06-10/service-2.json), unsigned.  Takes the
 * reply's roleCredentials into *out, or raises.
 */
static void
get_role_credentials(const SsoConfig *c, const char *token, RdsCredentials *out)
{
	RdsEndpoint ep;
	RdsBuf		url = RDS_BUF_INIT;
	RdsBuf		header = RDS_BUF_INIT;	/* holds the token: wiped */
	RdsHttpResponse resp;
	RdsHttpRequest req;
	RdsJsonCredentials doc;
	char		proxy[RDS_PROXY_MAX];
	int			attempt;

	portal_endpoint(c, &ep);
	/* the proxy botocore would use (it is a client like any other) */
	if (!RdsProxyForEndpoint(environ, &ep, proxy, sizeof(proxy)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the proxy URL for %s in the server's environment is too long", ep.url)));
	RdsBufAppendStr(&url, ep.url);
	RdsBufAppendStr(&url, "federation/credentials?role_name=");
	AwsUriEncode(&url, c->role_name, strlen(c->role_name));
	RdsBufAppendStr(&url, "&account_id=");
	AwsUriEncode(&url, c->account_id, strlen(c->account_id));
	RdsBufAppendStr(&header, "x-amz-sso_bearer_token: ");
	RdsBufAppendStr(&header, token);
	memset(&resp, 0, sizeof(resp));
	memset(&doc, 0, sizeof(doc));
	PG_TRY();
	{
		const char *problem;

		if (RdsBufFailed(&url) || RdsBufFailed(&header))
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		memset(&req, 0, sizeof(req));
		req.method = RDS_HTTP_GET;
		req.url = RdsBufStr(&url);
		req.headers[req.nheaders++] = "Accept: application/json";
		req.headers[req.nheaders++] = RdsBufStr(&header);
		req.connect_timeout_ms = rds_copy_connect_timeout;
		req.timeout_ms = rds_copy_request_timeout;
		req.max_response = SSO_REPLY_MAX;
		req.ca_file = rds_copy_ca_file;
		req.allow_http = strcmp(ep.scheme, "http") == 0;
		req.proxy = proxy;
		req.secret_reply = true;
		for (attempt = 1;; attempt++)
		{
			RdsBufWipe(&resp.body);
			memset(&resp, 0, sizeof(resp));
			RdsHttpSend(&req, &resp);
			if (attempt >= SSO_ATTEMPTS || !retryable(&resp))
				break;
			pg_usleep(SSO_BACKOFF_MS * 1000L * attempt);
			CHECK_FOR_INTERRUPTS();
		}
		if (resp.failure != RDS_HTTP_OK)
			portal_failed(c, psprintf("The SSO portal at %s could not be reached: %s",
									  ep.url, resp.error));
		/* UnauthorizedException: botocore's UnauthorizedSSOTokenError */
		if (resp.status == 401)
			sign_in_again(c, psprintf("the SSO portal refused the token of AWS profile \"%s\"", c->profile),
						  psprintf("The SSO portal at %s answered HTTP 401 (UnauthorizedException) to GetRoleCredentials.",
								   ep.url));
		if (resp.status != 200)
			portal_failed(c, psprintf("The SSO portal at %s answered HTTP %ld to GetRoleCredentials for role \"%s\" of account %s.",
									  ep.url, resp.status, c->role_name, c->account_id));
		problem = RdsJsonSsoRoleCredentialsParse(RdsBufStr(&resp.body), resp.body.len, &doc);
		if (problem != NULL)
			portal_failed(c, psprintf("The SSO portal at %s sent a reply that is not valid: %s",
									  ep.url, problem));
		out->expiration = (time_t) (doc.expiration_ms / 1000);
		out->access_key_id = doc.access_key_id;
		out->secret_access_key = doc.secret_access_key;
		out->session_token = doc.token;
		doc.access_key_id = doc.secret_access_key = doc.token = NULL;
	}
	PG_FINALLY();
	{
		RdsBufWipe(&header);
		RdsBufFree(&url);
		RdsBufWipe(&resp.body);
		RdsJsonCredentialsWipe(&doc);
	}
	PG_END_TRY();
}

bool
RdsFetchSso(const RdsSharedFiles *files, const RdsProfile *p, RdsCredentials *out)
{
	RdsIniSection session;
	SsoConfig	c;
	char	   *volatile token = NULL;

	/* botocore's trigger: either of sso_role_name and sso_account_id */
	if (RdsProfileGet(p, "sso_role_name") == NULL && RdsProfileGet(p, "sso_account_id") == NULL)
		return false;
	memset(&session, 0, sizeof(session));
	PG_TRY();
	{
		resolve_config(files, p, &session, &c);
		token = load_token(&c);
		get_role_credentials(&c, token, out);
		snprintf(out->source, sizeof(out->source), "sso:%s/%s [%s]",
				 c.account_id, c.role_name, p->name);
	}
	PG_FINALLY();
	{
		if (token != NULL)
		{
			char	   *t = token;

			RdsStrWipe(&t);
		}
		RdsIniSectionWipe(&session);
	}
	PG_END_TRY();
	return true;
}
