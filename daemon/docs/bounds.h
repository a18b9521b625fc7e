/* bounds.h: what bounds the open transfers: the caps, the content budget, secure memory, and the answer for a transfer not held. */
#ifndef ISA_DAEMON_BOUNDS_H
#define ISA_DAEMON_BOUNDS_H

#include <stdbool.h>
#include <stdint.h>

#include "daemon/ctx/env.h"
#include "daemon/ctx/job.h"
#include "proto/isa.pb-c.h"

/* Refuse j after a key operation failed with rc: UNAVAILABLE (logged) when
 * secure memory is used up (ISA_ERR_NOMEM), else INTERNAL.  what names the
 * operation for the log ("wrap a data key"), or NULL. */
void docs_secmem_refused(job_t *j, int rc, const char *what);

/* Refuse j for transfers_add's rc: UNAVAILABLE past the caps
 * (limits.transfers_per_user: ISA_ERR_BUSY; limits.transfers:
 * ISA_ERR_FULL), else INTERNAL. */
void docs_transfer_refused(worker_ctx_t *w, job_t *j, int rc);

/*
 * Whether chunk more bytes of content fit in limits.content_queued and in
 * j's user's limits.content_queued_per_user; if not, j is answered
 * UNAVAILABLE with a retry_ms (back-pressure: the transfer stays as it
 * was, and the client sends the same request again) and false returned.
 */
bool docs_budget_ok(worker_ctx_t *w, job_t *j, uint64_t chunk);

/* j's answer when it must wait for room (own: the user's share is full):
 * UNAVAILABLE with retry_ms; also for the chunks a client pipelined after
 * the one refused. */
void docs_budget_wait(job_t *j, bool own);

/* j names transfer id, which this worker does not hold: DENIED with the
 * sentence a reload left for it (once), else NOT_FOUND.  what: "upload" or
 * "download". */
void docs_transfer_missing(worker_ctx_t *w, job_t *j,
    const ProtobufCBinaryData *id, const char *what);

#endif
