/* test_index_retention.c: issue 19's request and date indexes: isa requests answers as a walk of every request would, a decision changes the index in its own commit, the retention sweep commits in batches and writes nothing when nothing is due, isad check --deep sees each kind of damage, and a schema-2 store is upgraded. */
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
#define IDS_MAX 64

/* Who looks at requests: requester, author, approver, administrator, a
 * requester who is no approver, a target, and an outsider. */
static const char *const lookers[] = {
	"police-lead", "ctp-officer", "ctp-analyst", "board-admin",
	"council-lead", "district-commander", "uni-contact",
};

static void
users(harness_t *h)
{
	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "council-lead", "hcc", "BPSS", NULL);
	h_user(h, "ctp-analyst", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "ctp-officer", "ctpse", "SC", NULL);
	h_user(h, "police-lead", "police", "SC", NULL);
	h_user(h, "district-commander", "police", "SC", NULL);
	h_user(h, "uni-contact", "uow", "BPSS", NULL);
	h_user(h, "board-auditor", "hcc", "BPSS", "roles = [\"auditor\"];");
}

static int
setup(void **state)
{
	harness_t *h = h_new();

	users(h);
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

static h_result_t
isa(harness_t *h, const char *user, const char *const *args, int want)
{
	h_result_t r = h_isa(h, user, args);

	if (r.status != want)
		fail_msg("isa %s as %s: exit %d, not %d: %s", args[0], user,
		    r.status, want, r.err);
	return r;
}

static void
expect(harness_t *h, const char *user, const char *const *args, int want)
{
	h_result_t r = isa(h, user, args, want);

	h_result_free(&r);
}

/* A document put by user (its content from title), into id. */
static void
put(harness_t *h, const char *user, const char *title, const char *cls,
    const char *to, const char *const *extra, char *id)
{
	char in[512];
	unsigned seed = 7;
	h_result_t r;

	for (const char *c = title; *c != '\0'; c++)
		seed = seed * 31 + (unsigned char)*c;
	snprintf(in, sizeof(in), "%s/%s", h_dir(h), title);
	du_make_file(in, 1500, seed);
	if (du_put(h, user, in, title, cls, to, extra, id, &r) != 0)
		fail_msg("put %s: %s", title, r.err);
	h_result_free(&r);
}

/* user shares id to target; the request's id into req ("" if granted). */
static void
share(harness_t *h, const char *user, const char *id, const char *target,
    char *req)
{
	h_result_t r = isa(h, user, ARGS("share", id, "--to", target,
	    "--reason", "tasking"), 0);

	snprintf(req, 32, "%s", strstr(r.out, "granted") != NULL ? "" :
	    h_last_line(r.out));
	h_result_free(&r);
}

static int
by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The request ids isa requests printed (the first field of each line),
 * sorted. */
static size_t
listed(harness_t *h, const char *user, bool all, char ids[][27])
{
	h_result_t r = isa(h, user, all ? ARGS("requests", "--all") :
	    ARGS("requests"), 0);
	size_t n = 0;

	for (const char *p = r.out; *p != '\0' && n < IDS_MAX; ) {
		const char *nl = strchr(p, '\n');

		assert_true(strlen(p) > 26 && p[26] == '\t');
		memcpy(ids[n], p, 26);
		ids[n++][26] = '\0';
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	h_result_free(&r);
	qsort(ids, n, 27, by_text);
	return n;
}

/* ---- The full scan: every request record, decided for the user ---- */

typedef struct {
	store_txn_t *t;
	job_t *j;
	const policy_user_t *u;
	bool all;
	char (*ids)[27];
	size_t n;
} scan_t;

static int
scan_one(void *arg, const uint8_t id[RECORDS_ID_LEN], const void *val,
    size_t len)
{
	scan_t *s = arg;
	Isad__StoredRequest *q;
	policy_request_t rq = { 0 };
	policy_args_t args = { 0 };
	policy_decision_t dec;
	char docid[DOCID_TEXT_LEN + 1];
	doc_t d;

	assert_int_equal(records_request_decode(val, len, &q), 0);
	docid_format(q->doc.data, docid);
	assert_int_equal(doc_open_any(s->j, s->t, docid, &d), 0);
	rq.id = "scan";
	rq.exists = true;
	rq.requester = policy_user_by_id(s->j->policy, q->requester);
	if (policy_principal_resolve(s->j->policy, q->target, &rq.target) != 0)
		rq.target.kind = PRINCIPAL_NONE;
	rq.state = records_request_state(q);
	args.request = &rq;
	if (d.rec != NULL && (s->all || rq.state == REQUEST_PENDING) &&
	    policy_decide(s->j->policy, s->u, POLICY_ACTION_REQUEST_VIEW,
	    &d.view, &args, time(NULL), &dec) == POLICY_PERMIT) {
		assert_true(s->n < IDS_MAX);
		docid_format(id, s->ids[s->n++]);
	}
	doc_release(&d);
	records_request_free(q);
	return 0;
}

/* What a walk of every request shows user (beside the running isad). */
static size_t
full_scan(harness_t *h, const char *user, bool all, char ids[][27])
{
	scan_t s = { 0 };
	policy_t *p;
	store_t *st;
	char err[512];

	if (policy_load(h_policy_conf(h), &p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (store_open_readonly(h_data_dir(h), 0, false, &st, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_non_null(s.j = job_new("", 0));
	s.j->policy = p;
	assert_non_null(s.u = policy_user_by_id(p, user));
	s.all = all;
	s.ids = ids;
	assert_int_equal(store_txn_begin(st, false, &s.t), 0);
	assert_int_equal(records_request_each(s.t, scan_one, &s), 0);
	store_txn_abort(s.t);
	store_close(st);
	job_free(s.j);	/* and the policy with it */
	qsort(ids, s.n, 27, by_text);
	return s.n;
}

static void
same_as_scan(harness_t *h)
{
	char a[IDS_MAX][27], b[IDS_MAX][27];

	for (size_t i = 0; i < sizeof(lookers) / sizeof(lookers[0]); i++)
		for (int all = 0; all < 2; all++) {
			size_t n = listed(h, lookers[i], all, a);
			size_t m = full_scan(h, lookers[i], all, b);

			if (n != m)
				fail_msg("%s%s: isa requests lists %zu, a walk "
				    "of every request %zu", lookers[i], all ?
				    " --all" : "", n, m);
			for (size_t k = 0; k < n; k++)
				assert_string_equal(a[k], b[k]);
		}
}

/*
 * Requests of every kind: pending, approved, refused, on a document with
 * an author and on ones ingested for the originator, filed by a requester,
 * by a reader who is no approver, by the administrator (who relays).
 * Each looker's listing, pending and --all, is what a walk of every
 * request decided by policy_decide shows them.
 */
static void
test_requests_as_full_scan(void **state)
{
	harness_t *h = *state;
	char d1[32], d2[32], d3[32], d4[32], req[32];

	put(h, "board-admin", "ctlp one", "OFFICIAL-SENSITIVE", "agency:hcc",
	    ARGS("--originator", "ctpse", "--to", "user:police-lead"), d1);
	put(h, "board-admin", "ctlp two", "OFFICIAL-SENSITIVE", "agency:hcc",
	    ARGS("--originator", "ctpse", "--to", "user:police-lead"), d2);
	put(h, "board-admin", "ctlp three", "OFFICIAL-SENSITIVE",
	    "agency:hcc", ARGS("--originator", "ctpse", "--to",
	    "user:police-lead"), d3);
	put(h, "ctp-officer", "officer's", "OFFICIAL-SENSITIVE",
	    "agency:ctpse", ARGS("--to", "user:police-lead"), d4);
	same_as_scan(h);	/* none yet */

	share(h, "police-lead", d1, "user:district-commander", req);
	assert_true(req[0] != '\0');
	share(h, "police-lead", d2, "user:district-commander", req);
	expect(h, "ctp-analyst", ARGS("approve", req), 0);
	share(h, "police-lead", d3, "user:district-commander", req);
	expect(h, "ctp-analyst", ARGS("refuse", req, "--reason", "no"), 0);
	share(h, "police-lead", d4, "user:district-commander", req);
	share(h, "board-admin", d1, "user:ctp-officer", req);
	assert_true(req[0] != '\0');
	share(h, "council-lead", d2, "user:district-commander", req);
	share(h, "ctp-officer", d4, "user:council-lead", req);	/* granted */
	assert_true(req[0] == '\0');
	same_as_scan(h);
	/* what the index narrows to is what the records show: the approver
	 * has pending ones to decide, the outsider none */
	{
		char ids[IDS_MAX][27];

		assert_true(listed(h, "ctp-analyst", false, ids) >= 3);
		assert_int_equal(listed(h, "uni-contact", true, ids), 0);
		assert_int_equal(listed(h, "district-commander", true, ids), 0);
	}
}

/* ---- Looking into the store beside isad ---- */

static store_t *
ro_open(harness_t *h)
{
	store_t *s;
	char err[512];

	if (store_open_readonly(h_data_dir(h), 0, false, &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

/* The value of the request index's entry prefix (text, its NUL added) ||
 * request reqtext, into val (one byte, or 0 when empty); false when the
 * entry is absent. */
static bool
reqsee(harness_t *h, const char *prefix, const char *reqtext, char *val)
{
	uint8_t key[256];
	size_t pl = strlen(prefix) + 1;
	store_t *s = ro_open(h);
	store_txn_t *t;
	const void *v;
	size_t vl;
	bool found;

	memcpy(key, prefix, pl);
	assert_int_equal(docid_parse(reqtext, key + pl), 0);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	found = store_get(t, STORE_REQSEE, key, pl + 16, &v, &vl) == 0;
	*val = found && vl == 1 ? *(const char *)v : 0;
	store_txn_abort(t);
	store_close(s);
	return found;
}

/*
 * A decision and its index entries commit together: with every commit
 * failing, the approval fails and neither the request nor its entries
 * change; without, both do.
 */
static void
test_decide_in_one_commit(void **state)
{
	harness_t *h = *state;
	char id[32], req[32], fault[512], v;

	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	put(h, "board-admin", "ctlp fault", "OFFICIAL-SENSITIVE", "agency:hcc",
	    ARGS("--originator", "ctpse", "--to", "user:police-lead"), id);
	share(h, "police-lead", id, "user:district-commander", req);
	assert_true(reqsee(h, "user:police-lead", req, &v) && v == 'p');
	assert_true(reqsee(h, "pending orig:ctpse", req, &v) && v == 0);
	assert_true(reqsee(h, "pending every", req, &v));

	snprintf(fault, sizeof(fault), "%s/commit-fault", h_dir(h));
	assert_int_equal(h_stop(h), 0);
	setenv("ISAD_TEST_COMMIT_FAULT", fault, 1);
	h_start(h);
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	h_write_file(fault, "io", 0600);
	expect(h, "ctp-analyst", ARGS("approve", req), 5);
	assert_true(reqsee(h, "user:police-lead", req, &v) && v == 'p');
	assert_true(reqsee(h, "orig:ctpse", req, &v) && v == 'p');
	assert_true(reqsee(h, "pending orig:ctpse", req, &v));
	assert_true(reqsee(h, "pending user:police-lead", req, &v));
	unlink(fault);
	expect(h, "ctp-analyst", ARGS("approve", req), 0);
	assert_true(reqsee(h, "user:police-lead", req, &v) && v == 'a');
	assert_true(reqsee(h, "orig:ctpse", req, &v) && v == 'a');
	assert_true(reqsee(h, "every", req, &v) && v == 'a');
	assert_false(reqsee(h, "pending orig:ctpse", req, &v));
	assert_false(reqsee(h, "pending user:police-lead", req, &v));
	assert_false(reqsee(h, "pending every", req, &v));
	same_as_scan(h);
	assert_int_equal(h_stop(h), 0);
	h_start(h);	/* without the fault armed */
}

/* ---- isad check --deep ---- */

static void
check_clean(harness_t *h)
{
	h_result_t r = h_check_deep(h);

	if (r.status != 0 || strstr(r.out, "index requests: ok") == NULL ||
	    strstr(r.out, "index dates: ok") == NULL)
		fail_msg("check --deep: exit %d: %s%s", r.status, r.out, r.err);
	h_result_free(&r);
}

/* Every entry of db, keys and values, as one text (to compare). */
typedef struct {
	char *buf;
	size_t len, cap;
} dump_t;

static int
dump_one(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	dump_t *d = arg;
	size_t need = d->len + 2 * (klen + vlen) + 3;

	if (need > d->cap) {
		d->cap = need * 2;
		assert_non_null(d->buf = realloc(d->buf, d->cap));
	}
	for (size_t i = 0; i < klen; i++)
		d->len += (size_t)sprintf(d->buf + d->len, "%02x",
		    ((const uint8_t *)key)[i]);
	d->buf[d->len++] = '=';
	for (size_t i = 0; i < vlen; i++)
		d->len += (size_t)sprintf(d->buf + d->len, "%02x",
		    ((const uint8_t *)val)[i]);
	d->buf[d->len++] = '\n';
	d->buf[d->len] = '\0';
	return 0;
}

static size_t
lines(const char *s)
{
	size_t n = 0;

	while ((s = strchr(s, '\n')) != NULL) {
		s++;
		n++;
	}
	return n;
}

static char *
dump(harness_t *h, store_db_t db)
{
	dump_t d = { 0 };
	store_t *s = ro_open(h);
	store_txn_t *t;

	assert_non_null(d.buf = calloc(1, 1));
	d.cap = 1;
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(store_iter(t, db, NULL, 0, dump_one, &d), 0);
	store_txn_abort(t);
	store_close(s);
	return d.buf;
}

/* Every key of a database, each after its length (one byte). */
static int
collect(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	dump_t *d = arg;

	(void)val;
	(void)vlen;
	/* length-prefixed keys, one after another */
	if (d->len + klen + 2 > d->cap) {
		d->cap = (d->len + klen + 2) * 2;
		assert_non_null(d->buf = realloc(d->buf, d->cap));
	}
	d->buf[d->len++] = (char)klen;
	memcpy(d->buf + d->len, key, klen);
	d->len += klen;
	return 0;
}

/*
 * A store as schema 2 left it (the request index without values, pending,
 * administrator's or document keys; no date index) is upgraded at start:
 * afterwards both indexes hold exactly what they held before, and check
 * --deep finds them right.
 */
static void
test_schema2_store_upgraded(void **state)
{
	harness_t *h = *state;
	static const uint8_t two[4] = { 0, 0, 0, 2 };
	char id[32], req[32], *reqs, *dates, *after;
	dump_t keys = { 0 };
	store_txn_t *t;
	store_t *s;
	char err[512];

	/* something due to every kind of date, and a pending request */
	put(h, "ctp-officer", "dated", "OFFICIAL", "agency:ctpse",
	    ARGS("--review-by", "2030-06-01", "--destroy-after", "2030-12-31",
	    "--embargo-until", "2030-01-01T00:00:00Z"), id);
	share(h, "ctp-officer", id, "user:council-lead", req);
	assert_int_equal(h_stop(h), 0);
	check_clean(h);
	reqs = dump(h, STORE_REQSEE);
	dates = dump(h, STORE_DATES);
	assert_true(lines(dates) >= 3);	/* the dated document's */

	/* back to schema 2 */
	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_iter(t, STORE_REQSEE, NULL, 0, collect, &keys),
	    0);
	for (size_t off = 0; off < keys.len; ) {
		size_t kl = (uint8_t)keys.buf[off++];
		const char *k = keys.buf + off;

		if (strncmp(k, "user:", 5) == 0 || strncmp(k, "orig:", 5) == 0)
			assert_int_equal(store_put(t, STORE_REQSEE, k, kl, "",
			    0), 0);
		else
			assert_int_equal(store_del(t, STORE_REQSEE, k, kl), 0);
		off += kl;
	}
	free(keys.buf);
	assert_int_equal(store_del_prefix(t, STORE_DATES, "", 0), 0);
	assert_int_equal(store_put(t, STORE_META, "schema", 6, two, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	h_start(h);
	assert_true(h_wait_log(h, "indexed the retention dates"));
	after = dump(h, STORE_REQSEE);
	assert_string_equal(after, reqs);
	free(after);
	after = dump(h, STORE_DATES);
	assert_string_equal(after, dates);
	free(after);
	free(reqs);
	free(dates);
	check_clean(h);
	same_as_scan(h);
}

/* A key of the request index: prefix (text and its NUL) || request. */
static size_t
req_key(uint8_t *key, const char *prefix, const char *reqtext)
{
	size_t pl = strlen(prefix) + 1;

	memcpy(key, prefix, pl);
	assert_int_equal(docid_parse(reqtext, key + pl), 0);
	return pl + 16;
}

/*
 * isad check --deep on a stopped store with an entry of each index
 * deleted, one no record calls for added and one's value changed: each is
 * reported, by key (ids, never a title), and it exits 1.
 */
static void
test_check_deep_sees_damage(void **state)
{
	harness_t *h = *state;
	uint8_t key[256], stray[16] = { 0xee, 1, 2, 3 };
	char ids[IDS_MAX][27], err[512], line[256];
	dateindex_entry_t e;
	store_kv_t kv;
	store_txn_t *t;
	store_t *s;
	h_result_t r;
	size_t kl;

	assert_true(listed(h, "police-lead", true, ids) >= 2);
	assert_int_equal(h_stop(h), 0);
	check_clean(h);
	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	kl = req_key(key, "user:police-lead", ids[0]);
	assert_int_equal(store_del(t, STORE_REQSEE, key, kl), 0);
	kl = req_key(key, "user:nobody", ids[0]);
	assert_int_equal(store_put(t, STORE_REQSEE, key, kl, "p", 1), 0);
	kl = req_key(key, "orig:ctpse", ids[1]);
	assert_int_equal(store_put(t, STORE_REQSEE, key, kl, "x", 1), 0);
	docid_format(stray, line);	/* no such request */
	kl = req_key(key, "every", line);
	assert_int_equal(store_put(t, STORE_REQSEE, key, kl, "p", 1), 0);
	/* the dates: the first entry goes, the next is changed, and one for
	 * a document that does not exist */
	assert_int_equal(dateindex_first(t, &e), 0);
	assert_int_equal(dateindex_del(t, &e), 0);
	assert_int_equal(store_seek(t, STORE_DATES, NULL, 0, &kv), 0);
	assert_int_equal(kv.klen, DATEINDEX_KEY_LEN);
	memcpy(key, kv.key, kv.klen);
	assert_int_equal(store_put(t, STORE_DATES, key, kv.klen, "1999-01-01",
	    10), 0);
	for (int i = 0; i < 8; i++)	/* 2032-01-01 */
		key[i] = (uint8_t)(UINT64_C(1956528000) >> (56 - 8 * i));
	key[8] = 'd';
	assert_int_equal(store_put(t, STORE_DATES, key, DATEINDEX_KEY_LEN,
	    "2030-12-31", 10), 0);	/* not the dated document's due */
	for (int i = 0; i < 8; i++)	/* 2031-01-01 */
		key[i] = (uint8_t)(UINT64_C(1924992000) >> (56 - 8 * i));
	memcpy(key + 9, stray, 16);
	assert_int_equal(store_put(t, STORE_DATES, key, DATEINDEX_KEY_LEN,
	    "2030-12-31", 10), 0);	/* no such document */
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	r = h_check_deep(h);
	assert_int_equal(r.status, 1);
	snprintf(line, sizeof(line), "index requests: missing: "
	    "user:police-lead request %s\n", ids[0]);
	assert_non_null(strstr(r.out, line));
	snprintf(line, sizeof(line), "index requests: stray: user:nobody "
	    "request %s", ids[0]);
	assert_non_null(strstr(r.out, line));
	snprintf(line, sizeof(line), "index requests: wrong: orig:ctpse "
	    "request %s", ids[1]);
	assert_non_null(strstr(r.out, line));
	docid_format(stray, line);
	assert_non_null(strstr(r.out, line));
	assert_non_null(strstr(r.out, "no such request"));
	assert_non_null(strstr(r.out, "index requests: 1 missing, 2 stray, "
	    "1 wrong"));
	assert_non_null(strstr(r.out, "index dates: missing: "));
	assert_non_null(strstr(r.out, "index dates: wrong: "));
	docid_format(stray, line);
	assert_non_null(strstr(r.out, line));
	assert_non_null(strstr(r.out, "index dates: stray: destroy-after due "
	    "2031-01-01T00:00:00.000Z, document "));
	assert_non_null(strstr(r.out, "not called for by the document"));
	assert_non_null(strstr(r.out, "no such document"));
	assert_non_null(strstr(r.out, "index dates: 1 missing, 2 stray, "
	    "1 wrong"));
	assert_null(strstr(r.out, "dated"));	/* no title */
	h_result_free(&r);
	h_start(h);
}

/* n copies of document id in the stopped store, with an embargo lifting
 * at until (0: as it is), each with the index entries (access, content,
 * dates) its upload would have made. */
static void
clone_doc(harness_t *h, const char *idtext, int n, int64_t until)
{
	uint8_t id[16], copy[16];
	Isad__StoredDoc *r;
	store_txn_t *t;
	store_t *s;
	char err[512];

	assert_int_equal(docid_parse(idtext, id), 0);
	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
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
		if (until != 0)
			r->embargo_until = until;
		assert_int_equal(records_doc_put(t, copy, r), 0);
		assert_int_equal(docindex_add_doc(t, r, NULL), 0);
		assert_int_equal(dateindex_sync(t, r), 0);
		r->id.data = own;
	}
	records_doc_free(r);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
}

/*
 * 250 documents past their destroy-after date are destroyed 100 to a
 * commit (three commits, each said in the log, 250 "destroy" records);
 * 250 whose embargo lifts while isad serves are announced the same way
 * while requests go on being answered.
 */
static void
test_sweep_in_batches(void **state)
{
	harness_t *h;
	char id[32], until[32];
	h_result_t r;
	size_t mark, n = 0;
	time_t lift;
	struct tm tm;

	(void)state;
	h_need_test_build("ISAD_TEST_NOW");
	h = h_new();
	users(h);
	h_start(h);
	put(h, "ctp-officer", "doomed", "OFFICIAL", "agency:ctpse",
	    ARGS("--destroy-after", "2030-12-31"), id);
	assert_int_equal(h_stop(h), 0);
	clone_doc(h, id, 249, 0);
	mark = h_log_mark(h);
	setenv("ISAD_TEST_NOW", "1925121600", 1);	/* 2 January 2031 */
	h_start(h);
	unsetenv("ISAD_TEST_NOW");
	assert_int_equal(h_log_count(h, mark, "retention sweep: ", NULL), 3);
	assert_int_equal(h_log_count(h, mark, "retention sweep: 100 due "
	    "entries in one commit (100 destroyed", NULL), 2);
	assert_int_equal(h_log_count(h, mark, "retention sweep: 50 due "
	    "entries in one commit (50 destroyed", NULL), 1);
	r = isa(h, "board-auditor", ARGS("audit", "--action", "destroy"), 0);
	for (const char *p = r.out; (p = strstr(p, "destroy_after")) != NULL;
	    p++)
		n++;
	h_result_free(&r);
	assert_int_equal(n, 250);
	assert_int_equal(h_stop(h), 0);

	/* Embargoes lifting while isad serves. */
	h_start(h);
	lift = time(NULL) + 3600;
	gmtime_r(&lift, &tm);
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
	put(h, "ctp-officer", "embargoed", "OFFICIAL", "agency:ctpse",
	    ARGS("--embargo-until", until), id);
	assert_int_equal(h_stop(h), 0);
	clone_doc(h, id, 250, (int64_t)time(NULL) + 3);
	mark = h_log_mark(h);
	h_start(h);
	for (int i = 0; h_log_count(h, mark, "announced)\n", NULL) == 0; i++) {
		if (i == 600)
			fail_msg("the embargoes were not announced");
		expect(h, "ctp-analyst", ARGS("whoami"), 0);
	}
	assert_int_equal(h_log_count(h, mark, "retention sweep: ", NULL), 3);
	assert_int_equal(h_log_count(h, mark, "(0 destroyed, 0 reminded, 100 "
	    "announced); more are due", NULL), 2);
	assert_int_equal(h_log_count(h, mark, "50 due entries in one commit (0 "
	    "destroyed, 0 reminded, 50 announced)", NULL), 1);
	expect(h, "ctp-analyst", ARGS("ls"), 0);
	check_clean(h);
	h_free(h);
}

/* The first document record of the stopped store, as id with another
 * classification and review-by date, and its date entries. */
static void
put_variant(store_txn_t *t, const uint8_t *id, const char *cls,
    const char *review)
{
	Isad__StoredDoc *r;
	uint8_t first[16], *own;
	char *oc, *orv;
	store_kv_t kv;

	assert_int_equal(store_seek(t, STORE_DOCS, NULL, 0, &kv), 0);
	assert_int_equal(kv.klen, 16);
	memcpy(first, kv.key, 16);
	assert_int_equal(records_doc_get(t, first, &r), 0);
	own = r->id.data;
	oc = r->classification;
	orv = r->review_by;
	r->id.data = (uint8_t *)id;
	r->classification = (char *)cls;
	r->review_by = (char *)review;
	r->review_reminded = false;
	assert_int_equal(records_doc_put(t, id, r), 0);
	assert_int_equal(dateindex_sync(t, r), 0);
	r->id.data = own;
	r->classification = oc;
	r->review_by = orv;
	records_doc_free(r);
}

/*
 * Due entries of a record that does not decode, of one whose marking the
 * policy cannot read, and of none at all do not hold the sweep back: each
 * is skipped (logged; the first and last entries gone, the unreadable one
 * put off: test_index_sweep.c) and the healthy document due behind them
 * is reminded, in the same commit.
 */
static void
test_sweep_skips_damaged(void **state)
{
	harness_t *h = *state;
	uint8_t junk[16] = { 0xd1 }, bogus[16] = { 0xd2 }, good[16] = { 0xd3 },
	    none[16] = { 0xd4 };
	uint8_t key[DATEINDEX_KEY_LEN] = { 0 };
	worker_env_t env = { 0 };
	dateindex_entry_t e;
	Isad__StoredDoc *r;
	char err[512];
	policy_t *p;
	store_txn_t *t;
	store_t *s;

	assert_int_equal(h_stop(h), 0);
	if (policy_load(h_policy_conf(h), &p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	current_policy_set(p);
	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	env.store = s;
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	put_variant(t, bogus, "BOGUS", "2020-01-01");
	put_variant(t, good, "OFFICIAL", "2020-01-03");
	put_variant(t, junk, "OFFICIAL", "2020-01-01");
	assert_int_equal(records_doc_put_encoded(t, junk, (const uint8_t *)
	    "\xff\xff\xff", 3), 0);
	key[7] = 1;	/* due in 1970, for no document */
	key[8] = 'r';
	memcpy(key + 9, none, 16);
	assert_int_equal(store_put(t, STORE_DATES, key, sizeof(key), "", 0),
	    0);
	assert_int_equal(store_txn_commit(t), 0);

	(void)sweeper_tick(s, &env);
	assert_false(store_failed(s));
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	/* nothing left due: the healthy one was reminded */
	if (dateindex_first(t, &e) == 0)
		assert_true(e.due > time(NULL));
	assert_int_equal(records_doc_get(t, good, &r), 0);
	assert_true(r->review_reminded);
	records_doc_free(r);
	store_txn_abort(t);
	store_close(s);
	current_policy_set(NULL);
	h_start(h);
}

/*
 * Nothing due: a tick is one seek and no write (with every commit made to
 * fail as a panic, the store would say so); something due: it writes.
 */
static void
test_nothing_due_no_write(void **state)
{
	harness_t *h = *state;
	uint8_t key[DATEINDEX_KEY_LEN] = { 0 };
	worker_env_t env = { 0 };
	char fault[512], err[512];
	policy_t *p;
	store_txn_t *t;
	store_t *s;

	h_need_test_build("ISAD_TEST_COMMIT_FAULT");
	assert_int_equal(h_stop(h), 0);
	if (policy_load(h_policy_conf(h), &p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	current_policy_set(p);
	if (store_open(h_data_dir(h), INT64_C(17179869184), &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	env.store = s;
	snprintf(fault, sizeof(fault), "%s/panic", h_dir(h));
	h_write_file(fault, "panic", 0600);
	setenv("ISAD_TEST_COMMIT_FAULT", fault, 1);
	assert_false(sweeper_tick(s, &env));
	assert_false(sweeper_tick(s, &env));
	assert_false(store_failed(s));
	/* An entry due since 1970 (for no document): the tick writes. */
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	key[8] = 'r';
	key[9] = 0xee;
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_put(t, STORE_DATES, key, sizeof(key), "", 0),
	    0);
	assert_int_equal(store_txn_commit(t), 0);
	setenv("ISAD_TEST_COMMIT_FAULT", fault, 1);
	(void)sweeper_tick(s, &env);
	assert_true(store_failed(s));
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	store_close(s);
	current_policy_set(NULL);
	h_start(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_as_full_scan),
		cmocka_unit_test(test_decide_in_one_commit),
		cmocka_unit_test(test_schema2_store_upgraded),
		cmocka_unit_test(test_check_deep_sees_damage),
		cmocka_unit_test(test_sweep_skips_damaged),
		cmocka_unit_test(test_nothing_due_no_write),
		cmocka_unit_test(test_sweep_in_batches),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
