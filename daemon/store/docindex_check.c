/* docindex_check.c: isad check --deep for the indexes over documents (access, content, marking): each compared with the records both ways. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "daemon/store/docindex.h"
#include "proto/sha256.h"

/*
 * Each check walks twice with cursors, holding one decoded record at a
 * time: every document's expected entries are looked up (missing, wrong),
 * then every entry of the index is re-derived from the record it names
 * (stray).  What is printed names keys by principal and document id
 * (docid_format), never a title or any content.
 */

/* ---- Access: ["gone "] principal key, NUL, doc id (16) -> state (1),
 * classification (1), embargo_until (8, BE) ---- */

typedef struct {
	store_txn_t *t;
	indexcheck_t *ic;
	const Isad__StoredDoc *r;
	char idtext[DOCID_TEXT_LEN + 1];
	const char *want_key;	/* docs_has_key: the key looked for */
	size_t want_len;
	size_t seen;		/* docs_has_key: keys of r before it */
	bool found;
	int rc;
} access_t;

/* Whether key is one of r's keys before the seen-th (a duplicate). */
static int
earlier_key(void *arg, const char *key, size_t klen)
{
	access_t *a = arg;

	if (a->seen-- == 0)
		return 1;	/* reached the key itself */
	if (klen == a->want_len && memcmp(key, a->want_key, klen) == 0) {
		a->found = true;
		return 1;
	}
	return 0;
}

/* One expected key of a->r: there, and valued with its state. */
static int
expect_key(void *arg, const char *key, size_t klen)
{
	access_t *a = arg, dup = *a;
	uint8_t k[DOCINDEX_GONE_KEY_MAX + DOCID_LEN];
	char name[DOCINDEX_GONE_KEY_MAX], gone[DOCINDEX_GONE_KEY_MAX];
	const void *v;
	size_t vl;
	uint8_t want = (uint8_t)records_doc_state(a->r);
	uint8_t val[DOCINDEX_VALUE_LEN];
	int rc;

	/* Filed once, whatever the record names twice. */
	dup.want_key = key;
	dup.want_len = klen;
	dup.found = false;
	a->seen++;
	if (docindex_doc_keys(a->r, earlier_key, &dup) != 0 && dup.found)
		return 0;
	a->ic->entries++;
	/* Live while active, gone once recalled or destroyed. */
	if (want != DOC_ACTIVE) {
		if ((klen = docindex_gone_key(gone, key, klen)) == 0)
			return 0;	/* no key made it: nothing to file */
		key = gone;
	}
	indexcheck_text(key, klen, name, sizeof(name));
	memcpy(k, key, klen);
	memcpy(k + klen, a->r->id.data, DOCID_LEN);
	rc = store_get(a->t, STORE_ACCESS, k, klen + DOCID_LEN, &v, &vl);
	if (rc == ISA_ERR_NOTFOUND)
		indexcheck_missing(a->ic, "%s %s", name, a->idtext);
	else if (rc != 0)
		return rc;
	else if (docindex_value(a->r, val), vl != DOCINDEX_VALUE_LEN ||
	    memcmp(v, val, DOCINDEX_VALUE_LEN) != 0)
		indexcheck_wrong(a->ic, "%s %s: the value is not its state "
		    "(%s), classification and embargo", name, a->idtext,
		    records_doc_state_name(records_doc_state(a->r)));
	return 0;
}

static int
access_doc(void *arg, const uint8_t *id, const void *val, size_t vlen)
{
	access_t *a = arg;
	Isad__StoredDoc *r;
	int rc;

	if (records_doc_decode(val, vlen, &r) != 0 || r->id.len != DOCID_LEN ||
	    memcmp(r->id.data, id, DOCID_LEN) != 0) {
		records_doc_free(r);
		return 0;	/* damaged: indexed by nothing, isad check says */
	}
	a->r = r;
	a->seen = 0;
	docid_format(id, a->idtext);
	rc = docindex_doc_keys(r, expect_key, a);
	records_doc_free(r);
	return rc;
}

