/* mayknow.h: rule 2's narrowing by the indexes: whether a caller could be on a document's list, or may see a request, asked in the same lookups whatever the answer. */
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
 * the access index (store/docindex.h): the same fixed sequence of lookups
 * for a given caller whether the id exists or not, whatever its list
 * holds.  The index narrows, it never grants: policy_decide still decides.
 * A store error counts as false.
 */
bool doc_may_know(store_txn_t *t, const policy_t *p, const policy_user_t *u,
    const uint8_t id[DOCID_LEN]);

/* Whether u may see share request id (its requester, an approver of the
 * document's originator agency, or an administrator), in the same
 * lookups whatever the answer.  A store error counts as false. */
bool doc_may_see_request(store_txn_t *t, const policy_t *p,
    const policy_user_t *u, const uint8_t id[DOCID_LEN]);

#endif
