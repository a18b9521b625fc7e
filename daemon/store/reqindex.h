/* reqindex.h: the store's index over share requests: who may see one (§5), and its target and marking for refusals. */
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
 * STORE_REQSEE: "user:ID" for the requester and the document's author,
 * "orig:ID" for its originator; the administrator sees every request.
 * Added in the transaction that stores the request (reqindex_add).
 */

/* A request q on document doc was stored: who may see it, and its target
 * and marking (marking NULL: composed from doc's words) for refusals. */
__attribute__((warn_unused_result))
int reqindex_add(store_txn_t *t, const Isad__StoredRequest *q,
    const Isad__StoredDoc *doc, const char *marking);

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

/* Build the index in t from every stored request (a store upgrade from
 * schema from).  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int reqindex_build(store_txn_t *t, uint32_t from);

/* isad check --deep: compare the index with what the records say it
 * should hold, reporting each difference to ic.  Returns 0 (differences
 * or not) or a store error. */
__attribute__((warn_unused_result))
int reqindex_check(store_txn_t *t, indexcheck_t *ic);

#endif
