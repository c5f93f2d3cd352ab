/*-------------------------------------------------------------------------
 * sigv4.c
 *		AWS Signature Version 4, written on OpenSSL.
 *
 * Canonical request, string to sign, signing-key derivation, the
 * Authorization header of a POST, and query-string (pre-signed URL)
 * authentication.  Encoding of names and values comes from awsquery.c.
 * No I/O, no settings, no PostgreSQL: the clock is passed in.
 *
 * Speed: the SHA-256 and HMAC implementations are fetched once and their
 * contexts reused, and the derived signing key is cached per secret, day,
 * region and service (one entry: a backend signs with one identity), so a
 * signature costs three SHA-256 (one of the secret, to match the cache)
 * and one HMAC.  Every buffer that held a secret or a canonical request
 * (which holds the session token) is wiped (buf.c).  Needs OpenSSL 3.
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "sigv4.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SHA256_LEN 32

/* sha256("") -- the payload hash of a pre-signed GET */
static const char empty_payload_hash[] =
"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/* Fetched once per process; a backend is single-threaded. */
static EVP_MD *sha256_md = NULL;
static EVP_MD_CTX *sha256_ctx = NULL;
static EVP_MAC_CTX *hmac_ctx = NULL;

/*
 * The last derived signing key and what it was derived from.  The secret
 * itself is not kept: only its SHA-256, to tell whether the next
 * signature uses the same one (credentials.c keeps the secret masked
 * between calls, and the process's memory must not hold it in clear).
 */
static struct
{
	bool		valid;
	unsigned char secret_hash[SHA256_LEN];
	char		date8[9];
	char		region[64];
	char		service[32];
	unsigned char key[SHA256_LEN];
} key_cache;

static bool
crypto_ready(void)
{
	if (sha256_md == NULL)
		sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (sha256_ctx == NULL)
		sha256_ctx = EVP_MD_CTX_new();
	if (hmac_ctx == NULL)
	{
		EVP_MAC   *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
		OSSL_PARAM	params[] = {
			OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
			OSSL_PARAM_construct_end()
		};

		if (mac != NULL)
		{
			hmac_ctx = EVP_MAC_CTX_new(mac);
			EVP_MAC_free(mac);
			if (hmac_ctx != NULL && !EVP_MAC_CTX_set_params(hmac_ctx, params))
			{
				EVP_MAC_CTX_free(hmac_ctx);
				hmac_ctx = NULL;
			}
		}
	}
	return sha256_md != NULL && sha256_ctx != NULL && hmac_ctx != NULL;
}

void
SigV4ForgetKeys(void)
{
	explicit_bzero(&key_cache, sizeof(key_cache));
}

static void
to_hex(const unsigned char *bin, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t		i;

	for (i = 0; i < len; i++)
	{
		out[2 * i] = hex[bin[i] >> 4];
		out[2 * i + 1] = hex[bin[i] & 15];
	}
	out[2 * len] = '\0';
}

bool
SigV4Sha256Hex(const void *data, size_t len, char *out)
{
	unsigned char md[SHA256_LEN];
	unsigned int mdlen = 0;

	if (!crypto_ready() ||
		!EVP_DigestInit_ex2(sha256_ctx, sha256_md, NULL) ||
		!EVP_DigestUpdate(sha256_ctx, data, len) ||
		!EVP_DigestFinal_ex(sha256_ctx, md, &mdlen) || mdlen != SHA256_LEN)
		return false;
	to_hex(md, SHA256_LEN, out);
	return true;
}

static bool
hmac_sha256(const void *key, size_t keylen, const char *msg, size_t msglen,
			unsigned char *out)
{
	size_t		outlen = 0;

	return crypto_ready() &&
		EVP_MAC_init(hmac_ctx, key, keylen, NULL) &&
		EVP_MAC_update(hmac_ctx, (const unsigned char *) msg, msglen) &&
		EVP_MAC_final(hmac_ctx, out, &outlen, SHA256_LEN) && outlen == SHA256_LEN;
}

/* SHA-256 of a secret (the key cache's identity of it) into out */
static bool
secret_hash(const char *secret, unsigned char *out)
{
	unsigned int mdlen = 0;

	return crypto_ready() &&
		EVP_DigestInit_ex2(sha256_ctx, sha256_md, NULL) &&
		EVP_DigestUpdate(sha256_ctx, secret, strlen(secret)) &&
		EVP_DigestFinal_ex(sha256_ctx, out, &mdlen) && mdlen == SHA256_LEN;
}

