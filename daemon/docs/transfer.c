/* transfer.c: the uploads and downloads one worker holds, keyed by (routing id, User-Id, transfer id). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/wipe.h"
#include "daemon/docs/transfer.h"

/* One user's open transfers, in the quota's table. */
struct quota_user {
	char user[128];
	unsigned n;		/* 0: a free slot */
};

struct transfer_quota {
	pthread_mutex_t lock;
	unsigned per_user, total, open;
	struct quota_user *users;	/* total slots: no more users than that */
};

/* A closed-by-reload transfer, for the next message naming it. */
struct tomb {
	uint8_t id[TRANSFER_ID_LEN];
	uint8_t rid[JOB_RID_MAX];
	size_t rid_len;
	char user[128];
	char why[256];
	int64_t at_ms;		/* 0: a free slot */
};

struct transfers {
	transfer_t *head;
	transfer_quota_t *quota;
	struct tomb tombs[TRANSFER_TOMBS];
	unsigned next_tomb;	/* ring: the oldest goes first */
};

/*
 * A download's content frames still held.  Shared by the transfer and
 * every frame it made (refs), so that a frame libzmq frees after the
 * transfer ended (in libzmq's I/O thread) still finds it.
 */
struct transfer_flight {
	atomic_uint refs;
	atomic_uint frames;
	struct user_held *user;	/* whose share its frames count against */
};

/*
 * One user's content held, for the per-user share of the budget: kept
 * while any flight of theirs is (frames outlive their transfer), in a
 * list under held_lock.
 */
struct user_held {
	char user[128];
	atomic_size_t bytes;
	unsigned refs;		/* flights: under held_lock */
	struct user_held *next;
};

/* Ahead of each frame's bytes: what its free callback needs. */
struct frame_head {
	struct transfer_flight *flight;
	size_t len;
	max_align_t data[];
};

static atomic_size_t bytes_queued;
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static struct user_held *held_users;

/* user's entry, one more reference taken; NULL when out of memory. */
static struct user_held *
user_held_get(const char *user)
{
	struct user_held *u;

	pthread_mutex_lock(&held_lock);
	for (u = held_users; u != NULL; u = u->next)
		if (strcmp(u->user, user) == 0)
			break;
	if (u == NULL && (u = calloc(1, sizeof(*u))) != NULL) {
		snprintf(u->user, sizeof(u->user), "%s", user);
		atomic_init(&u->bytes, 0);
		u->next = held_users;
		held_users = u;
	}
	if (u != NULL)
		u->refs++;
	pthread_mutex_unlock(&held_lock);
	return u;
}

static void
user_held_put(struct user_held *u)
{
	pthread_mutex_lock(&held_lock);
	if (--u->refs == 0) {
		for (struct user_held **p = &held_users; *p != NULL;
		    p = &(*p)->next)
			if (*p == u) {
				*p = u->next;
				break;
			}
		free(u);
	}
	pthread_mutex_unlock(&held_lock);
}

size_t
transfers_user_bytes_queued(const char *user)
{
	size_t n = 0;

	pthread_mutex_lock(&held_lock);
	for (struct user_held *u = held_users; u != NULL; u = u->next)
		if (strcmp(u->user, user) == 0) {
			n = atomic_load(&u->bytes);
			break;
		}
	pthread_mutex_unlock(&held_lock);
	return n;
}

transfer_quota_t *
transfer_quota_new(unsigned per_user, unsigned total)
{
	transfer_quota_t *q = calloc(1, sizeof(*q));

	if (q == NULL || (q->users = calloc(total > 0 ? total : 1,
	    sizeof(*q->users))) == NULL) {
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->lock, NULL);
	q->per_user = per_user;
	q->total = total;
	return q;
}

void
transfer_quota_free(transfer_quota_t *q)
{
	if (q == NULL)
		return;
	pthread_mutex_destroy(&q->lock);
	free(q->users);
	free(q);
}

unsigned
transfer_quota_open(transfer_quota_t *q)
{
	unsigned n;

	pthread_mutex_lock(&q->lock);
	n = q->open;
	pthread_mutex_unlock(&q->lock);
	return n;
}

