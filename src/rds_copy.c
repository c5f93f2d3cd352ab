/*-------------------------------------------------------------------------
 * rds_copy.c
 *		The module: PG_MODULE_MAGIC and _PG_init.
 *
 * _PG_init defines the settings (settings.c) and, under
 * shared_preload_libraries, asks for the audit ring (audit.c) and the
 * shared AWS limits (awslimits.c) and registers the queue workers (queue_workers.c).  The SQL functions live
 * in sqlfunc_*.c; DESIGN.md draws how a call flows through the rest.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include "audit.h"
#include "awslimits.h"
#include "queue.h"
#include "settings.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	RdsDefineSettings();
	if (process_shared_preload_libraries_in_progress)
	{
		RdsAuditRequestShmem();
		RdsLimitsRequestShmem();
		RdsQueueRegisterWorkers();
	}
}
