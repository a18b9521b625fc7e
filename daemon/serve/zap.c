/* zap.c: the ZAP handler thread: CURVE only, enrolled and enabled users only (RFC 27). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "common/clock.h"
#include "common/log.h"
#include "common/err.h"
#include "common/timefmt.h"
#include "daemon/audit/audit.h"
#include "daemon/audit/outage.h"
#include "daemon/ctx/current.h"
#include "daemon/audit/refusals.h"
#include "daemon/store/writer.h"
#include "daemon/serve/zap.h"

#define ZAP_FRAMES 7	/* version .. credentials, for CURVE */
#define ZAP_WINDOW_MS 60000	/* refusals from one address per record */

struct zap {
	void *sock;
	void *ctl;		/* the thread's end of the stop signal */
	void *ctl_main;		/* zap_join's end */
	pthread_t thread;
	writer_t *writer;
	refusals_t *refusals;
	int64_t window_ms;
};

/* One refused-handshake record on its way to the writer. */
typedef struct {
	writer_op_t op;
	audit_entry_t e;
	refusal_record_t r;
	int64_t when_ms;
} zap_event_t;

static int
zap_event_apply(store_txn_t *txn, writer_op_t *op)
{
	zap_event_t *ev = (zap_event_t *)(void *)op;

	return audit_append(txn, &ev->e, clock_wall_ms(), NULL);
}

/*
 * Records the store could not commit since it last could: writer thread
 * only (every zap_event_done runs there).  Not in zap_t: the last events
 * are done after zap_join has freed it.
 */
static unsigned long long zap_unaudited;

/* A failed record is said once, as the writer says the fault; the lines
 * "refused handshake(s) from" still count every attempt meanwhile. */
/* Kept whole by the outage, to be written when commits resume. */
static void
zap_event_refused(writer_op_t *op, void *outage)
{
	zap_event_t *ev = (zap_event_t *)(void *)op;

	outage_keep(outage, &ev->e, op->rc, ev->when_ms);
}

static void
zap_event_done(writer_op_t *op)
{
	if (op->rc != 0 && zap_unaudited++ == 0)
		log_warnx("cannot audit refused handshakes: %s; isad's log "
		    "counts them until the store commits again",
		    isa_strerror(op->rc));
	else if (op->rc == 0 && zap_unaudited > 0) {
		log_info("refused handshakes audited again: %llu record(s) "
		    "of them could not be written meanwhile",
		    zap_unaudited);
		zap_unaudited = 0;
	}
	free(op);
}

/* Write the record r (action handshake, decision deny; the peer address
 * as its target). */
static void
zap_audit(zap_t *z, const refusal_record_t *r)
{
	zap_event_t *ev = calloc(1, sizeof(*ev));

	if (ev == NULL || z->writer == NULL) {
		free(ev);
		return;
	}
	ev->r = *r;
	ev->e.actor = ev->r.user;
	ev->e.key = ev->r.key;
	ev->e.action = "handshake";
	ev->e.target = ev->r.addr;
	ev->e.decision = "deny";
	ev->e.reason = ev->r.reason;
	ev->e.count = ev->r.count;
	ev->e.keys = ev->r.keys;
	ev->when_ms = clock_wall_ms();
	ev->op.apply = zap_event_apply;
	ev->op.refused = zap_event_refused;
	ev->op.done = zap_event_done;
	writer_submit(z->writer, &ev->op);
}

/* A window's tally, recorded as it ends. */
static void
zap_emit(void *arg, const refusal_record_t *r)
{
	zap_t *z = arg;

	log_warnx("refused handshakes from %s: %llu more in the window, "
	    "%llu distinct keys", strcmp(r->addr, REFUSALS_OVERFLOW) == 0 ?
	    "addresses past the ceiling" : r->addr,
	    (unsigned long long)r->count, (unsigned long long)r->keys);
	zap_audit(z, r);
}

/*
 * A refusal: recorded (and logged, with why) at once if it is the first
 * from its address in the window, else counted (refusals.h), so that a
 * flood fills neither the audit log nor isad's log.
 */
static void
zap_refused(zap_t *z, const uint8_t *key, const char *addr, const char *user,
    const char *reason, const char *why)
{
	int64_t now = clock_wall_ms();
	refusal_record_t r;

	refusals_flush(z->refusals, now, false, zap_emit, z);
	if (!refusals_add(z->refusals, now, addr, key, user, reason, &r))
		return;
	log_warnx("refused handshake from %s: %s", addr, why);
	zap_audit(z, &r);
}

