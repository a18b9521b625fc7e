/* upload.c: POST /api/upload: the file's bytes streamed to isad as they arrive (client/upload.c), its description from X-ISA-Meta checked as isa put checks its options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/cli.h"
#include "client/putmeta.h"
#include "client/upload.h"
#include "ui/isad.h"
#include "ui/reply.h"
#include "ui/route.h"
#include "ui/upload.h"

/* A description's header, percent-decoded, at most (MHD's own header
 * room is smaller). */
#define UI_META_MAX	(64 * 1024)

typedef struct {
	ui_isad_t u;
	isa_upload_t *up;
	uint64_t size;		/* Content-Length: PutBegin's size */
	bool said;		/* its failure is on stderr already */
	bool stored;
	json_t *j;		/* X-ISA-Meta: m's strings are its */
	Isa__DocMeta m;
	char *to[ISA_PUT_MAX_LIST], *caveats[ISA_PUT_MAX_LIST],
	    *desc[ISA_PUT_MAX_LIST];
} ui_up_t;

/* X-ISA-Meta's fields, spelled as the contract (docs/ui.md) spells them:
 * a string of DocMeta, or a list (to, caveats, descriptors). */
typedef struct {
	const char *name;
	size_t off;		/* of the char * (string) or char ** (list) */
	size_t n_off;		/* of the list's count; 0: a string */
} meta_field_t;

#define STR(n, f) { n, offsetof(Isa__DocMeta, f), 0 }
#define LIST(n, f) { n, offsetof(Isa__DocMeta, f), \
	offsetof(Isa__DocMeta, n_##f) }
static const meta_field_t fields[] = {
	STR("title", title), STR("class", classification),
	STR("handling", handling), STR("originator", originator),
	STR("onward", onward), STR("review_by", review_by),
	STR("destroy_after", destroy_after),
	STR("embargo_until", embargo_until),
	STR("derived_from", derived_from), STR("supersedes", supersedes),
	STR("filename", filename),
	LIST("to", to), LIST("caveats", caveats),
	LIST("descriptors", descriptors),
};
#undef STR
#undef LIST

/* A fault in the request itself: 400, kind "bad", exit 2 as isa's usage
 * errors. */
#define BAD(e, ...) ui_err_set((e), MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE, \
	__VA_ARGS__)

/* One field's value into m.  0, or -1 with e filled. */
static int
meta_field(ui_up_t *st, const meta_field_t *f, json_t *v, ui_err_t *e)
{
	char *base = (char *)&st->m;
	size_t i;
	json_t *x;

	if (f->n_off == 0) {
		if (!json_is_string(v)) {
			BAD(e, "X-ISA-Meta's \"%s\" must be a string", f->name);
			return -1;
		}
		*(const char **)(void *)(base + f->off) = json_string_value(v);
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) > ISA_PUT_MAX_LIST) {
		BAD(e, "X-ISA-Meta's \"%s\" must be a list of at most %d "
		    "strings, none empty", f->name, ISA_PUT_MAX_LIST);
		return -1;
	}
	json_array_foreach(v, i, x) {
		char **list = *(char ***)(void *)(base + f->off);

		if (!json_is_string(x) || json_string_length(x) == 0) {
			BAD(e, "X-ISA-Meta's \"%s\" must be a list of at most "
			    "%d strings, none empty", f->name, ISA_PUT_MAX_LIST);
			return -1;
		}
		list[i] = (char *)json_string_value(x);
	}
	*(size_t *)(void *)(base + f->n_off) = json_array_size(v);
	return 0;
}

/*
 * X-ISA-Meta (encodeURIComponent of a JSON object) into st->m, checked as
 * isa put checks its options: known fields only, strings and lists of at
 * most 64, a title, a class and at least one "to", real dates.  0, or -1
 * with e filled.
 */
static int
meta_parse(ui_up_t *st, const char *hdr, ui_err_t *e)
{
	json_error_t jerr;
	const char *key;
	char *text;
	size_t len;
	json_t *v;
	char err[CLI_REPLY_LEN];

	if (hdr == NULL || (len = strlen(hdr)) > UI_META_MAX) {
		BAD(e, "the upload carried no description (X-ISA-Meta)");
		return -1;
	}
	if ((text = strdup(hdr)) == NULL) {
		ui_err_set(e, MHD_HTTP_INTERNAL_SERVER_ERROR, "error",
		    EXIT_ERROR, "out of memory");
		return -1;
	}
	len = MHD_http_unescape(text);
	st->j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!json_is_object(st->j)) {
		BAD(e, "the upload's description (X-ISA-Meta) is not a JSON "
		    "object");
		return -1;
	}
	isa__doc_meta__init(&st->m);
	st->m.to = st->to;
	st->m.caveats = st->caveats;
	st->m.descriptors = st->desc;
	json_object_foreach(st->j, key, v) {
		const meta_field_t *f = NULL;

		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (strcmp(key, fields[i].name) == 0)
				f = &fields[i];
		if (f == NULL) {
			BAD(e, "X-ISA-Meta has \"%.64s\", which isa put does not "
			    "take", key);
			return -1;
		}
		if (meta_field(st, f, v, e) != 0)
			return -1;
	}
	if (st->m.title[0] == '\0' || st->m.classification[0] == '\0' ||
	    st->m.n_to == 0) {
		BAD(e, "X-ISA-Meta has no \"%s\": an upload needs a title, a "
		    "class and at least one \"to\"", st->m.title[0] == '\0' ?
		    "title" : st->m.classification[0] == '\0' ? "class" : "to");
		return -1;
	}
	if (isa_putmeta_dates(&st->m, err, sizeof(err)) != 0) {
		BAD(e, "%s", err);
		return -1;
	}
	/* The base name only, as isa put sends it. */
	if (strrchr(st->m.filename, '/') != NULL)
		st->m.filename = strrchr(st->m.filename, '/') + 1;
	return 0;
}

