/* audit.c: isa ui's auditor requests: a page of the audit log as JSON, every page as CSV or JSON lines, the checkpoint to keep and the export, downloads streamed from isad as `isa audit` writes them. */
#define _GNU_SOURCE	/* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/auditexport.h"
#include "client/auditreq.h"
#include "client/cli.h"
#include "proto/envelope.h"
#include "ui/audit.h"
#include "ui/banner.h"
#include "ui/isad.h"
#include "ui/reply.h"
#include "verify/auditfmt.h"

/* MHD asks for at most this much at a time. */
#define UI_AUDIT_BLOCK	(64 * 1024)
/* The most records one page of the table asks isad for (isad's own page
 * is at most 2000). */
#define UI_AUDIT_LIMIT_MAX	2000

/* What a download is made of. */
typedef enum { DL_CSV, DL_JSONL, DL_EXPORT } dl_kind_t;

/* A streamed download: the text of the page being sent, and how to get
 * the next. */
typedef struct {
	ui_isad_t u;
	dl_kind_t kind;
	Isa__AuditQuery q;	/* the filters (strings owned) and cursor */
	bool more;		/* isad has another page */
	isa_auditexport_t *x;	/* DL_EXPORT */
	char *text;		/* what is left to send: text + off .. len */
	size_t len, off;
} dl_t;

/* The filters of `isa audit`, by their query names, in q's members. */
static const struct {
	const char *name;
	size_t off;
} filters[] = {
	{ "doc", offsetof(Isa__AuditQuery, doc) },
	{ "user", offsetof(Isa__AuditQuery, user) },
	{ "agency", offsetof(Isa__AuditQuery, agency) },
	{ "action", offsetof(Isa__AuditQuery, action) },
	{ "decision", offsetof(Isa__AuditQuery, decision) },
	{ "since", offsetof(Isa__AuditQuery, since) },
	{ "until", offsetof(Isa__AuditQuery, until) },
};

static char **
filter_slot(Isa__AuditQuery *q, size_t i)
{
	return (char **)(void *)((char *)q + filters[i].off);
}

static void
filters_free(Isa__AuditQuery *q)
{
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (*filter_slot(q, i) != protobuf_c_empty_string)
			free(*filter_slot(q, i));
}

/*
 * q from the request's query: the filters (copied: a download outlives
 * nothing it borrows), after=N and, for the table, limit=N.  0, or -1 with
 * e filled (400: the dates with `isa audit`'s sentence).
 */
static int
filters_get(struct MHD_Connection *c, Isa__AuditQuery *q, bool paged,
    ui_err_t *e)
{
	char err[ISA_AUDITREQ_ERRLEN];
	uint64_t after, limit;
	int code;

	isa__audit_query__init(q);
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		const char *v = MHD_lookup_connection_value(c,
		    MHD_GET_ARGUMENT_KIND, filters[i].name);

		if (v == NULL || v[0] == '\0')
			continue;
		if ((*filter_slot(q, i) = strdup(v)) == NULL) {
			*filter_slot(q, i) = (char *)protobuf_c_empty_string;
			filters_free(q);
			ui_err_set(e, MHD_HTTP_INTERNAL_SERVER_ERROR, "error",
			    EXIT_ERROR, "out of memory");
			return -1;
		}
	}
	if ((code = isa_auditreq_dates(q, err, sizeof(err))) != EXIT_OK) {
		filters_free(q);
		ui_err_set(e, MHD_HTTP_BAD_REQUEST, "bad", code, "%s", err);
		return -1;
	}
	if (!paged)
		return 0;
	if (ui_query_u64(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "after"), 0, &after) != 0 || ui_query_u64(
	    MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit"), 0,
	    &limit) != 0 || limit > UI_AUDIT_LIMIT_MAX) {
		filters_free(q);
		ui_err_set(e, MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE,
		    "after must be a record number and limit a number up to "
		    "%d", UI_AUDIT_LIMIT_MAX);
		return -1;
	}
	q->after = after;
	q->limit = (uint32_t)limit;
	return 0;
}

/* The page's records as `isa audit --json` shows them, and their banner
 * (the highest marking named).  NULL when a record is unreadable or
 * memory ran out. */
static json_t *
page_json(const Isa__AuditRecords *p)
{
	json_t *recs = json_array(), *out;
	ui_banner_t b = { 0 };

	for (size_t i = 0; recs != NULL && i < p->n_records; i++) {
		json_t *v = isa_auditreq_json(p->records[i].data,
		    p->records[i].len);
		const char *m;

		if (v == NULL || json_array_append_new(recs, v) != 0) {
			json_decref(recs);
			return NULL;
		}
		if ((m = json_string_value(json_object_get(v, "marking"))) !=
		    NULL)
			ui_banner_add(&b, m);
	}
	if (recs == NULL)
		return NULL;
	out = json_object();
	cli_jset(out, "banner", ui_banner_json(&b));	/* before recs goes */
	cli_jset(out, "records", recs);
	cli_jset(out, "next", json_integer((json_int_t)p->next));
	cli_jset(out, "more", json_boolean(p->more));
	if (cli_json_failed()) {
		json_decref(out);
		return NULL;
	}
	return out;
}

