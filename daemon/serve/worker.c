/* worker.c: the worker pool: policy decisions, decryption and encoding, off the main loop. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/docs/redecide.h"
#include "daemon/docs/upload.h"
#include "daemon/docs/transfer.h"
#include "daemon/serve/dispatch.h"
#include "daemon/serve/queue.h"
#include "daemon/serve/worker.h"

#define WORKER_TICK_MS 1000	/* how often an idle worker expires transfers */

struct worker {
	workers_t *pool;
	worker_ctx_t ctx;
	char redecide;		/* its address: the "re-decide" marker job */
	queue_t *jobs;
	pthread_t thread;
	bool started;
};

struct workers {
	const worker_env_t *env;
	unsigned n;		/* threads; 0: jobs run in the caller's thread */
	struct worker *w;	/* n of them, or one without a thread */
	int64_t expired_ms;	/* n == 0: when transfers were last expired */
	transfer_quota_t *quota;	/* the caps every table counts against */
};

/* Drop this worker's idle transfers (limits.transfer_timeout_ms). */
static void
worker_expire(worker_ctx_t *w)
{
	transfers_expire(w->transfers, w->env->cfg->transfer_timeout_ms,
	    docs_transfer_expired, w);
}

/* Drop all of this worker's transfers (stopping). */
static void
worker_drop_transfers(worker_ctx_t *w)
{
	transfers_expire(w->transfers, -1, docs_transfer_stopped, w);
}

void
worker_job_written(writer_op_t *op)
{
	job_t *j = (job_t *)(void *)((char *)op - offsetof(job_t, op));

	queue_push(j->loop.results, j);
}

void
worker_finish(writer_t *writer, job_t *j)
{
	if (job_needs_writer(j)) {
		j->op.apply = job_apply;
		j->op.refused = job_refused;
		j->op.done = worker_job_written;
		writer_submit(writer, &j->op);
	} else
		queue_push(j->loop.results, j);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	int64_t expired = clock_mono_ms();
	job_t *j;

	for (;;) {
		j = queue_pop(w->jobs, WORKER_TICK_MS);
		if (j == (job_t *)w)	/* the stop marker */
			break;
		if (j == (job_t *)(void *)&w->redecide)
			docs_transfers_redecide(&w->ctx);
		else if (j != NULL) {
			dispatch_run(&w->ctx, j);
			worker_finish(w->ctx.env->writer, j);
		}
		/* Due whether or not jobs keep coming. */
		if (clock_mono_ms() - expired >= WORKER_TICK_MS) {
			worker_expire(&w->ctx);
			expired = clock_mono_ms();
		}
	}
	return NULL;
}

workers_t *
workers_start(unsigned n, const worker_env_t *env)
{
	workers_t *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->w = calloc(n > 0 ? n : 1, sizeof(*p->w))) ==
	    NULL) {
		free(p);
		log_warnx("cannot start the workers: out of memory");
		return NULL;
	}
	p->env = env;
	p->n = n;
	p->expired_ms = clock_mono_ms();
	if ((p->quota = transfer_quota_new(
	    (unsigned)env->cfg->transfers_per_user,
	    (unsigned)env->cfg->transfers)) == NULL) {
		free(p->w);
		free(p);
		log_warnx("cannot start the workers: out of memory");
		return NULL;
	}
	for (unsigned i = 0; i < (n > 0 ? n : 1); i++) {
		struct worker *w = &p->w[i];

		w->pool = p;
		w->ctx.env = env;
		w->ctx.index = i;
		w->ctx.count = n > 0 ? n : 1;
		if ((w->ctx.transfers = transfers_new(p->quota)) == NULL ||
		    (n > 0 && (w->jobs = queue_new(false)) == NULL) ||
		    (n > 0 && pthread_create(&w->thread, NULL, worker_main,
		    w) != 0)) {
			log_warnx("cannot start worker %u", i);
			workers_stop(p);
			return NULL;
		}
		w->started = n > 0;
	}
	return p;
}

void
workers_submit(workers_t *p, job_t *j, unsigned which)
{
	if (p->n == 0) {	/* in this thread: one hop fewer a request */
		dispatch_run(&p->w[0].ctx, j);
		worker_finish(p->env->writer, j);
		return;
	}
	queue_push(p->w[which % p->n].jobs, j);
}

int
workers_tick(workers_t *p)
{
	int64_t now = clock_mono_ms();

	if (p->n > 0)
		return -1;
	if (now - p->expired_ms >= WORKER_TICK_MS) {
		worker_expire(&p->w[0].ctx);
		p->expired_ms = now;
	}
	return (int)(p->expired_ms + WORKER_TICK_MS - now);
}

void
workers_redecide(workers_t *p)
{
	if (p->n == 0) {
		docs_transfers_redecide(&p->w[0].ctx);
		return;
	}
	for (unsigned i = 0; i < p->n; i++)
		queue_push(p->w[i].jobs, &p->w[i].redecide);
}

void
workers_stop(workers_t *p)
{
	if (p == NULL)
		return;
	for (unsigned i = 0; i < (p->n > 0 ? p->n : 1); i++) {
		struct worker *w = &p->w[i];

		if (w->started) {
			/* Jobs already queued run first: the marker is last. */
			queue_push(w->jobs, w);
			pthread_join(w->thread, NULL);
		}
		if (w->ctx.transfers != NULL) {	/* NULL: start failed here */
			worker_drop_transfers(&w->ctx);
			transfers_free(w->ctx.transfers);
		}
		queue_free(w->jobs);
	}
	transfer_quota_free(p->quota);
	free(p->w);
	free(p);
}
