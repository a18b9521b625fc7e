/* share.c: onward sharing (rule 7): isa share, requests, approve, refuse; and recall (rule 9). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/keys/crypto.h"
#include "daemon/store/dateindex.h"
#include "daemon/store/docindex.h"
#include "daemon/store/reqindex.h"
#include "daemon/docs/docview.h"
#include "daemon/keys/keys.h"
#include "daemon/store/records.h"
#include "daemon/docs/inbox.h"
#include "daemon/docs/mayknow.h"
#include "daemon/docs/share.h"
#include "proto/docid.h"

#define REASON_MAX	2000	/* bytes of a reason */
#define REQUESTS_MAX	1000	/* requests one listing shows */

/* What a permitted change carries to the writer (owned by the job). */
typedef struct {
	uint8_t doc[DOCID_LEN];
	uint8_t req[DOCID_LEN];
	uint8_t *record;		/* StoredRequest, packed */
	size_t record_len;
	bool grant;			/* share: grant now, else file */
	bool approve;			/* decide: approve, else refuse */
	ProtobufCBinaryData sealed;	/* decide: a refusal's reason; recall: its reason */
	Isa__Envelope reply;		/* the reply as the worker made it */
	const char *reason;		/* ... and its audit reason */
	bool kept;
} change_t;

/*
 * At the start of every apply: a batch that is tried again must start from
 * the reply the worker made, not from an error an earlier try set.
 */
static void
change_restart(job_t *j, change_t *c)
{
	if (!c->kept) {
		c->reply = j->resp;
		c->reason = j->audit.reason;
		c->kept = true;
	} else {
		j->resp = c->reply;
		j->audit.reason = c->reason;
	}
}

static void
change_free(void *p)
{
	change_t *c = p;

	if (c != NULL)
		free(c->record);
	free(c);
}

static change_t *
change_new(job_t *j)
{
	change_t *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return NULL;
	}
	j->state = c;
	j->state_free = change_free;
	return c;
}

static bool
reason_ok(job_t *j, const char *reason, const char *what)
{
	if (reason[0] == '\0') {
		job_error(j, ISA__STATUS__BAD_REQUEST, "%s needs a reason "
		    "(--reason TEXT)", what);
		return false;
	}
	if (strlen(reason) > REASON_MAX) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "a reason is at most %d "
		    "bytes", REASON_MAX);
		return false;
	}
	return true;
}

/* ---- In the writer ---- */

/* The document as it is in txn, or NULL with j's reply set (GONE). */
static Isad__StoredDoc *
live_doc(job_t *j, store_txn_t *txn, const uint8_t *id, int *rc)
{
	Isad__StoredDoc *r;
	doc_state_t st;
	char idtext[DOCID_TEXT_LEN + 1];

	if ((*rc = records_doc_get(txn, id, &r)) != 0)
		return NULL;
	if ((st = records_doc_state(r)) != DOC_ACTIVE) {
		docid_format(id, idtext);
		job_error(j, ISA__STATUS__GONE, "document %s was %s meanwhile",
		    idtext, records_doc_state_name(st));
		j->audit.reason = st == DOC_DESTROYED ? "destroyed" : "recalled";
		records_doc_free(r);
		return NULL;
	}
	return r;
}

/* r, as document r->id, in txn. */
static int
put_doc(store_txn_t *txn, const Isad__StoredDoc *r)
{
	return records_doc_put(txn, r->id.data, r);
}

/*
 * Add target to document id's access list (once) and tell who should know:
 * the target's members who could read it (new material), the Chair and the
 * administrators (an oversight notice), and the requester when someone
 * else approved.  j->user is the one granting.
 */
