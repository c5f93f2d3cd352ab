/*-------------------------------------------------------------------------
 * xmlreply.h
 *		Parse RDS and STS Query-protocol replies with libxml2.
 *
 * Pure code: the parser never touches PostgreSQL; the caller wraps it in
 * pg_xml_init()/pg_xml_done() when it runs in a backend.  The snapshots
 * (their array, strings, zone and tag lists) live in the reply's arena and
 * are never freed one by one; every other string of a reply is malloc'd on
 * its own (a caller may take one, e.g. STS credentials, and set the field
 * to NULL).  RdsReplyFree releases all of it.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_XMLREPLY_H
#define RDS_XMLREPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "snapshot.h"

/* Temporary credentials from STS AssumeRole / AssumeRoleWithWebIdentity. */
typedef struct RdsStsCredentials
{
	char	   *access_key_id;
	char	   *secret_access_key;
	char	   *session_token;
	char	   *expiration;		/* ISO-8601 */
} RdsStsCredentials;

typedef enum RdsReplyKind
{
	RDS_REPLY_INVALID,			/* not an RDS reply; see invalid_reason */
	RDS_REPLY_OK,
	RDS_REPLY_ERROR				/* an ErrorResponse */
} RdsReplyKind;

typedef struct RdsReply
{
	RdsReplyKind kind;
	char	   *request_id;
	/* RDS_REPLY_OK */
	int			nsnapshots;
	RdsSnapshot *snapshots;		/* in the arena */
	char	   *marker;
	RdsStsCredentials credentials;	/* STS AssumeRole* actions; wiped on free */
	/* RDS_REPLY_ERROR */
	char	   *error_type;
	char	   *error_code;
	char	   *error_message;
	/* RDS_REPLY_INVALID */
	const char *invalid_reason; /* static sentence */
	void	   *arena;			/* blocks holding the snapshots; xmlreply.c's */
} RdsReply;

/*
 * Parse a reply to action (e.g. "CopyDBClusterSnapshot", or the STS
 * actions "AssumeRole" and "AssumeRoleWithWebIdentity").  Fills *reply;
 * never raises.  Replies with a DOCTYPE are refused, entities are not
 * expanded and nothing is loaded from the network.  Returns reply->kind.
 */
extern RdsReplyKind RdsXmlParseReply(const char *body, size_t len,
									 const char *action, RdsReply *reply);
extern void RdsReplyFree(RdsReply *reply);

/* Is s an ISO-8601 UTC timestamp as AWS writes them (YYYY-MM-DDTHH:MM:SS[.f](Z|+hh:mm))? */
extern bool RdsIsIsoTimestamp(const char *s);

/* Seconds since the epoch of such a timestamp; false when it is not one. */
extern bool RdsIsoTimestampToTime(const char *s, time_t *out);

#endif
