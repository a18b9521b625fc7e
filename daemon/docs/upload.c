/* upload.c: isa put: begin (metadata, rule 6) -> chunks (sealed, staged) -> end (SHA-256, commit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/logtally.h"
#include "common/wipe.h"
#include "daemon/docs/abandon.h"
#include "daemon/keys/crypto.h"
#include "daemon/store/dateindex.h"
#include "daemon/store/docindex.h"
#include "daemon/docs/docview.h"
#include "daemon/docs/bounds.h"
#include "daemon/docs/upload.h"
#include "daemon/keys/keys.h"
#include "daemon/store/records.h"
#include "daemon/docs/inbox.h"
#include "proto/sha256.h"

#define UPLOAD_CREDIT 16	/* chunks in flight per upload */

typedef struct {
	crypto_dek_t *dek;
	sha256_t *sha;
	uint8_t *record;	/* the packed StoredDoc, all but size and hash */
	size_t record_len;
} upload_t;

static void
upload_free(void *p)
{
	upload_t *u = p;

	if (u == NULL)
		return;
	crypto_dek_free(u->dek);
	sha256_free(u->sha);
	free(u->record);
	free(u);
}

/* Log and record an upload that ends without a document (abandon.h).
 * Those a client ends at will (abandoned, truncated, a wrong SHA-256)
 * are logged as bad requests are, the first of a user's in a minute and
 * then a count (logtally.h); isad's own (expired, shutdown) each. */
static abandon_t *
upload_abandon(const transfer_t *x, const char *reason)
{
	char id[DOCID_TEXT_LEN + 1];

	docid_format(x->doc, id);
	if (strcmp(reason, "expired") == 0 || strcmp(reason, "shutdown") == 0 ||
	    logtally_first("abandoned uploads", x->user, clock_wall_ms()))
		log_info("upload of %s by %s abandoned: its chunks are deleted "
		    "(%s)", id, x->user, reason);
	return abandon_new(x, "error", reason);
}

void
docs_transfer_expired(transfer_t *x, void *arg)
{
	worker_ctx_t *w = arg;

	if (x->kind == TRANSFER_UPLOAD)
		abandon_submit(w->env->writer, upload_abandon(x, "expired"));
}

void
docs_transfer_stopped(transfer_t *x, void *arg)
{
	worker_ctx_t *w = arg;

	if (x->kind == TRANSFER_UPLOAD)
		abandon_submit(w->env->writer, upload_abandon(x, "shutdown"));
}

static int
abandon_change(store_txn_t *txn, writer_op_t *op)
{
	job_t *j = (job_t *)(void *)op;

	return abandon_apply(txn, j->state, j->now_ms);
}

static void
abandon_state_free(void *p)
{
	abandon_free(p);
}

void
docs_upload_abandon(worker_ctx_t *w, job_t *j, transfer_t *x,
    const char *reason)
{
	abandon_t *a = upload_abandon(x, reason);

	transfers_drop(w->transfers, x);
	if (a == NULL)
		return;
	/* The upload's one record, durable before j's reply. */
	if (j->state_free != NULL)
		j->state_free(j->state);
	j->state = a;
	j->state_free = abandon_state_free;
	j->change = abandon_change;
	j->audit.write = false;
}

bool
docs_upload_allowed(worker_ctx_t *w, job_t *j, const transfer_t *x)
{
	const upload_t *u = x->data;
	policy_args_t args = { 0 };
	policy_decision_t dec;
	doc_t d;
	bool ok;

	if (u == NULL || u->record == NULL)
		return false;
	if (doc_from_bytes(j, u->record, u->record_len, &d) != 0)
		return false;
	args.accreditation = w->env->accreditation;
	ok = doc_decide(j, POLICY_ACTION_UPLOAD, &d, &args, &dec);
	doc_release(&d);
	return ok;
}

