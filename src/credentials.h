/*-------------------------------------------------------------------------
 * credentials.h
 *		The AWS credential provider chain and its per-backend cache.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDENTIALS_H
#define RDS_CREDENTIALS_H

#include "credvalue.h"

/*
 * Credentials for the current settings: from the cache while they are
 * valid, else from the chain (environment, web identity, shared files,
 * container, instance metadata; then rds_copy.role_arn on top).  Sets
 * *from_cache.  The result belongs to the cache: use it before the next
 * RdsCredentialsGet/RdsCredentialsInvalidate, never free it.  It has no
 * secrets (secret_access_key and session_token are NULL: the cache keeps
 * them masked): source, access key id and expiration only.  Raises
 * 28000 when there are none (the hint lists the sources tried).
 */
extern const RdsCredentials *RdsCredentialsGet(bool *from_cache);

/*
 * The same, with the secrets in clear, into *out (zeroed by the caller):
 * a malloc'd copy for one signature.  The caller wipes it with
 * RdsCredentialsWipe as soon as it has signed, and on error too
 * (PG_FINALLY / PG_CATCH); it may be partly filled when this raises.
 */
extern void RdsCredentialsGetClear(RdsCredentials *out, bool *from_cache);

/* Drop the cached credentials (AWS said they are no good). */
extern void RdsCredentialsInvalidate(void);

#endif
