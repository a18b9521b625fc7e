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

/* The key kind+id is filed under into key; 0 when it files nothing (no
 * name, or one too long for a key: nobody a policy can hold). */
static size_t
filed_key(char key[KEY_MAX], const char *kind, const char *id)
{
	if (id == NULL || id[0] == '\0')
		return 0;
	return docindex_principal_key(key, kind, id);
}

int
docindex_doc_keys(const Isad__StoredDoc *r, docindex_key_fn fn, void *arg)
{
	char key[KEY_MAX];
	size_t n;
	int rc;

	if ((n = filed_key(key, "up:", r->author)) != 0 &&
	    (rc = fn(arg, key, n)) != 0)
		return rc;
	if ((n = filed_key(key, "up:", r->ingested_by)) != 0 &&
	    (rc = fn(arg, key, n)) != 0)
		return rc;
	if ((n = filed_key(key, "orig:", r->originator)) != 0 &&
	    (rc = fn(arg, key, n)) != 0)
		return rc;
	for (size_t i = 0; i < r->n_access; i++)
		if ((n = filed_key(key, "", r->access[i])) != 0 &&
		    (rc = fn(arg, key, n)) != 0)
			return rc;
	return 0;
}

size_t
docindex_gone_key(char out[DOCINDEX_GONE_KEY_MAX], const char *key,
    size_t klen)
{
	if (klen == 0 || klen > DOCINDEX_KEY_MAX)
		return 0;
	memcpy(out, DOCINDEX_GONE, DOCINDEX_GONE_LEN);
	memcpy(out + DOCINDEX_GONE_LEN, key, klen);
	return DOCINDEX_GONE_LEN + klen;
}

void
docindex_value(const Isad__StoredDoc *r, uint8_t out[DOCINDEX_VALUE_LEN])
{
	classification_t c;
	uint64_t e = r->embargo_until > 0 ? (uint64_t)r->embargo_until : 0;

	out[0] = (uint8_t)records_doc_state(r);
	out[1] = r->classification != NULL && policy_classification_parse(
	    r->classification, &c) == 0 ? (uint8_t)c : DOCINDEX_CLASS_UNKNOWN;
	for (int i = 0; i < 8; i++)
		out[2 + i] = (uint8_t)(e >> (56 - 8 * i));
}

typedef struct {
	store_txn_t *t;
	const uint8_t *id;
	uint8_t state;
	uint8_t val[DOCINDEX_VALUE_LEN];
	bool move;	/* it may be filed in the other key space: take it out */
} set_t;

/* One access entry of s's document, valued with its state, under its live
 * key while active, under its gone key once recalled or destroyed. */
static int
set_key(void *arg, const char *key, size_t klen)
{
	set_t *s = arg;
	char gone[DOCINDEX_GONE_KEY_MAX];
	size_t glen = docindex_gone_key(gone, key, klen);
	const char *to = key, *from = gone;
	size_t tolen = klen, fromlen = glen;
	int rc;

	if (glen == 0)
		return ISA_ERR_RANGE;
	if (s->state != DOC_ACTIVE) {
		to = gone;
		tolen = glen;
		from = key;
		fromlen = klen;
	}
	if ((rc = store_index_set(s->t, STORE_ACCESS, to, tolen, s->id,
	    s->val, DOCINDEX_VALUE_LEN)) != 0)
		return rc;
	return s->move ? store_index_del(s->t, STORE_ACCESS, from, fromlen,
	    s->id) : 0;
}

/* File every access key of r under the key space of its state; move: take
 * each out of the other space too (a state change, an upgrade). */
static int
file_doc(store_txn_t *t, const Isad__StoredDoc *r, bool move)
{
	set_t s = { t, r->id.data, (uint8_t)records_doc_state(r), { 0 },
	    move };

	if (r->id.len != DOCID_LEN)
		return ISA_ERR_PARSE;
	docindex_value(r, s.val);
	return docindex_doc_keys(r, set_key, &s);
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
	if ((rc = file_doc(t, r, false)) != 0)
		return rc;
	if (marking == NULL) {
		docindex_words_line(r, line, sizeof(line));
		marking = line;
	}
	return put_marks(t, id, r, marking);
}

