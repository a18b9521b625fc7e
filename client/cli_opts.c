/* cli_opts.c: isa's command lines through getopt_long: --opt=value, --, -h/--help, faults named (DESIGN §10). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "client/cli.h"
#include "client/term.h"

int
cli_usage(const char *usage)
{
	/* Our own text, lines and all: not escaped. */
	fprintf(stderr, "usage: %s\n", usage);
	return EXIT_USAGE;
}

const char *
cli_opt_word(const char *w, char *buf, size_t cap)
{
	snprintf(buf, cap, "%.*s", (int)strcspn(w, "="), w);
	return buf;
}

/* The long option whose val is c, or NULL. */
static const struct option *
long_of(const struct option *lo, int c)
{
	for (; lo->name != NULL; lo++)
		if (lo->val == c && lo->flag == NULL)
			return lo;
	return NULL;
}

int
cli_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts, const char *usage)
{
	char shorts[64];
	const struct option *lo;
	int c, at = optind;

	/* "+"-less: operands may come before options (isa info ID --json);
	 * ":" first: a missing value is ':' and named by us, not getopt. */
	snprintf(shorts, sizeof(shorts), ":h%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, shorts, longopts, NULL);
	if (c == 'h') {
		printf("usage: %s\n", usage);
		return CLI_HELP;
	}
	if (c == '?' || c == ':') {
		/* optind has moved past the faulty word (or its missing
		 * value): name it as written. */
		const char *w = optind - 1 >= at && optind - 1 < argc ?
		    argv[optind - 1] : "?";
		char word[128];

		cli_opt_word(w, word, sizeof(word));
		if (c == '?' && optopt != 0 && w[1] != '-')
			cli_error("%s: unknown option \"-%c\"", argv[0], optopt);
		else if (c == '?')
			cli_error("%s: unknown option \"%s\"", argv[0], word);
		else if (optopt != 0 && w[1] != '-')
			cli_error("%s: option \"-%c\" needs a value", argv[0],
			    optopt);
		else
			cli_error("%s: option \"%s\" needs a value", argv[0],
			    word);
		cli_usage(usage);
		return CLI_BAD;
	}
	if (c != -1 && optarg != NULL && optarg[0] == '\0') {
		lo = long_of(longopts, c);
		if (lo != NULL)
			cli_error("%s: option \"--%s\" needs a value, not an "
			    "empty one", argv[0], lo->name);
		else
			cli_error("%s: option \"-%c\" needs a value, not an "
			    "empty one", argv[0], c);
		cli_usage(usage);
		return CLI_BAD;
	}
	return c;
}

bool
cli_common_opt(int c, const char *arg, bool json_ok, cli_common_t *o)
{
	if (c == CLI_OPT_CONFIG)
		o->config = arg;
	else if (c == CLI_OPT_JSON && json_ok)
		o->json = true;
	else
		return false;
	return true;
}

int
cli_parse_common(int argc, char **argv, bool json_ok, cli_common_t *o,
    const char *usage, int nargs, char **args)
{
	static const struct option with_json[] = { CLI_LONG_COMMON, { 0 } };
	static const struct option no_json[] = {
		{ "config", required_argument, NULL, CLI_OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	while ((c = cli_getopt(argc, argv, "", json_ok ? with_json : no_json,
	    usage)) != -1) {
		if (c == CLI_HELP)
			return EXIT_OK;
		if (c == CLI_BAD || !cli_common_opt(c, optarg, json_ok, o))
			return EXIT_USAGE;
	}
	if (argc - optind > nargs) {
		cli_error("%s: unexpected argument \"%s\"", argv[0],
		    argv[optind + nargs]);
		return cli_usage(usage);
	}
	if (argc - optind < nargs) {
		cli_error("%s: missing argument", argv[0]);
		return cli_usage(usage);
	}
	for (int i = 0; i < nargs; i++)
		args[i] = argv[optind + i];
	return CLI_GO;
}
