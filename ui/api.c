/* api.c: isa ui's JSON API under /api/: each answer is one request to isad, in the shape `isa --json` prints. */
#include <string.h>

#include "client/cli.h"
#include "client/msg_json.h"
#include "common/wipe.h"
#include "proto/envelope.h"
#include "ui/actions.h"
#include "ui/api.h"
#include "ui/audit.h"
#include "ui/banner.h"
#include "ui/download.h"
#include "ui/isad.h"
#include "ui/reply.h"
#include "ui/upload.h"
#include "ui/verify.h"

/* How long isad holds one watch of the inbox (as `isa inbox --watch`). */
#define UI_WATCH_MS	25000

static enum MHD_Result
api_whoami(ui_server_t *s, struct MHD_Connection *c, bool session)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__WhoAmIRequest w = ISA__WHO_AM_IREQUEST__INIT;
	char csrf[UI_TOKEN_LEN + 1];
	enum MHD_Result ret;
	json_t *j;

	req.body_case = ISA__ENVELOPE__BODY_WHOAMI;
	req.whoami = &w;
	if (ui_isad_ask(s->conf, &s->calls, c, &req,
	    ISA__ENVELOPE__BODY_WHOAMI_REPLY, 0, &r, &ret) != 0)
		return ret;
	if (!session)
		j = msg_json_whoami(r->whoami_reply);
	else if (!ui_sessions_check(&s->sess,
	    MHD_lookup_connection_value(c, MHD_COOKIE_KIND, s->cookie), csrf)) {
		envelope_free(r);	/* ended while isad answered */
		return ui_reply_session_ended(c, true);
	} else {
		j = json_object();
		cli_jset(j, "csrf", json_string(csrf));
		cli_jset(j, "user", cli_jstr(r->whoami_reply->id));
		isa_wipe(csrf, sizeof(csrf));
	}
	envelope_free(r);
	return ui_reply_json(c, MHD_HTTP_OK, j);
}

static enum MHD_Result
api_docs(ui_server_t *s, struct MHD_Connection *c)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__ListRequest lr = ISA__LIST_REQUEST__INIT;
	ui_banner_t b = { 0 };
	char after[UI_ID_MAX + 1] = "";
	json_t *docs = json_array(), *out;
	bool short_list = false;
	ui_isad_t u;
	ui_err_t e;
	size_t i;

	if (docs == NULL)
		return MHD_NO;
	if (ui_isad_open(&u, s->conf, &s->calls, 0, &e) != 0) {
		json_decref(docs);
		return ui_reply_error(c, &e);
	}
	req.body_case = ISA__ENVELOPE__BODY_LIST;
	req.list = &lr;
	for (;;) {
		const Isa__ListReply *l;

		lr.after = after;
		if (ui_isad_call(&u, &req, ISA__ENVELOPE__BODY_LIST_REPLY, &r,
		    &e) != 0) {
			ui_isad_close(&u);
			json_decref(docs);
			return ui_reply_error(c, &e);
		}
		l = r->list_reply;
		for (i = 0; i < l->n_docs; i++) {
			json_t *j = msg_json_doc_summary(l->docs[i]);

			if (j == NULL || json_array_append_new(docs, j) != 0) {
				short_list = true;
				break;
			}
		}
		if (i < l->n_docs || !l->more || l->n_docs == 0)
			break;
		snprintf(after, sizeof(after), "%s", l->docs[l->n_docs - 1]->id);
		envelope_free(r);
		r = NULL;
	}
	envelope_free(r);
	ui_isad_close(&u);
	if (short_list || cli_json_failed()) {	/* never less than isad's */
		json_decref(docs);
		return ui_reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "isa ui: out of memory");
	}
	for (i = 0; i < json_array_size(docs); i++)
		ui_banner_add(&b, json_string_value(json_object_get(
		    json_array_get(docs, i), "marking")));
	out = json_object();
	cli_jset(out, "banner", ui_banner_json(&b));
	cli_jset(out, "docs", docs);
	return ui_reply_json(c, MHD_HTTP_OK, out);
}

static enum MHD_Result
api_doc(ui_server_t *s, struct MHD_Connection *c, const char *id)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__InfoRequest ir = ISA__INFO_REQUEST__INIT;
	ui_banner_t b = { 0 };
	enum MHD_Result ret;
	json_t *out;

	ir.id = (char *)(uintptr_t)id;
	req.body_case = ISA__ENVELOPE__BODY_INFO;
	req.info = &ir;
	if (ui_isad_ask(s->conf, &s->calls, c, &req,
	    ISA__ENVELOPE__BODY_INFO_REPLY, 0, &r, &ret) != 0)
		return ret;
	ui_banner_add(&b, r->info_reply->meta->marking);
	out = json_object();
	cli_jset(out, "doc", msg_json_docmeta(r->info_reply->meta));
	cli_jset(out, "banner", ui_banner_json(&b));
	envelope_free(r);
	return ui_reply_json(c, MHD_HTTP_OK, out);
}

