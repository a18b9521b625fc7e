/* outage.h: the audit records a store fault kept out of the log (requests counted by action and user, events kept whole), written first when commits resume, and kept on disk across a stop. */
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
/* At most this many events kept whole; past it they are counted. */
#define OUTAGE_KEPT 256
/* The file that keeps them across a stop, in DATA_DIR, and its bound. */
#define OUTAGE_FILE "unrecorded"
#define OUTAGE_FILE_MAX (4u << 20)

typedef struct outage outage_t;

/*
 * A new, empty outage, which keeps what it holds at a stop in path (NULL:
 * nowhere) and takes back what an earlier isad kept there, to be written
 * first.  NULL when out of memory.
 */
outage_t *outage_new(const char *path);

/*
 * Free; NULL accepted.  What it still holds is kept in its file for the
 * next start (and the log says so), or, when it cannot be, or the store
 * failed in the middle of a commit that may have written it, the log says
 * how many records that is.
 */
void outage_free(outage_t *o);

/*
 * Count e, a request's record that the failure rc (ISA_ERR_*) kept out
 * of the log, made at when_ms: by its action, actor and key, with its
 * agency; the rest of it (document, decision, ...) is not kept.  o may be
 * NULL (nothing counted).  Writer thread only (writer_op_t.refused).
 */
void outage_note(outage_t *o, const audit_entry_t *e, int rc, int64_t when_ms);

/*
 * Keep e whole, an event's record (a start, a reload, refused handshakes
 * counted, refused requests on stale connections) that rc kept out, made
 * at when_ms: written as it was, with its time (or the last record's, as
 * times never go back).  Past OUTAGE_KEPT, or out of memory, it is counted
 * instead (outage_note, with its count).  Writer thread only.
 */
void outage_keep(outage_t *o, const audit_entry_t *e, int rc, int64_t when_ms);

/*
 * The writer's backlog (writer_set_backlog, with o as its arg): whether
 * anything is held; the records, written into txn: the events kept whole,
 * then one record for each count (the action and actor as they asked,
 * decision "error", reason what kept them out: disk_full, store_full,
 * io_error or unrecorded, count how many, and as target the time of the
 * first, RFC 3339); and, told the commit landed, starting afresh (and
 * removing the file an earlier isad kept them in).
 */
bool outage_pending(void *o);
int outage_apply(store_txn_t *txn, void *o);
void outage_done(void *o, int rc);

#endif
