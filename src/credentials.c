/*-------------------------------------------------------------------------
 * credentials.c
 *		The credential provider chain and the per-backend cache.
 *
 * Order (the first source that yields credentials wins):
 *	1. the server's environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *	   AWS_SECURITY_TOKEN / AWS_SESSION_TOKEN;
 *	2. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or
 *	   web_identity_token_file + role_arn in the profile;
 *	3. the shared credentials and config files: static keys, or role_arn
 *	   with source_profile / credential_source;
 *	4. the container credentials endpoint (ECS, EKS Pod Identity);
 *	5. the EC2 instance metadata service (IMDSv2).
 * rds_copy.role_arn then assumes a role with whatever answered.
 *
 * Credentials are cached per backend.  Static ones stay cached while the
 * settings that chose them and the files they came from are unchanged (a
 * stat() per call); temporary ones until 15 minutes before they expire,
 * and past that, if a refresh fails while more than 10 minutes remain,
 * the cached ones are kept.  Parsing is credfile.c's and credjson.c's;
 * network sources are credfetch.c's.  Secrets are wiped when dropped and
 * never logged or put in an error; in the cache they are masked (see
 * MaskedSecret), and a caller that signs gets a clear copy that it wipes
 * as soon as it has signed (RdsCredentialsGetClear).  The files are read
 * with read(2) into memory that is wiped after parsing.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "storage/fd.h"
#include "utils/memutils.h"

#include "credentials.h"
#include "credvalue.h"
#include "credfetch.h"
#include "credfile.h"
#include "settings.h"

#define CONFIG_FILE_MAX (1024 * 1024)
#define REFRESH_ADVISORY_SECONDS (15 * 60)
#define REFRESH_MANDATORY_SECONDS (10 * 60)
#define MAX_PROFILE_CHAIN 5

/* Identity of a file, to notice that it changed. */
typedef struct FileStamp
{
	char		path[MAXPGPATH];
	bool		exists;
	struct stat st;
} FileStamp;

/* The shared credentials and config files' sections for one profile. */
typedef struct Profile
{
	const char *name;
	RdsIniSection creds;		/* [name] of the credentials file */
	RdsIniSection config;		/* [profile name] / [default] of the config file */
	bool		found;
} Profile;

/* What the files say, and their stamps. */
typedef struct SharedFiles
{
	FileStamp	creds_file;
	FileStamp	config_file;
	char	   *creds_text;		/* palloc'd; wiped after use */
	size_t		creds_len;
	char	   *config_text;
	size_t		config_len;
} SharedFiles;

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
static FileStamp cache_creds_file;
static FileStamp cache_config_file;
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

/* --- files ------------------------------------------------------------- */

static const char *
home_directory(void)
{
	const char *home = RdsNonEmptyEnv("HOME");
	struct passwd *pw;

	if (home != NULL)
		return home;
	pw = getpwuid(geteuid());
	return pw ? pw->pw_dir : "";
}

static void
file_path(const char *env_name, const char *default_name, FileStamp *stamp)
{
	const char *env = RdsNonEmptyEnv(env_name);

	if (env != NULL)
		strlcpy(stamp->path, env, sizeof(stamp->path));
	else
		snprintf(stamp->path, sizeof(stamp->path), "%s/.aws/%s", home_directory(), default_name);
}

/*
 * Read the file at stamp->path (if any) into palloc'd memory; stamp it.
 * read(2), not stdio: stdio's buffer would keep a copy of the secrets in
 * freed memory.  The caller wipes the copy (free_shared_files).
 */
static char *
read_stamped_file(FileStamp *stamp, size_t *len)
{
	int			fd;
	char	   *data;
	size_t		want;

	*len = 0;
	stamp->exists = false;
	fd = OpenTransientFile(stamp->path, O_RDONLY | PG_BINARY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &stamp->st) != 0 || !S_ISREG(stamp->st.st_mode) ||
		stamp->st.st_size > CONFIG_FILE_MAX)
	{
		CloseTransientFile(fd);
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("AWS configuration file \"%s\" is not a regular file of at most 1 MB",
						stamp->path)));
	}
	stamp->exists = true;
	want = stamp->st.st_size;
	data = palloc(want + 1);
	while (*len < want)
	{
		ssize_t		r = read(fd, data + *len, want - *len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*len += r;
	}
	data[*len] = '\0';
	CloseTransientFile(fd);
	return data;
}

static void
load_shared_files(SharedFiles *files)
{
	memset(files, 0, sizeof(*files));
	file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials", &files->creds_file);
	file_path("AWS_CONFIG_FILE", "config", &files->config_file);
	files->creds_text = read_stamped_file(&files->creds_file, &files->creds_len);
	files->config_text = read_stamped_file(&files->config_file, &files->config_len);
}

