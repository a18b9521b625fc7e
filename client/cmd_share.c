/* cmd_share.c: `isa share`, `isa requests`, `isa approve`, `isa refuse`, `isa recall`: onward sharing and recall. */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/msg_json.h"
#include "client/term.h"
#include "proto/envelope.h"

typedef struct {
	cli_common_t o;
	const char *id, *to, *reason;
	bool all;
} args_t;

enum { WANT_ID = 1, WANT_TO = 2, WANT_REASON = 4, ALLOW_ALL = 8,
    ALLOW_JSON = 16 };	/* --json: every command here takes it */

enum { OPT_TO = CLI_OPT_FIRST_OWN, OPT_REASON, OPT_ALL };

/* argv[0] is the command; the rest: one ID when WANT_ID, and the options
 * in want.  Returns CLI_GO, or the exit code (usage said, or --help). */
static int
parse(int argc, char **argv, unsigned want, const char *usage, args_t *a)
{
	static const struct option lo[] = {
		{ "to", required_argument, NULL, OPT_TO },
		{ "reason", required_argument, NULL, OPT_REASON },
		{ "all", no_argument, NULL, OPT_ALL },
		CLI_LONG_COMMON, { 0 },
	};
	int c, nid = (want & WANT_ID) ? 1 : 0;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((c = cli_getopt(argc, argv, "", lo, usage)) != -1) {
		if (c == CLI_HELP)
			return EXIT_OK;
		if (c == CLI_BAD)
			return EXIT_USAGE;
		if (c == OPT_TO && (want & WANT_TO) && a->to == NULL)
			a->to = optarg;
		else if (c == OPT_REASON && (want & WANT_REASON))
			a->reason = optarg;
		else if (c == OPT_ALL && (want & ALLOW_ALL))
			a->all = true;
		else if (!cli_common_opt(c, optarg, true, &a->o)) {
			const char *name = "?";

			for (const struct option *l = lo; l->name; l++)
				if (l->val == c)
					name = l->name;
			cli_error("%s: option \"--%s\" is not one of this "
			    "command's%s", argv[0], name, c == OPT_TO ?
			    " (one --to a share)" : "");
			return cli_usage(usage);
		}
	}
	if (argc - optind != nid) {
		if (argc - optind > nid)
			cli_error("%s: unexpected argument \"%s\"", argv[0],
			    argv[optind + nid]);
		return cli_usage(usage);
	}
	if (nid > 0)
		a->id = argv[optind];
	if (((want & WANT_TO) && a->to == NULL) ||
	    ((want & WANT_REASON) && a->reason == NULL))
		return cli_usage(usage);
	return CLI_GO;
}

int
cmd_share(int argc, char **argv)
{
	static const char usage[] = "isa share ID --to PRINCIPAL --reason TEXT "
	    "[--json] [--config FILE]";
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__ShareRequest body = ISA__SHARE_REQUEST__INIT;
	const Isa__ShareReply *s;
	args_t a;
	int code;

	if ((code = parse(argc, argv, WANT_ID | WANT_TO | WANT_REASON, usage,
	    &a)) != CLI_GO)
		return code;
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
	if (a.o.json)
		code = cli_json_print(msg_json_share(a.id, a.to, s));
	else if (s->granted)
		term_printf(stdout, "granted: %s may now read %s; the Chair and the "
		    "administrator are notified\n", a.to, a.id);
	else
		term_printf(stdout, "request filed: the originator decides whether %s may "
		    "read %s; you will hear in your inbox\n%s\n", a.to, a.id,
		    s->request);
	envelope_free(r);
	return code;
}

static int
print_request(const Isa__RequestInfo *q, bool json)
{
	if (!json) {
		term_printf(stdout, "%s\t%s\t%s\t%s\t%s -> %s\t%s\n", q->id, q->state, q->doc,
		    q->marking, q->requester, q->target, q->reason);
		return EXIT_OK;
	}
	return cli_json_print(msg_json_request_info(q));
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

	if ((code = parse(argc, argv, ALLOW_ALL | ALLOW_JSON, usage, &a)) !=
	    CLI_GO)
		return code;
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
	for (size_t i = 0; i < r->requests_reply->n_requests &&
	    code == EXIT_OK; i++)
		code = print_request(r->requests_reply->requests[i], a.o.json);
	envelope_free(r);
	return code;
}

static int
decide(int argc, char **argv, bool approve)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__DecideRequest body = ISA__DECIDE_REQUEST__INIT;
	const Isa__RequestInfo *q;
	args_t a;
	int code;

	if ((code = parse(argc, argv, WANT_ID | (approve ? 0 : WANT_REASON),
	    approve ? "isa approve REQ [--json] [--config FILE]" :
	    "isa refuse REQ --reason TEXT [--json] [--config FILE]", &a)) !=
	    CLI_GO)
		return code;
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
	if (a.o.json)
		code = print_request(q, true);
	else if (approve)
		term_printf(stdout, "approved: %s may now read %s (request %s of %s); the "
		    "Chair and the administrator are notified\n", q->target,
		    q->doc, q->id, q->requester);
	else
		term_printf(stdout, "refused: request %s of %s to share %s with %s\n", q->id,
		    q->requester, q->doc, q->target);
	envelope_free(r);
	return code;
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

	if ((code = parse(argc, argv, WANT_ID | WANT_REASON,
	    "isa recall ID --reason TEXT [--json] [--config FILE]", &a)) !=
	    CLI_GO)
		return code;
	body.id = (char *)a.id;
	body.reason = (char *)a.reason;
	req.body_case = ISA__ENVELOPE__BODY_RECALL;
	req.recall = &body;
	if ((code = cli_call(&a.o, &req, &r)) != EXIT_OK)
		return code;
	if (a.o.json)
		code = cli_json_print(msg_json_recall(a.id));
	else
		term_printf(stdout, "recalled: %s; every recipient is cut off, "
		    "and told\n", a.id);
	envelope_free(r);
	return code;
}
