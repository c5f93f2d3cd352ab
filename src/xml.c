/*-------------------------------------------------------------------------
 * xml.c
 *		Parse RDS replies (one snapshot, a snapshot list, an ErrorResponse)
 *		and STS replies (temporary credentials).
 *
 * Elements are matched by local name within the service's namespace
 * (http://rds.amazonaws.com/doc/..., https://sts.amazonaws.com/doc/...),
 * in any order; unknown members are
 * ignored because AWS adds members over time.  Replies are untrusted: a
 * DOCTYPE is refused before parsing, entities are never substituted,
 * nothing is fetched, every value is length-checked and typed.  The
 * network and PostgreSQL are not touched here.
 *
 * A reply becomes a compact element tree, which the readers below walk.
 * A strict scanner builds it for the plain XML AWS sends; anything outside
 * that subset is parsed by libxml2 (SAX2 events, one reused context), and
 * libxml2 is also what decides that a reply is not well-formed.
 *-------------------------------------------------------------------------
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE				/* timegm */
#endif
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "buf.h"
#include "xml.h"

#define RDS_NAMESPACE_PREFIX "http://rds.amazonaws.com/doc/"
#define STS_NAMESPACE_PREFIX "https://sts.amazonaws.com/doc/"
#define RDS_MAX_VALUE_LEN 65536
#define RDS_MAX_LIST_LEN 10000
#define RDS_XML_MAX_DEPTH 300		/* above libxml2's own limit, 256 */
#define RDS_XML_KEEP_ELEMS 4096	/* tree buffers kept between replies, at most */
#define RDS_XML_KEEP_TEXT (256 * 1024)
#define RDS_XML_MAX_DICT 4096		/* names the reused parser may remember */

const RdsSnapshotField RdsSnapshotFields[RDS_SNAPSHOT_NFIELDS] = {
	{"AvailabilityZones", "availability_zones", RDS_FIELD_ZONES},
	{"DBClusterSnapshotIdentifier", "db_cluster_snapshot_identifier", RDS_FIELD_TEXT},
	{"DBClusterIdentifier", "db_cluster_identifier", RDS_FIELD_TEXT},
	{"SnapshotCreateTime", "snapshot_create_time", RDS_FIELD_TIMESTAMP},
	{"Engine", "engine", RDS_FIELD_TEXT},
	{"EngineMode", "engine_mode", RDS_FIELD_TEXT},
	{"AllocatedStorage", "allocated_storage", RDS_FIELD_INT},
	{"Status", "status", RDS_FIELD_TEXT},
	{"Port", "port", RDS_FIELD_INT},
	{"VpcId", "vpc_id", RDS_FIELD_TEXT},
	{"ClusterCreateTime", "cluster_create_time", RDS_FIELD_TIMESTAMP},
	{"MasterUsername", "master_username", RDS_FIELD_TEXT},
	{"EngineVersion", "engine_version", RDS_FIELD_TEXT},
	{"LicenseModel", "license_model", RDS_FIELD_TEXT},
	{"SnapshotType", "snapshot_type", RDS_FIELD_TEXT},
	{"PercentProgress", "percent_progress", RDS_FIELD_INT},
	{"StorageEncrypted", "storage_encrypted", RDS_FIELD_BOOL},
	{"BackupRetentionPeriod", "backup_retention_period", RDS_FIELD_INT},
	{"PreferredBackupWindow", "preferred_backup_window", RDS_FIELD_TEXT},
	{"KmsKeyId", "kms_key_id", RDS_FIELD_TEXT},
	{"DBClusterSnapshotArn", "db_cluster_snapshot_arn", RDS_FIELD_TEXT},
	{"SourceDBClusterSnapshotArn", "source_db_cluster_snapshot_arn", RDS_FIELD_TEXT},
	{"IAMDatabaseAuthenticationEnabled", "iam_database_authentication_enabled", RDS_FIELD_BOOL},
	{"TagList", "tags", RDS_FIELD_TAGS},
	{"StorageType", "storage_type", RDS_FIELD_TEXT},
	{"StorageThroughput", "storage_throughput", RDS_FIELD_INT},
	{"DbClusterResourceId", "db_cluster_resource_id", RDS_FIELD_TEXT},
	{"DBSystemId", "db_system_id", RDS_FIELD_TEXT},
};

/*
 * The reply as a compact tree of its elements, built from libxml2's SAX2
 * events instead of a libxml2 DOM (which costs a malloc'd node per element,
 * text node and string, and a tree walk to free them).  All character data
 * of the document (text, CDATA, predefined entities and character
 * references -- not comments or processing instructions) is appended to one
 * buffer in document order, so the text of an element with everything
 * below it, what xmlNodeGetContent returns, is the slice between the
 * buffer's length at its start tag and at its end tag.
 */
typedef struct XmlElem
{
	const char *name;			/* local name: libxml2's (valid until the next
								 * parse) or in XmlTree.names */
	size_t		name_off;		/* the scanner's: offset in XmlTree.names */
	bool		in_ns;			/* in the root's namespace (both without one) */
	int			first_child;	/* indices into XmlTree.elems, -1 for none */
	int			last_child;
	int			next;
	size_t		text_start;		/* [text_start, text_end) of XmlTree.text */
	size_t		text_end;
} XmlElem;

typedef struct XmlTree
{
	XmlElem    *elems;			/* elems[0] is the root */
	int			nelems;
	int			cap;
	int			stack[RDS_XML_MAX_DEPTH];	/* open elements */
	int			depth;
	char	   *text;
	size_t		text_len;
	size_t		text_cap;
	char	   *names;			/* the scanner's element names, NUL-terminated */
	size_t		names_len;
	size_t		names_cap;
	const xmlChar *root_ns;		/* libxml2's: the root's namespace URI, or NULL */
	bool		root_has_ns;	/* the root is in a namespace */
	bool		root_ns_ok;		/* no namespace, or the service's */
	const char *ns_prefix;		/* the service's namespace URIs start so */
	bool		has_doctype;
	const char *failed;			/* out of memory, or nested too deep */
	bool		drop_parser;	/* free the parser context after this reply */
} XmlTree;

/* Parsing state: the tree, the reply being filled, and the first problem met. */
typedef struct ParseState
{
	const XmlTree *tree;
	RdsReply   *reply;
	const char *problem;
} ParseState;

/*
 * The reply's arena: the snapshots' array, strings, zone and tag arrays
 * come from blocks that RdsReplyFree frees together, instead of a malloc
 * and a free for each of thirty-odd values.
 */
typedef struct ArenaBlock
{
	struct ArenaBlock *next;
	size_t		used;
	size_t		size;
	char		data[];
} ArenaBlock;

