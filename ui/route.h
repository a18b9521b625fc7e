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
	UI_R_PAGE,		/* GET /inbox, /documents, /whoami, /doc/ID */
	UI_R_API_SESSION,	/* GET /api/session */
	UI_R_API_LOGOUT,	/* POST /api/logout */
	UI_R_API_WHOAMI,	/* GET /api/whoami */
	UI_R_API_DOCS,		/* GET /api/docs */
	UI_R_API_DOC,		/* GET /api/doc/ID */
	UI_R_API_CONTENT,	/* GET /api/doc/ID/content */
	UI_R_API_INBOX,		/* GET /api/inbox?after=N&wait=1 */
	UI_R_API_DIRECTORY,	/* GET /api/directory */
} ui_route_kind_t;

typedef struct {
	ui_route_kind_t kind;
	bool api;		/* under /api/: errors answer in JSON */
	bool post;		/* changes state: needs CSRF and Origin */
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
