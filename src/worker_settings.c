/*-------------------------------------------------------------------------
 * worker_settings.c
 *		The queue workers' settings: the server's configuration, never a
 *		database's or a role's.
 *
 * A background worker is forked from the postmaster, so before it
 * connects every setting holds the server's configuration
 * (postgresql.conf, ALTER SYSTEM, the command line).  Connecting applies
 * the ALTER DATABASE / ALTER ROLE settings of the database and role,
 * which the database's owner (an ordinary role, perhaps) can write: a
 * search_path that puts the owner's own clock_timestamp() first would run
 * it as the bootstrap superuser; a request_timeout of 100 ms would
 * re-send every role's copies.  So a worker saves every setting a
 * session could change before it connects, puts back each one that the
 * connection changed (and logs which), and pins search_path to
 * "pg_catalog, pg_temp" before it runs any SQL.  The SQL itself is
 * schema-qualified too (queue_steps.c); the two together are the rule.
 *
 * A value put back holds against a reload (it is set over the database's
 * or role's, which outrank the configuration file), so a static worker
 * that had to put back an rds_copy.* setting exits on a reload and is
 * started again by the postmaster, which reads the new configuration
 * (queue_workers.c, RdsWorkerSettingsPinned).
 *
 * Not here: which rows a worker may touch (queue_access.c).
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/guc.h"
#include "utils/memutils.h"

#include "compat.h"
#include "worker_settings.h"

/* search_path of every SQL statement a worker runs */
#define PINNED_SEARCH_PATH "pg_catalog, pg_temp"

typedef struct SavedSetting
{
	char	   *name;
	char	   *value;			/* NULL: the setting had no value */
} SavedSetting;

static SavedSetting *saved = NULL;
static int	nsaved = 0;

/* Was an rds_copy.* setting put back (so a reload cannot change it)? */
static bool pinned_ours = false;

/* Can a session change it (so ALTER DATABASE / ROLE ... SET can)? */
static bool
session_settable(const struct config_generic *gconf)
{
	return gconf->context == PGC_USERSET || gconf->context == PGC_SUSET;
}

void
RdsWorkerSaveServerSettings(void)
{
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	struct config_generic **vars;
	int			nvars;
	int			i;

	vars = RdsGucVariables(&nvars);
	saved = palloc0(sizeof(SavedSetting) * Max(nvars, 1));
	nsaved = 0;
	for (i = 0; i < nvars; i++)
	{
		const char *value;

		if (!session_settable(vars[i]) || (vars[i]->flags & GUC_CUSTOM_PLACEHOLDER))
			continue;
		value = GetConfigOption(vars[i]->name, true, false);
		saved[nsaved].name = pstrdup(vars[i]->name);
		saved[nsaved].value = value ? pstrdup(value) : NULL;
		nsaved++;
	}
	MemoryContextSwitchTo(old);
}

/* Did this value come from pg_db_role_setting? */
static bool
from_database_or_role(GucSource source)
{
	return source == PGC_S_DATABASE || source == PGC_S_USER || source == PGC_S_DATABASE_USER;
}

static const struct config_generic *
find_variable(struct config_generic **vars, int nvars, const char *name)
{
	int			i;

	for (i = 0; i < nvars; i++)
		if (strcmp(vars[i]->name, name) == 0)
			return vars[i];
	return NULL;
}

void
RdsWorkerUseServerSettings(const char *who)
{
	struct config_generic **vars;
	int			nvars;
	int			i;

	Assert(saved != NULL);
	vars = RdsGucVariables(&nvars);
	for (i = 0; i < nsaved; i++)
	{
		const struct config_generic *gconf = find_variable(vars, nvars, saved[i].name);

		if (gconf == NULL || !from_database_or_role(gconf->source))
			continue;
		/* ours are worth a line in the log; a database's DateStyle is not */
		ereport(strncmp(saved[i].name, "rds_copy.", 9) == 0 ? LOG : DEBUG1,
				(errmsg("%s ignores the database or role setting of \"%s\"; it uses the server's configuration",
						who, saved[i].name)));
		if (saved[i].value != NULL)
			SetConfigOption(saved[i].name, saved[i].value, PGC_SUSET, PGC_S_OVERRIDE);
		if (strncmp(saved[i].name, "rds_copy.", 9) == 0)
			pinned_ours = true;
	}
	SetConfigOption("search_path", PINNED_SEARCH_PATH, PGC_SUSET, PGC_S_OVERRIDE);
}

bool
RdsWorkerSettingsPinned(void)
{
	return pinned_ours;
}