static bool
key_cache_hit(const unsigned char *hash, const char *date8, const char *region,
			  const char *service)
{
	return key_cache.valid && memcmp(key_cache.secret_hash, hash, SHA256_LEN) == 0 &&
		strcmp(key_cache.date8, date8) == 0 && strcmp(key_cache.region, region) == 0 &&
		strcmp(key_cache.service, service) == 0;
}

static void
key_cache_store(const unsigned char *hash, const char *date8, const char *region,
				const char *service, const unsigned char *key)
{
	SigV4ForgetKeys();
	if (strlen(region) >= sizeof(key_cache.region) ||
		strlen(service) >= sizeof(key_cache.service))
		return;
	memcpy(key_cache.secret_hash, hash, SHA256_LEN);
	strcpy(key_cache.date8, date8);
	strcpy(key_cache.region, region);
	strcpy(key_cache.service, service);
	memcpy(key_cache.key, key, SHA256_LEN);
	key_cache.valid = true;
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request") */
static bool
derive_signing_key(const char *secret, const char *date8, const char *region,
				   const char *service, unsigned char *key)
{
	RdsBuf		k = RDS_BUF_INIT;
	unsigned char a[SHA256_LEN];
	unsigned char b[SHA256_LEN];
	unsigned char hash[SHA256_LEN];
	bool		ok;

	if (!secret_hash(secret, hash))
		return false;
	if (key_cache_hit(hash, date8, region, service))
	{
		memcpy(key, key_cache.key, SHA256_LEN);
		return true;
	}
	RdsBufAppendStr(&k, "AWS4");
	RdsBufAppendStr(&k, secret);
	ok = !RdsBufFailed(&k) &&
		hmac_sha256(k.data, k.len, date8, strlen(date8), a) &&
		hmac_sha256(a, SHA256_LEN, region, strlen(region), b) &&
		hmac_sha256(b, SHA256_LEN, service, strlen(service), a) &&
		hmac_sha256(a, SHA256_LEN, "aws4_request", 12, key);
	if (ok)
		key_cache_store(hash, date8, region, service, key);
	RdsBufWipe(&k);
	explicit_bzero(a, sizeof(a));
	explicit_bzero(b, sizeof(b));
	return ok;
}

static bool
format_amz_date(time_t now, char *amz_date)
{
	struct tm	tm;

	if (gmtime_r(&now, &tm) == NULL)
		return false;
	return strftime(amz_date, SIGV4_AMZ_DATE_LEN + 1, "%Y%m%dT%H%M%SZ", &tm)
		== SIGV4_AMZ_DATE_LEN;
}

/* Hex signature (65 bytes) of canonical_request for the given scope. */
static bool
sign_canonical(const SigV4Credentials *creds, const SigV4Scope *scope,
			   const char *amz_date, const RdsBuf *canonical_request,
			   char *signature)
{
	char		date8[9];
	char		creq_hash[2 * SHA256_LEN + 1];
	RdsBuf		sts = RDS_BUF_INIT;
	unsigned char key[SHA256_LEN];
	unsigned char sig[SHA256_LEN];
	bool		ok;

	memcpy(date8, amz_date, 8);
	date8[8] = '\0';
	if (!SigV4Sha256Hex(canonical_request->data, canonical_request->len, creq_hash))
		return false;

	RdsBufAppendStr(&sts, SIGV4_ALGORITHM "\n");
	RdsBufAppendStr(&sts, amz_date);
	RdsBufAppendChar(&sts, '\n');
	RdsBufAppendStr(&sts, date8);
	RdsBufAppendChar(&sts, '/');
	RdsBufAppendStr(&sts, scope->region);
	RdsBufAppendChar(&sts, '/');
	RdsBufAppendStr(&sts, scope->service);
	RdsBufAppendStr(&sts, "/aws4_request\n");
	RdsBufAppendStr(&sts, creq_hash);

	ok = !RdsBufFailed(&sts) &&
		derive_signing_key(creds->secret_access_key, date8, scope->region,
						   scope->service, key) &&
		hmac_sha256(key, SHA256_LEN, sts.data, sts.len, sig);
	if (ok)
		to_hex(sig, SHA256_LEN, signature);
	explicit_bzero(key, sizeof(key));
	RdsBufFree(&sts);
	return ok;
}

static void
append_credential(RdsBuf *out, const SigV4Credentials *creds,
				  const SigV4Scope *scope, const char *amz_date)
{
	RdsBufAppendStr(out, creds->access_key_id);
	RdsBufAppendChar(out, '/');
	RdsBufAppend(out, amz_date, 8);
	RdsBufAppendChar(out, '/');
	RdsBufAppendStr(out, scope->region);
	RdsBufAppendChar(out, '/');
	RdsBufAppendStr(out, scope->service);
	RdsBufAppendStr(out, "/aws4_request");
}

static bool
has_token(const SigV4Credentials *creds)
{
	return creds->session_token != NULL && creds->session_token[0] != '\0';
}

bool
SigV4SignPost(const SigV4Credentials *creds, const SigV4Scope *scope,
			  const char *content_type, const char *body, size_t body_len,
			  time_t now, char *amz_date, RdsBuf *authorization)
{
	RdsBuf		creq = RDS_BUF_INIT;
	char		payload_hash[2 * SHA256_LEN + 1];
	char		signature[2 * SHA256_LEN + 1];
	const char *signed_headers;
	bool		ok;

	if (!format_amz_date(now, amz_date) ||
		!SigV4Sha256Hex(body, body_len, payload_hash))
		return false;

	signed_headers = has_token(creds)
		? "content-type;host;x-amz-date;x-amz-security-token"
		: "content-type;host;x-amz-date";

	RdsBufAppendStr(&creq, "POST\n/\n\n");
	RdsBufAppendStr(&creq, "content-type:");
	RdsBufAppendStr(&creq, content_type);
	RdsBufAppendStr(&creq, "\nhost:");
	RdsBufAppendStr(&creq, scope->host);
	RdsBufAppendStr(&creq, "\nx-amz-date:");
	RdsBufAppendStr(&creq, amz_date);
	RdsBufAppendChar(&creq, '\n');
	if (has_token(creds))
	{
		RdsBufAppendStr(&creq, "x-amz-security-token:");
		RdsBufAppendStr(&creq, creds->session_token);
		RdsBufAppendChar(&creq, '\n');
	}
	RdsBufAppendChar(&creq, '\n');
	RdsBufAppendStr(&creq, signed_headers);
	RdsBufAppendChar(&creq, '\n');
	RdsBufAppendStr(&creq, payload_hash);

	ok = !RdsBufFailed(&creq) &&
		sign_canonical(creds, scope, amz_date, &creq, signature);
	RdsBufFree(&creq);
	if (!ok)
		return false;

	RdsBufAppendStr(authorization, SIGV4_ALGORITHM " Credential=");
	append_credential(authorization, creds, scope, amz_date);
	RdsBufAppendStr(authorization, ", SignedHeaders=");
	RdsBufAppendStr(authorization, signed_headers);
	RdsBufAppendStr(authorization, ", Signature=");
	RdsBufAppendStr(authorization, signature);
	return !RdsBufFailed(authorization);
}

/* An encoded name=value pair of a query string, for sorting. */
typedef struct EncodedPair
{
	char	   *name;
	char	   *value;
} EncodedPair;

static int
compare_pairs(const void *a, const void *b)
{
	const EncodedPair *pa = a;
	const EncodedPair *pb = b;
	int			c = strcmp(pa->name, pb->name);

	return c != 0 ? c : strcmp(pa->value, pb->value);
}

static char *
uri_encode_dup(const char *s)
{
	RdsBuf		b = RDS_BUF_INIT;

	AwsUriEncode(&b, s, strlen(s));
	if (RdsBufFailed(&b))
	{
		RdsBufFree(&b);
		return NULL;
	}
	if (b.data == NULL)
		return strdup("");
	return b.data;
}

/* Append "n=v&n=v" of params, RFC 3986 encoded, in list order. */
static void
append_encoded_query(RdsBuf *out, const AwsQuery *params)
{
	int			i;

	for (i = 0; i < params->count; i++)
	{
		if (out->len > 0 && out->data[out->len - 1] != '?')
			RdsBufAppendChar(out, '&');
		AwsUriEncode(out, params->params[i].name, strlen(params->params[i].name));
		RdsBufAppendChar(out, '=');
		AwsUriEncode(out, params->params[i].value, strlen(params->params[i].value));
	}
}

/* The canonical query string: encoded pairs sorted by name, then value. */
static bool
append_canonical_query(RdsBuf *out, const AwsQuery *all)
{
	EncodedPair *pairs;
	int			i;
	bool		ok = true;

	pairs = calloc(all->count ? all->count : 1, sizeof(EncodedPair));
	if (pairs == NULL)
		return false;
	for (i = 0; i < all->count && ok; i++)
	{
		pairs[i].name = uri_encode_dup(all->params[i].name);
		pairs[i].value = uri_encode_dup(all->params[i].value);
		ok = pairs[i].name != NULL && pairs[i].value != NULL;
	}
	if (ok)
	{
		qsort(pairs, all->count, sizeof(EncodedPair), compare_pairs);
		for (i = 0; i < all->count; i++)
		{
			if (i > 0)
				RdsBufAppendChar(out, '&');
			RdsBufAppendStr(out, pairs[i].name);
			RdsBufAppendChar(out, '=');
			RdsBufAppendStr(out, pairs[i].value);
		}
	}
	/* the encoded X-Amz-Security-Token is among them */
	for (i = 0; i < all->count; i++)
	{
		RdsStrWipe(&pairs[i].name);
		RdsStrWipe(&pairs[i].value);
	}
	free(pairs);
	return ok && !RdsBufFailed(out);
}

bool
SigV4PresignUrl(const SigV4Credentials *creds, const SigV4Scope *scope,
				const char *scheme, const AwsQuery *params,
				time_t now, int expires, RdsBuf *url)
{
	char		amz_date[SIGV4_AMZ_DATE_LEN + 1];
	char		expires_str[16];
	char		signature[2 * SHA256_LEN + 1];
	RdsBuf		credential = RDS_BUF_INIT;
	AwsQuery	auth = AWS_QUERY_INIT;
	AwsQuery	all = AWS_QUERY_INIT;
	RdsBuf		creq = RDS_BUF_INIT;
	bool		ok;

	if (!format_amz_date(now, amz_date))
		return false;
	snprintf(expires_str, sizeof(expires_str), "%d", expires);
	append_credential(&credential, creds, scope, amz_date);

	AwsQueryAdd(&auth, "X-Amz-Algorithm", SIGV4_ALGORITHM);
	AwsQueryAdd(&auth, "X-Amz-Credential", RdsBufStr(&credential));
	AwsQueryAdd(&auth, "X-Amz-Date", amz_date);
	AwsQueryAdd(&auth, "X-Amz-Expires", expires_str);
	AwsQueryAdd(&auth, "X-Amz-SignedHeaders", "host");
	if (has_token(creds))
		AwsQueryAdd(&auth, "X-Amz-Security-Token", creds->session_token);
	AwsQueryCopy(&all, params);
	AwsQueryCopy(&all, &auth);

	RdsBufAppendStr(&creq, "GET\n/\n");
	ok = !RdsBufFailed(&credential) && !all.failed &&
		append_canonical_query(&creq, &all);
	RdsBufAppendStr(&creq, "\nhost:");
	RdsBufAppendStr(&creq, scope->host);
	RdsBufAppendStr(&creq, "\n\nhost\n");
	RdsBufAppendStr(&creq, empty_payload_hash);
	ok = ok && !RdsBufFailed(&creq) &&
		sign_canonical(creds, scope, amz_date, &creq, signature);

	if (ok)
	{
		RdsBufAppendStr(url, scheme);
		RdsBufAppendStr(url, "://");
		RdsBufAppendStr(url, scope->host);
		RdsBufAppendStr(url, "/?");
		append_encoded_query(url, params);
		append_encoded_query(url, &auth);
		RdsBufAppendStr(url, "&X-Amz-Signature=");
		RdsBufAppendStr(url, signature);
		ok = !RdsBufFailed(url);
	}
	RdsBufFree(&credential);
	RdsBufFree(&creq);
	AwsQueryFree(&auth);
	AwsQueryFree(&all);
	return ok;
}