static int
grant(job_t *j, store_txn_t *txn, const uint8_t *id, const uint8_t *req,
    const char *target, const char *requester)
{
	inbox_entry_t e = { 0 };
	policy_principal_t pr;
	Isad__StoredDoc *r;
	bool have = false;
	char **acc;
	doc_t d;
	int rc;

	if ((r = live_doc(j, txn, id, &rc)) == NULL)
		return rc;
	for (size_t i = 0; i < r->n_access; i++)
		have = have || strcmp(r->access[i], target) == 0;
	if (!have) {
		acc = job_alloc(j, sizeof(*acc) * (r->n_access + 1));
		memcpy(acc, r->access, sizeof(*acc) * r->n_access);
		acc[r->n_access] = (char *)target;
		/* The unpacked message owns its array: swap ours in to pack,
		 * then back. */
		{
			char **old = r->access;

			r->access = acc;
			r->n_access++;
			rc = put_doc(txn, r);
			r->n_access--;
			r->access = old;
		}
		if (rc != 0 || (rc = docindex_add_access(txn, r, target)) != 0)
			goto out;
	}
	if ((rc = doc_load(j, txn, id, &d)) != 0)
		goto out;
	e.doc = id;
	e.request = req;
	e.actor = j->user;
	e.requester = requester;
	e.target = target;
	e.time = j->now;
	e.kind = INBOX_NEW;
	if (policy_principal_resolve(j->policy, target, &pr) == 0 &&
	    (rc = inbox_to_readers(txn, j->policy, &d.view, &pr, j->subject,
	    &e, j->now)) != 0)
		goto released;
	e.kind = INBOX_NOTICE;
	if ((rc = inbox_to_roles(txn, j->policy, ROLE_CHAIR | ROLE_ADMIN,
	    NULL, &e)) != 0)
		goto released;
	if (strcmp(requester, j->user) != 0) {
		e.kind = INBOX_DECIDED;
		e.state = records_request_state_name(REQUEST_APPROVED);
		rc = inbox_add(txn, requester, &e);
	}
released:
	doc_release(&d);
out:
	records_doc_free(r);
	return rc;
}

/* The request c stored: who may see it (docindex.h). */
static int
index_request(store_txn_t *txn, const change_t *c, const char *marking)
{
	Isad__StoredRequest *q;
	Isad__StoredDoc *r = NULL;
	int rc;

	if ((rc = records_request_decode(c->record, c->record_len, &q)) != 0)
		return rc;
	if ((rc = records_doc_get(txn, c->doc, &r)) == 0)
		rc = reqindex_add(txn, q, r, marking);
	records_doc_free(r);
	records_request_free(q);
	return rc;
}

static int
share_apply(store_txn_t *txn, writer_op_t *op)
{
	job_t *j = (job_t *)(void *)op;
	change_t *c = j->state;
	Isad__StoredRequest *q;
	inbox_entry_t e = { 0 };
	doc_t d;
	int rc;

	change_restart(j, c);
	if (c->grant) {
		if ((rc = records_request_decode(c->record, c->record_len, &q))
		    != 0)
			return rc;
		rc = grant(j, txn, c->doc, c->req, q->target, j->user);
		records_request_free(q);
		if (rc != 0 || job_failed(j))
			return rc;
	}
	if ((rc = records_request_put_encoded(txn, c->req, c->record,
	    c->record_len)) != 0 ||
	    (rc = index_request(txn, c, j->audit.marking)) != 0 || c->grant)
		return rc;
	/* Filed: whoever may decide hears of it. */
	if ((rc = doc_load(j, txn, c->doc, &d)) != 0)
		return rc;
	e.kind = INBOX_REQUEST;
	e.doc = c->doc;
	e.request = c->req;
	e.requester = j->user;
	e.target = j->audit.target;
	e.time = j->now;
	rc = inbox_to_deciders(txn, j->policy, &d.view, &e);
	doc_release(&d);
	return rc;
}

