/* reqindex.h: the store's index over share requests: who may see one (§5), which are pending, and its target and marking for refusals. */
#ifndef ISA_DAEMON_REQINDEX_H
#define ISA_DAEMON_REQINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/store/indexcheck.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"
#include "proto/docid.h"

/*
 * STORE_REQSEE: a key is a prefix (text, NUL) and a request id (16).
 *
 *   "user:ID"       its requester and its document's author   -> state
 *   "orig:AGENCY"   its document's originator (its approvers)  -> state
 *   "every"         every request (the administrator's view)   -> state
 *   "doc:DOCID"     its document (DOCID as isa prints it)       -> state
 *   "pending " and any of the first three: the same, only while the
 *                   request is pending (a listing of pending requests
 *                   walks these, never a decided one)           -> ""
 *
 * The state is one byte, the first of the request's state name ('p'ending,
 * 'a'pproved, 'r'efused, 'w'ithdrawn), so a listing can skip without
 * decoding a record.  Written in the transaction that stores the request
 * (reqindex_add) and rewritten, the pending keys deleted, in the one that
 * changes its state (reqindex_set_state).  The index narrows, it never
 * grants: what a listing finds is decided by policy_decide on the records.
 * A name empty or too long for a key names nobody and has no key.
 */
#define REQINDEX_USER		"user:"
#define REQINDEX_ORIG		"orig:"
#define REQINDEX_EVERY		"every"
#define REQINDEX_PREFIX_MAX	320	/* "pending ", a kind, an id, NUL */

/* A request q on document doc was stored: its entries, and its target and
 * marking (marking NULL: composed from doc's words) for refusals. */
__attribute__((warn_unused_result))
int reqindex_add(store_txn_t *t, const Isad__StoredRequest *q,
    const Isad__StoredDoc *doc, const char *marking);

/* q (as now stored) changed state: its entries' values say so, and its
 * pending keys go when it is no longer pending.  Reads its document.
 * Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int reqindex_set_state(store_txn_t *t, const Isad__StoredRequest *q);

/* Whether the request index shows request req to kind+id ("user:" or
 * "orig:" and an id).  One lookup, whatever came before; a store error
 * counts as false. */
bool reqindex_seen_by(store_txn_t *t, const char *kind, const char *id,
    const uint8_t req[DOCID_LEN]);

/* For request id: its target and its document's marking (*target_len and
 * *marking_len bytes, no NUL), pointing into txn's memory, valid until txn
 * ends; false when there is no such request (both then NULL and 0). */
bool reqindex_marks(store_txn_t *t, const uint8_t id[DOCID_LEN],
    const char **target, size_t *target_len, const char **marking,
    size_t *marking_len);

/* ---- Listing ---- */

/* The requests under one key (kind as above, id; REQINDEX_EVERY with
 * id ""), pending ones only or all, walked in id order. */
typedef struct {
	char prefix[REQINDEX_PREFIX_MAX];
	size_t plen;		/* 0: names nobody, nothing under it */
	uint8_t id[DOCID_LEN];	/* the current one */
	bool at;		/* id holds one */
	bool done;
} reqindex_key_t;

/* Set k to the key kind+id, pending ones only or all. */
void reqindex_key_init(reqindex_key_t *k, const char *kind, const char *id,
    bool pending);

/*
 * Call fn with each request id under any of the n keys, once each, in id
 * order (each step a seek in one key), until fn returns non-zero (which
 * this returns) or they run out (0); or a store error.  Memory: the keys.
 */
typedef int (*reqindex_fn)(void *arg, const uint8_t id[DOCID_LEN]);
__attribute__((warn_unused_result))
int reqindex_merge(store_txn_t *t, reqindex_key_t *keys, size_t n,
    reqindex_fn fn, void *arg);

/* ---- Building (an upgrade) and checking ---- */

/* Build the index in t from every stored request (a store upgrade from
 * schema from < 3): one walk of the requests.  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int reqindex_build(store_txn_t *t, uint32_t from);

/* One entry a request calls for (or, not present, must not have): the
 * key's prefix ("pending "?, kind, id, NUL) and the value's state byte (0:
 * a pending key, its value empty).  For reqindex.c and reqindex_check.c. */
#define REQINDEX_WANT_MAX	9	/* four listing keys, their pending
					 * ones, the document's */
typedef struct {
	char prefix[REQINDEX_PREFIX_MAX];
	size_t plen;
	char val;
	bool present;
} reqindex_want_t;

/* The entries q (on doc; NULL: its document is missing) calls for, and
 * the pending keys it must not have once decided, into w (room for
 * REQINDEX_WANT_MAX); how many.  Pure. */
size_t reqindex_wants(const Isad__StoredRequest *q,
    const Isad__StoredDoc *doc, reqindex_want_t *w);

/* isad check --deep (reqindex_check.c): every entry the requests call for is there with its
 * value (and the refusal's target for each), and every entry is accounted
 * for by its request, reported to ic.  Returns 0 (differences or not) or a
 * store error. */
__attribute__((warn_unused_result))
int reqindex_check(store_txn_t *t, indexcheck_t *ic);

#endif
