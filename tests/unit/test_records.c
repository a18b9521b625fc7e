/* test_records.c: the record layer at rest: each kind's bytes as they were in isa.proto (golden), its round trip, its states as enums, and getters that refuse keys and values of any other length. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"

static char dir[] = "/tmp/isa-records-XXXXXX";
static store_t *st;
static store_txn_t *t;	/* a test's transaction: txn_end aborts it, so a
			 * failed check leaves no writer holding the lock */

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	if (store_open(dir, INT64_C(64) << 20, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
txn_end(void **state)
{
	(void)state;
	store_txn_abort(t);
	t = NULL;
	return 0;
}

/*
 * Golden bytes: each record below packed by the Isa__Stored* messages of
 * proto/isa.proto as they were before they moved to records.proto (protoc-c
 * 1.4.1).  The same values must give the same bytes: a store written
 * before opens after.
 */
static const uint8_t gold_doc[] =
	"\x0a\x10\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"
	"\x0f\x10\x12\x06\x53\x45\x43\x52\x45\x54\x1a\x04\x45\x59\x45\x53"
	"\x1a\x04\x4f\x4e\x4c\x59\x22\x02\x55\x4b\x2a\x08\x61\x70\x70\x72"
	"\x6f\x76\x61\x6c\x30\x01\x38\x80\xa4\xa7\xda\x06\x42\x03\x4d\x4f"
	"\x44\x4a\x05\x61\x6c\x69\x63\x65\x52\x03\x62\x6f\x62\x58\x80\xf7"
	"\xc4\xd5\x06\x62\x0a\x32\x30\x32\x37\x2d\x30\x31\x2d\x30\x31\x6a"
	"\x0a\x32\x30\x33\x30\x2d\x30\x31\x2d\x30\x31\x72\x0a\x75\x73\x65"
	"\x72\x3a\x61\x6c\x69\x63\x65\x72\x0a\x61\x67\x65\x6e\x63\x79\x3a"
	"\x4d\x4f\x44\x7a\x10\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa"
	"\xab\xac\xad\xae\xaf\x88\x01\xb9\x60\x92\x01\x10\xa0\xa1\xa2\xa3"
	"\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\x9a\x01\x08\x72"
	"\x65\x63\x61\x6c\x6c\x65\x64\xa0\x01\x03\xa8\x01\x80\x20\xb2\x01"
	"\x08\x01\x02\x03\x04\x05\x06\x07\x08\xba\x01\x08\xa0\xa1\xa2\xa3"
	"\xa4\xa5\xa6\xa7\xc2\x01\x04\x01\x02\x03\x04\xda\x01\x05\x63\x61"
	"\x72\x6f\x6c\xe0\x01\xc0\x8d\xf6\xd7\x06\xf0\x01\x01\x80\x02\x01";
static const uint8_t gold_request[] =
	"\x0a\x10\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"
	"\x0f\x10\x12\x10\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab"
	"\xac\xad\xae\xaf\x1a\x05\x61\x6c\x69\x63\x65\x22\x0b\x61\x67\x65"
	"\x6e\x63\x79\x3a\x46\x43\x44\x4f\x2a\x05\xa0\xa1\xa2\xa3\xa4\x32"
	"\x07\x72\x65\x66\x75\x73\x65\x64\x38\x81\xf7\xc4\xd5\x06\x42\x04"
	"\x64\x61\x76\x65\x48\x82\xf7\xc4\xd5\x06\x52\x03\x01\x02\x03";
static const uint8_t gold_inbox[] =
	"\x0a\x10\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e"
	"\x0f\x10\x12\x07\x64\x65\x63\x69\x64\x65\x64\x18\x83\xf7\xc4\xd5"
	"\x06\x22\x10\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac"
	"\xad\xae\xaf\x2a\x10\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b"
	"\x0c\x0d\x0e\x0f\x10\x32\x04\x64\x61\x76\x65\x3a\x05\x61\x6c\x69"
	"\x63\x65\x42\x0b\x61\x67\x65\x6e\x63\x79\x3a\x46\x43\x44\x4f\x4a"
	"\x07\x72\x65\x66\x75\x73\x65\x64";

#define GOLD_LEN(a) (sizeof(a) - 1)	/* the string literal's NUL */

static uint8_t id[16], doc[16];

static void
ids(void)
{
	for (int i = 0; i < 16; i++) {
		id[i] = (uint8_t)(i + 1);
		doc[i] = (uint8_t)(0xa0 + i);
	}
}

/* The values gold_doc holds. */
static void
fill_doc(Isad__StoredDoc *d)
{
	static char *desc[] = { "EYES", "ONLY" }, *cav[] = { "UK" };
	static char *acc[] = { "user:alice", "agency:MOD" };

	ids();
	isad__stored_doc__init(d);
	d->id.data = id;
	d->id.len = 16;
	d->classification = "SECRET";
	d->descriptors = desc;
	d->n_descriptors = 2;
	d->caveats = cav;
	d->n_caveats = 1;
	d->onward = "approval";
	d->has_handling = true;
	d->embargo_until = 1800000000;
	d->originator = "MOD";
	d->author = "alice";
	d->ingested_by = "bob";
	d->created = 1790000000;
	d->review_by = "2027-01-01";
	d->destroy_after = "2030-01-01";
	d->access = acc;
	d->n_access = 2;
	d->parent.data = doc;
	d->parent.len = 16;
	d->size = 12345;
	d->sha256.data = doc;
	d->sha256.len = 16;
	records_doc_set_state(d, DOC_RECALLED);
	d->chunks = 3;
	d->chunk_size = 4096;
	d->wrapped_dek.data = id;
	d->wrapped_dek.len = 8;
	d->kek_id.data = doc;
	d->kek_id.len = 8;
	d->title_sealed.data = id;
	d->title_sealed.len = 4;
	d->recalled_by = "carol";
	d->recalled = 1795000000;
	d->review_reminded = true;
	d->embargo_announced = true;
}

static void
fill_request(Isad__StoredRequest *q)
{
	ids();
	isad__stored_request__init(q);
	q->id.data = id;
	q->id.len = 16;
	q->doc.data = doc;
	q->doc.len = 16;
	q->requester = "alice";
	q->target = "agency:FCDO";
	q->reason_sealed.data = doc;
	q->reason_sealed.len = 5;
	records_request_set_state(q, REQUEST_REFUSED);
	q->created = 1790000001;
	q->decided_by = "dave";
	q->decided = 1790000002;
	q->decision_reason_sealed.data = id;
	q->decision_reason_sealed.len = 3;
}

static void
fill_inbox(Isad__StoredInbox *s)
{
	ids();
	isad__stored_inbox__init(s);
	s->id.data = id;
	s->id.len = 16;
	records_inbox_set_kind(s, RECORDS_INBOX_DECIDED);
	s->time = 1790000003;
	s->doc.data = doc;
	s->doc.len = 16;
	s->request.data = id;
	s->request.len = 16;
	s->actor = "dave";
	s->requester = "alice";
	s->target = "agency:FCDO";
	s->state = "refused";
}

static void
test_doc_golden_round_trip(void **state)
{
	Isad__StoredDoc d, *r;
	uint8_t *enc;
	size_t len;

	(void)state;
	fill_doc(&d);
	assert_int_equal(records_doc_encode(&d, &enc, &len), 0);
	assert_int_equal(len, GOLD_LEN(gold_doc));
	assert_memory_equal(enc, gold_doc, len);
	free(enc);

	assert_int_equal(records_doc_decode(gold_doc, GOLD_LEN(gold_doc), &r),
	    0);
	assert_int_equal(records_doc_state(r), DOC_RECALLED);
	assert_string_equal(r->classification, "SECRET");
	assert_string_equal(r->access[1], "agency:MOD");
	assert_int_equal(r->size, 12345);
	assert_int_equal(r->recalled, 1795000000);
	records_doc_free(r);

	/* Through the store, under its id. */
	assert_int_equal(store_txn_begin(st, true, &t), 0);
	assert_int_equal(records_doc_put(t, id, &d), 0);
	assert_int_equal(records_doc_has(t, id), 0);
	assert_int_equal(records_doc_has(t, doc), ISA_ERR_NOTFOUND);
	assert_int_equal(records_doc_get(t, id, &r), 0);
	assert_int_equal(records_doc_state(r), DOC_RECALLED);
	assert_int_equal(r->chunk_size, 4096);
	records_doc_free(r);
	assert_int_equal(records_doc_get(t, doc, &r), ISA_ERR_NOTFOUND);
	assert_null(r);
}

static void
test_request_golden_round_trip(void **state)
{
	Isad__StoredRequest q, *r;
	uint8_t *enc;
	size_t len;

	(void)state;
	fill_request(&q);
	assert_int_equal(records_request_encode(&q, &enc, &len), 0);
	assert_int_equal(len, GOLD_LEN(gold_request));
	assert_memory_equal(enc, gold_request, len);
	free(enc);

	assert_int_equal(store_txn_begin(st, true, &t), 0);
	assert_int_equal(records_request_put_encoded(t, id, gold_request,
	    GOLD_LEN(gold_request)), 0);
	assert_int_equal(records_request_get(t, id, &r), 0);
	assert_int_equal(records_request_state(r), REQUEST_REFUSED);
	assert_string_equal(r->target, "agency:FCDO");
	assert_int_equal(r->decided, 1790000002);
	records_request_free(r);
}

/* The value stored for user's entry seq, compared with want. */
static void
assert_inbox_value(const char *user, uint64_t seq,
    const uint8_t *want, size_t wlen)
{
	uint8_t key[RECORDS_INBOX_KEY_MAX];
	size_t klen = records_inbox_key(key, user, seq);
	const void *v;
	size_t l;

	assert_int_not_equal(klen, 0);
	assert_int_equal(store_get(t, STORE_INBOX, key, klen, &v, &l), 0);
	assert_int_equal(l, wlen);
	assert_memory_equal(v, want, wlen);
}

typedef struct {
	uint64_t seqs[8];
	size_t n;
} seen_t;

static int
see(void *arg, uint64_t seq, const void *val, size_t len)
{
	seen_t *s = arg;
	Isad__StoredInbox *e;

	assert_int_equal(records_inbox_decode(val, len, &e), 0);
	assert_int_equal(records_inbox_kind(e), RECORDS_INBOX_DECIDED);
	records_inbox_free(e);
	s->seqs[s->n++] = seq;
	return 0;
}

static void
test_inbox_golden_numbering(void **state)
{
	Isad__StoredInbox s;
	seen_t seen = { { 0 }, 0 };
	char user[RECORDS_INBOX_USER_MAX + 1];

	(void)state;
	fill_inbox(&s);
	assert_int_equal(store_txn_begin(st, true, &t), 0);
	/* Numbered per user, from 1; "ann" sorts before "ann2". */
	assert_int_equal(records_inbox_append(t, "ann", &s), 0);
	assert_int_equal(records_inbox_append(t, "ann2", &s), 0);
	assert_int_equal(records_inbox_append(t, "ann", &s), 0);
	assert_inbox_value("ann", 1, gold_inbox, GOLD_LEN(gold_inbox));
	assert_inbox_value("ann", 2, gold_inbox, GOLD_LEN(gold_inbox));
	assert_inbox_value("ann2", 1, gold_inbox, GOLD_LEN(gold_inbox));
	/* ann's own, in order, and none of ann2's. */
	assert_int_equal(records_inbox_each(t, "ann", 0, see, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.seqs[0], 1);
	assert_int_equal(seen.seqs[1], 2);
	seen.n = 0;
	assert_int_equal(records_inbox_each(t, "ann", 2, see, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.seqs[0], 2);
	/* A user id as long as the limit has no inbox. */
	memset(user, 'u', RECORDS_INBOX_USER_MAX);
	user[RECORDS_INBOX_USER_MAX] = '\0';
	assert_int_equal(records_inbox_append(t, user, &s), ISA_ERR_INVAL);
	assert_int_equal(records_inbox_each(t, user, 0, see, &seen),
	    ISA_ERR_INVAL);
}

static void
test_state_names(void **state)
{
	static const struct { doc_state_t s; const char *name; } docs[] = {
		{ DOC_ACTIVE, "active" }, { DOC_RECALLED, "recalled" },
		{ DOC_DESTROYED, "destroyed" },
	};
	static const struct { request_state_t s; const char *name; } reqs[] = {
		{ REQUEST_PENDING, "pending" },
		{ REQUEST_APPROVED, "approved" },
		{ REQUEST_REFUSED, "refused" },
		{ REQUEST_WITHDRAWN, "withdrawn" },
	};
	static const char *const kinds[] = { "new", "request", "decided",
	    "notice", "review", "recalled" };
	Isad__StoredDoc d, *r;
	Isad__StoredRequest q, *rq;
	uint8_t *enc;
	size_t len;

	(void)state;
	fill_doc(&d);
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		assert_string_equal(records_doc_state_name(docs[i].s),
		    docs[i].name);
		records_doc_set_state(&d, docs[i].s);
		assert_string_equal(d.state, docs[i].name);
		assert_int_equal(records_doc_encode(&d, &enc, &len), 0);
		assert_int_equal(records_doc_decode(enc, len, &r), 0);
		assert_int_equal(records_doc_state(r), docs[i].s);
		records_doc_free(r);
		free(enc);
	}
	fill_request(&q);
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_string_equal(records_request_state_name(reqs[i].s),
		    reqs[i].name);
		records_request_set_state(&q, reqs[i].s);
		assert_int_equal(records_request_encode(&q, &enc, &len), 0);
		assert_int_equal(records_request_decode(enc, len, &rq), 0);
		assert_int_equal(records_request_state(rq), reqs[i].s);
		records_request_free(rq);
		free(enc);
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		assert_string_equal(records_inbox_kind_name(
		    (records_inbox_kind_t)i), kinds[i]);
}

/* gold_doc's record with state name, packed past the layer, as a damaged
 * store could hold it. */
static size_t
raw_doc(const char *name, uint8_t *buf)
{
	Isad__StoredDoc d;

	fill_doc(&d);
	d.state = (char *)name;
	return isad__stored_doc__pack(&d, buf);
}

static void
test_unknown_state_refused(void **state)
{
	Isad__StoredDoc d, *r;
	Isad__StoredRequest q, *rq;
	Isad__StoredInbox s, *e;
	uint8_t buf[512], *enc;
	size_t len;

	(void)state;
	/* Decoding: an unknown (or absent, or differently cased) state is a
	 * damaged record, as undecodable bytes are. */
	len = raw_doc("archived", buf);
	assert_int_equal(records_doc_decode(buf, len, &r), ISA_ERR_PARSE);
	assert_null(r);
	len = raw_doc("", buf);
	assert_int_equal(records_doc_decode(buf, len, &r), ISA_ERR_PARSE);
	len = raw_doc("Active", buf);
	assert_int_equal(records_doc_decode(buf, len, &r), ISA_ERR_PARSE);
	len = raw_doc("active", buf);
	assert_int_equal(records_doc_decode(buf, len, &r), 0);
	records_doc_free(r);
	assert_int_equal(records_doc_decode("\xff\xff\xff", 3, &r),
	    ISA_ERR_PARSE);

	fill_request(&q);
	q.state = "maybe";
	len = isad__stored_request__pack(&q, buf);
	assert_int_equal(records_request_decode(buf, len, &rq), ISA_ERR_PARSE);
	assert_null(rq);

	fill_inbox(&s);
	s.kind = "gossip";
	len = isad__stored_inbox__pack(&s, buf);
	assert_int_equal(records_inbox_decode(buf, len, &e), ISA_ERR_PARSE);
	assert_null(e);

	/* Encoding: nothing with an unknown state or kind is written. */
	fill_doc(&d);
	d.state = "archived";
	assert_int_equal(records_doc_encode(&d, &enc, &len), ISA_ERR_INVAL);
	assert_null(enc);
	q.state = "maybe";
	assert_int_equal(records_request_encode(&q, &enc, &len), ISA_ERR_INVAL);
	assert_int_equal(store_txn_begin(st, true, &t), 0);
	assert_int_equal(records_doc_put(t, id, &d), ISA_ERR_INVAL);
	assert_int_equal(records_doc_has(t, id), ISA_ERR_NOTFOUND);
	assert_int_equal(records_inbox_append(t, "ann", &s), ISA_ERR_INVAL);
	/* Stored past the layer, it reads as damaged. */
	len = raw_doc("archived", buf);
	assert_int_equal(records_doc_put_encoded(t, id, buf, len), 0);
	assert_int_equal(records_doc_get(t, id, &r), ISA_ERR_PARSE);
	assert_null(r);
}

static void
test_keys_exact_length(void **state)
{
	uint8_t key[RECORDS_CHUNK_KEY_LEN + 1], got[16];
	uint8_t ikey[RECORDS_INBOX_KEY_MAX + 1];
	uint64_t v = 0;
	size_t n;

	(void)state;
	ids();
	/* Chunk keys: doc id, then the index big-endian; 24 bytes exactly. */
	records_chunk_key(key, id, 0x0102030405060708ULL);
	assert_memory_equal(key, id, 16);
	assert_memory_equal(key + 16, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_int_equal(records_chunk_key_parse(key, 24, got, &v), 0);
	assert_memory_equal(got, id, 16);
	assert_int_equal(v, 0x0102030405060708ULL);
	assert_int_equal(records_chunk_key_parse(key, 23, got, &v),
	    ISA_ERR_PARSE);
	assert_int_equal(records_chunk_key_parse(key, 25, got, &v),
	    ISA_ERR_PARSE);
	assert_int_equal(records_chunk_key_parse(key, 16, got, &v),
	    ISA_ERR_PARSE);
	assert_int_equal(records_chunk_key_parse(key, 0, got, &v),
	    ISA_ERR_PARSE);

	/* Audit keys: the seq big-endian, 8 bytes exactly. */
	records_audit_key(key, 258);
	assert_memory_equal(key, "\0\0\0\0\0\0\x01\x02", 8);
	assert_int_equal(records_audit_key_parse(key, 8, &v), 0);
	assert_int_equal(v, 258);
	assert_int_equal(records_audit_key_parse(key, 7, &v), ISA_ERR_PARSE);
	assert_int_equal(records_audit_key_parse(key, 9, &v), ISA_ERR_PARSE);

	/* Inbox keys: user, NUL, seq; only that user's, nothing after. */
	n = records_inbox_key(ikey, "ann", 7);
	assert_int_equal(n, 3 + 1 + 8);
	assert_memory_equal(ikey, "ann\0\0\0\0\0\0\0\0\x07", n);
	assert_int_equal(records_inbox_key_parse(ikey, n, "ann", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(records_inbox_key_parse(ikey, n + 1, "ann", &v),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(records_inbox_key_parse(ikey, n - 1, "ann", &v),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(records_inbox_key_parse(ikey, n, "an", &v),
	    ISA_ERR_NOTFOUND);
	assert_int_equal(records_inbox_key_parse(ikey, 3, "ann", &v),
	    ISA_ERR_NOTFOUND);
}

static void
test_meta_exact_length(void **state)
{
	const void *val;
	size_t len;
	uint64_t v = 99;

	(void)state;
	assert_int_equal(store_txn_begin(st, true, &t), 0);
	assert_int_equal(records_meta_u64_get(t, RECORDS_META_CHECKPOINT_SIZE,
	    &v), ISA_ERR_NOTFOUND);
	assert_int_equal(records_meta_u64_put(t, RECORDS_META_CHECKPOINT_SIZE,
	    0x1122334455667788ULL), 0);
	/* Under its name as before, big-endian. */
	assert_int_equal(store_get(t, STORE_META, "checkpoint_size", 15, &val,
	    &len), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(val, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_int_equal(records_meta_u64_get(t, RECORDS_META_CHECKPOINT_SIZE,
	    &v), 0);
	assert_int_equal(v, 0x1122334455667788ULL);
	/* Trailing bytes, or too few: refused, nothing read past. */
	assert_int_equal(records_meta_put(t, RECORDS_META_CHECKPOINT_SIZE,
	    "\x11\x22\x33\x44\x55\x66\x77\x88\x99", 9), 0);
	assert_int_equal(records_meta_u64_get(t, RECORDS_META_CHECKPOINT_SIZE,
	    &v), ISA_ERR_PARSE);
	assert_int_equal(v, 0);
	assert_int_equal(records_meta_put(t, RECORDS_META_CHECKPOINT_SIZE,
	    "\x11\x22", 2), 0);
	assert_int_equal(records_meta_u64_get(t, RECORDS_META_CHECKPOINT_SIZE,
	    &v), ISA_ERR_PARSE);
	/* Each name as it was. */
	assert_int_equal(records_meta_put(t, RECORDS_META_KEK_ID, "k", 1), 0);
	assert_int_equal(store_get(t, STORE_META, "kek_id", 6, &val, &len), 0);
	assert_int_equal(records_meta_put(t, RECORDS_META_REKEY_DUE, "", 0), 0);
	assert_int_equal(store_get(t, STORE_META, "rekey_due", 9, &val, &len),
	    0);
	assert_int_equal(records_meta_del(t, RECORDS_META_REKEY_DUE), 0);
	assert_int_equal(records_meta_get(t, RECORDS_META_REKEY_DUE, &val,
	    &len), ISA_ERR_NOTFOUND);
	assert_int_equal(records_meta_put(t, RECORDS_META_AUDIT_RANGE, "r", 1),
	    0);
	assert_int_equal(store_get(t, STORE_META, "audit_range", 11, &val,
	    &len), 0);
	assert_int_equal(records_meta_put(t, RECORDS_META_CHECKPOINT, "c", 1),
	    0);
	assert_int_equal(store_get(t, STORE_META, "checkpoint", 10, &val,
	    &len), 0);
}

typedef struct {
	uint8_t ids[4][16];
	uint64_t index[4];
	size_t n;
} chunks_t;

static int
chunk_seen(void *arg, const uint8_t cid[16], uint64_t index)
{
	chunks_t *c = arg;

	memcpy(c->ids[c->n], cid, 16);
	c->index[c->n++] = index;
	return 0;
}

static void
test_chunks(void **state)
{
	chunks_t c = { .n = 0 };
	const void *val;
	size_t len;
	uint64_t n;

	(void)state;
	ids();
	assert_int_equal(store_txn_begin(st, true, &t), 0);
	assert_int_equal(records_chunk_put(t, id, 0, "a", 1), 0);
	assert_int_equal(records_chunk_put(t, id, 1, "bb", 2), 0);
	assert_int_equal(records_chunk_put(t, doc, 0, "c", 1), 0);
	/* A key of another length, as damage would leave: not a chunk. */
	assert_int_equal(store_put(t, STORE_CHUNKS, id, 16, "x", 1), 0);
	assert_int_equal(records_chunk_get(t, id, 1, &val, &len), 0);
	assert_int_equal(len, 2);
	assert_memory_equal(val, "bb", 2);
	assert_int_equal(records_chunk_count(t, id, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(records_chunk_each(t, chunk_seen, &c), 0);
	assert_int_equal(c.n, 3);
	assert_memory_equal(c.ids[0], id, 16);
	assert_int_equal(c.index[1], 1);
	assert_memory_equal(c.ids[2], doc, 16);
	assert_int_equal(records_chunk_del_all(t, id), 0);
	assert_int_equal(records_chunk_count(t, id, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(records_chunk_count(t, doc, &n), 0);
	assert_int_equal(n, 1);
}

typedef struct {
	uint64_t seqs[4];
	size_t n;
} audits_t;

static int
audit_seen(void *arg, uint64_t seq, const void *val, size_t len)
{
	audits_t *a = arg;
	Isa__AuditRecord *r;

	assert_int_equal(records_audit_decode(val, len, &r), 0);
	assert_int_equal(r->seq, seq);
	assert_string_equal(r->action, "get");
	records_audit_free(r);
	a->seqs[a->n++] = seq;
	return 0;
}

static void
test_audit(void **state)
{
	Isa__AuditRecord r = ISA__AUDIT_RECORD__INIT, *back;
	audits_t a = { .n = 0 };
	uint8_t *enc, key[8];
	const void *val;
	size_t len, vl;

	(void)state;
	r.action = "get";
	r.actor = "ann";
	assert_int_equal(store_txn_begin(st, true, &t), 0);
	for (uint64_t i = 0; i < 3; i++) {
		r.seq = i;
		assert_int_equal(records_audit_put(t, &r, &enc, &len), 0);
		/* The bytes handed back are the bytes stored (the leaf). */
		records_audit_key(key, i);
		assert_int_equal(store_get(t, STORE_AUDIT, key, 8, &val, &vl), 0);
		assert_int_equal(vl, len);
		assert_memory_equal(val, enc, len);
		free(enc);
	}
	assert_int_equal(store_put(t, STORE_AUDIT, "bad", 3, "x", 1), 0);
	assert_int_equal(records_audit_each(t, 1, audit_seen, &a), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.seqs[0], 1);
	assert_int_equal(a.seqs[1], 2);
	assert_int_equal(records_audit_decode("\xff\xff", 2, &back),
	    ISA_ERR_PARSE);
	assert_null(back);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_doc_golden_round_trip, txn_end),
		cmocka_unit_test_teardown(test_request_golden_round_trip, txn_end),
		cmocka_unit_test_teardown(test_inbox_golden_numbering, txn_end),
		cmocka_unit_test_teardown(test_state_names, txn_end),
		cmocka_unit_test_teardown(test_unknown_state_refused, txn_end),
		cmocka_unit_test_teardown(test_keys_exact_length, txn_end),
		cmocka_unit_test_teardown(test_meta_exact_length, txn_end),
		cmocka_unit_test_teardown(test_chunks, txn_end),
		cmocka_unit_test_teardown(test_audit, txn_end),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
