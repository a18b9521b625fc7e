/* auditfmt.c: audit records as the lines auditors read: JSON (the export contract of DESIGN §7) and CSV. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/base64.h"
#include "common/err.h"
#include "common/timefmt.h"
#include "common/utf8.h"
#include "verify/auditfmt.h"
#include "proto/isa.pb-c.h"

/*
 * A growing string, or (when line is set) a check that a given line is
 * exactly what would be written: one formatter serves both, so export and
 * verify cannot disagree on the format.
 */
typedef struct {
	char *p;		/* what is written; NULL when matching */
	const char *line;	/* the line matched; NULL when writing */
	size_t len, cap;	/* bytes written or matched; room, or the line's length */
	bool bad;		/* out of memory, or the line differs */
} buf_t;

/*
 * Whether the n bytes at a and b are the same.  Most pieces of a record
 * are a few bytes: two overlapping loads beat a call to memcmp.
 */
static inline bool
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y, x2, y2;
	uint32_t u, v, u2, v2;

	if (n > 16)
		return memcmp(a, b, n) == 0;
	if (n >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&x2, a + n - 8, 8);
		memcpy(&y2, b + n - 8, 8);
		return ((x ^ y) | (x2 ^ y2)) == 0;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		memcpy(&u2, a + n - 4, 4);
		memcpy(&v2, b + n - 4, 4);
		return ((u ^ v) | (u2 ^ v2)) == 0;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static inline void
