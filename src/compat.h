/*-------------------------------------------------------------------------
 * compat.h
 *		Every PostgreSQL, libcurl and OpenSSL version difference, in one place.
 *
 * Supported: PostgreSQL 15, 17 and 18 (Debian 12, 13 and unstable; see
 * docs/install.md).  The PostgreSQL part applies to glue files only (those
 * that include postgres.h first), the libxml2 part to xmlreply.c only;
 * other pure modules see only the libcurl and OpenSSL checks.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_COMPAT_H
#define RDS_COMPAT_H

#include <curl/curl.h>
#include <openssl/opensslv.h>

/* sigv4.c uses OpenSSL 3's EVP_MAC and fetched digests */
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "rds_copy needs OpenSSL 3.0 or later"
#endif

/* http.c refuses libcurl's own resends with CURLOPT_PREREQFUNCTION (7.80) */
#if LIBCURL_VERSION_NUM < 0x075000
#error "rds_copy needs libcurl 7.80 or later"
#endif

/* CURLOPT_PROTOCOLS_STR arrived in 7.85; the bitmask form is deprecated */
#if LIBCURL_VERSION_NUM >= 0x075500
#define RDS_CURL_SET_PROTOCOLS(h, allow_http) \
	curl_easy_setopt((h), CURLOPT_PROTOCOLS_STR, (allow_http) ? "https,http" : "https")
#else
#define RDS_CURL_SET_PROTOCOLS(h, allow_http) \
	curl_easy_setopt((h), CURLOPT_PROTOCOLS, \
					 (long) ((allow_http) ? (CURLPROTO_HTTPS | CURLPROTO_HTTP) : CURLPROTO_HTTPS))
#endif

/*
 * libxml2 (xmlreply.c includes this after its libxml2 headers; no other
 * file sees this part).  Debian 12 and 13 ship 2.9.14, unstable 2.15.
 */
#ifdef LIBXML_VERSION

/* 2.12 made the error of a structured error handler (serror) const */
#if LIBXML_VERSION >= 21200
#define RDS_XML_ERROR const xmlError *
#else
#define RDS_XML_ERROR xmlError *
#endif

/*
 * Whether the parser stopped (xmlStopParser or a fatal error): 2.14
 * deprecated the disableSAX member for xmlCtxtIsStopped(), which 2.14.5
 * fixed.
 */
#if LIBXML_VERSION >= 21405
#define RDS_XML_PARSER_STOPPED(ctxt) xmlCtxtIsStopped(ctxt)
#else
#define RDS_XML_PARSER_STOPPED(ctxt) ((ctxt)->disableSAX != 0)
#endif

#endif							/* LIBXML_VERSION */

#ifdef PG_VERSION_NUM

#if PG_VERSION_NUM < 150000
#error "rds_copy needs PostgreSQL 15 or later"
#endif

#include "utils/wait_event.h"

/*
 * A function that does not return: RDS_NORETURN goes before the return
 * type ("extern RDS_NORETURN void f(void);"), where PostgreSQL 18's c.h
 * puts pg_noreturn.  PostgreSQL 18 removed pg_attribute_noreturn() (a GCC
 * attribute after the declarator) for pg_noreturn (C11 _Noreturn, a
 * function specifier); a GCC attribute may stand before the return type
 * too, so one placement serves every major.
 */
#if PG_VERSION_NUM >= 180000
#define RDS_NORETURN pg_noreturn
#else
#define RDS_NORETURN pg_attribute_noreturn()
#endif

/*
 * Our waits, as pg_stat_activity shows them.  PostgreSQL 17 added custom
 * wait event names for extensions (WaitEventExtensionNew, registered in
 * shared memory on first use; wait_event_type stays 'Extension'), so 17+
 * names each one.  Before 17 a latch sleep is wait_event 'Extension' and
 * an HTTP transfer shows no wait event at all, as it always did.
 */
typedef enum RdsWaitEvent
{
	RDS_WAIT_HTTP_REQUEST,		/* http.c: one libcurl transfer */
	RDS_WAIT_RETRY_BACKOFF,		/* action.c: the sleep before a retry */
	RDS_WAIT_SNAPSHOT_POLL,		/* wait_for_db_cluster_snapshot's poll sleep */
	RDS_WAIT_QUEUE_NAP,			/* a queue worker's nap between rounds */
	RDS_WAIT_EVENT_COUNT
} RdsWaitEvent;

/* The wait_event_info for WaitLatch (a latch sleep of ours). */
static inline uint32
RdsWaitEventInfo(RdsWaitEvent which)
{
#if PG_VERSION_NUM >= 170000
	static const char *const names[RDS_WAIT_EVENT_COUNT] = {
		"RdsCopyHttpRequest",
		"RdsCopyRetryBackoff",
		"RdsCopySnapshotPoll",
		"RdsCopyQueueNap",
	};

	/* one registration per process and file; the name is found again after that */
	static uint32 ids[RDS_WAIT_EVENT_COUNT];

	if (ids[which] == 0)
		ids[which] = WaitEventExtensionNew(names[which]);
	return ids[which];
#else
	(void) which;
	return PG_WAIT_EXTENSION;
#endif
}

/* Around a wait that is not a latch sleep (an HTTP transfer): 17+ only. */
static inline void
RdsReportWaitStart(RdsWaitEvent which)
{
#if PG_VERSION_NUM >= 170000
	pgstat_report_wait_start(RdsWaitEventInfo(which));
#else
	(void) which;
#endif
}

static inline void
RdsReportWaitEnd(void)
{
#if PG_VERSION_NUM >= 170000
	pgstat_report_wait_end();
#endif
}

/*
 * Every GUC, for the queue workers' check of the settings a connection
 * brought (worker_settings.c).  PostgreSQL 16 made get_guc_variables()
 * count them and return a palloc'd copy of the array.
 */
#include "utils/guc_tables.h"
#if PG_VERSION_NUM >= 160000
#define RdsGucVariables(n) get_guc_variables(n)
#else
static inline struct config_generic **
RdsGucVariables(int *n)
{
	*n = GetNumConfigOptions();
	return get_guc_variables();
}
#endif

/*
 * Memory for a GUC check hook's extra: PostgreSQL 16 frees it with
 * guc_free (its own allocator, guc_malloc); 15 frees it with free().
 */
#if PG_VERSION_NUM >= 160000
#define RdsGucMalloc(size) guc_malloc(LOG, (size))
#else
#define RdsGucMalloc(size) malloc(size)
#endif

#endif							/* PG_VERSION_NUM */

#endif
