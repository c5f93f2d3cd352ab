/*-------------------------------------------------------------------------
 * http.c
 *		libcurl transport: TLS, timeouts, size caps and interrupts.
 *
 * One easy handle lives for the whole backend so that consecutive calls
 * reuse the connection and TLS session; it is reset and configured afresh
 * only when the URL, CA file, timeouts, size cap or method change
 * (curl_easy_reset keeps the connection).
 * TLS verification is always on; redirects are never followed; gzip is
 * never asked for; HTTP/1.1, as the AWS SDKs use for Query APIs; a
 * request is never sent twice by libcurl itself (see on_prereq).  libcurl's callbacks never raise: they record what
 * happened and return an abort code, and this file raises (a cancel via
 * CHECK_FOR_INTERRUPTS) only after libcurl has returned and its objects
 * are freed.  Replies are not parsed here.
 *
 * Secrets: libcurl allocates through buf.c's wiping allocator
 * (curl_global_init_mem), so its request buffers and header lists are
 * wiped when freed; OpenSSL cleanses decrypted records
 * (SSL_OP_CLEANSE_PLAINTEXT); a reply that holds credentials (STS,
 * container, IMDS) runs on a handle of its own, cleaned up right after, so
 * that libcurl's receive buffer does not keep it.  Proxies: exactly the
 * one the caller names (CURLOPT_PROXY, CURLOPT_NOPROXY set every time), so
 * libcurl never reads the proxy variables of the environment itself.
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <strings.h>

#include <openssl/ssl.h>

#include "miscadmin.h"
#include "storage/ipc.h"

#include "compat.h"
#include "http.h"

#define RDS_HTTP_MAX_HEADER_BYTES (64 * 1024)
#define RDS_HTTP_LOW_SPEED_SECONDS 10L
#define RDS_HTTP_MAX_URL 2048
#define RDS_HTTP_MAX_PATH 1024

static CURL *rds_curl = NULL;

/*
 * What the handle was last configured with (set_config): the options that
 * stay the same from one call to the next.  While they do, a call only sets
 * what is its own (body, headers, callback data) instead of
 * curl_easy_reset() and some thirty options.
 */
typedef struct HandleConfig
{
	bool		valid;
	RdsHttpMethod method;
	bool		allow_http;
	long		connect_timeout_ms;
	long		timeout_ms;
	size_t		max_response;
	char		url[RDS_HTTP_MAX_URL];
	char		ca_file[RDS_HTTP_MAX_PATH];
	char		proxy[RDS_HTTP_MAX_URL];
} HandleConfig;

static HandleConfig rds_curl_config;

/* What the callbacks saw during one transfer. */
typedef struct TransferState
{
	RdsHttpResponse *resp;
	int			sends;			/* times libcurl was about to send the request */
	bool		resend_refused; /* libcurl wanted to send the request again */
	size_t		max_response;
	size_t		header_bytes;
	bool		too_large;
	bool		interrupted;
} TransferState;

static void
release_curl(int code, Datum arg)
{
	if (rds_curl != NULL)
	{
		curl_easy_cleanup(rds_curl);
		rds_curl = NULL;
		rds_curl_config.valid = false;
	}
}

/*
 * libcurl's global set-up, once per process, with the wiping allocator.
 * (If another library of the process initialised libcurl first, libcurl
 * keeps its allocator; the wiping then rests on the other measures.)
 */
static bool
global_init(void)
{
	static bool done = false;

	if (!done)
	{
		if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, RdsWipingMalloc, RdsWipingFree,
								 RdsWipingRealloc, RdsWipingStrdup,
								 RdsWipingCalloc) != CURLE_OK)
			return false;
		done = true;
	}
	return true;
}

void
RdsHttpDropHandle(void)
{
	release_curl(0, (Datum) 0);
}

static CURL *
get_handle(void)
{
	if (rds_curl == NULL)
	{
		static bool registered = false;

		if (!global_init())
			return NULL;
		rds_curl = curl_easy_init();
		rds_curl_config.valid = false;
		if (rds_curl != NULL && !registered)
		{
			on_proc_exit(release_curl, (Datum) 0);
			registered = true;
		}
	}
	return rds_curl;
}

