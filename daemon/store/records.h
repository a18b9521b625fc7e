/* records.h: isad's records at rest, each kind's one owner: where it is kept, its key layout, its codec, its state as an enum. */
#ifndef ISA_DAEMON_RECORDS_H
#define ISA_DAEMON_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/store/records.pb-c.h"
#include "daemon/store/store.h"
#include "policy/decide.h"
#include "proto/isa.pb-c.h"

/*
 * Every record kind isad keeps (documents, chunks, share requests, inbox
 * entries, audit records, meta values) is read and written through here,
 * one file a kind (records_doc.c, records_request.c, records_inbox.c,
 * records_chunk.c, records_audit.c, records_meta.c): nobody else packs or
 * unpacks one, or lays out its key.  (The indexes over them are
 * docindex.c's; the schema version is store.c's.)  The values are
 * the messages of daemon/store/records.proto (the audit record's is
 * proto/isa.proto's AuditRecord, which crosses the wire in exports); the
 * bytes at rest are those of the messages as they were in proto/isa.proto.
 *
 * Decoders are checked: a value protobuf-c cannot parse, or whose state or
 * kind is not one of the names below, is damaged (ISA_ERR_PARSE), and key
 * and meta getters refuse anything but their exact length (OpenSMTPD's
 * m_get_* and m_end), never reading past what they were given.
 *
 * The states stay strings in the messages, for those bytes, and are enums
 * here (policy/decide.h's doc_state_t and request_state_t: the decision's
 * own).  records_*_set_state points the string field at a constant: on a
 * decoded record keep the old pointer and put it back before freeing it,
 * as for any field swapped in for an encode.
 */

#define RECORDS_ID_LEN		16	/* a document, request or inbox id */
#define RECORDS_CHUNK_KEY_LEN	(RECORDS_ID_LEN + 8)
#define RECORDS_AUDIT_KEY_LEN	8
#define RECORDS_INBOX_USER_MAX	128	/* an inbox's user id is shorter */
#define RECORDS_INBOX_KEY_MAX	(RECORDS_INBOX_USER_MAX + 9)
#define RECORDS_INBOX_VALUE_MAX	1024	/* an encoded entry, at most */

/* ---- Documents: STORE_DOCS, id (16) -> StoredDoc ---- */

/* Decode a StoredDoc from len bytes at val into *out (free it with
 * records_doc_free).  Returns 0, or ISA_ERR_PARSE (*out NULL) when the
 * bytes do not parse (or memory ran out doing it) or its state is no
 * doc_state_t. */
__attribute__((warn_unused_result))
int records_doc_decode(const void *val, size_t len, Isad__StoredDoc **out);

/* Encode r into *out (malloc'd, the caller frees it) and *len.  Returns
 * 0, ISA_ERR_INVAL (r's state is no doc_state_t's name) or ISA_ERR_NOMEM;
 * *out is NULL on error. */
__attribute__((warn_unused_result))
int records_doc_encode(const Isad__StoredDoc *r, uint8_t **out, size_t *len);

/* Read and decode document id in t.  Returns 0, ISA_ERR_NOTFOUND, a
 * store error, or ISA_ERR_PARSE (damaged). */
__attribute__((warn_unused_result))
int records_doc_get(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    Isad__StoredDoc **out);

/* Encode r and store it as document id.  Returns 0 or as
 * records_doc_encode and store_put. */
__attribute__((warn_unused_result))
int records_doc_put(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    const Isad__StoredDoc *r);

/* Store the len bytes at val (from records_doc_encode) as document id.
 * Returns 0 or as store_put. */
__attribute__((warn_unused_result))
int records_doc_put_encoded(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    const uint8_t *val, size_t len);

/* 0 when document id is stored, else ISA_ERR_NOTFOUND or a store error;
 * its record is not decoded. */
__attribute__((warn_unused_result))
int records_doc_has(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN]);

/*
 * Call fn with the id and the (still encoded) record of every document
 * whose id is from or after it (from NULL: every document), in id order,
 * until fn returns non-zero (returned) or they run out (0).  val is valid
 * only during the call.  A key of any other length is skipped.
 */
