/* fuzz_records.c: libFuzzer target for the record layer's decoders and key getters (daemon/store/records.h): no fault on any input; what they accept encodes and lays out again to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A document read encodes; that encoding reads to the same state and
 * encodes again to the same bytes. */
static void
check_doc(const uint8_t *data, size_t size)
{
	Isad__StoredDoc *r, *again;
	uint8_t *enc, *enc2;
	size_t len, len2;

	if (records_doc_decode(data, size, &r) != 0)
		return;
	/* Fields it does not know protobuf-c keeps as they came, odd tags
	 * too (a tag of 0 written long), which it may then refuse to read
	 * back: only a record of ours alone is held to a round trip. */
	if (r->base.n_unknown_fields != 0) {
		if (records_doc_encode(r, &enc, &len) == 0)
			free(enc);
		records_doc_free(r);
		return;
	}
	if (records_doc_encode(r, &enc, &len) != 0 ||
	    records_doc_decode(enc, len, &again) != 0 ||
	    records_doc_state(again) != records_doc_state(r) ||
	    records_doc_encode(again, &enc2, &len2) != 0 || len2 != len ||
	    memcmp(enc, enc2, len) != 0)
		abort();
	free(enc);
	free(enc2);
	records_doc_free(again);
	records_doc_free(r);
}

static void
check_request(const uint8_t *data, size_t size)
{
	Isad__StoredRequest *q, *again;
	uint8_t *enc, *enc2;
	size_t len, len2;

	if (records_request_decode(data, size, &q) != 0)
		return;
	/* Fields it does not know protobuf-c keeps as they came, odd tags
	 * too (a tag of 0 written long), which it may then refuse to read
	 * back: only a record of ours alone is held to a round trip. */
	if (q->base.n_unknown_fields != 0) {
		if (records_request_encode(q, &enc, &len) == 0)
			free(enc);
		records_request_free(q);
		return;
	}
	if (records_request_encode(q, &enc, &len) != 0 ||
	    records_request_decode(enc, len, &again) != 0 ||
	    records_request_state(again) != records_request_state(q) ||
	    records_request_encode(again, &enc2, &len2) != 0 || len2 != len ||
	    memcmp(enc, enc2, len) != 0)
		abort();
	free(enc);
	free(enc2);
	records_request_free(again);
	records_request_free(q);
}

static void
check_other(const uint8_t *data, size_t size)
{
	Isad__StoredInbox *s;
	Isa__AuditRecord *a;

	if (records_inbox_decode(data, size, &s) == 0) {
		if (strcmp(s->kind,
		    records_inbox_kind_name(records_inbox_kind(s))) != 0)
			abort();
		records_inbox_free(s);
	}
	if (records_audit_decode(data, size, &a) == 0)
		records_audit_free(a);
}

/* A key a getter accepts is exactly the key its builder lays out. */
static void
check_keys(const uint8_t *data, size_t size)
{
	uint8_t key[RECORDS_INBOX_KEY_MAX], id[RECORDS_ID_LEN];
	uint64_t v;
	size_t n;

	if (records_chunk_key_parse(data, size, id, &v) == 0) {
		records_chunk_key(key, id, v);
		if (size != RECORDS_CHUNK_KEY_LEN || memcmp(key, data, size) != 0)
			abort();
	}
	if (records_audit_key_parse(data, size, &v) == 0) {
		records_audit_key(key, v);
		if (size != RECORDS_AUDIT_KEY_LEN || memcmp(key, data, size) != 0)
			abort();
	}
	if (records_inbox_key_parse(data, size, "ann", &v) == 0) {
		n = records_inbox_key(key, "ann", v);
		if (n != size || memcmp(key, data, size) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_doc(data, size);
	check_request(data, size);
	check_other(data, size);
	check_keys(data, size);
	return 0;
}