/*
 * Called before each send of the request.  libcurl sends a request again
 * on its own when a reused connection dies before any reply -- a request
 * that AWS may have carried out.  Refuse a second send, so that the
 * transfer fails as "outcome unknown" and the caller's retries, which know
 * how to reconcile, decide.
 */
static int
on_prereq(void *arg, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
	TransferState *st = arg;

	if (++st->sends > 1)
	{
		st->resend_refused = true;
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	TransferState *st = arg;
	size_t		n = size * nmemb;

	if (n > st->max_response || st->resp->body.len > st->max_response - n)
	{
		st->too_large = true;
		return 0;
	}
	RdsBufAppend(&st->resp->body, data, n);
	return RdsBufFailed(&st->resp->body) ? 0 : n;
}

/* Copy the value of "Name: value\r\n" into dst when the name matches. */
static void
take_header(const char *line, size_t len, const char *name, char *dst, size_t dstlen)
{
	size_t		nlen = strlen(name);
	size_t		vlen;

	if (len <= nlen + 1 || strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
		return;
	line += nlen + 1;
	len -= nlen + 1;
	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	vlen = Min(len, dstlen - 1);
	memcpy(dst, line, vlen);
	dst[vlen] = '\0';
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	TransferState *st = arg;
	size_t		n = size * nmemb;

	st->header_bytes += n;
	if (st->header_bytes > RDS_HTTP_MAX_HEADER_BYTES)
	{
		st->too_large = true;
		return 0;
	}
	take_header(data, n, "x-amzn-RequestId", st->resp->request_id, sizeof(st->resp->request_id));
	take_header(data, n, "Date", st->resp->date, sizeof(st->resp->date));
	return n;
}

/*
 * Each new TLS context (libcurl makes one per connection): cleanse
 * decrypted application data once libcurl has read it, and when the
 * connection is freed (OpenSSL 3.0's SSL_OP_CLEANSE_PLAINTEXT).
 */
static CURLcode
on_ssl_ctx(CURL *h, void *ssl_ctx, void *arg)
{
	SSL_CTX_set_options((SSL_CTX *) ssl_ctx, SSL_OP_CLEANSE_PLAINTEXT);
	return CURLE_OK;
}

/* Called by libcurl at least once a second: abort on cancel or termination. */
static int
on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
			curl_off_t ultotal, curl_off_t ulnow)
{
	TransferState *st = arg;

	if (QueryCancelPending || ProcDiePending)
	{
		st->interrupted = true;
		return 1;
	}
	return 0;
}

static RdsHttpFailure
classify(CURLcode rc, const TransferState *st)
{
	switch (rc)
	{
		case CURLE_OK:
			return RDS_HTTP_OK;
		case CURLE_FILESIZE_EXCEEDED:
			return RDS_HTTP_TOO_LARGE;
		case CURLE_WRITE_ERROR:
			return st->too_large ? RDS_HTTP_TOO_LARGE : RDS_HTTP_BROKEN;
		case CURLE_OPERATION_TIMEDOUT:
			return RDS_HTTP_TIMEOUT;
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
		case CURLE_COULDNT_CONNECT:
			return RDS_HTTP_CONNECT_FAILED;
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CIPHER:
		case CURLE_SSL_ISSUER_ERROR:
		case CURLE_SSL_CRL_BADFILE:
			return RDS_HTTP_TLS_FAILED;
		case CURLE_OUT_OF_MEMORY:
		case CURLE_FAILED_INIT:
			return RDS_HTTP_INTERNAL;
		default:
			return RDS_HTTP_BROKEN;
	}
}

/* Is the kept handle configured for req already? */
static bool
config_matches(const RdsHttpRequest *req)
{
	const HandleConfig *c = &rds_curl_config;
	const char *ca_file = req->ca_file ? req->ca_file : "";
	const char *proxy = req->proxy ? req->proxy : "";

	return c->valid && c->method == req->method && c->allow_http == req->allow_http &&
		c->connect_timeout_ms == req->connect_timeout_ms &&
		c->timeout_ms == req->timeout_ms && c->max_response == req->max_response &&
		strcmp(c->url, req->url) == 0 && strcmp(c->ca_file, ca_file) == 0 &&
		strcmp(c->proxy, proxy) == 0;
}

/*
 * Reset the handle and set every option that does not change from one
 * request to the next; for the kept handle (c not NULL), remember them
 * when they fit (a URL, CA path or proxy too long to remember means the
 * handle is configured afresh every time).
 */
static bool
set_config(CURL *h, const RdsHttpRequest *req, HandleConfig *c)
{
	bool		ok = true;
	const char *proxy = req->proxy ? req->proxy : "";

	if (c != NULL)
		c->valid = false;
	curl_easy_reset(h);
#define SETOPT(opt, val) ok = ok && curl_easy_setopt(h, opt, val) == CURLE_OK
	SETOPT(CURLOPT_URL, req->url);
	/* the proxy, or none; "*": no host is proxied, whatever the environment */
	SETOPT(CURLOPT_PROXY, proxy);
	SETOPT(CURLOPT_NOPROXY, proxy[0] != '\0' ? "" : "*");
	SETOPT(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	ok = ok && RDS_CURL_SET_PROTOCOLS(h, req->allow_http) == CURLE_OK;
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	if (req->ca_file != NULL && req->ca_file[0] != '\0')
		SETOPT(CURLOPT_CAINFO, req->ca_file);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	SETOPT(CURLOPT_TIMEOUT_MS, req->timeout_ms);
	SETOPT(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SETOPT(CURLOPT_LOW_SPEED_TIME, RDS_HTTP_LOW_SPEED_SECONDS);
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) req->max_response);
	SETOPT(CURLOPT_USERAGENT, "rds_copy/1.0");
	switch (req->method)
	{
		case RDS_HTTP_POST:
			SETOPT(CURLOPT_POST, 1L);
			break;
		case RDS_HTTP_PUT:
			SETOPT(CURLOPT_POST, 1L);
			SETOPT(CURLOPT_CUSTOMREQUEST, "PUT");
			break;
		case RDS_HTTP_GET:
			SETOPT(CURLOPT_HTTPGET, 1L);
			break;
	}
	SETOPT(CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(CURLOPT_XFERINFOFUNCTION, on_progress);
	SETOPT(CURLOPT_NOPROGRESS, 0L);
	SETOPT(CURLOPT_PREREQFUNCTION, on_prereq);
#undef SETOPT
	/* OpenSSL only: another TLS backend has no SSL_CTX (and no such option) */
	(void) curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	if (ok && c != NULL && strlen(req->url) < sizeof(c->url) &&
		(req->ca_file == NULL || strlen(req->ca_file) < sizeof(c->ca_file)) &&
		strlen(proxy) < sizeof(c->proxy))
	{
		c->method = req->method;
		c->allow_http = req->allow_http;
		c->connect_timeout_ms = req->connect_timeout_ms;
		c->timeout_ms = req->timeout_ms;
		c->max_response = req->max_response;
		strlcpy(c->url, req->url, sizeof(c->url));
		strlcpy(c->ca_file, req->ca_file ? req->ca_file : "", sizeof(c->ca_file));
		strlcpy(c->proxy, proxy, sizeof(c->proxy));
		c->valid = true;
	}
	return ok;
}

/* The options of this request alone: its body, headers and state. */
static bool
set_options(CURL *h, bool kept, const RdsHttpRequest *req, struct curl_slist *headers,
			TransferState *st, char *errbuf)
{
	bool		ok = kept ? (config_matches(req) || set_config(h, req, &rds_curl_config))
		: set_config(h, req, NULL);

#define SETOPT(opt, val) ok = ok && curl_easy_setopt(h, opt, val) == CURLE_OK
	SETOPT(CURLOPT_ERRORBUFFER, errbuf);
	switch (req->method)
	{
		case RDS_HTTP_POST:
			SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
			SETOPT(CURLOPT_POSTFIELDS, req->body);
			break;
		case RDS_HTTP_PUT:
			SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) 0);
			SETOPT(CURLOPT_POSTFIELDS, "");
			break;
		case RDS_HTTP_GET:
			break;
	}
	SETOPT(CURLOPT_HTTPHEADER, headers);
	SETOPT(CURLOPT_WRITEDATA, st);
	SETOPT(CURLOPT_HEADERDATA, st);
	SETOPT(CURLOPT_XFERINFODATA, st);
	SETOPT(CURLOPT_PREREQDATA, st);
#undef SETOPT
	if (!ok && kept)
		rds_curl_config.valid = false;
	return ok;
}

