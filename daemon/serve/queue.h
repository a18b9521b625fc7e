/* queue.h: a thread-safe FIFO of pointers, waited on by a thread or polled through an eventfd. */
#ifndef ISA_DAEMON_QUEUE_H
#define ISA_DAEMON_QUEUE_H

#include <stdbool.h>

typedef struct queue queue_t;

/* A new empty queue; with_fd gives it an eventfd (queue_fd) that is
 * readable while items may be waiting, for zmq_poll.  NULL on failure. */
queue_t *queue_new(bool with_fd);

/* Free; items still queued are not freed.  NULL ok. */
void queue_free(queue_t *q);

/* Append item (not NULL).  Thread-safe, never blocks for long. */
void queue_push(queue_t *q, void *item);

/* Take the oldest item, or NULL if there is none; with wait_ms > 0 wait up
 * to that long for one, with wait_ms < 0 without limit.  A closed queue
 * gives NULL at once when empty. */
void *queue_pop(queue_t *q, int wait_ms);

/* Make the eventfd readable with nothing queued: the poller wakes and
 * looks at whatever else it watches. */
void queue_poke(queue_t *q);

/* Wake every waiter: from now on an empty queue returns NULL at once. */
void queue_close(queue_t *q);

/* The eventfd to poll (see queue_new), or -1; after it polls readable,
 * call queue_fd_clear and then pop until NULL. */
int queue_fd(const queue_t *q);
void queue_fd_clear(queue_t *q);

#endif
