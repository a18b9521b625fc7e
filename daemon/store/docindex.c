/* docindex.c: the store's indexes over documents: same content (rule 6f), who could know a document (rule 2), the marking line for refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/store/docindex.h"
#include "policy/marking.h"
#include "proto/sha256.h"

#define KEY_MAX DOCINDEX_KEY_MAX
#define MARKING_MAX DOCINDEX_MARKING_MAX

size_t
docindex_principal_key(char *key, const char *kind, const char *id)
{
	int n = snprintf(key, KEY_MAX, "%s%s", kind, id);

	return n < 0 || n >= KEY_MAX ? 0 : (size_t)n + 1;
}

int
docindex_add_key(store_txn_t *t, store_db_t db, const char *kind,
    const char *id, const uint8_t *doc)
{
	char key[KEY_MAX];
	size_t n;

	if (id == NULL || id[0] == '\0' ||
	    (n = docindex_principal_key(key, kind, id)) == 0)
		return 0;
	return store_index_put(t, db, key, n, doc);
}

void
docindex_words_line(const Isad__StoredDoc *r, char *buf, size_t len)
{
	const char *handling = "RECIPIENTS ONLY";
	size_t n;

	for (onward_t o = ONWARD_APPROVAL; o <= ONWARD_OPEN; o++)
		if (r->onward != NULL && strcmp(r->onward,
		    policy_onward_name(o)) == 0)
			handling = policy_onward_handling(o);
	snprintf(buf, len, "%s", r->classification ? r->classification : "");
	for (size_t i = 0; i < r->n_descriptors; i++)
		if ((n = strlen(buf)) < len)
			snprintf(buf + n, len - n, " %s", r->descriptors[i]);
	for (size_t i = 0; i < r->n_caveats; i++)
		if ((n = strlen(buf)) < len)
			snprintf(buf + n, len - n, " %s", r->caveats[i]);
	if ((n = strlen(buf)) < len)
		snprintf(buf + n, len - n, " %s", handling);
}

/* id -> its SHA-256 (32 bytes, zeros when it has none), its marking. */
static int
put_marks(store_txn_t *t, const uint8_t *id, const Isad__StoredDoc *r,
    const char *marking)
{
	size_t ml = strlen(marking);
	uint8_t *val = calloc(1, SHA256_LEN + ml);
	int rc;

	if (val == NULL)
		return ISA_ERR_NOMEM;
	if (r->sha256.len == SHA256_LEN)
		memcpy(val, r->sha256.data, SHA256_LEN);
	memcpy(val + SHA256_LEN, marking, ml);
	rc = store_put(t, STORE_MARKS, id, DOCID_LEN, val, SHA256_LEN + ml);
	free(val);
	return rc;
}

int
docindex_add_doc(store_txn_t *t, const Isad__StoredDoc *r,
    const char *marking)
{
	char line[MARKING_MAX];
	const uint8_t *id = r->id.data;
	int rc;

	if (r->id.len != DOCID_LEN)
		return ISA_ERR_PARSE;
	if (r->sha256.len == 32 && records_doc_state(r) != DOC_DESTROYED &&
	    (rc = store_index_put(t, STORE_SHA, r->sha256.data, 32, id)) != 0)
		return rc;
	if ((rc = docindex_add_key(t, STORE_ACCESS, "up:", r->author, id)) != 0 ||
	    (rc = docindex_add_key(t, STORE_ACCESS, "up:", r->ingested_by, id)) != 0 ||
	    (rc = docindex_add_key(t, STORE_ACCESS, "orig:", r->originator, id)) != 0)
		return rc;
	for (size_t i = 0; i < r->n_access; i++)
		if ((rc = docindex_add_key(t, STORE_ACCESS, "", r->access[i], id)) != 0)
			return rc;
	if (marking == NULL) {
		docindex_words_line(r, line, sizeof(line));
		marking = line;
	}
	return put_marks(t, id, r, marking);
}

int
docindex_add_access(store_txn_t *t, const uint8_t id[DOCID_LEN],
    const char *principal)
{
	return docindex_add_key(t, STORE_ACCESS, "", principal, id);
}

int
docindex_set_state(store_txn_t *t, const Isad__StoredDoc *r)
{
	(void)t;
	(void)r;
	return 0;
}

int
docindex_drop_content(store_txn_t *t, const Isad__StoredDoc *r)
{
	if (r->sha256.len != 32 || r->id.len != DOCID_LEN)
		return 0;
	return store_index_del(t, STORE_SHA, r->sha256.data, 32, r->id.data);
}

int
docindex_same_content(store_txn_t *t, const uint8_t *sha, store_index_fn fn,
    void *arg)
{
	return store_index_each(t, STORE_SHA, sha, 32, fn, arg);
}

bool
docindex_has_key(store_txn_t *t, store_db_t db, const char *kind,
    const char *id, const uint8_t *doc)
{
	char key[KEY_MAX];
	size_t n = docindex_principal_key(key, kind, id);

	return n != 0 && store_index_has(t, db, key, n, doc) == 0;
}

bool
docindex_access_has(store_txn_t *t, const char *kind, const char *id,
    const uint8_t doc[DOCID_LEN])
{
	return docindex_has_key(t, STORE_ACCESS, kind, id, doc);
}

bool
docindex_marking(store_txn_t *t, const uint8_t id[DOCID_LEN],
    uint8_t sha[SHA256_LEN], const char **line, size_t *len)
{
	const void *v;
	size_t vl;

	if (store_get(t, STORE_MARKS, id, DOCID_LEN, &v, &vl) != 0 ||
	    vl < SHA256_LEN)
		return false;
	memcpy(sha, v, SHA256_LEN);
	*line = (const char *)v + SHA256_LEN;
	*len = vl - SHA256_LEN;
	return true;
}

/* ---- Building (a store upgrade) and checking ---- */

static int
build_one(void *arg, const uint8_t *key, const void *val, size_t vlen)
{
	store_txn_t *t = arg;
	Isad__StoredDoc *r;
	int rc;

	(void)key;
	if (records_doc_decode(val, vlen, &r) != 0) {
		log_warnx("a stored document record is damaged: not indexed");
		return 0;
	}
	rc = r->id.len == DOCID_LEN ? docindex_add_doc(t, r, NULL) : 0;
	records_doc_free(r);
	return rc;
}

int
docindex_build(store_txn_t *t, uint32_t from)
{
	int rc;

	if (from >= 2)
		return 0;
	/* Schema 1 kept one document per SHA-256 (the latest): rebuilt from
	 * the records, every document not destroyed counts again. */
	if ((rc = store_del_prefix(t, STORE_SHA, "", 0)) != 0 ||
	    (rc = records_doc_each(t, NULL, build_one, t)) != 0)
		return rc < 0 ? rc : ISA_ERR_IO;
	return 0;
}

int
docindex_check(store_txn_t *t, indexcheck_t *ic)
{
	(void)t;
	indexcheck_begin(ic, "access");
	return 0;
}