#define ARENA_BLOCK_SIZE 4096

/*
 * One standard block kept from the last reply freed, for the next reply: a
 * 4 kB malloc and free per call would otherwise each time be a request
 * above glibc's small bins (which consolidates its fast bins first).
 */
static ArenaBlock *spare_block = NULL;

/* size zeroed bytes from the reply's arena, or NULL (problem recorded) */
static void *
arena_alloc(ParseState *st, size_t size)
{
	ArenaBlock *b = st->reply->arena;
	void	   *p;

	size = (size + 7) & ~(size_t) 7;
	if (b == NULL || b->size - b->used < size)
	{
		size_t		data_size = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;

		if (data_size == ARENA_BLOCK_SIZE && spare_block != NULL)
		{
			b = spare_block;
			spare_block = NULL;
		}
		else
			b = malloc(sizeof(ArenaBlock) + data_size);
		if (b == NULL)
		{
			if (st->problem == NULL)
				st->problem = "Out of memory while parsing the reply.";
			return NULL;
		}
		b->next = st->reply->arena;
		b->used = 0;
		b->size = data_size;
		st->reply->arena = b;
	}
	p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

#define ELEM(st, i) (&(st)->tree->elems[(i)])
#define FIRST_CHILD(st, e) ((e)->first_child >= 0 ? ELEM(st, (e)->first_child) : NULL)
#define NEXT(st, e) ((e)->next >= 0 ? ELEM(st, (e)->next) : NULL)

/* ---------------------------------------------------------------------
 * building the tree from SAX2 events
 * ---------------------------------------------------------------------
 */

static void
tree_text(XmlTree *t, const xmlChar *data, int len)
{
	size_t		need;

	if (t->failed != NULL || len <= 0)
		return;
	need = t->text_len + (size_t) len + 1;
	if (need > t->text_cap)
	{
		size_t		cap = t->text_cap ? t->text_cap : 4096;
		char	   *text;

		while (cap < need)
			cap *= 2;
		text = realloc(t->text, cap);
		if (text == NULL)
		{
			t->failed = "Out of memory while parsing the reply.";
			return;
		}
		t->text = text;
		t->text_cap = cap;
	}
	memcpy(t->text + t->text_len, data, (size_t) len);
	t->text_len += (size_t) len;
}

/*
 * A new element, child of the open one, now open itself; NULL (t->failed
 * set) when out of memory or nested too deep.
 */
static XmlElem *
tree_open(XmlTree *t)
{
	XmlElem    *e;
	int			i;

	if (t->depth >= RDS_XML_MAX_DEPTH)
	{
		t->failed = "The reply is not well-formed XML.";
		return NULL;
	}
	if (t->nelems == t->cap)
	{
		int			cap = t->cap ? t->cap * 2 : 128;
		XmlElem    *elems = realloc(t->elems, sizeof(XmlElem) * cap);

		if (elems == NULL)
		{
			t->failed = "Out of memory while parsing the reply.";
			return NULL;
		}
		t->elems = elems;
		t->cap = cap;
	}
	i = t->nelems++;
	e = &t->elems[i];
	e->name = "";
	e->name_off = 0;
	e->in_ns = true;
	e->first_child = e->last_child = e->next = -1;
	e->text_start = e->text_end = t->text_len;
	if (t->depth > 0)
	{
		XmlElem    *parent = &t->elems[t->stack[t->depth - 1]];

		if (parent->last_child >= 0)
			t->elems[parent->last_child].next = i;
		else
			parent->first_child = i;
		parent->last_child = i;
	}
	t->stack[t->depth++] = i;
	return e;
}

static void
tree_close(XmlTree *t)
{
	t->elems[t->stack[--t->depth]].text_end = t->text_len;
}

static void
sax_characters(void *ctx, const xmlChar *data, int len)
{
	xmlParserCtxtPtr ctxt = ctx;

	tree_text(ctxt->_private, data, len);
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
		  const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
		  int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = ctx;
	XmlTree    *t = ctxt->_private;
	XmlElem    *e;

	(void) nb_namespaces;
	(void) namespaces;
	(void) nb_attributes;
	(void) nb_defaulted;
	(void) attributes;
	if (t->failed != NULL)
		return;
	if ((e = tree_open(t)) == NULL)
	{
		xmlStopParser(ctxt);
		return;
	}
	e->name = (const char *) localname;
	if (t->nelems == 1)
	{
		t->root_ns = uri;
		t->root_has_ns = uri != NULL;
		t->root_ns_ok = uri == NULL ||
			strncmp((const char *) uri, t->ns_prefix, strlen(t->ns_prefix)) == 0;
	}
	/*
	 * An undeclared prefix: libxml2's tree would name the element
	 * "prefix:name", in no namespace, which matches nothing we look for.
	 */
	if (prefix != NULL && uri == NULL)
	{
		e->name = "";
		e->in_ns = false;
	}
	else if (t->root_ns == NULL)
		e->in_ns = uri == NULL;
	else
		e->in_ns = uri != NULL && xmlStrEqual(uri, t->root_ns);
}

static void
sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
	xmlParserCtxtPtr ctxt = ctx;
	XmlTree    *t = ctxt->_private;

	(void) localname;
	(void) prefix;
	(void) uri;
	if (t->failed != NULL || t->depth == 0)
		return;
	tree_close(t);
}

/* A DOCTYPE: refused, so stop before its internal subset is even read. */
static void
sax_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
			const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	XmlTree    *t = ctxt->_private;

	(void) name;
	(void) external_id;
	(void) system_id;
	t->has_doctype = true;
	xmlStopParser(ctxt);
}

/* libxml2's errors: the outcome is read from ctxt->wellFormed instead. */
static void
sax_error(void *ctx, xmlErrorPtr error)
{
	(void) ctx;
	(void) error;
}

/*
 * The SAX2 handler: elements, character data, CDATA and the DOCTYPE only.
 * No entity callbacks (getEntity, entityDecl, resolveEntity, reference):
 * only the five predefined entities and character references are
 * understood, any other reference is a well-formedness error, and nothing
 * is ever loaded.
 */
static const xmlSAXHandler sax_handler = {
	.internalSubset = sax_doctype,
	.characters = sax_characters,
	.ignorableWhitespace = sax_characters,
	.cdataBlock = sax_characters,
	.initialized = XML_SAX2_MAGIC,
	.startElementNs = sax_start,
	.endElementNs = sax_end,
	.serror = sax_error,
};

