/* dispatch.h: the one table of what each request body is: its audit action, its route, its handler, whether it is audited. */
#ifndef ISA_DAEMON_DISPATCH_H
#define ISA_DAEMON_DISPATCH_H

#include <stdbool.h>

#include "daemon/ctx/env.h"
#include "daemon/ctx/job.h"
#include "proto/isa.pb-c.h"

/*
 * Where a request is handled.  Every request goes from the main loop to a
 * worker and comes back to the main loop for its reply; on the way back it
 * passes the writer (its change and audit record made durable before the
 * reply leaves) when it is audited or its handler left a change
 * (job_needs_writer).
 */
typedef enum {
	DISPATCH_ANY_WORKER,	/* the next worker, round robin */
	DISPATCH_TRANSFER,	/* the worker holding the transfer it names
				 * (byte 0 of the transfer id), else any */
} dispatch_route_t;

/* What one request body is. */
typedef struct {
	Isa__Envelope__BodyCase body;
	/* The audit log's action word; when the word depends on the body
	 * (audit.query or audit.export, approve or refuse), action_of gives
	 * it and action is NULL. */
	const char *action;
	const char *(*action_of)(const Isa__Envelope *req);
	dispatch_route_t route;
	/* DISPATCH_TRANSFER: the transfer id the body names. */
	const ProtobufCBinaryData *(*transfer)(const Isa__Envelope *req);
	/* Answers j (see dispatch_run): fills j->resp, and j->change for a
	 * request that changes state. */
	void (*handle)(worker_ctx_t *w, job_t *j);
	/* False for the parts of a transfer: its one record is written at
	 * its begin (get) or end (put). */
	bool audited;
	/* It may carry a content frame (an upload chunk only). */
	bool content;
} dispatch_t;

/* The entry for body, or NULL when it is not one a client may send (a
 * reply, or not set).  The entry is static: never freed. */
const dispatch_t *dispatch_find(Isa__Envelope__BodyCase body);

/* The audit log's name for what req asks ("get", "put", ...; "invalid"
 * when req is NULL or not a request).  Static storage. */
const char *dispatch_action(const Isa__Envelope *req);

/* The worker that must handle req: the one holding the transfer it names,
 * else any (-1).  req is not NULL. */
int dispatch_worker(const Isa__Envelope *req);

/*
 * Answer j in worker w: check its input (DESIGN §4; a refusal is audited,
 * chunks too), mark it audited or not by its entry, refuse a content frame
 * where the entry allows none, then run the entry's handler.  The handler
 * fills j->resp (and j->out for content), or, when the request changes
 * state, also j->change for the writer; the worker then submits it and
 * the reply leaves only after the change is durable.  j->subject is
 * enrolled and enabled in j->policy; j->req is set.
 */
void dispatch_run(worker_ctx_t *w, job_t *j);

#endif