enum MHD_Result
ui_audit_query(ui_server_t *s, struct MHD_Connection *c)
{
	char err[ISA_AUDITREQ_ERRLEN];
	Isa__AuditQuery q;
	Isa__Envelope *r = NULL;
	ui_isad_t u;
	ui_err_t e;
	json_t *out;
	int code;

	if (filters_get(c, &q, true, &e) != 0)
		return ui_reply_error(c, &e);
	if (ui_isad_open(&u, s->conf, &s->calls, 0, &e) != 0) {
		filters_free(&q);
		return ui_reply_error(c, &e);
	}
	code = isa_auditreq_page(u.c, &q, &r, err, sizeof(err));
	if (code != EXIT_OK)
		ui_isad_failed(code, err, isa_conn_key_refused(u.c), &e);
	ui_isad_close(&u);
	filters_free(&q);
	if (code != EXIT_OK)
		return ui_reply_error(c, &e);
	out = page_json(r->audit_records);
	envelope_free(r);
	if (out == NULL) {
		ui_err_set(&e, MHD_HTTP_BAD_GATEWAY, "error", EXIT_ERROR,
		    "isad sent a record this isa cannot read");
		return ui_reply_error(c, &e);
	}
	return ui_reply_json(c, MHD_HTTP_OK, out);
}

/* ---- the downloads ---- */

static void
dl_free(void *cls)
{
	dl_t *d = cls;

	isa_auditexport_end(d->x);
	ui_isad_close(&d->u);
	filters_free(&d->q);
	free(d->text);
	free(d);
}

/* One page of records from isad, as CSV (with the header before the
 * first) or JSON lines, into d->text.  EXIT_OK, or the exit code with err. */
static int
dl_page(dl_t *d, bool first, char *err, size_t errlen)
{
	Isa__Envelope *r = NULL;
	const Isa__AuditRecords *p;
	FILE *f;
	int code;

	if ((code = isa_auditreq_page(d->u.c, &d->q, &r, err, errlen)) !=
	    EXIT_OK)
		return code;
	p = r->audit_records;
	if ((f = open_memstream(&d->text, &d->len)) == NULL) {
		envelope_free(r);
		snprintf(err, errlen, "out of memory");
		return EXIT_ERROR;
	}
	if (first && d->kind == DL_CSV)
		auditfmt_csv_header(f);
	for (size_t i = 0; i < p->n_records && code == EXIT_OK; i++) {
		const ProtobufCBinaryData *b = &p->records[i];
		char *line = NULL;
		json_t *v;

		if (d->kind == DL_CSV) {
			if (auditfmt_csv(b->data, b->len, f) != 0)
				code = EXIT_ERROR;
			continue;
		}
		/* As `isa audit --json` prints each (cli_json_print). */
		if ((v = isa_auditreq_json(b->data, b->len)) == NULL ||
		    (line = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII)) ==
		    NULL)
			code = EXIT_ERROR;
		else
			fprintf(f, "%s\n", line);
		free(line);
		json_decref(v);
	}
	if (fclose(f) != 0 && code == EXIT_OK)
		code = EXIT_ERROR;
	if (code != EXIT_OK)
		snprintf(err, errlen, "isad sent a record this isa cannot "
		    "read");
	d->q.after = p->next;
	d->more = p->more;
	envelope_free(r);
	return code;
}

/* The next text into d->text: EXIT_OK (len 0: the end), or the exit code
 * with err. */
