/* sweeper.c: retention: documents past destroy-after are crypto-shredded; review-by dates put reminders in the originator's inbox. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/audit/audit.h"
#include "daemon/ctx/current.h"
#include "daemon/store/dateindex.h"
#include "daemon/store/docindex.h"
#include "daemon/store/writer.h"
#include "daemon/docs/docview.h"
#include "daemon/store/records.h"
#include "daemon/docs/inbox.h"
#include "daemon/docs/rekey.h"
#include "daemon/docs/sweeper.h"
#include "daemon/docs/transfer.h"
#include "proto/docid.h"

#define SWEEP_BATCH	100	/* due entries handled in one commit */
#define SWEEP_SLICE_MS	1000	/* a tick's batches, while nothing waits */
#define SWEEP_START_MS	2000	/* at start, before serving: then the
				 * writer's ticks go on */
#define RETRY_MS	5000	/* after a failed sweep */

/* Set when a sweep's commit added inbox entries; taken by the main loop. */
static atomic_bool sweep_news;

/* Writer thread only (and before it starts). */
static bool rekey_pending = true;	/* destructions since the last rekey
					 * (and at start: one may be due) */
static int64_t rekey_at = -1;		/* after a failed rekey: not before */
static int64_t retry_at = -1;		/* after a failed sweep: not before */

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

/* What a batch did, for the log and the tick. */
typedef struct {
	size_t entries, destroyed, reminded, announced;
} tally_t;

/*
 * r's view cannot be made (doc_load: ISA_ERR_PARSE, e.g. a policy reload
 * left its marking unreadable): what was due to it is put off to
 * SWEEP_PUT_OFF_S from now, not dropped, so a policy put right still gets
 * the reminder or announcement out (DESIGN §5: not before, and not never).
 * What was done before (an announcement) is kept.  Logged once a try.
 */
static int
put_off(store_txn_t *t, Isad__StoredDoc *r, const uint8_t *id, int64_t now)
{
	char idtext[DOCID_TEXT_LEN + 1], when[TIMEFMT_LEN];
	int rc;

	if ((rc = dateindex_drop(t, r)) != 0)
		return rc;
	r->sweep_retry = now + SWEEP_PUT_OFF_S;
	if ((rc = records_doc_put(t, id, r)) != 0 ||
	    (rc = dateindex_sync(t, r)) != 0)
		return rc;
	docid_format(id, idtext);
	timefmt_format_ms(r->sweep_retry * 1000, when);
	log_warnx("document %s: its view cannot be made under the policy in "
	    "force; its review reminder or announcement is tried again at %s",
	    idtext, when);
	return 0;
}

/* Entry e (deleted) was due: handle what is due to its document now, its
 * record rewritten and its date entries with it. */
static int
sweep_one(store_txn_t *t, job_t *j, const dateindex_entry_t *e, int64_t now,
    tally_t *n)
{
	char idtext[DOCID_TEXT_LEN + 1];
	Isad__StoredDoc *r;
	unsigned due;
	int rc;

	if ((rc = records_doc_get(t, e->doc, &r)) != 0) {
		if (rc != ISA_ERR_NOTFOUND && rc != ISA_ERR_PARSE)
			return rc;
		/* One damaged record must not hold back the rest: its entry
		 * goes (check --deep reports the record). */
		docid_format(e->doc, idtext);
		log_warnx("document %s: %s; the retention sweep skips it",
		    idtext, rc == ISA_ERR_PARSE ? "its record is damaged" :
		    "the date index names no such document");
		return 0;
	}
	/* An entry the record no longer calls for (its date or state moved
	 * on) only puts the index right. */
	if ((due = dateindex_due(r, now)) == 0) {
		rc = dateindex_sync(t, r);
		records_doc_free(r);
		return rc;
	}
	/* The unpacked record owns its fields: destroy() swaps in empty
	 * ones, so pack, then let free_unpacked see its own again. */
	{
		Isad__StoredDoc keep = *r;

		if (due & DATEINDEX_DESTROY) {
			rc = destroy(t, r, now);
			n->destroyed += rc == 0;
		} else {
			rc = 0;
			if (due & DATEINDEX_ANNOUNCE) {
				rc = announce(t, j, r, e->doc, now);
				n->announced += rc == 0;
			}
			if (rc == 0 && (due & DATEINDEX_REVIEW)) {
				rc = remind(t, j, r, e->doc, now);
				n->reminded += rc == 0;
			}
		}
		if (rc == ISA_ERR_PARSE) {
			/* The view (doc_load said why, before its step wrote
			 * anything): later, not never. */
			rc = put_off(t, r, e->doc, now);
		} else {
			if (rc == 0)
				rc = records_doc_put(t, e->doc, r);
			if (rc == 0 && (due & DATEINDEX_DESTROY))
				rc = docindex_set_state(t, r);
			if (rc == 0)
				rc = dateindex_sync(t, r);
		}
		*r = keep;
	}
	records_doc_free(r);
	return rc;
}

