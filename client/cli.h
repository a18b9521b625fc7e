/* cli.h: what every isa subcommand shares: exit codes, options, talking to isad. */
#ifndef ISA_CLIENT_CLI_H
#define ISA_CLIENT_CLI_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * Parse argv for --config FILE and --json (when json_ok) and nothing else;
 * an unknown argument prints usage and returns false.
 */
bool cli_parse_common(int argc, char **argv, bool json_ok, cli_common_t *o,
    const char *usage);

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

/* Print a non-OK reply as one line and return its exit code. */
int cli_reply_error(const Isa__Envelope *resp);

/* The exit code for a status from isad. */
int cli_status_exit(Isa__Status s);

/* Write s as a JSON string, quoted and escaped, to out. */
void cli_json_str(FILE *out, const char *s);

/* A string field of a protobuf-c message, for cli_json_fields. */
typedef struct {
	const char *name;
	size_t off;		/* offsetof the char * member */
} cli_field_t;

/* "{" and the n string fields f of msg as JSON members ("name":"value",
 * comma-separated), leaving out empty ones after the first when
 * skip_empty.  The caller closes the object. */
void cli_json_fields(FILE *out, const void *msg, const cli_field_t *f,
    size_t n, bool skip_empty);

/* Print "isa: " and a formatted line on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