/* Count one more transfer for user: 0, ISA_ERR_BUSY or ISA_ERR_FULL. */
static int
quota_take(transfer_quota_t *q, const char *user)
{
	struct quota_user *slot = NULL, *free_slot = NULL;
	int rc = 0;

	pthread_mutex_lock(&q->lock);
	for (unsigned i = 0; i < q->total && slot == NULL; i++) {
		if (q->users[i].n == 0) {
			if (free_slot == NULL)
				free_slot = &q->users[i];
		} else if (strcmp(q->users[i].user, user) == 0)
			slot = &q->users[i];
	}
	if (slot != NULL && slot->n >= q->per_user)
		rc = ISA_ERR_BUSY;
	else if (q->open >= q->total)
		rc = ISA_ERR_FULL;
	else {
		if (slot == NULL) {	/* free_slot exists: open < total */
			slot = free_slot;
			snprintf(slot->user, sizeof(slot->user), "%s", user);
		}
		slot->n++;
		q->open++;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

static void
quota_give(transfer_quota_t *q, const char *user)
{
	pthread_mutex_lock(&q->lock);
	for (unsigned i = 0; i < q->total; i++)
		if (q->users[i].n > 0 && strcmp(q->users[i].user, user) == 0) {
			q->users[i].n--;
			q->open--;
			break;
		}
	pthread_mutex_unlock(&q->lock);
}

static void
flight_unref(struct transfer_flight *f)
{
	if (f != NULL && atomic_fetch_sub(&f->refs, 1) == 1) {
		user_held_put(f->user);
		free(f);
	}
}

transfers_t *
transfers_new(transfer_quota_t *q)
{
	transfers_t *t = calloc(1, sizeof(transfers_t));

	if (t != NULL)
		t->quota = q;
	return t;
}

static void
transfer_free(transfers_t *t, transfer_t *x)
{
	if (x->data_free != NULL)
		x->data_free(x->data);
	quota_give(t->quota, x->user);
	flight_unref(x->flight);
	free(x->marking);
	isa_wipe(x, sizeof(*x));
	free(x);
}

void
transfers_free(transfers_t *t)
{
	transfer_t *x, *next;

	if (t == NULL)
		return;
	for (x = t->head; x != NULL; x = next) {
		next = x->next_t;
		transfer_free(t, x);
	}
	isa_wipe(t->tombs, sizeof(t->tombs));
	free(t);
}

int
transfers_add(transfers_t *t, transfer_kind_t kind, const job_t *j,
    unsigned worker, transfer_t **out)
{
	transfer_t *x;
	int rc;

	*out = NULL;
	if ((rc = quota_take(t->quota, j->user)) != 0)
		return rc;
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    getrandom(x->id, sizeof(x->id), 0) != sizeof(x->id)) {
		free(x);
		quota_give(t->quota, j->user);
		return ISA_ERR_NOMEM;
	}
	x->id[0] = (uint8_t)worker;
	x->kind = kind;
	memcpy(x->rid, j->rid, j->rid_len);
	x->rid_len = j->rid_len;
	strcpy(x->user, j->user);
	snprintf(x->agency, sizeof(x->agency), "%s", j->audit.agency != NULL ?
	    j->audit.agency : "");
	memcpy(x->key, j->audit.key, sizeof(x->key));
	x->request = j->req != NULL ? j->req->request_id : 0;
	x->last_ms = clock_mono_ms();
	x->next_t = t->head;
	t->head = x;
	*out = x;
	return 0;
}

/* Whether x (or a tomb's fields) belong to j's peer and user. */
static bool
same_peer(const uint8_t *rid, size_t rid_len, const char *user,
    const job_t *j)
{
	return rid_len == j->rid_len && memcmp(rid, j->rid, rid_len) == 0 &&
	    strcmp(user, j->user) == 0;
}

transfer_t *
transfers_find(transfers_t *t, const uint8_t *id, size_t idlen,
    transfer_kind_t kind, const job_t *j)
{
	if (idlen != TRANSFER_ID_LEN)
		return NULL;
	for (transfer_t *x = t->head; x != NULL; x = x->next_t) {
		if (memcmp(x->id, id, TRANSFER_ID_LEN) != 0)
			continue;
		if (x->kind != kind || !same_peer(x->rid, x->rid_len, x->user,
		    j))
			return NULL;
		x->last_ms = clock_mono_ms();
		return x;
	}
	return NULL;
}

void
transfers_drop(transfers_t *t, transfer_t *x)
{
	for (transfer_t **p = &t->head; *p != NULL; p = &(*p)->next_t)
		if (*p == x) {
			*p = x->next_t;
			transfer_free(t, x);
			return;
		}
}

void
transfers_expire(transfers_t *t, int64_t timeout_ms,
    void (*expired)(transfer_t *, void *), void *arg)
{
	int64_t now = clock_mono_ms();
	transfer_t **p = &t->head;

	while (*p != NULL) {
		transfer_t *x = *p;

		if (now - x->last_ms >= timeout_ms) {
			*p = x->next_t;
			if (expired != NULL)
				expired(x, arg);
			transfer_free(t, x);
		} else
			p = &x->next_t;
	}
	/* Tombs are forgotten on the same clock. */
	for (unsigned i = 0; i < TRANSFER_TOMBS; i++)
		if (t->tombs[i].at_ms != 0 && now - t->tombs[i].at_ms >=
		    timeout_ms)
			isa_wipe(&t->tombs[i], sizeof(t->tombs[i]));
}

void
transfers_filter(transfers_t *t, bool (*fn)(transfer_t *, void *), void *arg)
{
	transfer_t **p = &t->head;

	while (*p != NULL) {
		transfer_t *x = *p;

		if (fn(x, arg)) {
			*p = x->next_t;
			transfer_free(t, x);
		} else
			p = &x->next_t;
	}
}

void
transfers_tomb_add(transfers_t *t, const transfer_t *x, const char *why)
{
	struct tomb *b = &t->tombs[t->next_tomb];

	t->next_tomb = (t->next_tomb + 1) % TRANSFER_TOMBS;
	memcpy(b->id, x->id, TRANSFER_ID_LEN);
	memcpy(b->rid, x->rid, x->rid_len);
	b->rid_len = x->rid_len;
	memcpy(b->user, x->user, sizeof(b->user));
	snprintf(b->why, sizeof(b->why), "%s", why);
	b->at_ms = clock_mono_ms();
}

bool
transfers_tomb_take(transfers_t *t, const uint8_t *id, size_t idlen,
    const job_t *j, int64_t timeout_ms, char *buf, size_t cap)
{
	int64_t now = clock_mono_ms();

	if (idlen != TRANSFER_ID_LEN)
		return false;
	for (unsigned i = 0; i < TRANSFER_TOMBS; i++) {
		struct tomb *b = &t->tombs[i];

		if (b->at_ms == 0 || memcmp(b->id, id, TRANSFER_ID_LEN) != 0)
			continue;
		if (!same_peer(b->rid, b->rid_len, b->user, j) ||
		    now - b->at_ms >= timeout_ms)
			return false;
		snprintf(buf, cap, "%s", b->why);
		isa_wipe(b, sizeof(*b));
		return true;
	}
	return false;
}

void *
transfer_held_new(transfer_t *x, size_t len)
{
	struct frame_head *h;

	if (x->flight == NULL) {
		struct transfer_flight *f = calloc(1, sizeof(*f));

		if (f == NULL || (f->user = user_held_get(x->user)) == NULL) {
			free(f);
			return NULL;
		}
		atomic_init(&f->refs, 1);
		atomic_init(&f->frames, 0);
		x->flight = f;
	}
	if (len > SIZE_MAX - sizeof(*h) ||
	    (h = malloc(sizeof(*h) + (len > 0 ? len : 1))) == NULL)
		return NULL;
	h->flight = x->flight;
	h->len = len;
	atomic_fetch_add(&x->flight->refs, 1);
	atomic_fetch_add(&x->flight->frames, 1);
	atomic_fetch_add(&bytes_queued, len);
	atomic_fetch_add(&x->flight->user->bytes, len);
	return h->data;
}

void
transfer_held_free(void *data)
{
	struct frame_head *h;

	if (data == NULL)
		return;
	h = (struct frame_head *)(void *)((char *)data -
	    offsetof(struct frame_head, data));
	atomic_fetch_sub(&bytes_queued, h->len);
	atomic_fetch_sub(&h->flight->user->bytes, h->len);
	atomic_fetch_sub(&h->flight->frames, 1);
	flight_unref(h->flight);
	isa_wipe(data, h->len);
	free(h);
}

/* libzmq's free callback for a content frame: in whichever thread drops
 * the frame's last reference (libzmq's I/O thread once it is sent). */
static void
frame_free(void *data, void *hint)
{
	(void)hint;
	transfer_held_free(data);
}

int
transfer_frame_new(transfer_t *x, size_t len, zmq_msg_t *msg, uint8_t **data)
{
	uint8_t *p = transfer_held_new(x, len);

	if (p == NULL)
		return ISA_ERR_NOMEM;
	if (zmq_msg_init_data(msg, p, len, frame_free, NULL) != 0) {
		transfer_held_free(p);
		return ISA_ERR_NOMEM;
	}
	*data = p;
	return 0;
}

unsigned
transfer_frames_queued(const transfer_t *x)
{
	return x->flight != NULL ? atomic_load(&x->flight->frames) : 0;
}

size_t
transfers_bytes_queued(void)
{
	return atomic_load(&bytes_queued);
}
