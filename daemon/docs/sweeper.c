/* sweeper.c: retention: documents past destroy-after are crypto-shredded; review-by dates put reminders in the originator's inbox. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/audit/audit.h"
#include "daemon/ctx/current.h"
#include "daemon/store/docindex.h"
#include "daemon/docs/docview.h"
#include "daemon/store/records.h"
#include "daemon/docs/inbox.h"
#include "daemon/docs/rekey.h"
#include "daemon/docs/sweeper.h"
#include "daemon/docs/transfer.h"
#include "proto/docid.h"

#define DUE_MAX	1000	/* documents handled in one sweep; the rest next time */

/* What a sweep does to one document (bits). */
enum { DUE_DESTROY = 1, DUE_REVIEW = 2, DUE_ANNOUNCE = 4 };

/* The earliest embargo still to be announced (Unix seconds; INT64_MAX:
 * none known).  Read and written in the writer thread only (sweeps and
 * upload commits), and before it starts. */
static int64_t embargo_next = INT64_MAX;

/* Set when a sweep's commit added inbox entries; taken by the main loop. */
static atomic_bool sweep_news;

typedef struct {
	char today[11];		/* YYYY-MM-DD, UTC */
	int64_t now;
	int64_t next;		/* the earliest embargo not yet due */
	uint8_t (*ids)[DOCID_LEN];
	unsigned *due;
	size_t n;
} due_t;

/* Whether r was uploaded under an embargo its readers have not yet been
 * told has lifted (an upload told them at once when it had none). */
static bool
embargo_pending(const Isad__StoredDoc *r)
{
	return r->embargo_until > r->created && !r->embargo_announced &&
	    records_doc_state(r) == DOC_ACTIVE;
}

/* Which documents are due: collected first, changed after. */
static int
find_due(void *arg, const uint8_t *key, const void *val, size_t vlen)
{
	due_t *d = arg;
	Isad__StoredDoc *r;
	unsigned due = 0;

	if (d->n == DUE_MAX)
		return 1;
	if (records_doc_decode(val, vlen, &r) != 0)
		return 0;
	if (records_doc_state(r) != DOC_DESTROYED &&
	    r->destroy_after[0] != '\0' &&
	    strcmp(d->today, r->destroy_after) > 0)
		due |= DUE_DESTROY;
	else if (records_doc_state(r) == DOC_ACTIVE) {
		if (!r->review_reminded && r->review_by[0] != '\0' &&
		    strcmp(d->today, r->review_by) >= 0)
			due |= DUE_REVIEW;
		if (embargo_pending(r)) {
			if (r->embargo_until <= d->now)
				due |= DUE_ANNOUNCE;
			else if (r->embargo_until < d->next)
				d->next = r->embargo_until;
		}
	}
	if (due != 0) {
		memcpy(d->ids[d->n], key, DOCID_LEN);
		d->due[d->n++] = due;
	}
	records_doc_free(r);
	return 0;
}

void
sweeper_embargo_note(int64_t until)
{
	if (until < embargo_next)
		embargo_next = until;
}

bool
sweeper_news_take(void)
{
	return atomic_exchange(&sweep_news, false);
}

/* Crypto-shred one document: its key, sealed fields and chunks go. */
static int
destroy(store_txn_t *t, Isad__StoredDoc *r, int64_t now)
{
	static const ProtobufCBinaryData none = { 0, NULL };
	char idtext[DOCID_TEXT_LEN + 1];
	audit_entry_t e = { 0 };
	int rc;

	docid_format(r->id.data, idtext);
	if ((rc = records_chunk_del_all(t, r->id.data)) != 0)
		return rc;
	if ((rc = docindex_drop_content(t, r)) != 0)
		return rc;
	e.actor = "isad";
	e.action = "destroy";
	e.doc = idtext;
	e.marking = r->classification;
	e.decision = "permit";
	e.reason = "destroy_after";
	e.sha256 = r->sha256.len == 32 ? r->sha256.data : NULL;
	if ((rc = audit_append(t, &e, clock_wall_ms(), NULL)) != 0 ||
	    (rc = records_meta_put(t, RECORDS_META_REKEY_DUE, "", 0)) != 0)
		return rc;
	records_doc_set_state(r, DOC_DESTROYED);
	r->destroyed = now;
	r->wrapped_dek = none;
	r->title_sealed = none;
	r->handling_sealed = none;
	r->filename_sealed = none;
	r->recall_reason_sealed = none;
	log_info("document %s destroyed: its destroy-after date %s has "
	    "passed", idtext, r->destroy_after);
	return 0;
}

/* One review reminder to whoever decides for the document. */
static int
remind(store_txn_t *t, job_t *j, Isad__StoredDoc *r, const uint8_t *id,
    int64_t now)
{
	inbox_entry_t e = { 0 };
	doc_t d;
	int rc;

	if ((rc = doc_load(j, t, id, &d)) != 0)
		return rc;
	e.kind = INBOX_REVIEW;
	e.doc = r->id.data;
	e.actor = "isad";
	e.time = now;
	rc = inbox_to_deciders(t, j->policy, &d.view, &e);
	doc_release(&d);
	r->review_reminded = true;
	return rc;
}

/*
 * The embargo on r has lifted: its readers get the "new material" entry
 * the upload held back (DESIGN §5), and an audit record says so.  Returns
 * how many were told, or ISA_ERR_*.
 */
