/* route.h: what an HTTP request to isa ui asks for, from its method and path alone (pure, fuzzed). */
#ifndef ISA_UI_ROUTE_H
#define ISA_UI_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest document id a path may carry; isad's own bound is shorter,
 * so a longer one is answered like any id isad does not know. */
#define UI_ID_MAX	256

typedef enum {
	UI_R_NONE = 0,		/* no such page: 404 */
	UI_R_METHOD,		/* a known path, a method it does not take: 405 */
	UI_R_ASSET,		/* GET /assets/NAME */
	UI_R_LOGIN,		/* GET /login?token=T */
	UI_R_ROOT,		/* GET /: to the inbox */
	UI_R_PAGE,		/* GET /inbox, /documents, /whoami, /doc/ID,
				 * /upload, /requests, /audit */
	UI_R_API_SESSION,	/* GET /api/session */
	UI_R_API_LOGOUT,	/* POST /api/logout */
	UI_R_API_WHOAMI,	/* GET /api/whoami */
	UI_R_API_DOCS,		/* GET /api/docs */
	UI_R_API_DOC,		/* GET /api/doc/ID */
	UI_R_API_CONTENT,	/* GET /api/doc/ID/content */
	UI_R_API_INBOX,		/* GET /api/inbox?after=N&wait=1 */
	UI_R_API_DIRECTORY,	/* GET /api/directory */
	UI_R_API_UPLOAD,	/* POST /api/upload (streamed body) */
	UI_R_API_SHARE,		/* POST /api/doc/ID/share */
	UI_R_API_RECALL,	/* POST /api/doc/ID/recall */
	UI_R_API_REQUESTS,	/* GET /api/requests?all=0|1 */
	UI_R_API_APPROVE,	/* POST /api/request/ID/approve */
	UI_R_API_REFUSE,	/* POST /api/request/ID/refuse */
	UI_R_API_AUDIT,		/* GET /api/audit?filters&after=N */
	UI_R_API_AUDIT_CSV,	/* GET /api/audit/csv?filters (a download) */
	UI_R_API_AUDIT_JSONL,	/* GET /api/audit/jsonl?filters (a download) */
	UI_R_API_CHECKPOINT,	/* GET /api/audit/checkpoint (a download) */
	UI_R_API_EXPORT,	/* GET /api/audit/export (a download) */
	UI_R_API_VERIFY,	/* POST /api/audit/verify (streamed body) */
} ui_route_kind_t;

/* How a POST's body is taken: none (GET, HEAD), held whole (a JSON
 * object of at most UI_BODY_MAX bytes), or streamed to its handler. */
typedef enum {
	UI_BODY_NONE = 0,
	UI_BODY_JSON,
	UI_BODY_STREAM,
} ui_body_t;

/* The most a held body may carry. */
#define UI_BODY_MAX	(64 * 1024)

typedef struct {
	ui_route_kind_t kind;
	bool api;		/* under /api/: errors answer in JSON */
	bool post;		/* changes state: needs CSRF and Origin */
	bool download;		/* a link's target: the key may come as ?k= */
	ui_body_t body;		/* how a POST's body is taken */
	char arg[UI_ID_MAX + 1];	/* the ID, or the asset's NAME */
} ui_route_t;

/*
 * Route method (GET, HEAD or POST; anything else is UI_R_METHOD on a known
 * path, UI_R_NONE elsewhere) and path (already percent-decoded, no query).
 * An ID is one non-empty path segment of at most UI_ID_MAX bytes; an asset
 * NAME may hold '/' but no "..", no empty segment and no leading '.'.
 */
void ui_route(const char *method, const char *path, ui_route_t *out);

/* A query value as a decimal uint64: digits only, no sign, no overflow.
 * NULL and "" give def.  Returns 0, or -1 for anything else. */
__attribute__((warn_unused_result))
int ui_query_u64(const char *s, uint64_t def, uint64_t *out);

#endif
