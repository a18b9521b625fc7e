/* download.h: downloads, ls and info: GetBegin, GetChunk, TransferEnd, List, Info; and the orphan sweep at start (DESIGN §4-6, §8). */
#ifndef ISA_DAEMON_DOWNLOAD_H
#define ISA_DAEMON_DOWNLOAD_H

#include "daemon/ctx/env.h"
#include "daemon/ctx/job.h"
#include "daemon/store/store.h"

/* Request handlers (see dispatch.h for the contract). */
void docs_get_begin(worker_ctx_t *w, job_t *j);
void docs_get_chunk(worker_ctx_t *w, job_t *j);
void docs_transfer_end(worker_ctx_t *w, job_t *j);
void docs_list(worker_ctx_t *w, job_t *j);
void docs_info(worker_ctx_t *w, job_t *j);

/*
 * At start, before the writer runs: delete chunks no document owns (an
 * upload cut off by a crash or kill -9).  Returns how many documents' worth
 * were removed (>= 0), or ISA_ERR_*.
 */
int docs_sweep_orphans(store_t *s);

#endif
