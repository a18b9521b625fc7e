/* test_docs.c: documents in and out through the real isa: round trips, who sees what, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "docs_util.h"
#include "harness.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define CHUNK 262144	/* the harness's limits.chunk */

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "council-lead", "hcc", "BPSS",
	    "attributes = [\"safeguarding\"];");
	h_user(h, "council-officer", "hcc", "NONE", NULL);
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"]; "
	    "attributes = [\"safeguarding\", \"uk-national\"];");
	h_user(h, "police-lead", "police", "SC", NULL);
	h_user(h, "uni-contact", "uow", "BPSS", NULL);
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

static void
round_trip(harness_t *h, uint64_t size, unsigned seed)
{
	char in[512], out[512], id[32];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/in-%llu", h_dir(h),
	    (unsigned long long)size);
	snprintf(out, sizeof(out), "%s/out-%llu", h_dir(h),
	    (unsigned long long)size);
	du_make_file(in, size, seed);
	if (du_put(h, "council-lead", in, "Round trip", "OFFICIAL-SENSITIVE",
	    "agency:hcc", NULL, id, &r) != 0)
		fail_msg("put of %llu bytes: %s", (unsigned long long)size,
		    r.err);
	h_result_free(&r);
	assert_int_equal(strlen(id), 26);
	r = du_get(h, "council-lead", id, out);
	if (r.status != 0)
		fail_msg("get of %llu bytes: %s", (unsigned long long)size,
		    r.err);
	assert_non_null(strstr(r.err, "OFFICIAL-SENSITIVE RECIPIENTS ONLY"));
	h_result_free(&r);
	assert_true(du_same_file(in, out));
	unlink(in);
	unlink(out);
}

static void
test_round_trips(void **state)
{
	static const uint64_t sizes[] = { 0, 1, CHUNK - 1, CHUNK, CHUNK + 1,
	    3 * CHUNK, 5 * CHUNK + 17 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		round_trip(*state, sizes[i], (unsigned)i + 1);
}

/* Once, not per test: 200 MiB through CURVE, chunks and credit. */
static void
test_round_trip_200_mib(void **state)
{
	round_trip(*state, 200u << 20, 99);
}

static void
test_to_stdout_and_marking_on_stderr(void **state)
{
	harness_t *h = *state;
	char in[512], id[32];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/hello", h_dir(h));
	h_write_file(in, "hello, board\n", 0644);
	h_result_t p;

	/* A named user who could not hold it is refused before anything is
	 * stored (rule 6(d)); through their agency they are filtered when
	 * they read. */
	assert_int_equal(du_put(h, "ctp-analyst", in, "CTLP extract",
	    "SECRET", "user:police-lead", ARGS("--handling", "Not for onward "
	    "release", "--caveat", "UK-EYES-ONLY"), id, &p), 4);
	assert_non_null(strstr(p.err, "police-lead"));
	h_result_free(&p);
	assert_int_equal(du_put(h, "ctp-analyst", in, "CTLP extract",
	    "SECRET", "agency:police", ARGS("--handling", "Not for onward "
	    "release", "--caveat", "UK-EYES-ONLY"), id, NULL), 0);
	r = h_isa(h, "police-lead", ARGS("get", id));
	/* police-lead lacks uk-national: the caveat refuses */
	assert_int_equal(r.status, 4);
	assert_non_null(strstr(r.err, "UK-EYES-ONLY"));
	h_result_free(&r);
	r = h_isa(h, "ctp-analyst", ARGS("get", id));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "hello, board\n");
	assert_non_null(strstr(r.err, "SECRET UK-EYES-ONLY RECIPIENTS ONLY\n"
	    "handling: Not for onward release\n"));
	h_result_free(&r);
}

