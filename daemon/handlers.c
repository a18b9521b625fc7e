/* handlers.c: one function per request body: what isad answers. */
#include <string.h>

#include "daemon/handlers.h"

#define ISA_VERSION_STRING "isa 0.1.0"

void
handlers_error(Isa__Envelope *resp, Isa__Status status, char *msg)
{
	resp->status = status;
	resp->message = msg;
	resp->body_case = ISA__ENVELOPE__BODY__NOT_SET;
}

static void
handle_ping(Isa__Envelope *resp, handler_resp_t *hr)
{
	isa__pong__init(&hr->pong);
	hr->pong.server_version = (char *)ISA_VERSION_STRING;
	resp->status = ISA__STATUS__OK;
	resp->body_case = ISA__ENVELOPE__BODY_PONG;
	resp->pong = &hr->pong;
}

static void
handle_whoami(const handler_ctx_t *ctx, Isa__Envelope *resp,
    handler_resp_t *hr)
{
	static const struct { unsigned bit; const char *name; } roles[] = {
		{ ROLE_ADMIN, "admin" }, { ROLE_CHAIR, "chair" },
		{ ROLE_AUDITOR, "auditor" }, { ROLE_APPROVER, "approver" },
	};
	Isa__WhoAmIResponse *w = &hr->whoami;
	policy_user_view_t v;

	policy_user_view(ctx->policy, ctx->user, ctx->now, &v);
	isa__who_am_iresponse__init(w);
	/* protobuf-c only reads these while packing: the casts drop const for
	 * its API, nothing writes through them. */
	w->id = (char *)v.id;
	w->name = (char *)v.name;
	w->agency = (char *)v.agency;
	w->agency_name = (char *)v.agency_name;
	w->clearance = (char *)policy_clearance_name(v.clearance);
	w->effective_clearance = (char *)policy_clearance_name(v.effective);
	w->clearance_expires = (char *)(v.clearance_expires != NULL ?
	    v.clearance_expires : "");
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (v.roles & roles[i].bit)
			hr->roles[w->n_roles++] = (char *)roles[i].name;
	w->roles = hr->roles;
	w->n_attributes = v.n_attributes;
	w->attributes = (char **)(uintptr_t)v.attributes;
	resp->status = ISA__STATUS__OK;
	resp->body_case = ISA__ENVELOPE__BODY_WHOAMI_REPLY;
	resp->whoami_reply = w;
}

void
handlers_dispatch(const handler_ctx_t *ctx, const Isa__Envelope *req,
    Isa__Envelope *resp, handler_resp_t *hr)
{
	memset(hr, 0, sizeof(*hr));
	resp->request_id = req->request_id;
	switch (req->body_case) {
	case ISA__ENVELOPE__BODY_PING:
		handle_ping(resp, hr);
		break;
	case ISA__ENVELOPE__BODY_WHOAMI:
		handle_whoami(ctx, resp, hr);
		break;
	default:
		handlers_error(resp, ISA__STATUS__BAD_REQUEST,
		    (char *)"this request is not one a client may send");
		break;
	}
}
