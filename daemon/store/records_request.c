/* records_request.c: share requests at rest: STORE_REQUESTS, id -> StoredRequest; the one codec, the state as request_state_t. */
#include <stdlib.h>

#include "common/err.h"
#include "daemon/store/records_names.h"

/* The names of request_state_t at rest. */
static const char *const request_states[] = {
	[REQUEST_PENDING] = "pending",
	[REQUEST_APPROVED] = "approved",
	[REQUEST_REFUSED] = "refused",
	[REQUEST_WITHDRAWN] = "withdrawn",
};

int
records_request_decode(const void *val, size_t len, Isad__StoredRequest **out)
{
	Isad__StoredRequest *q = isad__stored_request__unpack(NULL, len, val);

	*out = NULL;
	if (q == NULL)
		return ISA_ERR_PARSE;
	if (records_name_index(request_states, RECORDS_NAMES(request_states), q->state) < 0) {
		isad__stored_request__free_unpacked(q, NULL);
		return ISA_ERR_PARSE;
	}
	*out = q;
	return 0;
}

int
records_request_encode(const Isad__StoredRequest *q, uint8_t **out,
    size_t *len)
{
	*out = NULL;
	*len = 0;
	if (records_name_index(request_states, RECORDS_NAMES(request_states), q->state) < 0)
		return ISA_ERR_INVAL;
	*len = isad__stored_request__get_packed_size(q);
	if ((*out = malloc(*len > 0 ? *len : 1)) == NULL)
		return ISA_ERR_NOMEM;
	isad__stored_request__pack(q, *out);
	return 0;
}

int
records_request_get(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    Isad__StoredRequest **out)
{
	const void *val;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = store_get(t, STORE_REQUESTS, id, RECORDS_ID_LEN, &val,
	    &len)) != 0)
		return rc;
	return records_request_decode(val, len, out);
}

int
records_request_put(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    const Isad__StoredRequest *q)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = records_request_encode(q, &buf, &len)) != 0)
		return rc;
	rc = store_put(t, STORE_REQUESTS, id, RECORDS_ID_LEN, buf, len);
	free(buf);
	return rc;
}

int
records_request_put_encoded(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    const uint8_t *val, size_t len)
{
	return store_put(t, STORE_REQUESTS, id, RECORDS_ID_LEN, val, len);
}

int
records_request_each(store_txn_t *t, records_each_fn fn, void *arg)
{
	return records_id_each(t, STORE_REQUESTS, NULL, fn, arg);
}

void
records_request_free(Isad__StoredRequest *q)
{
	if (q != NULL)
		isad__stored_request__free_unpacked(q, NULL);
}

request_state_t
records_request_state(const Isad__StoredRequest *q)
{
	int i = records_name_index(request_states, RECORDS_NAMES(request_states), q->state);

	/* Never other (decoding refused it): a request nobody can act on. */
	return i < 0 ? REQUEST_WITHDRAWN : (request_state_t)i;
}

void
records_request_set_state(Isad__StoredRequest *q, request_state_t s)
{
	q->state = (char *)records_name_of(request_states, RECORDS_NAMES(request_states), s);
}

const char *
records_request_state_name(request_state_t s)
{
	return records_name_of(request_states, RECORDS_NAMES(request_states), s);
}