/* ---------------------------------------------------------------------
 * the scanner: the tree without libxml2, for the XML AWS sends
 * ---------------------------------------------------------------------
 *
 * libxml2 spends most of a reply's parse on generality this XML does not
 * use.  scan_tree builds the same tree for a strict subset of XML: UTF-8
 * without a byte-order mark, at most the declaration <?xml version="1.0"?>
 * or <?xml version="1.0" encoding="UTF-8"?>, elements whose only
 * attributes are namespace declarations (ASCII URIs), ASCII names with at
 * most one colon, text whose only references are the five predefined
 * entities and character references, and whitespace outside the root.
 * Anything else -- a DOCTYPE, comment, CDATA section, processing
 * instruction, other attribute, carriage return, control character,
 * invalid UTF-8, "]]>", an undeclared or reserved prefix, nesting deeper
 * than RDS_XML_FAST_DEPTH, a mismatched end tag -- makes it give up, and
 * libxml2 parses the reply as before and decides.  So for every reply it
 * accepts, libxml2 builds the same tree (test/fuzz/fuzz_xml checks the two
 * against each other on every input).
 */

#define RDS_XML_FAST_MAX (1024 * 1024)	/* larger replies go to libxml2 */
#define RDS_XML_FAST_DEPTH 64
#define RDS_XML_FAST_NAME 256
#define RDS_XML_FAST_NS 16		/* namespace declarations in scope */

enum
{
	CC_NAME_START = 1,			/* ASCII letter or _ */
	CC_NAME = 2,				/* ... or digit, - or . */
	CC_TEXT = 4,				/* character data taken as it is */
	CC_SPACE = 8,				/* space, tab, newline (no carriage return) */
	CC_ATTR = 16				/* in an attribute value, besides the quotes */
};

static unsigned char char_class[256];

static void
init_char_class(void)
{
	int			c;

	for (c = 0; c < 256; c++)
	{
		unsigned char k = 0;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
			k |= CC_NAME_START | CC_NAME;
		if ((c >= '0' && c <= '9') || c == '-' || c == '.')
			k |= CC_NAME;
		if ((c >= 0x20 && c < 0x7f && c != '<' && c != '&' && c != ']') ||
			c == '\t' || c == '\n')
			k |= CC_TEXT;
		if (c == ' ' || c == '\t' || c == '\n')
			k |= CC_SPACE;
		if (c >= 0x20 && c < 0x7f && c != '<' && c != '&' && c != '"' && c != '\'')
			k |= CC_ATTR;
		char_class[c] = k;
	}
}

/* A namespace declaration in scope: prefix (length 0: the default). */
typedef struct ScanNs
{
	const char *prefix;
	size_t		prefix_len;
	const char *uri;			/* NULL: xmlns="" */
	size_t		uri_len;
	int			depth;			/* of the element that declared it */
} ScanNs;

typedef struct Scanner
{
	XmlTree    *t;
	const unsigned char *p;
	const unsigned char *end;
	ScanNs		ns[RDS_XML_FAST_NS];
	int			nns;
	const char *qnames[RDS_XML_FAST_DEPTH];	/* open elements' names as written */
	size_t		qname_lens[RDS_XML_FAST_DEPTH];
	const char *root_uri;
	size_t		root_uri_len;
} Scanner;

static void
skip_space(Scanner *sc)
{
	while (sc->p < sc->end && (char_class[*sc->p] & CC_SPACE))
		sc->p++;
}

/* An ASCII NCName at sc->p of at most RDS_XML_FAST_NAME bytes: its length, or 0. */
static size_t
scan_ncname(Scanner *sc)
{
	const unsigned char *q = sc->p;
	size_t		n;

	if (q >= sc->end || !(char_class[*q] & CC_NAME_START))
		return 0;
	for (q++; q < sc->end && (char_class[*q] & CC_NAME); q++)
		;
	n = q - sc->p;
	if (n > RDS_XML_FAST_NAME)
		return 0;
	sc->p = q;
	return n;
}

/* A QName: prefix (NULL when none) and local part; false when there is none. */
static bool
scan_qname(Scanner *sc, const char **prefix, size_t *prefix_len,
		   const char **local, size_t *local_len)
{
	const char *start = (const char *) sc->p;
	size_t		n = scan_ncname(sc);

	if (n == 0)
		return false;
	if (sc->p < sc->end && *sc->p == ':')
	{
		sc->p++;
		*prefix = start;
		*prefix_len = n;
		*local = (const char *) sc->p;
		*local_len = scan_ncname(sc);
		return *local_len > 0;
	}
	*prefix = NULL;
	*prefix_len = 0;
	*local = start;
	*local_len = n;
	return true;
}

/* Append len bytes to the tree's text; false when out of memory. */
static bool
scan_text_append(Scanner *sc, const unsigned char *data, size_t len)
{
	if (len > INT_MAX)
		return false;
	tree_text(sc->t, data, (int) len);
	return sc->t->failed == NULL;
}

