/* stale.c: requests on connections whose user or key is no longer enrolled, tallied so that they cannot flood the audit log. */
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/audit/audit.h"
#include "daemon/audit/outage.h"
#include "daemon/audit/refusals.h"
#include "daemon/audit/stale.h"

struct stale {
	refusals_t *tally;
	writer_t *writer;
};

/* One tally record on its way to the writer. */
typedef struct {
	writer_op_t op;
	audit_entry_t e;
	refusal_record_t r;
	int64_t when_ms;
} stale_event_t;

static int
stale_apply(store_txn_t *txn, writer_op_t *op)
{
	stale_event_t *ev = (stale_event_t *)(void *)op;

	return audit_append(txn, &ev->e, clock_wall_ms(), NULL);
}

/* Kept whole by the outage, to be written when commits resume. */
static void
stale_event_refused(writer_op_t *op, void *outage)
{
	stale_event_t *ev = (stale_event_t *)(void *)op;

	outage_keep(outage, &ev->e, op->rc, ev->when_ms);
}

static void
stale_done(writer_op_t *op)
{
	if (op->rc != 0)
		log_warnx("cannot audit refused requests: %s",
		    isa_strerror(op->rc));
	free(op);
}

/* A window's count for one user (or, past the ceiling, for all): action
 * "request", decision deny, the attempts in count. */
static void
stale_emit(void *arg, const refusal_record_t *r)
{
	stale_t *t = arg;
	stale_event_t *ev = calloc(1, sizeof(*ev));

	log_warnx("refused requests from %s on connections no longer "
	    "enrolled: %llu more in the window",
	    strcmp(r->addr, REFUSALS_OVERFLOW) == 0 ? "users past the ceiling" :
	    r->addr, (unsigned long long)r->count);
	if (ev == NULL)
		return;
	ev->r = *r;
	ev->e.actor = strcmp(ev->r.addr, REFUSALS_OVERFLOW) == 0 ? "" :
	    ev->r.addr;
	ev->e.key = ev->r.key;
	ev->e.action = "request";
	ev->e.target = strcmp(ev->r.addr, REFUSALS_OVERFLOW) == 0 ?
	    REFUSALS_OVERFLOW : "";
	ev->e.decision = "deny";
	ev->e.reason = ev->r.reason;
	ev->e.count = ev->r.count;
	ev->e.keys = ev->r.keys;
	ev->when_ms = clock_wall_ms();
	ev->op.apply = stale_apply;
	ev->op.refused = stale_event_refused;
	ev->op.done = stale_done;
	writer_submit(t->writer, &ev->op);
}

stale_t *
stale_new(writer_t *writer, unsigned ceiling, int64_t window_ms)
{
	stale_t *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->tally = refusals_new(ceiling, window_ms)) == NULL) {
		free(t);
		return NULL;
	}
	t->writer = writer;
	return t;
}

void
stale_free(stale_t *t)
{
	if (t == NULL)
		return;
	stale_flush(t, 0, true);
	refusals_free(t->tally);
	free(t);
}

bool
stale_refused(stale_t *t, int64_t now_ms, const char *user, const char *key,
    const char *reason)
{
	uint8_t raw[32];
	refusal_record_t r;
	bool has_key = strlen(key) == 40 && zmq_z85_decode(raw, key) != NULL;

	stale_flush(t, now_ms, false);
	/* The tally's "address" is the user: one user, one count a window,
	 * whichever connection or key. */
	return refusals_add(t->tally, now_ms, user, has_key ? raw : NULL, user,
	    reason, &r);
}

void
stale_flush(stale_t *t, int64_t now_ms, bool all)
{
	refusals_flush(t->tally, now_ms, all, stale_emit, t);
}
