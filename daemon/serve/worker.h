/* worker.h: the worker pool: policy decisions, decryption and encoding, off the main loop. */
#ifndef ISA_DAEMON_WORKER_H
#define ISA_DAEMON_WORKER_H

#include "daemon/ctx/config.h"
#include "daemon/ctx/job.h"
#include "daemon/serve/queue.h"
#include "daemon/store/store.h"
#include "daemon/docs/transfer.h"
#include "daemon/store/writer.h"
#include "policy/marking.h"

struct keys;

/* What every worker shares, all owned by the server and outliving them. */
typedef struct {
	const isad_config_t *cfg;
	store_t *store;
	writer_t *writer;
	struct keys *keys;	/* the key holder: master and signing keys (keys.h) */
	bool kek_passphrase;	/* the master key is kept under a passphrase */
	classification_t accreditation;
	queue_t *results;	/* finished jobs go here, for the main loop */
} worker_env_t;

/* One worker's view: the shared environment and its own transfers. */
typedef struct {
	const worker_env_t *env;
	transfers_t *transfers;	/* counted against the pool's caps */
	unsigned index;		/* which worker: transfer ids carry it */
	unsigned count;
} worker_ctx_t;

typedef struct workers workers_t;

/* Start n worker threads; n == 0: no threads, every job runs in the
 * thread that submits it (the main loop).  NULL on failure (logged). */
workers_t *workers_start(unsigned n, const worker_env_t *env);

/* Hand j to worker `which` (modulo the count): jobs for one transfer go to
 * the worker that holds it, in order.  With no threads, run it now. */
void workers_submit(workers_t *w, job_t *j, unsigned which);

/* With no threads, expire idle transfers when due; call it from the loop
 * that submits.  Returns the ms until it is next due, or -1 with
 * threads (they expire their own). */
int workers_tick(workers_t *w);

/*
 * The policy changed (a reload): each worker re-decides its open transfers
 * under the policy now in force (handlers_redecide) before it takes any job
 * submitted after this call; jobs queued before finish under the policy
 * they arrived with.  With no threads, done now.
 */
void workers_redecide(workers_t *w);

/* Finish what is queued, stop the threads, drop their transfers, free. */
void workers_stop(workers_t *w);

/* A job is done with the writer: hand it to the main loop. */
void worker_job_written(writer_op_t *op);

/* A job's reply is ready: through the writer (its change and audit record
 * made durable) when it needs it, then to the main loop. */
void worker_finish(writer_t *writer, job_t *j);

#endif
