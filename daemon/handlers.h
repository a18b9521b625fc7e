/* handlers.h: one function per request body: what isad answers. */
#ifndef ISA_DAEMON_HANDLERS_H
#define ISA_DAEMON_HANDLERS_H

#include <stdint.h>

#include "policy/policy.h"
#include "proto/isa.pb-c.h"

/*
 * What a handler needs, all borrowed for the length of one request: the
 * policy in force when the request arrived and the user the ZAP User-Id
 * named (enabled: the caller checked).
 */
typedef struct {
	const policy_t *policy;
	const policy_user_t *user;
	int64_t now;		/* Unix seconds */
} handler_ctx_t;

/*
 * Scratch memory a response points into, freed by handler_resp_release
 * after the response is encoded.
 */
typedef struct {
	Isa__Pong pong;
	Isa__WhoAmIResponse whoami;
	char *roles[4];
} handler_resp_t;

/*
 * Answer req into resp (an initialised envelope): sets status, message and
 * body.  resp points into hr and into the policy of ctx, so it must be
 * encoded before either goes away.
 */
void handlers_dispatch(const handler_ctx_t *ctx, const Isa__Envelope *req,
    Isa__Envelope *resp, handler_resp_t *hr);

/* Set resp to an error status with a message (a copy is not made: msg must
 * outlive the encoding; static strings or a caller buffer). */
void handlers_error(Isa__Envelope *resp, Isa__Status status, char *msg);

#endif
