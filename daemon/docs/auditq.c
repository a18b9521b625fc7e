/* auditq.c: what auditors ask of the audit log: queries, export pages, checkpoints; and the periodic checkpoint. */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/timefmt.h"
#include "daemon/audit/audit.h"
#include "daemon/docs/auditq.h"
#include "daemon/docs/docview.h"
#include "daemon/docs/exports.h"
#include "daemon/store/auditindex.h"
#include "daemon/store/records.h"
#include "policy/decide.h"

#define AUDIT_PAGE 2000		/* records in one reply, at most */

/* Rule 10, for every audit request. */
static bool
auditor_only(job_t *j)
{
	policy_decision_t dec;
	char msg[512];

	j->audit.reason = NULL;
	if (policy_decide(j->policy, j->subject, POLICY_ACTION_AUDIT, NULL,
	    NULL, j->now, &dec) == POLICY_PERMIT)
		return true;
	j->audit.reason = policy_reason_name(dec.reason);
	(void)policy_decision_explain(j->policy, &dec, msg, sizeof(msg));
	job_error(j, doc_status(dec.outcome), "%s", msg);
	return false;
}

typedef struct {
	job_t *j;
	const Isa__AuditQuery *q;
	int64_t since, until;
	Isa__AuditRecords *rep;
	size_t cap, bytes, max_bytes;
	store_txn_t *t;
	uint64_t hi;		/* the walk's end (exclusive) */
	int rc;			/* a store error met on the way */
} walk_t;

static bool
field_ok(const char *want, const char *have)
{
	return want[0] == '\0' || strcmp(want, have) == 0;
}

/* Record seq (its bytes val, vlen) on the page if it matches: 0 to go on,
 * 1 when the page is full (more, next is seq). */
static int
walk_one(void *arg, uint64_t seq, const void *val, size_t vlen)
{
	walk_t *w = arg;
	const Isa__AuditQuery *q = w->q;
	bool keep = true;

	if (seq >= w->hi)
		return 1;
	/* A page always carries at least one record, however large (an old
	 * log may hold one past the page's budget, even past max_message:
	 * the client reads it whole), so every page makes progress. */
	if (w->rep->n_records == w->cap ||
	    (w->rep->n_records > 0 && w->bytes + vlen > w->max_bytes)) {
		w->rep->more = true;
		w->rep->next = seq;
		return 1;
	}
	if (q->upto == 0) {
		Isa__AuditRecord *r;

		if (records_audit_decode(val, vlen, &r) != 0)
			return 0;
		keep = field_ok(q->doc, r->doc) && field_ok(q->user, r->actor) &&
		    field_ok(q->agency, r->agency) &&
		    field_ok(q->action, r->action) &&
		    field_ok(q->decision, r->decision) &&
		    r->time_ms >= w->since && r->time_ms < w->until;
		records_audit_free(r);
	}
	w->rep->next = seq + 1;
	if (keep) {
		ProtobufCBinaryData *b = &w->rep->records[w->rep->n_records++];

		b->len = vlen;
		b->data = job_alloc(w->j, vlen + 1);
		memcpy(b->data, val, vlen);
		w->bytes += vlen + 8;
	}
	return 0;
}

/* An index's candidate: its record read and put to walk_one. */
static int
walk_indexed(void *arg, uint64_t seq)
{
	walk_t *w = arg;
	const void *v;
	size_t l;

	if (seq >= w->hi)
		return 1;
	if ((w->rc = records_audit_get(w->t, seq, &v, &l)) ==
	    ISA_ERR_NOTFOUND)
		return (w->rc = 0);	/* a stray entry: check --deep says */
	if (w->rc != 0)
		return 1;
	return walk_one(w, seq, v, l);
}

/* The most telling filter with an index (a document or an actor first),
 * or -1 when there is none (no filter, or only decision permit: most of
 * the log matches). */
