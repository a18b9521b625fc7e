/* cmd_whoami.c: `isa whoami`: who isad says you are. */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/msg_json.h"
#include "client/term.h"
#include "proto/envelope.h"

static void
print_list(FILE *out, char **items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(" ", out);
		term_puts(out, items[i]);
	}
	if (n == 0)
		fputs("-", out);
}

int
cmd_whoami(int argc, char **argv)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp = NULL;
	Isa__WhoAmIRequest body = ISA__WHO_AM_IREQUEST__INIT;
	const Isa__WhoAmIResponse *w;
	cli_common_t o;
	int code;

	if ((code = cli_parse_common(argc, argv, true, &o,
	    "isa whoami [--json] [--config FILE]", 0, NULL)) != CLI_GO)
		return code;
	req.body_case = ISA__ENVELOPE__BODY_WHOAMI;
	req.whoami = &body;
	if ((code = cli_call(&o, &req, &resp)) != EXIT_OK)
		return code;
	if (resp->body_case != ISA__ENVELOPE__BODY_WHOAMI_REPLY) {
		cli_error("isad answered whoami with something else: are isa "
		    "and isad the same version?");
		envelope_free(resp);
		return EXIT_ERROR;
	}
	w = resp->whoami_reply;
	if (o.json)
		code = cli_json_print(msg_json_whoami(w));
	else {
		term_printf(stdout, "user:       %s\n", w->id);
		term_printf(stdout, "name:       %s\n", w->name);
		term_printf(stdout, "agency:     %s (%s)\n", w->agency, w->agency_name);
		if (w->clearance_expires[0] == '\0')
			term_printf(stdout, "clearance:  %s\n", w->clearance);
		else if (strcmp(w->clearance, w->effective_clearance) == 0)
			term_printf(stdout, "clearance:  %s (until %s)\n", w->clearance,
			    w->clearance_expires);
		else
			term_printf(stdout, "clearance:  %s (expired %s: counts as %s)\n",
			    w->clearance, w->clearance_expires,
			    w->effective_clearance);
		term_printf(stdout, "roles:      ");
		print_list(stdout, w->roles, w->n_roles);
		term_printf(stdout, "\nattributes: ");
		print_list(stdout, w->attributes, w->n_attributes);
		term_printf(stdout, "\n");
	}
	envelope_free(resp);
	return code;
}