static bool
valid_date(const char *s)
{
	int y, m, d;
	char tail;

	return s[0] == '\0' || (strlen(s) == 10 &&
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 &&
	    s[4] == '-' && s[7] == '-' && m >= 1 && m <= 12 && d >= 1 &&
	    d <= 31);
}

/* Seal a field of the new document into a ProtobufCBinaryData in j. */
/* A new document's links to older ones. */
typedef struct {
	uint8_t parent[DOCID_LEN], supersedes[DOCID_LEN];
	bool has_parent, has_supersedes;
} lineage_t;

/*
 * Rule 8 (--derived-from: the parent, deciding on the new marking) or the
 * supersede rule (--supersedes) on the older document named by idtext; its
 * id into out.  On a refusal sets j's reply and returns false: an id the
 * uploader may not know answers as one that does not exist.
 */
static bool
link_check(worker_ctx_t *w, job_t *j, const char *idtext,
    policy_action_t action, const doc_t *newdoc, uint8_t out[DOCID_LEN])
{
	policy_args_t args = { 0 };
	policy_decision_t dec;
	store_txn_t *t;
	doc_t old;
	bool ok;
	int rc;

	if ((t = doc_read_begin(w, j)) == NULL)
		return false;
	rc = doc_open(j, t, idtext, &old);
	store_txn_abort(t);
	if (rc != 0) {
		job_error(j, rc == ISA_ERR_PARSE ? ISA__STATUS__BAD_REQUEST :
		    ISA__STATUS__UNAVAILABLE, rc == ISA_ERR_PARSE ?
		    "\"%s\" is not a document id" : "isad cannot read its "
		    "store right now; try again later (%s)", idtext);
		return false;
	}
	args.derived = &newdoc->view.marking;
	ok = doc_decide(j, action, &old, &args, &dec);
	if (ok)
		memcpy(out, old.rec->id.data, DOCID_LEN);
	doc_release(&old);
	return ok;
}

/* Check the metadata of a PutBegin and make the document's view.  On a
 * refusal, sets j's reply and returns false. */
static bool
put_check(worker_ctx_t *w, job_t *j, const Isa__DocMeta *m, doc_t *d,
    policy_principal_t *access, lineage_t *lin)
{
	marking_spec_t spec = { 0 };
	policy_decision_t dec;
	policy_args_t args = { 0 };
	policy_user_view_t me;
	uint32_t agency;
	char err[512];
	int rc;

	policy_user_view(j->policy, j->subject, j->now, &me);
	if (m->title[0] == '\0') {
		job_error(j, ISA__STATUS__BAD_REQUEST, "a document needs a "
		    "title (--title)");
		return false;
	}
	if (!valid_date(m->review_by) || !valid_date(m->destroy_after)) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "dates are YYYY-MM-DD "
		    "(UTC): --review-by and --destroy-after");
		return false;
	}
	spec.classification = m->classification;
	spec.descriptors = (const char *const *)m->descriptors;
	spec.n_descriptors = m->n_descriptors;
	spec.caveats = (const char *const *)m->caveats;
	spec.n_caveats = m->n_caveats;
	spec.onward = m->onward;
	spec.handling = m->handling[0] != '\0' ? m->handling : NULL;
	spec.embargo_until = m->embargo_until[0] != '\0' ? m->embargo_until :
	    NULL;
	memset(&d->view, 0, sizeof(d->view));
	d->view.id = d->idtext;
	if (policy_marking_parse(j->policy, &spec, w->env->accreditation,
	    &d->view.marking, err, sizeof(err)) != 0) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "%s", err);
		return false;
	}
	if (m->originator[0] == '\0')
		agency = policy_user_agency(j->subject);
	else if (policy_agency_resolve(j->policy, m->originator, &agency)
	    != 0) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "no agency \"%s\" "
		    "(--originator takes an agency id)", m->originator);
		return false;
	}
	d->view.originator = (int32_t)agency;
	d->view.ingested_by = j->subject;
	for (size_t i = 0; i < m->n_to; i++) {
		rc = policy_principal_resolve(j->policy, m->to[i], &access[i]);
		if (rc != 0) {
			job_error(j, ISA__STATUS__BAD_REQUEST, rc ==
			    ISA_ERR_PARSE ? "\"%s\" is not a principal: use "
			    "user:ID, agency:ID, group:ID or all" :
			    "\"%s\" names nobody enrolled", m->to[i]);
			return false;
		}
	}
	d->view.access = access;
	d->view.n_access = m->n_to;
	d->view.state = DOC_ACTIVE;
	args.accreditation = w->env->accreditation;
	if (!doc_decide(j, POLICY_ACTION_UPLOAD, d, &args, &dec))
		return false;
	if (m->derived_from[0] != '\0') {
		if (!link_check(w, j, m->derived_from, POLICY_ACTION_DERIVE, d,
		    lin->parent))
			return false;
		lin->has_parent = true;
	}
	if (m->supersedes[0] != '\0') {
		if (!link_check(w, j, m->supersedes, POLICY_ACTION_SUPERSEDE,
		    d, lin->supersedes))
			return false;
		lin->has_supersedes = true;
	}
	j->audit.reason = "ok";
	return true;
}