/* Receive one ZAP request: exactly ZAP_FRAMES frames, else drained and -1. */
static int
zap_recv(void *sock, zmq_msg_t *f, int *nframes)
{
	int more = 1, n = 0;

	while (more) {
		zmq_msg_t scratch, *m = n < ZAP_FRAMES ? &f[n] : &scratch;

		zmq_msg_init(m);
		if (zmq_msg_recv(m, sock, 0) < 0) {
			zmq_msg_close(m);
			*nframes = n < ZAP_FRAMES ? n : ZAP_FRAMES;
			return -1;
		}
		more = zmq_msg_more(m);
		if (m == &scratch)
			zmq_msg_close(m);
		n++;
	}
	*nframes = n < ZAP_FRAMES ? n : ZAP_FRAMES;
	return n >= 6 ? 0 : -2;
}

static int
zap_send_str(void *sock, const char *s, int more)
{
	return zmq_send(sock, s, strlen(s), more ? ZMQ_SNDMORE : 0) < 0 ? -1 : 0;
}

/*
 * The metadata frame of a reply (RFC 27, in ZMTP 3.0's form: a name of one
 * length byte, a value of four, big-endian): the key the connection
 * authenticated with, so that every message on it carries it.
 */
static size_t
zap_metadata(uint8_t *out, const char *key)
{
	static const char name[] = ZAP_KEY_PROPERTY;
	size_t nl = sizeof(name) - 1, kl = strlen(key);

	out[0] = (uint8_t)nl;
	memcpy(out + 1, name, nl);
	out[1 + nl] = (uint8_t)(kl >> 24);
	out[2 + nl] = (uint8_t)(kl >> 16);
	out[3 + nl] = (uint8_t)(kl >> 8);
	out[4 + nl] = (uint8_t)kl;
	memcpy(out + 5 + nl, key, kl);
	return 5 + nl + kl;
}

/* Answer a ZAP request; key (Z85) only with 200. */
static void
zap_reply(void *sock, zmq_msg_t *reqid, const char *code, const char *text,
    const char *user, const char *key)
{
	uint8_t meta[64 + sizeof(ZAP_KEY_PROPERTY)];
	size_t mlen = key != NULL ? zap_metadata(meta, key) : 0;

	if (zap_send_str(sock, "1.0", 1) != 0 ||
	    zmq_send(sock, zmq_msg_data(reqid), zmq_msg_size(reqid),
	    ZMQ_SNDMORE) < 0 ||
	    zap_send_str(sock, code, 1) != 0 ||
	    zap_send_str(sock, text, 1) != 0 ||
	    zap_send_str(sock, user, 1) != 0 ||
	    zmq_send(sock, meta, mlen, 0) < 0)
		log_warn("zap: cannot answer a handshake");
}

/* Copy a frame into a NUL-terminated string of at most cap - 1 bytes. */
static void
frame_str(zmq_msg_t *m, char *out, size_t cap)
{
	size_t n = zmq_msg_size(m) < cap - 1 ? zmq_msg_size(m) : cap - 1;

	memcpy(out, zmq_msg_data(m), n);
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
			out[i] = '?';
}

static void
zap_handle(zap_t *z, zmq_msg_t *f, int nframes)
{
	void *sock = z->sock;
	char version[8], mech[16], addr[64], z85[41] = "-", why[256];
	const policy_user_t *u = NULL;
	policy_user_view_t view;
	policy_t *p = NULL;

	frame_str(&f[0], version, sizeof(version));
	frame_str(&f[3], addr, sizeof(addr));
	frame_str(&f[5], mech, sizeof(mech));
	if (strcmp(version, "1.0") != 0) {
		zap_reply(sock, &f[1], "500", "unsupported ZAP version", "",
		    NULL);
		return;
	}
	if (strcmp(mech, "CURVE") != 0 || nframes != ZAP_FRAMES ||
	    zmq_msg_size(&f[6]) != 32) {
		snprintf(why, sizeof(why), "mechanism %s (only CURVE is "
		    "accepted)", mech);
		zap_refused(z, NULL, addr, "", "mechanism", why);
		zap_reply(sock, &f[1], "400", "CURVE only", "", NULL);
		return;
	}
	zmq_z85_encode(z85, zmq_msg_data(&f[6]), 32);
	p = current_policy_get();
	if (p != NULL)
		u = policy_user_by_key(p, zmq_msg_data(&f[6]));
	if (u == NULL) {
		snprintf(why, sizeof(why), "key %s is not enrolled", z85);
		zap_refused(z, zmq_msg_data(&f[6]), addr, "", "not_enrolled",
		    why);
		zap_reply(sock, &f[1], "400", "key not enrolled", "", NULL);
		goto out;
	}
	policy_user_view(p, u, 0, &view);
	if (!view.enabled) {
		snprintf(why, sizeof(why), "key %s belongs to disabled user "
		    "%s", z85, view.id);
		zap_refused(z, zmq_msg_data(&f[6]), addr, view.id, "disabled",
		    why);
		zap_reply(sock, &f[1], "400", "user disabled", "", NULL);
		goto out;
	}
	log_debug("handshake from %s: user %s", addr, view.id);
	zap_reply(sock, &f[1], "200", "OK", view.id, z85);
out:
	policy_unref(p);
}