static int
decide_apply(store_txn_t *txn, writer_op_t *op)
{
	job_t *j = (job_t *)(void *)op;
	change_t *c = j->state;
	Isad__StoredRequest *q;
	inbox_entry_t e = { 0 };
	int rc;

	change_restart(j, c);
	if ((rc = records_request_get(txn, c->req, &q)) != 0)
		return rc;
	if (records_request_state(q) != REQUEST_PENDING) {
		char idtext[DOCID_TEXT_LEN + 1];

		/* Decided by someone else since we looked. */
		docid_format(c->req, idtext);
		job_error(j, ISA__STATUS__CONFLICT, "request %s was already "
		    "%s by %s", idtext,
		    records_request_state_name(records_request_state(q)),
		    q->decided_by);
		j->audit.reason = "request_decided";
		records_request_free(q);
		return 0;
	}
	if (c->approve) {
		rc = grant(j, txn, c->doc, c->req, q->target, q->requester);
		if (rc != 0 || job_failed(j))
			goto out;
	} else {
		e.kind = INBOX_DECIDED;
		e.doc = c->doc;
		e.request = c->req;
		e.actor = j->user;
		e.requester = q->requester;
		e.target = q->target;
		e.state = records_request_state_name(REQUEST_REFUSED);
		e.time = j->now;
		if ((rc = inbox_add(txn, q->requester, &e)) != 0)
			goto out;
	}
	{
		char *old_state = q->state, *old_by = q->decided_by;
		ProtobufCBinaryData old_reason = q->decision_reason_sealed;

		records_request_set_state(q, c->approve ? REQUEST_APPROVED :
		    REQUEST_REFUSED);
		q->decided_by = j->user;
		q->decided = j->now;
		q->decision_reason_sealed = c->sealed;
		rc = records_request_put(txn, c->req, q);
		if (rc == 0)
			rc = reqindex_set_state(txn, q);
		q->state = old_state;
		q->decided_by = old_by;
		q->decision_reason_sealed = old_reason;
	}
out:
	records_request_free(q);
	return rc;
}

static int
recall_apply(store_txn_t *txn, writer_op_t *op)
{
	job_t *j = (job_t *)(void *)op;
	change_t *c = j->state;
	inbox_entry_t e = { 0 };
	Isad__StoredDoc *r;
	doc_t d;
	int rc;

	change_restart(j, c);
	if ((r = live_doc(j, txn, c->doc, &rc)) == NULL)
		return rc;
	/* Tell everyone who could read it, as it stood. */
	if ((rc = doc_load(j, txn, c->doc, &d)) != 0)
		goto out;
	e.kind = INBOX_RECALLED;
	e.doc = c->doc;
	e.actor = j->user;
	e.time = j->now;
	rc = inbox_to_readers(txn, j->policy, &d.view, NULL, j->subject, &e,
	    j->now);
	doc_release(&d);
	if (rc != 0)
		goto out;
	{
		char *old_state = r->state, *old_by = r->recalled_by;
		ProtobufCBinaryData old_reason = r->recall_reason_sealed;

		records_doc_set_state(r, DOC_RECALLED);
		r->recalled_by = j->user;
		r->recalled = j->now;
		r->recall_reason_sealed = c->sealed;
		rc = put_doc(txn, r);
		if (rc == 0)
			rc = docindex_set_state(txn, r);
		if (rc == 0)	/* only its destroy-after is still due */
			rc = dateindex_sync(txn, r);
		r->state = old_state;
		r->recalled_by = old_by;
		r->recall_reason_sealed = old_reason;
	}
out:
	records_doc_free(r);
	return rc;
}

/* ---- In a worker ---- */

/* Open document idtext for j (its marking on the record where it
 * exists); false with j's reply set when it cannot be read at all. */
static bool
open_doc(worker_ctx_t *w, job_t *j, const char *idtext, doc_t *d)
{
	store_txn_t *t;
	int rc;

	if ((t = doc_read_begin(w, j)) == NULL)
		return false;
	rc = doc_open(j, t, idtext, d);
	store_txn_abort(t);
	if (rc != 0) {
		job_error(j, rc == ISA_ERR_PARSE ? ISA__STATUS__BAD_REQUEST :
		    ISA__STATUS__UNAVAILABLE, rc == ISA_ERR_PARSE ?
		    "\"%s\" is not a document id" : "isad cannot read its "
		    "store right now; try again later (%s)", idtext);
		return false;
	}
	j->audit.marking = d->rec != NULL ? doc_marking_line(j, d) : d->marking;
	return true;
}

