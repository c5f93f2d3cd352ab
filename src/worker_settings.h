/*-------------------------------------------------------------------------
 * worker_settings.h
 *		The queue workers' settings: the server's configuration, never a
 *		database's or a role's.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_WORKER_SETTINGS_H
#define RDS_WORKER_SETTINGS_H

/*
 * Save every setting a session could change, as the server's
 * configuration has it.  Call in a background worker before it connects
 * to a database.
 */
extern void RdsWorkerSaveServerSettings(void);

/*
 * After connecting: put back every saved setting that a database or role
 * setting changed (each logged once, naming who: "rds_copy queue
 * worker"), and pin search_path to "pg_catalog, pg_temp".  The values
 * hold until the worker exits; a reload changes the others as usual.
 */
extern void RdsWorkerUseServerSettings(const char *who);

/*
 * Did RdsWorkerUseServerSettings put back an rds_copy.* setting?  Then a
 * reload cannot change it: the worker must start again to read it.
 */
extern bool RdsWorkerSettingsPinned(void);

#endif
