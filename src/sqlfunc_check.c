/*-------------------------------------------------------------------------
 * sqlfunc_check.c
 *		rds_copy.credentials() and rds_copy.check(): what a user runs to see
 *		whether the extension can work, and why not.
 *
 * credentials() shows where the credentials come from, the access key id
 * masked to its last four characters, and when they expire -- never a
 * secret.  check() runs each step of a call separately (region, endpoint,
 * CA file, credentials, one signed read-only DescribeDBClusterSnapshots)
 * and reports each as a row with ok and an actionable detail, instead of
 * stopping at the first error.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <time.h>
#include <unistd.h>

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "audit.h"
#include "awscodes.h"
#include "awsrequest.h"
#include "credentials.h"
#include "errors.h"
#include "settings.h"

PG_FUNCTION_INFO_V1(rds_copy_credentials);
PG_FUNCTION_INFO_V1(rds_copy_check);

/* "****WXYZ": the last four characters of an access key id. */
static char *
mask_key_id(const char *akid)
{
	size_t		n = strlen(akid);

	return psprintf("****%s", n > 4 ? akid + n - 4 : "");
}

static Datum
expiration_datum(time_t expiration, bool *isnull)
{
	*isnull = expiration == 0;
	return *isnull ? (Datum) 0 : TimestampTzGetDatum(time_t_to_timestamptz(expiration));
}

Datum
rds_copy_credentials(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	bool		from_cache;
	const RdsCredentials *creds;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	creds = RdsCredentialsGet(&from_cache);
	values[0] = CStringGetTextDatum(creds->source);
	values[1] = CStringGetTextDatum(mask_key_id(creds->access_key_id));
	values[2] = expiration_datum(creds->expiration, &nulls[2]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(tupdesc), values, nulls)));
}

/* One row of check(). */
static void
add_row(Tuplestorestate *store, TupleDesc tupdesc, const char *check, bool ok,
		const char *detail)
{
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	values[0] = CStringGetTextDatum(check);
	values[1] = BoolGetDatum(ok);
	values[2] = CStringGetTextDatum(detail);
	tuplestore_putvalues(store, tupdesc, values, nulls);
}

/* A step of check() and its arguments (RdsRunCatching's closure). */
typedef void (*CheckStep) (void *arg, StringInfo detail);

typedef struct StepRun
{
	CheckStep	step;
	void	   *arg;
	StringInfo	detail;
} StepRun;

static void
run_check_step(void *arg)
{
	StepRun    *run = arg;

	run->step(run->arg, run->detail);
}

/*
 * Run step; on an error other than a cancel (errors.c's rule), return the
 * error's message (and detail, and hint) instead of raising.  NULL when
 * the step succeeded.
 */
static char *
run_step(CheckStep step, void *arg, StringInfo detail)
{
	StepRun		run = {step, arg, detail};
	RdsCaughtError *e = RdsRunCatching(run_check_step, &run, CurrentMemoryContext);
	char	   *failure;

	if (e == NULL)
		return NULL;
	failure = e->detail ? psprintf("%s: %s", e->message, e->detail) : pstrdup(e->message);
	if (e->hint)
		failure = psprintf("%s (%s)", failure, e->hint);
	return failure;
}

static void
step_region(void *arg, StringInfo detail)
{
	appendStringInfo(detail, "requests go to region %s", RdsResolveRegion());
}

static void
step_endpoint(void *arg, StringInfo detail)
{
	RdsEndpoint *endpoint = arg;

	RdsResolveServiceEndpoint("rds", RdsResolveRegion(), rds_copy_endpoint_url, endpoint);
	appendStringInfo(detail, "%s", endpoint->url);
}

static void
step_ca_file(void *arg, StringInfo detail)
{
	if (rds_copy_ca_file == NULL || rds_copy_ca_file[0] == '\0')
		appendStringInfoString(detail, "the system's CA store");
	else if (access(rds_copy_ca_file, R_OK) == 0)
		appendStringInfo(detail, "\"%s\" is readable", rds_copy_ca_file);
	else
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("CA file \"%s\" (rds_copy.ca_file) cannot be read: %m", rds_copy_ca_file)));
}

static void
step_credentials(void *arg, StringInfo detail)
{
	bool		from_cache;
	const RdsCredentials *creds = RdsCredentialsGet(&from_cache);

	appendStringInfo(detail, "%s, access key %s", creds->source,
					 mask_key_id(creds->access_key_id));
	if (creds->expiration != 0)
		appendStringInfo(detail, ", expires %s",
						 timestamptz_to_str(time_t_to_timestamptz(creds->expiration)));
}

