/* records_audit.c: audit records at rest (the store side): STORE_AUDIT, seq (BE) -> AuditRecord; its one codec. */
#include <stdlib.h>

#include "common/be64.h"
#include "common/err.h"
#include "daemon/store/auditindex.h"
#include "daemon/store/records_names.h"

void
records_audit_key(uint8_t key[RECORDS_AUDIT_KEY_LEN], uint64_t seq)
{
	be64_put(key, seq);
}

int
records_audit_key_parse(const void *key, size_t klen, uint64_t *seq)
{
	if (klen != RECORDS_AUDIT_KEY_LEN)
		return ISA_ERR_PARSE;
	*seq = be64_get(key);
	return 0;
}

int
records_audit_put(store_txn_t *t, const Isa__AuditRecord *r, uint8_t **enc,
    size_t *len)
{
	uint8_t key[RECORDS_AUDIT_KEY_LEN];
	int rc;

	*len = isa__audit_record__get_packed_size(r);
	if ((*enc = malloc(*len > 0 ? *len : 1)) == NULL)
		return ISA_ERR_NOMEM;
	isa__audit_record__pack(r, *enc);
	records_audit_key(key, r->seq);
	if ((rc = store_put(t, STORE_AUDIT, key, sizeof(key), *enc, *len))
	    != 0 || (rc = auditindex_add(t, r)) != 0) {
		free(*enc);
		*enc = NULL;
	}
	return rc;
}

int
records_audit_get(store_txn_t *t, uint64_t seq, const void **val,
    size_t *len)
{
	uint8_t key[RECORDS_AUDIT_KEY_LEN];

	records_audit_key(key, seq);
	return store_get(t, STORE_AUDIT, key, sizeof(key), val, len);
}

int
records_audit_time(store_txn_t *t, uint64_t seq, int64_t *ms)
{
	Isa__AuditRecord *r;
	const void *v;
	size_t l;
	int rc = records_audit_get(t, seq, &v, &l);

	if (rc != 0 || (rc = records_audit_decode(v, l, &r)) != 0)
		return rc;
	*ms = r->time_ms;
	records_audit_free(r);
	return 0;
}

typedef struct {
	records_audit_fn fn;
	void *arg;
} audit_walk_t;

static int
audit_one(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	audit_walk_t *w = arg;
	uint64_t seq;

	if (records_audit_key_parse(key, klen, &seq) != 0)
		return 0;
	return w->fn(w->arg, seq, val, vlen);
}

int
records_audit_each(store_txn_t *t, uint64_t from, records_audit_fn fn,
    void *arg)
{
	audit_walk_t w = { fn, arg };
	uint8_t start[RECORDS_AUDIT_KEY_LEN];

	records_audit_key(start, from);
	return store_iter(t, STORE_AUDIT, start, sizeof(start), audit_one, &w);
}

int
records_audit_decode(const void *val, size_t len, Isa__AuditRecord **out)
{
	*out = isa__audit_record__unpack(NULL, len, val);
	return *out != NULL ? 0 : ISA_ERR_PARSE;
}

void
records_audit_free(Isa__AuditRecord *r)
{
	if (r != NULL)
		isa__audit_record__free_unpacked(r, NULL);
}
