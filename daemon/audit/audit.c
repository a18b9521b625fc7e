/* audit.c: the audit log: one record per request or event, an RFC 6962 tree, signed checkpoints. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "daemon/audit/audit.h"
#include "daemon/store/records.h"
#include "proto/checkpoint.h"
#include "proto/merkle.h"

const char *
audit_decision(Isa__Status s)
{
	switch (s) {
	case ISA__STATUS__OK: return "permit";
	case ISA__STATUS__DENIED:
	case ISA__STATUS__CONFLICT:
	case ISA__STATUS__UNAUTHENTICATED: return "deny";
	case ISA__STATUS__NOT_FOUND: return "not_found";
	case ISA__STATUS__GONE: return "gone";
	default: return "error";
	}
}

static int
range_load(store_txn_t *txn, merkle_compact_t *r)
{
	const void *v;
	size_t l;
	int rc = records_meta_get(txn, RECORDS_META_AUDIT_RANGE, &v, &l);

	if (rc == ISA_ERR_NOTFOUND) {
		merkle_compact_init(r);
		return 0;
	}
	if (rc != 0)
		return rc;
	return merkle_compact_decode(v, l, r) == 0 ? 0 : ISA_ERR_PARSE;
}

int
audit_size(store_txn_t *txn, uint64_t *size)
{
	merkle_compact_t r;
	int rc = range_load(txn, &r);

	*size = rc == 0 ? r.size : 0;
	return rc;
}

static char *
str(const char *s)
{
	return (char *)(s != NULL ? s : "");
}

void
audit_record_fill(const audit_entry_t *e, Isa__AuditRecord *rec)
{
	rec->actor = str(e->actor);
	rec->agency = str(e->agency);
	rec->key = str(e->key);
	rec->action = str(e->action);
	rec->doc = str(e->doc);
	rec->marking = str(e->marking);
	rec->target = str(e->target);
	rec->decision = str(e->decision);
	rec->reason = str(e->reason);
	rec->request = e->request;
	if (e->sha256 != NULL) {
		rec->sha256.data = (uint8_t *)(uintptr_t)e->sha256;
		rec->sha256.len = 32;
	}
	if (e->config_sha256 != NULL) {
		rec->config_sha256.data = (uint8_t *)(uintptr_t)e->config_sha256;
		rec->config_sha256.len = 32;
	}
	rec->count = e->count;
	rec->keys = e->keys;
}

/*
 * A record's time: now, or the last record's when now is before it, so
 * that times never go back along the log (a time range is then found by
 * binary search on seq, auditindex.h).  Requests finishing out of the
 * order they began in are held a few ms, silently; a wall clock behind
 * the log by more than HOLD_LOUD_MS (stepped back, or stepped forward by
 * mistake and then corrected) is logged when the hold begins, again at
 * most once an hour while it lasts (how far behind), and once when the
 * clock has caught up.  The clamped value is what is encoded, so the
 * tree's leaf covers it as any other.
 */
#define HOLD_LOUD_MS 1000
#define HOLD_REPEAT_MS (3600 * INT64_C(1000))

audit_hold_note_t
audit_hold_step(audit_hold_t *h, int64_t now_ms, int64_t last_ms)
{
	if (now_ms >= last_ms) {
		if (!h->holding)
			return AUDIT_HOLD_QUIET;
		h->holding = false;
		return AUDIT_HOLD_CAUGHT_UP;
	}
	if (last_ms - now_ms <= HOLD_LOUD_MS)
		return AUDIT_HOLD_QUIET;
	/* The wall clock runs on while held: an hour of it since the last
	 * warning (or a further step back) warns again. */
	if (h->holding && now_ms >= h->warned_ms &&
	    now_ms - h->warned_ms < HOLD_REPEAT_MS)
		return AUDIT_HOLD_QUIET;
	h->holding = true;
	h->warned_ms = now_ms;
	return AUDIT_HOLD_WARN;
}

/* The appenders' state: appends are serialized by the store's one write
 * transaction. */
static audit_hold_t hold;