/* How far the server's clock is from the Date header of a reply. */
static void
append_clock_skew(StringInfo detail, const RdsRequest *call)
{
	time_t		server = RdsHttpResponseDate(&call->resp);

	if (server > 0)
		appendStringInfo(detail, " Clock skew: the endpoint's clock minus this server's is %+ld s.",
						 (long) (server - time(NULL)));
}

/* The audit record (audit.c) of check()'s call, as action.c leaves for every other call. */
static void
record_call(RdsAuditCall *audit, const RdsRequest *call, const char *region)
{
	audit->action = "DescribeDBClusterSnapshots";
	audit->region = region;
	audit->ok = call->status == RDS_REQUEST_OK;
	audit->aws_code = RdsRequestErrorCode(call);
	audit->request_id = call->reply.request_id;
	audit->attempts = 1;
	audit->sqlstate = RdsRequestSqlState(call);
	RdsAuditRecord(audit);
}

/* One signed, read-only call: DescribeDBClusterSnapshots, MaxRecords=20. */
static void
step_signed_call(void *arg, StringInfo detail)
{
	const char *region = RdsResolveRegion();
	RdsEndpoint *endpoint = arg;
	AwsQuery	params = AWS_QUERY_INIT;
	RdsRequest		call;
	RdsAuditCall audit;
	RdsCredentials creds;		/* clear secrets, wiped once signed */

	memset(&call, 0, sizeof(call));
	memset(&audit, 0, sizeof(audit));
	memset(&creds, 0, sizeof(creds));
	PG_TRY();
	{
		bool		from_cache;
		SigV4Credentials sc;
		const char *code;

		RdsCredentialsGetClear(&creds, &from_cache);
		sc = RdsCredentialsForSigning(&creds);
		AwsQueryStart(&params, "DescribeDBClusterSnapshots");
		AwsQueryAdd(&params, "MaxRecords", "20");
		audit.started = GetCurrentTimestamp();
		RdsRequestSend(&call, "rds", region, endpoint, &params, &sc);
		RdsCredentialsWipe(&creds);
		code = RdsRequestErrorCode(&call);
		record_call(&audit, &call, region);
		if (call.status == RDS_REQUEST_OK)
			appendStringInfo(detail, "DescribeDBClusterSnapshots answered (%d snapshot(s) on the first page, RequestId %s)",
							 call.reply.nsnapshots,
							 call.reply.request_id ? call.reply.request_id : "none");
		else if (RdsAwsCodeHas(code, RDS_AWS_CLOCK_SKEW))
		{
			resetStringInfo(detail);
			appendStringInfo(detail, "AWS answered %s.", code);
			append_clock_skew(detail, &call);
			appendStringInfoString(detail, " Check the server's clock (NTP) and the secret access key.");
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg_internal("%s", detail->data)));
		}
		else
			RdsRequestRaise(&call);
	}
	PG_FINALLY();
	{
		RdsCredentialsWipe(&creds);
		AwsQueryFree(&params);
		RdsRequestFree(&call);
	}
	PG_END_TRY();
}

Datum
rds_copy_check(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	static const struct
	{
		const char *name;
		CheckStep	step;
		bool		needs_endpoint;
	}			steps[] = {
		{"region", step_region, false},
		{"endpoint", step_endpoint, false},
		{"ca_file", step_ca_file, false},
		{"credentials", step_credentials, false},
		{"signed_call", step_signed_call, true},
	};
	RdsEndpoint endpoint;
	bool		have_endpoint = false;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	for (i = 0; i < lengthof(steps); i++)
	{
		StringInfoData detail;
		char	   *failure;

		initStringInfo(&detail);
		if (steps[i].needs_endpoint && !have_endpoint)
		{
			add_row(rsinfo->setResult, rsinfo->setDesc, steps[i].name, false,
					"skipped: no endpoint");
			continue;
		}
		failure = run_step(steps[i].step, &endpoint, &detail);
		if (steps[i].step == step_endpoint && failure == NULL)
			have_endpoint = true;
		add_row(rsinfo->setResult, rsinfo->setDesc, steps[i].name, failure == NULL,
				failure ? failure : detail.data);
	}
	return (Datum) 0;
}
