/*-------------------------------------------------------------------------
 * credentials.h
 *		The AWS credential provider chain and its per-backend cache.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDENTIALS_H
#define RDS_CREDENTIALS_H

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

/*
 * Credentials for the current settings: from the cache while they are
 * valid, else from the chain (environment, web identity, shared files,
 * container, instance metadata; then rds_copy.role_arn on top).  Sets
 * *from_cache.  The result belongs to the cache: use it before the next
 * RdsCredentialsGet/RdsCredentialsInvalidate, never free it.  Raises
 * 28000 when there are none (the hint lists the sources tried).
 */
extern const RdsCredentials *RdsCredentialsGet(bool *from_cache);

/* Drop the cached credentials (AWS said they are no good). */
extern void RdsCredentialsInvalidate(void);

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
