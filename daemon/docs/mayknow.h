/* mayknow.h: rule 2's narrowing by the indexes: whether a caller could be on a document's list (the same lookups whatever the answer), the documents they could be on the list of, whether they may see a request. */
#ifndef ISA_DAEMON_MAYKNOW_H
#define ISA_DAEMON_MAYKNOW_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/store/store.h"
#include "policy/policy.h"
#include "proto/docid.h"

/*
 * Whether u could pass rule 2 for document id: u's principals (their user,
 * their own uploads, their agency, `all`, every group that reaches them,
 * and their agency's originated documents when they approve) looked up in
 * the access index (store/docindex.h), each under its live and its gone
 * key: the same fixed sequence of lookups (two per key) for a given caller
 * whether the id exists or not, whatever its list holds or its state.  The index narrows, it never grants: policy_decide still decides.
 * A store error counts as false.
 */
bool doc_may_know(store_txn_t *t, const policy_t *p, const policy_user_t *u,
    const uint8_t id[DOCID_LEN]);

/*
 * The documents u could pass rule 2 for, from the access index: u's keys
 * (the same as doc_may_know's, by the same function) walked together in
 * id order (a k-way merge of their live entries, each id once): a recalled
 * or destroyed document is under gone keys only, so it is never passed
 * (rule 5 would refuse it).  An entry whose value rules u out (a
 * classification above u's clearance, an embargo still running under a
 * key other than u's own "up:"/"orig:") is passed unread; a document is a
 * candidate when any key holding it does not rule u out.  Each candidate
 * is still to be decided by policy_decide.  Costs k seeks per document
 * under u's live keys (k: u's keys), one record read per candidate, and
 * nothing for a document on none of u's keys or gone.  The walk holds its keys and t; free it before t ends.
 */
typedef struct doc_walk doc_walk_t;

/* Begin a walk in t after document id after (NULL: from the first) into
 * *out, at now (Unix seconds: for clearance expiry and embargoes).
 * Returns 0, ISA_ERR_NOMEM, or a store error (*out NULL). */
__attribute__((warn_unused_result))
int doc_walk_begin(store_txn_t *t, const policy_t *p, const policy_user_t *u,
    int64_t now, const uint8_t *after, doc_walk_t **out);

/* The next candidate into id.  Returns 0, ISA_ERR_NOTFOUND (no more) or a
 * store error. */
__attribute__((warn_unused_result))
int doc_walk_next(doc_walk_t *w, uint8_t id[DOCID_LEN]);

/* NULL accepted. */
void doc_walk_free(doc_walk_t *w);

/* Whether u may see share request id (its requester, an approver of the
 * document's originator agency, or an administrator), in the same
 * lookups whatever the answer.  A store error counts as false. */
bool doc_may_see_request(store_txn_t *t, const policy_t *p,
    const policy_user_t *u, const uint8_t id[DOCID_LEN]);

#endif
