/* records.c: isad's records at rest, each kind's one owner: where it is kept, its key layout, its codec, its state as an enum. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/be64.h"
#include "common/err.h"
#include "daemon/store/records.h"

/* The names states and kinds have at rest, by enum value. */
static const char *const doc_states[] = {
	[DOC_ACTIVE] = "active",
	[DOC_RECALLED] = "recalled",
	[DOC_DESTROYED] = "destroyed",
};
static const char *const request_states[] = {
	[REQUEST_PENDING] = "pending",
	[REQUEST_APPROVED] = "approved",
	[REQUEST_REFUSED] = "refused",
	[REQUEST_WITHDRAWN] = "withdrawn",
};
static const char *const inbox_kinds[] = {
	[RECORDS_INBOX_NEW] = "new",
	[RECORDS_INBOX_REQUEST] = "request",
	[RECORDS_INBOX_DECIDED] = "decided",
	[RECORDS_INBOX_NOTICE] = "notice",
	[RECORDS_INBOX_REVIEW] = "review",
	[RECORDS_INBOX_RECALLED] = "recalled",
};
#define NAMES(a) (sizeof(a) / sizeof((a)[0]))

static const char *const meta_names[] = {
	[RECORDS_META_KEK_ID] = "kek_id",
	[RECORDS_META_REKEY_DUE] = "rekey_due",
	[RECORDS_META_AUDIT_RANGE] = "audit_range",
	[RECORDS_META_CHECKPOINT] = "checkpoint",
	[RECORDS_META_CHECKPOINT_SIZE] = "checkpoint_size",
};

#define INBOX_SEQ	"inbox_seq"	/* meta "inbox_seq/USER" */

/* The index of s among names, or -1 when it is none of them. */
static int
name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

/* names[i], or "" past the end (never: the enums index the tables). */
static const char *
name_of(const char *const *names, size_t n, unsigned i)
{
	return i < n ? names[i] : "";
}

/* ---- Documents ---- */

