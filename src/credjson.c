/*-------------------------------------------------------------------------
 * credjson.c
 *		A small, strict JSON reader for credentials documents.
 *
 * The documents are one JSON object whose interesting members are
 * strings.  The reader accepts any valid JSON value for the other members
 * (skipping nested objects and arrays up to a fixed depth), decodes string
 * escapes including \uXXXX surrogate pairs into UTF-8, and refuses
 * anything else.  Errors never quote the document.  No PostgreSQL here.
 *-------------------------------------------------------------------------
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "buf.h"
#include "credjson.h"

#define JSON_MAX_DEPTH 16

/* Which document is read: it decides the members kept. */
typedef enum DocKind
{
	DOC_IMDS,					/* IMDS, container endpoint */
	DOC_PROCESS,				/* credential_process: SessionToken, Version */
	DOC_SSO_TOKEN,				/* ~/.aws/sso/cache: accessToken, expiresAt */
	DOC_SSO_REPLY,				/* GetRoleCredentials: {"roleCredentials": {...}} */
	DOC_SSO_ROLE				/* its roleCredentials object */
} DocKind;

typedef struct Reader
{
	const char *p;
	const char *end;
	const char *problem;
	DocKind		kind;
	bool		process;		/* kind == DOC_PROCESS */
	bool		seen_role;		/* DOC_SSO_REPLY: roleCredentials was read */
} Reader;