/* Is c a character XML 1.0 allows? */
static bool
is_xml_char(unsigned int c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) ||
		(c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/* Append code point c (an XML character) as UTF-8. */
static bool
scan_append_utf8(Scanner *sc, unsigned int c)
{
	unsigned char b[4];
	size_t		n;

	if (c < 0x80)
	{
		b[0] = (unsigned char) c;
		n = 1;
	}
	else if (c < 0x800)
	{
		b[0] = (unsigned char) (0xc0 | (c >> 6));
		b[1] = (unsigned char) (0x80 | (c & 0x3f));
		n = 2;
	}
	else if (c < 0x10000)
	{
		b[0] = (unsigned char) (0xe0 | (c >> 12));
		b[1] = (unsigned char) (0x80 | ((c >> 6) & 0x3f));
		b[2] = (unsigned char) (0x80 | (c & 0x3f));
		n = 3;
	}
	else
	{
		b[0] = (unsigned char) (0xf0 | (c >> 18));
		b[1] = (unsigned char) (0x80 | ((c >> 12) & 0x3f));
		b[2] = (unsigned char) (0x80 | ((c >> 6) & 0x3f));
		b[3] = (unsigned char) (0x80 | (c & 0x3f));
		n = 4;
	}
	return scan_text_append(sc, b, n);
}

/* A reference at sc->p ('&'): a predefined entity or a character reference. */
static bool
scan_reference(Scanner *sc)
{
	static const struct
	{
		const char *name;
		size_t		len;
		unsigned char c;
	}			predefined[] = {
		{"lt;", 3, '<'}, {"gt;", 3, '>'}, {"amp;", 4, '&'}, {"quot;", 5, '"'}, {"apos;", 5, '\''},
	};
	const unsigned char *q = sc->p + 1;
	size_t		left = sc->end - q;
	size_t		i;

	if (left >= 2 && q[0] == '#')
	{
		bool		hex = q[1] == 'x';
		unsigned int c = 0;
		int			digits = 0;

		for (q += hex ? 2 : 1; q < sc->end && *q != ';'; q++, digits++)
		{
			unsigned int d;

			if (*q >= '0' && *q <= '9')
				d = *q - '0';
			else if (hex && *q >= 'a' && *q <= 'f')
				d = *q - 'a' + 10;
			else if (hex && *q >= 'A' && *q <= 'F')
				d = *q - 'A' + 10;
			else
				return false;
			if (digits >= 7)
				return false;
			c = c * (hex ? 16 : 10) + d;
		}
		if (q >= sc->end || digits == 0 || !is_xml_char(c))
			return false;
		sc->p = q + 1;
		return scan_append_utf8(sc, c);
	}
	for (i = 0; i < sizeof(predefined) / sizeof(predefined[0]); i++)
		if (left >= predefined[i].len && memcmp(q, predefined[i].name, predefined[i].len) == 0)
		{
			sc->p = q + predefined[i].len;
			return scan_text_append(sc, &predefined[i].c, 1);
		}
	return false;
}

/* A UTF-8 sequence at sc->p (its first byte >= 0x80), taken as text. */
static bool
scan_utf8(Scanner *sc)
{
	const unsigned char *q = sc->p;
	size_t		left = sc->end - q;
	unsigned int c;
	size_t		n;
	size_t		i;

	if (q[0] >= 0xc2 && q[0] <= 0xdf)
	{
		n = 2;
		c = q[0] & 0x1f;
	}
	else if (q[0] >= 0xe0 && q[0] <= 0xef)
	{
		n = 3;
		c = q[0] & 0x0f;
	}
	else if (q[0] >= 0xf0 && q[0] <= 0xf4)
	{
		n = 4;
		c = q[0] & 0x07;
	}
	else
		return false;
	if (left < n)
		return false;
	for (i = 1; i < n; i++)
	{
		if ((q[i] & 0xc0) != 0x80)
			return false;
		c = (c << 6) | (q[i] & 0x3f);
	}
	/* no overlong forms, surrogates, U+FFFE/U+FFFF or beyond U+10FFFF */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || !is_xml_char(c))
		return false;
	sc->p += n;
	return scan_text_append(sc, q, n);
}

/*
 * The namespace URI bound to prefix (length 0: the default namespace, NULL
 * when none); false when a prefix is not declared.
 */
static bool
scan_lookup_ns(const Scanner *sc, const char *prefix, size_t prefix_len,
			   const char **uri, size_t *uri_len)
{
	int			i;

	*uri = NULL;
	*uri_len = 0;
	for (i = sc->nns - 1; i >= 0; i--)
		if (sc->ns[i].prefix_len == prefix_len &&
			(prefix_len == 0 || memcmp(sc->ns[i].prefix, prefix, prefix_len) == 0))
		{
			*uri = sc->ns[i].uri;
			*uri_len = sc->ns[i].uri_len;
			return true;
		}
	return prefix_len == 0;
}

/* Forget the namespace declarations of the element at depth. */
static void
scan_pop_ns(Scanner *sc, int depth)
{
	while (sc->nns > 0 && sc->ns[sc->nns - 1].depth >= depth)
		sc->nns--;
}

/* The namespace names XML reserves (libxml2 refuses to bind them). */
static bool
is_reserved_ns(const char *uri, size_t len)
{
	static const char xml_ns[] = "http://www.w3.org/XML/1998/namespace";
	static const char xmlns_ns[] = "http://www.w3.org/2000/xmlns/";

	return (len == sizeof(xml_ns) - 1 && memcmp(uri, xml_ns, len) == 0) ||
		(len == sizeof(xmlns_ns) - 1 && memcmp(uri, xmlns_ns, len) == 0);
}

/* A start tag at sc->p ('<' not followed by '/'): open its element. */
static bool
scan_start_tag(Scanner *sc)
{
	XmlTree    *t = sc->t;
	const char *prefix;
	const char *local;
	size_t		prefix_len;
	size_t		local_len;
	const char *uri;
	size_t		uri_len;
	int			depth = t->depth;
	int			first_ns = sc->nns;
	bool		empty = false;
	XmlElem    *e;

	sc->p++;
	if (depth >= RDS_XML_FAST_DEPTH ||
		!scan_qname(sc, &prefix, &prefix_len, &local, &local_len))
		return false;
	sc->qnames[depth] = prefix ? prefix : local;
	sc->qname_lens[depth] = prefix ? prefix_len + 1 + local_len : local_len;

	/* namespace declarations, the only attributes taken */
	for (;;)
	{
		const unsigned char *before = sc->p;
		const char *aprefix;
		const char *alocal;
		size_t		aprefix_len;
		size_t		alocal_len;
		unsigned char quote;
		const unsigned char *value;
		ScanNs	   *ns;
		int			i;

		skip_space(sc);
		if (sc->p >= sc->end)
			return false;
		if (*sc->p == '>')
		{
			sc->p++;
			break;
		}
		if (*sc->p == '/')
		{
			if (sc->end - sc->p < 2 || sc->p[1] != '>')
				return false;
			sc->p += 2;
			empty = true;
			break;
		}
		/* an attribute needs whitespace before it */
		if (sc->p == before ||
			!scan_qname(sc, &aprefix, &aprefix_len, &alocal, &alocal_len))
			return false;
		/* xmlns="..." or xmlns:p="..." (p not xml or xmlns); nothing else */
		if (aprefix == NULL && alocal_len == 5 && memcmp(alocal, "xmlns", 5) == 0)
			alocal_len = 0;
		else if (aprefix == NULL || aprefix_len != 5 || memcmp(aprefix, "xmlns", 5) != 0 ||
				 (alocal_len == 3 && memcmp(alocal, "xml", 3) == 0) ||
				 (alocal_len == 5 && memcmp(alocal, "xmlns", 5) == 0))
			return false;
		skip_space(sc);
		if (sc->p >= sc->end || *sc->p != '=')
			return false;
		sc->p++;
		skip_space(sc);
		if (sc->p >= sc->end || (*sc->p != '"' && *sc->p != '\''))
			return false;
		quote = *sc->p++;
		for (value = sc->p; sc->p < sc->end && (char_class[*sc->p] & CC_ATTR); sc->p++)
			;
		if (sc->p >= sc->end || *sc->p != quote)
			return false;
		/*
		 * xmlns:p="" is not allowed, nor one declaration twice on an
		 * element; libxml2 skips a declaration of the xml or xmlns
		 * namespace names
		 */
		if ((alocal_len > 0 && sc->p == value) || sc->nns >= RDS_XML_FAST_NS ||
			is_reserved_ns((const char *) value, sc->p - value))
			return false;
		for (i = first_ns; i < sc->nns; i++)
			if (sc->ns[i].prefix_len == alocal_len &&
				memcmp(sc->ns[i].prefix, alocal, alocal_len) == 0)
				return false;
		ns = &sc->ns[sc->nns++];
		ns->prefix = alocal;
		ns->prefix_len = alocal_len;
		ns->uri = sc->p == value ? NULL : (const char *) value;
		ns->uri_len = sc->p - value;
		ns->depth = depth;
		sc->p++;
	}

	/* the element's namespace; reserved prefixes and names are left to libxml2 */
	if ((prefix_len == 3 && memcmp(prefix, "xml", 3) == 0) ||
		(prefix_len == 5 && memcmp(prefix, "xmlns", 5) == 0) ||
		(local_len == 5 && memcmp(local, "xmlns", 5) == 0) ||
		!scan_lookup_ns(sc, prefix, prefix_len, &uri, &uri_len))
		return false;

	if ((e = tree_open(t)) == NULL)
		return false;
	/* the local name, NUL-terminated, in t->names (pointers set at the end) */
	if (t->names_len + local_len + 1 > t->names_cap)
	{
		size_t		cap = t->names_cap ? t->names_cap : 2048;
		char	   *names;

		while (cap < t->names_len + local_len + 1)
			cap *= 2;
		if ((names = realloc(t->names, cap)) == NULL)
			return false;
		t->names = names;
		t->names_cap = cap;
	}
	memcpy(t->names + t->names_len, local, local_len);
	t->names[t->names_len + local_len] = '\0';
	e->name_off = t->names_len;
	t->names_len += local_len + 1;

	if (depth == 0)
	{
		size_t		plen = strlen(t->ns_prefix);

		sc->root_uri = uri;
		sc->root_uri_len = uri_len;
		t->root_has_ns = uri != NULL;
		t->root_ns_ok = uri == NULL ||
			(uri_len >= plen && memcmp(uri, t->ns_prefix, plen) == 0);
	}
	if (sc->root_uri == NULL)
		e->in_ns = uri == NULL;
	else
		e->in_ns = uri != NULL && uri_len == sc->root_uri_len &&
			memcmp(uri, sc->root_uri, uri_len) == 0;
	if (empty)
	{
		tree_close(t);
		scan_pop_ns(sc, depth);
	}
	return true;
}

