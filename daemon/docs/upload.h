/* upload.h: uploads: PutBegin, PutChunk, PutEnd, and an upload that ends without a document (DESIGN §4-6, §8). */
#ifndef ISA_DAEMON_UPLOAD_H
#define ISA_DAEMON_UPLOAD_H

#include <stdbool.h>

#include "daemon/ctx/env.h"
#include "daemon/ctx/job.h"
#include "daemon/docs/transfer.h"

/* Request handlers (see dispatch.h for the contract). */
void docs_put_begin(worker_ctx_t *w, job_t *j);
void docs_put_chunk(worker_ctx_t *w, job_t *j);
void docs_put_end(worker_ctx_t *w, job_t *j);

/* A transfer timed out (expired) or the worker stops (stopped): an
 * upload's staged chunks are deleted and its one audit record written, with
 * that reason (through the writer, abandon.h).  arg is the worker_ctx_t. */
void docs_transfer_expired(transfer_t *x, void *arg);
void docs_transfer_stopped(transfer_t *x, void *arg);

/* The upload x ends without a document (reason: "abandoned", "truncated",
 * ...): x is dropped, and j's change deletes its chunks and writes its one
 * record (j's own is not written), durable before j's reply. */
void docs_upload_abandon(worker_ctx_t *w, job_t *j, transfer_t *x,
    const char *reason);

/* Whether the upload x is still allowed (rule 6 on its metadata) under
 * j's policy and subject; j's reply is scratch. */
bool docs_upload_allowed(worker_ctx_t *w, job_t *j, const transfer_t *x);

#endif
