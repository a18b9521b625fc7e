/* cmd_share.c: `isa share`, `isa requests`, `isa approve`, `isa refuse`, `isa recall`: onward sharing and recall. */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/term.h"
#include "proto/envelope.h"

typedef struct {
	cli_common_t o;
	const char *id, *to, *reason;
	bool all;
} args_t;

enum { WANT_ID = 1, WANT_TO = 2, WANT_REASON = 4, ALLOW_ALL = 8,
    ALLOW_JSON = 16 };

/* argv[0] is the command; the rest: at most one ID, and the options in
 * want.  A missing required one prints usage and returns false. */
static bool
parse(int argc, char **argv, unsigned want, const char *usage, args_t *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (strcmp(s, "--config") == 0 && i + 1 < argc)
			a->o.config = argv[++i];
		else if ((want & ALLOW_JSON) && strcmp(s, "--json") == 0)
			a->o.json = true;
		else if ((want & WANT_TO) && strcmp(s, "--to") == 0 &&
		    i + 1 < argc && a->to == NULL)
			a->to = argv[++i];
		else if ((want & WANT_REASON) && strcmp(s, "--reason") == 0 &&
		    i + 1 < argc)
			a->reason = argv[++i];
		else if ((want & ALLOW_ALL) && strcmp(s, "--all") == 0)
			a->all = true;
		else if ((want & WANT_ID) && a->id == NULL && s[0] != '-')
			a->id = s;
		else {
			cli_error("unknown argument \"%s\"", s);
			term_printf(stderr, "usage: %s\n", usage);
			return false;
		}
	}
	if (((want & WANT_ID) && a->id == NULL) ||
	    ((want & WANT_TO) && a->to == NULL) ||
	    ((want & WANT_REASON) && a->reason == NULL)) {
		term_printf(stderr, "usage: %s\n", usage);
		return false;
	}
	return true;
}

int
cmd_share(int argc, char **argv)
{
	static const char usage[] = "isa share ID --to PRINCIPAL --reason TEXT "
	    "[--config FILE]";
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__ShareRequest body = ISA__SHARE_REQUEST__INIT;
	const Isa__ShareReply *s;
	args_t a;
	int code;

	if (!parse(argc, argv, WANT_ID | WANT_TO | WANT_REASON, usage, &a))
		return EXIT_USAGE;
	body.id = (char *)a.id;
	body.to = (char *)a.to;
	body.reason = (char *)a.reason;
	req.body_case = ISA__ENVELOPE__BODY_SHARE;
	req.share = &body;
	if ((code = cli_call(&a.o, &req, &r)) != EXIT_OK)
		return code;
	if (r->body_case != ISA__ENVELOPE__BODY_SHARE_REPLY) {
		envelope_free(r);
		cli_error("isad sent a reply this isa cannot read");
		return EXIT_ERROR;
	}
	s = r->share_reply;
	if (s->granted)
		term_printf(stdout, "granted: %s may now read %s; the Chair and the "
		    "administrator are notified\n", a.to, a.id);
	else
		term_printf(stdout, "request filed: the originator decides whether %s may "
		    "read %s; you will hear in your inbox\n%s\n", a.to, a.id,
		    s->request);
	envelope_free(r);
	return EXIT_OK;
}

static void
print_request(const Isa__RequestInfo *q, bool json)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__RequestInfo, x) }
		F(id), F(doc), F(marking), F(requester), F(target), F(reason),
		F(state), F(created), F(decided_by), F(decided),
		F(decision_reason),
#undef F
	};

	if (!json) {
		term_printf(stdout, "%s\t%s\t%s\t%s\t%s -> %s\t%s\n", q->id, q->state, q->doc,
		    q->marking, q->requester, q->target, q->reason);
		return;
	}
	cli_json_fields(stdout, q, f, sizeof(f) / sizeof(f[0]), false);
	term_printf(stdout, "}\n");
}

int
cmd_requests(int argc, char **argv)
{
	static const char usage[] = "isa requests [--all] [--json] "
	    "[--config FILE]";
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__RequestsQuery body = ISA__REQUESTS_QUERY__INIT;
	args_t a;
	int code;

	if (!parse(argc, argv, ALLOW_ALL | ALLOW_JSON, usage, &a))
		return EXIT_USAGE;
	body.all = a.all;
	req.body_case = ISA__ENVELOPE__BODY_REQUESTS;
	req.requests = &body;
	if ((code = cli_call(&a.o, &req, &r)) != EXIT_OK)
		return code;
	if (r->body_case != ISA__ENVELOPE__BODY_REQUESTS_REPLY) {
		envelope_free(r);
		cli_error("isad sent a reply this isa cannot read");
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < r->requests_reply->n_requests; i++)
		print_request(r->requests_reply->requests[i], a.o.json);
	envelope_free(r);
	return EXIT_OK;
}

static int
decide(int argc, char **argv, bool approve)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__DecideRequest body = ISA__DECIDE_REQUEST__INIT;
	const Isa__RequestInfo *q;
	args_t a;
	int code;

	if (!parse(argc, argv, WANT_ID | (approve ? 0 : WANT_REASON), approve ?
	    "isa approve REQ [--config FILE]" :
	    "isa refuse REQ --reason TEXT [--config FILE]", &a))
		return EXIT_USAGE;
	body.id = (char *)a.id;
	body.approve = approve;
	body.reason = (char *)(a.reason != NULL ? a.reason : "");
	req.body_case = ISA__ENVELOPE__BODY_DECIDE;
	req.decide = &body;
	if ((code = cli_call(&a.o, &req, &r)) != EXIT_OK)
		return code;
	if (r->body_case != ISA__ENVELOPE__BODY_DECIDE_REPLY ||
	    r->decide_reply->request == NULL) {
		envelope_free(r);
		cli_error("isad sent a reply this isa cannot read");
		return EXIT_ERROR;
	}
	q = r->decide_reply->request;
	if (approve)
		term_printf(stdout, "approved: %s may now read %s (request %s of %s); the "
		    "Chair and the administrator are notified\n", q->target,
		    q->doc, q->id, q->requester);
	else
		term_printf(stdout, "refused: request %s of %s to share %s with %s\n", q->id,
		    q->requester, q->doc, q->target);
	envelope_free(r);
	return EXIT_OK;
}

int
cmd_approve(int argc, char **argv)
{
	return decide(argc, argv, true);
}

int
cmd_refuse(int argc, char **argv)
{
	return decide(argc, argv, false);
}

int
cmd_recall(int argc, char **argv)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__RecallRequest body = ISA__RECALL_REQUEST__INIT;
	args_t a;
	int code;

	if (!parse(argc, argv, WANT_ID | WANT_REASON,
	    "isa recall ID --reason TEXT [--config FILE]", &a))
		return EXIT_USAGE;
	body.id = (char *)a.id;
	body.reason = (char *)a.reason;
	req.body_case = ISA__ENVELOPE__BODY_RECALL;
	req.recall = &body;
	if ((code = cli_call(&a.o, &req, &r)) != EXIT_OK)
		return code;
	term_printf(stdout, "recalled: %s; every recipient is cut off, and told\n", a.id);
	envelope_free(r);
	return EXIT_OK;
}
