/* test_index_access.c: the access index (issue 19 item 1): ls through it equals a full scan for every kind of access, gone documents leave the live keys ls walks, a grant, a recall and a destruction change it in their own commit, a schema-2 store is upgraded, and isad check --deep finds it damaged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "daemon/store/docindex.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"
#include "docs_util.h"
#include "harness.h"
#include "policy/marking.h"
#include "policy/policy.h"
#include "proto/docid.h"
#include "raw.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* isad's clock in this suite (ISAD_TEST_NOW): 2031-01-02 12:00 UTC, past
 * the first destroy-after date (2030-12-31), before the second
 * (2035-12-31) and the embargo (2040); then 2036-01-02 12:00 UTC. */
#define NOW_1 "1925121600"
#define NOW_2 "2082974400"
#define MAP_SIZE INT64_C(17179869184)

static const char *const users[] = {
	"ctp-author", "ctp-approver", "ctp-reader", "police-reader",
	"nested-member", "council-officer", "board-admin", "outsider",
};
#define NUSERS (sizeof(users) / sizeof(users[0]))

/* The documents, one of each kind of access (and of state). */
enum {
	D_USER,		/* to user:police-reader */
	D_AGENCY,	/* to agency:ctpse, OFFICIAL-SENSITIVE */
	D_GROUP,	/* to group:outer (inner, nested, holds nested-member) */
	D_ALL,		/* to all */
	D_SECRET,	/* SECRET to agency:hcc: council-officer lacks clearance */
	D_INGESTED,	/* board-admin's, for ctpse, to agency:police */
	D_SHARED,	/* to agency:ctpse, granted to user:council-officer */
	D_RECALLED,	/* to all, recalled */
	D_DESTROYED,	/* to agency:police, destroy-after 2030-12-31 */
	D_EMBARGO,	/* to user:police-reader, embargoed until 2040 */
	D_POLICE,	/* police-reader's own, to agency:police */
	D_DOOMED,	/* to agency:ctpse, destroy-after 2035-12-31 */
	D_SPARE,	/* to agency:ctpse: granted and recalled under a fault */
	NDOCS
};

typedef struct {
	harness_t *h;
	char fault[512];
	char ids[NDOCS][DOCID_TEXT_LEN + 1];
} fixture_t;

/* Upload document number d (its content made from d) into id. */
static void
put_id(fixture_t *f, int d, const char *user, const char *cls,
    const char *to, const char *const *extra, char id[DOCID_TEXT_LEN + 1])
{
	char in[512];
	h_result_t r;

	snprintf(in, sizeof(in), "%s/doc%d", h_dir(f->h), d);
	du_make_file(in, 100 + (uint64_t)d, 700 + (unsigned)d);
	if (du_put(f->h, user, in, "Access index", cls, to, extra, id,
	    &r) != 0)
		fail_msg("put %d: %s", d, r.err);
	h_result_free(&r);
}

static void
put(fixture_t *f, int d, const char *user, const char *cls, const char *to,
    const char *const *extra)
{
	put_id(f, d, user, cls, to, extra, f->ids[d]);
}

static void
isa_ok(harness_t *h, const char *user, const char *const *args)
{
	h_result_t r = h_isa(h, user, args);

	if (r.status != 0)
		fail_msg("isa %s as %s: exit %d: %s", args[0], user, r.status,
		    r.err);
	h_result_free(&r);
}

/* isad (re)started with the commit fault switch naming f->fault and the
 * clock at now. */
static void
start(fixture_t *f, const char *now)
{
	setenv("ISAD_TEST_COMMIT_FAULT", f->fault, 1);
	setenv("ISAD_TEST_NOW", now, 1);
	h_start(f->h);
	unsetenv("ISAD_TEST_COMMIT_FAULT");
	unsetenv("ISAD_TEST_NOW");
}

static int
setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	harness_t *h;

	assert_non_null(f);
	f->h = h = h_new();
	snprintf(f->fault, sizeof(f->fault), "%s/fault", h_dir(h));
	h_user(h, "ctp-author", "ctpse", "SC", NULL);
	h_user(h, "ctp-approver", "ctpse", "SC", "roles = [\"approver\"];");
	h_user(h, "ctp-reader", "ctpse", "SC", NULL);
	h_user(h, "police-reader", "police", "SC", NULL);
	h_user(h, "nested-member", "uow", "SC", NULL);
	h_user(h, "council-officer", "hcc", "BPSS", NULL);
	h_user(h, "board-admin", "hcc", "SC", "roles = [\"admin\"];");
	h_user(h, "outsider", "uow", "SC", NULL);
	h_policy_extra(h, "groups = ( { id = \"inner\"; members = "
	    "[ \"user:nested-member\" ]; }, { id = \"outer\"; members = "
	    "[ \"group:inner\" ]; } );\n");
	h_start(h);
	put(f, D_USER, "ctp-author", "OFFICIAL", "user:police-reader", NULL);
	put(f, D_AGENCY, "ctp-author", "OFFICIAL-SENSITIVE", "agency:ctpse",
	    NULL);
	put(f, D_GROUP, "ctp-author", "OFFICIAL", "group:outer", NULL);
	put(f, D_ALL, "ctp-author", "OFFICIAL", "all", NULL);
	put(f, D_SECRET, "ctp-author", "SECRET", "agency:hcc",
	    ARGS("--handling", "by hand"));
	put(f, D_INGESTED, "board-admin", "OFFICIAL", "agency:police",
	    ARGS("--originator", "ctpse"));
	put(f, D_SHARED, "ctp-author", "OFFICIAL", "agency:ctpse", NULL);
	isa_ok(h, "ctp-author", ARGS("share", f->ids[D_SHARED], "--to",
	    "user:council-officer", "--reason", "for the council"));
	put(f, D_RECALLED, "ctp-author", "OFFICIAL", "all", NULL);
	isa_ok(h, "ctp-author", ARGS("recall", f->ids[D_RECALLED], "--reason",
	    "wrong"));
	put(f, D_DESTROYED, "ctp-author", "OFFICIAL", "agency:police",
	    ARGS("--destroy-after", "2030-12-31"));
	put(f, D_EMBARGO, "ctp-author", "OFFICIAL", "user:police-reader",
	    ARGS("--embargo-until", "2040-01-01T09:00:00Z"));
	put(f, D_POLICE, "police-reader", "OFFICIAL", "agency:police", NULL);
	put(f, D_DOOMED, "ctp-author", "OFFICIAL", "agency:ctpse",
	    ARGS("--destroy-after", "2035-12-31"));
	put(f, D_SPARE, "ctp-author", "OFFICIAL", "agency:ctpse", NULL);
	/* The clock past the first destroy-after date: the sweep at start
	 * destroys D_DESTROYED. */
	assert_int_equal(h_stop(h), 0);
	start(f, NOW_1);
	assert_true(h_wait_log(h, "destroy-after date"));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	fixture_t *f = *state;

	h_free(f->h);
	free(f);
	return 0;
}