/* Whether key is one of a->r's keys. */
static int
is_key(void *arg, const char *key, size_t klen)
{
	access_t *a = arg;

	return klen == a->want_len && memcmp(key, a->want_key, klen) == 0;
}

/* One entry of the index: its document names it, in the key space of its
 * state (live while active, gone once recalled or destroyed). */
static int
access_entry(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	access_t *a = arg;
	const uint8_t *k = key;
	char name[DOCINDEX_GONE_KEY_MAX];
	Isad__StoredDoc *r;
	doc_state_t state;
	bool gone = false;
	int rc;

	(void)val;
	(void)vlen;
	indexcheck_text(key, klen, name, sizeof(name));
	if (klen < DOCID_LEN + 2 || k[klen - DOCID_LEN - 1] != '\0' ||
	    memchr(k, '\0', klen - DOCID_LEN - 1) != NULL) {
		indexcheck_stray(a->ic, "%s: not a principal and a document id",
		    name);
		return 0;
	}
	docid_format(k + klen - DOCID_LEN, a->idtext);
	if ((rc = records_doc_get(a->t, k + klen - DOCID_LEN, &r)) ==
	    ISA_ERR_NOTFOUND || rc == ISA_ERR_PARSE) {
		indexcheck_stray(a->ic, "%s %s: %s", name, a->idtext,
		    rc == ISA_ERR_PARSE ? "its record is damaged" :
		    "no such document");
		return 0;
	}
	if (rc != 0)
		return rc;
	a->r = r;
	a->want_key = key;
	a->want_len = klen - DOCID_LEN;
	if (a->want_len > DOCINDEX_GONE_LEN &&
	    memcmp(key, DOCINDEX_GONE, DOCINDEX_GONE_LEN) == 0) {
		gone = true;
		a->want_key += DOCINDEX_GONE_LEN;
		a->want_len -= DOCINDEX_GONE_LEN;
	}
	state = records_doc_state(r);
	if (docindex_doc_keys(r, is_key, a) == 0)
		indexcheck_stray(a->ic, "%s %s: not on the document's list, "
		    "nor its uploader or originator", name, a->idtext);
	else if (gone && state == DOC_ACTIVE)
		indexcheck_stray(a->ic, "%s %s: a gone entry of an active "
		    "document", name, a->idtext);
	else if (!gone && state != DOC_ACTIVE)
		indexcheck_stray(a->ic, "%s %s: a live entry of a %s document",
		    name, a->idtext, records_doc_state_name(state));
	records_doc_free(r);
	return 0;
}

int
docindex_check(store_txn_t *t, indexcheck_t *ic)
{
	access_t a = { .t = t, .ic = ic };
	int rc;

	indexcheck_begin(ic, "access");
	if ((rc = records_doc_each(t, NULL, access_doc, &a)) != 0 ||
	    (rc = store_iter(t, STORE_ACCESS, NULL, 0, access_entry, &a)) != 0)
		return rc < 0 ? rc : ISA_ERR_IO;
	return 0;
}

/* ---- Content: SHA-256 (32) || doc id (16) -> "", not destroyed ---- */

typedef struct {
	store_txn_t *t;
	indexcheck_t *ic;
} walk_t;

static int
content_doc(void *arg, const uint8_t *id, const void *val, size_t vlen)
{
	walk_t *w = arg;
	char idtext[DOCID_TEXT_LEN + 1];
	Isad__StoredDoc *r;
	int rc;

	if (records_doc_decode(val, vlen, &r) != 0)
		return 0;
	if (r->sha256.len == SHA256_LEN &&
	    records_doc_state(r) != DOC_DESTROYED) {
		w->ic->entries++;
		rc = store_index_has(w->t, STORE_SHA, r->sha256.data,
		    SHA256_LEN, id);
		if (rc == ISA_ERR_NOTFOUND) {
			docid_format(id, idtext);
			indexcheck_missing(w->ic, "the content of %s", idtext);
		} else if (rc != 0) {
			records_doc_free(r);
			return rc;
		}
	}
	records_doc_free(r);
	return 0;
}

