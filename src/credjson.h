/*-------------------------------------------------------------------------
 * credjson.h
 *		Parse the JSON credentials documents of the EC2 instance metadata
 *		service, of the container credentials endpoint and of a
 *		credential_process program.
 *
 * Pure code.  Secrets come back malloc'd; RdsJsonCredentialsWipe frees them.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDJSON_H
#define RDS_CREDJSON_H

#include <stddef.h>

typedef struct RdsJsonCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *token;
	char	   *expiration;		/* ISO-8601, as sent */
	char	   *code;			/* IMDS "Code" ("Success"), or NULL */
	int			version;		/* credential_process "Version": 1, -1 other, 0 absent */
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
extern void RdsJsonCredentialsWipe(RdsJsonCredentials *creds);

#endif
