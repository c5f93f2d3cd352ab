/*-------------------------------------------------------------------------
 * credentials.c
 *		The credential provider chain and the per-backend cache.
 *
 * Order, botocore's (create_credential_resolver; the first source that
 * yields credentials wins):
 *	1. the server's environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *	   AWS_SECURITY_TOKEN / AWS_SESSION_TOKEN (skipped when rds_copy.profile
 *	   names the profile, as botocore skips it for Session(profile=...));
 *	2. the profile's role: role_arn with source_profile (whose static keys,
 *	   web identity, SSO, credential_process or own role are the source)
 *	   or credential_source;
 *	3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN (each
 *	   falling back to the profile's web_identity_token_file, role_arn);
 *	4. SSO: the profile's sso_session or sso_* keys, the token cached by
 *	   "aws sso login", GetRoleCredentials (credsso.c);
 *	5. static keys of the profile in the shared credentials file;
 *	6. the profile's credential_process;
 *	7. static keys of the profile in the config file;
 *	8. the container credentials endpoint (ECS, EKS Pod Identity);
 *	9. the EC2 instance metadata service (IMDSv2).
 * rds_copy.role_arn then assumes a role with whatever answered.
 *
 * Credentials are cached per backend.  Static ones stay cached while the
 * settings that chose them and the files they came from are unchanged (a
 * stat() per call); temporary ones until 15 minutes before they expire,
 * and past that, if a refresh fails while more than 10 minutes remain,
 * the cached ones are kept.  Parsing is credfile.c's and credjson.c's;
 * network sources are credfetch.c's and credsso.c's (SSO).  Secrets are
 * wiped when dropped and never logged or put in an error; in the cache they are masked (see
 * MaskedSecret), and a caller that signs gets a clear copy that it wipes
 * as soon as it has signed (RdsCredentialsGetClear).  The files are read
 * with read(2) into memory that is wiped after parsing.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>
#include <time.h>

#include "utils/memutils.h"

#include "compat.h"

#include "awsfiles.h"
#include "credentials.h"
#include "credvalue.h"
#include "credfetch.h"
#include "credfile.h"
#include "credsso.h"
#include "settings.h"

#define REFRESH_ADVISORY_SECONDS (15 * 60)
#define REFRESH_MANDATORY_SECONDS (10 * 60)
#define MAX_PROFILE_CHAIN 5

/*
 * A secret of the cache, masked: XORed in place with random bytes of its
 * own length (pg_strong_random), kept in another block.  Between calls the
 * process's memory holds no secret in clear, only this.  It is not
 * encryption against someone who can read the whole memory (the pad is
 * there too); it keeps the secrets out of a search of the memory, a core
 * file or swap, which find them in clear otherwise.
 */
typedef struct MaskedSecret
{
	unsigned char *data;		/* malloc'd: secret XOR pad; NULL: none */
	unsigned char *pad;			/* malloc'd, len random bytes */
	size_t		len;
} MaskedSecret;

/* The per-backend cache; its secret_access_key and session_token stay NULL. */
static RdsCredentials cache;
static MaskedSecret cache_secret;
static MaskedSecret cache_token;
static bool cache_valid = false;
static char cache_key[1024];
static bool cache_uses_files = false;
static RdsFileStamp cache_creds_file;
static RdsFileStamp cache_config_file;
/* the second in which the files were last found unchanged (0: never) */
static time_t cache_files_checked = 0;

static void
set_static(RdsCredentials *out, const char *akid, const char *secret, const char *token)
{
	out->access_key_id = RdsStrdupOrRaise(akid);
	out->secret_access_key = RdsStrdupOrRaise(secret);
	out->session_token = token && token[0] ? RdsStrdupOrRaise(token) : NULL;
	out->expiration = 0;
}

/* --- the chain --------------------------------------------------------- */

