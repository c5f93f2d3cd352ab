/*-------------------------------------------------------------------------
 * queue.h
 *		Copy after commit: rds_copy.copy_request and the workers that
 *		send its rows and follow them to the end.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_QUEUE_H
#define RDS_QUEUE_H

#include "fmgr.h"

/* From _PG_init under shared_preload_libraries: rds_copy.queue_workers workers. */
extern void RdsQueueRegisterWorkers(void);

/* Background worker entry points (bgw_function_name). */
extern PGDLLEXPORT void rds_copy_queue_worker_main(Datum arg);
extern PGDLLEXPORT void rds_copy_queue_helper_main(Datum arg);

#endif
