/* isad.h: isa ui's requests to isad, over the client library, with every failure turned into the CLI's sentence for the page. */
#ifndef ISA_UI_ISAD_H
#define ISA_UI_ISAD_H

#include <pthread.h>
#include <stdbool.h>

#include "client/conf.h"
#include "client/conn.h"
#include "proto/isa.pb-c.h"
#include "ui/reply.h"

/* One connection to isad for one HTTP request (a ZeroMQ socket is not
 * shared between threads); conf is this request's copy of client.conf's
 * settings, so a long wait changes no other request's timeout. */
typedef struct ui_isad {
	client_conf_t conf;	/* shallow copy: the strings are the ui's */
	isa_conn_t *c;
	struct ui_calls *calls;	/* where it is listed while open */
	struct ui_isad *prev, *next;
} ui_isad_t;

/* Every connection open to isad, so that stopping can end the waits in
 * them (an inbox watch holds one for 25 s) rather than wait them out. */
typedef struct ui_calls {
	pthread_mutex_t mu;
	bool stopping;		/* no new connection, each open one ended */
	ui_isad_t *head;
} ui_calls_t;

/* 0, or -1 when the mutex cannot be made. */
__attribute__((warn_unused_result))
int ui_calls_init(ui_calls_t *calls);

/* End every open connection's wait at once, and refuse new ones. */
void ui_calls_stop(ui_calls_t *calls);

/* After every connection is closed. */
void ui_calls_free(ui_calls_t *calls);

/* Connect as the ui's user, listed in calls, waiting extra_ms longer than
 * client.conf says for each reply.  0, or -1 with e filled. */
__attribute__((warn_unused_result))
int ui_isad_open(ui_isad_t *u, const client_conf_t *conf, ui_calls_t *calls,
    int extra_ms, ui_err_t *e);

/*
 * Send req and wait for its reply.  0 with *resp (status OK and body_case
 * want: free with envelope_free), or -1 with e filled as `isa` would say
 * it: isad's own refusal ("not found: no such document ..."), isad down,
 * or the key refused.
 */
__attribute__((warn_unused_result))
int ui_isad_call(ui_isad_t *u, Isa__Envelope *req,
    Isa__Envelope__BodyCase want, Isa__Envelope **resp, ui_err_t *e);

void ui_isad_close(ui_isad_t *u);

/*
 * One request on a connection of its own (open, call, close), waiting
 * extra_ms longer than client.conf says: 0 with *resp (as ui_isad_call),
 * or -1 with the failure already answered on c (*ret its result).
 */
__attribute__((warn_unused_result))
int ui_isad_ask(const client_conf_t *conf, ui_calls_t *calls,
    struct MHD_Connection *c, Isa__Envelope *req,
    Isa__Envelope__BodyCase want, int extra_ms, Isa__Envelope **resp,
    enum MHD_Result *ret);

/* Fill e from a non-OK reply from isad. */
void ui_isad_refusal(const Isa__Envelope *resp, ui_err_t *e);

/* Fill e for a failure before any reply: err is the client library's
 * sentence; key_refused whether the handshake refused the key. */
void ui_isad_unreachable(const char *err, bool key_refused, ui_err_t *e);

/* Fill e for a failure the client library told as an exit code (EXIT_*)
 * and a sentence (a transfer's): isad's refusals begin with their status
 * word, as cli_reply_sentence writes them ("gone: ..."); isad's
 * "unavailable: ..." is kind unavailable (503), not unreachable. */
void ui_isad_failed(int code, const char *err, bool key_refused, ui_err_t *e);

#endif
