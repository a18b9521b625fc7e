/* reqindex.c: the store's index over share requests: who may see one (§5), and its target and marking for refusals. */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "daemon/store/docindex.h"
#include "daemon/store/reqindex.h"

int
reqindex_add(store_txn_t *t, const Isad__StoredRequest *q,
    const Isad__StoredDoc *doc, const char *marking)
{
	char line[DOCINDEX_MARKING_MAX], key[1 + DOCID_LEN];
	const uint8_t *id = q->id.data;
	size_t tl, ml;
	char *val;
	int rc;

	if (q->id.len != DOCID_LEN)
		return ISA_ERR_PARSE;
	if ((rc = docindex_add_key(t, STORE_REQSEE, "user:", q->requester, id)) != 0 ||
	    (rc = docindex_add_key(t, STORE_REQSEE, "user:", doc->author, id)) != 0 ||
	    (rc = docindex_add_key(t, STORE_REQSEE, "orig:", doc->originator, id)) != 0)
		return rc;
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
	memcpy(key + 1, id, DOCID_LEN);
	rc = store_put(t, STORE_MARKS, key, sizeof(key), val, tl + 1 + ml);
	free(val);
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

/* ---- Building (a store upgrade) and checking ---- */

static int
build_one(void *arg, const uint8_t *key, const void *val, size_t vlen)
{
	store_txn_t *t = arg;
	Isad__StoredRequest *q;
	Isad__StoredDoc *r = NULL;
	int rc = 0;

	(void)key;
	if (records_request_decode(val, vlen, &q) != 0)
		return 0;
	if (q->id.len == DOCID_LEN && q->doc.len == DOCID_LEN &&
	    records_doc_get(t, q->doc.data, &r) == 0)
		rc = reqindex_add(t, q, r, NULL);
	records_doc_free(r);
	records_request_free(q);
	return rc;
}

int
reqindex_build(store_txn_t *t, uint32_t from)
{
	int rc;

	if (from >= 2)
		return 0;
	rc = records_request_each(t, build_one, t);
	return rc <= 0 ? rc : ISA_ERR_IO;
}

int
reqindex_check(store_txn_t *t, indexcheck_t *ic)
{
	(void)t;
	indexcheck_begin(ic, "requests");
	return 0;
}
