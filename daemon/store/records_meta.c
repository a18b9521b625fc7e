/* records_meta.c: meta values at rest: STORE_META, a name -> a value; numbers as 8 bytes BE, checked. */
#include <string.h>

#include "common/be64.h"
#include "common/err.h"
#include "daemon/store/records_names.h"

/* The names of records_meta_t in STORE_META. */
static const char *const meta_names[] = {
	[RECORDS_META_KEK_ID] = "kek_id",
	[RECORDS_META_REKEY_DUE] = "rekey_due",
	[RECORDS_META_AUDIT_RANGE] = "audit_range",
	[RECORDS_META_CHECKPOINT] = "checkpoint",
	[RECORDS_META_CHECKPOINT_SIZE] = "checkpoint_size",
	[RECORDS_META_CHECKPOINT_TIME] = "checkpoint_time",
};

static const char *
meta_name(records_meta_t m)
{
	return records_name_of(meta_names, RECORDS_NAMES(meta_names), m);
}

int
records_meta_get(store_txn_t *t, records_meta_t m, const void **val,
    size_t *len)
{
	const char *name = meta_name(m);

	return store_get(t, STORE_META, name, strlen(name), val, len);
}

int
records_meta_put(store_txn_t *t, records_meta_t m, const void *val,
    size_t len)
{
	const char *name = meta_name(m);

	return store_put(t, STORE_META, name, strlen(name), val, len);
}

int
records_meta_del(store_txn_t *t, records_meta_t m)
{
	const char *name = meta_name(m);

	return store_del(t, STORE_META, name, strlen(name));
}

int
records_meta_u64_get(store_txn_t *t, records_meta_t m, uint64_t *v)
{
	const void *val;
	size_t len;
	int rc;

	*v = 0;
	if ((rc = records_meta_get(t, m, &val, &len)) != 0)
		return rc;
	if (len != 8)
		return ISA_ERR_PARSE;
	*v = be64_get(val);
	return 0;
}

int
records_meta_u64_put(store_txn_t *t, records_meta_t m, uint64_t v)
{
	uint8_t b[8];

	be64_put(b, v);
	return records_meta_put(t, m, b, sizeof(b));
}
