/*-------------------------------------------------------------------------
 * awscodes.h
 *		The one table of AWS error codes: the SQLSTATE each becomes, and
 *		whether a call that got it is retried, slowed, re-signed with a
 *		corrected clock or with fresh credentials.
 *
 * Pure code: SQLSTATEs are their five characters here; errors.c turns
 * them into ERRCODE values.  Nothing else in src/ lists AWS codes.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_AWSCODES_H
#define RDS_AWSCODES_H

#include <stdbool.h>
#include <stddef.h>

/* flags of an AWS code */
#define RDS_AWS_TRANSIENT		0x01	/* retried (the SDKs' standard mode) */
#define RDS_AWS_THROTTLING		0x02	/* retried; the service asks us to slow down */
#define RDS_AWS_CLOCK_SKEW		0x04	/* may mean our clock is off: re-sign once */
#define RDS_AWS_STALE_CREDENTIALS 0x08	/* cached credentials may have expired */
#define RDS_AWS_STS_TRANSIENT	0x10	/* retried when STS sends it (retry.c) */

typedef struct RdsAwsCode
{
	const char *code;			/* as in <Error><Code> */
	const char *sqlstate;		/* five characters */
	unsigned	flags;
} RdsAwsCode;

/* Every code of the table, for tests and documentation. */
extern const RdsAwsCode RdsAwsCodes[];
extern const size_t RdsAwsCodeCount;

/* The table's entry for code, or NULL (code may be NULL). */
extern const RdsAwsCode *RdsAwsCodeFind(const char *code);

/*
 * The SQLSTATE for an AWS error code and the HTTP status it came with:
 * the table's, else 08006 for a 5xx status, else 38000.
 */
extern const char *RdsAwsCodeSqlState(const char *code, long http_status);

/* Does code have every flag of flags? */
extern bool RdsAwsCodeHas(const char *code, unsigned flags);

/* Is a call that failed with this code or HTTP status retried? */
extern bool RdsAwsCodeIsRetryable(const char *code, long http_status);

/*
 * Which of AWS's limits a SnapshotQuotaExceeded refusal means: the code
 * stands for two (issue 10, AWS's wording): the cross-region copies in
 * progress to one destination region ("Cannot copy more than 5 snapshots
 * across regions") and the account's quota of manual snapshots ("Cannot
 * create more than 100 manual snapshots").  text: AWS's message, or any
 * text that holds it (NULL allowed).
 */
typedef enum RdsAwsQuota
{
	RDS_QUOTA_NONE,				/* not SnapshotQuotaExceeded */
	RDS_QUOTA_COPIES_IN_PROGRESS,	/* wait for a copy to finish: not a failure */
	RDS_QUOTA_MANUAL_SNAPSHOTS	/* every other SnapshotQuotaExceeded */
} RdsAwsQuota;

extern RdsAwsQuota RdsAwsQuotaOf(const char *code, const char *text);

/* The detail and hint sentences of a quota refusal (static; NULL for NONE). */
extern const char *RdsAwsQuotaDetail(RdsAwsQuota quota);
extern const char *RdsAwsQuotaHint(RdsAwsQuota quota);

#endif
