/* writer.c: the one thread that writes: group commit of many requests' changes in one transaction and one fsync. */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "daemon/store/writer.h"

/* What failed changes left unrecorded (writer_set_backlog). */
typedef struct {
	bool (*pending)(void *);
	int (*apply)(store_txn_t *, void *);
	void (*done)(void *, int);
	void *arg;
} backlog_t;

struct writer {
	store_t *store;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	writer_op_t *head, *tail;
	bool stopping;
	unsigned long long batches, ops;
	int last_fault;		/* to log a fault once, and its clearing */
	int reserve_fault;	/* the same for store_reserve */
	int tick_ms;
	void (*tick)(store_t *, void *);
	void *tick_arg;
	backlog_t backlog_set;	/* writer_set_backlog's, under lock */
	backlog_t bl;		/* the writer thread's copy of it */
};

void
writer_set_backlog(writer_t *w, bool (*pending)(void *),
    int (*apply)(store_txn_t *, void *), void (*done)(void *, int),
    void *arg)
{
	pthread_mutex_lock(&w->lock);
	w->backlog_set = (backlog_t){ pending, apply, done, arg };
	pthread_mutex_unlock(&w->lock);
}

/* Whether the backlog has records to write (writer thread). */
static bool
writer_backlog(const writer_t *w)
{
	return w->bl.pending != NULL && w->bl.pending(w->bl.arg);
}

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

/*
 * Count a batch of n changes that committed (rc 0) or not; a full map or
 * disk or an I/O error, for the whole batch or one change, is said once
 * when it starts and once when it clears.
 */
static void
writer_count(writer_t *w, const writer_op_t *batch, int rc, int n)
{
	const writer_op_t *op;

	for (op = batch; rc == 0 && op != NULL; op = op->next)
		if (op->rc == ISA_ERR_FULL || op->rc == ISA_ERR_DISKFULL ||
		    op->rc == ISA_ERR_IO)
			rc = op->rc;
	if (rc != 0 && rc != w->last_fault) {
		char why[PATH_MAX + 64];

		store_fault_text(w->store, rc, why, sizeof(why));
		if (rc == ISA_ERR_PANIC)
			log_warnx("%s: isad stops, to reopen it on what the "
			    "disk holds", why);
		else
			log_warnx("the store cannot commit: %s; requests that "
			    "change state fail with UNAVAILABLE until this "
			    "clears", why);
	} else if (rc == 0 && w->last_fault != 0)
		log_info("the store commits again");
	pthread_mutex_lock(&w->lock);
	w->last_fault = rc;
	if (n > 0) {	/* not an outage's records tried alone */
		w->batches++;
		w->ops += (unsigned long long)n;
	}
	pthread_mutex_unlock(&w->lock);
}

/*
 * Apply one batch in one transaction; every op gets its rc.  Changes are
 * applied straight into the batch's transaction (LMDB's nested
 * transactions cost a 2 MiB allocation each); when one fails, the whole
 * transaction is abandoned and the batch is applied again without it, so
 * a failed change never takes the others with it.  The commit is durable
 * when it returns (LMDB syncs the pages, then the meta page that points at
 * them); only then does any op's reply go.
 */
static void
writer_batch(writer_t *w, writer_op_t *batch)
{
	store_txn_t *txn = NULL;
	writer_op_t *op, *next;
	bool backlog = writer_backlog(w);
	int rc, n = 0;

	for (op = batch; op != NULL; op = op->next) {
		op->rc = 0;
		n++;
	}
again:
	if ((rc = store_txn_begin(w->store, true, &txn)) != 0)
		goto failed;
	/* What an outage turned away, recorded first (writer_set_backlog). */
	if (backlog && (rc = w->bl.apply(txn, w->bl.arg)) != 0) {
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
	rc = store_txn_commit(txn);
failed:
	if (rc != 0)
		for (op = batch; op != NULL; op = op->next)
			if (op->rc == 0)
				op->rc = rc;
	if (backlog)
		w->bl.done(w->bl.arg, rc);	/* the commit's outcome */
	writer_count(w, batch, rc, n);
	for (op = batch; op != NULL; op = next) {
		next = op->next;	/* done may free op */
		if (op->rc != 0 && op->refused != NULL)
			op->refused(op, w->bl.arg);
		if (op->done != NULL)
			op->done(op);
	}
}

/* Keep space written ahead of the store after a commit (store_reserve);
 * a failure costs speed, not data, and is said once. */
static void
writer_reserve(writer_t *w)
{
	int rc = store_reserve(w->store);

	if (rc != 0 && rc != w->reserve_fault) {
		char why[PATH_MAX + 64];

		store_fault_text(w->store, rc, why, sizeof(why));
		log_warnx("cannot write space ahead of the store: %s; commits "
		    "go on, each syncing the file's size too", why);
	}
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
		if (w->head == NULL && !w->stopping) {
			clock_mono_deadline(w->tick_ms > 0 ? w->tick_ms : 1000,
			    &until);
			pthread_cond_timedwait(&w->cond, &w->lock, &until);
		}
		batch = w->head;
		w->head = w->tail = NULL;
		stop = w->stopping;
		tick = w->tick;
		tick_arg = w->tick_arg;
		w->bl = w->backlog_set;
		pthread_mutex_unlock(&w->lock);
		/* Idle with an outage's records unwritten: try them alone. */
		if (batch != NULL || writer_backlog(w)) {
			writer_batch(w, batch);
			writer_reserve(w);
		}
		/* Not while an outage's records wait: the tick's own records
		 * (retention) would come before them. */
		if (tick != NULL && !writer_backlog(w))
			tick(w->store, tick_arg);
		if (batch == NULL && stop)
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

bool
writer_busy(writer_t *w)
{
	bool busy;

	pthread_mutex_lock(&w->lock);
	busy = w->head != NULL;
	pthread_mutex_unlock(&w->lock);
	return busy;
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
		log_info("store: %llu changes in %llu commits (%.1f a commit)",
		    w->ops, w->batches, (double)w->ops / (double)w->batches);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}
