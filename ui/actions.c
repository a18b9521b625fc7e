/* actions.c: isa ui's share, recall, requests, approve and refuse: each one request to isad, answered in the shape `isa ... --json` prints. */
#include <stdint.h>
#include <string.h>

#include "client/cli.h"
#include "client/msg_json.h"
#include "proto/envelope.h"
#include "ui/actions.h"
#include "ui/banner.h"
#include "ui/isad.h"
#include "ui/reply.h"
#include "ui/route.h"

/* The body as a JSON object (a new reference), or NULL with e filled.
 * what names the action in the sentence ("a share"). */
static json_t *
body_object(const char *body, size_t len, const char *what, ui_err_t *e)
{
	json_t *o = json_loadb(body != NULL ? body : "", body != NULL ? len : 0,
	    JSON_REJECT_DUPLICATES, NULL);

	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		ui_err_set(e, MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE,
		    "%s needs its details as one JSON object", what);
		return NULL;
	}
	return o;
}

/* o's member key as a non-empty string (borrowed from o), or NULL with e
 * filled: "a share needs a reason ("reason": TEXT)".  An empty one is
 * refused here, as `isa` refuses an empty option before sending. */
static const char *
body_string(json_t *o, const char *key, const char *what, const char *noun,
    const char *shape, ui_err_t *e)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (v == NULL || v[0] == '\0' ||
	    strlen(v) != json_string_length(json_object_get(o, key))) {
		ui_err_set(e, MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE,
		    "%s needs %s (\"%s\": %s)", what, noun, key, shape);
		return NULL;
	}
	return v;
}

enum MHD_Result
ui_actions_share(ui_server_t *s, struct MHD_Connection *c, const char *id,
    const char *body, size_t len)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__ShareRequest sr = ISA__SHARE_REQUEST__INIT;
	enum MHD_Result ret;
	json_t *o, *out;
	ui_err_t e;

	if ((o = body_object(body, len, "a share", &e)) == NULL)
		return ui_reply_error(c, &e);
	sr.id = (char *)(uintptr_t)id;
	if ((sr.to = (char *)(uintptr_t)body_string(o, "to", "a share",
	    "someone to share with", "PRINCIPAL", &e)) == NULL ||
	    (sr.reason = (char *)(uintptr_t)body_string(o, "reason",
	    "a share", "a reason", "TEXT", &e)) == NULL) {
		json_decref(o);
		return ui_reply_error(c, &e);
	}
	req.body_case = ISA__ENVELOPE__BODY_SHARE;
	req.share = &sr;
	if (ui_isad_ask(s->conf, &s->calls, c, &req,
	    ISA__ENVELOPE__BODY_SHARE_REPLY, 0, &r, &ret) != 0) {
		json_decref(o);
		return ret;
	}
	out = msg_json_share(id, sr.to, r->share_reply);
	envelope_free(r);
	json_decref(o);
	return ui_reply_json(c, MHD_HTTP_OK, out);
}

enum MHD_Result
ui_actions_recall(ui_server_t *s, struct MHD_Connection *c, const char *id,
    const char *body, size_t len)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__RecallRequest rr = ISA__RECALL_REQUEST__INIT;
	enum MHD_Result ret;
	json_t *o;
	ui_err_t e;

	if ((o = body_object(body, len, "a recall", &e)) == NULL)
		return ui_reply_error(c, &e);
	rr.id = (char *)(uintptr_t)id;
	if ((rr.reason = (char *)(uintptr_t)body_string(o, "reason",
	    "a recall", "a reason", "TEXT", &e)) == NULL) {
		json_decref(o);
		return ui_reply_error(c, &e);
	}
	req.body_case = ISA__ENVELOPE__BODY_RECALL;
	req.recall = &rr;
	ret = MHD_NO;
	if (ui_isad_ask(s->conf, &s->calls, c, &req,
	    ISA__ENVELOPE__BODY_RECALL_REPLY, 0, &r, &ret) == 0) {
		envelope_free(r);
		ret = ui_reply_json(c, MHD_HTTP_OK, msg_json_recall(id));
	}
	json_decref(o);
	return ret;
}

enum MHD_Result
ui_actions_requests(ui_server_t *s, struct MHD_Connection *c)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__RequestsQuery q = ISA__REQUESTS_QUERY__INIT;
	const Isa__RequestsReply *rr;
	ui_banner_t b = { 0 };
	enum MHD_Result ret;
	json_t *list, *out;
	uint64_t all;
	ui_err_t e;

	if (ui_query_u64(MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "all"), 0, &all) != 0 || all > 1) {
		ui_err_set(&e, MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE,
		    "all must be 0 or 1");
		return ui_reply_error(c, &e);
	}
	q.all = all == 1;
	req.body_case = ISA__ENVELOPE__BODY_REQUESTS;
	req.requests = &q;
	if (ui_isad_ask(s->conf, &s->calls, c, &req,
	    ISA__ENVELOPE__BODY_REQUESTS_REPLY, 0, &r, &ret) != 0)
		return ret;
	rr = r->requests_reply;
	list = json_array();
	for (size_t i = 0; list != NULL && i < rr->n_requests; i++) {
		if (json_array_append_new(list,
		    msg_json_request_info(rr->requests[i])) != 0) {
			/* Never a shorter list than isad's. */
			json_decref(list);
			list = NULL;
			break;
		}
		ui_banner_add(&b, rr->requests[i]->marking);
	}
	out = json_object();
	cli_jset(out, "banner", ui_banner_json(&b));
	cli_jset(out, "requests", list);	/* NULL: out of memory, said */
	ret = ui_reply_json(c, MHD_HTTP_OK, out);
	envelope_free(r);		/* after: the banner borrows its lines */
	return ret;
}

enum MHD_Result
ui_actions_decide(ui_server_t *s, struct MHD_Connection *c, const char *id,
    bool approve, const char *body, size_t len)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__DecideRequest dr = ISA__DECIDE_REQUEST__INIT;
	const char *what = approve ? "an approval" : "a refusal";
	enum MHD_Result ret;
	json_t *o;
	ui_err_t e;

	if ((o = body_object(body, len, what, &e)) == NULL)
		return ui_reply_error(c, &e);
	dr.id = (char *)(uintptr_t)id;
	dr.approve = approve;
	dr.reason = (char *)"";
	if (!approve && (dr.reason = (char *)(uintptr_t)body_string(o,
	    "reason", what, "a reason", "TEXT", &e)) == NULL) {
		json_decref(o);
		return ui_reply_error(c, &e);
	}
	req.body_case = ISA__ENVELOPE__BODY_DECIDE;
	req.decide = &dr;
	ret = MHD_NO;
	if (ui_isad_ask(s->conf, &s->calls, c, &req,
	    ISA__ENVELOPE__BODY_DECIDE_REPLY, 0, &r, &ret) == 0) {
		if (r->decide_reply->request == NULL) {
			ui_err_set(&e, MHD_HTTP_BAD_GATEWAY, "error", EXIT_ERROR,
			    "isad sent a reply this isa cannot read");
			ret = ui_reply_error(c, &e);
		} else
			ret = ui_reply_json(c, MHD_HTTP_OK,
			    msg_json_request_info(r->decide_reply->request));
		envelope_free(r);
	}
	json_decref(o);
	return ret;
}
