/* isad.c: isa ui's requests to isad, over the client library, with every failure turned into the CLI's sentence for the page. */
#include <string.h>

#include "client/cli.h"
#include "common/err.h"
#include "proto/envelope.h"
#include "ui/isad.h"

int
ui_calls_init(ui_calls_t *calls)
{
	calls->stopping = false;
	calls->head = NULL;
	return pthread_mutex_init(&calls->mu, NULL) == 0 ? 0 : -1;
}

void
ui_calls_stop(ui_calls_t *calls)
{
	pthread_mutex_lock(&calls->mu);
	calls->stopping = true;
	for (ui_isad_t *u = calls->head; u != NULL; u = u->next)
		isa_conn_interrupt(u->c);
	pthread_mutex_unlock(&calls->mu);
}

void
ui_calls_free(ui_calls_t *calls)
{
	pthread_mutex_destroy(&calls->mu);
}

int
ui_isad_open(ui_isad_t *u, const client_conf_t *conf, ui_calls_t *calls,
    int extra_ms, ui_err_t *e)
{
	char err[512];

	u->conf = *conf;
	u->conf.timeout_ms += extra_ms;
	u->c = NULL;
	u->calls = calls;
	u->prev = NULL;
	if (isa_conn_open(&u->conf, &u->c, err, sizeof(err)) != 0) {
		/* The key file or the settings: isa says it and exits 1. */
		ui_err_set(e, MHD_HTTP_INTERNAL_SERVER_ERROR, "error", EXIT_ERROR,
		    "%s", err);
		return -1;
	}
	pthread_mutex_lock(&calls->mu);
	if (calls->stopping)
		isa_conn_interrupt(u->c);
	u->next = calls->head;
	if (calls->head != NULL)
		calls->head->prev = u;
	calls->head = u;
	pthread_mutex_unlock(&calls->mu);
	return 0;
}

void
ui_isad_refusal(const Isa__Envelope *resp, ui_err_t *e)
{
	int code = cli_reply_sentence(resp, e->message, sizeof(e->message));

	e->exit = code;
	switch (resp->status) {
	case ISA__STATUS__NOT_FOUND:
		e->http = MHD_HTTP_NOT_FOUND;
		e->kind = "notfound";
		break;
	case ISA__STATUS__GONE:
		e->http = MHD_HTTP_GONE;
		e->kind = "recalled";
		break;
	case ISA__STATUS__DENIED:
		e->http = MHD_HTTP_FORBIDDEN;
		e->kind = "denied";
		break;
	case ISA__STATUS__UNAUTHENTICATED:
		e->http = MHD_HTTP_BAD_GATEWAY;
		e->kind = "keyrefused";
		break;
	case ISA__STATUS__UNAVAILABLE:	/* isad answered: it cannot now */
		e->http = MHD_HTTP_SERVICE_UNAVAILABLE;
		e->kind = "unavailable";
		break;
	case ISA__STATUS__BAD_REQUEST:
	case ISA__STATUS__TOO_LARGE:
	case ISA__STATUS__CONFLICT:
		e->http = MHD_HTTP_BAD_REQUEST;
		e->kind = "bad";
		break;
	default:
		e->http = MHD_HTTP_INTERNAL_SERVER_ERROR;
		e->kind = "error";
		break;
	}
}

void
ui_isad_unreachable(const char *err, bool key_refused, ui_err_t *e)
{
	ui_err_set(e, MHD_HTTP_BAD_GATEWAY,
	    key_refused ? "keyrefused" : "unreachable", EXIT_UNREACHABLE, "%s",
	    err);
}

void
ui_isad_failed(int code, const char *err, bool key_refused, ui_err_t *e)
{
	switch (code) {
	case EXIT_NOTFOUND:
		if (strncmp(err, "gone:", 5) == 0)
			ui_err_set(e, MHD_HTTP_GONE, "recalled", code, "%s", err);
		else
			ui_err_set(e, MHD_HTTP_NOT_FOUND, "notfound", code, "%s",
			    err);
		break;
	case EXIT_DENIED:
		ui_err_set(e, MHD_HTTP_FORBIDDEN, "denied", code, "%s", err);
		break;
	case EXIT_UNREACHABLE:
		/* isad's UNAVAILABLE (cli_reply_sentence's word) was an
		 * answer: isad is there but cannot do it now (its disk full,
		 * say), not out of reach. */
		if (strncmp(err, "unavailable:", 12) == 0)
			ui_err_set(e, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "unavailable", code, "%s", err);
		else
			ui_isad_unreachable(err, key_refused, e);
		break;
	default:
		/* isad's BAD_REQUEST (a malformed id, say), TOO_LARGE and
		 * CONFLICT (an upload's) as ui_isad_refusal says them. */
		if (strncmp(err, "bad request:", 12) == 0 ||
		    strncmp(err, "too large:", 10) == 0 ||
		    strncmp(err, "conflict:", 9) == 0)
			ui_err_set(e, MHD_HTTP_BAD_REQUEST, "bad", code, "%s",
			    err);
		else
			ui_err_set(e, MHD_HTTP_INTERNAL_SERVER_ERROR, "error",
			    code, "%s", err);
		break;
	}
}

int
ui_isad_call(ui_isad_t *u, Isa__Envelope *req,
    Isa__Envelope__BodyCase want, Isa__Envelope **resp, ui_err_t *e)
{
	char err[512];
	int rc;

	*resp = NULL;
	rc = isa_conn_call(u->c, req, resp, err, sizeof(err));
	if (rc == ISA_ERR_TIMEOUT) {
		ui_isad_unreachable(err, isa_conn_key_refused(u->c), e);
		return -1;
	}
	if (rc != 0) {
		ui_err_set(e, MHD_HTTP_BAD_GATEWAY, "error", EXIT_ERROR, "%s",
		    err);
		return -1;
	}
	if ((*resp)->status != ISA__STATUS__OK) {
		ui_isad_refusal(*resp, e);
		envelope_free(*resp);
		*resp = NULL;
		return -1;
	}
	if ((*resp)->body_case != want) {
		ui_err_set(e, MHD_HTTP_BAD_GATEWAY, "error", EXIT_ERROR,
		    "isad answered with something else");
		envelope_free(*resp);
		*resp = NULL;
		return -1;
	}
	return 0;
}

void
ui_isad_close(ui_isad_t *u)
{
	if (u->c == NULL)
		return;
	pthread_mutex_lock(&u->calls->mu);
	if (u->prev != NULL)
		u->prev->next = u->next;
	else
		u->calls->head = u->next;
	if (u->next != NULL)
		u->next->prev = u->prev;
	pthread_mutex_unlock(&u->calls->mu);
	isa_conn_close(u->c);
	u->c = NULL;
}

int
ui_isad_ask(const client_conf_t *conf, ui_calls_t *calls,
    struct MHD_Connection *c, Isa__Envelope *req,
    Isa__Envelope__BodyCase want, int extra_ms, Isa__Envelope **resp,
    enum MHD_Result *ret)
{
	ui_isad_t u;
	ui_err_t e;
	int rc;

	*resp = NULL;
	if (ui_isad_open(&u, conf, calls, extra_ms, &e) != 0) {
		*ret = ui_reply_error(c, &e);
		return -1;
	}
	rc = ui_isad_call(&u, req, want, resp, &e);
	ui_isad_close(&u);
	if (rc != 0)
		*ret = ui_reply_error(c, &e);
	return rc;
}
