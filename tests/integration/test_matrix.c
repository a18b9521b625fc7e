/* test_matrix.c: users x documents x (get, info, ls) against the outcomes DESIGN §6 gives, through the real isa. */
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

enum { NUSERS = 6, NDOCS = 5 };

static const char *const users[NUSERS] = {
	"board-admin",		/* hcc, SC, admin */
	"council-lead",		/* hcc, BPSS, safeguarding */
	"council-officer",	/* hcc, NONE */
	"ctp-analyst",		/* ctpse, SC, approver, safeguarding: uploads all */
	"police-lead",		/* police, SC, in group ppb */
	"uni-contact",		/* uow, BPSS */
};

/* The documents, and the exit status of `isa get` for each user: 0 read,
 * 3 not found (need to know; or gone), 4 denied (clearance, caveat).
 * `isa info` answers the same; `isa ls` lists exactly the 0s. */
static const struct {
	const char *title, *cls, *to;
	const char *extra[6];
	bool recall;
	int want[NUSERS];
} docs[NDOCS] = {
	{ "M1 briefing", "OFFICIAL", "all", { NULL }, false,
	  { 0, 0, 0, 0, 0, 0 } },
	{ "M2 council", "OFFICIAL-SENSITIVE", "agency:hcc", { NULL }, false,
	  { 0, 0, 4, 0, 3, 3 } },
	{ "M3 personal", "OFFICIAL-SENSITIVE", "group:ppb",
	  { "--caveat", "PERSONAL-DATA", NULL }, false,
	  { 4, 0, 4, 0, 4, 3 } },
	{ "M4 secret", "SECRET", "user:police-lead",
	  { "--handling", "Not below SC", NULL }, false,
	  { 3, 3, 3, 0, 0, 3 } },
	/* recalled: gone to those who pass need to know and clearance */
	{ "M5 recalled", "OFFICIAL-SENSITIVE", "agency:hcc", { NULL }, true,
	  { 3, 3, 4, 3, 3, 3 } },
};

static char ids[NDOCS][32];

static int
setup(void **state)
{
	harness_t *h = h_new();
	char in[512];

	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "council-lead", "hcc", "BPSS",
	    "attributes = [\"safeguarding\"];");
	h_user(h, "council-officer", "hcc", "NONE", NULL);
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"]; "
	    "attributes = [\"safeguarding\"];");
	h_user(h, "police-lead", "police", "SC", NULL);
	h_user(h, "uni-contact", "uow", "BPSS", NULL);
	h_policy_extra(h, "groups = ( { id = \"ppb\"; members = "
	    "[ \"agency:hcc\", \"user:police-lead\" ]; } );\n");
	h_start(h);
	for (int d = 0; d < NDOCS; d++) {
		h_result_t r;

		snprintf(in, sizeof(in), "%s/m%d", h_dir(h), d);
		du_make_file(in, 1000 + (uint64_t)d, 40 + (unsigned)d);
		if (du_put(h, "ctp-analyst", in, docs[d].title, docs[d].cls,
		    docs[d].to, docs[d].extra, ids[d], &r) != 0)
			fail_msg("put %s: %s", docs[d].title, r.err);
		h_result_free(&r);
		if (docs[d].recall) {
			r = h_isa(h, "ctp-analyst", ARGS("recall", ids[d],
			    "--reason", "matrix"));
			assert_int_equal(r.status, 0);
			h_result_free(&r);
		}
	}
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	h_free(*state);
	return 0;
}

static void
test_matrix(void **state)
{
	harness_t *h = *state;

	for (int u = 0; u < NUSERS; u++) {
		h_result_t ls = h_isa(h, users[u], ARGS("ls"));

		assert_int_equal(ls.status, 0);
		for (int d = 0; d < NDOCS; d++) {
			int want = docs[d].want[u];

			for (int k = 0; k < 2; k++) {
				h_result_t r = h_isa(h, users[u], k == 0 ?
				    ARGS("get", ids[d], "-o", "-") :
				    ARGS("info", ids[d]));

				if (r.status != want)
					fail_msg("%s %s %s: exit %d, want %d: "
					    "%s", users[u], k == 0 ? "get" :
					    "info", docs[d].title, r.status,
					    want, r.err);
				/* a title only where it may be read */
				if (want != 0)
					assert_null(strstr(r.out,
					    docs[d].title));
				h_result_free(&r);
			}
			if ((strstr(ls.out, ids[d]) != NULL) != (want == 0))
				fail_msg("%s ls %s: listed %d, want %d",
				    users[u], docs[d].title,
				    strstr(ls.out, ids[d]) != NULL, want == 0);
		}
		h_result_free(&ls);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
