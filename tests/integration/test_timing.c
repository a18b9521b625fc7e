/* test_timing.c: rule 2 in time: a refused lookup of an off-list document (or an invisible request) takes as long as one of a missing id. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <zmq.h>

#include "daemon/store/docindex.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"
#include "docs_util.h"
#include "harness.h"
#include "proto/docid.h"
#include "proto/envelope.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/*
 * The statistic.  Requests for the two ids alternate in pairs (A B or
 * B A, as many of each) on one connection, so drift and other load hit both alike;
 * each pair gives d = t(A) - t(B).  The second request of a pair is a
 * little faster, so the pairs with A first and those with B first are
 * taken apart: the estimate of the difference is the mean of their two
 * medians of d (medians: robust to the outliers a shared machine gives;
 * the mean of the two: the order's effect cancels), its noise the standard
 * error of that from the spread of d: 1.2533 * 1.4826 * MAD / sqrt(n) for
 * each median.  One run finds a difference when |estimate| > 6 standard
 * errors (the bursts of a loaded machine make d's spread understate it)
 * AND > FLOOR_US (what an audit record that names a marking, as
 * DESIGN §7 requires where the document exists, may cost over one that
 * names none).  The times differ when each of three runs finds a
 * difference: a loaded machine's bursts seldom repeat; a leak does.
 * Before the access index, an off-list document of 8,000 entries, or an
 * invisible request on one, took about 0.75 ms more than a missing id in a
 * release build, 4.7 ms in the sanitizer build: far past both (one entry
 * took 10-30 us more, which only the sanitizer build's runs catch).
 */
#define PAIRS		800
#define WARMUP		50
#define FLOOR_US	5.0
#define K_SE		6.0

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "ctp-author", "ctpse", "SC", NULL);
	h_user(h, "police-reader", "police", "SC", NULL);
	h_user(h, "council-prober", "hcc", "SC", NULL);
	h_user(h, "ctp-other", "ctpse", "SC", NULL);
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

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Send env on s; the reply's status (and message into msg), timed. */
static double
timed_call(void *s, Isa__Envelope *env, Isa__Status *status, char *msg,
    size_t msglen)
{
	static uint8_t reply[65536];
	uint8_t *buf;
	size_t len;
	Isa__Envelope *resp;
	double t0, t1;
	int n;

	assert_int_equal(envelope_encode(env, &buf, &len), 0);
	t0 = now_us();
	assert_int_equal(h_send(s, buf, len, 0), 0);
	n = h_recv(s, reply, sizeof(reply), 10000);
	t1 = now_us();
	free(buf);
	assert_true(n >= 0);
	assert_non_null(resp = isa__envelope__unpack(NULL, (size_t)n, reply));
	*status = resp->status;
	if (msg != NULL)
		snprintf(msg, msglen, "%s", resp->message ? resp->message : "");
	isa__envelope__free_unpacked(resp, NULL);
	return t1 - t0;
}