static void
free_shared_files(SharedFiles *files)
{
	if (files->creds_text)
	{
		explicit_bzero(files->creds_text, files->creds_len);
		pfree(files->creds_text);
		files->creds_text = NULL;
	}
	if (files->config_text)
	{
		explicit_bzero(files->config_text, files->config_len);
		pfree(files->config_text);
		files->config_text = NULL;
	}
}

static bool
read_section(const char *text, size_t len, const char *path, const char *section,
			 RdsIniSection *out)
{
	int			bad_line;
	RdsCredFileStatus status;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return false;
	status = RdsIniReadSection(text, len, section, out, &bad_line);
	if (status == RDS_CREDFILE_MALFORMED)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIG_FILE_ERROR),
				 errmsg("syntax error in AWS configuration file \"%s\" at line %d",
						path, bad_line)));
	if (status == RDS_CREDFILE_NO_MEMORY)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	return status == RDS_CREDFILE_FOUND;
}

static void
free_profile(Profile *p)
{
	RdsIniSectionWipe(&p->creds);
	RdsIniSectionWipe(&p->config);
}

/* The sections of profile name in both files. */
static void
load_profile(const SharedFiles *files, const char *name, Profile *p)
{
	char		section[300];

	memset(p, 0, sizeof(*p));
	p->name = name;
	p->found = read_section(files->creds_text, files->creds_len,
							files->creds_file.path, name, &p->creds);
	snprintf(section, sizeof(section), "profile %s", name);
	/* a malformed config file must not leak what the credentials file gave */
	PG_TRY();
	{
		if (read_section(files->config_text, files->config_len,
						 files->config_file.path, section, &p->config))
			p->found = true;
		else if (strcmp(name, "default") == 0 &&
				 read_section(files->config_text, files->config_len,
							  files->config_file.path, "default", &p->config))
			p->found = true;
	}
	PG_CATCH();
	{
		free_profile(p);
		PG_RE_THROW();
	}
	PG_END_TRY();
}

/* A key of the profile: the credentials file first, then the config file. */
static const char *
profile_get(const Profile *p, const char *key)
{
	const char *v = RdsIniGet(&p->creds, key);

	if (v == NULL || v[0] == '\0')
		v = RdsIniGet(&p->config, key);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* rds_copy.profile, then AWS_PROFILE, then "default"; *named when given. */
static const char *
profile_name(bool *named)
{
	const char *env = RdsNonEmptyEnv("AWS_PROFILE");

	*named = true;
	if (rds_copy_profile != NULL && rds_copy_profile[0] != '\0')
		return rds_copy_profile;
	if (env != NULL)
		return env;
	*named = false;
	return "default";
}

/* --- the chain --------------------------------------------------------- */

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
duration_seconds(const Profile *p)
{
	const char *v = profile_get(p, "duration_seconds");
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

static void from_profile(const SharedFiles *files, const char *name, int depth,
						 RdsCredentials *out);

/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer */
static void
from_credential_source(const Profile *p, const char *kind, RdsCredentials *out)
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

/* role_arn with source_profile or credential_source: assume the role. */
static void
assume_profile_role(const SharedFiles *files, const Profile *p, int depth,
					RdsCredentials *out)
{
	const char *role_arn = profile_get(p, "role_arn");
	const char *source_profile = profile_get(p, "source_profile");
	const char *credential_source = profile_get(p, "credential_source");
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
		{
			if (depth >= MAX_PROFILE_CHAIN)
				ereport(ERROR,
						(errcode(ERRCODE_CONFIG_FILE_ERROR),
						 errmsg("AWS profile \"%s\": source_profile chain is longer than %d or loops",
								p->name, MAX_PROFILE_CHAIN)));
			from_profile(files, source_profile, depth + 1, &base);
		}
		else
			from_credential_source(p, credential_source, &base);
		RdsFetchAssumeRole(&base, role_arn, profile_get(p, "external_id"),
						   profile_get(p, "role_session_name"), duration_seconds(p), out);
	}
	PG_FINALLY();
	{
		RdsCredentialsWipe(&base);
	}
	PG_END_TRY();
}

/*
 * Credentials of profile name from the files: a role to assume, or static
 * keys.  Raises when the profile is missing or has neither.
 */
static void
from_profile(const SharedFiles *files, const char *name, int depth, RdsCredentials *out)
{
	Profile		p;

	load_profile(files, name, &p);
	PG_TRY();
	{
		const char *akid = profile_get(&p, "aws_access_key_id");
		const char *secret = profile_get(&p, "aws_secret_access_key");
		const char *token = profile_get(&p, "aws_security_token");

		if (token == NULL)
			token = profile_get(&p, "aws_session_token");
		if (!p.found)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("AWS credentials profile \"%s\" not found in \"%s\" or \"%s\"",
							name, files->creds_file.path, files->config_file.path)));
		if (profile_get(&p, "role_arn") != NULL)
			assume_profile_role(files, &p, depth, out);
		else if (akid != NULL && secret != NULL)
		{
			set_static(out, akid, secret, token);
			snprintf(out->source, sizeof(out->source), "%s:%s [%s]",
					 RdsIniGet(&p.creds, "aws_access_key_id") ? "shared-credentials-file" : "config-file",
					 RdsIniGet(&p.creds, "aws_access_key_id") ? files->creds_file.path
					 : files->config_file.path, name);
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("AWS credentials profile \"%s\" lacks aws_access_key_id or aws_secret_access_key",
							name),
					 errdetail("Files read: \"%s\", \"%s\".",
							   files->creds_file.path, files->config_file.path)));
	}
	PG_FINALLY();
	{
		free_profile(&p);
	}
	PG_END_TRY();
}

