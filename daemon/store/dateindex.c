/* dateindex.c: documents by the date something is due to them: destroy-after, review-by, an embargo lifting (DESIGN §15). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/be64.h"
#include "common/err.h"
#include "common/timefmt.h"
#include "daemon/store/dateindex.h"
#include "proto/docid.h"

#define DAY_S		86400
#define KINDS		3
#define VAL_MAX		16

/* One entry a document calls for (present), or would if its state had
 * not moved on (not present: to delete). */
typedef struct {
	uint8_t key[DATEINDEX_KEY_LEN];
	uint8_t val[VAL_MAX];
	size_t vlen;
	bool present;
} want_t;

/* A date's midnight UTC in Unix seconds; false when it does not parse. */
static bool
day_start(const char *date, int64_t *s)
{
	int64_t ms;

	if (date == NULL || date[0] == '\0' ||
	    timefmt_parse_date(date, &ms) != 0)
		return false;
	*s = ms / 1000;
	return true;
}

static void
want_set(want_t *w, int64_t due, char kind, const uint8_t *id,
    const void *val, size_t vlen, bool present)
{
	be64_put(w->key, due < 0 ? 0 : (uint64_t)due);
	w->key[8] = (uint8_t)kind;
	memcpy(w->key + 9, id, RECORDS_ID_LEN);
	memcpy(w->val, val, vlen);
	w->vlen = vlen;
	w->present = present;
}

/* The entries r calls for, and those it no longer does, into w; how
 * many. */
static size_t
wants(const Isad__StoredDoc *r, want_t w[KINDS])
{
	doc_state_t st = records_doc_state(r);
	uint8_t until[8];
	int64_t day;
	size_t n = 0;

	if (r->id.len != RECORDS_ID_LEN)
		return 0;
	if (day_start(r->destroy_after, &day))
		want_set(&w[n++], day + DAY_S, 'd', r->id.data,
		    r->destroy_after, strlen(r->destroy_after),
		    st != DOC_DESTROYED);
	/* A reminder or announcement the sweep had to put off (its view
	 * could not be made) is due again at sweep_retry, not before. */
	if (day_start(r->review_by, &day))
		want_set(&w[n++], day > r->sweep_retry ? day : r->sweep_retry,
		    'r', r->id.data, r->review_by,
		    strlen(r->review_by), st == DOC_ACTIVE &&
		    !r->review_reminded);
	if (r->embargo_until > r->created) {
		be64_put(until, (uint64_t)r->embargo_until);
		want_set(&w[n++], r->embargo_until > r->sweep_retry ?
		    r->embargo_until : r->sweep_retry, 'e', r->id.data, until,
		    sizeof(until), st == DOC_ACTIVE && !r->embargo_announced);
	}
	return n;
}

int
dateindex_sync(store_txn_t *t, const Isad__StoredDoc *r)
{
	want_t w[KINDS];
	size_t n = wants(r, w);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = w[i].present ? store_put(t, STORE_DATES, w[i].key,
		    DATEINDEX_KEY_LEN, w[i].val, w[i].vlen) :
		    store_del(t, STORE_DATES, w[i].key, DATEINDEX_KEY_LEN);
	return rc;
}

int
dateindex_drop(store_txn_t *t, const Isad__StoredDoc *r)
{
	want_t w[KINDS];
	size_t n = wants(r, w);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = store_del(t, STORE_DATES, w[i].key, DATEINDEX_KEY_LEN);
	return rc;
}

unsigned
dateindex_due(const Isad__StoredDoc *r, int64_t now)
{
	want_t w[KINDS];
	size_t n = wants(r, w);
	unsigned due = 0;

	for (size_t i = 0; i < n; i++) {
		if (!w[i].present || (int64_t)be64_get(w[i].key) > now)
			continue;
		due |= w[i].key[8] == 'd' ? DATEINDEX_DESTROY :
		    w[i].key[8] == 'r' ? DATEINDEX_REVIEW : DATEINDEX_ANNOUNCE;
	}
	return due;
}

/* Key k (klen bytes) as an entry: 0 or ISA_ERR_PARSE. */
static int
parse(const uint8_t *k, size_t klen, dateindex_entry_t *e)
{
	uint64_t due;

	if (klen != DATEINDEX_KEY_LEN || (k[8] != 'd' && k[8] != 'r' &&
	    k[8] != 'e') || (due = be64_get(k)) > INT64_MAX)
		return ISA_ERR_PARSE;
	e->due = (int64_t)due;
	e->kind = (char)k[8];
	memcpy(e->doc, k + 9, RECORDS_ID_LEN);
	return 0;
}

int
dateindex_first(store_txn_t *t, dateindex_entry_t *e)
{
	store_kv_t kv;
	int rc;

	if ((rc = store_seek(t, STORE_DATES, NULL, 0, &kv)) != 0)
		return rc;
	return parse(kv.key, kv.klen, e);
}

int
dateindex_del(store_txn_t *t, const dateindex_entry_t *e)
{
	uint8_t key[DATEINDEX_KEY_LEN];

	be64_put(key, e->due < 0 ? 0 : (uint64_t)e->due);
	key[8] = (uint8_t)e->kind;
	memcpy(key + 9, e->doc, RECORDS_ID_LEN);
	return store_del(t, STORE_DATES, key, sizeof(key));
}

