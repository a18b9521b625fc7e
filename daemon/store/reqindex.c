/* reqindex.c: the store's index over share requests: who may see one (§5), which are pending, and its target and marking for refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "daemon/store/docindex.h"
#include "daemon/store/reqindex.h"

#define PENDING	"pending "
#define DOC	"doc:"

/* "pending "?, kind, id, NUL into out; its length, or 0 when it names
 * nobody (no id, or one too long for the access index's keys). */
static size_t
prefix_of(char *out, bool pending, const char *kind, const char *id)
{
	size_t base;
	int n;

	if (id == NULL || (id[0] == '\0' && strcmp(kind, REQINDEX_EVERY) != 0))
		return 0;
	base = strlen(kind) + strlen(id) + 1;
	if (base > DOCINDEX_KEY_MAX)
		return 0;
	n = snprintf(out, REQINDEX_PREFIX_MAX, "%s%s%s", pending ? PENDING :
	    "", kind, id);
	return n < 0 || n >= REQINDEX_PREFIX_MAX ? 0 : (size_t)n + 1;
}

size_t
reqindex_wants(const Isad__StoredRequest *q, const Isad__StoredDoc *doc,
    reqindex_want_t *w)
{
	request_state_t s = records_request_state(q);
	const char *author = doc != NULL && strcmp(doc->author,
	    q->requester) != 0 ? doc->author : NULL;
	char docid[DOCID_TEXT_LEN + 1] = "";
	const struct {
		const char *kind, *id;
		bool listed;	/* a listing's key: it has a pending one */
	} k[] = {
		{ REQINDEX_USER, q->requester, true },
		{ REQINDEX_USER, author, true },
		{ REQINDEX_ORIG, doc != NULL ? doc->originator : NULL, true },
		{ REQINDEX_EVERY, "", true },
		{ DOC, q->doc.len == DOCID_LEN ? docid : NULL, false },
	};
	size_t n = 0;

	if (q->doc.len == DOCID_LEN)
		docid_format(q->doc.data, docid);
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if ((w[n].plen = prefix_of(w[n].prefix, false, k[i].kind,
		    k[i].id)) == 0)
			continue;
		w[n].val = records_request_state_name(s)[0];
		w[n++].present = true;
		if (k[i].listed && (w[n].plen = prefix_of(w[n].prefix, true,
		    k[i].kind, k[i].id)) != 0) {
			w[n].val = 0;
			w[n++].present = s == REQUEST_PENDING;
		}
	}
	return n;
}

/* Write q's entries: each it calls for set, each it must not have gone. */
static int
put_entries(store_txn_t *t, const Isad__StoredRequest *q,
    const Isad__StoredDoc *doc)
{
	reqindex_want_t w[REQINDEX_WANT_MAX];
	size_t n = reqindex_wants(q, doc, w);
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = w[i].present ? store_index_set(t, STORE_REQSEE,
		    w[i].prefix, w[i].plen, q->id.data, &w[i].val,
		    w[i].val != 0 ? 1 : 0) : store_index_del(t, STORE_REQSEE,
		    w[i].prefix, w[i].plen, q->id.data);
	return rc;
}

/* The refusal's target and marking, under 'r' || id in STORE_MARKS. */
static int
put_marks(store_txn_t *t, const Isad__StoredRequest *q,
    const Isad__StoredDoc *doc, const char *marking)
{
	char line[DOCINDEX_MARKING_MAX], key[1 + DOCID_LEN];
	size_t tl, ml;
	char *val;
	int rc;

	if (marking == NULL) {
		docindex_words_line(doc, line, sizeof(line));
		marking = line;
	}
	tl = strlen(q->target);
	ml = strlen(marking);
	if ((val = malloc(tl + 1 + ml)) == NULL)
		return ISA_ERR_NOMEM;
	memcpy(val, q->target, tl + 1);
	memcpy(val + tl + 1, marking, ml);
	key[0] = 'r';
	memcpy(key + 1, q->id.data, DOCID_LEN);
	rc = store_put(t, STORE_MARKS, key, sizeof(key), val, tl + 1 + ml);
	free(val);
	return rc;
}

int
reqindex_add(store_txn_t *t, const Isad__StoredRequest *q,
    const Isad__StoredDoc *doc, const char *marking)
{
	int rc;

	if (q->id.len != DOCID_LEN)
		return ISA_ERR_PARSE;
	if ((rc = put_entries(t, q, doc)) != 0)
		return rc;
	return put_marks(t, q, doc, marking);
}

