/*-------------------------------------------------------------------------
 * credjson.h
 *		Parse the JSON credentials documents of the EC2 instance metadata
 *		service, of the container credentials endpoint, of a
 *		credential_process program, of the SSO token cache and of the SSO
 *		portal's GetRoleCredentials; name an SSO token cache file.
 *
 * Pure code.  Secrets come back malloc'd; RdsJsonCredentialsWipe frees them.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDJSON_H
#define RDS_CREDJSON_H

#include <stdbool.h>
#include <stddef.h>

typedef struct RdsJsonCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *token;
	char	   *expiration;		/* ISO-8601, as sent */
	char	   *code;			/* IMDS "Code" ("Success"), or NULL */
	int			version;		/* credential_process "Version": 1, -1 other, 0 absent */
	long long	expiration_ms;	/* GetRoleCredentials' expiration (ms since
								 * 1970); -1 when absent */
} RdsJsonCredentials;

/*
 * Parse a flat JSON object and take AccessKeyId, SecretAccessKey, Token,
 * Expiration and Code (other members, of any type, are skipped).  Returns
 * NULL on success, else a static sentence saying what is wrong (never
 * quoting the document).  Never raises.
 */
extern const char *RdsJsonCredentialsParse(const char *text, size_t len,
										   RdsJsonCredentials *out);
/*
 * The same for the output of a credential_process program (the SDKs'
 * "Version": 1 document): AccessKeyId, SecretAccessKey, SessionToken (into
 * token), Expiration (optional); Version must be the number 1.
 */
extern const char *RdsJsonProcessCredentialsParse(const char *text, size_t len,
												  RdsJsonCredentials *out);
/*
 * The SSO token cache file (~/.aws/sso/cache/<name>.json, as the AWS CLI
 * writes it after "aws sso login"): accessToken (into token) and expiresAt
 * (into expiration), both required strings; other members are skipped.
 */
extern const char *RdsJsonSsoTokenParse(const char *text, size_t len,
										RdsJsonCredentials *out);
/*
 * The SSO portal's GetRoleCredentials reply (the API reference; botocore's
 * data/sso/2019-06-10/service-2.json): {"roleCredentials": {accessKeyId,
 * secretAccessKey, sessionToken (into token), expiration (a number of
 * milliseconds, into expiration_ms)}}, all required.
 */
extern const char *RdsJsonSsoRoleCredentialsParse(const char *text, size_t len,
												  RdsJsonCredentials *out);
extern void RdsJsonCredentialsWipe(RdsJsonCredentials *creds);

/* "<40 hex digits>.json" and its NUL */
#define RDS_SSO_CACHE_NAME_LEN 46

/*
 * The name of the SSO token cache file, as botocore's SSOTokenLoader
 * names it: the hex SHA-1 of session_name (a profile with sso_session),
 * else of start_url (the legacy sso_start_url), and ".json".  False only
 * when both are NULL or libcrypto fails.  Never raises.
 */
extern bool RdsSsoTokenCacheName(const char *start_url, const char *session_name,
								 char name[RDS_SSO_CACHE_NAME_LEN]);

#endif
