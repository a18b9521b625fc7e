/* store_util.c: what the store, upload, rekey and master-key suites share: their deployment, seeded round trips, a look into a stopped isad's store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "docs_util.h"
#include "store_util.h"

harness_t *
su_deploy(const char *conf)
{
	harness_t *h = h_new_conf(conf);

	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_start(h);
	return h;
}

int
su_setup(void **state)
{
	*state = su_deploy(NULL);
	return 0;
}

int
su_teardown(void **state)
{
	h_free(*state);
	return 0;
}

void
su_put_ok(harness_t *h, uint64_t size, unsigned seed, char *id)
{
	char in[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/f-%u", h_dir(h), seed);
	du_make_file(in, size, seed);
	if (du_put(h, "ctp-analyst", in, "doc", "OFFICIAL-SENSITIVE",
	    "agency:ctpse", NULL, id, &r) != 0)
		fail_msg("put: %s", r.err);
	h_result_free(&r);
}

void
su_get_ok(harness_t *h, const char *id, unsigned seed)
{
	char in[512], out[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/f-%u", h_dir(h), seed);
	snprintf(out, sizeof(out), "%s/g-%u", h_dir(h), seed);
	r = du_get(h, "ctp-analyst", id, out);
	if (r.status != 0)
		fail_msg("get %s: %s", id, r.err);
	h_result_free(&r);
	assert_true(du_same_file(in, out));
}

store_t *
su_store_open(harness_t *h)
{
	store_t *s = NULL;
	char err[256];

	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

size_t
su_count(harness_t *h, store_db_t db)
{
	store_t *s = su_store_open(h);
	store_txn_t *t;
	size_t n;

	assert_int_equal(store_txn_begin(s, false, &t), 0);
	n = store_count(t, db);
	store_txn_abort(t);
	store_close(s);
	return n;
}
