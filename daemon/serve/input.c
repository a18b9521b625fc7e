/* input.c: the bounds every client-supplied string keeps (DESIGN §4), checked before any handler. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/timefmt.h"
#include "common/utf8.h"
#include "daemon/serve/input.h"
#include "proto/docid.h"

#define INPUT_WORD_MAX 64	/* bytes: tokens, dates, names of things */
#define INPUT_COUNT_MAX 32	/* entries of a repeated field but `to` */
#define INPUT_ECHO_MAX 32	/* a malformed id this short and clean is
				 * named in the refusal (to its sender) */
#define INPUT_DEPTH_MAX 4	/* Envelope -> body -> DocMeta */

typedef enum {
	IN_WORD,		/* INPUT_WORD_MAX */
	IN_ID,			/* empty, or DOCID_TEXT_LEN of base32 */
	IN_TITLE,		/* limits.max_title */
	IN_HANDLING,		/* limits.max_handling */
	IN_REASON,		/* limits.max_reason */
	IN_PRINCIPAL,		/* limits.max_principal */
	IN_FILENAME,		/* limits.max_filename */
	IN_DATE,		/* empty, or a real YYYY-MM-DD (a word) */
	IN_TIME,		/* empty, or a real RFC 3339 time (a word) */
	IN_WHEN,		/* empty, or either (a word) */
} in_kind_t;

/* What the audit record may echo of a field (job.h: job_audit_t doc, target). */
typedef enum { ECHO_NONE, ECHO_DOC, ECHO_REQUEST, ECHO_TARGET } in_echo_t;

/*
 * Every client-supplied string field with a bound of its own; any other
 * string in a request is an IN_WORD named by its field.  `many` names a
 * repeated field's entries in a refusal, and `recipients` takes its count
 * from limits.max_recipients (else INPUT_COUNT_MAX).
 */
static const struct rule {
	const char *msg, *field;
	in_kind_t kind;
	in_echo_t echo;
	const char *what, *many;
	bool recipients;
} rules[] = {
	{ "isa.DocMeta", "id", IN_ID, ECHO_NONE, "the document id", NULL, false },
	{ "isa.DocMeta", "title", IN_TITLE, ECHO_NONE, "the title", NULL, false },
	{ "isa.DocMeta", "classification", IN_WORD, ECHO_NONE,
	    "the classification", NULL, false },
	{ "isa.DocMeta", "descriptors", IN_WORD, ECHO_NONE, "a descriptor",
	    "descriptors", false },
	{ "isa.DocMeta", "caveats", IN_WORD, ECHO_NONE, "a caveat", "caveats",
	    false },
	{ "isa.DocMeta", "onward", IN_WORD, ECHO_NONE, "the onward rule", NULL,
	    false },
	{ "isa.DocMeta", "handling", IN_HANDLING, ECHO_NONE,
	    "the handling text", NULL, false },
	{ "isa.DocMeta", "originator", IN_PRINCIPAL, ECHO_NONE,
	    "the originator", NULL, false },
	{ "isa.DocMeta", "author", IN_PRINCIPAL, ECHO_NONE, "the author", NULL,
	    false },
	{ "isa.DocMeta", "ingested_by", IN_PRINCIPAL, ECHO_NONE,
	    "the ingesting user", NULL, false },
	{ "isa.DocMeta", "review_by", IN_DATE, ECHO_NONE, "the review-by date",
	    NULL, false },
	{ "isa.DocMeta", "destroy_after", IN_DATE, ECHO_NONE,
	    "the destroy-after date", NULL, false },
	{ "isa.DocMeta", "embargo_until", IN_TIME, ECHO_NONE,
	    "the embargo time", NULL, false },
	{ "isa.DocMeta", "to", IN_PRINCIPAL, ECHO_NONE, "a --to principal",
	    "--to principals", true },
	{ "isa.DocMeta", "derived_from", IN_ID, ECHO_NONE,
	    "the --derived-from id", NULL, false },
	{ "isa.DocMeta", "supersedes", IN_ID, ECHO_NONE, "the --supersedes id",
	    NULL, false },
	{ "isa.DocMeta", "marking", IN_TITLE, ECHO_NONE, "the marking", NULL,
	    false },
	{ "isa.DocMeta", "filename", IN_FILENAME, ECHO_NONE, "the file name",
	    NULL, false },
	{ "isa.GetBegin", "id", IN_ID, ECHO_DOC, "the document id", NULL,
	    false },
	{ "isa.InfoRequest", "id", IN_ID, ECHO_DOC, "the document id", NULL,
	    false },
	{ "isa.ListRequest", "after", IN_ID, ECHO_NONE, "the paging id", NULL,
	    false },
	{ "isa.ShareRequest", "id", IN_ID, ECHO_DOC, "the document id", NULL,
	    false },
	{ "isa.ShareRequest", "to", IN_PRINCIPAL, ECHO_TARGET,
	    "the --to principal", NULL, false },
	{ "isa.ShareRequest", "reason", IN_REASON, ECHO_NONE, "the reason",
	    NULL, false },
	{ "isa.DecideRequest", "id", IN_ID, ECHO_REQUEST, "the request id",
	    NULL, false },
	{ "isa.DecideRequest", "reason", IN_REASON, ECHO_NONE, "the reason",
	    NULL, false },
	{ "isa.RecallRequest", "id", IN_ID, ECHO_DOC, "the document id", NULL,
	    false },
	{ "isa.RecallRequest", "reason", IN_REASON, ECHO_NONE, "the reason",
	    NULL, false },
	{ "isa.AuditQuery", "doc", IN_WORD, ECHO_NONE, "the --doc filter", NULL,
	    false },
	{ "isa.AuditQuery", "user", IN_PRINCIPAL, ECHO_NONE,
	    "the --user filter", NULL, false },
	{ "isa.AuditQuery", "agency", IN_PRINCIPAL, ECHO_NONE,
	    "the --agency filter", NULL, false },
	{ "isa.AuditQuery", "since", IN_WHEN, ECHO_NONE, "the --since time",
	    NULL, false },
	{ "isa.AuditQuery", "until", IN_WHEN, ECHO_NONE, "the --until time",
	    NULL, false },
};

