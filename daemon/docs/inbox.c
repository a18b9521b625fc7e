/* inbox.c: per-user inbox entries (DESIGN §5): written beside the change they tell of, read back only as far as their reader may know. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/keys/crypto.h"
#include "daemon/docs/docview.h"
#include "daemon/docs/inbox.h"
#include "daemon/docs/watch.h"
#include "daemon/store/records.h"
#include "proto/docid.h"

#define PAGE		100

/* Each user's entries are numbered on their own, so the numbers a reader
 * sees count only their own entries (ids "leak no count"):
 * records_inbox_append. */
int
inbox_add(store_txn_t *txn, const char *user, const inbox_entry_t *e)
{
	Isad__StoredInbox s = ISAD__STORED_INBOX__INIT;
	uint8_t id[DOCID_LEN];
	int rc;

	if (strlen(user) >= RECORDS_INBOX_USER_MAX)
		return ISA_ERR_INVAL;
	if ((rc = crypto_random(id, sizeof(id))) != 0)
		return rc;
	s.id.data = id;
	s.id.len = sizeof(id);
	records_inbox_set_kind(&s, e->kind);
	s.time = e->time;
	if (e->doc != NULL) {
		s.doc.data = (uint8_t *)e->doc;
		s.doc.len = DOCID_LEN;
	}
	if (e->request != NULL) {
		s.request.data = (uint8_t *)e->request;
		s.request.len = DOCID_LEN;
	}
	s.actor = (char *)(e->actor ? e->actor : "");
	s.requester = (char *)(e->requester ? e->requester : "");
	s.target = (char *)(e->target ? e->target : "");
	s.state = (char *)(e->state ? e->state : "");
	return records_inbox_append(txn, user, &s);
}

/* Whether u may read doc now.  (Under embargo nobody hears of it: an
 * entry they could not see yet would only say that something came.) */
static bool
could_read(const policy_t *p, const policy_user_t *u, const policy_doc_t *doc,
    int64_t now)
{
	policy_decision_t dec;

	return policy_decide(p, u, POLICY_ACTION_INFO, doc, NULL, now, &dec) ==
	    POLICY_PERMIT;
}

int
inbox_to_readers(store_txn_t *txn, const policy_t *p,
    const policy_doc_t *doc, const policy_principal_t *pr,
    const policy_user_t *skip, const inbox_entry_t *e, int64_t now)
{
	size_t n = policy_user_count(p);
	int rc;

	for (size_t i = 0; i < n; i++) {
		const policy_user_t *u = policy_user_at(p, i);
		policy_user_view_t v;

		if (u == skip || (pr != NULL &&
		    !policy_principal_covers(p, *pr, u)) ||
		    !could_read(p, u, doc, now))
			continue;
		policy_user_view(p, u, now, &v);
		if ((rc = inbox_add(txn, v.id, e)) != 0)
			return rc;
	}
	return 0;
}

int
inbox_to_roles(store_txn_t *txn, const policy_t *p, unsigned roles,
    const policy_user_t *skip, const inbox_entry_t *e)
{
	size_t n = policy_user_count(p);
	int rc;

	for (size_t i = 0; i < n; i++) {
		const policy_user_t *u = policy_user_at(p, i);
		policy_user_view_t v;

		policy_user_view(p, u, 0, &v);
		if (u == skip || !v.enabled || (v.roles & roles) == 0)
			continue;
		if ((rc = inbox_add(txn, v.id, e)) != 0)
			return rc;
	}
	return 0;
}

int
inbox_to_deciders(store_txn_t *txn, const policy_t *p,
    const policy_doc_t *doc, const inbox_entry_t *e)
{
	size_t n = policy_user_count(p);
	int rc;

	for (size_t i = 0; i < n; i++) {
		const policy_user_t *u = policy_user_at(p, i);
		policy_user_view_t v;
		bool approver;

		policy_user_view(p, u, 0, &v);
		approver = (v.roles & ROLE_APPROVER) && doc->originator >= 0 &&
		    policy_user_agency(u) == (uint32_t)doc->originator;
		if (!v.enabled || (u != doc->author && !approver))
			continue;
		if ((rc = inbox_add(txn, v.id, e)) != 0)
			return rc;
	}
	return 0;
}

/* ---- Reading ---- */

typedef struct {
	worker_ctx_t *w;
	job_t *j;
	store_txn_t *t;
	const char *user;
	Isa__InboxReply *rep;
	size_t cap;
	uint64_t last;
	int rc;
} reader_t;

static char *
time_text(job_t *j, int64_t t)
{
	char buf[TIMEFMT_LEN];

	timefmt_format_ms(t * 1000, buf);
	buf[19] = 'Z';	/* seconds are enough here */
	buf[20] = '\0';
	return job_strdup(j, buf);
}

static char *
id_text(job_t *j, const ProtobufCBinaryData *b)
{
	char buf[DOCID_TEXT_LEN + 1];

	if (b->len != DOCID_LEN)
		return job_strdup(j, "");
	docid_format(b->data, buf);
	return job_strdup(j, buf);
}