buf_add(buf_t *b, const char *s, size_t n)
{
	if (b->bad)
		return;
	if (b->line != NULL) {
		const char *l = b->line + b->len;

		if (n > b->cap - b->len) {
			b->bad = true;
			return;
		}
		if (!same(l, s, n))
			b->bad = true;
		b->len += n;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (p == NULL) {
			b->bad = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_str(buf_t *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/*
 * The bytes a JSON string escapes (controls, DEL, quote, backslash) and
 * NUL, as a bitmap: the verifier scans every string of every record.
 */
static const uint64_t escaped[4] = {
	0x00000004ffffffffULL,		/* 0x00-0x1f and '"' */
	0x8000000010000000ULL,		/* '\\' and 0x7f */
	0, 0,
};

#define ESCAPED(c) (escaped[(c) >> 6] >> ((c) & 63) & 1)

/* s escaped as the inside of a JSON string. */
static void
buf_json_body(buf_t *b, const char *s)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *c = (const unsigned char *)s, *run = c;
	char esc[6];

	for (;; c++) {
		while (!ESCAPED(*c))
			c++;
		buf_add(b, (const char *)run, (size_t)(c - run));
		if (*c == '\0')
			return;
		run = c + 1;
		if (*c == '"' || *c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*c;
			buf_add(b, esc, 2);
		} else if (*c == '\n')
			buf_add(b, "\\n", 2);
		else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hexd[*c >> 4];
			esc[5] = hexd[*c & 15];
			buf_add(b, esc, 6);
		}
	}
}

static void
buf_json(buf_t *b, const char *s)
{
	buf_add(b, "\"", 1);
	buf_json_body(b, s);
	buf_add(b, "\"", 1);
}

size_t
auditfmt_decimal(uint64_t v, char out[AUDITFMT_DECIMAL_LEN])
{
	char d[AUDITFMT_DECIMAL_LEN - 1];
	size_t n = sizeof(d);

	do {
		d[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	memcpy(out, d + n, sizeof(d) - n);
	out[sizeof(d) - n] = '\0';
	return sizeof(d) - n;
}

static void
buf_u64(buf_t *b, uint64_t v)
{
	char d[AUDITFMT_DECIMAL_LEN];

	buf_add(b, d, auditfmt_decimal(v, d));
}

char *
auditfmt_json_string(const char *s)
{
	buf_t b = { 0 };

	buf_json(&b, s);
	if (b.bad) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/*
 * A field: its prefix ,"name": (or ,"name":" for strings) is one literal,
 * so a record costs few appends.  A string field is left out when empty,
 * a number when 0; FIELD_TEXT is for values that never need escaping
 * (times, hex, numbers).
 */
#define FIELD_STR(b, name, v) \
	field_str(b, ",\"" name "\":\"", sizeof(",\"" name "\":\"") - 1, v, true)
#define FIELD_TEXT(b, name, v) \
	field_str(b, ",\"" name "\":\"", sizeof(",\"" name "\":\"") - 1, v, false)
#define FIELD_NUM(b, name, v) \
	field_num(b, ",\"" name "\":", sizeof(",\"" name "\":") - 1, v)
#define FIELD_ID(b, name, v) \
	field_id(b, ",\"" name "\":\"", sizeof(",\"" name "\":\"") - 1, v)

static void
field_str(buf_t *b, const char *prefix, size_t plen, const char *v,
    bool escape)
{
	if (v == NULL || v[0] == '\0')
		return;
	buf_add(b, prefix, plen);
	if (escape)
		buf_json_body(b, v);
	else
		buf_str(b, v);
	buf_add(b, "\"", 1);
}

static void
field_num(buf_t *b, const char *prefix, size_t plen, uint64_t v)
{
	if (v == 0)
		return;
	buf_add(b, prefix, plen);
	buf_u64(b, v);
}

/* A 64-bit id as a decimal string ("request" from AUDITFMT_V2 on). */
static void
field_id(buf_t *b, const char *prefix, size_t plen, uint64_t v)
{
	if (v == 0)
		return;
	buf_add(b, prefix, plen);
	buf_u64(b, v);
	buf_add(b, "\"", 1);
}

static void
hex(const ProtobufCBinaryData *d, char *out, size_t cap)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i, n = d->len < (cap - 1) / 2 ? d->len : (cap - 1) / 2;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexd[d->data[i] >> 4];
		out[2 * i + 1] = hexd[d->data[i] & 15];
	}
	out[2 * i] = '\0';
}

/* Base64 of rec, in pieces of 48 bytes (64 characters, the same text as
 * one whole) through buf_add, which grows the buffer. */
static void
buf_base64(buf_t *b, const uint8_t *rec, size_t len)
{
	char piece[BASE64_LEN(48) + 1];

	for (size_t off = 0; off < len && !b->bad; off += 48) {
		size_t n = len - off < 48 ? len - off : 48;
		size_t got = base64_encode(rec + off, n, piece);

		buf_add(b, piece, got);
	}
}

/* The decoded fields of r, after its seq and leaf, to the closing brace. */
static void
json_fields(buf_t *b, const Isa__AuditRecord *r, int format)
{
	char t[TIMEFMT_LEN], h1[80], h2[80];

	timefmt_format_ms(r->time_ms, t);
	FIELD_TEXT(b, "time", t);
	FIELD_STR(b, "actor", r->actor);
	FIELD_STR(b, "agency", r->agency);
	FIELD_STR(b, "key", r->key);
	FIELD_STR(b, "action", r->action);
	FIELD_STR(b, "doc", r->doc);
	FIELD_STR(b, "marking", r->marking);
	FIELD_STR(b, "target", r->target);
	FIELD_STR(b, "decision", r->decision);
	FIELD_STR(b, "reason", r->reason);
	if (format == AUDITFMT_V1)
		FIELD_NUM(b, "request", r->request);
	else
		FIELD_ID(b, "request", r->request);
	hex(&r->sha256, h1, sizeof(h1));
	FIELD_TEXT(b, "sha256", h1);
	hex(&r->config_sha256, h2, sizeof(h2));
	FIELD_TEXT(b, "config_sha256", h2);
	FIELD_NUM(b, "count", r->count);
	FIELD_NUM(b, "keys", r->keys);
	buf_add(b, "}", 1);
}

/* The whole line for r (unpacked from rec, len bytes) into b. */
static void
json_record(buf_t *b, const Isa__AuditRecord *r, const uint8_t *rec,
    size_t len, bool with_leaf, int format)
{
	buf_str(b, "{\"seq\":");
	buf_u64(b, r->seq);
	if (with_leaf) {
		buf_str(b, ",\"leaf\":\"");
		buf_base64(b, rec, len);
		buf_str(b, "\"");
	}
	json_fields(b, r, format);
}

int
auditfmt_json_record(const Isa__AuditRecord *r, const uint8_t *rec,
    size_t len, bool with_leaf, int format, char **out)
{
	/* Room for the usual record at once: base64 and a little more. */
	buf_t b = { .cap = 2 * len + 256 };

	*out = NULL;
	if ((b.p = malloc(b.cap)) == NULL)
		return ISA_ERR_NOMEM;
	json_record(&b, r, rec, len, with_leaf, format);
	if (b.bad) {
		free(b.p);
		return ISA_ERR_NOMEM;
	}
	*out = b.p;
	return 0;
}

bool
auditfmt_json_fields_match(const Isa__AuditRecord *r, const char *rest,
    size_t rest_len, int format)
{
	buf_t b = { .line = rest, .cap = rest_len };

	json_fields(&b, r, format);
	return !b.bad && b.len == rest_len;
}

int
auditfmt_json(const uint8_t *rec, size_t len, bool with_leaf, char **out)
{
	Isa__AuditRecord *r = isa__audit_record__unpack(NULL, len, rec);
	int rc;

	*out = NULL;
	if (r == NULL)
		return ISA_ERR_PARSE;
	rc = auditfmt_json_record(r, rec, len, with_leaf, AUDITFMT_CURRENT,
	    out);
	isa__audit_record__free_unpacked(r, NULL);
	return rc;
}

int
auditfmt_header(const char *note, char **out)
{
	buf_t b = { 0 };

	buf_str(&b, "{\"format\":\"" AUDITFMT_FORMAT "\",\"checkpoint\":");
	buf_json(&b, note);
	buf_str(&b, "}");
	if (b.bad) {
		free(b.p);
		return ISA_ERR_NOMEM;
	}
	*out = b.p;
	return 0;
}

static const char csv_fields[] = "seq,time,actor,agency,key,action,doc,"
    "marking,target,decision,reason,request,sha256,config_sha256,count,keys";

void
auditfmt_csv_header(FILE *f)
{
	fprintf(f, "%s\n", csv_fields);
}

/* A cell, escaped for a terminal first (utf8_escape: an old log may hold
 * control characters), then quoted when it must be.  A cell a spreadsheet
 * would run as a formula (it starts with = + - or @: a share's target is
 * kept as the member typed it) gets a ' before it, as OWASP advises: the
 * spreadsheet shows it and runs nothing (control characters, tab and CR
 * among them, are escaped already). */
static void
csv_cell(FILE *f, const char *raw, bool last)
{
	char *s = utf8_escape(raw);
	bool formula = s != NULL && s[0] != '\0' &&
	    strchr("=+-@", s[0]) != NULL;

	if (s == NULL)
		fputs("?", f);
	else if (formula || strpbrk(s, ",\"\n\r") != NULL) {
		fputc('"', f);
		if (formula)
			fputc('\'', f);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	free(s);
	fputc(last ? '\n' : ',', f);
}

int
auditfmt_csv(const uint8_t *rec, size_t len, FILE *f)
{
	Isa__AuditRecord *r = isa__audit_record__unpack(NULL, len, rec);
	char t[TIMEFMT_LEN], n[32], h1[80], h2[80];

	if (r == NULL)
		return ISA_ERR_PARSE;
	snprintf(n, sizeof(n), "%llu", (unsigned long long)r->seq);
	csv_cell(f, n, false);
	timefmt_format_ms(r->time_ms, t);
	csv_cell(f, t, false);
	csv_cell(f, r->actor, false);
	csv_cell(f, r->agency, false);
	csv_cell(f, r->key, false);
	csv_cell(f, r->action, false);
	csv_cell(f, r->doc, false);
	csv_cell(f, r->marking, false);
	csv_cell(f, r->target, false);
	csv_cell(f, r->decision, false);
	csv_cell(f, r->reason, false);
	if (r->request)
		snprintf(n, sizeof(n), "%llu", (unsigned long long)r->request);
	else
		n[0] = '\0';
	csv_cell(f, n, false);
	hex(&r->sha256, h1, sizeof(h1));
	csv_cell(f, h1, false);
	hex(&r->config_sha256, h2, sizeof(h2));
	csv_cell(f, h2, false);
	if (r->count)
		snprintf(n, sizeof(n), "%llu", (unsigned long long)r->count);
	else
		n[0] = '\0';
	csv_cell(f, n, false);
	if (r->keys)
		snprintf(n, sizeof(n), "%llu", (unsigned long long)r->keys);
	else
		n[0] = '\0';
	csv_cell(f, n, true);
	isa__audit_record__free_unpacked(r, NULL);
	return 0;
}

void
auditfmt_table_header(FILE *f)
{
	fprintf(f, "%-6s %-24s %-16s %-16s %-26s %-24s %-12s %s\n", "SEQ",
	    "TIME", "ACTOR", "ACTION", "DOC", "TARGET", "DECISION", "REASON");
}

int
auditfmt_table(const uint8_t *rec, size_t len, FILE *f)
{
	Isa__AuditRecord *r = isa__audit_record__unpack(NULL, len, rec);
	char t[TIMEFMT_LEN], n[32] = "", *v[6] = { NULL };
	int rc = 0;

	if (r == NULL)
		return ISA_ERR_PARSE;
	timefmt_format_ms(r->time_ms, t);
	/* How many requests the record stands for, where not one. */
	if (r->count > 1)
		snprintf(n, sizeof(n), " x%llu", (unsigned long long)r->count);
	/* Escaped for a terminal: an old log may hold control characters. */
	v[0] = utf8_escape(r->actor[0] ? r->actor : "-");
	v[1] = utf8_escape(r->action);
	v[2] = utf8_escape(r->doc[0] ? r->doc : "-");
	v[3] = utf8_escape(r->target[0] ? r->target : "-");
	v[4] = utf8_escape(r->decision);
	v[5] = utf8_escape(r->reason);
	for (int i = 0; i < 6; i++)
		if (v[i] == NULL)
			rc = ISA_ERR_NOMEM;
	if (rc == 0) {
		/* The decision and its count as one column. */
		size_t dl = strlen(v[4]), pad = dl + strlen(n) < 12 ?
		    12 - dl - strlen(n) : 0;

		fprintf(f, "%-6llu %-24s %-16s %-16s %-26s %-24s %s%s%*s %s\n",
		    (unsigned long long)r->seq, t, v[0], v[1], v[2], v[3], v[4],
		    n, (int)pad, "", v[5]);
	}
	for (int i = 0; i < 6; i++)
		free(v[i]);
	isa__audit_record__free_unpacked(r, NULL);
	return rc;
}
