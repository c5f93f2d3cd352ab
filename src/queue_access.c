/*-------------------------------------------------------------------------
 * queue_access.c
 *		Who may see and change which rows of rds_copy.copy_request.
 *
 * The trust model (DESIGN.md): a role owns the copy requests it enqueued
 * (requested_by, set by enqueue_copy from the current user, never from an
 * argument); it sees them, cancels them, retries them and has
 * process_queue work them, and no other role's.  Members of
 * rds_copy_admin and superusers act on every row.  Row-level security
 * on the table says the same to roles that were granted the table
 * directly (sql/rds_copy--1.0--1.1.sql).  The SQL functions check the
 * caller here and then act as the table's owner, so a role needs no
 * privilege on the table besides SELECT to see its rows.
 *
 * Not here: the workers' settings (worker_settings.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "queue.h"
#include "queue_access.h"

bool
RdsQueueCallerIsAdmin(void)
{
	Oid			admin = get_role_oid(RDS_QUEUE_ADMIN_ROLE, true);

	if (superuser())
		return true;
	return OidIsValid(admin) && has_privs_of_role(GetUserId(), admin);
}

char *
RdsQueueCallerName(void)
{
	return GetUserNameFromId(GetUserId(), false);
}

/* The owner of rds_copy.copy_request. */
static Oid
table_owner(void)
{
	Oid			nsp = get_namespace_oid(RDS_QUEUE_SCHEMA, false);
	Oid			relid = get_relname_relid(RDS_QUEUE_TABLE_NAME, nsp);
	HeapTuple	tuple;
	Oid			owner;

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("table " RDS_QUEUE_TABLE " does not exist")));
	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;
	ReleaseSysCache(tuple);
	return owner;
}

void
RdsQueueActAsOwner(RdsQueueOwnerScope *scope)
{
	Oid			owner = table_owner();

	GetUserIdAndSecContext(&scope->save_userid, &scope->save_sec_context);
	SetUserIdAndSecContext(owner, scope->save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	scope->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

void
RdsQueueActAsCaller(RdsQueueOwnerScope *scope)
{
	AtEOXact_GUC(false, scope->save_nestlevel);
	SetUserIdAndSecContext(scope->save_userid, scope->save_sec_context);
}
