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
 * and that key as the metadata property ZAP_KEY_PROPERTY, else 400.
 * Refusals are audited through writer and logged (with key and peer
 * address) as refusals.h tallies them: the first from an address in a
 * minute at once, the rest from it in that minute counted (attempts and
 * distinct keys) into one more record when it ends, and past ceiling
 * records a minute only counted, into one record: a flood from anywhere
 * adds at most ceiling records a minute (ceiling >= 3), and as many lines
 * to isad's log; records the store cannot commit are said once a fault.
 * Returns NULL on failure (logged).
 */
zap_t *zap_start(void *ctx, struct writer *writer, unsigned ceiling);

/* Stop the thread (its last refusal counts go to the writer, which must
 * still run), wait for it and free; NULL ok. */
void zap_join(zap_t *z);

#endif
