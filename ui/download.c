/* download.c: GET /api/doc/ID/content: a document streamed from isad to the browser, its hash checked before the last bytes go. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/cli.h"
#include "client/fetch.h"
#include "ui/download.h"
#include "ui/isad.h"
#include "ui/reply.h"

/* MHD asks for at most this much at a time. */
#define UI_DOWNLOAD_BLOCK	(64 * 1024)

typedef struct {
	ui_isad_t u;
	isa_fetch_t *f;
	const unsigned char *p;	/* what is left of the current piece */
	size_t left;
	bool done;		/* the last piece was handed out */
} ui_dl_t;

static ssize_t
dl_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	ui_dl_t *d = cls;
	size_t n;

	(void)pos;
	while (d->left == 0) {
		const void *data;
		char err[ISA_FETCH_ERRLEN];
		size_t len;

		if (d->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (isa_fetch_next(d->f, &data, &len, &d->done, err,
		    sizeof(err)) != EXIT_OK)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		d->p = data;
		d->left = len;
	}
	n = d->left < max ? d->left : max;
	memcpy(buf, d->p, n);
	d->p += n;
	d->left -= n;
	return (ssize_t)n;
}

static void
dl_free(void *cls)
{
	ui_dl_t *d = cls;

	isa_fetch_close(d->f);
	ui_isad_close(&d->u);
	free(d);
}

/* The file name for Content-Disposition: the uploaded name's letters,
 * digits, '.', '-' and '_' (anything else '_'), else the id. */
static void
safe_name(const char *name, const char *id, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = name; *p != '\0' && n + 1 < cap; p++) {
		char ch = *p;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
		    ch == '_'))
			ch = '_';
		out[n++] = ch;
	}
	out[n] = '\0';
	if (n == 0 || out[0] == '.')
		snprintf(out, cap, "%s", id);
}

enum MHD_Result
ui_download(ui_server_t *s, struct MHD_Connection *c, const char *id)
{
	const Isa__DocMeta *m;
	struct MHD_Response *r;
	char err[ISA_FETCH_ERRLEN], name[128], disp[192];
	ui_dl_t *d;
	ui_err_t e;
	int code;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return MHD_NO;
	if (ui_isad_open(&d->u, s->conf, &s->calls, 0, &e) != 0) {
		free(d);
		return ui_reply_error(c, &e);
	}
	if ((code = isa_fetch_open(d->u.c, id, &d->f, err,
	    sizeof(err))) != EXIT_OK) {
		ui_isad_failed(code, err, isa_conn_key_refused(d->u.c), &e);
		ui_isad_close(&d->u);
		free(d);
		return ui_reply_error(c, &e);
	}
	m = isa_fetch_meta(d->f);
	safe_name(m->filename, m->id, name, sizeof(name));
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
	r = MHD_create_response_from_callback(m->size, UI_DOWNLOAD_BLOCK,
	    dl_read, d, dl_free);
	if (r == NULL) {
		dl_free(d);
		return MHD_NO;
	}
	(void)MHD_add_response_header(r, "Content-Type",
	    "application/octet-stream");
	(void)MHD_add_response_header(r, "Content-Disposition", disp);
	return ui_reply_queue(c, MHD_HTTP_OK, r);
}