typedef struct {
	const isad_config_t *cfg;
	input_verdict_t *v;
	bool bad;
} walk_t;

static const struct rule *
rule_of(const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].msg, d->name) == 0 &&
		    strcmp(rules[i].field, f->name) == 0)
			return &rules[i];
	return NULL;
}

static size_t
bound_of(const isad_config_t *cfg, in_kind_t k)
{
	switch (k) {
	case IN_ID: return DOCID_TEXT_LEN;
	case IN_TITLE: return (size_t)cfg->max_title;
	case IN_HANDLING: return (size_t)cfg->max_handling;
	case IN_REASON: return (size_t)cfg->max_reason;
	case IN_PRINCIPAL: return (size_t)cfg->max_principal;
	case IN_FILENAME: return (size_t)cfg->max_filename;
	case IN_WORD:
	case IN_DATE:
	case IN_TIME:
	case IN_WHEN: break;
	}
	return INPUT_WORD_MAX;
}

/* What is wrong with s (n bytes) as text: NULL, or a phrase. */
static const char *
text_fault(const char *s, size_t n)
{
	uint32_t c;

	for (size_t i = 0; i < n;) {
		int k = utf8_next((const unsigned char *)s + i, n - i, &c);

		if (k < 0)
			return "is not valid UTF-8 text";
		if (utf8_is_control(c))
			return "holds a control character; remove it";
		i += (size_t)k;
	}
	return NULL;
}

