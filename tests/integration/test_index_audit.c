/* test_index_audit.c: isa audit by the audit index (issue 19 item 2): every filter, combination and time range, paged small, equals the full scan, across a clock step back and a schema-2 store's upgrade; times never go back; check --deep finds a missing, a stray and a wrong entry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client/auditreq.h"
#include "common/be64.h"
#include "common/timefmt.h"
#include "conn_util.h"
#include "daemon/store/auditindex.h"
#include "daemon/store/records.h"
#include "docs_util.h"
#include "harness.h"
#include "proto/envelope.h"
#include "proto/merkle.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

#define T0 1893456000	/* 2030-01-01, the first start's clock (s) */
#define PAGE 3		/* records a page in the paged queries */
#define PAGE_BIG 40	/* ... over the long log of the last test */
#define DAY_MS INT64_C(86400000)

static const char *const users[] = { "alice", "bob", "carol", "dave" };

/* One record of the full scan, as the filters see it. */
typedef struct {
	uint64_t seq;
	int64_t ms;
	char *doc, *actor, *agency, *action, *decision;
	uint8_t *bytes;
	size_t len;
} rec_t;

typedef struct {
	rec_t *r;
	size_t n;
} scan_t;

/* A query's filters (NULL: none) and time range (INT64_MIN/MAX: none). */
typedef struct {
	const char *doc, *user, *agency, *action, *decision;
	int64_t since, until;
} filt_t;

static void
scan_free(scan_t *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->r[i].doc);
		free(s->r[i].actor);
		free(s->r[i].agency);
		free(s->r[i].action);
		free(s->r[i].decision);
		free(s->r[i].bytes);
	}
	free(s->r);
	s->r = NULL;
	s->n = 0;
}

static void
scan_add(scan_t *s, const uint8_t *b, size_t len)
{
	Isa__AuditRecord *a = isa__audit_record__unpack(NULL, len, b);
	rec_t *r;

	assert_non_null(a);
	assert_non_null(s->r = realloc(s->r, (s->n + 1) * sizeof(*s->r)));
	r = &s->r[s->n++];
	r->seq = a->seq;
	r->ms = a->time_ms;
	r->doc = strdup(a->doc);
	r->actor = strdup(a->actor);
	r->agency = strdup(a->agency);
	r->action = strdup(a->action);
	r->decision = strdup(a->decision);
	assert_non_null(r->bytes = malloc(len));
	memcpy(r->bytes, b, len);
	r->len = len;
	isa__audit_record__free_unpacked(a, NULL);
}

/* Every page of the query f as the auditor on t, limit records a page (0:
 * isad's), into *out: only records before seq upto (the queries are
 * recorded too). */
static void
query(tconn_t *t, const filt_t *f, uint32_t limit, uint64_t upto,
    scan_t *out)
{
	Isa__AuditQuery q = ISA__AUDIT_QUERY__INIT;
	char since[TIMEFMT_LEN] = "", until[TIMEFMT_LEN] = "";
	char err[ISA_AUDITREQ_ERRLEN];
	bool past = false;
	int pages = 0;

	q.doc = (char *)(f->doc != NULL ? f->doc : "");
	q.user = (char *)(f->user != NULL ? f->user : "");
	q.agency = (char *)(f->agency != NULL ? f->agency : "");
	q.action = (char *)(f->action != NULL ? f->action : "");
	q.decision = (char *)(f->decision != NULL ? f->decision : "");
	if (f->since != INT64_MIN)
		timefmt_format_ms(f->since, since);
	if (f->until != INT64_MAX)
		timefmt_format_ms(f->until, until);
	q.since = since;
	q.until = until;
	q.limit = limit;
	memset(out, 0, sizeof(*out));
	for (;;) {
		Isa__Envelope *r = NULL;
		const Isa__AuditRecords *p;

		if (isa_auditreq_page(t->c, &q, &r, err, sizeof(err)) != 0)
			fail_msg("audit page: %s", err);
		p = r->audit_records;
		assert_true(limit == 0 || p->n_records <= limit);
		for (size_t i = 0; i < p->n_records; i++) {
			Isa__AuditRecord *a = isa__audit_record__unpack(NULL,
			    p->records[i].len, p->records[i].data);

			assert_non_null(a);
			if (a->seq < upto)
				scan_add(out, p->records[i].data,
				    p->records[i].len);
			else
				past = true;
			isa__audit_record__free_unpacked(a, NULL);
		}
		assert_true(p->next >= q.after);
		q.after = p->next;
		/* Records come in seq order: once past upto (the queries'
		 * own records), the rest are too. */
		if (!p->more || past) {
			envelope_free(r);
			break;
		}
		envelope_free(r);
		assert_true(++pages < 100000);
	}
}

