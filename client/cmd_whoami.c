/* cmd_whoami.c: `isa whoami`: who isad says you are. */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
#include "client/term.h"
#include "proto/envelope.h"

static void
print_list(FILE *out, char **items, size_t n, bool json)
{
	if (json)
		fputc('[', out);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputs(json ? "," : " ", out);
		if (json)
			cli_json_str(out, items[i]);
		else
			term_puts(out, items[i]);
	}
	if (json)
		fputc(']', out);
	else if (n == 0)
		fputs("-", out);
}

static void
print_json(const Isa__WhoAmIResponse *w)
{
	term_printf(stdout, "{\"id\":");
	cli_json_str(stdout, w->id);
	term_printf(stdout, ",\"name\":");
	cli_json_str(stdout, w->name);
	term_printf(stdout, ",\"agency\":");
	cli_json_str(stdout, w->agency);
	term_printf(stdout, ",\"agency_name\":");
	cli_json_str(stdout, w->agency_name);
	term_printf(stdout, ",\"clearance\":");
	cli_json_str(stdout, w->clearance);
	term_printf(stdout, ",\"effective_clearance\":");
	cli_json_str(stdout, w->effective_clearance);
	if (w->clearance_expires[0] != '\0') {
		term_printf(stdout, ",\"clearance_expires\":");
		cli_json_str(stdout, w->clearance_expires);
	}
	term_printf(stdout, ",\"roles\":");
	print_list(stdout, w->roles, w->n_roles, true);
	term_printf(stdout, ",\"attributes\":");
	print_list(stdout, w->attributes, w->n_attributes, true);
	term_printf(stdout, "}\n");
}

int
cmd_whoami(int argc, char **argv)
{
	Isa__Envelope req = ISA__ENVELOPE__INIT, *resp = NULL;
	Isa__WhoAmIRequest body = ISA__WHO_AM_IREQUEST__INIT;
	const Isa__WhoAmIResponse *w;
	cli_common_t o;
	int code;

	if (!cli_parse_common(argc, argv, true, &o,
	    "isa whoami [--config FILE] [--json]"))
		return EXIT_USAGE;
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
		print_json(w);
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
		print_list(stdout, w->roles, w->n_roles, false);
		term_printf(stdout, "\nattributes: ");
		print_list(stdout, w->attributes, w->n_attributes, false);
		term_printf(stdout, "\n");
	}
	envelope_free(resp);
	return EXIT_OK;
}