/* The body's size from Content-Length: a chunked body has none.  0, or
 * -1 with e filled. */
static int
body_size(struct MHD_Connection *c, uint64_t *size, ui_err_t *e)
{
	const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);

	if (MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL || len == NULL ||
	    len[0] == '\0' || ui_query_u64(len, 0, size) != 0) {
		BAD(e, "the upload did not say its size (Content-Length): isad "
		    "needs it before the first byte");
		return -1;
	}
	if (type == NULL || strncasecmp(type, "application/octet-stream",
	    24) != 0 || (type[24] != '\0' && type[24] != ';')) {
		BAD(e, "the upload's body must be the file's bytes "
		    "(Content-Type: application/octet-stream)");
		return -1;
	}
	return 0;
}

/* Say a failed upload on stderr, once: its sentence, never its title. */
static void
say(ui_up_t *st, const char *why)
{
	if (st->said)
		return;
	st->said = true;
	cli_error("ui: an upload failed: %s", why);
}

static void
up_free(ui_up_t *st)
{
	if (st == NULL)
		return;
	isa_upload_close(st->up);	/* unfinished: isad stores nothing */
	ui_isad_close(&st->u);
	json_decref(st->j);
	free(st);
}

static int
up_begin(ui_server_t *s, struct MHD_Connection *c, const ui_route_t *r,
    void **out, ui_err_t *e)
{
	char err[ISA_UPLOAD_ERRLEN];
	ui_up_t *st;
	int code;

	(void)r;
	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		ui_err_set(e, MHD_HTTP_INTERNAL_SERVER_ERROR, "error",
		    EXIT_ERROR, "out of memory");
		cli_error("ui: an upload failed: out of memory");
		return -1;
	}
	if (body_size(c, &st->size, e) != 0 ||
	    meta_parse(st, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    "X-ISA-Meta"), e) != 0 ||
	    ui_isad_open(&st->u, s->conf, &s->calls, 0, e) != 0)
		goto fail;
	if ((code = isa_upload_begin(st->u.c, &st->m, st->size,
	    st->m.filename[0] != '\0' ? st->m.filename : "the upload",
	    &st->up, err, sizeof(err))) != EXIT_OK) {
		ui_isad_failed(code, err, isa_conn_key_refused(st->u.c), e);
		goto fail;
	}
	*out = st;
	return 0;
fail:
	say(st, e->message);
	up_free(st);
	return -1;
}

static int
up_data(void *p, const char *buf, size_t len, ui_err_t *e)
{
	ui_up_t *st = p;
	char err[ISA_UPLOAD_ERRLEN];
	int code;

	if ((code = isa_upload_write(st->up, buf, len, err, sizeof(err))) ==
	    EXIT_OK)
		return 0;
	ui_isad_failed(code, err, isa_conn_key_refused(st->u.c), e);
	say(st, err);
	return -1;
}

static enum MHD_Result
up_end(void *p, struct MHD_Connection *c)
{
	ui_up_t *st = p;
	const Isa__DocMeta *m;
	char err[ISA_UPLOAD_ERRLEN];
	ui_err_t e;
	json_t *j;
	int code;

	if ((code = isa_upload_end(st->up, &m, err, sizeof(err))) != EXIT_OK) {
		ui_isad_failed(code, err, isa_conn_key_refused(st->u.c), &e);
		say(st, err);
		return ui_reply_error(c, &e);
	}
	st->stored = true;
	/* As `isa put --json` prints it. */
	j = json_object();
	cli_jset(j, "id", cli_jstr(m->id));
	cli_jset(j, "marking", cli_jstr(m->marking));
	cli_jset(j, "size", json_integer((json_int_t)st->size));
	return ui_reply_json(c, MHD_HTTP_OK, j);
}

static void
up_drop(void *p)
{
	ui_up_t *st = p;

	if (st == NULL)
		return;
	/* Abandoned first (isad told, the transfer freed), then said: the
	 * line on stderr comes once nothing is left of it. */
	isa_upload_close(st->up);
	st->up = NULL;
	if (!st->stored)
		say(st, "the browser's connection ended before the whole file "
		    "came: nothing was stored");
	up_free(st);
}

const ui_stream_ops_t ui_upload_ops = { up_begin, up_data, up_end, up_drop };