static bool
eq(const char *want, const char *have)
{
	return want == NULL || strcmp(want, have) == 0;
}

static bool
matches(const filt_t *f, const rec_t *r)
{
	return eq(f->doc, r->doc) && eq(f->user, r->actor) &&
	    eq(f->agency, r->agency) && eq(f->action, r->action) &&
	    eq(f->decision, r->decision) && r->ms >= f->since &&
	    r->ms < f->until;
}

/* The query f, paged page at a time, equals the full scan all filtered by
 * the same rules; returns how many matched. */
static size_t
same_as_scan(tconn_t *t, const scan_t *all, const filt_t *f, uint32_t page)
{
	scan_t got;
	size_t k = 0;

	query(t, f, page, all->n, &got);
	for (size_t i = 0; i < all->n; i++) {
		if (!matches(f, &all->r[i]))
			continue;
		if (k >= got.n)
			fail_msg("record %llu (doc %s user %s action %s) "
			    "missing from the query", (unsigned long long)
			    all->r[i].seq, all->r[i].doc, all->r[i].actor,
			    all->r[i].action);
		assert_int_equal(got.r[k].seq, all->r[i].seq);
		assert_int_equal(got.r[k].len, all->r[i].len);
		assert_memory_equal(got.r[k].bytes, all->r[i].bytes,
		    all->r[i].len);
		k++;
	}
	if (k != got.n)
		fail_msg("the query gave record %llu, which does not match",
		    (unsigned long long)got.r[k].seq);
	scan_free(&got);
	return k;
}

/* The full scan: every record, unfiltered, in isad's own pages. */
static void
full_scan(harness_t *h, scan_t *all)
{
	filt_t none = { NULL, NULL, NULL, NULL, NULL, INT64_MIN, INT64_MAX };
	tconn_t t;

	t_connect(h, "auditor", &t);
	query(&t, &none, 0, UINT64_MAX, all);
	t_close(&t);
	assert_true(all->n > 0);
	for (size_t i = 0; i < all->n; i++)
		assert_int_equal(all->r[i].seq, i);
}

/* Some of the values field (an offset into rec_t) takes in all, each
 * once, and one no record has: at most cap. */
static size_t
values_of(const scan_t *all, size_t field, const char **out, size_t cap)
{
	size_t n = 0;

	out[n++] = "nobody-has-this";
	for (size_t i = 0; i < all->n && n < cap; i++) {
		const char *v = *(char *const *)(const void *)
		    ((const char *)&all->r[i] + field);
		bool seen = v[0] == '\0';

		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(out[j], v) == 0;
		if (!seen)
			out[n++] = v;
	}
	return n;
}

/*
 * Every filter alone, each with every value (and one nobody has), some
 * combinations; each without a time range, then a subset with each of the
 * time ranges made from times (and a ms either side): all equal the scan,
 * paged page records at a time.
 */
