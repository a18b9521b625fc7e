/* writer.h: the one thread that writes: group commit of many requests' changes in one transaction and one fsync. */
#ifndef ISA_DAEMON_WRITER_H
#define ISA_DAEMON_WRITER_H

#include <stdbool.h>

#include "daemon/store/store.h"

/*
 * One change to apply, owned by whoever submits it until it is done.  apply
 * runs in the writer thread inside the batch's transaction: its return (0
 * or ISA_ERR_*) decides whether that change joins the batch.  When any
 * change fails the transaction is abandoned and the others are applied
 * again, so apply must give the same result when run again on a fresh
 * transaction (and free what an earlier run kept).  After the
 * batch commits durably (or fails), rc holds the outcome (a failed commit
 * fails every change in it) and done, if set, is called in the writer
 * thread: it must only hand the result on (e.g. queue it for the main loop),
 * never block.
 */
typedef struct writer_op {
	int (*apply)(store_txn_t *txn, struct writer_op *op);
	void (*done)(struct writer_op *op);
	/* NULL, or called in the writer thread, before done, when the change
	 * failed (rc set), with writer_set_backlog's arg: to count the audit
	 * record the failure kept out of the log, so that the backlog writes
	 * it when commits resume. */
	void (*refused)(struct writer_op *op, void *backlog);
	int rc;
	struct writer_op *next;	/* the writer's queue */
} writer_op_t;

typedef struct writer writer_t;

/* Start the writer thread on s.  Returns NULL on failure. */
writer_t *writer_start(store_t *s);

/* Queue op; it will be applied in submission order.  Thread-safe. */
void writer_submit(writer_t *w, writer_op_t *op);

/* Call tick(store, arg) in the writer thread after each batch and at least
 * every interval_ms when idle (for periodic checkpoints).  Set it before
 * the first submit. */
void writer_set_tick(writer_t *w, int interval_ms,
    void (*tick)(store_t *, void *), void *arg);

/*
 * What failed changes left unrecorded (daemon/audit/outage.h): pending(arg)
 * says whether there is any; apply(txn, arg) then writes it first in the
 * next batch's transaction, before any change, and when it fails the batch
 * fails with it, so nothing recorded after an outage comes before the
 * record of what the outage turned away; done(arg, rc) is told whether
 * that commit landed (rc 0).  While the writer is idle it tries again at
 * every tick.  All in the writer thread.  Set it before the first submit.
 */
void writer_set_backlog(writer_t *w, bool (*pending)(void *),
    int (*apply)(store_txn_t *, void *), void (*done)(void *, int),
    void *arg);

/* Whether changes are queued and waiting (for periodic work that yields
 * to them between its own commits).  Thread-safe. */
bool writer_busy(writer_t *w);

/* Apply everything queued, then stop the thread, log how many changes went
 * into how many commits, and free.  NULL ok. */
void writer_stop(writer_t *w);

#endif
