/* conn.h: the client library: one CURVE connection to isad, requests and replies. */
#ifndef ISA_CLIENT_CONN_H
#define ISA_CLIENT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/conf.h"
#include "proto/isa.pb-c.h"

typedef struct isa_conn isa_conn_t;

/*
 * Set up a connection to conf->server as the user whose key pair is in
 * conf->key_file (which must be 0600).  Connecting happens in the
 * background; the first call waits for it.  Returns 0 and *out, or
 * ISA_ERR_* with one line in err (a key file fault names the file).
 */
__attribute__((warn_unused_result))
int isa_conn_open(const client_conf_t *conf, isa_conn_t **out, char *err,
    size_t errlen);

/*
 * Send req (its request id and version are set here) and wait for its
 * reply, at most conf->timeout_ms.  On 0, *resp is the decoded reply (free
 * with envelope_free), whatever its status.  On failure err holds a sentence
 * saying what probably happened (nothing listening, key refused, wrong
 * server key, no answer) and the return is ISA_ERR_TIMEOUT (cannot reach or
 * not authenticated), ISA_ERR_PROTO (a malformed reply) or ISA_ERR_NOMEM.
 */
__attribute__((warn_unused_result))
int isa_conn_call(isa_conn_t *c, Isa__Envelope *req, Isa__Envelope **resp,
    char *err, size_t errlen);

/*
 * Pipelining, for transfers: send req with a new request id (returned in
 * *id when not NULL) and, when data is not NULL, a content frame of len
 * bytes.  Returns 0, or ISA_ERR_TIMEOUT with a sentence in err.
 */
__attribute__((warn_unused_result))
int isa_conn_send(isa_conn_t *c, Isa__Envelope *req, const void *data,
    size_t len, uint64_t *id, char *err, size_t errlen);

/*
 * As isa_conn_send with a content frame that is not copied: libzmq sends
 * data in place and calls ffn(data, hint), from any thread, once it no
 * longer needs it, whether sent or not (also when this fails); until then
 * data must not change.  For a transfer's chunks, which would otherwise
 * be held twice (the caller's copy, kept to send again, and libzmq's).
 */
typedef void isa_conn_free_fn(void *data, void *hint);

__attribute__((warn_unused_result))
int isa_conn_send_nocopy(isa_conn_t *c, Isa__Envelope *req, void *data,
    size_t len, isa_conn_free_fn *ffn, void *hint, char *err,
    size_t errlen);

/*
 * Wait (at most conf->timeout_ms) for the next reply, whatever its request
 * id.  On 0, *resp is the reply (free with envelope_free) and, when it
 * carried a content frame, *data and *len point at it: valid until the next
 * isa_conn_recv or isa_conn_close (else *data is NULL).  Errors as for
 * isa_conn_call.
 */
__attribute__((warn_unused_result))
int isa_conn_recv(isa_conn_t *c, Isa__Envelope **resp, const void **data,
    size_t *len, char *err, size_t errlen);

/* Whether isad refused this connection's key in the handshake (so an
 * error from it means "not enrolled", not "nothing listening"). */
bool isa_conn_key_refused(const isa_conn_t *c);

/*
 * For a transfer (on: once isad took its begin; off: at its end): while
 * on, the connection to isad lost (isad stopped or restarted, the network
 * failed) ends isa_conn_recv's wait at once, not at the timeout: the
 * replies in flight are lost with it, and so is the transfer (isad ties
 * it to the connection).  Replies that came before the loss are still
 * returned first; after them every isa_conn_recv fails at once
 * (ISA_ERR_TIMEOUT, "the connection to isad ... was lost ...") until the
 * watch is turned off.  Turning it on forgets losses before.
 */
void isa_conn_watch(isa_conn_t *c, bool on);

/* Whether the connection was lost since isa_conn_watch(c, true). */
bool isa_conn_lost(const isa_conn_t *c);

/*
 * Drop, as they come, the replies to every request sent on c so far: what
 * was in flight when a transfer was given up is never returned by
 * isa_conn_recv (isa_conn_call skips other requests' replies anyway).
 */
void isa_conn_forget(isa_conn_t *c);

/*
 * From another thread, while c's owner may be waiting on it: the wait ends
 * at once (ISA_ERR_TIMEOUT, "given up: this program is stopping"), and so
 * does every later call on c.  The owner must still close c.  (isa ui,
 * stopping, ends the requests it holds open for the browser this way.)
 */
void isa_conn_interrupt(isa_conn_t *c);

/* Close at once (no linger) and free; NULL accepted. */
void isa_conn_close(isa_conn_t *c);

#endif
