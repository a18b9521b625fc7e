/* handlers.h: what isad answers, one function per request body, run by a worker. */
#ifndef ISA_DAEMON_HANDLERS_H
#define ISA_DAEMON_HANDLERS_H

#include "daemon/ctx/job.h"
#include "daemon/serve/worker.h"

/*
 * Answer j: fill j->resp (and j->out for content), or, when the request
 * changes state, also set j->op.apply for the writer; the worker then
 * submits it and the reply leaves only after the change is durable.
 * j->subject is enrolled and enabled in j->policy.
 */
void handlers_dispatch(worker_ctx_t *w, job_t *j);

/* The audit log's name for what req asks ("get", "put", ...; "invalid"
 * when req is NULL). */
const char *handlers_action(const Isa__Envelope *req);

/* The worker that must handle j: the one holding the transfer it names,
 * else any (-1). */
int handlers_route(const job_t *j);

/* Drop this worker's idle transfers (limits.transfer_timeout_ms). */
void handlers_expire(worker_ctx_t *w);

/* Drop all of this worker's transfers (stopping). */
void handlers_drop_transfers(worker_ctx_t *w);

/* Re-decide this worker's transfers under the policy now in force (after
 * a reload): those no longer allowed are closed, each with a record. */
void handlers_redecide(worker_ctx_t *w);

#endif