void
docs_put_begin(worker_ctx_t *w, job_t *j)
{
	const Isa__PutBegin *pb = j->req->put_begin;
	Isa__DocMeta empty = ISA__DOC_META__INIT;
	const Isa__DocMeta *m = pb->meta != NULL ? pb->meta : &empty;
	Isad__StoredDoc rec = ISAD__STORED_DOC__INIT;
	Isa__PutBeginReply *rep;
	policy_principal_t *access;
	uint8_t wrapped[CRYPTO_WRAPPED_LEN], kek_id[CRYPTO_KEK_ID_LEN];
	upload_t *u = NULL;
	transfer_t *x;
	doc_t d = { 0 };
	lineage_t lin = { 0 };
	const char *base;
	uint64_t chunk = (uint64_t)w->env->cfg->chunk;
	int rc;

	if (pb->size > (uint64_t)w->env->cfg->max_document) {
		job_error(j, ISA__STATUS__TOO_LARGE, "the document is %llu "
		    "bytes; this deployment takes at most %lld",
		    (unsigned long long)pb->size,
		    (long long)w->env->cfg->max_document);
		return;
	}
	access = job_alloc(j, sizeof(*access) * (m->n_to + 1));
	if (!put_check(w, j, m, &d, access, &lin))
		return;
	/* The caps first: nothing is kept for a refused upload. */
	if ((rc = transfers_add(w->transfers, TRANSFER_UPLOAD, j, w->index,
	    &x)) != 0) {
		docs_transfer_refused(w, j, rc);
		return;
	}
	x->data_free = upload_free;
	if ((x->data = u = calloc(1, sizeof(*u))) == NULL ||
	    (u->sha = sha256_new()) == NULL) {
		transfers_drop(w->transfers, x);
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return;
	}
	if ((rc = crypto_dek_new(&u->dek)) != 0) {
		transfers_drop(w->transfers, x);
		docs_secmem_refused(j, rc, "make a data key");
		return;
	}
	if (crypto_random(x->doc, DOCID_LEN) != 0) {
		transfers_drop(w->transfers, x);
		job_error(j, ISA__STATUS__INTERNAL, "isad has no randomness");
		return;
	}
	x->size = pb->size;
	x->chunk_size = (uint32_t)chunk;
	x->chunks = pb->size == 0 ? 1 : (pb->size + chunk - 1) / chunk;
	if ((x->marking = strdup(doc_marking_line(j, &d))) == NULL) {
		transfers_drop(w->transfers, x);
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return;
	}

	rec.id.data = x->doc;
	rec.id.len = DOCID_LEN;
	rec.classification = (char *)policy_classification_name(
	    d.view.marking.classification);
	rec.descriptors = m->descriptors;
	rec.n_descriptors = m->n_descriptors;
	rec.caveats = m->caveats;
	rec.n_caveats = m->n_caveats;
	rec.onward = (char *)policy_onward_name(d.view.marking.onward);
	rec.has_handling = d.view.marking.has_handling;
	rec.embargo_until = d.view.marking.embargo ?
	    d.view.marking.embargo_until : 0;
	rec.originator = (char *)policy_agency_id_at(j->policy,
	    (size_t)d.view.originator);
	/* The uploader is the author unless ingesting for another agency. */
	rec.author = policy_user_agency(j->subject) ==
	    (uint32_t)d.view.originator ? j->user : (char *)"";
	rec.ingested_by = j->user;
	rec.created = j->now;
	rec.review_by = m->review_by;
	rec.destroy_after = m->destroy_after;
	rec.access = m->to;
	rec.n_access = m->n_to;
	records_doc_set_state(&rec, DOC_ACTIVE);
	if (lin.has_parent) {
		rec.parent.data = lin.parent;
		rec.parent.len = DOCID_LEN;
	}
	if (lin.has_supersedes) {
		rec.supersedes.data = lin.supersedes;
		rec.supersedes.len = DOCID_LEN;
	}
	rec.chunks = x->chunks;
	rec.chunk_size = x->chunk_size;
	if ((rc = keys_wrap_dek(w->env->keys, u->dek, wrapped, kek_id)) != 0) {
		transfers_drop(w->transfers, x);
		docs_secmem_refused(j, rc, "wrap a data key");
		return;
	}
	rec.wrapped_dek.data = wrapped;
	rec.wrapped_dek.len = sizeof(wrapped);
	rec.kek_id.data = kek_id;
	rec.kek_id.len = sizeof(kek_id);
	base = strrchr(m->filename, '/');
	base = base != NULL ? base + 1 : m->filename;
	if (!doc_seal_text(j, u->dek, x->doc, DOC_FIELD_TITLE, m->title,
	    &rec.title_sealed) ||
	    !doc_seal_text(j, u->dek, x->doc, DOC_FIELD_HANDLING, m->handling,
	    &rec.handling_sealed) ||
	    !doc_seal_text(j, u->dek, x->doc, DOC_FIELD_FILENAME, base,
	    &rec.filename_sealed)) {
		transfers_drop(w->transfers, x);
		return;
	}
	if (records_doc_encode(&rec, &u->record, &u->record_len) != 0) {
		transfers_drop(w->transfers, x);
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return;
	}

	rep = job_alloc(j, sizeof(*rep));
	isa__put_begin_reply__init(rep);
	rep->transfer.data = job_alloc(j, TRANSFER_ID_LEN);
	memcpy(rep->transfer.data, x->id, TRANSFER_ID_LEN);
	rep->transfer.len = TRANSFER_ID_LEN;
	rep->chunk_size = x->chunk_size;
	rep->credit = UPLOAD_CREDIT;
	j->audit.write = false;	/* the upload's one record comes at its end */
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_PUT_BEGIN_REPLY;
	j->resp.put_begin_reply = rep;
}