int
reqindex_set_state(store_txn_t *t, const Isad__StoredRequest *q)
{
	Isad__StoredDoc *doc = NULL;
	int rc;

	if (q->id.len != DOCID_LEN)
		return ISA_ERR_PARSE;
	if (q->doc.len == DOCID_LEN &&
	    (rc = records_doc_get(t, q->doc.data, &doc)) != 0 &&
	    rc != ISA_ERR_NOTFOUND)
		return rc;
	rc = put_entries(t, q, doc);
	records_doc_free(doc);
	return rc;
}

bool
reqindex_seen_by(store_txn_t *t, const char *kind, const char *id,
    const uint8_t req[DOCID_LEN])
{
	return docindex_has_key(t, STORE_REQSEE, kind, id, req);
}

bool
reqindex_marks(store_txn_t *t, const uint8_t id[DOCID_LEN],
    const char **target, size_t *target_len, const char **marking,
    size_t *marking_len)
{
	uint8_t key[1 + DOCID_LEN];
	const void *v;
	size_t vl, tl;

	*target = *marking = NULL;
	*target_len = *marking_len = 0;
	key[0] = 'r';
	memcpy(key + 1, id, DOCID_LEN);
	if (store_get(t, STORE_MARKS, key, sizeof(key), &v, &vl) != 0)
		return false;
	/* target NUL marking, or the target alone */
	tl = strnlen(v, vl);
	*target = v;
	*target_len = tl;
	*marking = tl < vl ? (const char *)v + tl + 1 : "";
	*marking_len = tl < vl ? vl - tl - 1 : 0;
	return true;
}

/* ---- Listing ---- */

void
reqindex_key_init(reqindex_key_t *k, const char *kind, const char *id,
    bool pending)
{
	memset(k, 0, sizeof(*k));
	k->plen = prefix_of(k->prefix, pending, kind, id);
}

int
reqindex_merge(store_txn_t *t, reqindex_key_t *keys, size_t n,
    reqindex_fn fn, void *arg)
{
	uint8_t last[DOCID_LEN];
	bool have_last = false;
	int rc;

	for (size_t i = 0; i < n; i++) {
		keys[i].at = false;
		keys[i].done = keys[i].plen == 0;
	}
	for (;;) {
		reqindex_key_t *best = NULL;

		for (size_t i = 0; i < n; i++) {
			reqindex_key_t *k = &keys[i];

			if (k->done)
				continue;
			/* Each key steps past what was last given, once. */
			if (!k->at || (have_last &&
			    memcmp(k->id, last, DOCID_LEN) <= 0)) {
				rc = store_index_next(t, STORE_REQSEE,
				    k->prefix, k->plen, have_last ? last : NULL,
				    k->id, NULL, NULL);
				if (rc == ISA_ERR_NOTFOUND) {
					k->done = true;
					continue;
				}
				if (rc != 0)
					return rc;
				k->at = true;
			}
			if (best == NULL || memcmp(k->id, best->id,
			    DOCID_LEN) < 0)
				best = k;
		}
		if (best == NULL)
			return 0;
		memcpy(last, best->id, DOCID_LEN);
		have_last = true;
		if ((rc = fn(arg, last)) != 0)
			return rc;
	}
}

/* ---- Building (a store upgrade); checking is reqindex_check.c ---- */

typedef struct {
	store_txn_t *t;
	uint32_t from;
} build_t;

static int
build_one(void *arg, const uint8_t *key, const void *val, size_t vlen)
{
	build_t *b = arg;
	Isad__StoredRequest *q;
	Isad__StoredDoc *r = NULL;
	int rc;

	(void)key;
	if (records_request_decode(val, vlen, &q) != 0)
		return 0;	/* damaged: nobody can act on it */
	if (q->id.len != DOCID_LEN || q->doc.len != DOCID_LEN) {
		records_request_free(q);
		return 0;
	}
	rc = records_doc_get(b->t, q->doc.data, &r);
	if (rc == ISA_ERR_NOTFOUND || rc == ISA_ERR_PARSE)
		rc = 0;		/* entries without the document's, as filed */
	/* Schema 2 has the refusals' marks (with the canonical line): only
	 * the entries are new. */
	if (rc == 0)
		rc = b->from < 2 && r != NULL ? reqindex_add(b->t, q, r, NULL) :
		    put_entries(b->t, q, r);
	records_doc_free(r);
	records_request_free(q);
	return rc;
}

int
reqindex_build(store_txn_t *t, uint32_t from)
{
	build_t b = { t, from };
	int rc;

	if (from >= 3)
		return 0;
	rc = records_request_each(t, build_one, &b);
	return rc <= 0 ? rc : ISA_ERR_IO;
}
