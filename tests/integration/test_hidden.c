/* test_hidden.c: the access index narrows and never hides: everyone rule 2 admits still reads, requests show to whom §5 says, refusals are recorded as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "docs_util.h"
#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "ctp-author", "ctpse", "SC", NULL);
	h_user(h, "ctp-approver", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "police-reader", "police", "SC", NULL);
	h_user(h, "nested-member", "uow", "SC", NULL);
	h_user(h, "council-prober", "hcc", "SC", NULL);
	h_user(h, "mover", "uow", "SC", NULL);
	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_policy_extra(h, "groups = ( { id = \"inner\"; members = "
	    "[ \"user:nested-member\" ]; }, { id = \"outer\"; members = "
	    "[ \"group:inner\" ]; } );\n");
	h_start(h);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

static int
run(harness_t *h, const char *user, const char *const *args, char *out,
    size_t outlen)
{
	h_result_t r = h_isa(h, user, args);
	int status = r.status;

	if (getenv("HIDDEN_DEBUG"))
		fprintf(stderr, "%s %s: %d %s%s", user, args[0], r.status,
		    r.out, r.err);

	if (out != NULL)
		snprintf(out, outlen, "%s", h_last_line(r.out));
	h_result_free(&r);
	return status;
}

static void
put(harness_t *h, const char *user, const char *name, const char *cls,
    const char *to, const char *const *extra, char *id)
{
	char in[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/%s", h_dir(h), name);
	du_make_file(in, 2000, (unsigned)strlen(name) * 7 + (unsigned)name[0]);
	if (du_put(h, user, in, name, cls, to, extra, id, &r) != 0)
		fail_msg("put %s: %s", name, r.err);
	h_result_free(&r);
}

/* Every way into rule 2 still reads; who is on none of them does not. */
static void
test_everyone_admitted_reads(void **state)
{
	harness_t *h = *state;
	char id[32], ing[32], all[32];

	put(h, "ctp-author", "nested", "OFFICIAL-SENSITIVE", "group:outer",
	    NULL, id);
	assert_int_equal(run(h, "nested-member", ARGS("info", id), NULL, 0), 0);
	assert_int_equal(run(h, "ctp-author", ARGS("info", id), NULL, 0), 0);
	/* the originator's approver, not on the list */
	assert_int_equal(run(h, "ctp-approver", ARGS("info", id), NULL, 0), 0);
	assert_int_equal(run(h, "police-reader", ARGS("info", id), NULL, 0), 3);
	/* the administrator reads only what rule 2 gives them */
	assert_int_equal(run(h, "board-admin", ARGS("info", id), NULL, 0), 3);
	/* ingested for another agency: the admin who ingested it reads it,
	 * and that agency's approver */
	put(h, "board-admin", "ingested", "OFFICIAL", "agency:police",
	    ARGS("--originator", "ctpse"), ing);
	assert_int_equal(run(h, "board-admin", ARGS("info", ing), NULL, 0), 0);
	assert_int_equal(run(h, "ctp-approver", ARGS("info", ing), NULL, 0), 0);
	assert_int_equal(run(h, "police-reader", ARGS("info", ing), NULL, 0),
	    0);
	assert_int_equal(run(h, "ctp-author", ARGS("info", ing), NULL, 0), 3);
	/* all, for OFFICIAL */
	put(h, "ctp-author", "to-all", "OFFICIAL", "all", NULL, all);
	assert_int_equal(run(h, "council-prober", ARGS("info", all), NULL, 0),
	    0);
	/* a granted share adds its target */
	assert_int_equal(run(h, "ctp-author", ARGS("share", id, "--to",
	    "user:police-reader", "--reason", "needs it"), NULL, 0), 0);
	assert_int_equal(run(h, "police-reader", ARGS("info", id), NULL, 0), 0);
}

/* The index names principals; who they cover is the policy's, reloaded. */
static void
test_reload_moves_a_reader(void **state)
{
	harness_t *h = *state;
	char id[32];

	put(h, "ctp-author", "police-only", "OFFICIAL", "agency:police", NULL,
	    id);
	assert_int_equal(run(h, "mover", ARGS("info", id), NULL, 0), 3);
	h_user_update(h, "mover", "police", "SC", NULL);
	h_write_policy(h);
	h_reload(h);
	assert_int_equal(run(h, "mover", ARGS("info", id), NULL, 0), 0);
	h_user_update(h, "mover", "uow", "SC", NULL);
	h_write_policy(h);
	h_reload(h);
	assert_int_equal(run(h, "mover", ARGS("info", id), NULL, 0), 3);
}

