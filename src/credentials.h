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
 * RdsCredentialsGet/RdsCredentialsInvalidate, never free it.  Raises
 * 28000 when there are none (the hint lists the sources tried).
 */
extern const RdsCredentials *RdsCredentialsGet(bool *from_cache);

/* Drop the cached credentials (AWS said they are no good). */
extern void RdsCredentialsInvalidate(void);

#endif
