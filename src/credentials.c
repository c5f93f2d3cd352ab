/*-------------------------------------------------------------------------
 * credentials.c
 *		The credential provider chain: the server's environment, then the
 *		shared credentials file.
 *
 * Parsing the file is credfile.c's job; this file finds and reads it.
 * Secrets are never logged, never put in an error, never returned to SQL,
 * and are wiped (explicit_bzero) when dropped.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/fd.h"

#include "credentials.h"
#include "credfile.h"
#include "guc.h"

#define RDS_CREDENTIALS_FILE_MAX (1024 * 1024)

static char *
strdup_or_die(const char *s)
{
	char	   *copy = strdup(s);

	if (copy == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	return copy;
}

static const char *
nonempty_env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

static bool
from_environment(RdsCredentials *out)
{
	const char *akid = nonempty_env("AWS_ACCESS_KEY_ID");
	const char *secret = nonempty_env("AWS_SECRET_ACCESS_KEY");
	/* botocore's order: AWS_SECURITY_TOKEN, then AWS_SESSION_TOKEN */
	const char *token = nonempty_env("AWS_SECURITY_TOKEN");

	if (token == NULL)
		token = nonempty_env("AWS_SESSION_TOKEN");
	if (akid == NULL || secret == NULL)
		return false;
	out->access_key_id = strdup_or_die(akid);
	out->secret_access_key = strdup_or_die(secret);
	out->session_token = token ? strdup_or_die(token) : NULL;
	strlcpy(out->source, "environment", sizeof(out->source));
	return true;
}

/* AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials of the OS user. */
static void
credentials_file_path(char *path, size_t len)
{
	const char *env = nonempty_env("AWS_SHARED_CREDENTIALS_FILE");
	const char *home = nonempty_env("HOME");

	if (env != NULL)
	{
		strlcpy(path, env, len);
		return;
	}
	if (home == NULL)
	{
		struct passwd *pw = getpwuid(geteuid());

		home = pw ? pw->pw_dir : "";
	}
	snprintf(path, len, "%s/.aws/credentials", home);
}

/* rds_copy.profile, then AWS_PROFILE, then "default"; *explicit when named. */
static const char *
profile_name(bool *explicit)
{
	const char *env = nonempty_env("AWS_PROFILE");

	*explicit = true;
	if (rds_copy_profile != NULL && rds_copy_profile[0] != '\0')
		return rds_copy_profile;
	if (env != NULL)
		return env;
	*explicit = false;
	return "default";
}

/* Read a whole file into palloc'd memory; NULL when it cannot be read. */
static char *
read_small_file(const char *path, size_t *len)
{
	FILE	   *f;
	struct stat st;
	char	   *data;

	f = AllocateFile(path, "r");
	if (f == NULL)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
		st.st_size > RDS_CREDENTIALS_FILE_MAX)
	{
		FreeFile(f);
		return NULL;
	}
	data = palloc(st.st_size + 1);
	*len = fread(data, 1, st.st_size, f);
	data[*len] = '\0';
	FreeFile(f);
	return data;
}

static bool
from_shared_file(RdsCredentials *out, char *path, size_t pathlen)
{
	bool		explicit;
	const char *profile = profile_name(&explicit);
	char	   *text;
	size_t		len = 0;
	RdsCredFileEntry entry;
	RdsCredFileStatus status;
	int			bad_line;

	credentials_file_path(path, pathlen);
	text = read_small_file(path, &len);
	if (text == NULL)
	{
		if (explicit)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("AWS credentials profile \"%s\" was requested but the shared credentials file \"%s\" cannot be read",
							profile, path)));
		return false;
	}
	status = RdsCredFileParse(text, len, profile, &entry, &bad_line);
	explicit_bzero(text, len);
	pfree(text);

	switch (status)
	{
		case RDS_CREDFILE_FOUND:
			break;
		case RDS_CREDFILE_NO_PROFILE:
			if (!explicit)
				return false;
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("AWS credentials profile \"%s\" not found in \"%s\"", profile, path)));
			break;
		case RDS_CREDFILE_INCOMPLETE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("AWS credentials profile \"%s\" in \"%s\" lacks aws_access_key_id or aws_secret_access_key",
							profile, path)));
			break;
		case RDS_CREDFILE_MALFORMED:
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("syntax error in AWS shared credentials file \"%s\" at line %d",
							path, bad_line)));
			break;
		case RDS_CREDFILE_NO_MEMORY:
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
			break;
	}
	out->access_key_id = entry.access_key_id;
	out->secret_access_key = entry.secret_access_key;
	out->session_token = entry.session_token;
	snprintf(out->source, sizeof(out->source), "shared-credentials-file:%s [%s]",
			 path, profile);
	return true;
}

void
RdsCredentialsResolve(RdsCredentials *out)
{
	char		path[MAXPGPATH];
	bool		explicit;

	if (from_environment(out))
		return;
	if (from_shared_file(out, path, sizeof(path)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("no AWS credentials found"),
			 errhint("Sources tried: the server's environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then profile \"%s\" of the shared credentials file \"%s\" (AWS_SHARED_CREDENTIALS_FILE).",
					 profile_name(&explicit), path)));
}

static void
wipe(char **s)
{
	if (*s != NULL)
	{
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
RdsCredentialsWipe(RdsCredentials *creds)
{
	wipe(&creds->access_key_id);
	wipe(&creds->secret_access_key);
	wipe(&creds->session_token);
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