void
RdsHttpSend(const RdsHttpRequest *req, RdsHttpResponse *resp)
{
	CURL	   *h;
	struct curl_slist *headers = NULL;
	TransferState st;
	char		errbuf[CURL_ERROR_SIZE];
	CURLcode	rc = CURLE_FAILED_INIT;
	int			i;
	bool		kept = !req->secret_reply;

	memset(resp, 0, sizeof(*resp));
	memset(&st, 0, sizeof(st));
	errbuf[0] = '\0';
	st.resp = resp;
	st.max_response = req->max_response;

	/* a reply with credentials: a handle of its own, cleaned up below */
	h = kept ? get_handle() : (global_init() ? curl_easy_init() : NULL);
	for (i = 0; h != NULL && i < req->nheaders; i++)
	{
		struct curl_slist *next = curl_slist_append(headers, req->headers[i]);

		if (next == NULL)
		{
			h = NULL;
			break;
		}
		headers = next;
	}
	if (h != NULL)
	{
		/* an empty Expect: stops libcurl waiting for 100-continue */
		struct curl_slist *next = curl_slist_append(headers, "Expect:");

		if (next != NULL)
		{
			headers = next;
			if (set_options(h, kept, req, headers, &st, errbuf))
			{
				RdsReportWaitStart(RDS_WAIT_HTTP_REQUEST);
				rc = curl_easy_perform(h);
				RdsReportWaitEnd();
			}
		}
	}

	if (h != NULL)
	{
		curl_off_t	total = 0;

		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
		curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &total);
		curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &resp->new_connections);

		/*
		 * libcurl calls on_prereq once the connection (and TLS session) is
		 * up, before the request goes out, on every version we support;
		 * CURLINFO_PRETRANSFER_TIME_T is no such sign (libcurl 8.x sets it
		 * on a failed connect too).
		 */
		resp->connected = st.sends > 0 || resp->status != 0;
		resp->elapsed_ms = total / 1000.0;
		/* the handle must not keep pointers into this call's memory */
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
		if (req->method == RDS_HTTP_POST)
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, NULL);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, NULL);
		curl_easy_setopt(h, CURLOPT_PREREQDATA, NULL);
		if (!kept)
			curl_easy_cleanup(h);	/* its connection and buffers, wiped */
	}
	curl_slist_free_all(headers);

	resp->failure = h == NULL ? RDS_HTTP_INTERNAL : classify(rc, &st);
	if (st.resend_refused && resp->failure == RDS_HTTP_OK)
		resp->failure = RDS_HTTP_BROKEN;
	strlcpy(resp->error, errbuf[0] ? errbuf : curl_easy_strerror(rc), sizeof(resp->error));

	if (st.interrupted)
	{
		RdsHttpResponseFree(resp);
		CHECK_FOR_INTERRUPTS();
		/* the interrupt was held off: report the transfer as broken */
		resp->failure = RDS_HTTP_BROKEN;
		strlcpy(resp->error, "transfer interrupted", sizeof(resp->error));
	}
}

void
RdsHttpResponseFree(RdsHttpResponse *resp)
{
	RdsBufFree(&resp->body);
}

time_t
RdsHttpResponseDate(const RdsHttpResponse *resp)
{
	time_t		t;

	if (resp->date[0] == '\0')
		return -1;
	t = curl_getdate(resp->date, NULL);
	return t > 0 ? t : -1;
}
