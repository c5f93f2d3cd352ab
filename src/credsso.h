/*-------------------------------------------------------------------------
 * credsso.h
 *		The SSO credential provider (IAM Identity Center): a profile's
 *		sso_session or legacy sso_* keys, the cached token that "aws sso
 *		login" wrote, GetRoleCredentials at the SSO portal.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDSSO_H
#define RDS_CREDSSO_H

#include "awsfiles.h"
#include "credvalue.h"

/*
 * botocore's SSOProvider for profile p: false when p configures no SSO
 * (neither sso_account_id nor sso_role_name).  Else fills *out (zeroed)
 * with the role's temporary credentials, or raises: F0000 for a
 * configuration that is not complete or consistent, 28000 with a hint to
 * run "aws sso login" for a token that is missing, expired or refused,
 * 28000 for any other failure of the portal.  The token and the reply are
 * wiped and never put in an error or a log line.
 */
extern bool RdsFetchSso(const RdsSharedFiles *files, const RdsProfile *p,
						RdsCredentials *out);

#endif