/*
 * The profile: rds_copy.profile, then AWS_PROFILE, then "default".  *named
 * when one is given; *explicit when it is rds_copy.profile, which is
 * botocore's Session(profile=...): the environment's keys and web identity
 * variables are then not used (botocore's disable_env_vars).
 */
static const char *
profile_name(bool *named, bool *explicit)
{
	const char *env = RdsNonEmptyEnv("AWS_PROFILE");

	*named = true;
	*explicit = false;
	if (rds_copy_profile != NULL && rds_copy_profile[0] != '\0')
	{
		*explicit = true;
		return rds_copy_profile;
	}
	if (env != NULL)
		return env;
	*named = false;
	return "default";
}

static bool
from_environment(RdsCredentials *out)
{
	const char *akid = RdsNonEmptyEnv("AWS_ACCESS_KEY_ID");
	const char *secret = RdsNonEmptyEnv("AWS_SECRET_ACCESS_KEY");
	/* botocore's order: AWS_SECURITY_TOKEN, then AWS_SESSION_TOKEN */
	const char *token = RdsNonEmptyEnv("AWS_SECURITY_TOKEN");

	if (token == NULL)
		token = RdsNonEmptyEnv("AWS_SESSION_TOKEN");
	if (akid == NULL || secret == NULL)
		return false;
	set_static(out, akid, secret, token);
	strlcpy(out->source, "environment", sizeof(out->source));
	return true;
}

static int
duration_seconds(const RdsProfile *p)
{
	const char *v = RdsProfileGet(p, "duration_seconds");
	char	   *end;
	long		d;

	if (v == NULL)
		return 0;
	d = strtol(v, &end, 10);
	if (*end != '\0' || d < 900 || d > 43200)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("duration_seconds of AWS profile \"%s\" must be a number from 900 to 43200",
						p->name)));
	return (int) d;
}

/* botocore's _has_assume_role_config_vars: role_arn without web identity */
static bool
has_assume_role(const RdsProfile *p)
{
	return RdsProfileGet(p, "role_arn") != NULL &&
		RdsProfileGet(p, "web_identity_token_file") == NULL;
}

/* botocore's _has_static_credentials: either key */
static bool
has_static(const RdsProfile *p)
{
	return RdsProfileGet(p, "aws_access_key_id") != NULL ||
		RdsProfileGet(p, "aws_secret_access_key") != NULL;
}

static RDS_NORETURN void profile_not_found(const RdsSharedFiles *files, const char *name);

static void
profile_not_found(const RdsSharedFiles *files, const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("AWS credentials profile \"%s\" not found in \"%s\" or \"%s\"",
					name, files->creds_file.path, files->config_file.path)));
	pg_unreachable();
}

/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer */
static void
from_credential_source(const RdsProfile *p, const char *kind, RdsCredentials *out)
{
	bool		ok = false;

	if (strcmp(kind, "Environment") == 0)
		ok = from_environment(out);
	else if (strcmp(kind, "Ec2InstanceMetadata") == 0)
		ok = RdsFetchInstanceMetadata(out);
	else if (strcmp(kind, "EcsContainer") == 0 && RdsContainerConfigured())
	{
		RdsFetchContainer(out);
		ok = true;
	}
	else if (strcmp(kind, "EcsContainer") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("credential_source \"%s\" of AWS profile \"%s\" is not valid", kind, p->name),
				 errhint("Use Environment, Ec2InstanceMetadata or EcsContainer.")));
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("credential_source \"%s\" of AWS profile \"%s\" has no credentials",
						kind, p->name)));
}

/*
 * Web identity (botocore's AssumeRoleWithWebIdentityProvider): each of the
 * token file, role and session name from the environment (unless use_env
 * is false: an explicit profile, or a source profile), else from the
 * profile.  False when no token file is configured.
 */
