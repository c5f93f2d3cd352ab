/*-------------------------------------------------------------------------
 * credvalue.c
 *		The RdsCredentials value: copy in, move, wipe, view for signing.
 *
 * Secrets live in malloc'd strings so that they can be wiped (buf.c's
 * RdsStrWipe) before they are freed; nothing here logs.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>

#include "buf.h"
#include "credvalue.h"

const char *
RdsNonEmptyEnv(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

char *
RdsStrdupOrRaise(const char *s)
{
	char	   *copy = strdup(s);

	if (copy == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	return copy;
}

void
RdsCredentialsWipe(RdsCredentials *creds)
{
	RdsStrWipe(&creds->access_key_id);
	RdsStrWipe(&creds->secret_access_key);
	RdsStrWipe(&creds->session_token);
	creds->expiration = 0;
}

void
RdsCredentialsMove(RdsCredentials *dst, RdsCredentials *src)
{
	RdsCredentialsWipe(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

SigV4Credentials
RdsCredentialsForSigning(const RdsCredentials *creds)
{
	SigV4Credentials c;

	c.access_key_id = creds->access_key_id;
	c.secret_access_key = creds->secret_access_key;
	c.session_token = creds->session_token;
	return c;
}
