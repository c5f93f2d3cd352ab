/*-------------------------------------------------------------------------
 * guc.h
 *		The rds_copy.* settings.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_GUC_H
#define RDS_GUC_H

extern char *rds_copy_region;
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

extern void RdsDefineSettings(void);

#endif
