/* reqindex_check.c: isad check --deep for the request index: each request's entries and refusal mark compared with the records both ways. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "daemon/store/reqindex.h"

/*
 * Walks with cursors, one decoded request (and its document) at a time:
 * every request's expected entries are looked up (missing, wrong), then
 * every entry and refusal mark is re-derived from the request it names
 * (stray).  What is printed names keys by principal and request id, never
 * a title or a reason.
 */

typedef struct {
	store_txn_t *t;
	indexcheck_t *ic;
} check_t;

/* Request id and its document, decoded: 0, 1 (damaged, or not a request:
 * nothing to check it by) or a store error.  *doc NULL when missing. */
static int
load(store_txn_t *t, const uint8_t id[DOCID_LEN], Isad__StoredRequest **q,
    Isad__StoredDoc **doc)
{
	int rc;

	*doc = NULL;
	if ((rc = records_request_get(t, id, q)) != 0)
		return rc == ISA_ERR_PARSE ? 1 : rc;
	if ((*q)->doc.len == DOCID_LEN &&
	    (rc = records_doc_get(t, (*q)->doc.data, doc)) != 0 &&
	    rc != ISA_ERR_NOTFOUND) {
		records_request_free(*q);
		*q = NULL;
		return rc == ISA_ERR_PARSE ? 1 : rc;
	}
	return 0;
}

/* From the request: each entry it calls for is there, with its value, and
 * its refusal's target (a pending key it no longer calls for is
 * check_entry's stray). */
static int
check_request(void *arg, const uint8_t *id, const void *val, size_t vlen)
{
	check_t *c = arg;
	Isad__StoredRequest *q;
	Isad__StoredDoc *doc;
	char idtext[DOCID_TEXT_LEN + 1], p[REQINDEX_PREFIX_MAX];
	uint8_t key[REQINDEX_PREFIX_MAX + DOCID_LEN];
	reqindex_want_t w[REQINDEX_WANT_MAX];
	const void *v;
	size_t n, vl;
	int rc;

	(void)val;
	(void)vlen;
	if ((rc = load(c->t, id, &q, &doc)) != 0)
		return rc == 1 ? 0 : rc;
	docid_format(id, idtext);
	n = reqindex_wants(q, doc, w);
	for (size_t i = 0; i < n; i++) {
		indexcheck_text(w[i].prefix, w[i].plen, p, sizeof(p));
		memcpy(key, w[i].prefix, w[i].plen);
		memcpy(key + w[i].plen, id, DOCID_LEN);
		rc = store_get(c->t, STORE_REQSEE, key, w[i].plen + DOCID_LEN,
		    &v, &vl);
		if (rc != 0 && rc != ISA_ERR_NOTFOUND)
			goto out;
		if (w[i].present)
			c->ic->entries++;
		if (w[i].present && rc != 0)
			indexcheck_missing(c->ic, "%s request %s", p, idtext);
		else if (w[i].present && (w[i].val == 0 ? vl != 0 :
		    vl != 1 || *(const char *)v != w[i].val))
			indexcheck_wrong(c->ic, "%s request %s: its state is "
			    "%s", p, idtext, q->state);
	}
	if (doc != NULL) {	/* filed with it, as every request is */
		const char *target, *marking;
		size_t tl, ml;

		c->ic->entries++;
		if (!reqindex_marks(c->t, id, &target, &tl, &marking, &ml))
			indexcheck_missing(c->ic, "the refusal marking of "
			    "request %s", idtext);
		else if (tl != strlen(q->target) || memcmp(target, q->target,
		    tl) != 0)
			indexcheck_wrong(c->ic, "the refusal marking of "
			    "request %s: not its target", idtext);
	}
	rc = 0;
out:
	records_doc_free(doc);
	records_request_free(q);
	return rc;
}

/* From the index: each entry is one its request calls for. */
static int
check_entry(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	check_t *c = arg;
	const uint8_t *k = key, *id;
	Isad__StoredRequest *q;
	Isad__StoredDoc *doc;
	char idtext[DOCID_TEXT_LEN + 1], p[REQINDEX_PREFIX_MAX];
	reqindex_want_t w[REQINDEX_WANT_MAX];
	size_t n, plen;
	bool ok = false;
	int rc;

	(void)val;
	(void)vlen;
	if (klen < 1 + DOCID_LEN || k[klen - DOCID_LEN - 1] != '\0') {
		indexcheck_stray(c->ic, "a key of %zu bytes that is no "
		    "entry", klen);
		return 0;
	}
	plen = klen - DOCID_LEN;
	id = k + plen;
	docid_format(id, idtext);
	indexcheck_text(k, plen, p, sizeof(p));
	if ((rc = load(c->t, id, &q, &doc)) == ISA_ERR_NOTFOUND) {
		indexcheck_stray(c->ic, "%s request %s: no such request", p,
		    idtext);
		return 0;
	}
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	n = reqindex_wants(q, doc, w);
	for (size_t i = 0; i < n && !ok; i++)
		ok = w[i].present && w[i].plen == plen &&
		    memcmp(w[i].prefix, k, plen) == 0;
	if (!ok)
		indexcheck_stray(c->ic, "%s request %s: not called for by the "
		    "request", p, idtext);
	records_doc_free(doc);
	records_request_free(q);
	return 0;
}

/* From the refusals' marks: each names a request. */
static int
check_mark(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	check_t *c = arg;
	const uint8_t *k = key;
	Isad__StoredRequest *q = NULL;
	char idtext[DOCID_TEXT_LEN + 1];
	int rc;

	(void)val;
	(void)vlen;
	if (klen == 0 || k[0] != 'r')
		return 1;	/* past the requests' marks */
	if (klen != 1 + DOCID_LEN)
		return 0;	/* a document's (16 bytes) */
	if ((rc = records_request_get(c->t, k + 1, &q)) == ISA_ERR_NOTFOUND) {
		docid_format(k + 1, idtext);
		indexcheck_stray(c->ic, "the refusal marking of request %s: "
		    "no such request", idtext);
		return 0;
	}
	records_request_free(q);
	return rc == ISA_ERR_PARSE ? 0 : rc;
}

int
reqindex_check(store_txn_t *t, indexcheck_t *ic)
{
	check_t c = { t, ic };
	int rc;

	indexcheck_begin(ic, "requests");
	if ((rc = records_request_each(t, check_request, &c)) < 0 ||
	    (rc = store_iter(t, STORE_REQSEE, NULL, 0, check_entry, &c)) < 0 ||
	    (rc = store_iter(t, STORE_MARKS, "r", 1, check_mark, &c)) < 0)
		return rc;
	return 0;
}
