/* zap.h: the ZAP handler thread: CURVE only, enrolled and enabled users only (RFC 27). */
#ifndef ISA_DAEMON_ZAP_H
#define ISA_DAEMON_ZAP_H

struct writer;
typedef struct zap zap_t;

/* The ZAP metadata property that carries, on every message of a
 * connection, the Z85 public key it authenticated with (zmq_msg_gets). */
#define ZAP_KEY_PROPERTY "X-Isa-Key"

/*
 * Bind the ZAP endpoint (inproc://zeromq.zap.01) on the ZeroMQ context ctx
 * and start the thread that answers it.  It must run before any CURVE server
 * socket binds.  Each handshake is judged against the policy in force
 * (current.h): 200 with User-Id = the user's id for an enabled user's key,
 * and that key as the metadata property ZAP_KEY_PROPERTY, else 400, and each refusal is logged with the key and peer address and
 * audited through writer: the first from a (key, address) in a minute at
 * once, the repeats within that minute counted into one more record when
 * it ends, so a flood cannot fill the log.
 * Returns NULL on failure (logged).
 */
zap_t *zap_start(void *ctx, struct writer *writer);

/* Stop the thread (its last refusal counts go to the writer, which must
 * still run), wait for it and free; NULL ok. */
void zap_join(zap_t *z);

#endif