typedef int (*records_each_fn)(void *arg, const uint8_t id[RECORDS_ID_LEN],
    const void *val, size_t len);
__attribute__((warn_unused_result))
int records_doc_each(store_txn_t *t, const uint8_t *from, records_each_fn fn,
    void *arg);

/* Free a decoded record; NULL accepted. */
void records_doc_free(Isad__StoredDoc *r);

/* r's state (decoded, or set with records_doc_set_state). */
doc_state_t records_doc_state(const Isad__StoredDoc *r);

/* Set r's state (see the note above on decoded records). */
void records_doc_set_state(Isad__StoredDoc *r, doc_state_t s);

/* The state's name as stored and shown: "active", "recalled",
 * "destroyed". */
const char *records_doc_state_name(doc_state_t s);

/* ---- Share requests: STORE_REQUESTS, id (16) -> StoredRequest ---- */

/* As the document's functions, for a share request (its states: "pending",
 * "approved", "refused", "withdrawn"). */
__attribute__((warn_unused_result))
int records_request_decode(const void *val, size_t len,
    Isad__StoredRequest **out);
__attribute__((warn_unused_result))
int records_request_encode(const Isad__StoredRequest *q, uint8_t **out,
    size_t *len);
__attribute__((warn_unused_result))
int records_request_get(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    Isad__StoredRequest **out);
__attribute__((warn_unused_result))
int records_request_put(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    const Isad__StoredRequest *q);
__attribute__((warn_unused_result))
int records_request_put_encoded(store_txn_t *t,
    const uint8_t id[RECORDS_ID_LEN], const uint8_t *val, size_t len);
__attribute__((warn_unused_result))
int records_request_each(store_txn_t *t, records_each_fn fn, void *arg);
void records_request_free(Isad__StoredRequest *q);
request_state_t records_request_state(const Isad__StoredRequest *q);
void records_request_set_state(Isad__StoredRequest *q, request_state_t s);
const char *records_request_state_name(request_state_t s);

/* ---- Inbox entries: STORE_INBOX, user id, NUL, seq (8, BE) -> StoredInbox;
 * meta "inbox_seq/USER" (8, BE): the user's last seq ---- */

/* What an entry is about (stored as its name). */
typedef enum {
	RECORDS_INBOX_NEW = 0,	/* "new": new material for you */
	RECORDS_INBOX_REQUEST,	/* "request": a share request to decide */
	RECORDS_INBOX_DECIDED,	/* "decided": your share request was decided */
	RECORDS_INBOX_NOTICE,	/* "notice": oversight: an onward share (Chair,
				 * admin) */
	RECORDS_INBOX_REVIEW,	/* "review": your agency's document is due
				 * for review */
	RECORDS_INBOX_RECALLED,	/* "recalled": a document you could read was
				 * recalled */
} records_inbox_kind_t;

/* Decode an entry (its kind one of the above, else ISA_ERR_PARSE), as
 * records_doc_decode. */
__attribute__((warn_unused_result))
int records_inbox_decode(const void *val, size_t len,
    Isad__StoredInbox **out);

/*
 * Store s as user's next entry (numbered after their last, so the numbers
 * a reader sees count only their own entries), and note its number.
 * Returns 0; ISA_ERR_INVAL (user too long, or s's kind unset: see
 * records_inbox_set_kind); ISA_ERR_RANGE (s encodes to more than
 * RECORDS_INBOX_VALUE_MAX bytes); or a store error.
 */
__attribute__((warn_unused_result))
int records_inbox_append(store_txn_t *t, const char *user,
    const Isad__StoredInbox *s);

void records_inbox_free(Isad__StoredInbox *s);
records_inbox_kind_t records_inbox_kind(const Isad__StoredInbox *s);
void records_inbox_set_kind(Isad__StoredInbox *s, records_inbox_kind_t k);
const char *records_inbox_kind_name(records_inbox_kind_t k);

/* The key of user's entry seq into key; its length, or 0 when user is
 * RECORDS_INBOX_USER_MAX bytes or longer. */