/* Pack q into c->record. */
static bool
pack_request(job_t *j, change_t *c, const Isad__StoredRequest *q)
{
	if (records_request_encode(q, &c->record, &c->record_len) != 0) {
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return false;
	}
	return true;
}

void
share_share(worker_ctx_t *w, job_t *j)
{
	const Isa__ShareRequest *sr = j->req->share;
	Isad__StoredRequest q = ISAD__STORED_REQUEST__INIT;
	policy_args_t args = { 0 };
	policy_decision_t dec;
	Isa__ShareReply *rep;
	crypto_dek_t *dek;
	change_t *c;
	char idtext[DOCID_TEXT_LEN + 1];
	doc_t d;
	int rc;

	j->audit.doc = job_strdup(j, sr->id);
	j->audit.target = job_strdup(j, sr->to);
	if (!reason_ok(j, sr->reason, "a share"))
		return;
	rc = policy_principal_resolve(j->policy, sr->to, &args.target);
	if (rc != 0) {
		job_error(j, ISA__STATUS__BAD_REQUEST, rc == ISA_ERR_PARSE ?
		    "\"%s\" is not a principal: use user:ID, agency:ID, "
		    "group:ID or all" : "\"%s\" names nobody enrolled", sr->to);
		j->audit.reason = "target";
		return;
	}
	if (!open_doc(w, j, sr->id, &d))
		return;
	if (!doc_decide(j, POLICY_ACTION_SHARE, &d, &args, &dec)) {
		doc_release(&d);
		return;
	}
	if ((c = change_new(j)) == NULL || (dek = doc_dek(j, w->env, &d))
	    == NULL) {
		doc_release(&d);
		return;
	}
	memcpy(c->doc, d.rec->id.data, DOCID_LEN);
	if (crypto_random(c->req, DOCID_LEN) != 0)
		abort();	/* crypto_init succeeded at start */
	c->grant = dec.share == POLICY_SHARE_GRANT;
	q.id.data = c->req;
	q.id.len = DOCID_LEN;
	q.doc.data = c->doc;
	q.doc.len = DOCID_LEN;
	q.requester = j->user;
	q.target = (char *)sr->to;
	if (!doc_seal_text(j, dek, c->doc, DOC_FIELD_REQUEST(c->req, false),
	    sr->reason, &q.reason_sealed)) {
		crypto_dek_free(dek);
		doc_release(&d);
		return;
	}
	crypto_dek_free(dek);
	records_request_set_state(&q, c->grant ? REQUEST_APPROVED :
	    REQUEST_PENDING);
	q.created = j->now;
	if (c->grant) {
		q.decided_by = j->user;
		q.decided = j->now;
	}
	doc_release(&d);
	if (!pack_request(j, c, &q))
		return;
	docid_format(c->req, idtext);
	rep = job_alloc(j, sizeof(*rep));
	isa__share_reply__init(rep);
	rep->granted = c->grant;
	rep->request = job_strdup(j, idtext);
	j->audit.reason = c->grant ? "granted" : "request_filed";
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_SHARE_REPLY;
	j->resp.share_reply = rep;
	j->change = share_apply;
	j->notifies = true;
}

