/* download.c: isa get (header, then chunks on the client's credit), ls and info. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/keys/crypto.h"
#include "daemon/docs/bounds.h"
#include "daemon/docs/docview.h"
#include "daemon/docs/download.h"
#include "daemon/docs/mayknow.h"
#include "daemon/docs/upload.h"
#include "daemon/store/records.h"

#define LIST_PAGE 200		/* documents per ls reply, at most */
/*
 * A download's credit window, as isad enforces it: chunk requests are
 * served in order, each once, and only while fewer than this many of the
 * download's chunks are still held in isad (decrypted, queued, or in
 * libzmq's pipe to the peer: a client that does not read its replies).
 * isa keeps 8 requests in flight (client/cmd_get.c GET_WINDOW); twice that
 * leaves room for any client that honours a window of 8.  Together with
 * limits.content_queued (bytes held for every download together) this
 * bounds what a client can make isad hold by asking and not reading;
 * limits.content_queued_per_user keeps that one user's problem.
 */
#define DOWNLOAD_CREDIT 16

typedef struct {
	crypto_dek_t *dek;
} download_t;

static void
download_free(void *p)
{
	download_t *d = p;

	if (d != NULL)
		crypto_dek_free(d->dek);
	free(d);
}

static bool read_chunk(worker_ctx_t *w, job_t *j, transfer_t *x,
    uint64_t index, store_txn_t *in);

/* Open document idtext in t and decide action; false with j's reply set
 * when refused.  d is released on refusal. */
static bool
open_and_decide(job_t *j, store_txn_t *t, const char *idtext,
    policy_action_t action, doc_t *d)
{
	policy_decision_t dec;
	int rc = doc_open(j, t, idtext, d);

	if (rc == ISA_ERR_PARSE) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "\"%s\" is not a "
		    "document id: ids are 26 characters of A-Z and 2-7", idtext);
		return false;
	}
	if (rc != 0) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad cannot read its "
		    "store right now; try again later");
		return false;
	}
	/* The record names the id as the client named it, and the marking
	 * only where the document exists. */
	j->audit.doc = job_strdup(j, d->idtext);
	if (d->rec != NULL) {
		j->audit.marking = doc_marking_line(j, d);
		if (action == POLICY_ACTION_GET &&
		    d->rec->sha256.len == sizeof(j->audit.sha)) {
			memcpy(j->audit.sha, d->rec->sha256.data, sizeof(j->audit.sha));
			j->audit.has_sha = true;
		}
	} else if ((j->audit.marking = d->marking) != NULL &&
	    action == POLICY_ACTION_GET) {
		memcpy(j->audit.sha, d->sha256, sizeof(j->audit.sha));
		j->audit.has_sha = true;
	}
	if (!doc_decide(j, action, d, NULL, &dec)) {
		doc_release(d);
		return false;
	}
	if (d->rec == NULL) {	/* never: a dummy is never permitted */
		job_error(j, ISA__STATUS__NOT_FOUND, "no document %s",
		    d->idtext);
		return false;
	}
	return true;
}

