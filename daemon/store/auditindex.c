/* auditindex.c: the audit records by document and by actor, and the time a sequence number stands for (DESIGN §15). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "common/be64.h"
#include "common/err.h"
#include "daemon/store/auditindex.h"

#define KEY_MAX (1 + AUDITINDEX_VALUE_MAX + 1 + 8)

static const char kind_byte[AUDITINDEX_KINDS_] = { 'd', 'u', 'a', 'x', 'c' };
static const char time_key[1] = { 'T' };

/* The field of r that kind files it under. */
static const char *
field_of(const Isa__AuditRecord *r, auditindex_kind_t kind)
{
	const char *v = NULL;

	switch (kind) {
	case AUDITINDEX_DOC: v = r->doc; break;
	case AUDITINDEX_USER: v = r->actor; break;
	case AUDITINDEX_AGENCY: v = r->agency; break;
	case AUDITINDEX_ACTION: v = r->action; break;
	case AUDITINDEX_DECISION: v = r->decision; break;
	case AUDITINDEX_KINDS_: break;
	}
	return v != NULL ? v : "";
}

bool
auditindex_has(auditindex_kind_t kind, const char *value)
{
	return value[0] != '\0' && !(kind == AUDITINDEX_DECISION &&
	    strcmp(value, "permit") == 0);
}

/* The key's prefix for kind and value (kind, value cut short, NUL) into
 * key; its length. */
static size_t
prefix_of(uint8_t key[KEY_MAX], auditindex_kind_t kind, const char *value)
{
	size_t n = strnlen(value, AUDITINDEX_VALUE_MAX);

	key[0] = (uint8_t)kind_byte[kind];
	memcpy(key + 1, value, n);
	key[1 + n] = '\0';
	return 2 + n;
}

static size_t
key_of(uint8_t key[KEY_MAX], auditindex_kind_t kind, const char *value,
    uint64_t seq)
{
	size_t n = prefix_of(key, kind, value);

	be64_put(key + n, seq);
	return n + 8;
}

int
auditindex_add(store_txn_t *t, const Isa__AuditRecord *r)
{
	uint8_t key[KEY_MAX];
	int rc;

	for (int k = 0; k < AUDITINDEX_KINDS_; k++) {
		const char *v = field_of(r, (auditindex_kind_t)k);

		if (!auditindex_has((auditindex_kind_t)k, v))
			continue;
		if ((rc = store_put(t, STORE_AUDIX, key,
		    key_of(key, (auditindex_kind_t)k, v, r->seq), "", 0)) != 0)
			return rc;
	}
	return 0;
}

typedef struct {
	const uint8_t *prefix;
	size_t plen;
	auditindex_fn fn;
	void *arg;
	int rc;		/* fn's non-zero */
} each_t;

static int
each_one(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	each_t *e = arg;

	(void)val;
	(void)vlen;
	/* Every key under the prefix has its length (a value holds no
	 * NUL): the first that does not begin so is past the last. */
	if (klen < e->plen || memcmp(key, e->prefix, e->plen) != 0)
		return 1;
	if (klen != e->plen + 8)
		return 0;
	return (e->rc = e->fn(e->arg, be64_get((const uint8_t *)key +
	    e->plen))) != 0;
}

int
auditindex_each(store_txn_t *t, auditindex_kind_t kind, const char *value,
    uint64_t from, auditindex_fn fn, void *arg)
{
	uint8_t key[KEY_MAX];
	size_t plen = prefix_of(key, kind, value);
	each_t e = { key, plen, fn, arg, 0 };
	int rc;

	be64_put(key + plen, from);
	rc = store_iter(t, STORE_AUDIX, key, plen + 8, each_one, &e);
	return rc < 0 ? rc : e.rc;
}