size_t records_inbox_key(uint8_t key[RECORDS_INBOX_KEY_MAX], const char *user,
    uint64_t seq);

/* If key (klen bytes) is exactly one of user's entry keys, 0 and its seq;
 * else ISA_ERR_NOTFOUND (another user's, or no entry key at all). */
__attribute__((warn_unused_result))
int records_inbox_key_parse(const void *key, size_t klen, const char *user,
    uint64_t *seq);

/*
 * Call fn with each of user's entries from seq from on, in order, until fn
 * returns non-zero (returned) or user's entries run out (0); ISA_ERR_INVAL
 * when user is too long, or a store error.  val (still encoded: see
 * records_inbox_decode) is valid only during the call.
 */
typedef int (*records_inbox_fn)(void *arg, uint64_t seq, const void *val,
    size_t len);
__attribute__((warn_unused_result))
int records_inbox_each(store_txn_t *t, const char *user, uint64_t from,
    records_inbox_fn fn, void *arg);

/* ---- Chunks: STORE_CHUNKS, doc id (16) || index (8, BE) -> sealed;
 * STORE_UPLOADS, doc id (16) -> "": uploads under way ----
 *
 * Storing a chunk marks its document as an upload under way, in the same
 * transaction; storing the document's record (records_chunk_done) or
 * deleting its chunks unmarks it.  Whatever is still marked when isad
 * starts was cut off (docs_sweep_orphans): start-up walks the marks, not
 * every chunk. */

/* The key of chunk index of document id into key. */
void records_chunk_key(uint8_t key[RECORDS_CHUNK_KEY_LEN],
    const uint8_t id[RECORDS_ID_LEN], uint64_t index);

/* If key (klen bytes) is a chunk key (exactly RECORDS_CHUNK_KEY_LEN), 0
 * with its document (id, when not NULL) and index; else ISA_ERR_PARSE. */
__attribute__((warn_unused_result))
int records_chunk_key_parse(const void *key, size_t klen,
    uint8_t id[RECORDS_ID_LEN], uint64_t *index);

/* Chunk index of document id, as store_get (*val into the map). */
__attribute__((warn_unused_result))
int records_chunk_get(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    uint64_t index, const void **val, size_t *len);

/* Store len bytes at val as chunk index of document id (as store_put). */
__attribute__((warn_unused_result))
int records_chunk_put(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    uint64_t index, const void *val, size_t len);

/* Delete every chunk of document id (as store_del_prefix), and its mark. */
__attribute__((warn_unused_result))
int records_chunk_del_all(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN]);

/* Document id's record is stored: its chunks are no upload under way. */
__attribute__((warn_unused_result))
int records_chunk_done(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN]);

/* Mark document id as an upload under way (for chunks stored without
 * one: a store upgraded from schema 2). */
__attribute__((warn_unused_result))
int records_chunk_mark(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN]);

/* Call fn with each document marked as an upload under way, in id order,
 * as store_index_each. */
__attribute__((warn_unused_result))
int records_chunk_unfinished_each(store_txn_t *t, store_index_fn fn,
    void *arg);

/* Call fn with the document and index of every chunk (whatever document
 * it belongs to), in key order, until fn returns non-zero (returned) or
 * they run out (0).  A key of any other length is skipped. */
typedef int (*records_chunk_fn)(void *arg, const uint8_t id[RECORDS_ID_LEN],
    uint64_t index);
__attribute__((warn_unused_result))
int records_chunk_each(store_txn_t *t, records_chunk_fn fn, void *arg);

/* How many chunks document id has, in *n.  Returns 0 or a store error. */
__attribute__((warn_unused_result))
int records_chunk_count(store_txn_t *t, const uint8_t id[RECORDS_ID_LEN],
    uint64_t *n);

/* ---- Audit records: STORE_AUDIT, seq (8, BE) -> AuditRecord ---- */

/* The key of audit record seq into key. */
void records_audit_key(uint8_t key[RECORDS_AUDIT_KEY_LEN], uint64_t seq);

