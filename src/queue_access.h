/*-------------------------------------------------------------------------
 * queue_access.h
 *		Who may see and change which rows of rds_copy.copy_request.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_QUEUE_ACCESS_H
#define RDS_QUEUE_ACCESS_H

/* The role whose members act on every role's copy requests. */
#define RDS_QUEUE_ADMIN_ROLE "rds_copy_admin"

/*
 * Does the current user have the privileges of rds_copy_admin (directly,
 * by inheritance, or as a superuser)?  False when the role is missing.
 */
extern bool RdsQueueCallerIsAdmin(void);

/* The current user's name (palloc'd): what requested_by records. */
extern char *RdsQueueCallerName(void);

/* The caller's identity and settings, saved while acting as the owner. */
typedef struct RdsQueueOwnerScope
{
	Oid			save_userid;
	int			save_sec_context;
	int			save_nestlevel;
} RdsQueueOwnerScope;

/*
 * Act as the owner of rds_copy.copy_request (the extension's owner, a
 * superuser) in a restricted security context with search_path pinned to
 * "pg_catalog, pg_temp", until RdsQueueActAsCaller.  The functions that
 * change rows call it after they have checked that the caller owns the
 * row or is an admin.  An error in between restores the caller anyway
 * (transaction abort does).
 */
extern void RdsQueueActAsOwner(RdsQueueOwnerScope *scope);
extern void RdsQueueActAsCaller(RdsQueueOwnerScope *scope);

#endif