static void *
zap_main(void *arg)
{
	zap_t *z = arg;
	zmq_msg_t f[ZAP_FRAMES];

	for (;;) {
		zmq_pollitem_t it[] = { { z->sock, 0, ZMQ_POLLIN, 0 },
		    { z->ctl, 0, ZMQ_POLLIN, 0 } };
		int n = 0, rc;

		/* Wake at least every second to record ended windows. */
		if (zmq_poll(it, 2, z->window_ms < 1000 ?
		    (long)z->window_ms : 1000) < 0) {
			if (errno == ETERM)
				break;
			continue;
		}
		if (it[1].revents & ZMQ_POLLIN)
			break;	/* zap_join */
		refusals_flush(z->refusals, clock_wall_ms(), false, zap_emit,
		    z);
		if (!(it[0].revents & ZMQ_POLLIN))
			continue;
		rc = zap_recv(z->sock, f, &n);
		if (rc == 0)
			zap_handle(z, f, n);
		else if (rc == -2 && n >= 2)
			zap_reply(z->sock, &f[1], "500", "malformed", "",
			    NULL);
		for (int i = 0; i < n; i++)
			zmq_msg_close(&f[i]);
		if (rc == -1 && errno == ETERM)
			break;
	}
	/* Counts not yet recorded are recorded now, as the daemon stops. */
	refusals_flush(z->refusals, clock_wall_ms(), true, zap_emit, z);
	zmq_close(z->sock);
	zmq_close(z->ctl);
	return NULL;
}

zap_t *
zap_start(void *ctx, writer_t *writer, unsigned ceiling)
{
	zap_t *z = calloc(1, sizeof(*z));
	int linger = 0;

	if (z == NULL)
		return NULL;
	z->writer = writer;
	z->window_ms = ZAP_WINDOW_MS;
#ifdef ISA_TEST_BUILD
	/* Test builds only: a shorter window, so that tests need not wait a
	 * minute for it to end. */
	{
		const char *w = getenv("ISAD_TEST_HANDSHAKE_WINDOW_MS");

		if (w != NULL && atoll(w) > 0)
			z->window_ms = atoll(w);
	}
#endif
	if ((z->refusals = refusals_new(ceiling, z->window_ms)) == NULL) {
		log_warnx("zap: out of memory");
		free(z);
		return NULL;
	}
	z->sock = zmq_socket(ctx, ZMQ_REP);
	z->ctl = zmq_socket(ctx, ZMQ_PAIR);
	z->ctl_main = zmq_socket(ctx, ZMQ_PAIR);
	if (z->sock == NULL || z->ctl == NULL || z->ctl_main == NULL ||
	    zmq_setsockopt(z->sock, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    zmq_setsockopt(z->ctl, ZMQ_LINGER, &linger, sizeof(linger)) != 0 ||
	    zmq_setsockopt(z->ctl_main, ZMQ_LINGER, &linger,
	    sizeof(linger)) != 0 ||
	    zmq_bind(z->ctl, "inproc://isad-zap-stop") != 0 ||
	    zmq_connect(z->ctl_main, "inproc://isad-zap-stop") != 0 ||
	    zmq_bind(z->sock, "inproc://zeromq.zap.01") != 0) {
		log_warnx("zap: cannot bind the ZAP endpoint: %s",
		    zmq_strerror(errno));
		goto fail;
	}
	/* pthread_create is a full barrier: the socket moves to the thread. */
	if (pthread_create(&z->thread, NULL, zap_main, z) != 0) {
		log_warn("zap: cannot start the ZAP thread");
		goto fail;
	}
	return z;
fail:
	if (z->sock != NULL)
		zmq_close(z->sock);
	if (z->ctl != NULL)
		zmq_close(z->ctl);
	if (z->ctl_main != NULL)
		zmq_close(z->ctl_main);
	refusals_free(z->refusals);
	free(z);
	return NULL;
}

void
zap_join(zap_t *z)
{
	if (z == NULL)
		return;
	if (zmq_send(z->ctl_main, "", 0, 0) < 0)
		log_warnx("zap: cannot signal the thread to stop");
	pthread_join(z->thread, NULL);
	zmq_close(z->ctl_main);
	refusals_free(z->refusals);
	free(z);
}