static bool
from_web_identity(const RdsProfile *p, bool use_env, RdsCredentials *out)
{
	const char *token_file = use_env ? RdsNonEmptyEnv("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	const char *role_arn = use_env ? RdsNonEmptyEnv("AWS_ROLE_ARN") : NULL;
	const char *session = use_env ? RdsNonEmptyEnv("AWS_ROLE_SESSION_NAME") : NULL;

	if (token_file == NULL)
		token_file = RdsProfileGet(p, "web_identity_token_file");
	if (token_file == NULL)
		return false;
	if (role_arn == NULL)
		role_arn = RdsProfileGet(p, "role_arn");
	if (session == NULL)
		session = RdsProfileGet(p, "role_session_name");
	if (role_arn == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("web identity of AWS profile \"%s\" has a token file but no role",
						p->name),
				 errhint("Set role_arn in the profile or the server's AWS_ROLE_ARN.")));
	RdsFetchWebIdentity(token_file, role_arn, session, out);
	return true;
}

/* Static keys of one file's section, when it has aws_access_key_id. */
static bool
from_static_section(const RdsSharedFiles *files, const RdsProfile *p, bool creds_file,
					RdsCredentials *out)
{
	const RdsIniSection *sec = creds_file ? &p->creds : &p->config;
	const char *akid = RdsIniGet(sec, "aws_access_key_id");
	const char *secret = RdsIniGet(sec, "aws_secret_access_key");
	const char *token = RdsIniGet(sec, "aws_security_token");

	if (akid == NULL)
		return false;
	if (token == NULL)
		token = RdsIniGet(sec, "aws_session_token");
	if (akid[0] == '\0' || secret == NULL || secret[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("AWS credentials profile \"%s\" lacks aws_access_key_id or aws_secret_access_key",
						p->name),
				 errdetail("Files read: \"%s\", \"%s\".",
						   files->creds_file.path, files->config_file.path)));
	set_static(out, akid, secret, token);
	snprintf(out->source, sizeof(out->source), "%s:%s [%s]",
			 creds_file ? "shared-credentials-file" : "config-file",
			 creds_file ? files->creds_file.path : files->config_file.path, p->name);
	return true;
}

/*
 * botocore's profile providers, in its order: web identity, SSO, the
 * shared credentials file, credential_process, the config file.  False when none of them is configured in the profile.
 * *uses_files when the credentials are the files' (or a process's
 * without an expiration): they stay cached while the files are unchanged.
 */
static bool
from_profile_providers(const RdsSharedFiles *files, const RdsProfile *p, bool use_env,
					   RdsCredentials *out, bool *uses_files)
{
	const char *process;

	*uses_files = false;
	if (from_web_identity(p, use_env, out))
		return true;
	if (RdsFetchSso(files, p, out))
		return true;
	if (from_static_section(files, p, true, out))
	{
		*uses_files = true;
		return true;
	}
	process = RdsProfileGet(p, "credential_process");
	if (process != NULL)
	{
		RdsFetchProcess(p->name, process, out);
		*uses_files = out->expiration == 0;
		return true;
	}
	if (from_static_section(files, p, false, out))
	{
		*uses_files = true;
		return true;
	}
	return false;
}

/* The profiles an assume-role chain has visited (botocore's loop check). */
typedef struct Visited
{
	const char *names[MAX_PROFILE_CHAIN + 1];
	int			count;
} Visited;

static void assume_profile_role(const RdsSharedFiles *files, const RdsProfile *p,
								Visited *visited, RdsCredentials *out);

static RDS_NORETURN void chain_loops(const char *name);

static void
chain_loops(const char *name)
{
	ereport(ERROR,
			(errcode(ERRCODE_CONFIG_FILE_ERROR),
			 errmsg("AWS profile \"%s\": source_profile chain is longer than %d or loops",
					name, MAX_PROFILE_CHAIN)));
	pg_unreachable();
}

/*
 * The source credentials of source_profile name (botocore's
 * _resolve_credentials_from_profile): a profile with static keys, or
 * without a role to assume, answers with its profile providers (never the
 * environment); else its own role is assumed, recursively.
 */
