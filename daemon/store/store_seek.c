/* store_seek.c: seeking in the store's databases, for the indexes: the first key at or after one, the last before one, the next id under a prefix. */
#include <stdint.h>
#include <string.h>

#include "common/err.h"
#include "daemon/store/store.h"
#include "daemon/store/store_priv.h"

/* Position a new cursor on db with op (key k, for the ops that take one);
 * the key and value found into *out. */
static int
seek(store_txn_t *t, store_db_t db, MDB_val *k, MDB_cursor_op op,
    store_kv_t *out)
{
	MDB_cursor *c;
	MDB_val v;
	int rc;

	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c)) != 0)
		return store_err(rc);
	rc = mdb_cursor_get(c, k, &v, op);
	mdb_cursor_close(c);
	if (rc != 0)
		return store_err(rc);
	out->key = k->mv_data;
	out->klen = k->mv_size;
	out->val = v.mv_data;
	out->vlen = v.mv_size;
	return 0;
}

int
store_seek(store_txn_t *t, store_db_t db, const void *key, size_t klen,
    store_kv_t *out)
{
	MDB_val k = { klen, (void *)(uintptr_t)key };

	return seek(t, db, &k, klen > 0 ? MDB_SET_RANGE : MDB_FIRST, out);
}

int
store_seek_before(store_txn_t *t, store_db_t db, const void *key,
    size_t klen, store_kv_t *out)
{
	MDB_val k = { klen, (void *)(uintptr_t)key };
	MDB_cursor *c;
	MDB_val v;
	int rc;

	if (key == NULL)
		return seek(t, db, &k, MDB_LAST, out);
	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c)) != 0)
		return store_err(rc);
	/* At or after key, then one back; nothing at or after: the last. */
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (rc == 0)
		rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	mdb_cursor_close(c);
	if (rc != 0)
		return store_err(rc);
	out->key = k.mv_data;
	out->klen = k.mv_size;
	out->val = v.mv_data;
	out->vlen = v.mv_size;
	return 0;
}

int
store_index_next(store_txn_t *t, store_db_t db, const void *prefix,
    size_t plen, const uint8_t *after, uint8_t id[16], const void **val,
    size_t *vlen)
{
	uint8_t key[STORE_INDEX_KEY_MAX];
	MDB_cursor *c;
	MDB_val k, v;
	size_t klen = plen;
	int rc;

	if (plen > STORE_INDEX_KEY_MAX - 16)
		return ISA_ERR_RANGE;
	memcpy(key, prefix, plen);
	if (after != NULL) {
		memcpy(key + plen, after, 16);
		klen += 16;
	}
	k.mv_size = klen;
	k.mv_data = key;
	if ((rc = mdb_cursor_open(t->txn, t->s->dbi[db], &c)) != 0)
		return store_err(rc);
	rc = mdb_cursor_get(c, &k, &v, klen > 0 ? MDB_SET_RANGE : MDB_FIRST);
	/* Past after itself, and past any key of another length (a longer
	 * prefix beginning with this one). */
	while (rc == 0 && k.mv_size >= plen &&
	    memcmp(k.mv_data, prefix, plen) == 0 &&
	    (k.mv_size != plen + 16 || (after != NULL &&
	    memcmp((const uint8_t *)k.mv_data + plen, after, 16) <= 0)))
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	if (rc == 0 && (k.mv_size != plen + 16 ||
	    memcmp(k.mv_data, prefix, plen) != 0))
		rc = MDB_NOTFOUND;
	mdb_cursor_close(c);
	if (rc != 0)
		return store_err(rc);
	memcpy(id, (const uint8_t *)k.mv_data + plen, 16);
	if (val != NULL)
		*val = v.mv_data;
	if (vlen != NULL)
		*vlen = v.mv_size;
	return 0;
}