/* A request: its requester, the document's author, the originator's
 * approvers and the administrator see it; others get NOT_FOUND. */
static void
test_request_visibility(void **state)
{
	harness_t *h = *state;
	char id[32], req[128];
	h_result_t r;

	put(h, "ctp-author", "asked", "OFFICIAL", "user:police-reader", NULL,
	    id);
	r = h_isa(h, "police-reader", ARGS("share", id, "--to",
	    "agency:police", "--reason", "the district needs it"));
	assert_int_equal(r.status, 0);
	/* the request id: the last line */
	snprintf(req, sizeof(req), "%s", h_last_line(r.out));
	assert_int_equal(strlen(req), 26);
	h_result_free(&r);
	/* not theirs to see: as for no such request */
	r = h_isa(h, "council-prober", ARGS("refuse", req, "--reason", "no"));
	assert_int_equal(r.status, 3);
	h_result_free(&r);
	r = h_isa(h, "council-prober", ARGS("requests", "--all"));
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.out, req));
	h_result_free(&r);
	/* theirs */
	r = h_isa(h, "board-admin", ARGS("requests", "--all"));
	assert_non_null(strstr(r.out, req));
	h_result_free(&r);
	r = h_isa(h, "police-reader", ARGS("requests", "--all"));
	assert_non_null(strstr(r.out, req));
	h_result_free(&r);
	r = h_isa(h, "ctp-approver", ARGS("requests", "--all"));
	assert_non_null(strstr(r.out, req));
	h_result_free(&r);
	/* the author decides */
	assert_int_equal(run(h, "ctp-author", ARGS("approve", req), NULL, 0),
	    0);
	/* the refused attempt was recorded with the target and marking */
	r = h_isa(h, "auditor", ARGS("audit", "--user", "council-prober",
	    "--json"));
	assert_int_equal(r.status, 0);
	if (strstr(r.out, "\"target\":\"agency:police\"") == NULL ||
	    strstr(r.out, "\"marking\":\"OFFICIAL RECIPIENTS ONLY\"") == NULL)
		fail_msg("the refusal's record lacks target or marking: %s",
		    r.out);
	h_result_free(&r);
}

/* A refused get of an off-list document records its marking and content
 * hash; one of a missing id neither. */
static void
test_refusal_records(void **state)
{
	harness_t *h = *state;
	char id[32], fake[32];
	h_result_t r;
	const char *line;

	put(h, "ctp-author", "recorded", "OFFICIAL-SENSITIVE", "agency:ctpse",
	    NULL, id);
	strcpy(fake, id);
	fake[2] = fake[2] == 'A' ? 'B' : 'A';
	assert_int_equal(run(h, "mover", ARGS("get", id), NULL, 0), 3);
	assert_int_equal(run(h, "mover", ARGS("get", fake), NULL, 0), 3);
	r = h_isa(h, "auditor", ARGS("audit", "--user", "mover", "--json"));
	assert_int_equal(r.status, 0);
	assert_non_null(line = strstr(r.out, id));
	if (strstr(line, "\"marking\":\"OFFICIAL-SENSITIVE RECIPIENTS ONLY\"")
	    == NULL || strstr(line, "\"sha256\":") == NULL)
		fail_msg("the refused get's record: %s", r.out);
	assert_non_null(line = strstr(r.out, fake));
	{
		const char *end = strchr(line, '\n');
		size_t n = end != NULL ? (size_t)(end - line) : strlen(line);
		char one[2048];

		snprintf(one, sizeof(one), "%.*s", (int)n, line);
		if (strstr(one, "\"marking\"") != NULL ||
		    strstr(one, "\"sha256\"") != NULL)
			fail_msg("a missing id's record names a marking or "
			    "hash: %s", one);
	}
	h_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_everyone_admitted_reads),
		cmocka_unit_test(test_reload_moves_a_reader),
		cmocka_unit_test(test_request_visibility),
		cmocka_unit_test(test_refusal_records),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
