/* transfer.c: the uploads and downloads one worker holds, keyed by (routing id, User-Id, transfer id). */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "common/wipe.h"
#include "daemon/transfer.h"

struct transfers {
	transfer_t *head;
};

int64_t
transfers_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

transfers_t *
transfers_new(void)
{
	return calloc(1, sizeof(transfers_t));
}

static void
transfer_free(transfer_t *x)
{
	if (x->data_free != NULL)
		x->data_free(x->data);
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
		transfer_free(x);
	}
	free(t);
}

transfer_t *
transfers_add(transfers_t *t, transfer_kind_t kind, const job_t *j,
    unsigned worker)
{
	transfer_t *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	if (getrandom(x->id, sizeof(x->id), 0) != sizeof(x->id)) {
		free(x);
		return NULL;
	}
	x->id[0] = (uint8_t)worker;
	x->kind = kind;
	memcpy(x->rid, j->rid, j->rid_len);
	x->rid_len = j->rid_len;
	strcpy(x->user, j->user);
	x->last_ms = transfers_now_ms();
	x->next_t = t->head;
	t->head = x;
	return x;
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
		if (x->kind != kind || x->rid_len != j->rid_len ||
		    memcmp(x->rid, j->rid, j->rid_len) != 0 ||
		    strcmp(x->user, j->user) != 0)
			return NULL;
		x->last_ms = transfers_now_ms();
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
			transfer_free(x);
			return;
		}
}

void
transfers_expire(transfers_t *t, int64_t timeout_ms,
    void (*expired)(transfer_t *, void *), void *arg)
{
	int64_t now = transfers_now_ms();
	transfer_t **p = &t->head;

	while (*p != NULL) {
		transfer_t *x = *p;

		if (now - x->last_ms >= timeout_ms) {
			*p = x->next_t;
			if (expired != NULL)
				expired(x, arg);
			transfer_free(x);
		} else
			p = &x->next_t;
	}
}
