/* share.h: onward sharing (rule 7) and recall (rule 9): request handlers (dispatch.h contract). */
#ifndef ISA_DAEMON_SHARE_H
#define ISA_DAEMON_SHARE_H

#include "daemon/ctx/job.h"
#include "daemon/ctx/env.h"

/* isa share ID --to P --reason R: grant at once, or file a request. */
void share_share(worker_ctx_t *w, job_t *j);

/* isa requests [--all]: the requests the caller may see. */
void share_requests(worker_ctx_t *w, job_t *j);

/* isa approve REQ / isa refuse REQ --reason R. */
void share_decide(worker_ctx_t *w, job_t *j);

/* isa recall ID --reason R. */
void share_recall(worker_ctx_t *w, job_t *j);

#endif
