/* writer.c: the one thread that writes: group commit of many requests' changes in one transaction and one fsync. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/writer.h"

struct writer {
	store_t *store;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	writer_op_t *head, *tail;
	bool stopping;
	unsigned long long batches, ops, syncs;
	int last_fault;		/* to log a fault once, and its clearing */
	int reserve_fault;	/* the same for store_reserve */
	int sync_fault;		/* ... and for writer_sync_held */
	writer_op_t *held, **held_tail;	/* committed, not yet durable */
	uint64_t groups;	/* group commits so far (the marker's value) */
	int tick_ms;
	void (*tick)(store_t *, void *);
	void *tick_arg;
};

void
writer_set_tick(writer_t *w, int interval_ms, void (*tick)(store_t *, void *),
    void *arg)
{
	pthread_mutex_lock(&w->lock);
	w->tick_ms = interval_ms;
	w->tick = tick;
	w->tick_arg = arg;
	pthread_mutex_unlock(&w->lock);
}

/* Hand each op of list on (done), with rc where it has none of its own. */
static void
writer_release(writer_op_t *list, int rc)
{
	writer_op_t *op, *next;

	for (op = list; op != NULL; op = next) {
		next = op->next;	/* done may free op */
		if (op->rc == 0)
			op->rc = rc;
		if (op->done != NULL)
			op->done(op);
	}
}

/*
 * The last group held, released after a sync of its own because no group
 * follows at once.  (Commits are durable when they return now; this holding
 * is the frame for a one-sync scheme, MDB_NOMETASYNC, turned off pending
 * review: see issue 5's note.)  If the disk will not
 * confirm it, its changes are in the store but may not survive a crash:
 * each op says so (ISA_ERR_UNSYNCED), and no reply claims they were made.
 */
static void
writer_sync_held(writer_t *w)
{
	int rc = store_sync(w->store);

	w->syncs++;
	if (rc != 0 && w->sync_fault == 0)
		log_warnx("the disk did not confirm a commit: %s; its requests "
		    "fail with UNAVAILABLE until this clears",
		    isa_strerror(rc));
	else if (rc == 0 && w->sync_fault != 0)
		log_info("the disk confirms commits again");
	w->sync_fault = rc;
	writer_release(w->held, rc != 0 ? ISA_ERR_UNSYNCED : 0);
	w->held = NULL;
	w->held_tail = &w->held;
}

/* Every group commit changes this key, so that LMDB never skips one as
 * empty: each that succeeds has synced all before it. */
static int
writer_mark(writer_t *w, store_txn_t *txn)
{
	uint8_t v[8];

	for (int i = 0; i < 8; i++)
		v[i] = (uint8_t)(w->groups >> (56 - 8 * i));
	return store_put(txn, STORE_META, "group_commits", 13, v, sizeof(v));
}

/*
 * Apply one batch in one transaction; every op gets its rc.  Changes are
 * applied straight into the batch's transaction (LMDB's nested
 * transactions cost a 2 MiB allocation each); when one fails, the whole
 * transaction is abandoned and the batch is applied again without it, so
 * a failed change never takes the others with it.
 *
 * The group before is released when this one commits; this group's
 * replies wait for the next commit, or for writer_sync_held when none
 * comes at once.  An op that failed
 * changed nothing and is answered at once.
 */