void
docs_get_begin(worker_ctx_t *w, job_t *j)
{
	Isa__GetBeginReply *rep;
	Isa__DocMeta *meta;
	store_txn_t *t;
	download_t *dl;
	transfer_t *x = NULL;
	doc_t d;
	bool ok;
	int rc = 0;

	if ((t = doc_read_begin(w, j)) == NULL)
		return;
	if (!open_and_decide(j, t, j->req->get_begin->id, POLICY_ACTION_GET,
	    &d)) {
		store_txn_abort(t);
		return;
	}
	/* t stays open: chunk 0 is read in the snapshot the decision was
	 * made in, so the record decoded for it is the only decode.
	 * The caps and the content budget first: nothing is kept for a
	 * refused download (with no room for chunk 0, the client sends its
	 * GetBegin again after retry_ms). */
	if (!docs_budget_ok(w, j, d.rec->chunk_size) ||
	    (rc = transfers_add(w->transfers, TRANSFER_DOWNLOAD, j, w->index,
	    &x)) != 0) {
		if (!job_failed(j))
			docs_transfer_refused(w, j, rc);
		doc_release(&d);
		store_txn_abort(t);
		return;
	}
	x->data_free = download_free;
	if ((x->data = dl = calloc(1, sizeof(*dl))) == NULL ||
	    (x->marking = strdup(j->audit.marking)) == NULL) {
		transfers_drop(w->transfers, x);
		doc_release(&d);
		store_txn_abort(t);
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return;
	}
	/* One unwrap: the key that opened the fields opens the chunks. */
	if ((meta = doc_meta(j, w->env, &d, &dl->dek)) == NULL) {
		transfers_drop(w->transfers, x);
		doc_release(&d);
		store_txn_abort(t);
		return;
	}
	memcpy(x->doc, d.rec->id.data, DOCID_LEN);
	x->chunks = d.rec->chunks;
	x->chunk_size = d.rec->chunk_size;
	x->size = d.rec->size;
	x->next = 1;	/* chunk 0 goes with the header */
	doc_release(&d);

	rep = job_alloc(j, sizeof(*rep));
	isa__get_begin_reply__init(rep);
	rep->transfer.data = job_alloc(j, TRANSFER_ID_LEN);
	memcpy(rep->transfer.data, x->id, TRANSFER_ID_LEN);
	rep->transfer.len = TRANSFER_ID_LEN;
	rep->meta = meta;
	rep->chunks = x->chunks;
	/* Chunk 0 rides with the header (after the record is durable, like
	 * the header), so a small document is one round trip. */
	ok = read_chunk(w, j, x, 0, t);
	store_txn_abort(t);
	if (!ok)
		return;
	if (x->chunks == 1)
		transfers_drop(w->transfers, x);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_GET_BEGIN_REPLY;
	j->resp.get_begin_reply = rep;
}

/*
 * Read chunk index of transfer x into j->out, decrypted, in transaction in
 * (the one GetBegin decided in: the document was active there), or (in
 * NULL) in a new one, where the document must still be active.  On a
 * refusal (recalled meanwhile: GONE; damaged: INTERNAL) sets j's reply,
 * drops x and returns false.  in stays open.
 */
static bool
read_chunk(worker_ctx_t *w, job_t *j, transfer_t *x, uint64_t index,
    store_txn_t *in)
{
	download_t *dl = x->data;
	char idtext[DOCID_TEXT_LEN + 1];
	Isad__StoredDoc *r;
	const void *val;
	size_t len;
	store_txn_t *t = in;
	int rc;

	docid_format(x->doc, idtext);
	rc = 0;
	if (in == NULL) {
		if ((t = doc_read_begin(w, j)) == NULL)
			return false;
		/* A recall cuts every reader off at once, mid-transfer too. */
		if ((rc = records_doc_get(t, x->doc, &r)) == 0 &&
		    records_doc_state(r) != DOC_ACTIVE)
			rc = ISA_ERR_NOTFOUND;
		records_doc_free(r);
	}
	if (rc != 0) {
		store_txn_abort(t);
		transfers_drop(w->transfers, x);
		job_error(j, ISA__STATUS__GONE, "document %s was recalled or "
		    "destroyed during the transfer", idtext);
		return false;
	}
	rc = records_chunk_get(t, x->doc, index, &val, &len);
	if (rc == 0 && len >= CRYPTO_TAG_LEN) {
		uint8_t *out;

		/* Counted among the content held until libzmq lets it go. */
		if (transfer_frame_new(x, len - CRYPTO_TAG_LEN, &j->out, &out)
		    != 0) {
			if (in == NULL)
				store_txn_abort(t);
			transfers_drop(w->transfers, x);
			job_error(j, ISA__STATUS__INTERNAL, "isad is out of "
			    "memory");
			return false;
		}
		j->has_out = true;
		rc = crypto_chunk_open(dl->dek, x->doc, index,
		    index + 1 == x->chunks, val, len, out);
	} else if (rc == 0)
		rc = ISA_ERR_CRYPTO;
	if (in == NULL)
		store_txn_abort(t);
	if (rc == ISA_ERR_NOMEM) {
		transfers_drop(w->transfers, x);
		docs_secmem_refused(j, rc, "open a chunk");
		return false;
	}
	if (rc != 0) {
		log_warnx("document %s, chunk %llu: %s: the stored content is "
		    "damaged", idtext, (unsigned long long)index,
		    rc == ISA_ERR_CRYPTO ? "integrity check failed" :
		    isa_strerror(rc));
		job_error(j, ISA__STATUS__INTERNAL, "document %s is damaged "
		    "(chunk %llu failed its integrity check): nothing more is "
		    "sent; tell the operator", idtext,
		    (unsigned long long)index);
		transfers_drop(w->transfers, x);
		return false;
	}
	return true;
}