static void
skip_space(Reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool
fail(Reader *r, const char *problem)
{
	if (r->problem == NULL)
		r->problem = problem;
	return false;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool
read_hex4(Reader *r, unsigned int *cp)
{
	int			i;

	*cp = 0;
	if (r->end - r->p < 4)
		return fail(r, "The document has a truncated \\u escape.");
	for (i = 0; i < 4; i++)
	{
		int			v = hex_value(r->p[i]);

		if (v < 0)
			return fail(r, "The document has a bad \\u escape.");
		*cp = (*cp << 4) | (unsigned int) v;
	}
	r->p += 4;
	return true;
}

static void
append_utf8(RdsBuf *out, unsigned int cp)
{
	char		b[4];

	if (cp < 0x80)
		RdsBufAppendChar(out, (char) cp);
	else if (cp < 0x800)
	{
		b[0] = (char) (0xC0 | (cp >> 6));
		b[1] = (char) (0x80 | (cp & 0x3F));
		RdsBufAppend(out, b, 2);
	}
	else if (cp < 0x10000)
	{
		b[0] = (char) (0xE0 | (cp >> 12));
		b[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char) (0x80 | (cp & 0x3F));
		RdsBufAppend(out, b, 3);
	}
	else
	{
		b[0] = (char) (0xF0 | (cp >> 18));
		b[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char) (0x80 | (cp & 0x3F));
		RdsBufAppend(out, b, 4);
	}
}

static bool
read_escape(Reader *r, RdsBuf *out)
{
	char		c;
	unsigned int cp;
	unsigned int low;

	if (r->p >= r->end)
		return fail(r, "The document ends inside a string.");
	c = *r->p++;
	switch (c)
	{
		case '"':
		case '\\':
		case '/':
			RdsBufAppendChar(out, c);
			return true;
		case 'b':
			RdsBufAppendChar(out, '\b');
			return true;
		case 'f':
			RdsBufAppendChar(out, '\f');
			return true;
		case 'n':
			RdsBufAppendChar(out, '\n');
			return true;
		case 'r':
			RdsBufAppendChar(out, '\r');
			return true;
		case 't':
			RdsBufAppendChar(out, '\t');
			return true;
		case 'u':
			if (!read_hex4(r, &cp))
				return false;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return fail(r, "The document has an unpaired surrogate.");
			if (cp >= 0xD800 && cp <= 0xDBFF)
			{
				if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
					return fail(r, "The document has an unpaired surrogate.");
				r->p += 2;
				if (!read_hex4(r, &low))
					return false;
				if (low < 0xDC00 || low > 0xDFFF)
					return fail(r, "The document has an unpaired surrogate.");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
			}
			if (cp == 0)
				return fail(r, "The document has a NUL character in a string.");
			append_utf8(out, cp);
			return true;
		default:
			return fail(r, "The document has an unknown escape.");
	}
}

/* Read a string (the opening quote is at r->p) into out (may be NULL). */
static bool
read_string(Reader *r, RdsBuf *out)
{
	RdsBuf		scratch = RDS_BUF_INIT;
	RdsBuf	   *dst = out ? out : &scratch;
	bool		ok = false;

	r->p++;
	while (r->p < r->end)
	{
		unsigned char c = (unsigned char) *r->p;

		if (c == '"')
		{
			r->p++;
			ok = !RdsBufFailed(dst) || fail(r, "Out of memory.");
			break;
		}
		if (c < 0x20)
		{
			fail(r, "The document has a control character in a string.");
			break;
		}
		r->p++;
		if (c == '\\')
		{
			if (!read_escape(r, dst))
				break;
		}
		else
			RdsBufAppendChar(dst, (char) c);
	}
	if (r->p >= r->end && !ok)
		fail(r, "The document ends inside a string.");
	RdsBufWipe(&scratch);
	return ok;
}

static bool read_value(Reader *r, int depth);

static bool
read_literal(Reader *r, const char *word)
{
	size_t		n = strlen(word);

	if ((size_t) (r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return fail(r, "The document is not valid JSON.");
	r->p += n;
	return true;
}

static bool
read_number(Reader *r)
{
	const char *start = r->p;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	while (r->p < r->end && strchr("0123456789.eE+-", *r->p) != NULL)
		r->p++;
	return r->p > start || fail(r, "The document is not valid JSON.");
}

/* Read "[...]" or "{...}", skipping the contents. */
static bool
read_container(Reader *r, int depth, char close)
{
	bool		first = true;

	if (depth > JSON_MAX_DEPTH)
		return fail(r, "The document nests too deeply.");
	r->p++;
	for (;;)
	{
		skip_space(r);
		if (r->p >= r->end)
			return fail(r, "The document ends too early.");
		if (*r->p == close && first)
		{
			r->p++;
			return true;
		}
		if (close == '}')
		{
			if (*r->p != '"' || !read_string(r, NULL))
				return fail(r, "The document is not valid JSON.");
			skip_space(r);
			if (r->p >= r->end || *r->p++ != ':')
				return fail(r, "The document is not valid JSON.");
		}
		if (!read_value(r, depth + 1))
			return false;
		skip_space(r);
		if (r->p >= r->end)
			return fail(r, "The document ends too early.");
		if (*r->p == close)
		{
			r->p++;
			return true;
		}
		if (*r->p++ != ',')
			return fail(r, "The document is not valid JSON.");
		first = false;
	}
}

static bool
read_value(Reader *r, int depth)
{
	skip_space(r);
	if (r->p >= r->end)
		return fail(r, "The document ends too early.");
	switch (*r->p)
	{
		case '"':
			return read_string(r, NULL);
		case '{':
			return read_container(r, depth, '}');
		case '[':
			return read_container(r, depth, ']');
		case 't':
			return read_literal(r, "true");
		case 'f':
			return read_literal(r, "false");
		case 'n':
			return read_literal(r, "null");
		default:
			return read_number(r);
	}
}

/* The member slot for a key we keep, or NULL. */
static char **
slot_for(RdsJsonCredentials *out, const char *key, DocKind kind)
{
	bool		process = kind == DOC_PROCESS;

	if (kind == DOC_SSO_TOKEN)
	{
		if (strcmp(key, "accessToken") == 0)
			return &out->token;
		if (strcmp(key, "expiresAt") == 0)
			return &out->expiration;
		return NULL;
	}
	if (kind == DOC_SSO_ROLE)
	{
		/* expiration is a number (milliseconds): read_object takes it */
		if (strcmp(key, "accessKeyId") == 0)
			return &out->access_key_id;
		if (strcmp(key, "secretAccessKey") == 0)
			return &out->secret_access_key;
		if (strcmp(key, "sessionToken") == 0)
			return &out->token;
		return NULL;
	}
	if (kind == DOC_SSO_REPLY)
		return NULL;
	if (process)
	{
		if (strcmp(key, "SessionToken") == 0)
			return &out->token;
		if (strcmp(key, "Token") == 0 || strcmp(key, "Code") == 0)
			return NULL;
	}
	if (strcmp(key, "AccessKeyId") == 0)
		return &out->access_key_id;
	if (strcmp(key, "SecretAccessKey") == 0)
		return &out->secret_access_key;
	if (strcmp(key, "Token") == 0)
		return &out->token;
	if (strcmp(key, "Expiration") == 0)
		return &out->expiration;
	if (strcmp(key, "Code") == 0)
		return &out->code;
	return NULL;
}

/*
 * GetRoleCredentials' expiration: a non-negative integer of milliseconds
 * (the API's ExpirationTimestampType, a long), at most 15 digits.
 */
static bool
read_millis(Reader *r, long long *ms)
{
	const char *start = r->p;
	long long	v = 0;

	while (r->p < r->end && *r->p >= '0' && *r->p <= '9' && r->p - start < 15)
		v = v * 10 + (*r->p++ - '0');
	if (r->p == start || (r->p < r->end && strchr("0123456789.eE+-", *r->p) != NULL))
		return fail(r, "The document's expiration is not a whole number of milliseconds.");
	if (*ms >= 0)
		return fail(r, "The document has a member twice.");
	*ms = v;
	return true;
}

static bool
read_object(Reader *r, RdsJsonCredentials *out, DocKind kind, int depth)
{
	skip_space(r);
	if (r->p >= r->end || *r->p != '{')
		return fail(r, "The document is not a JSON object.");
	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == '}')
	{
		r->p++;
		return true;
	}
	for (;;)
	{
		RdsBuf		key = RDS_BUF_INIT;
		char	  **slot;
		bool		is_version;
		bool		is_role;
		bool		is_millis;

		skip_space(r);
		if (r->p >= r->end || *r->p != '"' || !read_string(r, &key))
		{
			RdsBufFree(&key);
			return fail(r, "The document is not valid JSON.");
		}
		slot = slot_for(out, RdsBufStr(&key), kind);
		is_version = kind == DOC_PROCESS && strcmp(RdsBufStr(&key), "Version") == 0;
		is_role = kind == DOC_SSO_REPLY && strcmp(RdsBufStr(&key), "roleCredentials") == 0;
		is_millis = kind == DOC_SSO_ROLE && strcmp(RdsBufStr(&key), "expiration") == 0;
		RdsBufFree(&key);
		skip_space(r);
		if (r->p >= r->end || *r->p++ != ':')
			return fail(r, "The document is not valid JSON.");
		skip_space(r);
		if (is_version)
		{
			const char *start = r->p;

			if (!read_value(r, depth))
				return false;
			/* botocore: Version must equal 1 */
			out->version = (r->p - start == 1 && *start == '1') ? 1 : -1;
		}
		else if (is_role)
		{
			if (r->seen_role)
				return fail(r, "The document has a member twice.");
			r->seen_role = true;
			if (r->p >= r->end || *r->p != '{')
				return fail(r, "The document's roleCredentials is not an object.");
			if (!read_object(r, out, DOC_SSO_ROLE, depth + 1))
				return false;
		}
		else if (is_millis)
		{
			if (!read_millis(r, &out->expiration_ms))
				return false;
		}
		else if (slot != NULL && r->p < r->end && *r->p == '"')
		{
			RdsBuf		value = RDS_BUF_INIT;

			if (!read_string(r, &value))
			{
				RdsBufWipe(&value);
				return false;
			}
			if (*slot != NULL)
			{
				RdsBufWipe(&value);
				return fail(r, "The document has a member twice.");
			}
			*slot = value.data ? value.data : strdup("");
			if (*slot == NULL)
				return fail(r, "Out of memory.");
		}
		else if (slot != NULL)
			return fail(r, "A credentials member of the document is not a string.");
		else if (!read_value(r, depth))
			return false;
		skip_space(r);
		if (r->p >= r->end)
			return fail(r, "The document ends too early.");
		if (*r->p == '}')
		{
			r->p++;
			return true;
		}
		if (*r->p++ != ',')
			return fail(r, "The document is not valid JSON.");
	}
}

static const char *
parse_document(const char *text, size_t len, DocKind kind, RdsJsonCredentials *out)
{
	Reader		r = {text, text + len, NULL, kind, kind == DOC_PROCESS, false};
	bool		process = kind == DOC_PROCESS;

	memset(out, 0, sizeof(*out));
	out->expiration_ms = -1;
	if (read_object(&r, out, kind, 1))
	{
		skip_space(&r);
		if (r.p != r.end)
			fail(&r, "The document has text after its object.");
	}
	if (r.problem == NULL && kind == DOC_SSO_TOKEN &&
		(out->token == NULL || out->token[0] == '\0' || out->expiration == NULL))
		r.problem = "The cached token lacks accessToken or expiresAt.";
	if (r.problem == NULL && kind == DOC_SSO_REPLY && !r.seen_role)
		r.problem = "The document has no roleCredentials.";
	if (r.problem == NULL && kind != DOC_SSO_TOKEN &&
		(out->access_key_id == NULL || out->secret_access_key == NULL ||
		 out->access_key_id[0] == '\0' || out->secret_access_key[0] == '\0'))
		r.problem = kind == DOC_SSO_REPLY ?
			"The document lacks accessKeyId or secretAccessKey." :
			"The document lacks AccessKeyId or SecretAccessKey.";
	if (r.problem == NULL && kind == DOC_SSO_REPLY &&
		(out->token == NULL || out->token[0] == '\0' || out->expiration_ms < 0))
		r.problem = "The document lacks sessionToken or expiration.";
	if (r.problem == NULL && process && out->version != 1)
		r.problem = "The document's Version is not 1.";
	if (r.problem != NULL)
		RdsJsonCredentialsWipe(out);
	return r.problem;
}

const char *
RdsJsonCredentialsParse(const char *text, size_t len, RdsJsonCredentials *out)
{
	return parse_document(text, len, DOC_IMDS, out);
}

const char *
RdsJsonProcessCredentialsParse(const char *text, size_t len, RdsJsonCredentials *out)
{
	return parse_document(text, len, DOC_PROCESS, out);
}

const char *
RdsJsonSsoTokenParse(const char *text, size_t len, RdsJsonCredentials *out)
{
	return parse_document(text, len, DOC_SSO_TOKEN, out);
}

const char *
RdsJsonSsoRoleCredentialsParse(const char *text, size_t len, RdsJsonCredentials *out)
{
	return parse_document(text, len, DOC_SSO_REPLY, out);
}

bool
RdsSsoTokenCacheName(const char *start_url, const char *session_name,
					 char name[RDS_SSO_CACHE_NAME_LEN])
{
	const char *input = session_name != NULL ? session_name : start_url;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	unsigned int i;

	name[0] = '\0';
	if (input == NULL ||
		!EVP_Digest(input, strlen(input), md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return false;
	for (i = 0; i < mdlen; i++)
		snprintf(name + 2 * i, 3, "%02x", md[i]);
	strcpy(name + 40, ".json");
	return true;
}

void
RdsJsonCredentialsWipe(RdsJsonCredentials *creds)
{
	RdsStrWipe(&creds->access_key_id);
	RdsStrWipe(&creds->secret_access_key);
	RdsStrWipe(&creds->token);
	RdsStrWipe(&creds->expiration);
	RdsStrWipe(&creds->code);
	creds->expiration_ms = -1;
}
