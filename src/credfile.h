/*-------------------------------------------------------------------------
 * credfile.h
 *		Parse the AWS shared credentials file (INI) for one profile.
 *
 * Pure code: the caller reads the file; this only parses text.  Returned
 * secrets are malloc'd and must be released with RdsCredFileEntryWipe.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_CREDFILE_H
#define RDS_CREDFILE_H

#include <stddef.h>

typedef struct RdsCredFileEntry
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;	/* NULL when the profile has none */
} RdsCredFileEntry;

typedef enum RdsCredFileStatus
{
	RDS_CREDFILE_FOUND,			/* profile has both keys */
	RDS_CREDFILE_NO_PROFILE,	/* no [profile] section */
	RDS_CREDFILE_INCOMPLETE,	/* section lacks a key id or secret */
	RDS_CREDFILE_MALFORMED,		/* a line is not INI; *bad_line says which */
	RDS_CREDFILE_NO_MEMORY
} RdsCredFileStatus;

/*
 * Find [profile] in the text of a credentials file and take
 * aws_access_key_id, aws_secret_access_key and aws_session_token
 * (aws_security_token wins when both are there, as in botocore).
 * "key = value" or "key: value"; names are case-insensitive; '#' and ';'
 * start comment lines; indented lines continue a value and are ignored;
 * text after a section's closing ']' is ignored.  Never raises.  On RDS_CREDFILE_MALFORMED, *bad_line is the 1-based line.
 */
extern RdsCredFileStatus RdsCredFileParse(const char *text, size_t len,
										  const char *profile,
										  RdsCredFileEntry *out, int *bad_line);

/* Zero and free every secret of entry. */
extern void RdsCredFileEntryWipe(RdsCredFileEntry *entry);

#endif
