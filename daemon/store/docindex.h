/* docindex.h: the store's indexes over documents: same content (rule 6f), who could know a document (rule 2), the marking line for refusals. */
#ifndef ISA_DAEMON_DOCINDEX_H
#define ISA_DAEMON_DOCINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/store/indexcheck.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"
#include "policy/policy.h"
#include "proto/docid.h"

/*
 * The access index (STORE_ACCESS) narrows, it never grants: a document is
 * under every principal that could make someone pass rule 2 for it: each
 * entry of its list as named ("user:ID", "agency:ID", "group:ID", "all"),
 * "up:ID" for its author and for the one who ingested it, and "orig:ID" for
 * its originator agency (its approvers).  Whoever is under none of the keys
 * a caller has (doc_may_know, docs/mayknow.c) is not on the list, and is
 * answered as for a missing id without the record being read; whoever is
 * under one is decided by policy_decide on the record as ever.  (The same
 * for requests: reqindex.h.)
 *
 * An active document is filed under its live keys (principal, NUL, id).
 * A recalled or destroyed one is filed under its gone keys instead
 * (DOCINDEX_GONE, then the principal key, NUL, id), so that a listing,
 * which walks only live keys, never passes what it would not show (rule
 * 5), however many documents a key has seen go in a decade.  Rule 2 still
 * answers "recalled"/"destroyed" to those on the list: doc_may_know looks
 * up both spaces.  Each entry's value (DOCINDEX_VALUE_LEN bytes,
 * docindex_value) is the document's doc_state_t, its classification
 * (classification_t; DOCINDEX_CLASS_UNKNOWN when it names none) and its
 * embargo_until (8 bytes, big-endian, 0: none): the classification and the
 * embargo are fixed at upload, only the state ever changes.  A listing
 * skips, unread, an entry whose value already rules the caller out.
 *
 * Every change that adds access adds its keys in the same transaction:
 * upload (docindex_add_doc), granted share (docindex_add_access).  Recall
 * and destruction move every key to the gone space (docindex_set_state),
 * in the transaction that rewrites the record.  Destruction takes the
 * document's bytes out of the content index (docindex_drop_content).
 */
#define DOCINDEX_VALUE_LEN 10
#define DOCINDEX_CLASS_UNKNOWN 0xff
#define DOCINDEX_GONE "gone "	/* no principal name has a space */
#define DOCINDEX_GONE_LEN 5

/* Index r (just stored) in t: its content, its access keys (valued with
 * r's state), and its marking line for refusals' audit records (marking;
 * NULL: composed from r's words).  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int docindex_add_doc(store_txn_t *t, const Isad__StoredDoc *r,
    const char *marking);

/* Principal (as named) now has access to document r (as stored before or
 * after the change: only its id and state are read).  Returns 0 or
 * ISA_ERR_*. */
__attribute__((warn_unused_result))
int docindex_add_access(store_txn_t *t, const Isad__StoredDoc *r,
    const char *principal);

/* r's state changed (a recall, a destruction; r holds the new one): every
 * one of its access entries moves to the key space of that state (live
 * while active, gone otherwise), valued with it, in the same transaction.
 * Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int docindex_set_state(store_txn_t *t, const Isad__StoredDoc *r);

/* r is destroyed: its bytes no longer count as held (rule 6f). */
__attribute__((warn_unused_result))
int docindex_drop_content(store_txn_t *t, const Isad__StoredDoc *r);

/* Call fn with the id of every document not destroyed whose content has
 * this SHA-256 (32 bytes), as store_index_each. */
__attribute__((warn_unused_result))
int docindex_same_content(store_txn_t *t, const uint8_t *sha,
    store_index_fn fn, void *arg);

/*
 * Whether the access index files document doc under the principal key
 * (klen bytes, its NUL included, as docindex_principal_key makes it),
 * live or gone.  Two lookups (live and gone) whatever the answer; a store
 * error counts as false.  Which keys a caller has is docs/mayknow.c's.
 */
bool docindex_access_filed(store_txn_t *t, const char *key, size_t klen,
    const uint8_t doc[DOCID_LEN]);

/* An access entry's value as read.  known: false when the value is not
 * DOCINDEX_VALUE_LEN bytes or its state is no doc_state_t (damage: then
 * it rules nobody out, and policy decides). */
