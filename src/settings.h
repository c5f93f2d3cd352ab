/*-------------------------------------------------------------------------
 * settings.h
 *		The rds_copy.* settings.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_SETTINGS_H
#define RDS_SETTINGS_H

extern char *rds_copy_region;
extern char *rds_copy_allowed_regions;
extern char *rds_copy_endpoint_url;
extern char *rds_copy_ca_file;
extern char *rds_copy_profile;
extern char *rds_copy_role_arn;
extern char *rds_copy_role_external_id;
extern char *rds_copy_role_session_name;
extern int	rds_copy_connect_timeout;	/* ms */
extern int	rds_copy_request_timeout;	/* ms */
extern int	rds_copy_max_response_size; /* bytes */
extern int	rds_copy_max_attempts;
extern int	rds_copy_log_requests;	/* an elevel, or -1 for off */
extern int	rds_copy_recent_requests_size;
extern char *rds_copy_database_name;
extern int	rds_copy_queue_workers;
extern int	rds_copy_queue_naptime;	/* ms */
extern int	rds_copy_queue_poll_interval;	/* s */
extern int	rds_copy_queue_retention;	/* min, -1: keep */
extern int	rds_copy_queue_max_sends;
extern int	rds_copy_queue_max_copying;

extern void RdsDefineSettings(void);

/*
 * The region requests go to (rds_copy.region); raises 22023 with a hint
 * when none is set, or when it is not allowed (RdsRequireAllowedRegion).
 */
extern const char *RdsResolveRegion(void);

/*
 * Raise 22023 "<what> "<region>" is not allowed" unless region is a
 * region of the built-in list or, when rds_copy.allowed_regions is not
 * empty, one it lists.  what names where the region came from ("region",
 * "source_region", "rds_copy.region").  Returns only when it is allowed.
 */
extern void RdsRequireAllowedRegion(const char *region, const char *what);

#endif
