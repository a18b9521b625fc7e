/* route.c: what an HTTP request to isa ui asks for, from its method and path alone (pure, fuzzed). */
#include <string.h>

#include "ui/route.h"

/* If path starts with prefix, what follows it; else NULL. */
static const char *
after(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 ? path + n : NULL;
}

/* Copy one path segment (up to '/' or the end) of s into arg; returns what
 * follows it, or NULL when it is empty or too long. */
static const char *
segment(const char *s, char arg[UI_ID_MAX + 1])
{
	size_t n = strcspn(s, "/");

	if (n == 0 || n > UI_ID_MAX)
		return NULL;
	memcpy(arg, s, n);
	arg[n] = '\0';
	return s + n;
}

/* Whether name is a plain relative path: no empty, "." or ".." segment, no
 * segment starting with '.', and short enough. */
static bool
asset_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > UI_ID_MAX)
		return false;
	for (const char *p = name; *p != '\0';) {
		size_t k = strcspn(p, "/");

		if (k == 0 || p[0] == '.')
			return false;
		p += k;
		if (*p == '/' && *++p == '\0')
			return false;
	}
	return true;
}

/* What may follow an ID: "" (the ID alone) or an action. */
struct ui_id_route {
	const char *action;
	bool post;
	ui_route_kind_t kind;
};

/* Set kind when method is the one the route takes, else UI_R_METHOD. */
static void
take(ui_route_t *r, const char *method, bool post, ui_route_kind_t kind)
{
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;

	r->post = post;
	if (post ? strcmp(method, "POST") == 0 : get)
		r->kind = kind;
	else
		r->kind = UI_R_METHOD;
	switch (r->kind) {
	case UI_R_API_CONTENT:
	case UI_R_API_AUDIT_CSV:
	case UI_R_API_AUDIT_JSONL:
	case UI_R_API_CHECKPOINT:
	case UI_R_API_EXPORT:
		r->download = true;
		break;
	case UI_R_API_UPLOAD:
	case UI_R_API_VERIFY:
		r->body = UI_BODY_STREAM;
		break;
	default:
		r->body = r->kind != UI_R_METHOD && post ? UI_BODY_JSON :
		    UI_BODY_NONE;
		break;
	}
}

/* "ID/ACTION" under /api/doc/ or /api/request/: the ID into r->arg and
 * the route of ACTION in table (n rows; "" is the ID alone). */
static void
route_id(const char *method, const char *rest, ui_route_t *r,
    const struct ui_id_route *table, size_t n)
{
	if ((rest = segment(rest, r->arg)) == NULL)
		return;
	if (*rest == '/' && rest[1] != '\0')
		rest++;
	else if (*rest != '\0')
		return;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rest, table[i].action) == 0) {
			take(r, method, table[i].post, table[i].kind);
			return;
		}
}

static void
route_api(const char *method, const char *p, ui_route_t *r)
{
	static const struct {
		const char *path;
		bool post;
		ui_route_kind_t kind;
	} fixed[] = {
		{ "session", false, UI_R_API_SESSION },
		{ "logout", true, UI_R_API_LOGOUT },
		{ "whoami", false, UI_R_API_WHOAMI },
		{ "docs", false, UI_R_API_DOCS },
		{ "inbox", false, UI_R_API_INBOX },
		{ "directory", false, UI_R_API_DIRECTORY },
		{ "upload", true, UI_R_API_UPLOAD },
		{ "requests", false, UI_R_API_REQUESTS },
		{ "audit", false, UI_R_API_AUDIT },
		{ "audit/csv", false, UI_R_API_AUDIT_CSV },
		{ "audit/jsonl", false, UI_R_API_AUDIT_JSONL },
		{ "audit/checkpoint", false, UI_R_API_CHECKPOINT },
		{ "audit/export", false, UI_R_API_EXPORT },
		{ "audit/verify", true, UI_R_API_VERIFY },
	};
	static const struct ui_id_route doc[] = {
		{ "", false, UI_R_API_DOC },
		{ "content", false, UI_R_API_CONTENT },
		{ "share", true, UI_R_API_SHARE },
		{ "recall", true, UI_R_API_RECALL },
	}, request[] = {
		{ "approve", true, UI_R_API_APPROVE },
		{ "refuse", true, UI_R_API_REFUSE },
	};
	const char *rest;

	r->api = true;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(p, fixed[i].path) == 0) {
			take(r, method, fixed[i].post, fixed[i].kind);
			return;
		}
	if ((rest = after(p, "doc/")) != NULL)
		route_id(method, rest, r, doc, sizeof(doc) / sizeof(doc[0]));
	else if ((rest = after(p, "request/")) != NULL)
		route_id(method, rest, r, request,
		    sizeof(request) / sizeof(request[0]));
}

void
ui_route(const char *method, const char *path, ui_route_t *r)
{
	static const char *const pages[] = { "/inbox", "/documents",
	    "/whoami", "/upload", "/requests", "/audit" };
	const char *rest;

	memset(r, 0, sizeof(*r));
	if ((rest = after(path, "/api/")) != NULL) {
		route_api(method, rest, r);
		return;
	}
	if ((rest = after(path, "/assets/")) != NULL) {
		if (asset_name_ok(rest)) {
			memcpy(r->arg, rest, strlen(rest) + 1);
			take(r, method, false, UI_R_ASSET);
		}
		return;
	}
	if (strcmp(path, "/") == 0) {
		take(r, method, false, UI_R_ROOT);
		return;
	}
	if (strcmp(path, "/login") == 0) {
		/* GET alone spends the token: a HEAD (a link previewer, curl
		 * -I) must not. */
		r->kind = strcmp(method, "GET") == 0 ? UI_R_LOGIN : UI_R_METHOD;
		return;
	}
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(path, pages[i]) == 0) {
			take(r, method, false, UI_R_PAGE);
			return;
		}
	if ((rest = after(path, "/doc/")) != NULL &&
	    (rest = segment(rest, r->arg)) != NULL && *rest == '\0')
		take(r, method, false, UI_R_PAGE);
}

int
ui_query_u64(const char *s, uint64_t def, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0') {
		*out = def;
		return 0;
	}
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}
