/* outage.c: the audit records a store fault kept out of the log (requests counted by action and user, events kept whole), written first when commits resume, and kept on disk across a stop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/audit/outage.h"
#include "daemon/audit/outage_file.h"

typedef struct {
	char action[64];
	char actor[128];	/* policy ids are at most 64 bytes */
	char agency[128];
	char key[41];
	const char *reason;	/* static */
	uint64_t count;
	int64_t first_ms;
} outage_entry_t;

struct outage {
	outage_entry_t *e;	/* OUTAGE_ENTRIES */
	size_t n;
	outage_entry_t rest;	/* past OUTAGE_ENTRIES: counted together */
	outage_rec_t kept[OUTAGE_KEPT];	/* events, packed whole */
	size_t nkept;
	uint64_t total;		/* the requests and events held */
	bool uncertain;		/* a commit failed midway: may have landed */
	char *path;		/* OUTAGE_FILE, or NULL */
	bool from_file;		/* path holds what an earlier isad kept */
};

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
	uint64_t n = e->count > 0 ? e->count : 1;
	outage_entry_t *x;

	if (o == NULL)
		return;
	if (rc == ISA_ERR_PANIC)
		o->uncertain = true;
	x = outage_find(o, e);
	if (x->count == 0)
		x->first_ms = when_ms;
	x->count += n;
	x->reason = outage_reason(rc);
	o->total += n;
}

/* e as a record of its own, packed, with its time. */
static int
pack(const audit_entry_t *e, int64_t when_ms, outage_rec_t *out)
{
	Isa__AuditRecord r = ISA__AUDIT_RECORD__INIT;

	audit_record_fill(e, &r);
	r.time_ms = when_ms;
	out->len = isa__audit_record__get_packed_size(&r);
	if ((out->buf = malloc(out->len > 0 ? out->len : 1)) == NULL)
		return ISA_ERR_NOMEM;
	isa__audit_record__pack(&r, out->buf);
	return 0;
}

/* A packed record as an entry (its strings point into r). */
static void
unpacked(const Isa__AuditRecord *r, audit_entry_t *e)
{
	memset(e, 0, sizeof(*e));
	e->actor = r->actor;
	e->agency = r->agency;
	e->key = r->key;
	e->action = r->action;
	e->doc = r->doc;
	e->marking = r->marking;
	e->target = r->target;
	e->decision = r->decision;
	e->reason = r->reason;
	e->request = r->request;
	e->sha256 = r->sha256.len == 32 ? r->sha256.data : NULL;
	e->config_sha256 = r->config_sha256.len == 32 ?
	    r->config_sha256.data : NULL;
	e->count = r->count;
	e->keys = r->keys;
}

void
outage_keep(outage_t *o, const audit_entry_t *e, int rc, int64_t when_ms)
{
	if (o == NULL)
		return;
	if (rc == ISA_ERR_PANIC)
		o->uncertain = true;
	if (o->nkept == OUTAGE_KEPT || pack(e, when_ms, &o->kept[o->nkept]) !=
	    0) {
		outage_note(o, e, rc, when_ms);
		return;
	}
	o->nkept++;
	o->total++;
}

/* A record read back from the file: kept whole while there is room. */
static void
take_back(void *arg, const uint8_t *buf, size_t len)
{
	outage_t *o = arg;
	Isa__AuditRecord *r = isa__audit_record__unpack(NULL, len, buf);
	audit_entry_t e;

	if (r == NULL) {
		log_warnx("%s: a record that does not decode is skipped",
		    o->path);
		return;
	}
	unpacked(r, &e);
	outage_keep(o, &e, 0, r->time_ms);
	isa__audit_record__free_unpacked(r, NULL);
}

outage_t *
outage_new(const char *path)
{
	outage_t *o = calloc(1, sizeof(*o));
	int rc;

	if (o == NULL || (o->e = calloc(OUTAGE_ENTRIES, sizeof(*o->e))) ==
	    NULL || (path != NULL && (o->path = strdup(path)) == NULL)) {
		if (o != NULL)
			free(o->e);
		free(o);
		return NULL;
	}
	if (path == NULL)
		return o;
	rc = outage_file_read(path, OUTAGE_FILE_MAX, take_back, o);
	if (rc == ISA_ERR_NOTFOUND)
		return o;
	if (rc != 0)
		log_warnx("%s: %s: the records before are taken back, the rest "
		    "is lost", path, rc == ISA_ERR_PARSE ? "cut short" :
		    isa_strerror(rc));
	if (o->total == 0) {	/* nothing in it to write */
		if (rc == 0)
			(void)unlink(path);
		return o;
	}
	o->from_file = true;
	log_info("%llu audit record(s) an earlier isad could not write are "
	    "written first", (unsigned long long)o->total);
	return o;
}