/* The staged chunk a job carries to the writer. */
typedef struct {
	uint8_t doc[DOCID_LEN];
	uint64_t index;
	uint8_t *sealed;
	size_t len;
} staged_t;

static void
staged_free(void *p)
{
	staged_t *s = p;

	if (s != NULL)
		transfer_held_free(s->sealed);
	free(s);
}

static int
put_chunk_apply(store_txn_t *txn, writer_op_t *op)
{
	job_t *j = (job_t *)(void *)op;
	staged_t *s = j->state;

	return records_chunk_put(txn, s->doc, s->index, s->sealed, s->len);
}

void
docs_put_chunk(worker_ctx_t *w, job_t *j)
{
	const Isa__PutChunk *pc = j->req->put_chunk;
	transfer_t *x = transfers_find(w->transfers, pc->transfer.data,
	    pc->transfer.len, TRANSFER_UPLOAD, j);
	upload_t *u;
	uint64_t want;
	size_t len = j->has_content ? zmq_msg_size(&j->content) : 0;
	const uint8_t *data = j->has_content ? zmq_msg_data(&j->content) :
	    (const uint8_t *)"";
	Isa__PutChunkReply *rep;
	staged_t *s;
	bool final;
	int rc;

	if (x == NULL) {
		docs_transfer_missing(w, j, &pc->transfer, "upload");
		return;
	}
	u = x->data;
	/* Chunks the client sent after one that must wait for room wait too:
	 * it sends them again once that one is taken. */
	if (x->waiting && pc->index > x->next && pc->index < x->chunks) {
		docs_budget_wait(j, false);
		return;
	}
	if (pc->index != x->next) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "chunk %llu arrived; "
		    "chunk %llu was expected", (unsigned long long)pc->index,
		    (unsigned long long)x->next);
		return;
	}
	if (x->next >= x->chunks) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "more content than the "
		    "%llu bytes announced", (unsigned long long)x->size);
		return;
	}
	final = x->next + 1 == x->chunks;
	want = final ? x->size - x->next * x->chunk_size : x->chunk_size;
	if (len != want) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "chunk %llu is %zu bytes; "
		    "%llu were expected (did the file change while it was "
		    "sent?)", (unsigned long long)pc->index, len,
		    (unsigned long long)want);
		return;
	}
	/* What a client may make isad hold before its chunks are written:
	 * its credit (and as much again), and within limits.content_queued
	 * for everyone and limits.content_queued_per_user for its user. */
	if (transfer_frames_queued(x) >= 2 * UPLOAD_CREDIT) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "more than %d chunks "
		    "were sent before the earlier ones were acknowledged: wait "
		    "for the replies (the credit is %d)", 2 * UPLOAD_CREDIT,
		    UPLOAD_CREDIT);
		return;
	}
	/* No room: back-pressure, the upload stays where it is and the
	 * client sends this chunk again after retry_ms. */
	if ((x->waiting = !docs_budget_ok(w, j, len + CRYPTO_TAG_LEN)))
		return;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->sealed = transfer_held_new(x, len + CRYPTO_TAG_LEN)) == NULL) {
		staged_free(s);
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return;
	}
	memcpy(s->doc, x->doc, DOCID_LEN);
	s->index = x->next;
	s->len = len + CRYPTO_TAG_LEN;
	/* Only for want of memory; the chunk may be sent again. */
	if ((rc = crypto_chunk_seal(u->dek, x->doc, x->next, final, data, len,
	    s->sealed)) != 0) {
		staged_free(s);
		docs_secmem_refused(j, rc, "seal a chunk");
		return;
	}
	sha256_update(u->sha, data, len);
	x->next++;
	if (j->has_content) {	/* sealed: the plaintext need not wait */
		zmq_msg_close(&j->content);
		j->has_content = false;
	}
	j->state = s;
	j->state_free = staged_free;
	j->change = put_chunk_apply;
	j->audit.write = false;	/* the transfer's record comes at its end */

	rep = job_alloc(j, sizeof(*rep));
	isa__put_chunk_reply__init(rep);
	rep->index = pc->index;
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_PUT_CHUNK_REPLY;
	j->resp.put_chunk_reply = rep;
}