/* If key (klen bytes) is an audit key (exactly 8), 0 and its seq; else
 * ISA_ERR_PARSE. */
__attribute__((warn_unused_result))
int records_audit_key_parse(const void *key, size_t klen, uint64_t *seq);

/* Encode r (audit/ fills it) and store it under r->seq, with its entries
 * in the audit index (auditindex.h); its bytes (the tree's leaf) in *enc
 * (malloc'd, the caller frees it) and *len.  Returns 0, ISA_ERR_NOMEM or
 * a store error (*enc then NULL). */
__attribute__((warn_unused_result))
int records_audit_put(store_txn_t *t, const Isa__AuditRecord *r,
    uint8_t **enc, size_t *len);

/* Record seq, still encoded, as store_get (*val into the map).  Returns
 * 0, ISA_ERR_NOTFOUND or a store error. */
__attribute__((warn_unused_result))
int records_audit_get(store_txn_t *t, uint64_t seq, const void **val,
    size_t *len);

/* Record seq's time (Unix ms) into *ms.  Returns 0, ISA_ERR_NOTFOUND,
 * ISA_ERR_PARSE (damaged) or a store error. */
__attribute__((warn_unused_result))
int records_audit_time(store_txn_t *t, uint64_t seq, int64_t *ms);

/* Call fn with each audit record from seq from on, in order, until fn
 * returns non-zero (returned) or they run out (0).  val (still encoded:
 * an export sends it as it is) is valid only during the call.  A key of
 * any other length is skipped. */
typedef int (*records_audit_fn)(void *arg, uint64_t seq, const void *val,
    size_t len);
__attribute__((warn_unused_result))
int records_audit_each(store_txn_t *t, uint64_t from, records_audit_fn fn,
    void *arg);

/* Decode an audit record, as records_doc_decode. */
__attribute__((warn_unused_result))
int records_audit_decode(const void *val, size_t len, Isa__AuditRecord **out);
void records_audit_free(Isa__AuditRecord *r);

/* ---- Meta: STORE_META, a name -> a value ---- */

/* The meta values, by what they hold.  ("schema", the store's format, is
 * store.c's own: it reads it before anything else can.) */
typedef enum {
	RECORDS_META_KEK_ID = 0,	/* "kek_id": which master key wraps the
					 * data keys (CRYPTO_KEK_ID_LEN) */
	RECORDS_META_REKEY_DUE,		/* "rekey_due" (empty), set with the
					 * destructions: their old wrapped data
					 * keys may linger in free pages and
					 * backups until every data key is
					 * rewrapped under a new master key,
					 * which deletes it */
	RECORDS_META_AUDIT_RANGE,	/* "audit_range": the audit tree's
					 * compact range (merkle.h) */
	RECORDS_META_CHECKPOINT,	/* "checkpoint": the last signed note */
	RECORDS_META_CHECKPOINT_SIZE,	/* "checkpoint_size": its tree size (8,
					 * BE) */
	RECORDS_META_CHECKPOINT_TIME,	/* "checkpoint_time": when it was
					 * signed, Unix ms (8, BE); absent in
					 * stores from before issue 16 */
} records_meta_t;

/* Meta value m, as store_get. */
__attribute__((warn_unused_result))
int records_meta_get(store_txn_t *t, records_meta_t m, const void **val,
    size_t *len);

/* Set (as store_put) or delete (absent is no error) meta value m. */
__attribute__((warn_unused_result))
int records_meta_put(store_txn_t *t, records_meta_t m, const void *val,
    size_t len);
__attribute__((warn_unused_result))
int records_meta_del(store_txn_t *t, records_meta_t m);

/* Meta value m as a number (exactly 8 bytes, BE; else ISA_ERR_PARSE):
 * 0, ISA_ERR_NOTFOUND, ISA_ERR_PARSE or a store error. */
__attribute__((warn_unused_result))
int records_meta_u64_get(store_txn_t *t, records_meta_t m, uint64_t *v);
__attribute__((warn_unused_result))
int records_meta_u64_put(store_txn_t *t, records_meta_t m, uint64_t v);

#endif
