/* queue.c: a thread-safe FIFO of pointers, waited on by a thread or polled through an eventfd. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "daemon/serve/queue.h"

struct node {
	void *item;
	struct node *next;
};

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct node *head, *tail;
	bool closed;
	int fd;
};

queue_t *
queue_new(bool with_fd)
{
	queue_t *q = calloc(1, sizeof(*q));
	pthread_condattr_t ca;

	if (q == NULL)
		return NULL;
	q->fd = -1;
	if (with_fd && (q->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	return q;
}

void
queue_free(queue_t *q)
{
	struct node *n, *next;

	if (q == NULL)
		return;
	for (n = q->head; n != NULL; n = next) {
		next = n->next;
		free(n);
	}
	if (q->fd >= 0)
		close(q->fd);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}

void
queue_push(queue_t *q, void *item)
{
	struct node *n = malloc(sizeof(*n));
	uint64_t one = 1;
	bool was_empty;

	if (n == NULL)
		abort();	/* a few bytes: out of memory is not recoverable here */
	n->item = item;
	n->next = NULL;
	pthread_mutex_lock(&q->lock);
	was_empty = q->head == NULL;
	if (q->tail != NULL)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	/* The poller pops until the queue is empty: it needs waking only for
	 * the first item (a group commit pushes many at once). */
	if (q->fd >= 0 && was_empty)
		(void)!write(q->fd, &one, sizeof(one));
}

void
queue_poke(queue_t *q)
{
	uint64_t one = 1;

	if (q->fd >= 0)
		(void)!write(q->fd, &one, sizeof(one));
}

void *
queue_pop(queue_t *q, int wait_ms)
{
	struct timespec until;
	struct node *n;
	void *item = NULL;

	if (wait_ms > 0) {
		clock_mono_deadline(wait_ms, &until);
	}
	pthread_mutex_lock(&q->lock);
	while (q->head == NULL && !q->closed && wait_ms != 0) {
		if (wait_ms < 0)
			pthread_cond_wait(&q->cond, &q->lock);
		else if (pthread_cond_timedwait(&q->cond, &q->lock, &until) ==
		    ETIMEDOUT)
			break;
	}
	if ((n = q->head) != NULL) {
		q->head = n->next;
		if (q->head == NULL)
			q->tail = NULL;
		item = n->item;
	}
	pthread_mutex_unlock(&q->lock);
	free(n);
	return item;
}

void
queue_close(queue_t *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

int
queue_fd(const queue_t *q)
{
	return q->fd;
}

void
queue_fd_clear(queue_t *q)
{
	uint64_t v;

	(void)!read(q->fd, &v, sizeof(v));
}
