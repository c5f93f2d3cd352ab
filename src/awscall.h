/*-------------------------------------------------------------------------
 * awscall.h
 *		One signed RDS Query API call: resolve, sign, send, parse, raise.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_AWSCALL_H
#define RDS_AWSCALL_H

#include "awsquery.h"
#include "xml.h"

/*
 * Call params's action (params starts with Action and Version).  When
 * source_region is not NULL, a PreSignedUrl for that region is built from
 * params plus DestinationRegion and appended.  On success *reply holds
 * the parsed reply (kind RDS_REPLY_OK) and must be released with
 * RdsReplyFree; every failure is raised as an SQL error, with nothing
 * left allocated.
 */
extern void RdsAwsCall(const AwsQuery *params, const char *source_region,
					   RdsReply *reply);

/* The region requests go to; raises 22023 with a hint when none is set. */
extern const char *RdsResolveRegion(void);

#endif