static void
from_source_profile(const RdsSharedFiles *files, const char *parent, const char *name,
					Visited *visited, RdsCredentials *out)
{
	RdsProfile	sp;
	int			i;
	bool		seen = false;

	for (i = 0; i < visited->count; i++)
		seen |= strcmp(visited->names[i], name) == 0;
	RdsProfileLoad(files, name, &sp);
	PG_TRY();
	{
		bool		uses_files;

		if (!sp.found)
			ereport(ERROR,
					(errcode(ERRCODE_CONFIG_FILE_ERROR),
					 errmsg("source_profile \"%s\" of AWS profile \"%s\" does not exist",
							name, parent)));
		/* a profile may name itself, to use its own static keys */
		if (seen && (strcmp(name, parent) != 0 || !has_static(&sp)))
			chain_loops(parent);
		if (visited->count >= MAX_PROFILE_CHAIN)
			chain_loops(parent);
		visited->names[visited->count++] = name;
		if (has_static(&sp) || !has_assume_role(&sp))
		{
			if (!from_profile_providers(files, &sp, false, out, &uses_files))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
						 errmsg("source_profile \"%s\" of AWS profile \"%s\" has no credentials",
								name, parent)));
		}
		else
			assume_profile_role(files, &sp, visited, out);
	}
	PG_FINALLY();
	{
		RdsProfileFree(&sp);
	}
	PG_END_TRY();
}

/* role_arn with source_profile or credential_source: assume the role. */
static void
assume_profile_role(const RdsSharedFiles *files, const RdsProfile *p, Visited *visited,
					RdsCredentials *out)
{
	const char *role_arn = RdsProfileGet(p, "role_arn");
	const char *source_profile = RdsProfileGet(p, "source_profile");
	const char *credential_source = RdsProfileGet(p, "credential_source");
	RdsCredentials base;

	if ((source_profile != NULL) == (credential_source != NULL))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("AWS profile \"%s\" has role_arn but needs exactly one of source_profile and credential_source",
						p->name)));
	memset(&base, 0, sizeof(base));
	PG_TRY();
	{
		if (source_profile != NULL)
			from_source_profile(files, p->name, source_profile, visited, &base);
		else
			from_credential_source(p, credential_source, &base);
		RdsFetchAssumeRole(&base, role_arn, RdsProfileGet(p, "external_id"),
						   RdsProfileGet(p, "role_session_name"), duration_seconds(p), out);
	}
	PG_FINALLY();
	{
		RdsCredentialsWipe(&base);
	}
	PG_END_TRY();
}

/*
 * botocore's chain (create_credential_resolver): the environment (not
 * with an explicit profile), the profile's role (role_arn with
 * source_profile or credential_source), the profile providers (web
 * identity, SSO, shared credentials file, credential_process, config file),
 * the container endpoint, instance metadata.  *uses_files when the
 * credentials stay valid while the files are unchanged.
 */
static void
resolve_base(RdsSharedFiles *files, RdsCredentials *out, bool *uses_files)
{
	bool		named;
	bool		explicit;
	const char *profile = profile_name(&named, &explicit);
	RdsProfile	p;
	volatile bool found = false;

	*uses_files = false;
	if (!explicit && from_environment(out))
		return;
	RdsSharedFilesLoad(files);
	RdsProfileLoad(files, profile, &p);
	PG_TRY();
	{
		if (named && !p.found)
			profile_not_found(files, profile);
		if (has_assume_role(&p))
		{
			Visited		visited = {{profile}, 1};

			assume_profile_role(files, &p, &visited, out);
			found = true;
		}
		else
			found = from_profile_providers(files, &p, !explicit, out, uses_files);
	}
	PG_FINALLY();
	{
		RdsProfileFree(&p);
	}
	PG_END_TRY();
	if (found)
		return;
	if (RdsContainerConfigured())
	{
		RdsFetchContainer(out);
		return;
	}
	if (RdsFetchInstanceMetadata(out))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("no AWS credentials found"),
			 errhint("Sources tried: the server's environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)%s, profile \"%s\" (role_arn, web identity, SSO, the shared credentials file \"%s\", credential_process, the config file \"%s\"), web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN), the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI), and the EC2 instance metadata service%s.",
					 explicit ? " (not with rds_copy.profile set)" : "",
					 profile, files->creds_file.path, files->config_file.path,
					 RdsNonEmptyEnv("AWS_EC2_METADATA_DISABLED") &&
					 pg_strcasecmp(getenv("AWS_EC2_METADATA_DISABLED"), "true") == 0
					 ? " (disabled by AWS_EC2_METADATA_DISABLED)" : "")));
}