int
auditindex_steady_from(store_txn_t *t, uint64_t *seq)
{
	const void *v;
	size_t l;
	int rc = store_get(t, STORE_AUDIX, time_key, sizeof(time_key), &v, &l);

	*seq = 0;
	if (rc == ISA_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (l != 8)
		return ISA_ERR_PARSE;
	*seq = be64_get(v);
	return 0;
}

/* Record seq's time; a record missing inside the log is damage. */
static int
time_of(store_txn_t *t, uint64_t seq, int64_t *ms)
{
	int rc = records_audit_time(t, seq, ms);

	return rc == ISA_ERR_NOTFOUND ? ISA_ERR_PARSE : rc;	/* no gaps */
}

int
auditindex_time_seek(store_txn_t *t, int64_t ms, uint64_t lo, uint64_t hi,
    uint64_t *seq)
{
	int64_t at;
	int rc;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if ((rc = time_of(t, mid, &at)) != 0)
			return rc;
		if (at >= ms)
			hi = mid;
		else
			lo = mid + 1;
	}
	*seq = lo;
	return 0;
}

/* ---- The old region's blocks: "B" block (8, BE) -> max, min (8, BE each) ---- */

static size_t
block_key(uint8_t key[9], uint64_t block)
{
	key[0] = 'B';
	be64_put(key + 1, block);
	return 9;
}

/* Block block's facts, into *max and *min: 0, ISA_ERR_NOTFOUND, ISA_ERR_PARSE
 * (damaged) or a store error. */
static int
block_get(store_txn_t *t, uint64_t block, int64_t *max, int64_t *min)
{
	uint8_t key[9];
	const void *v;
	size_t l;
	int rc = store_get(t, STORE_AUDIX, key, block_key(key, block), &v, &l);

	if (rc != 0)
		return rc;
	if (l != 16)
		return ISA_ERR_PARSE;
	*max = (int64_t)be64_get(v);
	*min = (int64_t)be64_get((const uint8_t *)v + 8);
	return 0;
}

static int
block_put(store_txn_t *t, uint64_t block, int64_t max, int64_t min)
{
	uint8_t key[9], v[16];

	be64_put(v, (uint64_t)max);
	be64_put(v + 8, (uint64_t)min);
	return store_put(t, STORE_AUDIX, key, block_key(key, block), v,
	    sizeof(v));
}

/*
 * The first block in [0, nb) whose fact (its max when want_max, else its
 * min) is at or after ms, or nb, by binary search (both facts never go
 * down from block to block).  A block without facts counts as at or
 * after for max, before for min: the range only widens (a store
 * upgraded before the facts were kept walks its whole old region).
 */
static int
block_seek(store_txn_t *t, int64_t ms, bool want_max, uint64_t nb,
    uint64_t *block)
{
	uint64_t lo = 0, hi = nb;
	int64_t max, min;
	int rc;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		bool after;

		rc = block_get(t, mid, &max, &min);
		if (rc == ISA_ERR_NOTFOUND)
			after = want_max;
		else if (rc != 0)
			return rc;
		else
			after = (want_max ? max : min) >= ms;
		if (after)
			hi = mid;
		else
			lo = mid + 1;
	}
	*block = lo;
	return 0;
}

int
auditindex_old_range(store_txn_t *t, int64_t since, int64_t until,
    uint64_t steady, uint64_t *lo, uint64_t *hi)
{
	uint64_t nb = (steady + AUDITINDEX_BLOCK - 1) / AUDITINDEX_BLOCK, b;
	int rc;

	*lo = 0;
	*hi = steady;
	/* Every record of a block before the first whose running max
	 * reaches since is before since. */
	if (since != INT64_MIN) {
		if ((rc = block_seek(t, since, true, nb, &b)) != 0)
			return rc;
		*lo = b * AUDITINDEX_BLOCK < steady ? b * AUDITINDEX_BLOCK :
		    steady;
	}
	/* From the first block whose min of every old record on is at or
	 * after until, none is before until. */
	if (until != INT64_MAX) {
		if ((rc = block_seek(t, until, false, nb, &b)) != 0)
			return rc;
		if (b * AUDITINDEX_BLOCK < *hi)
			*hi = b * AUDITINDEX_BLOCK;
	}
	if (*hi < *lo)
		*hi = *lo;
	return 0;
}

