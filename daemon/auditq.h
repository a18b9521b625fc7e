/* auditq.h: what auditors ask of the audit log: queries, export pages, checkpoints; and the periodic checkpoint. */
#ifndef ISA_DAEMON_AUDITQ_H
#define ISA_DAEMON_AUDITQ_H

#include "daemon/job.h"
#include "daemon/worker.h"

/* isa audit [filters]: a page of matching records (rule 10: auditors only). */
void auditq_query(worker_ctx_t *w, job_t *j);

/* isa audit checkpoint, and the start of isa audit export: a checkpoint
 * signed afresh in the writer, covering every record committed before. */
void auditq_checkpoint(worker_ctx_t *w, job_t *j);

/*
 * The writer's tick: sign a checkpoint when audit.checkpoint_records new
 * records or audit.checkpoint_ms have passed since the last (and there is
 * something new).  env is the worker_env_t.  Runs in the writer thread.
 */
void auditq_tick(store_t *s, void *env);

#endif
