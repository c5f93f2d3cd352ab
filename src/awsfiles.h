/*-------------------------------------------------------------------------
 * awsfiles.h
 *		The AWS shared credentials and config files: where they are,
 *		reading them, and one profile's sections of both.
 *
 * Used by the credential chain (credentials.c) and by the region
 * (settings.c, the profile's region).  Parsing is credfile.c's.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_AWSFILES_H
#define RDS_AWSFILES_H

#include <stdbool.h>
#include <sys/stat.h>

#include "credfile.h"

/* Identity of a file, to notice that it changed. */
typedef struct RdsFileStamp
{
	char		path[1024];
	bool		exists;
	struct stat st;
} RdsFileStamp;

/* What the files say, and their stamps. */
typedef struct RdsSharedFiles
{
	RdsFileStamp creds_file;
	RdsFileStamp config_file;
	char	   *creds_text;		/* palloc'd; wiped by RdsSharedFilesFree */
	size_t		creds_len;
	char	   *config_text;
	size_t		config_len;
} RdsSharedFiles;

/* The sections of one profile in both files. */
typedef struct RdsProfile
{
	const char *name;
	RdsIniSection creds;		/* [name] of the credentials file */
	RdsIniSection config;		/* [profile name] / [default] of the config file */
	bool		found;			/* in either file */
} RdsProfile;

/*
 * Read AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials) and
 * AWS_CONFIG_FILE (default ~/.aws/config) with read(2) into memory that
 * RdsSharedFilesFree wipes; a missing file is no text.  Raises F0000 for
 * a file that is not a regular file of at most 1 MB.
 */
extern void RdsSharedFilesLoad(RdsSharedFiles *files);
extern void RdsSharedFilesFree(RdsSharedFiles *files);

/*
 * The sections of profile name (which must outlive *p); raises F0000
 * naming the file and line when a file is not INI.  Release with
 * RdsProfileFree (wipes).
 */
extern void RdsProfileLoad(const RdsSharedFiles *files, const char *name, RdsProfile *p);
extern void RdsProfileFree(RdsProfile *p);

/*
 * A key of the profile as botocore sees it (the credentials file's
 * sections merged over the config file's): the credentials file first,
 * then the config file; NULL when absent or empty.
 */
extern const char *RdsProfileGet(const RdsProfile *p, const char *key);

/*
 * The [sso-session name] section of the config file (botocore reads
 * sso-session sections from the config file only).  False when there is
 * none; raises F0000 when the file is not INI.  Release with
 * RdsIniSectionWipe.
 */
extern bool RdsSsoSessionLoad(const RdsSharedFiles *files, const char *name,
							  RdsIniSection *out);

/* $HOME/.aws/<relative> (HOME, else the OS user's home, as botocore's expanduser). */
extern void RdsAwsHomePath(const char *relative, char *path, size_t len);

/*
 * Read the file at stamp->path with read(2) into palloc'd memory (NUL
 * added), stamp it; NULL when it cannot be opened.  Raises F0000 for a
 * file that is not a regular file of at most 1 MB.  The caller wipes the
 * copy (it may hold secrets).
 */
extern char *RdsAwsFileRead(RdsFileStamp *stamp, size_t *len);

/* Was the stamped file changed (or created, or removed) since? */
extern bool RdsFileStampChanged(const RdsFileStamp *stamp);

#endif
