/* outage.h: what a store fault turned away, counted by action and user in the writer thread and recorded when commits resume, before anything newer. */
#ifndef ISA_DAEMON_OUTAGE_H
#define ISA_DAEMON_OUTAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/audit/audit.h"
#include "daemon/store/writer.h"

/*
 * At most this many (action, user, key) counts an outage: what comes from
 * further ones is counted together, in one record with the action
 * "request" and no actor.  About 250 bytes each, allocated at the start.
 */
#define OUTAGE_ENTRIES 1024

typedef struct outage outage_t;

/* A new, empty count; NULL when out of memory. */
outage_t *outage_new(void);

/* Free; NULL accepted.  What is still counted is said in the log (it could
 * not be recorded before isad stopped). */
void outage_free(outage_t *o);

/*
 * Count e, a record that the failure rc (ISA_ERR_*) kept out of the log,
 * made at when_ms: by its action, actor and key, with its agency; the
 * rest of it (document, decision, ...) is not kept.  o may be NULL
 * (nothing counted).  Writer thread only (writer_op_t.refused).
 */
void outage_note(outage_t *o, const audit_entry_t *e, int rc, int64_t when_ms);

/*
 * The writer's backlog (writer_set_backlog, with o as its arg): whether
 * anything is counted; one record for each count, written into txn (the
 * action and actor as they asked, decision "error", reason what kept them
 * out: disk_full, store_full, io_error or unrecorded, count how many, and
 * as target the time of the first, RFC 3339); and, told the commit
 * landed, starting afresh.
 */
bool outage_pending(void *o);
int outage_apply(store_txn_t *txn, void *o);
void outage_done(void *o, int rc);

#endif
