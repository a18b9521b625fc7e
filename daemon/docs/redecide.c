/* redecide.c: open transfers re-decided under the policy now in force after a reload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "daemon/docs/abandon.h"
#include "daemon/ctx/current.h"
#include "daemon/docs/redecide.h"
#include "daemon/docs/docview.h"
#include "daemon/docs/transfer.h"
#include "daemon/docs/upload.h"
#include "proto/docid.h"

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
