/*-------------------------------------------------------------------------
 * credfetch.h
 *		Credential sources that answer over the network: STS
 *		(AssumeRole, AssumeRoleWithWebIdentity), the container credentials
 *		endpoint and the EC2 instance metadata service.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDFETCH_H
#define RDS_CREDFETCH_H

#include "credvalue.h"

/*
 * Each fills *out (which must be zeroed) with temporary credentials and
 * their expiration.  A source that is configured but fails raises 28000
 * naming the source and the cause, never a secret.
 */

/* STS AssumeRoleWithWebIdentity (unsigned); the token file is read now. */
extern void RdsFetchWebIdentity(const char *token_file, const char *role_arn,
								const char *session_name, RdsCredentials *out);

/* STS AssumeRole signed with base; external_id/session_name may be NULL, duration 0. */
extern void RdsFetchAssumeRole(const RdsCredentials *base, const char *role_arn,
							   const char *external_id, const char *session_name,
							   int duration_seconds, RdsCredentials *out);

/* Is the container credentials endpoint configured in the environment? */
extern bool RdsContainerConfigured(void);
extern void RdsFetchContainer(RdsCredentials *out);

/*
 * IMDSv2.  Returns false (falls through) when the service is disabled or
 * does not answer within a second; raises 28000 when it answers wrongly.
 */
extern bool RdsFetchInstanceMetadata(RdsCredentials *out);

#endif
