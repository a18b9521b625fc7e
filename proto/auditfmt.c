/* auditfmt.c: audit records as the lines auditors read: JSON (the export contract of DESIGN §7) and CSV. */
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/timefmt.h"
#include "proto/auditfmt.h"
#include "proto/isa.pb-c.h"

/* A growing string. */
typedef struct {
	char *p;
	size_t len, cap;
	bool oom;
} buf_t;

static void
buf_add(buf_t *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (p == NULL) {
			b->oom = true;
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

static void
buf_json(buf_t *b, const char *s)
{
	static const char hexd[] = "0123456789abcdef";
	const unsigned char *c = (const unsigned char *)s, *run = c;
	char esc[6];

	buf_add(b, "\"", 1);
	for (; *c; c++) {
		if (*c >= 0x20 && *c != 0x7f && *c != '"' && *c != '\\')
			continue;	/* copied with its run */
		buf_add(b, (const char *)run, (size_t)(c - run));
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
	buf_add(b, (const char *)run, (size_t)(c - run));
	buf_add(b, "\"", 1);
}

/* v in decimal, without printf: this runs once a record in verify. */
static void
buf_u64(buf_t *b, uint64_t v)
{
	char d[20];
	size_t n = sizeof(d);

	do {
		d[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_add(b, d + n, sizeof(d) - n);
}

char *
auditfmt_json_string(const char *s)
{
	buf_t b = { 0 };

	buf_json(&b, s);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

static void
field_str(buf_t *b, const char *name, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	buf_str(b, ",\"");
	buf_str(b, name);
	buf_str(b, "\":");
	buf_json(b, v);
}

static void
field_num(buf_t *b, const char *name, uint64_t v)
{
	if (v == 0)
		return;
	buf_str(b, ",\"");
	buf_str(b, name);
	buf_str(b, "\":");
	buf_u64(b, v);
}

static void
hex(const ProtobufCBinaryData *d, char *out, size_t cap)
{
	static const char hexd[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < d->len && 2 * i + 2 < cap; i++) {
		out[2 * i] = hexd[d->data[i] >> 4];
		out[2 * i + 1] = hexd[d->data[i] & 15];
	}
	out[2 * i] = '\0';
}

int
auditfmt_json_record(const Isa__AuditRecord *r, const uint8_t *rec,
    size_t len, bool with_leaf, char **out)
{
	char t[TIMEFMT_LEN], h1[80], h2[80];
	buf_t b = { 0 };

	*out = NULL;
	/* Room for the usual record at once: base64 and a little more. */
	if ((b.p = malloc((b.cap = 2 * len + 256))) == NULL)
		return ISA_ERR_NOMEM;
	buf_str(&b, "{\"seq\":");
	buf_u64(&b, r->seq);
	if (with_leaf) {
		size_t need = 4 * ((len + 2) / 3);

		buf_str(&b, ",\"leaf\":\"");
		if (b.len + need + 2 > b.cap) {
			char *p = realloc(b.p, b.len + need + 256);

			if (p == NULL) {
				free(b.p);
				return ISA_ERR_NOMEM;
			}
			b.p = p;
			b.cap = b.len + need + 256;
		}
		b.len += (size_t)EVP_EncodeBlock((unsigned char *)b.p + b.len,
		    rec, (int)len);
		buf_str(&b, "\"");
	}
	timefmt_format_ms(r->time_ms, t);
	field_str(&b, "time", t);
	field_str(&b, "actor", r->actor);
	field_str(&b, "agency", r->agency);
	field_str(&b, "key", r->key);
	field_str(&b, "action", r->action);
	field_str(&b, "doc", r->doc);
	field_str(&b, "marking", r->marking);
	field_str(&b, "target", r->target);
	field_str(&b, "decision", r->decision);
	field_str(&b, "reason", r->reason);
	field_num(&b, "request", r->request);
	hex(&r->sha256, h1, sizeof(h1));
	field_str(&b, "sha256", h1);
	hex(&r->config_sha256, h2, sizeof(h2));
	field_str(&b, "config_sha256", h2);
	field_num(&b, "count", r->count);
	buf_str(&b, "}");
	if (b.oom) {
		free(b.p);
		return ISA_ERR_NOMEM;
	}
	*out = b.p;
	return 0;
}

int
auditfmt_json(const uint8_t *rec, size_t len, bool with_leaf, char **out)
{
	Isa__AuditRecord *r = isa__audit_record__unpack(NULL, len, rec);
	int rc;

	*out = NULL;
	if (r == NULL)
		return ISA_ERR_PARSE;
	rc = auditfmt_json_record(r, rec, len, with_leaf, out);
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
	if (b.oom) {
		free(b.p);
		return ISA_ERR_NOMEM;
	}
	*out = b.p;
	return 0;
}

static const char csv_fields[] = "seq,time,actor,agency,key,action,doc,"
    "marking,target,decision,reason,request,sha256,config_sha256,count";

void
auditfmt_csv_header(FILE *f)
{
	fprintf(f, "%s\n", csv_fields);
}

static void
csv_cell(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\n\r") != NULL) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
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
	csv_cell(f, n, true);
	isa__audit_record__free_unpacked(r, NULL);
	return 0;
}

void
auditfmt_table_header(FILE *f)
{
	fprintf(f, "%-6s %-24s %-16s %-16s %-26s %-9s %s\n", "SEQ", "TIME",
	    "ACTOR", "ACTION", "DOC", "DECISION", "REASON");
}

int
auditfmt_table(const uint8_t *rec, size_t len, FILE *f)
{
	Isa__AuditRecord *r = isa__audit_record__unpack(NULL, len, rec);
	char t[TIMEFMT_LEN];

	if (r == NULL)
		return ISA_ERR_PARSE;
	timefmt_format_ms(r->time_ms, t);
	fprintf(f, "%-6llu %-24s %-16s %-16s %-26s %-9s %s\n",
	    (unsigned long long)r->seq, t, r->actor[0] ? r->actor : "-",
	    r->action, r->doc[0] ? r->doc : "-", r->decision, r->reason);
	isa__audit_record__free_unpacked(r, NULL);
	return 0;
}
