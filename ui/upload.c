/* upload.c: POST /api/upload: the file's bytes streamed to isad as they arrive (client/upload.c), described by X-ISA-Meta (ui/upmeta.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client/cli.h"
#include "client/upload.h"
#include "ui/isad.h"
#include "ui/reply.h"
#include "ui/route.h"
#include "ui/upmeta.h"
#include "ui/upload.h"

typedef struct {
	ui_isad_t u;
	struct MHD_Connection *c;	/* the browser's, while the body comes */
	unsigned idle_s;	/* its idle timeout, restarted after each wait */
	isa_upload_t *up;
	uint64_t size;		/* Content-Length: PutBegin's size */
	bool said;		/* its failure is on stderr already */
	bool stored;
	ui_upmeta_t meta;	/* X-ISA-Meta */
} ui_up_t;

/* A fault in the request itself: 400, kind "bad", exit 2 as isa's usage
 * errors. */
#define BAD(e, ...) ui_err_set((e), MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE, \
	__VA_ARGS__)

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

/*
 * A write or the end may wait long for isad (its back-pressure: up to two
 * minutes without progress) while the browser, held back, sends nothing:
 * the connection's idle time starts again once isad answered, not from
 * the browser's last bytes, or MHD would close it under a healthy upload.
 */
static void
idle_restart(ui_up_t *st)
{
	if (st->idle_s == 0)
		return;
	/* MHD restarts the clock only for a timeout set after none. */
	(void)MHD_set_connection_option(st->c, MHD_CONNECTION_OPTION_TIMEOUT,
	    0u);
	(void)MHD_set_connection_option(st->c, MHD_CONNECTION_OPTION_TIMEOUT,
	    st->idle_s);
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

/*
 * The upload's failure (code and sentence from client/upload.c) into e,
 * and said.  One cut off after isad took its begin (isad restarted, the
 * upload idle too long, the connection lost) is 503 "interrupted": the
 * page offers to send it again, not to change the description.  One whose
 * end went out with no answer is 503 "unconfirmed": it may be stored, so
 * the page says to look in the documents before sending it again (the
 * sentence is isa put's without its `isa ls`).
 */
static void
up_failed(ui_up_t *st, int code, const char *err, ui_err_t *e)
{
	if (isa_upload_interrupted(st->up))
		ui_err_set(e, MHD_HTTP_SERVICE_UNAVAILABLE, "interrupted", code,
		    "%s", err);
	else if (isa_upload_unconfirmed(st->up))
		ui_err_set(e, MHD_HTTP_SERVICE_UNAVAILABLE, "unconfirmed", code,
		    "%s", err);
	else
		ui_isad_failed(code, err, isa_conn_key_refused(st->u.c), e);
	say(st, err);
}

static void
up_free(ui_up_t *st)
{
	if (st == NULL)
		return;
	isa_upload_close(st->up);	/* unfinished: isad stores nothing */
	ui_isad_close(&st->u);
	ui_upmeta_free(&st->meta);
	free(st);
}

static int
up_begin(ui_server_t *s, struct MHD_Connection *c, const ui_route_t *r,
    void **out, ui_err_t *e)
{
	const union MHD_ConnectionInfo *info;
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
	    ui_upmeta_parse(&st->meta, MHD_lookup_connection_value(c,
	    MHD_HEADER_KIND, "X-ISA-Meta"), e) != 0 ||
	    ui_isad_open(&st->u, s->conf, &s->calls, 0, e) != 0)
		goto fail;
	st->c = c;
	info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_TIMEOUT);
	st->idle_s = info != NULL ? info->connection_timeout : 0;
	if ((code = isa_upload_begin(st->u.c, &st->meta.m, st->size,
	    "the upload",	/* its sentence may reach the log: no name */
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

	code = isa_upload_write(st->up, buf, len, err, sizeof(err));
	idle_restart(st);
	if (code == EXIT_OK)
		return 0;
	up_failed(st, code, err, e);
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

	code = isa_upload_end(st->up, &m, err, sizeof(err));
	idle_restart(st);
	if (code != EXIT_OK) {
		up_failed(st, code, err, &e);
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
