/* cmd_inbox.c: `isa inbox [--watch] [--json]`: new material, requests awaiting you, your requests decided, notices. */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/term.h"
#include "proto/envelope.h"

#define WATCH_MS	25000	/* how long isad holds one watch request */

static void
print_entry(const Isa__InboxEntry *e, bool json)
{
	static const cli_field_t f[] = {
#define F(x) { #x, offsetof(Isa__InboxEntry, x) }
		F(id), F(time), F(kind), F(doc), F(marking), F(title),
		F(originator), F(actor), F(requester), F(target), F(request),
		F(state), F(text),
#undef F
	};
	if (!json) {
		term_printf(stdout, "%s\t%s\t%s\t", e->id, e->time, e->kind);
		term_printf(stdout, "%s\n", e->text);
		return;
	}
	cli_json_fields(stdout, e, f, sizeof(f) / sizeof(f[0]), true);
	term_printf(stdout, "}\n");
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

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--watch") == 0)
			watch = true;
		else if (strcmp(argv[i], "--json") == 0)
			o.json = true;
		else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			o.config = argv[++i];
		else {
			cli_error("unknown argument \"%s\"", argv[i]);
			term_printf(stderr, "usage: %s\n", usage);
			return EXIT_USAGE;
		}
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
		for (size_t i = 0; i < ir->n_entries; i++)
			print_entry(ir->entries[i], o.json);
		fflush(stdout);
		progressed = ir->next > q.after;
		if (progressed)
			q.after = ir->next;
		envelope_free(r);
		r = NULL;
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
