/* reply.h: every response isa ui sends, with the security headers on each (DESIGN §13). */
#ifndef ISA_UI_REPLY_H
#define ISA_UI_REPLY_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "client/cli.h"

/* What went wrong with a request, for the page: the CLI's sentence and
 * exit code, the error's kind and its HTTP status. */
typedef struct {
	unsigned http;		/* 400, 403, 404, 410, 500, 502, 503 */
	const char *kind;	/* notfound, recalled, denied, unreachable,
				 * unavailable, interrupted, unconfirmed,
				 * keyrefused, bad, error, session */
	int exit;		/* what `isa` would exit with */
	char message[CLI_REPLY_LEN];	/* what `isa` prints after "isa: " */
} ui_err_t;

/* Add the headers every response carries (CSP, no-store, nosniff,
 * no-referrer). */
void ui_reply_headers(struct MHD_Response *r);

/* Queue r (headers added here) with status, then destroy our reference. */
enum MHD_Result ui_reply_queue(struct MHD_Connection *c, unsigned status,
    struct MHD_Response *r);

/* A body copied from p (len bytes) with Content-Type type. */
enum MHD_Result ui_reply_bytes(struct MHD_Connection *c, unsigned status,
    const char *type, const void *p, size_t len);

/* A short plain-text body. */
enum MHD_Result ui_reply_text(struct MHD_Connection *c, unsigned status,
    const char *text);

/* v (taken, NULL: out of memory) as compact JSON, ASCII only. */
enum MHD_Result ui_reply_json(struct MHD_Connection *c, unsigned status,
    json_t *v);

/* {"error": {"kind", "message", "exit"}} with e's status. */
enum MHD_Result ui_reply_error(struct MHD_Connection *c, const ui_err_t *e);

/* 403 for a request without the live session: the "session ended" page,
 * or for the API (api) its JSON error, kind "session". */
enum MHD_Result ui_reply_session_ended(struct MHD_Connection *c, bool api);

/* An embedded HTML page (an asset path such as "expired.html"). */
enum MHD_Result ui_reply_page(struct MHD_Connection *c, unsigned status,
    const char *asset);

/* 303 to location, with an extra header (name, value) unless name is NULL. */
enum MHD_Result ui_reply_redirect(struct MHD_Connection *c,
    const char *location, const char *name, const char *value);

/* Fill e from a kind, status, exit code and a formatted sentence. */
void ui_err_set(ui_err_t *e, unsigned http, const char *kind, int exit,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