/* The line a person reads, from what the entry may say. */
static char *
entry_text(job_t *j, records_inbox_kind_t k, const Isa__InboxEntry *e)
{
	const char *title = e->title[0] ? e->title : NULL;

	switch (k) {
	case INBOX_NEW:
		return job_printf(j, "new material: %s [%s]%s%s%s from %s, "
		    "shared by %s", e->doc, e->marking, title ? " \"" : "",
		    title ? title : "", title ? "\"" : "", e->originator,
		    e->actor);
	case INBOX_REQUEST:
		return job_printf(j, "request %s: %s asks to share %s [%s] "
		    "with %s: isa approve %s, or isa refuse %s --reason ...",
		    e->request, e->requester, e->doc, e->marking, e->target,
		    e->request, e->request);
	case INBOX_DECIDED:
		return job_printf(j, "your request %s to share %s with %s was "
		    "%s by %s", e->request, e->doc, e->target, e->state,
		    e->actor);
	case INBOX_NOTICE:
		return job_printf(j, "onward share: %s [%s], originator %s, "
		    "shared with %s at the request of %s, approved by %s",
		    e->doc, e->marking, e->originator, e->target, e->requester,
		    e->actor);
	case INBOX_REVIEW:
		return job_printf(j, "review due: %s [%s]%s%s%s, review by %s",
		    e->doc, e->marking, title ? " \"" : "", title ? title : "",
		    title ? "\"" : "", e->state);
	case INBOX_RECALLED:
		return job_printf(j, "recalled: %s [%s] was recalled by %s: do "
		    "not use or share any copy", e->doc, e->marking, e->actor);
	}
	return job_strdup(j, e->kind);
}

/*
 * Fill e's document fields for the reader, or return false when the entry
 * must not be shown: an entry never names a document its reader may not
 * read, but for the oversight notice to the Chair and the administrator
 * (ids, marking and originator, no title) and a recall notice to those
 * who could read it before.
 */
static bool
entry_doc(reader_t *r, const Isad__StoredInbox *s, Isa__InboxEntry *e)
{
	job_t *j = r->j;
	records_inbox_kind_t kind = records_inbox_kind(s);
	policy_decision_t dec;
	policy_user_view_t me;
	Isa__DocMeta *m;
	bool ok, may_read;
	doc_t d;

	if (s->doc.len != DOCID_LEN)
		return kind != INBOX_NEW;
	if (doc_open_any(j, r->t, e->doc, &d) != 0)
		return false;
	if (d.rec == NULL) {
		doc_release(&d);
		return false;
	}
	policy_user_view(j->policy, j->subject, j->now, &me);
	may_read = policy_decide(j->policy, j->subject, POLICY_ACTION_INFO,
	    &d.view, NULL, j->now, &dec) == POLICY_PERMIT;
	ok = may_read ||
	    (kind == INBOX_NOTICE &&
	    (me.roles & (ROLE_CHAIR | ROLE_ADMIN)) != 0) ||
	    (kind == INBOX_RECALLED &&
	    dec.outcome == POLICY_GONE);
	if (ok) {
		e->marking = (char *)doc_marking_line(j, &d);
		e->originator = job_strdup(j, d.rec->originator);
		if (may_read && (m = doc_meta(j, r->w->env, &d, NULL)) != NULL)
			e->title = m->title;
		if (kind == INBOX_REVIEW)
			e->state = job_strdup(j, d.rec->review_by);
	}
	doc_release(&d);
	return ok;
}

static int
read_one(void *arg, uint64_t seq, const void *val, size_t vlen)
{
	reader_t *r = arg;
	job_t *j = r->j;
	Isad__StoredInbox *s;
	Isa__InboxEntry *e;

	if (r->rep->n_entries == r->cap)
		return 1;	/* a page: the next one starts here */
	r->last = seq;
	if (records_inbox_decode(val, vlen, &s) != 0) {
		log_warnx("an inbox entry of %s is damaged and was skipped",
		    r->user);
		return 0;
	}
	e = job_alloc(j, sizeof(*e));
	isa__inbox_entry__init(e);
	e->id = id_text(j, &s->id);
	e->seq = r->last;
	e->time = time_text(j, s->time);
	e->kind = job_strdup(j, records_inbox_kind_name(records_inbox_kind(s)));
	e->doc = id_text(j, &s->doc);
	e->request = id_text(j, &s->request);
	e->actor = job_strdup(j, s->actor);
	e->requester = job_strdup(j, s->requester);
	e->target = job_strdup(j, s->target);
	e->state = job_strdup(j, s->state);
	if (entry_doc(r, s, e)) {
		e->text = entry_text(j, records_inbox_kind(s), e);
		r->rep->entries[r->rep->n_entries++] = e;
	}
	records_inbox_free(s);
	return 0;
}

void
inbox_query(worker_ctx_t *w, job_t *j)
{
	const Isa__InboxQuery *q = j->req->inbox;
	reader_t r = { 0 };
	int rc;

	j->audit.reason = "ok";
	if (strlen(j->user) >= RECORDS_INBOX_USER_MAX) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "user id too long");
		return;
	}
	if ((rc = store_txn_begin(w->env->store, false, &r.t)) != 0) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad cannot read its "
		    "store right now; try again later");
		return;
	}
	r.w = w;
	r.j = j;
	r.user = j->user;
	r.cap = PAGE;
	r.last = q->after;
	r.rep = job_alloc(j, sizeof(*r.rep));
	isa__inbox_reply__init(r.rep);
	r.rep->entries = job_alloc(j, sizeof(*r.rep->entries) * PAGE);
	rc = records_inbox_each(r.t, j->user, q->after + 1, read_one, &r);
	store_txn_abort(r.t);
	if (rc < 0) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad cannot read its "
		    "store right now; try again later");
		return;
	}
	r.rep->next = r.last;
	/* Nothing new: the main loop holds a watch until there may be. */
	j->watch_ms = q->wait_ms < WATCH_MAX_MS ? q->wait_ms : WATCH_MAX_MS;
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_INBOX_REPLY;
	j->resp.inbox_reply = r.rep;
}