void
docs_get_chunk(worker_ctx_t *w, job_t *j)
{
	const Isa__GetChunk *gc = j->req->get_chunk;
	transfer_t *x = transfers_find(w->transfers, gc->transfer.data,
	    gc->transfer.len, TRANSFER_DOWNLOAD, j);
	Isa__GetChunkReply *rep;
	char idtext[DOCID_TEXT_LEN + 1];

	if (x == NULL) {
		docs_transfer_missing(w, j, &gc->transfer, "download");
		return;
	}
	docid_format(x->doc, idtext);
	if (gc->index >= x->chunks) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "document %s has %llu "
		    "chunks; %llu was asked for", idtext,
		    (unsigned long long)x->chunks, (unsigned long long)gc->index);
		return;
	}
	/* Requests the client pipelined after one that must wait for room
	 * wait too: it sends them again once that one is served. */
	if (x->waiting && gc->index > x->next) {
		docs_budget_wait(j, false);
		return;
	}
	/* Each chunk once, in order: the download's one record covers one
	 * reading of the document. */
	if (gc->index != x->next) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "chunk %llu of document "
		    "%s was asked for; chunk %llu is next (each is sent once, in "
		    "order)", (unsigned long long)gc->index, idtext,
		    (unsigned long long)x->next);
		return;
	}
	if (transfer_frames_queued(x) >= DOWNLOAD_CREDIT) {
		if (!x->flooded)	/* once a download: not a log flood */
			log_notice("download of %s by %s: %u chunks not yet "
			    "taken by the client; chunk %llu refused, and any "
			    "more past the window", idtext, j->user,
			    transfer_frames_queued(x),
			    (unsigned long long)gc->index);
		x->flooded = true;
		job_error(j, ISA__STATUS__BAD_REQUEST, "more than %d chunks of "
		    "document %s were asked for before the earlier ones were "
		    "read: read the replies, or ask for fewer at once",
		    DOWNLOAD_CREDIT, idtext);
		return;
	}
	/* No room: back-pressure.  The download stays where it is, and the
	 * client asks for this chunk again after retry_ms. */
	if ((x->waiting = !docs_budget_ok(w, j, x->chunk_size)))
		return;
	if (!read_chunk(w, j, x, gc->index, NULL))
		return;
	x->next++;
	rep = job_alloc(j, sizeof(*rep));
	isa__get_chunk_reply__init(rep);
	rep->index = gc->index;
	rep->final = gc->index + 1 == x->chunks;
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_GET_CHUNK_REPLY;
	j->resp.get_chunk_reply = rep;
	if (rep->final)
		transfers_drop(w->transfers, x);
}

