/* cmd_whoami.c: `isa whoami`: who isad says you are. */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
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
			fputs(items[i], out);
	}
	if (json)
		fputc(']', out);
	else if (n == 0)
		fputs("-", out);
}

static void
print_json(const Isa__WhoAmIResponse *w)
{
	printf("{\"id\":");
	cli_json_str(stdout, w->id);
	printf(",\"name\":");
	cli_json_str(stdout, w->name);
	printf(",\"agency\":");
	cli_json_str(stdout, w->agency);
	printf(",\"agency_name\":");
	cli_json_str(stdout, w->agency_name);
	printf(",\"clearance\":");
	cli_json_str(stdout, w->clearance);
	printf(",\"effective_clearance\":");
	cli_json_str(stdout, w->effective_clearance);
	if (w->clearance_expires[0] != '\0') {
		printf(",\"clearance_expires\":");
		cli_json_str(stdout, w->clearance_expires);
	}
	printf(",\"roles\":");
	print_list(stdout, w->roles, w->n_roles, true);
	printf(",\"attributes\":");
	print_list(stdout, w->attributes, w->n_attributes, true);
	printf("}\n");
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
		printf("user:       %s\n", w->id);
		printf("name:       %s\n", w->name);
		printf("agency:     %s (%s)\n", w->agency, w->agency_name);
		if (w->clearance_expires[0] == '\0')
			printf("clearance:  %s\n", w->clearance);
		else if (strcmp(w->clearance, w->effective_clearance) == 0)
			printf("clearance:  %s (until %s)\n", w->clearance,
			    w->clearance_expires);
		else
			printf("clearance:  %s (expired %s: counts as %s)\n",
			    w->clearance, w->clearance_expires,
			    w->effective_clearance);
		printf("roles:      ");
		print_list(stdout, w->roles, w->n_roles, false);
		printf("\nattributes: ");
		print_list(stdout, w->attributes, w->n_attributes, false);
		printf("\n");
	}
	envelope_free(resp);
	return EXIT_OK;
}
