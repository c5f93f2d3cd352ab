/*-------------------------------------------------------------------------
 * credjson.h
 *		Parse the JSON credentials documents of the EC2 instance metadata
 *		service and of the container credentials endpoint.
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
} RdsJsonCredentials;

/*
 * Parse a flat JSON object and take AccessKeyId, SecretAccessKey, Token,
 * Expiration and Code (other members, of any type, are skipped).  Returns
 * NULL on success, else a static sentence saying what is wrong (never
 * quoting the document).  Never raises.
 */
extern const char *RdsJsonCredentialsParse(const char *text, size_t len,
										   RdsJsonCredentials *out);
extern void RdsJsonCredentialsWipe(RdsJsonCredentials *creds);

#endif
