/* auditq.h: what auditors ask of the audit log: queries, export pages, checkpoints; and the periodic checkpoint. */
#ifndef ISA_DAEMON_AUDITQ_H
#define ISA_DAEMON_AUDITQ_H

#include "daemon/ctx/job.h"
#include "daemon/ctx/env.h"

/* isa audit [filters]: a page of matching records (rule 10: auditors
 * only), at least one when any is left.  Export pages (upto > 0) are
 * served only to the connection whose export of exactly upto records is
 * recorded (exports.h); else BAD_REQUEST, audited. */
void auditq_query(worker_ctx_t *w, job_t *j);

/* isa audit checkpoint, and the start of isa audit export: a checkpoint
 * signed afresh in the writer, covering every record committed before.
 * An export's (its audit.export record durable) then opens its pages to
 * this connection. */
void auditq_checkpoint(worker_ctx_t *w, job_t *j);

/*
 * The writer's tick: sign a checkpoint when audit.checkpoint_records new
 * records or audit.checkpoint_ms have passed since the last (and there is
 * something new).  env is the worker_env_t.  Runs in the writer thread.
 */
void auditq_tick(store_t *s, void *env);

#endif