static void
every_query_equals_the_scan(harness_t *h, const int64_t *times,
    size_t ntimes, uint32_t page)
{
	static const size_t fields[] = { offsetof(rec_t, doc),
	    offsetof(rec_t, actor), offsetof(rec_t, agency),
	    offsetof(rec_t, action), offsetof(rec_t, decision) };
	const char *vals[5][12];
	size_t nv[5], matched = 0, queries = 0;
	filt_t fs[64];
	size_t nf = 0;
	scan_t all;
	tconn_t t;

	full_scan(h, &all);
	for (size_t k = 0; k < 5; k++) {
		nv[k] = values_of(&all, fields[k], vals[k], 12);
		assert_true(nv[k] >= 3);
	}
	fs[nf++] = (filt_t){ NULL, NULL, NULL, NULL, NULL, 0, 0 };
	for (size_t k = 0; k < 5; k++)
		for (size_t i = 0; i < nv[k]; i++) {
			const char *v[5] = { NULL };

			v[k] = vals[k][i];
			fs[nf++] = (filt_t){ v[0], v[1], v[2], v[3], v[4], 0,
			    0 };
		}
	/* combinations: the first real value of each with another's */
	fs[nf++] = (filt_t){ vals[0][1], vals[1][1], NULL, NULL, NULL, 0, 0 };
	fs[nf++] = (filt_t){ NULL, vals[1][2], NULL, vals[3][1], NULL, 0, 0 };
	fs[nf++] = (filt_t){ NULL, NULL, vals[2][1], NULL, vals[4][2], 0, 0 };
	fs[nf++] = (filt_t){ NULL, NULL, NULL, vals[3][2], vals[4][1], 0, 0 };
	fs[nf++] = (filt_t){ vals[0][2], NULL, vals[2][1], vals[3][1],
	    vals[4][1], 0, 0 };
	assert_true(nf <= sizeof(fs) / sizeof(fs[0]));

	t_connect(h, "auditor", &t);
	for (size_t i = 0; i < nf; i++) {
		fs[i].since = INT64_MIN;
		fs[i].until = INT64_MAX;
		matched += same_as_scan(&t, &all, &fs[i], page);
		queries++;
	}
	/* time ranges: since, until, both, around each time given */
	for (size_t a = 0; a < ntimes; a++)
		for (int d = -1; d <= 1; d++) {
			int64_t s = times[a] + d;

			for (size_t i = 0; i < nf; i += 4) {
				filt_t f = fs[i];

				f.since = s;
				f.until = INT64_MAX;
				matched += same_as_scan(&t, &all, &f, page);
				f.since = INT64_MIN;
				f.until = s;
				matched += same_as_scan(&t, &all, &f, page);
				f.since = s;
				f.until = times[(a + 1) % ntimes] + 1;
				matched += same_as_scan(&t, &all, &f, page);
				queries += 3;
			}
		}
	t_close(&t);
	print_message("%zu queries over %zu records, %zu matches\n", queries,
	    all.n, matched);
	assert_true(matched > all.n);
	scan_free(&all);
}

/* Each user does a round of things: a put, infos permitted and not, a
 * refused audit, whoami, ls. */
static void
activity(harness_t *h, int round)
{
	char path[512], id[64], bogus[64];
	h_result_t r;

	snprintf(path, sizeof(path), "%s/f%d", h_dir(h), round);
	du_make_file(path, 100 + (uint64_t)round, (unsigned)round);
	assert_int_equal(du_put(h, round % 2 ? "alice" : "carol", path,
	    "A report", "OFFICIAL", round % 2 ? "agency:hcc" : "agency:ctpse",
	    NULL, id, NULL), 0);
	snprintf(bogus, sizeof(bogus), "no-such-doc-%d", round % 3);
	for (size_t u = 0; u < sizeof(users) / sizeof(users[0]); u++) {
		r = h_isa(h, users[u], ARGS("info", id));
		h_result_free(&r);
		r = h_isa(h, users[u], ARGS(u % 2 ? "whoami" : "ls"));
		h_result_free(&r);
	}
	r = h_isa(h, "dave", ARGS("info", bogus));
	h_result_free(&r);
	r = h_isa(h, "bob", ARGS("audit", "--user", "alice"));	/* denied */
	h_result_free(&r);
}

static int
setup(void **state)
{
	harness_t *h = h_new();

	h_user(h, "auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
	h_user(h, "alice", "hcc", "BPSS", NULL);
	h_user(h, "bob", "hcc", "BPSS", NULL);
	h_user(h, "carol", "ctpse", "BPSS", NULL);
	h_user(h, "dave", "police", "BPSS", NULL);
	*state = h;
	return 0;
}

static int
teardown(void **state)
{
	unsetenv("ISAD_TEST_NOW");
	h_free(*state);
	return 0;
}

static void
start_at(harness_t *h, long long secs)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", secs);
	setenv("ISAD_TEST_NOW", v, 1);
	h_start(h);
}

/* The records' times as the full scan has them: never back along seq. */
static int64_t
times_never_go_back(harness_t *h, uint64_t *n)
{
	scan_t all;
	int64_t last;

	full_scan(h, &all);
	for (size_t i = 1; i < all.n; i++)
		if (all.r[i].ms < all.r[i - 1].ms)
			fail_msg("record %zu's time is before record %zu's",
			    i, i - 1);
	last = all.r[all.n - 1].ms;
	*n = all.n;
	scan_free(&all);
	return last;
}