static void
writer_batch(writer_t *w, writer_op_t *batch)
{
	store_txn_t *txn = NULL;
	writer_op_t *op, *next;
	bool committed = false;
	int rc, n = 0;

	for (op = batch; op != NULL; op = op->next) {
		op->rc = 0;
		n++;
	}
again:
	if ((rc = store_txn_begin(w->store, true, &txn)) != 0)
		goto failed;
	if ((rc = writer_mark(w, txn)) != 0) {
		store_txn_abort(txn);
		goto failed;
	}
	for (op = batch; op != NULL; op = op->next) {
		int r;

		if (op->rc != 0)
			continue;	/* failed in an earlier attempt */
		if ((r = op->apply(txn, op)) != 0) {
			op->rc = r;
			store_txn_abort(txn);
			goto again;
		}
	}
	committed = (rc = store_txn_commit(txn)) == 0;
failed:
	if (rc != 0)
		for (op = batch; op != NULL; op = op->next)
			if (op->rc == 0)
				op->rc = rc;
	/* A full map or an I/O error, for the whole batch or one change,
	 * is said once when it starts and once when it clears. */
	for (op = batch; rc == 0 && op != NULL; op = op->next)
		if (op->rc == ISA_ERR_FULL || op->rc == ISA_ERR_IO)
			rc = op->rc;
	if (rc != 0 && rc != w->last_fault)
		log_warnx("the store cannot commit: %s; requests that change "
		    "state fail with UNAVAILABLE until this clears",
		    isa_strerror(rc));
	else if (rc == 0 && w->last_fault != 0)
		log_info("the store commits again");
	pthread_mutex_lock(&w->lock);
	w->last_fault = rc;
	w->batches++;
	w->ops += (unsigned long long)n;
	pthread_mutex_unlock(&w->lock);
	if (committed) {
		w->groups++;
		writer_release(w->held, 0);	/* synced by this commit */
		w->held = NULL;
		w->held_tail = &w->held;
	}
	for (op = batch; op != NULL; op = next) {
		next = op->next;
		if (op->rc != 0) {
			if (op->done != NULL)
				op->done(op);
			continue;
		}
		op->next = NULL;
		*w->held_tail = op;
		w->held_tail = &op->next;
	}
}

/* Keep space written ahead of the store after a commit (store_reserve);
 * a failure costs speed, not data, and is said once. */
static void
writer_reserve(writer_t *w)
{
	int rc = store_reserve(w->store);

	if (rc != 0 && rc != w->reserve_fault)
		log_warnx("cannot write space ahead of the store: %s; commits "
		    "go on, each syncing the file's size too", isa_strerror(rc));
	else if (rc == 0 && w->reserve_fault != 0)
		log_info("space ahead of the store written again");
	w->reserve_fault = rc;
}

static void *
writer_main(void *arg)
{
	writer_t *w = arg;
	writer_op_t *batch;
	void (*tick)(store_t *, void *);
	void *tick_arg;
	bool stop;

	for (;;) {
		struct timespec until;

		pthread_mutex_lock(&w->lock);
		if (w->head == NULL && !w->stopping && w->held == NULL) {
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += (w->tick_ms > 0 ? w->tick_ms : 1000) / 1000;
			until.tv_nsec += (long)((w->tick_ms > 0 ? w->tick_ms :
			    1000) % 1000) * 1000000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&w->cond, &w->lock, &until);
		}
		batch = w->head;
		w->head = w->tail = NULL;
		stop = w->stopping;
		tick = w->tick;
		tick_arg = w->tick_arg;
		pthread_mutex_unlock(&w->lock);
		if (batch != NULL) {
			writer_batch(w, batch);
			writer_reserve(w);
		} else if (w->held != NULL)
			writer_sync_held(w);	/* no group came to release it */
		if (tick != NULL)
			tick(w->store, tick_arg);
		if (batch == NULL && w->held == NULL && stop)
			break;	/* stopping, and nothing left */
	}
	return NULL;
}

writer_t *
writer_start(store_t *s)
{
	writer_t *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->store = s;
	w->held_tail = &w->held;
	pthread_mutex_init(&w->lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&w->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		log_warn("cannot start the writer thread");
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond);
		free(w);
		return NULL;
	}
	return w;
}

void
writer_submit(writer_t *w, writer_op_t *op)
{
	op->next = NULL;
	op->rc = 0;
	pthread_mutex_lock(&w->lock);
	if (w->tail != NULL)
		w->tail->next = op;
	else
		w->head = op;
	w->tail = op;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void
writer_stop(writer_t *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (w->batches > 0)
		log_info("store: %llu changes in %llu commits (%.1f a "
		    "commit) and %llu syncs of their own", w->ops, w->batches,
		    (double)w->ops / (double)w->batches, w->syncs);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}