static int
pick_index(const Isa__AuditQuery *q, const char **value)
{
	const char *f[AUDITINDEX_KINDS_] = { q->doc, q->user, q->agency,
	    q->action, q->decision };

	for (int k = 0; k < AUDITINDEX_KINDS_; k++)
		if (auditindex_has((auditindex_kind_t)k, f[k])) {
			*value = f[k];
			return k;
		}
	return -1;
}

/* Walk seqs [from, hi) for the query: by the index k (value), or by seq
 * (k -1).  Returns 0, 1 (the page is full) or a store error. */
static int
walk_range(walk_t *w, int k, const char *value, uint64_t from, uint64_t hi)
{
	int rc;

	if (from >= hi)
		return 0;
	w->hi = hi;
	w->rc = 0;
	if (k < 0)
		rc = records_audit_each(w->t, from, walk_one, w);
	else
		rc = auditindex_each(w->t, (auditindex_kind_t)k, value, from,
		    walk_indexed, w);
	if (rc < 0)
		return rc;
	if (w->rc != 0)
		return w->rc;
	return w->rep->more ? 1 : 0;
}

/*
 * A query (upto 0): the records in [after, size) by the index of its most
 * telling filter, or by seq; with --since or --until, only the seqs whose
 * times can match: before the seq from which times never go back
 * (auditindex_steady_from: 0 but in a store that had a clock step back
 * before its upgrade) the blocks the upgrade's facts do not rule out
 * (auditindex_old_range), after it the range found by binary search.
 * Each candidate's record is decoded once and the filters applied as
 * before, so the index narrows, never decides.
 */
static int
plan_walk(walk_t *w, uint64_t size)
{
	const Isa__AuditQuery *q = w->q;
	const char *value = NULL;
	int k = pick_index(q, &value);
	uint64_t steady, lo = q->after, hi = size, olo, ohi;
	int rc;

	if (w->since == INT64_MIN && w->until == INT64_MAX)
		return walk_range(w, k, value, lo, hi);
	if ((rc = auditindex_steady_from(w->t, &steady)) != 0)
		return rc;
	if (steady > size)
		steady = size;
	if ((rc = auditindex_old_range(w->t, w->since, w->until, steady, &olo,
	    &ohi)) != 0 ||
	    (rc = walk_range(w, k, value, lo > olo ? lo : olo, ohi)) != 0)
		return rc;
	if (lo < steady)
		lo = steady;
	if ((w->since != INT64_MIN && (rc = auditindex_time_seek(w->t,
	    w->since, steady, size, &lo)) != 0) ||
	    (w->until != INT64_MAX && (rc = auditindex_time_seek(w->t,
	    w->until, steady, size, &hi)) != 0))
		return rc;
	return walk_range(w, k, value, lo > q->after ? lo : q->after, hi);
}

void
auditq_query(worker_ctx_t *wc, job_t *j)
{
	const Isa__AuditQuery *q = j->req->audit_query;
	walk_t w = { j, q, INT64_MIN, INT64_MAX, NULL, AUDIT_PAGE, 0, 0, NULL,
	    UINT64_MAX, 0 };
	uint64_t size = 0;
	int rc;

	if (!auditor_only(j))
		return;
	/* DESIGN §7: an export is one record, durable before its first page
	 * leaves: its pages follow an export recorded on this connection. */
	if (q->upto > 0 && !exports_allowed(j->user, j->rid, j->rid_len,
	    q->upto)) {
		j->audit.reason = "no_export";
		job_error(j, ISA__STATUS__BAD_REQUEST, "export pages follow an "
		    "export started on the same connection: run isa audit "
		    "export");
		return;
	}
	if ((q->since[0] != '\0' && timefmt_parse_ms(q->since, &w.since)) ||
	    (q->until[0] != '\0' && timefmt_parse_ms(q->until, &w.until))) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "--since and --until take "
		    "YYYY-MM-DD or an RFC 3339 time");
		return;
	}
	if (q->limit > 0 && q->limit < w.cap)
		w.cap = q->limit;
	w.max_bytes = (size_t)wc->env->cfg->max_message / 2;
	w.rep = job_alloc(j, sizeof(*w.rep));
	isa__audit_records__init(w.rep);
	w.rep->records = job_alloc(j, sizeof(*w.rep->records) * w.cap);
	if ((rc = store_txn_begin(wc->env->store, false, &w.t)) == 0) {
		/* An export's pages: every record before upto, as they are. */
		if (q->upto > 0) {
			w.hi = q->upto;
			rc = records_audit_each(w.t, q->after, walk_one, &w);
		} else if ((rc = audit_size(w.t, &size)) == 0 &&
		    (rc = plan_walk(&w, size)) == 0 && !w.rep->more &&
		    w.rep->next < size)
			w.rep->next = size;	/* as a walk to the end */
		store_txn_abort(w.t);
	}
	if (rc < 0) {
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad cannot read the "
		    "audit log right now; try again later");
		return;
	}
	if (!w.rep->more && w.rep->next < q->after)
		w.rep->next = q->after;
	/* An export is one request and one record: its pages are not. */
	if (q->upto > 0)
		j->audit.write = false;
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_AUDIT_RECORDS;
	j->resp.audit_records = w.rep;
}