/* The first fault wins; later ones only add what the record may echo. */
static void
fault(walk_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fault(walk_t *w, const char *fmt, ...)
{
	va_list ap;

	if (w->bad)
		return;
	w->bad = true;
	va_start(ap, fmt);
	vsnprintf(w->v->message, sizeof(w->v->message), fmt, ap);
	va_end(ap);
}

static void
echo(walk_t *w, in_echo_t e, const char *s, bool good, size_t n)
{
	input_verdict_t *v = w->v;

	if (e == ECHO_TARGET && v->target == NULL) {
		if (good)
			v->target = s;
		else {
			snprintf(v->target_buf, sizeof(v->target_buf),
			    "malformed:%zu", n);
			v->target = v->target_buf;
		}
	} else if ((e == ECHO_DOC || e == ECHO_REQUEST) && v->doc == NULL) {
		if (good && e == ECHO_DOC)
			v->doc = s;
		else {
			snprintf(v->doc_buf, sizeof(v->doc_buf), "%s%s",
			    e == ECHO_REQUEST ? "request:" : "", good ? s :
			    "malformed:");
			if (!good)
				snprintf(v->doc_buf + strlen(v->doc_buf),
				    sizeof(v->doc_buf) - strlen(v->doc_buf),
				    "%zu", n);
			v->doc = v->doc_buf;
		}
	}
}

/* Whether s (not empty) is what a date kind takes, through the one parser
 * (common/timefmt): a date that does not exist is refused here, before any
 * handler stores it. */
static bool
when_ok(in_kind_t kind, const char *s)
{
	int64_t ms;

	switch (kind) {
	case IN_DATE: return timefmt_parse_date(s, &ms) == 0;
	case IN_TIME: return timefmt_parse_time(s, &ms) == 0;
	case IN_WHEN: return timefmt_parse_ms(s, &ms) == 0;
	default: return true;
	}
}

static void
check_string(walk_t *w, const struct rule *r, const char *field,
    const char *s)
{
	static const char id_form[] = "ids are 26 characters of A-Z and 2-7";
	char named[64];
	const char *what = r != NULL ? r->what : named;
	in_kind_t kind = r != NULL ? r->kind : IN_WORD;
	size_t n = strlen(s), max = bound_of(w->cfg, kind);
	const char *why = n > max ? NULL : text_fault(s, n);
	bool bad_id = false, first = !w->bad;
	uint8_t id[DOCID_LEN];

	snprintf(named, sizeof(named), "the %s field", field);
	if (kind == IN_ID && n > 0 && (n != DOCID_TEXT_LEN || why != NULL ||
	    docid_parse(s, id) != 0))
		bad_id = true;
	if (bad_id && n <= INPUT_ECHO_MAX && why == NULL)
		fault(w, "%s \"%s\" is malformed: %s", what, s, id_form);
	else if (bad_id)
		fault(w, "%s is malformed: %s", what, id_form);
	else if (n > max)
		fault(w, "%s is longer than the %zu bytes isad accepts; "
		    "shorten it", what, max);
	else if (why != NULL)
		fault(w, "%s %s", what, why);
	else if (n > 0 && !when_ok(kind, s))
		fault(w, "%s \"%s\" is not a real %s", what, s,
		    kind == IN_DATE ? "date: YYYY-MM-DD (UTC), e.g. 2026-02-28" :
		    kind == IN_TIME ? "time: RFC 3339, e.g. 2026-02-28T09:00:00Z" :
		    "date or time: YYYY-MM-DD or RFC 3339");
	if (first && w->bad)
		snprintf(w->v->reason, sizeof(w->v->reason), "malformed:%s:%zu",
		    field, n);
	if (r != NULL && r->echo != ECHO_NONE)
		echo(w, r->echo, s, !bad_id && n <= max && why == NULL, n);
}

static void check_message(walk_t *w, const ProtobufCMessage *m, int depth);

static void
check_field(walk_t *w, const ProtobufCMessage *m,
    const ProtobufCFieldDescriptor *f, int depth)
{
	const char *base = (const char *)m;
	const struct rule *r = rule_of(m->descriptor, f);

	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t n = *(const size_t *)(const void *)(base +
		    f->quantifier_offset);
		void *const *v = *(void *const *const *)(const void *)(base +
		    f->offset);
		size_t max = r != NULL && r->recipients ?
		    (size_t)w->cfg->max_recipients : INPUT_COUNT_MAX;

		if (f->type != PROTOBUF_C_TYPE_STRING &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE)
			return;
		if (n > max) {
			bool first = !w->bad;

			fault(w, "too many %s: isad accepts at most "
			    "%zu", r != NULL && r->many != NULL ? r->many :
			    f->name, max);
			if (first)
				snprintf(w->v->reason, sizeof(w->v->reason),
				    "too_many:%s:%zu", f->name, n);
			return;
		}
		for (size_t i = 0; i < n; i++) {
			if (f->type == PROTOBUF_C_TYPE_STRING)
				check_string(w, r, f->name, v[i]);
			else
				check_message(w, v[i], depth + 1);
		}
		return;
	}
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		const char *s = *(const char *const *)(const void *)(base +
		    f->offset);

		if (s != NULL)
			check_string(w, r, f->name, s);
	} else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)
		    (const void *)(base + f->offset);

		if (sub != NULL)
			check_message(w, sub, depth + 1);
	}
}

static void
check_message(walk_t *w, const ProtobufCMessage *m, int depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	if (depth > INPUT_DEPTH_MAX) {	/* no request nests this deep */
		fault(w, "the request nests too deep");
		snprintf(w->v->reason, sizeof(w->v->reason), "malformed:depth");
		return;
	}
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(const void *)((const char *)m +
		    f->quantifier_offset) != f->id)
			continue;	/* another member of the oneof */
		check_field(w, m, f, depth);
	}
}

bool
input_check(const isad_config_t *cfg, const Isa__Envelope *req,
    input_verdict_t *v)
{
	walk_t w = { cfg, v, false };

	memset(v, 0, sizeof(*v));
	check_message(&w, &req->base, 0);
	return !w.bad;
}
