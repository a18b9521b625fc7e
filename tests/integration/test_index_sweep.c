/* test_index_sweep.c: the date index and the sweep, round 2: a reminder or announcement whose view cannot be made is put off, not lost; a recall takes its date entries with it; start-up sweeps a slice and what is past its destroy-after date is answered as destroyed meanwhile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon/ctx/current.h"
#include "daemon/ctx/job.h"
#include "daemon/docs/docview.h"
#include "daemon/docs/sweeper.h"
#include "daemon/store/dateindex.h"
#include "daemon/store/docindex.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"
#include "docs_util.h"
#include "harness.h"
#include "policy/policy.h"
#include "proto/docid.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define MAP_SIZE INT64_C(17179869184)

static void
users(harness_t *h)
{
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "ctp-officer", "ctpse", "SC", NULL);
	h_user(h, "board-auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
}

static harness_t *
started(void)
{
	harness_t *h = h_new();

	users(h);
	h_start(h);
	return h;
}

static h_result_t
isa(harness_t *h, const char *user, const char *const *args, int want)
{
	h_result_t r = h_isa(h, user, args);

	if (r.status != want)
		fail_msg("isa %s as %s: exit %d, not %d: %s", args[0], user,
		    r.status, want, r.err);
	return r;
}

/* A document put by ctp-officer for agency:ctpse, into id. */
static void
put(harness_t *h, const char *title, const char *const *extra, char *id)
{
	char in[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/%s", h_dir(h), title);
	du_make_file(in, 1500, 11);
	if (du_put(h, "ctp-officer", in, title, "OFFICIAL", "agency:ctpse",
	    extra, id, &r) != 0)
		fail_msg("put %s: %s", title, r.err);
	h_result_free(&r);
}

/* isad check --deep on the stopped store: clean, dates included. */
static void
check_clean(harness_t *h)
{
	h_result_t r = h_check_deep(h);

	if (r.status != 0 || strstr(r.out, "index dates: ok") == NULL)
		fail_msg("check --deep: exit %d: %s%s", r.status, r.out, r.err);
	h_result_free(&r);
}

/* The stopped store, and the harness's policy in force in this process. */
static store_t *
open_rw(harness_t *h)
{
	char err[512];
	policy_t *p;
	store_t *s;

	if (policy_load(h_policy_conf(h), &p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	current_policy_set(p);
	if (store_open(h_data_dir(h), MAP_SIZE, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

static void
close_rw(store_t *s)
{
	store_close(s);
	current_policy_set(NULL);
}

/* Document idtext's record rewritten by f (its date and access entries
 * with it), as a fix by hand would.  Fields f sets stay f's. */
static void
edit_doc(store_t *s, const char *idtext,
    void (*f)(Isad__StoredDoc *, void *), void *arg)
{
	uint8_t id[16];
	Isad__StoredDoc *r, keep;
	store_txn_t *t;

	assert_int_equal(docid_parse(idtext, id), 0);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(records_doc_get(t, id, &r), 0);
	assert_int_equal(dateindex_drop(t, r), 0);
	keep = *r;	/* f may point fields at its own strings */
	f(r, arg);
	assert_int_equal(records_doc_put(t, id, r), 0);
	assert_int_equal(dateindex_sync(t, r), 0);
	assert_int_equal(docindex_set_state(t, r), 0);
	*r = keep;
	records_doc_free(r);
	assert_int_equal(store_txn_commit(t), 0);
}

/* The classification arg (a static string), a review and an embargo both
 * due long since and not yet acted on. */
static void
set_unreadable(Isad__StoredDoc *r, void *arg)
{
	static char review[] = "2020-01-01";

	r->classification = arg;
	r->review_by = review;
	r->review_reminded = false;
	r->embargo_until = r->created + 1;
	r->embargo_announced = false;
}

static void
set_class(Isad__StoredDoc *r, void *arg)
{
	r->classification = arg;
}

/*
 * A document whose view cannot be made when its review and embargo fall
 * due (its stored classification unknown to the policy in force) keeps
 * both: they are put off SWEEP_PUT_OFF_S (check --deep clean), and once
 * the view can be made again (here the record is put right: no policy
 * reload can make a stored marking unreadable today, see the report) the
 * sweep after that time reminds and announces.
 */
static void
test_put_off_not_lost(void **state)
{
	static char bogus[] = "BOGUS", official[] = "OFFICIAL";
	harness_t *h;
	worker_env_t env = { 0 };
	char id[32], now[32];
	dateindex_entry_t e;
	Isad__StoredDoc *r;
	uint8_t raw[16];
	store_txn_t *t;
	int64_t before;
	size_t mark;
	store_t *s;

	(void)state;
	h_need_test_build("ISAD_TEST_NOW");
	h = started();
	put(h, "later", ARGS("--review-by", "2030-01-01"), id);
	assert_int_equal(h_stop(h), 0);
	s = open_rw(h);
	env.store = s;
	edit_doc(s, id, set_unreadable, bogus);
	before = time(NULL);
	(void)sweeper_tick(s, &env);
	assert_false(store_failed(s));
	assert_int_equal(docid_parse(id, raw), 0);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(records_doc_get(t, raw, &r), 0);
	assert_false(r->review_reminded);
	assert_false(r->embargo_announced);
	assert_true(r->sweep_retry >= before + SWEEP_PUT_OFF_S);
	/* its entries wait for the retry, the first of them due then */
	assert_int_equal(dateindex_first(t, &e), 0);
	assert_memory_equal(e.doc, raw, 16);
	assert_int_equal(e.due, r->sweep_retry);
	records_doc_free(r);
	store_txn_abort(t);
	/* The view can be made again. */
	edit_doc(s, id, set_class, official);
	close_rw(s);
	check_clean(h);

	/* isad's calendar past the retry: its first sweep does both. */
	snprintf(now, sizeof(now), "%lld",
	    (long long)(before + SWEEP_PUT_OFF_S + 120));
	mark = h_log_mark(h);
	setenv("ISAD_TEST_NOW", now, 1);
	h_start(h);
	unsetenv("ISAD_TEST_NOW");
	assert_true(h_wait_log(h, "(0 destroyed, 1 reminded, 1 announced)"));
	assert_int_equal(h_log_count(h, mark, "1 reminded, 1 announced", NULL),
	    1);
	assert_int_equal(h_stop(h), 0);
	check_clean(h);
	h_free(h);
}

/* How many date entries name document idtext, by kind. */
static void
date_entries(harness_t *h, const char *idtext, int *d, int *rv, int *em)
{
	uint8_t id[16];
	store_kv_t kv;
	store_txn_t *t;
	store_t *s;
	char err[512];
	uint8_t from[DATEINDEX_KEY_LEN] = { 0 };

	*d = *rv = *em = 0;
	assert_int_equal(docid_parse(idtext, id), 0);
	if (store_open_readonly(h_data_dir(h), 0, false, &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	while (store_seek(t, STORE_DATES, from, sizeof(from), &kv) == 0) {
		const uint8_t *k = kv.key;

		assert_int_equal(kv.klen, DATEINDEX_KEY_LEN);
		if (memcmp(k + 9, id, 16) == 0) {
			*d += k[8] == 'd';
			*rv += k[8] == 'r';
			*em += k[8] == 'e';
		}
		/* the next key after this one */
		memcpy(from, k, sizeof(from));
		for (int i = DATEINDEX_KEY_LEN - 1; i >= 0 && ++from[i] == 0;
		    i--)
			;
	}
	store_txn_abort(t);
	store_close(s);
}

/*
 * A recall takes the document's review and embargo entries with it, in
 * its own commit (its destroy-after entry stays: a recalled document is
 * still destroyed on its day); check --deep is clean after.
 */
static void
test_recall_drops_dates(void **state)
{
	harness_t *h = started();
	char id[32], until[32];
	int d, rv, em;
	time_t lift = time(NULL) + 7 * 86400;
	struct tm tm;
	h_result_t r;

	(void)state;
	gmtime_r(&lift, &tm);
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
	put(h, "recalled", ARGS("--review-by", "2031-01-01",
	    "--destroy-after", "2032-01-01", "--embargo-until", until), id);
	date_entries(h, id, &d, &rv, &em);
	assert_int_equal(d + rv + em * 10, 12);
	r = isa(h, "ctp-analyst", ARGS("recall", id, "--reason", "wrong"), 0);
	h_result_free(&r);
	date_entries(h, id, &d, &rv, &em);
	assert_int_equal(d, 1);
	assert_int_equal(rv, 0);
	assert_int_equal(em, 0);
	assert_int_equal(h_stop(h), 0);
	check_clean(h);
	h_free(h);
}

/* n copies of document idtext in the stopped store, each with the index
 * entries its upload would have made; the last copy's id into last. */
static void
clone_doc(harness_t *h, const char *idtext, int n, char *last)
{
	uint8_t id[16], copy[16];
	Isad__StoredDoc *r;
	store_txn_t *t;
	store_t *s;
	char err[512];

	assert_int_equal(docid_parse(idtext, id), 0);
	if (store_open(h_data_dir(h), MAP_SIZE, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(records_doc_get(t, id, &r), 0);
	for (int i = 0; i < n; i++) {
		uint8_t *own = r->id.data;

		memcpy(copy, id, 16);
		copy[0] ^= 0x80;
		copy[14] = (uint8_t)(i >> 8);
		copy[15] = (uint8_t)i;
		r->id.data = copy;
		assert_int_equal(records_doc_put(t, copy, r), 0);
		assert_int_equal(docindex_add_doc(t, r, NULL), 0);
		assert_int_equal(dateindex_sync(t, r), 0);
		r->id.data = own;
	}
	docid_format(copy, last);
	records_doc_free(r);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
}

/*
 * A backlog at start: isad sweeps one slice (a test build's
 * $ISAD_TEST_SWEEP_START_MS of 0: one batch) before it serves and the
 * writer's ticks the rest; meanwhile a document past its destroy-after
 * date that is not yet swept is answered as destroyed (its view says so:
 * seen in-process, where nothing sweeps).
 */
static void
test_start_sweeps_a_slice(void **state)
{
	harness_t *h;
	policy_decision_t dec;
	char id[32], last[32];
	job_t *j;
	doc_t d;
	store_txn_t *t;
	store_t *s;
	h_result_t r;
	size_t mark, n = 0;

	(void)state;
	h_need_test_build("ISAD_TEST_SWEEP_START_MS");
	h = started();
	put(h, "doomed", ARGS("--destroy-after", "2030-12-31"), id);
	assert_int_equal(h_stop(h), 0);
	clone_doc(h, id, 249, last);

	/* Unswept, past its day: the view is destroyed, a read is gone. */
	s = open_rw(h);
	assert_non_null(j = job_new("", 0));
	j->policy = current_policy_get();
	j->now = 1925121600;	/* 2 January 2031 */
	j->subject = policy_user_by_id(j->policy, "ctp-officer");
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(doc_open_any(j, t, last, &d), 0);
	assert_int_equal(d.view.state, DOC_DESTROYED);
	assert_int_equal(policy_decide(j->policy, j->subject, POLICY_ACTION_GET,
	    &d.view, NULL, j->now, &dec), POLICY_GONE);
	doc_release(&d);
	store_txn_abort(t);
	job_free(j);
	close_rw(s);

	mark = h_log_mark(h);
	setenv("ISAD_TEST_NOW", "1925121600", 1);
	setenv("ISAD_TEST_SWEEP_START_MS", "0", 1);
	h_start(h);
	unsetenv("ISAD_TEST_NOW");
	unsetenv("ISAD_TEST_SWEEP_START_MS");
	/* One batch before it served (the writer, which sweeps the rest,
	 * starts after that line), and it serves. */
	assert_int_equal(h_log_count(h, mark, "retention sweep at start: ",
	    NULL), 1);
	assert_int_equal(h_log_count(h, mark, "retention sweep: ",
	    "retention sweep at start: "), 1);
	r = isa(h, "ctp-officer", ARGS("get", last), 3);
	assert_non_null(strstr(r.err, "destroyed"));
	h_result_free(&r);
	/* The writer's ticks do the rest, then the rekey. */
	assert_true(h_wait_log(h, "50 due entries in one commit (50 "
	    "destroyed"));
	assert_true(h_wait_log(h, "data keys rewrapped under a new master"));
	assert_int_equal(h_log_count(h, mark, "retention sweep: ", NULL), 3);
	r = isa(h, "board-auditor", ARGS("audit", "--action", "destroy"), 0);
	for (const char *p = r.out; (p = strstr(p, "destroy_after")) != NULL;
	    p++)
		n++;
	h_result_free(&r);
	assert_int_equal(n, 250);
	assert_int_equal(h_stop(h), 0);
	check_clean(h);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_off_not_lost),
		cmocka_unit_test(test_recall_drops_dates),
		cmocka_unit_test(test_start_sweeps_a_slice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
