/* outage.c: what a store fault turned away, counted by action and user in the writer thread and recorded when commits resume, before anything newer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/audit/outage.h"

typedef struct {
	char action[32];
	char actor[128];
	char agency[64];
	char key[41];
	const char *reason;	/* static */
	uint64_t count;
	int64_t first_ms;
} outage_entry_t;

struct outage {
	outage_entry_t *e;
	size_t n;
	outage_entry_t rest;	/* past OUTAGE_ENTRIES: counted together */
	uint64_t total;
};

outage_t *
outage_new(void)
{
	outage_t *o = calloc(1, sizeof(*o));

	if (o == NULL || (o->e = calloc(OUTAGE_ENTRIES, sizeof(*o->e))) ==
	    NULL) {
		free(o);
		return NULL;
	}
	return o;
}

void
outage_free(outage_t *o)
{
	if (o == NULL)
		return;
	if (o->total > 0)
		log_warnx("%llu requests turned away while the store could not "
		    "commit are not in the audit log: isad stopped before it "
		    "could record them", (unsigned long long)o->total);
	free(o->e);
	free(o);
}

/* The audit reason for a failure that kept a record out. */
static const char *
outage_reason(int rc)
{
	switch (rc) {
	case ISA_ERR_DISKFULL: return "disk_full";
	case ISA_ERR_FULL: return "store_full";
	case ISA_ERR_IO: return "io_error";
	default: return "unrecorded";
	}
}

static void
copy(char *to, size_t cap, const char *s)
{
	snprintf(to, cap, "%s", s != NULL ? s : "");
}

/* The count for e's action, actor and key: found, new, or the rest. */
static outage_entry_t *
outage_find(outage_t *o, const audit_entry_t *e)
{
	const char *action = e->action != NULL ? e->action : "";
	const char *actor = e->actor != NULL ? e->actor : "";
	const char *key = e->key != NULL ? e->key : "";
	outage_entry_t *x;

	for (size_t i = 0; i < o->n; i++) {
		x = &o->e[i];
		if (strncmp(x->action, action, sizeof(x->action) - 1) == 0 &&
		    strncmp(x->actor, actor, sizeof(x->actor) - 1) == 0 &&
		    strncmp(x->key, key, sizeof(x->key) - 1) == 0)
			return x;
	}
	if (o->n == OUTAGE_ENTRIES) {
		copy(o->rest.action, sizeof(o->rest.action), "request");
		return &o->rest;
	}
	x = &o->e[o->n++];
	copy(x->action, sizeof(x->action), action);
	copy(x->actor, sizeof(x->actor), actor);
	copy(x->agency, sizeof(x->agency), e->agency);
	copy(x->key, sizeof(x->key), key);
	return x;
}

void
outage_note(outage_t *o, const audit_entry_t *e, int rc, int64_t when_ms)
{
	outage_entry_t *x;

	if (o == NULL)
		return;
	x = outage_find(o, e);
	if (x->count == 0)
		x->first_ms = when_ms;
	x->count += e->count > 0 ? e->count : 1;
	x->reason = outage_reason(rc);
	o->total += e->count > 0 ? e->count : 1;
}

bool
outage_pending(void *arg)
{
	return ((outage_t *)arg)->total > 0;
}

/* One count's record. */
static int
outage_record(store_txn_t *txn, const outage_entry_t *x, int64_t now_ms)
{
	audit_entry_t e = { 0 };
	char first[TIMEFMT_LEN];

	timefmt_format_ms(x->first_ms, first);
	e.actor = x->actor;
	e.agency = x->agency;
	e.key = x->key;
	e.action = x->action;
	e.target = first;
	e.decision = "error";
	e.reason = x->reason;
	e.count = x->count;
	return audit_append(txn, &e, now_ms, NULL);
}

int
outage_apply(store_txn_t *txn, void *arg)
{
	outage_t *o = arg;
	int64_t now = clock_wall_ms();
	int rc;

	for (size_t i = 0; i < o->n; i++)
		if ((rc = outage_record(txn, &o->e[i], now)) != 0)
			return rc;
	if (o->rest.count > 0)
		return outage_record(txn, &o->rest, now);
	return 0;
}

void
outage_done(void *arg, int rc)
{
	outage_t *o = arg;

	if (rc != 0)
		return;	/* still counted: the next batch tries again */
	log_info("recorded %llu requests turned away while the store could "
	    "not commit", (unsigned long long)o->total);
	memset(o->e, 0, o->n * sizeof(*o->e));
	memset(&o->rest, 0, sizeof(o->rest));
	o->n = 0;
	o->total = 0;
}
