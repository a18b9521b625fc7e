/* main.c: isa's command line: one table dispatches and makes the usage text (wg.c). */
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/commands.h"
#include "ui/ui.h"

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *args;
	const char *help;
} commands[] = {
	{ "keygen", cmd_keygen, "--out DIR [--json]", "your CURVE key pair "
	    "and a client.conf; prints the public key" },
	{ "whoami", cmd_whoami, "[--json]", "who isad says you are" },
	{ "put", cmd_put, "FILE --title T --class C --to P ...",
	    "store a document; prints its id" },
	{ "get", cmd_get, "ID [-o|--out FILE|-] [--force]",
	    "fetch a document; its marking goes to stderr" },
	{ "ls", cmd_ls, "[--json]", "the documents you may read" },
	{ "info", cmd_info, "ID [--json]", "one document's description" },
	{ "share", cmd_share, "ID --to P --reason TEXT [--json]",
	    "share onward: granted, or a request (its id last)" },
	{ "requests", cmd_requests, "[--all] [--json]",
	    "share requests you may see, one a line" },
	{ "approve", cmd_approve, "REQ [--json]", "approve a share request" },
	{ "refuse", cmd_refuse, "REQ --reason TEXT [--json]",
	    "refuse a share request" },
	{ "recall", cmd_recall, "ID --reason TEXT [--json]",
	    "cut every recipient off at once" },
	{ "inbox", cmd_inbox, "[--watch] [--json]",
	    "new material, requests, decisions, notices" },
	{ "directory", cmd_directory, "[--json]",
	    "the agencies, groups and users enrolled" },
	{ "audit", cmd_audit, "[filters] [--json|--csv]",
	    "the audit log (auditors); also audit checkpoint, export -o FILE, "
	    "verify FILE --key PUB.pem [--since CP]" },
	{ "ui", cmd_ui, "[--port N] [--no-browser]",
	    "the board in your browser, on this machine only" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fprintf(out, "usage: isa COMMAND [options]\n\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  isa %-9s %-36s %s\n", commands[i].name,
		    commands[i].args, commands[i].help);
	fprintf(out, "\nCommands that talk to isad take --config FILE (else "
	    "$ISA_CONFIG, else\n"
	    "$XDG_CONFIG_HOME/isa/client.conf, else ~/.config/isa/client.conf).\n"
	    "Exit: 0 ok, 1 error, 2 usage, 3 not found, 4 denied, "
	    "5 cannot connect or not authenticated, 6 verification failed.\n"
	    "isa COMMAND --help: that command's options; isa --version: "
	    "this isa's version.\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("isa %s\n", ISA_VERSION);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command \"%s\"", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
