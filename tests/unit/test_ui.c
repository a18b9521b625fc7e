/* test_ui.c: isa ui's pure parts: routes, query numbers, the marking banner, the login and session tokens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/banner.h"
#include "ui/route.h"
#include "ui/session.h"

static void
test_routes(void **state)
{
	static const struct {
		const char *method, *path;
		ui_route_kind_t kind;
		const char *arg;
		bool post;
	} t[] = {
		{ "GET", "/", UI_R_ROOT, "", false },
		{ "GET", "/login", UI_R_LOGIN, "", false },
		{ "HEAD", "/login", UI_R_METHOD, "", false },
		{ "POST", "/login", UI_R_METHOD, "", false },
		{ "GET", "/inbox", UI_R_PAGE, "", false },
		{ "HEAD", "/documents", UI_R_PAGE, "", false },
		{ "GET", "/whoami", UI_R_PAGE, "", false },
		{ "GET", "/doc/ABC", UI_R_PAGE, "ABC", false },
		{ "GET", "/doc/", UI_R_NONE, "", false },
		{ "GET", "/doc/A/B", UI_R_NONE, "", false },
		{ "GET", "/inbox/", UI_R_NONE, "", false },
		{ "GET", "/nothing", UI_R_NONE, "", false },
		{ "POST", "/inbox", UI_R_METHOD, "", false },
		{ "DELETE", "/inbox", UI_R_METHOD, "", false },
		{ "GET", "/assets/isa.js", UI_R_ASSET, "isa.js", false },
		{ "GET", "/assets/vendor/x.css", UI_R_ASSET, "vendor/x.css",
		    false },
		{ "GET", "/assets/../isa.js", UI_R_NONE, "", false },
		{ "GET", "/assets/vendor/../../x", UI_R_NONE, "", false },
		{ "GET", "/assets/.hidden", UI_R_NONE, "", false },
		{ "GET", "/assets/a//b", UI_R_NONE, "", false },
		{ "GET", "/assets/a/", UI_R_NONE, "", false },
		{ "GET", "/assets/", UI_R_NONE, "", false },
		{ "GET", "/api/session", UI_R_API_SESSION, "", false },
		{ "POST", "/api/logout", UI_R_API_LOGOUT, "", true },
		{ "GET", "/api/logout", UI_R_METHOD, "", true },
		{ "POST", "/api/whoami", UI_R_METHOD, "", false },
		{ "GET", "/api/docs", UI_R_API_DOCS, "", false },
		{ "GET", "/api/doc/XYZ", UI_R_API_DOC, "XYZ", false },
		{ "GET", "/api/doc/XYZ/content", UI_R_API_CONTENT, "XYZ",
		    false },
		{ "GET", "/api/doc/XYZ/other", UI_R_NONE, "XYZ", false },
		{ "GET", "/api/doc//content", UI_R_NONE, "", false },
		{ "GET", "/api/inbox", UI_R_API_INBOX, "", false },
		{ "GET", "/api/directory", UI_R_API_DIRECTORY, "", false },
		{ "GET", "/api/nothing", UI_R_NONE, "", false },
		/* Part 2: the board's actions and the auditor's. */
		{ "GET", "/upload", UI_R_PAGE, "", false },
		{ "GET", "/requests", UI_R_PAGE, "", false },
		{ "GET", "/audit", UI_R_PAGE, "", false },
		{ "POST", "/api/upload", UI_R_API_UPLOAD, "", true },
		{ "GET", "/api/upload", UI_R_METHOD, "", true },
		{ "POST", "/api/doc/XYZ/share", UI_R_API_SHARE, "XYZ", true },
		{ "GET", "/api/doc/XYZ/share", UI_R_METHOD, "XYZ", true },
		{ "POST", "/api/doc/XYZ/recall", UI_R_API_RECALL, "XYZ", true },
		{ "POST", "/api/doc/XYZ/", UI_R_NONE, "XYZ", false },
		{ "POST", "/api/doc/XYZ", UI_R_METHOD, "XYZ", false },
		{ "GET", "/api/requests", UI_R_API_REQUESTS, "", false },
		{ "POST", "/api/request/Q1/approve", UI_R_API_APPROVE, "Q1",
		    true },
		{ "POST", "/api/request/Q1/refuse", UI_R_API_REFUSE, "Q1", true },
		{ "POST", "/api/request/Q1", UI_R_NONE, "", false },
		{ "POST", "/api/request//approve", UI_R_NONE, "", false },
		{ "GET", "/api/audit", UI_R_API_AUDIT, "", false },
		{ "GET", "/api/audit/csv", UI_R_API_AUDIT_CSV, "", false },
		{ "GET", "/api/audit/jsonl", UI_R_API_AUDIT_JSONL, "", false },
		{ "GET", "/api/audit/checkpoint", UI_R_API_CHECKPOINT, "",
		    false },
		{ "GET", "/api/audit/export", UI_R_API_EXPORT, "", false },
		{ "POST", "/api/audit/verify", UI_R_API_VERIFY, "", true },
		{ "GET", "/api/audit/other", UI_R_NONE, "", false },
	};
	char long_id[UI_ID_MAX + 16] = "/doc/";
	ui_route_t r;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ui_route(t[i].method, t[i].path, &r);
		if (r.kind != t[i].kind)
			fail_msg("%s %s: kind %d, want %d", t[i].method,
			    t[i].path, r.kind, t[i].kind);
		if (t[i].kind != UI_R_NONE)
			assert_string_equal(r.arg, t[i].arg);
		assert_int_equal(r.api, strncmp(t[i].path, "/api/", 5) == 0);
		if (t[i].kind != UI_R_NONE)
			assert_int_equal(r.post, t[i].post);
		/* Downloads (links) alone may carry the key in ?k=; uploads
		 * alone are streamed; every other POST is a held JSON body. */
		assert_int_equal(r.download, r.kind == UI_R_API_CONTENT ||
		    r.kind == UI_R_API_AUDIT_CSV ||
		    r.kind == UI_R_API_AUDIT_JSONL ||
		    r.kind == UI_R_API_CHECKPOINT || r.kind == UI_R_API_EXPORT);
		assert_int_equal(r.body, r.kind == UI_R_API_UPLOAD ||
		    r.kind == UI_R_API_VERIFY ? UI_BODY_STREAM :
		    r.post && r.kind != UI_R_METHOD ? UI_BODY_JSON :
		    UI_BODY_NONE);
	}
	/* An id longer than UI_ID_MAX is no route at all. */
	memset(long_id + 5, 'A', UI_ID_MAX + 1);
	long_id[5 + UI_ID_MAX + 1] = '\0';
	ui_route("GET", long_id, &r);
	assert_int_equal(r.kind, UI_R_NONE);
	long_id[5 + UI_ID_MAX] = '\0';
	ui_route("GET", long_id, &r);
	assert_int_equal(r.kind, UI_R_PAGE);
	assert_int_equal(strlen(r.arg), UI_ID_MAX);
}

