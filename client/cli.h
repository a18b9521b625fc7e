/* cli.h: what every isa subcommand shares: exit codes, options, talking to isad. */
#ifndef ISA_CLIENT_CLI_H
#define ISA_CLIENT_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client/conf.h"
#include "client/conn.h"
#include "proto/isa.pb-c.h"

/* Exit codes (DESIGN §10). */
enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* BAD_REQUEST, CONFLICT, TOO_LARGE, INTERNAL, local */
	EXIT_USAGE = 2,
	EXIT_NOTFOUND = 3,	/* not found, recalled, destroyed */
	EXIT_DENIED = 4,
	EXIT_UNREACHABLE = 5,	/* cannot connect, not authenticated, UNAVAILABLE */
	EXIT_VERIFY = 6,	/* an audit verification failed */
};

/* The options every command that talks to isad takes. */
typedef struct {
	const char *config;	/* --config FILE, or NULL */
	bool json;		/* --json */
} cli_common_t;

/* What cli_getopt returns besides an option: go on with the command, or
 * stop (help printed: exit 0; a fault named: exit 2). */
enum { CLI_GO = -1, CLI_HELP = -2, CLI_BAD = -3 };

/* Long options every command that talks to isad takes; end a longopts
 * table with CLI_LONG_COMMON, { 0 }. */
enum { CLI_OPT_CONFIG = 0x100, CLI_OPT_JSON, CLI_OPT_FIRST_OWN };
#define CLI_LONG_COMMON \
	{ "config", required_argument, NULL, CLI_OPT_CONFIG }, \
	{ "json", no_argument, NULL, CLI_OPT_JSON }, \
	{ "help", no_argument, NULL, 'h' }

/*
 * getopt_long over argv (argv[0] the command's name, e.g. "put"), with
 * "h" added to shortopts.  Returns the next option's val; -1 at the end
 * (argv[optind...] are the operands); CLI_HELP when -h/--help printed
 * "usage: " usage on stdout; CLI_BAD when an unknown option, a missing
 * value or an empty one (--opt=) was named in one line on stderr with
 * the usage.  Reset optind = 0 before the first call.
 */
int cli_getopt(int argc, char **argv, const char *shortopts,
    const struct option *longopts, const char *usage);

/* Print "usage: " usage on stderr; returns EXIT_USAGE. */
int cli_usage(const char *usage);

/* An option word as written, without any "=value", into buf. */
const char *cli_opt_word(const char *w, char *buf, size_t cap);

/* For c from cli_getopt: fill o's --config and --json (when json_ok) and
 * return true, or false when c is neither. */
bool cli_common_opt(int c, const char *arg, bool json_ok, cli_common_t *o);

/*
 * Parse argv for --config FILE and --json (when json_ok), -h/--help and
 * at most nargs operands (each stored in args[]).  Returns CLI_GO to go on,
 * else the exit code (EXIT_OK after --help, EXIT_USAGE after a fault).
 */
int cli_parse_common(int argc, char **argv, bool json_ok, cli_common_t *o,
    const char *usage, int nargs, char **args);

/*
 * Load client.conf per o, connect, send req and wait for the reply.  On
 * success returns EXIT_OK with *resp set (status OK: free with
 * envelope_free).  Otherwise prints one line on stderr ("isa: ...") and
 * returns the exit code for what went wrong, including a non-OK status.
 */
int cli_call(const cli_common_t *o, Isa__Envelope *req, Isa__Envelope **resp);

/*
 * For commands that hold a connection (transfers): load client.conf per o
 * and connect.  Returns EXIT_OK with *conf and *c set (free with
 * cli_disconnect), or prints the error and returns its exit code.
 */
int cli_connect(const cli_common_t *o, client_conf_t *conf, isa_conn_t **c);
void cli_disconnect(client_conf_t *conf, isa_conn_t *c);

/* Room for the sentence of any reply from isad (its message is at most
 * 1023 bytes) and for any sentence of the client library. */
#define CLI_REPLY_LEN 1280

/* A non-OK reply as the one line `isa` prints for it after "isa: "
 * (e.g. "not found: ..."), into err; returns its exit code. */
int cli_reply_sentence(const Isa__Envelope *resp, char *err, size_t errlen);

/* Print a non-OK reply as one line and return its exit code. */
int cli_reply_error(const Isa__Envelope *resp);

/* The exit code for a status from isad. */
int cli_status_exit(Isa__Status s);

/* s as a JSON string: bytes that are not UTF-8 each become U+FFFD, so
 * any title gives valid JSON.  NULL only when out of memory. */
json_t *cli_jstr(const char *s);

/* A string field of a protobuf-c message, for cli_json_fields. */
typedef struct {
	const char *name;
	size_t off;		/* offsetof the char * member */
} cli_field_t;

/* The n string fields f of msg as a JSON object, leaving out empty ones
 * after the first when skip_empty.  NULL only when out of memory. */
json_t *cli_json_fields(const void *msg, const cli_field_t *f, size_t n,
    bool skip_empty);

/* n strings as a JSON array. */
json_t *cli_jlist(char *const *v, size_t n);

/* Set key of obj to v (taking v; NULL: out of memory, remembered). */
void cli_jset(json_t *obj, const char *key, json_t *v);

/* Whether a cli_jset on this thread failed since the last call (out of
 * memory); clears it. */
bool cli_json_failed(void);

/* Print v (taking it) as one line of JSON on stdout, ASCII only, so that
 * nothing in it acts on a terminal.  EXIT_OK, or EXIT_ERROR said. */
int cli_json_print(json_t *v);

/* Print "isa: " and a formatted line on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