/* Off-list material answers exactly like material that does not exist. */
static void
test_off_list_is_not_found(void **state)
{
	harness_t *h = *state;
	char in[512], id[32], fake[32], a[1024], b[1024];
	h_result_t r1, r2;

	snprintf(in, sizeof(in), "%s/offlist", h_dir(h));
	du_make_file(in, 1000, 7);
	assert_int_equal(du_put(h, "ctp-analyst", in, "CT profile",
	    "OFFICIAL-SENSITIVE", "agency:ctpse", NULL, id, NULL), 0);
	/* A well-formed id nobody has: flip the first character. */
	strcpy(fake, id);
	fake[0] = fake[0] == 'A' ? 'B' : 'A';
	for (int k = 0; k < 2; k++) {
		const char *cmd = k == 0 ? "get" : "info";

		r1 = h_isa(h, "uni-contact", ARGS(cmd, id));
		r2 = h_isa(h, "uni-contact", ARGS(cmd, fake));
		assert_int_equal(r1.status, 3);
		assert_int_equal(r2.status, 3);
		snprintf(a, sizeof(a), "%s", r1.err);
		snprintf(b, sizeof(b), "%s", r2.err);
		/* the same sentence but for the id itself */
		assert_non_null(strstr(a, id));
		{
			char *p = strstr(a, id);

			memcpy(p, fake, 26);
		}
		assert_string_equal(a, b);
		assert_string_equal(r1.out, r2.out);
		h_result_free(&r1);
		h_result_free(&r2);
	}
	r1 = h_isa(h, "uni-contact", ARGS("ls"));
	assert_int_equal(r1.status, 0);
	assert_null(strstr(r1.out, id));
	h_result_free(&r1);
}

static void
test_clearance_and_ls(void **state)
{
	harness_t *h = *state;
	char in[512], id[32], line[256];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/ctlp", h_dir(h));
	du_make_file(in, 5000, 3);
	assert_int_equal(du_put(h, "board-admin", in, "Counter Terrorism "
	    "Local Profile", "OFFICIAL-SENSITIVE", "agency:hcc",
	    ARGS("--originator", "ctpse"), id, NULL), 0);
	/* council-officer is on the list (agency) but holds no clearance */
	r = h_isa(h, "council-officer", ARGS("get", id));
	assert_int_equal(r.status, 4);
	assert_non_null(strstr(r.err, "OFFICIAL-SENSITIVE"));
	assert_non_null(strstr(r.err, "NONE"));
	h_result_free(&r);
	r = h_isa(h, "council-officer", ARGS("ls"));
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.out, id));
	h_result_free(&r);
	r = h_isa(h, "council-lead", ARGS("ls"));
	assert_int_equal(r.status, 0);
	snprintf(line, sizeof(line), "%s\tOFFICIAL-SENSITIVE RECIPIENTS ONLY\t"
	    "Counter Terrorism Local Profile\n", id);
	assert_non_null(strstr(r.out, line));
	h_result_free(&r);
	r = h_isa(h, "council-lead", ARGS("info", id));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "originator:   ctpse\n"));
	assert_non_null(strstr(r.out, "author:       - (ingested for the "
	    "originator)\n"));
	assert_non_null(strstr(r.out, "ingested by:  board-admin\n"));
	h_result_free(&r);
	r = h_isa(h, "council-lead", ARGS("info", id, "--json"));
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"title\":\"Counter Terrorism Local "
	    "Profile\""));
	assert_non_null(strstr(r.out, "\"size\":5000"));
	h_result_free(&r);
}

static void
test_upload_refusals(void **state)
{
	harness_t *h = *state;
	char in[512];
	h_result_t r;

	h_result_t before = h_isa(h, "ctp-analyst", ARGS("ls"));

	snprintf(in, sizeof(in), "%s/small", h_dir(h));
	du_make_file(in, 10, 1);
	/* TOP SECRET: never */
	assert_int_equal(du_put(h, "ctp-analyst", in, "t", "TOP SECRET",
	    "agency:ctpse", NULL, NULL, &r), 1);
	assert_non_null(strstr(r.err, "accredited"));
	h_result_free(&r);
	/* SECRET needs handling text */
	assert_int_equal(du_put(h, "ctp-analyst", in, "t", "SECRET",
	    "agency:ctpse", NULL, NULL, &r), 1);
	h_result_free(&r);
	/* the uploader must hold the marking */
	assert_int_equal(du_put(h, "council-lead", in, "t", "SECRET",
	    "agency:hcc", ARGS("--handling", "x"), NULL, &r), 4);
	h_result_free(&r);
	/* only the admin or a member may name another agency as originator */
	assert_int_equal(du_put(h, "council-lead", in, "t", "OFFICIAL",
	    "agency:hcc", ARGS("--originator", "ctpse"), NULL, &r), 4);
	h_result_free(&r);
	/* a named user who could not hold it */
	assert_int_equal(du_put(h, "ctp-analyst", in, "t",
	    "OFFICIAL-SENSITIVE", "user:council-officer", NULL, NULL, &r), 4);
	assert_non_null(strstr(r.err, "council-officer"));
	assert_null(strstr(r.err, "NONE"));	/* never their clearance */
	h_result_free(&r);
	/* nonsense principal */
	assert_int_equal(du_put(h, "ctp-analyst", in, "t", "OFFICIAL",
	    "everyone", NULL, NULL, &r), 1);
	h_result_free(&r);
	/* missing file */
	r = h_isa(h, "ctp-analyst", ARGS("put", "/nonexistent", "--title",
	    "t", "--class", "OFFICIAL", "--to", "all"));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "/nonexistent"));
	h_result_free(&r);
	/* usage */
	r = h_isa(h, "ctp-analyst", ARGS("put", in, "--title", "t"));
	assert_int_equal(r.status, 2);
	h_result_free(&r);
	/* nothing of that was stored */
	r = h_isa(h, "ctp-analyst", ARGS("ls"));
	assert_string_equal(r.out, before.out);
	h_result_free(&r);
	h_result_free(&before);
}

