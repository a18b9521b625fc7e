/* records_names.c: what the record kinds share: their names at rest (states, kinds, meta values) looked up both ways, and walking records keyed by an id. */
#include <string.h>

#include "daemon/store/records_names.h"

int
records_name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

const char *
records_name_of(const char *const *names, size_t n, unsigned i)
{
	return i < n ? names[i] : "";
}

typedef struct {
	records_each_fn fn;
	void *arg;
} id_walk_t;

static int
id_one(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	id_walk_t *w = arg;

	if (klen != RECORDS_ID_LEN)
		return 0;
	return w->fn(w->arg, key, val, vlen);
}

int
records_id_each(store_txn_t *t, store_db_t db, const uint8_t *from,
    records_each_fn fn, void *arg)
{
	id_walk_t w = { fn, arg };

	return store_iter(t, db, from, from != NULL ? RECORDS_ID_LEN : 0,
	    id_one, &w);
}
