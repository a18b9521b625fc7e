/* job.h: one request's journey: main loop -> worker -> (writer) -> main loop. */
#ifndef ISA_DAEMON_JOB_H
#define ISA_DAEMON_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "daemon/store/store.h"
#include "daemon/store/writer.h"
#include "policy/policy.h"
#include "proto/isa.pb-c.h"

#define JOB_RID_MAX 256		/* ZeroMQ routing ids are at most 255 bytes */

struct job_block;
struct queue;

/*
 * A request's one audit record (DESIGN §7), owned by its job: each string
 * is static or in the job's memory (job_alloc), and is never content, a
 * title or a secret.  Who fills what:
 *  - the main loop at arrival (serve/server.c): write (true from job_new),
 *    action (the dispatch table's word), key, agency; for a request it
 *    refuses itself, reason;
 *  - dispatch (serve/dispatch.c): write false for the parts of a transfer;
 *    reason, doc and target for a malformed request;
 *  - the handler (docs/): doc, marking, target, reason, sha and has_sha,
 *    and write again when a part of a transfer makes a record of its own;
 *  - job_apply (ctx/job.c), in the writer: the record itself, adding the
 *    actor (user), the request id, the decision from the reply's status,
 *    and that status as the reason when none was given.
 * Only the main loop reads it besides (the connection's key, to check
 * that the user still holds it: job_identity).
 */
typedef struct {
	bool write;			/* false: no record (a transfer's parts
					 * after its first, chunks) */
	const char *action;		/* "get", "put", ... */
	char key[41];			/* the Z85 key the connection authenticated
					 * with (ZAP metadata), "" if none */
	const char *agency;		/* the actor's, as the policy has it */
	const char *doc, *marking, *target, *reason;
	uint8_t sha[32];		/* the content's SHA-256, if has_sha */
	bool has_sha;
} job_audit_t;

/*
 * A request and, once handled, its reply.  Created and finally freed by the
 * main loop; in between owned by exactly one thread at a time (a worker, then
 * maybe the writer).  The reply envelope and everything it points to live
 * in the job (job_alloc) until the main loop has encoded and sent it.
 */
typedef struct job {
	writer_op_t op;			/* first: the writer's, when the job
					 * passes it (job_apply) */

	/* The request, filled by the main loop at arrival (serve/server.c)
	 * and read-only after that. */
	uint8_t rid[JOB_RID_MAX];	/* the peer's routing id */
	size_t rid_len;
	char user[128];			/* the ZAP User-Id */
	policy_t *policy;		/* a reference: the policy in force at arrival */
	const policy_user_t *subject;	/* user in policy, enabled */
	Isa__Envelope *req;
	zmq_msg_t content;		/* frame 1 of the request, if any */
	bool has_content;
	int64_t now;			/* Unix seconds at arrival */
	int64_t now_ms;			/* and in ms: the audit record's time */

	/* The answer, filled by the handler (dispatch.h). */
	Isa__Envelope resp;		/* the reply */
	zmq_msg_t out;			/* a content frame to send after it */
	bool has_out;
	/* The state change the request makes, applied by the writer in the
	 * same transaction as its audit record (NULL: none). */
	int (*change)(store_txn_t *txn, writer_op_t *op);
	void (*after)(struct job *);	/* runs in the main loop after a write */
	void *state;			/* the handler's, freed by state_free */
	void (*state_free)(void *);
	bool notifies;			/* the change may add inbox entries: held
					 * watches take a new look once it commits */
	uint32_t watch_ms;		/* an inbox watch: how long it may be held */

	job_audit_t audit;		/* its audit record (see above) */

	/* The main loop's (serve/server.c, docs/watch.c), and job.c's
	 * memory: handlers leave it alone. */
	struct {
		struct job_block *blocks;	/* job_alloc's memory */
		struct queue *results;	/* where the finished job goes */
		int64_t watch_due_ms;	/* when a held watch is due */
		uint64_t watch_gen;	/* the news count when it looked */
		struct job *watch_next;	/* the next held one */
		bool in_flight;		/* counted in the in-flight jobs */
	} loop;
} job_t;

/* A new job for one message from peer rid; NULL when out of memory. */
job_t *job_new(const void *rid, size_t rid_len);

/* Free a job and all it holds (policy reference, request, reply memory,
 * frames, handler state).  NULL accepted. */
void job_free(job_t *j);

/* n bytes, zeroed, freed with the job; aborts when out of memory (a
 * request's scratch is small and bounded). */
void *job_alloc(job_t *j, size_t n);

/* A copy of s freed with the job. */
char *job_strdup(job_t *j, const char *s);

/* A copy of s's first n bytes, or fewer up to a NUL, as a string freed
 * with the job (s need not be NUL-terminated). */
char *job_strndup(job_t *j, const char *s, size_t n);

/* A copy of the n strings of v (array and strings), freed with the job. */
char **job_strv(job_t *j, char *const *v, size_t n);

/* A copy of the formatted string, freed with the job. */
char *job_printf(job_t *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set the reply to an error: status and a sentence (copied). */
void job_error(job_t *j, Isa__Status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether the reply is an error (status set and not OK). */
bool job_failed(const job_t *j);

/* The writer's apply for every job: its change, then its audit record, in
 * one nested transaction (writer_op_t.apply). */
int job_apply(store_txn_t *txn, writer_op_t *op);

/* writer_op_t.refused for every job: its record, which the failure kept
 * out of the log, counted in the outage (outage.h) to be written when
 * commits resume. */
void job_refused(writer_op_t *op, void *outage);

/* Whether j must go through the writer before its reply leaves. */
bool job_needs_writer(const job_t *j);

/*
 * Whether user id of p may act now on a connection that authenticated with
 * key (Z85): enrolled, enabled and still holding that key (DESIGN §4).
 * *u gets the user when enrolled (NULL otherwise), also when refused.
 * Returns NULL when it may, else why not, as an audit reason: not_enrolled,
 * disabled or key_replaced.
 */
const char *job_identity(const policy_t *p, const char *id, const char *key,
    int64_t now, const policy_user_t **u);

#endif
