/*-------------------------------------------------------------------------
 * credfetch.c
 *		Fetch credentials from outside: STS AssumeRole and
 *		AssumeRoleWithWebIdentity (through awsrequest.c), the container
 *		credentials endpoint, the EC2 instance metadata service (IMDSv2
 *		only; IMDSv1 is never used) and a credential_process program.
 *
 * The order of sources and the cache are credentials.c's; documents are
 * parsed by credjson.c and xmlreply.c.  Every failure of a configured source
 * is a 28000 error that names the source and the cause and never quotes a
 * secret or a document.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "miscadmin.h"
#include "portability/instr_time.h"
#include "storage/fd.h"

#include "awsfiles.h"
#include "compat.h"
#include "credfetch.h"
#include "credfile.h"
#include "credjson.h"
#include "credurl.h"
#include "settings.h"
#include "http.h"
#include "awsrequest.h"
#include "retry.h"

#define STS_API_VERSION "2011-06-15"
#define IMDS_TOKEN_TTL_HEADER "X-aws-ec2-metadata-token-ttl-seconds: 21600"
#define CONTAINER_TIMEOUT_MS 2000
#define CONTAINER_ATTEMPTS 3
#define CONTAINER_SLEEP_MS 1000
#define CREDENTIALS_DOC_MAX (64 * 1024)
#define TOKEN_FILE_MAX (64 * 1024)
#define PROCESS_OUTPUT_MAX (64 * 1024)
#define PROCESS_POLL_MS 100

static RDS_NORETURN void fail_source(const char *source, const char *detail);

static void
fail_source(const char *source, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("could not get AWS credentials from %s", source),
			 errdetail_internal("%s", detail)));
	pg_unreachable();
}

/*
 * Read a small secret file (a web identity or authorization token) into
 * malloc'd memory, trailing white space removed.  Raises when unreadable.
 */