/* Each count's record, packed with the time of its first. */
static void
counts_entry(const outage_entry_t *x, char *first, audit_entry_t *e)
{
	memset(e, 0, sizeof(*e));
	timefmt_format_ms(x->first_ms, first);
	e->actor = x->actor;
	e->agency = x->agency;
	e->key = x->key;
	e->action = x->action;
	e->target = first;
	e->decision = "error";
	e->reason = x->reason;
	e->count = x->count;
}

/* Everything held into the file; false when it could not be kept. */
static bool
save(outage_t *o)
{
	size_t cap = o->nkept + o->n + 1, n = 0;
	outage_rec_t *recs = calloc(cap, sizeof(*recs));
	char first[TIMEFMT_LEN];
	audit_entry_t e;
	int rc = recs == NULL ? ISA_ERR_NOMEM : 0;

	for (size_t i = 0; rc == 0 && i < o->nkept; i++)
		recs[n++] = o->kept[i];
	for (size_t i = 0; rc == 0 && i <= o->n; i++) {
		const outage_entry_t *x = i < o->n ? &o->e[i] : &o->rest;

		if (x->count == 0)
			continue;
		counts_entry(x, first, &e);
		if ((rc = pack(&e, x->first_ms, &recs[n])) == 0)
			n++;
	}
	if (rc == 0)
		rc = outage_file_write(o->path, recs, n);
	for (size_t i = o->nkept; recs != NULL && i < n; i++)
		free(recs[i].buf);
	free(recs);
	if (rc != 0)
		log_warnx("cannot keep them in %s: %s", o->path,
		    isa_strerror(rc));
	return rc == 0;
}

/* Drop everything held. */
static void
clear(outage_t *o)
{
	for (size_t i = 0; i < o->nkept; i++)
		free(o->kept[i].buf);
	memset(o->e, 0, o->n * sizeof(*o->e));
	memset(&o->rest, 0, sizeof(o->rest));
	o->n = 0;
	o->nkept = 0;
	o->total = 0;
}

void
outage_free(outage_t *o)
{
	if (o == NULL)
		return;
	if (o->total > 0 && o->uncertain)
		log_warnx("%llu audit record(s) held while the store could not "
		    "commit may or may not be in the audit log: the store "
		    "failed in the middle of a commit", (unsigned long long)
		    o->total);
	else if (o->total > 0 && o->path != NULL && save(o))
		log_warnx("%llu audit record(s) the store could not commit "
		    "are kept in %s, to be written first when isad starts "
		    "again", (unsigned long long)o->total, o->path);
	else if (o->total > 0)
		log_warnx("%llu audit record(s) the store could not commit are "
		    "lost: isad stopped before it could write them",
		    (unsigned long long)o->total);
	clear(o);
	free(o->e);
	free(o->path);
	free(o);
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
	char first[TIMEFMT_LEN];
	audit_entry_t e;

	counts_entry(x, first, &e);
	return audit_append(txn, &e, now_ms, NULL);
}

/* One event's record, as it was kept. */
static int
kept_record(store_txn_t *txn, const outage_rec_t *k)
{
	Isa__AuditRecord *r = isa__audit_record__unpack(NULL, k->len, k->buf);
	audit_entry_t e;
	int rc;

	if (r == NULL)
		return ISA_ERR_NOMEM;	/* packed here: only memory fails */
	unpacked(r, &e);
	rc = audit_append(txn, &e, r->time_ms, NULL);
	isa__audit_record__free_unpacked(r, NULL);
	return rc;
}

int
outage_apply(store_txn_t *txn, void *arg)
{
	outage_t *o = arg;
	int64_t now = clock_wall_ms();
	int rc;

	for (size_t i = 0; i < o->nkept; i++)
		if ((rc = kept_record(txn, &o->kept[i])) != 0)
			return rc;
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

	if (rc == ISA_ERR_PANIC)
		o->uncertain = true;
	if (rc != 0)
		return;	/* still held: the next batch tries again */
	log_info("recorded %llu audit record(s) the store could not commit "
	    "when they were made", (unsigned long long)o->total);
	clear(o);
	if (o->from_file && unlink(o->path) != 0)
		log_warn("cannot remove %s: its records are written; remove "
		    "it, or they are written again at the next start", o->path);
	o->from_file = false;
}