/* The whole chain, then rds_copy.role_arn on top. */
static void
resolve_chain(RdsCredentials *out, RdsSharedFiles *files, bool *uses_files)
{
	RdsCredentials base;

	memset(&base, 0, sizeof(base));
	PG_TRY();
	{
		resolve_base(files, &base, uses_files);
		if (rds_copy_role_arn != NULL && rds_copy_role_arn[0] != '\0')
		{
			RdsFetchAssumeRole(&base, rds_copy_role_arn, rds_copy_role_external_id,
							   rds_copy_role_session_name, 0, out);
			*uses_files = false;
		}
		else
			RdsCredentialsMove(out, &base);
	}
	PG_FINALLY();
	{
		RdsCredentialsWipe(&base);
		RdsSharedFilesFree(files);
	}
	PG_END_TRY();
}

/* --- the cache --------------------------------------------------------- */

/* What the cached credentials depend on besides the environment. */
static void
settings_key(char *key, size_t len)
{
	snprintf(key, len, "%s\n%s\n%s\n%s",
			 rds_copy_profile ? rds_copy_profile : "",
			 rds_copy_role_arn ? rds_copy_role_arn : "",
			 rds_copy_role_external_id ? rds_copy_role_external_id : "",
			 rds_copy_role_session_name ? rds_copy_role_session_name : "");
}


static void
masked_wipe(MaskedSecret *m)
{
	if (m->data != NULL)
	{
		explicit_bzero(m->data, m->len);
		free(m->data);
	}
	if (m->pad != NULL)
	{
		explicit_bzero(m->pad, m->len);
		free(m->pad);
	}
	memset(m, 0, sizeof(*m));
}

/*
 * Mask the malloc'd string *secret in place into *m (which takes it: *secret
 * is set to NULL).  NULL stays none.  Raises out of memory, or when no
 * random bytes can be had; *secret is left to the caller then.
 */
