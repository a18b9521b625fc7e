/* cli.c: what every isa subcommand shares: exit codes, options, talking to isad. */
#include <stdarg.h>
#include <string.h>

#include "client/cli.h"
#include "client/conf.h"
#include "client/conn.h"
#include "client/term.h"
#include "common/err.h"
#include "proto/envelope.h"

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("isa: ", stderr);
	va_start(ap, fmt);
	term_vprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_status_exit(Isa__Status s)
{
	switch (s) {
	case ISA__STATUS__OK: return EXIT_OK;
	case ISA__STATUS__NOT_FOUND:
	case ISA__STATUS__GONE: return EXIT_NOTFOUND;
	case ISA__STATUS__DENIED: return EXIT_DENIED;
	case ISA__STATUS__UNAUTHENTICATED:
	case ISA__STATUS__UNAVAILABLE: return EXIT_UNREACHABLE;
	default: return EXIT_ERROR;
	}
}

static const char *
status_word(Isa__Status s)
{
	switch (s) {
	case ISA__STATUS__NOT_FOUND: return "not found";
	case ISA__STATUS__GONE: return "gone";
	case ISA__STATUS__DENIED: return "denied";
	case ISA__STATUS__UNAUTHENTICATED: return "not authenticated";
	case ISA__STATUS__UNAVAILABLE: return "unavailable";
	case ISA__STATUS__BAD_REQUEST: return "bad request";
	case ISA__STATUS__CONFLICT: return "conflict";
	case ISA__STATUS__TOO_LARGE: return "too large";
	default: return "error";
	}
}

int
cli_connect(const cli_common_t *o, client_conf_t *conf, isa_conn_t **c)
{
	char err[512];

	*c = NULL;
	if (client_conf_load(o->config, conf, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		return EXIT_ERROR;
	}
	if (isa_conn_open(conf, c, err, sizeof(err)) != 0) {
		cli_error("%s", err);
		client_conf_free(conf);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

void
cli_disconnect(client_conf_t *conf, isa_conn_t *c)
{
	isa_conn_close(c);
	client_conf_free(conf);
}

int
cli_reply_sentence(const Isa__Envelope *resp, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", status_word(resp->status),
	    resp->message[0] != '\0' ? resp->message : "isad gave no reason");
	return cli_status_exit(resp->status);
}

int
cli_reply_error(const Isa__Envelope *resp)
{
	char err[CLI_REPLY_LEN];
	int code = cli_reply_sentence(resp, err, sizeof(err));

	cli_error("%s", err);
	return code;
}

int
cli_call(const cli_common_t *o, Isa__Envelope *req, Isa__Envelope **resp)
{
	client_conf_t conf;
	isa_conn_t *c = NULL;
	char err[512];
	int rc, code;

	*resp = NULL;
	if ((code = cli_connect(o, &conf, &c)) != EXIT_OK)
		return code;
	rc = isa_conn_call(c, req, resp, err, sizeof(err));
	cli_disconnect(&conf, c);
	if (rc != 0) {
		cli_error("%s", err);
		return rc == ISA_ERR_TIMEOUT ? EXIT_UNREACHABLE : EXIT_ERROR;
	}
	if ((*resp)->status == ISA__STATUS__OK)
		return EXIT_OK;
	code = cli_reply_error(*resp);
	envelope_free(*resp);
	*resp = NULL;
	return code;
}
