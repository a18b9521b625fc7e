/* abandon.h: the one audit record of a transfer that ends without a document or a reply to record it, with an upload's staged chunks deleted. */
#ifndef ISA_DAEMON_ABANDON_H
#define ISA_DAEMON_ABANDON_H

#include <stdint.h>

#include "daemon/store/store.h"
#include "daemon/docs/transfer.h"
#include "daemon/store/writer.h"

/*
 * DESIGN §7: every request is one record, a transfer however many messages
 * it takes.  An upload records itself at its end; one that never gets
 * there (abandoned by transfer_end, idle past the timeout, closed by a
 * reload, cut off at shutdown) is recorded here instead, and a download
 * closed by a reload gets a second record saying so.  Records carry the
 * actor, agency and key of the transfer's begin, the action (put or get),
 * the marking, the document id of a download (an upload's was never
 * given out), the decision and a reason; never a title.
 */
typedef struct abandon abandon_t;

/*
 * The record of x's end (decision "error", "deny"...; reason "abandoned",
 * "expired", "revoked", "shutdown"...), with x's staged chunks to delete
 * when it is an upload.  Copies what it needs: x may go at once.  NULL
 * when out of memory (logged): the record is then lost, and an upload's
 * chunks wait for the sweep at the next start.
 */
abandon_t *abandon_new(const transfer_t *x, const char *decision,
    const char *reason);

/* Free a (NULL accepted). */
void abandon_free(abandon_t *a);

/* In the writer's transaction: delete the chunks and append the record.
 * Returns 0 or ISA_ERR_* (the transaction aborts). */
__attribute__((warn_unused_result))
int abandon_apply(store_txn_t *txn, const abandon_t *a, int64_t now_ms);

/* Hand a to the writer (which frees it): for ends no request waits on. */
void abandon_submit(writer_t *w, abandon_t *a);

#endif
