/* main.c: isad's command line: one table of subcommands, their options parsed, each dispatched to its own file. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "daemon/ctx/config.h"
#include "daemon/docs/rekey.h"
#include "daemon/serve/backup.h"
#include "daemon/serve/check.h"
#include "daemon/serve/checkdeep.h"
#include "daemon/serve/clientconf.h"
#include "daemon/serve/init.h"
#include "daemon/serve/server.h"
#include "daemon/serve/status.h"

/* What a command line asked for, once parsed. */
typedef struct {
	const char *conf, *out, *user;
	bool json, with_master_key, deep;
} args_t;

enum { OPT_OUT = 1 << 0, OPT_MASTER = 1 << 1, OPT_JSON = 1 << 2,
    OPT_USER = 1 << 3, OPT_DEEP = 1 << 4 };

static int cmd_serve(const isad_config_t *c, const args_t *a);
static int cmd_init(const isad_config_t *c, const args_t *a);
static int cmd_check(const isad_config_t *c, const args_t *a);
static int cmd_rekey(const isad_config_t *c, const args_t *a);
static int cmd_backup(const isad_config_t *c, const args_t *a);
static int cmd_status(const isad_config_t *c, const args_t *a);
static int cmd_clientconf(const isad_config_t *c, const args_t *a);

/* The subcommands: the usage text is made from this table too. */
static const struct command {
	const char *name;	/* NULL: serve */
	unsigned opts;		/* OPT_* it takes besides --config */
	const char *args, *help;
	int (*run)(const isad_config_t *, const args_t *);
} commands[] = {
	{ "init", 0, "", "make the data dir and keys", cmd_init },
	{ NULL, 0, "", "serve (foreground)", cmd_serve },
	{ "check", OPT_DEEP, " [--deep]", "validate isad.conf and policy.conf, "
	    "print a summary; --deep: check the store's indexes", cmd_check },
	{ "rekey", 0, "", "(isad stopped) a new master key; every data key "
	    "rewrapped", cmd_rekey },
	{ "backup", OPT_OUT | OPT_MASTER, " --out DIR [--with-master-key]",
	    "a consistent copy while isad serves", cmd_backup },
	{ "status", OPT_JSON, " [--json]", "health, read-only; exit 1 when "
	    "unhealthy", cmd_status },
	{ "client-config", OPT_USER, "", "print USER's client.conf",
	    cmd_clientconf },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		char head[96];

		snprintf(head, sizeof(head), "isad%s%s%s --config isad.conf%s",
		    c->name != NULL ? " " : "", c->name != NULL ? c->name : "",
		    c->opts & OPT_USER ? " USER" : "", c->args);
		fprintf(out, "%s %-61s %s\n", i == 0 ? "usage:" : "      ",
		    head, c->help);
	}
}

static int
cmd_serve(const isad_config_t *c, const args_t *a)
{
	(void)a;
	log_init("isad", true);
	return server_run(c);
}

static int
cmd_init(const isad_config_t *c, const args_t *a)
{
	(void)a;
	return init_run(c);
}

static int
cmd_check(const isad_config_t *c, const args_t *a)
{
	int rc = check_run(c);

	return rc == 0 && a->deep ? checkdeep_run(c) : rc;
}

static int
cmd_rekey(const isad_config_t *c, const args_t *a)
{
	(void)a;
	return rekey_run(c);
}

static int
cmd_backup(const isad_config_t *c, const args_t *a)
{
	return backup_run(c, a->out, a->with_master_key);
}

static int
cmd_status(const isad_config_t *c, const args_t *a)
{
	return status_run(c, a->json);
}

static int
cmd_clientconf(const isad_config_t *c, const args_t *a)
{
	return clientconf_run(c, a->user);
}

/* A usage error: one line, the usage, exit status 2. */
static int
bad_usage(const char *what, const char *name)
{
	fprintf(stderr, "isad: %s%s%s\n", what, name != NULL ? " " : "",
	    name != NULL ? name : "");
	usage(stderr);
	return 2;
}

/* Parse argv for command c into *a.  Returns -1 on success, else the
 * exit status to end with (0 for --help, 2 for a usage error). */
static int
parse(int argc, char **argv, const struct command *c, args_t *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "with-master-key", no_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "deep", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, li = -1;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, &li)) != -1) {
		unsigned need = ch == 'o' ? OPT_OUT : ch == 'm' ? OPT_MASTER :
		    ch == 'j' ? OPT_JSON : ch == 'd' ? OPT_DEEP : 0;

		if (ch == 'h') {
			usage(stdout);
			return 0;
		}
		if (ch == '?' || ch == ':')
			return bad_usage(ch == ':' ? "option needs a value:" :
			    strchr(argv[optind - 1], '=') != NULL ?
			    "option takes no value:" : "unknown option",
			    argv[optind - 1]);
		if (need != 0 && !(c->opts & need)) {
			fprintf(stderr, "isad: %s does not take --%s\n",
			    c->name != NULL ? c->name : "serving", li >= 0 ?
			    longopts[li].name : "that option");
			usage(stderr);
			return 2;
		}
		if (ch == 'c')
			a->conf = optarg;
		else if (ch == 'o')
			a->out = optarg;
		a->with_master_key |= ch == 'm';
		a->json |= ch == 'j';
		a->deep |= ch == 'd';
	}
	if ((c->opts & OPT_USER) && optind < argc)
		a->user = argv[optind++];
	if (optind < argc)
		return bad_usage("unexpected argument", argv[optind]);
	if (a->conf == NULL || a->conf[0] == '\0')
		return bad_usage("--config FILE is required", NULL);
	if ((c->opts & OPT_OUT) && (a->out == NULL || a->out[0] == '\0'))
		return bad_usage("--out DIR is required", NULL);
	if ((c->opts & OPT_USER) && (a->user == NULL || a->user[0] == '\0'))
		return bad_usage("USER is required", NULL);
	return -1;
}

int
main(int argc, char **argv)
{
	const struct command *c = NULL;
	isad_config_t cfg;
	args_t a = { 0 };
	char err[512];
	int status;

	log_init("isad", false);
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("isad %s\n", ISA_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *name = commands[i].name;

		/* "isad serve" says what plain "isad" does. */
		if (argc > 1 && argv[1][0] != '-' ? strcmp(name != NULL ? name :
		    "serve", argv[1]) == 0 : name == NULL)
			c = &commands[i];
	}
	if (c == NULL)
		return bad_usage("unknown command", argv[1]);
	if (argc > 1 && argv[1][0] != '-') {	/* the subcommand is no option */
		argv++;
		argc--;
	}
	if ((status = parse(argc, argv, c, &a)) >= 0)
		return status;
	if (isad_config_load(a.conf, &cfg, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return 1;
	}
	status = c->run(&cfg, &a);
	isad_config_free(&cfg);
	return status;
}
