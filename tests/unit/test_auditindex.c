/* test_auditindex.c: the audit index alone: entries per field (none for empty or permit), values cut short, the binary search on time, the upgrade's time fact and block facts (the old region's time ranges), check's differences; and the hold on record times (audit.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/be64.h"
#include "common/err.h"
#include "daemon/audit/audit.h"
#include "daemon/store/auditindex.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"

static char dir[] = "/tmp/isa-auditindex-XXXXXX";
static store_t *s;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (mkdtemp(dir) == NULL ||
	    store_open(dir, INT64_C(1) << 30, &s, err, sizeof(err)) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Empty every database this test writes. */
static void
wipe(store_txn_t *t)
{
	assert_int_equal(store_del_prefix(t, STORE_AUDIT, "", 0), 0);
	assert_int_equal(store_del_prefix(t, STORE_AUDIX, "", 0), 0);
}

static void
put(store_txn_t *t, uint64_t seq, int64_t ms, const char *doc,
    const char *decision)
{
	Isa__AuditRecord r = ISA__AUDIT_RECORD__INIT;
	uint8_t *enc;
	size_t len;

	r.seq = seq;
	r.time_ms = ms;
	r.actor = "alice";
	r.agency = "hcc";
	r.action = "info";
	r.doc = (char *)doc;
	r.decision = (char *)decision;
	assert_int_equal(records_audit_put(t, &r, &enc, &len), 0);
	free(enc);
}

static int
collect(void *arg, uint64_t seq)
{
	uint64_t *got = arg;

	got[++got[0]] = seq;
	return got[0] == 15;
}

/* What check says of t: differences, and entries compared. */
static uint64_t
check(store_txn_t *t, indexcheck_t *ic)
{
	assert_int_equal(auditindex_check(t, ic), 0);
	return indexcheck_end(ic);
}

static void
test_entries(void **state)
{
	char a[AUDITINDEX_VALUE_MAX + 20], b[AUDITINDEX_VALUE_MAX + 20];
	uint64_t got[16] = { 0 };
	indexcheck_t ic;
	store_txn_t *t;

	(void)state;
	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[sizeof(b) - 2] = 'y';		/* alike but past the cut */
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	wipe(t);
	put(t, 0, 10, a, "permit");
	put(t, 1, 10, "", "deny");
	put(t, 2, 10, b, "permit");
	put(t, 3, 10, "d1", "permit");
	/* 4 records x actor, agency, action; 3 docs; 1 decision (deny) */
	assert_int_equal(store_count(t, STORE_AUDIX), 4 * 3 + 3 + 1);
	assert_int_equal(auditindex_each(t, AUDITINDEX_DOC, a, 0, collect,
	    got), 0);
	assert_int_equal(got[0], 2);	/* a and b: the query decides */
	assert_int_equal(got[1], 0);
	assert_int_equal(got[2], 2);
	got[0] = 0;
	assert_int_equal(auditindex_each(t, AUDITINDEX_USER, "alice", 2,
	    collect, got), 0);
	assert_int_equal(got[0], 2);	/* from seq 2 on */
	assert_int_equal(got[1], 2);
	got[0] = 0;
	assert_int_equal(auditindex_each(t, AUDITINDEX_DECISION, "permit", 0,
	    collect, got), 0);
	assert_int_equal(got[0], 0);
	assert_false(auditindex_has(AUDITINDEX_DECISION, "permit"));
	assert_true(auditindex_has(AUDITINDEX_ACTION, "permit"));
	assert_false(auditindex_has(AUDITINDEX_DOC, ""));
	assert_int_equal(check(t, &ic), 0);
	assert_int_equal(ic.entries, 2 * (4 * 3 + 3 + 1));
	store_txn_abort(t);
}

static void
test_time_seek(void **state)
{
	static const int64_t ms[] = { 10, 20, 20, 30 };
	uint64_t seq;
	store_txn_t *t;

	(void)state;
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	wipe(t);
	for (uint64_t i = 0; i < 4; i++)
		put(t, i, ms[i], "d", "permit");
	assert_int_equal(auditindex_time_seek(t, 20, 0, 4, &seq), 0);
	assert_int_equal(seq, 1);
	assert_int_equal(auditindex_time_seek(t, 21, 0, 4, &seq), 0);
	assert_int_equal(seq, 3);
	assert_int_equal(auditindex_time_seek(t, 5, 0, 4, &seq), 0);
	assert_int_equal(seq, 0);
	assert_int_equal(auditindex_time_seek(t, 31, 0, 4, &seq), 0);
	assert_int_equal(seq, 4);
	assert_int_equal(auditindex_time_seek(t, 5, 2, 4, &seq), 0);
	assert_int_equal(seq, 2);
	/* a record missing in the range: damaged */
	assert_int_equal(auditindex_time_seek(t, 40, 0, 9, &seq),
	    ISA_ERR_PARSE);
	store_txn_abort(t);
}

