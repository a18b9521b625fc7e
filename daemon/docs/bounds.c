/* bounds.c: what bounds the open transfers: the caps, the content budget, secure memory, and the answer for a transfer not held. */
#include <stdatomic.h>

#include "common/err.h"
#include "common/log.h"
#include "daemon/docs/bounds.h"
#include "daemon/docs/transfer.h"

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
		j->audit.reason = "no_secure_memory";
		return;
	}
	log_warnx("cannot %s: %s", what != NULL ? what : "use a key",
	    isa_strerror(rc));
	job_error(j, ISA__STATUS__INTERNAL, "isad could not %s: tell the "
	    "operator", what != NULL ? what : "use a key");
	j->audit.reason = "internal";
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
		j->audit.reason = "too_many_transfers";
		break;
	case ISA_ERR_FULL:
		log_notice("%lld transfers open, the most allowed "
		    "(limits.transfers): a new one by %s refused",
		    (long long)cfg->transfers, j->user);
		job_error(j, ISA__STATUS__UNAVAILABLE, "isad has as many "
		    "uploads and downloads open as it allows: try again later");
		j->audit.reason = "transfers_full";
		break;
	default:
		job_error(j, ISA__STATUS__INTERNAL, "isad is out of memory");
		j->audit.reason = "internal";
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
	j->audit.reason = own ? "content_queued_user_full" : "content_queued_full";
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
	long long ms = (long long)w->env->cfg->transfer_timeout_ms;
	char why[256];

	if (transfers_tomb_take(w->transfers, id->data, id->len, j,
	    w->env->cfg->transfer_timeout_ms, why, sizeof(why))) {
		job_error(j, ISA__STATUS__DENIED, "%s", why);
		j->change = after_close_record;
		return;
	}
	/* A client that began the transfer tells this as an interruption
	 * (isa does); any other reads the same words for a foreign id. */
	job_error(j, ISA__STATUS__NOT_FOUND, "no such %s: isad does not hold "
	    "it (isad was restarted, or it was idle over %lld %s); start "
	    "again", what, ms >= 1000 ? ms / 1000 : ms, ms >= 1000 ? "s" :
	    "ms");
	/* Not a part of any transfer of this peer's: a request of its own,
	 * with a record of its own (a probe of foreign ids leaves a trace). */
	j->audit.write = true;
	j->audit.reason = "no_transfer";
}
