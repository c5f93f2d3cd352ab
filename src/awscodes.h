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

#endif
