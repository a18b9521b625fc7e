/* handlers.c: what isad answers, one function per request body, run by a worker. */
#include <string.h>

#include "common/log.h"

#include "daemon/docs/auditq.h"
#include "daemon/docs/docs.h"
#include "daemon/serve/handlers.h"
#include "daemon/docs/inbox.h"
#include "daemon/serve/input.h"
#include "daemon/docs/share.h"
#include "daemon/docs/transfer.h"

#define ISA_VERSION_STRING "isa 0.1.0"

static void
handle_ping(job_t *j)
{
	Isa__Pong *p = job_alloc(j, sizeof(*p));

	isa__pong__init(p);
	p->server_version = job_strdup(j, ISA_VERSION_STRING);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_PONG;
	j->resp.pong = p;
}

static void
handle_whoami(job_t *j)
{
	static const unsigned roles[] = { ROLE_ADMIN, ROLE_CHAIR, ROLE_AUDITOR,
	    ROLE_APPROVER };
	Isa__WhoAmIResponse *w = job_alloc(j, sizeof(*w));
	policy_user_view_t v;

	policy_user_view(j->policy, j->subject, j->now, &v);
	isa__who_am_iresponse__init(w);
	w->id = job_strdup(j, v.id);
	w->name = job_strdup(j, v.name);
	w->agency = job_strdup(j, v.agency);
	w->agency_name = job_strdup(j, v.agency_name);
	w->clearance = job_strdup(j, policy_clearance_name(v.clearance));
	w->effective_clearance = job_strdup(j,
	    policy_clearance_name(v.effective));
	w->clearance_expires = job_strdup(j, v.clearance_expires != NULL ?
	    v.clearance_expires : "");
	w->roles = job_alloc(j, sizeof(char *) * 4);
	for (size_t i = 0; i < 4; i++)
		if (v.roles & roles[i])
			w->roles[w->n_roles++] = job_strdup(j,
			    policy_role_name(roles[i]));
	w->attributes = job_alloc(j, sizeof(char *) * (v.n_attributes + 1));
	for (size_t i = 0; i < v.n_attributes; i++)
		w->attributes[w->n_attributes++] = job_strdup(j,
		    v.attributes[i]);
	j->resp.status = ISA__STATUS__OK;
	j->resp.body_case = ISA__ENVELOPE__BODY_WHOAMI_REPLY;
	j->resp.whoami_reply = w;
}

int
handlers_route(const job_t *j)
{
	const ProtobufCBinaryData *t = NULL;

	switch (j->req->body_case) {
	case ISA__ENVELOPE__BODY_PUT_CHUNK:
		t = &j->req->put_chunk->transfer;
		break;
	case ISA__ENVELOPE__BODY_PUT_END:
		t = &j->req->put_end->transfer;
		break;
	case ISA__ENVELOPE__BODY_GET_CHUNK:
		t = &j->req->get_chunk->transfer;
		break;
	case ISA__ENVELOPE__BODY_TRANSFER_END:
		t = &j->req->transfer_end->transfer;
		break;
	default:
		return -1;
	}
	return t->len == TRANSFER_ID_LEN ? t->data[0] : -1;
}

const char *
handlers_action(const Isa__Envelope *req)
{
	if (req == NULL)
		return "invalid";
	switch (req->body_case) {
	case ISA__ENVELOPE__BODY_PING: return "ping";
	case ISA__ENVELOPE__BODY_WHOAMI: return "whoami";
	case ISA__ENVELOPE__BODY_PUT_BEGIN:
	case ISA__ENVELOPE__BODY_PUT_CHUNK:
	case ISA__ENVELOPE__BODY_PUT_END: return "put";
	case ISA__ENVELOPE__BODY_GET_BEGIN:
	case ISA__ENVELOPE__BODY_GET_CHUNK: return "get";
	case ISA__ENVELOPE__BODY_TRANSFER_END: return "transfer_end";
	case ISA__ENVELOPE__BODY_LIST: return "ls";
	case ISA__ENVELOPE__BODY_INFO: return "info";
	case ISA__ENVELOPE__BODY_AUDIT_QUERY:
		return req->audit_query->upto > 0 ? "audit.export" :
		    "audit.query";
	case ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT:
		return req->audit_checkpoint->export ? "audit.export" :
		    "audit.checkpoint";
	case ISA__ENVELOPE__BODY_SHARE: return "share";
	case ISA__ENVELOPE__BODY_REQUESTS: return "requests";
	case ISA__ENVELOPE__BODY_DECIDE:
		return req->decide->approve ? "approve" : "refuse";
	case ISA__ENVELOPE__BODY_RECALL: return "recall";
	case ISA__ENVELOPE__BODY_INBOX: return "inbox";
	default: return "invalid";
	}
}