int
records_doc_decode(const void *val, size_t len, Isad__StoredDoc **out)
{
	Isad__StoredDoc *r = isad__stored_doc__unpack(NULL, len, val);

	*out = NULL;
	if (r == NULL)
		return ISA_ERR_PARSE;
	if (name_index(doc_states, NAMES(doc_states), r->state) < 0) {
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
	if (name_index(doc_states, NAMES(doc_states), r->state) < 0)
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
records_doc_each(store_txn_t *t, const uint8_t *from, records_each_fn fn,
    void *arg)
{
	id_walk_t w = { fn, arg };

	return store_iter(t, STORE_DOCS, from, from != NULL ? RECORDS_ID_LEN :
	    0, id_one, &w);
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
	int i = name_index(doc_states, NAMES(doc_states), r->state);

	/* Decoding refused any other name: should one be set by hand,
	 * nobody may read the document. */
	return i < 0 ? DOC_DESTROYED : (doc_state_t)i;
}

void
records_doc_set_state(Isad__StoredDoc *r, doc_state_t s)
{
	r->state = (char *)name_of(doc_states, NAMES(doc_states), s);
}

const char *
records_doc_state_name(doc_state_t s)
{
	return name_of(doc_states, NAMES(doc_states), s);
}

/* ---- Share requests ---- */

int
records_request_decode(const void *val, size_t len, Isad__StoredRequest **out)
{
	Isad__StoredRequest *q = isad__stored_request__unpack(NULL, len, val);

	*out = NULL;
	if (q == NULL)
		return ISA_ERR_PARSE;
	if (name_index(request_states, NAMES(request_states), q->state) < 0) {
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
	if (name_index(request_states, NAMES(request_states), q->state) < 0)
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
	id_walk_t w = { fn, arg };

	return store_iter(t, STORE_REQUESTS, NULL, 0, id_one, &w);
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
	int i = name_index(request_states, NAMES(request_states), q->state);

	/* Never other (decoding refused it): a request nobody can act on. */
	return i < 0 ? REQUEST_WITHDRAWN : (request_state_t)i;
}

void
records_request_set_state(Isad__StoredRequest *q, request_state_t s)
{
	q->state = (char *)name_of(request_states, NAMES(request_states), s);
}

const char *
records_request_state_name(request_state_t s)
{
	return name_of(request_states, NAMES(request_states), s);
}

/* ---- Inbox entries ---- */

int
records_inbox_decode(const void *val, size_t len, Isad__StoredInbox **out)
{
	Isad__StoredInbox *s = isad__stored_inbox__unpack(NULL, len, val);

	*out = NULL;
	if (s == NULL)
		return ISA_ERR_PARSE;
	if (name_index(inbox_kinds, NAMES(inbox_kinds), s->kind) < 0) {
		isad__stored_inbox__free_unpacked(s, NULL);
		return ISA_ERR_PARSE;
	}
	*out = s;
	return 0;
}

size_t
records_inbox_key(uint8_t key[RECORDS_INBOX_KEY_MAX], const char *user,
    uint64_t seq)
{
	size_t n = strlen(user);

	if (n >= RECORDS_INBOX_USER_MAX)
		return 0;
	memcpy(key, user, n);
	key[n] = '\0';
	be64_put(key + n + 1, seq);
	return n + 9;
}

int
records_inbox_key_parse(const void *key, size_t klen, const char *user,
    uint64_t *seq)
{
	size_t n = strlen(user);

	if (klen != n + 9 || memcmp(key, user, n + 1) != 0)
		return ISA_ERR_NOTFOUND;
	*seq = be64_get((const uint8_t *)key + n + 1);
	return 0;
}

/* The meta name of user's last seq into name (RECORDS_INBOX_USER_MAX +
 * sizeof(INBOX_SEQ) bytes). */
static size_t
inbox_seq_name(char *name, size_t size, const char *user)
{
	snprintf(name, size, "%s/%s", INBOX_SEQ, user);
	return strlen(name);
}

int
records_inbox_append(store_txn_t *t, const char *user,
    const Isad__StoredInbox *s)
{
	char name[RECORDS_INBOX_USER_MAX + sizeof(INBOX_SEQ)];
	uint8_t key[RECORDS_INBOX_KEY_MAX], buf[RECORDS_INBOX_VALUE_MAX];
	uint8_t seqb[8];
	const void *v;
	size_t klen, nlen, len, vl;
	uint64_t seq = 0;
	int rc;

	if (strlen(user) >= RECORDS_INBOX_USER_MAX ||
	    name_index(inbox_kinds, NAMES(inbox_kinds), s->kind) < 0)
		return ISA_ERR_INVAL;
	nlen = inbox_seq_name(name, sizeof(name), user);
	/* A missing or malformed number counts as none yet. */
	if (store_get(t, STORE_META, name, nlen, &v, &vl) == 0 && vl == 8)
		seq = be64_get(v);
	seq++;
	if ((len = isad__stored_inbox__get_packed_size(s)) > sizeof(buf))
		return ISA_ERR_RANGE;
	isad__stored_inbox__pack(s, buf);
	klen = records_inbox_key(key, user, seq);
	be64_put(seqb, seq);
	if ((rc = store_put(t, STORE_INBOX, key, klen, buf, len)) != 0)
		return rc;
	return store_put(t, STORE_META, name, nlen, seqb, sizeof(seqb));
}

typedef struct {
	const char *user;
	records_inbox_fn fn;
	void *arg;
	bool past;		/* stopped at a key not the user's */
} inbox_walk_t;

static int
inbox_one(void *arg, const void *key, size_t klen, const void *val,
    size_t vlen)
{
	inbox_walk_t *w = arg;
	uint64_t seq;

	if (records_inbox_key_parse(key, klen, w->user, &seq) != 0) {
		w->past = true;
		return 1;
	}
	return w->fn(w->arg, seq, val, vlen);
}

int
records_inbox_each(store_txn_t *t, const char *user, uint64_t from,
    records_inbox_fn fn, void *arg)
{
	inbox_walk_t w = { user, fn, arg, false };
	uint8_t start[RECORDS_INBOX_KEY_MAX];
	size_t slen = records_inbox_key(start, user, from);
	int rc;

	if (slen == 0)
		return ISA_ERR_INVAL;
	rc = store_iter(t, STORE_INBOX, start, slen, inbox_one, &w);
	return w.past ? 0 : rc;
}

void
records_inbox_free(Isad__StoredInbox *s)
{
	if (s != NULL)
		isad__stored_inbox__free_unpacked(s, NULL);
}

records_inbox_kind_t
records_inbox_kind(const Isad__StoredInbox *s)
{
	int i = name_index(inbox_kinds, NAMES(inbox_kinds), s->kind);

	/* Never other (decoding refused it). */
	return i < 0 ? RECORDS_INBOX_NEW : (records_inbox_kind_t)i;
}

void
records_inbox_set_kind(Isad__StoredInbox *s, records_inbox_kind_t k)
{
	s->kind = (char *)name_of(inbox_kinds, NAMES(inbox_kinds), k);
}

const char *
records_inbox_kind_name(records_inbox_kind_t k)
{
	return name_of(inbox_kinds, NAMES(inbox_kinds), k);
}

/* ---- Chunks ---- */

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

	records_chunk_key(key, id, index);
	return store_put(t, STORE_CHUNKS, key, sizeof(key), val, len);
}

int
records_chunk_del_all(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN])
{
	return store_del_prefix(t, STORE_CHUNKS, id, RECORDS_ID_LEN);
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

/* ---- Audit records ---- */

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
	    != 0) {
		free(*enc);
		*enc = NULL;
	}
	return rc;
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

/* ---- Meta ---- */

static const char *
meta_name(records_meta_t m)
{
	return name_of(meta_names, NAMES(meta_names), m);
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
