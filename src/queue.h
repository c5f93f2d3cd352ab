/*-------------------------------------------------------------------------
 * queue.h
 *		Copy after commit: the steps that work rds_copy.copy_request
 *		(queue_steps.c) and the background workers that take them
 *		(queue_workers.c).
 *-------------------------------------------------------------------------
 */
#ifndef RDS_QUEUE_H
#define RDS_QUEUE_H

#include "fmgr.h"
#include "utils/palloc.h"

#define RDS_QUEUE_SCHEMA "rds_copy"
#define RDS_QUEUE_TABLE_NAME "copy_request"
#define RDS_QUEUE_TABLE RDS_QUEUE_SCHEMA "." RDS_QUEUE_TABLE_NAME

/* copying rows one follow step describes at most (action_snapshot.h's RDS_DESCRIBE_BATCH) */
#define RDS_DESCRIBE_BATCH_ROWS 100

/* --- queue_steps.c: each runs transactions of its own, never inside one --- */

/*
 * One step of work, orphans first, then a send, then a follow of up to
 * max_rows (at least 1) copying rows of one region in one call; returns
 * the rows worked, 0 when there was nothing to do.  owner: work only rows
 * requested_by that role (NULL: every row).  skip_throttled: leave the
 * rows of regions whose send rate has no token now (awslimits.c) for a
 * later step, rather than take them last and wait for the token.  cxt is
 * reset before and after.  The caller has pinned search_path
 * (worker_settings.c).
 */
extern int	RdsQueueStep(MemoryContext cxt, const char *owner, int max_rows, bool skip_throttled);

/* Delete finished rows older than rds_copy.queue_retention. */
extern void RdsQueuePrune(void);

/* Is the extension installed in this database? */
extern bool RdsQueueInstalled(void);

/* --- queue_workers.c --- */

/* From _PG_init under shared_preload_libraries: rds_copy.queue_workers workers. */
extern void RdsQueueRegisterWorkers(void);

/*
 * process_queue's work: start helpers in this database, let them take up
 * to max_steps steps between them on the rows of owner (NULL: every
 * row), wait for them and return how many they took.  A helper's failure
 * is raised (38000).
 */
extern uint32 RdsQueueRunHelpers(int32 max_steps, const char *owner);

/* Background worker entry points (bgw_function_name). */
extern PGDLLEXPORT void rds_copy_queue_worker_main(Datum arg);
extern PGDLLEXPORT void rds_copy_queue_helper_main(Datum arg);

#endif
