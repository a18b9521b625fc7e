/* worker.c: the worker pool: policy decisions, decryption and encoding, off the main loop. */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "common/log.h"
#include "daemon/handlers.h"
#include "daemon/worker.h"

#define WORKER_TICK_MS 1000	/* how often an idle worker expires transfers */

struct worker {
	workers_t *pool;
	worker_ctx_t ctx;
	queue_t *jobs;
	pthread_t thread;
	bool started;
};

struct workers {
	const worker_env_t *env;
	unsigned n;
	struct worker *w;
};

void
worker_job_written(writer_op_t *op)
{
	job_t *j = (job_t *)(void *)((char *)op - offsetof(job_t, op));

	queue_push(j->results, j);
}

void
worker_finish(writer_t *writer, job_t *j)
{
	if (job_needs_writer(j)) {
		j->op.apply = job_apply;
		j->op.done = worker_job_written;
		writer_submit(writer, &j->op);
	} else
		queue_push(j->results, j);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	job_t *j;

	for (;;) {
		j = queue_pop(w->jobs, WORKER_TICK_MS);
		if (j == NULL) {
			handlers_expire(&w->ctx);
			continue;
		}
		if (j == (job_t *)w)	/* the stop marker */
			break;
		handlers_dispatch(&w->ctx, j);
		worker_finish(w->ctx.env->writer, j);
	}
	return NULL;
}

workers_t *
workers_start(unsigned n, const worker_env_t *env)
{
	workers_t *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->w = calloc(n, sizeof(*p->w))) == NULL) {
		free(p);
		return NULL;
	}
	p->env = env;
	p->n = n;
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &p->w[i];

		w->pool = p;
		w->ctx.env = env;
		w->ctx.index = i;
		w->ctx.count = n;
		if ((w->ctx.transfers = transfers_new()) == NULL ||
		    (w->jobs = queue_new(false)) == NULL ||
		    pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			log_warnx("cannot start worker %u", i);
			workers_stop(p);
			return NULL;
		}
		w->started = true;
	}
	return p;
}

void
workers_submit(workers_t *p, job_t *j, unsigned which)
{
	queue_push(p->w[which % p->n].jobs, j);
}

unsigned
workers_count(const workers_t *p)
{
	return p->n;
}

void
workers_stop(workers_t *p)
{
	if (p == NULL)
		return;
	for (unsigned i = 0; i < p->n; i++) {
		struct worker *w = &p->w[i];

		if (w->started) {
			/* Jobs already queued run first: the marker is last. */
			queue_push(w->jobs, w);
			pthread_join(w->thread, NULL);
		}
		handlers_drop_transfers(&w->ctx);
		transfers_free(w->ctx.transfers);
		queue_free(w->jobs);
	}
	free(p->w);
	free(p);
}