static void
test_build_and_check(void **state)
{
	static const int64_t ms[] = { 10, 30, 20, 25, 5, 6, 7 };
	uint8_t v[8];
	uint64_t steady;
	indexcheck_t ic;
	store_txn_t *t;

	(void)state;
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	wipe(t);
	for (uint64_t i = 0; i < 7; i++)
		put(t, i, ms[i], "d", i % 2 ? "deny" : "permit");
	assert_int_equal(store_del_prefix(t, STORE_AUDIX, "", 0), 0);
	assert_int_equal(auditindex_build(t, 3), 0);	/* nothing to do */
	assert_int_equal(store_count(t, STORE_AUDIX), 0);
	assert_int_equal(auditindex_build(t, 2), 0);
	assert_int_equal(auditindex_steady_from(t, &steady), 0);
	assert_int_equal(steady, 4);	/* the last step back */
	assert_int_equal(check(t, &ic), 0);

	/* a key of no kind, and the fact damaged: both reported */
	assert_int_equal(store_put(t, STORE_AUDIX, "z junk", 6, "", 0), 0);
	assert_int_equal(store_put(t, STORE_AUDIX, "T", 1, "abc", 3), 0);
	assert_int_equal(check(t, &ic), 2);
	assert_int_equal(ic.stray, 1);
	assert_int_equal(ic.wrong, 1);
	assert_int_equal(auditindex_steady_from(t, &steady), ISA_ERR_PARSE);
	/* the fact absent where it is needed */
	assert_int_equal(store_del(t, STORE_AUDIX, "z junk", 6), 0);
	assert_int_equal(store_del(t, STORE_AUDIX, "T", 1), 0);
	assert_int_equal(check(t, &ic), 1);
	assert_int_equal(ic.missing, 1);
	be64_put(v, 4);
	assert_int_equal(store_put(t, STORE_AUDIX, "T", 1, v, 8), 0);
	assert_int_equal(check(t, &ic), 0);
	store_txn_abort(t);
}

/* Record i's time in test_old_range: small steps back all through, the
 * last at OLD_T; steady after. */
#define OLD_N 5000
#define OLD_T 4990
static int64_t
old_ms(uint64_t i)
{
	int64_t ms = 100000 + 10 * (int64_t)i;

	return (i % 7 == 3 && i <= OLD_T) || i == OLD_T ? ms - 25 : ms;
}

/* Whether [lo, hi) holds every old record with a time in [since, until). */
static void
covers(store_txn_t *t, int64_t since, int64_t until, uint64_t *lo,
    uint64_t *hi)
{
	assert_int_equal(auditindex_old_range(t, since, until, OLD_T, lo, hi),
	    0);
	assert_true(*lo <= *hi && *hi <= OLD_T);
	for (uint64_t i = 0; i < OLD_T; i++)
		if (old_ms(i) >= since && old_ms(i) < until &&
		    (i < *lo || i >= *hi))
			fail_msg("record %llu (%lld) outside [%llu, %llu) for "
			    "[%lld, %lld)", (unsigned long long)i,
			    (long long)old_ms(i), (unsigned long long)*lo,
			    (unsigned long long)*hi, (long long)since,
			    (long long)until);
}

/*
 * An upgraded log whose times step back a little all through it: the
 * block facts bound every time range's old records (none left out), and
 * a recent window (or an early one) reads O(block + answer) of them, not
 * the whole old region.  check --deep finds a fact wrong, missing, stray.
 */
