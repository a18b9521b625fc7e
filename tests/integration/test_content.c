/* test_content.c: rule 6(f) against every copy: the same bytes held twice, one recalled, still cannot be laundered; a schema-1 store is upgraded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daemon/store/store.h"
#include "docs_util.h"
#include "harness.h"
#include "proto/docid.h"
#include "proto/sha256.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "ctp-officer", "ctpse", "SC", NULL);
	h_user(h, "ctp-reader", "ctpse", "SC", NULL);
	h_user(h, "council-officer", "hcc", "NONE", NULL);
	h_user(h, "board-auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
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
expect(harness_t *h, const char *user, const char *const *args, int status)
{
	h_result_t r = h_isa(h, user, args);

	if (r.status != status)
		fail_msg("isa %s as %s: exit %d, wanted %d: %s", args[0], user,
		    r.status, status, r.err);
	h_result_free(&r);
}

/* The NONE user tries to make the SECRET bytes in file OFFICIAL, to all. */
static void
launder_refused(harness_t *h, const char *file)
{
	h_result_t r;
	char id[32] = "";

	if (du_put(h, "council-officer", file, "Mine now", "OFFICIAL", "all",
	    NULL, id, &r) != 1)
		fail_msg("laundering was not refused (exit %d, id %s): %s",
		    r.status, id, r.err);
	assert_non_null(strstr(r.err, "conflict"));
	h_result_free(&r);
}

/* The author holds the same SECRET bytes twice and recalls the second:
 * the first still holds them. */
static void
test_second_copy_recalled(void **state)
{
	harness_t *h = *state;
	char in[512], id1[32], id2[32];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/secret", h_dir(h));
	du_make_file(in, 4000, 61);
	assert_int_equal(du_put(h, "ctp-officer", in, "Source report",
	    "SECRET", "agency:ctpse", ARGS("--handling", "x"), id1, NULL), 0);
	/* the author may hold it again (they may grant on the first) */
	assert_int_equal(du_put(h, "ctp-officer", in, "Source report again",
	    "SECRET", "agency:ctpse", ARGS("--handling", "x"), id2, NULL), 0);
	expect(h, "ctp-officer", ARGS("recall", id2, "--reason", "dup"), 0);
	launder_refused(h, in);
	/* refused, and recorded so */
	r = h_isa(h, "board-auditor", ARGS("audit", "--user",
	    "council-officer"));
	assert_int_equal(r.status, 0);
	if (strstr(r.out, "duplicate") == NULL)
		fail_msg("no record of the refusal: %s", r.out);
	h_result_free(&r);
	/* with both recalled, the bytes are free again */
	expect(h, "ctp-officer", ARGS("recall", id1, "--reason", "done"), 0);
	assert_int_equal(du_put(h, "ctp-officer", in, "Released", "OFFICIAL",
	    "agency:ctpse", NULL, id2, NULL), 0);
}

/* The first copy recalled, the second active: refused too. */
static void
test_first_copy_recalled(void **state)
{
	harness_t *h = *state;
	char in[512], id1[32], id2[32];

	snprintf(in, sizeof(in), "%s/secret2", h_dir(h));
	du_make_file(in, 3000, 62);
	assert_int_equal(du_put(h, "ctp-officer", in, "Report", "SECRET",
	    "agency:ctpse", ARGS("--handling", "x"), id1, NULL), 0);
	assert_int_equal(du_put(h, "ctp-officer", in, "Report again", "SECRET",
	    "agency:ctpse", ARGS("--handling", "x"), id2, NULL), 0);
	expect(h, "ctp-officer", ARGS("recall", id1, "--reason", "dup"), 0);
	launder_refused(h, in);
}

static store_t *
open_store(harness_t *h)
{
	store_t *s = NULL;
	char err[256];

	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

/*
 * A store as schema 1 left it: the content index holds only the latest
 * document per SHA-256 (SHA-256 -> id), no access index.  isad upgrades it
 * at open: every copy counts, and those on a list still read.
 */
static void
test_schema1_store_upgraded(void **state)
{
	harness_t *h = *state;
	static const uint8_t one[4] = { 0, 0, 0, 1 };
	char in[512], out[512], id1[32], id2[32];
	uint8_t sha[SHA256_LEN], raw2[16];
	store_txn_t *t;
	store_t *s;
	h_result_t r;
	FILE *f;
	uint8_t buf[8192];
	size_t n;

	snprintf(in, sizeof(in), "%s/secret3", h_dir(h));
	snprintf(out, sizeof(out), "%s/secret3.out", h_dir(h));
	du_make_file(in, 5000, 63);
	assert_int_equal(du_put(h, "ctp-officer", in, "Old report", "SECRET",
	    "agency:ctpse", ARGS("--handling", "x"), id1, NULL), 0);
	assert_int_equal(du_put(h, "ctp-officer", in, "Old report again",
	    "SECRET", "agency:ctpse", ARGS("--handling", "x"), id2, NULL), 0);
	assert_int_equal(h_stop(h), 0);

	assert_non_null(f = fopen(in, "rb"));
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	sha256(buf, n, sha);
	assert_int_equal(docid_parse(id2, raw2), 0);
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_del_prefix(t, STORE_SHA, "", 0), 0);
	assert_int_equal(store_put(t, STORE_SHA, sha, SHA256_LEN, raw2, 16), 0);
	assert_int_equal(store_del_prefix(t, STORE_ACCESS, "", 0), 0);
	assert_int_equal(store_del_prefix(t, STORE_MARKS, "", 0), 0);
	assert_int_equal(store_del_prefix(t, STORE_REQSEE, "", 0), 0);
	assert_int_equal(store_put(t, STORE_META, "schema", 6, one, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	h_start(h);
	/* on the list: still reads (the access index was built) */
	r = du_get(h, "ctp-reader", id1, out);
	if (r.status != 0)
		fail_msg("get after the upgrade: %s", r.err);
	h_result_free(&r);
	expect(h, "ctp-officer", ARGS("recall", id2, "--reason", "dup"), 0);
	launder_refused(h, in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_copy_recalled),
		cmocka_unit_test(test_first_copy_recalled),
		cmocka_unit_test(test_schema1_store_upgraded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
