/*-------------------------------------------------------------------------
 * credfetch.h
 *		Credential sources outside the files: STS (AssumeRole,
 *		AssumeRoleWithWebIdentity), the container credentials endpoint,
 *		the EC2 instance metadata service and credential_process.
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

/*
 * credential_process of the profile: run command (split into words as
 * botocore does, no shell) as the server's OS user, stdin and stderr
 * /dev/null, and take its JSON (Version 1; Expiration optional: without
 * it out->expiration is 0).  Cancellable (the child is killed), stopped
 * after rds_copy.request_timeout; raises 28000 naming the profile and
 * never the output.
 */
extern void RdsFetchProcess(const char *profile, const char *command, RdsCredentials *out);

#endif
