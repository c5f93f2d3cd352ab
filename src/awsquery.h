/*-------------------------------------------------------------------------
 * awsquery.h
 *		AWS Query protocol: ordered parameter lists and their encodings.
 *
 * Pure code (no PostgreSQL).  An AwsQuery owns malloc'd copies of every
 * name and value; AwsQueryFree wipes and releases them.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_AWSQUERY_H
#define RDS_AWSQUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define RDS_API_VERSION "2014-10-31"

typedef struct AwsParam
{
	char	   *name;
	char	   *value;
} AwsParam;

typedef struct AwsQuery
{
	AwsParam   *params;
	int			count;
	int			cap;
	bool		failed;			/* an allocation failed */
} AwsQuery;

#define AWS_QUERY_INIT {NULL, 0, 0, false}

/* Start a list with Action=<action>&Version=2014-10-31 (RDS's API version). */
extern void AwsQueryStart(AwsQuery *query, const char *action);
/* Start a list with Action=<action>&Version=<version>, for other services. */
extern void AwsQueryStartVersion(AwsQuery *query, const char *action, const char *version);
extern void AwsQueryAdd(AwsQuery *query, const char *name, const char *value);
extern void AwsQueryAddIndexed(AwsQuery *query, const char *prefix, int index,
							   const char *suffix, const char *value);
extern const char *AwsQueryGet(const AwsQuery *query, const char *name);
extern void AwsQueryCopy(AwsQuery *dst, const AwsQuery *src);
extern void AwsQueryFree(AwsQuery *query);

/* form encoding (application/x-www-form-urlencoded): space as '+' */
extern void AwsFormEncode(RdsBuf *out, const char *s, size_t len);
/* RFC 3986 encoding as SigV4 wants it: space as %20 */
extern void AwsUriEncode(RdsBuf *out, const char *s, size_t len);

/* name=value&... in list order, form-encoded: the POST body */
extern void AwsQueryFormBody(const AwsQuery *query, RdsBuf *out);

#endif
