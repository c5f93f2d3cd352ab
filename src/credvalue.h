/*-------------------------------------------------------------------------
 * credvalue.h
 *		A set of AWS credentials as one value: its secrets, where it came
 *		from, and how it is moved and wiped.
 *
 * Shared by the provider chain (credentials.c) and the network sources
 * (credfetch.c), so that neither reaches into the other.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDVALUE_H
#define RDS_CREDVALUE_H

#include <time.h>

#include "sigv4.h"

#define RDS_CREDENTIALS_SOURCE_LEN 1200

/* Secrets are malloc'd so they can be wiped; see RdsCredentialsWipe. */
typedef struct RdsCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;	/* NULL when none */
	time_t		expiration;		/* 0: does not expire */
	char		source[RDS_CREDENTIALS_SOURCE_LEN];	/* where they came from; no secret */
} RdsCredentials;

/* getenv(name), or NULL when it is unset or empty. */
extern const char *RdsNonEmptyEnv(const char *name);

/* strdup that raises out of memory instead of returning NULL. */
extern char *RdsStrdupOrRaise(const char *s);

extern SigV4Credentials RdsCredentialsForSigning(const RdsCredentials *creds);

/* Zero and free the secrets of creds (safe on a zeroed struct). */
extern void RdsCredentialsWipe(RdsCredentials *creds);

/* Move src's secrets into dst (wiping what dst held); src is left empty. */
extern void RdsCredentialsMove(RdsCredentials *dst, RdsCredentials *src);

#endif