static void
test_old_range(void **state)
{
	uint64_t steady, lo, hi;
	int64_t ms = old_ms(OLD_T);
	uint8_t key[9], v[16];
	const void *got;
	size_t len;
	indexcheck_t ic;
	store_txn_t *t;

	(void)state;
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	wipe(t);
	for (uint64_t i = 0; i < OLD_N; i++)
		put(t, i, old_ms(i), "d", "permit");
	assert_int_equal(store_del_prefix(t, STORE_AUDIX, "", 0), 0);
	assert_int_equal(auditindex_build(t, 2), 0);
	assert_int_equal(auditindex_steady_from(t, &steady), 0);
	assert_int_equal(steady, OLD_T);
	assert_int_equal(check(t, &ic), 0);

	for (int64_t a = old_ms(0) - 50; a < ms + 50; a += 37) {
		covers(t, a, INT64_MAX, &lo, &hi);
		covers(t, INT64_MIN, a, &lo, &hi);
		covers(t, a, a + 500, &lo, &hi);
		covers(t, a, a + 1, &lo, &hi);
	}
	covers(t, INT64_MIN, INT64_MAX, &lo, &hi);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, OLD_T);
	/* a recent window: its block and the answer (100 records) */
	covers(t, old_ms(OLD_T - 100), INT64_MAX, &lo, &hi);
	assert_true(hi - lo <= AUDITINDEX_BLOCK + 100);
	/* an early one */
	covers(t, INT64_MIN, old_ms(100), &lo, &hi);
	assert_true(hi - lo <= AUDITINDEX_BLOCK + 100);
	/* past every old record */
	covers(t, ms + 1000, INT64_MAX, &lo, &hi);
	assert_int_equal(hi - lo, 0);

	/* a fact wrong, missing, past the old region */
	key[0] = 'B';
	be64_put(key + 1, 1);
	assert_int_equal(store_get(t, STORE_AUDIX, key, 9, &got, &len), 0);
	assert_int_equal(len, 16);
	memcpy(v, got, 16);
	v[7] ^= 1;	/* its max */
	assert_int_equal(store_put(t, STORE_AUDIX, key, 9, v, 16), 0);
	assert_int_equal(check(t, &ic), 1);
	assert_int_equal(ic.wrong, 1);
	assert_int_equal(store_del(t, STORE_AUDIX, key, 9), 0);
	assert_int_equal(check(t, &ic), 1);
	assert_int_equal(ic.missing, 1);
	/* without it the range only widens: still every record */
	covers(t, old_ms(2000), old_ms(2100), &lo, &hi);
	be64_put(key + 1, OLD_T / AUDITINDEX_BLOCK + 1);
	assert_int_equal(store_put(t, STORE_AUDIX, key, 9, v, 16), 0);
	assert_int_equal(check(t, &ic), 2);
	assert_int_equal(ic.stray, 1);
	store_txn_abort(t);
}

/* The hold on record times: warned when it begins, again after an hour
 * of the clock while it lasts (not before), once caught up; a few ms
 * behind (requests finishing out of order) quiet. */
static void
test_hold(void **state)
{
	const int64_t h = 3600 * INT64_C(1000), last = 100 * h;
	audit_hold_t hold = { false, 0 };

	(void)state;
	assert_int_equal(audit_hold_step(&hold, last, last), AUDIT_HOLD_QUIET);
	assert_int_equal(audit_hold_step(&hold, last - 5, last),
	    AUDIT_HOLD_QUIET);
	/* stepped forward by a day by mistake, then corrected */
	assert_int_equal(audit_hold_step(&hold, last - 24 * h, last),
	    AUDIT_HOLD_WARN);
	assert_int_equal(audit_hold_step(&hold, last - 24 * h + 1, last),
	    AUDIT_HOLD_QUIET);
	assert_int_equal(audit_hold_step(&hold, last - 23 * h - 1, last),
	    AUDIT_HOLD_QUIET);
	assert_int_equal(audit_hold_step(&hold, last - 23 * h, last),
	    AUDIT_HOLD_WARN);
	assert_int_equal(audit_hold_step(&hold, last - 22 * h - 1, last),
	    AUDIT_HOLD_QUIET);
	/* stepped back further: said at once */
	assert_int_equal(audit_hold_step(&hold, last - 30 * h, last),
	    AUDIT_HOLD_WARN);
	assert_int_equal(audit_hold_step(&hold, last - 500, last),
	    AUDIT_HOLD_QUIET);
	assert_int_equal(audit_hold_step(&hold, last, last),
	    AUDIT_HOLD_CAUGHT_UP);
	assert_int_equal(audit_hold_step(&hold, last + 1, last),
	    AUDIT_HOLD_QUIET);
	assert_false(hold.holding);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_time_seek),
		cmocka_unit_test(test_build_and_check),
		cmocka_unit_test(test_old_range),
		cmocka_unit_test(test_hold),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