/* Walking [0, end) block by block: each block's running max (over every
 * record from 0 to its end) and its own min, to fn at its end. */
typedef int (*block_fn)(void *arg, uint64_t block, int64_t max,
    int64_t min);

typedef struct {
	uint64_t end;
	block_fn fn;
	void *arg;
	int64_t max, min;
	int rc;
} blocks_t;

static int
blocks_one(void *arg, uint64_t seq, const void *val, size_t len)
{
	blocks_t *b = arg;
	Isa__AuditRecord *r;
	int64_t ms;

	if (seq >= b->end)
		return 1;
	if (seq % AUDITINDEX_BLOCK == 0)
		b->min = INT64_MAX;
	/* A damaged record no query returns (check --deep says so of each
	 * record): it has no time here. */
	if (records_audit_decode(val, len, &r) == 0) {
		ms = r->time_ms;
		records_audit_free(r);
		if (ms < b->min)
			b->min = ms;
		if (ms > b->max)
			b->max = ms;
	}
	if (seq % AUDITINDEX_BLOCK == AUDITINDEX_BLOCK - 1 || seq + 1 == b->end)
		return (b->rc = b->fn(b->arg, seq / AUDITINDEX_BLOCK, b->max,
		    b->min)) != 0;
	return 0;
}

static int
blocks_walk(store_txn_t *t, uint64_t end, block_fn fn, void *arg)
{
	blocks_t b = { end, fn, arg, INT64_MIN, INT64_MAX, 0 };
	int rc;

	if (end == 0)
		return 0;
	rc = records_audit_each(t, 0, blocks_one, &b);
	return rc < 0 ? rc : b.rc;
}

static int
block_build(void *arg, uint64_t block, int64_t max, int64_t min)
{
	return block_put(arg, block, max, min);
}

/* The old region [0, steady)'s facts: a walk for each block's max and own
 * min, then a pass back over the facts (not the records) turning each min
 * into the min of every old record from its block on. */
static int
blocks_build(store_txn_t *t, uint64_t steady)
{
	uint64_t nb = (steady + AUDITINDEX_BLOCK - 1) / AUDITINDEX_BLOCK;
	int64_t max, min, after = INT64_MAX;
	int rc;

	if ((rc = blocks_walk(t, steady, block_build, t)) != 0)
		return rc;
	while (nb-- > 0) {
		if ((rc = block_get(t, nb, &max, &min)) != 0)
			return rc;
		if (min < after)
			after = min;
		if ((rc = block_put(t, nb, max, after)) != 0)
			return rc;
	}
	return 0;
}

/* ---- Building (a store upgrade) and checking ---- */

/* Where times last went back, walking the records in order. */
typedef struct {
	bool any;
	int64_t last_ms;
	uint64_t steady;
} steady_t;

static void
steady_step(steady_t *s, const Isa__AuditRecord *r)
{
	if (s->any && r->time_ms < s->last_ms)
		s->steady = r->seq;
	s->any = true;
	s->last_ms = r->time_ms;
}

typedef struct {
	store_txn_t *t;
	steady_t steady;
} build_t;

static int
build_one(void *arg, uint64_t seq, const void *val, size_t len)
{
	build_t *b = arg;
	Isa__AuditRecord *r;
	int rc;

	if ((rc = records_audit_decode(val, len, &r)) != 0)
		return rc;
	if (r->seq != seq)
		rc = ISA_ERR_PARSE;
	else if ((rc = auditindex_add(b->t, r)) == 0)
		steady_step(&b->steady, r);
	records_audit_free(r);
	return rc;
}

