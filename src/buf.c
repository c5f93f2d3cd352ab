/*-------------------------------------------------------------------------
 * buf.c
 *		Growable malloc'd byte buffer used by the pure modules.
 *
 * Nothing here knows PostgreSQL; see buf.h for the failure contract.
 *-------------------------------------------------------------------------
 */
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
	newdata = realloc(buf->data, newcap);
	if (newdata == NULL)
	{
		buf->failed = true;
		return false;
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

/* Empty the buffer but keep its memory (and clear a failure). */
void
RdsBufReset(RdsBuf *buf)
{
	buf->len = 0;
	buf->failed = false;
	if (buf->data)
		buf->data[0] = '\0';
}

void
RdsBufFree(RdsBuf *buf)
{
	free(buf->data);
	buf->data = NULL;
	buf->len = buf->cap = 0;
	buf->failed = false;
}

/* Free a buffer that held secret material, zeroing it first. */
void
RdsBufWipe(RdsBuf *buf)
{
	if (buf->data)
		explicit_bzero(buf->data, buf->cap);
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
