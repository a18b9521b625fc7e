/* unfinished.h: the marks of uploads under way (STORE_UPLOADS), built for a store that had none and checked against the chunks. */
#ifndef ISA_DAEMON_UNFINISHED_H
#define ISA_DAEMON_UNFINISHED_H

#include <stdint.h>

#include "daemon/store/indexcheck.h"
#include "daemon/store/store.h"

/* From a store before schema 3: mark every document whose chunks have no
 * record (an upload a schema-2 isad left cut off), so the start-up sweep
 * (docs_sweep_orphans) finds it.  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int unfinished_build(store_txn_t *t, uint32_t from);

/* isad check --deep: chunks without a record and without a mark (the
 * start-up sweep would never delete them), and marks of documents whose
 * record is stored or that have no chunk.  As reqindex_check. */
__attribute__((warn_unused_result))
int unfinished_check(store_txn_t *t, indexcheck_t *ic);

#endif