static int
record_time(store_txn_t *txn, uint64_t size, int64_t now_ms, int64_t *ms)
{
	int64_t last;
	int rc;

	*ms = now_ms;
	if (size == 0)
		return 0;
	/* A last record missing or damaged holds nothing: said, once per
	 * record (the next append has this one to go by). */
	rc = audit_record_time(txn, size - 1, &last);
	if (rc == ISA_ERR_NOTFOUND || rc == ISA_ERR_PARSE) {
		log_warnx("the audit log's last record (%llu) cannot be read: "
		    "the next record's time is the clock's, not held to it; "
		    "run isad check --deep", (unsigned long long)(size - 1));
		return 0;
	}
	if (rc != 0)
		return rc;
	switch (audit_hold_step(&hold, now_ms, last)) {
	case AUDIT_HOLD_QUIET:
		break;
	case AUDIT_HOLD_CAUGHT_UP:
		log_info("the wall clock has caught up with the audit log's "
		    "last time: records carry it again");
		break;
	case AUDIT_HOLD_WARN:
		log_warnx("the wall clock is %lld ms behind the audit log's "
		    "last record: new records carry its time until the clock "
		    "catches up", (long long)(last - now_ms));
		break;
	}
	if (now_ms < last)
		*ms = last;
	return 0;
}

int
audit_append(store_txn_t *txn, const audit_entry_t *e, int64_t now_ms,
    uint64_t *seq)
{
	Isa__AuditRecord rec = ISA__AUDIT_RECORD__INIT;
	merkle_compact_t r;
	uint8_t leaf[MERKLE_HASH_LEN], enc[MERKLE_COMPACT_ENCODED_MAX];
	uint8_t *buf;
	size_t len, elen;
	int rc;

#ifdef ISA_TEST_BUILD
	/* Test builds only: a fault switch, so tests can make the audit write
	 * fail and then clear, as a full disk would. */
	{
		const char *fault = getenv("ISAD_TEST_AUDIT_FAULT");

		if (fault != NULL && access(fault, F_OK) == 0)
			return ISA_ERR_IO;
	}
#endif
	if ((rc = range_load(txn, &r)) != 0)
		return rc;
	audit_record_fill(e, &rec);
	if ((rc = record_time(txn, r.size, now_ms, &rec.time_ms)) != 0)
		return rc;
	rec.seq = r.size;
	if ((rc = records_audit_put(txn, &rec, &buf, &len)) != 0)
		return rc;
	if (merkle_hash_leaf(buf, len, leaf) != 0 ||
	    merkle_compact_append(&r, leaf) != 0 ||
	    merkle_compact_encode(&r, enc, sizeof(enc), &elen) != 0)
		rc = ISA_ERR_CRYPTO;
	free(buf);
	if (rc == 0)
		rc = records_meta_put(txn, RECORDS_META_AUDIT_RANGE, enc, elen);
	if (rc == 0 && seq != NULL)
		*seq = rec.seq;
	return rc;
}

int
audit_checkpoint(store_txn_t *txn, keys_t *keys, const char *origin,
    char **note, uint64_t *size)
{
	merkle_compact_t r;
	uint8_t root[MERKLE_HASH_LEN];
	int rc;

	*note = NULL;
	if ((rc = range_load(txn, &r)) != 0)
		return rc;
	if (merkle_compact_root(&r, root) != 0 ||
	    keys_sign_checkpoint(keys, origin, r.size, root, note) != 0)
		return ISA_ERR_CRYPTO;
	if ((rc = records_meta_put(txn, RECORDS_META_CHECKPOINT, *note,
	    strlen(*note))) != 0 ||
	    (rc = records_meta_u64_put(txn, RECORDS_META_CHECKPOINT_SIZE,
	    r.size)) != 0 ||
	    (rc = records_meta_u64_put(txn, RECORDS_META_CHECKPOINT_TIME,
	    (uint64_t)clock_wall_ms())) != 0) {
		free(*note);
		*note = NULL;
		return rc;
	}
	*size = r.size;
	return 0;
}

uint64_t
audit_checkpoint_size(store_txn_t *txn)
{
	uint64_t size;

	return records_meta_u64_get(txn, RECORDS_META_CHECKPOINT_SIZE, &size)
	    == 0 ? size : 0;
}

int
audit_root(store_txn_t *txn, uint64_t *size, uint8_t *root)
{
	merkle_compact_t r;
	int rc = range_load(txn, &r);

	*size = 0;
	if (rc != 0)
		return rc;
	if (merkle_compact_root(&r, root) != 0)
		return ISA_ERR_CRYPTO;
	*size = r.size;
	return 0;
}

int
audit_checkpoint_time(store_txn_t *txn, int64_t *ms)
{
	uint64_t v;
	int rc = records_meta_u64_get(txn, RECORDS_META_CHECKPOINT_TIME, &v);

	*ms = rc == 0 ? (int64_t)v : 0;
	return rc;
}

int
audit_record_time(store_txn_t *txn, uint64_t seq, int64_t *ms)
{
	*ms = 0;
	return records_audit_time(txn, seq, ms);
}
