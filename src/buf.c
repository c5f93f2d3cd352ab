/*-------------------------------------------------------------------------
 * buf.c
 *		Growable malloc'd byte buffer used by the pure modules, and the
 *		wiping allocator.
 *
 * Nothing here knows PostgreSQL; see buf.h for the failure contract.  Any
 * buffer may hold a secret (a session token in a header or a canonical
 * request, a credentials reply), so every buffer is wiped before its
 * memory goes back to malloc: when it is freed, and when it grows (a new
 * block, a copy, the old block wiped: never realloc, which may leave the
 * old contents in a freed block).
 *
 * RdsWipingFree and friends are the same rule for libraries that
 * allocate through hooks (libcurl's curl_global_init_mem, libxml2's
 * xmlMemSetup): free wipes the whole usable size of the block first
 * (malloc_usable_size, glibc), realloc is malloc-copy-wipe-free.  Both
 * work on blocks that plain malloc allocated before the hooks were
 * installed.
 *-------------------------------------------------------------------------
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static bool
buf_reserve(RdsBuf *buf, size_t extra)
{
	size_t		need;
	size_t		newcap;
	char	   *newdata;

	if (buf->failed)
		return false;
	if (extra > ((size_t) -1) / 2 - buf->len)
	{
		buf->failed = true;
		return false;
	}
	need = buf->len + extra + 1;
	if (need <= buf->cap)
		return true;
	newcap = buf->cap ? buf->cap : 64;
	while (newcap < need)
		newcap *= 2;
	/* allocate, copy, wipe: the old block never goes back to malloc readable */
	newdata = malloc(newcap);
	if (newdata == NULL)
	{
		buf->failed = true;
		return false;
	}
	if (buf->data != NULL)
	{
		memcpy(newdata, buf->data, buf->len + 1);
		explicit_bzero(buf->data, buf->cap);
		free(buf->data);
	}
	buf->data = newdata;
	buf->cap = newcap;
	return true;
}

/* Append len bytes; a no-op once the buffer has failed. */
void
RdsBufAppend(RdsBuf *buf, const char *data, size_t len)
{
	if (!buf_reserve(buf, len))
		return;
	if (len > 0)
		memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void
RdsBufAppendStr(RdsBuf *buf, const char *str)
{
	RdsBufAppend(buf, str, strlen(str));
}

void
RdsBufAppendChar(RdsBuf *buf, char c)
{
	RdsBufAppend(buf, &c, 1);
}

/* Empty the buffer (wiping what it held) but keep its memory; clear a failure. */
void
RdsBufReset(RdsBuf *buf)
{
	if (buf->data)
		explicit_bzero(buf->data, buf->len);
	buf->len = 0;
	buf->failed = false;
}

/* Wipe and free the buffer. */
void
RdsBufFree(RdsBuf *buf)
{
	if (buf->data)
		explicit_bzero(buf->data, buf->cap);
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
	buf->failed = false;
}

/* The same as RdsBufFree: says at the call site that the buffer held a secret. */
void
RdsBufWipe(RdsBuf *buf)
{
	RdsBufFree(buf);
}

void
RdsStrWipe(char **s)
{
	if (*s != NULL)
	{
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

bool
RdsBufFailed(const RdsBuf *buf)
{
	return buf->failed;
}

/* The contents as a C string; "" for an empty buffer, never NULL. */
const char *
RdsBufStr(const RdsBuf *buf)
{
	return buf->data ? buf->data : "";
}

/* --- the wiping allocator ------------------------------------------------ */

void
RdsWipingFree(void *p)
{
	if (p != NULL)
	{
		explicit_bzero(p, malloc_usable_size(p));
		free(p);
	}
}

void *
RdsWipingMalloc(size_t size)
{
	return malloc(size);
}

void *
RdsWipingRealloc(void *p, size_t size)
{
	void	   *q;
	size_t		old;

	if (p == NULL)
		return malloc(size);
	if (size == 0)
	{
		/* realloc(p, 0) frees p (and may return NULL or a new block) */
		RdsWipingFree(p);
		return malloc(1);
	}
	q = malloc(size);
	if (q == NULL)
		return NULL;			/* p is left as it was, as realloc does */
	old = malloc_usable_size(p);
	memcpy(q, p, old < size ? old : size);
	RdsWipingFree(p);
	return q;
}

void *
RdsWipingCalloc(size_t n, size_t size)
{
	return calloc(n, size);
}

char *
RdsWipingStrdup(const char *s)
{
	return strdup(s);
}