static int
announce(store_txn_t *t, job_t *j, Isad__StoredDoc *r, const uint8_t *id,
    int64_t now)
{
	char idtext[DOCID_TEXT_LEN + 1];
	inbox_entry_t e = { 0 };
	audit_entry_t a = { 0 };
	doc_t d;
	int rc;

	if ((rc = doc_load(j, t, id, &d)) != 0)
		return rc;
	docid_format(r->id.data, idtext);
	e.kind = INBOX_NEW;
	e.doc = r->id.data;
	e.actor = r->ingested_by;
	e.time = now;
	/* As at upload: everyone who may read it now, but its uploader. */
	rc = inbox_to_readers(t, j->policy, &d.view, NULL,
	    policy_user_by_id(j->policy, r->ingested_by), &e, now);
	doc_release(&d);
	a.actor = "isad";
	a.action = "announce";
	a.doc = idtext;
	a.marking = r->classification;
	a.decision = "permit";
	a.reason = "embargo_lifted";
	if (rc == 0)
		rc = audit_append(t, &a, clock_wall_ms(), NULL);
	if (rc != 0)
		return rc;
	r->embargo_announced = true;
	log_info("document %s: its embargo has lifted; its readers are told",
	    idtext);
	return 0;
}

/* Handle one due document in t (due: DUE_* bits); its record rewritten. */
static int
sweep_one(store_txn_t *t, job_t *j, const uint8_t *id, unsigned due,
    int64_t now)
{
	Isad__StoredDoc *r;
	int rc;

	if ((rc = records_doc_get(t, id, &r)) != 0)
		return rc;
	/* The unpacked record owns its fields: destroy() swaps in empty
	 * ones, so pack, then let free_unpacked see its own again. */
	{
		Isad__StoredDoc keep = *r;

		if (due & DUE_DESTROY)
			rc = destroy(t, r, now);
		else {
			rc = 0;
			if (due & DUE_ANNOUNCE)
				rc = announce(t, j, r, id, now);
			if (rc == 0 && (due & DUE_REVIEW))
				rc = remind(t, j, r, id, now);
		}
		if (rc == 0)
			rc = records_doc_put(t, id, r);
		if (rc == 0 && (due & DUE_DESTROY))
			rc = docindex_set_state(t, r);
		*r = keep;
	}
	records_doc_free(r);
	return rc;
}

bool
sweeper_tick(store_t *s, const worker_env_t *env)
{
	static int64_t last_ms = -1;
	int64_t mono = clock_mono_ms(), now = clock_wall_s();
	due_t d = { 0 };
	store_txn_t *t = NULL;
	job_t *j = NULL;
	struct tm tm;
	time_t tt = (time_t)now;
	bool news = false;
	int rc;

	/* Every SWEEP_MS, and as soon as a known embargo lifts. */
	if (last_ms >= 0 && mono - last_ms < SWEEP_MS && now < embargo_next)
		return false;
	last_ms = mono;
	gmtime_r(&tt, &tm);
	strftime(d.today, sizeof(d.today), "%Y-%m-%d", &tm);
	d.now = now;
	d.next = INT64_MAX;
	d.ids = malloc(sizeof(*d.ids) * DUE_MAX);
	d.due = malloc(sizeof(*d.due) * DUE_MAX);
	if (d.ids == NULL || d.due == NULL ||
	    (j = job_new("", 0)) == NULL) {
		rc = ISA_ERR_NOMEM;
		goto out;
	}
	/* A scratch job: the policy in force and an arena for the views. */
	j->policy = current_policy_get();
	j->now = now;
	if (j->policy == NULL) {
		rc = 0;
		goto out;
	}
	if ((rc = store_txn_begin(s, true, &t)) != 0)
		goto out;
	if ((rc = records_doc_each(t, NULL, find_due, &d)) < 0)
		goto out;
	rc = 0;
	/* A full walk (not cut short at DUE_MAX) knows every pending
	 * embargo; a cut one sweeps again at once for the rest. */
	embargo_next = d.n < DUE_MAX ? d.next : now;
	for (size_t i = 0; i < d.n && rc == 0; i++) {
		rc = sweep_one(t, j, d.ids[i], d.due[i], now);
		if (rc == ISA_ERR_PARSE) {
			char idtext[DOCID_TEXT_LEN + 1];

			/* One damaged record must not hold back the rest. */
			docid_format(d.ids[i], idtext);
			log_warnx("document %s: its record is damaged; the "
			    "retention sweep skips it", idtext);
			rc = 0;
		}
	}
	if (rc == 0 && d.n > 0) {
		rc = store_txn_commit(t);
		t = NULL;
		if (rc == 0) {
			atomic_store(&sweep_news, true);
			news = true;
		}
	}
	if (t != NULL)
		store_txn_abort(t);
	t = NULL;
	/* Destroyed documents' old wraps become useless (DESIGN §8): once
	 * the backlog is through, not after every thousand; a failure is
	 * logged and tried again at the next sweep. */
	if (rc == 0 && d.n < DUE_MAX)
		(void)rekey_online(s, env);
out:
	if (t != NULL)
		store_txn_abort(t);
	if (rc != 0) {
		log_warnx("the retention sweep failed (%s); it is tried again "
		    "in %d s", isa_strerror(rc), SWEEP_MS / 1000);
		last_ms = mono - SWEEP_MS + 5000;	/* sooner */
	}
	job_free(j);
	free(d.ids);
	free(d.due);
	return news;
}
