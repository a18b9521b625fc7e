/* test_reqdate_index.c: the request and date indexes on a real store: when each date falls due, the entries a record calls for as its state moves on, merging a caller's keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/store/dateindex.h"
#include "daemon/store/records.h"
#include "daemon/store/reqindex.h"
#include "daemon/store/store.h"

#define D2030_06_01	INT64_C(1906502400)	/* 00:00 UTC */
#define D2031_01_01	INT64_C(1924992000)

static char dir[] = "/tmp/isa-reqdate-XXXXXX";
static store_t *s;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	return store_open(dir, 1 << 24, &s, err, sizeof(err));
}

static int
teardown(void **state)
{
	char path[512];

	(void)state;
	store_close(s);
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/lock.mdb", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
doc_init(Isad__StoredDoc *r, uint8_t *id)
{
	isad__stored_doc__init(r);
	r->id.data = id;
	r->id.len = RECORDS_ID_LEN;
	r->classification = "OFFICIAL";
	r->originator = "ctpse";
	r->author = "ctp-officer";
	r->ingested_by = "ctp-officer";
	r->created = D2030_06_01 - 86400 * 200;
	records_doc_set_state(r, DOC_ACTIVE);
}

/* Destroy-after D is due from D+1 00:00, review-by D from D 00:00, an
 * embargo from its second; each only while the state calls for it. */
static void
test_due(void **state)
{
	uint8_t id[16] = { 7 };
	Isad__StoredDoc r;

	(void)state;
	doc_init(&r, id);
	r.destroy_after = "2030-12-31";
	r.review_by = "2030-06-01";
	r.embargo_until = D2030_06_01 + 3600;
	assert_int_equal(dateindex_due(&r, D2030_06_01 - 1), 0);
	assert_int_equal(dateindex_due(&r, D2030_06_01), DATEINDEX_REVIEW);
	assert_int_equal(dateindex_due(&r, D2030_06_01 + 3600),
	    DATEINDEX_REVIEW | DATEINDEX_ANNOUNCE);
	assert_int_equal(dateindex_due(&r, D2031_01_01 - 1),
	    DATEINDEX_REVIEW | DATEINDEX_ANNOUNCE);
	assert_int_equal(dateindex_due(&r, D2031_01_01), DATEINDEX_REVIEW |
	    DATEINDEX_ANNOUNCE | DATEINDEX_DESTROY);
	r.review_reminded = true;
	r.embargo_announced = true;
	assert_int_equal(dateindex_due(&r, D2031_01_01), DATEINDEX_DESTROY);
	r.review_reminded = false;
	records_doc_set_state(&r, DOC_RECALLED);	/* destroy only */
	assert_int_equal(dateindex_due(&r, D2031_01_01), DATEINDEX_DESTROY);
	records_doc_set_state(&r, DOC_DESTROYED);
	assert_int_equal(dateindex_due(&r, D2031_01_01 + 86400 * 365), 0);
	/* a date that does not parse is due never */
	records_doc_set_state(&r, DOC_ACTIVE);
	r.destroy_after = "2030-02-30";
	r.review_by = "soon";
	r.embargo_until = 0;
	assert_int_equal(dateindex_due(&r, D2031_01_01 * 2), 0);
}

/* The entries follow the record: the earliest first, gone as each is
 * handled, all gone once destroyed. */
static void
test_sync(void **state)
{
	uint8_t id[16] = { 9 }, other[16] = { 3 };
	Isad__StoredDoc r, o;
	dateindex_entry_t e;
	store_txn_t *t;

	(void)state;
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(dateindex_first(t, &e), ISA_ERR_NOTFOUND);
	doc_init(&r, id);
	r.destroy_after = "2030-12-31";
	r.review_by = "2030-06-01";
	doc_init(&o, other);
	o.embargo_until = D2030_06_01 + 60;
	assert_int_equal(dateindex_sync(t, &r), 0);
	assert_int_equal(dateindex_sync(t, &o), 0);
	assert_int_equal(store_count(t, STORE_DATES), 3);
	assert_int_equal(dateindex_first(t, &e), 0);
	assert_int_equal(e.due, D2030_06_01);
	assert_int_equal(e.kind, 'r');
	assert_memory_equal(e.doc, id, 16);
	r.review_reminded = true;
	assert_int_equal(dateindex_sync(t, &r), 0);
	assert_int_equal(dateindex_first(t, &e), 0);
	assert_int_equal(e.kind, 'e');
	assert_int_equal(e.due, D2030_06_01 + 60);
	assert_memory_equal(e.doc, other, 16);
	assert_int_equal(dateindex_del(t, &e), 0);
	assert_int_equal(dateindex_first(t, &e), 0);
	assert_int_equal(e.kind, 'd');
	assert_int_equal(e.due, D2031_01_01);
	records_doc_set_state(&r, DOC_DESTROYED);
	assert_int_equal(dateindex_sync(t, &r), 0);
	assert_int_equal(dateindex_first(t, &e), ISA_ERR_NOTFOUND);
	/* a key that is no entry is said so, and can be dropped */
	assert_int_equal(store_put(t, STORE_DATES, "x", 1, "", 0), 0);
	assert_int_equal(dateindex_first(t, &e), ISA_ERR_PARSE);
	assert_int_equal(dateindex_drop_first(t), 0);
	assert_int_equal(dateindex_first(t, &e), ISA_ERR_NOTFOUND);
	store_txn_abort(t);
}

typedef struct {
	uint8_t ids[8][16];
	size_t n, stop;
} got_t;

static int
got_one(void *arg, const uint8_t id[16])
{
	got_t *g = arg;

	memcpy(g->ids[g->n++], id, 16);
	return g->n == g->stop;
}

/* A request under the requester's, the author's, the originator's and
 * the administrator's keys; pending ones under the pending keys until the
 * decision.  Merging keys gives each id once, in id order. */
static void
test_requests(void **state)
{
	uint8_t doc[16] = { 1 }, r1[16] = { 0x10 }, r2[16] = { 0x20 },
	    r3[16] = { 0x30 };
	Isad__StoredDoc d;
	Isad__StoredRequest q;
	reqindex_key_t k[2];
	store_txn_t *t;
	got_t g = { .stop = 99 };

	(void)state;
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	doc_init(&d, doc);
	isad__stored_request__init(&q);
	q.doc.data = doc;
	q.doc.len = 16;
	q.target = "user:x";
	records_request_set_state(&q, REQUEST_PENDING);
	q.id.len = 16;
	q.id.data = r1;
	q.requester = "police-lead";
	assert_int_equal(reqindex_add(t, &q, &d, "OFFICIAL"), 0);
	q.id.data = r3;
	assert_int_equal(reqindex_add(t, &q, &d, "OFFICIAL"), 0);
	q.id.data = r2;
	q.requester = "ctp-officer";	/* the author's own */
	assert_int_equal(reqindex_add(t, &q, &d, "OFFICIAL"), 0);
	assert_true(reqindex_seen_by(t, "user:", "police-lead", r1));
	assert_false(reqindex_seen_by(t, "user:", "police-lead", r2));
	assert_true(reqindex_seen_by(t, "user:", "ctp-officer", r1));
	assert_true(reqindex_seen_by(t, "orig:", "ctpse", r2));

	/* police-lead and ctpse's approvers: r1, r2, r3 once each */
	reqindex_key_init(&k[0], REQINDEX_USER, "police-lead", true);
	reqindex_key_init(&k[1], REQINDEX_ORIG, "ctpse", true);
	assert_int_equal(reqindex_merge(t, k, 2, got_one, &g), 0);
	assert_int_equal(g.n, 3);
	assert_memory_equal(g.ids[0], r1, 16);
	assert_memory_equal(g.ids[1], r2, 16);
	assert_memory_equal(g.ids[2], r3, 16);
	/* stopped by the callback: its value returned */
	g.n = 0;
	g.stop = 2;
	assert_int_equal(reqindex_merge(t, k, 2, got_one, &g), 1);
	assert_int_equal(g.n, 2);

	/* r1 decided: gone from the pending keys, still under the others */
	q.id.data = r1;
	q.requester = "police-lead";
	records_request_set_state(&q, REQUEST_APPROVED);
	assert_int_equal(records_doc_put(t, doc, &d), 0);
	assert_int_equal(reqindex_set_state(t, &q), 0);
	g.n = 0;
	g.stop = 99;
	reqindex_key_init(&k[0], REQINDEX_EVERY, "", true);
	assert_int_equal(reqindex_merge(t, k, 1, got_one, &g), 0);
	assert_int_equal(g.n, 2);
	assert_memory_equal(g.ids[0], r2, 16);
	g.n = 0;
	reqindex_key_init(&k[0], REQINDEX_USER, "police-lead", false);
	assert_int_equal(reqindex_merge(t, k, 1, got_one, &g), 0);
	assert_int_equal(g.n, 2);
	assert_memory_equal(g.ids[0], r1, 16);
	/* nobody: no key, nothing */
	g.n = 0;
	reqindex_key_init(&k[0], REQINDEX_USER, "", false);
	assert_int_equal(reqindex_merge(t, k, 1, got_one, &g), 0);
	assert_int_equal(g.n, 0);
	store_txn_abort(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due),
		cmocka_unit_test(test_sync),
		cmocka_unit_test(test_requests),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