/* A request as a reader sees it; its reasons opened with dek (or NULL). */
static Isa__RequestInfo *
request_info(job_t *j, const Isad__StoredRequest *q, const doc_t *d,
    crypto_dek_t *dek)
{
	Isa__RequestInfo *ri = job_alloc(j, sizeof(*ri));
	char idtext[DOCID_TEXT_LEN + 1], t[TIMEFMT_LEN];
	char *reason = NULL;

	isa__request_info__init(ri);
	docid_format(q->id.data, idtext);
	ri->id = job_strdup(j, idtext);
	ri->doc = job_strdup(j, d->idtext);
	ri->marking = (char *)doc_marking_line(j, d);
	ri->requester = job_strdup(j, q->requester);
	ri->target = job_strdup(j, q->target);
	if (dek != NULL)
		reason = doc_open_text(j, dek, d->rec->id.data,
		    DOC_FIELD_REQUEST(q->id.data, false), &q->reason_sealed);
	ri->reason = reason != NULL ? reason : job_strdup(j, "");
	ri->state = job_strdup(j,
	    records_request_state_name(records_request_state(q)));
	timefmt_format_ms(q->created * 1000, t);
	ri->created = job_strdup(j, t);
	ri->decided_by = job_strdup(j, q->decided_by);
	if (q->decided != 0) {
		timefmt_format_ms(q->decided * 1000, t);
		ri->decided = job_strdup(j, t);
	} else
		ri->decided = job_strdup(j, "");
	reason = NULL;
	if (dek != NULL && q->decision_reason_sealed.len > 0)
		reason = doc_open_text(j, dek, d->rec->id.data,
		    DOC_FIELD_REQUEST(q->id.data, true),
		    &q->decision_reason_sealed);
	ri->decision_reason = reason != NULL ? reason : job_strdup(j, "");
	return ri;
}

/*
 * Open request idtext in t, and its document: *q is NULL (and d the dummy)
 * for an id that names no request, so the decision takes one path, and for
 * one the subject may not see (then d->marking and *hidden_target, when
 * not NULL, hold its marking and target for the audit record).
 * Returns 0, ISA_ERR_PARSE (not an id) or a store error.
 */
static int
request_open(job_t *j, store_txn_t *t, const char *idtext,
    Isad__StoredRequest **q, doc_t *d, policy_request_t *rq,
    char *canon, const char **hidden_target)
{
	uint8_t id[DOCID_LEN];
	char docid[DOCID_TEXT_LEN + 1];
	int rc;

	*q = NULL;
	memset(d, 0, sizeof(*d));
	if (docid_parse(idtext, id) != 0)
		return ISA_ERR_PARSE;
	docid_format(id, canon);
	/* §5, timing included: a request the subject may not see is not
	 * read; answered from the dummy as for one that does not exist
	 * (its target and marking fetched for the audit record, one lookup
	 * whether it exists or not). */
	if (!doc_may_see_request(t, j->policy, j->subject, id)) {
		const char *target = NULL, *marking = NULL, *tp, *mp;
		size_t tl, ml;

		if (reqindex_marks(t, id, &tp, &tl, &mp, &ml)) {
			target = job_strndup(j, tp, tl);
			marking = job_strndup(j, mp, ml);
		}
		policy_request_dummy(rq, canon);
		docid_format(id, d->idtext);
		policy_doc_dummy(&d->view, d->idtext);
		d->marking = marking;
		if (hidden_target != NULL)
			*hidden_target = target;
		return 0;
	}
	if ((rc = records_request_get(t, id, q)) == ISA_ERR_PARSE) {
		log_warnx("share request %s is damaged", canon);
		rc = 0;
	}
	if (*q == NULL || (*q)->doc.len != DOCID_LEN) {
		if (rc != 0 && rc != ISA_ERR_NOTFOUND)
			return rc;
		records_request_free(*q);
		*q = NULL;
		policy_request_dummy(rq, canon);
		docid_format(id, d->idtext);
		policy_doc_dummy(&d->view, d->idtext);
		return 0;
	}
	docid_format((*q)->doc.data, docid);
	/* Who sees the request sees its document's record (its deciders
	 * decide on it; rule 2 is theirs to pass in policy_decide). */
	if ((rc = doc_open_any(j, t, docid, d)) != 0) {
		records_request_free(*q);
		*q = NULL;
		return rc;
	}
	memset(rq, 0, sizeof(*rq));
	rq->id = canon;
	rq->exists = true;
	rq->requester = policy_user_by_id(j->policy, (*q)->requester);
	if (policy_principal_resolve(j->policy, (*q)->target, &rq->target) !=
	    0)
		rq->target.kind = PRINCIPAL_NONE;
	rq->state = records_request_state(*q);
	return 0;
}