int
auditindex_build(store_txn_t *t, uint32_t from)
{
	build_t b = { t, { false, 0, 0 } };
	uint8_t v[8];
	int rc;

	if (from >= 3)
		return 0;
	if ((rc = store_del_prefix(t, STORE_AUDIX, "", 0)) != 0 ||
	    (rc = records_audit_each(t, 0, build_one, &b)) != 0)
		return rc;
	if (b.steady.steady == 0)
		return 0;
	be64_put(v, b.steady.steady);
	if ((rc = store_put(t, STORE_AUDIX, time_key, sizeof(time_key), v,
	    sizeof(v))) != 0)
		return rc;
	return blocks_build(t, b.steady.steady);
}

typedef struct {
	store_txn_t *t;
	indexcheck_t *ic;
	steady_t steady;
} check_t;

/* Every entry record seq calls for is there, with an empty value. */
static int
check_record(void *arg, uint64_t seq, const void *val, size_t len)
{
	check_t *c = arg;
	Isa__AuditRecord *r;
	uint8_t key[KEY_MAX];
	char show[68];
	const void *v;
	size_t l;
	int rc = 0;

	if (records_audit_decode(val, len, &r) != 0) {
		indexcheck_wrong(c->ic, "audit record %llu: damaged",
		    (unsigned long long)seq);
		return 0;
	}
	for (int k = 0; k < AUDITINDEX_KINDS_ && rc == 0; k++) {
		const char *f = field_of(r, (auditindex_kind_t)k);

		if (!auditindex_has((auditindex_kind_t)k, f))
			continue;
		c->ic->entries++;
		rc = store_get(c->t, STORE_AUDIX, key, key_of(key,
		    (auditindex_kind_t)k, f, seq), &v, &l);
		indexcheck_text(f, strlen(f), show, sizeof(show));
		if (rc == ISA_ERR_NOTFOUND) {
			indexcheck_missing(c->ic, "%c:%s record %llu",
			    kind_byte[k], show, (unsigned long long)seq);
			rc = 0;
		} else if (rc == 0 && l != 0)
			indexcheck_wrong(c->ic, "%c:%s record %llu: a value",
			    kind_byte[k], show, (unsigned long long)seq);
	}
	if (rc == 0)
		steady_step(&c->steady, r);
	records_audit_free(r);
	return rc;
}

/* Is the entry (kind k, value v of n bytes, seq) one record seq calls
 * for? */