static char *
read_token_file(const char *path, const char *source)
{
	/* read(2), not stdio: stdio's buffer would keep a copy when freed */
	int			fd = OpenTransientFile(path, O_RDONLY | PG_BINARY);
	char	   *data;
	size_t		n = 0;

	if (fd < 0)
		fail_source(source, psprintf("The token file \"%s\" cannot be read: %m.", path));
	data = malloc(TOKEN_FILE_MAX + 1);
	if (data == NULL)
	{
		CloseTransientFile(fd);
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	while (n < TOKEN_FILE_MAX + 1)
	{
		ssize_t		r = read(fd, data + n, TOKEN_FILE_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += r;
	}
	CloseTransientFile(fd);
	while (n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r' || data[n - 1] == ' '))
		n--;
	data[Min(n, TOKEN_FILE_MAX)] = '\0';
	if (n == 0 || n > TOKEN_FILE_MAX)
	{
		explicit_bzero(data, TOKEN_FILE_MAX + 1);
		free(data);
		fail_source(source, psprintf("The token file \"%s\" is empty or larger than 64 kB.", path));
	}
	return data;
}

/* Expiration (ISO-8601) into out->expiration, or raise. */
static void
set_expiration(RdsCredentials *out, const char *expiration, const char *source)
{
	if (expiration == NULL || !RdsIsoTimestampToTime(expiration, &out->expiration))
		fail_source(source, "The credentials have no valid Expiration.");
}

/* Why a failed STS call failed, as a sentence without secrets. */
static char *
call_failure_detail(const RdsRequest *call)
{
	if (call->status == RDS_REQUEST_AWS_ERROR)
		return psprintf("STS answered %s (HTTP %ld): %s",
						call->reply.error_code ? call->reply.error_code : "an error",
						call->resp.status,
						call->reply.error_message ? call->reply.error_message : "no message");
	if (call->status == RDS_REQUEST_TRANSPORT_ERROR)
		return psprintf("STS at %s could not be reached: %s", call->site.endpoint, call->resp.error);
	return psprintf("STS at %s sent a reply that is not valid: %s", call->site.endpoint,
					call->reply.invalid_reason ? call->reply.invalid_reason : "unknown problem");
}

/*
 * Run an STS action; take the credentials of its reply into *out.  A
 * transient failure (retry.c: connection failures, HTTP 5xx, throttling,
 * IDPCommunicationError) is tried again as the SDKs' standard mode does,
 * rds_copy.max_attempts in all (botocore: the same max_attempts for every
 * client, STS's included), with full-jitter backoff slept on the latch, so
 * a cancel or statement_timeout ends the wait.  Any other failure, or the
 * last attempt's, is a 28000 naming source and the cause.
 */
static void
sts_call(const AwsQuery *params, const SigV4Credentials *creds,
		 const char *source, RdsCredentials *out)
{
	const char *region = RdsResolveRegion();
	RdsEndpoint endpoint;
	RdsRequest	call;

	RdsResolveServiceEndpoint("sts", region, NULL, &endpoint);
	memset(&call, 0, sizeof(call));
	PG_TRY();
	{
		RdsStsCredentials *sts = &call.reply.credentials;
		int			attempt;

		if (params->failed)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		for (attempt = 1;; attempt++)
		{
			long		ms;

			if (RdsRequestSend(&call, "sts", region, &endpoint, params, creds) == RDS_REQUEST_OK)
				break;
			if (!RdsRetryable(&call, "sts") || attempt >= rds_copy_max_attempts)
			{
				char	   *detail = call_failure_detail(&call);

				if (attempt > 1)
					detail = psprintf("%s (attempt %d of %d)", detail, attempt,
									  rds_copy_max_attempts);
				fail_source(source, detail);
			}
			ms = RdsRetryBackoffMs(attempt);
			ereport(DEBUG1,
					(errmsg_internal("rds_copy: attempt %d of %d of STS %s failed (%s); retrying in %ld ms",
									 attempt, rds_copy_max_attempts, call.site.action,
									 call.status == RDS_REQUEST_AWS_ERROR && call.reply.error_code ?
									 call.reply.error_code : "no reply", ms)));
			RdsRequestFree(&call);
			memset(&call, 0, sizeof(call));
			RdsSleepOnLatch(ms, RDS_WAIT_RETRY_BACKOFF);
		}
		set_expiration(out, sts->expiration, source);
		out->access_key_id = sts->access_key_id;
		out->secret_access_key = sts->secret_access_key;
		out->session_token = sts->session_token;
		sts->access_key_id = sts->secret_access_key = sts->session_token = NULL;
	}
	PG_FINALLY();
	{
		RdsRequestFree(&call);
	}
	PG_END_TRY();
}

static const char *
session_name_or_default(const char *name, char *buf, size_t len)
{
	if (name != NULL && name[0] != '\0')
		return name;
	snprintf(buf, len, "rds_copy-%ld", (long) time(NULL));
	return buf;
}

void
RdsFetchWebIdentity(const char *token_file, const char *role_arn,
					const char *session_name, RdsCredentials *out)
{
	AwsQuery	params = AWS_QUERY_INIT;
	char		name_buf[64];
	char	   *token = read_token_file(token_file, "web identity");

	PG_TRY();
	{
		AwsQueryStartVersion(&params, "AssumeRoleWithWebIdentity", STS_API_VERSION);
		AwsQueryAdd(&params, "RoleArn", role_arn);
		AwsQueryAdd(&params, "RoleSessionName",
					session_name_or_default(session_name, name_buf, sizeof(name_buf)));
		AwsQueryAdd(&params, "WebIdentityToken", token);
		sts_call(&params, NULL, "web identity (STS AssumeRoleWithWebIdentity)", out);
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
		RdsStrWipe(&token);
	}
	PG_END_TRY();
	snprintf(out->source, sizeof(out->source), "web-identity:%s", role_arn);
}

void
RdsFetchAssumeRole(const RdsCredentials *base, const char *role_arn,
				   const char *external_id, const char *session_name,
				   int duration_seconds, RdsCredentials *out)
{
	AwsQuery	params = AWS_QUERY_INIT;
	SigV4Credentials sc = RdsCredentialsForSigning(base);
	char		name_buf[64];
	char		source[RDS_CREDENTIALS_SOURCE_LEN];

	snprintf(source, sizeof(source), "STS AssumeRole of \"%s\"", role_arn);
	PG_TRY();
	{
		AwsQueryStartVersion(&params, "AssumeRole", STS_API_VERSION);
		AwsQueryAdd(&params, "RoleArn", role_arn);
		AwsQueryAdd(&params, "RoleSessionName",
					session_name_or_default(session_name, name_buf, sizeof(name_buf)));
		if (external_id != NULL && external_id[0] != '\0')
			AwsQueryAdd(&params, "ExternalId", external_id);
		if (duration_seconds > 0)
		{
			char		d[16];

			snprintf(d, sizeof(d), "%d", duration_seconds);
			AwsQueryAdd(&params, "DurationSeconds", d);
		}
		sts_call(&params, &sc, source, out);
	}
	PG_FINALLY();
	{
		AwsQueryFree(&params);
	}
	PG_END_TRY();
	snprintf(out->source, sizeof(out->source), "assume-role:%s via %s", role_arn, base->source);
}

/*
 * GET or PUT url with headers; the caller frees resp.  The reply holds
 * credentials (a handle of its own, wiped).  Never through a proxy: the
 * container endpoint and IMDS are answered on the host or link, and a
 * proxy in the server's environment (http_proxy, ALL_PROXY) would see the
 * authorization token and the credentials in clear.  (botocore leaves
 * proxies out for the container endpoint but honours them for IMDS.)
 */
static void
http_fetch(RdsHttpMethod method, const char *url, const char **headers, int nheaders,
		   long timeout_ms, RdsHttpResponse *resp)
{
	RdsHttpRequest req;
	int			i;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	for (i = 0; i < nheaders && i < RDS_HTTP_MAX_HEADERS; i++)
		req.headers[req.nheaders++] = headers[i];
	req.connect_timeout_ms = timeout_ms;
	req.timeout_ms = timeout_ms;
	req.max_response = CREDENTIALS_DOC_MAX;
	req.ca_file = rds_copy_ca_file;
	req.allow_http = strncmp(url, "http://", 7) == 0;
	/* never through a proxy (req.proxy NULL), whatever the environment says */
	req.secret_reply = true;
	RdsHttpSend(&req, resp);
}

/*
 * Why resp's body is not a usable credentials document (a static
 * sentence), or NULL when it is.
 */
static const char *
json_credentials_problem(const RdsHttpResponse *resp)
{
	RdsJsonCredentials doc;
	const char *problem;
	time_t		expiration;

	problem = RdsJsonCredentialsParse(RdsBufStr(&resp->body), resp->body.len, &doc);
	if (problem == NULL && doc.code != NULL && strcmp(doc.code, "Success") != 0)
		problem = "The document's Code is not \"Success\".";
	if (problem == NULL && !RdsIsoTimestampToTime(doc.expiration ? doc.expiration : "",
												  &expiration))
		problem = "The document has no valid Expiration.";
	RdsJsonCredentialsWipe(&doc);
	return problem;
}

/* Take a JSON credentials document (resp's body) into *out, or raise. */
static void
take_json_credentials(const RdsHttpResponse *resp, const char *source, RdsCredentials *out)
{
	RdsJsonCredentials doc;
	const char *problem;

	problem = RdsJsonCredentialsParse(RdsBufStr(&resp->body), resp->body.len, &doc);
	if (problem == NULL && doc.code != NULL && strcmp(doc.code, "Success") != 0)
		problem = "The document's Code is not \"Success\".";
	if (problem == NULL && !RdsIsoTimestampToTime(doc.expiration ? doc.expiration : "",
												  &out->expiration))
		problem = "The document has no valid Expiration.";
	if (problem != NULL)
	{
		RdsJsonCredentialsWipe(&doc);
		fail_source(source, problem);
	}
	out->access_key_id = doc.access_key_id;
	out->secret_access_key = doc.secret_access_key;
	out->session_token = doc.token;
	doc.access_key_id = doc.secret_access_key = doc.token = NULL;
	RdsJsonCredentialsWipe(&doc);
}

bool
RdsContainerConfigured(void)
{
	return RdsNonEmptyEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") != NULL ||
		RdsNonEmptyEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != NULL;
}

void
RdsFetchContainer(RdsCredentials *out)
{
	const char *relative = RdsNonEmptyEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = RdsNonEmptyEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *token_file = RdsNonEmptyEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *token_env = RdsNonEmptyEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	char	   *url;
	char	   *checked;
	const char *problem;
	char	   *token = NULL;
	RdsBuf		auth = RDS_BUF_INIT;
	const char *headers[2];
	int			nheaders = 0;
	RdsHttpResponse resp;
	int			attempt;

	memset(&resp, 0, sizeof(resp));
	/* the SDKs' rule (credurl.c), and the URL as libcurl parses it */
	problem = RdsContainerUrl(relative, full, &checked);
	if (problem != NULL)
		fail_source("the container credentials endpoint", problem);
	url = pstrdup(checked);
	free(checked);
	headers[nheaders++] = "Accept: application/json";
	if (token_file != NULL)
		token = read_token_file(token_file, "the container credentials endpoint");
	else if (token_env != NULL)
		token = RdsStrdupOrRaise(token_env);

	PG_TRY();
	{
		if (token != NULL)
		{
			RdsBufAppendStr(&auth, "Authorization: ");
			RdsBufAppendStr(&auth, token);
			headers[nheaders++] = RdsBufStr(&auth);
		}
		/*
		 * botocore ContainerMetadataFetcher: RETRY_ATTEMPTS = 3 of
		 * TIMEOUT_SECONDS = 2 each, SLEEP_TIME = 1 s after a failure
		 * (connection, timeout, non-200 status, a body that is not a
		 * credentials document); the sleep is on the latch (cancellable),
		 * and not after the last attempt.
		 */
		for (attempt = 1;; attempt++)
		{
			const char *problem_now = NULL;

			http_fetch(RDS_HTTP_GET, url, headers, nheaders, CONTAINER_TIMEOUT_MS, &resp);
			if (resp.failure != RDS_HTTP_OK)
				problem_now = psprintf("%s could not be reached: %s", url, resp.error);
			else if (resp.status != 200)
				problem_now = psprintf("%s answered HTTP %ld.", url, resp.status);
			else
				problem_now = json_credentials_problem(&resp);
			if (problem_now == NULL)
				break;
			if (attempt >= CONTAINER_ATTEMPTS)
				fail_source("the container credentials endpoint",
							psprintf("%s (attempt %d of %d)", problem_now, attempt,
									 CONTAINER_ATTEMPTS));
			ereport(DEBUG1,
					(errmsg_internal("rds_copy: attempt %d of %d of the container credentials endpoint failed; retrying in %d ms",
									 attempt, CONTAINER_ATTEMPTS, CONTAINER_SLEEP_MS)));
			RdsBufWipe(&resp.body);
			memset(&resp, 0, sizeof(resp));
			RdsSleepOnLatch(CONTAINER_SLEEP_MS, RDS_WAIT_RETRY_BACKOFF);
		}
		take_json_credentials(&resp, "the container credentials endpoint", out);
	}
	PG_FINALLY();
	{
		RdsStrWipe(&token);
		RdsBufWipe(&auth);
		RdsBufWipe(&resp.body);
	}
	PG_END_TRY();
	strlcpy(out->source, "container", sizeof(out->source));
}

/*
 * One IMDS request, tried up to cfg->attempts times (botocore IMDSFetcher:
 * num_attempts, no sleep between); true when it answered 200 with a body.
 * As botocore's token request, a token PUT that timed out or was answered
 * 403, 404 or 405 is not tried again (botocore would then try IMDSv1; we
 * never do: see RdsFetchInstanceMetadata).
 */
static bool
imds_request(const RdsImdsConfig *cfg, RdsHttpMethod method, const char *url,
			 const char *header, RdsHttpResponse *resp)
{
	const char *headers[1] = {header};
	int			attempt;

	for (attempt = 1; attempt <= cfg->attempts; attempt++)
	{
		if (attempt > 1)
		{
			RdsBufWipe(&resp->body);
			memset(resp, 0, sizeof(*resp));
		}
		http_fetch(method, url, headers, 1, cfg->timeout_ms, resp);
		if (resp->failure == RDS_HTTP_OK && resp->status == 200 && resp->body.len > 0)
			return true;
		if (method == RDS_HTTP_PUT &&
			(resp->failure == RDS_HTTP_TIMEOUT || resp->status == 403 ||
			 resp->status == 404 || resp->status == 405))
			return false;
	}
	return false;
}

/*
 * IMDSv2 only.  botocore falls back to IMDSv1 (a GET without a token) when
 * the token PUT times out or is answered 403, 404 or 405, unless
 * ec2_metadata_v1_disabled; we never do: the session token (a PUT whose
 * reply does not pass an IP hop limit of 1 and is refused with an
 * X-Forwarded-For header) is what keeps a server-side request forgery, or a
 * container without the hop, from reading the instance's credentials.
 */
/*
 * The IMDS options as botocore reads each (configprovider.py): the
 * environment variable, else the key of the active profile (rds_copy.profile,
 * AWS_PROFILE, default) in the shared files, else unset (NULL).  Values are
 * palloc'd.  *from_files names the keys taken from the files ("" when none).
 */
static void
imds_option_values(const char *values[4], char *from_files, size_t len)
{
	static const char *const vars[4] = {
		"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
		"AWS_METADATA_SERVICE_TIMEOUT", "AWS_METADATA_SERVICE_NUM_ATTEMPTS"
	};
	static const char *const keys[4] = {
		"ec2_metadata_service_endpoint", "ec2_metadata_service_endpoint_mode",
		"metadata_service_timeout", "metadata_service_num_attempts"
	};
	const char *env_profile = RdsNonEmptyEnv("AWS_PROFILE");
	const char *profile = rds_copy_profile != NULL && rds_copy_profile[0] != '\0' ?
		rds_copy_profile : env_profile != NULL ? env_profile : "default";
	bool		all_set = true;
	int			i;

	from_files[0] = '\0';
	for (i = 0; i < 4; i++)
	{
		values[i] = RdsNonEmptyEnv(vars[i]);
		all_set &= values[i] != NULL;
	}
	if (all_set)
		return;
	{
		RdsSharedFiles files;
		RdsProfile	p;

		RdsSharedFilesLoad(&files);
		PG_TRY();
		{
			RdsProfileLoad(&files, profile, &p);
			for (i = 0; i < 4; i++)
			{
				const char *v;

				if (values[i] != NULL || (v = RdsProfileGet(&p, keys[i])) == NULL)
					continue;
				values[i] = pstrdup(v);
				snprintf(from_files + strlen(from_files), len - strlen(from_files), "%s%s",
						 from_files[0] ? ", " : "", keys[i]);
			}
			RdsProfileFree(&p);
		}
		PG_FINALLY();
		{
			RdsSharedFilesFree(&files);
		}
		PG_END_TRY();
		if (from_files[0] != '\0')
			snprintf(from_files + strlen(from_files), len - strlen(from_files),
					 " of AWS profile \"%s\"", profile);
	}
}

bool
RdsFetchInstanceMetadata(RdsCredentials *out)
{
	const char *disabled = RdsNonEmptyEnv("AWS_EC2_METADATA_DISABLED");
	RdsImdsConfig cfg;
	const char *values[4];
	char		from_files[512];
	const char *problem;
	RdsHttpResponse token;
	RdsHttpResponse role;
	RdsHttpResponse doc;
	RdsBuf		token_header = RDS_BUF_INIT;	/* holds the IMDS session token */
	volatile bool found = false;
	char	   *root;

	if (disabled != NULL && pg_strcasecmp(disabled, "true") == 0)
		return false;
	/* the endpoint is checked before anything is sent (credurl.c) */
	imds_option_values(values, from_files, sizeof(from_files));
	problem = RdsImdsOptions(values[0], values[1], values[2], values[3], &cfg);
	if (problem != NULL && from_files[0] != '\0')
		fail_source("the EC2 instance metadata service",
					psprintf("%s (The config file gave %s; the environment variable of the same meaning wins over it.)",
							 problem, from_files));
	if (problem != NULL)
		fail_source("the EC2 instance metadata service", problem);
	root = pstrdup(cfg.base_url);
	free(cfg.base_url);
	cfg.base_url = NULL;
	memset(&token, 0, sizeof(token));
	memset(&role, 0, sizeof(role));
	memset(&doc, 0, sizeof(doc));

	PG_TRY();
	{
		char	   *role_name;
		char	   *list_url = psprintf("%s/latest/meta-data/iam/security-credentials/", root);

		if (imds_request(&cfg, RDS_HTTP_PUT, psprintf("%s/latest/api/token", root),
						 IMDS_TOKEN_TTL_HEADER, &token))
		{
			RdsBufAppendStr(&token_header, "X-aws-ec2-metadata-token: ");
			RdsBufAppendStr(&token_header, RdsBufStr(&token.body));
			if (RdsBufFailed(&token_header))
				ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
			if (imds_request(&cfg, RDS_HTTP_GET, list_url, RdsBufStr(&token_header), &role))
			{
				role_name = pnstrdup(RdsBufStr(&role.body), strcspn(RdsBufStr(&role.body), "\r\n"));
				if (role_name[0] == '\0' || strchr(role_name, '/') != NULL)
					fail_source("the EC2 instance metadata service",
								"It names no valid IAM role.");
				if (!imds_request(&cfg, RDS_HTTP_GET, psprintf("%s%s", list_url, role_name),
								  RdsBufStr(&token_header), &doc))
					fail_source("the EC2 instance metadata service",
								psprintf("The credentials of role \"%s\" could not be read (HTTP %ld).",
										 role_name, doc.status));
				take_json_credentials(&doc, "the EC2 instance metadata service", out);
				found = true;
			}
		}
	}
	PG_FINALLY();
	{
		RdsBufWipe(&token.body);
		RdsBufWipe(&token_header);
		RdsBufFree(&role.body);
		RdsBufWipe(&doc.body);
	}
	PG_END_TRY();
	if (found)
		strlcpy(out->source, "instance-metadata", sizeof(out->source));
	return found;
}

/* --- credential_process -------------------------------------------------- */

/*
 * In the child, between fork and exec: only async-signal-safe calls.
 * stdin and stderr are /dev/null (stderr is never read, so never logged),
 * stdout is the pipe; every other descriptor of the backend is closed;
 * signals back to their defaults.
 */
static void
exec_child(int out_fd, char **argv)
{
	sigset_t	none;
	int			devnull = open("/dev/null", O_RDWR);
	int			sig;

	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(devnull, 2) < 0)
		_exit(127);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3, ~0U, 0) != 0)
#endif
	{
		int			fd;

		for (fd = 3; fd < 65536; fd++)
			close(fd);
	}
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], argv);
	_exit(127);
}