void
share_decide(worker_ctx_t *w, job_t *j)
{
	const Isa__DecideRequest *dr = j->req->decide;
	policy_args_t args = { 0 };
	policy_decision_t dec;
	policy_request_t rq;
	Isad__StoredRequest *q;
	Isa__DecideReply *rep;
	crypto_dek_t *dek;
	const char *target = NULL;
	store_txn_t *t;
	change_t *c;
	char canon[DOCID_TEXT_LEN + 1];
	doc_t d;
	int rc;

	j->audit.doc = job_printf(j, "request:%s", dr->id);
	if (!dr->approve && !reason_ok(j, dr->reason, "a refusal"))
		return;
	if ((t = doc_read_begin(w, j)) == NULL)
		return;
	rc = request_open(j, t, dr->id, &q, &d, &rq, canon, &target);
	store_txn_abort(t);
	if (rc == ISA_ERR_PARSE) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "\"%s\" is not a "
		    "request id", dr->id);
		return;
	}
	if (rc != 0) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad cannot read its "
		    "store right now; try again later");
		return;
	}
	if (q != NULL) {
		j->audit.target = job_strdup(j, q->target);
		if (d.rec != NULL)
			j->audit.marking = doc_marking_line(j, &d);
	} else {
		j->audit.marking = d.marking;
		if (target != NULL)
			j->audit.target = target;
	}
	args.request = &rq;
	if (!doc_decide(j, dr->approve ? POLICY_ACTION_APPROVE :
	    POLICY_ACTION_REFUSE, &d, &args, &dec) ||
	    (c = change_new(j)) == NULL || (dek = doc_dek(j, w->env, &d)) ==
	    NULL) {
		records_request_free(q);
		doc_release(&d);
		return;
	}
	memcpy(c->doc, d.rec->id.data, DOCID_LEN);
	memcpy(c->req, q->id.data, DOCID_LEN);
	c->approve = dr->approve;
	if (!dr->approve && !doc_seal_text(j, dek, c->doc,
	    DOC_FIELD_REQUEST(c->req, true), dr->reason, &c->sealed)) {
		crypto_dek_free(dek);
		records_request_free(q);
		doc_release(&d);
		return;
	}
	rep = job_alloc(j, sizeof(*rep));
	isa__decide_reply__init(rep);
	rep->request = request_info(j, q, &d, dek);
	rep->request->state = job_strdup(j, records_request_state_name(
	    dr->approve ? REQUEST_APPROVED : REQUEST_REFUSED));
	rep->request->decided_by = job_strdup(j, j->user);
	crypto_dek_free(dek);
	records_request_free(q);
	doc_release(&d);
	j->audit.reason = dr->approve ? "approved" : "refused";
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_DECIDE_REPLY;
	j->resp.decide_reply = rep;
	j->change = decide_apply;
	j->notifies = true;
}

typedef struct {
	job_t *j;
	worker_ctx_t *w;
	store_txn_t *t;
	bool all;
	Isa__RequestsReply *rep;
	size_t cap;
} lister_t;

/* One candidate from the index: decided as ever (the index narrows, it
 * never grants). */
static int
list_one(void *arg, const uint8_t id[DOCID_LEN])
{
	lister_t *l = arg;
	job_t *j = l->j;
	policy_args_t args = { 0 };
	policy_decision_t dec;
	policy_request_t rq;
	Isad__StoredRequest *q;
	crypto_dek_t *dek;
	char canon[DOCID_TEXT_LEN + 1], idtext[DOCID_TEXT_LEN + 1];
	doc_t d;

	if (l->rep->n_requests == l->cap)
		return 1;
	docid_format(id, idtext);
	if (request_open(j, l->t, idtext, &q, &d, &rq, canon, NULL) != 0)
		return 0;
	if (q == NULL || d.rec == NULL || (!l->all &&
	    records_request_state(q) != REQUEST_PENDING))
		goto skip;
	args.request = &rq;
	if (policy_decide(j->policy, j->subject, POLICY_ACTION_REQUEST_VIEW,
	    &d.view, &args, j->now, &dec) != POLICY_PERMIT)
		goto skip;
	if (d.rec->wrapped_dek.len != CRYPTO_WRAPPED_LEN ||
	    keys_unwrap_dek(l->w->env->keys, NULL, d.rec->wrapped_dek.data,
	    &dek) != 0)
		dek = NULL;
	l->rep->requests[l->rep->n_requests++] = request_info(j, q, &d, dek);
	crypto_dek_free(dek);
skip:
	records_request_free(q);
	doc_release(&d);
	return 0;
}

