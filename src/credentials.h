/*-------------------------------------------------------------------------
 * credentials.h
 *		Where the AWS credentials come from.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDENTIALS_H
#define RDS_CREDENTIALS_H

#include "sigv4.h"

/* Secrets are malloc'd so they can be wiped; free with RdsCredentialsWipe. */
typedef struct RdsCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;	/* NULL when none */
	char		source[1100];	/* "environment", "shared-credentials-file:/path [p]" */
} RdsCredentials;

/*
 * Find credentials: the server's environment, then the shared credentials
 * file.  Raises 28000 (with a hint listing the sources tried) when there
 * are none, F0000 when the file is malformed.  *out must be zeroed by the
 * caller beforehand so that RdsCredentialsWipe is always safe.
 */
extern void RdsCredentialsResolve(RdsCredentials *out);
extern void RdsCredentialsWipe(RdsCredentials *creds);
extern SigV4Credentials RdsCredentialsForSigning(const RdsCredentials *creds);

#endif