typedef struct {
	bool known;
	doc_state_t state;
	uint8_t classification;	/* classification_t, or DOCINDEX_CLASS_UNKNOWN */
	int64_t embargo_until;	/* Unix seconds, 0: none */
} docindex_entry_t;

/* The value r's access entries carry, into out. */
void docindex_value(const Isad__StoredDoc *r,
    uint8_t out[DOCINDEX_VALUE_LEN]);

/*
 * The first document filed under the live principal key (as for
 * docindex_access_filed: never a gone one) whose id comes after after
 * (NULL: the first), into id, and its entry's value into *e.  One seek.
 * Returns 0, ISA_ERR_NOTFOUND (no more) or a store error.
 */
__attribute__((warn_unused_result))
int docindex_access_next(store_txn_t *t, const char *key, size_t klen,
    const uint8_t *after, uint8_t id[DOCID_LEN], docindex_entry_t *e);

/* The marking line recorded for document id: *line (*len bytes, no NUL)
 * points into txn's memory, valid until txn ends; its SHA-256 in sha
 * (zeros when it has none).  False when there is no such document.  One
 * lookup either way. */
bool docindex_marking(store_txn_t *t, const uint8_t id[DOCID_LEN],
    uint8_t sha[32], const char **line, size_t *len);

/* Build what schema from lacked in t, from every stored document (a
 * store upgrade): from 1 every index over documents; from 2 the access
 * entries' values (each document's state) and a recalled or destroyed
 * document's entries moved to its gone keys.  Holds one record at a time.
 * Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int docindex_build(store_txn_t *t, uint32_t from);

/* isad check --deep (docindex_check.c): compare an index with what the
 * documents say it should hold, both ways, reporting each difference to
 * ic: the access index (keys and values), the content index (STORE_SHA)
 * and the documents' entries of the marking index (STORE_MARKS).  Each
 * walks with cursors, one record decoded at a time.  Returns 0
 * (differences or not) or a store error. */
__attribute__((warn_unused_result))
int docindex_check(store_txn_t *t, indexcheck_t *ic);
__attribute__((warn_unused_result))
int docindex_check_content(store_txn_t *t, indexcheck_t *ic);
__attribute__((warn_unused_result))
int docindex_check_marks(store_txn_t *t, indexcheck_t *ic);

/* ---- Shared with the request index (reqindex.c) ---- */

#define DOCINDEX_KEY_MAX 300	/* a principal key: "group:" and an id, a NUL */
#define DOCINDEX_MARKING_MAX 1024

/* "kind" + "id" + NUL into key (DOCINDEX_KEY_MAX bytes); its length, or 0
 * when too long. */
size_t docindex_principal_key(char *key, const char *kind, const char *id);

#define DOCINDEX_GONE_KEY_MAX (DOCINDEX_GONE_LEN + DOCINDEX_KEY_MAX)

/* The gone key of principal key key (klen bytes, its NUL counted, as
 * docindex_principal_key makes it) into out; its length, or 0 when klen is
 * 0 or more than DOCINDEX_KEY_MAX. */
size_t docindex_gone_key(char out[DOCINDEX_GONE_KEY_MAX], const char *key,
    size_t klen);

/* Add kind+id -> doc to db; a name too long for a key (or empty) names
 * nobody a policy can hold, so it needs no key: 0. */
__attribute__((warn_unused_result))
int docindex_add_key(store_txn_t *t, store_db_t db, const char *kind,
    const char *id, const uint8_t *doc);

/* Whether kind+id -> doc is in db; one lookup. */
bool docindex_has_key(store_txn_t *t, store_db_t db, const char *kind,
    const char *id, const uint8_t *doc);

/* The marking line from a record's own words, into buf (the canonical line
 * needs the policy: this is for records indexed without one, at an
 * upgrade). */
void docindex_words_line(const Isad__StoredDoc *r, char *buf, size_t len);

/* Call fn with each access key r is filed under (its NUL counted in
 * klen), duplicates included, until fn returns non-zero (returned) or they
 * run out (0).  For the checks. */
typedef int (*docindex_key_fn)(void *arg, const char *key, size_t klen);
__attribute__((warn_unused_result))
int docindex_doc_keys(const Isad__StoredDoc *r, docindex_key_fn fn,
    void *arg);

#endif