/* Whether anything is due at now: one seek in a read transaction. */
static int
anything_due(store_t *s, int64_t now, bool *due)
{
	dateindex_entry_t e;
	store_txn_t *t;
	int rc;

	*due = false;
	if ((rc = store_txn_begin(s, false, &t)) != 0)
		return rc;
	rc = dateindex_first(t, &e);
	store_txn_abort(t);
	if (rc == ISA_ERR_NOTFOUND)
		return 0;
	*due = rc == ISA_ERR_PARSE || (rc == 0 && e.due <= now);
	return rc == ISA_ERR_PARSE ? 0 : rc;
}

/* One batch: at most SWEEP_BATCH due entries handled in one transaction,
 * committed.  *more when the batch was full (more may be due). */
static int
sweep_batch(store_t *s, job_t *j, int64_t now, bool *more, tally_t *n)
{
	dateindex_entry_t e;
	store_txn_t *t;
	int rc;

	memset(n, 0, sizeof(*n));
	*more = false;
	if ((rc = store_txn_begin(s, true, &t)) != 0)
		return rc;
	while (n->entries < SWEEP_BATCH) {
		rc = dateindex_first(t, &e);
		if (rc == ISA_ERR_NOTFOUND || (rc == 0 && e.due > now)) {
			rc = 0;
			break;
		}
		n->entries++;
		if (rc == ISA_ERR_PARSE) {
			log_warnx("the date index holds a key that is no "
			    "entry; the retention sweep deletes it");
			rc = dateindex_drop_first(t);
		} else if (rc == 0 && (rc = dateindex_del(t, &e)) == 0)
			rc = sweep_one(t, j, &e, now, n);
		if (rc != 0)
			break;
	}
	if (rc != 0) {
		store_txn_abort(t);
		return rc;
	}
	if ((rc = store_txn_commit(t)) != 0)
		return rc;
	*more = n->entries == SWEEP_BATCH;
	log_info("retention sweep: %zu due entries in one commit (%zu "
	    "destroyed, %zu reminded, %zu announced)%s", n->entries,
	    n->destroyed, n->reminded, n->announced, *more ?
	    "; more are due" : "");
	return 0;
}

/* The slice a tick may spend, in ms: SWEEP_START_MS at start (test
 * builds: $ISAD_TEST_SWEEP_START_MS, so a test can leave a backlog for the
 * writer's ticks), else SWEEP_SLICE_MS. */
static int64_t
slice_ms(const worker_env_t *env)
{
	if (env->writer != NULL)
		return SWEEP_SLICE_MS;
#ifdef ISA_TEST_BUILD
	const char *v = getenv("ISAD_TEST_SWEEP_START_MS");

	if (v != NULL)
		return strtoll(v, NULL, 10);
#endif
	return SWEEP_START_MS;
}

bool
sweeper_tick(store_t *s, const worker_env_t *env)
{
	int64_t mono = clock_mono_ms(), now = clock_wall_s();
	int64_t slice = slice_ms(env);
	bool news = false, due, more = false;
	job_t *j;
	tally_t n;
	int rc;

	if (retry_at >= 0 && mono < retry_at)
		return false;
	retry_at = -1;
	if ((rc = anything_due(s, now, &due)) != 0 || !due)
		goto rekey;
	/* Batch after batch while no change waits for the writer, a slice at
	 * most (at start, before it runs, a longer one: a backlog left goes
	 * on in its ticks, and meanwhile what is past its destroy-after date
	 * is answered as destroyed: docview.c).  Each batch a fresh job: the
	 * policy in force and an arena for its views. */
	do {
		if ((j = job_new("", 0)) == NULL) {
			rc = ISA_ERR_NOMEM;
			break;
		}
		j->now = now;
		if ((j->policy = current_policy_get()) == NULL) {
			job_free(j);
			break;
		}
		rc = sweep_batch(s, j, now, &more, &n);
		job_free(j);
		if (rc != 0)
			break;
		if (n.destroyed > 0)
			rekey_pending = true;
		if (n.entries > 0) {
			atomic_store(&sweep_news, true);
			news = true;
		}
	} while (more && clock_mono_ms() - mono < slice &&
	    (env->writer == NULL || !writer_busy(env->writer)));
	if (rc == 0 && more && env->writer == NULL)
		log_info("retention sweep at start: %lld ms spent; the rest "
		    "goes on while isad serves", (long long)(clock_mono_ms() -
		    mono));
rekey:
	if (rc != 0) {
		log_warnx("the retention sweep failed (%s); it is tried again "
		    "in %d s", isa_strerror(rc), RETRY_MS / 1000);
		retry_at = mono + RETRY_MS;
		return news;
	}
	/* Destroyed documents' old wraps become useless (DESIGN §8): once
	 * the backlog is through, not after every batch, and in the writer's
	 * ticks, not at start (it walks every document); a failure is logged
	 * and tried again SWEEP_MS later. */
	if (!more && env->writer != NULL && rekey_pending &&
	    (rekey_at < 0 || mono >= rekey_at)) {
		if (rekey_online(s, env) == 0) {
			rekey_pending = false;
			rekey_at = -1;
		} else
			rekey_at = mono + SWEEP_MS;
	}
	return news;
}
