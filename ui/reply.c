/* reply.c: every response isa ui sends, with the security headers on each (DESIGN §13). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "ui/assets.h"
#include "ui/reply.h"

void
ui_reply_headers(struct MHD_Response *r)
{
	static const char *const h[][2] = {
		{ "Content-Security-Policy",
		    "default-src 'self'; frame-ancestors 'none'" },
		{ "Cache-Control", "no-store" },
		{ "X-Content-Type-Options", "nosniff" },
		{ "Referrer-Policy", "no-referrer" },
		{ "X-Frame-Options", "DENY" },
		{ "Cross-Origin-Opener-Policy", "same-origin" },
		{ "Cross-Origin-Resource-Policy", "same-origin" },
	};

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		(void)MHD_add_response_header(r, h[i][0], h[i][1]);
}

enum MHD_Result
ui_reply_queue(struct MHD_Connection *c, unsigned status,
    struct MHD_Response *r)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;	/* out of memory: MHD closes the connection */
	ui_reply_headers(r);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result
ui_reply_bytes(struct MHD_Connection *c, unsigned status, const char *type,
    const void *p, size_t len)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)p,
	    MHD_RESPMEM_MUST_COPY);
	if (r != NULL && type != NULL)
		(void)MHD_add_response_header(r, "Content-Type", type);
	return ui_reply_queue(c, status, r);
}

enum MHD_Result
ui_reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	return ui_reply_bytes(c, status, "text/plain; charset=utf-8", text,
	    strlen(text));
}

enum MHD_Result
ui_reply_json(struct MHD_Connection *c, unsigned status, json_t *v)
{
	enum MHD_Result ret;
	char *s;

	if (cli_json_failed() || v == NULL) {
		json_decref(v);
		return ui_reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "isa ui: out of memory");
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(v);
	if (s == NULL)
		return MHD_NO;
	ret = ui_reply_bytes(c, status, "application/json", s, strlen(s));
	free(s);
	return ret;
}

enum MHD_Result
ui_reply_error(struct MHD_Connection *c, const ui_err_t *e)
{
	json_t *v = json_pack("{s:{s:s,s:o,s:i}}", "error", "kind", e->kind,
	    "message", cli_jstr(e->message), "exit", e->exit);

	return ui_reply_json(c, e->http, v);
}

enum MHD_Result
ui_reply_page(struct MHD_Connection *c, unsigned status, const char *asset)
{
	const ui_asset_t *a = ui_asset_find(asset);

	if (a == NULL)
		return ui_reply_text(c, status, "isa ui: page missing from "
		    "this build");
	return ui_reply_bytes(c, status, a->type, a->data, a->len);
}

enum MHD_Result
ui_reply_session_ended(struct MHD_Connection *c, bool api)
{
	ui_err_t e;

	if (!api)
		return ui_reply_page(c, MHD_HTTP_FORBIDDEN, "expired.html");
	ui_err_set(&e, MHD_HTTP_FORBIDDEN, "session", EXIT_USAGE,
	    "your session has ended: run isa ui again and open the address "
	    "it prints");
	return ui_reply_error(c, &e);
}

enum MHD_Result
ui_reply_redirect(struct MHD_Connection *c, const char *location,
    const char *name, const char *value)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	(void)MHD_add_response_header(r, "Location", location);
	if (name != NULL)
		(void)MHD_add_response_header(r, name, value);
	return ui_reply_queue(c, MHD_HTTP_SEE_OTHER, r);
}

void
ui_err_set(ui_err_t *e, unsigned http, const char *kind, int exit,
    const char *fmt, ...)
{
	va_list ap;

	e->http = http;
	e->kind = kind;
	e->exit = exit;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}
