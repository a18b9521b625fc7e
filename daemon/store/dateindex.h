/* dateindex.h: documents by the date something is due to them: destroy-after, review-by, an embargo lifting (DESIGN §15). */
#ifndef ISA_DAEMON_DATEINDEX_H
#define ISA_DAEMON_DATEINDEX_H

#include <stdint.h>

#include "daemon/store/indexcheck.h"
#include "daemon/store/records.h"
#include "daemon/store/store.h"

/* Build the index in t from every document (a store upgrade from
 * schema from).  Returns 0 or ISA_ERR_*. */
__attribute__((warn_unused_result))
int dateindex_build(store_txn_t *t, uint32_t from);

/* isad check --deep, as reqindex_check. */
__attribute__((warn_unused_result))
int dateindex_check(store_txn_t *t, indexcheck_t *ic);

#endif