/* ---- The full scan: every record decided, as isad decided before the
 * index (daemon/docs/docview.c doc_resolve, then policy_decide) ---- */

typedef struct {
	char (*ids)[DOCID_TEXT_LEN + 1];
	size_t n, cap;
} idlist_t;

static void
idlist_add(idlist_t *l, const char *id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->ids = realloc(l->ids, l->cap * sizeof(*l->ids));
		assert_non_null(l->ids);
	}
	snprintf(l->ids[l->n++], DOCID_TEXT_LEN + 1, "%s", id);
}

static bool
idlist_has(const idlist_t *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->ids[i], id) == 0)
			return true;
	return false;
}

typedef struct {
	const policy_t *p;
	const policy_user_t *u;
	int64_t now;
	idlist_t *out;
} scan_t;

static int
scan_one(void *arg, const uint8_t id[DOCID_LEN], const void *val, size_t len)
{
	scan_t *sc = arg;
	Isad__StoredDoc *r;
	marking_spec_t spec = { 0 };
	policy_principal_t acc[64];
	policy_decision_t dec;
	policy_doc_t v = { 0 };
	char idtext[DOCID_TEXT_LEN + 1], err[256];
	uint32_t agency;

	assert_int_equal(records_doc_decode(val, len, &r), 0);
	docid_format(id, idtext);
	v.id = idtext;
	spec.classification = r->classification;
	spec.descriptors = (const char *const *)r->descriptors;
	spec.n_descriptors = r->n_descriptors;
	spec.onward = r->onward;
	spec.handling = r->has_handling ? "-" : NULL;
	assert_int_equal(policy_marking_parse(sc->p, &spec,
	    CLASSIFICATION_SECRET, &v.marking, err, sizeof(err)), 0);
	if (policy_caveats_resolve(sc->p, (const char *const *)r->caveats,
	    r->n_caveats, &v.marking.caveats) != 0)
		v.caveats_unknown = true;
	v.marking.embargo = r->embargo_until != 0;
	v.marking.embargo_until = r->embargo_until;
	v.originator = policy_agency_resolve(sc->p, r->originator, &agency) == 0
	    ? (int32_t)agency : -1;
	v.author = r->author[0] != '\0' ? policy_user_by_id(sc->p, r->author) :
	    NULL;
	v.ingested_by = policy_user_by_id(sc->p, r->ingested_by);
	assert_true(r->n_access <= 64);
	for (size_t i = 0; i < r->n_access; i++)
		if (policy_principal_resolve(sc->p, r->access[i],
		    &acc[v.n_access]) == 0)
			v.n_access++;
	v.access = acc;
	v.state = records_doc_state(r);
	if (policy_decide(sc->p, sc->u, POLICY_ACTION_LIST, &v, NULL, sc->now,
	    &dec) == POLICY_PERMIT)
		idlist_add(sc->out, idtext);
	records_doc_free(r);
	return 0;
}

/* What user may list, by deciding every record in the store (read-only,
 * beside the running isad), at isad's clock now. */
