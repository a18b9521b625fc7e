/* zap.h: the ZAP handler thread: CURVE only, enrolled and enabled users only (RFC 27). */
#ifndef ISA_DAEMON_ZAP_H
#define ISA_DAEMON_ZAP_H

typedef struct zap zap_t;

/*
 * Bind the ZAP endpoint (inproc://zeromq.zap.01) on the ZeroMQ context ctx
 * and start the thread that answers it.  It must run before any CURVE server
 * socket binds.  Each handshake is judged against the policy in force
 * (current.h): 200 with User-Id = the user's id for an enabled user's key,
 * else 400, and each refusal is logged with the key and peer address.
 * Returns NULL on failure (logged).  The thread ends when ctx is shut down;
 * zap_join then waits for it and frees.
 */
zap_t *zap_start(void *ctx);

/* Wait for the thread to end (after zmq_ctx_shutdown) and free; NULL ok. */
void zap_join(zap_t *z);

#endif