static int
content_entry(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	walk_t *w = arg;
	const uint8_t *k = key;
	char idtext[DOCID_TEXT_LEN + 1];
	Isad__StoredDoc *r;
	int rc;

	(void)val;
	(void)vlen;
	if (klen != SHA256_LEN + DOCID_LEN) {
		indexcheck_stray(w->ic, "a key of %zu bytes (not a SHA-256 and "
		    "a document id)", klen);
		return 0;
	}
	docid_format(k + SHA256_LEN, idtext);
	if ((rc = records_doc_get(w->t, k + SHA256_LEN, &r)) ==
	    ISA_ERR_NOTFOUND || rc == ISA_ERR_PARSE) {
		indexcheck_stray(w->ic, "content of %s: %s", idtext,
		    rc == ISA_ERR_PARSE ? "its record is damaged" :
		    "no such document");
		return 0;
	}
	if (rc != 0)
		return rc;
	if (records_doc_state(r) == DOC_DESTROYED)
		indexcheck_stray(w->ic, "content of %s: destroyed", idtext);
	else if (r->sha256.len != SHA256_LEN ||
	    memcmp(r->sha256.data, k, SHA256_LEN) != 0)
		indexcheck_stray(w->ic, "content of %s: not its SHA-256",
		    idtext);
	records_doc_free(r);
	return 0;
}

int
docindex_check_content(store_txn_t *t, indexcheck_t *ic)
{
	walk_t w = { t, ic };
	int rc;

	indexcheck_begin(ic, "content");
	if ((rc = records_doc_each(t, NULL, content_doc, &w)) != 0 ||
	    (rc = store_iter(t, STORE_SHA, NULL, 0, content_entry, &w)) != 0)
		return rc < 0 ? rc : ISA_ERR_IO;
	return 0;
}

/* ---- Marking: doc id (16) -> SHA-256 (32), marking line ---- */

static int
marks_doc(void *arg, const uint8_t *id, const void *val, size_t vlen)
{
	walk_t *w = arg;
	char idtext[DOCID_TEXT_LEN + 1];
	uint8_t sha[SHA256_LEN], want[SHA256_LEN] = { 0 };
	const char *line;
	Isad__StoredDoc *r;
	size_t len;

	if (records_doc_decode(val, vlen, &r) != 0)
		return 0;
	if (r->sha256.len == SHA256_LEN)
		memcpy(want, r->sha256.data, SHA256_LEN);
	records_doc_free(r);
	w->ic->entries++;
	docid_format(id, idtext);
	if (!docindex_marking(w->t, id, sha, &line, &len))
		indexcheck_missing(w->ic, "the marking of %s", idtext);
	else if (memcmp(sha, want, SHA256_LEN) != 0)
		indexcheck_wrong(w->ic, "the marking of %s: not its SHA-256",
		    idtext);
	return 0;
}

static int
marks_entry(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	walk_t *w = arg;
	char idtext[DOCID_TEXT_LEN + 1];
	int rc;

	(void)val;
	(void)vlen;
	/* 'r' || request id: the request index's (reqindex_check). */
	if (klen == 1 + DOCID_LEN && *(const uint8_t *)key == 'r')
		return 0;
	if (klen != DOCID_LEN) {
		indexcheck_stray(w->ic, "a key of %zu bytes (not a document "
		    "id)", klen);
		return 0;
	}
	if ((rc = records_doc_has(w->t, key)) == ISA_ERR_NOTFOUND) {
		docid_format(key, idtext);
		indexcheck_stray(w->ic, "the marking of %s: no such document",
		    idtext);
		return 0;
	}
	return rc;
}

int
docindex_check_marks(store_txn_t *t, indexcheck_t *ic)
{
	walk_t w = { t, ic };
	int rc;

	indexcheck_begin(ic, "marking");
	if ((rc = records_doc_each(t, NULL, marks_doc, &w)) != 0 ||
	    (rc = store_iter(t, STORE_MARKS, NULL, 0, marks_entry, &w)) != 0)
		return rc < 0 ? rc : ISA_ERR_IO;
	return 0;
}