void
docs_transfer_end(worker_ctx_t *w, job_t *j)
{
	const Isa__TransferEnd *te = j->req->transfer_end;
	transfer_t *x = transfers_find(w->transfers, te->transfer.data,
	    te->transfer.len, TRANSFER_DOWNLOAD, j);
	Isa__TransferEndReply *rep;
	char why[256];

	if (x != NULL)
		transfers_drop(w->transfers, x);
	else if ((x = transfers_find(w->transfers, te->transfer.data,
	    te->transfer.len, TRANSFER_UPLOAD, j)) != NULL)
		docs_upload_abandon(w, j, x, "abandoned");
	else	/* closed by a reload: said once, and now it need not be */
		(void)transfers_tomb_take(w->transfers, te->transfer.data,
		    te->transfer.len, j, w->env->cfg->transfer_timeout_ms, why,
		    sizeof(why));
	/* Ending a transfer that is already over is not an error. */
	rep = job_alloc(j, sizeof(*rep));
	isa__transfer_end_reply__init(rep);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_TRANSFER_END_REPLY;
	j->resp.transfer_end_reply = rep;
}

void
docs_info(worker_ctx_t *w, job_t *j)
{
	Isa__InfoReply *rep;
	Isa__DocMeta *meta;
	store_txn_t *t;
	doc_t d;

	if ((t = doc_read_begin(w, j)) == NULL)
		return;
	if (!open_and_decide(j, t, j->req->info->id, POLICY_ACTION_INFO,
	    &d)) {
		store_txn_abort(t);
		return;
	}
	meta = doc_meta(j, w->env, &d, NULL);
	if (meta != NULL)
		doc_meta_lineage(j, t, &d, meta);
	store_txn_abort(t);
	doc_release(&d);
	if (meta == NULL)
		return;
	rep = job_alloc(j, sizeof(*rep));
	isa__info_reply__init(rep);
	rep->meta = meta;
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_INFO_REPLY;
	j->resp.info_reply = rep;
}

typedef struct {
	worker_ctx_t *w;
	job_t *j;
	Isa__ListReply *rep;
	size_t cap;
	size_t bytes;
} list_walk_t;

/* One candidate (the encoded record of document key): decided, and
 * summed up if permitted.  1 when the page is full and this one would
 * have been on the next. */
static int
list_one(list_walk_t *lw, const void *val, size_t vlen)
{
	job_t *j = lw->j;
	policy_decision_t dec;
	Isa__DocSummary *s;
	Isa__DocMeta *m;
	doc_t d;

	if (doc_from_bytes(j, val, vlen, &d) != 0)
		return 0;
	if (policy_decide(j->policy, j->subject, POLICY_ACTION_LIST, &d.view,
	    NULL, j->now, &dec) != POLICY_PERMIT) {
		doc_release(&d);
		return 0;
	}
	/* A full page says there is more only when the caller may read what
	 * comes next: documents they may not read must not change it. */
	if (lw->rep->n_docs == lw->cap ||
	    lw->bytes > (size_t)lw->w->env->cfg->max_message / 4) {
		doc_release(&d);
		lw->rep->more = true;
		return 1;
	}
	m = doc_meta(j, lw->w->env, &d, NULL);
	doc_release(&d);
	if (m == NULL) {
		/* A damaged document is left out of the list (logged); the
		 * rest of the list still goes. */
		uint64_t id = j->resp.request_id;

		isa__envelope__init(&j->resp);
		j->resp.request_id = id;
		return 0;
	}
	s = job_alloc(j, sizeof(*s));
	isa__doc_summary__init(s);
	s->id = m->id;
	s->marking = m->marking;
	s->title = m->title;
	s->classification = m->classification;
	s->originator = m->originator;
	s->created = m->created;
	lw->rep->docs[lw->rep->n_docs++] = s;
	lw->bytes += strlen(s->id) + strlen(s->marking) + strlen(s->title) +
	    strlen(s->classification) + strlen(s->originator) +
	    strlen(s->created) + 32;
	return 0;
}

typedef struct {
	list_walk_t *lw;
	const uint8_t *id;
	int full;
} list_read_t;

/* The candidate's record, still encoded: records_doc_each from its id,
 * one step (an index entry whose document is not there names nothing). */
