/*-------------------------------------------------------------------------
 * xmlreply.c
 *		Parse RDS replies (one snapshot, a snapshot list, an ErrorResponse)
 *		and STS replies (temporary credentials).
 *
 * Elements are matched by local name within the service's namespace
 * (http://rds.amazonaws.com/doc/..., https://sts.amazonaws.com/doc/...),
 * in any order; unknown members are
 * ignored because AWS adds members over time.  Replies are untrusted: a
 * DOCTYPE is refused before parsing, entities are never substituted,
 * nothing is fetched, every value is length-checked and typed.  The
 * network and PostgreSQL are not touched here.  STS replies carry
 * secrets: the text buffer is wiped after every reply, libxml2 allocates
 * through buf.c's wiping allocator, and its copy of the reply is released
 * as soon as the reply is parsed.
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
#include "compat.h"
#include "snapshot.h"
#include "xmlreply.h"

#define RDS_NAMESPACE_PREFIX "http://rds.amazonaws.com/doc/"
#define STS_NAMESPACE_PREFIX "https://sts.amazonaws.com/doc/"
#define RDS_MAX_VALUE_LEN 65536
#define RDS_MAX_LIST_LEN 10000
#define RDS_XML_MAX_DEPTH 300		/* above libxml2's own limit, 256 */
#define RDS_XML_KEEP_ELEMS 4096	/* tree buffers kept between replies, at most */
#define RDS_XML_KEEP_TEXT (256 * 1024)
#define RDS_XML_MAX_DICT 4096		/* names the reused parser may remember */

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
	const char *name;			/* local name; libxml2's, valid until the next parse */
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
	const xmlChar *root_ns;		/* the root's namespace URI, or NULL */
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
		/* the text may be an STS reply's secrets: grow by copy and wipe */
		text = RdsWipingRealloc(t->text, cap);
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
	int			i;

	(void) nb_namespaces;
	(void) namespaces;
	(void) nb_attributes;
	(void) nb_defaulted;
	(void) attributes;
	if (t->failed != NULL)
		return;
	if (t->depth >= RDS_XML_MAX_DEPTH)
	{
		t->failed = "The reply is not well-formed XML.";
		xmlStopParser(ctxt);
		return;
	}
	if (t->nelems == t->cap)
	{
		int			cap = t->cap ? t->cap * 2 : 128;
		XmlElem    *elems = realloc(t->elems, sizeof(XmlElem) * cap);

		if (elems == NULL)
		{
			t->failed = "Out of memory while parsing the reply.";
			xmlStopParser(ctxt);
			return;
		}
		t->elems = elems;
		t->cap = cap;
	}
	i = t->nelems++;
	e = &t->elems[i];
	e->name = (const char *) localname;
	e->in_ns = true;
	e->first_child = e->last_child = e->next = -1;
	e->text_start = e->text_end = t->text_len;
	if (i == 0)
	{
		t->root_ns = uri;
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
	t->elems[t->stack[--t->depth]].text_end = t->text_len;
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
sax_error(void *ctx, RDS_XML_ERROR error)
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

/*
 * One parser context per process, reused (xmlCtxtReadMemory resets it),
 * with its dictionary of names.  It is dropped after any reply that did not
 * parse cleanly, and when its dictionary has grown large, so that neither
 * state nor memory carries over from a hostile reply.
 */
static xmlParserCtxtPtr parser_ctxt = NULL;
static XmlTree parser_tree;

/*
 * libxml2 copies the reply into its input buffer (and STS replies hold
 * secrets), so it allocates through buf.c's wiping allocator: everything it
 * frees is wiped first.  Installed once, before our first parser, and only
 * over libxml2's default malloc/free (PostgreSQL does not replace them
 * unless built with USE_LIBXMLCONTEXT; another library that did is left
 * alone).  The hooks are compatible with blocks malloc allocated before.
 */
static void
use_wiping_allocator(void)
{
	static bool done = false;
	xmlFreeFunc free_fn;
	xmlMallocFunc malloc_fn;
	xmlReallocFunc realloc_fn;
	xmlStrdupFunc strdup_fn;

	if (done)
		return;
	done = true;
	if (xmlMemGet(&free_fn, &malloc_fn, &realloc_fn, &strdup_fn) == 0 &&
		free_fn == free && malloc_fn == malloc && realloc_fn == realloc)
		(void) xmlMemSetup(RdsWipingFree, RdsWipingMalloc, RdsWipingRealloc,
						   RdsWipingStrdup);
}

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
	else if (parser_ctxt != NULL)
		xmlCtxtReset(parser_ctxt);	/* frees (and so wipes) its copy of the reply */
	t->drop_parser = false;
	if (t->cap > RDS_XML_KEEP_ELEMS)
	{
		free(t->elems);
		t->elems = NULL;
		t->cap = 0;
	}
	/* the text of an STS reply holds its secrets */
	if (t->text != NULL)
		explicit_bzero(t->text, t->text_len + 1 <= t->text_cap ? t->text_len + 1 : t->text_cap);
	if (t->text_cap > RDS_XML_KEEP_TEXT)
	{
		RdsWipingFree(t->text);
		t->text = NULL;
		t->text_cap = 0;
	}
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
	if (parser_ctxt == NULL)
	{
		use_wiping_allocator();
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
	t->root_ns_ok = false;
	t->ns_prefix = ns_prefix;
	t->has_doctype = false;
	t->failed = NULL;

	(void) xmlCtxtReadMemory(parser_ctxt, body, len, NULL, NULL,
							 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	well_formed = parser_ctxt->wellFormed && !RDS_XML_PARSER_STOPPED(parser_ctxt);
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
		else if (strcmp(root->name, response_name) == 0 && parser_tree.root_ns != NULL)
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
	/* an error message may quote what the caller sent */
	RdsStrWipe(&reply->error_message);
	memset(reply, 0, sizeof(*reply));
}
