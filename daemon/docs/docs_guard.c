/* docs_guard.c: what bounds the open transfers: the caps, the content budget, secure memory, and re-deciding them after a reload. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "daemon/docs/abandon.h"
#include "daemon/ctx/current.h"
#include "daemon/docs/docs.h"

void
docs_secmem_refused(job_t *j, int rc, const char *what)
{
	if (rc == ISA_ERR_NOMEM) {
		/* libgcrypt's secure pool (keys of open transfers and of
		 * requests in flight) is used up: a moment, not a fault. */
		log_warnx("cannot %s: secure memory for keys is used up; "
		    "the request is refused (UNAVAILABLE)",
		    what != NULL ? what : "use a key");
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad is short of secure "
		    "memory for keys right now; try again later");
		j->a_reason = "no_secure_memory";
		return;
	}
	log_warnx("cannot %s: %s", what != NULL ? what : "use a key",
	    isa_strerror(rc));
	job_error(j, ISA__STATUS__INTERNAL, "isad could not %s: tell the "
	    "operator", what != NULL ? what : "use a key");
	j->a_reason = "internal";
}

void
docs_transfer_refused(worker_ctx_t *w, job_t *j, int rc)
{
	const isad_config_t *cfg = w->env->cfg;

	switch (rc) {
	case ISA_ERR_BUSY:
		job_error(j, ISA__STATUS__UNAVAILABLE, "you have %lld uploads "
		    "and downloads open, the most isad allows one user: finish "
		    "or end one (an idle one ends after %lld s) and try again",
		    (long long)cfg->transfers_per_user,
		    (long long)cfg->transfer_timeout_ms / 1000);
		j->a_reason = "too_many_transfers";
		break;
	case ISA_ERR_FULL:
		log_notice("%lld transfers open, the most allowed "
		    "(limits.transfers): a new one by %s refused",
		    (long long)cfg->transfers, j->user);
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad has as many "
		    "uploads and downloads open as it allows: try again later");
		j->a_reason = "transfers_full";
		break;
	default:
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		j->a_reason = "internal";
		break;
	}
}

static atomic_llong budget_logged;	/* the second it was last logged */

/*
 * The first wait isad suggests when content has no room: the client
 * waits this long, then longer (to about a second) while it stays full.
 * Short, because room comes back as soon as a peer reads a frame or the
 * writer stores a chunk.
 */
#define BUDGET_RETRY_MS 20

bool
docs_budget_ok(worker_ctx_t *w, job_t *j, uint64_t chunk)
{
	const isad_config_t *cfg = w->env->cfg;
	size_t held = transfers_bytes_queued();
	size_t mine = transfers_user_bytes_queued(j->user);
	/* Whoever holds nothing may always have one chunk (a sealed one is
	 * a little larger than limits.chunk): every transfer can go on, and
	 * the bound is the limit plus at most one chunk. */
	bool own = mine > 0 &&
	    mine + chunk > (uint64_t)cfg->content_queued_per_user;

	if (!own && (held == 0 ||
	    held + chunk <= (uint64_t)cfg->content_queued))
		return true;
	/* Said at most once a second: a flood of refusals is no log flood. */
	if (atomic_exchange(&budget_logged, (long long)j->now) != j->now)
		log_notice("%zu bytes of content in transit, %zu of them for "
		    "%s: the most allowed (limits.%s): a chunk for them "
		    "waits", held, mine, j->user, own ?
		    "content_queued_per_user" : "content_queued");
	docs_budget_wait(j, own);
	j->a_reason = own ? "content_queued_user_full" : "content_queued_full";
	return false;
}

void
docs_budget_wait(job_t *j, bool own)
{
	job_error(j, ISA__STATUS__UNAVAILABLE, "%s: send the same request "
	    "again in a moment (the transfer stays open)", own ?
	    "isad holds as much of your content in transit as it may for one "
	    "user" : "isad has as much content in transit as it may hold at "
	    "once");
	j->resp.retry_ms = BUDGET_RETRY_MS;
}

/* Nothing to change: it only makes the reply wait its turn in the writer,
 * after the record of the close it tells of. */