/* Web identity from the environment, or from the profile. */
static bool
from_web_identity(const SharedFiles *files, const char *profile, RdsCredentials *out)
{
	const char *token_file = RdsNonEmptyEnv("AWS_WEB_IDENTITY_TOKEN_FILE");
	const char *role_arn = RdsNonEmptyEnv("AWS_ROLE_ARN");
	Profile		p;
	bool		found = false;

	if (token_file != NULL && role_arn != NULL)
	{
		RdsFetchWebIdentity(token_file, role_arn, RdsNonEmptyEnv("AWS_ROLE_SESSION_NAME"), out);
		return true;
	}
	load_profile(files, profile, &p);
	PG_TRY();
	{
		token_file = profile_get(&p, "web_identity_token_file");
		role_arn = profile_get(&p, "role_arn");
		if (token_file != NULL && role_arn != NULL &&
			profile_get(&p, "source_profile") == NULL &&
			profile_get(&p, "credential_source") == NULL)
		{
			RdsFetchWebIdentity(token_file, role_arn, profile_get(&p, "role_session_name"), out);
			found = true;
		}
	}
	PG_FINALLY();
	{
		free_profile(&p);
	}
	PG_END_TRY();
	return found;
}

/*
 * Does the profile hold credentials (keys or a role)?  A named profile
 * that does not exist is an error; one that exists without credentials
 * (say, only a region) lets the chain go on, as in botocore.
 */
static bool
profile_has_credentials(const SharedFiles *files, const char *name, bool named)
{
	Profile		p;
	bool		has;

	load_profile(files, name, &p);
	has = profile_get(&p, "aws_access_key_id") != NULL ||
		profile_get(&p, "aws_secret_access_key") != NULL ||
		profile_get(&p, "role_arn") != NULL;
	if (named && !p.found)
	{
		free_profile(&p);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("AWS credentials profile \"%s\" not found in \"%s\" or \"%s\"",
						name, files->creds_file.path, files->config_file.path)));
	}
	free_profile(&p);
	return has;
}

/* Steps 1-5 of the chain; *uses_files when static keys came from the files. */
static void
resolve_base(SharedFiles *files, RdsCredentials *out, bool *uses_files)
{
	bool		named;
	const char *profile = profile_name(&named);

	*uses_files = false;
	if (from_environment(out))
		return;
	load_shared_files(files);
	if (from_web_identity(files, profile, out))
		return;
	if (profile_has_credentials(files, profile, named))
	{
		from_profile(files, profile, 0, out);
		*uses_files = out->expiration == 0;
		return;
	}
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
			 errhint("Sources tried: the server's environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN), profile \"%s\" of the shared credentials file \"%s\" and the config file \"%s\", the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI), and the EC2 instance metadata service%s.",
					 profile, files->creds_file.path, files->config_file.path,
					 RdsNonEmptyEnv("AWS_EC2_METADATA_DISABLED") &&
					 pg_strcasecmp(getenv("AWS_EC2_METADATA_DISABLED"), "true") == 0
					 ? " (disabled by AWS_EC2_METADATA_DISABLED)" : "")));
}

/* The whole chain, then rds_copy.role_arn on top. */
static void
resolve_chain(RdsCredentials *out, SharedFiles *files, bool *uses_files)
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
		free_shared_files(files);
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

static bool
stamp_unchanged(const FileStamp *stamp)
{
	struct stat st;
	bool		exists = stat(stamp->path, &st) == 0;

	if (exists != stamp->exists)
		return false;
	return !exists ||
		(st.st_ino == stamp->st.st_ino && st.st_size == stamp->st.st_size &&
		 st.st_mtim.tv_sec == stamp->st.st_mtim.tv_sec &&
		 st.st_mtim.tv_nsec == stamp->st.st_mtim.tv_nsec);
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
	SharedFiles files;
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
		 (stamp_unchanged(&cache_creds_file) && stamp_unchanged(&cache_config_file))))
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