/* What put_end hands to the writer. */
typedef struct {
	uint8_t doc[DOCID_LEN];
	uint8_t sha[SHA256_LEN];
	uint8_t *record;
	size_t record_len;
	classification_t accreditation;
	uint64_t chunks;	/* how many were acknowledged */
	keys_t *keys;		/* the master key in use now, */
	uint8_t kek_id[CRYPTO_KEK_ID_LEN];	/* and the one the record has */
} finish_t;

static void
finish_free(void *p)
{
	finish_t *f = p;

	if (f != NULL)
		free(f->record);
	free(f);
}

/* New material: an inbox entry for everyone on the list who could read
 * it, but the uploader; under an embargo, from the sweep that runs when it
 * lifts (DESIGN §5). */
static int
new_material(job_t *j, store_txn_t *txn, const finish_t *f)
{
	inbox_entry_t e = { 0 };
	doc_t d;
	int rc;

	if ((rc = doc_from_bytes(j, f->record, f->record_len, &d)) != 0)
		return rc;
	if (d.rec->embargo_until > d.rec->created) {
		doc_release(&d);
		return 0;
	}
	e.kind = INBOX_NEW;
	e.doc = f->doc;
	e.actor = j->user;
	e.time = j->now;
	rc = inbox_to_readers(txn, j->policy, &d.view, NULL, j->subject, &e,
	    j->now);
	doc_release(&d);
	return rc;
}