typedef struct {
	const worker_env_t *env;
	char *note;
} cp_state_t;

static void
cp_free(void *p)
{
	cp_state_t *c = p;

	if (c != NULL)
		free(c->note);
	free(c);
}

/* In the writer: sign what is committed so far (this batch's earlier
 * records included), before this request's own record. */
static int
checkpoint_apply(store_txn_t *txn, writer_op_t *op)
{
	job_t *j = (job_t *)(void *)op;
	cp_state_t *c = j->state;
	Isa__AuditCheckpointReply *rep = j->resp.audit_checkpoint_reply;
	uint64_t size;
	int rc;

	free(c->note);	/* a retried batch signs again */
	c->note = NULL;
	rc = audit_checkpoint(txn, c->env->keys, c->env->cfg->origin,
	    &c->note, &size);
	if (rc != 0)
		return rc;
	rep->checkpoint = c->note;
	rep->size = size;
	return 0;
}

/* In the main loop, once the export's record is durable (or not): from
 * now on this connection may read its pages. */
static void
export_recorded(job_t *j)
{
	if (j->resp.status == ISA__STATUS__OK &&
	    j->resp.body_case == ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT_REPLY)
		exports_record(j->user, j->rid, j->rid_len,
		    j->resp.audit_checkpoint_reply->size);
}

void
auditq_checkpoint(worker_ctx_t *w, job_t *j)
{
	Isa__AuditCheckpointReply *rep;
	cp_state_t *c;

	if (!auditor_only(j))
		return;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		return;
	}
	c->env = w->env;
	j->state = c;
	j->state_free = cp_free;
	rep = job_alloc(j, sizeof(*rep));
	isa__audit_checkpoint_reply__init(rep);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT_REPLY;
	j->resp.audit_checkpoint_reply = rep;
	j->change = checkpoint_apply;
	if (j->req->audit_checkpoint->export)
		j->after = export_recorded;
}

void
auditq_tick(store_t *s, void *arg)
{
	static int64_t last_ms;
	const worker_env_t *env = arg;
	store_txn_t *t = NULL;
	uint64_t size = 0, cp;
	int64_t now = clock_wall_ms();
	char *note = NULL;
	int rc;

	if (store_txn_begin(s, false, &t) != 0)
		return;
	rc = audit_size(t, &size);
	cp = audit_checkpoint_size(t);
	store_txn_abort(t);
	if (rc != 0 || size <= cp ||
	    (size - cp < (uint64_t)env->cfg->checkpoint_records &&
	    now - last_ms < env->cfg->checkpoint_ms))
		return;
	if ((rc = store_txn_begin(s, true, &t)) == 0 &&
	    (rc = audit_checkpoint(t, env->keys, env->cfg->origin, &note,
	    &size)) == 0)
		rc = store_txn_commit(t);
	else
		store_txn_abort(t);
	free(note);
	if (rc != 0)
		log_warnx("cannot sign an audit checkpoint: %s",
		    isa_strerror(rc));
	else
		last_ms = now;
}