/*
 * DESIGN §4: every string of every body within its bound, clean text, before
 * any handler keeps anything.  A refusal is audited like any request (a
 * chunk's too), naming the field and its length, never its bytes.
 */
static bool
input_ok(worker_ctx_t *w, job_t *j)
{
	input_verdict_t v;

	if (input_check(w->env->cfg, j->req, &v))
		return true;
	j->audited = true;
	j->a_reason = job_strdup(j, v.reason);
	if (v.doc != NULL)
		j->a_doc = job_strdup(j, v.doc);
	if (v.target != NULL)
		j->a_target = job_strdup(j, v.target);
	log_notice("malformed request from %s: %s", j->user, v.reason);
	job_error(j, ISA__STATUS__BAD_REQUEST, "%s", v.message);
	return false;
}

void
handlers_dispatch(worker_ctx_t *w, job_t *j)
{
	j->resp.request_id = j->req->request_id;
	if (!input_ok(w, j))
		return;
	switch (j->req->body_case) {
	case ISA__ENVELOPE__BODY_PUT_CHUNK:
	case ISA__ENVELOPE__BODY_GET_CHUNK:
	case ISA__ENVELOPE__BODY_TRANSFER_END:
		/* Parts of a transfer: its one record is at its begin (get) or
		 * end (put). */
		j->audited = false;
		break;
	default:
		break;
	}
	/* Content frames belong to uploaded chunks only. */
	if (j->has_content &&
	    j->req->body_case != ISA__ENVELOPE__BODY_PUT_CHUNK) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "only an upload chunk "
		    "carries a content frame");
		return;
	}
	switch (j->req->body_case) {
	case ISA__ENVELOPE__BODY_PING:
		handle_ping(j);
		break;
	case ISA__ENVELOPE__BODY_WHOAMI:
		handle_whoami(j);
		break;
	case ISA__ENVELOPE__BODY_PUT_BEGIN:
		docs_put_begin(w, j);
		break;
	case ISA__ENVELOPE__BODY_PUT_CHUNK:
		docs_put_chunk(w, j);
		break;
	case ISA__ENVELOPE__BODY_PUT_END:
		docs_put_end(w, j);
		break;
	case ISA__ENVELOPE__BODY_GET_BEGIN:
		docs_get_begin(w, j);
		break;
	case ISA__ENVELOPE__BODY_GET_CHUNK:
		docs_get_chunk(w, j);
		break;
	case ISA__ENVELOPE__BODY_TRANSFER_END:
		docs_transfer_end(w, j);
		break;
	case ISA__ENVELOPE__BODY_LIST:
		docs_list(w, j);
		break;
	case ISA__ENVELOPE__BODY_INFO:
		docs_info(w, j);
		break;
	case ISA__ENVELOPE__BODY_AUDIT_QUERY:
		auditq_query(w, j);
		break;
	case ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT:
		auditq_checkpoint(w, j);
		break;
	case ISA__ENVELOPE__BODY_SHARE:
		share_share(w, j);
		break;
	case ISA__ENVELOPE__BODY_REQUESTS:
		share_requests(w, j);
		break;
	case ISA__ENVELOPE__BODY_DECIDE:
		share_decide(w, j);
		break;
	case ISA__ENVELOPE__BODY_RECALL:
		share_recall(w, j);
		break;
	case ISA__ENVELOPE__BODY_INBOX:
		inbox_query(w, j);
		break;
	default:
		job_error(j, ISA__STATUS__BAD_REQUEST, "this request is not "
		    "one a client may send");
		break;
	}
}

void
handlers_expire(worker_ctx_t *w)
{
	transfers_expire(w->transfers, w->env->cfg->transfer_timeout_ms,
	    docs_transfer_expired, w);
}

void
handlers_drop_transfers(worker_ctx_t *w)
{
	transfers_expire(w->transfers, -1, docs_transfer_stopped, w);
}

void
handlers_redecide(worker_ctx_t *w)
{
	docs_transfers_redecide(w);
}