/* For docindex_same_content: one document already holding the content. */
typedef struct {
	job_t *j;
	store_txn_t *txn;
	const finish_t *f;
} same_t;

/* 0 when the upload may go on past document id (not active, or the
 * uploader may grant on it); 1 when refused (j's reply set); ISA_ERR_*. */
static int
same_content(void *arg, const uint8_t *id)
{
	same_t *s = arg;
	doc_t held, mine;
	policy_args_t args = { 0 };
	policy_decision_t dec;
	bool ok;
	int rc;

	/* Damaged (logged) or gone: held by nobody. */
	if ((rc = doc_load(s->j, s->txn, id, &held)) != 0)
		return rc == ISA_ERR_NOTFOUND || rc == ISA_ERR_PARSE ? 0 : rc;
	ok = held.view.state != DOC_ACTIVE;
	if (!ok && doc_from_bytes(s->j, s->f->record, s->f->record_len,
	    &mine) == 0) {
		args.accreditation = s->f->accreditation;
		args.same_content = &held.view;
		ok = doc_decide(s->j, POLICY_ACTION_UPLOAD, &mine, &args, &dec);
		doc_release(&mine);
	}
	doc_release(&held);
	return ok ? 0 : 1;
}

/* The new document in its indexes (docindex.h), marking its line. */
static int
index_doc(store_txn_t *txn, const finish_t *f, const char *marking)
{
	Isad__StoredDoc *r;
	int rc;

	if ((rc = records_doc_decode(f->record, f->record_len, &r)) != 0)
		return rc;
	rc = docindex_add_doc(txn, r, marking);
	if (rc == 0)
		rc = dateindex_sync(txn, r);	/* retention, review, embargo */
	records_doc_free(r);
	return rc;
}

/*
 * In the writer, so that no other upload of the same content can slip in
 * between the check and the commit: every chunk is staged (one whose
 * commit failed is not, though the client may have gone on), rule 6(f),
 * then the record goes live.
 */
static int
put_end_apply(store_txn_t *txn, writer_op_t *op)
{
	job_t *j = (job_t *)(void *)op;
	finish_t *f = j->state;
	uint64_t staged;
	same_t same;
	uint8_t now[CRYPTO_KEK_ID_LEN];
	int rc;

	if ((rc = records_chunk_count(txn, f->doc, &staged)) < 0)
		return rc;
	keys_kek_id(f->keys, now);
	if (memcmp(now, f->kek_id, sizeof(now)) != 0) {
		/* Rekeyed since put_begin wrapped its data key. */
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad changed its master "
		    "key during the upload: nothing was stored; start again");
		return records_chunk_del_all(txn, f->doc);
	}
	if (staged != f->chunks) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "%llu of the upload's "
		    "%llu chunks could not be stored (isad could not record "
		    "them when they came): nothing was stored; start again",
		    (unsigned long long)(f->chunks - staged),
		    (unsigned long long)f->chunks);
		return records_chunk_del_all(txn, f->doc);
	}
	/* Rule 6(f): refused while any active document holds these bytes,
	 * unless the uploader may grant on every one of them. */
	same.j = j;
	same.txn = txn;
	same.f = f;
	if ((rc = docindex_same_content(txn, f->sha, same_content, &same)) < 0)
		return rc;
	if (rc != 0) {
		/* Refused: the staged chunks go, nothing else changes. */
		if (!job_failed(j))
			job_error(j, ISA__STATUS__CONFLICT,
			    "this content is already held");
		return records_chunk_del_all(txn, f->doc);
	}
	if ((rc = records_doc_put_encoded(txn, f->doc, f->record,
	    f->record_len)) != 0 || (rc = records_chunk_done(txn, f->doc)) != 0 ||
	    (rc = index_doc(txn, f, j->audit.marking)) != 0)
		return rc;
	return new_material(j, txn, f);
}

