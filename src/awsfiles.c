/*-------------------------------------------------------------------------
 * awsfiles.c
 *		The AWS shared credentials and config files: their paths, reading
 *		them (read(2), wiped after use), one profile's sections, an
 *		[sso-session] section; the home directory's ~/.aws files (the SSO
 *		token cache is read here too).
 *
 * Which source of credentials wins is credentials.c's; the INI syntax is
 * credfile.c's.  Errors name the file and a line, never its contents.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/fd.h"

#include "awsfiles.h"
#include "credvalue.h"

#define CONFIG_FILE_MAX (1024 * 1024)

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

void
RdsAwsHomePath(const char *relative, char *path, size_t len)
{
	snprintf(path, len, "%s/.aws/%s", home_directory(), relative);
}

static void
file_path(const char *env_name, const char *default_name, RdsFileStamp *stamp)
{
	const char *env = RdsNonEmptyEnv(env_name);

	if (env != NULL)
		strlcpy(stamp->path, env, sizeof(stamp->path));
	else
		RdsAwsHomePath(default_name, stamp->path, sizeof(stamp->path));
}

/*
 * Read the file at stamp->path (if any) into palloc'd memory; stamp it.
 * read(2), not stdio: stdio's buffer would keep a copy of the secrets in
 * freed memory.  The caller wipes the copy (RdsSharedFilesFree).
 */
char *
RdsAwsFileRead(RdsFileStamp *stamp, size_t *len)
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

void
RdsSharedFilesLoad(RdsSharedFiles *files)
{
	memset(files, 0, sizeof(*files));
	file_path("AWS_SHARED_CREDENTIALS_FILE", "credentials", &files->creds_file);
	file_path("AWS_CONFIG_FILE", "config", &files->config_file);
	files->creds_text = RdsAwsFileRead(&files->creds_file, &files->creds_len);
	PG_TRY();
	{
		files->config_text = RdsAwsFileRead(&files->config_file, &files->config_len);
	}
	PG_CATCH();
	{
		RdsSharedFilesFree(files);
		PG_RE_THROW();
	}
	PG_END_TRY();
}

void
RdsSharedFilesFree(RdsSharedFiles *files)
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

void
RdsProfileFree(RdsProfile *p)
{
	RdsIniSectionWipe(&p->creds);
	RdsIniSectionWipe(&p->config);
}

void
RdsProfileLoad(const RdsSharedFiles *files, const char *name, RdsProfile *p)
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
		RdsProfileFree(p);
		PG_RE_THROW();
	}
	PG_END_TRY();
}

bool
RdsSsoSessionLoad(const RdsSharedFiles *files, const char *name, RdsIniSection *out)
{
	char		section[300];

	snprintf(section, sizeof(section), "sso-session %s", name);
	return read_section(files->config_text, files->config_len,
						files->config_file.path, section, out);
}

const char *
RdsProfileGet(const RdsProfile *p, const char *key)
{
	const char *v = RdsIniGet(&p->creds, key);

	if (v == NULL || v[0] == '\0')
		v = RdsIniGet(&p->config, key);
	return v != NULL && v[0] != '\0' ? v : NULL;
}

bool
RdsFileStampChanged(const RdsFileStamp *stamp)
{
	struct stat st;
	bool		exists = stat(stamp->path, &st) == 0;

	if (exists != stamp->exists)
		return true;
	return exists &&
		!(st.st_ino == stamp->st.st_ino && st.st_size == stamp->st.st_size &&
		  st.st_mtim.tv_sec == stamp->st.st_mtim.tv_sec &&
		  st.st_mtim.tv_nsec == stamp->st.st_mtim.tv_nsec);
}