static int
list_read(void *arg, const uint8_t *key, const void *val, size_t vlen)
{
	list_read_t *lr = arg;

	if (memcmp(key, lr->id, DOCID_LEN) == 0)
		lr->full = list_one(lr->lw, val, vlen);
	return 1;
}

/*
 * ls: the candidates the access index gives for the caller (doc_walk,
 * docs/mayknow.h), in id order after lr->after, each decided as ever: k
 * seeks per candidate (k: the caller's principal keys) and one decode per
 * candidate the index says is active; nothing for the rest of the store.
 */
void
docs_list(worker_ctx_t *w, job_t *j)
{
	const Isa__ListRequest *lr = j->req->list;
	uint8_t after[DOCID_LEN], id[DOCID_LEN];
	list_walk_t lw = { w, j, NULL, LIST_PAGE, 0 };
	list_read_t one = { &lw, id, 0 };
	doc_walk_t *walk = NULL;
	store_txn_t *t;
	int rc;

	if (lr->limit > 0 && lr->limit < LIST_PAGE)
		lw.cap = lr->limit;
	if (lr->after[0] != '\0' && docid_parse(lr->after, after) != 0) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "\"%s\" is not a "
		    "document id", lr->after);
		return;
	}
	lw.rep = job_alloc(j, sizeof(*lw.rep));
	isa__list_reply__init(lw.rep);
	lw.rep->docs = job_alloc(j, sizeof(*lw.rep->docs) * lw.cap);
	if ((t = doc_read_begin(w, j)) == NULL)
		return;
	rc = doc_walk_begin(t, j->policy, j->subject, j->now,
	    lr->after[0] != '\0' ? after : NULL, &walk);
	while (rc == 0 && one.full == 0 && (rc = doc_walk_next(walk, id)) == 0)
		if ((rc = records_doc_each(t, id, list_read, &one)) > 0)
			rc = 0;
	doc_walk_free(walk);
	store_txn_abort(t);
	if (rc != 0 && rc != ISA_ERR_NOTFOUND) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad cannot read its "
		    "store right now; try again later");
		return;
	}
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_LIST_REPLY;
	j->resp.list_reply = lw.rep;
}

typedef struct {
	uint8_t (*ids)[DOCID_LEN];
	size_t n, cap;
} sweep_t;

/* Collect a marked upload (deleted after the walk, not during it). */
static int
sweep_one(void *arg, const uint8_t id[DOCID_LEN])
{
	sweep_t *sw = arg;

	if (sw->n == sw->cap) {
		size_t cap = sw->cap ? sw->cap * 2 : 16;
		void *p = realloc(sw->ids, cap * DOCID_LEN);

		if (p == NULL)
			return ISA_ERR_NOMEM;
		sw->ids = p;
		sw->cap = cap;
	}
	memcpy(sw->ids[sw->n++], id, DOCID_LEN);
	return 0;
}

int
docs_sweep_orphans(store_t *s)
{
	sweep_t sw = { 0 };
	store_txn_t *t;
	size_t cut = 0;
	int rc;

	/* Only the uploads still marked as under way: no walk of every
	 * chunk, however many documents the store holds. */
	if ((rc = store_txn_begin(s, true, &t)) != 0)
		return rc;
	rc = records_chunk_unfinished_each(t, sweep_one, &sw);
	for (size_t i = 0; rc == 0 && i < sw.n; i++) {
		if (records_doc_has(t, sw.ids[i]) == 0) {
			rc = records_chunk_done(t, sw.ids[i]);
			continue;
		}
		rc = records_chunk_del_all(t, sw.ids[i]);
		cut++;
	}
	free(sw.ids);
	if (rc != 0) {
		store_txn_abort(t);
		return rc;
	}
	if (sw.n == 0) {
		store_txn_abort(t);
		return 0;
	}
	if ((rc = store_txn_commit(t)) != 0)
		return rc;
	return (int)cut;
}