static enum MHD_Result
api_inbox(ui_server_t *s, struct MHD_Connection *c)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__InboxQuery q = ISA__INBOX_QUERY__INIT;
	const Isa__InboxReply *ir;
	ui_banner_t b = { 0 };
	enum MHD_Result ret;
	uint64_t after, wait;
	json_t *entries, *out;
	ui_err_t e;

	if (ui_query_u64(MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "after"), 0, &after) != 0 ||
	    ui_query_u64(MHD_lookup_connection_value(c,
	    MHD_GET_ARGUMENT_KIND, "wait"), 0, &wait) != 0 || wait > 1) {
		ui_err_set(&e, MHD_HTTP_BAD_REQUEST, "bad", EXIT_USAGE,
		    "after must be a number and wait 0 or 1");
		return ui_reply_error(c, &e);
	}
	q.after = after;
	q.wait_ms = wait ? UI_WATCH_MS : 0;
	req.body_case = ISA__ENVELOPE__BODY_INBOX;
	req.inbox = &q;
	if (ui_isad_ask(s->conf, &s->calls, c, &req,
	    ISA__ENVELOPE__BODY_INBOX_REPLY, wait ? UI_WATCH_MS : 0, &r,
	    &ret) != 0)
		return ret;
	ir = r->inbox_reply;
	entries = json_array();
	for (size_t i = 0; entries != NULL && i < ir->n_entries; i++) {
		json_t *j = msg_json_inbox_entry(ir->entries[i]);

		cli_jset(j, "seq", json_integer((json_int_t)ir->entries[i]->seq));
		if (json_array_append_new(entries, j) != 0)
			break;
		if (ir->entries[i]->marking[0] != '\0')
			ui_banner_add(&b, ir->entries[i]->marking);
	}
	out = json_object();
	cli_jset(out, "banner", ui_banner_json(&b));
	cli_jset(out, "entries", entries);
	cli_jset(out, "next", json_integer((json_int_t)ir->next));
	ret = ui_reply_json(c, MHD_HTTP_OK, out);
	envelope_free(r);
	return ret;
}

/* The directory, as isad gives it (sorted by id): the pages show names
 * for ids with it. */
static enum MHD_Result
api_directory(ui_server_t *s, struct MHD_Connection *c)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r;
	Isa__DirectoryRequest d = ISA__DIRECTORY_REQUEST__INIT;
	enum MHD_Result ret;
	json_t *out;

	req.body_case = ISA__ENVELOPE__BODY_DIRECTORY;
	req.directory = &d;
	if (ui_isad_ask(s->conf, &s->calls, c, &req,
	    ISA__ENVELOPE__BODY_DIRECTORY_REPLY, 0, &r, &ret) != 0)
		return ret;
	out = msg_json_directory(r->directory_reply);
	envelope_free(r);
	return ui_reply_json(c, MHD_HTTP_OK, out);
}

const ui_stream_ops_t *
ui_api_stream(const ui_route_t *r)
{
	switch (r->kind) {
	case UI_R_API_UPLOAD: return &ui_upload_ops;
	case UI_R_API_VERIFY: return &ui_verify_ops;
	default: return NULL;
	}
}

enum MHD_Result
ui_api(ui_server_t *s, struct MHD_Connection *c, const ui_route_t *r,
    const char *body, size_t len)
{
	switch (r->kind) {
	case UI_R_API_SHARE:
		return ui_actions_share(s, c, r->arg, body, len);
	case UI_R_API_RECALL:
		return ui_actions_recall(s, c, r->arg, body, len);
	case UI_R_API_REQUESTS: return ui_actions_requests(s, c);
	case UI_R_API_APPROVE:
		return ui_actions_decide(s, c, r->arg, true, body, len);
	case UI_R_API_REFUSE:
		return ui_actions_decide(s, c, r->arg, false, body, len);
	case UI_R_API_AUDIT: return ui_audit_query(s, c);
	case UI_R_API_AUDIT_CSV: return ui_audit_csv(s, c);
	case UI_R_API_AUDIT_JSONL: return ui_audit_jsonl(s, c);
	case UI_R_API_CHECKPOINT: return ui_audit_checkpoint(s, c);
	case UI_R_API_EXPORT: return ui_audit_export(s, c);
	case UI_R_API_SESSION: return api_whoami(s, c, true);
	case UI_R_API_WHOAMI: return api_whoami(s, c, false);
	case UI_R_API_DOCS: return api_docs(s, c);
	case UI_R_API_DOC: return api_doc(s, c, r->arg);
	case UI_R_API_CONTENT: return ui_download(s, c, r->arg);
	case UI_R_API_INBOX: return api_inbox(s, c);
	case UI_R_API_DIRECTORY: return api_directory(s, c);
	case UI_R_API_LOGOUT: {
		struct MHD_Response *resp;
		char clear[128];

		ui_sessions_end(&s->sess);
		resp = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);
		snprintf(clear, sizeof(clear), "%s=; Max-Age=0; HttpOnly; "
		    "SameSite=Strict; Path=/", s->cookie);
		if (resp != NULL)
			(void)MHD_add_response_header(resp, "Set-Cookie", clear);
		return ui_reply_queue(c, MHD_HTTP_NO_CONTENT, resp);
	}
	default: {
		ui_err_t e;

		ui_err_set(&e, MHD_HTTP_NOT_FOUND, "bad", EXIT_USAGE,
		    "isa ui has no such request");
		return ui_reply_error(c, &e);
	}
	}
}