static void
test_duplicate_content_refused(void **state)
{
	harness_t *h = *state;
	char in[512], id[32], id2[32];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/dup", h_dir(h));
	du_make_file(in, 3000, 11);
	assert_int_equal(du_put(h, "ctp-analyst", in, "Original",
	    "OFFICIAL-SENSITIVE", "agency:ctpse", NULL, id, NULL), 0);
	/* a reader who may not grant cannot launder it as their own */
	assert_int_equal(du_put(h, "police-lead", in, "Mine now",
	    "OFFICIAL", "all", NULL, id2, &r), 1);
	assert_non_null(strstr(r.err, "conflict"));
	h_result_free(&r);
}

static void
test_get_output_file_rules(void **state)
{
	harness_t *h = *state;
	char in[512], out[512], id[32], bad[600];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/o", h_dir(h));
	snprintf(out, sizeof(out), "%s/exists", h_dir(h));
	du_make_file(in, 100, 5);
	assert_int_equal(du_put(h, "council-lead", in, "o", "OFFICIAL",
	    "agency:hcc", NULL, id, NULL), 0);
	h_write_file(out, "keep me", 0644);
	r = h_isa(h, "council-lead", ARGS("get", id, "-o", out));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "exists: use --force"));
	h_result_free(&r);
	{
		FILE *f = fopen(out, "r");
		char buf[16] = "";

		assert_non_null(fgets(buf, sizeof(buf), f));
		fclose(f);
		assert_string_equal(buf, "keep me");
	}
	r = h_isa(h, "council-lead", ARGS("get", id, "-o", out, "--force"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	assert_true(du_same_file(in, out));
	snprintf(bad, sizeof(bad), "%s/no/such/dir/file", h_dir(h));
	r = h_isa(h, "council-lead", ARGS("get", id, "-o", bad));
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "cannot write beside"));
	h_result_free(&r);
}

/* Titles, handling text and content never appear in the data dir. */
static void
test_nothing_readable_at_rest(void **state)
{
	harness_t *h = *state;
	static const char title[] = "TITLE-MARKER-Operation-Kestrel";
	static const char handling[] = "HANDLING-MARKER-do-not-forward";
	static const char content[] = "CONTENT-MARKER-the-subject-lives-at";
	char in[512], id[32];

	snprintf(in, sizeof(in), "%s/marker.txt", h_dir(h));
	h_write_file(in, content, 0644);
	assert_int_equal(du_put(h, "ctp-analyst", in, title, "SECRET",
	    "agency:ctpse", ARGS("--handling", handling), id, NULL), 0);
	assert_int_equal(h_stop(h), 0);	/* everything flushed */
	assert_false(du_dir_contains(h_data_dir(h), title, strlen(title)));
	assert_false(du_dir_contains(h_data_dir(h), handling,
	    strlen(handling)));
	assert_false(du_dir_contains(h_data_dir(h), content,
	    strlen(content)));
	assert_false(du_dir_contains(h_data_dir(h), "marker.txt", 10));
	/* but the id and marking are there, in the clear, as designed */
	assert_true(du_dir_contains(h_data_dir(h), "SECRET", 6));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_to_stdout_and_marking_on_stderr),
		cmocka_unit_test(test_off_list_is_not_found),
		cmocka_unit_test(test_clearance_and_ls),
		cmocka_unit_test(test_upload_refusals),
		cmocka_unit_test(test_duplicate_content_refused),
		cmocka_unit_test(test_get_output_file_rules),
		cmocka_unit_test(test_round_trip_200_mib),
		cmocka_unit_test(test_nothing_readable_at_rest),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