static int
entry_accounted(store_txn_t *t, int k, const uint8_t *v, size_t n,
    uint64_t seq, bool *ok)
{
	Isa__AuditRecord *r;
	const void *val;
	size_t len;
	const char *f;
	int rc = records_audit_get(t, seq, &val, &len);

	*ok = false;
	if (rc == ISA_ERR_NOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (records_audit_decode(val, len, &r) != 0)
		return 0;
	f = field_of(r, (auditindex_kind_t)k);
	*ok = auditindex_has((auditindex_kind_t)k, f) && strnlen(f, AUDITINDEX_VALUE_MAX) == n &&
	    memcmp(f, v, n) == 0;
	records_audit_free(r);
	return 0;
}

/* Every entry of the index is one a record calls for; the time fact is
 * the records'. */
static int
check_entry(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	check_t *c = arg;
	const uint8_t *p = key;
	char show[68];
	uint64_t seq;
	bool ok;
	int k, rc;

	if (klen == sizeof(time_key) && p[0] == (uint8_t)time_key[0]) {
		seq = vlen == 8 ? be64_get(val) : UINT64_MAX;
		if (seq != c->steady.steady)
			indexcheck_wrong(c->ic, "T: times steady from record "
			    "%llu, the records say %llu",
			    (unsigned long long)seq,
			    (unsigned long long)c->steady.steady);
		return 0;
	}
	c->ic->entries++;
	if (klen > 0 && p[0] == 'B') {
		uint64_t nb = (c->steady.steady + AUDITINDEX_BLOCK - 1) /
		    AUDITINDEX_BLOCK;

		/* its value is compared in check_block */
		if (klen != 9 || be64_get(p + 1) >= nb)
			indexcheck_stray(c->ic, "B: a block fact past the "
			    "old region (%llu records)",
			    (unsigned long long)c->steady.steady);
		return 0;
	}
	for (k = 0; k < AUDITINDEX_KINDS_; k++)
		if (klen > 0 && p[0] == (uint8_t)kind_byte[k])
			break;
	indexcheck_text(p, klen > 9 ? klen - 9 : klen, show, sizeof(show));
	if (k == AUDITINDEX_KINDS_ || klen < 1 + 1 + 8 ||
	    p[klen - 9] != '\0' || memchr(p + 1, '\0', klen - 10) != NULL ||
	    klen - 10 > AUDITINDEX_VALUE_MAX) {
		indexcheck_stray(c->ic, "%s: not an audit index key", show);
		return 0;
	}
	seq = be64_get(p + klen - 8);
	if ((rc = entry_accounted(c->t, k, p + 1, klen - 10, seq, &ok)) != 0)
		return rc;
	if (!ok)
		indexcheck_stray(c->ic, "%c:%s record %llu: no such record has "
		    "it", p[0], show + 1, (unsigned long long)seq);
	else if (vlen != 0)
		indexcheck_wrong(c->ic, "%c:%s record %llu: a value", p[0],
		    show + 1, (unsigned long long)seq);
	return 0;
}

/* Block block of the old region has its facts: its running max, and the
 * min of its own and the next block's fact (the last block's: its own). */
static int
check_block(void *arg, uint64_t block, int64_t max, int64_t min)
{
	check_t *c = arg;
	uint64_t nb = (c->steady.steady + AUDITINDEX_BLOCK - 1) /
	    AUDITINDEX_BLOCK;
	int64_t smax, smin, nmax, nmin;
	int rc;

	if (block + 1 < nb) {
		rc = block_get(c->t, block + 1, &nmax, &nmin);
		if (rc != 0 && rc != ISA_ERR_NOTFOUND && rc != ISA_ERR_PARSE)
			return rc;
		if (rc == 0 && nmin < min)
			min = nmin;	/* else that block's own line says */
	}
	rc = block_get(c->t, block, &smax, &smin);
	if (rc == ISA_ERR_NOTFOUND)
		indexcheck_missing(c->ic, "B: block %llu's time facts",
		    (unsigned long long)block);
	else if (rc == ISA_ERR_PARSE || (rc == 0 && (smax != max ||
	    smin != min)))
		indexcheck_wrong(c->ic, "B: block %llu's time facts (records "
		    "%llu on)", (unsigned long long)block,
		    (unsigned long long)block * AUDITINDEX_BLOCK);
	else if (rc != 0)
		return rc;
	return 0;
}

int
auditindex_check(store_txn_t *t, indexcheck_t *ic)
{
	check_t c = { t, ic, { false, 0, 0 } };
	int rc;

	indexcheck_begin(ic, "audit");
	if ((rc = records_audit_each(t, 0, check_record, &c)) != 0 ||
	    (rc = store_iter(t, STORE_AUDIX, NULL, 0, check_entry, &c)) != 0 ||
	    (rc = blocks_walk(t, c.steady.steady, check_block, &c)) != 0)
		return rc < 0 ? rc : ISA_ERR_IO;
	/* An absent fact says 0 (a present one was compared above). */
	if (c.steady.steady != 0) {
		const void *v;
		size_t l;

		if ((rc = store_get(t, STORE_AUDIX, time_key,
		    sizeof(time_key), &v, &l)) == ISA_ERR_NOTFOUND)
			indexcheck_missing(ic, "T: times steady from record "
			    "%llu", (unsigned long long)c.steady.steady);
		else if (rc != 0)
			return rc;
	}
	return 0;
}