/* isad check --deep on the stopped isad; its exit status, and its output
 * into out (free it) when out is not NULL. */
static int
check_deep(harness_t *h, char **out)
{
	h_result_t r = h_check_deep(h);
	int st = r.status;

	if (out != NULL) {
		*out = r.out;
		r.out = NULL;
	}
	h_result_free(&r);
	return st;
}

static store_t *
open_store(harness_t *h)
{
	char err[512];
	store_t *s;

	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

/*
 * A log across a clock step back: two hours of the clock taken back at a
 * restart hold records at the last time (isad says so in its log), a
 * step forward lets them grow again.  Every query equals the scan, around
 * the step too.
 */
static void
test_queries_across_a_step_back(void **state)
{
	harness_t *h = *state;
	int64_t times[5], held;
	uint64_t n;

	h_need_test_build("ISAD_TEST_NOW");
	start_at(h, T0);
	for (int i = 0; i < 3; i++)
		activity(h, i);
	held = times_never_go_back(h, &n);
	times[0] = (int64_t)T0 * 1000 + 500;
	assert_int_equal(h_stop(h), 0);

	start_at(h, T0 - 7200);
	assert_true(h_wait_log(h, "behind the audit log's last record"));
	for (int i = 3; i < 5; i++)
		activity(h, i);
	/* every record since the step carries the held time: not the
	 * clock's, two hours behind */
	times[1] = times_never_go_back(h, &n);
	assert_true(times[1] >= held && times[1] - held < 600000);
	assert_int_equal(h_stop(h), 0);

	start_at(h, T0 + 3600);
	for (int i = 5; i < 8; i++)
		activity(h, i);
	times[2] = (int64_t)(T0 + 3600) * 1000 + 300;
	times[3] = times_never_go_back(h, &n);
	times[4] = held;
	assert_true(times[3] > times[1]);
	every_query_equals_the_scan(h, times, 5, PAGE);
	assert_int_equal(h_stop(h), 0);
}

/* Delete one entry, add a stray one, break the time fact: check --deep
 * reports each and exits 1; a clean store: ok, exit 0. */
static void
test_check_deep(void **state)
{
	harness_t *h = *state;
	static const uint8_t key1[] = { 'u', 'a', 'l', 'i', 'c', 'e', 0,
	    0, 0, 0, 0x7f, 0, 0, 0, 7 };
	uint8_t key[64], v8[8];
	store_txn_t *t;
	store_t *s;
	char *out;
	size_t n;

	h_start(h);
	activity(h, 20);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(check_deep(h, &out), 0);
	assert_non_null(strstr(out, "index audit: ok"));
	free(out);

	/* missing: the 'u' entry of alice's first record */
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	{
		store_kv_t kv;

		assert_int_equal(store_seek(t, STORE_AUDIX, "ualice", 7, &kv),
		    0);
		assert_true(kv.klen == 15);
		memcpy(key, kv.key, kv.klen);
		n = kv.klen;
	}
	assert_int_equal(store_del(t, STORE_AUDIX, key, n), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	assert_int_equal(check_deep(h, &out), 1);
	assert_non_null(strstr(out, "index audit: missing: u:alice record"));
	free(out);

	/* stray: back, and one more that no record calls for */
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_AUDIX, key, n, "", 0), 0);
	assert_int_equal(store_put(t, STORE_AUDIX, key1, sizeof(key1), "", 0),
	    0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	assert_int_equal(check_deep(h, &out), 1);
	assert_non_null(strstr(out, "index audit: stray: u:alice record "
	    "545460846599: no such record"));
	assert_null(strstr(out, ": missing:"));
	free(out);

	/* wrong: the time fact says times go back somewhere */
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_del(t, STORE_AUDIX, key1, sizeof(key1)), 0);
	be64_put(v8, 5);
	assert_int_equal(store_put(t, STORE_AUDIX, "T", 1, v8, 8), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	assert_int_equal(check_deep(h, &out), 1);
	assert_non_null(strstr(out, "index audit: wrong: T: times steady "
	    "from record 5, the records say 0"));
	free(out);

	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_del(t, STORE_AUDIX, "T", 1), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	assert_int_equal(check_deep(h, &out), 0);
	free(out);
}

/* Append a record as isad before this issue could: its time as given,
 * even back from the last. */
static uint64_t
append_raw(store_txn_t *t, const char *actor, const char *doc, int64_t ms)
{
	Isa__AuditRecord rec = ISA__AUDIT_RECORD__INIT;
	uint8_t leaf[MERKLE_HASH_LEN], enc[MERKLE_COMPACT_ENCODED_MAX], *buf;
	merkle_compact_t r;
	const void *v;
	size_t l, len, elen;

	assert_int_equal(records_meta_get(t, RECORDS_META_AUDIT_RANGE, &v, &l),
	    0);
	assert_int_equal(merkle_compact_decode(v, l, &r), 0);
	rec.seq = r.size;
	rec.time_ms = ms;
	rec.actor = (char *)actor;
	rec.agency = "hcc";
	rec.key = "";
	rec.action = "info";
	rec.doc = (char *)doc;
	rec.marking = "";
	rec.target = "";
	rec.decision = "not_found";
	rec.reason = "";
	assert_int_equal(records_audit_put(t, &rec, &buf, &len), 0);
	assert_int_equal(merkle_hash_leaf(buf, len, leaf), 0);
	free(buf);
	assert_int_equal(merkle_compact_append(&r, leaf), 0);
	assert_int_equal(merkle_compact_encode(&r, enc, sizeof(enc), &elen), 0);
	assert_int_equal(records_meta_put(t, RECORDS_META_AUDIT_RANGE, enc,
	    elen), 0);
	return rec.seq;
}

/*
 * A store as schema 2 left it: no audit index, and (written before times
 * were held) a log whose times step back twice.  isad upgrades it at
 * start: check --deep is ok, the time fact names the last step, every
 * query equals the scan, and the export verifies.
 */
static void
test_schema2_store_upgraded(void **state)
{
	harness_t *h = *state;
	static const uint8_t two[4] = { 0, 0, 0, 2 };
	int64_t last, times[5];
	uint64_t n, steady, step;
	char path[512], key[512], *log;
	store_txn_t *t;
	store_t *s;
	h_result_t r;

	h_need_test_build("ISAD_TEST_NOW");
	start_at(h, T0 + 7200);
	last = times_never_go_back(h, &n);
	assert_int_equal(h_stop(h), 0);

	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	(void)append_raw(t, "ghost", "old-doc-1", last + 10);
	(void)append_raw(t, "ghost", "old-doc-2", last - 2 * DAY_MS);	/* back */
	(void)append_raw(t, "alice", "old-doc-1", last - 2 * DAY_MS + 10);
	(void)append_raw(t, "ghost", "old-doc-2", (int64_t)T0 * 1000 + 1);
	step = append_raw(t, "bob", "old-doc-1", last - DAY_MS);	/* back */
	(void)append_raw(t, "ghost", "old-doc-2", last - DAY_MS + 5);
	assert_int_equal(store_del_prefix(t, STORE_AUDIX, "", 0), 0);
	assert_int_equal(store_put(t, STORE_META, "schema", 6, two, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	start_at(h, T0 + 10800);
	log = h_isad_log(h);
	assert_non_null(strstr(log, "indexed the audit records in"));
	free(log);
	activity(h, 30);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(check_deep(h, NULL), 0);
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(auditindex_steady_from(t, &steady), 0);
	store_txn_abort(t);
	store_close(s);
	assert_int_equal(steady, step);

	start_at(h, T0 + 10800);
	times[0] = last - 2 * DAY_MS;
	times[1] = last - DAY_MS + 5;
	times[2] = (int64_t)T0 * 1000 + 1;
	times[3] = last + 10;
	times[4] = (int64_t)(T0 + 10800) * 1000;
	every_query_equals_the_scan(h, times, 5, PAGE_BIG);

	/* the export, across every step, verifies */
	snprintf(path, sizeof(path), "%s/export.jsonl", h_dir(h));
	r = h_isa(h, "auditor", ARGS("audit", "export", "-o", path,
	    "--force"));
	if (r.status != 0)
		fail_msg("export: %s", r.err);
	h_result_free(&r);
	snprintf(key, sizeof(key), "%s/audit.pub.pem", h_data_dir(h));
	r = h_run(ARGS(getenv("ISA_BIN"), "audit", "verify", path, "--key",
	    key));
	if (r.status != 0)
		fail_msg("verify: %s", r.err);
	h_result_free(&r);
}

/* The time of the ith of OLD_MANY records written with a small step back
 * every fifth. */
#define OLD_MANY 2600
static int64_t
old_many_ms(int64_t last, int i)
{
	return last - 3 * DAY_MS + 10 * i - (i % 5 == 2 ? 25 : 0);
}

/*
 * An upgraded store whose old region (before the last step back) has
 * OLD_MANY records with small steps back all through it, over more than
 * two blocks of time facts: time ranges through them (and one filter with
 * each) equal the scan; the blocks rule out no record that matches.
 */
static void
test_many_steps_back_upgraded(void **state)
{
	harness_t *h = *state;
	static const uint8_t two[4] = { 0, 0, 0, 2 };
	size_t matched = 0;
	int64_t last;
	uint64_t n, steady;
	scan_t all;
	tconn_t t;
	store_txn_t *txn;
	store_t *s;

	h_need_test_build("ISAD_TEST_NOW");
	(void)h_stop(h);	/* the last test's isad, if it runs */
	start_at(h, T0 + 10800);
	full_scan(h, &all);
	n = all.n;
	last = all.r[n - 1].ms;
	scan_free(&all);
	assert_int_equal(h_stop(h), 0);
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &txn), 0);
	for (int i = 0; i < OLD_MANY; i++)
		(void)append_raw(txn, i % 3 ? "ghost" : "alice", i % 2 ?
		    "old-doc-1" : "old-doc-3", old_many_ms(last, i));
	assert_int_equal(store_del_prefix(txn, STORE_AUDIX, "", 0), 0);
	assert_int_equal(store_put(txn, STORE_META, "schema", 6, two, 4), 0);
	assert_int_equal(store_txn_commit(txn), 0);
	store_close(s);

	start_at(h, T0 + 10800);
	assert_int_equal(h_stop(h), 0);
	assert_int_equal(check_deep(h, NULL), 0);
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, false, &txn), 0);
	assert_int_equal(auditindex_steady_from(txn, &steady), 0);
	store_txn_abort(txn);
	store_close(s);
	assert_true(steady >= n + OLD_MANY - 5);	/* near their end */

	start_at(h, T0 + 10800);
	full_scan(h, &all);
	t_connect(h, "auditor", &t);
	for (int i = -3; i < OLD_MANY + 3; i += 211)
		for (int d = -1; d <= 1; d++) {
			int64_t ms = old_many_ms(last, i) + d;
			filt_t f = { NULL, NULL, NULL, NULL, NULL, ms,
			    INT64_MAX };

			matched += same_as_scan(&t, &all, &f, 1000);
			f.since = INT64_MIN;
			f.until = ms;
			matched += same_as_scan(&t, &all, &f, 1000);
			f.since = ms;
			f.until = ms + 300;
			f.doc = "old-doc-3";
			matched += same_as_scan(&t, &all, &f, 1000);
		}
	t_close(&t);
	assert_true(matched > all.n);
	scan_free(&all);
}

/* A last record that cannot be read holds nothing, and isad says so in
 * its log (it appends its start-up record after it). */
static void
test_damaged_last_record(void **state)
{
	harness_t *h = *state;
	merkle_compact_t r;
	uint8_t key[8];
	const void *v;
	size_t l;
	store_txn_t *t;
	store_t *s;

	(void)h_stop(h);
	s = open_store(h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(records_meta_get(t, RECORDS_META_AUDIT_RANGE, &v, &l),
	    0);
	assert_int_equal(merkle_compact_decode(v, l, &r), 0);
	assert_true(r.size > 0);
	be64_put(key, r.size - 1);
	assert_int_equal(store_put(t, STORE_AUDIT, key, 8, "\xff\xff\xff", 3),
	    0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	start_at(h, T0 + 10800);
	assert_true(h_wait_log(h, "the audit log's last record"));
	assert_true(h_wait_log(h, "cannot be read"));
	assert_int_equal(h_stop(h), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queries_across_a_step_back),
		cmocka_unit_test(test_check_deep),
		cmocka_unit_test(test_schema2_store_upgraded),
		cmocka_unit_test(test_many_steps_back_upgraded),
		cmocka_unit_test(test_damaged_last_record),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
