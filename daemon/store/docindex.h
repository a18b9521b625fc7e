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
 * a caller has (doc_may_know, docs/mayknow.c) is not on the list, and is answered as
 * for a missing id without the record being read; whoever is under one is
 * decided by policy_decide on the record as ever.  (The same for requests:
 * reqindex.h.)
 *
 * Every change that adds access adds its keys in the same transaction:
 * upload (docindex_add_doc), granted share (docindex_add_access).  Recall
 * and destruction leave the keys:
 * rule 2 still answers GONE to those on the list.  Destruction takes the
 * document's bytes out of the content index (docindex_drop_content).
 */

/* Index r (just stored) in t: its content, its access keys, and its marking
 * line for refusals' audit records (marking; NULL: composed from r's
 * words).  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int docindex_add_doc(store_txn_t *t, const Isad__StoredDoc *r,
    const char *marking);

/* Principal (as named) now has access to document id. */
__attribute__((warn_unused_result))
int docindex_add_access(store_txn_t *t, const uint8_t id[DOCID_LEN],
    const char *principal);

/* r's state changed (a recall, a destruction; r holds the new one): its
 * access keys say so, in the same transaction. */
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
 * Whether the access index files document doc under the principal kind+id
 * ("up:", "user:", "agency:", "orig:" and an id; "" and a group's name or
 * "all").  One lookup, whatever came before; a store error counts as
 * false.  Who may ask which is docs/mayknow.c's.
 */
bool docindex_access_has(store_txn_t *t, const char *kind, const char *id,
    const uint8_t doc[DOCID_LEN]);

/* The marking line recorded for document id: *line (*len bytes, no NUL)
 * points into txn's memory, valid until txn ends; its SHA-256 in sha
 * (zeros when it has none).  False when there is no such document.  One
 * lookup either way. */
bool docindex_marking(store_txn_t *t, const uint8_t id[DOCID_LEN],
    uint8_t sha[32], const char **line, size_t *len);

/* Build the index in t from every stored document (a store upgrade from
 * schema from).  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int docindex_build(store_txn_t *t, uint32_t from);

/* isad check --deep: compare the access, content and marking indexes with
 * what the documents say they should hold, reporting each difference to
 * ic.  Returns 0 (differences or not) or a store error. */
__attribute__((warn_unused_result))
int docindex_check(store_txn_t *t, indexcheck_t *ic);

/* ---- Shared with the request index (reqindex.c) ---- */

#define DOCINDEX_KEY_MAX 300	/* a principal key: "group:" and an id, a NUL */
#define DOCINDEX_MARKING_MAX 1024

/* "kind" + "id" + NUL into key (DOCINDEX_KEY_MAX bytes); its length, or 0
 * when too long. */
size_t docindex_principal_key(char *key, const char *kind, const char *id);

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

#endif