void
docs_put_end(worker_ctx_t *w, job_t *j)
{
	const Isa__PutEnd *pe = j->req->put_end;
	transfer_t *x = transfers_find(w->transfers, pe->transfer.data,
	    pe->transfer.len, TRANSFER_UPLOAD, j);
	Isad__StoredDoc *rec;
	Isa__PutEndReply *rep;
	upload_t *u;
	finish_t *f;
	doc_t d;

	if (x == NULL) {
		docs_transfer_missing(w, j, &pe->transfer, "upload");
		return;
	}
	u = x->data;
	if (x->next != x->chunks) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "the upload is truncated: "
		    "%llu of %llu chunks arrived; nothing was stored",
		    (unsigned long long)x->next, (unsigned long long)x->chunks);
		docs_upload_abandon(w, j, x, "truncated");
		return;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return;
	}
	memcpy(f->doc, x->doc, DOCID_LEN);
	f->accreditation = w->env->accreditation;
	f->chunks = x->chunks;
	sha256_final(u->sha, f->sha);
	memcpy(j->audit.sha, f->sha, SHA256_LEN);
	j->audit.has_sha = true;
	if (pe->sha256.len != SHA256_LEN ||
	    !isa_ct_equal(pe->sha256.data, f->sha, SHA256_LEN)) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "the content's SHA-256 is "
		    "not what the client computed: it was damaged on the way; "
		    "nothing was stored");
		finish_free(f);
		docs_upload_abandon(w, j, x, "sha256_mismatch");
		return;
	}
	if (records_doc_decode(u->record, u->record_len, &rec) != 0 ||
	    rec->kek_id.len != CRYPTO_KEK_ID_LEN) {
		/* We packed it ourselves: only out of memory gets here. */
		records_doc_free(rec);
		finish_free(f);
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		docs_upload_abandon(w, j, x, "internal");
		return;
	}
	f->keys = w->env->keys;
	memcpy(f->kek_id, rec->kek_id.data, CRYPTO_KEK_ID_LEN);
	rec->size = x->size;
	rec->sha256.data = f->sha;
	rec->sha256.len = SHA256_LEN;
	if (records_doc_encode(rec, &f->record, &f->record_len) != 0) {
		rec->sha256.data = NULL;
		rec->sha256.len = 0;
		records_doc_free(rec);
		finish_free(f);
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return;
	}
	rec->sha256.data = NULL;	/* f's, not the unpacked message's */
	rec->sha256.len = 0;
	records_doc_free(rec);

	rep = job_alloc(j, sizeof(*rep));
	isa__put_end_reply__init(rep);
	if (doc_from_bytes(j, f->record, f->record_len, &d) != 0) {
		finish_free(f);	/* as above: only out of memory */
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		docs_upload_abandon(w, j, x, "internal");
		return;
	}
	rep->meta = job_alloc(j, sizeof(*rep->meta));
	isa__doc_meta__init(rep->meta);
	rep->meta->id = job_strdup(j, d.idtext);
	rep->meta->marking = (char *)doc_marking_line(j, &d);
	j->audit.doc = rep->meta->id;
	j->audit.marking = rep->meta->marking;
	rep->meta->size = x->size;
	doc_release(&d);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_PUT_END_REPLY;
	j->resp.put_end_reply = rep;
	j->state = f;
	j->state_free = finish_free;
	j->change = put_end_apply;
	j->notifies = true;
	transfers_drop(w->transfers, x);
}