static int
after_close_record(store_txn_t *txn, writer_op_t *op)
{
	(void)txn;
	(void)op;
	return 0;
}

void
docs_transfer_missing(worker_ctx_t *w, job_t *j,
    const ProtobufCBinaryData *id, const char *what)
{
	char why[256];

	if (transfers_tomb_take(w->transfers, id->data, id->len, j,
	    w->env->cfg->transfer_timeout_ms, why, sizeof(why))) {
		job_error(j, ISA__STATUS__DENIED, "%s", why);
		j->change = after_close_record;
		return;
	}
	job_error(j, ISA__STATUS__NOT_FOUND, "no such %s: it may have been "
	    "idle too long; start again", what);
	/* Not a part of any transfer of this peer's: a request of its own,
	 * with a record of its own (a probe of foreign ids leaves a trace). */
	j->audited = true;
	j->a_reason = "no_transfer";
}

/* What one re-decision needs. */
typedef struct {
	worker_ctx_t *w;
	policy_t *policy;
	int64_t now;
	unsigned closed;
} redecide_t;

/* Whether x's user is still enrolled and enabled with the key x began
 * with; *u gets them. */
static bool
actor_ok(const redecide_t *r, const transfer_t *x, const policy_user_t **u)
{
	return job_identity(r->policy, x->user, x->key, r->now, u) == NULL;
}

/* Whether the download x may go on: GET on its document as it is now. */
static bool
download_ok(const redecide_t *r, job_t *j, const transfer_t *x)
{
	store_txn_t *t;
	doc_t d;
	policy_decision_t dec;
	bool ok;
	int rc;

	if ((t = doc_read_begin(r->w, j)) == NULL)
		return true;	/* its next chunk reads the store again */
	rc = doc_load(j, t, x->doc, &d);
	store_txn_abort(t);
	if (rc == ISA_ERR_NOTFOUND)
		return false;
	if (rc != 0)
		return true;	/* as above: a fault, not a decision */
	ok = doc_decide(j, POLICY_ACTION_GET, &d, NULL, &dec);
	doc_release(&d);
	return ok;
}

/* filter callback: re-decide x; close it (true) when no longer allowed. */
static bool
redecide_one(transfer_t *x, void *arg)
{
	redecide_t *r = arg;
	const policy_user_t *u;
	job_t *j;
	bool ok;
	char idtext[DOCID_TEXT_LEN + 1], why[256];

	if (!actor_ok(r, x, &u))
		ok = false;
	else if ((j = job_new(x->rid, x->rid_len)) == NULL)
		return false;	/* out of memory: the next reload tries again */
	else {
		strcpy(j->user, x->user);
		j->policy = policy_ref(r->policy);
		j->subject = u;
		j->now = r->now;
		ok = x->kind == TRANSFER_DOWNLOAD ? download_ok(r, j, x) :
		    docs_upload_allowed(r->w, j, x);
		job_free(j);
	}
	if (ok)
		return false;
	docid_format(x->doc, idtext);
	if (x->kind == TRANSFER_DOWNLOAD) {
		log_info("download of %s by %s closed: the reloaded policy no "
		    "longer allows it", idtext, x->user);
		snprintf(why, sizeof(why), "access changed while you were "
		    "reading document %s (the policy was reloaded): the "
		    "download was closed", idtext);
	} else {
		log_info("upload of %s by %s abandoned: its chunks are deleted "
		    "(the reloaded policy no longer allows it)", idtext,
		    x->user);
		snprintf(why, sizeof(why), "access changed during your upload "
		    "(the policy was reloaded) and it is no longer allowed: it "
		    "was closed and nothing was stored");
	}
	abandon_submit(r->w->env->writer, abandon_new(x, "deny", "revoked"));
	transfers_tomb_add(r->w->transfers, x, why);
	r->closed++;
	return true;
}

void
docs_transfers_redecide(worker_ctx_t *w)
{
	redecide_t r = { w, current_policy_get(), clock_wall_s(), 0 };

	transfers_filter(w->transfers, redecide_one, &r);
	policy_unref(r.policy);
}
