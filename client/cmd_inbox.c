/* cmd_inbox.c: `isa inbox [--watch] [--json]`: new material, requests awaiting you, your requests decided, notices. */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/msg_json.h"
#include "client/term.h"
#include "proto/envelope.h"

#define WATCH_MS	25000	/* how long isad holds one watch request */

static int
print_entry(const Isa__InboxEntry *e, bool json)
{
	if (!json) {
		term_printf(stdout, "%s\t%s\t%s\t", e->id, e->time, e->kind);
		term_printf(stdout, "%s\n", e->text);
		return EXIT_OK;
	}
	return cli_json_print(msg_json_inbox_entry(e));
}

int
cmd_inbox(int argc, char **argv)
{
	static const char usage[] = "isa inbox [--watch] [--json] "
	    "[--config FILE]";
	Isa__Envelope req = ISA__ENVELOPE__INIT, *r = NULL;
	Isa__InboxQuery q = ISA__INBOX_QUERY__INIT;
	client_conf_t conf;
	isa_conn_t *c = NULL;
	cli_common_t o = { 0 };
	bool watch = false;
	char err[512];
	int code;

	static const struct option lo[] = {
		{ "watch", no_argument, NULL, 'w' },
		CLI_LONG_COMMON, { 0 },
	};
	int opt;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, "", lo, usage)) != -1) {
		if (opt == CLI_HELP)
			return EXIT_OK;
		if (opt == 'w')
			watch = true;
		else if (opt == CLI_BAD || !cli_common_opt(opt, optarg, true, &o))
			return EXIT_USAGE;
	}
	if (optind < argc) {
		cli_error("inbox: unexpected argument \"%s\"", argv[optind]);
		return cli_usage(usage);
	}
	if ((code = cli_connect(&o, &conf, &c)) != EXIT_OK)
		return code;
	/* A watch is held by isad for up to WATCH_MS: wait that long more. */
	conf.timeout_ms += WATCH_MS;
	req.body_case = ISA__ENVELOPE__BODY_INBOX;
	req.inbox = &q;
	for (;;) {
		const Isa__InboxReply *ir;
		bool progressed;

		if (isa_conn_call(c, &req, &r, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			code = EXIT_UNREACHABLE;
			break;
		}
		if (r->status != ISA__STATUS__OK ||
		    r->body_case != ISA__ENVELOPE__BODY_INBOX_REPLY) {
			code = cli_reply_error(r);
			break;
		}
		ir = r->inbox_reply;
		for (size_t i = 0; i < ir->n_entries && code == EXIT_OK; i++)
			code = print_entry(ir->entries[i], o.json);
		fflush(stdout);
		progressed = ir->next > q.after;
		if (progressed)
			q.after = ir->next;
		envelope_free(r);
		r = NULL;
		if (code != EXIT_OK)
			break;
		if (!progressed) {
			/* Caught up: done, or wait for what comes next. */
			if (!watch)
				break;
			q.wait_ms = WATCH_MS;
		}
	}
	envelope_free(r);
	cli_disconnect(&conf, c);
	return code;
}
