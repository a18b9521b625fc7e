/* records_chunk.c: content chunks at rest: STORE_CHUNKS, doc id || index (BE) -> sealed bytes. */
#include <string.h>

#include "common/be64.h"
#include "common/err.h"
#include "daemon/store/records_names.h"

void
records_chunk_key(uint8_t key[RECORDS_CHUNK_KEY_LEN],
    const uint8_t id[RECORDS_ID_LEN], uint64_t index)
{
	memcpy(key, id, RECORDS_ID_LEN);
	be64_put(key + RECORDS_ID_LEN, index);
}

int
records_chunk_key_parse(const void *key, size_t klen,
    uint8_t id[RECORDS_ID_LEN], uint64_t *index)
{
	if (klen != RECORDS_CHUNK_KEY_LEN)
		return ISA_ERR_PARSE;
	if (id != NULL)
		memcpy(id, key, RECORDS_ID_LEN);
	*index = be64_get((const uint8_t *)key + RECORDS_ID_LEN);
	return 0;
}

int
records_chunk_get(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    uint64_t index, const void **val, size_t *len)
{
	uint8_t key[RECORDS_CHUNK_KEY_LEN];

	records_chunk_key(key, id, index);
	return store_get(t, STORE_CHUNKS, key, sizeof(key), val, len);
}

int
records_chunk_put(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    uint64_t index, const void *val, size_t len)
{
	uint8_t key[RECORDS_CHUNK_KEY_LEN];

	int rc;

	records_chunk_key(key, id, index);
	if ((rc = store_put(t, STORE_CHUNKS, key, sizeof(key), val, len)) != 0)
		return rc;
	return records_chunk_mark(t, id);
}

int
records_chunk_del_all(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN])
{
	int rc = store_del_prefix(t, STORE_CHUNKS, id, RECORDS_ID_LEN);

	return rc != 0 ? rc : records_chunk_done(t, id);
}

int
records_chunk_done(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN])
{
	return store_del(t, STORE_UPLOADS, id, RECORDS_ID_LEN);
}

int
records_chunk_mark(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN])
{
	return store_put(t, STORE_UPLOADS, id, RECORDS_ID_LEN, "", 0);
}

int
records_chunk_unfinished_each(store_txn_t *t, store_index_fn fn, void *arg)
{
	return store_index_each(t, STORE_UPLOADS, "", 0, fn, arg);
}

typedef struct {
	records_chunk_fn fn;
	void *arg;
} chunk_walk_t;

static int
chunk_one(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	chunk_walk_t *w = arg;
	uint8_t id[RECORDS_ID_LEN];
	uint64_t index;

	(void)val;
	(void)vlen;
	if (records_chunk_key_parse(key, klen, id, &index) != 0)
		return 0;
	return w->fn(w->arg, id, index);
}

int
records_chunk_each(store_txn_t *t, records_chunk_fn fn, void *arg)
{
	chunk_walk_t w = { fn, arg };

	return store_iter(t, STORE_CHUNKS, NULL, 0, chunk_one, &w);
}

typedef struct {
	const uint8_t *id;
	uint64_t n;
} chunk_count_t;

static int
count_one(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	chunk_count_t *c = arg;
	uint8_t id[RECORDS_ID_LEN];
	uint64_t index;

	(void)val;
	(void)vlen;
	if (klen < RECORDS_ID_LEN || memcmp(key, c->id, RECORDS_ID_LEN) != 0)
		return 1;	/* past its chunks */
	if (records_chunk_key_parse(key, klen, id, &index) == 0)
		c->n++;
	return 0;
}

int
records_chunk_count(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    uint64_t *n)
{
	chunk_count_t c = { id, 0 };
	int rc = store_iter(t, STORE_CHUNKS, id, RECORDS_ID_LEN, count_one, &c);

	*n = c.n;
	return rc < 0 ? rc : 0;
}