static idlist_t
full_scan(harness_t *h, const char *user, int64_t now)
{
	idlist_t l = { 0 };
	policy_t *p;
	store_t *s;
	store_txn_t *t;
	scan_t sc;
	char err[512];

	if (policy_load(h_policy_conf(h), &p, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (store_open_readonly(h_data_dir(h), 0, false, &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	sc.p = p;
	assert_non_null(sc.u = policy_user_by_id(p, user));
	sc.now = now;
	sc.out = &l;
	assert_int_equal(records_doc_each(t, NULL, scan_one, &sc), 0);
	store_txn_abort(t);
	store_close(s);
	policy_unref(p);
	return l;
}

/* What isad lists for user: every page of limit documents. */
static idlist_t
ls_paged(harness_t *h, const char *user, uint32_t limit)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp;
	Isa__ListRequest lr = ISA__LIST_REQUEST__INIT;
	raw_t r = raw_open(h, user);
	char after[DOCID_TEXT_LEN + 1] = "";
	idlist_t l = { 0 };
	bool more;

	req.body_case = ISA__ENVELOPE__BODY_LIST;
	req.list = &lr;
	lr.limit = limit;
	do {
		lr.after = after;
		resp = raw_call(&r, &req, NULL, 0);
		assert_int_equal(resp->status, ISA__STATUS__OK);
		assert_true(resp->list_reply->n_docs <= limit);
		for (size_t i = 0; i < resp->list_reply->n_docs; i++)
			idlist_add(&l, resp->list_reply->docs[i]->id);
		more = resp->list_reply->more;
		/* a page that says more is full */
		if (more)
			assert_int_equal(resp->list_reply->n_docs, limit);
		if (l.n > 0)
			snprintf(after, sizeof(after), "%s", l.ids[l.n - 1]);
		isa__envelope__free_unpacked(resp, NULL);
	} while (more);
	raw_close(&r);
	return l;
}

/* What `isa ls --json` prints for user. */
static idlist_t
ls_cli(harness_t *h, const char *user)
{
	h_result_t r = h_isa(h, user, ARGS("ls", "--json"));
	idlist_t l = { 0 };
	char *line, *save = NULL;

	assert_int_equal(r.status, 0);
	for (line = strtok_r(r.out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		json_error_t e;
		json_t *o = json_loads(line, 0, &e);

		assert_non_null(o);
		assert_true(json_is_string(json_object_get(o, "id")));
		idlist_add(&l, json_string_value(json_object_get(o, "id")));
		json_decref(o);
	}
	h_result_free(&r);
	return l;
}

static void
same_list(const char *user, const char *how, const idlist_t *got,
    const idlist_t *want)
{
	size_t i;

	for (i = 0; i < got->n && i < want->n; i++)
		if (strcmp(got->ids[i], want->ids[i]) != 0)
			break;
	if (i < got->n || i < want->n)
		fail_msg("%s, %s: %zu documents, the full scan %zu; first "
		    "difference at %zu (%s, scan %s)", user, how, got->n,
		    want->n, i, i < got->n ? got->ids[i] : "-",
		    i < want->n ? want->ids[i] : "-");
}

/* For every user: every page of ls (limit 2 and the CLI's) equals the
 * full scan.  Returns nothing; the scans of each user into scans. */
static void
ls_equals_scan(harness_t *h, int64_t now, idlist_t scans[NUSERS])
{
	for (size_t u = 0; u < NUSERS; u++) {
		idlist_t paged = ls_paged(h, users[u], 2),
		    cli = ls_cli(h, users[u]);

		scans[u] = full_scan(h, users[u], now);
		same_list(users[u], "pages of 2", &paged, &scans[u]);
		same_list(users[u], "isa ls --json", &cli, &scans[u]);
		free(paged.ids);
		free(cli.ids);
	}
}

static void
free_scans(idlist_t scans[NUSERS])
{
	for (size_t u = 0; u < NUSERS; u++)
		free(scans[u].ids);
}

static size_t
user_index(const char *user)
{
	for (size_t u = 0; u < NUSERS; u++)
		if (strcmp(users[u], user) == 0)
			return u;
	fail_msg("no user %s", user);
	return 0;
}

/*
 * Every kind of access, and of refusal, listed as the full scan lists it:
 * the scan itself shows the store holds each kind (who sees what).
 */
static void
test_ls_equals_full_scan(void **state)
{
	fixture_t *f = *state;
	static const struct {
		const char *user;
		int doc;
		bool sees;
	} kinds[] = {
		{ "police-reader", D_USER, true },	/* user */
		{ "ctp-reader", D_AGENCY, true },	/* agency */
		{ "nested-member", D_GROUP, true },	/* nested group */
		{ "outsider", D_ALL, true },		/* all */
		{ "ctp-author", D_AGENCY, true },	/* uploader */
		{ "board-admin", D_INGESTED, true },	/* ingested by */
		{ "ctp-approver", D_INGESTED, true },	/* originator */
		{ "ctp-approver", D_USER, true },
		{ "council-officer", D_SHARED, true },	/* granted share */
		{ "council-officer", D_SECRET, false },	/* clearance */
		{ "council-officer", D_RECALLED, false },	/* recalled */
		{ "ctp-author", D_RECALLED, false },
		{ "police-reader", D_DESTROYED, false },	/* destroyed */
		{ "police-reader", D_EMBARGO, false },	/* embargoed */
		{ "ctp-author", D_EMBARGO, true },
		{ "ctp-approver", D_POLICE, false },	/* not theirs */
		{ "outsider", D_USER, false },
		{ "board-admin", D_AGENCY, false },	/* admin: no rule 2 */
	};
	idlist_t scans[NUSERS];

	ls_equals_scan(f->h, atoll(NOW_1), scans);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (idlist_has(&scans[user_index(kinds[i].user)],
		    f->ids[kinds[i].doc]) != kinds[i].sees)
			fail_msg("%s %s document %d", kinds[i].user,
			    kinds[i].sees ? "does not see" : "sees",
			    kinds[i].doc);
	assert_int_equal(scans[user_index("outsider")].n, 1);
	free_scans(scans);
}

/* ---- One commit: the record and the index together ---- */

/* Document idtext as stored now (read-only, beside isad): its state, and
 * whether its list names principal; its access entries under the live key
 * and the gone key of key: -1 when absent, else its value (one byte; -2
 * when of another length). */
typedef struct {
	doc_state_t state;
	bool listed;
	int live, gone;
} seen_t;

static int
entry_of(store_txn_t *t, const uint8_t *k, size_t kl)
{
	const void *v;
	size_t vl;

	if (store_get(t, STORE_ACCESS, k, kl, &v, &vl) != 0)
		return -1;
	return vl == DOCINDEX_VALUE_LEN ? *(const uint8_t *)v : -2;
}

static seen_t
look(harness_t *h, const char *idtext, const char *principal,
    const char *key)
{
	uint8_t id[DOCID_LEN], k[DOCINDEX_GONE_KEY_MAX + DOCID_LEN];
	Isad__StoredDoc *r;
	size_t kl = strlen(key) + 1;
	store_t *s;
	store_txn_t *t;
	seen_t out = { 0 };
	char err[512];

	assert_int_equal(docid_parse(idtext, id), 0);
	if (store_open_readonly(h_data_dir(h), 0, false, &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(records_doc_get(t, id, &r), 0);
	out.state = records_doc_state(r);
	for (size_t i = 0; i < r->n_access; i++)
		out.listed |= strcmp(r->access[i], principal) == 0;
	records_doc_free(r);
	memcpy(k, key, kl);
	memcpy(k + kl, id, DOCID_LEN);
	out.live = entry_of(t, k, kl + DOCID_LEN);
	memcpy(k, DOCINDEX_GONE, DOCINDEX_GONE_LEN);
	memcpy(k + DOCINDEX_GONE_LEN, key, kl);
	memcpy(k + DOCINDEX_GONE_LEN + kl, id, DOCID_LEN);
	out.gone = entry_of(t, k, DOCINDEX_GONE_LEN + kl + DOCID_LEN);
	store_txn_abort(t);
	store_close(s);
	return out;
}

/* As stored: state, listed, and filed under the live key only (active)
 * or the gone key only (recalled, destroyed), valued with the state; or
 * under neither (entry -1). */
static void
seen_is(seen_t s, doc_state_t state, bool listed, int entry)
{
	assert_int_equal(s.state, state);
	assert_int_equal(s.listed, listed);
	assert_int_equal(s.live, entry == DOC_ACTIVE ? DOC_ACTIVE : -1);
	assert_int_equal(s.gone, entry == -1 || entry == DOC_ACTIVE ? -1 :
	    entry);
}

/* A grant and a recall whose commit fails change neither the record nor
 * the index; once it succeeds, both. */
static void
test_grant_and_recall_one_commit(void **state)
{
	fixture_t *f = *state;
	const char *id = f->ids[D_SPARE];
	h_result_t r;

	seen_is(look(f->h, id, "user:outsider", "user:outsider"), DOC_ACTIVE,
	    false, -1);
	h_write_file(f->fault, "", 0644);
	r = h_isa(f->h, "ctp-author", ARGS("share", id, "--to",
	    "user:outsider", "--reason", "r"));
	assert_int_not_equal(r.status, 0);
	h_result_free(&r);
	seen_is(look(f->h, id, "user:outsider", "user:outsider"), DOC_ACTIVE,
	    false, -1);
	unlink(f->fault);
	isa_ok(f->h, "ctp-author", ARGS("share", id, "--to", "user:outsider",
	    "--reason", "r"));
	seen_is(look(f->h, id, "user:outsider", "user:outsider"), DOC_ACTIVE,
	    true, DOC_ACTIVE);
	/* the recall: every key of the document moved to the gone space */
	h_write_file(f->fault, "", 0644);
	r = h_isa(f->h, "ctp-author", ARGS("recall", id, "--reason", "r"));
	assert_int_not_equal(r.status, 0);
	h_result_free(&r);
	seen_is(look(f->h, id, "user:outsider", "user:outsider"), DOC_ACTIVE,
	    true, DOC_ACTIVE);
	seen_is(look(f->h, id, "agency:ctpse", "up:ctp-author"), DOC_ACTIVE,
	    true, DOC_ACTIVE);
	unlink(f->fault);
	isa_ok(f->h, "ctp-author", ARGS("recall", id, "--reason", "r"));
	seen_is(look(f->h, id, "user:outsider", "user:outsider"),
	    DOC_RECALLED, true, DOC_RECALLED);
	seen_is(look(f->h, id, "agency:ctpse", "agency:ctpse"), DOC_RECALLED,
	    true, DOC_RECALLED);
	seen_is(look(f->h, id, "agency:ctpse", "up:ctp-author"),
	    DOC_RECALLED, true, DOC_RECALLED);
	seen_is(look(f->h, id, "agency:ctpse", "orig:ctpse"), DOC_RECALLED,
	    true, DOC_RECALLED);
}

/* The sweep's destruction, its commit failing, then not. */
static void
test_destruction_one_commit(void **state)
{
	fixture_t *f = *state;
	const char *id = f->ids[D_DOOMED];

	seen_is(look(f->h, id, "agency:ctpse", "agency:ctpse"), DOC_ACTIVE,
	    true, DOC_ACTIVE);
	assert_int_equal(h_stop(f->h), 0);
	h_write_file(f->fault, "", 0644);
	start(f, NOW_2);
	assert_true(h_wait_log(f->h, "the retention sweep failed"));
	seen_is(look(f->h, id, "agency:ctpse", "agency:ctpse"), DOC_ACTIVE,
	    true, DOC_ACTIVE);
	seen_is(look(f->h, id, "agency:ctpse", "up:ctp-author"), DOC_ACTIVE,
	    true, DOC_ACTIVE);
	unlink(f->fault);
	/* Tried again within seconds (the log says it destroyed the
	 * document before each commit: the store is what tells). */
	for (int i = 0; i < 600 && look(f->h, id, "agency:ctpse",
	    "agency:ctpse").state != DOC_DESTROYED; i++)
		poll(NULL, 0, 50);
	seen_is(look(f->h, id, "agency:ctpse", "agency:ctpse"),
	    DOC_DESTROYED, true, DOC_DESTROYED);
	seen_is(look(f->h, id, "agency:ctpse", "up:ctp-author"),
	    DOC_DESTROYED, true, DOC_DESTROYED);
	seen_is(look(f->h, id, "agency:ctpse", "orig:ctpse"), DOC_DESTROYED,
	    true, DOC_DESTROYED);
}

/* ---- Gone documents leave the live keys ---- */

typedef struct {
	store_txn_t *t;
	size_t live, gone, misfiled;
} spaces_t;

/* One access entry: live while its document is active, gone otherwise. */
static int
space_entry(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	spaces_t *sp = arg;
	bool gone = klen > DOCINDEX_GONE_LEN &&
	    memcmp(key, DOCINDEX_GONE, DOCINDEX_GONE_LEN) == 0;
	Isad__StoredDoc *r;

	(void)val;
	(void)vlen;
	assert_true(klen > DOCID_LEN);
	assert_int_equal(records_doc_get(sp->t, (const uint8_t *)key + klen -
	    DOCID_LEN, &r), 0);
	if (gone != (records_doc_state(r) != DOC_ACTIVE))
		sp->misfiled++;
	*(gone ? &sp->gone : &sp->live) += 1;
	records_doc_free(r);
	return 0;
}

/* The whole access index (read-only, beside isad): no recalled or
 * destroyed document under a live key, no active one under a gone key. */
static void
spaces_clean(harness_t *h)
{
	spaces_t sp = { 0 };
	store_t *s;
	char err[512];

	if (store_open_readonly(h_data_dir(h), 0, false, &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, false, &sp.t), 0);
	assert_int_equal(store_iter(sp.t, STORE_ACCESS, NULL, 0, space_entry,
	    &sp), 0);
	store_txn_abort(sp.t);
	store_close(s);
	if (sp.misfiled != 0 || sp.live == 0 || sp.gone == 0)
		fail_msg("access index: %zu live, %zu gone entries, %zu under "
		    "the wrong space", sp.live, sp.gone, sp.misfiled);
}

static int
under_one(void *arg, const uint8_t id[DOCID_LEN])
{
	char idtext[DOCID_TEXT_LEN + 1];

	docid_format(id, idtext);
	idlist_add(arg, idtext);
	return 0;
}

/* The documents filed under key (a principal key, or DOCINDEX_GONE and
 * one), read-only beside isad: what a walk of that key passes. */
static idlist_t
filed_under(harness_t *h, const char *key)
{
	idlist_t l = { 0 };
	store_t *s;
	store_txn_t *t;
	char err[512];

	if (store_open_readonly(h_data_dir(h), 0, false, &s, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_txn_begin(s, false, &t), 0);
	assert_int_equal(store_index_each(t, STORE_ACCESS, key,
	    strlen(key) + 1, under_one, &l), 0);
	store_txn_abort(t);
	store_close(s);
	return l;
}

/* s with every from replaced by to (the caller frees it). */
static char *
replaced(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	char *out = malloc(strlen(s) * (tl > fl ? tl : fl) + 1), *o = out;
	const char *p;

	assert_non_null(out);
	while ((p = strstr(s, from)) != NULL) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
		s = p + fl;
		n++;
	}
	strcpy(o, s);
	return out;
}

#define NGONE 6

/*
 * The finding: a recall only rewrote the entries' values, so a key kept
 * every document ever recalled under it and ls passed each one.  After
 * NGONE of NGONE + 1 documents to one user are recalled, the user's live
 * key (all ls walks for them) holds the one still active and the gone key
 * the rest; ls equals the full scan; info still says "recalled" to the
 * one on the list and answers an outsider as for a missing id.
 */
static void
test_ls_walks_live_keys_only(void **state)
{
	fixture_t *f = *state;
	char ids[NGONE + 1][DOCID_TEXT_LEN + 1], fake[DOCID_TEXT_LEN + 1];
	uint8_t none[DOCID_LEN];
	idlist_t live, gone, scans[NUSERS];
	h_result_t r, m;
	char *want;

	for (int i = 0; i <= NGONE; i++)
		put_id(f, 50 + i, "ctp-author", "OFFICIAL",
		    "user:police-reader", NULL, ids[i]);
	for (int i = 0; i < NGONE; i++)
		isa_ok(f->h, "ctp-author", ARGS("recall", ids[i], "--reason",
		    "r"));
	live = filed_under(f->h, "user:police-reader");
	gone = filed_under(f->h, DOCINDEX_GONE "user:police-reader");
	for (int i = 0; i < NGONE; i++) {
		if (idlist_has(&live, ids[i]))
			fail_msg("recalled %s is under the live key (%zu "
			    "entries there)", ids[i], live.n);
		assert_true(idlist_has(&gone, ids[i]));
	}
	assert_true(idlist_has(&live, ids[NGONE]));
	assert_false(idlist_has(&gone, ids[NGONE]));
	assert_int_equal(live.n, 3);	/* and D_USER, D_EMBARGO */
	free(live.ids);
	free(gone.ids);
	spaces_clean(f->h);
	ls_equals_scan(f->h, atoll(NOW_1), scans);
	free_scans(scans);

	/* info: "recalled" to one on the list, missing to one off it */
	r = h_isa(f->h, "police-reader", ARGS("info", ids[0]));
	assert_int_not_equal(r.status, 0);
	if (strstr(r.err, "recalled") == NULL)
		fail_msg("info to police-reader: %s", r.err);
	h_result_free(&r);
	memset(none, 0x11, sizeof(none));
	docid_format(none, fake);
	r = h_isa(f->h, "outsider", ARGS("info", ids[0]));
	m = h_isa(f->h, "outsider", ARGS("info", fake));
	assert_int_equal(r.status, m.status);
	want = replaced(m.err, fake, ids[0]);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, m.out);
	free(want);
	h_result_free(&r);
	h_result_free(&m);
}

/* ---- isad check --deep ---- */

static void
check_clean(harness_t *h)
{
	h_result_t r = h_check_deep(h);

	if (r.status != 0 || strstr(r.out, "index access: ok") == NULL ||
	    strstr(r.out, "index content: ok") == NULL ||
	    strstr(r.out, "index marking: ok") == NULL)
		fail_msg("check --deep: exit %d: %s%s", r.status, r.out, r.err);
	h_result_free(&r);
}

static store_t *
open_rw(harness_t *h)
{
	store_t *s = NULL;
	char err[256];

	if (store_open(h_data_dir(h), MAP_SIZE, &s, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

typedef struct {
	uint8_t (*keys)[STORE_INDEX_KEY_MAX];
	size_t *lens;
	size_t n, cap;
} keys_t;

static int
collect(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	keys_t *k = arg;

	(void)val;
	(void)vlen;
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 64;
		k->keys = realloc(k->keys, k->cap * sizeof(*k->keys));
		k->lens = realloc(k->lens, k->cap * sizeof(*k->lens));
		assert_non_null(k->keys);
		assert_non_null(k->lens);
	}
	assert_true(klen <= STORE_INDEX_KEY_MAX);
	memcpy(k->keys[k->n], key, klen);
	k->lens[k->n++] = klen;
	return 0;
}

/*
 * A store as schema 2 left it (every access entry under its live key with
 * no value, a recalled or destroyed document's too): isad gives each its
 * document's state at start and moves the gone documents' entries to the
 * gone keys, and then the check is clean and ls still equals the full
 * scan.
 */
static void
test_schema2_store_upgraded(void **state)
{
	fixture_t *f = *state;
	static const uint8_t two[4] = { 0, 0, 0, 2 };
	keys_t k = { 0 };
	idlist_t scans[NUSERS];
	store_txn_t *t;
	store_t *s;

	check_clean(f->h);
	assert_int_equal(h_stop(f->h), 0);
	s = open_rw(f->h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	assert_int_equal(store_iter(t, STORE_ACCESS, NULL, 0, collect, &k), 0);
	assert_true(k.n > NDOCS);
	for (size_t i = 0; i < k.n; i++) {
		size_t skip = 0;

		if (k.lens[i] > DOCINDEX_GONE_LEN && memcmp(k.keys[i],
		    DOCINDEX_GONE, DOCINDEX_GONE_LEN) == 0) {
			assert_int_equal(store_del(t, STORE_ACCESS, k.keys[i],
			    k.lens[i]), 0);
			skip = DOCINDEX_GONE_LEN;
		}
		assert_int_equal(store_put(t, STORE_ACCESS, k.keys[i] + skip,
		    k.lens[i] - skip, "", 0), 0);
	}
	assert_int_equal(store_put(t, STORE_META, "schema", 6, two, 4), 0);
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
	free(k.keys);
	free(k.lens);
	{
		h_result_t r = h_check_deep(f->h);	/* refused: too old */

		assert_int_not_equal(r.status, 0);
		h_result_free(&r);
	}
	start(f, NOW_2);
	seen_is(look(f->h, f->ids[D_RECALLED], "all", "all"), DOC_RECALLED,
	    true, DOC_RECALLED);
	seen_is(look(f->h, f->ids[D_DESTROYED], "agency:police",
	    "agency:police"), DOC_DESTROYED, true, DOC_DESTROYED);
	seen_is(look(f->h, f->ids[D_USER], "user:police-reader",
	    "user:police-reader"), DOC_ACTIVE, true, DOC_ACTIVE);
	spaces_clean(f->h);
	check_clean(f->h);
	ls_equals_scan(f->h, atoll(NOW_2), scans);
	free_scans(scans);
}

/* key (a principal) || document idtext, into out; its length. */
static size_t
access_key(uint8_t *out, const char *principal, const char *idtext)
{
	size_t n = strlen(principal) + 1;

	memcpy(out, principal, n);
	assert_int_equal(docid_parse(idtext, out + n), 0);
	return n + DOCID_LEN;
}

static void
has_line(const char *out, const char *index, const char *kind,
    const char *what, const char *idtext)
{
	char want[512];
	const char *p;

	snprintf(want, sizeof(want), "index %s: %s: %s%s%s", index, kind,
	    what, what[0] != '\0' ? " " : "", idtext);
	if ((p = strstr(out, want)) == NULL)
		fail_msg("no \"%s\" in: %s", want, out);
}

/*
 * Access entries damaged in a stopped store: a live entry of a recalled
 * document, a gone entry of an active one, a live and a gone entry
 * deleted, one naming a principal off the list, a gone entry's value
 * changed; and the content and marking indexes damaged: each is reported,
 * exit 1.  Restarted, isad serves as before: the damage narrows nothing it
 * should not (a stray grants nothing, the live entry of the recalled
 * document is refused by policy, the entry deleted is one of two keys that
 * find the document).
 */
static void
test_check_deep_finds_damage(void **state)
{
	fixture_t *f = *state;
	uint8_t k[STORE_INDEX_KEY_MAX], sha[32], active = DOC_ACTIVE,
	    destroyed = DOC_DESTROYED;
	const void *v;
	size_t vl, n;
	idlist_t scans[NUSERS];
	store_txn_t *t;
	store_t *s;
	h_result_t r;

	check_clean(f->h);
	assert_int_equal(h_stop(f->h), 0);
	s = open_rw(f->h);
	assert_int_equal(store_txn_begin(s, true, &t), 0);
	/* access: stray (live of a recalled document, gone of an active
	 * one, off the list), missing (live, gone), wrong */
	n = access_key(k, "all", f->ids[D_RECALLED]);
	assert_int_equal(store_put(t, STORE_ACCESS, k, n, &active, 1), 0);
	n = access_key(k, DOCINDEX_GONE "user:police-reader", f->ids[D_USER]);
	assert_int_equal(store_put(t, STORE_ACCESS, k, n, &active, 1), 0);
	n = access_key(k, "user:outsider", f->ids[D_AGENCY]);
	assert_int_equal(store_put(t, STORE_ACCESS, k, n, &active, 1), 0);
	n = access_key(k, "up:ctp-author", f->ids[D_SHARED]);
	assert_int_equal(store_get(t, STORE_ACCESS, k, n, &v, &vl), 0);
	assert_int_equal(store_del(t, STORE_ACCESS, k, n), 0);
	n = access_key(k, DOCINDEX_GONE "agency:police", f->ids[D_DESTROYED]);
	assert_int_equal(store_get(t, STORE_ACCESS, k, n, &v, &vl), 0);
	assert_int_equal(store_del(t, STORE_ACCESS, k, n), 0);
	n = access_key(k, DOCINDEX_GONE "up:ctp-author", f->ids[D_RECALLED]);
	assert_int_equal(store_get(t, STORE_ACCESS, k, n, &v, &vl), 0);
	assert_int_equal(store_put(t, STORE_ACCESS, k, n, &destroyed, 1), 0);
	/* content: missing (D_ALL's), stray (a destroyed document's) */
	{
		uint8_t raw[DOCID_LEN];
		Isad__StoredDoc *d;

		assert_int_equal(docid_parse(f->ids[D_ALL], raw), 0);
		assert_int_equal(records_doc_get(t, raw, &d), 0);
		assert_int_equal(d->sha256.len, 32);
		assert_int_equal(store_index_del(t, STORE_SHA, d->sha256.data,
		    32, raw), 0);
		records_doc_free(d);
		memset(sha, 0x5a, sizeof(sha));
		assert_int_equal(docid_parse(f->ids[D_DESTROYED], raw), 0);
		assert_int_equal(store_index_put(t, STORE_SHA, sha, 32, raw),
		    0);
		/* marking: missing (D_GROUP's), stray (no such document) */
		assert_int_equal(docid_parse(f->ids[D_GROUP], raw), 0);
		assert_int_equal(store_del(t, STORE_MARKS, raw, DOCID_LEN), 0);
		memset(raw, 0xee, sizeof(raw));
		assert_int_equal(store_put(t, STORE_MARKS, raw, DOCID_LEN,
		    sha, 32), 0);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);

	r = h_check_deep(f->h);
	assert_int_equal(r.status, 1);
	has_line(r.out, "access", "stray", "all", f->ids[D_RECALLED]);
	has_line(r.out, "access", "stray", "gone user:police-reader",
	    f->ids[D_USER]);
	has_line(r.out, "access", "stray", "user:outsider", f->ids[D_AGENCY]);
	has_line(r.out, "access", "missing", "up:ctp-author",
	    f->ids[D_SHARED]);
	has_line(r.out, "access", "missing", "gone agency:police",
	    f->ids[D_DESTROYED]);
	has_line(r.out, "access", "wrong", "gone up:ctp-author",
	    f->ids[D_RECALLED]);
	assert_non_null(strstr(r.out, ": a live entry of a recalled "
	    "document"));
	assert_non_null(strstr(r.out, ": a gone entry of an active "
	    "document"));
	has_line(r.out, "content", "missing", "the content of",
	    f->ids[D_ALL]);
	has_line(r.out, "content", "stray", "content of",
	    f->ids[D_DESTROYED]);
	has_line(r.out, "marking", "missing", "the marking of",
	    f->ids[D_GROUP]);
	{
		uint8_t raw[DOCID_LEN];
		char none[DOCID_TEXT_LEN + 1];

		memset(raw, 0xee, sizeof(raw));
		docid_format(raw, none);
		has_line(r.out, "marking", "stray", "the marking of", none);
	}
	assert_non_null(strstr(r.out, "index access: 2 missing, 3 stray, 1 "
	    "wrong"));
	assert_non_null(strstr(r.out, "index content: 1 missing, 1 stray, 0 "
	    "wrong"));
	assert_non_null(strstr(r.out, "index marking: 1 missing, 1 stray, 0 "
	    "wrong"));
	assert_null(strstr(r.out, "Access index"));	/* never a title */
	h_result_free(&r);

	/* isad still serves, and lists as the records say */
	start(f, NOW_2);
	ls_equals_scan(f->h, atoll(NOW_2), scans);
	free_scans(scans);
}

/* In a stopped store: len bytes at off of the value of idtext's access
 * entry under each of keys (its live keys) set to bytes. */
static void
poke(harness_t *h, const char *idtext, const char *const *keys, size_t nk,
    size_t off, const uint8_t *bytes, size_t len)
{
	uint8_t k[STORE_INDEX_KEY_MAX], val[DOCINDEX_VALUE_LEN];
	const void *v;
	size_t vl;
	store_txn_t *t;
	store_t *s = open_rw(h);

	assert_int_equal(store_txn_begin(s, true, &t), 0);
	for (size_t i = 0; i < nk; i++) {
		size_t n = access_key(k, keys[i], idtext);

		assert_int_equal(store_get(t, STORE_ACCESS, k, n, &v, &vl), 0);
		assert_int_equal(vl, DOCINDEX_VALUE_LEN);
		memcpy(val, v, vl);
		memcpy(val + off, bytes, len);
		assert_int_equal(store_put(t, STORE_ACCESS, k, n, val, vl), 0);
	}
	assert_int_equal(store_txn_commit(t), 0);
	store_close(s);
}

/* How many of user's ls (pages of 2) and full scan hold idtext. */
static void
lists(harness_t *h, const char *user, const char *idtext, bool ls,
    bool scan)
{
	idlist_t l = ls_paged(h, user, 2);

	if (idlist_has(&l, idtext) != ls)
		fail_msg("%s's ls %s %s", user, ls ? "lacks" : "holds", idtext);
	free(l.ids);
	l = full_scan(h, user, atoll(NOW_2));
	assert_int_equal(idlist_has(&l, idtext), scan);
	free(l.ids);
}

static const char *const all_keys[] = { "up:ctp-author", "orig:ctpse",
    "all" };

/*
 * ls skips a live entry whose value says recalled without reading the
 * record (damage: live keys hold only active documents): every key of an
 * active document valued "recalled" (a stopped store) hides it from ls,
 * though the record would list it.  Put back, it lists again.
 */
static void
test_ls_skips_gone_unread(void **state)
{
	fixture_t *f = *state;

	for (int pass = 0; pass < 2; pass++) {
		uint8_t v = pass == 0 ? DOC_RECALLED : DOC_ACTIVE;

		assert_int_equal(h_stop(f->h), 0);
		poke(f->h, f->ids[D_ALL], all_keys, 3, 0, &v, 1);
		start(f, NOW_2);
		lists(f->h, "outsider", f->ids[D_ALL], pass == 1, true);
	}
	check_clean(f->h);
}

/*
 * The attacker's finding F1: an embargo still running, or a classification
 * above the caller's clearance, on a document under a broad key made
 * everyone's ls read it.  Now the entry's value rules them out unread: an
 * active OFFICIAL document to all whose entries say "embargoed until far
 * off" (a stopped store) is not listed to outsider, though its record
 * would be; its author (up:) and its originator's approver (orig:) pass an
 * embargo under their own keys and still list it.  Its entries saying
 * SECRET hide it from council-officer (BPSS), not from outsider (SC).
 * Put back, the check is clean.
 */
static void
test_ls_skips_ruled_out_unread(void **state)
{
	fixture_t *f = *state;
	const char *id = f->ids[D_ALL];
	static const uint8_t far[8] = { 0, 0, 0, 0x10, 0, 0, 0, 0 },
	    none[8] = { 0 };
	uint8_t secret = CLASSIFICATION_SECRET,
	    official = CLASSIFICATION_OFFICIAL;

	assert_int_equal(h_stop(f->h), 0);
	poke(f->h, id, all_keys, 3, 2, far, 8);
	start(f, NOW_2);
	lists(f->h, "outsider", id, false, true);
	lists(f->h, "ctp-author", id, true, true);
	lists(f->h, "ctp-approver", id, true, true);

	assert_int_equal(h_stop(f->h), 0);
	poke(f->h, id, all_keys, 3, 2, none, 8);
	poke(f->h, id, all_keys, 3, 1, &secret, 1);
	start(f, NOW_2);
	lists(f->h, "council-officer", id, false, true);
	lists(f->h, "outsider", id, true, true);

	assert_int_equal(h_stop(f->h), 0);
	poke(f->h, id, all_keys, 3, 1, &official, 1);
	start(f, NOW_2);
	lists(f->h, "council-officer", id, true, true);
	check_clean(f->h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ls_equals_full_scan),
		cmocka_unit_test(test_ls_walks_live_keys_only),
		cmocka_unit_test(test_grant_and_recall_one_commit),
		cmocka_unit_test(test_destruction_one_commit),
		cmocka_unit_test(test_schema2_store_upgraded),
		cmocka_unit_test(test_ls_skips_gone_unread),
		cmocka_unit_test(test_ls_skips_ruled_out_unread),
		cmocka_unit_test(test_check_deep_finds_damage),
	};

#ifndef ISA_TEST_BUILD
	/* Its store is made with isad's clock moved (ISAD_TEST_NOW) and its
	 * commits failed on purpose (ISAD_TEST_COMMIT_FAULT). */
	(void)tests;
	(void)setup;
	(void)teardown;
	print_message("[  SKIP    ] only a test build of isad reads "
	    "ISAD_TEST_NOW and ISAD_TEST_COMMIT_FAULT\n");
	return 0;
#else
	return cmocka_run_group_tests(tests, setup, teardown);
#endif
}
