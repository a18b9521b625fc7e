/* dispatch.c: the one table of what each request body is: its audit action, its route, its handler, whether it is audited. */
#include <stddef.h>

#include "common/log.h"
#include "common/logtally.h"
#include "daemon/docs/auditq.h"
#include "daemon/docs/directory.h"
#include "daemon/docs/download.h"
#include "daemon/docs/upload.h"
#include "daemon/docs/inbox.h"
#include "daemon/docs/share.h"
#include "daemon/docs/transfer.h"
#include "daemon/serve/dispatch.h"
#include "daemon/docs/whoami.h"
#include "daemon/serve/input.h"

static const char *
action_audit_query(const Isa__Envelope *req)
{
	return req->audit_query->upto > 0 ? "audit.export" : "audit.query";
}

static const char *
action_audit_checkpoint(const Isa__Envelope *req)
{
	return req->audit_checkpoint->export ? "audit.export" :
	    "audit.checkpoint";
}

static const char *
action_decide(const Isa__Envelope *req)
{
	return req->decide->approve ? "approve" : "refuse";
}

static const ProtobufCBinaryData *
transfer_put_chunk(const Isa__Envelope *req)
{
	return &req->put_chunk->transfer;
}

static const ProtobufCBinaryData *
transfer_put_end(const Isa__Envelope *req)
{
	return &req->put_end->transfer;
}

static const ProtobufCBinaryData *
transfer_get_chunk(const Isa__Envelope *req)
{
	return &req->get_chunk->transfer;
}

static const ProtobufCBinaryData *
transfer_end(const Isa__Envelope *req)
{
	return &req->transfer_end->transfer;
}

#define ANY DISPATCH_ANY_WORKER
#define XFER DISPATCH_TRANSFER

/* Indexed by body case; a body with no entry is not a request. */
static const dispatch_t table[] = {
	[ISA__ENVELOPE__BODY_PING] = { ISA__ENVELOPE__BODY_PING,
	    "ping", NULL, ANY, NULL, docs_ping, true, false },
	[ISA__ENVELOPE__BODY_WHOAMI] = { ISA__ENVELOPE__BODY_WHOAMI,
	    "whoami", NULL, ANY, NULL, docs_whoami, true, false },
	[ISA__ENVELOPE__BODY_PUT_BEGIN] = { ISA__ENVELOPE__BODY_PUT_BEGIN,
	    "put", NULL, ANY, NULL, docs_put_begin, true, false },
	[ISA__ENVELOPE__BODY_PUT_CHUNK] = { ISA__ENVELOPE__BODY_PUT_CHUNK,
	    "put", NULL, XFER, transfer_put_chunk, docs_put_chunk, false,
	    true },
	[ISA__ENVELOPE__BODY_PUT_END] = { ISA__ENVELOPE__BODY_PUT_END,
	    "put", NULL, XFER, transfer_put_end, docs_put_end, true, false },
	[ISA__ENVELOPE__BODY_GET_BEGIN] = { ISA__ENVELOPE__BODY_GET_BEGIN,
	    "get", NULL, ANY, NULL, docs_get_begin, true, false },
	[ISA__ENVELOPE__BODY_GET_CHUNK] = { ISA__ENVELOPE__BODY_GET_CHUNK,
	    "get", NULL, XFER, transfer_get_chunk, docs_get_chunk, false,
	    false },
	[ISA__ENVELOPE__BODY_TRANSFER_END] = {
	    ISA__ENVELOPE__BODY_TRANSFER_END,
	    "transfer_end", NULL, XFER, transfer_end, docs_transfer_end, false,
	    false },
	[ISA__ENVELOPE__BODY_LIST] = { ISA__ENVELOPE__BODY_LIST,
	    "ls", NULL, ANY, NULL, docs_list, true, false },
	[ISA__ENVELOPE__BODY_INFO] = { ISA__ENVELOPE__BODY_INFO,
	    "info", NULL, ANY, NULL, docs_info, true, false },
	[ISA__ENVELOPE__BODY_AUDIT_QUERY] = { ISA__ENVELOPE__BODY_AUDIT_QUERY,
	    NULL, action_audit_query, ANY, NULL, auditq_query, true, false },
	[ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT] = {
	    ISA__ENVELOPE__BODY_AUDIT_CHECKPOINT,
	    NULL, action_audit_checkpoint, ANY, NULL, auditq_checkpoint, true,
	    false },
	[ISA__ENVELOPE__BODY_SHARE] = { ISA__ENVELOPE__BODY_SHARE,
	    "share", NULL, ANY, NULL, share_share, true, false },
	[ISA__ENVELOPE__BODY_REQUESTS] = { ISA__ENVELOPE__BODY_REQUESTS,
	    "requests", NULL, ANY, NULL, share_requests, true, false },
	[ISA__ENVELOPE__BODY_DECIDE] = { ISA__ENVELOPE__BODY_DECIDE,
	    NULL, action_decide, ANY, NULL, share_decide, true, false },
	[ISA__ENVELOPE__BODY_RECALL] = { ISA__ENVELOPE__BODY_RECALL,
	    "recall", NULL, ANY, NULL, share_recall, true, false },
	[ISA__ENVELOPE__BODY_INBOX] = { ISA__ENVELOPE__BODY_INBOX,
	    "inbox", NULL, ANY, NULL, inbox_query, true, false },
	[ISA__ENVELOPE__BODY_DIRECTORY] = { ISA__ENVELOPE__BODY_DIRECTORY,
	    "directory", NULL, ANY, NULL, directory_list, true, false },
};

#undef ANY
#undef XFER

const dispatch_t *
dispatch_find(Isa__Envelope__BodyCase body)
{
	if ((int)body < 0 || (size_t)body >= sizeof(table) / sizeof(table[0]) ||
	    table[body].handle == NULL)
		return NULL;
	return &table[body];
}

const char *
dispatch_action(const Isa__Envelope *req)
{
	const dispatch_t *d = req != NULL ? dispatch_find(req->body_case) :
	    NULL;

	if (d == NULL)
		return "invalid";
	return d->action_of != NULL ? d->action_of(req) : d->action;
}

int
dispatch_worker(const Isa__Envelope *req)
{
	const dispatch_t *d = dispatch_find(req->body_case);
	const ProtobufCBinaryData *t;

	if (d == NULL || d->route != DISPATCH_TRANSFER)
		return -1;
	t = d->transfer(req);
	return t->len == TRANSFER_ID_LEN ? t->data[0] : -1;
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
	j->audit.write = true;
	j->audit.reason = job_strdup(j, v.reason);
	if (v.doc != NULL)
		j->audit.doc = job_strdup(j, v.doc);
	if (v.target != NULL)
		j->audit.target = job_strdup(j, v.target);
	if (logtally_first("malformed requests", j->user, j->now_ms))
		log_notice("malformed request from %s: %s", j->user, v.reason);
	job_error(j, ISA__STATUS__BAD_REQUEST, "%s", v.message);
	return false;
}

void
dispatch_run(worker_ctx_t *w, job_t *j)
{
	const dispatch_t *d = dispatch_find(j->req->body_case);

	j->resp.request_id = j->req->request_id;
	if (!input_ok(w, j))
		return;
	if (d != NULL && !d->audited)
		j->audit.write = false;
	/* Content frames belong to uploaded chunks only. */
	if (j->has_content && (d == NULL || !d->content)) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "only an upload chunk "
		    "carries a content frame");
		return;
	}
	if (d == NULL) {
		job_error(j, ISA__STATUS__BAD_REQUEST, "this request is not "
		    "one a client may send");
		return;
	}
	d->handle(w, j);
}