/* sqrt without libm (Newton's method; x >= 1 here). */
static double
root(double x)
{
	double r = x > 1 ? x : 1;

	for (int i = 0; i < 60; i++)
		r = (r + x / r) / 2;
	return r;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The median m of the n differences d and its standard error se (from
 * their MAD); d is reordered. */
static void
paired(double *d, size_t n, double *m, double *se)
{
	*m = median(d, n);
	for (size_t i = 0; i < n; i++)
		d[i] = d[i] > *m ? d[i] - *m : *m - d[i];
	*se = 1.2533 * 1.4826 * median(d, n) / root((double)n);
}

/* What one comparison found. */
typedef struct {
	double med_a, med_b;	/* medians of each, µs */
	double diff, se;	/* median of the paired differences, its SE */
} compare_t;

/* Make an envelope asking about id for the kind of request body. */
typedef void (*make_fn)(Isa__Envelope *env, void *body, const char *id);

static void
make_info(Isa__Envelope *env, void *body, const char *id)
{
	Isa__InfoRequest *r = body;

	isa__info_request__init(r);
	r->id = (char *)id;
	env->body_case = ISA__ENVELOPE__BODY_INFO;
	env->info = r;
}

static void
make_decide(Isa__Envelope *env, void *body, const char *id)
{
	Isa__DecideRequest *r = body;

	isa__decide_request__init(r);
	r->id = (char *)id;
	r->approve = true;
	env->body_case = ISA__ENVELOPE__BODY_DECIDE;
	env->decide = r;
}

/* Time requests about a (existing, not the prober's) and b (missing),
 * alternating; both must answer NOT_FOUND with the same words. */
static compare_t
compare(harness_t *h, const char *user, make_fn make, const char *a,
    const char *b)
{
	void *ctx = zmq_ctx_new(), *s = h_dealer(h, ctx, user);
	double *ta = calloc(PAIRS, sizeof(double));
	double *tb = calloc(PAIRS, sizeof(double));
	double *d = calloc(PAIRS, sizeof(double));
	union {
		Isa__InfoRequest info;
		Isa__DecideRequest decide;
	} body;
	Isa__Envelope env;
	Isa__Status st;
	char ma[512], mb[512], *p;
	compare_t c;
	uint64_t rid = 1, coin = 0x15A;
	char order[PAIRS];
	int b_first = 0;

	assert_non_null(ta);
	assert_non_null(tb);
	assert_non_null(d);
	for (int i = -WARMUP; i < PAIRS; i++) {
		/* Of each two pairs, one has A first and the other B (the
		 * second of two requests is a little faster), which one by
		 * a coin, so that nothing periodic on the machine lines up
		 * with the order. */
		if ((i & 1) == 0) {
			coin = coin * 6364136223846793005ULL +
			    1442695040888963407ULL;
			b_first = (coin >> 33) & 1;
		} else
			b_first = !b_first;
		if (i >= 0)
			order[i] = (char)b_first;
		for (int step = 0; step < 2; step++) {
			int k = step ^ b_first;
			double t;

			isa__envelope__init(&env);
			env.version = ISA_PROTOCOL_VERSION;
			env.request_id = rid++;
			make(&env, &body, k == 0 ? a : b);
			t = timed_call(s, &env, &st, k == 0 ? ma : mb,
			    sizeof(ma));
			assert_int_equal(st, ISA__STATUS__NOT_FOUND);
			if (i >= 0)
				(k == 0 ? ta : tb)[i] = t;
		}
		if (i == 0) {
			/* The same words but for the id. */
			if ((p = strstr(ma, a)) != NULL)
				memcpy(p, b, strlen(b));
			assert_string_equal(ma, mb);
		}
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	/* Pairs with A first in d[0 .. PAIRS/2), B first after. */
	for (int i = 0, n0 = 0, n1 = 0; i < PAIRS; i++)
		d[order[i] ? PAIRS / 2 + n1++ : n0++] = ta[i] - tb[i];
	{
		double m0, m1, s0, s1;

		paired(d, PAIRS / 2, &m0, &s0);
		paired(d + PAIRS / 2, PAIRS / 2, &m1, &s1);
		c.diff = (m0 + m1) / 2;
		c.se = root(s0 * s0 + s1 * s1) / 2;
	}
	c.med_a = median(ta, PAIRS);
	c.med_b = median(tb, PAIRS);
	free(ta);
	free(tb);
	free(d);
	return c;
}

/* Whether the two answered alike in time (printed either way). */
static bool
alike(const char *what, compare_t c)
{
	double limit = K_SE * c.se > FLOOR_US ? K_SE * c.se : FLOOR_US;

	print_message("%s: median %.1f us (off-list) vs %.1f us (missing); "
	    "paired difference %+.1f us, SE %.1f us, limit %.1f us\n", what,
	    c.med_a, c.med_b, c.diff, c.se, limit);
	if (c.diff <= limit && c.diff >= -limit)
		return true;
	print_message("%s: an off-list lookup takes %+.1f us more than a "
	    "missing id's (limit %.1f us)\n", what, c.diff, limit);
	return false;
}

/* Whether requests about a and b take the same time: they differ only
 * when each of three runs finds a difference. */
static bool
same_time(harness_t *h, const char *what, make_fn make, const char *a,
    const char *b)
{
	for (int run = 0; run < 3; run++)
		if (alike(what, compare(h, "council-prober", make, a, b)))
			return true;
	return false;
}

/* Give document idtext (made through isa) an access list of n entries,
 * none the prober's, as n granted shares would: record and index. */
static void
widen(harness_t *h, const char *idtext, size_t n)
{
	static const char *const names[] = { "user:ctp-author",
	    "agency:ctpse", "user:police-reader", "agency:police",
	    "user:ctp-other" };
	uint8_t id[DOCID_LEN];
	store_t *s = NULL;
	store_txn_t *t;
	Isad__StoredDoc *r;
	size_t len;
	char err[256], **old, **acc = calloc(n, sizeof(*acc));

	assert_non_null(acc);
	assert_int_equal(docid_parse(idtext, id), 0);
	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(records_doc_get(t, id, &r), 0);
	for (size_t i = 0; i < n; i++) {
		acc[i] = (char *)names[i % 5];
		assert_int_equal(docindex_add_access(t, r, acc[i]), 0);
	}
	old = r->access;
	len = r->n_access;
	r->access = acc;
	r->n_access = n;
	assert_int_equal(records_doc_put(t, id, r), 0);
	r->access = old;
	r->n_access = len;
	records_doc_free(r);
	free(acc);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
}

/* A missing id of the right form. */
static void
missing_id(char *out)
{
	uint8_t raw[DOCID_LEN];

	for (size_t i = 0; i < DOCID_LEN; i++)
		raw[i] = (uint8_t)(0xA5 ^ (i * 37));
	docid_format(raw, out);
}

static void
test_offlist_document(void **state)
{
	harness_t *h = *state;
	static const size_t sizes[] = { 1, 64, 8000 };
	char in[512], ids[3][32], missing[DOCID_TEXT_LEN + 1], what[64];
	bool ok = true;

	for (int i = 0; i < 3; i++) {
		snprintf(in, sizeof(in), "%s/t%d", h_dir(h), i);
		du_make_file(in, 1000, 70 + (unsigned)i);
		assert_int_equal(du_put(h, "ctp-author", in, "Timed",
		    "OFFICIAL", "agency:ctpse", NULL, ids[i], NULL), 0);
	}
	assert_int_equal(h_stop(h), 0);
	for (int i = 0; i < 3; i++)
		widen(h, ids[i], sizes[i]);
	h_start(h);
	missing_id(missing);
	for (int i = 0; i < 3; i++) {
		snprintf(what, sizeof(what), "info, %zu entries", sizes[i]);
		ok &= same_time(h, what, make_info, ids[i], missing);
	}
	assert_true(ok);
}

static void
test_invisible_request(void **state)
{
	harness_t *h = *state;
	void *ctx = zmq_ctx_new(), *s;
	Isa__Envelope env = ISA__ENVELOPE__INIT, *resp;
	Isa__ShareRequest sr = ISA__SHARE_REQUEST__INIT;
	char in[512], id[32], req[64], missing[DOCID_TEXT_LEN + 1];
	static uint8_t reply[65536];
	uint8_t *buf;
	size_t len;
	int n;

	snprintf(in, sizeof(in), "%s/req", h_dir(h));
	du_make_file(in, 1000, 80);
	assert_int_equal(du_put(h, "ctp-author", in, "Asked for", "OFFICIAL",
	    "user:police-reader", NULL, id, NULL), 0);
	/* police-reader asks to pass it on: a pending request */
	s = h_dealer(h, ctx, "police-reader");
	env.version = ISA_PROTOCOL_VERSION;
	env.request_id = 1;
	env.body_case = ISA__ENVELOPE__BODY_SHARE;
	env.share = &sr;
	sr.id = id;
	sr.to = (char *)"agency:police";
	sr.reason = (char *)"the district needs it";
	assert_int_equal(envelope_encode(&env, &buf, &len), 0);
	assert_int_equal(h_send(s, buf, len, 0), 0);
	free(buf);
	assert_true((n = h_recv(s, reply, sizeof(reply), 10000)) >= 0);
	assert_non_null(resp = isa__envelope__unpack(NULL, (size_t)n, reply));
	assert_int_equal(resp->status, ISA__STATUS__OK);
	assert_false(resp->share_reply->granted);
	snprintf(req, sizeof(req), "%s", resp->share_reply->request);
	isa__envelope__free_unpacked(resp, NULL);
	zmq_close(s);
	zmq_ctx_term(ctx);
	/* its document widely shared: reading it would show */
	assert_int_equal(h_stop(h), 0);
	widen(h, id, 8000);
	h_start(h);
	missing_id(missing);
	assert_true(same_time(h, "decide, invisible request (8000-entry "
	    "document)", make_decide, req, missing));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offlist_document),
		cmocka_unit_test(test_invisible_request),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