static void
test_query_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(ui_query_u64(NULL, 7, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(ui_query_u64("", 9, &v), 0);
	assert_int_equal(v, 9);
	assert_int_equal(ui_query_u64("12345", 0, &v), 0);
	assert_int_equal(v, 12345);
	assert_int_equal(ui_query_u64("-1", 0, &v), -1);
	assert_int_equal(ui_query_u64("+1", 0, &v), -1);
	assert_int_equal(ui_query_u64("1x", 0, &v), -1);
	assert_int_equal(ui_query_u64(" 1", 0, &v), -1);
	assert_int_equal(ui_query_u64("99999999999999999999", 0, &v), -1);
}

static void
test_banner(void **state)
{
	ui_banner_t b = { 0 };
	json_t *j;

	(void)state;
	j = ui_banner_json(&b);
	assert_true(json_is_null(j));
	json_decref(j);
	assert_int_equal(ui_banner_rank("OFFICIAL"), 1);
	assert_int_equal(ui_banner_rank("OFFICIAL RECIPIENTS ONLY"), 1);
	assert_int_equal(ui_banner_rank("OFFICIAL-SENSITIVE PERSONAL"), 2);
	assert_int_equal(ui_banner_rank("SECRET UK-EYES-ONLY"), 3);
	assert_int_equal(ui_banner_rank("OFFICIALX"), 0);
	ui_banner_add(&b, "OFFICIAL FOR PUBLIC RELEASE");
	ui_banner_add(&b, "OFFICIAL-SENSITIVE RECIPIENTS ONLY");
	ui_banner_add(&b, "OFFICIAL-SENSITIVE PERSONAL PERSONAL-DATA "
	    "RECIPIENTS ONLY");
	ui_banner_add(&b, "OFFICIAL RECIPIENTS ONLY");
	j = ui_banner_json(&b);
	assert_string_equal(json_string_value(json_object_get(j, "marking")),
	    "OFFICIAL-SENSITIVE PERSONAL PERSONAL-DATA RECIPIENTS ONLY");
	assert_string_equal(json_string_value(json_object_get(j, "class")),
	    "official-sensitive");
	json_decref(j);
	/* An unknown first word counts as the highest: never under-marked. */
	ui_banner_add(&b, "SOMETHING ELSE");
	j = ui_banner_json(&b);
	assert_string_equal(json_string_value(json_object_get(j, "class")),
	    "secret");
	json_decref(j);
}

static void
test_session(void **state)
{
	char token[UI_TOKEN_LEN + 1], sid[UI_TOKEN_LEN + 1];
	char csrf[UI_TOKEN_LEN + 1], wrong[UI_TOKEN_LEN + 1];
	char key[UI_TOKEN_LEN + 1], k2[UI_TOKEN_LEN + 1];
	ui_sessions_t s;

	(void)state;
	assert_int_equal(ui_sessions_init(&s), 0);
	memcpy(token, ui_sessions_login_token(&s), sizeof(token));
	assert_int_equal(strlen(token), UI_TOKEN_LEN);
	assert_false(ui_sessions_check(&s, NULL, NULL));
	assert_false(ui_sessions_check(&s, "", NULL));
	/* A wrong token, a prefix and a longer string buy nothing. */
	memcpy(wrong, token, sizeof(wrong));
	wrong[UI_TOKEN_LEN - 1] = wrong[UI_TOKEN_LEN - 1] == '0' ? '1' : '0';
	assert_int_equal(ui_sessions_login(&s, wrong, sid, key), -1);
	assert_int_equal(ui_sessions_login(&s, NULL, sid, key), -1);
	assert_int_equal(ui_sessions_login(&s, "", sid, key), -1);
	memcpy(wrong, token, UI_TOKEN_LEN - 1);
	wrong[UI_TOKEN_LEN - 1] = '\0';
	assert_int_equal(ui_sessions_login(&s, wrong, sid, key), -1);
	assert_int_equal(ui_sessions_login(&s, token, sid, key), 0);
	/* The token is spent. */
	assert_int_equal(ui_sessions_login(&s, token, wrong, k2), -1);
	assert_string_equal(ui_sessions_login_token(&s), "");
	assert_true(ui_sessions_check(&s, sid, csrf));
	assert_int_equal(strlen(csrf), UI_TOKEN_LEN);
	assert_string_not_equal(csrf, sid);
	assert_string_not_equal(sid, token);
	assert_true(ui_sessions_csrf_ok(&s, csrf));
	/* The key: its own secret, not the cookie's nor the CSRF token. */
	assert_int_equal(strlen(key), UI_TOKEN_LEN);
	assert_string_not_equal(key, sid);
	assert_string_not_equal(key, csrf);
	assert_true(ui_sessions_key_ok(&s, key));
	assert_false(ui_sessions_key_ok(&s, sid));
	assert_false(ui_sessions_key_ok(&s, csrf));
	assert_false(ui_sessions_key_ok(&s, NULL));
	assert_false(ui_sessions_csrf_ok(&s, sid));
	assert_false(ui_sessions_csrf_ok(&s, NULL));
	assert_false(ui_sessions_check(&s, csrf, NULL));
	/* Sign-out ends both. */
	ui_sessions_end(&s);
	assert_false(ui_sessions_check(&s, sid, NULL));
	assert_false(ui_sessions_csrf_ok(&s, csrf));
	assert_false(ui_sessions_key_ok(&s, key));
	assert_false(ui_sessions_check(&s, "", NULL));
	ui_sessions_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_query_u64),
		cmocka_unit_test(test_banner),
		cmocka_unit_test(test_session),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
