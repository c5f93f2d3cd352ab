/*-------------------------------------------------------------------------
 * credfile.h
 *		Parse the AWS shared credentials and config files (INI).
 *
 * Pure code: the caller reads the file; this only parses text.  Returned
 * values are malloc'd and must be released with RdsIniSectionWipe or
 * RdsCredFileEntryWipe, which zero them first (they may hold secrets).
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

/* One "name = value" of a section. */
typedef struct RdsIniEntry
{
	char	   *name;
	char	   *value;
} RdsIniEntry;

typedef struct RdsIniSection
{
	RdsIniEntry *entries;
	int			count;
} RdsIniSection;

/*
 * Every name = value of [section] (a later line wins over an earlier one
 * of the same name).  Syntax as for RdsCredFileParse below; a malformed
 * line anywhere in the file makes it RDS_CREDFILE_MALFORMED.  Returns
 * RDS_CREDFILE_FOUND or RDS_CREDFILE_NO_PROFILE when the section is not
 * there.  Never raises.
 */
extern RdsCredFileStatus RdsIniReadSection(const char *text, size_t len,
										   const char *section,
										   RdsIniSection *out, int *bad_line);
/* The value of name (case-insensitive) in section, or NULL. */
extern const char *RdsIniGet(const RdsIniSection *section, const char *name);
extern void RdsIniSectionWipe(RdsIniSection *section);

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

/*
 * Split a credential_process command line into words as botocore does
 * (Python's shlex.split, POSIX mode, no shell): blanks separate words;
 * '...' is literal; "..." is literal but for \" and \\; a backslash
 * outside quotes escapes the next character.  On success returns NULL and
 * a malloc'd, NULL-terminated *argv of *argc >= 1 words (free with
 * RdsShellSplitFree); else a static sentence (never quoting the line).
 */
extern const char *RdsShellSplit(const char *s, char ***argv, int *argc);
extern void RdsShellSplitFree(char **argv);

/* Zero and free every secret of entry. */
extern void RdsCredFileEntryWipe(RdsCredFileEntry *entry);

#endif