static int
dl_next(dl_t *d, char *err, size_t errlen)
{
	const char *text;
	bool done;
	int code;

	free(d->text);
	d->text = NULL;
	d->len = d->off = 0;
	if (d->kind != DL_EXPORT)
		return d->more ? dl_page(d, false, err, errlen) : EXIT_OK;
	if ((code = isa_auditexport_next(d->x, &text, &d->len, &done, err,
	    errlen)) != EXIT_OK || done)
		return code;
	/* Borrowed until the next call: copied, as a page's text is ours. */
	if ((d->text = malloc(d->len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return EXIT_ERROR;
	}
	memcpy(d->text, text, d->len);
	return EXIT_OK;
}

static ssize_t
dl_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	dl_t *d = cls;
	char err[ISA_AUDITREQ_ERRLEN];
	size_t n;

	(void)pos;
	while (d->off == d->len) {
		if (dl_next(d, err, sizeof(err)) != EXIT_OK) {
			/* The browser only sees the download fail: say why
			 * here, as `isa audit` would. */
			cli_error("ui: an audit download was stopped short: %s",
			    err);
			return MHD_CONTENT_READER_END_WITH_ERROR;
		}
		if (d->len == 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = d->len - d->off < max ? d->len - d->off : max;
	memcpy(buf, d->text + d->off, n);
	d->off += n;
	return (ssize_t)n;
}

/* "isa-audit-2026-12-03.csv": what, today's UTC date, the extension. */
static void
dl_name(const char *what, const char *ext, char *out, size_t cap)
{
	time_t now = time(NULL);
	struct tm tm;
	char day[16] = "today";

	if (gmtime_r(&now, &tm) != NULL)
		(void)strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(out, cap, "attachment; filename=\"isa-%s-%s.%s\"", what, day,
	    ext);
}

/* Send d's text so far and every later page as an attachment. */
static enum MHD_Result
dl_start(struct MHD_Connection *c, dl_t *d, const char *type,
    const char *what, const char *ext)
{
	struct MHD_Response *r;
	char disp[128];

	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
	    UI_AUDIT_BLOCK, dl_read, d, dl_free);
	if (r == NULL) {
		dl_free(d);
		return MHD_NO;
	}
	dl_name(what, ext, disp, sizeof(disp));
	(void)MHD_add_response_header(r, "Content-Type", type);
	(void)MHD_add_response_header(r, "Content-Disposition", disp);
	return ui_reply_queue(c, MHD_HTTP_OK, r);
}

/*
 * Open a download of kind: the filters, a connection, and the first page
 * (or the export's checkpoint) asked for before anything is sent, so that
 * a refusal is an answer the page can show, not a broken file.  *d, or
 * NULL with the error queued in *ret.
 */
static dl_t *
dl_open(ui_server_t *s, struct MHD_Connection *c, dl_kind_t kind,
    enum MHD_Result *ret)
{
	char err[ISA_AUDITREQ_ERRLEN];
	ui_err_t e;
	dl_t *d;
	int code;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		*ret = MHD_NO;
		return NULL;
	}
	d->kind = kind;
	if (filters_get(c, &d->q, false, &e) != 0) {
		isa__audit_query__init(&d->q);
		goto fail;
	}
	if (ui_isad_open(&d->u, s->conf, &s->calls, 0, &e) != 0)
		goto fail;
	code = kind == DL_EXPORT ? isa_auditexport_begin(d->u.c, &d->x, err,
	    sizeof(err)) : dl_page(d, true, err, sizeof(err));
	if (code != EXIT_OK) {
		ui_isad_failed(code, err, isa_conn_key_refused(d->u.c), &e);
		goto fail;
	}
	return d;
fail:
	dl_free(d);
	*ret = ui_reply_error(c, &e);
	return NULL;
}

enum MHD_Result
ui_audit_csv(ui_server_t *s, struct MHD_Connection *c)
{
	enum MHD_Result ret;
	dl_t *d = dl_open(s, c, DL_CSV, &ret);

	return d == NULL ? ret : dl_start(c, d, "text/csv; charset=utf-8",
	    "audit", "csv");
}

enum MHD_Result
ui_audit_jsonl(ui_server_t *s, struct MHD_Connection *c)
{
	enum MHD_Result ret;
	dl_t *d = dl_open(s, c, DL_JSONL, &ret);

	return d == NULL ? ret : dl_start(c, d, "application/x-ndjson",
	    "audit", "jsonl");
}

enum MHD_Result
ui_audit_export(ui_server_t *s, struct MHD_Connection *c)
{
	enum MHD_Result ret;
	dl_t *d = dl_open(s, c, DL_EXPORT, &ret);

	return d == NULL ? ret : dl_start(c, d, "application/x-ndjson",
	    "audit-export", "jsonl");
}

enum MHD_Result
ui_audit_checkpoint(ui_server_t *s, struct MHD_Connection *c)
{
	char err[ISA_AUDITREQ_ERRLEN], disp[128];
	struct MHD_Response *resp;
	const char *note;
	Isa__Envelope *r = NULL;
	ui_isad_t u;
	ui_err_t e;
	int code;

	if (ui_isad_open(&u, s->conf, &s->calls, 0, &e) != 0)
		return ui_reply_error(c, &e);
	code = isa_auditreq_checkpoint(u.c, false, &r, err, sizeof(err));
	if (code != EXIT_OK)
		ui_isad_failed(code, err, isa_conn_key_refused(u.c), &e);
	ui_isad_close(&u);
	if (code != EXIT_OK)
		return ui_reply_error(c, &e);
	/* Verbatim, as `isa audit checkpoint` prints it, to be kept. */
	note = r->audit_checkpoint_reply->checkpoint;
	resp = MHD_create_response_from_buffer(strlen(note), (void *)note,
	    MHD_RESPMEM_MUST_COPY);
	envelope_free(r);
	if (resp == NULL)
		return MHD_NO;
	dl_name("audit-checkpoint", "txt", disp, sizeof(disp));
	(void)MHD_add_response_header(resp, "Content-Type",
	    "text/plain; charset=utf-8");
	(void)MHD_add_response_header(resp, "Content-Disposition", disp);
	return ui_reply_queue(c, MHD_HTTP_OK, resp);
}