int
dateindex_drop_first(store_txn_t *t)
{
	uint8_t key[STORE_INDEX_KEY_MAX];
	store_kv_t kv;
	int rc;

	if ((rc = store_seek(t, STORE_DATES, NULL, 0, &kv)) != 0)
		return rc == ISA_ERR_NOTFOUND ? 0 : rc;
	if (kv.klen > sizeof(key))
		return ISA_ERR_RANGE;	/* LMDB keeps keys shorter */
	memcpy(key, kv.key, kv.klen);
	return store_del(t, STORE_DATES, key, kv.klen);
}

/* ---- Building (a store upgrade) and checking ---- */

static int
build_one(void *arg, const uint8_t id[RECORDS_ID_LEN], const void *val,
    size_t len)
{
	store_txn_t *t = arg;
	Isad__StoredDoc *r;
	want_t w[KINDS];
	size_t n;
	int rc = 0;

	(void)id;
	if (records_doc_decode(val, len, &r) != 0)
		return 0;	/* damaged: nothing to go by */
	n = wants(r, w);
	for (size_t i = 0; i < n && rc == 0; i++)
		if (w[i].present)
			rc = store_put(t, STORE_DATES, w[i].key,
			    DATEINDEX_KEY_LEN, w[i].val, w[i].vlen);
	records_doc_free(r);
	return rc;
}

int
dateindex_build(store_txn_t *t, uint32_t from)
{
	int rc;

	if (from >= 3)
		return 0;
	rc = records_doc_each(t, NULL, build_one, t);
	return rc <= 0 ? rc : ISA_ERR_IO;
}

typedef struct {
	store_txn_t *t;
	indexcheck_t *ic;
} check_t;

static const char *
kind_name(uint8_t k)
{
	return k == 'd' ? "destroy-after" : k == 'r' ? "review-by" :
	    "embargo";
}

/* An entry's key as a report names it: what, when, which document. */
static void
report_key(const uint8_t *key, char *out, size_t len)
{
	char idtext[DOCID_TEXT_LEN + 1], when[TIMEFMT_LEN];
	uint64_t due = be64_get(key);

	timefmt_format_ms(due > INT64_MAX / 1000 ? 0 : (int64_t)due * 1000,
	    when);
	docid_format(key + 9, idtext);
	snprintf(out, len, "%s due %s, document %s", kind_name(key[8]), when,
	    idtext);
}

/* From the document: each entry it calls for is there, with its value
 * (one it no longer calls for is check_entry's stray). */
static int
check_doc(void *arg, const uint8_t id[RECORDS_ID_LEN], const void *val,
    size_t len)
{
	check_t *c = arg;
	Isad__StoredDoc *r;
	char what[160];
	want_t w[KINDS];
	const void *v;
	size_t n, vl;
	int rc = 0;

	(void)id;
	if (records_doc_decode(val, len, &r) != 0)
		return 0;	/* damaged: nothing to go by */
	n = wants(r, w);
	for (size_t i = 0; i < n; i++) {
		rc = store_get(c->t, STORE_DATES, w[i].key, DATEINDEX_KEY_LEN,
		    &v, &vl);
		if (rc != 0 && rc != ISA_ERR_NOTFOUND)
			break;
		report_key(w[i].key, what, sizeof(what));
		if (w[i].present)
			c->ic->entries++;
		if (w[i].present && rc != 0)
			indexcheck_missing(c->ic, "%s", what);
		else if (w[i].present && (vl != w[i].vlen ||
		    memcmp(v, w[i].val, vl) != 0))
			indexcheck_wrong(c->ic, "%s: its value is not the "
			    "document's date", what);
		rc = 0;
	}
	records_doc_free(r);
	return rc;
}

/* From the index: each entry is one its document calls for. */
static int
check_entry(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	check_t *c = arg;
	dateindex_entry_t e;
	Isad__StoredDoc *r;
	char what[160];
	want_t w[KINDS];
	bool ok = false;
	size_t n;
	int rc;

	(void)val;
	(void)vlen;
	if (parse(key, klen, &e) != 0) {
		indexcheck_stray(c->ic, "a key of %zu bytes that is no entry",
		    klen);
		return 0;
	}
	report_key(key, what, sizeof(what));
	if ((rc = records_doc_get(c->t, e.doc, &r)) == ISA_ERR_NOTFOUND) {
		indexcheck_stray(c->ic, "%s: no such document", what);
		return 0;
	}
	if (rc != 0)
		return rc == ISA_ERR_PARSE ? 0 : rc;
	n = wants(r, w);
	for (size_t i = 0; i < n && !ok; i++)
		ok = w[i].present && memcmp(w[i].key, key, klen) == 0;
	if (!ok)
		indexcheck_stray(c->ic, "%s: not called for by the document",
		    what);
	records_doc_free(r);
	return 0;
}

int
dateindex_check(store_txn_t *t, indexcheck_t *ic)
{
	check_t c = { t, ic };
	int rc;

	indexcheck_begin(ic, "dates");
	if ((rc = records_doc_each(t, NULL, check_doc, &c)) < 0 ||
	    (rc = store_iter(t, STORE_DATES, NULL, 0, check_entry, &c)) < 0)
		return rc;
	return 0;
}
