/* watch.c: `isa inbox --watch` requests held by the main loop until an entry may have come or their time is up. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/docs/watch.h"

struct watches {
	job_t *head;
};

watches_t *
watches_new(void)
{
	return calloc(1, sizeof(struct watches));
}

bool
watches_hold(watches_t *w, job_t *j, int64_t now_ms, bool stale)
{
	const Isa__InboxReply *r = j->resp.inbox_reply;
	int mine = 0;

	if (j->watch_ms == 0 || j->resp.status != ISA__STATUS__OK ||
	    j->resp.body_case != ISA__ENVELOPE__BODY_INBOX_REPLY ||
	    r->n_entries > 0 || stale)
		return false;
	if (j->loop.watch_due_ms == 0)
		j->loop.watch_due_ms = now_ms + j->watch_ms;
	if (now_ms >= j->loop.watch_due_ms)
		return false;
	for (const job_t *h = w->head; h != NULL; h = h->loop.watch_next)
		mine += strcmp(h->user, j->user) == 0;
	if (mine >= WATCH_PER_USER) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "you have %d inbox "
		    "watches open already; close one", WATCH_PER_USER);
		return false;
	}
	j->loop.watch_next = w->head;
	w->head = j;
	return true;
}

int
watches_due_ms(const watches_t *w, int64_t now_ms)
{
	int64_t first = -1;

	for (const job_t *j = w->head; j != NULL; j = j->loop.watch_next)
		if (first < 0 || j->loop.watch_due_ms < first)
			first = j->loop.watch_due_ms;
	if (first < 0)
		return -1;
	return first <= now_ms ? 0 : first - now_ms > INT_MAX ? INT_MAX :
	    (int)(first - now_ms);
}

job_t *
watches_take(watches_t *w, int64_t now_ms, bool all)
{
	job_t *out = NULL, **pp = &w->head;

	while (*pp != NULL) {
		job_t *j = *pp;

		if (all || now_ms >= j->loop.watch_due_ms) {
			*pp = j->loop.watch_next;
			j->loop.watch_next = out;
			out = j;
		} else
			pp = &j->loop.watch_next;
	}
	return out;
}

void
watches_free(watches_t *w)
{
	free(w);
}
