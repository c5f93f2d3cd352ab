/*-------------------------------------------------------------------------
 * buf.h
 *		A growable byte buffer on malloc, for the pure (PostgreSQL-free) code.
 *
 * Pure modules (encoding, signing, parsing) cannot use palloc, so they
 * build strings in an RdsBuf.  Allocation failure is sticky: the buffer
 * records it and every later append is a no-op, so callers check once at
 * the end with RdsBufFailed().  The data is always NUL-terminated.
 * Buffers are wiped (explicit_bzero) before their memory is freed or
 * left behind by growth, so any of them may hold a secret.
 *-------------------------------------------------------------------------
 */
#ifndef RDS_BUF_H
#define RDS_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct RdsBuf
{
	char	   *data;			/* malloc'd, NUL-terminated; NULL when empty */
	size_t		len;
	size_t		cap;
	bool		failed;			/* an allocation failed */
} RdsBuf;

#define RDS_BUF_INIT {NULL, 0, 0, false}

extern void RdsBufAppend(RdsBuf *buf, const char *data, size_t len);
extern void RdsBufAppendStr(RdsBuf *buf, const char *str);
extern void RdsBufAppendChar(RdsBuf *buf, char c);
extern void RdsBufReset(RdsBuf *buf);
extern void RdsBufFree(RdsBuf *buf);
extern void RdsBufWipe(RdsBuf *buf);
extern bool RdsBufFailed(const RdsBuf *buf);
extern const char *RdsBufStr(const RdsBuf *buf);

/* Zero and free a malloc'd string that held a secret; set *s to NULL. */
extern void RdsStrWipe(char **s);

/*
 * An allocator whose free wipes the block's whole usable size first and
 * whose realloc is malloc-copy-wipe-free; for libraries that take
 * allocation hooks (http.c: libcurl; xmlreply.c: libxml2).  Any block
 * plain malloc allocated may be freed or grown through it.
 */
extern void *RdsWipingMalloc(size_t size);
extern void RdsWipingFree(void *p);
extern void *RdsWipingRealloc(void *p, size_t size);
extern void *RdsWipingCalloc(size_t n, size_t size);
extern char *RdsWipingStrdup(const char *s);

#endif