static void
mask_secret(char **secret, MaskedSecret *m)
{
	size_t		i;

	memset(m, 0, sizeof(*m));
	if (*secret == NULL)
		return;
	m->len = strlen(*secret);
	m->pad = malloc(m->len ? m->len : 1);
	if (m->pad == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (!pg_strong_random(m->pad, m->len))
	{
		free(m->pad);
		m->pad = NULL;
		elog(ERROR, "could not generate random bytes to mask AWS credentials");
	}
	m->data = (unsigned char *) *secret;
	for (i = 0; i < m->len; i++)
		m->data[i] ^= m->pad[i];
	*secret = NULL;
}

/* A malloc'd clear copy of m, or NULL for none; raises out of memory. */
static char *
unmask_secret(const MaskedSecret *m)
{
	char	   *clear;
	size_t		i;

	if (m->data == NULL)
		return NULL;
	clear = malloc(m->len + 1);
	if (clear == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	for (i = 0; i < m->len; i++)
		clear[i] = (char) (m->data[i] ^ m->pad[i]);
	clear[m->len] = '\0';
	return clear;
}

/* Run the chain and put the result in the cache (which is dropped first). */
static void
refill_cache(const char *key)
{
	RdsCredentials fresh;
	RdsSharedFiles files;
	bool		uses_files;
	MaskedSecret secret;
	MaskedSecret token;

	memset(&fresh, 0, sizeof(fresh));
	memset(&files, 0, sizeof(files));
	memset(&secret, 0, sizeof(secret));
	memset(&token, 0, sizeof(token));
	PG_TRY();
	{
		resolve_chain(&fresh, &files, &uses_files);
		/* masked before they stay: the clear strings become the masked ones */
		mask_secret(&fresh.secret_access_key, &secret);
		mask_secret(&fresh.session_token, &token);
	}
	PG_CATCH();
	{
		RdsCredentialsWipe(&fresh);
		masked_wipe(&secret);
		masked_wipe(&token);
		PG_RE_THROW();
	}
	PG_END_TRY();
	RdsCredentialsMove(&cache, &fresh);
	masked_wipe(&cache_secret);
	masked_wipe(&cache_token);
	cache_secret = secret;
	cache_token = token;
	strlcpy(cache_key, key, sizeof(cache_key));
	cache_uses_files = uses_files;
	cache_creds_file = files.creds_file;
	cache_config_file = files.config_file;
	cache_valid = true;
	ereport(DEBUG1,
			(errmsg_internal("rds_copy: AWS credentials from %s%s", cache.source,
							 cache.expiration ? ", temporary" : "")));
}

/*
 * Refresh cached temporary credentials that are close to expiring.  A
 * failure (28000) while more than REFRESH_MANDATORY_SECONDS remain keeps
 * the cached ones, with a warning; any other error is raised.
 */
static void
refresh_or_keep(const char *key, time_t now)
{
	MemoryContext oldcxt = CurrentMemoryContext;

	if (now >= cache.expiration - REFRESH_MANDATORY_SECONDS)
	{
		refill_cache(key);
		return;
	}
	PG_TRY();
	{
		refill_cache(key);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		if (geterrcode() != ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION)
			PG_RE_THROW();
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		ereport(WARNING,
				(errmsg("could not refresh AWS credentials from %s; using the cached ones", cache.source),
				 errdetail_internal("%s", edata->message)));
		FreeErrorData(edata);
	}
	PG_END_TRY();
}

const RdsCredentials *
RdsCredentialsGet(bool *from_cache)
{
	char		key[sizeof(cache_key)];
	time_t		now = time(NULL);

	settings_key(key, sizeof(key));
	*from_cache = false;
	/*
	 * The files are stat()ed at most once per second: two stat() calls cost
	 * more than the rest of the cache check.  A changed file is seen by the
	 * first call in a later second (and at once when AWS rejects the cached
	 * keys: action.c drops them and asks again).
	 */
	if (cache_valid && strcmp(key, cache_key) == 0 &&
		(!cache_uses_files || now == cache_files_checked ||
		 (!RdsFileStampChanged(&cache_creds_file) && !RdsFileStampChanged(&cache_config_file))))
	{
		cache_files_checked = now;
		if (cache.expiration == 0 || now < cache.expiration - REFRESH_ADVISORY_SECONDS)
		{
			*from_cache = true;
			return &cache;
		}
		refresh_or_keep(key, now);
		return &cache;
	}
	RdsCredentialsInvalidate();
	refill_cache(key);
	return &cache;
}

void
RdsCredentialsGetClear(RdsCredentials *out, bool *from_cache)
{
	const RdsCredentials *creds = RdsCredentialsGet(from_cache);

	out->access_key_id = RdsStrdupOrRaise(creds->access_key_id);
	out->secret_access_key = unmask_secret(&cache_secret);
	out->session_token = unmask_secret(&cache_token);
	out->expiration = creds->expiration;
	strlcpy(out->source, creds->source, sizeof(out->source));
}

void
RdsCredentialsInvalidate(void)
{
	SigV4ForgetKeys();
	RdsCredentialsWipe(&cache);
	masked_wipe(&cache_secret);
	masked_wipe(&cache_token);
	cache_valid = false;
	cache_files_checked = 0;
}