static int
by_created(const void *a, const void *b)
{
	const Isa__RequestInfo *x = *(Isa__RequestInfo *const *)a;
	const Isa__RequestInfo *y = *(Isa__RequestInfo *const *)b;
	int c = strcmp(x->created, y->created);

	return c != 0 ? c : strcmp(x->id, y->id);
}

void
share_requests(worker_ctx_t *w, job_t *j)
{
	lister_t l = { 0 };
	reqindex_key_t keys[2];
	policy_user_view_t v;
	size_t nk = 0;
	int rc;

	if ((l.t = doc_read_begin(w, j)) == NULL)
		return;
	l.j = j;
	l.w = w;
	l.all = j->req->requests->all;
	l.cap = REQUESTS_MAX;
	l.rep = job_alloc(j, sizeof(*l.rep));
	isa__requests_reply__init(l.rep);
	l.rep->requests = job_alloc(j, sizeof(*l.rep->requests) * l.cap);
	/* The keys of the requests j's user may see (as doc_may_see_request
	 * asks): their own as requester or author, their agency's as its
	 * approver, every one as the administrator; pending ones only unless
	 * --all.  Merged in id order, so the first cap shown are those a walk
	 * of every request would show. */
	if (j->subject != NULL) {
		policy_user_view(j->policy, j->subject, 0, &v);
		if ((v.roles & ROLE_ADMIN) != 0)
			reqindex_key_init(&keys[nk++], REQINDEX_EVERY, "",
			    !l.all);
		else {
			reqindex_key_init(&keys[nk++], REQINDEX_USER, v.id,
			    !l.all);
			if ((v.roles & ROLE_APPROVER) != 0)
				reqindex_key_init(&keys[nk++], REQINDEX_ORIG,
				    v.agency, !l.all);
		}
	}
	rc = reqindex_merge(l.t, keys, nk, list_one, &l);
	store_txn_abort(l.t);
	if (rc < 0) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad cannot read its "
		    "store right now; try again later");
		return;
	}
	qsort(l.rep->requests, l.rep->n_requests, sizeof(*l.rep->requests),
	    by_created);
	j->audit.reason = "ok";
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_REQUESTS_REPLY;
	j->resp.requests_reply = l.rep;
}

void
share_recall(worker_ctx_t *w, job_t *j)
{
	const Isa__RecallRequest *rr = j->req->recall;
	Isa__RecallReply *rep;
	policy_decision_t dec;
	crypto_dek_t *dek;
	change_t *c;
	doc_t d;

	j->audit.doc = job_strdup(j, rr->id);
	if (!reason_ok(j, rr->reason, "a recall"))
		return;
	if (!open_doc(w, j, rr->id, &d))
		return;
	if (!doc_decide(j, POLICY_ACTION_RECALL, &d, NULL, &dec) ||
	    (c = change_new(j)) == NULL || (dek = doc_dek(j, w->env, &d)) ==
	    NULL) {
		doc_release(&d);
		return;
	}
	memcpy(c->doc, d.rec->id.data, DOCID_LEN);
	if (!doc_seal_text(j, dek, c->doc, DOC_FIELD_RECALL, rr->reason,
	    &c->sealed)) {
		crypto_dek_free(dek);
		doc_release(&d);
		return;
	}
	crypto_dek_free(dek);
	doc_release(&d);
	rep = job_alloc(j, sizeof(*rep));
	isa__recall_reply__init(rep);
	j->audit.reason = "recalled";
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_RECALL_REPLY;
	j->resp.recall_reply = rep;
	j->change = recall_apply;
	j->notifies = true;
}