/* An end tag at sc->p ("</"): it must close the open element. */
static bool
scan_end_tag(Scanner *sc)
{
	XmlTree    *t = sc->t;
	int			depth = t->depth - 1;
	size_t		n;

	sc->p += 2;
	if (depth < 0)
		return false;
	n = sc->qname_lens[depth];
	if ((size_t) (sc->end - sc->p) < n || memcmp(sc->p, sc->qnames[depth], n) != 0)
		return false;
	sc->p += n;
	skip_space(sc);
	if (sc->p >= sc->end || *sc->p != '>')
		return false;
	sc->p++;
	tree_close(t);
	scan_pop_ns(sc, depth);
	return true;
}

/*
 * Build the tree of body in t without libxml2; false when the reply is
 * outside the scanner's subset (or memory ran out): the caller then resets
 * the tree and lets libxml2 parse the reply.
 */
static bool
scan_tree(XmlTree *t, const char *body, size_t len)
{
	static const char decl[] = "<?xml version=\"1.0\"?>";
	static const char decl_utf8[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
	Scanner		sc;
	bool		root_done = false;
	int			i;

	if (char_class['a'] == 0)
		init_char_class();
	if (len > RDS_XML_FAST_MAX)
		return false;
	sc.t = t;
	sc.p = (const unsigned char *) body;
	sc.end = sc.p + len;
	sc.nns = 0;
	sc.root_uri = NULL;
	sc.root_uri_len = 0;
	t->names_len = 0;

	if (len >= 5 && memcmp(body, "<?xml", 5) == 0)
	{
		if (len >= sizeof(decl_utf8) - 1 && memcmp(body, decl_utf8, sizeof(decl_utf8) - 1) == 0)
			sc.p += sizeof(decl_utf8) - 1;
		else if (len >= sizeof(decl) - 1 && memcmp(body, decl, sizeof(decl) - 1) == 0)
			sc.p += sizeof(decl) - 1;
		else
			return false;
	}
	while (sc.p < sc.end)
	{
		unsigned char c = *sc.p;

		if (c == '<')
		{
			if (sc.end - sc.p < 2)
				return false;
			if (sc.p[1] == '/')
			{
				if (!scan_end_tag(&sc))
					return false;
			}
			else if (root_done || !scan_start_tag(&sc))
				return false;	/* a second root, <!...>, <?...?> */
			root_done = t->depth == 0;
		}
		else if (t->depth == 0)
		{
			/* outside the root: whitespace only */
			if (!(char_class[c] & CC_SPACE))
				return false;
			sc.p++;
		}
		else if (char_class[c] & CC_TEXT)
		{
			const unsigned char *run = sc.p;

			while (sc.p < sc.end && (char_class[*sc.p] & CC_TEXT))
				sc.p++;
			if (!scan_text_append(&sc, run, sc.p - run))
				return false;
		}
		else if (c == '&')
		{
			if (!scan_reference(&sc))
				return false;
		}
		else if (c == ']')
		{
			if (sc.end - sc.p >= 3 && sc.p[1] == ']' && sc.p[2] == '>')
				return false;
			if (!scan_text_append(&sc, sc.p, 1))
				return false;
			sc.p++;
		}
		else if (c >= 0x80)
		{
			if (!scan_utf8(&sc))
				return false;
		}
		else
			return false;		/* a control character or carriage return */
	}
	if (!root_done)
		return false;
	for (i = 0; i < t->nelems; i++)
		t->elems[i].name = t->names + t->elems[i].name_off;
	return true;
}

/*
 * One parser context per process, reused (xmlCtxtReadMemory resets it),
 * with its dictionary of names.  It is dropped after any reply that did not
 * parse cleanly, and when its dictionary has grown large, so that neither
 * state nor memory carries over from a hostile reply.
 */
static xmlParserCtxtPtr parser_ctxt = NULL;
static XmlTree parser_tree;

static void
drop_parser(void)
{
	if (parser_ctxt != NULL)
	{
		parser_ctxt->_private = NULL;
		xmlFreeParserCtxt(parser_ctxt);
		parser_ctxt = NULL;
	}
}

/*
 * Done with the tree (its names belong to the parser's dictionary): drop
 * the parser if it must go, and keep the tree's buffers for the next reply
 * unless this one made them big.
 */
static void
release_tree(XmlTree *t)
{
	if (t->drop_parser)
		drop_parser();
	t->drop_parser = false;
	if (t->cap > RDS_XML_KEEP_ELEMS)
	{
		free(t->elems);
		t->elems = NULL;
		t->cap = 0;
	}
	if (t->text_cap > RDS_XML_KEEP_TEXT)
	{
		free(t->text);
		t->text = NULL;
		t->text_cap = 0;
	}
	if (t->names_cap > RDS_XML_KEEP_TEXT)
	{
		free(t->names);
		t->names = NULL;
		t->names_cap = 0;
	}
	t->names_len = 0;
	t->nelems = 0;
	t->text_len = 0;
	t->depth = 0;
	t->root_ns = NULL;
}

/*
 * Parse body into parser_tree.  Returns NULL, or the problem: not
 * well-formed, a DOCTYPE, out of memory.
 */
static const char *
build_tree(const char *body, int len, const char *ns_prefix)
{
	XmlTree    *t = &parser_tree;
	bool		well_formed;

	t->drop_parser = false;
	t->nelems = 0;
	t->text_len = 0;
	t->depth = 0;
	t->root_ns = NULL;
	t->root_has_ns = false;
	t->root_ns_ok = false;
	t->ns_prefix = ns_prefix;
	t->has_doctype = false;
	t->failed = NULL;
#ifndef RDS_XML_NO_SCANNER		/* test/fuzz's libxml2-only copy of this file */
	if (scan_tree(t, body, (size_t) len))
	{
		if (t->text != NULL)
			t->text[t->text_len] = '\0';
		return NULL;
	}
#endif

	/* libxml2 parses what the scanner left, into a tree built afresh */
	if (parser_ctxt == NULL)
	{
		parser_ctxt = xmlNewParserCtxt();
		if (parser_ctxt == NULL)
			return "Out of memory while parsing the reply.";
		memcpy(parser_ctxt->sax, &sax_handler, sizeof(sax_handler));
	}
	parser_ctxt->_private = t;
	t->nelems = 0;
	t->text_len = 0;
	t->depth = 0;
	t->root_ns = NULL;
	t->root_has_ns = false;
	t->root_ns_ok = false;
	t->has_doctype = false;
	t->failed = NULL;

	(void) xmlCtxtReadMemory(parser_ctxt, body, len, NULL, NULL,
							 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	well_formed = parser_ctxt->wellFormed && !parser_ctxt->disableSAX;
	t->drop_parser = !well_formed || t->has_doctype || t->failed != NULL ||
		xmlDictSize(parser_ctxt->dict) > RDS_XML_MAX_DICT;
	if (t->has_doctype)
		return "The reply contains a document type declaration.";
	if (t->failed != NULL)
		return t->failed;
	if (!well_formed)
		return "The reply is not well-formed XML.";
	if (t->nelems == 0)
		return "The reply has no root element.";
	if (t->text != NULL)
		t->text[t->text_len] = '\0';
	return NULL;
}

/* ---------------------------------------------------------------------
 * reading the tree
 * ---------------------------------------------------------------------
 */

static bool
is_rds_element(const XmlElem *e, const char *name)
{
	return e->in_ns && strcmp(e->name, name) == 0;
}

static const XmlElem *
find_child(const ParseState *st, const XmlElem *parent, const char *name)
{
	const XmlElem *c;

	for (c = FIRST_CHILD(st, parent); c != NULL; c = NEXT(st, c))
		if (is_rds_element(c, name))
			return c;
	return NULL;
}

/* The text of an element as a malloc'd string, or NULL (problem recorded). */
static char *
element_text(ParseState *st, const XmlElem *e)
{
	size_t		len = e->text_end - e->text_start;
	char	   *copy = NULL;

	if (len > RDS_MAX_VALUE_LEN)
		st->problem = "A value in the reply is too long.";
	else if ((copy = malloc(len + 1)) != NULL)
	{
		if (len > 0)
			memcpy(copy, st->tree->text + e->text_start, len);
		copy[len] = '\0';
	}
	if (copy == NULL && st->problem == NULL)
		st->problem = "Out of memory while parsing the reply.";
	return copy;
}

static char *
child_text(ParseState *st, const XmlElem *parent, const char *name)
{
	const XmlElem *c = find_child(st, parent, name);

	return c ? element_text(st, c) : NULL;
}

/* element_text in the reply's arena: for the snapshots' values */
static char *
arena_text(ParseState *st, const XmlElem *e)
{
	size_t		len = e->text_end - e->text_start;
	char	   *copy;

	if (len > RDS_MAX_VALUE_LEN)
	{
		st->problem = "A value in the reply is too long.";
		return NULL;
	}
	if ((copy = arena_alloc(st, len + 1)) != NULL && len > 0)
		memcpy(copy, st->tree->text + e->text_start, len);
	return copy;
}

static char *
child_arena_text(ParseState *st, const XmlElem *parent, const char *name)
{
	const XmlElem *c = find_child(st, parent, name);

	return c ? arena_text(st, c) : NULL;
}

static bool
is_int32(const char *s)
{
	char	   *end;
	long long	v;

	if (*s == '\0')
		return false;
	v = strtoll(s, &end, 10);
	return *end == '\0' && v >= INT_MIN && v <= INT_MAX && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'));
}

static bool
is_digits(const char *s, int n)
{
	int			i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The n-digit number at s if it lies in [min, max], else -1. */
static int
number_in(const char *s, int n, int min, int max)
{
	int			v = 0;
	int			i;

	if (!is_digits(s, n))
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v >= min && v <= max ? v : -1;
}

static int
days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

bool
RdsIsIsoTimestamp(const char *s)
{
	const char *p;

	/* YYYY-MM-DDTHH:MM:SS, fields in range (a leap second's :60 is allowed) */
	if (strlen(s) < 20 || number_in(s, 4, 1, 9999) < 0 || s[4] != '-' ||
		number_in(s + 5, 2, 1, 12) < 0 || s[7] != '-' ||
		number_in(s + 8, 2, 1, 31) < 0 || (s[10] != 'T' && s[10] != 't') ||
		number_in(s + 11, 2, 0, 23) < 0 || s[13] != ':' ||
		number_in(s + 14, 2, 0, 59) < 0 || s[16] != ':' ||
		number_in(s + 17, 2, 0, 60) < 0 ||
		number_in(s + 8, 2, 1, 31) > days_in_month(number_in(s, 4, 1, 9999),
												   number_in(s + 5, 2, 1, 12)))
		return false;
	p = s + 19;
	if (*p == '.')
	{
		int			n = 0;

		for (p++; *p >= '0' && *p <= '9'; p++)
			n++;
		if (n == 0 || n > 9)
			return false;
	}
	if (strcmp(p, "Z") == 0 || strcmp(p, "z") == 0)
		return true;
	/* real offsets run from -12:00 to +14:00 */
	return (p[0] == '+' || p[0] == '-') && number_in(p + 1, 2, 0, 14) >= 0 &&
		p[3] == ':' && number_in(p + 4, 2, 0, 59) >= 0 && p[6] == '\0';
}

bool
RdsIsoTimestampToTime(const char *s, time_t *out)
{
	struct tm	tm;
	const char *zone;
	long		offset = 0;

	if (!RdsIsIsoTimestamp(s))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = number_in(s, 4, 1, 9999) - 1900;
	tm.tm_mon = number_in(s + 5, 2, 1, 12) - 1;
	tm.tm_mday = number_in(s + 8, 2, 1, 31);
	tm.tm_hour = number_in(s + 11, 2, 0, 23);
	tm.tm_min = number_in(s + 14, 2, 0, 59);
	tm.tm_sec = number_in(s + 17, 2, 0, 60);
	zone = s + 19 + strspn(s + 19, ".0123456789");
	if (*zone == '+' || *zone == '-')
		offset = (*zone == '-' ? -1 : 1) *
			(number_in(zone + 1, 2, 0, 23) * 3600L + number_in(zone + 4, 2, 0, 59) * 60L);
	*out = timegm(&tm) - offset;
	return true;
}

static bool
value_has_type(const char *v, RdsFieldType type)
{
	switch (type)
	{
		case RDS_FIELD_INT:
			return is_int32(v);
		case RDS_FIELD_BOOL:
			return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
		case RDS_FIELD_TIMESTAMP:
			return RdsIsIsoTimestamp(v);
		default:
			return true;
	}
}

static int
count_children(const ParseState *st, const XmlElem *parent, const char *name)
{
	const XmlElem *c;
	int			n = 0;

	for (c = FIRST_CHILD(st, parent); c != NULL; c = NEXT(st, c))
		if (is_rds_element(c, name))
			n++;
	return n;
}

static void
parse_zones(ParseState *st, const XmlElem *list, RdsSnapshot *snap)
{
	int			n = count_children(st, list, "AvailabilityZone");
	const XmlElem *c;

	if (n > RDS_MAX_LIST_LEN)
	{
		st->problem = "The reply lists too many availability zones.";
		return;
	}
	snap->has_zones = true;
	snap->zones = arena_alloc(st, sizeof(char *) * (n ? n : 1));
	if (snap->zones == NULL)
		return;
	for (c = FIRST_CHILD(st, list); c != NULL && st->problem == NULL; c = NEXT(st, c))
		if (is_rds_element(c, "AvailabilityZone"))
		{
			snap->zones[snap->nzones] = arena_text(st, c);
			if (snap->zones[snap->nzones] != NULL)
				snap->nzones++;
		}
}

static void
parse_tags(ParseState *st, const XmlElem *list, RdsSnapshot *snap)
{
	int			n = count_children(st, list, "Tag");
	const XmlElem *c;

	if (n > RDS_MAX_LIST_LEN)
	{
		st->problem = "The reply lists too many tags.";
		return;
	}
	snap->has_tags = true;
	snap->tags = arena_alloc(st, sizeof(RdsTag) * (n ? n : 1));
	if (snap->tags == NULL)
		return;
	for (c = FIRST_CHILD(st, list); c != NULL && st->problem == NULL; c = NEXT(st, c))
	{
		RdsTag	   *tag;

		if (!is_rds_element(c, "Tag"))
			continue;
		tag = &snap->tags[snap->ntags++];
		tag->key = child_arena_text(st, c, "Key");
		tag->value = child_arena_text(st, c, "Value");
		if (tag->key == NULL && st->problem == NULL)
			st->problem = "A tag in the reply has no key.";
		if (tag->value == NULL && st->problem == NULL)
			tag->value = arena_alloc(st, 1);
	}
}

/* FNV-1a of a name, for the member table below */
static unsigned int
name_hash(const char *s)
{
	unsigned int h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char) *s) * 16777619u;
	return h;
}

#define FIELD_SLOTS 128			/* a power of two, over 4 x RDS_SNAPSHOT_NFIELDS */

/*
 * The member named name: a hash table of RdsSnapshotFields (built on first
 * use), so that each member of a reply costs one hash and one strcmp
 * rather than a strcmp with every name.
 */
static const RdsSnapshotField *
find_field(const char *name, int *index)
{
	static signed char slots[FIELD_SLOTS];
	static bool built = false;
	unsigned int h;

	if (!built)
	{
		int			i;

		memset(slots, -1, sizeof(slots));
		for (i = 0; i < RDS_SNAPSHOT_NFIELDS; i++)
		{
			for (h = name_hash(RdsSnapshotFields[i].aws_name); slots[h % FIELD_SLOTS] >= 0; h++)
				;
			slots[h % FIELD_SLOTS] = (signed char) i;
		}
		built = true;
	}
	for (h = name_hash(name); slots[h % FIELD_SLOTS] >= 0; h++)
	{
		int			i = slots[h % FIELD_SLOTS];

		if (strcmp(RdsSnapshotFields[i].aws_name, name) == 0)
		{
			*index = i;
			return &RdsSnapshotFields[i];
		}
	}
	return NULL;
}

static void
parse_snapshot(ParseState *st, const XmlElem *node, RdsSnapshot *snap)
{
	const XmlElem *c;

	for (c = FIRST_CHILD(st, node); c != NULL && st->problem == NULL; c = NEXT(st, c))
	{
		const RdsSnapshotField *field;
		int			i;

		if (!c->in_ns)
			continue;
		field = find_field(c->name, &i);
		if (field == NULL)
			continue;			/* a member we do not know yet */
		if (field->type == RDS_FIELD_ZONES)
		{
			if (!snap->has_zones)
				parse_zones(st, c, snap);
		}
		else if (field->type == RDS_FIELD_TAGS)
		{
			if (!snap->has_tags)
				parse_tags(st, c, snap);
		}
		else if (snap->values[i] == NULL)
		{
			snap->values[i] = arena_text(st, c);
			if (snap->values[i] != NULL && !value_has_type(snap->values[i], field->type))
				st->problem = "A member of the reply's DBClusterSnapshot does not have its documented type.";
		}
	}
}

/* Parse DBClusterSnapshot elements that are children of parent. */
static void
parse_snapshot_list(ParseState *st, const XmlElem *parent, RdsReply *reply)
{
	int			n = count_children(st, parent, "DBClusterSnapshot");
	const XmlElem *c;

	if (n > RDS_MAX_LIST_LEN)
	{
		st->problem = "The reply lists too many snapshots.";
		return;
	}
	reply->snapshots = arena_alloc(st, sizeof(RdsSnapshot) * (n ? n : 1));
	if (reply->snapshots == NULL)
		return;
	for (c = FIRST_CHILD(st, parent); c != NULL && st->problem == NULL; c = NEXT(st, c))
		if (is_rds_element(c, "DBClusterSnapshot"))
			parse_snapshot(st, c, &reply->snapshots[reply->nsnapshots++]);
}

static bool
is_sts_action(const char *action)
{
	return strncmp(action, "AssumeRole", 10) == 0;
}

static void
parse_sts_credentials(ParseState *st, const XmlElem *result, RdsReply *reply)
{
	const XmlElem *c = find_child(st, result, "Credentials");
	RdsStsCredentials *creds = &reply->credentials;

	if (c == NULL)
	{
		st->problem = "The reply has no Credentials element.";
		return;
	}
	creds->access_key_id = child_text(st, c, "AccessKeyId");
	creds->secret_access_key = child_text(st, c, "SecretAccessKey");
	creds->session_token = child_text(st, c, "SessionToken");
	creds->expiration = child_text(st, c, "Expiration");
	if (st->problem == NULL &&
		(creds->access_key_id == NULL || creds->secret_access_key == NULL ||
		 creds->session_token == NULL || creds->expiration == NULL ||
		 creds->access_key_id[0] == '\0' || creds->secret_access_key[0] == '\0'))
		st->problem = "The reply's Credentials lack a member.";
	if (st->problem == NULL && !RdsIsIsoTimestamp(creds->expiration))
		st->problem = "The reply's Expiration is not an ISO-8601 timestamp.";
}

static void
parse_success(ParseState *st, const XmlElem *root, const char *action, RdsReply *reply)
{
	char		result_name[128];
	const XmlElem *result;
	const XmlElem *meta;
	const XmlElem *list;

	snprintf(result_name, sizeof(result_name), "%sResult", action);
	result = find_child(st, root, result_name);
	if (result == NULL)
	{
		st->problem = "The reply has no result element.";
		return;
	}
	list = strcmp(action, "DescribeDBClusterSnapshots") == 0
		? find_child(st, result, "DBClusterSnapshots") : NULL;
	if (is_sts_action(action))
		parse_sts_credentials(st, result, reply);
	else if (list != NULL)
	{
		parse_snapshot_list(st, list, reply);
		reply->marker = child_text(st, result, "Marker");
	}
	else
	{
		parse_snapshot_list(st, result, reply);
		if (st->problem == NULL && reply->nsnapshots != 1)
			st->problem = "The reply does not hold exactly one DBClusterSnapshot.";
	}
	meta = find_child(st, root, "ResponseMetadata");
	if (meta != NULL && st->problem == NULL)
		reply->request_id = child_text(st, meta, "RequestId");
}

static void
parse_error(ParseState *st, const XmlElem *root, RdsReply *reply)
{
	const XmlElem *err = find_child(st, root, "Error");

	if (err == NULL)
	{
		const XmlElem *errors = find_child(st, root, "Errors");

		err = errors ? find_child(st, errors, "Error") : NULL;
	}
	if (err == NULL)
	{
		st->problem = "The error reply has no Error element.";
		return;
	}
	reply->error_type = child_text(st, err, "Type");
	reply->error_code = child_text(st, err, "Code");
	reply->error_message = child_text(st, err, "Message");
	reply->request_id = child_text(st, root, "RequestId");
	if (st->problem == NULL && (reply->error_code == NULL || reply->error_code[0] == '\0'))
		st->problem = "The error reply has no error code.";
}

RdsReplyKind
RdsXmlParseReply(const char *body, size_t len, const char *action, RdsReply *reply)
{
	ParseState	st = {&parser_tree, reply, NULL};
	const XmlElem *root;
	char		response_name[128];
	const char *namespace_prefix = is_sts_action(action) ? STS_NAMESPACE_PREFIX
		: RDS_NAMESPACE_PREFIX;
	bool		parsed = false;

	memset(reply, 0, sizeof(*reply));
	reply->kind = RDS_REPLY_INVALID;
	if (len == 0)
		st.problem = "The reply is empty.";
	else if (len > INT_MAX)
		st.problem = "The reply is too large.";
	else if (memmem(body, len, "<!DOCTYPE", 9) != NULL)
		st.problem = "The reply contains a document type declaration.";
	else
	{
		st.problem = build_tree(body, (int) len, namespace_prefix);
		parsed = true;
	}

	if (st.problem == NULL)
	{
		root = ELEM(&st, 0);
		snprintf(response_name, sizeof(response_name), "%sResponse", action);
		if (!parser_tree.root_ns_ok)
			st.problem = "The reply is not in the service's XML namespace.";
		else if (strcmp(root->name, "ErrorResponse") == 0 ||
				 strcmp(root->name, "Response") == 0)
		{
			parse_error(&st, root, reply);
			if (st.problem == NULL)
				reply->kind = RDS_REPLY_ERROR;
		}
		else if (strcmp(root->name, response_name) == 0 && parser_tree.root_has_ns)
		{
			parse_success(&st, root, action, reply);
			if (st.problem == NULL)
				reply->kind = RDS_REPLY_OK;
		}
		else
			st.problem = "The reply's root element is not the expected response.";
	}
	if (parsed)
		release_tree(&parser_tree);
	if (reply->kind == RDS_REPLY_INVALID)
		reply->invalid_reason = st.problem ? st.problem : "The reply could not be parsed.";
	return reply->kind;
}

void
RdsReplyFree(RdsReply *reply)
{
	ArenaBlock *b = reply->arena;

	RdsStrWipe(&reply->credentials.access_key_id);
	RdsStrWipe(&reply->credentials.secret_access_key);
	RdsStrWipe(&reply->credentials.session_token);
	free(reply->credentials.expiration);

	/* the snapshots, their strings and lists */
	while (b != NULL)
	{
		ArenaBlock *next = b->next;

		if (b->size == ARENA_BLOCK_SIZE && spare_block == NULL)
			spare_block = b;
		else
			free(b);
		b = next;
	}
	free(reply->marker);
	free(reply->request_id);
	free(reply->error_type);
	free(reply->error_code);
	free(reply->error_message);
	memset(reply, 0, sizeof(*reply));
}
