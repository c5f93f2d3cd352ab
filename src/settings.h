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
extern bool rds_copy_use_fips_endpoint;
extern bool rds_copy_use_dualstack_endpoint;
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

struct RdsEndpointOptions;

/*
 * The endpoint variant as the SDKs resolve it: FIPS and dual-stack from
 * rds_copy.use_fips_endpoint / use_dualstack_endpoint when a superuser set
 * them, else AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT when set,
 * else use_fips_endpoint / use_dualstack_endpoint of the active profile
 * (botocore: "true" in any case is true, anything else false); STS's
 * legacy global endpoint when AWS_STS_REGIONAL_ENDPOINTS, else the
 * profile's sts_regional_endpoints, is "legacy" (default "regional";
 * another value raises 22023, as botocore raises).
 */
extern void RdsResolveEndpointOptions(struct RdsEndpointOptions *opts);

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
