/*-------------------------------------------------------------------------
 * audit.h
 *		The audit trail of AWS calls: a ring in shared memory behind the
 *		view rds_copy.recent_requests, and one server log line per call.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_AUDIT_H
#define RDS_AUDIT_H

#include "datatype/timestamp.h"

/* What one finished call leaves behind; strings are truncated to fit. */
typedef struct RdsAuditCall
{
	TimestampTz started;
	const char *action;
	const char *region;
	const char *source;			/* may be NULL */
	const char *target;			/* may be NULL */
	bool		ok;
	int			sqlstate;		/* 0 when ok */
	const char *aws_code;		/* may be NULL */
	const char *request_id;		/* may be NULL */
	int			attempts;
} RdsAuditCall;

/* From _PG_init under shared_preload_libraries: ask for the ring. */
extern void RdsAuditRequestShmem(void);

/*
 * The queue row a background worker is working on (0: none) and the role
 * that requested it (NULL: none), for the record: the calls made for a
 * row are recorded in that role's name, so that it sees them in
 * recent_requests.  requested_by is copied.
 */
extern void RdsAuditSetQueueRow(int64 id, const char *requested_by);

/*
 * Record a finished call in the ring (when there is one) and write its log
 * line at rds_copy.log_requests.  Never raises for a full ring; safe to
 * call while an error is being handled.
 */
extern void RdsAuditRecord(const RdsAuditCall *call);

#endif
