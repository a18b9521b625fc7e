/* test_checkdeep.c: isad check --deep's frame: every index reported ok on a store in use, beside a running isad and without one; an older store, an empty dir, a bad option; nothing written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "store_util.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* Every index named, each ok, and the last line says so; exit 0. */
static void
assert_all_ok(const h_result_t *r)
{
	static const char *const names[] = { "access", "requests", "audit",
	    "dates", "uploads" };
	char want[64];

	if (r->status != 0)
		fail_msg("check --deep: %d\n%s%s", r->status, r->out, r->err);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), "index %s: ok, ", names[i]);
		assert_non_null(strstr(r->out, want));
	}
	assert_non_null(strstr(r->out, ": ok: every index checked against "
	    "the records in "));
	assert_null(strstr(r->out, "missing:"));
}

/* A store in use (documents, a recall, a share request): ok beside the
 * running isad, and with it stopped; asking adds no audit record. */
static void
test_checkdeep_ok(void **state)
{
	harness_t *h = *state;
	char id[32], id2[32];
	size_t records;
	h_result_t r;

	su_put_ok(h, 3000, 1, id);
	su_put_ok(h, 70000, 2, id2);
	r = h_isa(h, "ctp-analyst", ARGS("recall", id, "--reason", "wrong"));
	assert_int_equal(r.status, 0);
	h_result_free(&r);
	r = h_isa(h, "ctp-analyst", ARGS("share", id2, "--to", "agency:hcc",
	    "--reason", "brief the council"));
	h_result_free(&r);
	r = h_check_deep(h);
	assert_all_ok(&r);
	/* isad check's own summary comes first, as without --deep. */
	assert_non_null(strstr(r.out, ": ok: listen "));
	h_result_free(&r);

	assert_int_equal(h_stop(h), 0);
	records = su_count(h, STORE_AUDIT);
	r = h_check_deep(h);
	assert_all_ok(&r);
	h_result_free(&r);
	assert_int_equal(su_count(h, STORE_AUDIT), records);
}

/* Chunks with neither a record nor a mark (the start-up sweep would never
 * find them), and a mark with no chunk: each reported, exit 1, naming the
 * document's id; taken away: ok again. */
static void
test_checkdeep_uploads(void **state)
{
	harness_t *h = *state;
	uint8_t mark[16] = { 0xc3, 0xd4 };
	uint8_t key[24] = { 0xa1, 0xb2 };
	store_txn_t *t;
	store_t *s;
	h_result_t r;

	assert_int_equal(h_stop(h), 0);
	s = su_store_open(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_CHUNKS, key, sizeof(key), "x", 1),
	    0);
	assert_int_equal(store_put(t, STORE_UPLOADS, mark, sizeof(mark), "",
	    0), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	r = h_check_deep(h);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.out, "index uploads: missing: chunks of "));
	assert_non_null(strstr(r.out, ": no record and no mark"));
	assert_non_null(strstr(r.out, "index uploads: stray: "));
	assert_non_null(strstr(r.out, "marked under way, but it has no chunk"));
	assert_non_null(strstr(r.out, "index uploads: 1 missing, 1 stray, 0 "
	    "wrong"));
	assert_non_null(strstr(r.out, "DIFFERENCES FOUND"));
	h_result_free(&r);

	s = su_store_open(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_del(t, STORE_CHUNKS, key, sizeof(key)), 0);
	assert_int_equal(store_del(t, STORE_UPLOADS, mark, sizeof(mark)), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	r = h_check_deep(h);
	assert_all_ok(&r);
	h_result_free(&r);
}

/* A store of an older schema is isad's to upgrade at its next start:
 * check --deep says so and changes nothing; no store at all: said. */
static void
test_checkdeep_refusals(void **state)
{
	harness_t *h = *state;
	uint8_t v[4] = { 0, 0, 0, STORE_SCHEMA_VERSION - 1 };
	char cmd[1024];
	store_txn_t *t;
	store_t *s;
	h_result_t r;

	assert_int_equal(h_stop(h), 0);
	r = h_run(ARGS(getenv("ISAD_BIN"), "status", "--deep", "--config",
	    h_isad_conf(h)));
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "status does not take --deep"));
	h_result_free(&r);

	s = su_store_open(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_META, "schema", 6, v, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	r = h_check_deep(h);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "schema"));
	assert_null(strstr(r.out, "index access"));
	h_result_free(&r);

	snprintf(cmd, sizeof(cmd), "mv %s %s.old && mkdir -m 0700 %s",
	    h_data_dir(h), h_data_dir(h), h_data_dir(h));
	assert_int_equal(system(cmd), 0);
	r = h_check_deep(h);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "no store here"));
	h_result_free(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mv %s.old %s", h_data_dir(h),
	    h_data_dir(h), h_data_dir(h));
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checkdeep_ok, su_setup,
		    su_teardown),
		cmocka_unit_test_setup_teardown(test_checkdeep_uploads,
		    su_setup, su_teardown),
		cmocka_unit_test_setup_teardown(test_checkdeep_refusals,
		    su_setup, su_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