int
docindex_add_access(store_txn_t *t, const Isad__StoredDoc *r,
    const char *principal)
{
	set_t s = { t, r->id.data, (uint8_t)records_doc_state(r), { 0 },
	    false };
	char key[KEY_MAX];
	size_t n;

	if (r->id.len != DOCID_LEN)
		return ISA_ERR_PARSE;
	docindex_value(r, s.val);
	if ((n = filed_key(key, "", principal)) == 0)
		return 0;
	return set_key(&s, key, n);
}

int
docindex_set_state(store_txn_t *t, const Isad__StoredDoc *r)
{
	return file_doc(t, r, true);
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
docindex_access_filed(store_txn_t *t, const char *key, size_t klen,
    const uint8_t doc[DOCID_LEN])
{
	char gone[DOCINDEX_GONE_KEY_MAX];
	size_t glen = docindex_gone_key(gone, key, klen);
	bool live, was;

	/* Both lookups, whichever answers: the count depends on the key. */
	live = klen != 0 && store_index_has(t, STORE_ACCESS, key, klen, doc)
	    == 0;
	was = glen != 0 && store_index_has(t, STORE_ACCESS, gone, glen, doc)
	    == 0;
	return live || was;
}

int
docindex_access_next(store_txn_t *t, const char *key, size_t klen,
    const uint8_t *after, uint8_t id[DOCID_LEN], docindex_entry_t *e)
{
	const uint8_t *b;
	const void *v;
	size_t vl;
	uint64_t u = 0;
	int rc;

	if ((rc = store_index_next(t, STORE_ACCESS, key, klen, after, id, &v,
	    &vl)) != 0)
		return rc;
	memset(e, 0, sizeof(*e));
	e->state = DOC_ACTIVE;
	e->classification = DOCINDEX_CLASS_UNKNOWN;
	b = v;
	if (vl != DOCINDEX_VALUE_LEN || b[0] > DOC_DESTROYED)
		return 0;
	for (int i = 0; i < 8; i++)
		u = u << 8 | b[2 + i];
	e->known = true;
	e->state = (doc_state_t)b[0];
	e->classification = b[1];
	e->embargo_until = u > INT64_MAX ? INT64_MAX : (int64_t)u;
	return 0;
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

/* One document of a store being upgraded from schema *from. */
typedef struct {
	store_txn_t *t;
	uint32_t from;
} build_t;

static int
build_one(void *arg, const uint8_t *key, const void *val, size_t vlen)
{
	build_t *b = arg;
	Isad__StoredDoc *r;
	int rc = 0;

	(void)key;
	if (records_doc_decode(val, vlen, &r) != 0) {
		log_warnx("a stored document record is damaged: not indexed");
		return 0;
	}
	if (r->id.len == DOCID_LEN)
		rc = b->from < 2 ? docindex_add_doc(b->t, r, NULL) :
		    docindex_set_state(b->t, r);
	records_doc_free(r);
	return rc;
}

int
docindex_build(store_txn_t *t, uint32_t from)
{
	build_t b = { t, from };
	int rc;

	if (from >= 3)
		return 0;
	/* Schema 1 kept one document per SHA-256 (the latest): rebuilt from
	 * the records, every document not destroyed counts again.  Schema 2
	 * filed every access key with no value under its live key: each gets
	 * its document's state, and a recalled or destroyed document's move
	 * to its gone keys. */
	if (from < 2 && (rc = store_del_prefix(t, STORE_SHA, "", 0)) != 0)
		return rc;
	if ((rc = records_doc_each(t, NULL, build_one, &b)) != 0)
		return rc < 0 ? rc : ISA_ERR_IO;
	return 0;
}
