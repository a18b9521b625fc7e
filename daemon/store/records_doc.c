/* records_doc.c: documents at rest: STORE_DOCS, id -> StoredDoc; the one codec, the state as doc_state_t. */
#include <stdlib.h>

#include "common/err.h"
#include "daemon/store/records_names.h"

/* The names of doc_state_t at rest. */
static const char *const doc_states[] = {
	[DOC_ACTIVE] = "active",
	[DOC_RECALLED] = "recalled",
	[DOC_DESTROYED] = "destroyed",
};

int
records_doc_decode(const void *val, size_t len, Isad__StoredDoc **out)
{
	Isad__StoredDoc *r = isad__stored_doc__unpack(NULL, len, val);

	*out = NULL;
	if (r == NULL)
		return ISA_ERR_PARSE;
	if (records_name_index(doc_states, RECORDS_NAMES(doc_states), r->state) < 0) {
		isad__stored_doc__free_unpacked(r, NULL);
		return ISA_ERR_PARSE;
	}
	*out = r;
	return 0;
}

int
records_doc_encode(const Isad__StoredDoc *r, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (records_name_index(doc_states, RECORDS_NAMES(doc_states), r->state) < 0)
		return ISA_ERR_INVAL;
	*len = isad__stored_doc__get_packed_size(r);
	if ((*out = malloc(*len > 0 ? *len : 1)) == NULL)
		return ISA_ERR_NOMEM;
	isad__stored_doc__pack(r, *out);
	return 0;
}

int
records_doc_get(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    Isad__StoredDoc **out)
{
	const void *val;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = store_get(t, STORE_DOCS, id, RECORDS_ID_LEN, &val, &len))
	    != 0)
		return rc;
	return records_doc_decode(val, len, out);
}

int
records_doc_put(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    const Isad__StoredDoc *r)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = records_doc_encode(r, &buf, &len)) != 0)
		return rc;
	rc = store_put(t, STORE_DOCS, id, RECORDS_ID_LEN, buf, len);
	free(buf);
	return rc;
}

int
records_doc_put_encoded(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    const uint8_t *val, size_t len)
{
	return store_put(t, STORE_DOCS, id, RECORDS_ID_LEN, val, len);
}

int
records_doc_has(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN])
{
	const void *val;
	size_t len;

	return store_get(t, STORE_DOCS, id, RECORDS_ID_LEN, &val, &len);
}

int
records_doc_each(store_txn_t *t, const uint8_t *from, records_each_fn fn,
    void *arg)
{
	return records_id_each(t, STORE_DOCS, from, fn, arg);
}

void
records_doc_free(Isad__StoredDoc *r)
{
	if (r != NULL)
		isad__stored_doc__free_unpacked(r, NULL);
}

doc_state_t
records_doc_state(const Isad__StoredDoc *r)
{
	int i = records_name_index(doc_states, RECORDS_NAMES(doc_states), r->state);

	/* Decoding refused any other name: should one be set by hand,
	 * nobody may read the document. */
	return i < 0 ? DOC_DESTROYED : (doc_state_t)i;
}

void
records_doc_set_state(Isad__StoredDoc *r, doc_state_t s)
{
	r->state = (char *)records_name_of(doc_states, RECORDS_NAMES(doc_states), s);
}

const char *
records_doc_state_name(doc_state_t s)
{
	return records_name_of(doc_states, RECORDS_NAMES(doc_states), s);
}