/* Stop the child (if still running) and reap it; its exit status, or -1. */
static int
reap_child(pid_t pid, bool kill_it)
{
	int			status;

	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0)
	{
		if (errno != EINTR)
			return -1;
	}
	return status;
}

static RDS_NORETURN void fail_process(const char *profile, const char *detail);

static void
fail_process(const char *profile, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("credential_process of AWS profile \"%s\" did not give credentials", profile),
			 errdetail_internal("%s", detail)));
	pg_unreachable();
}

void
RdsFetchProcess(const char *profile, const char *command, RdsCredentials *out)
{
	char	  **argv = NULL;
	int			argc;
	const char *problem = RdsShellSplit(command, &argv, &argc);
	int			fds[2] = {-1, -1};
	volatile pid_t pid = -1;
	volatile int status = -1;
	volatile bool timed_out = false;
	volatile bool too_long = false;
	RdsBuf		output = RDS_BUF_INIT;	/* holds the secrets: wiped */
	RdsJsonCredentials doc;
	sigset_t	all;
	sigset_t	old_mask;

	memset(&doc, 0, sizeof(doc));
	if (problem != NULL)
		fail_process(profile, psprintf("Its command line cannot be split into words: %s", problem));
	if (pipe2(fds, O_CLOEXEC) != 0)
	{
		RdsShellSplitFree(argv);
		fail_process(profile, psprintf("No pipe could be made: %m."));
	}
	fflush(NULL);
	/* no PostgreSQL signal handler may run in the child before exec */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old_mask);
	pid = fork();
	if (pid == 0)
		exec_child(fds[1], argv);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	close(fds[1]);
	RdsShellSplitFree(argv);
	if (pid < 0)
	{
		close(fds[0]);
		fail_process(profile, psprintf("It could not be started: %m."));
	}
	PG_TRY();
	{
		instr_time	start;
		char		chunk[4096];

		INSTR_TIME_SET_CURRENT(start);
		for (;;)
		{
			struct pollfd pfd = {fds[0], POLLIN, 0};
			instr_time	now;
			int			r;
			ssize_t		n;

			CHECK_FOR_INTERRUPTS();
			INSTR_TIME_SET_CURRENT(now);
			INSTR_TIME_SUBTRACT(now, start);
			if (INSTR_TIME_GET_MILLISEC(now) >= rds_copy_request_timeout)
			{
				timed_out = true;
				break;
			}
			r = poll(&pfd, 1, PROCESS_POLL_MS);
			if (r < 0 && errno != EINTR)
				break;
			if (r <= 0)
				continue;
			n = read(fds[0], chunk, sizeof(chunk));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				break;			/* end of output */
			if (output.len + n > PROCESS_OUTPUT_MAX)
			{
				too_long = true;
				explicit_bzero(chunk, sizeof(chunk));
				break;
			}
			RdsBufAppend(&output, chunk, n);
			explicit_bzero(chunk, n);
			if (RdsBufFailed(&output))
				ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
		}
		status = reap_child(pid, timed_out || too_long);
		pid = -1;
		if (timed_out)
			fail_process(profile, psprintf("It did not finish within rds_copy.request_timeout (%d ms) and was stopped.",
										   rds_copy_request_timeout));
		if (too_long)
			fail_process(profile, "Its output is larger than 64 kB.");
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			fail_process(profile, "It could not be run (exit status 127).");
		if (!WIFEXITED(status))
			fail_process(profile, psprintf("It was ended by signal %d.",
										   WIFSIGNALED(status) ? WTERMSIG(status) : 0));
		if (WEXITSTATUS(status) != 0)
			fail_process(profile, psprintf("It exited with status %d.", WEXITSTATUS(status)));
		problem = RdsJsonProcessCredentialsParse(RdsBufStr(&output), output.len, &doc);
		if (problem != NULL)
			fail_process(profile, problem);
		if (doc.expiration != NULL && !RdsIsoTimestampToTime(doc.expiration, &out->expiration))
			fail_process(profile, "Its Expiration is not a valid timestamp.");
		if (doc.expiration == NULL)
			out->expiration = 0;
		out->access_key_id = doc.access_key_id;
		out->secret_access_key = doc.secret_access_key;
		out->session_token = doc.token;
		doc.access_key_id = doc.secret_access_key = doc.token = NULL;
	}
	PG_FINALLY();
	{
		/* a cancel or an error: the child is killed, never left running */
		if (pid > 0)
			reap_child(pid, true);
		close(fds[0]);
		RdsBufWipe(&output);
		RdsJsonCredentialsWipe(&doc);
	}
	PG_END_TRY();
	snprintf(out->source, sizeof(out->source), "credential-process [%s]", profile);
}
